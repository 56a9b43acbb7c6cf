/*
 * kilnlib.c - the kiln table of helpers a rule can call (lua/README.md,
 * "What a rule can use"): money and dates as the rest of Kiln reads and
 * writes them, through value.c, so a rule and the C code never disagree
 * on what a date or an amount is.  Every argument is checked.
 */
#include "config.h"

#include <string.h>

#include <lua.h>
#include <lauxlib.h>

#include "sandbox.h"

/* Years of the range, for messages: see VALUE_YEAR_MIN in value.h. */
#define KILNLIB_STR(x)		#x
#define KILNLIB_XSTR(x)		KILNLIB_STR(x)
#define KILNLIB_YEARS		"years " KILNLIB_XSTR(VALUE_YEAR_MIN) "-" \
				KILNLIB_XSTR(VALUE_YEAR_MAX)
/* More days than any two dates of the range are apart: no overflow. */
#define KILNLIB_DAYS_MAX	4000000

/* luaL_check* for a date argument: days since 1970-01-01. */
static long long
check_date(lua_State *L, int arg)
{
	size_t		 len;
	const char	*s = luaL_checklstring(L, arg, &len);
	long long	 days = 0;
	int		 rc;

	rc = strlen(s) == len ? value_date_parse(s, &days) : -1;
	if (rc == -2)
		luaL_argerror(L, arg, "date out of range (" KILNLIB_YEARS ")");
	else if (rc != 0)
		luaL_argerror(L, arg, "date expected as YYYY-MM-DD");
	return days;
}

/* kiln.money(minor): money in minor units as "1234.50", never a float. */
static int
kiln_money(lua_State *L)
{
	lua_Integer	 v = luaL_checkinteger(L, 1);
	char		 buf[MONEY_BUFSZ];

	lua_pushstring(L, value_money_format(v, buf));
	return 1;
}

/* kiln.date_add(date, days): the date DAYS days after DATE. */
static int
kiln_date_add(lua_State *L)
{
	long long	 days = check_date(L, 1);
	lua_Integer	 n = luaL_checkinteger(L, 2);
	char		 buf[VALUE_DATE_BUFSZ];

	luaL_argcheck(L, n > -KILNLIB_DAYS_MAX && n < KILNLIB_DAYS_MAX, 2,
	    "too many days");
	if (value_date_format(days + n, buf) == NULL)
		return luaL_error(L, "date out of range (" KILNLIB_YEARS ")");
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

/*
 * kiln.today(): today in UTC, or the date the caller fixed in ctx.today:
 * the buffer kilnlib_open() was given, its upvalue.
 */
static int
kiln_today(lua_State *L)
{
	lua_pushstring(L, lua_touserdata(L, lua_upvalueindex(1)));
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
 * The kiln table, for the sandbox template (made read-only there);
 * kiln.today() reads today, a buffer kilnlib_set_today() fills.
 */
int
kilnlib_open(lua_State *L, char *today)
{
	luaL_newlibtable(L, kiln_funcs);
	lua_pushlightuserdata(L, today);
	luaL_setfuncs(L, kiln_funcs, 1);
	return 1;
}

/*
 * Fix the date kiln.today() gives for the coming calls: the host's
 * (ctx.today, so a dry run or a test can pin it), else today in UTC.
 */
void
kilnlib_set_today(char *today, const char *date)
{
	long long	 days;

	if (date != NULL && value_date_parse(date, &days) == 0)
		memcpy(today, date, VALUE_DATE_BUFSZ);
	else
		value_today(today);
}
