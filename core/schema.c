/*
 * schema.c - the core's own tables: users, API tokens, sessions.
 * Numbered like any plugin's migrations, under the owner "core".
 */
#include "config.h"

#include <stddef.h>

#include "kiln-plugin.h"
#include "schema.h"

const struct kiln_migration schema_core[] = {
	{ 1,
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY,"
	" login TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL DEFAULT '',"
	" role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'sales',"
	"  'service', 'finance', 'office')),"
	" team TEXT NOT NULL DEFAULT '',"
	" password TEXT NOT NULL DEFAULT '',"
	" active INTEGER NOT NULL DEFAULT 1,"
	" created_at TEXT NOT NULL);"
	"CREATE TABLE tokens ("
	" id INTEGER PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" hash BLOB NOT NULL UNIQUE,"
	" label TEXT NOT NULL DEFAULT '',"
	" created_at TEXT NOT NULL,"
	" revoked_at TEXT);"
	"CREATE TABLE sessions ("
	" id INTEGER PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" hash BLOB NOT NULL UNIQUE,"
	" csrf TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" seen_at INTEGER NOT NULL);"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	},
	{ 0, NULL }
};
