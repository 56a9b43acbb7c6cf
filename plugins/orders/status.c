/*
 * status.c - an order's status outside the rules' verdict: every change
 * with its history row and audit entry, decisions on held orders,
 * reopening and copying (both lead back through evaluation), tracking
 * steps made by PATCH, and the lines that come with a new order.
 */
#include <stdio.h>
#include <string.h>

#include "orders.h"

/* The order's status into status ("" when there is no such order). */
void
orders_status(struct kiln_req *r, const struct kiln_services *sv,
    long long id, char *status, size_t n)
{
	struct kiln_stmt	*st;

	*status = '\0';
	if ((st = sv->sql(r, "SELECT status FROM orders WHERE id = ?1")) ==
	    NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1)
		snprintf(status, n, "%s", sv->col_text(st, 0));
	sv->done(st);
}

/*
 * Open the write transaction on an order the user may change and read
 * its status (unless status is NULL: submit reads it with the rest).
 * 0, or -1 once an error has been answered (and the transaction rolled
 * back).
 */
int
orders_begin(struct kiln_req *r, const struct kiln_services *sv,
    long long id, char *status, size_t n)
{
	int			 acc;

	if (sv->begin_write(r) != 0) {
		sv->write_failed(r);
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
	if (status != NULL)
		orders_status(r, sv, id, status, n);
	return 0;
}

/* One event in an order's history: a status, who, when and why. */
static int
history(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *status, const char *reason)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, "INSERT INTO order_history (\"order\", seq,"
	    " status, by_login, at, reason) VALUES (?1, (SELECT"
	    " coalesce(max(seq), 0) + 1 FROM order_history WHERE \"order\" ="
	    " ?1), ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?4)")) ==
	    NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, status);
	sv->bind_text(st, 3, sv->user_login(r));
	sv->bind_text(st, 4, reason);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/* Set a status with its history row and audit entry. */
int
orders_set_status(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const char *status, const char *reason)
{
	struct kiln_stmt	*st;
	char			 detail[600];
	int			 rc;

	/*
	 * Bumping status_seq tells the database this code, not a PATCH,
	 * makes the change (trigger orders_status).
	 */
	if ((st = sv->sql(r, "UPDATE orders SET status = ?2,"
	    " status_seq = status_seq + 1, version = version + 1, updated_at ="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, status);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0 || history(r, sv, id, status, reason) != 0)
		return -1;
	snprintf(detail, sizeof(detail), "%s%s%s", status, *reason ? ": " :
	    "", reason);
	return sv->audit(r, "status", "order", id, detail);
}

/*
 * The end of a decision or a reopening, in its write transaction: the
 * status with its history and audit, the customer's credit standing,
 * the commit, and the answer (a decision document, or the order).
 */
static int
conclude(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *to, const char *reason)
{
	const char	*from;
	char		 path[64];

	if (orders_set_status(r, sv, id, to, reason) != 0) {
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	orders_credit_of_order(r, sv, id);
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r)) {
		sv->begin(r, 200, "decision", "Decision");
		snprintf(path, sizeof(path), "%lld", id);
		sv->attr(r, "order", path);
		sv->attr(r, "status", to);
		sv->text(r, reason);
		return sv->end(r);
	}
	/*
	 * The page says what was done (the host's ?done= words); a
	 * decision made in the queue goes back to the queue.
	 */
	from = sv->param(r, "from");
	if (from != NULL && strcmp(from, "held") == 0)
		snprintf(path, sizeof(path), "/orders/held?done=%s",
		    strcmp(to, "approved") == 0 ? "approved" : "rejected");
	else
		snprintf(path, sizeof(path), "/orders/%lld?done=%s", id,
		    strcmp(to, "approved") == 0 ? "approved" :
		    strcmp(to, "rejected") == 0 ? "rejected" : "updated");
	return sv->redirect(r, path);
}

/*
 * Four eyes: did the user submit order id (the hold being decided) or
 * own it?  Unless four_eyes = no, they do not decide it themselves.
 */
static int
own_order(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	int			 own = 1;

	if (sv->setting(r, "four_eyes") == 0)
		return 0;
	if ((st = sv->sql(r, "SELECT owner IS NOT DISTINCT FROM ?2 OR coalesce((SELECT by_login"
	    " FROM order_history WHERE \"order\" = ?1 AND status = 'on_hold'"
	    " ORDER BY seq DESC LIMIT 1), '') = ?3 FROM orders WHERE id = ?1"))
	    == NULL)
		return 1;
	sv->bind_int(st, 1, id);
	sv->bind_int(st, 2, sv->user_id(r));
	sv->bind_text(st, 3, sv->user_login(r));
	if (sv->step(st) == 1)
		own = (int)sv->col_int(st, 0);
	sv->done(st);
	return own;
}

/*
 * Whether the user decides held order id, to which they have access
 * acc (sv->access): a manager their team's orders, finance and
 * administrators any order; never one they own or submitted.
 */
int
orders_may_decide(struct kiln_req *r, const struct kiln_services *sv,
    long long id, int acc)
{
	const char	*role = sv->user_role(r);

	if (!((strcmp(role, "manager") == 0 && acc == 1) ||
	    strcmp(role, "finance") == 0 || strcmp(role, "admin") == 0))
		return 0;
	return !own_order(r, sv, id);
}

/*
 * POST /orders/#/approve and /reject with a reason: decide a held
 * order.  A manager decides their team's orders, finance any order;
 * nobody their own.
 */
static int
decide(struct kiln_req *r, const struct kiln_services *sv, const char *to)
{
	const char		*reason = sv->param(r, "reason");
	long long		 id = sv->route_id(r);
	char			 status[32] = "";
	int			 acc;

	if (reason == NULL || *reason == '\0' || strlen(reason) > 500)
		return sv->error(r, 422, "invalid",
		    _("Give the reason for the decision (at most 500 bytes)."));
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	acc = sv->access(r, "order", id);
	if (acc < 0 || !orders_may_decide(r, sv, id, acc)) {
		sv->rollback(r);
		if (acc < 0)
			return sv->error(r, 404, "not_found",
			    _("No such record."));
		if (own_order(r, sv, id))
			return sv->error(r, 403, "forbidden", _("You own or"
			    " submitted this order: another manager of the"
			    " team, finance or an administrator decides it."));
		return sv->error(r, 403, "forbidden", _("Only a manager of"
		    " the team or finance decides a held order."));
	}
	orders_status(r, sv, id, status, sizeof(status));
	if (strcmp(status, "on_hold") != 0) {
		return sv->error(r, 409, "conflict",
		    _("only an order on hold can be approved or rejected"));
	}
	return conclude(r, sv, id, to, reason);
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

/*
 * POST /orders/#/reopen: a held or rejected order back to draft, to be
 * changed and submitted again.  Nothing gets around a hold this way:
 * the only way out of draft is another evaluation.
 */
int
orders_reopen(struct kiln_req *r, const struct kiln_services *sv)
{
	long long		 id = sv->route_id(r);
	char			 status[32];

	if (orders_begin(r, sv, id, status, sizeof(status)) == -1)
		return 0;
	if (strcmp(status, "on_hold") != 0 && strcmp(status, "rejected") != 0) {
		return sv->error(r, 409, "conflict",
		    _("only an order on hold or rejected can be reopened"));
	}
	return conclude(r, sv, id, "draft", "reopened");
}

/* A version as sent: digits only, 1 or more; 0 when malformed. */
long long
orders_version_of(const char *s)
{
	long long	 v = 0;

	if (s == NULL || *s == '\0' || strlen(s) > 18)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* The recorded invoice of an order, read in the correction's transaction. */
struct invoice {
	char		 status[32];
	char		 date[16];
	long long	 version, amount, paid, total;
};

static int
invoice_read(struct kiln_req *r, const struct kiln_services *sv,
    long long id, struct invoice *inv)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, "SELECT status, coalesce(invoiced_date, ''),"
	    " version, invoiced_amount, paid_amount, total FROM orders"
	    " WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if ((rc = sv->step(st)) == 1) {
		snprintf(inv->status, sizeof(inv->status), "%s",
		    sv->col_text(st, 0));
		snprintf(inv->date, sizeof(inv->date), "%s", sv->col_text(st, 1));
		inv->version = sv->col_int(st, 2);
		inv->amount = sv->col_int(st, 3);
		inv->paid = sv->col_int(st, 4);
		inv->total = sv->col_int(st, 5);
	}
	sv->done(st);
	return rc == 1 ? 0 : -1;
}

/*
 * POST /orders/#/correct (invoiced_amount and/or invoiced_date, reason,
 * version): finance corrects a recorded invoice.  Still within the
 * order's total and above what is paid; the old and new values and
 * the reason go to the history and the audit; the due date follows the
 * invoice's date (trigger orders_due); the customer's credit standing
 * is judged again.
 */
int
orders_correct(struct kiln_req *r, const struct kiln_services *sv)
{
	const char		*reason = sv->param(r, "reason");
	const char		*amount = sv->param(r, "invoiced_amount");
	const char		*date = sv->param(r, "invoiced_date");
	struct kiln_stmt	*st;
	struct invoice		 inv;
	long long		 id = sv->route_id(r), cents = 0, version;
	char			 why[800], was[32];
	int			 rc;

	/* Finance and administrators only: the route's roles. */
	if ((version = orders_version_of(sv->param(r, "version"))) == 0)
		return sv->error(r, 400, "bad_request",
		    _("Send the version you last read."));
	if (reason == NULL || *reason == '\0' || strlen(reason) > 500)
		return sv->error(r, 422, "invalid",
		    _("Give the reason for the correction (at most 500 bytes)."));
	if (amount != NULL && *amount == '\0')
		amount = NULL;
	if (date != NULL && *date == '\0')
		date = NULL;
	if ((amount == NULL && date == NULL) ||
	    (amount != NULL && (sv->parse_money(amount, &cents) != 0 ||
	    cents <= 0)) || (date != NULL && sv->parse_date(date) != 0))
		return sv->error(r, 422, "invalid", _("Give the corrected"
		    " invoiced_amount (above zero, like 1234.50) or"
		    " invoiced_date (like 2026-12-31), or both."));
	if (orders_begin(r, sv, id, NULL, 0) == -1)
		return 0;
	if (invoice_read(r, sv, id, &inv) != 0) {
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (inv.version != version) {
		return sv->error(r, 409, "stale", _("Someone else changed this"
		    " record meanwhile; reload it and apply your change"
		    " again."));
	}
	if (strcmp(inv.status, "invoiced") != 0) {
		return sv->error(r, 409, "conflict", _("only an invoiced,"
		    " unpaid order's invoice can be corrected"));
	}
	if (amount == NULL)
		cents = inv.amount;
	if (date == NULL)
		date = inv.date;
	if (cents > inv.total || cents < inv.paid) {
		return sv->error(r, 422, "invalid", _("An invoice is at most"
		    " the order's total and at least what has been paid."));
	}
	if ((st = sv->sql(r, "UPDATE orders SET invoiced_amount = ?2,"
	    " invoiced_date = ?3, correction_seq = correction_seq + 1,"
	    " version = version + 1, updated_at ="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1")) == NULL) {
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	sv->bind_int(st, 1, id);
	sv->bind_int(st, 2, cents);
	sv->bind_text(st, 3, date);
	rc = sv->step(st);
	sv->done(st);
	snprintf(was, sizeof(was), "%s", sv->money(r, inv.amount));
	snprintf(why, sizeof(why), "invoice corrected: %s %s -> %s %s: %s",
	    was, inv.date, sv->money(r, cents), date, reason);
	if (rc != 0 || history(r, sv, id, "invoiced", why) != 0 ||
	    sv->audit(r, "correct", "order", id, why) != 0) {
		return sv->error(r, 409, "conflict", _("The correction was"
		    " refused; the order is unchanged."));
	}
	orders_credit_of_order(r, sv, id);
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	return sv->show(r, "order", id, 0);
}

/* What a copy takes of the order and of each line. */
struct copied {
	long long	 customer, owner;
	const char	*terms, *requested, *notes, *number;
};

struct copied_line {
	long long	 product, quantity, price, discount;
};

/* A column's text kept past the statement's next step. */
static const char *
keep(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_stmt *st, int col)
{
	const char	*s = sv->col_text(st, col);
	size_t		 n = strlen(s) + 1;
	char		*d;

	if ((d = sv->alloc(r, n)) != NULL)
		memcpy(d, s, n);
	return d;
}

/* The order and its lines, read before anything is written. */
static int
copy_read(struct kiln_req *r, const struct kiln_services *sv, long long id,
    struct copied *o, struct copied_line **lines, size_t *n)
{
	struct kiln_stmt	*st;
	size_t			 max;
	int			 rc;

	if ((st = sv->sql(r, "SELECT customer, owner, payment_terms,"
	    " CASE WHEN requested_date >= " TODAY " THEN requested_date"
	    " ELSE '' END, notes, number, (SELECT count(*) FROM order_lines"
	    " WHERE \"order\" = ?1) FROM orders WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if ((rc = sv->step(st)) == 1) {
		o->customer = sv->col_int(st, 0);
		o->owner = sv->col_int(st, 1);
		o->terms = keep(r, sv, st, 2);
		o->requested = keep(r, sv, st, 3);
		o->notes = keep(r, sv, st, 4);
		o->number = keep(r, sv, st, 5);
		max = (size_t)sv->col_int(st, 6);
		*lines = sv->alloc(r, (max + 1) * sizeof(**lines));
		if (!o->terms || !o->requested || !o->notes || !o->number ||
		    !*lines)
			rc = -1;
	}
	sv->done(st);
	if (rc != 1)
		return -1;
	if ((st = sv->sql(r, "SELECT product, quantity, unit_price,"
	    " discount_pct FROM order_lines WHERE \"order\" = ?1"
	    " ORDER BY id")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	for (*n = 0; *n < max && (rc = sv->step(st)) == 1; (*n)++)
		(*lines)[*n] = (struct copied_line){ sv->col_int(st, 0),
		    sv->col_int(st, 1), sv->col_int(st, 2), sv->col_int(st, 3) };
	sv->done(st);
	/* All of them, or no copy (the count was read in this transaction). */
	return *n == max ? 0 : -1;
}

/*
 * POST /orders/#/copy: a new draft for the same customer with the
 * order's terms, notes and lines (at the prices agreed on it), and
 * the requested date unless it has passed.  Any order can be copied,
 * a held one too: the copy is a draft, judged afresh when submitted.
 */
int
orders_copy(struct kiln_req *r, const struct kiln_services *sv)
{
	struct copied		 o;
	struct copied_line	*l = NULL;
	struct kiln_kv		 kv[5];
	char			 err[400], why[500];
	long long		 id = sv->route_id(r), to, lid;
	size_t			 i, n = 0, nkv;
	int			 rc;

	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if (sv->access(r, "order", id) < 0) {
		return sv->error(r, 404, "not_found", _("No such record."));
	}
	if (copy_read(r, sv, id, &o, &l, &n) != 0) {
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	kv[0] = (struct kiln_kv)KV_I("customer", o.customer);
	kv[1] = (struct kiln_kv)KV_S("payment_terms", o.terms);
	kv[2] = (struct kiln_kv)KV_S("requested_date", o.requested);
	kv[3] = (struct kiln_kv)KV_S("notes", o.notes);
	nkv = 4;
	if (o.owner > 0)
		kv[nkv++] = (struct kiln_kv)KV_I("owner", o.owner);
	/* The host checks that this user may create it, for that owner. */
	if ((rc = sv->create(r, "order", kv, nkv, &to, err, sizeof(err))) !=
	    0) {
		sv->rollback(r);
		if (rc == -2)
			return sv->error(r, 403, "forbidden",
			    _("You may not create orders for this owner."));
		return sv->error(r, 422, "invalid", err);
	}
	for (i = 0; i < n; i++) {
		kv[0] = (struct kiln_kv)KV_I("order", to);
		kv[1] = (struct kiln_kv)KV_I("product", l[i].product);
		kv[2] = (struct kiln_kv)KV_I("quantity", l[i].quantity);
		kv[3] = (struct kiln_kv)KV_S("unit_price",
		    sv->money(r, l[i].price));
		kv[4] = (struct kiln_kv)KV_I("discount_pct", l[i].discount);
		if (sv->create(r, "order_line", kv, 5, &lid, err,
		    sizeof(err)) != 0) {
			/* A product made inactive since, say. */
			sv->rollback(r);
			snprintf(why, sizeof(why), "line %zu: %s", i + 1, err);
			return sv->error(r, 422, "invalid", why);
		}
	}
	snprintf(why, sizeof(why), "copy of %s", o.number);
	if (history(r, sv, to, "draft", why) != 0) {
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	return sv->show(r, "order", to, 1);
}

/* Where field key is in an update's pairs if its value changed, or -1. */
int
orders_field_changed(const struct kiln_kv *before, const struct kiln_kv *after,
    size_t n, const char *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(after[i].key, key) == 0)
			break;
	if (i == n)
		return -1;
	if (before[i].type != after[i].type)
		return (int)i;
	if (after[i].type == KILN_KV_STR)
		return strcmp(before[i].s, after[i].s) != 0 ? (int)i : -1;
	return before[i].i != after[i].i ? (int)i : -1;
}

/* A tracking step by PATCH: into the history, with who and when. */
int
orders_changed(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const struct kiln_kv *before, const struct kiln_kv *after,
    size_t n)
{
	const char	*reason;
	int		 i;

	if ((i = orders_field_changed(before, after, n, "status")) == -1 ||
	    after[i].type != KILN_KV_STR)
		return 0;
	/* Why, when an action asked (Cancel order); a PATCH has none. */
	reason = sv->param(r, "reason");
	if (history(r, sv, id, after[i].s, reason ? reason : "") != 0)
		return -1;
	orders_credit_of_order(r, sv, id);
	return 0;
}

/*
 * An order sent with its lines (api.md: <lines><line><product id="3"/>
 * <quantity>5</quantity>...</line></lines>, or a form's rows
 * lines.N.FIELD): each line is created through the host, in the
 * order's transaction; one bad line undoes the order.
 */
int
orders_created(struct kiln_req *r, const struct kiln_services *sv,
    long long id, char *err, size_t errsz)
{
	size_t	 i, n = sv->items(r, "lines");

	for (i = 0; i < n; i++)
		if (orders_line_new(r, sv, id, i, err, errsz) != 0)
			return -1;
	return 0;
}

/* Only a draft is changed through its page. */
int
orders_editable(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	char			 status[32];

	orders_status(r, sv, id, status, sizeof(status));
	return strcmp(status, "draft") == 0;
}
