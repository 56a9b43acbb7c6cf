/*
 * test_workhours.c - business time: the settings' parser and its
 * refusals, add() and between() in Shanghai (lunch, weekends, holidays,
 * make-up Saturdays, midnight), in Berlin and New York across both
 * clock changes of 2026, and the ABI 9 services over kiln.conf.  Every
 * expected moment is worked out by hand and written in UTC.
 */
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
#include <unistd.h>

#include <cmocka.h>

#include "app.h"
#include "arena.h"
#include "req.h"
#include "services.h"
#include "workhours.h"

#define HOUR	3600LL

static void
zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* "YYYY-MM-DDTHH:MM:SSZ" as a moment. */
static time_t
utc(const char *s)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	assert_int_equal(sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec), 6);
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return timegm(&tm);
}

static const char *
iso(time_t t, char *buf)
{
	struct tm	 tm;

	assert_non_null(gmtime_r(&t, &tm));
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static void
setup(struct workhours *wh, const char *days, const char *hours,
    const char *holidays, const char *make_up)
{
	char	 err[256] = "";

	if (workhours_parse(wh, days, hours, holidays, make_up, err,
	    sizeof(err)) != 0)
		fail_msg("workhours_parse: %s", err);
}

/* add(from, seconds) is want, and between(from, want) gives seconds back. */
static void
add_is(const struct workhours *wh, const char *from, long long seconds,
    const char *want)
{
	time_t	 t;
	char	 buf[32];

	assert_int_equal(workhours_add(wh, utc(from), seconds, &t), 0);
	assert_string_equal(iso(t, buf), want);
	assert_int_equal(workhours_between(wh, utc(from), t), seconds);
}

static void
between_is(const struct workhours *wh, const char *a, const char *b,
    long long want)
{
	assert_int_equal(workhours_between(wh, utc(a), utc(b)), want);
}

/* Shanghai (UTC+8 all year), Monday to Friday, 09-12 and 13-18. */
static void
shanghai_week(void **state)
{
	struct workhours	 wh;

	(void)state;
	zone("Asia/Shanghai");
	setup(&wh, WORKHOURS_DAYS_DEFAULT, WORKHOURS_HOURS_DEFAULT, "", "");
	/* Friday 2026-06-12 17:00 + 2 h: 1 h on Friday, Monday 10:00. */
	add_is(&wh, "2026-06-12T09:00:00Z", 2 * HOUR, "2026-06-15T02:00:00Z");
	/* Filled to closing time, the day ends at 18:00, not Monday 09:00. */
	add_is(&wh, "2026-06-12T09:00:00Z", HOUR, "2026-06-12T10:00:00Z");
	/* One second more is Monday 09:00:01. */
	add_is(&wh, "2026-06-12T09:00:00Z", HOUR + 1,
	    "2026-06-15T01:00:01Z");
	/* Lunch skipped: Wednesday 11:00 + 2 h is 14:00. */
	add_is(&wh, "2026-06-10T03:00:00Z", 2 * HOUR, "2026-06-10T06:00:00Z");
	/* From lunch (12:30) + 30 min: 13:30. */
	add_is(&wh, "2026-06-10T04:30:00Z", 1800, "2026-06-10T05:30:00Z");
	/* Before opening (07:15): 0 s is 09:00, 1 h is 10:00. */
	add_is(&wh, "2026-06-09T23:15:00Z", 0, "2026-06-10T01:00:00Z");
	add_is(&wh, "2026-06-09T23:15:00Z", HOUR, "2026-06-10T02:00:00Z");
	/* Inside a span, 0 s is the moment itself. */
	add_is(&wh, "2026-06-10T02:17:05Z", 0, "2026-06-10T02:17:05Z");
	/* After closing on Friday, and on Saturday: Monday 09:00. */
	add_is(&wh, "2026-06-12T10:00:00Z", 0, "2026-06-15T01:00:00Z");
	add_is(&wh, "2026-06-13T06:00:00Z", 0, "2026-06-15T01:00:00Z");
	/* A working week (40 h) from Monday 09:00: Friday 18:00. */
	add_is(&wh, "2026-06-15T01:00:00Z", 40 * HOUR,
	    "2026-06-19T10:00:00Z");
	/* Across a weekend: Friday 16-18 and Monday 09-10. */
	between_is(&wh, "2026-06-12T08:00:00Z", "2026-06-15T02:00:00Z",
	    3 * HOUR);
	/* Inside one span; inside lunch. */
	between_is(&wh, "2026-06-10T01:30:00Z", "2026-06-10T02:45:00Z", 4500);
	between_is(&wh, "2026-06-10T04:10:00Z", "2026-06-10T04:50:00Z", 0);
	/* A whole Saturday and Sunday. */
	between_is(&wh, "2026-06-12T16:00:00Z", "2026-06-14T16:00:00Z", 0);
	/* a == b, b before a. */
	between_is(&wh, "2026-06-10T02:00:00Z", "2026-06-10T02:00:00Z", 0);
	between_is(&wh, "2026-06-11T02:00:00Z", "2026-06-10T02:00:00Z", 0);
	/* Negative time is refused. */
	{
		time_t	 t = 0;

		assert_int_equal(workhours_add(&wh, utc("2026-06-10T02:00:00Z"),
		    -1, &t), -1);
	}
	workhours_free(&wh);
}

static void
shanghai_holidays(void **state)
{
	struct workhours	 wh;

	(void)state;
	zone("Asia/Shanghai");
	/* Wednesday 2026-06-10 off. */
	setup(&wh, "mon-fri", "09:00-12:00,13:00-18:00", "2026-06-10", "");
	/* Tuesday 17:00 + 2 h: 1 h on Tuesday, Thursday 10:00. */
	add_is(&wh, "2026-06-09T09:00:00Z", 2 * HOUR, "2026-06-11T02:00:00Z");
	/* On the holiday itself: Thursday 09:00. */
	add_is(&wh, "2026-06-10T02:00:00Z", 0, "2026-06-11T01:00:00Z");
	/* Tuesday 09:00 to Thursday 09:00: Tuesday's 8 h only. */
	between_is(&wh, "2026-06-09T01:00:00Z", "2026-06-11T01:00:00Z",
	    8 * HOUR);
	workhours_free(&wh);

	/*
	 * National Day: Thursday 2026-10-01 to Thursday 10-08 off, the
	 * Saturday after (10-10) and Sunday 09-27 worked instead; 10-03, a
	 * Saturday, given as a make-up day too: the holiday wins.
	 */
	setup(&wh, "mon-fri", "09:00-12:00,13:00-18:00",
	    "2026-10-01..2026-10-08", "2026-09-27,2026-10-03,2026-10-10");
	/* Wednesday 09-30 17:00 + 3 h: 1 h, then Friday 10-09 11:00. */
	add_is(&wh, "2026-09-30T09:00:00Z", 3 * HOUR, "2026-10-09T03:00:00Z");
	/* + 10 h: 1 h, 8 h on Friday 10-09, 1 h on Saturday 10-10. */
	add_is(&wh, "2026-09-30T09:00:00Z", 10 * HOUR,
	    "2026-10-10T02:00:00Z");
	/* Saturday 10-03 stays a holiday: Friday 10-09 09:00. */
	add_is(&wh, "2026-10-03T02:00:00Z", 0, "2026-10-09T01:00:00Z");
	/* The make-up Sunday 09-27 opens at 09:00. */
	add_is(&wh, "2026-09-26T20:00:00Z", 0, "2026-09-27T01:00:00Z");
	/* Wednesday 09-30 09:00 to Monday 10-12 09:00: 09-30, 10-09, 10-10. */
	between_is(&wh, "2026-09-30T01:00:00Z", "2026-10-12T01:00:00Z",
	    24 * HOUR);
	workhours_free(&wh);

	/* Ten years of holidays from 2026-01-01: Tuesday 2036-01-01 09:00. */
	setup(&wh, "mon-fri", "09:00-18:00", "2026-01-01..2035-12-31", "");
	add_is(&wh, "2026-01-01T00:00:00Z", 0, "2036-01-01T01:00:00Z");
	workhours_free(&wh);
	/* More than ten years: no such moment. */
	setup(&wh, "mon-fri", "09:00-18:00", "2026-01-01..2036-06-30", "");
	{
		time_t	 t = 0;

		assert_int_equal(workhours_add(&wh, utc("2026-01-01T00:00:00Z"),
		    0, &t), -1);
		assert_int_equal(workhours_between(&wh,
		    utc("2026-01-01T00:00:00Z"), utc("2036-06-30T00:00:00Z")),
		    0);
	}
	workhours_free(&wh);
}

/* A night shift: 20:00 to midnight and on from midnight to 02:00. */
static void
shanghai_midnight(void **state)
{
	struct workhours	 wh;

	(void)state;
	zone("Asia/Shanghai");
	setup(&wh, "mon-sun", "00:00-02:00,20:00-24:00", "", "");
	/* Wednesday 23:00 + 2 h: Thursday 01:00. */
	add_is(&wh, "2026-06-10T15:00:00Z", 2 * HOUR, "2026-06-10T17:00:00Z");
	/* + 1 h fills the span to 24:00: Thursday 00:00. */
	add_is(&wh, "2026-06-10T15:00:00Z", HOUR, "2026-06-10T16:00:00Z");
	/* + 3 h: to 02:00; a second more is Thursday 20:00:01. */
	add_is(&wh, "2026-06-10T15:00:00Z", 3 * HOUR, "2026-06-10T18:00:00Z");
	add_is(&wh, "2026-06-10T15:00:00Z", 3 * HOUR + 1,
	    "2026-06-11T12:00:01Z");
	/* Wednesday 23:00 to Thursday 21:00: 1 + 2 + 1 h. */
	between_is(&wh, "2026-06-10T15:00:00Z", "2026-06-11T13:00:00Z",
	    4 * HOUR);
	/* At midnight exactly, counting goes on. */
	add_is(&wh, "2026-06-10T16:00:00Z", 1800, "2026-06-10T16:30:00Z");
	workhours_free(&wh);

	/*
	 * Saturday off: Friday night's hours after midnight are
	 * Saturday's, so Friday 23:00 + 2 h is Sunday 01:00.
	 */
	setup(&wh, "sun-fri", "00:00-02:00,20:00-24:00", "", "");
	add_is(&wh, "2026-06-12T15:00:00Z", 2 * HOUR, "2026-06-13T17:00:00Z");
	workhours_free(&wh);
}

/* Berlin: CET/CEST, 2026-03-29 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00. */
static void
berlin_dst(void **state)
{
	struct workhours	 wh;

	(void)state;
	zone("Europe/Berlin");
	setup(&wh, "mon-sun", "00:00-24:00", "", "");
	/* The spring day has 23 hours, the autumn day 25. */
	between_is(&wh, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z",
	    23 * HOUR);
	between_is(&wh, "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z",
	    25 * HOUR);
	/* 24 business hours from 03-29 00:00 are 03-30 01:00 local. */
	add_is(&wh, "2026-03-28T23:00:00Z", 24 * HOUR,
	    "2026-03-29T23:00:00Z");
	/* 24 from 10-25 00:00 are 10-25 23:00 local. */
	add_is(&wh, "2026-10-24T22:00:00Z", 24 * HOUR,
	    "2026-10-25T22:00:00Z");
	workhours_free(&wh);

	/* 01:00-04:00 holds the hour skipped and the hour repeated. */
	setup(&wh, "mon-sun", "01:00-04:00", "", "");
	/* 03-28 01-04 CET, 03-29 2 h, 03-30 01-04 CEST, 03-31 its first. */
	between_is(&wh, "2026-03-28T00:00:00Z", "2026-03-31T00:00:00Z",
	    9 * HOUR);
	/* 03-29 01:00 CET + 2 h is 04:00 CEST, 02:00 UTC. */
	add_is(&wh, "2026-03-29T00:00:00Z", 2 * HOUR, "2026-03-29T02:00:00Z");
	/* + 2.5 h: 03-30 01:30 CEST. */
	add_is(&wh, "2026-03-29T00:00:00Z", 2 * HOUR + 1800,
	    "2026-03-29T23:30:00Z");
	/* 10-25 01:00 CEST + 4 h is 04:00 CET, 03:00 UTC. */
	add_is(&wh, "2026-10-24T23:00:00Z", 4 * HOUR, "2026-10-25T03:00:00Z");
	add_is(&wh, "2026-10-24T23:00:00Z", 3 * HOUR + 1800,
	    "2026-10-25T02:30:00Z");
	/* 10-24 from 02:00 CEST: 2 h, 10-25: 4 h, 10-26: 3 h. */
	between_is(&wh, "2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z",
	    9 * HOUR);
	workhours_free(&wh);

	/* Office hours: the Friday before each change to the Monday after. */
	setup(&wh, "mon-fri", "09:00-17:00", "", "");
	/* Friday 03-27 16:00 CET + 2 h: Monday 03-30 10:00 CEST. */
	add_is(&wh, "2026-03-27T15:00:00Z", 2 * HOUR, "2026-03-30T08:00:00Z");
	/* Friday 10-23 16:00 CEST + 2 h: Monday 10-26 10:00 CET. */
	add_is(&wh, "2026-10-23T14:00:00Z", 2 * HOUR, "2026-10-26T09:00:00Z");
	workhours_free(&wh);
}

/* New York: EST/EDT, 2026-03-08 02:00 -> 03:00, 2026-11-01 02:00 -> 01:00. */
static void
new_york(void **state)
{
	struct workhours	 wh;

	(void)state;
	zone("America/New_York");
	setup(&wh, WORKHOURS_DAYS_DEFAULT, WORKHOURS_HOURS_DEFAULT, "", "");
	/* Friday 03-06 17:00 EST + 2 h: Monday 03-09 10:00 EDT. */
	add_is(&wh, "2026-03-06T22:00:00Z", 2 * HOUR, "2026-03-09T14:00:00Z");
	/* Friday 09:00 EST to Monday 09:00 EDT: Friday's 8 h. */
	between_is(&wh, "2026-03-06T14:00:00Z", "2026-03-09T13:00:00Z",
	    8 * HOUR);
	/* Friday 10-30 17:00 EDT + 2 h: Monday 11-02 10:00 EST. */
	add_is(&wh, "2026-10-30T21:00:00Z", 2 * HOUR, "2026-11-02T15:00:00Z");
	workhours_free(&wh);

	setup(&wh, "mon-sun", "00:00-24:00", "", "");
	between_is(&wh, "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z",
	    23 * HOUR);
	between_is(&wh, "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z",
	    25 * HOUR);
	workhours_free(&wh);

	/* 00:00-03:00: 2 h on 03-08, 4 h on 11-01. */
	setup(&wh, "mon-sun", "00:00-03:00", "", "");
	between_is(&wh, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z",
	    2 * HOUR);
	between_is(&wh, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z",
	    4 * HOUR);
	/* 11-01 00:00 EDT + 4 h is 03:00 EST; a second more, 11-02. */
	add_is(&wh, "2026-11-01T04:00:00Z", 4 * HOUR, "2026-11-01T08:00:00Z");
	add_is(&wh, "2026-11-01T04:00:00Z", 4 * HOUR + 1,
	    "2026-11-02T05:00:01Z");
	workhours_free(&wh);
}

/* add() and between() agree, from anywhere, for any amount. */
static void
round_trip(void **state)
{
	static const char *const from[] = {
		"2026-06-12T09:00:00Z", "2026-06-13T06:00:00Z",
		"2026-06-10T04:30:00Z", "2026-09-30T09:00:00Z",
		"2026-10-03T02:00:00Z", "2026-06-09T23:15:00Z",
	};
	static const long long secs[] = {
		0, 1, 59, 1800, 3599, HOUR, 3 * HOUR, 8 * HOUR, 8 * HOUR + 1,
		40 * HOUR, 200 * HOUR, 1000 * HOUR + 7,
	};
	struct workhours	 wh;
	time_t			 t;
	size_t			 i, j;

	(void)state;
	zone("Asia/Shanghai");
	setup(&wh, "mon-fri", WORKHOURS_HOURS_DEFAULT,
	    "2026-10-01..2026-10-08,2027-01-01", "2026-09-27,2026-10-10");
	for (i = 0; i < sizeof(from) / sizeof(from[0]); i++)
		for (j = 0; j < sizeof(secs) / sizeof(secs[0]); j++) {
			assert_int_equal(workhours_add(&wh, utc(from[i]),
			    secs[j], &t), 0);
			assert_true(t >= utc(from[i]));
			assert_int_equal(workhours_between(&wh, utc(from[i]),
			    t), secs[j]);
		}
	workhours_free(&wh);
}

/* The parser takes what people write, in its forms. */
static void
parse_ok(void **state)
{
	struct workhours	 wh;

	(void)state;
	setup(&wh, "mon-fri", WORKHOURS_HOURS_DEFAULT, "", "");
	assert_int_equal(wh.days, 0x3e);
	assert_int_equal(wh.nspans, 2);
	assert_int_equal(wh.span[0][0], 9 * 60);
	assert_int_equal(wh.span[1][1], 18 * 60);
	assert_null(wh.off);
	assert_int_equal(wh.noff, 0);
	workhours_free(&wh);
	/* Spaces after commas, any case, a range through the weekend. */
	setup(&wh, "Mon-Fri, sat", "08:00-12:00, 12:00-24:00", "", "");
	assert_int_equal(wh.days, 0x7e);
	assert_int_equal(wh.span[1][1], 24 * 60);
	workhours_free(&wh);
	setup(&wh, "sat-mon", "00:00-24:00", "", "");
	assert_int_equal(wh.days, 0x43);
	workhours_free(&wh);
	setup(&wh, "sun-thu", "00:00-24:00", "", "");
	assert_int_equal(wh.days, 0x1f);
	workhours_free(&wh);
	/* Dates sorted, a day given twice counted once. */
	setup(&wh, "mon-fri", "09:00-18:00",
	    "2026-10-08, 2026-10-01..2026-10-08, 2026-05-01", "2026-10-10");
	assert_int_equal(wh.noff, 9);
	assert_true(wh.off[0] < wh.off[1]);
	assert_int_equal(wh.off[8] - wh.off[1], 7);
	assert_int_equal(wh.non, 1);
	workhours_free(&wh);
	/* 4000 days are allowed. */
	setup(&wh, "mon-fri", "09:00-18:00", "2026-01-01..2036-12-13", "");
	assert_int_equal(wh.noff, 4000);
	workhours_free(&wh);
}

/* Refused, naming the setting and its bad part. */
static void
refuse(const char *days, const char *hours, const char *holidays,
    const char *make_up, const char *want)
{
	struct workhours	 wh;
	char			 err[256] = "";

	memset(&wh, 0, sizeof(wh));
	assert_int_equal(workhours_parse(&wh, days, hours, holidays,
	    make_up, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("want \"%s\" in \"%s\"", want, err);
	/* Nothing half made. */
	assert_null(wh.off);
	assert_null(wh.on);
}

static void
parse_refusals(void **state)
{
	static const char *const H = WORKHOURS_HOURS_DEFAULT;

	(void)state;
	refuse("mon-fri,xyz", H, "", "", "work_days: 'xyz': not a day");
	refuse("monday", H, "", "", "work_days: 'monday'");
	refuse("mon-", H, "", "", "work_days: 'mon-'");
	refuse("mon,,fri", H, "", "", "work_days: '':");
	refuse("", H, "", "", "work_days: empty");
	refuse("  ", H, "", "", "work_days: empty");
	refuse("mon-fri", "", "", "", "work_hours: empty");
	refuse("mon-fri", "09:00-12:00,11:00-13:00", "", "",
	    "work_hours: '11:00-13:00': overlaps");
	refuse("mon-fri", "13:00-18:00,09:00-12:00", "", "",
	    "work_hours: '09:00-12:00': overlaps");
	refuse("mon-fri", "25:00-26:00", "", "",
	    "work_hours: '25:00-26:00': not a span");
	refuse("mon-fri", "09:00-24:30", "", "", "'09:00-24:30': not a span");
	refuse("mon-fri", "09:60-12:00", "", "", "'09:60-12:00': not a span");
	refuse("mon-fri", "9:00-12:00", "", "", "'9:00-12:00': not a span");
	refuse("mon-fri", "09:00", "", "", "'09:00': not a span");
	refuse("mon-fri", "18:00-09:00", "", "",
	    "work_hours: '18:00-09:00': ends before it starts");
	refuse("mon-fri", "09:00-09:00", "", "", "ends before it starts");
	refuse("mon-fri", "24:00-24:00", "", "", "ends before it starts");
	refuse("mon-fri", "00:00-01:00,01:00-02:00,02:00-03:00,03:00-04:00,"
	    "04:00-05:00,05:00-06:00,06:00-07:00,07:00-08:00,08:00-09:00,"
	    "09:00-10:00,10:00-11:00,11:00-12:00,12:00-13:00,13:00-14:00,"
	    "14:00-15:00,15:00-16:00,16:00-17:00", "", "", "more than 16");
	refuse("mon-fri", H, "2026-02-30", "",
	    "holidays: '2026-02-30': not a date");
	refuse("mon-fri", H, "2026-10-01,2026-1-2", "",
	    "holidays: '2026-1-2'");
	refuse("mon-fri", H, "0224-10-01", "", "holidays: '0224-10-01'");
	refuse("mon-fri", H, "2026-10-08..2026-10-01", "",
	    "holidays: '2026-10-08..2026-10-01': the range runs backwards");
	refuse("mon-fri", H, "2026-10-01...2026-10-08", "", "not a date");
	refuse("mon-fri", H, "2026-10-01,", "", "holidays: '':");
	refuse("mon-fri", H, "2026-01-01..2036-12-14", "",
	    "more than 4000 days");
	refuse("mon-fri", H, "2026-01-01..2030-12-31,2031-01-01..2036-12-14",
	    "", "'2031-01-01..2036-12-14': more than 4000 days");
	refuse("mon-fri", H, "", "2026-13-01",
	    "make_up_days: '2026-13-01': not a date");
	refuse("mon-fri", H, "2026-10-01", "2026-10-10..2026-10-09",
	    "make_up_days: '2026-10-10..2026-10-09': the range runs");
}

/* Everything printed on stderr while fn runs, into buf. */
static int
load_quietly(struct conf *c, const char *file, char *buf, size_t size)
{
	char	 log[] = "/tmp/kiln-workhours-log-XXXXXX";
	FILE	*f;
	int	 fd, saved, rc;
	size_t	 n;

	assert_true((fd = mkstemp(log)) >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	rc = conf_load(c, file, 1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_non_null(f = fdopen(fd, "r"));
	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(log);
	return rc;
}

static void
write_conf(char *path, const char *text)
{
	int	 fd;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* kiln.conf: the keys, their defaults, a refusal naming the key. */
static void
conf_keys(void **state)
{
	struct conf	 c;
	char		 path[] = "/tmp/kiln-workhours-conf-XXXXXX";
	char		 out[1024];

	(void)state;
	conf_defaults(&c);
	assert_string_equal(c.work_days, "mon-fri");
	assert_string_equal(c.work_hours, "09:00-12:00,13:00-18:00");
	assert_string_equal(c.holidays, "");
	assert_string_equal(c.make_up_days, "");
	assert_int_equal(c.work.days, 0x3e);
	assert_int_equal(c.work.nspans, 2);
	assert_int_equal(c.reopen_days, 14);
	assert_int_equal(c.feedback_days, 30);
	assert_int_equal(conf_number(&c, "reopen_days"), 14);
	assert_int_equal(conf_number(&c, "feedback_days"), 30);
	assert_int_equal(conf_number(&c, "value_months"), 12);
	assert_int_equal(conf_number(&c, "contact_days"), 30);
	/* Only those: not the installation's other numbers. */
	assert_int_equal(conf_number(&c, "workers"), -1);
	assert_int_equal(conf_number(&c, "max_body"), -1);
	assert_int_equal(conf_number(&c, ""), -1);
	conf_free(&c);

	write_conf(path, "timezone = Asia/Shanghai\n"
	    "work_days = mon-sat\nwork_hours = 08:30-17:30\n"
	    "holidays = 2026-10-01..2026-10-08, 2027-01-01\n"
	    "make_up_days = 2026-10-11\nreopen_days = 0\n"
	    "feedback_days = 3650\n");
	assert_int_equal(load_quietly(&c, path, out, sizeof(out)), 0);
	assert_int_equal(c.work.days, 0x7e);
	assert_int_equal(c.work.span[0][0], 8 * 60 + 30);
	assert_int_equal(c.work.noff, 9);
	assert_int_equal(c.work.non, 1);
	assert_int_equal(conf_number(&c, "reopen_days"), 0);
	assert_int_equal(conf_number(&c, "feedback_days"), 3650);
	conf_free(&c);
	unlink(path);

	strcpy(path, "/tmp/kiln-workhours-conf-XXXXXX");
	write_conf(path, "work_hours = 09:00-12:00,11:00-18:00\n");
	assert_int_equal(load_quietly(&c, path, out, sizeof(out)), -1);
	assert_non_null(strstr(out, "work_hours: '11:00-18:00': overlaps"));
	conf_free(&c);
	unlink(path);

	strcpy(path, "/tmp/kiln-workhours-conf-XXXXXX");
	write_conf(path, "holidays = 2026-02-29\n");
	assert_int_equal(load_quietly(&c, path, out, sizeof(out)), -1);
	assert_non_null(strstr(out, "holidays: '2026-02-29': not a date"));
	conf_free(&c);
	unlink(path);

	strcpy(path, "/tmp/kiln-workhours-conf-XXXXXX");
	write_conf(path, "feedback_days = 0\n");
	assert_int_equal(load_quietly(&c, path, out, sizeof(out)), -1);
	assert_non_null(strstr(out, "bad value for 'feedback_days'"));
	conf_free(&c);
	unlink(path);

	strcpy(path, "/tmp/kiln-workhours-conf-XXXXXX");
	write_conf(path, "value_months = 121\n");
	assert_int_equal(load_quietly(&c, path, out, sizeof(out)), -1);
	assert_non_null(strstr(out, "bad value for 'value_months'"));
	conf_free(&c);
	unlink(path);

	strcpy(path, "/tmp/kiln-workhours-conf-XXXXXX");
	write_conf(path, "reopen_days = 3651\n");
	assert_int_equal(load_quietly(&c, path, out, sizeof(out)), -1);
	assert_non_null(strstr(out, "bad value for 'reopen_days'"));
	conf_free(&c);
	unlink(path);
}

/* ABI 9: the services over a loaded kiln.conf. */
static void
services(void **state)
{
	const struct kiln_services	*sv = &services_table;
	struct app			 app;
	struct kiln_req			 req;
	char				 out[1024];
	char				 path[] =
					    "/tmp/kiln-workhours-conf-XXXXXX";
	const char			*s;

	(void)state;
	assert_int_equal(KILN_ABI_VERSION, 10);
	assert_int_equal(sv->abi, 10);
	memset(&app, 0, sizeof(app));
	memset(&req, 0, sizeof(req));
	write_conf(path, "timezone = Asia/Shanghai\n"
	    "holidays = 2026-10-01..2026-10-08\nmake_up_days = 2026-10-10\n"
	    "reopen_days = 7\nvalue_months = 6\n");
	assert_int_equal(load_quietly(&app.conf, path, out, sizeof(out)), 0);
	unlink(path);
	req.app = &app;
	req.arena = arena_new(4096);

	/* Friday 17:00 + 2 h: Monday 10:00. */
	assert_non_null(s = sv->work_add(&req, "2026-06-12T09:00:00Z",
	    2 * HOUR));
	assert_string_equal(s, "2026-06-15T02:00:00Z");
	/* Across National Day to the make-up Saturday. */
	assert_non_null(s = sv->work_add(&req, "2026-09-30T09:00:00Z",
	    10 * HOUR));
	assert_string_equal(s, "2026-10-10T02:00:00Z");
	assert_non_null(s = sv->work_add(&req, "2026-06-13T06:00:00Z", 0));
	assert_string_equal(s, "2026-06-15T01:00:00Z");
	assert_null(sv->work_add(&req, "2026-06-12 09:00:00", 60));
	assert_null(sv->work_add(&req, "2026-06-12T09:00:00", 60));
	assert_null(sv->work_add(&req, "2026-02-30T09:00:00Z", 60));
	assert_null(sv->work_add(&req, "", 60));
	assert_null(sv->work_add(&req, NULL, 60));
	assert_null(sv->work_add(&req, "2026-06-12T09:00:00Z", -1));
	/* Past 2999 is no time Kiln stores. */
	assert_null(sv->work_add(&req, "2999-12-31T09:00:00Z", 100 * HOUR));

	assert_int_equal(sv->work_between(&req, "2026-06-12T08:00:00Z",
	    "2026-06-15T02:00:00Z"), 3 * HOUR);
	assert_int_equal(sv->work_between(&req, "2026-09-30T01:00:00Z",
	    "2026-10-12T01:00:00Z"), 24 * HOUR);
	assert_int_equal(sv->work_between(&req, "2026-06-15T02:00:00Z",
	    "2026-06-12T08:00:00Z"), 0);
	assert_int_equal(sv->work_between(&req, "2026-06-12",
	    "2026-06-15T02:00:00Z"), -1);
	assert_int_equal(sv->work_between(&req, "2026-06-12T08:00:00Z",
	    NULL), -1);

	assert_int_equal(sv->number(&req, "reopen_days"), 7);
	assert_int_equal(sv->number(&req, "feedback_days"), 30);
	/* ABI 10: customer value's window, an A customer's contact days. */
	assert_int_equal(sv->number(&req, "value_months"), 6);
	assert_int_equal(sv->number(&req, "contact_days"), 30);
	assert_int_equal(sv->number(&req, "session_max"), -1);
	assert_int_equal(sv->number(&req, "db"), -1);
	assert_int_equal(sv->number(&req, NULL), -1);

	arena_free(req.arena);
	conf_free(&app.conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shanghai_week),
		cmocka_unit_test(shanghai_holidays),
		cmocka_unit_test(shanghai_midnight),
		cmocka_unit_test(berlin_dst),
		cmocka_unit_test(new_york),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(parse_ok),
		cmocka_unit_test(parse_refusals),
		cmocka_unit_test(conf_keys),
		cmocka_unit_test(services),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
