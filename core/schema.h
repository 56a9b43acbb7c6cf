/* schema.h - the core's migrations. */
#ifndef KILN_SCHEMA_H
#define KILN_SCHEMA_H

extern const struct kiln_migration schema_core[];

#endif
