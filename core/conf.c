/*
 * conf.c - the configuration file: "key = value" lines, '#' comments.
 *
 * Where it comes from, first found wins: --config FILE, $KILN_CONFIG,
 * kiln.conf beside the executable (the shared-hosting case).  $KILN_DB
 * then overrides the database path, and --db overrides everything;
 * $KILN_RULES_TIME_SCALE overrides rules_time_scale.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "listen.h"
#include "proxy.h"
#include "value.h"
#include "workhours.h"

enum ctype { C_STR, C_INT, C_SIZE, C_BOOL };

struct ckey {
	const char	*name;
	enum ctype	 type;
	size_t		 off;
	long long	 min, max;
};

#define O(f)	offsetof(struct conf, f)

static const struct ckey keys[] = {
	{ "db", C_STR, O(db), 0, 0 },
	{ "plugins", C_STR, O(plugins), 0, 0 },
	{ "rules", C_STR, O(rules), 0, 0 },
	{ "www", C_STR, O(www), 0, 0 },
	{ "static_url", C_STR, O(static_url), 0, 0 },
	{ "currency", C_STR, O(currency), 0, 0 },
	{ "timezone", C_STR, O(timezone), 0, 0 },
	{ "listen", C_STR, O(listen), 0, 0 },
	{ "socket_group", C_STR, O(socket_group), 0, 0 },
	{ "workers", C_INT, O(workers), 1, 64 },
	{ "max_requests", C_INT, O(max_requests), 0, 100000000 },
	{ "request_timeout", C_INT, O(request_timeout), 0, 3600 },
	{ "read_timeout", C_INT, O(read_timeout), 0, 3600 },
	{ "jobs_interval", C_INT, O(jobs_interval), 0, 86400 * 7 },
	{ "rules_time_scale", C_INT, O(rules_time_scale), 1, 1000 },
	{ "max_body", C_SIZE, O(max_body), 1024, 1024LL * 1024 * 1024 },
	{ "upload_max", C_SIZE, O(upload_max), 1024, 1024LL * 1024 * 1024 },
	{ "session_idle", C_INT, O(session_idle), 60, 86400 * 30 },
	{ "session_max", C_INT, O(session_max), 60, 86400 * 365 },
	{ "trust_remote_user", C_BOOL, O(trust_remote_user), 0, 1 },
	{ "four_eyes", C_BOOL, O(four_eyes), 0, 1 },
	{ "trusted_proxies", C_STR, O(trusted_proxies), 0, 0 },
	{ "company_name", C_STR, O(company_name), 0, 0 },
	{ "company_address", C_STR, O(company_address), 0, 0 },
	{ "company_phone", C_STR, O(company_phone), 0, 0 },
	{ "company_email", C_STR, O(company_email), 0, 0 },
	{ "company_logo", C_STR, O(company_logo), 0, 0 },
	{ "public_url", C_STR, O(public_url), 0, 0 },
	{ "public_limit", C_INT, O(public_limit), 1, 1000000 },
	{ "sendmail", C_STR, O(sendmail), 0, 0 },
	{ "web_requests", C_BOOL, O(web_requests), 0, 1 },
	{ "work_days", C_STR, O(work_days), 0, 0 },
	{ "work_hours", C_STR, O(work_hours), 0, 0 },
	{ "holidays", C_STR, O(holidays), 0, 0 },
	{ "make_up_days", C_STR, O(make_up_days), 0, 0 },
	{ "reopen_days", C_INT, O(reopen_days), 0, 3650 },
	{ "feedback_days", C_INT, O(feedback_days), 1, 3650 },
	{ "value_months", C_INT, O(value_months), 1, 120 },
	{ "contact_days", C_INT, O(contact_days), 1, 3650 },
};

/* Strings owned by the conf are tracked so conf_free can release them. */
static char	*owned[32];
static size_t	 nowned;

static const char *
keep(char *s)
{
	if (nowned < sizeof(owned) / sizeof(owned[0]))
		owned[nowned++] = s;
	return s;
}

void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->db = "kiln.db";
	c->plugins = KILN_PLUGINDIR;
	c->rules = KILN_RULESDIR;
	c->www = KILN_WWWDIR;
	c->static_url = "/kiln-static";
	c->currency = "CNY";
	c->timezone = "UTC";
	c->listen = LISTEN_DEFAULT;
	c->socket_group = "";
	c->workers = 2;
	c->max_requests = 10000;
	c->request_timeout = 60;
	c->read_timeout = 10;
	c->jobs_interval = 3600;
	c->rules_time_scale = 1;
	c->max_body = 1024 * 1024;
	c->upload_max = 5 * 1024 * 1024;
	c->session_idle = 30 * 60;
	c->session_max = 12 * 3600;
	c->trusted_proxies = "";
	c->four_eyes = 1;
	c->work_days = WORKHOURS_DAYS_DEFAULT;
	c->work_hours = WORKHOURS_HOURS_DEFAULT;
	c->holidays = "";
	c->make_up_days = "";
	/* The defaults hold no dates: nothing allocated, nothing to fail. */
	workhours_parse(&c->work, c->work_days, c->work_hours, "", "", NULL,
	    0);
	c->reopen_days = 14;
	c->feedback_days = 30;
	c->value_months = 12;
	c->contact_days = 30;
	c->public_url = "";
	c->public_limit = 30;
	c->sendmail = "";
}

int
conf_bool(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].type == C_BOOL && strcmp(keys[i].name, name) == 0)
			return *(const int *)((const char *)c + keys[i].off);
	return -1;
}

/*
 * The company_* texts (for documents a plugin prints), "" when unset;
 * NULL for any other name: paths and addresses of the installation are
 * not a plugin's business.
 */
const char *
conf_text(const struct conf *c, const char *name)
{
	const char	*v;
	size_t		 i;

	if (strncmp(name, "company_", 8) != 0)
		return NULL;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].type == C_STR && strcmp(keys[i].name, name) == 0) {
			v = *(const char *const *)(const void *)
			    ((const char *)c + keys[i].off);
			return v != NULL ? v : "";
		}
	return NULL;
}

/*
 * The numbers a plugin may read, by name: only these (a list, as
 * conf_text's company_*); -1 for any other name.
 */
long long
conf_number(const struct conf *c, const char *name)
{
	if (strcmp(name, "reopen_days") == 0)
		return c->reopen_days;
	if (strcmp(name, "feedback_days") == 0)
		return c->feedback_days;
	if (strcmp(name, "value_months") == 0)
		return c->value_months;
	if (strcmp(name, "contact_days") == 0)
		return c->contact_days;
	return -1;
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
set(struct conf *c, const char *file, int line, const char *k,
    const char *v)
{
	const struct ckey	*ck;
	long long		 n;
	int			 b;
	char			*s;
	size_t			 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, k) == 0)
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		fprintf(stderr, "kiln: %s:%d: unknown setting '%s'\n",
		    file, line, k);
		return -1;
	}
	ck = &keys[i];
	switch (ck->type) {
	case C_STR:
		if ((s = strdup(v)) == NULL)
			return -1;
		*(const char **)((char *)c + ck->off) = keep(s);
		return 0;
	case C_BOOL:
		if (value_bool_parse(v, &b) == -1)
			goto bad;
		*(int *)((char *)c + ck->off) = b;
		return 0;
	case C_INT:
	case C_SIZE:
		if (value_int_parse(v, &n) != 0 || n < ck->min || n > ck->max)
			goto bad;
		if (ck->type == C_SIZE)
			*(size_t *)((char *)c + ck->off) = (size_t)n;
		else
			*(int *)((char *)c + ck->off) = (int)n;
		return 0;
	}
bad:
	fprintf(stderr, "kiln: %s:%d: bad value for '%s': %s\n",
	    file, line, k, v);
	return -1;
}

static int
readfile(struct conf *c, const char *file)
{
	FILE	*f;
	char	 buf[4096], *p, *eq;
	int	 line = 0, rc = 0;

	if ((f = fopen(file, "r")) == NULL) {
		fprintf(stderr, "kiln: %s: %s\n", file, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), f) != NULL) {
		line++;
		if ((p = strchr(buf, '#')) != NULL)
			*p = '\0';
		p = trim(buf);
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			fprintf(stderr, "kiln: %s:%d: expected key = value\n",
			    file, line);
			rc = -1;
			break;
		}
		*eq = '\0';
		if (set(c, file, line, trim(p), trim(eq + 1)) == -1) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

/*
 * An IANA time zone the system knows ("Asia/Shanghai"): a name of
 * letters, digits, "_", "+", "-" and inner "/", with its file in the
 * zone database.  Anything else would make glibc fall back to UTC
 * without a word.
 */
static int
timezone_ok(const char *tz)
{
	const char	*s, *dir;
	char		 path[PATH_MAX];

	if (strcmp(tz, "UTC") == 0)
		return 1;
	if (*tz == '\0' || *tz == '/' || strstr(tz, "..") != NULL)
		return 0;
	for (s = tz; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("_+-/", *s) == NULL)
			return 0;
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	return (size_t)snprintf(path, sizeof(path), "%s/%s", dir, tz) <
	    sizeof(path) && access(path, R_OK) == 0;
}

/* kiln.conf next to /proc/self/exe, if there is one. */
static char *
beside_exe(void)
{
	char	 exe[PATH_MAX], *slash, *p;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 16)) <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	strcpy(slash + 1, "kiln.conf");
	if (access(exe, R_OK) != 0)
		return NULL;
	if ((p = strdup(exe)) == NULL)
		return NULL;
	return (char *)keep(p);
}

int
conf_load(struct conf *c, const char *file, int required)
{
	struct workhours	 work;
	const char		*env;
	char			 err[256];

	conf_defaults(c);
	if (file == NULL && (env = getenv("KILN_CONFIG")) != NULL &&
	    *env != '\0')
		file = env;
	if (file == NULL)
		file = beside_exe();
	if (file != NULL) {
		c->file = file;
		if (readfile(c, file) == -1)
			return -1;
	} else if (required) {
		fprintf(stderr, "kiln: no configuration file\n");
		return -1;
	}
	if ((env = getenv("KILN_DB")) != NULL && *env != '\0')
		c->db = env;
	/* Set by instrumented test runs (tests/regress/valgrind). */
	if ((env = getenv("KILN_RULES_TIME_SCALE")) != NULL && *env != '\0' &&
	    set(c, "KILN_RULES_TIME_SCALE", 0, "rules_time_scale", env) == -1)
		return -1;
	if (!timezone_ok(c->timezone)) {
		fprintf(stderr, "kiln: %s: timezone: not a zone this system"
		    " knows (an IANA name such as Asia/Shanghai; Debian:"
		    " tzdata): %s\n", c->file ? c->file : "configuration",
		    c->timezone);
		return -1;
	}
	/* Times are stored UTC; only what people read is local. */
	setenv("TZ", c->timezone, 1);
	tzset();
	if (proxy_list_ok(c->trusted_proxies) == -1) {
		fprintf(stderr, "kiln: %s: trusted_proxies: want addresses or"
		    " networks (192.0.2.10, 10.0.0.0/8, fd00::/8): %s\n",
		    c->file ? c->file : "configuration", c->trusted_proxies);
		return -1;
	}
	/* Run without a shell: a path, not a command line. */
	if (*c->sendmail != '\0' && (c->sendmail[0] != '/' ||
	    strpbrk(c->sendmail, " \t;|&$`") != NULL)) {
		fprintf(stderr, "kiln: %s: sendmail: want the program's"
		    " absolute path (/usr/sbin/sendmail): %s\n",
		    c->file ? c->file : "configuration", c->sendmail);
		return -1;
	}
	if (*c->public_url != '\0' && ((strncmp(c->public_url, "https://",
	    8) != 0 && strncmp(c->public_url, "http://", 7) != 0) ||
	    strpbrk(c->public_url, " \t\"<>") != NULL)) {
		fprintf(stderr, "kiln: %s: public_url: want an http(s) URL"
		    " (https://crm.example.com/crm): %s\n",
		    c->file ? c->file : "configuration", c->public_url);
		return -1;
	}
	/* Refused now, not at the first service clock that reads them. */
	if (workhours_parse(&work, c->work_days, c->work_hours, c->holidays,
	    c->make_up_days, err, sizeof(err)) == -1) {
		fprintf(stderr, "kiln: %s: %s\n",
		    c->file ? c->file : "configuration", err);
		return -1;
	}
	workhours_free(&c->work);
	c->work = work;
	return 0;
}

void
conf_free(struct conf *c)
{
	workhours_free(&c->work);
	while (nowned > 0)
		free(owned[--nowned]);
	memset(c, 0, sizeof(*c));
}
