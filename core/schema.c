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
	{ 2,
	/* Append-only: the triggers refuse any change after the fact. */
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY,"
	" at TEXT NOT NULL,"
	" user_id INTEGER,"
	" login TEXT NOT NULL DEFAULT '',"
	" ip TEXT NOT NULL DEFAULT '',"
	" action TEXT NOT NULL,"
	" entity TEXT NOT NULL DEFAULT '',"
	" record_id INTEGER,"
	" detail TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE audit_changes ("
	" audit_id INTEGER NOT NULL REFERENCES audit(id),"
	" field TEXT NOT NULL,"
	" old TEXT,"
	" new TEXT);"
	"CREATE INDEX audit_record ON audit(entity, record_id, id);"
	"CREATE INDEX audit_user ON audit(login, id);"
	"CREATE INDEX audit_action ON audit(action, id);"
	"CREATE INDEX audit_changes_audit ON audit_changes(audit_id);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	"CREATE TRIGGER audit_changes_no_update BEFORE UPDATE ON audit_changes"
	" BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	"CREATE TRIGGER audit_changes_no_delete BEFORE DELETE ON audit_changes"
	" BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	/* The rule files last seen, so a change is audited once, not per worker. */
	"CREATE TABLE rule_files ("
	" name TEXT PRIMARY KEY,"
	" hash TEXT NOT NULL,"
	" seen_at TEXT NOT NULL);"
	},
	{ 3,
	"CREATE TABLE login_attempts ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" login TEXT NOT NULL,"
	" ip TEXT NOT NULL,"
	" ok INTEGER NOT NULL);"
	"CREATE INDEX login_attempts_login ON login_attempts(login, at);"
	"CREATE INDEX login_attempts_ip ON login_attempts(ip, at);"
	},
	{ 0, NULL }
};

const char *const schema_core_tables[] = {
	"audit", "audit_changes", "login_attempts", "rule_files", "sessions",
	"tokens", "users", "schema_migrations", NULL
};
