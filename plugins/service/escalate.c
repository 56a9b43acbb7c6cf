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

static const char *const clock_names[] = { "first_response", "resolution" };

/* What a rule is asked, one question each (ctx.action). */
enum { ASK_PRIORITY, ASK_ASSIGNEE, ASK_BREACHED, ASK_N };
static const char *const actions_asked[ASK_N] = {
	"priority", "assignee", "breached"
};

/* One deadline of one ticket, as the job sees it. */
struct due {
	long long	 id;
	const char	*due[2];	/* "" when not running */
	long long	 budget[2];
	long long	 level;		/* escalations so far */
	long long	 assignee;
	const char	*status;
	const char	*priority;
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
 * Ask the escalate rules about one deadline of ticket d and do what
 * they say, in the caller's write transaction.  0, or -1.
 */
static int
escalate(struct kiln_req *r, const struct kiln_services *sv,
    const struct due *d, int c, const char *state, long long left,
    const char *now)
{
	struct kiln_kv		 rec[SERVICE_NREC], ctx[16], kv[5];
	struct kiln_verdict	*v;
	struct kiln_stmt	*st;
	const char *const	*names;
	const char		*up;
	char			 actions[128] = "", notes[1024] = "";
	char			 err[512], detail[256];
	size_t			 nrec, nctx, n = 0, i, k = 0, a;
	long long		 lead;
	int			 rc, yes[ASK_N] = { 0 };

	if (service_facts(r, sv, d->id, rec, &nrec, ctx, &nctx) != 0)
		return 0;
	if (sv->rules_for(r, "escalate", &names, &n) != 0)
		return 0;	/* rules not loaded: ask again next time */
	if (n > ESC_MAX_RULES)
		n = ESC_MAX_RULES;
	ctx[0] = (struct kiln_kv)KV_S("clock", clock_names[c]);
	ctx[nctx++] = (struct kiln_kv)KV_S("state", state);
	ctx[nctx++] = (struct kiln_kv)KV_S("due", d->due[c]);
	ctx[nctx++] = (struct kiln_kv)KV_I("minutes_left", left / 60);
	ctx[nctx++] = (struct kiln_kv)KV_I("budget_minutes",
	    d->budget[c] / 60);
	ctx[nctx++] = (struct kiln_kv)KV_I("level", d->level);
	v = sv->alloc(r, (n ? n : 1) * sizeof(*v));
	ctx[nctx++] = (struct kiln_kv)KV_S("action", "");
	for (a = 0; a < ASK_N; a++) {
		ctx[nctx - 1].s = actions_asked[a];
		if (n > 0)
			sv->rules(r, names, n, "escalate", rec, nrec, ctx,
			    nctx, v);
		for (i = 0; i < n; i++) {
			if (v[i].result == KILN_PASS)
				continue;
			if (v[i].result == KILN_RULE_ERROR) {
				sv->log(KILN_LOG_ERR, "service_escalate: ticket"
				    " %lld: %s: %s", d->id, v[i].rule,
				    v[i].message);
				continue;
			}
			yes[a] = 1;
			/*
			 * The first reason given: a message may be a rule's
			 * several languages in one, shown in the reader's.
			 */
			if (*notes == '\0')
				snprintf(notes, sizeof(notes), "%s",
				    v[i].message);
		}
		if (!yes[a])
			continue;
		if (*actions != '\0')
			strncat(actions, " ", sizeof(actions) -
			    strlen(actions) - 1);
		strncat(actions, actions_asked[a], sizeof(actions) -
		    strlen(actions) - 1);
	}
	/* Acted on once, whatever the rules said: asked again next due. */
	if ((st = sv->sql(r, "INSERT INTO ticket_escalations (ticket, clock,"
	    " state, due, at, actions) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) ==
	    NULL)
		return -1;
	sv->bind_int(st, 1, d->id);
	sv->bind_text(st, 2, clock_names[c]);
	sv->bind_text(st, 3, state);
	sv->bind_text(st, 4, d->due[c]);
	sv->bind_text(st, 5, now);
	sv->bind_text(st, 6, actions);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0)
		return -1;
	if (*actions == '\0')
		return 0;
	if (yes[ASK_PRIORITY] && (up = raised(d->priority)) != NULL)
		kv[k++] = (struct kiln_kv)KV_S("priority", up);
	if (yes[ASK_ASSIGNEE] && (lead = lead_of(r, sv, d->assignee)) != 0 &&
	    lead != d->assignee) {
		kv[k++] = (struct kiln_kv)KV_I("assignee", lead);
		if (strcmp(d->status, "new") == 0)
			kv[k++] = (struct kiln_kv)KV_S("status", "assigned");
	}
	if (yes[ASK_BREACHED])
		kv[k++] = (struct kiln_kv)KV_I("breached", 1);
	kv[k++] = (struct kiln_kv)KV_I("escalated", d->level + 1);
	if (service_event(r, sv, d->id, "escalation", state, clock_names[c],
	    notes) != 0)
		return -1;
	if (sv->update(r, "ticket", d->id, kv, k, err, sizeof(err)) != 0) {
		sv->log(KILN_LOG_ERR, "service_escalate: ticket %lld: %s",
		    d->id, err);
		return -1;
	}
	snprintf(detail, sizeof(detail), "%s %s: %s", clock_names[c], state,
	    actions);
	return sv->audit(r, "escalate", "ticket", d->id, detail) == 0 ? 0 :
	    -1;
}

/* Has this state of this deadline been acted on? */
static int
acted(struct kiln_req *r, const struct kiln_services *sv, long long id,
    int c, const char *state, const char *due)
{
	struct kiln_stmt	*st;
	int			 yes = 1;

	if ((st = sv->sql(r, "SELECT 1 FROM ticket_escalations WHERE ticket ="
	    " ?1 AND clock = ?2 AND state = ?3 AND due = ?4")) == NULL)
		return 1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, clock_names[c]);
	sv->bind_text(st, 3, state);
	sv->bind_text(st, 4, due);
	yes = sv->step(st) != 0;
	sv->done(st);
	return yes;
}

/*
 * The job: open tickets with a running deadline before the horizon
 * (now plus a quarter of the longest budget, in business time), a
 * batch per short write transaction.
 */
int
service_escalate_job(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	struct due		*d;
	char			 now[SERVICE_TIMESZ];
	const char		*horizon;
	long long		 after = 0, longest = 0, left;
	size_t			 i, n;
	int			 c, rc = 0, more;
	const char		*state;

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
	d = sv->alloc(r, ESC_BATCH * sizeof(*d));
	do {
		if (sv->begin_write(r) != 0)
			return -1;
		if ((st = sv->sql(r, "SELECT id, CASE WHEN first_response_at ="
		    " '' THEN first_response_due ELSE '' END, CASE WHEN status"
		    " = 'waiting_customer' THEN '' ELSE resolution_due END,"
		    " response_budget, resolution_budget, escalated,"
		    " coalesce(assignee, 0), status, priority FROM tickets"
		    " WHERE id > ?1 AND status NOT IN ('resolved', 'closed')"
		    " AND ((first_response_at = '' AND first_response_due <> ''"
		    " AND first_response_due <= ?2) OR (status <>"
		    " 'waiting_customer' AND resolution_due <> '' AND"
		    " resolution_due <= ?2)) ORDER BY id LIMIT ?3")) == NULL) {
			sv->rollback(r);
			return -1;
		}
		sv->bind_int(st, 1, after);
		sv->bind_text(st, 2, horizon);
		sv->bind_int(st, 3, ESC_BATCH);
		for (n = 0; n < ESC_BATCH && sv->step(st) == 1; n++) {
			d[n].id = after = sv->col_int(st, 0);
			d[n].due[0] = service_copy(r, sv, sv->col_text(st, 1));
			d[n].due[1] = service_copy(r, sv, sv->col_text(st, 2));
			d[n].budget[0] = sv->col_int(st, 3);
			d[n].budget[1] = sv->col_int(st, 4);
			d[n].level = sv->col_int(st, 5);
			d[n].assignee = sv->col_int(st, 6);
			d[n].status = service_copy(r, sv, sv->col_text(st, 7));
			d[n].priority = service_copy(r, sv,
			    sv->col_text(st, 8));
		}
		sv->done(st);
		more = n == ESC_BATCH;
		for (i = 0; i < n && rc == 0; i++)
			for (c = 0; c < 2 && rc == 0; c++) {
				if (*d[i].due[c] == '\0')
					continue;
				if (strcmp(d[i].due[c], now) <= 0) {
					state = "passed";
					left = -sv->work_between(r,
					    d[i].due[c], now);
				} else {
					left = sv->work_between(r, now,
					    d[i].due[c]);
					if (left * 4 >= d[i].budget[c])
						continue;
					state = "near";
				}
				if (acted(r, sv, d[i].id, c, state,
				    d[i].due[c]))
					continue;
				rc = escalate(r, sv, &d[i], c, state, left,
				    now);
				/* Once per run: its deadlines may move. */
				if (rc == 0)
					break;
			}
		if (rc != 0) {
			sv->rollback(r);
			return -1;
		}
		if (sv->commit(r) != 0)
			return -1;
	} while (more);
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
	st = sv->sql(r, "SELECT t.id, t.subject, c.name, t.priority,"
	    " t.status, t.resolution_due, t.version FROM tickets t JOIN"
	    " customers c ON c.id = t.customer WHERE t.escalated > 0 AND"
	    " t.status NOT IN ('resolved', 'closed') AND"
	    " kiln_readable('ticket', t.id) ORDER BY t.resolution_due = '',"
	    " t.resolution_due, t.id LIMIT 500");
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
