/*
 * demo.c - deals for `kiln demo-data`: about half of the demo's
 * customers have one, owned by the customer's owner, spread over the
 * funnel; the later stages reached by moving them along (update(), so
 * each move is in the deal's history), some won, some lost with a
 * reason.
 */
#include <stdio.h>

#include "deals.h"

static const char *const what[] = {
	"Hydraulic units for line", "Drive retrofit, plant",
	"Valve blocks, frame order", "Spare parts contract",
	"Gearboxes for press line", "Service and training package",
	"液压站改造项目", "年度备件框架协议", "伺服驱动升级"
};

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

static int
add_deal(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long customer, long long owner)
{
	static const char *const path[] = {
		"qualified", "proposal", "negotiation"
	};
	struct kiln_kv	 kv[6];
	char		*title = sv->alloc(r, 160), *close = sv->alloc(r, 16);
	char		*amount = sv->alloc(r, 32), err[256];
	long long	 id;
	unsigned	 k, reach;

	snprintf(title, 160, "%s %u", what[d->random(d, sizeof(what) /
	    sizeof(what[0]))], 1 + d->random(d, 9));
	snprintf(close, 16, "2027-%02u-%02u", 1 + d->random(d, 12),
	    1 + d->random(d, 28));
	snprintf(amount, 32, "%u0000.00", 1 + d->random(d, 150));
	kv[0] = (struct kiln_kv)KV_I("customer", customer);
	kv[1] = (struct kiln_kv)KV_S("title", title);
	kv[2] = (struct kiln_kv)KV_S("amount", amount);
	kv[3] = (struct kiln_kv)KV_S("expected_close", close);
	kv[4] = (struct kiln_kv)KV_I("owner", owner);
	kv[5] = (struct kiln_kv)KV_S("source", d->random(d, 2) ? "referral" :
	    "exhibition");
	if (sv->create(r, "deal", kv, 6, &id, err, sizeof(err)) != 0) {
		sv->log(KILN_LOG_ERR, "demo: a deal for customer %lld"
		    " refused: %s", customer, err);
		return -1;
	}
	/* Along the funnel, fewer at each stage; then some close. */
	reach = d->random(d, 4);
	for (k = 0; k < reach; k++)
		if (move(r, sv, id, path[k], NULL) == -1)
			return -1;
	switch (d->random(d, 6)) {
	case 0:
		return reach >= 2 ? move(r, sv, id, "won", NULL) : 0;
	case 1:
		return move(r, sv, id, "lost",
		    deals_lost_reasons[d->random(d, 7)]);
	default:
		return 0;
	}
}

int
deals_demo(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	struct kiln_stmt	*st;
	long long		 id = 0, owner = 0;
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
	for (id--; (rc = next_customer(r, sv, &id, &owner)) == 1; ) {
		if (d->random(d, 2) != 0)
			continue;
		if (add_deal(r, sv, d, id, owner) == -1)
			return -1;
		if (++made % 500 == 0 && d->checkpoint(d) == -1)
			return -1;
	}
	return rc;
}
