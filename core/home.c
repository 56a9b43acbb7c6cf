/*
 * home.c - the home page; see home.h.
 *
 * Each plugin's panels for the user's role, in their order, then the
 * core's: what the user did last, linked back to the records.  A panel
 * is a section the host opens and heads; the plugin writes inside it
 * under its own name (hook_enter), so its SQL is confined as ever.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "db.h"
#include "entity.h"
#include "history.h"
#include "home.h"
#include "hook.h"
#include "i18n.h"
#include "out.h"
#include "page.h"
#include "record.h"
#include "req.h"
#include "user.h"
#include "view.h"

#define RECENT		8	/* entries in "Your recent work" */
#define RECENT_SCAN	40	/* audit rows read for them (lines skipped) */
#define PANELS	64	/* at most, over every plugin */

struct shown_panel {
	const struct kiln_panel	*p;
	const struct plugin	*plug;
};

static int
for_role(const struct kiln_panel *p, const char *role)
{
	const char *const	*k;

	if (p->roles == NULL)
		return 1;
	for (k = p->roles; *k != NULL; k++)
		if (strcmp(*k, role) == 0)
			return 1;
	return 0;
}

static int
by_order(const void *a, const void *b)
{
	const struct shown_panel	*x = a, *y = b;

	return (x->p->order > y->p->order) - (x->p->order < y->p->order);
}

/* What a record is called, or "" when it is gone or out of sight. */
static const char *
title_of(struct kiln_req *r, const struct entity *e, long long id)
{
	struct record	 rec;
	int		 t = entity_field(e, e->d->title);

	if (t < 0 || record_load(r, e, id, &rec) != REC_OK)
		return "";
	if (e->d->fields[t].type == KILN_REF)
		return rec.label[t] ? rec.label[t] : "";
	return rec.val[t] ? rec.val[t] : "";
}

/* The user's last changes to records, newest first. */
static void
recent(struct kiln_req *r)
{
	const struct entity	*e;
	struct db_stmt		*st;
	const char		*title;
	long long		 id;
	int			 any = 0, n = 0;

	out_open(r, "section");
	out_attr(r, "class", "panel recent");
	out_elem(r, "h2", _("Your recent work"));
	st = db_stmt(r->app->db, "SELECT at, action, entity, record_id FROM"
	    " audit WHERE login = ?1 AND record_id IS NOT NULL AND action IN"
	    " ('create', 'update', 'status', 'correct') ORDER BY id DESC"
	    " LIMIT " KILN_STR(RECENT_SCAN));
	if (st != NULL)
		db_bind_text(st, 1, r->user->login);
	while (st != NULL && n < RECENT && db_step(st) == DB_ROW) {
		/* A line of an order, say: its order's page tells it. */
		if ((e = entity_by_name(r->app, db_col_text(st, 2))) == NULL ||
		    (e->d->flags & KILN_E_NOT_IN_MENU))
			continue;
		id = db_col_int(st, 3);
		if (!any)
			out_open(r, "ul");
		any = 1;
		n++;
		out_open(r, "li");
		out_open(r, "time");
		out_attr(r, "datetime", db_col_text(st, 0));
		out_text(r, view_when(r, db_col_text(st, 0)));
		out_close(r);
		out_textf(r, " %s ", history_action_label(db_col_text(st, 1)));
		title = title_of(r, e, id);
		page_link(r, view_record_url(r, e, id), *title ? arena_printf(
		    r->arena, "%s %s", _(e->d->label), title) :
		    arena_printf(r->arena, "%s %lld", _(e->d->label), id));
		out_close(r);
	}
	db_done(st);
	if (any)
		out_close(r);
	else
		page_empty(r, _("Nothing yet: what you create and change"
		    " shows here."));
	out_close(r);
}

int
home_page(struct kiln_req *r)
{
	struct shown_panel		 sp[PANELS];
	const struct kiln_panel		*p;
	const struct kiln_services	*sv;
	const struct plugin		*was;
	size_t				 i, n = 0;

	for (i = 0; i < r->app->nplugins; i++)
		for (p = r->app->plugins[i].desc->panels; p != NULL &&
		    p->name != NULL && n < PANELS; p++)
			if (for_role(p, r->user->role)) {
				sp[n].p = p;
				sp[n++].plug = &r->app->plugins[i];
			}
	qsort(sp, n, sizeof(sp[0]), by_order);
	if (page_begin(r, 200, _("Home")) == -1)
		return -1;
	out_open(r, "h1");
	out_text(r, r->user->name && *r->user->name ? r->user->name :
	    r->user->login);
	out_close(r);
	out_open(r, "div");
	out_attr(r, "class", "panels");
	for (i = 0; i < n; i++) {
		out_open(r, "section");
		out_attrf(r, "class", "panel panel-%s", sp[i].p->name);
		out_elem(r, "h2", _(sp[i].p->label));
		sv = hook_enter(r, sp[i].plug, &was);
		sp[i].p->show(r, sv);
		hook_leave(r, was);
		out_close(r);
	}
	recent(r);
	out_close(r);
	return page_end(r);
}
