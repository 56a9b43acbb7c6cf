/*
 * value.h - parsing and formatting of typed field values: money in
 * integer minor units, integers, dates, e-mail, phone, URLs.  Each
 * parser accepts exactly one canonical text form and nothing else.
 */
#ifndef KILN_VALUE_H
#define KILN_VALUE_H

#include <stddef.h>

#define MONEY_BUFSZ	32

/* "1234", "1234.5", "-1234.50" -> minor units; 0 on success, -1 bad, -2 range */
int	 value_money_parse(const char *, long long *);
/* minor units -> "1234.50" into buf of MONEY_BUFSZ */
char	*value_money_format(long long, char *);
/* ... -> "1,234.50", for people (MONEY_BUFSZ holds the commas too). */
char	*value_money_grouped(long long, char *);
/* An integer in decimal into buf of MONEY_BUFSZ, without printf. */
char	*value_int_format(long long, char *);
/* Plain decimal integer, optional sign; -1 bad, -2 out of range. */
int	 value_int_parse(const char *, long long *);
/*
 * Dates: YYYY-MM-DD of the years VALUE_YEAR_MIN..VALUE_YEAR_MAX, for
 * the C code and the rules' kiln.* helpers alike.  A manufacturer's
 * CRM dates orders, deliveries, invoices and contracts: nothing before
 * 1900 or after 2999, and a year outside is a typing error (0224 for
 * 2024) better refused than stored.  One range for what is stored and
 * what a rule computes, so a date a rule makes can be stored and
 * compared (as text) with the others.
 */
#define VALUE_YEAR_MIN	1900
#define VALUE_YEAR_MAX	2999
#define VALUE_DATE_BUFSZ	11
int	 value_date_ok(const char *);		/* YYYY-MM-DD, real day */
/* YYYY-MM-DD -> days since 1970-01-01; 0, -1 no real day, -2 year range */
int	 value_date_parse(const char *, long long *);
/* days since 1970-01-01 -> YYYY-MM-DD into buf[VALUE_DATE_BUFSZ]; NULL outside the years */
char	*value_date_format(long long, char *);
int	 value_datetime_ok(const char *);	/* YYYY-MM-DDTHH:MM:SSZ */
/* Local "YYYY-MM-DD HH:MM[:SS]" (or T) into UTC as stored: 0, or -1. */
int	 value_datetime_local(const char *, char *out21);
int	 value_email_ok(const char *);
int	 value_phone_ok(const char *);
int	 value_url_ok(const char *);		/* http, https, mailto */
int	 value_bool_parse(const char *, int *);
/*
 * Does valid UTF-8 text carry a bidirectional embedding, override or
 * isolate (U+202A-U+202E, U+2066-U+2069), which would make a name
 * shown to others read differently from what it is?
 */
int	 value_has_bidi(const char *);
/* Is code point cp one of those (user.c checks names by code point)? */
int	 value_bidi_control(unsigned long cp);
/* Characters (code points) in UTF-8 text. */
size_t	 value_utf8_len(const char *);
/*
 * Bytes of the valid, shortest-form UTF-8 character at S (at most LEN
 * bytes; 1 for ASCII, NUL included), its code point into *CP unless
 * NULL; 0 when the bytes there are not UTF-8.
 */
size_t	 value_utf8_char(const char *, size_t, unsigned long *);
/*
 * LEN bytes of SRC into DST of SIZE bytes as text fit for a page or an
 * XML document: valid UTF-8 only (stray bytes become '?'), no NUL,
 * control characters but tab and newline as spaces, cut at a character
 * boundary.  Returns the bytes written, without the NUL.
 */
size_t	 value_utf8_copy(char *, size_t, const char *, size_t);
/* Current UTC time as YYYY-MM-DDTHH:MM:SSZ into buf[21]. */
char	*value_now(char *);
/* Today in UTC as YYYY-MM-DD into buf[VALUE_DATE_BUFSZ]. */
char	*value_today(char *);

#endif
