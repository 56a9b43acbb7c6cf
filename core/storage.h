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
#include "error.h"

struct kiln_req;

/* The error (error.c's table: status, code, words) of e. */
enum error_code	 storage_error(enum db_err e);
/* Answer the request with e's error. */
int	 storage_answer(struct kiln_req *, enum db_err e);

#endif
