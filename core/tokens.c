/*
 * tokens.c - the API token page; see tokens.h.
 */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "form.h"
#include "i18n.h"
#include "out.h"
#include "page.h"
#include "req.h"
#include "storage.h"
#include "tokens.h"
#include "user.h"
#include "value.h"
#include "view.h"

static void
token_table(struct kiln_req *r)
{
	static const char *const cols[] = {
		N_("Label"), N_("Created"), N_("State"), ""
	};
	struct db_stmt	*st;
	long long	 id;

	if ((st = db_stmt(r->app->db, "SELECT id, label, created_at,"
	    " revoked_at FROM tokens WHERE user_id = ?1 ORDER BY id DESC"
	    " LIMIT 200")) == NULL)
		return;
	db_bind_int(st, 1, r->user->id);
	out_open(r, "table");
	out_attr(r, "class", "list");
	page_thead(r, cols, sizeof(cols) / sizeof(cols[0]));
	out_open(r, "tbody");
	while (db_step(st) == DB_ROW) {
		id = db_col_int(st, 0);
		out_open(r, "tr");
		out_elem(r, "td", db_col_text(st, 1));
		out_elem(r, "td", view_when(r, db_col_text(st, 2)));
		out_open(r, "td");
		if (db_col_null(st, 3))
			out_text(r, _("active"));
		else
			out_textf(r, "%s %s", _("revoked"),
			    view_when(r, db_col_text(st, 3)));
		out_close(r);
		out_open(r, "td");
		/*
		 * Asked first, without a script: the button that revokes is
		 * behind "Revoke…", with what it does in words.
		 */
		if (db_col_null(st, 3)) {
			out_open(r, "details");
			out_attr(r, "class", "act");
			out_elem(r, "summary", _("Revoke\u2026"));
			out_open(r, "form");
			out_attr(r, "method", "post");
			out_attr(r, "class", "act");
			out_attr(r, "action", req_url(r, "/tokens/%lld/revoke",
			    id));
			page_csrf(r);
			out_elem(r, "span", _("Programs using this token stop"
			    " working at once."));
			page_button(r, _("Revoke"), "danger");
			out_close(r);
			out_close(r);
		}
		out_close(r);
		out_close(r);
	}
	db_done(st);
	out_close(r);
	out_close(r);
}

/* The page, with a just-made token shown once when there is one. */
static int
page(struct kiln_req *r, int status, const char *fresh, const char *msg)
{
	if (r->fmt == FMT_XML) {
		if (fresh == NULL)
			return page_error(r, ERR_INVALID, msg, NULL);
		if (out_xml_begin(r, status, "token") == -1)
			return -1;
		out_text(r, fresh);
		return out_finish(r);
	}
	if (page_begin(r, status, _("API tokens")) == -1)
		return -1;
	out_elem(r, "h1", _("API tokens"));
	out_elem(r, "p", _("Programs send a token as"
	    " \"Authorization: Bearer TOKEN\". Keep it secret: it acts as"
	    " you."));
	if (fresh != NULL) {
		out_open(r, "div");
		out_attr(r, "class", "fresh");
		out_elem(r, "p", _("Your new token, shown this once:"));
		out_open(r, "code");
		out_text(r, fresh);
		out_close(r);
		out_close(r);
	}
	if (msg != NULL)
		page_alert(r, "message", msg);
	out_open(r, "form");
	out_attr(r, "method", "post");
	out_attr(r, "class", "search");
	out_attr(r, "action", req_url(r, "/tokens"));
	page_csrf(r);
	out_open(r, "input");
	out_attr(r, "name", "label");
	out_attr(r, "maxlength", "100");
	out_attr(r, "aria-label", _("Label"));
	out_attr(r, "placeholder", _("What the token is for"));
	out_attr(r, "required", "required");
	out_void(r);
	page_button(r, _("New token"), NULL);
	out_close(r);
	token_table(r);
	return page_end(r);
}

static int
create(struct kiln_req *r)
{
	const char	*label = req_param(r, "label");
	char		 tok[128];
	int		 rc;

	if (label == NULL || *label == '\0' || value_utf8_len(label) > 100 ||
	    strpbrk(label, "\r\n") != NULL)
		return page(r, 422, NULL,
		    _("Give the token a label of at most 100 characters."));
	if (db_begin(r->app->db) != DB_OK)
		return storage_answer(r, db_fault(r->app->db));
	if (user_token_new(r->app->db, r->user->login, label, tok,
	    sizeof(tok)) != 0 || audit_event(r, "token_new", "user",
	    r->user->id, label) != 0 || db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		return storage_answer(r, db_fault(r->app->db));
	}
	rc = page(r, 201, tok, NULL);
	sodium_memzero(tok, sizeof(tok));
	return rc;
}

static int
revoke(struct kiln_req *r, long long id)
{
	struct db_stmt	*st;
	char		 now[24];
	int		 rc, n;

	if (db_begin(r->app->db) != DB_OK)
		return storage_answer(r, db_fault(r->app->db));
	/* Only one's own: someone else's token is not there. */
	if ((st = db_stmt(r->app->db, "UPDATE tokens SET revoked_at = ?3"
	    " WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL")) ==
	    NULL) {
		db_rollback(r->app->db);
		return page_error(r, ERR_INTERNAL, _("Internal error."),
		    NULL);
	}
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, r->user->id);
	db_bind_text(st, 3, value_now(now));
	rc = db_step(st);
	db_done(st);
	n = db_changes(r->app->db);
	if (db_result(r->app->db, rc, "revoke") != DB_OK || n == 0) {
		db_rollback(r->app->db);
		return page_error(r, ERR_NOT_FOUND, _("No such token."),
		    NULL);
	}
	if (audit_event(r, "token_revoke", "user", r->user->id,
	    arena_printf(r->arena, "token %lld", id)) != 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		return storage_answer(r, db_fault(r->app->db));
	}
	if (r->fmt == FMT_XML)
		return out_status_only(r, 204);
	return out_redirect(r, req_url(r, "/tokens"));
}

int
tokens_page(struct kiln_req *r)
{
	return page(r, 200, NULL, NULL);
}

int
tokens_create(struct kiln_req *r)
{
	return create(r);
}

int
tokens_revoke(struct kiln_req *r)
{
	return revoke(r, r->route_id);
}
