/*
 * service.c - tickets: a customer's request after delivery, from the
 * phone, e-mail, the web or a visit, worked by the service desk.
 *
 * A ticket is the customer's, so its customer's salesperson reads it
 * (the owner field, kept by the database from the customer) and so
 * does the engineer working it (the assignee: KILN_F_ALSO_OWNER), each
 * with their team's manager; the service desk works every ticket.  Its
 * status moves by actions only (workflow.c); its deadlines come from
 * the SLA rules and are kept in business time (sla.c).  The database
 * holds what every door must meet: the order of statuses, an assignee
 * once taken, a resolution report to resolve, contact and order of the
 * ticket's own customer.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "service.h"

/* SQLite's words in the shared schema text (service.h). */
#define SERVICE_ID	"INTEGER PRIMARY KEY AUTOINCREMENT"
#define SERVICE_INT	"INTEGER"

const char *const service_statuses[] = {
	"new", "assigned", "in_progress", "waiting_customer", "resolved",
	"closed", NULL
};
const char *const service_priorities[] = {
	"low", "normal", "high", "urgent", NULL
};
static const char *const types[] = {
	"question", "complaint", "repair", "installation", "return", NULL
};
static const char *const channels[] = {
	"phone", "email", "web", "visit", NULL
};
static const char *const modes[] = { "queue", "assigned", NULL };

/* Who works tickets: they alone assign them and set the mode. */
const char *const service_workers[] = {
	"admin", "manager", "service", NULL
};

static const struct kiln_field ticket_fields[] = {
	{ .name = "subject", .type = KILN_TEXT, .label = "Subject", .min = 1,
	  .max = 200, .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_SEARCH |
	  KILN_F_SORT },
	{ .name = "customer", .type = KILN_REF, .ref = "customer",
	  .label = "Customer", .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_FILTER | KILN_F_SEARCH },
	{ .name = "contact", .type = KILN_REF, .ref = "contact",
	  .label = "Contact" },
	{ .name = "product", .type = KILN_REF, .ref = "product",
	  .label = "Product", .flags = KILN_F_FILTER },
	{ .name = "order", .type = KILN_REF, .ref = "order",
	  .label = "Order", .flags = KILN_F_FILTER },
	{ .name = "description", .type = KILN_TEXT, .label = "Description",
	  .max = 10000, .flags = KILN_F_LONG },
	{ .name = "type", .type = KILN_ENUM, .options = types,
	  .label = "Type", .def = "question", .flags = KILN_F_LIST |
	  KILN_F_FILTER | KILN_F_SORT },
	{ .name = "priority", .type = KILN_ENUM, .options = service_priorities,
	  .label = "Priority", .def = "normal", .flags = KILN_F_LIST |
	  KILN_F_FILTER },
	{ .name = "channel", .type = KILN_ENUM, .options = channels,
	  .label = "Channel", .def = "phone", .flags = KILN_F_FILTER },
	/* Empty: as the customer says (its engineer: assigned). */
	{ .name = "mode", .type = KILN_ENUM, .options = modes,
	  .label = "Mode", .flags = KILN_F_FILTER, .roles = service_workers },
	{ .name = "assignee", .type = KILN_REF, .ref = "user",
	  .label = "Engineer", .flags = KILN_F_LIST | KILN_F_FILTER |
	  KILN_F_ALSO_OWNER, .roles = service_workers },
	{ .name = "status", .type = KILN_ENUM, .options = service_statuses,
	  .label = "Status", .def = "new", .flags = KILN_F_LIST |
	  KILN_F_FILTER | KILN_F_SORT | KILN_F_COMPUTED },
	{ .name = "first_response_due", .type = KILN_DATETIME,
	  .label = "First response due", .flags = KILN_F_SORT |
	  KILN_F_COMPUTED },
	{ .name = "resolution_due", .type = KILN_DATETIME,
	  .label = "Resolution due", .flags = KILN_F_LIST | KILN_F_SORT |
	  KILN_F_COMPUTED },
	{ .name = "first_response_at", .type = KILN_DATETIME,
	  .label = "First response", .flags = KILN_F_COMPUTED },
	{ .name = "resolved_at", .type = KILN_DATETIME, .label = "Resolved",
	  .flags = KILN_F_SORT | KILN_F_COMPUTED },
	{ .name = "closed_at", .type = KILN_DATETIME, .label = "Closed",
	  .flags = KILN_F_COMPUTED },
	{ .name = "breached", .type = KILN_BOOL, .label = "SLA breached",
	  .def = "0", .flags = KILN_F_LIST | KILN_F_FILTER |
	  KILN_F_COMPUTED },
	/* How many times the escalation rules acted on it. */
	{ .name = "escalated", .type = KILN_INT, .label = "Escalations",
	  .def = "0", .min = 0, .max = 1000, .flags = KILN_F_FILTER |
	  KILN_F_COMPUTED },
	/* The customer's answer to the satisfaction request (feedback.c). */
	{ .name = "satisfaction", .type = KILN_INT, .label = "Satisfaction",
	  .min = 1, .max = 5, .flags = KILN_F_FILTER | KILN_F_COMPUTED },
	{ .name = "feedback", .type = KILN_TEXT, .label = "Customer's comment",
	  .max = 2000, .flags = KILN_F_LONG | KILN_F_COMPUTED },
	/* The resolution report (POST /tickets/ID/resolve). */
	{ .name = "cause", .type = KILN_TEXT, .label = "Cause", .max = 500,
	  .flags = KILN_F_NOFORM | KILN_F_SEARCH },
	{ .name = "action_taken", .type = KILN_TEXT, .label = "Action taken",
	  .max = 5000, .flags = KILN_F_NOFORM | KILN_F_LONG },
	{ .name = "parts_used", .type = KILN_TEXT, .label = "Parts used",
	  .max = 1000, .flags = KILN_F_NOFORM },
	{ .name = "time_spent", .type = KILN_INT, .label = "Minutes spent",
	  .def = "0", .min = 0, .max = 100000, .flags = KILN_F_NOFORM },
	/* The customer's salesperson, kept by the database. */
	{ .name = "owner", .type = KILN_REF, .ref = "user",
	  .label = "Salesperson", .flags = KILN_F_FILTER | KILN_F_OWNER |
	  KILN_F_COMPUTED },
};

/*
 * The desk works every ticket; a salesperson files and reads those of
 * their customers, a manager their team's (customers or engineers);
 * the back office reads them (returns are theirs to handle).
 */
static const struct kiln_access ticket_access[] = {
	{ "admin", KILN_ALL, KILN_ALL },
	{ "service", KILN_ALL, KILN_ALL },
	{ "manager", KILN_TEAM, KILN_TEAM },
	{ "sales", KILN_OWN, KILN_OWN },
	{ "office", KILN_ALL, KILN_NONE },
	{ NULL, KILN_NONE, KILN_NONE }
};

static const struct kiln_child no_children[] = { { NULL, NULL } };

static const struct kiln_entity ticket = {
	.name = "ticket",
	.plural = "tickets",
	.label = "Ticket",
	.label_plural = "Tickets",
	.fields = ticket_fields,
	.nfields = sizeof(ticket_fields) / sizeof(ticket_fields[0]),
	.title = "subject",
	.sort = "created_at",
	.children = no_children,
	.access = ticket_access,
	.created = service_created,
	.changed = service_changed,
	.page = service_page,
	.xml = service_xml,
};

static const struct kiln_entity *const entities[] = { &ticket, NULL };

/* The ticket's refusals, on insert and on update. */
#define TICKET_CHECKS \
	" SELECT RAISE(ABORT, " TICKET_NO_ASSIGNEE ") WHERE new.status <>" \
	" 'new' AND new.assignee IS NULL;" \
	" SELECT RAISE(ABORT, " TICKET_NO_REPORT ") WHERE new.status IN" \
	" ('resolved', 'closed') AND (new.cause = '' OR" \
	" new.action_taken = '');" \
	" SELECT RAISE(ABORT, " TICKET_CONTACT ") WHERE new.contact IS NOT" \
	" NULL AND new.customer IS NOT (SELECT customer FROM contacts" \
	" WHERE id = new.contact);" \
	" SELECT RAISE(ABORT, " TICKET_ORDER ") WHERE new.\"order\" IS NOT" \
	" NULL AND new.customer IS NOT (SELECT customer FROM orders" \
	" WHERE id = new.\"order\");"
/* Whose the ticket is: the customer's salesperson and segment. */
#define TICKET_FILL \
	" UPDATE tickets SET owner = (SELECT owner FROM customers WHERE" \
	" id = new.customer), segment = coalesce((SELECT segment FROM" \
	" customers WHERE id = new.customer), '') WHERE id = new.id;"

static const struct kiln_migration migrations[] = {
	{ 1,
	TICKETS_SCHEMA
	"CREATE TRIGGER tickets_check_bi BEFORE INSERT ON tickets BEGIN"
	" SELECT RAISE(ABORT, " TICKET_BORN ") WHERE new.status NOT IN"
	" ('new', 'assigned');" TICKET_CHECKS " END;"
	"CREATE TRIGGER tickets_check_bu BEFORE UPDATE ON tickets BEGIN"
	" SELECT RAISE(ABORT, " TICKET_BAD_MOVE ") WHERE new.status <>"
	" old.status AND old.status || '>' || new.status NOT IN "
	TICKET_MOVES ";" TICKET_CHECKS " END;"
	/* The thread token: not a secret, a name for the mail's subject. */
	"CREATE TRIGGER tickets_fill_ai AFTER INSERT ON tickets BEGIN"
	TICKET_FILL
	" UPDATE tickets SET token = lower(hex(randomblob(4))) WHERE"
	" id = new.id; END;"
	"CREATE TRIGGER tickets_fill_au AFTER UPDATE OF customer ON tickets"
	" WHEN new.customer IS NOT old.customer BEGIN" TICKET_FILL " END;"
	/* A customer handed over: its tickets go to the new salesperson. */
	"CREATE TRIGGER customers_tickets_owner AFTER UPDATE OF owner ON"
	" customers WHEN new.owner IS NOT old.owner BEGIN"
	" UPDATE tickets SET owner = new.owner WHERE customer = new.id; END;"
	},
	{ 2,
	FEEDBACK_SCHEMA
	},
	{ 3,
	SLA_MIGRATION_SQLITE
	},
	{ 4,
	REQUESTS_SCHEMA
	},
	{ 5,
	RUNNING_SCHEMA
	},
	{ 0, NULL }
};

static const struct kiln_route routes[] = {
	{ "GET", "/tickets/queue", service_queue, "Queue", service_workers,
	  0 },
	{ "GET", "/tickets/escalated", service_escalated, "Escalated",
	  service_workers, 0 },
	{ "POST", "/tickets/#/take", service_take, NULL, service_workers, 0 },
	{ "POST", "/tickets/#/assign", service_assign, NULL, service_workers,
	  0 },
	{ "POST", "/tickets/#/start", service_start, NULL, service_workers,
	  0 },
	{ "POST", "/tickets/#/answer", service_answer, NULL, service_workers,
	  0 },
	{ "POST", "/tickets/#/wait", service_wait, NULL, service_workers, 0 },
	{ "POST", "/tickets/#/resume", service_resume, NULL, service_workers,
	  0 },
	{ "POST", "/tickets/#/resolve", service_resolve, NULL,
	  service_workers, 0 },
	{ "POST", "/tickets/#/close", service_close, NULL, service_workers,
	  0 },
	{ "GET", "/reports/sla", service_report_sla, "Service levels", NULL,
	  0 },
	/* A customer calls their salesperson: it is back. */
	{ "POST", "/tickets/#/reopen", service_reopen, NULL, NULL, 0 },
	{ "POST", "/tickets/#/sent", service_sent, NULL, service_workers, 0 },
	/* The customer's answer, by the link a closed ticket sent. */
	{ "GET", "/feedback/*", service_feedback_page, NULL, NULL,
	  KILN_R_PUBLIC },
	{ "POST", "/feedback/*", service_feedback_answer, NULL, NULL,
	  KILN_R_PUBLIC },
	/* Anyone's request, when kiln.conf's web_requests says so. */
	{ "GET", "/request", service_request_form, NULL, NULL,
	  KILN_R_PUBLIC },
	{ "POST", "/request", service_request_post, NULL, NULL,
	  KILN_R_PUBLIC },
	/* Requests from people not known yet, for the desk to file. */
	{ "GET", "/tickets/requests", service_requests, "Requests",
	  service_workers, 0 },
	{ "POST", "/tickets/requests/#/done", service_request_done, NULL,
	  service_workers, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static const char *const tables[] = {
	"ticket_events", "ticket_verdicts", "ticket_escalations",
	"ticket_feedback", "ticket_notices", "service_requests",
	"ticket_sla_days", "ticket_sla_months", "ticket_open",
	"ticket_causes", NULL
};

/* Deadlines pass with time: looked at every jobs_interval. */
static const struct kiln_job jobs[] = {
	{ "service_escalate", service_escalate_job },
	{ "service_mail", service_mail_job },
	{ NULL, NULL }
};

static const char *const requires[] = { "customer", "contact", "product",
	"order", "user", NULL };

/* A customer's tickets on its page. */
static const struct kiln_section sections[] = {
	{ .entity = "customer", .list = "ticket", .by = "customer" },
	{ NULL, NULL, NULL, NULL }
};

static const struct kiln_check checks[] = {
	{ "tickets past new have an engineer",
	  "SELECT 'ticket ' || id || ' (' || subject || ') is ' || status ||"
	  " ' without an engineer' FROM tickets WHERE status <> 'new' AND"
	  " assignee IS NULL" },
	{ "resolved tickets have their report",
	  "SELECT 'ticket ' || id || ' (' || subject || ') is ' || status ||"
	  " ' without a resolution report' FROM tickets WHERE status IN"
	  " ('resolved', 'closed') AND (cause = '' OR action_taken = '')" },
	{ "tickets belong to their customer's salesperson",
	  "SELECT 'ticket ' || t.id || ' (' || t.subject || ') is not its"
	  " customer''s salesperson''s' FROM tickets t JOIN customers c ON"
	  " c.id = t.customer WHERE t.owner IS DISTINCT FROM c.owner" },
	{ "the SLA summaries agree with the tickets", SLA_CHECK },
	{ "the SLA rollups and months agree with the days",
	  SLA_ROLLUP_CHECK },
	{ "the backlog and the causes agree with the tickets",
	  SLA_OPEN_CHECK },
	{ NULL, NULL }
};

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("service"),
	.description = "Service: tickets, SLAs and escalation",
	.entities = entities,
	.migrations = migrations,
	.routes = routes,
	.sections = sections,
	.checks = checks,
	.jobs = jobs,
	.tables = tables,
	.requires = requires,
	.pg_migrations = service_pg_migrations,
	.mail_in = service_mail_in,
	.demo = service_demo,
	.panels = service_panels,
};

/* s, kept for the rest of the request (col_text() is not). */
const char *
service_copy(struct kiln_req *r, const struct kiln_services *sv,
    const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*p = sv->alloc(r, n);

	memcpy(p, s, n);
	return p;
}

void
service_now(char buf[SERVICE_TIMESZ])
{
	time_t		 t = time(NULL);
	struct tm	 tm;

	strftime(buf, SERVICE_TIMESZ, "%Y-%m-%dT%H:%M:%SZ",
	    gmtime_r(&t, &tm));
}

/* One line of ticket id's history, by the request's user (or job). */
int
service_event(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const char *kind, const char *from, const char *to,
    const char *note)
{
	struct kiln_stmt	*st;
	char			 now[SERVICE_TIMESZ];
	int			 rc;

	service_now(now);
	if ((st = sv->sql(r, "INSERT INTO ticket_events (ticket, seq, at,"
	    " by_login, kind, from_value, to_value, note) VALUES (?1,"
	    " (SELECT coalesce(max(seq), 0) + 1 FROM ticket_events WHERE"
	    " ticket = ?1), ?2, ?3, ?4, ?5, ?6, ?7)")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, now);
	sv->bind_text(st, 3, *sv->user_login(r) ? sv->user_login(r) :
	    "system");
	sv->bind_text(st, 4, kind);
	sv->bind_text(st, 5, from);
	sv->bind_text(st, 6, to);
	sv->bind_text(st, 7, note);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

void
service_hidden(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, const char *value)
{
	sv->open(r, "input");
	sv->attr(r, "type", "hidden");
	sv->attr(r, "name", name);
	sv->attr(r, "value", value);
	sv->close(r);
}

/* <a href=path>text</a>, path under the prefix. */
void
service_link(struct kiln_req *r, const struct kiln_services *sv,
    const char *path, const char *text)
{
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, path));
	sv->text(r, text);
	sv->close(r);
}

/* Does the user work tickets (service_workers)? */
int
service_is_worker(struct kiln_req *r, const struct kiln_services *sv)
{
	const char *const	*w;
	const char		*role = sv->user_role(r);

	for (w = service_workers; *w != NULL; w++)
		if (strcmp(*w, role) == 0)
			return 1;
	return 0;
}
