/*
 * db.c - SQLite connection, statement cache, transactions, migrations.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "kiln-plugin.h"
#include "db.h"
#include "log.h"
#include "pg.h"
#include "value.h"

#define DB_CACHE	256	/* statements; power of two */

struct db_stmt {
	struct db	*db;
	sqlite3_stmt	*lite;		/* one of the two */
	struct pg_stmt	*pg;
};

struct cached {
	char		*sql;
	const void	*owner;		/* whose rights prepared it (NULL: host) */
	struct db_stmt	*stmt;
};

/*
 * On PostgreSQL, h is an SQLite database in memory with the same
 * tables (the SQLite migrations run there too): a plugin's statement
 * is prepared there first under the same authorizer as on SQLite, so
 * it is confined to its tables on both engines alike.
 */
struct db {
	sqlite3		*h;
	struct pg	*pg;		/* PostgreSQL, or NULL for SQLite */
	char		*conninfo;	/* its conninfo: a password, maybe */
	char		*path;		/* as configured: checks, messages */
	struct cached	 cache[DB_CACHE];
	size_t		 ncached;
	long long	 busy_since;	/* when the current wait began (us) */
	int		 wal_mark;	/* log frames at our last checkpoint */
	int		 queue;		/* DB-queue, for flock(2); or -1 */
	int		 queued;	/* we hold it: between begin and end */
	int		 readonly;	/* opened for reading only */
	int		 moved_said;	/* its file's fate is in the log */
	enum db_err	 fault;		/* the last failure, for db_fault() */
	enum db_err	 last;		/* the last statement's, for db_last() */
	enum db_violation pg_why;	/* PostgreSQL: why a constraint said no */
	int		 last_code;	/* its extended SQLite result code */
	char		 last_msg[256];	/* and its words */
	struct stat	 wal, shm;	/* our -wal and -shm (st_ino 0: none) */
};

static void	stmt_free(struct db_stmt *);
static enum db_err pg_db_open(struct db *, const char *, int, struct db **);

/*
 * A worker keeps its connection, and SQLite keeps the page cache across
 * transactions no other connection changed: 32 MiB (not the default 2)
 * holds the hot indexes of a large installation, taken only as used.
 */
static const char *const pragmas =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"PRAGMA foreign_keys=ON;"
	"PRAGMA temp_store=MEMORY;"
	"PRAGMA cache_size=-32768;";

/* How long a statement waits for another connection's write lock. */
#define BUSY_TIMEOUT_US		5000000LL

static long long
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Wait for the write lock in short naps.  SQLite's own busy handler
 * sleeps 1, 2, 5, 10 ms ... while a submission holds the lock for a
 * few hundred microseconds: a second worker would idle most of the
 * time the lock is free.  Naps of 50 us for the first 10 ms, then of
 * 1 ms, up to BUSY_TIMEOUT_US.
 */
static int
busy_wait(void *arg, int count)
{
	struct db	*db = arg;
	long long	 waited;

	if (count == 0)
		db->busy_since = now_us();
	waited = now_us() - db->busy_since;
	if (waited >= BUSY_TIMEOUT_US)
		return 0;
	usleep(waited < 10000 ? 50 : 1000);
	return 1;
}

/* Set by SIGALRM: the wait in the writers' queue has timed out. */
static volatile sig_atomic_t	 queue_timeout;

static void
on_alarm(int sig)
{
	(void)sig;
	queue_timeout = 1;
}

/* Log pages between two checkpoints made by one connection. */
#define WAL_CHECKPOINT_PAGES	1000

/*
 * A checkpoint is due once the log has grown by WAL_CHECKPOINT_PAGES
 * (anyone's) since this connection last made one.  SQLite's own rule
 * (the log is longer than 1000 pages) fires after every commit once
 * the log cannot be restarted, and under steady writes from two
 * workers there is nearly always a reader inside it: each commit then
 * paid a checkpoint, with an fsync of the database file.  Made inside
 * COMMIT, while this connection still holds the write lock (and the
 * writers' queue): with no writer beside it the checkpoint copies the
 * whole log and the next commit starts the log afresh.  Made after the
 * queue was left, it ran beside the next writer and submissions fell
 * from 2 300 to 1 840 a second (tests/bench/orders).
 */
static int
wal_grown(void *arg, sqlite3 *h, const char *name, int frames)
{
	struct db	*db = arg;

	if (frames < db->wal_mark)
		db->wal_mark = 0;	/* the log was restarted */
	if (frames - db->wal_mark >= WAL_CHECKPOINT_PAGES) {
		(void)sqlite3_wal_checkpoint_v2(h, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		db->wal_mark = frames;
	}
	return SQLITE_OK;
}

/* The file beside the database with this suffix ("-wal", "-queue"). */
static const char *
sibling(const struct db *db, const char *suffix, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s%s", db->path, suffix) >= size)
		return NULL;
	return buf;
}

/*
 * The writers' queue: DB-queue, a file of its own beside the database
 * (flock(2) on the database file itself would be fcntl(2) on NFS and
 * meet SQLite's locks, and closing a second fd of it drops them).
 * Without it (a read-only directory), writers meet SQLite's lock only.
 */
static void
queue_open(struct db *db)
{
	struct sigaction	 sa;
	char			 name[PATH_MAX];

	if (sibling(db, "-queue", name, sizeof(name)) == NULL)
		return;
	db->queue = open(name, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	if (db->queue == -1)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: flock returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

/*
 * Open name and set the connection up; an SQLite result code, with
 * SQLite's words in *err (sqlite3_free them).
 */
static int
open_conn(struct db *db, const char *name, int flags, char **err)
{
	int	 rc;

	*err = NULL;
	if ((rc = sqlite3_open_v2(name, &db->h, flags, NULL)) != SQLITE_OK) {
		*err = sqlite3_mprintf("%s", db->h != NULL ?
		    sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_handler(db->h, busy_wait, db);
	if ((rc = sqlite3_exec(db->h, pragmas, NULL, NULL, err)) != SQLITE_OK)
		goto fail;
	/* After the pragmas: journal_mode=WAL installs SQLite's own hook. */
	sqlite3_wal_hook(db->h, wal_grown, db);
	return SQLITE_OK;
fail:
	sqlite3_close(db->h);
	db->h = NULL;
	return rc;
}

/* Whether the database is on a file system mounted read-only. */
static int
on_readonly_fs(const struct db *db)
{
	struct statvfs	 vfs;

	return statvfs(db->path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

/*
 * A WAL database on a read-only file system cannot be read the usual
 * way: SQLite must make a -shm beside it first.  When no -wal holds
 * changes (a clean shutdown removes it) and the file system is read
 * only, nothing can change the file under us either: it is read as
 * immutable, so reads work and writes get SQLITE_READONLY (a 503
 * saying so) instead of the whole installation being down.
 */
static int
immutable_ok(const struct db *db)
{
	struct stat	 sb;
	char		 wal[PATH_MAX];

	if (!on_readonly_fs(db))
		return 0;
	if (sibling(db, "-wal", wal, sizeof(wal)) == NULL)
		return 0;
	return stat(wal, &sb) == -1 ? errno == ENOENT : sb.st_size == 0;
}

/* file:PATH?immutable=1, escaping what a URI path may not hold. */
static char *
immutable_uri(const char *path)
{
	char		*uri, *p;
	const char	*s;

	if ((uri = malloc(strlen(path) * 3 + 32)) == NULL)
		return NULL;
	p = uri + sprintf(uri, "file:");
	for (s = path; *s != '\0'; s++) {
		if (*s == '%' || *s == '?' || *s == '#' ||
		    (unsigned char)*s <= ' ')
			p += sprintf(p, "%%%02X", (unsigned char)*s);
		else
			*p++ = *s;
	}
	strcpy(p, "?immutable=1");
	return uri;
}

/*
 * Which -wal and -shm this connection uses, to know them again once
 * the file is replaced.  They appear with the first transaction, not
 * at open: noted until seen, while the file is still ours.
 */
static void
note_log_files(struct db *db)
{
	char	 name[PATH_MAX];

	if (db->wal.st_ino != 0 && db->shm.st_ino != 0)
		return;
	if (sibling(db, "-wal", name, sizeof(name)) == NULL ||
	    stat(name, &db->wal) == -1)
		memset(&db->wal, 0, sizeof(db->wal));
	if (sibling(db, "-shm", name, sizeof(name)) == NULL ||
	    stat(name, &db->shm) == -1)
		memset(&db->shm, 0, sizeof(db->shm));
}

int
db_open(const char *path, int flags, struct db **out)
{
	struct db	*db;
	enum db_err	 e = DB_ERROR;
	int		 oflags, rc;
	char		*err = NULL, *uri;

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return DB_ERROR;
	db->queue = -1;
	if (pg_is_conninfo(path))
		return pg_db_open(db, path, flags, out);
	if ((db->path = strdup(path)) == NULL)
		goto fail;
	oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (flags & DB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	rc = open_conn(db, path, oflags, &err);
	if ((rc & 0xff) == SQLITE_CANTOPEN && immutable_ok(db)) {
		sqlite3_free(err);
		if ((uri = immutable_uri(path)) == NULL)
			goto fail;
		rc = open_conn(db, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
		    SQLITE_OPEN_NOMUTEX, &err);
		free(uri);
	}
	if (rc != SQLITE_OK) {
		if (!(flags & DB_QUIET))
			log_err("database %s: %s", path, err);
		sqlite3_free(err);
		e = DB_UNAVAILABLE;
		goto fail;
	}
	db->readonly = sqlite3_db_readonly(db->h, "main") == 1;
	if (db->readonly && !(flags & DB_QUIET))
		log_warn("database %s is read-only (%s): reading works,"
		    " every change is refused until it is writable", path,
		    on_readonly_fs(db) ? "a read-only file system" :
		    "its file's permissions");
	queue_open(db);
	*out = db;
	return DB_OK;
fail:
	free(db->path);
	free(db);
	return e;
}

/*
 * PostgreSQL: the server's connection, and the SQLite shadow in
 * memory (struct db).  path is the server as the log may name it
 * (never a password).
 */
static enum db_err
pg_db_open(struct db *db, const char *conninfo, int flags,
    struct db **out)
{
	enum db_err	 e;
	char		*err = NULL;

	if ((db->path = pg_describe(conninfo)) == NULL ||
	    (db->conninfo = strdup(conninfo)) == NULL) {
		free(db->path);
		free(db);
		return DB_ERROR;
	}
	if ((e = pg_open(conninfo, flags & DB_QUIET, &db->pg)) != DB_OK)
		goto fail;
	e = DB_ERROR;
	if (open_conn(db, ":memory:", SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, &err) != SQLITE_OK) {
		log_err("database %s: its SQLite shadow: %s", db->path, err);
		sqlite3_free(err);
		goto fail;
	}
	*out = db;
	return DB_OK;
fail:
	pg_close(db->pg);
	free(db->conninfo);
	free(db->path);
	free(db);
	return e;
}

#define PG_JOBS_LOCK	"7010617583"

int
db_jobs_lock(struct db *db)
{
	struct db_stmt	*st;
	int		 rc;

	if (db->pg == NULL)
		return 1;
	if ((st = db_stmt(db, "SELECT pg_try_advisory_lock(" PG_JOBS_LOCK
	    ")")) == NULL)
		return -1;
	rc = db_step(st) == DB_ROW ? (int)db_col_int(st, 0) : -1;
	db_done(st);
	return rc;
}

void
db_jobs_unlock(struct db *db)
{
	if (db->pg != NULL)
		(void)db_exec(db, "SELECT pg_advisory_unlock(" PG_JOBS_LOCK ")");
}

int
db_is_pg(const struct db *db)
{
	return db->pg != NULL;
}

const char *
db_name(const struct db *db)
{
	return db->path;
}

void
db_close(struct db *db)
{
	size_t	 i;

	if (db == NULL)
		return;
	pg_closing(db->pg);
	for (i = 0; i < DB_CACHE; i++) {
		stmt_free(db->cache[i].stmt);
		free(db->cache[i].sql);
	}
	sqlite3_close(db->h);
	pg_close(db->pg);
	free(db->conninfo);
	if (db->queue != -1)
		close(db->queue);
	free(db->path);
	free(db);
}

sqlite3 *
db_handle(struct db *db)
{
	return db->h;
}

static void
stmt_free(struct db_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_finalize(st->lite);
	pg_stmt_free(st->pg);
	free(st);
}

/* FNV-1a: the cache key is the statement text. */
static uint32_t
hash(const char *s)
{
	uint32_t	 h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Put a statement in its slot; the table is never full here. */
static void
cache_put(struct db *db, char *sql, const void *owner, struct db_stmt *st)
{
	struct cached	*c;
	uint32_t	 i, h;

	h = hash(sql);
	for (i = 0; ; i++) {
		c = &db->cache[(h + i) & (DB_CACHE - 1)];
		if (c->sql == NULL)
			break;
	}
	c->sql = sql;
	c->owner = owner;
	c->stmt = st;
	db->ncached++;
}

/*
 * Many distinct list queries (filter combinations) could fill the
 * cache: then drop every statement not being stepped right now.
 */
static void
cache_flush(struct db *db)
{
	struct cached	 keep[DB_CACHE];
	size_t		 i, n = 0;

	for (i = 0; i < DB_CACHE; i++) {
		if (db->cache[i].sql == NULL)
			continue;
		if (db->cache[i].stmt->lite != NULL ?
		    sqlite3_stmt_busy(db->cache[i].stmt->lite) :
		    pg_busy(db->cache[i].stmt->pg))
			keep[n++] = db->cache[i];
		else {
			stmt_free(db->cache[i].stmt);
			free(db->cache[i].sql);
		}
		db->cache[i].sql = NULL;
		db->cache[i].stmt = NULL;
	}
	db->ncached = 0;
	for (i = 0; i < n; i++)
		cache_put(db, keep[i].sql, keep[i].owner, keep[i].stmt);
}

struct db_stmt *
db_stmt(struct db *db, const char *sql)
{
	return db_stmt_as(db, NULL, sql, NULL, NULL, NULL);
}

struct db_stmt *
db_stmt_as(struct db *db, const void *owner, const char *sql,
    db_authorizer auth, void *ctx, const char *run)
{
	struct cached	*c;
	struct db_stmt	*stmt = NULL;
	sqlite3_stmt	*st = NULL;
	uint32_t	 i, h;
	const char	*key;
	char		*copy;
	int		 rc;

	/* On PostgreSQL what runs is what is cached (one per expansion). */
	key = db->pg != NULL && run != NULL ? run : sql;
	h = hash(key);
	for (i = 0; i < DB_CACHE; i++) {
		c = &db->cache[(h + i) & (DB_CACHE - 1)];
		if (c->sql == NULL)
			break;
		if (c->owner == owner && strcmp(c->sql, key) == 0)
			return c->stmt;
	}
	/*
	 * The authorizer judges this statement's prepare, nothing else.
	 * On PostgreSQL the shadow judges a plugin's SQL (struct db).
	 */
	if (db->pg == NULL || auth != NULL) {
		if (auth != NULL)
			sqlite3_set_authorizer(db->h, auth, ctx);
		rc = sqlite3_prepare_v3(db->h, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (auth != NULL)
			sqlite3_set_authorizer(db->h, NULL, NULL);
		if (rc != SQLITE_OK) {
			if (rc != SQLITE_AUTH)	/* the authorizer said why */
				log_err("prepare: %s", sqlite3_errmsg(db->h));
			return NULL;
		}
		if (db->pg != NULL) {
			sqlite3_finalize(st);
			st = NULL;
		}
	}
	if ((copy = strdup(key)) == NULL ||
	    (stmt = calloc(1, sizeof(*stmt))) == NULL ||
	    (db->pg != NULL && (stmt->pg = pg_prepare(db->pg, key)) == NULL)) {
		free(copy);
		free(stmt);
		sqlite3_finalize(st);
		return NULL;
	}
	stmt->db = db;
	stmt->lite = st;
	if (db->ncached >= DB_CACHE * 3 / 4)
		cache_flush(db);
	cache_put(db, copy, owner, stmt);
	return stmt;
}

void
db_done(struct db_stmt *st)
{
	if (st == NULL)
		return;
	if (st->pg != NULL) {
		pg_reset(st->pg);
		return;
	}
	sqlite3_reset(st->lite);
	sqlite3_clear_bindings(st->lite);
}

void
db_bind_int(struct db_stmt *st, int i, long long v)
{
	char	 buf[24];

	if (st->pg != NULL)
		pg_bind(st->pg, i, PG_INT, buf, (size_t)snprintf(buf,
		    sizeof(buf), "%lld", v));
	else
		sqlite3_bind_int64(st->lite, i, v);
}

void
db_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (s == NULL)
		s = "";
	if (st->pg != NULL)
		pg_bind(st->pg, i, PG_TEXT, s, strlen(s));
	else
		sqlite3_bind_text(st->lite, i, s, -1, SQLITE_TRANSIENT);
}

void
db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	if (st->pg != NULL)
		pg_bind(st->pg, i, PG_BLOB, p, n);
	else
		sqlite3_bind_blob(st->lite, i, p, (int)n, SQLITE_TRANSIENT);
}

void
db_bind_null(struct db_stmt *st, int i)
{
	if (st->pg != NULL)
		pg_bind(st->pg, i, PG_TEXT, NULL, 0);
	else
		sqlite3_bind_null(st->lite, i);
}

int
db_bind_index(struct db_stmt *st, const char *name)
{
	if (st->pg != NULL)
		return pg_bind_index(st->pg, name);
	return sqlite3_bind_parameter_index(st->lite, name);
}

/* PostgreSQL's booleans are 't' and 'f': 1 and 0, as SQLite's. */
long long
db_col_int(struct db_stmt *st, int i)
{
	const char	*v;

	if (st->pg == NULL)
		return sqlite3_column_int64(st->lite, i);
	if ((v = pg_col(st->pg, i)) == NULL)
		return 0;
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtoll(v, NULL, 10);
}

const char *
db_col_text(struct db_stmt *st, int i)
{
	if (st->pg != NULL)
		return pg_col(st->pg, i);
	return (const char *)sqlite3_column_text(st->lite, i);
}

const void *
db_col_blob(struct db_stmt *st, int i, size_t *n)
{
	const void	*p;

	if (st->pg != NULL)
		return pg_col_blob(st->pg, i, n);
	p = sqlite3_column_blob(st->lite, i);
	*n = (size_t)sqlite3_column_bytes(st->lite, i);
	return p;
}

int
db_col_null(struct db_stmt *st, int i)
{
	if (st->pg != NULL)
		return pg_col(st->pg, i) == NULL;
	return sqlite3_column_type(st->lite, i) == SQLITE_NULL;
}

/* PostgreSQL's columns are all text here, unless NULL. */
enum db_kind
db_col_kind(struct db_stmt *st, int i)
{
	if (st->pg != NULL)
		return pg_col(st->pg, i) == NULL ? DB_K_NULL : DB_K_TEXT;
	switch (sqlite3_column_type(st->lite, i)) {
	case SQLITE_INTEGER:
		return DB_K_INT;
	case SQLITE_FLOAT:
		return DB_K_REAL;
	case SQLITE_TEXT:
		return DB_K_TEXT;
	case SQLITE_BLOB:
		return DB_K_BLOB;
	default:
		return DB_K_NULL;
	}
}

int
db_col_count(struct db_stmt *st)
{
	if (st->pg != NULL)
		return pg_col_count(st->pg);
	return sqlite3_column_count(st->lite);
}

long long
db_changes(struct db *db)
{
	if (db->pg != NULL)
		return pg_changes(db->pg);
	return sqlite3_changes64(db->h);
}

/* Remember a failure for db_fault(); returns it. */
static enum db_err
fault(struct db *db, enum db_err e)
{
	if (e != DB_OK && e != DB_CONSTRAINT && e != DB_NOTFOUND)
		db->fault = e;
	return e;
}

/*
 * What an SQLite result means for the user.  A full disk and a
 * read-only file system also come as I/O errors (the -shm could not
 * grow, the log could not be written): the system's errno tells them
 * from a failing disk.
 */
static enum db_err
classify(struct db *db, int rc)
{
	int	 sys;

	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return DB_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_FULL:
		return DB_FULL;
	case SQLITE_READONLY:
		return rc == SQLITE_READONLY_DBMOVED ? DB_MOVED : DB_READONLY;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		sys = sqlite3_system_errno(db->h);
		if (sys == ENOSPC || sys == EDQUOT)
			return DB_FULL;
		if (sys == EROFS)
			return DB_READONLY;
		return DB_ERROR;
	default:
		return DB_ERROR;
	}
}

/* Log a failure e (of what) as an administrator needs to see it. */
static void
say(struct db *db, enum db_err e, const char *what, const char *msg)
{
	switch (e) {
	case DB_BUSY:
		log_warn("%s: database busy", what);
		break;
	case DB_FULL:
		log_err("%s: database %s: the disk is full (%s): the change"
		    " is rolled back", what, db->path, msg);
		break;
	case DB_READONLY:
		log_err("%s: database %s is read-only (%s): the change is"
		    " refused", what, db->path, msg);
		break;
	case DB_ERROR:
	case DB_MOVED:
		log_err("%s: %s", what, msg);
		break;
	default:
		break;
	}
}

/*
 * Note an SQLite result of the connection's last statement: what it
 * means, its code and words (for db_last and db_violation), and, for
 * a real failure, the log and db_fault().
 */
static enum db_err
note(struct db *db, int rc, const char *what)
{
	enum db_err	 e = classify(db, rc);

	db->last = e;
	if (e == DB_OK)
		return e;
	db->last_code = sqlite3_extended_errcode(db->h);
	snprintf(db->last_msg, sizeof(db->last_msg), "%s",
	    sqlite3_errmsg(db->h));
	say(db, e, what, db->last_msg);
	return fault(db, e);
}

/* The start of a statement's text, to name it in the log. */
static const char *
excerpt_of(const char *sql, char *buf, size_t size)
{
	snprintf(buf, size, "%.60s%s", sql, strlen(sql) > 60 ? "..." : "");
	return buf;
}

static const char *
excerpt(sqlite3_stmt *st, char *buf, size_t size)
{
	return excerpt_of(sqlite3_sql(st), buf, size);
}

/*
 * The one column of unique index name, as the shadow knows it (the
 * same index names on both engines): PostgreSQL's message names an
 * expression for an index on one ("translate(sku, ...)"); or NULL.
 */
static const char *
index_column(struct db *db, const char *name, char *buf, size_t size)
{
	sqlite3_stmt	*st;
	const char	*col = NULL;

	if (sqlite3_prepare_v2(db->h, "SELECT name FROM pragma_index_info(?1)",
	    -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
	    sqlite3_step(st) == SQLITE_DONE) {
		sqlite3_reset(st);
		/* Read again: the second step ended the first row's text. */
		if (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(buf, size, "%s", sqlite3_column_text(st, 0));
			col = buf;
		}
	}
	sqlite3_finalize(st);
	return col;
}

/* A failure on PostgreSQL, as note() for SQLite's. */
static enum db_err
note_pg(struct db *db, const struct pg_fail *f, const char *what)
{
	char	 col[64];

	db->last = f->err;
	db->pg_why = f->why;
	snprintf(db->last_msg, sizeof(db->last_msg), "%s",
	    f->why == DB_V_UNIQUE ? f->column : f->msg);
	if (f->why == DB_V_OTHER && strcmp(f->state, "23505") == 0 &&
	    index_column(db, f->constraint, col, sizeof(col)) != NULL) {
		db->pg_why = DB_V_UNIQUE;
		snprintf(db->last_msg, sizeof(db->last_msg), "%s", col);
	}
	say(db, f->err, what, f->msg);
	if (f->err == DB_ERROR)
		log_err("%s: SQLSTATE %s", what, f->state);
	return fault(db, f->err);
}

int
db_step(struct db_stmt *st)
{
	struct pg_fail	 f;
	char		 what[80];
	int		 rc;

	if (st->pg != NULL) {
		if ((rc = pg_step(st->pg, &f)) >= 0) {
			st->db->last = DB_OK;
			return rc;
		}
		(void)note_pg(st->db, &f, excerpt_of(pg_sql(st->pg), what,
		    sizeof(what)));
		return -1;
	}
	switch ((rc = sqlite3_step(st->lite))) {
	case SQLITE_ROW:
		st->db->last = DB_OK;
		return DB_ROW;
	case SQLITE_DONE:
		st->db->last = DB_OK;
		return DB_DONE;
	default:
		(void)note(st->db, rc, excerpt(st->lite, what, sizeof(what)));
		return -1;
	}
}

enum db_err
db_result(struct db *db, int rc, const char *what)
{
	(void)what;	/* the failing statement was named in the log */
	return rc < 0 ? db->last : DB_OK;
}

enum db_err
db_last(struct db *db)
{
	return db->last;
}

const char *
db_message(struct db *db)
{
	return db->last == DB_OK ? "" : db->last_msg;
}

enum db_violation
db_violation(struct db *db, const char **msg)
{
	const char	*dot;

	*msg = db->last_msg;
	if (db->last != DB_CONSTRAINT)
		return DB_V_OTHER;
	if (db->pg != NULL)
		return db->pg_why;
	if (db->last_code == SQLITE_CONSTRAINT_TRIGGER)
		return DB_V_RULE;
	/* "UNIQUE constraint failed: table.column" */
	if (db->last_code == SQLITE_CONSTRAINT_UNIQUE &&
	    (dot = strrchr(db->last_msg, '.')) != NULL) {
		*msg = dot + 1;
		return DB_V_UNIQUE;
	}
	return DB_V_OTHER;
}

enum db_err
db_fault(struct db *db)
{
	return db->fault;
}

/*
 * Whether the configured path still names the file this connection
 * has open (SQLite compares the inode behind the path with its own).
 * A file deleted or replaced under a running server would otherwise
 * go on taking writes that nobody will ever read.
 */
static int
has_moved(struct db *db)
{
	int	 moved = 0;

	if (sqlite3_file_control(db->h, "main", SQLITE_FCNTL_HAS_MOVED,
	    &moved) != SQLITE_OK)
		return 0;
	return moved != 0;
}

/* Say loudly what became of the file; DB_MOVED. */
static enum db_err
moved(struct db *db, int committed)
{
	struct stat	 sb;
	const char	*how;

	how = stat(db->path, &sb) == -1 && errno == ENOENT ? "deleted" :
	    "replaced by another file";
	if (committed)
		log_err("database %s was %s during a commit: the change went"
		    " into the old file and is not in the database", db->path,
		    how);
	else if (!db->moved_said)
		log_err("database %s was %s while open: nothing more is"
		    " written into the old file", db->path, how);
	db->moved_said = 1;
	return fault(db, DB_MOVED);
}

/* Is the file at path the one sb described when we opened it? */
static int
still_there(const char *path, const struct stat *was)
{
	struct stat	 sb;

	return was->st_ino != 0 && stat(path, &sb) == 0 &&
	    sb.st_dev == was->st_dev && sb.st_ino == was->st_ino;
}

int
db_stale(struct db *db)
{
	char	 wal[PATH_MAX], shm[PATH_MAX], *slash;
	int	 left;

	db->fault = DB_OK;	/* a new request */
	if (db->pg != NULL)
		return pg_broken(db->pg);
	if (has_moved(db)) {
		(void)moved(db, 0);
		/*
		 * Our old -wal and -shm still beside the new file: a
		 * connection opened now would read the old database
		 * through them (and checkpoint it into the new file).
		 */
		left = sibling(db, "-wal", wal, sizeof(wal)) != NULL &&
		    sibling(db, "-shm", shm, sizeof(shm)) != NULL &&
		    (still_there(wal, &db->wal) || still_there(shm, &db->shm));
		return left ? -1 : 1;
	}
	note_log_files(db);
	if (!db->readonly || access(db->path, W_OK) == -1)
		return 0;
	/* Writable again, the file and the directory for its -wal. */
	if (snprintf(wal, sizeof(wal), "%s", db->path) >= (int)sizeof(wal))
		return 0;
	if ((slash = strrchr(wal, '/')) == NULL)
		strcpy(wal, ".");
	else if (slash == wal)
		slash[1] = '\0';
	else
		*slash = '\0';
	return access(wal, W_OK) == 0;
}

static enum db_err
exec(struct db *db, const char *sql)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return DB_ERROR;
	rc = db_step(st);
	db_done(st);
	return db_result(db, rc, sql);
}

enum db_err
db_exec(struct db *db, const char *sql)
{
	struct pg_fail	 f;
	char		*err = NULL;
	int		 rc;

	if (db->pg != NULL) {
		if (pg_exec(db->pg, sql, &f) == 0)
			return db->last = DB_OK;
		return note_pg(db, &f, sql);
	}
	rc = sqlite3_exec(db->h, sql, NULL, NULL, &err);
	sqlite3_free(err);
	return note(db, rc, sql);
}

/* Leave the writers' queue. */
static void
dequeue(struct db *db)
{
	if (db->queued && flock(db->queue, LOCK_UN) == 0)
		db->queued = 0;
}

/*
 * Wait for the other Kiln writers, blocked in the kernel: a waiter
 * wakes as soon as the holder commits, where polling SQLite's lock
 * would nap.  At most BUSY_TIMEOUT_US, by an interval timer; another
 * signal (SIGTERM to finish) does not end the wait.  0, or -1.
 */
static int
enqueue(struct db *db)
{
	struct itimerval	 t = { { 0, 0 },
	    { BUSY_TIMEOUT_US / 1000000, 0 } }, old;
	int			 rc, err;

	queue_timeout = 0;
	setitimer(ITIMER_REAL, &t, &old);
	while ((rc = flock(db->queue, LOCK_EX)) == -1 && errno == EINTR &&
	    !queue_timeout)
		continue;
	err = errno;
	setitimer(ITIMER_REAL, &old, NULL);
	if (rc == -1 && err != EINTR) {
		/* No flock here (ENOLCK...): SQLite's lock alone, then. */
		log_warn("writers' queue: %s; waiting on SQLite's lock alone",
		    strerror(err));
		close(db->queue);
		db->queue = -1;
		return 0;
	}
	db->queued = rc == 0;
	return rc;
}

/*
 * Kiln's writers one at a time, on every host, as BEGIN IMMEDIATE and
 * the writers' queue keep them on SQLite: a transaction-scoped advisory
 * lock, taken first, released by COMMIT or ROLLBACK (or the end of the
 * session).  What a handler reads in its write transaction is then
 * what it writes against (a credit check, a version, a status), on
 * PostgreSQL's READ COMMITTED as on SQLite.  A wait longer than
 * lock_timeout (pg.c) is "busy".
 */
#define PG_WRITERS_LOCK	"7010617582"	/* any fixed number; schema.c's too */

static enum db_err
pg_begin(struct db *db)
{
	enum db_err	 e;

	if ((e = db_exec(db, "BEGIN; SELECT pg_advisory_xact_lock("
	    PG_WRITERS_LOCK ")")) != DB_OK)
		db_rollback(db);
	return e;
}

enum db_err
db_begin(struct db *db)
{
	enum db_err	 e;

	db->fault = DB_OK;
	if (db->pg != NULL)
		return pg_begin(db);
	if (has_moved(db))
		return moved(db, 0);
	if (db->readonly) {
		log_err("database %s is read-only: the change is refused",
		    db->path);
		return fault(db, DB_READONLY);
	}
	/* Other writers (the CLI, a sqlite3 shell) meet SQLite's lock. */
	if (db->queue != -1 && !db->queued && enqueue(db) == -1) {
		log_warn("database %s: the writers' queue is still busy after"
		    " %lld s", db->path, BUSY_TIMEOUT_US / 1000000);
		return fault(db, DB_BUSY);
	}
	if ((e = exec(db, "BEGIN IMMEDIATE")) != DB_OK)
		dequeue(db);
	return e;
}

/*
 * COMMIT, unless the file was deleted or replaced meanwhile; and once
 * more after it, so no change is ever acknowledged that went into a
 * file that is no longer the database.
 */
enum db_err
db_commit(struct db *db)
{
	enum db_err	 e;

	if (db->pg != NULL) {
		if ((e = db_exec(db, "COMMIT")) != DB_OK)
			db_rollback(db);
		return e;
	}
	if (has_moved(db)) {
		e = moved(db, 0);
		db_rollback(db);
		return e;
	}
	if ((e = exec(db, "COMMIT")) != DB_OK)
		db_rollback(db);
	else if (has_moved(db))
		e = moved(db, 1);
	else
		note_log_files(db);
	dequeue(db);
	return e;
}

int
db_idle(struct db *db)
{
	if (db->pg != NULL)
		return !pg_in_tx(db->pg);
	return sqlite3_get_autocommit(db->h) && !db->queued;
}

void
db_rollback(struct db *db)
{
	if (db->pg != NULL) {
		if (pg_in_tx(db->pg))
			(void)db_exec(db, "ROLLBACK");
		return;
	}
	if (!sqlite3_get_autocommit(db->h))
		(void)exec(db, "ROLLBACK");
	dequeue(db);
}


/* Authorizer of plugins' migrations: anything but a view. */
static int
no_views(void *arg, int action, const char *a1, const char *a2,
    const char *db, const char *inner)
{
	(void)arg, (void)a1, (void)a2, (void)db, (void)inner;
	return action == SQLITE_CREATE_VIEW ||
	    action == SQLITE_CREATE_TEMP_VIEW ? SQLITE_DENY : SQLITE_OK;
}

/*
 * Run one migration's script: on SQLite under no_views (but the
 * core's): SQLite's authorizer trusts a view's body as it trusts a
 * trigger's, so a plugin's view would open other tables to every
 * plugin's SQL (confine.c).
 */
static enum db_err
script(struct db *db, sqlite3 *h, const char *owner, int version,
    const char *sql)
{
	enum db_err	 e;
	char		*err = NULL;
	int		 rc;

	if (h == NULL) {
		if ((e = db_exec(db, sql)) != DB_OK)
			log_err("migration %s/%d: %s", owner, version,
			    db->last_msg);
		return e;
	}
	if (strcmp(owner, "core") != 0)
		sqlite3_set_authorizer(h, no_views, NULL);
	rc = sqlite3_exec(h, sql, NULL, NULL, &err);
	sqlite3_set_authorizer(h, NULL, NULL);
	if (rc != SQLITE_OK) {
		log_err("migration %s/%d: %s", owner, version, err);
		sqlite3_free(err);
		return DB_ERROR;
	}
	return DB_OK;
}

enum db_err
db_shadow(struct db *db, const char *owner, const struct kiln_migration *m)
{
	enum db_err	 e;

	if (db->pg == NULL)
		return DB_OK;
	for (; m != NULL && m->sql != NULL; m++)
		if ((e = script(db, db->h, owner, m->version, m->sql)) !=
		    DB_OK)
			return e;
	return DB_OK;
}

enum db_err
db_migrate(struct db *db, const char *owner,
    const struct kiln_migration *m, const struct kiln_migration *pgm)
{
	struct db_stmt	*st;
	enum db_err	 e;
	char		 now[24];
	int		 have, rc;

	if (db->pg != NULL) {
		if (pgm == NULL && m != NULL && m->sql != NULL) {
			log_err("%s has no PostgreSQL migrations: it runs on"
			    " SQLite only", owner);
			return DB_ERROR;
		}
		m = pgm;
	}
	for (; m != NULL && m->sql != NULL; m++) {
		if ((e = db_begin(db)) != DB_OK)
			return e;
		/* In the writers' lock: two hosts starting never race. */
		if ((e = db_exec(db, "CREATE TABLE IF NOT EXISTS"
		    " schema_migrations (owner TEXT NOT NULL,"
		    " version INTEGER NOT NULL, applied_at TEXT NOT NULL,"
		    " PRIMARY KEY (owner, version))")) != DB_OK)
			goto fail;
		st = db_stmt(db, "SELECT 1 FROM schema_migrations"
		    " WHERE owner = ?1 AND version = ?2");
		if (st == NULL) {
			e = DB_ERROR;
			goto fail;
		}
		db_bind_text(st, 1, owner);
		db_bind_int(st, 2, m->version);
		have = db_step(st) == DB_ROW;
		db_done(st);
		if (have) {
			if ((e = db_commit(db)) != DB_OK)
				return e;
			continue;
		}
		if ((e = script(db, db->pg ? NULL : db->h, owner, m->version,
		    m->sql)) != DB_OK)
			goto fail;
		st = db_stmt(db, "INSERT INTO schema_migrations"
		    " (owner, version, applied_at) VALUES (?1, ?2, ?3)");
		if (st == NULL) {
			e = DB_ERROR;
			goto fail;
		}
		db_bind_text(st, 1, owner);
		db_bind_int(st, 2, m->version);
		db_bind_text(st, 3, value_now(now));
		rc = db_step(st);
		db_done(st);
		if ((e = db_result(db, rc, "migration record")) != DB_OK)
			goto fail;
		if ((e = db_commit(db)) != DB_OK)
			return e;
		log_info("applied migration %s/%d", owner, m->version);
	}
	return DB_OK;
fail:
	db_rollback(db);
	return e;
}

/* Print each problem to out; returns the number found. */
static int
check_query(struct db *db, const char *sql, const char *ok, FILE *out)
{
	sqlite3_stmt	*st;
	int		 bad = 0;
	const char	*txt;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(out, "%s: %s\n", sql, sqlite3_errmsg(db->h));
		return 1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		txt = (const char *)sqlite3_column_text(st, 0);
		if (ok != NULL && txt != NULL && strcmp(txt, ok) == 0)
			continue;
		fprintf(out, "%s\n", txt ? txt : "(foreign key violation)");
		bad++;
	}
	sqlite3_finalize(st);
	return bad;
}

/*
 * PostgreSQL keeps its pages itself (and checksums them when the
 * cluster was made so); what an administrator can leave broken is a
 * constraint added NOT VALID, or an index a failed CREATE INDEX
 * CONCURRENTLY left invalid: each is a row here.
 */
static int
pg_check(struct db *db, FILE *out)
{
	struct db_stmt	*st;
	int		 bad = 0, rc;

	if ((st = db_stmt(db, "SELECT 'constraint ' || conname || ' on ' ||"
	    " conrelid::regclass::text || ' is not validated'"
	    " FROM pg_constraint c JOIN pg_namespace n ON n.oid ="
	    " c.connamespace WHERE NOT convalidated"
	    " AND n.nspname = current_schema()"
	    " UNION ALL SELECT 'index ' || indexrelid::regclass::text ||"
	    " ' is not valid' FROM pg_index i JOIN pg_class r ON r.oid ="
	    " i.indexrelid JOIN pg_namespace n ON n.oid = r.relnamespace"
	    " WHERE NOT indisvalid AND n.nspname = current_schema()")) ==
	    NULL)
		return 1;
	while ((rc = db_step(st)) == DB_ROW) {
		fprintf(out, "%s\n", db_col_text(st, 0));
		bad++;
	}
	db_done(st);
	if (rc != DB_DONE) {
		fprintf(out, "database %s: %s\n", db->path, db->last_msg);
		bad++;
	}
	return bad;
}

int
db_check(struct db *db, FILE *out)
{
	int	 bad;

	if (db->pg != NULL)
		return pg_check(db, out);
	bad = check_query(db, "PRAGMA integrity_check", "ok", out);
	bad += check_query(db, "PRAGMA foreign_key_check", NULL, out);
	return bad;
}

int
db_backup(struct db *db, const char *path)
{
	sqlite3		*to;
	sqlite3_backup	*b;
	int		 rc;

	if (db->pg != NULL)
		return pg_dump_to(db->conninfo, path);
	if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_err("backup %s: %s", path, sqlite3_errmsg(to));
		sqlite3_close(to);
		return -1;
	}
	if ((b = sqlite3_backup_init(to, "main", db->h, "main")) == NULL) {
		log_err("backup %s: %s", path, sqlite3_errmsg(to));
		sqlite3_close(to);
		return -1;
	}
	/* Small steps so writers in other workers are not starved. */
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		log_err("backup %s: %s", path, sqlite3_errstr(rc));
		sqlite3_close(to);
		return -1;
	}
	rc = sqlite3_close(to);
	return rc == SQLITE_OK ? 0 : -1;
}
