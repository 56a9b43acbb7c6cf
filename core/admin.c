/*
 * admin.c - user administration pages; see admin.h.
 */
#include "config.h"

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

/* A small form posting to /admin/users/LOGIN/ACTION. */
static void
form_open(struct kiln_req *r, const char *login, const char *action)
{
	out_open(r, "form");
	out_attr(r, "method", "post");
	out_attr(r, "class", "inline");
	out_attr(r, "action", req_url(r, "/admin/users/%s/%s",
	    req_escape(r, login), action));
	page_csrf(r);
}

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

/*
 * A cell holding a one-field form for LOGIN: field FIELD (posted as the
 * action of that name), VALUE shown unless NULL (then a password
 * field), and its button.
 */
static void
field_cell(struct kiln_req *r, const char *login, const char *field,
    const char *label, const char *value, const char *button)
{
	out_open(r, "td");
	form_open(r, login, field);
	out_open(r, "input");
	out_attr(r, "name", field);
	if (value != NULL) {
		out_attr(r, "size", "8");
		out_attr(r, "value", value);
	} else {
		out_attr(r, "type", "password");
		out_attr(r, "autocomplete", "new-password");
	}
	out_attr(r, "aria-label", label);
	out_void(r);
	page_button(r, button, NULL);
	out_close(r);
	out_close(r);
}

static void
user_row(struct kiln_req *r, struct db_stmt *st)
{
	const char	*login = db_col_text(st, 0);
	int		 active = db_col_int(st, 4);

	out_open(r, "tr");
	out_elem(r, "td", login);
	out_elem(r, "td", db_col_text(st, 1));
	out_open(r, "td");
	form_open(r, login, "role");
	role_select(r, NULL, db_col_text(st, 2));
	page_button(r, _("Change"), NULL);
	out_close(r);
	out_close(r);
	field_cell(r, login, "team", _("Team"),
	    db_col_text(st, 3), _("Change"));
	/* No value: a new password is typed, never shown. */
	field_cell(r, login, "password", _("New password"), NULL,
	    _("Reset password"));
	out_open(r, "td");
	form_open(r, login, active ? "disable" : "enable");
	page_button(r, active ? _("Disable") : _("Enable"), active ? "danger" :
	    NULL);
	out_close(r);
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
		N_("Login"), N_("Name"), N_("Role"), N_("Team"),
		N_("Password"), N_("State")
	};
	struct db_stmt	*st;

	if (page_begin(r, status, _("Users")) == -1)
		return -1;
	out_elem(r, "h1", _("Users"));
	if (msg != NULL) {
		out_open(r, "p");
		out_attr(r, "class", status < 300 ? "notice" : "message");
		out_attr(r, "role", "alert");
		out_text(r, msg);
		out_close(r);
	}
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
