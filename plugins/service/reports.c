/*
 * reports.c - GET /reports/sla: how the desk kept its deadlines over a
 * period (from, to: days, the last 30 by default), for an engineer
 * (owner), a team (its engineers) or a customer segment, among the
 * tickets the viewer may read: the share of first responses and of
 * resolutions within their deadline, overall and per priority,
 * engineer, segment and product; the mean business hours they took
 * and the 90th percentile; the backlog of open tickets by age; the
 * customers' satisfaction per engineer and product; the most frequent
 * causes per product (for production).  HTML with charts, or XML
 * (schema/report.rng: rows by="all", "priority", "engineer",
 * "segment", "product", "age", "cause"), or CSV through the host.
 *
 * A clock counts on the day its outcome was decided (service.h, "The
 * SLA report's summaries"): the figures of whole months before this
 * one come from ticket_sla_months, the other days from
 * ticket_sla_days, both kept by the tickets' triggers, so a year of a
 * million tickets is a few thousand rows.  Only the clocks running
 * today past their deadline are read from the tickets (a summary
 * knows the day, not the hour).
 *
 * Whose figures: the whole desk's rows for those who read every ticket
 * (kind 'a'); an engineer's or a team's (kind 'e'), a segment's (kind
 * 's'); a salesperson's or a manager's own (a ticket is its customer's
 * salesperson's and its engineer's): their rows as salespeople (kind
 * 'o') and as engineers (kind 'e'), less the tickets that are theirs
 * both ways, read from the tickets (rarely any); narrowed to other
 * engineers, their own as engineers of those and their customers'
 * tickets with those, read from the tickets through (owner, assignee).
 * The people's rows are per segment as well.  Per product, the
 * percentiles and the causes are kept for the whole desk only: a
 * narrowed report leaves them out and says so.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

#define SLA_MAX_LINES	500	/* lines of one grouping */
#define SLA_NBUCKETS	200	/* SLA_BUCKET's 0 .. 199 */
#define SLA_NPRIO	4

/* The groupings' codes (service.h: grp), in the report's order. */
enum { G_PRIORITY, G_ENGINEER, G_SEGMENT, G_PRODUCT, G_N };
static const char group_codes[G_N] = { 'p', 'e', 's', 'r' };

/* One clock's figures: met, answered late, still running past due. */
struct clockfig {
	long long	 met, late, overdue, n, secs;
};

struct line {
	const char	*val;
	const char	*key, *name;	/* as shown: login, sku... */
	long long	 id;		/* a user's or product's id */
	struct clockfig	 c[2];		/* 0 first response, 1 resolution */
	long long	 sat_n, sat_sum;
};

#define SLA_SLOTS	1024	/* a group's hash of vals, > 2 SLA_MAX_LINES */
struct group {
	struct line	*v;
	size_t		 n;
	unsigned short	*slot;	/* line index + 1 by val's hash; 0 free */
};

struct acc {
	struct group	 g[G_N];
	long long	 hist[2][SLA_NPRIO][SLA_NBUCKETS];
	long long	 age[SERVICE_NBANDS];
};

/* Which users' rows: the viewer's own (S), an engineer filter (X). */
#define S_SET	"(SELECT id FROM users WHERE id = ?7 OR (?6 = 1 AND" \
	" team = ?8 AND team <> ''))"
#define X_USERS	"(?3 = 0 OR id = ?3) AND (?4 = '' OR team = ?4)"

/*
 * The summaries' rows of a kind, ?1 .. ?2 (days or months), added up
 * by add_rows() (a sorter's GROUP BY costs SQLite more than the rows).
 */
#define SUM_READ(tb, whose) \
	"SELECT clock, grp, val, bucket, met, late, CASE WHEN day < ?9" \
	" THEN pending ELSE 0 END, n, secs, sat_n, sat_sum FROM " tb \
	" WHERE " whose " AND day >= ?1 AND day <= ?2"
#define OPEN_READ(whose) \
	"SELECT day, sum(n) FROM ticket_open WHERE " whose " GROUP BY day"
#define WHOSE_A	"kind = 'a' AND who = 0 AND seg = ''"
#define WHOSE_S	"kind = 's' AND who = 0 AND seg = ?5"
#define WHOSE_E	"kind = 'e' AND who IN (SELECT id FROM users WHERE " \
	X_USERS " AND (?6 = 0 OR id = ?7 OR (?6 = 1 AND team = ?8 AND" \
	" team <> ''))) AND (?5 = '' OR seg = ?5)"
#define WHOSE_O	"kind = 'o' AND who IN " S_SET " AND (?5 = '' OR seg = ?5)"

static const struct kind {
	char		 kind;
	const char	*days, *months, *open;
} kinds[] = {
	{ 'a', SUM_READ("ticket_sla_days", WHOSE_A),
	  SUM_READ("ticket_sla_months", WHOSE_A), OPEN_READ(WHOSE_A) },
	{ 's', SUM_READ("ticket_sla_days", WHOSE_S),
	  SUM_READ("ticket_sla_months", WHOSE_S), OPEN_READ(WHOSE_S) },
	{ 'e', SUM_READ("ticket_sla_days", WHOSE_E),
	  SUM_READ("ticket_sla_months", WHOSE_E), OPEN_READ(WHOSE_E) },
	{ 'o', SUM_READ("ticket_sla_days", WHOSE_O),
	  SUM_READ("ticket_sla_months", WHOSE_O), OPEN_READ(WHOSE_O) },
};

/*
 * The same figures from the tickets t of a condition, the days ?1 ..
 * ?2; a clock still running counts as missed when its deadline is
 * before ?9 (today, as the summaries read; or now, exact).
 */
#define GROUPINGS "(VALUES ('p'), ('e'), ('s'), ('r')) AS x"
#define D_CLOCK(c, cond) \
	"SELECT '" #c "', x.column1, " SLA_VAL("x.column1", "t") ", -1," \
	" sum(" SLA_MET(c, "t") "), sum(" SLA_LATE(c, "t") "), sum(" \
	SLA_IF(SLA_RUNNING(c, "t") " AND " SLA_DUE(c, "t") " < ?9") \
	"), sum(" SLA_IF(SLA_TIMED(c, "t")) "), sum(" SLA_TIME(c, "t") \
	"), sum(" SLA_SATN_##c("t") "), sum(" SLA_SATS_##c("t") ") FROM" \
	" tickets t CROSS JOIN " GROUPINGS " WHERE " SLA_COUNTS(c, "t") \
	" AND " SLA_DAY(c, "t", "10") " >= ?1 AND " SLA_DAY(c, "t", "10") \
	" <= ?2 AND " cond " GROUP BY x.column1, 3"
#define D_SLA(cond)	D_CLOCK(f, cond) " UNION ALL " D_CLOCK(r, cond)
#define D_OPEN(cond) \
	"SELECT substr(t.created_at, 1, 10), count(*) FROM tickets t WHERE" \
	" t.status NOT IN ('resolved', 'closed') AND " cond " GROUP BY 1"
/* Every ticket of the selection: the viewer's, narrowed. */
#define D_ALL \
	"(?6 = 0 OR t.owner IN " S_SET " OR t.assignee IN " S_SET ") AND" \
	" (?3 = 0 OR t.assignee = ?3) AND (?4 = '' OR t.assignee IN (SELECT" \
	" id FROM users WHERE team = ?4)) AND (?5 = '' OR t.segment = ?5)"
/* The viewer's both ways (counted twice by the kinds 'o' and 'e'). */
#define D_BOTH	"t.owner IN " S_SET " AND t.assignee IN " S_SET " AND" \
	" (?5 = '' OR t.segment = ?5)"
/* The viewer's customers' tickets with another engineer of X's. */
#define D_OTHERS \
	"t.owner IN " S_SET " AND t.assignee IN (SELECT id FROM users WHERE " \
	X_USERS " AND id NOT IN " S_SET ") AND (?5 = '' OR t.segment = ?5)"
/* Clocks running today past their deadline, ?1 today, ?2 now. */
#define D_TODAY \
	"SELECT 'f', x.column1, " SLA_VAL("x.column1", "t") ", -1, 0, 0," \
	" count(*), 0, 0, 0, 0 FROM tickets t CROSS JOIN " GROUPINGS " WHERE" \
	" t.first_response_due >= ?1 AND t.first_response_due < ?2 AND" \
	" t.first_response_at = '' AND " D_ALL " GROUP BY x.column1, 3" \
	" UNION ALL SELECT 'r', x.column1, " SLA_VAL("x.column1", "t") \
	", -1, 0, 0, count(*), 0, 0, 0, 0 FROM tickets t CROSS JOIN " \
	GROUPINGS " WHERE t.resolution_due >= ?1 AND t.resolution_due < ?2" \
	/* Not by resolved_at's index: '' is every open ticket. */ \
	" AND t.resolved_at || '' = '' AND t.status <> 'waiting_customer'" \
	" AND " D_ALL " GROUP BY x.column1, 3"

static const char *const d_sla[] = { D_SLA(D_BOTH), D_SLA(D_OTHERS) };
static const char *const d_open[] = { D_OPEN(D_BOTH), D_OPEN(D_OTHERS) };
enum { D_BOTH_I, D_OTHERS_I };

const char *const service_bands[SERVICE_NBANDS] = {
	"lt1d", "1to3d", "3to7d", "7to30d", "gt30d"
};
static const char *const band_words[SERVICE_NBANDS] = {
	N_("under a day"), N_("1 to 3 days"), N_("3 to 7 days"),
	N_("7 to 30 days"), N_("over 30 days")
};

/*
 * Whose tickets the viewer reads, as the ticket's access has it: 0
 * every one (admin, service, office; a command), 1 the team's, 2 their
 * own (as salesperson or engineer), -1 none.
 */
int
service_scope(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*role = sv->user_role(r);

	if (*role == '\0' || strcmp(role, "admin") == 0 ||
	    strcmp(role, "service") == 0 || strcmp(role, "office") == 0)
		return 0;
	if (strcmp(role, "manager") == 0)
		return 1;
	if (strcmp(role, "sales") == 0)
		return 2;
	return -1;
}

/* Days since 1970-01-01 of a YYYY-MM-DD (civil, proleptic Gregorian). */
static long
day_number(const char *d)
{
	long	 y = atol(d), m = atol(d + 5), dd = atol(d + 8), era, yoe;
	long	 doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The YYYY-MM-DD of a day number (day_number()'s inverse). */
static void
day_text(long z, char *out, size_t n)
{
	long	 era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	snprintf(out, n, "%04d-%02d-%02d", (int)((y + (m <= 2)) % 10000),
	    (int)(m % 100), (int)(d % 100));
}

/* A month (YYYY-MM) moved by k months, into out. */
static void
month_step(const char *month, int k, char *out, size_t n)
{
	long	 m = atol(month) * 12 + atol(month + 5) - 1 + k;

	snprintf(out, n, "%04d-%02d", (int)((m / 12) % 10000),
	    (int)(m % 12 + 1));
}

/* The first day of the month after day's. */
static void
next_month_start(const char *day, char *out, size_t n)
{
	char	 m[16];

	month_step(day, 1, m, sizeof(m));
	snprintf(out, n, "%.7s-01", m);
}

/* A period as the summaries read it: whole past months, other days. */
struct split {
	int	 months;
	char	 m1[16], m2[16];
	int	 ndays;
	char	 from[2][16], to[2][16];
};

static void
split(const char *from, const char *to, const char *today, struct split *p)
{
	char	 cap[16], edge[16], last[16];

	memset(p, 0, sizeof(*p));
	if (strcmp(from, to) > 0)
		return;
	/* The first whole month, and the last that is over. */
	if (strcmp(from + 8, "01") == 0)
		snprintf(p->m1, sizeof(p->m1), "%.7s", from);
	else
		month_step(from, 1, p->m1, sizeof(p->m1));
	next_month_start(to, edge, sizeof(edge));
	day_text(day_number(edge) - 1, last, sizeof(last));
	if (strcmp(last, to) == 0)
		snprintf(p->m2, sizeof(p->m2), "%.7s", to);
	else
		month_step(to, -1, p->m2, sizeof(p->m2));
	month_step(today, -1, cap, sizeof(cap));
	if (strcmp(p->m2, cap) > 0)
		snprintf(p->m2, sizeof(p->m2), "%s", cap);
	if (strcmp(p->m1, p->m2) > 0) {
		p->ndays = 1;
		snprintf(p->from[0], sizeof(p->from[0]), "%s", from);
		snprintf(p->to[0], sizeof(p->to[0]), "%s", to);
		return;
	}
	p->months = 1;
	snprintf(edge, sizeof(edge), "%.7s-01", p->m1);
	if (strcmp(from, edge) < 0) {
		snprintf(p->from[p->ndays], sizeof(p->from[0]), "%s", from);
		day_text(day_number(edge) - 1, p->to[p->ndays],
		    sizeof(p->to[0]));
		p->ndays++;
	}
	snprintf(edge, sizeof(edge), "%.7s-01", p->m2);
	next_month_start(edge, edge, sizeof(edge));
	if (strcmp(edge, to) <= 0) {
		snprintf(p->from[p->ndays], sizeof(p->from[0]), "%s", edge);
		snprintf(p->to[p->ndays], sizeof(p->to[0]), "%s", to);
		p->ndays++;
	}
}

static void
bind_sel(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_stmt *st, const struct service_sel *s, const char *from,
    const char *to, const char *cut)
{
	sv->bind_text(st, 1, from);
	sv->bind_text(st, 2, to);
	sv->bind_int(st, 3, s->owner);
	sv->bind_text(st, 4, s->team);
	sv->bind_text(st, 5, s->segment);
	sv->bind_int(st, 6, s->scope);
	sv->bind_int(st, 7, sv->user_id(r));
	sv->bind_text(st, 8, sv->user_team(r));
	sv->bind_text(st, 9, cut);
}

static int
priority_index(const char *p)
{
	int	 i;

	for (i = 0; i < SLA_NPRIO; i++)
		if (strcmp(service_priorities[i], p) == 0)
			return i;
	return -1;
}

/* FNV-1a, for a group's hash of its lines. */
static unsigned
hash_of(const char *s)
{
	unsigned	 h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The line of val in g, made when new (NULL when g is full). */
static struct line *
line_of(struct kiln_req *r, const struct kiln_services *sv, struct group *g,
    const char *val)
{
	unsigned	 h = hash_of(val) & (SLA_SLOTS - 1);

	for (; g->slot[h] != 0; h = (h + 1) & (SLA_SLOTS - 1))
		if (strcmp(g->v[g->slot[h] - 1].val, val) == 0)
			return &g->v[g->slot[h] - 1];
	if (g->n == SLA_MAX_LINES)
		return NULL;
	memset(&g->v[g->n], 0, sizeof(g->v[g->n]));
	g->v[g->n].val = service_copy(r, sv, val);
	g->v[g->n].key = g->v[g->n].name = "";
	g->slot[h] = (unsigned short)++g->n;
	return &g->v[g->n - 1];
}

/*
 * Add the rows of st (clock, grp, val, bucket, met, late, overdue, n,
 * secs, sat_n, sat_sum), each times sign.
 */
static int
add_rows(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_stmt *st, int sign, struct acc *a)
{
	struct clockfig	*c;
	struct line	*l;
	const char	*grp;
	long long	 b;
	int		 k, i, rc;

	while ((rc = sv->step(st)) == 1) {
		k = sv->col_text(st, 0)[0] == 'f' ? 0 : 1;
		grp = sv->col_text(st, 1);
		if (grp[0] == 'b') {
			i = priority_index(sv->col_text(st, 2));
			b = sv->col_int(st, 3);
			if (i >= 0 && b >= 0 && b < SLA_NBUCKETS)
				a->hist[k][i][b] += sign * sv->col_int(st, 7);
			continue;
		}
		for (i = 0; i < G_N && group_codes[i] != grp[0]; i++)
			continue;
		if (i == G_N || (l = line_of(r, sv, &a->g[i],
		    sv->col_text(st, 2))) == NULL)
			continue;
		c = &l->c[k];
		c->met += sign * sv->col_int(st, 4);
		c->late += sign * sv->col_int(st, 5);
		c->overdue += sign * sv->col_int(st, 6);
		c->n += sign * sv->col_int(st, 7);
		c->secs += sign * sv->col_int(st, 8);
		l->sat_n += sign * sv->col_int(st, 9);
		l->sat_sum += sign * sv->col_int(st, 10);
	}
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/* Run sql on the selection over from .. to, adding its rows. */
static int
read_part(struct kiln_req *r, const struct kiln_services *sv,
    const char *sql, const struct service_sel *s, const char *from,
    const char *to, const char *cut, int sign, struct acc *a)
{
	struct kiln_stmt	*st;

	if ((st = sv->sql(r, sql)) == NULL)
		return -1;
	bind_sel(r, sv, st, s, from, to, cut);
	return add_rows(r, sv, st, sign, a);
}

/* A kind's summaries over the period: whole past months, other days. */
static int
read_kind(struct kiln_req *r, const struct kiln_services *sv,
    const struct kind *k, const struct service_sel *s, const char *today,
    int sign, struct acc *a)
{
	struct split	 p;
	int		 i;

	split(s->from, s->to, today, &p);
	if (p.months && read_part(r, sv, k->months, s, p.m1, p.m2, today,
	    sign, a) != 0)
		return -1;
	for (i = 0; i < p.ndays; i++)
		if (read_part(r, sv, k->days, s, p.from[i], p.to[i], today,
		    sign, a) != 0)
			return -1;
	return 0;
}

/* The backlog's rows of st (day filed, open tickets) into bands. */
static int
add_open(const struct kiln_services *sv, struct kiln_stmt *st,
    const char *today, int sign, struct acc *a)
{
	long		 t = day_number(today), age;
	int		 rc;

	while ((rc = sv->step(st)) == 1) {
		age = t - day_number(sv->col_text(st, 0));
		a->age[age < 1 ? 0 : age < 3 ? 1 : age < 7 ? 2 : age < 30 ?
		    3 : 4] += sign * sv->col_int(st, 1);
	}
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

static int
read_open(struct kiln_req *r, const struct kiln_services *sv,
    const char *sql, const struct service_sel *s, const char *today,
    int sign, struct acc *a)
{
	struct kiln_stmt	*st;

	if ((st = sv->sql(r, sql)) == NULL)
		return -1;
	bind_sel(r, sv, st, s, s->from, s->to, today);
	return add_open(sv, st, today, sign, a);
}

static const struct kind *
kind_of(char c)
{
	size_t	 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == c)
			return &kinds[i];
	return &kinds[0];
}

/* Is the selection the whole desk's: every ticket, no filter? */
int
service_sel_whole(const struct service_sel *s)
{
	return s->scope == 0 && s->owner == 0 && *s->team == '\0' &&
	    *s->segment == '\0';
}

/*
 * The figures of a selection into a (zeroed), and with open the
 * backlog: from the summaries of the kinds that make it up, each with
 * its sign, and what they cannot know from the tickets.
 */
static int
figures(struct kiln_req *r, const struct kiln_services *sv,
    const struct service_sel *s, int open, struct acc *a)
{
	char		 now[SERVICE_TIMESZ], today[16];
	const char	*kinds_of;	/* the summaries' kinds to add */
	int		 narrowed = s->owner != 0 || *s->team != '\0';
	int		 d = -1, sign = 0, i;

	service_now(now);
	snprintf(today, sizeof(today), "%.10s", now);
	if (s->scope < 0)
		return 0;	/* none of the tickets are theirs */
	if (s->scope == 0)
		kinds_of = narrowed ? "e" : *s->segment != '\0' ? "s" : "a";
	else if (narrowed) {
		/* Theirs as engineers of X, and their customers' with X. */
		kinds_of = "e";
		d = D_OTHERS_I;
		sign = 1;
	} else {
		/* Theirs either way, less those theirs both ways. */
		kinds_of = "oe";
		d = D_BOTH_I;
		sign = -1;
	}
	for (i = 0; kinds_of[i] != '\0'; i++) {
		if (read_kind(r, sv, kind_of(kinds_of[i]), s, today, 1, a) != 0)
			return -1;
		if (open && read_open(r, sv, kind_of(kinds_of[i])->open, s,
		    today, 1, a) != 0)
			return -1;
	}
	if (d >= 0 && (read_part(r, sv, d_sla[d], s, s->from, s->to, today,
	    sign, a) != 0 || (open && read_open(r, sv, d_open[d], s, today,
	    sign, a) != 0)))
		return -1;
	/* Running today past the deadline: the hour the summaries lack. */
	if (strcmp(s->from, today) <= 0 && strcmp(today, s->to) <= 0 &&
	    read_part(r, sv, D_TODAY, s, today, now, today, 1, a) != 0)
		return -1;
	return 0;
}

static struct acc *
acc_new(struct kiln_req *r, const struct kiln_services *sv)
{
	struct acc	*a = sv->alloc(r, sizeof(*a));
	int		 i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < G_N; i++) {
		a->g[i].v = sv->alloc(r, SLA_MAX_LINES * sizeof(*a->g[i].v));
		a->g[i].slot = sv->alloc(r, SLA_SLOTS *
		    sizeof(*a->g[i].slot));
		memset(a->g[i].slot, 0, SLA_SLOTS * sizeof(*a->g[i].slot));
	}
	return a;
}

/* The selection's clocks in all: met, missed, missed and still open. */
int
service_sla_totals(struct kiln_req *r, const struct kiln_services *sv,
    const struct service_sel *s, struct service_clocks *out,
    long long age[SERVICE_NBANDS])
{
	struct acc	*a = acc_new(r, sv);
	struct group	*g;
	size_t		 i;
	int		 k;

	memset(out, 0, sizeof(*out));
	if (figures(r, sv, s, age != NULL, a) != 0)
		return -1;
	g = &a->g[G_PRIORITY];
	for (i = 0; i < g->n; i++)
		for (k = 0; k < 2; k++) {
			out->met[k] += g->v[i].c[k].met;
			out->late[k] += g->v[i].c[k].late +
			    g->v[i].c[k].overdue;
			out->overdue[k] += g->v[i].c[k].overdue;
		}
	if (age != NULL)
		memcpy(age, a->age, sizeof(a->age));
	return 0;
}

/* ---- Output ---- */

static const char *
num(struct kiln_req *r, const struct kiln_services *sv, long long v)
{
	char	*s = sv->alloc(r, 24);

	snprintf(s, 24, "%lld", v);
	return s;
}

/* a / b with two decimals, "" when b is 0. */
static const char *
ratio(struct kiln_req *r, const struct kiln_services *sv, long long a,
    long long b)
{
	char	*s;

	if (b <= 0)
		return "";
	s = sv->alloc(r, 32);
	snprintf(s, 32, "%.2f", (double)a / (double)b);
	return s;
}

/* "83 %" of a / b (the ratio the XML gives, as people read it). */
static const char *
pct(struct kiln_req *r, const struct kiln_services *sv, long long a,
    long long b)
{
	const char	*q = ratio(r, sv, a, b);
	char		*s;

	if (*q == '\0')
		return "";
	s = sv->alloc(r, 16);
	snprintf(s, 16, "%.0f %%", atof(q) * 100);
	return s;
}

/* The end (exclusive) of bucket b in business seconds: SLA_BUCKET's. */
static long long
bucket_end(int b)
{
	if (b < 32)
		return (long long)(b + 1) * 900;
	if (b < 104)
		return 28800 + (long long)(b - 31) * 3600;
	return 288000 + (long long)(b - 103) * 28800;
}

/*
 * The 90th percentile of clock k of the priorities [p0, p1): the end
 * of the bucket the 90th per cent of the timed clocks reach, in
 * seconds; -1 when none are timed.
 */
static long long
p90(const struct acc *a, int k, int p0, int p1)
{
	long long	 total = 0, seen = 0, want;
	int		 b, p;

	for (p = p0; p < p1; p++)
		for (b = 0; b < SLA_NBUCKETS; b++)
			total += a->hist[k][p][b];
	if (total <= 0)
		return -1;
	want = (total * 9 + 9) / 10;	/* ceil(0.9 total) */
	for (b = 0; b < SLA_NBUCKETS; b++) {
		for (p = p0; p < p1; p++)
			seen += a->hist[k][p][b];
		if (seen >= want)
			return bucket_end(b);
	}
	return bucket_end(SLA_NBUCKETS - 1);
}

/* Business seconds as hours with two decimals; "" when unknown. */
static const char *
hours(struct kiln_req *r, const struct kiln_services *sv, long long secs,
    long long n)
{
	char	*s;

	if (n <= 0 || secs < 0)
		return "";
	s = sv->alloc(r, 32);
	snprintf(s, 32, "%.2f", (double)secs / 3600.0 / (double)n);
	return s;
}

/* One line of figures as shown: its p90 (seconds, -1 none) given. */
struct shown {
	const char	*by, *key, *name, *label;
	long long	 id;
	const struct line *l;
	long long	 p90[2];
};

static const char *const clock_names[2] = { "response", "resolution" };

static void
xml_line(struct kiln_req *r, const struct kiln_services *sv,
    const struct shown *w)
{
	const struct clockfig	*c;
	char			 name[48];
	int			 k;

	sv->open(r, "row");
	sv->attr(r, "by", w->by);
	if (*w->key != '\0')
		sv->attr(r, "key", w->key);
	if (strcmp(w->by, "engineer") == 0 && w->id > 0) {
		sv->attr(r, "owner", num(r, sv, w->id));
		sv->attr(r, "login", w->key);
		sv->attr(r, "name", w->name);
	} else if (strcmp(w->by, "product") == 0 && w->id > 0) {
		sv->attr(r, "product", num(r, sv, w->id));
		sv->attr(r, "name", w->name);
	}
	for (k = 0; k < 2; k++) {
		c = &w->l->c[k];
		snprintf(name, sizeof(name), "%s_within", clock_names[k]);
		sv->attr(r, name, num(r, sv, c->met));
		snprintf(name, sizeof(name), "%s_missed", clock_names[k]);
		sv->attr(r, name, num(r, sv, c->late + c->overdue));
		snprintf(name, sizeof(name), "%s_overdue", clock_names[k]);
		sv->attr(r, name, num(r, sv, c->overdue));
		snprintf(name, sizeof(name), "%s_share", clock_names[k]);
		sv->attr(r, name, ratio(r, sv, c->met, c->met + c->late +
		    c->overdue));
		snprintf(name, sizeof(name), "%s_hours", clock_names[k]);
		sv->attr(r, name, hours(r, sv, c->secs, c->n));
		if (w->p90[k] != -2) {
			snprintf(name, sizeof(name), "%s_p90_hours",
			    clock_names[k]);
			sv->attr(r, name, hours(r, sv, w->p90[k], 1));
		}
	}
	sv->attr(r, "ratings", num(r, sv, w->l->sat_n));
	sv->attr(r, "satisfaction", ratio(r, sv, w->l->sat_sum,
	    w->l->sat_n));
	sv->close(r);
}

static void
td(struct kiln_req *r, const struct kiln_services *sv, const char *text)
{
	sv->open(r, "td");
	sv->attr(r, "class", "num");
	sv->text(r, text);
	sv->close(r);
}

/* "12.25 h", or "" */
static const char *
hours_shown(struct kiln_req *r, const struct kiln_services *sv,
    long long secs, long long n)
{
	const char	*h = hours(r, sv, secs, n);
	char		*s;

	if (*h == '\0')
		return "";
	s = sv->alloc(r, 48);
	snprintf(s, 48, _("%s h"), h);
	return s;
}

static void
html_head(struct kiln_req *r, const struct kiln_services *sv,
    const char *title, const char *first, int percentiles)
{
	static const char *const cols[] = {
		N_("First responses"), N_("On time"), N_("Missed (open)"),
		N_("Mean"), N_("90 % within"), N_("Resolutions"),
		N_("On time"), N_("Missed (open)"), N_("Mean"),
		N_("90 % within"), N_("Satisfaction (ratings)"), NULL
	};
	const char *const	*c;

	sv->open(r, "h2");
	sv->text(r, title);
	sv->close(r);
	sv->open(r, "table");
	sv->attr(r, "class", "list report");
	sv->open(r, "thead");
	sv->open(r, "tr");
	sv->open(r, "th");
	sv->attr(r, "scope", "col");
	sv->text(r, first);
	sv->close(r);
	for (c = cols; *c != NULL; c++) {
		if (!percentiles && strcmp(*c, "90 % within") == 0)
			continue;
		sv->open(r, "th");
		sv->attr(r, "scope", "col");
		sv->text(r, _(*c));
		sv->close(r);
	}
	sv->close(r);
	sv->close(r);
	sv->open(r, "tbody");
}

static void
html_line(struct kiln_req *r, const struct kiln_services *sv,
    const struct shown *w, int percentiles)
{
	const struct clockfig	*c;
	char			*s;
	int			 k;

	sv->open(r, "tr");
	sv->open(r, "th");
	sv->attr(r, "scope", "row");
	sv->text(r, w->label);
	sv->close(r);
	for (k = 0; k < 2; k++) {
		c = &w->l->c[k];
		td(r, sv, num(r, sv, c->met + c->late + c->overdue));
		td(r, sv, pct(r, sv, c->met, c->met + c->late + c->overdue));
		s = sv->alloc(r, 64);
		snprintf(s, 64, "%lld (%lld)", c->late + c->overdue,
		    c->overdue);
		td(r, sv, s);
		td(r, sv, hours_shown(r, sv, c->secs, c->n));
		if (percentiles)
			td(r, sv, w->p90[k] < 0 ? "" : hours_shown(r, sv,
			    w->p90[k], 1));
	}
	s = "";
	if (w->l->sat_n > 0) {
		s = sv->alloc(r, 64);
		snprintf(s, 64, "%s (%lld)", ratio(r, sv, w->l->sat_sum,
		    w->l->sat_n), w->l->sat_n);
	}
	td(r, sv, s);
	sv->close(r);
}

static void
html_end(struct kiln_req *r, const struct kiln_services *sv)
{
	sv->close(r);	/* tbody */
	sv->close(r);	/* table */
}

/* Who the engineers' and products' lines are, and their order. */
static void
name_lines(struct kiln_req *r, const struct kiln_services *sv,
    struct group *g, int users)
{
	struct kiln_stmt	*st;
	size_t			 i;

	st = sv->sql(r, users ? "SELECT login, coalesce(nullif(name, ''),"
	    " login) FROM users WHERE id = ?1" : "SELECT sku, name FROM"
	    " products WHERE id = ?1");
	for (i = 0; i < g->n; i++) {
		g->v[i].id = strtoll(g->v[i].val, NULL, 10);
		if (st == NULL || g->v[i].id <= 0)
			continue;
		sv->bind_int(st, 1, g->v[i].id);
		if (sv->step(st) == 1) {
			g->v[i].key = service_copy(r, sv, sv->col_text(st, 0));
			g->v[i].name = service_copy(r, sv,
			    sv->col_text(st, 1));
		}
		sv->done(st);
	}
}

static int
by_name(const void *a, const void *b)
{
	const struct line	*x = a, *y = b;
	int			 c;

	/* Nobody (no engineer, no product) last. */
	if ((x->id <= 0) != (y->id <= 0))
		return x->id <= 0 ? 1 : -1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return strcmp(x->val, y->val);
}

/* By id, highest first (a priority's rank). */
static int
by_rank(const void *a, const void *b)
{
	const struct line	*x = a, *y = b;

	if (x->id != y->id)
		return x->id > y->id ? -1 : 1;
	return strcmp(x->val, y->val);
}

static int
by_val(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->val,
	    ((const struct line *)b)->val);
}

/* Does a line count anything (a reopened ticket's may be all zero)? */
static int
counts(const struct line *l)
{
	return l->c[0].met || l->c[0].late || l->c[0].overdue ||
	    l->c[0].n || l->c[1].met || l->c[1].late || l->c[1].overdue ||
	    l->c[1].n || l->sat_n;
}

static void
drop_empty(struct group *g)
{
	size_t	 i, k;

	for (i = k = 0; i < g->n; i++)
		if (counts(&g->v[i]))
			g->v[k++] = g->v[i];
	g->n = k;
}

/* One grouping's lines, XML rows or a table. */
static void
grouping(struct kiln_req *r, const struct kiln_services *sv,
    const struct acc *a, int gi, int xml, int whole)
{
	static const char *const by[G_N] = {
		"priority", "engineer", "segment", "product"
	};
	static const char *const titles[G_N] = {
		N_("By priority"), N_("By engineer"), N_("By customer segment"),
		N_("By product")
	};
	static const char *const firsts[G_N] = {
		N_("Priority"), N_("Engineer"), N_("Segment"), N_("Product")
	};
	const struct group	*g = &a->g[gi];
	struct shown		 w;
	char			*label;
	size_t			 i, n;
	int			 pc = whole && gi == G_PRIORITY, pi;

	if (g->n == 0)
		return;
	if (!xml)
		html_head(r, sv, _(titles[gi]), _(firsts[gi]), pc);
	for (i = 0; i < g->n; i++) {
		memset(&w, 0, sizeof(w));
		w.by = by[gi];
		w.l = &g->v[i];
		w.key = w.l->val;
		w.name = w.l->name;
		w.id = w.l->id;
		w.label = w.l->val;
		w.p90[0] = w.p90[1] = -2;	/* not shown */
		if (gi == G_PRIORITY || gi == G_SEGMENT)
			w.label = *w.l->val != '\0' ?
			    sv->show_enum(r, w.l->val) : _("(none)");
		if (gi == G_ENGINEER) {
			w.key = w.l->key;
			w.label = w.l->id > 0 ? w.l->name : _("(nobody)");
		}
		if (gi == G_PRODUCT) {
			w.key = w.l->key;
			n = strlen(w.l->key) + strlen(w.l->name) + 2;
			label = sv->alloc(r, n);
			snprintf(label, n, "%s %s", w.l->key, w.l->name);
			w.label = w.l->id > 0 ? label : _("(no product)");
		}
		if (pc) {
			pi = priority_index(w.l->val);
			w.p90[0] = pi < 0 ? -1 : p90(a, 0, pi, pi + 1);
			w.p90[1] = pi < 0 ? -1 : p90(a, 1, pi, pi + 1);
		}
		if (xml)
			xml_line(r, sv, &w);
		else
			html_line(r, sv, &w, pc);
	}
	if (!xml)
		html_end(r, sv);
}

/* The whole selection's line: the sum of the priorities'. */
static void
overall(struct kiln_req *r, const struct kiln_services *sv,
    const struct acc *a, int xml, int whole)
{
	const struct group	*g = &a->g[G_PRIORITY];
	struct line		 all;
	struct shown		 w;
	size_t			 i;
	int			 k;

	memset(&all, 0, sizeof(all));
	for (i = 0; i < g->n; i++) {
		for (k = 0; k < 2; k++) {
			all.c[k].met += g->v[i].c[k].met;
			all.c[k].late += g->v[i].c[k].late;
			all.c[k].overdue += g->v[i].c[k].overdue;
			all.c[k].n += g->v[i].c[k].n;
			all.c[k].secs += g->v[i].c[k].secs;
		}
		all.sat_n += g->v[i].sat_n;
		all.sat_sum += g->v[i].sat_sum;
	}
	memset(&w, 0, sizeof(w));
	w.by = "all";
	w.key = w.name = "";
	w.label = _("All");
	w.l = &all;
	w.p90[0] = whole ? p90(a, 0, 0, SLA_NPRIO) : -2;
	w.p90[1] = whole ? p90(a, 1, 0, SLA_NPRIO) : -2;
	if (xml) {
		xml_line(r, sv, &w);
		return;
	}
	html_head(r, sv, _("All tickets"), _("Tickets"), whole);
	html_line(r, sv, &w, whole);
	html_end(r, sv);
}

/* Priorities in order (all four, even empty); the others sorted. */
static void
order_lines(struct kiln_req *r, const struct kiln_services *sv,
    struct acc *a)
{
	struct group	*g = &a->g[G_PRIORITY];
	struct line	*l;
	int		 i;

	for (i = 0; i < SLA_NPRIO; i++)
		(void)line_of(r, sv, g, service_priorities[i]);
	/* Urgent first; a priority no longer offered last. */
	for (i = 0; i < (int)g->n; i++) {
		l = &g->v[i];
		l->id = priority_index(l->val) + 1;
	}
	qsort(g->v, g->n, sizeof(*g->v), by_rank);
	drop_empty(&a->g[G_ENGINEER]);
	drop_empty(&a->g[G_SEGMENT]);
	drop_empty(&a->g[G_PRODUCT]);
	name_lines(r, sv, &a->g[G_ENGINEER], 1);
	name_lines(r, sv, &a->g[G_PRODUCT], 0);
	qsort(a->g[G_ENGINEER].v, a->g[G_ENGINEER].n, sizeof(struct line),
	    by_name);
	qsort(a->g[G_SEGMENT].v, a->g[G_SEGMENT].n, sizeof(struct line),
	    by_val);
	qsort(a->g[G_PRODUCT].v, a->g[G_PRODUCT].n, sizeof(struct line),
	    by_name);
}

/* The open tickets by age (days since filed) as a chart. */
void
service_backlog_chart(struct kiln_req *r, const struct kiln_services *sv,
    const long long age[SERVICE_NBANDS])
{
	struct kiln_bar	 bars[SERVICE_NBANDS];
	int		 i;

	for (i = 0; i < SERVICE_NBANDS; i++) {
		bars[i].label = _(band_words[i]);
		bars[i].value = age[i] > 0 ? age[i] : 0;
		bars[i].text = num(r, sv, age[i]);
		bars[i].href = NULL;
	}
	sv->chart(r, _("Open tickets by age"), bars, SERVICE_NBANDS);
}

/* The backlog by age: rows, or a chart. */
static void
backlog(struct kiln_req *r, const struct kiln_services *sv,
    const struct acc *a, int xml)
{
	int	 i;

	if (!xml) {
		sv->open(r, "h2");
		sv->text(r, _("Backlog"));
		sv->close(r);
		service_backlog_chart(r, sv, a->age);
		return;
	}
	for (i = 0; i < SERVICE_NBANDS; i++) {
		sv->open(r, "row");
		sv->attr(r, "by", "age");
		sv->attr(r, "key", service_bands[i]);
		sv->attr(r, "open", num(r, sv, a->age[i]));
		sv->close(r);
	}
}

/* Resolutions on time per priority, as bars (per mille). */
static void
chart_on_time(struct kiln_req *r, const struct kiln_services *sv,
    const struct acc *a)
{
	const struct group	*g = &a->g[G_PRIORITY];
	const struct clockfig	*c;
	struct kiln_bar		 bars[SLA_NPRIO + 1];
	size_t			 i, nb = 0;

	for (i = 0; i < g->n && nb < SLA_NPRIO + 1; i++) {
		c = &g->v[i].c[1];
		if (c->met + c->late + c->overdue == 0)
			continue;
		bars[nb].label = sv->show_enum(r, g->v[i].val);
		bars[nb].value = c->met * 1000 / (c->met + c->late +
		    c->overdue);
		bars[nb].text = pct(r, sv, c->met, c->met + c->late +
		    c->overdue);
		bars[nb++].href = NULL;
	}
	if (nb > 0)
		sv->chart(r, _("Resolved within the deadline, by priority"),
		    bars, nb);
}

/*
 * The most frequent causes per product of the tickets resolved in the
 * period's months (the whole desk's: ticket_causes), five a product.
 */
static int
causes(struct kiln_req *r, const struct kiln_services *sv,
    const struct service_sel *s, int xml)
{
	struct kiln_stmt	*st;
	char			 m1[8], m2[8], *line;
	size_t			 n;
	long long		 product = -1, id;
	int			 rank = 0, any = 0;

	snprintf(m1, sizeof(m1), "%.7s", s->from);
	snprintf(m2, sizeof(m2), "%.7s", s->to);
	/* In the key's order, products named after they are added up. */
	if ((st = sv->sql(r, "SELECT c.product, coalesce(p.sku, ''),"
	    " coalesce(p.name, ''), c.cause, c.n FROM (SELECT product, cause,"
	    " sum(n) AS n FROM ticket_causes WHERE month >= ?1 AND month <= ?2"
	    " GROUP BY product, cause HAVING sum(n) > 0) c LEFT JOIN products"
	    " p ON p.id = c.product ORDER BY c.product = 0, 3, 1, 5 DESC, 4"))
	    == NULL)
		return -1;
	sv->bind_text(st, 1, m1);
	sv->bind_text(st, 2, m2);
	while (sv->step(st) == 1) {
		id = sv->col_int(st, 0);
		if (id != product) {
			product = id;
			rank = 0;
		}
		if (++rank > 5)
			continue;
		if (xml) {
			sv->open(r, "row");
			sv->attr(r, "by", "cause");
			sv->attr(r, "key", sv->col_text(st, 3));
			if (id > 0) {
				sv->attr(r, "product", num(r, sv, id));
				sv->attr(r, "name", sv->col_text(st, 2));
			}
			sv->attr(r, "tickets", num(r, sv, sv->col_int(st, 4)));
			sv->close(r);
			continue;
		}
		if (!any++) {
			sv->open(r, "h2");
			sv->text(r, _("Most frequent causes per product"));
			sv->close(r);
			sv->open(r, "p");
			line = sv->alloc(r, 256);
			snprintf(line, 256, _("Of the tickets resolved from %s"
			    " to %s."), m1, m2);
			sv->text(r, line);
			sv->close(r);
			sv->open(r, "table");
			sv->attr(r, "class", "list");
			sv->open(r, "thead");
			sv->open(r, "tr");
			sv->open(r, "th");
			sv->attr(r, "scope", "col");
			sv->text(r, _("Product"));
			sv->close(r);
			sv->open(r, "th");
			sv->attr(r, "scope", "col");
			sv->text(r, _("Cause"));
			sv->close(r);
			sv->open(r, "th");
			sv->attr(r, "scope", "col");
			sv->text(r, _("Tickets"));
			sv->close(r);
			sv->close(r);
			sv->close(r);
			sv->open(r, "tbody");
		}
		sv->open(r, "tr");
		sv->open(r, "th");
		sv->attr(r, "scope", "row");
		if (rank == 1) {
			n = strlen(sv->col_text(st, 1)) +
			    strlen(sv->col_text(st, 2)) + 2;
			line = sv->alloc(r, n);
			snprintf(line, n, "%s %s", sv->col_text(st, 1),
			    sv->col_text(st, 2));
			sv->text(r, id > 0 ? line : _("(no product)"));
		}
		sv->close(r);
		sv->open(r, "td");
		sv->text(r, sv->col_text(st, 3));
		sv->close(r);
		td(r, sv, num(r, sv, sv->col_int(st, 4)));
		sv->close(r);
	}
	sv->done(st);
	if (any) {
		sv->close(r);	/* tbody */
		sv->close(r);	/* table */
	}
	return 0;
}

/* A filter's label and its control (input or select, left open). */
static void
control(struct kiln_req *r, const struct kiln_services *sv,
    const char *element, const char *name, const char *label)
{
	char	 id[32];

	snprintf(id, sizeof(id), "sla-%s", name);
	sv->open(r, "label");
	sv->attr(r, "for", id);
	sv->text(r, label);
	sv->close(r);
	sv->open(r, element);
	sv->attr(r, "id", id);
	sv->attr(r, "name", name);
}

static void
input(struct kiln_req *r, const struct kiln_services *sv, const char *name,
    const char *type, const char *label, const char *value)
{
	control(r, sv, "input", name, label);
	sv->attr(r, "type", type);
	sv->attr(r, "value", value);
	sv->close(r);
}

/* The filters: the period, an engineer, a team, a segment. */
static void
form(struct kiln_req *r, const struct kiln_services *sv,
    const struct service_sel *s)
{
	struct kiln_stmt	*st;

	sv->open(r, "form");
	sv->attr(r, "method", "get");
	sv->attr(r, "class", "search");
	sv->attr(r, "action", sv->url(r, "/reports/sla"));
	input(r, sv, "from", "date", _("Period from"), s->from);
	input(r, sv, "to", "date", _("Period until"), s->to);
	control(r, sv, "select", "owner", _("Engineer"));
	sv->open(r, "option");
	sv->attr(r, "value", "");
	sv->text(r, _("Any"));
	sv->close(r);
	if ((st = sv->sql(r, "SELECT id, coalesce(nullif(name, ''), login),"
	    " id = ?1 FROM users WHERE role IN ('service', 'manager', 'admin')"
	    " AND (active = 1 OR id = ?1) ORDER BY 2, id LIMIT 500")) != NULL) {
		sv->bind_int(st, 1, s->owner);
		while (sv->step(st) == 1) {
			sv->open(r, "option");
			sv->attr(r, "value", sv->col_text(st, 0));
			if (sv->col_int(st, 2))
				sv->attr(r, "selected", "selected");
			sv->text(r, sv->col_text(st, 1));
			sv->close(r);
		}
		sv->done(st);
	}
	sv->close(r);	/* select */
	input(r, sv, "team", "text", _("Team"), s->team);
	input(r, sv, "segment", "text", _("Segment"), s->segment);
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Show"));
	sv->close(r);
	sv->close(r);
}

/* A filter's text as sent: a date, or a name without control bytes. */
static const char *
text_param(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, int date, int *bad)
{
	const char	*v = sv->param(r, name);
	const char	*p;

	if (v == NULL || *v == '\0')
		return "";
	if ((date && sv->parse_date(v) != 0) || strlen(v) > 100)
		*bad = 1;
	for (p = v; *p; p++)
		if ((unsigned char)*p < 0x20)
			*bad = 1;
	return v;
}

/*
 * The report's selection from its parameters, the period by default
 * the last 30 days to today (either end given, the other 29 days away
 * or today).  0, or -1 once answered (400).
 */
static int
read_sel(struct kiln_req *r, const struct kiln_services *sv,
    struct service_sel *s)
{
	const char	*from, *to, *owner = sv->param(r, "owner");
	char		 now[SERVICE_TIMESZ], *end;
	int		 bad = 0;

	memset(s, 0, sizeof(*s));
	service_now(now);
	from = text_param(r, sv, "from", 1, &bad);
	to = text_param(r, sv, "to", 1, &bad);
	s->team = text_param(r, sv, "team", 0, &bad);
	s->segment = text_param(r, sv, "segment", 0, &bad);
	if (owner != NULL && *owner != '\0') {
		s->owner = strtoll(owner, &end, 10);
		if (*end != '\0' || s->owner <= 0)
			bad = 1;
	}
	if (!bad) {
		if (*to == '\0' && *from == '\0')
			snprintf(s->to, sizeof(s->to), "%.10s", now);
		else if (*to == '\0')
			snprintf(s->to, sizeof(s->to), "%.10s",
			    strncmp(from, now, 10) > 0 ? from : now);
		else
			snprintf(s->to, sizeof(s->to), "%.10s", to);
		if (*from == '\0')
			day_text(day_number(s->to) - 29, s->from,
			    sizeof(s->from));
		else
			snprintf(s->from, sizeof(s->from), "%.10s", from);
		s->to[10] = '\0';
		if (strcmp(s->from, s->to) > 0)
			bad = 1;
	}
	if (!bad) {
		s->scope = service_scope(r, sv);
		return 0;
	}
	sv->error(r, 400, "bad_request", _("from and to are dates like"
	    " 2026-12-31, from not after to; owner is a user id; team and"
	    " segment are names."));
	return -1;
}

/* GET /reports/sla (.xml, .csv). */
int
service_report_sla(struct kiln_req *r, const struct kiln_services *sv)
{
	struct service_sel	 s;
	struct acc		*a;
	int			 xml = sv->wants_xml(r), whole, g;

	if (read_sel(r, sv, &s) != 0)
		return 0;	/* answered */
	a = acc_new(r, sv);
	if (figures(r, sv, &s, 1, a) != 0)
		return sv->error(r, 500, "internal", _("Internal error."));
	whole = service_sel_whole(&s);
	order_lines(r, sv, a);
	if (sv->begin(r, 200, "report", _("Service levels")) != 0)
		return -1;
	if (xml) {
		sv->attr(r, "name", "sla");
		sv->attr(r, "from", s.from);
		sv->attr(r, "to", s.to);
		sv->attr(r, "currency", sv->currency(r));
	} else {
		sv->open(r, "h1");
		sv->text(r, _("Service levels"));
		sv->close(r);
		form(r, sv, &s);
		sv->open(r, "p");
		sv->attr(r, "class", "note");
		sv->text(r, _("Each deadline counts on the day it was met, or"
		    " on the day it fell due when it was missed or is still"
		    " running. Times are business hours; the 90th percentile"
		    " is exact to its step: a quarter of an hour up to 8"
		    " hours, an hour up to 80, then 8 hours."));
		sv->close(r);
		chart_on_time(r, sv, a);
	}
	overall(r, sv, a, xml, whole);
	for (g = 0; g < G_N; g++)
		if (g != G_PRODUCT || whole)
			grouping(r, sv, a, g, xml, whole);
	backlog(r, sv, a, xml);
	if (whole && causes(r, sv, &s, xml) != 0)
		return sv->end(r);
	if (!whole && !xml) {
		sv->open(r, "p");
		sv->attr(r, "class", "note");
		sv->text(r, _("Per product, the 90th percentiles and the"
		    " causes are the whole desk's: they are shown without"
		    " filters, to those who read every ticket."));
		sv->close(r);
	}
	return sv->end(r);
}
