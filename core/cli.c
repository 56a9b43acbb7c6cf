/*
 * cli.c - request contexts for commands; see cli.h.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "app.h"
#include "cli.h"
#include "req.h"

int
cli_req(struct kiln_req *r, struct app *app, const struct user *u)
{
	memset(r, 0, sizeof(*r));
	if ((r->arena = arena_new(64 * 1024)) == NULL)
		return -1;
	r->app = app;
	r->user = u;
	r->prefix = "";
	r->path = "/";
	app->req = r;
	return 0;
}

void
cli_req_free(struct kiln_req *r)
{
	if (r->app != NULL && r->app->req == r)
		r->app->req = NULL;
	arena_free(r->arena);
	r->arena = NULL;
}
