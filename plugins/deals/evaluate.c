/*
 * evaluate.c - a deal judged by the administrator's rules: every rule
 * file with a `deal` hook (lua/deal.lua, lua/stalled.lua shipped) runs
 * on the deal and what the host knows around it, and gives a verdict
 * shown on the deal's page and in its XML (<evaluation>), advice rather
 * than a gate.  The last rule that returns a figure sets the deal's
 * probability (none: the stage's); a verdict about the field "stalled"
 * that is not a pass marks the deal stalled, on lists and the home page.
 *
 * Judged in the transaction of every change of the deal (its form, a
 * move, a competitor, a product of interest, an activity logged on it)
 * and once a day by the deals_evaluate job, since a deal stalls by
 * nothing happening.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deals.h"

#define EVAL_MAX_RULES	32
#define EVAL_BATCH	200

/* The deal's fields a rule sees, in the SELECT's order. */
static const char *const rec_cols[] = {
	"title", "customer", "contact", "amount", "stage", "expected_close",
	"source", "next_step", "next_step_date", "owner", "closed_on"
};
#define NREC	(sizeof(rec_cols) / sizeof(rec_cols[0]))
/* Of them, numbers (NULL references are left out). */
#define REC_INT(i)	((i) == 1 || (i) == 2 || (i) == 3 || (i) == 9)

static const char *const result_names[] = {
	"pass", "warn", "hold", "reject", "error"
};

/* Days since 1970-01-01 of YYYY-MM-DD (H. Hinnant), or -1. */
static long long
day_number(const char *s)
{
	long long	 y, m, d, era, yoe, doy;

	if (s == NULL || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/*
 * Deal id's record and context for the rules: *nrec and *nctx pairs.
 * 0, or -1 when there is no such deal.
 */
static int
facts(struct kiln_req *r, const struct kiln_services *sv, long long id,
    struct kiln_kv *rec, size_t *nrec, struct kiln_kv *ctx, size_t *nctx,
    char *stage, size_t stagesz)
{
	struct kiln_stmt	*st;
	char			*today = sv->alloc(r, 11);
	long long		 now, customer = 0, created = -1, touched = -1;
	time_t			 t = time(NULL);
	struct tm		 tm;
	size_t			 i, n = 0, c = 0;

	strftime(today, 11, "%Y-%m-%d", gmtime_r(&t, &tm));
	now = day_number(today);
	if ((st = sv->sql(r, "SELECT d.title, d.customer, d.contact, d.amount,"
	    " d.stage, d.expected_close, d.source, d.next_step,"
	    " d.next_step_date, d.owner, d.closed_on, d.created_at,"
	    " d.touched_on, coalesce(c.segment, ''), d.contact IS NULL FROM"
	    " deals d LEFT JOIN customers c ON c.id = d.customer"
	    " WHERE d.id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if (sv->step(st) != 1) {
		sv->done(st);
		return -1;
	}
	rec[n++] = (struct kiln_kv)KV_I("id", id);
	for (i = 0; i < NREC; i++) {
		if (i == 2 && sv->col_int(st, 14))
			continue;	/* no contact */
		if (REC_INT(i))
			rec[n++] = (struct kiln_kv)KV_I(rec_cols[i],
			    sv->col_int(st, (int)i));
		else
			rec[n++] = (struct kiln_kv)KV_S(rec_cols[i],
			    deals_copy(r, sv, sv->col_text(st, (int)i)));
	}
	customer = sv->col_int(st, 1);
	snprintf(stage, stagesz, "%s", sv->col_text(st, 4));
	created = day_number(sv->col_text(st, 11));
	touched = day_number(sv->col_text(st, 12));
	ctx[c++] = (struct kiln_kv)KV_S("today", today);
	ctx[c++] = (struct kiln_kv)KV_S("customer_segment",
	    deals_copy(r, sv, sv->col_text(st, 13)));
	ctx[c++] = (struct kiln_kv)KV_I("age_days",
	    created < 0 ? 0 : now - created);
	ctx[c++] = (struct kiln_kv)KV_I("idle_days",
	    touched < 0 ? 0 : now - touched);
	sv->done(st);
	/* Who else is in it, what it is for, and the customer's record. */
	if ((st = sv->sql(r, "SELECT (SELECT count(*) FROM deal_competitors"
	    " WHERE deal = ?1), (SELECT count(*) FROM deal_lines WHERE"
	    " deal = ?1), (SELECT count(*) FROM deals WHERE customer = ?2"
	    " AND stage = 'won' AND id <> ?1), (SELECT coalesce(sum(amount),"
	    " 0) FROM deals WHERE customer = ?2 AND stage = 'won' AND"
	    " id <> ?1), (SELECT count(*) FROM activities WHERE deal = ?1"
	    " AND status = 'done')")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_int(st, 2, customer);
	if (sv->step(st) == 1) {
		ctx[c++] = (struct kiln_kv)KV_I("competitors",
		    sv->col_int(st, 0));
		ctx[c++] = (struct kiln_kv)KV_I("lines", sv->col_int(st, 1));
		ctx[c++] = (struct kiln_kv)KV_I("won_count",
		    sv->col_int(st, 2));
		ctx[c++] = (struct kiln_kv)KV_I("won_average",
		    sv->col_int(st, 2) > 0 ? sv->col_int(st, 3) /
		    sv->col_int(st, 2) : 0);
		ctx[c++] = (struct kiln_kv)KV_I("activities",
		    sv->col_int(st, 4));
	}
	sv->done(st);
	*nrec = n;
	*nctx = c;
	return 0;
}

/* Store the verdicts, probability and stalled mark of deal id. */
static int
store(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *stage, const char *today, const struct kiln_verdict *v,
    size_t n)
{
	struct kiln_stmt	*st;
	long long		 pct = deals_stage_probability(stage);
	int			 stalled = 0, rc;
	size_t			 i;

	if ((st = sv->sql(r, "DELETE FROM deal_verdicts WHERE deal = ?1")) ==
	    NULL)
		return -1;
	sv->bind_int(st, 1, id);
	rc = sv->step(st);
	sv->done(st);
	for (i = 0; rc == 0 && i < n; i++) {
		if (v[i].has_number)
			pct = v[i].number < 0 ? 0 : v[i].number > 100 ? 100 :
			    v[i].number;
		if (v[i].result != KILN_PASS && v[i].result != KILN_RULE_ERROR
		    && strcmp(v[i].field, "stalled") == 0)
			stalled = 1;
		if ((st = sv->sql(r, "INSERT INTO deal_verdicts (deal, seq,"
		    " rule, result, message, field) VALUES (?1, ?2, ?3, ?4, ?5,"
		    " ?6)")) == NULL)
			return -1;
		sv->bind_int(st, 1, id);
		sv->bind_int(st, 2, (long long)i + 1);
		sv->bind_text(st, 3, v[i].rule);
		sv->bind_text(st, 4, result_names[v[i].result]);
		sv->bind_text(st, 5, v[i].message);
		sv->bind_text(st, 6, v[i].field);
		rc = sv->step(st);
		sv->done(st);
	}
	if (rc != 0 || pct < 0)
		return rc != 0 ? -1 : 0;
	/*
	 * Derived, as touched_on is: no new version, no audit line; the
	 * deal's own change (or the day's job) is what happened.
	 */
	if ((st = sv->sql(r, "UPDATE deals SET probability = ?2, stalled = ?3,"
	    " evaluated_on = ?4 WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_int(st, 2, pct);
	sv->bind_int(st, 3, stalled);
	sv->bind_text(st, 4, today);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/*
 * Judge deal id now, in the caller's write transaction.  0, or -1 (a
 * statement failed: the caller rolls back).  Rules that are not loaded
 * judge nothing: the deal keeps what it had.
 */
int
deals_evaluate(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_kv		 rec[NREC + 1], ctx[16];
	struct kiln_verdict	*v;
	const char *const	*names;
	char			 stage[32];
	size_t			 nrec, nctx, n;

	if (facts(r, sv, id, rec, &nrec, ctx, &nctx, stage,
	    sizeof(stage)) != 0)
		return 0;	/* gone meanwhile: nothing to judge */
	if (sv->rules_for(r, "deal", &names, &n) != 0)
		return 0;
	if (n > EVAL_MAX_RULES)
		n = EVAL_MAX_RULES;
	v = sv->alloc(r, (n ? n : 1) * sizeof(*v));
	if (n > 0)
		sv->rules(r, names, n, "deal", rec, nrec, ctx, nctx, v);
	return store(r, sv, id, stage, ctx[0].s, v, n);	/* ctx[0]: today */
}

/*
 * The deals_evaluate job: every open deal not judged today, judged
 * again (a deal stalls by nothing happening), a batch per short write
 * transaction.
 */
int
deals_evaluate_job(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 ids[EVAL_BATCH], after = 0, seen = 0;
	char			 today[11];
	time_t			 t = time(NULL);
	struct tm		 tm;
	size_t			 i, n;
	int			 rc;

	strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&t, &tm));
	do {
		if ((st = sv->sql(r, "SELECT id FROM deals WHERE id > ?1 AND"
		    " stage IN ('lead', 'qualified', 'proposal', 'negotiation')"
		    " AND evaluated_on < ?2 ORDER BY id LIMIT ?3")) == NULL)
			return -1;
		sv->bind_int(st, 1, after);
		sv->bind_text(st, 2, today);
		sv->bind_int(st, 3, EVAL_BATCH);
		for (n = 0; n < EVAL_BATCH && (rc = sv->step(st)) == 1; n++)
			ids[n] = after = sv->col_int(st, 0);
		sv->done(st);
		if (rc == -1)
			return -1;
		if (n == 0)
			break;
		if (sv->begin_write(r) != 0) {
			sv->log(KILN_LOG_ERR, "deals_evaluate: no write"
			    " transaction (the line above says why)");
			return -1;
		}
		for (i = 0; i < n; i++)
			if (deals_evaluate(r, sv, ids[i]) != 0) {
				sv->rollback(r);
				sv->log(KILN_LOG_ERR, "deals_evaluate: deal %lld"
				    " could not be judged", ids[i]);
				return -1;
			}
		if (sv->commit(r) != 0) {
			sv->log(KILN_LOG_ERR, "deals_evaluate: commit failed");
			return -1;
		}
		seen += (long long)n;
	} while (n == EVAL_BATCH);
	sv->log(KILN_LOG_INFO, "deals_evaluate: %lld open deals judged", seen);
	return 0;
}

/* A new deal is judged in its create's transaction. */
int
deals_created(struct kiln_req *r, const struct kiln_services *sv,
    long long id, char *err, size_t errsz)
{
	if (deals_evaluate(r, sv, id) == 0)
		return 0;
	snprintf(err, errsz, "%s", _("The deal could not be judged."));
	return -1;
}

/* The deal that record id of table (a row naming it) is about: 0 none. */
static long long
deal_of(struct kiln_req *r, const struct kiln_services *sv, const char *sql,
    long long id)
{
	struct kiln_stmt	*st;
	long long		 deal = 0;

	if ((st = sv->sql(r, sql)) == NULL)
		return 0;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1)
		deal = sv->col_int(st, 0);
	sv->done(st);
	return deal;
}

/* A product of interest added: the deal has lines now. */
int
deals_line_created(struct kiln_req *r, const struct kiln_services *sv,
    long long id, char *err, size_t errsz)
{
	long long	 deal = deal_of(r, sv, "SELECT deal FROM deal_lines"
	    " WHERE id = ?1", id);

	if (deal == 0 || deals_evaluate(r, sv, deal) == 0)
		return 0;
	snprintf(err, errsz, "%s", _("The deal could not be judged."));
	return -1;
}

/* An activity on a deal (created or changed): the deal was worked on. */
int
deals_activity_touch(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	long long	 deal = deal_of(r, sv, "SELECT deal FROM activities"
	    " WHERE id = ?1", id);

	return deal == 0 ? 0 : deals_evaluate(r, sv, deal);
}

int
deals_activity_created(struct kiln_req *r, const struct kiln_services *sv,
    long long id, char *err, size_t errsz)
{
	if (deals_activity_touch(r, sv, id) == 0)
		return 0;
	snprintf(err, errsz, "%s", _("The deal could not be judged."));
	return -1;
}

int
deals_activity_changed(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const struct kiln_kv *before, const struct kiln_kv *after,
    size_t n)
{
	return deals_activity_touch(r, sv, id);
}

/* A rule's result as words. */
static const char *
result_word(const struct kiln_services *sv, const char *result)
{
	static const struct {
		const char	*code;
		const char	*word;
	} words[] = {
		{ "pass", N_("passed") }, { "warn", N_("warning") },
		{ "hold", N_("needs attention") }, { "reject", N_("against") },
		{ "error", N_("rule failed") },
	};
	size_t	 i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].code, result) == 0)
			return _(words[i].word);
	return result;
}

/* On the deal's page: each rule's verdict (passes too: what ran). */
void
deals_evaluation_page(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	int			 any = 0;

	if ((st = sv->sql(r, "SELECT rule, result, message FROM deal_verdicts"
	    " WHERE deal = ?1 ORDER BY seq")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	while (sv->step(st) == 1) {
		if (!any) {
			sv->open(r, "section");
			sv->attr(r, "class", "verdicts");
			sv->open(r, "h2");
			sv->text(r, _("Evaluation"));
			sv->close(r);
			sv->open(r, "ul");
		}
		any = 1;
		sv->open(r, "li");
		sv->attr(r, "class", sv->col_text(st, 1));
		sv->open(r, "b");
		sv->text(r, sv->tr(sv->col_text(st, 0)));
		sv->close(r);
		sv->text(r, ": ");
		sv->text(r, result_word(sv, sv->col_text(st, 1)));
		if (*sv->col_text(st, 2) != '\0') {
			sv->text(r, " \u2014 ");
			sv->text(r, sv->col_text(st, 2));
		}
		sv->close(r);
	}
	sv->done(st);
	if (any) {
		sv->close(r);	/* ul */
		sv->close(r);	/* section */
	}
}

void
deals_evaluation_xml(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;

	if ((st = sv->sql(r, "SELECT rule, result, message, field FROM"
	    " deal_verdicts WHERE deal = ?1 ORDER BY seq")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->open(r, "evaluation");
	while (sv->step(st) == 1) {
		sv->open(r, "verdict");
		sv->attr(r, "rule", sv->col_text(st, 0));
		sv->attr(r, "result", sv->col_text(st, 1));
		if (*sv->col_text(st, 3) != '\0')
			sv->attr(r, "field", sv->col_text(st, 3));
		sv->text(r, sv->col_text(st, 2));
		sv->close(r);
	}
	sv->close(r);
	sv->done(st);
}
