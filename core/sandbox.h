/*
 * sandbox.h - the Lua state business rules run in (sandbox.c) and the
 * kiln.* library inside it (kilnlib.c).  Private to those two and to
 * rules.c, which loads rule files into a sandbox and runs their hooks.
 */
#ifndef KILN_SANDBOX_H
#define KILN_SANDBOX_H

#include <sys/stat.h>

#include <stddef.h>
#include <time.h>

#include <lua.h>

#include "rules.h"
#include "value.h"

#define SANDBOX_NAME_MAX	55	/* "NAME.lua" fits Lua's LUA_IDSIZE */

/*
 * The limit a call (or load) ran into.  Once set, the count hook fails
 * at every instruction and the sandbox's pcall and xpcall re-raise, so
 * a rule cannot catch its way past it.
 */
enum trip {
	TRIP_NONE = 0,
	TRIP_BUDGET,
	TRIP_TIME,
	TRIP_MEMORY
};

/* One lua_State, its accounting and limits. */
struct sandbox {
	lua_State	*L;
	const char	*dir;		/* the rules directory, for require() */
	struct rules_limits limits;
	size_t		 mem_used;
	int		 template_ref;	/* the globals every rule starts with */
	int		 modules_ref;	/* require()'s cache: name -> module */
	/* the call (or load) in progress */
	unsigned long	 used;
	int		 step;
	struct timespec	 deadline;
	enum trip	 trip;
	char		 where[80];	/* NAME.lua:LINE of a tripped limit */
	char		 today[VALUE_DATE_BUFSZ];	/* for kiln.today() */
};

/* The sandbox a state belongs to, kept in the state's extra space. */
static inline struct sandbox *
sandbox_of(lua_State *L)
{
	return *(struct sandbox **)lua_getextraspace(L);
}

/* A new state with the sandbox template built; NULL, errno ENOMEM. */
struct sandbox	*sandbox_new(const char *dir, const struct rules_limits *);
void		 sandbox_free(struct sandbox *);
/*
 * Whether S of LEN bytes is the NAME of a file NAME.lua of the rules
 * directory: [a-z0-9_]+, at most SANDBOX_NAME_MAX, so never a path.
 */
int		 sandbox_name_ok(const char *, size_t);
/*
 * Read DIR/NAME.lua whole (at most 1 MiB) into *BUFP (malloc'd).  *ST
 * is what fstat said of the file read, st_mode 0 if it was not opened.
 * -1 with the reason in ERR.
 */
int		 sandbox_read(const char *dir, const char *name,
		    struct stat *st, char **bufp, size_t *lenp, char *err,
		    size_t errsize);
/*
 * The message handler every entry into the state has at stack index 1:
 * the error as a string that says where (NAME.lua:LINE).
 */
int		 sandbox_msgh(lua_State *);
/*
 * The one way into rule code: lua_pcall of the function and NARGS
 * arguments on top, sandbox_msgh at index 1, under a fresh instruction
 * budget and deadline.  LUA_OK, else the status; a limit tripped is
 * never LUA_OK (see sandbox_describe()).
 */
int		 sandbox_call(struct sandbox *, int nargs, int nresults);
/* "rule NAME failed: ..." for a call that was not LUA_OK. */
void		 sandbox_describe(struct sandbox *, int status,
		    const char *name, int loading, char *buf, size_t size);
/* Push a read-only proxy named NAME for the table at IDX. */
void		 sandbox_push_readonly(lua_State *, int idx, const char *name);
/*
 * Compile BUF as the text chunk NAME.lua (bytecode is refused) with a
 * fresh environment of its own, which writes to the file's globals
 * until sandbox_seal() is called on it.  Pushes the environment (its
 * index into *ENV) and the function, or the error; the load status.
 */
int		 sandbox_load(lua_State *, struct sandbox *, const char *name,
		    const char *buf, size_t len, int *env);
/* Make the globals of environment ENV read-only: the file has loaded. */
void		 sandbox_seal(lua_State *, int env);

/* kilnlib.c: push the kiln table of helpers. */
int		 kilnlib_open(lua_State *, char *today);
/* The date kiln.today() gives: DATE when a valid date, else UTC today. */
void		 kilnlib_set_today(char *today, const char *date);

#endif
