/*
 * pick.c - references picked by name, and the search across entities;
 * see pick.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "acl.h"
#include "app.h"
#include "arena.h"
#include "entity.h"
#include "form.h"
#include "i18n.h"
#include "list.h"
#include "out.h"
#include "page.h"
#include "pick.h"
#include "record.h"
#include "req.h"
#include "value.h"
#include "view.h"

#define SEARCH_PER_KIND	8	/* the all-kinds page: the rest is a link */

/* Can records of e be found by text at all? */
static int
searchable(const struct entity *e)
{
	size_t	 i;

	for (i = 0; i < e->d->nfields; i++)
		if (e->d->fields[i].flags & KILN_F_SEARCH)
			return 1;
	return 0;
}

/* Up to limit records of e matching q, by their title when sortable. */
static long
find(struct kiln_req *r, const struct entity *e, const char *q, long limit,
    struct record **rows, const char **next, const char **msg)
{
	struct kvlist	 p = { NULL, 0, 0 };
	int		 t = entity_field(e, e->d->title);

	if (form_add(r->arena, &p, "q", q) != 0 ||
	    form_add(r->arena, &p, "limit",
	    arena_printf(r->arena, "%ld", limit)) != 0)
		return -1;
	if (t >= 0 && (e->d->fields[t].flags & KILN_F_SORT) &&
	    form_add(r->arena, &p, "sort", e->d->title) != 0)
		return -1;
	return list_rows(r, e, &p, rows, next, msg);
}

const char *
pick_detail(struct kiln_req *r, const struct entity *e,
    const struct record *rec)
{
	const struct kiln_field	*f;
	const char		*v;
	struct abuf		 b;
	size_t			 i;
	int			 n = 0;

	abuf_init(&b, r->arena);
	abuf_add(&b, "");
	for (i = 0; i < e->d->nfields && n < 3; i++) {
		f = &e->d->fields[i];
		if (!(f->flags & KILN_F_SEARCH) ||
		    strcmp(f->name, e->d->title) == 0)
			continue;
		v = f->type == KILN_REF ? rec->label[i] : rec->val[i];
		if (v == NULL || *v == '\0')
			continue;
		abuf_addf(&b, "%s%s", n++ ? " \u00b7 " : "", v);
	}
	return b.s;
}

static const char *
title_of(const struct entity *e, const struct record *rec)
{
	int	 t = entity_field(e, e->d->title);

	if (t < 0)
		return "";
	if (e->d->fields[t].type == KILN_REF)
		return rec->label[t] ? rec->label[t] : "";
	return rec->val[t] ? rec->val[t] : "";
}

/* Is text what record rec is called by: its title or a code of it? */
static int
named(const struct entity *e, const struct record *rec, const char *text)
{
	const struct kiln_field	*f;
	size_t			 i;

	if (strcasecmp(title_of(e, rec), text) == 0)
		return 1;
	for (i = 0; i < e->d->nfields; i++) {
		f = &e->d->fields[i];
		if ((f->flags & KILN_F_SEARCH) && f->type == KILN_TEXT &&
		    !(f->flags & KILN_F_LONG) && rec->val[i] != NULL &&
		    strcasecmp(rec->val[i], text) == 0 &&
		    strcmp(f->name, e->d->title) != 0 &&
		    (f->flags & KILN_F_SORT))
			return 1;
	}
	return 0;
}

static const char *
trimmed(struct kiln_req *r, const char *s)
{
	size_t	 n;

	s += strspn(s, " \t\r\n");
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	return arena_strndup(r->arena, s, n);
}

static struct pick_field *
slot(struct kiln_req *r, const struct entity *e, struct record *rec,
    size_t i)
{
	if (rec->pick == NULL)
		rec->pick = arena_calloc(r->arena, e->d->nfields,
		    sizeof(*rec->pick));
	return &rec->pick[i];
}

const char *
pick_apply(struct kiln_req *r, const struct entity *e, struct record *rec,
    size_t i, const struct kvlist *in, int *handled, const char **msg)
{
	const struct entity	*t = e->refent[i];
	const struct kiln_field	*f = &e->d->fields[i];
	struct pick_field	*pf;
	struct record		*rows;
	const char		*key, *q, *id, *label, *next, *m;
	long long		 want = 0;
	long			 n, k, hit = -1, nhit = 0;

	*handled = 0;
	*msg = NULL;
	if (f->type != KILN_REF || t == NULL)
		return NULL;
	key = arena_printf(r->arena, "%s" PICK_SUFFIX, f->name);
	if ((q = form_get(in, key)) == NULL)
		return NULL;
	*handled = 1;
	if (form_count(in, key) > 1) {
		*msg = _("was sent twice");
		return NULL;
	}
	q = trimmed(r, q);
	pf = slot(r, e, rec, i);
	pf->q = q;
	if (*q == '\0')
		return "";
	/* Unchanged, or chosen by the script: the id's record's name. */
	id = form_get(in, f->name);
	if (id != NULL && value_int_parse(id, &want) == 0 && want > 0 &&
	    record_ref_label(r, e, i, id, &label) == REC_OK &&
	    label != NULL && strcmp(label, q) == 0)
		return id;
	if (value_utf8_len(q) > 200) {
		*msg = _("search text too long");
		return NULL;
	}
	if ((n = find(r, t, q, PICK_MAX, &rows, &next, &m)) < 0) {
		*msg = m ? m : _("could not be searched");
		return NULL;
	}
	for (k = 0; k < n; k++) {
		/* One of the candidates, chosen from the form's list. */
		if (rows[k].id == want)
			return arena_printf(r->arena, "%lld", want);
		if (named(t, &rows[k], q))
			hit = k, nhit++;
	}
	if (n == 1 && next == NULL)
		return arena_printf(r->arena, "%lld", rows[0].id);
	if (nhit == 1)
		return arena_printf(r->arena, "%lld", rows[hit].id);
	if (n == 0) {
		*msg = arena_printf(r->arena,
		    _("nothing matches \u201c%s\u201d"), q);
		return NULL;
	}
	pf->v = arena_calloc(r->arena, (size_t)n, sizeof(*pf->v));
	for (k = 0; k < n; k++) {
		pf->v[k].id = rows[k].id;
		pf->v[k].title = title_of(t, &rows[k]);
		pf->v[k].detail = pick_detail(r, t, &rows[k]);
	}
	pf->n = n;
	*msg = next != NULL ? _("more than a few match: choose one, or type"
	    " more of the name") : _("several match: choose one");
	return NULL;
}

static void
choices(struct kiln_req *r, const struct kiln_field *f,
    const struct pick_field *pf, const char *id)
{
	long	 k;

	out_open(r, "fieldset");
	out_attr(r, "class", "choices");
	out_open(r, "legend");
	out_text(r, _("Choose one"));
	out_close(r);
	for (k = 0; k < pf->n; k++) {
		out_open(r, "label");
		out_open(r, "input");
		out_attr(r, "type", "radio");
		out_attr(r, "name", f->name);
		out_attrf(r, "value", "%lld", pf->v[k].id);
		if (k == 0)
			out_attr(r, "id", arena_printf(r->arena, "%s-1", id));
		out_void(r);
		out_text(r, " ");
		out_text(r, pf->v[k].title);
		if (*pf->v[k].detail) {
			out_text(r, " ");
			out_elem(r, "small", pf->v[k].detail);
		}
		out_close(r);
	}
	out_close(r);
}

void
pick_widget(struct kiln_req *r, const struct entity *e,
    const struct record *rec, size_t i, const char *id)
{
	const struct kiln_field	*f = &e->d->fields[i];
	const struct entity	*t = e->refent[i];
	const struct pick_field	*pf = rec->pick ? &rec->pick[i] : NULL;
	const char		*text, *val = rec->val[i];
	long long		 x;

	/* The id: what the script sets, or what a choice replaces. */
	if (pf == NULL || pf->n == 0)
		page_hidden(r, f->name, val != NULL && value_int_parse(val,
		    &x) == 0 ? val : "");
	if (pf != NULL && pf->q != NULL)
		text = pf->q;
	else
		text = rec->label[i] ? rec->label[i] : "";
	out_open(r, "input");
	out_attr(r, "id", id);
	out_attr(r, "name", arena_printf(r->arena, "%s" PICK_SUFFIX,
	    f->name));
	out_attr(r, "type", "text");
	out_attr(r, "class", "pick");
	out_attr(r, "autocomplete", "off");
	out_attr(r, "spellcheck", "false");
	out_attr(r, "maxlength", "200");
	out_attr(r, "placeholder", _("Type a name or code"));
	out_attr(r, "data-search", req_url(r, "/search.xml?in=%s",
	    t->d->name));
	if (f->flags & KILN_F_REQUIRED)
		out_attr(r, "required", "required");
	out_attr(r, "value", text);
	out_void(r);
	if (pf != NULL && pf->n > 0)
		choices(r, f, pf, id);
}

/* ---------------------------------------------------------- /search */

static void
xml_hits(struct kiln_req *r, const struct entity *e,
    const struct record *rows, long n)
{
	long	 k;

	for (k = 0; k < n; k++) {
		out_open(r, e->d->name);
		out_attrf(r, "id", "%lld", rows[k].id);
		out_attr(r, "href", view_record_url(r, e, rows[k].id));
		out_attr(r, "kind", _(e->d->label));
		out_attr(r, "detail", pick_detail(r, e, &rows[k]));
		out_text(r, title_of(e, &rows[k]));
		out_close(r);
	}
}

static void
html_hits(struct kiln_req *r, const struct entity *e, const char *q,
    const struct record *rows, long n, const char *next)
{
	const char	*detail;
	long		 k;

	out_open(r, "section");
	out_attr(r, "class", "hits");
	out_open(r, "h2");
	out_text(r, _(e->d->label_plural));
	out_close(r);
	out_open(r, "ul");
	for (k = 0; k < n; k++) {
		out_open(r, "li");
		page_link(r, view_record_url(r, e, rows[k].id),
		    title_of(e, &rows[k]));
		if (*(detail = pick_detail(r, e, &rows[k])) != '\0') {
			out_text(r, " ");
			out_elem(r, "small", detail);
		}
		out_close(r);
	}
	out_close(r);
	if (next != NULL && !(e->d->flags & KILN_E_NOT_IN_MENU)) {
		out_open(r, "p");
		page_link(r, req_url(r, "/%s?q=%s", e->d->plural,
		    req_escape(r, q)), arena_printf(r->arena,
		    _("All %s matching \u201c%s\u201d"),
		    _(e->d->label_plural), q));
		out_close(r);
	}
	out_close(r);
}

static void
search_form(struct kiln_req *r, const char *q)
{
	out_open(r, "form");
	out_attr(r, "method", "get");
	out_attr(r, "class", "search");
	out_attr(r, "role", "search");
	out_attr(r, "action", req_url(r, "/search"));
	out_open(r, "label");
	out_attr(r, "for", "search-q");
	out_text(r, _("Search"));
	out_close(r);
	out_open(r, "input");
	out_attr(r, "id", "search-q");
	out_attr(r, "type", "search");
	out_attr(r, "name", "q");
	out_attr(r, "maxlength", "200");
	out_attr(r, "value", q);
	out_void(r);
	page_button(r, _("Search"), NULL);
	out_close(r);
}

int
pick_search_page(struct kiln_req *r)
{
	const struct entity	*e, *only = NULL;
	struct record		*rows;
	const char		*q, *in, *next, *msg;
	size_t			 i;
	long			 n, limit, found = 0;

	q = req_query(r, "q");
	q = q ? trimmed(r, q) : "";
	if (value_utf8_len(q) > 200)
		return page_error(r, ERR_BAD_REQUEST, _("search text too long"),
		    NULL);
	if ((in = req_query(r, "in")) != NULL && *in != '\0' &&
	    ((only = entity_by_name(r->app, in)) == NULL ||
	    !searchable(only) || acl_read(r, only) == ACL_NONE))
		return page_error(r, ERR_NOT_FOUND, _("No such record type."),
		    NULL);
	limit = only ? PICK_MAX : SEARCH_PER_KIND;
	if (r->fmt == FMT_XML) {
		if (out_xml_begin(r, 200, "results") == -1)
			return -1;
		out_attr(r, "q", q);
	} else {
		if (page_begin(r, 200, _("Search")) == -1)
			return -1;
		out_elem(r, "h1", _("Search"));
		search_form(r, q);
	}
	for (i = 0; *q != '\0' && i < r->app->nentities; i++) {
		e = &r->app->entities[i];
		if (only != NULL ? e != only : (!searchable(e) ||
		    (e->d->flags & KILN_E_NOT_IN_MENU) ||
		    acl_read(r, e) == ACL_NONE))
			continue;
		if ((n = find(r, e, q, limit, &rows, &next, &msg)) < 0)
			return r->fmt == FMT_XML ? out_finish(r) : page_end(r);
		if (n == 0)
			continue;
		found += n;
		if (r->fmt == FMT_XML)
			xml_hits(r, e, rows, n);
		else
			html_hits(r, e, q, rows, n, next);
	}
	if (r->fmt == FMT_XML)
		return out_finish(r);
	if (*q == '\0')
		page_empty(r, _("Type a name, a number or a code: customers,"
		    " contacts, orders and products are searched."));
	else if (found == 0)
		page_empty(r, arena_printf(r->arena, _("Nothing matches"
		    " \u201c%s\u201d. Try fewer letters, or part of a name."),
		    q));
	return page_end(r);
}
