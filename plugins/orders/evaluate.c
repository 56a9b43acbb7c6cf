/*
 * evaluate.c - POST /orders/#/submit: every order rule in lua/ judges
 * the order, its customer and the customer's history; the verdicts are
 * stored and decide the status (any reject: rejected; else any hold:
 * on_hold; else approved).  All of it in one BEGIN IMMEDIATE
 * transaction, so the exposure a rule sees is the exposure committed:
 * two orders submitted at once cannot both slip under a credit limit.
 * A rule that fails leaves the order a draft, with the rule's message.
 */
#include <stdio.h>
#include <string.h>

#include "orders.h"

/* User-visible text goes through the host's catalogue. */
#define _(s)	sv->tr(s)

static const char *const order_rules[] = {
	"credit", "overdue", "discount", "delivery", "payment_terms", NULL
};

static const char *const result_names[] = {
	"pass", "warn", "hold", "reject", "error"
};

#define NRULES	(sizeof(order_rules) / sizeof(order_rules[0]) - 1)

static int	 set_status(struct kiln_req *, const struct kiln_services *,
		    long long, const char *, const char *);

/* What the rules are given: the order, and around it. */
struct facts {
	char		 status[32];
	char		 terms[16];
	char		 requested[16];
	char		 segment[32];
	char		 today[16];
	long long	 total;
	long long	 customer;
	long long	 credit_limit;
	long long	 exposure;
	long long	 overdue_days;
	long long	 overdue_amount;
	long long	 lines;
	long long	 max_discount;
	long long	 max_lead;
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

/* The order's status into status ("" when there is no such order). */
static void
order_status(struct kiln_req *r, const struct kiln_services *sv, long long id,
    char *status, size_t n)
{
	struct kiln_stmt	*st;

	*status = '\0';
	if ((st = sv->sql(r, "SELECT status FROM orders WHERE id = ?1")) ==
	    NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1)
		copy(status, n, sv->col_text(st, 0));
	sv->done(st);
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
	    " date('now') FROM orders o JOIN customers c"
	    " ON c.id = o.customer WHERE o.id = ?1");
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
	}
	sv->done(st);
	if (rc != 1)
		return -1;
	/* The lines: how many, the largest discount, the longest lead time. */
	if ((st = sv->sql(r, "SELECT count(*), coalesce(max(l.discount_pct),"
	    " 0), coalesce(max(p.lead_time_days), 0) FROM order_lines l"
	    " JOIN products p ON p.id = l.product WHERE l.\"order\" = ?1"))
	    == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if ((rc = one(sv, st)) == 1) {
		f->lines = sv->col_int(st, 0);
		f->max_discount = sv->col_int(st, 1);
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
	/* Invoices past due and still unpaid. */
	if ((st = sv->sql(r, "SELECT coalesce(max(CAST(julianday('now') -"
	    " julianday(due_date) AS INTEGER)), 0), coalesce(sum("
	    "invoiced_amount - paid_amount), 0) FROM orders WHERE customer ="
	    " ?1 AND status = 'invoiced' AND due_date <> ''"
	    " AND due_date < date('now')")) == NULL)
		return -1;
	sv->bind_int(st, 1, f->customer);
	if ((rc = one(sv, st)) == 1) {
		f->overdue_days = sv->col_int(st, 0);
		f->overdue_amount = sv->col_int(st, 1);
	}
	sv->done(st);
	return rc == 1 ? 0 : -1;
}

#define KV_S(k, v)	{ (k), KILN_KV_STR, (v), 0 }
#define KV_I(k, v)	{ (k), KILN_KV_INT, NULL, (v) }

/* The facts of judge(), as a rule's context, for `kiln rules test`. */
size_t
orders_context(struct kiln_req *r, const struct kiln_services *sv,
    long long id, struct kiln_kv *out, size_t max)
{
	struct facts	*f = sv->alloc(r, sizeof(*f));
	size_t		 n = 0;

	if (f == NULL || max < 10 || gather(r, sv, id, f) == -1)
		return 0;
	out[n++] = (struct kiln_kv)KV_S("today", f->today);
	out[n++] = (struct kiln_kv)KV_S("customer_segment", f->segment);
	out[n++] = (struct kiln_kv)KV_I("credit_limit", f->credit_limit);
	/* As if submitted now: this order counts in the exposure. */
	out[n++] = (struct kiln_kv)KV_I("exposure", f->exposure);
	out[n++] = (struct kiln_kv)KV_I("overdue_days", f->overdue_days);
	out[n++] = (struct kiln_kv)KV_I("overdue_amount", f->overdue_amount);
	out[n++] = (struct kiln_kv)KV_I("lines", f->lines);
	out[n++] = (struct kiln_kv)KV_I("max_discount_pct", f->max_discount);
	out[n++] = (struct kiln_kv)KV_I("max_lead_time_days", f->max_lead);
	return n;
}

/* Judge the order with every rule; 0, or -1 when a rule failed (*bad). */
static int
judge(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct facts *f, struct kiln_verdict *v, size_t *bad)
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
		KV_I("credit_limit", f->credit_limit),
		KV_I("exposure", f->exposure),
		KV_I("overdue_days", f->overdue_days),
		KV_I("overdue_amount", f->overdue_amount),
		KV_I("lines", f->lines),
		KV_I("max_discount_pct", f->max_discount),
		KV_I("max_lead_time_days", f->max_lead),
	};
	size_t			 i;

	for (i = 0; i < NRULES; i++) {
		sv->rule(r, order_rules[i], "order", rec,
		    sizeof(rec) / sizeof(rec[0]), ctx,
		    sizeof(ctx) / sizeof(ctx[0]), &v[i]);
		if (v[i].result == KILN_RULE_ERROR) {
			*bad = i;
			return -1;
		}
	}
	return 0;
}

/*
 * The customer's credit_status after an order of theirs changed: the
 * credit_status rule's "credit" hook on its limit, exposure and overdue
 * days.  Best effort: a failing rule leaves the old status and says so
 * in the log, it does not undo the order's change.
 */
void
orders_credit_status(struct kiln_req *r, const struct kiln_services *sv,
    long long customer)
{
	struct kiln_stmt	*st;
	struct kiln_verdict	 v;
	long long		 limit = 0, exposure = 0, overdue = 0;
	const char		*status;

	if ((st = sv->sql(r, "SELECT c.credit_limit, coalesce((SELECT amount"
	    " FROM order_exposure WHERE customer = c.id), 0), (SELECT coalesce(max(CAST(julianday('now') -"
	    " julianday(o.due_date) AS INTEGER)), 0) FROM orders o"
	    " WHERE o.customer = c.id AND o.status = 'invoiced' AND"
	    " o.due_date <> '' AND o.due_date < date('now'))"
	    " FROM customers c WHERE c.id = ?1")) == NULL)
		return;
	sv->bind_int(st, 1, customer);
	if (sv->step(st) == 1) {
		limit = sv->col_int(st, 0);
		exposure = sv->col_int(st, 1);
		overdue = sv->col_int(st, 2);
	}
	sv->done(st);
	{
		const struct kiln_kv	 rec[] = {
			KV_I("id", customer), KV_I("credit_limit", limit),
		};
		const struct kiln_kv	 ctx[] = {
			KV_I("exposure", exposure),
			KV_I("overdue_days", overdue),
		};

		sv->rule(r, "credit_status", "credit", rec, 2, ctx, 2, &v);
	}
	if (v.result == KILN_RULE_ERROR) {
		sv->log(KILN_LOG_WARN, "%s", v.message);
		return;
	}
	status = v.result == KILN_PASS ? "ok" : v.result == KILN_WARN ?
	    "watch" : "hold";
	if ((st = sv->sql(r, "UPDATE customers SET credit_status = ?2"
	    " WHERE id = ?1 AND credit_status <> ?2")) == NULL)
		return;
	sv->bind_int(st, 1, customer);
	sv->bind_text(st, 2, status);
	(void)sv->step(st);
	sv->done(st);
}

static const char *
outcome(const struct kiln_verdict *v)
{
	size_t	 i;
	int	 hold = 0;

	for (i = 0; i < NRULES; i++) {
		if (v[i].result == KILN_REJECT)
			return "rejected";
		hold |= v[i].result == KILN_HOLD;
	}
	return hold ? "on_hold" : "approved";
}

/* Verdicts, status, history and audit: the writes of a submission. */
static int
record(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct kiln_verdict *v, const char *status)
{
	struct kiln_stmt	*st;
	size_t			 i;
	int			 rc;

	if ((st = sv->sql(r, "DELETE FROM order_verdicts WHERE \"order\" ="
	    " ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	rc = sv->step(st);
	sv->done(st);
	for (i = 0; rc == 0 && i < NRULES; i++) {
		if ((st = sv->sql(r, "INSERT INTO order_verdicts (\"order\","
		    " rule, result, message, at) VALUES (?1, ?2, ?3, ?4,"
		    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))")) == NULL)
			return -1;
		sv->bind_int(st, 1, id);
		sv->bind_text(st, 2, order_rules[i]);
		sv->bind_text(st, 3, result_names[v[i].result]);
		sv->bind_text(st, 4, v[i].message);
		rc = sv->step(st);
		sv->done(st);
	}
	if (rc != 0)
		return -1;
	return set_status(r, sv, id, status, "");
}

static int
answer(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct kiln_verdict *v, const char *status)
{
	char	 path[64], num[24];
	size_t	 i;

	if (!sv->wants_xml(r)) {
		snprintf(path, sizeof(path), "/orders/%lld", id);
		return sv->redirect(r, path);
	}
	sv->begin(r, 200, "submission", "Submission");
	snprintf(num, sizeof(num), "%lld", id);
	sv->attr(r, "order", num);
	sv->attr(r, "status", status);
	for (i = 0; i < NRULES; i++) {
		sv->open(r, "verdict");
		sv->attr(r, "rule", order_rules[i]);
		sv->attr(r, "result", result_names[v[i].result]);
		sv->text(r, v[i].message);
		sv->close(r);
	}
	return sv->end(r);
}

/*
 * Open the write transaction on an order the user may change and read
 * its status.  0, or -1 once an error has been answered (and the
 * transaction rolled back).
 */
static int
begin_order(struct kiln_req *r, const struct kiln_services *sv, long long id,
    char *status, size_t n)
{
	int			 acc;

	if (sv->begin_write(r) != 0) {
		sv->error(r, 503, "busy", _("The database is busy; try again."));
		return -1;
	}
	if ((acc = sv->access(r, "order", id)) != 1) {
		sv->rollback(r);
		if (acc < 0)
			sv->error(r, 404, "not_found", _("No such record."));
		else
			sv->error(r, 403, "forbidden",
			    _("You may not change this record."));
		return -1;
	}
	order_status(r, sv, id, status, n);
	return 0;
}

int
orders_submit(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_verdict	 v[NRULES];
	struct facts		 f;
	const char		*status;
	char			 now[32];
	long long		 id = sv->route_id(r);
	size_t			 bad = 0;

	if (begin_order(r, sv, id, now, sizeof(now)) == -1)
		return 0;
	if (gather(r, sv, id, &f) == -1) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (strcmp(f.status, "draft") != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict",
		    _("only a draft order can be submitted"));
	}
	if (f.lines == 0) {
		sv->rollback(r);
		return sv->error(r, 422, "invalid",
		    _("an order needs at least one line"));
	}
	/* A failed rule decides nothing: the order stays a draft. */
	if (judge(r, sv, id, &f, v, &bad) == -1) {
		sv->rollback(r);
		return sv->error(r, 409, "rule", v[bad].message);
	}
	status = outcome(v);
	if (record(r, sv, id, v, status) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	orders_credit_status(r, sv, f.customer);
	if (sv->commit(r) != 0)
		return sv->error(r, 503, "busy",
		    _("The database is busy; try again."));
	return answer(r, sv, id, v, status);
}

/* Recompute the credit status of the customer of order id. */
static void
credit_of_order(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	long long		 customer = 0;

	if ((st = sv->sql(r, "SELECT customer FROM orders WHERE id = ?1")) ==
	    NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1)
		customer = sv->col_int(st, 0);
	sv->done(st);
	if (customer > 0)
		orders_credit_status(r, sv, customer);
}

/* Set a status with its history row and audit entry. */
static int
set_status(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *status, const char *reason)
{
	struct kiln_stmt	*st;
	char			 detail[600];
	int			 rc;

	/* The database lets this code, not a PATCH, make the change. */
	if ((st = sv->sql(r, "INSERT INTO order_grants (\"order\", status)"
	    " VALUES (?1, ?2)")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, status);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0)
		return -1;
	if ((st = sv->sql(r, "UPDATE orders SET status = ?2,"
	    " version = version + 1, updated_at ="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, status);
	rc = sv->step(st);
	sv->done(st);
	if (rc == 0 && (st = sv->sql(r, "DELETE FROM order_grants"
	    " WHERE \"order\" = ?1")) != NULL) {
		sv->bind_int(st, 1, id);
		rc = sv->step(st);
		sv->done(st);
	}
	if (rc != 0 || (st = sv->sql(r, "INSERT INTO order_history"
	    " (\"order\", status, by_login, at, reason) VALUES (?1, ?2, ?3,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?4)")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, status);
	sv->bind_text(st, 3, sv->user_login(r));
	sv->bind_text(st, 4, reason);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0)
		return -1;
	snprintf(detail, sizeof(detail), "%s%s%s", status, *reason ? ": " :
	    "", reason);
	return sv->audit(r, "status", "order", id, detail);
}

/*
 * POST /orders/#/approve and /reject with a reason: decide a held
 * order.  A manager decides their team's orders, finance any order.
 */
static int
decide(struct kiln_req *r, const struct kiln_services *sv, const char *to)
{
	const char		*reason = sv->param(r, "reason");
	const char		*role = sv->user_role(r);
	long long		 id = sv->route_id(r);
	char			 status[32] = "", path[64];
	int			 acc, allowed;

	if (reason == NULL || *reason == '\0' || strlen(reason) > 500)
		return sv->error(r, 422, "invalid",
		    _("Give the reason for the decision (at most 500 bytes)."));
	if (sv->begin_write(r) != 0)
		return sv->error(r, 503, "busy",
		    _("The database is busy; try again."));
	acc = sv->access(r, "order", id);
	allowed = (strcmp(role, "manager") == 0 && acc == 1) ||
	    strcmp(role, "finance") == 0 || strcmp(role, "admin") == 0;
	if (acc < 0 || !allowed) {
		sv->rollback(r);
		if (acc < 0)
			return sv->error(r, 404, "not_found",
			    _("No such record."));
		return sv->error(r, 403, "forbidden", _("Only a manager of"
		    " the team or finance decides a held order."));
	}
	order_status(r, sv, id, status, sizeof(status));
	if (strcmp(status, "on_hold") != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict",
		    _("only an order on hold can be approved or rejected"));
	}
	if (set_status(r, sv, id, to, reason) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	credit_of_order(r, sv, id);
	if (sv->commit(r) != 0)
		return sv->error(r, 503, "busy",
		    _("The database is busy; try again."));
	if (sv->wants_xml(r)) {
		sv->begin(r, 200, "decision", "Decision");
		snprintf(path, sizeof(path), "%lld", id);
		sv->attr(r, "order", path);
		sv->attr(r, "status", to);
		sv->text(r, reason);
		return sv->end(r);
	}
	snprintf(path, sizeof(path), "/orders/%lld", id);
	return sv->redirect(r, path);
}

int
orders_approve(struct kiln_req *r, const struct kiln_services *sv)
{
	return decide(r, sv, "approved");
}

int
orders_reject(struct kiln_req *r, const struct kiln_services *sv)
{
	return decide(r, sv, "rejected");
}

/* A tracking step by PATCH: into the history, with who and when. */
int
orders_changed(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const struct kiln_kv *before, const struct kiln_kv *after,
    size_t n)
{
	struct kiln_stmt	*st;
	size_t			 i;
	int			 rc;

	for (i = 0; i < n; i++)
		if (strcmp(after[i].key, "status") == 0)
			break;
	if (i == n || before[i].s == NULL || after[i].s == NULL ||
	    strcmp(before[i].s, after[i].s) == 0)
		return 0;
	if ((st = sv->sql(r, "INSERT INTO order_history (\"order\", status,"
	    " by_login, at, reason) VALUES (?1, ?2, ?3,"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), '')")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, after[i].s);
	sv->bind_text(st, 3, sv->user_login(r));
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0)
		return -1;
	credit_of_order(r, sv, id);
	return 0;
}

static void
money_elem(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, long long v)
{
	sv->open(r, name);
	sv->attr(r, "currency", sv->currency(r));
	sv->text(r, sv->money(r, v));
	sv->close(r);
}

/*
 * An order's verdicts and history in XML: one element per row, the
 * leading columns as attributes, the last column as text.
 */
struct rows_decl {
	const char	*sql;
	const char	*list;
	const char	*item;
	const char	*attrs[4];	/* NULL-terminated */
};

static const struct rows_decl verdict_rows = {
	"SELECT rule, result, message FROM order_verdicts"
	" WHERE \"order\" = ?1 ORDER BY id",
	"evaluation", "verdict", { "rule", "result", NULL }
};

static const struct rows_decl history_rows = {
	"SELECT status, by_login, at, reason FROM order_history"
	" WHERE \"order\" = ?1 ORDER BY id",
	"history", "event", { "status", "by", "at", NULL }
};

static void
rows_xml(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct rows_decl *d)
{
	struct kiln_stmt	*st;
	int			 i;

	if ((st = sv->sql(r, d->sql)) == NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->open(r, d->list);
	while (sv->step(st) == 1) {
		sv->open(r, d->item);
		for (i = 0; d->attrs[i] != NULL; i++)
			sv->attr(r, d->attrs[i], sv->col_text(st, i));
		sv->text(r, sv->col_text(st, i));
		sv->close(r);
	}
	sv->close(r);
	sv->done(st);
}

/*
 * The order document's lines, evaluation and history, as the ERP
 * reads them (api.md, "An order in XML").
 */
void
orders_xml(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	char			 num[24];

	if ((st = sv->sql(r, "SELECT l.id, l.product, p.name, l.quantity,"
	    " l.unit_price, l.discount_pct, l.line_total FROM order_lines l"
	    " JOIN products p ON p.id = l.product WHERE l.\"order\" = ?1"
	    " ORDER BY l.id")) != NULL) {
		sv->bind_int(st, 1, id);
		sv->open(r, "lines");
		while (sv->step(st) == 1) {
			sv->open(r, "line");
			snprintf(num, sizeof(num), "%lld", sv->col_int(st, 0));
			sv->attr(r, "id", num);
			sv->open(r, "product");
			snprintf(num, sizeof(num), "%lld", sv->col_int(st, 1));
			sv->attr(r, "id", num);
			sv->text(r, sv->col_text(st, 2));
			sv->close(r);
			sv->open(r, "quantity");
			sv->text(r, sv->col_text(st, 3));
			sv->close(r);
			money_elem(r, sv, "unit_price", sv->col_int(st, 4));
			sv->open(r, "discount_pct");
			sv->text(r, sv->col_text(st, 5));
			sv->close(r);
			money_elem(r, sv, "line_total", sv->col_int(st, 6));
			sv->close(r);
		}
		sv->close(r);
		sv->done(st);
	}
	rows_xml(r, sv, id, &verdict_rows);
	rows_xml(r, sv, id, &history_rows);
}

/*
 * POST /orders/#/reopen: a held or rejected order back to draft, to be
 * changed and submitted again.  Nothing gets around a hold this way:
 * the only way out of draft is another evaluation.
 */
int
orders_reopen(struct kiln_req *r, const struct kiln_services *sv)
{
	long long		 id = sv->route_id(r);
	char			 status[32], path[64];

	if (begin_order(r, sv, id, status, sizeof(status)) == -1)
		return 0;
	if (strcmp(status, "on_hold") != 0 && strcmp(status, "rejected") != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict",
		    _("only an order on hold or rejected can be reopened"));
	}
	if (set_status(r, sv, id, "draft", "reopened") != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	credit_of_order(r, sv, id);
	if (sv->commit(r) != 0)
		return sv->error(r, 503, "busy",
		    _("The database is busy; try again."));
	snprintf(path, sizeof(path), "/orders/%lld", id);
	if (sv->wants_xml(r)) {
		sv->begin(r, 200, "decision", "Decision");
		snprintf(status, sizeof(status), "%lld", id);
		sv->attr(r, "order", status);
		sv->attr(r, "status", "draft");
		sv->text(r, "reopened");
		return sv->end(r);
	}
	return sv->redirect(r, path);
}

/* A small form posting to /orders/ID/ACTION, with a reason field. */
static void
action_form(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *action, const char *label, int reason)
{
	char	 path[64];

	snprintf(path, sizeof(path), "/orders/%lld/%s", id, action);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "inline");
	sv->attr(r, "action", sv->url(r, path));
	sv->csrf(r);
	if (reason) {
		sv->open(r, "input");
		sv->attr(r, "name", "reason");
		sv->attr(r, "required", "required");
		sv->attr(r, "aria-label", _("Reason"));
		sv->attr(r, "placeholder", _("Reason"));
		sv->close(r);
	}
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, label);
	sv->close(r);
	sv->close(r);
}

/*
 * The order's life on its page: promised against actual dates, what is
 * late, and every status with who and when.
 */
static void
timeline(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	int			 late_delivery = 0, late_payment = 0;

	if ((st = sv->sql(r, "SELECT promised_date <> '' AND promised_date <"
	    " date('now') AND status IN ('approved', 'in_production',"
	    " 'shipped'), coalesce(due_date, '') <> '' AND due_date <"
	    " date('now') AND status = 'invoiced' FROM orders WHERE id = ?1"))
	    != NULL) {
		sv->bind_int(st, 1, id);
		if (sv->step(st) == 1) {
			late_delivery = (int)sv->col_int(st, 0);
			late_payment = (int)sv->col_int(st, 1);
		}
		sv->done(st);
	}
	if (late_delivery || late_payment) {
		sv->open(r, "p");
		sv->attr(r, "class", "late");
		sv->attr(r, "role", "alert");
		sv->text(r, late_delivery ? _("Late: the promised date has"
		    " passed and the order is not delivered.") : _("Late: the"
		    " payment is past due."));
		sv->close(r);
	}
	if ((st = sv->sql(r, "SELECT status, by_login, at, reason FROM"
	    " order_history WHERE \"order\" = ?1 ORDER BY id")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->open(r, "section");
	sv->attr(r, "class", "timeline");
	sv->open(r, "h2");
	sv->text(r, _("Timeline"));
	sv->close(r);
	sv->open(r, "ol");
	while (sv->step(st) == 1) {
		sv->open(r, "li");
		sv->open(r, "time");
		sv->text(r, sv->col_text(st, 2));
		sv->close(r);
		sv->text(r, " ");
		sv->open(r, "b");
		sv->text(r, sv->tr(sv->col_text(st, 0)));
		sv->close(r);
		sv->text(r, " \u2014 ");
		sv->text(r, sv->col_text(st, 1));
		if (*sv->col_text(st, 3) != '\0') {
			sv->text(r, ": ");
			sv->text(r, sv->col_text(st, 3));
		}
		sv->close(r);
	}
	sv->close(r);
	sv->close(r);
	sv->done(st);
}

/* Where to go from an order: late orders, and the rules' dry run. */
static void
links(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	char	 path[64];

	sv->open(r, "p");
	sv->attr(r, "class", "links");
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, "/orders/late"));
	sv->text(r, _("Late orders"));
	sv->close(r);
	if (strcmp(sv->user_role(r), "admin") == 0) {
		snprintf(path, sizeof(path), "/orders/%lld/rules", id);
		sv->text(r, " \u00b7 ");
		sv->open(r, "a");
		sv->attr(r, "href", sv->url(r, path));
		sv->text(r, _("Rules on this order"));
		sv->close(r);
	}
	sv->close(r);
}

/* The order's page: submit button, verdicts, status history. */
void
orders_page(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	const char		*role;
	char			 status[32] = "";
	int			 any;

	order_status(r, sv, id, status, sizeof(status));
	role = sv->user_role(r);
	if (strcmp(status, "draft") == 0 && sv->access(r, "order", id) == 1)
		action_form(r, sv, id, "submit", _("Submit for evaluation"), 0);
	if (strcmp(status, "on_hold") == 0 && (strcmp(role, "finance") == 0 ||
	    strcmp(role, "admin") == 0 || (strcmp(role, "manager") == 0 &&
	    sv->access(r, "order", id) == 1))) {
		action_form(r, sv, id, "approve", _("Approve"), 1);
		action_form(r, sv, id, "reject", _("Reject"), 1);
	}
	if ((strcmp(status, "on_hold") == 0 || strcmp(status, "rejected") ==
	    0) && sv->access(r, "order", id) == 1)
		action_form(r, sv, id, "reopen", _("Reopen as draft"), 0);
	links(r, sv, id);
	if ((st = sv->sql(r, "SELECT rule, result, message FROM order_verdicts"
	    " WHERE \"order\" = ?1 ORDER BY id")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	for (any = 0; sv->step(st) == 1; any = 1) {
		if (!any) {
			sv->open(r, "section");
			sv->attr(r, "class", "verdicts");
			sv->open(r, "h2");
			sv->text(r, _("Evaluation"));
			sv->close(r);
			sv->open(r, "ul");
		}
		sv->open(r, "li");
		sv->attr(r, "class", sv->col_text(st, 1));
		sv->open(r, "b");
		sv->text(r, sv->col_text(st, 0));
		sv->close(r);
		sv->text(r, ": ");
		sv->text(r, sv->col_text(st, 1));
		if (*sv->col_text(st, 2) != '\0') {
			sv->text(r, " \u2014 ");
			sv->text(r, sv->col_text(st, 2));
		}
		sv->close(r);
	}
	sv->done(st);
	if (any) {
		sv->close(r);
		sv->close(r);
	}
	timeline(r, sv, id);
}

/* On a customer's page: its credit standing and its latest orders. */
void
orders_customer_page(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	char			 path[64];

	if ((st = sv->sql(r, "SELECT c.credit_limit, c.credit_status,"
	    " coalesce((SELECT amount FROM order_exposure WHERE customer ="
	    " c.id), 0), (SELECT coalesce(sum(o.invoiced_amount -"
	    " o.paid_amount), 0) FROM orders o WHERE o.customer = c.id AND"
	    " o.status = 'invoiced' AND o.due_date <> '' AND o.due_date <"
	    " date('now')) FROM customers c WHERE c.id = ?1")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		sv->open(r, "section");
		sv->attr(r, "class", "credit");
		sv->open(r, "h2");
		sv->text(r, _("Credit"));
		sv->close(r);
		sv->open(r, "dl");
		sv->attr(r, "class", "record");
		sv->open(r, "dt");
		sv->text(r, _("Credit status"));
		sv->close(r);
		sv->open(r, "dd");
		sv->attr(r, "class", sv->col_text(st, 1));
		sv->text(r, sv->tr(sv->col_text(st, 1)));
		sv->close(r);
		sv->open(r, "dt");
		sv->text(r, _("Exposure"));
		sv->close(r);
		sv->open(r, "dd");
		sv->text(r, sv->money(r, sv->col_int(st, 2)));
		sv->text(r, " / ");
		sv->text(r, sv->money(r, sv->col_int(st, 0)));
		sv->close(r);
		sv->open(r, "dt");
		sv->text(r, _("Overdue"));
		sv->close(r);
		sv->open(r, "dd");
		sv->text(r, sv->money(r, sv->col_int(st, 3)));
		sv->close(r);
		sv->close(r);
		sv->close(r);
	}
	sv->done(st);
	if ((st = sv->sql(r, "SELECT id, number, status, total, updated_at"
	    " FROM orders WHERE customer = ?1 ORDER BY id DESC LIMIT 20")) ==
	    NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->open(r, "section");
	sv->attr(r, "class", "orders");
	sv->open(r, "h2");
	sv->text(r, _("Orders"));
	sv->close(r);
	sv->open(r, "ul");
	while (sv->step(st) == 1) {
		sv->open(r, "li");
		snprintf(path, sizeof(path), "/orders/%lld", sv->col_int(st, 0));
		sv->open(r, "a");
		sv->attr(r, "href", sv->url(r, path));
		sv->text(r, sv->col_text(st, 1));
		sv->close(r);
		sv->text(r, " ");
		sv->text(r, sv->tr(sv->col_text(st, 2)));
		sv->text(r, " ");
		sv->text(r, sv->money(r, sv->col_int(st, 3)));
		sv->close(r);
	}
	sv->close(r);
	sv->close(r);
	sv->done(st);
}

/*
 * GET /orders/#/rules: what each order rule would decide for this
 * order now, without changing anything: for administrators trying a
 * rule file before they rely on it (the CLI has `kiln rules test`).
 */
int
orders_dry_run(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_verdict	 v[NRULES];
	struct facts		 f;
	long long		 id = sv->route_id(r);
	char			 num[24];
	size_t			 i, bad = 0;

	if (strcmp(sv->user_role(r), "admin") != 0)
		return sv->error(r, 403, "forbidden",
		    _("Only administrators try the rules."));
	if (sv->access(r, "order", id) < 0 || gather(r, sv, id, &f) == -1)
		return sv->error(r, 404, "not_found", _("No such record."));
	/* A failing rule stops the others; show what ran and the failure. */
	memset(v, 0, sizeof(v));
	if (judge(r, sv, id, &f, v, &bad) == -1)
		for (i = bad + 1; i < NRULES; i++)
			v[i].result = KILN_PASS;
	else
		bad = NRULES;
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
		sv->open(r, "ul");
	}
	for (i = 0; i < NRULES && i <= bad; i++) {
		sv->open(r, sv->wants_xml(r) ? "verdict" : "li");
		if (sv->wants_xml(r)) {
			sv->attr(r, "rule", order_rules[i]);
			sv->attr(r, "result", result_names[v[i].result]);
		} else {
			sv->attr(r, "class", result_names[v[i].result]);
			sv->open(r, "b");
			sv->text(r, order_rules[i]);
			sv->close(r);
			sv->text(r, ": ");
			sv->text(r, result_names[v[i].result]);
			if (v[i].message[0])
				sv->text(r, " \u2014 ");
		}
		sv->text(r, v[i].message);
		sv->close(r);
	}
	return sv->end(r);
}

/*
 * GET /orders/late: orders past their promised date and not yet
 * delivered, and invoices past due and unpaid, among those the user
 * may see.
 */
int
orders_late(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 path[64], num[24];
	int			 any = 0;

	if ((st = sv->sql(r, "SELECT id, number, status, promised_date,"
	    " due_date FROM orders WHERE ((promised_date <> '' AND"
	    " promised_date < date('now') AND status IN ('approved',"
	    " 'in_production', 'shipped')) OR (coalesce(due_date, '') <> ''"
	    " AND due_date < date('now') AND status = 'invoiced'))"
	    " ORDER BY coalesce(nullif(promised_date, ''), due_date), id"
	    " LIMIT 500")) == NULL)
		return sv->error(r, 500, "internal", _("Internal error."));
	sv->begin(r, 200, "late", _("Late orders"));
	if (!sv->wants_xml(r)) {
		sv->open(r, "h1");
		sv->text(r, _("Late orders"));
		sv->close(r);
		sv->open(r, "ul");
	}
	while (sv->step(st) == 1) {
		/* Only what this user may read. */
		if (sv->access(r, "order", sv->col_int(st, 0)) < 0)
			continue;
		any = 1;
		snprintf(path, sizeof(path), "/orders/%lld",
		    sv->col_int(st, 0));
		if (sv->wants_xml(r)) {
			sv->open(r, "order");
			snprintf(num, sizeof(num), "%lld", sv->col_int(st, 0));
			sv->attr(r, "id", num);
			sv->attr(r, "href", sv->url(r, path));
			sv->attr(r, "status", sv->col_text(st, 2));
			sv->attr(r, "promised_date", sv->col_text(st, 3));
			sv->attr(r, "due_date", sv->col_text(st, 4));
			sv->text(r, sv->col_text(st, 1));
			sv->close(r);
			continue;
		}
		sv->open(r, "li");
		sv->open(r, "a");
		sv->attr(r, "href", sv->url(r, path));
		sv->text(r, sv->col_text(st, 1));
		sv->close(r);
		sv->text(r, " ");
		sv->text(r, sv->tr(sv->col_text(st, 2)));
		sv->text(r, " ");
		sv->text(r, *sv->col_text(st, 3) ? sv->col_text(st, 3) :
		    sv->col_text(st, 4));
		sv->close(r);
	}
	sv->done(st);
	if (!sv->wants_xml(r) && !any) {
		sv->open(r, "li");
		sv->text(r, _("Nothing is late."));
		sv->close(r);
	}
	return sv->end(r);
}

/*
 * An order sent with its lines (api.md: <lines><line><product id="3"/>
 * <quantity>5</quantity>...</line></lines>): each line is created
 * through the host, in the order's transaction; one bad line undoes
 * the order.
 */
int
orders_created(struct kiln_req *r, const struct kiln_services *sv,
    long long id, char *err, size_t errsz)
{
	static const char *const keys[] = {
		"product", "quantity", "unit_price", "discount_pct"
	};
	struct kiln_kv	 kv[5];
	char		 why[400];
	long long	 lid;
	size_t		 i, k, n, nkv;

	n = sv->items(r, "lines");
	for (i = 0; i < n; i++) {
		kv[0] = (struct kiln_kv)KV_I("order", id);
		nkv = 1;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (sv->item(r, "lines", i, keys[k]) != NULL)
				kv[nkv++] = (struct kiln_kv)KV_S(keys[k],
				    sv->item(r, "lines", i, keys[k]));
		if (sv->create(r, "order_line", kv, nkv, &lid, why,
		    sizeof(why)) != 0) {
			snprintf(err, errsz, "line %zu: %s", i + 1, why);
			return -1;
		}
	}
	return 0;
}

/* Only a draft is changed through its page. */
int
orders_editable(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	char			 status[32];

	order_status(r, sv, id, status, sizeof(status));
	return strcmp(status, "draft") == 0;
}
