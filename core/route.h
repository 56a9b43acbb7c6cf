/*
 * route.h - matching a request to a declared route, the core's (http.c)
 * and the plugins' (plugin.c) alike: method, path pattern, roles.
 */
#ifndef KILN_ROUTE_H
#define KILN_ROUTE_H

#include <stddef.h>

struct kiln_req;

/*
 * Does the request's path match pattern?  A segment "#" stands for a
 * record id (digits, no leading zero: r->route_id), "*" for any one
 * non-empty segment (r->route_arg[0], then [1]).
 */
int	 route_match(struct kiln_req *, const char *pattern);
/* The first n bytes of s as a record id (digits, no leading zero). */
int	 route_parse_id(const char *s, size_t n, long long *id);
/* Does the request's method answer to method ("GET" takes HEAD too)? */
int	 route_method(const struct kiln_req *, const char *method);
/* Is the user's role among roles (NULL-terminated; NULL: anyone)? */
int	 route_role(const struct kiln_req *, const char *const *roles);

#endif
