/*
 * pg.h - the PostgreSQL back end of db.c, through libpq.
 *
 * db.c's callers write one SQL text for both engines, with SQLite's
 * parameters (?1, ?, :name); pg_prepare numbers them as $1, $2 ...
 * Statements are prepared on the server at their first run, when the
 * bound values are known: a value whose type PostgreSQL cannot infer
 * from its place ("?1 IS NULL") is then declared from what was bound.
 * Results come whole (PQexecPrepared); columns are read as text, an
 * SQL boolean as 1 or 0.
 *
 * Without libpq (configure --without-postgresql) pg_open says so and
 * nothing else is reached.
 */
#ifndef KILN_PG_H
#define KILN_PG_H

#include <stddef.h>

#include "db.h"

struct pg;
struct pg_stmt;

/* Why the last statement failed, for db_last, db_violation, the log. */
struct pg_fail {
	enum db_err		 err;
	enum db_violation	 why;
	char			 state[6];	/* SQLSTATE */
	char			 msg[256];
	char			 column[64];	/* DB_V_UNIQUE: its column */
	char			 constraint[64]; /* the constraint or index */
};

/* Whether a configured database names a PostgreSQL server. */
int		 pg_is_conninfo(const char *);
/* The server as the log may name it: user@host:port/dbname, no password. */
char		*pg_describe(const char *conninfo);
enum db_err	 pg_open(const char *conninfo, int quiet, struct pg **);
void		 pg_close(struct pg *);
/* The connection is about to close: its statements go with it. */
void		 pg_closing(struct pg *);
/* The connection is lost: open it again before the next request. */
int		 pg_broken(struct pg *);
/* Inside a transaction (also a failed one). */
int		 pg_in_tx(struct pg *);

struct pg_stmt	*pg_prepare(struct pg *, const char *sql);
void		 pg_stmt_free(struct pg_stmt *);
/* Its text as given (SQLite's parameters), for the log. */
const char	*pg_sql(const struct pg_stmt *);
/* ... and as PostgreSQL gets it ($1, $2 ...), and its number of values. */
const char	*pg_text(const struct pg_stmt *, int *nparams);
/* A value: text (n bytes), an integer, a blob, or NULL (v NULL). */
enum pg_kind { PG_TEXT, PG_INT, PG_BLOB };
void		 pg_bind(struct pg_stmt *, int, enum pg_kind, const void *v,
		    size_t n);
int		 pg_bind_index(struct pg_stmt *, const char *name);
/* DB_ROW, DB_DONE, or -1 with *f filled in. */
int		 pg_step(struct pg_stmt *, struct pg_fail *f);
const char	*pg_col(struct pg_stmt *, int);
int		 pg_col_count(struct pg_stmt *);
const void	*pg_col_blob(struct pg_stmt *, int, size_t *);
/* Forget the result and the values: ready for the next run. */
void		 pg_reset(struct pg_stmt *);
/* A result is being read. */
int		 pg_busy(struct pg_stmt *);
long long	 pg_changes(struct pg *);
/* Run SQL without values (one or several statements); 0 or -1. */
int		 pg_exec(struct pg *, const char *sql, struct pg_fail *f);
/*
 * pg_dump of the database into path (custom format, one snapshot);
 * the password, if any, through the environment, not the command line.
 * 0, or -1 (logged).
 */
int		 pg_dump_to(const char *conninfo, const char *path);
/* The server's words for a failure to connect or a lost connection. */
const char	*pg_message(struct pg *);

#endif
