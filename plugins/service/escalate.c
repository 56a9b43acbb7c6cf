/*
 * escalate.c - deadlines about to pass and passed.  The
 * service_escalate job (kiln jobs; every jobs_interval under kiln
 * serve) finds each open ticket whose first response or resolution is
 * due within a quarter of its budget (state "near") or past due
 * ("passed"), and asks every rule file with an `escalate` hook (lua/
 * escalate.lua shipped) three questions, one per action (ctx.action):
 * "priority", raise the priority a step (the SLA rules then set
 * tighter deadlines)?  "assignee", hand the ticket to the team lead (an
 * active manager of the engineer's team, or of the service desk's team
 * for a ticket in the queue)?  "breached", mark its SLA breached?  Any
 * verdict other than pass (or a rule's error) is a yes, its message
 * the reason.  Each state
 * of each deadline is acted on once (ticket_escalations): a rule is not
 * asked again until the deadline moves.  What was done is in the
 * ticket's history and the audit trail, through update().
 *
 * GET /tickets/escalated is the worklist of open escalated tickets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

#define ESC_BATCH	200
#define ESC_MAX_RULES	32

/* What a rule is asked, one question each (ctx.action). */
const char *const service_asked_names[SERVICE_ASK_N] = {
	"priority", "assignee", "breached"
};

/* One deadline of one ticket, as the job sees it. */
struct due {
	long long	 id;
	const char	*due;
	long long	 budget;
	long long	 level;		/* escalations so far */
	long long	 assignee;
	const char	*status;
	const char	*priority;
};

/*
 * Each clock's running deadlines of open tickets, in the order of its
 * partial index (migration 5, whose condition the query says so that
 * both engines use it), a page at a time after (due, id) = (?2, ?3);
 * and one ticket's deadline again, in the write transaction.
 */
static const struct {
	const char	*candidates;	/* ?1 horizon, ?2 ?3 after, ?4 now */
	const char	*row;		/* ?1 id: struct due's columns */
} clock_sql[2] = {
	{ "SELECT id, first_response_due FROM tickets t WHERE"
	  " first_response_at = '' AND first_response_due <> '' AND status"
	  " NOT IN ('resolved', 'closed') AND first_response_due <= ?1 AND"
	  " first_response_due >= ?2 AND (first_response_due > ?2 OR id > ?3)"
	  " AND NOT EXISTS (SELECT 1 FROM ticket_escalations e WHERE"
	  " e.ticket = t.id AND e.clock = 'first_response' AND e.due ="
	  " t.first_response_due AND e.state = CASE WHEN"
	  " t.first_response_due <= ?4 THEN 'passed' ELSE 'near' END)"
	  " ORDER BY first_response_due, id LIMIT ?5",
	  "SELECT id, first_response_due, response_budget, escalated,"
	  " coalesce(assignee, 0), status, priority FROM tickets WHERE id ="
	  " ?1 AND first_response_at = '' AND first_response_due <> '' AND"
	  " status NOT IN ('resolved', 'closed')" },
	{ "SELECT id, resolution_due FROM tickets t WHERE resolution_due <>"
	  " '' AND status NOT IN ('resolved', 'closed', 'waiting_customer')"
	  " AND resolution_due <= ?1 AND resolution_due >= ?2 AND"
	  " (resolution_due > ?2 OR id > ?3) AND NOT EXISTS (SELECT 1 FROM"
	  " ticket_escalations e WHERE e.ticket = t.id AND e.clock ="
	  " 'resolution' AND e.due = t.resolution_due AND e.state = CASE"
	  " WHEN t.resolution_due <= ?4 THEN 'passed' ELSE 'near' END)"
	  " ORDER BY resolution_due, id LIMIT ?5",
	  "SELECT id, resolution_due, resolution_budget, escalated,"
	  " coalesce(assignee, 0), status, priority FROM tickets WHERE id ="
	  " ?1 AND resolution_due <> '' AND status NOT IN ('resolved',"
	  " 'closed', 'waiting_customer')" },
};

/* The priority a step up, or NULL at the top. */
static const char *
raised(const char *p)
{
	size_t	 i;

	for (i = 0; service_priorities[i] != NULL; i++)
		if (strcmp(service_priorities[i], p) == 0)
			return service_priorities[i + 1];
	return NULL;
}

/*
 * The team lead for a ticket: an active manager of its engineer's
 * team; for one in the queue, of a team with an active service user.
 * 0 when there is none.
 */
static long long
lead_of(struct kiln_req *r, const struct kiln_services *sv, long long who)
{
	struct kiln_stmt	*st;
	long long		 lead = 0;

	st = who != 0 ? sv->sql(r, "SELECT m.id FROM users m JOIN users u ON"
	    " u.team = m.team WHERE u.id = ?1 AND m.team <> '' AND m.role ="
	    " 'manager' AND m.active = 1 ORDER BY m.id LIMIT 1") :
	    sv->sql(r, "SELECT m.id FROM users m WHERE m.role = 'manager' AND"
	    " m.active = 1 AND m.team <> '' AND EXISTS (SELECT 1 FROM users u"
	    " WHERE u.team = m.team AND u.role = 'service' AND u.active = 1)"
	    " ORDER BY m.id LIMIT 1");
	if (st == NULL)
		return 0;
	if (who != 0)
		sv->bind_int(st, 1, who);
	if (sv->step(st) == 1)
		lead = sv->col_int(st, 0);
	sv->done(st);
	return lead;
}

/*
 * Ask every escalate rule the three questions about one deadline of
 * ticket id (ctx as lua/README.md says) into *a.  0; -1 when the rules
 * are not loaded (ask again next time).  The job and the demo's
 * history ask alike.
 */
int
service_ask_escalate(struct kiln_req *r, const struct kiln_services *sv,
    long long id, int clock, const char *state, const char *due,
    long long left, long long budget, long long level, struct service_asked *a)
{
	struct kiln_kv		 rec[SERVICE_NREC], ctx[16];
	struct kiln_verdict	*v;
	const char *const	*names;
	size_t			 nrec, nctx, n = 0, i, q;

	memset(a, 0, sizeof(*a));
	if (service_facts(r, sv, id, rec, &nrec, ctx, &nctx) != 0)
		return 0;
	if (sv->rules_for(r, "escalate", &names, &n) != 0)
		return -1;
	if (n == 0)
		return 0;
	if (n > ESC_MAX_RULES)
		n = ESC_MAX_RULES;
	ctx[0] = (struct kiln_kv)KV_S("clock", service_clock_names[clock]);
	ctx[nctx++] = (struct kiln_kv)KV_S("state", state);
	ctx[nctx++] = (struct kiln_kv)KV_S("due", due);
	ctx[nctx++] = (struct kiln_kv)KV_I("minutes_left", left / 60);
	ctx[nctx++] = (struct kiln_kv)KV_I("budget_minutes", budget / 60);
	ctx[nctx++] = (struct kiln_kv)KV_I("level", level);
	ctx[nctx++] = (struct kiln_kv)KV_S("action", "");
	v = sv->alloc(r, n * sizeof(*v));
	for (q = 0; q < SERVICE_ASK_N; q++) {
		ctx[nctx - 1].s = service_asked_names[q];
		sv->rules(r, names, n, "escalate", rec, nrec, ctx, nctx, v);
		for (i = 0; i < n; i++) {
			if (v[i].result == KILN_PASS)
				continue;
			if (v[i].result == KILN_RULE_ERROR) {
				sv->log(KILN_LOG_ERR, "escalate: ticket %lld:"
				    " %s: %s", id, v[i].rule, v[i].message);
				continue;
			}
			a->yes[q] = 1;
			/*
			 * The first reason given: a message may be a rule's
			 * several languages in one, shown in the reader's.
			 */
			if (*a->notes == '\0')
				snprintf(a->notes, sizeof(a->notes), "%s",
				    v[i].message);
		}
		if (!a->yes[q])
			continue;
		if (*a->actions != '\0')
			strncat(a->actions, " ", sizeof(a->actions) -
			    strlen(a->actions) - 1);
		strncat(a->actions, service_asked_names[q],
		    sizeof(a->actions) - strlen(a->actions) - 1);
	}
	return 0;
}

/* Record that this state of a deadline was acted on; 0, or -1. */
static int
acted_on(struct kiln_req *r, const struct kiln_services *sv, long long id,
    int c, const char *state, const char *due, const char *now,
    const char *actions)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, "INSERT INTO ticket_escalations (ticket, clock,"
	    " state, due, at, actions) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) ==
	    NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, service_clock_names[c]);
	sv->bind_text(st, 3, state);
	sv->bind_text(st, 4, due);
	sv->bind_text(st, 5, now);
	sv->bind_text(st, 6, actions);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/*
 * Ask the escalate rules about deadline c of ticket d and do what they
 * say, in the caller's write transaction.  0; 1 when the ticket
 * refused the change (its update failed: the caller rolls back and
 * goes on without it); -1 on a failure of the database.
 */
static int
escalate(struct kiln_req *r, const struct kiln_services *sv,
    const struct due *d, int c, const char *state, long long left,
    const char *now)
{
	struct service_asked	 a;
	struct kiln_kv		 kv[5];
	const char		*up;
	char			 err[512], detail[256];
	size_t			 k = 0;
	long long		 lead;

	if (service_ask_escalate(r, sv, d->id, c, state, d->due, left,
	    d->budget, d->level, &a) != 0)
		return 0;	/* rules not loaded: ask again next time */
	/* Acted on once, whatever the rules said: asked again next due. */
	if (acted_on(r, sv, d->id, c, state, d->due, now, a.actions) != 0)
		return -1;
	if (*a.actions == '\0')
		return 0;
	if (a.yes[SERVICE_ASK_PRIORITY] && (up = raised(d->priority)) != NULL)
		kv[k++] = (struct kiln_kv)KV_S("priority", up);
	if (a.yes[SERVICE_ASK_ASSIGNEE] && (lead = lead_of(r, sv,
	    d->assignee)) != 0 && lead != d->assignee) {
		kv[k++] = (struct kiln_kv)KV_I("assignee", lead);
		if (strcmp(d->status, "new") == 0)
			kv[k++] = (struct kiln_kv)KV_S("status", "assigned");
	}
	if (a.yes[SERVICE_ASK_BREACHED])
		kv[k++] = (struct kiln_kv)KV_I("breached", 1);
	kv[k++] = (struct kiln_kv)KV_I("escalated", d->level + 1);
	if (service_event(r, sv, d->id, "escalation", state,
	    service_clock_names[c], a.notes) != 0)
		return -1;
	if (sv->update(r, "ticket", d->id, kv, k, err, sizeof(err)) != 0) {
		sv->log(KILN_LOG_ERR, "service_escalate: ticket %lld: %s",
		    d->id, err);
		return 1;
	}
	snprintf(detail, sizeof(detail), "%s %s: %s", service_clock_names[c],
	    state, a.actions);
	return sv->audit(r, "escalate", "ticket", d->id, detail) == 0 ? 0 :
	    -1;
}

/*
 * Deadline c of candidate id as it is now, in the write transaction:
 * 1 into *d with its state and business seconds left, 0 when it no
 * longer runs at due, is not near yet or was acted on, -1 on error.
 */
static int
current(struct kiln_req *r, const struct kiln_services *sv, int c,
    long long id, const char *due, const char *now, struct due *d,
    const char **state, long long *left)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, clock_sql[c].row)) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if ((rc = sv->step(st)) == 1) {
		d->id = id;
		d->due = service_copy(r, sv, sv->col_text(st, 1));
		d->budget = sv->col_int(st, 2);
		d->level = sv->col_int(st, 3);
		d->assignee = sv->col_int(st, 4);
		d->status = service_copy(r, sv, sv->col_text(st, 5));
		d->priority = service_copy(r, sv, sv->col_text(st, 6));
	}
	sv->done(st);
	if (rc != 1 || strcmp(d->due, due) != 0)
		return rc < 0 ? -1 : 0;
	if (strcmp(due, now) <= 0) {
		*state = "passed";
		*left = -sv->work_between(r, due, now);
	} else {
		*left = sv->work_between(r, now, due);
		if (*left * 4 >= d->budget)
			return 0;
		*state = "near";
	}
	if ((st = sv->sql(r, "SELECT 1 FROM ticket_escalations WHERE ticket ="
	    " ?1 AND clock = ?2 AND state = ?3 AND due = ?4")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, service_clock_names[c]);
	sv->bind_text(st, 3, *state);
	sv->bind_text(st, 4, due);
	rc = sv->step(st);
	sv->done(st);
	return rc < 0 ? -1 : rc == 0;
}

/*
 * A ticket that refused its escalation (a change the database no
 * longer takes: say its contact moved to another customer) is marked
 * acted on in a transaction of its own, so it does not stop the job
 * for every other ticket, run after run.
 */
static int
refused(struct kiln_req *r, const struct kiln_services *sv, const struct due
    *d, int c, const char *state, const char *now)
{
	if (sv->begin_write(r) != 0)
		return -1;
	if (acted_on(r, sv, d->id, c, state, d->due, now, "refused") != 0) {
		sv->rollback(r);
		return -1;
	}
	return sv->commit(r);
}

/*
 * The job, per clock: running deadlines of open tickets before the
 * horizon (now plus a quarter of the longest budget, in business time)
 * in a state not yet acted on, read by the clock's index outside any
 * transaction; then a batch per short write transaction, each deadline
 * read again there (it may have moved meanwhile).
 */
int
service_escalate_job(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	struct due		 d;
	char			 now[SERVICE_TIMESZ];
	const char		*horizon, *state = "", **dues, *after;
	long long		 longest = 0, left, *ids, after_id;
	size_t			 i, n;
	int			 c, rc;

	service_now(now);
	if ((st = sv->sql(r, "SELECT coalesce(max(CASE WHEN response_budget >"
	    " resolution_budget THEN response_budget ELSE resolution_budget"
	    " END), 0) FROM tickets WHERE status NOT IN ('resolved',"
	    " 'closed')")) == NULL)
		return -1;
	if (sv->step(st) == 1)
		longest = sv->col_int(st, 0);
	sv->done(st);
	if ((horizon = sv->work_add(r, now, longest / 4 + 1)) == NULL)
		horizon = now;
	ids = sv->alloc(r, ESC_BATCH * sizeof(*ids));
	dues = sv->alloc(r, ESC_BATCH * sizeof(*dues));
	for (c = 0; c < 2; c++) {
		after = "";
		after_id = 0;
		for (;;) {
			if ((st = sv->sql(r, clock_sql[c].candidates)) == NULL)
				return -1;
			sv->bind_text(st, 1, horizon);
			sv->bind_text(st, 2, after);
			sv->bind_int(st, 3, after_id);
			sv->bind_text(st, 4, now);
			sv->bind_int(st, 5, ESC_BATCH);
			for (n = 0; n < ESC_BATCH && sv->step(st) == 1; n++) {
				ids[n] = sv->col_int(st, 0);
				dues[n] = service_copy(r, sv,
				    sv->col_text(st, 1));
			}
			sv->done(st);
			if (n == 0)
				break;
			if (sv->begin_write(r) != 0)
				return -1;
			for (i = 0, rc = 0; i < n && rc == 0; i++) {
				rc = current(r, sv, c, ids[i], dues[i], now,
				    &d, &state, &left);
				if (rc == 1)
					rc = escalate(r, sv, &d, c, state,
					    left, now);
			}
			if (rc != 0) {
				sv->rollback(r);
				if (rc < 0 || refused(r, sv, &d, c, state,
				    now) != 0)
					return -1;
				continue;	/* the batch again, without it */
			}
			if (sv->commit(r) != 0)
				return -1;
			if (n < ESC_BATCH)
				break;
			after = dues[n - 1];
			after_id = ids[n - 1];
		}
	}
	return 0;
}

/* GET /tickets/escalated: open tickets the rules escalated. */
int
service_escalated(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	int			 xml = sv->wants_xml(r);

	if (sv->begin(r, 200, xml ? "escalated" : NULL, _("Escalated")) != 0)
		return -1;
	if (!xml) {
		sv->open(r, "h1");
		sv->text(r, _("Escalated tickets"));
		sv->close(r);
	}
	/* Dated, then undated, each in tickets_escalated's order. */
	st = sv->sql(r, "SELECT * FROM (SELECT t.id, t.subject, c.name,"
	    " t.priority, t.status, t.resolution_due AS due, t.version, 0 AS k"
	    " FROM tickets t JOIN customers c ON c.id = t.customer WHERE"
	    " t.escalated > 0 AND t.status NOT IN ('resolved', 'closed') AND"
	    " t.resolution_due > '' AND kiln_readable('ticket', t.id) ORDER BY"
	    " t.resolution_due, t.id LIMIT 500) d UNION ALL SELECT * FROM"
	    " (SELECT t.id, t.subject, c.name, t.priority, t.status,"
	    " t.resolution_due, t.version, 1 FROM tickets t JOIN customers c ON"
	    " c.id = t.customer WHERE t.escalated > 0 AND t.status NOT IN"
	    " ('resolved', 'closed') AND t.resolution_due = '' AND"
	    " kiln_readable('ticket', t.id) ORDER BY t.resolution_due, t.id"
	    " LIMIT 500) u ORDER BY k, due, id LIMIT 500");
	if (st != NULL) {
		if (service_rows(r, sv, st, 0, xml, "tickets") == 0 && !xml) {
			sv->open(r, "p");
			sv->text(r, _("No escalated tickets are open."));
			sv->close(r);
		}
		sv->done(st);
	}
	return sv->end(r);
}
