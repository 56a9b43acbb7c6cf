/*
 * entity.h - the host's view of a declared entity: the plugin's const
 * table plus SQL built once from it at start-up.  Column names come
 * only from the field tables, always double-quoted; every value is a
 * bound parameter.
 */
#ifndef KILN_ENTITY_H
#define KILN_ENTITY_H

#include <stddef.h>

#include "kiln-plugin.h"

struct app;
struct arena;
struct plugin;
struct kiln_req;

struct entity {
	const struct kiln_entity *d;
	const char		*plugin;
	const struct plugin	*plug;		/* the plugin declaring it */
	int			 owner;		/* field index, or -1 */
	int			 also;		/* KILN_F_ALSO_OWNER's, or -1 */
	int			 parent;	/* field index, or -1 */
	const struct entity	*parent_ent;	/* its entity, or NULL */
	char			*upward;	/* SELECT parent (or owners) of ?1 */
	int			*reflabel;	/* per field: label column or -1 */
	int			*refname;	/* per user ref: its name's column */
	const struct entity	**refent;	/* per field: target, NULL = user */
	char			*select;	/* columns and joins, no WHERE */
	char			*insert;
	char			*update;
	char			*delete;
	char			*exists;
	size_t			 ncols;		/* columns in select */
};

/* Columns before the fields in every select. */
#define ENT_COL_ID		0
#define ENT_COL_VERSION		1
#define ENT_COL_CREATED		2
#define ENT_COL_UPDATED		3
#define ENT_COL_FIELDS		4

/* One record as text: canonical forms, NULL for SQL NULL. */
struct pick_field;

struct record {
	long long	 id;
	long long	 version;
	const char	*created_at;
	const char	*updated_at;
	const char	**val;		/* per field */
	const char	**label;	/* per field: ref's label (a login) */
	const char	**name;		/* per user ref: the user's name, or NULL */
	struct pick_field *pick;	/* per field: a picker's text (pick.h) */
};

struct ferr {
	const char	*field;		/* NULL: about the whole record */
	const char	*msg;
};

struct ferrs {
	struct ferr	 v[64];
	size_t		 n;
};

/* Build the SQL of every entity of every plugin; resolve refs. */
int		 entity_setup(struct app *);
void		 entity_teardown(struct app *);
struct entity	*entity_by_plural(struct app *, const char *, size_t);
struct entity	*entity_by_name(struct app *, const char *);
int		 entity_field(const struct entity *, const char *);
int		 entity_is_numeric(const struct kiln_field *);
/*
 * May the user's role set field f (kiln_field.roles)?  Commands may.
 * A request in grant-only mode may set only fields granted its role.
 */
int		 entity_may_set(const struct kiln_req *,
		    const struct kiln_field *);
/*
 * Does some field of e name the user's role (finance and a customer's
 * credit limit)?  Then a record the role may read but not write may
 * still be updated in those fields alone (grant-only mode).
 */
int		 entity_grants(const struct kiln_req *, const struct entity *);
const char	*entity_type_name(enum kiln_type);

#endif
