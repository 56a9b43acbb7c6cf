/*
 * badabi.c - a test-only plugin built for a future ABI: the host must
 * refuse it with one log line and go on with the others.
 */
#include "kiln-plugin.h"

const struct kiln_plugin kiln_plugin = {
	.abi = KILN_ABI_VERSION + 41,
	.signature = KILN_SIGNATURE,
	.name = "badabi",
	.description = "refused: wrong ABI version",
};
