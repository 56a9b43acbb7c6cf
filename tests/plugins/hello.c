/*
 * hello.c - a test-only plugin: a page of its own at /hello through
 * the services table, proving the ABI end to end.
 */
#include <stdio.h>

#include "kiln-plugin.h"

static const struct kiln_services *host;

static int
hello_page(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*who = sv->param(r, "who");

	sv->begin(r, 200, "hello", "Hello");
	sv->open(r, "p");
	sv->attr(r, "class", "hello");
	sv->text(r, "Hello, ");
	sv->text(r, who ? who : "world");
	sv->close(r);
	return sv->end(r);
}

/*
 * GET /hello/#: the login of user #, read with the host's SQL service.
 * A record route, SQL with a bound value, a 404 of the host's shape.
 */
static int
hello_user(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, "SELECT login FROM users WHERE id = ?1")) ==
	    NULL)
		return sv->error(r, 500, "internal", "no statement");
	sv->bind_int(st, 1, sv->route_id(r));
	if ((rc = sv->step(st)) != 1) {
		sv->done(st);
		return sv->error(r, 404, "not_found", "No such user.");
	}
	sv->begin(r, 200, "hello", "Hello");
	sv->open(r, "p");
	sv->attr(r, "class", "hello-user");
	sv->text(r, sv->col_text(st, 0));
	sv->close(r);
	sv->done(st);
	return sv->end(r);
}

/* POST /hello/#/wave: a write in the host's transaction, audited. */
static int
hello_wave(struct kiln_req *r, const struct kiln_services *sv)
{
	char	 path[64];

	if (sv->begin_write(r) != 0)
		return sv->write_failed(r);
	if (sv->audit(r, "wave", "hello", sv->route_id(r),
	    sv->user_login(r)) != 0) {
		sv->rollback(r);
		return sv->error(r, 500, "internal", "audit failed");
	}
	if (sv->commit(r) != 0)
		return sv->write_failed(r);
	snprintf(path, sizeof(path), "/hello/%lld", sv->route_id(r));
	return sv->redirect(r, path);
}

/*
 * GET /hello/rows?of=ENTITY[&segment=..][&limit=..][&after=..]: rows
 * the user may read, from the host's query service, as
 * <rows next="CURSOR"><row key="value" ...>.
 */
static int
hello_rows(struct kiln_req *r, const struct kiln_services *sv)
{
	static const char *const keys[] = { "segment", "limit", "after", "q" };
	const struct kiln_kv	*rows, *kv;
	struct kiln_kv		 where[4];
	const char		*next, *v;
	char			 err[200], num[32];
	size_t			 i, j, ncols, nw = 0;
	long			 n;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((v = sv->param(r, keys[i])) != NULL)
			where[nw++] = (struct kiln_kv){ keys[i], KILN_KV_STR, v,
			    0 };
	v = sv->param(r, "of");
	if ((n = sv->rows(r, v ? v : "", where, nw, &rows, &ncols, &next,
	    err, sizeof(err))) < 0)
		return sv->error(r, 400, "bad_request", err);
	sv->begin(r, 200, "rows", "Rows");
	if (next != NULL)
		sv->attr(r, "next", next);
	for (i = 0; i < (size_t)n; i++) {
		sv->open(r, "row");
		for (j = 0; j < ncols; j++) {
			kv = &rows[i * ncols + j];
			if (kv->type == KILN_KV_STR)
				sv->attr(r, kv->key, kv->s);
			else if (kv->type != KILN_KV_NIL) {
				snprintf(num, sizeof(num), "%lld", kv->i);
				sv->attr(r, kv->key, num);
			}
		}
		sv->close(r);
	}
	return sv->end(r);
}

static int
hello_init(const struct kiln_services *sv)
{
	host = sv;
	sv->log(KILN_LOG_INFO, "plugin hello: init (services abi %u)",
	    sv->abi);
	return 0;
}

static const struct kiln_route routes[] = {
	{ "GET", "/hello", hello_page, NULL, NULL, 0 },
	{ "GET", "/hello/rows", hello_rows, NULL, NULL, 0 },
	{ "GET", "/hello/#", hello_user, NULL, NULL, 0 },
	{ "POST", "/hello/#/wave", hello_wave, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

/* It reads users' logins: the host's "user" view. */
static const char *const requires[] = { "user", NULL };

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("hello"),
	.description = "test plugin with one page",
	.init = hello_init,
	.routes = routes,
	.requires = requires,
};
