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
/* ... marked where it is declared, translated where it is shown. */
#define N_(s)	(s)

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

/*
 * SQL the schema's rules share, the same on both engines (orders.c's
 * SQLite migrations, schema_pg.c's PostgreSQL ones).  A line's total:
 * quantity x price less the discount, rounded to the minor unit.
 */
#define LINE_TOTAL(q, p, d) \
	"((" q ") * (" p ") * (100 - (" d ")) + 50) / 100"

/* What an order owes its customer's credit: open total, unpaid invoice. */
#define EXPOSURE(o) "CASE WHEN " o "status IN ('submitted', 'on_hold'," \
	" 'approved', 'in_production', 'shipped', 'delivered') THEN " o "total" \
	" WHEN " o "status = 'invoiced' THEN " o "invoiced_amount - " o \
	"paid_amount ELSE 0 END"

/* The status changes a PATCH may make: the tracking steps. */
#define TRACKING_STEP \
	"((old.status = 'approved' AND new.status = 'in_production')" \
	" OR (old.status IN ('approved', 'in_production')" \
	"  AND new.status = 'shipped')" \
	" OR (old.status = 'shipped' AND new.status = 'delivered')" \
	" OR (old.status IN ('shipped', 'delivered')" \
	"  AND new.status = 'invoiced')" \
	" OR (old.status = 'invoiced' AND new.status = 'paid')" \
	" OR (old.status IN ('draft', 'on_hold', 'approved', 'in_production')" \
	"  AND new.status = 'cancelled'))"
#define NOT_A_STEP "'that status change is not allowed: an order" \
	" goes approved, in_production, shipped, delivered, invoiced, paid," \
	" or is cancelled before it ships'"

/* The day an invoice falls due under the order's terms. */
#define DUE_DATE(o) "date(" o "invoiced_date, '+' || CASE " o "payment_terms" \
	" WHEN 'net15' THEN 15 WHEN 'net30' THEN 30 WHEN 'net60' THEN 60" \
	" WHEN 'net90' THEN 90 ELSE 0 END || ' days')"

/* A product's price now. */
#define PRODUCT_PRICE(p) "(SELECT unit_price FROM products WHERE id = " p ")"
/* Its standard cost now, and an order's cost of goods from its lines. */
#define PRODUCT_COST(p) "(SELECT cost FROM products WHERE id = " p ")"
#define ORDER_COST(o) "(SELECT coalesce(sum(quantity * unit_cost), 0)" \
	" FROM order_lines WHERE \"order\" = " o ")"

long long orders_version_of(const char *);
const char *orders_verdict_word(const struct kiln_services *, const char *);
/* Worklist tables (view.c): the head (num: the column to right-align),
 * a cell linking to path or plain, the end or the line saying none. */
void	 orders_head(struct kiln_req *, const struct kiln_services *,
	    const char *const *cols, const char *num);
void	 orders_cell(struct kiln_req *, const struct kiln_services *,
	    const char *cls, const char *path, const char *text);
void	 orders_table_end(struct kiln_req *, const struct kiln_services *,
	    int any, const char *empty);
extern const struct kiln_panel orders_panels[];
int	 orders_refusal_begin(struct kiln_req *, const struct kiln_services *,
	    int, const char *, const char *);
int	 orders_refusal_end(struct kiln_req *, const struct kiln_services *,
	    long long);
int	 orders_print(struct kiln_req *, const struct kiln_services *);
/* lines.c */
void	 orders_form(struct kiln_req *, const struct kiln_services *,
	    long long);
void	 orders_lines_page(struct kiln_req *, const struct kiln_services *,
	    long long, int edit, int sent);
int	 orders_line_new(struct kiln_req *, const struct kiln_services *,
	    long long, size_t, char *, size_t);
int	 orders_lines(struct kiln_req *, const struct kiln_services *);
void	 orders_actions(struct kiln_req *, const struct kiln_services *,
	    long long, int);
int	 orders_start(struct kiln_req *, const struct kiln_services *);
int	 orders_ship(struct kiln_req *, const struct kiln_services *);
int	 orders_deliver(struct kiln_req *, const struct kiln_services *);
int	 orders_invoice(struct kiln_req *, const struct kiln_services *);
int	 orders_pay(struct kiln_req *, const struct kiln_services *);
int	 orders_cancel(struct kiln_req *, const struct kiln_services *);
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
