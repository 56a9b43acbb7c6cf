/*
 * budgets.c - what a salesperson, or a team, may spend: per month
 * (YYYY-MM) or quarter (YYYY-Qn), per category or all ('').  A claim
 * is judged against the most specific budget that covers it (its
 * month's for its category, its month's, its quarter's for its
 * category, its quarter's), counting the claims of that period and
 * category submitted, approved or reimbursed.  Managers keep their
 * team's budgets, administrators all (GET and POST /expenses/budgets);
 * everyone sees the budgets that bind them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expenses.h"

/* A month's or quarter's first and last day. */
static void
period_days(const char *period, char *from, char *to, size_t n)
{
	int	 y = atoi(period), m1, m2;

	if (period[5] == 'Q') {
		m1 = (period[6] - '1') * 3 + 1;
		m2 = m1 + 2;
	} else
		m1 = m2 = atoi(period + 5);
	snprintf(from, n, "%04d-%02d-01", y % 10000, m1 % 100);
	snprintf(to, n, "%04d-%02d-31", y % 10000, m2 % 100);
}

/*
 * What the claims of owner (team: of the owner's team) but exclude used
 * of period (category, '' all): submitted, approved, reimbursed.  -1 on
 * error.
 */
static long long
used_in(struct kiln_req *r, const struct kiln_services *sv, long long owner,
    int team, const char *period, const char *category, long long exclude)
{
	struct kiln_stmt	*st;
	char			 from[16], to[16];
	long long		 used = -1;

	period_days(period, from, to, sizeof(from));
	if ((st = sv->sql(r, "SELECT coalesce(sum(amount), 0) FROM expenses"
	    " WHERE status IN ('submitted', 'approved', 'reimbursed') AND"
	    " spent_on >= ?2 AND spent_on <= ?3 AND (?4 = '' OR category ="
	    " ?4) AND id <> ?5 AND ((?6 = 0 AND owner = ?1) OR (?6 = 1 AND"
	    " owner IN (SELECT id FROM users WHERE team <> '' AND team ="
	    " (SELECT team FROM users WHERE id = ?1))))")) == NULL)
		return -1;
	sv->bind_int(st, 1, owner);
	sv->bind_text(st, 2, from);
	sv->bind_text(st, 3, to);
	sv->bind_text(st, 4, category);
	sv->bind_int(st, 5, exclude);
	sv->bind_int(st, 6, team);
	if (sv->step(st) == 1)
		used = sv->col_int(st, 0);
	sv->done(st);
	return used;
}

/*
 * The budget of owner (team: of the owner's team) covering a claim of
 * category spent on day, and what other claims (not exclude) used of
 * it, into *b; amount -1 when there is none.  0, or -1.
 */
int
exp_budget_of(struct kiln_req *r, const struct kiln_services *sv,
    long long owner, const char *team_in, const char *day,
    const char *category, long long exclude, int team, struct exp_budget *b)
{
	struct kiln_stmt	*st;
	char			 month[8], quarter[8];
	const char		*periods[2], *cats[2];
	int			 i, k;

	(void)team_in;
	memset(b, 0, sizeof(*b));
	b->amount = -1;
	if (strlen(day) < 7)
		return 0;
	snprintf(month, sizeof(month), "%.7s", day);
	snprintf(quarter, sizeof(quarter), "%.4s-Q%c", day,
	    '1' + (atoi(day + 5) + 11) % 12 / 3);
	periods[0] = month;
	periods[1] = quarter;
	cats[0] = category;
	cats[1] = "";
	for (i = 0; i < 2 && b->amount < 0; i++)
		for (k = 0; k < 2 && b->amount < 0; k++) {
			if ((st = sv->sql(r, "SELECT amount FROM"
			    " expense_budgets WHERE period = ?2 AND category ="
			    " ?3 AND ((?4 = 0 AND owner = ?1) OR (?4 = 1 AND"
			    " owner IS NULL AND team <> '' AND team = (SELECT"
			    " team FROM users WHERE id = ?1)))")) == NULL)
				return -1;
			sv->bind_int(st, 1, owner);
			sv->bind_text(st, 2, periods[i]);
			sv->bind_text(st, 3, cats[k]);
			sv->bind_int(st, 4, team);
			if (sv->step(st) == 1) {
				b->amount = sv->col_int(st, 0);
				snprintf(b->period, sizeof(b->period), "%s",
				    periods[i]);
				snprintf(b->category, sizeof(b->category),
				    "%s", cats[k]);
			}
			sv->done(st);
		}
	if (b->amount < 0)
		return 0;
	return (b->used = used_in(r, sv, owner, team, b->period, b->category,
	    exclude)) < 0 ? -1 : 0;
}

/* The user may keep the budget of owner (0: of team)? */
static int
may_keep(struct kiln_req *r, const struct kiln_services *sv, long long owner,
    const char *team)
{
	struct kiln_stmt	*st;
	int			 ok = 0;

	if (strcmp(sv->user_role(r), "admin") == 0)
		return 1;
	if (strcmp(sv->user_role(r), "manager") != 0 ||
	    *sv->user_team(r) == '\0')
		return 0;
	if (owner == 0)
		return strcmp(team, sv->user_team(r)) == 0;
	/* Not the budget one's own claims are judged against. */
	if (owner == sv->user_id(r))
		return 0;
	if ((st = sv->sql(r, "SELECT 1 FROM users WHERE id = ?1 AND team ="
	    " ?2")) == NULL)
		return 0;
	sv->bind_int(st, 1, owner);
	sv->bind_text(st, 2, sv->user_team(r));
	ok = sv->step(st) == 1;
	sv->done(st);
	return ok;
}

/* What a team's people used of period (category, '' all). */
static long long
team_used(struct kiln_req *r, const struct kiln_services *sv,
    const char *team, const char *period, const char *category)
{
	struct kiln_stmt	*st;
	long long		 someone = 0;

	if ((st = sv->sql(r, "SELECT id FROM users WHERE team = ?1 AND"
	    " team <> '' ORDER BY id LIMIT 1")) == NULL)
		return 0;
	sv->bind_text(st, 1, team);
	if (sv->step(st) == 1)
		someone = sv->col_int(st, 0);
	sv->done(st);
	return someone ? used_in(r, sv, someone, 1, period, category, 0) : 0;
}

/*
 * GET /expenses/budgets: the budgets the viewer is bound by or keeps
 * (an administrator, finance: all; a manager: the team's and its
 * people's; a salesperson: their own and their team's), with what is
 * used of each; the form to set one for those who keep them.
 */
int
exp_budgets(struct kiln_req *r, const struct kiln_services *sv)
{
	static const char *const cols[] = { N_("Whose"), N_("Period"),
	    N_("Category"), N_("Budget"), N_("Used"), NULL };
	struct kiln_stmt	*st;
	const char		*role = sv->user_role(r);
	long long		 used;
	int			 xml = sv->wants_xml(r), n = 0, all;

	all = strcmp(role, "admin") == 0 || strcmp(role, "finance") == 0;
	if (sv->begin(r, 200, xml ? "budgets" : NULL, _("Budgets")) != 0)
		return -1;
	if (!xml) {
		sv->open(r, "h1");
		sv->text(r, _("Expense budgets"));
		sv->close(r);
	}
	if ((st = sv->sql(r, "SELECT b.id, coalesce(b.owner, 0), b.team,"
	    " b.period, b.category, b.amount, coalesce(u.name, ''),"
	    " coalesce(u.login, '') FROM expense_budgets b LEFT JOIN users u"
	    " ON u.id = b.owner WHERE ?1 = 1 OR b.owner = ?2 OR (?3 <> '' AND"
	    " (b.team = ?3 OR u.team = ?3) AND (?4 = 'manager' OR b.owner IS"
	    " NULL)) ORDER BY b.period DESC, b.team, u.name, b.category LIMIT"
	    " 1000")) == NULL)
		return sv->end(r);
	sv->bind_int(st, 1, all);
	sv->bind_int(st, 2, sv->user_id(r));
	sv->bind_text(st, 3, sv->user_team(r));
	sv->bind_text(st, 4, role);
	while (sv->step(st) == 1) {
		/* A team's budget: what its people used of it. */
		used = sv->col_int(st, 1) != 0 ? used_in(r, sv,
		    sv->col_int(st, 1), 0, sv->col_text(st, 3),
		    sv->col_text(st, 4), 0) : team_used(r, sv,
		    sv->col_text(st, 2), sv->col_text(st, 3),
		    sv->col_text(st, 4));
		if (xml) {
			sv->open(r, "budget");
			sv->attr(r, "id", sv->col_text(st, 0));
			if (sv->col_int(st, 1) != 0) {
				sv->attr(r, "owner", sv->col_text(st, 1));
				sv->attr(r, "login", sv->col_text(st, 7));
			} else
				sv->attr(r, "team", sv->col_text(st, 2));
			sv->attr(r, "period", sv->col_text(st, 3));
			sv->attr(r, "category", sv->col_text(st, 4));
			sv->attr(r, "amount", sv->money(r,
			    sv->col_int(st, 5)));
			sv->attr(r, "used", sv->money(r, used));
			sv->close(r);
			n++;
			continue;
		}
		if (n++ == 0)
			kit_table(r, sv, cols);
		sv->open(r, "tr");
		kit_cell(r, sv, sv->col_int(st, 1) != 0 ? sv->col_text(st, 6) :
		    sv->col_text(st, 2), 0);
		kit_cell(r, sv, sv->col_text(st, 3), 0);
		kit_cell(r, sv, *sv->col_text(st, 4) ? sv->show_enum(r,
		    sv->col_text(st, 4)) : _("all"), 0);
		kit_cell(r, sv, sv->show_money(r, sv->col_int(st, 5)), 1);
		kit_cell(r, sv, sv->show_money(r, used), 1);
		sv->close(r);
	}
	sv->done(st);
	if (!xml && n > 0) {
		sv->close(r);
		sv->close(r);
	} else if (!xml) {
		sv->open(r, "p");
		sv->text(r, _("No budget is set."));
		sv->close(r);
	}
	if (!xml && kit_is(r, sv, exp_deciders)) {
		static const char *const fields[][3] = {
			{ "owner", N_("Salesperson (user id)"), "number" },
			{ "team", N_("or team"), "text" },
			{ "period", N_("Period (2027-03 or 2027-Q1)"), "text" },
			{ "category", N_("Category (empty: all)"), "text" },
			{ "amount", N_("Amount"), "text" },
		};
		size_t	 i;

		sv->open(r, "h2");
		sv->text(r, _("Set a budget"));
		sv->close(r);
		sv->open(r, "form");
		sv->attr(r, "method", "post");
		sv->attr(r, "action", sv->url(r, "/expenses/budgets"));
		sv->csrf(r);
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			sv->open(r, "label");
			sv->attr(r, "for", fields[i][0]);
			sv->text(r, _(fields[i][1]));
			sv->close(r);
			sv->open(r, "input");
			sv->attr(r, "id", fields[i][0]);
			sv->attr(r, "name", fields[i][0]);
			sv->attr(r, "type", fields[i][2]);
			sv->close(r);
		}
		sv->open(r, "button");
		sv->attr(r, "type", "submit");
		sv->text(r, _("Set"));
		sv->close(r);
		sv->close(r);
	}
	return sv->end(r);
}

/*
 * POST /expenses/budgets: owner (a user id) or team, period, category
 * ('' all), amount (empty: the budget removed).  A manager sets their
 * team's and its people's.
 */
int
exp_budget_set(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	const char		*o = sv->param(r, "owner"), *team;
	const char		*period = sv->param(r, "period");
	const char		*category = sv->param(r, "category");
	const char		*amount = sv->param(r, "amount");
	const char *const	*c;
	long long		 owner = 0, value = 0;
	char			*end, detail[128];
	int			 rc, remove;

	team = sv->param(r, "team");
	team = team ? team : "";
	category = category ? category : "";
	if (o != NULL && *o != '\0') {
		owner = strtoll(o, &end, 10);
		if (*end != '\0' || owner <= 0)
			owner = -1;
	}
	for (c = expense_categories; *c && strcmp(*c, category); c++)
		;
	remove = amount == NULL || *amount == '\0';
	if (owner < 0 || (owner != 0) == (*team != '\0') || period == NULL ||
	    (*category != '\0' && *c == NULL) || (!remove &&
	    (sv->parse_money(amount, &value) != 0 || value < 0)))
		return sv->error(r, 422, "invalid", _("A budget is a"
		    " salesperson's (a user id) or a team's, for a period"
		    " (2027-03 or 2027-Q1), a category or all, an amount of at"
		    " least 0."));
	if (!may_keep(r, sv, owner, team))
		return sv->error(r, 403, "forbidden", _("A manager sets the"
		    " budgets of their own team and its people."));
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	st = sv->sql(r, remove ? "DELETE FROM expense_budgets WHERE"
	    " coalesce(owner, 0) = ?1 AND team = ?2 AND period = ?3 AND"
	    " category = ?4" : "INSERT INTO expense_budgets (owner, team,"
	    " period, category, amount) VALUES (CASE WHEN ?1 = 0 THEN NULL"
	    " ELSE ?1 END, ?2, ?3, ?4, ?5) ON CONFLICT (coalesce(owner, 0),"
	    " team, period, category) DO UPDATE SET amount = excluded.amount");
	if (st == NULL) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	sv->bind_int(st, 1, owner);
	sv->bind_text(st, 2, team);
	sv->bind_text(st, 3, period);
	sv->bind_text(st, 4, category);
	if (!remove)
		sv->bind_int(st, 5, value);
	rc = sv->step(st);
	sv->done(st);
	snprintf(detail, sizeof(detail), "%s%s %s %s %s", owner ? "user " :
	    team, owner ? kit_num(r, sv, owner) : "", period, *category ?
	    category : "all", remove ? "removed" : sv->money(r, value));
	if (rc != 0) {
		sv->rollback(r);
		return sv->error(r, 422, "invalid", _("A budget is a"
		    " salesperson's (a user id) or a team's, for a period"
		    " (2027-03 or 2027-Q1), a category or all, an amount of at"
		    " least 0."));
	}
	if (sv->audit(r, "budget", "expense", 0, detail) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	return sv->redirect(r, "/expenses/budgets?done=saved");
}
