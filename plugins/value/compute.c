/*
 * compute.c - every customer's value, worked out at once: the figures
 * need the whole installation (quintiles, a Pareto of the margin).
 *
 * Over the window (kiln.conf's value_months back from today, its first
 * day counted), from the invoiced and paid orders: revenue (what was
 * invoiced, corrections included), margin (revenue less the orders'
 * cost of goods, the costs of their day), orders and their average;
 * the last invoice ever; and how the customer pays, over the invoices
 * that fell due in the window: how many, how many were paid after
 * their due day or are still unpaid past it, and the days after due
 * summed (a paid one counts its days late, 0 when on time; an unpaid
 * one the days since its due day).  Cancelled orders count nothing.
 *
 * RFM, among the customers that were ever invoiced (n of them): a
 * score of 1 to 5 for recency (days since the last invoice, fewer is
 * better), frequency (orders in the window) and monetary value
 * (revenue in the window), each 1 + floor(5 * w / n) where w is the
 * number of those customers whose figure is strictly worse: quintiles
 * in which ties score alike and the worst is always 1.
 *
 * ABC, on the window's margin: the customers with a positive margin,
 * largest first, are A while the margin of those before them is under
 * 80 % of the total, B under 95 %, C after; customers with an equal
 * margin share the class of the first of them.  A customer ever
 * invoiced without a positive margin in the window is C; one never
 * invoiced has no class.
 *
 * Then the rules: each file's `value` hook gives the lifetime value as
 * its figure (the last file with a figure counts; none: 0), each
 * `segment` hook may propose another segment (its third value) with
 * its reason; a proposal is kept for a manager to accept or dismiss
 * (suggest.c).  Written a batch of customers per short transaction.
 */
#define _DEFAULT_SOURCE		/* gmtime_r, timegm */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "value.h"

#define BATCH		500
#define MAX_RULES	32

struct cust {
	long long	 id;
	const char	*segment;
	const char	*before;	/* the class last computed */
	const char	*month_before;	/* of the month before: '-' none */
	long long	 revenue, margin, orders;
	long long	 invoices, late, late_days;
	char		 last[11];	/* the last invoice's day, or "" */
	long		 recency;	/* days since it */
	int		 r, f, m;
	const char	*cls;
	long long	 ltv;
	const char	*proposed;	/* by a segment rule, or NULL */
	const char	*reason;
	const char	*rule;
};

/* Days since 1970-01-01 of "YYYY-MM-DD" (a real day), or -1. */
long
value_day(const char *s)
{
	int	 y, m, d;
	long	 era, yoe, doy, doe;

	if (s == NULL || strlen(s) < 10 || sscanf(s, "%4d-%2d-%2d", &y, &m,
	    &d) != 3 || s[4] != '-' || s[7] != '-' || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return -1;
	/* Howard Hinnant's days_from_civil. */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The day `months` before today (the window's first), into buf. */
static void
window_start(const struct tm *today, int months, char *buf, size_t n)
{
	static const int	 mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int			 y = today->tm_year + 1900, m = today->tm_mon;
	int			 d = today->tm_mday, last;

	m -= months;
	while (m < 0) {
		m += 12;
		y--;
	}
	last = mdays[m] + (m == 1 && ((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0));
	snprintf(buf, n, "%04d-%02d-%02d", y % 10000, (m + 1) % 100,
	    (d < last ? d : last) % 100);
}

static int
cmp_ll(const void *a, const void *b)
{
	long long	 x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* How many of the n sorted values are below v, and how many above. */
static long
below(const long long *s, long n, long long v)
{
	long	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (s[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static long
above(const long long *s, long n, long long v)
{
	long	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (s[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return n - lo;
}

/* The score of w worse than it among n. */
static int
score(long w, long n)
{
	return 1 + (int)(5 * w / n);
}

/* RFM across the customers ever invoiced. */
static void
rfm(struct kiln_req *r, const struct kiln_services *sv, struct cust *c,
    long nc)
{
	long long	*rs, *fs, *ms;
	long		 i, n = 0;

	rs = sv->alloc(r, (size_t)(nc ? nc : 1) * sizeof(*rs));
	fs = sv->alloc(r, (size_t)(nc ? nc : 1) * sizeof(*fs));
	ms = sv->alloc(r, (size_t)(nc ? nc : 1) * sizeof(*ms));
	for (i = 0; i < nc; i++)
		if (*c[i].last != '\0') {
			rs[n] = c[i].recency;
			fs[n] = c[i].orders;
			ms[n++] = c[i].revenue;
		}
	if (n == 0)
		return;
	qsort(rs, (size_t)n, sizeof(*rs), cmp_ll);
	qsort(fs, (size_t)n, sizeof(*fs), cmp_ll);
	qsort(ms, (size_t)n, sizeof(*ms), cmp_ll);
	for (i = 0; i < nc; i++)
		if (*c[i].last != '\0') {
			/* Recency: more days is worse. */
			c[i].r = score(above(rs, n, c[i].recency), n);
			c[i].f = score(below(fs, n, c[i].orders), n);
			c[i].m = score(below(ms, n, c[i].revenue), n);
		}
}

static const struct cust *sort_base;

/* Indexes by margin, largest first; ties by id. */
static int
cmp_margin(const void *a, const void *b)
{
	const struct cust	*x = &sort_base[*(const long *)a];
	const struct cust	*y = &sort_base[*(const long *)b];

	if (x->margin != y->margin)
		return x->margin > y->margin ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* ABC on the window's margin. */
static void
abc(struct kiln_req *r, const struct kiln_services *sv, struct cust *c,
    long nc)
{
	long		*ix, i, n = 0;
	long long	 total = 0, before = 0, group = 0;
	const char	*cls = "A";

	ix = sv->alloc(r, (size_t)(nc ? nc : 1) * sizeof(*ix));
	for (i = 0; i < nc; i++) {
		c[i].cls = *c[i].last != '\0' ? "C" : "";
		if (c[i].margin > 0) {
			ix[n++] = i;
			total += c[i].margin;
		}
	}
	sort_base = c;
	qsort(ix, (size_t)n, sizeof(*ix), cmp_margin);
	for (i = 0; i < n; i++) {
		/* A run of equal margins takes its first one's class. */
		if (i == 0 || c[ix[i]].margin != c[ix[i - 1]].margin) {
			group = before;
			/* Shares in whole parts of a hundred, no overflow. */
			cls = (long double)group * 100 < (long double)total *
			    VALUE_A_SHARE ? "A" : (long double)group * 100 <
			    (long double)total * VALUE_B_SHARE ? "B" : "C";
		}
		c[ix[i]].cls = cls;
		before += c[ix[i]].margin;
	}
}

/* Each customer, its segment and its class as last computed. */
static long
load_customers(struct kiln_req *r, const struct kiln_services *sv,
    const char *month, struct cust **out)
{
	struct kiln_stmt	*st;
	struct cust		*c;
	long			 n = 0, cap = 0;

	if ((st = sv->sql(r, "SELECT count(*) FROM customers")) == NULL)
		return -1;
	if (sv->step(st) == 1)
		cap = (long)sv->col_int(st, 0);
	sv->done(st);
	c = sv->alloc(r, (size_t)(cap ? cap : 1) * sizeof(*c));
	if ((st = sv->sql(r, "SELECT c.id, c.segment, coalesce(v.class, ''),"
	    " coalesce((SELECT p.class FROM customer_value_months p WHERE"
	    " p.customer = c.id AND p.month < ?1 ORDER BY p.month DESC LIMIT"
	    " 1), '-') FROM customers c LEFT JOIN customer_values v ON"
	    " v.customer = c.id ORDER BY c.id")) == NULL)
		return -1;
	sv->bind_text(st, 1, month);
	while (n < cap && sv->step(st) == 1) {
		memset(&c[n], 0, sizeof(c[n]));
		c[n].id = sv->col_int(st, 0);
		c[n].segment = kit_copy(r, sv, sv->col_text(st, 1));
		c[n].before = kit_copy(r, sv, sv->col_text(st, 2));
		c[n].month_before = kit_copy(r, sv, sv->col_text(st, 3));
		n++;
	}
	sv->done(st);
	*out = c;
	return n;
}

static struct cust *
find(struct cust *c, long n, long long id)
{
	long	 lo = 0, hi = n - 1, mid;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		if (c[mid].id == id)
			return &c[mid];
		if (c[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* The invoiced and paid orders, added up per customer. */
static int
add_orders(struct kiln_req *r, const struct kiln_services *sv,
    struct cust *c, long nc, const char *since, const char *today)
{
	struct kiln_stmt	*st;
	struct cust		*k;
	const char		*inv, *due, *paid;
	long			 t = value_day(today), d;
	int			 rc;

	if ((st = sv->sql(r, "SELECT customer, invoiced_date,"
	    " invoiced_amount, cost, coalesce(due_date, ''), coalesce("
	    "paid_date, ''), status FROM orders WHERE status IN ('invoiced',"
	    " 'paid') AND coalesce(invoiced_date, '') <> ''")) == NULL)
		return -1;
	while ((rc = sv->step(st)) == 1) {
		if ((k = find(c, nc, sv->col_int(st, 0))) == NULL)
			continue;
		inv = sv->col_text(st, 1);
		if (strcmp(inv, today) > 0)
			continue;	/* dated ahead: not yet */
		if (strcmp(inv, k->last) > 0)
			snprintf(k->last, sizeof(k->last), "%.10s", inv);
		if (strcmp(inv, since) >= 0) {
			k->revenue += sv->col_int(st, 2);
			k->margin += sv->col_int(st, 2) - sv->col_int(st, 3);
			k->orders++;
		}
		due = sv->col_text(st, 4);
		paid = sv->col_text(st, 5);
		if (*due == '\0' || strcmp(due, since) < 0 ||
		    strcmp(due, today) >= 0)
			continue;	/* not due in the window */
		/* Paid by the day counted (a past one: later was not yet). */
		if (strcmp(sv->col_text(st, 6), "paid") == 0 && *paid != '\0' &&
		    strcmp(paid, today) <= 0)
			d = value_day(paid) - value_day(due);
		else
			d = t - value_day(due);	/* unpaid, past due */
		k->invoices++;
		if (d > 0) {
			k->late++;
			k->late_days += d;
		}
	}
	sv->done(st);
	for (k = c; k < c + nc; k++)
		if (*k->last != '\0')
			k->recency = t - value_day(k->last);
	return rc < 0 ? -1 : 0;
}

/* What a rule sees of customer k. */
static size_t
facts(const struct cust *k, int months, struct kiln_kv *kv)
{
	size_t	 n = 0;

	kv[n++] = (struct kiln_kv)KV_I("id", k->id);
	kv[n++] = (struct kiln_kv)KV_S("segment", k->segment);
	kv[n++] = (struct kiln_kv)KV_I("months", months);
	kv[n++] = (struct kiln_kv)KV_I("revenue", k->revenue);
	kv[n++] = (struct kiln_kv)KV_I("margin", k->margin);
	kv[n++] = (struct kiln_kv)KV_I("orders", k->orders);
	kv[n++] = (struct kiln_kv)KV_I("average", k->orders ?
	    k->revenue / k->orders : 0);
	kv[n++] = (struct kiln_kv)KV_S("last_invoice", k->last);
	kv[n++] = (struct kiln_kv)KV_I("recency_days", *k->last ?
	    k->recency : -1);
	kv[n++] = (struct kiln_kv)KV_I("invoices", k->invoices);
	kv[n++] = (struct kiln_kv)KV_I("late", k->late);
	kv[n++] = (struct kiln_kv)KV_I("days_late", k->invoices ?
	    k->late_days / k->invoices : 0);
	kv[n++] = (struct kiln_kv)KV_I("late_pct", k->invoices ?
	    k->late * 100 / k->invoices : 0);
	kv[n++] = (struct kiln_kv)KV_I("r", k->r);
	kv[n++] = (struct kiln_kv)KV_I("f", k->f);
	kv[n++] = (struct kiln_kv)KV_I("m", k->m);
	kv[n++] = (struct kiln_kv)KV_S("class", k->cls);
	kv[n++] = (struct kiln_kv)KV_S("class_before", k->before);
	return n;
}

static int
is_segment(const char *s)
{
	const char *const	*p;

	for (p = value_segments; *p != NULL; p++)
		if (strcmp(*p, s) == 0)
			return 1;
	return 0;
}

/* The value and segment rules on every customer. */
static void
judge(struct kiln_req *r, const struct kiln_services *sv, struct cust *c,
    long nc, int months, int segments)
{
	struct kiln_kv		 rec[24];
	struct kiln_verdict	*v;
	const char *const	*vn, *const *sn;
	size_t			 nv = 0, ns = 0, nrec, i;
	long			 k;

	if (sv->rules_for(r, "value", &vn, &nv) != 0)
		nv = 0;
	if (!segments || sv->rules_for(r, "segment", &sn, &ns) != 0)
		ns = 0;
	nv = nv > MAX_RULES ? MAX_RULES : nv;
	ns = ns > MAX_RULES ? MAX_RULES : ns;
	v = sv->alloc(r, MAX_RULES * sizeof(*v));
	for (k = 0; k < nc; k++) {
		nrec = facts(&c[k], months, rec);
		if (nv > 0 && *c[k].last != '\0') {
			sv->rules(r, vn, nv, "value", rec, nrec, NULL, 0, v);
			for (i = 0; i < nv; i++)
				if (v[i].result == KILN_RULE_ERROR)
					sv->log(KILN_LOG_ERR, "customer_value:"
					    " customer %lld: %s: %s", c[k].id,
					    v[i].rule, v[i].message);
				else if (v[i].has_number)
					c[k].ltv = v[i].number;
		}
		if (ns == 0)
			continue;
		sv->rules(r, sn, ns, "segment", rec, nrec, NULL, 0, v);
		for (i = 0; i < ns && c[k].proposed == NULL; i++) {
			if (v[i].result == KILN_RULE_ERROR)
				sv->log(KILN_LOG_ERR, "customer_value: customer"
				    " %lld: %s: %s", c[k].id, v[i].rule,
				    v[i].message);
			if (v[i].result == KILN_PASS ||
			    v[i].result == KILN_RULE_ERROR ||
			    !is_segment(v[i].field) ||
			    strcmp(v[i].field, c[k].segment) == 0)
				continue;
			c[k].proposed = kit_copy(r, sv, v[i].field);
			c[k].reason = kit_copy(r, sv, v[i].message);
			c[k].rule = kit_copy(r, sv, v[i].rule);
		}
	}
}

/* Run sql with ?1 customer and the texts ?2 ... ?6 (NULL: ""). */
static int
exec(struct kiln_req *r, const struct kiln_services *sv, const char *sql,
    long long id, const char *a, const char *b, const char *c,
    const char *d, const char *e)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, sql)) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, a);
	sv->bind_text(st, 3, b);
	sv->bind_text(st, 4, c);
	sv->bind_text(st, 5, d);
	sv->bind_text(st, 6, e);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/*
 * Keep what the segment rules said of k: a new proposal opens a
 * suggestion (unless the same was dismissed lately), one no longer
 * made closes the open one as stale.
 */
static int
suggest(struct kiln_req *r, const struct kiln_services *sv,
    const struct cust *k, const char *now, const char *quiet)
{
	struct kiln_stmt	*st;
	int			 same = 0, rc;

	if ((st = sv->sql(r, "SELECT proposed = ?2 AND current = ?3 FROM"
	    " segment_suggestions WHERE customer = ?1 AND status = 'open'"))
	    == NULL)
		return -1;
	sv->bind_int(st, 1, k->id);
	sv->bind_text(st, 2, k->proposed ? k->proposed : "");
	sv->bind_text(st, 3, k->segment);
	rc = sv->step(st);
	if (rc == 1)
		same = (int)sv->col_int(st, 0);
	sv->done(st);
	if (rc < 0)
		return -1;
	if (rc == 1 && same)
		return 0;	/* still proposed, still open */
	if (rc == 1 && exec(r, sv, "UPDATE segment_suggestions SET status ="
	    " 'stale', decided_at = ?2 WHERE customer = ?1 AND status ="
	    " 'open'", k->id, now, NULL, NULL, NULL, NULL) != 0)
		return -1;
	if (k->proposed == NULL)
		return 0;
	if ((st = sv->sql(r, "SELECT 1 FROM segment_suggestions WHERE"
	    " customer = ?1 AND proposed = ?2 AND status = 'dismissed' AND"
	    " decided_at >= ?3")) == NULL)
		return -1;
	sv->bind_int(st, 1, k->id);
	sv->bind_text(st, 2, k->proposed);
	sv->bind_text(st, 3, quiet);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0)
		return rc < 0 ? -1 : 0;	/* dismissed lately: not again */
	return exec(r, sv, "INSERT INTO segment_suggestions (customer,"
	    " created_at, current, proposed, reason, rule) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6)", k->id, now, k->segment, k->proposed,
	    k->reason, k->rule);
}

/* Write customer k's picture and this month's line of its history. */
static int
store(struct kiln_req *r, const struct kiln_services *sv,
    const struct cust *k, const char *now, const char *since, int past)
{
	static const char *const sql[] = {
		"INSERT INTO customer_values (customer, computed_at, since,"
		" revenue, margin, orders, last_invoice, invoices, late,"
		" late_days, r, f, m, class, ltv, before) VALUES (?1, ?2, ?3,"
		" ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) ON"
		" CONFLICT (customer) DO UPDATE SET before = excluded.before,"
		" computed_at = excluded.computed_at,"
		" since = excluded.since, revenue = excluded.revenue, margin ="
		" excluded.margin, orders = excluded.orders, last_invoice ="
		" excluded.last_invoice, invoices = excluded.invoices, late ="
		" excluded.late, late_days = excluded.late_days, r ="
		" excluded.r, f = excluded.f, m = excluded.m, class ="
		" excluded.class, ltv = excluded.ltv",
		"INSERT INTO customer_value_months (customer, month, revenue,"
		" margin, orders, r, f, m, class, ltv) VALUES (?1, substr(?2,"
		" 1, 7), ?4, ?5, ?6, ?11, ?12, ?13, ?14, ?15) ON CONFLICT"
		" (customer, month) DO UPDATE SET revenue = excluded.revenue,"
		" margin = excluded.margin, orders = excluded.orders, r ="
		" excluded.r, f = excluded.f, m = excluded.m, class ="
		" excluded.class, ltv = excluded.ltv",
	};
	struct kiln_stmt	*st;
	size_t			 i;
	int			 rc;

	/* A past month's picture is history only. */
	for (i = past ? 1 : 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if ((st = sv->sql(r, sql[i])) == NULL)
			return -1;
		sv->bind_int(st, 1, k->id);
		sv->bind_text(st, 2, now);
		sv->bind_text(st, 3, since);
		sv->bind_int(st, 4, k->revenue);
		sv->bind_int(st, 5, k->margin);
		sv->bind_int(st, 6, k->orders);
		sv->bind_text(st, 7, k->last);
		sv->bind_int(st, 8, k->invoices);
		sv->bind_int(st, 9, k->late);
		sv->bind_int(st, 10, k->late_days);
		sv->bind_int(st, 11, k->r);
		sv->bind_int(st, 12, k->f);
		sv->bind_int(st, 13, k->m);
		sv->bind_text(st, 14, k->cls);
		sv->bind_int(st, 15, k->ltv);
		if (i == 0)
			sv->bind_text(st, 16, k->month_before);
		rc = sv->step(st);
		sv->done(st);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/*
 * The totals per class and class before, from the pictures now, and
 * the run finished whole (?1 now): the last transaction of a run.
 */
static int
totals(struct kiln_req *r, const struct kiln_services *sv, int in_txn)
{
	static const char *const sql[] = {
		"DELETE FROM customer_value_totals WHERE ?1 <> ''",
		"INSERT INTO customer_value_totals (class, before, customers,"
		" revenue, margin, ltv) SELECT class, before, count(*),"
		" sum(revenue), sum(margin), sum(ltv) FROM customer_values WHERE"
		" ?1 <> '' GROUP BY class, before",
		"INSERT INTO customer_value_runs (day, finished_at) VALUES"
		" (substr(?1, 1, 10), ?1) ON CONFLICT (day) DO UPDATE SET"
		" finished_at = excluded.finished_at",
	};
	struct kiln_stmt	*st;
	char			 now[KIT_TIMESZ];
	size_t			 i;
	int			 rc = 0;

	kit_now(now);
	if (!in_txn && sv->begin_write(r) != 0)
		return -1;
	for (i = 0; i < 3 && rc == 0; i++) {
		if ((st = sv->sql(r, sql[i])) == NULL)
			rc = -1;
		else {
			sv->bind_text(st, 1, now);
			rc = sv->step(st);
			sv->done(st);
		}
	}
	if (in_txn)
		return rc == 0 ? 0 : -1;
	if (rc != 0) {
		sv->rollback(r);
		return -1;
	}
	return sv->commit(r);
}

/*
 * Work out every customer's value as it stood at time t and store it:
 * now, the picture, this month's history and the suggestions; for a
 * past day (the demo's history), that month's history alone.  0, or
 * -1 (logged).
 */
int
value_compute_at(struct kiln_req *r, const struct kiln_services *sv,
    time_t t, int past, struct kiln_demo *demo)
{
	struct cust	*c;
	struct tm	 tm, q;
	time_t		 tq;
	char		 now[KIT_TIMESZ], today[11], since[16], quiet[11];
	char		 month[8];
	long		 nc, i, end;
	int		 months = (int)sv->number(r, "value_months");

	if (months <= 0)
		months = 12;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	window_start(&tm, months, since, sizeof(since));
	tq = t - (time_t)VALUE_QUIET_DAYS * 86400;
	strftime(quiet, sizeof(quiet), "%Y-%m-%d", gmtime_r(&tq, &q));
	snprintf(month, sizeof(month), "%.7s", today);
	if ((nc = load_customers(r, sv, month, &c)) < 0 ||
	    add_orders(r, sv, c, nc, since, today) != 0) {
		sv->log(KILN_LOG_ERR, "customer_value: the orders could not be"
		    " read");
		return -1;
	}
	rfm(r, sv, c, nc);
	abc(r, sv, c, nc);
	judge(r, sv, c, nc, months, !past);
	/*
	 * A batch per transaction; the demo's in its own (a checkpoint
	 * would take the arena the customers are in).
	 */
	for (i = 0; i < nc; i = end) {
		end = i + BATCH < nc ? i + BATCH : nc;
		if (demo == NULL && sv->begin_write(r) != 0)
			return -1;
		for (; i < end; i++)
			if (store(r, sv, &c[i], now, since, past) != 0 ||
			    (!past && suggest(r, sv, &c[i], now, quiet) != 0)) {
				if (demo == NULL)
					sv->rollback(r);
				sv->log(KILN_LOG_ERR, "customer_value: customer"
				    " %lld could not be stored", c[i].id);
				return -1;
			}
		if (demo == NULL && sv->commit(r) != 0)
			return -1;
	}
	return past ? 0 : totals(r, sv, demo != NULL);
}

int
value_compute(struct kiln_req *r, const struct kiln_services *sv)
{
	return value_compute_at(r, sv, time(NULL), 0, NULL);
}

/*
 * The customer_value job: once a day (it reads every invoiced order),
 * until a run of the day finished whole; POST /value/compute runs it at
 * once.
 */
int
value_job(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 now[KIT_TIMESZ];
	int			 done = 0;

	kit_now(now);
	if ((st = sv->sql(r, "SELECT 1 FROM customer_value_runs WHERE day ="
	    " ?1")) == NULL)
		return -1;
	now[10] = '\0';
	sv->bind_text(st, 1, now);
	done = sv->step(st) == 1;
	sv->done(st);
	return done ? 0 : value_compute(r, sv);
}

/* POST /value/compute: at once, then the report. */
int
value_compute_now(struct kiln_req *r, const struct kiln_services *sv)
{
	if (value_compute(r, sv) != 0)
		return sv->write_failed(r);
	if (sv->audit(r, "compute", "customer", 0, "customer value") != 0)
		sv->log(KILN_LOG_WARN, "customer_value: the run is not in the"
		    " audit trail");
	return sv->redirect(r, "/reports/customer-value?done=updated");
}

/*
 * kiln_plugin.demo: the pictures of the past months (the end of each,
 * oldest first: each customer's history on its page, the report's
 * movement), then today's with its suggestions.
 */
int
value_demo(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	time_t	 now = time(NULL), at;
	struct tm tm;
	int	 k;

	for (k = 11; k >= 1; k--) {
		gmtime_r(&now, &tm);
		/* Day 0 of the month k - 1 back: the last of k back. */
		tm.tm_mon -= k - 1;
		tm.tm_mday = 0;
		tm.tm_hour = 12;
		tm.tm_min = tm.tm_sec = 0;
		if ((at = timegm(&tm)) == (time_t)-1 ||
		    value_compute_at(r, sv, at, 1, d) != 0 ||
		    d->checkpoint(d) != 0)
			return -1;
	}
	return value_compute_at(r, sv, now, 0, d);
}
