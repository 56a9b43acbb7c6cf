/*
 * pg.c - PostgreSQL through libpq; see pg.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg.h"
#include "log.h"

/* A URI, or libpq's "keyword=value ..." (a file path is neither). */
int
pg_is_conninfo(const char *s)
{
	const char	*k;

	if (strncmp(s, "postgresql://", 13) == 0 ||
	    strncmp(s, "postgres://", 11) == 0)
		return 1;
	for (k = s; (*k >= 'a' && *k <= 'z') || *k == '_'; k++)
		continue;
	while (*k == ' ')
		k++;
	return k > s && *k == '=';
}

#ifndef HAVE_POSTGRESQL

char *
pg_describe(const char *conninfo)
{
	(void)conninfo;
	return strdup("PostgreSQL");
}

enum db_err
pg_open(const char *conninfo, int quiet, struct pg **out)
{
	(void)conninfo;
	*out = NULL;
	if (!quiet)
		log_err("this kiln was built without PostgreSQL (configure"
		    " --with-postgresql, Debian's libpq-dev)");
	return DB_UNAVAILABLE;
}

/* Never reached without a connection; here for the linker. */
void pg_close(struct pg *p) { (void)p; }
void pg_closing(struct pg *p) { (void)p; }
int pg_broken(struct pg *p) { (void)p; return 1; }
int pg_in_tx(struct pg *p) { (void)p; return 0; }
struct pg_stmt *pg_prepare(struct pg *p, const char *s)
    { (void)p, (void)s; return NULL; }
void pg_stmt_free(struct pg_stmt *st) { (void)st; }
const char *pg_sql(const struct pg_stmt *st) { (void)st; return ""; }
const char *pg_text(const struct pg_stmt *st, int *n)
    { (void)st; *n = 0; return ""; }
void pg_bind(struct pg_stmt *st, int i, enum pg_kind k, const void *v,
    size_t n) { (void)st, (void)i, (void)k, (void)v, (void)n; }
int pg_bind_index(struct pg_stmt *st, const char *n)
    { (void)st, (void)n; return 0; }
int pg_step(struct pg_stmt *st, struct pg_fail *f)
    { (void)st; f->err = DB_ERROR; return -1; }
const char *pg_col(struct pg_stmt *st, int i) { (void)st, (void)i; return NULL; }
int pg_col_count(struct pg_stmt *st) { (void)st; return 0; }
const void *pg_col_blob(struct pg_stmt *st, int i, size_t *n)
    { (void)st, (void)i; *n = 0; return NULL; }
void pg_reset(struct pg_stmt *st) { (void)st; }
int pg_busy(struct pg_stmt *st) { (void)st; return 0; }
long long pg_changes(struct pg *p) { (void)p; return 0; }
int pg_exec(struct pg *p, const char *s, struct pg_fail *f)
    { (void)p, (void)s; f->err = DB_ERROR; return -1; }
const char *pg_message(struct pg *p) { (void)p; return ""; }
int pg_dump_to(const char *c, const char *p) { (void)c, (void)p; return -1; }

#else

#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <unistd.h>

#include <libpq-fe.h>

/* Type oids of the values PostgreSQL cannot place by itself. */
#define OID_INT8	20
#define OID_TEXT	25
#define OID_BYTEA	17

#define PG_MAXPARAMS	100	/* the most values a statement takes */
#define PG_MAXNAMES	8	/* ... of them by :name */

struct pg {
	PGconn		*conn;
	unsigned	 serial;	/* names of prepared statements */
	int		 closing;	/* no DEALLOCATE: the session ends */
	long long	 changes;
};

struct pg_stmt {
	struct pg	*pg;
	char		*sql;		/* as given, for the log */
	char		*text;		/* with $1, $2 ... */
	char		 name[16];	/* prepared as; "" not yet */
	int		 nparams;
	int		 numbered;	/* the highest ?N: names come after */
	char		*names[PG_MAXNAMES];
	int		 namenum[PG_MAXNAMES];
	char		*val[PG_MAXPARAMS];
	int		 len[PG_MAXPARAMS];
	int		 fmt[PG_MAXPARAMS];
	Oid		 type[PG_MAXPARAMS];	/* of the bound value */
	PGresult	*res;
	int		 row;		/* the row being read; -1 before */
	unsigned char	*blob;		/* the last bytea column decoded */
};

static void
quiet_notice(void *arg, const char *msg)
{
	(void)arg, (void)msg;	/* NOTICEs of CREATE ... IF NOT EXISTS */
}

char *
pg_describe(const char *conninfo)
{
	PQconninfoOption	*o, *opts;
	const char		*user = "", *host = "", *port = "", *db = "";
	char			*s;

	if ((opts = PQconninfoParse(conninfo, NULL)) == NULL)
		return strdup("PostgreSQL (a malformed conninfo)");
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL)
			continue;
		if (strcmp(o->keyword, "user") == 0)
			user = o->val;
		else if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
	}
	if (asprintf(&s, "postgresql://%s%s%s%s%s/%s", user, *user ? "@" : "",
	    host, *port ? ":" : "", port, db) == -1)
		s = NULL;
	PQconninfoFree(opts);
	return s;
}

enum db_err
pg_open(const char *conninfo, int quiet, struct pg **out)
{
	struct pg	*p;
	PGresult	*res;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return DB_ERROR;
	p->conn = PQconnectdb(conninfo);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		if (!quiet)
			log_err("database: %s", PQerrorMessage(p->conn));
		goto fail;
	}
	PQsetNoticeProcessor(p->conn, quiet_notice, NULL);
	/*
	 * Times are written by Kiln as UTC text; a wait for a lock as long
	 * as SQLite's busy timeout ends in "busy", not in a hung worker.
	 */
	res = PQexec(p->conn, "SET TIME ZONE 'UTC';"
	    " SET lock_timeout = '5s';"
	    " SET idle_in_transaction_session_timeout = '60s'");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		if (!quiet)
			log_err("database: %s", PQresultErrorMessage(res));
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	*out = p;
	return DB_OK;
fail:
	PQfinish(p->conn);
	free(p);
	return DB_UNAVAILABLE;
}

void
pg_close(struct pg *p)
{
	if (p == NULL)
		return;
	PQfinish(p->conn);
	free(p);
}

void
pg_closing(struct pg *p)
{
	if (p != NULL)
		p->closing = 1;
}

int
pg_broken(struct pg *p)
{
	return PQstatus(p->conn) != CONNECTION_OK;
}

int
pg_in_tx(struct pg *p)
{
	return PQtransactionStatus(p->conn) != PQTRANS_IDLE;
}

const char *
pg_message(struct pg *p)
{
	return PQerrorMessage(p->conn);
}

/* The number of :name, given one if it is new; 0 when too many. */
static int
name_number(struct pg_stmt *st, const char *name, size_t n)
{
	int	 i;

	for (i = 0; i < PG_MAXNAMES && st->names[i] != NULL; i++)
		if (strlen(st->names[i]) == n &&
		    strncmp(st->names[i], name, n) == 0)
			return st->namenum[i];
	if (i == PG_MAXNAMES || (st->names[i] = strndup(name, n)) == NULL)
		return 0;
	if (st->nparams < st->numbered)
		st->nparams = st->numbered;
	st->namenum[i] = ++st->nparams;
	return st->nparams;
}

/*
 * SQLite's parameters as PostgreSQL's: ?N is $N, ? the next number,
 * :name one number for all its uses.  Literals, quoted names and
 * comments are copied as they are; "::" (a cast) is not a name.
 */
static int
rewrite(struct pg_stmt *st)
{
	const char	*s = st->sql, *t;
	char		*o;
	long		 n;

	/* At most 4 bytes for 1: "?" becomes "$100" at worst. */
	if ((st->text = malloc(strlen(s) * 4 + 1)) == NULL)
		return -1;
	/* A name's number must not be one a later ?N takes. */
	for (t = s; (t = strchr(t, '?')) != NULL; t++)
		if (isdigit((unsigned char)t[1]) &&
		    (n = strtol(t + 1, NULL, 10)) > st->numbered &&
		    n <= PG_MAXPARAMS)
			st->numbered = (int)n;
	for (o = st->text; *s != '\0'; ) {
		if (*s == '\'' || *s == '"') {
			char q = *s;

			*o++ = *s++;
			while (*s != '\0' && *s != q)
				*o++ = *s++;
			if (*s != '\0')
				*o++ = *s++;
		} else if (s[0] == '-' && s[1] == '-') {
			while (*s != '\0' && *s != '\n')
				*o++ = *s++;
		} else if (s[0] == '/' && s[1] == '*') {
			if ((t = strstr(s + 2, "*/")) == NULL)
				t = s + strlen(s) - 2;
			memcpy(o, s, (size_t)(t + 2 - s));
			o += t + 2 - s;
			s = t + 2;
		} else if (*s == '?') {
			s++;
			if (isdigit((unsigned char)*s)) {
				n = strtol(s, (char **)&t, 10);
				s = t;
			} else
				n = st->nparams + 1;
			if (n < 1 || n > PG_MAXPARAMS)
				return -1;
			if (n > st->nparams)
				st->nparams = (int)n;
			o += sprintf(o, "$%ld", n);
		} else if (s[0] == ':' && s[1] == ':') {
			*o++ = *s++;
			*o++ = *s++;
		} else if (*s == ':' && (isalpha((unsigned char)s[1]) ||
		    s[1] == '_')) {
			for (t = s + 1; isalnum((unsigned char)*t) ||
			    *t == '_'; t++)
				continue;
			if ((n = name_number(st, s, (size_t)(t - s))) == 0 ||
			    n > PG_MAXPARAMS)
				return -1;
			o += sprintf(o, "$%ld", n);
			s = t;
		} else
			*o++ = *s++;
	}
	*o = '\0';
	return 0;
}

struct pg_stmt *
pg_prepare(struct pg *p, const char *sql)
{
	struct pg_stmt	*st;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	st->pg = p;
	st->row = -1;
	if ((st->sql = strdup(sql)) == NULL || rewrite(st) == -1) {
		log_err("prepare: too many values or out of memory: %.60s",
		    sql);
		pg_stmt_free(st);
		return NULL;
	}
	return st;
}

const char *
pg_sql(const struct pg_stmt *st)
{
	return st->sql;
}

const char *
pg_text(const struct pg_stmt *st, int *nparams)
{
	*nparams = st->nparams;
	return st->text;
}

void
pg_reset(struct pg_stmt *st)
{
	int	 i;

	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	PQfreemem(st->blob);
	st->blob = NULL;
	for (i = 0; i < st->nparams; i++) {
		free(st->val[i]);
		st->val[i] = NULL;
		st->len[i] = st->fmt[i] = 0;
		st->type[i] = 0;
	}
}

void
pg_stmt_free(struct pg_stmt *st)
{
	char	 sql[32];
	int	 i;

	if (st == NULL)
		return;
	pg_reset(st);
	/* The server keeps a prepared statement for the session's life. */
	if (st->name[0] != '\0' && st->pg != NULL && !st->pg->closing &&
	    !pg_broken(st->pg)) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
		PQclear(PQexec(st->pg->conn, sql));
	}
	for (i = 0; i < PG_MAXNAMES; i++)
		free(st->names[i]);
	free(st->sql);
	free(st->text);
	free(st);
}

void
pg_bind(struct pg_stmt *st, int i, enum pg_kind k, const void *v, size_t n)
{
	if (i < 1 || i > st->nparams)
		return;		/* as SQLite: no such value, nothing bound */
	i--;
	free(st->val[i]);
	st->val[i] = NULL;
	st->type[i] = k == PG_BLOB ? OID_BYTEA : k == PG_INT ? OID_INT8 :
	    OID_TEXT;
	st->fmt[i] = k == PG_BLOB;	/* bytes as they are */
	st->len[i] = (int)n;
	if (v == NULL)
		return;
	if ((st->val[i] = malloc(n + 1)) == NULL)
		abort();	/* out of memory: the worker stops (as arena) */
	memcpy(st->val[i], v, n);
	st->val[i][n] = '\0';
}

int
pg_bind_index(struct pg_stmt *st, const char *name)
{
	int	 i;

	for (i = 0; i < PG_MAXNAMES && st->names[i] != NULL; i++)
		if (strcmp(st->names[i], name) == 0)
			return st->namenum[i];
	return 0;
}

/* Fill in f from a failed result (or the connection, res NULL). */
static void
failure(struct pg *p, PGresult *res, struct pg_fail *f)
{
	const char	*state, *msg, *detail, *k, *e;

	memset(f, 0, sizeof(*f));
	state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (msg == NULL)
		msg = PQerrorMessage(p->conn);
	snprintf(f->msg, sizeof(f->msg), "%s", msg);
	snprintf(f->state, sizeof(f->state), "%s", state ? state : "");
	f->err = DB_ERROR;
	if (pg_broken(p) || state == NULL) {
		f->err = DB_UNAVAILABLE;
		return;
	}
	if (strcmp(state, "P0001") == 0) {
		/* RAISE EXCEPTION in a trigger: a rule, said for people. */
		f->err = DB_CONSTRAINT;
		f->why = DB_V_RULE;
	} else if (strncmp(state, "23", 2) == 0) {
		f->err = DB_CONSTRAINT;
		k = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
		snprintf(f->constraint, sizeof(f->constraint), "%s",
		    k ? k : "");
		/* "Key (code)=(C-1) already exists." */
		detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
		if (strcmp(state, "23505") == 0 && detail != NULL &&
		    (k = strstr(detail, "Key (")) != NULL &&
		    (e = strchr(k + 5, ')')) != NULL &&
		    (size_t)(e - k - 5) < sizeof(f->column) &&
		    memchr(k + 5, ',', (size_t)(e - k - 5)) == NULL) {
			f->why = DB_V_UNIQUE;
			memcpy(f->column, k + 5, (size_t)(e - k - 5));
			f->column[e - k - 5] = '\0';
		}
	} else if (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
	    strcmp(state, "57014") == 0)
		f->err = DB_BUSY;
	else if (strcmp(state, "53100") == 0)
		f->err = DB_FULL;
	else if (strcmp(state, "25006") == 0)
		f->err = DB_READONLY;	/* a standby, or read-only by setting */
	else if (strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57P", 3) == 0)
		f->err = DB_UNAVAILABLE;
}

/* Prepare on the server with types (0: PostgreSQL infers it). */
static PGresult *
server_prepare(struct pg_stmt *st, const Oid *types)
{
	snprintf(st->name, sizeof(st->name), "k%u", ++st->pg->serial);
	return PQprepare(st->pg->conn, st->name, st->text, st->nparams,
	    types);
}

/*
 * The value PostgreSQL could not place ("could not determine data type
 * of parameter $2"), typed as it was bound (never bound: text, as it
 * is NULL); 0 when there is none to type.
 */
static int
type_one(struct pg_stmt *st, PGresult *res, Oid *types)
{
	const char	*msg, *d;
	long		 n;

	msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (msg == NULL || (d = strchr(msg, '$')) == NULL ||
	    (n = strtol(d + 1, NULL, 10)) < 1 || n > st->nparams ||
	    types[n - 1] != 0)
		return 0;
	types[n - 1] = st->type[n - 1] ? st->type[n - 1] : OID_TEXT;
	return 1;
}

/* Run a command of the host's own (a savepoint); 0, or -1 with *f. */
static int
command(struct pg *p, const char *sql, struct pg_fail *f)
{
	PGresult	*res = PQexec(p->conn, sql);
	int		 rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		if (f != NULL)
			failure(p, res, f);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/*
 * Prepare st on the server with the types PostgreSQL infers from the
 * text; a value it cannot place (42P18: "?1 IS NULL", or a number the
 * text does not use) is declared as bound, one at a time, and only
 * those: a NULL or a number bound to a column keeps the column's type.
 * A failed prepare would end the whole transaction: inside one it runs
 * under a savepoint.  Once per statement and connection.
 */
static int
prepare(struct pg_stmt *st, struct pg_fail *f)
{
	PGresult	*res;
	const char	*state;
	Oid		 types[PG_MAXPARAMS];
	int		 tx = pg_in_tx(st->pg), rc = 0, i;

	if (tx && command(st->pg, "SAVEPOINT kiln_prepare", f) == -1)
		return -1;
	for (i = 0; i < st->nparams; i++)
		types[i] = st->type[i] == OID_BYTEA ? OID_BYTEA : 0;
	for (;;) {
		res = server_prepare(st, types);
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (state == NULL || strcmp(state, "42P18") != 0 ||
		    !type_one(st, res, types))
			break;
		PQclear(res);
		if (tx)
			(void)command(st->pg,
			    "ROLLBACK TO SAVEPOINT kiln_prepare", NULL);
	}
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		failure(st->pg, res, f);
		st->name[0] = '\0';
		rc = -1;
		if (tx)
			(void)command(st->pg,
			    "ROLLBACK TO SAVEPOINT kiln_prepare", NULL);
	}
	PQclear(res);
	if (tx && command(st->pg, "RELEASE SAVEPOINT kiln_prepare",
	    rc == 0 ? f : NULL) == -1)
		rc = -1;
	return rc;
}

static int
run(struct pg_stmt *st, struct pg_fail *f)
{
	if (st->name[0] == '\0' && prepare(st, f) == -1)
		return -1;
	st->res = PQexecPrepared(st->pg->conn, st->name, st->nparams,
	    (const char *const *)st->val, st->len, st->fmt, 0);
	switch (PQresultStatus(st->res)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		st->pg->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
		return 0;
	default:
		failure(st->pg, st->res, f);
		PQclear(st->res);
		st->res = NULL;
		return -1;
	}
}

int
pg_step(struct pg_stmt *st, struct pg_fail *f)
{
	if (st->res == NULL && run(st, f) == -1)
		return -1;
	if (++st->row < PQntuples(st->res))
		return DB_ROW;
	st->row = PQntuples(st->res);
	return DB_DONE;
}

const char *
pg_col(struct pg_stmt *st, int i)
{
	if (st->res == NULL || st->row < 0 || st->row >= PQntuples(st->res) ||
	    i < 0 || i >= PQnfields(st->res) ||
	    PQgetisnull(st->res, st->row, i))
		return NULL;
	return PQgetvalue(st->res, st->row, i);
}

int
pg_col_count(struct pg_stmt *st)
{
	return st->res != NULL ? PQnfields(st->res) : 0;
}

const void *
pg_col_blob(struct pg_stmt *st, int i, size_t *n)
{
	const char	*v = pg_col(st, i);

	*n = 0;
	if (v == NULL)
		return NULL;
	PQfreemem(st->blob);
	st->blob = PQunescapeBytea((const unsigned char *)v, n);
	return st->blob;
}

int
pg_busy(struct pg_stmt *st)
{
	return st->res != NULL;
}

long long
pg_changes(struct pg *p)
{
	return p->changes;
}

int
pg_exec(struct pg *p, const char *sql, struct pg_fail *f)
{
	PGresult	*res;
	int		 rc = 0;

	res = PQexec(p->conn, sql);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		break;
	default:
		failure(p, res, f);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int
pg_dump_to(const char *conninfo, const char *path)
{
	PQconninfoOption	*o, *opts;
	char			*pass = NULL, *rest = NULL, *p;
	size_t			 len = 0;
	pid_t			 pid;
	int			 status;

	if ((opts = PQconninfoParse(conninfo, NULL)) == NULL)
		return -1;
	/* The conninfo again, less its password (ps shows arguments). */
	for (o = opts; o->keyword != NULL; o++)
		if (o->val != NULL)
			len += strlen(o->keyword) + strlen(o->val) * 2 + 4;
	if ((rest = calloc(1, len + 1)) == NULL)
		goto fail;
	for (p = rest, o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL)
			continue;
		if (strcmp(o->keyword, "password") == 0) {
			pass = strdup(o->val);
			continue;
		}
		p += sprintf(p, "%s='", o->keyword);
		for (const char *v = o->val; *v != '\0'; v++) {
			if (*v == '\'' || *v == '\\')
				*p++ = '\\';
			*p++ = *v;
		}
		p += sprintf(p, "' ");
	}
	if ((pid = fork()) == -1)
		goto fail;
	if (pid == 0) {
		if (pass != NULL)
			setenv("PGPASSWORD", pass, 1);
		execlp("pg_dump", "pg_dump", "--format=custom", "--file", path,
		    "--dbname", rest, (char *)NULL);
		fprintf(stderr, "kiln: pg_dump: %s (Debian:"
		    " postgresql-client)\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		continue;
	PQconninfoFree(opts);
	free(rest);
	free(pass);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	log_err("backup %s: pg_dump failed", path);
	return -1;
fail:
	PQconninfoFree(opts);
	free(rest);
	free(pass);
	return -1;
}

#endif /* HAVE_POSTGRESQL */
