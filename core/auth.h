/*
 * auth.h - who is asking: bearer tokens for programs, session cookies
 * for browsers (with a CSRF token), optionally REMOTE_USER from the web
 * server.  Also the login and logout pages.
 */
#ifndef KILN_AUTH_H
#define KILN_AUTH_H

struct kiln_req;

#define AUTH_COOKIE	"kiln_session"
#define AUTH_FORM_COOKIE "kiln_form"

/*
 * Identify the user and guard state changes.  Returns 0 to go on, or
 * 1 when a response (303 to login, 401, 403 csrf) has been sent.
 */
int	 auth_request(struct kiln_req *);
/*
 * A public page (no login): its forms' CSRF token is a random value in
 * a cookie of its own (AUTH_FORM_COOKIE) echoed in the form, and a
 * request a browser says is cross-site is refused.  Sets r->csrf; for
 * a POST checks it.  0, or -1 once refused (403 csrf).
 */
int	 auth_public(struct kiln_req *);
/* This host as the browser named it: host[:port]. */
const char *auth_self_host(struct kiln_req *);
/* POST /login, GET /login, POST /logout (before sign-in). */
int	 auth_login(struct kiln_req *);
int	 auth_login_page(struct kiln_req *);
int	 auth_logout(struct kiln_req *);

#endif
