/*
 * page.c - what people see of tickets besides the host's own views:
 * on a ticket's page the moves one may make now (each a button with
 * what it needs: the engineer to assign, the answer, the resolution
 * report), its service level and its history; in its XML the history
 * and the SLA rules' verdicts; and the desk's queue (GET
 * /tickets/queue): the tickets waiting to be taken, oldest due first,
 * and one's own open tickets, nearest deadline first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

/* A form posting to /tickets/ID/verb, opened: the caller closes it. */
static void
form_open(struct kiln_req *r, const struct kiln_services *sv, long long id,
    long long version, const char *verb, const char *cls)
{
	char	 path[64], ver[24];

	snprintf(path, sizeof(path), "/tickets/%lld/%s", id, verb);
	snprintf(ver, sizeof(ver), "%lld", version);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", cls);
	sv->attr(r, "action", sv->url(r, path));
	sv->csrf(r);
	service_hidden(r, sv, "version", ver);
}

static void
button(struct kiln_req *r, const struct kiln_services *sv, const char *text,
    const char *cls)
{
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	if (cls != NULL)
		sv->attr(r, "class", cls);
	sv->text(r, text);
	sv->close(r);
}

/* A move without inputs: one button. */
static void
simple(struct kiln_req *r, const struct kiln_services *sv, long long id,
    long long version, const char *verb, const char *text)
{
	form_open(r, sv, id, version, verb, "inline");
	button(r, sv, text, NULL);
	sv->close(r);
}

/* A labelled input (or textarea) inside an open form. */
static void
input(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *name, const char *label, const char *type, int required,
    const char *max)
{
	char	 fid[64];

	snprintf(fid, sizeof(fid), "t%lld-%s", id, name);
	sv->open(r, "label");
	sv->attr(r, "for", fid);
	sv->text(r, label);
	sv->close(r);
	sv->open(r, strcmp(type, "textarea") == 0 ? "textarea" : "input");
	if (strcmp(type, "textarea") != 0)
		sv->attr(r, "type", type);
	else
		sv->attr(r, "rows", "3");
	sv->attr(r, "id", fid);
	sv->attr(r, "name", name);
	if (strcmp(type, "number") == 0) {
		sv->attr(r, "min", "0");
		sv->attr(r, "max", max);
	} else
		sv->attr(r, "maxlength", max);
	if (required)
		sv->attr(r, "required", "required");
	if (strcmp(type, "textarea") == 0)
		sv->text(r, "");
	sv->close(r);
}

/* A move that asks for more, in a disclosure. */
static void
detailed_open(struct kiln_req *r, const struct kiln_services *sv,
    long long id, long long version, const char *verb, const char *summary)
{
	sv->open(r, "details");
	sv->attr(r, "class", "act");
	sv->open(r, "summary");
	sv->text(r, summary);
	sv->close(r);
	form_open(r, sv, id, version, verb, "act");
}

/* Assign: the users who work tickets, the current one chosen. */
static void
assign_form(struct kiln_req *r, const struct kiln_services *sv, long long id,
    long long version, long long current)
{
	struct kiln_stmt	*st;
	char			 fid[48];

	detailed_open(r, sv, id, version, "assign", _("Assign\u2026"));
	snprintf(fid, sizeof(fid), "t%lld-assignee", id);
	sv->open(r, "label");
	sv->attr(r, "for", fid);
	sv->text(r, _("Engineer"));
	sv->close(r);
	sv->open(r, "select");
	sv->attr(r, "id", fid);
	sv->attr(r, "name", "assignee");
	sv->attr(r, "required", "required");
	if ((st = sv->sql(r, "SELECT id, login, coalesce(nullif(name, ''),"
	    " login), id = ?1 FROM users WHERE active = 1 AND role IN"
	    " ('service', 'manager', 'admin') ORDER BY role = 'admin',"
	    " 3, id LIMIT 500")) != NULL) {
		sv->bind_int(st, 1, current);
		while (sv->step(st) == 1) {
			sv->open(r, "option");
			sv->attr(r, "value", sv->col_text(st, 0));
			if (sv->col_int(st, 3))
				sv->attr(r, "selected", "selected");
			sv->text(r, sv->col_text(st, 2));
			sv->close(r);
		}
		sv->done(st);
	}
	sv->close(r);	/* select */
	button(r, sv, _("Assign"), NULL);
	sv->close(r);	/* form */
	sv->close(r);	/* details */
}

/* The moves one may make on ticket id, as it stands. */
static void
moves(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *status, long long version, long long assignee)
{
	int	 worker = service_is_worker(r, sv);
	int	 open = strcmp(status, "resolved") != 0 &&
		    strcmp(status, "closed") != 0;

	sv->open(r, "div");
	sv->attr(r, "class", "actbar");
	if (worker && strcmp(status, "new") == 0 && assignee == 0)
		simple(r, sv, id, version, "take", _("Take"));
	if (worker && strcmp(status, "assigned") == 0)
		simple(r, sv, id, version, "start", _("Start"));
	if (worker && strcmp(status, "in_progress") == 0)
		simple(r, sv, id, version, "wait",
		    _("Wait on the customer"));
	if (worker && strcmp(status, "waiting_customer") == 0)
		simple(r, sv, id, version, "resume", _("Resume"));
	if (worker && strcmp(status, "resolved") == 0)
		simple(r, sv, id, version, "close", _("Close"));
	if (strcmp(status, "resolved") == 0 || strcmp(status, "closed") == 0)
		simple(r, sv, id, version, "reopen", _("Reopen"));
	if (worker && open && strcmp(status, "new") != 0) {
		detailed_open(r, sv, id, version, "answer", _("Answer\u2026"));
		input(r, sv, id, "text", _("Answer to the customer"),
		    "textarea", 1, "10000");
		button(r, sv, _("Send the answer"), NULL);
		sv->close(r);
		sv->close(r);
	}
	if (worker && (strcmp(status, "in_progress") == 0 ||
	    strcmp(status, "waiting_customer") == 0)) {
		detailed_open(r, sv, id, version, "resolve",
		    _("Resolve\u2026"));
		input(r, sv, id, "cause", _("Cause"), "text", 1, "500");
		input(r, sv, id, "action_taken", _("Action taken"),
		    "textarea", 1, "5000");
		input(r, sv, id, "parts_used", _("Parts used"), "text", 0,
		    "1000");
		input(r, sv, id, "time_spent", _("Minutes spent"), "number",
		    0, "100000");
		button(r, sv, _("Resolve"), NULL);
		sv->close(r);
		sv->close(r);
	}
	if (worker && open)
		assign_form(r, sv, id, version, assignee);
	sv->close(r);
}

static const char *
event_words(struct kiln_req *r, const struct kiln_services *sv,
    const char *kind)
{
	if (strcmp(kind, "status") == 0)
		return _("status");
	if (strcmp(kind, "assignee") == 0)
		return _("engineer");
	if (strcmp(kind, "priority") == 0)
		return _("priority");
	if (strcmp(kind, "deadline") == 0)
		return _("deadline");
	if (strcmp(kind, "answer") == 0)
		return _("answered");
	if (strcmp(kind, "message") == 0)
		return _("the customer wrote");
	if (strcmp(kind, "escalation") == 0)
		return _("escalated");
	return kind;
}

/* The history: as <history><event .../></history>, or a timeline. */
static void
history(struct kiln_req *r, const struct kiln_services *sv, long long id,
    int xml)
{
	struct kiln_stmt	*st;
	const char		*kind, *from, *to;
	int			 any = 0;

	if ((st = sv->sql(r, "SELECT at, by_login, kind, from_value,"
	    " to_value, note FROM ticket_events WHERE ticket = ?1 ORDER BY"
	    " seq")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	if (xml)
		sv->open(r, "history");
	while (sv->step(st) == 1) {
		kind = sv->col_text(st, 2);
		if (xml) {
			sv->open(r, "event");
			sv->attr(r, "at", sv->col_text(st, 0));
			sv->attr(r, "by", sv->col_text(st, 1));
			sv->attr(r, "kind", kind);
			if (*sv->col_text(st, 3) != '\0')
				sv->attr(r, "from", sv->col_text(st, 3));
			if (*sv->col_text(st, 4) != '\0')
				sv->attr(r, "to", sv->col_text(st, 4));
			sv->text(r, sv->col_text(st, 5));
			sv->close(r);
			continue;
		}
		if (!any++) {
			sv->open(r, "section");
			sv->attr(r, "class", "timeline");
			sv->open(r, "h2");
			sv->text(r, _("History"));
			sv->close(r);
			sv->open(r, "ol");
		}
		sv->open(r, "li");
		sv->attr(r, "class", kind);
		sv->open(r, "time");
		sv->attr(r, "datetime", sv->col_text(st, 0));
		sv->text(r, sv->show_time(r, sv->col_text(st, 0)));
		sv->close(r);
		sv->text(r, " ");
		sv->text(r, sv->col_text(st, 1));
		sv->text(r, " \u2014 ");
		sv->text(r, event_words(r, sv, kind));
		from = sv->col_text(st, 3);
		to = sv->col_text(st, 4);
		if (strcmp(kind, "deadline") == 0) {
			from = sv->show_time(r, from);
			to = sv->show_time(r, to);
		} else if (strcmp(kind, "assignee") != 0) {
			from = sv->show_enum(r, from);
			to = sv->show_enum(r, to);
		}
		if (*from != '\0' || *to != '\0') {
			sv->text(r, ": ");
			sv->text(r, from);
			if (*from != '\0')
				sv->text(r, " \u2192 ");
			sv->open(r, "b");
			sv->text(r, to);
			sv->close(r);
		}
		if (*sv->col_text(st, 5) != '\0') {
			sv->open(r, strcmp(kind, "answer") == 0 ||
			    strcmp(kind, "message") == 0 ? "blockquote" :
			    "span");
			sv->text(r, sv->col_text(st, 5));
			sv->close(r);
		}
		sv->close(r);
	}
	sv->done(st);
	if (xml || any) {
		if (!xml)
			sv->close(r);	/* ol */
		sv->close(r);
	}
}

/* The ticket's page: the moves, the service level, the history. */
void
service_page(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	const char		*status = NULL;
	long long		 version = 0, assignee = 0;

	if ((st = sv->sql(r, "SELECT status, version, assignee FROM tickets"
	    " WHERE id = ?1")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		status = service_copy(r, sv, sv->col_text(st, 0));
		version = sv->col_int(st, 1);
		assignee = sv->col_int(st, 2);
	}
	sv->done(st);
	if (status == NULL)
		return;
	if (sv->access(r, "ticket", id) == 1)
		moves(r, sv, id, status, version, assignee);
	service_sla_page(r, sv, id);
	service_notices_page(r, sv, id);
	history(r, sv, id, 0);
}

void
service_xml(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	history(r, sv, id, 1);
	service_sla_xml(r, sv, id);
}

/*
 * One table of tickets from st (id, subject, customer name, priority,
 * status, due, version), with a Take button on each when take; in XML
 * a list element named list.  The number of rows.
 */
int
service_rows(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_stmt *st, int take, int xml, const char *list)
{
	static const char *const cols[] = {
		N_("Subject"), N_("Customer"), N_("Priority"), N_("Status"),
		N_("Due"), NULL
	};
	const char *const	*c;
	char			 path[48];
	long long		 id;
	int			 n = 0;

	if (xml)
		sv->open(r, list);
	while (sv->step(st) == 1) {
		id = sv->col_int(st, 0);
		snprintf(path, sizeof(path), "/tickets/%lld", id);
		if (xml) {
			sv->open(r, "ticket");
			sv->attr(r, "id", sv->col_text(st, 0));
			sv->attr(r, "href", sv->url(r, path));
			sv->attr(r, "priority", sv->col_text(st, 3));
			sv->attr(r, "status", sv->col_text(st, 4));
			sv->attr(r, "due", sv->col_text(st, 5));
			sv->text(r, sv->col_text(st, 1));
			sv->close(r);
			n++;
			continue;
		}
		if (n++ == 0) {
			sv->open(r, "table");
			sv->attr(r, "class", "list");
			sv->open(r, "thead");
			sv->open(r, "tr");
			for (c = cols; *c != NULL; c++) {
				sv->open(r, "th");
				sv->attr(r, "scope", "col");
				sv->text(r, _(*c));
				sv->close(r);
			}
			sv->open(r, "th");
			sv->attr(r, "scope", "col");
			sv->close(r);
			sv->close(r);
			sv->close(r);
			sv->open(r, "tbody");
		}
		sv->open(r, "tr");
		sv->attr(r, "class", sv->col_text(st, 3));
		sv->open(r, "td");
		service_link(r, sv, path, sv->col_text(st, 1));
		sv->close(r);
		sv->open(r, "td");
		sv->text(r, sv->col_text(st, 2));
		sv->close(r);
		sv->open(r, "td");
		sv->text(r, sv->show_enum(r, sv->col_text(st, 3)));
		sv->close(r);
		sv->open(r, "td");
		sv->text(r, sv->show_enum(r, sv->col_text(st, 4)));
		sv->close(r);
		sv->open(r, "td");
		if (*sv->col_text(st, 5) != '\0') {
			sv->open(r, "time");
			sv->attr(r, "datetime", sv->col_text(st, 5));
			sv->text(r, sv->show_time(r, sv->col_text(st, 5)));
			sv->close(r);
		}
		sv->close(r);
		sv->open(r, "td");
		if (take) {
			form_open(r, sv, id, sv->col_int(st, 6), "take",
			    "inline");
			button(r, sv, _("Take"), NULL);
			sv->close(r);
		}
		sv->close(r);
		sv->close(r);	/* tr */
	}
	if (xml)
		sv->close(r);
	else if (n > 0) {
		sv->close(r);	/* tbody */
		sv->close(r);	/* table */
	}
	return n;
}

/*
 * GET /tickets/queue: the queue, oldest due first (a ticket without a
 * deadline last), and the user's own open tickets.
 */
int
service_queue(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 n;
	char			 line[128];
	int			 xml = sv->wants_xml(r);

	if (sv->begin(r, 200, xml ? "queue" : NULL, _("Queue")) != 0)
		return -1;
	if (!xml) {
		sv->open(r, "h1");
		sv->text(r, _("Queue"));
		sv->close(r);
		if ((n = service_requests_open(r, sv)) > 0) {
			snprintf(line, sizeof(line), _("%lld requests from"
			    " people not known yet"), n);
			sv->open(r, "p");
			service_link(r, sv, "/tickets/requests", line);
			sv->close(r);
		}
	}
	/*
	 * Dated and undated apart, each in the order of tickets_queue: one
	 * ORDER BY "due = ''" first would sort every waiting ticket.
	 */
	st = sv->sql(r, "SELECT * FROM (SELECT t.id, t.subject, c.name,"
	    " t.priority, t.status, t.first_response_due AS due, t.version,"
	    " 0 AS k FROM tickets t JOIN customers c ON c.id = t.customer"
	    " WHERE t.status = 'new' AND t.assignee IS NULL AND"
	    " t.first_response_due > '' AND kiln_readable('ticket', t.id)"
	    " ORDER BY t.first_response_due, t.id LIMIT 200) d UNION ALL"
	    " SELECT * FROM (SELECT t.id, t.subject, c.name, t.priority,"
	    " t.status, t.first_response_due, t.version, 1 FROM tickets t"
	    " JOIN customers c ON c.id = t.customer WHERE t.status = 'new'"
	    " AND t.assignee IS NULL AND t.first_response_due = '' AND"
	    " kiln_readable('ticket', t.id) ORDER BY t.first_response_due,"
	    " t.id LIMIT 200) u ORDER BY k, due, id LIMIT 200");
	if (st != NULL) {
		if (service_rows(r, sv, st, 1, xml, "waiting") == 0 && !xml) {
			sv->open(r, "p");
			sv->text(r, _("Nobody is waiting: the queue is"
			    " empty."));
			sv->close(r);
		}
		sv->done(st);
	}
	if (!xml) {
		sv->open(r, "h2");
		sv->text(r, _("My tickets"));
		sv->close(r);
	}
	/* The nearer of the deadlines still running. */
	st = sv->sql(r, "SELECT * FROM (SELECT t.id, t.subject, c.name,"
	    " t.priority, t.status, CASE WHEN t.first_response_at = '' AND"
	    " t.first_response_due <> '' THEN t.first_response_due WHEN"
	    " t.status = 'waiting_customer' THEN '' ELSE t.resolution_due"
	    " END AS due, t.version FROM tickets t JOIN customers c ON c.id ="
	    " t.customer WHERE t.assignee = ?1 AND t.status NOT IN"
	    " ('resolved', 'closed')) m ORDER BY due = '', due, id LIMIT 200");
	if (st != NULL) {
		sv->bind_int(st, 1, sv->user_id(r));
		if (service_rows(r, sv, st, 0, xml, "mine") == 0 && !xml) {
			sv->open(r, "p");
			sv->text(r, _("No open tickets of yours."));
			sv->close(r);
		}
		sv->done(st);
	}
	return sv->end(r);
}
