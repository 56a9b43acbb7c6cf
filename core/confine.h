/*
 * confine.h - a plugin's SQL is kept to its own tables (its entities'
 * and kiln_plugin.tables) and what it requires (kiln_plugin.requires):
 * an SQLite authorizer refuses anything else when the statement is
 * prepared, with one log line naming plugin and table.
 */
#ifndef KILN_CONFINE_H
#define KILN_CONFINE_H

struct app;
struct kiln_stmt;
struct plugin;

/*
 * A cached statement of plugin p's, prepared under its rights; or
 * NULL.  run: what runs on PostgreSQL (db_stmt_as), or NULL.
 */
struct kiln_stmt *confine_stmt(const struct app *, const struct plugin *p,
		    const char *sql, const char *run);
/*
 * Whether every plugin's claimed tables are its to claim (not the
 * core's, SQLite's, nor another plugin's); -1 (each logged) if not.
 */
int		 confine_check(const struct app *);

#endif
