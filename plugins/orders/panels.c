/*
 * panels.c - what orders put on the home page: the held queue, what is
 * late, customers on credit watch, overdue invoices by age and open
 * orders by status.  Every count is of orders (or customers) the
 * viewer may read, chosen in SQL, and links to the list it counts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "orders.h"

#define PANEL_ROWS	5	/* rows of a panel's table; the rest a link */

/*
 * "N things" (fmt with n) as a link to path, the list they are; none
 * when there are none (nothing at all when that is "").
 */
static void	count_link(struct kiln_req *, const struct kiln_services *,
	    const char *, const char *, long long, const char *, ...)
	    __attribute__((format(printf, 6, 7)));

static void
count_link(struct kiln_req *r, const struct kiln_services *sv,
    const char *path, const char *empty, long long n, const char *fmt, ...)
{
	char	 text[160];
	va_list	 ap;

	if (n == 0 && *empty == '\0')
		return;
	sv->open(r, "p");
	sv->attr(r, "class", n ? "count" : "empty");
	if (n == 0) {
		sv->text(r, empty);
		sv->close(r);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, path));
	sv->text(r, text);
	sv->close(r);
	sv->close(r);
}

/* The line a panel shows when it has nothing. */
static void
none(struct kiln_req *r, const struct kiln_services *sv, const char *text)
{
	sv->open(r, "p");
	sv->attr(r, "class", "empty");
	sv->text(r, text);
	sv->close(r);
}

/* After a table opened at its first row: its end, or the line for none. */
static void
rows_end(struct kiln_req *r, const struct kiln_services *sv, int rows,
    const char *empty)
{
	if (rows)
		orders_table_end(r, sv, 1, "");
	else
		none(r, sv, empty);
}

static const char *const held_cols[] = {
	N_("Order"), N_("Customer"), N_("Total"), N_("Days on hold"), NULL
};

/* The oldest held orders first: the queue to work through. */
static void
held(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 path[64];
	long long		 n;
	int			 row = 0;

	if ((st = sv->sql(r, "SELECT o.id, o.number, c.name, o.total,"
	    " CAST(julianday(" TODAY ") - julianday(substr(o.updated_at, 1,"
	    " 10)) AS INTEGER), count(*) OVER () FROM orders o JOIN customers"
	    " c ON c.id = o.customer WHERE o.status = 'on_hold' AND"
	    " kiln_readable('order', o.id) ORDER BY o.updated_at, o.id"
	    " LIMIT " KILN_STR(PANEL_ROWS))) == NULL)
		return;
	while (sv->step(st) == 1) {
		if (row++ == 0) {
			n = sv->col_int(st, 5);
			count_link(r, sv, "/orders/held", "", n,
			    _("Orders on hold: %lld"), n);
			sv->open(r, "table");
			sv->attr(r, "class", "list");
			orders_head(r, sv, held_cols, "Total");
			sv->open(r, "tbody");
		}
		snprintf(path, sizeof(path), "/orders/%lld",
		    sv->col_int(st, 0));
		sv->open(r, "tr");
		orders_cell(r, sv, NULL, path, sv->col_text(st, 1));
		orders_cell(r, sv, NULL, NULL, sv->col_text(st, 2));
		orders_cell(r, sv, "num", NULL,
		    sv->show_money(r, sv->col_int(st, 3)));
		orders_cell(r, sv, "num", NULL, sv->col_text(st, 4));
		sv->close(r);
	}
	sv->done(st);
	rows_end(r, sv, row, _("Nothing is on hold."));
}

/* Late deliveries and overdue payments, each counted, the worst first. */
static void
late(struct kiln_req *r, const struct kiln_services *sv)
{
	static const char *const cols[] = {
		N_("Order"), N_("Customer"), N_("Late"), N_("Days late"), NULL
	};
	struct kiln_stmt	*st;
	char			 path[64];
	int			 row = 0;

	if ((st = sv->sql(r, "SELECT o.id, o.number, c.name, "
	    LATE_DELIVERY("o.") ", CAST(julianday(" TODAY ") - julianday("
	    "CASE WHEN " LATE_DELIVERY("o.") " THEN o.promised_date ELSE"
	    " o.due_date END) AS INTEGER) AS days, count(*) OVER (),"
	    " sum(CASE WHEN " LATE_DELIVERY("o.") " THEN 1 ELSE 0 END)"
	    " OVER () FROM orders o JOIN customers c ON c.id = o.customer"
	    " WHERE (" LATE_DELIVERY("o.") " OR " OVERDUE("o.") ") AND"
	    " kiln_readable('order', o.id) ORDER BY days DESC, o.id"
	    " LIMIT " KILN_STR(PANEL_ROWS))) == NULL)
		return;
	while (sv->step(st) == 1) {
		if (row++ == 0) {
			count_link(r, sv, "/orders/late", "",
			    sv->col_int(st, 6), _("Late deliveries: %lld"),
			    sv->col_int(st, 6));
			count_link(r, sv, "/orders/late", "",
			    sv->col_int(st, 5) - sv->col_int(st, 6),
			    _("Overdue payments: %lld"),
			    sv->col_int(st, 5) - sv->col_int(st, 6));
			sv->open(r, "table");
			sv->attr(r, "class", "list");
			orders_head(r, sv, cols, "Days late");
			sv->open(r, "tbody");
		}
		snprintf(path, sizeof(path), "/orders/%lld",
		    sv->col_int(st, 0));
		sv->open(r, "tr");
		orders_cell(r, sv, NULL, path, sv->col_text(st, 1));
		orders_cell(r, sv, NULL, NULL, sv->col_text(st, 2));
		orders_cell(r, sv, NULL, NULL, sv->col_int(st, 3) ?
		    _("Delivery") : _("Payment"));
		orders_cell(r, sv, "num late", NULL, sv->col_text(st, 4));
		sv->close(r);
	}
	sv->done(st);
	rows_end(r, sv, row, _("Nothing is late."));
}

/* Customers whose credit is on watch or hold: who to call first. */
static void
credit(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 watch = 0, hold = 0;

	if ((st = sv->sql(r, "SELECT coalesce(sum(CASE WHEN credit_status ="
	    " 'watch' THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN"
	    " credit_status = 'hold' THEN 1 ELSE 0 END), 0) FROM customers"
	    " WHERE credit_status IN ('watch', 'hold') AND"
	    " kiln_readable('customer', id)")) == NULL)
		return;
	if (sv->step(st) == 1) {
		watch = sv->col_int(st, 0);
		hold = sv->col_int(st, 1);
	}
	sv->done(st);
	if (watch + hold == 0) {
		none(r, sv, _("Every customer's credit is in good standing."));
		return;
	}
	count_link(r, sv, "/customers?credit_status=hold", "", hold,
	    _("On credit hold: %lld"), hold);
	count_link(r, sv, "/customers?credit_status=watch", "", watch,
	    _("On credit watch: %lld"), watch);
}

/* Unpaid invoices past due, by how long: what finance chases. */
static void
overdue_age(struct kiln_req *r, const struct kiln_services *sv)
{
	static const char *const ages[] = {
		N_("1 to 30 days"), N_("31 to 60 days"), N_("61 to 90 days"),
		N_("over 90 days")
	};
	struct kiln_bar		 bars[4];
	struct kiln_stmt	*st;
	long long		 amount[4] = { 0, 0, 0, 0 }, count = 0;
	int			 k;

	if ((st = sv->sql(r, "SELECT CASE WHEN days <= 30 THEN 0 WHEN"
	    " days <= 60 THEN 1 WHEN days <= 90 THEN 2 ELSE 3 END AS age,"
	    " sum(owed), count(*) FROM (SELECT CAST(julianday(" TODAY ") -"
	    " julianday(due_date) AS INTEGER) AS days, invoiced_amount -"
	    " paid_amount AS owed FROM orders WHERE " OVERDUE("")
	    " AND kiln_readable('order', id)) AS late GROUP BY age")) == NULL)
		return;
	while (sv->step(st) == 1) {
		k = (int)sv->col_int(st, 0);
		if (k >= 0 && k < 4) {
			amount[k] = sv->col_int(st, 1);
			count += sv->col_int(st, 2);
		}
	}
	sv->done(st);
	if (count == 0) {
		none(r, sv, _("No invoice is overdue."));
		return;
	}
	count_link(r, sv, "/orders/late", "", count,
	    _("Overdue invoices: %lld"), count);
	for (k = 0; k < 4; k++) {
		bars[k].label = _(ages[k]);
		bars[k].value = amount[k];
		bars[k].text = sv->show_money(r, amount[k]);
		bars[k].href = "/orders/late";
	}
	sv->chart(r, _("Overdue invoices by age"), bars, 4);
}

/* Open orders by status: how much is where, each bar its list. */
static void
pipeline(struct kiln_req *r, const struct kiln_services *sv)
{
	static const char *const open_states[] = {
		"draft", "submitted", "on_hold", "approved", "in_production",
		"shipped", "delivered", "invoiced"
	};
#define NOPEN	(sizeof(open_states) / sizeof(open_states[0]))
	struct kiln_bar		 bars[NOPEN];
	struct kiln_stmt	*st;
	long long		 cnt[NOPEN], sum[NOPEN], all = 0;
	char			*path, *text;
	size_t			 k;

	memset(cnt, 0, sizeof(cnt));
	memset(sum, 0, sizeof(sum));
	/* The open states by name: the status index serves the IN list. */
	if ((st = sv->sql(r, "SELECT status, count(*), sum(total) FROM orders"
	    " WHERE status IN ('draft', 'submitted', 'on_hold', 'approved',"
	    " 'in_production', 'shipped', 'delivered', 'invoiced') AND"
	    " kiln_readable('order', id) GROUP BY status")) == NULL)
		return;
	while (sv->step(st) == 1)
		for (k = 0; k < NOPEN; k++)
			if (strcmp(sv->col_text(st, 0), open_states[k]) == 0) {
				cnt[k] = sv->col_int(st, 1);
				sum[k] = sv->col_int(st, 2);
				all += cnt[k];
			}
	sv->done(st);
	if (all == 0) {
		none(r, sv, _("No open orders. A new one starts from"
		    " Orders, New Order."));
		return;
	}
	for (k = 0; k < NOPEN; k++) {
		path = sv->alloc(r, 64);
		snprintf(path, 64, "/orders?status=%s", open_states[k]);
		text = sv->alloc(r, 96);
		snprintf(text, 96, "%lld \u00b7 %s", cnt[k],
		    sv->show_money(r, sum[k]));
		bars[k].label = sv->show_enum(r, open_states[k]);
		bars[k].value = sum[k];
		bars[k].text = text;
		bars[k].href = path;
	}
	sv->chart(r, _("Open orders by status"), bars, NOPEN);
#undef NOPEN
}

static const char *const deciders[] = {
	"sales", "manager", "finance", "admin", NULL
};
static const char *const trackers[] = {
	"sales", "manager", "finance", "office", "admin", NULL
};
static const char *const creditors[] = {
	"sales", "manager", "finance", "admin", NULL
};
static const char *const collectors[] = {
	"finance", "manager", "admin", NULL
};

const struct kiln_panel orders_panels[] = {
	{ "held", N_("Orders on hold"), deciders, 10, held },
	{ "late", N_("Late orders"), trackers, 20, late },
	{ "overdue", N_("Overdue invoices"), collectors, 25, overdue_age },
	{ "credit", N_("Credit watch"), creditors, 30, credit },
	{ "pipeline", N_("Open orders"), NULL, 40, pipeline },
	{ NULL, NULL, NULL, 0, NULL }
};
