/*
 * reports.c - GET /reports/funnel: the deals opened in a period (from,
 * to: their creation), of an owner, a team or a customer segment, among
 * those the viewer may read, per stage: how many are at it now, their
 * amount and weighted amount; the share of those that reached a stage
 * that went on to the next (from the stage history: a deal reached
 * every stage it ever held, and a won deal all of them); the average
 * days a deal stayed in the stage.  HTML with a chart, or XML
 * (schema/report.rng).  Every filter is a bound value of one SQL text.
 * Whole months come from the summaries kept in each change's
 * transaction (deal_funnel, stage_months: migration 10), so a year of
 * 200 000 deals is a few thousand rows; the days at a period's ragged
 * ends from the deals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deals.h"

#define NSTAGES	6	/* lead .. negotiation, won, lost */

/*
 * Deals d (with customer c) opened on ?1 .. ?2 (days), of ?3 owner,
 * ?4 team, ?5 segment (empty, 0: any), that the viewer may read: the
 * ragged ends of a period, read from the deals themselves.
 */
#define REPORT_FILTER \
	" d.created_at >= ?1 AND d.created_at <= ?2 || 'T99'" \
	" AND (?3 = 0 OR d.owner = ?3)" \
	" AND (?4 = '' OR d.owner IN (SELECT id FROM users WHERE team = ?4))" \
	" AND (?5 = '' OR c.segment = ?5)" \
	" AND kiln_readable('deal', d.id)"
#define REPORT_DEALS \
	" FROM deals d JOIN customers c ON c.id = d.customer WHERE" \
	REPORT_FILTER
/* The same of the summaries, whole months ?1 .. ?2 (YYYY-MM). */
#define SUMMARY_FILTER \
	" month >= ?1 AND month <= ?2" \
	" AND (?3 = 0 OR owner = ?3)" \
	" AND (?4 = '' OR owner IN (SELECT id FROM users WHERE team = ?4))" \
	" AND (?5 = '' OR segment = ?5)" DEALS_SCOPE("owner")

/* Each query: stage, reached (or -1), deals, amount, weighted; stints. */
static const char *const from_deals[] = {
	"SELECT d.stage, d.reached, count(*), sum(d.amount),"
	" sum(d.amount * d.probability / 100)" REPORT_DEALS
	" GROUP BY d.stage, d.reached",
	"SELECT e.stage_from, sum(e.seconds), count(*) FROM deal_stages e"
	" JOIN deals d ON d.id = e.deal JOIN customers c ON c.id ="
	" d.customer WHERE" REPORT_FILTER " GROUP BY e.stage_from"
};
static const char *const from_summary[] = {
	"SELECT stage, reached, sum(deals), sum(amount), sum(weighted) FROM"
	" deal_funnel WHERE" SUMMARY_FILTER " GROUP BY stage, reached",
	"SELECT stage, sum(seconds), sum(stints) FROM stage_months WHERE"
	SUMMARY_FILTER " GROUP BY stage"
};

struct row {
	long long	 deals, amount, weighted;
	long long	 reached;	/* deals that held this stage or later */
	long long	 seconds;	/* time spent in it, all stints */
	long long	 stints;
};

static int
stage_index(const char *s)
{
	int	 i;

	for (i = 0; deals_stages[i] != NULL; i++)
		if (strcmp(deals_stages[i], s) == 0)
			return i;
	return -1;
}

/* Add one piece of the period (sql: from_deals or from_summary). */
static int
add(struct kiln_req *r, const struct kiln_services *sv,
    const char *const *sql, const char *from, const char *to,
    const struct deals_filter *f, struct row *rows)
{
	struct kiln_stmt	*st;
	long long		 m;
	int			 i, k;

	for (k = 0; k < 2; k++) {
		if ((st = sv->sql(r, sql[k])) == NULL)
			return -1;
		sv->bind_text(st, 1, from);
		sv->bind_text(st, 2, to);
		sv->bind_int(st, 3, f->owner);
		sv->bind_text(st, 4, f->team);
		sv->bind_text(st, 5, f->segment);
		if (sql == from_summary)
			deals_scope_bind(r, sv, st, deals_scope(r, sv));
		while (sv->step(st) == 1) {
			if ((i = stage_index(sv->col_text(st, 0))) < 0)
				continue;
			if (k == 1) {
				rows[i].seconds += sv->col_int(st, 1);
				rows[i].stints += sv->col_int(st, 2);
				continue;
			}
			rows[i].deals += sv->col_int(st, 2);
			rows[i].amount += sv->col_int(st, 3);
			rows[i].weighted += sv->col_int(st, 4);
			/* A deal reached every stage up to its furthest. */
			for (m = 0; m <= sv->col_int(st, 1) && m < 5; m++)
				rows[m].reached += sv->col_int(st, 2);
		}
		sv->done(st);
	}
	return 0;
}

/* YYYY-MM-DD moved by one day (+1 or -1), into out. */
static void
day_step(const char *day, int by, char *out, size_t n)
{
	int	 y = atoi(day), m = atoi(day + 5), d = atoi(day + 8);
	char	 end[16];

	d += by;
	if (d < 1) {
		if (--m < 1) {
			m = 12;
			y--;
		}
		deals_month_end(end, sizeof(end), y, m);
		d = atoi(end + 8);
	} else {
		deals_month_end(end, sizeof(end), y, m);
		if (d > atoi(end + 8)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	snprintf(out, n, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
}

/*
 * A period (days, either end open) as the summaries can answer it: the
 * whole months m1 .. m2 (none when m1 > m2) and the days at either end
 * that are not a whole month, for the records themselves.
 */
void
deals_period_split(const struct deals_filter *f, struct deals_split *p)
{
	const char	*from = *f->from ? f->from : "1900-01-01";
	const char	*to = *f->to ? f->to : "2999-12-31";
	char		 end[16], edge[16];

	memset(p, 0, sizeof(*p));
	if (strcmp(from, to) > 0) {
		p->empty = 1;
		return;
	}
	if (strcmp(from + 8, "01") == 0)
		snprintf(p->m1, sizeof(p->m1), "%.7s", from);
	else {
		deals_month_end(end, sizeof(end), atoi(from), atoi(from + 5));
		day_step(end, 1, edge, sizeof(edge));
		snprintf(p->m1, sizeof(p->m1), "%.7s", edge);
	}
	deals_month_end(end, sizeof(end), atoi(to), atoi(to + 5));
	if (strcmp(end, to) == 0)
		snprintf(p->m2, sizeof(p->m2), "%.7s", to);
	else {
		snprintf(edge, sizeof(edge), "%.7s-01", to);
		day_step(edge, -1, end, sizeof(end));
		snprintf(p->m2, sizeof(p->m2), "%.7s", end);
	}
	if (strcmp(p->m1, p->m2) > 0) {
		/* Within about a month: the records alone. */
		p->months = 0;
		snprintf(p->from[0], sizeof(p->from[0]), "%s", from);
		snprintf(p->to[0], sizeof(p->to[0]), "%s", to);
		p->ends = 1;
		return;
	}
	p->months = 1;
	if (strncmp(from, p->m1, 7) != 0) {
		snprintf(p->from[p->ends], sizeof(p->from[0]), "%s", from);
		deals_month_end(p->to[p->ends], sizeof(p->to[0]), atoi(from),
		    atoi(from + 5));
		p->ends++;
	}
	if (strncmp(to, p->m2, 7) != 0) {
		snprintf(p->from[p->ends], sizeof(p->from[0]), "%.7s-01", to);
		snprintf(p->to[p->ends], sizeof(p->to[0]), "%s", to);
		p->ends++;
	}
}

/*
 * The report's figures into rows[] (by deals_stages order): the whole
 * months of the period from the summaries the database keeps, the days
 * at its ends (a period need not begin on a 1st) from the deals.
 */
static int
figures(struct kiln_req *r, const struct kiln_services *sv,
    const struct deals_filter *f, struct row *rows)
{
	struct deals_split	 p;
	int			 k;

	memset(rows, 0, NSTAGES * sizeof(*rows));
	deals_period_split(f, &p);
	if (p.months && add(r, sv, from_summary, p.m1, p.m2, f, rows) != 0)
		return -1;
	for (k = 0; k < p.ends; k++)
		if (add(r, sv, from_deals, p.from[k], p.to[k], f, rows) != 0)
			return -1;
	return 0;
}

/* "0.55", or "" where there is nothing to divide. */
const char *
deals_ratio(struct kiln_req *r, const struct kiln_services *sv, long long a,
    long long b)
{
	char	*s = sv->alloc(r, 16);

	if (b <= 0)
		return "";
	snprintf(s, 16, "%.2f", (double)a / (double)b);
	return s;
}

static const char *
days(struct kiln_req *r, const struct kiln_services *sv,
    const struct row *w)
{
	char	*s = sv->alloc(r, 24);

	if (w->stints == 0)
		return "";
	snprintf(s, 24, "%.1f", (double)w->seconds / 86400.0 /
	    (double)w->stints);
	return s;
}

const char *
deals_num(struct kiln_req *r, const struct kiln_services *sv, long long v)
{
	char	*s = sv->alloc(r, 24);

	snprintf(s, 24, "%lld", v);
	return s;
}

static void
xml_rows(struct kiln_req *r, const struct kiln_services *sv,
    const struct row *rows)
{
	int	 i;

	for (i = 0; i < NSTAGES; i++) {
		sv->open(r, "row");
		sv->attr(r, "stage", deals_stages[i]);
		sv->attr(r, "deals", deals_num(r, sv, rows[i].deals));
		sv->attr(r, "amount", sv->money(r, rows[i].amount));
		sv->attr(r, "weighted", sv->money(r, rows[i].weighted));
		if (i < 4)
			sv->attr(r, "conversion", deals_ratio(r, sv,
			    rows[i + 1].reached, rows[i].reached));
		sv->attr(r, "days", days(r, sv, &rows[i]));
		sv->attr(r, "currency", sv->currency(r));
		sv->close(r);
	}
}

void
deals_input(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, const char *type, const char *label, const char *value)
{
	char	 id[32];

	snprintf(id, sizeof(id), "rf-%s", name);
	sv->open(r, "label");
	sv->attr(r, "for", id);
	sv->text(r, label);
	sv->close(r);
	sv->open(r, "input");
	sv->attr(r, "id", id);
	sv->attr(r, "name", name);
	sv->attr(r, "type", type);
	sv->attr(r, "value", value);
	sv->close(r);
}

/* A report's filters (GET to path): the period's ends so labelled. */
void
deals_report_form(struct kiln_req *r, const struct kiln_services *sv,
    const char *path, const struct deals_filter *f, const char *from,
    const char *to)
{
	sv->open(r, "form");
	sv->attr(r, "method", "get");
	sv->attr(r, "class", "search");
	sv->attr(r, "action", sv->url(r, path));
	deals_input(r, sv, "from", "date", from, f->from);
	deals_input(r, sv, "to", "date", to, f->to);
	deals_input(r, sv, "team", "text", _("Team"), f->team);
	deals_input(r, sv, "segment", "text", _("Segment"), f->segment);
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Show"));
	sv->close(r);
	sv->close(r);
}

static void
html_rows(struct kiln_req *r, const struct kiln_services *sv,
    const struct row *rows)
{
	static const char *const cols[] = {
		N_("Stage"), N_("Deals"), N_("Amount"), N_("Weighted"),
		N_("On to the next stage"), N_("Days in stage"), NULL
	};
	struct kiln_bar		 bars[4];
	const char		*conv;
	char			*path;
	int			 i;

	for (i = 0; i < 4; i++) {
		path = sv->alloc(r, 48);
		snprintf(path, 48, "/deals?stage=%s", deals_stages[i]);
		bars[i].label = sv->show_enum(r, deals_stages[i]);
		bars[i].value = rows[i].reached;
		bars[i].text = deals_num(r, sv, rows[i].reached);
		bars[i].href = path;
	}
	sv->chart(r, _("Deals that reached each stage"), bars, 4);
	deals_table(r, sv, cols, 0);
	sv->open(r, "tbody");
	for (i = 0; i < NSTAGES; i++) {
		sv->open(r, "tr");
		sv->open(r, "th");
		sv->attr(r, "scope", "row");
		sv->text(r, sv->show_enum(r, deals_stages[i]));
		sv->close(r);
		sv->open(r, "td");
		sv->attr(r, "class", "num");
		sv->text(r, deals_num(r, sv, rows[i].deals));
		sv->close(r);
		sv->open(r, "td");
		sv->attr(r, "class", "num");
		sv->text(r, sv->show_money(r, rows[i].amount));
		sv->close(r);
		sv->open(r, "td");
		sv->attr(r, "class", "num");
		sv->text(r, sv->show_money(r, rows[i].weighted));
		sv->close(r);
		conv = i < 4 ? deals_ratio(r, sv, rows[i + 1].reached,
		    rows[i].reached) : "";
		sv->open(r, "td");
		sv->attr(r, "class", "num");
		if (*conv != '\0') {
			path = sv->alloc(r, 16);
			snprintf(path, 16, "%.0f %%", atof(conv) * 100);
			sv->text(r, path);
		}
		sv->close(r);
		sv->open(r, "td");
		sv->attr(r, "class", "num");
		sv->text(r, days(r, sv, &rows[i]));
		sv->close(r);
		sv->close(r);
	}
	sv->close(r);
	sv->close(r);
}

/* A filter's text as sent: a date, or a name without control bytes. */
const char *
deals_text_param(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, int date, int *bad)
{
	const char	*v = sv->param(r, name);
	const char	*p;

	if (v == NULL || *v == '\0')
		return "";
	if (date && sv->parse_date(v) != 0)
		*bad = 1;
	for (p = v; *p; p++)
		if ((unsigned char)*p < 0x20)
			*bad = 1;
	if (strlen(v) > 100)
		*bad = 1;
	return v;
}

/* The last day of month m (1-12) of year y, as YYYY-MM-DD. */
void
deals_month_end(char *out, size_t n, int y, int m)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int	 d = days[(m - 1) % 12];

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		d = 29;
	snprintf(out, n, "%04d-%02d-%02d", y % 10000, m % 100, d);
}

int
deals_scope(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*role = sv->user_role(r);

	if (strcmp(role, "sales") == 0)
		return 2;
	if (strcmp(role, "manager") == 0)
		return 1;
	if (strcmp(role, "admin") == 0 || strcmp(role, "finance") == 0 ||
	    strcmp(role, "office") == 0 || strcmp(role, "service") == 0 ||
	    *role == '\0')
		return 0;
	return -1;
}

void
deals_scope_bind(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_stmt *st, int scope)
{
	sv->bind_int(st, 6, scope);
	sv->bind_int(st, 7, sv->user_id(r));
	sv->bind_text(st, 8, sv->user_team(r));
}

/*
 * The filters every report takes: from, to (dates), owner (a user id),
 * team, segment.  0, or -1 when one is malformed (answered: 400).
 */
int
deals_filter_read(struct kiln_req *r, const struct kiln_services *sv,
    struct deals_filter *f)
{
	const char	*owner = sv->param(r, "owner");
	char		*end;
	int		 bad = 0;

	f->from = deals_text_param(r, sv, "from", 1, &bad);
	f->to = deals_text_param(r, sv, "to", 1, &bad);
	f->team = deals_text_param(r, sv, "team", 0, &bad);
	f->segment = deals_text_param(r, sv, "segment", 0, &bad);
	f->owner = 0;
	if (owner != NULL && *owner != '\0') {
		f->owner = strtoll(owner, &end, 10);
		if (*end != '\0' || f->owner <= 0)
			bad = 1;
	}
	if (!bad)
		return 0;
	sv->error(r, 400, "bad_request", _("from and to are dates like"
	    " 2026-12-31, owner a user id; team and segment are names."));
	return -1;
}

/* A report's <report name from to currency> (XML), else its heading. */
int
deals_report_begin(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, const char *title, const struct deals_filter *f)
{
	if (sv->begin(r, 200, "report", title) != 0)
		return -1;
	if (sv->wants_xml(r)) {
		sv->attr(r, "name", name);
		if (*f->from)
			sv->attr(r, "from", f->from);
		if (*f->to)
			sv->attr(r, "to", f->to);
		sv->attr(r, "currency", sv->currency(r));
		return 0;
	}
	sv->open(r, "h1");
	sv->text(r, title);
	sv->close(r);
	return 0;
}

int
deals_report_funnel(struct kiln_req *r, const struct kiln_services *sv)
{
	struct row		 rows[NSTAGES];
	struct deals_filter	 f;

	if (deals_filter_read(r, sv, &f) != 0)
		return 0;	/* answered */
	if (figures(r, sv, &f, rows) != 0)
		return sv->error(r, 500, "internal", _("Internal error."));
	if (deals_report_begin(r, sv, "funnel", _("Funnel"), &f) != 0)
		return -1;
	if (sv->wants_xml(r)) {
		xml_rows(r, sv, rows);
		return sv->end(r);
	}
	deals_report_form(r, sv, "/reports/funnel", &f, _("Opened from"),
	    _("Opened until"));
	html_rows(r, sv, rows);
	return sv->end(r);
}
