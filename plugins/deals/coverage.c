/*
 * coverage.c - GET /reports/coverage: for a period (period=2027-Q1 or
 * 2027-03; the current quarter by default), per salesperson: the quota,
 * what was already won (deals won in the period), the gap (quota - won)
 * and the weighted open pipeline closing in the period (open deals
 * expected to close in it, amount x probability), coverage = pipeline
 * / gap, and a traffic light: met (won >= quota), on track (coverage
 * of 1 or more: the expected wins close the gap), at risk (0.7 or
 * more), behind.  Then the same rolled up per team.  Among the quotas
 * and deals the viewer may read; team, owner and segment narrow it
 * (segment the deals only: quotas are per person).  HTML with a chart,
 * or XML (schema/report.rng: rows by="owner" and by="team").
 *
 * A quarter's quota is the quarter's, or the sum of its months'; a
 * month's is the month's, or a third of its quarter's.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deals.h"

#define COVER_MAX	500	/* salespeople in one report */

struct seller {
	long long	 id;
	const char	*login, *name, *team;
	long long	 exact, months, quarter;	/* quotas found */
	int		 has_exact, has_months, has_quarter;
	long long	 quota, won, weighted, open, deals;
	int		 has_quota;
};

struct period {
	char	 name[16];	/* 2027-Q1, 2027-03 */
	char	 quarter[16];	/* the quarter it is, or is in */
	char	 month[3][16];	/* its months (a month: itself) */
	int	 nmonths;
	char	 from[24], to[24];
};

/* A month (2027-03) or a quarter (2027-Q1); NULL or "": this quarter. */
static int
period_of(const char *s, struct period *p)
{
	char		 buf[32];
	time_t		 t = time(NULL);
	struct tm	 tm;
	int		 y, m, q, i;

	memset(p, 0, sizeof(*p));
	if (s == NULL || *s == '\0') {
		gmtime_r(&t, &tm);
		snprintf(buf, sizeof(buf), "%04d-Q%d", tm.tm_year + 1900,
		    tm.tm_mon / 3 + 1);
		s = buf;
	}
	if (strlen(s) != 7 || s[4] != '-' || strspn(s, "0123456789") != 4)
		return -1;
	y = atoi(s);
	if (y < 1900 || y > 2999)
		return -1;
	if (s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
		q = s[6] - '0';
		p->nmonths = 3;
		for (i = 0; i < 3; i++)
			snprintf(p->month[i], sizeof(p->month[i]), "%04d-%02d", y, 3 * q - 2 + i);
	} else if (strspn(s + 5, "0123456789") == 2 &&
	    (m = atoi(s + 5)) >= 1 && m <= 12) {
		q = (m - 1) / 3 + 1;
		p->nmonths = 1;
		snprintf(p->month[0], sizeof(p->month[0]), "%04d-%02d", y, m);
	} else
		return -1;
	snprintf(p->name, sizeof(p->name), "%s", s);
	snprintf(p->quarter, sizeof(p->quarter), "%04d-Q%d", y, q);
	snprintf(p->from, sizeof(p->from), "%s-01", p->month[0]);
	deals_month_end(p->to, sizeof(p->to), y,
	    atoi(p->month[p->nmonths - 1] + 5));
	return 0;
}

static struct seller *
seller(struct kiln_req *r, const struct kiln_services *sv,
    struct seller *all, size_t *n, long long id)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		if (all[i].id == id)
			return &all[i];
	if (*n == COVER_MAX)
		return NULL;
	memset(&all[*n], 0, sizeof(all[*n]));
	all[*n].id = id;
	all[*n].login = all[*n].name = all[*n].team = "";
	return &all[(*n)++];
}

/* ?3 owner, ?4 team: the same narrowing for quotas and deals. */
#define WHO(col) \
	" AND (?3 = 0 OR " col " = ?3)" \
	" AND (?4 = '' OR " col " IN (SELECT id FROM users WHERE team = ?4))"
static void
bind(const struct kiln_services *sv, struct kiln_stmt *st,
    const struct deals_filter *f, const struct period *p)
{
	sv->bind_text(st, 1, p->from);
	sv->bind_text(st, 2, p->to);
	sv->bind_int(st, 3, f->owner);
	sv->bind_text(st, 4, f->team);
	sv->bind_text(st, 5, f->segment);
}

/* Whose quota it is: the period's own, its months', its quarter's third. */
static void
quota_of(struct seller *s, const struct period *p)
{
	s->has_quota = s->has_exact || (p->nmonths == 3 && s->has_months) ||
	    (p->nmonths == 1 && s->has_quarter);
	s->quota = s->has_exact ? s->exact : p->nmonths == 3 ? s->months :
	    s->quarter / 3;
}

/* Quotas, won and pipeline per salesperson, then who they are. */
static long
figures(struct kiln_req *r, const struct kiln_services *sv,
    const struct deals_filter *f, const struct period *p, struct seller *all)
{
	struct kiln_stmt	*st;
	struct seller		*s;
	size_t			 n = 0, i;
	const char		*per;
	long long		 v;

	if ((st = sv->sql(r, "SELECT q.owner, q.period, q.amount FROM quotas q"
	    " WHERE q.period IN (?6, ?7, ?8, ?9) AND ?1 <> '' AND ?2 <> ''"
	    " AND ?5 = ?5" WHO("q.owner") " AND kiln_readable('quota', q.id)"))
	    == NULL)
		return -1;
	bind(sv, st, f, p);
	sv->bind_text(st, 6, p->quarter);
	for (i = 0; i < 3; i++)
		sv->bind_text(st, 7 + (int)i,
		    p->month[(int)i < p->nmonths ? i : 0]);
	while (sv->step(st) == 1) {
		if ((s = seller(r, sv, all, &n, sv->col_int(st, 0))) == NULL)
			break;
		per = sv->col_text(st, 1);
		v = sv->col_int(st, 2);
		if (strcmp(per, p->name) == 0) {
			s->exact = v;
			s->has_exact = 1;
		} else if (strcmp(per, p->quarter) == 0) {
			s->quarter = v;
			s->has_quarter = 1;
		} else {
			s->months += v;
			s->has_months = 1;
		}
	}
	sv->done(st);
	/* Won on, and open expected on, the period's days: the summary. */
	if ((st = sv->sql(r, "SELECT owner, sum(won_amount), sum(open_weighted),"
	    " sum(open_amount), sum(open_deals) FROM deal_days WHERE day >= ?1"
	    " AND day <= ?2 AND (?5 = '' OR segment = ?5)" WHO("owner")
	    DEALS_SCOPE("owner") " GROUP BY owner HAVING sum(won) <> 0 OR"
	    " sum(open_deals) <> 0")) == NULL)
		return -1;
	bind(sv, st, f, p);
	deals_scope_bind(r, sv, st, deals_scope(r, sv));
	while (sv->step(st) == 1) {
		if ((s = seller(r, sv, all, &n, sv->col_int(st, 0))) == NULL)
			break;
		s->won = sv->col_int(st, 1);
		s->weighted = sv->col_int(st, 2);
		s->open = sv->col_int(st, 3);
		s->deals = sv->col_int(st, 4);
	}
	sv->done(st);
	if ((st = sv->sql(r, "SELECT login, name, team FROM users WHERE"
	    " id = ?1")) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		quota_of(&all[i], p);
		sv->bind_int(st, 1, all[i].id);
		if (sv->step(st) == 1) {
			all[i].login = deals_copy(r, sv, sv->col_text(st, 0));
			all[i].name = deals_copy(r, sv, sv->col_text(st, 1));
			all[i].team = deals_copy(r, sv, sv->col_text(st, 2));
		}
		sv->done(st);
	}
	return (long)n;
}

static int
by_team_login(const void *a, const void *b)
{
	const struct seller	*x = a, *y = b;
	int			 c = strcmp(x->team, y->team);

	return c != 0 ? c : strcmp(x->login, y->login);
}

enum light { L_NONE, L_MET, L_GREEN, L_AMBER, L_RED };

static const char *const light_codes[] = {
	"", "met", "on_track", "at_risk", "behind"
};
static const char *const light_words[] = {
	"", N_("Met"), N_("On track"), N_("At risk"), N_("Behind")
};

/* Coverage (hundredths; -1 none) and its light. */
static enum light
light(const struct seller *s, long long *cov)
{
	long long	 gap = s->quota - s->won;

	*cov = -1;
	if (!s->has_quota)
		return L_NONE;
	if (gap <= 0)
		return L_MET;
	*cov = s->weighted * 100 / gap;
	return *cov >= 100 ? L_GREEN : *cov >= 70 ? L_AMBER : L_RED;
}

static const char *
hundredths(struct kiln_req *r, const struct kiln_services *sv, long long v)
{
	char	*s = sv->alloc(r, 24);

	if (v < 0)
		return "";
	snprintf(s, 24, "%lld.%02lld", v / 100, v % 100);
	return s;
}

static void
td(struct kiln_req *r, const struct kiln_services *sv, const char *cls,
    const char *text)
{
	sv->open(r, "td");
	if (cls != NULL)
		sv->attr(r, "class", cls);
	sv->text(r, text);
	sv->close(r);
}

/* One line of figures: a salesperson's or a team's. */
static void
line(struct kiln_req *r, const struct kiln_services *sv, const char *by,
    const char *key, const char *name, const char *team,
    const struct seller *s, int xml)
{
	long long	 cov;
	enum light	 l = light(s, &cov);
	char		 cls[24];

	if (xml) {
		sv->open(r, "row");
		sv->attr(r, "by", by);
		sv->attr(r, "key", key);
		if (name != NULL)
			sv->attr(r, "name", name);
		if (team != NULL && *team != '\0')
			sv->attr(r, "team", team);
		if (s->has_quota) {
			sv->attr(r, "quota", sv->money(r, s->quota));
			sv->attr(r, "gap", sv->money(r, s->quota > s->won ?
			    s->quota - s->won : 0));
		}
		sv->attr(r, "won", sv->money(r, s->won));
		sv->attr(r, "pipeline", sv->money(r, s->weighted));
		sv->attr(r, "open", sv->money(r, s->open));
		sv->attr(r, "deals", deals_num(r, sv, s->deals));
		sv->attr(r, "coverage", hundredths(r, sv, cov));
		sv->attr(r, "light", light_codes[l]);
		sv->close(r);
		return;
	}
	sv->open(r, "tr");
	sv->open(r, "th");
	sv->attr(r, "scope", "row");
	sv->text(r, name != NULL && *name != '\0' ? name : key);
	sv->close(r);
	td(r, sv, NULL, team != NULL ? team : "");
	td(r, sv, "num", s->has_quota ? sv->show_money(r, s->quota) : "\u2014");
	td(r, sv, "num", sv->show_money(r, s->won));
	td(r, sv, "num", s->has_quota ? sv->show_money(r, s->quota > s->won ?
	    s->quota - s->won : 0) : "");
	td(r, sv, "num", sv->show_money(r, s->weighted));
	td(r, sv, "num", hundredths(r, sv, cov));
	snprintf(cls, sizeof(cls), "light %s", light_codes[l]);
	td(r, sv, cls, l == L_NONE ? _("No quota") : _(light_words[l]));
	sv->close(r);
}

static void
head(struct kiln_req *r, const struct kiln_services *sv, const char *title,
    const char *first, const char *second)
{
	const char *const cols[] = {
		first, second, N_("Quota"), N_("Won"), N_("Gap"),
		N_("Weighted pipeline"), N_("Coverage"), N_("Light"), NULL
	};

	sv->open(r, "h2");
	sv->text(r, title);
	sv->close(r);
	deals_table(r, sv, cols, 0);
	sv->open(r, "tbody");
}

int
deals_report_coverage(struct kiln_req *r, const struct kiln_services *sv)
{
	struct deals_filter	 f;
	struct period		 p;
	struct seller		*all, team;
	struct kiln_bar		*bars;
	const char		*per = sv->param(r, "period");
	size_t			 i, k, nb = 0;
	long			 n;
	long long		 cov;
	int			 xml = sv->wants_xml(r), bad = 0;

	if (deals_filter_read(r, sv, &f) != 0)
		return 0;	/* answered */
	per = deals_text_param(r, sv, "period", 0, &bad);
	if (bad || period_of(per, &p) != 0)
		return sv->error(r, 400, "bad_request", _("The period is a"
		    " month (2027-03) or a quarter (2027-Q1)."));
	all = sv->alloc(r, COVER_MAX * sizeof(*all));
	if ((n = figures(r, sv, &f, &p, all)) < 0)
		return sv->error(r, 500, "internal", _("Internal error."));
	qsort(all, (size_t)n, sizeof(*all), by_team_login);
	f.from = p.from;
	f.to = p.to;
	if (deals_report_begin(r, sv, "coverage", _("Pipeline coverage"), &f)
	    != 0)
		return -1;
	if (xml)
		sv->attr(r, "period", p.name);
	else {
		sv->open(r, "form");
		sv->attr(r, "method", "get");
		sv->attr(r, "class", "search");
		sv->attr(r, "action", sv->url(r, "/reports/coverage"));
		deals_input(r, sv, "period", "text", _("Period (2027-Q1 or"
		    " 2027-03)"), p.name);
		deals_input(r, sv, "team", "text", _("Team"), f.team);
		deals_input(r, sv, "segment", "text", _("Segment"), f.segment);
		sv->open(r, "button");
		sv->attr(r, "type", "submit");
		sv->text(r, _("Show"));
		sv->close(r);
		sv->close(r);
		bars = sv->alloc(r, (size_t)(n ? n : 1) * sizeof(*bars));
		for (i = 0; i < (size_t)n; i++)
			if (light(&all[i], &cov) != L_NONE) {
				bars[nb].label = *all[i].name ? all[i].name :
				    all[i].login;
				bars[nb].value = cov < 0 ? 100 : cov;
				bars[nb].text = cov < 0 ? _(light_words[L_MET]) :
				    hundredths(r, sv, cov);
				bars[nb++].href = NULL;
			}
		if (nb > 0)
			sv->chart(r, _("Coverage per salesperson (1.00: the"
			    " expected wins close the gap)"), bars, nb);
		if (n == 0) {
			sv->open(r, "p");
			sv->attr(r, "class", "empty");
			sv->text(r, _("No quota and no deal closing in this"
			    " period."));
			sv->close(r);
			return sv->end(r);
		}
		head(r, sv, _("Per salesperson"), N_("Salesperson"),
		    N_("Team"));
	}
	for (i = 0; i < (size_t)n; i++)
		line(r, sv, "owner", all[i].login, all[i].name, all[i].team,
		    &all[i], xml);
	if (!xml) {
		sv->close(r);	/* tbody */
		sv->close(r);	/* table */
		head(r, sv, _("Per team"), N_("Team"), N_("Salespeople"));
	}
	/* The roll-up: the list is in team order. */
	for (i = 0; i < (size_t)n; i = k) {
		memset(&team, 0, sizeof(team));
		for (k = i; k < (size_t)n && strcmp(all[k].team, all[i].team) ==
		    0; k++) {
			team.quota += all[k].has_quota ? all[k].quota : 0;
			team.has_quota |= all[k].has_quota;
			team.won += all[k].won;
			team.weighted += all[k].weighted;
			team.open += all[k].open;
			team.deals += all[k].deals;
		}
		line(r, sv, "team", *all[i].team ? all[i].team : "-", NULL,
		    xml ? NULL : deals_num(r, sv, (long long)(k - i)), &team,
		    xml);
	}
	if (!xml) {
		sv->close(r);
		sv->close(r);
	}
	return sv->end(r);
}

/*
 * Home: this quarter's coverage - a salesperson's own line (pipeline
 * against quota), a manager's team, one line each, linking the report.
 */
void
deals_coverage_panel(struct kiln_req *r, const struct kiln_services *sv)
{
	struct deals_filter	 f = { "", "", "", "", 0 };
	struct period		 p;
	struct seller		*all;
	const char		*role = sv->user_role(r);
	char			 path[64], line[200];
	long			 n, i;
	long long		 cov;
	enum light		 l;

	if (period_of(NULL, &p) != 0)
		return;
	if (strcmp(role, "sales") == 0)
		f.owner = sv->user_id(r);
	else if (strcmp(role, "manager") == 0 && *sv->user_team(r) != '\0')
		f.team = sv->user_team(r);
	all = sv->alloc(r, COVER_MAX * sizeof(*all));
	if ((n = figures(r, sv, &f, &p, all)) < 0)
		return;
	qsort(all, (size_t)n, sizeof(*all), by_team_login);
	if (n == 0) {
		sv->open(r, "p");
		sv->attr(r, "class", "empty");
		sv->text(r, _("No quota and no deal closing in this period."));
		sv->close(r);
		return;
	}
	sv->open(r, "ul");
	for (i = 0; i < n && i < 12; i++) {
		l = light(&all[i], &cov);
		sv->open(r, "li");
		snprintf(line, sizeof(line), "%s: ", *all[i].name ?
		    all[i].name : all[i].login);
		sv->text(r, line);
		if (l == L_NONE)
			sv->text(r, _("No quota"));
		else {
			snprintf(line, sizeof(line), _("won %s of %s, weighted"
			    " pipeline %s"), sv->show_money(r, all[i].won),
			    sv->show_money(r, all[i].quota),
			    sv->show_money(r, all[i].weighted));
			sv->text(r, line);
			sv->text(r, " \u2014 ");
			sv->open(r, "span");
			snprintf(line, sizeof(line), "light %s", light_codes[l]);
			sv->attr(r, "class", line);
			sv->text(r, _(light_words[l]));
			if (cov >= 0) {
				sv->text(r, " ");
				sv->text(r, hundredths(r, sv, cov));
			}
			sv->close(r);
		}
		sv->close(r);
	}
	sv->close(r);
	snprintf(path, sizeof(path), "/reports/coverage?period=%s", p.name);
	sv->open(r, "p");
	deals_link(r, sv, path, _("Pipeline coverage"));
	sv->close(r);
}
