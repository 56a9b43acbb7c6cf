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
	{ 4,
	/* Requests to public pages per address, route and hour (throttle.c). */
	"CREATE TABLE public_hits ("
	" ip TEXT NOT NULL,"
	" route TEXT NOT NULL,"
	" hour INTEGER NOT NULL,"
	" n INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (ip, route, hour));"
	"CREATE INDEX public_hits_hour ON public_hits(hour);"
	},
	{ 0, NULL }
};

/*
 * PostgreSQL.  Version 1 also defines the SQLite functions that Kiln's
 * one SQL text uses (the subset it uses: 'now' or an ISO date or time,
 * modifiers "+N days" and "-N days"; strftime's %Y %m %d %H %M %S),
 * with SQLite's answer of NULL for what is not a date.  date() with a
 * literal alone is a cast on PostgreSQL: today is
 * strftime('%Y-%m-%d', 'now').  Integers are
 * BIGINT, SQLite's 64 bits.
 */
#define PG_DAYS \
	/* SQLite's reading: day 29-31 of any month runs on (2030-02-30 */ \
	/* is 2030-03-02); month 13, hour 24 and the like are NULL. */ \
	"CREATE FUNCTION kiln_when(t text) RETURNS timestamp" \
	" LANGUAGE plpgsql IMMUTABLE AS $$ DECLARE m text[]; BEGIN" \
	" m := regexp_match(t, '^(\\d{4})-(\\d{2})-(\\d{2})(?:[T ]" \
	"(\\d{2}):(\\d{2})(?::(\\d{2}(?:\\.\\d+)?))?)?Z?$');" \
	" IF m IS NULL OR m[1]::int < 1 OR m[2]::int NOT BETWEEN 1 AND 12" \
	" OR m[3]::int NOT BETWEEN 1 AND 31 OR coalesce(m[4]::int, 0) > 23" \
	" OR coalesce(m[5]::int, 0) > 59" \
	" OR coalesce(m[6]::numeric, 0) >= 60 THEN RETURN NULL; END IF;" \
	" RETURN make_date(m[1]::int, m[2]::int, 1)" \
	" + (m[3]::int - 1) * interval '1 day'" \
	" + make_interval(hours => coalesce(m[4]::int, 0)," \
	" mins => coalesce(m[5]::int, 0)," \
	" secs => coalesce(m[6]::double precision, 0)); END $$;" \
	/* 'now' is the statement's time, in UTC, as SQLite's. */ \
	"CREATE FUNCTION kiln_when(t text, m text) RETURNS timestamp" \
	" LANGUAGE sql STABLE AS $$ SELECT CASE WHEN t = 'now'" \
	" THEN statement_timestamp() AT TIME ZONE 'UTC' ELSE kiln_when(t)" \
	" END + CASE WHEN m ~ '^[+-]?\\d+ days?$'" \
	" THEN replace(m, '+', '')::interval ELSE interval '0' END $$;" \
	"CREATE FUNCTION date(t text) RETURNS text LANGUAGE sql STABLE" \
	" AS $$ SELECT to_char(kiln_when(t, ''), 'YYYY-MM-DD') $$;" \
	"CREATE FUNCTION date(t text, m text) RETURNS text LANGUAGE sql" \
	" STABLE AS $$ SELECT to_char(kiln_when(t, m), 'YYYY-MM-DD') $$;" \
	"CREATE FUNCTION julianday(t text) RETURNS double precision" \
	" LANGUAGE sql STABLE AS $$ SELECT extract(epoch FROM" \
	" kiln_when(t, ''))::double precision / 86400 + 2440587.5 $$;" \
	"CREATE FUNCTION strftime(f text, t text) RETURNS text" \
	" LANGUAGE sql STABLE AS $$ SELECT to_char(kiln_when(t, '')," \
	" replace(replace(replace(replace(replace(replace(replace(" \
	" replace(f, 'T', '\"T\"'), 'Z', '\"Z\"'), '%Y', 'YYYY')," \
	" '%m', 'MM'), '%d', 'DD'), '%H', 'HH24'), '%M', 'MI')," \
	" '%S', 'SS')) $$;"

/* A trigger function refusing the change with its argument's words. */
#define PG_REFUSE \
	"CREATE FUNCTION kiln_refuse() RETURNS trigger LANGUAGE plpgsql" \
	" AS $$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;"

const struct kiln_migration schema_core_pg[] = {
	{ 1,
	PG_DAYS
	PG_REFUSE
	"CREATE TABLE users ("
	" id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	" login TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL DEFAULT '',"
	" role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'sales',"
	"  'service', 'finance', 'office')),"
	" team TEXT NOT NULL DEFAULT '',"
	" password TEXT NOT NULL DEFAULT '',"
	" active BIGINT NOT NULL DEFAULT 1,"
	" created_at TEXT NOT NULL);"
	"CREATE TABLE tokens ("
	" id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" hash BYTEA NOT NULL UNIQUE,"
	" label TEXT NOT NULL DEFAULT '',"
	" created_at TEXT NOT NULL,"
	" revoked_at TEXT);"
	"CREATE TABLE sessions ("
	" id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" hash BYTEA NOT NULL UNIQUE,"
	" csrf TEXT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" seen_at BIGINT NOT NULL);"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	},
	{ 2,
	"CREATE SEQUENCE audit_id_seq;"
	"CREATE TABLE audit ("
	" id BIGINT PRIMARY KEY,"
	" at TEXT NOT NULL,"
	" user_id BIGINT,"
	" login TEXT NOT NULL DEFAULT '',"
	" ip TEXT NOT NULL DEFAULT '',"
	" action TEXT NOT NULL,"
	" entity TEXT NOT NULL DEFAULT '',"
	" record_id BIGINT,"
	" detail TEXT NOT NULL DEFAULT '');"
	/* SQLite's rowid: the order a change's fields were written in. */
	"CREATE TABLE audit_changes ("
	" rowid BIGINT GENERATED BY DEFAULT AS IDENTITY,"
	" audit_id BIGINT NOT NULL REFERENCES audit(id),"
	" field TEXT NOT NULL,"
	" old TEXT,"
	" new TEXT);"
	"CREATE INDEX audit_record ON audit(entity, record_id, id);"
	"CREATE INDEX audit_user ON audit(login, id);"
	"CREATE INDEX audit_action ON audit(action, id);"
	"CREATE INDEX audit_changes_audit ON audit_changes(audit_id);"
	/*
	 * The changes feed reads audit ids as commit order (since=ID).  A
	 * sequence hands out numbers before commit: a transaction holding
	 * 10 may commit after one holding 11 was read, and a poller past
	 * 11 would never see 10.  So every audit row's id is taken under
	 * the writers' lock (db.c's, which Kiln's writers hold already),
	 * held to commit: ids are then commit order, for any writer.  An
	 * id given is kept (kiln migrate-db, into an empty database).
	 */
	"CREATE FUNCTION audit_order_fn() RETURNS trigger LANGUAGE plpgsql"
	" AS $$ BEGIN PERFORM pg_advisory_xact_lock(7010617582);"
	" IF NEW.id IS NULL THEN NEW.id := nextval('audit_id_seq'); END IF;"
	" RETURN NEW; END $$;"
	"ALTER SEQUENCE audit_id_seq OWNED BY audit.id;"
	"CREATE TRIGGER audit_order BEFORE INSERT ON audit FOR EACH ROW"
	" EXECUTE FUNCTION audit_order_fn();"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW"
	" EXECUTE FUNCTION kiln_refuse('the audit trail is append-only');"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW"
	" EXECUTE FUNCTION kiln_refuse('the audit trail is append-only');"
	"CREATE TRIGGER audit_changes_no_update BEFORE UPDATE ON audit_changes"
	" FOR EACH ROW"
	" EXECUTE FUNCTION kiln_refuse('the audit trail is append-only');"
	"CREATE TRIGGER audit_changes_no_delete BEFORE DELETE ON audit_changes"
	" FOR EACH ROW"
	" EXECUTE FUNCTION kiln_refuse('the audit trail is append-only');"
	"CREATE TABLE rule_files ("
	" name TEXT PRIMARY KEY,"
	" hash TEXT NOT NULL,"
	" seen_at TEXT NOT NULL);"
	},
	{ 3,
	"CREATE TABLE login_attempts ("
	" id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	" at BIGINT NOT NULL,"
	" login TEXT NOT NULL,"
	" ip TEXT NOT NULL,"
	" ok BIGINT NOT NULL);"
	"CREATE INDEX login_attempts_login ON login_attempts(login, at);"
	"CREATE INDEX login_attempts_ip ON login_attempts(ip, at);"
	},
	{ 4,
	/* Requests to public pages per address, route and hour (throttle.c). */
	"CREATE TABLE public_hits ("
	" ip TEXT NOT NULL,"
	" route TEXT NOT NULL,"
	" hour BIGINT NOT NULL,"
	" n BIGINT NOT NULL DEFAULT 0,"
	" PRIMARY KEY (ip, route, hour));"
	"CREATE INDEX public_hits_hour ON public_hits(hour);"
	},
	{ 0, NULL }
};

const char *const schema_core_tables[] = {
	"audit", "audit_changes", "login_attempts", "public_hits",
	"rule_files", "sessions", "tokens", "users", "schema_migrations", NULL
};
