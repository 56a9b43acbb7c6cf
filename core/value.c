/*
 * value.c - typed field values; see value.h.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "value.h"

/* Largest amount we accept: far beyond any order, far from overflow. */
#define MONEY_MAX	(LLONG_MAX / 1000)

int
value_money_parse(const char *s, long long *out)
{
	long long	 v = 0;
	int		 neg = 0, frac = 0, digits = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; isdigit((unsigned char)*s); s++, digits++) {
		if (v > (MONEY_MAX - 9) / 10)
			return -2;
		v = v * 10 + (*s - '0');
	}
	if (digits == 0)
		return -1;
	v *= 100;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		v += (*s++ - '0') * 10;
		frac++;
		if (isdigit((unsigned char)*s)) {
			v += *s++ - '0';
			frac++;
		}
	}
	if (*s != '\0')
		return -1;
	*out = neg ? -v : v;
	return 0;
}

/*
 * V in decimal into BUF (MONEY_BUFSZ), with a point before the last
 * CENTS digits when CENTS > 0.  Without printf: lists format ids and
 * money row by row.
 */
static char *
format(long long v, char *buf, int cents, int group)
{
	unsigned long long	 u;
	char			 tmp[MONEY_BUFSZ], *p = tmp + sizeof(tmp);
	char			*o = buf;
	int			 n = 0;

	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	*--p = '\0';
	do {
		if (cents > 0 && n == cents)
			*--p = '.';
		/* A comma before each third digit of the whole part. */
		else if (group && n > cents && (n - cents) % 3 == 0)
			*--p = ',';
		*--p = (char)('0' + u % 10);
		u /= 10;
		n++;
	} while (u > 0 || n <= cents);
	if (v < 0)
		*o++ = '-';
	memcpy(o, p, (size_t)(tmp + sizeof(tmp) - p));
	return buf;
}

char *
value_money_format(long long v, char *buf)
{
	return format(v, buf, 2, 0);
}

char *
value_money_grouped(long long v, char *buf)
{
	return format(v, buf, 2, 1);
}

char *
value_int_format(long long v, char *buf)
{
	return format(v, buf, 0, 0);
}

int
value_int_parse(const char *s, long long *out)
{
	long long	 v = 0;
	int		 neg = 0, d;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		d = *s - '0';
		if (v > (LLONG_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	if (*s != '\0')
		return -1;
	*out = neg ? -v : v;
	return 0;
}

static int
digits(const char *s, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
num(const char *s, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/*
 * The calendar date in the first ten bytes of S into *Y, *M, *D: 0, -1
 * when they are no real YYYY-MM-DD day, -2 when the year is outside
 * VALUE_YEAR_MIN..VALUE_YEAR_MAX (see value.h for why those).
 */
static int
date_prefix(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int	 leap;

	if (strnlen(s, 10) < 10 || !digits(s, 4) || s[4] != '-' ||
	    !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
		return -1;
	*y = num(s, 4);
	*m = num(s + 5, 2);
	*d = num(s + 8, 2);
	if (*m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1])
		return -1;
	leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	if (*m == 2 && !leap && *d > 28)
		return -1;
	if (*y < VALUE_YEAR_MIN || *y > VALUE_YEAR_MAX)
		return -2;
	return 0;
}

int
value_date_ok(const char *s)
{
	int	 y, m, d;

	return strlen(s) == 10 && date_prefix(s, &y, &m, &d) == 0;
}

int
value_datetime_ok(const char *s)
{
	int	 y, m, d;

	if (strlen(s) != 20 || date_prefix(s, &y, &m, &d) != 0 ||
	    s[10] != 'T' ||
	    !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) ||
	    s[16] != ':' || !digits(s + 17, 2) || s[19] != 'Z')
		return 0;
	return num(s + 11, 2) < 24 && num(s + 14, 2) < 60 &&
	    num(s + 17, 2) < 61;
}

/*
 * A time as people type it, in the installation's time zone (TZ, set
 * from kiln.conf): "YYYY-MM-DD HH:MM", the "T" of a datetime-local
 * input, seconds optional.  Into out (21 bytes) as stored, in UTC:
 * 0, or -1 when s is not such a time.  A time the clocks skip (spring
 * forward) is taken as mktime() takes it, an hour on.
 */
int
value_datetime_local(const char *s, char *out)
{
	struct tm	 tm;
	time_t		 t;
	size_t		 n = strlen(s);
	int		 y, m, d;

	if ((n != 16 && n != 19) || date_prefix(s, &y, &m, &d) != 0 ||
	    (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) ||
	    (n == 19 && (s[16] != ':' || !digits(s + 17, 2))))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = num(s + 11, 2);
	tm.tm_min = num(s + 14, 2);
	tm.tm_sec = n == 19 ? num(s + 17, 2) : 0;
	tm.tm_isdst = -1;
	if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59 ||
	    (t = mktime(&tm)) == (time_t)-1 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		return -1;
	return 0;
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * algorithm), so date arithmetic needs no time zone or timegm().
 */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* The inverse of days_from_civil(). */
static void
civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long	 era;
	unsigned	 doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

int
value_date_parse(const char *s, long long *days)
{
	int	 y, m, d, rc;

	if (strlen(s) != 10)
		return -1;
	if ((rc = date_prefix(s, &y, &m, &d)) != 0)
		return rc;
	*days = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

/* Two decimal digits of V at P: dates are formatted without printf. */
static char *
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

char *
value_date_format(long long days, char *buf)
{
	long long	 y;
	unsigned	 m, d;
	char		*p = buf;

	if (days < days_from_civil(VALUE_YEAR_MIN, 1, 1) ||
	    days > days_from_civil(VALUE_YEAR_MAX, 12, 31))
		return NULL;
	civil_from_days(days, &y, &m, &d);
	p = put2(p, (unsigned)(y / 100));
	p = put2(p, (unsigned)(y % 100));
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	p = put2(p, d);
	*p = '\0';
	return buf;
}

/*
 * Deliberately simple: one '@', a non-empty local part, a dotted
 * domain, no spaces or angle brackets.  Real validation is delivery.
 */
int
value_email_ok(const char *s)
{
	const char	*at, *p;

	if ((at = strchr(s, '@')) == NULL || at == s ||
	    strchr(at + 1, '@') != NULL)
		return 0;
	for (p = s; *p; p++)
		if (isspace((unsigned char)*p) || *p == '<' || *p == '>' ||
		    *p == '"' || *p == ',' || *p == ';')
			return 0;
	p = strrchr(at + 1, '.');
	return p != NULL && p > at + 1 && p[1] != '\0';
}

/* Digits with the usual separators and an optional leading '+'. */
int
value_phone_ok(const char *s)
{
	int	 nd = 0;

	if (*s == '+')
		s++;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			nd++;
		else if (strchr(" -()./", *s) == NULL && *s != 'x')
			return 0;
	}
	return nd >= 3 && nd <= 20;
}

/* Only schemes that cannot run script when a browser follows them. */
int
value_url_ok(const char *s)
{
	const char	*p;

	for (p = s; *p; p++)
		if (isspace((unsigned char)*p) || *p == '"' || *p == '<' ||
		    *p == '>' || *p == '\\')
			return 0;
	if (strncasecmp(s, "https://", 8) == 0)
		return s[8] != '\0' && s[8] != '/';
	if (strncasecmp(s, "http://", 7) == 0)
		return s[7] != '\0' && s[7] != '/';
	if (strncasecmp(s, "mailto:", 7) == 0)
		return value_email_ok(s + 7);
	return 0;
}

int
value_bool_parse(const char *s, int *out)
{
	if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0 ||
	    strcmp(s, "on") == 0 || strcmp(s, "yes") == 0)
		*out = 1;
	else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "off") == 0 || strcmp(s, "no") == 0 || *s == '\0')
		*out = 0;
	else
		return -1;
	return 0;
}

int
value_bidi_control(unsigned long cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int
value_has_bidi(const char *s)
{
	size_t		 len = strlen(s), n;
	unsigned long	 cp;

	for (; len > 0; s += n, len -= n) {
		if ((n = value_utf8_char(s, len, &cp)) == 0)
			return 0;	/* not text: refused elsewhere */
		if (value_bidi_control(cp))
			return 1;
	}
	return 0;
}

size_t
value_utf8_len(const char *s)
{
	size_t	 n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

size_t
value_utf8_char(const char *s, size_t len, unsigned long *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned long		 c;
	size_t			 n, i;

	if (len == 0)
		return 0;
	if (u[0] < 0x80)
		n = 1, c = u[0];
	else if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2, c = u[0] & 0x1f;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		n = 3, c = u[0] & 0x0f;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		n = 4, c = u[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (u[i] & 0x3f);
	}
	/* overlong 3 and 4 byte forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && c < 0x800) || (c >= 0xd800 && c <= 0xdfff) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	if (cp != NULL)
		*cp = c;
	return n;
}

size_t
value_utf8_copy(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 i = 0, o = 0, n;

	if (size == 0)
		return 0;
	while (i < len) {
		n = value_utf8_char(src + i, len - i, NULL);
		if (n == 1 && s[i] == '\0') {
			i++;
			continue;
		}
		if (o + (n ? n : 1) >= size)
			break;
		if (n == 0) {
			dst[o++] = '?';
			i++;
		} else if (n == 1) {
			dst[o++] = (s[i] < 0x20 && s[i] != '\t' &&
			    s[i] != '\n') || s[i] == 0x7f ? ' ' : (char)s[i];
			i++;
		} else {
			memcpy(dst + o, s + i, n);
			o += n;
			i += n;
		}
	}
	dst[o] = '\0';
	return o;
}

char *
value_now(char *buf)
{
	time_t		 t = time(NULL);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

char *
value_today(char *buf)
{
	char	 now[21];

	value_now(now);
	memcpy(buf, now, 10);
	buf[10] = '\0';
	return buf;
}
