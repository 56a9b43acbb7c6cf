/*
 * crud.h - the routes every declared entity gets: detail, forms,
 * create, update, delete, over HTML forms and the XML API.
 */
#ifndef KILN_CRUD_H
#define KILN_CRUD_H

#include "record.h"

struct entity;
struct ferrs;
struct kiln_req;
struct kvlist;

/* Route /PLURAL[/ID[/ACTION]] of a declared entity; 1 if not ours. */
int	 crud_route(struct kiln_req *, const char *path);
/* Answer a committed write of record id: XML document, or 303. */
int	 crud_show(struct kiln_req *, const struct entity *, long long id,
	    int created);
/*
 * The host's update of fields of record id (named in in, computed ones
 * too) on behalf of a plugin, in the caller's transaction, as every
 * update: version, updated_at, the entity's hook and watches, audit
 * (the changes feed).  No access check: the plugin answers for it.
 */
enum rec_err	 crud_update_fields(struct kiln_req *, const struct entity *,
		    long long id, const struct kvlist *in, struct ferrs *);

#endif
