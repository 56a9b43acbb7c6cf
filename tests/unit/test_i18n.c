/* test_i18n.c - catalogue order and language selection. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "i18n.h"

struct msg {
	const char	*id;
	const char	*str;
};

#include "i18n_zh.h"

static void
catalogue_sorted(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 1; i < sizeof(zh_catalogue) / sizeof(zh_catalogue[0]); i++)
		assert_true(strcmp(zh_catalogue[i - 1].id,
		    zh_catalogue[i].id) < 0);
}

static void
selection(void **state)
{
	(void)state;
	i18n_select("zh-CN,zh;q=0.9,en;q=0.8");
	assert_string_equal(i18n_lang(), "zh-CN");
	assert_string_equal(_("Save"), "保存");
	assert_string_equal(_("no such message"), "no such message");
	i18n_select("en-US,en;q=0.9,zh;q=0.5");
	assert_string_equal(i18n_lang(), "en");
	assert_string_equal(_("Save"), "Save");
	i18n_select("zhx");
	assert_string_equal(i18n_lang(), "en");
	i18n_select(NULL);
	assert_string_equal(_("Save"), "Save");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue_sorted),
		cmocka_unit_test(selection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
