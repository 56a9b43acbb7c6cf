/*
 * expenses.h - the expenses plugin: a salesperson's claims for what
 * selling cost (travel, entertainment, samples, gifts, exhibitions),
 * tied to the customer and deal they were spent on.  expenses.c
 * declares the claim and its schema; workflow.c moves it (submit,
 * approve, reject, reimburse, revise) and asks the expense rules at
 * submission; receipts.c keeps the receipts (in the database, served
 * only to who may read the claim); budgets.c the budgets a rule judges
 * against; reports.c /reports/expenses and /reports/expense-ratio;
 * panels.c the home page's; demo.c a year of claims; schema_pg.c the
 * schema on PostgreSQL.
 */
#ifndef KILN_EXPENSES_H
#define KILN_EXPENSES_H

#include "kiln-plugin.h"
#include "kit.h"

#define _(s)	sv->tr(s)
#define N_(s)	(s)

#define KV_S(k, v)	{ (k), KILN_KV_STR, (v), 0 }
#define KV_I(k, v)	{ (k), KILN_KV_INT, NULL, (v) }

/* A receipt: at most this large, this many to a claim. */
#define RECEIPT_MAX	(4 * 1024 * 1024)
#define RECEIPTS_PER_CLAIM	10

extern const char *const expense_categories[];
extern const char *const expense_statuses[];

/*
 * The schema, the same on both engines (EXP_ID, EXP_INT, EXP_BLOB are
 * each engine's words).  A claim's status moves only by the plugin's
 * actions (status_seq bumped, as orders do); expense_history is every
 * move, expense_verdicts what each rule said at the last submission,
 * expense_receipts the files (their bytes, SHA-256, the type read from
 * them), expense_budgets the budget of a salesperson (owner) or a team
 * per month (YYYY-MM) or quarter (YYYY-Qn) and category ('' all).
 */
#define EXPENSES_SCHEMA \
	"CREATE TABLE expenses (" \
	" id " EXP_ID "," \
	" version " EXP_INT " NOT NULL DEFAULT 1," \
	" created_at TEXT NOT NULL," \
	" updated_at TEXT NOT NULL," \
	" spent_on TEXT NOT NULL," \
	" category TEXT NOT NULL DEFAULT 'other'," \
	" amount " EXP_INT " NOT NULL DEFAULT 0," \
	" customer " EXP_INT " REFERENCES customers(id)," \
	" deal " EXP_INT " REFERENCES deals(id)," \
	" description TEXT NOT NULL DEFAULT ''," \
	" status TEXT NOT NULL DEFAULT 'draft'," \
	" held " EXP_INT " NOT NULL DEFAULT 0," \
	" approver " EXP_INT " REFERENCES users(id)," \
	" decided_at TEXT NOT NULL DEFAULT ''," \
	" reason TEXT NOT NULL DEFAULT ''," \
	" reimbursed_at TEXT NOT NULL DEFAULT ''," \
	" owner " EXP_INT " REFERENCES users(id)," \
	" status_seq " EXP_INT " NOT NULL DEFAULT 0);" \
	"CREATE INDEX expenses_spent_on ON expenses(spent_on, id);" \
	"CREATE INDEX expenses_category ON expenses(category, id);" \
	"CREATE INDEX expenses_amount ON expenses(amount, id);" \
	"CREATE INDEX expenses_status ON expenses(status, id);" \
	"CREATE INDEX expenses_owner ON expenses(owner, spent_on);" \
	"CREATE INDEX expenses_customer ON expenses(customer, category," \
	" spent_on);" \
	"CREATE INDEX expenses_deal ON expenses(deal);" \
	"CREATE TABLE expense_history (" \
	" expense " EXP_INT " NOT NULL REFERENCES expenses(id)" \
	" ON DELETE CASCADE," \
	" seq " EXP_INT " NOT NULL," \
	" status TEXT NOT NULL," \
	" by_login TEXT NOT NULL," \
	" at TEXT NOT NULL," \
	" reason TEXT NOT NULL DEFAULT ''," \
	" PRIMARY KEY (expense, seq));" \
	"CREATE TABLE expense_verdicts (" \
	" expense " EXP_INT " NOT NULL REFERENCES expenses(id)" \
	" ON DELETE CASCADE," \
	" pos " EXP_INT " NOT NULL," \
	" rule TEXT NOT NULL," \
	" result TEXT NOT NULL," \
	" message TEXT NOT NULL DEFAULT ''," \
	" PRIMARY KEY (expense, pos));" \
	"CREATE TABLE expense_receipts (" \
	" id " EXP_ID "," \
	" expense " EXP_INT " NOT NULL REFERENCES expenses(id)" \
	" ON DELETE CASCADE," \
	" name TEXT NOT NULL," \
	" ctype TEXT NOT NULL," \
	" size " EXP_INT " NOT NULL," \
	" sha256 TEXT NOT NULL," \
	" data " EXP_BLOB " NOT NULL," \
	" created_at TEXT NOT NULL," \
	" by_login TEXT NOT NULL);" \
	"CREATE INDEX expense_receipts_expense ON expense_receipts(expense," \
	" id);" \
	"CREATE TABLE expense_budgets (" \
	" id " EXP_ID "," \
	" owner " EXP_INT " REFERENCES users(id) ON DELETE CASCADE," \
	" team TEXT NOT NULL DEFAULT ''," \
	" period TEXT NOT NULL," \
	" category TEXT NOT NULL DEFAULT ''," \
	" amount " EXP_INT " NOT NULL);" \
	"CREATE UNIQUE INDEX expense_budgets_key ON expense_budgets(" \
	" coalesce(owner, 0), team, period, category);" \
	"CREATE INDEX expense_budgets_team ON expense_budgets(team, period);"

/*
 * Migration 3, the table the same on both engines: what each owner
 * claimed per month and category (submitted, approved, reimbursed:
 * what budgets count), kept by the triggers expenses_months_au/_ad in
 * the transaction of every change, so the expenses report reads
 * months, not claims.
 */
#define EXP_COUNTED	"('submitted', 'approved', 'reimbursed')"
#define EXP_MONTHS_SCHEMA \
	"CREATE TABLE expense_months (" \
	" owner " EXP_INT " NOT NULL," \
	" month TEXT NOT NULL," \
	" category TEXT NOT NULL," \
	" counted " EXP_INT " NOT NULL DEFAULT 0," \
	" claims " EXP_INT " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (owner, month, category));" \
	"INSERT INTO expense_months (owner, month, category, counted, claims)" \
	" SELECT coalesce(owner, 0), substr(spent_on, 1, 7), category," \
	" sum(amount), count(*) FROM expenses WHERE status IN " EXP_COUNTED \
	" GROUP BY coalesce(owner, 0), substr(spent_on, 1, 7), category;"
/* A claim row's share of expense_months, signed (o: old or new). */
#define EXP_MONTHS_ADD(o, sign) \
	"INSERT INTO expense_months (owner, month, category, counted, claims)" \
	" SELECT coalesce(" o ".owner, 0), substr(" o ".spent_on, 1, 7), " o \
	".category, " sign o ".amount, " sign "1 WHERE " o ".status IN " \
	EXP_COUNTED " ON CONFLICT (owner, month, category) DO UPDATE SET" \
	" counted = expense_months.counted + excluded.counted, claims =" \
	" expense_months.claims + excluded.claims;"

/*
 * The moves a claim may make (the plugin's actions), and the words of
 * the database's refusals, the same on both engines.
 */
#define EXP_MOVES \
	"('draft>submitted', 'draft>rejected', 'submitted>approved'," \
	" 'submitted>rejected', 'approved>reimbursed', 'rejected>draft')"
#define EXP_BAD_MOVE "'a claim goes draft, submitted, approved or" \
	" rejected, reimbursed; a rejected one may be revised'"
#define EXP_BY_ACTION "'a claim''s status moves by its actions'"
#define EXP_OWN "'nobody approves or rejects their own claim'"
#define EXP_DRAFT_ONLY "'only a draft claim can be changed'"
#define EXP_NOT_POSITIVE "'a claim''s amount is more than nothing'"
#define EXP_DEAL "'the deal is another customer''s'"
#define EXP_RECEIPT_DRAFT "'receipts are added to and taken from a draft" \
	" claim only'"
#define EXP_BORN "'a new claim is a draft'"
#define EXP_DELETE "'only a draft claim can be deleted'"
#define EXP_BUDGET "'a budget is a salesperson''s or a team''s, for a month" \
	" (YYYY-MM) or quarter (YYYY-Qn), of at least nothing'"

/* expenses.c */
extern const char *const exp_deciders[];
extern const char *const exp_payers[];

/* workflow.c */
int		 exp_submit(struct kiln_req *, const struct kiln_services *);
int		 exp_approve(struct kiln_req *, const struct kiln_services *);
int		 exp_reject(struct kiln_req *, const struct kiln_services *);
int		 exp_reimburse(struct kiln_req *, const struct kiln_services *);
int		 exp_revise(struct kiln_req *, const struct kiln_services *);
int		 exp_created(struct kiln_req *, const struct kiln_services *,
		    long long, char *, size_t);
void		 exp_page(struct kiln_req *, const struct kiln_services *,
		    long long);
void		 exp_xml(struct kiln_req *, const struct kiln_services *,
		    long long);
size_t		 exp_context(struct kiln_req *, const struct kiln_services *,
		    long long, struct kiln_kv *, size_t);

/* receipts.c */
int		 exp_receipt_add(struct kiln_req *,
		    const struct kiln_services *);
int		 exp_receipt_get(struct kiln_req *,
		    const struct kiln_services *);
int		 exp_receipt_delete(struct kiln_req *,
		    const struct kiln_services *);
void		 exp_receipts_page(struct kiln_req *,
		    const struct kiln_services *, long long, int);
const char	*exp_receipt_type(const char *, size_t);
const char	*exp_receipt_name(struct kiln_req *,
		    const struct kiln_services *, const char *);

/* budgets.c */
struct exp_budget {
	long long	 amount;	/* -1: none */
	long long	 used;		/* claims counted in it, this one not */
	char		 period[8];
	char		 category[16];
};
int		 exp_budget_of(struct kiln_req *, const struct kiln_services *,
		    long long, const char *, const char *, const char *,
		    long long, int, struct exp_budget *);
int		 exp_budgets(struct kiln_req *, const struct kiln_services *);
int		 exp_budget_set(struct kiln_req *, const struct kiln_services *);

/* reports.c */
int		 exp_report(struct kiln_req *, const struct kiln_services *);
int		 exp_report_ratio(struct kiln_req *,
		    const struct kiln_services *);

/* panels.c */
extern const struct kiln_panel exp_panels[];

/* demo.c */
int		 exp_demo(struct kiln_req *, const struct kiln_services *,
		    struct kiln_demo *);

/* schema_pg.c */
extern const struct kiln_migration exp_pg_migrations[];

#endif
