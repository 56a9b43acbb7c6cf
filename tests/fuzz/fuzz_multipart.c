/*
 * fuzz_multipart.c - libFuzzer target: multipart/form-data bodies.
 * The input's first line is the Content-Type, the rest the body.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "form.h"
#include "multipart.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new(4096);
	struct kvlist	 l = { NULL, 0, 0 };
	struct parts	 parts;
	const char	*nl, *ctype;
	size_t		 i;

	if (a == NULL)
		return 0;
	nl = memchr(data, '\n', size);
	ctype = arena_strndup(a, (const char *)data,
	    nl ? (size_t)(nl - (const char *)data) : size);
	if (nl != NULL &&
	    multipart_parse(a, ctype, nl + 1, size - (size_t)(nl + 1 -
	    (const char *)data), &parts, &l) == MP_OK) {
		for (i = 0; i < parts.n; i++)
			if (parts.v[i].name == NULL ||
			    parts.v[i].data[parts.v[i].len] != '\0')
				__builtin_trap();
		for (i = 0; i < l.n; i++)
			if (!form_text_ok(l.v[i].val, strlen(l.v[i].val)))
				__builtin_trap();
	}
	arena_free(a);
	return 0;
}
