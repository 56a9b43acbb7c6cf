/*
 * winrate.c - GET /reports/win-rate: of the deals closed in a period
 * (from, to: the day they were won or lost), of an owner, a team or a
 * customer segment, among those the viewer may read, how many were won
 * and lost and the share won: overall, per salesperson, per customer
 * segment and per competitor named on them; and the reasons deals were
 * lost, most frequent first.  HTML with a chart of the win rate per
 * competitor, or XML (schema/report.rng: rows by="all", "owner",
 * "segment", "competitor", "reason").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deals.h"

/* Closed deals d (with customer c) the report is about; ?1..?5 as funnel. */
#define CLOSED_FROM " FROM deals d JOIN customers c ON c.id = d.customer"
#define CLOSED	CLOSED_FROM CLOSED_WHERE
#define CLOSED_WHERE \
	" WHERE d.stage IN ('won', 'lost')" \
	/* Always both ends (deals_period_split): the index is used. */ \
	" AND d.closed_on >= ?1 AND d.closed_on <= ?2" \
	" AND (?3 = 0 OR d.owner = ?3)" \
	" AND (?4 = '' OR d.owner IN (SELECT id FROM users WHERE team = ?4))" \
	" AND (?5 = '' OR c.segment = ?5) AND kiln_readable('deal', d.id)"
#define WON	"sum(CASE WHEN d.stage = 'won' THEN 1 ELSE 0 END)"
#define LOST	"sum(CASE WHEN d.stage = 'lost' THEN 1 ELSE 0 END)"
#define WON_AMOUNT "sum(CASE WHEN d.stage = 'won' THEN d.amount ELSE 0 END)"
/* The same of the summary (deal_closes s), whole months ?1 .. ?2. */
#define SUMMARY_WHERE \
	" s.month >= ?1 AND s.month <= ?2 AND (?3 = 0 OR s.owner = ?3)" \
	" AND (?4 = '' OR s.owner IN (SELECT id FROM users WHERE team = ?4))" \
	" AND (?5 = '' OR s.segment = ?5)" DEALS_SCOPE("s.owner")
#define S_WON	"sum(CASE WHEN s.outcome = 'won' THEN s.deals ELSE 0 END)"
#define S_LOST	"sum(CASE WHEN s.outcome = 'lost' THEN s.deals ELSE 0 END)"
#define S_WON_AMOUNT \
	"sum(CASE WHEN s.outcome = 'won' THEN s.amount ELSE 0 END)"

#define WIN_MAX	500	/* lines of one grouping */

/*
 * One grouping: its rows' key, name, won, lost, won amount (reasons:
 * key, lost, amount), from the closed deals of some days and from the
 * summary of whole months.
 */
static const struct grouping {
	const char	*by;
	const char	*title;
	const char	*deals;
	const char	*summary;
} groupings[] = {
	{ "all", N_("All closed deals"),
	  "SELECT '', ''," WON "," LOST "," WON_AMOUNT CLOSED,
	  "SELECT '', ''," S_WON "," S_LOST "," S_WON_AMOUNT " FROM"
	  " deal_closes s WHERE s.competitor = 0 AND" SUMMARY_WHERE },
	{ "owner", N_("Per salesperson"),
	  "SELECT coalesce(u.login, ''), coalesce(u.name, '')," WON ","
	  LOST "," WON_AMOUNT CLOSED_FROM " LEFT JOIN users u ON u.id ="
	  " d.owner" CLOSED_WHERE " GROUP BY d.owner, u.login, u.name",
	  "SELECT coalesce(u.login, ''), coalesce(u.name, '')," S_WON ","
	  S_LOST "," S_WON_AMOUNT " FROM deal_closes s LEFT JOIN users u ON"
	  " u.id = s.owner WHERE s.competitor = 0 AND" SUMMARY_WHERE
	  " GROUP BY s.owner, u.login, u.name" },
	{ "segment", N_("Per customer segment"),
	  "SELECT c.segment, c.segment," WON "," LOST "," WON_AMOUNT CLOSED
	  " GROUP BY c.segment",
	  "SELECT s.segment, s.segment," S_WON "," S_LOST "," S_WON_AMOUNT
	  " FROM deal_closes s WHERE s.competitor = 0 AND" SUMMARY_WHERE
	  " GROUP BY s.segment" },
	{ "competitor", N_("Per competitor"),
	  "SELECT k.id, k.name," WON "," LOST "," WON_AMOUNT
	  " FROM deal_competitors dc JOIN competitors k ON k.id ="
	  " dc.competitor JOIN deals d ON d.id = dc.deal JOIN customers c"
	  " ON c.id = d.customer" CLOSED_WHERE " GROUP BY k.id, k.name",
	  "SELECT k.id, k.name," S_WON "," S_LOST "," S_WON_AMOUNT
	  " FROM deal_closes s JOIN competitors k ON k.id = s.competitor"
	  " WHERE s.competitor > 0 AND" SUMMARY_WHERE " GROUP BY k.id,"
	  " k.name" },
	{ "reason", N_("Why deals were lost"),
	  "SELECT d.lost_reason, d.lost_reason, 0, count(*), sum(d.amount)"
	  CLOSED " AND d.stage = 'lost' GROUP BY d.lost_reason",
	  "SELECT s.reason, s.reason, 0, sum(s.deals), sum(s.amount) FROM"
	  " deal_closes s WHERE s.competitor = 0 AND s.outcome = 'lost' AND"
	  SUMMARY_WHERE " GROUP BY s.reason" },
};
#define NGROUPINGS	(sizeof(groupings) / sizeof(groupings[0]))

struct line {
	const char	*key, *name;
	long long	 won, lost, amount;
};

struct lines {
	struct line	*v;
	size_t		 n;
};

/* Add the rows of one grouping's SQL over days or months [from, to]. */
static int
collect(struct kiln_req *r, const struct kiln_services *sv, const char *sql,
    int summary, const char *from, const char *to,
    const struct deals_filter *f, struct lines *out)
{
	struct kiln_stmt	*st;
	struct line		*l;
	size_t			 i;

	if ((st = sv->sql(r, sql)) == NULL)
		return -1;
	sv->bind_text(st, 1, from);
	sv->bind_text(st, 2, to);
	sv->bind_int(st, 3, f->owner);
	sv->bind_text(st, 4, f->team);
	sv->bind_text(st, 5, f->segment);
	if (summary)
		deals_scope_bind(r, sv, st, deals_scope(r, sv));
	while (sv->step(st) == 1) {
		for (i = 0; i < out->n; i++)
			if (strcmp(out->v[i].key, sv->col_text(st, 0)) == 0)
				break;
		if (i == out->n) {
			if (out->n == WIN_MAX)
				continue;
			l = &out->v[out->n++];
			memset(l, 0, sizeof(*l));
			l->key = deals_copy(r, sv, sv->col_text(st, 0));
			l->name = deals_copy(r, sv, sv->col_text(st, 1));
		}
		l = &out->v[i];
		l->won += sv->col_int(st, 2);
		l->lost += sv->col_int(st, 3);
		l->amount += sv->col_int(st, 4);
	}
	sv->done(st);
	return 0;
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->key,
	    ((const struct line *)b)->key);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->name,
	    ((const struct line *)b)->name);
}

/* The most frequent reason first. */
static int
by_lost(const void *a, const void *b)
{
	const struct line	*x = a, *y = b;

	if (x->lost != y->lost)
		return x->lost > y->lost ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void
td(struct kiln_req *r, const struct kiln_services *sv, const char *text,
    int num)
{
	sv->open(r, "td");
	if (num)
		sv->attr(r, "class", "num");
	sv->text(r, text);
	sv->close(r);
}

/* "62 %" of a share "0.62", or "". */
static const char *
pct(struct kiln_req *r, const struct kiln_services *sv, const char *share)
{
	char	*s;

	if (*share == '\0')
		return "";
	s = sv->alloc(r, 16);
	snprintf(s, 16, "%.0f %%", atof(share) * 100);
	return s;
}

static void
xml_lines(struct kiln_req *r, const struct kiln_services *sv,
    const struct grouping *g, const struct lines *ls, long long lost)
{
	const struct line	*l;
	size_t			 i;
	int			 reason = strcmp(g->by, "reason") == 0;

	for (i = 0; i < ls->n; i++) {
		l = &ls->v[i];
		sv->open(r, "row");
		sv->attr(r, "by", g->by);
		if (*l->key != '\0')
			sv->attr(r, "key", l->key);
		if (strcmp(g->by, "owner") == 0 ||
		    strcmp(g->by, "competitor") == 0)
			sv->attr(r, "name", l->name);
		if (reason) {
			sv->attr(r, "lost", deals_num(r, sv, l->lost));
			sv->attr(r, "share", deals_ratio(r, sv, l->lost, lost));
			sv->attr(r, "amount", sv->money(r, l->amount));
		} else {
			sv->attr(r, "won", deals_num(r, sv, l->won));
			sv->attr(r, "lost", deals_num(r, sv, l->lost));
			sv->attr(r, "rate", deals_ratio(r, sv, l->won,
			    l->won + l->lost));
			sv->attr(r, "amount_won", sv->money(r, l->amount));
		}
		sv->close(r);
	}
}

static void
html_lines(struct kiln_req *r, const struct kiln_services *sv,
    const struct grouping *g, const struct lines *ls, long long lost)
{
	static const char *const cols[] = {
		N_("Of"), N_("Won"), N_("Lost"), N_("Win rate"),
		N_("Amount won"), NULL
	};
	static const char *const reason_cols[] = {
		N_("Lost because"), N_("Deals"), N_("Share of the lost"),
		N_("Amount"), NULL
	};
	struct kiln_bar		*bars;
	const struct line	*l;
	const char		*name, *rate;
	size_t			 i, nb = 0;
	int			 reason = strcmp(g->by, "reason") == 0;
	int			 chart = strcmp(g->by, "competitor") == 0;

	if (ls->n == 0)
		return;
	sv->open(r, "h2");
	sv->text(r, _(g->title));
	sv->close(r);
	deals_table(r, sv, reason ? reason_cols : cols, 0);
	sv->open(r, "tbody");
	bars = sv->alloc(r, ls->n * sizeof(*bars));
	for (i = 0; i < ls->n; i++) {
		l = &ls->v[i];
		name = *l->name != '\0' ? l->name : *l->key != '\0' ? l->key :
		    strcmp(g->by, "all") == 0 ? _("All") : _("(nobody)");
		if (strcmp(g->by, "segment") == 0 || reason)
			name = sv->show_enum(r, name);
		sv->open(r, "tr");
		sv->open(r, "th");
		sv->attr(r, "scope", "row");
		sv->text(r, name);
		sv->close(r);
		if (reason) {
			td(r, sv, deals_num(r, sv, l->lost), 1);
			td(r, sv, pct(r, sv, deals_ratio(r, sv, l->lost, lost)),
			    1);
			td(r, sv, sv->show_money(r, l->amount), 1);
		} else {
			rate = deals_ratio(r, sv, l->won, l->won + l->lost);
			td(r, sv, deals_num(r, sv, l->won), 1);
			td(r, sv, deals_num(r, sv, l->lost), 1);
			td(r, sv, pct(r, sv, rate), 1);
			td(r, sv, sv->show_money(r, l->amount), 1);
			if (chart && l->won + l->lost > 0) {
				bars[nb].label = name;
				bars[nb].value = l->won * 1000 /
				    (l->won + l->lost);
				bars[nb].text = pct(r, sv, rate);
				bars[nb++].href = NULL;
			}
		}
		sv->close(r);
	}
	sv->close(r);	/* tbody */
	sv->close(r);	/* table */
	if (nb > 0)
		sv->chart(r, _("Win rate against each competitor"), bars, nb);
}

int
deals_report_win_rate(struct kiln_req *r, const struct kiln_services *sv)
{
	struct deals_filter	 f;
	struct deals_split	 p;
	struct lines		 ls[NGROUPINGS];
	long long		 lost;
	size_t			 g, i;
	int			 k, xml = sv->wants_xml(r);

	if (deals_filter_read(r, sv, &f) != 0)
		return 0;	/* answered */
	/* Whole months from the summary, the ragged ends from the deals. */
	deals_period_split(&f, &p);
	for (g = 0; g < NGROUPINGS; g++) {
		ls[g].v = sv->alloc(r, WIN_MAX * sizeof(*ls[g].v));
		ls[g].n = 0;
		if (p.months && collect(r, sv, groupings[g].summary, 1, p.m1,
		    p.m2, &f, &ls[g]) != 0)
			return sv->error(r, 500, "internal",
			    _("Internal error."));
		for (k = 0; k < p.ends; k++)
			if (collect(r, sv, groupings[g].deals, 0, p.from[k],
			    p.to[k], &f, &ls[g]) != 0)
				return sv->error(r, 500, "internal",
				    _("Internal error."));
	}
	/* One line of all even when nothing closed; lines in order. */
	if (ls[0].n == 0) {
		memset(&ls[0].v[0], 0, sizeof(ls[0].v[0]));
		ls[0].v[0].key = ls[0].v[0].name = "";
		ls[0].n = 1;
	}
	for (g = 1; g < NGROUPINGS; g++) {
		/* Lines that closed nothing here (a reopened deal's) go. */
		for (i = k = 0; i < ls[g].n; i++)
			if (ls[g].v[i].won + ls[g].v[i].lost > 0)
				ls[g].v[k++] = ls[g].v[i];
		ls[g].n = (size_t)k;
		qsort(ls[g].v, ls[g].n, sizeof(*ls[g].v),
		    g == 3 ? by_name : g == 4 ? by_lost : by_key);
	}
	lost = 0;
	for (i = 0; i < ls[4].n; i++)
		lost += ls[4].v[i].lost;
	if (deals_report_begin(r, sv, "win-rate", _("Win rate"), &f) != 0)
		return -1;
	if (!xml)
		deals_report_form(r, sv, "/reports/win-rate", &f,
		    _("Closed from"), _("Closed until"));
	for (g = 0; g < NGROUPINGS; g++)
		if (xml)
			xml_lines(r, sv, &groupings[g], &ls[g], lost);
		else
			html_lines(r, sv, &groupings[g], &ls[g], lost);
	return sv->end(r);
}
