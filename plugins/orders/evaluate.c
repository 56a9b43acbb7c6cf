/*
 * evaluate.c - POST /orders/#/submit: every rule file with an `order`
 * hook (in file-name order; an administrator adds one by dropping a
 * file into the rules directory) judges the order, its customer and
 * the customer's history; the verdicts are stored and decide the status
 * (any reject: rejected; else any hold: on_hold; else approved).  All
 * of it in one BEGIN IMMEDIATE transaction, so the exposure a rule sees
 * is the exposure committed: two orders submitted at once cannot both
 * slip under a credit limit.  A rule that fails leaves the order a
 * draft, with the rule's message.
 */
#include <stdio.h>
#include <string.h>

#include "orders.h"

static const char *const result_names[] = {
	"pass", "warn", "hold", "reject", "error"
};

/* The order rules of this request and their verdicts. */
struct judgement {
	const char *const	*names;
	size_t			 n;
	struct kiln_verdict	*v;
};

/*
 * A line's discount from its list price in 1/100 %, rounded: what is
 * left of the list price is unit price x (100 - discount %) / list.
 */
#define EFFECTIVE_BP(l) "CASE WHEN " l "list_price > 0 THEN 10000 - (" \
	l "unit_price * (100 - " l "discount_pct) * 200 + " l "list_price)" \
	" / (2 * " l "list_price) ELSE " l "discount_pct * 100 END"

/* What the rules are given: the order, and around it. */
struct facts {
	char		 status[32];
	char		 terms[16];
	char		 requested[16];
	char		 segment[32];
	char		 customer_terms[16];	/* granted by finance */
	char		 today[16];
	long long	 total;
	long long	 customer;
	long long	 credit_limit;
	long long	 exposure;
	long long	 overdue_days;
	long long	 overdue_amount;
	long long	 lines;
	long long	 max_discount;		/* whole %, rounded up */
	long long	 max_discount_bp;	/* 1/100 % */
	long long	 max_lead;
	long long	 verdicts;	/* stored from the last submission */
};

static void
copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* One row of one statement: 1 read, 0 none, -1 error. */
static int
one(const struct kiln_services *sv, struct kiln_stmt *st)
{
	return st == NULL ? -1 : sv->step(st);
}

static int
gather(struct kiln_req *r, const struct kiln_services *sv, long long id,
    struct facts *f)
{
	struct kiln_stmt	*st;
	int			 rc;

	memset(f, 0, sizeof(*f));
	st = sv->sql(r, "SELECT o.status, o.total, o.payment_terms,"
	    " o.requested_date, o.customer, c.segment, c.credit_limit,"
	    " " TODAY ", c.payment_terms, (SELECT count(*) FROM"
	    " order_verdicts v WHERE v.\"order\" = o.id) FROM orders o"
	    " JOIN customers c ON c.id = o.customer WHERE o.id = ?1");
	if (st == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if ((rc = one(sv, st)) == 1) {
		copy(f->status, sizeof(f->status), sv->col_text(st, 0));
		f->total = sv->col_int(st, 1);
		copy(f->terms, sizeof(f->terms), sv->col_text(st, 2));
		copy(f->requested, sizeof(f->requested), sv->col_text(st, 3));
		f->customer = sv->col_int(st, 4);
		copy(f->segment, sizeof(f->segment), sv->col_text(st, 5));
		f->credit_limit = sv->col_int(st, 6);
		copy(f->today, sizeof(f->today), sv->col_text(st, 7));
		copy(f->customer_terms, sizeof(f->customer_terms),
		    sv->col_text(st, 8));
		f->verdicts = sv->col_int(st, 9);
	}
	sv->done(st);
	if (rc != 1)
		return -1;
	/*
	 * The lines: how many, the largest discount, the longest lead time.
	 * A line's discount is what its price and discount_pct together
	 * take off the list price: a low price is a discount like any other.
	 */
	if ((st = sv->sql(r, "SELECT count(*), coalesce(max(" EFFECTIVE_BP("l.")
	    "), 0), coalesce(max(p.lead_time_days), 0) FROM order_lines l"
	    " JOIN products p ON p.id = l.product WHERE l.\"order\" = ?1"))
	    == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if ((rc = one(sv, st)) == 1) {
		f->lines = sv->col_int(st, 0);
		f->max_discount_bp = sv->col_int(st, 1);
		if (f->max_discount_bp < 0)
			f->max_discount_bp = 0;		/* above list: none */
		f->max_discount = (f->max_discount_bp + 99) / 100;
		f->max_lead = sv->col_int(st, 2);
	}
	sv->done(st);
	if (rc != 1)
		return -1;
	/* Exposure: unpaid invoices and open orders, then this one. */
	/* A draft owes nothing yet: the kept sum plus this order. */
	if ((st = sv->sql(r, "SELECT coalesce((SELECT amount FROM"
	    " order_exposure WHERE customer = ?1), 0)")) == NULL)
		return -1;
	sv->bind_int(st, 1, f->customer);
	if ((rc = one(sv, st)) == 1)
		f->exposure = sv->col_int(st, 0) +
		    (strcmp(f->status, "draft") == 0 ? f->total : 0);
	sv->done(st);
	if (rc != 1)
		return -1;
	/* Invoices past due and still unpaid; whole days (credit.c). */
	if ((st = sv->sql(r, "SELECT coalesce(max(CAST(julianday(" TODAY ")"
	    " - julianday(due_date) AS INTEGER)), 0), coalesce(sum("
	    "invoiced_amount - paid_amount), 0) FROM orders WHERE customer ="
	    " ?1 AND " OVERDUE(""))) == NULL)
		return -1;
	sv->bind_int(st, 1, f->customer);
	if ((rc = one(sv, st)) == 1) {
		f->overdue_days = sv->col_int(st, 0);
		f->overdue_amount = sv->col_int(st, 1);
	}
	sv->done(st);
	return rc == 1 ? 0 : -1;
}

/* The facts of judge(), as a rule's context, for `kiln rules test`. */
size_t
orders_context(struct kiln_req *r, const struct kiln_services *sv,
    long long id, struct kiln_kv *out, size_t max)
{
	struct facts	*f = sv->alloc(r, sizeof(*f));
	size_t		 n = 0;

	if (f == NULL || max < 12 || gather(r, sv, id, f) == -1)
		return 0;
	out[n++] = (struct kiln_kv)KV_S("today", f->today);
	out[n++] = (struct kiln_kv)KV_S("customer_segment", f->segment);
	out[n++] = (struct kiln_kv)KV_S("customer_terms", f->customer_terms);
	out[n++] = (struct kiln_kv)KV_I("credit_limit", f->credit_limit);
	/* As if submitted now: this order counts in the exposure. */
	out[n++] = (struct kiln_kv)KV_I("exposure", f->exposure);
	out[n++] = (struct kiln_kv)KV_I("overdue_days", f->overdue_days);
	out[n++] = (struct kiln_kv)KV_I("overdue_amount", f->overdue_amount);
	out[n++] = (struct kiln_kv)KV_I("lines", f->lines);
	out[n++] = (struct kiln_kv)KV_I("max_discount_pct", f->max_discount);
	out[n++] = (struct kiln_kv)KV_I("max_discount_bp", f->max_discount_bp);
	out[n++] = (struct kiln_kv)KV_I("max_lead_time_days", f->max_lead);
	return n;
}

/*
 * Judge the order with every order rule there is now (all run): 0; -1
 * when one failed (*bad: the first); -2 when the rules are not loaded
 * or memory ran out (nothing judged).
 */
static int
judge(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct facts *f, struct judgement *j, size_t *bad)
{
	const struct kiln_kv	 rec[] = {
		KV_I("id", id), KV_I("total", f->total),
		KV_S("payment_terms", f->terms),
		KV_S("requested_date", f->requested),
		KV_S("status", f->status), KV_I("customer", f->customer),
	};
	const struct kiln_kv	 ctx[] = {
		KV_S("today", f->today), KV_S("user", sv->user_login(r)),
		KV_S("role", sv->user_role(r)),
		KV_S("customer_segment", f->segment),
		KV_S("customer_terms", f->customer_terms),
		KV_I("credit_limit", f->credit_limit),
		KV_I("exposure", f->exposure),
		KV_I("overdue_days", f->overdue_days),
		KV_I("overdue_amount", f->overdue_amount),
		KV_I("lines", f->lines),
		KV_I("max_discount_pct", f->max_discount),
		KV_I("max_discount_bp", f->max_discount_bp),
		KV_I("max_lead_time_days", f->max_lead),
	};
	size_t			 i;

	if (sv->rules_for(r, "order", &j->names, &j->n) == -1 ||
	    (j->v = sv->alloc(r, (j->n + 1) * sizeof(*j->v))) == NULL)
		return -2;
	/* One call: the tables are built once for all the hooks. */
	sv->rules(r, j->names, j->n, "order", rec,
	    sizeof(rec) / sizeof(rec[0]), ctx, sizeof(ctx) / sizeof(ctx[0]),
	    j->v);
	for (i = 0; i < j->n; i++)
		if (j->v[i].result == KILN_RULE_ERROR) {
			*bad = i;
			return -1;
		}
	return 0;
}

static const char *
outcome(const struct judgement *j)
{
	size_t	 i;
	int	 hold = 0;

	for (i = 0; i < j->n; i++) {
		if (j->v[i].result == KILN_REJECT)
			return "rejected";
		hold |= j->v[i].result == KILN_HOLD;
	}
	return hold ? "on_hold" : "approved";
}

/*
 * Verdicts, status, history and audit: the writes of a submission.  The
 * stored verdicts are exactly those of this submission: the set of
 * rules may have changed since the last one.
 */
static int
record(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct judgement *j, long long stored, const char *status)
{
	struct kiln_stmt	*st;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; rc == 0 && i < j->n; i++) {
		if ((st = sv->sql(r, "INSERT INTO order_verdicts (\"order\","
		    " pos, rule, result, message, at) VALUES (?1, ?2, ?3, ?4,"
		    " ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
		    " ON CONFLICT (\"order\", pos) DO UPDATE SET"
		    " rule = excluded.rule, result = excluded.result,"
		    " message = excluded.message, at = excluded.at")) == NULL)
			return -1;
		sv->bind_int(st, 1, id);
		sv->bind_int(st, 2, (long long)i + 1);
		sv->bind_text(st, 3, j->names[i]);
		sv->bind_text(st, 4, result_names[j->v[i].result]);
		sv->bind_text(st, 5, j->v[i].message);
		rc = sv->step(st);
		sv->done(st);
	}
	if (rc != 0)
		return -1;
	/* A rule removed since the last submission: its verdict goes too. */
	if (stored > (long long)j->n) {
		if ((st = sv->sql(r, "DELETE FROM order_verdicts WHERE"
		    " \"order\" = ?1 AND pos > ?2")) == NULL)
			return -1;
		sv->bind_int(st, 1, id);
		sv->bind_int(st, 2, (long long)j->n);
		rc = sv->step(st);
		sv->done(st);
		if (rc != 0)
			return -1;
	}
	return orders_set_status(r, sv, id, status, "");
}

static int
answer(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct judgement *j, const char *status)
{
	char	 path[64], num[24];
	size_t	 i;

	if (!sv->wants_xml(r)) {
		snprintf(path, sizeof(path), "/orders/%lld?done=submitted", id);
		return sv->redirect(r, path);
	}
	sv->begin(r, 200, "submission", "Submission");
	snprintf(num, sizeof(num), "%lld", id);
	sv->attr(r, "order", num);
	sv->attr(r, "status", status);
	for (i = 0; i < j->n; i++) {
		sv->open(r, "verdict");
		sv->attr(r, "rule", j->names[i]);
		sv->attr(r, "result", result_names[j->v[i].result]);
		sv->text(r, j->v[i].message);
		sv->close(r);
	}
	return sv->end(r);
}

int
orders_submit(struct kiln_req *r, const struct kiln_services *sv)
{
	struct judgement	 j;
	struct facts		 f;
	const char		*status;
	long long		 id = sv->route_id(r);
	size_t			 bad = 0;
	int			 rc;

	/* gather() reads the status with the rest of the facts. */
	if (orders_begin(r, sv, id, NULL, 0) == -1)
		return 0;
	if (gather(r, sv, id, &f) == -1) {
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (strcmp(f.status, "draft") != 0) {
		return sv->error(r, 409, "conflict",
		    _("only a draft order can be submitted"));
	}
	if (f.lines == 0) {
		return sv->error(r, 422, "invalid",
		    _("an order needs at least one line"));
	}
	/* A failed rule decides nothing: the order stays a draft. */
	if ((rc = judge(r, sv, id, &f, &j, &bad)) != 0) {
		return sv->error(r, 409, "rule", rc == -1 ? j.v[bad].message :
		    _("The business rules are not loaded; see the log."));
	}
	status = outcome(&j);
	if (record(r, sv, id, &j, f.verdicts, status) != 0) {
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	/* The facts are at hand: a rejected order owes nothing. */
	(void)orders_credit_judge(r, sv, f.customer, f.credit_limit,
	    f.exposure - (strcmp(status, "rejected") == 0 ? f.total : 0),
	    f.overdue_days);
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	return answer(r, sv, id, &j, status);
}

/*
 * GET /orders/#/rules: what each order rule would decide for this
 * order now, without changing anything: for administrators trying a
 * rule file before they rely on it (the CLI has `kiln rules test`).
 */
int
orders_dry_run(struct kiln_req *r, const struct kiln_services *sv)
{
	struct judgement	 j;
	struct facts		 f;
	long long		 id = sv->route_id(r);
	char			 num[24];
	size_t			 i, bad = 0;

	/* Administrators only: the route's roles. */
	if (sv->access(r, "order", id) < 0 || gather(r, sv, id, &f) == -1)
		return sv->error(r, 404, "not_found", _("No such record."));
	/* Every rule runs: a failing one is shown among the others. */
	if (judge(r, sv, id, &f, &j, &bad) == -2)
		return sv->error(r, 409, "rule",
		    _("The business rules are not loaded; see the log."));
	sv->begin(r, 200, "dry_run", _("Rules on this order"));
	snprintf(num, sizeof(num), "%lld", id);
	if (sv->wants_xml(r))
		sv->attr(r, "order", num);
	else {
		sv->open(r, "h1");
		sv->text(r, _("Rules on this order"));
		sv->close(r);
		sv->open(r, "p");
		sv->text(r, _("What each rule would decide now; nothing is"
		    " changed."));
		sv->close(r);
		if (j.n == 0) {
			sv->open(r, "p");
			sv->text(r, _("No rule file has an order hook: a"
			    " submission is approved."));
			sv->close(r);
		}
		sv->open(r, "ul");
	}
	for (i = 0; i < j.n; i++) {
		sv->open(r, sv->wants_xml(r) ? "verdict" : "li");
		if (sv->wants_xml(r)) {
			sv->attr(r, "rule", j.names[i]);
			sv->attr(r, "result", result_names[j.v[i].result]);
		} else {
			sv->attr(r, "class", result_names[j.v[i].result]);
			sv->open(r, "b");
			sv->text(r, sv->tr(j.names[i]));
			sv->close(r);
			sv->text(r, ": ");
			sv->text(r, orders_verdict_word(sv,
			    result_names[j.v[i].result]));
			if (j.v[i].message[0])
				sv->text(r, " \u2014 ");
		}
		sv->text(r, j.v[i].message);
		sv->close(r);
	}
	return sv->end(r);
}
