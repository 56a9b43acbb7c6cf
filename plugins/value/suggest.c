/*
 * suggest.c - the segment suggestions the rules made (compute.c), for a
 * manager (their team's customers) or an administrator to accept or
 * dismiss.  Accepting changes the customer's segment through update(),
 * as a form would (version, customer rules, audit, changes feed); a
 * customer whose segment changed meanwhile, or one the rules refuse in
 * the new segment, keeps its segment and the suggestion says why.
 * Dismissed, the same proposal is not made again for VALUE_QUIET_DAYS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

/* A decision's form: POST /value/suggestions/ID/VERB, back to where. */
static void
decide_form(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const char *verb, const char *label, const char *back)
{
	char	 path[80];

	snprintf(path, sizeof(path), "/value/suggestions/%lld/%s", id, verb);
	sv->open(r, "form");
	sv->attr(r, "method", "post");
	sv->attr(r, "action", sv->url(r, path));
	sv->attr(r, "class", "inline");
	sv->csrf(r);
	sv->open(r, "input");
	sv->attr(r, "type", "hidden");
	sv->attr(r, "name", "back");
	sv->attr(r, "value", back);
	sv->close(r);
	sv->open(r, "button");
	sv->attr(r, "type", "submit");
	sv->text(r, label);
	sv->close(r);
	sv->close(r);
}

/* "key_account → small_loyal: reason" as people read it. */
static void
proposal(struct kiln_req *r, const struct kiln_services *sv,
    const char *current, const char *proposed, const char *reason)
{
	sv->text(r, sv->show_enum(r, current));
	sv->text(r, " \u2192 ");
	sv->open(r, "strong");
	sv->text(r, sv->show_enum(r, proposed));
	sv->close(r);
	if (*reason != '\0') {
		sv->text(r, ": ");
		sv->text(r, reason);
	}
}

/* The customer's open suggestion, if any, with the buttons. */
void
value_suggestion_form(struct kiln_req *r, const struct kiln_services *sv,
    long long customer, const char *back)
{
	struct kiln_stmt	*st;
	long long		 id;

	if ((st = sv->sql(r, "SELECT id, current, proposed, reason FROM"
	    " segment_suggestions WHERE customer = ?1 AND status = 'open'"))
	    == NULL)
		return;
	sv->bind_int(st, 1, customer);
	if (sv->step(st) == 1) {
		id = sv->col_int(st, 0);
		sv->open(r, "p");
		sv->attr(r, "class", "suggestion");
		sv->text(r, _("Suggested segment: "));
		proposal(r, sv, sv->col_text(st, 1), sv->col_text(st, 2),
		    sv->col_text(st, 3));
		sv->close(r);
		if (value_may_decide(r, sv) && sv->access(r, "customer",
		    customer) == 1) {
			decide_form(r, sv, id, "accept", _("Accept"), back);
			decide_form(r, sv, id, "dismiss", _("Dismiss"), back);
		}
	}
	sv->done(st);
}

/* GET /value/suggestions: the open ones of customers the user reads. */
int
value_suggestions(struct kiln_req *r, const struct kiln_services *sv)
{
	static const char *const cols[] = {
		N_("Customer"), N_("Class"), N_("Suggested"), N_("Since"), "",
		NULL
	};
	struct kiln_stmt	*st;
	int			 xml = sv->wants_xml(r), n = 0;

	if (sv->begin(r, 200, xml ? "suggestions" : NULL,
	    _("Segment suggestions")) != 0)
		return -1;
	if (!xml) {
		sv->open(r, "h1");
		sv->text(r, _("Segment suggestions"));
		sv->close(r);
	}
	if ((st = sv->sql(r, "SELECT s.id, s.customer, c.name, s.current,"
	    " s.proposed, s.reason, s.rule, s.created_at, coalesce(v.class,"
	    " '') FROM segment_suggestions s JOIN customers c ON c.id ="
	    " s.customer LEFT JOIN customer_values v ON v.customer ="
	    " s.customer WHERE s.status = 'open' AND kiln_readable('customer',"
	    " s.customer) ORDER BY s.id LIMIT 500")) == NULL)
		return sv->end(r);
	while (sv->step(st) == 1) {
		if (xml) {
			sv->open(r, "suggestion");
			sv->attr(r, "id", sv->col_text(st, 0));
			sv->attr(r, "customer", sv->col_text(st, 1));
			sv->attr(r, "name", sv->col_text(st, 2));
			sv->attr(r, "current", sv->col_text(st, 3));
			sv->attr(r, "proposed", sv->col_text(st, 4));
			sv->attr(r, "rule", sv->col_text(st, 6));
			sv->attr(r, "class", sv->col_text(st, 8));
			sv->attr(r, "created_at", sv->col_text(st, 7));
			sv->text(r, sv->col_text(st, 5));
			sv->close(r);
			n++;
			continue;
		}
		if (n++ == 0)
			kit_table(r, sv, cols);
		sv->open(r, "tr");
		sv->open(r, "td");
		kit_customer_link(r, sv, sv->col_int(st, 1),
		    sv->col_text(st, 2));
		sv->close(r);
		sv->open(r, "td");
		sv->text(r, sv->col_text(st, 8));
		sv->close(r);
		sv->open(r, "td");
		proposal(r, sv, sv->col_text(st, 3), sv->col_text(st, 4),
		    sv->col_text(st, 5));
		sv->close(r);
		sv->open(r, "td");
		sv->text(r, sv->show_time(r, sv->col_text(st, 7)));
		sv->close(r);
		sv->open(r, "td");
		decide_form(r, sv, sv->col_int(st, 0), "accept", _("Accept"),
		    "/value/suggestions");
		decide_form(r, sv, sv->col_int(st, 0), "dismiss", _("Dismiss"),
		    "/value/suggestions");
		sv->close(r);
		sv->close(r);
	}
	sv->done(st);
	if (!xml && n > 0) {
		sv->close(r);	/* tbody */
		sv->close(r);	/* table */
	} else if (!xml) {
		sv->open(r, "p");
		sv->text(r, _("No suggestion waits: the customers' pictures"
		    " agree with their segments."));
		sv->close(r);
	}
	return sv->end(r);
}

/* Where to go after a decision: a customer's page or the worklist. */
static const char *
back_to(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*b = sv->param(r, "back");

	if (b != NULL && strncmp(b, "/customers/", 11) == 0 &&
	    b[11] != '\0' && strspn(b + 11, "0123456789") == strlen(b + 11) &&
	    strlen(b) < 40)
		return b;
	return "/value/suggestions";
}

/*
 * Decide suggestion route_id(): accept (the customer's segment moves)
 * or dismiss.  0, or -1 when the answer could not be sent.
 */
static int
decide(struct kiln_req *r, const struct kiln_services *sv, int accept)
{
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[1];
	long long		 id = sv->route_id(r), customer = 0;
	char			 now[KIT_TIMESZ], err[512], detail[160];
	char			 proposed[64] = "", current[64] = "";
	int			 acc, rc;

	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if ((st = sv->sql(r, "SELECT s.customer, s.current, s.proposed,"
	    " c.segment FROM segment_suggestions s JOIN customers c ON c.id ="
	    " s.customer WHERE s.id = ?1 AND s.status = 'open'")) == NULL) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	sv->bind_int(st, 1, id);
	if ((rc = sv->step(st)) == 1) {
		customer = sv->col_int(st, 0);
		snprintf(current, sizeof(current), "%s", sv->col_text(st, 1));
		snprintf(proposed, sizeof(proposed), "%s", sv->col_text(st, 2));
		rc = strcmp(current, sv->col_text(st, 3)) == 0 ? 1 : 2;
	}
	sv->done(st);
	if (rc == 1 || rc == 2)
		acc = sv->access(r, "customer", customer);
	else
		acc = -1;
	if (acc < 0) {
		sv->rollback(r);
		return sv->error(r, 404, "not_found", _("No such suggestion"
		    " waits."));
	}
	if (acc == 0) {
		sv->rollback(r);
		return sv->error(r, 403, "forbidden", _("You may not change"
		    " this customer."));
	}
	if (accept && rc == 2) {
		sv->rollback(r);
		return sv->error(r, 409, "conflict", _("The customer's segment"
		    " changed meanwhile; the suggestion no longer fits."));
	}
	kv[0] = (struct kiln_kv)KV_S("segment", proposed);
	if (accept && sv->update(r, "customer", customer, kv, 1, err,
	    sizeof(err)) != 0) {
		sv->rollback(r);
		return sv->error(r, 422, "invalid", err);
	}
	kit_now(now);
	if ((st = sv->sql(r, "UPDATE segment_suggestions SET status = ?2,"
	    " decided_at = ?3, decided_by = ?4 WHERE id = ?1")) == NULL) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, accept ? "accepted" : "dismissed");
	sv->bind_text(st, 3, now);
	sv->bind_int(st, 4, sv->user_id(r));
	rc = sv->step(st);
	sv->done(st);
	snprintf(detail, sizeof(detail), "%s -> %s: %s", current, proposed,
	    accept ? "accepted" : "dismissed");
	if (rc != 0 || sv->audit(r, accept ? "accept" : "dismiss",
	    "customer", customer, detail) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", _("Internal error."));
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	return sv->redirect(r, back_to(r, sv));
}

/* POST /value/suggestions/#/accept */
int
value_accept(struct kiln_req *r, const struct kiln_services *sv)
{
	return decide(r, sv, 1);
}

/* POST /value/suggestions/#/dismiss */
int
value_dismiss(struct kiln_req *r, const struct kiln_services *sv)
{
	return decide(r, sv, 0);
}
