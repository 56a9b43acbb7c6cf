/*
 * kit.c - helpers a plugin compiles in; see kit.h.
 */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kit.h"

const char *
kit_copy(struct kiln_req *r, const struct kiln_services *sv, const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*p = sv->alloc(r, n);

	memcpy(p, s, n);
	return p;
}

void
kit_now(char buf[KIT_TIMESZ])
{
	time_t		 t = time(NULL);
	struct tm	 tm;

	strftime(buf, KIT_TIMESZ, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
}

void
kit_link(struct kiln_req *r, const struct kiln_services *sv,
    const char *path, const char *text)
{
	sv->open(r, "a");
	sv->attr(r, "href", sv->url(r, path));
	sv->text(r, text);
	sv->close(r);
}

void
kit_customer_link(struct kiln_req *r, const struct kiln_services *sv,
    long long id, const char *name)
{
	char	 path[48];

	snprintf(path, sizeof(path), "/customers/%lld", id);
	kit_link(r, sv, path, name);
}

void
kit_table(struct kiln_req *r, const struct kiln_services *sv,
    const char *const *cols)
{
	sv->open(r, "table");
	sv->attr(r, "class", "list");
	sv->open(r, "thead");
	sv->open(r, "tr");
	for (; *cols != NULL; cols++) {
		sv->open(r, "th");
		sv->attr(r, "scope", "col");
		if (**cols != '\0')
			sv->text(r, sv->tr(*cols));
		sv->close(r);
	}
	sv->close(r);
	sv->close(r);
	sv->open(r, "tbody");
}

void
kit_cell(struct kiln_req *r, const struct kiln_services *sv, const char *text,
    int numeric)
{
	sv->open(r, "td");
	if (numeric)
		sv->attr(r, "class", "num");
	sv->text(r, text);
	sv->close(r);
}

void
kit_hidden(struct kiln_req *r, const struct kiln_services *sv,
    const char *name, const char *value)
{
	sv->open(r, "input");
	sv->attr(r, "type", "hidden");
	sv->attr(r, "name", name);
	sv->attr(r, "value", value);
	sv->close(r);
}

const char *
kit_num(struct kiln_req *r, const struct kiln_services *sv, long long v)
{
	char	*s = sv->alloc(r, 24);

	snprintf(s, 24, "%lld", v);
	return s;
}

const char *
kit_ratio(struct kiln_req *r, const struct kiln_services *sv, long long a,
    long long b, int d)
{
	char	*s;

	if (b <= 0)
		return "";
	s = sv->alloc(r, 32);
	snprintf(s, 32, "%.*f", d, (double)a / (double)b);
	return s;
}

int
kit_is(struct kiln_req *r, const struct kiln_services *sv,
    const char *const *roles)
{
	const char	*role = sv->user_role(r);

	for (; *roles != NULL; roles++)
		if (strcmp(*roles, role) == 0)
			return 1;
	return 0;
}

long long
kit_version_sent(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*ver = sv->param(r, "version");
	char		*end;
	long long	 v;

	if (ver == NULL || *ver == '\0')
		return 0;
	v = strtoll(ver, &end, 10);
	if (*end != '\0' || v < 1) {
		sv->error(r, 400, "bad_request",
		    sv->tr("version must be a positive number"));
		return -1;
	}
	return v;
}
