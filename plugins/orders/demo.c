/*
 * demo.c - orders for `kiln demo-data`.  A year of history: each of the
 * demo's customers buys as its segment does (key accounts and channel
 * partners month after month, small loyal customers now and then,
 * projects a few large orders; a few prospects a first order), some
 * key accounts stopped buying half a year ago and some small customers
 * grew, and each pays its own way (mostly on time, some late, a few
 * not at all): orders walked through submission, approval, shipping,
 * invoicing and payment on their past days, with their history, so
 * margins, payment behaviour and the customers' classes tell a story.
 * Then, for today, about one in three of the customers that buy on
 * terms gets a draft of one to three catalogue lines, owned by the
 * customer's owner; scripts/demo-orders gives the drafts a life over
 * HTTP.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/*
 * A draft for customer (requested on date, or none), one to three lines
 * of nprod active products, up to units each, into *id: 0, or -1
 * (logged).
 */
static int
new_order(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long customer, long long owner,
    const char *date, long long nprod, unsigned units, long long *id)
{
	struct kiln_kv	 o[3], l[4];
	char		 err[256];
	long long	 lid;
	size_t		 no = 0;
	unsigned	 k, n;

	o[no++] = (struct kiln_kv)KV_I("customer", customer);
	if (owner != 0)
		o[no++] = (struct kiln_kv)KV_I("owner", owner);
	if (date != NULL)
		o[no++] = (struct kiln_kv)KV_S("requested_date", date);
	if (sv->create(r, "order", o, no, id, err, sizeof(err)) != 0)
		goto refused;
	for (k = 0, n = 1 + d->random(d, 3); k < n; k++) {
		l[0] = (struct kiln_kv)KV_I("order", *id);
		l[1] = (struct kiln_kv)KV_I("product", scalar(r, sv,
		    "SELECT id FROM products WHERE active = 1 ORDER BY id"
		    " LIMIT 1 OFFSET ?1", d->random(d, (unsigned)nprod)));
		l[2] = (struct kiln_kv)KV_I("quantity", 1 + d->random(d,
		    units));
		l[3] = (struct kiln_kv)KV_I("discount_pct", d->random(d, 4) ?
		    0 : 5 * d->random(d, 4));
		if (sv->create(r, "order_line", l, 4, &lid, err,
		    sizeof(err)) != 0)
			goto refused;
	}
	return 0;
refused:
	sv->log(KILN_LOG_ERR, "demo: an order for customer %lld refused: %s",
	    customer, err);
	return -1;
}

/* A draft for customer, for next year's delivery. */
static int
add_order(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long customer, long long owner,
    long long nprod)
{
	char		*date = sv->alloc(r, 16);
	long long	 id;

	snprintf(date, 16, "2027-%02u-%02u", 1 + d->random(d, 12),
	    1 + d->random(d, 28));
	return new_order(r, sv, d, customer, owner, date, nprod, 50, &id);
}

/* The day n days before today, YYYY-MM-DD (in the arena). */
static const char *
days_ago(struct kiln_req *r, const struct kiln_services *sv, long n)
{
	time_t		 t = time(NULL) - (time_t)n * 86400;
	struct tm	 tm;
	char		*s = sv->alloc(r, 16);

	strftime(s, 16, "%Y-%m-%d", gmtime_r(&t, &tm));
	return s;
}

/* A history event of order id, on a past day, by login. */
static int
dated(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *status, const char *login, const char *day)
{
	struct kiln_stmt	*st;
	char			 at[24];
	int			 rc;

	snprintf(at, sizeof(at), "%.10sT09:%02d:00Z", day, (int)(id % 60));
	if ((st = sv->sql(r, "INSERT INTO order_history (\"order\", seq,"
	    " status, by_login, at, reason) VALUES (?1, (SELECT"
	    " coalesce(max(seq), 0) + 1 FROM order_history WHERE \"order\" ="
	    " ?1), ?2, ?3, ?4, '')")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, status);
	sv->bind_text(st, 3, login);
	sv->bind_text(st, 4, at);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/* One step of order id: sql with ?1 id and ?2 a day; its history. */
static int
step(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *sql, const char *status, const char *login, const char *day)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, sql)) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, day);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? dated(r, sv, id, status, login, day) : -1;
}

/* How a customer buys: orders a year, units per line, and its pace. */
struct buyer {
	unsigned	 orders;	/* in the year */
	unsigned	 units;		/* at most, per line */
	long		 quiet;		/* no order in the last days */
	long		 late;		/* days paid after due, at most */
	int		 unpaid;	/* one in this many left unpaid */
};

/* A buyer of the customer's segment, drawn. */
static int
buyer_of(struct kiln_demo *d, const char *segment, struct buyer *b)
{
	memset(b, 0, sizeof(*b));
	b->late = d->random(d, 10) < 7 ? 0 : d->random(d, 10) < 7 ? 15 : 45;
	b->unpaid = b->late >= 45 ? 4 : 0;
	if (strcmp(segment, "key_account") == 0) {
		b->orders = 8 + d->random(d, 7);
		b->units = 60;
		/* Some stopped buying half a year ago. */
		b->quiet = d->random(d, 5) == 0 ? 200 : 0;
	} else if (strcmp(segment, "channel_partner") == 0) {
		b->orders = 6 + d->random(d, 6);
		b->units = 30;
	} else if (strcmp(segment, "small_loyal") == 0) {
		/* A few grew into large, frequent buyers. */
		if (d->random(d, 8) == 0) {
			b->orders = 10 + d->random(d, 5);
			b->units = 60;
		} else {
			b->orders = 2 + d->random(d, 4);
			b->units = 12;
		}
	} else if (strcmp(segment, "project") == 0) {
		b->orders = 1 + d->random(d, 3);
		b->units = 80;
	} else if (d->random(d, 6) == 0) {
		b->orders = 1;	/* a prospect's first order */
		b->units = 5;
	}
	return b->orders > 0;
}

/*
 * A past order of customer, invoiced `ago` days ago: created, its
 * lines, then walked as the desk, the factory and finance would have,
 * each step on its day; paid as b pays (or not, or not yet due).
 */
static int
past_order(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long customer, long long owner,
    const char *login, long long nprod, const struct buyer *b, long ago,
    long terms)
{
	long long	 id;
	long		 paid;

	if (new_order(r, sv, d, customer, owner, NULL, nprod, b->units,
	    &id) != 0)
		return -1;
	/* The steps on their days; the database checks every one. */
	if (step(r, sv, id, "UPDATE orders SET created_at = ?2 ||"
	    " 'T08:00:00Z', updated_at = ?2 || 'T08:00:00Z' WHERE id = ?1",
	    "draft", login, days_ago(r, sv, ago + 21)) != 0 ||
	    step(r, sv, id, "UPDATE orders SET status = 'submitted',"
	    " status_seq = status_seq + 1, version = version + 1 WHERE id ="
	    " ?1 AND ?2 <> ''", "submitted", login, days_ago(r, sv,
	    ago + 20)) != 0 ||
	    step(r, sv, id, "UPDATE orders SET status = 'approved',"
	    " status_seq = status_seq + 1, version = version + 1 WHERE id ="
	    " ?1 AND ?2 <> ''", "approved", "system", days_ago(r, sv,
	    ago + 20)) != 0 ||
	    step(r, sv, id, "UPDATE orders SET status = 'shipped',"
	    " shipped_date = ?2, version = version + 1 WHERE id = ?1",
	    "shipped", "factory", days_ago(r, sv, ago + 2)) != 0 ||
	    step(r, sv, id, "UPDATE orders SET status = 'invoiced',"
	    " invoiced_amount = total, invoiced_date = ?2, version = version"
	    " + 1 WHERE id = ?1", "invoiced", "finance", days_ago(r, sv,
	    ago)) != 0)
		return -1;
	/* Paid on time, or as late as the customer is; some never. */
	paid = ago - terms - (b->late ? (long)d->random(d,
	    (unsigned)b->late + 1) : -(long)d->random(d, 5));
	if ((b->unpaid && d->random(d, (unsigned)b->unpaid) == 0) || paid < 1)
		return 0;
	return step(r, sv, id, "UPDATE orders SET status = 'paid',"
	    " paid_amount = invoiced_amount, paid_date = ?2, version = version"
	    " + 1 WHERE id = ?1", "paid", "finance", days_ago(r, sv, paid));
}

/* The demo user with id, its login; "admin" if none. */
static const char *
login_of(const struct kiln_demo *d, long long id)
{
	size_t	 i;

	for (i = 0; i < d->nusers; i++)
		if (d->users[i].id == id)
			return d->users[i].login;
	return "admin";
}

/* The net days of a customer's terms. */
static long
terms_days(struct kiln_req *r, const struct kiln_services *sv,
    long long customer)
{
	struct kiln_stmt	*st;
	long			 days = 0;

	if ((st = sv->sql(r, "SELECT payment_terms FROM customers WHERE id ="
	    " ?1")) == NULL)
		return 0;
	sv->bind_int(st, 1, customer);
	if (sv->step(st) == 1 && strncmp(sv->col_text(st, 0), "net", 3) == 0)
		days = atol(sv->col_text(st, 0) + 3);
	sv->done(st);
	return days;
}

/* A year of orders of the customers from id first on. */
static int
year_of_orders(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long first, long long nprod)
{
	struct kiln_stmt	*st;
	struct buyer		 b;
	char			 segment[32];
	long long		 id = first - 1, owner = 0;
	long			 span, ago, terms;
	unsigned		 k;
	int			 rc, made = 0;

	for (;;) {
		if ((st = sv->sql(r, "SELECT id, coalesce(owner, 0), segment"
		    " FROM customers WHERE id > ?1 ORDER BY id LIMIT 1")) ==
		    NULL)
			return -1;
		sv->bind_int(st, 1, id);
		if ((rc = sv->step(st)) == 1) {
			id = sv->col_int(st, 0);
			owner = sv->col_int(st, 1);
			snprintf(segment, sizeof(segment), "%s",
			    sv->col_text(st, 2));
		}
		sv->done(st);
		if (rc != 1)
			return rc;
		if (!buyer_of(d, segment, &b))
			continue;
		terms = terms_days(r, sv, id);
		span = 365 - 5 - b.quiet;
		for (k = 0; k < b.orders; k++) {
			/* Spread over the year, a little off the beat. */
			ago = 5 + b.quiet + span * k / b.orders +
			    (long)d->random(d, (unsigned)(span / b.orders /
			    2 + 1));
			if (past_order(r, sv, d, id, owner, login_of(d, owner),
			    nprod, &b, ago, terms) != 0)
				return -1;
			if (++made % 200 == 0 && d->checkpoint(d) == -1)
				return -1;
		}
	}
}

/*
 * kiln_plugin.demo: a year of orders and today's drafts for the newest
 * d->scale customers (the customers plugin's demo ran first: orders
 * require customers), a few hundred to a transaction.
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
	if (year_of_orders(r, sv, d, id, nprod) != 0 || d->checkpoint(d) != 0)
		return -1;
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
