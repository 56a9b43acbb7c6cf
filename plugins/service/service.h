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

/* escalate.c */
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
void		 service_sender(struct kiln_req *,
		    const struct kiln_services *, const char *, long long *,
		    long long *);
int		 service_file(struct kiln_req *, const struct kiln_services *,
		    long long, long long, const char *, const char *,
		    const char *, long long *);

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

#endif
