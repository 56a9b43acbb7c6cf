/*
 * app.c - assembling a worker: database, plugins, entities, rules.
 */
#include "config.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "db.h"
#include "entity.h"
#include "log.h"
#include "plugin.h"
#include "rules.h"
#include "schema.h"

int
app_open(struct app *app, const struct conf *conf, int flags)
{
	struct rules_limits	 lim = { 0, 0, 0 };

	memset(app, 0, sizeof(*app));
	app->conf = *conf;
	if ((app->perm = arena_new(64 * 1024)) == NULL)
		return -1;
	if (db_open(conf->db, flags & APP_CREATE ? DB_CREATE : 0, &app->db) != DB_OK)
		goto fail;
	if (plugin_load_all(app, conf->plugins) == -1 ||
	    entity_setup(app) == -1)
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

int
app_migrate(struct app *app)
{
	size_t	 i;

	if (db_migrate(app->db, "core", schema_core) != DB_OK)
		return -1;
	for (i = 0; i < app->nplugins; i++)
		if (db_migrate(app->db, app->plugins[i].desc->name,
		    app->plugins[i].desc->migrations) != DB_OK)
			return -1;
	return 0;
}
