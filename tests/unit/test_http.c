/*
 * test_http.c - whole requests through http_serve() with an
 * in-memory transport, against a real database, the real customers
 * plugin and the shipped rules: the contract's behaviours, fast,
 * inside `make check`.  The same behaviours are tested through real
 * nginx and Apache in tests/regress (storage faults: tests/regress/faults).
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <sodium.h>

#include "app.h"
#include "db.h"
#include "error.h"
#include "arena.h"
#include "audit.h"
#include "cli.h"
#include "http.h"
#include "log.h"
#include "memio.h"
#include "plugin.h"
#include "proxy.h"
#include "req.h"
#include "throttle.h"
#include "user.h"

static struct app	 app;
static struct arena	*A;
static char		 dir[] = "/tmp/kiln-test-XXXXXX";
static char		 dbpath[256];
static char		 ruledir[256];	/* a copy of lua/ the tests may edit */
static char		 token[128];
static char		 auth[160];
static char		 fin_auth[160];	/* fin.ma, admin: grants credit */

static char	*resp;		/* the last response, headers and body */

static long long	 scalar(const char *);

/*
 * Run one request.  extra: more NAME, VALUE pairs (NULL-terminated)
 * or NULL.  Returns the status.
 */
static int
req(const char *method, const char *path, const char *query,
    const char *ctype, const char *body, const char **extra)
{
	const char	*env[64];
	char		 cl[32];
	struct memio	 m;
	struct io	 io;
	size_t		 n = 0, i;

	env[n++] = "REQUEST_METHOD";	env[n++] = method;
	env[n++] = "SCRIPT_NAME";	env[n++] = "/crm";
	env[n++] = "PATH_INFO";		env[n++] = path;
	env[n++] = "QUERY_STRING";	env[n++] = query ? query : "";
	env[n++] = "HTTP_HOST";		env[n++] = "127.0.0.1";
	if (body != NULL) {
		snprintf(cl, sizeof(cl), "%zu", strlen(body));
		env[n++] = "CONTENT_LENGTH";	env[n++] = cl;
		env[n++] = "CONTENT_TYPE";	env[n++] = ctype;
	}
	for (i = 0; extra != NULL && extra[i] != NULL; i++)
		env[n++] = extra[i];
	env[n] = NULL;
	memio_init(&m, &io, env, body, body ? strlen(body) : 0, 1);
	assert_int_equal(http_serve(&app, &io, A), 0);
	free(resp);
	resp = m.out;
	assert_non_null(resp);
	assert_int_equal(strncmp(resp, "Status: ", 8), 0);
	return atoi(resp + 8);
}

static const char *bearer[] = { NULL, NULL, NULL };
static const char *bearer_xml[] = { NULL, NULL, "HTTP_ACCEPT",
    "application/xml", NULL };

/* An API client: bearer token, XML both ways. */
static int
api(const char *method, const char *path, const char *query,
    const char *xml)
{
	return req(method, path, query, "application/xml", xml, bearer_xml);
}

/* The same as an administrator (fin.ma), who may set credit and invoices. */
static int
fapi(const char *method, const char *path, const char *query,
    const char *xml)
{
	const char	*env[] = { "HTTP_AUTHORIZATION", fin_auth,
	    "HTTP_ACCEPT", "application/xml", NULL };

	return req(method, path, query, "application/xml", xml, env);
}

/*
 * A customer of li.wei's (user 1) with credit granted: an administrator
 * creates it for him.  xml starts with "<customer>".
 */
static int
customer_for_li(const char *xml)
{
	char	 doc[2048];

	snprintf(doc, sizeof(doc), "<customer><owner id=\"1\"/>%s",
	    xml + strlen("<customer>"));
	return fapi("POST", "/customers", NULL, doc);
}

static int
has(const char *s)
{
	return strstr(resp, s) != NULL;
}

/* Does the <select name=NAME> of the response offer s? */
static int
select_has(const char *name, const char *s)
{
	char		 open[80];
	const char	*p, *e, *q;

	snprintf(open, sizeof(open), "name=\"%s\"", name);
	if ((p = strstr(resp, open)) == NULL ||
	    (e = strstr(p, "</select>")) == NULL)
		return 0;
	return (q = strstr(p, s)) != NULL && q < e;
}

/* The value of a response header, copied into buf. */
static const char *
header(const char *name, char *buf, size_t sz)
{
	const char	*p = strstr(resp, name), *e;

	if (p == NULL)
		return NULL;
	p += strlen(name) + 2;
	e = strstr(p, "\r\n");
	snprintf(buf, sz, "%.*s", (int)(e - p), p);
	return buf;
}

static int
setup(void **state)
{
	struct conf	 conf;
	const char	*lua = getenv("KILN_LUA_DIR");
	const char	*plugins = getenv("KILN_BUILD_PLUGINS");
	const char	*extra = getenv("KILN_TEST_PLUGINS");
	static char	 dirs[1024];
	char		 cmd[600];

	(void)state;
	log_set_quiet(1);
	assert_true(sodium_init() >= 0);
	assert_non_null(mkdtemp(dir));
	snprintf(dbpath, sizeof(dbpath), "%s/kiln.db", dir);
	conf_defaults(&conf);
	conf.db = dbpath;
	/* The real plugins and the test ones (hello: record routes, SQL). */
	snprintf(dirs, sizeof(dirs), "%s:%s", plugins ? plugins :
	    "plugins/.libs", extra ? extra : "tests/plugins/.libs");
	conf.plugins = dirs;
	/* A copy of the shipped rules: tests edit them as an admin would. */
	snprintf(ruledir, sizeof(ruledir), "%s/lua", dir);
	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", lua ? lua : "lua",
	    ruledir);
	assert_int_equal(system(cmd), 0);
	conf.rules = ruledir;
	assert_int_equal(app_open(&app, &conf, APP_CREATE | APP_RULES), 0);
	assert_int_equal(app_migrate(&app), 0);
	assert_int_equal(user_add(app.db, "li.wei", "sales", "李伟", "east",
	    "correct horse battery"), 0);
	assert_int_equal(user_token_new(app.db, "li.wei", "test", token,
	    sizeof(token)), 0);
	snprintf(auth, sizeof(auth), "Bearer %s", token);
	assert_int_equal(user_add(app.db, "fin.ma", "admin", "马会计", "",
	    "correct horse battery"), 0);
	assert_int_equal(user_token_new(app.db, "fin.ma", "test", token,
	    sizeof(token)), 0);
	snprintf(fin_auth, sizeof(fin_auth), "Bearer %s", token);
	assert_int_equal(user_token_new(app.db, "li.wei", "test", token,
	    sizeof(token)), 0);
	bearer[0] = "HTTP_AUTHORIZATION";
	bearer[1] = auth;
	bearer_xml[0] = "HTTP_AUTHORIZATION";
	bearer_xml[1] = auth;
	A = arena_new(64 * 1024);
	return 0;
}

static int
teardown(void **state)
{
	char	 cmd[512];

	(void)state;
	free(resp);
	arena_free(A);
	app_close(&app);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
health_and_auth(void **state)
{
	char	 b[256];

	(void)state;
	assert_int_equal(req("GET", "/health", NULL, NULL, NULL, NULL), 200);
	assert_true(has("\r\n\r\nok\n"));
	assert_int_equal(req("GET", "/customers", NULL, NULL, NULL, NULL),
	    303);
	assert_string_equal(header("Location", b, sizeof(b)), "/crm/login");
	assert_int_equal(req("GET", "/customers.xml", NULL, NULL, NULL, NULL),
	    401);
	assert_true(has("code=\"unauthenticated\""));
	assert_int_equal(req("GET", "/customers.xml", NULL, NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", "Bearer kiln_nope",
	    NULL }), 401);
	assert_true(has("Content-Security-Policy: default-src 'self'"));
}

static void
create_read_update_delete(void **state)
{
	char	 loc[256], path[256];

	(void)state;
	assert_int_equal(customer_for_li(
	    "<customer><name>Acme &lt;Tools&gt; &amp; \"Sons\"</name>"
	    "<segment>key_account</segment><credit_limit>50000.00"
	    "</credit_limit><payment_terms>net60</payment_terms>"
	    "<city>苏州</city><email>buy@acme.example.com</email>"
	    "<phone>+86 512 1234 5678</phone></customer>"), 201);
	assert_non_null(header("Location", loc, sizeof(loc)));
	assert_int_equal(strncmp(loc, "/crm/customers/", 15), 0);
	assert_true(has("<name>Acme &lt;Tools&gt; &amp; &quot;Sons&quot;</name>"));
	assert_true(has("<credit_limit currency=\"CNY\">50000.00"));
	assert_true(has("<owner id=\"1\">li.wei</owner>"));
	assert_true(has("version=\"1\""));
	snprintf(path, sizeof(path), "%s", loc + 4);
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	assert_true(has("<city>苏州</city>"));
	/* HTML shows markup as text. */
	assert_int_equal(req("GET", path, NULL, NULL, NULL, bearer), 200);
	assert_true(has("Acme &lt;Tools&gt; &amp; &quot;Sons&quot;") ||
	    has("Acme &lt;Tools&gt; &amp; \"Sons\""));
	assert_false(has("<Tools>"));
	/* Stale version: 409 and nothing changes. */
	assert_int_equal(api("PATCH", path, NULL,
	    "<customer version=\"9\"><city>Ningbo</city></customer>"), 409);
	assert_true(has("code=\"stale\""));
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	assert_true(has("<city>苏州</city>"));
	assert_int_equal(api("PATCH", path, NULL,
	    "<customer version=\"1\"><city>Ningbo</city></customer>"), 200);
	assert_true(has("version=\"2\""));
	assert_true(has("<city>Ningbo</city>"));
	assert_true(has("<segment>key_account</segment>"));
	/* Form-encoded update works too, and lands on a page saying so. */
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded",
	    "version=2&notes=%E5%A4%87%E6%B3%A8", bearer), 303);
	assert_non_null(header("Location", loc, sizeof(loc)));
	assert_non_null(strstr(loc, "?done=saved"));
	assert_int_equal(req("GET", path, "done=saved", NULL, NULL, bearer),
	    200);
	assert_true(has("<p class=\"flash\" role=\"status\">Saved.</p>"));
	/* Only the table's words: a key it lacks says nothing at all. */
	assert_int_equal(req("GET", path, "done=%3Cb%3Ehi", NULL, NULL,
	    bearer), 200);
	assert_false(has("class=\"flash\""));
	/* Delete is asked first: a page with the form, changing nothing. */
	assert_int_equal(req("GET", path, NULL, NULL, NULL, bearer), 200);
	assert_false(has("<form method=\"post\" class=\"delete\""));
	assert_true(has("/delete\">Delete\u2026</a>"));
	assert_int_equal(req("GET", arena_printf(A, "%s/delete", path), NULL,
	    NULL, NULL, bearer), 200);
	assert_true(has("<form method=\"post\" class=\"delete\""));
	assert_true(has("name=\"version\" value=\"3\""));
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	/* A delete names the version it saw, as an update does. */
	assert_int_equal(api("DELETE", path, NULL, NULL), 400);
	assert_int_equal(api("DELETE", path, "version=2", NULL), 409);
	assert_true(has("code=\"stale\""));
	assert_int_equal(api("DELETE", path, "version=3", NULL), 204);
	assert_int_equal(api("GET", path, NULL, NULL), 404);
	assert_true(has("code=\"not_found\""));
}

static void
validation(void **state)
{
	(void)state;
	assert_int_equal(fapi("POST", "/customers", NULL,
	    "<customer><name></name><credit_limit>1e309</credit_limit>"
	    "<segment>vip</segment><email>nope</email>"
	    "<website>javascript:alert(1)</website></customer>"), 422);
	assert_true(has("code=\"invalid\""));
	assert_true(has("<field name=\"credit_limit\">"));
	assert_true(has("<field name=\"segment\">"));
	assert_true(has("<field name=\"email\">"));
	assert_true(has("<field name=\"website\">"));
	assert_int_equal(fapi("POST", "/customers", NULL,
	    "<customer><name>x</name><credit_limit>NaN</credit_limit>"
	    "</customer>"), 422);
	assert_int_equal(fapi("POST", "/customers", NULL,
	    "<customer><name>x</name><credit_limit>92233720368547758.08"
	    "</credit_limit></customer>"), 422);
	/* The payment-terms rule: a prospect pays up front. */
	assert_int_equal(fapi("POST", "/customers", NULL,
	    "<customer><name>New Lead Ltd</name><segment>prospect</segment>"
	    "<payment_terms>net30</payment_terms></customer>"), 422);
	assert_true(has("payment_terms"));
	/* Duplicate fields are ambiguous. */
	assert_int_equal(req("POST", "/customers", NULL,
	    "application/x-www-form-urlencoded", "name=a&name=b", bearer),
	    400);
	/* Nothing above was stored. */
	assert_int_equal(api("GET", "/customers.xml", "q=New+Lead", NULL), 200);
	assert_false(has("<customer "));
}

static void
bodies(void **state)
{
	(void)state;
	assert_int_equal(req("POST", "/customers", NULL, "application/xml",
	    NULL, (const char *[]){ "HTTP_AUTHORIZATION", auth,
	    "CONTENT_LENGTH", "20971520", "CONTENT_TYPE", "application/xml",
	    NULL }), 413);
	assert_int_equal(req("POST", "/customers", NULL, NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", auth, "CONTENT_TYPE",
	    "application/xml", NULL }), 411);
	assert_int_equal(req("POST", "/customers", NULL, "text/plain",
	    "name=x", bearer), 415);
	assert_int_equal(api("POST", "/customers", NULL,
	    "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
	    "<customer><name>&e;</name></customer>"), 415);
	assert_int_equal(req("POST", "/customers", NULL,
	    "application/x-www-form-urlencoded", "name=%00x", bearer), 400);
	/* A document of another kind is not silently taken as a customer. */
	assert_int_equal(api("POST", "/customers", NULL,
	    "<contact><name>Wrong Root Ltd</name></contact>"), 400);
	assert_int_equal(api("GET", "/customers.xml", "q=Wrong+Root", NULL),
	    200);
	assert_false(has("<customer "));
	assert_int_equal(req("POST", "/customers", NULL,
	    "application/x-www-form-urlencoded", "name=%C3%28", bearer), 400);
}

static void
lists(void **state)
{
	static const char *names[] = {
		"Delta Valves AG", "华东精密机械有限公司", "Apex Tools Ltd",
		"苏州轴承有限公司", "Cobalt Castings Inc.", "Baltic Drives",
		"Orion Plastics", "宁波模具有限公司"
	};
	char		 xml[512], next[512], q[512], *p;
	size_t		 i;
	int		 pages = 0, seen = 0;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(xml, sizeof(xml), "<customer><name>%s</name>"
		    "<segment>%s</segment><city>%s</city>"
		    "<email>buyer@example.com</email></customer>",
		    names[i], i % 2 ? "small_loyal" : "project",
		    i % 3 ? "Suzhou" : "Ningbo");
		assert_int_equal(api("POST", "/customers", NULL, xml), 201);
	}
	/* Keyset pages of 3 cover everything once, in order. */
	snprintf(q, sizeof(q), "limit=3");
	for (;;) {
		assert_int_equal(api("GET", "/customers.xml", q, NULL), 200);
		pages++;
		for (p = resp; (p = strstr(p, "<customer ")) != NULL; p++)
			seen++;
		if ((p = strstr(resp, "next=\"")) == NULL)
			break;
		snprintf(next, sizeof(next), "%.*s",
		    (int)strcspn(p + 6, "\""), p + 6);
		assert_non_null(strstr(next, "/crm/customers.xml?"));
		snprintf(q, sizeof(q), "%s", strchr(next, '?') + 1);
		/* The attribute escapes '&': undo it as an XML parser would. */
		while ((p = strstr(q, "&amp;")) != NULL)
			memmove(p + 1, p + 5, strlen(p + 5) + 1);
		assert_true(pages < 10);
	}
	assert_int_equal(seen, 8);
	assert_int_equal(pages, 3);
	/* Search: substring (trigram index) and short terms. */
	assert_int_equal(api("GET", "/customers.xml", "q=%E7%B2%BE%E5%AF%86%E6%9C%BA",
	    NULL), 200);
	assert_true(has("华东精密机械有限公司"));
	assert_false(has("苏州轴承"));
	assert_int_equal(api("GET", "/customers.xml", "q=%E8%BD%B4", NULL), 200);
	assert_true(has("苏州轴承有限公司"));
	assert_int_equal(api("GET", "/customers.xml",
	    "segment=small_loyal&city=Ningbo", NULL), 200);
	assert_true(has("苏州轴承有限公司"));
	assert_false(has("Baltic Drives"));
	assert_false(has("Delta Valves"));
	/* Sort allowlist; hostile input is refused or harmless. */
	assert_int_equal(api("GET", "/customers.xml", "sort=-name&limit=1",
	    NULL), 200);
	assert_true(has("苏州轴承有限公司"));
	assert_int_equal(api("GET", "/customers.xml",
	    "sort=name%3BDROP+TABLE+customers", NULL), 400);
	assert_int_equal(api("GET", "/customers.xml", "sort=notes", NULL), 400);
	assert_int_equal(api("GET", "/customers.xml", "limit=501", NULL), 400);
	/* updated_since: what changed since a poll; a bad time is 400. */
	assert_int_equal(api("GET", "/customers.xml",
	    "updated_since=2000-01-01T00:00:00Z&limit=500", NULL), 200);
	assert_true(has("Baltic Drives"));
	assert_int_equal(api("GET", "/customers.xml",
	    "updated_since=2999-01-01", NULL), 200);
	assert_false(has("<customer "));
	assert_int_equal(api("GET", "/customers.xml",
	    "updated_since=yesterday", NULL), 400);
	assert_int_equal(api("GET", "/customers.xml", "limit=0", NULL), 400);
	assert_int_equal(api("GET", "/customers.xml", "after=%21%21", NULL),
	    400);
	assert_int_equal(api("GET", "/customers.xml",
	    "q=%27+OR+1%3D1+--", NULL), 200);
	assert_false(has("<customer "));
	assert_int_equal(api("GET", "/customers.xml", "owner=1+OR+1", NULL),
	    400);
	/* CSV: a header and a row per customer, formulas neutralised. */
	assert_int_equal(api("POST", "/customers", NULL,
	    "<customer><name>=HYPERLINK(\"http://x\")</name></customer>"), 201);
	assert_int_equal(req("GET", "/customers.csv", NULL, NULL, NULL, bearer),
	    200);
	assert_true(has("text/csv"));
	assert_true(has("\"id\",\"version\",\"name\""));
	assert_true(has("\"'=HYPERLINK(\"\"http://x\"\")\""));
}

static void
routes(void **state)
{
	(void)state;
	assert_int_equal(api("GET", "/nowhere", NULL, NULL), 404);
	assert_int_equal(api("GET", "/customers/abc", NULL, NULL), 404);
	assert_int_equal(api("GET", "/customers/1%20OR%201=1", NULL, NULL),
	    404);
	assert_int_equal(api("GET", "/customers/99999999999999999999",
	    NULL, NULL), 404);
	assert_int_equal(api("GET", "/customers/0", NULL, NULL), 404);
	assert_int_equal(req("GET", "/customers/new", NULL, NULL, NULL,
	    bearer), 200);
	assert_true(has("<form method=\"post\""));
	assert_true(has("<textarea id=\"f-notes\" name=\"notes\" rows=\"4\">"
	    "</textarea>"));
	/* The home page: its panels and the core's own. */
	assert_int_equal(req("GET", "/", NULL, NULL, NULL, bearer), 200);
	assert_true(has("<div class=\"panels\">"));
	assert_true(has("<section class=\"panel recent\">"));
}

static void
sessions_and_csrf(void **state)
{
	char		 cookie[256], csrf[128], body[512], b[256];
	const char	*p;
	const char	*env[8];

	(void)state;
	assert_int_equal(req("GET", "/login", NULL, NULL, NULL, NULL), 200);
	assert_int_equal(req("POST", "/login", NULL,
	    "application/x-www-form-urlencoded",
	    "login=li.wei&password=wrong+password", NULL), 401);
	assert_null(strstr(resp, "Set-Cookie"));
	assert_int_equal(req("POST", "/login", NULL,
	    "application/x-www-form-urlencoded",
	    "login=nobody&password=wrong+password", NULL), 401);
	/* Origin on another port of this host is another site. */
	assert_int_equal(req("POST", "/login", NULL,
	    "application/x-www-form-urlencoded",
	    "login=li.wei&password=correct+horse+battery",
	    (const char *[]){ "HTTP_ORIGIN", "http://127.0.0.1:9999",
	    "SERVER_PORT", "8080", NULL }), 403);
	/* HTTP_HOST without its port (Debian's nginx): SERVER_PORT fills in. */
	assert_int_equal(req("POST", "/login", NULL,
	    "application/x-www-form-urlencoded",
	    "login=li.wei&password=correct+horse+battery",
	    (const char *[]){ "HTTP_ORIGIN", "http://127.0.0.1:8080",
	    "SERVER_PORT", "8080", "HTTP_SEC_FETCH_SITE", "same-origin",
	    NULL }), 303);
	assert_non_null(header("Set-Cookie", b, sizeof(b)));
	assert_non_null(strstr(b, "HttpOnly"));
	assert_non_null(strstr(b, "SameSite=Lax"));
	assert_non_null(strstr(b, "Path=/crm"));
	snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(b, ";"), b);
	env[0] = "HTTP_COOKIE";
	env[1] = cookie;
	env[2] = NULL;
	assert_int_equal(req("GET", "/customers/new", NULL, NULL, NULL, env),
	    200);
	p = strstr(resp, "name=\"csrf\" value=\"");
	assert_non_null(p);
	snprintf(csrf, sizeof(csrf), "%.*s", (int)strcspn(p + 19, "\""),
	    p + 19);
	/* Without the token: 403 csrf, and nothing is stored. */
	assert_int_equal(req("POST", "/customers", NULL,
	    "application/x-www-form-urlencoded", "name=Forged+Co", env), 403);
	assert_true(has("Forbidden"));
	/* A cross-site browser request fails even with the token. */
	snprintf(body, sizeof(body), "name=Cross+Co&csrf=%s", csrf);
	env[2] = "HTTP_SEC_FETCH_SITE";
	env[3] = "cross-site";
	env[4] = NULL;
	assert_int_equal(req("POST", "/customers", NULL,
	    "application/x-www-form-urlencoded", body, env), 403);
	env[2] = NULL;
	/* The token in the query string is refused, in the body it works. */
	snprintf(b, sizeof(b), "csrf=%s", csrf);
	assert_int_equal(req("POST", "/customers", b,
	    "application/x-www-form-urlencoded", "name=Query+Token+Co", env),
	    403);
	assert_int_equal(req("POST", "/customers", b, "application/xml",
	    "<customer><name>Query Token Co</name></customer>", env), 403);
	assert_int_equal(scalar("SELECT count(*) FROM customers"
	    " WHERE name = 'Query Token Co'"), 0);
	/* Invalid form: re-shown with values kept and a message. */
	snprintf(body, sizeof(body), "name=Form+%%3Cb%%3E+Co&csrf=%s"
	    "&email=12x", csrf);
	assert_int_equal(req("POST", "/customers", NULL,
	    "application/x-www-form-urlencoded", body, env), 422);
	assert_true(has("value=\"Form &lt;b&gt; Co\""));
	assert_true(has("value=\"12x\""));
	assert_true(has("field invalid"));
	snprintf(body, sizeof(body), "name=Form+Co&csrf=%s", csrf);
	assert_int_equal(req("POST", "/customers", NULL,
	    "application/x-www-form-urlencoded", body, env), 303);
	/* Logout ends the session on the server. */
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	assert_int_equal(req("POST", "/logout", NULL,
	    "application/x-www-form-urlencoded", body, env), 303);
	assert_int_equal(req("GET", "/customers", NULL, NULL, NULL, env), 303);
}

/* A user with an API token; returns the Authorization header value. */
static const char *
user_with_token(const char *login, const char *role, const char *team)
{
	static char	 hdrs[32][160];
	static int	 n;
	char		 tok[128];

	assert_int_equal(user_add(app.db, login, role, login, team,
	    "correct horse battery"), 0);
	assert_int_equal(user_token_new(app.db, login, "t", tok, sizeof(tok)),
	    0);
	assert_true(n < 32);
	snprintf(hdrs[n], sizeof(hdrs[n]), "Bearer %s", tok);
	return hdrs[n++];
}

/* An API request as the user whose Authorization header is auth. */
static int
as(const char *who, const char *method, const char *path,
    const char *query, const char *xml)
{
	const char	*env[] = { "HTTP_AUTHORIZATION", who, "HTTP_ACCEPT",
	    "application/xml", NULL };

	return req(method, path, query, "application/xml", xml, env);
}

static void
record_access(void **state)
{
	const char	*zhou, *wang, *sun, *zhang, *john;
	char		 loc[128], path[128], cpath[128], xml[256];

	(void)state;
	zhou = user_with_token("zhou.tao", "sales", "east");
	wang = user_with_token("wang.fang", "manager", "east");
	sun = user_with_token("sun.li", "manager", "south");
	zhang = user_with_token("zhang.min", "finance", "");
	john = user_with_token("john.smith", "sales", "export");
	/* li.wei (sales, east) owns a customer. */
	assert_int_equal(api("POST", "/customers", NULL,
	    "<customer><name>Private Gears Co</name><segment>small_loyal"
	    "</segment><email>p@example.com</email></customer>"), 201);
	header("Location", loc, sizeof(loc));
	snprintf(path, sizeof(path), "%s", loc + 4);
	/* Another salesperson of the same team: not there at all. */
	assert_int_equal(as(zhou, "GET", path, NULL, NULL), 404);
	assert_int_equal(as(zhou, "GET", "/customers.xml", "q=Private+Gears",
	    NULL), 200);
	assert_false(has("Private Gears"));
	assert_int_equal(as(zhou, "GET", "/customers.xml", "limit=500", NULL),
	    200);
	assert_false(has("Private Gears"));
	assert_int_equal(req("GET", "/customers.csv", NULL, NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", zhou, NULL }), 200);
	assert_false(has("Private Gears"));
	assert_int_equal(as(zhou, "PATCH", path, NULL,
	    "<customer version=\"1\"><city>Hacked</city></customer>"), 404);
	assert_int_equal(as(zhou, "DELETE", path, "version=1", NULL), 404);
	snprintf(xml, sizeof(xml), "<contact><customer>%s</customer>"
	    "<name>Spy</name></contact>", strrchr(path, '/') + 1);
	assert_int_equal(as(zhou, "POST", "/contacts", NULL, xml), 422);
	/* Nor may a salesperson create for someone else. */
	assert_int_equal(as(zhou, "POST", "/customers", NULL,
	    "<customer><name>Gift Ltd</name><owner>1</owner></customer>"),
	    403);
	/* The manager of another team does not see it either. */
	assert_int_equal(as(sun, "GET", path, NULL, NULL), 404);
	/* Their own manager sees and changes it, within the team. */
	assert_int_equal(as(wang, "GET", path, NULL, NULL), 200);
	assert_int_equal(as(wang, "PATCH", path, NULL,
	    "<customer version=\"1\"><city>Wuxi</city></customer>"), 200);
	assert_int_equal(as(wang, "PATCH", path, NULL,
	    "<customer version=\"2\"><owner>6</owner></customer>"), 403);
	/* Finance reads every customer and changes none but its credit. */
	assert_int_equal(as(zhang, "GET", path, NULL, NULL), 200);
	assert_true(has("<city>Wuxi</city>"));
	assert_int_equal(as(zhang, "PATCH", path, NULL,
	    "<customer version=\"2\"><city>X</city></customer>"), 403);
	assert_true(has("code=\"forbidden\""));
	assert_true(has("<field name=\"city\">"));
	assert_int_equal(as(zhang, "PATCH", path, NULL,
	    "<customer version=\"2\"><city>X</city><credit_limit>5.00"
	    "</credit_limit></customer>"), 403);
	assert_int_equal(as(zhang, "POST", "/customers", NULL,
	    "<customer><name>Finance Co</name></customer>"), 403);
	assert_int_equal(as(zhang, "DELETE", path, "version=2", NULL), 403);
	/* ... while the salesperson may not grant it credit. */
	assert_int_equal(as(wang, "PATCH", path, NULL,
	    "<customer version=\"2\"><credit_limit>5.00</credit_limit>"
	    "</customer>"), 403);
	assert_true(has("<field name=\"credit_limit\">"));
	assert_true(has("credit_limit."));
	/* Sending it back unchanged (a whole document) is no attempt. */
	assert_int_equal(as(wang, "PATCH", path, NULL,
	    "<customer version=\"2\"><credit_limit>0.00</credit_limit>"
	    "<payment_terms>prepaid</payment_terms></customer>"), 200);
	assert_int_equal(as(zhang, "PATCH", path, NULL,
	    "<customer version=\"3\"><credit_limit>5.00</credit_limit>"
	    "</customer>"), 200);
	assert_true(has("<credit_limit currency=\"CNY\">5.00"));
	/* The form shows finance the credit alone to change. */
	assert_int_equal(req("GET", arena_printf(A, "%s/edit", path), NULL,
	    NULL, NULL, (const char *[]){ "HTTP_AUTHORIZATION", zhang,
	    NULL }), 200);
	assert_true(has("name=\"credit_limit\""));
	assert_false(has("name=\"city\""));
	/* A salesperson's owner list holds only themselves. */
	assert_int_equal(req("GET", "/customers/new", NULL, NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", zhou, NULL }), 200);
	assert_true(select_has("owner", "(zhou.tao)</option>"));
	assert_false(select_has("owner", "(li.wei)</option>"));
	/* A manager's, their team. */
	assert_int_equal(req("GET", "/customers/new", NULL, NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", wang, NULL }), 200);
	assert_true(select_has("owner", "(zhou.tao)</option>"));
	assert_true(select_has("owner", "(li.wei)</option>"));
	assert_false(select_has("owner", "(john.smith)</option>"));
	/* Nothing refused above changed the record. */
	assert_int_equal(as(wang, "GET", path, NULL, NULL), 200);
	assert_true(has("version=\"4\""));
	assert_true(has("<city>Wuxi</city>"));
	assert_int_equal(as(john, "GET", path, NULL, NULL), 404);
	/* li.wei's contact at the customer is his while the customer is. */
	snprintf(xml, sizeof(xml), "<contact><customer>%s</customer>"
	    "<name>Handed Over</name></contact>", strrchr(path, '/') + 1);
	assert_int_equal(api("POST", "/contacts", NULL, xml), 201);
	header("Location", loc, sizeof(loc));
	snprintf(cpath, sizeof(cpath), "%s", loc + 4);
	assert_int_equal(as(zhou, "GET", cpath, NULL, NULL), 404);
	/* The manager hands it to zhou.tao, of the same team. */
	snprintf(xml, sizeof(xml), "<customer version=\"4\"><owner>%lld"
	    "</owner></customer>", scalar("SELECT id FROM users WHERE"
	    " login = 'zhou.tao'"));
	assert_int_equal(as(wang, "PATCH", path, NULL, xml), 200);
	assert_int_equal(as(zhou, "GET", path, NULL, NULL), 200);
	assert_int_equal(api("GET", path, NULL, NULL), 404);
	/* Its contacts go with it: the new owner's, no longer the old's. */
	assert_int_equal(as(zhou, "GET", cpath, NULL, NULL), 200);
	assert_true(has("<owner id=\""));
	assert_true(has(">zhou.tao</owner>"));
	assert_int_equal(api("GET", cpath, NULL, NULL), 404);
	assert_int_equal(api("DELETE", cpath, "version=1", NULL), 404);
	assert_int_equal(api("GET", "/contacts.xml", "q=Handed", NULL), 200);
	assert_false(has("Handed Over"));
	assert_int_equal(as(zhou, "GET", "/contacts.xml", "q=Handed", NULL),
	    200);
	assert_true(has("Handed Over"));
	/* A contact is not moved to a customer out of reach. */
	assert_int_equal(api("POST", "/customers", NULL, "<customer><name>"
	    "Li Own Co</name></customer>"), 201);
	header("Location", loc, sizeof(loc));
	snprintf(xml, sizeof(xml), "<contact version=\"1\"><customer>%s"
	    "</customer></contact>", strrchr(loc, '/') + 1);
	assert_int_equal(as(zhou, "PATCH", cpath, NULL, xml), 422);
}

/* One number from the database. */
static long long
scalar(const char *sql)
{
	sqlite3_stmt	*st;
	long long	 v = -1;

	assert_int_equal(sqlite3_prepare_v2(db_handle(app.db), sql, -1, &st,
	    NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* One text from the database, kept in the arena. */
static const char *
scalar_text(const char *sql)
{
	sqlite3_stmt	*st;
	const char	*v = "";

	assert_int_equal(sqlite3_prepare_v2(db_handle(app.db), sql, -1, &st,
	    NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = arena_strdup(A, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/*
 * Time passes: order o was invoiced (its total) 70 days ago, as the API
 * would have recorded it, history included.
 */
static void
invoiced_long_ago(long long o)
{
	assert_int_equal(sqlite3_exec(db_handle(app.db), arena_printf(A,
	    "UPDATE orders SET status = 'invoiced', status_seq = status_seq"
	    " + 1, invoiced_amount = total, invoiced_date = date('now',"
	    " '-70 days') WHERE id = %lld; INSERT INTO order_history"
	    " (\"order\", seq, status, by_login, at) VALUES (%lld, (SELECT"
	    " max(seq) + 1 FROM order_history WHERE \"order\" = %lld),"
	    " 'invoiced', 'erp', date('now', '-70 days'))", o, o, o),
	    NULL, NULL, NULL), SQLITE_OK);
}

/*
 * People read money with separators and the currency's sign, times in
 * the installation's time zone, users by name; programs (XML, CSV) get
 * the stored forms.
 */
static void
people_read(void **state)
{
	char		 loc[128], path[128];
	long long	 id;

	(void)state;
	assert_int_equal(customer_for_li(
	    "<customer><name>Readable Ltd</name><city>Wuxi</city>"
	    "<segment>small_loyal</segment><email>r@example.com</email>"
	    "<credit_limit>1935000.00</credit_limit></customer>"), 201);
	header("Location", loc, sizeof(loc));
	snprintf(path, sizeof(path), "%s", loc + 4);
	id = atoll(strrchr(path, '/') + 1);
	assert_int_equal(sqlite3_exec(db_handle(app.db), arena_printf(A,
	    "UPDATE customers SET updated_at = '2026-01-15T20:30:00Z'"
	    " WHERE id = %lld", id), NULL, NULL, NULL), SQLITE_OK);
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_int_equal(req("GET", path, NULL, NULL, NULL, bearer), 200);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_true(has("\u00a5" "1,935,000.00"));
	assert_true(has("2026-01-16 04:30"));	/* UTC+8 */
	assert_true(has("\u674e\u4f1f"));	/* the owner by name, 李伟 */
	assert_false(has(">li.wei<"));
	/* XML: the stored forms. */
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	assert_true(has("<credit_limit currency=\"CNY\">1935000.00<"));
	assert_true(has("<updated_at>2026-01-15T20:30:00Z</updated_at>"));
	assert_true(has(">li.wei</owner>"));
	/* A list says how many, pages back to the first, and an empty
	 * search how to see everything again. */
	assert_int_equal(req("GET", "/customers", "limit=1", NULL, NULL,
	    bearer), 200);
	assert_true(has("<p class=\"count\">"));
	assert_true(has(" in all</p>"));
	assert_true(has("rel=\"next\""));
	assert_false(has("rel=\"first\""));
	assert_int_equal(req("GET", "/customers", "q=zzzz-no-such-name",
	    NULL, NULL, bearer), 200);
	assert_true(has("Nothing found."));
	assert_true(has("<p class=\"reset\"><a href=\"/crm/customers\">"
	    "Show all</a>"));
	assert_false(has("<p class=\"count\">"));
}

static void
audit_trail(void **state)
{
	const char	*root;
	char		 loc[128], path[128], q[512];
	long long	 id;

	(void)state;
	root = user_with_token("root.admin", "admin", "");
	/* Finance grants li.wei's customer credit, then changes it. */
	assert_int_equal(customer_for_li(
	    "<customer><name>Audited Ltd</name><city>Suzhou</city>"
	    "<segment>small_loyal</segment><email>a@example.com</email>"
	    "<credit_limit>100.00</credit_limit></customer>"), 201);
	header("Location", loc, sizeof(loc));
	snprintf(path, sizeof(path), "%s", loc + 4);
	id = atoll(strrchr(path, '/') + 1);
	assert_int_equal(fapi("PATCH", path, NULL, "<customer version=\"1\">"
	    "<city>Ningbo</city><credit_limit>0</credit_limit></customer>"),
	    200);
	/* A refused change leaves no trace but refused data. */
	assert_int_equal(api("PATCH", path, NULL, "<customer version=\"1\">"
	    "<city>Stale</city></customer>"), 409);
	snprintf(q, sizeof(q), "SELECT count(*) FROM audit WHERE entity ="
	    " 'customer' AND record_id = %lld AND login = 'fin.ma'", id);
	assert_int_equal(scalar(q), 2);
	snprintf(q, sizeof(q), "SELECT count(*) FROM audit WHERE entity ="
	    " 'customer' AND record_id = %lld AND login = 'li.wei'", id);
	assert_int_equal(scalar(q), 0);
	snprintf(q, sizeof(q), "SELECT count(*) FROM audit a JOIN audit_changes"
	    " c ON c.audit_id = a.id WHERE a.action = 'update' AND"
	    " a.record_id = %lld AND ((c.field = 'city' AND c.old = 'Suzhou'"
	    " AND c.new = 'Ningbo') OR (c.field = 'credit_limit' AND"
	    " c.old = '10000' AND c.new = '0'))", id);
	assert_int_equal(scalar(q), 2);
	/* The record's page shows its history. */
	assert_int_equal(req("GET", path, NULL, NULL, NULL, bearer), 200);
	assert_true(has("<section class=\"history\">"));
	assert_true(has("<del>Suzhou</del>"));
	/* Money as people read it, fields by their labels. */
	assert_true(has("<del>\u00a5100.00</del>"));
	assert_true(has("<b>Credit limit</b>"));
	assert_false(has("<b>credit_limit</b>"));
	/* Only administrators read the whole trail. */
	assert_int_equal(req("GET", "/audit", NULL, NULL, NULL, bearer), 403);
	assert_int_equal(req("GET", "/audit", "login=fin.ma&action=update",
	    NULL, NULL, (const char *[]){ "HTTP_AUTHORIZATION", root, NULL }),
	    200);
	assert_true(has("Ningbo"));
	/* Action and record type are choices, the current one chosen. */
	assert_true(has("<select name=\"action\" aria-label=\"Action\">"));
	assert_true(has("<option value=\"update\" selected=\"selected\">"
	    "Changed</option>"));
	assert_true(has("<option value=\"customer\">Customer</option>"));
	assert_int_equal(req("GET", "/audit", "record=x", NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", root, NULL }), 400);
	/* Exports and logins are events too. */
	assert_int_equal(req("GET", "/customers.csv", NULL, NULL, NULL, bearer),
	    200);
	assert_true(scalar("SELECT count(*) FROM audit WHERE action = 'export'"
	    " AND login = 'li.wei'") >= 1);
	assert_true(scalar("SELECT count(*) FROM audit WHERE action ="
	    " 'login_failed' AND detail = 'li.wei'") >= 1);
	assert_true(scalar("SELECT count(*) FROM audit WHERE action = 'login'"
	    " AND login = 'li.wei'") >= 1);
	/* Append-only. */
	assert_int_not_equal(sqlite3_exec(db_handle(app.db),
	    "UPDATE audit SET login = 'nobody'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db_handle(app.db),
	    "DELETE FROM audit_changes", NULL, NULL, NULL), SQLITE_OK);
}

static long long spray(const char *, int, int);
static void	 sprayed(int, long, char *, size_t);

static int
login_from(const char *ip, const char *login, const char *password)
{
	char	 body[256];

	snprintf(body, sizeof(body), "login=%s&password=%s", login, password);
	return req("POST", "/login", NULL, "application/x-www-form-urlencoded",
	    body, (const char *[]){ "REMOTE_ADDR", ip, NULL });
}

static void
throttling(void **state)
{
	char	 b[64];
	int	 i;

	(void)state;
	assert_int_equal(user_add(app.db, "slow.poke", "sales", "", "",
	    "the right password"), 0);
	/* Five failures are free; the sixth attempt must wait. */
	for (i = 0; i < 5; i++)
		assert_int_equal(login_from("10.9.9.9", "slow.poke", "wrong"),
		    401);
	assert_int_equal(login_from("10.9.9.9", "slow.poke",
	    "the+right+password"), 429);
	assert_non_null(header("Retry-After", b, sizeof(b)));
	assert_true(atoi(b) >= 1);
	/* An unknown login is throttled the same way: nothing tells them apart. */
	for (i = 0; i < 5; i++)
		assert_int_equal(login_from("10.9.9.8", "no.such.user", "x"),
		    401);
	assert_int_equal(login_from("10.9.9.8", "no.such.user", "x"), 429);
	/* Once the wait is over (here: the failures aged), it logs in. */
	assert_int_equal(sqlite3_exec(db_handle(app.db), "UPDATE login_attempts"
	    " SET at = at - 7200 WHERE login = 'slow.poke'", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(login_from("10.9.9.7", "slow.poke",
	    "the+right+password"), 303);
	/*
	 * Spraying: one address failing over many logins waits, 1 s after
	 * more than 10 logins, twice as long with every 10 more, at most
	 * 60 s: a delay, not an hour-long wall for everyone behind it.
	 */
	sprayed(11, 1, b, sizeof(b));
	sprayed(31, 4, b, sizeof(b));
	sprayed(500, 60, b, sizeof(b));
	assert_int_equal(login_from("10.1.1.2", "slow.poke",
	    "the+right+password"), 303);
	/* A minute after the last failure the right password gets in. */
	spray("10.1.1.1", 500, 61);
	assert_int_equal(login_from("10.1.1.1", "slow.poke",
	    "the+right+password"), 303);
	/* One login's failures alone do not slow its address down. */
	for (i = 0; i < 12; i++)
		(void)login_from("10.1.1.3", "no.such.user", "x");
	assert_int_equal(login_from("10.1.1.3", "slow.poke",
	    "the+right+password"), 303);
}

/*
 * The attempts of a password sprayer from ip: n logins failed, the
 * last one age seconds ago (replacing what the address had).
 */
static long long
spray(const char *ip, int n, int age)
{
	struct db_stmt	*st;
	long long	 now = time(NULL);

	assert_non_null(st = db_stmt(app.db, "DELETE FROM login_attempts"
	    " WHERE ip = ?1"));
	db_bind_text(st, 1, ip);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	assert_non_null(st = db_stmt(app.db, "WITH RECURSIVE n(i) AS"
	    " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)"
	    " INSERT INTO login_attempts (at, login, ip, ok)"
	    " SELECT ?3 - (i > 1), 'spray' || i, ?1, 0 FROM n"));
	db_bind_text(st, 1, ip);
	db_bind_int(st, 2, n);
	db_bind_int(st, 3, now - age);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	return now;
}

/*
 * After n logins failed from one address just now, the wait is want
 * seconds, counted from the spray's own clock (the wall clock may
 * tick between it and the login, so HTTP's Retry-After is at most
 * want and at least 1).
 */
static void
sprayed(int n, long want, char *b, size_t bsz)
{
	long long	 at = spray("10.1.1.1", n, 0);

	assert_int_equal(throttle_wait(app.db, "slow.poke", "10.1.1.1", at),
	    want);
	assert_int_equal(login_from("10.1.1.1", "slow.poke",
	    "the+right+password"), 429);
	assert_non_null(header("Retry-After", b, bsz));
	assert_in_range(atoi(b), 1, want);
}

/* A public page counts an IPv6 client by its /64, IPv4 by address. */
static void
public_clients(void **state)
{
	char	 buf[64];

	(void)state;
	assert_string_equal(throttle_client("192.0.2.7", buf, sizeof(buf)),
	    "192.0.2.7");
	assert_string_equal(throttle_client("2001:db8:1:2:aa:bb:cc:dd", buf,
	    sizeof(buf)), "2001:db8:1:2::/64");
	assert_string_equal(throttle_client("2001:db8:1:2::ffff", buf,
	    sizeof(buf)), "2001:db8:1:2::/64");
	assert_string_equal(throttle_client("::1", buf, sizeof(buf)),
	    "::/64");
	assert_string_equal(throttle_client("not:an:address", buf,
	    sizeof(buf)), "not:an:address");
}

/*
 * Throttling fails closed: when an attempt cannot be recorded (a full
 * or read-only database) or the attempts cannot be counted, logins
 * are refused with 503 before any password is checked.
 */
static void
throttling_fails_closed(void **state)
{
	char		 b[64];
	sqlite3		*h = db_handle(app.db);

	(void)state;
	assert_int_equal(user_add(app.db, "locked.out", "sales", "", "",
	    "the right password"), 0);
	assert_int_equal(sqlite3_exec(h, "CREATE TEMP TRIGGER full BEFORE"
	    " INSERT ON login_attempts BEGIN SELECT RAISE(ABORT, 'disk full');"
	    " END", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(login_from("10.2.2.2", "locked.out",
	    "the+right+password"), 503);
	assert_true(has("Logins are paused"));
	assert_null(strstr(resp, "Set-Cookie"));
	assert_non_null(header("Retry-After", b, sizeof(b)));
	assert_int_equal(req("POST", "/login", NULL,
	    "application/x-www-form-urlencoded",
	    "login=locked.out&password=wrong", (const char *[]){
	    "HTTP_ACCEPT", "application/xml", NULL }), 503);
	assert_true(has("code=\"busy\""));
	assert_int_equal(sqlite3_exec(h, "DROP TRIGGER temp.full", NULL, NULL,
	    NULL), SQLITE_OK);
	/* The counts cannot be read: the same. */
	assert_int_equal(sqlite3_exec(h, "ALTER TABLE login_attempts RENAME"
	    " TO login_attempts_away", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(login_from("10.2.2.2", "locked.out",
	    "the+right+password"), 503);
	assert_null(strstr(resp, "Set-Cookie"));
	assert_int_equal(sqlite3_exec(h, "ALTER TABLE login_attempts_away"
	    " RENAME TO login_attempts", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(login_from("10.2.2.2", "locked.out",
	    "the+right+password"), 303);
}

/*
 * Behind a trusted proxy the client is the right-most address of
 * X-Forwarded-For that is not a trusted proxy; anyone else's header
 * counts for nothing.
 */
static void
trusted_proxies(void **state)
{
	const char	*saved = app.conf.trusted_proxies;
	char		 b[64];

	(void)state;
	assert_int_equal(proxy_list_ok("10.0.0.1, 10.8.0.0/16 fd00::/8"), 0);
	assert_int_equal(proxy_list_ok("10.0.0.1 nonsense"), -1);
	assert_int_equal(proxy_list_ok("10.0.0.0/33"), -1);
	assert_true(proxy_trusted("10.8.0.0/16", "10.8.200.1"));
	assert_false(proxy_trusted("10.8.0.0/16", "10.9.0.1"));
	assert_true(proxy_trusted("10.8.0.0/13", "10.15.0.1"));
	assert_false(proxy_trusted("10.8.0.0/13", "10.16.0.1"));
	assert_true(proxy_trusted("fd00::/8", "fd12::1"));
	assert_false(proxy_trusted("fd00::/8", "10.0.0.1"));
	app.conf.trusted_proxies = "10.0.0.1 10.8.0.0/16";
	/* A sprayer behind the proxy is slowed down, not its neighbours. */
	spray("192.0.2.66", 500, 0);
	assert_int_equal(req("POST", "/login", NULL,
	    "application/x-www-form-urlencoded",
	    "login=slow.poke&password=the+right+password", (const char *[]){
	    "REMOTE_ADDR", "10.0.0.1", "HTTP_X_FORWARDED_FOR",
	    "6.6.6.6, 192.0.2.66, 10.8.1.1", NULL }), 429);
	assert_non_null(header("Retry-After", b, sizeof(b)));
	assert_in_range(atoi(b), 1, 60);
	assert_int_equal(req("POST", "/login", NULL,
	    "application/x-www-form-urlencoded",
	    "login=slow.poke&password=the+right+password", (const char *[]){
	    "REMOTE_ADDR", "10.0.0.1", "HTTP_X_FORWARDED_FOR", "192.0.2.67",
	    NULL }), 303);
	/* Not a trusted proxy: its X-Forwarded-For is nobody's word. */
	spray("192.0.2.68", 500, 0);
	assert_int_equal(req("POST", "/login", NULL,
	    "application/x-www-form-urlencoded",
	    "login=slow.poke&password=the+right+password", (const char *[]){
	    "REMOTE_ADDR", "192.0.2.68", "HTTP_X_FORWARDED_FOR", "192.0.2.69",
	    NULL }), 429);
	app.conf.trusted_proxies = saved;
}

static void
password_rehash(void **state)
{
	char		 weak[crypto_pwhash_STRBYTES], sql[512];

	(void)state;
	assert_int_equal(user_add(app.db, "old.hash", "sales", "", "",
	    "an old password"), 0);
	/* A hash made with weaker parameters, as an older Kiln would have. */
	assert_int_equal(crypto_pwhash_str(weak, "an old password", 15,
	    crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN), 0);
	snprintf(sql, sizeof(sql), "UPDATE users SET password = '%s'"
	    " WHERE login = 'old.hash'", weak);
	assert_int_equal(sqlite3_exec(db_handle(app.db), sql, NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(login_from("10.2.2.2", "old.hash",
	    "an+old+password"), 303);
	assert_int_equal(scalar("SELECT count(*) FROM users WHERE login ="
	    " 'old.hash' AND password LIKE '$argon2id$v=19$m=65536,t=2,p=1$%'"),
	    1);
	assert_int_equal(login_from("10.2.2.2", "old.hash",
	    "an+old+password"), 303);
}

static void
token_page(void **state)
{
	const char	*mine[] = { "HTTP_AUTHORIZATION", NULL, "HTTP_ACCEPT",
	    "application/xml", NULL };
	char		 tok[128], auth2[160], path[64];
	const char	*p;
	long long	 id;

	(void)state;
	assert_int_equal(req("GET", "/tokens", NULL, NULL, NULL, bearer), 200);
	assert_true(has("<td>test</td>"));
	assert_int_equal(req("POST", "/tokens", NULL,
	    "application/x-www-form-urlencoded", "label=nightly+ERP+sync",
	    bearer_xml), 201);
	assert_non_null(p = strstr(resp, "<token>"));
	snprintf(tok, sizeof(tok), "%.*s", (int)strcspn(p + 7, "<"), p + 7);
	assert_int_equal(strncmp(tok, "kiln_", 5), 0);
	snprintf(auth2, sizeof(auth2), "Bearer %s", tok);
	mine[1] = auth2;
	assert_int_equal(req("GET", "/customers.xml", NULL, NULL, NULL, mine),
	    200);
	id = scalar("SELECT max(id) FROM tokens");
	/* Someone else cannot revoke it; its owner can, at once. */
	snprintf(path, sizeof(path), "/tokens/%lld/revoke", id);
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", "", (const char *[]){
	    "HTTP_AUTHORIZATION", user_with_token("other.user", "sales", ""),
	    "HTTP_ACCEPT", "application/xml", NULL }), 404);
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", "", mine), 204);
	assert_int_equal(req("GET", "/customers.xml", NULL, NULL, NULL, mine),
	    401);
	assert_true(scalar("SELECT count(*) FROM audit WHERE action IN"
	    " ('token_new', 'token_revoke')") >= 2);
	assert_int_equal(req("POST", "/tokens", NULL,
	    "application/x-www-form-urlencoded", "label=", bearer_xml), 422);
}

static void
admin_users(void **state)
{
	const char	*root;
	const char	*env[] = { "HTTP_AUTHORIZATION", NULL, NULL };
	char		 body[256];

	(void)state;
	root = user_with_token("chief.admin", "admin", "");
	env[1] = root;
	assert_int_equal(req("GET", "/admin/users", NULL, NULL, NULL, bearer),
	    403);
	assert_int_equal(req("GET", "/admin/users", NULL, NULL, NULL, env),
	    200);
	/* A row per user, its login the way to that user's one form. */
	assert_true(has("<a href=\"/crm/admin/users/li.wei\">li.wei</a>"));
	assert_int_equal(req("GET", "/admin/users/li.wei", NULL, NULL, NULL,
	    env), 200);
	assert_true(has("name=\"team\""));
	assert_int_equal(req("GET", "/admin/users/nobody.here", NULL, NULL,
	    NULL, env), 404);
	assert_int_equal(req("POST", "/admin/users", NULL,
	    "application/x-www-form-urlencoded", "login=new.person&role=sales"
	    "&name=New+Person&team=east&password=a+good+passphrase", env), 303);
	assert_int_equal(scalar("SELECT count(*) FROM users WHERE login ="
	    " 'new.person' AND role = 'sales' AND team = 'east'"), 1);
	assert_int_equal(req("POST", "/admin/users", NULL,
	    "application/x-www-form-urlencoded", "login=Bad%20Login&role=sales"
	    "&password=a+good+passphrase", env), 422);
	assert_int_equal(req("POST", "/admin/users/new.person/role", NULL,
	    "application/x-www-form-urlencoded", "role=manager", env), 303);
	assert_int_equal(req("POST", "/admin/users/new.person/role", NULL,
	    "application/x-www-form-urlencoded", "role=emperor", env), 422);
	assert_int_equal(scalar("SELECT count(*) FROM users WHERE login ="
	    " 'new.person' AND role = 'manager'"), 1);
	snprintf(body, sizeof(body), "password=another+passphrase");
	assert_int_equal(req("POST", "/admin/users/new.person/password", NULL,
	    "application/x-www-form-urlencoded", body, env), 303);
	assert_int_equal(login_from("10.3.3.3", "new.person",
	    "another+passphrase"), 303);
	assert_int_equal(req("POST", "/admin/users/new.person/disable", NULL,
	    "application/x-www-form-urlencoded", "", env), 303);
	assert_int_equal(login_from("10.3.3.3", "new.person",
	    "another+passphrase"), 401);
	assert_int_equal(req("POST", "/admin/users/chief.admin/disable", NULL,
	    "application/x-www-form-urlencoded", "", env), 422);
	assert_int_equal(req("POST", "/admin/users/chief.admin/role", NULL,
	    "application/x-www-form-urlencoded", "role=sales", env), 422);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE login ="
	    " 'chief.admin' AND entity = 'user'"), 4);
	/*
	 * A line break, a tab or a direction override in a name or team
	 * is refused with a clear message, and nothing changes.
	 */
	assert_int_equal(req("POST", "/admin/users", NULL,
	    "application/x-www-form-urlencoded", "login=forged.line&role=sales"
	    "&name=Li%0Aerror:+forged&team=east&password=a+good+passphrase",
	    env), 422);
	assert_true(has("control characters"));
	assert_int_equal(req("POST", "/admin/users", NULL,
	    "application/x-www-form-urlencoded", "login=forged.bidi&role=sales"
	    "&name=Li&team=%E2%80%AEtsae&password=a+good+passphrase", env),
	    422);
	assert_int_equal(scalar("SELECT count(*) FROM users WHERE login LIKE"
	    " 'forged.%'"), 0);
	assert_int_equal(req("POST", "/admin/users/li.wei/team", NULL,
	    "application/x-www-form-urlencoded", "team=east%09west", env), 422);
	assert_int_equal(req("POST", "/admin/users/li.wei/team", NULL,
	    "application/x-www-form-urlencoded", "team=%E2%81%A6west", env),
	    422);
	assert_int_equal(scalar("SELECT count(*) FROM users WHERE login ="
	    " 'li.wei' AND team = 'east'"), 1);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE login ="
	    " 'chief.admin' AND entity = 'user'"), 4);
}

/* What a name or team may hold (user_text_ok), and the CLI's paths. */
static void
user_text(void **state)
{
	(void)state;
	assert_true(user_text_ok("李伟 (East) O'Brien-Müller"));
	assert_true(user_text_ok(""));
	assert_false(user_text_ok("a\nb"));
	assert_false(user_text_ok("a\rb"));
	assert_false(user_text_ok("a\tb"));
	assert_false(user_text_ok("a\x1b[31mb"));
	assert_false(user_text_ok("a\x7f"));
	assert_false(user_text_ok("a\xc2\x85"));		/* NEL, C1 */
	assert_false(user_text_ok("a\xe2\x80\xa8"));	/* U+2028 */
	assert_false(user_text_ok("\xe2\x80\xaa"));	/* U+202A */
	assert_false(user_text_ok("\xe2\x80\xae"));	/* U+202E */
	assert_false(user_text_ok("\xe2\x81\xa6"));	/* U+2066 */
	assert_false(user_text_ok("\xe2\x81\xa9"));	/* U+2069 */
	assert_true(user_text_ok("\xe2\x81\xaa"));	/* U+206A: not bidi */
	assert_false(user_text_ok("\xc0\x8a"));		/* overlong LF */
	assert_false(user_text_ok("\xff"));
	assert_false(user_text_ok("\xe2\x80"));		/* cut short */
	assert_int_equal(user_add(app.db, "cli.name", "sales", "A\nB", "",
	    "a good passphrase"), -1);
	assert_int_equal(user_add(app.db, "cli.team", "sales", "A",
	    "\xe2\x80\xae" "east", "a good passphrase"), -1);
	assert_int_equal(user_add(app.db, "cli\nx", "sales", "A", "",
	    "a good passphrase"), -1);
	assert_int_equal(user_set_team(app.db, "li.wei", "east\n"), -1);
	assert_int_equal(scalar("SELECT count(*) FROM users WHERE login LIKE"
	    " 'cli%' OR (login = 'li.wei' AND team <> 'east')"), 0);
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
rule_changes_audited(void **state)
{
	char		 tmp[] = "/tmp/kiln-rules-XXXXXX", path[256], cmd[300];
	const char	*saved = app.conf.rules;

	(void)state;
	assert_non_null(mkdtemp(tmp));
	snprintf(path, sizeof(path), "%s/extra.lua", tmp);
	write_file(path, "return {}\n");
	app.conf.rules = tmp;
	assert_int_equal(audit_rules(&app), 0);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action ="
	    " 'rules' AND detail LIKE 'extra.lua added%'"), 1);
	/* Another worker noticing the same files adds nothing. */
	assert_int_equal(audit_rules(&app), 0);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action ="
	    " 'rules'"), 1);
	write_file(path, "return { customer = function() end }\n");
	assert_int_equal(audit_rules(&app), 0);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action ="
	    " 'rules' AND detail LIKE 'extra.lua changed%'"), 1);
	unlink(path);
	assert_int_equal(audit_rules(&app), 0);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action ="
	    " 'rules' AND detail = 'extra.lua removed'"), 1);
	app.conf.rules = saved;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

static void
single_sign_on(void **state)
{
	const char	*sso[] = { "REMOTE_USER", "li.wei", "AUTH_TYPE",
	    "Basic", NULL, NULL, NULL, NULL, NULL };
	char		 b[256], cookie[160];

	(void)state;
	/* Off by default. */
	assert_int_equal(req("GET", "/customers", NULL, NULL, NULL, sso), 303);
	app.conf.trust_remote_user = 1;
	assert_int_equal(req("GET", "/customers", NULL, NULL, NULL, sso), 200);
	assert_non_null(header("Set-Cookie", b, sizeof(b)));
	snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(b, ";"), b);
	/* Without AUTH_TYPE the name is nobody's word (nginx's $remote_user). */
	assert_int_equal(req("GET", "/customers", NULL, NULL, NULL,
	    (const char *[]){ "REMOTE_USER", "li.wei", NULL }), 303);
	/* A forged cross-site POST rides on the credentials: refused. */
	sso[4] = "HTTP_SEC_FETCH_SITE";
	sso[5] = "cross-site";
	assert_int_equal(req("POST", "/customers", NULL,
	    "application/x-www-form-urlencoded", "name=SSO+Forged+Co", sso),
	    403);
	/* Same site, but no token: still refused. */
	sso[4] = "HTTP_COOKIE";
	sso[5] = cookie;
	assert_int_equal(req("POST", "/customers", NULL,
	    "application/x-www-form-urlencoded", "name=SSO+Forged+Co", sso),
	    403);
	assert_int_equal(scalar("SELECT count(*) FROM customers WHERE name ="
	    " 'SSO Forged Co'"), 0);
	app.conf.trust_remote_user = 0;
}

static void
paths_and_ids(void **state)
{
	char		 loc[128], path[128];
	long long	 first, second;

	(void)state;
	assert_int_equal(req("GET", "/customers\r\nSet-Cookie: evil=1", NULL,
	    NULL, NULL, bearer), 400);
	assert_false(has("evil"));
	/* Ids are never reused: a newcomer cannot inherit a history. */
	assert_int_equal(api("POST", "/customers", NULL,
	    "<customer><name>Gone Soon Ltd</name></customer>"), 201);
	header("Location", loc, sizeof(loc));
	snprintf(path, sizeof(path), "%s", loc + 4);
	first = atoll(strrchr(path, '/') + 1);
	assert_int_equal(api("DELETE", path, "version=1", NULL), 204);
	assert_int_equal(api("POST", "/customers", NULL,
	    "<customer><name>Newcomer Ltd</name></customer>"), 201);
	header("Location", loc, sizeof(loc));
	second = atoll(strrchr(loc, '/') + 1);
	assert_true(second > first);
}

static void
products(void **state)
{
	const char	*office, *env[] = { NULL, NULL, "HTTP_ACCEPT",
	    "application/xml", NULL };

	(void)state;
	office = user_with_token("back.office", "office", "");
	env[0] = "HTTP_AUTHORIZATION";
	env[1] = office;
	/* The back office keeps the catalogue... */
	assert_int_equal(req("POST", "/products", NULL, "application/xml",
	    "<product><sku>HV-2100</sku><name>液压换向阀 4WE6</name>"
	    "<category>Hydraulic valves</category><unit_price>1280.00"
	    "</unit_price><lead_time_days>21</lead_time_days></product>",
	    env), 201);
	assert_true(has("<unit_price currency=\"CNY\">1280.00</unit_price>"));
	assert_true(has("<active>true</active>"));
	/* ...a SKU is unique, said at the field... */
	assert_int_equal(req("POST", "/products", NULL, "application/xml",
	    "<product><sku>HV-2100</sku><name>Copy</name></product>", env),
	    422);
	assert_true(has("<field name=\"sku\">"));
	assert_int_equal(req("POST", "/products", NULL, "application/xml",
	    "<product><sku>BR-6204</sku><name>Deep groove ball bearing 6204"
	    "</name><lead_time_days>3651</lead_time_days></product>", env),
	    422);
	assert_true(has("<field name=\"lead_time_days\">"));
	/* ...and every role reads it, sales without changing it. */
	assert_int_equal(api("GET", "/products.xml", "q=4WE6", NULL), 200);
	assert_true(has("<sku>HV-2100</sku>"));
	assert_int_equal(api("POST", "/products", NULL,
	    "<product><sku>X-1</sku><name>Sales Product</name></product>"),
	    403);
	assert_int_equal(api("GET", "/products.xml", "category=Hydraulic+valves"
	    "&sort=-unit_price", NULL), 200);
	assert_true(has("HV-2100"));
}

/* The value of attribute name in the response, copied into buf. */
static const char *
attr(const char *name, char *buf, size_t sz)
{
	char		 key[64];
	const char	*p;

	snprintf(key, sizeof(key), " %s=\"", name);
	if ((p = strstr(resp, key)) == NULL)
		return NULL;
	p += strlen(key);
	snprintf(buf, sz, "%.*s", (int)strcspn(p, "\""), p);
	return buf;
}

static void
changes_feed(void **state)
{
	const char	*root, *env[] = { "HTTP_AUTHORIZATION", NULL, NULL };
	char		 last[32], q[96], loc[128], path[128], xml[160];
	int		 i;

	(void)state;
	root = user_with_token("erp.sync", "admin", "");
	env[1] = root;
	assert_int_equal(req("GET", "/changes.xml", NULL, NULL, NULL, env),
	    200);
	assert_true(has("<changes last=\""));
	assert_true(has("action=\"create\" entity=\"customer\""));
	/* Page through everything; remember where it ended. */
	snprintf(q, sizeof(q), "limit=1000");
	for (i = 0; i < 20; i++) {
		assert_int_equal(req("GET", "/changes.xml", q, NULL, NULL, env),
		    200);
		assert_non_null(attr("last", last, sizeof(last)));
		if (strstr(resp, " next=\"") == NULL)
			break;
		snprintf(q, sizeof(q), "since=%s&limit=1000", last);
	}
	/* Polling again from there: nothing new, the same cursor. */
	snprintf(q, sizeof(q), "since=%s", last);
	assert_int_equal(req("GET", "/changes.xml", q, NULL, NULL, env), 200);
	assert_false(has("<change "));
	/* Two changes happen; the next poll sees each exactly once. */
	assert_int_equal(api("POST", "/customers", NULL,
	    "<customer><name>Feed Test Ltd</name></customer>"), 201);
	header("Location", loc, sizeof(loc));
	snprintf(path, sizeof(path), "%s", loc + 4);
	snprintf(xml, sizeof(xml), "<customer version=\"1\"><city>Xiamen"
	    "</city></customer>");
	assert_int_equal(api("PATCH", path, NULL, xml), 200);
	assert_int_equal(req("GET", "/changes.xml", q, NULL, NULL, env), 200);
	assert_true(has("action=\"create\" entity=\"customer\""));
	assert_true(has("action=\"update\" entity=\"customer\""));
	assert_true(has("<field name=\"city\"/>"));
	snprintf(q, sizeof(q), "since=%s&limit=1", last);
	assert_int_equal(req("GET", "/changes.xml", q, NULL, NULL, env), 200);
	assert_true(has(" next=\""));
	assert_true(has("action=\"create\""));
	assert_false(has("action=\"update\""));
	/* A salesperson reads no kind in full but products: only those. */
	assert_int_equal(api("GET", "/changes.xml", NULL, NULL), 200);
	assert_false(has("entity=\"customer\""));
	assert_int_equal(req("GET", "/changes.xml", "since=-1", NULL, NULL,
	    env), 400);
}

static void
plugin_routes(void **state)
{
	(void)state;
	assert_int_equal(req("GET", "/hello", "who=%3Cb%3E", NULL, NULL,
	    bearer), 200);
	assert_true(has("Hello, &lt;b&gt;"));
	assert_int_equal(req("GET", "/hello/1", NULL, NULL, NULL, bearer), 200);
	assert_true(has("<p class=\"hello-user\">li.wei</p>"));
	assert_int_equal(req("GET", "/hello/999999", NULL, NULL, NULL, bearer),
	    404);
	assert_int_equal(req("GET", "/hello/01", NULL, NULL, NULL, bearer),
	    404);
	assert_int_equal(req("GET", "/hello/1x", NULL, NULL, NULL, bearer),
	    404);
	assert_int_equal(req("POST", "/hello/1/wave", NULL,
	    "application/x-www-form-urlencoded", "", bearer), 303);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE action ="
	    " 'wave' AND record_id = 1 AND login = 'li.wei'"), 1);
	/* The plugin's routes are behind the same authentication. */
	assert_int_equal(req("GET", "/hello/1", NULL, NULL, NULL, NULL), 303);
}

/* POST an XML document as li.wei; the new record's id, or -1. */
static long long
create_xml(const char *path, const char *xml)
{
	char	 loc[128];

	if ((strcmp(path, "/customers") == 0 ? customer_for_li(xml) :
	    api("POST", path, NULL, xml)) != 201 ||
	    header("Location", loc, sizeof(loc)) == NULL)
		return -1;
	return atoll(strrchr(loc, '/') + 1);
}

static void
orders(void **state)
{
	const char	*office, *zhou;
	char		 xml[512], path[64], num[3][32], year[8], want[64];
	long long	 cust, prod, o[3], expect_total = 0, line;
	time_t		 t = time(NULL);
	int		 i;

	(void)state;
	strftime(year, sizeof(year), "%Y", gmtime(&t));
	office = user_with_token("order.desk", "office", "");
	zhou = NULL;
	/* A customer of li.wei's with net60 terms, and a product. */
	cust = create_xml("/customers", "<customer><name>Order Test GmbH"
	    "</name><segment>channel_partner</segment><payment_terms>net60"
	    "</payment_terms><credit_limit>100000.00</credit_limit>"
	    "<email>buy@example.com</email></customer>");
	assert_true(cust > 0);
	assert_int_equal(req("POST", "/products", NULL, "application/xml",
	    "<product><sku>OT-1</sku><name>Order test part</name>"
	    "<unit_price>12.34</unit_price></product>",
	    (const char *[]){ "HTTP_AUTHORIZATION", office, "HTTP_ACCEPT",
	    "application/xml", NULL }), 201);
	prod = scalar("SELECT id FROM products WHERE sku = 'OT-1'");
	/* Numbers: SO-YEAR-NNNNNN, consecutive, terms from the customer. */
	for (i = 0; i < 3; i++) {
		snprintf(xml, sizeof(xml), "<order><customer>%lld</customer>"
		    "<requested_date>2026-12-20</requested_date></order>", cust);
		assert_true((o[i] = create_xml("/orders", xml)) > 0);
		assert_true(has("<payment_terms>net60</payment_terms>"));
		assert_true(has("<status>draft</status>"));
		snprintf(num[i], sizeof(num[i]), "%.*s", 14,
		    strstr(resp, "<number>") + 8);
	}
	snprintf(want, sizeof(want), "SO-%s-", year);
	assert_int_equal(strncmp(num[0], want, 8), 0);
	assert_int_equal(atoi(num[1] + 8), atoi(num[0] + 8) + 1);
	assert_int_equal(atoi(num[2] + 8), atoi(num[1] + 8) + 1);
	/* A refused order takes no number. */
	assert_int_equal(api("POST", "/orders", NULL,
	    "<order><customer>999999</customer></order>"), 422);
	snprintf(xml, sizeof(xml), "<order><customer>%lld</customer></order>",
	    cust);
	assert_true(create_xml("/orders", xml) > 0);
	assert_int_equal(atoi(strstr(resp, "<number>") + 8 + 8),
	    atoi(num[2] + 8) + 1);
	/* Lines: the product's price by default, discounts, exact sums. */
	for (i = 0; i < 2000; i++) {
		int	 q = 1 + i % 7, d = i % 13;
		long long p = 1234 + i % 5;	/* minor units */

		if (i % 5) {
			/* an explicit price */
			snprintf(xml, sizeof(xml), "<order_line><order>%lld"
			    "</order><product>%lld</product><quantity>%d"
			    "</quantity><unit_price>%lld.%02lld</unit_price>"
			    "<discount_pct>%d</discount_pct></order_line>",
			    o[0], prod, q, p / 100, p % 100, d);
		} else {
			p = 1234;	/* the product's */
			snprintf(xml, sizeof(xml), "<order_line><order>%lld"
			    "</order><product>%lld</product><quantity>%d"
			    "</quantity><discount_pct>%d</discount_pct>"
			    "</order_line>", o[0], prod, q, d);
		}
		assert_true(create_xml("/order_lines", xml) > 0);
		expect_total += ((long long)q * p * (100 - d) + 50) / 100;
	}
	snprintf(path, sizeof(path), "/orders/%lld.xml", o[0]);
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	snprintf(want, sizeof(want), "<total currency=\"CNY\">%lld.%02lld"
	    "</total>", expect_total / 100, expect_total % 100);
	assert_true(has(want));
	assert_int_equal(scalar("SELECT sum(line_total) FROM order_lines"),
	    expect_total);
	/* Only drafts change: lines, terms, deletion. */
	/* Not even the database takes a status a PATCH could not give. */
	snprintf(xml, sizeof(xml), "UPDATE orders SET status = 'approved'"
	    " WHERE id = %lld", o[1]);
	assert_int_not_equal(sqlite3_exec(db_handle(app.db), xml, NULL, NULL,
	    NULL), SQLITE_OK);
	snprintf(xml, sizeof(xml), "<order_line><order>%lld</order><product>"
	    "%lld</product></order_line>", o[1], prod);
	assert_true(create_xml("/order_lines", xml) > 0);
	snprintf(path, sizeof(path), "/orders/%lld/submit", o[1]);
	assert_int_equal(api("POST", path, NULL, ""), 200);
	assert_true(has("status=\"approved\""));
	snprintf(xml, sizeof(xml), "<order_line><order>%lld</order><product>"
	    "%lld</product></order_line>", o[1], prod);
	assert_int_equal(api("POST", "/order_lines", NULL, xml), 409);
	assert_true(has("only a draft order can be changed"));
	snprintf(path, sizeof(path), "/orders/%lld", o[1]);
	assert_int_equal(api("PATCH", path, NULL, "<order version=\"3\">"
	    "<requested_date>2027-01-01</requested_date></order>"), 409);
	snprintf(xml, sizeof(xml), "version=%lld", scalar(arena_printf(A,
	    "SELECT version FROM orders WHERE id = %lld", o[1])));
	assert_int_equal(api("DELETE", path, xml, NULL), 409);
	assert_true(has("cancel it instead"));
	/* Another salesperson neither sees it nor adds to it. */
	zhou = user_with_token("zhou.order", "sales", "east");
	assert_int_equal(as(zhou, "GET", path, NULL, NULL), 404);
	snprintf(xml, sizeof(xml), "<order_line><order>%lld</order><product>"
	    "%lld</product></order_line>", o[0], prod);
	assert_int_equal(as(zhou, "POST", "/order_lines", NULL, xml), 422);
	/* A line's change moves its order's version. */
	snprintf(path, sizeof(path), "/orders/%lld.xml", o[2]);
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	assert_true(has("version=\"1\""));
	snprintf(xml, sizeof(xml), "<order_line><order>%lld</order><product>"
	    "%lld</product></order_line>", o[2], prod);
	assert_true((line = create_xml("/order_lines", xml)) > 0);
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	assert_true(has("version=\"2\""));
	assert_true(has("<total currency=\"CNY\">12.34</total>"));
	snprintf(xml, sizeof(xml), "/order_lines/%lld", line);
	assert_int_equal(api("PATCH", xml, NULL, "<order_line version=\"1\">"
	    "<quantity>2</quantity></order_line>"), 200);
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	assert_true(has("version=\"3\""));
	assert_true(has("<total currency=\"CNY\">24.68</total>"));

	/* Submission: all five rules pass, the order is approved. */
	snprintf(path, sizeof(path), "/orders/%lld/submit", o[0]);
	assert_int_equal(api("POST", path, NULL, ""), 200);
	assert_true(has("<submission order="));
	assert_true(has("status=\"approved\""));
	assert_true(has("<verdict rule=\"credit\" result=\"pass\""));
	assert_true(has("<verdict rule=\"payment_terms\" result=\"pass\""));
	assert_int_equal(api("POST", path, NULL, ""), 409);
	snprintf(xml, sizeof(xml), "SELECT count(*) FROM order_history WHERE"
	    " \"order\" = %lld AND status = 'approved' AND by_login ="
	    " 'li.wei'", o[0]);
	assert_int_equal(scalar(xml), 1);
	assert_true(scalar("SELECT count(*) FROM audit WHERE action ="
	    " 'status' AND entity = 'order' AND detail = 'approved'") >= 1);
	/* The page shows the verdicts. */
	snprintf(path, sizeof(path), "/orders/%lld", o[0]);
	assert_int_equal(req("GET", path, NULL, NULL, NULL, bearer), 200);
	assert_true(has("<section class=\"verdicts\">"));
	/* An order without lines is not submitted. */
	snprintf(path, sizeof(path), "/orders/%lld/submit", o[2] + 1);
	assert_int_equal(api("POST", path, NULL, ""), 422);
	/* Another salesperson cannot submit li.wei's order. */
	snprintf(path, sizeof(path), "/orders/%lld/submit", o[2]);
	assert_int_equal(as(zhou, "POST", path, NULL, ""), 404);
}

/* An order of quantity q at discount d of product prod; its id. */
static long long
order_with(long long cust, long long prod, long q, int d, const char *date)
{
	char		 xml[256];
	long long	 o;

	snprintf(xml, sizeof(xml), "<order><customer>%lld</customer>"
	    "<requested_date>%s</requested_date></order>", cust, date);
	if ((o = create_xml("/orders", xml)) < 0)
		return -1;
	snprintf(xml, sizeof(xml), "<order_line><order>%lld</order><product>"
	    "%lld</product><quantity>%ld</quantity><discount_pct>%d"
	    "</discount_pct></order_line>", o, prod, q, d);
	return create_xml("/order_lines", xml) > 0 ? o : -1;
}

static int
submit(long long o)
{
	char	 path[64];

	snprintf(path, sizeof(path), "/orders/%lld/submit", o);
	return api("POST", path, NULL, "");
}

static void
order_rules(void **state)
{
	const char	*fin, *mgr, *other;
	char		 path[64], sql[256];
	long long	 cust, prod, slow, held;

	(void)state;
	cust = scalar("SELECT id FROM customers WHERE name ="
	    " 'Order Test GmbH'");
	prod = scalar("SELECT id FROM products WHERE sku = 'OT-1'");
	assert_int_equal(sqlite3_exec(db_handle(app.db), "INSERT INTO"
	    " products (created_at, updated_at, sku, name, unit_price,"
	    " lead_time_days) VALUES ('x', 'x', 'OT-SLOW', 'Slow part', 100,"
	    " 60)", NULL, NULL, NULL), SQLITE_OK);
	slow = scalar("SELECT id FROM products WHERE sku = 'OT-SLOW'");
	/* discount: above 15 % a manager approves, above 40 % never. */
	assert_int_equal(submit(order_with(cust, prod, 1, 20, "2027-06-01")),
	    200);
	assert_true(has("status=\"on_hold\""));
	assert_true(has("<verdict rule=\"discount\" result=\"hold\""));
	assert_int_equal(submit(order_with(cust, prod, 1, 41, "2027-06-01")),
	    200);
	assert_true(has("status=\"rejected\""));
	assert_true(has("<verdict rule=\"discount\" result=\"reject\""));
	/* credit: exposure past the limit holds, and says by how much. */
	assert_int_equal(submit(order_with(cust, prod, 1000000, 0,
	    "2027-06-01")), 200);
	assert_true(has("status=\"on_hold\""));
	assert_true(has("credit limit exceeded: exposure"));
	assert_true(has("over limit 100000.00"));
	/* ...and the customer's credit status says so (credit_status.lua). */
	snprintf(sql, sizeof(sql), "SELECT credit_status = 'hold' FROM"
	    " customers WHERE id = %lld", cust);
	assert_int_equal(scalar(sql), 1);
	/* The customer's page shows its credit and its orders. */
	snprintf(path, sizeof(path), "/customers/%lld", cust);
	assert_int_equal(req("GET", path, NULL, NULL, NULL, bearer), 200);
	assert_true(has("<section class=\"credit\">"));
	assert_true(has("<dd class=\"hold\">"));
	assert_true(has("<h2>Orders</h2>"));
	assert_true(has(">SO-"));
	/* delivery: earlier than the lead time allows is a warning only. */
	assert_int_equal(submit(order_with(cust, slow, 1, 0, "2026-01-02")),
	    200);
	assert_true(has("<verdict rule=\"delivery\" result=\"warn\""));
	assert_true(has("earliest feasible date"));
	/* The held credit order counts in the exposure of the next one. */
	assert_int_equal(submit(held = order_with(cust, prod, 10, 0,
	    "2027-06-01")), 200);
	assert_true(has("<verdict rule=\"credit\" result=\"hold\""));

	/* Deciding a held order: managers of the team and finance only. */
	fin = user_with_token("fin.desk", "finance", "");
	mgr = user_with_token("east.boss", "manager", "east");
	other = user_with_token("south.boss", "manager", "south");
	/* The queue of held orders: what held each, decisions at hand. */
	assert_int_equal(req("GET", "/orders/held.xml", NULL, NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", fin, NULL }), 200);
	snprintf(sql, sizeof(sql), "<order id=\"%lld\" href=\"/crm/orders/"
	    "%lld\" number=\"SO-", held, held);
	assert_true(has(sql));
	assert_true(has("<verdict rule=\"credit\" result=\"hold\">credit"
	    " limit exceeded"));
	assert_false(has("result=\"pass\""));
	assert_int_equal(req("GET", "/orders/held", NULL, NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", fin, NULL }), 200);
	snprintf(sql, sizeof(sql), "/orders/%lld/approve\"", held);
	assert_true(has(sql));
	/* The reason field a plugin closes like any element: no end tag. */
	assert_true(has("<input name=\"reason\""));
	assert_false(has("</input>"));
	/* A table: who, how much, how long, why; decisions come back. */
	assert_true(has("<table class=\"list held\">"));
	assert_true(has("<th scope=\"col\" class=\"num\">Total</th>"));
	assert_true(has("<td>\u674e\u4f1f</td>"));	/* the owner, 李伟 */
	assert_true(has("<b>credit</b>: credit limit exceeded"));
	assert_true(has("name=\"from\" value=\"held\""));
	/* The salesperson sees their held orders, without the decisions. */
	assert_int_equal(req("GET", "/orders/held", NULL, NULL, NULL, bearer),
	    200);
	snprintf(sql, sizeof(sql), "href=\"/crm/orders/%lld\"", held);
	assert_true(has(sql));
	assert_false(has("/approve\""));
	/* ...and another team's manager does not see them at all. */
	assert_int_equal(req("GET", "/orders/held.xml", NULL, NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", other, NULL }), 200);
	assert_false(has(sql));
	snprintf(path, sizeof(path), "/orders/%lld/approve", held);
	assert_int_equal(api("POST", path, NULL, ""), 422);	/* no reason */
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", "reason=my+own", bearer_xml),
	    403);						/* sales */
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", "reason=not+mine",
	    (const char *[]){ "HTTP_AUTHORIZATION", other, "HTTP_ACCEPT",
	    "application/xml", NULL }), 404);			/* other team */
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", "reason=paid+in+advance",
	    (const char *[]){ "HTTP_AUTHORIZATION", fin, "HTTP_ACCEPT",
	    "application/xml", NULL }), 200);
	assert_true(has("status=\"approved\""));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM order_history WHERE"
	    " \"order\" = %lld AND status = 'approved' AND by_login ="
	    " 'fin.desk' AND reason = 'paid in advance'", held);
	assert_int_equal(scalar(sql), 1);
	assert_true(scalar("SELECT count(*) FROM audit WHERE action = 'status'"
	    " AND login = 'fin.desk' AND detail = 'approved: paid in advance'")
	    == 1);
	/* Decided once: a second decision is a conflict. */
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", "reason=again",
	    (const char *[]){ "HTTP_AUTHORIZATION", fin, "HTTP_ACCEPT",
	    "application/xml", NULL }), 409);
	/* The order document carries the decision in its history. */
	snprintf(path, sizeof(path), "/orders/%lld", held);
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	assert_true(has("<event status=\"on_hold\" by=\"li.wei\""));
	assert_true(has("<event status=\"approved\" by=\"fin.desk\" at=\""));
	assert_true(has("\">paid in advance</event>"));
	/* The team's manager rejects another held one, from the queue. */
	assert_int_equal(submit(held = order_with(cust, prod, 1, 30,
	    "2027-06-01")), 200);
	assert_true(has("status=\"on_hold\""));
	snprintf(path, sizeof(path), "/orders/%lld/reject", held);
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded",
	    "reason=margin+too+thin&from=held",
	    (const char *[]){ "HTTP_AUTHORIZATION", mgr, NULL }), 303);
	assert_string_equal(header("Location", sql, sizeof(sql)),
	    "/crm/orders/held?done=rejected");
	assert_int_equal(api("GET", arena_printf(A, "/orders/%lld", held),
	    NULL, NULL), 200);
	assert_true(has("status=\"rejected\""));
	/* Reopened, changed and submitted again: judged again. */
	snprintf(path, sizeof(path), "/orders/%lld/reopen", held);
	assert_int_equal(api("POST", path, NULL, ""), 200);
	assert_true(has("status=\"draft\""));
	assert_int_equal(api("POST", path, NULL, ""), 409);
	snprintf(sql, sizeof(sql), "UPDATE order_lines SET discount_pct = 5"
	    " WHERE \"order\" = %lld", held);
	assert_int_equal(sqlite3_exec(db_handle(app.db), sql, NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(submit(held), 200);
	assert_true(has("<verdict rule=\"discount\" result=\"pass\""));
}

/* PATCH an order as the user behind auth; returns the status. */
static int
track(const char *who, long long o, long long *version, const char *body)
{
	char		 path[64], xml[512], v[24];
	const char	*p;
	int		 st;

	snprintf(path, sizeof(path), "/orders/%lld", o);
	snprintf(xml, sizeof(xml), "<order version=\"%lld\">%s</order>",
	    *version, body);
	st = req("PATCH", path, NULL, "application/xml", xml, (const char *[]){
	    "HTTP_AUTHORIZATION", who, "HTTP_ACCEPT", "application/xml",
	    NULL });
	/* The record's version, not the XML declaration's. */
	if (st == 200 && (p = strstr(resp, "<order ")) != NULL &&
	    (p = strstr(p, " version=\"")) != NULL) {
		snprintf(v, sizeof(v), "%.*s", (int)strcspn(p + 10, "\""),
		    p + 10);
		*version = atoll(v);
	}
	return st;
}

static void
order_document(void **state)
{
	char		 xml[1024];
	long long	 cust, prod, before;

	(void)state;
	cust = scalar("SELECT id FROM customers WHERE name = 'Tracking Co'");
	prod = scalar("SELECT id FROM products WHERE sku = 'OT-1'");
	/* api.md's order, as sent: the lines come with it. */
	snprintf(xml, sizeof(xml), "<order><customer id=\"%lld\"/>"
	    "<payment_terms>net30</payment_terms><requested_date>2027-12-20"
	    "</requested_date><lines><line><product id=\"%lld\"/><quantity>5"
	    "</quantity><unit_price>1000.00</unit_price><discount_pct>0"
	    "</discount_pct></line><line><product id=\"%lld\"/><quantity>2"
	    "</quantity></line></lines></order>", cust, prod, prod);
	assert_int_equal(api("POST", "/orders", NULL, xml), 201);
	assert_true(has("<total currency=\"CNY\">5024.68</total>"));
	assert_true(has("<line id=\""));
	assert_true(has("<payment_terms>net30</payment_terms>"));
	/* One bad line undoes the whole order. */
	before = scalar("SELECT count(*) FROM orders");
	snprintf(xml, sizeof(xml), "<order><customer id=\"%lld\"/><lines>"
	    "<line><product id=\"%lld\"/><quantity>1</quantity></line>"
	    "<line><product id=\"999999\"/><quantity>1</quantity></line>"
	    "</lines></order>", cust, prod);
	assert_int_equal(api("POST", "/orders", NULL, xml), 422);
	assert_true(has("line 2: product"));
	assert_int_equal(scalar("SELECT count(*) FROM orders"), before);
	/* A list where none is taken is refused, not dropped. */
	assert_int_equal(api("POST", "/customers", NULL, "<customer><name>L"
	    "</name><lines><line><x>1</x></line></lines></customer>"), 400);
}

static void
order_tracking(void **state)
{
	const char	*desk;
	char		 sql[256];
	long long	 cust, prod, o, v = 0;

	(void)state;
	desk = user_with_token("ship.desk", "admin", "");
	cust = create_xml("/customers", "<customer><name>Tracking Co</name>"
	    "<segment>key_account</segment><payment_terms>net60"
	    "</payment_terms><credit_limit>1000000.00</credit_limit>"
	    "<email>t@example.com</email></customer>");
	assert_true(cust > 0);
	prod = scalar("SELECT id FROM products WHERE sku = 'OT-1'");
	/* A draft cannot be PATCHed into approval. */
	o = order_with(cust, prod, 1, 0, "2027-06-01");
	v = 2;
	assert_int_equal(track(desk, o, &v, "<status>approved</status>"), 409);
	assert_true(has("status change is not allowed"));
	assert_int_equal(submit(o), 200);
	assert_true(has("status=\"approved\""));
	/* Its page: editable for tracking, but no new lines, no deleting. */
	snprintf(sql, sizeof(sql), "/orders/%lld", o);
	assert_int_equal(req("GET", sql, NULL, NULL, NULL, (const char *[]){
	    "HTTP_AUTHORIZATION", desk, NULL }), 200);
	assert_true(has("/edit\">"));
	assert_false(has("/order_lines/new"));
	assert_false(has("class=\"delete\""));
	v = 3;
	/* The steps, each with its data; a skipped step is refused. */
	assert_int_equal(track(desk, o, &v, "<status>paid</status>"), 409);
	assert_int_equal(track(desk, o, &v,
	    "<status>in_production</status>"), 200);
	/* Promised for a day gone by: the order is late. */
	assert_int_equal(track(desk, o, &v, "<promised_date>2026-01-05"
	    "</promised_date>"), 200);
	assert_int_equal(req("GET", "/orders/late.xml", NULL, NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", desk, NULL }), 200);
	snprintf(sql, sizeof(sql), "<order id=\"%lld\"", o);
	assert_true(has(sql));
	/* In HTML a table: what is late, by how many days, whose. */
	assert_int_equal(req("GET", "/orders/late", NULL, NULL, NULL,
	    (const char *[]){ "HTTP_AUTHORIZATION", desk, NULL }), 200);
	assert_true(has("<table class=\"list late\">"));
	assert_true(has("<td>Delivery</td><td class=\"num late\">"));
	/* ...and its page says so. */
	snprintf(sql, sizeof(sql), "/orders/%lld", o);
	assert_int_equal(req("GET", sql, NULL, NULL, NULL, (const char *[]){
	    "HTTP_AUTHORIZATION", desk, NULL }), 200);
	assert_true(has("role=\"alert\">Late: the promised date has passed"));
	/* What the rules would say now, for an administrator only. */
	snprintf(sql, sizeof(sql), "/orders/%lld/rules.xml", o);
	assert_int_equal(req("GET", sql, NULL, NULL, NULL, (const char *[]){
	    "HTTP_AUTHORIZATION", desk, NULL }), 200);
	assert_true(has("<verdict rule=\"credit\" result=\"pass\""));
	assert_int_equal(api("GET", sql, NULL, NULL), 403);
	assert_int_equal(track(desk, o, &v, "<status>shipped</status>"), 409);
	assert_true(has("shipped needs shipped_date"));
	assert_int_equal(track(desk, o, &v, "<status>shipped</status>"
	    "<shipped_date>2026-11-20</shipped_date>"), 200);
	assert_int_equal(track(desk, o, &v, "<status>delivered</status>"),
	    200);
	assert_int_equal(track(desk, o, &v, "<status>invoiced</status>"
	    "<invoiced_amount>12.34</invoiced_amount>"
	    "<invoiced_date>2026-11-21</invoiced_date>"), 200);
	/* net60: due 60 days after the invoice. */
	assert_true(has("<due_date>2027-01-20</due_date>"));
	assert_int_equal(track(desk, o, &v, "<status>cancelled</status>"),
	    409);
	assert_int_equal(track(desk, o, &v, "<status>paid</status>"
	    "<paid_amount>12.34</paid_amount><paid_date>2026-12-01</paid_date>"),
	    200);
	/* Paid within a large limit: the customer stands ok. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM customers"
	    " WHERE id = %lld AND credit_status = 'ok'", cust);
	assert_int_equal(scalar(sql), 1);
	/* Promised against actual: delivered late, paid before due. */
	snprintf(sql, sizeof(sql), "/orders/%lld", o);
	assert_int_equal(req("GET", sql, NULL, NULL, NULL, (const char *[]){
	    "HTTP_AUTHORIZATION", desk, NULL }), 200);
	assert_true(has("<table class=\"promises\">"));
	assert_true(has("<td>2026-01-05</td>"));
	assert_true(has(" days late</td>"));
	assert_true(has("<td>2027-01-20</td><td>2026-12-01</td><td>on time"));
	/* Every step is in the history, with who made it. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM order_history WHERE"
	    " \"order\" = %lld AND by_login = 'ship.desk'", o);
	assert_int_equal(scalar(sql), 5);
	/* A stale version changes nothing. */
	v = 1;
	assert_int_equal(track(desk, o, &v, "<notes>late</notes>"), 409);
	assert_true(has("code=\"stale\""));
}

/* Copying: a new draft with the same lines; a held one is judged again. */
static void
order_copy(void **state)
{
	const char	*fin, *other;
	char		 path[64], sql[256], loc[128];
	long long	 cust, prod, held, copy, before;

	(void)state;
	fin = user_with_token("copy.svc", "service", "");
	other = user_with_token("copy.zhou", "sales", "east");
	cust = scalar("SELECT id FROM customers WHERE name ="
	    " 'Order Test GmbH'");
	prod = scalar("SELECT id FROM products WHERE sku = 'OT-1'");
	/* A held order (20 % off) with a second line. */
	held = order_with(cust, prod, 3, 20, "2027-06-01");
	snprintf(sql, sizeof(sql), "<order_line><order>%lld</order><product>"
	    "%lld</product><quantity>7</quantity><unit_price>9.99</unit_price>"
	    "</order_line>", held, prod);
	assert_true(create_xml("/order_lines", sql) > 0);
	assert_int_equal(submit(held), 200);
	assert_true(has("status=\"on_hold\""));
	snprintf(path, sizeof(path), "/orders/%lld/copy", held);
	/* Out of reach: another salesperson's order is not there for them. */
	assert_int_equal(as(other, "POST", path, NULL, ""), 404);
	/* Service reads every order but creates none. */
	before = scalar("SELECT count(*) FROM orders");
	assert_int_equal(as(fin, "POST", path, NULL, ""), 403);
	assert_int_equal(scalar("SELECT count(*) FROM orders"), before);
	/* The owner copies it: 201, a draft with the same lines and total. */
	assert_int_equal(api("POST", path, NULL, ""), 201);
	assert_non_null(header("Location", loc, sizeof(loc)));
	copy = atoll(strrchr(loc, '/') + 1);
	assert_true(copy > held);
	assert_true(has("<status>draft</status>"));
	assert_true(has("<requested_date>2027-06-01</requested_date>"));
	assert_true(has("<unit_price currency=\"CNY\">9.99</unit_price>"));
	assert_true(has("by=\"li.wei\""));
	assert_true(has(">copy of SO-"));
	snprintf(sql, sizeof(sql), "SELECT (SELECT total FROM orders WHERE"
	    " id = %lld) = (SELECT total FROM orders WHERE id = %lld) AND"
	    " (SELECT count(*) FROM order_lines WHERE \"order\" = %lld) = 2",
	    held, copy, copy);
	assert_int_equal(scalar(sql), 1);
	/* The original is as it was. */
	snprintf(sql, sizeof(sql), "SELECT status = 'on_hold' FROM orders"
	    " WHERE id = %lld", held);
	assert_int_equal(scalar(sql), 1);
	/* No way around the hold: the copy is judged and held again. */
	assert_int_equal(submit(copy), 200);
	assert_true(has("status=\"on_hold\""));
	assert_true(has("<verdict rule=\"discount\" result=\"hold\""));
	/* From the page: a copy button, and a 303 to the new draft. */
	snprintf(path, sizeof(path), "/orders/%lld", held);
	assert_int_equal(req("GET", path, NULL, NULL, NULL, bearer), 200);
	assert_true(has("/copy\">"));
	snprintf(path, sizeof(path), "/orders/%lld/copy", held);
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", "", bearer), 303);
	snprintf(sql, sizeof(sql), "/crm/orders/%lld", copy + 1);
	assert_true(has(sql));
	/* A past requested date is not carried over. */
	snprintf(sql, sizeof(sql), "UPDATE orders SET requested_date ="
	    " '2020-01-01' WHERE id = %lld", copy + 1);
	assert_int_equal(sqlite3_exec(db_handle(app.db), sql, NULL, NULL,
	    NULL), SQLITE_OK);
	snprintf(path, sizeof(path), "/orders/%lld/copy", copy + 1);
	assert_int_equal(api("POST", path, NULL, ""), 201);
	assert_true(has("<requested_date/>") ||
	    has("<requested_date></requested_date>"));
	/* No such order. */
	assert_int_equal(api("POST", "/orders/999999/copy", NULL, ""), 404);
	/* A discontinued product is not sold: no new line, no copy. */
	assert_int_equal(sqlite3_exec(db_handle(app.db), "INSERT INTO products"
	    " (created_at, updated_at, sku, name, unit_price, lead_time_days)"
	    " VALUES ('x', 'x', 'OT-OLD', 'Old part', 500, 1)", NULL, NULL,
	    NULL), SQLITE_OK);
	prod = scalar("SELECT id FROM products WHERE sku = 'OT-OLD'");
	held = order_with(cust, prod, 2, 0, "2027-06-01");
	assert_true(held > 0);
	assert_int_equal(sqlite3_exec(db_handle(app.db), "UPDATE products SET"
	    " active = 0 WHERE sku = 'OT-OLD'", NULL, NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "<order_line><order>%lld</order><product>"
	    "%lld</product><quantity>1</quantity></order_line>", held, prod);
	assert_int_equal(api("POST", "/order_lines", NULL, sql), 409);
	assert_true(has("inactive and cannot be ordered"));
	before = scalar("SELECT count(*) FROM orders");
	snprintf(path, sizeof(path), "/orders/%lld/copy", held);
	assert_int_equal(api("POST", path, NULL, ""), 422);
	assert_true(has("line 1: "));
	assert_true(has("inactive and cannot be ordered"));
	assert_int_equal(scalar("SELECT count(*) FROM orders"), before);
	/* The line already on the order stays. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM order_lines WHERE"
	    " \"order\" = %lld", held);
	assert_int_equal(scalar(sql), 1);
}

/* Credit standing follows the limit at once, and time through the job. */
static void
credit_standing(void **state)
{
	char		 sql[256], path[64], xml[256];
	long long	 cust, prod, o;

	(void)state;
	cust = create_xml("/customers", "<customer><name>Standing Ltd</name>"
	    "<segment>key_account</segment><payment_terms>net30"
	    "</payment_terms><credit_limit>100.00</credit_limit>"
	    "<email>s@example.com</email></customer>");
	assert_true(cust > 0);
	prod = scalar("SELECT id FROM products WHERE sku = 'OT-1'");
	assert_int_equal(submit(o = order_with(cust, prod, 100, 0,
	    "2027-06-01")), 200);
	assert_true(has("status=\"on_hold\""));
	snprintf(sql, sizeof(sql), "SELECT credit_status FROM customers"
	    " WHERE id = %lld", cust);
	snprintf(path, sizeof(path), "/customers/%lld", cust);
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	assert_true(has("<credit_status>hold</credit_status>"));
	/*
	 * The hold went through the host's update: the customer's version
	 * moved, and the audit trail and the changes feed say so, naming
	 * the field, for an ERP that polls them.
	 */
	assert_true(has("version=\"2\""));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit a JOIN"
	    " audit_changes c ON c.audit_id = a.id WHERE a.entity ="
	    " 'customer' AND a.record_id = %lld AND a.action = 'update' AND"
	    " c.field = 'credit_status' AND c.new = 'hold'", cust);
	assert_int_equal(scalar(sql), 1);
	assert_int_equal(fapi("GET", "/changes.xml", arena_printf(A,
	    "since=%lld", scalar("SELECT max(id) FROM audit") - 5), NULL),
	    200);
	assert_true(has(arena_printf(A, "action=\"update\" entity=\"customer\""
	    " id=\"%lld\"", cust)));
	assert_true(has("<field name=\"credit_status\"/>"));
	assert_int_equal(fapi("GET", "/customers.xml", arena_printf(A,
	    "updated_since=%s&credit_status=hold", scalar_text("SELECT"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 minute')")), NULL),
	    200);
	assert_true(has(arena_printf(A, "<customer id=\"%lld\"", cust)));
	/* A raised limit releases the standing in the same update. */
	snprintf(xml, sizeof(xml), "<customer version=\"2\"><credit_limit>"
	    "900000.00</credit_limit></customer>");
	assert_int_equal(api("PATCH", path, NULL, xml), 403);
	assert_int_equal(fapi("PATCH", path, NULL, xml), 200);
	assert_true(has("<credit_status>ok</credit_status>"));
	assert_true(has("version=\"4\""));
	/* Another field's change leaves it alone (and works). */
	snprintf(xml, sizeof(xml), "<customer version=\"4\"><city>Ningbo"
	    "</city></customer>");
	assert_int_equal(api("PATCH", path, NULL, xml), 200);
	assert_true(has("<credit_status>ok</credit_status>"));
	/* An invoice falls 40 days overdue with time alone: no event... */
	invoiced_long_ago(o);
	snprintf(sql, sizeof(sql), "SELECT credit_status = 'ok' FROM"
	    " customers WHERE id = %lld", cust);
	assert_int_equal(scalar(sql), 1);
	/* ...until the credit_status job judges every customer again. */
	assert_int_equal(plugin_jobs(&app, "credit_status"), 0);
	snprintf(sql, sizeof(sql), "SELECT credit_status = 'hold' FROM"
	    " customers WHERE id = %lld", cust);
	assert_int_equal(scalar(sql), 1);
	/* ...and the audit trail names the job as the one who did it. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE"
	    " login = 'job:credit_status' AND entity = 'customer' AND"
	    " record_id = %lld", cust);
	assert_int_equal(scalar(sql), 1);
	assert_int_equal(plugin_jobs(&app, "no_such_job"), -1);
	assert_int_equal(plugin_jobs(&app, NULL), 0);
	/* Late orders are in the navigation of every page. */
	assert_int_equal(req("GET", "/customers", NULL, NULL, NULL, bearer),
	    200);
	assert_true(has("<li><a href=\"/crm/orders/late\">Late orders</a>"));
}

/* Replace rule file NAME.lua in the test's rules directory. */
static void
write_rule(const char *name, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s.lua", ruledir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* A whole file, NUL-terminated; free() it. */
static char *
read_file(const char *path)
{
	char	*s;
	FILE	*f;
	long	 n;

	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	assert_non_null(s = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

/* The shipped text of rule NAME, to put back. */
static char *
read_rule(const char *name)
{
	char	 path[512];

	snprintf(path, sizeof(path), "%s/%s.lua", ruledir, name);
	return read_file(path);
}

/*
 * The default rules' other paths through HTTP (payment terms, credit
 * without a limit, overdue invoices), and rule files an administrator
 * edits: a change takes effect without a restart; a loop or a runtime
 * error leaves the order a draft with a message naming the rule.
 */
static void
order_rule_paths(void **state)
{
	char		 xml[512], sql[256], path[64], *shipped;
	long long	 partner, nocredit, late, prod, o;

	(void)state;
	prod = scalar("SELECT id FROM products WHERE sku = 'OT-1'");
	partner = create_xml("/customers", "<customer><name>Partner Co"
	    "</name><segment>channel_partner</segment><payment_terms>net60"
	    "</payment_terms><credit_limit>900000.00</credit_limit><email>"
	    "p@example.com</email></customer>");
	nocredit = create_xml("/customers", "<customer><name>Cash Only Co"
	    "</name><segment>small_loyal</segment><payment_terms>net30"
	    "</payment_terms><credit_limit>0.00</credit_limit><email>"
	    "c@example.com</email></customer>");
	late = create_xml("/customers", "<customer><name>Slow Payer Co"
	    "</name><segment>key_account</segment><payment_terms>net30"
	    "</payment_terms><credit_limit>900000.00</credit_limit><email>"
	    "s@example.com</email></customer>");
	assert_true(partner > 0 && nocredit > 0 && late > 0);
	/* payment_terms: net90 is longer than a channel partner gets. */
	snprintf(xml, sizeof(xml), "<order><customer id=\"%lld\"/>"
	    "<payment_terms>net90</payment_terms><requested_date>2027-06-01"
	    "</requested_date><lines><line><product id=\"%lld\"/><quantity>1"
	    "</quantity></line></lines></order>", partner, prod);
	assert_true((o = create_xml("/orders", xml)) > 0);
	assert_int_equal(submit(o), 200);
	assert_true(has("<verdict rule=\"payment_terms\" result=\"hold\""));
	assert_true(has("net90"));
	/* credit: a limit of 0 is no credit, unless paid in advance. */
	assert_int_equal(submit(order_with(nocredit, prod, 1, 0,
	    "2027-06-01")), 200);
	assert_true(has("<verdict rule=\"credit\" result=\"hold\">no"
	    " credit"));
	snprintf(xml, sizeof(xml), "<order><customer id=\"%lld\"/>"
	    "<payment_terms>prepaid</payment_terms><requested_date>2027-06-01"
	    "</requested_date><lines><line><product id=\"%lld\"/><quantity>1"
	    "</quantity></line></lines></order>", nocredit, prod);
	assert_int_equal(submit(create_xml("/orders", xml)), 200);
	assert_true(has("<verdict rule=\"credit\" result=\"pass\""));
	assert_true(has("status=\"approved\""));
	/* overdue: an invoice 40 days past due holds the next order. */
	o = order_with(late, prod, 1, 0, "2027-06-01");
	assert_int_equal(submit(o), 200);
	assert_true(has("<verdict rule=\"overdue\" result=\"pass\""));
	invoiced_long_ago(o);
	assert_int_equal(submit(order_with(late, prod, 1, 0, "2027-06-01")),
	    200);
	assert_true(has("<verdict rule=\"overdue\" result=\"hold\">an"
	    " invoice is 40 days overdue"));

	/* An administrator tightens discount.lua: no restart needed. */
	shipped = read_rule("discount");
	assert_int_equal(submit(order_with(partner, prod, 1, 5,
	    "2027-06-01")), 200);
	assert_true(has("<verdict rule=\"discount\" result=\"pass\""));
	write_rule("discount", "local M = {}\nfunction M.order(o, ctx)\n"
	    "\tif ctx.max_discount_pct > 2 then\n"
	    "\t\treturn \"hold\", \"over 2 %, the new policy\"\n"
	    "\tend\nend\nreturn M\n");
	assert_int_equal(submit(order_with(partner, prod, 1, 5,
	    "2027-06-01")), 200);
	assert_true(has("<verdict rule=\"discount\" result=\"hold\">over 2"
	    " %, the new policy"));
	/* A runtime error: the order stays a draft, the message says where. */
	write_rule("discount", "local M = {}\nfunction M.order(o, ctx)\n"
	    "\treturn ctx.no_such_table.field\nend\nreturn M\n");
	o = order_with(partner, prod, 1, 5, "2027-06-01");
	assert_int_equal(submit(o), 409);
	assert_true(has("code=\"rule\""));
	assert_true(has("discount.lua:3"));
	snprintf(sql, sizeof(sql), "SELECT status = 'draft' AND (SELECT"
	    " count(*) FROM order_verdicts WHERE \"order\" = %lld) = 0 FROM"
	    " orders WHERE id = %lld", o, o);
	assert_int_equal(scalar(sql), 1);
	/* An endless loop: ended by the budget, the order stays a draft. */
	write_rule("discount", "local M = {}\nfunction M.order(o, ctx)\n"
	    "\twhile true do end\nend\nreturn M\n");
	assert_int_equal(submit(o), 409);
	assert_true(has("code=\"rule\""));
	assert_true(has("discount"));
	assert_int_equal(scalar(sql), 1);
	/* The dry run shows every rule, the failing one among them. */
	snprintf(path, sizeof(path), "/orders/%lld/rules.xml", o);
	assert_int_equal(req("GET", path, NULL, NULL, NULL, (const char *[]){
	    "HTTP_AUTHORIZATION", user_with_token("rules.admin", "admin", ""),
	    NULL }), 200);
	assert_true(has("<verdict rule=\"discount\" result=\"error\""));
	assert_true(has("<verdict rule=\"payment_terms\" result=\"pass\""));
	/* Put back: the same order goes through. */
	write_rule("discount", shipped);
	free(shipped);
	assert_int_equal(submit(o), 200);
	assert_true(has("status=\"approved\""));
}


/* Remove rule file NAME.lua from the test's rules directory. */
static void
remove_rule(const char *name)
{
	char	 path[512];

	snprintf(path, sizeof(path), "%s/%s.lua", ruledir, name);
	assert_int_equal(unlink(path), 0);
}

/* How many verdicts order o keeps, and how many of them rule said. */
static long long
verdicts(long long o, const char *rule)
{
	return scalar(arena_printf(A, "SELECT count(*) * 100 + sum(rule ="
	    " '%s') FROM order_verdicts WHERE \"order\" = %lld", rule, o));
}

/*
 * Rules are data: a rule file dropped into the directory takes part in
 * the next submission (in file-name order) and its verdict is stored;
 * removed, submissions go on and an order keeps exactly the verdicts
 * of its last submission; a broken new file names itself; the dry run
 * lists every rule that ran; customer hooks the same on saves.
 */
static void
rules_are_data(void **state)
{
	const char	*admin = user_with_token("data.admin", "admin", "");
	char		 path[64], *credit;
	long long	 cust, prod, o;

	(void)state;
	prod = scalar("SELECT id FROM products WHERE sku = 'OT-1'");
	cust = create_xml("/customers", "<customer><name>Rules Data Co"
	    "</name><segment>key_account</segment><payment_terms>net30"
	    "</payment_terms><credit_limit>900000.00</credit_limit><email>"
	    "r@example.com</email></customer>");
	assert_true(cust > 0);
	/* Dropped in: the next submission runs it and stores its verdict. */
	write_rule("min_order", "local M = {}\nfunction M.order(o, ctx)\n"
	    "\treturn \"hold\", \"below the minimum of \" .. "
	    "kiln.money(o.total + 1)\nend\nreturn M\n");
	o = order_with(cust, prod, 1, 0, "2027-06-01");
	assert_int_equal(submit(o), 200);
	assert_true(has("status=\"on_hold\""));
	assert_true(has("<verdict rule=\"min_order\" result=\"hold\">below"
	    " the minimum of"));
	assert_int_equal(verdicts(o, "min_order"), 601);
	/* credit, delivery, discount, min_order, overdue, payment_terms */
	assert_int_equal(scalar(arena_printf(A, "SELECT pos FROM"
	    " order_verdicts WHERE \"order\" = %lld AND rule = 'min_order'",
	    o)), 4);
	snprintf(path, sizeof(path), "/orders/%lld", o);
	assert_int_equal(api("GET", path, NULL, NULL), 200);
	assert_true(has("<verdict rule=\"min_order\" result=\"hold\">"));
	/* The dry run shows every rule that runs now, the new one too. */
	snprintf(path, sizeof(path), "/orders/%lld/rules.xml", o);
	assert_int_equal(req("GET", path, NULL, NULL, NULL, (const char *[]){
	    "HTTP_AUTHORIZATION", admin, NULL }), 200);
	assert_true(has("<verdict rule=\"min_order\" result=\"hold\""));
	assert_true(has("<verdict rule=\"overdue\" result=\"pass\""));

	/*
	 * Removed: the same order, submitted again, keeps only the
	 * verdicts of that submission; a new order goes through.
	 */
	remove_rule("min_order");
	snprintf(path, sizeof(path), "/orders/%lld/reopen", o);
	assert_int_equal(api("POST", path, NULL, ""), 200);
	assert_int_equal(submit(o), 200);
	snprintf(path, sizeof(path), "/orders/%lld/rules.xml", o);
	assert_true(has("status=\"approved\""));
	assert_false(has("min_order"));
	assert_int_equal(verdicts(o, "min_order"), 500);
	assert_int_equal(req("GET", path, NULL, NULL, NULL, (const char *[]){
	    "HTTP_AUTHORIZATION", admin, NULL }), 200);
	assert_false(has("min_order"));
	/* Even a shipped rule: removing credit.lua blocks nobody. */
	credit = read_rule("credit");
	remove_rule("credit");
	assert_int_equal(submit(o = order_with(cust, prod, 1, 0,
	    "2027-06-01")), 200);
	assert_true(has("status=\"approved\""));
	assert_false(has("rule=\"credit\""));
	assert_int_equal(verdicts(o, "credit"), 400);
	write_rule("credit", credit);
	free(credit);

	/* A broken new rule names itself; the order stays a draft. */
	write_rule("new_check", "local M = {}\nfunction M.order(o)\n"
	    "\treturn 'pass'\nend\nreturn M }\n");
	o = order_with(cust, prod, 1, 0, "2027-06-01");
	assert_int_equal(submit(o), 409);
	assert_true(has("code=\"rule\""));
	assert_true(has("rule new_check failed to load: new_check.lua:5:"));
	assert_int_equal(verdicts(o, "new_check"), 0);
	/* ...and saves: nobody can tell what it would have judged. */
	assert_int_equal(api("POST", "/customers", NULL, "<customer><name>"
	    "Blocked Co</name></customer>"), 409);
	assert_true(has("new_check.lua:5:"));
	remove_rule("new_check");
	assert_int_equal(submit(o), 200);
	assert_int_equal(verdicts(o, "credit"), 501);

	/* A customer rule dropped in judges the next save. */
	write_rule("zz_city", "return { customer = function(c)\n"
	    "\tif c.city == 'Atlantis' then\n"
	    "\t\treturn 'reject', 'no such city', 'city'\n"
	    "\tend\nend }\n");
	assert_int_equal(api("POST", "/customers", NULL, "<customer><name>"
	    "Sunk Co</name><city>Atlantis</city></customer>"), 422);
	assert_true(has("zz_city: no such city"));
	assert_true(has("<field name=\"city\">"));
	remove_rule("zz_city");
	assert_int_equal(api("POST", "/customers", NULL, "<customer><name>"
	    "Sunk Co</name><city>Atlantis</city></customer>"), 201);
}

/* A PATCH of order id as who (NULL: li.wei) at its current version. */
static int
order_patch(const char *who, long long id, const char *fields)
{
	char	 path[64], xml[1024];

	snprintf(path, sizeof(path), "/orders/%lld", id);
	snprintf(xml, sizeof(xml), "<order version=\"%lld\">%s</order>",
	    scalar(arena_printf(A, "SELECT version FROM orders WHERE id ="
	    " %lld", id)), fields);
	return who ? as(who, "PATCH", path, NULL, xml) :
	    api("PATCH", path, NULL, xml);
}

/* What kiln check's business checks print, and how many they found. */
static int
checks(char *buf, size_t sz)
{
	FILE	*f;
	int	 bad;
	size_t	 n;

	assert_non_null(f = tmpfile());
	bad = plugin_checks(&app, f);
	rewind(f);
	n = fread(buf, 1, sz - 1, f);
	buf[n] = '\0';
	fclose(f);
	return bad;
}

/*
 * Issue 8: what a dishonest salesperson, manager or careless
 * administrator tries against credit, money and ownership, each
 * refused by the door it came through and nothing changed.
 */
static void
integrity(void **state)
{
	const char	*fin, *mgr, *zhou;
	char		 xml[512], path[128], out[4096];
	long long	 cust, prod, cheap, o, other, line, exposure;

	(void)state;
	fin = user_with_token("credit.desk", "finance", "");
	mgr = user_with_token("boss.east", "manager", "east");
	zhou = scalar("SELECT count(*) FROM users WHERE login = 'zhou.tao'") ?
	    NULL : user_with_token("zhou.tao", "sales", "east");
	cust = create_xml("/customers", "<customer><name>Integrity Ltd</name>"
	    "<segment>channel_partner</segment><payment_terms>net30"
	    "</payment_terms><credit_limit>10000.00</credit_limit>"
	    "<email>i@example.com</email></customer>");
	assert_true(cust > 0);
	assert_int_equal(sqlite3_exec(db_handle(app.db), "INSERT INTO"
	    " products (created_at, updated_at, sku, name, unit_price)"
	    " VALUES ('x', 'x', 'IN-100', 'List 100', 10000), ('x', 'x',"
	    " 'IN-5', 'List 5', 500)", NULL, NULL, NULL), SQLITE_OK);
	prod = scalar("SELECT id FROM products WHERE sku = 'IN-100'");
	cheap = scalar("SELECT id FROM products WHERE sku = 'IN-5'");

	/* A salesperson raises neither credit nor terms, by any door. */
	snprintf(path, sizeof(path), "/customers/%lld", cust);
	assert_int_equal(api("PATCH", path, NULL, "<customer version=\"1\">"
	    "<credit_limit>99999999.00</credit_limit></customer>"), 403);
	assert_true(has("code=\"forbidden\""));
	assert_true(has("<field name=\"credit_limit\">"));
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded",
	    "version=1&payment_terms=net90", bearer), 403);
	assert_int_equal(scalar(arena_printf(A, "SELECT credit_limit = 1000000"
	    " AND payment_terms = 'net30' AND version = 1 FROM customers"
	    " WHERE id = %lld", cust)), 1);

	/* Terms longer than finance granted the customer are held. */
	snprintf(xml, sizeof(xml), "<order><customer id=\"%lld\"/>"
	    "<payment_terms>net60</payment_terms><lines><line><product id="
	    "\"%lld\"/><quantity>1</quantity></line></lines></order>", cust,
	    prod);
	assert_true((o = create_xml("/orders", xml)) > 0);
	assert_int_equal(submit(o), 200);
	assert_true(has("status=\"on_hold\""));
	assert_true(has("longer than the customer's agreed net30"));
	/* A low price is a discount: 80.00 for a list price of 100.00. */
	snprintf(xml, sizeof(xml), "<order><customer id=\"%lld\"/><lines>"
	    "<line><product id=\"%lld\"/><quantity>1</quantity><unit_price>"
	    "80.00</unit_price></line></lines></order>", cust, prod);
	assert_true((o = create_xml("/orders", xml)) > 0);
	assert_int_equal(submit(o), 200);
	assert_true(has("status=\"on_hold\""));
	assert_true(has("a discount of 20.00% off the list price"));
	/* ...and 50.00 is above what anyone may give. */
	snprintf(xml, sizeof(xml), "<order><customer id=\"%lld\"/><lines>"
	    "<line><product id=\"%lld\"/><quantity>1</quantity><unit_price>"
	    "50.00</unit_price></line></lines></order>", cust, prod);
	assert_true((other = create_xml("/orders", xml)) > 0);
	assert_int_equal(submit(other), 200);
	assert_true(has("status=\"rejected\""));
	/* Another product on a line brings its own price... */
	other = order_with(cust, cheap, 2, 0, "2027-06-01");
	line = scalar(arena_printf(A, "SELECT id FROM order_lines WHERE"
	    " \"order\" = %lld", other));
	snprintf(path, sizeof(path), "/order_lines/%lld", line);
	snprintf(xml, sizeof(xml), "<order_line version=\"1\"><product>%lld"
	    "</product></order_line>", prod);
	assert_int_equal(api("PATCH", path, NULL, xml), 200);
	assert_true(has("<unit_price currency=\"CNY\">100.00</unit_price>"));
	assert_true(has("<list_price currency=\"CNY\">100.00</list_price>"));
	/* ...unless the same change sets another one. */
	snprintf(xml, sizeof(xml), "<order_line version=\"2\"><product>%lld"
	    "</product><unit_price>4.00</unit_price></order_line>", cheap);
	assert_int_equal(api("PATCH", path, NULL, xml), 200);
	assert_true(has("<unit_price currency=\"CNY\">4.00</unit_price>"));
	assert_true(has("<list_price currency=\"CNY\">5.00</list_price>"));
	/* A line from before list prices were kept gets one when changed. */
	assert_int_equal(sqlite3_exec(db_handle(app.db), arena_printf(A,
	    "UPDATE order_lines SET list_price = NULL WHERE id = %lld", line),
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(api("PATCH", path, NULL, "<order_line version=\"3\">"
	    "<unit_price>3.00</unit_price></order_line>"), 200);
	assert_true(has("<list_price currency=\"CNY\">5.00</list_price>"));
	/* A line stays on its order: no total is left behind. */
	snprintf(xml, sizeof(xml), "<order_line version=\"4\"><order>%lld"
	    "</order></order_line>", o);
	assert_int_equal(api("PATCH", path, NULL, xml), 409);
	assert_true(has("a line stays on its order"));

	/* Four eyes: the team's manager decides li.wei's held order... */
	snprintf(path, sizeof(path), "/orders/%lld/approve", o);
	assert_int_equal(as(mgr, "POST", path, NULL,
	    "<decision><reason>known customer</reason></decision>"), 200);
	/* ...but not the one he owns and submitted himself. */
	snprintf(xml, sizeof(xml), "<order><customer id=\"%lld\"/><owner id="
	    "\"%lld\"/><lines><line><product id=\"%lld\"/><quantity>1"
	    "</quantity><discount_pct>30</discount_pct></line></lines>"
	    "</order>", cust, scalar("SELECT id FROM users WHERE login ="
	    " 'boss.east'"), prod);
	assert_int_equal(fapi("POST", "/orders", NULL, xml), 201);
	other = scalar("SELECT max(id) FROM orders");
	snprintf(path, sizeof(path), "/orders/%lld/submit", other);
	assert_int_equal(as(mgr, "POST", path, NULL, ""), 200);
	assert_true(has("status=\"on_hold\""));
	snprintf(path, sizeof(path), "/orders/%lld/approve", other);
	assert_int_equal(as(mgr, "POST", path, NULL,
	    "<decision><reason>mine</reason></decision>"), 403);
	assert_true(has("another manager of the team"));
	assert_int_equal(scalar(arena_printf(A, "SELECT status = 'on_hold'"
	    " FROM orders WHERE id = %lld", other)), 1);
	/* A one-person company says four_eyes = no. */
	app.conf.four_eyes = 0;
	assert_int_equal(as(mgr, "POST", path, NULL,
	    "<decision><reason>mine</reason></decision>"), 200);
	app.conf.four_eyes = 1;

	/* The order is made and shipped; its owner records no invoice. */
	assert_int_equal(order_patch(NULL, o, "<status>in_production"
	    "</status>"), 200);
	assert_int_equal(order_patch(NULL, o, "<status>shipped</status>"
	    "<shipped_date>2026-11-02</shipped_date>"), 200);
	assert_int_equal(order_patch(NULL, o, "<status>invoiced</status>"
	    "<invoiced_amount>0.01</invoiced_amount><invoiced_date>"
	    "2026-11-03</invoiced_date>"), 403);
	assert_true(has("<field name=\"invoiced_amount\">"));
	assert_true(has("<field name=\"invoiced_date\">"));
	/* Finance invoices at most the total (80.00). */
	assert_int_equal(order_patch(fin, o, "<status>invoiced</status>"
	    "<invoiced_amount>90.00</invoiced_amount><invoiced_date>"
	    "2026-11-03</invoiced_date>"), 409);
	assert_true(has("above the order total"));
	/* ...and the step invoices the total: less is a correction. */
	assert_int_equal(order_patch(fin, o, "<status>invoiced</status>"
	    "<invoiced_amount>0.01</invoiced_amount><invoiced_date>"
	    "2026-11-03</invoiced_date>"), 409);
	assert_true(has("the invoice is the order total"));
	assert_int_equal(order_patch(fin, o, "<status>invoiced</status>"
	    "<invoiced_amount>80.00</invoiced_amount><invoiced_date>"
	    "2026-11-03</invoiced_date>"), 200);
	assert_true(has("<due_date>2026-12-03</due_date>"));
	/* The invoice does not change outside its step... */
	assert_int_equal(order_patch(fin, o, "<invoiced_amount>0.01"
	    "</invoiced_amount>"), 409);
	/* ...nor does a payment exceed it, or a part count as paid. */
	assert_int_equal(order_patch(fin, o, "<paid_amount>80.01"
	    "</paid_amount><paid_date>2026-11-04</paid_date>"), 409);
	assert_int_equal(order_patch(fin, o, "<status>paid</status>"
	    "<paid_amount>30.00</paid_amount><paid_date>2026-11-04"
	    "</paid_date>"), 409);
	assert_true(has("paid in full"));
	assert_int_equal(order_patch(fin, o, "<paid_amount>30.00"
	    "</paid_amount><paid_date>2026-11-04</paid_date>"), 200);
	assert_int_equal(order_patch(fin, o, "<paid_amount>10.00"
	    "</paid_amount>"), 409);
	exposure = scalar(arena_printf(A, "SELECT amount FROM order_exposure"
	    " WHERE customer = %lld", cust));
	assert_true(exposure >= 5000);
	/* Corrections: finance's, with a reason, within the bounds. */
	snprintf(path, sizeof(path), "/orders/%lld/correct", o);
	snprintf(xml, sizeof(xml), "version=%lld&invoiced_amount=70.00"
	    "&reason=discount+agreed", scalar(arena_printf(A, "SELECT version"
	    " FROM orders WHERE id = %lld", o)));
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", xml, bearer), 403);
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", arena_printf(A, "%.*s",
	    (int)(strstr(xml, "&reason") - xml), xml), (const char *[]){
	    "HTTP_AUTHORIZATION", fin, NULL }), 422);
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", arena_printf(A, "version=%lld"
	    "&invoiced_amount=20.00&reason=x", scalar(arena_printf(A,
	    "SELECT version FROM orders WHERE id = %lld", o))),
	    (const char *[]){ "HTTP_AUTHORIZATION", fin, NULL }), 422);
	assert_int_equal(req("POST", path, NULL,
	    "application/x-www-form-urlencoded", arena_printf(A, "%s"
	    "&invoiced_date=2026-11-10", xml), (const char *[]){
	    "HTTP_AUTHORIZATION", fin, "HTTP_ACCEPT", "application/xml",
	    NULL }), 200);
	assert_true(has("<invoiced_amount currency=\"CNY\">70.00"));
	assert_true(has("<due_date>2026-12-10</due_date>"));
	assert_true(has("invoice corrected: 80.00 2026-11-03 -&gt; 70.00"
	    " 2026-11-10: discount agreed"));
	assert_int_equal(scalar(arena_printf(A, "SELECT amount FROM"
	    " order_exposure WHERE customer = %lld", cust)), exposure - 1000);
	assert_int_equal(order_patch(fin, o, "<status>paid</status>"
	    "<paid_amount>70.00</paid_amount><paid_date>2026-11-20"
	    "</paid_date>"), 200);

	/* A section shows only what its viewer may open. */
	if (zhou == NULL)
		zhou = user_with_token("zhou.t2", "sales", "east");
	snprintf(path, sizeof(path), "/customers/%lld", cust);
	snprintf(xml, sizeof(xml), "<customer version=\"%lld\"><owner>%lld"
	    "</owner></customer>", scalar(arena_printf(A, "SELECT version"
	    " FROM customers WHERE id = %lld", cust)), scalar("SELECT max(id)"
	    " FROM users WHERE role = 'sales' AND login <> 'li.wei'"));
	assert_int_equal(as(mgr, "PATCH", path, NULL, xml), 200);
	assert_int_equal(req("GET", path, NULL, NULL, NULL, (const char *[]){
	    "HTTP_AUTHORIZATION", zhou, NULL }), 200);
	assert_true(has("<h2>Orders</h2>"));
	assert_false(has(scalar_text(arena_printf(A, "SELECT number FROM"
	    " orders WHERE id = %lld", o))));

	/* Text that reads otherwise than it is stored is refused. */
	assert_int_equal(api("POST", "/customers", NULL, "<customer><name>"
	    "Acme \xe2\x80\xae" "gpj.exe</name></customer>"), 422);
	assert_true(has("bidirectional"));
	/* One SKU, whatever its case. */
	assert_int_equal(fapi("POST", "/products", NULL, "<product><sku>"
	    " in-100 </sku><name>Twin</name></product>"), 422);
	assert_true(has("<field name=\"sku\">"));

	/* kiln check: sound now, and names each kind of broken record. */
	if (checks(out, sizeof(out)) != 0)
		fail_msg("kiln check: %s", out);
	assert_int_equal(sqlite3_exec(db_handle(app.db), "DROP TRIGGER"
	    " orders_money; UPDATE orders SET total = total + 1 WHERE status ="
	    " 'draft'; UPDATE order_exposure SET amount = amount + 7;"
	    " UPDATE orders SET paid_amount = invoiced_amount + 1,"
	    " correction_seq = correction_seq + 1 WHERE status = 'paid';"
	    " DELETE FROM order_history WHERE status = 'rejected'; UPDATE orders SET number = 'SO-DUP' WHERE id IN"
	    " (SELECT id FROM orders LIMIT 2)", NULL, NULL, NULL), SQLITE_OK);
	assert_true(checks(out, sizeof(out)) >= 5);
	assert_non_null(strstr(out, "order totals: order "));
	assert_non_null(strstr(out, "but its lines add up to"));
	assert_non_null(strstr(out, "exposure: customer "));
	assert_non_null(strstr(out, "invoices and payments: order "));
	assert_non_null(strstr(out, "status history: order "));
	assert_non_null(strstr(out, "order numbers: order number 'SO-DUP'"));
}

/* Run sql on the worker's connection (a pragma that makes a fault). */
static void
pragma(const char *sql)
{
	assert_int_equal(sqlite3_exec(db_handle(app.db), sql, NULL, NULL,
	    NULL), SQLITE_OK);
}

/* A read-only database: reads work, writes 503 read_only, the plugin's too. */
static void
storage_read_only(void **state)
{
	long long	 n = scalar("SELECT count(*) FROM customers");

	(void)state;
	pragma("PRAGMA query_only = 1");
	assert_int_equal(api("POST", "/customers", NULL,
	    "<customer><name>Read only</name></customer>"), 503);
	assert_true(has("code=\"read_only\""));
	assert_true(has("Retry-After: 1"));
	assert_int_equal(api("GET", "/customers", NULL, NULL), 200);
	assert_int_equal(req("POST", "/hello/1/wave", NULL,
	    "application/x-www-form-urlencoded", "", bearer_xml), 503);
	assert_true(has("code=\"read_only\""));
	pragma("PRAGMA query_only = 0");
	assert_int_equal(scalar("SELECT count(*) FROM customers"), n);
	assert_int_equal(api("POST", "/customers", NULL,
	    "<customer><name>Writable again</name></customer>"), 201);
}

/*
 * A full disk (no page beyond those it has): 503 disk_full, never
 * 500, and every create acknowledged before is stored, none after.
 */
static void
storage_full(void **state)
{
	char		 xml[2200], notes[2001];
	long long	 n = scalar("SELECT count(*) FROM customers"), ok = 0;
	int		 i, status = 201;

	(void)state;
	memset(notes, 'x', sizeof(notes) - 1);
	notes[sizeof(notes) - 1] = '\0';
	snprintf(xml, sizeof(xml), "<customer><name>Full</name><notes>%s"
	    "</notes></customer>", notes);
	pragma("PRAGMA max_page_count = 1");	/* as small as it is now */
	for (i = 0; i < 50 && status == 201; i++)
		if ((status = api("POST", "/customers", NULL, xml)) == 201)
			ok++;
	assert_int_equal(status, 503);
	assert_true(has("code=\"disk_full\""));
	assert_int_equal(scalar("SELECT count(*) FROM customers"), n + ok);
	pragma("PRAGMA max_page_count = 1073741823");
	assert_int_equal(api("POST", "/customers", NULL, xml), 201);
}

/* The database file and its log renamed from path+from to path+to. */
static void
move_db(const char *from, const char *to)
{
	static const char *const parts[] = { "", "-wal", "-shm" };
	char			 a[300], b[300];
	size_t			 i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		snprintf(a, sizeof(a), "%s%s%s", dbpath, from, parts[i]);
		snprintf(b, sizeof(b), "%s%s%s", dbpath, to, parts[i]);
		assert_true(rename(a, b) == 0 || errno == ENOENT);
	}
}

/*
 * The file deleted under the worker: 503 db_unavailable at once (the
 * health check too), back when it is back.  Replaced by a copy: the
 * copy is served, a change made meanwhile in the old file is not; but
 * not while the old file's log is still beside it (503 db_moved).
 */
static void
storage_moved(void **state)
{
	char		 copy[300], path[64];
	long long	 id;

	(void)state;
	move_db("", ".away");
	assert_int_equal(api("GET", "/customers", NULL, NULL), 503);
	assert_true(has("code=\"db_unavailable\""));
	assert_int_equal(req("GET", "/health", NULL, NULL, NULL, NULL), 503);
	move_db(".away", "");
	assert_int_equal(api("GET", "/customers", NULL, NULL), 200);

	snprintf(copy, sizeof(copy), "%s.copy", dbpath);
	assert_int_equal(db_backup(app.db, copy), 0);
	assert_true((id = create_xml("/customers", "<customer><name>Only in"
	    " the old file</name></customer>")) > 0);
	snprintf(path, sizeof(path), "/customers/%lld", id);
	move_db("", ".old");
	assert_int_equal(rename(copy, dbpath), 0);
	assert_int_equal(api("GET", path, NULL, NULL), 404);
	assert_int_equal(api("POST", "/customers", NULL,
	    "<customer><name>Into the copy</name></customer>"), 201);

	/* Replaced again, its -wal and -shm left in place. */
	assert_int_equal(db_backup(app.db, copy), 0);
	assert_int_equal(rename(copy, dbpath), 0);
	assert_int_equal(api("GET", "/customers", NULL, NULL), 503);
	assert_true(has("code=\"db_moved\""));
	move_db("-wal", ".stale-wal");
	move_db("-shm", ".stale-shm");
	assert_int_equal(api("GET", "/customers", NULL, NULL), 200);
}

/*
 * Issue 9: a plugin's SQL is confined to its own tables and what it
 * requires, refused when prepared; nothing it tried changed anything.
 */
static void
plugin_confined(void **state)
{
	static const int	 want[] = {
		200, 403, 403, 403, 403, 403, 403, 200, 403, 403
	};
	char			 path[32];
	long long		 admins, limits;
	size_t			 i;

	(void)state;
	admins = scalar("SELECT count(*) FROM users WHERE role = 'admin'");
	limits = scalar("SELECT sum(credit_limit) FROM customers");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(path, sizeof(path), "/intruder/%zu", i + 1);
		if (fapi("POST", path, NULL, "") != want[i])
			fail_msg("%s: want %d: %s", path, want[i], resp);
	}
	assert_int_equal(scalar("SELECT count(*) FROM users WHERE role ="
	    " 'admin'"), admins);
	assert_int_equal(scalar("SELECT sum(credit_limit) FROM customers"),
	    limits);
	assert_int_equal(scalar("SELECT count(*) FROM intruder_notes"), 1);
	assert_int_equal(scalar("PRAGMA foreign_keys"), 1);
	/* A statement the host prepared is not the plugin's to reuse. */
	assert_int_equal(scalar("SELECT count(*) FROM orders") >= 0, 1);
	assert_int_equal(fapi("POST", "/intruder/4", NULL, ""), 403);
}

/*
 * Issue 9: the host's query service gives a plugin the rows its user
 * may read, filtered in SQL and keyset-paged, as the lists do.
 */
static void
plugin_rows(void **state)
{
	const char	*zhou;
	char		 next[512], q[600];
	const char	*p, *e;
	long long	 all, mine;

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_int_equal(api("POST", "/customers", NULL, arena_printf(A,
		    "<customer><name>Rows %d</name><segment>key_account"
		    "</segment><email>r@example.com</email></customer>", i)),
		    201);
	assert_int_equal(fapi("POST", "/customers", NULL, "<customer><name>"
	    "Rows admin</name><segment>key_account</segment><email>"
	    "r@example.com</email></customer>"), 201);
	all = scalar("SELECT count(*) FROM customers WHERE segment ="
	    " 'key_account'");
	mine = scalar("SELECT count(*) FROM customers WHERE segment ="
	    " 'key_account' AND owner = 1");
	assert_true(all > mine && mine > 1);
	/* li.wei's own key accounts, two a page, every one once. */
	snprintf(q, sizeof(q), "of=customer&segment=key_account&limit=2");
	for (;;) {
		assert_int_equal(api("GET", "/hello/rows", q, NULL), 200);
		for (p = resp; (p = strstr(p, "<row ")) != NULL; p++) {
			assert_non_null(strstr(p, "owner=\"1\""));
			assert_non_null(strstr(p, "segment=\"key_account\""));
			mine--;
		}
		if ((p = strstr(resp, "next=\"")) == NULL)
			break;
		p += 6;
		e = strchr(p, '"');
		snprintf(next, sizeof(next), "%.*s", (int)(e - p), p);
		snprintf(q, sizeof(q), "of=customer&segment=key_account&limit=2"
		    "&after=%s", next);
	}
	assert_int_equal(mine, 0);
	/* The administrator's: all of them, in one page. */
	assert_int_equal(fapi("GET", "/hello/rows", "of=customer&segment="
	    "key_account&limit=500", NULL), 200);
	for (p = resp; (p = strstr(p, "<row ")) != NULL; p++)
		all--;
	assert_int_equal(all, 0);
	/* Someone who owns none sees none; a bad filter is said. */
	zhou = user_with_token("rows.nobody", "sales", "west");
	assert_int_equal(as(zhou, "GET", "/hello/rows", "of=customer", NULL),
	    200);
	assert_null(strstr(resp, "<row "));
	assert_int_equal(api("GET", "/hello/rows", "of=customer&limit=9999",
	    NULL), 400);
	assert_int_equal(api("GET", "/hello/rows", "of=nothing", NULL), 400);
}

/*
 * Issue 9: one table of errors.  Every code of core/error.c is one
 * schema/error.rng accepts, and a 405 is method_not_allowed.
 */
static void
error_table(void **state)
{
	const char	*lua = getenv("KILN_LUA_DIR");
	char		 path[512], want[128], *rng;
	size_t		 i;

	(void)state;
	snprintf(path, sizeof(path), "%s/../schema/error.rng", lua ? lua :
	    "lua");
	rng = read_file(path);
	for (i = 0; i < ERR_MAX; i++) {
		snprintf(want, sizeof(want), "<value>%s</value>",
		    error_def((enum error_code)i)->code);
		if (strstr(rng, want) == NULL)
			fail_msg("%s is not in %s", want, path);
		assert_true(error_def((enum error_code)i)->status >= 400);
	}
	free(rng);
	assert_int_equal(api("TRACE", "/customers", NULL, NULL), 405);
	assert_true(has("code=\"method_not_allowed\""));
	assert_int_equal(api("PUT", "/customers", NULL, "<customer/>"), 405);
	assert_true(has("code=\"method_not_allowed\""));
}

/*
 * Issue 9: tests/plugins/notes.c, the plugin doc/plugins.md is built
 * around: its notes take their customer's access, are listed on the
 * customer's page, on its own page only where readable, checked by
 * kiln check, and made by kiln demo-data after the customers.
 */
static void
plugin_notes(void **state)
{
	const char	*stranger;
	char		 loc[128], cust[128], note[128], buf[4096];
	long long	 id, before, customers;

	(void)state;
	assert_int_equal(api("POST", "/customers", NULL, "<customer><name>"
	    "Notes Ltd</name><email>n@example.com</email></customer>"), 201);
	snprintf(cust, sizeof(cust), "%s", header("Location", loc,
	    sizeof(loc)) + 4);
	id = atoll(strrchr(cust, '/') + 1);
	assert_int_equal(api("POST", "/notes", NULL, arena_printf(A,
	    "<note><customer id=\"%lld\"/><subject>Wants &lt;pumps&gt;"
	    "</subject><body>Call back on Monday</body></note>", id)), 201);
	snprintf(note, sizeof(note), "%s", header("Location", loc,
	    sizeof(loc)) + 4);
	assert_int_equal(api("POST", "/notes", NULL, arena_printf(A,
	    "<note><customer id=\"%lld\"/><subject></subject></note>", id)),
	    422);
	/* On the customer's page, escaped; on the plugin's own page. */
	assert_int_equal(req("GET", cust, NULL, NULL, NULL, bearer), 200);
	assert_true(has("Wants &lt;pumps&gt;"));
	assert_int_equal(api("GET", "/notes/newest", NULL, NULL), 200);
	assert_true(has("Wants &lt;pumps&gt;</note>"));
	assert_int_equal(req("GET", "/notes/newest", NULL, NULL, NULL, bearer),
	    200);
	assert_true(has("Notes Ltd</li>"));
	/* A stranger reads neither the customer's notes nor the note. */
	stranger = user_with_token("notes.nobody", "sales", "west");
	assert_int_equal(as(stranger, "GET", "/notes/newest", NULL, NULL),
	    200);
	assert_false(has("pumps"));
	assert_int_equal(as(stranger, "GET", note, NULL, NULL), 404);
	/* kiln check names a note whose subject went blank behind its back. */
	assert_int_equal(sqlite3_exec(db_handle(app.db), "UPDATE notes SET"
	    " subject = ' ' WHERE id = (SELECT max(id) FROM notes)", NULL,
	    NULL, NULL), SQLITE_OK);
	assert_true(checks(buf, sizeof(buf)) >= 1);
	assert_non_null(strstr(buf, "note subjects: note "));
	assert_int_equal(sqlite3_exec(db_handle(app.db), "UPDATE notes SET"
	    " subject = 'Wants pumps'", NULL, NULL, NULL), SQLITE_OK);
	/* demo-data: the notes demo runs after the customers' one. */
	before = scalar("SELECT count(*) FROM notes");
	customers = scalar("SELECT count(*) FROM customers");
	assert_int_equal(demo_fill(&app, 12, "correct horse battery"), 0);
	assert_int_equal(scalar("SELECT count(*) FROM customers"),
	    customers + 12);
	assert_true(scalar("SELECT count(*) FROM notes") > before);
	assert_int_equal(scalar("SELECT count(*) FROM notes n JOIN customers"
	    " c ON c.id = n.customer WHERE n.id > (SELECT min(id) FROM notes)"
	    " AND c.code NOT LIKE 'C000%'"), 0);
	assert_int_equal(scalar("SELECT count(*) FROM audit WHERE entity ="
	    " 'note' AND action = 'create'"), scalar("SELECT count(*) FROM"
	    " notes"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(health_and_auth),
		cmocka_unit_test(create_read_update_delete),
		cmocka_unit_test(validation),
		cmocka_unit_test(bodies),
		cmocka_unit_test(lists),
		cmocka_unit_test(routes),
		cmocka_unit_test(sessions_and_csrf),
		cmocka_unit_test(record_access),
		cmocka_unit_test(people_read),
		cmocka_unit_test(audit_trail),
		cmocka_unit_test(throttling),
		cmocka_unit_test(throttling_fails_closed),
		cmocka_unit_test(public_clients),
		cmocka_unit_test(trusted_proxies),
		cmocka_unit_test(password_rehash),
		cmocka_unit_test(token_page),
		cmocka_unit_test(admin_users),
		cmocka_unit_test(user_text),
		cmocka_unit_test(rule_changes_audited),
		cmocka_unit_test(single_sign_on),
		cmocka_unit_test(paths_and_ids),
		cmocka_unit_test(products),
		cmocka_unit_test(changes_feed),
		cmocka_unit_test(plugin_routes),
		cmocka_unit_test(orders),
		cmocka_unit_test(order_rules),
		cmocka_unit_test(order_tracking),
		cmocka_unit_test(order_document),
		cmocka_unit_test(order_copy),
		cmocka_unit_test(credit_standing),
		cmocka_unit_test(order_rule_paths),
		cmocka_unit_test(rules_are_data),
		cmocka_unit_test(integrity),
		cmocka_unit_test(plugin_confined),
		cmocka_unit_test(plugin_rows),
		cmocka_unit_test(error_table),
		cmocka_unit_test(plugin_notes),
		/* Last: they leave another database file in place. */
		cmocka_unit_test(storage_read_only),
		cmocka_unit_test(storage_full),
		cmocka_unit_test(storage_moved),
	};

	xmlInitParser();
	return cmocka_run_group_tests(tests, setup, teardown);
}
