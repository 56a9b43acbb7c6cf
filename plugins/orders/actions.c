/*
 * actions.c - the tracking steps as actions: Start production, Ship,
 * Mark delivered, Invoice, Record payment, Cancel.  Each is a button on
 * the order's page while the order's status allows it and the viewer
 * may take it, asking only for its own fields; each is one update
 * through the host (version, history, audit, the changes feed), so the
 * database's rules (trigger orders_status and the money triggers) have
 * the last word, as they do for a PATCH.  A refused action answers with
 * its form again, the input kept and the reason in words.
 */
#include <stdio.h>
#include <string.h>

#include "orders.h"

enum act_kind { ACT_START, ACT_SHIP, ACT_DELIVER, ACT_INVOICE, ACT_PAY,
	ACT_CANCEL };

enum in_kind { IN_DATE, IN_MONEY, IN_REASON };

struct act_input {
	const char	*name;
	enum in_kind	 kind;
	const char	*label;
};

struct order_action {
	enum act_kind		 kind;
	const char		*path;	/* /orders/ID/PATH */
	const char		*label;
	const char		*done;	/* the ?done= key after it */
	const char		*from;	/* " status status ": where it starts */
	const char *const	*roles;	/* NULL: whoever may change the order */
	struct act_input	 in[2];
};

static const char *const finance[] = { "finance", "admin", NULL };

static const struct order_action actions[] = {
	{ ACT_START, "start", N_("Start production"), "started",
	  " approved ", NULL, { { NULL, 0, NULL } } },
	{ ACT_SHIP, "ship", N_("Ship"), "shipped",
	  " approved in_production ", NULL,
	  { { "shipped_date", IN_DATE, N_("Shipped on") } } },
	{ ACT_DELIVER, "deliver", N_("Mark delivered"), "delivered",
	  " shipped ", NULL, { { NULL, 0, NULL } } },
	{ ACT_INVOICE, "invoice", N_("Invoice"), "invoiced",
	  " shipped delivered ", finance,
	  { { "invoiced_amount", IN_MONEY, N_("Amount") },
	    { "invoiced_date", IN_DATE, N_("Invoice date") } } },
	{ ACT_PAY, "pay", N_("Record payment"), "paid", " invoiced ", finance,
	  { { "amount", IN_MONEY, N_("Amount received") },
	    { "paid_date", IN_DATE, N_("Received on") } } },
	{ ACT_CANCEL, "cancel", N_("Cancel order"), "cancelled",
	  " draft on_hold approved in_production ", NULL,
	  { { "reason", IN_REASON, N_("Reason") } } },
};

#define NACTIONS	(sizeof(actions) / sizeof(actions[0]))
#define NINPUTS		2

/* What an action needs to know of the order. */
struct order_now {
	char		 status[32];
	char		 number[64];
	char		 today[16];
	long long	 version;
	long long	 total;
	long long	 invoiced;
	long long	 paid;
};

static int
order_now(struct kiln_req *r, const struct kiln_services *sv, long long id,
    struct order_now *o)
{
	struct kiln_stmt	*st;
	int			 rc;

	memset(o, 0, sizeof(*o));
	if ((st = sv->sql(r, "SELECT status, number, version, total,"
	    " invoiced_amount, paid_amount, " TODAY " FROM orders"
	    " WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if ((rc = sv->step(st)) == 1) {
		snprintf(o->status, sizeof(o->status), "%s",
		    sv->col_text(st, 0));
		snprintf(o->number, sizeof(o->number), "%s",
		    sv->col_text(st, 1));
		o->version = sv->col_int(st, 2);
		o->total = sv->col_int(st, 3);
		o->invoiced = sv->col_int(st, 4);
		o->paid = sv->col_int(st, 5);
		snprintf(o->today, sizeof(o->today), "%s",
		    sv->col_text(st, 6));
	}
	sv->done(st);
	return rc == 1 ? 0 : -1;
}

static int
role_may(struct kiln_req *r, const struct kiln_services *sv,
    const char *const *roles)
{
	const char	*role = sv->user_role(r);

	for (; roles != NULL && *roles != NULL; roles++)
		if (strcmp(*roles, role) == 0)
			return 1;
	return roles == NULL;
}

/* May it be taken now: the status, and the viewer's role? */
static int
offered(struct kiln_req *r, const struct kiln_services *sv,
    const struct order_action *a, const char *status)
{
	char	 key[40];

	snprintf(key, sizeof(key), " %s ", status);
	return *status != '\0' && strstr(a->from, key) != NULL &&
	    role_may(r, sv, a->roles);
}

/* An input's value to show: what was sent, else the order's default. */
static const char *
shown(struct kiln_req *r, const struct kiln_services *sv,
    const struct act_input *in, const struct order_now *o, int sent)
{
	const char	*v;

	if (sent && (v = sv->param(r, in->name)) != NULL)
		return v;
	if (in->kind == IN_DATE)
		return o->today;
	if (in->kind == IN_REASON)
		return "";
	if (strcmp(in->name, "invoiced_amount") == 0)
		return sv->money(r, o->total);
	return sv->money(r, o->invoiced - o->paid);
}

static void
input(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct order_action *a, const struct act_input *in,
    const char *value)
{
	char	 fid[96];

	snprintf(fid, sizeof(fid), "a%lld-%s-%s", id, a->path, in->name);
	sv->open(r, "label");
	sv->attr(r, "for", fid);
	sv->text(r, _(in->label));
	sv->close(r);
	sv->open(r, "input");
	sv->attr(r, "id", fid);
	sv->attr(r, "name", in->name);
	sv->attr(r, "required", "required");
	if (in->kind == IN_DATE)
		sv->attr(r, "type", "date");
	else if (in->kind == IN_MONEY) {
		sv->attr(r, "type", "text");
		sv->attr(r, "inputmode", "decimal");
	} else {
		sv->attr(r, "type", "text");
		sv->attr(r, "maxlength", "500");
	}
	sv->attr(r, "value", value);
	sv->close(r);
}

/*
 * The action's form: its inputs, the order's version (a change made
 * meanwhile is not overwritten) and its button.
 */
static void
act_form(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct order_action *a, const struct order_now *o, int sent)
{
	char	 path[64], ver[32];
	size_t	 k;

	snprintf(path, sizeof(path), "/orders/%lld/%s", id, a->path);
	snprintf(ver, sizeof(ver), "%lld", o->version);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "class", "act");
	sv->attr(r, "action", sv->url(r, path));
	sv->csrf(r);
	sv->open(r, "input");
	sv->attr(r, "type", "hidden");
	sv->attr(r, "name", "version");
	sv->attr(r, "value", ver);
	sv->close(r);
	for (k = 0; k < NINPUTS && a->in[k].name != NULL; k++)
		input(r, sv, id, a, &a->in[k], shown(r, sv, &a->in[k], o,
		    sent));
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	if (a->kind == ACT_CANCEL)
		sv->attr(r, "class", "danger");
	sv->text(r, _(a->label));
	sv->close(r);
	sv->close(r);
}

void
orders_actions(struct kiln_req *r, const struct kiln_services *sv,
    long long id, int acc)
{
	struct order_now	 o;
	size_t			 i;

	if (acc != 1 || order_now(r, sv, id, &o) != 0)
		return;
	for (i = 0; i < NACTIONS; i++) {
		if (!offered(r, sv, &actions[i], o.status))
			continue;
		/* Fields to fill: behind a disclosure, shut until wanted. */
		if (actions[i].in[0].name != NULL) {
			sv->open(r, "details");
			sv->attr(r, "class", "act");
			sv->open(r, "summary");
			sv->text(r, _(actions[i].label));
			sv->close(r);
			act_form(r, sv, id, &actions[i], &o, 0);
			sv->close(r);
		} else
			act_form(r, sv, id, &actions[i], &o, 0);
	}
}

/* A refused step's page: a title and why, in words (HTML only). */
int
orders_refusal_begin(struct kiln_req *r, const struct kiln_services *sv,
    int status, const char *title, const char *why)
{
	if (sv->begin(r, status, NULL, title) != 0)
		return -1;
	sv->open(r, "h1");
	sv->text(r, title);
	sv->close(r);
	sv->open(r, "p");
	sv->attr(r, "class", "error");
	sv->attr(r, "role", "alert");
	sv->text(r, why);
	sv->close(r);
	return 0;
}

/* ... after its form with what was sent: the way back to the order. */
int
orders_refusal_end(struct kiln_req *r, const struct kiln_services *sv,
    long long id)
{
	char	 path[64];

	snprintf(path, sizeof(path), "/orders/%lld", id);
	sv->open(r, "p");
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, path));
	sv->text(r, _("Back to the order"));
	sv->close(r);
	sv->close(r);
	return sv->end(r);
}

/*
 * A refused action: its form again with what was sent, and why, in
 * words (HTML); or the error document (XML).
 */
static int
refused(struct kiln_req *r, const struct kiln_services *sv, long long id,
    const struct order_action *a, int status, const char *code,
    const char *why)
{
	struct order_now	 o;
	char			 title[160];

	if (sv->wants_xml(r) || order_now(r, sv, id, &o) != 0)
		return sv->error(r, status, code, why);
	snprintf(title, sizeof(title), "%s: %s", _(a->label), o.number);
	if (orders_refusal_begin(r, sv, status, title, why) != 0)
		return -1;
	if (offered(r, sv, a, o.status))
		act_form(r, sv, id, a, &o, 1);
	return orders_refusal_end(r, sv, id);
}

/* The input of action a as fields of an update: 0, or -1 with why. */
static int
fields_of(struct kiln_req *r, const struct kiln_services *sv,
    const struct order_action *a, const struct order_now *o,
    struct kiln_kv *kv, size_t *n, const char **why)
{
	const char	*v[NINPUTS] = { NULL, NULL };
	long long	 amount = 0, paid;
	size_t		 k;

	*n = 0;
	for (k = 0; k < NINPUTS && a->in[k].name != NULL; k++) {
		v[k] = sv->param(r, a->in[k].name);
		if (v[k] == NULL || *v[k] == '\0') {
			*why = _("Fill in every field of the action.");
			return -1;
		}
		if (a->in[k].kind == IN_DATE && sv->parse_date(v[k]) != 0) {
			*why = _("must be a date like 2026-12-31");
			return -1;
		}
		if (a->in[k].kind == IN_MONEY &&
		    (sv->parse_money(v[k], &amount) != 0 || amount <= 0)) {
			*why = _("The amount must be more than nothing, like"
			    " 1234.50.");
			return -1;
		}
		if (a->in[k].kind == IN_REASON && strlen(v[k]) > 500) {
			*why = _("Give the reason in at most 500 bytes.");
			return -1;
		}
	}
	switch (a->kind) {
	case ACT_START:
		kv[(*n)++] = (struct kiln_kv)KV_S("status", "in_production");
		break;
	case ACT_SHIP:
		kv[(*n)++] = (struct kiln_kv)KV_S("status", "shipped");
		kv[(*n)++] = (struct kiln_kv)KV_S("shipped_date", v[0]);
		break;
	case ACT_DELIVER:
		kv[(*n)++] = (struct kiln_kv)KV_S("status", "delivered");
		break;
	case ACT_INVOICE:
		kv[(*n)++] = (struct kiln_kv)KV_S("status", "invoiced");
		kv[(*n)++] = (struct kiln_kv)KV_S("invoiced_amount",
		    sv->money(r, amount));
		kv[(*n)++] = (struct kiln_kv)KV_S("invoiced_date", v[1]);
		break;
	case ACT_PAY:
		/* Payments add up; the last one in full makes it paid. */
		paid = o->paid + amount;
		if (paid > o->invoiced) {
			*why = _("That is more than is owed on the invoice.");
			return -1;
		}
		kv[(*n)++] = (struct kiln_kv)KV_S("paid_amount",
		    sv->money(r, paid));
		kv[(*n)++] = (struct kiln_kv)KV_S("paid_date", v[1]);
		if (paid == o->invoiced)
			kv[(*n)++] = (struct kiln_kv)KV_S("status", "paid");
		break;
	case ACT_CANCEL:
		kv[(*n)++] = (struct kiln_kv)KV_S("status", "cancelled");
		break;
	}
	return 0;
}

static int
act(struct kiln_req *r, const struct kiln_services *sv, enum act_kind kind)
{
	const struct order_action	*a = &actions[kind];
	struct order_now		 o;
	struct kiln_kv			 kv[4];
	long long			 id = sv->route_id(r);
	const char			*why = NULL, *ver;
	char				 err[512], path[80];
	size_t				 n;

	if (!role_may(r, sv, a->roles))
		return sv->error(r, 403, "forbidden", _("Only finance records"
		    " invoices and payments."));
	if (orders_begin(r, sv, id, NULL, 0) == -1)
		return 0;
	if (order_now(r, sv, id, &o) != 0) {
		sv->rollback(r);
		return sv->error(r, 404, "not_found", _("No such record."));
	}
	/* Sent by the page: the order as the user saw it. */
	ver = sv->param(r, "version");
	if (ver != NULL && *ver != '\0' &&
	    orders_version_of(ver) != o.version) {
		sv->rollback(r);
		return refused(r, sv, id, a, 409, "stale", _("The order was"
		    " changed meanwhile; look at it again before you go on."));
	}
	if (!offered(r, sv, a, o.status)) {
		sv->rollback(r);
		return refused(r, sv, id, a, 409, "conflict", _("That step"
		    " does not follow from the order's status now."));
	}
	if (fields_of(r, sv, a, &o, kv, &n, &why) != 0) {
		sv->rollback(r);
		return refused(r, sv, id, a, 422, "invalid", why);
	}
	if (sv->update(r, "order", id, kv, n, err, sizeof(err)) != 0) {
		sv->rollback(r);
		return refused(r, sv, id, a, 409, "conflict", err);
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	if (sv->wants_xml(r))
		return sv->show(r, "order", id, 0);
	snprintf(path, sizeof(path), "/orders/%lld?done=%s", id, a->done);
	return sv->redirect(r, path);
}

int
orders_start(struct kiln_req *r, const struct kiln_services *sv)
{
	return act(r, sv, ACT_START);
}

int
orders_ship(struct kiln_req *r, const struct kiln_services *sv)
{
	return act(r, sv, ACT_SHIP);
}

int
orders_deliver(struct kiln_req *r, const struct kiln_services *sv)
{
	return act(r, sv, ACT_DELIVER);
}

int
orders_invoice(struct kiln_req *r, const struct kiln_services *sv)
{
	return act(r, sv, ACT_INVOICE);
}

int
orders_pay(struct kiln_req *r, const struct kiln_services *sv)
{
	return act(r, sv, ACT_PAY);
}

int
orders_cancel(struct kiln_req *r, const struct kiln_services *sv)
{
	return act(r, sv, ACT_CANCEL);
}
