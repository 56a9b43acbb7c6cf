/*
 * http.h - one request from start to finish: parse the environment,
 * pick the format, authenticate, route, answer.
 */
#ifndef KILN_HTTP_H
#define KILN_HTTP_H

struct app;
struct io;
struct arena;

#define HTTP_MAX_QUERY	8192	/* bytes of QUERY_STRING */
#define HTTP_MAX_PATH	1024

/*
 * Serve one request on io.  Always answers; returns -1 when a handler
 * produced no response or left a transaction open (a bug, logged and
 * repaired: tests and the fuzzer look for it), else 0.
 */
int	 http_serve(struct app *, struct io *, struct arena *);

#endif
