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

#define XMLIN_MAX_SETS	4
#define XMLIN_MAX_ITEMS	1000

#include "form.h"

/* A list inside the document, e.g. an order's <lines><line>...</lines>. */
struct xmlset {
	const char	*name;			/* "lines" */
	struct kvlist	 items[XMLIN_MAX_ITEMS];	/* one per <line> */
	size_t		 n;
};

struct xmlsets {
	struct xmlset	 v[XMLIN_MAX_SETS];
	size_t		 n;
};

/*
 * sets may be NULL: then a list in the document is refused
 * (XMLIN_TOO_MANY), as for a record that has none.
 */
enum xmlin_err	 xmlin_parse(struct arena *, const char *, size_t,
		    struct kvlist *, const char **root, struct xmlsets *);
const char	*xmlin_strerror(enum xmlin_err);

#endif
