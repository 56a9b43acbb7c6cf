/* test_xmlin.c - XML request bodies, hostile ones included. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "form.h"
#include "xmlin.h"

static struct arena *A;

static enum xmlin_err
parse(const char *s, struct kvlist *l, const char **root)
{
	memset(l, 0, sizeof(*l));
	return xmlin_parse(A, s, strlen(s), l, root, NULL);
}

static void
record(void **state)
{
	struct kvlist	 l;
	const char	*root;

	(void)state;
	assert_int_equal(parse("<?xml version=\"1.0\"?>\n<customer version=\"3\">"
	    "<name>Acme &amp; Sons &lt;b&gt;</name><owner id=\"7\"/>"
	    "<credit_limit currency=\"CNY\">500.00</credit_limit>"
	    "<notes></notes><city>苏州</city></customer>", &l, &root),
	    XMLIN_OK);
	assert_string_equal(root, "customer");
	assert_string_equal(form_get(&l, "version"), "3");
	assert_string_equal(form_get(&l, "name"), "Acme & Sons <b>");
	assert_string_equal(form_get(&l, "owner"), "7");
	assert_string_equal(form_get(&l, "credit_limit"), "500.00");
	assert_string_equal(form_get(&l, "notes"), "");
	assert_string_equal(form_get(&l, "city"), "苏州");
}

static void
hostile(void **state)
{
	struct kvlist	 l;
	const char	*root;
	char		*deep;
	size_t		 i, n = 10000;

	(void)state;
	/* Billion laughs and XXE never reach the parser. */
	assert_int_equal(parse("<?xml version=\"1.0\"?><!DOCTYPE lolz ["
	    "<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
	    "<customer><name>&lol2;</name></customer>", &l, &root),
	    XMLIN_DOCTYPE);
	assert_int_equal(parse("<!DOCTYPE x [<!ENTITY e SYSTEM "
	    "\"file:///etc/passwd\">]><customer><name>&e;</name></customer>",
	    &l, &root), XMLIN_DOCTYPE);
	assert_int_equal(parse("<customer><name>x</customer>", &l, &root),
	    XMLIN_MALFORMED);
	assert_int_equal(parse("", &l, &root), XMLIN_MALFORMED);
	assert_int_equal(parse("<customer><name>\xff\xfe</name></customer>",
	    &l, &root), XMLIN_MALFORMED);
	assert_int_equal(parse("<customer><name>&#x7f;</name></customer>",
	    &l, &root), XMLIN_BAD_TEXT);
	/* 10 000 levels deep: refused, not a stack overflow. */
	deep = malloc(n * 7 + 16);
	assert_non_null(deep);
	deep[0] = '\0';
	for (i = 0; i < n; i++)
		strcat(deep + i * 3, "<a>");
	for (i = 0; i < n; i++)
		memcpy(deep + n * 3 + i * 4, "</a>", 5);
	assert_int_equal(parse(deep, &l, &root), XMLIN_MALFORMED);
	free(deep);
}

static void
lists(void **state)
{
	static struct xmlsets	 sets;
	struct kvlist		 l;
	const char		*root, *doc = "<order><customer id=\"7\"/>"
	    "<lines><line><product id=\"3\"/><quantity>5</quantity></line>"
	    "<line><product id=\"4\"/></line></lines></order>";

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(xmlin_parse(A, doc, strlen(doc), &l, &root, &sets),
	    XMLIN_OK);
	assert_string_equal(form_get(&l, "customer"), "7");
	assert_null(form_get(&l, "lines"));
	assert_int_equal(sets.n, 1);
	assert_string_equal(sets.v[0].name, "lines");
	assert_int_equal(sets.v[0].n, 2);
	assert_string_equal(form_get(&sets.v[0].items[0], "product"), "3");
	assert_string_equal(form_get(&sets.v[0].items[0], "quantity"), "5");
	assert_string_equal(form_get(&sets.v[0].items[1], "product"), "4");
	/* Without room for lists, a list is refused, never flattened. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(xmlin_parse(A, doc, strlen(doc), &l, &root, NULL),
	    XMLIN_TOO_MANY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record),
		cmocka_unit_test(hostile),
		cmocka_unit_test(lists),
	};
	int	 rc;

	A = arena_new(4096);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	arena_free(A);
	return rc;
}
