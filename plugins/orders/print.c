/*
 * print.c - GET /orders/ID/print: the order as a document to send, an
 * order confirmation (a quotation while it is a draft), in the reader's
 * language, laid out for A4 by the print stylesheet (kiln.css, @media
 * print): the company from kiln.conf (company_*), the customer, the
 * dates and terms, the lines and the total.
 */
#include <stdio.h>
#include <string.h>

#include "orders.h"

static const char *const line_cols[] = {
	N_("SKU"), N_("Product"), N_("Quantity"), N_("Unit price"),
	N_("Discount %"), N_("Line total"), NULL
};

static void
elem(struct kiln_req *r, const struct kiln_services *sv, const char *el,
    const char *cls, const char *text)
{
	sv->open(r, el);
	if (cls != NULL)
		sv->attr(r, "class", cls);
	sv->text(r, text);
	sv->close(r);
}

/* "line one | line two" as lines of an address. */
static void
address(struct kiln_req *r, const struct kiln_services *sv, const char *s)
{
	const char	*bar;
	char		 line[256];
	size_t		 n;

	while (*s != '\0') {
		bar = strstr(s, " | ");
		n = bar != NULL ? (size_t)(bar - s) : strlen(s);
		snprintf(line, sizeof(line), "%.*s", (int)n, s);
		elem(r, sv, "span", "line", line);
		s += n;
		if (bar != NULL)
			s += 3;
	}
}

/* Who sends it: the company's logo, name, address and how to reach it. */
static void
sender(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*logo = sv->company(r, "company_logo");
	const char	*name = sv->company(r, "company_name");

	sv->open(r, "header");
	sv->attr(r, "class", "sender");
	/* Only an image of this site: the page's policy allows no other. */
	if (logo != NULL && logo[0] == '/' && logo[1] != '/') {
		sv->open(r, "img");
		sv->attr(r, "src", logo);
		sv->attr(r, "alt", name != NULL ? name : "");
		sv->attr(r, "class", "logo");
		sv->close(r);
	}
	sv->open(r, "address");
	if (name != NULL && *name != '\0')
		elem(r, sv, "strong", NULL, name);
	address(r, sv, sv->company(r, "company_address"));
	if (*sv->company(r, "company_phone") != '\0')
		elem(r, sv, "span", "line", sv->company(r, "company_phone"));
	if (*sv->company(r, "company_email") != '\0')
		elem(r, sv, "span", "line", sv->company(r, "company_email"));
	sv->close(r);
	sv->close(r);
}

static void
fact(struct kiln_req *r, const struct kiln_services *sv, const char *label,
    const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	elem(r, sv, "dt", NULL, label);
	elem(r, sv, "dd", NULL, value);
}

static void
lines(struct kiln_req *r, const struct kiln_services *sv, long long id,
    long long total)
{
	struct kiln_stmt	*st;

	if ((st = sv->sql(r, "SELECT p.sku, p.name, l.quantity, l.unit_price,"
	    " l.discount_pct, l.line_total FROM order_lines l JOIN products p"
	    " ON p.id = l.product WHERE l.\"order\" = ?1 ORDER BY l.id")) ==
	    NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->open(r, "table");
	sv->attr(r, "class", "list print-lines");
	orders_head(r, sv, line_cols, "Line total");
	sv->open(r, "tbody");
	while (sv->step(st) == 1) {
		sv->open(r, "tr");
		orders_cell(r, sv, NULL, NULL, sv->col_text(st, 0));
		orders_cell(r, sv, NULL, NULL, sv->col_text(st, 1));
		orders_cell(r, sv, "num", NULL, sv->col_text(st, 2));
		orders_cell(r, sv, "num", NULL,
		    sv->show_money(r, sv->col_int(st, 3)));
		orders_cell(r, sv, "num", NULL, sv->col_text(st, 4));
		orders_cell(r, sv, "num", NULL,
		    sv->show_money(r, sv->col_int(st, 5)));
		sv->close(r);
	}
	sv->done(st);
	sv->close(r);
	sv->open(r, "tfoot");
	sv->open(r, "tr");
	sv->open(r, "th");
	sv->attr(r, "scope", "row");
	sv->attr(r, "colspan", "5");
	sv->text(r, _("Total"));
	sv->close(r);
	orders_cell(r, sv, "num total", NULL, sv->show_money(r, total));
	sv->close(r);
	sv->close(r);
	sv->close(r);
}

int
orders_print(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 id = sv->route_id(r), total;
	const char		*kind;
	char			 title[160], path[64];
	int			 draft, rc;

	if (sv->access(r, "order", id) < 0)
		return sv->error(r, 404, "not_found", _("No such record."));
	if ((st = sv->sql(r, "SELECT o.number, o.status, substr(o.created_at,"
	    " 1, 10), o.requested_date, o.promised_date, o.payment_terms,"
	    " o.total, o.notes, c.name, c.address, c.city, c.country,"
	    " coalesce(nullif(u.name, ''), u.login, ''), coalesce((SELECT"
	    " k.name FROM contacts k WHERE k.customer = c.id AND k.\"primary\" = 1"
	    " ORDER BY k.id LIMIT 1), '') FROM orders o JOIN customers c ON"
	    " c.id = o.customer LEFT JOIN users u ON u.id = o.owner"
	    " WHERE o.id = ?1")) == NULL)
		return sv->error(r, 500, "internal", _("Internal error."));
	sv->bind_int(st, 1, id);
	if ((rc = sv->step(st)) != 1) {
		sv->done(st);
		return rc == 0 ? sv->error(r, 404, "not_found",
		    _("No such record.")) : sv->error(r, 500, "internal",
		    _("Internal error."));
	}
	draft = strcmp(sv->col_text(st, 1), "draft") == 0;
	kind = draft ? _("Quotation") : _("Order confirmation");
	snprintf(title, sizeof(title), "%s %s", kind, sv->col_text(st, 0));
	total = sv->col_int(st, 6);
	if (sv->begin(r, 200, NULL, title) != 0) {
		sv->done(st);
		return -1;
	}
	sv->open(r, "article");
	sv->attr(r, "class", "print");
	sender(r, sv);
	elem(r, sv, "h1", NULL, kind);
	sv->open(r, "section");
	sv->attr(r, "class", "recipient");
	sv->open(r, "address");
	elem(r, sv, "strong", NULL, sv->col_text(st, 8));
	if (*sv->col_text(st, 13) != '\0')
		elem(r, sv, "span", "line", sv->col_text(st, 13));
	address(r, sv, sv->col_text(st, 9));
	if (*sv->col_text(st, 10) != '\0' || *sv->col_text(st, 11) != '\0') {
		snprintf(path, sizeof(path), "%s%s%s", sv->col_text(st, 10),
		    *sv->col_text(st, 10) && *sv->col_text(st, 11) ? ", " : "",
		    sv->col_text(st, 11));
		elem(r, sv, "span", "line", path);
	}
	sv->close(r);
	sv->close(r);
	sv->open(r, "dl");
	sv->attr(r, "class", "facts");
	fact(r, sv, _("Number"), sv->col_text(st, 0));
	fact(r, sv, _("Date"), sv->col_text(st, 2));
	fact(r, sv, _("Requested date"), sv->col_text(st, 3));
	fact(r, sv, _("Promised date"), sv->col_text(st, 4));
	fact(r, sv, _("Payment terms"), sv->show_enum(r,
	    sv->col_text(st, 5)));
	fact(r, sv, _("Your contact"), sv->col_text(st, 12));
	sv->close(r);
	lines(r, sv, id, total);
	if (*sv->col_text(st, 7) != '\0')
		elem(r, sv, "p", "notes", sv->col_text(st, 7));
	if (draft)
		elem(r, sv, "p", "terms", _("This quotation is valid for 30"
		    " days. Prices are in the currency shown, before tax."));
	else
		elem(r, sv, "p", "terms", _("Thank you for your order. Please"
		    " quote its number with your payment."));
	sv->done(st);
	sv->open(r, "p");
	sv->attr(r, "class", "noprint");
	snprintf(path, sizeof(path), "/orders/%lld", id);
	sv->open(r, "button");
	sv->attr(r, "type", "button");
	sv->attr(r, "data-print", "1");
	sv->attr(r, "hidden", "hidden");	/* kiln.js shows it */
	sv->text(r, _("Print"));
	sv->close(r);
	sv->text(r, " ");
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, path));
	sv->text(r, _("Back to the order"));
	sv->close(r);
	sv->close(r);
	sv->close(r);	/* article */
	return sv->end(r);
}
