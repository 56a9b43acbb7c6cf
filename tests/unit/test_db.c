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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "db.h"
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
	sqlite3_stmt	*st;

	assert_non_null(st = db_stmt(db, "INSERT INTO t (v) VALUES (?1)"));
	sqlite3_bind_int(st, 1, v);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writers_wait_in_turn),
		cmocka_unit_test(writes_without_a_queue),
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
