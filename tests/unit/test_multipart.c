/* test_multipart.c - multipart/form-data bodies, good and hostile. */
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
#include "multipart.h"

static struct arena *A;

static enum mp_err
parse(const char *ctype, const char *body, struct parts *p,
    struct kvlist *l)
{
	memset(l, 0, sizeof(*l));
	return multipart_parse(A, ctype, body, strlen(body), p, l);
}

static void
form_with_file(void **state)
{
	struct parts	 p;
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("multipart/form-data; boundary=XyZ",
	    "--XyZ\r\nContent-Disposition: form-data; name=\"label\"\r\n\r\n"
	    "华东 nightly\r\n--XyZ\r\nContent-Disposition: form-data;"
	    " name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n"
	    "\r\nname,city\r\nAcme,Suzhou\r\n--XyZ--\r\n", &p, &l), MP_OK);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].name, "label");
	assert_null(p.v[0].filename);
	assert_string_equal(form_get(&l, "label"), "华东 nightly");
	assert_string_equal(p.v[1].filename, "c.csv");
	assert_string_equal(p.v[1].ctype, "text/csv");
	assert_int_equal(p.v[1].len, strlen("name,city\r\nAcme,Suzhou"));
	assert_null(form_get(&l, "file"));	/* files are not fields */
}

static void
quoted_boundary_and_preamble(void **state)
{
	struct parts	 p;
	struct kvlist	 l;

	(void)state;
	assert_int_equal(parse("multipart/form-data; charset=utf-8;"
	    " boundary=\"a b\"", "preamble\r\n--a b\r\nContent-Disposition:"
	    " form-data; name=x\r\n\r\n\r\n--a b--", &p, &l), MP_OK);
	assert_int_equal(p.n, 1);
	assert_string_equal(form_get(&l, "x"), "");
}

static void
hostile(void **state)
{
	struct parts	 p;
	struct kvlist	 l;
	char		 many[MP_MAX_PARTS * 80 + 64];
	size_t		 i, n = 0;

	(void)state;
	assert_int_equal(parse("multipart/form-data", "--x\r\n\r\n", &p, &l),
	    MP_NO_BOUNDARY);
	assert_int_equal(parse("multipart/form-data; boundary=", "", &p, &l),
	    MP_NO_BOUNDARY);
	assert_int_equal(parse("text/plain; boundary=x", "--x--", &p, &l),
	    MP_NO_BOUNDARY);
	/* No closing delimiter, no disposition, no name, bad text. */
	assert_int_equal(parse("multipart/form-data; boundary=x",
	    "--x\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue",
	    &p, &l), MP_MALFORMED);
	assert_int_equal(parse("multipart/form-data; boundary=x",
	    "--x\r\nContent-Type: text/plain\r\n\r\nv\r\n--x--", &p, &l),
	    MP_MALFORMED);
	assert_int_equal(parse("multipart/form-data; boundary=x",
	    "--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n--x--", &p,
	    &l), MP_MALFORMED);
	assert_int_equal(parse("multipart/form-data; boundary=x",
	    "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n\x01\r\n"
	    "--x--", &p, &l), MP_BAD_TEXT);
	assert_int_equal(parse("multipart/form-data; boundary=x", "", &p, &l),
	    MP_MALFORMED);
	for (i = 0; i <= MP_MAX_PARTS; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "--x\r\n"
		    "Content-Disposition: form-data; name=f%zu\r\n\r\nv\r\n", i);
	snprintf(many + n, sizeof(many) - n, "--x--");
	assert_int_equal(parse("multipart/form-data; boundary=x", many, &p,
	    &l), MP_TOO_MANY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(form_with_file),
		cmocka_unit_test(quoted_boundary_and_preamble),
		cmocka_unit_test(hostile),
	};
	int	 rc;

	A = arena_new(4096);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	arena_free(A);
	return rc;
}
