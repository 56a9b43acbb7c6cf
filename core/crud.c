/*
 * crud.c - detail, forms, create, update and delete of declared
 * entities; see crud.h.  Every write runs in one BEGIN IMMEDIATE
 * transaction with its checks, so what was checked is what is stored.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "app.h"
#include "audit.h"
#include "arena.h"
#include "crud.h"
#include "db.h"
#include "entity.h"
#include "hook.h"
#include "history.h"
#include "i18n.h"
#include "list.h"
#include "log.h"
#include "out.h"
#include "page.h"
#include "plugin.h"
#include "record.h"
#include "req.h"
#include "route.h"
#include "rules.h"
#include "storage.h"
#include "value.h"
#include "view.h"
#include "xmlin.h"

/*
 * The error of a record error, and its message when the table's would
 * not say enough.
 */
static enum error_code
rec_error(struct kiln_req *r, enum rec_err err, const char **msg)
{
	*msg = NULL;
	switch (err) {
	case REC_INVALID:
		return ERR_INVALID;
	case REC_BAD:
		*msg = _("A field was given more than once.");
		return ERR_BAD_REQUEST;
	case REC_NOTFOUND:
		*msg = _("No such record.");
		return ERR_NOT_FOUND;
	case REC_STALE:
		return ERR_STALE;
	case REC_RULE:
		return ERR_RULE;
	case REC_CONFLICT:
		return ERR_CONFLICT;
	case REC_FORBIDDEN:
		*msg = _("You may not change this record.");
		return ERR_FORBIDDEN;
	case REC_STORAGE:
		return storage_error(db_fault(r->app->db));
	default:
		return ERR_INTERNAL;
	}
}

/*
 * A step of a write that failed without saying how (the audit, a
 * plugin's hook): a storage fault if the database had one (a full
 * disk shows first in the audit row), else an internal error.
 */
static enum rec_err
failed(struct kiln_req *r)
{
	return db_fault(r->app->db) != DB_OK ? REC_STORAGE : REC_ERROR;
}

static int
fail(struct kiln_req *r, enum rec_err err, const char *detail)
{
	const char	*msg;
	enum error_code	 e = rec_error(r, err, &msg);

	return page_error(r, e, detail ? detail : msg, NULL);
}

/*
 * Where a page is: Home, the list (or the parent record a line or a
 * contact belongs to), the record, and here (title, unlinked).  rec
 * NULL: a new one's form.
 */
static void
crumbs(struct kiln_req *r, const struct entity *e, const struct record *rec,
    const char *here)
{
	const struct entity	*pe = e->parent_ent;
	const char		*pv = rec && e->parent >= 0 ? rec->val[e->parent] :
				    NULL;

	out_open(r, "nav");
	out_attr(r, "class", "crumbs");
	out_attr(r, "aria-label", _("You are here"));
	out_open(r, "ol");
	out_open(r, "li");
	page_link(r, req_url(r, "/"), _("Home"));
	out_close(r);
	if (pe != NULL && pv != NULL) {
		out_open(r, "li");
		page_link(r, req_url(r, "/%s", pe->d->plural),
		    _(pe->d->label_plural));
		out_close(r);
		out_open(r, "li");
		page_link(r, req_url(r, "/%s/%s", pe->d->plural, pv),
		    rec->label[e->parent] ? rec->label[e->parent] : pv);
		out_close(r);
	} else if (!(e->d->flags & KILN_E_NOT_IN_MENU)) {
		out_open(r, "li");
		page_link(r, req_url(r, "/%s", e->d->plural),
		    _(e->d->label_plural));
		out_close(r);
	}
	if (rec != NULL && rec->id != 0 && here != NULL) {
		out_open(r, "li");
		page_link(r, view_record_url(r, e, rec->id), view_text(r, e,
		    rec, (size_t)entity_field(e, e->d->title)));
		out_close(r);
	}
	out_open(r, "li");
	out_attr(r, "aria-current", "page");
	out_text(r, here != NULL ? here : view_text(r, e, rec,
	    (size_t)entity_field(e, e->d->title)));
	out_close(r);
	out_close(r);
	out_close(r);
}

static int
show(struct kiln_req *r, const struct entity *e, long long id)
{
	struct record			 rec;
	enum rec_err			 err;
	size_t				 i;
	const char			*title;
	const struct kiln_services	*sv;
	const struct plugin		*was;
	int				 writable;

	if ((err = record_load(r, e, id, &rec)) != REC_OK)
		return fail(r, err, NULL);
	if (r->fmt == FMT_XML) {
		if (out_xml_begin(r, 200, NULL) == -1)
			return -1;
		view_xml_record(r, e, &rec);
		return out_finish(r);
	}
	i = (size_t)entity_field(e, e->d->title);
	title = view_text(r, e, &rec, i);
	if (page_begin(r, 200, title) == -1)
		return -1;
	crumbs(r, e, &rec, NULL);
	out_open(r, "div");
	out_attr(r, "class", "title");
	out_elem(r, "h1", title);
	writable = acl_may_write(r, e, &rec);
	if (writable || entity_grants(r, e)) {
		out_open(r, "a");
		out_attr(r, "class", "button");
		out_attr(r, "href", req_url(r, "/%s/%lld/edit", e->d->plural,
		    id));
		out_text(r, _("Edit"));
		out_close(r);
	}
	out_close(r);
	out_open(r, "dl");
	out_attr(r, "class", "record");
	for (i = 0; i < e->d->nfields; i++) {
		out_elem(r, "dt", _(e->d->fields[i].label));
		out_open(r, "dd");
		if (e->d->fields[i].type == KILN_REF && rec.val[i] &&
		    e->refent[i] != NULL)
			page_link(r, view_record_url(r, e->refent[i],
			    strtoll(rec.val[i], NULL, 10)),
			    view_text(r, e, &rec, i));
		else if ((e->d->fields[i].type == KILN_URL ||
		    e->d->fields[i].type == KILN_EMAIL) && rec.val[i] &&
		    *rec.val[i] && (e->d->fields[i].type == KILN_EMAIL ||
		    value_url_ok(rec.val[i])))
			/* Only schemes value_url_ok lets through: no javascript: */
			page_link(r, e->d->fields[i].type == KILN_EMAIL ?
			    arena_printf(r->arena, "mailto:%s", rec.val[i]) :
			    rec.val[i], rec.val[i]);
		else
			out_text(r, view_text(r, e, &rec, i));
		out_close(r);
	}
	out_elem(r, "dt", _("Version"));
	out_elem(r, "dd", arena_printf(r->arena, "%lld (%s %s)", rec.version,
	    _("updated"), view_when(r, rec.updated_at)));
	out_close(r);
	/* Past a draft, say, no more lines and no deleting. */
	sv = hook_enter(r, e->plug, &was);
	if (writable && e->d->editable != NULL &&
	    !e->d->editable(r, sv, id))
		writable = 0;
	hook_leave(r, was);
	if (list_children(r, e, id, writable) == -1)
		log_warn("children of %s %lld not shown", e->d->name, id);
	if (e->d->page != NULL) {
		sv = hook_enter(r, e->plug, &was);
		e->d->page(r, sv, id);
		hook_leave(r, was);
	}
	plugin_sections(r, e, id, writable);
	history_record(r, e, id);
	if (!writable)
		return page_end(r);
	/* Asked first, on a page of its own: no script needed. */
	out_open(r, "p");
	out_attr(r, "class", "delete");
	out_open(r, "a");
	out_attr(r, "class", "button danger");
	out_attr(r, "href", req_url(r, "/%s/%lld/delete", e->d->plural, id));
	out_text(r, _("Delete\u2026"));
	out_close(r);
	out_close(r);
	return page_end(r);
}

/*
 * GET /PLURAL/ID/delete: "Delete this record?" with the form that does
 * it (the version read now: a change since is refused as stale) and a
 * way back.  Nothing changes on a GET.
 */
static int
confirm_delete(struct kiln_req *r, const struct entity *e, long long id)
{
	struct record	 rec;
	enum rec_err	 err;
	const char	*title;
	int		 i;

	if ((err = record_load(r, e, id, &rec)) != REC_OK)
		return fail(r, err, NULL);
	if (!acl_may_write(r, e, &rec))
		return fail(r, REC_FORBIDDEN, NULL);
	i = entity_field(e, e->d->title);
	title = i >= 0 ? view_text(r, e, &rec, (size_t)i) : "";
	if (page_begin(r, 200, _("Delete")) == -1)
		return -1;
	out_elem(r, "h1", arena_printf(r->arena, _("Delete %s?"), title));
	out_elem(r, "p", _("It is gone for good: its history stays in the"
	    " audit trail."));
	out_open(r, "form");
	out_attr(r, "method", "post");
	out_attr(r, "class", "delete");
	out_attr(r, "action", req_url(r, "/%s/%lld/delete", e->d->plural, id));
	page_csrf(r);
	page_hidden(r, "version", arena_printf(r->arena, "%lld", rec.version));
	page_button(r, _("Delete"), "danger");
	page_link(r, view_record_url(r, e, id), _("Cancel"));
	out_close(r);
	return page_end(r);
}

/* The create or edit form; rec holds what to show, fe the messages. */
static int
form(struct kiln_req *r, const struct entity *e, const struct record *rec,
    const struct ferrs *fe, int status)
{
	const struct kiln_services	*sv;
	const struct plugin		*was;
	const char			*title;
	size_t				 i;

	/* One phrase per language: "New Customer", "新建客户". */
	title = rec->id ? arena_printf(r->arena, _("Edit %s"),
	    _(e->d->label)) : arena_printf(r->arena, _("New %s"),
	    _(e->d->label));
	if (page_begin(r, status, title) == -1)
		return -1;
	crumbs(r, e, rec, title);
	out_elem(r, "h1", title);
	if (fe != NULL && fe->n) {
		out_open(r, "div");
		out_attr(r, "class", "errors");
		out_attr(r, "role", "alert");
		out_elem(r, "p", _("Please correct the marked fields."));
		out_open(r, "ul");
		for (i = 0; i < fe->n; i++)
			if (fe->v[i].field == NULL)
				out_elem(r, "li", fe->v[i].msg);
		out_close(r);
		out_close(r);
	}
	out_open(r, "form");
	out_attr(r, "method", "post");
	out_attr(r, "class", "record");
	out_attr(r, "action", rec->id ? view_record_url(r, e, rec->id) :
	    req_url(r, "/%s", e->d->plural));
	page_csrf(r);
	if (rec->id) {
		page_hidden(r, "version", arena_printf(r->arena, "%lld",
		    rec->version));
	}
	view_form_fields(r, e, rec, fe);
	if (e->d->form != NULL) {
		sv = hook_enter(r, e->plug, &was);
		e->d->form(r, sv, rec->id);
		hook_leave(r, was);
	}
	out_open(r, "div");
	out_attr(r, "class", "actions");
	page_button(r, _("Save"), NULL);
	page_link(r, rec->id ? view_record_url(r, e, rec->id) :
	    req_url(r, "/%s", e->d->plural), _("Cancel"));
	out_close(r);
	out_close(r);
	return page_end(r);
}

static int
form_new(struct kiln_req *r, const struct entity *e)
{
	struct record	 rec;
	struct ferrs	 fe = { .n = 0 };

	if (acl_write(r, e) == ACL_NONE)
		return fail(r, REC_FORBIDDEN, NULL);
	record_defaults(r, e, &rec);
	/* Prefill from the query: /contacts/new?customer=42 */
	(void)record_apply(r, e, &rec, &r->query, &fe);
	record_labels(r, e, &rec);
	return form(r, e, &rec, NULL, 200);
}

static int
form_edit(struct kiln_req *r, const struct entity *e, long long id)
{
	struct record	 rec;
	enum rec_err	 err;

	if ((err = record_load(r, e, id, &rec)) != REC_OK)
		return fail(r, err, NULL);
	if (!acl_may_write(r, e, &rec) && !(r->grant_only =
	    entity_grants(r, e)))
		return fail(r, REC_FORBIDDEN, NULL);
	return form(r, e, &rec, NULL, 200);
}

/* "You may not set: credit_limit, payment_terms." */
static const char *
forbidden_fields(struct kiln_req *r, const struct ferrs *fe)
{
	struct abuf	 b;
	size_t		 i;

	abuf_init(&b, r->arena);
	abuf_add(&b, _("You may not set:"));
	for (i = 0; i < fe->n; i++)
		if (fe->v[i].field != NULL)
			abuf_addf(&b, "%s %s", i ? "," : "", fe->v[i].field);
	abuf_add(&b, ".");
	return b.s;
}

/* A rejected write: the form again with values kept, or XML errors. */
static int
invalid(struct kiln_req *r, const struct entity *e, struct record *rec,
    const struct ferrs *fe, enum rec_err err, const char *detail)
{
	const char	*msg;
	enum error_code	 ec = rec_error(r, err, &msg);

	/* Fields kept for other roles: name them. */
	if (err == REC_FORBIDDEN && detail == NULL && fe->n)
		detail = forbidden_fields(r, fe);
	/* A conflict a trigger explained: its words are the message. */
	if (err == REC_CONFLICT && detail == NULL && fe->n &&
	    fe->v[0].field == NULL)
		return page_error(r, ec, fe->v[0].msg, NULL);
	if (r->fmt == FMT_HTML && (err == REC_INVALID || err == REC_RULE)) {
		struct ferrs	 all = *fe;

		if (detail != NULL)
			ferr_add(&all, NULL, detail);
		return form(r, e, rec, &all, error_def(ec)->status);
	}
	return page_error(r, ec, detail ? detail : msg, fe);
}

/* After a successful write: 201/200 XML, or 303 to the record. */
int
crud_show(struct kiln_req *r, const struct entity *e, long long id,
    int created)
{
	struct record	 rec;

	if (r->fmt == FMT_XML) {
		/* As stored: the database may have filled in fields. */
		if (record_load(r, e, id, &rec) != REC_OK)
			return page_error(r, ERR_INTERNAL,
			    _("Internal error."), NULL);
		if (created)
			out_header(r, "Location", view_record_url(r, e, id));
		if (out_xml_begin(r, created ? 201 : 200, NULL) == -1)
			return -1;
		view_xml_record(r, e, &rec);
		return out_finish(r);
	}
	return out_redirect(r, arena_printf(r->arena, "%s?done=%s",
	    view_record_url(r, e, id), created ? "created" : "saved"));
}

static int
version_param(struct kiln_req *r, long long *v)
{
	const char	*s;

	if ((s = req_param(r, "version")) == NULL || *s == '\0')
		return 0;
	if (form_count(&r->body, "version") > 1 ||
	    value_int_parse(s, v) != 0 || *v < 1)
		return -1;
	return 1;
}

static int
create(struct kiln_req *r, const struct entity *e)
{
	char				 cerr[512];
	struct record			 rec;
	struct ferrs			 fe = { .n = 0 };
	enum rec_err			 err;
	enum db_err			 de;
	const char			*detail = NULL;
	const struct kiln_services	*sv;
	const struct plugin		*was;
	int				 rc;

	record_defaults(r, e, &rec);
	if ((err = record_apply(r, e, &rec, &r->body, &fe)) != REC_OK)
		return invalid(r, e, &rec, &fe, err, NULL);
	/* No parent, or one out of sight (as if it did not exist). */
	if ((err = record_parent_check(r, e, &rec, &fe)) != REC_OK)
		return invalid(r, e, &rec, &fe, err, NULL);
	/* Sales create for themselves, managers for their team. */
	if (!acl_may_write(r, e, &rec))
		return fail(r, REC_FORBIDDEN, _("You may not create this record"
		    " for that owner."));
	if ((de = db_begin(r->app->db)) != DB_OK)
		return fail(r, record_db_err(de), NULL);
	if ((err = record_check(r, e, &rec, &fe, &detail)) != REC_OK ||
	    (err = record_insert(r, e, &rec, &fe)) != REC_OK)
		goto out;
	if (audit_created(r, e, &rec) == -1) {
		err = failed(r);
		goto out;
	}
	/* What came with the record (an order's lines), same transaction. */
	sv = hook_enter(r, e->plug, &was);
	rc = e->d->created != NULL ? e->d->created(r, sv, rec.id, cerr,
	    sizeof(cerr)) : 0;
	hook_leave(r, was);
	if (rc != 0) {
		ferr_add(&fe, NULL, arena_strdup(r->arena, cerr));
		err = REC_INVALID;
		goto out;
	}
	if ((de = db_commit(r->app->db)) != DB_OK) {
		err = record_db_err(de);
		goto out;
	}
	return crud_show(r, e, rec.id, 1);
out:
	db_rollback(r->app->db);
	rec.id = 0;	/* the insert was undone: the form is a new one's */
	return invalid(r, e, &rec, &fe, err, detail);
}

/*
 * The plugins' say about an update, inside its transaction: the
 * entity's own hook, then other plugins' watches.
 */
static int
changed(struct kiln_req *r, const struct entity *e,
    const struct record *before, const struct record *after)
{
	const struct kiln_kv		*bk, *ak;
	const struct kiln_services	*sv;
	const struct plugin		*was;
	struct rules_kv			*b, *a;
	size_t				 n, m;
	int				 rc;

	if (e->d->changed == NULL && !plugin_watched(r->app, e->d->name))
		return 0;
	if ((b = record_kv(r, e, before, &n)) == NULL ||
	    (a = record_kv(r, e, after, &m)) == NULL || n != m)
		return -1;
	/* struct kiln_kv and struct rules_kv agree (checked in plugin.c). */
	bk = (const struct kiln_kv *)(void *)b;
	ak = (const struct kiln_kv *)(void *)a;
	sv = hook_enter(r, e->plug, &was);
	rc = e->d->changed != NULL ? e->d->changed(r, sv, after->id, bk, ak,
	    n) : 0;
	hook_leave(r, was);
	if (rc != 0)
		return -1;
	return plugin_watches(r, e->d->name, after->id, bk, ak, n);
}

enum rec_err
crud_update_fields(struct kiln_req *r, const struct entity *e, long long id,
    const struct kvlist *in, struct ferrs *fe)
{
	struct record	 rec, old;
	enum rec_err	 err;
	int		 was;

	/* The host's write: whatever the user may see or change. */
	was = r->system;
	r->system = 1;
	err = record_load(r, e, id, &rec);
	r->system = was;
	if (err != REC_OK)
		return err;
	old = rec;
	if ((old.val = arena_calloc(r->arena, e->d->nfields + 1,
	    sizeof(char *))) == NULL)
		return REC_ERROR;
	memcpy(old.val, rec.val, e->d->nfields * sizeof(char *));
	/* All of it or none: the caller may go on with its transaction. */
	if (db_exec(r->app->db, "SAVEPOINT kiln_update") != DB_OK)
		return REC_ERROR;
	if ((err = record_set(r, e, &rec, in, fe)) == REC_OK &&
	    (err = record_update(r, e, &rec, old.version, fe)) == REC_OK &&
	    (changed(r, e, &old, &rec) != 0 ||
	    audit_record(r, "update", e, &old, &rec) == -1))
		err = REC_ERROR;
	if (err != REC_OK)
		(void)db_exec(r->app->db, "ROLLBACK TO kiln_update");
	if (db_exec(r->app->db, "RELEASE kiln_update") != DB_OK &&
	    err == REC_OK)
		err = failed(r);
	return err;
}

static int
update(struct kiln_req *r, const struct entity *e, long long id)
{
	struct record	 rec, old;
	struct ferrs	 fe = { .n = 0 };
	enum rec_err	 err;
	enum db_err	 de;
	const char	*detail = NULL;
	long long	 expected;
	int		 hv, grant;

	if ((hv = version_param(r, &expected)) == -1)
		return page_error(r, ERR_BAD_REQUEST,
		    _("version must be a positive number"), NULL);
	if (hv == 0) {
		ferr_add(&fe, "version", _("is required (optimistic locking)"));
		return page_error(r, ERR_INVALID,
		    _("Send the version you last read."), &fe);
	}
	if ((de = db_begin(r->app->db)) != DB_OK)
		return fail(r, record_db_err(de), NULL);
	if ((err = record_load(r, e, id, &rec)) != REC_OK) {
		db_rollback(r->app->db);
		return fail(r, err, NULL);
	}
	/* Finance, say, on a customer: the fields granted its role alone. */
	if ((grant = !acl_may_write(r, e, &rec)) && !entity_grants(r, e)) {
		db_rollback(r->app->db);
		return fail(r, REC_FORBIDDEN, NULL);
	}
	if (rec.version != expected) {
		err = REC_STALE;
		goto out;
	}
	old = rec;
	old.val = arena_calloc(r->arena, e->d->nfields + 1, sizeof(char *));
	if (old.val == NULL) {
		err = REC_ERROR;
		goto out;
	}
	memcpy(old.val, rec.val, e->d->nfields * sizeof(char *));
	/* Grant-only for this apply alone, not for the hooks that follow. */
	r->grant_only = grant;
	err = record_apply(r, e, &rec, &r->body, &fe);
	r->grant_only = 0;
	if (err != REC_OK)
		goto out;
	/* A child moved under a parent out of sight: no such parent. */
	if ((err = record_parent_check(r, e, &rec, &fe)) != REC_OK)
		goto out;
	/* Nor may it be handed to someone out of reach. */
	if (!grant && !acl_may_write(r, e, &rec)) {
		db_rollback(r->app->db);
		return fail(r, REC_FORBIDDEN, _("You may not give this record"
		    " to that owner."));
	}
	if ((err = record_check(r, e, &rec, &fe, &detail)) != REC_OK ||
	    (err = record_update(r, e, &rec, expected, &fe)) != REC_OK)
		goto out;
	if (changed(r, e, &old, &rec) != 0) {
		err = failed(r);
		goto out;
	}
	if (audit_record(r, "update", e, &old, &rec) == -1) {
		err = failed(r);
		goto out;
	}
	if ((de = db_commit(r->app->db)) != DB_OK) {
		err = record_db_err(de);
		goto out;
	}
	return crud_show(r, e, rec.id, 0);
out:
	db_rollback(r->app->db);
	if (err == REC_STALE)
		return fail(r, err, NULL);
	rec.version = expected;
	r->grant_only = grant;	/* the form again, as it was shown */
	return invalid(r, e, &rec, &fe, err, detail);
}

static int
delete(struct kiln_req *r, const struct entity *e, long long id)
{
	struct record	 rec;
	struct ferrs	 fe = { .n = 0 };
	enum rec_err	 err;
	enum db_err	 de;
	long long	 expected = 0;
	int		 hv;

	/* As an update: a delete of what one has not seen is refused. */
	if ((hv = version_param(r, &expected)) == -1)
		return page_error(r, ERR_BAD_REQUEST,
		    _("version must be a positive number"), NULL);
	if (hv == 0)
		return page_error(r, ERR_BAD_REQUEST,
		    _("Send the version you last read."), NULL);
	if ((de = db_begin(r->app->db)) != DB_OK)
		return fail(r, record_db_err(de), NULL);
	if ((err = record_load(r, e, id, &rec)) == REC_OK &&
	    !acl_may_write(r, e, &rec))
		err = REC_FORBIDDEN;
	if (err == REC_OK)
		err = record_delete(r, e, id, expected, &fe);
	if (err == REC_OK && audit_record(r, "delete", e, &rec, NULL) == -1)
		err = failed(r);
	if (err != REC_OK) {
		db_rollback(r->app->db);
		return fail(r, err, fe.n && fe.v[0].field == NULL ?
		    fe.v[0].msg : NULL);
	}
	if ((de = db_commit(r->app->db)) != DB_OK)
		return fail(r, record_db_err(de), NULL);
	if (r->fmt == FMT_XML)
		return out_status_only(r, 204);
	return out_redirect(r, req_url(r, "/%s?done=deleted", e->d->plural));
}

static int
method_not_allowed(struct kiln_req *r)
{
	return page_error(r, ERR_METHOD,
	    _("That method is not allowed here."), NULL);
}

int
crud_route(struct kiln_req *r, const char *path)
{
	const struct entity	*e;
	const char		*seg, *slash, *act = NULL;
	long long		 id = 0;
	int			 body;

	if (*path != '/')
		return 1;
	seg = path + 1;
	slash = strchr(seg, '/');
	e = entity_by_plural(r->app, seg, slash ? (size_t)(slash - seg) :
	    strlen(seg));
	if (e == NULL)
		return 1;
	body = r->method == M_POST || r->method == M_PUT ||
	    r->method == M_PATCH || r->method == M_DELETE;
	if (body && page_body(r) != 0)
		return 0;	/* answered already */
	/* Lists in a document go only where a plugin takes them. */
	if (r->sets != NULL && r->sets->n > 0 && (slash != NULL ||
	    r->method != M_POST || e->d->created == NULL))
		return page_error(r, ERR_BAD_REQUEST, arena_printf(r->arena,
		    _("A <%s> list is not taken here."), r->sets->v[0].name),
		    NULL), 0;
	/* <contact> posted to /customers is a mistake, not a customer. */
	if (r->body_root != NULL && strcmp(r->body_root, e->d->name) != 0)
		return page_error(r, ERR_BAD_REQUEST, arena_printf(r->arena,
		    _("Expected a <%s> document."), e->d->name), NULL), 0;
	if (slash == NULL) {
		if (r->method == M_GET || r->method == M_HEAD)
			return list_handle(r, e), 0;
		if (r->method == M_POST)
			return create(r, e), 0;
		return method_not_allowed(r), 0;
	}
	seg = slash + 1;
	slash = strchr(seg, '/');
	if (slash == NULL && strcmp(seg, "new") == 0) {
		if (r->method != M_GET && r->method != M_HEAD)
			return method_not_allowed(r), 0;
		return form_new(r, e), 0;
	}
	if (route_parse_id(seg, slash ? (size_t)(slash - seg) : strlen(seg),
	    &id) == -1)
		return page_error(r, ERR_NOT_FOUND, _("No such record."),
		    NULL), 0;
	if (slash != NULL) {
		act = slash + 1;
		if (strcmp(act, "edit") == 0 && (r->method == M_GET ||
		    r->method == M_HEAD))
			return form_edit(r, e, id), 0;
		if (strcmp(act, "delete") == 0 && r->method == M_POST)
			return delete(r, e, id), 0;
		if (strcmp(act, "delete") == 0 && (r->method == M_GET ||
		    r->method == M_HEAD))
			return confirm_delete(r, e, id), 0;
		if (strcmp(act, "edit") == 0 || strcmp(act, "delete") == 0)
			return method_not_allowed(r), 0;
		return page_error(r, ERR_NOT_FOUND, _("No such page."),
		    NULL), 0;
	}
	switch (r->method) {
	case M_GET:
	case M_HEAD:
		return show(r, e, id), 0;
	case M_POST:
	case M_PUT:
	case M_PATCH:
		return update(r, e, id), 0;
	case M_DELETE:
		return delete(r, e, id), 0;
	default:
		return method_not_allowed(r), 0;
	}
}
