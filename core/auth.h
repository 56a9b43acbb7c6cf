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
/* /login and /logout; 1 if the path is not theirs. */
int	 auth_route(struct kiln_req *);

#endif
