/*
 * expenses.c - the claim and the plugin's descriptor.
 *
 * A claim is its owner's (the salesperson who spent the money): theirs
 * to write while a draft, their manager's (the team) to decide,
 * finance's to reimburse and read, an administrator's.  Status,
 * approver, decision and reimbursement move only by the actions
 * (workflow.c); the database refuses any other move, a decision on
 * one's own claim, a change of a claim past draft, a deal of another
 * customer, on every door (triggers of the same names on SQLite and
 * PostgreSQL).
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "expenses.h"

#define EXP_ID		"INTEGER PRIMARY KEY AUTOINCREMENT"
#define EXP_INT		"INTEGER"
#define EXP_BLOB	"BLOB"

const char *const expense_categories[] = {
	"travel", "entertainment", "samples", "gifts", "exhibition", "other",
	NULL
};
const char *const expense_statuses[] = {
	"draft", "submitted", "approved", "rejected", "reimbursed", NULL
};

/* Who decides claims (the owner's team's manager) and who pays them. */
const char *const exp_deciders[] = { "manager", "admin", NULL };
const char *const exp_payers[] = { "finance", "admin", NULL };

static const struct kiln_field expense_fields[] = {
	{ .name = "spent_on", .type = KILN_DATE, .label = "Spent on",
	  .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_SORT },
	{ .name = "category", .type = KILN_ENUM, .label = "Category",
	  .options = expense_categories, .def = "other",
	  .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_FILTER |
	  KILN_F_SORT },
	{ .name = "amount", .type = KILN_MONEY, .label = "Amount", .min = 1,
	  .max = 100000000000LL, .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_SORT },
	{ .name = "customer", .type = KILN_REF, .ref = "customer",
	  .label = "Customer", .flags = KILN_F_LIST | KILN_F_FILTER |
	  KILN_F_SEARCH },
	{ .name = "deal", .type = KILN_REF, .ref = "deal", .label = "Deal",
	  .flags = KILN_F_FILTER },
	{ .name = "description", .type = KILN_TEXT, .label = "What for",
	  .min = 1, .max = 2000, .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_SEARCH },
	{ .name = "status", .type = KILN_ENUM, .label = "Status",
	  .options = expense_statuses, .def = "draft",
	  .flags = KILN_F_COMPUTED | KILN_F_LIST | KILN_F_FILTER |
	  KILN_F_SORT },
	/* A rule held it at submission: the manager reads why. */
	{ .name = "held", .type = KILN_BOOL, .label = "Held by a rule",
	  .def = "0", .flags = KILN_F_COMPUTED | KILN_F_FILTER },
	{ .name = "approver", .type = KILN_REF, .ref = "user",
	  .label = "Decided by", .flags = KILN_F_COMPUTED },
	{ .name = "decided_at", .type = KILN_DATETIME, .label = "Decided",
	  .flags = KILN_F_COMPUTED },
	{ .name = "reason", .type = KILN_TEXT, .label = "Reason",
	  .flags = KILN_F_COMPUTED },
	{ .name = "reimbursed_at", .type = KILN_DATETIME,
	  .label = "Reimbursed", .flags = KILN_F_COMPUTED },
	{ .name = "owner", .type = KILN_REF, .ref = "user", .label = "Owner",
	  .flags = KILN_F_LIST | KILN_F_FILTER | KILN_F_OWNER },
};

static const struct kiln_access expense_access[] = {
	{ "admin", KILN_ALL, KILN_ALL },
	{ "manager", KILN_TEAM, KILN_TEAM },
	{ "sales", KILN_OWN, KILN_OWN },
	{ "finance", KILN_ALL, KILN_NONE },
	{ NULL, KILN_NONE, KILN_NONE }
};

static const struct kiln_child no_children[] = { { NULL, NULL } };

static int
editable(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	int			 draft = 0;

	if ((st = sv->sql(r, "SELECT status = 'draft' FROM expenses WHERE"
	    " id = ?1")) == NULL)
		return 0;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1)
		draft = (int)sv->col_int(st, 0);
	sv->done(st);
	return draft;
}

static const struct kiln_entity expense = {
	.name = "expense",
	.plural = "expenses",
	.label = "Expense claim",
	.label_plural = "Expenses",
	.fields = expense_fields,
	.nfields = sizeof(expense_fields) / sizeof(expense_fields[0]),
	.title = "description",
	.sort = "spent_on",
	.children = no_children,
	.access = expense_access,
	.created = exp_created,
	.editable = editable,
	.context = exp_context,
	.xml = exp_xml,
	.page = exp_page,
};

static const struct kiln_entity *const entities[] = { &expense, NULL };

/*
 * The claim's refusals (SQLite): how a status may move and who may
 * decide, that only a draft changes, its deal is its customer's.
 */
#define EXP_CHECKS \
	" SELECT RAISE(ABORT, " EXP_NOT_POSITIVE ") WHERE new.amount <= 0;" \
	" SELECT RAISE(ABORT, " EXP_DEAL ") WHERE new.deal IS NOT NULL AND" \
	" new.customer IS NOT NULL AND new.customer IS NOT (SELECT customer" \
	" FROM deals WHERE id = new.deal);"

/* The update trigger, its last checks given (migrations 1 and 4). */
#define EXP_CHECK_BU(checks) \
	"CREATE TRIGGER expenses_check_bu BEFORE UPDATE ON expenses BEGIN" \
	" SELECT RAISE(ABORT, " EXP_BY_ACTION ") WHERE new.status <>" \
	" old.status AND new.status_seq = old.status_seq;" \
	" SELECT RAISE(ABORT, " EXP_BAD_MOVE ") WHERE new.status <>" \
	" old.status AND old.status || '>' || new.status NOT IN " EXP_MOVES \
	";" \
	" SELECT RAISE(ABORT, " EXP_OWN ") WHERE new.status <> old.status" \
	" AND new.status IN ('approved', 'rejected') AND new.approver IS NOT" \
	" NULL AND new.approver = new.owner;" \
	" SELECT RAISE(ABORT, " EXP_DRAFT_ONLY ") WHERE old.status <> 'draft'" \
	" AND (new.spent_on IS NOT old.spent_on OR new.category IS NOT" \
	" old.category OR new.amount IS NOT old.amount OR new.customer IS NOT" \
	" old.customer OR new.deal IS NOT old.deal OR new.description IS NOT" \
	" old.description OR new.owner IS NOT old.owner);" \
	checks " END;"

/*
 * A claim's deal is its customer's when either is set or changed: a
 * deal handed to another customer later does not stop its claims.
 */
#define EXP_DEAL_CHANGED \
	" SELECT RAISE(ABORT, " EXP_NOT_POSITIVE ") WHERE new.amount <= 0;" \
	" SELECT RAISE(ABORT, " EXP_DEAL ") WHERE new.deal IS NOT NULL AND" \
	" new.customer IS NOT NULL AND (new.deal IS NOT old.deal OR" \
	" new.customer IS NOT old.customer) AND new.customer IS NOT (SELECT" \
	" customer FROM deals WHERE id = new.deal);"

static const struct kiln_migration migrations[] = {
	{ 1,
	EXPENSES_SCHEMA
	"CREATE TRIGGER expenses_check_bi BEFORE INSERT ON expenses BEGIN"
	" SELECT RAISE(ABORT, " EXP_BORN ") WHERE new.status <> 'draft';"
	EXP_CHECKS " END;"
	EXP_CHECK_BU(EXP_CHECKS)
	"CREATE TRIGGER expenses_check_bd BEFORE DELETE ON expenses BEGIN"
	" SELECT RAISE(ABORT, " EXP_DELETE ") WHERE old.status <> 'draft';"
	" END;"
	/* A deal's claim is its customer's, filled in when left out. */
	"CREATE TRIGGER expenses_fill_ai AFTER INSERT ON expenses"
	" WHEN new.deal IS NOT NULL AND new.customer IS NULL BEGIN"
	" UPDATE expenses SET customer = (SELECT customer FROM deals WHERE id"
	" = new.deal) WHERE id = new.id; END;"
	"CREATE TRIGGER expense_receipts_bi BEFORE INSERT ON expense_receipts"
	" BEGIN SELECT RAISE(ABORT, " EXP_RECEIPT_DRAFT ") WHERE (SELECT"
	" status FROM expenses WHERE id = new.expense) IS NOT 'draft'; END;"
	"CREATE TRIGGER expense_receipts_bd BEFORE DELETE ON expense_receipts"
	" BEGIN SELECT RAISE(ABORT, " EXP_RECEIPT_DRAFT ") WHERE (SELECT"
	" status FROM expenses WHERE id = old.expense) NOT IN ('draft');"
	" END;"
	"CREATE TRIGGER expense_budgets_bi BEFORE INSERT ON expense_budgets"
	" BEGIN SELECT RAISE(ABORT, " EXP_BUDGET ") WHERE new.amount < 0 OR"
	" (new.owner IS NULL) = (new.team = '') OR NOT (new.period GLOB"
	" '[0-9][0-9][0-9][0-9]-0[1-9]' OR new.period GLOB"
	" '[0-9][0-9][0-9][0-9]-1[0-2]' OR new.period GLOB"
	" '[0-9][0-9][0-9][0-9]-Q[1-4]'); END;"
	"CREATE TRIGGER expense_budgets_bu BEFORE UPDATE ON expense_budgets"
	" BEGIN SELECT RAISE(ABORT, " EXP_BUDGET ") WHERE new.amount < 0;"
	" END;"
	},
	{ 2,
	/* The reports read a period's claims from the index alone. */
	"CREATE INDEX expenses_period ON expenses(spent_on, status, owner,"
	" category, amount, customer, deal);"
	},
	{ 3,
	EXP_MONTHS_SCHEMA
	"CREATE TRIGGER expenses_months_au AFTER UPDATE ON expenses WHEN"
	" old.status IN " EXP_COUNTED " OR new.status IN " EXP_COUNTED
	" BEGIN " EXP_MONTHS_ADD("old", "-") EXP_MONTHS_ADD("new", "") " END;"
	"CREATE TRIGGER expenses_months_ad AFTER DELETE ON expenses WHEN"
	" old.status IN " EXP_COUNTED " BEGIN " EXP_MONTHS_ADD("old", "-")
	" END;"
	},
	{ 4,
	"DROP TRIGGER expenses_check_bu;"
	EXP_CHECK_BU(EXP_DEAL_CHANGED)
	},
	{ 0, NULL }
};

static const struct kiln_route routes[] = {
	{ "POST", "/expenses/#/submit", exp_submit, NULL, NULL, 0 },
	{ "POST", "/expenses/#/approve", exp_approve, NULL, exp_deciders, 0 },
	{ "POST", "/expenses/#/reject", exp_reject, NULL, exp_deciders, 0 },
	{ "POST", "/expenses/#/reimburse", exp_reimburse, NULL, exp_payers,
	  0 },
	{ "POST", "/expenses/#/revise", exp_revise, NULL, NULL, 0 },
	{ "POST", "/expenses/#/receipts", exp_receipt_add, NULL, NULL,
	  KILN_R_UPLOAD },
	{ "GET", "/receipts/#", exp_receipt_get, NULL, NULL, 0 },
	{ "POST", "/receipts/#/delete", exp_receipt_delete, NULL, NULL, 0 },
	{ "GET", "/expenses/budgets", exp_budgets, "Budgets", NULL, 0 },
	{ "POST", "/expenses/budgets", exp_budget_set, NULL, exp_deciders, 0 },
	{ "GET", "/reports/expenses", exp_report, "Expenses against budget",
	  NULL, 0 },
	{ "GET", "/reports/expense-ratio", exp_report_ratio,
	  "Expense to revenue", NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static const char *const tables[] = {
	"expense_history", "expense_verdicts", "expense_receipts",
	"expense_budgets", "expense_months", NULL
};

static const char *const requires[] = { "customer", "deal", "order",
	"user", NULL };

/* A customer's and a deal's claims on their pages. */
static const struct kiln_section sections[] = {
	{ .entity = "customer", .list = "expense", .by = "customer" },
	{ .entity = "deal", .list = "expense", .by = "deal" },
	{ NULL, NULL, NULL, NULL }
};

static const struct kiln_check checks[] = {
	{ "decided claims name who decided, never their owner",
	  "SELECT 'claim ' || id || ' is ' || status || ' without a manager''s"
	  " decision' FROM expenses WHERE status IN ('approved',"
	  " 'reimbursed') AND (approver IS NULL OR approver = owner)" },
	{ "the months' sums agree with the claims",
	  "SELECT 'owner ' || x.owner || ', ' || x.month || ', ' || x.category ||"
	  " ': ' || x.counted || ' claimed, ' || coalesce(m.counted, 0) ||"
	  " ' in expense_months' FROM (SELECT coalesce(owner, 0) AS owner,"
	  " substr(spent_on, 1, 7) AS month, category, sum(amount) AS counted"
	  " FROM expenses WHERE status IN " EXP_COUNTED " GROUP BY 1, 2, 3) x"
	  " LEFT JOIN expense_months m ON m.owner = x.owner AND m.month ="
	  " x.month AND m.category = x.category WHERE m.counted IS DISTINCT"
	  " FROM x.counted UNION ALL SELECT 'owner ' || owner || ', ' || month"
	  " || ', ' || category || ': ' || counted || ' in expense_months, no"
	  " claims' FROM expense_months m WHERE counted <> 0 AND NOT EXISTS"
	  " (SELECT 1 FROM expenses e WHERE coalesce(e.owner, 0) = m.owner AND"
	  " substr(e.spent_on, 1, 7) = m.month AND e.category = m.category AND"
	  " e.status IN " EXP_COUNTED ")" },
	{ "receipts are what they say they are",
	  "SELECT 'receipt ' || id || ' of claim ' || expense || ' is ' ||"
	  " ctype FROM expense_receipts WHERE ctype NOT IN"
	  " ('application/pdf', 'image/jpeg', 'image/png')" },
	{ NULL, NULL }
};

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("expenses"),
	.description = "Expenses: claims with receipts, approval, budgets by"
	    " rule, expense to revenue",
	.entities = entities,
	.migrations = migrations,
	.routes = routes,
	.sections = sections,
	.checks = checks,
	.tables = tables,
	.requires = requires,
	.pg_migrations = exp_pg_migrations,
	.panels = exp_panels,
	.demo = exp_demo,
};








