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

/* Serve one request on io; returns 0 unless the transport failed. */
int	 http_serve(struct app *, struct io *, struct arena *);

#endif
