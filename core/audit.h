/*
 * audit.h - the append-only audit trail.  Written in the transaction
 * of the change it describes, so the trail and the data never disagree:
 * who, when, from where, which record, which fields from what to what;
 * also logins, failed logins, logouts, exports, user and role changes,
 * rule file changes.  Triggers refuse UPDATE and DELETE on it.
 */
#ifndef KILN_AUDIT_H
#define KILN_AUDIT_H

struct app;
struct db;
struct entity;
struct kiln_req;
struct record;

/*
 * A change of a record: old is NULL for a create, new NULL for a
 * delete; an update lists only the fields that changed.
 */
/*
 * A new record's line, with the values the database stored (what its
 * triggers filled in: a ticket's salesperson from its customer), not
 * those the request sent.  0, or -1 as audit_record().
 */
int	 audit_created(struct kiln_req *, const struct entity *,
	    const struct record *);
int	 audit_record(struct kiln_req *, const char *action,
	    const struct entity *, const struct record *old,
	    const struct record *new);
/* Any other event: login, login_failed, logout, export, rules, user. */
int	 audit_event(struct kiln_req *, const char *action,
	    const char *entity, long long id, const char *detail);
/* The same from a command (no request): by "cli". */
int	 audit_cli(struct db *, const char *action, const char *entity,
	    long long id, const char *detail);
/*
 * Compare the rule files with those last seen and audit each added,
 * changed or removed one, once however many workers notice.
 */
int	 audit_rules(struct app *);
#endif
