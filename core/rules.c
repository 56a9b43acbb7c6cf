/*
 * rules.c - the Lua business-rule sandbox (design.md, "Business rules").
 *
 * An engine owns one sandbox: one lua_State holding every rule file of
 * the directory.  A reload builds a whole new sandbox and swaps it in
 * only once built, so a worker always runs one consistent set of rules.
 *
 * Inside the state each rule file has its own global environment: an
 * empty proxy whose reads go to the rule's own table of globals (a copy
 * of the sandbox template) and whose writes are allowed only while the
 * file loads.  The libraries in the template are read-only proxies too,
 * so no rule can change what another one sees.
 *
 * Limits per call (and per load): an instruction budget and a wall-clock
 * backstop, both checked in a count hook; a memory cap in the allocator;
 * Lua's own C-stack and Lua-stack limits for recursion.  Once a limit
 * trips, the hook fires at every instruction and the sandbox's pcall and
 * xpcall re-raise, so a rule cannot catch its way past a limit.  The few
 * library functions that can spin in C on a tiny input (string.rep of
 * empty strings, table shifts over sparse or __len-faked tables) are
 * bounded here; the hook cannot interrupt C code.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "rules.h"

#define RULES_DEFAULT_INSTRUCTIONS	1000000UL
#define RULES_DEFAULT_MEMORY		((size_t)8 * 1024 * 1024)
#define RULES_DEFAULT_WALL_MS		200U
#define RULES_HOOK_STEP		1000	/* instructions between hook calls */
#define RULES_NAME_MAX		55	/* "NAME.lua" fits Lua's LUA_IDSIZE */
#define RULES_KIND_MAX		31
#define RULES_FILE_MAX		(1024 * 1024)
#define RULES_RACY_SECS		2	/* this fresh, a change may hide */
#define RULES_MESSAGE_SIZE	sizeof(((struct rules_verdict *)0)->message)
#define RULES_MODULE_DEPTH	16	/* nested tables a module may hold */

enum trip {
	TRIP_NONE = 0,
	TRIP_BUDGET,
	TRIP_TIME,
	TRIP_MEMORY
};

struct hook {
	char		 kind[RULES_KIND_MAX + 1];
	int		 ref;		/* registry reference to the function */
};

/* One rule file: what it was on disk when loaded, and what it gave. */
struct rule {
	char		 name[RULES_NAME_MAX + 1];
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	struct timespec	 ctime;
	uint64_t	 hash;		/* of the content as loaded */
	int		 racy;		/* stat alone cannot vouch for it yet */
	char		*error;		/* load error, or NULL */
	struct hook	*hooks;
	size_t		 nhooks;
	int		 module;	/* data for require(), not a rule */
};

/* One lua_State, its accounting and limits, and the rules loaded in it. */
struct sandbox {
	lua_State	*L;
	const char	*dir;		/* the rules directory, for require() */
	struct rules_limits limits;
	size_t		 mem_used;
	int		 template_ref;
	int		 modules_ref;	/* require()'s cache: name -> module */
	/* the call (or load) in progress */
	unsigned long	 used;
	int		 step;
	struct timespec	 deadline;
	enum trip	 trip;
	char		 where[80];	/* NAME.lua:LINE of a tripped limit */
	char		 today[11];	/* YYYY-MM-DD for kiln.today() */
	struct rule	*rules;		/* sorted by name */
	size_t		 nrules;
};

struct rules {
	char		*dir;
	struct rules_limits limits;
	struct sandbox	*sb;
};

/* Arguments of a protected rule load. */
struct load {
	struct sandbox	*sb;
	struct rule	*rule;
	const char	*buf;
	size_t		 len;
	char		 fail[512];	/* does not compile or gives no hooks */
};

/* Arguments of a protected hook call. */
struct call {
	int			 ref;
	const char		*name;
	const struct rules_kv	*rec;
	size_t			 nrec;
	const struct rules_kv	*ctx;
	size_t			 nctx;
	struct rules_verdict	*out;
	char			 bad[256];	/* the hook returned nonsense */
};

static const char *const result_names[] = {
	"pass", "warn", "hold", "reject", "error"
};

/*
 * The length of the valid UTF-8 sequence at S (at most LEN bytes), or 0
 * when the bytes there are not UTF-8: messages end up in HTML and XML.
 */
static size_t
utf8_seqlen(const unsigned char *s, size_t len)
{
	size_t	 n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) ||	/* overlong */
	    (s[0] == 0xed && s[1] > 0x9f) ||	/* surrogate */
	    (s[0] == 0xf0 && s[1] < 0x90) ||	/* overlong */
	    (s[0] == 0xf4 && s[1] > 0x8f))	/* beyond U+10FFFF */
		return 0;
	return n;
}

/*
 * Copy LEN bytes of SRC into DST (SIZE bytes) as text fit for a page or
 * an XML document: valid UTF-8 only (stray bytes become '?'), no NUL,
 * control characters as spaces, cut at a character boundary.
 */
static void
copy_text(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 i = 0, o = 0, n;

	if (size == 0)
		return;
	while (i < len) {
		n = utf8_seqlen(s + i, len - i);
		if (n == 1 && s[i] == '\0') {
			i++;
			continue;
		}
		if (o + (n ? n : 1) >= size)
			break;
		if (n == 0) {
			dst[o++] = '?';
			i++;
		} else if (n == 1) {
			dst[o++] = (s[i] < 0x20 && s[i] != '\t' &&
			    s[i] != '\n') || s[i] == 0x7f ? ' ' : (char)s[i];
			i++;
		} else {
			memcpy(dst + o, s + i, n);
			o += n;
			i += n;
		}
	}
	dst[o] = '\0';
}

/* Mark OUT as a failure of its rule, saying MSG. */
static int
verdict_fail(struct rules_verdict *out, const char *msg)
{
	out->result = RULES_ERROR;
	copy_text(out->message, sizeof(out->message), msg, strlen(msg));
	out->field[0] = '\0';
	return RULES_ERROR;
}

/*
 * Whether S of LEN bytes is the NAME of a rule or module file NAME.lua:
 * [a-z0-9_]+, short enough for Lua's chunk names.  No dots or slashes,
 * so a name never reaches outside the rules directory.
 */
static int
rule_name(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > RULES_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* Whether D_NAME is a rule file name, NAME.lua with NAME [a-z0-9_]+. */
static int
rule_file_name(const char *d_name, char *name, size_t size)
{
	size_t	 len = strlen(d_name);

	if (len <= 4 || len - 4 >= size ||
	    strcmp(d_name + len - 4, ".lua") != 0 ||
	    !rule_name(d_name, len - 4))
		return 0;
	memcpy(name, d_name, len - 4);
	name[len - 4] = '\0';
	return 1;
}

/* Whether S of LEN bytes names a record kind or field: [a-z_][a-z0-9_]*. */
static int
valid_ident(const char *s, size_t len, size_t max)
{
	size_t	 i;

	if (len == 0 || len > max || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* The sandbox a state belongs to, kept in the state's extra space. */
static struct sandbox *
sandbox_of(lua_State *L)
{
	return *(struct sandbox **)lua_getextraspace(L);
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * algorithm), so date arithmetic needs no time zone or timegm().
 */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* The inverse of days_from_civil(). */
static void
civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long	 era;
	unsigned	 doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

/* Parse a strict YYYY-MM-DD (years 1-9999) into days since the epoch. */
static int
parse_date(const char *s, size_t len, long long *days)
{
	static const unsigned char mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	unsigned	 y = 0, m, d, i, leap;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	for (i = 0; i < 4; i++)
		y = y * 10 + (unsigned)(s[i] - '0');
	m = (unsigned)(s[5] - '0') * 10 + (unsigned)(s[6] - '0');
	d = (unsigned)(s[8] - '0') * 10 + (unsigned)(s[9] - '0');
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (unsigned)(m == 2 && leap))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

/* Format days since the epoch as YYYY-MM-DD; -1 outside years 1-9999. */
static int
format_date(long long days, char *buf, size_t size)
{
	long long	 y;
	unsigned	 m, d;

	civil_from_days(days, &y, &m, &d);
	if (y < 1 || y > 9999)
		return -1;
	snprintf(buf, size, "%04lld-%02u-%02u", y, m, d);
	return 0;
}

/* luaL_check* for a date argument. */
static long long
check_date(lua_State *L, int arg)
{
	size_t		 len;
	const char	*s = luaL_checklstring(L, arg, &len);
	long long	 days;

	if (parse_date(s, len, &days) == -1)
		luaL_argerror(L, arg, "date expected as YYYY-MM-DD");
	return days;
}

/* kiln.money(minor): money in minor units as "1234.50", never a float. */
static int
kiln_money(lua_State *L)
{
	lua_Integer		 v = luaL_checkinteger(L, 1);
	unsigned long long	 mag;
	char			 buf[32];

	mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	snprintf(buf, sizeof(buf), "%s%llu.%02llu", v < 0 ? "-" : "",
	    mag / 100, mag % 100);
	lua_pushstring(L, buf);
	return 1;
}

/* kiln.date_add(date, days): the date DAYS days after DATE. */
static int
kiln_date_add(lua_State *L)
{
	long long	 days = check_date(L, 1);
	lua_Integer	 n = luaL_checkinteger(L, 2);
	char		 buf[32];

	luaL_argcheck(L, n > -4000000 && n < 4000000, 2, "too many days");
	if (format_date(days + n, buf, sizeof(buf)) == -1)
		return luaL_error(L, "date out of range (years 1-9999)");
	lua_pushstring(L, buf);
	return 1;
}

/* kiln.days_between(d1, d2): days from D1 to D2, negative if D2 is earlier. */
static int
kiln_days_between(lua_State *L)
{
	long long	 a = check_date(L, 1);
	long long	 b = check_date(L, 2);

	lua_pushinteger(L, (lua_Integer)(b - a));
	return 1;
}

/* kiln.today(): today in UTC, or the date the caller fixed in ctx.today. */
static int
kiln_today(lua_State *L)
{
	lua_pushstring(L, sandbox_of(L)->today);
	return 1;
}

static const luaL_Reg kiln_funcs[] = {
	{ "money", kiln_money },
	{ "date_add", kiln_date_add },
	{ "days_between", kiln_days_between },
	{ "today", kiln_today },
	{ NULL, NULL }
};

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
	sb->step = sb->limits.instructions < RULES_HOOK_STEP ?
	    (int)sb->limits.instructions : RULES_HOOK_STEP;
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
static int
msgh(lua_State *L)
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

/* __pairs of read-only proxies, so pairs(record) sees the fields. */
static int
ro_pairs(lua_State *L)
{
	lua_pushcfunction(L, ro_next);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Push a read-only proxy named NAME for the table at IDX. */
static void
push_readonly(lua_State *L, int idx, const char *name)
{
	idx = lua_absindex(L, idx);
	lua_createtable(L, 0, 0);
	lua_createtable(L, 0, 5);
	lua_pushvalue(L, idx);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, ro_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushstring(L, name);
	lua_setfield(L, -2, "__name");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
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
	luaL_newlib(L, kiln_funcs);				/* 7 */

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
	push_readonly(L, 3, LUA_STRLIBNAME);
	lua_setfield(L, 8, LUA_STRLIBNAME);
	push_readonly(L, 4, LUA_TABLIBNAME);
	lua_setfield(L, 8, LUA_TABLIBNAME);
	push_readonly(L, 5, LUA_MATHLIBNAME);
	lua_setfield(L, 8, LUA_MATHLIBNAME);
	push_readonly(L, 6, LUA_UTF8LIBNAME);
	lua_setfield(L, 8, LUA_UTF8LIBNAME);
	push_readonly(L, 7, "kiln");
	lua_setfield(L, 8, "kiln");
	sb->template_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, 0, 4);
	sb->modules_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* Set today's date (UTC) for kiln.today(), unless ctx.today fixes one. */
static void
set_today(struct sandbox *sb, const struct rules_kv *ctx, size_t nctx)
{
	struct tm	 tm;
	time_t		 now = time(NULL);
	long long	 days;
	size_t		 i;

	for (i = 0; i < nctx; i++)
		if (ctx[i].key != NULL && strcmp(ctx[i].key, "today") == 0 &&
		    ctx[i].type == RULES_STR && ctx[i].s != NULL &&
		    parse_date(ctx[i].s, strlen(ctx[i].s), &days) == 0) {
			memcpy(sb->today, ctx[i].s, 10);
			sb->today[10] = '\0';
			return;
		}
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(sb->today, sizeof(sb->today), "%Y-%m-%d", &tm) == 0)
		snprintf(sb->today, sizeof(sb->today), "1970-01-01");
}

/* Free what a rule file left on the C side. */
static void
rule_clear(struct rule *r)
{
	free(r->error);
	free(r->hooks);
	r->error = NULL;
	r->hooks = NULL;
	r->nhooks = 0;
	r->module = 0;
}

/* Close a sandbox and everything loaded in it. */
static void
sandbox_free(struct sandbox *sb)
{
	size_t	 i;

	if (sb == NULL)
		return;
	if (sb->L != NULL)
		lua_close(sb->L);
	for (i = 0; i < sb->nrules; i++)
		rule_clear(&sb->rules[i]);
	free(sb->rules);
	free(sb);
}

/* A new state with the sandbox template built, limits in force. */
static struct sandbox *
sandbox_new(const char *dir, const struct rules_limits *limits)
{
	struct sandbox	*sb;

	if ((sb = calloc(1, sizeof(*sb))) == NULL)
		return NULL;
	sb->dir = dir;
	sb->limits = *limits;
	set_today(sb, NULL, 0);
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

/* FNV-1a: notices a change that a racy stat cannot. */
static uint64_t
hash_bytes(const char *buf, size_t len)
{
	uint64_t	 h = 14695981039346656037ULL;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)buf[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Note in R what the file behind ST is, to notice later changes. */
static void
rule_set_stat(struct rule *r, const struct stat *st)
{
	r->dev = st->st_dev;
	r->ino = st->st_ino;
	r->size = st->st_size;
	r->mtime = st->st_mtim;
	r->ctime = st->st_ctim;
}

/*
 * Read DIR/NAME.lua whole into *BUFP (malloc'd), noting in R what the
 * file was when read.  On failure says why in ERR.
 */
static int
read_rule_file(const char *dir, struct rule *r, char **bufp, size_t *lenp,
    char *err, size_t errsize)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	char		*buf = NULL, *nb;
	size_t		 len = 0, cap;
	ssize_t		 n;
	int		 fd = -1, rc = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s.lua", dir, r->name) >=
	    sizeof(path)) {
		snprintf(err, errsize, "path too long");
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) ==
	    -1 || fstat(fd, &st) == -1) {
		snprintf(err, errsize, "cannot read %s.lua: %s", r->name,
		    strerror(errno));
		goto out;
	}
	rule_set_stat(r, &st);
	if (!S_ISREG(st.st_mode) || st.st_size > RULES_FILE_MAX) {
		snprintf(err, errsize, "%s.lua is not a regular file of at "
		    "most %d bytes", r->name, RULES_FILE_MAX);
		goto out;
	}
	cap = (size_t)st.st_size + 1;
	if ((buf = malloc(cap)) == NULL)
		goto nomem;
	for (;;) {
		if (len == cap) {
			if (cap > RULES_FILE_MAX) {
				snprintf(err, errsize, "%s.lua grew beyond %d "
				    "bytes", r->name, RULES_FILE_MAX);
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
			    r->name, strerror(errno));
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
	snprintf(err, errsize, "out of memory reading %s.lua", r->name);
out:
	if (fd != -1)
		close(fd);
	free(buf);
	return rc;
}

/* Whether a file last changed at R's times may still change unseen. */
static int
rule_is_racy(const struct rule *r)
{
	struct timespec	 now;
	time_t		 latest = r->mtime.tv_sec > r->ctime.tv_sec ?
			    r->mtime.tv_sec : r->ctime.tv_sec;

	clock_gettime(CLOCK_REALTIME, &now);
	return now.tv_sec <= latest + RULES_RACY_SECS;
}

/* Push a rule's fresh environment; its writes land in its own globals. */
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
	lua_createtable(L, 0, 0);
	lua_createtable(L, 0, 4);
	lua_pushvalue(L, d);
	lua_setfield(L, -2, "__index");
	lua_pushvalue(L, d);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, ro_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_setfield(L, d, LUA_GNAME);
	lua_remove(L, d);
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
	if (depth > RULES_MODULE_DEPTH)
		luaL_error(L, "module tables nested more than %d deep",
		    RULES_MODULE_DEPTH);
	lua_createtable(L, 0, 0);
	copy = lua_gettop(L);
	push_readonly(L, copy, "module");
	lua_pushvalue(L, idx);
	lua_pushvalue(L, -2);
	lua_rawset(L, memo);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
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
	struct rule	 mod;
	char		 chunk[RULES_NAME_MAX + 6], err[256];
	char		*buf = NULL;
	size_t		 len = 0;
	int		 env, status;

	memset(&mod, 0, sizeof(mod));
	snprintf(mod.name, sizeof(mod.name), "%s", name);
	snprintf(chunk, sizeof(chunk), "@%s.lua", name);
	push_env(L, sb);
	env = lua_gettop(L);
	if (read_rule_file(sb->dir, &mod, &buf, &len, err, sizeof(err)) == -1)
		luaL_error(L, "%s", err);
	status = luaL_loadbufferx(L, buf, len, chunk, "t");
	free(buf);
	if (status != LUA_OK)
		lua_error(L);
	lua_pushvalue(L, env);
	lua_setupvalue(L, -2, 1);
	lua_call(L, 0, 1);
	if (lua_type(L, -1) != LUA_TTABLE)
		luaL_error(L, "%s.lua must return a table, not a %s value",
		    name, luaL_typename(L, -1));
	lua_getmetatable(L, env);
	lua_pushcfunction(L, ro_global);
	lua_setfield(L, -2, "__newindex");
	lua_pop(L, 1);
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

	if (!rule_name(name, len))
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

/*
 * Keep the hooks of the table at IDX: string keys naming record kinds,
 * function values.  A table of data only (no function at its top
 * level) is a module for require(), not a rule.  Anything else is a
 * mistake worth a load error.
 */
static int
keep_hooks(lua_State *L, int idx, struct load *ld)
{
	struct rule	*r = ld->rule;
	size_t		 count = 0, entries = 0, len;
	const char	*k;

	if (lua_type(L, idx) != LUA_TTABLE) {
		snprintf(ld->fail, sizeof(ld->fail), "%s.lua must return a "
		    "table of hook functions, not a %s value", r->name,
		    luaL_typename(L, idx));
		return -1;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		count += lua_type(L, -1) == LUA_TFUNCTION;
		entries++;
		lua_pop(L, 1);
	}
	if (count == 0 && entries > 0) {
		r->module = 1;
		return 0;
	}
	count = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		k = lua_type(L, -2) == LUA_TSTRING ?
		    lua_tolstring(L, -2, &len) : NULL;
		if (k == NULL || !valid_ident(k, len, RULES_KIND_MAX)) {
			snprintf(ld->fail, sizeof(ld->fail), "%s.lua returned "
			    "a key that is not a record kind like 'customer'",
			    r->name);
			lua_pop(L, 2);
			return -1;
		}
		if (lua_type(L, -1) != LUA_TFUNCTION) {
			snprintf(ld->fail, sizeof(ld->fail), "%s.lua: hook "
			    "'%s' is a %s value, not a function", r->name, k,
			    luaL_typename(L, -1));
			lua_pop(L, 2);
			return -1;
		}
		count++;
		lua_pop(L, 1);
	}
	if (count == 0) {
		snprintf(ld->fail, sizeof(ld->fail), "%s.lua returned no hook "
		    "functions", r->name);
		return -1;
	}
	if ((r->hooks = calloc(count, sizeof(*r->hooks))) == NULL)
		return luaL_error(L, "not enough memory");
	lua_pushnil(L);
	while (lua_next(L, idx) && r->nhooks < count) {
		k = lua_tolstring(L, -2, &len);
		memcpy(r->hooks[r->nhooks].kind, k, len + 1);
		r->hooks[r->nhooks].ref = luaL_ref(L, LUA_REGISTRYINDEX);
		r->nhooks++;
	}
	return 0;
}

/* Compile and run one rule file in its own environment (protected). */
static int
load_protected(lua_State *L)
{
	struct load	*ld = lua_touserdata(L, 1);
	char		 chunk[RULES_NAME_MAX + 6];
	size_t		 len, n;
	const char	*msg;
	int		 env, status;

	snprintf(chunk, sizeof(chunk), "@%s.lua", ld->rule->name);
	push_env(L, ld->sb);
	env = lua_gettop(L);
	status = luaL_loadbufferx(L, ld->buf, ld->len, chunk, "t");
	if (status == LUA_ERRMEM)
		return lua_error(L);
	if (status != LUA_OK) {
		if ((msg = lua_tolstring(L, -1, &len)) == NULL) {
			msg = "?";
			len = 1;
		}
		if (strncmp(msg, chunk + 1, strlen(chunk + 1)) == 0)
			copy_text(ld->fail, sizeof(ld->fail), msg, len);
		else {
			n = (size_t)snprintf(ld->fail, sizeof(ld->fail), "%s: ",
			    chunk + 1);
			copy_text(ld->fail + n, sizeof(ld->fail) - n, msg, len);
		}
		return 0;
	}
	lua_pushvalue(L, env);
	lua_setupvalue(L, -2, 1);
	lua_call(L, 0, 1);
	if (keep_hooks(L, lua_gettop(L), ld) == -1)
		return 0;
	lua_getmetatable(L, env);
	lua_pushcfunction(L, ro_global);
	lua_setfield(L, -2, "__newindex");
	return 0;
}

/* Say why a protected call into rule NAME failed, for a user to read. */
static void
describe_failure(struct sandbox *sb, int status, const char *name,
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
			copy_text(detail, sizeof(detail), s, len);
		} else
			snprintf(detail, sizeof(detail), "unknown error");
		snprintf(buf, size, "rule %s %s: %s", name,
		    loading ? "failed to load" : "failed", detail);
	}
}

/*
 * Load rule file R of DIR into SB.  A file that fails is recorded with
 * its error, not fatal; -1 only when the C side runs out of memory.
 */
static int
load_rule(struct sandbox *sb, const char *dir, struct rule *r)
{
	lua_State	*L = sb->L;
	struct load	 ld;
	char		 msg[1024], err[256];
	char		*buf = NULL;
	size_t		 len = 0;
	int		 status, rc = -1;

	memset(&ld, 0, sizeof(ld));
	msg[0] = '\0';
	if (read_rule_file(dir, r, &buf, &len, err, sizeof(err)) == -1) {
		snprintf(msg, sizeof(msg), "rule %s failed to load: %s",
		    r->name, err);
		goto record;
	}
	r->hash = hash_bytes(buf, len);
	r->racy = rule_is_racy(r);
	ld.sb = sb;
	ld.rule = r;
	ld.buf = buf;
	ld.len = len;
	lua_settop(L, 0);
	lua_pushcfunction(L, msgh);
	lua_pushcfunction(L, load_protected);
	lua_pushlightuserdata(L, &ld);
	budget_arm(sb);
	status = lua_pcall(L, 1, 0, 1);
	budget_disarm(sb);
	if (status != LUA_OK || sb->trip != TRIP_NONE)
		describe_failure(sb, status, r->name, 1, msg, sizeof(msg));
	else if (ld.fail[0] != '\0')
		snprintf(msg, sizeof(msg), "rule %s failed to load: %s",
		    r->name, ld.fail);
record:
	if (msg[0] != '\0') {
		rule_clear(r);
		if ((r->error = malloc(RULES_MESSAGE_SIZE)) == NULL)
			goto out;
		copy_text(r->error, RULES_MESSAGE_SIZE, msg, strlen(msg));
		lua_settop(L, 0);
		lua_gc(L, LUA_GCCOLLECT);
	}
	rc = 0;
out:
	lua_settop(L, 0);
	free(buf);
	return rc;
}

/* Order rule files by name, for lookups and comparisons. */
static int
rule_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rule *)a)->name,
	    ((const struct rule *)b)->name);
}

/* List the rule files of DIR, sorted, with what stat says of each. */
static int
scan_dir(const char *dir, struct rule **rulesp, size_t *np)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	struct rule	*list = NULL, *nl;
	size_t		 n = 0, cap = 0;
	char		 name[RULES_NAME_MAX + 1];
	int		 rc = -1;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!rule_file_name(de->d_name, name, sizeof(name)) ||
		    fstatat(dirfd(d), de->d_name, &st, 0) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nl = realloc(list, cap * sizeof(*list))) == NULL)
				goto out;
			list = nl;
		}
		memset(&list[n], 0, sizeof(list[n]));
		memcpy(list[n].name, name, sizeof(name));
		rule_set_stat(&list[n], &st);
		n++;
	}
	if (n > 1)
		qsort(list, n, sizeof(*list), rule_cmp);
	*rulesp = list;
	*np = n;
	list = NULL;
	rc = 0;
out:
	closedir(d);
	free(list);
	return rc;
}

/*
 * Whether the file behind LOADED changed, given what a scan SEEN says.
 * A file modified within a timestamp tick of its load can look unchanged
 * to stat; while that is possible, compare its content too.
 */
static int
rule_changed(const char *dir, struct rule *loaded, const struct rule *seen)
{
	struct rule	 now;
	char		*buf = NULL, err[256];
	size_t		 len = 0;
	int		 changed = 1;

	if (loaded->dev != seen->dev || loaded->ino != seen->ino ||
	    loaded->size != seen->size ||
	    loaded->mtime.tv_sec != seen->mtime.tv_sec ||
	    loaded->mtime.tv_nsec != seen->mtime.tv_nsec ||
	    loaded->ctime.tv_sec != seen->ctime.tv_sec ||
	    loaded->ctime.tv_nsec != seen->ctime.tv_nsec)
		return 1;
	if (!loaded->racy)
		return 0;
	now = *seen;
	if (read_rule_file(dir, &now, &buf, &len, err, sizeof(err)) == -1)
		goto out;
	if (hash_bytes(buf, len) != loaded->hash)
		goto out;
	loaded->racy = rule_is_racy(loaded);
	changed = 0;
out:
	free(buf);
	return changed;
}

/*
 * Build a new sandbox with the rule files LIST (taken over, freed on
 * failure) and swap it in; the old one keeps serving if this fails.
 */
static int
install(struct rules *r, struct rule *list, size_t n)
{
	struct sandbox	*sb;
	size_t		 i;
	int		 rc = -1;

	if ((sb = sandbox_new(r->dir, &r->limits)) == NULL) {
		free(list);
		goto out;
	}
	sb->rules = list;
	sb->nrules = n;
	for (i = 0; i < n; i++)
		if (load_rule(sb, r->dir, &sb->rules[i]) == -1) {
			sandbox_free(sb);
			goto out;
		}
	lua_gc(sb->L, LUA_GCCOLLECT);
	sandbox_free(r->sb);
	r->sb = sb;
	rc = 0;
out:
	return rc;
}

/* The rule called NAME, or NULL. */
static struct rule *
find_rule(struct sandbox *sb, const char *name)
{
	struct rule	 key;

	if (sb == NULL || sb->nrules == 0 || strlen(name) > RULES_NAME_MAX)
		return NULL;
	memcpy(key.name, name, strlen(name) + 1);
	return bsearch(&key, sb->rules, sb->nrules, sizeof(key), rule_cmp);
}

/* The registry reference of R's hook for KIND, or LUA_NOREF. */
static int
find_hook(const struct rule *r, const char *kind)
{
	size_t	 i;

	for (i = 0; i < r->nhooks; i++)
		if (strcmp(r->hooks[i].kind, kind) == 0)
			return r->hooks[i].ref;
	return LUA_NOREF;
}

/* Push key/values as a read-only table named NAME (nil values left out). */
static void
push_kv(lua_State *L, const struct rules_kv *kv, size_t n, const char *name)
{
	size_t	 i;

	lua_createtable(L, 0, n > 64 ? 64 : (int)n);
	for (i = 0; i < n; i++) {
		if (kv[i].key == NULL)
			continue;
		switch (kv[i].type) {
		case RULES_STR:
			if (kv[i].s == NULL)
				continue;
			lua_pushstring(L, kv[i].s);
			break;
		case RULES_INT:
			lua_pushinteger(L, (lua_Integer)kv[i].i);
			break;
		case RULES_BOOL:
			lua_pushboolean(L, kv[i].i != 0);
			break;
		default:
			continue;
		}
		lua_setfield(L, -2, kv[i].key);
	}
	push_readonly(L, -1, name);
	lua_remove(L, -2);
}

/* Take result, message and field (stack -3..-1) into the verdict. */
static void
take_results(lua_State *L, struct call *c)
{
	struct rules_verdict	*out = c->out;
	char			 shown[64];
	const char		*s;
	size_t			 len;
	int			 i;

	if (lua_isnil(L, -3))
		out->result = RULES_PASS;
	else if (lua_type(L, -3) == LUA_TSTRING) {
		s = lua_tolstring(L, -3, &len);
		for (i = RULES_PASS; i <= RULES_REJECT; i++)
			if (strlen(result_names[i]) == len &&
			    memcmp(result_names[i], s, len) == 0)
				break;
		if (i > RULES_REJECT) {
			copy_text(shown, sizeof(shown), s, len);
			snprintf(c->bad, sizeof(c->bad), "rule %s: returned "
			    "invalid result '%s' (pass, warn, hold or reject)",
			    c->name, shown);
			return;
		}
		out->result = (enum rules_result)i;
	} else {
		snprintf(c->bad, sizeof(c->bad), "rule %s: returned invalid "
		    "result (a %s value)", c->name, luaL_typename(L, -3));
		return;
	}
	if (lua_type(L, -2) == LUA_TSTRING) {
		s = lua_tolstring(L, -2, &len);
		copy_text(out->message, sizeof(out->message), s, len);
	} else if (!lua_isnil(L, -2)) {
		snprintf(c->bad, sizeof(c->bad), "rule %s: returned a %s "
		    "value as message, not a string", c->name,
		    luaL_typename(L, -2));
		return;
	}
	if (lua_type(L, -1) == LUA_TSTRING) {
		s = lua_tolstring(L, -1, &len);
		if (len > 0 && !valid_ident(s, len, sizeof(out->field) - 1)) {
			copy_text(shown, sizeof(shown), s, len);
			snprintf(c->bad, sizeof(c->bad), "rule %s: returned "
			    "invalid field '%s'", c->name, shown);
			return;
		}
		memcpy(out->field, s, len + 1);
	} else if (!lua_isnil(L, -1))
		snprintf(c->bad, sizeof(c->bad), "rule %s: returned a %s "
		    "value as field, not a string", c->name,
		    luaL_typename(L, -1));
}

/* Open the rules in DIR: the worker's engine. */
struct rules *
rules_open(const char *dir, const struct rules_limits *limits)
{
	struct rules	*r;
	int		 saved;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->dir = strdup(dir)) == NULL)
		goto fail;
	if (limits != NULL)
		r->limits = *limits;
	if (r->limits.instructions == 0)
		r->limits.instructions = RULES_DEFAULT_INSTRUCTIONS;
	if (r->limits.memory == 0)
		r->limits.memory = RULES_DEFAULT_MEMORY;
	if (r->limits.wall_ms == 0)
		r->limits.wall_ms = RULES_DEFAULT_WALL_MS;
	/*
	 * An instrumented run (valgrind: 20-50 times slower) is given
	 * as much more time; the instruction budget, which does not
	 * depend on the machine, stays.
	 */
	if (r->limits.time_scale > 1)
		r->limits.wall_ms *= r->limits.time_scale;
	if (rules_reload(r) == -1)
		goto fail;
	return r;
fail:
	saved = errno;
	rules_close(r);
	errno = saved;
	return NULL;
}

/* Close the engine and its state. */
void
rules_close(struct rules *r)
{
	if (r == NULL)
		return;
	sandbox_free(r->sb);
	free(r->dir);
	free(r);
}

/* Reload if a rule file changed, appeared or vanished: before each request. */
int
rules_refresh(struct rules *r)
{
	struct rule	*seen = NULL;
	size_t		 n = 0, i;
	int		 changed;

	if (scan_dir(r->dir, &seen, &n) == -1)
		return -1;
	changed = r->sb == NULL || n != r->sb->nrules;
	for (i = 0; !changed && i < n; i++)
		changed = strcmp(seen[i].name, r->sb->rules[i].name) != 0 ||
		    rule_changed(r->dir, &r->sb->rules[i], &seen[i]);
	if (!changed) {
		free(seen);
		return 0;
	}
	return install(r, seen, n) == 0 ? 1 : -1;
}

/* Reload every rule file (SIGHUP). */
int
rules_reload(struct rules *r)
{
	struct rule	*list = NULL;
	size_t		 n = 0;

	if (scan_dir(r->dir, &list, &n) == -1)
		return -1;
	return install(r, list, n);
}

/* Whether NAME is loaded and judges records of KIND. */
int
rules_has(struct rules *r, const char *name, const char *kind)
{
	struct rule	*rule;

	if (r == NULL || name == NULL || kind == NULL ||
	    (rule = find_rule(r->sb, name)) == NULL || rule->error != NULL)
		return 0;
	return find_hook(rule, kind) != LUA_NOREF;
}

/* See rules.h: the rules of KIND, in file-name order. */
size_t
rules_with_hook(struct rules *r, const char *kind, const char **names,
    size_t max)
{
	struct rule	*rule;
	size_t		 i, n = 0;

	if (r == NULL || r->sb == NULL || kind == NULL)
		return 0;
	for (i = 0; i < r->sb->nrules; i++) {
		rule = &r->sb->rules[i];
		if (rule->error == NULL && find_hook(rule, kind) == LUA_NOREF)
			continue;
		if (n < max)
			names[n] = rule->name;
		n++;
	}
	return n;
}

/*
 * Push the record and context tables (read-only proxies), once for all
 * the hooks of a rules_run_each() call: a rule cannot change what the
 * next one sees.
 */
static int
push_tables(lua_State *L)
{
	struct call	*c = lua_touserdata(L, 1);

	push_kv(L, c->rec, c->nrec, "record");
	push_kv(L, c->ctx, c->nctx, "ctx");
	return 2;
}

/* One hook on the tables at 2 and 3. */
static int
call_hook(lua_State *L)
{
	struct call	*c = lua_touserdata(L, 1);

	lua_rawgeti(L, LUA_REGISTRYINDEX, c->ref);
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 3);
	lua_call(L, 2, 3);
	take_results(L, c);
	return 0;
}

/* Whether NAME has hook KIND; else the verdict says why not. */
static struct rule *
hook_of(struct sandbox *sb, const char *name, const char *kind,
    struct rules_verdict *out, int *ref)
{
	struct rule	*rule;
	char		 msg[256], shown[64];

	if ((rule = find_rule(sb, name)) == NULL) {
		snprintf(msg, sizeof(msg), "rule %s: no such rule (no %s.lua "
		    "loaded)", out->rule, out->rule);
		verdict_fail(out, msg);
		return NULL;
	}
	if (rule->error != NULL) {
		verdict_fail(out, rule->error);
		return NULL;
	}
	if ((*ref = find_hook(rule, kind)) == LUA_NOREF) {
		copy_text(shown, sizeof(shown), kind, strlen(kind));
		snprintf(msg, sizeof(msg), "rule %s has no '%s' hook",
		    rule->name, shown);
		verdict_fail(out, msg);
		return NULL;
	}
	return rule;
}

/* See rules.h; every failure is a verdict. */
int
rules_run_each(struct rules *r, const char *const *names, size_t n,
    const char *kind, const struct rules_kv *rec, size_t nrec,
    const struct rules_kv *ctx, size_t nctx, struct rules_verdict *out)
{
	struct sandbox	*sb;
	struct rule	*rule;
	struct call	 c;
	char		 msg[1024], rname[sizeof(out->rule)];
	size_t		 i;
	int		 ref = LUA_NOREF, status, failed = 0;

	for (i = 0; i < n; i++) {
		/* Copied before OUT is cleared: a name may be out[i].rule. */
		rname[0] = '\0';
		if (names[i] != NULL)
			copy_text(rname, sizeof(rname), names[i],
			    strlen(names[i]));
		memset(&out[i], 0, sizeof(out[i]));
		out[i].result = RULES_ERROR;
		memcpy(out[i].rule, rname, sizeof(rname));
	}
	if (r == NULL || kind == NULL) {
		for (i = 0; i < n; i++)
			verdict_fail(&out[i], "rules: no rule or record kind"
			    " given");
		return n ? RULES_ERROR : RULES_PASS;
	}
	sb = r->sb;
	memset(&c, 0, sizeof(c));
	c.rec = rec;
	c.nrec = rec == NULL ? 0 : nrec;
	c.ctx = ctx;
	c.nctx = ctx == NULL ? 0 : nctx;
	set_today(sb, c.ctx, c.nctx);
	lua_settop(sb->L, 0);
	lua_pushcfunction(sb->L, msgh);				/* 1 */
	lua_pushcfunction(sb->L, push_tables);
	lua_pushlightuserdata(sb->L, &c);
	budget_arm(sb);
	status = lua_pcall(sb->L, 1, 2, 1);			/* 2, 3 */
	budget_disarm(sb);
	if (status != LUA_OK || sb->trip != TRIP_NONE) {
		describe_failure(sb, status, n ? out[0].rule : "rules", 0,
		    msg, sizeof(msg));
		for (i = 0; i < n; i++)
			verdict_fail(&out[i], msg);
		failed = 1;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		if (names[i] == NULL ||
		    (rule = hook_of(sb, out[i].rule, kind, &out[i], &ref)) ==
		    NULL) {
			if (names[i] == NULL)
				verdict_fail(&out[i], "rules: no rule given");
			failed = 1;
			continue;
		}
		c.ref = ref;
		c.name = rule->name;
		c.out = &out[i];
		c.bad[0] = '\0';
		lua_settop(sb->L, 3);
		lua_pushcfunction(sb->L, call_hook);
		lua_pushlightuserdata(sb->L, &c);
		lua_pushvalue(sb->L, 2);
		lua_pushvalue(sb->L, 3);
		budget_arm(sb);
		status = lua_pcall(sb->L, 3, 0, 1);
		budget_disarm(sb);
		if (status != LUA_OK || sb->trip != TRIP_NONE) {
			describe_failure(sb, status, rule->name, 0, msg,
			    sizeof(msg));
			verdict_fail(&out[i], msg);
		} else if (c.bad[0] != '\0')
			verdict_fail(&out[i], c.bad);
		failed |= out[i].result == RULES_ERROR;
	}
	lua_settop(sb->L, 0);
	if (failed || sb->mem_used > sb->limits.memory / 2)
		lua_gc(sb->L, LUA_GCCOLLECT);
	return failed ? RULES_ERROR : RULES_PASS;
}

/* Run hook KIND of rule NAME on a record; every failure is a verdict. */
int
rules_run(struct rules *r, const char *name, const char *kind,
    const struct rules_kv *rec, size_t nrec,
    const struct rules_kv *ctx, size_t nctx,
    struct rules_verdict *out)
{
	rules_run_each(r, &name, 1, kind, rec, nrec, ctx, nctx, out);
	return out->result;
}

/* The word for a result, as rules return it and the API shows it. */
const char *
rules_result_name(enum rules_result res)
{
	if ((unsigned)res > RULES_ERROR)
		return "error";
	return result_names[res];
}

/* Why NAME failed to load, or NULL; valid until the next (re)load. */
const char *
rules_load_error(struct rules *r, const char *name)
{
	struct rule	*rule;

	if (r == NULL || name == NULL ||
	    (rule = find_rule(r->sb, name)) == NULL)
		return NULL;
	return rule->error;
}
