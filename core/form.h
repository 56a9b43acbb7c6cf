/*
 * form.h - decoding of query strings and urlencoded bodies into
 * name/value pairs.  Input is untrusted: sizes and counts are capped,
 * values must be valid UTF-8 without NUL or other control characters
 * (tab, CR and LF excepted), so nothing later has to ask.
 */
#ifndef KILN_FORM_H
#define KILN_FORM_H

#include <stddef.h>

struct arena;

struct kv {
	const char	*key;
	const char	*val;
};

struct kvlist {
	struct kv	*v;
	size_t		 n;
	size_t		 cap;
};

enum form_err {
	FORM_OK = 0,
	FORM_NOMEM,
	FORM_TOO_MANY,		/* more pairs than allowed */
	FORM_BAD_ENCODING,	/* bad %-escape */
	FORM_BAD_UTF8,		/* invalid UTF-8, NUL or control bytes */
	FORM_TOO_LONG		/* a name over the cap */
};

#define FORM_MAX_PAIRS	256
#define FORM_MAX_NAME	128
#define FORM_MAX_COOKIE	8192	/* bytes of a Cookie header we read */

enum form_err	 form_parse(struct arena *, const char *, size_t,
		    struct kvlist *);
int		 form_add(struct arena *, struct kvlist *, const char *,
		    const char *);
/* First value of name, or NULL. */
const char	*form_get(const struct kvlist *, const char *);
/* How many times name occurs. */
size_t		 form_count(const struct kvlist *, const char *);
/* 1 when s[0..len) is valid UTF-8 free of NUL and C0 controls but \t\r\n. */
int		 form_text_ok(const char *, size_t);
const char	*form_strerror(enum form_err);
/* The value of cookie name in a Cookie header, or NULL. */
const char	*form_cookie(struct arena *, const char *header,
		    const char *name);

#endif
