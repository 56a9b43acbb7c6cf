/*
 * out.c - response writer; see out.h.
 *
 * Why not xmlTextWriter: it spends most of a list page's time on its
 * own bookkeeping (a malloc'd stack entry and name copy per element, a
 * copy per escaped string).  Measured on a 50-row table: xmlTextWriter
 * 61-96 us, a libxml2 tree with htmlDocDumpMemory 87-126 us, this
 * writer 19 us.  The guarantees are the same: markup comes only from
 * element and attribute names the code chooses, and every piece of
 * data goes through libxml2's own escaper (xmlAttrSerializeTxtContent:
 * & < > " and CR, LF, tab as references), in text and attributes alike.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "arena.h"
#include "i18n.h"
#include "out.h"
#include "req.h"

const char *
out_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* Header values never carry CR or LF: no response splitting. */
void
out_header(struct kiln_req *r, const char *name, const char *value)
{
	if (strpbrk(value, "\r\n") != NULL)
		return;
	form_add(r->arena, &r->headers, name, arena_strdup(r->arena, value));
}

/*
 * The document whose encoding tells libxml2's escaper to pass UTF-8
 * through as it is (without one it writes every non-ASCII character
 * as a character reference, tripling Chinese text).
 */
static xmlDocPtr
escape_doc(void)
{
	static xmlDocPtr	 doc;

	if (doc == NULL && (doc = xmlNewDoc(BAD_CAST "1.0")) != NULL)
		doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
	return doc;
}

/* Markup the code wrote: a literal, its length known at compile time. */
#define LIT(r, s)	xmlBufferAdd((r)->buf, BAD_CAST (s), sizeof(s) - 1)

/* An element or attribute name (never data). */
static void
name(struct kiln_req *r, const char *s)
{
	xmlBufferAdd(r->buf, BAD_CAST s, (int)strlen(s));
}

/*
 * Text or an attribute value, escaped by libxml2.  Most values hold
 * none of the characters it escapes (& < > " CR LF tab): those are
 * appended as they are, which is what the escaper would write.
 */
static void
escaped(struct kiln_req *r, const char *s)
{
	size_t	 n = strcspn(s, "&<>\"\r\n\t");

	if (s[n] == '\0')
		xmlBufferAdd(r->buf, BAD_CAST s, (int)n);
	else
		xmlAttrSerializeTxtContent(r->buf, escape_doc(), NULL,
		    BAD_CAST s);
}

/* Finish a start tag still waiting for attributes. */
static void
seal(struct kiln_req *r)
{
	if (r->open_tag) {
		LIT(r, ">");
		r->open_tag = 0;
	}
}

static int
begin(struct kiln_req *r, int status, int markup)
{
	if (r->started)
		return -1;
	r->status = status;
	r->started = 1;
	r->depth = 0;
	r->overflow = 0;
	r->open_tag = 0;
	r->markup = markup;
	if ((r->buf = xmlBufferCreateSize(16384)) == NULL)
		return -1;
	xmlBufferSetAllocationScheme(r->buf, XML_BUFFER_ALLOC_DOUBLEIT);
	return 0;
}

int
out_xml_begin(struct kiln_req *r, int status, const char *root)
{
	if (begin(r, status, 1) == -1)
		return -1;
	r->html = 0;
	out_header(r, "Content-Type", "application/xml; charset=utf-8");
	LIT(r, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (root != NULL)
		out_open(r, root);
	return 0;
}

int
out_html_begin(struct kiln_req *r, int status)
{
	if (begin(r, status, 1) == -1)
		return -1;
	r->html = 1;
	out_header(r, "Content-Type", "text/html; charset=utf-8");
	LIT(r, "<!DOCTYPE html>\n");
	return 0;
}

int
out_begin_raw(struct kiln_req *r, int status, const char *ctype)
{
	if (begin(r, status, 0) == -1)
		return -1;
	out_header(r, "Content-Type", ctype);
	return 0;
}

void
out_raw(struct kiln_req *r, const char *s, size_t n)
{
	if (r->buf != NULL && !r->markup)
		xmlBufferAdd(r->buf, (const xmlChar *)s, (int)n);
}

/*
 * Element and attribute names are never data: they come from the code
 * or from an entity's field table, whose names the host checked.
 */
void
out_open(struct kiln_req *r, const char *el)
{
	seal(r);
	/* Deeper than any page we write: a bug, kept from breaking markup. */
	if (r->depth == OUT_MAX_DEPTH) {
		r->overflow++;
		return;
	}
	r->stack[r->depth++] = el;
	LIT(r, "<");
	name(r, el);
	r->open_tag = 1;
}

void
out_attr(struct kiln_req *r, const char *attr, const char *value)
{
	if (!r->open_tag)
		return;
	LIT(r, " ");
	name(r, attr);
	LIT(r, "=\"");
	escaped(r, value ? i18n_pick(r->arena, value) : "");
	LIT(r, "\"");
}

void
out_attrf(struct kiln_req *r, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = arena_vprintf(r->arena, fmt, ap);
	va_end(ap);
	out_attr(r, name, s);
}

void
out_text(struct kiln_req *r, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	seal(r);
	/* A rule's message in several languages: the reader's. */
	escaped(r, i18n_pick(r->arena, s));
}

void
out_textf(struct kiln_req *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = arena_vprintf(r->arena, fmt, ap);
	va_end(ap);
	out_text(r, s);
}

/*
 * HTML always gets an end tag (<td></td>, <textarea></textarea>);
 * XML writes an empty element as <notes/>.
 */
/* HTML's void elements: no end tag, ever. */
/*
 * HTML's void elements (no end tag), by first letter: every element
 * closed is asked, so most (td, div, a, ...) are answered by a switch.
 */
static int
is_void(const char *el)
{
	switch (el[0]) {
	case 'a':
		return strcmp(el, "area") == 0;
	case 'b':
		return strcmp(el, "base") == 0 || strcmp(el, "br") == 0;
	case 'c':
		return strcmp(el, "col") == 0;
	case 'e':
		return strcmp(el, "embed") == 0;
	case 'h':
		return strcmp(el, "hr") == 0;
	case 'i':
		return strcmp(el, "img") == 0 || strcmp(el, "input") == 0;
	case 'l':
		return strcmp(el, "link") == 0;
	case 'm':
		return strcmp(el, "meta") == 0;
	case 's':
		return strcmp(el, "source") == 0;
	case 't':
		return strcmp(el, "track") == 0;
	case 'w':
		return strcmp(el, "wbr") == 0;
	default:
		return 0;
	}
}

void
out_close(struct kiln_req *r)
{
	const char	*el;

	if (r->overflow > 0) {
		r->overflow--;
		return;
	}
	if (r->depth == 0)
		return;
	el = r->stack[--r->depth];
	/* A plugin closes <input> as any other; HTML wants no end tag. */
	if (r->html && is_void(el)) {
		r->depth++;
		out_void(r);
		return;
	}
	if (r->open_tag && !r->html) {
		LIT(r, "/>");
		r->open_tag = 0;
		return;
	}
	seal(r);
	LIT(r, "</");
	name(r, el);
	LIT(r, ">");
}

void
out_void(struct kiln_req *r)
{
	if (r->overflow > 0) {
		r->overflow--;
		return;
	}
	if (r->depth == 0)
		return;
	r->depth--;
	if (r->open_tag)
		LIT(r, "/>");
	r->open_tag = 0;
}

void
out_elem(struct kiln_req *r, const char *el, const char *text)
{
	out_open(r, el);
	out_text(r, text);
	out_close(r);
}

static int
send_all(struct kiln_req *r, const char *s, size_t n)
{
	return r->io->write(r->io->ctx, s, n);
}

int
out_finish(struct kiln_req *r)
{
	struct abuf	 head;
	size_t		 i, len;
	int		 rc, body;

	if (!r->started || r->buf == NULL)
		return -1;
	while (r->markup && r->depth > 0)
		out_close(r);
	if (r->markup && !r->html)
		LIT(r, "\n");
	abuf_init(&head, r->arena);
	abuf_addf(&head, "Status: %d %s\r\n", r->status,
	    out_reason(r->status));
	for (i = 0; i < r->headers.n; i++) {
		abuf_add(&head, r->headers.v[i].key);
		abuf_add(&head, ": ");
		abuf_add(&head, r->headers.v[i].val);
		abuf_add(&head, "\r\n");
	}
	body = r->status != 204 && r->status != 304;
	len = (size_t)xmlBufferLength(r->buf);
	if (body)
		abuf_addf(&head, "Content-Length: %zu\r\n", len);
	abuf_add(&head, "\r\n");
	rc = send_all(r, head.s, head.n);
	if (rc == 0 && body && len > 0 && r->method != M_HEAD)
		rc = send_all(r, (const char *)xmlBufferContent(r->buf), len);
	xmlBufferFree(r->buf);
	r->buf = NULL;
	return rc;
}

int
out_redirect(struct kiln_req *r, const char *url)
{
	if (out_begin_raw(r, 303, "text/plain; charset=utf-8") == -1)
		return -1;
	out_header(r, "Location", url);
	return out_finish(r);
}

int
out_status_only(struct kiln_req *r, int status)
{
	if (out_begin_raw(r, status, "text/plain; charset=utf-8") == -1)
		return -1;
	return out_finish(r);
}
