/*
 * test_plugin.c - the loader: a good test plugin loads and serves its
 * page through the services table; a wrong ABI version and a duplicate
 * name are refused while the rest load.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app.h"
#include "arena.h"
#include "confine.h"
#include "entity.h"
#include "plugin.h"
#include "services.h"

static void
load_and_refuse(void **state)
{
	struct app	 app;
	const char	*dir = getenv("KILN_TEST_PLUGINS");
	char		 errlog[] = "/tmp/kiln-plugin-log-XXXXXX", line[512];
	char		 want[64];
	FILE		*f;
	int		 fd, saved, badabi = 0, dups = 0;
	size_t		 i, hello = 0;

	(void)state;
	if (dir == NULL)
		dir = "tests/plugins/.libs";
	memset(&app, 0, sizeof(app));
	app.perm = arena_new(4096);
	app.services = &services_table;
	/* Capture the log to read the refusals. */
	assert_true((fd = mkstemp(errlog)) >= 0);
	saved = dup(2);
	dup2(fd, 2);
	assert_int_equal(plugin_load_all(&app, dir), 0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	for (i = 0; i < app.nplugins; i++) {
		assert_string_not_equal(app.plugins[i].desc->name, "badabi");
		if (strcmp(app.plugins[i].desc->name, "hello") == 0)
			hello++;
	}
	assert_int_equal(hello, 1);
	assert_non_null(f = fdopen(fd, "r"));
	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		snprintf(want, sizeof(want), "badabi.so refused: ABI version %d",
		    KILN_ABI_VERSION + 41);
		if (strstr(line, want))
			badabi++;
		if (strstr(line, "refused: duplicate name 'hello'"))
			dups++;
	}
	fclose(f);
	unlink(errlog);
	assert_int_equal(badabi, 1);
	assert_int_equal(dups, 1);
	plugin_unload_all(&app);
	arena_free(app.perm);
}

/*
 * A plugin claims only tables of its own: not the core's, not SQLite's,
 * not another plugin's entity table or claim (checked when Kiln starts).
 */
static void
claims(void **state)
{
	static const struct kiln_field	 f[] = {
		{ .name = "name", .type = KILN_TEXT, .label = "Name" },
	};
	static const struct kiln_entity	 thing = {
		.name = "thing", .plural = "things", .label = "Thing",
		.label_plural = "Things", .fields = f, .nfields = 1,
		.title = "name",
	};
	static const struct kiln_entity *const ents[] = { &thing, NULL };
	static const char *const mine[] = { "thing_notes", NULL };
	static const char *const users[] = { "users", NULL };
	static const char *const theirs[] = { "things", NULL };
	static const char *const master[] = { "sqlite_master", NULL };
	struct kiln_plugin	 a = { .name = "a", .entities = ents };
	struct kiln_plugin	 b = { .name = "b" };
	struct plugin		 ps[2] = { { &a, NULL, "a" }, { &b, NULL, "b" } };
	struct entity		 e = { .d = &thing, .plug = &ps[0] };
	struct app		 app;

	(void)state;
	memset(&app, 0, sizeof(app));
	app.plugins = ps;
	app.nplugins = 2;
	app.entities = &e;
	app.nentities = 1;
	a.tables = mine;
	assert_int_equal(confine_check(&app), 0);
	b.tables = users;
	assert_int_equal(confine_check(&app), -1);
	b.tables = theirs;
	assert_int_equal(confine_check(&app), -1);
	b.tables = master;
	assert_int_equal(confine_check(&app), -1);
	b.tables = mine;	/* a's claim */
	assert_int_equal(confine_check(&app), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load_and_refuse),
		cmocka_unit_test(claims),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
