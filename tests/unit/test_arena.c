/* test_arena.c - the per-request arena and its string builder. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Whether fn(a) in a child process ends it with SIGABRT. */
static int
aborts(void (*fn)(struct arena *))
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == 0) {
		struct arena	*a = arena_new(1024);

		fclose(stderr);		/* its one line is expected */
		fn(a);
		_exit(0);		/* it returned: no abort */
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void
huge(struct arena *a)
{
	(void)arena_alloc(a, SIZE_MAX - 3);
}

static void
huge_array(struct arena *a)
{
	(void)arena_calloc(a, SIZE_MAX / 2, 4);
}

/* A size no memory holds stops the process: no caller sees NULL. */
static void
overflow_aborts(void **state)
{
	(void)state;
	assert_true(aborts(huge));
	assert_true(aborts(huge_array));
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
		cmocka_unit_test(overflow_aborts),
		cmocka_unit_test(strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
