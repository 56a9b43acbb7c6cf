/*
 * deals.c - deals: the sales funnel before the order.
 *
 * A deal is a customer's possible order: title, amount, stage (lead,
 * qualified, proposal, negotiation; won or lost), probability, the
 * expected close, where it came from and the next step.  Its stage
 * moves by actions (stage.c), never by its form, and each move is in
 * its history with who, when and why; losing needs a reason from a
 * fixed list, kept for win/loss analysis.  The database holds the
 * rules every door meets (a won deal stays won, lost needs its
 * reason, the close date follows the stage); access is the owner's,
 * as for customers.
 */
#include "deals.h"

/* A month or a quarter, in SQLite's GLOB. */
#define SQLITE_PERIOD(p) "(" p " GLOB '[0-9][0-9][0-9][0-9]-0[1-9]' OR " \
	p " GLOB '[0-9][0-9][0-9][0-9]-1[0-2]' OR " \
	p " GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]')"

/* SQLite's words in the shared schema text (deals.h). */
#define DEALS_ID	"INTEGER PRIMARY KEY AUTOINCREMENT"
#define DEALS_INT	"INTEGER"

const char *const deals_stages[] = {
	"lead", "qualified", "proposal", "negotiation", "won", "lost", NULL
};
const char *const deals_lost_reasons[] = {
	"price", "product_fit", "delivery_time", "competitor", "no_budget",
	"no_decision", "other", NULL
};
static const char *const sources[] = {
	"referral", "website", "exhibition", "cold_call", "existing_customer",
	"partner", "other", NULL
};

static const struct kiln_field deal_fields[] = {
	{ .name = "title", .type = KILN_TEXT, .label = "Deal name", .min = 1,
	  .max = 200, .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_SEARCH |
	  KILN_F_SORT },
	/* Searched: a deal is found by its customer's name or code. */
	{ .name = "customer", .type = KILN_REF, .ref = "customer",
	  .label = "Customer", .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_FILTER | KILN_F_SEARCH },
	{ .name = "contact", .type = KILN_REF, .ref = "contact",
	  .label = "Contact" },
	{ .name = "amount", .type = KILN_MONEY, .label = "Amount", .min = 0,
	  .max = 100000000000000LL, .def = "0",
	  .flags = KILN_F_LIST | KILN_F_SORT },
	{ .name = "stage", .type = KILN_ENUM, .options = deals_stages,
	  .label = "Stage", .def = "lead", .flags = KILN_F_LIST |
	  KILN_F_FILTER | KILN_F_SORT | KILN_F_NOFORM },
	/* Set by the deal rules (evaluate.c), else the stage's. */
	{ .name = "probability", .type = KILN_INT, .label = "Probability %",
	  .min = 0, .max = 100, .def = "10", .flags = KILN_F_LIST |
	  KILN_F_SORT | KILN_F_COMPUTED },
	{ .name = "expected_close", .type = KILN_DATE,
	  .label = "Expected close", .flags = KILN_F_LIST | KILN_F_SORT },
	{ .name = "source", .type = KILN_ENUM, .options = sources,
	  .label = "Source", .flags = KILN_F_FILTER },
	{ .name = "next_step", .type = KILN_TEXT, .label = "Next step",
	  .max = 200 },
	{ .name = "next_step_date", .type = KILN_DATE,
	  .label = "Next step on", .flags = KILN_F_SORT },
	/* Set by losing the deal (stage.c): a reason from the list. */
	{ .name = "lost_reason", .type = KILN_ENUM,
	  .options = deals_lost_reasons, .label = "Lost because",
	  .flags = KILN_F_FILTER | KILN_F_NOFORM },
	{ .name = "lost_note", .type = KILN_TEXT, .label = "Lost, in words",
	  .max = 500, .flags = KILN_F_NOFORM },
	{ .name = "closed_on", .type = KILN_DATE, .label = "Closed on",
	  .flags = KILN_F_COMPUTED | KILN_F_SORT },
	/* No work on it for longer than a rule allows at its stage. */
	{ .name = "stalled", .type = KILN_BOOL, .label = "Stalled",
	  .def = "0", .flags = KILN_F_COMPUTED | KILN_F_LIST |
	  KILN_F_FILTER },
	{ .name = "notes", .type = KILN_TEXT, .label = "Notes", .max = 5000,
	  .flags = KILN_F_LONG },
	{ .name = "owner", .type = KILN_REF, .ref = "user", .label = "Owner",
	  .flags = KILN_F_LIST | KILN_F_FILTER | KILN_F_OWNER },
};

static const struct kiln_child no_children[] = { { NULL, NULL } };

/* What the customer is interested in: the order's lines to be. */
static const struct kiln_child deal_children[] = {
	{ .entity = "deal_line", .field = "deal" },
	{ NULL, NULL }
};

static const struct kiln_entity deal = {
	.name = "deal",
	.plural = "deals",
	.label = "Deal",
	.label_plural = "Deals",
	.fields = deal_fields,
	.nfields = sizeof(deal_fields) / sizeof(deal_fields[0]),
	.title = "title",
	.sort = "expected_close",
	.children = deal_children,
	.changed = deals_changed,
	.created = deals_created,
	.page = deals_page,
	.xml = deals_xml,
};

static const struct kiln_field line_fields[] = {
	{ .name = "deal", .type = KILN_REF, .ref = "deal", .label = "Deal",
	  .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_FILTER },
	{ .name = "product", .type = KILN_REF, .ref = "product",
	  .label = "Product", .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_FILTER },
	{ .name = "quantity", .type = KILN_INT, .label = "Quantity",
	  .min = 1, .max = 10000000, .def = "1",
	  .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_SORT },
};

static const struct kiln_entity deal_line = {
	.name = "deal_line",
	.plural = "deal_lines",
	.label = "Product of interest",
	.label_plural = "Products of interest",
	.fields = line_fields,
	.nfields = sizeof(line_fields) / sizeof(line_fields[0]),
	.title = "product",
	.sort = "quantity",
	.children = no_children,
	.flags = KILN_E_NOT_IN_MENU,
	.parent = "deal",
	.created = deals_line_created,
};

/*
 * A salesperson's target for a month (2027-03) or a quarter (2027-Q1):
 * set by administrators and the team's manager, read by the
 * salesperson and finance.
 */
static const struct kiln_field quota_fields[] = {
	{ .name = "owner", .type = KILN_REF, .ref = "user",
	  .label = "Salesperson", .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_FILTER | KILN_F_OWNER },
	{ .name = "period", .type = KILN_TEXT, .label = "Period", .min = 7,
	  .max = 7, .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_FILTER |
	  KILN_F_SORT | KILN_F_SEARCH },
	{ .name = "amount", .type = KILN_MONEY, .label = "Quota", .min = 0,
	  .max = 100000000000000LL, .def = "0",
	  .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_SORT },
};

static const struct kiln_access quota_access[] = {
	{ "admin", KILN_ALL, KILN_ALL },
	{ "manager", KILN_TEAM, KILN_TEAM },
	{ "sales", KILN_OWN, KILN_NONE },
	{ "finance", KILN_ALL, KILN_NONE },
	{ NULL, KILN_NONE, KILN_NONE }
};

static const struct kiln_entity quota = {
	.name = "quota",
	.plural = "quotas",
	.label = "Quota",
	.label_plural = "Quotas",
	.fields = quota_fields,
	.nfields = sizeof(quota_fields) / sizeof(quota_fields[0]),
	.title = "period",
	.sort = "period",
	.children = no_children,
	.access = quota_access,
};

static const char *const price_levels[] = {
	"lower", "similar", "higher", NULL
};

static const struct kiln_field competitor_fields[] = {
	{ .name = "name", .type = KILN_TEXT, .label = "Name", .min = 1,
	  .max = 200, .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_SEARCH |
	  KILN_F_SORT },
	{ .name = "website", .type = KILN_URL, .label = "Website", .max = 500,
	  .flags = KILN_F_LIST },
	{ .name = "price_level", .type = KILN_ENUM, .options = price_levels,
	  .label = "Prices against ours", .def = "similar",
	  .flags = KILN_F_LIST | KILN_F_FILTER | KILN_F_SORT },
	{ .name = "strengths", .type = KILN_TEXT, .label = "Strengths",
	  .max = 5000, .flags = KILN_F_LONG },
	{ .name = "weaknesses", .type = KILN_TEXT, .label = "Weaknesses",
	  .max = 5000, .flags = KILN_F_LONG },
};

/* Who we meet in deals: the sales side keeps the list, all read it. */
static const struct kiln_access competitor_access[] = {
	{ "admin", KILN_ALL, KILN_ALL },
	{ "manager", KILN_ALL, KILN_ALL },
	{ "sales", KILN_ALL, KILN_ALL },
	{ "office", KILN_ALL, KILN_ALL },
	{ "finance", KILN_ALL, KILN_NONE },
	{ "service", KILN_ALL, KILN_NONE },
	{ NULL, KILN_NONE, KILN_NONE }
};

static const struct kiln_entity competitor = {
	.name = "competitor",
	.plural = "competitors",
	.label = "Competitor",
	.label_plural = "Competitors",
	.fields = competitor_fields,
	.nfields = sizeof(competitor_fields) / sizeof(competitor_fields[0]),
	.title = "name",
	.sort = "name",
	.children = no_children,
	.access = competitor_access,
};

static const struct kiln_entity *const entities[] = {
	&deal, &deal_line, &competitor, &quota, &deals_activity, NULL
};

/*
 * The stage's rules, shared text of both engines' triggers: a won deal
 * is final; lost needs a reason; the close date is the day it closed.
 */
#define WON_IS_FINAL "'a won deal stays won: its order carries it on'"
#define LOST_NEEDS_REASON "'a lost deal needs the reason it was lost'"

#define SQLITE_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* An activity's refusals (deals.h has their words). */
#define ACT_CHECKS \
	" SELECT RAISE(ABORT, " ACT_DIRECTION ") WHERE new.direction <> ''" \
	" AND NOT (new.kind = 'call' OR (new.kind = 'email' AND" \
	" new.direction <> 'returned'));" \
	" SELECT RAISE(ABORT, " ACT_PLACE ") WHERE new.kind = 'visit' AND" \
	" new.status = 'done' AND new.place = '';" \
	" SELECT RAISE(ABORT, " ACT_DEAL ") WHERE new.deal IS NOT NULL AND" \
	" new.customer IS NOT NULL AND new.customer IS NOT (SELECT customer" \
	" FROM deals WHERE id = new.deal);" \
	" SELECT RAISE(ABORT, " ACT_CONTACT ") WHERE new.contact IS NOT NULL" \
	" AND (new.customer IS NOT NULL OR new.deal IS NOT NULL) AND" \
	" coalesce(new.customer, (SELECT customer FROM deals WHERE id =" \
	" new.deal)) IS NOT (SELECT customer FROM contacts WHERE id =" \
	" new.contact);"
/* What ACT_FILL has still to fill in. */
#define ACT_UNFILLED \
	"((new.status = 'done') <> (new.done_at <> '') OR" \
	" new.scheduled_at = '' OR (new.customer IS NULL AND" \
	" (new.deal IS NOT NULL OR new.contact IS NOT NULL)) OR" \
	" new.segment IS NOT coalesce((SELECT segment FROM customers" \
	" WHERE id = new.customer), ''))"

static const struct kiln_migration migrations[] = {
	{ 1,
	"CREATE TABLE deals ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" created_at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL,"
	" title TEXT NOT NULL,"
	" customer INTEGER NOT NULL REFERENCES customers(id),"
	" contact INTEGER REFERENCES contacts(id),"
	" amount INTEGER NOT NULL DEFAULT 0,"
	" stage TEXT NOT NULL DEFAULT 'lead',"
	" probability INTEGER NOT NULL DEFAULT 10,"
	" expected_close TEXT NOT NULL DEFAULT '',"
	" source TEXT NOT NULL DEFAULT '',"
	" next_step TEXT NOT NULL DEFAULT '',"
	" next_step_date TEXT NOT NULL DEFAULT '',"
	" lost_reason TEXT NOT NULL DEFAULT '',"
	" lost_note TEXT NOT NULL DEFAULT '',"
	" closed_on TEXT NOT NULL DEFAULT '',"
	" notes TEXT NOT NULL DEFAULT '',"
	" owner INTEGER REFERENCES users(id));"
	DEALS_INDEXES
	/* Each move through the funnel: who, when, from, to, why. */
	"CREATE TABLE deal_stages ("
	" deal INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" stage_from TEXT NOT NULL,"
	" stage_to TEXT NOT NULL,"
	" by_login TEXT NOT NULL,"
	" at TEXT NOT NULL,"
	" reason TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (deal, seq)) WITHOUT ROWID;"
	"CREATE TRIGGER deals_new_open BEFORE INSERT ON deals"
	" WHEN new.stage IN ('won', 'lost') BEGIN"
	" SELECT RAISE(ABORT, 'a new deal is open: it is won or lost by a"
	" change of stage'); END;"
	"CREATE TRIGGER deals_won_final BEFORE UPDATE OF stage ON deals"
	" WHEN old.stage = 'won' AND new.stage <> 'won' BEGIN"
	" SELECT RAISE(ABORT, " WON_IS_FINAL "); END;"
	"CREATE TRIGGER deals_lost_reason BEFORE UPDATE OF stage, lost_reason"
	" ON deals WHEN new.stage = 'lost' AND new.lost_reason = '' BEGIN"
	" SELECT RAISE(ABORT, " LOST_NEEDS_REASON "); END;"
	/* Closed the day it was won or lost; open again: not closed. */
	"CREATE TRIGGER deals_closed AFTER UPDATE OF stage ON deals"
	" WHEN new.stage IS NOT old.stage BEGIN"
	" UPDATE deals SET closed_on = CASE WHEN new.stage IN ('won', 'lost')"
	" THEN strftime('%Y-%m-%d', 'now') ELSE '' END,"
	" lost_reason = CASE WHEN new.stage = 'lost' THEN new.lost_reason"
	" ELSE '' END,"
	" lost_note = CASE WHEN new.stage = 'lost' THEN new.lost_note"
	" ELSE '' END WHERE id = new.id; END;"
	},
	{ 2,
	COMPETITORS_SCHEMA
	},
	{ 3,
	/* A deal that became an order stays: the order names it. */
	"CREATE TRIGGER deals_keep_ordered BEFORE DELETE ON deals"
	" WHEN EXISTS (SELECT 1 FROM orders WHERE deal = old.id) BEGIN"
	" SELECT RAISE(ABORT, " DEAL_HAS_ORDER "); END;"
	},
	{ 4,
	DEAL_LINES_SCHEMA
	},
	{ 5,
	QUOTAS_SCHEMA
	"CREATE TRIGGER quotas_period BEFORE INSERT ON quotas"
	" WHEN NOT " SQLITE_PERIOD("new.period") " BEGIN"
	" SELECT RAISE(ABORT, " PERIOD_FORM "); END;"
	"CREATE TRIGGER quotas_period_au BEFORE UPDATE OF period ON quotas"
	" WHEN NOT " SQLITE_PERIOD("new.period") " BEGIN"
	" SELECT RAISE(ABORT, " PERIOD_FORM "); END;"
	},
	{ 6,
	ACTIVITIES_SCHEMA
	DEALS_TOUCHED
	"CREATE TRIGGER deals_touched_ai AFTER INSERT ON deals BEGIN"
	" UPDATE deals SET touched_on = substr(new.created_at, 1, 10)"
	" WHERE id = new.id; END;"
	"CREATE TRIGGER deals_touched_au AFTER UPDATE OF stage ON deals"
	" WHEN new.stage IS NOT old.stage BEGIN"
	" UPDATE deals SET touched_on = strftime('%Y-%m-%d', 'now')"
	" WHERE id = new.id; END;"
	"CREATE TRIGGER activities_check_ai BEFORE INSERT ON activities BEGIN"
	ACT_CHECKS " END;"
	"CREATE TRIGGER activities_check_au BEFORE UPDATE ON activities BEGIN"
	ACT_CHECKS " END;"
	"CREATE TRIGGER activities_fill_ai AFTER INSERT ON activities"
	" WHEN " ACT_UNFILLED " BEGIN " ACT_FILL(SQLITE_NOW) " END;"
	"CREATE TRIGGER activities_fill_au AFTER UPDATE ON activities"
	" WHEN " ACT_UNFILLED " BEGIN " ACT_FILL(SQLITE_NOW) " END;"
	"CREATE TRIGGER activities_sum_ai AFTER INSERT ON activities BEGIN "
	ACT_DAYS("new", "") FIRST_CONTACT_ADD DEAL_TOUCH " END;"
	"CREATE TRIGGER activities_sum_au AFTER UPDATE ON activities BEGIN "
	ACT_DAYS("old", "-") ACT_DAYS("new", "") FIRST_CONTACT_REDO
	FIRST_CONTACT_ADD DEAL_TOUCH " END;"
	"CREATE TRIGGER activities_sum_ad AFTER DELETE ON activities BEGIN "
	ACT_DAYS("old", "-") FIRST_CONTACT_REDO " END;"
	},
	{ 7,
	DEAL_VERDICTS_SCHEMA
	},
	{ 8,
	/* Proposals per period (the performance report's signing rate). */
	"CREATE INDEX deal_stages_to ON deal_stages(stage_to, at);"
	},
	{ 9,
	DEAL_DAYS_SCHEMA
	"CREATE TRIGGER deals_days_ai AFTER INSERT ON deals BEGIN "
	DEAL_DAYS("new", "") " END;"
	"CREATE TRIGGER deals_days_au AFTER UPDATE OF " DEAL_DAYS_COLS
	" ON deals BEGIN " DEAL_DAYS("old", "-") DEAL_DAYS("new", "") " END;"
	"CREATE TRIGGER deals_days_bd BEFORE DELETE ON deals BEGIN "
	DEAL_DAYS("old", "-") DEAL_GONE_MOVES " END;"
	"CREATE TRIGGER deal_stages_days_ai AFTER INSERT ON deal_stages BEGIN "
	DEAL_MOVE_DAYS("new", "") " END;"
	"CREATE TRIGGER deal_stages_days_au AFTER UPDATE OF at, stage_to ON"
	" deal_stages BEGIN " DEAL_MOVE_DAYS("old", "-")
	DEAL_MOVE_DAYS("new", "") " END;"
	DEAL_DAYS_FILL
	},
	{ 10,
	FUNNEL_SCHEMA
	"CREATE TRIGGER deals_reached_au AFTER UPDATE OF stage ON deals"
	" WHEN " DEAL_RANK("new.stage") " > new.reached BEGIN"
	" UPDATE deals SET reached = " DEAL_RANK("new.stage")
	" WHERE id = new.id; END;"
	"CREATE TRIGGER deals_funnel_ai AFTER INSERT ON deals BEGIN "
	FUNNEL_DEAL("new", "") " END;"
	"CREATE TRIGGER deals_funnel_au AFTER UPDATE OF " FUNNEL_COLS
	" ON deals BEGIN " FUNNEL_DEAL("old", "-") FUNNEL_DEAL("new", "")
	" END;"
	"CREATE TRIGGER deals_funnel_bd BEFORE DELETE ON deals BEGIN "
	FUNNEL_DEAL("old", "-") FUNNEL_STINTS("old", "-", "deal_stages e WHERE e.deal = old.id") " END;"
	/* Stints move with the deal's keys; its first one may change. */
	"CREATE TRIGGER deals_stints_au AFTER UPDATE OF owner, customer,"
	" created_at ON deals BEGIN "
	FUNNEL_STINTS("old", "-", "deal_stages e WHERE e.deal = old.id") FUNNEL_STINTS("new", "", "deal_stages e WHERE e.deal = new.id")
	" UPDATE deal_stages SET seconds = " STINT_SECONDS("deal_stages")
	" WHERE deal = new.id AND seq = 1; END;"
	"CREATE TRIGGER deal_stages_funnel_ai AFTER INSERT ON deal_stages"
	" BEGIN " FUNNEL_MOVE("new", "")
	" UPDATE deal_stages SET seconds = " STINT_SECONDS("deal_stages")
	" WHERE deal = new.deal AND seq = new.seq; END;"
	"CREATE TRIGGER deal_stages_at_au AFTER UPDATE OF at ON deal_stages"
	" BEGIN UPDATE deal_stages SET seconds = " STINT_SECONDS("deal_stages")
	" WHERE deal = new.deal AND seq IN (new.seq, new.seq + 1); END;"
	"CREATE TRIGGER deal_stages_funnel_au AFTER UPDATE OF seconds,"
	" stage_from ON deal_stages BEGIN " FUNNEL_MOVE("old", "-")
	FUNNEL_MOVE("new", "") " END;"
	},
	{ 11,
	CLOSES_SCHEMA
	"CREATE TRIGGER deals_closes_au AFTER UPDATE OF " CLOSES_COLS
	" ON deals BEGIN " CLOSES_DEAL("old", "-") CLOSES_DEAL("new", "")
	" END;"
	"CREATE TRIGGER deals_closes_bd BEFORE DELETE ON deals BEGIN "
	CLOSES_DEAL("old", "-") " END;"
	"CREATE TRIGGER deal_competitors_closes_ai AFTER INSERT ON"
	" deal_competitors BEGIN " CLOSES_RIVAL("new", "") " END;"
	"CREATE TRIGGER deal_competitors_closes_ad AFTER DELETE ON"
	" deal_competitors BEGIN " CLOSES_RIVAL("old", "-") " END;"
	},
	{ 12,
	/* The funnel's ragged ends read the deals from this index alone. */
	"DROP INDEX deals_created_at;"
	"CREATE INDEX deals_created_cover ON deals(created_at, stage, reached,"
	" amount, probability, owner, customer);"
	},
	{ 0, NULL }
};

static const char *const setters[] = { "admin", "manager", NULL };

static const struct kiln_route routes[] = {
	{ "GET", "/reports/funnel", deals_report_funnel, "Funnel", NULL, 0 },
	{ "GET", "/reports/win-rate", deals_report_win_rate, "Win rate", NULL, 0 },
	{ "GET", "/reports/coverage", deals_report_coverage, "Coverage", NULL, 0 },
	{ "GET", "/reports/performance", deals_report_performance,
	  "Performance", NULL, 0 },
	{ "GET", "/quotas/load", deals_quotas_form, "Load quotas", setters, 0 },
	{ "POST", "/quotas/load", deals_quotas_load, NULL, setters, 0 },
	{ "POST", "/deals/#/stage", deals_stage, NULL, NULL, 0 },
	{ "POST", "/deals/#/competitors", deals_competitors, NULL, NULL, 0 },
	{ "POST", "/deals/#/order", deals_order, NULL, NULL, 0 },
	{ "GET", "/activities/week", deals_activity_week, "My week", NULL, 0 },
	{ "POST", "/activities/log", deals_activity_log, NULL, NULL, 0 },
	{ "POST", "/activities/#/done", deals_activity_done, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static const char *const tables[] = {
	"deal_stages", "deal_competitors", "activity_days", "first_contacts",
	"deal_verdicts", "deal_days", "deal_funnel", "stage_months",
	"deal_closes", NULL
};

/* A deal stalls by nothing happening: judged again once a day. */
static const struct kiln_job jobs[] = {
	{ "deals_evaluate", deals_evaluate_job },
	{ NULL, NULL }
};
static const char *const requires[] = { "customer", "contact", "order",
	"product", "user", NULL };

/* On an order's page: the deal it came from. */
static const struct kiln_section sections[] = {
	{ .entity = "order", .page = deals_order_section },
	/* Activities, and logging one, on customers' and deals' pages. */
	{ "customer", deals_activities_customer, .list = "activity",
	  .by = "customer" },
	{ "deal", deals_activities_deal, .list = "activity", .by = "deal" },
	{ NULL, NULL, NULL, NULL }
};

static const struct kiln_check checks[] = {
	{ "the deal summaries agree with the deals", DEAL_DAYS_CHECK },
	{ "the funnel's summary agrees with the deals", FUNNEL_CHECK },
	{ "the win and loss summary agrees with the deals", CLOSES_CHECK },
	{ "lost deals have their reason",
	  "SELECT 'deal ' || id || ' (' || title || ') is lost without a"
	  " reason' FROM deals WHERE stage = 'lost' AND lost_reason = ''" },
	{ NULL, NULL }
};

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("deals"),
	.description = "Deals: the sales funnel before the order",
	.entities = entities,
	.migrations = migrations,
	.routes = routes,
	.sections = sections,
	.checks = checks,
	.jobs = jobs,
	.tables = tables,
	.requires = requires,
	.demo = deals_demo,
	.pg_migrations = deals_pg_migrations,
	.panels = deals_panels,
};
