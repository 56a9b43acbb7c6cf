/*
 * audit.c - the audit trail; see audit.h.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "acl.h"
#include "app.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "entity.h"
#include "i18n.h"
#include "log.h"
#include "out.h"
#include "page.h"
#include "proxy.h"
#include "req.h"
#include "user.h"
#include "value.h"
#include "view.h"

#define AUDIT_PAGE	100
#define CHANGES_DEFAULT	100
#define CHANGES_MAX	1000

/* One row of audit; returns its id, or -1. */
static long long
insert(struct db *db, long long uid, const char *login, const char *ip,
    const char *action, const char *entity, long long record,
    const char *detail)
{
	sqlite3_stmt	*st;
	char		 now[24];
	int		 rc;

	if ((st = db_stmt(db, "INSERT INTO audit (at, user_id, login, ip,"
	    " action, entity, record_id, detail) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")) == NULL)
		return -1;
	db_bind_text(st, 1, value_now(now));
	if (uid > 0)
		sqlite3_bind_int64(st, 2, uid);
	db_bind_text(st, 3, login);
	db_bind_text(st, 4, ip);
	db_bind_text(st, 5, action);
	db_bind_text(st, 6, entity);
	if (record > 0)
		sqlite3_bind_int64(st, 7, record);
	db_bind_text(st, 8, detail);
	rc = sqlite3_step(st);
	db_done(st);
	if (db_result(db, rc, "audit") != DB_OK)
		return -1;
	return sqlite3_last_insert_rowid(db_handle(db));
}

static long long
insert_req(struct kiln_req *r, const char *action, const char *entity,
    long long record, const char *detail)
{
	/*
	 * A request without a transport is a command's (demo-data), or a
	 * plugin job's, which acts under its own name.
	 */
	return insert(r->app->db, r->user ? r->user->id : 0,
	    r->user ? r->user->login : r->job != NULL ? r->job :
	    r->io == NULL ? "cli" : "",
	    r->io ? proxy_client(r) : "", action, entity, record,
	    detail);
}

static int
change(struct db *db, long long aid, const char *field, const char *old,
    const char *new)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, "INSERT INTO audit_changes (audit_id, field,"
	    " old, new) VALUES (?1, ?2, ?3, ?4)")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, aid);
	db_bind_text(st, 2, field);
	if (old != NULL)
		sqlite3_bind_text(st, 3, old, -1, SQLITE_STATIC);
	if (new != NULL)
		sqlite3_bind_text(st, 4, new, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	db_done(st);
	return db_result(db, rc, "audit change") == DB_OK ? 0 : -1;
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL || *a == '\0') && (b == NULL || *b == '\0');
	return strcmp(a, b) == 0;
}

int
audit_record(struct kiln_req *r, const char *action, const struct entity *e,
    const struct record *old, const struct record *new)
{
	const char	*ov, *nv;
	long long	 aid;
	size_t		 i;

	aid = insert_req(r, action, e->d->name, new ? new->id : old->id, "");
	if (aid < 0)
		return -1;
	for (i = 0; i < e->d->nfields; i++) {
		ov = old ? old->val[i] : NULL;
		nv = new ? new->val[i] : NULL;
		if (same(ov, nv))
			continue;
		if (change(r->app->db, aid, e->d->fields[i].name, ov, nv) == -1)
			return -1;
	}
	return 0;
}

int
audit_event(struct kiln_req *r, const char *action, const char *entity,
    long long id, const char *detail)
{
	return insert_req(r, action, entity, id, detail) < 0 ? -1 : 0;
}

int
audit_cli(struct db *db, const char *action, const char *entity,
    long long id, const char *detail)
{
	return insert(db, 0, "cli", "", action, entity, id, detail) < 0 ?
	    -1 : 0;
}

/* BLAKE2b of a file as 32 hex digits into hex[33]; -1 if unreadable. */
static int
file_hash(const char *path, char hex[33])
{
	crypto_generichash_state	 h;
	unsigned char			 buf[8192], out[16];
	FILE				*f;
	size_t				 n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	crypto_generichash_init(&h, NULL, 0, sizeof(out));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_generichash_update(&h, buf, n);
	fclose(f);
	crypto_generichash_final(&h, out, sizeof(out));
	sodium_bin2hex(hex, 33, out, sizeof(out));
	return 0;
}

static int
rule_name_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (n < 5 || strcmp(s + n - 4, ".lua") != 0)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n - 4;
}

/* Record one file's hash; audit when it differs from the last one seen. */
static int
rule_seen(struct db *db, struct arena *a, const char *name, const char *hash)
{
	sqlite3_stmt	*st;
	const char	*old = NULL;
	char		 now[24];
	int		 rc;

	if ((st = db_stmt(db, "SELECT hash FROM rule_files WHERE name = ?1"))
	    == NULL)
		return -1;
	db_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW)
		old = arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
	db_done(st);
	if (old != NULL && strcmp(old, hash) == 0)
		return 0;
	if ((st = db_stmt(db, "INSERT OR REPLACE INTO rule_files (name, hash,"
	    " seen_at) VALUES (?1, ?2, ?3)")) == NULL)
		return -1;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, value_now(now));
	rc = sqlite3_step(st);
	db_done(st);
	if (db_result(db, rc, "rule_files") != DB_OK)
		return -1;
	return insert(db, 0, "system", "", "rules", "rule", 0,
	    arena_printf(a, "%s %s (blake2b %.12s)", name, old ? "changed" :
	    "added", hash)) < 0 ? -1 : 0;
}

/* Forget, and audit, files that were seen before and are gone now. */
static int
rules_gone(struct app *app, struct arena *a)
{
	sqlite3_stmt	*st;
	const char	*names[256];
	char		 path[4096];
	int		 n = 0, i, rc = 0;

	if ((st = db_stmt(app->db, "SELECT name FROM rule_files LIMIT 256"))
	    == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(path, sizeof(path), "%s/%s", app->conf.rules,
		    sqlite3_column_text(st, 0));
		if (access(path, R_OK) != 0)
			names[n++] = arena_strdup(a,
			    (const char *)sqlite3_column_text(st, 0));
	}
	db_done(st);
	for (i = 0; i < n && rc == 0; i++) {
		if ((st = db_stmt(app->db, "DELETE FROM rule_files"
		    " WHERE name = ?1")) == NULL)
			return -1;
		db_bind_text(st, 1, names[i]);
		rc = db_result(app->db, sqlite3_step(st), "rule_files") ==
		    DB_OK ? 0 : -1;
		db_done(st);
		if (rc == 0 && insert(app->db, 0, "system", "", "rules", "rule",
		    0, arena_printf(a, "%s removed", names[i])) < 0)
			rc = -1;
	}
	return rc;
}

int
audit_rules(struct app *app)
{
	struct dirent	**ents = NULL;
	struct arena	*a;
	char		 path[4096], hex[33];
	int		 n, i, rc = 0;

	if ((n = scandir(app->conf.rules, &ents, NULL, alphasort)) < 0)
		return -1;
	if ((a = arena_new(4096)) == NULL || db_begin(app->db) != DB_OK) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (!rule_name_ok(ents[i]->d_name) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s",
		    app->conf.rules, ents[i]->d_name) >= sizeof(path) ||
		    file_hash(path, hex) == -1)
			continue;
		rc = rule_seen(app->db, a, ents[i]->d_name, hex);
	}
	if (rc == 0)
		rc = rules_gone(app, a);
	if (rc == 0 && db_commit(app->db) != DB_OK)
		rc = -1;
	if (rc != 0)
		db_rollback(app->db);
out:
	arena_free(a);
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return rc;
}

/* A stored value as the field shows it (money as 1234.50...). */
static const char *
shown(struct kiln_req *r, const struct entity *e, const char *field,
    const char *v)
{
	struct record	 rec;
	int		 i;

	if (v == NULL || e == NULL || (i = entity_field(e, field)) < 0 ||
	    e->d->fields[i].type == KILN_REF)
		return v ? v : "";
	/* view_text reads the field's value from a record: lend it one. */
	rec.val = arena_calloc(r->arena, e->d->nfields, sizeof(char *));
	rec.label = arena_calloc(r->arena, e->d->nfields, sizeof(char *));
	if (rec.val == NULL || rec.label == NULL)
		return v;
	rec.val[i] = v;
	return view_text(r, e, &rec, (size_t)i);
}

/* Rows of audit (joined with their changes) as an HTML table body. */
static void
html_rows(struct kiln_req *r, sqlite3_stmt *st, long long *last, int *n)
{
	const struct entity	*e = NULL;
	long long		 id, prev = 0;
	const char		*field;

	*n = 0;
	do {	/* the caller stepped onto the first row */
		id = sqlite3_column_int64(st, 0);
		if (id != prev) {
			if (prev != 0) {
				out_close(r);	/* ul */
				out_close(r);	/* td */
				out_close(r);	/* tr */
			}
			if (*n == AUDIT_PAGE) {
				*last = prev;
				return;
			}
			(*n)++;
			prev = id;
			e = entity_by_name(r->app,
			    (const char *)sqlite3_column_text(st, 5));
			out_open(r, "tr");
			out_elem(r, "td", (const char *)sqlite3_column_text(st, 1));
			out_elem(r, "td", (const char *)sqlite3_column_text(st, 2));
			out_elem(r, "td", (const char *)sqlite3_column_text(st, 3));
			out_elem(r, "td", _((const char *)sqlite3_column_text(st, 4)));
			out_open(r, "td");
			if (e != NULL && sqlite3_column_type(st, 6) != SQLITE_NULL)
				page_link(r, view_record_url(r, e,
				    sqlite3_column_int64(st, 6)),
				    arena_printf(r->arena, "%s %lld",
				    _(e->d->label), sqlite3_column_int64(st, 6)));
			else
				out_text(r, (const char *)sqlite3_column_text(st, 5));
			out_close(r);
			out_open(r, "td");
			out_text(r, (const char *)sqlite3_column_text(st, 7));
			out_open(r, "ul");
			out_attr(r, "class", "changes");
		}
		if (sqlite3_column_type(st, 8) == SQLITE_NULL)
			continue;
		field = (const char *)sqlite3_column_text(st, 8);
		out_open(r, "li");
		out_open(r, "b");
		out_text(r, field);
		out_close(r);
		out_text(r, ": ");
		/* A create has no old value to strike out. */
		if (sqlite3_column_type(st, 9) != SQLITE_NULL &&
		    sqlite3_column_bytes(st, 9) > 0) {
			out_open(r, "del");
			out_text(r, shown(r, e, field,
			    (const char *)sqlite3_column_text(st, 9)));
			out_close(r);
			out_text(r, " \u2192 ");
		}
		out_open(r, "ins");
		out_text(r, shown(r, e, field,
		    (const char *)sqlite3_column_text(st, 10)));
		out_close(r);
		out_close(r);
	} while (sqlite3_step(st) == SQLITE_ROW);
	if (prev != 0) {
		out_close(r);
		out_close(r);
		out_close(r);
	}
	*last = 0;
}

#define AUDIT_COLS "a.id, a.at, a.login, a.ip, a.action, a.entity," \
	" a.record_id, a.detail, c.field, c.old, c.new"

static const char *const audit_cols[] = {
	N_("When"), N_("Who"), N_("From"), N_("What"), N_("Record"),
	N_("Details")
};

static void
table_head(struct kiln_req *r)
{
	page_thead(r, audit_cols, sizeof(audit_cols) / sizeof(audit_cols[0]));
}

/*
 * The rows of st as a table, or a line saying there are none (an
 * empty table is no use to anyone).  *last: see html_rows.
 */
static void
audit_table(struct kiln_req *r, sqlite3_stmt *st, const char *none,
    long long *last)
{
	int	 n;

	*last = 0;
	if (sqlite3_step(st) != SQLITE_ROW) {
		out_open(r, "p");
		out_attr(r, "class", "empty");
		out_text(r, none);
		out_close(r);
		return;
	}
	out_open(r, "table");
	out_attr(r, "class", "list audit");
	table_head(r);
	out_open(r, "tbody");
	html_rows(r, st, last, &n);
	out_close(r);
	out_close(r);
}

void
audit_history(struct kiln_req *r, const struct entity *e, long long id)
{
	sqlite3_stmt	*st;
	long long	 last;

	if ((st = db_stmt(r->app->db, "SELECT " AUDIT_COLS " FROM audit a"
	    " LEFT JOIN audit_changes c ON c.audit_id = a.id"
	    " WHERE a.entity = ?1 AND a.record_id = ?2 AND a.id >"
	    " coalesce((SELECT max(id) FROM audit WHERE entity = ?1"
	    " AND record_id = ?2 AND action = 'delete'), 0)"
	    " ORDER BY a.id DESC, c.rowid LIMIT 2000")) == NULL)
		return;
	sqlite3_bind_text(st, 1, e->d->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	out_open(r, "section");
	out_attr(r, "class", "history");
	out_elem(r, "h2", _("History"));
	audit_table(r, st, _("No changes recorded."), &last);
	out_close(r);
	db_done(st);
}

/* Filters of /audit: each a column, compared for equality. */
static const struct {
	const char	*param;
	const char	*column;
	int		 numeric;
	const char	*label;
} filters[] = {
	{ "login", "a.login", 0, N_("User") },
	{ "action", "a.action", 0, N_("Action") },
	{ "entity", "a.entity", 0, N_("Record type") },
	{ "record", "a.record_id", 1, N_("Record id") },
};

static void
filter_form(struct kiln_req *r)
{
	size_t	 i;
	const char *v;

	out_open(r, "form");
	out_attr(r, "class", "search");
	out_attr(r, "method", "get");
	out_attr(r, "action", req_url(r, "/audit"));
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		v = req_query(r, filters[i].param);
		out_open(r, "input");
		out_attr(r, "name", filters[i].param);
		out_attr(r, "placeholder", _(filters[i].label));
		out_attr(r, "aria-label", _(filters[i].label));
		out_attr(r, "value", v ? v : "");
		out_void(r);
	}
	page_button(r, _("Search"), NULL);
	out_close(r);
}

int
audit_page(struct kiln_req *r)
{
	struct abuf	 sql, next;
	sqlite3_stmt	*st;
	const char	*v;
	long long	 x, before = 0, last;
	size_t		 i;
	int		 nb = 0, idx[8];

	if (r->user == NULL || strcmp(r->user->role, "admin") != 0)
		return page_error(r, ERR_FORBIDDEN,
		    _("Only administrators may read the audit trail."), NULL);
	if (r->method != M_GET && r->method != M_HEAD)
		return page_error(r, ERR_METHOD,
		    _("That method is not allowed here."), NULL);
	if ((v = req_query(r, "before")) != NULL && *v != '\0' &&
	    (value_int_parse(v, &before) != 0 || before < 1))
		return page_error(r, ERR_BAD_REQUEST,
		    _("before must be an audit entry id"), NULL);
	abuf_init(&sql, r->arena);
	abuf_add(&sql, "SELECT " AUDIT_COLS " FROM audit a LEFT JOIN"
	    " audit_changes c ON c.audit_id = a.id WHERE a.id IN (SELECT a.id"
	    " FROM audit a WHERE 1");
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		if ((v = req_query(r, filters[i].param)) == NULL || *v == '\0')
			continue;
		if (filters[i].numeric && value_int_parse(v, &x) != 0)
			return page_error(r, ERR_BAD_REQUEST,
			    arena_printf(r->arena, _("filter %s: not a number"),
			    filters[i].param), NULL);
		idx[nb++] = (int)i;
		abuf_addf(&sql, " AND %s = ?%d", filters[i].column, nb);
	}
	if (before > 0)
		abuf_addf(&sql, " AND a.id < ?%d", nb + 1);
	abuf_addf(&sql, " ORDER BY a.id DESC LIMIT %d)"
	    " ORDER BY a.id DESC, c.rowid", AUDIT_PAGE + 1);
	if ((st = db_stmt(r->app->db, sql.s)) == NULL)
		return page_error(r, ERR_INTERNAL, _("Internal error."),
		    NULL);
	for (i = 0; i < (size_t)nb; i++) {
		v = req_query(r, filters[idx[i]].param);
		if (filters[idx[i]].numeric) {
			value_int_parse(v, &x);
			sqlite3_bind_int64(st, (int)i + 1, x);
		} else
			sqlite3_bind_text(st, (int)i + 1, v, -1, SQLITE_STATIC);
	}
	if (before > 0)
		sqlite3_bind_int64(st, nb + 1, before);
	if (page_begin(r, 200, _("Audit trail")) == -1) {
		db_done(st);
		return -1;
	}
	out_elem(r, "h1", _("Audit trail"));
	filter_form(r);
	audit_table(r, st, _("Nothing found."), &last);
	db_done(st);
	if (last > 0) {
		abuf_init(&next, r->arena);
		abuf_add(&next, req_url(r, "/audit?"));
		for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
			if ((v = req_query(r, filters[i].param)) != NULL &&
			    *v != '\0')
				abuf_addf(&next, "%s=%s&", filters[i].param,
				    req_escape(r, v));
		abuf_addf(&next, "before=%lld", last);
		out_open(r, "p");
		out_attr(r, "class", "pager");
		out_open(r, "a");
		out_attr(r, "rel", "next");
		out_attr(r, "href", next.s);
		out_text(r, _("Next page"));
		out_close(r);
		out_close(r);
	}
	return page_end(r);
}

struct change {
	long long	 seq;
	long long	 id;
	const char	*at;
	const char	*by;
	const char	*action;
	const struct entity *e;
};

/* One <change> with the names of the fields it touched. */
static void
change_xml(struct kiln_req *r, const struct change *c)
{
	sqlite3_stmt	*fs;

	out_open(r, "change");
	out_attrf(r, "seq", "%lld", c->seq);
	out_attr(r, "at", c->at);
	out_attr(r, "action", c->action);
	out_attr(r, "entity", c->e->d->name);
	out_attrf(r, "id", "%lld", c->id);
	out_attr(r, "href", view_record_url(r, c->e, c->id));
	out_attr(r, "by", c->by);
	if ((fs = db_stmt(r->app->db, "SELECT field FROM audit_changes"
	    " WHERE audit_id = ?1 ORDER BY rowid")) != NULL) {
		sqlite3_bind_int64(fs, 1, c->seq);
		while (sqlite3_step(fs) == SQLITE_ROW) {
			out_open(r, "field");
			out_attr(r, "name",
			    (const char *)sqlite3_column_text(fs, 0));
			out_void(r);
		}
		db_done(fs);
	}
	out_close(r);
}

int
audit_changes(struct kiln_req *r)
{
	struct abuf	 sql;
	sqlite3_stmt	*st;
	struct change	*v;
	const char	*p;
	long long	 since = 0, limit = CHANGES_DEFAULT, last;
	size_t		 i;
	long long	 n = 0;
	int		 any = 0, more = 0;

	r->fmt = FMT_XML;	/* a feed for programs */
	if (r->method != M_GET && r->method != M_HEAD)
		return page_error(r, ERR_METHOD,
		    _("That method is not allowed here."), NULL);
	if (((p = req_query(r, "since")) != NULL && *p != '\0' &&
	    (value_int_parse(p, &since) != 0 || since < 0)) ||
	    ((p = req_query(r, "limit")) != NULL && *p != '\0' &&
	    (value_int_parse(p, &limit) != 0 || limit < 1 ||
	    limit > CHANGES_MAX)))
		return page_error(r, ERR_BAD_REQUEST, _("since must be a"
		    " sequence number, limit from 1 to 1000"), NULL);
	/*
	 * Only entities the user reads in full: a feed that skipped some
	 * records of a kind would look complete and not be.
	 */
	abuf_init(&sql, r->arena);
	abuf_add(&sql, "SELECT id, at, login, action, record_id, entity"
	    " FROM audit WHERE id > ?1 AND action IN ('create', 'update',"
	    " 'delete', 'status') AND entity IN (''");
	for (i = 0; i < r->app->nentities; i++) {
		if (acl_read(r, &r->app->entities[i]) != ACL_ALL)
			continue;
		/* A checked identifier from the entity table, not data. */
		abuf_addf(&sql, ", '%s'", r->app->entities[i].d->name);
		any = 1;
	}
	abuf_addf(&sql, ") ORDER BY id LIMIT %lld", limit + 1);
	if (!any)
		return page_error(r, ERR_FORBIDDEN, _("The changes feed is"
		    " for users who read every record of a kind."), NULL);
	if ((st = db_stmt(r->app->db, sql.s)) == NULL ||
	    (v = arena_calloc(r->arena, (size_t)limit, sizeof(*v))) == NULL)
		return page_error(r, ERR_INTERNAL, _("Internal error."),
		    NULL);
	sqlite3_bind_int64(st, 1, since);
	last = since;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == limit) {
			more = 1;	/* one row past the page */
			break;
		}
		v[n].seq = sqlite3_column_int64(st, 0);
		v[n].at = arena_strdup(r->arena,
		    (const char *)sqlite3_column_text(st, 1));
		v[n].by = arena_strdup(r->arena,
		    (const char *)sqlite3_column_text(st, 2));
		v[n].action = arena_strdup(r->arena,
		    (const char *)sqlite3_column_text(st, 3));
		v[n].id = sqlite3_column_int64(st, 4);
		v[n].e = entity_by_name(r->app,
		    (const char *)sqlite3_column_text(st, 5));
		last = v[n].seq;
		n++;
	}
	db_done(st);
	if (out_xml_begin(r, 200, "changes") == -1)
		return -1;
	/* Poll again with since=last: no event is missed or seen twice. */
	out_attrf(r, "last", "%lld", last);
	if (more)
		out_attr(r, "next", req_url(r, "/changes.xml?since=%lld"
		    "&limit=%lld", last, limit));
	for (i = 0; i < (size_t)n; i++)
		if (v[i].e != NULL)
			change_xml(r, &v[i]);
	return out_finish(r);
}
