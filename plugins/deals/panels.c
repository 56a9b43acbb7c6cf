/*
 * panels.c - deals on the home page: the open funnel by stage (amount
 * and weighted amount) and the next steps that fall due, of the deals
 * the viewer may read.
 */
#include <stdio.h>
#include <string.h>

#include "deals.h"

static void
none(struct kiln_req *r, const struct kiln_services *sv, const char *text)
{
	sv->open(r, "p");
	sv->attr(r, "class", "empty");
	sv->text(r, text);
	sv->close(r);
}

/* Open deals per stage: each bar its list, the weighted sum beside. */
static void
funnel(struct kiln_req *r, const struct kiln_services *sv)
{
	static const char *const open_stages[] = {
		"lead", "qualified", "proposal", "negotiation"
	};
	struct kiln_bar		 bars[4];
	struct kiln_stmt	*st;
	long long		 cnt[4] = { 0 }, sum[4] = { 0 }, w[4] = { 0 };
	long long		 all = 0;
	char			*path, *text;
	size_t			 k;

	if ((st = sv->sql(r, "SELECT stage, count(*), sum(amount),"
	    " sum(amount * probability / 100) FROM deals WHERE stage IN"
	    " ('lead', 'qualified', 'proposal', 'negotiation') AND"
	    " kiln_readable('deal', id) GROUP BY stage")) == NULL)
		return;
	while (sv->step(st) == 1)
		for (k = 0; k < 4; k++)
			if (strcmp(sv->col_text(st, 0), open_stages[k]) == 0) {
				cnt[k] = sv->col_int(st, 1);
				sum[k] = sv->col_int(st, 2);
				w[k] = sv->col_int(st, 3);
				all += cnt[k];
			}
	sv->done(st);
	if (all == 0) {
		none(r, sv, _("No open deals. A new one starts from Deals, New"
		    " Deal."));
		return;
	}
	for (k = 0; k < 4; k++) {
		path = sv->alloc(r, 64);
		snprintf(path, 64, "/deals?stage=%s", open_stages[k]);
		text = sv->alloc(r, 160);
		snprintf(text, 160, "%lld \u00b7 %s (%s)", cnt[k],
		    sv->show_money(r, sum[k]), sv->show_money(r, w[k]));
		bars[k].label = sv->show_enum(r, open_stages[k]);
		bars[k].value = sum[k];
		bars[k].text = text;
		bars[k].href = path;
	}
	sv->chart(r, _("Open deals by stage: count, amount (weighted)"),
	    bars, 4);
}

/* Next steps due within a week or overdue, soonest first. */
static void
next_steps(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 path[48];
	int			 any = 0;

	if ((st = sv->sql(r, "SELECT id, title, next_step, next_step_date,"
	    " next_step_date < strftime('%Y-%m-%d', 'now') FROM deals"
	    " WHERE stage IN ('lead', 'qualified', 'proposal', 'negotiation')"
	    " AND next_step_date <> '' AND next_step_date <="
	    " strftime('%Y-%m-%d', 'now', '+7 days') AND"
	    " kiln_readable('deal', id) ORDER BY next_step_date, id"
	    " LIMIT 8")) == NULL)
		return;
	while (sv->step(st) == 1) {
		if (!any)
			sv->open(r, "ul");
		any = 1;
		snprintf(path, sizeof(path), "/deals/%lld", sv->col_int(st, 0));
		sv->open(r, "li");
		if (sv->col_int(st, 4))
			sv->attr(r, "class", "late");
		sv->text(r, sv->col_text(st, 3));
		sv->text(r, " ");
		sv->open(r, "a");
		sv->attr(r, "href", sv->url(r, path));
		sv->text(r, sv->col_text(st, 1));
		sv->close(r);
		if (*sv->col_text(st, 2) != '\0') {
			sv->text(r, ": ");
			sv->text(r, sv->col_text(st, 2));
		}
		sv->close(r);
	}
	sv->done(st);
	if (any)
		sv->close(r);
	else
		none(r, sv, _("No next step falls due this week."));
}

/* Stalled deals (the rules' mark), longest untouched first. */
static void
stalled(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 path[48], line[96];
	long long		 n = 0;
	int			 any = 0;

	if ((st = sv->sql(r, "SELECT count(*) FROM deals WHERE stalled = 1"
	    " AND stage IN ('lead', 'qualified', 'proposal', 'negotiation')"
	    " AND kiln_readable('deal', id)")) == NULL)
		return;
	if (sv->step(st) == 1)
		n = sv->col_int(st, 0);
	sv->done(st);
	if (n == 0) {
		none(r, sv, _("No stalled deals: every open deal is being worked"
		    " on."));
		return;
	}
	sv->open(r, "p");
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, "/deals?stalled=1"));
	snprintf(line, sizeof(line), _("%lld stalled deals"), n);
	sv->text(r, line);
	sv->close(r);
	sv->close(r);
	if ((st = sv->sql(r, "SELECT id, title, touched_on, stage FROM deals"
	    " WHERE stalled = 1 AND stage IN ('lead', 'qualified', 'proposal',"
	    " 'negotiation') AND kiln_readable('deal', id) ORDER BY"
	    " touched_on, id LIMIT 5")) == NULL)
		return;
	while (sv->step(st) == 1) {
		if (!any)
			sv->open(r, "ul");
		any = 1;
		snprintf(path, sizeof(path), "/deals/%lld", sv->col_int(st, 0));
		sv->open(r, "li");
		deals_link(r, sv, path, sv->col_text(st, 1));
		snprintf(line, sizeof(line), _(" (%s, last worked on %s)"),
		    sv->show_enum(r, sv->col_text(st, 3)), sv->col_text(st, 2));
		sv->text(r, line);
		sv->close(r);
	}
	sv->done(st);
	if (any)
		sv->close(r);
}

static const char *const sellers[] = {
	"sales", "manager", "admin", NULL
};

const struct kiln_panel deals_panels[] = {
	{ "funnel", N_("Deals"), sellers, 5, funnel },
	{ "next_steps", N_("Next steps"), sellers, 6, next_steps },
	{ "my_week", N_("This week"), sellers, 4, deals_activity_panel },
	{ "stalled", N_("Stalled deals"), sellers, 7, stalled },
	{ "coverage", N_("This quarter against quota"), sellers, 3,
	  deals_coverage_panel },
	{ NULL, NULL, NULL, 0, NULL }
};
