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
#include "i18n.h"
#include "log.h"
#include "mail.h"
#include "migrate.h"
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
	const char	*to;
	int		 workers;
	int		 max_requests;	/* -1: not given */
	int		 customers;
};

static int	 usage(void);

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
		{ "to", required_argument, NULL, 'T' },
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
		case 'T': o->to = optarg; break;
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
cmd_init(struct conf *conf, struct opts *o, char **arg, int narg)
{
	struct app	 app;
	int		 rc;

	(void)o, (void)arg, (void)narg;
	if (app_open(&app, conf, APP_CREATE) == -1)
		return 1;
	rc = app_migrate(&app) == 0 ? 0 : 1;
	if (rc == 0)
		printf("database %s is ready\n", db_name(app.db));
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
user_list_in(struct app *app, struct opts *o, char **arg)
{
	(void)o, (void)arg;
	return user_list(app->db, stdout) == 0 ? 0 : 1;
}

static int
user_disable_in(struct app *app, struct opts *o, char **arg)
{
	(void)o;
	return user_change(app, "disable", arg[0], NULL, set_active, NULL);
}

static int
user_enable_in(struct app *app, struct opts *o, char **arg)
{
	(void)o;
	return user_change(app, "enable", arg[0], NULL, set_active, "yes");
}

static int
user_role_in(struct app *app, struct opts *o, char **arg)
{
	(void)o;
	return user_change(app, "role", arg[0], arg[1], user_set_role, arg[1]);
}

static int
user_team_in(struct app *app, struct opts *o, char **arg)
{
	(void)o;
	return user_change(app, "team", arg[0], arg[1], user_set_team, arg[1]);
}

static int
user_passwd_in(struct app *app, struct opts *o, char **arg)
{
	char	 pw[USER_PASSWORD_MAX + 2];
	int	 rc = 1;

	(void)o;
	if (read_password(pw, sizeof(pw)) == 0)
		rc = user_change(app, "password", arg[0], NULL,
		    user_set_password, pw);
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

static int
user_add_in(struct app *app, struct opts *o, char **arg)
{
	char	 pw[USER_PASSWORD_MAX + 2];
	int	 rc;

	if (o->role == NULL) {
		fprintf(stderr, "kiln: user add needs --role\n");
		return 1;
	}
	if (read_password(pw, sizeof(pw)) == -1)
		return 1;
	rc = user_add(app->db, arg[0], o->role, o->name, o->team, pw) == 0 ?
	    0 : 1;
	if (rc == 0)
		(void)audit_cli(app->db, "user_add", "user", 0,
		    arena_printf(app->perm, "%s: %s", arg[0], o->role));
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

static int
user_token_in(struct app *app, struct opts *o, char **arg)
{
	char	 tok[128];
	int	 rc = 1;

	(void)o;
	if (user_token_new(app->db, arg[0], "cli", tok, sizeof(tok)) == 0) {
		printf("%s\n", tok);
		rc = 0;
	}
	sodium_memzero(tok, sizeof(tok));
	return rc;
}


static int
backup_in(struct app *app, struct opts *o, char **arg)
{
	(void)o;
	return db_backup(app->db, arg[0]) == 0 ? 0 : 1;
}

static int
migrate_in(struct app *app, struct opts *o, char **arg)
{
	(void)arg;
	if (o->to == NULL) {
		fprintf(stderr, "kiln: migrate-db --to postgresql://...\n");
		return 2;
	}
	return migrate_db(app, &app->conf, o->to, stdout);
}

static int
check_in(struct app *app, struct opts *o, char **arg)
{
	int	 bad;

	(void)o, (void)arg;
	bad = db_check(app->db, stdout);
	/* The business, once SQLite says its pages are sound. */
	if (bad == 0)
		bad = plugin_checks(app, stdout);
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
cmd_rules_test(struct conf *conf, struct opts *o, char **arg, int narg)
{
	const char		*rule = narg == 1 ? arg[0] : NULL;
	const char		*on = o->on;
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
			printf(": %s", i18n_pick(r.arena, v[i].message));
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
jobs_in(struct app *app, struct opts *o, char **arg)
{
	int	 rc;

	(void)o;
	if ((rc = plugin_jobs(app, arg[0])) == -1)
		fprintf(stderr, "kiln: no job %s\n", arg[0]);
	return rc == 0 ? 0 : 1;
}

/*
 * kiln mail-in: one RFC 5322 message on standard input (a mail
 * server's pipe alias), filed by the plugin whose business it is.  The
 * exit status is what a mail server understands (sysexits.h): 0 filed,
 * 65 not a message (bounced), 67 nobody here knows the sender
 * (bounced), 75 a failure here (kept and tried again later).
 */
static int
mail_in(struct app *app, struct opts *o, char **arg)
{
	struct arena		*a = arena_new(64 * 1024);
	struct mail		 m;
	struct kiln_mail	 km;
	char			*buf, err[256];
	size_t			 n = 0, cap = 64 * 1024, got;
	int			 rc;

	(void)o, (void)arg;
	buf = arena_alloc(a, cap);
	/* One byte past the cap: a message that large is refused whole. */
	while (n <= MAIL_MAX && (got = fread(buf + n, 1, cap - n, stdin)) > 0) {
		n += got;
		if (n == cap && n <= MAIL_MAX) {
			char *more = arena_alloc(a, cap * 2);

			memcpy(more, buf, n);
			buf = more;
			cap *= 2;
		}
	}
	if (ferror(stdin)) {
		fprintf(stderr, "kiln: mail-in: reading standard input failed\n");
		arena_free(a);
		return 75;
	}
	if (mail_parse(a, buf, n, &m, err, sizeof(err)) != 0) {
		fprintf(stderr, "kiln: mail-in: %s\n", err);
		arena_free(a);
		return 65;
	}
	if (m.automatic) {
		/* Filed, it would be acknowledged: two machines in a loop. */
		fprintf(stderr, "kiln: mail-in: %s: an automatic message (an"
		    " auto-reply, a bounce or bulk mail): not filed\n",
		    m.from_addr);
		arena_free(a);
		return 0;
	}
	km = (struct kiln_mail){ .from_addr = m.from_addr,
	    .from_name = m.from_name, .to_addr = m.to_addr,
	    .subject = m.subject, .message_id = m.message_id,
	    .in_reply_to = m.in_reply_to, .date = m.date, .text = m.text,
	    .attachments = m.attachments };
	rc = plugin_mail_in(app, &km);
	if (rc == 1)
		fprintf(stderr, "kiln: mail-in: nobody here knows %s\n",
		    m.from_addr);
	arena_free(a);
	return rc == 0 ? 0 : rc == 1 ? 67 : 75;
}

static int
cmd_demo(struct conf *conf, struct opts *o, char **arg, int narg)
{
	struct app	 app;
	char		 pw[USER_PASSWORD_MAX + 2];
	int		 rc;

	(void)arg, (void)narg;
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

static int
cmd_serve(struct conf *conf, struct opts *o, char **arg, int narg)
{
	(void)o, (void)arg, (void)narg;
	return server_serve(conf);
}

/*
 * The commands, as tmux's cmd_entry: `kiln NAME [SUB] ARG...` with
 * min to max ARGs.  A command either runs itself (run) or does its work
 * with the database open (in_app, opened with app_flags).
 */
struct command {
	const char	*name;
	const char	*sub;
	int		 min, max;
	int		 quiet;		/* no info lines: only jobs and serve log */
	int		(*run)(struct conf *, struct opts *, char **, int);
	int		(*in_app)(struct app *, struct opts *, char **);
	int		 app_flags;
	const char	*usage;
};

static const struct command commands[] = {
	{ "init", NULL, 0, 0, 1, cmd_init, NULL, 0,
	  "init                          create or migrate the database" },
	{ "serve", NULL, 0, 0, 0, cmd_serve, NULL, 0,
	  "serve [--listen ADDR] [--socket-group G] [--workers N]\n"
	  "        [--max-requests N]      FastCGI on unix:/PATH (default\n"
	  "                                unix:/run/kiln/kiln.sock) or"
	  " ADDRESS:PORT" },
	{ "user", "add", 1, 1, 1, NULL, user_add_in, 0,
	  "user add LOGIN --role ROLE [--name N] [--team T]\n"
	  "                                password read from stdin" },
	{ "user", "token", 1, 1, 1, NULL, user_token_in, 0,
	  "user token LOGIN              print a new API token" },
	{ "user", "list", 0, 0, 1, NULL, user_list_in, 0,
	  "user list                     the users, their roles and teams" },
	{ "user", "disable", 1, 1, 1, NULL, user_disable_in, 0,
	  "user disable LOGIN | user enable LOGIN" },
	{ "user", "enable", 1, 1, 1, NULL, user_enable_in, 0, NULL },
	{ "user", "passwd", 1, 1, 1, NULL, user_passwd_in, 0,
	  "user passwd LOGIN             new password from stdin" },
	{ "user", "role", 2, 2, 1, NULL, user_role_in, 0,
	  "user role LOGIN ROLE | user team LOGIN TEAM" },
	{ "user", "team", 2, 2, 1, NULL, user_team_in, 0, NULL },
	{ "backup", NULL, 1, 1, 1, NULL, backup_in, 0,
	  "backup OUT                    consistent online copy" },
	{ "check", NULL, 0, 0, 1, NULL, check_in, 0,
	  "check                         integrity and business checks" },
	{ "migrate-db", NULL, 0, 0, 1, NULL, migrate_in, 0,
	  "migrate-db --to CONNINFO      copy into an empty PostgreSQL"
	  " database" },
	{ "rules", "test", 0, 1, 1, cmd_rules_test, NULL, 0,
	  "rules test [RULE] --on TYPE:ID  dry-run RULE, or every rule of"
	  " TYPE, on a record" },
	{ "jobs", NULL, 0, 1, 0, NULL, jobs_in, APP_RULES,
	  "jobs [NAME]                   run the plugins' periodic jobs" },
	{ "mail-in", NULL, 0, 0, 0, NULL, mail_in, APP_RULES,
	  "mail-in                       file the e-mail on stdin (a pipe"
	  " alias)" },
	{ "demo-data", NULL, 0, 0, 1, cmd_demo, NULL, 0,
	  "demo-data [--customers N]     fill with sample data" },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static int
usage(void)
{
	size_t	 i;

	fputs("usage: kiln [--db PATH] [--config FILE] COMMAND ...\n",
	    stderr);
	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].usage != NULL)
			fprintf(stderr, "  %s\n", commands[i].usage);
	fputs("With no command under a web server, answers FastCGI or CGI.\n"
	    "See kiln(1).\n", stderr);
	return 2;
}

/* The command pos[] names, or NULL; *arg and *narg: its arguments. */
static const struct command *
command_of(char **pos, int npos, char ***arg, int *narg)
{
	const struct command	*c;
	size_t			 i;
	int			 skip;

	for (i = 0; i < NCOMMANDS; i++) {
		c = &commands[i];
		if (strcmp(c->name, pos[0]) != 0)
			continue;
		skip = c->sub != NULL ? 2 : 1;
		if (c->sub != NULL && (npos < 2 || strcmp(c->sub, pos[1]) != 0))
			continue;
		if (npos - skip < c->min || npos - skip > c->max)
			return NULL;
		*arg = pos + skip;
		*narg = npos - skip;
		return c;
	}
	return NULL;
}

/* Run a command: by itself, or with the database open for it. */
static int
command_run(const struct command *c, struct conf *conf, struct opts *o,
    char **arg, int narg)
{
	struct app	 app;
	int		 rc;

	if (c->quiet)
		log_set_quiet(1);
	if (c->run != NULL)
		return c->run(conf, o, arg, narg);
	if (app_open(&app, conf, c->app_flags) == -1)
		return 1;
	rc = c->in_app(&app, o, arg);
	app_close(&app);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct command	*c;
	struct opts		 o;
	struct conf		 conf;
	char			*pos[9] = { NULL }, **arg = NULL;
	int			 npos, narg = 0, rc;

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
	if ((c = command_of(pos, npos, &arg, &narg)) == NULL)
		rc = usage();
	else
		rc = command_run(c, &conf, &o, arg, narg);
done:
	xmlCleanupParser();
	conf_free(&conf);
	return rc;
}
