/*
 * entity.c - registry of declared entities and the SQL built from
 * their field tables once per worker; see entity.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "entity.h"
#include "log.h"
#include "req.h"

static const char *const type_names[] = {
	"text", "int", "money", "date", "datetime", "enum", "ref", "bool",
	"email", "phone", "url"
};

const char *
entity_type_name(enum kiln_type t)
{
	if ((size_t)t < sizeof(type_names) / sizeof(type_names[0]))
		return type_names[t];
	return "?";
}

int
entity_is_numeric(const struct kiln_field *f)
{
	return f->type == KILN_INT || f->type == KILN_MONEY ||
	    f->type == KILN_REF || f->type == KILN_BOOL;
}

struct entity *
entity_by_plural(struct app *app, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < app->nentities; i++)
		if (strlen(app->entities[i].d->plural) == n &&
		    memcmp(app->entities[i].d->plural, s, n) == 0)
			return &app->entities[i];
	return NULL;
}

struct entity *
entity_by_name(struct app *app, const char *s)
{
	size_t	 i;

	for (i = 0; i < app->nentities; i++)
		if (strcmp(app->entities[i].d->name, s) == 0)
			return &app->entities[i];
	return NULL;
}

int
entity_field(const struct entity *e, const char *name)
{
	size_t	 i;

	for (i = 0; i < e->d->nfields; i++)
		if (strcmp(e->d->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Names that reach SQL must be plain identifiers, even from plugins. */
static int
ident_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 48)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

static int
check_decl(const struct kiln_entity *d, const char *plugin)
{
	size_t	 i;

	if (!ident_ok(d->name) || !ident_ok(d->plural)) {
		log_err("plugin %s: entity with an invalid name", plugin);
		return -1;
	}
	if (d->fts != NULL && !ident_ok(d->fts)) {
		log_err("plugin %s: entity %s: invalid fts table", plugin,
		    d->name);
		return -1;
	}
	for (i = 0; i < d->nfields; i++) {
		if (!ident_ok(d->fields[i].name)) {
			log_err("plugin %s: entity %s: invalid field name",
			    plugin, d->name);
			return -1;
		}
		if (d->fields[i].type == KILN_ENUM &&
		    d->fields[i].options == NULL) {
			log_err("plugin %s: %s.%s: enum without options",
			    plugin, d->name, d->fields[i].name);
			return -1;
		}
		if (d->fields[i].type == KILN_REF &&
		    d->fields[i].ref == NULL) {
			log_err("plugin %s: %s.%s: ref without target",
			    plugin, d->name, d->fields[i].name);
			return -1;
		}
	}
	return 0;
}

/* The per-worker SQL of one entity. */
static int
build(struct app *app, struct entity *e)
{
	const struct kiln_entity	*d = e->d;
	const struct kiln_field		*f;
	const struct entity		*t;
	struct abuf			 sel, join, ins, vals, upd;
	size_t				 i, nlabels = 0;

	abuf_init(&sel, app->perm);
	abuf_init(&join, app->perm);
	abuf_init(&ins, app->perm);
	abuf_init(&vals, app->perm);
	abuf_init(&upd, app->perm);
	e->reflabel = arena_calloc(app->perm, d->nfields + 1, sizeof(int));
	e->refname = arena_calloc(app->perm, d->nfields + 1, sizeof(int));
	e->refent = arena_calloc(app->perm, d->nfields + 1,
	    sizeof(*e->refent));
	if (e->reflabel == NULL || e->refname == NULL || e->refent == NULL)
		return -1;

	abuf_add(&sel, "SELECT t.id, t.version, t.created_at, t.updated_at");
	abuf_addf(&ins, "INSERT INTO \"%s\" (version, created_at, updated_at",
	    d->plural);
	abuf_add(&vals, "VALUES (1, ?1, ?1");
	abuf_addf(&upd, "UPDATE \"%s\" SET version = version + 1,"
	    " updated_at = ?1", d->plural);
	e->owner = -1;
	e->also = -1;
	for (i = 0; i < d->nfields; i++) {
		f = &d->fields[i];
		abuf_addf(&sel, ", t.\"%s\"", f->name);
		e->reflabel[i] = -1;
		e->refname[i] = -1;
		if (f->flags & KILN_F_OWNER)
			e->owner = (int)i;
		else if ((f->flags & KILN_F_ALSO_OWNER) && f->type == KILN_REF &&
		    strcmp(f->ref, "user") == 0)
			e->also = (int)i;
		/* ?1 now, ?2 id, ?3 version; fields from ?4 on */
		abuf_addf(&ins, ", \"%s\"", f->name);
		abuf_addf(&vals, ", ?%zu", i + 4);
		abuf_addf(&upd, ", \"%s\" = ?%zu", f->name, i + 4);
	}
	/* Ref labels: a user's login or the target record's title. */
	for (i = 0; i < d->nfields; i++) {
		f = &d->fields[i];
		if (f->type != KILN_REF)
			continue;
		if (strcmp(f->ref, "user") == 0) {
			abuf_addf(&sel, ", r%zu.login", i);
			abuf_addf(&join, " LEFT JOIN users r%zu ON r%zu.id ="
			    " t.\"%s\"", i, i, f->name);
		} else {
			if ((t = entity_by_name(app, f->ref)) == NULL) {
				log_err("entity %s: field %s refers to"
				    " unknown entity %s", d->name, f->name,
				    f->ref);
				return -1;
			}
			e->refent[i] = t;
			abuf_addf(&sel, ", r%zu.\"%s\"", i, t->d->title);
			abuf_addf(&join, " LEFT JOIN \"%s\" r%zu ON r%zu.id ="
			    " t.\"%s\"", t->d->plural, i, i, f->name);
		}
		e->reflabel[i] = (int)(ENT_COL_FIELDS + d->nfields + nlabels);
		nlabels++;
	}
	/* Then each user's name for people (XML keeps the login). */
	for (i = 0; i < d->nfields; i++) {
		f = &d->fields[i];
		if (f->type != KILN_REF || strcmp(f->ref, "user") != 0)
			continue;
		abuf_addf(&sel, ", coalesce(nullif(r%zu.name, ''), r%zu.login)",
		    i, i);
		e->refname[i] = (int)(ENT_COL_FIELDS + d->nfields + nlabels);
		nlabels++;
	}
	abuf_addf(&sel, " FROM \"%s\" t%s", d->plural, join.s);
	abuf_addf(&ins, ") %s) RETURNING id", vals.s);
	abuf_add(&upd, " WHERE id = ?2 AND version = ?3");
	e->select = sel.s;
	e->insert = ins.s;
	e->update = upd.s;
	e->delete = arena_printf(app->perm,
	    "DELETE FROM \"%s\" WHERE id = ?1", d->plural);
	e->exists = arena_printf(app->perm,
	    "SELECT version FROM \"%s\" WHERE id = ?1", d->plural);
	e->ncols = ENT_COL_FIELDS + d->nfields + nlabels;
	return e->delete && e->exists ? 0 : -1;
}

/* Resolve kiln_entity.parent: a ref field to another entity. */
static int
parent_of(struct app *app, struct entity *e)
{
	int	 i;

	e->parent = -1;
	e->parent_ent = NULL;
	e->upward = NULL;
	if (e->d->parent == NULL) {
		/* Access climbs from a record to its owners (acl.c). */
		if (e->owner >= 0)
			e->upward = arena_printf(app->perm, "SELECT \"%s\", %s%s%s"
			    " FROM \"%s\" WHERE id = ?1",
			    e->d->fields[e->owner].name,
			    e->also >= 0 ? "\"" : "",
			    e->also >= 0 ? e->d->fields[e->also].name : "NULL",
			    e->also >= 0 ? "\"" : "", e->d->plural);
		return 0;
	}
	if ((i = entity_field(e, e->d->parent)) < 0 ||
	    e->d->fields[i].type != KILN_REF || e->refent[i] == NULL) {
		log_err("entity %s: parent %s is not a reference to another"
		    " entity", e->d->name, e->d->parent);
		return -1;
	}
	e->parent = i;
	e->parent_ent = e->refent[i];
	/* ...or from a child to its parent. */
	e->upward = arena_printf(app->perm, "SELECT \"%s\" FROM \"%s\""
	    " WHERE id = ?1", e->d->fields[i].name, e->d->plural);
	return 0;
}

int
entity_may_set(const struct kiln_req *r, const struct kiln_field *f)
{
	const char *const	*role;

	if (r->user == NULL)
		return 1;
	if (f->roles == NULL)
		return !r->grant_only;
	for (role = f->roles; *role != NULL; role++)
		if (strcmp(*role, r->user->role) == 0)
			return 1;
	return 0;
}

int
entity_grants(const struct kiln_req *r, const struct entity *e)
{
	const char *const	*role;
	size_t			 i;

	if (r->user == NULL)
		return 0;
	for (i = 0; i < e->d->nfields; i++)
		for (role = e->d->fields[i].roles; role && *role; role++)
			if (strcmp(*role, r->user->role) == 0)
				return 1;
	return 0;
}

int
entity_setup(struct app *app)
{
	const struct kiln_entity *const	*ep;
	struct entity			*e;
	size_t				 i, n = 0;

	for (i = 0; i < app->nplugins; i++)
		for (ep = app->plugins[i].desc->entities; ep && *ep; ep++)
			n++;
	app->entities = arena_calloc(app->perm, n ? n : 1, sizeof(*e));
	if (app->entities == NULL)
		return -1;
	app->nentities = 0;
	for (i = 0; i < app->nplugins; i++) {
		for (ep = app->plugins[i].desc->entities; ep && *ep; ep++) {
			if (check_decl(*ep, app->plugins[i].desc->name) ||
			    entity_by_name(app, (*ep)->name) != NULL ||
			    entity_by_plural(app, (*ep)->plural,
			    strlen((*ep)->plural)) != NULL) {
				log_err("plugin %s: entity %s refused",
				    app->plugins[i].desc->name, (*ep)->name);
				continue;
			}
			e = &app->entities[app->nentities++];
			e->d = *ep;
			e->plugin = app->plugins[i].desc->name;
			e->plug = &app->plugins[i];
		}
	}
	/* Built after all are known: refs may point across plugins. */
	for (i = 0; i < app->nentities; i++)
		if (build(app, &app->entities[i]) == -1 ||
		    parent_of(app, &app->entities[i]) == -1)
			return -1;
	/* A loop of parents would leave every record without an owner. */
	for (i = 0; i < app->nentities; i++) {
		const struct entity	*p = &app->entities[i];
		size_t			 depth = 0;

		while (p != NULL && depth++ <= app->nentities)
			p = p->parent_ent;
		if (p != NULL) {
			log_err("entity %s: its parents form a loop",
			    app->entities[i].d->name);
			return -1;
		}
	}
	return 0;
}

void
entity_teardown(struct app *app)
{
	app->entities = NULL;
	app->nentities = 0;
}
