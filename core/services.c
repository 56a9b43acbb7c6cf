/*
 * services.c - what the host lends plugins: the one implementation of
 * the services table of kiln-plugin.h.  Each service is a thin door to
 * the core (records, lists, output, storage, rules), and the SQL a
 * plugin prepares through it is confined to the plugin's tables.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "kiln-plugin.h"
#include "acl.h"
#include "app.h"
#include "arena.h"
#include "audit.h"
#include "chart.h"
#include "confine.h"
#include "crud.h"
#include "db.h"
#include "entity.h"
#include "form.h"
#include "i18n.h"
#include "list.h"
#include "log.h"
#include "multipart.h"
#include "out.h"
#include "page.h"
#include "record.h"
#include "report.h"
#include "req.h"
#include "rules.h"
#include "services.h"
#include "storage.h"
#include "value.h"
#include "view.h"
#include "workhours.h"
#include "auth.h"
#include "mail.h"
#include "user.h"
#include "xmlin.h"

static void	 svc_log(enum kiln_log, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
svc_log(enum kiln_log level, const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_msg(level, "%s", buf);
}

static void *
svc_alloc(struct kiln_req *r, size_t n)
{
	return arena_alloc(r->arena, n);
}

static const char *
svc_param(struct kiln_req *r, const char *name)
{
	return req_param(r, name);
}

/*
 * CSV is asked of reports only: a <report> is written as XML and
 * turned into CSV at its end (report.c); any other page has none.
 */
static int
svc_begin(struct kiln_req *r, int status, const char *root,
    const char *title)
{
	if (r->fmt == FMT_CSV) {
		if (root == NULL || strcmp(root, "report") != 0) {
			page_error(r, ERR_NOT_FOUND, _("This page has no CSV;"
			    " ask for .xml."), NULL);
			return -1;
		}
		r->csv_report = 1;
		return out_xml_begin(r, status, root);
	}
	if (r->fmt == FMT_XML)
		return out_xml_begin(r, status, root);
	return page_begin(r, status, title);
}

static int
svc_end(struct kiln_req *r)
{
	return r->csv_report ? report_csv_finish(r) : out_finish(r);
}

/*
 * A plugin names its error by code; the table has its status.  A code
 * not in the table (so not in schema/error.rng) is the plugin's bug:
 * logged, and answered as an internal error.
 */
static int
svc_error(struct kiln_req *r, int status, const char *code,
    const char *msg)
{
	enum error_code	 e;

	if (error_lookup(code, &e) == -1) {
		log_err("plugin error code %s (%d) is not one of Kiln's",
		    code ? code : "(null)", status);
		e = ERR_INTERNAL;
	} else if (error_def(e)->status != status)
		log_warn("plugin error %s with status %d: answered %d", code,
		    status, error_def(e)->status);
	return page_error(r, e, msg, NULL);
}

static long long
svc_route_id(struct kiln_req *r)
{
	return r->route_id;
}

static long long
svc_user_id(struct kiln_req *r)
{
	return r->user ? r->user->id : 0;
}

static const char *
svc_user_login(struct kiln_req *r)
{
	return r->user ? r->user->login : "";
}

static const char *
svc_user_role(struct kiln_req *r)
{
	return r->user ? r->user->role : "";
}

static const char *
svc_user_team(struct kiln_req *r)
{
	return r->user && r->user->team ? r->user->team : "";
}

/*
 * The host's cached statement, lent as an opaque handle: prepared under
 * the calling plugin's rights, and cached for it alone.
 */
static struct kiln_stmt *
svc_sql(struct kiln_req *r, const char *sql)
{
	if (r->caller == NULL) {
		log_err("plugin SQL outside a call into a plugin: refused");
		return NULL;
	}
	struct kiln_stmt	*st;

	st = confine_stmt(r->app, r->caller, sql,
	    acl_expand(r->app, r, r->arena, sql));
	/* PostgreSQL: the user of kiln_readable's expansion. */
	if (st != NULL)
		acl_bind(r, (struct db_stmt *)st);
	return st;
}

static void
svc_bind_int(struct kiln_stmt *st, int i, long long v)
{
	db_bind_int((struct db_stmt *)st, i, v);
}

static void
svc_bind_text(struct kiln_stmt *st, int i, const char *v)
{
	db_bind_text((struct db_stmt *)st, i, v ? v : "");
}

static int
svc_step(struct kiln_stmt *st)
{
	int	 rc = db_step((struct db_stmt *)st);

	if (rc == DB_ROW)
		return 1;
	if (rc == DB_DONE)
		return 0;
	return -1;	/* logged by db_step */
}

static long long
svc_col_int(struct kiln_stmt *st, int i)
{
	return db_col_int((struct db_stmt *)st, i);
}

static const char *
svc_col_text(struct kiln_stmt *st, int i)
{
	const char	*s = db_col_text((struct db_stmt *)st, i);

	return s ? s : "";
}

static void
svc_done(struct kiln_stmt *st)
{
	db_done((struct db_stmt *)st);
}

static int
svc_begin_write(struct kiln_req *r)
{
	return db_begin(r->app->db) == DB_OK ? 0 : -1;
}

static int
svc_commit(struct kiln_req *r)
{
	return db_commit(r->app->db) == DB_OK ? 0 : -1;
}

static void
svc_rollback(struct kiln_req *r)
{
	db_rollback(r->app->db);
}

static int
svc_write_failed(struct kiln_req *r)
{
	return storage_answer(r, db_fault(r->app->db));
}

static int
svc_audit(struct kiln_req *r, const char *action, const char *entity,
    long long id, const char *detail)
{
	return audit_event(r, action, entity, id, detail);
}

static int
svc_redirect(struct kiln_req *r, const char *path)
{
	return out_redirect(r, req_url(r, "%s", path));
}

/* Who may do what with a record, without loading it: two small reads. */
static int
svc_access(struct kiln_req *r, const char *name, long long id)
{
	const struct entity	*e = entity_by_name(r->app, name);

	if (e == NULL || acl_readable(r, e, id) != 1)
		return -1;
	return acl_may_write_id(r, e, id) ? 1 : 0;
}

/* The ABI's kv is the sandbox's, member for member: passed as it is. */
_Static_assert((int)KILN_KV_STR == (int)RULES_STR &&
    (int)KILN_KV_INT == (int)RULES_INT &&
    (int)KILN_KV_BOOL == (int)RULES_BOOL &&
    (int)KILN_RULE_ERROR == (int)RULES_ERROR &&
    sizeof(struct kiln_kv) == sizeof(struct rules_kv) &&
    offsetof(struct kiln_kv, key) == offsetof(struct rules_kv, key) &&
    offsetof(struct kiln_kv, type) == offsetof(struct rules_kv, type) &&
    offsetof(struct kiln_kv, i) == offsetof(struct rules_kv, i) &&
    offsetof(struct kiln_kv, s) == offsetof(struct rules_kv, s),
    "kiln_kv drifted from rules_kv");

/* And the verdicts, member for member. */
_Static_assert((int)KILN_PASS == (int)RULES_PASS &&
    (int)KILN_WARN == (int)RULES_WARN && (int)KILN_HOLD == (int)RULES_HOLD &&
    (int)KILN_REJECT == (int)RULES_REJECT &&
    sizeof(struct kiln_verdict) == sizeof(struct rules_verdict) &&
    offsetof(struct kiln_verdict, result) ==
    offsetof(struct rules_verdict, result) &&
    offsetof(struct kiln_verdict, rule) ==
    offsetof(struct rules_verdict, rule) &&
    offsetof(struct kiln_verdict, message) ==
    offsetof(struct rules_verdict, message) &&
    offsetof(struct kiln_verdict, field) ==
    offsetof(struct rules_verdict, field) &&
    offsetof(struct kiln_verdict, number) ==
    offsetof(struct rules_verdict, number) &&
    offsetof(struct kiln_verdict, has_number) ==
    offsetof(struct rules_verdict, has_number),
    "kiln_verdict drifted from rules_verdict");

/* No copies: a job may run thousands of rules on one arena. */
static void
svc_rules(struct kiln_req *r, const char *const *names, size_t n,
    const char *kind, const struct kiln_kv *rec, size_t nrec,
    const struct kiln_kv *ctx, size_t nctx, struct kiln_verdict *out)
{
	size_t	 i;

	if (r->app->rules == NULL) {
		for (i = 0; i < n; i++) {
			memset(&out[i], 0, sizeof(out[i]));
			out[i].result = KILN_RULE_ERROR;
			snprintf(out[i].rule, sizeof(out[i].rule), "%s",
			    names[i] ? names[i] : "");
			snprintf(out[i].message, sizeof(out[i].message),
			    "rule %s could not run: the rules are not loaded",
			    out[i].rule);
		}
		return;
	}
	rules_run_each(r->app->rules, names, n, kind,
	    (const struct rules_kv *)(const void *)rec, nrec,
	    (const struct rules_kv *)(const void *)ctx, nctx,
	    (struct rules_verdict *)(void *)out);
}

static void
svc_rule(struct kiln_req *r, const char *name, const char *kind,
    const struct kiln_kv *rec, size_t nrec, const struct kiln_kv *ctx,
    size_t nctx, struct kiln_verdict *out)
{
	svc_rules(r, &name, 1, kind, rec, nrec, ctx, nctx, out);
}

static const char *
svc_url(struct kiln_req *r, const char *path)
{
	return req_url(r, "%s", path);
}

/* For a plugin, CSV is XML: the host converts its <report> (report.c). */
static int
svc_wants_xml(struct kiln_req *r)
{
	return r->fmt == FMT_XML || r->fmt == FMT_CSV;
}

static const char *
svc_money(struct kiln_req *r, long long v)
{
	char	 buf[MONEY_BUFSZ];

	return arena_strdup(r->arena, value_money_format(v, buf));
}

static const char *
svc_currency(struct kiln_req *r)
{
	return r->app->conf.currency;
}

static const struct xmlset *
find_set(struct kiln_req *r, const char *list)
{
	size_t	 i;

	for (i = 0; r->sets != NULL && i < r->sets->n; i++)
		if (strcmp(r->sets->v[i].name, list) == 0)
			return &r->sets->v[i];
	return NULL;
}

/*
 * A form's lists: rows named LIST.N.FIELD (lines.1.product, ...), N
 * from 1; the number of rows is the highest N (rows left blank are
 * the plugin's to skip).
 */
#define FORM_ITEMS_MAX	100

static size_t
form_items(struct kiln_req *r, const char *list)
{
	size_t		 i, len = strlen(list), max = 0;
	const char	*k;
	char		*end;
	unsigned long	 n;

	for (i = 0; i < r->body.n; i++) {
		k = r->body.v[i].key;
		if (strncmp(k, list, len) != 0 || k[len] != '.' ||
		    k[len + 1] < '1' || k[len + 1] > '9')
			continue;
		n = strtoul(k + len + 1, &end, 10);
		if (*end == '.' && n <= FORM_ITEMS_MAX && n > max)
			max = n;
	}
	return max;
}

static size_t
svc_items(struct kiln_req *r, const char *list)
{
	const struct xmlset	*s = find_set(r, list);

	if (s == NULL && r->sets == NULL)
		return form_items(r, list);
	return s ? s->n : 0;
}

static const char *
svc_item(struct kiln_req *r, const char *list, size_t i, const char *field)
{
	const struct xmlset	*s = find_set(r, list);

	if (s == NULL && r->sets == NULL)
		return i < FORM_ITEMS_MAX ? form_get(&r->body, arena_printf(
		    r->arena, "%s.%zu.%s", list, i + 1, field)) : NULL;
	if (s == NULL || i >= s->n)
		return NULL;
	return form_get(&s->items[i], field);
}

/* Name/value pairs as the form fields the core's parsers take. */
static int
kv_fields(struct kiln_req *r, const struct kiln_kv *kv, size_t n,
    struct kvlist *in)
{
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		if (kv[i].type == KILN_KV_STR && kv[i].s != NULL)
			rc = form_add(r->arena, in, kv[i].key, kv[i].s);
		else if (kv[i].type == KILN_KV_INT ||
		    kv[i].type == KILN_KV_BOOL)
			rc = form_add(r->arena, in, kv[i].key, arena_printf(
			    r->arena, "%lld", kv[i].i));
	return rc;
}

/* The first problem of a refused write, as "field: message". */
static void
first_error(const struct ferrs *fe, const char *otherwise, char *err,
    size_t errsz)
{
	if (fe->n)
		snprintf(err, errsz, "%s%s%s", fe->v[0].field ?
		    fe->v[0].field : "", fe->v[0].field ? ": " : "",
		    fe->v[0].msg);
	else
		snprintf(err, errsz, "%s", otherwise);
}

static int
svc_create(struct kiln_req *r, const char *name, const struct kiln_kv *kv,
    size_t n, long long *id, char *err, size_t errsz)
{
	const struct entity	*e = entity_by_name(r->app, name);
	struct kvlist		 in = { NULL, 0, 0 };
	struct record		 rec;
	struct ferrs		 fe = { .n = 0 };
	const char		*msg = NULL;
	enum rec_err		 rc;

	*err = '\0';
	if (e == NULL) {
		snprintf(err, errsz, "no record type %s", name);
		return -1;
	}
	if (kv_fields(r, kv, n, &in) != 0) {
		snprintf(err, errsz, "%s", _("could not be stored"));
		return -1;
	}
	record_defaults(r, e, &rec);
	/* The doors of a create by form or XML (crud.c create()). */
	if ((rc = record_apply(r, e, &rec, &in, &fe)) == REC_OK &&
	    (rc = record_parent_check(r, e, &rec, &fe)) == REC_OK &&
	    !acl_may_write(r, e, &rec))
		rc = REC_FORBIDDEN;
	if (rc == REC_OK &&
	    (rc = record_check(r, e, &rec, &fe, &msg)) == REC_OK &&
	    (rc = record_insert(r, e, &rec, &fe)) == REC_OK &&
	    audit_created(r, e, &rec) != 0)
		rc = REC_ERROR;
	if (rc == REC_OK) {
		*id = rec.id;
		return 0;
	}
	if (rc == REC_FORBIDDEN) {
		if (fe.n && fe.v[0].field != NULL)
			snprintf(err, errsz, "%s: %s", fe.v[0].field,
			    fe.v[0].msg);
		else
			snprintf(err, errsz, "%s", _("You may not create this"
			    " record for that owner."));
		return -2;
	}
	first_error(&fe, msg ? msg : _("could not be stored"), err, errsz);
	return -1;
}

static int
svc_update(struct kiln_req *r, const char *name, long long id,
    const struct kiln_kv *kv, size_t n, char *err, size_t errsz)
{
	const struct entity	*e = entity_by_name(r->app, name);
	struct kvlist		 in = { NULL, 0, 0 };
	struct ferrs		 fe = { .n = 0 };
	enum rec_err		 rc;

	*err = '\0';
	if (e == NULL) {
		snprintf(err, errsz, "no record type %s", name);
		return -1;
	}
	if (kv_fields(r, kv, n, &in) != 0)
		rc = REC_ERROR;
	else
		rc = crud_update_fields(r, e, id, &in, &fe);
	if (rc == REC_OK)
		return 0;
	first_error(&fe, rc == REC_NOTFOUND ? _("No such record.") :
	    _("could not be stored"), err, errsz);
	return -1;
}

static long
svc_rows(struct kiln_req *r, const char *name, const struct kiln_kv *where,
    size_t nwhere, const struct kiln_kv **out, size_t *ncols,
    const char **next, char *err, size_t errsz)
{
	const struct entity	*e = entity_by_name(r->app, name);
	struct kvlist		 in = { NULL, 0, 0 };
	struct record		*recs;
	struct rules_kv		*all, *one;
	const char		*msg = NULL;
	size_t			 k;
	long			 n, i;

	*out = NULL;
	*ncols = 0;
	*next = NULL;
	*err = '\0';
	if (e == NULL) {
		snprintf(err, errsz, "no record type %s", name);
		return -1;
	}
	if (kv_fields(r, where, nwhere, &in) != 0 ||
	    (n = list_rows(r, e, &in, &recs, next, &msg)) < 0) {
		snprintf(err, errsz, "%s", msg ? msg : _("Internal error."));
		return -1;
	}
	k = e->d->nfields + 1;
	if ((all = arena_calloc(r->arena, (size_t)n * k + 1, sizeof(*all))) ==
	    NULL) {
		snprintf(err, errsz, "%s", _("Internal error."));
		return -1;
	}
	/* struct kiln_kv and struct rules_kv agree (checked above). */
	for (i = 0; i < n; i++) {
		if ((one = record_kv(r, e, &recs[i], &k)) == NULL) {
			snprintf(err, errsz, "%s", _("Internal error."));
			return -1;
		}
		memcpy(&all[(size_t)i * k], one, k * sizeof(*one));
	}
	*out = (const struct kiln_kv *)(void *)all;
	*ncols = k;
	return n;
}

/* A plugin's write answered as the core answers one. */
static int
svc_show(struct kiln_req *r, const char *name, long long id, int created)
{
	const struct entity	*e = entity_by_name(r->app, name);

	if (e == NULL)
		return page_error(r, ERR_INTERNAL, _("Internal error."),
		    NULL);
	return crud_show(r, e, id, created);
}

static const char *
svc_company(struct kiln_req *r, const char *name)
{
	return conf_text(&r->app->conf, name);
}

static int
svc_setting(struct kiln_req *r, const char *name)
{
	return conf_bool(&r->app->conf, name);
}

static int
svc_parse_money(const char *s, long long *v)
{
	return s != NULL && value_money_parse(s, v) == 0 ? 0 : -1;
}

static int
svc_parse_date(const char *s)
{
	return s != NULL && value_date_ok(s) ? 0 : -1;
}

/* A stored UTC time ("YYYY-MM-DDTHH:MM:SSZ") as a moment: 0, or -1. */
static int
utc_time(const char *s, time_t *t)
{
	struct tm	 tm;

	if (s == NULL || !value_datetime_ok(s))
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	*t = timegm(&tm);
	return 0;
}

static const char *
svc_work_add(struct kiln_req *r, const char *utc, long long seconds)
{
	struct tm	 tm;
	time_t		 t;
	char		 buf[32];

	if (utc_time(utc, &t) == -1 ||
	    workhours_add(&r->app->conf.work, t, seconds, &t) == -1 ||
	    gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) != 20 ||
	    !value_datetime_ok(buf))	/* past 2999: not storable */
		return NULL;
	return arena_strdup(r->arena, buf);
}

static long long
svc_work_between(struct kiln_req *r, const char *from, const char *to)
{
	time_t	 a, b;

	if (utc_time(from, &a) == -1 || utc_time(to, &b) == -1)
		return -1;
	return workhours_between(&r->app->conf.work, a, b);
}

static long long
svc_number(struct kiln_req *r, const char *name)
{
	return name != NULL ? conf_number(&r->app->conf, name) : -1;
}

static const char *
svc_route_arg(struct kiln_req *r, size_t n)
{
	return n < sizeof(r->route_arg) / sizeof(r->route_arg[0]) ?
	    r->route_arg[n] : NULL;
}

static const char *
svc_token(struct kiln_req *r)
{
	char	 tok[64];

	user_secret_new(32, tok, sizeof(tok));
	return arena_strdup(r->arena, tok);
}

/* The SHA-256 of n bytes as 64 hex digits, in the request's arena. */
static const char *
sha256_hex(struct kiln_req *r, const void *p, size_t n)
{
	unsigned char	 h[crypto_hash_sha256_BYTES];
	char		 hex[2 * crypto_hash_sha256_BYTES + 1];

	crypto_hash_sha256(h, (const unsigned char *)p, n);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return arena_strdup(r->arena, hex);
}

static const char *
svc_digest(struct kiln_req *r, const char *s)
{
	return sha256_hex(r, s ? s : "", s ? strlen(s) : 0);
}

static const char *
svc_link(struct kiln_req *r, const char *path)
{
	const char	*base = r->app->conf.public_url ?
			    r->app->conf.public_url : "";
	size_t		 n = strlen(base);

	if (n > 0)
		return arena_printf(r->arena, "%.*s%s", (int)(base[n - 1] ==
		    '/' ? n - 1 : n), base, path);
	if (r->io == NULL)
		return arena_strdup(r->arena, path);	/* a command */
	return arena_printf(r->arena, "%s://%s%s%s", r->https ? "https" :
	    "http", auth_self_host(r), r->prefix, path);
}

static int
svc_mail(struct kiln_req *r, const char *to, const char *subject,
    const char *text, char *err, size_t errsz)
{
	const struct conf	*c = &r->app->conf;
	const char		*from, *name, *addr;
	char			*msg;
	size_t			 len;

	if (c->sendmail == NULL || *c->sendmail == '\0')
		return 1;
	name = conf_text(c, "company_name");
	addr = conf_text(c, "company_email");
	from = *name != '\0' ? arena_printf(r->arena, "%s <%s>", name, addr) :
	    addr;
	if (*addr == '\0') {
		snprintf(err, errsz, "kiln.conf has no company_email to send"
		    " from");
		return -1;
	}
	if ((msg = mail_build(r->arena, from, to, subject, text, &len)) ==
	    NULL) {
		snprintf(err, errsz, "not an address to send to: %s", to);
		return -1;
	}
	return mail_send(c->sendmail, msg, len, err, errsz) == 0 ? 0 : -1;
}

static int
svc_upload(struct kiln_req *r, const char *name, struct kiln_file *f)
{
	size_t	 i;

	memset(f, 0, sizeof(*f));
	if (r->files == NULL || name == NULL)
		return 0;
	for (i = 0; i < r->files->n; i++) {
		const struct part *p = &r->files->v[i];

		if (p->filename == NULL || strcmp(p->name, name) != 0)
			continue;
		if (*p->filename == '\0' && p->len == 0)
			return 0;	/* a file input left empty */
		f->name = p->filename;
		f->ctype = p->ctype ? p->ctype : "";
		f->data = p->data;
		f->len = p->len;
		f->sha256 = sha256_hex(r, p->data, p->len);
		return 1;
	}
	return 0;
}

static void
svc_bind_blob(struct kiln_stmt *st, int i, const void *p, size_t n)
{
	db_bind_blob((struct db_stmt *)st, i, p ? p : "", p ? n : 0);
}

static const void *
svc_col_blob(struct kiln_stmt *st, int i, size_t *n)
{
	const void	*p = db_col_blob((struct db_stmt *)st, i, n);

	if (p == NULL)
		*n = 0;
	return p ? p : "";
}

/*
 * Content-Disposition for a name from anywhere: an ASCII stand-in for
 * old clients (anything else as "_") and the name itself in RFC 5987's
 * UTF-8 form.
 */
static const char *
disposition(struct kiln_req *r, const char *name, int inline_)
{
	struct abuf	 b;
	const unsigned char *p;
	char		 c;

	abuf_init(&b, r->arena);
	abuf_add(&b, inline_ ? "inline; filename=\"" : "attachment;"
	    " filename=\"");
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		c = *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' &&
		    *p != '%' ? (char)*p : '_';
		abuf_addn(&b, &c, 1);
	}
	abuf_add(&b, "\"; filename*=UTF-8''");
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			abuf_addn(&b, (const char *)p, 1);
		else
			abuf_addf(&b, "%%%02X", *p);
	}
	return b.s;
}

static int
svc_send(struct kiln_req *r, const char *ctype, const char *filename,
    int inline_, const void *data, size_t len)
{
	if (out_begin_raw(r, 200, ctype) == -1)
		return -1;
	out_header(r, "Content-Disposition", disposition(r, filename ?
	    filename : "file", inline_));
	/* With the page's policy: a file runs nothing, loads nothing. */
	out_header(r, "Content-Security-Policy", "default-src 'none';"
	    " img-src 'self'; sandbox");
	out_raw(r, data, len);
	return out_finish(r);
}

const struct kiln_services services_table = {
	.abi = KILN_ABI_VERSION,
	.log = svc_log,
	.alloc = svc_alloc,
	.param = svc_param,
	.begin = svc_begin,
	.open = out_open,
	.attr = out_attr,
	.text = out_text,
	.close = out_close,
	.end = svc_end,
	.error = svc_error,
	.route_id = svc_route_id,
	.user_id = svc_user_id,
	.user_login = svc_user_login,
	.user_role = svc_user_role,
	.user_team = svc_user_team,
	.sql = svc_sql,
	.bind_int = svc_bind_int,
	.bind_text = svc_bind_text,
	.step = svc_step,
	.col_int = svc_col_int,
	.col_text = svc_col_text,
	.done = svc_done,
	.begin_write = svc_begin_write,
	.commit = svc_commit,
	.rollback = svc_rollback,
	.audit = svc_audit,
	.redirect = svc_redirect,
	.access = svc_access,
	.rule = svc_rule,
	.csrf = page_csrf,
	.url = svc_url,
	.wants_xml = svc_wants_xml,
	.tr = i18n_tr,
	.items = svc_items,
	.item = svc_item,
	.create = svc_create,
	.money = svc_money,
	.currency = svc_currency,
	.show = svc_show,
	.rules = svc_rules,
	.setting = svc_setting,
	.parse_money = svc_parse_money,
	.parse_date = svc_parse_date,
	.write_failed = svc_write_failed,
	.update = svc_update,
	.rows = svc_rows,
	.rules_for = record_rules_for,
	.show_money = view_money,
	.show_time = view_when,
	.chart = chart_bars,
	.show_enum = view_enum_label,
	.company = svc_company,
	.work_add = svc_work_add,
	.work_between = svc_work_between,
	.number = svc_number,
	.route_arg = svc_route_arg,
	.token = svc_token,
	.digest = svc_digest,
	.link = svc_link,
	.mail = svc_mail,
	.upload = svc_upload,
	.bind_blob = svc_bind_blob,
	.col_blob = svc_col_blob,
	.send = svc_send,
};
