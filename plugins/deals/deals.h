/*
 * deals.h - the deals plugin's code besides its declarations
 * (deals.c): stage.c (moving a deal through the funnel, its history),
 * panels.c (the home page), demo.c (sample deals), schema_pg.c.
 */
#ifndef KILN_DEALS_H
#define KILN_DEALS_H

#include "kiln-plugin.h"

#define _(s)	sv->tr(s)
#define N_(s)	(s)

#define KV_S(k, v)	{ (k), KILN_KV_STR, (v), 0 }
#define KV_I(k, v)	{ (k), KILN_KV_INT, NULL, (v) }

/* The indexes of the deals table, the same on both engines. */
#define DEALS_INDEXES \
	"CREATE INDEX deals_title ON deals(title, id);" \
	"CREATE INDEX deals_customer ON deals(customer, stage);" \
	"CREATE INDEX deals_stage ON deals(stage, id);" \
	"CREATE INDEX deals_amount ON deals(amount, id);" \
	"CREATE INDEX deals_probability ON deals(probability, id);" \
	"CREATE INDEX deals_expected_close ON deals(expected_close, id);" \
	"CREATE INDEX deals_next_step_date ON deals(next_step_date, id);" \
	"CREATE INDEX deals_closed_on ON deals(closed_on, id);" \
	"CREATE INDEX deals_owner ON deals(owner);"

/*
 * Competitors and who meets whom in which deal, at what price (money;
 * 0 when unknown): the same on both engines (INTEGER is BIGINT there
 * too: the table has no identity column).
 */
#define COMPETITORS_SCHEMA \
	"CREATE TABLE competitors (" \
	" id " DEALS_ID "," \
	" version " DEALS_INT " NOT NULL DEFAULT 1," \
	" created_at TEXT NOT NULL," \
	" updated_at TEXT NOT NULL," \
	" name TEXT NOT NULL," \
	" website TEXT NOT NULL DEFAULT ''," \
	" price_level TEXT NOT NULL DEFAULT 'similar'," \
	" strengths TEXT NOT NULL DEFAULT ''," \
	" weaknesses TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX competitors_name ON competitors(name, id);" \
	"CREATE INDEX competitors_price_level ON competitors(price_level, id);" \
	"CREATE TABLE deal_competitors (" \
	" deal " DEALS_INT " NOT NULL REFERENCES deals(id) ON DELETE CASCADE," \
	" competitor " DEALS_INT " NOT NULL REFERENCES competitors(id)," \
	" price " DEALS_INT " NOT NULL DEFAULT 0 CHECK (price >= 0)," \
	" notes TEXT NOT NULL DEFAULT ''," \
	" PRIMARY KEY (deal, competitor));" \
	"CREATE INDEX deal_competitors_competitor ON" \
	" deal_competitors(competitor, deal);"

/* A deal's products of interest, the same on both engines. */
#define DEAL_LINES_SCHEMA \
	"CREATE TABLE deal_lines (" \
	" id " DEALS_ID "," \
	" version " DEALS_INT " NOT NULL DEFAULT 1," \
	" created_at TEXT NOT NULL," \
	" updated_at TEXT NOT NULL," \
	" deal " DEALS_INT " NOT NULL REFERENCES deals(id) ON DELETE CASCADE," \
	" product " DEALS_INT " NOT NULL REFERENCES products(id)," \
	" quantity " DEALS_INT " NOT NULL DEFAULT 1 CHECK (quantity > 0));" \
	"CREATE INDEX deal_lines_deal ON deal_lines(deal, id);" \
	"CREATE INDEX deal_lines_quantity ON deal_lines(quantity, id);"

/* Quotas: one per salesperson and period, the same on both engines. */
#define QUOTAS_SCHEMA \
	"CREATE TABLE quotas (" \
	" id " DEALS_ID "," \
	" version " DEALS_INT " NOT NULL DEFAULT 1," \
	" created_at TEXT NOT NULL," \
	" updated_at TEXT NOT NULL," \
	" owner " DEALS_INT " NOT NULL REFERENCES users(id)," \
	" period TEXT NOT NULL," \
	" amount " DEALS_INT " NOT NULL DEFAULT 0 CHECK (amount >= 0));" \
	"CREATE UNIQUE INDEX quotas_owner_period ON quotas(owner, period);" \
	"CREATE INDEX quotas_period ON quotas(period, id);" \
	"CREATE INDEX quotas_amount ON quotas(amount, id);"
#define PERIOD_FORM "'a period is a month (2027-03) or a quarter (2027-Q1)'"

/*
 * Activities (activities.c), the same on both engines.  segment is the
 * customer's when the activity was saved, kept by a trigger, so the
 * day summaries below add and take away in the same segment.
 */
#define ACTIVITIES_SCHEMA \
	"CREATE TABLE activities (" \
	" id " DEALS_ID "," \
	" version " DEALS_INT " NOT NULL DEFAULT 1," \
	" created_at TEXT NOT NULL," \
	" updated_at TEXT NOT NULL," \
	" kind TEXT NOT NULL DEFAULT 'call'," \
	" subject TEXT NOT NULL," \
	" customer " DEALS_INT " REFERENCES customers(id)," \
	" contact " DEALS_INT " REFERENCES contacts(id) ON DELETE SET NULL," \
	" deal " DEALS_INT " REFERENCES deals(id) ON DELETE SET NULL," \
	" direction TEXT NOT NULL DEFAULT ''," \
	" status TEXT NOT NULL DEFAULT 'planned'," \
	" scheduled_at TEXT NOT NULL DEFAULT ''," \
	" done_at TEXT NOT NULL DEFAULT ''," \
	" place TEXT NOT NULL DEFAULT ''," \
	" outcome TEXT NOT NULL DEFAULT ''," \
	" notes TEXT NOT NULL DEFAULT ''," \
	" owner " DEALS_INT " REFERENCES users(id)," \
	" segment TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX activities_subject ON activities(subject, id);" \
	"CREATE INDEX activities_kind ON activities(kind, id);" \
	"CREATE INDEX activities_status ON activities(status, id);" \
	"CREATE INDEX activities_scheduled_at ON activities(scheduled_at, id);" \
	"CREATE INDEX activities_done_at ON activities(done_at, id);" \
	"CREATE INDEX activities_owner ON activities(owner, scheduled_at);" \
	"CREATE INDEX activities_customer ON activities(customer, owner," \
	" status, done_at);" \
	"CREATE INDEX activities_contact ON activities(contact);" \
	"CREATE INDEX activities_deal ON activities(deal, id);" \
	/* Per salesperson, day and segment: what the performance \
	 * report adds up, kept by the activities' triggers. */ \
	"CREATE TABLE activity_days (" \
	" owner " DEALS_INT " NOT NULL," \
	" day TEXT NOT NULL," \
	" segment TEXT NOT NULL," \
	" visits " DEALS_INT " NOT NULL DEFAULT 0," \
	" calls " DEALS_INT " NOT NULL DEFAULT 0," \
	" returned " DEALS_INT " NOT NULL DEFAULT 0," \
	" inbound " DEALS_INT " NOT NULL DEFAULT 0," \
	" emails " DEALS_INT " NOT NULL DEFAULT 0," \
	" tasks " DEALS_INT " NOT NULL DEFAULT 0," \
	" scheduled " DEALS_INT " NOT NULL DEFAULT 0," \
	" held " DEALS_INT " NOT NULL DEFAULT 0," \
	" no_shows " DEALS_INT " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (owner, day, segment));" \
	"CREATE INDEX activity_days_day ON activity_days(day);" \
	/* When each salesperson first reached each customer. */ \
	"CREATE TABLE first_contacts (" \
	" owner " DEALS_INT " NOT NULL," \
	" customer " DEALS_INT " NOT NULL," \
	" first_at TEXT NOT NULL," \
	" PRIMARY KEY (owner, customer));" \
	"CREATE INDEX first_contacts_first_at ON first_contacts(owner," \
	" first_at);"

/* When a deal was last worked on: made, moved or an activity. */
#define DEALS_TOUCHED \
	"ALTER TABLE deals ADD COLUMN touched_on TEXT NOT NULL DEFAULT '';" \
	"UPDATE deals SET touched_on = coalesce((SELECT max(substr(at, 1, 10))" \
	" FROM deal_stages WHERE deal = deals.id), substr(created_at, 1, 10));" \
	"CREATE INDEX deals_touched_on ON deals(stage, touched_on);"

/* Whether row r (new or old) of activities counts as n in a column. */
#define ACT_IS(r, cond)	"CASE WHEN " cond " THEN 1 ELSE 0 END"

/*
 * Row r's part of its day's summary, added (s "") or taken away (s
 * "-"): the same statement on both engines, in their triggers.
 */
#define ACT_DAYS(r, s) \
	"INSERT INTO activity_days (owner, day, segment, visits, calls," \
	" returned, inbound, emails, tasks, scheduled, held, no_shows)" \
	" SELECT " r ".owner, substr(CASE WHEN " r ".done_at <> '' THEN " \
	r ".done_at ELSE " r ".scheduled_at END, 1, 10), " r ".segment, " \
	s ACT_IS(r, r ".kind = 'visit' AND " r ".status = 'done'") ", " \
	s ACT_IS(r, r ".kind = 'call' AND " r ".status = 'done' AND " \
	    r ".direction IN ('', 'outbound')") ", " \
	s ACT_IS(r, r ".kind = 'call' AND " r ".status = 'done' AND " \
	    r ".direction = 'returned'") ", " \
	s ACT_IS(r, r ".kind = 'call' AND " r ".status = 'done' AND " \
	    r ".direction = 'inbound'") ", " \
	s ACT_IS(r, r ".kind = 'email' AND " r ".status = 'done'") ", " \
	s ACT_IS(r, r ".kind = 'task' AND " r ".status = 'done'") ", " \
	s ACT_IS(r, r ".kind = 'meeting' AND " r ".status <> 'cancelled'") \
	", " \
	s ACT_IS(r, r ".kind = 'meeting' AND " r ".status = 'done'") ", " \
	s ACT_IS(r, r ".kind = 'meeting' AND " r ".status = 'no_show'") \
	" WHERE " r ".owner IS NOT NULL ON CONFLICT (owner, day, segment) DO UPDATE SET" \
	" visits = activity_days.visits + excluded.visits," \
	" calls = activity_days.calls + excluded.calls," \
	" returned = activity_days.returned + excluded.returned," \
	" inbound = activity_days.inbound + excluded.inbound," \
	" emails = activity_days.emails + excluded.emails," \
	" tasks = activity_days.tasks + excluded.tasks," \
	" scheduled = activity_days.scheduled + excluded.scheduled," \
	" held = activity_days.held + excluded.held," \
	" no_shows = activity_days.no_shows + excluded.no_shows;"

/* A done activity of new: its owner reached its customer by then. */
#define FIRST_CONTACT_ADD \
	"INSERT INTO first_contacts (owner, customer, first_at)" \
	" SELECT new.owner, new.customer, new.done_at WHERE new.status =" \
	" 'done' AND new.owner IS NOT NULL AND new.customer IS NOT NULL" \
	" AND new.done_at <> '' ON CONFLICT (owner, customer) DO UPDATE SET first_at =" \
	" CASE WHEN excluded.first_at < first_contacts.first_at" \
	" THEN excluded.first_at ELSE first_contacts.first_at END;"
/* old no longer counts as it did: its pair counted afresh. */
#define FIRST_CONTACT_REDO \
	"DELETE FROM first_contacts WHERE owner = old.owner AND" \
	" customer = old.customer AND old.status = 'done';" \
	"INSERT INTO first_contacts (owner, customer, first_at)" \
	" SELECT owner, customer, min(done_at) FROM activities" \
	" WHERE customer = old.customer AND owner = old.owner AND" \
	" status = 'done' AND old.status = 'done'" \
	" GROUP BY owner, customer;"
/* A deal was worked on the day its activity was done. */
#define DEAL_TOUCH \
	"UPDATE deals SET touched_on = substr(new.done_at, 1, 10)" \
	" WHERE id = new.deal AND new.status = 'done' AND" \
	" touched_on < substr(new.done_at, 1, 10);"
/* The customer an activity is about: its own, its deal's, its contact's. */
#define ACT_CUSTOMER "coalesce(customer, (SELECT customer FROM deals" \
	" WHERE id = activities.deal), (SELECT customer FROM contacts" \
	" WHERE id = activities.contact))"
/*
 * What the database fills in (now: the engine's UTC time as stored):
 * done when done (at the time it was scheduled, if that has come, else
 * now), scheduled when done if not before, the customer from
 * the deal or contact, the segment from the customer.
 */
#define ACT_FILL(now) \
	"UPDATE activities SET" \
	" done_at = CASE WHEN status <> 'done' THEN '' WHEN done_at <> ''" \
	" THEN done_at WHEN scheduled_at <> '' AND scheduled_at <= " now \
	" THEN scheduled_at ELSE " now " END," \
	" scheduled_at = CASE WHEN scheduled_at <> '' THEN scheduled_at" \
	" WHEN done_at <> '' THEN done_at ELSE " now " END," \
	" customer = " ACT_CUSTOMER "," \
	" segment = coalesce((SELECT segment FROM customers WHERE id =" \
	" " ACT_CUSTOMER "), '') WHERE id = new.id;"
/* The refusals of an activity, in words the same on both engines. */
#define ACT_DIRECTION "'only calls and e-mails have a direction, and only" \
	" a call is returned'"
#define ACT_PLACE "'a visit made needs its place'"
#define ACT_DEAL "'the deal is another customer''s'"
#define ACT_CONTACT "'the contact works for another customer'"

/* The deal rules' verdicts, and what they mark on the deal. */
#define DEAL_VERDICTS_SCHEMA \
	"CREATE TABLE deal_verdicts (" \
	" deal " DEALS_INT " NOT NULL REFERENCES deals(id) ON DELETE CASCADE," \
	" seq " DEALS_INT " NOT NULL," \
	" rule TEXT NOT NULL," \
	" result TEXT NOT NULL," \
	" message TEXT NOT NULL DEFAULT ''," \
	" field TEXT NOT NULL DEFAULT ''," \
	" PRIMARY KEY (deal, seq));" \
	"ALTER TABLE deals ADD COLUMN stalled " DEALS_INT " NOT NULL DEFAULT 0;" \
	"ALTER TABLE deals ADD COLUMN evaluated_on TEXT NOT NULL DEFAULT '';" \
	"CREATE INDEX deals_stalled ON deals(stalled, stage);"

/*
 * Per salesperson, day and customer segment, what the coverage and
 * performance reports add up of deals, kept by triggers in each
 * change's transaction: moves into proposal (on the day of the move),
 * deals won and lost (on their close day), open deals (on their
 * expected close day) with amount and weighted amount.
 */
#define DEAL_DAYS_SCHEMA \
	"CREATE TABLE deal_days (" \
	" owner " DEALS_INT " NOT NULL," \
	" day TEXT NOT NULL," \
	" segment TEXT NOT NULL," \
	" proposals " DEALS_INT " NOT NULL DEFAULT 0," \
	" won " DEALS_INT " NOT NULL DEFAULT 0," \
	" won_amount " DEALS_INT " NOT NULL DEFAULT 0," \
	" lost " DEALS_INT " NOT NULL DEFAULT 0," \
	" open_deals " DEALS_INT " NOT NULL DEFAULT 0," \
	" open_amount " DEALS_INT " NOT NULL DEFAULT 0," \
	" open_weighted " DEALS_INT " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (owner, day, segment));" \
	"CREATE INDEX deal_days_day ON deal_days(day);"
/* The segment of deal row r's customer. */
#define DEAL_SEG(r) "coalesce((SELECT segment FROM customers WHERE id = " \
	r ".customer), '')"
#define DEAL_DAYS_SET(c) " " c " = deal_days." c " + excluded." c
/* Deal row r's part of the summary, added (s "") or taken away ("-"). */
#define DEAL_DAYS(r, s) \
	"INSERT INTO deal_days (owner, day, segment, won, won_amount, lost)" \
	" SELECT " r ".owner, " r ".closed_on, " DEAL_SEG(r) ", " \
	s "(CASE WHEN " r ".stage = 'won' THEN 1 ELSE 0 END), " \
	s "(CASE WHEN " r ".stage = 'won' THEN " r ".amount ELSE 0 END), " \
	s "(CASE WHEN " r ".stage = 'lost' THEN 1 ELSE 0 END)" \
	" WHERE " r ".owner IS NOT NULL AND " r ".stage IN ('won', 'lost')" \
	" ON CONFLICT (owner, day, segment) DO UPDATE SET" \
	DEAL_DAYS_SET("won") "," DEAL_DAYS_SET("won_amount") "," \
	DEAL_DAYS_SET("lost") ";" \
	"INSERT INTO deal_days (owner, day, segment, open_deals, open_amount," \
	" open_weighted) SELECT " r ".owner, " r ".expected_close, " \
	DEAL_SEG(r) ", " s "1, " s r ".amount, " \
	s "(" r ".amount * " r ".probability / 100)" \
	" WHERE " r ".owner IS NOT NULL AND " r ".stage IN ('lead'," \
	" 'qualified', 'proposal', 'negotiation')" \
	" ON CONFLICT (owner, day, segment) DO UPDATE SET" \
	DEAL_DAYS_SET("open_deals") "," DEAL_DAYS_SET("open_amount") "," \
	DEAL_DAYS_SET("open_weighted") ";"
/* A move r of deal_stages into proposal, counted (s "") or not ("-"). */
#define DEAL_MOVE_DAYS(r, s) \
	"INSERT INTO deal_days (owner, day, segment, proposals)" \
	" SELECT d.owner, substr(" r ".at, 1, 10), " DEAL_SEG("d") ", " s "1" \
	" FROM deals d WHERE d.id = " r ".deal AND d.owner IS NOT NULL AND " \
	r ".stage_to = 'proposal'" \
	" ON CONFLICT (owner, day, segment) DO UPDATE SET" \
	DEAL_DAYS_SET("proposals") ";"
/* A deal going: its moves into proposal with it (before it goes). */
#define DEAL_GONE_MOVES \
	"INSERT INTO deal_days (owner, day, segment, proposals)" \
	" SELECT old.owner, substr(e.at, 1, 10), " DEAL_SEG("old") ", -count(*)" \
	" FROM deal_stages e WHERE e.deal = old.id AND old.owner IS NOT NULL" \
	" AND e.stage_to = 'proposal' GROUP BY substr(e.at, 1, 10)" \
	" ON CONFLICT (owner, day, segment) DO UPDATE SET" \
	DEAL_DAYS_SET("proposals") ";"
/* The deal columns the summary depends on (its UPDATE trigger's). */
#define DEAL_DAYS_COLS "owner, customer, amount, stage, probability," \
	" expected_close, closed_on"
/* The summary of the deals there are (when it is made). */
#define DEAL_DAYS_FILL \
	"INSERT INTO deal_days (owner, day, segment, won, won_amount, lost)" \
	" SELECT d.owner, d.closed_on, " DEAL_SEG("d") ", sum(CASE WHEN" \
	" d.stage = 'won' THEN 1 ELSE 0 END), sum(CASE WHEN d.stage = 'won'" \
	" THEN d.amount ELSE 0 END), sum(CASE WHEN d.stage = 'lost' THEN 1" \
	" ELSE 0 END) FROM deals d WHERE d.owner IS NOT NULL AND d.stage IN" \
	" ('won', 'lost') GROUP BY 1, 2, 3;" \
	"INSERT INTO deal_days (owner, day, segment, open_deals, open_amount," \
	" open_weighted) SELECT d.owner, d.expected_close, " DEAL_SEG("d") "," \
	" count(*), sum(d.amount), sum(d.amount * d.probability / 100) FROM" \
	" deals d WHERE d.owner IS NOT NULL AND d.stage IN ('lead'," \
	" 'qualified', 'proposal', 'negotiation') GROUP BY 1, 2, 3" \
	" ON CONFLICT (owner, day, segment) DO UPDATE SET" \
	DEAL_DAYS_SET("open_deals") "," DEAL_DAYS_SET("open_amount") "," \
	DEAL_DAYS_SET("open_weighted") ";" \
	"INSERT INTO deal_days (owner, day, segment, proposals)" \
	" SELECT d.owner, substr(e.at, 1, 10), " DEAL_SEG("d") ", count(*)" \
	" FROM deal_stages e JOIN deals d ON d.id = e.deal WHERE d.owner IS NOT" \
	" NULL AND e.stage_to = 'proposal' GROUP BY 1, 2, 3" \
	" ON CONFLICT (owner, day, segment) DO UPDATE SET" \
	DEAL_DAYS_SET("proposals") ";"
/*
 * The funnel's summaries (migration 10), per salesperson (0: none),
 * month a deal was opened in and segment: deals by stage now and the
 * furthest stage they reached (deals.reached: 0 lead .. 4 won), and
 * the time they spent in each stage (deal_stages.seconds, each stint
 * ending at a move).  The report adds whole months from these and the
 * days at a period's ragged ends from the deals themselves.
 */
#define FUNNEL_SCHEMA \
	"ALTER TABLE deals ADD COLUMN reached " DEALS_INT " NOT NULL" \
	" DEFAULT 0;" \
	"ALTER TABLE deal_stages ADD COLUMN seconds " DEALS_INT " NOT NULL" \
	" DEFAULT 0;" \
	"CREATE INDEX deals_created_at ON deals(created_at);" \
	"CREATE TABLE deal_funnel (" \
	" owner " DEALS_INT " NOT NULL," \
	" month TEXT NOT NULL," \
	" segment TEXT NOT NULL," \
	" stage TEXT NOT NULL," \
	" reached " DEALS_INT " NOT NULL," \
	" deals " DEALS_INT " NOT NULL DEFAULT 0," \
	" amount " DEALS_INT " NOT NULL DEFAULT 0," \
	" weighted " DEALS_INT " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (owner, month, segment, stage, reached));" \
	"CREATE TABLE stage_months (" \
	" owner " DEALS_INT " NOT NULL," \
	" month TEXT NOT NULL," \
	" segment TEXT NOT NULL," \
	" stage TEXT NOT NULL," \
	" seconds " DEALS_INT " NOT NULL DEFAULT 0," \
	" stints " DEALS_INT " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (owner, month, segment, stage));" \
	"UPDATE deals SET reached = (SELECT max(" DEAL_RANK("x.s") ") FROM" \
	" (SELECT deals.stage AS s UNION ALL SELECT e.stage_to FROM" \
	" deal_stages e WHERE e.deal = deals.id UNION ALL SELECT" \
	" e.stage_from FROM deal_stages e WHERE e.deal = deals.id) AS x);" \
	"UPDATE deals SET reached = 0 WHERE reached < 0;" \
	"UPDATE deal_stages SET seconds = " STINT_SECONDS("deal_stages") ";" \
	"INSERT INTO deal_funnel (owner, month, segment, stage, reached," \
	" deals, amount, weighted) SELECT coalesce(d.owner, 0)," \
	" substr(d.created_at, 1, 7), " DEAL_SEG("d") ", d.stage, d.reached," \
	" count(*), sum(d.amount), sum(d.amount * d.probability / 100)" \
	" FROM deals d WHERE d.id > 0 GROUP BY 1, 2, 3, 4, 5;" \
	"INSERT INTO stage_months (owner, month, segment, stage, seconds," \
	" stints) SELECT coalesce(d.owner, 0), substr(d.created_at, 1, 7), " \
	DEAL_SEG("d") ", e.stage_from, sum(e.seconds), count(*) FROM" \
	" deal_stages e JOIN deals d ON d.id = e.deal WHERE d.id > 0" \
	" GROUP BY 1, 2, 3, 4;"
/* A stage's place in the funnel; lost is off it (-1). */
#define DEAL_RANK(s) "(CASE " s " WHEN 'lead' THEN 0 WHEN 'qualified'" \
	" THEN 1 WHEN 'proposal' THEN 2 WHEN 'negotiation' THEN 3 WHEN" \
	" 'won' THEN 4 ELSE -1 END)"
/* A move t's stint: from the move before it, or the deal's opening. */
#define STINT_SECONDS(t) \
	"CAST(86400 * (julianday(" t ".at) - julianday(coalesce((SELECT p.at" \
	" FROM deal_stages p WHERE p.deal = " t ".deal AND p.seq = " t \
	".seq - 1), (SELECT o.created_at FROM deals o WHERE o.id = " t \
	".deal)))) AS " DEALS_INT ")"
/* Deal row r's place in the funnel, added (s "") or taken away ("-"). */
#define FUNNEL_DEAL(r, s) \
	"INSERT INTO deal_funnel (owner, month, segment, stage, reached," \
	" deals, amount, weighted) SELECT coalesce(" r ".owner, 0)," \
	" substr(" r ".created_at, 1, 7), " DEAL_SEG(r) ", " r ".stage, " \
	r ".reached, " s "1, " s r ".amount, " \
	s "(" r ".amount * " r ".probability / 100) WHERE " r ".id > 0" \
	" ON CONFLICT (owner, month, segment, stage, reached) DO UPDATE SET" \
	" deals = deal_funnel.deals + excluded.deals," \
	" amount = deal_funnel.amount + excluded.amount," \
	" weighted = deal_funnel.weighted + excluded.weighted;"
/* Stints of the moves `moves` (a FROM of deal_stages e) of deal row d. */
#define FUNNEL_STINTS(d, s, moves) \
	"INSERT INTO stage_months (owner, month, segment, stage, seconds," \
	" stints) SELECT coalesce(" d ".owner, 0), substr(" d ".created_at, 1," \
	" 7), " DEAL_SEG(d) ", e.stage_from, " s "sum(e.seconds), " s \
	"count(*) FROM " moves " GROUP BY e.stage_from" \
	" ON CONFLICT (owner, month, segment, stage) DO UPDATE SET" \
	" seconds = stage_months.seconds + excluded.seconds," \
	" stints = stage_months.stints + excluded.stints;"
/* A move r (of deal_stages) counted (s "") or not ("-"). */
#define FUNNEL_MOVE(r, s) \
	"INSERT INTO stage_months (owner, month, segment, stage, seconds," \
	" stints) SELECT coalesce(d.owner, 0), substr(d.created_at, 1, 7), " \
	DEAL_SEG("d") ", " r ".stage_from, " s r ".seconds, " s "1 FROM deals d" \
	" WHERE d.id = " r ".deal" \
	" ON CONFLICT (owner, month, segment, stage) DO UPDATE SET" \
	" seconds = stage_months.seconds + excluded.seconds," \
	" stints = stage_months.stints + excluded.stints;"
/* The deal columns its funnel row depends on. */
#define FUNNEL_COLS "owner, customer, created_at, stage, reached, amount," \
	" probability"

/*
 * Win and loss (migration 11): closed deals per salesperson (0: none),
 * month closed, segment, competitor (0: the deal itself; else one row
 * per competitor named on it), outcome and lost reason.
 */
#define CLOSES_SCHEMA \
	"CREATE TABLE deal_closes (" \
	" owner " DEALS_INT " NOT NULL," \
	" month TEXT NOT NULL," \
	" segment TEXT NOT NULL," \
	" competitor " DEALS_INT " NOT NULL," \
	" outcome TEXT NOT NULL," \
	" reason TEXT NOT NULL," \
	" deals " DEALS_INT " NOT NULL DEFAULT 0," \
	" amount " DEALS_INT " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (owner, month, segment, competitor, outcome, reason));" \
	"CREATE INDEX deal_closes_month ON deal_closes(month);" \
	"INSERT INTO deal_closes (owner, month, segment, competitor, outcome," \
	" reason, deals, amount) SELECT coalesce(d.owner, 0)," \
	" substr(d.closed_on, 1, 7), " DEAL_SEG("d") ", 0, d.stage," \
	" d.lost_reason, count(*), sum(d.amount) FROM deals d WHERE" \
	" d.stage IN ('won', 'lost') GROUP BY 1, 2, 3, 4, 5, 6;" \
	"INSERT INTO deal_closes (owner, month, segment, competitor, outcome," \
	" reason, deals, amount) SELECT coalesce(d.owner, 0)," \
	" substr(d.closed_on, 1, 7), " DEAL_SEG("d") ", dc.competitor," \
	" d.stage, d.lost_reason, count(*), sum(d.amount) FROM" \
	" deal_competitors dc JOIN deals d ON d.id = dc.deal WHERE d.stage" \
	" IN ('won', 'lost') GROUP BY 1, 2, 3, 4, 5, 6;"
#define CLOSES_SET \
	" ON CONFLICT (owner, month, segment, competitor, outcome, reason)" \
	" DO UPDATE SET deals = deal_closes.deals + excluded.deals," \
	" amount = deal_closes.amount + excluded.amount;"
/* Deal row r closed, counted (s "") or not ("-"), and its competitors'. */
#define CLOSES_DEAL(r, s) \
	"INSERT INTO deal_closes (owner, month, segment, competitor, outcome," \
	" reason, deals, amount) SELECT coalesce(" r ".owner, 0), substr(" r \
	".closed_on, 1, 7), " DEAL_SEG(r) ", 0, " r ".stage, " r \
	".lost_reason, " s "1, " s r ".amount WHERE " r ".stage IN ('won'," \
	" 'lost')" CLOSES_SET \
	"INSERT INTO deal_closes (owner, month, segment, competitor, outcome," \
	" reason, deals, amount) SELECT coalesce(" r ".owner, 0), substr(" r \
	".closed_on, 1, 7), " DEAL_SEG(r) ", dc.competitor, " r ".stage, " \
	r ".lost_reason, " s "1, " s r ".amount FROM deal_competitors dc" \
	" WHERE dc.deal = " r ".id AND " r ".stage IN ('won', 'lost')" \
	CLOSES_SET
/* Competitor row r of a closed deal, counted (s "") or not ("-"). */
#define CLOSES_RIVAL(r, s) \
	"INSERT INTO deal_closes (owner, month, segment, competitor, outcome," \
	" reason, deals, amount) SELECT coalesce(d.owner, 0)," \
	" substr(d.closed_on, 1, 7), " DEAL_SEG("d") ", " r ".competitor," \
	" d.stage, d.lost_reason, " s "1, " s "d.amount FROM deals d WHERE" \
	" d.id = " r ".deal AND d.stage IN ('won', 'lost')" CLOSES_SET
#define CLOSES_COLS "stage, closed_on, owner, customer, amount, lost_reason"
#define CLOSES_CHECK \
	"SELECT 'deal_closes: ' || x.n || ' closed deals, the deals say ' ||" \
	" y.n FROM (SELECT coalesce(sum(deals), 0) AS n FROM deal_closes" \
	" WHERE competitor = 0) x, (SELECT count(*) AS n FROM deals WHERE" \
	" stage IN ('won', 'lost')) y WHERE x.n <> y.n"

/* The funnel's summary agrees with the deals (kiln check). */
#define FUNNEL_CHECK \
	"SELECT 'deal_funnel of user ' || x.owner || ': ' || x.n || ' deals,'" \
	" || ' the deals say ' || coalesce(y.n, 0) FROM (SELECT owner," \
	" sum(deals) AS n FROM deal_funnel GROUP BY owner) x LEFT JOIN (SELECT" \
	" coalesce(owner, 0) AS owner, count(*) AS n FROM deals GROUP BY" \
	" coalesce(owner, 0)) y ON y.owner = x.owner WHERE x.n <>" \
	" coalesce(y.n, 0)"

/* The summary agrees with the deals (a business check of kiln check). */
#define DEAL_DAYS_CHECK \
	"SELECT 'deal_days of user ' || x.owner || ': ' || x.won || ' won, '" \
	" || x.open_deals || ' open, the deals say ' || coalesce(y.won, 0) ||" \
	" ' and ' || coalesce(y.open_deals, 0) FROM (SELECT owner, sum(won)" \
	" AS won, sum(open_deals) AS open_deals FROM deal_days GROUP BY owner)" \
	" x LEFT JOIN (SELECT owner, sum(CASE WHEN stage = 'won' THEN 1 ELSE" \
	" 0 END) AS won, sum(CASE WHEN stage IN ('lead', 'qualified'," \
	" 'proposal', 'negotiation') THEN 1 ELSE 0 END) AS open_deals FROM" \
	" deals WHERE owner IS NOT NULL GROUP BY owner) y ON y.owner =" \
	" x.owner WHERE x.won <> coalesce(y.won, 0) OR x.open_deals <>" \
	" coalesce(y.open_deals, 0)"

/* What deleting a deal that became an order says, on both engines. */
#define DEAL_HAS_ORDER "'a deal that became an order is kept: the order" \
	" names it'"

/* The stages a deal goes through, and where it may go from each. */
extern const char *const deals_stages[];
extern const char *const deals_lost_reasons[];
/* A stage's probability (per cent) when nobody says otherwise. */
int	 deals_stage_probability(const char *stage);

int	 deals_changed(struct kiln_req *, const struct kiln_services *,
	    long long, const struct kiln_kv *, const struct kiln_kv *, size_t);
void	 deals_page(struct kiln_req *, const struct kiln_services *,
	    long long);
void	 deals_xml(struct kiln_req *, const struct kiln_services *,
	    long long);
int	 deals_begin(struct kiln_req *, const struct kiln_services *,
	    long long);
void	 deals_hidden(struct kiln_req *, const struct kiln_services *,
	    const char *, const char *);
void	 deals_link(struct kiln_req *, const struct kiln_services *,
	    const char *path, const char *text);
const char *deals_copy(struct kiln_req *, const struct kiln_services *,
	    const char *);
/* A positive id as sent (a parameter's text), else 0. */
long long deals_id_of(const char *);
void	 deals_table(struct kiln_req *, const struct kiln_services *,
	    const char *const *, int extra);
int	 deals_stage(struct kiln_req *, const struct kiln_services *);
int	 deals_competitors(struct kiln_req *, const struct kiln_services *);
int	 deals_order(struct kiln_req *, const struct kiln_services *);
int	 deals_quotas_form(struct kiln_req *, const struct kiln_services *);
int	 deals_report_funnel(struct kiln_req *, const struct kiln_services *);
int	 deals_quotas_load(struct kiln_req *, const struct kiln_services *);
void	 deals_order_link(struct kiln_req *, const struct kiln_services *,
	    long long, const char *stage, int writable);
void	 deals_order_section(struct kiln_req *, const struct kiln_services *,
	    long long);
void	 deals_competitors_page(struct kiln_req *,
	    const struct kiln_services *, long long, int writable);
void	 deals_competitors_xml(struct kiln_req *,
	    const struct kiln_services *, long long);
void	 deals_lines_xml(struct kiln_req *, const struct kiln_services *,
	    long long);

int	 deals_evaluate(struct kiln_req *, const struct kiln_services *,
	    long long);
int	 deals_evaluate_job(struct kiln_req *, const struct kiln_services *);
void	 deals_evaluation_page(struct kiln_req *,
	    const struct kiln_services *, long long);
void	 deals_evaluation_xml(struct kiln_req *,
	    const struct kiln_services *, long long);
int	 deals_created(struct kiln_req *, const struct kiln_services *,
	    long long, char *, size_t);
int	 deals_line_created(struct kiln_req *, const struct kiln_services *,
	    long long, char *, size_t);
int	 deals_activity_touch(struct kiln_req *, const struct kiln_services *,
	    long long);
int	 deals_activity_created(struct kiln_req *,
	    const struct kiln_services *, long long, char *, size_t);
int	 deals_activity_changed(struct kiln_req *,
	    const struct kiln_services *, long long, const struct kiln_kv *,
	    const struct kiln_kv *, size_t);

/* What a report is about (reports.c): empty or 0 is any. */
struct deals_filter {
	const char	*from, *to, *team, *segment;
	long long	 owner;
};
int	 deals_filter_read(struct kiln_req *, const struct kiln_services *,
	    struct deals_filter *);
int	 deals_report_begin(struct kiln_req *, const struct kiln_services *,
	    const char *name, const char *title, const struct deals_filter *);
const char *deals_text_param(struct kiln_req *, const struct kiln_services *,
	    const char *, int date, int *bad);
const char *deals_ratio(struct kiln_req *, const struct kiln_services *,
	    long long, long long);
const char *deals_num(struct kiln_req *, const struct kiln_services *,
	    long long);
void	 deals_report_form(struct kiln_req *, const struct kiln_services *,
	    const char *path, const struct deals_filter *, const char *from,
	    const char *to);
void	 deals_input(struct kiln_req *, const struct kiln_services *,
	    const char *name, const char *type, const char *label,
	    const char *value);
void	 deals_month_end(char *, size_t, int year, int month);
/* A period as summaries answer it (reports.c, deals_period_split()). */
struct deals_split {
	int	 empty;		/* ends before it begins */
	int	 months;	/* whole months m1 .. m2 from the summaries */
	char	 m1[16], m2[16];
	int	 ends;		/* days from the records: from[k] .. to[k] */
	char	 from[2][16], to[2][16];
};
void	 deals_period_split(const struct deals_filter *,
	    struct deals_split *);
/*
 * Whose figures a summary shows the viewer, as deals' and activities'
 * owner-based access has it: 0 everyone's, 1 the team's, 2 their own,
 * -1 nobody's.  DEALS_SCOPE(col) in SQL, with ?6 the scope, ?7 the
 * viewer's id and ?8 their team (deals_scope_bind()).
 */
int	 deals_scope(struct kiln_req *, const struct kiln_services *);
void	 deals_scope_bind(struct kiln_req *, const struct kiln_services *,
	    struct kiln_stmt *, int scope);
#define DEALS_SCOPE(col) \
	" AND (?6 = 0 OR " col " = ?7 OR (?6 = 1 AND " col " IN" \
	" (SELECT id FROM users WHERE team = ?8 AND team <> '')))"
int	 deals_report_win_rate(struct kiln_req *, const struct kiln_services *);
int	 deals_report_coverage(struct kiln_req *, const struct kiln_services *);
void	 deals_coverage_panel(struct kiln_req *, const struct kiln_services *);
int	 deals_report_performance(struct kiln_req *,
	    const struct kiln_services *);

extern const struct kiln_entity deals_activity;
int	 deals_activity_log(struct kiln_req *, const struct kiln_services *);
int	 deals_activity_done(struct kiln_req *, const struct kiln_services *);
int	 deals_activity_week(struct kiln_req *, const struct kiln_services *);
void	 deals_activity_panel(struct kiln_req *, const struct kiln_services *);
void	 deals_activities_customer(struct kiln_req *,
	    const struct kiln_services *, long long);
void	 deals_activities_deal(struct kiln_req *,
	    const struct kiln_services *, long long);

extern const struct kiln_panel deals_panels[];

int	 deals_demo(struct kiln_req *, const struct kiln_services *,
	    struct kiln_demo *);

extern const struct kiln_migration deals_pg_migrations[];

#endif
