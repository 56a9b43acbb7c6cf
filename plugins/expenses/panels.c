/*
 * panels.c - the home page's claims: a salesperson's open ones; a
 * manager's to decide (held ones said apart) and the team's budget use
 * this month; finance's to reimburse.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "expenses.h"

static const char *const sellers[] = { "sales", NULL };
static const char *const managers[] = { "manager", NULL };
static const char *const payers[] = { "finance", NULL };

/* "N what · amount", N what linking to the list of path. */
static void
count_line(struct kiln_req *r, const struct kiln_services *sv,
    const char *path, const char *what, long long n, long long amount)
{
	char	 text[160];

	snprintf(text, sizeof(text), "%lld %s", n, what);
	sv->open(r, "li");
	kit_link(r, sv, path, text);
	sv->text(r, " \u00b7 ");
	sv->text(r, sv->show_money(r, amount));
	sv->close(r);
}

/* The viewer's readable claims of a status: how many, how much. */
static void
counted(struct kiln_req *r, const struct kiln_services *sv,
    const char *status, int mine, long long *n, long long *amount)
{
	struct kiln_stmt	*st;

	*n = *amount = 0;
	if ((st = sv->sql(r, "SELECT count(*), coalesce(sum(amount), 0) FROM"
	    " expenses WHERE status = ?1 AND (?2 = 0 OR owner = ?3) AND"
	    " (?2 = 1 OR owner IS DISTINCT FROM ?3) AND"
	    " kiln_readable('expense', id)")) == NULL)
		return;
	sv->bind_text(st, 1, status);
	sv->bind_int(st, 2, mine);
	sv->bind_int(st, 3, sv->user_id(r));
	if (sv->step(st) == 1) {
		*n = sv->col_int(st, 0);
		*amount = sv->col_int(st, 1);
	}
	sv->done(st);
}

static void
none(struct kiln_req *r, const struct kiln_services *sv, const char *text)
{
	sv->open(r, "p");
	sv->text(r, text);
	sv->close(r);
}

/* A salesperson's drafts, claims waiting and rejected ones. */
static void
mine(struct kiln_req *r, const struct kiln_services *sv)
{
	static const struct {
		const char	*status;
		const char	*what;
	} lines[] = {
		{ "draft", N_("drafts to submit") },
		{ "submitted", N_("waiting for the manager") },
		{ "rejected", N_("rejected") },
		{ "approved", N_("approved, to be reimbursed") },
	};
	long long	 n, amount;
	char		 path[96];
	size_t		 i;
	int		 any = 0;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		counted(r, sv, lines[i].status, 1, &n, &amount);
		if (n == 0)
			continue;
		if (any++ == 0)
			sv->open(r, "ul");
		snprintf(path, sizeof(path), "/expenses?status=%s&owner=%lld",
		    lines[i].status, sv->user_id(r));
		count_line(r, sv, path, _(lines[i].what), n, amount);
	}
	if (any)
		sv->close(r);
	else
		none(r, sv, _("No open claim."));
}

/* A manager's team's claims to decide, and the month's budget use. */
static void
to_decide(struct kiln_req *r, const struct kiln_services *sv)
{
	struct exp_budget	 b;
	struct kiln_stmt	*st;
	long long		 n, amount, held = 0;
	char			 day[16], line[160];
	time_t			 t = time(NULL);
	struct tm		 tm;

	counted(r, sv, "submitted", 0, &n, &amount);
	if ((st = sv->sql(r, "SELECT count(*) FROM expenses WHERE status ="
	    " 'submitted' AND held = 1 AND owner IS DISTINCT FROM ?1 AND"
	    " kiln_readable('expense', id)")) != NULL) {
		sv->bind_int(st, 1, sv->user_id(r));
		if (sv->step(st) == 1)
			held = sv->col_int(st, 0);
		sv->done(st);
	}
	sv->open(r, "ul");
	count_line(r, sv, "/expenses?status=submitted", _("claims to decide"),
	    n, amount);
	if (held > 0)
		count_line(r, sv, "/expenses?status=submitted&held=1",
		    _("of them held by the rules"), held, 0);
	sv->close(r);
	strftime(day, sizeof(day), "%Y-%m-%d", gmtime_r(&t, &tm));
	if (exp_budget_of(r, sv, sv->user_id(r), NULL, day, "", 0, 1, &b) ==
	    0 && b.amount >= 0) {
		snprintf(line, sizeof(line), _("The team's budget for %s: "),
		    b.period);
		sv->open(r, "p");
		sv->text(r, line);
		sv->text(r, sv->show_money(r, b.used));
		sv->text(r, " / ");
		sv->text(r, sv->show_money(r, b.amount));
		sv->close(r);
	}
}

/* Finance's: approved claims to pay. */
static void
to_pay(struct kiln_req *r, const struct kiln_services *sv)
{
	long long	 n, amount;

	counted(r, sv, "approved", 0, &n, &amount);
	if (n == 0) {
		none(r, sv, _("No approved claim waits to be reimbursed."));
		return;
	}
	sv->open(r, "ul");
	count_line(r, sv, "/expenses?status=approved",
	    _("claims to reimburse"), n, amount);
	sv->close(r);
}

const struct kiln_panel exp_panels[] = {
	{ "my_claims", N_("My expense claims"), sellers, 10, mine },
	{ "claims_to_decide", N_("Expense claims to decide"), managers, 10,
	  to_decide },
	{ "claims_to_pay", N_("Expense claims to reimburse"), payers, 10,
	  to_pay },
	{ NULL, NULL, NULL, 0, NULL }
};
