/*
 * kiln-plugin.h - the one header a Kiln plugin includes.
 *
 * A plugin is a shared object that exports exactly one symbol,
 * `kiln_plugin`, a const struct kiln_plugin.  Its first members are the
 * ABI version and the build signature, so the host can refuse a plugin
 * built against another layout before it touches anything else (as
 * nginx does with NGX_MODULE_SIGNATURE).  Most of a plugin is
 * declaration: entities (const field tables), migrations and routes.
 * The host turns each entity into list, detail, forms, validation, XML,
 * CSV and optimistic locking.  A plugin reaches the host only through
 * the services table handed to init(), never through host symbols.
 */
#ifndef KILN_PLUGIN_H
#define KILN_PLUGIN_H

#include <stddef.h>

/*
 * 2: kiln_entity.access; 3: record routes, SQL; 4: show, jobs, watches,
 * menu; 5: field write roles, parent entities, listed sections, checks,
 * setting(), parse_money(), parse_date(), write_failed(), kiln_readable(),
 * update(), rows(), tables and requires (SQL confined to them),
 * kiln_entity.save_hook for the list .rules, rules_for(), demo;
 * 6: pg_migrations, show_money(), show_time();
 * 7: panels (the home page), chart(), show_enum(), KILN_F_NOFORM,
 *    kiln_entity.form, items() of forms, company();
 * 8: kiln_verdict.number and has_number (a rule's fourth value);
 * 9: work_add(), work_between() (business time), number(),
 *    KILN_F_ALSO_OWNER, public routes (kiln_route.flags), route_arg(),
 *    token(), digest(), link(), mail(), kiln_plugin.mail_in;
 * 10: number() reads value_months and contact_days; upload(),
 *     bind_blob(), col_blob(), send() (files: receipts).
 */
#define KILN_ABI_VERSION	10

#define KILN_STR2(x)	#x
#define KILN_STR(x)	KILN_STR2(x)
/* Build facts that change struct layout or calling convention. */
#define KILN_SIGNATURE	"kiln:" KILN_STR(KILN_ABI_VERSION) \
			":p" KILN_STR(__SIZEOF_POINTER__) \
			":l" KILN_STR(__SIZEOF_LONG_LONG__) \
			":s" KILN_STR(__SIZEOF_SIZE_T__)

enum kiln_type {
	KILN_TEXT = 0,
	KILN_INT,
	KILN_MONEY,	/* integer minor units (fen, cents) */
	KILN_DATE,	/* YYYY-MM-DD */
	KILN_DATETIME,	/* YYYY-MM-DDTHH:MM:SSZ, UTC */
	KILN_ENUM,	/* one of options[] */
	KILN_REF,	/* id of a record of entity `ref` ("user" for users) */
	KILN_BOOL,
	KILN_EMAIL,
	KILN_PHONE,
	KILN_URL
};

#define KILN_F_REQUIRED	0x0001	/* may not be empty */
#define KILN_F_LIST	0x0002	/* a column of list views */
#define KILN_F_SEARCH	0x0004	/* matched by ?q= (a ref: by its record's search) */
#define KILN_F_SORT	0x0008	/* allowed in ?sort= (column NOT NULL) */
#define KILN_F_FILTER	0x0010	/* ?field=value filters lists */
#define KILN_F_COMPUTED	0x0020	/* set by the system, never by input */
#define KILN_F_LONG	0x0040	/* multi-line text */
#define KILN_F_OWNER	0x0080	/* the owning user; defaults to creator */
/* ABI 7: changed by the record's actions (and the API), not its forms. */
#define KILN_F_NOFORM	0x0100
/*
 * ABI 9: a user reference whose user the record belongs to as well as
 * to its owner field's (a ticket: its engineer, besides its customer's
 * salesperson): the scopes KILN_OWN and KILN_TEAM match either.  Unlike
 * the owner field it does not default to the creator.  One per entity.
 */
#define KILN_F_ALSO_OWNER 0x0200

struct kiln_field {
	const char		*name;	/* column, form field, XML element */
	enum kiln_type		 type;
	unsigned		 flags;
	const char		*label;
	long long		 min;	/* text: chars; int, money: value */
	long long		 max;	/* 0 for text means the default cap */
	const char *const	*options; /* KILN_ENUM: NULL-terminated */
	const char		*ref;	/* KILN_REF: entity name or "user" */
	const char		*def;	/* default as text, or NULL */
	/*
	 * ABI 5: the roles that may set this field (NULL-terminated), or
	 * NULL for whoever may write the record.  A request that would
	 * change it for anyone else is refused (403 naming the field) on
	 * every door: form, XML, PATCH and the host's create().
	 */
	const char *const	*roles;
};

/*
 * Who may read and change an entity's records, per role.  Without a
 * table the core's default applies: owner-based (admin all, manager
 * the team's, sales their own, finance/service/office read).  Roles
 * not listed get nothing.
 */
enum kiln_scope {
	KILN_NONE = 0,
	KILN_OWN,	/* records whose owner field is the user */
	KILN_TEAM,	/* ... or a user of the same team */
	KILN_ALL
};

struct kiln_access {
	const char	*role;
	enum kiln_scope	 read;
	enum kiln_scope	 write;
};

/* Records of another entity shown on this one's page. */
struct kiln_child {
	const char	*entity;	/* e.g. "contact" */
	const char	*field;		/* its ref field pointing here */
};

/* A value handed to a rule: a field of a record or of its context. */
enum kiln_kv_type { KILN_KV_NIL = 0, KILN_KV_STR, KILN_KV_INT, KILN_KV_BOOL };

struct kiln_kv {
	const char		*key;
	enum kiln_kv_type	 type;
	const char		*s;
	long long		 i;
};

enum kiln_result {
	KILN_PASS = 0, KILN_WARN, KILN_HOLD, KILN_REJECT,
	KILN_RULE_ERROR		/* the rule failed; message names it */
};

struct kiln_verdict {
	enum kiln_result	 result;
	char			 rule[64];
	char			 message[512];
	char			 field[64];
	/*
	 * ABI 8: the fourth value a hook returned, an integer the rule
	 * worked out (a deal's probability); has_number 0 when none.
	 */
	long long		 number;
	int			 has_number;
};

struct kiln_req;
struct kiln_services;
struct kiln_bar;

/*
 * ABI 10: a file a form sent (multipart/form-data, services upload()).
 * All of it as the browser sent it: the name may hold anything (a path,
 * control characters), the type is the browser's guess.  Keep neither
 * without looking: read the bytes.  data[len] is 0; sha256 is the
 * bytes' SHA-256 in 64 hex digits.
 */
struct kiln_file {
	const char	*name;
	const char	*ctype;
	const char	*data;
	size_t		 len;
	const char	*sha256;
};

struct kiln_entity {
	const char		*name;		/* "customer": XML element */
	const char		*plural;	/* "customers": URL, table */
	const char		*label;
	const char		*label_plural;
	const struct kiln_field	*fields;
	size_t			 nfields;
	const char		*title;		/* field naming a record */
	const char		*sort;		/* default sort field */
	const char		*fts;		/* FTS5 table over search fields */
	/*
	 * ABI 5: the rule hook every save runs ("customer": each file of
	 * the rules directory with a customer hook, in file-name order),
	 * or NULL for none.  It replaced a list of rule files: rules are
	 * data, an administrator adds one by dropping a file in.
	 */
	const char		*save_hook;
	const struct kiln_child	*children;	/* {NULL} terminated */
	const struct kiln_access *access;	/* {NULL} terminated, or NULL */
	unsigned		 flags;		/* KILN_E_* */
	/*
	 * Called in the transaction of an update, after the row changed,
	 * with the record before and after as name/value pairs (the same
	 * n of each); non-zero undoes the update (500).  May be NULL.
	 */
	int			(*changed)(struct kiln_req *,
				    const struct kiln_services *, long long id,
				    const struct kiln_kv *before,
				    const struct kiln_kv *after, size_t n);
	/*
	 * What a rule about record id needs to know beyond the record
	 * (an order's exposure, say): up to max pairs into out, returns
	 * how many.  Used by `kiln rules test` and the rule pages.
	 */
	size_t			(*context)(struct kiln_req *,
				    const struct kiln_services *, long long id,
				    struct kiln_kv *out, size_t max);
	/*
	 * Called in the transaction of a create, after the row is in:
	 * the place to store what came with it (an order's lines).  0, or
	 * -1 with a message in err: the create is undone (422).
	 */
	int			(*created)(struct kiln_req *,
				    const struct kiln_services *, long long id,
				    char *err, size_t errsz);
	/*
	 * Whether record id may still be deleted and given new children
	 * (an order's lines only while it is a draft); the page offers
	 * neither otherwise.  The database still has the last word.  May
	 * be NULL (always).
	 */
	int			(*editable)(struct kiln_req *,
				    const struct kiln_services *, long long id);
	/* More in a record's XML, before it closes (may be NULL). */
	void			(*xml)(struct kiln_req *,
				    const struct kiln_services *, long long id);
	/* More on a record's page, after its fields (may be NULL). */
	void			(*page)(struct kiln_req *,
				    const struct kiln_services *, long long id);
	/*
	 * ABI 5: the ref field naming the record this one belongs to (an
	 * order line's "order", a contact's "customer"), or NULL.  Such
	 * records have no access of their own: whoever may read or write
	 * the parent may read or write them, so a handover of the parent
	 * moves them along; access and owner fields of their own are
	 * ignored.  A child moved to another parent needs write access to
	 * both.
	 */
	const char		*parent;
	/*
	 * ABI 7: more inside the record's form, after its fields (a new
	 * order's lines): inputs the entity's created() reads through
	 * items() (a form's rows are named LIST.N.FIELD, N from 1).  id is
	 * 0 for a new record.  When the form comes back for correction,
	 * param() holds what was sent.  May be NULL.
	 */
	void			(*form)(struct kiln_req *,
				    const struct kiln_services *, long long id);
};

/* Reached from its parent's page (order lines), not the menu. */
#define KILN_E_NOT_IN_MENU	0x0001

/*
 * Schema change number `version` of a plugin; run once, in order.  An
 * entity's table is named as its plural and has the columns
 *	id INTEGER PRIMARY KEY AUTOINCREMENT (never reused),
 *	version INTEGER NOT NULL DEFAULT 1, created_at, updated_at TEXT,
 * then one column per field, NOT NULL for sortable ones.
 */
struct kiln_migration {
	int		 version;
	const char	*sql;
};


/*
 * A plugin's own page or action, under the mount prefix.  A path
 * segment "#" stands for a record id (digits): "/orders/#/submit";
 * the handler gets it from route_id().
 */
struct kiln_route {
	const char	*method;	/* "GET", "POST" */
	const char	*path;		/* e.g. "/reports/funnel" */
	int		(*handler)(struct kiln_req *,
			    const struct kiln_services *);
	/* ABI 4: a GET page with a label is in the navigation. */
	const char	*label;
	/*
	 * ABI 5: the roles that may use it (NULL-terminated), or NULL for
	 * every signed-in user; others get 403 before the handler runs.
	 */
	const char *const *roles;
	/* ABI 9: KILN_R_* */
	unsigned	 flags;
};

/*
 * ABI 9: a page for anyone, without a login (a customer's satisfaction
 * answer, a request form): no user (user_id() is 0, access() finds
 * nothing), roles ignored.  The host counts the requests of each
 * address to it and answers 429 above kiln.conf's public_limit an
 * hour, and refuses a POST a browser says is cross-site or that lacks
 * the form's token (csrf() writes it, as on any page).  Match the rest
 * of the path with "*" segments, read by route_arg().
 */
#define KILN_R_PUBLIC	0x0001
/*
 * ABI 10: a page that takes files (multipart/form-data, upload()): its
 * body may be as large as kiln.conf's upload_max.  No other page reads
 * a multipart body (415).
 */
#define KILN_R_UPLOAD	0x0002

/* A prepared statement of the plugin's own SQL text. */
struct kiln_stmt;

enum kiln_log { KILN_LOG_ERR = 0, KILN_LOG_WARN, KILN_LOG_INFO };

/*
 * What the host lends a plugin.  Within one KILN_ABI_VERSION members are
 * only appended, never changed; any change of a member's type or
 * meaning, or of a struct's layout, bumps the version (doc/plugins.md).
 *
 * Lifetimes: what a service returns lives as long as the request (the
 * host's per-request arena: param, user_login/role/team, url, money,
 * currency, item, alloc, the rows of rows() and the cursor it gives),
 * except col_text(), valid until the statement's next step() or
 * done(), and tr(), the catalogue's (for ever).  A statement from
 * sql() is the host's, cached for the worker's life: done() it after
 * use, never keep it across requests.  A plugin keeps nothing of a
 * request past its return.  Allocation never fails: out of memory,
 * the worker stops.
 */
struct kiln_services {
	unsigned	  abi;
	/* One line of the log, cut at 1 KiB. */
	void		(*log)(enum kiln_log, const char *fmt, ...)
			    __attribute__((format(printf, 2, 3)));
	void		*(*alloc)(struct kiln_req *, size_t);
	const char	*(*param)(struct kiln_req *, const char *name);
	/*
	 * Output: an HTML page (inside the layout) or an XML document.
	 * begin, end (and error, redirect, audit below) give 0, or -1 when
	 * the answer could not be made or sent.
	 */
	int		 (*begin)(struct kiln_req *, int status,
			    const char *root, const char *title);
	void		 (*open)(struct kiln_req *, const char *element);
	void		 (*attr)(struct kiln_req *, const char *name,
			    const char *value);
	void		 (*text)(struct kiln_req *, const char *text);
	void		 (*close)(struct kiln_req *);
	int		 (*end)(struct kiln_req *);
	/*
	 * Answer an error by its code (error.c's table: api.md's codes;
	 * the status must be the table's) and message.  A write
	 * transaction still open is rolled back first: no need to.
	 */
	int		 (*error)(struct kiln_req *, int status,
			    const char *code, const char *message);
	/* ABI 3.  Without a user (a command, a job): 0 and "". */
	long long	 (*route_id)(struct kiln_req *);
	long long	 (*user_id)(struct kiln_req *);
	const char	*(*user_login)(struct kiln_req *);
	const char	*(*user_role)(struct kiln_req *);
	const char	*(*user_team)(struct kiln_req *);
	/*
	 * SQL from the plugin's own const tables; every value bound.  ABI 5:
	 * the SQL function kiln_readable(entity, id) is 1 when the request's
	 * user may read that record, so a list chooses only those before
	 * its LIMIT ("... WHERE kiln_readable('order', o.id) LIMIT 500").
	 * sql() is NULL when the statement is malformed or refused (it
	 * reaches past the plugin's tables: logged).  bind_text(NULL)
	 * binds "".  step: 1 a row, 0 done, -1 error (logged).  A NULL
	 * column reads as 0 or "".  col_text is valid until the next step.
	 * done resets the statement for reuse.
	 */
	struct kiln_stmt *(*sql)(struct kiln_req *, const char *sql);
	void		 (*bind_int)(struct kiln_stmt *, int, long long);
	void		 (*bind_text)(struct kiln_stmt *, int, const char *);
	int		 (*step)(struct kiln_stmt *);
	long long	 (*col_int)(struct kiln_stmt *, int);
	const char	*(*col_text)(struct kiln_stmt *, int);
	void		 (*done)(struct kiln_stmt *);
	/*
	 * BEGIN IMMEDIATE, COMMIT; 0, or -1: answer with write_failed()
	 * (ABI 5), which says why (busy, disk full, read-only, ...).
	 */
	int		 (*begin_write)(struct kiln_req *);
	int		 (*commit)(struct kiln_req *);
	void		 (*rollback)(struct kiln_req *);
	int		 (*audit)(struct kiln_req *, const char *action,
			    const char *entity, long long id,
			    const char *detail);
	/*
	 * 303 to a path under the mount prefix ("/orders/42").  A query
	 * "?done=KEY" has the page say what was done: created, saved,
	 * deleted, submitted, approved, rejected, updated, corrected,
	 * copied, revoked, started, shipped, delivered, invoiced, paid,
	 * cancelled (other keys say nothing).
	 */
	int		 (*redirect)(struct kiln_req *, const char *path);
	/*
	 * What the user may do with record id of an entity: -1 not
	 * there for them (404), 0 read only (403), 1 change it.
	 */
	int		 (*access)(struct kiln_req *, const char *entity,
			    long long id);
	/* Run hook kind of rule file name (lua/NAME.lua); never fails hard. */
	void		 (*rule)(struct kiln_req *, const char *name,
			    const char *kind, const struct kiln_kv *rec,
			    size_t nrec, const struct kiln_kv *ctx, size_t nctx,
			    struct kiln_verdict *);
	/* A form's hidden CSRF field, inside an open <form>. */
	void		 (*csrf)(struct kiln_req *);
	/* Root-relative URL of a path under the prefix, in the request. */
	const char	*(*url)(struct kiln_req *, const char *path);
	/* Is the request for XML (an API client) rather than HTML? */
	int		 (*wants_xml)(struct kiln_req *);
	/* A user-visible string in the request's language (gettext's _). */
	const char	*(*tr)(const char *)
			    __attribute__((format_arg(1)));
	/*
	 * Lists that came in an XML body: <lines><line>..</line></lines>
	 * is list "lines"; items() says how many, item() gives a field of
	 * item i (a reference <product id="3"/> gives "3"), or NULL.  ABI
	 * 7: in a form body, the rows LIST.N.FIELD (lines.1.product); item
	 * i is row i + 1, and items() the highest row sent (up to 100).
	 */
	size_t		 (*items)(struct kiln_req *, const char *list);
	const char	*(*item)(struct kiln_req *, const char *list, size_t i,
			    const char *field);
	/*
	 * Create a record of another entity in the current write
	 * transaction (begin_write first), through the host's validation,
	 * access, rules and audit; its entity's created() hook does not
	 * run.  0 and *id; -1 with "field: message" in err; -2 (ABI 4) when
	 * this user may not create it (for that owner).
	 */
	int		 (*create)(struct kiln_req *, const char *entity,
			    const struct kiln_kv *fields, size_t n,
			    long long *id, char *err, size_t errsz);
	/* Minor units as "1234.50", and the currency they are in. */
	const char	*(*money)(struct kiln_req *, long long);
	const char	*(*currency)(struct kiln_req *);
	/* ABI 4. */
	/*
	 * Answer with record id as the host answers a write: in XML the
	 * record's document (201 and Location when created, else 200),
	 * in HTML a 303 to its page.  After the commit.
	 */
	int		 (*show)(struct kiln_req *, const char *entity,
			    long long id, int created);
	/*
	 * rule() for n rule files on one record and context, built once
	 * (read-only: no rule sees another's doing), each with its own
	 * budget; out[i] is names[i]'s verdict.  Never fails hard.
	 */
	void		 (*rules)(struct kiln_req *, const char *const *names,
			    size_t n, const char *kind,
			    const struct kiln_kv *rec, size_t nrec,
			    const struct kiln_kv *ctx, size_t nctx,
			    struct kiln_verdict *out);
	/* ABI 5. */
	/*
	 * A yes/no setting of kiln.conf ("four_eyes"): 1 or 0, or -1 when
	 * there is no such setting.
	 */
	int		 (*setting)(struct kiln_req *, const char *name);
	/*
	 * Input as the host reads it: money ("1234.50") into minor units,
	 * a date (YYYY-MM-DD, a real day).  0 when well formed, else -1.
	 */
	int		 (*parse_money)(const char *, long long *);
	int		 (*parse_date)(const char *);
	/*
	 * Answer the request for the last begin_write or commit that
	 * failed, as the host answers its own: 503 busy, disk_full,
	 * read_only or db_moved with the cause in words and Retry-After,
	 * or 500 internal.  Nothing is written then: the transaction was
	 * rolled back.
	 */
	int		 (*write_failed)(struct kiln_req *);
	/*
	 * Change fields of record id of any entity (computed ones too: a
	 * customer's credit_status) the way every update does, in the
	 * current write transaction: version and updated_at move, the
	 * entity's changed() hook and other plugins' watches run, the audit
	 * trail (and so the changes feed) records who (the user, or
	 * "job:NAME") and what.  No access check: the plugin answers for
	 * the change.  0; -1 with "field: message" in err (the caller rolls
	 * back).  The only way a plugin writes another plugin's records.
	 */
	int		 (*update)(struct kiln_req *, const char *entity,
			    long long id, const struct kiln_kv *fields,
			    size_t n, char *err, size_t errsz);
	/*
	 * Rows of any entity the user may read, chosen in SQL as its list
	 * chooses them (keyset-paged): where holds field = value filters
	 * and may hold "q", "sort" ("field" or "-field", a sortable
	 * field), "after" (the cursor *next gave) and "limit" (1 to 500,
	 * default 50).  *rows gets n times *ncols pairs: each record's
	 * fields in declaration order, then "id".  *next is the next
	 * page's cursor, or NULL.  The number of rows, or -1 with err
	 * saying why.  All of it lives as long as the request.
	 */
	long		 (*rows)(struct kiln_req *, const char *entity,
			    const struct kiln_kv *where, size_t n,
			    const struct kiln_kv **rows, size_t *ncols,
			    const char **next, char *err, size_t errsz);
	/*
	 * The rule files that judge records of kind ("order"), in
	 * file-name order: each loaded rule with a hook for kind, and each
	 * file that does not load (run, it gives an error verdict naming
	 * itself), so an administrator adds a rule by dropping a file in
	 * and removes one by deleting it.  Hand the list to rules().  0
	 * with *n names in *names (maybe none), or -1 when the rules are
	 * not loaded at all (judge nothing then: refuse).  The list and its
	 * names belong to the request: valid until it ends, across any
	 * reload of the rules.
	 */
	int		 (*rules_for)(struct kiln_req *, const char *kind,
			    const char *const **names, size_t *n);
	/*
	 * ABI 6: for people (HTML), as the host shows its own fields:
	 * minor units as "¥1,234.50" (the currency's sign, thousands
	 * separators), and a stored UTC time (YYYY-MM-DDTHH:MM:SSZ) as
	 * "YYYY-MM-DD HH:MM" in the installation's time zone (anything
	 * else comes back as it is).  XML keeps money() and UTC.
	 */
	const char	*(*show_money)(struct kiln_req *, long long);
	const char	*(*show_time)(struct kiln_req *, const char *);
	/* ABI 7. */
	/*
	 * A bar chart as SVG in the page (no script: readable in print and
	 * without one), titled, one bar per struct kiln_bar in order.
	 */
	void		 (*chart)(struct kiln_req *, const char *title,
			    const struct kiln_bar *, size_t n);
	/*
	 * An option of an enum as people read it: "in_production" as
	 * "In production", in the request's language.
	 */
	const char	*(*show_enum)(struct kiln_req *, const char *);
	/*
	 * Who the installation is, from kiln.conf, for printed documents:
	 * "company_name", "company_address" (lines separated by " | "),
	 * "company_phone", "company_email", "company_logo" (an image's
	 * URL); "" when not set, NULL for any other name.
	 */
	const char	*(*company)(struct kiln_req *, const char *name);
	/* ABI 9. */
	/*
	 * Business time, by kiln.conf's work_days, work_hours, holidays
	 * and make_up_days in the installation's time zone (a service
	 * clock stops at night, at weekends, on holidays).  work_add():
	 * the moment seconds of business time after utc
	 * ("YYYY-MM-DDTHH:MM:SSZ"), counted from the first business moment
	 * at or after it (0 seconds gives that moment), in the same form;
	 * NULL when utc is malformed, seconds < 0 or there is no such
	 * moment within ten years.  work_between(): the business seconds
	 * in [from, to), 0 when to is not after from; -1 when either is
	 * malformed.
	 */
	const char	*(*work_add)(struct kiln_req *, const char *utc,
			    long long seconds);
	long long	 (*work_between)(struct kiln_req *,
			    const char *from_utc, const char *to_utc);
	/*
	 * An integer setting of kiln.conf: "reopen_days" (how long after
	 * closing a case may be reopened, 0 never; default 14),
	 * "feedback_days" (how long a customer may rate it; default 30);
	 * ABI 10: "value_months" (the months a customer's value counts;
	 * default 12), "contact_days" (how long a valuable customer may go
	 * without a contact before the salesperson is told; default 30);
	 * -1 for any other name.
	 */
	long long	 (*number)(struct kiln_req *, const char *name);
	/* The segment of the request's path matched by the n-th "*". */
	const char	*(*route_arg)(struct kiln_req *, size_t n);
	/*
	 * A capability for a link sent away: 32 random bytes (libsodium)
	 * as 43 URL-safe characters; and the SHA-256 of a text as 64 hex
	 * digits, how such a token is kept (a stolen database gives no
	 * working link).
	 */
	const char	*(*token)(struct kiln_req *);
	const char	*(*digest)(struct kiln_req *, const char *);
	/*
	 * The absolute URL of a path under the prefix, for a link sent
	 * away (in an e-mail): kiln.conf's public_url and the path, else
	 * the request's own scheme, host and prefix; a command without
	 * public_url gets the path alone.
	 */
	const char	*(*link)(struct kiln_req *, const char *path);
	/*
	 * Send a plain-text e-mail through kiln.conf's sendmail, from its
	 * company_email: 0 sent, 1 when no sendmail is configured (nothing
	 * sent: the plugin lists it for a person to send), -1 when it
	 * could not be sent (err says why; try again later).  Slow: not
	 * in a write transaction.
	 */
	int		 (*mail)(struct kiln_req *, const char *to,
			    const char *subject, const char *text, char *err,
			    size_t errsz);
	/* ABI 10. */
	/*
	 * The file a multipart/form-data body sent as field name into *f:
	 * 1, or 0 when there is none (or it was left empty).  The body is
	 * capped by kiln.conf's upload_max.
	 */
	int		 (*upload)(struct kiln_req *, const char *name,
			    struct kiln_file *f);
	/* Bytes in and out of SQL (SQLite BLOB, PostgreSQL bytea). */
	void		 (*bind_blob)(struct kiln_stmt *, int, const void *,
			    size_t);
	const void	*(*col_blob)(struct kiln_stmt *, int, size_t *len);
	/*
	 * Answer with a file: its bytes as ctype, named filename for the
	 * browser (shown in place when inline, else saved), sandboxed (no
	 * script, no form, nothing fetched), never cached.  0, or -1.
	 */
	int		 (*send)(struct kiln_req *, const char *ctype,
			    const char *filename, int inline_,
			    const void *data, size_t len);
};

/* ABI 7: one bar of a chart (services chart()). */
struct kiln_bar {
	const char	*label;
	long long	 value;	/* the bar's length against the others, >= 0 */
	const char	*text;	/* the value as shown ("¥12,000.00"); NULL: value */
	const char	*href;	/* a path under the prefix, or NULL */
};

/*
 * ABI 7: a part of the home page (GET /), what a role looks at first.
 * The host shows it to users whose role is in roles, as a section
 * headed by its label, in `order` among every plugin's panels; show()
 * writes the rest with the output services: counts that link to the
 * filtered lists, a short table, a chart().  With nothing to show it
 * says so in a line, rather than leaving the section empty.
 */
struct kiln_panel {
	const char		*name;
	const char		*label;
	const char *const	*roles;		/* NULL-terminated; NULL: all */
	int			 order;		/* lower first */
	void			(*show)(struct kiln_req *,
				    const struct kiln_services *);
};

/*
 * A plugin's part of another plugin's record page: orders show a
 * customer's credit and orders on the customer's page.
 */
struct kiln_section {
	const char	*entity;	/* e.g. "customer" */
	void		(*page)(struct kiln_req *,
			    const struct kiln_services *, long long id);
	/*
	 * ABI 5: records of entity `list` whose ref field `by` is this
	 * record, listed by the host as a record's children are: only
	 * those the viewer may read, chosen in SQL.  Either may be NULL.
	 */
	const char	*list;
	const char	*by;
};

/*
 * ABI 5: a business check of `kiln check`.  sql (the plugin's own
 * const text) returns one row per broken record, its first column a
 * sentence naming the record and what is wrong; no rows: sound.
 */
struct kiln_check {
	const char	*name;
	const char	*sql;
};

/*
 * Work that falls due with time rather than with a request (a
 * customer's credit standing as invoices become overdue).  Run by
 * `kiln jobs` (for cron) and every jobs_interval seconds by `kiln
 * serve`, with the rights of the command line; run() opens and
 * commits its own transactions, small ones, so users are not held up.
 * 0, or -1 (logged by the job).
 */
struct kiln_job {
	const char	*name;
	int		(*run)(struct kiln_req *, const struct kiln_services *);
};

/*
 * A plugin's hook on updates of another plugin's records (orders
 * recompute a customer's credit standing when its limit changes), as
 * kiln_entity.changed: in the update's transaction, non-zero undoes it.
 */
struct kiln_watch {
	const char	*entity;
	int		(*changed)(struct kiln_req *,
			    const struct kiln_services *, long long id,
			    const struct kiln_kv *before,
			    const struct kiln_kv *after, size_t n);
};

/*
 * ABI 5: a user `kiln demo-data` made (the sales team), for a plugin's
 * demo to give its records owners.  role: "admin", "manager", "sales",
 * "service", "finance" or "office"; team may be "".
 */
struct kiln_demo_user {
	long long	 id;
	const char	*login;
	const char	*role;
	const char	*team;
};

/*
 * ABI 5: what `kiln demo-data` tells a plugin's demo.  scale is the
 * number of main records asked for (--customers N): a plugin makes
 * about that many, or a share of it, of its kind.  users and nusers:
 * the users the host made.  random(d, n) gives 0 .. n-1 (n > 0) from a
 * sequence of the plugin's own with a fixed seed, so the demo is the
 * same every time whichever other plugins are installed.  checkpoint(d)
 * commits what was made so far and begins a new write transaction with
 * an empty arena: everything services returned before it is gone
 * (users and the context stay); 0, or -1 (stop: the demo failed).  Call
 * it every few hundred records, so a large demo is not one transaction
 * and one arena.  The members after `host` are the host's own.
 */
struct kiln_demo {
	int				 scale;
	const struct kiln_demo_user	*users;
	size_t				 nusers;
	unsigned			(*random)(struct kiln_demo *,
					    unsigned n);
	int				(*checkpoint)(struct kiln_demo *);
	void				*host;
};

/*
 * ABI 9: a message `kiln mail-in` read on its standard input (a mail
 * server's pipe alias), parsed by the host (MIME, RFC 2047, every
 * charset to UTF-8; sizes capped).  Every string is UTF-8, never NULL.
 */
struct kiln_mail {
	const char	*from_addr;	/* the sender's address */
	const char	*from_name;	/* display name, or "" */
	const char	*to_addr;	/* the first To: address, or "" */
	const char	*subject;
	const char	*message_id;	/* without angle brackets, or "" */
	const char	*in_reply_to;	/* without angle brackets, or "" */
	const char	*date;		/* YYYY-MM-DDTHH:MM:SSZ, or "" */
	const char	*text;		/* the text, "\n" line ends */
	size_t		 attachments;	/* parts not kept */
};

struct kiln_plugin {
	unsigned			 abi;		/* KILN_ABI_VERSION */
	const char			*signature;	/* KILN_SIGNATURE */
	const char			*name;
	const char			*description;
	int				(*init)(const struct kiln_services *);
	void				(*fini)(void);
	const struct kiln_entity *const	*entities;	/* NULL terminated */
	const struct kiln_migration	*migrations;	/* {0} terminated */
	const struct kiln_route		*routes;	/* {NULL} terminated */
	const struct kiln_section	*sections;	/* {NULL} terminated */
	const struct kiln_job		*jobs;		/* {NULL} terminated */
	const struct kiln_watch		*watches;	/* {NULL} terminated */
	const struct kiln_check		*checks;	/* {NULL} terminated */
	/*
	 * ABI 5: tables the plugin owns besides its entities' (an entity's
	 * table and its fts table are its own); NULL-terminated.  Its SQL
	 * (services sql()) may write only these and read these, its
	 * entities' and what it requires: anything else is refused when the
	 * statement is prepared, with a log line naming plugin and table.
	 */
	const char *const		*tables;
	/*
	 * ABI 5: what it reads of others: entity names ("customer") and
	 * host views ("user": users' id, login, name, team, role, active);
	 * NULL-terminated.  Its migrations run after those of the plugins
	 * whose entities it requires.
	 */
	const char *const		*requires;
	/*
	 * ABI 5: sample records for `kiln demo-data`, or NULL.  Called once
	 * per run, after the demo users are made and after the demos of
	 * the plugins it requires (their records are there to refer to), in
	 * a write transaction the host opened and commits when it returns
	 * 0 (-1 rolls back what was made since the last checkpoint and
	 * stops the run; say why with log()).  It writes records only
	 * through create() and update(), with the rights of the command
	 * line, so fields, validation, rules, hooks, watches and audit
	 * apply as they do to a form.  Its own tables it may also fill
	 * with sql().  A second run adds to what is there.
	 */
	int				(*demo)(struct kiln_req *,
					    const struct kiln_services *,
					    struct kiln_demo *);
	/*
	 * ABI 6: the same migrations for PostgreSQL, where SQLite's text
	 * does not serve ({0} terminated): the same numbers, each leaving
	 * the schema SQLite's leaves (identity columns for AUTOINCREMENT,
	 * BIGINT for INTEGER, PL/pgSQL trigger functions, pg_trgm for
	 * FTS5).  A number may be left out when a later one does its work
	 * (a plugin older than PostgreSQL support creates its schema as it
	 * stands in one).  NULL: the plugin runs on SQLite only.
	 */
	const struct kiln_migration	*pg_migrations;
	/* ABI 7: the plugin's parts of the home page; {NULL} terminated. */
	const struct kiln_panel		*panels;
	/*
	 * ABI 9: a received e-mail (kiln mail-in), offered to each plugin
	 * that has this in turn, with the rights of the command line: 0
	 * filed (it opens and commits its own transaction), 1 not its
	 * business (the next plugin is asked), -1 failed (logged; the mail
	 * server is told to try again).
	 */
	int				(*mail_in)(struct kiln_req *,
					    const struct kiln_services *,
					    const struct kiln_mail *);
};

/* Fill the fixed head of a descriptor. */
#define KILN_PLUGIN_HEAD(n)	.abi = KILN_ABI_VERSION, \
				.signature = KILN_SIGNATURE, .name = (n)

#endif
