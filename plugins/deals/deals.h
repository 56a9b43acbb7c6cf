/*
 * deals.h - the deals plugin's code besides its declarations
 * (deals.c): stage.c (moving a deal through the funnel, its history),
 * panels.c (the home page), demo.c (sample deals), schema_pg.c.
 */
#ifndef KILN_DEALS_H
#define KILN_DEALS_H

#include "kiln-plugin.h"

#define _(s)	sv->tr(s)
#define N_(s)	(s)

#define KV_S(k, v)	{ (k), KILN_KV_STR, (v), 0 }
#define KV_I(k, v)	{ (k), KILN_KV_INT, NULL, (v) }

/* The indexes of the deals table, the same on both engines. */
#define DEALS_INDEXES \
	"CREATE INDEX deals_title ON deals(title, id);" \
	"CREATE INDEX deals_customer ON deals(customer, stage);" \
	"CREATE INDEX deals_stage ON deals(stage, id);" \
	"CREATE INDEX deals_amount ON deals(amount, id);" \
	"CREATE INDEX deals_probability ON deals(probability, id);" \
	"CREATE INDEX deals_expected_close ON deals(expected_close, id);" \
	"CREATE INDEX deals_next_step_date ON deals(next_step_date, id);" \
	"CREATE INDEX deals_closed_on ON deals(closed_on, id);" \
	"CREATE INDEX deals_owner ON deals(owner);"

/* The stages a deal goes through, and where it may go from each. */
extern const char *const deals_stages[];
extern const char *const deals_lost_reasons[];
/* A stage's probability (per cent) when nobody says otherwise. */
int	 deals_stage_probability(const char *stage);

int	 deals_changed(struct kiln_req *, const struct kiln_services *,
	    long long, const struct kiln_kv *, const struct kiln_kv *, size_t);
void	 deals_page(struct kiln_req *, const struct kiln_services *,
	    long long);
void	 deals_xml(struct kiln_req *, const struct kiln_services *,
	    long long);
int	 deals_stage(struct kiln_req *, const struct kiln_services *);

extern const struct kiln_panel deals_panels[];

int	 deals_demo(struct kiln_req *, const struct kiln_services *,
	    struct kiln_demo *);

extern const struct kiln_migration deals_pg_migrations[];

#endif
