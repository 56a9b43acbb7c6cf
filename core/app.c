/*
 * app.c - assembling a worker: database, plugins, entities, rules.
 */
#include "config.h"

#include <string.h>

#include "acl.h"
#include "app.h"
#include "arena.h"
#include "confine.h"
#include "db.h"
#include "entity.h"
#include "log.h"
#include "plugin.h"
#include "rules.h"
#include "schema.h"
#include "services.h"

/* The database cannot be opened: said once, until it can again. */
static enum db_err
down(struct app *app)
{
	if (!app->db_down)
		log_err("database %s cannot be opened: every request is"
		    " answered 503 until it can", app->conf.db);
	app->db_down = 1;
	return DB_UNAVAILABLE;
}

/*
 * On PostgreSQL a new connection's SQLite shadow (db.c) gets every
 * SQLite migration, the core's and the plugins' in migration order;
 * then plugins' SQL can be judged against the same tables.
 */
static int
shadow(struct app *app)
{
	size_t	 order[APP_PLUGINS_MAX], i;

	if (!db_is_pg(app->db))
		return 0;
	if (db_shadow(app->db, "core", schema_core) != DB_OK ||
	    app_plugin_order(app, order) == -1)
		return -1;
	for (i = 0; i < app->nplugins; i++)
		if (db_shadow(app->db, app->plugins[order[i]].desc->name,
		    app->plugins[order[i]].desc->migrations) != DB_OK)
			return -1;
	return 0;
}

int
app_open(struct app *app, const struct conf *conf, int flags)
{
	struct rules_limits	 lim = { 0, 0, 0, 0 };
	enum db_err		 e;

	memset(app, 0, sizeof(*app));
	app->conf = *conf;
	lim.time_scale = (unsigned)conf->rules_time_scale;
	if ((app->perm = arena_new(64 * 1024)) == NULL)
		return -1;
	e = db_open(conf->db, flags & APP_CREATE ? DB_CREATE : 0, &app->db);
	/* A worker answers 503 until it can open it, rather than hang. */
	if (e == DB_UNAVAILABLE && (flags & APP_DB_LATER))
		(void)down(app);
	else if (e != DB_OK)
		goto fail;
	app->services = &services_table;
	if (plugin_load_all(app, conf->plugins) == -1 ||
	    entity_setup(app) == -1 || confine_check(app) == -1 ||
	    (app->db != NULL && (acl_register(app) == -1 ||
	    shadow(app) == -1)))
		goto fail;
	if ((flags & APP_RULES) && (app->rules = rules_open(conf->rules, &lim)) ==
	    NULL)
		log_warn("rules directory %s: not loaded; rules will fail",
		    conf->rules);
	return 0;
fail:
	app_close(app);
	return -1;
}

/*
 * The old file's -wal and -shm beside a replaced database would show a
 * new connection the old database: said once, and not opened.
 */
static enum db_err
log_left(struct app *app)
{
	if (!app->db_log_left)
		log_err("database %s was deleted or replaced, but the old"
		    " file's %s-wal and %s-shm are still beside it: opened now,"
		    " the new file would be read through the old one's log."
		    "  Move them away (they belong to the old file); Kiln"
		    " opens what is at the path at the next request",
		    app->conf.db, app->conf.db, app->conf.db);
	app->db_log_left = 1;
	return DB_MOVED;
}

enum db_err
app_db_ready(struct app *app)
{
	int	 stale;

	if (app->db != NULL) {
		if ((stale = db_stale(app->db)) == 0)
			return DB_OK;
		if (stale == -1)
			return log_left(app);
		log_info("database %s: opening it again", app->conf.db);
		db_close(app->db);
		app->db = NULL;
		app->db_log_left = 0;
	}
	if (db_open(app->conf.db, app->db_down ? DB_QUIET : 0, &app->db) !=
	    DB_OK)
		return down(app);
	/* A new connection: its SQL functions too. */
	if (acl_register(app) == -1 || shadow(app) == -1) {
		db_close(app->db);
		app->db = NULL;
		return down(app);
	}
	if (app->db_down)
		log_info("database %s is open again", app->conf.db);
	app->db_down = 0;
	return DB_OK;
}

void
app_close(struct app *app)
{
	if (app->rules != NULL)
		rules_close(app->rules);
	entity_teardown(app);
	plugin_unload_all(app);
	db_close(app->db);
	arena_free(app->perm);
	memset(app, 0, sizeof(*app));
}

/*
 * Whether every plugin whose entities p requires is migrated (done[],
 * by plugin index).  Host views ("user") are the core's: always.
 */
static int
ready(const struct app *app, const struct plugin *p, const char *done)
{
	const char *const	*q;
	const struct entity	*e;

	for (q = p->desc->requires; q != NULL && *q != NULL; q++) {
		if ((e = entity_by_name((struct app *)app, *q)) == NULL ||
		    e->plug == p)
			continue;	/* a host view, its own, or not loaded */
		if (!done[e->plug - app->plugins])
			return 0;
	}
	return 1;
}

/*
 * The plugins in an order where each comes after those whose entities
 * it requires: kiln init migrates in it (their tables exist then) and
 * demo-data fills in it (their records are there to refer to).  order
 * gets app->nplugins indexes; 0, or -1 on a loop of requires (logged).
 */
int
app_plugin_order(const struct app *app, size_t *order)
{
	char	 done[APP_PLUGINS_MAX] = { 0 };
	size_t	 i, n = 0, before;

	if (app->nplugins > sizeof(done)) {
		log_err("%zu plugins: at most %zu are ordered", app->nplugins,
		    sizeof(done));
		return -1;
	}
	while (n < app->nplugins) {
		before = n;
		for (i = 0; i < app->nplugins; i++) {
			if (done[i] || !ready(app, &app->plugins[i], done))
				continue;
			done[i] = 1;
			order[n++] = i;
		}
		if (n == before) {
			for (i = 0; i < app->nplugins; i++)
				if (!done[i])
					log_err("plugin %s: what it requires"
					    " never comes first (a loop of"
					    " requires)",
					    app->plugins[i].desc->name);
			return -1;
		}
	}
	return 0;
}

int
app_migrate(struct app *app)
{
	const struct kiln_plugin	*d;
	size_t				 order[APP_PLUGINS_MAX], i;

	if (db_migrate(app->db, "core", schema_core, schema_core_pg) !=
	    DB_OK || app_plugin_order(app, order) == -1)
		return -1;
	for (i = 0; i < app->nplugins; i++) {
		d = app->plugins[order[i]].desc;
		if (db_migrate(app->db, d->name, d->migrations,
		    d->pg_migrations) != DB_OK)
			return -1;
	}
	return 0;
}
