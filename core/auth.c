/*
 * auth.c - authentication and CSRF; see auth.h.
 *
 * Session tokens are 128 random bits; the database keeps only their
 * BLAKE2b hash, so a copy of the database opens no session.  A new
 * token is made at every login (no fixation).  seen_at is written at
 * most once a minute: a page view should not cost an fsync.
 */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "form.h"
#include "i18n.h"
#include "log.h"
#include "out.h"
#include "page.h"
#include "proxy.h"
#include "req.h"
#include "throttle.h"
#include "user.h"

#define SESSION_BYTES	16
#define TOUCH_EVERY	60

/* The value of one cookie of this request, or NULL. */
static const char *
cookie(struct kiln_req *r, const char *name)
{
	return form_cookie(r->arena, req_env(r, "HTTP_COOKIE"), name);
}

static const char *
cookie_path(struct kiln_req *r)
{
	return *r->prefix ? r->prefix : "/";
}

static void
set_cookie(struct kiln_req *r, const char *value, int maxage)
{
	out_header(r, "Set-Cookie", arena_printf(r->arena,
	    "%s=%s; Path=%s; HttpOnly; SameSite=Lax%s%s",
	    AUTH_COOKIE, value, cookie_path(r), r->https ? "; Secure" : "",
	    maxage == 0 ? "; Max-Age=0" : ""));
}

/* Look a session up, enforcing idle and absolute timeouts. */
static int
session_user(struct kiln_req *r, const char *tok, struct user *u)
{
	unsigned char	 h[32];
	struct db_stmt	*st;
	long long	 sid = 0, seen = 0, made = 0, now = time(NULL);
	int		 rc;

	if (strlen(tok) > 64)
		return -1;
	user_secret_hash(tok, h);
	if ((st = db_stmt(r->app->db, "SELECT u.id, u.login, u.name, u.role,"
	    " u.team, s.id, s.csrf, s.created_at, s.seen_at FROM sessions s"
	    " JOIN users u ON u.id = s.user_id WHERE s.hash = ?1"
	    " AND u.active = 1")) == NULL)
		return -1;
	db_bind_blob(st, 1, h, sizeof(h));
	if ((rc = db_step(st)) == DB_ROW) {
		u->id = db_col_int(st, 0);
		u->login = arena_strdup(r->arena,
		    db_col_text(st, 1));
		u->name = arena_strdup(r->arena,
		    db_col_text(st, 2));
		u->role = arena_strdup(r->arena,
		    db_col_text(st, 3));
		u->team = arena_strdup(r->arena,
		    db_col_text(st, 4));
		sid = db_col_int(st, 5);
		r->csrf = arena_strdup(r->arena,
		    db_col_text(st, 6));
		made = db_col_int(st, 7);
		seen = db_col_int(st, 8);
	}
	db_done(st);
	if (rc != DB_ROW)
		return -1;
	if (now - seen > r->app->conf.session_idle ||
	    now - made > r->app->conf.session_max) {
		r->csrf = NULL;
		if ((st = db_stmt(r->app->db,
		    "DELETE FROM sessions WHERE id = ?1")) != NULL) {
			db_bind_int(st, 1, sid);
			db_step(st);
			db_done(st);
		}
		return -1;
	}
	if (now - seen >= TOUCH_EVERY && (st = db_stmt(r->app->db,
	    "UPDATE sessions SET seen_at = ?2 WHERE id = ?1")) != NULL) {
		db_bind_int(st, 1, sid);
		db_bind_int(st, 2, now);
		db_step(st);	/* best effort: only extends idle time */
		db_done(st);
	}
	return 0;
}

/*
 * This host as host:port.  Some servers pass HTTP_HOST without the
 * port (Debian's nginx fastcgi_params sets it to $host): then the port
 * comes from SERVER_PORT, omitted when it is the scheme's default.
 */
const char *
auth_self_host(struct kiln_req *r)
{
	const char	*host = req_env(r, "HTTP_HOST");
	const char	*port = req_env(r, "SERVER_PORT");

	if (strchr(host, ':') != NULL && host[strlen(host) - 1] != ']')
		return host;
	if (*port == '\0' || strcmp(port, r->https ? "443" : "80") == 0)
		return host;
	return arena_printf(r->arena, "%s:%s", host, port);
}

/*
 * Cross-site request checks that need no token: a browser that says
 * the request came from another site, or an Origin not this host.
 */
static int
same_origin(struct kiln_req *r)
{
	const char	*sfs = req_env(r, "HTTP_SEC_FETCH_SITE");
	const char	*origin = req_env(r, "HTTP_ORIGIN"), *p;

	if (*sfs && strcmp(sfs, "same-origin") != 0 && strcmp(sfs, "none") != 0)
		return 0;
	if (*origin == '\0')
		return 1;
	if (strcmp(origin, "null") == 0)
		return 0;
	if ((p = strstr(origin, "://")) == NULL)
		return 0;
	return strcasecmp(p + 3, auth_self_host(r)) == 0;
}

/*
 * The session's token, from the X-CSRF-Token header or the body, never
 * the query string: a URL ends up in logs, histories and Referer
 * headers, and a token there would be a token given away.
 */
static int
csrf_ok(struct kiln_req *r)
{
	const char	*t;

	if (r->csrf == NULL || !same_origin(r))
		return 0;
	t = req_env(r, "HTTP_X_CSRF_TOKEN");
	if (*t == '\0' && (t = req_body_param(r, "csrf")) == NULL)
		return 0;
	return strlen(t) == strlen(r->csrf) &&
	    sodium_memcmp(t, r->csrf, strlen(t)) == 0;
}

int
auth_public(struct kiln_req *r)
{
	const char	*have = cookie(r, AUTH_FORM_COOKIE), *t;
	char		 tok[64];

	if (r->method != M_GET && r->method != M_HEAD) {
		t = req_body_param(r, "csrf");
		if (!same_origin(r) || have == NULL || t == NULL ||
		    strlen(t) != strlen(have) || strlen(t) < 16 ||
		    sodium_memcmp(t, have, strlen(t)) != 0) {
			page_error(r, ERR_CSRF, NULL, NULL);
			return -1;
		}
		r->csrf = have;
		return 0;
	}
	/* Double submit: another site can neither read nor set it. */
	if (have != NULL && strlen(have) >= 16 &&
	    strspn(have, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == strlen(have)) {
		r->csrf = have;
		return 0;
	}
	user_secret_new(SESSION_BYTES, tok, sizeof(tok));
	r->csrf = arena_strdup(r->arena, tok);
	out_header(r, "Set-Cookie", arena_printf(r->arena,
	    "%s=%s; Path=%s; HttpOnly; SameSite=Strict%s", AUTH_FORM_COOKIE,
	    tok, cookie_path(r), r->https ? "; Secure" : ""));
	return 0;
}

/*
 * A new session for user u: random token (only its hash stored), its
 * own CSRF token, the cookie.  Sets r->csrf.  0, or -1 when the
 * database refused.
 */
static int
session_create(struct kiln_req *r, const struct user *u)
{
	char		 tok[64], csrf[64];
	unsigned char	 h[32];
	struct db_stmt	*st;
	long long	 now = time(NULL);
	int		 rc;

	user_secret_new(SESSION_BYTES, tok, sizeof(tok));
	user_secret_new(SESSION_BYTES, csrf, sizeof(csrf));
	user_secret_hash(tok, h);
	if ((st = db_stmt(r->app->db, "INSERT INTO sessions (user_id, hash,"
	    " csrf, created_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?4)")) == NULL)
		return -1;
	db_bind_int(st, 1, u->id);
	db_bind_blob(st, 2, h, sizeof(h));
	db_bind_text(st, 3, csrf);
	db_bind_int(st, 4, now);
	rc = db_step(st);
	db_done(st);
	if (db_result(r->app->db, rc, "session") != DB_OK)
		return -1;
	r->csrf = arena_strdup(r->arena, csrf);
	set_cookie(r, tok, -1);
	sodium_memzero(tok, sizeof(tok));
	return 0;
}

/*
 * Single sign-on: REMOTE_USER as the web server set it.  Only with
 * trust_remote_user, and only when the server also says how it
 * authenticated (AUTH_TYPE): nginx's stock fastcgi_params pass the
 * user name of any Basic header unchecked, without AUTH_TYPE.
 */
static int
sso_user(struct kiln_req *r, struct user *u)
{
	const char	*ru = req_env(r, "REMOTE_USER");

	if (!r->app->conf.trust_remote_user || *ru == '\0' ||
	    *req_env(r, "AUTH_TYPE") == '\0')
		return -1;
	return user_by_login(r->app->db, r->arena, ru, u);
}

static int
unauthenticated(struct kiln_req *r)
{
	if (r->fmt == FMT_XML || r->fmt == FMT_CSV) {
		out_header(r, "WWW-Authenticate", "Bearer realm=\"kiln\"");
		return page_error(r, ERR_UNAUTHENTICATED,
		    _("Log in or send an API token."), NULL);
	}
	return out_redirect(r, req_url(r, "/login"));
}

int
auth_request(struct kiln_req *r)
{
	struct user	*u, other;
	const char	*h, *tok;
	int		 state;

	if ((u = arena_calloc(r->arena, 1, sizeof(*u))) == NULL)
		return page_error(r, ERR_INTERNAL, _("out of memory"),
		    NULL), 1;
	h = req_env(r, "HTTP_AUTHORIZATION");
	if (strncasecmp(h, "Bearer ", 7) == 0) {
		if (user_by_token(r->app->db, r->arena, h + 7, u) == 0) {
			r->user = u;
			return 0;	/* no cookie, so no CSRF to fear */
		}
		return unauthenticated(r), 1;
	}
	if (sso_user(r, u) == 0) {
		/*
		 * A browser resends the server's credentials on any request,
		 * a forged cross-site one too: SSO users get a session, and so
		 * a CSRF token, like everyone else.
		 */
		if ((tok = cookie(r, AUTH_COOKIE)) == NULL ||
		    session_user(r, tok, &other) == -1 || other.id != u->id) {
			r->csrf = NULL;
			if (session_create(r, u) == -1)
				return page_error(r, ERR_BUSY,
				    _("Try again."), NULL), 1;
		}
	} else if ((tok = cookie(r, AUTH_COOKIE)) == NULL ||
	    session_user(r, tok, u) == -1)
		return unauthenticated(r), 1;
	r->user = u;
	state = r->method != M_GET && r->method != M_HEAD;
	if (state && !csrf_ok(r)) {
		/* The body must be read before a form's csrf can be seen. */
		return page_error(r, ERR_CSRF,
		    _("The form was stale or came from another site;"
		    " reload the page and try again."), NULL), 1;
	}
	return 0;
}

static int
login_page(struct kiln_req *r, int status, const char *msg,
    const char *login)
{
	if (page_begin(r, status, _("Log in")) == -1)
		return -1;
	out_open(r, "form");
	out_attr(r, "class", "login");
	out_attr(r, "method", "post");
	out_attr(r, "action", req_url(r, "/login"));
	out_elem(r, "h1", _("Log in"));
	if (msg != NULL)
		page_alert(r, "message", msg);
	out_open(r, "label");
	out_attr(r, "for", "login");
	out_text(r, _("Login"));
	out_close(r);
	out_open(r, "input");
	out_attr(r, "id", "login");
	out_attr(r, "name", "login");
	out_attr(r, "autocomplete", "username");
	out_attr(r, "required", "required");
	out_attr(r, "value", login ? login : "");
	out_void(r);
	out_open(r, "label");
	out_attr(r, "for", "password");
	out_text(r, _("Password"));
	out_close(r);
	out_open(r, "input");
	out_attr(r, "id", "password");
	out_attr(r, "name", "password");
	out_attr(r, "type", "password");
	out_attr(r, "autocomplete", "current-password");
	out_attr(r, "required", "required");
	out_void(r);
	page_button(r, _("Log in"), NULL);
	out_close(r);
	return page_end(r);
}

/*
 * A login refused before its password is looked at: throttled (429),
 * or unable to count or record attempts (503).
 */
static int
login_refused(struct kiln_req *r, enum error_code e, const char *msg,
    const char *login, long wait)
{
	out_header(r, "Retry-After", arena_printf(r->arena, "%ld", wait));
	if (r->fmt == FMT_XML)
		return page_error(r, e, msg, NULL);
	return login_page(r, error_def(e)->status, msg, login);
}

static int
login(struct kiln_req *r)
{
	struct user	 u;
	const char	*login, *pw, *ip;
	long		 wait;
	int		 ok;
	long long	 now = time(NULL), attempt;

	if (page_body(r) != 0)
		return 0;
	if (!same_origin(r))
		return page_error(r, ERR_CSRF,
		    _("Log in from Kiln's own login page."), NULL);
	login = req_param(r, "login");
	pw = req_param(r, "password");
	if (login == NULL || pw == NULL || *login == '\0')
		return login_page(r, 422, _("Enter your login and password."),
		    login);
	if (strlen(login) > 64)
		login = arena_strndup(r->arena, login, 64);
	/*
	 * Before any hashing: a throttled attempt costs us nothing.  The
	 * attempt is recorded as failed before the password is checked;
	 * what cannot be counted or recorded is not checked at all.
	 */
	ip = proxy_client(r);
	/*
	 * Counted and recorded in one write transaction: parallel guesses
	 * queue here, each seeing the ones before it, rather than all
	 * passing the count before any is recorded.
	 */
	if (db_begin(r->app->db) != DB_OK)
		wait = -1;
	else if ((wait = throttle_wait(r->app->db, login, ip, now)) > 0) {
		db_rollback(r->app->db);
		return login_refused(r, ERR_THROTTLED,
		    _("Too many attempts; wait and try again."), login, wait);
	}
	if (wait < 0 || (attempt = throttle_note(r->app->db, login, ip,
	    now)) < 0 || db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		log_err("login attempts cannot be %s: logins are refused",
		    wait < 0 ? "counted" : "recorded");
		return login_refused(r, ERR_BUSY, _("Logins are paused:"
		    " attempts cannot be recorded. Try again later."), login,
		    60);
	}
	ok = user_verify(r->app->db, r->arena, login, pw, &u) == 0;
	if (ok && throttle_ok(r->app->db, attempt) == -1)
		return login_refused(r, ERR_BUSY, _("Logins are paused:"
		    " attempts cannot be recorded. Try again later."), login,
		    60);
	if (!ok) {
		log_info("failed login for %s", user_login_ok(login) ?
		    login : "(invalid login)");
		(void)audit_event(r, "login_failed", "", 0,
		    user_login_ok(login) ? login : "(invalid login)");
		return login_page(r, 401, _("Wrong login or password."),
		    login);
	}
	if (session_create(r, &u) == -1)
		return page_error(r, ERR_BUSY, _("Try again."), NULL);
	log_info("login %s", u.login);
	r->user = &u;
	(void)audit_event(r, "login", "", 0, "");
	return out_redirect(r, req_url(r, "/"));
}

static int
logout(struct kiln_req *r)
{
	unsigned char	 h[32];
	const char	*tok;
	struct db_stmt	*st;

	if (page_body(r) != 0)
		return 0;
	if (auth_request(r) != 0)
		return 0;
	if ((tok = cookie(r, AUTH_COOKIE)) != NULL &&
	    (st = db_stmt(r->app->db, "DELETE FROM sessions WHERE hash = ?1"))
	    != NULL) {
		user_secret_hash(tok, h);
		db_bind_blob(st, 1, h, sizeof(h));
		db_step(st);
		db_done(st);
	}
	(void)audit_event(r, "logout", "", 0, "");
	set_cookie(r, "", 0);
	return out_redirect(r, req_url(r, "/login"));
}

int
auth_login(struct kiln_req *r)
{
	return login(r);
}

int
auth_login_page(struct kiln_req *r)
{
	return login_page(r, 200, NULL, NULL);
}

int
auth_logout(struct kiln_req *r)
{
	return logout(r);
}
