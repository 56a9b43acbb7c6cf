/*
 * crud.h - the routes every declared entity gets: detail, forms,
 * create, update, delete, over HTML forms and the XML API.
 */
#ifndef KILN_CRUD_H
#define KILN_CRUD_H

struct entity;
struct kiln_req;

/* Route /PLURAL[/ID[/ACTION]] of a declared entity; 1 if not ours. */
int	 crud_route(struct kiln_req *, const char *path);
/* Answer a committed write of record id: XML document, or 303. */
int	 crud_show(struct kiln_req *, const struct entity *, long long id,
	    int created);

#endif
