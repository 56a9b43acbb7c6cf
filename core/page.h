/*
 * page.h - the HTML page layout (head, navigation, main) and the
 * error responses every handler shares, in HTML, XML or text.
 */
#ifndef KILN_PAGE_H
#define KILN_PAGE_H

#include <stddef.h>

#include "error.h"

struct kiln_req;
struct ferrs;

int	 page_begin(struct kiln_req *, int status, const char *title);
int	 page_end(struct kiln_req *);
/*
 * Error e as the contract shapes it (status and code from error.c's
 * table), with message, or the table's when NULL; ferrs may be NULL.
 * A write transaction still open is rolled back first: an error never
 * commits half of anything.
 */
int	 page_error(struct kiln_req *, enum error_code,
	    const char *message, const struct ferrs *);
/*
 * Read the request's body (req_read_body); 0, or -1 once its refusal
 * (411, 400, 413, 415) has been answered.
 */
int	 page_body(struct kiln_req *);
/* <p class="empty">text</p>: a list with nothing in it. */
void	 page_empty(struct kiln_req *, const char *text);
/* <p class=CLS role=alert>: a refusal's message. */
void	 page_alert(struct kiln_req *, const char *cls, const char *text);
/* <a href=url>text</a> */
void	 page_link(struct kiln_req *, const char *url, const char *text);
/* A POST form's hidden CSRF field, when the request has a session. */
void	 page_csrf(struct kiln_req *);
void	 page_hidden(struct kiln_req *, const char *name, const char *value);
/* A submit button; cls may be NULL. */
void	 page_button(struct kiln_req *, const char *text, const char *cls);
/* <thead> of a table: column headings, translated ("" for none). */
void	 page_thead(struct kiln_req *, const char *const *cols, size_t n);

#endif
