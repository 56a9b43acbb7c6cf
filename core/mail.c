/*
 * mail.c - e-mail in (GMime parses, we pick the fields and the text)
 * and out (GMime builds, sendmail delivers); see mail.h.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "arena.h"
#include "mail.h"

extern char	**environ;

/* How utf8_add treats control characters. */
enum clean {
	CLEAN_TEXT,	/* CRLF and CR become \n, \t kept, the rest dropped */
	CLEAN_FIELD	/* every run of them (and spaces) becomes one space */
};

static GMimeParserOptions	*popts;

/*
 * GMime (and GLib's type system under it) is set up once per process,
 * when mail is first used, so a worker that never sees mail never pays
 * for it.  Workers are single-threaded: a flag is guard enough.
 */
static void
mail_init(void)
{
	/*
	 * Raw 8-bit headers and bodies without a usable charset: UTF-8
	 * if they are, else GB18030 (our users' usual legacy mail), else
	 * Latin-1, which takes any byte.
	 */
	static const char	*fallback[] = { "utf-8", "gb18030",
	    "iso-8859-1", NULL };

	if (popts != NULL)
		return;
	g_mime_init();
	popts = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(popts, fallback);
}

static int
fail(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Append s[0..n) to out as valid UTF-8 (each invalid byte becomes
 * U+FFFD, as do U+FFFE and U+FFFF, which XML cannot carry), treating
 * control characters as mode says, and stop before out would pass max
 * bytes: the cut falls on a character boundary.
 */
static void
utf8_add(GString *out, const char *s, size_t n, enum clean mode, size_t max)
{
	static const char	 repl[] = "\xef\xbf\xbd";
	const unsigned char	*p = (const unsigned char *)s, *end = p + n;
	const char		*c;
	gunichar		 u;
	size_t			 k, adv;
	int			 space = 0;

	for (; p < end; p += adv) {
		adv = 1;
		if (mode == CLEAN_FIELD && (*p < 0x20 || *p == 0x7f ||
		    *p == ' ')) {
			space = 1;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			if (*p != '\r' && *p != '\n' && *p != '\t')
				continue;
			if (out->len + 1 > max)
				return;
			g_string_append_c(out, *p == '\t' ? '\t' : '\n');
			if (*p == '\r' && p + 1 < end && p[1] == '\n')
				adv = 2;
			continue;
		}
		c = (const char *)p;
		k = 1;
		if (*p >= 0x80) {
			u = g_utf8_get_char_validated(c, (gssize)(end - p));
			if (u == (gunichar)-1 || u == (gunichar)-2 ||
			    u == 0xfffe || u == 0xffff) {
				c = repl;
				k = 3;
			} else
				k = adv = (size_t)g_utf8_skip[*p];
		}
		if (out->len + (size_t)space + k > max)
			return;
		if (space && out->len > 0)
			g_string_append_c(out, ' ');
		space = 0;
		g_string_append_len(out, c, (gssize)k);
	}
}

/* Drop trailing white space and leading blank lines. */
static void
trim(GString *s)
{
	size_t	 i, lead = 0;

	while (s->len > 0 && (s->str[s->len - 1] == ' ' ||
	    s->str[s->len - 1] == '\t' || s->str[s->len - 1] == '\n'))
		g_string_truncate(s, s->len - 1);
	for (i = 0; i < s->len && (s->str[i] == '\n' || s->str[i] == ' ' ||
	    s->str[i] == '\t'); i++)
		if (s->str[i] == '\n')
			lead = i + 1;
	if (lead > 0)
		g_string_erase(s, 0, (gssize)lead);
}

/* s (which may be NULL or not UTF-8) as a clean field in the arena. */
static const char *
field(struct arena *a, const char *s)
{
	GString	*g;
	char	*v;

	if (s == NULL || *s == '\0')
		return "";
	g = g_string_sized_new(64);
	utf8_add(g, s, strlen(s), CLEAN_FIELD, MAIL_FIELD_MAX);
	trim(g);
	v = arena_strndup(a, g->str, g->len);
	g_string_free(g, TRUE);
	return v;
}

/* An address as a field, its domain lower-cased. */
static const char *
address_field(struct arena *a, const char *addr)
{
	char	*v, *at, *low;

	v = (char *)field(a, addr);
	if ((at = strrchr(v, '@')) != NULL) {
		low = g_utf8_strdown(at, -1);
		if (strlen(low) == strlen(at))
			memcpy(at, low, strlen(low));
		g_free(low);
	}
	return v;
}

/* The first mailbox of a list, looking into groups one level down. */
static InternetAddressMailbox *
first_mailbox(InternetAddressList *l, int depth)
{
	InternetAddress		*ia;
	InternetAddressMailbox	*mb;
	int			 i, n;

	if (l == NULL)
		return NULL;
	n = internet_address_list_length(l);
	for (i = 0; i < n; i++) {
		ia = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			return INTERNET_ADDRESS_MAILBOX(ia);
		if (INTERNET_ADDRESS_IS_GROUP(ia) && depth == 0 &&
		    (mb = first_mailbox(internet_address_group_get_members(
		    INTERNET_ADDRESS_GROUP(ia)), 1)) != NULL)
			return mb;
	}
	return NULL;
}

/*
 * An addr-spec we will write into a header and trust for matching:
 * local@domain, no white space, quotes, brackets or separators, a
 * domain of labels.  UTF-8 (SMTPUTF8, IDN) is let through.
 */
static int
addr_ok(const char *s)
{
	const char	*at = strchr(s, '@'), *p;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strlen(s) > 254 || at[1] == '\0' || at[1] == '.' ||
	    s[strlen(s) - 1] == '.' || strstr(at, "..") != NULL)
		return 0;
	for (p = s; p < at; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f ||
		    strchr("()<>[]:;@\\,\"", *p) != NULL)
			return 0;
	for (p = at + 1; *p != '\0'; p++)
		if (!((unsigned char)*p >= 0x80 || g_ascii_isalnum(*p) ||
		    *p == '-' || *p == '.'))
			return 0;
	return 1;
}

#if !GMIME_CHECK_VERSION(3, 2, 14)
/*
 * GMime before 3.2.14 stops decoding base64 at the first padding: in
 * a run of encoded-words all after the first padded one are lost (its
 * issue #133; Outlook and Foxmail write long Chinese subjects so), and
 * in a body sent in padded chunks all after the first chunk (#150).
 * Debian 12 has 3.2.13, so do what 3.2.14 does: restart GMime's
 * decoder after each padding.
 */
static void
b64_decode(const char *in, size_t n, GByteArray *out)
{
	guint32	 save = 0;
	size_t	 i = 0, j, old, k;
	int	 state = 0;

	while (i < n) {
		for (j = i; j < n && in[j] != '='; j++)
			continue;
		if (j < n)
			j++;		/* the '=' ends this chunk */
		old = out->len;
		g_byte_array_set_size(out, (guint)(old + (j - i) / 4 * 3 + 6));
		k = g_mime_encoding_base64_decode_step((const unsigned char *)
		    in + i, j - i, out->data + old, &state, &save);
		g_byte_array_set_size(out, (guint)(old + k));
		if (state == -1)
			state = save = 0;
		for (i = j; i < n && in[i] == '='; i++)
			continue;
	}
}

/* An encoded-word "=?cs?B?payload?=" at p: its length, or 0. */
static size_t
bword(const char *p, const char *end, const char **cs, size_t *csn,
    const char **pl, size_t *pln)
{
	const char	*c, *q = p + 2;

	if (end - p < 8 || p[0] != '=' || p[1] != '?')
		return 0;
	for (c = q; c < end && *c != '?' && *c > ' ' && *c < 0x7f; c++)
		continue;
	if (c == q || end - c < 5 || *c != '?' || (c[1] != 'B' &&
	    c[1] != 'b') || c[2] != '?')
		return 0;
	*cs = q;
	*csn = (size_t)(c - q);
	for (q = c += 3; c < end && (g_ascii_isalnum(*c) || *c == '+' ||
	    *c == '/' || *c == '='); c++)
		continue;
	if (end - c < 2 || c[0] != '?' || c[1] != '=')
		return 0;
	*pl = q;
	*pln = (size_t)(c - q);
	return (size_t)(c + 2 - p);
}

/*
 * The header value v with each run of base64 encoded-words in one
 * charset, padded before its end, merged into one word (the bytes
 * joined before the charset sees them, as RFC 2047 has it), which
 * GMime decodes whole.
 */
static char *
merge_bwords(const char *v)
{
	GString		*out = g_string_sized_new(strlen(v) + 16);
	GString		*payload = g_string_new(NULL);
	GByteArray	*bytes;
	const char	*p = v, *end = v + strlen(v), *ws, *last;
	const char	*cs, *cs2, *pl;
	size_t		 n, csn, csn2, pln;
	int		 padded, prev;
	char		*b64;

	while (p < end) {
		if ((n = bword(p, end, &cs, &csn, &pl, &pln)) == 0) {
			g_string_append_c(out, *p++);
			continue;
		}
		g_string_assign(payload, "");
		g_string_append_len(payload, pl, (gssize)pln);
		padded = 0;
		for (last = p + n;; last = ws + n) {
			for (ws = last; ws < end && (*ws == ' ' ||
			    *ws == '\t' || *ws == '\r' || *ws == '\n'); ws++)
				continue;
			/* The word before a word of the run: padded? */
			prev = pln > 0 && pl[pln - 1] == '=';
			if ((n = bword(ws, end, &cs2, &csn2, &pl, &pln)) == 0 ||
			    csn2 != csn || g_ascii_strncasecmp(cs, cs2, csn) != 0)
				break;
			padded |= prev;
			g_string_append_len(payload, pl, (gssize)pln);
		}
		if (!padded) {
			g_string_append_len(out, p, last - p);
			p = last;
			continue;
		}
		bytes = g_byte_array_new();
		b64_decode(payload->str, payload->len, bytes);
		b64 = g_base64_encode(bytes->data, bytes->len);
		g_string_append(out, "=?");
		g_string_append_len(out, cs, (gssize)csn);
		g_string_append_printf(out, "?B?%s?=", b64);
		g_free(b64);
		g_byte_array_free(bytes, TRUE);
		p = last;
	}
	g_string_free(payload, TRUE);
	return g_string_free(out, FALSE);
}

/* The content of a base64 part, decoded chunk by chunk. */
static GMimeDataWrapper *
b64_content(GMimeDataWrapper *content)
{
	GMimeStream	*raw, *mem, *dec;
	GByteArray	*in, *out;
	GMimeDataWrapper *w;

	if (g_mime_data_wrapper_get_encoding(content) !=
	    GMIME_CONTENT_ENCODING_BASE64 ||
	    (raw = g_mime_data_wrapper_get_stream(content)) == NULL)
		return g_object_ref(content);
	mem = g_mime_stream_mem_new();
	g_mime_stream_reset(raw);
	g_mime_stream_write_to_stream(raw, mem);
	in = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	out = g_byte_array_new();
	b64_decode((const char *)in->data, in->len, out);
	g_object_unref(mem);
	dec = g_mime_stream_mem_new_with_byte_array(out);	/* owns out */
	w = g_mime_data_wrapper_new_with_stream(dec,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_object_unref(dec);
	return w;
}
#else
#define merge_bwords(v)		g_strdup(v)
#define b64_content(c)		g_object_ref(c)
#endif

/*
 * The first header called name, unfolded (and its base64 words
 * mended, see above), or NULL; g_free it.
 */
static char *
header_raw(GMimeObject *o, const char *name)
{
	GMimeHeader	*h;
	const char	*raw;
	char		*v, *m;

	h = g_mime_header_list_get_header(g_mime_object_get_header_list(o),
	    name);
	if (h == NULL || (raw = g_mime_header_get_raw_value(h)) == NULL)
		return NULL;
	v = g_mime_utils_header_unfold(raw);
	m = merge_bwords(v);
	g_free(v);
	return m;
}

/* A part the reader would save rather than read. */
static int
is_attachment(GMimePart *p)
{
	return g_mime_part_is_attachment(p) ||
	    g_mime_part_get_filename(p) != NULL;
}

static int
is_type(GMimeObject *o, const char *type, const char *subtype)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(o);

	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

/*
 * Count the attachments under o, MAIL_DEPTH_MAX levels deep.  Not
 * counted: an image the HTML shows (in multipart/related, with a
 * Content-ID) and the signature of multipart/signed.
 */
static size_t
count_attachments(GMimeObject *o, int depth, int related)
{
	GMimeMultipart	*mp;
	size_t		 n = 0;
	int		 i, k;

	if (o == NULL || depth > MAIL_DEPTH_MAX)
		return 0;
	if (GMIME_IS_MULTIPART(o)) {
		mp = GMIME_MULTIPART(o);
		k = g_mime_multipart_get_count(mp);
		if (GMIME_IS_MULTIPART_SIGNED(o) && k > 1)
			k = 1;
		for (i = 0; i < k; i++)
			n += count_attachments(g_mime_multipart_get_part(mp, i),
			    depth + 1, is_type(o, "multipart", "related"));
		return n;
	}
	/* A forwarded message is one attachment, whatever it holds. */
	if (GMIME_IS_MESSAGE_PART(o))
		return 1;
	if (!GMIME_IS_PART(o) || (related &&
	    g_mime_object_get_content_id(o) != NULL &&
	    !g_mime_part_is_attachment(GMIME_PART(o))))
		return 0;
	return is_attachment(GMIME_PART(o));
}

/*
 * The part that holds the message's text: a text/plain or text/html
 * leaf that is no attachment.  In multipart/alternative text/plain
 * wins; elsewhere the first part that has text.
 */
static GMimePart *
body_part(GMimeObject *o, int depth)
{
	GMimeMultipart	*mp;
	GMimePart	*p, *html = NULL;
	int		 i, k;

	if (o == NULL || depth > MAIL_DEPTH_MAX)
		return NULL;
	if (GMIME_IS_PART(o)) {
		if (is_attachment(GMIME_PART(o)) || (!is_type(o, "text",
		    "plain") && !is_type(o, "text", "html")))
			return NULL;
		return GMIME_PART(o);
	}
	if (!GMIME_IS_MULTIPART(o))
		return NULL;
	mp = GMIME_MULTIPART(o);
	k = g_mime_multipart_get_count(mp);
	for (i = 0; i < k; i++) {
		p = body_part(g_mime_multipart_get_part(mp, i), depth + 1);
		if (p == NULL)
			continue;
		if (!is_type(o, "multipart", "alternative") ||
		    is_type(GMIME_OBJECT(p), "text", "plain"))
			return p;
		if (html == NULL)
			html = p;
	}
	return html;
}

/*
 * A part's content, transfer encoding undone, in UTF-8 (maybe not yet
 * valid).  A declared charset iconv knows converts; none, us-ascii
 * (often a lie) or one unknown goes through the fallback charsets.
 */
static GString *
part_utf8(GMimePart *part)
{
	GMimeDataWrapper	*content;
	GMimeStream		*mem, *filtered;
	GMimeFilter		*f = NULL;
	GByteArray		*ba;
	GString			*out;
	const char		*cs;
	char			*s;
	size_t			 i;
	int			 utf8;

	out = g_string_new(NULL);
	if ((content = g_mime_part_get_content(part)) == NULL)
		return out;
	content = b64_content(content);
	cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part),
	    "charset");
	if (cs != NULL && (g_ascii_strcasecmp(cs, "us-ascii") == 0 ||
	    g_ascii_strcasecmp(cs, "ascii") == 0))
		cs = NULL;
	utf8 = cs != NULL && (g_ascii_strcasecmp(cs, "utf-8") == 0 ||
	    g_ascii_strcasecmp(cs, "utf8") == 0);
	mem = g_mime_stream_mem_new();
	if (cs != NULL && !utf8)
		f = g_mime_filter_charset_new(cs, "utf-8");
	if (f != NULL) {
		filtered = g_mime_stream_filter_new(mem);
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), f);
		g_object_unref(f);
		g_mime_data_wrapper_write_to_stream(content, filtered);
		g_mime_stream_flush(filtered);
		g_object_unref(filtered);
		utf8 = 1;
	} else
		g_mime_data_wrapper_write_to_stream(content, mem);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (utf8)
		g_string_append_len(out, (const char *)ba->data,
		    (gssize)ba->len);
	else {
		/* decode_8bit reads a C string: drop the NULs first. */
		for (i = 0; i < ba->len; i++)
			if (ba->data[i] != '\0')
				g_string_append_c(out, (char)ba->data[i]);
		s = g_mime_utils_decode_8bit(popts, out->str, out->len);
		g_string_assign(out, s);
		g_free(s);
	}
	g_object_unref(mem);
	g_object_unref(content);
	return out;
}

/* HTML to text: what the elements mean for line breaks. */
enum html_el {
	EL_INLINE,
	EL_LINE,	/* a block: the text around it on lines of its own */
	EL_PARA,	/* a block with a blank line around it */
	EL_BR,
	EL_CELL,	/* a table cell: a space apart */
	EL_SKIP		/* no text for the reader */
};

static enum html_el
html_el(const xmlChar *name)
{
	static const char *const line[] = { "address", "article", "aside",
	    "center", "dd", "div", "dl", "dt", "figure", "footer", "form",
	    "header", "li", "main", "nav", "ol", "pre", "section", "table",
	    "tr", "ul", NULL };
	static const char *const para[] = { "blockquote", "h1", "h2", "h3",
	    "h4", "h5", "h6", "hr", "p", NULL };
	static const char *const skip[] = { "head", "script", "style",
	    "template", "title", NULL };
	const char		*n = (const char *)name;
	const char *const	*p;

	if (n == NULL)
		return EL_INLINE;
	if (strcmp(n, "br") == 0)
		return EL_BR;
	if (strcmp(n, "td") == 0 || strcmp(n, "th") == 0)
		return EL_CELL;
	for (p = line; *p != NULL; p++)
		if (strcmp(n, *p) == 0)
			return EL_LINE;
	for (p = para; *p != NULL; p++)
		if (strcmp(n, *p) == 0)
			return EL_PARA;
	for (p = skip; *p != NULL; p++)
		if (strcmp(n, *p) == 0)
			return EL_SKIP;
	return EL_INLINE;
}

/* Text being gathered from HTML: breaks and spaces wait for text. */
struct html_text {
	GString	*out;
	int	 nl;		/* newlines owed before the next text */
	int	 sp;		/* a space owed */
};

static void
html_break(struct html_text *h, enum html_el e)
{
	if (e == EL_BR)
		h->nl = h->nl < 2 ? h->nl + 1 : 2;
	else if (e == EL_LINE && h->nl < 1)
		h->nl = 1;
	else if (e == EL_PARA)
		h->nl = 2;
	else if (e == EL_CELL)
		h->sp = 1;
}

/* White space in HTML text collapses, as a browser shows it. */
static void
html_add(struct html_text *h, const xmlChar *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
		    *s == '\f') {
			h->sp = 1;
			continue;
		}
		if (h->out->len > 0) {
			if (h->nl > 0)
				g_string_append_len(h->out, "\n\n", h->nl);
			else if (h->sp)
				g_string_append_c(h->out, ' ');
		}
		h->nl = h->sp = 0;
		g_string_append_c(h->out, (char)*s);
	}
}

/*
 * The text of an HTML body (valid UTF-8 in s): libxml2's recovering
 * parser, then the text nodes in document order, iteratively (no
 * recursion for a hostile tree to exhaust).
 */
static GString *
html_text(const GString *s)
{
	struct html_text	 h;
	htmlDocPtr		 doc;
	xmlNodePtr		 root, n;

	h.out = g_string_new(NULL);
	h.nl = h.sp = 0;
	doc = htmlReadMemory(s->str, (int)s->len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL)
		goto out;
	n = root;
	while (h.out->len <= MAIL_TEXT_MAX) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE)
			html_add(&h, n->content);
		else if (n->type == XML_ELEMENT_NODE &&
		    html_el(n->name) != EL_SKIP) {
			html_break(&h, html_el(n->name));
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
		}
		/* Leave n, and its parents while they have no more. */
		for (;;) {
			if (n->type == XML_ELEMENT_NODE &&
			    html_el(n->name) != EL_BR)
				html_break(&h, html_el(n->name));
			if (n == root)
				goto out;
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
		}
	}
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	return h.out;
}

/* The message's text, clean, at most MAIL_TEXT_MAX bytes. */
static const char *
body_text(struct arena *a, GMimeMessage *msg)
{
	GMimePart	*p;
	GString		*raw, *clean, *t;
	const char	*v;

	if ((p = body_part(g_mime_message_get_mime_part(msg), 0)) == NULL)
		return "";
	raw = part_utf8(p);
	clean = g_string_sized_new(raw->len < MAIL_TEXT_MAX ? raw->len + 1 :
	    MAIL_TEXT_MAX + 1);
	if (is_type(GMIME_OBJECT(p), "text", "html")) {
		/* libxml2 is given valid UTF-8, never a reason to guess. */
		utf8_add(clean, raw->str, raw->len, CLEAN_TEXT, MAIL_MAX);
		t = html_text(clean);
		g_string_truncate(clean, 0);
		utf8_add(clean, t->str, t->len, CLEAN_TEXT, MAIL_TEXT_MAX);
		g_string_free(t, TRUE);
	} else
		utf8_add(clean, raw->str, raw->len, CLEAN_TEXT, MAIL_TEXT_MAX);
	trim(clean);
	v = arena_strndup(a, clean->str, clean->len);
	g_string_free(raw, TRUE);
	g_string_free(clean, TRUE);
	return v;
}

/* Whether a header's first word (before ';', trimmed) is one of words. */
static int
header_word(GMimeObject *o, const char *name, const char *const *words)
{
	const char	*v = g_mime_object_get_header(o, name);
	size_t		 n;

	if (v == NULL)
		return 0;
	v += strspn(v, " \t");
	n = strcspn(v, "; \t\r\n");
	for (; *words != NULL; words++)
		if (strlen(*words) == n && g_ascii_strncasecmp(v, *words, n)
		    == 0)
			return 1;
	return 0;
}

/* See struct mail's automatic. */
static int
automatic(GMimeObject *o, const char *from)
{
	static const char *const no[] = { "no", NULL };
	static const char *const bulk[] = { "bulk", "junk", "list", NULL };
	static const char *const marks[] = { "X-Autoreply", "X-Autorespond",
		NULL };
	const char *const	*h;

	if (g_mime_object_get_header(o, "Auto-Submitted") != NULL &&
	    !header_word(o, "Auto-Submitted", no))
		return 1;
	if (header_word(o, "Precedence", bulk))
		return 1;
	for (h = marks; *h != NULL; h++)
		if (g_mime_object_get_header(o, *h) != NULL)
			return 1;
	return g_ascii_strncasecmp(from, "mailer-daemon@", 14) == 0;
}

/* The Date header as UTC "YYYY-MM-DDTHH:MM:SSZ", or "". */
static const char *
date(struct arena *a, GMimeMessage *msg)
{
	GDateTime	*d, *u;
	char		*s;
	const char	*v = "";

	if ((d = g_mime_message_get_date(msg)) == NULL)
		return "";
	if ((u = g_date_time_to_utc(d)) == NULL)
		return "";
	if ((s = g_date_time_format(u, "%Y-%m-%dT%H:%M:%SZ")) != NULL &&
	    strlen(s) == 20)
		v = arena_strdup(a, s);
	g_free(s);
	g_date_time_unref(u);
	return v;
}

/* The first message id of an In-Reply-To header, or "". */
static const char *
first_id(struct arena *a, const char *h)
{
	GMimeReferences	*r;
	const char	*v = "";

	if (h == NULL || (r = g_mime_references_parse(popts, h)) == NULL)
		return "";
	if (g_mime_references_length(r) > 0)
		v = field(a, g_mime_references_get_message_id(r, 0));
	g_mime_references_free(r);
	return v;
}

/* A References field cut to the last whole id that fits. */
static const char *
references(struct arena *a, const char *h)
{
	char	*v = (char *)field(a, h), *sp;

	if (strlen(v) >= MAIL_FIELD_MAX - 4 && (sp = strrchr(v, ' ')) != NULL)
		*sp = '\0';
	return v;
}

/*
 * GMime checks each line that starts with "--" against every boundary
 * still open, so a thousand nested multiparts around megabytes of
 * "--" lines cost it seconds of CPU.  Refuse what would: the number of
 * such lines times the times "boundary" appears (a bound on the
 * nesting) must stay under MAIL_BOUNDARY_WORK.  Real mail, with a few
 * boundaries, never comes near it.
 */
#define MAIL_BOUNDARY_WORK	(50 * 1000 * 1000)

static int
too_many_boundaries(const char *buf, size_t len)
{
	size_t	 i, dashes = 0, bounds = 0;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] == '-' && buf[i + 1] == '-' &&
		    (i == 0 || buf[i - 1] == '\n'))
			dashes++;
		else if ((buf[i] == 'b' || buf[i] == 'B') && len - i >= 8 &&
		    g_ascii_strncasecmp(buf + i, "boundary", 8) == 0)
			bounds++;
	}
	return bounds > 0 && dashes > MAIL_BOUNDARY_WORK / bounds;
}

int
mail_parse(struct arena *a, const char *buf, size_t len, struct mail *m,
    char *err, size_t errsz)
{
	GMimeStream		*stream = NULL;
	GMimeParser		*parser = NULL;
	GMimeMessage		*msg = NULL;
	GMimeObject		*o;
	InternetAddressList	*from = NULL;
	InternetAddressMailbox	*mb;
	const char		*addr, *p;
	char			*raw, *subject;
	int			 rc = -1;

	memset(m, 0, sizeof(*m));
	if (buf == NULL || len == 0)
		return fail(err, errsz, "the message is empty");
	if (len > MAIL_MAX)
		return fail(err, errsz, "the message is larger than %d MiB",
		    MAIL_MAX / (1024 * 1024));
	if (too_many_boundaries(buf, len))
		return fail(err, errsz, "the message nests too many MIME"
		    " parts to be parsed");
	/* As a pipe from the MTA may hand it over: after an mbox line. */
	if (len > 5 && memcmp(buf, "From ", 5) == 0 &&
	    (p = memchr(buf, '\n', len)) != NULL) {
		len -= (size_t)(p + 1 - buf);
		buf = p + 1;
	}
	mail_init();
	stream = g_mime_stream_mem_new_with_buffer(buf, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	if ((msg = g_mime_parser_construct_message(parser, popts)) == NULL) {
		fail(err, errsz, "not a mail message (it cannot be parsed)");
		goto out;
	}
	o = GMIME_OBJECT(msg);
	if (g_mime_header_list_get_count(g_mime_object_get_header_list(o))
	    == 0) {
		fail(err, errsz, "not a mail message (it has no headers)");
		goto out;
	}
	if ((raw = header_raw(o, "From")) != NULL)
		from = internet_address_list_parse(popts, raw);
	g_free(raw);
	if ((mb = first_mailbox(from, 0)) == NULL ||
	    (addr = internet_address_mailbox_get_addr(mb)) == NULL ||
	    !addr_ok(addr)) {
		fail(err, errsz, "the message has no From address");
		goto out;
	}
	m->from_addr = address_field(a, addr);
	m->from_name = field(a, internet_address_get_name(
	    INTERNET_ADDRESS(mb)));
	mb = first_mailbox(g_mime_message_get_to(msg), 0);
	m->to_addr = mb == NULL || (addr = internet_address_mailbox_get_addr(
	    mb)) == NULL || !addr_ok(addr) ? "" : address_field(a, addr);
	if ((raw = header_raw(o, "Subject")) != NULL) {
		subject = g_mime_utils_header_decode_text(popts, raw);
		m->subject = field(a, subject);
		g_free(subject);
		g_free(raw);
	} else
		m->subject = "";
	m->message_id = field(a, g_mime_message_get_message_id(msg));
	m->in_reply_to = first_id(a, g_mime_object_get_header(o,
	    "In-Reply-To"));
	m->references = references(a, g_mime_object_get_header(o,
	    "References"));
	m->date = date(a, msg);
	m->text = body_text(a, msg);
	m->attachments = count_attachments(g_mime_message_get_mime_part(msg),
	    0, 0);
	m->automatic = automatic(o, m->from_addr);
	rc = 0;
out:
	if (from != NULL)
		g_object_unref(from);
	if (msg != NULL)
		g_object_unref(msg);
	if (parser != NULL)
		g_object_unref(parser);
	if (stream != NULL)
		g_object_unref(stream);
	if (rc == -1)
		memset(m, 0, sizeof(*m));
	return rc;
}

/*
 * One mailbox from "addr" or "Name <addr>", or NULL.  Control
 * characters are refused before GMime sees the string, so nothing
 * the caller passes can end a header line.
 */
static InternetAddress *
mailbox(const char *s)
{
	InternetAddressList	*l;
	InternetAddress		*ia, *mb = NULL;
	const char		*addr, *p;

	if (s == NULL || !g_utf8_validate(s, -1, NULL))
		return NULL;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return NULL;
	if ((l = internet_address_list_parse(popts, s)) == NULL)
		return NULL;
	if (internet_address_list_length(l) == 1 &&
	    INTERNET_ADDRESS_IS_MAILBOX(ia =
	    internet_address_list_get_address(l, 0)) &&
	    (addr = internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(ia))) != NULL && addr_ok(addr))
		mb = internet_address_mailbox_new(internet_address_get_name(ia),
		    addr);
	g_object_unref(l);
	return mb;
}

char *
mail_build(struct arena *a, const char *from, const char *to,
    const char *subject, const char *body, size_t *len)
{
	InternetAddress		*f = NULL, *t = NULL;
	GMimeMessage		*msg = NULL;
	GMimeTextPart		*part = NULL;
	GMimeStream		*mem = NULL, *content_stream;
	GMimeDataWrapper	*content;
	GDateTime		*now;
	GByteArray		*ba;
	GString			*subj = NULL, *text = NULL;
	char			*id, *out = NULL;
	const char		*domain;

	if (len != NULL)
		*len = 0;
	mail_init();
	if ((f = mailbox(from)) == NULL || (t = mailbox(to)) == NULL)
		goto out;
	msg = g_mime_message_new(TRUE);
	internet_address_list_add(g_mime_message_get_from(msg), f);
	internet_address_list_add(g_mime_message_get_to(msg), t);

	subj = g_string_new(NULL);
	if (subject != NULL)
		utf8_add(subj, subject, strlen(subject), CLEAN_FIELD,
		    MAIL_FIELD_MAX);
	g_mime_message_set_subject(msg, subj->str, "utf-8");
	now = g_date_time_new_now_local();
	g_mime_message_set_date(msg, now);
	g_date_time_unref(now);
	/* The sender's domain: GMime would ask DNS for our host name. */
	domain = strrchr(internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(f)), '@') + 1;
	id = g_mime_utils_generate_message_id(domain);
	g_mime_message_set_message_id(msg, id);
	g_free(id);
	/* RFC 3834: auto-responders leave it unanswered (no mail loop). */
	g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted",
	    "auto-generated", NULL);

	/*
	 * Always UTF-8 (g_mime_text_part_set_text would pick Latin-1
	 * when it can), with "\n" line ends; GMime picks 7bit, QP or
	 * base64 for the 7-bit mail transport.
	 */
	text = g_string_new(NULL);
	if (body != NULL)
		utf8_add(text, body, strlen(body), CLEAN_TEXT, MAIL_MAX);
	if (text->len == 0 || text->str[text->len - 1] != '\n')
		g_string_append_c(text, '\n');
	part = g_mime_text_part_new_with_subtype("plain");
	content_stream = g_mime_stream_mem_new_with_buffer(text->str,
	    text->len);
	content = g_mime_data_wrapper_new_with_stream(content_stream,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_object_unref(content_stream);
	g_mime_part_set_content(GMIME_PART(part), content);
	g_object_unref(content);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(part),
	    g_mime_part_get_best_content_encoding(GMIME_PART(part),
	    GMIME_ENCODING_CONSTRAINT_7BIT));
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));

	mem = g_mime_stream_mem_new();
	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), NULL, mem) < 0)
		goto out;
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	out = arena_strndup(a, (const char *)ba->data, ba->len);
	if (len != NULL)
		*len = ba->len;
out:
	if (mem != NULL)
		g_object_unref(mem);
	if (part != NULL)
		g_object_unref(part);
	if (msg != NULL)
		g_object_unref(msg);
	if (f != NULL)
		g_object_unref(f);
	if (t != NULL)
		g_object_unref(t);
	if (subj != NULL)
		g_string_free(subj, TRUE);
	if (text != NULL)
		g_string_free(text, TRUE);
	return out;
}

/* Milliseconds left until deadline (CLOCK_MONOTONIC), at least 0. */
static int
left_ms(const struct timespec *deadline)
{
	struct timespec	 now;
	long long	 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > 1000000 ? 1000000 : (int)ms;
}

/*
 * Write msg to fd (non-blocking) by the deadline.  0, or the errno
 * that stopped it (EPIPE: the reader went away; ETIMEDOUT).
 */
static int
feed(int fd, const char *msg, size_t len, size_t *done,
    const struct timespec *deadline)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLOUT };
	ssize_t		 n;

	while (*done < len) {
		if ((n = write(fd, msg + *done, len - *done)) > 0) {
			*done += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno != EAGAIN)
			return errno;
		if (left_ms(deadline) == 0)
			return ETIMEDOUT;
		if (poll(&pfd, 1, left_ms(deadline)) == -1 && errno != EINTR)
			return errno;
	}
	return 0;
}

/*
 * Reap pid by the deadline: 0, -1 with it still running, or -2 when
 * it cannot be waited for (SIGCHLD ignored: the kernel reaped it).
 */
static int
reap(pid_t pid, int *status, const struct timespec *deadline)
{
	struct timespec	 nap = { 0, 1000000 };
	pid_t		 r;

	for (;;) {
		if ((r = waitpid(pid, status, WNOHANG)) == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -2;
		if (left_ms(deadline) == 0)
			return -1;
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 64000000)
			nap.tv_nsec *= 2;
	}
}

int
mail_send(const char *sendmail, const char *msg, size_t len, char *err,
    size_t errsz)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 at;
	sigset_t			 pipe_set, old, none, pending;
	struct timespec			 deadline, zero = { 0, 0 };
	char				*argv[] = { (char *)sendmail, "-t", "-i",
					    NULL };
	pid_t				 pid;
	size_t				 done = 0;
	int				 fd[2], e, werr, status = 0, rc = -1, r = 0;
	int				 was_pending;

	if (msg == NULL)
		len = 0;
	if (sendmail == NULL || sendmail[0] != '/')
		return fail(err, errsz, "sendmail must be an absolute path,"
		    " not \"%s\"", sendmail == NULL ? "" : sendmail);
	/* posix_spawn says so too, but not where it must fork (valgrind). */
	if (access(sendmail, X_OK) == -1)
		return fail(err, errsz, "cannot run %s: %s", sendmail,
		    strerror(errno));
	if (pipe2(fd, O_CLOEXEC) == -1)
		return fail(err, errsz, "cannot make a pipe for sendmail: %s",
		    strerror(errno));
	/*
	 * The child: the pipe as its input, nothing it prints on our
	 * output (under CGI that is the response), no descriptor of ours,
	 * and default signals with none blocked, whatever the worker set.
	 */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[0], STDIN_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
	    O_WRONLY, 0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
#endif
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &pipe_set);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	e = posix_spawn(&pid, sendmail, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(fd[0]);
	if (e != 0) {
		close(fd[1]);
		return fail(err, errsz, "cannot run %s: %s", sendmail,
		    strerror(e));
	}

	/*
	 * A sendmail that exits without reading all raises SIGPIPE on
	 * our write: block it, and take it back if it was ours, so the
	 * worker (which may not ignore it) lives and gets EPIPE.
	 */
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += MAIL_SEND_TIMEOUT;
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	fcntl(fd[1], F_SETFL, fcntl(fd[1], F_GETFL) | O_NONBLOCK);
	werr = feed(fd[1], msg, len, &done, &deadline);
	close(fd[1]);
	if (werr == EPIPE && !was_pending)
		while (sigtimedwait(&pipe_set, NULL, &zero) == -1 &&
		    errno == EINTR)
			continue;
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	if (werr != ETIMEDOUT && (r = reap(pid, &status, &deadline)) == -2)
		fail(err, errsz, "cannot learn how %s ended: %s", sendmail,
		    strerror(errno));
	else if (werr == ETIMEDOUT || r == -1) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
		fail(err, errsz, "%s did not finish within %d seconds",
		    sendmail, MAIL_SEND_TIMEOUT);
	} else if (WIFSIGNALED(status))
		fail(err, errsz, "%s was killed by signal %d (%s)", sendmail,
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (!WIFEXITED(status))
		fail(err, errsz, "%s ended abnormally", sendmail);
	else if (WEXITSTATUS(status) != 0)
		fail(err, errsz, "%s failed with exit status %d", sendmail,
		    WEXITSTATUS(status));
	else if (werr != 0)
		fail(err, errsz, "%s exited before reading the whole message"
		    " (%zu of %zu bytes: %s)", sendmail, done, len,
		    strerror(werr));
	else
		rc = 0;
	return rc;
}
