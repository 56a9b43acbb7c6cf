/*
 * confine.c - a plugin's SQL kept to its own tables; see confine.h.
 */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "app.h"
#include "confine.h"
#include "db.h"
#include "entity.h"
#include "log.h"
#include "schema.h"

/* What a plugin's statement is being prepared for, and the first "no". */
struct confine {
	const struct app	*app;
	const struct plugin	*p;
	int			 refused;
};

/* Of the users table, what a plugin requiring "user" may read. */
static const char *const user_view[] = {
	"", "id", "login", "name", "team", "role", "active", NULL
};

static int
in_list(const char *const *l, const char *s)
{
	for (; l != NULL && *l != NULL; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

/* Is table that of (or the fts table of) an entity of plugin p? */
static int
entity_table(const struct app *app, const struct plugin *p,
    const char *entity, const char *table)
{
	const struct entity	*e;
	size_t			 i;

	for (i = 0; i < app->nentities; i++) {
		e = &app->entities[i];
		if ((p != NULL && e->plug != p) ||
		    (entity != NULL && strcmp(e->d->name, entity) != 0))
			continue;
		if (strcmp(e->d->plural, table) == 0 ||
		    (e->d->fts != NULL && strcmp(e->d->fts, table) == 0))
			return 1;
	}
	return 0;
}

static int
owns(const struct app *app, const struct plugin *p, const char *table)
{
	return entity_table(app, p, NULL, table) ||
	    in_list(p->desc->tables, table);
}

static int
may_read(const struct app *app, const struct plugin *p, const char *table,
    const char *column)
{
	const char *const	*q;

	if (owns(app, p, table))
		return 1;
	for (q = p->desc->requires; q != NULL && *q != NULL; q++) {
		if (strcmp(*q, "user") == 0) {
			if (strcmp(table, "users") == 0 &&
			    in_list(user_view, column ? column : ""))
				return 1;
		} else if (entity_table(app, NULL, *q, table))
			return 1;
	}
	return 0;
}

/*
 * SQLite's authorizer while a plugin's statement is prepared: it reads
 * its own tables and what it requires, writes only its own, and opens
 * no transaction, pragma or schema change of its own.  Trigger bodies
 * (inner != NULL) come from the plugins' migrations, not from here.
 */
static int
authorize(void *arg, int action, const char *a1, const char *a2,
    const char *db, const char *inner)
{
	struct confine	*c = arg;
	const char	*why = NULL;

	(void)db;
	if (inner != NULL)
		return SQLITE_OK;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_READ:
		if (may_read(c->app, c->p, a1, a2))
			return SQLITE_OK;
		why = "reads";
		break;
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		if (owns(c->app, c->p, a1))
			return SQLITE_OK;
		why = "writes";
		break;
	default:
		why = "runs an action (transaction, pragma, schema) on";
		break;
	}
	if (!c->refused++)
		log_err("plugin %s: SQL refused: it %s %s%s%s, which is not its"
		    " own nor declared in requires", c->p->desc->name, why,
		    a1 ? a1 : "the database", a2 && *a2 ? "." : "",
		    a2 ? a2 : "");
	return SQLITE_DENY;
}


struct kiln_stmt *
confine_stmt(const struct app *app, const struct plugin *p, const char *sql,
    const char *run)
{
	struct confine	 c = { app, p, 0 };

	return (struct kiln_stmt *)db_stmt_as(app->db, p, sql, authorize, &c,
	    run);
}

/*
 * Is name a table plugin p may claim in kiln_plugin.tables?  Not the
 * core's, not SQLite's, not another plugin's entity or claim.
 */
static int
claimable(const struct app *app, const struct plugin *p, const char *name)
{
	const char *const	*t;
	size_t			 i;

	if (name == NULL || strncmp(name, "sqlite_", 7) == 0 ||
	    in_list(schema_core_tables, name))
		return 0;
	for (i = 0; i < app->nplugins; i++) {
		if (&app->plugins[i] == p)
			continue;
		if (entity_table(app, &app->plugins[i], NULL, name))
			return 0;
		for (t = app->plugins[i].desc->tables; t && *t; t++)
			if (strcmp(*t, name) == 0)
				return 0;
	}
	return 1;
}

int
confine_check(const struct app *app)
{
	const char *const	*t;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < app->nplugins; i++)
		for (t = app->plugins[i].desc->tables; t && *t; t++)
			if (!claimable(app, &app->plugins[i], *t)) {
				log_err("plugin %s: table %s is not its to"
				    " claim (the core's, SQLite's or another"
				    " plugin's)", app->plugins[i].desc->name, *t);
				rc = -1;
			}
	return rc;
}
