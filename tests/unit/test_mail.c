/*
 * test_mail.c - mail in (real messages in tests/unit/mail/, hostile
 * ones made here), mail out, and sendmail as a real child process.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "arena.h"
#include "mail.h"

#ifndef MAIL_FIXTURES
#define MAIL_FIXTURES	"tests/unit/mail"
#endif

static struct arena	*A;
static char		 tmpdir[256];

/*
 * A fixture's bytes, from $MAIL_FIXTURES, else MAIL_FIXTURES (a
 * compile-time define), relative to $srcdir when automake sets it.
 */
static char *
fixture(const char *name, size_t *len)
{
	const char	*dir = getenv("MAIL_FIXTURES"), *src;
	char		 path[1024], *buf;
	FILE		*f;
	long		 n;

	src = getenv("srcdir");
	if (dir != NULL || MAIL_FIXTURES[0] == '/' || src == NULL)
		snprintf(path, sizeof(path), "%s/%s",
		    dir != NULL ? dir : MAIL_FIXTURES, name);
	else
		snprintf(path, sizeof(path), "%s/%s/%s", src, MAIL_FIXTURES,
		    name);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = arena_alloc(A, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Valid UTF-8, and no control character (but \n and \t in text). */
static void
assert_clean(const char *s, int text)
{
	const char	*p;

	assert_non_null(s);
	assert_true(g_utf8_validate(s, -1, NULL));
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			assert_true(text && (*p == '\n' || *p == '\t'));
}

static void
assert_mail_clean(const struct mail *m)
{
	assert_clean(m->from_addr, 0);
	assert_clean(m->from_name, 0);
	assert_clean(m->to_addr, 0);
	assert_clean(m->subject, 0);
	assert_clean(m->message_id, 0);
	assert_clean(m->in_reply_to, 0);
	assert_clean(m->references, 0);
	assert_clean(m->date, 0);
	assert_clean(m->text, 1);
	assert_true(strlen(m->text) <= MAIL_TEXT_MAX);
}

static int
parse_fixture(const char *name, struct mail *m)
{
	char	 err[256];
	char	*buf;
	size_t	 len;
	int	 rc;

	buf = fixture(name, &len);
	rc = mail_parse(A, buf, len, m, err, sizeof(err));
	if (rc == -1)
		fail_msg("%s: %s", name, err);
	assert_mail_clean(m);
	return rc;
}

static int
parse_str(const char *s, size_t len, struct mail *m, char *err,
    size_t errsz)
{
	int	 rc;

	err[0] = '\0';
	rc = mail_parse(A, s, len, m, err, errsz);
	if (rc == 0)
		assert_mail_clean(m);
	else
		assert_true(err[0] != '\0');
	return rc;
}

static void
plain(void **state)
{
	struct mail	 m;

	(void)state;
	parse_fixture("plain.eml", &m);
	assert_string_equal(m.from_addr, "Li.Wei@acme-hydraulics.example");
	assert_string_equal(m.from_name, "Li Wei");
	assert_string_equal(m.to_addr, "service@kiln.example");
	assert_string_equal(m.subject,
	    "Pump P-200 on line 3 is losing pressure");
	assert_string_equal(m.message_id,
	    "20240514011240.GA1234@mx.acme-hydraulics.example");
	assert_string_equal(m.in_reply_to, "");
	assert_string_equal(m.references, "");
	assert_string_equal(m.date, "2024-05-14T01:12:40Z");
	assert_string_equal(m.text, "Hello,\n\nthe P-200 pump on line 3 has"
	    " been losing pressure since Monday.\nSerial number:"
	    " P200-2019-0042.\n\nPlease send someone.\n\n-- \nLi Wei\n"
	    "Acme Hydraulics");
	assert_int_equal(m.attachments, 0);
}

static void
multipart(void **state)
{
	struct mail	 m;

	(void)state;
	parse_fixture("multipart.eml", &m);
	assert_string_equal(m.from_addr, "anna@schmidt-gmbh.example");
	assert_string_equal(m.from_name, "Anna Schmidt");
	assert_string_equal(m.subject, "Quote Q-2024-118");
	assert_string_equal(m.date, "2024-05-15T14:03:11Z");
	/* text/plain wins over text/html; QP undone, soft breaks joined. */
	assert_string_equal(m.text, "Dear team,\n\nplease find the quote"
	    " attached \xe2\x80\x94 price 12\xc2\xa0" "500\xc2\xa0" "CNY,"
	    " valid 30 days.\nA long line that quoted-printable has to"
	    " break with a soft line break because it is longer than"
	    " seventy-six characters.\n\nRegards,\nAnna");
	assert_int_equal(m.attachments, 1);
}

static void
html_only(void **state)
{
	struct mail	 m;

	(void)state;
	parse_fixture("html_only.eml", &m);
	assert_string_equal(m.from_addr, "newsletter@vendor.example");
	assert_string_equal(m.from_name, "");
	/* The <meta> says gb2312; the MIME charset (UTF-8) is the truth. */
	assert_string_equal(m.text, "Service report\n\n"
	    "Caf\xc3\xa9 & Bar <Shanghai> \xe4\xb8\xad\xe6\x96\x87 \"ok\"\n\n"
	    "Line one\nLine two\n\n"
	    "Part Qty\nSeal kit 2\n"
	    "first\nsecond\n\n"
	    "\xe6\xb6\xb2\xe5\x8e\x8b\xe6\xb3\xb5 done.");
	assert_null(strstr(m.text, "evil"));
	assert_null(strstr(m.text, "color"));
	assert_null(strstr(m.text, "Newsletter title"));
	assert_int_equal(m.attachments, 0);
}

static void
related_signed(void **state)
{
	struct mail	 m;

	(void)state;
	/* The logo the HTML shows and the signature are no attachments. */
	parse_fixture("related.eml", &m);
	assert_string_equal(m.from_name, "Vendor Support");
	assert_string_equal(m.date, "2024-05-20T14:00:00Z");
	assert_string_equal(m.text, "Spec sheet for the P-200 attached,"
	    " pr\xc3\xa9" "cis.");
	assert_int_equal(m.attachments, 1);
}

static void
gb2312(void **state)
{
	struct mail	 m;

	(void)state;
	/*
	 * Outlook's padded words, one character split between two: GMime
	 * 3.2.13 alone would give the first word only.
	 */
	parse_fixture("gb2312_subject.eml", &m);
	assert_string_equal(m.subject, "液压泵漏油，请尽快派人维修（3号线）");
	assert_string_equal(m.from_name, "王工");
	assert_string_equal(m.from_addr, "wang@factory.example.cn");
	assert_string_equal(m.to_addr, "service@kiln.example");
	assert_string_equal(m.text, "您好：\n\n3号线的液压泵漏油，请尽快派人维修。"
	    "\n\n王工");
	assert_string_equal(m.date, "2024-05-17T02:30:00Z");
}

static void
gbk_gb18030(void **state)
{
	struct mail	 m;

	(void)state;
	/* 镕 is in GBK, not in GB2312. */
	parse_fixture("gbk_subject.eml", &m);
	assert_string_equal(m.subject, "订单 镕铸件 OK");
	assert_string_equal(m.text, "镕铸件订单已确认。");
	/* 𠮷 (U+20BB7) is four bytes in GB18030 and not in GBK. */
	parse_fixture("gb18030.eml", &m);
	assert_string_equal(m.subject, "\xf0\xa0\xae\xb7家客户");
	assert_string_equal(m.from_name, "\xf0\xa0\xae\xb7家客户");
	assert_string_equal(m.text, "\xf0\xa0\xae\xb7家订单 €100");
}

static void
reply(void **state)
{
	struct mail	 m;

	(void)state;
	parse_fixture("reply.eml", &m);
	assert_string_equal(m.subject, "Re: [#T-42-abcd] Pump P-200 on line 3"
	    " is losing pressure");
	assert_string_equal(m.message_id,
	    "reply-1@mx.acme-hydraulics.example");
	assert_string_equal(m.in_reply_to,
	    "T-42-abcd.1715670000@kiln.example");
	assert_string_equal(m.references,
	    "<20240514011240.GA1234@mx.acme-hydraulics.example>"
	    " <T-42-abcd.1715670000@kiln.example>");
	assert_string_equal(m.to_addr, "service@kiln.example");
	assert_string_equal(m.text, "Thanks, the technician can come on"
	    " Thursday.\n\nOn 14/05/2024 12:00, Kiln Service wrote:\n>"
	    " Ticket T-42 was opened for your request.");
}

static void
refused(void **state)
{
	struct mail	 m;
	char		 err[256], *big;
	const char	 garbage[] = "\x00\x01\xff\xfe garbage\x00\n\x00\n"
	    "\x80\x81 more: \x00 bytes";
	const char	*nofrom = "To: sales@kiln.example\r\nSubject: hi\r\n"
	    "\r\nNo sender.\r\n";
	const char	*badfrom = "From: undisclosed-recipients:;\r\n"
	    "Subject: hi\r\n\r\nbody\r\n";
	size_t		 n = 11 * 1024 * 1024;

	(void)state;
	assert_int_equal(parse_str("", 0, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(mail_parse(A, NULL, 0, &m, err, sizeof(err)), -1);

	big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	memcpy(big, "From: a@b.example\r\n\r\n", 21);
	assert_int_equal(parse_str(big, n, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger"));
	free(big);

	assert_int_equal(parse_str(garbage, sizeof(garbage) - 1, &m, err,
	    sizeof(err)), -1);
	assert_int_equal(parse_str(nofrom, strlen(nofrom), &m, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "From"));
	assert_int_equal(parse_str(badfrom, strlen(badfrom), &m, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "From"));
	/* A tiny err buffer is still a C string; none at all is fine. */
	assert_int_equal(parse_str(nofrom, strlen(nofrom), &m, err, 4), -1);
	assert_int_equal(strlen(err), 3);
	assert_int_equal(mail_parse(A, nofrom, strlen(nofrom), &m, NULL, 0),
	    -1);
}

/* A message MIME-nested depth deep around one text/plain part. */
static char *
nested(size_t depth, size_t *len)
{
	GString	*g = g_string_new("From: deep@nest.example\r\n"
	    "Subject: nested\r\nMIME-Version: 1.0\r\n");
	size_t	 i;
	char	*s;

	for (i = 0; i < depth; i++)
		g_string_append_printf(g, "Content-Type: multipart/mixed;"
		    " boundary=\"b%zu\"\r\n\r\n--b%zu\r\n", i, i);
	g_string_append(g, "Content-Type: text/plain\r\n\r\ndeep text\r\n");
	for (i = depth; i-- > 0; )
		g_string_append_printf(g, "--b%zu--\r\n", i);
	*len = g->len;
	s = arena_strndup(A, g->str, g->len);
	g_string_free(g, TRUE);
	return s;
}

static void
hostile_nesting(void **state)
{
	struct mail	 m;
	char		 err[256], *s;
	size_t		 len;
	GString		*g;

	(void)state;
	s = nested(10, &len);
	assert_int_equal(parse_str(s, len, &m, err, sizeof(err)), 0);
	assert_string_equal(m.text, "deep text");
	s = nested(1000, &len);
	assert_int_equal(parse_str(s, len, &m, err, sizeof(err)), 0);
	assert_string_equal(m.text, "");	/* below what we walk */
	assert_int_equal(m.attachments, 0);
	s = nested(1500, &len);			/* past GMime's own cap */
	assert_int_equal(parse_str(s, len, &m, err, sizeof(err)), 0);
	assert_string_equal(m.text, "");
	/* So deep that GMime would spend seconds on its boundaries. */
	s = nested(20000, &len);
	assert_int_equal(parse_str(s, len, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too many MIME parts"));
	s = nested(100, &len);
	g = g_string_new_len(s, (gssize)len);
	while (g->len < 8 * 1024 * 1024)
		g_string_append(g, "--x\r\n");
	assert_int_equal(parse_str(g->str, g->len, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too many MIME parts"));
	g_string_free(g, TRUE);
	/* A few boundaries and many "--" lines are fine. */
	s = nested(2, &len);
	g = g_string_new_len(s, (gssize)len);
	while (g->len < 8 * 1024 * 1024)
		g_string_append(g, "--x\r\n");
	assert_int_equal(parse_str(g->str, g->len, &m, err, sizeof(err)), 0);
	assert_string_equal(m.text, "deep text");
	g_string_free(g, TRUE);
}

static void
hostile_headers(void **state)
{
	struct mail	 m;
	char		 err[256];
	GString		*g;
	size_t		 i;
	const char	 nul[] = "From: a@b.example\r\nSubject: x\0y\r\n"
	    "X-Odd: \x01\x02\r\n\r\nbody\0 text \x1b[31mred\r\n";
	const char	*ctl = "From: \"A\x01 B\" <a@b.example>\r\n"
	    "Subject: =?utf-8?q?tab=09and=0D=0Anewline=00nul?=\r\n"
	    "Date: not a date at all\r\n\r\nx\r\n";
	const char	*mbox = "From a@b.example Tue May 14 09:12:40 2024\n"
	    "From: a@b.example\nTo: undisclosed-recipients:;\n"
	    "Subject: mbox\n\nx\n";
	const char	*raw8 = "From: a@b.example\r\n"
	    "Subject: \xb6\xa9\xb5\xa5 raw GBK\r\n"
	    "Content-Type: text/plain\r\n\r\n\xb6\xa9\xb5\xa5\r\n";

	(void)state;
	/* A header line of a megabyte: the fields kept are capped. */
	g = g_string_new("From: a@b.example\r\nX-Big: ");
	for (i = 0; i < 1024 * 1024; i++)
		g_string_append_c(g, 'h');
	g_string_append(g, "\r\nSubject: ");
	for (i = 0; i < 1024 * 1024 / 3; i++)
		g_string_append(g, "中");
	g_string_append(g, "\r\nReferences:");
	for (i = 0; i < 1000; i++)
		g_string_append_printf(g, " <id%zu@refs.example>", i);
	g_string_append(g, "\r\n\r\nbody\r\n");
	assert_int_equal(parse_str(g->str, g->len, &m, err, sizeof(err)), 0);
	assert_true(strlen(m.subject) <= MAIL_FIELD_MAX);
	assert_true(strlen(m.subject) > MAIL_FIELD_MAX - 3);
	assert_true(strlen(m.references) < MAIL_FIELD_MAX);
	assert_string_equal(m.references + strlen(m.references) - 1, ">");
	assert_string_equal(m.text, "body");
	g_string_free(g, TRUE);

	/* NULs and control characters in headers and body. */
	assert_int_equal(parse_str(nul, sizeof(nul) - 1, &m, err, sizeof(err)), 0);
	assert_non_null(strstr(m.text, "body"));
	assert_non_null(strstr(m.text, "red"));

	assert_int_equal(parse_str(ctl, strlen(ctl), &m, err, sizeof(err)),
	    0);
	assert_string_equal(m.date, "");
	assert_non_null(strstr(m.subject, "tab"));
	assert_non_null(strstr(m.subject, "newline"));
	assert_string_equal(m.from_addr, "a@b.example");

	/* An mbox "From " line first, as an MTA's pipe may add it. */
	assert_int_equal(parse_str(mbox, strlen(mbox), &m, err, sizeof(err)),
	    0);
	assert_string_equal(m.from_addr, "a@b.example");
	assert_string_equal(m.subject, "mbox");
	assert_string_equal(m.to_addr, "");	/* no address in To */

	/* Raw 8-bit headers and a body without a charset: GB18030. */
	assert_int_equal(parse_str(raw8, strlen(raw8), &m, err, sizeof(err)),
	    0);
	assert_string_equal(m.subject, "订单 raw GBK");
	assert_string_equal(m.text, "订单");
}

static void
hostile_bodies(void **state)
{
	struct mail	 m;
	char		 err[256];
	GString		*g;
	size_t		 i;
	const char	*b64 = "From: a@b.example\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "SGVsbG8g!!!@@@###d29ybGQ=\r\n====\r\n\xff\xfe not base64 at all"
	    "\r\n5Lit\r\n";
	const char	*chunked = "From: a@b.example\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "SGVsbG8=\r\nIHdvcmxk\r\nIA==\r\n5Lit\r\n";
	const char	*nonsense = "From: a@b.example\r\n"
	    "Content-Type: text/plain; charset=x-nonsense\r\n\r\n"
	    "caf\xe9 ok \xff\xfe\r\n";
	const char	*nonsense8 = "From: a@b.example\r\n"
	    "Content-Type: text/plain; charset=x-nonsense\r\n\r\n"
	    "\xe4\xb8\xad\xe6\x96\x87 ok\r\n";
	const char	*badutf8 = "From: a@b.example\r\n"
	    "Subject: =?utf-8?b?/w==?= \xc3\x28\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	    "abc \xc3\x28 \xed\xa0\x80 \xf8\x88\x80\x80\x80 \xc0\xaf"
	    " \xef\xbf\xbe \xf4\x90\x80\x80 end \xe4\xb8\r\n";
	const char	*badhtml = "From: a@b.example\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n\r\n"
	    "<p>a \xff\xfe b</p><div><div><div>deep<script>x";
	const char	*attached = "From: a@b.example\r\nContent-Type:"
	    " text/plain\r\nContent-Disposition: attachment;"
	    " filename=a.txt\r\n\r\nfile\r\n";

	(void)state;
	assert_int_equal(parse_str(b64, strlen(b64), &m, err, sizeof(err)),
	    0);
	assert_true(strncmp(m.text, "Hello ", 6) == 0);
	/* Base64 in padded chunks: all of them. */
	assert_int_equal(parse_str(chunked, strlen(chunked), &m, err,
	    sizeof(err)), 0);
	assert_string_equal(m.text, "Hello world 中");

	assert_int_equal(parse_str(nonsense, strlen(nonsense), &m, err,
	    sizeof(err)), 0);
	assert_string_equal(m.text, "caf\xc3\xa9 ok \xc3\xbf\xc3\xbe");
	assert_int_equal(parse_str(nonsense8, strlen(nonsense8), &m, err,
	    sizeof(err)), 0);
	assert_string_equal(m.text, "中文 ok");

	assert_int_equal(parse_str(badutf8, strlen(badutf8), &m, err,
	    sizeof(err)), 0);
	assert_true(strncmp(m.text, "abc \xef\xbf\xbd(", 8) == 0);
	assert_non_null(strstr(m.text, " end "));

	assert_int_equal(parse_str(badhtml, strlen(badhtml), &m, err,
	    sizeof(err)), 0);
	assert_string_equal(m.text, "a \xef\xbf\xbd\xef\xbf\xbd b\n\ndeep");

	/* The text is cut at MAIL_TEXT_MAX, between two characters. */
	g = g_string_new("From: a@b.example\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n");
	for (i = 0; i < 100000; i++)
		g_string_append(g, "中");
	assert_int_equal(parse_str(g->str, g->len, &m, err, sizeof(err)), 0);
	assert_int_equal(strlen(m.text), MAIL_TEXT_MAX / 3 * 3);
	g_string_free(g, TRUE);

	/* Only an attachment: no text, one attachment. */
	assert_int_equal(parse_str(attached, strlen(attached), &m, err,
	    sizeof(err)), 0);
	assert_string_equal(m.text, "");
	assert_int_equal(m.attachments, 1);
}

/* Every line of a built message: 7-bit, at most 998 bytes, "\n" ends. */
static void
assert_wire_ok(const char *msg, size_t len)
{
	size_t	 i, line = 0;

	assert_int_equal(strlen(msg), len);
	for (i = 0; i < len; i++) {
		assert_true((unsigned char)msg[i] < 0x80);
		assert_true(msg[i] != '\r');
		line = msg[i] == '\n' ? 0 : line + 1;
		assert_true(line <= 998);
	}
}

/* Does a line of msg's header start with h? */
static int
has_header(const char *msg, const char *h)
{
	const char	*end = strstr(msg, "\n\n"), *p;

	for (p = msg; p != NULL && p < end; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, h, strlen(h)) == 0)
			return 1;
	}
	return 0;
}

static void
build(void **state)
{
	struct mail	 m;
	char		 err[256], *msg;
	size_t		 len;
	GString		*g;
	size_t		 i;

	(void)state;
	msg = mail_build(A, "Kiln CRM <crm@kiln.example>",
	    "王工 <wang@factory.example.cn>", "液压泵漏油 — 已安排维修",
	    "您好，\r\n\r\n技术员周四上门。\n", &len);
	assert_non_null(msg);
	assert_wire_ok(msg, len);
	assert_true(has_header(msg, "Subject: =?UTF-8?"));
	assert_true(has_header(msg, "Message-Id: <"));
	assert_true(has_header(msg, "Date: "));
	assert_true(has_header(msg, "To: =?UTF-8?b?546L5bel?="
	    " <wang@factory.example.cn>"));
	assert_non_null(strstr(msg, "MIME-Version: 1.0"));
	assert_non_null(strstr(msg, "charset=utf-8"));
	assert_true(strstr(msg, "Content-Transfer-Encoding: base64") != NULL ||
	    strstr(msg, "Content-Transfer-Encoding: quoted-printable") !=
	    NULL);
	assert_int_equal(mail_parse(A, msg, len, &m, err, sizeof(err)), 0);
	assert_string_equal(m.subject, "液压泵漏油 — 已安排维修");
	assert_string_equal(m.from_addr, "crm@kiln.example");
	assert_string_equal(m.from_name, "Kiln CRM");
	assert_string_equal(m.to_addr, "wang@factory.example.cn");
	assert_string_equal(m.text, "您好，\n\n技术员周四上门。");
	assert_true(strlen(m.message_id) > 13);
	assert_string_equal(m.message_id + strlen(m.message_id) - 13,
	    "@kiln.example");
	assert_int_equal(strlen(m.date), 20);

	/* ASCII stays 7bit; a line too long for SMTP is encoded. */
	msg = mail_build(A, "crm@kiln.example", "a@b.example", "Hello",
	    "plain\n", &len);
	assert_non_null(msg);
	assert_null(strstr(msg, "base64"));	/* 7bit, GMime's default */
	assert_null(strstr(msg, "quoted-printable"));
	assert_non_null(strstr(msg, "\n\nplain\n"));
	g = g_string_new(NULL);
	for (i = 0; i < 3000; i++)
		g_string_append_c(g, 'a' + (char)(i % 26));
	msg = mail_build(A, "crm@kiln.example", "a@b.example", NULL, g->str,
	    &len);
	assert_non_null(msg);
	assert_wire_ok(msg, len);
	assert_int_equal(mail_parse(A, msg, len, &m, err, sizeof(err)), 0);
	assert_string_equal(m.text, g->str);
	assert_string_equal(m.subject, "");
	/* A long subject is folded, and comes back whole. */
	g_string_truncate(g, 0);
	for (i = 0; i < 300; i++)
		g_string_append(g, i % 10 == 5 ? " " : "液");
	msg = mail_build(A, "crm@kiln.example", "a@b.example", g->str, "x",
	    &len);
	assert_non_null(msg);
	assert_wire_ok(msg, len);
	assert_int_equal(mail_parse(A, msg, len, &m, err, sizeof(err)), 0);
	assert_string_equal(m.subject, g->str);
	/* So is one long word, which has no space to fold at. */
	g_string_truncate(g, 0);
	for (i = 0; i < 2000; i++)
		g_string_append_c(g, 'a');
	msg = mail_build(A, "crm@kiln.example", "a@b.example", g->str, "x",
	    &len);
	assert_non_null(msg);
	assert_wire_ok(msg, len);
	assert_int_equal(mail_parse(A, msg, len, &m, err, sizeof(err)), 0);
	assert_string_equal(m.subject, g->str);
	g_string_free(g, TRUE);
}

/* Machines' mail is marked automatic, a person's is not. */
static void
automatic_mail(void **state)
{
	static const struct {
		const char	*headers;
		int		 automatic;
	} cases[] = {
		{ "From: a@b.example\r\n", 0 },
		{ "From: a@b.example\r\nAuto-Submitted: no\r\n", 0 },
		{ "From: a@b.example\r\nAuto-Submitted: No ; x=1\r\n", 0 },
		{ "From: a@b.example\r\nAuto-Submitted: auto-replied\r\n", 1 },
		{ "From: a@b.example\r\nAuto-Submitted: auto-generated\r\n",
		  1 },
		{ "From: a@b.example\r\nPrecedence: bulk\r\n", 1 },
		{ "From: a@b.example\r\nPrecedence: List\r\n", 1 },
		{ "From: a@b.example\r\nPrecedence: first-class\r\n", 0 },
		{ "From: a@b.example\r\nX-Autoreply: yes\r\n", 1 },
		{ "From: MAILER-DAEMON@mx.b.example\r\n", 1 },
		{ "From: daemon@b.example\r\n", 0 },
	};
	struct mail	 m;
	char		 err[256], *msg;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		msg = arena_printf(A, "%sSubject: Out of office\r\n\r\n"
		    "Back on Monday.\r\n", cases[i].headers);
		assert_int_equal(mail_parse(A, msg, strlen(msg), &m, err,
		    sizeof(err)), 0);
		if (m.automatic != cases[i].automatic)
			fail_msg("case %zu: automatic %d", i, m.automatic);
	}
	/* What Kiln sends says so, for the auto-responders at the other end. */
	msg = mail_build(A, "desk@kiln.example", "a@b.example", "Received",
	    "We have it.", NULL);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "Auto-Submitted: auto-generated"));
	assert_int_equal(mail_parse(A, msg, strlen(msg), &m, err, sizeof(err)),
	    0);
	assert_true(m.automatic);
}

static void
build_injection(void **state)
{
	static const char *const bad[] = {
		"x@y.example\r\nBcc: victim@z.example",
		"x@y.example\nBcc: victim@z.example",
		"x@y.example\rBcc: victim@z.example",
		"Name\r\n <x@y.example>",
		"x@y.example\tBcc: victim@z.example",
		"x@y.example, victim@z.example",
		"Group: x@y.example;",
		"not an address",
		"x@",
		"@y.example",
		"x@y..example",
		"x y@y.example",
		"\"x\"@y.example\"",
		"x@y.example\x7f",
		"x@y.ex\xff" "ample",
		"",
		NULL
	};
	struct mail		 m;
	char			 err[256], *msg;
	const char *const	*b;
	size_t			 len = 99;

	(void)state;
	for (b = bad; *b != NULL; b++) {
		assert_null(mail_build(A, "crm@kiln.example", *b, "s", "t",
		    &len));
		assert_int_equal(len, 0);
		assert_null(mail_build(A, *b, "a@b.example", "s", "t", &len));
	}
	assert_null(mail_build(A, NULL, "a@b.example", "s", "t", &len));
	assert_null(mail_build(A, "a@b.example", NULL, "s", "t", &len));
	/* A subject cannot start a header either: its breaks are spaces. */
	msg = mail_build(A, "crm@kiln.example", "a@b.example",
	    "Hi\r\nBcc: victim@z.example\r\n\r\nbody", "t", &len);
	assert_non_null(msg);
	assert_false(has_header(msg, "Bcc:"));
	assert_int_equal(mail_parse(A, msg, len, &m, err, sizeof(err)), 0);
	assert_string_equal(m.subject, "Hi Bcc: victim@z.example body");
	assert_string_equal(m.text, "t");
}

/* A fake sendmail in tmpdir; returns its path. */
static const char *
script(const char *name, const char *body)
{
	char	*path = arena_printf(A, "%s/%s", tmpdir, name);
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

static char *
slurp(const char *path, size_t *len)
{
	gchar	*s;
	gsize	 n;

	assert_true(g_file_get_contents(path, &s, &n, NULL));
	*len = n;
	return s;
}

static void
assert_no_sigpipe_left(void)
{
	sigset_t	 set;

	sigpending(&set);
	assert_false(sigismember(&set, SIGPIPE));
	sigprocmask(SIG_BLOCK, NULL, &set);
	assert_false(sigismember(&set, SIGPIPE));
}

static void
send_ok(void **state)
{
	char		 err[256], *out, *got, *msg;
	const char	*sm;
	size_t		 len, n;

	(void)state;
	out = arena_printf(A, "%s/out", tmpdir);
	setenv("OUT", out, 1);
	sm = script("ok", "printf '%s\\n' \"$*\" > \"$OUT.args\"\n"
	    "if [ -e /dev/fd/42 ]; then echo leaked > \"$OUT.fd\"; fi\n"
	    "o=$(readlink /proc/$$/fd/1)\n"
	    "printf '%s\\n' \"$o\" > \"$OUT.stdout\"\nexec cat > \"$OUT\"");
	msg = mail_build(A, "crm@kiln.example", "a@b.example", "Test",
	    "Hello.\n", &len);
	assert_non_null(msg);
	/* A descriptor of ours without FD_CLOEXEC must not reach it. */
	assert_int_equal(dup2(STDERR_FILENO, 42), 42);
	assert_int_equal(mail_send(sm, msg, len, err, sizeof(err)), 0);
	close(42);
	got = slurp(out, &n);
	assert_int_equal(n, len);
	assert_memory_equal(got, msg, len);
	g_free(got);
	got = slurp(arena_printf(A, "%s.args", out), &n);
	assert_string_equal(got, "-t -i\n");
	g_free(got);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	assert_int_equal(access(arena_printf(A, "%s.fd", out), F_OK), -1);
#endif
	/* What it prints goes nowhere (under CGI, ours is the response). */
	got = slurp(arena_printf(A, "%s.stdout", out), &n);
	assert_string_equal(got, "/dev/null\n");
	g_free(got);
	assert_no_sigpipe_left();
}

static void
send_fails(void **state)
{
	char		 err[256], *big;
	const char	*sm;
	size_t		 n = 4 * 1024 * 1024;

	(void)state;
	sm = script("tempfail", "exit 75");
	assert_int_equal(mail_send(sm, "x\n", 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "exit status 75"));

	sm = script("killed", "kill -KILL $$");
	assert_int_equal(mail_send(sm, "x\n", 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "signal 9"));

	/*
	 * It reads nothing and leaves: the write meets a closed pipe.
	 * SIGPIPE is at its default here, so if it got through, this
	 * test would die.
	 */
	signal(SIGPIPE, SIG_DFL);
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	sm = script("deaf", "exit 0");
	assert_int_equal(mail_send(sm, big, n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "before reading the whole message"));
	assert_no_sigpipe_left();
	/* The same with SIGPIPE ignored, as in the workers. */
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(mail_send(sm, big, n, err, sizeof(err)), -1);
	assert_no_sigpipe_left();
	signal(SIGPIPE, SIG_DFL);
	free(big);

	assert_int_equal(mail_send("/nonexistent/sendmail", "x\n", 2, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot run /nonexistent/sendmail"));
	assert_int_equal(mail_send("sendmail", "x\n", 2, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "absolute"));
	assert_int_equal(mail_send(NULL, "x\n", 2, err, sizeof(err)), -1);
}

static void
send_timeout(void **state)
{
#if MAIL_SEND_TIMEOUT <= 2
	char		 err[256], *big;
	const char	*sm;
	size_t		 n = 1024 * 1024;

	(void)state;
	big = malloc(n);
	assert_non_null(big);
	memset(big, 'x', n);
	sm = script("hang", "exec sleep 30");
	assert_int_equal(mail_send(sm, big, n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "did not finish"));
	sm = script("hang2", "exec sleep 30 <&-");
	assert_int_equal(mail_send(sm, "x\n", 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "did not finish"));
	free(big);
#else
	(void)state;
	skip();		/* build with -DMAIL_SEND_TIMEOUT=1 to run it */
#endif
}

static int
setup(void **state)
{
	const char	*t = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_mail.XXXXXX",
	    t != NULL ? t : "/tmp");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	static const char *const files[] = { "ok", "tempfail", "killed",
	    "deaf", "hang", "hang2", "out", "out.args", "out.fd", "out.stdout", NULL };
	const char *const	*f;
	char			 path[512];

	(void)state;
	for (f = files; *f != NULL; f++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, *f);
		unlink(path);
	}
	return rmdir(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain),
		cmocka_unit_test(multipart),
		cmocka_unit_test(html_only),
		cmocka_unit_test(related_signed),
		cmocka_unit_test(gb2312),
		cmocka_unit_test(gbk_gb18030),
		cmocka_unit_test(reply),
		cmocka_unit_test(refused),
		cmocka_unit_test(hostile_nesting),
		cmocka_unit_test(hostile_headers),
		cmocka_unit_test(hostile_bodies),
		cmocka_unit_test(build),
		cmocka_unit_test(build_injection),
		cmocka_unit_test(automatic_mail),
		cmocka_unit_test(send_ok),
		cmocka_unit_test(send_fails),
		cmocka_unit_test(send_timeout),
	};
	int	 rc;

	A = arena_new(64 * 1024);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	arena_free(A);
	return rc;
}
