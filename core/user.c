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

static int	 hash_password(const char *, char *);
static int	 password_ok(const char *);

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

/*
 * Names and teams go into pages, CSV, the audit trail and log lines: a
 * newline there forges a line, a bidi override turns what follows
 * around on the screen ("Li" + U+202E + "gnaW" reads "Li Wang").
 */
int
user_text_ok(const char *s)
{
	size_t		 len = strlen(s), n;
	unsigned long	 cp;

	for (; len > 0; s += n, len -= n) {
		if ((n = value_utf8_char(s, len, &cp)) == 0)
			return 0;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029 || value_bidi_control(cp))
			return 0;
	}
	return 1;
}

/* The command line's word on a name or team user_text_ok refuses. */
static int
text_refused(const char *what, const char *s)
{
	if (s == NULL || user_text_ok(s))
		return 0;
	fprintf(stderr, "kiln: the %s holds a control character (a line break,"
	    " a tab ...), a direction override or invalid UTF-8\n", what);
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
	struct db_stmt	*st;
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
	if (text_refused("name", name) || text_refused("team", team))
		return -1;
	if (!password_ok(password))
		return -1;
	if (hash_password(password, hash) != 0) {
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
	rc = db_step(st);
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
	struct db_stmt	*st;
	long long	 id = 0;

	if ((st = db_stmt(db, "SELECT id FROM users WHERE login = ?1"
	    " AND active = 1")) == NULL)
		return 0;
	db_bind_text(st, 1, login);
	if (db_step(st) == DB_ROW)
		id = db_col_int(st, 0);
	db_done(st);
	return id;
}

int
user_token_new(struct db *db, const char *login, const char *label,
    char *out, size_t outsz)
{
	unsigned char	 h[32];
	char		 secret[64], now[24];
	struct db_stmt	*st;
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
	db_bind_int(st, 1, id);
	db_bind_blob(st, 2, h, sizeof(h));
	db_bind_text(st, 3, label);
	db_bind_text(st, 4, value_now(now));
	rc = db_step(st);
	db_done(st);
	sodium_memzero(secret, sizeof(secret));
	return db_result(db, rc, "token") == DB_OK ? 0 : -1;
}

#define USER_COLS	"u.id, u.login, u.name, u.role, u.team"

static void
user_row(struct arena *a, struct db_stmt *st, struct user *u)
{
	u->id = db_col_int(st, 0);
	u->login = arena_strdup(a, db_col_text(st, 1));
	u->name = arena_strdup(a, db_col_text(st, 2));
	u->role = arena_strdup(a, db_col_text(st, 3));
	u->team = arena_strdup(a, db_col_text(st, 4));
}

int
user_by_token(struct db *db, struct arena *a, const char *token,
    struct user *u)
{
	unsigned char	 h[32];
	struct db_stmt	*st;
	int		 rc;

	if (strlen(token) > 128)
		return -1;
	user_secret_hash(token, h);
	if ((st = db_stmt(db, "SELECT " USER_COLS " FROM tokens t"
	    " JOIN users u ON u.id = t.user_id WHERE t.hash = ?1"
	    " AND t.revoked_at IS NULL AND u.active = 1")) == NULL)
		return -1;
	db_bind_blob(st, 1, h, sizeof(h));
	if ((rc = db_step(st)) == DB_ROW)
		user_row(a, st, u);
	db_done(st);
	return rc == DB_ROW ? 0 : -1;
}

int
user_by_login(struct db *db, struct arena *a, const char *login,
    struct user *u)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, "SELECT " USER_COLS " FROM users u"
	    " WHERE u.login = ?1 AND u.active = 1")) == NULL)
		return -1;
	db_bind_text(st, 1, login);
	if ((rc = db_step(st)) == DB_ROW)
		user_row(a, st, u);
	db_done(st);
	return rc == DB_ROW ? 0 : -1;
}

/*
 * The hash of a random password nobody knows, made with the same
 * parameters as real ones: an unknown login costs one verification,
 * like a known one, from the first request of a worker on.
 */
static const char dummy_hash[] =
    "$argon2id$v=19$m=65536,t=2,p=1$yDfV2w2SoFTUWGJ2YKqi+g$"
    "JJ8bAOJHDB9gThyhn0P/wYKkjBbzaYhYcZcBZNvj4S0";

/* A new Argon2id hash of password into out; 0 or -1. */
static int
hash_password(const char *password, char *out)
{
	return crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

/* Parameters changed since this hash was made: store a new one. */
static void
rehash(struct db *db, long long id, const char *password)
{
	char		 hash[crypto_pwhash_STRBYTES];
	struct db_stmt	*st;

	if (hash_password(password, hash) != 0 ||
	    (st = db_stmt(db, "UPDATE users SET password = ?2 WHERE id = ?1"))
	    == NULL)
		return;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, hash);
	(void)db_step(st);
	db_done(st);
}

int
user_verify(struct db *db, struct arena *a, const char *login,
    const char *password, struct user *u)
{
	struct db_stmt	*st;
	char		 hash[crypto_pwhash_STRBYTES];
	int		 found = 0, ok;

	if (strlen(password) > USER_PASSWORD_MAX)
		return -1;
	snprintf(hash, sizeof(hash), "%s", dummy_hash);
	if ((st = db_stmt(db, "SELECT " USER_COLS ", u.password FROM users u"
	    " WHERE u.login = ?1 AND u.active = 1")) == NULL)
		return -1;
	db_bind_text(st, 1, login);
	if (db_step(st) == DB_ROW &&
	    strlen(db_col_text(st, 5)) < sizeof(hash)) {
		user_row(a, st, u);
		snprintf(hash, sizeof(hash), "%s",
		    db_col_text(st, 5));
		found = 1;
	}
	db_done(st);
	ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	if (!found || !ok)
		return -1;
	if (crypto_pwhash_str_needs_rehash(hash,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		rehash(db, u->id, password);
	return 0;
}

static int
password_ok(const char *password)
{
	size_t	 n = strlen(password);

	if (n < USER_PASSWORD_MIN || n > USER_PASSWORD_MAX) {
		fprintf(stderr, "kiln: password must be %d to %d bytes\n",
		    USER_PASSWORD_MIN, USER_PASSWORD_MAX);
		return 0;
	}
	return 1;
}

/* Run an UPDATE of one user by login; 0, or -1 if no such user. */
static int
update_user(struct db *db, const char *sql, const char *login,
    const char *value, int ivalue)
{
	struct db_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return -1;
	db_bind_text(st, 1, login);
	if (value != NULL)
		db_bind_text(st, 2, value);
	else
		db_bind_int(st, 2, ivalue);
	rc = db_step(st);
	db_done(st);
	if (db_result(db, rc, "user") != DB_OK)
		return -1;
	if (db_changes(db) == 0) {
		fprintf(stderr, "kiln: no user %s\n", login);
		return -1;
	}
	return 0;
}

/* Sessions of a user end when their password, role or access changes. */
static void
end_sessions(struct db *db, const char *login)
{
	struct db_stmt	*st;

	if ((st = db_stmt(db, "DELETE FROM sessions WHERE user_id ="
	    " (SELECT id FROM users WHERE login = ?1)")) == NULL)
		return;
	db_bind_text(st, 1, login);
	(void)db_step(st);
	db_done(st);
}

int
user_set_password(struct db *db, const char *login, const char *password)
{
	char	 hash[crypto_pwhash_STRBYTES];

	if (!password_ok(password))
		return -1;
	if (hash_password(password, hash) != 0)
		return -1;
	if (update_user(db, "UPDATE users SET password = ?2 WHERE login = ?1",
	    login, hash, 0) == -1)
		return -1;
	end_sessions(db, login);
	return 0;
}

int
user_set_role(struct db *db, const char *login, const char *role)
{
	if (!user_role_ok(role)) {
		fprintf(stderr, "kiln: unknown role %s\n", role);
		return -1;
	}
	if (update_user(db, "UPDATE users SET role = ?2 WHERE login = ?1",
	    login, role, 0) == -1)
		return -1;
	end_sessions(db, login);
	return 0;
}

int
user_set_team(struct db *db, const char *login, const char *team)
{
	if (text_refused("team", team))
		return -1;
	return update_user(db, "UPDATE users SET team = ?2 WHERE login = ?1",
	    login, team, 0);
}

int
user_set_active(struct db *db, const char *login, int active)
{
	struct db_stmt	*st;

	if (update_user(db, "UPDATE users SET active = ?2 WHERE login = ?1",
	    login, NULL, active) == -1)
		return -1;
	if (!active) {
		end_sessions(db, login);
		/* A disabled user's tokens die with the account. */
		if ((st = db_stmt(db, "UPDATE tokens SET revoked_at ="
		    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE revoked_at"
		    " IS NULL AND user_id = (SELECT id FROM users WHERE"
		    " login = ?1)")) != NULL) {
			db_bind_text(st, 1, login);
			(void)db_step(st);
			db_done(st);
		}
	}
	return 0;
}

int
user_list(struct db *db, FILE *out)
{
	struct db_stmt	*st;

	if ((st = db_stmt(db, "SELECT login, role, team, active, name"
	    " FROM users ORDER BY login")) == NULL)
		return -1;
	fprintf(out, "%-20s %-8s %-10s %-8s %s\n", "LOGIN", "ROLE", "TEAM",
	    "STATE", "NAME");
	while (db_step(st) == DB_ROW)
		fprintf(out, "%-20s %-8s %-10s %-8s %s\n",
		    db_col_text(st, 0), db_col_text(st, 1),
		    db_col_text(st, 2),
		    db_col_int(st, 3) ? "active" : "disabled",
		    db_col_text(st, 4));
	db_done(st);
	return 0;
}
