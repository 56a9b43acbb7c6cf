/*
 * throttle.c - login throttling; see throttle.h.
 */
#include "config.h"

#include "db.h"
#include "throttle.h"

/*
 * Runs a query over login_attempts that takes a key and a time and
 * answers (count, time); -1 when the database does not answer.
 */
static int
attempts(struct db *db, const char *sql, const char *key, long long since,
    long long *count, long long *at)
{
	sqlite3_stmt	*st;

	*count = *at = 0;
	if ((st = db_stmt(db, sql)) == NULL)
		return -1;
	db_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, since);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		*at = sqlite3_column_int64(st, 1);
	}
	db_done(st);
	return 0;
}

long
throttle_wait(struct db *db, const char *login, const char *ip,
    long long now)
{
	long long	 fails, last, oldest, count, wait = 0;
	long long	 need;

	/* Failures since the login's last success. */
	if (attempts(db, "SELECT count(*), max(at) FROM login_attempts"
	    " WHERE login = ?1 AND ok = 0 AND at > coalesce((SELECT max(at)"
	    " FROM login_attempts WHERE login = ?1 AND ok = 1), 0)"
	    " AND at > ?2", login, now - 86400, &fails, &last) == -1)
		return 1;
	if (fails >= THROTTLE_FREE) {
		need = fails - THROTTLE_FREE < 10 ? THROTTLE_FIRST_WAIT <<
		    (fails - THROTTLE_FREE) : THROTTLE_MAX_WAIT;
		if (need > THROTTLE_MAX_WAIT)
			need = THROTTLE_MAX_WAIT;
		if (last + need > now)
			wait = last + need - now;
	}
	/* Attempts from this address in the last hour. */
	if (attempts(db, "SELECT count(*), min(at) FROM login_attempts"
	    " WHERE ip = ?1 AND at > ?2", ip, now - 3600, &count,
	    &oldest) == -1)
		return 1;
	if (count >= THROTTLE_PER_HOUR && oldest + 3600 - now > wait)
		wait = oldest + 3600 - now;
	return (long)(wait > 0 ? wait : 0);
}

void
throttle_note(struct db *db, const char *login, const char *ip,
    long long now, int ok)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, "INSERT INTO login_attempts (at, login, ip, ok)"
	    " VALUES (?1, ?2, ?3, ?4)")) != NULL) {
		sqlite3_bind_int64(st, 1, now);
		db_bind_text(st, 2, login);
		db_bind_text(st, 3, ip);
		sqlite3_bind_int(st, 4, ok);
		(void)sqlite3_step(st);
		db_done(st);
	}
	if ((st = db_stmt(db, "DELETE FROM login_attempts WHERE at < ?1")) !=
	    NULL) {
		sqlite3_bind_int64(st, 1, now - 86400);
		(void)sqlite3_step(st);
		db_done(st);
	}
}
