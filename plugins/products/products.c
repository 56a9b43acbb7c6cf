/*
 * products.c - the product catalogue orders are entered against.
 *
 * Catalogue data, not anyone's accounts: every role reads it, the back
 * office and administrators keep it, finance sets the standard cost.
 * A SKU is unique, ignoring case.
 */
#include "products.h"

/* Who sets a product's cost: finance keeps costs, and only costs. */
static const char *const costers[] = { "finance", "admin", NULL };

static const struct kiln_field product_fields[] = {
	{ .name = "sku", .type = KILN_TEXT, .label = "SKU", .min = 1,
	  .max = 64, .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_SEARCH | KILN_F_SORT },
	{ .name = "name", .type = KILN_TEXT, .label = "Name", .min = 1,
	  .max = 200, .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_SEARCH | KILN_F_SORT },
	{ .name = "category", .type = KILN_TEXT, .label = "Category",
	  .max = 100, .flags = KILN_F_LIST | KILN_F_SEARCH | KILN_F_SORT |
	  KILN_F_FILTER },
	{ .name = "unit_price", .type = KILN_MONEY, .label = "Unit price",
	  .min = 0, .max = 100000000000LL, .def = "0",
	  .flags = KILN_F_LIST | KILN_F_SORT },
	/*
	 * What one unit costs to make or buy: order lines keep the cost of
	 * their day, so margins do not move when it changes later.
	 */
	{ .name = "cost", .type = KILN_MONEY, .label = "Standard cost",
	  .min = 0, .max = 100000000000LL, .def = "0",
	  .flags = KILN_F_SORT, .roles = costers },
	{ .name = "lead_time_days", .type = KILN_INT,
	  .label = "Lead time (days)", .min = 0, .max = 3650, .def = "0",
	  .flags = KILN_F_LIST | KILN_F_SORT },
	{ .name = "active", .type = KILN_BOOL, .label = "Active",
	  .def = "1", .flags = KILN_F_LIST | KILN_F_FILTER },
	{ .name = "description", .type = KILN_TEXT, .label = "Description",
	  .max = 5000, .flags = KILN_F_LONG },
};

static const struct kiln_access product_access[] = {
	{ "admin", KILN_ALL, KILN_ALL },
	{ "office", KILN_ALL, KILN_ALL },
	{ "manager", KILN_ALL, KILN_NONE },
	{ "sales", KILN_ALL, KILN_NONE },
	{ "finance", KILN_ALL, KILN_NONE },
	{ "service", KILN_ALL, KILN_NONE },
	{ NULL, KILN_NONE, KILN_NONE }
};

static const struct kiln_child no_children[] = { { NULL, NULL } };

static const struct kiln_entity product = {
	.name = "product",
	.plural = "products",
	.label = "Product",
	.label_plural = "Products",
	.fields = product_fields,
	.nfields = sizeof(product_fields) / sizeof(product_fields[0]),
	.title = "name",
	.sort = "sku",
	.fts = "products_fts",
	.children = no_children,
	.access = product_access,
};

static const struct kiln_entity *const entities[] = { &product, NULL };

static const struct kiln_migration migrations[] = {
	{ 1,
	"CREATE TABLE products ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" created_at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL,"
	" sku TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" category TEXT NOT NULL DEFAULT '',"
	" unit_price INTEGER NOT NULL DEFAULT 0,"
	" lead_time_days INTEGER NOT NULL DEFAULT 0,"
	" active INTEGER NOT NULL DEFAULT 1,"
	" description TEXT NOT NULL DEFAULT '');"
	"CREATE UNIQUE INDEX products_sku ON products(sku);"
	"CREATE INDEX products_name ON products(name, id);"
	"CREATE INDEX products_category ON products(category, id);"
	"CREATE INDEX products_unit_price ON products(unit_price, id);"
	"CREATE INDEX products_lead_time ON products(lead_time_days, id);"
	"CREATE VIRTUAL TABLE products_fts USING fts5(sku, name, category,"
	" content='products', content_rowid='id', tokenize='trigram');"
	"CREATE TRIGGER products_ai AFTER INSERT ON products BEGIN"
	" INSERT INTO products_fts(rowid, sku, name, category)"
	" VALUES (new.id, new.sku, new.name, new.category); END;"
	"CREATE TRIGGER products_ad AFTER DELETE ON products BEGIN"
	" INSERT INTO products_fts(products_fts, rowid, sku, name, category)"
	" VALUES ('delete', old.id, old.sku, old.name, old.category); END;"
	"CREATE TRIGGER products_au AFTER UPDATE OF sku, name, category"
	" ON products BEGIN"
	" INSERT INTO products_fts(products_fts, rowid, sku, name, category)"
	" VALUES ('delete', old.id, old.sku, old.name, old.category);"
	" INSERT INTO products_fts(rowid, sku, name, category)"
	" VALUES (new.id, new.sku, new.name, new.category); END;"
	},
	{ 2,
	/*
	 * "ab-1" and "AB-1" are one SKU (the core trims what is entered).
	 * A database holding both must be tidied before this applies.
	 */
	"DROP INDEX products_sku;"
	"CREATE UNIQUE INDEX products_sku ON products(sku COLLATE NOCASE);"
	},
	{ 3,
	"ALTER TABLE products ADD COLUMN cost INTEGER NOT NULL DEFAULT 0"
	" CHECK (cost >= 0);"
	"CREATE INDEX products_cost ON products(cost, id);"
	},
	{ 0, NULL }
};

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("products"),
	.description = "The product catalogue: SKU, price, cost, lead time",
	.entities = entities,
	.migrations = migrations,
	.demo = products_demo,
	.pg_migrations = products_pg_migrations,
};
