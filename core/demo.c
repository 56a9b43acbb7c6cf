/*
 * demo.c - `kiln demo-data`: a manufacturer's sales team, then each
 * plugin's sample records through its kiln_plugin.demo, a plugin after
 * those it requires (so its records can refer to theirs).  The core
 * names no plugin entity: what there is to see comes from the plugins
 * installed, written through the services a form's data goes through.
 * Fixed seeds make it the same every time.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "cli.h"
#include "db.h"
#include "entity.h"
#include "hook.h"
#include "log.h"
#include "plugin.h"
#include "req.h"
#include "user.h"

static const struct {
	const char	*login;
	const char	*role;
	const char	*name;
	const char	*team;
} team[] = {
	{ "admin", "admin", "System Administrator", "" },
	{ "wang.fang", "manager", "王芳", "east" },
	{ "li.wei", "sales", "李伟", "east" },
	{ "zhou.tao", "sales", "周涛", "east" },
	{ "sun.li", "manager", "孙丽", "south" },
	{ "huang.jun", "sales", "黄军", "south" },
	{ "john.smith", "sales", "John Smith", "export" },
	{ "emma.muller", "sales", "Emma Müller", "export" },
	{ "zhang.min", "finance", "张敏", "" },
	/* The service desk, with its lead (escalations go to them). */
	{ "ma.qiang", "manager", "马强", "service" },
	{ "chen.jing", "service", "陈静", "service" },
	{ "zhao.lei", "service", "赵磊", "service" },
	{ "wu.hong", "service", "吴红", "service" },
	{ "liu.yang", "office", "刘洋", "" },
};

#define NTEAM	(sizeof(team) / sizeof(team[0]))
/* Entities of one plugin counted for the summary line. */
#define DEMO_ENTITIES	32

/* The host's side of a plugin's struct kiln_demo. */
struct demo_run {
	struct kiln_req	*r;
	uint64_t	 seed;
};

/*
 * xorshift64*, one sequence per plugin from the seed the demo always
 * had: a plugin's data does not shift when another is installed.
 */
static unsigned
demo_random(struct kiln_demo *d, unsigned n)
{
	struct demo_run	*run = d->host;

	run->seed ^= run->seed >> 12;
	run->seed ^= run->seed << 25;
	run->seed ^= run->seed >> 27;
	return n ? (unsigned)((run->seed * 2685821657736338717ULL) >> 33) %
	    n : 0;
}

/* Commit what is made, free the arena: a large demo is not one write. */
static int
demo_checkpoint(struct kiln_demo *d)
{
	struct demo_run	*run = d->host;

	arena_reset(run->r->arena);
	if (db_commit(run->r->app->db) != DB_OK ||
	    db_begin(run->r->app->db) != DB_OK)
		return -1;
	return 0;
}

/* Make the team (an existing login is kept) and give plugins their ids. */
static int
demo_users(struct kiln_req *r, const char *password,
    struct kiln_demo_user *out)
{
	struct user	 u;
	size_t		 i;

	for (i = 0; i < NTEAM; i++) {
		if (user_add(r->app->db, team[i].login, team[i].role,
		    team[i].name, team[i].team, password) == -1 ||
		    user_by_login(r->app->db, r->arena, team[i].login, &u) != 0)
			return -1;
		out[i] = (struct kiln_demo_user){ u.id, team[i].login,
		    team[i].role, team[i].team };
		printf("  %-12s %-8s %s%s%s\n", team[i].login, team[i].role,
		    team[i].name, *team[i].team ? ", team " : "",
		    team[i].team);
	}
	return 0;
}

/* Records of entity e there are now: what a plugin's demo added. */
static long long
demo_count(struct app *app, const struct entity *e)
{
	struct db_stmt	*st;
	char		 sql[160];
	long long	 n = 0;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", e->d->plural);
	if ((st = db_stmt(app->db, sql)) == NULL)
		return 0;
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

/*
 * Plugin p's demo, with its own sequence, then what it added, one line:
 * "customers: 50 customers, 97 contacts added".
 */
static int
demo_plugin(struct kiln_req *r, const struct plugin *p,
    const struct kiln_demo_user *users, int scale)
{
	const struct kiln_services	*sv;
	const struct plugin		*was;
	struct demo_run			 run = { r, 0x9e3779b97f4a7c15ULL };
	struct kiln_demo		 d = { scale, users, NTEAM, demo_random,
					    demo_checkpoint, &run };
	long long			 before[DEMO_ENTITIES];
	size_t				 i, k = 0;
	int				 rc;

	for (i = 0; i < r->app->nentities && k < DEMO_ENTITIES; i++)
		if (r->app->entities[i].plug == p)
			before[k++] = demo_count(r->app, &r->app->entities[i]);
	sv = hook_enter(r, p, &was);
	rc = p->desc->demo(r, sv, &d);
	hook_leave(r, was);
	if (rc != 0) {
		fprintf(stderr, "kiln: the demo of plugin %s failed (see the"
		    " log)\n", p->desc->name);
		return -1;
	}
	printf("%s:", p->desc->name);
	for (i = 0, k = 0; i < r->app->nentities && k < DEMO_ENTITIES; i++)
		if (r->app->entities[i].plug == p) {
			printf("%s %lld %s", k ? "," : "",
			    demo_count(r->app, &r->app->entities[i]) -
			    before[k], r->app->entities[i].d->plural);
			k++;
		}
	printf(" added\n");
	return 0;
}

int
demo_fill(struct app *app, int customers, const char *password)
{
	struct kiln_demo_user	 users[NTEAM];
	struct kiln_req		 r;
	size_t			 order[APP_PLUGINS_MAX], i;
	int			 rc = -1;

	if (app_plugin_order(app, order) == -1 ||
	    cli_req(&r, app, NULL) == -1)
		return -1;
	if (db_begin(app->db) != DB_OK)
		goto out;
	printf("demo users (all with the password given):\n");
	if (demo_users(&r, password, users) == -1)
		goto fail;
	for (i = 0; i < app->nplugins; i++)
		if (app->plugins[order[i]].desc->demo != NULL &&
		    demo_plugin(&r, &app->plugins[order[i]], users,
		    customers) == -1)
			goto fail;
	rc = db_commit(app->db) == DB_OK ? 0 : -1;
	goto out;
fail:
	db_rollback(app->db);
out:
	cli_req_free(&r);
	return rc;
}
