/*
 * db.h - the SQLite connection of a worker or a command.
 *
 * Opened after fork.  WAL, foreign keys, synchronous=FULL
 * (customers, orders and credit are money-bearing; WAL makes FULL cheap).
 * Statements are prepared once per connection and cached by their text;
 * every value is bound, never spliced into SQL.  Writers wait for each
 * other in db_begin() (a flock(2) queue), then for SQLite's lock.
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
	DB_NOTFOUND
};

int		 db_open(const char *path, int create, struct db **);
void		 db_close(struct db *);
sqlite3		*db_handle(struct db *);
/* A cached, reset statement for sql; NULL (logged) on error. */
sqlite3_stmt	*db_stmt(struct db *, const char *sql);
/* Reset and unbind a statement from db_stmt after use. */
void		 db_done(sqlite3_stmt *);
/*
 * BEGIN IMMEDIATE, once Kiln's other writers are done (flock(2) on
 * DB-queue, at most 5 s; then SQLite's own lock, as long again).
 */
enum db_err	 db_begin(struct db *);
enum db_err	 db_commit(struct db *);
void		 db_rollback(struct db *);
/* No transaction open, not queued for one (the end of a request). */
int		 db_idle(struct db *);
/* Map an sqlite3 result code to db_err, logging real errors. */
enum db_err	 db_result(struct db *, int rc, const char *what);
/* Apply owner's numbered migrations not yet applied; idempotent. */
enum db_err	 db_migrate(struct db *, const char *owner,
		    const struct kiln_migration *);
/* Run PRAGMA integrity_check and foreign_key_check; 0 when sound. */
int		 db_check(struct db *, FILE *);
/* Online copy to path with the backup API. */
int		 db_backup(struct db *, const char *path);
/* Bind text or NULL-as-empty; helper for the common case. */
int		 db_bind_text(sqlite3_stmt *, int, const char *);

#endif
