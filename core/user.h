/*
 * user.h - users, their roles, passwords (Argon2id via libsodium)
 * and API bearer tokens (random, stored only as a hash).
 */
#ifndef KILN_USER_H
#define KILN_USER_H

#include <stddef.h>
#include <stdio.h>

struct db;
struct arena;
struct user;

#define USER_PASSWORD_MAX	1024
#define USER_PASSWORD_MIN	8
#define USER_TOKEN_BYTES	32

extern const char *const user_roles[];

int	 user_role_ok(const char *);
int	 user_login_ok(const char *);
/*
 * May s be a display name or a team: valid UTF-8 without control
 * characters (C0, DEL, C1, line and paragraph separators) or bidi
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069)?
 */
int	 user_text_ok(const char *);
/* 0 ok, -1 error (message printed to stderr), -2 login exists. */
int	 user_add(struct db *, const char *login, const char *role,
	    const char *name, const char *team, const char *password);
/* New token for login into out (NUL-terminated, <= 64 bytes). */
int	 user_token_new(struct db *, const char *login, const char *label,
	    char *out, size_t outsz);
/* Who a bearer token belongs to (active user, unrevoked token). */
int	 user_by_token(struct db *, struct arena *, const char *token,
	    struct user *);
int	 user_by_login(struct db *, struct arena *, const char *login,
	    struct user *);
/* Check a password; equal time whether or not the login exists. */
int	 user_verify(struct db *, struct arena *, const char *login,
	    const char *password, struct user *);
/* Changes by login; each prints why it failed on stderr.  A new
 * password, role or a disabled account ends the user's sessions. */
int	 user_set_password(struct db *, const char *login, const char *pw);
int	 user_set_role(struct db *, const char *login, const char *role);
int	 user_set_team(struct db *, const char *login, const char *team);
int	 user_set_active(struct db *, const char *login, int active);
int	 user_list(struct db *, FILE *);
/* Hash of a secret for storage and lookup. */
void	 user_secret_hash(const char *, unsigned char out[32]);
/* Random URL-safe secret of nbytes entropy into out. */
void	 user_secret_new(size_t nbytes, char *out, size_t outsz);

#endif
