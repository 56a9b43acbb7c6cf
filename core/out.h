/*
 * out.h - every response body is written here, into a libxml2 buffer:
 * text enters only as text (escaped by libxml2, by construction),
 * markup only as element and attribute names chosen by the code.
 * HTML follows HTML's rules: non-void elements always get an end tag,
 * void ones (input, br, ...) self-close, whether ended by out_void or,
 * as plugins end every element, out_close.
 */
#ifndef KILN_OUT_H
#define KILN_OUT_H

struct kiln_req;

void	 out_header(struct kiln_req *, const char *, const char *);
int	 out_xml_begin(struct kiln_req *, int status, const char *root);
/* Document skeleton only; the page layout is page_begin(). */
int	 out_html_begin(struct kiln_req *, int status);
void	 out_open(struct kiln_req *, const char *);
void	 out_attr(struct kiln_req *, const char *, const char *);
void	 out_attrf(struct kiln_req *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 out_text(struct kiln_req *, const char *);
void	 out_textf(struct kiln_req *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 out_close(struct kiln_req *);
/* End a void HTML element (input, br, meta, link) opened by out_open. */
void	 out_void(struct kiln_req *);
/* <el>text</el> in one call. */
void	 out_elem(struct kiln_req *, const char *, const char *);
/* Raw bytes for non-markup bodies (CSV, plain text). */
void	 out_raw(struct kiln_req *, const char *, size_t);
int	 out_begin_raw(struct kiln_req *, int status, const char *ctype);
/* Close every open element, send headers and body. */
int	 out_finish(struct kiln_req *);
int	 out_redirect(struct kiln_req *, const char *url);
int	 out_status_only(struct kiln_req *, int status);
const char *out_reason(int status);

#endif
