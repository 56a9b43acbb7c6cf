/*
 * http.c - the request life cycle; see http.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "auth.h"
#include "crud.h"
#include "entity.h"
#include "form.h"
#include "http.h"
#include "history.h"
#include "home.h"
#include "i18n.h"
#include "log.h"
#include "out.h"
#include "page.h"
#include "pick.h"
#include "plugin.h"
#include "req.h"
#include "route.h"
#include "rules.h"
#include "storage.h"
#include "tokens.h"

static const struct {
	const char	*name;
	enum method	 m;
} methods[] = {
	{ "GET", M_GET }, { "HEAD", M_HEAD }, { "POST", M_POST },
	{ "PUT", M_PUT }, { "PATCH", M_PATCH }, { "DELETE", M_DELETE },
};

static enum method
method_of(const char *s)
{
	size_t	 i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i].name, s) == 0)
			return methods[i].m;
	return M_OTHER;
}

/* Does Accept put application/xml ahead of HTML? */
static int
wants_xml(const char *accept)
{
	const char	*x = strstr(accept, "application/xml");
	const char	*h = strstr(accept, "text/html");

	return x != NULL && (h == NULL || x < h);
}

/* Strip .xml or .csv from the path and set the format. */
static void
format_of(struct kiln_req *r, char *path)
{
	size_t	 n = strlen(path);

	r->fmt = FMT_HTML;
	if (n > 4 && strcmp(path + n - 4, ".xml") == 0) {
		path[n - 4] = '\0';
		r->fmt = FMT_XML;
	} else if (n > 4 && strcmp(path + n - 4, ".csv") == 0) {
		path[n - 4] = '\0';
		r->fmt = FMT_CSV;
	} else if (wants_xml(req_env(r, "HTTP_ACCEPT")))
		r->fmt = FMT_XML;
	else if (strstr(req_env(r, "HTTP_ACCEPT"), "text/html") == NULL &&
	    strstr(req_env(r, "CONTENT_TYPE"), "xml") != NULL)
		r->fmt = FMT_XML;	/* an API client that sent XML */
}

/* Headers every response carries. */
static void
security_headers(struct kiln_req *r)
{
	out_header(r, "Content-Security-Policy", "default-src 'self';"
	    " object-src 'none'; frame-ancestors 'none'; base-uri 'self';"
	    " form-action 'self'");
	out_header(r, "X-Content-Type-Options", "nosniff");
	out_header(r, "Referrer-Policy", "same-origin");
	out_header(r, "X-Frame-Options", "DENY");
	out_header(r, "Cache-Control", "no-store");
}

static int
health(struct kiln_req *r)
{
	if (out_begin_raw(r, 200, "text/plain; charset=utf-8") == -1)
		return -1;
	out_raw(r, "ok\n", 3);
	return out_finish(r);
}

static int
parse(struct kiln_req *r)
{
	const char	*qs, *pi, *sn;
	char		*path;
	size_t		 n;
	enum form_err	 fe;

	r->method = method_of(req_env(r, "REQUEST_METHOD"));
	r->https = strcasecmp(req_env(r, "HTTPS"), "on") == 0 ||
	    strcmp(req_env(r, "REQUEST_SCHEME"), "https") == 0;
	sn = req_env(r, "SCRIPT_NAME");
	pi = req_env(r, "PATH_INFO");
	/* Line breaks in a path (%0D%0A) have no business in a link. */
	if (strlen(sn) > HTTP_MAX_PATH || strlen(pi) > HTTP_MAX_PATH ||
	    !form_text_ok(sn, strlen(sn)) || !form_text_ok(pi, strlen(pi)) ||
	    strpbrk(sn, "\r\n\t") != NULL || strpbrk(pi, "\r\n\t") != NULL)
		return page_error(r, ERR_BAD_REQUEST, _("Bad path."), NULL),
		    -1;
	/* Links are root-relative under the prefix: "/crm" + "/customers". */
	n = strlen(sn);
	while (n > 0 && sn[n - 1] == '/')
		n--;
	r->prefix = arena_strndup(r->arena, sn, n);
	path = arena_strdup(r->arena, *pi ? pi : "/");
	format_of(r, path);
	r->path = path;
	i18n_select(req_env(r, "HTTP_ACCEPT_LANGUAGE"));
	qs = req_env(r, "QUERY_STRING");
	if (strlen(qs) > HTTP_MAX_QUERY)
		return page_error(r, ERR_BAD_REQUEST,
		    _("The query string is too long."), NULL), -1;
	if ((fe = form_parse(r->arena, qs, strlen(qs), &r->query)) !=
	    FORM_OK)
		return page_error(r, ERR_BAD_REQUEST, _(form_strerror(fe)),
		    NULL), -1;
	return 0;
}

static const char *const admins[] = { "admin", NULL };

/*
 * The core's own pages, as plugins declare theirs (kiln_route): method,
 * path ("#" an id, "*" a segment), handler, who may.  Public ones are
 * answered before sign-in.
 */
struct core_route {
	const char		*method;
	const char		*path;
	int			(*handler)(struct kiln_req *);
	const char *const	*roles;
	int			 public;
};

static const struct core_route core_routes[] = {
	{ "GET", "/health", health, NULL, 1 },
	{ "GET", "/login", auth_login_page, NULL, 1 },
	{ "POST", "/login", auth_login, NULL, 1 },
	{ "POST", "/logout", auth_logout, NULL, 1 },
	{ "GET", "/", home_page, NULL, 0 },
	{ "GET", "/search", pick_search_page, NULL, 0 },
	{ "GET", "/audit", history_page, admins, 0 },
	{ "GET", "/changes", history_changes, NULL, 0 },
	{ "GET", "/tokens", tokens_page, NULL, 0 },
	{ "POST", "/tokens", tokens_create, NULL, 0 },
	{ "POST", "/tokens/#/revoke", tokens_revoke, NULL, 0 },
	{ "GET", "/admin/users", admin_users, admins, 0 },
	{ "POST", "/admin/users", admin_add, admins, 0 },
	{ "GET", "/admin/users/*", admin_user, admins, 0 },
	{ "POST", "/admin/users/*", admin_user, admins, 0 },
	{ "POST", "/admin/users/*/*", admin_modify, admins, 0 },
};

/*
 * The core route for the request among those public or not: 0 once
 * answered, 1 if none; *seen when one matched the path, not the method.
 */
static int
core_route(struct kiln_req *r, int public, int *seen)
{
	const struct core_route	*rt;
	size_t			 i;

	for (i = 0; i < sizeof(core_routes) / sizeof(core_routes[0]); i++) {
		rt = &core_routes[i];
		if (rt->public != public || !route_match(r, rt->path))
			continue;
		*seen = 1;
		if (!route_method(r, rt->method))
			continue;
		if (!route_role(r, rt->roles))
			return page_error(r, ERR_FORBIDDEN, NULL, NULL), 0;
		(void)rt->handler(r);
		return 0;
	}
	return 1;
}

static void
route(struct kiln_req *r)
{
	int	 seen = 0;

	if (r->method == M_OTHER) {
		page_error(r, ERR_METHOD, _("Unsupported method."), NULL);
		return;
	}
	if (core_route(r, 1, &seen) == 0 || plugin_route(r, 1, &seen) == 0)
		return;
	/*
	 * A form's CSRF token is in its body: read before checking it.
	 * Only a plugin's page marked KILN_R_UPLOAD takes files.
	 */
	r->multipart_ok = strncasecmp(req_env(r, "CONTENT_TYPE"),
	    "multipart/", 10) == 0 && plugin_route_is(r);
	if (r->method != M_GET && r->method != M_HEAD && page_body(r) != 0)
		return;
	if (auth_request(r) != 0)
		return;
	if (core_route(r, 0, &seen) == 0 || plugin_route(r, 0, &seen) == 0)
		return;
	if (seen) {
		page_error(r, ERR_METHOD, NULL, NULL);
		return;
	}
	if (crud_route(r, r->path) == 0)
		return;
	page_error(r, ERR_NOT_FOUND, NULL, NULL);
}

int
http_serve(struct app *app, struct io *io, struct arena *a)
{
	struct kiln_req	 r;
	enum db_err	 de;
	int		 rc = 0;

	memset(&r, 0, sizeof(r));
	r.arena = a;
	r.app = app;
	r.io = io;
	r.prefix = "";
	r.path = "/";
	app->req = &r;		/* for kiln_readable() in SQL */
	security_headers(&r);
	/*
	 * A database that cannot be opened, or whose file was deleted or
	 * replaced, is answered at once (503, with the cause), never by
	 * a hang or from a file that is no longer the database.
	 */
	if (parse(&r) == 0) {
		if ((de = app_db_ready(app)) != DB_OK)
			storage_answer(&r, de);
		else {
			if (app->rules != NULL &&
			    rules_refresh(app->rules) == 1 &&
			    audit_rules(app) == -1)
				log_warn("could not audit the change of rule"
				    " files");
			route(&r);
		}
	}
	if (!r.started) {
		log_err("%s: no response was produced", r.path);
		page_error(&r, ERR_INTERNAL, NULL, NULL);
		rc = -1;
	}
	/* A handler that left a transaction open loses it, not the lock. */
	if (app->db != NULL && !db_idle(app->db)) {
		log_err("%s: a transaction was left open", r.path);
		db_rollback(app->db);
		rc = -1;
	}
	if (io->cgi)
		req_drain_body(&r);
	if (r.buf != NULL)
		xmlBufferFree(r.buf);
	app->req = NULL;
	arena_reset(a);
	return rc;
}
