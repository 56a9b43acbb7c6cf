/*
 * throttle.h - login throttling, checked before any password hashing:
 * after THROTTLE_FREE failures in a row for one login, each further
 * attempt waits twice as long as the last (5 s, 10 s, 20 s ... at most
 * THROTTLE_MAX_WAIT); one address gets THROTTLE_PER_HOUR attempts an
 * hour.  Unknown logins are throttled exactly like known ones, so the
 * answer tells nothing about which logins exist.
 */
#ifndef KILN_THROTTLE_H
#define KILN_THROTTLE_H

struct db;

#define THROTTLE_FREE		5
#define THROTTLE_PER_HOUR	100
#define THROTTLE_FIRST_WAIT	5LL
#define THROTTLE_MAX_WAIT	900

/* Seconds to wait before login may be tried from ip; 0 to go on. */
long	 throttle_wait(struct db *, const char *login, const char *ip,
	    long long now);
/* Remember an attempt (and forget those older than a day). */
void	 throttle_note(struct db *, const char *login, const char *ip,
	    long long now, int ok);

#endif
