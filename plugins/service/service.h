/*
 * service.h - the service plugin: tickets after delivery.  service.c
 * declares the ticket and its schema; workflow.c moves a ticket
 * through its statuses (the action buttons, the history); sla.c asks
 * the rules for the deadlines and keeps them in business time;
 * escalate.c is the job that acts on deadlines about to pass;
 * schema_pg.c the same schema on PostgreSQL.
 */
#ifndef KILN_SERVICE_H
#define KILN_SERVICE_H

#include "kiln-plugin.h"

#define _(s)	sv->tr(s)
#define N_(s)	(s)

#define KV_S(k, v)	{ (k), KILN_KV_STR, (v), 0 }
#define KV_I(k, v)	{ (k), KILN_KV_INT, NULL, (v) }

/* YYYY-MM-DDTHH:MM:SSZ and its NUL. */
#define SERVICE_TIMESZ	21

extern const char *const service_statuses[];
extern const char *const service_priorities[];
extern const char *const service_workers[];

/*
 * The tickets table, the same on both engines (SERVICE_ID and
 * SERVICE_INT are each engine's words).  Besides the entity's fields:
 * the customer's segment when the ticket was filed (for the reports),
 * the token that threads e-mail replies, the deadlines' budgets in
 * business seconds as the SLA rule gave them, the business time spent
 * waiting on the customer (the resolution clock's pauses) and since
 * when it waits, and the business seconds to first response and to
 * resolution once they are known.
 */
#define TICKETS_SCHEMA \
	"CREATE TABLE tickets (" \
	" id " SERVICE_ID "," \
	" version " SERVICE_INT " NOT NULL DEFAULT 1," \
	" created_at TEXT NOT NULL," \
	" updated_at TEXT NOT NULL," \
	" subject TEXT NOT NULL," \
	" customer " SERVICE_INT " NOT NULL REFERENCES customers(id)," \
	" contact " SERVICE_INT " REFERENCES contacts(id) ON DELETE SET NULL,"\
	" product " SERVICE_INT " REFERENCES products(id)," \
	" \"order\" " SERVICE_INT " REFERENCES orders(id)," \
	" description TEXT NOT NULL DEFAULT ''," \
	" type TEXT NOT NULL DEFAULT 'question'," \
	" priority TEXT NOT NULL DEFAULT 'normal'," \
	" channel TEXT NOT NULL DEFAULT 'phone'," \
	" mode TEXT NOT NULL DEFAULT ''," \
	" assignee " SERVICE_INT " REFERENCES users(id)," \
	" status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new'," \
	" 'assigned', 'in_progress', 'waiting_customer', 'resolved'," \
	" 'closed'))," \
	" first_response_due TEXT NOT NULL DEFAULT ''," \
	" resolution_due TEXT NOT NULL DEFAULT ''," \
	" first_response_at TEXT NOT NULL DEFAULT ''," \
	" resolved_at TEXT NOT NULL DEFAULT ''," \
	" closed_at TEXT NOT NULL DEFAULT ''," \
	" breached " SERVICE_INT " NOT NULL DEFAULT 0," \
	" escalated " SERVICE_INT " NOT NULL DEFAULT 0," \
	" satisfaction " SERVICE_INT " CHECK (satisfaction BETWEEN 1 AND 5),"\
	" cause TEXT NOT NULL DEFAULT ''," \
	" action_taken TEXT NOT NULL DEFAULT ''," \
	" parts_used TEXT NOT NULL DEFAULT ''," \
	" time_spent " SERVICE_INT " NOT NULL DEFAULT 0" \
	" CHECK (time_spent >= 0)," \
	" owner " SERVICE_INT " REFERENCES users(id)," \
	" segment TEXT NOT NULL DEFAULT ''," \
	" token TEXT NOT NULL DEFAULT ''," \
	" response_budget " SERVICE_INT " NOT NULL DEFAULT 0," \
	" resolution_budget " SERVICE_INT " NOT NULL DEFAULT 0," \
	" paused " SERVICE_INT " NOT NULL DEFAULT 0," \
	" waiting_since TEXT NOT NULL DEFAULT ''," \
	" response_secs " SERVICE_INT "," \
	" resolution_secs " SERVICE_INT ");" \
	"CREATE INDEX tickets_subject ON tickets(subject, id);" \
	"CREATE INDEX tickets_customer ON tickets(customer, status);" \
	"CREATE INDEX tickets_status ON tickets(status, id);" \
	/* The queue: oldest due first. */ \
	"CREATE INDEX tickets_queue ON tickets(status, first_response_due," \
	" id) WHERE assignee IS NULL;" \
	"CREATE INDEX tickets_assignee ON tickets(assignee, status);" \
	"CREATE INDEX tickets_owner ON tickets(owner);" \
	"CREATE INDEX tickets_product ON tickets(product);" \
	"CREATE INDEX tickets_order ON tickets(\"order\");" \
	"CREATE INDEX tickets_created_at ON tickets(created_at, id);" \
	"CREATE INDEX tickets_first_response_due ON" \
	" tickets(first_response_due, id);" \
	"CREATE INDEX tickets_resolution_due ON tickets(resolution_due, id);" \
	"CREATE INDEX tickets_resolved_at ON tickets(resolved_at, id);" \
	"CREATE INDEX tickets_open ON tickets(escalated, resolution_due)" \
	" WHERE status NOT IN ('resolved', 'closed');" \
	/* What happened to a ticket, in order: moves, answers, escalations. */ \
	"CREATE TABLE ticket_events (" \
	" ticket " SERVICE_INT " NOT NULL REFERENCES tickets(id)" \
	" ON DELETE CASCADE," \
	" seq " SERVICE_INT " NOT NULL," \
	" at TEXT NOT NULL," \
	" by_login TEXT NOT NULL," \
	" kind TEXT NOT NULL," \
	" from_value TEXT NOT NULL DEFAULT ''," \
	" to_value TEXT NOT NULL DEFAULT ''," \
	" note TEXT NOT NULL DEFAULT ''," \
	" PRIMARY KEY (ticket, seq));" \
	/* The SLA rules' verdicts of the last time they were asked. */ \
	"CREATE TABLE ticket_verdicts (" \
	" ticket " SERVICE_INT " NOT NULL REFERENCES tickets(id)" \
	" ON DELETE CASCADE," \
	" seq " SERVICE_INT " NOT NULL," \
	" clock TEXT NOT NULL," \
	" rule TEXT NOT NULL," \
	" result TEXT NOT NULL," \
	" message TEXT NOT NULL DEFAULT ''," \
	" minutes " SERVICE_INT "," \
	" PRIMARY KEY (ticket, seq));" \
	/* Each deadline acts once per state (near, passed) and due time. */ \
	"CREATE TABLE ticket_escalations (" \
	" ticket " SERVICE_INT " NOT NULL REFERENCES tickets(id)" \
	" ON DELETE CASCADE," \
	" clock TEXT NOT NULL," \
	" state TEXT NOT NULL," \
	" due TEXT NOT NULL," \
	" at TEXT NOT NULL," \
	" actions TEXT NOT NULL DEFAULT ''," \
	" PRIMARY KEY (ticket, clock, state, due));"

/*
 * Migration 2, the same on both engines: the satisfaction requests
 * (single-use tokens, kept as their SHA-256 only, expiring), the
 * customer's comment, and the notices to send: acknowledgement,
 * answer, resolution, satisfaction link, sent by sendmail when
 * kiln.conf names one, else listed for the agent to send by hand.
 */
#define FEEDBACK_SCHEMA \
	"CREATE TABLE ticket_feedback (" \
	" hash TEXT PRIMARY KEY," \
	" ticket " SERVICE_INT " NOT NULL REFERENCES tickets(id)" \
	" ON DELETE CASCADE," \
	" created_at TEXT NOT NULL," \
	" expires_at TEXT NOT NULL," \
	" used_at TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX ticket_feedback_ticket ON ticket_feedback(ticket);" \
	"ALTER TABLE tickets ADD COLUMN feedback TEXT NOT NULL DEFAULT '';" \
	"CREATE TABLE ticket_notices (" \
	" id " SERVICE_ID "," \
	" ticket " SERVICE_INT " NOT NULL REFERENCES tickets(id)" \
	" ON DELETE CASCADE," \
	" kind TEXT NOT NULL," \
	" to_addr TEXT NOT NULL DEFAULT ''," \
	" subject TEXT NOT NULL," \
	" body TEXT NOT NULL," \
	" created_at TEXT NOT NULL," \
	" sent_at TEXT NOT NULL DEFAULT ''," \
	" sent_by TEXT NOT NULL DEFAULT ''," \
	" error TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX ticket_notices_unsent ON ticket_notices(sent_at, id);" \
	"CREATE INDEX ticket_notices_ticket ON ticket_notices(ticket, id);"

/*
 * Migration 4, the same on both engines: requests from people the
 * desk does not know yet (the public form, e-mail from an unknown
 * address), kept until someone files them as tickets or sets them
 * aside.
 */
#define REQUESTS_SCHEMA \
	"CREATE TABLE service_requests (" \
	" id " SERVICE_ID "," \
	" created_at TEXT NOT NULL," \
	" channel TEXT NOT NULL," \
	" name TEXT NOT NULL DEFAULT ''," \
	" email TEXT NOT NULL," \
	" phone TEXT NOT NULL DEFAULT ''," \
	" company TEXT NOT NULL DEFAULT ''," \
	" subject TEXT NOT NULL," \
	" body TEXT NOT NULL DEFAULT ''," \
	" handled_at TEXT NOT NULL DEFAULT ''," \
	" handled_by TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX service_requests_open ON service_requests(handled_at," \
	" id);"

/* The workflow, in words the same on both engines. */
#define TICKET_MOVES \
	"('new>assigned', 'assigned>in_progress'," \
	" 'in_progress>waiting_customer', 'waiting_customer>in_progress'," \
	" 'in_progress>resolved', 'waiting_customer>resolved'," \
	" 'resolved>closed', 'resolved>in_progress', 'closed>in_progress')"
#define TICKET_BAD_MOVE "'a ticket goes new, assigned, in progress (and" \
	" waiting on the customer), resolved, closed; a resolved or closed" \
	" ticket may be reopened'"
#define TICKET_BORN "'a new ticket is new, or assigned to its engineer'"
#define TICKET_NO_ASSIGNEE "'a ticket taken or assigned has an assignee'"
#define TICKET_NO_REPORT "'a resolved ticket needs its resolution report:" \
	" cause and action taken'"
#define TICKET_CONTACT "'the contact is another customer''s'"
#define TICKET_ORDER "'the order is another customer''s'"

/* service.c */
const char	*service_copy(struct kiln_req *, const struct kiln_services *,
		    const char *);
void		 service_now(char [SERVICE_TIMESZ]);
int		 service_event(struct kiln_req *, const struct kiln_services *,
		    long long, const char *, const char *, const char *,
		    const char *);
void		 service_hidden(struct kiln_req *,
		    const struct kiln_services *, const char *, const char *);
void		 service_link(struct kiln_req *, const struct kiln_services *,
		    const char *, const char *);
int		 service_is_worker(struct kiln_req *,
		    const struct kiln_services *);

/* workflow.c */
int		 service_created(struct kiln_req *,
		    const struct kiln_services *, long long, char *, size_t);
int		 service_changed(struct kiln_req *,
		    const struct kiln_services *, long long,
		    const struct kiln_kv *, const struct kiln_kv *, size_t);
void		 service_page(struct kiln_req *, const struct kiln_services *,
		    long long);
void		 service_xml(struct kiln_req *, const struct kiln_services *,
		    long long);
int		 service_take(struct kiln_req *, const struct kiln_services *);
int		 service_assign(struct kiln_req *,
		    const struct kiln_services *);
int		 service_start(struct kiln_req *, const struct kiln_services *);
int		 service_wait(struct kiln_req *, const struct kiln_services *);
int		 service_resume(struct kiln_req *,
		    const struct kiln_services *);
int		 service_resolve(struct kiln_req *,
		    const struct kiln_services *);
int		 service_close(struct kiln_req *, const struct kiln_services *);
int		 service_reopen(struct kiln_req *,
		    const struct kiln_services *);
int		 service_answer(struct kiln_req *,
		    const struct kiln_services *);

/* page.c */
int		 service_queue(struct kiln_req *, const struct kiln_services *);
int		 service_rows(struct kiln_req *, const struct kiln_services *,
		    struct kiln_stmt *, int, int, const char *);

/* sla.c */
#define SERVICE_NREC	12	/* a ticket's fields for a rule, and id */
int		 service_facts(struct kiln_req *, const struct kiln_services *,
		    long long, struct kiln_kv *, size_t *, struct kiln_kv *,
		    size_t *);
int		 service_sla(struct kiln_req *, const struct kiln_services *,
		    long long);
int		 service_deadlines(struct kiln_req *,
		    const struct kiln_services *, long long);
void		 service_sla_page(struct kiln_req *,
		    const struct kiln_services *, long long);
void		 service_sla_xml(struct kiln_req *,
		    const struct kiln_services *, long long);

/* sla.c: the clocks, as rules and tables name them. */
extern const char *const service_clock_names[2];

/*
 * Migration 5, the same on both engines: the escalation job's way in,
 * each clock's running deadlines of open tickets (escalate.c's
 * queries say the same conditions, so both engines use them).
 */
#define RUNNING_SCHEMA \
	"CREATE INDEX tickets_running_f ON tickets(first_response_due, id)" \
	" WHERE first_response_at = '' AND first_response_due <> '' AND" \
	" status NOT IN ('resolved', 'closed');" \
	"CREATE INDEX tickets_running_r ON tickets(resolution_due, id) WHERE" \
	" resolution_due <> '' AND status NOT IN ('resolved', 'closed'," \
	" 'waiting_customer');" \
	/* The escalated worklist, in its order. */ \
	"CREATE INDEX tickets_escalated ON tickets(resolution_due, id) WHERE" \
	" escalated > 0 AND status NOT IN ('resolved', 'closed');"

/* escalate.c: what the escalate rules said about one deadline. */
enum { SERVICE_ASK_PRIORITY, SERVICE_ASK_ASSIGNEE, SERVICE_ASK_BREACHED,
	SERVICE_ASK_N };
extern const char *const service_asked_names[SERVICE_ASK_N];
struct service_asked {
	int	 yes[SERVICE_ASK_N];
	char	 actions[32];	/* the yeses, space-separated */
	char	 notes[1024];	/* the first reason given */
};
int		 service_ask_escalate(struct kiln_req *,
		    const struct kiln_services *, long long, int, const char *,
		    const char *, long long, long long, long long,
		    struct service_asked *);
int		 service_escalate_job(struct kiln_req *,
		    const struct kiln_services *);
int		 service_escalated(struct kiln_req *,
		    const struct kiln_services *);

/* notices.c */
int		 service_notice(struct kiln_req *,
		    const struct kiln_services *, long long, const char *,
		    const char *, const char *);
const char	*service_thread_subject(struct kiln_req *,
		    const struct kiln_services *, long long, const char *);
int		 service_mail_job(struct kiln_req *,
		    const struct kiln_services *);
int		 service_sent(struct kiln_req *, const struct kiln_services *);
void		 service_notices_page(struct kiln_req *,
		    const struct kiln_services *, long long);

/* feedback.c */
int		 service_feedback_request(struct kiln_req *,
		    const struct kiln_services *, long long);
int		 service_feedback_page(struct kiln_req *,
		    const struct kiln_services *);
int		 service_feedback_answer(struct kiln_req *,
		    const struct kiln_services *);

/* mailin.c */
int		 service_mail_in(struct kiln_req *,
		    const struct kiln_services *, const struct kiln_mail *);

/* request.c */
int		 service_request_form(struct kiln_req *,
		    const struct kiln_services *);
int		 service_request_post(struct kiln_req *,
		    const struct kiln_services *);
int		 service_requests(struct kiln_req *,
		    const struct kiln_services *);
int		 service_request_done(struct kiln_req *,
		    const struct kiln_services *);
int		 service_request_keep(struct kiln_req *,
		    const struct kiln_services *, const char *, const char *,
		    const char *, const char *, const char *, const char *,
		    const char *);
long long	 service_requests_open(struct kiln_req *,
		    const struct kiln_services *);

/* schema_pg.c */
extern const struct kiln_migration service_pg_migrations[];

/* demo.c */
int		 service_demo(struct kiln_req *, const struct kiln_services *,
		    struct kiln_demo *);

/*
 * ---- The SLA report's summaries (migration 3; reports.c, panels.c) ----
 *
 * The same statements on both engines (SERVICE_INT is each engine's
 * word), in SQLite's triggers and PostgreSQL's trigger functions:
 * SLA_MIGRATION_SQLITE and SLA_MIGRATION_PG at the end.
 *
 * Each clock of a ticket (f: the first response, r: the resolution)
 * counts on one day, the day its outcome was decided: the day it was
 * met, else the day of its deadline - missed then, whether answered
 * late or still running (a running clock is missed from the day after
 * its deadline's; the report reads today's from the tickets).  A
 * resolution clock waiting on the customer does not run; a clock
 * without a deadline counts its time only.  Per day (ticket_sla_days)
 * and per month (ticket_sla_months, for the whole months of a long
 * period): clocks met, late and running, how many have their business
 * seconds known and their sum, the customers' ratings (on the
 * resolution clock).  Rolled up (kind) for the whole desk ('a'), per
 * engineer ('e', who: the assignee, 0 none), per salesperson ('o',
 * who: the owner) and per customer segment ('s'), all but the whole
 * desk's per segment too (seg: the ticket's), each by
 * priority (grp 'p', val the priority), engineer ('e', val the user
 * id, "0" none) and segment ('s'); the whole desk also by product
 * ('r', val the product id) and in a histogram of business seconds per
 * priority (grp 'b', val the priority, bucket as SLA_BUCKET: the 90th
 * percentile is exact to the bucket).  Other rows have bucket -1.
 * ticket_open: open tickets per kind and day filed (the backlog);
 * ticket_causes: resolved tickets per month resolved, product and
 * cause.  The triggers take a ticket's old part away and add its new
 * one in the change's own transaction (an update's netted in one
 * statement: the rows it leaves as they were are not written).
 */
#define SLA_TABLE(name, clustered) \
	"CREATE TABLE " name " (" \
	" kind TEXT NOT NULL," \
	" who " SERVICE_INT " NOT NULL," \
	" seg TEXT NOT NULL," \
	" day TEXT NOT NULL," \
	" clock TEXT NOT NULL," \
	" grp TEXT NOT NULL," \
	" val TEXT NOT NULL," \
	" bucket " SERVICE_INT " NOT NULL," \
	" met " SERVICE_INT " NOT NULL DEFAULT 0," \
	" late " SERVICE_INT " NOT NULL DEFAULT 0," \
	" pending " SERVICE_INT " NOT NULL DEFAULT 0," \
	" n " SERVICE_INT " NOT NULL DEFAULT 0," \
	" secs " SERVICE_INT " NOT NULL DEFAULT 0," \
	" sat_n " SERVICE_INT " NOT NULL DEFAULT 0," \
	" sat_sum " SERVICE_INT " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (kind, who, day, seg, clock, grp, val, bucket))" \
	clustered ";"
/* clustered: SQLite's " WITHOUT ROWID" (rows in key order), or "". */
#define SLA_SCHEMA(clustered) \
	SLA_TABLE("ticket_sla_days", clustered) \
	SLA_TABLE("ticket_sla_months", clustered) \
	"CREATE TABLE ticket_open (" \
	" kind TEXT NOT NULL," \
	" who " SERVICE_INT " NOT NULL," \
	" seg TEXT NOT NULL," \
	" day TEXT NOT NULL," \
	" n " SERVICE_INT " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (kind, who, seg, day))" clustered ";" \
	"CREATE TABLE ticket_causes (" \
	" month TEXT NOT NULL," \
	" product " SERVICE_INT " NOT NULL," \
	" cause TEXT NOT NULL," \
	" n " SERVICE_INT " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (product, cause, month))" clustered ";" \
	/* Whose: a salesperson's tickets by engineer; open complaints. */ \
	"DROP INDEX tickets_owner;" \
	"CREATE INDEX tickets_owner ON tickets(owner, assignee);" \
	"CREATE INDEX tickets_open_owner ON tickets(owner, type) WHERE" \
	" status NOT IN ('resolved', 'closed');"

/* A clock's columns of ticket row t: f the first response, r resolution. */
#define SLA_DUE_f(t)	t ".first_response_due"
#define SLA_AT_f(t)	t ".first_response_at"
#define SLA_SECS_f(t)	t ".response_secs"
#define SLA_RUN_f(t)	"1 = 1"
#define SLA_SATN_f(t)	"0"
#define SLA_SATS_f(t)	"0"
#define SLA_DUE_r(t)	t ".resolution_due"
#define SLA_AT_r(t)	t ".resolved_at"
#define SLA_SECS_r(t)	t ".resolution_secs"
#define SLA_RUN_r(t)	t ".status <> 'waiting_customer'"
#define SLA_SATN_r(t)	SLA_IF(t ".resolved_at <> '' AND " t \
	".satisfaction IS NOT NULL")
#define SLA_SATS_r(t)	"CASE WHEN " t ".resolved_at <> '' THEN" \
	" coalesce(" t ".satisfaction, 0) ELSE 0 END"
#define SLA_DUE(c, t)	SLA_DUE_##c(t)
#define SLA_AT(c, t)	SLA_AT_##c(t)
#define SLA_SECS(c, t)	SLA_SECS_##c(t)
#define SLA_RUN(c, t)	SLA_RUN_##c(t)

#define SLA_IF(cond)	"CASE WHEN " cond " THEN 1 ELSE 0 END"
/* The day (len 10) or month (7) its outcome was decided. */
#define SLA_DAY(c, t, len) \
	"substr(CASE WHEN " SLA_AT(c, t) " <> '' AND (" SLA_DUE(c, t) \
	" = '' OR " SLA_AT(c, t) " <= " SLA_DUE(c, t) ") THEN " \
	SLA_AT(c, t) " ELSE " SLA_DUE(c, t) " END, 1, " len ")"
/* Whether the clock counts at all: met, or a deadline and running. */
#define SLA_COUNTS(c, t) \
	"(" SLA_AT(c, t) " <> '' OR (" SLA_DUE(c, t) " <> '' AND " \
	SLA_RUN(c, t) "))"
#define SLA_MET(c, t) \
	SLA_IF(SLA_AT(c, t) " <> '' AND " SLA_DUE(c, t) " <> '' AND " \
	SLA_AT(c, t) " <= " SLA_DUE(c, t))
#define SLA_LATE(c, t) \
	SLA_IF(SLA_DUE(c, t) " <> '' AND " SLA_AT(c, t) " > " SLA_DUE(c, t))
#define SLA_RUNNING(c, t) \
	SLA_AT(c, t) " = '' AND " SLA_DUE(c, t) " <> '' AND " SLA_RUN(c, t)
#define SLA_TIMED(c, t) \
	"(" SLA_AT(c, t) " <> '' AND " SLA_SECS(c, t) " IS NOT NULL)"
#define SLA_TIME(c, t) \
	"CASE WHEN " SLA_TIMED(c, t) " THEN " SLA_SECS(c, t) " ELSE 0 END"
/*
 * Business seconds s in buckets: 15 minutes up to 8 hours (0-31),
 * hours up to 80 (32-103), 8 hours (a working day) up to 840 (104-198),
 * and the rest (199).  reports.c's sla_bucket_end() is its inverse.
 */
#define SLA_BUCKET(s) \
	"CASE WHEN " s " <= 0 THEN 0 WHEN " s " < 28800 THEN " s " / 900" \
	" WHEN " s " < 288000 THEN 32 + (" s " - 28800) / 3600" \
	" WHEN " s " < 3024000 THEN 104 + (" s " - 288000) / 28800" \
	" ELSE 199 END"
/* The clock's figures in SLA_COLS' order, each within a and z. */
#define SLA_FIGURES(c, t, a, z) \
	a SLA_MET(c, t) z ", " a SLA_LATE(c, t) z ", " \
	a SLA_IF(SLA_RUNNING(c, t)) z ", " a SLA_IF(SLA_TIMED(c, t)) z ", " \
	a SLA_TIME(c, t) z ", " a SLA_SATN_##c(t) z ", " a SLA_SATS_##c(t) z

/* The rollups (kind, grp) of a clock, and whose and which a row is. */
#define SLA_ROLLUPS "(VALUES ('a', 'p'), ('a', 'e'), ('a', 's')," \
	" ('a', 'r'), ('e', 'p'), ('e', 'e'), ('e', 's'), ('o', 'p')," \
	" ('o', 'e'), ('o', 's'), ('s', 'p'), ('s', 'e'), ('s', 's')) AS x"
#define SLA_KINDS "(VALUES ('a'), ('e'), ('o'), ('s')) AS x"
#define SLA_WHO(k, t) "CASE " k " WHEN 'e' THEN coalesce(" t ".assignee," \
	" 0) WHEN 'o' THEN coalesce(" t ".owner, 0) ELSE 0 END"
#define SLA_SEG(k, t) "CASE WHEN " k " = 'a' THEN '' ELSE " t ".segment" \
	" END"
#define SLA_VAL(g, t) "CASE " g " WHEN 'p' THEN " t ".priority WHEN 's'" \
	" THEN " t ".segment WHEN 'e' THEN CAST(coalesce(" t ".assignee, 0)" \
	" AS TEXT) ELSE CAST(coalesce(" t ".product, 0) AS TEXT) END"

#define SLA_COLS "kind, who, seg, day, clock, grp, val, bucket, met," \
	" late, pending, n, secs, sat_n, sat_sum"
#define SLA_ADD(tb, c) " " c " = " tb "." c " + excluded." c
#define SLA_UPSERT(tb) \
	" ON CONFLICT (kind, who, seg, day, clock, grp, val, bucket)" \
	" DO UPDATE SET" SLA_ADD(tb, "met") "," SLA_ADD(tb, "late") "," \
	SLA_ADD(tb, "pending") "," SLA_ADD(tb, "n") "," SLA_ADD(tb, "secs") \
	"," SLA_ADD(tb, "sat_n") "," SLA_ADD(tb, "sat_sum") ";"
/* Clock c of row t in table tb (days: len 10), added (s "") or not ("-"). */
#define SLA_PART(tb, len, c, t, s) \
	"INSERT INTO " tb " (" SLA_COLS ") SELECT * FROM (" \
	SLA_ROWS(len, c, t, s) ") AS d WHERE 1 = 1" SLA_UPSERT(tb)
#define SLA_CLOCK(c, t, s) \
	SLA_PART("ticket_sla_days", "10", c, t, s) \
	SLA_PART("ticket_sla_months", "7", c, t, s)
/* Clock c of row t's rows, all of them, as a SELECT (SLA_COLS). */
#define SLA_ROWS(len, c, t, s) \
	"SELECT x.column1 AS kind, " SLA_WHO("x.column1", t) " AS who, " \
	SLA_SEG("x.column1", t) " AS seg, " SLA_DAY(c, t, len) " AS day, '" \
	#c "' AS clock, x.column2 AS grp, " SLA_VAL("x.column2", t) \
	" AS val, -1 AS bucket, " s "(" SLA_MET(c, t) ") AS met, " s "(" \
	SLA_LATE(c, t) ") AS late, " s "(" SLA_IF(SLA_RUNNING(c, t)) ") AS" \
	" pending, " s "(" SLA_IF(SLA_TIMED(c, t)) ") AS n, " s "(" \
	SLA_TIME(c, t) ") AS secs, " s "(" SLA_SATN_##c(t) ") AS sat_n, " \
	s "(" SLA_SATS_##c(t) ") AS sat_sum FROM " SLA_ROLLUPS " WHERE " \
	SLA_COUNTS(c, t) " UNION ALL SELECT 'a', 0," \
	" '', " SLA_DAY(c, t, len) ", '" #c "', 'b', " t ".priority, " \
	SLA_BUCKET(SLA_SECS(c, t)) ", 0, 0, 0, " s "1, 0, 0, 0 WHERE " \
	SLA_COUNTS(c, t) " AND " SLA_TIMED(c, t)
/*
 * An update's move of clock c in table tb: the old rows taken away and
 * the new added in one statement, netted, so the rows a change leaves
 * as they were (most of them) are not written at all.
 */
#define SLA_MOVE(tb, len, c) \
	"INSERT INTO " tb " (" SLA_COLS ") SELECT kind, who, seg, day," \
	" clock, grp, val, bucket, sum(met), sum(late), sum(pending)," \
	" sum(n), sum(secs), sum(sat_n), sum(sat_sum) FROM (" \
	SLA_ROWS(len, c, "old", "-") " UNION ALL " \
	SLA_ROWS(len, c, "new", "") ") AS d WHERE 1 = 1 GROUP BY kind, who," \
	" seg, day, clock, grp, val, bucket HAVING sum(met) <> 0 OR" \
	" sum(late) <> 0 OR sum(pending) <> 0 OR sum(n) <> 0 OR sum(secs)" \
	" <> 0 OR sum(sat_n) <> 0 OR sum(sat_sum) <> 0" SLA_UPSERT(tb)
#define SLA_MOVES(c) \
	SLA_MOVE("ticket_sla_days", "10", c) \
	SLA_MOVE("ticket_sla_months", "7", c)
/* Row t's part of the backlog and of the causes. */
#define SLA_OPEN(t, s) \
	"INSERT INTO ticket_open (kind, who, seg, day, n) SELECT x.column1, " \
	SLA_WHO("x.column1", t) ", " SLA_SEG("x.column1", t) ", substr(" t \
	".created_at, 1, 10), " s "1 FROM " SLA_KINDS " WHERE " t ".status" \
	" NOT IN ('resolved', 'closed') ON CONFLICT (kind, who, seg, day)" \
	" DO UPDATE SET n = ticket_open.n + excluded.n;"
#define SLA_OPEN_ROWS(t, s) \
	"SELECT x.column1 AS kind, " SLA_WHO("x.column1", t) " AS who, " \
	SLA_SEG("x.column1", t) " AS seg, substr(" t ".created_at, 1, 10) AS" \
	" day, " s "1 AS n FROM " SLA_KINDS " WHERE " t ".status NOT IN" \
	" ('resolved', 'closed')"
#define SLA_OPEN_MOVE \
	"INSERT INTO ticket_open (kind, who, seg, day, n) SELECT kind, who," \
	" seg, day, sum(n) FROM (" SLA_OPEN_ROWS("old", "-") " UNION ALL " \
	SLA_OPEN_ROWS("new", "") ") AS d WHERE 1 = 1 GROUP BY kind, who," \
	" seg, day HAVING sum(n) <> 0 ON CONFLICT (kind, who, seg, day) DO" \
	" UPDATE SET n = ticket_open.n + excluded.n;"
#define SLA_CAUSE(t, s) \
	"INSERT INTO ticket_causes (month, product, cause, n) SELECT" \
	" substr(" t ".resolved_at, 1, 7), coalesce(" t ".product, 0)," \
	" trim(" t ".cause), " s "1 WHERE " t ".resolved_at <> '' AND" \
	" trim(" t ".cause) <> '' ON CONFLICT (month, product, cause)" \
	" DO UPDATE SET n = ticket_causes.n + excluded.n;"
/* A ticket whole: when it comes and goes. */
#define SLA_TICKET(t, s) \
	SLA_CLOCK(f, t, s) SLA_CLOCK(r, t, s) SLA_OPEN(t, s) SLA_CAUSE(t, s)

/*
 * What each part depends on: its UPDATE trigger's columns and WHEN,
 * with d the engine's "differs": " IS NOT ", " IS DISTINCT FROM ".
 */
#define SLA_DIFF(c, d)	"old." c d "new." c
#define SLA_WHOSE_DIFF(d) \
	SLA_DIFF("priority", d) " OR " SLA_DIFF("assignee", d) " OR " \
	SLA_DIFF("owner", d) " OR " SLA_DIFF("segment", d) " OR " \
	SLA_DIFF("product", d)
#define SLA_F_COLS "first_response_due, first_response_at, response_secs," \
	" priority, assignee, owner, segment, product"
#define SLA_F_WHEN(d) SLA_DIFF("first_response_due", d) " OR " \
	SLA_DIFF("first_response_at", d) " OR " SLA_DIFF("response_secs", d) \
	" OR " SLA_WHOSE_DIFF(d)
#define SLA_R_COLS "resolution_due, resolved_at, resolution_secs, status," \
	" satisfaction, priority, assignee, owner, segment, product"
#define SLA_R_WHEN(d) SLA_DIFF("resolution_due", d) " OR " \
	SLA_DIFF("resolved_at", d) " OR " SLA_DIFF("resolution_secs", d) \
	" OR " SLA_DIFF("satisfaction", d) " OR (old.status =" \
	" 'waiting_customer') <> (new.status = 'waiting_customer') OR " \
	SLA_WHOSE_DIFF(d)
#define SLA_O_COLS "status, created_at, assignee, owner, segment"
#define SLA_O_WHEN(d) "(old.status IN ('resolved', 'closed')) <>" \
	" (new.status IN ('resolved', 'closed')) OR " \
	SLA_DIFF("created_at", d) " OR " SLA_DIFF("assignee", d) " OR " \
	SLA_DIFF("owner", d) " OR " SLA_DIFF("segment", d)
#define SLA_C_COLS "resolved_at, cause, product"
#define SLA_C_WHEN(d) SLA_DIFF("resolved_at", d) " OR " \
	SLA_DIFF("cause", d) " OR " SLA_DIFF("product", d)

/* The summaries of the tickets there are (when they are made). */
#define SLA_FILL_PART(tb, len, c) \
	"INSERT INTO " tb " (" SLA_COLS ") SELECT x.column1, " \
	SLA_WHO("x.column1", "t") ", " SLA_SEG("x.column1", "t") ", " \
	SLA_DAY(c, "t", len) ", '" #c "', x.column2, " \
	SLA_VAL("x.column2", "t") ", -1, " \
	SLA_FIGURES(c, "t", "sum(", ")") " FROM tickets t, " SLA_ROLLUPS \
	" WHERE " SLA_COUNTS(c, "t") " GROUP BY 1, 2, 3, 4, 6, 7;" \
	"INSERT INTO " tb " (" SLA_COLS ") SELECT 'a', 0, '', " \
	SLA_DAY(c, "t", len) ", '" #c "', 'b', t.priority, " \
	SLA_BUCKET(SLA_SECS(c, "t")) ", 0, 0, 0, count(*), 0, 0, 0 FROM" \
	" tickets t WHERE " SLA_COUNTS(c, "t") " AND " SLA_TIMED(c, "t") \
	" GROUP BY 4, 7, 8;"
#define SLA_FILL \
	SLA_FILL_PART("ticket_sla_days", "10", f) \
	SLA_FILL_PART("ticket_sla_days", "10", r) \
	SLA_FILL_PART("ticket_sla_months", "7", f) \
	SLA_FILL_PART("ticket_sla_months", "7", r) \
	"INSERT INTO ticket_open (kind, who, seg, day, n) SELECT x.column1, " \
	SLA_WHO("x.column1", "t") ", " SLA_SEG("x.column1", "t") "," \
	" substr(t.created_at, 1, 10), count(*) FROM tickets t, " SLA_KINDS \
	" WHERE t.status NOT IN ('resolved', 'closed') GROUP BY 1, 2, 3, 4;" \
	"INSERT INTO ticket_causes (month, product, cause, n) SELECT" \
	" substr(t.resolved_at, 1, 7), coalesce(t.product, 0), trim(t.cause)," \
	" count(*) FROM tickets t WHERE t.resolved_at <> '' AND" \
	" trim(t.cause) <> '' GROUP BY 1, 2, 3;"

/*
 * kiln check: the whole desk's clocks as the tickets count them; every
 * rollup, and the months, as the whole desk's days; the backlog and
 * the causes as the tickets.
 */
#define SLA_RECOUNT(c) \
	"SELECT '" #c "' AS clock, coalesce(sum(" SLA_MET(c, "t") "), 0) AS" \
	" met, coalesce(sum(" SLA_LATE(c, "t") "), 0) AS late," \
	" coalesce(sum(" SLA_IF(SLA_RUNNING(c, "t")) "), 0) AS pending," \
	" coalesce(sum(" SLA_IF(SLA_TIMED(c, "t")) "), 0) AS n FROM tickets" \
	" t WHERE " SLA_COUNTS(c, "t")
#define SLA_TOTALS(tb) \
	"SELECT kind, grp, clock, sum(met) AS met, sum(late) AS late," \
	" sum(pending) AS pending, sum(n) AS n, sum(secs) AS secs FROM " tb \
	" GROUP BY kind, grp, clock"
#define SLA_CHECK \
	"SELECT 'ticket_sla_days, clock ' || y.clock || ': ' ||" \
	" coalesce(x.met, 0) || ' met, ' || coalesce(x.late, 0) || ' late, '" \
	" || coalesce(x.pending, 0) || ' running, ' || coalesce(x.n, 0) ||" \
	" ' timed; the tickets say ' || y.met || ', ' || y.late || ', ' ||" \
	" y.pending || ', ' || y.n FROM (" SLA_RECOUNT(f) " UNION ALL " \
	SLA_RECOUNT(r) ") y LEFT JOIN (SELECT clock, sum(met) AS met," \
	" sum(late) AS late, sum(pending) AS pending, sum(n) AS n FROM" \
	" ticket_sla_days WHERE kind = 'a' AND grp = 'p' GROUP BY clock) x" \
	" ON x.clock = y.clock WHERE coalesce(x.met, 0) <> y.met OR" \
	" coalesce(x.late, 0) <> y.late OR coalesce(x.pending, 0) <>" \
	" y.pending OR coalesce(x.n, 0) <> y.n"
#define SLA_ROLLUP_CHECK \
	"SELECT x.tb || ' ' || x.kind || '/' || x.grp || ', clock ' ||" \
	" x.clock || ': ' || x.met || ' met, ' || x.n || ' timed; the whole" \
	" desk''s days ' || y.met || ', ' || y.n FROM (SELECT" \
	" 'ticket_sla_days' AS tb, d.* FROM (" SLA_TOTALS("ticket_sla_days") \
	") d UNION ALL SELECT 'ticket_sla_months', m.* FROM (" \
	SLA_TOTALS("ticket_sla_months") ") m) x JOIN (SELECT clock," \
	" sum(met) AS met, sum(late) AS late, sum(pending) AS pending," \
	" sum(n) AS n, sum(secs) AS secs FROM ticket_sla_days WHERE" \
	" kind = 'a' AND grp = 'p' GROUP BY clock) y ON y.clock = x.clock" \
	" WHERE x.n <> y.n OR (x.grp <> 'b' AND (x.met <> y.met OR" \
	" x.late <> y.late OR x.pending <> y.pending OR x.secs <> y.secs))"
#define SLA_OPEN_CHECK \
	"SELECT 'ticket_open of kind ' || k.column1 || ': ' ||" \
	" coalesce(x.n, 0) || ' open, the tickets say ' || y.n FROM " \
	SLA_KINDS_K " LEFT JOIN (SELECT kind, sum(n) AS n FROM ticket_open" \
	" GROUP BY kind) x ON x.kind = k.column1, (SELECT count(*) AS n FROM" \
	" tickets WHERE status NOT IN ('resolved', 'closed')) y WHERE" \
	" coalesce(x.n, 0) <> y.n UNION ALL SELECT 'ticket_causes: ' ||" \
	" x.n || ' resolved with a cause, the tickets say ' || y.n FROM" \
	" (SELECT coalesce(sum(n), 0) AS n FROM ticket_causes) x, (SELECT" \
	" count(*) AS n FROM tickets WHERE resolved_at <> '' AND" \
	" trim(cause) <> '') y WHERE x.n <> y.n"
#define SLA_KINDS_K "(VALUES ('a'), ('e'), ('o'), ('s')) AS k"

/* Migration 3 on SQLite: the tables, their triggers, what is there. */
#define SLA_MIGRATION_SQLITE \
	SLA_SCHEMA(" WITHOUT ROWID") \
	"CREATE TRIGGER tickets_sla_ai AFTER INSERT ON tickets BEGIN " \
	SLA_TICKET("new", "") " END;" \
	"CREATE TRIGGER tickets_sla_f_au AFTER UPDATE OF " SLA_F_COLS \
	" ON tickets WHEN " SLA_F_WHEN(" IS NOT ") " BEGIN " SLA_MOVES(f) \
	" END;" \
	"CREATE TRIGGER tickets_sla_r_au AFTER UPDATE OF " SLA_R_COLS \
	" ON tickets WHEN " SLA_R_WHEN(" IS NOT ") " BEGIN " SLA_MOVES(r) \
	" END;" \
	"CREATE TRIGGER tickets_open_au AFTER UPDATE OF " SLA_O_COLS \
	" ON tickets WHEN " SLA_O_WHEN(" IS NOT ") " BEGIN " SLA_OPEN_MOVE \
	" END;" \
	"CREATE TRIGGER tickets_causes_au AFTER UPDATE OF " SLA_C_COLS \
	" ON tickets WHEN " SLA_C_WHEN(" IS NOT ") " BEGIN " \
	SLA_CAUSE("old", "-") SLA_CAUSE("new", "") " END;" \
	"CREATE TRIGGER tickets_sla_ad AFTER DELETE ON tickets BEGIN " \
	SLA_TICKET("old", "-") " END;" \
	SLA_FILL
/* The same on PostgreSQL: triggers of the same names and columns. */
#define SLA_PG_TRIGGER(name, event, when, body) \
	"CREATE FUNCTION " name "_fn() RETURNS trigger LANGUAGE plpgsql AS" \
	" $$ BEGIN " body " RETURN NULL; END $$;" \
	"CREATE TRIGGER " name " AFTER " event " ON tickets FOR EACH ROW" \
	when " EXECUTE FUNCTION " name "_fn();"
#define SLA_MIGRATION_PG \
	SLA_SCHEMA("") \
	"CREATE FUNCTION tickets_sla_fn() RETURNS trigger LANGUAGE plpgsql" \
	" AS $$ BEGIN IF TG_OP = 'INSERT' THEN " SLA_TICKET("new", "") \
	" ELSE " SLA_TICKET("old", "-") " END IF; RETURN NULL; END $$;" \
	"CREATE TRIGGER tickets_sla_ai AFTER INSERT ON tickets FOR EACH ROW" \
	" EXECUTE FUNCTION tickets_sla_fn();" \
	"CREATE TRIGGER tickets_sla_ad AFTER DELETE ON tickets FOR EACH ROW" \
	" EXECUTE FUNCTION tickets_sla_fn();" \
	SLA_PG_TRIGGER("tickets_sla_f_au", "UPDATE OF " SLA_F_COLS, \
	    " WHEN (" SLA_F_WHEN(" IS DISTINCT FROM ") ")", SLA_MOVES(f)) \
	SLA_PG_TRIGGER("tickets_sla_r_au", "UPDATE OF " SLA_R_COLS, \
	    " WHEN (" SLA_R_WHEN(" IS DISTINCT FROM ") ")", SLA_MOVES(r)) \
	SLA_PG_TRIGGER("tickets_open_au", "UPDATE OF " SLA_O_COLS, \
	    " WHEN (" SLA_O_WHEN(" IS DISTINCT FROM ") ")", SLA_OPEN_MOVE) \
	SLA_PG_TRIGGER("tickets_causes_au", "UPDATE OF " SLA_C_COLS, \
	    " WHEN (" SLA_C_WHEN(" IS DISTINCT FROM ") ")", \
	    SLA_CAUSE("old", "-") SLA_CAUSE("new", "")) \
	SLA_FILL

/* ---- end of the SLA report's summaries ---- */

/* reports.c: what SLA figures are about; empty or 0 is any. */
#define SERVICE_NBANDS	5	/* the backlog's ages: service_bands[] */
struct service_sel {
	char		 from[16], to[16];	/* days, both ends in */
	const char	*team, *segment;	/* the engineers' team */
	long long	 owner;			/* the engineer */
	int		 scope;			/* service_scope() */
};
/* Per clock (0 the first response, 1 the resolution). */
struct service_clocks {
	long long	 met[2];
	long long	 late[2];	/* missed: answered late, or open */
	long long	 overdue[2];	/* missed and still open */
};
extern const char *const service_bands[SERVICE_NBANDS];
int		 service_report_sla(struct kiln_req *,
		    const struct kiln_services *);
int		 service_scope(struct kiln_req *, const struct kiln_services *);
int		 service_sel_whole(const struct service_sel *);
int		 service_sla_totals(struct kiln_req *,
		    const struct kiln_services *, const struct service_sel *,
		    struct service_clocks *, long long [SERVICE_NBANDS]);
void		 service_backlog_chart(struct kiln_req *,
		    const struct kiln_services *,
		    const long long [SERVICE_NBANDS]);

/* panels.c */
extern const struct kiln_panel service_panels[];

#endif
