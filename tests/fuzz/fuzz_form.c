/* fuzz_form.c - libFuzzer target: urlencoded bodies and query strings. */
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
	struct kvlist	 l = { NULL, 0, 0 };
	size_t		 i;

	if (a == NULL)
		return 0;
	if (form_parse(a, (const char *)data, size, &l) == FORM_OK)
		for (i = 0; i < l.n; i++) {
			/* What the parser hands on is always clean text. */
			if (!form_text_ok(l.v[i].val, strlen(l.v[i].val)) ||
			    !form_text_ok(l.v[i].key, strlen(l.v[i].key)))
				__builtin_trap();
		}
	arena_free(a);
	return 0;
}
