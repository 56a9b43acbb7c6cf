/* test_arena.c - the per-request arena and its string builder. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"

static void
alloc_aligned_and_distinct(void **state)
{
	struct arena	*a = arena_new(1024);
	char		*p, *q;
	int		 i;

	(void)state;
	assert_non_null(a);
	for (i = 0; i < 1000; i++) {
		p = arena_alloc(a, (size_t)i % 37 + 1);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		memset(p, 0xaa, (size_t)i % 37 + 1);
	}
	p = arena_alloc(a, 100000);	/* bigger than a chunk */
	q = arena_alloc(a, 8);
	assert_non_null(p);
	assert_non_null(q);
	assert_true(q < p || q >= p + 100000);
	memset(p, 1, 100000);
	arena_reset(a);
	assert_int_equal(arena_used(a), 0);
	assert_non_null(arena_alloc(a, 10));
	arena_free(a);
}

static void
overflow_refused(void **state)
{
	struct arena	*a = arena_new(1024);

	(void)state;
	assert_null(arena_alloc(a, SIZE_MAX - 3));
	assert_null(arena_calloc(a, SIZE_MAX / 2, 4));
	arena_free(a);
}

static void
strings(void **state)
{
	struct arena	*a = arena_new(1024);
	struct abuf	 b;
	int		 i;

	(void)state;
	assert_string_equal(arena_strdup(a, "kiln"), "kiln");
	assert_string_equal(arena_strndup(a, "kilnx", 4), "kiln");
	assert_string_equal(arena_printf(a, "%s-%d", "so", 123), "so-123");
	abuf_init(&b, a);
	for (i = 0; i < 1000; i++)
		abuf_addf(&b, "%d,", i % 10);
	assert_false(b.failed);
	assert_int_equal(b.n, 2000);
	assert_int_equal(strlen(b.s), 2000);
	assert_memory_equal(b.s, "0,1,2,", 6);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alloc_aligned_and_distinct),
		cmocka_unit_test(overflow_refused),
		cmocka_unit_test(strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
