/*
 * plugin.c - the plugin loader and the calls into plugins that are not
 * an entity's hooks (routes, sections, watches, jobs, checks); see
 * plugin.h.  What plugins may call is services.c.
 */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kiln-plugin.h"
#include "acl.h"
#include "app.h"
#include "auth.h"
#include "cli.h"
#include "confine.h"
#include "db.h"
#include "entity.h"
#include "arena.h"
#include "hook.h"
#include "i18n.h"
#include "list.h"
#include "log.h"
#include "page.h"
#include "plugin.h"
#include "proxy.h"
#include "req.h"
#include "route.h"
#include "throttle.h"
#include "value.h"


/*
 * Other plugins' parts of a record's page: their own sections, and the
 * records of theirs that name this one, listed by the host (only what
 * the viewer may read; writable: whether the record may be changed).
 */
void
plugin_sections(struct kiln_req *r, const struct entity *e, long long id,
    int writable)
{
	const struct kiln_section	*s;
	const struct kiln_services	*sv;
	const struct plugin		*was;
	size_t				 i;

	for (i = 0; i < r->app->nplugins; i++)
		for (s = r->app->plugins[i].desc->sections; s && s->entity;
		    s++) {
			if (strcmp(s->entity, e->d->name) != 0)
				continue;
			if (s->page != NULL) {
				sv = hook_enter(r, &r->app->plugins[i], &was);
				s->page(r, sv, id);
				hook_leave(r, was);
			}
			if (s->list != NULL && s->by != NULL &&
			    list_related(r, s->list, s->by, id, writable) == -1)
				log_warn("%s of %s %lld not shown", s->list,
				    e->d->name, id);
		}
}

/* Every plugin's business checks (kiln check): broken records found. */
int
plugin_checks(struct app *app, FILE *out)
{
	const struct kiln_check	*c;
	struct db_stmt		*st;
	size_t			 i;
	int			 bad = 0, rc;

	for (i = 0; i < app->nplugins; i++)
		for (c = app->plugins[i].desc->checks; c && c->name; c++) {
			/* Under the plugin's rights, as all its SQL. */
			if ((st = (struct db_stmt *)confine_stmt(app,
			    &app->plugins[i], c->sql, acl_expand(app, NULL,
			    app->perm, c->sql))) == NULL) {
				fprintf(out, "%s: check %s could not run\n",
				    app->plugins[i].desc->name, c->name);
				bad++;
				continue;
			}
			while ((rc = db_step(st)) == DB_ROW) {
				fprintf(out, "%s: %s\n", c->name,
				    db_col_null(st, 0) ?
				    "(a broken record)" :
				    db_col_text(st, 0));
				bad++;
			}
			if (rc != DB_DONE) {
				fprintf(out, "%s: check %s failed: %s\n",
				    app->plugins[i].desc->name, c->name,
				    db_message(app->db));
				bad++;
			}
			db_done(st);
		}
	return bad;
}

/* Whether any plugin watches updates of entity (see plugin.h). */
int
plugin_watched(const struct app *app, const char *entity)
{
	const struct kiln_watch	*w;
	size_t			 i;

	for (i = 0; i < app->nplugins; i++)
		for (w = app->plugins[i].desc->watches; w && w->entity; w++)
			if (strcmp(w->entity, entity) == 0)
				return 1;
	return 0;
}

/* Each plugin's watch on an update of entity, in load order. */
int
plugin_watches(struct kiln_req *r, const char *entity, long long id,
    const struct kiln_kv *before, const struct kiln_kv *after, size_t n)
{
	const struct kiln_watch		*w;
	const struct kiln_services	*sv;
	const struct plugin		*was;
	size_t				 i;
	int				 rc;

	for (i = 0; i < r->app->nplugins; i++)
		for (w = r->app->plugins[i].desc->watches; w && w->entity;
		    w++) {
			if (strcmp(w->entity, entity) != 0)
				continue;
			sv = hook_enter(r, &r->app->plugins[i], &was);
			rc = w->changed(r, sv, id, before, after, n);
			hook_leave(r, was);
			if (rc != 0)
				return -1;
		}
	return 0;
}

/* Every plugin's jobs, or the one named, with the CLI's rights. */
int
plugin_jobs(struct app *app, const char *only)
{
	const struct kiln_job	*j;
	struct kiln_req		 r;
	size_t			 i;
	int			 failed = 0, ran = 0, mine;

	/* Several hosts on one PostgreSQL: one runs them, the others wait. */
	if ((mine = db_jobs_lock(app->db)) != 1) {
		if (mine == 0)
			log_info("jobs: another host is running them; not now");
		return mine == 0 ? 0 : 1;
	}
	for (i = 0; i < app->nplugins; i++)
		for (j = app->plugins[i].desc->jobs; j && j->name; j++) {
			if (only != NULL && strcmp(only, j->name) != 0)
				continue;
			ran++;
			/* Each job has an arena of its own, freed after it. */
			if (cli_req(&r, app, NULL) == -1) {
				failed++;
				continue;
			}
			r.job = arena_printf(r.arena, "job:%s", j->name);
			r.caller = &app->plugins[i];
			if (j->run(&r, app->services) != 0) {
				log_err("job %s (plugin %s) failed", j->name,
				    app->plugins[i].desc->name);
				failed++;
			}
			/* As after a request: nothing is left open. */
			if (!db_idle(app->db)) {
				log_err("job %s left a transaction open",
				    j->name);
				db_rollback(app->db);
				failed++;
			}
			cli_req_free(&r);
		}
	db_jobs_unlock(app->db);
	return only != NULL && ran == 0 ? -1 : failed;
}

int
plugin_mail_in(struct app *app, const struct kiln_mail *m)
{
	struct kiln_req		 r;
	size_t			 i;
	int			 rc = 1;

	for (i = 0; i < app->nplugins && rc == 1; i++) {
		if (app->plugins[i].desc->mail_in == NULL)
			continue;
		if (cli_req(&r, app, NULL) == -1)
			return -1;
		r.job = "mail-in";
		r.caller = &app->plugins[i];
		rc = app->plugins[i].desc->mail_in(&r, app->services, m);
		if (!db_idle(app->db)) {
			log_err("mail-in: plugin %s left a transaction open",
			    app->plugins[i].desc->name);
			db_rollback(app->db);
			rc = -1;
		}
		cli_req_free(&r);
	}
	return rc < 0 ? -1 : rc;
}

static int
name_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 32)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

static int
is_so(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return n > 3 && strcmp(d->d_name + n - 3, ".so") == 0 &&
	    d->d_name[0] != '.';
}

/* One plugin: every refusal says which file and why, in one line. */
static int
load_one(struct app *app, const char *path, const struct kiln_services *sv)
{
	const struct kiln_plugin	*p;
	void				*h;
	size_t				 i;

	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_err("plugin %s refused: %s", path, dlerror());
		return -1;
	}
	if ((p = dlsym(h, "kiln_plugin")) == NULL) {
		log_err("plugin %s refused: no kiln_plugin symbol", path);
		goto fail;
	}
	if (p->abi != KILN_ABI_VERSION) {
		log_err("plugin %s refused: ABI version %u, host speaks %u",
		    path, p->abi, KILN_ABI_VERSION);
		goto fail;
	}
	if (p->signature == NULL ||
	    strcmp(p->signature, KILN_SIGNATURE) != 0) {
		log_err("plugin %s refused: build signature %s, host is %s",
		    path, p->signature ? p->signature : "(none)",
		    KILN_SIGNATURE);
		goto fail;
	}
	if (!name_ok(p->name)) {
		log_err("plugin %s refused: invalid name", path);
		goto fail;
	}
	for (i = 0; i < app->nplugins; i++)
		if (strcmp(app->plugins[i].desc->name, p->name) == 0) {
			log_err("plugin %s refused: duplicate name '%s'"
			    " (already loaded from %s)", path, p->name,
			    app->plugins[i].path);
			goto fail;
		}
	if (p->init != NULL && p->init(sv) != 0) {
		log_err("plugin %s (%s) refused: its init failed", path,
		    p->name);
		goto fail;
	}
	app->plugins[app->nplugins].desc = p;
	app->plugins[app->nplugins].handle = h;
	app->plugins[app->nplugins].path = arena_strdup(app->perm, path);
	app->nplugins++;
	return 0;
fail:
	dlclose(h);
	return -1;
}

static int	 load_dir(struct app *, const char *);

/* dirs: one directory, or several separated by ':' (PATH-like). */
int
plugin_load_all(struct app *app, const char *dirs)
{
	char	*copy, *dir, *save = NULL;
	int	 rc = 0;

	app->plugins = arena_calloc(app->perm, APP_PLUGINS_MAX,
	    sizeof(*app->plugins));
	if (app->plugins == NULL ||
	    (copy = arena_strdup(app->perm, dirs)) == NULL)
		return -1;
	for (dir = strtok_r(copy, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save))
		if (load_dir(app, dir) == -1)
			rc = -1;
	return rc;
}

static int
load_dir(struct app *app, const char *dir)
{
	struct dirent			**ents = NULL;
	char				 path[4096];
	int				 n, i;

	/* Sorted, so every worker loads the same plugins in one order. */
	if ((n = scandir(dir, &ents, is_so, alphasort)) < 0) {
		log_err("plugin directory %s: cannot read it", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (app->nplugins < APP_PLUGINS_MAX &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    ents[i]->d_name) < sizeof(path))
			(void)load_one(app, path, app->services);
		free(ents[i]);
	}
	free(ents);
	return 0;
}

void
plugin_unload_all(struct app *app)
{
	size_t	 i;

	for (i = app->nplugins; i-- > 0; ) {
		if (app->plugins[i].desc->fini != NULL)
			app->plugins[i].desc->fini();
		dlclose(app->plugins[i].handle);
	}
	app->nplugins = 0;
}

/*
 * A public route's gate: the address's requests of the hour counted
 * (429 above public_limit; refused when they cannot be counted), the
 * body read, the form token checked.  0 to go on, -1 once answered.
 */
static int
public_gate(struct kiln_req *r, const struct kiln_route *rt)
{
	int	 rc;

	rc = throttle_public(r->app->db, proxy_client(r), rt->path,
	    r->app->conf.public_limit, (long long)time(NULL));
	if (rc != 0) {
		if (rc < 0)
			log_err("%s: public requests cannot be counted", r->path);
		page_error(r, rc > 0 ? ERR_THROTTLED : ERR_BUSY, rc > 0 ?
		    _("Too many requests from your address; try again in an"
		    " hour.") : NULL, NULL);
		return -1;
	}
	if (r->method != M_GET && r->method != M_HEAD && page_body(r) != 0)
		return -1;
	return auth_public(r);
}

/* Is the request for a plugin's page that takes files (KILN_R_UPLOAD)? */
int
plugin_route_is(struct kiln_req *r)
{
	const struct kiln_route	*rt;
	size_t			 i;

	for (i = 0; i < r->app->nplugins; i++)
		for (rt = r->app->plugins[i].desc->routes; rt && rt->path;
		    rt++)
			if ((rt->flags & KILN_R_UPLOAD) &&
			    !(rt->flags & KILN_R_PUBLIC) && route_method(r,
			    rt->method) && route_match(r, rt->path))
				return 1;
	return 0;
}

int
plugin_route(struct kiln_req *r, int public, int *seen)
{
	const struct kiln_route	*rt;
	size_t			 i;

	for (i = 0; i < r->app->nplugins; i++) {
		for (rt = r->app->plugins[i].desc->routes; rt && rt->path;
		    rt++) {
			if (!(rt->flags & KILN_R_PUBLIC) != !public ||
			    !route_match(r, rt->path))
				continue;
			*seen = 1;
			if (!route_method(r, rt->method))
				continue;
			if (public) {
				if (public_gate(r, rt) != 0)
					return 0;
				r->public = 1;
			} else if (!route_role(r, rt->roles))
				return page_error(r, ERR_FORBIDDEN, NULL, NULL),
				    0;
			else if (r->method != M_GET && r->method != M_HEAD &&
			    page_body(r) != 0)
				return 0;
			r->caller = &r->app->plugins[i];
			if (rt->handler(r, r->app->services) != 0)
				log_warn("plugin %s: %s %s: its handler failed",
				    r->app->plugins[i].desc->name, rt->method,
				    rt->path);
			r->caller = NULL;
			return 0;
		}
	}
	return 1;
}
