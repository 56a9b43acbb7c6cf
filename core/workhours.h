/*
 * workhours.h - business time: the working days and hours of the
 * installation (kiln.conf's work_days, work_hours, holidays and
 * make_up_days), and arithmetic on them, so a service clock ("answer
 * within 8 working hours") stops at night, at weekends and on public
 * holidays.  Hours are wall-clock hours in the installation's time
 * zone (TZ, set by conf_load): a day the clocks change has one hour
 * more or less.
 */
#ifndef KILN_WORKHOURS_H
#define KILN_WORKHOURS_H

#include <stddef.h>
#include <time.h>

#define WORKHOURS_DAYS_DEFAULT	"mon-fri"
#define WORKHOURS_HOURS_DEFAULT	"09:00-12:00,13:00-18:00"
/* Spans in a day; days of holidays (and of make-up days) in all. */
#define WORKHOURS_SPANS_MAX	16
#define WORKHOURS_DATES_MAX	4000
/* The days add() looks ahead: ten years. */
#define WORKHOURS_HORIZON	3653

struct workhours {
	unsigned	 days;	/* bit tm_wday: 0x01 Sun .. 0x40 Sat */
	size_t		 nspans;
	/* [start, end) in minutes after local midnight, in order. */
	int		 span[WORKHOURS_SPANS_MAX][2];
	/* Holidays, make-up working days: days since 1970-01-01, sorted. */
	long long	*off;
	size_t		 noff;
	long long	*on;
	size_t		 non;
};

/*
 * The four settings into *wh: 0, or -1 with the setting and its bad
 * part in err ("work_hours: 25:00-26:00: not a time ...") and *wh
 * untouched.  days: "mon-fri,sat" (a range runs forward through the
 * week: "sun-thu"); hours: "09:00-12:00,13:00-18:00" (in order, apart,
 * 24:00 only as an end); holidays and make_up: "" or dates and ranges
 * "2026-10-01..2026-10-08".  A holiday is never a working day; a
 * make-up day is one whatever its weekday.  Free with workhours_free().
 */
int		 workhours_parse(struct workhours *wh, const char *days,
		    const char *hours, const char *holidays,
		    const char *make_up, char *err, size_t errsz);
void		 workhours_free(struct workhours *);
/*
 * The moment seconds of business time after from (counted from the
 * first business moment at or after it; 0 seconds gives that moment;
 * time that fills a span to its end gives that end) into *out: 0, or
 * -1 when seconds < 0 or there is no such moment within
 * WORKHOURS_HORIZON days.
 */
int		 workhours_add(const struct workhours *, time_t from,
		    long long seconds, time_t *out);
/*
 * Business seconds in [a, b): 0 when b <= a, -1 beyond the calendar;
 * counted up to WORKHOURS_HORIZON days after a.
 */
long long	 workhours_between(const struct workhours *, time_t a,
		    time_t b);

#endif
