/*
 * competitors.c - who else is in a deal: on the deal's page a table of
 * its competitors with their price where known and notes, a form to
 * add one (or change its price and notes) and a button to take one
 * off; in the deal's XML <competitors><competitor id price>.  What
 * win/loss per competitor is counted from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deals.h"

static void
cell(struct kiln_req *r, const struct kiln_services *sv, const char *cls,
    const char *text)
{
	sv->open(r, "td");
	if (cls != NULL)
		sv->attr(r, "class", cls);
	sv->text(r, text);
	sv->close(r);
}

/* The form that adds a competitor to deal id (or changes its entry). */
static void
add_form(struct kiln_req *r, const struct kiln_services *sv, long long id)
{
	struct kiln_stmt	*st;
	char			 path[64], num[24];

	snprintf(path, sizeof(path), "/deals/%lld/competitors", id);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "act");
	sv->attr(r, "action", sv->url(r, path));
	sv->csrf(r);
	sv->open(r, "select");
	sv->attr(r, "name", "competitor");
	sv->attr(r, "aria-label", _("Competitor"));
	sv->attr(r, "required", "required");
	sv->open(r, "option");
	sv->attr(r, "value", "");
	sv->text(r, _("Competitor\u2026"));
	sv->close(r);
	if ((st = sv->sql(r, "SELECT id, name FROM competitors ORDER BY name,"
	    " id LIMIT 500")) != NULL) {
		while (sv->step(st) == 1) {
			snprintf(num, sizeof(num), "%lld", sv->col_int(st, 0));
			sv->open(r, "option");
			sv->attr(r, "value", num);
			sv->text(r, sv->col_text(st, 1));
			sv->close(r);
		}
		sv->done(st);
	}
	sv->close(r);
	sv->open(r, "input");
	sv->attr(r, "name", "price");
	sv->attr(r, "inputmode", "decimal");
	sv->attr(r, "aria-label", _("Their price"));
	sv->attr(r, "placeholder", _("Their price, if known"));
	sv->close(r);
	sv->open(r, "input");
	sv->attr(r, "name", "notes");
	sv->attr(r, "maxlength", "500");
	sv->attr(r, "aria-label", _("Notes"));
	sv->attr(r, "placeholder", _("Notes"));
	sv->close(r);
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, _("Add competitor"));
	sv->close(r);
	sv->close(r);
}

void
deals_competitors_page(struct kiln_req *r, const struct kiln_services *sv,
    long long id, int writable)
{
	static const char *const cols[] = {
		N_("Competitor"), N_("Prices against ours"), N_("Their price"),
		N_("Notes"), NULL
	};
	struct kiln_stmt	*st;
	char			 path[64], num[24];
	int			 any = 0;

	if ((st = sv->sql(r, "SELECT c.id, c.name, c.price_level, dc.price,"
	    " dc.notes FROM deal_competitors dc JOIN competitors c ON c.id ="
	    " dc.competitor WHERE dc.deal = ?1 ORDER BY c.name, c.id")) ==
	    NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->open(r, "section");
	sv->attr(r, "class", "competitors");
	sv->open(r, "h2");
	sv->text(r, _("Competitors"));
	sv->close(r);
	while (sv->step(st) == 1) {
		if (!any) {
			deals_table(r, sv, cols, writable);
			sv->open(r, "tbody");
		}
		any = 1;
		snprintf(path, sizeof(path), "/competitors/%lld",
		    sv->col_int(st, 0));
		sv->open(r, "tr");
		sv->open(r, "td");
		sv->open(r, "a");
		sv->attr(r, "href", sv->url(r, path));
		sv->text(r, sv->col_text(st, 1));
		sv->close(r);
		sv->close(r);
		cell(r, sv, NULL, sv->show_enum(r, sv->col_text(st, 2)));
		cell(r, sv, "num", sv->col_int(st, 3) > 0 ?
		    sv->show_money(r, sv->col_int(st, 3)) : "");
		cell(r, sv, NULL, sv->col_text(st, 4));
		if (writable) {
			sv->open(r, "td");
			snprintf(path, sizeof(path), "/deals/%lld/competitors",
			    id);
			sv->open(r, "form");
			sv->attr(r, "method", "post");
			sv->attr(r, "class", "inline");
			sv->attr(r, "action", sv->url(r, path));
			sv->csrf(r);
			snprintf(num, sizeof(num), "%lld", sv->col_int(st, 0));
			deals_hidden(r, sv, "remove", num);
			sv->open(r, "button");
			sv->attr(r, "type", "submit");
			sv->text(r, _("Remove"));
			sv->close(r);
			sv->close(r);
			sv->close(r);
		}
		sv->close(r);
	}
	sv->done(st);
	if (any) {
		sv->close(r);	/* tbody */
		sv->close(r);	/* table */
	} else {
		sv->open(r, "p");
		sv->attr(r, "class", "empty");
		sv->text(r, _("No competitor named yet."));
		sv->close(r);
	}
	if (writable)
		add_form(r, sv, id);
	sv->close(r);
}

void
deals_competitors_xml(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	char			 num[24];

	if ((st = sv->sql(r, "SELECT c.id, c.name, dc.price, dc.notes FROM"
	    " deal_competitors dc JOIN competitors c ON c.id = dc.competitor"
	    " WHERE dc.deal = ?1 ORDER BY c.name, c.id")) == NULL)
		return;
	sv->bind_int(st, 1, id);
	sv->open(r, "competitors");
	while (sv->step(st) == 1) {
		sv->open(r, "competitor");
		snprintf(num, sizeof(num), "%lld", sv->col_int(st, 0));
		sv->attr(r, "id", num);
		if (sv->col_int(st, 2) > 0)
			sv->attr(r, "price", sv->money(r, sv->col_int(st, 2)));
		if (*sv->col_text(st, 3) != '\0')
			sv->attr(r, "notes", sv->col_text(st, 3));
		sv->text(r, sv->col_text(st, 1));
		sv->close(r);
	}
	sv->close(r);
	sv->done(st);
}

/* The deal's products of interest in its document. */
void
deals_lines_xml(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	struct kiln_stmt	*st;
	char			 num[24];

	if ((st = sv->sql(r, "SELECT l.id, l.product, p.name, l.quantity FROM"
	    " deal_lines l JOIN products p ON p.id = l.product WHERE"
	    " l.deal = ?1 ORDER BY l.id")) == NULL)
		return;
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
		sv->close(r);
	}
	sv->close(r);
	sv->done(st);
}

long long
deals_id_of(const char *s)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0' || strlen(s) > 18)
		return 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v > 0 ? v : 0;
}

/*
 * POST /deals/#/competitors: competitor (an id), price (money, empty:
 * unknown) and notes add it or change its entry; remove (an id) takes
 * it off.  Whoever may change the deal; the deal's version moves and
 * the audit says what.
 */
int
deals_competitors(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 id = sv->route_id(r), cid, price = 0;
	const char		*p = sv->param(r, "price");
	const char		*notes = sv->param(r, "notes");
	const char		*rm = sv->param(r, "remove");
	char			 detail[96], path[64];
	int			 rc;

	cid = deals_id_of(rm != NULL ? rm : sv->param(r, "competitor"));
	if (cid == 0)
		return sv->error(r, 422, "invalid", _("Choose a competitor."));
	if (rm == NULL && p != NULL && *p != '\0' &&
	    (sv->parse_money(p, &price) != 0 || price < 0))
		return sv->error(r, 422, "invalid", _("Their price is an"
		    " amount like 1234.50, or empty when not known."));
	if (notes != NULL && strlen(notes) > 500)
		return sv->error(r, 422, "invalid",
		    _("Notes hold at most 500 bytes."));
	if (deals_begin(r, sv, id) != 0)
		return 0;	/* answered */
	if (rm == NULL && (st = sv->sql(r, "SELECT count(*) FROM competitors"
	    " WHERE id = ?1")) != NULL) {
		sv->bind_int(st, 1, cid);
		rc = sv->step(st) == 1 ? (int)sv->col_int(st, 0) : 0;
		sv->done(st);
		if (rc == 0) {
			sv->rollback(r);
			return sv->error(r, 422, "invalid",
			    _("No such competitor."));
		}
	}
	if (rm != NULL)
		st = sv->sql(r, "DELETE FROM deal_competitors WHERE deal = ?1"
		    " AND competitor = ?2");
	else
		st = sv->sql(r, "INSERT INTO deal_competitors (deal,"
		    " competitor, price, notes) SELECT ?1, id, ?3, ?4 FROM"
		    " competitors WHERE id = ?2 ON CONFLICT (deal, competitor)"
		    " DO UPDATE SET price = excluded.price, notes ="
		    " excluded.notes");
	if (st == NULL) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	sv->bind_int(st, 1, id);
	sv->bind_int(st, 2, cid);
	if (rm == NULL) {
		sv->bind_int(st, 3, price);
		sv->bind_text(st, 4, notes != NULL ? notes : "");
	}
	rc = sv->step(st);
	sv->done(st);
	snprintf(detail, sizeof(detail), "%s competitor %lld",
	    rm != NULL ? "removed" : "named", cid);
	if (rc != 0 || (st = sv->sql(r, "UPDATE deals SET version = version"
	    " + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE"
	    " id = ?1")) == NULL) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", _("That competitor could"
		    " not be named on this deal."));
	}
	sv->bind_int(st, 1, id);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0 || deals_evaluate(r, sv, id) != 0 ||
	    sv->audit(r, "update", "deal", id, detail) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "deal", id, 0);
	snprintf(path, sizeof(path), "/deals/%lld?done=saved", id);
	return sv->redirect(r, path);
}
