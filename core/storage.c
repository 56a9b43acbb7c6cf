/*
 * storage.c - storage faults as answers; see storage.h.
 */
#include "config.h"

#include "i18n.h"
#include "page.h"
#include "storage.h"

int
storage_status(enum db_err e, const char **code, const char **msg)
{
	switch (e) {
	case DB_BUSY:
		*code = "busy";
		*msg = _("The database is busy; try again.");
		return 503;
	case DB_FULL:
		*code = "disk_full";
		*msg = _("The disk that holds the database is full: nothing"
		    " was saved. Try again once space has been freed.");
		return 503;
	case DB_READONLY:
		*code = "read_only";
		*msg = _("The database is read-only (its file or its file"
		    " system does not allow writing): nothing was saved."
		    " Reading still works.");
		return 503;
	case DB_MOVED:
		*code = "db_moved";
		*msg = _("The database file was deleted or replaced while in"
		    " use: nothing was saved. Try again in a moment.");
		return 503;
	case DB_UNAVAILABLE:
		*code = "db_unavailable";
		*msg = _("The database cannot be opened (the server log says"
		    " why). Try again later.");
		return 503;
	default:
		*code = "internal";
		*msg = _("Internal error.");
		return 500;
	}
}

int
storage_answer(struct kiln_req *r, enum db_err e)
{
	const char	*code, *msg;
	int		 status;

	status = storage_status(e, &code, &msg);
	return page_error(r, status, code, msg, NULL);
}
