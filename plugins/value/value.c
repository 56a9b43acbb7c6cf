/*
 * value.c - the value plugin's descriptor: customer value (revenue,
 * margin and payment behaviour, RFM scores, ABC classes, lifetime value
 * by rule) and the segment suggestions a manager decides.
 *
 * The plugin keeps its own tables and reads customers, orders, users
 * and activities; it changes a customer only when a manager accepts a
 * suggestion, through update() (version, audit, changes feed).  Every
 * user sees the figures of the customers they may read.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "value.h"

#define VALUE_ID	"INTEGER PRIMARY KEY AUTOINCREMENT"
#define VALUE_INT	"INTEGER"

const char *const value_segments[] = {
	"key_account", "channel_partner", "small_loyal", "project",
	"prospect", NULL
};

static const struct kiln_migration migrations[] = {
	{ 1,
	VALUE_SCHEMA
	},
	{ 2,
	VALUE_SCHEMA_2
	},
	{ 3,
	VALUE_SCHEMA_3
	},
	{ 0, NULL }
};

/* Who runs the computation at once and decides suggestions. */
static const char *const deciders[] = { "admin", "manager", NULL };
static const char *const runners[] = { "admin", "manager", "finance", NULL };

static const struct kiln_route routes[] = {
	{ "GET", "/reports/customer-value", value_report, "Customer value",
	  NULL, 0 },
	{ "GET", "/value/suggestions", value_suggestions, "Segment suggestions",
	  deciders, 0 },
	{ "POST", "/value/suggestions/#/accept", value_accept, NULL, deciders,
	  0 },
	{ "POST", "/value/suggestions/#/dismiss", value_dismiss, NULL,
	  deciders, 0 },
	{ "POST", "/value/compute", value_compute_now, NULL, runners, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static const char *const tables[] = {
	"customer_values", "customer_value_months", "segment_suggestions",
	"customer_value_totals", "customer_value_runs", NULL
};

static const struct kiln_job jobs[] = {
	{ "customer_value", value_job },
	{ NULL, NULL }
};

static const char *const requires[] = { "customer", "order", "activity",
	"user", NULL };

static const struct kiln_section sections[] = {
	{ .entity = "customer", .page = value_section },
	{ NULL, NULL, NULL, NULL }
};

static const struct kiln_check checks[] = {
	{ "customer values have a known class",
	  "SELECT 'customer ' || customer || ' has the class ''' || class ||"
	  " '''' FROM customer_values WHERE class NOT IN ('', 'A', 'B', 'C')"
	  " OR (class = '') <> (last_invoice = '')" },
	{ "RFM scores are 1 to 5 for customers ever invoiced",
	  "SELECT 'customer ' || customer || ' scores ' || r || f || m FROM"
	  " customer_values WHERE (last_invoice <> '' AND (r NOT BETWEEN 1 AND"
	  " 5 OR f NOT BETWEEN 1 AND 5 OR m NOT BETWEEN 1 AND 5)) OR"
	  " (last_invoice = '' AND r + f + m <> 0)" },
	{ "the report's totals agree with the customers' pictures",
	  "SELECT 'class ' || x.class || ' (before: ' || x.before || '): ' ||"
	  " x.n || ' customers worked out, ' || coalesce(t.customers, 0) ||"
	  " ' in the totals' FROM (SELECT class, before, count(*) AS n,"
	  " sum(margin) AS margin FROM customer_values GROUP BY class, before) x"
	  " LEFT JOIN customer_value_totals t ON t.class = x.class AND t.before"
	  " = x.before WHERE t.customers IS DISTINCT FROM x.n OR t.margin IS"
	  " DISTINCT FROM x.margin" },
	{ NULL, NULL }
};

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("value"),
	.description = "Customer value: revenue, margin, payment, RFM, ABC,"
	    " lifetime value, segment suggestions",
	.migrations = migrations,
	.routes = routes,
	.sections = sections,
	.checks = checks,
	.jobs = jobs,
	.tables = tables,
	.requires = requires,
	.pg_migrations = value_pg_migrations,
	.panels = value_panels,
	.demo = value_demo,
};





int
value_may_decide(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*role = sv->user_role(r);

	return strcmp(role, "admin") == 0 || strcmp(role, "manager") == 0;
}

