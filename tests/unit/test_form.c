/* test_form.c - urlencoded parsing and the UTF-8/control check. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "form.h"

static struct arena *A;

static enum form_err
parse(const char *s, struct kvlist *l)
{
	memset(l, 0, sizeof(*l));
	return form_parse(A, s, strlen(s), l);
}

static void
basic(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("a=1&b=x+y&c=%E5%8D%8E%E4%B8%9C&d&&e=", &l),
	    FORM_OK);
	assert_int_equal(l.n, 5);
	assert_string_equal(form_get(&l, "a"), "1");
	assert_string_equal(form_get(&l, "b"), "x y");
	assert_string_equal(form_get(&l, "c"), "华东");
	assert_string_equal(form_get(&l, "d"), "");
	assert_string_equal(form_get(&l, "e"), "");
	assert_null(form_get(&l, "zz"));
	assert_int_equal(parse("", &l), FORM_OK);
	assert_int_equal(l.n, 0);
}

static void
duplicates_counted(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("n=1&n=2&m=3", &l), FORM_OK);
	assert_int_equal(form_count(&l, "n"), 2);
	assert_string_equal(form_get(&l, "n"), "1");
}

static void
bad_encodings(void **state)
{
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("a=%", &l), FORM_BAD_ENCODING);
	assert_int_equal(parse("a=%4", &l), FORM_BAD_ENCODING);
	assert_int_equal(parse("a=%zz", &l), FORM_BAD_ENCODING);
	assert_int_equal(parse("a=%00", &l), FORM_BAD_UTF8);
	assert_int_equal(parse("a=%01", &l), FORM_BAD_UTF8);
	assert_int_equal(parse("a=%C0%AF", &l), FORM_BAD_UTF8);	/* overlong */
	assert_int_equal(parse("a=%ED%A0%80", &l), FORM_BAD_UTF8);	/* surrogate */
	assert_int_equal(parse("a=%F4%90%80%80", &l), FORM_BAD_UTF8);
	assert_int_equal(parse("a=%E5%8D", &l), FORM_BAD_UTF8);	/* cut short */
	assert_int_equal(parse("a=%FF", &l), FORM_BAD_UTF8);
	assert_int_equal(parse("a=%C2%85", &l), FORM_BAD_UTF8);	/* C1 */
	assert_int_equal(parse("a=line1%0D%0Aline2%09", &l), FORM_OK);
}

static void
limits(void **state)
{
	struct kvlist	 l;
	char		 buf[FORM_MAX_PAIRS * 4 + 64], name[FORM_MAX_NAME + 8];
	size_t		 i, n = 0;

	(void)state;
	for (i = 0; i <= FORM_MAX_PAIRS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "a&");
	assert_int_equal(parse(buf, &l), FORM_TOO_MANY);
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(parse(name, &l), FORM_TOO_LONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basic),
		cmocka_unit_test(duplicates_counted),
		cmocka_unit_test(bad_encodings),
		cmocka_unit_test(limits),
	};
	int	 rc;

	A = arena_new(4096);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	arena_free(A);
	return rc;
}
