/*
 * out.c - response writer; see out.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "arena.h"
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

static int
begin(struct kiln_req *r, int status)
{
	if (r->started)
		return -1;
	r->status = status;
	r->started = 1;
	r->depth = 0;
	if ((r->buf = xmlBufferCreateSize(8192)) == NULL)
		return -1;
	return 0;
}

int
out_xml_begin(struct kiln_req *r, int status, const char *root)
{
	if (begin(r, status) == -1)
		return -1;
	if ((r->w = xmlNewTextWriterMemory(r->buf, 0)) == NULL)
		return -1;
	r->html = 0;
	out_header(r, "Content-Type", "application/xml; charset=utf-8");
	/*
	 * No encoding argument: UTF-8 is XML's default, and naming it
	 * would route every write through libxml2's converter.
	 */
	xmlTextWriterStartDocument(r->w, "1.0", NULL, NULL);
	if (root != NULL)
		out_open(r, root);
	return 0;
}

int
out_html_begin(struct kiln_req *r, int status)
{
	if (begin(r, status) == -1)
		return -1;
	if ((r->w = xmlNewTextWriterMemory(r->buf, 0)) == NULL)
		return -1;
	r->html = 1;
	out_header(r, "Content-Type", "text/html; charset=utf-8");
	/* A constant: the only raw markup the writer ever sees. */
	xmlTextWriterWriteRaw(r->w, BAD_CAST "<!DOCTYPE html>\n");
	return 0;
}

int
out_begin_raw(struct kiln_req *r, int status, const char *ctype)
{
	if (begin(r, status) == -1)
		return -1;
	out_header(r, "Content-Type", ctype);
	return 0;
}

void
out_raw(struct kiln_req *r, const char *s, size_t n)
{
	if (r->buf != NULL && r->w == NULL)
		xmlBufferAdd(r->buf, (const xmlChar *)s, (int)n);
}

void
out_open(struct kiln_req *r, const char *el)
{
	xmlTextWriterStartElement(r->w, BAD_CAST el);
	r->depth++;
}

void
out_attr(struct kiln_req *r, const char *name, const char *value)
{
	xmlTextWriterWriteAttribute(r->w, BAD_CAST name,
	    BAD_CAST (value ? value : ""));
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
	if (s != NULL && *s != '\0')
		xmlTextWriterWriteString(r->w, BAD_CAST s);
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

void
out_close(struct kiln_req *r)
{
	if (r->html)
		xmlTextWriterFullEndElement(r->w);
	else
		xmlTextWriterEndElement(r->w);
	r->depth--;
}

void
out_void(struct kiln_req *r)
{
	xmlTextWriterEndElement(r->w);
	r->depth--;
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
	char		*head;
	size_t		 i, len;
	int		 rc;

	if (!r->started)
		return -1;
	if (r->w != NULL) {
		while (r->depth > 0)
			out_close(r);
		if (!r->html)
			xmlTextWriterEndDocument(r->w);
		xmlFreeTextWriter(r->w);	/* flushes into r->buf */
		r->w = NULL;
	}
	head = arena_printf(r->arena, "Status: %d %s\r\n", r->status,
	    out_reason(r->status));
	for (i = 0; i < r->headers.n; i++)
		head = arena_printf(r->arena, "%s%s: %s\r\n", head,
		    r->headers.v[i].key, r->headers.v[i].val);
	len = r->buf ? (size_t)xmlBufferLength(r->buf) : 0;
	if (r->status != 204 && r->status != 304)
		head = arena_printf(r->arena, "%sContent-Length: %zu\r\n",
		    head, len);
	head = arena_printf(r->arena, "%s\r\n", head);
	rc = send_all(r, head, strlen(head));
	if (rc == 0 && len > 0 && r->method != M_HEAD &&
	    r->status != 204 && r->status != 304)
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
