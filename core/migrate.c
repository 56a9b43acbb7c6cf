/*
 * migrate.c - kiln migrate-db --to CONNINFO: an SQLite installation
 * copied into an empty PostgreSQL database; see migrate.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "db.h"
#include "log.h"
#include "migrate.h"
#include "pg.h"
#include "plugin.h"
#include "schema.h"

#define MIGRATE_TABLES	128	/* more than core and plugins have */

struct table {
	const char	*name;
	int		 done;
	long long	 rows;
};

/* One number from sql (one value bound as text, or none); -1 on error. */
static long long
scalar(struct db *db, const char *sql, const char *arg)
{
	struct db_stmt	*st;
	long long	 n = -1;

	if ((st = db_stmt(db, sql)) == NULL)
		return -1;
	if (arg != NULL)
		db_bind_text(st, 1, arg);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

/* Whether every migration of core and plugins is applied to db. */
static int
up_to_date(struct app *app)
{
	const struct kiln_migration	*m;
	struct db_stmt			*st;
	size_t				 i;
	int				 missing = 0;

	for (i = 0; i <= app->nplugins; i++) {
		m = i == app->nplugins ? schema_core :
		    app->plugins[i].desc->migrations;
		for (; m != NULL && m->sql != NULL; m++) {
			if ((st = db_stmt(app->db, "SELECT 1 FROM"
			    " schema_migrations WHERE owner = ?1 AND"
			    " version = ?2")) == NULL)
				return 0;
			db_bind_text(st, 1, i == app->nplugins ? "core" :
			    app->plugins[i].desc->name);
			db_bind_int(st, 2, m->version);
			if (db_step(st) != DB_ROW)
				missing++;
			db_done(st);
		}
	}
	return missing == 0;
}

/*
 * The target's tables, parents before children (its foreign keys):
 * rows are copied in this order, so every reference finds its row.
 */
static int
tables_in_order(struct app *dst, struct table *t, size_t *nt)
{
	struct db_stmt	*st;
	char		*from[4 * MIGRATE_TABLES], *to[4 * MIGRATE_TABLES];
	struct table	 all[MIGRATE_TABLES];
	size_t		 n = 0, nfk = 0, i, j, k, out = 0;
	int		 rc, ready;

	if ((st = db_stmt(dst->db, "SELECT tablename FROM pg_tables"
	    " WHERE schemaname = current_schema()"
	    " AND tablename <> 'schema_migrations' ORDER BY tablename")) ==
	    NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && n < MIGRATE_TABLES)
		all[n++].name = arena_strdup(dst->perm, db_col_text(st, 0));
	db_done(st);
	if (rc == -1 || n == MIGRATE_TABLES)
		return -1;
	if ((st = db_stmt(dst->db, "SELECT conrelid::regclass::text,"
	    " confrelid::regclass::text FROM pg_constraint WHERE contype ="
	    " 'f' AND connamespace = current_schema()::regnamespace")) ==
	    NULL)
		return -1;
	while ((rc = db_step(st)) == DB_ROW && nfk < 4 * MIGRATE_TABLES) {
		from[nfk] = arena_strdup(dst->perm, db_col_text(st, 0));
		to[nfk++] = arena_strdup(dst->perm, db_col_text(st, 1));
	}
	db_done(st);
	if (rc == -1)
		return -1;
	for (i = 0; i < n; i++)
		all[i].done = 0;
	while (out < n) {
		size_t before = out;

		for (i = 0; i < n; i++) {
			if (all[i].done)
				continue;
			ready = 1;
			for (k = 0; k < nfk && ready; k++) {
				if (strcmp(from[k], all[i].name) != 0 ||
				    strcmp(to[k], all[i].name) == 0)
					continue;
				for (j = 0; j < n; j++)
					if (strcmp(all[j].name, to[k]) == 0 &&
					    !all[j].done)
						ready = 0;
			}
			if (!ready)
				continue;
			all[i].done = 1;
			t[out] = all[i];
			t[out++].rows = 0;
		}
		if (out == before)
			return -1;	/* a loop of references */
	}
	*nt = n;
	return 0;
}

/* Bind one source column to the target's value i, by what it holds. */
static void
bind_value(struct db_stmt *to, int i, struct db_stmt *from, int c)
{
	const void	*p;
	size_t		 n;

	switch (db_col_kind(from, c)) {
	case DB_K_NULL:
		db_bind_null(to, i);
		break;
	case DB_K_INT:
		db_bind_int(to, i, db_col_int(from, c));
		break;
	case DB_K_BLOB:
		p = db_col_blob(from, c, &n);
		db_bind_blob(to, i, p, n);
		break;
	default:
		db_bind_text(to, i, db_col_text(from, c));
		break;
	}
}

/* Whether the source's table has column col (SQLite's own rowid too). */
static int
source_has(struct app *src, const char *table, const char *col)
{
	struct db_stmt	*st;
	int		 yes = 0;

	if (strcmp(col, "rowid") == 0)
		return 1;
	if ((st = db_stmt(src->db, "SELECT 1 FROM pragma_table_info(?1)"
	    " WHERE name = ?2")) == NULL)
		return 0;
	db_bind_text(st, 1, table);
	db_bind_text(st, 2, col);
	yes = db_step(st) == DB_ROW;
	db_done(st);
	return yes;
}

/*
 * Copy table t: the target's columns that the source has (audit_changes'
 * rowid on PostgreSQL is SQLite's rowid, which orders a change's fields).
 */
static int
copy_table(struct app *src, struct app *dst, struct table *t)
{
	struct db_stmt	*st, *from, *to;
	struct abuf	 sel, ins;
	int		 ncol = 0, rc, i;
	const char	*col;

	abuf_init(&sel, dst->perm);
	abuf_init(&ins, dst->perm);
	abuf_add(&sel, "SELECT ");
	abuf_addf(&ins, "INSERT INTO \"%s\" (", t->name);
	if ((st = db_stmt(dst->db, "SELECT column_name FROM"
	    " information_schema.columns WHERE table_schema ="
	    " current_schema() AND table_name = ?1"
	    " ORDER BY ordinal_position")) == NULL)
		return -1;
	db_bind_text(st, 1, t->name);
	while ((rc = db_step(st)) == DB_ROW) {
		col = db_col_text(st, 0);
		if (!source_has(src, t->name, col))
			continue;	/* PostgreSQL's default, then */
		abuf_addf(&sel, "%s\"%s\"", ncol ? ", " : "", col);
		abuf_addf(&ins, "%s\"%s\"", ncol ? ", " : "", col);
		ncol++;
	}
	db_done(st);
	if (rc == -1 || ncol == 0) {
		log_err("migrate-db: table %s: no columns to copy", t->name);
		return -1;
	}
	abuf_addf(&sel, " FROM \"%s\"", t->name);
	abuf_add(&ins, ") VALUES (");
	for (i = 1; i <= ncol; i++)
		abuf_addf(&ins, "%s?%d", i > 1 ? ", " : "", i);
	abuf_add(&ins, ")");
	if ((from = db_stmt(src->db, sel.s)) == NULL ||
	    (to = db_stmt(dst->db, ins.s)) == NULL) {
		log_err("migrate-db: table %s is not in the SQLite database",
		    t->name);
		return -1;
	}
	while ((rc = db_step(from)) == DB_ROW) {
		for (i = 0; i < ncol; i++)
			bind_value(to, i + 1, from, i);
		if (db_step(to) != DB_DONE) {
			log_err("migrate-db: table %s, row %lld: %s", t->name,
			    t->rows + 1, db_message(dst->db));
			db_done(to);
			db_done(from);
			return -1;
		}
		db_done(to);
		t->rows++;
	}
	db_done(from);
	return rc == DB_DONE ? 0 : -1;
}

/*
 * Each id sequence past the ids copied, and past what SQLite's
 * AUTOINCREMENT gave out (a deleted record's id is never given again).
 */
static int
sequences(struct app *src, struct app *dst, const struct table *t)
{
	struct db_stmt	*st;
	long long	 top, given;
	int		 rc;

	if (scalar(dst->db, "SELECT count(*) FROM information_schema.columns"
	    " WHERE table_schema = current_schema() AND table_name = ?1"
	    " AND column_name = 'id'", t->name) != 1)
		return 0;
	if ((st = db_stmt(dst->db, arena_printf(dst->perm, "SELECT"
	    " coalesce(max(id), 0) FROM \"%s\"", t->name))) == NULL)
		return -1;
	top = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	if (top < 0)
		return -1;
	/* sqlite_sequence is there once a table has AUTOINCREMENT. */
	if (scalar(src->db, "SELECT count(*) FROM sqlite_master WHERE name ="
	    " 'sqlite_sequence'", NULL) == 1) {
		given = scalar(src->db, "SELECT coalesce((SELECT seq FROM"
		    " sqlite_sequence WHERE name = ?1), 0)", t->name);
		if (given > top)
			top = given;
	}
	/* Empty: the next id is 1 (setval's is_called false). */
	if ((st = db_stmt(dst->db, "SELECT setval(seq, ?2::bigint,"
	    " ?3::boolean) FROM (SELECT pg_get_serial_sequence("
	    "quote_ident(?1), 'id') AS seq) s WHERE seq IS NOT NULL")) == NULL)
		return -1;
	db_bind_text(st, 1, t->name);
	db_bind_int(st, 2, top > 0 ? top : 1);
	db_bind_text(st, 3, top > 0 ? "true" : "false");
	rc = db_step(st);
	db_done(st);
	return rc == -1 ? -1 : 0;
}

/* ALTER TABLE ... ENABLE or DISABLE TRIGGER USER on every table. */
static int
triggers(struct app *dst, const struct table *t, size_t n, const char *how)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (db_exec(dst->db, arena_printf(dst->perm, "ALTER TABLE"
		    " \"%s\" %s TRIGGER USER", t[i].name, how)) != DB_OK)
			return -1;
	return 0;
}

/* Rows of t in db now; -1 on error. */
static long long
count(struct app *app, const char *t)
{
	return scalar(app->db, arena_printf(app->perm, "SELECT count(*) FROM"
	    " \"%s\"", t), NULL);
}

int
migrate_db(struct app *src, const struct conf *conf, const char *to,
    FILE *out)
{
	struct conf	 c;
	struct app	 dst;
	struct table	 t[MIGRATE_TABLES];
	size_t		 n = 0, i;
	long long	 rows = 0, a, b;
	int		 rc = 1, bad;

	if (db_is_pg(src->db)) {
		fprintf(stderr, "kiln: migrate-db copies an SQLite database;"
		    " this one is on PostgreSQL already\n");
		return 1;
	}
	if (!pg_is_conninfo(to)) {
		fprintf(stderr, "kiln: migrate-db --to: a PostgreSQL database"
		    " (postgresql://... or host=... dbname=...)\n");
		return 1;
	}
	if (!up_to_date(src)) {
		fprintf(stderr, "kiln: %s has migrations still to apply: run"
		    " kiln init first\n", db_name(src->db));
		return 1;
	}
	c = *conf;
	c.db = to;
	if (app_open(&dst, &c, 0) == -1)
		return 1;
	if (scalar(dst.db, "SELECT count(*) FROM pg_tables WHERE schemaname"
	    " = current_schema()", NULL) != 0) {
		fprintf(stderr, "kiln: %s is not empty: migrate-db copies into"
		    " an empty database only\n", db_name(dst.db));
		goto done;
	}
	if (app_migrate(&dst) == -1 || tables_in_order(&dst, t, &n) == -1) {
		fprintf(stderr, "kiln: %s: the schema could not be made\n",
		    db_name(dst.db));
		goto done;
	}
	/* One snapshot of the source; the copy is all or nothing. */
	if (db_exec(src->db, "BEGIN") != DB_OK)
		goto done;
	if (db_begin(dst.db) != DB_OK) {
		db_rollback(src->db);
		goto done;
	}
	/* The rows as they are: derived values copied, not derived again. */
	if (triggers(&dst, t, n, "DISABLE") == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if (copy_table(src, &dst, &t[i]) == -1 ||
		    sequences(src, &dst, &t[i]) == -1)
			goto fail;
		rows += t[i].rows;
	}
	if (triggers(&dst, t, n, "ENABLE") == -1 || db_commit(dst.db) != DB_OK)
		goto fail;
	db_rollback(src->db);
	/* Verify: the same rows on both sides, and both sound. */
	bad = 0;
	for (i = 0; i < n; i++) {
		a = count(src, t[i].name);
		b = count(&dst, t[i].name);
		fprintf(out, "%-24s %10lld rows%s\n", t[i].name, b,
		    a == b ? "" : "  (the SQLite database has another count)");
		if (a != b)
			bad++;
	}
	fprintf(out, "kiln check of %s:\n", db_name(src->db));
	bad += plugin_checks(src, out);
	fprintf(out, "kiln check of %s:\n", db_name(dst.db));
	bad += db_check(dst.db, out) + plugin_checks(&dst, out);
	if (bad == 0) {
		fprintf(out, "copied %lld rows of %zu tables from %s into %s;"
		    " counts equal, checks clean on both\n", rows, n,
		    db_name(src->db), db_name(dst.db));
		rc = 0;
	} else
		fprintf(out, "kiln: %d problem%s after the copy\n", bad,
		    bad == 1 ? "" : "s");
	goto done;
fail:
	db_rollback(dst.db);
	db_rollback(src->db);
	fprintf(stderr, "kiln: migrate-db failed; nothing was copied (the"
	    " schema is there: drop the database and create it empty to"
	    " try again)\n");
done:
	app_close(&dst);
	return rc;
}
