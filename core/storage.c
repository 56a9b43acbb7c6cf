/*
 * storage.c - storage faults as answers; see storage.h.
 */
#include "config.h"

#include "page.h"
#include "storage.h"

enum error_code
storage_error(enum db_err e)
{
	switch (e) {
	case DB_BUSY:
		return ERR_BUSY;
	case DB_FULL:
		return ERR_DISK_FULL;
	case DB_READONLY:
		return ERR_READ_ONLY;
	case DB_MOVED:
		return ERR_DB_MOVED;
	case DB_UNAVAILABLE:
		return ERR_DB_UNAVAILABLE;
	default:
		return ERR_INTERNAL;
	}
}

int
storage_answer(struct kiln_req *r, enum db_err e)
{
	return page_error(r, storage_error(e), NULL, NULL);
}
