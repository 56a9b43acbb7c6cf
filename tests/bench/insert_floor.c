/*
 * insert_floor.c - the floor for order submission: N bare INSERT
 * transactions (BEGIN IMMEDIATE; INSERT; COMMIT) in C on the same
 * database, WAL and synchronous=FULL, as Kiln writes.  Prints
 * transactions per second.
 *
 * usage: insert_floor DB N
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

int
main(int argc, char *argv[])
{
	sqlite3		*db;
	sqlite3_stmt	*ins;
	struct timespec	 a, b;
	long		 n, i;
	double		 s;

	if (argc != 3 || sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 2;
	n = atol(argv[2]);
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    " PRAGMA busy_timeout=5000; CREATE TABLE IF NOT EXISTS bench_floor"
	    " (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO bench_floor (v) VALUES (?1)",
	    -1, &ins, NULL) != SQLITE_OK)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_bind_int64(ins, 1, i);
		sqlite3_step(ins);
		sqlite3_reset(ins);
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) /
	    1e9;
	printf("%.0f\n", (double)n / s);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}
