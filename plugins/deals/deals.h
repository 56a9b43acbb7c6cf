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

/*
 * Competitors and who meets whom in which deal, at what price (money;
 * 0 when unknown): the same on both engines (INTEGER is BIGINT there
 * too: the table has no identity column).
 */
#define COMPETITORS_SCHEMA \
	"CREATE TABLE competitors (" \
	" id " DEALS_ID "," \
	" version " DEALS_INT " NOT NULL DEFAULT 1," \
	" created_at TEXT NOT NULL," \
	" updated_at TEXT NOT NULL," \
	" name TEXT NOT NULL," \
	" website TEXT NOT NULL DEFAULT ''," \
	" price_level TEXT NOT NULL DEFAULT 'similar'," \
	" strengths TEXT NOT NULL DEFAULT ''," \
	" weaknesses TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX competitors_name ON competitors(name, id);" \
	"CREATE INDEX competitors_price_level ON competitors(price_level, id);" \
	"CREATE TABLE deal_competitors (" \
	" deal " DEALS_INT " NOT NULL REFERENCES deals(id) ON DELETE CASCADE," \
	" competitor " DEALS_INT " NOT NULL REFERENCES competitors(id)," \
	" price " DEALS_INT " NOT NULL DEFAULT 0 CHECK (price >= 0)," \
	" notes TEXT NOT NULL DEFAULT ''," \
	" PRIMARY KEY (deal, competitor));" \
	"CREATE INDEX deal_competitors_competitor ON" \
	" deal_competitors(competitor, deal);"

/* A deal's products of interest, the same on both engines. */
#define DEAL_LINES_SCHEMA \
	"CREATE TABLE deal_lines (" \
	" id " DEALS_ID "," \
	" version " DEALS_INT " NOT NULL DEFAULT 1," \
	" created_at TEXT NOT NULL," \
	" updated_at TEXT NOT NULL," \
	" deal " DEALS_INT " NOT NULL REFERENCES deals(id) ON DELETE CASCADE," \
	" product " DEALS_INT " NOT NULL REFERENCES products(id)," \
	" quantity " DEALS_INT " NOT NULL DEFAULT 1 CHECK (quantity > 0));" \
	"CREATE INDEX deal_lines_deal ON deal_lines(deal, id);" \
	"CREATE INDEX deal_lines_quantity ON deal_lines(quantity, id);"

/* Quotas: one per salesperson and period, the same on both engines. */
#define QUOTAS_SCHEMA \
	"CREATE TABLE quotas (" \
	" id " DEALS_ID "," \
	" version " DEALS_INT " NOT NULL DEFAULT 1," \
	" created_at TEXT NOT NULL," \
	" updated_at TEXT NOT NULL," \
	" owner " DEALS_INT " NOT NULL REFERENCES users(id)," \
	" period TEXT NOT NULL," \
	" amount " DEALS_INT " NOT NULL DEFAULT 0 CHECK (amount >= 0));" \
	"CREATE UNIQUE INDEX quotas_owner_period ON quotas(owner, period);" \
	"CREATE INDEX quotas_period ON quotas(period, id);" \
	"CREATE INDEX quotas_amount ON quotas(amount, id);"
#define PERIOD_FORM "'a period is a month (2027-03) or a quarter (2027-Q1)'"

/* What deleting a deal that became an order says, on both engines. */
#define DEAL_HAS_ORDER "'a deal that became an order is kept: the order" \
	" names it'"

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
int	 deals_begin(struct kiln_req *, const struct kiln_services *,
	    long long);
void	 deals_hidden(struct kiln_req *, const struct kiln_services *,
	    const char *, const char *);
void	 deals_table(struct kiln_req *, const struct kiln_services *,
	    const char *const *, int extra);
int	 deals_stage(struct kiln_req *, const struct kiln_services *);
int	 deals_competitors(struct kiln_req *, const struct kiln_services *);
int	 deals_order(struct kiln_req *, const struct kiln_services *);
int	 deals_quotas_form(struct kiln_req *, const struct kiln_services *);
int	 deals_report_funnel(struct kiln_req *, const struct kiln_services *);
int	 deals_quotas_load(struct kiln_req *, const struct kiln_services *);
void	 deals_order_link(struct kiln_req *, const struct kiln_services *,
	    long long, const char *stage, int writable);
void	 deals_order_section(struct kiln_req *, const struct kiln_services *,
	    long long);
void	 deals_competitors_page(struct kiln_req *,
	    const struct kiln_services *, long long, int writable);
void	 deals_competitors_xml(struct kiln_req *,
	    const struct kiln_services *, long long);
void	 deals_lines_xml(struct kiln_req *, const struct kiln_services *,
	    long long);

extern const struct kiln_panel deals_panels[];

int	 deals_demo(struct kiln_req *, const struct kiln_services *,
	    struct kiln_demo *);

extern const struct kiln_migration deals_pg_migrations[];

#endif
