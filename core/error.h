/*
 * error.h - every error Kiln answers, in one table: its code (the XML
 * <error code>, which schema/error.rng lists), its HTTP status and its
 * default message.  Handlers name an error; the status and code follow.
 */
#ifndef KILN_ERROR_H
#define KILN_ERROR_H

enum error_code {
	ERR_BAD_REQUEST = 0,
	ERR_UNAUTHENTICATED,
	ERR_FORBIDDEN,
	ERR_CSRF,
	ERR_NOT_FOUND,
	ERR_METHOD,
	ERR_STALE,
	ERR_RULE,
	ERR_CONFLICT,
	ERR_LENGTH,
	ERR_TOO_LARGE,
	ERR_UNSUPPORTED,
	ERR_INVALID,
	ERR_THROTTLED,
	ERR_INTERNAL,
	ERR_BUSY,
	ERR_DISK_FULL,
	ERR_READ_ONLY,
	ERR_DB_MOVED,
	ERR_DB_UNAVAILABLE,
	ERR_MAX
};

struct error_def {
	const char	*code;
	int		 status;
	const char	*message;	/* untranslated: _() it */
};

const struct error_def	*error_def(enum error_code);
/* The error of a code ("not_found"), or NULL: plugins name theirs. */
int			 error_lookup(const char *code, enum error_code *);

#endif
