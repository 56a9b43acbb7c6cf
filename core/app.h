/*
 * app.h - what one worker holds for its whole life: configuration,
 * the database connection, loaded plugins and entities, the rules
 * engine.  Built after fork, used by one request at a time.
 */
#ifndef KILN_APP_H
#define KILN_APP_H

#include <stddef.h>

#include "db.h"
#include "kiln-plugin.h"
#include "workhours.h"

struct db;
struct rules;
struct entity;

struct conf {
	const char	*db;		/* database file */
	const char	*plugins;	/* plugin directory */
	const char	*rules;		/* rule directory */
	const char	*www;		/* static files (served by the web server) */
	const char	*static_url;	/* URL of www/ as the browser sees it */
	const char	*currency;	/* ISO 4217 code shown with money */
	const char	*timezone;	/* IANA name: times shown to people */
	const char	*listen;	/* kiln serve: unix:/PATH or ADDRESS:PORT */
	const char	*socket_group;	/* the unix socket's group */
	int		 workers;
	int		 max_requests;	/* recycle a worker after this many */
	int		 request_timeout; /* seconds; kill a worker stuck longer */
	int		 read_timeout;	/* seconds to send a request (and body) */
	int		 jobs_interval;	/* seconds between plugin jobs (serve) */
	int		 rules_time_scale; /* rules' time limits times this */
	size_t		 max_body;	/* bytes; larger bodies get 413 */
	size_t		 upload_max;	/* a multipart body's files, bytes */
	int		 session_idle;	/* seconds */
	int		 session_max;	/* seconds */
	int		 trust_remote_user;
	int		 four_eyes;	/* nobody decides their own order */
	const char	*trusted_proxies; /* whose X-Forwarded-For counts */
	/* Who the installation is, for printed documents. */
	const char	*company_name;
	const char	*company_address;	/* lines separated by " | " */
	const char	*company_phone;
	const char	*company_email;
	const char	*company_logo;	/* an image's URL (under static_url) */
	/* Public pages and mail. */
	const char	*public_url;	/* how the world reaches Kiln, for links */
	int		 public_limit;	/* requests per address, route and hour */
	const char	*sendmail;	/* absolute path, or "" for none */
	int		 web_requests;	/* the public service request form */
	/* Business time (workhours.h): the settings, and as parsed. */
	const char	*work_days;	/* "mon-fri" */
	const char	*work_hours;	/* "09:00-12:00,13:00-18:00" */
	const char	*holidays;	/* "2026-10-01..2026-10-08,..." */
	const char	*make_up_days;	/* working days whatever the weekday */
	struct workhours	 work;
	/* Numbers a plugin may read (conf_number). */
	int		 reopen_days;	/* after closing, a case may reopen */
	int		 feedback_days;	/* after closing, a case may be rated */
	int		 value_months;	/* customer value: the months counted */
	int		 contact_days;	/* an A customer not called this long */
	const char	*file;		/* the file read, for messages */
};

struct plugin {
	const struct kiln_plugin *desc;
	void			*handle;
	const char		*path;
};

struct app {
	struct arena		*perm;		/* lives as long as the worker */
	struct conf		 conf;
	struct db		*db;
	struct rules		*rules;
	struct plugin		*plugins;
	size_t			 nplugins;
	struct entity		*entities;
	size_t			 nentities;
	struct kiln_req		*req;		/* the request being served */
	const struct kiln_services *services;	/* lent to plugins */
	int			 db_down;	/* cannot open it (logged) */
	int			 db_log_left;	/* old -wal beside (logged) */
};

/* Defaults, then the file, then the environment; 0 or -1 (message printed). */
int		 conf_load(struct conf *, const char *file, int required);
void		 conf_defaults(struct conf *);
void		 conf_free(struct conf *);
/* A yes/no setting by its name in kiln.conf: 1, 0, or -1 (no such). */
int		 conf_bool(const struct conf *, const char *name);
const char	*conf_text(const struct conf *, const char *name);
/* An integer setting a plugin may read by its name, or -1 (no such). */
long long	 conf_number(const struct conf *, const char *name);



#define APP_RULES	0x01	/* load the rules engine */
#define APP_CREATE	0x02	/* create the database file (kiln init) */
#define APP_DB_LATER	0x04	/* a worker: no database yet is no failure */

/* Open what a worker or command needs: database, plugins, entities, rules. */
int		 app_open(struct app *, const struct conf *, int flags);
void		 app_close(struct app *);
/*
 * Before each request: the database opened, or opened again when its
 * file was deleted, replaced or made writable since.  DB_OK, or what
 * to answer (503): DB_UNAVAILABLE, DB_MOVED.  app->db is NULL then
 * only when it could not be opened.
 */
enum db_err	 app_db_ready(struct app *);
/* Apply the core's and every plugin's migrations (kiln init). */
int		 app_migrate(struct app *);
/* The plugins loaded at most (plugin.c), and ordered (app.c). */
#define APP_PLUGINS_MAX	64
/*
 * The plugins' indexes, each after those whose entities it requires
 * (the order of migrations and demos); 0, or -1 on a loop (logged).
 */
int		 app_plugin_order(const struct app *, size_t *order);
#endif
