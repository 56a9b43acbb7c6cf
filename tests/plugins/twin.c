/*
 * twin.c - a test-only plugin that takes the name of the hello
 * plugin: loaded after it (names sort), it must be refused.
 */
#include "kiln-plugin.h"

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("hello"),
	.description = "refused: duplicate name",
};
