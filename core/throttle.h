/*
 * throttle.h - login throttling, checked before any password hashing.
 *
 * Per login: after THROTTLE_FREE failures in a row, each further
 * attempt waits twice as long as the last (5 s, 10 s, 20 s ... at most
 * THROTTLE_MAX_WAIT).  Per address, against one client guessing over
 * many logins (spraying): once more than THROTTLE_ADDR_FREE different
 * logins have failed from it within an hour, each attempt from it
 * waits 1 s after the last failure, twice as long with every
 * THROTTLE_ADDR_STEP more logins, at most THROTTLE_ADDR_MAX_WAIT.  A
 * delay and not a wall: behind one NAT or proxy the whole company
 * shares the address, and must still be able to log in.
 *
 * An attempt is recorded as failed before the password is checked,
 * and marked good after: when it cannot be recorded, or the counts
 * cannot be read, nobody's password is checked (fail closed).
 * Unknown logins are throttled exactly like known ones, so the answer
 * tells nothing about which logins exist.
 */
#ifndef KILN_THROTTLE_H
#define KILN_THROTTLE_H

struct db;

#define THROTTLE_FREE		5
#define THROTTLE_FIRST_WAIT	5LL
#define THROTTLE_MAX_WAIT	900
#define THROTTLE_ADDR_FREE	10
#define THROTTLE_ADDR_STEP	10
#define THROTTLE_ADDR_MAX_WAIT	60

/*
 * Seconds to wait before login may be tried from ip; 0 to go on; -1
 * when the attempts cannot be counted.
 */
long		 throttle_wait(struct db *, const char *login, const char *ip,
		    long long now);
/*
 * Record an attempt, as failed (and forget those older than a day).
 * Its id, or -1 when it cannot be recorded.
 */
long long	 throttle_note(struct db *, const char *login, const char *ip,
		    long long now);
/* The attempt id succeeded; 0, or -1 when that cannot be recorded. */
int		 throttle_ok(struct db *, long long id);

/*
 * A request to a public page (no login) from ip to route: 0 when it is
 * within limit requests of this hour, 1 when over it (answer 429), -1
 * when it could not be counted (refuse: fail closed).
 */
int	 throttle_public(struct db *, const char *ip, const char *route,
	    long long limit, long long now);
/*
 * Whom throttle_public() counts for ip: ip itself, or for IPv6 its /64
 * ("2001:db8:1:2::/64", in buf of n bytes).
 */
const char	*throttle_client(const char *ip, char *buf, size_t n);

#endif
