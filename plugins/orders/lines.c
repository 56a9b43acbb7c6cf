/*
 * lines.c - an order's lines where the order is: entered with the new
 * order (rows of its form, read by orders_created() through items()),
 * changed, removed and added on a draft's page in one form (POST
 * /orders/ID/lines), shown as a table once it is past draft.  Products
 * are picked by SKU or name (the host's picker, "lines.N.product.q");
 * an empty price is the product's list price, filled in by the
 * database.  Every line is created and changed through the host, so
 * its rules, access and audit are those of any line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orders.h"

#define BLANK_NEW	5	/* rows of a new order's form */
#define BLANK_MORE	3	/* rows to add on a draft's page */

static const char *const edit_cols[] = {
	N_("Product"), N_("Quantity"), N_("Unit price"), N_("Discount %"),
	N_("Line total"), N_("Remove"), NULL
};
static const char *const show_cols[] = {
	N_("Product"), N_("Quantity"), N_("Unit price"), N_("Discount %"),
	N_("Line total"), NULL
};

/* lines.N.FIELD, as sent when the form came back, or NULL. */
static const char *
sent_value(struct kiln_req *r, const struct kiln_services *sv, size_t row,
    const char *field)
{
	return sv->item(r, "lines", row - 1, field);
}

static const char *
row_name(struct kiln_req *r, const struct kiln_services *sv, size_t row,
    const char *field)
{
	char	*s = sv->alloc(r, 64);

	snprintf(s, 64, "lines.%zu.%s", row, field);
	return s;
}

static void
row_input(struct kiln_req *r, const struct kiln_services *sv, size_t row,
    const char *field, const char *type, const char *label,
    const char *value)
{
	sv->open(r, "input");
	sv->attr(r, "name", row_name(r, sv, row, field));
	sv->attr(r, "type", type);
	sv->attr(r, "aria-label", label);
	if (strcmp(field, "quantity") == 0) {
		sv->attr(r, "min", "1");
		sv->attr(r, "class", "qty");
	} else if (strcmp(field, "discount_pct") == 0) {
		sv->attr(r, "min", "0");
		sv->attr(r, "max", "100");
		sv->attr(r, "class", "pct");
	} else if (strcmp(field, "unit_price") == 0) {
		sv->attr(r, "inputmode", "decimal");
		sv->attr(r, "class", "money");
		sv->attr(r, "placeholder", _("list price"));
	}
	sv->attr(r, "value", value != NULL ? value : "");
	sv->close(r);
}

static void
td_open(struct kiln_req *r, const struct kiln_services *sv, const char *cls)
{
	sv->open(r, "td");
	if (cls != NULL)
		sv->attr(r, "class", cls);
}

/* A row for a new line: the product to pick, quantity, price, discount. */
static void
blank_row(struct kiln_req *r, const struct kiln_services *sv, size_t row,
    int sent)
{
	const char	*v;

	sv->open(r, "tr");
	td_open(r, sv, "product");
	sv->open(r, "input");
	sv->attr(r, "type", "hidden");
	sv->attr(r, "name", row_name(r, sv, row, "product"));
	v = sent ? sent_value(r, sv, row, "product") : NULL;
	sv->attr(r, "value", v ? v : "");
	sv->close(r);
	sv->open(r, "input");
	sv->attr(r, "name", row_name(r, sv, row, "product.q"));
	sv->attr(r, "type", "text");
	sv->attr(r, "class", "pick");
	sv->attr(r, "autocomplete", "off");
	sv->attr(r, "maxlength", "200");
	sv->attr(r, "aria-label", _("Product"));
	sv->attr(r, "placeholder", _("SKU or name"));
	sv->attr(r, "data-search", sv->url(r, "/search.xml?in=product"));
	v = sent ? sent_value(r, sv, row, "product.q") : NULL;
	sv->attr(r, "value", v ? v : "");
	sv->close(r);
	sv->close(r);
	td_open(r, sv, NULL);
	v = sent ? sent_value(r, sv, row, "quantity") : NULL;
	row_input(r, sv, row, "quantity", "number", _("Quantity"),
	    v ? v : "1");
	sv->close(r);
	td_open(r, sv, NULL);
	row_input(r, sv, row, "unit_price", "text", _("Unit price"),
	    sent ? sent_value(r, sv, row, "unit_price") : NULL);
	sv->close(r);
	td_open(r, sv, NULL);
	v = sent ? sent_value(r, sv, row, "discount_pct") : NULL;
	row_input(r, sv, row, "discount_pct", "number", _("Discount %"),
	    v ? v : "0");
	sv->close(r);
	td_open(r, sv, "num");
	sv->close(r);
	td_open(r, sv, NULL);
	sv->close(r);
	sv->close(r);
}

static void
product_cell(struct kiln_req *r, const struct kiln_services *sv,
    long long pid, const char *sku, const char *name)
{
	char	 path[48], text[300];

	snprintf(path, sizeof(path), "/products/%lld", pid);
	snprintf(text, sizeof(text), "%s \u00b7 %s", sku, name);
	td_open(r, sv, "product");
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, path));
	sv->text(r, text);
	sv->close(r);
}

/*
 * The lines of order id as table rows: inputs to change or remove each
 * (edit), or the figures; then blank rows to add.  sent: the values
 * come from the form that came back.  Returns the next row number.
 */
static size_t
rows(struct kiln_req *r, const struct kiln_services *sv, long long id,
    int edit, int sent, size_t blank)
{
	struct kiln_stmt	*st;
	const char		*v;
	char			 num[24];
	size_t			 row = 1, k;

	if (id != 0 && (st = sv->sql(r, "SELECT l.id, l.product, p.sku,"
	    " p.name, l.quantity, l.unit_price, l.discount_pct, l.line_total"
	    " FROM order_lines l JOIN products p ON p.id = l.product"
	    " WHERE l.\"order\" = ?1 ORDER BY l.id")) != NULL) {
		sv->bind_int(st, 1, id);
		while (sv->step(st) == 1) {
			sv->open(r, "tr");
			product_cell(r, sv, sv->col_int(st, 1),
			    sv->col_text(st, 2), sv->col_text(st, 3));
			if (edit) {
				sv->open(r, "input");
				sv->attr(r, "type", "hidden");
				sv->attr(r, "name", row_name(r, sv, row, "id"));
				snprintf(num, sizeof(num), "%lld",
				    sv->col_int(st, 0));
				sv->attr(r, "value", num);
				sv->close(r);
			}
			sv->close(r);
			if (edit) {
				td_open(r, sv, NULL);
				v = sent ? sent_value(r, sv, row, "quantity") :
				    NULL;
				row_input(r, sv, row, "quantity", "number",
				    _("Quantity"), v ? v : sv->col_text(st, 4));
				sv->close(r);
				td_open(r, sv, NULL);
				v = sent ? sent_value(r, sv, row,
				    "unit_price") : NULL;
				row_input(r, sv, row, "unit_price", "text",
				    _("Unit price"), v ? v : sv->money(r,
				    sv->col_int(st, 5)));
				sv->close(r);
				td_open(r, sv, NULL);
				v = sent ? sent_value(r, sv, row,
				    "discount_pct") : NULL;
				row_input(r, sv, row, "discount_pct", "number",
				    _("Discount %"), v ? v :
				    sv->col_text(st, 6));
				sv->close(r);
			} else {
				orders_cell(r, sv, "num", NULL,
				    sv->col_text(st, 4));
				orders_cell(r, sv, "num", NULL,
				    sv->show_money(r, sv->col_int(st, 5)));
				orders_cell(r, sv, "num", NULL,
				    sv->col_text(st, 6));
			}
			orders_cell(r, sv, "num", NULL,
			    sv->show_money(r, sv->col_int(st, 7)));
			if (edit) {
				td_open(r, sv, NULL);
				sv->open(r, "input");
				sv->attr(r, "type", "checkbox");
				sv->attr(r, "name", row_name(r, sv, row,
				    "remove"));
				sv->attr(r, "value", "1");
				sv->attr(r, "aria-label", _("Remove"));
				v = sent ? sent_value(r, sv, row, "remove") :
				    NULL;
				if (v != NULL && strcmp(v, "1") == 0)
					sv->attr(r, "checked", "checked");
				sv->close(r);
				sv->close(r);
			}
			sv->close(r);
			row++;
		}
		sv->done(st);
	}
	for (k = 0; k < blank; k++, row++)
		blank_row(r, sv, row, sent);
	return row;
}

static void
total_row(struct kiln_req *r, const struct kiln_services *sv, long long id,
    int edit)
{
	struct kiln_stmt	*st;

	if ((st = sv->sql(r, "SELECT total FROM orders WHERE id = ?1")) ==
	    NULL)
		return;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		sv->open(r, "tfoot");
		sv->open(r, "tr");
		sv->open(r, "th");
		sv->attr(r, "scope", "row");
		sv->attr(r, "colspan", "4");
		sv->text(r, _("Total"));
		sv->close(r);
		orders_cell(r, sv, "num total", NULL,
		    sv->show_money(r, sv->col_int(st, 0)));
		if (edit)
			orders_cell(r, sv, NULL, NULL, "");
		sv->close(r);
		sv->close(r);
	}
	sv->done(st);
}

static void
table_open(struct kiln_req *r, const struct kiln_services *sv, int edit)
{
	sv->open(r, "table");
	sv->attr(r, "class", edit ? "list lines edit" : "list lines");
	orders_head(r, sv, edit ? edit_cols : show_cols, "Line total");
	sv->open(r, "tbody");
}

/* kiln_entity.form: a new order's lines, in its form. */
void
orders_form(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	if (id != 0)
		return;	/* a draft's lines are changed on its page */
	sv->open(r, "fieldset");
	sv->attr(r, "class", "lines");
	sv->open(r, "legend");
	sv->text(r, _("Lines"));
	sv->close(r);
	table_open(r, sv, 1);
	rows(r, sv, 0, 1, sv->items(r, "lines") > 0, BLANK_NEW);
	sv->close(r);	/* tbody */
	sv->close(r);	/* table */
	sv->close(r);	/* fieldset */
}

/*
 * On the order's page: a draft's lines in one form to change, remove
 * and add (to those who may change it), else the lines as they are.
 */
void
orders_lines_page(struct kiln_req *r, const struct kiln_services *sv,
    long long id, int edit, int sent)
{
	struct kiln_stmt	*st;
	char			 path[64], ver[24];

	sv->open(r, "section");
	sv->attr(r, "class", "lines");
	sv->open(r, "h2");
	sv->text(r, _("Lines"));
	sv->close(r);
	if (!edit) {
		table_open(r, sv, 0);
		if (rows(r, sv, id, 0, 0, 0) == 1) {
			sv->close(r);
			sv->close(r);
			sv->open(r, "p");
			sv->attr(r, "class", "empty");
			sv->text(r, _("No lines."));
			sv->close(r);
			sv->close(r);
			return;
		}
		sv->close(r);
		total_row(r, sv, id, 0);
		sv->close(r);
		sv->close(r);
		return;
	}
	snprintf(path, sizeof(path), "/orders/%lld/lines", id);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "lines");
	sv->attr(r, "action", sv->url(r, path));
	sv->csrf(r);
	if ((st = sv->sql(r, "SELECT version FROM orders WHERE id = ?1")) !=
	    NULL) {
		sv->bind_int(st, 1, id);
		if (sv->step(st) == 1) {
			snprintf(ver, sizeof(ver), "%lld", sv->col_int(st, 0));
			sv->open(r, "input");
			sv->attr(r, "type", "hidden");
			sv->attr(r, "name", "version");
			sv->attr(r, "value", ver);
			sv->close(r);
		}
		sv->done(st);
	}
	table_open(r, sv, 1);
	rows(r, sv, id, 1, sent, BLANK_MORE);
	sv->close(r);
	total_row(r, sv, id, 1);
	sv->close(r);	/* table */
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Save lines"));
	sv->close(r);
	sv->close(r);	/* form */
	sv->close(r);	/* section */
}

/*
 * Is row i nothing to add: a form's new row left empty, or a row not
 * sent at all?  (A line with a quantity and no product is no blank:
 * "product is required".)
 */
static int
blank(struct kiln_req *r, const struct kiln_services *sv, size_t i)
{
	const char	*p = sv->item(r, "lines", i, "product");
	const char	*q = sv->item(r, "lines", i, "product.q");

	if ((p != NULL && *p != '\0') || (q != NULL && *q != '\0'))
		return 0;
	return q != NULL || (sv->item(r, "lines", i, "quantity") == NULL &&
	    sv->item(r, "lines", i, "unit_price") == NULL &&
	    sv->item(r, "lines", i, "discount_pct") == NULL);
}

/*
 * Lines sent with a new order (orders_created) or to add to a draft:
 * row i as the fields of a line of order id, through the host.
 */
int
orders_line_new(struct kiln_req *r, const struct kiln_services *sv,
    long long id, size_t i, char *err, size_t errsz)
{
	static const char *const keys[] = {
		"product", "product.q", "quantity", "unit_price", "discount_pct"
	};
	struct kiln_kv	 kv[6];
	char		 why[400];
	long long	 lid;
	size_t		 k, nkv = 0;

	if (blank(r, sv, i))
		return 0;
	kv[nkv++] = (struct kiln_kv)KV_I("order", id);
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (sv->item(r, "lines", i, keys[k]) != NULL)
			kv[nkv++] = (struct kiln_kv)KV_S(keys[k],
			    sv->item(r, "lines", i, keys[k]));
	if (sv->create(r, "order_line", kv, nkv, &lid, why,
	    sizeof(why)) != 0) {
		snprintf(err, errsz, _("line %zu: %s"), i + 1, why);
		return -1;
	}
	return 0;
}

/* Row i names line lid of order id: remove it, or change it. */
static int
line_change(struct kiln_req *r, const struct kiln_services *sv,
    long long id, size_t i, long long lid, char *err, size_t errsz)
{
	static const char *const keys[] = {
		"quantity", "unit_price", "discount_pct"
	};
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[3];
	const char		*v, *rm = sv->item(r, "lines", i, "remove");
	char			 now[3][32], why[400];
	size_t			 k, n = 0;
	int			 rc;

	if ((st = sv->sql(r, "SELECT quantity, unit_price, discount_pct FROM"
	    " order_lines WHERE id = ?1 AND \"order\" = ?2")) == NULL)
		return -1;
	sv->bind_int(st, 1, lid);
	sv->bind_int(st, 2, id);
	if ((rc = sv->step(st)) == 1) {
		snprintf(now[0], sizeof(now[0]), "%s", sv->col_text(st, 0));
		snprintf(now[1], sizeof(now[1]), "%s",
		    sv->money(r, sv->col_int(st, 1)));
		snprintf(now[2], sizeof(now[2]), "%s", sv->col_text(st, 2));
	}
	sv->done(st);
	if (rc != 1) {
		snprintf(err, errsz, _("line %zu: not a line of this order"),
		    i + 1);
		return -1;
	}
	if (rm != NULL && strcmp(rm, "1") == 0) {
		if ((st = sv->sql(r, "DELETE FROM order_lines WHERE id = ?1"
		    " AND \"order\" = ?2")) == NULL)
			return -1;
		sv->bind_int(st, 1, lid);
		sv->bind_int(st, 2, id);
		rc = sv->step(st);
		sv->done(st);
		if (rc != 0 || sv->audit(r, "delete", "order_line", lid,
		    "") != 0) {
			snprintf(err, errsz, _("line %zu: could not be"
			    " removed"), i + 1);
			return -1;
		}
		return 0;
	}
	/* Only what changed; an emptied price stays as it was. */
	for (k = 0; k < 3; k++) {
		v = sv->item(r, "lines", i, keys[k]);
		if (v != NULL && *v != '\0' && strcmp(v, now[k]) != 0)
			kv[n++] = (struct kiln_kv)KV_S(keys[k], v);
	}
	if (n == 0)
		return 0;
	if (sv->update(r, "order_line", lid, kv, n, why, sizeof(why)) != 0) {
		snprintf(err, errsz, _("line %zu: %s"), i + 1, why);
		return -1;
	}
	return 0;
}

/*
 * POST /orders/#/lines: a draft's lines changed, removed and added in
 * one transaction; a refused row undoes the lot and the form comes
 * back with what was sent and which line is wrong.
 */
int
orders_lines(struct kiln_req *r, const struct kiln_services *sv)
{
	long long	 id = sv->route_id(r), lid;
	const char	*ver, *v;
	char		 status[32], err[512], path[64];
	size_t		 i, n;
	int		 rc = 0, code = 422;
	struct kiln_stmt *st;
	long long	 version = 0;

	*err = '\0';
	if (orders_begin(r, sv, id, status, sizeof(status)) == -1)
		return 0;
	if (strcmp(status, "draft") != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict",
		    _("only a draft order can be changed"));
	}
	if ((st = sv->sql(r, "SELECT version FROM orders WHERE id = ?1")) !=
	    NULL) {
		sv->bind_int(st, 1, id);
		if (sv->step(st) == 1)
			version = sv->col_int(st, 0);
		sv->done(st);
	}
	ver = sv->param(r, "version");
	if (ver != NULL && *ver != '\0' && orders_version_of(ver) != version) {
		snprintf(err, sizeof(err), "%s", _("The order was changed"
		    " meanwhile; look at it again before you go on."));
		code = 409;
		rc = -1;
	}
	n = sv->items(r, "lines");
	for (i = 0; rc == 0 && i < n; i++) {
		if ((v = sv->item(r, "lines", i, "id")) != NULL) {
			lid = strtoll(v, NULL, 10);
			if (lid <= 0 || strlen(v) > 18) {
				snprintf(err, sizeof(err), _("line %zu: not a"
				    " line of this order"), i + 1);
				rc = -1;
			} else
				rc = line_change(r, sv, id, i, lid, err,
				    sizeof(err));
		} else
			rc = orders_line_new(r, sv, id, i, err, sizeof(err));
	}
	if (rc != 0) {
		sv->rollback(r);
		if (*err == '\0')
			snprintf(err, sizeof(err), "%s", _("Internal error."));
		if (sv->wants_xml(r))
			return sv->error(r, code, code == 409 ? "stale" :
			    "invalid", err);
		if (orders_refusal_begin(r, sv, code, _("Lines"), err) != 0)
			return -1;
		orders_lines_page(r, sv, id, 1, code == 422);
		return orders_refusal_end(r, sv, id);
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "order", id, 0);
	snprintf(path, sizeof(path), "/orders/%lld?done=saved", id);
	return sv->redirect(r, path);
}
