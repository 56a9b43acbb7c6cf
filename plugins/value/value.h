/*
 * value.h - the value plugin: what each customer is worth.  compute.c
 * is the job (and the on-demand run) that works out every customer's
 * revenue, margin and payment behaviour over kiln.conf's value_months,
 * the RFM scores and ABC classes across the installation, the lifetime
 * value by the `value` rules and the segment the `segment` rules
 * suggest; page.c shows a customer's on its page; suggest.c is the
 * managers' worklist of suggestions; report.c /reports/customer-value;
 * panels.c the home page's; schema_pg.c the schema on PostgreSQL.
 */
#ifndef KILN_VALUE_H
#define KILN_VALUE_H

#include <time.h>

#include "kiln-plugin.h"
#include "kit.h"

#define _(s)	sv->tr(s)
#define N_(s)	(s)

#define KV_S(k, v)	{ (k), KILN_KV_STR, (v), 0 }
#define KV_I(k, v)	{ (k), KILN_KV_INT, NULL, (v) }

/*
 * The schema, the same on both engines (VALUE_ID and VALUE_INT are
 * each engine's words).  customer_values: each customer's picture as
 * last computed (r, f, m 0 and class '' for one that never bought);
 * late_days the days its invoices were paid after their due day, summed
 * (one paid on time counts 0), over the invoices due in the window,
 * late how many of them were paid late or are overdue.
 * customer_value_months: the picture as it stood at the end of each
 * month computed (the page's history, the report's movement between
 * classes).  segment_suggestions: what the segment rules proposed and
 * what a manager made of it.
 */
#define VALUE_SCHEMA \
	"CREATE TABLE customer_values (" \
	" customer " VALUE_INT " PRIMARY KEY REFERENCES customers(id)" \
	" ON DELETE CASCADE," \
	" computed_at TEXT NOT NULL," \
	" since TEXT NOT NULL," \
	" revenue " VALUE_INT " NOT NULL DEFAULT 0," \
	" margin " VALUE_INT " NOT NULL DEFAULT 0," \
	" orders " VALUE_INT " NOT NULL DEFAULT 0," \
	" last_invoice TEXT NOT NULL DEFAULT ''," \
	" invoices " VALUE_INT " NOT NULL DEFAULT 0," \
	" late " VALUE_INT " NOT NULL DEFAULT 0," \
	" late_days " VALUE_INT " NOT NULL DEFAULT 0," \
	" r " VALUE_INT " NOT NULL DEFAULT 0," \
	" f " VALUE_INT " NOT NULL DEFAULT 0," \
	" m " VALUE_INT " NOT NULL DEFAULT 0," \
	" class TEXT NOT NULL DEFAULT ''," \
	" ltv " VALUE_INT " NOT NULL DEFAULT 0);" \
	"CREATE INDEX customer_values_class ON customer_values(class," \
	" margin);" \
	"CREATE TABLE customer_value_months (" \
	" customer " VALUE_INT " NOT NULL REFERENCES customers(id)" \
	" ON DELETE CASCADE," \
	" month TEXT NOT NULL," \
	" revenue " VALUE_INT " NOT NULL DEFAULT 0," \
	" margin " VALUE_INT " NOT NULL DEFAULT 0," \
	" orders " VALUE_INT " NOT NULL DEFAULT 0," \
	" r " VALUE_INT " NOT NULL DEFAULT 0," \
	" f " VALUE_INT " NOT NULL DEFAULT 0," \
	" m " VALUE_INT " NOT NULL DEFAULT 0," \
	" class TEXT NOT NULL DEFAULT ''," \
	" ltv " VALUE_INT " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (customer, month));" \
	"CREATE INDEX customer_value_months_month ON" \
	" customer_value_months(month, class);" \
	"CREATE TABLE segment_suggestions (" \
	" id " VALUE_ID "," \
	" customer " VALUE_INT " NOT NULL REFERENCES customers(id)" \
	" ON DELETE CASCADE," \
	" created_at TEXT NOT NULL," \
	" current TEXT NOT NULL," \
	" proposed TEXT NOT NULL," \
	" reason TEXT NOT NULL," \
	" rule TEXT NOT NULL," \
	" status TEXT NOT NULL DEFAULT 'open'," \
	" decided_at TEXT NOT NULL DEFAULT ''," \
	" decided_by " VALUE_INT " REFERENCES users(id));" \
	/* One open suggestion per customer, on every door. */ \
	"CREATE UNIQUE INDEX segment_suggestions_open ON" \
	" segment_suggestions(customer) WHERE status = 'open';" \
	"CREATE INDEX segment_suggestions_status ON" \
	" segment_suggestions(status, id);" \
	"CREATE INDEX segment_suggestions_customer ON" \
	" segment_suggestions(customer, proposed, decided_at);"

/*
 * Migration 2, the same on both engines: what the report reads without
 * scanning every customer twice.  Each picture keeps the class of the
 * month before (`before`, '-' when there is none: the movement between
 * classes); indexes for every figure the report sorts by; and the
 * totals per class and class before, for whoever reads every customer.
 */
#define VALUE_SCHEMA_2 \
	"ALTER TABLE customer_values ADD COLUMN before TEXT NOT NULL" \
	" DEFAULT '-';" \
	"CREATE INDEX customer_values_margin ON customer_values(margin," \
	" customer);" \
	"CREATE INDEX customer_values_revenue ON customer_values(revenue," \
	" customer);" \
	"CREATE INDEX customer_values_ltv ON customer_values(ltv, customer);" \
	"CREATE INDEX customer_values_orders ON customer_values(orders," \
	" customer);" \
	"CREATE INDEX customer_values_late_days ON customer_values(late_days," \
	" customer);" \
	"CREATE INDEX customer_values_r ON customer_values(r, customer);" \
	"CREATE INDEX customer_values_f ON customer_values(f, customer);" \
	"CREATE INDEX customer_values_m ON customer_values(m, customer);" \
	"CREATE TABLE customer_value_totals (" \
	" class TEXT NOT NULL," \
	" before TEXT NOT NULL," \
	" customers " VALUE_INT " NOT NULL," \
	" revenue " VALUE_INT " NOT NULL," \
	" margin " VALUE_INT " NOT NULL," \
	" ltv " VALUE_INT " NOT NULL," \
	" PRIMARY KEY (class, before));"

/*
 * Migration 3, the same on both engines: the days a run finished whole
 * (its last transaction writes the day), so the daily job does not take
 * a run that failed half-way for done.
 */
#define VALUE_SCHEMA_3 \
	"CREATE TABLE customer_value_runs (" \
	" day TEXT PRIMARY KEY," \
	" finished_at TEXT NOT NULL);"

/* The ABC classes' shares of the installation's margin. */
#define VALUE_A_SHARE	80
#define VALUE_B_SHARE	95

/* A dismissed suggestion is not made again for this many days. */
#define VALUE_QUIET_DAYS	90

extern const char *const value_segments[];
extern const struct kiln_migration value_pg_migrations[];

/* compute.c */
int		 value_job(struct kiln_req *, const struct kiln_services *);
int		 value_compute(struct kiln_req *, const struct kiln_services *);
int		 value_compute_at(struct kiln_req *,
		    const struct kiln_services *, time_t, int,
		    struct kiln_demo *);
int		 value_demo(struct kiln_req *, const struct kiln_services *,
		    struct kiln_demo *);
int		 value_compute_now(struct kiln_req *,
		    const struct kiln_services *);
long		 value_day(const char *);

/* page.c */
void		 value_section(struct kiln_req *, const struct kiln_services *,
		    long long);

/* suggest.c */
int		 value_suggestions(struct kiln_req *,
		    const struct kiln_services *);
int		 value_accept(struct kiln_req *, const struct kiln_services *);
int		 value_dismiss(struct kiln_req *, const struct kiln_services *);
void		 value_suggestion_form(struct kiln_req *,
		    const struct kiln_services *, long long, const char *);

/* report.c */
int		 value_report(struct kiln_req *, const struct kiln_services *);

/* panels.c */
extern const struct kiln_panel value_panels[];

/* value.c */
int		 value_may_decide(struct kiln_req *,
		    const struct kiln_services *);

#endif
