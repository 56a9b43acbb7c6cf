/*
 * customers.c - accounts and their contacts.
 *
 * Pure declaration: the host derives lists, search, forms, validation,
 * XML/CSV and locking from the field tables below.  Business checks
 * that plain field rules cannot express live in lua/ (payment_terms,
 * customer) and run on every save.
 */
#include "customers.h"

static const char *const segments[] = {
	"key_account", "channel_partner", "small_loyal", "project",
	"prospect", NULL
};
static const char *const sales_modes[] = {
	"transactional", "relationship", NULL
};
static const char *const terms[] = {
	"prepaid", "net15", "net30", "net60", "net90", NULL
};
static const char *const credit_states[] = {
	"ok", "watch", "hold", NULL
};

/*
 * Credit is finance's to grant, not the salesperson's.  Finance, who
 * reads every customer and changes none, may still change these two
 * (the core's grant-only update).
 */
static const char *const finance[] = { "finance", "admin", NULL };
static const char *const desk[] = { "service", "manager", "admin", NULL };

static const struct kiln_field customer_fields[] = {
	{ .name = "name", .type = KILN_TEXT, .label = "Name", .min = 1,
	  .max = 200, .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_SEARCH | KILN_F_SORT },
	{ .name = "code", .type = KILN_TEXT, .label = "Code", .max = 40,
	  .flags = KILN_F_LIST | KILN_F_SEARCH | KILN_F_SORT },
	{ .name = "segment", .type = KILN_ENUM, .label = "Segment",
	  .options = segments, .def = "prospect",
	  .flags = KILN_F_LIST | KILN_F_FILTER | KILN_F_SORT },
	{ .name = "sales_mode", .type = KILN_ENUM, .label = "Sales mode",
	  .options = sales_modes, .def = "transactional",
	  .flags = KILN_F_FILTER },
	{ .name = "industry", .type = KILN_TEXT, .label = "Industry",
	  .max = 100, .flags = KILN_F_FILTER },
	{ .name = "owner", .type = KILN_REF, .ref = "user", .label = "Owner",
	  .flags = KILN_F_LIST | KILN_F_FILTER | KILN_F_OWNER },
	{ .name = "phone", .type = KILN_PHONE, .label = "Phone", .max = 40 },
	{ .name = "email", .type = KILN_EMAIL, .label = "E-mail", .max = 254 },
	{ .name = "website", .type = KILN_URL, .label = "Website", .max = 500 },
	{ .name = "address", .type = KILN_TEXT, .label = "Address",
	  .max = 500, .flags = KILN_F_LONG },
	{ .name = "city", .type = KILN_TEXT, .label = "City", .max = 100,
	  .flags = KILN_F_LIST | KILN_F_SEARCH | KILN_F_SORT |
	  KILN_F_FILTER },
	{ .name = "country", .type = KILN_TEXT, .label = "Country",
	  .max = 100, .flags = KILN_F_FILTER },
	{ .name = "credit_limit", .type = KILN_MONEY, .label = "Credit limit",
	  .min = 0, .max = 100000000000000LL, .def = "0",
	  .flags = KILN_F_LIST | KILN_F_SORT, .roles = finance },
	{ .name = "payment_terms", .type = KILN_ENUM, .label = "Payment terms",
	  .options = terms, .def = "prepaid", .flags = KILN_F_FILTER,
	  .roles = finance },
	{ .name = "credit_status", .type = KILN_ENUM, .label = "Credit status",
	  .options = credit_states, .def = "ok",
	  .flags = KILN_F_COMPUTED | KILN_F_FILTER },
	{ .name = "notes", .type = KILN_TEXT, .label = "Notes", .max = 10000,
	  .flags = KILN_F_LONG },
	/*
	 * One-to-one service (key accounts, projects): the customer's own
	 * engineer takes its tickets.  The desk decides, not the sale.
	 */
	{ .name = "engineer", .type = KILN_REF, .ref = "user",
	  .label = "Service engineer", .flags = KILN_F_FILTER,
	  .roles = desk },
};

static const struct kiln_child customer_children[] = {
	{ .entity = "contact", .field = "customer" },
	{ NULL, NULL }
};

static const struct kiln_entity customer = {
	.name = "customer",
	.plural = "customers",
	.label = "Customer",
	.label_plural = "Customers",
	.fields = customer_fields,
	.nfields = sizeof(customer_fields) / sizeof(customer_fields[0]),
	.title = "name",
	.sort = "name",
	.fts = "customers_fts",
	.save_hook = "customer",
	.children = customer_children,
};

static const struct kiln_field contact_fields[] = {
	{ .name = "customer", .type = KILN_REF, .ref = "customer",
	  .label = "Customer", .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_FILTER },
	{ .name = "name", .type = KILN_TEXT, .label = "Name", .min = 1,
	  .max = 200, .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_SEARCH | KILN_F_SORT },
	{ .name = "title", .type = KILN_TEXT, .label = "Title", .max = 100,
	  .flags = KILN_F_LIST },
	{ .name = "phone", .type = KILN_PHONE, .label = "Phone", .max = 40,
	  .flags = KILN_F_LIST },
	{ .name = "email", .type = KILN_EMAIL, .label = "E-mail", .max = 254,
	  .flags = KILN_F_LIST | KILN_F_SEARCH },
	{ .name = "primary", .type = KILN_BOOL, .label = "Primary contact",
	  .def = "0", .flags = KILN_F_LIST | KILN_F_FILTER },
	/* A referral: the customer who introduced this contact. */
	{ .name = "referred_by", .type = KILN_REF, .ref = "customer",
	  .label = "Introduced by", .flags = KILN_F_FILTER },
	/* The customer's owner, kept by the database; access is its. */
	{ .name = "owner", .type = KILN_REF, .ref = "user", .label = "Owner",
	  .flags = KILN_F_FILTER | KILN_F_COMPUTED },
};

static const struct kiln_child no_children[] = { { NULL, NULL } };

static const struct kiln_entity contact = {
	.name = "contact",
	.plural = "contacts",
	.label = "Contact",
	.label_plural = "Contacts",
	.fields = contact_fields,
	.nfields = sizeof(contact_fields) / sizeof(contact_fields[0]),
	.title = "name",
	.sort = "name",
	.fts = "contacts_fts",
	.children = no_children,
	.parent = "customer",
};

static const struct kiln_entity *const entities[] = {
	&customer, &contact, NULL
};

/*
 * AUTOINCREMENT: an id is never given to a second record, so an ERP's
 * reference and a record's audit history never point at a newcomer.
 * Sortable columns are NOT NULL so keyset paging can compare
 * (column, id) row values.  The FTS5 trigram index serves substring
 * search (Chinese names included) at millions of rows.
 */
static const struct kiln_migration migrations[] = {
	{ 1,
	"CREATE TABLE customers ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" created_at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" code TEXT NOT NULL DEFAULT '',"
	" segment TEXT NOT NULL DEFAULT 'prospect',"
	" sales_mode TEXT NOT NULL DEFAULT 'transactional',"
	" industry TEXT NOT NULL DEFAULT '',"
	" owner INTEGER REFERENCES users(id),"
	" phone TEXT NOT NULL DEFAULT '',"
	" email TEXT NOT NULL DEFAULT '',"
	" website TEXT NOT NULL DEFAULT '',"
	" address TEXT NOT NULL DEFAULT '',"
	" city TEXT NOT NULL DEFAULT '',"
	" country TEXT NOT NULL DEFAULT '',"
	" credit_limit INTEGER NOT NULL DEFAULT 0,"
	" payment_terms TEXT NOT NULL DEFAULT 'prepaid',"
	" credit_status TEXT NOT NULL DEFAULT 'ok',"
	" notes TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX customers_name ON customers(name, id);"
	"CREATE INDEX customers_code ON customers(code, id);"
	"CREATE INDEX customers_city ON customers(city, id);"
	"CREATE INDEX customers_segment ON customers(segment, id);"
	"CREATE INDEX customers_credit_limit ON customers(credit_limit, id);"
	"CREATE INDEX customers_owner ON customers(owner);"
	"CREATE VIRTUAL TABLE customers_fts USING fts5(name, code, city,"
	" content='customers', content_rowid='id', tokenize='trigram');"
	"CREATE TRIGGER customers_ai AFTER INSERT ON customers BEGIN"
	" INSERT INTO customers_fts(rowid, name, code, city)"
	" VALUES (new.id, new.name, new.code, new.city); END;"
	"CREATE TRIGGER customers_ad AFTER DELETE ON customers BEGIN"
	" INSERT INTO customers_fts(customers_fts, rowid, name, code, city)"
	" VALUES ('delete', old.id, old.name, old.code, old.city); END;"
	"CREATE TRIGGER customers_au AFTER UPDATE OF name, code, city"
	" ON customers BEGIN"
	" INSERT INTO customers_fts(customers_fts, rowid, name, code, city)"
	" VALUES ('delete', old.id, old.name, old.code, old.city);"
	" INSERT INTO customers_fts(rowid, name, code, city)"
	" VALUES (new.id, new.name, new.code, new.city); END;"
	"CREATE TABLE contacts ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" created_at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL,"
	" customer INTEGER NOT NULL REFERENCES customers(id)"
	"  ON DELETE CASCADE,"
	" name TEXT NOT NULL,"
	" title TEXT NOT NULL DEFAULT '',"
	" phone TEXT NOT NULL DEFAULT '',"
	" email TEXT NOT NULL DEFAULT '',"
	" \"primary\" INTEGER NOT NULL DEFAULT 0,"
	" owner INTEGER REFERENCES users(id));"
	"CREATE INDEX contacts_customer ON contacts(customer, id);"
	"CREATE INDEX contacts_name ON contacts(name, id);"
	},
	{ 2,
	/*
	 * A contact belongs to its customer: whoever may read or write the
	 * customer may read or write its contacts (kiln_entity.parent), and
	 * the contact's owner follows the customer's, for lists and filters.
	 */
	"CREATE TRIGGER contacts_owner_ai AFTER INSERT ON contacts BEGIN"
	" UPDATE contacts SET owner = (SELECT owner FROM customers"
	" WHERE id = new.customer) WHERE id = new.id; END;"
	"CREATE TRIGGER contacts_owner_au AFTER UPDATE OF customer, owner"
	" ON contacts WHEN new.owner IS NOT (SELECT owner FROM customers"
	" WHERE id = new.customer) BEGIN"
	" UPDATE contacts SET owner = (SELECT owner FROM customers"
	" WHERE id = new.customer) WHERE id = new.id; END;"
	"CREATE TRIGGER customers_owner_contacts AFTER UPDATE OF owner"
	" ON customers WHEN new.owner IS NOT old.owner BEGIN"
	" UPDATE contacts SET owner = new.owner WHERE customer = new.id; END;"
	"UPDATE contacts SET owner = (SELECT owner FROM customers"
	" WHERE id = contacts.customer);"
	},
	{ 3,
	/*
	 * Contacts found by name or e-mail as customers are (trigrams): a
	 * search across everything scanned them with LIKE, 80 % of its
	 * cost at 2 000 customers.
	 */
	"CREATE VIRTUAL TABLE contacts_fts USING fts5(name, email,"
	" content='contacts', content_rowid='id', tokenize='trigram');"
	"INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild');"
	/* Customers on credit watch or hold, counted on home pages. */
	"CREATE INDEX customers_credit_status ON customers(credit_status, id);"
	"CREATE TRIGGER contacts_ai AFTER INSERT ON contacts BEGIN"
	" INSERT INTO contacts_fts(rowid, name, email)"
	" VALUES (new.id, new.name, new.email); END;"
	"CREATE TRIGGER contacts_ad AFTER DELETE ON contacts BEGIN"
	" INSERT INTO contacts_fts(contacts_fts, rowid, name, email)"
	" VALUES ('delete', old.id, old.name, old.email); END;"
	"CREATE TRIGGER contacts_au AFTER UPDATE OF name, email ON contacts"
	" BEGIN"
	" INSERT INTO contacts_fts(contacts_fts, rowid, name, email)"
	" VALUES ('delete', old.id, old.name, old.email);"
	" INSERT INTO contacts_fts(rowid, name, email)"
	" VALUES (new.id, new.name, new.email); END;"
	},
	{ 4,
	"ALTER TABLE contacts ADD COLUMN referred_by INTEGER"
	" REFERENCES customers(id) ON DELETE SET NULL;"
	/* Referrals per salesperson and period (the performance report). */
	"CREATE INDEX contacts_referred ON contacts(owner, created_at)"
	" WHERE referred_by IS NOT NULL;"
	"CREATE INDEX contacts_created ON contacts(owner, created_at);"
	},
	{ 5,
	"ALTER TABLE customers ADD COLUMN engineer INTEGER REFERENCES"
	" users(id);"
	"CREATE INDEX customers_engineer ON customers(engineer);"
	},
	{ 0, NULL }
};

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("customers"),
	.description = "Customers (accounts) and their contacts",
	.init = NULL,
	.fini = NULL,
	.entities = entities,
	.migrations = migrations,
	.routes = NULL,
	.demo = customers_demo,
	.pg_migrations = customers_pg_migrations,
};
