/*
 * demo.c - a year of expense claims for `kiln demo-data`: each of the
 * demo's salespeople claims a few times a month (travel to customers,
 * dinners with buyers, samples, gifts, a trade fair), on their own
 * customers and their deals; monthly budgets per salesperson and
 * quarterly ones per team, a few salespeople over theirs; past claims
 * decided by the team's manager (most approved, some rejected) and
 * reimbursed by finance, this month's still waiting or drafts.  The
 * claims are made through create(), then moved on their own days.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "expenses.h"

/* What a claim of each category is about, and how much (units). */
static const struct {
	const char	*category;
	const char	*what;
	long		 low, high;
	unsigned	 weight;
} kinds[] = {
	{ "travel", "高铁往返，拜访客户 / train to the customer's plant", 300,
	  2400, 10 },
	{ "entertainment", "宴请采购经理 / dinner with the buyer", 400, 3500,
	  6 },
	{ "samples", "样品：阀块与密封件 / samples: valve block, seals", 200,
	  1500, 4 },
	{ "gifts", "中秋礼品 / mid-autumn gift", 100, 800, 2 },
	{ "exhibition", "展会展位分摊 / trade fair booth share", 3000, 12000,
	  1 },
	{ "other", "快递与打印 / courier and printing", 50, 400, 2 },
};
#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

/* The smallest PNG (1 x 1): a receipt's stand-in. */
static const unsigned char png[] = {
	0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H',
	'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4,
	0x89, 0, 0, 0, 0x0a, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0, 1, 0,
	0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 'I', 'E', 'N', 'D',
	0xae, 0x42, 0x60, 0x82
};

static const char *
days_ago(struct kiln_req *r, const struct kiln_services *sv, long n)
{
	time_t		 t = time(NULL) - (time_t)n * 86400;
	struct tm	 tm;
	char		*s = sv->alloc(r, 24);

	strftime(s, 24, "%Y-%m-%d", gmtime_r(&t, &tm));
	return s;
}

/* Run sql with ?1 id and ?2 ... ?4 texts. */
static int
exec(struct kiln_req *r, const struct kiln_services *sv, const char *sql,
    long long id, const char *a, const char *b, const char *c)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, sql)) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, a);
	sv->bind_text(st, 3, b);
	sv->bind_text(st, 4, c);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/* A move of claim id on day, as the workflow makes it, with history. */
static int
move(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *status, const char *by, const char *day, long long approver)
{
	char	 at[24], who[24];

	snprintf(at, sizeof(at), "%.10sT10:00:00Z", day);
	snprintf(who, sizeof(who), "%lld", approver);
	if (exec(r, sv, "UPDATE expenses SET status = ?2, status_seq ="
	    " status_seq + 1, version = version + 1, updated_at = ?3, approver ="
	    " CASE WHEN ?4 = '0' THEN approver ELSE CAST(?4 AS INTEGER) END,"
	    " decided_at = CASE WHEN ?2 IN ('approved', 'rejected') THEN ?3"
	    " ELSE decided_at END, reimbursed_at = CASE WHEN ?2 = 'reimbursed'"
	    " THEN ?3 ELSE reimbursed_at END, reason = CASE WHEN ?2 ="
	    " 'rejected' THEN '没有发票 / no invoice for it' ELSE reason END"
	    " WHERE id = ?1", id, status, at, who) != 0)
		return -1;
	return exec(r, sv, "INSERT INTO expense_history (expense, seq,"
	    " status, by_login, at) VALUES (?1, (SELECT coalesce(max(seq), 0)"
	    " + 1 FROM expense_history WHERE expense = ?1), ?2, ?3, ?4)", id,
	    status, by, at);
}

/* A customer of owner's (and one of its deals, or 0), drawn. */
static int
pick(struct kiln_req *r, const struct kiln_services *sv, struct kiln_demo *d,
    long long owner, long long *customer, long long *deal)
{
	struct kiln_stmt	*st;
	long long		 n = 0;

	*customer = *deal = 0;
	if ((st = sv->sql(r, "SELECT count(*) FROM customers WHERE owner ="
	    " ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, owner);
	if (sv->step(st) == 1)
		n = sv->col_int(st, 0);
	sv->done(st);
	if (n == 0)
		return 0;
	if ((st = sv->sql(r, "SELECT c.id, coalesce((SELECT min(id) FROM deals"
	    " WHERE customer = c.id), 0) FROM customers c WHERE c.owner = ?1"
	    " ORDER BY c.id LIMIT 1 OFFSET ?2")) == NULL)
		return -1;
	sv->bind_int(st, 1, owner);
	sv->bind_int(st, 2, d->random(d, (unsigned)n));
	if (sv->step(st) == 1) {
		*customer = sv->col_int(st, 0);
		*deal = d->random(d, 2) ? sv->col_int(st, 1) : 0;
	}
	sv->done(st);
	return 0;
}

static size_t
kind_of(struct kiln_demo *d)
{
	unsigned	 total = 0, x;
	size_t		 i;

	for (i = 0; i < NKINDS; i++)
		total += kinds[i].weight;
	x = d->random(d, total);
	for (i = 0; i < NKINDS; i++) {
		if (x < kinds[i].weight)
			return i;
		x -= kinds[i].weight;
	}
	return 0;
}

/* Who decides a user's claims: the team's manager, else an admin. */
static const struct kiln_demo_user *
manager_of(const struct kiln_demo *d, const char *team)
{
	const struct kiln_demo_user	*admin = NULL;
	size_t				 i;

	for (i = 0; i < d->nusers; i++) {
		if (strcmp(d->users[i].role, "manager") == 0 &&
		    strcmp(d->users[i].team, team) == 0)
			return &d->users[i];
		if (strcmp(d->users[i].role, "admin") == 0 && admin == NULL)
			admin = &d->users[i];
	}
	return admin;
}

/* One claim of u's, spent `ago` days ago, moved on as its age says. */
static int
claim(struct kiln_req *r, const struct kiln_services *sv, struct kiln_demo *d,
    const struct kiln_demo_user *u, long ago, const char *boss_login,
    long long boss)
{
	struct kiln_kv	 kv[6];
	struct kiln_stmt *st;
	size_t		 k = kind_of(d), n = 0;
	long long	 id, customer, deal;
	char		 err[256], amount[24];
	int		 rc;

	if (pick(r, sv, d, u->id, &customer, &deal) != 0)
		return -1;
	snprintf(amount, sizeof(amount), "%ld.00", kinds[k].low +
	    (long)d->random(d, (unsigned)(kinds[k].high - kinds[k].low)));
	kv[n++] = (struct kiln_kv)KV_S("spent_on", days_ago(r, sv, ago));
	kv[n++] = (struct kiln_kv)KV_S("category", kinds[k].category);
	kv[n++] = (struct kiln_kv)KV_S("amount", amount);
	kv[n++] = (struct kiln_kv)KV_S("description", kinds[k].what);
	kv[n++] = (struct kiln_kv)KV_I("owner", u->id);
	if (customer != 0)
		kv[n++] = (struct kiln_kv)KV_I(deal ? "deal" : "customer",
		    deal ? deal : customer);
	if (sv->create(r, "expense", kv, n, &id, err, sizeof(err)) != 0) {
		sv->log(KILN_LOG_ERR, "demo: a claim refused: %s", err);
		return -1;
	}
	if (exec(r, sv, "INSERT INTO expense_history (expense, seq, status,"
	    " by_login, at) VALUES (?1, 1, 'draft', ?2, ?3 || 'T09:00:00Z')",
	    id, u->login, days_ago(r, sv, ago), "") != 0)
		return -1;
	/* Most have their receipt. */
	if (d->random(d, 5) != 0) {
		if ((st = sv->sql(r, "INSERT INTO expense_receipts (expense,"
		    " name, ctype, size, sha256, data, created_at, by_login)"
		    " VALUES (?1, ?2, 'image/png', ?3, ?4, ?5, ?6 ||"
		    " 'T09:00:00Z', ?7)")) == NULL)
			return -1;
		sv->bind_int(st, 1, id);
		sv->bind_text(st, 2, "发票.png");
		sv->bind_int(st, 3, (long long)sizeof(png));
		sv->bind_text(st, 4, "demo");
		sv->bind_blob(st, 5, png, sizeof(png));
		sv->bind_text(st, 6, days_ago(r, sv, ago));
		sv->bind_text(st, 7, u->login);
		rc = sv->step(st);
		sv->done(st);
		if (rc != 0)
			return -1;
	}
	if (ago < 3)
		return 0;	/* still a draft */
	if (move(r, sv, id, "submitted", u->login, days_ago(r, sv, ago - 1),
	    0) != 0)
		return -1;
	if (ago < 8 || boss == 0)
		return 0;	/* waiting for the manager */
	if (d->random(d, 12) == 0)
		return move(r, sv, id, "rejected", boss_login, days_ago(r, sv,
		    ago - 4), boss);
	if (move(r, sv, id, "approved", boss_login, days_ago(r, sv, ago - 4),
	    boss) != 0)
		return -1;
	return ago < 20 ? 0 : move(r, sv, id, "reimbursed", "finance",
	    days_ago(r, sv, ago - 15), 0);
}

/* Monthly budgets per salesperson, quarterly per team, this year. */
static int
budgets(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	time_t		 t = time(NULL);
	struct tm	 tm;
	char		 period[16], amount[24];
	size_t		 i;
	int		 m, q;

	gmtime_r(&t, &tm);
	for (i = 0; i < d->nusers; i++) {
		if (strcmp(d->users[i].role, "sales") != 0)
			continue;
		snprintf(amount, sizeof(amount), "%u", 600000 +
		    100000 * d->random(d, 5));
		for (m = 1; m <= 12; m++) {
			snprintf(period, sizeof(period), "%04d-%02d",
			    (tm.tm_year + 1900) % 10000, m);
			if (exec(r, sv, "INSERT INTO expense_budgets (owner,"
			    " period, amount) VALUES (?1, ?2, CAST(?3 AS"
			    " INTEGER))", d->users[i].id, period, amount, "") !=
			    0)
				return -1;
		}
	}
	for (i = 0; i < d->nusers; i++) {
		if (strcmp(d->users[i].role, "manager") != 0 ||
		    *d->users[i].team == '\0')
			continue;
		for (q = 1; q <= 4; q++) {
			snprintf(period, sizeof(period), "%04d-Q%d",
			    (tm.tm_year + 1900) % 10000, q);
			if (exec(r, sv, "INSERT INTO expense_budgets (team,"
			    " period, amount) VALUES (?2, ?3, 6000000) ON"
			    " CONFLICT DO NOTHING", 0, d->users[i].team, period,
			    "") != 0)
				return -1;
		}
	}
	return 0;
}

int
exp_demo(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	const struct kiln_demo_user	*u, *boss;
	size_t				 i;
	long				 ago;
	unsigned			 per_month;
	int				 made = 0;

	if (budgets(r, sv, d) != 0)
		return -1;
	for (i = 0; i < d->nusers; i++) {
		u = &d->users[i];
		if (strcmp(u->role, "sales") != 0)
			continue;
		boss = manager_of(d, u->team);
		/* Some spend much more than others. */
		per_month = 2 + d->random(d, 5);
		for (ago = 360; ago >= 0; ago -= 30 / (long)per_month) {
			if (claim(r, sv, d, u, ago, boss ? boss->login :
			    "admin", boss ? boss->id : 0) != 0)
				return -1;
			if (++made % 200 == 0 && d->checkpoint(d) != 0)
				return -1;
		}
	}
	return 0;
}
