/*
 * page.c - a customer's value on its page: the class and the scores,
 * revenue, margin, orders, how it pays, the lifetime value, the
 * margin month by month as last computed, and an open segment
 * suggestion with its buttons for those who decide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

#define HISTORY_MONTHS	12

/* A term of the record's list, its description left open. */
static void
term(struct kiln_req *r, const struct kiln_services *sv, const char *dt)
{
	sv->open(r, "dt");
	sv->text(r, dt);
	sv->close(r);
	sv->open(r, "dd");
}

/* The margin of each month computed, the last HISTORY_MONTHS. */
static void
history(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	struct kiln_bar		 bars[HISTORY_MONTHS];
	size_t			 n = 0, any = 0;
	char			*label;

	if ((st = sv->sql(r, "SELECT month, margin, class FROM (SELECT month,"
	    " margin, class FROM customer_value_months WHERE customer = ?1"
	    " ORDER BY month DESC LIMIT 12) m ORDER BY month")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	while (n < HISTORY_MONTHS && sv->step(st) == 1) {
		label = sv->alloc(r, 32);
		snprintf(label, 32, "%.7s %.1s", sv->col_text(st, 0),
		    sv->col_text(st, 2));
		bars[n].label = label;
		bars[n].value = sv->col_int(st, 1) > 0 ? sv->col_int(st, 1) : 0;
		any += bars[n].value > 0;
		bars[n].text = sv->show_money(r, sv->col_int(st, 1));
		bars[n++].href = NULL;
	}
	sv->done(st);
	if (n > 1 && any)
		sv->chart(r, _("The window's margin as computed each month,"
		    " and the class"), bars, n);
}

/* kiln_section.page of customers: the customer's value. */
void
value_section(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	long long		 revenue, margin, orders, inv, late, days;
	char			 line[256], path[64];

	if ((st = sv->sql(r, "SELECT computed_at, since, revenue, margin,"
	    " orders, last_invoice, invoices, late, late_days, r, f, m,"
	    " class, ltv FROM customer_values WHERE customer = ?1")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->open(r, "section");
	sv->attr(r, "class", "value");
	sv->open(r, "h2");
	sv->text(r, _("Value"));
	sv->close(r);
	if (sv->step(st) != 1) {
		sv->done(st);
		sv->open(r, "p");
		sv->text(r, _("Not worked out yet: the customer_value job does"
		    " it once a day."));
		sv->close(r);
		sv->close(r);
		return;
	}
	revenue = sv->col_int(st, 2);
	margin = sv->col_int(st, 3);
	orders = sv->col_int(st, 4);
	inv = sv->col_int(st, 6);
	late = sv->col_int(st, 7);
	days = sv->col_int(st, 8);
	sv->open(r, "dl");
	sv->attr(r, "class", "record");
	term(r, sv, _("Class"));
	sv->text(r, *sv->col_text(st, 12) != '\0' ? sv->col_text(st, 12) :
	    _("none: never invoiced"));
	sv->close(r);
	if (*sv->col_text(st, 5) != '\0') {
		term(r, sv, _("Recency, frequency, monetary (1\u20135)"));
		snprintf(line, sizeof(line), "R %lld \u00b7 F %lld \u00b7 M %lld",
		    sv->col_int(st, 9), sv->col_int(st, 10),
		    sv->col_int(st, 11));
		sv->text(r, line);
		sv->close(r);
	}
	snprintf(line, sizeof(line), _("Revenue since %s"),
	    sv->col_text(st, 1));
	term(r, sv, line);
	sv->text(r, sv->show_money(r, revenue));
	sv->close(r);
	term(r, sv, _("Margin"));
	sv->text(r, sv->show_money(r, margin));
	if (revenue > 0) {
		snprintf(line, sizeof(line), " (%lld %%)", margin * 100 /
		    revenue);
		sv->text(r, line);
	}
	sv->close(r);
	term(r, sv, _("Orders"));
	snprintf(line, sizeof(line), "%lld", orders);
	sv->text(r, line);
	if (orders > 0) {
		sv->text(r, _(", on average "));
		sv->text(r, sv->show_money(r, revenue / orders));
	}
	sv->close(r);
	term(r, sv, _("Last invoice"));
	sv->text(r, *sv->col_text(st, 5) != '\0' ? sv->col_text(st, 5) :
	    _("never"));
	sv->close(r);
	term(r, sv, _("Payment"));
	if (inv == 0)
		sv->text(r, _("no invoice fell due in the window"));
	else {
		snprintf(line, sizeof(line), _("%lld of %lld invoices paid"
		    " late or overdue; %.1f days after due on average"), late,
		    inv, (double)days / (double)inv);
		sv->text(r, line);
	}
	sv->close(r);
	term(r, sv, _("Lifetime value"));
	sv->text(r, sv->show_money(r, sv->col_int(st, 13)));
	sv->close(r);
	sv->close(r);	/* dl */
	sv->open(r, "p");
	sv->attr(r, "class", "note");
	sv->text(r, _("Worked out at "));
	sv->text(r, sv->show_time(r, sv->col_text(st, 0)));
	sv->text(r, " \u00b7 ");
	sv->done(st);
	kit_link(r, sv, "/reports/customer-value", _("every customer's"));
	sv->close(r);
	history(r, sv, id);
	snprintf(path, sizeof(path), "/customers/%lld", id);
	value_suggestion_form(r, sv, id, path);
	sv->close(r);	/* section */
}
