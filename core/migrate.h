/*
 * migrate.h - kiln migrate-db --to CONNINFO: the installation's SQLite
 * database copied into an empty PostgreSQL one: its schema made by the
 * PostgreSQL migrations, every row copied as it is in one transaction
 * (triggers off: derived values are copied, not derived again), the id
 * sequences set past what SQLite gave out, then the row counts of every
 * table compared and kiln check's business checks run on both.
 */
#ifndef KILN_MIGRATE_H
#define KILN_MIGRATE_H

#include <stdio.h>

struct app;
struct conf;

/* 0 when copied and verified; 1 (said on stderr or out) otherwise. */
int	 migrate_db(struct app *src, const struct conf *, const char *to,
	    FILE *out);

#endif
