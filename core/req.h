/*
 * req.h - one HTTP request and its response, whichever way it came
 * (FastCGI or CGI).  Everything hangs off the request's arena.
 */
#ifndef KILN_REQ_H
#define KILN_REQ_H

#include <stddef.h>
#include <libxml/tree.h>

#include "form.h"

struct app;
struct arena;
struct xmlsets;
struct parts;

/* The transport: a FastCGI stream pair or CGI's stdin/stdout/environ. */
struct io {
	void		*ctx;
	const char	*(*getenv)(void *, const char *);
	/* Read up to n bytes; returns bytes read, 0 at end, -1 on error. */
	long		 (*read)(void *, char *, size_t);
	int		 (*write)(void *, const char *, size_t);
	int		 cgi;	/* unread input must be drained (CGI) */
};

enum fmt { FMT_HTML = 0, FMT_XML, FMT_CSV };

#define OUT_MAX_DEPTH	64	/* nesting of the documents we write */

enum method {
	M_GET = 0, M_HEAD, M_POST, M_PUT, M_PATCH, M_DELETE, M_OTHER
};

struct user {
	long long	 id;
	const char	*login;
	const char	*name;
	const char	*role;
	const char	*team;
};

struct plugin;

struct kiln_req {
	struct arena	*arena;
	struct app	*app;
	struct io	*io;
	enum method	 method;
	const char	*prefix;	/* SCRIPT_NAME, no trailing slash */
	const char	*path;		/* PATH_INFO without .xml/.csv */
	enum fmt	 fmt;
	struct kvlist	 query;
	struct kvlist	 body;		/* form fields or XML children */
	struct parts	*files;		/* a multipart body's files, or NULL */
	int		 multipart_ok;	/* a plugin's page: files may come */
	int		 has_body;
	const char	*body_root;	/* root element of an XML body */
	struct xmlsets	*sets;		/* its lists (an order's lines) */
	long long	 route_id;	/* the "#" of a route */
	const char	*route_arg[2];	/* its "*" segments */
	size_t		 body_read;	/* bytes of the body consumed */
	const struct user *user;
	const char	*csrf;		/* session's CSRF token, if a session */
	int		 grant_only;	/* may set only fields granted its role */
	int		 system;	/* the host's own write: every record */
	int		 public;	/* a public route's: no user, no record */
	const char	*job;		/* a plugin job's name (its actor) */
	const struct plugin *caller;	/* the plugin being called, or NULL */
	struct {			/* why req_read_body() refused */
		int		 error;		/* enum error_code */
		const char	*msg;
	}		 refused;
	int		 https;

	/* response */
	int		 status;
	struct kvlist	 headers;
	xmlBufferPtr	 buf;
	int		 html;		/* writing HTML (full end tags) */
	int		 markup;	/* HTML or XML, not a raw body */
	int		 csv_report;	/* a plugin's <report>, sent as CSV */
	int		 started;
	int		 open_tag;	/* a start tag awaits attributes */
	int		 depth;		/* open elements */
	int		 overflow;	/* opens past OUT_MAX_DEPTH, ignored */
	const char	*stack[OUT_MAX_DEPTH];
};

/* Request environment variable, or "" */
const char	*req_env(struct kiln_req *, const char *);
/* Query parameter (GET) or body field (others), or NULL. */
const char	*req_param(struct kiln_req *, const char *);
const char	*req_query(struct kiln_req *, const char *);
/* A field of the body alone (read already), or NULL. */
const char	*req_body_param(struct kiln_req *, const char *);
/*
 * Read and parse the body according to its Content-Type.  0, or -1 with
 * r->refused saying why (page_body() answers it).
 */
int		 req_read_body(struct kiln_req *);
/* Read and drop what is left of the body (CGI after an early answer). */
void		 req_drain_body(struct kiln_req *);
/* Percent-encode for a query string. */
const char	*req_escape(struct kiln_req *, const char *);
/* PREFIX/plural/id, the URL of a record. */
char		*req_record_url(struct kiln_req *, const char *, long long);
/* Build a root-relative URL under the mount prefix. */
char		*req_url(struct kiln_req *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

#endif
