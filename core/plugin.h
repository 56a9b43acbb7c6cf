/*
 * plugin.h - loading plugins (dlopen, ABI and signature checks,
 * duplicate names refused) and dispatching their routes.
 */
#ifndef KILN_PLUGIN_LOADER_H
#define KILN_PLUGIN_LOADER_H

#include <stddef.h>
#include <stdio.h>

struct app;
struct entity;
struct plugin;
struct kiln_kv;
struct kiln_req;

/*
 * Load every *.so in dirs (one directory, or several separated by ':');
 * a bad plugin is logged and skipped.  Each init gets app->services.
 */
int	 plugin_load_all(struct app *, const char *dirs);
void	 plugin_unload_all(struct app *);
/*
 * Every plugin's sections for record id's page: their own parts, and
 * their records that name it (writable: may the user change it?).
 */
void	 plugin_sections(struct kiln_req *, const struct entity *,
	    long long id, int writable);
/* Run every plugin's business checks; print each broken record to out. */
int	 plugin_checks(struct app *, FILE *out);
/* Whether any plugin watches updates of entity. */
int	 plugin_watched(const struct app *, const char *entity);
/* Every plugin's watch on an update of entity; non-zero undoes it. */
int	 plugin_watches(struct kiln_req *, const char *entity, long long id,
	    const struct kiln_kv *before, const struct kiln_kv *after,
	    size_t n);
/*
 * Run every plugin's jobs (or only the one named, when only is not
 * NULL) with the rights of the command line.  How many failed, or -1
 * when only names no job.
 */
int	 plugin_jobs(struct app *, const char *only);
/*
 * A plugin's own route; 1 if none matches (*seen set when one matched
 * the path but not the method: a 405 if nothing else takes it).
 */
/*
 * The plugins' route for the request among the public ones (before any
 * login) or the others: 0 once answered, 1 if none; *seen when one
 * matched the path but not the method.
 */
int	 plugin_route(struct kiln_req *, int public, int *seen);
/* Is the request for a plugin's page that takes files (KILN_R_UPLOAD)? */
int	 plugin_route_is(struct kiln_req *);
/*
 * A received mail offered to each plugin with mail_in, in turn, until
 * one files it: 0 filed, 1 nobody's, -1 failed.
 */
int	 plugin_mail_in(struct app *, const struct kiln_mail *);

#endif
