/*
 * multipart.c - multipart/form-data parsing; see multipart.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "arena.h"
#include "form.h"
#include "multipart.h"

/*
 * The boundary parameter of a Content-Type value: 1 to 70 characters
 * of RFC 2046's set, quoted or not.
 */
static char *
boundary(struct arena *a, const char *ctype)
{
	const char	*p, *end;
	char		*b;
	size_t		 n;

	if (strncasecmp(ctype, "multipart/form-data", 19) != 0)
		return NULL;
	for (p = ctype + 19; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		p += 9;
		if (*p == '"') {
			p++;
			if ((end = strchr(p, '"')) == NULL)
				return NULL;
		} else
			end = p + strcspn(p, "; \t");
		n = (size_t)(end - p);
		if (n < 1 || n > 70)
			return NULL;
		b = arena_strndup(a, p, n);
		if (b == NULL || strspn(b, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=? ") != n ||
		    b[n - 1] == ' ')
			return NULL;
		return b;
	}
	return NULL;
}

/* Find needle in [p, end), or NULL. */
static const char *
find(const char *p, const char *end, const char *needle, size_t n)
{
	if (p >= end || (size_t)(end - p) < n)
		return NULL;
	return memmem(p, (size_t)(end - p), needle, n);
}

/*
 * A parameter (name="x") of a Content-Disposition value.  Quoted
 * strings may not hold quotes or line breaks: what browsers send.
 */
static const char *
param(struct arena *a, const char *v, const char *key)
{
	size_t		 k = strlen(key);
	const char	*p, *q;

	for (p = v; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, key, k) != 0 || p[k] != '=')
			continue;
		p += k + 1;
		if (*p != '"')
			return arena_strndup(a, p, strcspn(p, "; \t"));
		p++;
		if ((q = strchr(p, '"')) == NULL)
			return NULL;
		return arena_strndup(a, p, (size_t)(q - p));
	}
	return NULL;
}

/* One part's headers, [p, end) without the blank line. */
static enum mp_err
headers(struct arena *a, const char *p, const char *end, struct part *pt)
{
	const char	*eol, *colon, *v;
	char		*line;
	int		 disposition = 0;

	while (p < end) {
		if ((eol = find(p, end, "\r\n", 2)) == NULL)
			eol = end;
		if ((line = arena_strndup(a, p, (size_t)(eol - p))) == NULL)
			return MP_NOMEM;
		if (!form_text_ok(line, strlen(line)) ||
		    strlen(line) != (size_t)(eol - p) ||
		    (colon = strchr(line, ':')) == NULL)
			return MP_MALFORMED;
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if ((size_t)(colon - line) == 19 &&
		    strncasecmp(line, "Content-Disposition", 19) == 0) {
			if (disposition++ ||
			    strncasecmp(v, "form-data", 9) != 0)
				return MP_MALFORMED;
			pt->name = param(a, v, "name");
			pt->filename = param(a, v, "filename");
		} else if ((size_t)(colon - line) == 12 &&
		    strncasecmp(line, "Content-Type", 12) == 0)
			pt->ctype = arena_strdup(a, v);
		p = eol + 2;
	}
	if (pt->name == NULL || *pt->name == '\0' ||
	    strlen(pt->name) > FORM_MAX_NAME)
		return MP_MALFORMED;
	return MP_OK;
}

enum mp_err
multipart_parse(struct arena *a, const char *ctype, const char *body,
    size_t len, struct parts *out, struct kvlist *fields)
{
	const char	*end = body + len, *p, *hend, *next;
	char		*b, *delim;
	size_t		 dn, cap = 8;
	struct part	*pt, *nv;
	enum mp_err	 e;

	memset(out, 0, sizeof(*out));
	if ((b = boundary(a, ctype)) == NULL)
		return MP_NO_BOUNDARY;
	/* "\r\n--" + boundary: the first one may come without the CRLF. */
	if ((delim = arena_printf(a, "\r\n--%s", b)) == NULL ||
	    (out->v = arena_calloc(a, cap, sizeof(*out->v))) == NULL)
		return MP_NOMEM;
	dn = strlen(delim);
	if (len >= dn - 2 && memcmp(body, delim + 2, dn - 2) == 0)
		p = body + dn - 2;
	else if ((p = find(body, end, delim, dn)) != NULL)
		p += dn;
	else
		return MP_MALFORMED;
	for (;;) {
		/* After a delimiter: "--" ends the body, CRLF starts a part. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return MP_OK;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;	/* transport padding */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return MP_MALFORMED;
		p += 2;
		if (out->n == MP_MAX_PARTS)
			return MP_TOO_MANY;
		if ((hend = find(p, end, "\r\n\r\n", 4)) == NULL ||
		    hend - p > MP_MAX_HEADERS)
			return MP_MALFORMED;
		if ((next = find(hend + 4, end, delim, dn)) == NULL)
			return MP_MALFORMED;
		if (out->n == cap) {
			cap *= 2;
			if ((nv = arena_calloc(a, cap, sizeof(*nv))) == NULL)
				return MP_NOMEM;
			memcpy(nv, out->v, out->n * sizeof(*nv));
			out->v = nv;
		}
		pt = &out->v[out->n];
		if ((e = headers(a, p, hend, pt)) != MP_OK)
			return e;
		pt->len = (size_t)(next - (hend + 4));
		if ((pt->data = arena_strndup(a, hend + 4, pt->len)) == NULL)
			return MP_NOMEM;
		if (pt->filename == NULL) {
			if (!form_text_ok(pt->data, pt->len))
				return MP_BAD_TEXT;
			if (fields != NULL && (fields->n >= FORM_MAX_PAIRS ||
			    form_add(a, fields, pt->name, pt->data) == -1))
				return MP_TOO_MANY;
		}
		out->n++;
		p = next + dn;
	}
}

const char *
multipart_strerror(enum mp_err e)
{
	switch (e) {
	case MP_OK:
		return "ok";
	case MP_NOMEM:
		return "out of memory";
	case MP_NO_BOUNDARY:
		return "multipart/form-data needs a boundary";
	case MP_MALFORMED:
		return "the multipart body is malformed";
	case MP_TOO_MANY:
		return "too many parts";
	case MP_BAD_TEXT:
		return "text must be valid UTF-8 without control characters";
	}
	return "invalid multipart body";
}
