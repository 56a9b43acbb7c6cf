/*
 * reports.c - what selling cost, among the claims the viewer may read
 * (a salesperson their own, a manager the team's): HTML with a chart,
 * XML (schema/report.rng), CSV.  Claims count on the day they were
 * spent; submitted, approved and reimbursed ones against budgets,
 * approved and reimbursed ones against revenue.
 *
 * GET /reports/expenses (from, to, owner, team, category): per
 * salesperson the amount, the budgets whose whole period lies in the
 * range and their use; per salesperson and category; per category; per
 * month.
 *
 * GET /reports/expense-ratio (from, to, owner, team): per customer the
 * expenses, the revenue and margin invoiced in the range, expense to
 * revenue and to margin; per deal the expenses and, for a won deal, its
 * order's revenue and margin and the return on what was spent ((margin -
 * expenses) / expenses); the cost of the deals lost in the range.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expenses.h"

/* Claims e of ?1 .. ?2 (spent_on), ?3 owner, ?4 team, ?5 category. */
/* Orders o invoiced or paid that the viewer may read. */
#define INVOICED \
	"o.status IN ('invoiced', 'paid') AND kiln_readable('order', o.id)"
#define CLAIMS	CLAIMS_J("")
#define CLAIMS_J(join) \
	" FROM expenses e " join " WHERE e.spent_on >= ?1 AND e.spent_on <=" \
	" ?2 AND" \
	" (?3 = 0 OR e.owner = ?3) AND (?4 = '' OR e.owner IN (SELECT id" \
	" FROM users WHERE team = ?4)) AND (?5 = '' OR e.category = ?5) AND" \
	" kiln_readable('expense', e.id)"
#define SPENT	" AND e.status IN ('approved', 'reimbursed')"

struct filter {
	const char	*from, *to, *team, *category;
	long long	 owner;
};

/*
 * The claims counted of a period, one row per owner, category and
 * month: whole months ?9 .. ?10 from expense_months (the owners whose
 * claims the viewer reads: ?6 1 all, 2 the team ?8's, 0 their own ?7,
 * -1 none), the days at its ragged ends ?1 .. ?2 and ?11 .. ?12 from the
 * claims; ?3 owner, ?4 team, ?5 category narrow it.
 */
#define ROWS \
	" (SELECT owner, category, month, counted AS amount, claims FROM" \
	" expense_months WHERE month >= ?9 AND month <= ?10 AND (?3 = 0 OR" \
	" owner = ?3) AND (?4 = '' OR owner IN (SELECT id FROM users WHERE" \
	" team = ?4)) AND (?5 = '' OR category = ?5) AND ?6 >= 0 AND (?6 = 1" \
	" OR owner = ?7 OR (?6 = 2 AND owner IN (SELECT id FROM users WHERE" \
	" team = ?8 AND team <> '')))" \
	" UNION ALL SELECT coalesce(e.owner, 0), e.category, substr(e.spent_on," \
	" 1, 7), e.amount, 1 FROM expenses e WHERE ((e.spent_on >= ?1 AND" \
	" e.spent_on <= ?2) OR (e.spent_on >= ?11 AND e.spent_on <= ?12)) AND" \
	" (?3 = 0 OR e.owner = ?3) AND (?4 = '' OR e.owner IN (SELECT id FROM" \
	" users WHERE team = ?4)) AND (?5 = '' OR e.category = ?5) AND" \
	" e.status IN ('submitted', 'approved', 'reimbursed') AND" \
	" kiln_readable('expense', e.id)) x"

/* The last day of the month of day (YYYY-MM-DD). */
static void
month_end(const char *day, char *out, size_t n)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	 y = atoi(day), m = atoi(day + 5), d;

	if (m < 1 || m > 12)
		m = 1;
	d = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0));
	snprintf(out, n, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
}

/* The month after (by +1) or before (-1) month YYYY-MM. */
static void
month_step(const char *month, int by, char *out, size_t n)
{
	int	 y = atoi(month), m = atoi(month + 5) + by;

	if (m > 12) {
		m = 1;
		y++;
	} else if (m < 1) {
		m = 12;
		y--;
	}
	snprintf(out, n, "%04d-%02d", y % 10000, m % 100);
}

/*
 * A months query of the filter: the whole months of from .. to and its
 * ragged ends (an end that is none is a range nothing falls in), the
 * viewer's scope, and ?13 ?14 the range itself.
 */
static struct kiln_stmt *
months_query(struct kiln_req *r, const struct kiln_services *sv,
    const char *sql, const struct filter *f)
{
	struct kiln_stmt	*st;
	const char		*role = sv->user_role(r);
	char			 m1[16], m2[16], end[16], e1t[16], e2f[16];
	int			 scope;

	scope = strcmp(role, "admin") == 0 || strcmp(role, "finance") == 0 ?
	    1 : strcmp(role, "manager") == 0 ? 2 : strcmp(role, "sales") == 0 ?
	    0 : -1;
	/* Whole months: from the 1st on, to a month's last day. */
	snprintf(m1, sizeof(m1), "%.7s", f->from);
	if (strcmp(f->from + 8, "01") != 0)
		month_step(m1, 1, m1, sizeof(m1));
	month_end(f->to, end, sizeof(end));
	snprintf(m2, sizeof(m2), "%.7s", f->to);
	if (strcmp(end, f->to) != 0)
		month_step(m2, -1, m2, sizeof(m2));
	if (strcmp(m1, m2) > 0) {
		/* Within a month or so: the claims alone. */
		snprintf(e1t, sizeof(e1t), "%s", f->to);
		snprintf(e2f, sizeof(e2f), "9999");
		snprintf(m1, sizeof(m1), "9999");
	} else {
		/* The days before m1 and after m2, if any. */
		if (strncmp(f->from, m1, 7) != 0)
			month_end(f->from, e1t, sizeof(e1t));
		else
			snprintf(e1t, sizeof(e1t), "0000");
		if (strncmp(f->to, m2, 7) != 0)
			snprintf(e2f, sizeof(e2f), "%.7s-01", f->to);
		else
			snprintf(e2f, sizeof(e2f), "9999");
	}
	if ((st = sv->sql(r, sql)) == NULL)
		return NULL;
	sv->bind_text(st, 1, f->from);
	sv->bind_text(st, 2, e1t);
	sv->bind_int(st, 3, f->owner);
	sv->bind_text(st, 4, f->team);
	sv->bind_text(st, 5, f->category);
	sv->bind_int(st, 6, scope);
	sv->bind_int(st, 7, sv->user_id(r));
	sv->bind_text(st, 8, sv->user_team(r));
	sv->bind_text(st, 9, m1);
	sv->bind_text(st, 10, m2);
	sv->bind_text(st, 11, e2f);
	sv->bind_text(st, 12, f->to);
	sv->bind_text(st, 13, f->from);
	sv->bind_text(st, 14, f->to);
	return st;
}

static const char *
text_param(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, int date, int *bad)
{
	const char	*v = sv->param(r, name), *p;

	if (v == NULL || *v == '\0')
		return "";
	if ((date && sv->parse_date(v) != 0) || strlen(v) > 100)
		*bad = 1;
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*bad = 1;
	return v;
}

/* The filter sent, the year to today by default; -1 when answered. */
static int
read_filter(struct kiln_req *r, const struct kiln_services *sv,
    struct filter *f)
{
	const char *const	*c;
	const char		*o = sv->param(r, "owner");
	char			*end, *from, *to;
	time_t			 t = time(NULL);
	struct tm		 tm;
	int			 bad = 0;

	memset(f, 0, sizeof(*f));
	f->from = text_param(r, sv, "from", 1, &bad);
	f->to = text_param(r, sv, "to", 1, &bad);
	f->team = text_param(r, sv, "team", 0, &bad);
	f->category = text_param(r, sv, "category", 0, &bad);
	for (c = expense_categories; *f->category && *c &&
	    strcmp(*c, f->category); c++)
		;
	if (*f->category && *c == NULL)
		bad = 1;
	if (o != NULL && *o != '\0') {
		f->owner = strtoll(o, &end, 10);
		if (*end != '\0' || f->owner <= 0)
			bad = 1;
	}
	if (bad) {
		sv->error(r, 400, "bad_request", _("from and to are dates like"
		    " 2026-12-31, owner a user id, team a name, category one of"
		    " the categories."));
		return -1;
	}
	gmtime_r(&t, &tm);
	if (*f->from == '\0') {
		from = sv->alloc(r, 16);
		snprintf(from, 16, "%04d-01-01", (tm.tm_year + 1900) % 10000);
		f->from = from;
	}
	if (*f->to == '\0') {
		to = sv->alloc(r, 16);
		strftime(to, 16, "%Y-%m-%d", &tm);
		f->to = to;
	}
	return 0;
}

static struct kiln_stmt *
query(struct kiln_req *r, const struct kiln_services *sv, const char *sql,
    const struct filter *f)
{
	struct kiln_stmt	*st;

	if ((st = sv->sql(r, sql)) == NULL)
		return NULL;
	sv->bind_text(st, 1, f->from);
	sv->bind_text(st, 2, f->to);
	sv->bind_int(st, 3, f->owner);
	sv->bind_text(st, 4, f->team);
	sv->bind_text(st, 5, f->category);
	return st;
}


/* <report ...> or the page's heading and filter form. */
static int
begin(struct kiln_req *r, const struct kiln_services *sv, const char *name,
    const char *title, const char *path, const struct filter *f)
{
	static const char *const inputs[][3] = {
		{ "from", N_("From"), "date" }, { "to", N_("To"), "date" },
		{ "team", N_("Team"), "text" },
	};
	const char	*values[3];
	size_t		 i;

	if (sv->begin(r, 200, "report", title) != 0)
		return -1;
	if (sv->wants_xml(r)) {
		sv->attr(r, "name", name);
		sv->attr(r, "from", f->from);
		sv->attr(r, "to", f->to);
		sv->attr(r, "currency", sv->currency(r));
		return 0;
	}
	sv->open(r, "h1");
	sv->text(r, title);
	sv->close(r);
	values[0] = f->from;
	values[1] = f->to;
	values[2] = f->team;
	sv->open(r, "form");
	sv->attr(r, "method", "get");
	sv->attr(r, "class", "search");
	sv->attr(r, "action", sv->url(r, path));
	for (i = 0; i < 3; i++) {
		sv->open(r, "label");
		sv->attr(r, "for", inputs[i][0]);
		sv->text(r, _(inputs[i][1]));
		sv->close(r);
		sv->open(r, "input");
		sv->attr(r, "id", inputs[i][0]);
		sv->attr(r, "name", inputs[i][0]);
		sv->attr(r, "type", inputs[i][2]);
		sv->attr(r, "value", values[i]);
		sv->close(r);
	}
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Show"));
	sv->close(r);
	sv->close(r);
	return 0;
}

static void
heading(struct kiln_req *r, const struct kiln_services *sv, const char *h,
    const char *const *cols)
{
	sv->open(r, "h2");
	sv->text(r, h);
	sv->close(r);
	kit_table(r, sv, cols);
}

static void
table_end(struct kiln_req *r, const struct kiln_services *sv, int n)
{
	if (n > 0) {
		sv->close(r);
		sv->close(r);
	}
}

/* Per salesperson: amount, the budgets within the range, their use. */
static void
by_owner(struct kiln_req *r, const struct kiln_services *sv,
    const struct filter *f, int xml)
{
	static const char *const cols[] = { N_("Salesperson"), N_("Claimed"),
	    N_("Budget"), N_("Use"), NULL };
	struct kiln_stmt	*st;
	long long		 amount, budget;
	int			 n = 0;

	/* A budget counts when its whole month or quarter is in the range. */
	/*
	 * The owner's budgets of the category asked for ('' all) whose
	 * whole month or quarter is in the range; a quarter only when none
	 * of its months has a budget of its own (one budget per period, as
	 * a claim is judged by the most specific).
	 */
	if ((st = months_query(r, sv, "SELECT x.owner, u.login, u.name,"
	    " sum(x.amount), (SELECT coalesce(sum(b.amount), 0) FROM"
	    " expense_budgets b WHERE b.owner = x.owner AND b.category = ?5"
	    " AND ((b.period NOT LIKE '%Q%' AND b.period >= substr(?13, 1, 7)"
	    " AND b.period <= substr(?14, 1, 7)) OR (b.period LIKE '%Q%' AND"
	    " substr(b.period, 1, 4) || '-' || substr('01040710', 2 *"
	    " CAST(substr(b.period, 7, 1) AS INTEGER) - 1, 2) >= substr(?13, 1,"
	    " 7) AND substr(b.period, 1, 4) || '-' || substr('03060912', 2 *"
	    " CAST(substr(b.period, 7, 1) AS INTEGER) - 1, 2) <= substr(?14,"
	    " 1, 7) AND NOT EXISTS (SELECT 1 FROM expense_budgets m WHERE"
	    " m.owner = b.owner AND m.category = b.category AND m.period NOT"
	    " LIKE '%Q%' AND substr(m.period, 1, 4) = substr(b.period, 1, 4)"
	    " AND (CAST(substr(m.period, 6, 2) AS INTEGER) + 2) / 3 ="
	    " CAST(substr(b.period, 7, 1) AS INTEGER))))) FROM" ROWS " JOIN users"
	    " u ON u.id = x.owner GROUP BY x.owner, u.login, u.name HAVING"
	    " sum(x.claims) > 0 ORDER BY 4 DESC", f)) == NULL)
		return;
	while (sv->step(st) == 1) {
		amount = sv->col_int(st, 3);
		budget = sv->col_int(st, 4);
		if (xml) {
			sv->open(r, "row");
			sv->attr(r, "by", "owner");
			sv->attr(r, "owner", sv->col_text(st, 0));
			sv->attr(r, "login", sv->col_text(st, 1));
			sv->attr(r, "name", sv->col_text(st, 2));
			sv->attr(r, "amount", sv->money(r, amount));
			sv->attr(r, "budget", sv->money(r, budget));
			sv->attr(r, "use", kit_ratio(r, sv, amount, budget, 2));
			sv->close(r);
			continue;
		}
		if (n++ == 0)
			heading(r, sv, _("Per salesperson"), cols);
		sv->open(r, "tr");
		kit_cell(r, sv, *sv->col_text(st, 2) ? sv->col_text(st, 2) :
		    sv->col_text(st, 1), 0);
		kit_cell(r, sv, sv->show_money(r, amount), 1);
		kit_cell(r, sv, budget > 0 ? sv->show_money(r, budget) : "", 1);
		kit_cell(r, sv, kit_ratio(r, sv, amount * 100, budget, 0), 1);
		sv->close(r);
	}
	sv->done(st);
	table_end(r, sv, n);
}

/* The categories' order (expense_categories), or -1. */
static int
category_index(const char *c)
{
	int	 i;

	for (i = 0; expense_categories[i] != NULL; i++)
		if (strcmp(expense_categories[i], c) == 0)
			return i;
	return -1;
}

#define NCATS	6
#define NMONTHS	120

static void
owner_category(struct kiln_req *r, const struct kiln_services *sv,
    long long owner, const char *category, long long amount)
{
	sv->open(r, "row");
	sv->attr(r, "by", "owner_category");
	sv->attr(r, "owner", kit_num(r, sv, owner));
	sv->attr(r, "category", category);
	sv->attr(r, "amount", sv->money(r, amount));
	sv->close(r);
}

/*
 * Per category (a chart), per salesperson and category, per month: one
 * pass over the claims, grouped by owner, category and month.
 */
static void
by_category(struct kiln_req *r, const struct kiln_services *sv,
    const struct filter *f, int xml)
{
	static const char *const cols[] = { N_("Category"), N_("Claimed"),
	    N_("Claims"), NULL };
	struct kiln_stmt	*st;
	struct kiln_bar		 bars[NCATS];
	long long		 cat[NCATS] = { 0 }, cnt[NCATS] = { 0 };
	long long		 mon[NMONTHS], oc = 0, owner = -1, o;
	char			 months[NMONTHS][8];
	const char		*c, *oc_cat = "";
	size_t			 nb = 0, nm = 0, i;
	int			 k, ck = -1;

	if ((st = months_query(r, sv, "SELECT x.owner, x.category, x.month,"
	    " sum(x.amount), sum(x.claims) FROM" ROWS " GROUP BY x.owner,"
	    " x.category, x.month HAVING sum(x.claims) > 0 ORDER BY 1, 2, 3",
	    f)) == NULL)
		return;
	while (sv->step(st) == 1) {
		o = sv->col_int(st, 0);
		c = sv->col_text(st, 1);
		if ((k = category_index(c)) < 0)
			continue;
		cat[k] += sv->col_int(st, 3);
		cnt[k] += sv->col_int(st, 4);
		for (i = 0; i < nm && strcmp(months[i], sv->col_text(st, 2));
		    i++)
			;
		if (i == nm && nm < NMONTHS) {
			snprintf(months[nm], sizeof(months[nm]), "%s",
			    sv->col_text(st, 2));
			mon[nm++] = 0;
		}
		if (i < nm)
			mon[i] += sv->col_int(st, 3);
		/* Owner and category: the rows come grouped by them. */
		if (xml && (o != owner || k != ck)) {
			if (owner >= 0)
				owner_category(r, sv, owner, oc_cat, oc);
			owner = o;
			ck = k;
			oc_cat = expense_categories[k];
			oc = 0;
		}
		oc += sv->col_int(st, 3);
	}
	sv->done(st);
	if (xml && owner >= 0)
		owner_category(r, sv, owner, oc_cat, oc);
	for (k = 0; k < NCATS; k++) {
		if (cnt[k] == 0)
			continue;
		if (xml) {
			sv->open(r, "row");
			sv->attr(r, "by", "category");
			sv->attr(r, "category", expense_categories[k]);
			sv->attr(r, "amount", sv->money(r, cat[k]));
			sv->attr(r, "claims", kit_num(r, sv, cnt[k]));
			sv->close(r);
			continue;
		}
		bars[nb].label = sv->show_enum(r, expense_categories[k]);
		bars[nb].value = cat[k];
		bars[nb].text = sv->show_money(r, cat[k]);
		bars[nb++].href = NULL;
	}
	if (xml) {
		/* Months in order: the rows came by owner first. */
		for (i = 0; i < nm; i++) {
			size_t	 j, lo = i;

			for (j = i + 1; j < nm; j++)
				if (strcmp(months[j], months[lo]) < 0)
					lo = j;
			if (lo != i) {
				char		 t[8];
				long long	 v = mon[i];

				memcpy(t, months[i], sizeof(t));
				memcpy(months[i], months[lo], sizeof(t));
				memcpy(months[lo], t, sizeof(t));
				mon[i] = mon[lo];
				mon[lo] = v;
			}
			sv->open(r, "row");
			sv->attr(r, "by", "month");
			sv->attr(r, "month", months[i]);
			sv->attr(r, "amount", sv->money(r, mon[i]));
			sv->close(r);
		}
		return;
	}
	if (nb == 0)
		return;
	sv->chart(r, _("Claimed per category"), bars, nb);
	heading(r, sv, _("Per category"), cols);
	for (k = 0; k < NCATS; k++) {
		if (cnt[k] == 0)
			continue;
		sv->open(r, "tr");
		kit_cell(r, sv, sv->show_enum(r, expense_categories[k]), 0);
		kit_cell(r, sv, sv->show_money(r, cat[k]), 1);
		kit_cell(r, sv, kit_num(r, sv, cnt[k]), 1);
		sv->close(r);
	}
	table_end(r, sv, 1);
}

/* GET /reports/expenses */
int
exp_report(struct kiln_req *r, const struct kiln_services *sv)
{
	struct filter	 f;
	int		 xml = sv->wants_xml(r);

	if (read_filter(r, sv, &f) != 0)
		return 0;
	if (begin(r, sv, "expenses", _("Expenses against budget"),
	    "/reports/expenses", &f) != 0)
		return -1;
	by_owner(r, sv, &f, xml);
	by_category(r, sv, &f, xml);
	return sv->end(r);
}

/*
 * Per customer: claims spent on it (approved, reimbursed), what it was
 * invoiced in the range and the margin of that.
 */
static void
per_customer(struct kiln_req *r, const struct kiln_services *sv,
    const struct filter *f, int xml)
{
	static const char *const cols[] = { N_("Customer"), N_("Expenses"),
	    N_("Revenue"), N_("Margin"), N_("Expense to revenue"),
	    N_("Expense to margin"), NULL };
	struct kiln_stmt	*st;
	long long		 spent, revenue, margin;
	char			 path[48];
	int			 n = 0;

	if ((st = query(r, sv, "SELECT c.id, c.name, x.spent, coalesce((SELECT"
	    " sum(o.invoiced_amount) FROM orders o WHERE o.customer = c.id AND"
	    " " INVOICED " AND o.invoiced_date >= ?1 AND"
	    " o.invoiced_date <= ?2), 0), coalesce((SELECT"
	    " sum(o.invoiced_amount - o.cost) FROM orders o WHERE o.customer ="
	    " c.id AND " INVOICED " AND o.invoiced_date >="
	    " ?1 AND o.invoiced_date <= ?2), 0) FROM (SELECT e.customer,"
	    " sum(e.amount) AS spent" CLAIMS SPENT " AND e.customer IS NOT"
	    " NULL GROUP BY e.customer ORDER BY 2 DESC, 1 LIMIT 500) x JOIN"
	    " customers c ON c.id = x.customer WHERE kiln_readable('customer',"
	    " c.id) ORDER BY x.spent DESC, c.id",
	    f)) == NULL)
		return;
	while (sv->step(st) == 1) {
		spent = sv->col_int(st, 2);
		revenue = sv->col_int(st, 3);
		margin = sv->col_int(st, 4);
		if (xml) {
			sv->open(r, "row");
			sv->attr(r, "by", "customer");
			sv->attr(r, "customer", sv->col_text(st, 0));
			sv->attr(r, "name", sv->col_text(st, 1));
			sv->attr(r, "expenses", sv->money(r, spent));
			sv->attr(r, "revenue", sv->money(r, revenue));
			sv->attr(r, "margin", sv->money(r, margin));
			sv->attr(r, "expense_to_revenue", kit_ratio(r, sv, spent,
			    revenue, 2));
			sv->attr(r, "expense_to_margin", kit_ratio(r, sv, spent,
			    margin, 2));
			sv->close(r);
			continue;
		}
		if (n++ == 0)
			heading(r, sv, _("Per customer"), cols);
		sv->open(r, "tr");
		sv->open(r, "td");
		snprintf(path, sizeof(path), "/customers/%lld",
		    sv->col_int(st, 0));
		kit_link(r, sv, path, sv->col_text(st, 1));
		sv->close(r);
		kit_cell(r, sv, sv->show_money(r, spent), 1);
		kit_cell(r, sv, sv->show_money(r, revenue), 1);
		kit_cell(r, sv, sv->show_money(r, margin), 1);
		kit_cell(r, sv, kit_ratio(r, sv, spent, revenue, 2), 1);
		kit_cell(r, sv, kit_ratio(r, sv, spent, margin, 2), 1);
		sv->close(r);
	}
	sv->done(st);
	table_end(r, sv, n);
}

/*
 * Per deal: claims spent on it; a won deal's order's revenue and margin
 * and the return (margin - expenses) / expenses; the lost deals' cost.
 */
static void
per_deal(struct kiln_req *r, const struct kiln_services *sv,
    const struct filter *f, int xml)
{
	static const char *const cols[] = { N_("Deal"), N_("Stage"),
	    N_("Expenses"), N_("Revenue"), N_("Margin"), N_("Return"), NULL };
	struct kiln_stmt	*st;
	long long		 spent, revenue, margin, lost = 0, nlost = 0;
	char			 path[48], line[256];
	int			 n = 0, won;

	if ((st = query(r, sv, "SELECT d.id, d.title, d.stage, x.spent,"
	    " coalesce((SELECT sum(o.invoiced_amount) FROM orders o WHERE"
	    " o.deal = d.id AND " INVOICED "), 0),"
	    " coalesce((SELECT sum(o.invoiced_amount - o.cost) FROM orders o"
	    " WHERE o.deal = d.id AND " INVOICED "), 0)"
	    " FROM (SELECT e.deal, sum(e.amount) AS spent" CLAIMS SPENT " AND"
	    " e.deal IS NOT NULL GROUP BY e.deal ORDER BY 2 DESC, 1 LIMIT 500)"
	    " x JOIN deals d ON d.id = x.deal WHERE kiln_readable('deal',"
	    " d.id) ORDER BY x.spent DESC, d.id", f))
	    == NULL)
		return;
	while (sv->step(st) == 1) {
		spent = sv->col_int(st, 3);
		revenue = sv->col_int(st, 4);
		margin = sv->col_int(st, 5);
		won = strcmp(sv->col_text(st, 2), "won") == 0;
		if (xml) {
			sv->open(r, "row");
			sv->attr(r, "by", "deal");
			sv->attr(r, "deal", sv->col_text(st, 0));
			sv->attr(r, "name", sv->col_text(st, 1));
			sv->attr(r, "stage", sv->col_text(st, 2));
			sv->attr(r, "expenses", sv->money(r, spent));
			sv->attr(r, "revenue", sv->money(r, revenue));
			sv->attr(r, "margin", sv->money(r, margin));
			sv->attr(r, "roi", won ? kit_ratio(r, sv, margin - spent,
			    spent, 2) : "");
			sv->close(r);
			continue;
		}
		if (n++ == 0)
			heading(r, sv, _("Per deal"), cols);
		sv->open(r, "tr");
		sv->open(r, "td");
		snprintf(path, sizeof(path), "/deals/%lld", sv->col_int(st, 0));
		kit_link(r, sv, path, sv->col_text(st, 1));
		sv->close(r);
		kit_cell(r, sv, sv->show_enum(r, sv->col_text(st, 2)), 0);
		kit_cell(r, sv, sv->show_money(r, spent), 1);
		kit_cell(r, sv, won ? sv->show_money(r, revenue) : "", 1);
		kit_cell(r, sv, won ? sv->show_money(r, margin) : "", 1);
		kit_cell(r, sv, won ? kit_ratio(r, sv, margin - spent, spent,
		    2) : "", 1);
		sv->close(r);
	}
	sv->done(st);
	table_end(r, sv, n);
	/* What the deals lost cost, all of them. */
	if ((st = query(r, sv, "SELECT count(DISTINCT e.deal),"
	    " coalesce(sum(e.amount), 0)" CLAIMS_J("JOIN deals d ON d.id ="
	    " e.deal") SPENT " AND d.stage = 'lost'", f)) != NULL) {
		if (sv->step(st) == 1) {
			nlost = sv->col_int(st, 0);
			lost = sv->col_int(st, 1);
		}
		sv->done(st);
	}
	if (xml) {
		sv->open(r, "row");
		sv->attr(r, "by", "lost");
		sv->attr(r, "deals", kit_num(r, sv, nlost));
		sv->attr(r, "expenses", sv->money(r, lost));
		sv->close(r);
	} else if (nlost > 0) {
		snprintf(line, sizeof(line), _("Spent on %lld deals lost: "),
		    nlost);
		sv->open(r, "p");
		sv->text(r, line);
		sv->text(r, sv->show_money(r, lost));
		sv->close(r);
	}
}

/* GET /reports/expense-ratio */
int
exp_report_ratio(struct kiln_req *r, const struct kiln_services *sv)
{
	struct filter	 f;
	int		 xml = sv->wants_xml(r);

	if (read_filter(r, sv, &f) != 0)
		return 0;
	f.category = "";
	if (begin(r, sv, "expense-ratio", _("Expense to revenue"),
	    "/reports/expense-ratio", &f) != 0)
		return -1;
	per_customer(r, sv, &f, xml);
	per_deal(r, sv, &f, xml);
	return sv->end(r);
}
