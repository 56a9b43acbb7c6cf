/*
 * rules.h - the Lua business-rule sandbox.
 *
 * One rules engine per worker.  Rule files live in one directory
 * (lua/ in the source tree, $(pkgdatadir)/lua installed); each file
 * NAME.lua is a text chunk that returns a table of hook functions, one
 * per record kind it judges:
 *
 *	local M = {}
 *	function M.customer(c, ctx) ... return "reject", "why", "field" end
 *	return M
 *
 * A hook receives the record as a read-only table of strings/integers
 * (money in minor units as integers) and a read-only context table,
 * and returns result[, message[, field]] where result is one of
 * "pass", "warn", "hold", "reject" (nil counts as "pass").
 *
 * A file that returns a table of data only (no function at its top
 * level) is a module, no rule: rules share its settings through
 * require("NAME"), which loads NAME.lua of the same directory once per
 * (re)load, in the sandbox and under the budget of the caller, and
 * hands every rule the same read-only table.
 */
#ifndef KILN_RULES_H
#define KILN_RULES_H

#include <stddef.h>

struct rules;

enum rules_result {
	RULES_PASS = 0,
	RULES_WARN,
	RULES_HOLD,
	RULES_REJECT,
	RULES_ERROR	/* the rule failed: message names rule and line */
};

struct rules_limits {
	unsigned long	 instructions;	/* VM instruction budget per call */
	size_t		 memory;	/* bytes the state may hold */
	unsigned	 wall_ms;	/* wall-clock backstop per call */
	unsigned	 time_scale;	/* wall_ms times this (valgrind); 0: 1 */
};

/* One value of a record handed to a rule. */
enum rules_vtype { RULES_NIL, RULES_STR, RULES_INT, RULES_BOOL };

struct rules_kv {
	const char	*key;
	enum rules_vtype type;
	const char	*s;		/* RULES_STR (NUL-terminated UTF-8) */
	long long	 i;		/* RULES_INT, RULES_BOOL */
};

struct rules_verdict {
	enum rules_result result;
	char		 rule[64];	/* rule (file) name */
	char		 message[512];	/* human message, may be empty */
	char		 field[64];	/* field the verdict is about, may be empty */
	/* A figure the rule worked out (a deal's probability), if any. */
	long long	 number;
	int		 has_number;
};

/*
 * Load every rule file of DIR.  Zero limits (or NULL) mean the defaults:
 * 1,000,000 instructions, 8 MiB, 200 ms.  NULL with errno set when DIR
 * cannot be read or memory runs out; a rule file that fails to load is
 * not an error here (see rules_load_error()).
 */
struct rules	*rules_open(const char *dir, const struct rules_limits *);
void		 rules_close(struct rules *);
/*
 * Reload when any rule file changed (mtime/size/inode) or appeared/vanished.
 * 1 reloaded, 0 nothing changed, -1 failed (the loaded rules stay).
 */
int		 rules_refresh(struct rules *);
/* Force reload of every file (SIGHUP).  0, or -1 (the loaded rules stay). */
int		 rules_reload(struct rules *);
/*
 * The rules that judge records of KIND, in file-name order: every
 * loaded rule file with a hook for KIND, and every file that failed to
 * load (nobody can tell what it would have judged: it takes part as an
 * error naming itself until it is fixed or removed).  Modules (files
 * that return data, for require()) are no rules.  Puts up to MAX names
 * into NAMES, valid until the next reload, and returns how many there
 * are (maybe more than MAX).
 */
size_t		 rules_with_hook(struct rules *, const char *kind,
		    const char **names, size_t max);
/* Whether rule NAME is loaded and has a hook for KIND. */
int		 rules_has(struct rules *, const char *name, const char *kind);
/*
 * Run hook KIND of rule NAME on a record; never longjmps out.  Returns
 * out->result.  A ctx value "today" (YYYY-MM-DD) fixes kiln.today().
 */
int		 rules_run(struct rules *, const char *name, const char *kind,
		    const struct rules_kv *rec, size_t nrec,
		    const struct rules_kv *ctx, size_t nctx,
		    struct rules_verdict *out);
/*
 * Run hook KIND of each of the N rules NAMES on one record and context
 * (built once: the tables are read-only, no rule sees another's
 * doing), each with its own budget, into out[0..N-1].  RULES_ERROR if
 * any failed (a failing rule does not stop the others; tables that
 * cannot be built fail them all), else RULES_PASS.
 */
int		 rules_run_each(struct rules *, const char *const *names,
		    size_t n, const char *kind,
		    const struct rules_kv *rec, size_t nrec,
		    const struct rules_kv *ctx, size_t nctx,
		    struct rules_verdict *out);
const char	*rules_result_name(enum rules_result);
/*
 * The load error of NAME, if its file failed to load (else NULL); valid
 * until the next reload.
 */
const char	*rules_load_error(struct rules *, const char *name);

#endif
