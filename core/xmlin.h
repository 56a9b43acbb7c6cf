/*
 * xmlin.h - an XML request body (<customer><name>..</name>
 * <owner id="7"/></customer>) read into name/value pairs.  No network,
 * no DTD, no entities: a document with a DOCTYPE is refused outright.
 */
#ifndef KILN_XMLIN_H
#define KILN_XMLIN_H

#include <stddef.h>

struct arena;
struct kvlist;

enum xmlin_err {
	XMLIN_OK = 0,
	XMLIN_MALFORMED,	/* not well-formed, or too deep */
	XMLIN_DOCTYPE,		/* DTDs and entities are not accepted */
	XMLIN_BAD_TEXT,		/* control characters */
	XMLIN_TOO_MANY,
	XMLIN_NOMEM
};

enum xmlin_err	 xmlin_parse(struct arena *, const char *, size_t,
		    struct kvlist *, const char **root);
const char	*xmlin_strerror(enum xmlin_err);

#endif
