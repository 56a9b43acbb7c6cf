/*
 * form.c - application/x-www-form-urlencoded decoding; see form.h.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "form.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Strict UTF-8 check (no overlongs, no surrogates, nothing past
 * U+10FFFF) that also refuses NUL and C0 controls other than tab, CR
 * and LF: such bytes have no business in a CRM field and break XML.
 */
int
form_text_ok(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*end = p + len;
	uint32_t		 cp;
	int			 n, i;

	while (p < end) {
		if (*p < 0x80) {
			if (*p < 0x20 && *p != '\t' && *p != '\r' &&
			    *p != '\n')
				return 0;
			if (*p == 0x7f)
				return 0;
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else
			return 0;
		if (end - p <= n)
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		/* C1 controls are as unwelcome as C0 ones. */
		if (cp >= 0x80 && cp <= 0x9f)
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Decode one %-escaped, '+'-for-space token into the arena. */
static enum form_err
decode(struct arena *a, const char *s, size_t len, char **out)
{
	char	*d, *p;
	size_t	 i;
	int	 hi, lo;

	if ((d = arena_alloc(a, len + 1)) == NULL)
		return FORM_NOMEM;
	for (p = d, i = 0; i < len; i++) {
		if (s[i] == '+')
			*p++ = ' ';
		else if (s[i] == '%') {
			if (i + 2 >= len)
				return FORM_BAD_ENCODING;
			if ((hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0)
				return FORM_BAD_ENCODING;
			*p++ = (char)(hi << 4 | lo);
			i += 2;
		} else
			*p++ = s[i];
	}
	*p = '\0';
	if (!form_text_ok(d, (size_t)(p - d)))
		return FORM_BAD_UTF8;
	*out = d;
	return FORM_OK;
}

int
form_add(struct arena *a, struct kvlist *l, const char *key,
    const char *val)
{
	struct kv	*nv;
	size_t		 ncap;

	if (l->n == l->cap) {
		ncap = l->cap ? l->cap * 2 : 16;
		if ((nv = arena_calloc(a, ncap, sizeof(*nv))) == NULL)
			return -1;
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n].key = key;
	l->v[l->n].val = val;
	l->n++;
	return 0;
}

enum form_err
form_parse(struct arena *a, const char *s, size_t len, struct kvlist *l)
{
	const char	*p = s, *end = s + len, *amp, *eq;
	char		*key, *val;
	enum form_err	 e;

	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {		/* "a=1&&b=2" */
			p++;
			continue;
		}
		if (l->n >= FORM_MAX_PAIRS)
			return FORM_TOO_MANY;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if ((size_t)(eq - p) > FORM_MAX_NAME * 3)
			return FORM_TOO_LONG;
		if ((e = decode(a, p, (size_t)(eq - p), &key)) != FORM_OK)
			return e;
		if (strlen(key) > FORM_MAX_NAME)
			return FORM_TOO_LONG;
		if (eq < amp)
			e = decode(a, eq + 1, (size_t)(amp - eq - 1), &val);
		else
			e = decode(a, eq, 0, &val);
		if (e != FORM_OK)
			return e;
		if (form_add(a, l, key, val) == -1)
			return FORM_NOMEM;
		p = amp + 1;
	}
	return FORM_OK;
}

const char *
form_get(const struct kvlist *l, const char *key)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].val;
	return NULL;
}

size_t
form_count(const struct kvlist *l, const char *key)
{
	size_t	 i, n = 0;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			n++;
	return n;
}

const char *
form_strerror(enum form_err e)
{
	switch (e) {
	case FORM_OK:
		return "ok";
	case FORM_NOMEM:
		return "out of memory";
	case FORM_TOO_MANY:
		return "too many parameters";
	case FORM_BAD_ENCODING:
		return "malformed percent-encoding";
	case FORM_BAD_UTF8:
		return "text must be valid UTF-8 without control characters";
	case FORM_TOO_LONG:
		return "parameter name too long";
	}
	return "unknown error";
}

const char *
form_cookie(struct arena *a, const char *h, const char *name)
{
	const char	*p, *end;
	size_t		 n = strlen(name);

	if (h == NULL || strlen(h) > FORM_MAX_COOKIE)
		return NULL;
	for (p = h; *p; ) {
		while (*p == ' ' || *p == ';')
			p++;
		end = p + strcspn(p, ";");
		if ((size_t)(end - p) > n && strncmp(p, name, n) == 0 &&
		    p[n] == '=')
			return arena_strndup(a, p + n + 1,
			    (size_t)(end - p - n - 1));
		p = end;
	}
	return NULL;
}
