/*
 * main.c - the kiln command: subcommands, or a FastCGI/CGI responder
 * when a web server starts it with no arguments.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "cli.h"
#include "db.h"
#include "entity.h"
#include "log.h"
#include "plugin.h"
#include "record.h"
#include "req.h"
#include "rules.h"
#include "server.h"
#include "user.h"
#include "value.h"

struct opts {
	const char	*db;
	const char	*config;
	const char	*listen;
	const char	*socket_group;
	const char	*role;
	const char	*name;
	const char	*team;
	const char	*on;
	int		 workers;
	int		 max_requests;	/* -1: not given */
	int		 customers;
};

static int
usage(void)
{
	fputs("usage: kiln [--db PATH] [--config FILE] COMMAND ...\n"
	    "  init                          create or migrate the database\n"
	    "  serve [--listen ADDR] [--socket-group G] [--workers N]\n"
	    "        [--max-requests N]      FastCGI on unix:/PATH (default\n"
	    "                                unix:/run/kiln/kiln.sock) or ADDRESS:PORT\n"
	    "  user add LOGIN --role ROLE [--name N] [--team T]\n"
	    "                                password read from stdin\n"
	    "  user token LOGIN              print a new API token\n"
	    "  user list | disable LOGIN | enable LOGIN\n"
	    "  user passwd LOGIN             new password from stdin\n"
	    "  user role LOGIN ROLE | user team LOGIN TEAM\n"
	    "  backup OUT                    consistent online copy\n"
	    "  check                         integrity check\n"
	    "  rules test [RULE] --on TYPE:ID  dry-run RULE, or every rule of"
	    " TYPE, on a record\n"
	    "  jobs [NAME]                   run the plugins' periodic jobs\n"
	    "  demo-data [--customers N]     fill with sample data\n"
	    "With no command under a web server, answers FastCGI or CGI.\n"
	    "See kiln(1).\n", stderr);
	return 2;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "workers", required_argument, NULL, 'w' },
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "team", required_argument, NULL, 't' },
		{ "on", required_argument, NULL, 'o' },
		{ "customers", required_argument, NULL, 'C' },
		{ "max-requests", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long long	 v;
	int		 ch;

	/*
	 * GNU getopt permutes: options may come anywhere
	 * ("kiln user add x --role sales"), positionals end up last.
	 */
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': o->db = optarg; break;
		case 'c': o->config = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'g': o->socket_group = optarg; break;
		case 'r': o->role = optarg; break;
		case 'n': o->name = optarg; break;
		case 't': o->team = optarg; break;
		case 'o': o->on = optarg; break;
		case 'w':
			if (value_int_parse(optarg, &v) != 0 || v < 1 ||
			    v > 64) {
				fprintf(stderr, "kiln: --workers 1 to 64\n");
				return -1;
			}
			o->workers = (int)v;
			break;
		case 'm':
			if (value_int_parse(optarg, &v) != 0 || v < 0 ||
			    v > 100000000) {
				fprintf(stderr, "kiln: --max-requests 0 (never)"
				    " to 100000000\n");
				return -1;
			}
			o->max_requests = (int)v;
			break;
		case 'C':
			if (value_int_parse(optarg, &v) != 0 || v < 1 ||
			    v > 10000000) {
				fprintf(stderr, "kiln: --customers 1 to 10000000\n");
				return -1;
			}
			o->customers = (int)v;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

static int
read_password(char *buf, size_t sz)
{
	size_t	 n;

	if (fgets(buf, (int)sz, stdin) == NULL) {
		fprintf(stderr, "kiln: give the password on stdin\n");
		return -1;
	}
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == sz - 1) {
		fprintf(stderr, "kiln: password too long (at most %d bytes)\n",
		    USER_PASSWORD_MAX);
		return -1;
	}
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

static int
cmd_init(struct conf *conf)
{
	struct app	 app;
	int		 rc;

	if (app_open(&app, conf, APP_CREATE) == -1)
		return 1;
	rc = app_migrate(&app) == 0 ? 0 : 1;
	if (rc == 0)
		printf("database %s is ready\n", conf->db);
	app_close(&app);
	return rc;
}

/* Every change to a user is audited, in the same transaction. */
static int
user_change(struct app *app, const char *what, const char *login,
    const char *detail, int (*fn)(struct db *, const char *, const char *),
    const char *arg)
{
	if (db_begin(app->db) != DB_OK)
		return 1;
	if (fn(app->db, login, arg) != 0 ||
	    audit_cli(app->db, what, "user", 0, arena_printf(app->perm,
	    "%s%s%s", login, detail ? ": " : "", detail ? detail : "")) != 0) {
		db_rollback(app->db);
		return 1;
	}
	return db_commit(app->db) == DB_OK ? 0 : 1;
}

static int
set_active(struct db *db, const char *login, const char *on)
{
	return user_set_active(db, login, on != NULL);
}

static int
cmd_user(struct conf *conf, struct opts *o, char **pos, int npos)
{
	struct app	 app;
	char		 pw[USER_PASSWORD_MAX + 2], tok[128];
	const char	*sub = npos > 1 ? pos[1] : "";
	int		 rc = 1;

	if (npos < 3 && strcmp(sub, "list") != 0)
		return usage();
	if (app_open(&app, conf, 0) == -1)
		return 1;
	if (strcmp(sub, "list") == 0)
		rc = user_list(app.db, stdout) == 0 ? 0 : 1;
	else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
		rc = user_change(&app, sub, pos[2], NULL, set_active,
		    strcmp(sub, "enable") == 0 ? "yes" : NULL);
	else if (strcmp(sub, "role") == 0 && npos == 4)
		rc = user_change(&app, "role", pos[2], pos[3], user_set_role,
		    pos[3]);
	else if (strcmp(sub, "team") == 0 && npos == 4)
		rc = user_change(&app, "team", pos[2], pos[3], user_set_team,
		    pos[3]);
	else if (strcmp(sub, "passwd") == 0) {
		if (read_password(pw, sizeof(pw)) == 0)
			rc = user_change(&app, "password", pos[2], NULL,
			    user_set_password, pw);
		sodium_memzero(pw, sizeof(pw));
	} else if (strcmp(pos[1], "add") == 0) {
		if (o->role == NULL) {
			fprintf(stderr, "kiln: user add needs --role\n");
			goto out;
		}
		if (read_password(pw, sizeof(pw)) == -1)
			goto out;
		rc = user_add(app.db, pos[2], o->role, o->name, o->team, pw) ==
		    0 ? 0 : 1;
		if (rc == 0)
			(void)audit_cli(app.db, "user_add", "user", 0,
			    arena_printf(app.perm, "%s: %s", pos[2], o->role));
		sodium_memzero(pw, sizeof(pw));
	} else if (strcmp(pos[1], "token") == 0) {
		if (user_token_new(app.db, pos[2], "cli", tok, sizeof(tok)) ==
		    0) {
			printf("%s\n", tok);
			rc = 0;
		}
		sodium_memzero(tok, sizeof(tok));
	} else
		rc = usage();
out:
	app_close(&app);
	return rc;
}

static int
cmd_backup(struct conf *conf, const char *out)
{
	struct app	 app;
	int		 rc;

	if (app_open(&app, conf, 0) == -1)
		return 1;
	rc = db_backup(app.db, out) == 0 ? 0 : 1;
	app_close(&app);
	return rc;
}

static int
cmd_check(struct conf *conf)
{
	struct app	 app;
	int		 bad;

	if (app_open(&app, conf, 0) == -1)
		return 1;
	bad = db_check(app.db, stdout);
	/* The business, once SQLite says its pages are sound. */
	if (bad == 0)
		bad = plugin_checks(&app, stdout);
	app_close(&app);
	if (bad == 0)
		printf("ok\n");
	else
		fprintf(stderr, "kiln: check found %d problem%s\n", bad,
		    bad == 1 ? "" : "s");
	return bad ? 1 : 0;
}

/*
 * kiln rules test [RULE] --on TYPE:ID: what rule RULE, or every rule
 * with a hook for TYPE (as a submission or a save runs them), says of
 * a stored record now, one line each; nothing is saved.
 */
static int
cmd_rules_test(struct conf *conf, const char *rule, const char *on)
{
	struct app		 app;
	struct kiln_req		 r;
	struct record		 rec;
	struct rules_verdict	*v;
	const struct entity	*e;
	const char *const	*names = &rule;
	const char		*colon;
	char			 type[64];
	long long		 id;
	size_t			 n = 1, i;
	int			 rc = 1;

	if (on == NULL || (colon = strchr(on, ':')) == NULL ||
	    (size_t)(colon - on) >= sizeof(type) ||
	    value_int_parse(colon + 1, &id) != 0) {
		fprintf(stderr, "kiln: --on TYPE:ID, e.g. --on customer:42\n");
		return 2;
	}
	memcpy(type, on, (size_t)(colon - on));
	type[colon - on] = '\0';
	if (app_open(&app, conf, APP_RULES) == -1)
		return 1;
	if (cli_req(&r, &app, NULL) == -1)
		goto out;
	if ((e = entity_by_name(&app, type)) == NULL) {
		fprintf(stderr, "kiln: no record type %s\n", type);
		goto out2;
	}
	if (app.rules == NULL) {
		fprintf(stderr, "kiln: rules in %s could not be loaded\n",
		    conf->rules);
		goto out2;
	}
	if (record_load(&r, e, id, &rec) != REC_OK) {
		fprintf(stderr, "kiln: no %s %lld\n", type, id);
		goto out2;
	}
	if (rule != NULL && rules_load_error(app.rules, rule) == NULL &&
	    !rules_has(app.rules, rule, type)) {
		fprintf(stderr, "kiln: rule %s has no hook for %s\n", rule,
		    type);
		goto out2;
	}
	if (rule == NULL && record_rules_for(&r, type, &names, &n) == -1)
		goto out2;
	if (n == 0) {
		fprintf(stderr, "kiln: no rule has a hook for %s\n", type);
		goto out2;
	}
	if ((v = arena_calloc(r.arena, n, sizeof(*v))) == NULL ||
	    record_rules(&r, e, &rec, type, names, n, v) == -1)
		goto out2;
	rc = 0;
	for (i = 0; i < n; i++) {
		printf("%s %s:%lld: %s", names[i], type, id,
		    rules_result_name(v[i].result));
		if (v[i].message[0])
			printf(": %s", v[i].message);
		if (v[i].field[0])
			printf(" (field %s)", v[i].field);
		printf("\n");
		rc |= v[i].result == RULES_ERROR;
	}
out2:
	cli_req_free(&r);
out:
	app_close(&app);
	return rc;
}

/* kiln jobs [NAME]: what kiln serve runs every jobs_interval, for cron. */
static int
cmd_jobs(struct conf *conf, const char *only)
{
	struct app	 app;
	int		 rc;

	if (app_open(&app, conf, APP_RULES) == -1)
		return 1;
	if ((rc = plugin_jobs(&app, only)) == -1)
		fprintf(stderr, "kiln: no job %s\n", only);
	app_close(&app);
	return rc == 0 ? 0 : 1;
}

static int
cmd_demo(struct conf *conf, struct opts *o)
{
	struct app	 app;
	char		 pw[USER_PASSWORD_MAX + 2];
	int		 rc;

	if (read_password(pw, sizeof(pw)) == -1)
		return 1;
	if (app_open(&app, conf, APP_RULES) == -1)
		return 1;
	rc = demo_fill(&app, o->customers ? o->customers : 300, pw) == 0 ?
	    0 : 1;
	sodium_memzero(pw, sizeof(pw));
	app_close(&app);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	struct conf	 conf;
	char		*pos[8];
	int		 npos, rc;

	memset(&o, 0, sizeof(o));
	o.max_requests = -1;
	if (sodium_init() < 0)
		return 1;
	xmlInitParser();
	LIBXML_TEST_VERSION
	if (argc == 1) {
		/* Started by a web server: no flags, config from env. */
		if (conf_load(&conf, NULL, 0) == -1)
			return 1;
		if (server_is_fastcgi())
			rc = server_fcgi_stdin(&conf);
		else if (getenv("GATEWAY_INTERFACE") != NULL)
			rc = server_cgi(&conf);
		else
			rc = usage();
		goto done;
	}
	if (parse_opts(argc, argv, &o) == -1)
		return usage();
	for (npos = 0; optind < argc && npos < 8; npos++)
		pos[npos] = argv[optind++];
	if (npos == 0 || optind < argc)
		return usage();
	if (conf_load(&conf, o.config, 0) == -1)
		return 1;
	if (o.db != NULL)
		conf.db = o.db;
	if (o.listen != NULL)
		conf.listen = o.listen;
	if (o.socket_group != NULL)
		conf.socket_group = o.socket_group;
	if (o.workers)
		conf.workers = o.workers;
	if (o.max_requests >= 0)
		conf.max_requests = o.max_requests;
	/* A job says what it did in an info line. */
	if (strcmp(pos[0], "serve") != 0 && strcmp(pos[0], "jobs") != 0)
		log_set_quiet(1);
	if (strcmp(pos[0], "init") == 0)
		rc = cmd_init(&conf);
	else if (strcmp(pos[0], "serve") == 0)
		rc = server_serve(&conf);
	else if (strcmp(pos[0], "user") == 0)
		rc = cmd_user(&conf, &o, pos, npos);
	else if (strcmp(pos[0], "backup") == 0 && npos == 2)
		rc = cmd_backup(&conf, pos[1]);
	else if (strcmp(pos[0], "check") == 0)
		rc = cmd_check(&conf);
	else if (strcmp(pos[0], "rules") == 0 && (npos == 2 || npos == 3) &&
	    strcmp(pos[1], "test") == 0)
		rc = cmd_rules_test(&conf, npos == 3 ? pos[2] : NULL, o.on);
	else if (strcmp(pos[0], "jobs") == 0 && npos <= 2)
		rc = cmd_jobs(&conf, npos == 2 ? pos[1] : NULL);
	else if (strcmp(pos[0], "demo-data") == 0)
		rc = cmd_demo(&conf, &o);
	else
		rc = usage();
done:
	xmlCleanupParser();
	conf_free(&conf);
	return rc;
}
