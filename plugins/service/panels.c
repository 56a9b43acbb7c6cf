/*
 * panels.c - the service desk on the home page: an agent's queue (the
 * tickets waiting to be taken, and their own open tickets nearest
 * deadline first, those within a quarter of their budget or past it
 * flagged); the desk's breaches and backlog (clocks past their
 * deadline now, deadlines missed this month, open tickets by age: the
 * whole desk's for the desk and administrators, a manager's team's);
 * a salesperson's customers with open complaints.
 */
#include <stdio.h>
#include <string.h>

#include "service.h"

static void
none(struct kiln_req *r, const struct kiln_services *sv, const char *text)
{
	sv->open(r, "p");
	sv->attr(r, "class", "empty");
	sv->text(r, text);
	sv->close(r);
}

/* A line: a link with a count in it. */
static void
count_link(struct kiln_req *r, const struct kiln_services *sv,
    const char *path, const char *text)
{
	sv->open(r, "p");
	service_link(r, sv, path, text);
	sv->close(r);
}

/*
 * How near ticket's running deadline is: "" far or none, "near"
 * within a quarter of its budget in business time, "late" past it.
 */
static const char *
nearness(struct kiln_req *r, const struct kiln_services *sv, const char *due,
    long long budget, const char *now)
{
	long long	 left;

	if (*due == '\0')
		return "";
	if (strcmp(due, now) <= 0)
		return "late";
	left = sv->work_between(r, now, due);
	return budget > 0 && left >= 0 && left * 4 < budget ? "near" : "";
}

/* An agent's queue: waiting to be taken; their own, nearest first. */
static void
my_queue(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 now[SERVICE_TIMESZ], path[48], line[160];
	const char		*flag;
	long long		 waiting = 0;
	int			 any = 0;

	service_now(now);
	/* The desk reads every ticket: the queue's index alone. */
	if ((st = sv->sql(r, "SELECT count(*) FROM tickets WHERE status ="
	    " 'new' AND assignee IS NULL")) == NULL)
		return;
	if (sv->step(st) == 1)
		waiting = sv->col_int(st, 0);
	sv->done(st);
	if (waiting > 0) {
		snprintf(line, sizeof(line), _("Waiting to be taken: %lld"),
		    waiting);
		count_link(r, sv, "/tickets/queue", line);
	} else
		none(r, sv, _("Nobody is waiting: the queue is empty."));
	/* The deadline running now, and its budget. */
	if ((st = sv->sql(r, "SELECT id, subject, name, due, budget FROM"
	    " (SELECT t.id, t.subject, c.name, CASE WHEN t.first_response_at"
	    " = '' AND t.first_response_due <> '' THEN t.first_response_due"
	    " WHEN t.status = 'waiting_customer' THEN '' ELSE"
	    " t.resolution_due END AS due, CASE WHEN t.first_response_at ="
	    " '' AND t.first_response_due <> '' THEN t.response_budget ELSE"
	    " t.resolution_budget END AS budget FROM tickets t JOIN customers"
	    " c ON c.id = t.customer WHERE t.assignee = ?1 AND t.status NOT"
	    " IN ('resolved', 'closed')) m ORDER BY due = '', due, id"
	    " LIMIT 8")) == NULL)
		return;
	sv->bind_int(st, 1, sv->user_id(r));
	while (sv->step(st) == 1) {
		if (!any++)
			sv->open(r, "ul");
		flag = nearness(r, sv, sv->col_text(st, 3),
		    sv->col_int(st, 4), now);
		snprintf(path, sizeof(path), "/tickets/%lld",
		    sv->col_int(st, 0));
		sv->open(r, "li");
		if (*flag != '\0')
			sv->attr(r, "class", flag);
		if (*sv->col_text(st, 3) != '\0') {
			sv->open(r, "time");
			sv->attr(r, "datetime", sv->col_text(st, 3));
			sv->text(r, sv->show_time(r, sv->col_text(st, 3)));
			sv->close(r);
			sv->text(r, " ");
		}
		service_link(r, sv, path, sv->col_text(st, 1));
		snprintf(line, sizeof(line), " (%s)", sv->col_text(st, 2));
		sv->text(r, line);
		if (*flag != '\0') {
			sv->text(r, " \u2014 ");
			sv->open(r, "strong");
			sv->text(r, strcmp(flag, "late") == 0 ?
			    _("past the deadline") : _("close to breach"));
			sv->close(r);
		}
		sv->close(r);
	}
	sv->done(st);
	if (any)
		sv->close(r);
	else
		none(r, sv, _("No open tickets of yours."));
}

/*
 * The desk's (a manager's: the team's) clocks past their deadline now,
 * the deadlines missed this month, the open tickets by age.
 */
static void
breaches(struct kiln_req *r, const struct kiln_services *sv)
{
	struct service_sel	 s;
	struct service_clocks	 all, month;
	long long		 age[SERVICE_NBANDS], open = 0;
	char			 now[SERVICE_TIMESZ], line[256], path[64];
	int			 i;

	service_now(now);
	memset(&s, 0, sizeof(s));
	s.team = s.segment = "";
	s.scope = service_scope(r, sv);
	snprintf(s.from, sizeof(s.from), "2000-01-01");
	snprintf(s.to, sizeof(s.to), "%.10s", now);
	if (service_sla_totals(r, sv, &s, &all, age) != 0)
		return;
	snprintf(s.from, sizeof(s.from), "%.7s-01", now);
	if (service_sla_totals(r, sv, &s, &month, NULL) != 0)
		return;
	for (i = 0; i < SERVICE_NBANDS; i++)
		open += age[i];
	snprintf(path, sizeof(path), "/reports/sla?from=%s&to=%s", s.from,
	    s.to);
	if (open == 0 && month.met[0] + month.late[0] + month.met[1] +
	    month.late[1] == 0) {
		none(r, sv, _("No open tickets, and no deadline this month"
		    " yet."));
		return;
	}
	sv->open(r, "p");
	if (all.overdue[0] + all.overdue[1] > 0)
		sv->attr(r, "class", "late");
	snprintf(line, sizeof(line), _("Past the deadline now: %lld first"
	    " responses, %lld resolutions."), all.overdue[0],
	    all.overdue[1]);
	sv->text(r, line);
	sv->close(r);
	snprintf(line, sizeof(line), _("Missed this month: %lld first"
	    " responses, %lld resolutions"), month.late[0], month.late[1]);
	count_link(r, sv, path, line);
	if (open > 0)
		service_backlog_chart(r, sv, age);
}

/* The viewer's customers with open complaints, the oldest first. */
static void
complaints(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 path[96], line[256];
	int			 any = 0;

	if ((st = sv->sql(r, "SELECT c.id, c.name, count(*),"
	    " min(t.created_at) FROM tickets t JOIN customers c ON c.id ="
	    " t.customer WHERE t.type = 'complaint' AND t.status NOT IN"
	    " ('resolved', 'closed') AND t.owner IN (SELECT id FROM users"
	    " WHERE id = ?1 OR (?2 = 1 AND team = ?3 AND team <> ''))"
	    " GROUP BY c.id, c.name ORDER BY 4, 1 LIMIT 8")) == NULL)
		return;
	sv->bind_int(st, 1, sv->user_id(r));
	sv->bind_int(st, 2, service_scope(r, sv));
	sv->bind_text(st, 3, sv->user_team(r));
	while (sv->step(st) == 1) {
		if (!any++)
			sv->open(r, "ul");
		sv->open(r, "li");
		snprintf(path, sizeof(path), "/customers/%lld",
		    sv->col_int(st, 0));
		service_link(r, sv, path, sv->col_text(st, 1));
		snprintf(path, sizeof(path), "/tickets?customer=%lld"
		    "&type=complaint", sv->col_int(st, 0));
		snprintf(line, sizeof(line), _("%lld open, since %s"),
		    sv->col_int(st, 2), sv->show_time(r, sv->col_text(st, 3)));
		sv->text(r, ": ");
		service_link(r, sv, path, line);
		sv->close(r);
	}
	sv->done(st);
	if (any)
		sv->close(r);
	else
		none(r, sv, _("No open complaints from your customers."));
}

static const char *const agents[] = { "service", NULL };
static const char *const desk[] = { "service", "admin", "manager", NULL };
static const char *const sellers[] = { "sales", "manager", NULL };

const struct kiln_panel service_panels[] = {
	{ "my_queue", N_("My queue"), agents, 1, my_queue },
	{ "breaches", N_("Breaches and backlog"), desk, 12, breaches },
	{ "complaints", N_("Open complaints"), sellers, 8, complaints },
	{ NULL, NULL, NULL, 0, NULL }
};
