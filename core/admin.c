/*
 * admin.c - user administration pages; see admin.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "arena.h"
#include "audit.h"
#include "db.h"
#include "i18n.h"
#include "out.h"
#include "page.h"
#include "req.h"
#include "storage.h"
#include "user.h"
#include "value.h"
#include "view.h"

static void
role_select(struct kiln_req *r, const char *id, const char *cur)
{
	const char *const	*role;

	out_open(r, "select");
	out_attr(r, "name", "role");
	if (id != NULL)
		out_attr(r, "id", id);
	out_attr(r, "aria-label", _("Role"));
	for (role = user_roles; *role; role++) {
		out_open(r, "option");
		out_attr(r, "value", *role);
		if (cur != NULL && strcmp(cur, *role) == 0)
			out_attr(r, "selected", "selected");
		out_text(r, view_enum_label(r, *role));
		out_close(r);
	}
	out_close(r);
}

/* A row of the users table: who, and a link to their one form. */
static void
user_row(struct kiln_req *r, struct db_stmt *st)
{
	const char	*login = db_col_text(st, 0);

	out_open(r, "tr");
	out_open(r, "td");
	page_link(r, req_url(r, "/admin/users/%s", req_escape(r, login)),
	    login);
	out_close(r);
	out_elem(r, "td", db_col_text(st, 1));
	out_elem(r, "td", view_enum_label(r, db_col_text(st, 2)));
	out_elem(r, "td", db_col_text(st, 3));
	out_open(r, "td");
	if (!db_col_int(st, 4))
		out_attr(r, "class", "late");
	out_text(r, db_col_int(st, 4) ? _("Active") : _("Disabled"));
	out_close(r);
	out_close(r);
}

static void
add_form(struct kiln_req *r)
{
	static const struct {
		const char	*name;
		const char	*label;
		const char	*type;
	} fields[] = {
		{ "login", N_("Login"), "text" },
		{ "name", N_("Name"), "text" },
		{ "team", N_("Team"), "text" },
		{ "password", N_("Password"), "password" },
	};
	size_t	 i;

	out_elem(r, "h2", _("New user"));
	out_open(r, "form");
	out_attr(r, "method", "post");
	out_attr(r, "class", "record");
	out_attr(r, "action", req_url(r, "/admin/users"));
	page_csrf(r);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		out_open(r, "div");
		out_attr(r, "class", "field");
		out_open(r, "label");
		out_attrf(r, "for", "u-%s", fields[i].name);
		out_text(r, _(fields[i].label));
		out_close(r);
		out_open(r, "input");
		out_attrf(r, "id", "u-%s", fields[i].name);
		out_attr(r, "name", fields[i].name);
		out_attr(r, "type", fields[i].type);
		if (strcmp(fields[i].name, "password") == 0)
			out_attr(r, "autocomplete", "new-password");
		out_void(r);
		out_close(r);
	}
	out_open(r, "div");
	out_attr(r, "class", "field");
	out_open(r, "label");
	out_attr(r, "for", "u-role");
	out_text(r, _("Role"));
	out_close(r);
	role_select(r, "u-role", "sales");
	out_close(r);
	page_button(r, _("Add"), NULL);
	out_close(r);
}

static int
users_page(struct kiln_req *r, int status, const char *msg)
{
	static const char *const cols[] = {
		N_("Login"), N_("Name"), N_("Role"), N_("Team"), N_("State")
	};
	struct db_stmt	*st;

	if (page_begin(r, status, _("Users")) == -1)
		return -1;
	out_elem(r, "h1", _("Users"));
	if (msg != NULL)
		page_alert(r, status < 300 ? "notice" : "message", msg);
	out_open(r, "table");
	out_attr(r, "class", "list");
	page_thead(r, cols, sizeof(cols) / sizeof(cols[0]));
	out_open(r, "tbody");
	if ((st = db_stmt(r->app->db, "SELECT login, name, role, team, active"
	    " FROM users ORDER BY login LIMIT 1000")) != NULL) {
		while (db_step(st) == DB_ROW)
			user_row(r, st);
		db_done(st);
	}
	out_close(r);
	out_close(r);
	add_form(r);
	return page_end(r);
}

/* Run one change with its audit entry in one transaction. */
static int
change(struct kiln_req *r, const char *action, const char *login,
    const char *detail, int ok)
{
	if (!ok) {
		db_rollback(r->app->db);
		return users_page(r, 422, _("That change was refused; check"
		    " the values."));
	}
	if (audit_event(r, action, "user", 0, arena_printf(r->arena, "%s%s%s",
	    login, detail ? ": " : "", detail ? detail : "")) != 0 ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		return storage_answer(r, db_fault(r->app->db));
	}
	if (r->fmt == FMT_XML)
		return out_status_only(r, 204);
	return out_redirect(r, req_url(r, "/admin/users"));
}

/* A name or team user_text_ok() refuses: say why, change nothing. */
static int
text_refused(struct kiln_req *r)
{
	return users_page(r, 422, _("Names and teams cannot hold control"
	    " characters (such as a line break) or text direction"
	    " overrides."));
}

static int
add(struct kiln_req *r)
{
	const char	*login = req_param(r, "login");
	const char	*role = req_param(r, "role");
	const char	*name = req_param(r, "name");
	const char	*team = req_param(r, "team");
	const char	*pw = req_param(r, "password");

	if (login == NULL || !user_login_ok(login))
		return users_page(r, 422, _("A login is 2 to 64 of a-z 0-9 . _"
		    " - @."));
	if (role == NULL || !user_role_ok(role))
		return users_page(r, 422, _("Choose a role."));
	if (pw == NULL || strlen(pw) < USER_PASSWORD_MIN ||
	    strlen(pw) > USER_PASSWORD_MAX)
		return users_page(r, 422, _("A password has 8 to 1024 bytes."));
	if ((name != NULL && !user_text_ok(name)) ||
	    (team != NULL && !user_text_ok(team)))
		return text_refused(r);
	if (db_begin(r->app->db) != DB_OK)
		return storage_answer(r, db_fault(r->app->db));
	return change(r, "user_add", login, role, user_add(r->app->db, login,
	    role, name ? name : "", team ? team : "", pw) == 0);
}

static int
modify(struct kiln_req *r, const char *login, const char *what)
{
	const char	*v;
	int		 ok;

	if (strcmp(what, "team") == 0 && (v = req_param(r, "team")) != NULL &&
	    !user_text_ok(v))
		return text_refused(r);
	if (db_begin(r->app->db) != DB_OK)
		return storage_answer(r, db_fault(r->app->db));
	if (strcmp(what, "role") == 0) {
		v = req_param(r, "role");
		/* An administrator cannot lock everyone out by mistake. */
		if (strcmp(login, r->user->login) == 0 && v != NULL &&
		    strcmp(v, "admin") != 0) {
			db_rollback(r->app->db);
			return users_page(r, 422, _("You cannot take away your"
			    " own administrator role."));
		}
		ok = v != NULL && user_set_role(r->app->db, login, v) == 0;
	} else if (strcmp(what, "team") == 0) {
		v = req_param(r, "team");
		ok = v != NULL && value_utf8_len(v) <= 64 &&
		    user_set_team(r->app->db, login, v) == 0;
	} else if (strcmp(what, "password") == 0) {
		v = NULL;
		ok = req_param(r, "password") != NULL &&
		    user_set_password(r->app->db, login,
		    req_param(r, "password")) == 0;
	} else if (strcmp(what, "disable") == 0 ||
	    strcmp(what, "enable") == 0) {
		v = NULL;
		if (strcmp(login, r->user->login) == 0) {
			db_rollback(r->app->db);
			return users_page(r, 422,
			    _("You cannot disable yourself."));
		}
		ok = user_set_active(r->app->db, login,
		    strcmp(what, "enable") == 0) == 0;
	} else {
		db_rollback(r->app->db);
		return page_error(r, ERR_NOT_FOUND, _("No such page."),
		    NULL);
	}
	return change(r, what, login, v, ok);
}

/* A labelled field of the user form (div.field), its input left open. */
static void
field_open(struct kiln_req *r, const char *id, const char *label)
{
	out_open(r, "div");
	out_attr(r, "class", "field");
	out_open(r, "label");
	out_attr(r, "for", id);
	out_text(r, label);
	out_close(r);
}

/*
 * GET /admin/users/LOGIN: one form for everything about a user: role,
 * team, whether they may sign in, a new password.  msg: why the last
 * save was refused (the form shows what was sent), or NULL.
 */
static int
user_page(struct kiln_req *r, const char *login, int status,
    const char *msg)
{
	struct db_stmt	*st;
	const char	*role, *team, *name, *v;
	int		 active, rc;

	if ((st = db_stmt(r->app->db, "SELECT name, role, team, active FROM"
	    " users WHERE login = ?1")) == NULL)
		return storage_answer(r, db_fault(r->app->db));
	db_bind_text(st, 1, login);
	if ((rc = db_step(st)) != DB_ROW) {
		db_done(st);
		return rc == DB_DONE ? page_error(r, ERR_NOT_FOUND,
		    _("No such user."), NULL) :
		    storage_answer(r, db_fault(r->app->db));
	}
	name = arena_strdup(r->arena, db_col_text(st, 0));
	role = arena_strdup(r->arena, db_col_text(st, 1));
	team = arena_strdup(r->arena, db_col_text(st, 2));
	active = db_col_int(st, 3);
	db_done(st);
	if (msg != NULL) {	/* as sent */
		if ((v = req_param(r, "role")) != NULL)
			role = v;
		if ((v = req_param(r, "team")) != NULL)
			team = v;
		active = req_param(r, "active") != NULL;
	}
	if (page_begin(r, status, login) == -1)
		return -1;
	out_open(r, "h1");
	out_text(r, *name ? arena_printf(r->arena, "%s (%s)", name, login) :
	    login);
	out_close(r);
	if (msg != NULL)
		page_alert(r, "message", msg);
	out_open(r, "form");
	out_attr(r, "method", "post");
	out_attr(r, "class", "record");
	out_attr(r, "action", req_url(r, "/admin/users/%s",
	    req_escape(r, login)));
	page_csrf(r);
	field_open(r, "u-role", _("Role"));
	role_select(r, "u-role", role);
	out_close(r);
	field_open(r, "u-team", _("Team"));
	out_open(r, "input");
	out_attr(r, "id", "u-team");
	out_attr(r, "name", "team");
	out_attr(r, "maxlength", "64");
	out_attr(r, "value", team);
	out_void(r);
	out_close(r);
	field_open(r, "u-active", _("May sign in"));
	out_open(r, "input");
	out_attr(r, "id", "u-active");
	out_attr(r, "name", "active");
	out_attr(r, "type", "checkbox");
	out_attr(r, "value", "1");
	if (active)
		out_attr(r, "checked", "checked");
	out_void(r);
	out_close(r);
	field_open(r, "u-password", _("New password"));
	out_open(r, "input");
	out_attr(r, "id", "u-password");
	out_attr(r, "name", "password");
	out_attr(r, "type", "password");
	out_attr(r, "autocomplete", "new-password");
	out_attr(r, "placeholder", _("unchanged when empty"));
	out_void(r);
	out_close(r);
	out_open(r, "div");
	out_attr(r, "class", "actions");
	page_button(r, _("Save"), NULL);
	page_link(r, req_url(r, "/admin/users"), _("Cancel"));
	out_close(r);
	out_close(r);
	return page_end(r);
}

/* One aspect changed, with its audit entry; 0, or -1 (a fault). */
static int
audited(struct kiln_req *r, const char *action, const char *login,
    const char *detail)
{
	return audit_event(r, action, "user", 0, arena_printf(r->arena,
	    "%s%s%s", login, detail ? ": " : "", detail ? detail : ""));
}

/*
 * POST /admin/users/LOGIN: the user form saved, every change in one
 * transaction with an audit entry each (role, team, password, enable,
 * disable), so the trail reads as before; nothing when one is refused.
 */
static int
user_save(struct kiln_req *r, const char *login)
{
	struct db_stmt	*st;
	const char	*role = req_param(r, "role");
	const char	*team = req_param(r, "team");
	const char	*pw = req_param(r, "password");
	const char	*why = NULL;
	int		 active = req_param(r, "active") != NULL, was = 0, rc;
	char		 old_role[32] = "", old_team[256] = "";

	if (role == NULL || !user_role_ok(role))
		why = _("Choose a role.");
	else if (team == NULL || !user_text_ok(team) ||
	    value_utf8_len(team) > 64)
		why = _("Names and teams cannot hold control characters (such"
		    " as a line break) or text direction overrides.");
	else if (pw != NULL && *pw != '\0' && (strlen(pw) < USER_PASSWORD_MIN
	    || strlen(pw) > USER_PASSWORD_MAX))
		why = _("A password has 8 to 1024 bytes.");
	else if (strcmp(login, r->user->login) == 0 &&
	    strcmp(role, "admin") != 0)
		why = _("You cannot take away your own administrator role.");
	else if (strcmp(login, r->user->login) == 0 && !active)
		why = _("You cannot disable yourself.");
	if (why != NULL)
		return user_page(r, login, 422, why);
	if (db_begin(r->app->db) != DB_OK)
		return storage_answer(r, db_fault(r->app->db));
	if ((st = db_stmt(r->app->db, "SELECT role, team, active FROM users"
	    " WHERE login = ?1")) == NULL)
		goto fault;
	db_bind_text(st, 1, login);
	if ((rc = db_step(st)) == DB_ROW) {
		snprintf(old_role, sizeof(old_role), "%s", db_col_text(st, 0));
		snprintf(old_team, sizeof(old_team), "%s", db_col_text(st, 1));
		was = db_col_int(st, 2);
	}
	db_done(st);
	if (rc != DB_ROW) {
		db_rollback(r->app->db);
		return rc == DB_DONE ? page_error(r, ERR_NOT_FOUND,
		    _("No such user."), NULL) :
		    storage_answer(r, db_fault(r->app->db));
	}
	if ((strcmp(old_role, role) != 0 && (user_set_role(r->app->db, login,
	    role) != 0 || audited(r, "role", login, role) != 0)) ||
	    (strcmp(old_team, team) != 0 && (user_set_team(r->app->db, login,
	    team) != 0 || audited(r, "team", login, team) != 0)) ||
	    (pw != NULL && *pw != '\0' && (user_set_password(r->app->db,
	    login, pw) != 0 || audited(r, "password", login, NULL) != 0)) ||
	    (was != active && (user_set_active(r->app->db, login, active) != 0 ||
	    audited(r, active ? "enable" : "disable", login, NULL) != 0)))
		goto fault;
	if (db_commit(r->app->db) != DB_OK)
		goto fault;
	return out_redirect(r, req_url(r, "/admin/users?done=saved"));
fault:
	db_rollback(r->app->db);
	return storage_answer(r, db_fault(r->app->db));
}

int
admin_user(struct kiln_req *r)
{
	if (!user_login_ok(r->route_arg[0]))
		return page_error(r, ERR_NOT_FOUND, _("No such user."), NULL);
	if (r->method == M_POST)
		return user_save(r, r->route_arg[0]);
	return user_page(r, r->route_arg[0], 200, NULL);
}

int
admin_users(struct kiln_req *r)
{
	return users_page(r, 200, NULL);
}

int
admin_add(struct kiln_req *r)
{
	return add(r);
}

/* POST /admin/users/LOGIN/WHAT: a change of one user. */
int
admin_modify(struct kiln_req *r)
{
	if (!user_login_ok(r->route_arg[0]))
		return page_error(r, ERR_NOT_FOUND, _("No such user."), NULL);
	return modify(r, r->route_arg[0], r->route_arg[1]);
}
