/*
 * error.c - the table of errors; see error.h.
 */
#include "config.h"

#include <string.h>

#include "error.h"
#include "i18n.h"

/* _() marks the messages for the catalogue; they are translated later. */
#define N_(s)	(s)

static const struct error_def errors[ERR_MAX] = {
	[ERR_BAD_REQUEST] = { "bad_request", 400,
	    N_("The request is malformed.") },
	[ERR_UNAUTHENTICATED] = { "unauthenticated", 401,
	    N_("Please log in.") },
	[ERR_FORBIDDEN] = { "forbidden", 403,
	    N_("You may not do that.") },
	[ERR_CSRF] = { "csrf", 403,
	    N_("The form's security token is missing or wrong; reload the"
	    " page and try again.") },
	[ERR_NOT_FOUND] = { "not_found", 404, N_("No such page.") },
	[ERR_METHOD] = { "method_not_allowed", 405,
	    N_("That method is not allowed here.") },
	[ERR_STALE] = { "stale", 409,
	    N_("Someone else changed this record meanwhile; reload it and"
	    " apply your change again.") },
	[ERR_RULE] = { "rule", 409, N_("A business rule failed.") },
	[ERR_CONFLICT] = { "conflict", 409,
	    N_("The change conflicts with other records.") },
	[ERR_LENGTH] = { "length_required", 411,
	    N_("A request body needs a Content-Length.") },
	[ERR_TOO_LARGE] = { "too_large", 413,
	    N_("The request body is too large.") },
	[ERR_UNSUPPORTED] = { "unsupported", 415,
	    N_("Send application/x-www-form-urlencoded or"
	    " application/xml.") },
	[ERR_INVALID] = { "invalid", 422,
	    N_("Please correct the marked fields.") },
	[ERR_THROTTLED] = { "throttled", 429,
	    N_("Too many attempts; wait and try again.") },
	[ERR_INTERNAL] = { "internal", 500, N_("Internal error.") },
	[ERR_BUSY] = { "busy", 503, N_("The database is busy; try again.") },
	[ERR_DISK_FULL] = { "disk_full", 503,
	    N_("The disk that holds the database is full: nothing was saved."
	    " Try again once space has been freed.") },
	[ERR_READ_ONLY] = { "read_only", 503,
	    N_("The database is read-only (its file or its file system does"
	    " not allow writing): nothing was saved. Reading still works.") },
	[ERR_DB_MOVED] = { "db_moved", 503,
	    N_("The database file was deleted or replaced while in use:"
	    " nothing was saved. Try again in a moment.") },
	[ERR_DB_UNAVAILABLE] = { "db_unavailable", 503,
	    N_("The database cannot be opened (the server log says why)."
	    " Try again later.") },
};

const struct error_def *
error_def(enum error_code e)
{
	return &errors[(unsigned)e < ERR_MAX ? e : ERR_INTERNAL];
}

int
error_lookup(const char *code, enum error_code *out)
{
	size_t	 i;

	for (i = 0; i < ERR_MAX; i++)
		if (code != NULL && strcmp(errors[i].code, code) == 0) {
			*out = (enum error_code)i;
			return 0;
		}
	return -1;
}
