/*
 * inprocess.c - N requests through http_serve() in one process, for
 * callgrind: instructions per page without nginx, sockets or wrk in
 * the count.  Built and run by tests/bench/callgrind.
 *
 * usage: inprocess DB PLUGINDIR RULESDIR N [PATH_INFO] [QUERY_STRING]
 *	    [METHOD [ACCEPT]]
 * A %ld in PATH_INFO becomes the request's number, 1 to N: with
 * "/orders/%ld/submit" and POST, N orders are submitted.  The requests
 * are the administrator's, or BENCH_LOGIN's (a manager's view).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "http.h"
#include "log.h"
#include "req.h"
#include "user.h"

static const char	**env;
static size_t		 total;

static const char *
get(void *ctx, const char *name)
{
	size_t	 i;

	(void)ctx;
	for (i = 0; env[i] != NULL; i += 2)
		if (strcmp(env[i], name) == 0)
			return env[i + 1];
	return NULL;
}

static long
rd(void *ctx, char *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return 0;
}

static int
wr(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	total += n;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct conf	 conf;
	struct app	 app;
	struct arena	*a;
	struct io	 io = { NULL, get, rd, wr, 0 };
	char		 tok[128], auth[160], path[256];
	const char	*e[16];
	long		 i, n;
	size_t		 k;

	if (argc < 5 || sodium_init() < 0)
		return 2;
	xmlInitParser();
	log_set_quiet(1);
	conf_defaults(&conf);
	conf.db = argv[1];
	conf.plugins = argv[2];
	conf.rules = argv[3];
	n = atol(argv[4]);
	if (app_open(&app, &conf, APP_RULES) == -1 ||
	    user_token_new(app.db, getenv("BENCH_LOGIN") != NULL ?
	    getenv("BENCH_LOGIN") : "admin", "bench", tok, sizeof(tok)) == -1)
		return 1;
	snprintf(auth, sizeof(auth), "Bearer %s", tok);
	e[0] = "REQUEST_METHOD"; e[1] = argc > 7 ? argv[7] : "GET";
	e[2] = "SCRIPT_NAME"; e[3] = "/crm";
	e[4] = "PATH_INFO"; e[5] = path;
	e[6] = "QUERY_STRING"; e[7] = argc > 6 ? argv[6] : "";
	e[8] = "HTTP_AUTHORIZATION"; e[9] = auth;
	e[10] = NULL;
	/* A POST without a body, and what the client accepts, if given. */
	k = 10;
	if (argc > 7 && strcmp(argv[7], "GET") != 0) {
		e[k++] = "CONTENT_LENGTH";
		e[k++] = "0";
	}
	if (argc > 8) {
		e[k++] = "HTTP_ACCEPT";
		e[k++] = argv[8];
	}
	e[k] = NULL;
	env = e;
	if ((a = arena_new(64 * 1024)) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		if (argc > 5 && strstr(argv[5], "%ld") != NULL)
			snprintf(path, sizeof(path), argv[5], i + 1);
		else
			snprintf(path, sizeof(path), "%s", argc > 5 ? argv[5] :
			    "/customers");
		http_serve(&app, &io, a);
	}
	printf("%ld requests, %zu bytes each\n", n, n ? total / (size_t)n : 0);
	arena_free(a);
	app_close(&app);
	return 0;
}
