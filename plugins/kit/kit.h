/*
 * kit.h - small helpers a plugin compiles in (plugins/kit/kit.c in its
 * sources): what every plugin writes the same way through the services
 * table.  Not host symbols: each plugin has its own copy, and reaches
 * the host only through the services it is handed.
 */
#ifndef KILN_KIT_H
#define KILN_KIT_H

#include "kiln-plugin.h"

/* YYYY-MM-DDTHH:MM:SSZ and its NUL. */
#define KIT_TIMESZ	21

/* s, kept for the rest of the request (col_text() is not). */
const char	*kit_copy(struct kiln_req *, const struct kiln_services *,
		    const char *);
/* The time now, UTC, as the database keeps it. */
void		 kit_now(char [KIT_TIMESZ]);
/* <a href> to a path under the prefix. */
void		 kit_link(struct kiln_req *, const struct kiln_services *,
		    const char *path, const char *text);
/* A link to customer id's page. */
void		 kit_customer_link(struct kiln_req *,
		    const struct kiln_services *, long long, const char *);
/*
 * <table class="list"><thead> of the column names (translated,
 * NULL-terminated; "" heads a buttons column), <tbody> left open.
 */
void		 kit_table(struct kiln_req *, const struct kiln_services *,
		    const char *const *cols);
/* One <td> (right-aligned when numeric). */
void		 kit_cell(struct kiln_req *, const struct kiln_services *,
		    const char *, int numeric);
/* A hidden input inside an open form. */
void		 kit_hidden(struct kiln_req *, const struct kiln_services *,
		    const char *name, const char *value);
/* A number as text, in the request's arena. */
const char	*kit_num(struct kiln_req *, const struct kiln_services *,
		    long long);
/* a / b with d decimals, "" when b is not positive. */
const char	*kit_ratio(struct kiln_req *, const struct kiln_services *,
		    long long a, long long b, int d);
/* Is the user's role one of roles (NULL-terminated)? */
int		 kit_is(struct kiln_req *, const struct kiln_services *,
		    const char *const *roles);
/*
 * The version a form or API client sent: 0 when none, -1 when it is
 * malformed (answered 400).
 */
long long	 kit_version_sent(struct kiln_req *,
		    const struct kiln_services *);

#endif
