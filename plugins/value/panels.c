/*
 * panels.c - the home page's value panels: a salesperson's (a
 * manager's: the team's) class A customers nobody has been in touch
 * with for kiln.conf's contact_days, from the activities done; and the
 * segment suggestions waiting for a manager.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "value.h"

static const char *const sellers[] = { "sales", "manager", NULL };
static const char *const deciders[] = { "manager", "admin", NULL };

static void
line(struct kiln_req *r, const struct kiln_services *sv, const char *text)
{
	sv->open(r, "p");
	sv->text(r, text);
	sv->close(r);
}

/* The viewer's (a manager: the team's) A customers out of touch. */
static void
out_of_touch(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	struct tm		 tm;
	time_t			 t;
	long long		 days = sv->number(r, "contact_days");
	char			 since[24], when[96];
	int			 any = 0;

	if (days <= 0)
		days = 30;
	t = time(NULL) - (time_t)days * 86400;
	strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ",
	    gmtime_r(&t, &tm));
	if ((st = sv->sql(r, "SELECT id, name, last FROM (SELECT c.id,"
	    " c.name, (SELECT max(a.done_at) FROM activities a WHERE"
	    " a.customer = c.id AND a.done_at <> '') AS last FROM"
	    " customer_values v JOIN customers c ON c.id = v.customer WHERE"
	    " v.class = 'A' AND (c.owner = ?1 OR (?2 = 'manager' AND ?3 <>"
	    " '' AND c.owner IN (SELECT id FROM users WHERE team = ?3)))) x"
	    " WHERE last IS NULL OR last < ?4 ORDER BY last IS NOT NULL,"
	    " last, id LIMIT 10")) == NULL)
		return;
	sv->bind_int(st, 1, sv->user_id(r));
	sv->bind_text(st, 2, sv->user_role(r));
	sv->bind_text(st, 3, sv->user_team(r));
	sv->bind_text(st, 4, since);
	while (sv->step(st) == 1) {
		if (any++ == 0)
			sv->open(r, "ul");
		sv->open(r, "li");
		kit_customer_link(r, sv, sv->col_int(st, 0),
		    sv->col_text(st, 1));
		if (*sv->col_text(st, 2) != '\0')
			snprintf(when, sizeof(when), _(" \u2014 last contact"
			    " %.10s"), sv->col_text(st, 2));
		else
			snprintf(when, sizeof(when), "%s", _(" \u2014 no"
			    " contact on record"));
		sv->text(r, when);
		sv->close(r);
	}
	sv->done(st);
	if (any)
		sv->close(r);
	else {
		snprintf(when, sizeof(when), _("Every class A customer was"
		    " contacted in the last %lld days."), days);
		line(r, sv, when);
	}
}

/* How many segment suggestions wait, linking to the worklist. */
static void
suggestions(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 n = 0;
	char			 text[128];

	if ((st = sv->sql(r, "SELECT count(*) FROM segment_suggestions WHERE"
	    " status = 'open' AND kiln_readable('customer', customer)")) ==
	    NULL)
		return;
	if (sv->step(st) == 1)
		n = sv->col_int(st, 0);
	sv->done(st);
	if (n == 0) {
		line(r, sv, _("No segment suggestion waits."));
		return;
	}
	snprintf(text, sizeof(text), _("%lld customers' segments to look at"),
	    n);
	sv->open(r, "p");
	kit_link(r, sv, "/value/suggestions", text);
	sv->close(r);
}

const struct kiln_panel value_panels[] = {
	{ "out_of_touch", N_("Class A customers out of touch"), sellers, 8,
	  out_of_touch },
	{ "suggestions", N_("Segment suggestions"), deciders, 9, suggestions },
	{ NULL, NULL, NULL, 0, NULL }
};
