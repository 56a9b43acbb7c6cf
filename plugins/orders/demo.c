/*
 * demo.c - draft orders for `kiln demo-data`: about one in three of
 * the demo's customers that buy on terms (not prospects) gets a draft
 * of one to three catalogue lines, owned by the customer's owner.
 * scripts/demo-orders then gives the drafts a life over HTTP.
 */
#include <stdio.h>

#include "orders.h"

/* The first column of sql's first row (?1 bound to arg), or 0. */
static long long
scalar(struct kiln_req *r, const struct kiln_services *sv, const char *sql,
    long long arg)
{
	struct kiln_stmt	*st;
	long long		 v = 0;

	if ((st = sv->sql(r, sql)) == NULL)
		return 0;
	sv->bind_int(st, 1, arg);
	if (sv->step(st) == 1)
		v = sv->col_int(st, 0);
	sv->done(st);
	return v;
}

/* The next customer after id that buys on terms: 1, 0 none, -1 error. */
static int
next_customer(struct kiln_req *r, const struct kiln_services *sv,
    long long *id, long long *owner)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, "SELECT id, coalesce(owner, 0) FROM customers"
	    " WHERE id > ?1 AND segment <> 'prospect' ORDER BY id"
	    " LIMIT 1")) == NULL)
		return -1;
	sv->bind_int(st, 1, *id);
	if ((rc = sv->step(st)) == 1) {
		*id = sv->col_int(st, 0);
		*owner = sv->col_int(st, 1);
	}
	sv->done(st);
	return rc;
}

/* A draft for customer, one to three lines of nprod active products. */
static int
add_order(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long customer, long long owner,
    long long nprod)
{
	struct kiln_kv	 o[3], l[4];
	char		*date = sv->alloc(r, 16), err[256];
	long long	 id, lid;
	unsigned	 k, n;

	snprintf(date, 16, "2027-%02u-%02u", 1 + d->random(d, 12),
	    1 + d->random(d, 28));
	o[0] = (struct kiln_kv)KV_I("customer", customer);
	o[1] = (struct kiln_kv)KV_S("requested_date", date);
	o[2] = (struct kiln_kv)KV_I("owner", owner);
	if (sv->create(r, "order", o, owner ? 3 : 2, &id, err,
	    sizeof(err)) != 0)
		goto refused;
	for (k = 0, n = 1 + d->random(d, 3); k < n; k++) {
		l[0] = (struct kiln_kv)KV_I("order", id);
		l[1] = (struct kiln_kv)KV_I("product", scalar(r, sv,
		    "SELECT id FROM products WHERE active = 1 ORDER BY id"
		    " LIMIT 1 OFFSET ?1", d->random(d, (unsigned)nprod)));
		l[2] = (struct kiln_kv)KV_I("quantity", 1 + d->random(d, 50));
		l[3] = (struct kiln_kv)KV_I("discount_pct", d->random(d, 4) ?
		    0 : 5 * d->random(d, 4));
		if (sv->create(r, "order_line", l, 4, &lid, err,
		    sizeof(err)) != 0)
			goto refused;
	}
	return 0;
refused:
	sv->log(KILN_LOG_ERR, "demo: a draft order for customer %lld"
	    " refused: %s", customer, err);
	return -1;
}

/*
 * kiln_plugin.demo: drafts for the newest d->scale customers (the
 * customers plugin's demo ran first: orders require customers), five
 * hundred to a transaction.
 */
int
orders_demo(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	long long	 id, owner = 0, nprod;
	int		 rc, made = 0;

	nprod = scalar(r, sv, "SELECT count(*) FROM products WHERE"
	    " active = 1", 0);
	/* The newest d->scale customers: those the demo just made. */
	id = scalar(r, sv, "SELECT coalesce(min(id), 0) FROM (SELECT id FROM"
	    " customers ORDER BY id DESC LIMIT ?1) AS newest", d->scale);
	if (nprod == 0 || id == 0)
		return 0;	/* nothing to order, or nobody to order it */
	for (id--; (rc = next_customer(r, sv, &id, &owner)) == 1; ) {
		if (d->random(d, 3) != 0)
			continue;
		if (add_order(r, sv, d, id, owner, nprod) == -1)
			return -1;
		if (++made % 500 == 0 && d->checkpoint(d) == -1)
			return -1;
	}
	return rc;
}
