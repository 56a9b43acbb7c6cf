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
/* A record's history, newest first, as a section of its page. */
void	 audit_history(struct kiln_req *, const struct entity *, long long);
/*
 * GET /changes.xml?since=SEQ: creates, updates and deletes of every
 * declared entity the user may read in full, in commit order, after
 * SEQ, with the cursor to poll from next.  For ERP integrations.
 */
int	 audit_changes(struct kiln_req *);
/* GET /audit: the whole trail, filtered, for administrators. */
int	 audit_page(struct kiln_req *);

#endif
