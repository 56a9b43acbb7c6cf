/*
 * acl.c - record-level access; see acl.h.
 */
#include "config.h"

#include <string.h>

#include "acl.h"
#include "app.h"
#include "arena.h"
#include "db.h"
#include "entity.h"
#include "req.h"
#include "value.h"

/* The default, for entities with an owner field. Unlisted: nothing. */
static const struct kiln_access owned[] = {
	{ "admin", KILN_ALL, KILN_ALL },
	{ "manager", KILN_TEAM, KILN_TEAM },
	{ "sales", KILN_OWN, KILN_OWN },
	{ "finance", KILN_ALL, KILN_NONE },
	{ "service", KILN_ALL, KILN_NONE },
	{ "office", KILN_ALL, KILN_NONE },
	{ NULL, KILN_NONE, KILN_NONE }
};

/* Without an owner field and without a table: the administrator's. */
static const struct kiln_access unowned[] = {
	{ "admin", KILN_ALL, KILN_ALL },
	{ NULL, KILN_NONE, KILN_NONE }
};

/*
 * Commands (r->user NULL) act for the system; a public page's request
 * (no user either) for nobody: it reaches no record but through what
 * its plugin does itself.  OWN and TEAM need an owner field; an entity
 * that declares them without one gets nothing.  A child
 * (kiln_entity.parent) has the scope of its parent.
 */
static enum acl_scope
scope(const struct kiln_req *r, const struct entity *e, int write)
{
	const struct kiln_access	*a;
	enum kiln_scope			 s;

	if (r->system)
		return ACL_ALL;
	if (r->public)
		return ACL_NONE;
	if (r->user == NULL)
		return ACL_ALL;
	while (e->parent_ent != NULL)
		e = e->parent_ent;
	a = e->d->access ? e->d->access : e->owner >= 0 ? owned : unowned;
	for (; a->role != NULL; a++) {
		if (strcmp(a->role, r->user->role) != 0)
			continue;
		s = write ? a->write : a->read;
		if (e->owner < 0 && (s == KILN_OWN || s == KILN_TEAM))
			return ACL_NONE;
		return (enum acl_scope)s;
	}
	return ACL_NONE;
}

enum acl_scope
acl_read(const struct kiln_req *r, const struct entity *e)
{
	return scope(r, e, 0);
}

enum acl_scope
acl_write(const struct kiln_req *r, const struct entity *e)
{
	return scope(r, e, 1);
}

/* Is owner field `owner` the user's (OWN) or their team's (TEAM)? */
static void
owned_by(const struct kiln_req *r, const struct entity *e, const char *owner,
    struct abuf *b)
{
	if (acl_read(r, e) == ACL_OWN) {
		abuf_addf(b, "t.\"%s\" = :acl_uid", owner);
		return;
	}
	/* A manager without a team sees what they own. */
	abuf_addf(b, "(t.\"%s\" = :acl_uid OR t.\"%s\" IN"
	    " (SELECT id FROM users WHERE team = :acl_team"
	    " AND team <> ''))", owner, owner);
}

void
acl_where(const struct kiln_req *r, const struct entity *e, struct abuf *b)
{
	switch (acl_read(r, e)) {
	case ACL_ALL:
		return;
	case ACL_NONE:
		abuf_add(b, " AND FALSE");
		return;
	default:
		break;
	}
	/* A child is readable where its parent is: ask the parent's rows. */
	if (e->parent_ent != NULL) {
		abuf_addf(b, " AND t.\"%s\" IN (SELECT t.id FROM \"%s\" t"
		    " WHERE TRUE", e->d->fields[e->parent].name,
		    e->parent_ent->d->plural);
		acl_where(r, e->parent_ent, b);
		abuf_add(b, ")");
		return;
	}
	abuf_add(b, " AND (");
	owned_by(r, e, e->d->fields[e->owner].name, b);
	if (e->also >= 0) {
		abuf_add(b, " OR ");
		owned_by(r, e, e->d->fields[e->also].name, b);
	}
	abuf_add(b, ")");
}

void
acl_bind(const struct kiln_req *r, struct db_stmt *st)
{
	int	 i;

	if (r->user == NULL)
		return;
	if ((i = db_bind_index(st, ":acl_uid")) > 0)
		db_bind_int(st, i, r->user->id);
	if ((i = db_bind_index(st, ":acl_team")) > 0)
		db_bind_text(st, i, r->user->team ? r->user->team : "");
}

/* The team of user id, or NULL. */
static const char *
team_of(struct kiln_req *r, long long id)
{
	struct db_stmt	*st;
	const char	*team = NULL;

	if ((st = db_stmt(r->app->db,
	    "SELECT team FROM users WHERE id = ?1")) == NULL)
		return NULL;
	db_bind_int(st, 1, id);
	if (db_step(st) == DB_ROW)
		team = arena_strdup(r->arena,
		    db_col_text(st, 0));
	db_done(st);
	return team;
}

/* Is a record owned by owner within the user's scope OWN or TEAM? */
static int
in_scope(struct kiln_req *r, enum acl_scope scope, long long owner)
{
	const char	*team;

	if (owner == r->user->id)
		return 1;
	if (scope != ACL_TEAM || r->user->team == NULL ||
	    *r->user->team == '\0')
		return 0;
	team = team_of(r, owner);
	return team != NULL && strcmp(team, r->user->team) == 0;
}

/*
 * The owners of the record at the top of the parent chain of e's
 * record id: the owner field's, and its KILN_F_ALSO_OWNER field's (0
 * when none): 0, or -1 when there is no such record.  Reads the
 * tables directly, not through record.c: access must not depend on it.
 */
static int
root_owner(struct kiln_req *r, const struct entity *e, long long id,
    long long owner[2])
{
	struct db_stmt	*st;
	int		 rc;

	while (e->upward != NULL) {
		if ((st = db_stmt(r->app->db, e->upward)) == NULL)
			return -1;
		db_bind_int(st, 1, id);
		rc = db_step(st);
		owner[1] = 0;
		if (rc == DB_ROW && e->parent_ent == NULL &&
		    !db_col_null(st, 1))
			owner[1] = db_col_int(st, 1);
		if (rc == DB_ROW && !db_col_null(st, 0))
			id = db_col_int(st, 0);
		else if (rc == DB_ROW && e->parent_ent == NULL && owner[1] != 0)
			id = 0;		/* owned through the other field */
		else
			rc = DB_DONE;
		db_done(st);
		if (rc != DB_ROW)
			return -1;
		if (e->parent_ent == NULL) {
			owner[0] = id;
			return 0;
		}
		e = e->parent_ent;
	}
	return -1;
}

/* Is either owner within the user's scope? */
static int
owners_in_scope(struct kiln_req *r, enum acl_scope scope,
    const long long owner[2])
{
	return (owner[0] != 0 && in_scope(r, scope, owner[0])) ||
	    (owner[1] != 0 && in_scope(r, scope, owner[1]));
}

/*
 * kiln_readable(entity, id) in SQL: may the request's user read that
 * record?  Lets a plugin's own list (held orders, late orders) choose
 * only readable rows before its LIMIT, not check them one by one after.
 * No request (app->req unset): 0, deny by default.
 */
static void
sql_readable(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct app		*app = sqlite3_user_data(ctx);
	struct kiln_req		*r = app->req;
	const struct entity	*e;
	const char		*name;
	long long		 owner[2];
	int			 yes;

	(void)argc;
	name = (const char *)sqlite3_value_text(argv[0]);
	if (r == NULL || name == NULL || (e = entity_by_name(app, name)) ==
	    NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	switch (acl_read(r, e)) {
	case ACL_ALL:
		yes = 1;
		break;
	case ACL_NONE:
		yes = 0;
		break;
	default:
		yes = root_owner(r, e, sqlite3_value_int64(argv[1]),
		    owner) == 0 && owners_in_scope(r, acl_read(r, e), owner);
		break;
	}
	sqlite3_result_int(ctx, yes);
}

int
acl_register(struct app *app)
{
	return sqlite3_create_function(db_handle(app->db), "kiln_readable", 2,
	    SQLITE_UTF8, app, sql_readable, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/*
 * The end of kiln_readable's second argument in s: the ")" that
 * closes the call, past nested parentheses and quoted text; or NULL.
 */
static const char *
arg_end(const char *s)
{
	int	 depth = 0;
	char	 q;

	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '"') {
			for (q = *s++; *s != '\0' && *s != q; s++)
				continue;
			if (*s == '\0')
				return NULL;
		} else if (*s == '(')
			depth++;
		else if (*s == ')' && depth-- == 0)
			return s;
	}
	return NULL;
}

const char *
acl_expand(struct app *app, struct kiln_req *r, struct arena *a,
    const char *sql)
{
	static const char	 fn[] = "kiln_readable(";
	const struct entity	*e;
	const char		*s, *at, *name, *q, *end;
	struct abuf		 b;
	struct kiln_req		 none;
	char			 ent[64];

	if (!db_is_pg(app->db) || strstr(sql, fn) == NULL)
		return sql;
	if (r == NULL) {
		memset(&none, 0, sizeof(none));	/* no user: the system */
		none.app = app;
		r = &none;
	}
	abuf_init(&b, a);
	for (s = sql; (at = strstr(s, fn)) != NULL; s = end + 1) {
		abuf_addn(&b, s, (size_t)(at - s));
		/* 'name', then the id's expression up to the closing ")". */
		name = at + sizeof(fn) - 1;
		if (*name != '\'' || (q = strchr(name + 1, '\'')) == NULL ||
		    q[1] != ',' || (end = arg_end(q + 2)) == NULL)
			return sql;	/* not ours to read: runs as written */
		snprintf(ent, sizeof(ent), "%.*s", (int)(q - name - 1),
		    name + 1);
		e = entity_by_name(app, ent);
		if (e == NULL || acl_read(r, e) == ACL_NONE) {
			abuf_add(&b, "FALSE");
			continue;
		}
		if (acl_read(r, e) == ACL_ALL) {
			abuf_add(&b, "TRUE");
			continue;
		}
		abuf_add(&b, "((");
		abuf_addn(&b, q + 2, (size_t)(end - q - 2));
		abuf_addf(&b, ") IN (SELECT t.id FROM \"%s\" t WHERE TRUE",
		    e->d->plural);
		acl_where(r, e, &b);
		abuf_add(&b, "))");
	}
	abuf_add(&b, s);
	return b.s;
}

/* 1 or 0 when the role alone decides a write, -1 when the owner does. */
static int
write_by_role(const struct kiln_req *r, const struct entity *e)
{
	switch (acl_write(r, e)) {
	case ACL_ALL:
		return 1;
	case ACL_NONE:
		return 0;
	default:
		return -1;
	}
}

int
acl_readable(struct kiln_req *r, const struct entity *e, long long id)
{
	struct db_stmt	*st;
	struct abuf	 sql;
	int		 rc;

	abuf_init(&sql, r->arena);
	abuf_addf(&sql, "SELECT 1 FROM \"%s\" t WHERE t.id = ?1",
	    e->d->plural);
	acl_where(r, e, &sql);
	if ((st = db_stmt(r->app->db, sql.s)) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	acl_bind(r, st);
	rc = db_step(st);
	db_done(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int
acl_may_write_id(struct kiln_req *r, const struct entity *e, long long id)
{
	long long	 owner[2];
	int		 w;

	if ((w = write_by_role(r, e)) != -1)
		return w;
	return root_owner(r, e, id, owner) == 0 &&
	    owners_in_scope(r, acl_write(r, e), owner);
}

int
acl_may_write(struct kiln_req *r, const struct entity *e,
    const struct record *rec)
{
	const char	*v;
	long long	 owner[2] = { 0, 0 }, parent;
	int		 w;

	if ((w = write_by_role(r, e)) != -1)
		return w;
	if (e->parent_ent != NULL) {
		/* The parent named in rec, as it stands in the database. */
		v = rec->val[e->parent];
		if (v == NULL || value_int_parse(v, &parent) != 0 ||
		    root_owner(r, e->parent_ent, parent, owner) != 0)
			return 0;
		return owners_in_scope(r, acl_write(r, e), owner);
	}
	if ((v = rec->val[e->owner]) != NULL && value_int_parse(v, &owner[0])
	    != 0)
		owner[0] = 0;
	if (e->also >= 0 && (v = rec->val[e->also]) != NULL &&
	    value_int_parse(v, &owner[1]) != 0)
		owner[1] = 0;
	return owners_in_scope(r, acl_write(r, e), owner);
}
