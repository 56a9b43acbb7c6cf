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
/* An integer in decimal into buf of MONEY_BUFSZ, without printf. */
char	*value_int_format(long long, char *);
/* Plain decimal integer, optional sign; -1 bad, -2 out of range. */
int	 value_int_parse(const char *, long long *);
int	 value_date_ok(const char *);		/* YYYY-MM-DD, real day */
int	 value_datetime_ok(const char *);	/* YYYY-MM-DDTHH:MM:SSZ */
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
/* Characters (code points) in UTF-8 text. */
size_t	 value_utf8_len(const char *);
/* Current UTC time as YYYY-MM-DDTHH:MM:SSZ into buf[21]. */
char	*value_now(char *);

#endif
