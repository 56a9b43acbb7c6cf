/*
 * order.c - a won deal becomes an order: POST /deals/ID/order makes a
 * draft order for the deal's customer (terms the customer's, owner the
 * deal's), through the host as any create, and marks it as the deal's
 * (the order's deal field, by update()); one order per deal.  The
 * deal's page links to its order, and the order's page back to the
 * deal (a section of this plugin's on orders).
 */
#include <stdio.h>
#include <string.h>

#include "deals.h"

/* The order made from deal id, or 0; its number into num. */
static long long
order_of(struct kiln_req *r, const struct kiln_services *sv, long long id,
    char *num, size_t n)
{
	struct kiln_stmt	*st;
	long long		 oid = 0;

	*num = '\0';
	if ((st = sv->sql(r, "SELECT id, number FROM orders WHERE deal = ?1"
	    " ORDER BY id LIMIT 1")) == NULL)
		return 0;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		oid = sv->col_int(st, 0);
		snprintf(num, n, "%s", sv->col_text(st, 1));
	}
	sv->done(st);
	return oid;
}

/* Deal id's lines as lines of order oid: 0, or -1 with why in err. */
static int
carry_lines(struct kiln_req *r, const struct kiln_services *sv,
    long long id, long long oid, char *err, size_t errsz)
{
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[3];
	long long		 lines[64][2], lid;
	char			 why[400];
	size_t			 i, n = 0;

	/* Read first: create() runs SQL of its own on this connection. */
	if ((st = sv->sql(r, "SELECT product, quantity FROM deal_lines"
	    " WHERE deal = ?1 ORDER BY id LIMIT 65")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	while (sv->step(st) == 1 && n <= 64) {
		if (n == 64) {
			sv->done(st);
			snprintf(err, errsz, "%s", _("More than 64 products of"
			    " interest: make the order by hand."));
			return -1;
		}
		lines[n][0] = sv->col_int(st, 0);
		lines[n++][1] = sv->col_int(st, 1);
	}
	sv->done(st);
	for (i = 0; i < n; i++) {
		kv[0] = (struct kiln_kv)KV_I("order", oid);
		kv[1] = (struct kiln_kv)KV_I("product", lines[i][0]);
		kv[2] = (struct kiln_kv)KV_I("quantity", lines[i][1]);
		if (sv->create(r, "order_line", kv, 3, &lid, why,
		    sizeof(why)) != 0) {
			snprintf(err, errsz, _("product of interest %zu: %s"),
			    i + 1, why);
			return -1;
		}
	}
	return 0;
}

int
deals_order(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[3];
	long long		 id = sv->route_id(r), oid, customer = 0;
	long long		 owner = 0;
	char			 stage[32] = "", num[64], err[512];
	int			 n = 0;

	if (deals_begin(r, sv, id) != 0)
		return 0;	/* answered */
	if ((st = sv->sql(r, "SELECT stage, customer, coalesce(owner, 0)"
	    " FROM deals WHERE id = ?1")) != NULL) {
		sv->bind_int(st, 1, id);
		if (sv->step(st) == 1) {
			snprintf(stage, sizeof(stage), "%s",
			    sv->col_text(st, 0));
			customer = sv->col_int(st, 1);
			owner = sv->col_int(st, 2);
		}
		sv->done(st);
	}
	if (strcmp(stage, "won") != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", _("Only a won deal becomes"
		    " an order."));
	}
	if (order_of(r, sv, id, num, sizeof(num)) != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", _("This deal has its order"
		    " already."));
	}
	kv[n++] = (struct kiln_kv)KV_I("customer", customer);
	if (owner != 0)
		kv[n++] = (struct kiln_kv)KV_I("owner", owner);
	if (sv->create(r, "order", kv, (size_t)n, &oid, err,
	    sizeof(err)) != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", err);
	}
	/* The database keeps it one order per deal (orders_deal). */
	kv[0] = (struct kiln_kv)KV_I("deal", id);
	if (sv->update(r, "order", oid, kv, 1, err, sizeof(err)) != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict",
		    _("This deal has its order already."));
	}
	/* The products of interest, at the catalogue's prices today. */
	if (carry_lines(r, sv, id, oid, err, sizeof(err)) != 0) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", err);
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	return sv->show(r, "order", oid, 1);
}

/* On the deal's page: its order, or the button that makes it. */
void
deals_order_link(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const char *stage, int writable)
{
	char		 num[64], path[64];
	long long	 oid;

	if (strcmp(stage, "won") != 0)
		return;
	sv->open(r, "p");
	sv->attr(r, "class", "links");
	if ((oid = order_of(r, sv, id, num, sizeof(num))) != 0) {
		snprintf(path, sizeof(path), "/orders/%lld", oid);
		sv->text(r, _("Its order: "));
		deals_link(r, sv, path, num);
	} else if (writable) {
		snprintf(path, sizeof(path), "/deals/%lld/order", id);
		sv->open(r, "form");
		sv->attr(r, "method", "post");
		sv->attr(r, "class", "inline");
		sv->attr(r, "action", sv->url(r, path));
		sv->csrf(r);
		sv->open(r, "button");
		sv->attr(r, "type", "submit");
		sv->text(r, _("Make the order"));
		sv->close(r);
		sv->close(r);
	}
	sv->close(r);
}

/* kiln_section on orders: the deal an order came from. */
void
deals_order_section(struct kiln_req *r, const struct kiln_services *sv,
    long long order)
{
	struct kiln_stmt	*st;
	char			 path[64];

	if ((st = sv->sql(r, "SELECT d.id, d.title FROM orders o JOIN deals d"
	    " ON d.id = o.deal WHERE o.id = ?1 AND kiln_readable('deal',"
	    " d.id)")) == NULL)
		return;
	sv->bind_int(st, 1, order);
	if (sv->step(st) == 1) {
		snprintf(path, sizeof(path), "/deals/%lld", sv->col_int(st, 0));
		sv->open(r, "p");
		sv->attr(r, "class", "links");
		sv->text(r, _("From the deal: "));
		deals_link(r, sv, path, sv->col_text(st, 1));
		sv->close(r);
	}
	sv->done(st);
}
