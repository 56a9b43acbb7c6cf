/*
 * sla.c - a ticket's deadlines.  Every rule file with a `ticket` hook
 * (lua/sla.lua shipped) is asked twice, once per clock (ctx.clock
 * "first_response", then "resolution"), and returns the clock's
 * budget in business minutes as its figure; where several rules give
 * one, the tightest holds.  The budgets are stored, and the deadlines
 * follow from them in business time (kiln.conf's work_days,
 * work_hours, holidays, in its timezone): first response due the
 * budget after the ticket came in, resolution due the budget plus
 * the business time it waited on the customer.  Asked again when the
 * ticket's priority, type, product or customer changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

#define SLA_MAX_RULES	32

const char *const service_clock_names[2] = { "first_response",
	"resolution" };

static const char *const result_names[] = {
	"pass", "warn", "hold", "reject", "error"
};

/* The ticket's fields a rule sees, in the SELECT's order. */
static const char *const rec_cols[] = {
	"subject", "customer", "contact", "product", "order", "type",
	"priority", "channel", "mode", "assignee", "status"
};
#define NREC	(sizeof(rec_cols) / sizeof(rec_cols[0]))
_Static_assert(NREC + 1 == SERVICE_NREC, "SERVICE_NREC: the fields and id");
/* References (left out when NULL) and numbers. */
#define REC_REF(i)	((i) >= 1 && (i) <= 4) || (i) == 9

/*
 * Ticket id's record (SERVICE_NREC pairs at most) and context (6 at
 * most; ctx[0] is left for the caller: the clock) for the rules: 0,
 * or -1 when there is no such ticket.
 */
int
service_facts(struct kiln_req *r, const struct kiln_services *sv, long long id,
    struct kiln_kv *rec, size_t *nrec, struct kiln_kv *ctx, size_t *nctx)
{
	struct kiln_stmt	*st;
	size_t			 i, n = 0, c = 1;

	if ((st = sv->sql(r, "SELECT t.subject, t.customer, t.contact,"
	    " t.product, t.\"order\", t.type, t.priority, t.channel, t.mode,"
	    " t.assignee, t.status, coalesce(c.segment, ''),"
	    " coalesce(c.sales_mode, ''), coalesce(p.sku, ''),"
	    " coalesce(p.category, ''), t.contact IS NULL, t.product IS NULL,"
	    " t.\"order\" IS NULL, t.assignee IS NULL, t.created_at FROM"
	    " tickets t LEFT JOIN customers c ON c.id = t.customer LEFT JOIN"
	    " products p ON p.id = t.product WHERE t.id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if (sv->step(st) != 1) {
		sv->done(st);
		return -1;
	}
	rec[n++] = (struct kiln_kv)KV_I("id", id);
	for (i = 0; i < NREC; i++) {
		if ((i == 2 && sv->col_int(st, 15)) || (i == 3 &&
		    sv->col_int(st, 16)) || (i == 4 && sv->col_int(st, 17)) ||
		    (i == 9 && sv->col_int(st, 18)))
			continue;	/* no such reference */
		if (REC_REF(i))
			rec[n++] = (struct kiln_kv)KV_I(rec_cols[i],
			    sv->col_int(st, (int)i));
		else
			rec[n++] = (struct kiln_kv)KV_S(rec_cols[i],
			    service_copy(r, sv, sv->col_text(st, (int)i)));
	}
	ctx[c++] = (struct kiln_kv)KV_S("customer_segment",
	    service_copy(r, sv, sv->col_text(st, 11)));
	ctx[c++] = (struct kiln_kv)KV_S("customer_sales_mode",
	    service_copy(r, sv, sv->col_text(st, 12)));
	ctx[c++] = (struct kiln_kv)KV_S("product_sku",
	    service_copy(r, sv, sv->col_text(st, 13)));
	ctx[c++] = (struct kiln_kv)KV_S("product_category",
	    service_copy(r, sv, sv->col_text(st, 14)));
	ctx[c++] = (struct kiln_kv)KV_S("created_at",
	    service_copy(r, sv, sv->col_text(st, 19)));
	sv->done(st);
	*nrec = n;
	*nctx = c;
	return 0;
}

/*
 * The deadlines of ticket id from its budgets, its arrival and its
 * pauses, in the caller's write transaction; a deadline that moved is
 * in the history.  0, or -1 (the caller rolls back).
 */
int
service_deadlines(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	const char		*created = NULL, *was[2] = { "", "" };
	const char		*due[2] = { "", "" };
	long long		 budget[2] = { 0, 0 }, paused = 0;
	int			 i, rc;

	if ((st = sv->sql(r, "SELECT created_at, response_budget,"
	    " resolution_budget, paused, first_response_due, resolution_due"
	    " FROM tickets WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		created = service_copy(r, sv, sv->col_text(st, 0));
		budget[0] = sv->col_int(st, 1);
		budget[1] = sv->col_int(st, 2);
		paused = sv->col_int(st, 3);
		was[0] = service_copy(r, sv, sv->col_text(st, 4));
		was[1] = service_copy(r, sv, sv->col_text(st, 5));
	}
	sv->done(st);
	if (created == NULL)
		return 0;	/* gone meanwhile */
	/* The first response is not paused: one answers before waiting. */
	for (i = 0; i < 2; i++)
		if (budget[i] > 0 && (due[i] = sv->work_add(r, created,
		    budget[i] + (i == 1 ? paused : 0))) == NULL)
			due[i] = "";	/* no business time ahead at all */
	if (strcmp(due[0], was[0]) == 0 && strcmp(due[1], was[1]) == 0)
		return 0;
	if ((st = sv->sql(r, "UPDATE tickets SET first_response_due = ?2,"
	    " resolution_due = ?3 WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, due[0]);
	sv->bind_text(st, 3, due[1]);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0)
		return -1;
	for (i = 0; i < 2; i++)
		if (*was[i] != '\0' && strcmp(due[i], was[i]) != 0 &&
		    service_event(r, sv, id, "deadline", was[i], due[i],
		    service_clock_names[i]) != 0)
			return -1;
	return 0;
}

/* Store the verdicts and budgets of ticket id. */
static int
store(struct kiln_req *r, const struct kiln_services *sv, long long id,
    struct kiln_verdict *const v[2], size_t n)
{
	struct kiln_stmt	*st;
	long long		 budget[2] = { 0, 0 }, seq = 0;
	size_t			 c, i;
	int			 rc;

	if ((st = sv->sql(r, "DELETE FROM ticket_verdicts WHERE ticket = ?1"))
	    == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	rc = sv->step(st);
	sv->done(st);
	for (c = 0; rc == 0 && c < 2; c++)
		for (i = 0; rc == 0 && i < n; i++) {
			if (v[c][i].has_number && v[c][i].number > 0 &&
			    (budget[c] == 0 || v[c][i].number * 60 <
			    budget[c]))
				budget[c] = v[c][i].number * 60;
			if ((st = sv->sql(r, "INSERT INTO ticket_verdicts"
			    " (ticket, seq, clock, rule, result, message,"
			    " minutes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE"
			    " WHEN ?7 > 0 THEN ?7 END)")) == NULL)
				return -1;
			sv->bind_int(st, 1, id);
			sv->bind_int(st, 2, ++seq);
			sv->bind_text(st, 3, service_clock_names[c]);
			sv->bind_text(st, 4, v[c][i].rule);
			sv->bind_text(st, 5, result_names[v[c][i].result]);
			sv->bind_text(st, 6, v[c][i].message);
			sv->bind_int(st, 7, v[c][i].has_number ?
			    v[c][i].number : 0);
			rc = sv->step(st);
			sv->done(st);
		}
	if (rc != 0 || (st = sv->sql(r, "UPDATE tickets SET response_budget ="
	    " ?2, resolution_budget = ?3 WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_int(st, 2, budget[0]);
	sv->bind_int(st, 3, budget[1]);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/*
 * Ask the SLA rules about ticket id and set its deadlines, in the
 * caller's write transaction.  0, or -1 (the caller rolls back).
 * Rules that are not loaded decide nothing: the ticket keeps its
 * budgets.  A rule that fails gives no budget and shows its error.
 */
int
service_sla(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_kv		 rec[SERVICE_NREC], ctx[8];
	struct kiln_verdict	*v[2];
	const char *const	*names;
	size_t			 nrec, nctx, n, c;

	if (service_facts(r, sv, id, rec, &nrec, ctx, &nctx) != 0)
		return 0;
	if (sv->rules_for(r, "ticket", &names, &n) != 0)
		return service_deadlines(r, sv, id);
	if (n > SLA_MAX_RULES)
		n = SLA_MAX_RULES;
	for (c = 0; c < 2; c++) {
		v[c] = sv->alloc(r, (n ? n : 1) * sizeof(*v[c]));
		ctx[0] = (struct kiln_kv)KV_S("clock", service_clock_names[c]);
		if (n > 0)
			sv->rules(r, names, n, "ticket", rec, nrec, ctx, nctx,
			    v[c]);
	}
	if (store(r, sv, id, v, n) != 0)
		return -1;
	return service_deadlines(r, sv, id);
}

/* "3 h 20 min" of business seconds. */
static const char *
span(struct kiln_req *r, const struct kiln_services *sv, long long secs)
{
	char	*s = sv->alloc(r, 64);

	if (secs < 0)
		secs = -secs;
	if (secs >= 3600)
		snprintf(s, 64, _("%lld h %02lld min"), secs / 3600,
		    secs % 3600 / 60);
	else
		snprintf(s, 64, _("%lld min"), secs / 60);
	return s;
}

/* One clock's line: met or missed, or the business time left. */
static void
clock_line(struct kiln_req *r, const struct kiln_services *sv,
    const char *label, const char *due, const char *at, int paused)
{
	char		 now[SERVICE_TIMESZ];
	long long	 left;

	sv->open(r, "dt");
	sv->text(r, label);
	sv->close(r);
	sv->open(r, "dd");
	if (*due == '\0') {
		sv->text(r, _("no deadline"));
		sv->close(r);
		return;
	}
	sv->open(r, "time");
	sv->attr(r, "datetime", due);
	sv->text(r, sv->show_time(r, due));
	sv->close(r);
	sv->text(r, " \u2014 ");
	service_now(now);
	sv->open(r, "span");
	if (*at != '\0') {
		sv->attr(r, "class", strcmp(at, due) <= 0 ? "ok" : "bad");
		sv->text(r, strcmp(at, due) <= 0 ? _("met") : _("missed"));
	} else if (paused) {
		sv->attr(r, "class", "paused");
		sv->text(r, _("paused: waiting on the customer"));
	} else if (strcmp(now, due) < 0) {
		left = sv->work_between(r, now, due);
		sv->attr(r, "class", "left");
		sv->text(r, span(r, sv, left));
		sv->text(r, _(" left in business hours"));
	} else {
		left = sv->work_between(r, due, now);
		sv->attr(r, "class", "bad");
		sv->text(r, _("overdue by "));
		sv->text(r, span(r, sv, left));
	}
	sv->close(r);
	sv->close(r);
}

/* The deadlines and what the rules said, on the ticket's page. */
void
service_sla_page(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	int			 any = 0;

	if ((st = sv->sql(r, "SELECT first_response_due, first_response_at,"
	    " resolution_due, resolved_at, status = 'waiting_customer' FROM"
	    " tickets WHERE id = ?1")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		sv->open(r, "section");
		sv->attr(r, "class", "sla");
		sv->open(r, "h2");
		sv->text(r, _("Service level"));
		sv->close(r);
		sv->open(r, "dl");
		clock_line(r, sv, _("First response"), sv->col_text(st, 0),
		    sv->col_text(st, 1), 0);
		clock_line(r, sv, _("Resolution"), sv->col_text(st, 2),
		    sv->col_text(st, 3), (int)sv->col_int(st, 4));
		sv->close(r);
		any = 1;
	}
	sv->done(st);
	if (!any)
		return;
	if ((st = sv->sql(r, "SELECT clock, rule, result, message FROM"
	    " ticket_verdicts WHERE ticket = ?1 AND (result <> 'pass' OR"
	    " message <> '') ORDER BY seq")) != NULL) {
		sv->bind_int(st, 1, id);
		any = 0;
		while (sv->step(st) == 1) {
			if (!any++)
				sv->open(r, "ul");
			sv->open(r, "li");
			sv->attr(r, "class", sv->col_text(st, 2));
			sv->text(r, sv->col_text(st, 1));
			sv->text(r, " (");
			sv->text(r, sv->show_enum(r, sv->col_text(st, 0)));
			sv->text(r, "): ");
			sv->text(r, sv->col_text(st, 3));
			sv->close(r);
		}
		if (any)
			sv->close(r);
		sv->done(st);
	}
	sv->close(r);	/* section */
}

/* <evaluation> as on orders and deals, each verdict with its clock. */
void
service_sla_xml(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	char			 min[24];

	if ((st = sv->sql(r, "SELECT clock, rule, result, message,"
	    " coalesce(minutes, 0) FROM ticket_verdicts WHERE ticket = ?1"
	    " ORDER BY seq")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->open(r, "evaluation");
	while (sv->step(st) == 1) {
		sv->open(r, "verdict");
		sv->attr(r, "clock", sv->col_text(st, 0));
		sv->attr(r, "rule", sv->col_text(st, 1));
		sv->attr(r, "result", sv->col_text(st, 2));
		if (sv->col_int(st, 4) > 0) {
			snprintf(min, sizeof(min), "%lld", sv->col_int(st, 4));
			sv->attr(r, "minutes", min);
		}
		sv->text(r, sv->col_text(st, 3));
		sv->close(r);
	}
	sv->close(r);
	sv->done(st);
}
