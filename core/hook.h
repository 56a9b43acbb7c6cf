/*
 * hook.h - calling into a plugin: an entity's hooks, a route, a job.
 * The call names the plugin (r->caller), so the SQL it prepares through
 * the services is confined to its tables; calls nest (a hook's
 * create() runs another plugin's hook), so each puts back the caller
 * that was.  Header only: record.c, view.c and crud.c call hooks
 * without depending on the loader.
 */
#ifndef KILN_HOOK_H
#define KILN_HOOK_H

#include "app.h"
#include "req.h"

/* The services table for a call into plugin p; *was to put back. */
static inline const struct kiln_services *
hook_enter(struct kiln_req *r, const struct plugin *p,
    const struct plugin **was)
{
	*was = r->caller;
	r->caller = p;
	return r->app->services;
}

static inline void
hook_leave(struct kiln_req *r, const struct plugin *was)
{
	r->caller = was;
}

#endif
