/*
 * products.h - the part of the products plugin that is code, not
 * declaration: demo.c (the sample catalogue).
 */
#ifndef KILN_PRODUCTS_H
#define KILN_PRODUCTS_H

#include "kiln-plugin.h"

int	 products_demo(struct kiln_req *, const struct kiln_services *,
	    struct kiln_demo *);

/* schema_pg.c: the schema on PostgreSQL. */
extern const struct kiln_migration products_pg_migrations[];

#endif
