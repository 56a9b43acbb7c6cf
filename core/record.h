/*
 * record.h - one record of a declared entity: loading, turning
 * untrusted input into canonical values with per-field messages,
 * the plugin's rule hooks, and the write itself with optimistic
 * locking.
 */
#ifndef KILN_RECORD_H
#define KILN_RECORD_H

struct db_stmt;

#include "db.h"
#include "entity.h"

struct kiln_req;
struct kvlist;
struct rules_kv;
struct rules_verdict;

enum rec_err {
	REC_OK = 0,
	REC_INVALID,	/* ferrs say why: 422 */
	REC_BAD,	/* malformed request, e.g. duplicate field: 400 */
	REC_NOTFOUND,	/* 404 */
	REC_STALE,	/* version mismatch: 409 stale */
	REC_RULE,	/* a rule failed to run: 409 rule */
	REC_CONFLICT,	/* constraint (still referenced...): 409 conflict */
	REC_FORBIDDEN,	/* visible but not theirs to change: 403 */
	REC_STORAGE,	/* the database failed: db_fault() says how (503, 500) */
	REC_ERROR	/* 500 */
};

/* What a database result means for a record. */
enum rec_err	 record_db_err(enum db_err);

void		 record_row(struct kiln_req *, const struct entity *,
		    struct db_stmt *, struct record *);
/* Only the fields whose need[i] is set (a list shows a few columns). */
void		 record_row_some(struct kiln_req *, const struct entity *,
		    struct db_stmt *, struct record *, const unsigned char *need);
enum rec_err	 record_load(struct kiln_req *, const struct entity *,
		    long long, struct record *);
void		 record_defaults(struct kiln_req *, const struct entity *,
		    struct record *);
/* Apply input fields over rec; field problems go to ferrs. */
enum rec_err	 record_apply(struct kiln_req *, const struct entity *,
		    struct record *, const struct kvlist *, struct ferrs *);
/*
 * The host's own write of fields by name (a plugin's update service):
 * computed fields too, each value checked as input is.  REC_INVALID
 * with the messages in ferrs, REC_BAD for a field the entity lacks.
 */
enum rec_err	 record_set(struct kiln_req *, const struct entity *,
		    struct record *, const struct kvlist *, struct ferrs *);
/* Required fields, references, then the entity's rule hooks. */
enum rec_err	 record_check(struct kiln_req *, const struct entity *,
		    struct record *, struct ferrs *, const char **msg);
/*
 * A child record (kiln_entity.parent) names a parent the user may see:
 * REC_OK, or REC_INVALID with the field's message (required, or "does
 * not exist": one out of sight is none, and its existence is not told).
 */
enum rec_err	 record_parent_check(struct kiln_req *, const struct entity *,
		    const struct record *, struct ferrs *);
/* Look up the display text of references given only by id. */
enum rec_err	 record_ref_label(struct kiln_req *, const struct entity *,
		    size_t field, const char *id, const char **label);
void		 record_labels(struct kiln_req *, const struct entity *,
		    struct record *);
/* A value a unique index refuses becomes a message in ferrs. */
enum rec_err	 record_insert(struct kiln_req *, const struct entity *,
		    struct record *, struct ferrs *);
/* Update where version still is expected; bumps rec->version. */
enum rec_err	 record_update(struct kiln_req *, const struct entity *,
		    struct record *, long long expected, struct ferrs *);
enum rec_err	 record_delete(struct kiln_req *, const struct entity *,
		    long long id, long long expected, struct ferrs *);
void		 ferr_add(struct ferrs *, const char *, const char *);
/* A record as name/value pairs (fields, then "id"); *n of them. */
struct rules_kv	*record_kv(struct kiln_req *, const struct entity *,
		    const struct record *, size_t *n);
/*
 * The rules that judge records of kind, in file-name order, copied into
 * the request's arena (kiln_services.rules_for): 0, or -1 when the
 * rules are not loaded.
 */
int		 record_rules_for(struct kiln_req *, const char *kind,
		    const char *const **names, size_t *n);
/*
 * Run hook kind of the n rules names on a record, with the context its
 * plugin gives (an order's exposure): rules_run_each() into v[0..n-1];
 * -1 when the record cannot be handed over (memory).
 */
int		 record_rules(struct kiln_req *, const struct entity *,
		    const struct record *, const char *kind,
		    const char *const *names, size_t n, struct rules_verdict *v);

#endif
