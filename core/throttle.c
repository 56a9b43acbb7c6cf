/*
 * throttle.c - login throttling; see throttle.h.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

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
	struct db_stmt	*st;
	int		 rc;

	*count = *at = 0;
	if ((st = db_stmt(db, sql)) == NULL)
		return -1;
	db_bind_text(st, 1, key);
	db_bind_int(st, 2, since);
	if ((rc = db_step(st)) == DB_ROW) {
		*count = db_col_int(st, 0);
		*at = db_col_int(st, 1);
	}
	db_done(st);
	return rc == DB_ROW ? 0 : -1;
}

/* first << steps, at most max: the doubling waits. */
static long long
doubled(long long first, long long steps, long long max)
{
	return steps >= 20 || (first << steps) > max ? max : first << steps;
}

long
throttle_wait(struct db *db, const char *login, const char *ip,
    long long now)
{
	long long	 fails, last, logins, wait = 0, need;

	/* Failures since the login's last success. */
	if (attempts(db, "SELECT count(*), max(at) FROM login_attempts"
	    " WHERE login = ?1 AND ok = 0 AND at > coalesce((SELECT max(at)"
	    " FROM login_attempts WHERE login = ?1 AND ok = 1), 0)"
	    " AND at > ?2", login, now - 86400, &fails, &last) == -1)
		return -1;
	if (fails >= THROTTLE_FREE) {
		need = doubled(THROTTLE_FIRST_WAIT, fails - THROTTLE_FREE,
		    THROTTLE_MAX_WAIT);
		if (last + need > now)
			wait = last + need - now;
	}
	/* Logins that failed from this address in the last hour. */
	if (attempts(db, "SELECT count(DISTINCT login), max(at)"
	    " FROM login_attempts WHERE ip = ?1 AND ok = 0 AND at > ?2", ip,
	    now - 3600, &logins, &last) == -1)
		return -1;
	if (logins > THROTTLE_ADDR_FREE) {
		need = doubled(1, (logins - THROTTLE_ADDR_FREE - 1) /
		    THROTTLE_ADDR_STEP, THROTTLE_ADDR_MAX_WAIT);
		if (last + need - now > wait)
			wait = last + need - now;
	}
	return (long)(wait > 0 ? wait : 0);
}

long long
throttle_note(struct db *db, const char *login, const char *ip,
    long long now)
{
	struct db_stmt	*st;
	long long	 id = -1;
	int		 rc;

	if ((st = db_stmt(db, "INSERT INTO login_attempts (at, login, ip, ok)"
	    " VALUES (?1, ?2, ?3, 0) RETURNING id")) == NULL)
		return -1;
	db_bind_int(st, 1, now);
	db_bind_text(st, 2, login);
	db_bind_text(st, 3, ip);
	if ((rc = db_step(st)) == DB_ROW)
		id = db_col_int(st, 0);
	db_done(st);
	if (db_result(db, rc, "login attempt") != DB_OK)
		return -1;
	/* Housekeeping only: a failure here leaves old rows a while. */
	if ((st = db_stmt(db, "DELETE FROM login_attempts WHERE at < ?1")) !=
	    NULL) {
		db_bind_int(st, 1, now - 86400);
		(void)db_step(st);
		db_done(st);
	}
	return id;
}

int
throttle_ok(struct db *db, long long id)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, "UPDATE login_attempts SET ok = 1"
	    " WHERE id = ?1")) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	db_done(st);
	if (db_result(db, rc, "login attempt") != DB_OK ||
	    db_changes(db) != 1)
		return -1;
	return 0;
}

/*
 * Whom a public page counts: an IPv4 address, or an IPv6 client's /64
 * (one subscriber's network: a client has all of it to rotate through).
 */
const char *
throttle_client(const char *ip, char *buf, size_t n)
{
	unsigned char	 a[16];
	char		 net[INET6_ADDRSTRLEN];

	if (strchr(ip, ':') == NULL || inet_pton(AF_INET6, ip, a) != 1)
		return ip;
	memset(a + 8, 0, 8);
	if (inet_ntop(AF_INET6, a, net, sizeof(net)) == NULL)
		return ip;
	snprintf(buf, n, "%s/64", net);
	return buf;
}

int
throttle_public(struct db *db, const char *ip, const char *route,
    long long limit, long long now)
{
	struct db_stmt	*st;
	long long	 n = -1;
	char		 net[INET6_ADDRSTRLEN + 4];
	int		 rc;

	ip = throttle_client(ip, net, sizeof(net));
	if ((st = db_stmt(db, "INSERT INTO public_hits (ip, route, hour, n)"
	    " VALUES (?1, ?2, ?3, 1) ON CONFLICT (ip, route, hour) DO UPDATE"
	    " SET n = public_hits.n + 1 RETURNING n")) == NULL)
		return -1;
	db_bind_text(st, 1, ip);
	db_bind_text(st, 2, route);
	db_bind_int(st, 3, now / 3600);
	if ((rc = db_step(st)) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	if (db_result(db, rc, "public request") != DB_OK || n < 0)
		return -1;
	/* Housekeeping, on the first request of an hour only. */
	if (n == 1 && (st = db_stmt(db, "DELETE FROM public_hits WHERE"
	    " hour < ?1")) != NULL) {
		db_bind_int(st, 1, now / 3600 - 24);
		(void)db_step(st);
		db_done(st);
	}
	return n > limit ? 1 : 0;
}
