/*
 * report.c - GET /reports/customer-value: the customers' value as last
 * computed (compute.c), among the customers the viewer may read,
 * narrowed by class, segment, owner, team or one customer: per class
 * the customers, revenue, margin, its share and the lifetime value;
 * the movement between classes since the month before (each customer's
 * class then against now); and the customers themselves, sorted by a
 * figure (margin by default), the first 500.  HTML with a chart, XML
 * (schema/report.rng: rows by "class", "movement", "customer"), CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

#define LIMIT	500

/*
 * The customers v (values) c (customers) of the filter: ?1 class,
 * ?2 segment, ?3 owner, ?4 team, ?5 customer ('' and 0: any).  The
 * values first (CROSS JOIN keeps SQLite to that order): the customers
 * come in the order of the figure's index, the first 500 read, not
 * every customer sorted.
 */
#define FILTER_K(cls) \
	" FROM customer_values v CROSS JOIN customers c WHERE c.id =" \
	" v.customer AND " cls " AND (?2 = '' OR c.segment = ?2)" \
	" AND (?3 = 0 OR c.owner = ?3) AND (?4 = '' OR c.owner IN (SELECT" \
	" id FROM users WHERE team = ?4)) AND (?5 = 0 OR c.id = ?5) AND" \
	" kiln_readable('customer', c.id)"
/* Any class, or the one given: then by its index (class, margin). */
#define FILTER		FILTER_K("(?1 = '' OR v.class = ?1)")
#define FILTER_CLASS	FILTER_K("v.class = ?1")
/* In the order of the figure's index, ties the newest customer first. */
#define CUSTOMERS(col, filter) \
	"SELECT v.customer, c.name, c.segment, v.class, v.r, v.f, v.m," \
	" v.revenue, v.margin, v.orders, v.invoices, v.late, v.late_days," \
	" v.ltv, v.before" filter " ORDER BY " col " DESC, v.customer DESC" \
	" LIMIT 500"
#define SORT(key, label, col) \
	{ key, label, { CUSTOMERS(col, FILTER), CUSTOMERS(col, FILTER_CLASS) } }

/* What the customers may be sorted by, largest first. */
static const struct {
	const char	*key;
	const char	*label;
	const char	*sql[2];	/* any class, a class given */
} sorts[] = {
	SORT("margin", N_("Margin"), "v.margin"),
	SORT("revenue", N_("Revenue"), "v.revenue"),
	SORT("ltv", N_("Lifetime value"), "v.ltv"),
	SORT("orders", N_("Orders"), "v.orders"),
	SORT("r", N_("Recency score"), "v.r"),
	SORT("f", N_("Frequency score"), "v.f"),
	SORT("m", N_("Monetary score"), "v.m"),
	SORT("late", N_("Days paid late"), "v.late_days"),
};
#define NSORTS	(sizeof(sorts) / sizeof(sorts[0]))

/*
 * Per class, and the moves between classes: of the customers selected
 * (any class, or the one given), or, for whoever reads every customer
 * unfiltered, of the totals the job keeps (a hundred thousand customers
 * are not read twice a page).
 */
enum { Q_ANY, Q_CLASS, Q_TOTALS };
static const char *const by_class[3] = {
	"SELECT v.class, count(*), sum(v.revenue), sum(v.margin), sum(v.ltv)"
	FILTER " GROUP BY v.class ORDER BY v.class = '', v.class",
	"SELECT v.class, count(*), sum(v.revenue), sum(v.margin), sum(v.ltv)"
	FILTER_CLASS " GROUP BY v.class",
	"SELECT class, sum(customers), sum(revenue), sum(margin), sum(ltv)"
	" FROM customer_value_totals WHERE ?1 = '' AND ?2 = '' AND ?3 = 0 AND"
	" ?4 = '' AND ?5 = 0 GROUP BY class ORDER BY class = '', class"
};
static const char *const movement[3] = {
	"SELECT v.before, v.class, count(*)" FILTER " AND v.before <> v.class"
	" AND v.class <> '' GROUP BY v.before, v.class ORDER BY v.before,"
	" v.class",
	"SELECT v.before, v.class, count(*)" FILTER_CLASS " AND v.before <>"
	" v.class AND v.class <> '' GROUP BY v.before, v.class ORDER BY"
	" v.before, v.class",
	"SELECT before, class, customers FROM customer_value_totals WHERE"
	" before <> class AND class <> '' AND ?1 = '' AND ?2 = '' AND ?3 = 0"
	" AND ?4 = '' AND ?5 = 0 ORDER BY before, class"
};

static const char *const classes[] = { "A", "B", "C", "", NULL };

struct filter {
	const char	*cls, *segment, *team, *sort;
	long long	 owner, customer;
	size_t		 sorted;	/* index into sorts[] */
	int		 q;		/* Q_ANY, Q_CLASS or Q_TOTALS */
};

static int
one_of(const char *v, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(*set, v) == 0)
			return 1;
	return 0;
}

/* A positive id in parameter name, 0 when absent, -1 when malformed. */
static long long
id_param(struct kiln_req *r, const struct kiln_services *sv,
    const char *name)
{
	const char	*v = sv->param(r, name);
	char		*end;
	long long	 id;

	if (v == NULL || *v == '\0')
		return 0;
	id = strtoll(v, &end, 10);
	return *end == '\0' && id > 0 ? id : -1;
}

static const char *
text_param(struct kiln_req *r, const struct kiln_services *sv,
    const char *name)
{
	const char	*v = sv->param(r, name);

	return v != NULL ? v : "";
}

/* The filter sent; 0, or -1 when malformed (answered 400). */
static int
read_filter(struct kiln_req *r, const struct kiln_services *sv,
    struct filter *f)
{
	const char *const	 segs[] = { "", "key_account",
	    "channel_partner", "small_loyal", "project", "prospect", NULL };
	const char		*p;
	int			 bad = 0;

	memset(f, 0, sizeof(*f));
	f->cls = text_param(r, sv, "class");
	f->segment = text_param(r, sv, "segment");
	f->team = text_param(r, sv, "team");
	f->sort = text_param(r, sv, "sort");
	f->owner = id_param(r, sv, "owner");
	f->customer = id_param(r, sv, "customer");
	if (!one_of(f->cls, classes))
		bad = 1;
	if (!one_of(f->segment, segs) || f->owner < 0 || f->customer < 0 ||
	    strlen(f->team) > 100)
		bad = 1;
	for (p = f->team; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			bad = 1;
	for (f->sorted = 0; *f->sort != '\0' && f->sorted < NSORTS;
	    f->sorted++)
		if (strcmp(sorts[f->sorted].key, f->sort) == 0)
			break;
	if (f->sorted == NSORTS)
		bad = 1;
	if (*f->sort == '\0')
		f->sorted = 0;
	/* Customers are read by all but salespeople and their managers. */
	f->q = *f->cls != '\0' ? Q_CLASS : Q_ANY;
	if (f->q == Q_ANY && strcmp(sv->user_role(r), "sales") != 0 &&
	    strcmp(sv->user_role(r), "manager") != 0 && *f->segment == '\0' &&
	    f->owner == 0 && *f->team == '\0' && f->customer == 0)
		f->q = Q_TOTALS;
	if (!bad)
		return 0;
	sv->error(r, 400, "bad_request", _("class is A, B or C; segment one of"
	    " the segments; owner and customer ids; sort one of margin,"
	    " revenue, ltv, orders, r, f, m, late."));
	return -1;
}

static struct kiln_stmt *
query(struct kiln_req *r, const struct kiln_services *sv, const char *sql,
    const struct filter *f)
{
	struct kiln_stmt	*st;

	if ((st = sv->sql(r, sql)) == NULL)
		return NULL;
	sv->bind_text(st, 1, f->cls);
	sv->bind_text(st, 2, f->segment);
	sv->bind_int(st, 3, f->owner);
	sv->bind_text(st, 4, f->team);
	sv->bind_int(st, 5, f->customer);
	return st;
}




static const char *
class_label(struct kiln_req *r, const struct kiln_services *sv,
    const char *c)
{
	(void)r;
	return *c != '\0' ? c : _("none");
}

/* Per class: customers, revenue, margin and its share, lifetime value. */
static void
class_rows(struct kiln_req *r, const struct kiln_services *sv,
    const struct filter *f, int xml)
{
	static const char *const cols[] = { N_("Class"), N_("Customers"),
	    N_("Revenue"), N_("Margin"), N_("Share of the margin"),
	    N_("Lifetime value"), NULL };
	struct kiln_stmt	*st;
	struct kiln_bar		 bars[4];
	const char		*cls[4];
	long long		 n[4], rev[4], mar[4], ltv[4], total = 0;
	size_t			 k = 0, i;

	if ((st = query(r, sv, by_class[f->q], f)) == NULL)
		return;
	while (k < 4 && sv->step(st) == 1) {
		cls[k] = kit_copy(r, sv, sv->col_text(st, 0));
		n[k] = sv->col_int(st, 1);
		rev[k] = sv->col_int(st, 2);
		mar[k] = sv->col_int(st, 3);
		ltv[k] = sv->col_int(st, 4);
		total += mar[k] > 0 ? mar[k] : 0;
		k++;
	}
	sv->done(st);
	if (!xml && k > 0) {
		for (i = 0; i < k; i++) {
			bars[i].label = class_label(r, sv, cls[i]);
			bars[i].value = mar[i] > 0 ? mar[i] : 0;
			bars[i].text = sv->show_money(r, mar[i]);
			bars[i].href = NULL;
		}
		sv->chart(r, _("Margin by class"), bars, k);
		kit_table(r, sv, cols);
	}
	for (i = 0; i < k; i++) {
		if (xml) {
			sv->open(r, "row");
			sv->attr(r, "by", "class");
			sv->attr(r, "class", cls[i]);
			sv->attr(r, "customers", kit_num(r, sv, n[i]));
			sv->attr(r, "revenue", sv->money(r, rev[i]));
			sv->attr(r, "margin", sv->money(r, mar[i]));
			sv->attr(r, "share", kit_ratio(r, sv, mar[i] > 0 ? mar[i] :
			    0, total, 4));
			sv->attr(r, "ltv", sv->money(r, ltv[i]));
			sv->close(r);
			continue;
		}
		sv->open(r, "tr");
		sv->open(r, "th");
		sv->attr(r, "scope", "row");
		sv->text(r, class_label(r, sv, cls[i]));
		sv->close(r);
		kit_cell(r, sv, kit_num(r, sv, n[i]), 1);
		kit_cell(r, sv, sv->show_money(r, rev[i]), 1);
		kit_cell(r, sv, sv->show_money(r, mar[i]), 1);
		kit_cell(r, sv, total > 0 && mar[i] > 0 ? kit_num(r, sv, mar[i] * 100 /
		    total) : "", 1);
		kit_cell(r, sv, sv->show_money(r, ltv[i]), 1);
		sv->close(r);
	}
	if (!xml && k > 0) {
		sv->close(r);
		sv->close(r);
	}
}

/* Customers whose class moved since the month before. */
static void
movement_rows(struct kiln_req *r, const struct kiln_services *sv,
    const struct filter *f, int xml)
{
	static const char *const cols[] = { N_("Class before"), N_("Now"),
	    N_("Customers"), NULL };
	struct kiln_stmt	*st;
	int			 n = 0;

	if ((st = query(r, sv, movement[f->q], f)) == NULL)
		return;
	while (sv->step(st) == 1) {
		if (xml) {
			sv->open(r, "row");
			sv->attr(r, "by", "movement");
			sv->attr(r, "from", strcmp(sv->col_text(st, 0), "-") ?
			    sv->col_text(st, 0) : "new");
			sv->attr(r, "to", sv->col_text(st, 1));
			sv->attr(r, "customers", sv->col_text(st, 2));
			sv->close(r);
			continue;
		}
		if (n++ == 0) {
			sv->open(r, "h2");
			sv->text(r, _("Moved since the month before"));
			sv->close(r);
			kit_table(r, sv, cols);
		}
		sv->open(r, "tr");
		kit_cell(r, sv, strcmp(sv->col_text(st, 0), "-") ? class_label(r,
		    sv, sv->col_text(st, 0)) : _("(new)"), 0);
		kit_cell(r, sv, class_label(r, sv, sv->col_text(st, 1)), 0);
		kit_cell(r, sv, sv->col_text(st, 2), 1);
		sv->close(r);
	}
	sv->done(st);
	if (n > 0) {
		sv->close(r);
		sv->close(r);
	}
}

/* The customers, sorted, the first LIMIT. */
static void
customer_rows(struct kiln_req *r, const struct kiln_services *sv,
    const struct filter *f, int xml)
{
	static const char *const cols[] = { N_("Customer"), N_("Segment"),
	    N_("Class"), N_("R"), N_("F"), N_("M"), N_("Revenue"),
	    N_("Margin"), N_("Orders"), N_("Paid late"),
	    N_("Days after due"), N_("Lifetime value"), NULL };
	struct kiln_stmt	*st;
	long long		 inv;
	int			 n = 0;

	if ((st = query(r, sv, sorts[f->sorted].sql[f->q == Q_CLASS], f)) == NULL)
		return;
	while (sv->step(st) == 1) {
		inv = sv->col_int(st, 10);
		if (xml) {
			sv->open(r, "row");
			sv->attr(r, "by", "customer");
			sv->attr(r, "customer", sv->col_text(st, 0));
			sv->attr(r, "name", sv->col_text(st, 1));
			sv->attr(r, "segment", sv->col_text(st, 2));
			sv->attr(r, "class", sv->col_text(st, 3));
			sv->attr(r, "r", sv->col_text(st, 4));
			sv->attr(r, "f", sv->col_text(st, 5));
			sv->attr(r, "m", sv->col_text(st, 6));
			sv->attr(r, "revenue", sv->money(r,
			    sv->col_int(st, 7)));
			sv->attr(r, "margin", sv->money(r, sv->col_int(st, 8)));
			sv->attr(r, "orders", sv->col_text(st, 9));
			sv->attr(r, "invoices", sv->col_text(st, 10));
			sv->attr(r, "late", sv->col_text(st, 11));
			sv->attr(r, "days_late", kit_ratio(r, sv,
			    sv->col_int(st, 12), inv, 1));
			sv->attr(r, "ltv", sv->money(r, sv->col_int(st, 13)));
			sv->attr(r, "before", strcmp(sv->col_text(st, 14),
			    "-") ? sv->col_text(st, 14) : "new");
			sv->close(r);
			continue;
		}
		if (n++ == 0) {
			sv->open(r, "h2");
			sv->text(r, _("Customers"));
			sv->close(r);
			kit_table(r, sv, cols);
		}
		sv->open(r, "tr");
		sv->open(r, "td");
		kit_customer_link(r, sv, sv->col_int(st, 0),
		    sv->col_text(st, 1));
		sv->close(r);
		kit_cell(r, sv, sv->show_enum(r, sv->col_text(st, 2)), 0);
		kit_cell(r, sv, class_label(r, sv, sv->col_text(st, 3)), 0);
		kit_cell(r, sv, sv->col_text(st, 4), 1);
		kit_cell(r, sv, sv->col_text(st, 5), 1);
		kit_cell(r, sv, sv->col_text(st, 6), 1);
		kit_cell(r, sv, sv->show_money(r, sv->col_int(st, 7)), 1);
		kit_cell(r, sv, sv->show_money(r, sv->col_int(st, 8)), 1);
		kit_cell(r, sv, sv->col_text(st, 9), 1);
		kit_cell(r, sv, inv > 0 ? kit_ratio(r, sv, sv->col_int(st, 11) * 100,
		    inv, 0) : "", 1);
		kit_cell(r, sv, kit_ratio(r, sv, sv->col_int(st, 12), inv, 1), 1);
		kit_cell(r, sv, sv->show_money(r, sv->col_int(st, 13)), 1);
		sv->close(r);
	}
	sv->done(st);
	if (n > 0) {
		sv->close(r);
		sv->close(r);
		if (n == LIMIT) {
			sv->open(r, "p");
			sv->attr(r, "class", "note");
			sv->text(r, _("The first 500: narrow the selection to"
			    " see the others."));
			sv->close(r);
		}
	} else if (!xml) {
		sv->open(r, "p");
		sv->text(r, _("No customer's value is worked out yet, or none"
		    " is in this selection."));
		sv->close(r);
	}
}

/* One labelled input of the filter form. */
static void
input(struct kiln_req *r, const struct kiln_services *sv, const char *name,
    const char *label, const char *value)
{
	sv->open(r, "label");
	sv->attr(r, "for", name);
	sv->text(r, label);
	sv->close(r);
	sv->open(r, "input");
	sv->attr(r, "id", name);
	sv->attr(r, "name", name);
	sv->attr(r, "type", "text");
	sv->attr(r, "value", value);
	sv->close(r);
}

static void
select_of(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, const char *label, const char *const *keys,
    const char *const *labels, size_t n, const char *value)
{
	size_t	 i;

	sv->open(r, "label");
	sv->attr(r, "for", name);
	sv->text(r, label);
	sv->close(r);
	sv->open(r, "select");
	sv->attr(r, "id", name);
	sv->attr(r, "name", name);
	for (i = 0; i < n; i++) {
		sv->open(r, "option");
		sv->attr(r, "value", keys[i]);
		if (strcmp(keys[i], value) == 0)
			sv->attr(r, "selected", "selected");
		sv->text(r, labels[i]);
		sv->close(r);
	}
	sv->close(r);
}

static void
filter_form(struct kiln_req *r, const struct kiln_services *sv,
    const struct filter *f)
{
	const char	*ck[] = { "", "A", "B", "C" };
	const char	*cl[] = { _("any"), "A", "B", "C" };
	const char	*sk[NSORTS], *sl[NSORTS];
	size_t		 i;
	const char	*role = sv->user_role(r);

	for (i = 0; i < NSORTS; i++) {
		sk[i] = sorts[i].key;
		sl[i] = _(sorts[i].label);
	}
	sv->open(r, "form");
	sv->attr(r, "method", "get");
	sv->attr(r, "class", "search");
	sv->attr(r, "action", sv->url(r, "/reports/customer-value"));
	select_of(r, sv, "class", _("Class"), ck, cl, 4, f->cls);
	input(r, sv, "segment", _("Segment"), f->segment);
	input(r, sv, "team", _("Team"), f->team);
	select_of(r, sv, "sort", _("Sorted by"), sk, sl, NSORTS,
	    sorts[f->sorted].key);
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Show"));
	sv->close(r);
	sv->close(r);
	if (strcmp(role, "admin") != 0 && strcmp(role, "manager") != 0 &&
	    strcmp(role, "finance") != 0)
		return;
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "inline");
	sv->attr(r, "action", sv->url(r, "/value/compute"));
	sv->csrf(r);
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Work it out now"));
	sv->close(r);
	sv->close(r);
}

int
value_report(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	struct filter		 f;
	int			 xml = sv->wants_xml(r);
	char			 since[16] = "", at[16] = "";

	if (read_filter(r, sv, &f) != 0)
		return 0;	/* answered */
	/* The window and day of the last run, for the report's from/to. */
	if ((st = sv->sql(r, "SELECT min(since), max(computed_at) FROM"
	    " customer_values")) != NULL) {
		if (sv->step(st) == 1) {
			snprintf(since, sizeof(since), "%.10s",
			    sv->col_text(st, 0));
			snprintf(at, sizeof(at), "%.10s", sv->col_text(st, 1));
		}
		sv->done(st);
	}
	if (sv->begin(r, 200, "report", _("Customer value")) != 0)
		return -1;
	if (xml) {
		sv->attr(r, "name", "customer-value");
		if (*since != '\0')
			sv->attr(r, "from", since);
		if (*at != '\0')
			sv->attr(r, "to", at);
		sv->attr(r, "currency", sv->currency(r));
	} else {
		sv->open(r, "h1");
		sv->text(r, _("Customer value"));
		sv->close(r);
		sv->open(r, "p");
		sv->attr(r, "class", "note");
		if (*at != '\0') {
			sv->text(r, _("Invoiced from "));
			sv->text(r, since);
			sv->text(r, _(" to "));
			sv->text(r, at);
			sv->text(r, _(": classes by margin (A the first 80 %,"
			    " B the next 15 %), R F M scores 1\u20135 by"
			    " quintile, lifetime value by the value rules."));
		} else
			sv->text(r, _("Not worked out yet."));
		sv->close(r);
		filter_form(r, sv, &f);
	}
	class_rows(r, sv, &f, xml);
	movement_rows(r, sv, &f, xml);
	customer_rows(r, sv, &f, xml);
	return sv->end(r);
}
