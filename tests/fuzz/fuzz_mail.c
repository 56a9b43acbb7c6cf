/*
 * fuzz_mail.c - libFuzzer target: a received e-mail (kiln mail-in's
 * input).  Whatever comes in, what mail_parse() gives back is valid
 * UTF-8 without control characters (the text keeps \n and \t), within
 * its caps.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "mail.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Valid UTF-8 (no overlongs, surrogates or beyond U+10FFFF), no C0. */
static int
clean(const char *s, size_t max, int text)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, i;
	unsigned		 c;

	if (s == NULL || strlen(s) > max)
		return 0;
	while (*p) {
		if (*p < 0x80) {
			if ((*p < 0x20 && !(text && (*p == '\n' ||
			    *p == '\t'))) || *p == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1, c = *p & 0x1f;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2, c = *p & 0x0f;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3, c = *p & 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (n == 3 && (c < 0x10000 || c > 0x10ffff)))
			return 0;
		p += n + 1;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new(4096);
	struct mail	 m;
	char		 err[256];

	if (mail_parse(a, (const char *)data, size, &m, err, sizeof(err)) ==
	    0 && (!clean(m.from_addr, MAIL_FIELD_MAX, 0) ||
	    !clean(m.from_name, MAIL_FIELD_MAX, 0) ||
	    !clean(m.to_addr, MAIL_FIELD_MAX, 0) ||
	    !clean(m.subject, MAIL_FIELD_MAX, 0) ||
	    !clean(m.message_id, MAIL_FIELD_MAX, 0) ||
	    !clean(m.in_reply_to, MAIL_FIELD_MAX, 0) ||
	    !clean(m.references, MAIL_FIELD_MAX, 0) ||
	    !clean(m.date, 20, 0) || !clean(m.text, MAIL_TEXT_MAX, 1) ||
	    *m.from_addr == '\0'))
		__builtin_trap();
	arena_free(a);
	return 0;
}
