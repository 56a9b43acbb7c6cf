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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load_and_refuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
