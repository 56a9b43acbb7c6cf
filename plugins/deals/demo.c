/*
 * demo.c - deals for `kiln demo-data`: about half of the demo's
 * customers have one, owned by the customer's owner, spread over the
 * funnel; the later stages reached by moving them along (update(), so
 * each move is in the deal's history), some won, some lost with a
 * reason.
 */
#define _DEFAULT_SOURCE		/* gmtime_r, timegm */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "deals.h"

static const char *const what[] = {
	"Hydraulic units for line", "Drive retrofit, plant",
	"Valve blocks, frame order", "Spare parts contract",
	"Gearboxes for press line", "Service and training package",
	"液压站改造项目", "年度备件框架协议", "伺服驱动升级"
};

static const struct {
	const char	*name, *site, *level, *strengths, *weaknesses;
} rivals[] = {
	{ "Bosch Rexroth", "https://www.boschrexroth.com", "higher",
	  "Brand, full hydraulics range, global service",
	  "Long lead times on custom units" },
	{ "Parker Hannifin", "https://www.parker.com", "higher",
	  "Breadth of catalogue", "Slow local engineering support" },
	{ "恒立液压", "https://www.henglihydraulics.com", "lower",
	  "价格低，交期短", "高端定制经验少" },
	{ "SEW-Eurodrive", "https://www.sew-eurodrive.com", "similar",
	  "Gear units and drives from one hand", "Rigid on payment terms" },
	{ "汇川技术", "https://www.inovance.com", "lower",
	  "伺服与变频性价比高", "液压产品线较弱" },
};

/* The demo's competitors; their ids in ids[] (0 where refused). */
static void
add_rivals(struct kiln_req *r, const struct kiln_services *sv,
    long long *ids)
{
	struct kiln_kv	 kv[5];
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(rivals) / sizeof(rivals[0]); i++) {
		kv[0] = (struct kiln_kv)KV_S("name", rivals[i].name);
		kv[1] = (struct kiln_kv)KV_S("website", rivals[i].site);
		kv[2] = (struct kiln_kv)KV_S("price_level", rivals[i].level);
		kv[3] = (struct kiln_kv)KV_S("strengths", rivals[i].strengths);
		kv[4] = (struct kiln_kv)KV_S("weaknesses",
		    rivals[i].weaknesses);
		if (sv->create(r, "competitor", kv, 5, &ids[i], err,
		    sizeof(err)) != 0) {
			ids[i] = 0;
			sv->log(KILN_LOG_WARN, "demo: competitor %s: %s",
			    rivals[i].name, err);
		}
	}
}

/* Name competitor cid on deal id, at a price near the deal's. */
static void
name_rival(struct kiln_req *r, const struct kiln_services *sv, long long id,
    long long cid, long long price)
{
	struct kiln_stmt	*st;

	if (cid == 0 || (st = sv->sql(r, "INSERT INTO deal_competitors"
	    " (deal, competitor, price) VALUES (?1, ?2, ?3) ON CONFLICT"
	    " (deal, competitor) DO NOTHING")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->bind_int(st, 2, cid);
	sv->bind_int(st, 3, price);
	(void)sv->step(st);
	sv->done(st);
}

/* One or two products of interest on deal id. */
static int
add_interest(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long id)
{
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[3];
	long long		 product, lid;
	char			 err[256];
	unsigned		 k, n = 1 + d->random(d, 2);

	for (k = 0; k < n; k++) {
		product = 0;
		if ((st = sv->sql(r, "SELECT id FROM products WHERE active = 1"
		    " ORDER BY id LIMIT 1 OFFSET ?1")) == NULL)
			return -1;
		sv->bind_int(st, 1, d->random(d, 20));
		if (sv->step(st) == 1)
			product = sv->col_int(st, 0);
		sv->done(st);
		if (product == 0)
			return 0;	/* a small catalogue: none past it */
		kv[0] = (struct kiln_kv)KV_I("deal", id);
		kv[1] = (struct kiln_kv)KV_I("product", product);
		kv[2] = (struct kiln_kv)KV_I("quantity", 1 + d->random(d, 40));
		if (sv->create(r, "deal_line", kv, 3, &lid, err,
		    sizeof(err)) != 0) {
			sv->log(KILN_LOG_ERR, "demo: a product of interest on"
			    " deal %lld refused: %s", id, err);
			return -1;
		}
	}
	return 0;
}

/* The next customer after *id with an owner: 1, 0 none, -1 error. */
static int
next_customer(struct kiln_req *r, const struct kiln_services *sv,
    long long *id, long long *owner)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, "SELECT id, owner FROM customers WHERE id > ?1"
	    " AND owner IS NOT NULL ORDER BY id LIMIT 1")) == NULL)
		return -1;
	sv->bind_int(st, 1, *id);
	if ((rc = sv->step(st)) == 1) {
		*id = sv->col_int(st, 0);
		*owner = sv->col_int(st, 1);
	}
	sv->done(st);
	return rc;
}

/* YYYY-MM-DD of `days` from today (negative: before). */
static const char *
day(struct kiln_req *r, const struct kiln_services *sv, long days)
{
	char		*s = sv->alloc(r, 11);
	time_t		 t = time(NULL) + (time_t)days * 86400;
	struct tm	 tm;

	strftime(s, 11, "%Y-%m-%d", gmtime_r(&t, &tm));
	return s;
}

/*
 * The deal as if it had been worked on for the past months: made
 * `start` days ago, each of its n moves some days after the one before,
 * closed on the day of the last when won or lost, last worked on then
 * or at its latest activity; then judged again (stalled or not).
 */
static int
backdate(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long id, unsigned start, unsigned n, int open)
{
	struct kiln_stmt	*st;
	long			 at = -(long)start;
	/* An open deal was mostly moved lately: a few have stalled. */
	long			 last = open ? -(long)d->random(d, 20) : 0;
	unsigned		 k;
	int			 rc = 0;

	for (k = 1; k <= n && rc == 0; k++) {
		at += 3 + (long)d->random(d, 1 + start / (n + 1));
		if (at > last || (open && k == n))
			at = last;
		if ((st = sv->sql(r, "UPDATE deal_stages SET at = ?3 ||"
		    " 'T09:00:00Z' WHERE deal = ?1 AND seq = ?2")) == NULL)
			return -1;
		sv->bind_int(st, 1, id);
		sv->bind_int(st, 2, k);
		sv->bind_text(st, 3, day(r, sv, at));
		rc = sv->step(st);
		sv->done(st);
	}
	if (rc != 0 || (st = sv->sql(r, "UPDATE deals SET created_at = ?2 ||"
	    " 'T08:00:00Z', closed_on = CASE WHEN stage IN ('won', 'lost')"
	    " THEN ?3 ELSE '' END, expected_close = CASE WHEN stage IN"
	    " ('won', 'lost') THEN ?3 ELSE ?4 END, touched_on = coalesce("
	    "(SELECT CASE WHEN max(substr(a.done_at, 1, 10)) > ?3 THEN"
	    " max(substr(a.done_at, 1, 10)) ELSE ?3 END FROM activities a"
	    " WHERE a.deal = ?1 AND a.status = 'done'), ?3) WHERE id = ?1"))
	    == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, day(r, sv, -(long)start));
	sv->bind_text(st, 3, day(r, sv, n > 0 ? at : open ? last :
	    -(long)start));
	/* Open: expected in the coming months, a few already overdue. */
	sv->bind_text(st, 4, day(r, sv, (long)d->random(d, 130) - 10));
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? deals_evaluate(r, sv, id) : -1;
}

/* Move deal id on to stage, as a person would (history, audit). */
static int
move(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *stage, const char *lost)
{
	struct kiln_kv	 kv[3];
	char		 pct[8], err[256];
	size_t		 n = 0;

	kv[n++] = (struct kiln_kv)KV_S("stage", stage);
	snprintf(pct, sizeof(pct), "%d", deals_stage_probability(stage));
	kv[n++] = (struct kiln_kv)KV_S("probability", pct);
	if (lost != NULL)
		kv[n++] = (struct kiln_kv)KV_S("lost_reason", lost);
	if (sv->update(r, "deal", id, kv, n, err, sizeof(err)) == 0)
		return 0;
	sv->log(KILN_LOG_ERR, "demo: deal %lld to %s refused: %s", id, stage,
	    err);
	return -1;
}

/*
 * A few activities about deal id over the past year, done, and one in
 * the coming fortnight, planned: calls, visits (at the customer's),
 * meetings (some not held), e-mails, as a salesperson's diary.
 */
static int
add_activities(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long customer, long long deal, long long owner,
    unsigned span)
{
	static const char *const kinds[] = {
		"call", "call", "visit", "meeting", "email", "call", "task"
	};
	static const char *const about[] = {
		"Requirements and drawings", "Follow up the quotation",
		"Plant visit with the engineer", "技术交流", "报价跟进",
		"Delivery schedule", "Samples and test report"
	};
	static const char *const meeting_ends[] = {
		"done", "done", "done", "no_show", "rescheduled"
	};
	struct kiln_kv	 kv[9];
	char		*when, err[256];
	time_t		 t;
	struct tm	 tm;
	long long	 id;
	unsigned	 k, n = 1 + d->random(d, 5);
	size_t		 m;
	const char	*kind, *status;

	for (k = 0; k <= n; k++) {
		kind = kinds[d->random(d, 7)];
		status = "done";
		/* The last is ahead of us, planned; the rest behind. */
		t = time(NULL) + (k == n ? (time_t)(1 + d->random(d, 14)) :
		    -(time_t)(1 + d->random(d, span))) * 86400 +
		    (time_t)d->random(d, 9 * 3600);
		t -= t % 900;
		if (k == n)
			status = "planned";
		else if (kind[0] == 'm')
			status = meeting_ends[d->random(d, 5)];
		when = sv->alloc(r, 21);
		strftime(when, 21, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
		m = 0;
		kv[m++] = (struct kiln_kv)KV_S("kind", kind);
		kv[m++] = (struct kiln_kv)KV_S("subject",
		    about[d->random(d, 7)]);
		kv[m++] = (struct kiln_kv)KV_I("customer", customer);
		kv[m++] = (struct kiln_kv)KV_I("deal", deal);
		kv[m++] = (struct kiln_kv)KV_I("owner", owner);
		kv[m++] = (struct kiln_kv)KV_S("status", status);
		kv[m++] = (struct kiln_kv)KV_S("scheduled_at", when);
		if (kind[0] == 'v')
			kv[m++] = (struct kiln_kv)KV_S("place",
			    "Customer's plant");
		if (kind[0] == 'c')
			kv[m++] = (struct kiln_kv)KV_S("direction",
			    d->random(d, 4) == 0 ? "returned" : "outbound");
		if (sv->create(r, "activity", kv, m, &id, err,
		    sizeof(err)) != 0) {
			sv->log(KILN_LOG_ERR, "demo: an activity on deal %lld"
			    " refused: %s", deal, err);
			return -1;
		}
	}
	return 0;
}

static int
add_deal(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long customer, long long owner,
    const long long *rival)
{
	static const char *const path[] = {
		"qualified", "proposal", "negotiation"
	};
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[7];
	char			*title = sv->alloc(r, 160);
	char			*close = sv->alloc(r, 16);
	char			*amount = sv->alloc(r, 32), err[256];
	long long		 id;
	unsigned		 k, reach, begun, moves;
	size_t			 n;
	int			 ri, rc, open = 0;

	snprintf(title, 160, "%s %u", what[d->random(d, sizeof(what) /
	    sizeof(what[0]))], 1 + d->random(d, 9));
	snprintf(close, 16, "2027-%02u-%02u", 1 + d->random(d, 12),
	    1 + d->random(d, 28));
	k = 1 + d->random(d, 150);
	snprintf(amount, 32, "%u0000.00", k);
	kv[0] = (struct kiln_kv)KV_I("customer", customer);
	kv[1] = (struct kiln_kv)KV_S("title", title);
	kv[2] = (struct kiln_kv)KV_S("amount", amount);
	kv[3] = (struct kiln_kv)KV_S("expected_close", close);
	kv[4] = (struct kiln_kv)KV_I("owner", owner);
	kv[5] = (struct kiln_kv)KV_S("source", d->random(d, 2) ? "referral" :
	    "exhibition");
	/* Most deals have their decision maker: the first contact. */
	n = 6;
	if (d->random(d, 4) != 0 && (st = sv->sql(r, "SELECT id FROM contacts"
	    " WHERE customer = ?1 ORDER BY id LIMIT 1")) != NULL) {
		sv->bind_int(st, 1, customer);
		if (sv->step(st) == 1)
			kv[n++] = (struct kiln_kv)KV_I("contact",
			    sv->col_int(st, 0));
		sv->done(st);
	}
	if (sv->create(r, "deal", kv, n, &id, err, sizeof(err)) != 0) {
		sv->log(KILN_LOG_ERR, "demo: a deal for customer %lld"
		    " refused: %s", customer, err);
		return -1;
	}
	/* Begun up to a year ago; what the customer asks about. */
	begun = 20 + d->random(d, 345);
	if (add_interest(r, sv, d, id) == -1 ||
	    add_activities(r, sv, d, customer, id, owner, begun) == -1)
		return -1;
	/* Most deals past a lead meet one or two of the usual rivals. */
	ri = d->random(d, 3) != 0 ? (int)d->random(d, 5) : -1;
	if (ri >= 0)
		name_rival(r, sv, id, rival[ri],
		    (long long)k * 1000000 * (85 + d->random(d, 30)) / 100);
	/* Along the funnel, fewer at each stage; then some close. */
	reach = d->random(d, 4);
	for (k = 0; k < reach; k++)
		if (move(r, sv, id, path[k], NULL) == -1)
			return -1;
	/*
	 * The story: the cheaper rival (index 2) takes most deals it is
	 * in, on price; the others lose some and win some.
	 */
	if (ri == 2 && d->random(d, 3) != 0)
		rc = move(r, sv, id, "lost", "price");
	else
		switch (d->random(d, 5)) {
		case 0:
		case 1:
			rc = reach >= 2 ? move(r, sv, id, "won", NULL) : 0;
			break;
		case 2:
			rc = move(r, sv, id, "lost",
			    deals_lost_reasons[d->random(d, 7)]);
			break;
		default:
			open = 1;
			rc = 0;
		}
	if (rc != 0)
		return -1;
	moves = 0;
	if ((st = sv->sql(r, "SELECT count(*) FROM deal_stages WHERE"
	    " deal = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1)
		moves = (unsigned)sv->col_int(st, 0);
	sv->done(st);
	return backdate(r, sv, d, id, begun, moves, open);
}

/*
 * Each salesperson's monthly quotas for the past year and the next
 * quarter: what they won in a month of the last quarter, times a
 * stretch of their own, so some are above their quotas and some below.
 */
static int
add_quotas(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	static const int stretch[] = { 80, 140, 100, 120, 70, 110 };
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[3];
	char			*period, *amount, err[256];
	long long		 won, qid;
	time_t			 t;
	struct tm		 tm;
	size_t			 u, k = 0;
	int			 m;

	for (u = 0; u < d->nusers; u++) {
		if (strcmp(d->users[u].role, "sales") != 0)
			continue;
		/* Their last quarter's wins, a month of them. */
		won = 0;
		if ((st = sv->sql(r, "SELECT coalesce(sum(amount), 0) FROM deals"
		    " WHERE owner = ?1 AND stage = 'won' AND closed_on >= ?2"))
		    == NULL)
			return -1;
		sv->bind_int(st, 1, d->users[u].id);
		sv->bind_text(st, 2, day(r, sv, -91));
		if (sv->step(st) == 1)
			won = sv->col_int(st, 0);
		sv->done(st);
		won = won / 3 * stretch[k++ % 6] / 100;
		for (m = -11; m <= 3; m++) {
			t = time(NULL);
			gmtime_r(&t, &tm);
			tm.tm_mday = 15;
			tm.tm_mon += m;
			t = timegm(&tm);
			gmtime_r(&t, &tm);
			period = sv->alloc(r, 16);
			strftime(period, 16, "%Y-%m", &tm);
			amount = sv->alloc(r, 32);
			snprintf(amount, 32, "%lld.%02lld", won / 100, won % 100);
			kv[0] = (struct kiln_kv)KV_I("owner", d->users[u].id);
			kv[1] = (struct kiln_kv)KV_S("period", period);
			kv[2] = (struct kiln_kv)KV_S("amount", amount);
			if (sv->create(r, "quota", kv, 3, &qid, err,
			    sizeof(err)) != 0)
				sv->log(KILN_LOG_WARN, "demo: quota %s of %s: %s",
				    period, d->users[u].login, err);
		}
	}
	return 0;
}

int
deals_demo(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	struct kiln_stmt	*st;
	long long		 id = 0, owner = 0, rival[5];
	int			 rc, made = 0;

	/* The newest d->scale customers: those the demo just made. */
	if ((st = sv->sql(r, "SELECT coalesce(min(id), 0) FROM (SELECT id"
	    " FROM customers ORDER BY id DESC LIMIT ?1) AS newest")) == NULL)
		return -1;
	sv->bind_int(st, 1, d->scale);
	if (sv->step(st) == 1)
		id = sv->col_int(st, 0);
	sv->done(st);
	if (id == 0)
		return 0;
	add_rivals(r, sv, rival);
	for (id--; (rc = next_customer(r, sv, &id, &owner)) == 1; ) {
		if (d->random(d, 2) != 0)
			continue;
		if (add_deal(r, sv, d, id, owner, rival) == -1)
			return -1;
		if (++made % 500 == 0 && d->checkpoint(d) == -1)
			return -1;
	}
	return rc == -1 ? -1 : add_quotas(r, sv, d);
}
