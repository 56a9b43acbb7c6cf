/*
 * page.c - layout and errors; see page.h.
 */
#include "config.h"

#include <string.h>

#include "app.h"
#include "db.h"
#include "entity.h"
#include "i18n.h"
#include "out.h"
#include "page.h"
#include "req.h"

/* Labelled GET routes of every plugin, as items of the navigation. */
static void
menu_plugins(struct kiln_req *r)
{
	const struct kiln_route	*rt;
	size_t			 i;

	for (i = 0; i < r->app->nplugins; i++)
		for (rt = r->app->plugins[i].desc->routes; rt && rt->path;
		    rt++) {
			if (rt->label == NULL || strcmp(rt->method, "GET") != 0)
				continue;
			out_open(r, "li");
			page_link(r, req_url(r, "%s", rt->path), _(rt->label));
			out_close(r);
		}
}

void
page_link(struct kiln_req *r, const char *url, const char *text)
{
	out_open(r, "a");
	out_attr(r, "href", url);
	out_text(r, text);
	out_close(r);
}

void
page_hidden(struct kiln_req *r, const char *name, const char *value)
{
	out_open(r, "input");
	out_attr(r, "type", "hidden");
	out_attr(r, "name", name);
	out_attr(r, "value", value);
	out_void(r);
}

void
page_csrf(struct kiln_req *r)
{
	if (r->csrf != NULL)
		page_hidden(r, "csrf", r->csrf);
}

void
page_button(struct kiln_req *r, const char *text, const char *cls)
{
	out_open(r, "button");
	out_attr(r, "type", "submit");
	if (cls != NULL)
		out_attr(r, "class", cls);
	out_text(r, text);
	out_close(r);
}

void
page_thead(struct kiln_req *r, const char *const *cols, size_t n)
{
	size_t	 i;

	out_open(r, "thead");
	out_open(r, "tr");
	for (i = 0; i < n; i++) {
		out_open(r, "th");
		out_attr(r, "scope", "col");
		out_text(r, *cols[i] ? _(cols[i]) : "");
		out_close(r);
	}
	out_close(r);
	out_close(r);
}

/* The header's search: GET /search, suggestions by kiln.js. */
static void
site_search(struct kiln_req *r)
{
	out_open(r, "form");
	out_attr(r, "class", "site-search");
	out_attr(r, "method", "get");
	out_attr(r, "role", "search");
	out_attr(r, "action", req_url(r, "/search"));
	out_attr(r, "data-search", req_url(r, "/search.xml"));
	out_open(r, "input");
	out_attr(r, "id", "site-q");
	out_attr(r, "type", "search");
	out_attr(r, "name", "q");
	out_attr(r, "maxlength", "200");
	out_attr(r, "autocomplete", "off");
	out_attr(r, "aria-label", _("Search everything"));
	out_attr(r, "placeholder", _("Search (/)"));
	out_void(r);
	out_close(r);
}

static void
menu_item(struct kiln_req *r, const char *url, const char *text)
{
	out_open(r, "li");
	page_link(r, url, text);
	out_close(r);
}

/*
 * The header: the brand, the menu (on a phone folded behind a "Menu"
 * switch that needs no script: a checkbox its label toggles), the
 * search box and the session.  An administrator's own pages are one
 * item that opens, so the menu fits on one line.
 */
static void
nav(struct kiln_req *r)
{
	size_t	 i;
	int	 admin = r->user != NULL && strcmp(r->user->role, "admin") == 0;

	out_open(r, "header");
	out_attr(r, "class", "site");
	out_open(r, "nav");
	out_open(r, "a");
	out_attr(r, "class", "brand");
	out_attr(r, "href", req_url(r, "/"));
	out_text(r, "Kiln");
	out_close(r);
	out_open(r, "input");
	out_attr(r, "type", "checkbox");
	out_attr(r, "id", "menu-toggle");
	out_attr(r, "name", "menu");
	out_attr(r, "class", "menu-toggle");
	out_void(r);
	out_open(r, "label");
	out_attr(r, "for", "menu-toggle");
	out_attr(r, "class", "menu-button");
	out_text(r, _("Menu"));
	out_close(r);
	out_open(r, "ul");
	out_attr(r, "class", "menu");
	for (i = 0; i < r->app->nentities; i++) {
		if (r->app->entities[i].d->flags & KILN_E_NOT_IN_MENU)
			continue;
		menu_item(r, req_url(r, "/%s", r->app->entities[i].d->plural),
		    _(r->app->entities[i].d->label_plural));
	}
	menu_plugins(r);
	if (admin) {
		out_open(r, "li");
		out_attr(r, "class", "group");
		out_open(r, "details");
		out_elem(r, "summary", _("Administration"));
		out_open(r, "ul");
		menu_item(r, req_url(r, "/admin/users"), _("Users"));
		menu_item(r, req_url(r, "/audit"), _("Audit trail"));
		menu_item(r, req_url(r, "/tokens"), _("API tokens"));
		out_close(r);
		out_close(r);
		out_close(r);
	} else if (r->user != NULL)
		menu_item(r, req_url(r, "/tokens"), _("API tokens"));
	out_close(r);
	if (r->user != NULL) {
		site_search(r);
		out_open(r, "form");
		out_attr(r, "class", "session");
		out_attr(r, "method", "post");
		out_attr(r, "action", req_url(r, "/logout"));
		out_open(r, "span");
		out_text(r, r->user->name && *r->user->name ?
		    r->user->name : r->user->login);
		out_close(r);
		page_csrf(r);
		page_button(r, _("Log out"), NULL);
		out_close(r);
	}
	out_close(r);
	out_close(r);
}

/*
 * What a write that ended in a redirect says on the page it lands on
 * (?done=saved): only words of this table, never text from the URL.
 */
static const struct {
	const char	*key;
	const char	*text;
} done[] = {
	{ "created", N_("Created.") },
	{ "saved", N_("Saved.") },
	{ "deleted", N_("Deleted.") },
	{ "submitted", N_("Submitted.") },
	{ "approved", N_("Approved.") },
	{ "rejected", N_("Rejected.") },
	{ "updated", N_("Status changed.") },
	{ "corrected", N_("Invoice corrected.") },
	{ "copied", N_("Copied as a new draft.") },
	{ "revoked", N_("Token revoked.") },
	{ "started", N_("Production started.") },
	{ "shipped", N_("Marked as shipped.") },
	{ "delivered", N_("Marked as delivered.") },
	{ "invoiced", N_("Invoice recorded.") },
	{ "paid", N_("Payment recorded.") },
	{ "cancelled", N_("Order cancelled.") },
};

static void
flash(struct kiln_req *r)
{
	const char	*k;
	size_t		 i;

	if ((k = req_query(r, "done")) == NULL)
		return;
	for (i = 0; i < sizeof(done) / sizeof(done[0]); i++)
		if (strcmp(done[i].key, k) == 0) {
			out_open(r, "p");
			out_attr(r, "class", "flash");
			out_attr(r, "role", "status");
			out_text(r, _(done[i].text));
			out_close(r);
			return;
		}
}

int
page_begin(struct kiln_req *r, int status, const char *title)
{
	if (out_html_begin(r, status) == -1)
		return -1;
	out_open(r, "html");
	out_attr(r, "lang", i18n_lang());
	out_open(r, "head");
	out_open(r, "meta");
	out_attr(r, "charset", "utf-8");
	out_void(r);
	out_open(r, "meta");
	out_attr(r, "name", "viewport");
	out_attr(r, "content", "width=device-width, initial-scale=1");
	out_void(r);
	out_open(r, "title");
	out_textf(r, "%s - Kiln", title);
	out_close(r);
	out_open(r, "link");
	out_attr(r, "rel", "icon");
	out_attrf(r, "href", "%s/favicon.svg", r->app->conf.static_url);
	out_void(r);
	out_open(r, "link");
	out_attr(r, "rel", "stylesheet");
	out_attrf(r, "href", "%s/kiln.css", r->app->conf.static_url);
	out_void(r);
	out_open(r, "script");
	out_attrf(r, "src", "%s/kiln.js", r->app->conf.static_url);
	out_attr(r, "defer", "defer");
	out_close(r);
	out_close(r);	/* head */
	out_open(r, "body");
	nav(r);
	out_open(r, "main");
	flash(r);
	return 0;
}

int
page_end(struct kiln_req *r)
{
	return out_finish(r);
}

static void
xml_error(struct kiln_req *r, int status, const char *code,
    const char *message, const struct ferrs *fe)
{
	size_t	 i;

	out_attrf(r, "status", "%d", status);
	out_attr(r, "code", code);
	out_elem(r, "message", message);
	for (i = 0; fe != NULL && i < fe->n; i++) {
		out_open(r, "field");
		out_attr(r, "name", fe->v[i].field ? fe->v[i].field : "");
		out_text(r, fe->v[i].msg);
		out_close(r);
	}
}

/* What went wrong, said where a screen reader announces it. */
void
page_alert(struct kiln_req *r, const char *cls, const char *text)
{
	out_open(r, "p");
	out_attr(r, "class", cls);
	out_attr(r, "role", "alert");
	out_text(r, text);
	out_close(r);
}

/* The line a list or section shows when it has nothing to show. */
void
page_empty(struct kiln_req *r, const char *text)
{
	out_open(r, "p");
	out_attr(r, "class", "empty");
	out_text(r, text);
	out_close(r);
}

int
page_body(struct kiln_req *r)
{
	if (req_read_body(r) == 0)
		return 0;
	page_error(r, r->refused.error, r->refused.msg, NULL);
	return -1;
}

int
page_error(struct kiln_req *r, enum error_code e, const char *message,
    const struct ferrs *fe)
{
	const struct error_def	*def = error_def(e);
	const char		*code = def->code;
	int			 status = def->status;
	size_t			 i;

	if (r->app != NULL && r->app->db != NULL && !db_idle(r->app->db))
		db_rollback(r->app->db);
	if (message == NULL)
		message = _(def->message);
	if (r->started)
		return -1;
	if (status == 503 && form_get(&r->headers, "Retry-After") == NULL)
		out_header(r, "Retry-After", "1");	/* unless told longer */
	if (r->fmt == FMT_XML) {
		if (out_xml_begin(r, status, "error") == -1)
			return -1;
		xml_error(r, status, code, message, fe);
		return out_finish(r);
	}
	if (r->fmt == FMT_CSV || r->app == NULL) {
		if (out_begin_raw(r, status, "text/plain; charset=utf-8") == -1)
			return -1;
		message = i18n_pick(r->arena, message);
		out_raw(r, message, strlen(message));
		out_raw(r, "\n", 1);
		return out_finish(r);
	}
	if (page_begin(r, status, _(out_reason(status))) == -1)
		return -1;
	out_open(r, "h1");
	out_textf(r, "%d %s", status, _(out_reason(status)));
	out_close(r);
	out_open(r, "p");
	out_attr(r, "class", "error");
	out_text(r, message);
	out_close(r);
	if (fe != NULL && fe->n) {
		out_open(r, "ul");
		for (i = 0; i < fe->n; i++) {
			out_open(r, "li");
			if (fe->v[i].field)
				out_textf(r, "%s: ", fe->v[i].field);
			out_text(r, fe->v[i].msg);
			out_close(r);
		}
		out_close(r);
	}
	return page_end(r);
}
