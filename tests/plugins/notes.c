/*
 * notes.c - the small complete plugin doc/plugins.md is built around:
 * notes on a customer.  An entity that takes its access from its
 * customer (parent), its migration, the notes listed on the customer's
 * page (a section), a page of the newest notes the user may read (a
 * route, kiln_readable()), a business check and demo notes.
 */
#include <stdio.h>

#include "kiln-plugin.h"

#define _(s)	sv->tr(s)

static const struct kiln_field note_fields[] = {
	{ .name = "customer", .type = KILN_REF, .ref = "customer",
	  .label = "Customer", .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_FILTER },
	{ .name = "subject", .type = KILN_TEXT, .label = "Subject", .min = 1,
	  .max = 200, .flags = KILN_F_REQUIRED | KILN_F_LIST |
	  KILN_F_SEARCH | KILN_F_SORT },
	{ .name = "body", .type = KILN_TEXT, .label = "Text", .max = 10000,
	  .flags = KILN_F_LONG },
};

static const struct kiln_entity note = {
	.name = "note",
	.plural = "notes",
	.label = "Note",
	.label_plural = "Notes",
	.fields = note_fields,
	.nfields = sizeof(note_fields) / sizeof(note_fields[0]),
	.title = "subject",
	.sort = "subject",
	.flags = KILN_E_NOT_IN_MENU,	/* reached from its customer */
	.parent = "customer",		/* the customer's access is its */
};

static const struct kiln_entity *const entities[] = { &note, NULL };

static const struct kiln_migration migrations[] = {
	{ 1,
	"CREATE TABLE notes ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" version INTEGER NOT NULL DEFAULT 1,"
	" created_at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL,"
	" customer INTEGER NOT NULL REFERENCES customers(id)"
	"  ON DELETE CASCADE,"
	" subject TEXT NOT NULL,"
	" body TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX notes_customer ON notes(customer, id);"
	"CREATE INDEX notes_subject ON notes(subject, id);" },
	{ 0, NULL }
};

/* On a customer's page: its notes the viewer may read, by the host. */
static const struct kiln_section sections[] = {
	{ .entity = "customer", .list = "note", .by = "customer" },
	{ NULL }
};

/*
 * GET /notes/newest: the ten newest notes the user may read, as
 * <notes><note id customer>subject</note></notes> or an HTML list.
 * kiln_readable() chooses them before the LIMIT.
 */
static int
notes_newest(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	char			 path[64];
	int			 xml = sv->wants_xml(r), rc;

	if ((st = sv->sql(r, "SELECT n.id, n.subject, c.name FROM notes n"
	    " JOIN customers c ON c.id = n.customer"
	    " WHERE kiln_readable('note', n.id)"
	    " ORDER BY n.id DESC LIMIT 10")) == NULL)
		return sv->error(r, 500, "internal", _("Internal error."));
	sv->begin(r, 200, "notes", _("Newest notes"));
	sv->open(r, xml ? "notes" : "ul");
	while ((rc = sv->step(st)) == 1) {
		snprintf(path, sizeof(path), "/notes/%lld", sv->col_int(st, 0));
		sv->open(r, xml ? "note" : "li");
		if (xml)
			sv->attr(r, "id", sv->col_text(st, 0));
		else {
			sv->open(r, "a");
			sv->attr(r, "href", sv->url(r, path));
		}
		sv->text(r, sv->col_text(st, 1));
		if (!xml) {
			sv->close(r);
			sv->text(r, " - ");
			sv->text(r, sv->col_text(st, 2));
		}
		sv->close(r);
	}
	sv->done(st);
	sv->close(r);
	if (rc < 0)
		return sv->error(r, 500, "internal", _("Internal error."));
	return sv->end(r);
}

static const struct kiln_route routes[] = {
	{ "GET", "/notes/newest", notes_newest, "Newest notes", NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

/* kiln check: one row, one sentence, per broken record. */
static const struct kiln_check checks[] = {
	{ "note subjects", "SELECT 'note ' || id || ': its subject is blank'"
	  " FROM notes WHERE trim(subject) = ''" },
	{ NULL, NULL }
};

/*
 * kiln demo-data: a note on about one in four of the customers the
 * demo made (the newest d->scale), through the host's create().
 */
static int
notes_demo(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	static const char *const said[] = {
		"Visited the plant; wants a quotation for spare pumps",
		"年度框架协议：下月再谈价格",
		"Asked for shorter lead times on gear motors",
	};
	struct kiln_stmt	*st;
	struct kiln_kv		 kv[2];
	char			 err[256];
	long long		 id;

	if ((st = sv->sql(r, "SELECT id FROM customers ORDER BY id DESC"
	    " LIMIT ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, d->scale);
	while (sv->step(st) == 1) {
		if (d->random(d, 4) != 0)
			continue;
		kv[0] = (struct kiln_kv){ "customer", KILN_KV_INT, NULL,
		    sv->col_int(st, 0) };
		kv[1] = (struct kiln_kv){ "subject", KILN_KV_STR,
		    said[d->random(d, 3)], 0 };
		if (sv->create(r, "note", kv, 2, &id, err, sizeof(err)) != 0) {
			sv->log(KILN_LOG_ERR, "notes demo: %s", err);
			sv->done(st);
			return -1;
		}
	}
	sv->done(st);
	return 0;
}

/* It reads customers' names: required, so migrated and filled first. */
static const char *const requires[] = { "customer", NULL };

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("notes"),
	.description = "Notes on customers (the plugin guide's example)",
	.entities = entities,
	.migrations = migrations,
	.routes = routes,
	.sections = sections,
	.checks = checks,
	.requires = requires,
	.demo = notes_demo,
};
