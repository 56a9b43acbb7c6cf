/*
 * req.c - request accessors and body reading; see req.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "form.h"
#include "multipart.h"
#include "i18n.h"
#include "page.h"
#include "error.h"
#include "req.h"
#include "value.h"
#include "xmlin.h"

const char *
req_env(struct kiln_req *r, const char *name)
{
	const char	*v = r->io->getenv(r->io->ctx, name);

	return v ? v : "";
}

const char *
req_query(struct kiln_req *r, const char *name)
{
	return form_get(&r->query, name);
}

const char *
req_body_param(struct kiln_req *r, const char *name)
{
	return r->has_body ? form_get(&r->body, name) : NULL;
}

const char *
req_param(struct kiln_req *r, const char *name)
{
	const char	*v;

	if (r->has_body && (v = form_get(&r->body, name)) != NULL)
		return v;
	return form_get(&r->query, name);
}

const char *
req_escape(struct kiln_req *r, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct abuf	 b;
	char		 e[3];

	abuf_init(&b, r->arena);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			abuf_addn(&b, s, 1);
		else {
			e[0] = '%';
			e[1] = hex[c >> 4];
			e[2] = hex[c & 15];
			abuf_addn(&b, e, 3);
		}
	}
	return b.s;
}

char *
req_url(struct kiln_req *r, const char *fmt, ...)
{
	struct abuf	 b;
	va_list		 ap;
	char		*p;

	va_start(ap, fmt);
	p = arena_vprintf(r->arena, fmt, ap);
	va_end(ap);
	abuf_init(&b, r->arena);
	abuf_add(&b, r->prefix);
	abuf_add(&b, p ? p : "");
	return b.s;
}

char *
req_record_url(struct kiln_req *r, const char *plural, long long id)
{
	struct abuf	 b;
	char		 num[MONEY_BUFSZ];

	/* Without printf: a list page builds one of these per row. */
	abuf_init(&b, r->arena);
	abuf_add(&b, r->prefix);
	abuf_add(&b, "/");
	abuf_add(&b, plural);
	abuf_add(&b, "/");
	abuf_add(&b, value_int_format(id < 0 ? 0 : id, num));
	return b.s;
}

/*
 * A CGI program that answers before reading its input leaves the web
 * server writing into a closed pipe (mod_cgid then drops the answer):
 * read the rest, up to a cap, and throw it away.
 */
void
req_drain_body(struct kiln_req *r)
{
	static const unsigned long long	 cap = 64ULL * 1024 * 1024;
	char				 buf[16384];
	long long			 len;
	unsigned long long		 left;
	long				 n;

	if (value_int_parse(req_env(r, "CONTENT_LENGTH"), &len) != 0 ||
	    len <= 0 || (unsigned long long)len <= r->body_read)
		return;
	left = (unsigned long long)len - r->body_read;
	if (left > cap)
		left = cap;
	while (left > 0) {
		n = r->io->read(r->io->ctx, buf,
		    left < sizeof(buf) ? (size_t)left : sizeof(buf));
		if (n <= 0)
			break;
		left -= (unsigned long long)n;
	}
}

/* Media type without parameters, lower-cased. */
static const char *
media_type(struct kiln_req *r, const char *ct)
{
	size_t	 n = strcspn(ct, "; \t");
	char	*s = arena_strndup(r->arena, ct, n), *p;

	for (p = s; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return s;
}

/*
 * Read and parse the body.  The size is checked against the limit
 * before a byte is read.  Returns 0, or -1 once an error response has
 * been sent.
 */
/* Why the body was refused, for the caller to answer; returns -1. */
static int
refuse(struct kiln_req *r, enum error_code e, const char *msg)
{
	r->refused.error = e;
	r->refused.msg = msg;
	return -1;
}

int
req_read_body(struct kiln_req *r)
{
	const char	*cl, *ct, *root;
	char		*buf;
	long long	 len;
	size_t		 got = 0;
	long		 n;
	enum form_err	 fe;
	enum xmlin_err	 xe;
	enum mp_err	 me;
	int		 multi;

	if (r->has_body)
		return 0;
	cl = req_env(r, "CONTENT_LENGTH");
	if (*cl == '\0' && (r->method == M_DELETE || r->method == M_GET ||
	    r->method == M_HEAD)) {
		r->has_body = 1;
		return 0;
	}
	if (*cl == '\0')
		return refuse(r, ERR_LENGTH,
		    _("A request body needs a Content-Length."));
	if (value_int_parse(cl, &len) != 0 || len < 0)
		return refuse(r, ERR_BAD_REQUEST,
		    _("Content-Length is not a number."));
	ct = media_type(r, req_env(r, "CONTENT_TYPE"));
	/*
	 * A form with files goes to a plugin's page that takes them, and
	 * may be larger: its files and some fields.  Nowhere else.
	 */
	multi = strcmp(ct, "multipart/form-data") == 0 && r->multipart_ok;
	if ((unsigned long long)len > (multi ? r->app->conf.upload_max +
	    MULTIPART_SLACK : r->app->conf.max_body))
		return refuse(r, ERR_TOO_LARGE,
		    _("The request body is too large."));
	r->has_body = 1;
	if (len == 0)
		return 0;
	if (strcmp(ct, "application/x-www-form-urlencoded") != 0 &&
	    strcmp(ct, "application/xml") != 0 &&
	    strcmp(ct, "text/xml") != 0 && !multi)
		return refuse(r, ERR_UNSUPPORTED,
		    _("Send application/x-www-form-urlencoded,"
		    " multipart/form-data or application/xml."));
	buf = arena_alloc(r->arena, (size_t)len + 1);
	while (got < (size_t)len) {
		n = r->io->read(r->io->ctx, buf + got, (size_t)len - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	r->body_read = got;
	if (got != (size_t)len)
		return refuse(r, ERR_BAD_REQUEST,
		    _("The request body ended early."));
	buf[got] = '\0';
	if (strcmp(ct, "application/x-www-form-urlencoded") == 0) {
		if ((fe = form_parse(r->arena, buf, got, &r->body)) != FORM_OK)
			return refuse(r, ERR_BAD_REQUEST,
			    _(form_strerror(fe)));
		return 0;
	}
	if (multi) {
		r->files = arena_calloc(r->arena, 1, sizeof(*r->files));
		if ((me = multipart_parse(r->arena, req_env(r, "CONTENT_TYPE"),
		    buf, got, r->files, &r->body)) != MP_OK)
			return refuse(r, ERR_BAD_REQUEST,
			    _(multipart_strerror(me)));
		return 0;
	}
	r->sets = arena_calloc(r->arena, 1, sizeof(*r->sets));
	xe = xmlin_parse(r->arena, buf, got, &r->body, &root, r->sets);
	r->body_root = root;
	if (xe != XMLIN_OK)
		return refuse(r, xe == XMLIN_DOCTYPE ? ERR_UNSUPPORTED :
		    ERR_BAD_REQUEST, _(xmlin_strerror(xe)));
	return 0;
}
