/*
 * list.c - list queries and their rendering; see list.h.
 *
 * Keyset paging: rows are ordered by (sort column, id) and the cursor
 * carries the last row's pair, so page 1000 costs what page 1 does.
 * The cursor also names its sort, and one built for another sort is
 * refused rather than silently misapplied.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "acl.h"
#include "app.h"
#include "audit.h"
#include "arena.h"
#include "db.h"
#include "entity.h"
#include "i18n.h"
#include "list.h"
#include "log.h"
#include "out.h"
#include "page.h"
#include "record.h"
#include "req.h"
#include "storage.h"
#include "value.h"
#include "view.h"

#define MAX_BINDS	64

struct bind {
	int		 isint;
	long long	 i;
	const char	*s;
};

struct query {
	const struct entity	*e;
	const struct kvlist	*params;	/* q, filters, sort, after, limit */
	int			 sort;		/* field index */
	int			 desc;
	long			 limit;
	const char		*q;
	int			 has_after;	/* a cursor: after= or before= */
	int			 backward;	/* before=: the page before it */
	long long		 after_id;
	const char		*after_val;
	const unsigned char	*need;		/* fields a row must carry */
	const char		*page;		/* a section: its record page */
	const char		*prefix;	/* ... and its parameters' "orders." */
	struct bind		 b[MAX_BINDS];
	int			 nb;
	struct abuf		 sql;
	size_t			 where_start;	/* sql's WHERE ... */
	size_t			 where_end;	/* ... up to ORDER BY */
};

static int
bind_add(struct query *qy, int isint, long long i, const char *s)
{
	if (qy->nb >= MAX_BINDS)
		return -1;
	qy->b[qy->nb].isint = isint;
	qy->b[qy->nb].i = i;
	qy->b[qy->nb].s = s;
	return ++qy->nb;
}

static const char *
cursor_make(struct kiln_req *r, const struct query *qy,
    const struct record *last)
{
	const char	*raw;
	char		*out;
	size_t		 len, olen;

	raw = arena_printf(r->arena, "%s\n%c\n%lld\n%s",
	    qy->e->d->fields[qy->sort].name, qy->desc ? '-' : '+', last->id,
	    last->val[qy->sort] ? last->val[qy->sort] : "");
	if (raw == NULL)
		return NULL;
	len = strlen(raw);
	olen = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if ((out = arena_alloc(r->arena, olen)) == NULL)
		return NULL;
	return sodium_bin2base64(out, olen, (const unsigned char *)raw, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* 0 ok, -1 malformed or made for another sort. */
static int
cursor_read(struct kiln_req *r, struct query *qy, const char *c)
{
	unsigned char	*raw;
	size_t		 len, max;
	char		*s, *p1, *p2, *p3;
	const char	*fname = qy->e->d->fields[qy->sort].name;

	max = strlen(c);
	if (max > 2048 || (raw = arena_alloc(r->arena, max + 1)) == NULL)
		return -1;
	if (sodium_base642bin(raw, max, c, max, NULL, &len, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	raw[len] = '\0';
	s = (char *)raw;
	if (strlen(s) != len || !form_text_ok(s, len))
		return -1;
	if ((p1 = strchr(s, '\n')) == NULL)
		return -1;
	*p1++ = '\0';
	if ((p2 = strchr(p1, '\n')) == NULL)
		return -1;
	*p2++ = '\0';
	if ((p3 = strchr(p2, '\n')) == NULL)
		return -1;
	*p3++ = '\0';
	if (strcmp(s, fname) != 0 || strcmp(p1, qy->desc ? "-" : "+") != 0)
		return -1;
	if (value_int_parse(p2, &qy->after_id) != 0 || qy->after_id < 0)
		return -1;
	qy->after_val = p3;
	qy->has_after = 1;
	return 0;
}

/*
 * An HTML list reads only what it shows, plus the sort field for the
 * cursor; XML and CSV carry every field (NULL: all).
 */
static const unsigned char *
html_columns(struct kiln_req *r, const struct query *qy)
{
	const struct kiln_entity	*d = qy->e->d;
	unsigned char			*need;
	size_t				 i;

	if (r->fmt != FMT_HTML ||
	    (need = arena_calloc(r->arena, d->nfields, 1)) == NULL)
		return NULL;
	for (i = 0; i < d->nfields; i++)
		need[i] = (d->fields[i].flags & KILN_F_LIST) ||
		    (int)i == qy->sort || strcmp(d->fields[i].name, d->title) == 0;
	return need;
}

/* Escape LIKE's wildcards so a search for "50%" means that. */
static const char *
like_pattern(struct kiln_req *r, const char *q)
{
	struct abuf	 b;

	abuf_init(&b, r->arena);
	abuf_add(&b, "%");
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			abuf_add(&b, "\\");
		abuf_addn(&b, q, 1);
	}
	abuf_add(&b, "%");
	return b.s;
}

/* An FTS5 query matching q as one literal phrase. */
static const char *
fts_phrase(struct kiln_req *r, const char *q)
{
	struct abuf	 b;

	abuf_init(&b, r->arena);
	abuf_add(&b, "\"");
	for (; *q; q++)
		abuf_add(&b, *q == '"' ? "\"\"" : (char[]){ *q, '\0' });
	abuf_add(&b, "\"");
	return b.s;
}

/*
 * "Record alias of e matches q": its FTS table (SQLite, three letters
 * or more) or LIKE over its search fields, and for a searched
 * reference the referenced record's own search (orders by their
 * customer's name), one level deep.
 */
static int
search_cond(struct kiln_req *r, struct query *qy, const struct entity *e,
    const char *alias, int depth)
{
	const struct kiln_entity	*d = e->d;
	const struct kiln_field		*f;
	const char			*pat;
	size_t				 i;
	int				 n, first = 1, pg = db_is_pg(r->app->db);
	int				 fts;

	/*
	 * Trigrams need three characters; shorter terms scan.  On
	 * PostgreSQL the trigram index (pg_trgm, named as the FTS table)
	 * serves ILIKE itself; SQLite's LIKE ignores ASCII case already.
	 */
	fts = d->fts != NULL && !pg && value_utf8_len(qy->q) >= 3;
	abuf_add(&qy->sql, "(");
	if (fts) {
		if ((n = bind_add(qy, 0, 0, fts_phrase(r, qy->q))) < 0)
			return -1;
		abuf_addf(&qy->sql, "%s.id IN (SELECT rowid FROM \"%s\""
		    " WHERE \"%s\" MATCH ?%d)", alias, d->fts, d->fts, n);
		first = 0;
	} else {
		if ((pat = like_pattern(r, qy->q)) == NULL ||
		    (n = bind_add(qy, 0, 0, pat)) < 0)
			return -1;
	}
	for (i = 0; i < d->nfields; i++) {
		f = &d->fields[i];
		if (!(f->flags & KILN_F_SEARCH))
			continue;
		if (f->type == KILN_REF) {
			if (depth > 0 || e->refent[i] == NULL)
				continue;
			abuf_addf(&qy->sql, "%s%s.\"%s\" IN (SELECT s.id FROM"
			    " \"%s\" s WHERE ", first ? "" : " OR ", alias,
			    f->name, e->refent[i]->d->plural);
			if (search_cond(r, qy, e->refent[i], "s", depth + 1) ==
			    -1)
				return -1;
			abuf_add(&qy->sql, ")");
		} else if (!fts)
			abuf_addf(&qy->sql, "%s%s.\"%s\" %s ?%d ESCAPE '\\'",
			    first ? "" : " OR ", alias, f->name,
			    pg ? "ILIKE" : "LIKE", n);
		else
			continue;
		first = 0;
	}
	abuf_add(&qy->sql, first ? "FALSE)" : ")");
	return 0;
}

static int
add_search(struct kiln_req *r, struct query *qy)
{
	abuf_add(&qy->sql, " AND ");
	return search_cond(r, qy, qy->e, "t", 0);
}

/*
 * Turn the list's parameters (qy->params: the query string, or a
 * plugin's) into SQL.  Returns 0, or -1 with *msg set to what was wrong
 * (a 400 for the client).
 */
static int
build(struct kiln_req *r, struct query *qy, long long parent_id,
    int parent_field, const char **msg)
{
	const struct kiln_entity	*d = qy->e->d;
	const struct kiln_field		*f;
	const char			*s, *v;
	long long			 x;
	size_t				 i;
	int				 n, m;

	*msg = NULL;
	qy->sort = entity_field(qy->e, d->sort ? d->sort : d->title);
	if (qy->sort < 0)
		qy->sort = 0;
	if ((s = form_get(qy->params, "sort")) != NULL && *s != '\0') {
		qy->desc = *s == '-';
		if (*s == '-' || *s == '+')
			s++;
		n = entity_field(qy->e, s);
		if (n < 0 || !(d->fields[n].flags & KILN_F_SORT)) {
			*msg = _("cannot sort by that");
			return -1;
		}
		qy->sort = n;
	}
	qy->limit = LIST_DEFAULT;
	if (r->fmt == FMT_CSV)
		qy->limit = LIST_CSV_MAX;
	if ((s = form_get(qy->params, "limit")) != NULL && *s != '\0') {
		if (value_int_parse(s, &x) != 0 || x < 1 ||
		    x > (r->fmt == FMT_CSV ? LIST_CSV_MAX : LIST_MAX)) {
			*msg = _("limit must be a number from 1 to 500");
			return -1;
		}
		qy->limit = (long)x;
	}
	if ((s = form_get(qy->params, "after")) != NULL && *s != '\0' &&
	    cursor_read(r, qy, s) == -1) {
		*msg = _("invalid cursor (after=) for this sort");
		return -1;
	}
	/* The page before a cursor: the same cursor, read backwards. */
	if ((v = form_get(qy->params, "before")) != NULL && *v != '\0') {
		if (qy->has_after || cursor_read(r, qy, v) == -1) {
			*msg = _("invalid cursor (before=) for this sort");
			return -1;
		}
		qy->backward = 1;
	}
	qy->need = html_columns(r, qy);
	abuf_init(&qy->sql, r->arena);
	abuf_add(&qy->sql, qy->e->select);
	qy->where_start = qy->sql.n;
	abuf_add(&qy->sql, " WHERE TRUE");
	if (parent_field >= 0) {
		n = bind_add(qy, 1, parent_id, NULL);
		abuf_addf(&qy->sql, " AND t.\"%s\" = ?%d",
		    d->fields[parent_field].name, n);
	}
	for (i = 0; i < d->nfields; i++) {
		f = &d->fields[i];
		if (!(f->flags & KILN_F_FILTER) ||
		    (v = form_get(qy->params, f->name)) == NULL || *v == '\0')
			continue;
		if (entity_is_numeric(f)) {
			if (f->type == KILN_BOOL)
				m = value_bool_parse(v, (int *)&n), x = n;
			else
				m = value_int_parse(v, &x);
			if (m != 0) {
				*msg = arena_printf(r->arena,
				    _("filter %s: not a number"), f->name);
				return -1;
			}
			n = bind_add(qy, 1, x, NULL);
		} else
			n = bind_add(qy, 0, 0, v);
		if (n < 0) {
			*msg = _("too many filters");
			return -1;
		}
		abuf_addf(&qy->sql, " AND t.\"%s\" = ?%d", f->name, n);
	}
	/* What changed since an ERP's last poll (an ISO 8601 UTC time). */
	if ((v = form_get(qy->params, "updated_since")) != NULL && *v != '\0') {
		if (!value_datetime_ok(v) && !value_date_ok(v)) {
			*msg = _("updated_since must be a date or a UTC time like"
			    " 2026-12-31T09:30:00Z");
			return -1;
		}
		if ((n = bind_add(qy, 0, 0, v)) < 0) {
			*msg = _("too many filters");
			return -1;
		}
		abuf_addf(&qy->sql, " AND t.updated_at >= ?%d", n);
	}
	if ((qy->q = form_get(qy->params, "q")) != NULL && *qy->q != '\0') {
		if (value_utf8_len(qy->q) > 200) {
			*msg = _("search text too long");
			return -1;
		}
		if (add_search(r, qy) == -1)
			return -1;
	}
	f = &d->fields[qy->sort];
	if (qy->has_after) {
		if (entity_is_numeric(f)) {
			if (value_int_parse(qy->after_val, &x) != 0) {
				*msg = _("invalid cursor (after=) for this sort");
				return -1;
			}
			n = bind_add(qy, 1, x, NULL);
		} else
			n = bind_add(qy, 0, 0, qy->after_val);
		m = bind_add(qy, 1, qy->after_id, NULL);
		abuf_addf(&qy->sql, " AND (t.\"%s\", t.id) %s (?%d, ?%d)",
		    f->name, qy->desc != qy->backward ? "<" : ">", n, m);
	}
	/*
	 * Last: SQLite numbers a named parameter after every ?N before
	 * it, so :acl_uid must follow the numbered ones.
	 */
	acl_where(r, qy->e, &qy->sql);
	qy->where_end = qy->sql.n;
	abuf_addf(&qy->sql, " ORDER BY t.\"%s\" %s, t.id %s LIMIT %ld",
	    f->name, qy->desc != qy->backward ? "DESC" : "ASC",
	    qy->desc != qy->backward ? "DESC" : "ASC", qy->limit + 1);
	return 0;
}

/*
 * The same list URL with key=val in place of any key=, after= and
 * before= (a new sort or a new page starts a new cursor); val NULL:
 * without key.
 */
static const char *
list_url(struct kiln_req *r, const struct query *qy, const char *key,
    const char *val)
{
	struct abuf	 b;
	size_t		 i, pl;
	const char	*sep = "?", *k, *pre = qy->prefix ? qy->prefix : "";

	pl = strlen(pre);
	abuf_init(&b, r->arena);
	if (qy->page != NULL)
		abuf_add(&b, req_url(r, "%s", qy->page));
	else
		abuf_add(&b, req_url(r, "/%s%s", qy->e->d->plural,
		    r->fmt == FMT_XML ? ".xml" : r->fmt == FMT_CSV ? ".csv" :
		    ""));
	/* The page's other parameters stay: another section's among them. */
	for (i = 0; i < r->query.n; i++) {
		k = r->query.v[i].key;
		if (strncmp(k, pre, pl) == 0 && (strcmp(k + pl, "after") == 0 ||
		    strcmp(k + pl, "before") == 0 || strcmp(k + pl, key) == 0))
			continue;
		if (strcmp(k, "done") == 0)
			continue;	/* said once, not again on every page */
		abuf_addf(&b, "%s%s=%s", sep, req_escape(r, k),
		    req_escape(r, r->query.v[i].val));
		sep = "&";
	}
	if (val != NULL)
		abuf_addf(&b, "%s%s%s=%s", sep, pre, key, req_escape(r, val));
	if (qy->page != NULL)
		abuf_addf(&b, "#sec-%s", qy->e->d->plural);
	return b.s;
}

static void
html_filters(struct kiln_req *r, const struct query *qy)
{
	const struct kiln_entity	*d = qy->e->d;
	const struct kiln_field		*f;
	const char			*cur;
	const char *const		*o;
	size_t				 i;

	out_open(r, "form");
	out_attr(r, "class", "search");
	out_attr(r, "method", "get");
	out_attr(r, "action", req_url(r, "/%s", d->plural));
	out_open(r, "input");
	out_attr(r, "type", "search");
	out_attr(r, "name", "q");
	out_attr(r, "aria-label", _("Search"));
	out_attr(r, "value", qy->q ? qy->q : "");
	out_void(r);
	for (i = 0; i < d->nfields; i++) {
		f = &d->fields[i];
		if (!(f->flags & KILN_F_FILTER) || f->type != KILN_ENUM)
			continue;
		cur = req_query(r, f->name);
		out_open(r, "select");
		out_attr(r, "name", f->name);
		out_attr(r, "aria-label", _(f->label));
		out_open(r, "option");
		out_attr(r, "value", "");
		out_textf(r, "%s: %s", _(f->label), _("all"));
		out_close(r);
		for (o = f->options; *o; o++) {
			out_open(r, "option");
			out_attr(r, "value", *o);
			if (cur && strcmp(cur, *o) == 0)
				out_attr(r, "selected", "selected");
			out_text(r, view_enum_label(r, *o));
			out_close(r);
		}
		out_close(r);
	}
	page_button(r, _("Search"), NULL);
	out_close(r);
}

static void
html_head_row(struct kiln_req *r, const struct query *qy)
{
	const struct kiln_entity	*d = qy->e->d;
	const struct kiln_field		*f;
	size_t				 i;
	int				 cur;

	out_open(r, "thead");
	out_open(r, "tr");
	for (i = 0; i < d->nfields; i++) {
		f = &d->fields[i];
		if (!(f->flags & KILN_F_LIST))
			continue;
		out_open(r, "th");
		out_attr(r, "scope", "col");
		if (f->flags & KILN_F_SORT) {
			cur = (int)i == qy->sort;
			page_link(r, list_url(r, qy, "sort", arena_printf(
			    r->arena, "%s%s", cur && !qy->desc ? "-" : "",
			    f->name)),
			    arena_printf(r->arena, "%s%s", _(f->label),
			    cur ? (qy->desc ? " \u25bc" : " \u25b2") : ""));
		} else
			out_text(r, _(f->label));
		out_close(r);
	}
	out_close(r);
	out_close(r);
}

static void
html_row(struct kiln_req *r, const struct entity *e,
    const struct record *rec)
{
	const struct kiln_field	*f;
	size_t			 i;

	out_open(r, "tr");
	for (i = 0; i < e->d->nfields; i++) {
		f = &e->d->fields[i];
		if (!(f->flags & KILN_F_LIST))
			continue;
		out_open(r, "td");
		if (f->type == KILN_MONEY)
			out_attr(r, "class", "num");
		if (strcmp(f->name, e->d->title) == 0)
			page_link(r, view_record_url(r, e, rec->id),
			    view_text(r, e, rec, i));
		else if (f->type == KILN_REF && rec->val[i] != NULL &&
		    e->refent[i] != NULL)
			page_link(r, view_record_url(r, e->refent[i],
			    strtoll(rec->val[i], NULL, 10)),
			    view_text(r, e, rec, i));
		else
			out_text(r, view_text(r, e, rec, i));
		out_close(r);	/* full end tag even when empty */
	}
	out_close(r);
}

/* n rows as a table, or a line saying there are none. */
static void
html_table(struct kiln_req *r, const struct query *qy,
    const struct record *rows, long n, const char *none)
{
	long	 i;

	if (n == 0) {
		page_empty(r, none);
		return;
	}
	out_open(r, "table");
	out_attr(r, "class", "list");
	html_head_row(r, qy);
	out_open(r, "tbody");
	for (i = 0; i < n; i++)
		html_row(r, qy->e, &rows[i]);
	out_close(r);
	out_close(r);
}

static void
csv_head(struct abuf *b, const struct entity *e)
{
	size_t	 i;

	view_csv_cell(b, "id", 0);
	view_csv_cell(b, "version", 0);
	for (i = 0; i < e->d->nfields; i++)
		view_csv_cell(b, e->d->fields[i].name, 0);
	view_csv_cell(b, "updated_at", 1);
}

static void
csv_row(struct kiln_req *r, struct abuf *b, const struct entity *e,
    const struct record *rec)
{
	size_t	 i;

	view_csv_cell(b, arena_printf(r->arena, "%lld", rec->id), 0);
	view_csv_cell(b, arena_printf(r->arena, "%lld", rec->version), 0);
	/* CSV round-trips: ids for refs, plain values for the rest. */
	for (i = 0; i < e->d->nfields; i++)
		view_csv_cell(b, view_plain(r, e, rec, i), 0);
	view_csv_cell(b, rec->updated_at, 1);
}

/* The list's values (and the ACL's) bound to st, its SQL or a count's. */
static void
bind_query(struct kiln_req *r, const struct query *qy, struct db_stmt *st)
{
	int	 i;

	acl_bind(r, st);
	for (i = 0; i < qy->nb; i++) {
		if (qy->b[i].isint)
			db_bind_int(st, i + 1, qy->b[i].i);
		else
			db_bind_text(st, i + 1, qy->b[i].s);
	}
}

static int
run(struct kiln_req *r, struct query *qy, struct db_stmt **out)
{
	struct db_stmt	*st;

	if ((st = db_stmt(r->app->db, qy->sql.s)) == NULL)
		return -1;
	bind_query(r, qy, st);
	*out = st;
	return 0;
}

/*
 * Read the page's rows (limit + 1, to learn whether more remain).
 * Returns the number read, or -1 (logged) with *fault set: what the
 * database said, or DB_ERROR.
 */
static long
fetch(struct kiln_req *r, struct query *qy, struct record **rows,
    enum db_err *fault)
{
	struct db_stmt	*st;
	long		 n = 0, cap = 64;
	struct record	*v, *nv;
	int		 rc;

	*fault = DB_ERROR;
	if (run(r, qy, &st) == -1)
		return -1;
	if ((v = arena_calloc(r->arena, (size_t)cap, sizeof(*v))) == NULL)
		goto fail;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap *= 2;
			if ((nv = arena_calloc(r->arena, (size_t)cap,
			    sizeof(*nv))) == NULL)
				goto fail;
			memcpy(nv, v, (size_t)n * sizeof(*nv));
			v = nv;
		}
		record_row_some(r, qy->e, st, &v[n++], qy->need);
	}
	if (rc != DB_DONE) {
		*fault = db_result(r->app->db, rc, "list");
		goto fail;
	}
	db_done(st);
	*rows = v;
	return n;
fail:
	db_done(st);
	return -1;
}

/* Counted up to this many; past it the page says "more than". */
#define LIST_COUNT_MAX	1000

/*
 * How many records the list holds, on its first page: the list's own
 * conditions (they name only the table: the label joins are left out)
 * over at most LIST_COUNT_MAX + 1 rows, a few hundred microseconds at
 * millions of rows.  -1 when it cannot tell.
 */
static long
count_rows(struct kiln_req *r, struct query *qy)
{
	struct db_stmt	*st;
	struct abuf	 sql;
	long		 n = -1;

	abuf_init(&sql, r->arena);
	abuf_addf(&sql, "SELECT count(*) FROM (SELECT 1 FROM \"%s\" t",
	    qy->e->d->plural);
	abuf_addn(&sql, qy->sql.s + qy->where_start,
	    qy->where_end - qy->where_start);
	abuf_addf(&sql, " LIMIT %d) AS page", LIST_COUNT_MAX + 1);
	if ((st = db_stmt(r->app->db, sql.s)) == NULL)
		return -1;
	bind_query(r, qy, st);
	if (db_step(st) == DB_ROW)
		n = (long)db_col_int(st, 0);
	db_done(st);
	return n;
}

/* "1,234 in all", "More than 10,000", or nothing. */
static void
html_count(struct kiln_req *r, struct query *qy, long n, const char *next,
    const char *prev)
{
	char				 num[MONEY_BUFSZ], *dot;
	long				 total;

	if (prev != NULL)
		return;		/* a later page: the first one said it */
	total = next == NULL ? n : count_rows(r, qy);
	if (total < 0)
		return;
	/* Grouped like money, without the cents. */
	value_money_grouped((long long)(total > LIST_COUNT_MAX ?
	    LIST_COUNT_MAX : total) * 100, num);
	if ((dot = strchr(num, '.')) != NULL)
		*dot = '\0';
	out_open(r, "p");
	out_attr(r, "class", "count");
	out_textf(r, total > LIST_COUNT_MAX ? _("More than %s") :
	    _("%s in all"), num);
	out_close(r);
}

static int
render_html(struct kiln_req *r, struct query *qy,
    const struct record *rows, long n, const char *next, const char *prev)
{
	const struct kiln_entity	*d = qy->e->d;

	if (page_begin(r, 200, _(d->label_plural)) == -1)
		return -1;
	out_open(r, "div");
	out_attr(r, "class", "title");
	out_elem(r, "h1", _(d->label_plural));
	if (acl_write(r, qy->e) != ACL_NONE) {
		out_open(r, "a");
		out_attr(r, "class", "button");
		out_attr(r, "href", req_url(r, "/%s/new", d->plural));
		out_textf(r, _("New %s"), _(d->label));
		out_close(r);
	}
	out_close(r);
	html_filters(r, qy);
	if (n > 0)
		html_count(r, qy, n, next, prev);
	html_table(r, qy, rows, n, _("Nothing found."));
	/* An empty search says how to get back to everything. */
	if (n == 0 && r->query.n > 0) {
		out_open(r, "p");
		out_attr(r, "class", "reset");
		page_link(r, req_url(r, "/%s", d->plural), _("Show all"));
		out_close(r);
	}
	out_open(r, "p");
	out_attr(r, "class", "pager");
	out_open(r, "a");
	out_attr(r, "href", req_url(r, "/%s.csv", d->plural));
	out_text(r, _("Export CSV"));
	out_close(r);
	/* Keyset pages: back to the first, and the one before. */
	if (prev != NULL) {
		out_text(r, " ");
		out_open(r, "a");
		out_attr(r, "rel", "first");
		out_attr(r, "href", list_url(r, qy, "after", NULL));
		out_text(r, _("First page"));
		out_close(r);
		out_text(r, " ");
		out_open(r, "a");
		out_attr(r, "rel", "prev");
		out_attr(r, "href", prev);
		out_text(r, _("Previous page"));
		out_close(r);
	}
	if (next != NULL) {
		out_text(r, " ");
		out_open(r, "a");
		out_attr(r, "rel", "next");
		out_attr(r, "href", next);
		out_text(r, _("Next page"));
		out_close(r);
	}
	out_close(r);
	return page_end(r);
}

int
list_handle(struct kiln_req *r, const struct entity *e)
{
	struct query	*qy;
	struct record	*rows;
	struct abuf	 csv;
	const char	*msg, *next = NULL, *prev = NULL;
	struct record	 t;
	long		 n, i;
	int		 more;
	enum db_err	 fault;

	if ((qy = arena_calloc(r->arena, 1, sizeof(*qy))) == NULL)
		return page_error(r, ERR_INTERNAL, _("out of memory"), NULL);
	qy->e = e;
	qy->params = &r->query;
	if (build(r, qy, 0, -1, &msg) == -1)
		return page_error(r, ERR_BAD_REQUEST,
		    msg ? msg : _("bad list request"), NULL);
	if ((n = fetch(r, qy, &rows, &fault)) < 0)
		return storage_answer(r, fault);
	if ((more = n > qy->limit))
		n = qy->limit;
	/* Read backwards from a before= cursor: turned round to show. */
	for (i = 0; qy->backward && i < n / 2; i++) {
		t = rows[i];
		rows[i] = rows[n - 1 - i];
		rows[n - 1 - i] = t;
	}
	/* Forwards, more means a next page; backwards, a previous one. */
	if (n > 0 && (qy->backward || more))
		next = list_url(r, qy, "after",
		    cursor_make(r, qy, &rows[n - 1]));
	if (n > 0 && (qy->backward ? more : qy->has_after))
		prev = list_url(r, qy, "before", cursor_make(r, qy, &rows[0]));
	switch (r->fmt) {
	case FMT_XML:
		if (out_xml_begin(r, 200, e->d->plural) == -1)
			return -1;
		if (next != NULL)
			out_attr(r, "next", next);
		for (i = 0; i < n; i++)
			view_xml_record(r, e, &rows[i]);
		return out_finish(r);
	case FMT_CSV:
		/* An export is an event: who took which customers, and when. */
		if (audit_event(r, "export", e->d->name, 0, arena_printf(
		    r->arena, "%ld rows: %s", n, req_env(r, "QUERY_STRING"))) ==
		    -1)
			return storage_answer(r, db_fault(r->app->db));
		abuf_init(&csv, r->arena);
		csv_head(&csv, e);
		for (i = 0; i < n; i++)
			csv_row(r, &csv, e, &rows[i]);
		if (out_begin_raw(r, 200, "text/csv; charset=utf-8") == -1)
			return -1;
		out_header(r, "Content-Disposition", arena_printf(r->arena,
		    "attachment; filename=\"%s.csv\"", e->d->plural));
		if (next != NULL)
			out_header(r, "Link", arena_printf(r->arena,
			    "<%s>; rel=\"next\"", next));
		out_raw(r, csv.s, csv.n);
		return out_finish(r);
	default:
		return render_html(r, qy, rows, n, next, prev);
	}
}

/* A section's sort and cursor: the page's "orders.sort=" as "sort=". */
static const struct kvlist *
section_params(struct kiln_req *r, const char *prefix)
{
	static const char *const keys[] = {
		"sort", "after", "before", "limit"
	};
	struct kvlist	*l;
	const char	*v;
	size_t		 k;

	if ((l = arena_calloc(r->arena, 1, sizeof(*l))) == NULL)
		return NULL;
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if ((v = req_query(r, arena_printf(r->arena, "%s%s", prefix,
		    keys[k]))) != NULL && form_add(r->arena, l, keys[k], v) != 0)
			return NULL;
	return l;
}

int
list_related(struct kiln_req *r, const char *entity, const char *field,
    long long id, int writable)
{
	static const struct kvlist	 none = { NULL, 0, 0 };
	const struct entity		*e;
	const struct kvlist		*sp;
	struct query			*qy;
	struct record			*rows, t;
	const char			*msg;
	long				 n, i;
	int				 pf, more;
	enum db_err			 fault;

	if ((e = entity_by_name(r->app, entity)) == NULL ||
	    (pf = entity_field(e, field)) < 0)
		return 0;
	/* Nothing to show to someone who may read none of them. */
	if (acl_read(r, e) == ACL_NONE)
		return 0;
	if ((qy = arena_calloc(r->arena, 1, sizeof(*qy))) == NULL)
		return -1;
	qy->e = e;
	qy->page = r->path;
	qy->prefix = arena_printf(r->arena, "%s.", e->d->plural);
	/* Its own sort and pages, in the page's query as "orders.sort=". */
	if ((sp = section_params(r, qy->prefix)) == NULL)
		sp = &none;
	qy->params = sp;
	if (build(r, qy, id, pf, &msg) == -1) {
		/* A bad cursor or sort of its own: the section from the top. */
		memset(qy, 0, sizeof(*qy));
		qy->e = e;
		qy->page = r->path;
		qy->prefix = arena_printf(r->arena, "%s.", e->d->plural);
		qy->params = &none;
		if (build(r, qy, id, pf, &msg) == -1)
			return -1;
	}
	if ((n = fetch(r, qy, &rows, &fault)) < 0)
		return -1;
	out_open(r, "section");
	out_attr(r, "class", "children");
	out_attr(r, "id", arena_printf(r->arena, "sec-%s", e->d->plural));
	out_open(r, "div");
	out_attr(r, "class", "title");
	out_elem(r, "h2", _(e->d->label_plural));
	if (writable && acl_write(r, e) != ACL_NONE) {
		out_open(r, "a");
		out_attr(r, "class", "button");
		out_attr(r, "href", req_url(r, "/%s/new?%s=%lld",
		    e->d->plural, field, id));
		out_textf(r, _("New %s"), _(e->d->label));
		out_close(r);
	}
	out_close(r);
	more = n > qy->limit;
	if (more)
		n = qy->limit;
	for (i = 0; qy->backward && i < n / 2; i++) {
		t = rows[i];
		rows[i] = rows[n - 1 - i];
		rows[n - 1 - i] = t;
	}
	html_table(r, qy, rows, n, _("None yet."));
	if (!more && !qy->has_after) {
		out_close(r);
		return 0;
	}
	out_open(r, "p");
	out_attr(r, "class", "pager");
	/* Its pages on this page; all of them in the entity's own list. */
	if (n > 0 && (qy->backward ? more : qy->has_after)) {
		out_open(r, "a");
		out_attr(r, "rel", "prev");
		out_attr(r, "href", list_url(r, qy, "before",
		    cursor_make(r, qy, &rows[0])));
		out_text(r, _("Previous page"));
		out_close(r);
		out_text(r, " ");
	}
	if (n > 0 && (qy->backward || more)) {
		out_open(r, "a");
		out_attr(r, "rel", "next");
		out_attr(r, "href", list_url(r, qy, "after",
		    cursor_make(r, qy, &rows[n - 1])));
		out_text(r, _("Next page"));
		out_close(r);
		out_text(r, " ");
	}
	page_link(r, req_url(r, "/%s?%s=%lld", e->d->plural, field, id),
	    _("All of them"));
	out_close(r);
	out_close(r);
	return 0;
}

int
list_children(struct kiln_req *r, const struct entity *parent,
    long long id, int writable)
{
	const struct kiln_child		*c;

	for (c = parent->d->children; c != NULL && c->entity; c++)
		if (list_related(r, c->entity, c->field, id, writable) == -1)
			return -1;
	return 0;
}

long
list_rows(struct kiln_req *r, const struct entity *e,
    const struct kvlist *params, struct record **rows, const char **next,
    const char **msg)
{
	struct query	*qy;
	enum db_err	 fault;
	long		 n;

	*next = NULL;
	*msg = NULL;
	if ((qy = arena_calloc(r->arena, 1, sizeof(*qy))) == NULL)
		return -1;
	qy->e = e;
	qy->params = params;
	if (build(r, qy, 0, -1, msg) == -1)
		return -1;
	if (qy->backward) {	/* pages are the browser's: after= only */
		*msg = _("invalid cursor (before=) for this sort");
		return -1;
	}
	qy->need = NULL;	/* every field, whatever the request's format */
	if ((n = fetch(r, qy, rows, &fault)) < 0)
		return -1;
	if (n > qy->limit) {
		n = qy->limit;
		*next = cursor_make(r, qy, &(*rows)[n - 1]);
	}
	return n;
}
