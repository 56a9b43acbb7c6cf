/*
 * sandbox.c - the Lua state business rules run in (design.md,
 * "Business rules"): what a rule can reach and how far it can go.
 *
 * A sandbox is one lua_State.  Each file loaded in it gets its own
 * global environment: an empty proxy whose reads go to the file's own
 * table of globals (a copy of the template: the allowed base functions,
 * read-only proxies of string, table, math, utf8 and kiln) and whose
 * writes are allowed only while the file loads.  No rule can change
 * what another one sees.
 *
 * Limits per call (and per load): an instruction budget and a
 * wall-clock backstop, both checked in a count hook; a memory cap in
 * the allocator; Lua's own C-stack and Lua-stack limits for recursion.
 * Once a limit trips, the hook fires at every instruction and the
 * sandbox's pcall and xpcall re-raise, so a rule cannot catch its way
 * past a limit.  The few library functions that can spin in C on a
 * tiny input (string.rep of empty strings, table shifts over sparse or
 * __len-faked tables) are bounded here; the hook cannot interrupt C
 * code.  require() reads modules of the rules directory only.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "sandbox.h"

#define SANDBOX_HOOK_STEP	1000	/* instructions between hook calls */
#define SANDBOX_FILE_MAX	(1024 * 1024)
#define SANDBOX_MODULE_DEPTH	16	/* nested tables a module may hold */

/*
 * Whether S of LEN bytes is the NAME of a rule or module file NAME.lua:
 * [a-z0-9_]+, short enough for Lua's chunk names.  No dots or slashes,
 * so a name never reaches outside the rules directory.
 */
int
sandbox_name_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > SANDBOX_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/*
 * Lua's allocator: refuse to grow the state beyond its memory limit, so
 * a runaway rule meets "not enough memory" instead of the OOM killer.
 */
static void *
sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct sandbox	*sb = ud;
	void		*np;

	if (ptr == NULL)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		sb->mem_used -= osize;
		return NULL;
	}
	if (nsize > osize && (sb->mem_used > sb->limits.memory ||
	    nsize - osize > sb->limits.memory - sb->mem_used))
		return NULL;
	if ((np = realloc(ptr, nsize)) == NULL) {
		if (nsize > osize)
			return NULL;
		/* Lua counts on shrinking: keep the bigger block. */
		np = ptr;
	}
	sb->mem_used = sb->mem_used - osize + nsize;
	return np;
}

/* What a tripped limit is called in the error raised inside the state. */
static const char *
trip_text(enum trip t)
{
	switch (t) {
	case TRIP_BUDGET:
		return "instruction budget exceeded";
	case TRIP_TIME:
		return "time limit exceeded";
	case TRIP_MEMORY:
		return "not enough memory";
	default:
		return "limit exceeded";
	}
}

/* Whether the call in progress has run past its wall-clock deadline. */
static int
deadline_passed(const struct sandbox *sb)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > sb->deadline.tv_sec ||
	    (now.tv_sec == sb->deadline.tv_sec &&
	    now.tv_nsec >= sb->deadline.tv_nsec);
}

/*
 * The count hook: charge the instruction budget and watch the clock.
 * Once a limit trips it re-arms at every instruction and line and fails
 * each time, so a pcall in the rule cannot swallow the error.
 */
static void
budget_hook(lua_State *L, lua_Debug *ar)
{
	struct sandbox	*sb = sandbox_of(L);
	unsigned long	 left;

	if (sb->trip == TRIP_NONE) {
		if (ar->event == LUA_HOOKCOUNT)
			sb->used += (unsigned long)sb->step;
		if (sb->used >= sb->limits.instructions)
			sb->trip = TRIP_BUDGET;
		else if (deadline_passed(sb))
			sb->trip = TRIP_TIME;
		else {
			left = sb->limits.instructions - sb->used;
			if (left < (unsigned long)sb->step) {
				sb->step = (int)left;
				lua_sethook(L, budget_hook, LUA_MASKCOUNT,
				    sb->step);
			}
			return;
		}
	}
	if (sb->where[0] == '\0' && lua_getinfo(L, "Sl", ar))
		snprintf(sb->where, sizeof(sb->where), "%s:%d",
		    ar->short_src, ar->currentline);
	lua_sethook(L, budget_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
	luaL_error(L, "%s", trip_text(sb->trip));
}

/* Give the coming call or load a fresh budget and deadline. */
static void
budget_arm(struct sandbox *sb)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	sb->deadline.tv_sec = now.tv_sec + (time_t)(sb->limits.wall_ms / 1000);
	sb->deadline.tv_nsec = now.tv_nsec +
	    (long)(sb->limits.wall_ms % 1000) * 1000000L;
	if (sb->deadline.tv_nsec >= 1000000000L) {
		sb->deadline.tv_sec++;
		sb->deadline.tv_nsec -= 1000000000L;
	}
	sb->used = 0;
	sb->trip = TRIP_NONE;
	sb->where[0] = '\0';
	sb->step = sb->limits.instructions < SANDBOX_HOOK_STEP ?
	    (int)sb->limits.instructions : SANDBOX_HOOK_STEP;
	lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, sb->step);
}

/*
 * Stop charging: C code between calls runs without a hook.  The hook
 * cannot interrupt a long library call (a backtracking pattern), so the
 * clock is read once more: a call that came back late is still late.
 */
static void
budget_disarm(struct sandbox *sb)
{
	lua_sethook(sb->L, NULL, 0, 0);
	if (sb->trip == TRIP_NONE && deadline_passed(sb))
		sb->trip = TRIP_TIME;
}

/*
 * See sandbox.h: every call into rule code is charged, and a limit
 * that tripped fails the call even where the rule's code returned.
 */
int
sandbox_call(struct sandbox *sb, int nargs, int nresults)
{
	int	 status;

	budget_arm(sb);
	status = lua_pcall(sb->L, nargs, nresults, 1);
	budget_disarm(sb);
	if (status == LUA_OK && sb->trip != TRIP_NONE)
		status = LUA_ERRRUN;
	return status;
}

/* Whether MSG starts with a "NAME.lua:LINE:" position. */
static int
has_position(const char *msg)
{
	const char	*p = msg;

	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	    *p == '_')
		p++;
	if (p == msg || strncmp(p, ".lua:", 5) != 0)
		return 0;
	p += 5;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == ':';
}

/*
 * Message handler of every entry into the state: make the error object
 * a string (never calling a __tostring, which would run rule code) and
 * make sure it says where: errors raised in C ("C stack overflow", a
 * library function's own) get the line of the innermost rule code.
 */
int
sandbox_msgh(lua_State *L)
{
	lua_Debug	 ar;
	const char	*msg;
	int		 level;

	if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER)
		msg = lua_tostring(L, 1);
	else
		msg = lua_pushfstring(L, "(error object is a %s value)",
		    luaL_typename(L, 1));
	if (has_position(msg))
		return 1;
	for (level = 0; lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			lua_pushfstring(L, "%s:%d: %s", ar.short_src,
			    ar.currentline, msg);
			break;
		}
	return 1;
}

/* __newindex of read-only tables: records, ctx, libraries. */
static int
ro_newindex(lua_State *L)
{
	const char	*name = "table";

	if (lua_getmetatable(L, 1) &&
	    lua_getfield(L, -1, "__name") == LUA_TSTRING)
		name = lua_tostring(L, -1);
	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "attempt to modify read-only table '%s' "
		    "(key '%s')", name, lua_tostring(L, 2));
	return luaL_error(L, "attempt to modify read-only table '%s'", name);
}

/* __newindex of a rule's globals once loaded: rules are pure. */
static int
ro_global(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "attempt to assign to global '%s' after "
		    "load (use a local variable)", lua_tostring(L, 2));
	return luaL_error(L, "attempt to assign to a global after load "
	    "(use a local variable)");
}

/* Iterator of pairs() over a read-only proxy: walks what it fronts. */
static int
ro_next(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	if (!lua_getmetatable(L, 1) ||
	    lua_getfield(L, -1, "__index") != LUA_TTABLE)
		return 0;
	lua_pushvalue(L, 2);
	return lua_next(L, -2) ? 2 : 0;
}

/* __len of proxies: the length of what it fronts (#settings.terms). */
static int
ro_len(lua_State *L)
{
	lua_Integer	 n = 0;

	if (lua_getmetatable(L, 1) &&
	    lua_getfield(L, -1, "__index") == LUA_TTABLE)
		n = (lua_Integer)lua_rawlen(L, -1);
	lua_pushinteger(L, n);
	return 1;
}

/* __pairs of read-only proxies, so pairs(record) sees the fields. */
static int
ro_pairs(lua_State *L)
{
	lua_pushcfunction(L, ro_next);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/*
 * Push an empty proxy for the table at IDX: reads and pairs() go to it,
 * writes too when WRITABLE, else they fail naming NAME.  Its metatable
 * is protected, so the proxy cannot be unwrapped.
 */
static void
push_proxy(lua_State *L, int idx, int writable, const char *name)
{
	idx = lua_absindex(L, idx);
	lua_createtable(L, 0, 0);
	lua_createtable(L, 0, 6);
	lua_pushvalue(L, idx);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, ro_len);
	lua_setfield(L, -2, "__len");
	if (writable)
		lua_pushvalue(L, idx);
	else
		lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, ro_pairs);
	lua_setfield(L, -2, "__pairs");
	if (name != NULL) {
		lua_pushstring(L, name);
		lua_setfield(L, -2, "__name");
	}
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
}

/* Push a read-only proxy named NAME for the table at IDX. */
void
sandbox_push_readonly(lua_State *L, int idx, const char *name)
{
	push_proxy(L, idx, 0, name);
}

/*
 * End of the sandbox's pcall/xpcall: a tripped limit (or memory running
 * out) is raised again instead of being handed to the rule.
 */
static int
finish_pcall(lua_State *L, int status, int extra)
{
	struct sandbox	*sb = sandbox_of(L);

	if (status == LUA_OK)
		return lua_gettop(L) - extra;
	if (status == LUA_ERRMEM && sb->trip == TRIP_NONE)
		sb->trip = TRIP_MEMORY;
	if (sb->trip != TRIP_NONE)
		return lua_error(L);
	lua_pushboolean(L, 0);
	lua_pushvalue(L, -2);
	return 2;
}

/* pcall for rules: the base one, except that limits are not catchable. */
static int
sb_pcall(lua_State *L)
{
	int	 status;

	luaL_checkany(L, 1);
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
	return finish_pcall(L, status, 0);
}

/*
 * The message handler a rule gives xpcall, guarded: an error raised by
 * the hook runs its handler with hooks off, so a tripped call must not
 * enter rule code at all.
 */
static int
xpcall_guard(lua_State *L)
{
	lua_settop(L, 1);
	if (sandbox_of(L)->trip != TRIP_NONE)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 1, 1);
	return 1;
}

/* xpcall for rules: see sb_pcall() and xpcall_guard(). */
static int
sb_xpcall(lua_State *L)
{
	int	 status, n = lua_gettop(L);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, xpcall_guard, 1);
	lua_replace(L, 2);
	lua_pushboolean(L, 1);
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2);
	status = lua_pcall(L, n - 2, LUA_MULTRET, 2);
	return finish_pcall(L, status, 2);
}

/*
 * setmetatable for rules: no __gc, since a finalizer would run at some
 * later collection, inside another call or at close, outside any budget.
 */
static int
sb_setmetatable(lua_State *L)
{
	int	 t = lua_type(L, 2);

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2,
	    "nil or table");
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "__gc metamethods are not "
			    "allowed in rules");
		lua_pop(L, 1);
	}
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

/*
 * Most elements a table function may shift in one call.  A sparse table
 * or a __len can claim a length of 2^50 at no memory cost, and the shift
 * loop runs in C where the hook cannot stop it.
 */
static lua_Unsigned
shift_cap(lua_State *L)
{
	return sandbox_of(L)->limits.memory / 16 + 1024;
}

/* table.insert with a bounded shift (see shift_cap()). */
static int
tab_insert(lua_State *L)
{
	lua_Integer	 e, pos, i;

	luaL_checktype(L, 1, LUA_TTABLE);
	e = luaL_intop(+, luaL_len(L, 1), 1);
	switch (lua_gettop(L)) {
	case 2:
		pos = e;
		break;
	case 3:
		pos = luaL_checkinteger(L, 2);
		luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2,
		    "position out of bounds");
		if ((lua_Unsigned)e - (lua_Unsigned)pos > shift_cap(L))
			return luaL_error(L, "table.insert: too many elements "
			    "to shift");
		for (i = e; i > pos; i--) {
			lua_geti(L, 1, i - 1);
			lua_seti(L, 1, i);
		}
		break;
	default:
		return luaL_error(L, "wrong number of arguments to 'insert'");
	}
	lua_seti(L, 1, pos);
	return 0;
}

/* table.remove with a bounded shift (see shift_cap()). */
static int
tab_remove(lua_State *L)
{
	lua_Integer	 size, pos;

	luaL_checktype(L, 1, LUA_TTABLE);
	size = luaL_len(L, 1);
	pos = luaL_optinteger(L, 2, size);
	if (pos != size)
		luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size,
		    2, "position out of bounds");
	if (pos < size &&
	    (lua_Unsigned)size - (lua_Unsigned)pos > shift_cap(L))
		return luaL_error(L, "table.remove: too many elements to "
		    "shift");
	lua_geti(L, 1, pos);
	for (; pos < size; pos++) {
		lua_geti(L, 1, pos + 1);
		lua_seti(L, 1, pos);
	}
	lua_pushnil(L);
	lua_seti(L, 1, pos);
	return 1;
}

/* table.move, refusing ranges beyond shift_cap(). */
static int
tab_move(lua_State *L)
{
	lua_Integer	 f = luaL_checkinteger(L, 2);
	lua_Integer	 e = luaL_checkinteger(L, 3);

	if (e >= f && (lua_Unsigned)e - (lua_Unsigned)f >= shift_cap(L))
		return luaL_error(L, "table.move: too many elements to move");
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/*
 * string.rep, sized before it runs: string.rep("", 2^62) would loop in C
 * for ever, and a result beyond the memory limit is a memory trip.
 */
static int
str_rep(lua_State *L)
{
	size_t		 l, lsep;
	lua_Integer	 n;

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	if (l + lsep < l ||
	    l + lsep > sandbox_of(L)->limits.memory / (lua_Unsigned)n) {
		sandbox_of(L)->trip = TRIP_MEMORY;
		return luaL_error(L, "not enough memory");
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static const char *const base_names[] = {
	"assert", "error", "getmetatable", "ipairs", "next", "pairs",
	"rawequal", "rawget", "rawlen", "select", "tonumber", "tostring",
	"type", "_VERSION", NULL
};

static int	sb_require(lua_State *);

static const luaL_Reg sandbox_base[] = {
	{ "require", sb_require },
	{ "pcall", sb_pcall },
	{ "xpcall", sb_xpcall },
	{ "setmetatable", sb_setmetatable },
	{ NULL, NULL }
};
/*
 * Build, in a fresh state, the template every rule's globals are copied
 * from: the allowed base functions and read-only library proxies.  The
 * real library tables are trimmed too, since strings reach theirs
 * through the string metatable (protected).
 */
static int
build_template(lua_State *L)
{
	struct sandbox		 *sb = lua_touserdata(L, 1);
	const char *const	 *n;

	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);		/* 2 */
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);	/* 3 */
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);	/* 4 */
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);	/* 5 */
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);	/* 6 */
	kilnlib_open(L, sb->today);				/* 7 */

	lua_pushnil(L);
	lua_setfield(L, 3, "dump");
	lua_getfield(L, 3, "rep");
	lua_pushcclosure(L, str_rep, 1);
	lua_setfield(L, 3, "rep");
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	lua_pushcfunction(L, tab_insert);
	lua_setfield(L, 4, "insert");
	lua_pushcfunction(L, tab_remove);
	lua_setfield(L, 4, "remove");
	lua_getfield(L, 4, "move");
	lua_pushcclosure(L, tab_move, 1);
	lua_setfield(L, 4, "move");

	lua_pushnil(L);
	lua_setfield(L, 5, "random");
	lua_pushnil(L);
	lua_setfield(L, 5, "randomseed");

	lua_createtable(L, 0, 24);				/* 8 */
	for (n = base_names; *n != NULL; n++) {
		lua_getfield(L, 2, *n);
		lua_setfield(L, 8, *n);
	}
	luaL_setfuncs(L, sandbox_base, 0);
	sandbox_push_readonly(L, 3, LUA_STRLIBNAME);
	lua_setfield(L, 8, LUA_STRLIBNAME);
	sandbox_push_readonly(L, 4, LUA_TABLIBNAME);
	lua_setfield(L, 8, LUA_TABLIBNAME);
	sandbox_push_readonly(L, 5, LUA_MATHLIBNAME);
	lua_setfield(L, 8, LUA_MATHLIBNAME);
	sandbox_push_readonly(L, 6, LUA_UTF8LIBNAME);
	lua_setfield(L, 8, LUA_UTF8LIBNAME);
	sandbox_push_readonly(L, 7, "kiln");
	lua_setfield(L, 8, "kiln");
	sb->template_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, 0, 4);
	sb->modules_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* Close a sandbox and everything loaded in it. */
void
sandbox_free(struct sandbox *sb)
{
	if (sb == NULL)
		return;
	if (sb->L != NULL)
		lua_close(sb->L);
	free(sb);
}

/* A new state with the sandbox template built, limits in force. */
struct sandbox *
sandbox_new(const char *dir, const struct rules_limits *limits)
{
	struct sandbox	*sb;

	if ((sb = calloc(1, sizeof(*sb))) == NULL)
		return NULL;
	sb->dir = dir;
	sb->limits = *limits;
	kilnlib_set_today(sb->today, NULL);
	if ((sb->L = lua_newstate(sandbox_alloc, sb)) == NULL)
		goto fail;
	*(struct sandbox **)lua_getextraspace(sb->L) = sb;
	lua_pushcfunction(sb->L, build_template);
	lua_pushlightuserdata(sb->L, sb);
	if (lua_pcall(sb->L, 1, 0, 0) != LUA_OK)
		goto fail;
	lua_settop(sb->L, 0);
	return sb;
fail:
	sandbox_free(sb);
	errno = ENOMEM;
	return NULL;
}

/*
 * Read a file of the rules directory whole, rules and modules alike:
 * one size limit, one message for a file that cannot be read.
 */
int
sandbox_read(const char *dir, const char *name, struct stat *st,
    char **bufp, size_t *lenp, char *err, size_t errsize)
{
	char		 path[PATH_MAX];
	char		*buf = NULL, *nb;
	size_t		 len = 0, cap;
	ssize_t		 n;
	int		 fd = -1, rc = -1;

	st->st_mode = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.lua", dir, name) >=
	    sizeof(path)) {
		snprintf(err, errsize, "path too long");
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) ==
	    -1 || fstat(fd, st) == -1) {
		snprintf(err, errsize, "cannot read %s.lua: %s", name,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st->st_mode) || st->st_size > SANDBOX_FILE_MAX) {
		snprintf(err, errsize, "%s.lua is not a regular file of at "
		    "most %d bytes", name, SANDBOX_FILE_MAX);
		goto out;
	}
	cap = (size_t)st->st_size + 1;
	if ((buf = malloc(cap)) == NULL)
		goto nomem;
	for (;;) {
		if (len == cap) {
			if (cap > SANDBOX_FILE_MAX) {
				snprintf(err, errsize, "%s.lua grew beyond %d "
				    "bytes", name, SANDBOX_FILE_MAX);
				goto out;
			}
			if ((nb = realloc(buf, cap * 2)) == NULL)
				goto nomem;
			buf = nb;
			cap *= 2;
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errsize, "cannot read %s.lua: %s",
			    name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*bufp = buf;
	*lenp = len;
	buf = NULL;
	rc = 0;
	goto out;
nomem:
	snprintf(err, errsize, "out of memory reading %s.lua", name);
out:
	if (fd != -1)
		close(fd);
	free(buf);
	return rc;
}

/* Push a file's fresh environment; its writes land in its own globals. */
static void
push_env(lua_State *L, struct sandbox *sb)
{
	int	 d;

	lua_createtable(L, 0, 32);
	d = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sb->template_ref);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, d);
	}
	lua_pop(L, 1);
	push_proxy(L, d, 1, NULL);
	lua_pushvalue(L, -1);
	lua_setfield(L, d, LUA_GNAME);
	lua_remove(L, d);
}

/* See sandbox.h: rules and modules load the same way. */
int
sandbox_load(lua_State *L, struct sandbox *sb, const char *name,
    const char *buf, size_t len, int *env)
{
	char	 chunk[SANDBOX_NAME_MAX + 6];
	int	 status;

	snprintf(chunk, sizeof(chunk), "@%s.lua", name);
	push_env(L, sb);
	*env = lua_gettop(L);
	status = luaL_loadbufferx(L, buf, len, chunk, "t");
	if (status == LUA_OK) {
		lua_pushvalue(L, *env);
		lua_setupvalue(L, -2, 1);
	}
	return status;
}

/* Once a file has loaded its globals are fixed: rules are pure. */
void
sandbox_seal(lua_State *L, int env)
{
	lua_getmetatable(L, env);
	lua_pushcfunction(L, ro_global);
	lua_setfield(L, -2, "__newindex");
	lua_pop(L, 1);
}

/*
 * Push a read-only copy of the table at IDX, its tables (to DEPTH
 * levels) copied the same way; MEMO maps a table already copied to its
 * copy, so shared and cyclic tables stay so.  A module's settings must
 * not change under the rule that reads them, at any depth.
 */
static void
push_frozen(lua_State *L, int idx, int memo, int depth)
{
	int	 copy;

	idx = lua_absindex(L, idx);
	luaL_checkstack(L, 8, "module nested too deep");
	lua_pushvalue(L, idx);
	if (lua_rawget(L, memo) != LUA_TNIL)
		return;
	lua_pop(L, 1);
	if (depth > SANDBOX_MODULE_DEPTH)
		luaL_error(L, "module tables nested more than %d deep",
		    SANDBOX_MODULE_DEPTH);
	lua_createtable(L, 0, 0);
	copy = lua_gettop(L);
	sandbox_push_readonly(L, copy, "module");
	lua_pushvalue(L, idx);
	lua_pushvalue(L, -2);
	lua_rawset(L, memo);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		/* A function's upvalues would be state every rule shares. */
		if (lua_type(L, -1) == LUA_TFUNCTION)
			luaL_error(L, "a module holds data, not functions");
		if (lua_type(L, -1) == LUA_TTABLE) {
			push_frozen(L, -1, memo, depth + 1);
			lua_replace(L, -2);
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, copy);
	}
	lua_remove(L, copy);
}

/*
 * Run module NAME.lua of the rules directory in an environment of its
 * own, under the budget of the load or call that asked for it, and
 * push its table frozen.  Raises the module's error, with its file and
 * line, when it does not load.
 */
static void
load_module(lua_State *L, struct sandbox *sb, const char *name)
{
	struct stat	 st;
	char		 err[256];
	char		*buf = NULL;
	size_t		 len = 0;
	int		 env, status;

	if (sandbox_read(sb->dir, name, &st, &buf, &len, err, sizeof(err)) ==
	    -1)
		luaL_error(L, "%s", err);
	status = sandbox_load(L, sb, name, buf, len, &env);
	free(buf);
	if (status != LUA_OK)
		lua_error(L);
	lua_call(L, 0, 1);
	if (lua_type(L, -1) != LUA_TTABLE)
		luaL_error(L, "%s.lua must return a table, not a %s value",
		    name, luaL_typename(L, -1));
	sandbox_seal(L, env);
	lua_newtable(L);
	push_frozen(L, -2, lua_gettop(L), 0);
}

/* load_module() in a protected call: (sandbox, name) -> module. */
static int
load_module_protected(lua_State *L)
{
	load_module(L, lua_touserdata(L, 1), lua_tostring(L, 2));
	return 1;
}

/*
 * require(NAME) for rules: shared settings from NAME.lua of the rules
 * directory only, loaded once per (re)load of the rules and handed out
 * read-only, so every rule that asks sees the same values and none can
 * change them.  A module that fails is remembered as failed: each rule
 * that requires it fails to load, naming it.
 */
static int
sb_require(lua_State *L)
{
	struct sandbox	*sb = sandbox_of(L);
	size_t		 len;
	const char	*name = luaL_checklstring(L, 1, &len);
	int		 cache, status;

	if (!sandbox_name_ok(name, len))
		return luaL_error(L, "require: '%s' is not a module of the "
		    "rules directory (a name like settings, for "
		    "settings.lua)", name);
	lua_settop(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, sb->modules_ref);
	cache = lua_gettop(L);
	switch (lua_getfield(L, cache, name)) {
	case LUA_TTABLE:
		return 1;
	case LUA_TBOOLEAN:
		return luaL_error(L, "require: module %s requires itself",
		    name);
	case LUA_TSTRING:
		return luaL_error(L, "require %s: %s", name,
		    lua_tostring(L, -1));
	default:
		break;
	}
	lua_pop(L, 1);
	lua_pushboolean(L, 0);
	lua_setfield(L, cache, name);
	lua_pushcfunction(L, load_module_protected);
	lua_pushlightuserdata(L, sb);
	lua_pushvalue(L, 1);
	status = lua_pcall(L, 2, 1, 0);
	if (status != LUA_OK && (status == LUA_ERRMEM ||
	    sb->trip != TRIP_NONE)) {
		/* A limit of the call, not the module's fault. */
		lua_pushnil(L);
		lua_setfield(L, cache, name);
		return lua_error(L);
	}
	if (status != LUA_OK && !lua_isstring(L, -1)) {
		lua_pop(L, 1);
		lua_pushliteral(L, "failed (error object is not a string)");
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, cache, name);
	if (status != LUA_OK)
		return luaL_error(L, "require %s: %s", name,
		    lua_tostring(L, -1));
	return 1;
}

/* Say why a protected call into rule NAME failed, for a user to read. */
void
sandbox_describe(struct sandbox *sb, int status, const char *name,
    int loading, char *buf, size_t size)
{
	char		 detail[512], where[96] = "";
	const char	*when = loading ? " while loading" : "";
	const char	*s;
	size_t		 len;

	if (sb->where[0] != '\0')
		snprintf(where, sizeof(where), " (%s)", sb->where);
	if (sb->trip == TRIP_BUDGET)
		snprintf(buf, size, "rule %s exceeded its instruction budget "
		    "of %lu%s%s", name, sb->limits.instructions, when, where);
	else if (sb->trip == TRIP_TIME)
		snprintf(buf, size, "rule %s exceeded its time limit of %u ms"
		    "%s%s", name, sb->limits.wall_ms, when, where);
	else if (sb->trip == TRIP_MEMORY || status == LUA_ERRMEM)
		snprintf(buf, size, "rule %s exceeded its memory limit of "
		    "%zu KiB%s", name, sb->limits.memory / 1024, when);
	else {
		if (lua_type(sb->L, -1) == LUA_TSTRING) {
			s = lua_tolstring(sb->L, -1, &len);
			value_utf8_copy(detail, sizeof(detail), s, len);
		} else
			snprintf(detail, sizeof(detail), "unknown error");
		snprintf(buf, size, "rule %s %s: %s", name,
		    loading ? "failed to load" : "failed", detail);
	}
}
