/*
 * audit.c - writing the audit trail; see audit.h.  history.c reads it
 * back for pages and the changes feed.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "record.h"
#include "db.h"
#include "entity.h"
#include "log.h"
#include "proxy.h"
#include "req.h"
#include "value.h"

/* One row of audit; returns its id, or -1. */
static long long
insert(struct db *db, long long uid, const char *login, const char *ip,
    const char *action, const char *entity, long long record,
    const char *detail)
{
	struct db_stmt	*st;
	char		 now[24];
	long long	 id = -1;
	int		 rc;

	if ((st = db_stmt(db, "INSERT INTO audit (at, user_id, login, ip,"
	    " action, entity, record_id, detail) VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id")) == NULL)
		return -1;
	db_bind_text(st, 1, value_now(now));
	if (uid > 0)
		db_bind_int(st, 2, uid);
	db_bind_text(st, 3, login);
	db_bind_text(st, 4, ip);
	db_bind_text(st, 5, action);
	db_bind_text(st, 6, entity);
	if (record > 0)
		db_bind_int(st, 7, record);
	db_bind_text(st, 8, detail);
	if ((rc = db_step(st)) == DB_ROW)
		id = db_col_int(st, 0);
	db_done(st);
	if (db_result(db, rc, "audit") != DB_OK)
		return -1;
	return id;
}

static long long
insert_req(struct kiln_req *r, const char *action, const char *entity,
    long long record, const char *detail)
{
	/*
	 * A request without a transport is a command's (demo-data), or a
	 * plugin job's, which acts under its own name.
	 */
	return insert(r->app->db, r->user ? r->user->id : 0,
	    r->user ? r->user->login : r->job != NULL ? r->job :
	    r->io == NULL ? "cli" : "",
	    r->io ? proxy_client(r) : "", action, entity, record,
	    detail);
}

static int
change(struct db *db, long long aid, const char *field, const char *old,
    const char *new)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, "INSERT INTO audit_changes (audit_id, field,"
	    " old, new) VALUES (?1, ?2, ?3, ?4)")) == NULL)
		return -1;
	db_bind_int(st, 1, aid);
	db_bind_text(st, 2, field);
	if (old != NULL)
		db_bind_text(st, 3, old);
	if (new != NULL)
		db_bind_text(st, 4, new);
	rc = db_step(st);
	db_done(st);
	return db_result(db, rc, "audit change") == DB_OK ? 0 : -1;
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL || *a == '\0') && (b == NULL || *b == '\0');
	return strcmp(a, b) == 0;
}

int
audit_record(struct kiln_req *r, const char *action, const struct entity *e,
    const struct record *old, const struct record *new)
{
	const char	*ov, *nv;
	long long	 aid;
	size_t		 i;

	aid = insert_req(r, action, e->d->name, new ? new->id : old->id, "");
	if (aid < 0)
		return -1;
	for (i = 0; i < e->d->nfields; i++) {
		ov = old ? old->val[i] : NULL;
		nv = new ? new->val[i] : NULL;
		if (same(ov, nv))
			continue;
		if (change(r->app->db, aid, e->d->fields[i].name, ov, nv) == -1)
			return -1;
	}
	return 0;
}

int
audit_event(struct kiln_req *r, const char *action, const char *entity,
    long long id, const char *detail)
{
	return insert_req(r, action, entity, id, detail) < 0 ? -1 : 0;
}

int
audit_cli(struct db *db, const char *action, const char *entity,
    long long id, const char *detail)
{
	return insert(db, 0, "cli", "", action, entity, id, detail) < 0 ?
	    -1 : 0;
}

/* BLAKE2b of a file as 32 hex digits into hex[33]; -1 if unreadable. */
static int
file_hash(const char *path, char hex[33])
{
	crypto_generichash_state	 h;
	unsigned char			 buf[8192], out[16];
	FILE				*f;
	size_t				 n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	crypto_generichash_init(&h, NULL, 0, sizeof(out));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_generichash_update(&h, buf, n);
	fclose(f);
	crypto_generichash_final(&h, out, sizeof(out));
	sodium_bin2hex(hex, 33, out, sizeof(out));
	return 0;
}

static int
rule_name_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (n < 5 || strcmp(s + n - 4, ".lua") != 0)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n - 4;
}

/* Record one file's hash; audit when it differs from the last one seen. */
static int
rule_seen(struct db *db, struct arena *a, const char *name, const char *hash)
{
	struct db_stmt	*st;
	const char	*old = NULL;
	char		 now[24];
	int		 rc;

	if ((st = db_stmt(db, "SELECT hash FROM rule_files WHERE name = ?1"))
	    == NULL)
		return -1;
	db_bind_text(st, 1, name);
	if (db_step(st) == DB_ROW)
		old = arena_strdup(a, db_col_text(st, 0));
	db_done(st);
	if (old != NULL && strcmp(old, hash) == 0)
		return 0;
	if ((st = db_stmt(db, "INSERT INTO rule_files (name, hash, seen_at)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE"
	    " SET hash = excluded.hash, seen_at = excluded.seen_at")) == NULL)
		return -1;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, value_now(now));
	rc = db_step(st);
	db_done(st);
	if (db_result(db, rc, "rule_files") != DB_OK)
		return -1;
	return insert(db, 0, "system", "", "rules", "rule", 0,
	    arena_printf(a, "%s %s (blake2b %.12s)", name, old ? "changed" :
	    "added", hash)) < 0 ? -1 : 0;
}

/* Forget, and audit, files that were seen before and are gone now. */
static int
rules_gone(struct app *app, struct arena *a)
{
	struct db_stmt	*st;
	const char	*names[256];
	char		 path[4096];
	int		 n = 0, i, rc = 0;

	if ((st = db_stmt(app->db, "SELECT name FROM rule_files LIMIT 256"))
	    == NULL)
		return -1;
	while (db_step(st) == DB_ROW) {
		snprintf(path, sizeof(path), "%s/%s", app->conf.rules,
		    db_col_text(st, 0));
		if (access(path, R_OK) != 0)
			names[n++] = arena_strdup(a,
			    db_col_text(st, 0));
	}
	db_done(st);
	for (i = 0; i < n && rc == 0; i++) {
		if ((st = db_stmt(app->db, "DELETE FROM rule_files"
		    " WHERE name = ?1")) == NULL)
			return -1;
		db_bind_text(st, 1, names[i]);
		rc = db_result(app->db, db_step(st), "rule_files") ==
		    DB_OK ? 0 : -1;
		db_done(st);
		if (rc == 0 && insert(app->db, 0, "system", "", "rules", "rule",
		    0, arena_printf(a, "%s removed", names[i])) < 0)
			rc = -1;
	}
	return rc;
}

int
audit_rules(struct app *app)
{
	struct dirent	**ents = NULL;
	struct arena	*a;
	char		 path[4096], hex[33];
	int		 n, i, rc = 0;

	if ((n = scandir(app->conf.rules, &ents, NULL, alphasort)) < 0)
		return -1;
	if ((a = arena_new(4096)) == NULL || db_begin(app->db) != DB_OK) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (!rule_name_ok(ents[i]->d_name) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s",
		    app->conf.rules, ents[i]->d_name) >= sizeof(path) ||
		    file_hash(path, hex) == -1)
			continue;
		rc = rule_seen(app->db, a, ents[i]->d_name, hex);
	}
	if (rc == 0)
		rc = rules_gone(app, a);
	if (rc == 0 && db_commit(app->db) != DB_OK)
		rc = -1;
	if (rc != 0)
		db_rollback(app->db);
out:
	arena_free(a);
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return rc;
}


int
audit_created(struct kiln_req *r, const struct entity *e,
    const struct record *sent)
{
	struct record	 stored;

	if (record_load(r, e, sent->id, &stored) != REC_OK)
		return audit_record(r, "create", e, NULL, sent);
	return audit_record(r, "create", e, NULL, &stored);
}
