/*
 * orders.c - sales orders and their lines.
 *
 * What a draft order is and how its money adds up is declared here and
 * kept by the database itself, so no path around this code (an import,
 * the ERP, a second worker) can break it:
 *  - numbers SO-YYYY-NNNNNN come from a per-year counter bumped in the
 *    inserting transaction: unique, and without gaps, since a rolled
 *    back insert rolls the counter back too;
 *  - payment terms default to the customer's, a line's unit price to
 *    the product's, a line's owner is its order's;
 *  - line totals and the order total are integers in minor units:
 *    quantity x unit price x (100 - discount %) / 100, rounded half up;
 *  - lines and the order's terms, dates and customer change only while
 *    the order is a draft (triggers refuse it otherwise).
 * Submitting, evaluation by the Lua rules, approval and tracking come
 * as routes of this plugin (issue 4).
 */
#include "orders.h"

static const char *const terms[] = {
	"prepaid", "net15", "net30", "net60", "net90", NULL
};

static const char *const statuses[] = {
	"draft", "submitted", "on_hold", "approved", "rejected",
	"in_production", "shipped", "delivered", "invoiced", "paid",
	"cancelled", NULL
};

/* Who records invoices and payments: never the salesperson. */
static const char *const finance[] = { "finance", "admin", NULL };

static const struct kiln_field order_fields[] = {
	{ .name = "number", .type = KILN_TEXT, .label = "Number",
	  .flags = KILN_F_COMPUTED | KILN_F_LIST | KILN_F_SEARCH |
	  KILN_F_SORT },
	/* Searched: an order is found by its customer's name or code. */
	{ .name = "customer", .type = KILN_REF, .ref = "customer",
	  .label = "Customer", .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_FILTER | KILN_F_SEARCH },
	{ .name = "payment_terms", .type = KILN_ENUM, .options = terms,
	  .label = "Payment terms", .flags = KILN_F_FILTER },
	{ .name = "requested_date", .type = KILN_DATE,
	  .label = "Requested date", .flags = KILN_F_LIST | KILN_F_SORT },
	{ .name = "promised_date", .type = KILN_DATE, .label = "Promised date",
	  .flags = KILN_F_SORT },
	/*
	 * Settable, but the database allows a PATCH only the tracking steps
	 * (approved, in production, shipped, delivered, invoiced, paid;
	 * cancelled); the rest goes through submit, approve and reject.
	 */
	{ .name = "status", .type = KILN_ENUM, .options = statuses,
	  .label = "Status", .def = "draft", .flags = KILN_F_LIST |
	  KILN_F_FILTER | KILN_F_SORT | KILN_F_NOFORM },
	{ .name = "total", .type = KILN_MONEY, .label = "Total", .def = "0",
	  .flags = KILN_F_COMPUTED | KILN_F_LIST | KILN_F_SORT },
	/* Cost of goods: its lines' quantities at their costs of the day. */
	{ .name = "cost", .type = KILN_MONEY, .label = "Cost", .def = "0",
	  .flags = KILN_F_COMPUTED },
	{ .name = "invoiced_amount", .type = KILN_MONEY,
	  .label = "Invoiced amount", .min = 0, .max = 100000000000000LL,
	  .def = "0", .roles = finance, .flags = KILN_F_NOFORM },
	{ .name = "paid_amount", .type = KILN_MONEY, .label = "Paid amount",
	  .min = 0, .max = 100000000000000LL, .def = "0", .roles = finance,
	  .flags = KILN_F_NOFORM },
	{ .name = "shipped_date", .type = KILN_DATE, .label = "Shipped",
	  .flags = KILN_F_NOFORM },
	{ .name = "invoiced_date", .type = KILN_DATE, .label = "Invoiced",
	  .roles = finance, .flags = KILN_F_NOFORM },
	{ .name = "paid_date", .type = KILN_DATE, .label = "Paid",
	  .roles = finance, .flags = KILN_F_NOFORM },
	{ .name = "due_date", .type = KILN_DATE, .label = "Payment due",
	  .flags = KILN_F_COMPUTED },
	{ .name = "notes", .type = KILN_TEXT, .label = "Notes", .max = 5000,
	  .flags = KILN_F_LONG },
	{ .name = "owner", .type = KILN_REF, .ref = "user", .label = "Owner",
	  .flags = KILN_F_LIST | KILN_F_FILTER | KILN_F_OWNER },
	/* Set by the deals plugin (update()): the won deal it came from. */
	{ .name = "deal", .type = KILN_INT, .label = "From deal",
	  .flags = KILN_F_COMPUTED | KILN_F_FILTER },
};

/* Its lines are on its page, by lines.c, not a list of children. */
static const struct kiln_child order_children[] = { { NULL, NULL } };

/*
 * Finance records invoices and payments (an ERP's token is a finance
 * user), the back office moves orders along; neither decides credit.
 */
static const struct kiln_access order_access[] = {
	{ "admin", KILN_ALL, KILN_ALL },
	{ "manager", KILN_TEAM, KILN_TEAM },
	{ "sales", KILN_OWN, KILN_OWN },
	{ "finance", KILN_ALL, KILN_ALL },
	{ "office", KILN_ALL, KILN_ALL },
	{ "service", KILN_ALL, KILN_NONE },
	{ NULL, KILN_NONE, KILN_NONE }
};

static const struct kiln_entity order = {
	.name = "order",
	.plural = "orders",
	.label = "Order",
	.label_plural = "Orders",
	.fields = order_fields,
	.nfields = sizeof(order_fields) / sizeof(order_fields[0]),
	.title = "number",
	.sort = "number",
	.fts = NULL,
	.children = order_children,
	.access = order_access,
	.changed = orders_changed,
	.created = orders_created,
	.editable = orders_editable,
	.context = orders_context,
	.xml = orders_xml,
	.page = orders_page,
	.form = orders_form,
};

static const struct kiln_field line_fields[] = {
	{ .name = "order", .type = KILN_REF, .ref = "order",
	  .label = "Order", .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_FILTER },
	{ .name = "product", .type = KILN_REF, .ref = "product",
	  .label = "Product", .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_FILTER },
	{ .name = "quantity", .type = KILN_INT, .label = "Quantity",
	  .min = 1, .max = 10000000, .def = "1",
	  .flags = KILN_F_REQUIRED | KILN_F_LIST | KILN_F_SORT },
	/* Empty: the product's price, filled in by the database. */
	{ .name = "unit_price", .type = KILN_MONEY, .label = "Unit price",
	  .min = 0, .max = 100000000000LL, .flags = KILN_F_LIST },
	{ .name = "discount_pct", .type = KILN_INT, .label = "Discount %",
	  .min = 0, .max = 100, .def = "0", .flags = KILN_F_LIST },
	/* The product's price when the line was made: what rules judge by. */
	{ .name = "list_price", .type = KILN_MONEY, .label = "List price",
	  .flags = KILN_F_COMPUTED },
	{ .name = "line_total", .type = KILN_MONEY, .label = "Line total",
	  .def = "0", .flags = KILN_F_COMPUTED | KILN_F_LIST },
	/* The order's owner, kept by the database; access is the order's. */
	{ .name = "owner", .type = KILN_REF, .ref = "user", .label = "Owner",
	  .flags = KILN_F_COMPUTED },
	/* The product's standard cost when the line was made. */
	{ .name = "unit_cost", .type = KILN_MONEY, .label = "Unit cost",
	  .def = "0", .flags = KILN_F_COMPUTED },
};

static const struct kiln_child no_children[] = { { NULL, NULL } };

static const struct kiln_entity line = {
	.name = "order_line",
	.plural = "order_lines",
	.label = "Order line",
	.label_plural = "Order lines",
	.fields = line_fields,
	.nfields = sizeof(line_fields) / sizeof(line_fields[0]),
	.title = "product",
	.sort = "quantity",
	.fts = NULL,
	.children = no_children,
	.access = NULL,
	.flags = KILN_E_NOT_IN_MENU,
	.parent = "order",
};

static const struct kiln_entity *const entities[] = { &order, &line, NULL };

/*
 * The end of a line's insert or update trigger: its total, then its
 * order's (a change of a line is a change of its order).
 */
#define LINE_SUMS \
	" UPDATE order_lines SET line_total = " LINE_TOTAL("quantity", \
	"unit_price", "discount_pct") " WHERE id = new.id;" \
	" UPDATE orders SET total = (SELECT coalesce(sum(line_total), 0)" \
	"  FROM order_lines WHERE \"order\" = new.\"order\")," \
	"  " ORDER_CHANGED " WHERE id = new.\"order\"; END;"

/* A line's change is a change of its order: version and time move. */
#define ORDER_CHANGED "version = version + 1," \
	" updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static const struct kiln_migration migrations[] = {
	{ 1,
	"CREATE TABLE orders ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" created_at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL,"
	" number TEXT NOT NULL DEFAULT '',"
	" customer INTEGER NOT NULL REFERENCES customers(id),"
	" payment_terms TEXT NOT NULL DEFAULT '',"
	" requested_date TEXT NOT NULL DEFAULT '',"
	" promised_date TEXT NOT NULL DEFAULT '',"
	" status TEXT NOT NULL DEFAULT 'draft',"
	" total INTEGER NOT NULL DEFAULT 0,"
	" invoiced_amount INTEGER NOT NULL DEFAULT 0,"
	" paid_amount INTEGER NOT NULL DEFAULT 0,"
	" shipped_date TEXT,"
	" invoiced_date TEXT,"
	" due_date TEXT,"
	" notes TEXT NOT NULL DEFAULT '',"
	" owner INTEGER REFERENCES users(id));"
	"CREATE INDEX orders_number ON orders(number, id);"
	"CREATE INDEX orders_customer ON orders(customer, status);"
	"CREATE INDEX orders_status ON orders(status, id);"
	"CREATE INDEX orders_total ON orders(total, id);"
	"CREATE INDEX orders_requested ON orders(requested_date, id);"
	"CREATE INDEX orders_promised ON orders(promised_date, id);"
	"CREATE INDEX orders_owner ON orders(owner);"
	"CREATE TABLE order_numbers ("
	" year TEXT PRIMARY KEY,"
	" last INTEGER NOT NULL);"
	/* The number, and the customer's terms when none were given. */
	"CREATE TRIGGER orders_ai AFTER INSERT ON orders BEGIN"
	" INSERT INTO order_numbers (year, last)"
	"  VALUES (strftime('%Y', 'now'), 1)"
	"  ON CONFLICT (year) DO UPDATE SET last = last + 1;"
	" UPDATE orders SET number = printf('SO-%s-%06d',"
	"  strftime('%Y', 'now'), (SELECT last FROM order_numbers"
	"  WHERE year = strftime('%Y', 'now'))),"
	"  payment_terms = CASE WHEN new.payment_terms = ''"
	"   THEN (SELECT payment_terms FROM customers"
	"   WHERE id = new.customer) ELSE new.payment_terms END"
	"  WHERE id = new.id; END;"
	/* The core sets every column on update: compare, not just name. */
	"CREATE TRIGGER orders_draft_only BEFORE UPDATE OF customer,"
	" payment_terms, requested_date ON orders"
	" WHEN old.status <> 'draft' AND (new.customer IS NOT old.customer"
	" OR new.payment_terms IS NOT old.payment_terms"
	" OR new.requested_date IS NOT old.requested_date) BEGIN"
	" SELECT RAISE(ABORT, 'only a draft order can be changed'); END;"
	"CREATE TRIGGER orders_delete_draft BEFORE DELETE ON orders"
	" WHEN old.status <> 'draft' BEGIN"
	" SELECT RAISE(ABORT, 'only a draft order can be deleted;"
	" cancel it instead'); END;"
	"CREATE TABLE order_lines ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" created_at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL,"
	" \"order\" INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
	" product INTEGER NOT NULL REFERENCES products(id),"
	" quantity INTEGER NOT NULL DEFAULT 1,"
	" unit_price INTEGER,"
	" discount_pct INTEGER NOT NULL DEFAULT 0,"
	" line_total INTEGER NOT NULL DEFAULT 0,"
	" owner INTEGER REFERENCES users(id));"
	"CREATE INDEX order_lines_order ON order_lines(\"order\", id);"
	"CREATE INDEX order_lines_quantity ON order_lines(quantity, id);"
	/* Lines change only on drafts. */
	"CREATE TRIGGER order_lines_bi BEFORE INSERT ON order_lines"
	" WHEN (SELECT status FROM orders WHERE id = new.\"order\")"
	" <> 'draft' BEGIN"
	" SELECT RAISE(ABORT, 'only a draft order can be changed'); END;"
	"CREATE TRIGGER order_lines_bu BEFORE UPDATE ON order_lines"
	" WHEN (SELECT status FROM orders WHERE id = old.\"order\")"
	" <> 'draft' BEGIN"
	" SELECT RAISE(ABORT, 'only a draft order can be changed'); END;"
	"CREATE TRIGGER order_lines_bd BEFORE DELETE ON order_lines"
	" WHEN (SELECT status FROM orders WHERE id = old.\"order\")"
	" NOT IN ('draft') AND (SELECT count(*) FROM orders"
	" WHERE id = old.\"order\") > 0 BEGIN"
	" SELECT RAISE(ABORT, 'only a draft order can be changed'); END;"
	/* Price, owner and totals, kept by the database. */
	"CREATE TRIGGER order_lines_ai AFTER INSERT ON order_lines BEGIN"
	" UPDATE order_lines SET"
	"  unit_price = coalesce(new.unit_price, (SELECT unit_price"
	"   FROM products WHERE id = new.product)),"
	"  owner = (SELECT owner FROM orders WHERE id = new.\"order\")"
	"  WHERE id = new.id;"
	LINE_SUMS
	/* Not for the insert trigger's own filling-in of the price. */
	"CREATE TRIGGER order_lines_au AFTER UPDATE OF quantity, unit_price,"
	" discount_pct, product ON order_lines"
	" WHEN old.unit_price IS NOT NULL BEGIN"
	" UPDATE order_lines SET"
	"  unit_price = coalesce(new.unit_price, (SELECT unit_price"
	"   FROM products WHERE id = new.product))"
	"  WHERE id = new.id AND new.unit_price IS NULL;"
	LINE_SUMS
	"CREATE TRIGGER order_lines_ad AFTER DELETE ON order_lines BEGIN"
	" UPDATE orders SET total = (SELECT coalesce(sum(line_total), 0)"
	"  FROM order_lines WHERE \"order\" = old.\"order\"),"
	"  " ORDER_CHANGED " WHERE id = old.\"order\"; END;"
	},
	{ 2,
	/* What each rule said at the last submission, and every status. */
	"CREATE TABLE order_verdicts ("
	" id INTEGER PRIMARY KEY,"
	" \"order\" INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
	" rule TEXT NOT NULL,"
	" result TEXT NOT NULL,"
	" message TEXT NOT NULL DEFAULT '',"
	" at TEXT NOT NULL);"
	"CREATE INDEX order_verdicts_order ON order_verdicts(\"order\", id);"
	"CREATE TABLE order_history ("
	" id INTEGER PRIMARY KEY,"
	" \"order\" INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
	" status TEXT NOT NULL,"
	" by_login TEXT NOT NULL,"
	" at TEXT NOT NULL,"
	" reason TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX order_history_order ON order_history(\"order\", id);"
	},
	{ 3,
	"ALTER TABLE orders ADD COLUMN paid_date TEXT;"
	/*
	 * Status changes the C code makes (submit, approve, reject) carry
	 * a grant row for their transaction; any other change of status
	 * (a PATCH from the back office or the ERP) must be a tracking
	 * step, with its data.
	 */
	"CREATE TABLE order_grants ("
	" \"order\" INTEGER NOT NULL,"
	" status TEXT NOT NULL);"
	"CREATE TRIGGER orders_new_draft BEFORE INSERT ON orders"
	" WHEN new.status <> 'draft' BEGIN"
	" SELECT RAISE(ABORT, 'a new order is a draft'); END;"
	"CREATE TRIGGER orders_status BEFORE UPDATE OF status ON orders"
	" WHEN new.status <> old.status AND NOT EXISTS (SELECT 1 FROM"
	" order_grants WHERE \"order\" = new.id AND status = new.status)"
	" AND NOT " TRACKING_STEP " BEGIN"
	" SELECT RAISE(ABORT, " NOT_A_STEP "); END;"
	"CREATE TRIGGER orders_status_data BEFORE UPDATE OF status ON orders"
	" WHEN new.status <> old.status AND ("
	" (new.status = 'shipped' AND coalesce(new.shipped_date, '') = '')"
	" OR (new.status = 'invoiced' AND (new.invoiced_amount <= 0"
	"  OR coalesce(new.invoiced_date, '') = ''))"
	" OR (new.status = 'paid' AND (new.paid_amount <= 0"
	"  OR coalesce(new.paid_date, '') = ''))) BEGIN"
	" SELECT RAISE(ABORT, 'shipped needs shipped_date; invoiced needs"
	" invoiced_amount and invoiced_date; paid needs paid_amount and"
	" paid_date'); END;"
	/* Once invoiced, payment is due after the order's terms. */
	"CREATE TRIGGER orders_due AFTER UPDATE OF status ON orders"
	" WHEN new.status = 'invoiced' AND old.status <> 'invoiced' BEGIN"
	" UPDATE orders SET due_date = date(new.invoiced_date, '+' ||"
	"  CASE new.payment_terms WHEN 'net15' THEN 15 WHEN 'net30' THEN 30"
	"  WHEN 'net60' THEN 60 WHEN 'net90' THEN 90 ELSE 0 END || ' days')"
	"  WHERE id = new.id; END;"
	},
	{ 4,
	/*
	 * Each customer's exposure, kept by the database as orders change:
	 * what an order owes while open (its total) or invoiced and unpaid
	 * (invoiced - paid).  A submission reads one row instead of summing
	 * a customer's thousands of orders.
	 */
	"CREATE TABLE order_exposure ("
	" customer INTEGER PRIMARY KEY REFERENCES customers(id)"
	"  ON DELETE CASCADE,"
	" amount INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO order_exposure (customer, amount)"
	" SELECT customer, sum(" EXPOSURE("") ") FROM orders GROUP BY customer;"
	"CREATE TRIGGER orders_exposure_ai AFTER INSERT ON orders BEGIN"
	" INSERT INTO order_exposure (customer, amount)"
	"  VALUES (new.customer, " EXPOSURE("new.") ")"
	"  ON CONFLICT (customer) DO UPDATE SET amount = amount + excluded.amount;"
	" END;"
	"CREATE TRIGGER orders_exposure_au AFTER UPDATE OF customer, status,"
	" total, invoiced_amount, paid_amount ON orders BEGIN"
	" UPDATE order_exposure SET amount = amount - (" EXPOSURE("old.") ")"
	"  WHERE customer = old.customer;"
	" INSERT INTO order_exposure (customer, amount)"
	"  VALUES (new.customer, " EXPOSURE("new.") ")"
	"  ON CONFLICT (customer) DO UPDATE SET amount = amount + excluded.amount;"
	" END;"
	"CREATE TRIGGER orders_exposure_ad AFTER DELETE ON orders BEGIN"
	" UPDATE order_exposure SET amount = amount - (" EXPOSURE("old.") ")"
	"  WHERE customer = old.customer; END;"
	/* Overdue invoices are found in the index, not the table. */
	"CREATE INDEX orders_invoiced ON orders(customer, status, due_date,"
	" invoiced_amount, paid_amount);"
	},
	{ 5,
	/*
	 * Fewer pages written per submission, the cost that bounds how
	 * many a second SQLite can commit durably (tests/bench/orders):
	 *  - the plugin's own status changes are marked by bumping
	 *    status_seq in the same UPDATE, not by a grant row inserted and
	 *    deleted around it (a PATCH cannot touch the column: it is not
	 *    a declared field);
	 *  - orders_customer is the head of orders_invoiced;
	 *  - verdicts and history are clustered by order (WITHOUT ROWID):
	 *    one b-tree each instead of a table and an index.
	 */
	"ALTER TABLE orders ADD COLUMN status_seq INTEGER NOT NULL DEFAULT 0;"
	"DROP TRIGGER orders_status;"
	"CREATE TRIGGER orders_status BEFORE UPDATE OF status ON orders"
	" WHEN new.status <> old.status AND new.status_seq = old.status_seq"
	" AND NOT " TRACKING_STEP " BEGIN"
	" SELECT RAISE(ABORT, " NOT_A_STEP "); END;"
	"DROP TABLE order_grants;"
	"DROP INDEX orders_customer;"
	/*
	 * Copied aside and back rather than renamed: a rename re-checks
	 * every trigger, and on a new database order_lines_ai names the
	 * products table, whose plugin migrates after this one.
	 */
	"CREATE TEMP TABLE verdicts_copy AS SELECT \"order\", row_number()"
	" OVER (PARTITION BY \"order\" ORDER BY id) AS pos, rule, result,"
	" message, at FROM order_verdicts;"
	"DROP TABLE order_verdicts;"
	"CREATE TABLE order_verdicts ("
	" \"order\" INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
	" pos INTEGER NOT NULL,"
	" rule TEXT NOT NULL,"
	" result TEXT NOT NULL,"
	" message TEXT NOT NULL DEFAULT '',"
	" at TEXT NOT NULL,"
	" PRIMARY KEY (\"order\", pos)) WITHOUT ROWID;"
	"INSERT INTO order_verdicts (\"order\", pos, rule, result, message,"
	" at) SELECT \"order\", pos, rule, result, message, at"
	" FROM temp.verdicts_copy;"
	"DROP TABLE temp.verdicts_copy;"
	"CREATE TEMP TABLE history_copy AS SELECT \"order\", row_number()"
	" OVER (PARTITION BY \"order\" ORDER BY id) AS seq, status, by_login,"
	" at, reason FROM order_history;"
	"DROP TABLE order_history;"
	"CREATE TABLE order_history ("
	" \"order\" INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" status TEXT NOT NULL,"
	" by_login TEXT NOT NULL,"
	" at TEXT NOT NULL,"
	" reason TEXT NOT NULL DEFAULT '',"
	" PRIMARY KEY (\"order\", seq)) WITHOUT ROWID;"
	"INSERT INTO order_history (\"order\", seq, status, by_login, at,"
	" reason) SELECT \"order\", seq, status, by_login, at, reason"
	" FROM temp.history_copy;"
	"DROP TABLE temp.history_copy;"
	},
	{ 6,
	/*
	 * A discontinued (inactive) product is not sold: no new line, and
	 * no line changed to it.  Lines already on orders stay as they are.
	 */
	"CREATE TRIGGER order_lines_active BEFORE INSERT ON order_lines"
	" WHEN (SELECT active FROM products WHERE id = new.product) = 0 BEGIN"
	" SELECT RAISE(ABORT, 'that product is inactive and cannot be"
	" ordered'); END;"
	"CREATE TRIGGER order_lines_active_u BEFORE UPDATE OF product"
	" ON order_lines WHEN new.product IS NOT old.product AND (SELECT"
	" active FROM products WHERE id = new.product) = 0 BEGIN"
	" SELECT RAISE(ABORT, 'that product is inactive and cannot be"
	" ordered'); END;"
	},
	{ 7,
	/*
	 * Integrity (issue 8).  Money: an invoice is recorded with the step
	 * to invoiced and never exceeds the order's total; payments are
	 * recorded on an invoiced order, only ever add up and never exceed
	 * the invoice; paid means paid in full.  A correction of the
	 * invoice is the plugin's (POST /orders/ID/correct, finance, with a
	 * reason), marked by bumping correction_seq in the same UPDATE.
	 */
	"ALTER TABLE orders ADD COLUMN correction_seq INTEGER NOT NULL"
	" DEFAULT 0;"
	"CREATE TRIGGER orders_money_new BEFORE INSERT ON orders"
	" WHEN new.invoiced_amount <> 0 OR new.paid_amount <> 0"
	" OR coalesce(new.invoiced_date, '') <> ''"
	" OR coalesce(new.paid_date, '') <> '' BEGIN"
	" SELECT RAISE(ABORT, 'a new order has no invoice and no payment');"
	" END;"
	"CREATE TRIGGER orders_money BEFORE UPDATE ON orders"
	" WHEN new.invoiced_amount < 0 OR new.paid_amount < 0"
	" OR new.invoiced_amount > new.total"
	" OR new.paid_amount > new.invoiced_amount BEGIN"
	" SELECT RAISE(ABORT, 'an invoice cannot be above the order total,"
	" nor a payment above the invoice'); END;"
	"CREATE TRIGGER orders_invoice_step BEFORE UPDATE OF invoiced_amount,"
	" invoiced_date ON orders"
	" WHEN (new.invoiced_amount IS NOT old.invoiced_amount"
	" OR new.invoiced_date IS NOT old.invoiced_date)"
	" AND new.correction_seq = old.correction_seq"
	" AND NOT (old.status <> 'invoiced' AND new.status = 'invoiced')"
	" BEGIN"
	" SELECT RAISE(ABORT, 'the invoice is recorded with the step to"
	" invoiced; finance corrects it with a reason'); END;"
	"CREATE TRIGGER orders_payment_step BEFORE UPDATE OF paid_amount,"
	" paid_date ON orders"
	" WHEN (new.paid_amount IS NOT old.paid_amount"
	" OR new.paid_date IS NOT old.paid_date)"
	" AND new.correction_seq = old.correction_seq"
	" AND NOT (old.status = 'invoiced' AND new.status IN ('invoiced',"
	" 'paid') AND new.paid_amount >= old.paid_amount) BEGIN"
	" SELECT RAISE(ABORT, 'a payment is recorded on an invoiced order,"
	" and payments only add up'); END;"
	"DROP TRIGGER orders_status_data;"
	"CREATE TRIGGER orders_status_data BEFORE UPDATE OF status ON orders"
	" WHEN new.status <> old.status AND ("
	" (new.status = 'shipped' AND coalesce(new.shipped_date, '') = '')"
	" OR (new.status = 'invoiced' AND (new.invoiced_amount <= 0"
	"  OR coalesce(new.invoiced_date, '') = ''))"
	" OR (new.status = 'paid' AND (new.paid_amount <> new.invoiced_amount"
	"  OR coalesce(new.paid_date, '') = ''))) BEGIN"
	" SELECT RAISE(ABORT, 'shipped needs shipped_date; invoiced needs"
	" invoiced_amount and invoiced_date; paid needs paid_date and the"
	" invoice paid in full'); END;"
	/* Due after the terms, from the invoice's date, corrected or not. */
	"DROP TRIGGER orders_due;"
	"CREATE TRIGGER orders_due AFTER UPDATE OF status, invoiced_date"
	" ON orders WHEN new.status = 'invoiced' AND (old.status <> 'invoiced'"
	" OR new.invoiced_date IS NOT old.invoiced_date) BEGIN"
	" UPDATE orders SET due_date = " DUE_DATE("new.") " WHERE id = new.id;"
	" END;"
	"CREATE TRIGGER order_exposure_sign BEFORE UPDATE ON order_exposure"
	" WHEN new.amount < 0 BEGIN"
	" SELECT RAISE(ABORT, 'a customer cannot owe less than nothing'); END;"
	/*
	 * Lines belong to their order: they do not move to another, and
	 * their owner follows the order's (access is the order's anyway).
	 * Only a change of what was ordered is refused past a draft.
	 */
	"DROP TRIGGER order_lines_bu;"
	"CREATE TRIGGER order_lines_bu BEFORE UPDATE ON order_lines"
	" WHEN (SELECT status FROM orders WHERE id = old.\"order\") <> 'draft'"
	" AND (new.product IS NOT old.product OR new.quantity IS NOT"
	" old.quantity OR new.unit_price IS NOT old.unit_price"
	" OR new.discount_pct IS NOT old.discount_pct) BEGIN"
	" SELECT RAISE(ABORT, 'only a draft order can be changed'); END;"
	"CREATE TRIGGER order_lines_stay BEFORE UPDATE OF \"order\""
	" ON order_lines WHEN new.\"order\" IS NOT old.\"order\" BEGIN"
	" SELECT RAISE(ABORT, 'a line stays on its order; delete it and add"
	" it to the other'); END;"
	"CREATE TRIGGER orders_owner_lines AFTER UPDATE OF owner ON orders"
	" WHEN new.owner IS NOT old.owner BEGIN"
	" UPDATE order_lines SET owner = new.owner WHERE \"order\" = new.id;"
	" END;"
	"UPDATE order_lines SET owner = (SELECT owner FROM orders"
	" WHERE id = order_lines.\"order\");"
	/*
	 * Prices are judged against the list price: each line keeps the
	 * product's price of the day it was made (or changed to another
	 * product), and another product brings its own price unless the
	 * same change set a different one.
	 */
	/*
	 * Lines made before keep list_price NULL and are judged by their
	 * discount_pct alone (on a new database the products table comes
	 * later: plugins migrate in name order).
	 */
	"ALTER TABLE order_lines ADD COLUMN list_price INTEGER;"
	"DROP TRIGGER order_lines_ai;"
	"CREATE TRIGGER order_lines_ai AFTER INSERT ON order_lines BEGIN"
	" UPDATE order_lines SET list_price = " PRODUCT_PRICE("new.product") ","
	"  unit_price = coalesce(new.unit_price, "
	PRODUCT_PRICE("new.product") "),"
	"  owner = (SELECT owner FROM orders WHERE id = new.\"order\")"
	"  WHERE id = new.id;"
	LINE_SUMS
	"DROP TRIGGER order_lines_au;"
	"CREATE TRIGGER order_lines_au AFTER UPDATE OF quantity, unit_price,"
	" discount_pct, product ON order_lines"
	" WHEN old.unit_price IS NOT NULL BEGIN"
	" UPDATE order_lines SET list_price = " PRODUCT_PRICE("new.product") ","
	"  unit_price = CASE WHEN new.unit_price IS NULL OR new.unit_price"
	"  IS old.unit_price THEN " PRODUCT_PRICE("new.product")
	"  ELSE new.unit_price END"
	"  WHERE id = new.id AND new.product IS NOT old.product;"
	" UPDATE order_lines SET unit_price = " PRODUCT_PRICE("new.product")
	" WHERE id = new.id AND new.unit_price IS NULL;"
	LINE_SUMS
	},
	{ 8,
	/*
	 * Review of 7.  A line made before 7 gets the list price it lacks
	 * at its first change, so a lowered price on an old draft is
	 * judged too.  The bounds refuse a change that breaks them, not an
	 * unrelated update of a row that broke them before 7 (kiln check
	 * names those).  The step to invoiced invoices the total: anything
	 * less is a correction, with its reason (POST /orders/ID/correct).
	 */
	"CREATE TRIGGER order_lines_list AFTER UPDATE OF quantity, unit_price,"
	" discount_pct ON order_lines WHEN new.list_price IS NULL BEGIN"
	" UPDATE order_lines SET list_price = " PRODUCT_PRICE("new.product")
	" WHERE id = new.id; END;"
	"DROP TRIGGER orders_money;"
	"CREATE TRIGGER orders_money BEFORE UPDATE ON orders"
	" WHEN (new.invoiced_amount IS NOT old.invoiced_amount"
	" OR new.paid_amount IS NOT old.paid_amount OR new.total IS NOT"
	" old.total) AND (new.invoiced_amount < 0 OR new.paid_amount < 0"
	" OR new.invoiced_amount > new.total"
	" OR new.paid_amount > new.invoiced_amount) BEGIN"
	" SELECT RAISE(ABORT, 'an invoice cannot be above the order total,"
	" nor a payment above the invoice'); END;"
	"CREATE TRIGGER orders_invoice_total BEFORE UPDATE OF status ON orders"
	" WHEN new.status = 'invoiced' AND old.status <> 'invoiced'"
	" AND new.invoiced_amount < new.total BEGIN"
	" SELECT RAISE(ABORT, 'the invoice is the order total; an invoice for"
	" less is a correction, with its reason'); END;"
	},
	{ 9,
	/*
	 * The deal an order came from (the deals plugin sets it when a won
	 * deal becomes an order): a number, not a reference, so orders
	 * work without the deals plugin; deals keeps its side of the link.
	 */
	"ALTER TABLE orders ADD COLUMN deal INTEGER;"
	"CREATE INDEX orders_deal ON orders(deal);"
	},
	{ 10,
	/*
	 * One order per deal, whatever door: two "Make the order" at once
	 * meet here, not only in the deals plugin's check.
	 */
	"DROP INDEX orders_deal;"
	"CREATE UNIQUE INDEX orders_deal ON orders(deal) WHERE deal IS NOT NULL;"
	},
	{ 11,
	/*
	 * Margins: a line keeps its product's standard cost of the day it
	 * was made (or changed to another product), the order the sum, so
	 * a later change of cost moves no margin.  Lines made before have
	 * their product's cost as it is now (0 on an upgrade: costs come
	 * with this version).
	 */
	"ALTER TABLE order_lines ADD COLUMN unit_cost INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE orders ADD COLUMN cost INTEGER NOT NULL DEFAULT 0;"
	"UPDATE order_lines SET unit_cost = coalesce("
	PRODUCT_COST("order_lines.product") ", 0);"
	"UPDATE orders SET cost = " ORDER_COST("orders.id") ";"
	"CREATE TRIGGER order_lines_cost_ai AFTER INSERT ON order_lines BEGIN"
	" UPDATE order_lines SET unit_cost = coalesce("
	PRODUCT_COST("new.product") ", 0) WHERE id = new.id;"
	" UPDATE orders SET cost = " ORDER_COST("new.\"order\"")
	" WHERE id = new.\"order\"; END;"
	"CREATE TRIGGER order_lines_cost_au AFTER UPDATE OF product, quantity"
	" ON order_lines BEGIN"
	" UPDATE order_lines SET unit_cost = coalesce("
	PRODUCT_COST("new.product") ", 0)"
	" WHERE id = new.id AND new.product IS NOT old.product;"
	" UPDATE orders SET cost = " ORDER_COST("new.\"order\"")
	" WHERE id = new.\"order\"; END;"
	"CREATE TRIGGER order_lines_cost_ad AFTER DELETE ON order_lines BEGIN"
	" UPDATE orders SET cost = " ORDER_COST("old.\"order\"")
	" WHERE id = old.\"order\"; END;"
	},
	{ 0, NULL }
};

static const char *const admins[] = { "admin", NULL };

static const struct kiln_route routes[] = {
	{ "POST", "/orders/#/submit", orders_submit, NULL, NULL, 0 },
	{ "POST", "/orders/#/approve", orders_approve, NULL, NULL, 0 },
	{ "POST", "/orders/#/reject", orders_reject, NULL, NULL, 0 },
	{ "POST", "/orders/#/reopen", orders_reopen, NULL, NULL, 0 },
	{ "POST", "/orders/#/copy", orders_copy, NULL, NULL, 0 },
	{ "POST", "/orders/#/lines", orders_lines, NULL, NULL, 0 },
	{ "POST", "/orders/#/start", orders_start, NULL, NULL, 0 },
	{ "POST", "/orders/#/ship", orders_ship, NULL, NULL, 0 },
	{ "POST", "/orders/#/deliver", orders_deliver, NULL, NULL, 0 },
	{ "POST", "/orders/#/invoice", orders_invoice, NULL, finance, 0 },
	{ "POST", "/orders/#/pay", orders_pay, NULL, finance, 0 },
	{ "POST", "/orders/#/cancel", orders_cancel, NULL, NULL, 0 },
	{ "POST", "/orders/#/correct", orders_correct, NULL, finance, 0 },
	{ "GET", "/orders/#/rules", orders_dry_run, NULL, admins, 0 },
	{ "GET", "/orders/#/print", orders_print, NULL, NULL, 0 },
	{ "GET", "/orders/late", orders_late, .label = "Late orders" },
	{ "GET", "/orders/held", orders_held, .label = "Orders on hold" },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

/* A customer's credit, and its orders (those the viewer may read). */
static const struct kiln_section sections[] = {
	{ "customer", orders_customer_page, .list = "order", .by = "customer" },
	{ NULL, NULL, NULL, NULL }
};

/* `kiln check`: each row names a broken record and what is wrong. */
static const struct kiln_check checks[] = {
	{ "order totals",
	"SELECT 'order ' || o.number || ' (id ' || o.id || '): total '"
	" || o.total || ' but its lines add up to ' || coalesce(sum("
	"l.line_total), 0) FROM orders o LEFT JOIN order_lines l"
	" ON l.\"order\" = o.id GROUP BY o.id"
	" HAVING o.total <> coalesce(sum(l.line_total), 0)"
	" UNION ALL SELECT 'order line ' || id || ': line total ' || line_total"
	" || ' is not its quantity, price and discount' FROM order_lines"
	" WHERE line_total <> " LINE_TOTAL("quantity", "unit_price",
	"discount_pct") },
	{ "exposure",
	"SELECT 'customer ' || c.id || ': exposure kept as '"
	" || coalesce(x.amount, 0) || ' but its orders owe ' || coalesce(("
	"SELECT sum(" EXPOSURE("o.") ") FROM orders o WHERE o.customer ="
	" c.id), 0) FROM customers c LEFT JOIN order_exposure x"
	" ON x.customer = c.id WHERE coalesce(x.amount, 0) <> coalesce(("
	"SELECT sum(" EXPOSURE("o.") ") FROM orders o WHERE o.customer ="
	" c.id), 0) OR x.amount < 0" },
	{ "invoices and payments",
	"SELECT 'order ' || number || ' (id ' || id || '): invoiced '"
	" || invoiced_amount || ', paid ' || paid_amount || ', total ' || total"
	" || ', status ' || status FROM orders"
	" WHERE invoiced_amount < 0 OR paid_amount < 0"
	" OR invoiced_amount > total OR paid_amount > invoiced_amount"
	" OR (status IN ('invoiced', 'paid') AND invoiced_amount <= 0)"
	" OR (status = 'paid' AND paid_amount <> invoiced_amount)"
	" OR (status NOT IN ('invoiced', 'paid') AND (invoiced_amount <> 0"
	" OR paid_amount <> 0))" },
	{ "status history",
	"SELECT 'order ' || o.number || ' (id ' || o.id || '): status '"
	" || o.status || ' but its history ends at ' || coalesce((SELECT"
	" h.status FROM order_history h WHERE h.\"order\" = o.id ORDER BY"
	" h.seq DESC LIMIT 1), 'nothing') FROM orders o WHERE o.status"
	" IS DISTINCT FROM coalesce((SELECT h.status FROM order_history h WHERE h.\"order\" ="
	" o.id ORDER BY h.seq DESC LIMIT 1), 'draft')" },
	{ "order numbers",
	"SELECT 'order number ''' || number || ''' is held by ' || count(*)"
	" || ' orders' FROM orders GROUP BY number"
	" HAVING count(*) > 1 OR number = ''" },
	{ NULL, NULL }
};

static const struct kiln_job jobs[] = {
	{ "credit_status", orders_credit_job },
	{ NULL, NULL }
};

static const struct kiln_watch watches[] = {
	{ "customer", orders_customer_changed },
	{ NULL, NULL }
};

/* Its tables besides orders and order_lines, and what it reads. */
static const char *const tables[] = {
	"order_numbers", "order_verdicts", "order_history", "order_exposure",
	NULL
};
static const char *const requires[] = { "customer", "contact", "product",
	"user", NULL };

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("orders"),
	.description = "Sales orders and their lines",
	.entities = entities,
	.migrations = migrations,
	.routes = routes,
	.sections = sections,
	.jobs = jobs,
	.watches = watches,
	.checks = checks,
	.tables = tables,
	.requires = requires,
	.demo = orders_demo,
	.pg_migrations = orders_pg_migrations,
	.panels = orders_panels,
};
