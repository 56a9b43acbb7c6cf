/* fuzz_xmlin.c - libFuzzer target: XML request bodies. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libxml/parser.h>

#include "arena.h"
#include "form.h"
#include "xmlin.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	*a = arena_new(4096);
	struct kvlist	 l = { NULL, 0, 0 };
	const char	*root;
	size_t		 i;

	if (a == NULL)
		return 0;
	static struct xmlsets	 sets;

	if (xmlin_parse(a, (const char *)data, size, &l, &root, &sets) ==
	    XMLIN_OK)
		for (i = 0; i < l.n; i++)
			if (!form_text_ok(l.v[i].val, strlen(l.v[i].val)))
				__builtin_trap();
	arena_free(a);
	return 0;
}
