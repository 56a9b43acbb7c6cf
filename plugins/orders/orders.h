/*
 * orders.h - the parts of the orders plugin that are code, not
 * declaration: evaluate.c (submitting through the rules), status.c
 * (every other status change, copies, tracking), credit.c (customers'
 * credit standing) and view.c (the order document, pages and lists).
 */
#ifndef KILN_ORDERS_H
#define KILN_ORDERS_H

#include "kiln-plugin.h"

/* User-visible text goes through the host's catalogue. */
#define _(s)	sv->tr(s)

/* Name/value pairs for rules and the host's create(). */
#define KV_S(k, v)	{ (k), KILN_KV_STR, (v), 0 }
#define KV_I(k, v)	{ (k), KILN_KV_INT, NULL, (v) }

/*
 * Today, UTC, as text, on both engines: date('now') is a cast to the
 * date type on PostgreSQL (a literal's one-argument call named as a
 * type), where text and date do not compare.
 */
#define TODAY	"strftime('%Y-%m-%d', 'now')"

/*
 * What "late" means, in one place for every query (o: "" or a table
 * alias with its dot): a delivery once the promised date has passed
 * before the order was delivered; a payment once an invoice's due date
 * has passed unpaid.
 */
#define LATE_DELIVERY(o) "(" o "promised_date <> '' AND " o "promised_date" \
	" < " TODAY " AND " o "status IN ('approved', 'in_production'," \
	" 'shipped'))"
#define OVERDUE(o) "(" o "status = 'invoiced' AND " o "due_date <> ''" \
	" AND " o "due_date < " TODAY ")"

void	 orders_status(struct kiln_req *, const struct kiln_services *,
	    long long, char *, size_t);
int	 orders_begin(struct kiln_req *, const struct kiln_services *,
	    long long, char *, size_t);
int	 orders_field_changed(const struct kiln_kv *, const struct kiln_kv *,
	    size_t, const char *);
int	 orders_set_status(struct kiln_req *, const struct kiln_services *,
	    long long, const char *, const char *);

int	 orders_submit(struct kiln_req *, const struct kiln_services *);
int	 orders_approve(struct kiln_req *, const struct kiln_services *);
int	 orders_reject(struct kiln_req *, const struct kiln_services *);
int	 orders_reopen(struct kiln_req *, const struct kiln_services *);
int	 orders_copy(struct kiln_req *, const struct kiln_services *);
int	 orders_correct(struct kiln_req *, const struct kiln_services *);
int	 orders_dry_run(struct kiln_req *, const struct kiln_services *);
int	 orders_late(struct kiln_req *, const struct kiln_services *);
int	 orders_held(struct kiln_req *, const struct kiln_services *);
int	 orders_may_decide(struct kiln_req *, const struct kiln_services *,
	    long long id, int access);
int	 orders_changed(struct kiln_req *, const struct kiln_services *,
	    long long, const struct kiln_kv *, const struct kiln_kv *, size_t);
int	 orders_credit_status(struct kiln_req *, const struct kiln_services *,
	    long long customer);
int	 orders_credit_judge(struct kiln_req *, const struct kiln_services *,
	    long long customer, long long limit, long long exposure,
	    long long overdue_days);
void	 orders_credit_of_order(struct kiln_req *,
	    const struct kiln_services *, long long order);
int	 orders_credit_job(struct kiln_req *, const struct kiln_services *);
int	 orders_customer_changed(struct kiln_req *,
	    const struct kiln_services *, long long, const struct kiln_kv *,
	    const struct kiln_kv *, size_t);
int	 orders_editable(struct kiln_req *, const struct kiln_services *,
	    long long);
int	 orders_created(struct kiln_req *, const struct kiln_services *,
	    long long, char *, size_t);
size_t	 orders_context(struct kiln_req *, const struct kiln_services *,
	    long long, struct kiln_kv *, size_t);
void	 orders_customer_page(struct kiln_req *,
	    const struct kiln_services *, long long);
void	 orders_xml(struct kiln_req *, const struct kiln_services *,
	    long long id);
void	 orders_page(struct kiln_req *, const struct kiln_services *,
	    long long id);
int	 orders_demo(struct kiln_req *, const struct kiln_services *,
	    struct kiln_demo *);

/* schema_pg.c: the schema on PostgreSQL. */
extern const struct kiln_migration orders_pg_migrations[];

#endif
