/*
 * intruder.c - a test-only plugin whose SQL reaches past what it
 * declared: the host must refuse each statement when it is prepared
 * (services sql() answers NULL, one log line), so nothing it tries
 * changes anything.  Its own table and the host's "user" view work.
 */
#include "kiln-plugin.h"

/* One statement per route: /intruder/N runs attempts[N - 1]. */
static const char *const attempts[] = {
	/* 1: its own table: allowed */
	"INSERT INTO intruder_notes (note) VALUES ('mine')",
	/* 2: a host table */
	"UPDATE users SET role = 'admin'",
	/* 3: another plugin's table */
	"UPDATE customers SET credit_limit = 99999999",
	/* 4: reading what it did not declare, no column named */
	"SELECT count(*) FROM orders",
	/* 5: a column of a declared view that the view does not show */
	"SELECT password FROM users",
	/* 6: a transaction of its own */
	"COMMIT",
	/* 7: a pragma */
	"PRAGMA foreign_keys = OFF",
	/* 8: the view as declared: allowed */
	"SELECT count(*) FROM users WHERE login <> ''",
	/* 9: another plugin's table through a subquery */
	"INSERT INTO intruder_notes (note) SELECT name FROM customers",
	/* 10: a schema change */
	"DROP TABLE intruder_notes",
};

#define NATTEMPTS	(sizeof(attempts) / sizeof(attempts[0]))

/* POST /intruder/#: 200 when the statement ran, 403 when refused. */
static int
attempt(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	long long		 n = sv->route_id(r);
	int			 rc;

	if (n < 1 || (unsigned long long)n > NATTEMPTS)
		return sv->error(r, 404, "not_found", "No such attempt.");
	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if ((st = sv->sql(r, attempts[n - 1])) == NULL) {
		sv->rollback(r);
		return sv->error(r, 403, "forbidden", "refused");
	}
	rc = sv->step(st);
	sv->done(st);
	if (rc < 0 || sv->commit(r) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", "failed");
	}
	sv->begin(r, 200, "attempt", "Attempt");
	sv->text(r, "ran");
	return sv->end(r);
}

static const struct kiln_route routes[] = {
	{ "POST", "/intruder/#", attempt, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

static const struct kiln_migration migrations[] = {
	{ 1, "CREATE TABLE intruder_notes (id INTEGER PRIMARY KEY,"
	    " note TEXT NOT NULL)" },
	{ 0, NULL }
};

static const char *const tables[] = { "intruder_notes", NULL };
static const char *const requires[] = { "user", NULL };

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("intruder"),
	.description = "test plugin whose SQL reaches too far",
	.routes = routes,
	.migrations = migrations,
	.tables = tables,
	.requires = requires,
};
