/* fuzz_cookie.c - libFuzzer target: the Cookie header. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "form.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new(4096);
	const char	*h, *v;

	if (a == NULL)
		return 0;
	h = arena_strndup(a, (const char *)data, size);
	v = form_cookie(a, h, "kiln_session");
	if (v != NULL && (strchr(v, ';') != NULL || strlen(v) > size))
		__builtin_trap();
	arena_free(a);
	return 0;
}
