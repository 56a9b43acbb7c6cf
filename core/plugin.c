/*
 * plugin.c - the plugin loader; see plugin.h and kiln-plugin.h.
 */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln-plugin.h"
#include "app.h"
#include "arena.h"
#include "log.h"
#include "out.h"
#include "page.h"
#include "plugin.h"
#include "req.h"

#define PLUGIN_MAX	64

static void	 svc_log(enum kiln_log, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
svc_log(enum kiln_log level, const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_msg(level, "%s", buf);
}

static void *
svc_alloc(struct kiln_req *r, size_t n)
{
	return arena_alloc(r->arena, n);
}

static const char *
svc_param(struct kiln_req *r, const char *name)
{
	return req_param(r, name);
}

static int
svc_begin(struct kiln_req *r, int status, const char *root,
    const char *title)
{
	if (r->fmt == FMT_XML)
		return out_xml_begin(r, status, root);
	return page_begin(r, status, title);
}

static int
svc_error(struct kiln_req *r, int status, const char *code,
    const char *msg)
{
	return page_error(r, status, code, msg, NULL);
}

static const struct kiln_services services = {
	.abi = KILN_ABI_VERSION,
	.log = svc_log,
	.alloc = svc_alloc,
	.param = svc_param,
	.begin = svc_begin,
	.open = out_open,
	.attr = out_attr,
	.text = out_text,
	.close = out_close,
	.end = out_finish,
	.error = svc_error,
};

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

int
plugin_load_all(struct app *app, const char *dir)
{
	struct dirent			**ents = NULL;
	char				 path[4096];
	int				 n, i;

	app->plugins = arena_calloc(app->perm, PLUGIN_MAX,
	    sizeof(*app->plugins));
	if (app->plugins == NULL)
		return -1;
	/* Sorted, so every worker loads the same plugins in one order. */
	if ((n = scandir(dir, &ents, is_so, alphasort)) < 0) {
		log_err("plugin directory %s: cannot read it", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (app->nplugins < PLUGIN_MAX &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    ents[i]->d_name) < sizeof(path))
			(void)load_one(app, path, &services);
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

int
plugin_route(struct kiln_req *r)
{
	static const char *const mnames[] = {
		"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "?"
	};
	const struct kiln_route	*rt;
	const char		*m = mnames[r->method];
	size_t			 i;

	if (r->method == M_HEAD)
		m = "GET";
	for (i = 0; i < r->app->nplugins; i++) {
		for (rt = r->app->plugins[i].desc->routes; rt && rt->path;
		    rt++) {
			if (strcmp(rt->path, r->path) != 0 ||
			    strcmp(rt->method, m) != 0)
				continue;
			if (r->method != M_GET && r->method != M_HEAD &&
			    req_read_body(r) != 0)
				return 0;
			rt->handler(r, &services);
			return 0;
		}
	}
	return 1;
}
