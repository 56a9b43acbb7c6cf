/*
 * acl.h - record-level access, enforced by the core for every declared
 * entity, in the SQL WHERE clause: deny by default.
 *
 *	role				read		write
 *	admin				all		all
 *	manager				team's		team's
 *	sales				own		own
 *	finance, service, office	all		none
 *
 * "Own" and "team's" go by the entity's owner field (KILN_F_OWNER) and
 * the owner's team; an entity without an owner field is the
 * administrator's alone.  An entity may declare its own table
 * (kiln_entity.access): catalogue data that everyone reads, say.  A
 * child entity (kiln_entity.parent: order lines, contacts) has no access
 * of its own: its records are read and written by whoever may read and
 * write their parent.  Someone else's record is simply not there:
 * 404 in detail, absent from lists, searches and exports.  A record one
 * may read but not change gets 403.
 */
#ifndef KILN_ACL_H
#define KILN_ACL_H

struct abuf;
struct app;
struct arena;
struct entity;
struct kiln_req;
struct record;

struct db_stmt;

#include "kiln-plugin.h"

/* The plugin ABI's scopes, under the core's names. */
enum acl_scope {
	ACL_NONE = KILN_NONE,
	ACL_OWN = KILN_OWN,
	ACL_TEAM = KILN_TEAM,
	ACL_ALL = KILN_ALL
};

enum acl_scope	 acl_read(const struct kiln_req *, const struct entity *);
enum acl_scope	 acl_write(const struct kiln_req *, const struct entity *);
/*
 * Append " AND ..." limiting the rows of alias t to what the user may
 * read.  The clause uses the named parameters :acl_uid and :acl_team;
 * bind them with acl_bind once the statement is prepared.  Put it after
 * every ?N of the statement: SQLite numbers a named parameter after
 * the numbered ones that precede it.
 */
void		 acl_where(const struct kiln_req *, const struct entity *,
		    struct abuf *);
void		 acl_bind(const struct kiln_req *, struct db_stmt *);
/*
 * Register kiln_readable(entity, id) on the worker's connection: 1 when
 * app->req's user may read the record (for plugins' own lists).
 */
int		 acl_register(struct app *);
/*
 * PostgreSQL cannot call back into Kiln: there sql's kiln_readable(
 * 'entity', expr) becomes (expr) IN (the entity's ids the user may
 * read), with acl_where's values (acl_bind them); without a request
 * (kiln check) every record is.  sql itself on SQLite, or when it has
 * no kiln_readable.  In the arena.
 */
const char	*acl_expand(struct app *, struct kiln_req *, struct arena *,
		    const char *sql);
/* Is record id there for the user (1), not (0), or -1 on error? */
int		 acl_readable(struct kiln_req *, const struct entity *,
		    long long id);
/* May the user change stored record id (as it is in the database)? */
int		 acl_may_write_id(struct kiln_req *, const struct entity *,
		    long long id);
/* May the user store rec as it now stands (its owner included)? */
int		 acl_may_write(struct kiln_req *, const struct entity *,
		    const struct record *);

#endif
