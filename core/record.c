/*
 * record.c - records of declared entities; see record.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "app.h"
#include "arena.h"
#include "db.h"
#include "entity.h"
#include "form.h"
#include "hook.h"
#include "i18n.h"
#include "log.h"
#include "plugin.h"
#include "pick.h"
#include "record.h"
#include "req.h"
#include "rules.h"
#include "value.h"

#define TEXT_MAX_DEFAULT	1000

void
ferr_add(struct ferrs *fe, const char *field, const char *msg)
{
	if (fe->n < sizeof(fe->v) / sizeof(fe->v[0])) {
		fe->v[fe->n].field = field;
		fe->v[fe->n].msg = msg;
		fe->n++;
	}
}

static const char *
col_text(struct kiln_req *r, struct db_stmt *st, int i)
{
	const char	*s = db_col_text(st, i);

	return s ? arena_strdup(r->arena, s) : NULL;
}

void
record_row(struct kiln_req *r, const struct entity *e, struct db_stmt *st,
    struct record *rec)
{
	record_row_some(r, e, st, rec, NULL);
}

void
record_row_some(struct kiln_req *r, const struct entity *e,
    struct db_stmt *st, struct record *rec, const unsigned char *need)
{
	size_t	 i, n = e->d->nfields;

	rec->id = db_col_int(st, ENT_COL_ID);
	rec->version = db_col_int(st, ENT_COL_VERSION);
	rec->created_at = col_text(r, st, ENT_COL_CREATED);
	rec->updated_at = col_text(r, st, ENT_COL_UPDATED);
	rec->val = arena_calloc(r->arena, n + 1, sizeof(char *));
	rec->label = arena_calloc(r->arena, n + 1, sizeof(char *));
	rec->name = arena_calloc(r->arena, n + 1, sizeof(char *));
	rec->pick = NULL;
	for (i = 0; i < n; i++) {
		if (need != NULL && !need[i])
			continue;
		rec->val[i] = col_text(r, st, (int)(ENT_COL_FIELDS + i));
		if (e->reflabel[i] >= 0)
			rec->label[i] = col_text(r, st, e->reflabel[i]);
		if (e->refname[i] >= 0)
			rec->name[i] = col_text(r, st, e->refname[i]);
	}
}

enum rec_err
record_load(struct kiln_req *r, const struct entity *e, long long id,
    struct record *rec)
{
	struct db_stmt	*st;
	struct abuf	 sql;
	int		 rc;
	enum rec_err	 err;

	abuf_init(&sql, r->arena);
	abuf_add(&sql, e->select);
	abuf_add(&sql, " WHERE t.id = ?1");
	acl_where(r, e, &sql);
	if ((st = db_stmt(r->app->db, sql.s)) == NULL)
		return REC_ERROR;
	db_bind_int(st, 1, id);
	acl_bind(r, st);
	rc = db_step(st);
	if (rc == DB_ROW) {
		record_row(r, e, st, rec);
		err = REC_OK;
	} else if (rc == DB_DONE)
		err = REC_NOTFOUND;
	else
		err = record_db_err(db_result(r->app->db, rc, "load"));
	db_done(st);
	return err;
}

void
record_defaults(struct kiln_req *r, const struct entity *e,
    struct record *rec)
{
	const struct kiln_field	*f;
	size_t			 i, n = e->d->nfields;

	memset(rec, 0, sizeof(*rec));
	rec->val = arena_calloc(r->arena, n + 1, sizeof(char *));
	rec->label = arena_calloc(r->arena, n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		f = &e->d->fields[i];
		if (f->def != NULL)
			rec->val[i] = f->def;
		else if (!entity_is_numeric(f))
			rec->val[i] = "";
		if ((f->flags & KILN_F_OWNER) && r->user != NULL) {
			rec->val[i] = arena_printf(r->arena, "%lld",
			    r->user->id);
			rec->label[i] = r->user->login;
		}
	}
}

/* Leading and trailing white space never means anything in a field. */
static const char *
trim(struct kiln_req *r, const char *s)
{
	const char	*e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	return arena_strndup(r->arena, s, (size_t)(e - s));
}

static int
in_options(const char *const *o, const char *s)
{
	for (; *o != NULL; o++)
		if (strcmp(*o, s) == 0)
			return 1;
	return 0;
}

/*
 * One field's input to its canonical text form.  Returns NULL and
 * sets *msg when the input is not acceptable.  Empty input becomes
 * the default, "" for texts and dates, or NULL for numbers.
 */
static const char *
parse_field(struct kiln_req *r, const struct kiln_field *f, const char *in,
    const char **msg)
{
	const char	*s;
	char		*p;
	long long	 v, max;
	int		 b;
	size_t		 len;

	*msg = NULL;
	s = f->type == KILN_TEXT && (f->flags & KILN_F_LONG) ? in :
	    trim(r, in);
	if (*s == '\0') {
		if (f->def != NULL)
			return f->def;
		/* Empty numbers are NULL; empty text and dates are "". */
		if (entity_is_numeric(f))
			return NULL;
		return "";
	}
	switch (f->type) {
	case KILN_TEXT:
	case KILN_EMAIL:
	case KILN_PHONE:
	case KILN_URL:
		max = f->max > 0 ? f->max : TEXT_MAX_DEFAULT;
		len = value_utf8_len(s);
		if ((long long)len > max) {
			*msg = arena_printf(r->arena,
			    _("must be at most %lld characters"), max);
			return NULL;
		}
		if ((long long)len < f->min) {
			*msg = arena_printf(r->arena,
			    _("must be at least %lld characters"), f->min);
			return NULL;
		}
		if (f->type == KILN_TEXT && !(f->flags & KILN_F_LONG) &&
		    strpbrk(s, "\r\n") != NULL) {
			*msg = _("must be a single line");
			return NULL;
		}
		/* A name shown to others reads as it is stored. */
		if (!(f->flags & KILN_F_LONG) && value_has_bidi(s)) {
			*msg = _("must not contain bidirectional control"
			    " characters");
			return NULL;
		}
		if (f->type == KILN_EMAIL && !value_email_ok(s))
			*msg = _("is not an e-mail address");
		else if (f->type == KILN_PHONE && !value_phone_ok(s))
			*msg = _("is not a phone number");
		else if (f->type == KILN_URL && !value_url_ok(s))
			*msg = _("must be an http, https or mailto address");
		return *msg ? NULL : s;
	case KILN_INT:
	case KILN_MONEY:
		if (f->type == KILN_INT ? value_int_parse(s, &v) != 0 :
		    value_money_parse(s, &v) != 0) {
			*msg = f->type == KILN_INT ? _("must be a whole number") :
			    _("must be an amount like 1234.50");
			return NULL;
		}
		if (f->max > f->min && (v < f->min || v > f->max)) {
			*msg = _("is out of range");
			return NULL;
		}
		return arena_printf(r->arena, "%lld", v);
	case KILN_DATE:
		if (!value_date_ok(s))
			*msg = _("must be a date like 2026-12-31");
		return *msg ? NULL : s;
	case KILN_DATETIME:
		/* UTC as stored, or the local time a form sends. */
		if (value_datetime_ok(s))
			return s;
		if ((p = arena_alloc(r->arena, 21)) != NULL &&
		    value_datetime_local(s, p) == 0)
			return p;
		*msg = _("must be a time like 2026-12-31 09:30");
		return NULL;
	case KILN_ENUM:
		if (!in_options(f->options, s)) {
			*msg = _("is not one of the allowed values");
			return NULL;
		}
		return s;
	case KILN_REF:
		if (value_int_parse(s, &v) != 0 || v <= 0) {
			*msg = _("must be a record id");
			return NULL;
		}
		return arena_printf(r->arena, "%lld", v);
	case KILN_BOOL:
		if (value_bool_parse(s, &b) != 0) {
			*msg = _("must be yes or no");
			return NULL;
		}
		return b ? "1" : "0";
	}
	*msg = _("is not valid");
	return NULL;
}

/* Two canonical values, NULL for SQL NULL: the same? */
static int
same_value(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

enum rec_err
record_apply(struct kiln_req *r, const struct entity *e,
    struct record *rec, const struct kvlist *in, struct ferrs *fe)
{
	const struct kiln_field	*f;
	const char		*v, *msg, *val;
	struct ferrs		 kept = { .n = 0 };
	size_t			 i;
	int			 picked;

	for (i = 0; i < e->d->nfields; i++) {
		f = &e->d->fields[i];
		if (f->flags & KILN_F_COMPUTED)
			continue;
		/* A reference by name (a form's picker): its id, or why not. */
		v = pick_apply(r, e, rec, i, in, &picked, &msg);
		if (picked && v == NULL) {
			if (!entity_may_set(r, f)) {
				ferr_add(&kept, f->name,
				    _("may not be set by you"));
				continue;
			}
			rec->val[i] = NULL;
			rec->label[i] = NULL;
			ferr_add(fe, f->name, msg);
			continue;
		}
		if (!picked && (v = form_get(in, f->name)) == NULL)
			continue;
		/* Two values for one field: which one did they mean? */
		if (form_count(in, f->name) > 1)
			return REC_BAD;
		val = parse_field(r, f, v, &msg);
		/*
		 * A field kept for some roles: sending it unchanged (a
		 * document read, edited elsewhere and sent back) is no
		 * attempt to set it.
		 */
		if (!entity_may_set(r, f) && (msg != NULL ||
		    !same_value(val, rec->val[i]))) {
			ferr_add(&kept, f->name, _("may not be set by you"));
			continue;
		}
		rec->val[i] = val;
		rec->label[i] = NULL;
		if (msg != NULL) {
			rec->val[i] = v;	/* shown again in the form */
			ferr_add(fe, f->name, msg);
		}
	}
	/* A refusal first: what else was wrong is not theirs to fix. */
	if (kept.n) {
		*fe = kept;
		return REC_FORBIDDEN;
	}
	return fe->n ? REC_INVALID : REC_OK;
}

enum rec_err
record_set(struct kiln_req *r, const struct entity *e, struct record *rec,
    const struct kvlist *in, struct ferrs *fe)
{
	const char	*msg, *val;
	size_t		 i;
	int		 f;

	for (i = 0; i < in->n; i++) {
		if ((f = entity_field(e, in->v[i].key)) < 0) {
			ferr_add(fe, in->v[i].key, _("is not a field"));
			return REC_BAD;
		}
		val = parse_field(r, &e->d->fields[f], in->v[i].val, &msg);
		if (msg == NULL && (e->d->fields[f].flags & KILN_F_REQUIRED) &&
		    (val == NULL || *val == '\0'))
			msg = _("is required");
		if (msg != NULL) {
			ferr_add(fe, e->d->fields[f].name, msg);
			continue;
		}
		rec->val[f] = val;
		rec->label[f] = NULL;
	}
	return fe->n ? REC_INVALID : REC_OK;
}

/* Whether a referenced record exists (FKs would refuse it anyway). */
enum rec_err
record_ref_label(struct kiln_req *r, const struct entity *e, size_t i,
    const char *id, const char **label)
{
	const struct entity	*t = e->refent[i];
	struct db_stmt		*st;
	struct abuf		 sql;
	int			 rc;
	enum rec_err		 err = REC_OK;

	/* One may refer only to records one may see. */
	abuf_init(&sql, r->arena);
	if (t == NULL)
		abuf_add(&sql, "SELECT login FROM users WHERE id = ?1");
	else {
		abuf_addf(&sql, "SELECT t.\"%s\" FROM \"%s\" t"
		    " WHERE t.id = ?1", t->d->title, t->d->plural);
		acl_where(r, t, &sql);
	}
	if ((st = db_stmt(r->app->db, sql.s)) == NULL)
		return REC_ERROR;
	db_bind_text(st, 1, id);
	acl_bind(r, st);
	rc = db_step(st);
	if (rc == DB_ROW)
		*label = arena_strdup(r->arena,
		    db_col_text(st, 0));
	else if (rc == DB_DONE)
		err = REC_NOTFOUND;
	else
		err = REC_ERROR;
	db_done(st);
	return err;
}

enum rec_err
record_parent_check(struct kiln_req *r, const struct entity *e,
    const struct record *rec, struct ferrs *fe)
{
	const char	*label;

	if (e->parent_ent == NULL)
		return REC_OK;
	if (rec->val[e->parent] == NULL)
		ferr_add(fe, e->d->fields[e->parent].name, _("is required"));
	else if (record_ref_label(r, e, (size_t)e->parent, rec->val[e->parent],
	    &label) != REC_OK)
		ferr_add(fe, e->d->fields[e->parent].name,
		    _("refers to a record that does not exist"));
	else
		return REC_OK;
	return REC_INVALID;
}

void
record_labels(struct kiln_req *r, const struct entity *e,
    struct record *rec)
{
	size_t	 i;

	for (i = 0; i < e->d->nfields; i++)
		if (e->d->fields[i].type == KILN_REF && rec->val[i] != NULL &&
		    rec->label[i] == NULL &&
		    record_ref_label(r, e, i, rec->val[i], &rec->label[i]) != REC_OK)
			rec->label[i] = NULL;
}

struct rules_kv *
record_kv(struct kiln_req *r, const struct entity *e,
    const struct record *rec, size_t *np)
{
	const struct kiln_field	*f;
	struct rules_kv		*kv;
	size_t			 i, n = e->d->nfields;
	long long		 x;

	if ((kv = arena_calloc(r->arena, n + 1, sizeof(*kv))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		f = &e->d->fields[i];
		kv[i].key = f->name;
		if (rec->val[i] == NULL)
			kv[i].type = RULES_NIL;
		else if (entity_is_numeric(f) &&
		    value_int_parse(rec->val[i], &x) == 0) {
			kv[i].type = f->type == KILN_BOOL ? RULES_BOOL :
			    RULES_INT;
			kv[i].i = x;
		} else {
			kv[i].type = RULES_STR;
			kv[i].s = rec->val[i];
		}
	}
	kv[n].key = "id";
	kv[n].type = rec->id ? RULES_INT : RULES_NIL;
	kv[n].i = rec->id;
	*np = n + 1;
	return kv;
}

/*
 * Copied into the request's arena: the rules are reloaded at the start
 * of a request, and a caller keeps the list for the whole of one.
 */
int
record_rules_for(struct kiln_req *r, const char *kind,
    const char *const **namesp, size_t *np)
{
	const char	**names;
	size_t		 n, i;

	*namesp = NULL;
	*np = 0;
	if (r->app->rules == NULL)
		return -1;
	n = rules_with_hook(r->app->rules, kind, NULL, 0);
	names = arena_calloc(r->arena, n + 1, sizeof(*names));
	(void)rules_with_hook(r->app->rules, kind, names, n);
	for (i = 0; i < n; i++)
		names[i] = arena_strdup(r->arena, names[i]);
	*namesp = names;
	*np = n;
	return 0;
}

int
record_rules(struct kiln_req *r, const struct entity *e,
    const struct record *rec, const char *kind, const char *const *names,
    size_t nnames, struct rules_verdict *v)
{
	struct rules_kv			*kv, ctx[32];
	const struct kiln_services	*sv;
	const struct plugin		*was;
	char				 today[24];
	size_t				 n, nctx = 0;

	if ((kv = record_kv(r, e, rec, &n)) == NULL)
		return -1;
	/* The plugin's facts first: they carry today as it sees it. */
	if (e->d->context != NULL && rec->id > 0) {
		sv = hook_enter(r, e->plug, &was);
		nctx = e->d->context(r, sv, rec->id,
		    (struct kiln_kv *)(void *)ctx, sizeof(ctx) /
		    sizeof(ctx[0]) - 3);
		hook_leave(r, was);
	}
	value_today(today);
	if (nctx == 0)
		ctx[nctx++] = (struct rules_kv){ .key = "today",
		    .type = RULES_STR, .s = today };
	if (r->user != NULL) {
		ctx[nctx++] = (struct rules_kv){ .key = "user",
		    .type = RULES_STR, .s = r->user->login };
		ctx[nctx++] = (struct rules_kv){ .key = "role",
		    .type = RULES_STR, .s = r->user->role };
	}
	return rules_run_each(r->app->rules, names, nnames, kind, kv, n, ctx,
	    nctx, v);
}

enum rec_err
record_check(struct kiln_req *r, const struct entity *e,
    struct record *rec, struct ferrs *fe, const char **msg)
{
	const struct kiln_field	*f;
	const char *const	*names = NULL;
	struct rules_verdict	*v;
	enum rec_err		 err;
	size_t			 i, n = 0;

	*msg = NULL;
	/* Without the rules nothing can say a record is sound. */
	if (e->d->save_hook != NULL &&
	    record_rules_for(r, e->d->save_hook, &names, &n) == -1) {
		*msg = _("The business rules are not loaded; see the log.");
		return REC_RULE;
	}
	for (i = 0; i < e->d->nfields; i++) {
		f = &e->d->fields[i];
		if ((f->flags & KILN_F_REQUIRED) &&
		    (rec->val[i] == NULL || *rec->val[i] == '\0'))
			ferr_add(fe, f->name, _("is required"));
		else if (f->type == KILN_REF && rec->val[i] != NULL) {
			err = record_ref_label(r, e, i, rec->val[i], &rec->label[i]);
			if (err == REC_NOTFOUND)
				ferr_add(fe, f->name,
				    _("refers to a record that does not exist"));
			else if (err != REC_OK)
				return err;
		}
	}
	if (fe->n)
		return REC_INVALID;
	if (n == 0)
		return REC_OK;
	/*
	 * Rules see only records that passed the field checks: every rule
	 * file with the entity's hook, on tables built once.
	 */
	if ((v = arena_calloc(r->arena, n, sizeof(*v))) == NULL ||
	    record_rules(r, e, rec, e->d->save_hook, names, n, v) == -1)
		return REC_ERROR;
	for (i = 0; i < n; i++)
		if (v[i].result == RULES_ERROR) {
			*msg = arena_strdup(r->arena, v[i].message);
			return REC_RULE;
		}
	for (i = 0; i < n; i++)
		if (v[i].result == RULES_HOLD || v[i].result == RULES_REJECT)
			ferr_add(fe, v[i].field[0] &&
			    entity_field(e, v[i].field) >= 0 ?
			    arena_strdup(r->arena, v[i].field) : NULL,
			    arena_printf(r->arena, "%s: %s", v[i].rule,
			    i18n_pick(r->arena, v[i].message)));
	return fe->n ? REC_INVALID : REC_OK;
}

/* Bind the field values from ?4 on, typed as the columns are. */
static void
bind_fields(const struct entity *e, struct db_stmt *st,
    const struct record *rec)
{
	const struct kiln_field	*f;
	long long		 v;
	size_t			 i;

	for (i = 0; i < e->d->nfields; i++) {
		f = &e->d->fields[i];
		if (rec->val[i] == NULL)
			db_bind_null(st, (int)i + 4);
		else if (entity_is_numeric(f) &&
		    value_int_parse(rec->val[i], &v) == 0)
			db_bind_int(st, (int)i + 4, v);
		else
			db_bind_text(st, (int)i + 4, rec->val[i]);
	}
}

/*
 * A constraint refused the write.  A unique index: say which field, as
 * a field message (SQLite names it "UNIQUE constraint failed:
 * table.column").  A trigger's RAISE: its message, for the record.
 */
static enum rec_err
duplicate(struct kiln_req *r, const struct entity *e, struct ferrs *fe)
{
	const char	*msg;
	int		 i;

	switch (db_violation(r->app->db, &msg)) {
	case DB_V_RULE:
		/* A plugin's trigger said why, in words meant for people. */
		ferr_add(fe, NULL, _(arena_strdup(r->arena, msg)));
		return REC_CONFLICT;
	case DB_V_UNIQUE:
		if ((i = entity_field(e, msg)) >= 0)
			break;
		return REC_CONFLICT;
	default:
		return REC_CONFLICT;
	}
	ferr_add(fe, e->d->fields[i].name, _("is taken by another record"));
	return REC_INVALID;
}

static enum rec_err
step_result(struct kiln_req *r, const struct entity *e, struct ferrs *fe,
    int rc, const char *what)
{
	enum db_err	 de = db_result(r->app->db, rc, what);

	if (de == DB_CONSTRAINT && fe != NULL)
		return duplicate(r, e, fe);
	return record_db_err(de);
}

enum rec_err
record_db_err(enum db_err de)
{
	switch (de) {
	case DB_OK:
		return REC_OK;
	case DB_NOTFOUND:
		return REC_NOTFOUND;
	case DB_CONSTRAINT:
		return REC_CONFLICT;
	case DB_ERROR:
		return REC_ERROR;
	default:
		return REC_STORAGE;
	}
}

enum rec_err
record_insert(struct kiln_req *r, const struct entity *e,
    struct record *rec, struct ferrs *fe)
{
	struct db_stmt	*st;
	char		 now[24];
	int		 rc;
	enum rec_err	 err;

	if ((st = db_stmt(r->app->db, e->insert)) == NULL)
		return REC_ERROR;
	value_now(now);
	db_bind_text(st, 1, now);
	bind_fields(e, st, rec);
	if ((rc = db_step(st)) == DB_ROW)
		rec->id = db_col_int(st, 0);
	db_done(st);
	if ((err = step_result(r, e, fe, rc, "insert")) != REC_OK)
		return err;
	rec->version = 1;
	rec->created_at = rec->updated_at = arena_strdup(r->arena, now);
	return REC_OK;
}

/* After a write matched no row: tell "gone" from "changed meanwhile". */
static enum rec_err
why_unchanged(struct kiln_req *r, const struct entity *e, long long id)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = db_stmt(r->app->db, e->exists)) == NULL)
		return REC_ERROR;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ROW)
		return REC_STALE;
	return rc == DB_DONE ? REC_NOTFOUND : REC_ERROR;
}

enum rec_err
record_update(struct kiln_req *r, const struct entity *e,
    struct record *rec, long long expected, struct ferrs *fe)
{
	struct db_stmt	*st;
	char		 now[24];
	int		 rc;
	enum rec_err	 err;

	if ((st = db_stmt(r->app->db, e->update)) == NULL)
		return REC_ERROR;
	value_now(now);
	db_bind_text(st, 1, now);
	db_bind_int(st, 2, rec->id);
	db_bind_int(st, 3, expected);
	bind_fields(e, st, rec);
	rc = db_step(st);
	db_done(st);
	if ((err = step_result(r, e, fe, rc, "update")) != REC_OK)
		return err;
	if (db_changes(r->app->db) == 0)
		return why_unchanged(r, e, rec->id);
	rec->version = expected + 1;
	rec->updated_at = arena_strdup(r->arena, now);
	return REC_OK;
}

enum rec_err
record_delete(struct kiln_req *r, const struct entity *e, long long id,
    long long expected, struct ferrs *fe)
{
	struct db_stmt	*st;
	int		 rc;
	enum rec_err	 err;

	if (expected > 0) {
		if ((st = db_stmt(r->app->db, e->exists)) == NULL)
			return REC_ERROR;
		db_bind_int(st, 1, id);
		rc = db_step(st);
		err = rc == DB_ROW ?
		    (db_col_int(st, 0) == expected ? REC_OK :
		    REC_STALE) : rc == DB_DONE ? REC_NOTFOUND : REC_ERROR;
		db_done(st);
		if (err != REC_OK)
			return err;
	}
	if ((st = db_stmt(r->app->db, e->delete)) == NULL)
		return REC_ERROR;
	db_bind_int(st, 1, id);
	rc = db_step(st);
	db_done(st);
	if ((err = step_result(r, e, fe, rc, "delete")) != REC_OK)
		return err;
	return db_changes(r->app->db) ? REC_OK :
	    REC_NOTFOUND;
}
