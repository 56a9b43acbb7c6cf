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
	" AND (?1 = '' OR d.closed_on >= ?1) AND (?2 = '' OR d.closed_on <= ?2)" \
	" AND (?3 = 0 OR d.owner = ?3)" \
	" AND (?4 = '' OR d.owner IN (SELECT id FROM users WHERE team = ?4))" \
	" AND (?5 = '' OR c.segment = ?5) AND kiln_readable('deal', d.id)"
#define WON	"sum(CASE WHEN d.stage = 'won' THEN 1 ELSE 0 END)"
#define LOST	"sum(CASE WHEN d.stage = 'lost' THEN 1 ELSE 0 END)"
#define WON_AMOUNT "sum(CASE WHEN d.stage = 'won' THEN d.amount ELSE 0 END)"

/* One grouping: its rows' key, name, won, lost, won amount. */
static const struct grouping {
	const char	*by;
	const char	*title;
	const char	*sql;
} groupings[] = {
	{ "all", N_("All closed deals"),
	  "SELECT '', ''," WON "," LOST "," WON_AMOUNT CLOSED },
	{ "owner", N_("Per salesperson"),
	  "SELECT coalesce(u.login, ''), coalesce(u.name, '')," WON ","
	  LOST "," WON_AMOUNT CLOSED_FROM " LEFT JOIN users u ON u.id ="
	  " d.owner" CLOSED_WHERE " GROUP BY d.owner, u.login, u.name"
	  " ORDER BY u.login" },
	{ "segment", N_("Per customer segment"),
	  "SELECT c.segment, c.segment," WON "," LOST "," WON_AMOUNT CLOSED
	  " GROUP BY c.segment ORDER BY c.segment" },
	{ "competitor", N_("Per competitor"),
	  "SELECT k.id, k.name," WON "," LOST "," WON_AMOUNT
	  " FROM deal_competitors dc JOIN competitors k ON k.id ="
	  " dc.competitor JOIN deals d ON d.id = dc.deal JOIN customers c"
	  " ON c.id = d.customer" CLOSED_WHERE
	  " GROUP BY k.id, k.name ORDER BY k.name, k.id" },
};

static void
bind(const struct kiln_services *sv, struct kiln_stmt *st,
    const struct deals_filter *f)
{
	sv->bind_text(st, 1, f->from);
	sv->bind_text(st, 2, f->to);
	sv->bind_int(st, 3, f->owner);
	sv->bind_text(st, 4, f->team);
	sv->bind_text(st, 5, f->segment);
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

static int
grouping(struct kiln_req *r, const struct kiln_services *sv,
    const struct deals_filter *f, const struct grouping *g, int xml)
{
	static const char *const cols[] = {
		N_("Of"), N_("Won"), N_("Lost"), N_("Win rate"),
		N_("Amount won"), NULL
	};
	struct kiln_bar		*bars = NULL;
	struct kiln_stmt	*st;
	const char		*name, *rate;
	long long		 won, lost;
	size_t			 n = 0;
	int			 any = 0, chart = strcmp(g->by, "competitor") == 0;

	if ((st = sv->sql(r, g->sql)) == NULL)
		return -1;
	bind(sv, st, f);
	if (chart)
		bars = sv->alloc(r, 64 * sizeof(*bars));
	while (sv->step(st) == 1) {
		won = sv->col_int(st, 2);
		lost = sv->col_int(st, 3);
		if (won + lost == 0 && strcmp(g->by, "all") != 0)
			continue;
		rate = deals_ratio(r, sv, won, won + lost);
		name = *sv->col_text(st, 1) != '\0' ? sv->col_text(st, 1) :
		    *sv->col_text(st, 0) != '\0' ? sv->col_text(st, 0) :
		    strcmp(g->by, "all") == 0 ? _("All") : _("(nobody)");
		if (strcmp(g->by, "segment") == 0)
			name = sv->show_enum(r, name);
		if (xml) {
			sv->open(r, "row");
			sv->attr(r, "by", g->by);
			if (*sv->col_text(st, 0) != '\0')
				sv->attr(r, "key", sv->col_text(st, 0));
			if (strcmp(g->by, "owner") == 0 ||
			    strcmp(g->by, "competitor") == 0)
				sv->attr(r, "name", sv->col_text(st, 1));
			sv->attr(r, "won", deals_num(r, sv, won));
			sv->attr(r, "lost", deals_num(r, sv, lost));
			sv->attr(r, "rate", rate);
			sv->attr(r, "amount_won", sv->money(r,
			    sv->col_int(st, 4)));
			sv->close(r);
			continue;
		}
		if (!any) {
			sv->open(r, "h2");
			sv->text(r, _(g->title));
			sv->close(r);
			deals_table(r, sv, cols, 0);
			sv->open(r, "tbody");
		}
		any = 1;
		sv->open(r, "tr");
		sv->open(r, "th");
		sv->attr(r, "scope", "row");
		sv->text(r, name);
		sv->close(r);
		td(r, sv, deals_num(r, sv, won), 1);
		td(r, sv, deals_num(r, sv, lost), 1);
		td(r, sv, pct(r, sv, rate), 1);
		td(r, sv, sv->show_money(r, sv->col_int(st, 4)), 1);
		sv->close(r);
		if (chart && n < 64) {
			bars[n].label = deals_copy(r, sv, name);
			bars[n].value = won * 1000 / (won + lost);
			bars[n].text = pct(r, sv, rate);
			bars[n].href = NULL;
			n++;
		}
	}
	sv->done(st);
	if (any) {
		sv->close(r);	/* tbody */
		sv->close(r);	/* table */
	}
	if (chart && n > 0)
		sv->chart(r, _("Win rate against each competitor"), bars, n);
	return 0;
}

/* Why deals were lost, most often first, with each reason's share. */
static int
reasons(struct kiln_req *r, const struct kiln_services *sv,
    const struct deals_filter *f, int xml)
{
	static const char *const cols[] = {
		N_("Lost because"), N_("Deals"), N_("Share of the lost"),
		N_("Amount"), NULL
	};
	struct kiln_stmt	*st;
	long long		 all = 0, n;
	int			 any = 0;

	if ((st = sv->sql(r, "SELECT d.lost_reason, count(*), sum(d.amount),"
	    " sum(count(*)) OVER ()" CLOSED " AND d.stage = 'lost'"
	    " GROUP BY d.lost_reason ORDER BY count(*) DESC,"
	    " d.lost_reason")) == NULL)
		return -1;
	bind(sv, st, f);
	while (sv->step(st) == 1) {
		n = sv->col_int(st, 1);
		all = sv->col_int(st, 3);
		if (xml) {
			sv->open(r, "row");
			sv->attr(r, "by", "reason");
			sv->attr(r, "key", sv->col_text(st, 0));
			sv->attr(r, "lost", deals_num(r, sv, n));
			sv->attr(r, "share", deals_ratio(r, sv, n, all));
			sv->attr(r, "amount", sv->money(r, sv->col_int(st, 2)));
			sv->close(r);
			continue;
		}
		if (!any) {
			sv->open(r, "h2");
			sv->text(r, _("Why deals were lost"));
			sv->close(r);
			deals_table(r, sv, cols, 0);
			sv->open(r, "tbody");
		}
		any = 1;
		sv->open(r, "tr");
		sv->open(r, "th");
		sv->attr(r, "scope", "row");
		sv->text(r, sv->show_enum(r, sv->col_text(st, 0)));
		sv->close(r);
		td(r, sv, deals_num(r, sv, n), 1);
		td(r, sv, pct(r, sv, deals_ratio(r, sv, n, all)), 1);
		td(r, sv, sv->show_money(r, sv->col_int(st, 2)), 1);
		sv->close(r);
	}
	sv->done(st);
	if (any) {
		sv->close(r);
		sv->close(r);
	}
	return 0;
}

int
deals_report_win_rate(struct kiln_req *r, const struct kiln_services *sv)
{
	struct deals_filter	 f;
	size_t			 i;
	int			 xml = sv->wants_xml(r);

	if (deals_filter_read(r, sv, &f) != 0)
		return 0;	/* answered */
	if (deals_report_begin(r, sv, "win-rate", _("Win rate"), &f) != 0)
		return -1;
	if (!xml)
		deals_report_form(r, sv, "/reports/win-rate", &f,
		    _("Closed from"), _("Closed until"));
	for (i = 0; i < sizeof(groupings) / sizeof(groupings[0]); i++)
		if (grouping(r, sv, &f, &groupings[i], xml) != 0)
			break;
	if (i == sizeof(groupings) / sizeof(groupings[0]))
		(void)reasons(r, sv, &f, xml);
	return sv->end(r);
}
