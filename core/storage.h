/*
 * storage.h - a failed database call as the user sees it: 503 with
 * the cause in words (busy, disk full, read-only, file deleted or
 * replaced, cannot be opened) and Retry-After, or 500 for a real
 * error.  Never "Internal error." for a fault an administrator can
 * repair.
 */
#ifndef KILN_STORAGE_H
#define KILN_STORAGE_H

#include "db.h"

struct kiln_req;

/* HTTP status, error code and message (translated) for e. */
int	 storage_status(enum db_err e, const char **code, const char **msg);
/* Answer the request with e: page_error with storage_status's words. */
int	 storage_answer(struct kiln_req *, enum db_err e);

#endif
