/*
 * performance.c - GET /reports/performance: per salesperson, over a
 * period (from, to; this month by default), what the sales manager of a
 * manufacturer is measured by: visits made, calls made and returned,
 * new target customers (reached for the first time by their owner),
 * contacts added and referrals among them, meetings scheduled and held,
 * the appointment success rate (held / scheduled), proposals, deals won
 * and the signing rate (won / proposals); and a score by the rules with
 * a `scorecard` hook (lua/scorecard.lua: results for transactional
 * selling, the process too for relationship selling).
 *
 * Read from what the database keeps in each activity's and each move's
 * own transaction (activity_days, first_contacts; deals and their stage
 * history by index), so a year of a large team is a few thousand rows.
 * Salespeople see their own figures, managers their team's, the others
 * everyone's: the owner-based access deals and activities have.
 * HTML with a chart of the scores, or XML (schema/report.rng).
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deals.h"

#define PERF_MAX	500	/* salespeople in one report */

/* The figures, in the order of cols[] and of the rule's record. */
enum fig {
	F_VISITS, F_CALLS, F_RETURNED, F_INBOUND, F_EMAILS, F_TARGETS,
	F_CONTACTS, F_REFERRALS, F_SCHEDULED, F_HELD, F_NO_SHOWS,
	F_PROPOSALS, F_WON, F_WON_AMOUNT, F_NFIG
};

static const char *const fig_names[F_NFIG] = {
	"visits", "calls", "returned", "inbound", "emails", "targets",
	"contacts", "referrals", "scheduled", "held", "no_shows",
	"proposals", "won", "won_amount"
};

struct perf {
	long long	 id;
	const char	*login, *name;
	long long	 fig[F_NFIG];
	long long	 relationship;	/* per cent of their customers */
	long long	 score;
	int		 has_score;
	const char	*why;
};

/* ?3 owner, ?4 team. */
#define WHO(col) \
	" AND (?3 = 0 OR " col " = ?3)" \
	" AND (?4 = '' OR " col " IN (SELECT id FROM users WHERE team = ?4))"
/* A stored UTC time within the period's days ?1 .. ?2. */
#define WITHIN(col) " " col " >= ?1 AND " col " <= ?2 || 'T99'"

/*
 * Each query: owner, then figures in the order of its `into` list (-1
 * ends it).  ?5 is the segment (empty: any).
 */
static const struct query {
	const char	*sql;
	int		 into[10];
} queries[] = {
	{ "SELECT owner, sum(visits), sum(calls), sum(returned),"
	  " sum(inbound), sum(emails), sum(scheduled), sum(held),"
	  " sum(no_shows) FROM activity_days WHERE day >= ?1 AND day <= ?2"
	  " AND (?5 = '' OR segment = ?5)" DEALS_SCOPE("owner") WHO("owner")
	  " GROUP BY owner",
	  { F_VISITS, F_CALLS, F_RETURNED, F_INBOUND, F_EMAILS, F_SCHEDULED,
	    F_HELD, F_NO_SHOWS, -1 } },
	/* New targets: reached first by the customer's own salesperson. */
	{ "SELECT f.owner, count(*) FROM first_contacts f JOIN customers c"
	  " ON c.id = f.customer AND c.owner = f.owner WHERE"
	  WITHIN("f.first_at") " AND (?5 = '' OR c.segment = ?5)"
	  DEALS_SCOPE("f.owner") WHO("f.owner") " GROUP BY f.owner",
	  { F_TARGETS, -1 } },
	{ "SELECT k.owner, count(*), sum(CASE WHEN k.referred_by IS NOT NULL"
	  " THEN 1 ELSE 0 END) FROM contacts k JOIN customers c ON c.id ="
	  " k.customer WHERE k.owner IS NOT NULL AND" WITHIN("k.created_at")
	  " AND (?5 = '' OR c.segment = ?5)" DEALS_SCOPE("k.owner") WHO("k.owner")
	  " GROUP BY k.owner",
	  { F_CONTACTS, F_REFERRALS, -1 } },
	/* Moves into proposal, deals won: the deals' day summary. */
	{ "SELECT owner, sum(proposals), sum(won), sum(won_amount) FROM"
	  " deal_days WHERE day >= ?1 AND day <= ?2 AND (?5 = '' OR"
	  " segment = ?5)" DEALS_SCOPE("owner") WHO("owner")
	  " GROUP BY owner HAVING sum(proposals) <> 0 OR sum(won) <> 0",
	  { F_PROPOSALS, F_WON, F_WON_AMOUNT, -1 } },
};

static struct perf *
person(struct perf *all, size_t *n, long long id)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (all[i].id == id)
			return &all[i];
	if (*n == PERF_MAX)
		return NULL;
	memset(&all[*n], 0, sizeof(all[*n]));
	all[*n].id = id;
	all[*n].login = all[*n].name = all[*n].why = "";
	return &all[(*n)++];
}

static long
figures(struct kiln_req *r, const struct kiln_services *sv,
    const struct deals_filter *f, int sc, struct perf *all)
{
	struct kiln_stmt	*st;
	struct perf		*p;
	size_t			 q, n = 0, i;
	int			 k;

	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		if ((st = sv->sql(r, queries[q].sql)) == NULL)
			return -1;
		sv->bind_text(st, 1, f->from);
		sv->bind_text(st, 2, f->to);
		sv->bind_int(st, 3, f->owner);
		sv->bind_text(st, 4, f->team);
		sv->bind_text(st, 5, f->segment);
		deals_scope_bind(r, sv, st, sc);
		while (sv->step(st) == 1) {
			if ((p = person(all, &n, sv->col_int(st, 0))) == NULL)
				break;
			for (k = 0; queries[q].into[k] >= 0; k++)
				p->fig[queries[q].into[k]] =
				    sv->col_int(st, k + 1);
		}
		sv->done(st);
	}
	if ((st = sv->sql(r, "SELECT u.login, u.name, (SELECT CASE WHEN"
	    " count(*) = 0 THEN 0 ELSE 100 * sum(CASE WHEN c.sales_mode ="
	    " 'relationship' THEN 1 ELSE 0 END) / count(*) END FROM customers"
	    " c WHERE c.owner = u.id) FROM users u WHERE u.id = ?1")) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		sv->bind_int(st, 1, all[i].id);
		if (sv->step(st) == 1) {
			all[i].login = deals_copy(r, sv, sv->col_text(st, 0));
			all[i].name = deals_copy(r, sv, sv->col_text(st, 1));
			all[i].relationship = sv->col_int(st, 2);
		}
		sv->done(st);
	}
	return (long)n;
}

/* Days from YYYY-MM-DD a to b, both real days (the filter's). */
static long long
days_between(const char *a, const char *b)
{
	struct tm	 x, y;

	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	x.tm_year = atoi(a) - 1900;
	x.tm_mon = atoi(a + 5) - 1;
	x.tm_mday = atoi(a + 8);
	y.tm_year = atoi(b) - 1900;
	y.tm_mon = atoi(b + 5) - 1;
	y.tm_mday = atoi(b + 8);
	x.tm_hour = y.tm_hour = 12;
	return (long long)((mktime(&y) - mktime(&x)) / 86400);
}

/* Each salesperson's score by the scorecard rules (the last figure). */
static void
score(struct kiln_req *r, const struct kiln_services *sv,
    const struct deals_filter *f, struct perf *all, size_t n)
{
	struct kiln_kv		 rec[F_NFIG + 2], ctx[4];
	struct kiln_verdict	*v;
	const char *const	*names;
	size_t			 nn, i, k, j;
	long long		 days = days_between(f->from, f->to) + 1;

	if (sv->rules_for(r, "scorecard", &names, &nn) != 0 || nn == 0)
		return;
	v = sv->alloc(r, nn * sizeof(*v));
	for (i = 0; i < n; i++) {
		for (k = 0; k < F_NFIG; k++)
			rec[k] = (struct kiln_kv)KV_I(fig_names[k],
			    all[i].fig[k]);
		rec[k++] = (struct kiln_kv)KV_I("id", all[i].id);
		rec[k++] = (struct kiln_kv)KV_S("login", all[i].login);
		ctx[0] = (struct kiln_kv)KV_I("days", days);
		ctx[1] = (struct kiln_kv)KV_I("relationship_pct",
		    all[i].relationship);
		ctx[2] = (struct kiln_kv)KV_S("from", f->from);
		ctx[3] = (struct kiln_kv)KV_S("to", f->to);
		sv->rules(r, names, nn, "scorecard", rec, k, ctx, 4, v);
		for (j = 0; j < nn; j++) {
			if (v[j].result == KILN_RULE_ERROR) {
				all[i].has_score = 0;
				all[i].why = deals_copy(r, sv, v[j].message);
				break;
			}
			if (v[j].has_number) {
				all[i].score = v[j].number;
				all[i].has_score = 1;
				all[i].why = deals_copy(r, sv, v[j].message);
			}
		}
	}
}

/* The column heads; figures of enum fig, then rates and score. */
static const char *const cols[] = {
	N_("Salesperson"), N_("Visits"), N_("Calls made"), N_("Returned"),
	N_("New targets"), N_("Contacts"), N_("Referrals"),
	N_("Meetings scheduled"), N_("Held"), N_("Appointment success"),
	N_("Proposals"), N_("Won"), N_("Signing rate"), N_("Score"), NULL
};
static const enum fig shown[] = {
	F_VISITS, F_CALLS, F_RETURNED, F_TARGETS, F_CONTACTS, F_REFERRALS,
	F_SCHEDULED, F_HELD
};

static void
td(struct kiln_req *r, const struct kiln_services *sv, const char *text)
{
	sv->open(r, "td");
	sv->attr(r, "class", "num");
	sv->text(r, text);
	sv->close(r);
}

static const char *
pct(struct kiln_req *r, const struct kiln_services *sv, long long a,
    long long b)
{
	char	*s;

	if (b <= 0)
		return "";
	s = sv->alloc(r, 16);
	snprintf(s, 16, "%lld %%", a * 100 / b);
	return s;
}

static void
xml_row(struct kiln_req *r, const struct kiln_services *sv,
    const struct perf *p)
{
	size_t	 k;

	sv->open(r, "row");
	sv->attr(r, "by", "owner");
	sv->attr(r, "key", p->login);
	sv->attr(r, "name", p->name);
	for (k = 0; k < F_NFIG; k++)
		sv->attr(r, fig_names[k], k == F_WON_AMOUNT ?
		    sv->money(r, p->fig[k]) : deals_num(r, sv, p->fig[k]));
	sv->attr(r, "appointment_rate", deals_ratio(r, sv, p->fig[F_HELD],
	    p->fig[F_SCHEDULED]));
	sv->attr(r, "signing_rate", deals_ratio(r, sv, p->fig[F_WON],
	    p->fig[F_PROPOSALS]));
	if (p->has_score)
		sv->attr(r, "score", deals_num(r, sv, p->score));
	sv->close(r);
}

static void
html_row(struct kiln_req *r, const struct kiln_services *sv,
    const struct perf *p)
{
	size_t	 k;

	sv->open(r, "tr");
	sv->open(r, "th");
	sv->attr(r, "scope", "row");
	sv->text(r, *p->name ? p->name : p->login);
	sv->close(r);
	for (k = 0; k < sizeof(shown) / sizeof(shown[0]); k++)
		td(r, sv, deals_num(r, sv, p->fig[shown[k]]));
	td(r, sv, pct(r, sv, p->fig[F_HELD], p->fig[F_SCHEDULED]));
	td(r, sv, deals_num(r, sv, p->fig[F_PROPOSALS]));
	td(r, sv, deals_num(r, sv, p->fig[F_WON]));
	td(r, sv, pct(r, sv, p->fig[F_WON], p->fig[F_PROPOSALS]));
	sv->open(r, "td");
	sv->attr(r, "class", "num");
	if (*p->why != '\0')
		sv->attr(r, "title", p->why);
	sv->text(r, p->has_score ? deals_num(r, sv, p->score) : "");
	sv->close(r);
	sv->close(r);
}

static int
by_login(const void *a, const void *b)
{
	return strcmp(((const struct perf *)a)->login,
	    ((const struct perf *)b)->login);
}

int
deals_report_performance(struct kiln_req *r, const struct kiln_services *sv)
{
	struct deals_filter	 f;
	struct perf		*all;
	struct kiln_bar		*bars;
	char			*from, *to;
	time_t			 t = time(NULL);
	struct tm		 tm;
	size_t			 i, nb = 0;
	long			 n;
	int			 sc, xml = sv->wants_xml(r);

	if (deals_filter_read(r, sv, &f) != 0)
		return 0;	/* answered */
	if ((sc = deals_scope(r, sv)) < 0)
		return sv->error(r, 403, "forbidden", _("Performance figures"
		    " are for the sales side."));
	/* This month unless said; an open end is the other's month. */
	gmtime_r(&t, &tm);
	from = sv->alloc(r, 11);
	to = sv->alloc(r, 11);
	strftime(from, 11, "%Y-%m-01", &tm);
	deals_month_end(to, 11, tm.tm_year + 1900, tm.tm_mon + 1);
	if (*f.from == '\0')
		f.from = *f.to ? deals_copy(r, sv, f.to) : from;
	if (*f.to == '\0')
		f.to = to;
	if (strcmp(f.from, f.to) > 0)
		return sv->error(r, 400, "bad_request", _("The period ends"
		    " before it begins."));
	all = sv->alloc(r, PERF_MAX * sizeof(*all));
	if ((n = figures(r, sv, &f, sc, all)) < 0)
		return sv->error(r, 500, "internal", _("Internal error."));
	qsort(all, (size_t)n, sizeof(*all), by_login);
	score(r, sv, &f, all, (size_t)n);
	if (deals_report_begin(r, sv, "performance", _("Sales performance"),
	    &f) != 0)
		return -1;
	if (xml) {
		for (i = 0; i < (size_t)n; i++)
			xml_row(r, sv, &all[i]);
		return sv->end(r);
	}
	deals_report_form(r, sv, "/reports/performance", &f, _("From"),
	    _("Until"));
	if (n == 0) {
		sv->open(r, "p");
		sv->attr(r, "class", "empty");
		sv->text(r, _("Nothing done in this period."));
		sv->close(r);
		return sv->end(r);
	}
	bars = sv->alloc(r, (size_t)n * sizeof(*bars));
	for (i = 0; i < (size_t)n; i++)
		if (all[i].has_score) {
			bars[nb].label = *all[i].name ? all[i].name :
			    all[i].login;
			bars[nb].value = all[i].score < 0 ? 0 : all[i].score;
			bars[nb].text = deals_num(r, sv, all[i].score);
			bars[nb++].href = NULL;
		}
	if (nb > 0)
		sv->chart(r, _("Score (lua/scorecard.lua)"), bars, nb);
	deals_table(r, sv, cols, 0);
	sv->open(r, "tbody");
	for (i = 0; i < (size_t)n; i++)
		html_row(r, sv, &all[i]);
	sv->close(r);
	sv->close(r);
	return sv->end(r);
}
