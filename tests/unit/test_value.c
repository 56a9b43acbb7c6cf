/* test_value.c - money, numbers, dates, e-mail, phone, URLs. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	/* For people: a comma before each third digit of the whole part. */
	assert_string_equal(value_money_grouped(193500000, buf),
	    "1,935,000.00");
	assert_string_equal(value_money_grouped(99999, buf), "999.99");
	assert_string_equal(value_money_grouped(100000, buf), "1,000.00");
	assert_string_equal(value_money_grouped(-123456789, buf),
	    "-1,234,567.89");
	assert_string_equal(value_money_grouped(5, buf), "0.05");
	assert_string_equal(value_money_grouped(LLONG_MIN, buf),
	    "-92,233,720,368,547,758.08");
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

/* A form's local time into UTC, in two zones, DST included. */
static void
local_times(void **state)
{
	char	 out[21];

	(void)state;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_int_equal(value_datetime_local("2026-12-01 09:30", out), 0);
	assert_string_equal(out, "2026-12-01T01:30:00Z");
	assert_int_equal(value_datetime_local("2026-12-01T00:15:07", out), 0);
	assert_string_equal(out, "2026-11-30T16:15:07Z");
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	/* Summer time (UTC+2), winter time (UTC+1). */
	assert_int_equal(value_datetime_local("2026-07-01 12:00", out), 0);
	assert_string_equal(out, "2026-07-01T10:00:00Z");
	assert_int_equal(value_datetime_local("2026-01-01T00:00", out), 0);
	assert_string_equal(out, "2025-12-31T23:00:00Z");
	assert_int_equal(value_datetime_local("2026-02-30 10:00", out), -1);
	assert_int_equal(value_datetime_local("2026-02-01 24:00", out), -1);
	assert_int_equal(value_datetime_local("2026-02-01 10:60", out), -1);
	assert_int_equal(value_datetime_local("2026-02-01 10:00Z", out), -1);
	assert_int_equal(value_datetime_local("2026-02-01", out), -1);
	assert_int_equal(value_datetime_local("2026-02-01 1:00", out), -1);
	assert_int_equal(value_datetime_local("2026-02-01x10:00", out), -1);
	setenv("TZ", "UTC", 1);
	tzset();
}

/* Date arithmetic, shared by the C code and the rules' kiln.* helpers. */
static void
date_arithmetic(void **state)
{
	char		 buf[VALUE_DATE_BUFSZ], want[VALUE_DATE_BUFSZ];
	long long	 days, prev;
	int		 y;

	(void)state;
	assert_int_equal(value_date_parse("1970-01-01", &days), 0);
	assert_int_equal(days, 0);
	assert_int_equal(value_date_parse("2024-03-01", &days), 0);
	assert_int_equal(days, 19783);
	assert_string_equal(value_date_format(days - 1, buf), "2024-02-29");
	assert_string_equal(value_date_format(-1, buf), "1969-12-31");
	assert_int_equal(value_date_parse("1900-01-01", &days), 0);
	assert_int_equal(days, -25567);
	assert_string_equal(value_date_format(days, buf), "1900-01-01");
	assert_null(value_date_format(days - 1, buf));
	assert_int_equal(value_date_parse("2999-12-31", &days), 0);
	assert_string_equal(value_date_format(days, buf), "2999-12-31");
	assert_null(value_date_format(days + 1, buf));
	assert_null(value_date_format(LLONG_MAX, buf));
	assert_null(value_date_format(LLONG_MIN, buf));
	/* Well-formed but outside the years: -2, as the other parsers. */
	assert_int_equal(value_date_parse("1899-12-31", &days), -2);
	assert_int_equal(value_date_parse("3000-01-01", &days), -2);
	assert_int_equal(value_date_parse("0224-05-01", &days), -2);
	assert_int_equal(value_date_parse("9999-12-31", &days), -2);
	assert_int_equal(value_date_parse("9999-02-30", &days), -1);
	assert_int_equal(value_date_parse("2023-02-29", &days), -1);
	assert_int_equal(value_date_parse("2100-02-29", &days), -1);
	assert_int_equal(value_date_parse("2024-1-1", &days), -1);
	assert_int_equal(value_date_parse("2024-01-01 ", &days), -1);
	assert_int_equal(value_date_parse("", &days), -1);
	assert_false(value_date_ok("1899-12-31"));
	assert_false(value_date_ok("3000-01-01"));
	/* Every 1 March of the range: consecutive days, round trip. */
	prev = -25567 - 1;
	for (y = VALUE_YEAR_MIN; y <= VALUE_YEAR_MAX; y++) {
		snprintf(want, sizeof(want), "%04d-03-01", y);
		assert_int_equal(value_date_parse(want, &days), 0);
		assert_int_equal(days - prev, y == VALUE_YEAR_MIN ? 60 :
		    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 366 : 365);
		assert_string_equal(value_date_format(days, buf), want);
		assert_string_equal(value_date_format(days - 1, buf) + 4,
		    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ?
		    "-02-29" : "-02-28");
		prev = days;
	}
	value_today(buf);
	assert_true(value_date_ok(buf));
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

/* One UTF-8 decoder: shortest forms of real code points only. */
static void
utf8_char(void **state)
{
	unsigned long	 cp;

	(void)state;
	assert_int_equal(value_utf8_char("a", 1, &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(value_utf8_char("ü", 2, &cp), 2);
	assert_int_equal(cp, 0xfc);
	assert_int_equal(value_utf8_char("华东", 6, &cp), 3);
	assert_int_equal(cp, 0x534e);
	assert_int_equal(value_utf8_char("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	assert_int_equal(value_utf8_char("\xe2\x80\xae", 3, &cp), 3);
	assert_int_equal(cp, 0x202e);
	assert_int_equal(value_utf8_char("华", 2, NULL), 0);	/* cut */
	assert_int_equal(value_utf8_char("a", 0, NULL), 0);
	assert_int_equal(value_utf8_char("\xc0\xaf", 2, NULL), 0);
	assert_int_equal(value_utf8_char("\xe0\x80\xaf", 3, NULL), 0);
	assert_int_equal(value_utf8_char("\xf0\x80\x80\xaf", 4, NULL), 0);
	assert_int_equal(value_utf8_char("\xed\xa0\x80", 3, NULL), 0);
	assert_int_equal(value_utf8_char("\xf4\x90\x80\x80", 4, NULL), 0);
	assert_int_equal(value_utf8_char("\xf5\x80\x80\x80", 4, NULL), 0);
	assert_int_equal(value_utf8_char("\x80", 1, NULL), 0);
	assert_int_equal(value_utf8_char("\xc3(", 2, NULL), 0);
}

/* Text for a page: clean UTF-8, cut at a character boundary. */
static void
utf8_copy(void **state)
{
	char	 buf[8];

	(void)state;
	assert_int_equal(value_utf8_copy(buf, sizeof(buf), "abc", 3), 3);
	assert_string_equal(buf, "abc");
	/* 7 bytes fit: two characters of three bytes, not a half third */
	assert_int_equal(value_utf8_copy(buf, sizeof(buf), "信用信用", 12), 6);
	assert_string_equal(buf, "信用");
	assert_int_equal(value_utf8_copy(buf, sizeof(buf), "a\0b", 3), 2);
	assert_string_equal(buf, "ab");
	value_utf8_copy(buf, sizeof(buf), "a\1b\tc\nd", 7);
	assert_string_equal(buf, "a b\tc\nd");
	value_utf8_copy(buf, sizeof(buf), "a\xff\xc0" "b", 4);
	assert_string_equal(buf, "a??b");
	assert_int_equal(value_utf8_copy(buf, 1, "abc", 3), 0);
	assert_string_equal(buf, "");
	assert_int_equal(value_utf8_copy(buf, 0, "abc", 3), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(money),
		cmocka_unit_test(money_sums_exact),
		cmocka_unit_test(integers),
		cmocka_unit_test(dates),
		cmocka_unit_test(date_arithmetic),
		cmocka_unit_test(contacts),
		cmocka_unit_test(local_times),
		cmocka_unit_test(utf8_length),
		cmocka_unit_test(utf8_char),
		cmocka_unit_test(utf8_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
