/*
 * workhours.c - business time; see workhours.h.
 *
 * Deliberately plain: a walk over local calendar days, each working
 * day's spans turned into moments by mktime() with tm_isdst -1, so the
 * C library, not this file, knows when the clocks change.  O(days): ten
 * years is a few thousand days.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "value.h"
#include "workhours.h"

/* One item of a comma list, the spaces around it trimmed. */
struct item {
	const char	*s;
	int		 n;
};

static int	 fail(char *, size_t, const char *, const struct item *,
		    const char *, ...)
		    __attribute__((format(printf, 5, 6)));

/* "key: 'item': why" into err; always -1. */
static int
fail(char *err, size_t errsz, const char *key, const struct item *it,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (err == NULL || errsz == 0)
		return -1;
	if (it != NULL)
		n = snprintf(err, errsz, "%s: '%.*s': ", key, it->n, it->s);
	else
		n = snprintf(err, errsz, "%s: ", key);
	if (n >= 0 && (size_t)n < errsz) {
		va_start(ap, fmt);
		vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
blank(const char *s)
{
	if (s == NULL)
		return 1;
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/*
 * The next item of the comma list at *p into *it, *p moved past it: 1,
 * or 0 after the last.  "a,,b" and "a," have an empty item, for the
 * caller to refuse.
 */
static int
next_item(const char **p, struct item *it)
{
	const char	*s = *p, *e;

	if (s == NULL)
		return 0;
	if ((e = strchr(s, ',')) != NULL)
		*p = e + 1;
	else {
		e = s + strlen(s);
		*p = NULL;
	}
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	it->s = s;
	it->n = (int)(e - s);
	return 1;
}

/* As tm_wday counts them. */
static const char *const day_names[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

static int
day_of(const char *s, size_t n)
{
	int	 i;

	if (n != 3)
		return -1;
	for (i = 0; i < 7; i++)
		if (strncasecmp(s, day_names[i], 3) == 0)
			return i;
	return -1;
}

static int
parse_days(const char *list, unsigned *days, char *err, size_t errsz)
{
	struct item	 it;
	const char	*p = list, *dash;
	int		 a, b;

	*days = 0;
	if (blank(list))
		return fail(err, errsz, "work_days", NULL,
		    "empty: name the working days (mon-fri)");
	while (next_item(&p, &it)) {
		if ((dash = memchr(it.s, '-', (size_t)it.n)) == NULL)
			a = b = day_of(it.s, (size_t)it.n);
		else {
			a = day_of(it.s, (size_t)(dash - it.s));
			b = day_of(dash + 1, (size_t)(it.s + it.n - dash - 1));
		}
		if (a == -1 || b == -1)
			return fail(err, errsz, "work_days", &it, "not a day"
			    " or range of days (mon tue wed thu fri sat sun;"
			    " mon-fri)");
		/* Forward through the week: sun-thu is five days. */
		for (;; a = (a + 1) % 7) {
			*days |= 1u << a;
			if (a == b)
				break;
		}
	}
	return 0;
}

/* "HH:MM" as minutes after midnight, 0 to 24 * 60; -1 when it is none. */
static int
minutes(const char *s, size_t n)
{
	int	 h, m;

	if (n != 5 || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

static int
parse_hours(const char *list, struct workhours *wh, char *err, size_t errsz)
{
	struct item	 it;
	const char	*p = list, *dash;
	int		 s, e;

	wh->nspans = 0;
	if (blank(list))
		return fail(err, errsz, "work_hours", NULL,
		    "empty: give the working hours (09:00-18:00)");
	while (next_item(&p, &it)) {
		s = e = -1;
		if ((dash = memchr(it.s, '-', (size_t)it.n)) != NULL) {
			s = minutes(it.s, (size_t)(dash - it.s));
			e = minutes(dash + 1, (size_t)(it.s + it.n - dash - 1));
		}
		if (s == -1 || e == -1)
			return fail(err, errsz, "work_hours", &it, "not a span"
			    " of times of day (HH:MM-HH:MM, 00:00 to 24:00)");
		if (e <= s)
			return fail(err, errsz, "work_hours", &it, "ends"
			    " before it starts (a span lies within one day:"
			    " 22:00-24:00,00:00-06:00 for a night)");
		if (wh->nspans > 0 && s < wh->span[wh->nspans - 1][1])
			return fail(err, errsz, "work_hours", &it, "overlaps"
			    " or comes before the span before it (spans in"
			    " order of the day)");
		if (wh->nspans == WORKHOURS_SPANS_MAX)
			return fail(err, errsz, "work_hours", &it, "more"
			    " than %d spans", WORKHOURS_SPANS_MAX);
		wh->span[wh->nspans][0] = s;
		wh->span[wh->nspans][1] = e;
		wh->nspans++;
	}
	return 0;
}

/* The YYYY-MM-DD of n bytes at s as days since 1970-01-01: 0, or -1. */
static int
day_number(const char *s, size_t n, long long *dn)
{
	char	 buf[VALUE_DATE_BUFSZ];

	if (n != 10)
		return -1;
	memcpy(buf, s, 10);
	buf[10] = '\0';
	return value_date_parse(buf, dn) == 0 ? 0 : -1;
}

static int
cmp_day(const void *a, const void *b)
{
	long long	 x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* A list of dates and ranges into a sorted array of day numbers. */
static int
parse_dates(const char *key, const char *list, long long **out,
    size_t *nout, char *err, size_t errsz)
{
	struct item	 it;
	const char	*p = list;
	long long	*v = NULL, *nv, lo, hi;
	size_t		 n = 0, i, j;
	int		 rc = -1, ok;

	*out = NULL;
	*nout = 0;
	if (blank(list))
		return 0;
	while (next_item(&p, &it)) {
		if (it.n == 22 && it.s[10] == '.' && it.s[11] == '.')
			ok = day_number(it.s, 10, &lo) == 0 &&
			    day_number(it.s + 12, 10, &hi) == 0;
		else {
			ok = day_number(it.s, (size_t)it.n, &lo) == 0;
			hi = lo;
		}
		if (!ok) {
			fail(err, errsz, key, &it, "not a date or range of"
			    " dates (YYYY-MM-DD, a real day;"
			    " 2026-10-01..2026-10-08)");
			goto out;
		}
		if (hi < lo) {
			fail(err, errsz, key, &it, "the range runs backwards");
			goto out;
		}
		if (hi - lo + 1 > (long long)(WORKHOURS_DATES_MAX - n)) {
			fail(err, errsz, key, &it, "more than %d days in all",
			    WORKHOURS_DATES_MAX);
			goto out;
		}
		if ((nv = realloc(v, (n + (size_t)(hi - lo + 1)) *
		    sizeof(*v))) == NULL) {
			fail(err, errsz, key, NULL, "out of memory");
			goto out;
		}
		v = nv;
		for (; lo <= hi; lo++)
			v[n++] = lo;
	}
	/* Sorted for bsearch; a day given twice is one day. */
	qsort(v, n, sizeof(*v), cmp_day);
	for (i = j = 0; i < n; i++)
		if (j == 0 || v[j - 1] != v[i])
			v[j++] = v[i];
	*out = v;
	*nout = j;
	v = NULL;
	rc = 0;
out:
	free(v);
	return rc;
}

int
workhours_parse(struct workhours *wh, const char *days, const char *hours,
    const char *holidays, const char *make_up, char *err, size_t errsz)
{
	struct workhours	 w;

	memset(&w, 0, sizeof(w));
	if (parse_days(days, &w.days, err, errsz) == -1 ||
	    parse_hours(hours, &w, err, errsz) == -1 ||
	    parse_dates("holidays", holidays, &w.off, &w.noff, err,
	    errsz) == -1 ||
	    parse_dates("make_up_days", make_up, &w.on, &w.non, err,
	    errsz) == -1) {
		workhours_free(&w);
		return -1;
	}
	*wh = w;
	return 0;
}

void
workhours_free(struct workhours *wh)
{
	free(wh->off);
	free(wh->on);
	wh->off = wh->on = NULL;
	wh->noff = wh->non = 0;
}

static int
has_day(const long long *v, size_t n, long long dn)
{
	return n > 0 && bsearch(&dn, v, n, sizeof(*v), cmp_day) != NULL;
}

/* Is local day tm (a date mktime() normalised) a working day? */
static int
workday(const struct workhours *wh, const struct tm *tm)
{
	char		 buf[32];
	long long	 dn;

	/* Dates are of value.h's years: outside them, no holiday. */
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm->tm_year + 1900,
	    tm->tm_mon + 1, tm->tm_mday);
	if (value_date_parse(buf, &dn) == 0) {
		if (has_day(wh->off, wh->noff, dn))
			return 0;	/* a holiday beats everything */
		if (has_day(wh->on, wh->non, dn))
			return 1;
	}
	return (wh->days >> tm->tm_wday) & 1;
}

/*
 * The moment min minutes after midnight (24 * 60 is the next midnight)
 * on local date day; a time the clocks skip is taken as mktime() takes
 * it.
 */
static time_t
at(const struct tm *day, int min)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = day->tm_year;
	tm.tm_mon = day->tm_mon;
	tm.tm_mday = day->tm_mday;
	tm.tm_hour = min / 60;
	tm.tm_min = min % 60;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* A walk over local days from a moment on. */
struct walk {
	const struct workhours	*wh;
	struct tm		 base;	/* the first day's date */
	int			 k;	/* the next: days after */
	time_t			 last;	/* none before counts */
};

static int
walk_init(struct walk *w, const struct workhours *wh, time_t from)
{
	w->wh = wh;
	w->k = 0;
	w->last = from;
	return localtime_r(&from, &w->base) == NULL ? -1 : 0;
}

/*
 * The walk's next local day: its midnight into *day, and its business
 * spans, none before w->last, into span: how many, or -1 when mktime()
 * fails.  Each span starts no earlier than the one before ends, so an
 * hour the clocks repeat is never counted twice.
 */
static int
walk_day(struct walk *w, time_t *day, time_t span[][2])
{
	struct tm	 tm;
	time_t		 s, e;
	size_t		 i;
	int		 n = 0;

	/* Noon, for mktime() to normalise into a date and weekday. */
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = w->base.tm_year;
	tm.tm_mon = w->base.tm_mon;
	tm.tm_mday = w->base.tm_mday + w->k++;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1 || (*day = at(&tm, 0)) == (time_t)-1)
		return -1;
	if (!workday(w->wh, &tm))
		return 0;
	for (i = 0; i < w->wh->nspans; i++) {
		if ((s = at(&tm, w->wh->span[i][0])) == (time_t)-1 ||
		    (e = at(&tm, w->wh->span[i][1])) == (time_t)-1)
			return -1;
		if (s < w->last)
			s = w->last;
		if (e <= s)
			continue;
		span[n][0] = s;
		span[n][1] = e;
		n++;
		w->last = e;
	}
	return n;
}

int
workhours_add(const struct workhours *wh, time_t from, long long seconds,
    time_t *out)
{
	struct walk	 w;
	time_t		 day, span[WORKHOURS_SPANS_MAX][2];
	int		 i, n;

	if (seconds < 0 || walk_init(&w, wh, from) == -1)
		return -1;
	while (w.k <= WORKHOURS_HORIZON) {
		if ((n = walk_day(&w, &day, span)) == -1)
			return -1;
		for (i = 0; i < n; i++) {
			/* Filled to its end, a span gives its end. */
			if (seconds <= span[i][1] - span[i][0]) {
				*out = span[i][0] + (time_t)seconds;
				return 0;
			}
			seconds -= span[i][1] - span[i][0];
		}
	}
	return -1;
}

long long
workhours_between(const struct workhours *wh, time_t a, time_t b)
{
	struct walk	 w;
	time_t		 day, span[WORKHOURS_SPANS_MAX][2];
	long long	 sum = 0;
	int		 i, n;

	if (b <= a)
		return 0;
	if (walk_init(&w, wh, a) == -1)
		return -1;
	/* Days past the horizon are not counted: a typo's year 9999 ends. */
	while (w.k <= WORKHOURS_HORIZON) {
		if ((n = walk_day(&w, &day, span)) == -1)
			return -1;
		if (day >= b)
			break;
		for (i = 0; i < n && span[i][0] < b; i++)
			sum += (span[i][1] < b ? span[i][1] : b) - span[i][0];
	}
	return sum;
}
