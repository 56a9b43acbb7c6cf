/*
 * view.c - rendering of record values; see view.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acl.h"
#include "app.h"
#include "db.h"
#include "arena.h"
#include "entity.h"
#include "hook.h"
#include "i18n.h"
#include "out.h"
#include "pick.h"
#include "plugin.h"
#include "req.h"
#include "value.h"
#include "view.h"

const char *
view_record_url(struct kiln_req *r, const struct entity *e, long long id)
{
	return req_record_url(r, e->d->plural, id);
}

static const char *
money_text(struct kiln_req *r, const char *v)
{
	long long	 x;
	char		 buf[MONEY_BUFSZ];

	if (v == NULL || value_int_parse(v, &x) != 0)
		return v;
	return arena_strdup(r->arena, value_money_format(x, buf));
}

/* The sign people know a currency by, before the amount; else its code. */
static const struct {
	const char	*code;
	const char	*sign;
} signs[] = {
	{ "CNY", "\u00a5" }, { "JPY", "\u00a5" }, { "USD", "$" },
	{ "EUR", "\u20ac" }, { "GBP", "\u00a3" }, { "HKD", "HK$" },
	{ "SGD", "S$" },
};

const char *
view_money(struct kiln_req *r, long long v)
{
	const char	*cur = r->app->conf.currency, *sign = NULL;
	char		 buf[MONEY_BUFSZ];
	size_t		 i;

	for (i = 0; i < sizeof(signs) / sizeof(signs[0]); i++)
		if (strcmp(signs[i].code, cur) == 0)
			sign = signs[i].sign;
	value_money_grouped(v, buf);
	/* The sign before the currency: -¥1,234.50. */
	if (sign == NULL)
		return arena_printf(r->arena, "%s%s\u00a0%s", v < 0 ? "-" : "",
		    cur, buf + (v < 0));
	return arena_printf(r->arena, "%s%s%s", v < 0 ? "-" : "", sign,
	    buf + (v < 0));
}

const char *
view_when(struct kiln_req *r, const char *iso)
{
	struct tm	 tm;
	time_t		 t;
	char		 buf[32];

	if (iso == NULL || !value_datetime_ok(iso))
		return iso;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return iso;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	t = timegm(&tm);
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm) == 0)
		return iso;
	return arena_strdup(r->arena, buf);
}

/* "key_account" -> "Key account", then through the catalogue. */
const char *
view_enum_label(struct kiln_req *r, const char *v)
{
	char	*s, *p;

	if ((s = arena_strdup(r->arena, v)) == NULL)
		return v;
	for (p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (*s >= 'a' && *s <= 'z')
		*s -= 'a' - 'A';
	return _(s);
}

const char *
view_text(struct kiln_req *r, const struct entity *e,
    const struct record *rec, size_t i)
{
	const struct kiln_field	*f = &e->d->fields[i];
	const char		*v = rec->val[i];

	long long		 x;

	if (v == NULL)
		return "";
	switch (f->type) {
	case KILN_MONEY:
		return value_int_parse(v, &x) == 0 ? view_money(r, x) : v;
	case KILN_DATETIME:
		return view_when(r, v);
	case KILN_BOOL:
		return strcmp(v, "1") == 0 ? _("yes") : _("no");
	case KILN_REF:
		if (rec->name != NULL && rec->name[i] != NULL)
			return rec->name[i];
		return rec->label[i] ? rec->label[i] : v;
	case KILN_ENUM:
		return view_enum_label(r, v);
	default:
		return v;
	}
}

const char *
view_plain(struct kiln_req *r, const struct entity *e,
    const struct record *rec, size_t i)
{
	const char	*v = rec->val[i];

	if (v == NULL)
		return "";
	if (e->d->fields[i].type == KILN_MONEY)
		return money_text(r, v);
	return v;
}

void
view_xml_record(struct kiln_req *r, const struct entity *e,
    const struct record *rec)
{
	const struct kiln_field		*f;
	const struct kiln_services	*sv;
	const struct plugin		*was;
	char				 num[MONEY_BUFSZ];
	size_t				 i;

	out_open(r, e->d->name);
	out_attr(r, "id", value_int_format(rec->id, num));
	out_attr(r, "href", view_record_url(r, e, rec->id));
	out_attr(r, "version", value_int_format(rec->version, num));
	for (i = 0; i < e->d->nfields; i++) {
		f = &e->d->fields[i];
		out_open(r, f->name);
		if (f->type == KILN_MONEY) {
			out_attr(r, "currency", r->app->conf.currency);
			out_text(r, money_text(r, rec->val[i]));
		} else if (f->type == KILN_REF) {
			if (rec->val[i] != NULL) {
				out_attr(r, "id", rec->val[i]);
				out_text(r, rec->label[i]);
			}
		} else if (f->type == KILN_BOOL)
			out_text(r, rec->val[i] && strcmp(rec->val[i], "1") == 0 ?
			    "true" : "false");
		else
			out_text(r, rec->val[i]);
		out_close(r);
	}
	out_elem(r, "created_at", rec->created_at);
	out_elem(r, "updated_at", rec->updated_at);
	if (e->d->xml != NULL) {
		sv = hook_enter(r, e->plug, &was);
		e->d->xml(r, sv, rec->id);
		hook_leave(r, was);
	}
	out_close(r);
}

static const char *
input_type(const struct kiln_field *f)
{
	switch (f->type) {
	case KILN_EMAIL:
		return "email";
	case KILN_PHONE:
		return "tel";
	case KILN_URL:
		return "url";
	case KILN_DATE:
		return "date";
	case KILN_DATETIME:
		return "datetime-local";
	case KILN_INT:
		return "number";
	default:
		return "text";
	}
}

static void
select_options(struct kiln_req *r, const struct kiln_field *f,
    const char *cur)
{
	const char *const	*o;

	for (o = f->options; *o != NULL; o++) {
		out_open(r, "option");
		out_attr(r, "value", *o);
		if (cur != NULL && strcmp(cur, *o) == 0)
			out_attr(r, "selected", "selected");
		out_text(r, view_enum_label(r, *o));
		out_close(r);
	}
}

/*
 * Users are few: a reference to one is picked from a list.  For the
 * owner field the list holds only the owners one may give a record to
 * (oneself; one's team; anyone), and the record's present owner.
 */
static void
user_select(struct kiln_req *r, const struct kiln_field *f, const char *id,
    const char *val, enum acl_scope scope)
{
	struct db_stmt	*st;
	const char	*uid;
	long long	 cur = 0;

	out_open(r, "select");
	out_attr(r, "id", id);
	out_attr(r, "name", f->name);
	out_open(r, "option");
	out_attr(r, "value", "");
	out_text(r, "\u2014");
	out_close(r);
	st = db_stmt(r->app->db, "SELECT id, login, name FROM users"
	    " WHERE active = 1 AND (?1 OR id = ?2 OR id = ?3 OR"
	    " (?5 AND team = ?4 AND team <> '')) ORDER BY login LIMIT 1000");
	if (st != NULL) {
		if (val != NULL)
			(void)value_int_parse(val, &cur);
		db_bind_int(st, 1, scope == ACL_ALL);
		db_bind_int(st, 5, scope == ACL_TEAM);
		db_bind_int(st, 2, r->user ? r->user->id : 0);
		db_bind_int(st, 3, cur);
		db_bind_text(st, 4, r->user && r->user->team ?
		    r->user->team : "");
	}
	while (st != NULL && db_step(st) == DB_ROW) {
		uid = db_col_text(st, 0);
		out_open(r, "option");
		out_attr(r, "value", uid);
		if (val != NULL && strcmp(val, uid) == 0)
			out_attr(r, "selected", "selected");
		out_textf(r, "%s (%s)", db_col_text(st, 2),
		    db_col_text(st, 1));
		out_close(r);
	}
	db_done(st);
	out_close(r);
}

static void
widget(struct kiln_req *r, const struct entity *e,
    const struct kiln_field *f, const char *id, const char *val)
{
	if (f->type == KILN_REF && strcmp(f->ref, "user") == 0) {
		user_select(r, f, id, val, (f->flags & KILN_F_OWNER) ?
		    acl_write(r, e) : ACL_ALL);
		return;
	}
	if (f->type == KILN_ENUM || f->type == KILN_BOOL) {
		out_open(r, "select");
		out_attr(r, "id", id);
		out_attr(r, "name", f->name);
		/* Optional without a default: none is a choice too. */
		if (f->type == KILN_ENUM && f->def == NULL &&
		    !(f->flags & KILN_F_REQUIRED)) {
			out_open(r, "option");
			out_attr(r, "value", "");
			out_text(r, "\u2014");
			out_close(r);
		}
		if (f->type == KILN_ENUM)
			select_options(r, f, val);
		else {
			out_open(r, "option");
			out_attr(r, "value", "0");
			out_text(r, _("no"));
			out_close(r);
			out_open(r, "option");
			out_attr(r, "value", "1");
			if (val != NULL && strcmp(val, "1") == 0)
				out_attr(r, "selected", "selected");
			out_text(r, _("yes"));
			out_close(r);
		}
		out_close(r);
		return;
	}
	if (f->flags & KILN_F_LONG) {
		out_open(r, "textarea");
		out_attr(r, "id", id);
		out_attr(r, "name", f->name);
		out_attr(r, "rows", "4");
		out_text(r, val);
		out_close(r);	/* full end tag, even when empty */
		return;
	}
	out_open(r, "input");
	out_attr(r, "id", id);
	out_attr(r, "name", f->name);
	out_attr(r, "type", input_type(f));
	if (f->type == KILN_MONEY)
		out_attr(r, "inputmode", "decimal");
	if (f->flags & KILN_F_REQUIRED)
		out_attr(r, "required", "required");
	if (f->max > 0 && !entity_is_numeric(f) && f->type != KILN_DATE)
		out_attrf(r, "maxlength", "%lld", f->max);
	/* A stored time as the installation's clock shows it. */
	if (f->type == KILN_DATETIME && val != NULL &&
	    value_datetime_ok(val) && (val = view_when(r, val)) != NULL &&
	    strlen(val) == 16)
		val = arena_printf(r->arena, "%.10sT%s", val, val + 11);
	out_attr(r, "value", val ? val : "");
	out_void(r);
}

void
view_form_fields(struct kiln_req *r, const struct entity *e,
    const struct record *rec, const struct ferrs *fe)
{
	const struct kiln_field	*f;
	const char		*val, *id, *err;
	size_t			 i, k;

	for (i = 0; i < e->d->nfields; i++) {
		f = &e->d->fields[i];
		if (f->flags & (KILN_F_COMPUTED | KILN_F_NOFORM))
			continue;
		err = NULL;
		for (k = 0; fe != NULL && k < fe->n; k++)
			if (fe->v[k].field &&
			    strcmp(fe->v[k].field, f->name) == 0)
				err = fe->v[k].msg;
		val = rec->val[i];
		/* Money is edited as "1234.50", unless it came back bad. */
		if (f->type == KILN_MONEY && err == NULL)
			val = money_text(r, val);
		id = arena_printf(r->arena, "f-%s", f->name);
		/* Kept for other roles: shown, not offered (not sent back). */
		if (!entity_may_set(r, f)) {
			out_open(r, "div");
			out_attr(r, "class", "field readonly");
			out_elem(r, "span", _(f->label));
			out_open(r, "output");
			out_attr(r, "id", id);
			out_text(r, view_text(r, e, rec, i));
			out_close(r);
			out_close(r);
			continue;
		}
		out_open(r, "div");
		out_attr(r, "class", err ? "field invalid" : "field");
		out_open(r, "label");
		out_attr(r, "for", id);
		out_text(r, _(f->label));
		if (f->flags & KILN_F_REQUIRED)
			out_text(r, " *");
		out_close(r);
		if (f->type == KILN_REF && e->refent[i] != NULL)
			pick_widget(r, e, rec, i, id);
		else
			widget(r, e, f, id, val);
		if (err != NULL) {
			out_open(r, "p");
			out_attr(r, "class", "message");
			out_text(r, err);
			out_close(r);
		}
		out_close(r);
	}
}

/*
 * RFC 4180 quoting, and cells a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR first) get a leading apostrophe.
 */
void
view_csv_cell(struct abuf *b, const char *s, int last)
{
	const char	*p;

	if (s == NULL)
		s = "";
	abuf_add(b, "\"");
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' ||
	    *s == '\t' || *s == '\r')
		abuf_add(b, "'");
	for (p = s; *p; p++) {
		if (*p == '"')
			abuf_add(b, "\"\"");
		else
			abuf_addn(b, p, 1);
	}
	abuf_add(b, last ? "\"\r\n" : "\",");
}
