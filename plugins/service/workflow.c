/*
 * workflow.c - a ticket through its statuses: new (in the queue), or
 * assigned to an engineer; in progress, and waiting on the customer
 * while the resolution clock pauses; resolved with a report; closed.
 * A resolved or closed ticket reopens within reopen_days (kiln.conf).
 *
 * Each move is an action (POST /tickets/ID/take, assign, start, wait,
 * resume, resolve, close, reopen, answer) offered as buttons on the
 * ticket's page; what follows from a move (its history line, the pause
 * accounting, resolved_at) is kept by the entity's changed() hook, so
 * every door that changes a ticket (an action, another plugin's
 * update(), the escalation job) writes it.  The database refuses a move
 * the workflow does not allow, whoever asks.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service.h"

#define NOTE_MAX	500
#define ANSWER_MAX	10000

/* A field of a before/after pair as text ("" when NULL). */
static const char *
kv_text(struct kiln_req *r, const struct kiln_services *sv,
    const struct kiln_kv *kv, size_t n, const char *key)
{
	char	*s;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(kv[i].key, key) != 0)
			continue;
		switch (kv[i].type) {
		case KILN_KV_STR:
			return kv[i].s;
		case KILN_KV_INT:
		case KILN_KV_BOOL:
			s = sv->alloc(r, 24);
			snprintf(s, 24, "%lld", kv[i].i);
			return s;
		default:
			return "";
		}
	}
	return "";
}

static int
one_of(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* A user's login by id ("" for none). */
static const char *
login_of(struct kiln_req *r, const struct kiln_services *sv, const char *id)
{
	struct kiln_stmt	*st;
	const char		*login = "";

	if (*id == '\0' || (st = sv->sql(r, "SELECT login FROM users WHERE"
	    " id = ?1")) == NULL)
		return "";
	sv->bind_int(st, 1, strtoll(id, NULL, 10));
	if (sv->step(st) == 1)
		login = service_copy(r, sv, sv->col_text(st, 0));
	sv->done(st);
	return login;
}

/* Run one statement on ticket id: ?1 the id, ?2 and ?3 texts. */
static int
exec_on(struct kiln_req *r, const struct kiln_services *sv, const char *sql,
    long long id, const char *a, const char *b)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, sql)) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if (a != NULL)
		sv->bind_text(st, 2, a);
	if (b != NULL)
		sv->bind_text(st, 3, b);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/* Tell the customer what was found and done. */
static int
resolution_notice(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	char			*text = NULL;
	size_t			 n;

	if ((st = sv->sql(r, "SELECT cause, action_taken FROM tickets WHERE"
	    " id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		n = strlen(sv->col_text(st, 0)) + strlen(sv->col_text(st, 1)) +
		    256;
		text = sv->alloc(r, n);
		snprintf(text, n, _("Your request is resolved.\n\nCause: %s\n"
		    "What we did: %s\n\nIf it is not, reply to this"
		    " message."), sv->col_text(st, 0), sv->col_text(st, 1));
	}
	sv->done(st);
	return text == NULL ? 0 : service_notice(r, sv, id, "resolution",
	    _("resolved"), text);
}

/*
 * The clocks after a move from `from` to `to`, at now: waiting pauses
 * the resolution clock and resuming adds the business time waited to
 * it; resolving records when and how long it took in business time
 * (less the pauses); reopening counts the time it stood resolved as a
 * pause, since the customer had a solution meanwhile.
 */
static int
clocks(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *from, const char *to)
{
	struct kiln_stmt	*st;
	char			 now[SERVICE_TIMESZ];
	const char		*since = "", *created = "", *resolved = "";
	long long		 paused = 0, took;
	int			 again = 0;

	service_now(now);
	if ((st = sv->sql(r, "SELECT waiting_since, created_at, resolved_at,"
	    " paused FROM tickets WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		since = service_copy(r, sv, sv->col_text(st, 0));
		created = service_copy(r, sv, sv->col_text(st, 1));
		resolved = service_copy(r, sv, sv->col_text(st, 2));
		paused = sv->col_int(st, 3);
	}
	sv->done(st);
	if (strcmp(from, "waiting_customer") == 0 && *since != '\0') {
		paused += sv->work_between(r, since, now) > 0 ?
		    sv->work_between(r, since, now) : 0;
		again = 1;
	}
	if ((strcmp(from, "resolved") == 0 || strcmp(from, "closed") == 0) &&
	    strcmp(to, "in_progress") == 0 && *resolved != '\0') {
		paused += sv->work_between(r, resolved, now) > 0 ?
		    sv->work_between(r, resolved, now) : 0;
		if (exec_on(r, sv, "UPDATE tickets SET resolved_at = '',"
		    " closed_at = '', resolution_secs = NULL WHERE id = ?1",
		    id, NULL, NULL) != 0)
			return -1;
		/* Reopened: a satisfaction link not yet used rates nothing. */
		if (exec_on(r, sv, "UPDATE ticket_feedback SET expires_at = ?2"
		    " WHERE ticket = ?1 AND used_at = '' AND expires_at > ?2",
		    id, now, NULL) != 0)
			return -1;
		again = 1;
	}
	if ((st = sv->sql(r, "UPDATE tickets SET paused = ?2, waiting_since ="
	    " ?3 WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_int(st, 2, paused);
	sv->bind_text(st, 3, strcmp(to, "waiting_customer") == 0 ? now : "");
	if (sv->step(st) != 0) {
		sv->done(st);
		return -1;
	}
	sv->done(st);
	if (strcmp(to, "resolved") == 0) {
		took = sv->work_between(r, created, now) - paused;
		if ((st = sv->sql(r, "UPDATE tickets SET resolved_at = ?2,"
		    " resolution_secs = ?3 WHERE id = ?1")) == NULL)
			return -1;
		sv->bind_int(st, 1, id);
		sv->bind_text(st, 2, now);
		sv->bind_int(st, 3, took > 0 ? took : 0);
		if (sv->step(st) != 0) {
			sv->done(st);
			return -1;
		}
		sv->done(st);
	}
	if (strcmp(to, "resolved") == 0 && resolution_notice(r, sv, id) != 0)
		return -1;
	if (strcmp(to, "closed") == 0 && (exec_on(r, sv, "UPDATE tickets SET"
	    " closed_at = ?2 WHERE id = ?1", id, now, NULL) != 0 ||
	    service_feedback_request(r, sv, id) != 0))
		return -1;
	return again ? service_deadlines(r, sv, id) : 0;
}

/*
 * Every change of a ticket, by any door: its history, its clocks, and
 * the SLA asked again when what it depends on changed.
 */
int
service_changed(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const struct kiln_kv *before, const struct kiln_kv *after,
    size_t n)
{
	static const char *const sla_facts[] = {
		"priority", "type", "product", "customer", NULL
	};
	const char *const	*f;
	const char		*from, *to, *note = sv->param(r, "note");
	int			 sla = 0;

	if (note == NULL)
		note = "";
	from = kv_text(r, sv, before, n, "status");
	to = kv_text(r, sv, after, n, "status");
	if (strcmp(from, to) != 0 && (service_event(r, sv, id, "status",
	    from, to, note) != 0 || clocks(r, sv, id, from, to) != 0))
		return -1;
	from = kv_text(r, sv, before, n, "assignee");
	to = kv_text(r, sv, after, n, "assignee");
	if (strcmp(from, to) != 0 && service_event(r, sv, id, "assignee",
	    login_of(r, sv, from), login_of(r, sv, to), "") != 0)
		return -1;
	for (f = sla_facts; *f != NULL; f++) {
		from = kv_text(r, sv, before, n, *f);
		to = kv_text(r, sv, after, n, *f);
		if (strcmp(from, to) == 0)
			continue;
		if (strcmp(*f, "priority") == 0 && service_event(r, sv, id,
		    "priority", from, to, "") != 0)
			return -1;
		sla = 1;
	}
	return sla ? service_sla(r, sv, id) : 0;
}

/*
 * A new ticket: the customer's salesperson may file one for their own
 * customers only; mode and engineer come from the customer unless the
 * ticket says otherwise; one with an engineer is assigned at once.
 * Then the SLA rules set its deadlines.
 */
int
service_created(struct kiln_req *r, const struct kiln_services *sv,
    long long id, char *err, size_t errsz)
{
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[3];
	long long		 customer = 0, assignee = 0, engineer = 0;
	char			 mode[16] = "", channel[16] = "", e[256];
	size_t			 n = 0;

	if ((st = sv->sql(r, "SELECT t.customer, t.assignee, t.mode,"
	    " c.engineer, t.channel FROM tickets t JOIN customers c ON c.id ="
	    " t.customer WHERE t.id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		customer = sv->col_int(st, 0);
		assignee = sv->col_int(st, 1);
		snprintf(mode, sizeof(mode), "%s", sv->col_text(st, 2));
		engineer = sv->col_int(st, 3);
		snprintf(channel, sizeof(channel), "%s", sv->col_text(st, 4));
	}
	sv->done(st);
	if (customer == 0 || sv->access(r, "customer", customer) < 0) {
		snprintf(err, errsz, "customer: %s",
		    _("No such customer of yours."));
		return -1;
	}
	if (*mode == '\0') {
		snprintf(mode, sizeof(mode), "%s", engineer != 0 ? "assigned" :
		    "queue");
		kv[n++] = (struct kiln_kv)KV_S("mode", service_copy(r, sv,
		    mode));
	}
	if (assignee == 0 && strcmp(mode, "assigned") == 0 && engineer != 0) {
		assignee = engineer;
		kv[n++] = (struct kiln_kv)KV_I("assignee", engineer);
	}
	if (assignee != 0)
		kv[n++] = (struct kiln_kv)KV_S("status", "assigned");
	if (service_event(r, sv, id, "status", "", "new", "") != 0)
		return -1;
	/* Asked in writing: told in writing that it arrived. */
	if ((strcmp(channel, "email") == 0 || strcmp(channel, "web") == 0) &&
	    service_notice(r, sv, id, "acknowledgement", _("received"),
	    _("We have your request and will answer soon. Reply to this"
	    " message to add to it.")) != 0)
		return -1;
	if (n > 0 && sv->update(r, "ticket", id, kv, n, e, sizeof(e)) != 0) {
		snprintf(err, errsz, "%s", e);
		return -1;
	}
	return service_sla(r, sv, id);
}

/* The ticket's status and version now ("" when there is none). */
static void
status_of(struct kiln_req *r, const struct kiln_services *sv, long long id,
    char *status, size_t n, long long *version, long long *assignee)
{
	struct kiln_stmt	*st;

	*status = '\0';
	*version = 0;
	*assignee = 0;
	if ((st = sv->sql(r, "SELECT status, version, assignee FROM tickets"
	    " WHERE id = ?1")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		snprintf(status, n, "%s", sv->col_text(st, 0));
		*version = sv->col_int(st, 1);
		*assignee = sv->col_int(st, 2);
	}
	sv->done(st);
}

/*
 * Open the write transaction on a ticket the user may change: 0, or
 * -1 once the refusal is answered (404 out of sight, 403 read only).
 */
static int
begin_on(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	int	 acc;

	if (sv->begin_write(r) != 0) {
		sv->write_failed(r);
		return -1;
	}
	if ((acc = sv->access(r, "ticket", id)) == 1)
		return 0;
	sv->rollback(r);
	if (acc < 0)
		sv->error(r, 404, "not_found", _("No such record."));
	else
		sv->error(r, 403, "forbidden",
		    _("You may not change this record."));
	return -1;
}

/* What an action needs to know about its request. */
struct move {
	const char		*verb;		/* "take" */
	const char *const	*from;		/* the statuses it leaves */
	const char		*to;		/* NULL: the status stays */
	const char		*done;		/* ?done= on the page */
	/* Why not, besides the status (in the transaction), or NULL. */
	const char		*(*refuse)(struct kiln_req *,
				    const struct kiln_services *, long long);
};

/* The version sent (0: none), or -1 once answered. */
static long long
version_sent(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*ver = sv->param(r, "version");
	char		*end;
	long long	 v;

	if (ver == NULL || *ver == '\0')
		return 0;
	v = strtoll(ver, &end, 10);
	if (*end != '\0' || v < 1) {
		sv->error(r, 400, "bad_request",
		    _("version must be a positive number"));
		return -1;
	}
	return v;
}

/*
 * The common part of every action: the checks of what was sent (note),
 * the ticket's access, version and status, then the change with the
 * action's own fields (kv, n) through update(), so the changed() hook,
 * the audit trail and the changes feed see it as any other change.
 * The database's own refusal (a move it does not allow) is a 409.
 */
static int
act(struct kiln_req *r, const struct kiln_services *sv, const struct move *m,
    struct kiln_kv *kv, size_t n)
{
	long long	 id = sv->route_id(r), version, assignee, sent;
	const char	*note = sv->param(r, "note"), *why;
	char		 status[32], err[512], path[64];

	if (note != NULL && strlen(note) > NOTE_MAX)
		return sv->error(r, 422, "invalid",
		    _("Give the note in at most 500 bytes."));
	if ((sent = version_sent(r, sv)) < 0)
		return 0;
	if (begin_on(r, sv, id) != 0)
		return 0;
	status_of(r, sv, id, status, sizeof(status), &version, &assignee);
	if (sent != 0 && sent != version) {
		sv->rollback(r);
		return sv->error(r, 409, "stale", _("The ticket was changed"
		    " meanwhile; look at it again before you go on."));
	}
	if (!one_of(m->from, status) || (strcmp(m->verb, "take") == 0 &&
	    assignee != 0)) {
		sv->rollback(r);
		snprintf(err, sizeof(err), _("The ticket is %s: it cannot be"
		    " %s now."), sv->show_enum(r, status), _(m->verb));
		return sv->error(r, 409, "conflict", err);
	}
	if (m->refuse != NULL && (why = m->refuse(r, sv, id)) != NULL) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", why);
	}
	if (m->to != NULL)
		kv[n++] = (struct kiln_kv)KV_S("status", m->to);
	else if (strcmp(status, "new") == 0)
		kv[n++] = (struct kiln_kv)KV_S("status", "assigned");
	if (sv->update(r, "ticket", id, kv, n, err, sizeof(err)) != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", err);
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "ticket", id, 0);
	snprintf(path, sizeof(path), "/tickets/%lld?done=%s", id, m->done);
	return sv->redirect(r, path);
}

static const char *const st_new[] = { "new", NULL };
static const char *const st_assigned[] = { "assigned", NULL };
static const char *const st_working[] = { "in_progress", NULL };
static const char *const st_waiting[] = { "waiting_customer", NULL };
static const char *const st_open[] = {
	"new", "assigned", "in_progress", "waiting_customer", NULL
};
static const char *const st_answerable[] = {
	"assigned", "in_progress", "waiting_customer", NULL
};
static const char *const st_resolvable[] = {
	"in_progress", "waiting_customer", NULL
};
static const char *const st_resolved[] = { "resolved", NULL };
static const char *const st_done[] = { "resolved", "closed", NULL };

/* POST /tickets/#/take: from the queue, to me; two agents, one wins. */
int
service_take(struct kiln_req *r, const struct kiln_services *sv)
{
	static const struct move m = {
		N_("taken"), st_new, "assigned", "updated", NULL
	};
	struct kiln_kv	 kv[2];

	kv[0] = (struct kiln_kv)KV_I("assignee", sv->user_id(r));
	return act(r, sv, &m, kv, 1);
}

/* POST /tickets/#/assign: assignee, one who works tickets. */
int
service_assign(struct kiln_req *r, const struct kiln_services *sv)
{
	static const struct move m = {
		N_("assigned"), st_open, NULL, "updated", NULL
	};
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[2];
	const char		*who = sv->param(r, "assignee");
	const char *const	*w;
	char			*end;
	long long		 uid;
	int			 ok = 0;

	uid = who != NULL ? strtoll(who, &end, 10) : 0;
	if (who == NULL || *who == '\0' || *end != '\0' || uid < 1)
		return sv->error(r, 422, "invalid",
		    _("Choose the engineer to assign the ticket to."));
	if ((st = sv->sql(r, "SELECT role FROM users WHERE id = ?1 AND"
	    " active = 1")) == NULL)
		return sv->error(r, 500, "internal", _("Internal error."));
	sv->bind_int(st, 1, uid);
	if (sv->step(st) == 1)
		for (w = service_workers; *w != NULL; w++)
			if (strcmp(*w, sv->col_text(st, 0)) == 0)
				ok = 1;
	sv->done(st);
	if (!ok)
		return sv->error(r, 422, "invalid", _("Assign the ticket to an"
		    " active user of the service desk, a manager or an"
		    " administrator."));
	kv[0] = (struct kiln_kv)KV_I("assignee", uid);
	return act(r, sv, &m, kv, 1);
}

int
service_start(struct kiln_req *r, const struct kiln_services *sv)
{
	static const struct move m = {
		N_("started"), st_assigned, "in_progress", "started", NULL
	};
	struct kiln_kv	 kv[1];

	return act(r, sv, &m, kv, 0);
}

/* POST /tickets/#/wait: on the customer; the resolution clock stops. */
int
service_wait(struct kiln_req *r, const struct kiln_services *sv)
{
	static const struct move m = {
		N_("waiting on the customer"), st_working, "waiting_customer",
		"updated", NULL
	};
	struct kiln_kv	 kv[1];

	return act(r, sv, &m, kv, 0);
}

int
service_resume(struct kiln_req *r, const struct kiln_services *sv)
{
	static const struct move m = {
		N_("resumed"), st_waiting, "in_progress", "updated", NULL
	};
	struct kiln_kv	 kv[1];

	return act(r, sv, &m, kv, 0);
}

/*
 * POST /tickets/#/resolve: the resolution report — cause and action
 * taken (required), parts used, minutes spent.
 */
int
service_resolve(struct kiln_req *r, const struct kiln_services *sv)
{
	static const struct move m = {
		N_("resolved"), st_resolvable, "resolved", "updated", NULL
	};
	struct kiln_kv	 kv[5];
	const char	*cause = sv->param(r, "cause");
	const char	*action = sv->param(r, "action_taken");
	const char	*parts = sv->param(r, "parts_used");
	const char	*spent = sv->param(r, "time_spent");
	char		*end;
	long long	 minutes = 0;

	if (cause == NULL || *cause == '\0' || action == NULL ||
	    *action == '\0')
		return sv->error(r, 422, "invalid", _("A resolution report"
		    " needs the cause and the action taken."));
	if (strlen(cause) > 500 || strlen(action) > 5000 ||
	    (parts != NULL && strlen(parts) > 1000))
		return sv->error(r, 422, "invalid", _("The report is too long:"
		    " cause 500, action 5000, parts 1000 bytes at most."));
	if (spent != NULL && *spent != '\0') {
		minutes = strtoll(spent, &end, 10);
		if (*end != '\0' || minutes < 0 || minutes > 100000)
			return sv->error(r, 422, "invalid", _("Give the time"
			    " spent in minutes, 0 to 100000."));
	}
	kv[0] = (struct kiln_kv)KV_S("cause", cause);
	kv[1] = (struct kiln_kv)KV_S("action_taken", action);
	kv[2] = (struct kiln_kv)KV_S("parts_used", parts ? parts : "");
	kv[3] = (struct kiln_kv)KV_I("time_spent", minutes);
	return act(r, sv, &m, kv, 4);
}

int
service_close(struct kiln_req *r, const struct kiln_services *sv)
{
	static const struct move m = {
		N_("closed"), st_resolved, "closed", "updated", NULL
	};
	struct kiln_kv	 kv[1];

	return act(r, sv, &m, kv, 0);
}

/* Resolved at (""), for the reopening window. */
static int
reopenable(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	long long		 days = sv->number(r, "reopen_days");
	char			 now[SERVICE_TIMESZ];
	int			 ok = 1;
	struct tm		 tm;
	time_t			 t;

	if (days < 0)
		days = 14;
	if ((st = sv->sql(r, "SELECT resolved_at FROM tickets WHERE id = ?1"))
	    == NULL)
		return 0;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1 && *sv->col_text(st, 0) != '\0') {
		t = time(NULL) - (time_t)days * 86400;
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ",
		    gmtime_r(&t, &tm));
		ok = strcmp(sv->col_text(st, 0), now) >= 0;
	}
	sv->done(st);
	return ok;
}

/* Why ticket id may not be reopened (after the access check), or NULL. */
static const char *
too_late(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	char	*msg;

	if (reopenable(r, sv, id))
		return NULL;
	msg = sv->alloc(r, 256);
	snprintf(msg, 256, _("The ticket was resolved more than %lld days"
	    " ago: file a new one."), sv->number(r, "reopen_days"));
	return msg;
}

/* POST /tickets/#/reopen: back in progress, within reopen_days. */
int
service_reopen(struct kiln_req *r, const struct kiln_services *sv)
{
	static const struct move m = {
		N_("reopened"), st_done, "in_progress", "updated", too_late
	};
	struct kiln_kv	 kv[1];

	return act(r, sv, &m, kv, 0);
}

/*
 * POST /tickets/#/answer (text): the engineer answers the customer.
 * The first answer is the first response (its business time kept for
 * the reports); answering an assigned ticket starts it.
 */
int
service_answer(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[2];
	const char		*text = sv->param(r, "text");
	long long		 id = sv->route_id(r), version, assignee, sent;
	char			 status[32], err[512], path[64];
	char			 now[SERVICE_TIMESZ];
	long long		 took = 0;
	size_t			 n = 0;
	int			 first = 0, rc;

	if (text == NULL || *text == '\0' || strlen(text) > ANSWER_MAX)
		return sv->error(r, 422, "invalid", _("Write the answer, in at"
		    " most 10000 bytes."));
	if ((sent = version_sent(r, sv)) < 0)
		return 0;
	if (begin_on(r, sv, id) != 0)
		return 0;
	status_of(r, sv, id, status, sizeof(status), &version, &assignee);
	if (sent != 0 && sent != version) {
		sv->rollback(r);
		return sv->error(r, 409, "stale", _("The ticket was changed"
		    " meanwhile; look at it again before you go on."));
	}
	if (!one_of(st_answerable, status)) {
		sv->rollback(r);
		snprintf(err, sizeof(err), _("The ticket is %s: take or assign"
		    " it before answering."), sv->show_enum(r, status));
		return sv->error(r, 409, "conflict", err);
	}
	service_now(now);
	if ((st = sv->sql(r, "SELECT first_response_at = '', created_at FROM"
	    " tickets WHERE id = ?1")) == NULL)
		goto fail;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1 && (first = (int)sv->col_int(st, 0)))
		took = sv->work_between(r, sv->col_text(st, 1), now);
	sv->done(st);
	if (first)
		kv[n++] = (struct kiln_kv)KV_S("first_response_at", now);
	if (strcmp(status, "assigned") == 0)
		kv[n++] = (struct kiln_kv)KV_S("status", "in_progress");
	if (service_event(r, sv, id, "answer", "", "", text) != 0 ||
	    service_notice(r, sv, id, "answer", _("our answer"), text) != 0)
		goto fail;
	if (n > 0 && sv->update(r, "ticket", id, kv, n, err,
	    sizeof(err)) != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", err);
	}
	if (first) {
		if ((st = sv->sql(r, "UPDATE tickets SET response_secs = ?2"
		    " WHERE id = ?1")) == NULL)
			goto fail;
		sv->bind_int(st, 1, id);
		sv->bind_int(st, 2, took > 0 ? took : 0);
		rc = sv->step(st);
		sv->done(st);
		if (rc != 0)
			goto fail;
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "ticket", id, 0);
	snprintf(path, sizeof(path), "/tickets/%lld?done=updated", id);
	return sv->redirect(r, path);
fail:
	sv->rollback(r);
	return sv->error(r, 500, "internal", _("Internal error."));
}
