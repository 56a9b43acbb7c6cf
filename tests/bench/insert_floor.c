/*
 * insert_floor.c - the floor for order submission: N bare INSERT
 * transactions (BEGIN IMMEDIATE; INSERT; COMMIT) in C on the same
 * database, WAL and synchronous=FULL, as Kiln writes.  Prints
 * transactions per second.
 *
 * With PAGES > 1 each transaction inserts PAGES rows of a 3900-byte
 * blob, one page each: what a transaction that durably writes that
 * many pages can do at best, with no other work (the ceiling).
 *
 * usage: insert_floor DB N [PAGES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

int
main(int argc, char *argv[])
{
	static char	 blob[3900];
	sqlite3		*db;
	sqlite3_stmt	*ins;
	struct timespec	 a, b;
	long		 n, i, k, pages;
	double		 s;

	if ((argc != 3 && argc != 4) ||
	    sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 2;
	n = atol(argv[2]);
	pages = argc == 4 ? atol(argv[3]) : 1;
	if (n < 1 || pages < 1)
		return 2;
	for (k = 0; k < (long)sizeof(blob); k++)
		blob[k] = (char)(k * 7919 % 251);	/* incompressible enough */
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    " PRAGMA busy_timeout=5000; CREATE TABLE IF NOT EXISTS bench_floor"
	    " (id INTEGER PRIMARY KEY, v INTEGER NOT NULL, b BLOB)", NULL,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO bench_floor (v, b) VALUES"
	    " (?1, ?2)", -1, &ins, NULL) != SQLITE_OK)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		for (k = 0; k < pages; k++) {
			sqlite3_bind_int64(ins, 1, i);
			if (pages > 1)
				sqlite3_bind_blob(ins, 2, blob, sizeof(blob),
				    SQLITE_STATIC);
			else
				sqlite3_bind_null(ins, 2);
			sqlite3_step(ins);
			sqlite3_reset(ins);
		}
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
