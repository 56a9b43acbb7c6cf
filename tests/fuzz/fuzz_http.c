/*
 * fuzz_http.c - libFuzzer target: whole requests through http_serve()
 * against a real database with the real plugins and rules, as an
 * administrator, a salesperson or nobody.  No input may crash the
 * worker, and none may leave a transaction open behind it.
 *
 * An input is: one byte choosing the user, one the method, one the
 * content type, then "PATH[?QUERY]\n" and the body.
 *
 * Environment: KILN_FUZZ_PLUGINS (the build's plugins/.libs),
 * KILN_FUZZ_LUA (a rules directory) and TMPDIR (where the database
 * goes), set by tests/fuzz/run.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <sodium.h>
#include <sqlite3.h>

#include "app.h"
#include "arena.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "memio.h"
#include "req.h"
#include "user.h"

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct app	 app;
static struct arena	*A;
static char		 auth[2][160];

static const char *const methods[] = {
	"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"
};
static const char *const ctypes[] = {
	"application/xml", "application/x-www-form-urlencoded",
	"multipart/form-data; boundary=b", "text/plain", NULL
};

/* Something to act on: a customer, a product, orders with lines. */
static const char *const seed_sql =
	"INSERT INTO customers (created_at, updated_at, name, segment, owner,"
	" credit_limit, payment_terms, email) VALUES ('x', 'x', 'Fuzz Co',"
	" 'key_account', 2, 5000000, 'net30', 'f@example.com');"
	"INSERT INTO products (created_at, updated_at, sku, name, unit_price,"
	" lead_time_days) VALUES ('x', 'x', 'F-1', 'Part', 12345, 3);"
	"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k"
	" WHERE i < 20) INSERT INTO orders (created_at, updated_at, customer,"
	" requested_date, owner) SELECT 'x', 'x', 1, '2030-01-01', 2 FROM k;"
	"INSERT INTO order_lines (created_at, updated_at, \"order\", product,"
	" quantity, discount_pct) SELECT 'x', 'x', id, 1, 3, id FROM orders;"
	/* Speed over durability, for the fuzzer only. */
	"PRAGMA synchronous=OFF;";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char	 dir[512], db[600], plugins[512];
	struct conf	 conf;
	const char	*p = getenv("KILN_FUZZ_PLUGINS");
	const char	*lua = getenv("KILN_FUZZ_LUA");
	const char	*who[] = { "fuzz.admin", "fuzz.sales" };
	const char	*role[] = { "admin", "sales" };
	char		 tok[128];
	int		 i;

	(void)argc;
	(void)argv;
	/* Under TMPDIR: tests/fuzz/run removes its own. */
	snprintf(dir, sizeof(dir), "%s/kiln-fuzz-XXXXXX", getenv("TMPDIR") ?
	    getenv("TMPDIR") : "/tmp");
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		abort();
	xmlInitParser();
	log_set_quiet(1);
	snprintf(db, sizeof(db), "%s/kiln.db", dir);
	snprintf(plugins, sizeof(plugins), "%s", p ? p : "plugins/.libs");
	conf_defaults(&conf);
	conf.db = db;
	conf.plugins = plugins;
	conf.rules = lua ? lua : "lua";
	if (app_open(&app, &conf, APP_CREATE | APP_RULES) != 0 ||
	    app_migrate(&app) != 0)
		abort();
	for (i = 0; i < 2; i++) {
		if (user_add(app.db, who[i], role[i], who[i], "east",
		    "correct horse battery") != 0 ||
		    user_token_new(app.db, who[i], "fuzz", tok,
		    sizeof(tok)) != 0)
			abort();
		snprintf(auth[i], sizeof(auth[i]), "Bearer %s", tok);
	}
	if (sqlite3_exec(db_handle(app.db), seed_sql, NULL, NULL, NULL) !=
	    SQLITE_OK || (A = arena_new(64 * 1024)) == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*env[24];
	char		 path[512], query[512], cl[32];
	const char	*nl, *q, *body;
	struct memio	 m;
	struct io	 io;
	size_t		 n = 0, plen, blen;

	if (size < 4)
		return 0;
	/* PATH?QUERY up to the first newline, the rest is the body. */
	if ((nl = memchr(data + 3, '\n', size - 3)) == NULL)
		return 0;
	plen = (size_t)(nl - (const char *)data) - 3;
	if (plen == 0 || plen >= sizeof(path) || memchr(data + 3, '\0', plen))
		return 0;
	memcpy(path, data + 3, plen);
	path[plen] = '\0';
	query[0] = '\0';
	if ((q = strchr(path, '?')) != NULL) {
		snprintf(query, sizeof(query), "%s", q + 1);
		path[q - path] = '\0';
	}
	body = nl + 1;
	blen = size - (size_t)(body - (const char *)data);
	env[n++] = "REQUEST_METHOD";
	env[n++] = methods[data[1] % (sizeof(methods) / sizeof(methods[0]))];
	env[n++] = "SCRIPT_NAME";	env[n++] = "/crm";
	env[n++] = "PATH_INFO";		env[n++] = path;
	env[n++] = "QUERY_STRING";	env[n++] = query;
	env[n++] = "HTTP_HOST";		env[n++] = "127.0.0.1";
	if (data[0] % 3 < 2) {
		env[n++] = "HTTP_AUTHORIZATION";
		env[n++] = auth[data[0] % 3];
	}
	if (data[0] & 0x80) {
		env[n++] = "HTTP_ACCEPT";	env[n++] = "application/xml";
	}
	if (blen > 0 || data[1] % 2) {
		snprintf(cl, sizeof(cl), "%zu", blen);
		env[n++] = "CONTENT_LENGTH";	env[n++] = cl;
		if (ctypes[data[2] % 5] != NULL) {
			env[n++] = "CONTENT_TYPE";
			env[n++] = ctypes[data[2] % 5];
		}
	}
	env[n] = NULL;
	memio_init(&m, &io, env, body, blen, 0);
	if (http_serve(&app, &io, A) != 0 || m.outn == 0)
		__builtin_trap();	/* every request gets an answer */
	if (!db_idle(app.db))
		__builtin_trap();	/* and leaves nothing open */
	return 0;
}
