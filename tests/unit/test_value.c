/* test_value.c - money, numbers, dates, e-mail, phone, URLs. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>

#include <cmocka.h>

#include "value.h"

static void
money(void **state)
{
	long long	 v;
	char		 buf[MONEY_BUFSZ];

	(void)state;
	assert_int_equal(value_money_parse("1234.50", &v), 0);
	assert_int_equal(v, 123450);
	assert_int_equal(value_money_parse("1234.5", &v), 0);
	assert_int_equal(v, 123450);
	assert_int_equal(value_money_parse("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(value_money_parse("-7.01", &v), 0);
	assert_int_equal(v, -701);
	assert_int_equal(value_money_parse("0.07", &v), 0);
	assert_int_equal(v, 7);
	/* Nothing a float parser would take. */
	assert_int_equal(value_money_parse("1e309", &v), -1);
	assert_int_equal(value_money_parse("NaN", &v), -1);
	assert_int_equal(value_money_parse("inf", &v), -1);
	assert_int_equal(value_money_parse("1.234", &v), -1);
	assert_int_equal(value_money_parse("1,000", &v), -1);
	assert_int_equal(value_money_parse(".5", &v), -1);
	assert_int_equal(value_money_parse("5.", &v), -1);
	assert_int_equal(value_money_parse(" 5", &v), -1);
	assert_int_equal(value_money_parse("", &v), -1);
	assert_int_equal(value_money_parse("9223372036854775808", &v), -2);
	assert_int_equal(value_money_parse("92233720368547758", &v), -2);
	assert_string_equal(value_money_format(123450, buf), "1234.50");
	assert_string_equal(value_money_format(-5, buf), "-0.05");
	assert_string_equal(value_money_format(0, buf), "0.00");
	/* Integers without printf, for ids in lists. */
	assert_string_equal(value_int_format(0, buf), "0");
	assert_string_equal(value_int_format(42, buf), "42");
	assert_string_equal(value_int_format(-7, buf), "-7");
	assert_string_equal(value_int_format(LLONG_MAX, buf),
	    "9223372036854775807");
	assert_string_equal(value_int_format(LLONG_MIN, buf),
	    "-9223372036854775808");
	assert_string_equal(value_money_format(LLONG_MIN, buf),
	    "-92233720368547758.08");
}

static void
money_sums_exact(void **state)
{
	long long	 v, sum = 0;
	int		 i;

	(void)state;
	/* 0.10 ten thousand times is exactly 1000.00, unlike a double. */
	for (i = 0; i < 10000; i++) {
		assert_int_equal(value_money_parse("0.10", &v), 0);
		sum += v;
	}
	assert_int_equal(sum, 100000);
}

static void
integers(void **state)
{
	long long	 v;

	(void)state;
	assert_int_equal(value_int_parse("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(value_int_parse("-42", &v), 0);
	assert_int_equal(value_int_parse("9223372036854775807", &v), 0);
	assert_int_equal(value_int_parse("9223372036854775808", &v), -2);
	assert_int_equal(value_int_parse("1 OR 1=1", &v), -1);
	assert_int_equal(value_int_parse("0x10", &v), -1);
	assert_int_equal(value_int_parse("", &v), -1);
}

static void
dates(void **state)
{
	(void)state;
	assert_true(value_date_ok("2026-11-26"));
	assert_true(value_date_ok("2024-02-29"));
	assert_false(value_date_ok("2026-02-29"));
	assert_false(value_date_ok("1900-02-29"));
	assert_true(value_date_ok("2000-02-29"));
	assert_false(value_date_ok("2026-13-01"));
	assert_false(value_date_ok("2026-04-31"));
	assert_false(value_date_ok("2026-1-1"));
	assert_false(value_date_ok("2026-11-26x"));
	assert_true(value_datetime_ok("2026-11-26T09:30:00Z"));
	assert_false(value_datetime_ok("2026-11-26T24:00:00Z"));
	assert_false(value_datetime_ok("2026-11-26 09:30:00"));
}

static void
contacts(void **state)
{
	(void)state;
	assert_true(value_email_ok("li.wei@example.com"));
	assert_false(value_email_ok("li.wei@"));
	assert_false(value_email_ok("a b@example.com"));
	assert_false(value_email_ok("<x>@example.com"));
	assert_true(value_phone_ok("+86 512 6666 8888"));
	assert_true(value_phone_ok("(021) 555-0100 x12"));
	assert_false(value_phone_ok("call me"));
	assert_true(value_url_ok("https://acme.example.com/x?y=1"));
	assert_true(value_url_ok("HTTP://acme.example.com"));
	assert_true(value_url_ok("mailto:li@example.com"));
	assert_false(value_url_ok("javascript:alert(1)"));
	assert_false(value_url_ok("JaVaScRiPt:alert(1)"));
	assert_false(value_url_ok("data:text/html,<script>"));
	assert_false(value_url_ok("//evil.example.com"));
	assert_false(value_url_ok("https://"));
	assert_false(value_url_ok("https://a\"onmouseover=x"));
}

static void
utf8_length(void **state)
{
	(void)state;
	assert_int_equal(value_utf8_len("华东精密"), 4);
	assert_int_equal(value_utf8_len("Müller"), 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(money),
		cmocka_unit_test(money_sums_exact),
		cmocka_unit_test(integers),
		cmocka_unit_test(dates),
		cmocka_unit_test(contacts),
		cmocka_unit_test(utf8_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
