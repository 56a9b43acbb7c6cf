/*
 * multipart.h - multipart/form-data bodies (RFC 7578), for uploads
 * such as CSV imports.  Untrusted input: the boundary, the number of
 * parts, header sizes and names are capped; text fields must be valid
 * UTF-8 without control characters, file contents are kept as bytes.
 */
#ifndef KILN_MULTIPART_H
#define KILN_MULTIPART_H

#include <stddef.h>

struct arena;
struct kvlist;

struct part {
	const char	*name;
	const char	*filename;	/* NULL for a plain field */
	const char	*ctype;		/* the part's Content-Type, or NULL */
	const char	*data;		/* NUL-terminated copy */
	size_t		 len;
};

struct parts {
	struct part	*v;
	size_t		 n;
};

enum mp_err {
	MP_OK = 0,
	MP_NOMEM,
	MP_NO_BOUNDARY,		/* Content-Type without a usable boundary */
	MP_MALFORMED,		/* delimiters, headers or disposition wrong */
	MP_TOO_MANY,		/* more than MP_MAX_PARTS parts */
	MP_BAD_TEXT		/* a field is not valid UTF-8 text */
};

#define MP_MAX_PARTS	64
/* What a multipart body may hold beyond kiln.conf's upload_max: fields. */
#define MULTIPART_SLACK	(64 * 1024)
#define MP_MAX_HEADERS	2048	/* bytes of one part's headers */

/*
 * Parse body of the given Content-Type header value.  Plain fields are
 * also appended to fields (when not NULL) as name/value pairs.
 */
enum mp_err	 multipart_parse(struct arena *, const char *ctype,
		    const char *body, size_t len, struct parts *,
		    struct kvlist *fields);
const char	*multipart_strerror(enum mp_err);

#endif
