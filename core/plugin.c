/*
 * plugin.c - the plugin loader; see plugin.h and kiln-plugin.h.
 */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln-plugin.h"
#include "acl.h"
#include "app.h"
#include "audit.h"
#include "cli.h"
#include "crud.h"
#include "db.h"
#include "entity.h"
#include "form.h"
#include "record.h"
#include "rules.h"
#include "arena.h"
#include "i18n.h"
#include "list.h"
#include "log.h"
#include "out.h"
#include "page.h"
#include "plugin.h"
#include "req.h"
#include "storage.h"
#include "value.h"
#include "xmlin.h"

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

static long long
svc_route_id(struct kiln_req *r)
{
	return r->route_id;
}

static long long
svc_user_id(struct kiln_req *r)
{
	return r->user ? r->user->id : 0;
}

static const char *
svc_user_login(struct kiln_req *r)
{
	return r->user ? r->user->login : "";
}

static const char *
svc_user_role(struct kiln_req *r)
{
	return r->user ? r->user->role : "";
}

static const char *
svc_user_team(struct kiln_req *r)
{
	return r->user && r->user->team ? r->user->team : "";
}

/* The host's cached statement, lent as an opaque handle. */
static struct kiln_stmt *
svc_sql(struct kiln_req *r, const char *sql)
{
	return (struct kiln_stmt *)db_stmt(r->app->db, sql);
}

static void
svc_bind_int(struct kiln_stmt *st, int i, long long v)
{
	sqlite3_bind_int64((sqlite3_stmt *)st, i, v);
}

static void
svc_bind_text(struct kiln_stmt *st, int i, const char *v)
{
	sqlite3_bind_text((sqlite3_stmt *)st, i, v ? v : "", -1,
	    SQLITE_TRANSIENT);
}

static int
svc_step(struct kiln_stmt *st)
{
	int	 rc = sqlite3_step((sqlite3_stmt *)st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	log_err("plugin SQL: %s", sqlite3_errmsg(sqlite3_db_handle(
	    (sqlite3_stmt *)st)));
	return -1;
}

static long long
svc_col_int(struct kiln_stmt *st, int i)
{
	return sqlite3_column_int64((sqlite3_stmt *)st, i);
}

static const char *
svc_col_text(struct kiln_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text((sqlite3_stmt *)st, i);

	return s ? (const char *)s : "";
}

static void
svc_done(struct kiln_stmt *st)
{
	db_done((sqlite3_stmt *)st);
}

static int
svc_begin_write(struct kiln_req *r)
{
	return db_begin(r->app->db) == DB_OK ? 0 : -1;
}

static int
svc_commit(struct kiln_req *r)
{
	return db_commit(r->app->db) == DB_OK ? 0 : -1;
}

static void
svc_rollback(struct kiln_req *r)
{
	db_rollback(r->app->db);
}

static int
svc_write_failed(struct kiln_req *r)
{
	return storage_answer(r, db_fault(r->app->db));
}

static int
svc_audit(struct kiln_req *r, const char *action, const char *entity,
    long long id, const char *detail)
{
	return audit_event(r, action, entity, id, detail);
}

static int
svc_redirect(struct kiln_req *r, const char *path)
{
	return out_redirect(r, req_url(r, "%s", path));
}

static int
svc_access(struct kiln_req *r, const char *name, long long id)
{
	const struct entity	*e = entity_by_name(r->app, name);
	struct record		 rec;

	if (e == NULL || record_load(r, e, id, &rec) != REC_OK)
		return -1;
	return acl_may_write(r, e, &rec) ? 1 : 0;
}

/* The ABI's kv is the sandbox's, member for member: passed as it is. */
_Static_assert((int)KILN_KV_STR == (int)RULES_STR &&
    (int)KILN_KV_INT == (int)RULES_INT &&
    (int)KILN_KV_BOOL == (int)RULES_BOOL &&
    (int)KILN_RULE_ERROR == (int)RULES_ERROR &&
    sizeof(struct kiln_kv) == sizeof(struct rules_kv) &&
    offsetof(struct kiln_kv, key) == offsetof(struct rules_kv, key) &&
    offsetof(struct kiln_kv, type) == offsetof(struct rules_kv, type) &&
    offsetof(struct kiln_kv, i) == offsetof(struct rules_kv, i) &&
    offsetof(struct kiln_kv, s) == offsetof(struct rules_kv, s),
    "kiln_kv drifted from rules_kv");

/* And the verdicts, member for member. */
_Static_assert((int)KILN_PASS == (int)RULES_PASS &&
    (int)KILN_WARN == (int)RULES_WARN && (int)KILN_HOLD == (int)RULES_HOLD &&
    (int)KILN_REJECT == (int)RULES_REJECT &&
    sizeof(struct kiln_verdict) == sizeof(struct rules_verdict) &&
    offsetof(struct kiln_verdict, result) ==
    offsetof(struct rules_verdict, result) &&
    offsetof(struct kiln_verdict, rule) ==
    offsetof(struct rules_verdict, rule) &&
    offsetof(struct kiln_verdict, message) ==
    offsetof(struct rules_verdict, message) &&
    offsetof(struct kiln_verdict, field) ==
    offsetof(struct rules_verdict, field),
    "kiln_verdict drifted from rules_verdict");

/* No copies: a job may run thousands of rules on one arena. */
static void
svc_rules(struct kiln_req *r, const char *const *names, size_t n,
    const char *kind, const struct kiln_kv *rec, size_t nrec,
    const struct kiln_kv *ctx, size_t nctx, struct kiln_verdict *out)
{
	size_t	 i;

	if (r->app->rules == NULL) {
		for (i = 0; i < n; i++) {
			memset(&out[i], 0, sizeof(out[i]));
			out[i].result = KILN_RULE_ERROR;
			snprintf(out[i].rule, sizeof(out[i].rule), "%s",
			    names[i] ? names[i] : "");
			snprintf(out[i].message, sizeof(out[i].message),
			    "rule %s could not run: the rules are not loaded",
			    out[i].rule);
		}
		return;
	}
	rules_run_each(r->app->rules, names, n, kind,
	    (const struct rules_kv *)(const void *)rec, nrec,
	    (const struct rules_kv *)(const void *)ctx, nctx,
	    (struct rules_verdict *)(void *)out);
}

/*
 * Copied into the request's arena: the rules are reloaded at the start
 * of a request, and a caller keeps the list for the whole of one.
 */
int
plugin_rules_for(struct kiln_req *r, const char *kind,
    const char *const **namesp, size_t *np)
{
	const char	**names;
	size_t		 n, i;

	*namesp = NULL;
	*np = 0;
	if (r->app->rules == NULL)
		return -1;
	n = rules_with_hook(r->app->rules, kind, NULL, 0);
	if ((names = arena_calloc(r->arena, n + 1, sizeof(*names))) == NULL)
		return -1;
	(void)rules_with_hook(r->app->rules, kind, names, n);
	for (i = 0; i < n; i++)
		if ((names[i] = arena_strdup(r->arena, names[i])) == NULL)
			return -1;
	*namesp = names;
	*np = n;
	return 0;
}

static void
svc_rule(struct kiln_req *r, const char *name, const char *kind,
    const struct kiln_kv *rec, size_t nrec, const struct kiln_kv *ctx,
    size_t nctx, struct kiln_verdict *out)
{
	svc_rules(r, &name, 1, kind, rec, nrec, ctx, nctx, out);
}

static const char *
svc_url(struct kiln_req *r, const char *path)
{
	return req_url(r, "%s", path);
}

static int
svc_wants_xml(struct kiln_req *r)
{
	return r->fmt == FMT_XML;
}

static const char *
svc_money(struct kiln_req *r, long long v)
{
	char	 buf[MONEY_BUFSZ];

	return arena_strdup(r->arena, value_money_format(v, buf));
}

static const char *
svc_currency(struct kiln_req *r)
{
	return r->app->conf.currency;
}

static const struct xmlset *
find_set(struct kiln_req *r, const char *list)
{
	size_t	 i;

	for (i = 0; r->sets != NULL && i < r->sets->n; i++)
		if (strcmp(r->sets->v[i].name, list) == 0)
			return &r->sets->v[i];
	return NULL;
}

static size_t
svc_items(struct kiln_req *r, const char *list)
{
	const struct xmlset	*s = find_set(r, list);

	return s ? s->n : 0;
}

static const char *
svc_item(struct kiln_req *r, const char *list, size_t i, const char *field)
{
	const struct xmlset	*s = find_set(r, list);

	if (s == NULL || i >= s->n)
		return NULL;
	return form_get(&s->items[i], field);
}

static int
svc_create(struct kiln_req *r, const char *name, const struct kiln_kv *kv,
    size_t n, long long *id, char *err, size_t errsz)
{
	const struct entity	*e = entity_by_name(r->app, name);
	struct kvlist		 in = { NULL, 0, 0 };
	struct record		 rec;
	struct ferrs		 fe = { .n = 0 };
	const char		*msg = NULL;
	enum rec_err		 rc;
	size_t			 i;

	*err = '\0';
	if (e == NULL) {
		snprintf(err, errsz, "no record type %s", name);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (kv[i].type == KILN_KV_STR && kv[i].s != NULL)
			form_add(r->arena, &in, kv[i].key, kv[i].s);
		else if (kv[i].type == KILN_KV_INT)
			form_add(r->arena, &in, kv[i].key, arena_printf(
			    r->arena, "%lld", kv[i].i));
	record_defaults(r, e, &rec);
	if ((rc = record_apply(r, e, &rec, &in, &fe)) == REC_OK &&
	    !acl_may_write(r, e, &rec))
		rc = REC_FORBIDDEN;
	if (rc == REC_OK &&
	    (rc = record_check(r, e, &rec, &fe, &msg)) == REC_OK &&
	    (rc = record_insert(r, e, &rec, &fe)) == REC_OK &&
	    audit_record(r, "create", e, NULL, &rec) != 0)
		rc = REC_ERROR;
	if (rc == REC_OK) {
		*id = rec.id;
		return 0;
	}
	if (rc == REC_FORBIDDEN) {
		if (fe.n && fe.v[0].field != NULL)
			snprintf(err, errsz, "%s: %s", fe.v[0].field,
			    fe.v[0].msg);
		else
			snprintf(err, errsz, "%s", _("You may not create this"
			    " record for that owner."));
		return -2;
	}
	if (fe.n)
		snprintf(err, errsz, "%s%s%s", fe.v[0].field ?
		    fe.v[0].field : "", fe.v[0].field ? ": " : "",
		    fe.v[0].msg);
	else
		snprintf(err, errsz, "%s", msg ? msg :
		    _("could not be stored"));
	return -1;
}

/* A plugin's write answered as the core answers one. */
static int
svc_show(struct kiln_req *r, const char *name, long long id, int created)
{
	const struct entity	*e = entity_by_name(r->app, name);

	if (e == NULL)
		return page_error(r, 500, "internal", _("Internal error."),
		    NULL);
	return crud_show(r, e, id, created);
}

static int
svc_setting(struct kiln_req *r, const char *name)
{
	return conf_bool(&r->app->conf, name);
}

static int
svc_parse_money(const char *s, long long *v)
{
	return s != NULL && value_money_parse(s, v) == 0 ? 0 : -1;
}

static int
svc_parse_date(const char *s)
{
	return s != NULL && value_date_ok(s) ? 0 : -1;
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
	.route_id = svc_route_id,
	.user_id = svc_user_id,
	.user_login = svc_user_login,
	.user_role = svc_user_role,
	.user_team = svc_user_team,
	.sql = svc_sql,
	.bind_int = svc_bind_int,
	.bind_text = svc_bind_text,
	.step = svc_step,
	.col_int = svc_col_int,
	.col_text = svc_col_text,
	.done = svc_done,
	.begin_write = svc_begin_write,
	.commit = svc_commit,
	.rollback = svc_rollback,
	.audit = svc_audit,
	.redirect = svc_redirect,
	.access = svc_access,
	.rule = svc_rule,
	.csrf = page_csrf,
	.url = svc_url,
	.wants_xml = svc_wants_xml,
	.tr = i18n_tr,
	.items = svc_items,
	.item = svc_item,
	.create = svc_create,
	.money = svc_money,
	.currency = svc_currency,
	.show = svc_show,
	.rules = svc_rules,
	.setting = svc_setting,
	.parse_money = svc_parse_money,
	.parse_date = svc_parse_date,
	.write_failed = svc_write_failed,
	.rules_for = plugin_rules_for,
};

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
	size_t				 i;

	for (i = 0; i < r->app->nplugins; i++)
		for (s = r->app->plugins[i].desc->sections; s && s->entity;
		    s++) {
			if (strcmp(s->entity, e->d->name) != 0)
				continue;
			if (s->page != NULL)
				s->page(r, &services, id);
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
	sqlite3_stmt		*st;
	size_t			 i;
	int			 bad = 0, rc;

	for (i = 0; i < app->nplugins; i++)
		for (c = app->plugins[i].desc->checks; c && c->name; c++) {
			if ((st = db_stmt(app->db, c->sql)) == NULL) {
				fprintf(out, "%s: check %s could not run\n",
				    app->plugins[i].desc->name, c->name);
				bad++;
				continue;
			}
			while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				fprintf(out, "%s: %s\n", c->name,
				    (const char *)sqlite3_column_text(st, 0));
				bad++;
			}
			if (rc != SQLITE_DONE) {
				fprintf(out, "%s: check %s failed: %s\n",
				    app->plugins[i].desc->name, c->name,
				    sqlite3_errmsg(db_handle(app->db)));
				bad++;
			}
			db_done(st);
		}
	return bad;
}

/* Labelled GET routes of every plugin, as items of the navigation. */
void
plugin_menu(struct kiln_req *r)
{
	const struct kiln_route	*rt;
	size_t			 i;

	for (i = 0; i < r->app->nplugins; i++)
		for (rt = r->app->plugins[i].desc->routes; rt && rt->path;
		    rt++) {
			if (rt->label == NULL || strcmp(rt->method, "GET") != 0)
				continue;
			out_open(r, "li");
			page_link(r, req_url(r, "%s", rt->path), _(rt->label));
			out_close(r);
		}
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
	const struct kiln_watch	*w;
	size_t			 i;

	for (i = 0; i < r->app->nplugins; i++)
		for (w = r->app->plugins[i].desc->watches; w && w->entity;
		    w++)
			if (strcmp(w->entity, entity) == 0 &&
			    w->changed(r, &services, id, before, after, n) != 0)
				return -1;
	return 0;
}

/* Every plugin's jobs, or the one named, with the CLI's rights. */
int
plugin_jobs(struct app *app, const char *only)
{
	const struct kiln_job	*j;
	struct kiln_req		 r;
	size_t			 i;
	int			 failed = 0, ran = 0;

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
			if (j->run(&r, &services) != 0) {
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
	return only != NULL && ran == 0 ? -1 : failed;
}

const struct kiln_services *
plugin_services(void)
{
	return &services;
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

	app->plugins = arena_calloc(app->perm, PLUGIN_MAX,
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

/*
 * Does path match pattern, where a "#" segment stands for a record id
 * (digits, no leading zero)?  Sets *id when it does.
 */
static int
route_match(const char *pattern, const char *path, long long *id)
{
	char		 num[24];
	size_t		 n;

	while (*pattern && *path) {
		if (pattern[0] == '#' && (pattern[1] == '/' ||
		    pattern[1] == '\0')) {
			n = strspn(path, "0123456789");
			if (n == 0 || n >= sizeof(num) || path[0] == '0')
				return 0;
			memcpy(num, path, n);
			num[n] = '\0';
			if (value_int_parse(num, id) != 0)
				return 0;
			path += n;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *pattern == '\0' && *path == '\0';
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
			if (strcmp(rt->method, m) != 0 ||
			    !route_match(rt->path, r->path, &r->route_id))
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
