/* schema.h - the core's migrations. */
#ifndef KILN_SCHEMA_H
#define KILN_SCHEMA_H

extern const struct kiln_migration schema_core[];
/* The same on PostgreSQL, with the SQLite functions Kiln's SQL uses. */
extern const struct kiln_migration schema_core_pg[];
/* The core's tables: no plugin may claim or name one (NULL-terminated). */
extern const char *const schema_core_tables[];

#endif
