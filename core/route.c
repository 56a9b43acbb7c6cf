/*
 * route.c - declared routes matched against the request; see route.h.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "req.h"
#include "route.h"
#include "value.h"

static const char *const method_names[] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "?"
};

int
route_parse_id(const char *s, size_t n, long long *id)
{
	char	 num[24];

	if (n == 0 || n >= sizeof(num) || s[0] == '0' ||
	    strspn(s, "0123456789") < n)
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	return value_int_parse(num, id) == 0 ? 0 : -1;
}

int
route_match(struct kiln_req *r, const char *pattern)
{
	const char	*path = r->path;
	size_t		 n, args = 0;

	while (*pattern && *path) {
		if ((pattern[0] == '#' || pattern[0] == '*') &&
		    (pattern[1] == '/' || pattern[1] == '\0')) {
			n = pattern[0] == '#' ? strspn(path, "0123456789") :
			    strcspn(path, "/");
			if (n == 0)
				return 0;
			if (pattern[0] == '*') {
				if (args == sizeof(r->route_arg) /
				    sizeof(r->route_arg[0]))
					return 0;
				r->route_arg[args++] = arena_strndup(r->arena,
				    path, n);
			} else if (route_parse_id(path, n, &r->route_id) != 0)
				return 0;
			path += n;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *pattern == '\0' && *path == '\0';
}

int
route_method(const struct kiln_req *r, const char *method)
{
	const char	*m = method_names[r->method];

	if (r->method == M_HEAD)
		m = "GET";
	return strcmp(method, m) == 0;
}

int
route_role(const struct kiln_req *r, const char *const *roles)
{
	if (roles == NULL)
		return 1;
	for (; r->user != NULL && *roles != NULL; roles++)
		if (strcmp(*roles, r->user->role) == 0)
			return 1;
	return 0;
}
