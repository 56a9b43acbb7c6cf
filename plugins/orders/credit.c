/*
 * credit.c - a customer's credit standing (credit_status: ok, watch,
 * hold), judged by lua/credit_status.lua from the credit limit, the
 * exposure and the days an invoice is overdue.  Judged again whenever
 * one of the customer's orders changes status, when the customer's
 * limit changes, and by the credit_status job (as invoices fall due
 * with time, and after the rule file is edited).
 */
#include <stdio.h>
#include <string.h>

#include "orders.h"

/*
 * A customer's facts: limit, exposure, most days an invoice is overdue
 * (whole days from today: PostgreSQL's CAST rounds, SQLite's truncates).
 */
#define CREDIT_FACTS \
	" c.credit_limit, coalesce((SELECT amount FROM order_exposure" \
	" WHERE customer = c.id), 0), (SELECT coalesce(max(CAST(" \
	"julianday(" TODAY ") - julianday(o.due_date) AS INTEGER)), 0)" \
	" FROM orders o WHERE o.customer = c.id AND " OVERDUE("o.") ")"

/* What credit_status.lua says of these facts; NULL when it failed. */
static const char *
verdict(struct kiln_req *r, const struct kiln_services *sv,
    long long customer, long long limit, long long exposure,
    long long overdue)
{
	struct kiln_verdict	 v;
	const struct kiln_kv	 rec[] = {
		KV_I("id", customer), KV_I("credit_limit", limit),
	};
	const struct kiln_kv	 ctx[] = {
		KV_I("exposure", exposure), KV_I("overdue_days", overdue),
	};

	sv->rule(r, "credit_status", "credit", rec, 2, ctx, 2, &v);
	if (v.result == KILN_RULE_ERROR) {
		sv->log(KILN_LOG_WARN, "%s", v.message);
		return NULL;
	}
	return v.result == KILN_PASS ? "ok" : v.result == KILN_WARN ?
	    "watch" : "hold";
}

/*
 * Judge one customer's credit standing from its facts and store it: 1
 * changed, 0 the same, -1 the rule or the write failed (logged; the old
 * status stays, and what changed the order is not undone).
 */
int
orders_credit_judge(struct kiln_req *r, const struct kiln_services *sv,
    long long customer, long long limit, long long exposure,
    long long overdue)
{
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[1];
	const char		*status;
	char			 err[256];
	int			 rc;

	if ((status = verdict(r, sv, customer, limit, exposure, overdue)) ==
	    NULL)
		return -1;
	if ((st = sv->sql(r, "SELECT credit_status = ?2 FROM customers"
	    " WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, customer);
	sv->bind_text(st, 2, status);
	rc = sv->step(st) == 1 ? (int)sv->col_int(st, 0) : -1;
	sv->done(st);
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	/*
	 * Through the host, as any update: the customer's version moves and
	 * the change is in the audit trail and the changes feed, so an ERP
	 * polling them learns of the hold.
	 */
	kv[0] = (struct kiln_kv)KV_S("credit_status", status);
	if (sv->update(r, "customer", customer, kv, 1, err, sizeof(err)) !=
	    0) {
		sv->log(KILN_LOG_ERR, "credit status of customer %lld: %s",
		    customer, err);
		return -1;
	}
	return 1;
}

/* The same, reading the customer's facts first. */
int
orders_credit_status(struct kiln_req *r, const struct kiln_services *sv,
    long long customer)
{
	struct kiln_stmt	*st;
	long long		 limit = 0, exposure = 0, overdue = 0;
	int			 rc;

	if ((st = sv->sql(r, "SELECT" CREDIT_FACTS " FROM customers c"
	    " WHERE c.id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, customer);
	if ((rc = sv->step(st)) == 1) {
		limit = sv->col_int(st, 0);
		exposure = sv->col_int(st, 1);
		overdue = sv->col_int(st, 2);
	}
	sv->done(st);
	if (rc != 1)
		return -1;
	return orders_credit_judge(r, sv, customer, limit, exposure, overdue);
}

/* Recompute the credit status of the customer of order id. */
void
orders_credit_of_order(struct kiln_req *r, const struct kiln_services *sv,
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

/* A customer's limit changed: its standing may have. */
int
orders_customer_changed(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const struct kiln_kv *before, const struct kiln_kv *after,
    size_t n)
{
	if (orders_field_changed(before, after, n, "credit_limit") != -1)
		(void)orders_credit_status(r, sv, id);
	return 0;
}

/* Customers read per statement. */
#define CREDIT_BATCH	200

/*
 * The credit_status job: every customer judged again, for what changes
 * with time alone (an invoice falling overdue) and after the rule file
 * is edited.  The rule runs outside any write transaction, so neither
 * the job nor a slow rule holds up users' writes; a customer whose
 * standing has changed is judged again in a short write transaction,
 * on its facts as they are then.
 */
int
orders_credit_job(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	const char		*now;
	long long		 ids[CREDIT_BATCH], after = 0, seen = 0;
	long long		 changed = 0, failed = 0;
	size_t			 i, n, m;
	int			 rc = 0;

	do {
		if ((st = sv->sql(r, "SELECT c.id, c.credit_status,"
		    CREDIT_FACTS " FROM customers c WHERE c.id > ?1"
		    " ORDER BY c.id LIMIT ?2")) == NULL)
			return -1;
		sv->bind_int(st, 1, after);
		sv->bind_int(st, 2, CREDIT_BATCH);
		for (n = m = 0; n < CREDIT_BATCH && (rc = sv->step(st)) == 1;
		    n++) {
			after = sv->col_int(st, 0);
			now = verdict(r, sv, after, sv->col_int(st, 2),
			    sv->col_int(st, 3), sv->col_int(st, 4));
			failed += now == NULL;
			if (now != NULL && strcmp(now, sv->col_text(st, 1)) != 0)
				ids[m++] = after;
		}
		sv->done(st);
		if (rc == -1)
			return -1;
		seen += (long long)n;
		if (m == 0)
			continue;
		if (sv->begin_write(r) != 0) {
			sv->log(KILN_LOG_ERR, "credit_status: no write"
			    " transaction (the line above says why)");
			return -1;
		}
		for (i = 0; i < m; i++)
			changed += orders_credit_status(r, sv, ids[i]) == 1;
		if (sv->commit(r) != 0) {
			sv->log(KILN_LOG_ERR, "credit_status: commit failed");
			return -1;
		}
	} while (n == CREDIT_BATCH);
	sv->log(KILN_LOG_INFO, "credit_status: %lld customers judged, %lld"
	    " changed, %lld failed", seen, changed, failed);
	return failed == 0 ? 0 : -1;
}
