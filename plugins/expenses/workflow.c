/*
 * workflow.c - a claim's life, each move by an action button (POST
 * /expenses/ID/VERB with the version it was seen at):
 *
 *	submit		the owner (or their manager): every file with an
 *			`expense` hook judges it (lua/expense.lua: budget,
 *			category limits, policy); any reject rejects it
 *			with the rules' words, else it waits for the
 *			manager, held (the reasons shown) on any hold;
 *	approve, reject	the owner's team's manager or an administrator,
 *			never the owner (the database says so too); a held
 *			claim is approved with a reason, any is rejected
 *			with one;
 *	reimburse	finance (or an administrator) pays an approved one;
 *	revise		the owner takes a rejected one back to draft.
 *
 * Each move goes through update() (version, audit, changes feed) and
 * into expense_history with who, when and why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expenses.h"

#define MAX_RULES	32
#define REASON_MAX	500

static const char *const results[] = { "pass", "warn", "hold", "reject",
	"error" };

/* One line of a claim's history, now, by the user. */
static int
history(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *status, const char *reason)
{
	struct kiln_stmt	*st;
	char			 now[KIT_TIMESZ];
	int			 rc;

	kit_now(now);
	if ((st = sv->sql(r, "INSERT INTO expense_history (expense, seq,"
	    " status, by_login, at, reason) VALUES (?1, (SELECT"
	    " coalesce(max(seq), 0) + 1 FROM expense_history WHERE expense ="
	    " ?1), ?2, ?3, ?4, ?5)")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, status);
	sv->bind_text(st, 3, *sv->user_login(r) ? sv->user_login(r) :
	    "system");
	sv->bind_text(st, 4, now);
	sv->bind_text(st, 5, reason);
	rc = sv->step(st);
	sv->done(st);
	return rc == 0 ? 0 : -1;
}

/* kiln_entity.created: a new claim's first line of history. */
int
exp_created(struct kiln_req *r, const struct kiln_services *sv, long long id,
    char *err, size_t errsz)
{
	if (history(r, sv, id, "draft", "") == 0)
		return 0;
	snprintf(err, errsz, "%s", _("The claim's history could not be"
	    " written."));
	return -1;
}

/* The claim as a rule sees it, and what it needs to know beside. */
struct claim {
	long long	 id, version, owner, customer, deal, amount, held;
	char		 status[16], category[16], spent_on[16];
	char		 description[256];
};

static int
load(struct kiln_req *r, const struct kiln_services *sv, long long id,
    struct claim *c)
{
	struct kiln_stmt	*st;
	int			 rc;

	memset(c, 0, sizeof(*c));
	if ((st = sv->sql(r, "SELECT version, coalesce(owner, 0),"
	    " coalesce(customer, 0), coalesce(deal, 0), amount, held, status,"
	    " category, spent_on, description FROM expenses WHERE id = ?1"))
	    == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if ((rc = sv->step(st)) == 1) {
		c->id = id;
		c->version = sv->col_int(st, 0);
		c->owner = sv->col_int(st, 1);
		c->customer = sv->col_int(st, 2);
		c->deal = sv->col_int(st, 3);
		c->amount = sv->col_int(st, 4);
		c->held = sv->col_int(st, 5);
		snprintf(c->status, sizeof(c->status), "%s",
		    sv->col_text(st, 6));
		snprintf(c->category, sizeof(c->category), "%s",
		    sv->col_text(st, 7));
		snprintf(c->spent_on, sizeof(c->spent_on), "%s",
		    sv->col_text(st, 8));
		snprintf(c->description, sizeof(c->description), "%s",
		    sv->col_text(st, 9));
	}
	sv->done(st);
	return rc == 1 ? 0 : -1;
}

/* One integer out of sql with ?1 bound to a and ?2 to b. */
static long long
scalar(struct kiln_req *r, const struct kiln_services *sv, const char *sql,
    long long a, const char *b)
{
	struct kiln_stmt	*st;
	long long		 v = 0;

	if ((st = sv->sql(r, sql)) == NULL)
		return 0;
	sv->bind_int(st, 1, a);
	sv->bind_text(st, 2, b);
	if (sv->step(st) == 1)
		v = sv->col_int(st, 0);
	sv->done(st);
	return v;
}

/*
 * The context of claim c: its owner's budget and the team's (what is
 * used of them by other claims), its receipts, its deal, the gifts its
 * customer had this year.
 */
static size_t
context_of(struct kiln_req *r, const struct kiln_services *sv,
    const struct claim *c, struct kiln_kv *out, size_t max)
{
	struct exp_budget	 own, team;
	struct kiln_stmt	*st;
	char			 year[8];
	const char		*stage = "", *segment = "";
	long long		 deal_amount = 0;
	size_t			 n = 0;

	if (max < 16)
		return 0;
	exp_budget_of(r, sv, c->owner, NULL, c->spent_on, c->category, c->id,
	    0, &own);
	exp_budget_of(r, sv, c->owner, NULL, c->spent_on, c->category, c->id,
	    1, &team);
	if (c->deal != 0 && (st = sv->sql(r, "SELECT stage, amount FROM deals"
	    " WHERE id = ?1")) != NULL) {
		sv->bind_int(st, 1, c->deal);
		if (sv->step(st) == 1) {
			stage = kit_copy(r, sv, sv->col_text(st, 0));
			deal_amount = sv->col_int(st, 1);
		}
		sv->done(st);
	}
	if (c->customer != 0 && (st = sv->sql(r, "SELECT segment FROM"
	    " customers WHERE id = ?1")) != NULL) {
		sv->bind_int(st, 1, c->customer);
		if (sv->step(st) == 1)
			segment = kit_copy(r, sv, sv->col_text(st, 0));
		sv->done(st);
	}
	snprintf(year, sizeof(year), "%.4s", c->spent_on);
	out[n++] = (struct kiln_kv)KV_I("budget", own.amount);
	out[n++] = (struct kiln_kv)KV_I("budget_used", own.used);
	out[n++] = (struct kiln_kv)KV_S("budget_period",
	    kit_copy(r, sv, own.period));
	out[n++] = (struct kiln_kv)KV_S("budget_category",
	    kit_copy(r, sv, own.category));
	out[n++] = (struct kiln_kv)KV_I("team_budget", team.amount);
	out[n++] = (struct kiln_kv)KV_I("team_budget_used", team.used);
	out[n++] = (struct kiln_kv)KV_I("receipts", scalar(r, sv,
	    "SELECT count(*) FROM expense_receipts WHERE expense = ?1 AND"
	    " ?2 = ''", c->id, ""));
	out[n++] = (struct kiln_kv)KV_S("deal_stage", stage);
	out[n++] = (struct kiln_kv)KV_I("deal_amount", deal_amount);
	out[n++] = (struct kiln_kv)KV_S("customer_segment", segment);
	/* Gifts to the customer this year, on other claims not rejected. */
	out[n++] = (struct kiln_kv)KV_I("customer_gifts_year", c->customer ?
	    scalar(r, sv, "SELECT coalesce(sum(amount), 0) FROM expenses WHERE"
	    " customer = (SELECT customer FROM expenses WHERE id = ?1) AND"
	    " category = 'gifts' AND status IN ('submitted', 'approved',"
	    " 'reimbursed') AND spent_on >= ?2 || '-01-01' AND spent_on <= ?2"
	    " || '-12-31' AND id <> ?1", c->id, kit_copy(r, sv, year)) : 0);
	return n;
}

/* The claim's fields as a rule reads them. */
static size_t
record_of(const struct claim *c, struct kiln_kv *rec)
{
	size_t	 n = 0;

	rec[n++] = (struct kiln_kv)KV_I("id", c->id);
	rec[n++] = (struct kiln_kv)KV_S("category", c->category);
	rec[n++] = (struct kiln_kv)KV_I("amount", c->amount);
	rec[n++] = (struct kiln_kv)KV_S("spent_on", c->spent_on);
	rec[n++] = (struct kiln_kv)KV_I("customer", c->customer);
	rec[n++] = (struct kiln_kv)KV_I("deal", c->deal);
	rec[n++] = (struct kiln_kv)KV_I("owner", c->owner);
	rec[n++] = (struct kiln_kv)KV_S("description", c->description);
	return n;
}

/* kiln_entity.context: for `kiln rules test` and the rule pages. */
size_t
exp_context(struct kiln_req *r, const struct kiln_services *sv, long long id,
    struct kiln_kv *out, size_t max)
{
	struct claim	 c;

	if (load(r, sv, id, &c) != 0)
		return 0;
	return context_of(r, sv, &c, out, max);
}


/*
 * The start of every action: the version sent, a write transaction, the
 * claim (404 unless readable), in one of the statuses from, and access
 * (write access unless anyone who reads it may: finance paying).  0 with
 * the claim loaded and the transaction open, or -1 once answered.
 */
static int
begin_on(struct kiln_req *r, const struct kiln_services *sv, const char *from,
    int need_write, struct claim *c)
{
	long long	 id = sv->route_id(r), sent;
	int		 acc;
	char		 msg[256];

	if ((sent = kit_version_sent(r, sv)) < 0)
		return -1;
	if (sv->begin_write(r) != 0) {
		sv->write_failed(r);
		return -1;
	}
	acc = sv->access(r, "expense", id);
	if (acc < 0 || load(r, sv, id, c) != 0) {
		sv->rollback(r);
		sv->error(r, 404, "not_found", _("No such record."));
		return -1;
	}
	if (need_write && acc == 0) {
		sv->rollback(r);
		sv->error(r, 403, "forbidden", _("You may not change this"
		    " record."));
		return -1;
	}
	if (sent != 0 && sent != c->version) {
		sv->rollback(r);
		sv->error(r, 409, "stale", _("The claim was changed meanwhile;"
		    " look at it again before you go on."));
		return -1;
	}
	if (strcmp(c->status, from) != 0) {
		sv->rollback(r);
		snprintf(msg, sizeof(msg), _("The claim is %s: that cannot be"
		    " done now."), sv->show_enum(r, c->status));
		sv->error(r, 409, "conflict", msg);
		return -1;
	}
	return 0;
}

/*
 * What a move sets besides the status: held -1, approver 0, times "",
 * reason NULL are left as they are.
 */
struct move {
	const char	*status;
	long long	 held;
	long long	 approver;
	const char	*decided_at;
	const char	*reason;
	const char	*reimbursed_at;
	const char	*done;		/* ?done= on the page */
};

/*
 * The move, as the database lets only this code make it (status_seq
 * bumped), version and time with it; its history line and audit entry
 * (and so the changes feed); commit; the claim shown (XML) or its page
 * with ?done= (HTML).
 */
static int
finish(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct move *m)
{
	struct kiln_stmt	*st;
	char			 now[KIT_TIMESZ], path[64], detail[600];
	int			 rc;

	kit_now(now);
	if ((st = sv->sql(r, "UPDATE expenses SET status = ?2, status_seq ="
	    " status_seq + 1, version = version + 1, updated_at = ?3, held ="
	    " CASE WHEN ?4 < 0 THEN held ELSE ?4 END, approver = CASE WHEN"
	    " ?5 = 0 THEN approver ELSE ?5 END, decided_at = CASE WHEN ?6 ="
	    " '' THEN decided_at ELSE ?6 END, reason = CASE WHEN ?9 = 1 THEN"
	    " ?7 ELSE reason END, reimbursed_at = CASE WHEN ?8 = '' THEN"
	    " reimbursed_at ELSE ?8 END WHERE id = ?1")) == NULL) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, m->status);
	sv->bind_text(st, 3, now);
	sv->bind_int(st, 4, m->held);
	sv->bind_int(st, 5, m->approver);
	sv->bind_text(st, 6, m->decided_at ? m->decided_at : "");
	sv->bind_text(st, 7, m->reason ? m->reason : "");
	sv->bind_text(st, 8, m->reimbursed_at ? m->reimbursed_at : "");
	sv->bind_int(st, 9, m->reason != NULL);
	rc = sv->step(st);
	sv->done(st);
	snprintf(detail, sizeof(detail), "%s%s%s", m->status,
	    m->reason && *m->reason ? ": " : "", m->reason ? m->reason : "");
	if (rc != 0 || history(r, sv, id, m->status, m->reason ? m->reason :
	    "") != 0 || sv->audit(r, "status", "expense", id, detail) != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", _("The claim could not be"
		    " changed."));
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "expense", id, 0);
	snprintf(path, sizeof(path), "/expenses/%lld?done=%s", id, m->done);
	return sv->redirect(r, path);
}

/* Keep what each rule said at this submission. */
static int
verdicts(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct kiln_verdict *v, size_t n)
{
	struct kiln_stmt	*st;
	size_t			 i;
	int			 rc = 0;

	if ((st = sv->sql(r, "DELETE FROM expense_verdicts WHERE expense ="
	    " ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	rc = sv->step(st);
	sv->done(st);
	for (i = 0; i < n && rc == 0; i++) {
		if ((st = sv->sql(r, "INSERT INTO expense_verdicts (expense,"
		    " pos, rule, result, message) VALUES (?1, ?2, ?3, ?4, ?5)"))
		    == NULL)
			return -1;
		sv->bind_int(st, 1, id);
		sv->bind_int(st, 2, (long long)i + 1);
		sv->bind_text(st, 3, v[i].rule);
		sv->bind_text(st, 4, results[v[i].result]);
		sv->bind_text(st, 5, v[i].message);
		rc = sv->step(st);
		sv->done(st);
	}
	return rc == 0 ? 0 : -1;
}

/* POST /expenses/#/submit: judged by the rules, then the manager's. */
int
exp_submit(struct kiln_req *r, const struct kiln_services *sv)
{
	struct claim		 c;
	struct kiln_kv		 rec[12], ctx[24];
	struct kiln_verdict	*v;
	struct move		 m = { "submitted", 0, 0, "", "", "",
				    "submitted" };
	const char *const	*names;
	const char		*reject = NULL, *hold = NULL;
	size_t			 nrec, nctx, n = 0, i;

	if (begin_on(r, sv, "draft", 1, &c) != 0)
		return 0;
	if (sv->rules_for(r, "expense", &names, &n) != 0) {
		sv->rollback(r);
		return sv->error(r, 503, "busy", _("The rules are not loaded;"
		    " try again in a moment."));
	}
	n = n > MAX_RULES ? MAX_RULES : n;
	v = sv->alloc(r, (n ? n : 1) * sizeof(*v));
	nrec = record_of(&c, rec);
	nctx = context_of(r, sv, &c, ctx, sizeof(ctx) / sizeof(ctx[0]));
	if (n > 0)
		sv->rules(r, names, n, "expense", rec, nrec, ctx, nctx, v);
	/* The first reject says why; else the first hold (a failed rule
	 * cannot tell, so it holds). */
	for (i = 0; i < n; i++)
		if (v[i].result == KILN_REJECT && reject == NULL)
			reject = v[i].message;
		else if ((v[i].result == KILN_HOLD ||
		    v[i].result == KILN_RULE_ERROR) && hold == NULL)
			hold = v[i].message;
	if (verdicts(r, sv, c.id, v, n) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (reject != NULL) {
		m.status = m.done = "rejected";
		m.reason = reject;
	} else
		m.held = hold != NULL;
	return finish(r, sv, c.id, &m);
}

/* The reason sent: "" when none, NULL (answered) when too long. */
static const char *
reason_sent(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*why = sv->param(r, "reason");

	if (why == NULL)
		return "";
	if (strlen(why) > REASON_MAX) {
		sv->error(r, 422, "invalid", _("Give the reason in at most 500"
		    " bytes."));
		return NULL;
	}
	return why;
}

/*
 * Whether the user made or submitted claim id (a manager may file one
 * in a team member's name: not theirs to decide, either).
 */
static int
made_by(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	int			 yes = 1;

	if ((st = sv->sql(r, "SELECT 1 FROM expense_history WHERE expense ="
	    " ?1 AND by_login = ?2 AND status IN ('draft', 'submitted')")) ==
	    NULL)
		return 1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, sv->user_login(r));
	yes = sv->step(st) != 0;
	sv->done(st);
	return yes;
}

/*
 * The decision on a submitted claim (approved or rejected): the owner's
 * team's manager's (write access) or an administrator's, never the
 * owner's.  A held claim is approved, and any rejected, with a reason.
 */
static int
decide(struct kiln_req *r, const struct kiln_services *sv, int approve)
{
	struct claim	 c;
	struct move	 m = { NULL, -1, 0, "", "", "", NULL };
	char		 now[KIT_TIMESZ];
	const char	*why;

	if ((why = reason_sent(r, sv)) == NULL)
		return 0;
	if (begin_on(r, sv, "submitted", 1, &c) != 0)
		return 0;
	if (c.owner == sv->user_id(r) || made_by(r, sv, c.id)) {
		sv->rollback(r);
		return sv->error(r, 403, "forbidden", _("Nobody approves or"
		    " rejects their own claim."));
	}
	if (*why == '\0' && (!approve || c.held)) {
		sv->rollback(r);
		return sv->error(r, 422, "invalid", approve ? _("The rules held"
		    " this claim: approve it with a reason.") : _("Reject it"
		    " with a reason."));
	}
	kit_now(now);
	m.status = m.done = approve ? "approved" : "rejected";
	m.approver = sv->user_id(r);
	m.decided_at = now;
	m.reason = why;
	return finish(r, sv, c.id, &m);
}

int
exp_approve(struct kiln_req *r, const struct kiln_services *sv)
{
	return decide(r, sv, 1);
}

int
exp_reject(struct kiln_req *r, const struct kiln_services *sv)
{
	return decide(r, sv, 0);
}

/* POST /expenses/#/reimburse: finance pays an approved claim. */
int
exp_reimburse(struct kiln_req *r, const struct kiln_services *sv)
{
	struct claim	 c;
	struct move	 m = { "reimbursed", -1, 0, "", NULL, NULL,
			    "reimbursed" };
	char		 now[KIT_TIMESZ];

	if (begin_on(r, sv, "approved", 0, &c) != 0)
		return 0;
	kit_now(now);
	m.reimbursed_at = now;
	return finish(r, sv, c.id, &m);
}

/* POST /expenses/#/revise: a rejected claim back to its owner's draft. */
int
exp_revise(struct kiln_req *r, const struct kiln_services *sv)
{
	struct claim	 c;
	struct move	 m = { "draft", 0, 0, "", "", "", "updated" };

	if (begin_on(r, sv, "rejected", 1, &c) != 0)
		return 0;
	return finish(r, sv, c.id, &m);
}

/* A form posting to /expenses/ID/VERB with the version, left open. */
static void
form_open(struct kiln_req *r, const struct kiln_services *sv, long long id,
    long long version, const char *verb)
{
	char	 path[64], ver[24];

	snprintf(path, sizeof(path), "/expenses/%lld/%s", id, verb);
	snprintf(ver, sizeof(ver), "%lld", version);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "inline");
	sv->attr(r, "action", sv->url(r, path));
	sv->csrf(r);
	kit_hidden(r, sv, "version", ver);
}

static void
button(struct kiln_req *r, const struct kiln_services *sv, const char *text)
{
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, text);
	sv->close(r);
	sv->close(r);	/* form */
}

/* A decision's form: its reason (needed when required), its button. */
static void
decision(struct kiln_req *r, const struct kiln_services *sv,
    const struct claim *c, const char *verb, const char *text, int required)
{
	char	 id[48];

	form_open(r, sv, c->id, c->version, verb);
	snprintf(id, sizeof(id), "%s-reason", verb);
	sv->open(r, "label");
	sv->attr(r, "for", id);
	sv->text(r, required ? _("Reason") : _("Reason (if any)"));
	sv->close(r);
	sv->open(r, "input");
	sv->attr(r, "id", id);
	sv->attr(r, "name", "reason");
	sv->attr(r, "type", "text");
	sv->attr(r, "maxlength", "500");
	if (required)
		sv->attr(r, "required", "required");
	sv->close(r);
	button(r, sv, text);
}

/* The actions this viewer may take on claim c now. */
static void
actions(struct kiln_req *r, const struct kiln_services *sv,
    const struct claim *c, int writer)
{
	int	 mine = c->owner == sv->user_id(r);

	sv->open(r, "div");
	sv->attr(r, "class", "actions");
	if (strcmp(c->status, "draft") == 0 && writer) {
		form_open(r, sv, c->id, c->version, "submit");
		button(r, sv, _("Submit"));
	} else if (strcmp(c->status, "submitted") == 0 && writer && !mine &&
	    kit_is(r, sv, exp_deciders)) {
		decision(r, sv, c, "approve", _("Approve"), (int)c->held);
		decision(r, sv, c, "reject", _("Reject"), 1);
	} else if (strcmp(c->status, "approved") == 0 &&
	    kit_is(r, sv, exp_payers)) {
		form_open(r, sv, c->id, c->version, "reimburse");
		button(r, sv, _("Mark reimbursed"));
	} else if (strcmp(c->status, "rejected") == 0 && writer) {
		form_open(r, sv, c->id, c->version, "revise");
		button(r, sv, _("Revise"));
	}
	sv->close(r);
}

/* What each rule said at the last submission. */
static void
verdict_list(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	int			 any = 0;

	if ((st = sv->sql(r, "SELECT rule, result, message FROM"
	    " expense_verdicts WHERE expense = ?1 AND result <> 'pass' ORDER"
	    " BY pos")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	while (sv->step(st) == 1) {
		if (any++ == 0) {
			sv->open(r, "ul");
			sv->attr(r, "class", "verdicts");
		}
		sv->open(r, "li");
		sv->attr(r, "class", sv->col_text(st, 1));
		sv->open(r, "strong");
		sv->text(r, sv->show_enum(r, sv->col_text(st, 1)));
		sv->close(r);
		sv->text(r, " (");
		sv->text(r, sv->col_text(st, 0));
		sv->text(r, "): ");
		sv->text(r, sv->col_text(st, 2));
		sv->close(r);
	}
	sv->done(st);
	if (any)
		sv->close(r);
}

static void
history_table(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	static const char *const cols[] = { N_("When"), N_("Status"),
	    N_("By"), N_("Reason"), NULL };
	struct kiln_stmt	*st;
	int			 n = 0;

	if ((st = sv->sql(r, "SELECT at, status, by_login, reason FROM"
	    " expense_history WHERE expense = ?1 ORDER BY seq")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	while (sv->step(st) == 1) {
		if (n++ == 0) {
			sv->open(r, "h2");
			sv->text(r, _("History"));
			sv->close(r);
			kit_table(r, sv, cols);
		}
		sv->open(r, "tr");
		kit_cell(r, sv, sv->show_time(r, sv->col_text(st, 0)), 0);
		kit_cell(r, sv, sv->show_enum(r, sv->col_text(st, 1)), 0);
		kit_cell(r, sv, sv->col_text(st, 2), 0);
		kit_cell(r, sv, sv->col_text(st, 3), 0);
		sv->close(r);
	}
	sv->done(st);
	if (n > 0) {
		sv->close(r);
		sv->close(r);
	}
}

/* kiln_entity.page: what the rules said, the buttons, receipts, history. */
void
exp_page(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct claim	 c;
	int		 writer = sv->access(r, "expense", id) == 1;

	if (load(r, sv, id, &c) != 0)
		return;
	sv->open(r, "section");
	sv->attr(r, "class", "claim");
	if (c.held && strcmp(c.status, "submitted") == 0) {
		sv->open(r, "p");
		sv->attr(r, "class", "warning");
		sv->text(r, _("Held by the expense rules: the manager decides"
		    " with a reason."));
		sv->close(r);
	}
	verdict_list(r, sv, id);
	actions(r, sv, &c, writer);
	sv->close(r);
	exp_receipts_page(r, sv, id, writer && strcmp(c.status, "draft") == 0);
	history_table(r, sv, id);
}

/* kiln_entity.xml: the verdicts, the history and the receipts. */
void
exp_xml(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	char			 path[48];

	sv->open(r, "evaluation");
	if ((st = sv->sql(r, "SELECT rule, result, message FROM"
	    " expense_verdicts WHERE expense = ?1 ORDER BY pos")) != NULL) {
		sv->bind_int(st, 1, id);
		while (sv->step(st) == 1) {
			sv->open(r, "verdict");
			sv->attr(r, "rule", sv->col_text(st, 0));
			sv->attr(r, "result", sv->col_text(st, 1));
			sv->text(r, sv->col_text(st, 2));
			sv->close(r);
		}
		sv->done(st);
	}
	sv->close(r);
	sv->open(r, "history");
	if ((st = sv->sql(r, "SELECT seq, status, by_login, at, reason FROM"
	    " expense_history WHERE expense = ?1 ORDER BY seq")) != NULL) {
		sv->bind_int(st, 1, id);
		while (sv->step(st) == 1) {
			sv->open(r, "event");
			sv->attr(r, "status", sv->col_text(st, 1));
			sv->attr(r, "by", sv->col_text(st, 2));
			sv->attr(r, "at", sv->col_text(st, 3));
			sv->text(r, sv->col_text(st, 4));
			sv->close(r);
		}
		sv->done(st);
	}
	sv->close(r);
	sv->open(r, "receipts");
	if ((st = sv->sql(r, "SELECT id, name, ctype, size FROM"
	    " expense_receipts WHERE expense = ?1 ORDER BY id")) != NULL) {
		sv->bind_int(st, 1, id);
		while (sv->step(st) == 1) {
			snprintf(path, sizeof(path), "/receipts/%lld",
			    sv->col_int(st, 0));
			sv->open(r, "receipt");
			sv->attr(r, "id", sv->col_text(st, 0));
			sv->attr(r, "href", sv->url(r, path));
			sv->attr(r, "type", sv->col_text(st, 2));
			sv->attr(r, "size", sv->col_text(st, 3));
			sv->text(r, sv->col_text(st, 1));
			sv->close(r);
		}
		sv->done(st);
	}
	sv->close(r);
}
