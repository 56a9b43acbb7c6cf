/*
 * auth.h - who is asking: bearer tokens for programs, session cookies
 * for browsers (with a CSRF token), optionally REMOTE_USER from the web
 * server.  Also the login and logout pages.
 */
#ifndef KILN_AUTH_H
#define KILN_AUTH_H

struct kiln_req;

#define AUTH_COOKIE	"kiln_session"

/*
 * Identify the user and guard state changes.  Returns 0 to go on, or
 * 1 when a response (303 to login, 401, 403 csrf) has been sent.
 */
int	 auth_request(struct kiln_req *);
/* POST /login, GET /login, POST /logout (before sign-in). */
int	 auth_login(struct kiln_req *);
int	 auth_login_page(struct kiln_req *);
int	 auth_logout(struct kiln_req *);

#endif
