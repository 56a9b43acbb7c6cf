/*
 * test_db.c - the connection's write path: Kiln's writers wait for one
 * another in the queue (another process's transaction holds the next
 * one back until it commits, then lets it through at once), and a
 * database whose queue file cannot be made still takes writes.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "db.h"
#include "pg.h"
#include "log.h"

static char	 dir[] = "/tmp/kiln-test-db-XXXXXX";

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
write_one(struct db *db, int v)
{
	struct db_stmt	*st;

	assert_non_null(st = db_stmt(db, "INSERT INTO t (v) VALUES (?1)"));
	db_bind_int(st, 1, v);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
}

/* A child's transaction of 300 ms holds the parent's back, no longer. */
static void
writers_wait_in_turn(void **state)
{
	struct db	*db;
	char		 path[128];
	int		 go[2], st;
	double		 t0, waited;
	pid_t		 pid;

	(void)state;
	snprintf(path, sizeof(path), "%s/queue.db", dir);
	assert_int_equal(db_open(path, 1, &db), DB_OK);
	assert_int_equal(sqlite3_exec(db_handle(db), "CREATE TABLE t"
	    " (v INTEGER)", NULL, NULL, NULL), SQLITE_OK);
	db_close(db);
	assert_int_equal(pipe(go), 0);
	if ((pid = fork()) == 0) {
		/* Opened after fork, as a worker does. */
		if (db_open(path, 0, &db) != DB_OK || db_begin(db) != DB_OK)
			_exit(1);
		write_one(db, 1);
		if (write(go[1], "x", 1) != 1)
			_exit(1);
		usleep(300000);
		_exit(db_commit(db) == DB_OK ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(read(go[0], &st, 1), 1);
	assert_int_equal(db_open(path, 0, &db), DB_OK);
	t0 = now();
	assert_int_equal(db_begin(db), DB_OK);
	waited = now() - t0;
	/* It waited for the commit, and saw it. */
	assert_true(waited > 0.2 && waited < 4.0);
	write_one(db, 2);
	assert_int_equal(db_commit(db), DB_OK);
	assert_true(db_idle(db));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	{
		sqlite3_stmt	*s;

		assert_int_equal(sqlite3_prepare_v2(db_handle(db), "SELECT"
		    " group_concat(v) FROM t", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0),
		    "1,2");
		sqlite3_finalize(s);
	}
	db_close(db);
	close(go[0]);
	close(go[1]);
	/* The queue is a file of its own beside the database. */
	{
		struct stat	 sb;
		char		 queue[160];

		snprintf(queue, sizeof(queue), "%s-queue", path);
		assert_int_equal(stat(queue, &sb), 0);
		assert_true(S_ISREG(sb.st_mode) && sb.st_size == 0);
	}
}

/* No queue file (a directory is in its way): SQLite's lock alone. */
static void
writes_without_a_queue(void **state)
{
	struct db	*db;
	char		 path[128], queue[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/noqueue.db", dir);
	snprintf(queue, sizeof(queue), "%s-queue", path);
	assert_int_equal(mkdir(queue, 0700), 0);
	assert_int_equal(db_open(path, 1, &db), DB_OK);
	assert_int_equal(sqlite3_exec(db_handle(db), "CREATE TABLE t"
	    " (v INTEGER)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_begin(db), DB_OK);
	write_one(db, 7);
	assert_false(db_idle(db));
	assert_int_equal(db_commit(db), DB_OK);
	assert_true(db_idle(db));
	/* A rollback leaves it idle too. */
	assert_int_equal(db_begin(db), DB_OK);
	db_rollback(db);
	assert_true(db_idle(db));
	db_close(db);
}

/* A new database NAME in dir with table t; its path in path. */
static struct db *
make_db(const char *name, char *path, size_t size)
{
	struct db	*db;

	snprintf(path, size, "%s/%s", dir, name);
	assert_int_equal(db_open(path, DB_CREATE, &db), DB_OK);
	assert_int_equal(sqlite3_exec(db_handle(db), "CREATE TABLE t"
	    " (v INTEGER)", NULL, NULL, NULL), SQLITE_OK);
	return db;
}

/* One row in a transaction of its own. */
static void
commit_one(struct db *db, int v)
{
	assert_int_equal(db_begin(db), DB_OK);
	write_one(db, v);
	assert_int_equal(db_commit(db), DB_OK);
}

/* Rows of t in the file now at path, through a connection of its own. */
static int
rows_at(const char *path)
{
	sqlite3		*h;
	sqlite3_stmt	*st;
	int		 n = -1;

	assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM t", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

/* Another database with an empty t, moved over path (as a restore would). */
static void
replace_with_empty(const char *path)
{
	char	 other[160];
	sqlite3	*h;

	snprintf(other, sizeof(other), "%s.new", path);
	assert_int_equal(sqlite3_open_v2(other, &h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE t (v INTEGER)", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(rename(other, path), 0);
}

/* Remove path's -wal and -shm, as one removes a database with its log. */
static void
remove_log(const char *path)
{
	char	 name[160];

	snprintf(name, sizeof(name), "%s-wal", path);
	assert_true(unlink(name) == 0 || errno == ENOENT);
	snprintf(name, sizeof(name), "%s-shm", path);
	assert_true(unlink(name) == 0 || errno == ENOENT);
}

/* Deleted under an open connection: no BEGIN, nothing written. */
static void
deleted_file_takes_no_write(void **state)
{
	struct db	*db;
	char		 path[128];

	(void)state;
	db = make_db("deleted.db", path, sizeof(path));
	assert_int_equal(db_stale(db), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(db_begin(db), DB_MOVED);
	assert_int_equal(db_fault(db), DB_MOVED);
	assert_true(db_idle(db));
	/* Its log is still at the path: a new file there would read it. */
	assert_int_equal(db_stale(db), -1);
	remove_log(path);
	assert_int_equal(db_stale(db), 1);
	db_close(db);
}

/* Replaced in the middle of a transaction: COMMIT is refused. */
static void
replaced_file_refuses_commit(void **state)
{
	struct db	*db;
	char		 path[128];

	(void)state;
	db = make_db("replaced.db", path, sizeof(path));
	commit_one(db, 1);
	assert_int_equal(db_begin(db), DB_OK);
	write_one(db, 2);
	remove_log(path);
	replace_with_empty(path);
	assert_int_equal(db_commit(db), DB_MOVED);
	assert_true(db_idle(db));
	assert_int_equal(rows_at(path), 0);
	/* Opened again, the connection writes into the new file. */
	assert_int_equal(db_stale(db), 1);
	db_close(db);
	assert_int_equal(db_open(path, 0, &db), DB_OK);
	commit_one(db, 3);
	assert_int_equal(db_stale(db), 0);
	db_close(db);
	assert_int_equal(rows_at(path), 1);
}

/* Inside COMMIT, after the check before it: the file is replaced. */
static int
replace_during_commit(void *path)
{
	remove_log(path);
	replace_with_empty(path);
	return 0;	/* let the commit go on, into the old file */
}

/* A change that went into the old file anyway is not acknowledged. */
static void
replaced_during_commit_is_not_acknowledged(void **state)
{
	struct db	*db;
	char		 path[128];

	(void)state;
	db = make_db("racing.db", path, sizeof(path));
	assert_int_equal(db_begin(db), DB_OK);
	write_one(db, 1);
	sqlite3_commit_hook(db_handle(db), replace_during_commit, path);
	assert_int_equal(db_commit(db), DB_MOVED);
	sqlite3_commit_hook(db_handle(db), NULL, NULL);
	assert_int_equal(db_fault(db), DB_MOVED);
	assert_true(db_idle(db));
	assert_int_equal(rows_at(path), 0);
	db_close(db);
}

/* Replaced while its -wal and -shm stay: not opened again yet. */
static void
replaced_with_old_log_left(void **state)
{
	struct db	*db;
	char		 path[128];

	(void)state;
	db = make_db("oldlog.db", path, sizeof(path));
	commit_one(db, 1);
	replace_with_empty(path);
	assert_int_equal(db_stale(db), -1);
	assert_int_equal(db_begin(db), DB_MOVED);
	remove_log(path);
	assert_int_equal(db_stale(db), 1);
	db_close(db);
	assert_int_equal(rows_at(path), 0);
}

/* SQLITE_FULL is a full disk, and the transaction leaves nothing. */
static void
full_disk_is_named(void **state)
{
	struct db	*db;
	struct db_stmt	*st;
	char		 path[128];
	int		 rc, i;

	(void)state;
	db = make_db("full.db", path, sizeof(path));
	commit_one(db, 1);
	/* No more pages than it has: the next big row does not fit. */
	assert_int_equal(sqlite3_exec(db_handle(db), "PRAGMA max_page_count"
	    " = 3", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_begin(db), DB_OK);
	write_one(db, 2);
	assert_non_null(st = db_stmt(db, "INSERT INTO t (v) VALUES"
	    " (zeroblob(100000))"));
	for (i = 0, rc = DB_DONE; i < 10 && rc == DB_DONE; i++) {
		rc = db_step(st);
		db_done(st);
	}
	assert_int_equal(rc, -1);
	assert_int_equal(db_last(db), DB_FULL);
	assert_int_equal(db_result(db, rc, "insert"), DB_FULL);
	assert_int_equal(db_fault(db), DB_FULL);
	db_rollback(db);
	assert_true(db_idle(db));
	db_close(db);
	assert_int_equal(rows_at(path), 1);
}

/* A write refused as read-only is named so. */
static void
read_only_is_named(void **state)
{
	struct db	*db;
	struct db_stmt	*st;
	char		 path[128];
	int		 rc;

	(void)state;
	db = make_db("ro.db", path, sizeof(path));
	assert_int_equal(sqlite3_exec(db_handle(db), "PRAGMA query_only = 1",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_begin(db), DB_READONLY);
	assert_int_equal(db_fault(db), DB_READONLY);
	assert_true(db_idle(db));
	assert_non_null(st = db_stmt(db, "INSERT INTO t (v) VALUES (1)"));
	rc = db_step(st);
	db_done(st);
	assert_int_equal(rc, -1);
	assert_int_equal(db_result(db, rc, "insert"), DB_READONLY);
	db_close(db);
}

/*
 * A file its user may not write is opened for reading: reads work,
 * BEGIN is refused as read-only, and once it is writable again the
 * connection asks to be opened again.  Root writes anything: skipped.
 */
static void
read_only_file_reads(void **state)
{
	struct db	*db;
	char		 path[128];

	(void)state;
	if (geteuid() == 0)
		skip();
	db = make_db("rofile.db", path, sizeof(path));
	db_close(db);
	remove_log(path);
	assert_int_equal(chmod(path, 0444), 0);
	assert_int_equal(db_open(path, 0, &db), DB_OK);
	assert_int_equal(sqlite3_exec(db_handle(db), "SELECT count(*) FROM t",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_begin(db), DB_READONLY);
	assert_int_equal(db_stale(db), 0);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(db_stale(db), 1);
	db_close(db);
}

#ifdef HAVE_POSTGRESQL
/* SQLite's parameters as PostgreSQL's: numbers, names, and what is not one. */
static void
pg_parameters(void **state)
{
	static const struct {
		const char	*sql, *want;
		int		 n;
	} t[] = {
		{ "SELECT ?1, ?2", "SELECT $1, $2", 2 },
		{ "SELECT ?, ?", "SELECT $1, $2", 2 },
		{ "WHERE a = ?3 OR b = ?1", "WHERE a = $3 OR b = $1", 3 },
		/* A name takes the next number after every ?N, used twice. */
		{ "WHERE o = :uid AND x = ?2 OR p = :uid",
		    "WHERE o = $3 AND x = $2 OR p = $3", 3 },
		{ "WHERE t = :team AND o = :uid", "WHERE t = $1 AND o = $2", 2 },
		/* Not parameters: quoted, commented, a cast. */
		{ "SELECT '?1 :x', \"a?b\" FROM t WHERE c = ?1",
		    "SELECT '?1 :x', \"a?b\" FROM t WHERE c = $1", 1 },
		{ "SELECT 1 -- ?1 :x\n, ?1", "SELECT 1 -- ?1 :x\n, $1", 1 },
		{ "SELECT /* ? */ ?1::bigint", "SELECT /* ? */ $1::bigint", 1 },
		{ "SELECT 'it''s ?'", "SELECT 'it''s ?'", 0 },
	};
	struct pg_stmt	*st;
	size_t		 i;
	int		 n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_non_null(st = pg_prepare(NULL, t[i].sql));
		assert_string_equal(pg_text(st, &n), t[i].want);
		assert_int_equal(n, t[i].n);
		pg_stmt_free(st);
	}
	/* Each "?" grows to "$NN": 99 of them, side by side. */
	{
		char	 q[100], want[400], *w = want;

		memset(q, '?', 99);
		q[99] = '\0';
		for (n = 1; n <= 99; n++)
			w += sprintf(w, "$%d", n);
		assert_non_null(st = pg_prepare(NULL, q));
		assert_string_equal(pg_text(st, &n), want);
		pg_stmt_free(st);
	}
	/* More values than PostgreSQL is given: refused, not cut short. */
	assert_null(pg_prepare(NULL, "SELECT ?101"));
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
#ifdef HAVE_POSTGRESQL
		cmocka_unit_test(pg_parameters),
#endif
		cmocka_unit_test(writers_wait_in_turn),
		cmocka_unit_test(writes_without_a_queue),
		cmocka_unit_test(deleted_file_takes_no_write),
		cmocka_unit_test(replaced_file_refuses_commit),
		cmocka_unit_test(replaced_during_commit_is_not_acknowledged),
		cmocka_unit_test(replaced_with_old_log_left),
		cmocka_unit_test(full_disk_is_named),
		cmocka_unit_test(read_only_is_named),
		cmocka_unit_test(read_only_file_reads),
	};
	char	 cmd[128];
	int	 rc;

	log_set_quiet(1);
	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
