/*
 * customers.h - the part of the customers plugin that is code, not
 * declaration: demo.c (sample customers and contacts).
 */
#ifndef KILN_CUSTOMERS_H
#define KILN_CUSTOMERS_H

#include "kiln-plugin.h"

int	 customers_demo(struct kiln_req *, const struct kiln_services *,
	    struct kiln_demo *);

/* schema_pg.c: the schema on PostgreSQL. */
extern const struct kiln_migration customers_pg_migrations[];

#endif
