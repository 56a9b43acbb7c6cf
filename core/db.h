/*
 * db.h - the SQLite connection of a worker or a command.
 *
 * Opened after fork.  WAL, foreign keys, synchronous=FULL
 * (customers, orders and credit are money-bearing; WAL makes FULL cheap).
 * Statements are prepared once per connection and cached by their text;
 * every value is bound, never spliced into SQL.  Writers wait for each
 * other in db_begin() (a flock(2) queue), then for SQLite's lock.
 *
 * Storage faults are told apart, never lumped into "internal error":
 * a full disk, a read-only database, and a file deleted or replaced
 * under an open connection (checked before BEGIN, before COMMIT and
 * after it, so no change is acknowledged that went into a file that is
 * no longer the database).
 */
#ifndef KILN_DB_H
#define KILN_DB_H

#include <stdio.h>

#include <sqlite3.h>

struct db;
struct kiln_migration;

enum db_err {
	DB_OK = 0,
	DB_ERROR,	/* logged; the user sees 500 internal */
	DB_BUSY,	/* lock not had within busy_timeout: 503 */
	DB_CONSTRAINT,	/* a foreign key or unique constraint refused it */
	DB_NOTFOUND,
	DB_FULL,	/* the disk is full: 503, the change rolled back */
	DB_READONLY,	/* read-only file or file system: 503 for changes */
	DB_MOVED,	/* the path names another file now: 503 */
	DB_UNAVAILABLE	/* db_open: the file cannot be opened: 503 */
};

#define DB_CREATE	0x01	/* create the file (kiln init) */
#define DB_QUIET	0x02	/* a failure is not logged (retries) */

int		 db_open(const char *path, int flags, struct db **);
void		 db_close(struct db *);
/* The SQLite connection (authorizer, functions, tests). */
sqlite3		*db_handle(struct db *);

/*
 * A prepared statement, cached by the connection for its life: bind,
 * step, read the columns, then db_done() it for the next use.  Values
 * are numbered from 1 (?1, ?2 ...; :name for db_bind_index).
 */
struct db_stmt;

#define DB_ROW		1	/* db_step: a row is there */
#define DB_DONE		0	/* ... no more rows (or a write done) */

/* A cached, reset statement for sql; NULL (logged) on error. */
struct db_stmt	*db_stmt(struct db *, const char *sql);
/* sqlite3_set_authorizer's callback. */
typedef int	(*db_authorizer)(void *, int, const char *, const char *,
		    const char *, const char *);
/*
 * The same, prepared for owner (a plugin) with auth as SQLite's
 * authorizer (a plugin's SQL: its tables only), and cached for that
 * owner alone: one text prepared under different rights is two
 * statements.  On PostgreSQL run (when not NULL) is what runs: sql
 * with the host's expansions (acl_expand), judged as sql is.  NULL
 * when refused or on error.
 */
struct db_stmt	*db_stmt_as(struct db *, const void *owner, const char *sql,
		    db_authorizer auth, void *ctx, const char *run);
void		 db_bind_int(struct db_stmt *, int, long long);
/* Text; NULL binds "" (the common case: NOT NULL DEFAULT ''). */
void		 db_bind_text(struct db_stmt *, int, const char *);
void		 db_bind_blob(struct db_stmt *, int, const void *, size_t);
void		 db_bind_null(struct db_stmt *, int);
/* The number of the named value (":acl_uid"), or 0 if sql has none. */
int		 db_bind_index(struct db_stmt *, const char *name);
/*
 * DB_ROW, DB_DONE, or -1 when the statement failed: a real error is
 * logged with the statement; db_result(db, -1, ...) and db_last() say
 * what it was (a constraint is not logged: the caller tells the user).
 */
int		 db_step(struct db_stmt *);
long long	 db_col_int(struct db_stmt *, int);
/* NULL for an SQL NULL; valid until the next step or db_done(). */
const char	*db_col_text(struct db_stmt *, int);
const void	*db_col_blob(struct db_stmt *, int, size_t *);
int		 db_col_null(struct db_stmt *, int);
/* What a column of the current row holds (SQLite's storage classes). */
enum db_kind { DB_K_NULL, DB_K_INT, DB_K_REAL, DB_K_TEXT, DB_K_BLOB };
enum db_kind	 db_col_kind(struct db_stmt *, int);
int		 db_col_count(struct db_stmt *);
/* Reset and unbind a statement from db_stmt after use. */
void		 db_done(struct db_stmt *);
/* Rows the last INSERT, UPDATE or DELETE changed (not its triggers'). */
long long	 db_changes(struct db *);
/* Run SQL without values (SAVEPOINT, a migration's script). */
enum db_err	 db_exec(struct db *, const char *sql);
/*
 * BEGIN IMMEDIATE, once Kiln's other writers are done (flock(2) on
 * DB-queue, at most 5 s; then SQLite's own lock, as long again).
 */
enum db_err	 db_begin(struct db *);
enum db_err	 db_commit(struct db *);
void		 db_rollback(struct db *);
/* No transaction open, not queued for one (the end of a request). */
int		 db_idle(struct db *);
/*
 * What db_step's (or a back end's) result rc means: DB_OK for DB_ROW
 * and DB_DONE, else the failure of the last statement, logged once
 * with what when it is a real error.
 */
enum db_err	 db_result(struct db *, int rc, const char *what);
/* The last statement's failure, DB_OK when it did not fail. */
enum db_err	 db_last(struct db *);
/* The words of the last failure ("" when none). */
const char	*db_message(struct db *);
/*
 * Why a constraint refused the last statement: DB_V_RULE, a trigger
 * said why in words for people (*msg); DB_V_UNIQUE, a unique index on
 * column *msg of the table; DB_V_OTHER (a foreign key, a CHECK).
 */
enum db_violation { DB_V_OTHER = 0, DB_V_RULE, DB_V_UNIQUE };
enum db_violation db_violation(struct db *, const char **msg);
/*
 * The last failure of db_begin, db_commit or db_result since the last
 * db_begin or db_stale (the start of a request): why a write failed.
 */
enum db_err	 db_fault(struct db *);
/*
 * Whether the connection should be closed and opened again before the
 * next request: 0 no; 1 yes (its file was deleted or replaced, or it
 * was opened read-only and the file is writable now); -1 replaced, but
 * the old file's -wal or -shm is still beside the new one, where a new
 * connection would read the old database through it: not yet.
 */
int		 db_stale(struct db *);
/*
 * Apply owner's numbered migrations not yet applied; idempotent.  On
 * PostgreSQL pg's (kiln_plugin.pg_migrations), else lite's.
 */
enum db_err	 db_migrate(struct db *, const char *owner,
		    const struct kiln_migration *lite,
		    const struct kiln_migration *pg);
/*
 * PostgreSQL: build the SQLite shadow (struct db in db.c) with owner's
 * SQLite migrations, at each open; nothing on SQLite.
 */
enum db_err	 db_shadow(struct db *, const char *owner,
		    const struct kiln_migration *lite);
/*
 * Periodic jobs run on one host at a time: 1 this connection may run
 * them now (always, on SQLite: one machine), 0 another host's are
 * running (PostgreSQL: a session advisory lock, let go by
 * db_jobs_unlock or by the connection's end), -1 error.
 */
int		 db_jobs_lock(struct db *);
void		 db_jobs_unlock(struct db *);
/* The connection is to PostgreSQL. */
int		 db_is_pg(const struct db *);
/* The database as messages name it (a path; a server, no password). */
const char	*db_name(const struct db *);
/* Run PRAGMA integrity_check and foreign_key_check; 0 when sound. */
int		 db_check(struct db *, FILE *);
/*
 * Online copy to path: SQLite's backup API; on PostgreSQL pg_dump's
 * custom format (pg_restore reads it), of one consistent snapshot.
 */
int		 db_backup(struct db *, const char *path);

#endif
