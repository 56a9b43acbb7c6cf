/*
 * user.c - users, passwords and API tokens; see user.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "arena.h"
#include "db.h"
#include "log.h"
#include "req.h"
#include "user.h"
#include "value.h"

const char *const user_roles[] = {
	"admin", "manager", "sales", "service", "finance", "office", NULL
};

int
user_role_ok(const char *role)
{
	const char *const	*r;

	for (r = user_roles; *r; r++)
		if (strcmp(*r, role) == 0)
			return 1;
	return 0;
}

/* Logins: what a person types and a URL or log line can carry. */
int
user_login_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (n < 2 || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '.' || *s == '_' || *s == '-' || *s == '@'))
			return 0;
	return 1;
}

void
user_secret_hash(const char *s, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)s, strlen(s),
	    NULL, 0);
}

void
user_secret_new(size_t nbytes, char *out, size_t outsz)
{
	unsigned char	 raw[64];

	if (nbytes > sizeof(raw))
		nbytes = sizeof(raw);
	randombytes_buf(raw, nbytes);
	sodium_bin2base64(out, outsz, raw, nbytes,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

int
user_add(struct db *db, const char *login, const char *role,
    const char *name, const char *team, const char *password)
{
	char		 hash[crypto_pwhash_STRBYTES], now[24];
	sqlite3_stmt	*st;
	int		 rc;

	if (!user_login_ok(login)) {
		fprintf(stderr, "kiln: login must be 2-64 of a-z 0-9 . _ - @\n");
		return -1;
	}
	if (!user_role_ok(role)) {
		fprintf(stderr, "kiln: unknown role %s (admin, manager, sales,"
		    " service, finance, office)\n", role);
		return -1;
	}
	if (strlen(password) < USER_PASSWORD_MIN ||
	    strlen(password) > USER_PASSWORD_MAX) {
		fprintf(stderr, "kiln: password must be %d to %d bytes\n",
		    USER_PASSWORD_MIN, USER_PASSWORD_MAX);
		return -1;
	}
	if (crypto_pwhash_str(hash, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		fprintf(stderr, "kiln: out of memory hashing the password\n");
		return -1;
	}
	if ((st = db_stmt(db, "INSERT INTO users (login, name, role, team,"
	    " password, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 1,"
	    " ?6)")) == NULL)
		return -1;
	db_bind_text(st, 1, login);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, role);
	db_bind_text(st, 4, team);
	db_bind_text(st, 5, hash);
	db_bind_text(st, 6, value_now(now));
	rc = sqlite3_step(st);
	db_done(st);
	switch (db_result(db, rc, "add user")) {
	case DB_OK:
		return 0;
	case DB_CONSTRAINT:
		fprintf(stderr, "kiln: user %s exists already\n", login);
		return -2;
	default:
		fprintf(stderr, "kiln: could not add user %s\n", login);
		return -1;
	}
}

static long long
user_id(struct db *db, const char *login)
{
	sqlite3_stmt	*st;
	long long	 id = 0;

	if ((st = db_stmt(db, "SELECT id FROM users WHERE login = ?1"
	    " AND active = 1")) == NULL)
		return 0;
	db_bind_text(st, 1, login);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	db_done(st);
	return id;
}

int
user_token_new(struct db *db, const char *login, const char *label,
    char *out, size_t outsz)
{
	unsigned char	 h[32];
	char		 secret[64], now[24];
	sqlite3_stmt	*st;
	long long	 id;
	int		 rc;

	if ((id = user_id(db, login)) == 0) {
		fprintf(stderr, "kiln: no active user %s\n", login);
		return -1;
	}
	user_secret_new(USER_TOKEN_BYTES, secret, sizeof(secret));
	if ((size_t)snprintf(out, outsz, "kiln_%s", secret) >= outsz)
		return -1;
	user_secret_hash(out, h);
	if ((st = db_stmt(db, "INSERT INTO tokens (user_id, hash, label,"
	    " created_at) VALUES (?1, ?2, ?3, ?4)")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, h, sizeof(h), SQLITE_TRANSIENT);
	db_bind_text(st, 3, label);
	db_bind_text(st, 4, value_now(now));
	rc = sqlite3_step(st);
	db_done(st);
	sodium_memzero(secret, sizeof(secret));
	return db_result(db, rc, "token") == DB_OK ? 0 : -1;
}

#define USER_COLS	"u.id, u.login, u.name, u.role, u.team"

static void
user_row(struct arena *a, sqlite3_stmt *st, struct user *u)
{
	u->id = sqlite3_column_int64(st, 0);
	u->login = arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
	u->name = arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
	u->role = arena_strdup(a, (const char *)sqlite3_column_text(st, 3));
	u->team = arena_strdup(a, (const char *)sqlite3_column_text(st, 4));
}

int
user_by_token(struct db *db, struct arena *a, const char *token,
    struct user *u)
{
	unsigned char	 h[32];
	sqlite3_stmt	*st;
	int		 rc;

	if (strlen(token) > 128)
		return -1;
	user_secret_hash(token, h);
	if ((st = db_stmt(db, "SELECT " USER_COLS " FROM tokens t"
	    " JOIN users u ON u.id = t.user_id WHERE t.hash = ?1"
	    " AND t.revoked_at IS NULL AND u.active = 1")) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		user_row(a, st, u);
	db_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
user_by_login(struct db *db, struct arena *a, const char *login,
    struct user *u)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, "SELECT " USER_COLS " FROM users u"
	    " WHERE u.login = ?1 AND u.active = 1")) == NULL)
		return -1;
	db_bind_text(st, 1, login);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		user_row(a, st, u);
	db_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
user_verify(struct db *db, struct arena *a, const char *login,
    const char *password, struct user *u)
{
	/* A real hash of nothing useful: unknown logins cost the same. */
	static char	 dummy[crypto_pwhash_STRBYTES];
	sqlite3_stmt	*st;
	char		 hash[crypto_pwhash_STRBYTES];
	int		 found = 0, ok;

	if (dummy[0] == '\0' && crypto_pwhash_str(dummy, "x", 1,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return -1;
	if (strlen(password) > USER_PASSWORD_MAX)
		return -1;
	snprintf(hash, sizeof(hash), "%s", dummy);
	if ((st = db_stmt(db, "SELECT " USER_COLS ", u.password FROM users u"
	    " WHERE u.login = ?1 AND u.active = 1")) == NULL)
		return -1;
	db_bind_text(st, 1, login);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 5) < (int)sizeof(hash)) {
		user_row(a, st, u);
		snprintf(hash, sizeof(hash), "%s",
		    (const char *)sqlite3_column_text(st, 5));
		found = 1;
	}
	db_done(st);
	ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	return found && ok ? 0 : -1;
}
