/*
 * rules.c - the business rules of a directory (design.md, "Business
 * rules"; the public API in rules.h): which files there are, loading
 * them into a sandbox (sandbox.c), reloading when one changes, running
 * their hooks on a record and turning what they return into verdicts.
 *
 * An engine owns one sandbox: one lua_State holding every rule file of
 * the directory.  A reload builds a whole new sandbox and swaps it in
 * only once built, so a worker always runs one consistent set of rules.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lua.h>
#include <lauxlib.h>

#include "i18n.h"
#include "rules.h"
#include "sandbox.h"
#include "value.h"

#define RULES_DEFAULT_INSTRUCTIONS	1000000UL
#define RULES_DEFAULT_MEMORY		((size_t)8 * 1024 * 1024)
#define RULES_DEFAULT_WALL_MS		200U
#define RULES_KIND_MAX		31
#define RULES_RACY_SECS		2	/* this fresh, a change may hide */
#define RULES_MESSAGE_SIZE	sizeof(((struct rules_verdict *)0)->message)

struct hook {
	char		 kind[RULES_KIND_MAX + 1];
	int		 ref;		/* registry reference to the function */
};

/* One rule file: what it was on disk when loaded, and what it gave. */
struct rule {
	char		 name[SANDBOX_NAME_MAX + 1];
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

struct rules {
	char		*dir;
	struct rules_limits limits;
	struct sandbox	*sb;
	struct rule	*rules;		/* loaded in sb, sorted by name */
	size_t		 nrules;
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

/* Mark OUT as a failure of its rule, saying MSG. */
static int
verdict_fail(struct rules_verdict *out, const char *msg)
{
	out->result = RULES_ERROR;
	value_utf8_copy(out->message, sizeof(out->message), msg, strlen(msg));
	out->field[0] = '\0';
	out->has_number = 0;
	return RULES_ERROR;
}

/* Whether D_NAME is a rule file name, NAME.lua with NAME [a-z0-9_]+. */
static int
rule_file_name(const char *d_name, char *name, size_t size)
{
	size_t	 len = strlen(d_name);

	if (len <= 4 || len - 4 >= size ||
	    strcmp(d_name + len - 4, ".lua") != 0 ||
	    !sandbox_name_ok(d_name, len - 4))
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
	char		 chunk[SANDBOX_NAME_MAX + 6];
	size_t		 len, n;
	const char	*msg;
	int		 env, status;

	snprintf(chunk, sizeof(chunk), "@%s.lua", ld->rule->name);
	status = sandbox_load(L, ld->sb, ld->rule->name, ld->buf, ld->len,
	    &env);
	if (status == LUA_ERRMEM)
		return lua_error(L);
	if (status != LUA_OK) {
		if ((msg = lua_tolstring(L, -1, &len)) == NULL) {
			msg = "?";
			len = 1;
		}
		if (strncmp(msg, chunk + 1, strlen(chunk + 1)) == 0)
			value_utf8_copy(ld->fail, sizeof(ld->fail), msg, len);
		else {
			n = (size_t)snprintf(ld->fail, sizeof(ld->fail), "%s: ",
			    chunk + 1);
			value_utf8_copy(ld->fail + n, sizeof(ld->fail) - n,
			    msg, len);
		}
		return 0;
	}
	lua_call(L, 0, 1);
	if (keep_hooks(L, lua_gettop(L), ld) == -1)
		return 0;
	sandbox_seal(L, env);
	return 0;
}

/* Read rule file R of DIR whole, noting in R what the file was. */
static int
read_rule(const char *dir, struct rule *r, char **bufp, size_t *lenp,
    char *err, size_t errsize)
{
	struct stat	 st;
	int		 rc;

	rc = sandbox_read(dir, r->name, &st, bufp, lenp, err, errsize);
	if (st.st_mode != 0)
		rule_set_stat(r, &st);
	return rc;
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
	if (read_rule(dir, r, &buf, &len, err, sizeof(err)) == -1) {
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
	lua_pushcfunction(L, sandbox_msgh);
	lua_pushcfunction(L, load_protected);
	lua_pushlightuserdata(L, &ld);
	if ((status = sandbox_call(sb, 1, 0)) != LUA_OK)
		sandbox_describe(sb, status, r->name, 1, msg, sizeof(msg));
	else if (ld.fail[0] != '\0')
		snprintf(msg, sizeof(msg), "rule %s failed to load: %s",
		    r->name, ld.fail);
record:
	if (msg[0] != '\0') {
		rule_clear(r);
		if ((r->error = malloc(RULES_MESSAGE_SIZE)) == NULL)
			goto out;
		value_utf8_copy(r->error, RULES_MESSAGE_SIZE, msg, strlen(msg));
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
	char		 name[SANDBOX_NAME_MAX + 1];
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
	struct stat	 st;
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
	if (sandbox_read(dir, loaded->name, &st, &buf, &len, err,
	    sizeof(err)) == -1)
		goto out;
	if (hash_bytes(buf, len) != loaded->hash)
		goto out;
	loaded->racy = rule_is_racy(loaded);
	changed = 0;
out:
	free(buf);
	return changed;
}

/* Free a list of rule files and what they left on the C side. */
static void
free_rules(struct rule *list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		rule_clear(&list[i]);
	free(list);
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

	if ((sb = sandbox_new(r->dir, &r->limits)) == NULL)
		goto out;
	for (i = 0; i < n; i++)
		if (load_rule(sb, r->dir, &list[i]) == -1)
			goto out;
	lua_gc(sb->L, LUA_GCCOLLECT);
	free_rules(r->rules, r->nrules);
	sandbox_free(r->sb);
	r->sb = sb;
	r->rules = list;
	r->nrules = n;
	sb = NULL;
	list = NULL;
	n = 0;
	rc = 0;
out:
	sandbox_free(sb);
	free_rules(list, n);
	return rc;
}

/* The rule called NAME, or NULL. */
static struct rule *
find_rule(struct rules *r, const char *name)
{
	struct rule	 key;

	if (r->nrules == 0 || strlen(name) > SANDBOX_NAME_MAX)
		return NULL;
	memcpy(key.name, name, strlen(name) + 1);
	return bsearch(&key, r->rules, r->nrules, sizeof(key), rule_cmp);
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
	sandbox_push_readonly(L, -1, name);
	lua_remove(L, -2);
}

/*
 * A message by language, { en = "...", zh = "..." }, into out as the
 * pages read it (i18n.h: I18N_MULTI): each language at most half the
 * room, cut on a character.  Control characters in a text (the
 * separators among them) become spaces.  0, or -1 when neither is a
 * string or either is something else.
 */
static int
message_langs(lua_State *L, int idx, char *out, size_t size)
{
	static const char *const langs[] = { "en", "zh" };
	const char	*s;
	char		*p;
	size_t		 i, len, used = 0, room;
	int		 any = 0, t;

	idx = lua_absindex(L, idx);
	*out = '\0';
	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		lua_pushstring(L, langs[i]);
		t = lua_rawget(L, idx);	/* no metamethod of the rule's runs */
		if (t == LUA_TNIL) {
			lua_pop(L, 1);
			continue;
		}
		if (t != LUA_TSTRING) {
			lua_pop(L, 1);
			return -1;
		}
		s = lua_tolstring(L, -1, &len);
		room = (size - 1) / 2;
		if (used + 4 + room > size)
			room = size > used + 5 ? size - used - 5 : 0;
		out[used++] = I18N_MULTI;
		memcpy(out + used, langs[i], 2);
		used += 2;
		out[used++] = I18N_TEXT;
		p = out + used;
		value_utf8_copy(p, room + 1, s, len);
		for (; *p; p++, used++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		out[used] = '\0';
		lua_pop(L, 1);
		any = 1;
	}
	return any ? 0 : -1;
}

/* Take result, message, field and figure (stack -4..-1) into the verdict. */
static void
take_results(lua_State *L, struct call *c)
{
	struct rules_verdict	*out = c->out;
	char			 shown[64];
	const char		*s;
	size_t			 len;
	int			 i;

	if (lua_isnil(L, -4))
		out->result = RULES_PASS;
	else if (lua_type(L, -4) == LUA_TSTRING) {
		s = lua_tolstring(L, -4, &len);
		for (i = RULES_PASS; i <= RULES_REJECT; i++)
			if (strlen(result_names[i]) == len &&
			    memcmp(result_names[i], s, len) == 0)
				break;
		if (i > RULES_REJECT) {
			value_utf8_copy(shown, sizeof(shown), s, len);
			snprintf(c->bad, sizeof(c->bad), "rule %s: returned "
			    "invalid result '%s' (pass, warn, hold or reject)",
			    c->name, shown);
			return;
		}
		out->result = (enum rules_result)i;
	} else {
		snprintf(c->bad, sizeof(c->bad), "rule %s: returned invalid "
		    "result (a %s value)", c->name, luaL_typename(L, -4));
		return;
	}
	if (lua_type(L, -3) == LUA_TSTRING) {
		s = lua_tolstring(L, -3, &len);
		value_utf8_copy(out->message, sizeof(out->message), s, len);
	} else if (lua_type(L, -3) == LUA_TTABLE) {
		if (message_langs(L, -3, out->message, sizeof(out->message)) ==
		    -1) {
			snprintf(c->bad, sizeof(c->bad), "rule %s: a message"
			    " table needs a text for en or zh (and nothing"
			    " but texts)", c->name);
			return;
		}
	} else if (!lua_isnil(L, -3)) {
		snprintf(c->bad, sizeof(c->bad), "rule %s: returned a %s "
		    "value as message, not a string or a table of them by"
		    " language", c->name, luaL_typename(L, -3));
		return;
	}
	if (lua_type(L, -2) == LUA_TSTRING) {
		s = lua_tolstring(L, -2, &len);
		if (len > 0 && !valid_ident(s, len, sizeof(out->field) - 1)) {
			value_utf8_copy(shown, sizeof(shown), s, len);
			snprintf(c->bad, sizeof(c->bad), "rule %s: returned "
			    "invalid field '%s'", c->name, shown);
			return;
		}
		memcpy(out->field, s, len + 1);
	} else if (!lua_isnil(L, -2)) {
		snprintf(c->bad, sizeof(c->bad), "rule %s: returned a %s "
		    "value as field, not a string", c->name,
		    luaL_typename(L, -2));
		return;
	}
	/* A figure: an integer (3.0 is 3), never a fraction or text. */
	if (lua_type(L, -1) == LUA_TNUMBER) {
		out->number = lua_tointegerx(L, -1, &i);
		if (!i)
			snprintf(c->bad, sizeof(c->bad), "rule %s: returned a"
			    " number that is not an integer", c->name);
		else
			out->has_number = 1;
	} else if (!lua_isnil(L, -1))
		snprintf(c->bad, sizeof(c->bad), "rule %s: returned a %s "
		    "value as its figure, not an integer", c->name,
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
	free_rules(r->rules, r->nrules);
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
	changed = r->sb == NULL || n != r->nrules;
	for (i = 0; !changed && i < n; i++)
		changed = strcmp(seen[i].name, r->rules[i].name) != 0 ||
		    rule_changed(r->dir, &r->rules[i], &seen[i]);
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
	    (rule = find_rule(r, name)) == NULL || rule->error != NULL)
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
	for (i = 0; i < r->nrules; i++) {
		rule = &r->rules[i];
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
	lua_call(L, 2, 4);
	take_results(L, c);
	return 0;
}

/* The host's ctx.today, which fixes kiln.today(), or NULL. */
static const char *
ctx_today(const struct rules_kv *ctx, size_t nctx)
{
	size_t	 i;

	for (i = 0; i < nctx; i++)
		if (ctx[i].key != NULL && strcmp(ctx[i].key, "today") == 0 &&
		    ctx[i].type == RULES_STR && ctx[i].s != NULL)
			return ctx[i].s;
	return NULL;
}

/* Whether NAME has hook KIND; else the verdict says why not. */
static struct rule *
hook_of(struct rules *r, const char *name, const char *kind,
    struct rules_verdict *out, int *ref)
{
	struct rule	*rule;
	char		 msg[256], shown[64];

	if ((rule = find_rule(r, name)) == NULL) {
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
		value_utf8_copy(shown, sizeof(shown), kind, strlen(kind));
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
			value_utf8_copy(rname, sizeof(rname), names[i],
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
	kilnlib_set_today(sb->today, ctx_today(c.ctx, c.nctx));
	lua_settop(sb->L, 0);
	lua_pushcfunction(sb->L, sandbox_msgh);			/* 1 */
	lua_pushcfunction(sb->L, push_tables);
	lua_pushlightuserdata(sb->L, &c);
	if ((status = sandbox_call(sb, 1, 2)) != LUA_OK) {	/* 2, 3 */
		sandbox_describe(sb, status, n ? out[0].rule : "rules", 0,
		    msg, sizeof(msg));
		for (i = 0; i < n; i++)
			verdict_fail(&out[i], msg);
		failed = 1;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		if (names[i] == NULL ||
		    (rule = hook_of(r, out[i].rule, kind, &out[i], &ref)) ==
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
		if ((status = sandbox_call(sb, 3, 0)) != LUA_OK) {
			sandbox_describe(sb, status, rule->name, 0, msg,
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
	    (rule = find_rule(r, name)) == NULL)
		return NULL;
	return rule->error;
}
