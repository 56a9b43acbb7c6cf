/*
 * activities.c - what salespeople do: calls (made, taken, returned),
 * visits (with their place), meetings (scheduled, held, no-show,
 * rescheduled), e-mails and tasks, about a customer, a contact and a
 * deal.  Logged in one step from a customer's or a deal's page
 * (POST /activities/log), marked done from the week (POST
 * /activities/#/done), read as "my week" (GET /activities/week).
 *
 * The database keeps the rest in the activity's own transaction
 * (deals.c's migration 6 and schema_pg.c): the done time when done, the
 * customer from the deal or contact, refusals (a deal or contact of
 * another customer, a visit without its place), the day summaries the
 * performance report adds up, when each salesperson first reached each
 * customer (a new target customer), and when the deal was last worked.
 */
#define _POSIX_C_SOURCE 200809L	/* localtime_r, gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deals.h"

static const char *const kinds[] = {
	"call", "visit", "meeting", "email", "task", NULL
};
static const char *const directions[] = {
	"outbound", "inbound", "returned", NULL
};
static const char *const statuses[] = {
	"planned", "done", "no_show", "rescheduled", "cancelled", NULL
};

static const struct kiln_field activity_fields[] = {
	{ .name = "kind", .type = KILN_ENUM, .options = kinds,
	  .label = "Kind", .def = "call", .flags = KILN_F_REQUIRED |
	  KILN_F_LIST | KILN_F_FILTER | KILN_F_SORT },
	{ .name = "subject", .type = KILN_TEXT, .label = "Subject", .min = 1,
	  .max = 200, .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_SEARCH |
	  KILN_F_SORT },
	{ .name = "customer", .type = KILN_REF, .ref = "customer",
	  .label = "Customer", .flags = KILN_F_LIST | KILN_F_FILTER |
	  KILN_F_SEARCH },
	{ .name = "contact", .type = KILN_REF, .ref = "contact",
	  .label = "Contact", .flags = KILN_F_FILTER },
	{ .name = "deal", .type = KILN_REF, .ref = "deal", .label = "Deal",
	  .flags = KILN_F_LIST | KILN_F_FILTER },
	/* Calls and e-mails: who started it; a call back is "returned". */
	{ .name = "direction", .type = KILN_ENUM, .options = directions,
	  .label = "Direction", .flags = KILN_F_FILTER },
	{ .name = "status", .type = KILN_ENUM, .options = statuses,
	  .label = "Status", .def = "planned", .flags = KILN_F_REQUIRED |
	  KILN_F_LIST | KILN_F_FILTER | KILN_F_SORT },
	{ .name = "scheduled_at", .type = KILN_DATETIME, .label = "Scheduled",
	  .flags = KILN_F_LIST | KILN_F_SORT },
	{ .name = "done_at", .type = KILN_DATETIME, .label = "Done",
	  .flags = KILN_F_SORT },
	{ .name = "place", .type = KILN_TEXT, .label = "Place", .max = 200 },
	{ .name = "outcome", .type = KILN_TEXT, .label = "Outcome",
	  .max = 500 },
	{ .name = "notes", .type = KILN_TEXT, .label = "Notes", .max = 5000,
	  .flags = KILN_F_LONG },
	{ .name = "owner", .type = KILN_REF, .ref = "user", .label = "Owner",
	  .flags = KILN_F_LIST | KILN_F_FILTER | KILN_F_OWNER },
};

static const struct kiln_child no_children[] = { { NULL, NULL } };

const struct kiln_entity deals_activity = {
	.name = "activity",
	.plural = "activities",
	.label = "Activity",
	.label_plural = "Activities",
	.fields = activity_fields,
	.nfields = sizeof(activity_fields) / sizeof(activity_fields[0]),
	.title = "subject",
	.sort = "scheduled_at",
	.children = no_children,
	/* Work on a deal: it is judged again (no longer stalled). */
	.created = deals_activity_created,
	.changed = deals_activity_changed,
};

/* The roles that log activities (the owner-based default access). */
static int
logs(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*role = sv->user_role(r);

	return strcmp(role, "sales") == 0 || strcmp(role, "manager") == 0 ||
	    strcmp(role, "admin") == 0;
}

static void
choice(struct kiln_req *r, const struct kiln_services *sv, const char *name,
    const char *label, const char *const *opts, const char *none)
{
	sv->open(r, "select");
	sv->attr(r, "name", name);
	sv->attr(r, "aria-label", label);
	if (none != NULL) {
		sv->open(r, "option");
		sv->attr(r, "value", "");
		sv->text(r, none);
		sv->close(r);
	}
	for (; *opts != NULL; opts++) {
		sv->open(r, "option");
		sv->attr(r, "value", *opts);
		sv->text(r, sv->show_enum(r, *opts));
		sv->close(r);
	}
	sv->close(r);
}

static void
input(struct kiln_req *r, const struct kiln_services *sv, const char *name,
    const char *type, const char *label, const char *max)
{
	sv->open(r, "input");
	sv->attr(r, "name", name);
	sv->attr(r, "type", type);
	sv->attr(r, "aria-label", label);
	sv->attr(r, "placeholder", label);
	if (max != NULL)
		sv->attr(r, "maxlength", max);
	sv->close(r);
}

/*
 * The one-step log on a customer's (deal 0) or a deal's page: what
 * was done (or is planned), with whom, how it went.
 */
static void
log_form(struct kiln_req *r, const struct kiln_services *sv,
    long long customer, long long deal)
{
	static const char *const done_or_planned[] = {
		"done", "planned", NULL
	};
	struct kiln_stmt	*st;
	char			 num[24];

	if (!logs(r, sv))
		return;
	sv->open(r, "details");
	sv->attr(r, "class", "log");
	sv->open(r, "summary");
	sv->text(r, _("Log an activity"));
	sv->close(r);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "act");
	sv->attr(r, "action", sv->url(r, "/activities/log"));
	sv->csrf(r);
	snprintf(num, sizeof(num), "%lld", deal != 0 ? deal : customer);
	deals_hidden(r, sv, deal != 0 ? "deal" : "customer", num);
	choice(r, sv, "kind", _("Kind"), kinds, NULL);
	choice(r, sv, "direction", _("Direction"), directions,
	    _("Direction\u2026"));
	choice(r, sv, "status", _("Status"), done_or_planned, NULL);
	input(r, sv, "subject", "text", _("Subject"), "200");
	input(r, sv, "when", "datetime-local", _("When (empty: now)"), NULL);
	input(r, sv, "place", "text", _("Place (for a visit)"), "200");
	input(r, sv, "outcome", "text", _("Outcome"), "500");
	st = sv->sql(r, deal != 0 ?
	    "SELECT c.id, c.name FROM contacts c JOIN deals d ON"
	    " d.customer = c.customer WHERE d.id = ?1 ORDER BY c.name, c.id"
	    " LIMIT 200" :
	    "SELECT id, name FROM contacts WHERE customer = ?1"
	    " ORDER BY name, id LIMIT 200");
	if (st != NULL) {
		sv->bind_int(st, 1, deal != 0 ? deal : customer);
		sv->open(r, "select");
		sv->attr(r, "name", "contact");
		sv->attr(r, "aria-label", _("Contact"));
		sv->open(r, "option");
		sv->attr(r, "value", "");
		sv->text(r, _("Contact\u2026"));
		sv->close(r);
		while (sv->step(st) == 1) {
			snprintf(num, sizeof(num), "%lld", sv->col_int(st, 0));
			sv->open(r, "option");
			sv->attr(r, "value", num);
			sv->text(r, sv->col_text(st, 1));
			sv->close(r);
		}
		sv->close(r);
		sv->done(st);
	}
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Log activity"));
	sv->close(r);
	sv->close(r);	/* form */
	sv->close(r);	/* details */
}

void
deals_activities_customer(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	log_form(r, sv, id, 0);
}

void
deals_activities_deal(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	log_form(r, sv, 0, id);
}

static long long
id_param(struct kiln_req *r, const struct kiln_services *sv,
    const char *name)
{
	return deals_id_of(sv->param(r, name));
}

/*
 * POST /activities/log: kind, direction, status (done or planned),
 * subject, when (the time it was done or is planned; empty: now), place,
 * outcome, contact, and the customer or deal it is about.  Through the
 * host's create(): the same fields, rights, refusals and audit as the
 * activity's own form; back to the page it came from.
 */
int
deals_activity_log(struct kiln_req *r, const struct kiln_services *sv)
{
	static const char *const copied[] = {
		"kind", "direction", "status", "subject", "place", "outcome",
		"contact", "customer", "deal"
	};
	struct kiln_kv	 kv[12];
	const char	*when = sv->param(r, "when"), *v, *status;
	long long	 deal = id_param(r, sv, "deal");
	long long	 customer = id_param(r, sv, "customer"), id;
	char		 err[256], path[80];
	size_t		 i, n = 0;
	int		 rc;

	if (deal == 0 && customer == 0)
		return sv->error(r, 422, "invalid", _("An activity is logged"
		    " from a customer's or a deal's page."));
	for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		if ((v = sv->param(r, copied[i])) != NULL && *v != '\0')
			kv[n++] = (struct kiln_kv)KV_S(copied[i], v);
	status = sv->param(r, "status");
	if (when != NULL && *when != '\0')
		kv[n++] = (struct kiln_kv)KV_S(status != NULL &&
		    strcmp(status, "done") == 0 ? "done_at" : "scheduled_at",
		    when);
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	rc = sv->create(r, "activity", kv, n, &id, err, sizeof(err));
	/* create() leaves out the entity's own created(): run it. */
	if (rc == 0 && deals_activity_touch(r, sv, id) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (rc != 0) {
		sv->rollback(r);
		if (rc == -2)
			return sv->error(r, 403, "forbidden",
			    _("You may not log activities."));
		return sv->error(r, 422, "invalid", err);
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "activity", id, 1);
	if (deal != 0)
		snprintf(path, sizeof(path),
		    "/deals/%lld?done=saved#sec-activities", deal);
	else
		snprintf(path, sizeof(path),
		    "/customers/%lld?done=saved#sec-activities", customer);
	return sv->redirect(r, path);
}

/*
 * POST /activities/#/done: a planned activity done now (or at `when`),
 * with its outcome; a meeting may instead be marked no_show or
 * rescheduled (status).  Whoever may change the activity.
 */
int
deals_activity_done(struct kiln_req *r, const struct kiln_services *sv)
{
	static const char *const ends[] = {
		"done", "no_show", "rescheduled", "cancelled", NULL
	};
	struct kiln_kv		 kv[3];
	struct kiln_stmt	*st;
	const char		*status = sv->param(r, "status");
	const char		*outcome = sv->param(r, "outcome");
	const char		*when = sv->param(r, "when");
	const char *const	*e;
	long long		 id = sv->route_id(r);
	char			 err[256], now[32], back[48];
	size_t			 n = 0;
	int			 acc;

	if (status == NULL || *status == '\0')
		status = "done";
	for (e = ends; *e != NULL && strcmp(*e, status) != 0; e++)
		;
	if (*e == NULL)
		return sv->error(r, 422, "invalid", _("An activity ends done,"
		    " no-show, rescheduled or cancelled."));
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if ((acc = sv->access(r, "activity", id)) != 1) {
		sv->rollback(r);
		return acc < 0 ? sv->error(r, 404, "not_found",
		    _("No such record.")) : sv->error(r, 403, "forbidden",
		    _("You may not change this record."));
	}
	*now = '\0';
	if ((st = sv->sql(r, "SELECT status FROM activities WHERE id = ?1"))
	    != NULL) {
		sv->bind_int(st, 1, id);
		if (sv->step(st) == 1)
			snprintf(now, sizeof(now), "%s", sv->col_text(st, 0));
		sv->done(st);
	}
	if (strcmp(now, "planned") != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", _("Only a planned"
		    " activity is marked done, no-show or rescheduled."));
	}
	kv[n++] = (struct kiln_kv)KV_S("status", status);
	if (outcome != NULL && *outcome != '\0')
		kv[n++] = (struct kiln_kv)KV_S("outcome", outcome);
	if (strcmp(status, "done") == 0 && when != NULL && *when != '\0')
		kv[n++] = (struct kiln_kv)KV_S("done_at", when);
	if (sv->update(r, "activity", id, kv, n, err, sizeof(err)) != 0) {
		sv->rollback(r);
		return sv->error(r, 422, "invalid", err);
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "activity", id, 0);
	snprintf(back, sizeof(back), "/activities/%lld?done=saved", id);
	return sv->redirect(r, sv->param(r, "week") != NULL ?
	    "/activities/week?done=saved" : back);
}

/*
 * Monday of the week holding day (YYYY-MM-DD, or today when NULL or
 * not a date), in the installation's time zone, and the week's bounds
 * as stored (UTC): [*from, *to).
 */
static void
week_of(const struct kiln_services *sv, const char *day, char *monday,
    char *from, char *to)
{
	struct tm	 tm;
	time_t		 t = time(NULL);

	localtime_r(&t, &tm);
	if (day != NULL && sv->parse_date(day) == 0) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = atoi(day) - 1900;
		tm.tm_mon = atoi(day + 5) - 1;
		tm.tm_mday = atoi(day + 8);
	}
	tm.tm_hour = 12;	/* clear of any clock change */
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	localtime_r(&t, &tm);
	tm.tm_mday -= (tm.tm_wday + 6) % 7;
	tm.tm_hour = 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	localtime_r(&t, &tm);
	strftime(monday, 11, "%Y-%m-%d", &tm);
	strftime(from, 21, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &(struct tm){0}));
	tm.tm_mday += 7;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	strftime(to, 21, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &(struct tm){0}));
}

/* A week away from monday (+7 or -7 days), as YYYY-MM-DD. */
static const char *
week_step(struct kiln_req *r, const struct kiln_services *sv,
    const char *monday, int days)
{
	struct tm	 tm;
	char		*out = sv->alloc(r, 11);

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(monday) - 1900;
	tm.tm_mon = atoi(monday + 5) - 1;
	tm.tm_mday = atoi(monday + 8) + days;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	(void)mktime(&tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
	return out;
}

static void
cell(struct kiln_req *r, const struct kiln_services *sv, const char *text)
{
	sv->open(r, "td");
	sv->text(r, text);
	sv->close(r);
}

/* A planned activity's "Done" button, with its outcome. */
static void
done_button(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	char	 path[64];

	snprintf(path, sizeof(path), "/activities/%lld/done", id);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "inline");
	sv->attr(r, "action", sv->url(r, path));
	sv->csrf(r);
	deals_hidden(r, sv, "week", "1");
	input(r, sv, "outcome", "text", _("Outcome"), "500");
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Done"));
	sv->close(r);
	sv->close(r);
}

/*
 * GET /activities/week: the week's activities of one salesperson (owner,
 * default oneself; whom one may read), day by day, planned ones still
 * open marked late once their time passed; ?week=DAY for another week.
 */
int
deals_activity_week(struct kiln_req *r, const struct kiln_services *sv)
{
	static const char *const cols[] = {
		N_("When"), N_("Kind"), N_("Subject"), N_("Customer"),
		N_("Status"), N_("Outcome"), NULL
	};
	struct kiln_stmt	*st;
	long long		 owner = id_param(r, sv, "owner"), aid;
	char			 monday[11], from[21], to[21], nowutc[21];
	char			 path[80], day[11] = "", title[96];
	const char		*when, *status, *wk = sv->param(r, "week");
	struct tm		 tm;
	time_t			 t = time(NULL);
	int			 any = 0, writable;

	if (owner == 0)
		owner = sv->user_id(r);
	/* The database decides at the button; one may mark one's own. */
	writable = logs(r, sv);
	week_of(sv, wk, monday, from, to);
	strftime(nowutc, sizeof(nowutc), "%Y-%m-%dT%H:%M:%SZ",
	    gmtime_r(&t, &tm));
	snprintf(title, sizeof(title), _("Week of %s"), monday);
	if (sv->wants_xml(r))
		return sv->error(r, 404, "not_found", _("The week is a"
		    " page; activities are in /activities.xml."));
	if (sv->begin(r, 200, NULL, title) != 0)
		return -1;
	sv->open(r, "h1");
	sv->text(r, title);
	sv->close(r);
	sv->open(r, "nav");
	sv->attr(r, "class", "pager");
	snprintf(path, sizeof(path), "/activities/week?week=%s&owner=%lld",
	    week_step(r, sv, monday, -7), owner);
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, path));
	sv->attr(r, "rel", "prev");
	sv->text(r, _("Previous week"));
	sv->close(r);
	sv->text(r, " ");
	snprintf(path, sizeof(path), "/activities/week?week=%s&owner=%lld",
	    week_step(r, sv, monday, 7), owner);
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, path));
	sv->attr(r, "rel", "next");
	sv->text(r, _("Next week"));
	sv->close(r);
	sv->close(r);
	/* The owner's activities of the week, the ones one may read. */
	st = sv->sql(r, "SELECT a.id, a.kind, a.subject, a.status,"
	    " CASE WHEN a.done_at <> '' THEN a.done_at ELSE a.scheduled_at END"
	    " AS at, coalesce(c.name, ''), a.customer, a.outcome FROM"
	    " activities a LEFT JOIN customers c ON c.id = a.customer WHERE"
	    " a.owner = ?1 AND ((a.scheduled_at >= ?2 AND a.scheduled_at < ?3)"
	    " OR (a.done_at >= ?2 AND a.done_at < ?3)) AND"
	    " kiln_readable('activity', a.id) ORDER BY at, a.id LIMIT 500");
	if (st == NULL)
		return sv->end(r);
	sv->bind_int(st, 1, owner);
	sv->bind_text(st, 2, from);
	sv->bind_text(st, 3, to);
	while (sv->step(st) == 1) {
		aid = sv->col_int(st, 0);
		status = sv->col_text(st, 3);
		when = sv->show_time(r, sv->col_text(st, 4));
		if (strncmp(when, day, 10) != 0) {
			if (any) {
				sv->close(r);	/* tbody */
				sv->close(r);	/* table */
			}
			snprintf(day, sizeof(day), "%.10s", when);
			sv->open(r, "h2");
			sv->text(r, day);
			sv->close(r);
			deals_table(r, sv, cols, 1);
			sv->open(r, "tbody");
		}
		any = 1;
		sv->open(r, "tr");
		if (strcmp(status, "planned") == 0 &&
		    strcmp(sv->col_text(st, 4), nowutc) < 0)
			sv->attr(r, "class", "late");
		cell(r, sv, strlen(when) > 11 ? when + 11 : when);
		cell(r, sv, sv->show_enum(r, sv->col_text(st, 1)));
		sv->open(r, "td");
		snprintf(path, sizeof(path), "/activities/%lld", aid);
		deals_link(r, sv, path, sv->col_text(st, 2));
		sv->close(r);
		sv->open(r, "td");
		if (sv->col_int(st, 6) > 0) {
			snprintf(path, sizeof(path), "/customers/%lld",
			    sv->col_int(st, 6));
			deals_link(r, sv, path, sv->col_text(st, 5));
		}
		sv->close(r);
		cell(r, sv, sv->show_enum(r, status));
		cell(r, sv, sv->col_text(st, 7));
		sv->open(r, "td");
		if (writable && strcmp(status, "planned") == 0)
			done_button(r, sv, aid);
		sv->close(r);
		sv->close(r);
	}
	sv->done(st);
	if (any) {
		sv->close(r);
		sv->close(r);
	} else {
		sv->open(r, "p");
		sv->attr(r, "class", "empty");
		sv->text(r, _("Nothing planned or done this week."));
		sv->close(r);
	}
	return sv->end(r);
}

/* Home: this week's activities, still to do and done, and the next few. */
void
deals_activity_panel(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 monday[11], from[21], to[21], path[48];
	char			 line[160];
	long long		 planned = 0, done = 0, late = 0;
	int			 any = 0;

	week_of(sv, NULL, monday, from, to);
	if ((st = sv->sql(r, "SELECT sum(CASE WHEN status = 'planned' THEN 1"
	    " ELSE 0 END), sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END),"
	    " sum(CASE WHEN status = 'planned' AND scheduled_at <"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') THEN 1 ELSE 0 END)"
	    " FROM activities WHERE owner = ?1 AND ((scheduled_at >= ?2 AND"
	    " scheduled_at < ?3) OR (done_at >= ?2 AND done_at < ?3))")) ==
	    NULL)
		return;
	sv->bind_int(st, 1, sv->user_id(r));
	sv->bind_text(st, 2, from);
	sv->bind_text(st, 3, to);
	if (sv->step(st) == 1) {
		planned = sv->col_int(st, 0);
		done = sv->col_int(st, 1);
		late = sv->col_int(st, 2);
	}
	sv->done(st);
	sv->open(r, "p");
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, "/activities/week"));
	sv->text(r, _("My week"));
	sv->close(r);
	sv->text(r, ": ");
	snprintf(line, sizeof(line), _("%lld done, %lld to do (%lld late)"),
	    done, planned, late);
	sv->text(r, line);
	sv->close(r);
	if ((st = sv->sql(r, "SELECT id, subject, scheduled_at, kind FROM"
	    " activities WHERE owner = ?1 AND status = 'planned' AND"
	    " scheduled_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
	    " ORDER BY scheduled_at, id LIMIT 5")) == NULL)
		return;
	sv->bind_int(st, 1, sv->user_id(r));
	while (sv->step(st) == 1) {
		if (!any)
			sv->open(r, "ul");
		any = 1;
		snprintf(path, sizeof(path), "/activities/%lld",
		    sv->col_int(st, 0));
		sv->open(r, "li");
		sv->text(r, sv->show_time(r, sv->col_text(st, 2)));
		sv->text(r, " ");
		sv->text(r, sv->show_enum(r, sv->col_text(st, 3)));
		sv->text(r, " ");
		deals_link(r, sv, path, sv->col_text(st, 1));
		sv->close(r);
	}
	sv->done(st);
	if (any)
		sv->close(r);
}
