/*
 * view.c - what people and programs see of orders: the order document
 * for the ERP (lines, evaluation, history), the order's page (actions,
 * verdicts, timeline, lateness), a customer's credit and orders on the
 * customer's page, and the list of late orders.
 */
#include <stdio.h>
#include <string.h>

#include "orders.h"

static void
money_elem(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, long long v)
{
	sv->open(r, name);
	sv->attr(r, "currency", sv->currency(r));
	sv->text(r, sv->money(r, v));
	sv->close(r);
}

/*
 * An order's verdicts and history in XML: one element per row, the
 * leading columns as attributes, the last column as text.
 */
struct rows_decl {
	const char	*sql;
	const char	*list;
	const char	*item;
	const char	*attrs[4];	/* NULL-terminated */
};

static const struct rows_decl verdict_rows = {
	"SELECT rule, result, message FROM order_verdicts"
	" WHERE \"order\" = ?1 ORDER BY pos",
	"evaluation", "verdict", { "rule", "result", NULL }
};

static const struct rows_decl history_rows = {
	"SELECT status, by_login, at, reason FROM order_history"
	" WHERE \"order\" = ?1 ORDER BY seq",
	"history", "event", { "status", "by", "at", NULL }
};

static void
rows_xml(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct rows_decl *d)
{
	struct kiln_stmt	*st;
	int			 i;

	if ((st = sv->sql(r, d->sql)) == NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->open(r, d->list);
	while (sv->step(st) == 1) {
		sv->open(r, d->item);
		for (i = 0; d->attrs[i] != NULL; i++)
			sv->attr(r, d->attrs[i], sv->col_text(st, i));
		sv->text(r, sv->col_text(st, i));
		sv->close(r);
	}
	sv->close(r);
	sv->done(st);
}

/*
 * The order document's lines, evaluation and history, as the ERP
 * reads them (api.md, "An order in XML").
 */
void
orders_xml(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	char			 num[24];

	if ((st = sv->sql(r, "SELECT l.id, l.product, p.name, l.quantity,"
	    " l.unit_price, l.discount_pct, l.line_total FROM order_lines l"
	    " JOIN products p ON p.id = l.product WHERE l.\"order\" = ?1"
	    " ORDER BY l.id")) != NULL) {
		sv->bind_int(st, 1, id);
		sv->open(r, "lines");
		while (sv->step(st) == 1) {
			sv->open(r, "line");
			snprintf(num, sizeof(num), "%lld", sv->col_int(st, 0));
			sv->attr(r, "id", num);
			sv->open(r, "product");
			snprintf(num, sizeof(num), "%lld", sv->col_int(st, 1));
			sv->attr(r, "id", num);
			sv->text(r, sv->col_text(st, 2));
			sv->close(r);
			sv->open(r, "quantity");
			sv->text(r, sv->col_text(st, 3));
			sv->close(r);
			money_elem(r, sv, "unit_price", sv->col_int(st, 4));
			sv->open(r, "discount_pct");
			sv->text(r, sv->col_text(st, 5));
			sv->close(r);
			money_elem(r, sv, "line_total", sv->col_int(st, 6));
			sv->close(r);
		}
		sv->close(r);
		sv->done(st);
	}
	rows_xml(r, sv, id, &verdict_rows);
	rows_xml(r, sv, id, &history_rows);
}

static void	queue_form(struct kiln_req *, const struct kiln_services *,
		    long long, const char *, const char *, int, const char *);

/* A small form posting to /orders/ID/ACTION, with a reason field. */
static void
action_form(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *action, const char *label, int reason)
{
	queue_form(r, sv, id, action, label, reason, NULL);
}

/* The same from a worklist: the decision comes back to it (from=). */
static void
queue_form(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const char *action, const char *label, int reason, const char *from)
{
	char	 path[64];

	snprintf(path, sizeof(path), "/orders/%lld/%s", id, action);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "inline");
	sv->attr(r, "action", sv->url(r, path));
	sv->csrf(r);
	if (from != NULL) {
		sv->open(r, "input");
		sv->attr(r, "type", "hidden");
		sv->attr(r, "name", "from");
		sv->attr(r, "value", from);
		sv->close(r);
	}
	if (reason) {
		sv->open(r, "input");
		sv->attr(r, "name", "reason");
		sv->attr(r, "required", "required");
		sv->attr(r, "aria-label", _("Reason"));
		sv->attr(r, "placeholder", _("Reason"));
		sv->close(r);
	}
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, label);
	sv->close(r);
	sv->close(r);
}

/* <section class=CLS><h2>TITLE</h2>, left open for what follows. */
static void
section(struct kiln_req *r, const struct kiln_services *sv, const char *cls,
    const char *title)
{
	sv->open(r, "section");
	sv->attr(r, "class", cls);
	sv->open(r, "h2");
	sv->text(r, title);
	sv->close(r);
}

/* Approve and reject, each with its reason. */
static void
decision_forms(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	action_form(r, sv, id, "approve", _("Approve"), 1);
	action_form(r, sv, id, "reject", _("Reject"), 1);
}

/* One row of promised against actual: the dates and how it went. */
static void
promise_row(struct kiln_req *r, const struct kiln_services *sv,
    const char *what, const char *promised, const char *actual,
    int known, long long late)
{
	char	 days[64];

	sv->open(r, "tr");
	sv->open(r, "th");
	sv->attr(r, "scope", "row");
	sv->text(r, what);
	sv->close(r);
	sv->open(r, "td");
	sv->text(r, promised);
	sv->close(r);
	sv->open(r, "td");
	sv->text(r, *actual ? actual : _("not yet"));
	sv->close(r);
	sv->open(r, "td");
	if (known && late > 0) {
		sv->attr(r, "class", "late");
		snprintf(days, sizeof(days), _("%lld days late"), late);
		sv->text(r, days);
	} else if (known)
		sv->text(r, _("on time"));
	sv->close(r);
	sv->close(r);
}

/*
 * Promised against actual: delivery (the promised date against the day
 * it was delivered) and payment (the due date against the day it was
 * paid), each with how many days late.
 */
static void
promises(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;

	if ((st = sv->sql(r, "SELECT p, d, p <> '' AND d <> '',"
	    " CAST(julianday(d) - julianday(p) AS INTEGER), due, paid,"
	    " due <> '' AND paid <> '',"
	    " CAST(julianday(paid) - julianday(due) AS INTEGER) FROM"
	    " (SELECT o.promised_date AS p, coalesce((SELECT substr(h.at, 1,"
	    " 10) FROM order_history h WHERE h.\"order\" = o.id AND"
	    " h.status = 'delivered' ORDER BY h.seq DESC LIMIT 1), '') AS d,"
	    " coalesce(o.due_date, '') AS due, coalesce(o.paid_date, '')"
	    " AS paid FROM orders o WHERE o.id = ?1) AS dates")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1 && (*sv->col_text(st, 0) ||
	    *sv->col_text(st, 4))) {
		sv->open(r, "table");
		sv->attr(r, "class", "promises");
		sv->open(r, "caption");
		sv->text(r, _("Promised and actual"));
		sv->close(r);
		sv->open(r, "tbody");
		if (*sv->col_text(st, 0))
			promise_row(r, sv, _("Delivery"), sv->col_text(st, 0),
			    sv->col_text(st, 1), (int)sv->col_int(st, 2),
			    sv->col_int(st, 3));
		if (*sv->col_text(st, 4))
			promise_row(r, sv, _("Payment"), sv->col_text(st, 4),
			    sv->col_text(st, 5), (int)sv->col_int(st, 6),
			    sv->col_int(st, 7));
		sv->close(r);
		sv->close(r);
	}
	sv->done(st);
}

/*
 * The order's life on its page: promised against actual dates, what is
 * late, and every status with who and when.
 */
static void
timeline(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	int			 late_delivery = 0, late_payment = 0;

	if ((st = sv->sql(r, "SELECT " LATE_DELIVERY("") ", " OVERDUE("")
	    " FROM orders WHERE id = ?1")) != NULL) {
		sv->bind_int(st, 1, id);
		if (sv->step(st) == 1) {
			late_delivery = (int)sv->col_int(st, 0);
			late_payment = (int)sv->col_int(st, 1);
		}
		sv->done(st);
	}
	if (late_delivery || late_payment) {
		sv->open(r, "p");
		sv->attr(r, "class", "late");
		sv->attr(r, "role", "alert");
		sv->text(r, late_delivery ? _("Late: the promised date has"
		    " passed and the order is not delivered.") : _("Late: the"
		    " payment is past due."));
		sv->close(r);
	}
	promises(r, sv, id);
	if ((st = sv->sql(r, "SELECT status, by_login, at, reason FROM"
	    " order_history WHERE \"order\" = ?1 ORDER BY seq")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	section(r, sv, "timeline", _("Timeline"));
	sv->open(r, "ol");
	while (sv->step(st) == 1) {
		sv->open(r, "li");
		sv->open(r, "time");
		sv->attr(r, "datetime", sv->col_text(st, 2));
		sv->text(r, sv->show_time(r, sv->col_text(st, 2)));
		sv->close(r);
		sv->text(r, " ");
		sv->open(r, "b");
		sv->text(r, sv->show_enum(r, sv->col_text(st, 0)));
		sv->close(r);
		sv->text(r, " \u2014 ");
		sv->text(r, sv->col_text(st, 1));
		if (*sv->col_text(st, 3) != '\0') {
			sv->text(r, ": ");
			sv->text(r, sv->col_text(st, 3));
		}
		sv->close(r);
	}
	sv->close(r);
	sv->close(r);
	sv->done(st);
}

/* Where to go from an order: late orders, and the rules' dry run. */
static void
links(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	char	 path[64];

	sv->open(r, "p");
	sv->attr(r, "class", "links");
	snprintf(path, sizeof(path), "/orders/%lld/print", id);
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, path));
	sv->text(r, _("Print"));
	sv->close(r);
	sv->text(r, " \u00b7 ");
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, "/orders/late"));
	sv->text(r, _("Late orders"));
	sv->close(r);
	if (strcmp(sv->user_role(r), "admin") == 0) {
		snprintf(path, sizeof(path), "/orders/%lld/rules", id);
		sv->text(r, " \u00b7 ");
		sv->open(r, "a");
		sv->attr(r, "href", sv->url(r, path));
		sv->text(r, _("Rules on this order"));
		sv->close(r);
	}
	sv->close(r);
}

/* A rule's result as words: "hold" is "held", not a credit hold. */
const char *
orders_verdict_word(const struct kiln_services *sv, const char *result)
{
	static const struct {
		const char	*code;
		const char	*word;
	} words[] = {
		{ "pass", N_("passed") }, { "warn", N_("warning") },
		{ "hold", N_("held for approval") },
		{ "reject", N_("rejected") }, { "error", N_("rule failed") },
	};
	size_t	 i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].code, result) == 0)
			return _(words[i].word);
	return result;
}

/* The order's page: submit button, verdicts, status history. */
void
orders_page(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	char			 status[32] = "";
	int			 any, acc;

	orders_status(r, sv, id, status, sizeof(status));
	acc = sv->access(r, "order", id);
	orders_lines_page(r, sv, id, strcmp(status, "draft") == 0 &&
	    acc == 1, 0);
	sv->open(r, "div");
	sv->attr(r, "class", "actbar");
	if (strcmp(status, "draft") == 0 && acc == 1)
		action_form(r, sv, id, "submit", _("Submit for evaluation"), 0);
	if (strcmp(status, "on_hold") == 0 && orders_may_decide(r, sv, id, acc))
		decision_forms(r, sv, id);
	if ((strcmp(status, "on_hold") == 0 || strcmp(status, "rejected") ==
	    0) && acc == 1)
		action_form(r, sv, id, "reopen", _("Reopen as draft"), 0);
	/* The tracking steps the status allows and the viewer may take. */
	orders_actions(r, sv, id, acc);
	/* Anyone who may change the order may start another like it. */
	if (*status != '\0' && acc == 1)
		action_form(r, sv, id, "copy", _("Copy as a new draft"), 0);
	sv->close(r);
	links(r, sv, id);
	if ((st = sv->sql(r, "SELECT rule, result, message FROM order_verdicts"
	    " WHERE \"order\" = ?1 ORDER BY pos")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	for (any = 0; sv->step(st) == 1; any = 1) {
		if (!any) {
			section(r, sv, "verdicts", _("Evaluation"));
			sv->open(r, "ul");
		}
		sv->open(r, "li");
		sv->attr(r, "class", sv->col_text(st, 1));
		sv->open(r, "b");
		sv->text(r, sv->tr(sv->col_text(st, 0)));
		sv->close(r);
		sv->text(r, ": ");
		sv->text(r, orders_verdict_word(sv, sv->col_text(st, 1)));
		if (*sv->col_text(st, 2) != '\0') {
			sv->text(r, " \u2014 ");
			sv->text(r, sv->col_text(st, 2));
		}
		sv->close(r);
	}
	sv->done(st);
	if (any) {
		sv->close(r);
		sv->close(r);
	}
	timeline(r, sv, id);
}

/*
 * On a customer's page: its credit standing.  Its orders follow, listed
 * by the host (the section's list): only those the viewer may read.
 */
void
orders_customer_page(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;

	if ((st = sv->sql(r, "SELECT c.credit_limit, c.credit_status,"
	    " coalesce((SELECT amount FROM order_exposure WHERE customer ="
	    " c.id), 0), (SELECT coalesce(sum(o.invoiced_amount -"
	    " o.paid_amount), 0) FROM orders o WHERE o.customer = c.id AND "
	    OVERDUE("o.") ") FROM customers c WHERE c.id = ?1")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		section(r, sv, "credit", _("Credit"));
		sv->open(r, "dl");
		sv->attr(r, "class", "record");
		sv->open(r, "dt");
		sv->text(r, _("Credit status"));
		sv->close(r);
		sv->open(r, "dd");
		sv->attr(r, "class", sv->col_text(st, 1));
		sv->text(r, sv->show_enum(r, sv->col_text(st, 1)));
		sv->close(r);
		sv->open(r, "dt");
		sv->text(r, _("Exposure"));
		sv->close(r);
		sv->open(r, "dd");
		sv->text(r, sv->show_money(r, sv->col_int(st, 2)));
		sv->text(r, " / ");
		sv->text(r, sv->show_money(r, sv->col_int(st, 0)));
		sv->close(r);
		sv->open(r, "dt");
		sv->text(r, _("Overdue"));
		sv->close(r);
		sv->open(r, "dd");
		sv->text(r, sv->show_money(r, sv->col_int(st, 3)));
		sv->close(r);
		sv->close(r);
		sv->close(r);
	}
	sv->done(st);
}

static const char *const late_cols[] = {
	N_("Order"), N_("Customer"), N_("Owner"), N_("Late"), N_("Days late"),
	N_("Status"), NULL
};

/*
 * GET /orders/late: orders past their promised date and not yet
 * delivered, and invoices past due and unpaid, among those the user
 * may see (chosen in SQL, before the limit): what is late, by how many
 * days, whose.
 */
int
orders_late(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 path[64], cpath[64], num[24];
	int			 any = 0, xml = sv->wants_xml(r);

	if ((st = sv->sql(r, "SELECT o.id, o.number, o.status,"
	    " o.promised_date, o.due_date, c.name, c.id,"
	    " coalesce(nullif(u.name, ''), u.login, ''), " LATE_DELIVERY("o.")
	    ", CAST(julianday(" TODAY ") - julianday(CASE WHEN "
	    LATE_DELIVERY("o.") " THEN o.promised_date ELSE o.due_date END)"
	    " AS INTEGER) FROM orders o JOIN customers c ON c.id = o.customer"
	    " LEFT JOIN users u ON u.id = o.owner WHERE (" LATE_DELIVERY("o.")
	    " OR " OVERDUE("o.") ") AND kiln_readable('order', o.id) ORDER BY"
	    " coalesce(nullif(o.promised_date, ''), o.due_date), o.id"
	    " LIMIT 500")) == NULL)
		return sv->error(r, 500, "internal", _("Internal error."));
	sv->begin(r, 200, "late", _("Late orders"));
	if (!xml) {
		sv->open(r, "h1");
		sv->text(r, _("Late orders"));
		sv->close(r);
		sv->open(r, "table");
		sv->attr(r, "class", "list late");
		orders_head(r, sv, late_cols, "Days late");
		sv->open(r, "tbody");
	}
	while (sv->step(st) == 1) {
		any = 1;
		snprintf(path, sizeof(path), "/orders/%lld",
		    sv->col_int(st, 0));
		if (xml) {
			sv->open(r, "order");
			snprintf(num, sizeof(num), "%lld", sv->col_int(st, 0));
			sv->attr(r, "id", num);
			sv->attr(r, "href", sv->url(r, path));
			sv->attr(r, "status", sv->col_text(st, 2));
			sv->attr(r, "promised_date", sv->col_text(st, 3));
			sv->attr(r, "due_date", sv->col_text(st, 4));
			sv->text(r, sv->col_text(st, 1));
			sv->close(r);
			continue;
		}
		snprintf(cpath, sizeof(cpath), "/customers/%lld",
		    sv->col_int(st, 6));
		sv->open(r, "tr");
		orders_cell(r, sv, NULL, path, sv->col_text(st, 1));
		orders_cell(r, sv, NULL, cpath, sv->col_text(st, 5));
		orders_cell(r, sv, NULL, NULL, sv->col_text(st, 7));
		orders_cell(r, sv, NULL, NULL, sv->col_int(st, 8) ?
		    _("Delivery") : _("Payment"));
		orders_cell(r, sv, "num late", NULL, sv->col_text(st, 9));
		orders_cell(r, sv, NULL, NULL,
		    sv->show_enum(r, sv->col_text(st, 2)));
		sv->close(r);
	}
	sv->done(st);
	if (!xml)
		orders_table_end(r, sv, any, _("Nothing is late."));
	return sv->end(r);
}

/* <th> cells of a worklist's head. */
void
orders_head(struct kiln_req *r, const struct kiln_services *sv,
    const char *const *cols, const char *num)
{
	sv->open(r, "thead");
	sv->open(r, "tr");
	for (; *cols != NULL; cols++) {
		sv->open(r, "th");
		sv->attr(r, "scope", "col");
		if (num != NULL && strcmp(*cols, num) == 0)
			sv->attr(r, "class", "num");
		sv->text(r, _(*cols));
		sv->close(r);
	}
	sv->close(r);
	sv->close(r);
}

/* A cell linking to path, or plain text. */
void
orders_cell(struct kiln_req *r, const struct kiln_services *sv,
    const char *cls, const char *path, const char *text)
{
	sv->open(r, "td");
	if (cls != NULL)
		sv->attr(r, "class", cls);
	if (path != NULL) {
		sv->open(r, "a");
		sv->attr(r, "href", sv->url(r, path));
		sv->text(r, text);
		sv->close(r);
	} else
		sv->text(r, text);
	sv->close(r);
}

/* The end of a worklist's table; when it had no rows, a line saying so. */
void
orders_table_end(struct kiln_req *r, const struct kiln_services *sv,
    int any, const char *empty)
{
	sv->close(r);	/* tbody */
	sv->close(r);	/* table */
	if (any)
		return;
	sv->open(r, "p");
	sv->attr(r, "class", "empty");
	sv->text(r, empty);
	sv->close(r);
}

/* The rules that held an order: what each said. */
static void
held_by(struct kiln_req *r, const struct kiln_services *sv, long long id,
    int xml)
{
	struct kiln_stmt	*vs;

	if ((vs = sv->sql(r, "SELECT rule, result, message FROM"
	    " order_verdicts WHERE \"order\" = ?1 AND result IN"
	    " ('hold', 'reject') ORDER BY pos")) == NULL)
		return;
	sv->bind_int(vs, 1, id);
	if (!xml)
		sv->open(r, "ul");
	while (sv->step(vs) == 1) {
		sv->open(r, xml ? "verdict" : "li");
		if (xml) {
			sv->attr(r, "rule", sv->col_text(vs, 0));
			sv->attr(r, "result", sv->col_text(vs, 1));
		} else {
			sv->open(r, "b");
			sv->text(r, sv->tr(sv->col_text(vs, 0)));
			sv->close(r);
			sv->text(r, ": ");
		}
		sv->text(r, sv->col_text(vs, 2));
		sv->close(r);
	}
	if (!xml)
		sv->close(r);
	sv->done(vs);
}

static const char *const held_cols[] = {
	N_("Order"), N_("Customer"), N_("Owner"), N_("Total"),
	N_("Days on hold"), N_("Held by"), N_("Decision"), NULL
};

/*
 * GET /orders/held: the orders on hold the user may see, oldest first:
 * customer, owner, total, how long it has waited, each rule that held
 * it, and for the ones the user decides approve and reject at hand
 * (the decision comes back here).  Finance's and managers' queue.
 */
int
orders_held(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 path[64], cpath[64], num[24];
	long long		 id;
	int			 any = 0, acc, xml = sv->wants_xml(r);

	if ((st = sv->sql(r, "SELECT o.id, o.number, o.total, c.name, c.id,"
	    " coalesce(nullif(u.name, ''), u.login, ''), CAST(julianday("
	    TODAY ") - julianday(substr(coalesce((SELECT max(h.at) FROM"
	    " order_history h WHERE h.\"order\" = o.id AND h.status ="
	    " 'on_hold'), o.updated_at), 1, 10)) AS INTEGER)"
	    " FROM orders o JOIN customers c ON c.id = o.customer"
	    " LEFT JOIN users u ON u.id = o.owner"
	    " WHERE o.status = 'on_hold' AND kiln_readable('order', o.id)"
	    " ORDER BY o.updated_at, o.id LIMIT 500")) == NULL)
		return sv->error(r, 500, "internal", _("Internal error."));
	sv->begin(r, 200, "held", _("Orders on hold"));
	if (!xml) {
		sv->open(r, "h1");
		sv->text(r, _("Orders on hold"));
		sv->close(r);
		sv->open(r, "table");
		sv->attr(r, "class", "list held");
		orders_head(r, sv, held_cols, "Total");
		sv->open(r, "tbody");
	}
	while (sv->step(st) == 1) {
		id = sv->col_int(st, 0);
		any = 1;
		snprintf(path, sizeof(path), "/orders/%lld", id);
		if (xml) {
			sv->open(r, "order");
			snprintf(num, sizeof(num), "%lld", id);
			sv->attr(r, "id", num);
			sv->attr(r, "href", sv->url(r, path));
			sv->attr(r, "number", sv->col_text(st, 1));
			sv->attr(r, "customer", sv->col_text(st, 3));
			sv->attr(r, "total", sv->money(r, sv->col_int(st, 2)));
			sv->attr(r, "currency", sv->currency(r));
			held_by(r, sv, id, 1);
			sv->close(r);
			continue;
		}
		snprintf(cpath, sizeof(cpath), "/customers/%lld",
		    sv->col_int(st, 4));
		sv->open(r, "tr");
		orders_cell(r, sv, NULL, path, sv->col_text(st, 1));
		orders_cell(r, sv, NULL, cpath, sv->col_text(st, 3));
		orders_cell(r, sv, NULL, NULL, sv->col_text(st, 5));
		orders_cell(r, sv, "num", NULL,
		    sv->show_money(r, sv->col_int(st, 2)));
		orders_cell(r, sv, "num", NULL, sv->col_text(st, 6));
		sv->open(r, "td");
		held_by(r, sv, id, 0);
		sv->close(r);
		sv->open(r, "td");
		acc = sv->access(r, "order", id);
		if (orders_may_decide(r, sv, id, acc)) {
			queue_form(r, sv, id, "approve", _("Approve"), 1,
			    "held");
			queue_form(r, sv, id, "reject", _("Reject"), 1,
			    "held");
		}
		sv->close(r);
		sv->close(r);
	}
	sv->done(st);
	if (!xml)
		orders_table_end(r, sv, any, _("Nothing is on hold."));
	return sv->end(r);
}
