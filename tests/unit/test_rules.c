/*
 * test_rules.c - unit tests of the Lua rule sandbox (core/rules.c) and
 * of the shipped rules in lua/.
 *
 * Each test writes its rule files into its own mkdtemp() directory, so
 * tests are self-contained.  The shipped rules are read from
 * $KILN_LUA_DIR (default "lua", i.e. run from the top of the tree).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <lua.h>
#include <lauxlib.h>

#include "arena.h"
#include "i18n.h"
#include "rules.h"

#define TEST_INSTRUCTIONS	200000UL
#define TEST_MEMORY		((size_t)2 * 1024 * 1024)

/* Budget and memory small enough to trip fast; time out of the way. */
static const struct rules_limits test_limits = {
	TEST_INSTRUCTIONS, TEST_MEMORY, 20000, 0
};

struct fx {
	char		 dir[256];
	struct rules	*r;
};

static const char good_rule[] =
    "return { customer = function() return 'pass', 'fine' end }\n";

/* A fresh directory per test. */
static int
setup(void **state)
{
	struct fx	*f;
	const char	*tmp = getenv("TMPDIR");

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if ((size_t)snprintf(f->dir, sizeof(f->dir), "%s/kiln-rules-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp") >= sizeof(f->dir) ||
	    mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* Remove the test's directory (one level of subdirectories at most). */
static int
teardown(void **state)
{
	struct fx	*f = *state;
	DIR		*d;
	struct dirent	*de;

	rules_close(f->r);
	if ((d = opendir(f->dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0 &&
			    unlinkat(dirfd(d), de->d_name, 0) == -1)
				unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
		closedir(d);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Write FILE in DIR with TEXT (LEN bytes). */
static void
write_bytes(const char *dir, const char *file, const void *text, size_t len)
{
	char	 path[PATH_MAX];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Write rule NAME.lua in DIR. */
static void
write_rule(const char *dir, const char *name, const char *text)
{
	char	 file[128];

	snprintf(file, sizeof(file), "%s.lua", name);
	write_bytes(dir, file, text, strlen(text));
}

/* Open DIR with LIMITS, failing the test if that fails. */
static struct rules *
open_rules(const char *dir, const struct rules_limits *limits)
{
	struct rules	*r = rules_open(dir, limits);

	assert_non_null(r);
	return r;
}

/* Run NAME's KIND hook on a small customer with an empty context. */
static int
run(struct rules *r, const char *name, const char *kind,
    struct rules_verdict *v)
{
	static const struct rules_kv rec[] = {
		{ "name", RULES_STR, "Acme", 0 },
		{ "credit_limit", RULES_INT, NULL, 1000000 },
	};

	return rules_run(r, name, kind, rec, 2, NULL, 0, v);
}

/* Assert a verdict's result and that its message contains NEEDLE. */
static void
check_verdict(const struct rules_verdict *v, int got, const char *what,
    enum rules_result want, const char *needle)
{
	if (getenv("TEST_RULES_VERBOSE") != NULL)
		print_message("%s: %s \"%s\" [%s]\n", what,
		    rules_result_name(v->result), v->message, v->field);
	if (got != (int)want || v->result != want ||
	    (needle != NULL && strstr(v->message, needle) == NULL))
		print_error("%s: got %s \"%s\", want %s \"%s\"\n", what,
		    rules_result_name(v->result), v->message,
		    rules_result_name(want), needle ? needle : "");
	assert_int_equal(got, want);
	assert_int_equal(v->result, want);
	if (needle != NULL)
		assert_non_null(strstr(v->message, needle));
}

/* Run NAME's KIND hook and check the verdict. */
static void
expect(struct rules *r, const char *name, const char *kind,
    enum rules_result want, const char *needle)
{
	struct rules_verdict	 v;
	char			 what[128];

	snprintf(what, sizeof(what), "%s.%s", name, kind);
	check_verdict(&v, run(r, name, kind, &v), what, want, needle);
	assert_string_equal(v.rule, name);
}

/* The good rule still answers: the state survived whatever came before. */
static void
expect_good(struct rules *r)
{
	expect(r, "good", "customer", RULES_PASS, "fine");
}

/* One hook per case, written as "function M.KIND(c, ctx) CODE end". */
struct hook_case {
	const char	*kind;
	const char	*code;
	enum rules_result want;
	const char	*needle;
};

/* Write rule NAME with one hook per case, and the good rule; open them. */
static void
write_cases(struct fx *f, const char *name, const struct hook_case *cases,
    size_t n, const struct rules_limits *limits)
{
	char	*text;
	size_t	 size = 64, i, len;

	for (i = 0; i < n; i++)
		size += strlen(cases[i].kind) + strlen(cases[i].code) + 64;
	text = malloc(size);
	assert_non_null(text);
	len = (size_t)snprintf(text, size, "local M = {}\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, size - len,
		    "function M.%s(c, ctx) %s end\n", cases[i].kind,
		    cases[i].code);
	snprintf(text + len, size - len, "return M\n");
	write_rule(f->dir, name, text);
	free(text);
	write_rule(f->dir, "good", good_rule);
	f->r = open_rules(f->dir, limits);
	assert_null(rules_load_error(f->r, name));
}

/*
 * Write rule NAME with one hook per case, run each (and the good rule
 * after each), checking result and message.
 */
static void
run_cases(struct fx *f, const char *name, const struct hook_case *cases,
    size_t n, const struct rules_limits *limits)
{
	size_t	 i;

	write_cases(f, name, cases, n, limits);
	for (i = 0; i < n; i++) {
		expect(f->r, name, cases[i].kind, cases[i].want,
		    cases[i].needle);
		expect_good(f->r);
	}
}

/* pass/warn/hold/reject with message and field; bad returns are errors. */
static void
test_verdicts(void **state)
{
	struct fx		*f = *state;
	struct rules_verdict	 v;
	static const char *const words[] = { "pass", "warn", "hold", "reject" };
	struct rules_kv		 rec[1] = { { "want", RULES_STR, NULL, 0 } };
	struct arena		*a;
	size_t			 i;

	write_rule(f->dir, "v",
	    "local M = {}\n"
	    "function M.customer(c, ctx)\n"
	    "  if c.want == 'nil' then return nil end\n"
	    "  if c.want == 'maybe' then return 'maybe', 'x' end\n"
	    "  if c.want == 'number' then return 42 end\n"
	    "  if c.want == 'badmsg' then return 'warn', {} end\n"
	    "  if c.want == 'numbermsg' then return 'warn', 7 end\n"
	    "  if c.want == 'badlang' then return 'warn', { en = 1 } end\n"
	    "  if c.want == 'langs' then return 'hold',\n"
	    "    { zh = '\xe4\xb8\xad\x1f', en = 'English', fr = 'x' } end\n"
	    "  if c.want == 'badfield' then return 'hold', 'x', 'no such!' end\n"
	    "  if c.want == 'nomsg' then return 'hold' end\n"
	    "  if c.want == 'figure' then return 'warn', 'x', nil, 35 end\n"
	    "  if c.want == 'figure3' then return nil, nil, nil, 3.0 end\n"
	    "  if c.want == 'fraction' then return 'pass', nil, nil, 0.5 end\n"
	    "  if c.want == 'textfig' then return 'pass', nil, nil, '35' end\n"
	    "  return c.want, 'message for ' .. c.want, 'credit_limit'\n"
	    "end\n"
	    "return M\n");
	f->r = open_rules(f->dir, &test_limits);
	assert_int_equal(rules_has(f->r, "v", "customer"), 1);
	assert_int_equal(rules_has(f->r, "v", "order"), 0);
	assert_int_equal(rules_has(f->r, "nope", "customer"), 0);

	for (i = 0; i < 4; i++) {
		rec[0].s = words[i];
		assert_int_equal(rules_run(f->r, "v", "customer", rec, 1,
		    NULL, 0, &v), (int)i);
		assert_int_equal(v.result, (enum rules_result)i);
		assert_string_equal(rules_result_name(v.result), words[i]);
		assert_string_equal(v.rule, "v");
		assert_string_equal(v.field, "credit_limit");
		assert_string_equal(v.message + strlen("message for "),
		    words[i]);
	}

	/* the rule name may come from the verdict being filled */
	rec[0].s = "warn";
	check_verdict(&v, rules_run(f->r, v.rule, "customer", rec, 1, NULL, 0,
	    &v), "aliased name", RULES_WARN, "message for warn");

	rec[0].s = "nil";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "nil", RULES_PASS, NULL);
	assert_string_equal(v.message, "");
	assert_string_equal(v.field, "");
	rec[0].s = "nomsg";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "nomsg", RULES_HOLD, NULL);
	assert_string_equal(v.message, "");
	rec[0].s = "maybe";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "maybe", RULES_ERROR, "rule v: returned invalid result "
	    "'maybe'");
	rec[0].s = "number";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "number", RULES_ERROR, "invalid result (a number value)");
	rec[0].s = "badmsg";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "badmsg", RULES_ERROR, "needs a text for en or zh");
	rec[0].s = "badlang";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "badlang", RULES_ERROR, "needs a text for en or zh");
	rec[0].s = "numbermsg";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "numbermsg", RULES_ERROR, "number value as message");
	/* A message in two languages: each reader gets theirs. */
	rec[0].s = "langs";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "langs", RULES_HOLD, NULL);
	assert_string_equal(v.message, "\x1f" "en\x1e" "English"
	    "\x1f" "zh\x1e" "\xe4\xb8\xad ");
	a = arena_new(4096);
	i18n_select("");
	assert_string_equal(i18n_pick(a, v.message), "English");
	i18n_select("zh-CN,zh;q=0.9");
	assert_string_equal(i18n_pick(a, v.message), "\xe4\xb8\xad ");
	i18n_select("");
	assert_string_equal(i18n_pick(a, "plain"), "plain");
	arena_free(a);
	rec[0].s = "badfield";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "badfield", RULES_ERROR, "invalid field 'no such!'");
	assert_string_equal(v.field, "");

	/* A figure (ABI 8): an integer, or none. */
	rec[0].s = "figure";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "figure", RULES_WARN, "x");
	assert_int_equal(v.has_number, 1);
	assert_int_equal(v.number, 35);
	rec[0].s = "figure3";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "figure3", RULES_PASS, NULL);
	assert_int_equal(v.has_number, 1);
	assert_int_equal(v.number, 3);
	rec[0].s = "nomsg";
	(void)rules_run(f->r, "v", "customer", rec, 1, NULL, 0, &v);
	assert_int_equal(v.has_number, 0);
	rec[0].s = "fraction";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "fraction", RULES_ERROR, "not an integer");
	assert_int_equal(v.has_number, 0);
	rec[0].s = "textfig";
	check_verdict(&v, rules_run(f->r, "v", "customer", rec, 1, NULL, 0,
	    &v), "textfig", RULES_ERROR, "string value as its figure");

	expect(f->r, "v", "order", RULES_ERROR, "rule v has no 'order' hook");
	expect(f->r, "nope", "customer", RULES_ERROR, "rule nope: no such rule");
	assert_string_equal(rules_result_name(RULES_ERROR), "error");
}

/* Records and ctx arrive typed and read-only; pairs() walks them. */
static void
test_record_and_ctx(void **state)
{
	struct fx		*f = *state;
	struct rules_verdict	 v;
	static const struct rules_kv rec[] = {
		{ "name", RULES_STR, "Acme 有限公司", 0 },
		{ "credit_limit", RULES_INT, NULL, 123450 },
		{ "active", RULES_BOOL, NULL, 1 },
		{ "gone", RULES_NIL, NULL, 0 },
		{ NULL, RULES_STR, "ignored", 0 },
	};
	static const struct rules_kv ctx[] = {
		{ "user", RULES_STR, "li.wei", 0 },
	};

	write_rule(f->dir, "rc",
	    "local M = {}\n"
	    "function M.customer(c, ctx)\n"
	    "  local n = 0\n"
	    "  for k, v in pairs(c) do n = n + 1 end\n"
	    "  return 'warn', string.format('%s|%d|%s|%s|%s|%d|%s|%s',\n"
	    "    c.name, c.credit_limit, math.type(c.credit_limit),\n"
	    "    tostring(c.active), tostring(c.gone), n, ctx.user,\n"
	    "    tostring(c):match('^record'))\n"
	    "end\n"
	    "return M\n");
	f->r = open_rules(f->dir, &test_limits);
	check_verdict(&v, rules_run(f->r, "rc", "customer", rec, 5, ctx, 1,
	    &v), "rc", RULES_WARN,
	    "Acme 有限公司|123450|integer|true|nil|3|li.wei|record");
	check_verdict(&v, rules_run(f->r, "rc", "customer", NULL, 0, ctx, 1,
	    &v), "rc", RULES_ERROR, "rc.lua:5:");
}

/* Records, ctx, globals and libraries cannot be written. */
static void
test_readonly(void **state)
{
	static const struct hook_case cases[] = {
		{ "w_record", "c.name = 'x'", RULES_ERROR,
		  "rule ro failed: ro.lua:2: attempt to modify read-only table "
		  "'record' (key 'name')" },
		{ "w_ctx", "ctx.user = 'x'", RULES_ERROR,
		  "read-only table 'ctx'" },
		{ "w_global", "x = 1", RULES_ERROR,
		  "ro.lua:4: attempt to assign to global 'x'" },
		{ "w_G", "_G.x = 1", RULES_ERROR, "assign to global 'x'" },
		{ "w_ENV", "_ENV.print = 1", RULES_ERROR,
		  "assign to global 'print'" },
		{ "w_string", "string.upper = nil", RULES_ERROR,
		  "read-only table 'string' (key 'upper')" },
		{ "w_table", "table.insert = nil", RULES_ERROR,
		  "read-only table 'table'" },
		{ "w_math", "math.pi = 3", RULES_ERROR,
		  "read-only table 'math'" },
		{ "w_utf8", "utf8.x = 1", RULES_ERROR,
		  "read-only table 'utf8'" },
		{ "w_kiln", "kiln.today = function() return '2000-01-01' end",
		  RULES_ERROR, "read-only table 'kiln'" },
		{ "w_insert", "table.insert(string, 1)", RULES_ERROR,
		  "ro.lua:12: attempt to modify read-only table 'string'" },
		{ "w_setmt", "setmetatable(string, {})", RULES_ERROR,
		  "cannot change a protected metatable" },
		{ "w_setmt_rec", "setmetatable(c, {})", RULES_ERROR,
		  "cannot change a protected metatable" },
		{ "w_strmeta", "getmetatable('').__index.upper = nil",
		  RULES_ERROR, "attempt to index a boolean value" },
		{ "w_rawset", "rawset(_G, 'x', 1)", RULES_ERROR,
		  "global 'rawset'" },
		{ "w_method", "local s = 'x'; s.upper = nil", RULES_ERROR,
		  "attempt to index a string value" },
		{ "libs_ok", "return 'warn', string.upper('a') .. "
		  "tostring(getmetatable('')) .. #table.concat({'x', 'y'}) .. "
		  "math.floor(2.5) .. utf8.char(0x4e2d)", RULES_WARN,
		  "Afalse22中" },
		{ "pairs_lib", "local n = 0; for k in pairs(string) do "
		  "n = n + 1 end; return n > 10 and 'pass' or 'reject'",
		  RULES_PASS, NULL },
		{ "own_tables", "local t = setmetatable({}, {__index = "
		  "function(t, k) return k .. '!' end}); t.y = 1; "
		  "return 'warn', t.x .. t.y", RULES_WARN, "x!1" },
	};
	struct fx	*f = *state;

	run_cases(f, "ro", cases, sizeof(cases) / sizeof(cases[0]),
	    &test_limits);
}

/* Everything outside the sandbox is out of reach, and says so. */
static void
test_escapes(void **state)
{
	static const struct hook_case cases[] = {
		{ "io", "return io.open('/etc/passwd')", RULES_ERROR,
		  "rule esc failed: esc.lua:2: attempt to index a nil value "
		  "(global 'io')" },
		{ "os", "os.execute('true')", RULES_ERROR, "global 'os'" },
		{ "require", "require('os')", RULES_ERROR,
		  "require os: cannot read os.lua" },
		{ "require_path", "require('/etc/passwd')", RULES_ERROR,
		  "'/etc/passwd' is not a module of the rules directory" },
		{ "debug", "debug.getregistry()", RULES_ERROR,
		  "global 'debug'" },
		{ "package", "package.loadlib('libc.so.6', 'system')",
		  RULES_ERROR, "global 'package'" },
		{ "load", "load('return 1')()", RULES_ERROR, "global 'load'" },
		{ "loadfile", "loadfile('/etc/passwd')", RULES_ERROR,
		  "global 'loadfile'" },
		{ "dofile", "dofile('/etc/passwd')", RULES_ERROR,
		  "global 'dofile'" },
		{ "print", "print('x')", RULES_ERROR, "global 'print'" },
		{ "warn", "warn('x')", RULES_ERROR, "global 'warn'" },
		{ "collectgarbage", "collectgarbage('stop')", RULES_ERROR,
		  "global 'collectgarbage'" },
		{ "coroutine", "coroutine.create(print)", RULES_ERROR,
		  "global 'coroutine'" },
		{ "dump", "string.dump(function() end)", RULES_ERROR,
		  "field 'dump'" },
		{ "method_dump", "('').dump(function() end)", RULES_ERROR,
		  "'dump'" },
		{ "random", "math.random()", RULES_ERROR, "field 'random'" },
		{ "gc", "setmetatable({}, {__gc = function() end})",
		  RULES_ERROR, "__gc metamethods are not allowed" },
		{ "registry", "return 'warn', tostring(rawget(_G, 'string'))",
		  RULES_WARN, "nil" },
	};
	struct fx	*f = *state;

	run_cases(f, "esc", cases, sizeof(cases) / sizeof(cases[0]),
	    &test_limits);
}

/* lua_Writer into a FILE. */
static int
dump_writer(lua_State *L, const void *p, size_t size, void *ud)
{
	(void)L;
	return fwrite(p, 1, size, ud) == size ? 0 : 1;
}

/* A precompiled chunk is refused, even under a .lua name. */
static void
test_bytecode(void **state)
{
	struct fx	*f = *state;
	lua_State	*L;
	char		 path[PATH_MAX];
	FILE		*fp;
	const char	*err;

	L = luaL_newstate();
	assert_non_null(L);
	assert_int_equal(luaL_loadstring(L, "return { customer = function() "
	    "return 'reject', 'from bytecode' end }"), LUA_OK);
	snprintf(path, sizeof(path), "%s/bc.lua", f->dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(lua_dump(L, dump_writer, fp, 0), 0);
	assert_int_equal(fclose(fp), 0);
	lua_close(L);
	write_rule(f->dir, "good", good_rule);

	f->r = open_rules(f->dir, &test_limits);
	err = rules_load_error(f->r, "bc");
	assert_non_null(err);
	assert_non_null(strstr(err, "rule bc failed to load: bc.lua: "
	    "attempt to load a binary chunk"));
	assert_int_equal(rules_has(f->r, "bc", "customer"), 0);
	expect(f->r, "bc", "customer", RULES_ERROR, err);
	expect_good(f->r);
}

/* A file that fails to load is recorded; the others load regardless. */
static void
test_load_failures(void **state)
{
	static const struct {
		const char	*name;
		const char	*text;
		const char	*needle;
	} bad[] = {
		{ "syntax", "local x = = 1\n",
		  "rule syntax failed to load: syntax.lua:1:" },
		{ "notable", "return 42\n",
		  "notable.lua must return a table of hook functions, not a "
		  "number value" },
		{ "boom", "\nerror('boom at load')\n",
		  "rule boom failed to load: boom.lua:2: boom at load" },
		{ "spin", "while true do end\n",
		  "rule spin exceeded its instruction budget of 200000 while "
		  "loading (spin.lua:1)" },
		{ "spin_pcall", "pcall(function()\nwhile true do end\nend)\n"
		  "return { customer = function() end }\n",
		  "rule spin_pcall exceeded its instruction budget of 200000 "
		  "while loading (spin_pcall.lua:2)" },
		{ "hog", "local s = 'x' while true do s = s .. s end\n",
		  "rule hog exceeded its memory limit of 2048 KiB while "
		  "loading" },
		{ "empty", "return {}\n", "empty.lua returned no hook functions" },
		{ "badhook", "return { customer = function() end, order = 42 "
		  "}\n", "badhook.lua: hook 'order' is a number value, not a "
		  "function" },
		{ "badkind", "return { function() end }\n",
		  "badkind.lua returned a key that is not a record kind" },
		{ "libwrite", "string.x = 1\nreturn { customer = print }\n",
		  "libwrite.lua:1: attempt to modify read-only table 'string'" },
	};
	struct fx	*f = *state;
	const char	*err;
	char		 sub[PATH_MAX];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		write_rule(f->dir, bad[i].name, bad[i].text);
	write_rule(f->dir, "good", good_rule);
	/* not rule files: ignored */
	write_rule(f->dir, "Bad-Name", good_rule);
	write_bytes(f->dir, "notes.txt", "x", 1);
	write_bytes(f->dir, "good.lua~", "x", 1);
	write_bytes(f->dir, ".hidden.lua", good_rule, strlen(good_rule));
	snprintf(sub, sizeof(sub), "%s/dir.lua", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);

	f->r = open_rules(f->dir, &test_limits);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = rules_load_error(f->r, bad[i].name);
		if (err == NULL || strstr(err, bad[i].needle) == NULL)
			print_error("%s: load error \"%s\", want \"%s\"\n",
			    bad[i].name, err ? err : "(none)", bad[i].needle);
		assert_non_null(err);
		assert_non_null(strstr(err, bad[i].needle));
		assert_int_equal(rules_has(f->r, bad[i].name, "customer"), 0);
		expect(f->r, bad[i].name, "customer", RULES_ERROR, err);
		expect_good(f->r);
	}
	assert_null(rules_load_error(f->r, "good"));
	assert_null(rules_load_error(f->r, "Bad-Name"));
	assert_int_equal(rules_has(f->r, "Bad-Name", "customer"), 0);
	assert_int_equal(rules_has(f->r, "dir", "customer"), 0);
	assert_int_equal(rules_has(f->r, ".hidden", "customer"), 0);
	expect(f->r, "notes", "customer", RULES_ERROR, "no such rule");
}

/* The budget cannot be caught: pcall, xpcall, handlers, tail calls. */
static void
test_budget(void **state)
{
	static const struct hook_case cases[] = {
		{ "loop", "\nwhile true do end", RULES_ERROR,
		  "rule spin exceeded its instruction budget of 200000 "
		  "(spin.lua:3)" },
		{ "pcall_loop", "pcall(function() while true do end end) "
		  "return 'pass'", RULES_ERROR, "instruction budget" },
		{ "pcall_many", "for i = 1, 100 do pcall(function() while "
		  "true do end end) end return 'pass'", RULES_ERROR,
		  "instruction budget" },
		{ "pcall_tail", "return pcall(function() while true do end "
		  "end)", RULES_ERROR, "instruction budget" },
		{ "xpcall_loop", "xpcall(function() while true do end end, "
		  "function() while true do end end) return 'pass'",
		  RULES_ERROR, "instruction budget" },
		{ "xpcall_handler", "xpcall(function() error('x') end, "
		  "function() while true do end end) return 'pass'",
		  RULES_ERROR, "instruction budget" },
		{ "gsub_loop", "string.gsub('abc', '%w', function() while "
		  "true do end end)", RULES_ERROR, "instruction budget" },
		{ "sort_loop", "pcall(table.sort, {3, 2, 1}, function() while "
		  "true do end end) return 'pass'", RULES_ERROR,
		  "instruction budget" },
		{ "close_loop", "local x <close> = setmetatable({}, {__close = "
		  "function() while true do end end}) while true do end",
		  RULES_ERROR, "instruction budget" },
		{ "pcall_ok", "local ok, m = pcall(error, 'caught') "
		  "return 'warn', tostring(ok) .. ' ' .. m", RULES_WARN,
		  "false caught" },
		{ "xpcall_ok", "local ok, m = xpcall(function() error('inner') "
		  "end, function(m) return 'handled: ' .. m end) "
		  "return 'warn', m", RULES_WARN, "handled: spin.lua:" },
		{ "xpcall_args", "return 'warn', select('#', xpcall(function(a, "
		  "b) return a, b, 3 end, tostring, 1, 2)) .. '/' .. "
		  "select(2, xpcall(function(a) return a end, tostring, 'z'))",
		  RULES_WARN, "4/z" },
		{ "busy_ok", "local n = 0 for i = 1, 10000 do n = n + i end "
		  "return 'warn', tostring(n)", RULES_WARN, "50005000" },
	};
	struct fx	*f = *state;

	run_cases(f, "spin", cases, sizeof(cases) / sizeof(cases[0]),
	    &test_limits);
}

/*
 * The wall clock stops a rule whatever its instruction budget, and a
 * long library call the hook could not interrupt still counts as late.
 */
static void
test_time_limit(void **state)
{
	static const struct hook_case cases[] = {
		{ "loop", "while true do end", RULES_ERROR,
		  "rule slow exceeded its time limit of 50 ms (slow.lua:2)" },
		{ "pattern", "string.find(string.rep('a', 170), "
		  "string.rep('a*', 3) .. 'b') return 'pass'", RULES_ERROR,
		  "rule slow exceeded its time limit of 50 ms" },
	};
	/* time_scale stretches the clock for instrumented runs (valgrind). */
	static const struct hook_case scaled[] = {
		{ "loop", "while true do end", RULES_ERROR,
		  "rule slowed exceeded its time limit of 150 ms (slowed.lua:2)" },
	};
	static const struct rules_limits limits = {
		4000000000UL, TEST_MEMORY, 50, 0
	}, limits3 = {
		4000000000UL, TEST_MEMORY, 50, 3
	};
	struct fx	*f = *state;

	run_cases(f, "slow", cases, sizeof(cases) / sizeof(cases[0]),
	    &limits);
	rules_close(f->r);
	run_cases(f, "slowed", scaled, 1, &limits3);
}

/* The memory cap ends every way of hoarding memory, uncatchably. */
static void
test_memory(void **state)
{
	static const struct hook_case cases[] = {
		{ "double", "local s = 'x' while true do s = s .. s end",
		  RULES_ERROR, "rule mem exceeded its memory limit of 2048 KiB" },
		{ "double_again", "local s = 'x' while true do s = s .. s end",
		  RULES_ERROR, "exceeded its memory limit" },
		{ "rep", "return string.rep('x', 1 << 40)", RULES_ERROR,
		  "exceeded its memory limit" },
		{ "rep_sep", "return string.rep('x', 1 << 20, ',,')",
		  RULES_ERROR, "exceeded its memory limit" },
		{ "rep_overflow", "return string.rep('xy', math.maxinteger)",
		  RULES_ERROR, "exceeded its memory limit" },
		{ "table", "local t, i = {}, 1 while true do t[i] = i; "
		  "i = i + 1 end", RULES_ERROR, "exceeded its memory limit" },
		{ "hash", "local t, i = {}, 1 while true do t['k' .. i] = i; "
		  "i = i + 1 end", RULES_ERROR, "exceeded its memory limit" },
		{ "pcall_double", "pcall(function() local s = 'x' while true do "
		  "s = s .. s end end) return 'pass'", RULES_ERROR,
		  "exceeded its memory limit" },
		{ "pcall_rep", "pcall(string.rep, 'x', 1 << 40) return 'pass'",
		  RULES_ERROR, "exceeded its memory limit" },
		{ "concat", "local t = {} for i = 1, 300 do t[i] = "
		  "string.rep('x', 1000) end local s = table.concat(t) "
		  "return 'warn', tostring(#s)", RULES_WARN, "300000" },
	};
	struct fx	*f = *state;
	static const struct rules_limits limits = {
		50000000UL, TEST_MEMORY, 20000, 0
	};

	run_cases(f, "mem", cases, sizeof(cases) / sizeof(cases[0]),
	    &limits);
}

/* Deep recursion of every kind ends in an error, not a crash. */
static void
test_recursion(void **state)
{
	static const struct hook_case cases[] = {
		{ "lua", "local function f(n) return f(n + 1) + 1 end "
		  "return f(1)", RULES_ERROR, "rule deep " },
		{ "lua_pcall", "local function f(n) return f(n + 1) + 1 end "
		  "pcall(f, 1) return 'pass'", RULES_ERROR, "rule deep " },
		{ "gsub", "local function f() return (string.gsub('x', 'x', "
		  "f)) end return f()", RULES_ERROR,
		  "rule deep failed: deep.lua:4: C stack overflow" },
		{ "pattern", "return string.match(string.rep('a', 400), "
		  "string.rep('a?', 400) .. string.rep('a', 400))",
		  RULES_ERROR, "pattern too complex" },
		{ "tostring", "local t = setmetatable({}, {__tostring = "
		  "function(s) return tostring(s) end}) return tostring(t)",
		  RULES_ERROR, "rule deep " },
		{ "index", "local t = setmetatable({}, {}) "
		  "getmetatable(t).__index = function(s, k) return s[k] end "
		  "return t.x", RULES_ERROR, "rule deep " },
		{ "index_chain", "local t = {} setmetatable(t, {__index = t}) "
		  "return t.x", RULES_ERROR, "'__index' chain too long" },
		{ "sort", "local t = {} for i = 1, 50 do t[i] = i end "
		  "local function cmp(a, b) table.sort(t, cmp) return a < b end "
		  "table.sort(t, cmp)", RULES_ERROR, "rule deep " },
	};
	struct fx	*f = *state;
	static const struct rules_limits limits = {
		50000000UL, TEST_MEMORY, 20000, 0
	};

	run_cases(f, "deep", cases, sizeof(cases) / sizeof(cases[0]),
	    &limits);
}

/* Library loops that would spin in C on a tiny input are bounded. */
static void
test_c_loops(void **state)
{
	static const struct hook_case cases[] = {
		{ "rep_empty", "return 'warn', tostring(#string.rep('', "
		  "math.maxinteger))", RULES_WARN, "0" },
		{ "rep_empty_sep", "return 'warn', tostring(#('')"
		  ":rep(math.maxinteger, ''))", RULES_WARN, "0" },
		{ "rep_ok", "return 'warn', string.rep('ab', 3, '-')",
		  RULES_WARN, "ab-ab-ab" },
		{ "move", "table.move({}, 1, 1 << 50, 2)", RULES_ERROR,
		  "table.move: too many elements" },
		{ "insert_len", "local t = setmetatable({}, {__len = function() "
		  "return 1 << 50 end}) table.insert(t, 1, 'x')", RULES_ERROR,
		  "table.insert: too many elements" },
		{ "remove_len", "local t = setmetatable({}, {__len = function() "
		  "return 1 << 50 end}) table.remove(t, 1)", RULES_ERROR,
		  "table.remove: too many elements" },
		{ "insert_sparse", "local t = {} for i = 0, 50 do t[1 << i] = "
		  "true end pcall(table.insert, t, 1, 'x') return 'pass'",
		  RULES_PASS,
		  NULL },
		{ "list_ok", "local t = {1, 2, 3} table.insert(t, 1, 0) "
		  "table.insert(t, 9) local r = table.remove(t, 2) "
		  "table.remove(t) local m = table.move({1, 2, 3}, 1, 3, 2) "
		  "return 'warn', table.concat(t, ',') .. '|' .. r .. '|' .. "
		  "table.concat(m, ',')", RULES_WARN, "0,2,3|1|1,1,2,3" },
		{ "insert_args", "table.insert({}, 1, 2, 3)", RULES_ERROR,
		  "wrong number of arguments to 'insert'" },
		{ "insert_pos", "table.insert({}, 5, 1)", RULES_ERROR,
		  "position out of bounds" },
	};
	struct fx	*f = *state;

	run_cases(f, "cl", cases, sizeof(cases) / sizeof(cases[0]),
	    &test_limits);
}

/* The kiln helpers: money, dates, today; arguments checked. */
static void
test_helpers(void **state)
{
	static const struct hook_case cases[] = {
		{ "all", "return 'warn', table.concat({kiln.money(123450), "
		  "kiln.money(-5), kiln.money(0), kiln.money(math.mininteger), "
		  "kiln.date_add('2024-02-28', 1), "
		  "kiln.date_add('2024-03-01', -1), "
		  "kiln.date_add('2023-12-31', 1), "
		  "kiln.date_add('1999-12-31', 36525), "
		  "kiln.days_between('2024-01-01', '2025-01-01'), "
		  "kiln.days_between('2024-03-01', '2024-02-01'), "
		  "kiln.today()}, '|')", RULES_WARN,
		  "1234.50|-0.05|0.00|-92233720368547758.08|2024-02-29|"
		  "2024-02-29|2024-01-01|2099-12-31|366|-29|2026-11-26" },
		{ "bad_date", "kiln.date_add('2023-02-29', 1)", RULES_ERROR,
		  "bad argument #1 to 'date_add' (date expected as YYYY-MM-DD)" },
		{ "bad_date2", "kiln.days_between('2024-01-01', '2024-1-1')",
		  RULES_ERROR, "bad argument #2" },
		{ "bad_days", "kiln.date_add('2024-01-01', 'x')", RULES_ERROR,
		  "bad argument #2" },
		{ "far_days", "kiln.date_add('2024-01-01', 1 << 40)",
		  RULES_ERROR, "too many days" },
		{ "range", "kiln.date_add('9999-12-31', 1)", RULES_ERROR,
		  "date out of range" },
		{ "bad_money", "kiln.money(1.5)", RULES_ERROR,
		  "number has no integer representation" },
		{ "bad_money2", "kiln.money({})", RULES_ERROR,
		  "bad argument #1 to 'money'" },
		{ "no_date", "kiln.days_between()", RULES_ERROR,
		  "bad argument #1" },
	};
	struct fx		*f = *state;
	struct rules_verdict	 v;
	static const struct rules_kv ctx[] = {
		{ "today", RULES_STR, "2026-11-26", 0 },
	};
	static const struct rules_kv bad_ctx[] = {
		{ "today", RULES_STR, "yesterday", 0 },
	};
	char			 today[16];
	time_t			 now;
	struct tm		 tm;
	size_t			 i;

	write_cases(f, "h", cases, sizeof(cases) / sizeof(cases[0]),
	    &test_limits);
	check_verdict(&v, rules_run(f->r, "h", "all", NULL, 0, ctx, 1, &v),
	    "all", RULES_WARN, "|2026-11-26");
	for (i = 1; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect(f->r, "h", cases[i].kind, cases[i].want,
		    cases[i].needle);

	/* without an override (or a bad one), today is today in UTC */
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "|%Y-%m-%d", &tm);
	check_verdict(&v, rules_run(f->r, "h", "all", NULL, 0, bad_ctx, 1,
	    &v), "all", RULES_WARN, today);
}

/* Each rule has its own globals; writes at load time stay its own. */
static void
test_isolation(void **state)
{
	struct fx	*f = *state;

	write_rule(f->dir, "a",
	    "shared = 'from a'\n"
	    "function helper() return shared end\n"
	    "string_backup = string\n"
	    "return { customer = function() return 'warn', helper() end }\n");
	write_rule(f->dir, "b",
	    "return { customer = function() return 'warn', "
	    "tostring(shared) .. ' ' .. tostring(helper) end }\n");
	f->r = open_rules(f->dir, &test_limits);
	expect(f->r, "a", "customer", RULES_WARN, "from a");
	expect(f->r, "b", "customer", RULES_WARN, "nil nil");
}

/*
 * require() gives a rule the modules of its own directory only, once
 * per load, read-only at every depth; a module is no rule.
 */
static void
test_require(void **state)
{
	struct fx	*f = *state;
	const char	*names[8];
	char		 path[PATH_MAX];

	write_rule(f->dir, "settings", "local days = 30\n"
	    "return { overdue_days = days, longest = { prospect = 'prepaid',"
	    " key_account = 'net90' }, list = { 'a', 'b' } }\n");
	write_rule(f->dir, "a", "local S = require('settings')\n"
	    "return { order = function() return 'warn', S.overdue_days .. ' '"
	    " .. S.longest.key_account .. ' ' .. S.list[2] .. ' ' .. #S.list"
	    " end }\n");
	/* A module is data: a function in it would be shared state. */
	write_rule(f->dir, "helpers", "return { f = function() end }\n");
	write_rule(f->dir, "usefn", "require('helpers')\n"
	    "return { order = function() end }\n");
	write_rule(f->dir, "b", "local S = require 'settings'\n"
	    "return { order = function() return 'warn', "
	    "tostring(S == require('settings')) end,\n"
	    "customer = function() S.longest.prospect = 'net90' end,\n"
	    "product = function() S.overdue_days = 1 end }\n");
	write_rule(f->dir, "dots", "require('settings.x')\n"
	    "return { order = function() end }\n");
	write_rule(f->dir, "up", "require('../settings')\n"
	    "return { order = function() end }\n");
	write_rule(f->dir, "none", "require('nosuch')\n"
	    "return { order = function() end }\n");
	write_rule(f->dir, "loop", "require('loop2')\n"
	    "return { order = function() end }\n");
	write_rule(f->dir, "loop2", "require('loop')\nreturn { x = 1 }\n");
	write_rule(f->dir, "good", good_rule);
	f->r = open_rules(f->dir, &test_limits);
	expect(f->r, "a", "order", RULES_WARN, "30 net90 b 2");
	expect(f->r, "b", "order", RULES_WARN, "true");
	assert_non_null(strstr(rules_load_error(f->r, "usefn"),
	    "a module holds data, not functions"));
	expect(f->r, "b", "customer", RULES_ERROR,
	    "attempt to modify read-only table 'module' (key 'prospect')");
	expect(f->r, "b", "product", RULES_ERROR,
	    "attempt to modify read-only table 'module' (key 'overdue_days')");
	expect(f->r, "a", "order", RULES_WARN, "30 net90 b 2");
	assert_non_null(strstr(rules_load_error(f->r, "dots"),
	    "'settings.x' is not a module of the rules directory"));
	assert_non_null(strstr(rules_load_error(f->r, "up"),
	    "is not a module"));
	assert_non_null(strstr(rules_load_error(f->r, "none"),
	    "rule none failed to load: none.lua:1: require nosuch: cannot read"
	    " nosuch.lua"));
	assert_non_null(strstr(rules_load_error(f->r, "loop"),
	    "requires itself"));
	/* A module is no rule: not listed, not broken. */
	assert_null(rules_load_error(f->r, "settings"));
	assert_int_equal(rules_has(f->r, "settings", "order"), 0);
	/* Rules of a kind: hooked or broken, in file-name order. */
	assert_int_equal(rules_with_hook(f->r, "order", names, 8), 8);
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "b");
	assert_string_equal(names[2], "dots");
	assert_string_equal(names[3], "loop");
	assert_string_equal(names[4], "loop2");	/* broken by the loop */
	assert_string_equal(names[5], "none");
	assert_string_equal(names[6], "up");
	assert_string_equal(names[7], "usefn");	/* broken by its module */
	assert_int_equal(rules_with_hook(f->r, "customer", names, 2), 8);
	assert_string_equal(names[0], "b");
	assert_string_equal(names[1], "dots");
	assert_int_equal(rules_with_hook(f->r, "customer", NULL, 0), 8);

	/* A broken module names itself in every rule that needs it. */
	write_rule(f->dir, "settings", "return { overdue_days = = 1 }\n");
	assert_int_equal(rules_reload(f->r), 0);
	assert_non_null(strstr(rules_load_error(f->r, "a"),
	    "rule a failed to load: a.lua:1: require settings: settings.lua:1:"
	    " unexpected symbol"));
	assert_non_null(strstr(rules_load_error(f->r, "b"),
	    "require settings: settings.lua:1:"));
	/* Removed: the rules that need it fail, the others go on. */
	snprintf(path, sizeof(path), "%s/settings.lua", f->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rules_refresh(f->r), 1);
	assert_non_null(strstr(rules_load_error(f->r, "a"),
	    "cannot read settings.lua"));
	expect_good(f->r);
}

/* A module that spins or hogs fails the rule's load, by the limits. */
static void
test_require_limits(void **state)
{
	struct fx	*f = *state;

	write_rule(f->dir, "spin", "while true do end\n");
	write_rule(f->dir, "hog", "local t = {} for i = 1, 1e9 do t[i] = i end\n");
	write_rule(f->dir, "deep", "local t = {} local c = t for i = 1, 40 do"
	    " c.x = {} c = c.x end return t\n");
	write_rule(f->dir, "a", "require('spin')\n"
	    "return { order = function() end }\n");
	write_rule(f->dir, "b", "require('hog')\n"
	    "return { order = function() end }\n");
	write_rule(f->dir, "c", "require('deep')\n"
	    "return { order = function() end }\n");
	write_rule(f->dir, "good", good_rule);
	f->r = open_rules(f->dir, &test_limits);
	assert_non_null(strstr(rules_load_error(f->r, "a"),
	    "rule a exceeded its instruction budget"));
	assert_non_null(strstr(rules_load_error(f->r, "b"),
	    "rule b exceeded its memory limit"));
	assert_non_null(strstr(rules_load_error(f->r, "c"),
	    "nested more than 16 deep"));
	expect_good(f->r);
}

/* Set FILE's mtime SECS into the future, as an edit in another tick. */
static void
bump_mtime(const char *dir, const char *file, int secs)
{
	char		 path[PATH_MAX];
	struct timespec	 ts[2];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec += secs;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* refresh notices changed, added, broken, fixed and removed files. */
static void
test_refresh(void **state)
{
	struct fx	*f = *state;
	char		 path[PATH_MAX];

	write_rule(f->dir, "v", "return { customer = function() "
	    "return 'warn', 'one' end }\n");
	f->r = open_rules(f->dir, &test_limits);
	expect(f->r, "v", "customer", RULES_WARN, "one");
	assert_int_equal(rules_refresh(f->r), 0);
	assert_int_equal(rules_refresh(f->r), 0);

	write_rule(f->dir, "v", "return { customer = function() "
	    "return 'warn', 'two' end }\n");
	bump_mtime(f->dir, "v.lua", 10);
	assert_int_equal(rules_refresh(f->r), 1);
	expect(f->r, "v", "customer", RULES_WARN, "two");
	assert_int_equal(rules_refresh(f->r), 0);

	write_rule(f->dir, "w", good_rule);
	assert_int_equal(rules_refresh(f->r), 1);
	assert_int_equal(rules_has(f->r, "w", "customer"), 1);
	expect(f->r, "v", "customer", RULES_WARN, "two");

	write_rule(f->dir, "w", "return {\n");
	bump_mtime(f->dir, "w.lua", 20);
	assert_int_equal(rules_refresh(f->r), 1);
	assert_non_null(rules_load_error(f->r, "w"));
	assert_int_equal(rules_refresh(f->r), 0);
	write_rule(f->dir, "w", good_rule);
	bump_mtime(f->dir, "w.lua", 30);
	assert_int_equal(rules_refresh(f->r), 1);
	assert_null(rules_load_error(f->r, "w"));

	snprintf(path, sizeof(path), "%s/v.lua", f->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rules_refresh(f->r), 1);
	assert_int_equal(rules_has(f->r, "v", "customer"), 0);
	expect(f->r, "v", "customer", RULES_ERROR, "rule v: no such rule");
	assert_int_equal(rules_has(f->r, "w", "customer"), 1);

	assert_int_equal(rules_reload(f->r), 0);
	assert_int_equal(rules_has(f->r, "w", "customer"), 1);

	/* a vanished directory is an error; the loaded rules keep serving */
	snprintf(path, sizeof(path), "%s/w.lua", f->dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(f->dir), 0);
	assert_int_equal(rules_refresh(f->r), -1);
	assert_int_equal(rules_reload(f->r), -1);
	assert_int_equal(rules_has(f->r, "w", "customer"), 1);
	assert_int_equal(mkdir(f->dir, 0700), 0);
	assert_null(rules_open("/nonexistent/kiln-rules", &test_limits));
}

/* Whether S is valid UTF-8 without NUL or control bytes (tabs aside). */
static int
clean_utf8(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	int			 n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			if ((*p < 0x20 && *p != '\t' && *p != '\n') ||
			    *p == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 4;
		else
			return 0;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

/* Messages come back as clean UTF-8, cut at a character boundary. */
static void
test_messages(void **state)
{
	static const struct hook_case cases[] = {
		{ "long", "return 'warn', string.rep('é', 400)", RULES_WARN,
		  "éé" },
		{ "long_cjk", "return 'warn', 'x' .. string.rep('信用', 200)",
		  RULES_WARN, "x信用" },
		{ "long_error", "error(string.rep('超', 300))", RULES_ERROR,
		  "rule msg failed: msg.lua:4: 超超" },
		{ "nul", "return 'warn', 'a\\0b'", RULES_WARN, "ab" },
		{ "nul_error", "error('bad\\0thing')", RULES_ERROR, "badthing" },
		{ "invalid", "return 'warn', 'a\\255\\192b\\237\\160\\128c'",
		  RULES_WARN, "a??b???c" },
		{ "control", "return 'warn', 'a\\1b\\tc\\nd'", RULES_WARN,
		  "a b\tc\nd" },
		{ "error_obj", "error({})", RULES_ERROR,
		  "rule msg failed: msg.lua:9: (error object is a table value)" },
		{ "error_num", "error(42)", RULES_ERROR,
		  "rule msg failed: msg.lua:10: 42" },
		{ "long_result", "return string.rep('ü', 100)", RULES_ERROR,
		  "returned invalid result 'üüü" },
	};
	struct fx		*f = *state;
	struct rules_verdict	 v;
	size_t			 i;

	run_cases(f, "msg", cases, sizeof(cases) / sizeof(cases[0]),
	    &test_limits);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(f->r, "msg", cases[i].kind, &v);
		assert_true(strlen(v.message) < sizeof(v.message));
		assert_true(clean_utf8(v.message));
	}
	run(f->r, "msg", "long", &v);
	assert_int_equal(strlen(v.message), 510);	/* 255 é, not 255.5 */
	run(f->r, "msg", "long_cjk", &v);
	assert_int_equal(strlen(v.message), 1 + 170 * 3);
}

/* Zero limits mean the documented defaults. */
static void
test_defaults(void **state)
{
	struct fx			*f = *state;
	static const struct rules_limits zero = { 0, 0, 0, 0 };
	struct rules_verdict		 v;

	write_rule(f->dir, "good", good_rule);
	write_rule(f->dir, "spin", "return { customer = function() "
	    "while true do end end }\n");
	f->r = open_rules(f->dir, &zero);
	expect_good(f->r);
	run(f->r, "spin", "customer", &v);
	assert_int_equal(v.result, RULES_ERROR);
	/* under valgrind the 200 ms clock may come first */
	if (strstr(v.message, "instruction budget of 1000000 ") == NULL)
		assert_non_null(strstr(v.message, "time limit of 200 ms"));
	rules_close(f->r);
	f->r = open_rules(f->dir, NULL);
	expect_good(f->r);
}

/* The shipped rules directory. */
static const char *
lua_dir(void)
{
	const char	*d = getenv("KILN_LUA_DIR");

	return d != NULL && *d != '\0' ? d : "lua";
}

/* Run shipped rule NAME's KIND hook on one limit and exposure. */
static void
expect_credit(struct rules *r, const char *name, const char *kind,
    const char *terms, long long limit, long long exposure,
    enum rules_result want, const char *needle)
{
	struct rules_verdict	 v;
	const struct rules_kv	 rec[] = {
		{ "credit_limit", RULES_INT, NULL, limit },
		{ "payment_terms", RULES_STR, terms, 0 },
	};
	const struct rules_kv	 ctx[] = {
		{ "credit_limit", RULES_INT, NULL, limit },
		{ "exposure", RULES_INT, NULL, exposure },
		{ "overdue_days", RULES_INT, NULL, 0 },
	};

	check_verdict(&v, rules_run(r, name, kind, rec, 2, ctx, 3, &v), name,
	    want, needle);
}

/*
 * The shipped rules share settings.lua: it is no rule, the order rules
 * are found in file-name order, and a zero limit means no credit to
 * credit.lua and credit_status.lua alike.
 */
static void
test_shipped_settings(void **state)
{
	static const char *const order[] = {
		"credit", "delivery", "discount", "overdue", "payment_terms"
	};
	struct fx	*f = *state;
	const char	*names[8];
	size_t		 i;

	f->r = open_rules(lua_dir(), NULL);
	assert_null(rules_load_error(f->r, "settings"));
	assert_int_equal(rules_with_hook(f->r, "order", names, 8), 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(names[i], order[i]);
	assert_int_equal(rules_with_hook(f->r, "customer", names, 8), 2);
	assert_string_equal(names[0], "customer");
	assert_string_equal(names[1], "payment_terms");
	expect_credit(f->r, "credit", "order", "net30", 0, 100, RULES_HOLD,
	    "no credit");
	expect_credit(f->r, "credit_status", "credit", "net30", 0, 100,
	    RULES_HOLD, "no credit: exposure 1.00 with a credit limit of 0");
	expect_credit(f->r, "credit", "order", "prepaid", 0, 100, RULES_PASS,
	    NULL);
	expect_credit(f->r, "credit_status", "credit", "net30", 0, 0,
	    RULES_PASS, NULL);
	expect_credit(f->r, "credit", "order", "net30", 10000, 10100,
	    RULES_HOLD, "credit limit exceeded: exposure 101.00 over limit "
	    "100.00");
	expect_credit(f->r, "credit_status", "credit", "net30", 10000, 10100,
	    RULES_HOLD, "exposure 101.00 over limit 100.00");
	expect_credit(f->r, "credit_status", "credit", "net30", 10000, 8100,
	    RULES_WARN, "above 80% of the limit");
}

/* Run a shipped customer hook on a customer with SEGMENT and TERMS. */
static void
expect_terms(struct rules *r, const char *segment, const char *terms,
    enum rules_result want, const char *needle, const char *field)
{
	struct rules_verdict	 v;
	const struct rules_kv	 rec[] = {
		{ "name", RULES_STR, "Acme", 0 },
		{ "segment", RULES_STR, segment, 0 },
		{ "payment_terms", RULES_STR, terms, 0 },
		{ "credit_limit", RULES_INT, NULL, 1000000 },
	};
	const struct rules_kv	 order[] = {
		{ "payment_terms", RULES_STR, terms, 0 },
	};
	const struct rules_kv	 ctx[] = {
		{ "customer_segment", RULES_STR, segment, 0 },
	};
	char			 what[128];

	snprintf(what, sizeof(what), "customer %s/%s", segment, terms);
	check_verdict(&v, rules_run(r, "payment_terms", "customer", rec, 4,
	    NULL, 0, &v), what, want, needle);
	assert_string_equal(v.field, field);

	/* on an order, terms too long are a hold, not a reject */
	if (want == RULES_REJECT && strcmp(field, "payment_terms") == 0 &&
	    strstr(needle, "exceed") != NULL)
		want = RULES_HOLD;
	if (strcmp(field, "segment") == 0)
		field = "";
	snprintf(what, sizeof(what), "order %s/%s", segment, terms);
	check_verdict(&v, rules_run(r, "payment_terms", "order", order, 1,
	    ctx, 1, &v), what, want, needle);
	assert_string_equal(v.field, field);
}

/* lua/payment_terms.lua: terms against what the segment allows. */
static void
test_shipped_payment_terms(void **state)
{
	struct fx		*f = *state;
	struct rules_verdict	 v;
	const struct rules_kv	 order[] = {
		{ "total", RULES_INT, NULL, 500000 },
	};
	const struct rules_kv	 ctx[] = {
		{ "customer_segment", RULES_STR, "prospect", 0 },
	};

	f->r = open_rules(lua_dir(), NULL);
	assert_null(rules_load_error(f->r, "payment_terms"));
	assert_int_equal(rules_has(f->r, "payment_terms", "customer"), 1);
	assert_int_equal(rules_has(f->r, "payment_terms", "order"), 1);

	expect_terms(f->r, "small_loyal", "net60", RULES_REJECT,
	    "payment terms net60 exceed what segment small_loyal allows "
	    "(net30)", "payment_terms");
	expect_terms(f->r, "small_loyal", "net30", RULES_PASS, NULL, "");
	expect_terms(f->r, "project", "net15", RULES_PASS, NULL, "");
	expect_terms(f->r, "project", "net60", RULES_REJECT,
	    "exceed what segment project allows (net30)", "payment_terms");
	expect_terms(f->r, "prospect", "prepaid", RULES_PASS, NULL, "");
	expect_terms(f->r, "prospect", "net15", RULES_REJECT,
	    "payment terms net15 exceed what segment prospect allows "
	    "(prepaid)", "payment_terms");
	expect_terms(f->r, "channel_partner", "net60", RULES_PASS, NULL, "");
	expect_terms(f->r, "channel_partner", "net90", RULES_REJECT,
	    "exceed what segment channel_partner allows (net60)",
	    "payment_terms");
	expect_terms(f->r, "key_account", "net90", RULES_PASS, NULL, "");
	expect_terms(f->r, "key_account", "net45", RULES_REJECT,
	    "unknown payment terms 'net45'", "payment_terms");
	expect_terms(f->r, "vip", "net30", RULES_REJECT,
	    "unknown customer segment 'vip'", "segment");
	expect_terms(f->r, "", "net30", RULES_REJECT,
	    "has no segment", "segment");

	/* an order without terms of its own takes the customer's */
	check_verdict(&v, rules_run(f->r, "payment_terms", "order", order, 1,
	    ctx, 1, &v), "order without terms", RULES_PASS, NULL);
}

/* Run lua/customer.lua on REC. */
static void
expect_customer(struct rules *r, const struct rules_kv *rec, size_t n,
    enum rules_result want, const char *needle, const char *field)
{
	struct rules_verdict	 v;

	check_verdict(&v, rules_run(r, "customer", "customer", rec, n, NULL,
	    0, &v), "customer", want, needle);
	assert_string_equal(v.field, field);
}

/* lua/customer.lua: owner, reachability, no credit for prospects. */
static void
test_shipped_customer(void **state)
{
	struct fx		*f = *state;
	struct rules_kv		 rec[] = {
		{ "name", RULES_STR, "Acme", 0 },
		{ "segment", RULES_STR, "key_account", 0 },
		{ "sales_mode", RULES_STR, "transactional", 0 },
		{ "owner", RULES_NIL, NULL, 0 },
		{ "phone", RULES_STR, "", 0 },
		{ "email", RULES_STR, NULL, 0 },
		{ "credit_limit", RULES_INT, NULL, 0 },
	};
	const size_t		 n = sizeof(rec) / sizeof(rec[0]);

	f->r = open_rules(lua_dir(), NULL);
	assert_null(rules_load_error(f->r, "customer"));
	assert_int_equal(rules_has(f->r, "customer", "customer"), 1);

	expect_customer(f->r, rec, n, RULES_REJECT,
	    "a key account needs an owner", "owner");
	rec[1].s = "channel_partner";
	expect_customer(f->r, rec, n, RULES_REJECT,
	    "a channel partner needs an owner", "owner");
	rec[3].type = RULES_INT;		/* owner: user 7 */
	rec[3].i = 7;
	expect_customer(f->r, rec, n, RULES_REJECT,
	    "needs a phone number or an e-mail address", "phone");
	rec[4].s = "  ";
	expect_customer(f->r, rec, n, RULES_REJECT, "phone number", "phone");
	rec[5].s = "buyer@acme.example";
	expect_customer(f->r, rec, n, RULES_PASS, NULL, "");
	rec[4].s = "+86 21 5555 0100";
	rec[5].s = NULL;
	expect_customer(f->r, rec, n, RULES_PASS, NULL, "");

	/* relationship selling needs an owner in any segment */
	rec[1].s = "small_loyal";
	rec[2].s = "relationship";
	rec[3].type = RULES_STR;
	rec[3].s = "";
	expect_customer(f->r, rec, n, RULES_REJECT,
	    "relationship mode needs an owner", "owner");
	rec[2].s = "transactional";
	expect_customer(f->r, rec, n, RULES_PASS, NULL, "");

	/* prospects: no phone needed, no credit allowed */
	rec[1].s = "prospect";
	rec[4].s = NULL;
	expect_customer(f->r, rec, n, RULES_PASS, NULL, "");
	rec[6].i = 500000;
	expect_customer(f->r, rec, n, RULES_REJECT,
	    "a prospect buys prepaid and cannot have a credit limit "
	    "(5000.00)", "credit_limit");
	rec[1].type = RULES_NIL;		/* no segment: a prospect */
	expect_customer(f->r, rec, n, RULES_REJECT, "(5000.00)",
	    "credit_limit");
	rec[6].i = 0;
	expect_customer(f->r, rec, n, RULES_PASS, NULL, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_verdicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_and_ctx, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_readonly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bytecode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recursion, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_c_loops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_helpers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isolation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_require, setup, teardown),
		cmocka_unit_test_setup_teardown(test_require_limits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shipped_payment_terms,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_shipped_settings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shipped_customer, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
