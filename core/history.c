/*
 * history.c - the audit trail read back: a record's history on its
 * page, the administrators' /audit page and the changes feed for ERP
 * integrations; see history.h.  audit.c writes the trail.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "app.h"
#include "arena.h"
#include "db.h"
#include "entity.h"
#include "history.h"
#include "i18n.h"
#include "out.h"
#include "page.h"
#include "record.h"
#include "req.h"
#include "user.h"
#include "value.h"
#include "view.h"

#define AUDIT_PAGE	100
#define CHANGES_DEFAULT	100
#define CHANGES_MAX	1000

/*
 * What a reference id names, for people: a user's name, or the title of
 * a record the viewer may read ("#id" for one they may not: history
 * must not show what the record's page would not).
 */
static const char *
ref_name(struct kiln_req *r, const struct entity *e, int i, const char *v)
{
	const struct entity	*t = e->refent[i];
	struct db_stmt		*st;
	struct record		 rec;
	const char		*name = NULL;
	long long		 id;
	int			 f;

	if (value_int_parse(v, &id) != 0)
		return v;
	if (t == NULL) {
		if ((st = db_stmt(r->app->db, "SELECT coalesce(nullif(name,"
		    " ''), login) FROM users WHERE id = ?1")) == NULL)
			return v;
		db_bind_int(st, 1, id);
		if (db_step(st) == DB_ROW)
			name = arena_strdup(r->arena, db_col_text(st, 0));
		db_done(st);
	} else if (acl_readable(r, t, id) == 1 &&
	    record_load(r, t, id, &rec) == REC_OK &&
	    (f = entity_field(t, t->d->title)) >= 0)
		name = view_text(r, t, &rec, (size_t)f);
	return name != NULL ? name : arena_printf(r->arena, "#%s", v);
}

/* A stored value as the field shows it (money as ¥1,234.50, a name...). */
static const char *
shown(struct kiln_req *r, const struct entity *e, const char *field,
    const char *v)
{
	struct record	 rec;
	int		 i;

	if (v == NULL || e == NULL || (i = entity_field(e, field)) < 0)
		return v ? v : "";
	if (e->d->fields[i].type == KILN_REF)
		return *v != '\0' ? ref_name(r, e, i, v) : v;
	/* view_text reads the field's value from a record: lend it one. */
	memset(&rec, 0, sizeof(rec));
	rec.val = arena_calloc(r->arena, e->d->nfields, sizeof(char *));
	rec.label = arena_calloc(r->arena, e->d->nfields, sizeof(char *));
	if (rec.val == NULL || rec.label == NULL)
		return v;
	rec.val[i] = v;
	return view_text(r, e, &rec, (size_t)i);
}

/* A field's label, for people; the stored name when it is not one. */
static const char *
field_label(const struct entity *e, const char *field)
{
	int	 i;

	if (e == NULL || (i = entity_field(e, field)) < 0)
		return field;
	return _(e->d->fields[i].label);
}

/*
 * An entry's detail as people read it: a status change names the
 * status ("in_production: reason") by its words.
 */
static const char *
detail(struct kiln_req *r, const char *action, const char *d)
{
	const char	*colon;

	if (strcmp(action, "status") != 0 || *d == '\0')
		return d;
	if ((colon = strstr(d, ": ")) == NULL)
		return view_enum_label(r, d);
	return arena_printf(r->arena, "%s%s", view_enum_label(r,
	    arena_strndup(r->arena, d, (size_t)(colon - d))), colon);
}

/* Rows of audit (joined with their changes) as an HTML table body. */
static void
html_rows(struct kiln_req *r, struct db_stmt *st, long long *last, int *n)
{
	const struct entity	*e = NULL;
	long long		 id, prev = 0;
	const char		*field;

	*n = 0;
	do {	/* the caller stepped onto the first row */
		id = db_col_int(st, 0);
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
			    db_col_text(st, 5));
			out_open(r, "tr");
			out_elem(r, "td", view_when(r, db_col_text(st, 1)));
			out_elem(r, "td", db_col_text(st, 2));
			out_elem(r, "td", db_col_text(st, 3));
			out_elem(r, "td", _(db_col_text(st, 4)));
			out_open(r, "td");
			if (e != NULL && !db_col_null(st, 6))
				page_link(r, view_record_url(r, e,
				    db_col_int(st, 6)),
				    arena_printf(r->arena, "%s %lld",
				    _(e->d->label), db_col_int(st, 6)));
			else
				out_text(r, db_col_text(st, 5));
			out_close(r);
			out_open(r, "td");
			out_text(r, detail(r, db_col_text(st, 4),
			    db_col_text(st, 7)));
			out_open(r, "ul");
			out_attr(r, "class", "changes");
		}
		if (db_col_null(st, 8))
			continue;
		field = db_col_text(st, 8);
		out_open(r, "li");
		out_open(r, "b");
		out_text(r, field_label(e, field));
		out_close(r);
		out_text(r, ": ");
		/* A create has no old value to strike out. */
		if (!db_col_null(st, 9) && *db_col_text(st, 9) != '\0') {
			out_open(r, "del");
			out_text(r, shown(r, e, field,
			    db_col_text(st, 9)));
			out_close(r);
			out_text(r, " \u2192 ");
		}
		out_open(r, "ins");
		out_text(r, shown(r, e, field,
		    db_col_text(st, 10)));
		out_close(r);
		out_close(r);
	} while (db_step(st) == DB_ROW);
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
rows_table(struct kiln_req *r, struct db_stmt *st, const char *none,
    long long *last)
{
	int	 n;

	*last = 0;
	if (db_step(st) != DB_ROW) {
		page_empty(r, none);
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
history_record(struct kiln_req *r, const struct entity *e, long long id)
{
	struct db_stmt	*st;
	long long	 last;

	if ((st = db_stmt(r->app->db, "SELECT " AUDIT_COLS " FROM audit a"
	    " LEFT JOIN audit_changes c ON c.audit_id = a.id"
	    " WHERE a.entity = ?1 AND a.record_id = ?2 AND a.id >"
	    " coalesce((SELECT max(id) FROM audit WHERE entity = ?1"
	    " AND record_id = ?2 AND action = 'delete'), 0)"
	    " ORDER BY a.id DESC, c.rowid LIMIT 2000")) == NULL)
		return;
	db_bind_text(st, 1, e->d->name);
	db_bind_int(st, 2, id);
	out_open(r, "section");
	out_attr(r, "class", "history");
	out_elem(r, "h2", _("History"));
	rows_table(r, st, _("No changes recorded."), &last);
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

/* What the trail records, to choose from rather than guess. */
static const struct {
	const char	*action;
	const char	*label;
} actions[] = {
	{ "create", N_("Created") }, { "update", N_("Changed") },
	{ "delete", N_("Deleted") }, { "status", N_("Status change") },
	{ "correct", N_("Invoice correction") }, { "export", N_("Export") },
	{ "login", N_("Login") }, { "login_failed", N_("Failed login") },
	{ "logout", N_("Logout") }, { "token_new", N_("New API token") },
	{ "token_revoke", N_("API token revoked") },
	{ "user_add", N_("User added") }, { "role", N_("Role changed") },
	{ "team", N_("Team changed") }, { "disable", N_("User disabled") },
	{ "enable", N_("User enabled") }, { "password", N_("Password changed") },
	{ "rules", N_("Rule files changed") },
};

const char *
history_action_label(const char *action)
{
	size_t	 i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i].action, action) == 0)
			return _(actions[i].label);
	return action;
}

static void
option(struct kiln_req *r, const char *value, const char *label,
    const char *cur)
{
	out_open(r, "option");
	out_attr(r, "value", value);
	if (cur != NULL && strcmp(cur, value) == 0)
		out_attr(r, "selected", "selected");
	out_text(r, label);
	out_close(r);
}

/* The action and record type filters as choices, "any" first. */
static void
filter_select(struct kiln_req *r, const char *param, const char *label,
    const char *cur)
{
	size_t	 i;

	out_open(r, "select");
	out_attr(r, "name", param);
	out_attr(r, "aria-label", label);
	option(r, "", arena_printf(r->arena, "%s: %s", label, _("any")), cur);
	if (strcmp(param, "action") == 0)
		for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
			option(r, actions[i].action, _(actions[i].label), cur);
	else {
		for (i = 0; i < r->app->nentities; i++)
			option(r, r->app->entities[i].d->name,
			    _(r->app->entities[i].d->label), cur);
		option(r, "user", _("User"), cur);
		option(r, "rule", _("Rule"), cur);
	}
	out_close(r);
}

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
		if (strcmp(filters[i].param, "action") == 0 ||
		    strcmp(filters[i].param, "entity") == 0) {
			filter_select(r, filters[i].param,
			    _(filters[i].label), v);
			continue;
		}
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
history_page(struct kiln_req *r)
{
	struct abuf	 sql, next;
	struct db_stmt	*st;
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
	    " FROM audit a WHERE TRUE");
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
			db_bind_int(st, (int)i + 1, x);
		} else
			db_bind_text(st, (int)i + 1, v);
	}
	if (before > 0)
		db_bind_int(st, nb + 1, before);
	if (page_begin(r, 200, _("Audit trail")) == -1) {
		db_done(st);
		return -1;
	}
	out_elem(r, "h1", _("Audit trail"));
	filter_form(r);
	rows_table(r, st, _("Nothing found."), &last);
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
	struct db_stmt	*fs;

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
		db_bind_int(fs, 1, c->seq);
		while (db_step(fs) == DB_ROW) {
			out_open(r, "field");
			out_attr(r, "name",
			    db_col_text(fs, 0));
			out_void(r);
		}
		db_done(fs);
	}
	out_close(r);
}

int
history_changes(struct kiln_req *r)
{
	struct abuf	 sql;
	struct db_stmt	*st;
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
	db_bind_int(st, 1, since);
	last = since;
	while (db_step(st) == DB_ROW) {
		if (n == limit) {
			more = 1;	/* one row past the page */
			break;
		}
		v[n].seq = db_col_int(st, 0);
		v[n].at = arena_strdup(r->arena,
		    db_col_text(st, 1));
		v[n].by = arena_strdup(r->arena,
		    db_col_text(st, 2));
		v[n].action = arena_strdup(r->arena,
		    db_col_text(st, 3));
		v[n].id = db_col_int(st, 4);
		v[n].e = entity_by_name(r->app,
		    db_col_text(st, 5));
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
