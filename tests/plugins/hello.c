/*
 * hello.c - a test-only plugin: a page of its own at /hello through
 * the services table, proving the ABI end to end.
 */
#include "kiln-plugin.h"

static const struct kiln_services *host;

static int
hello_page(struct kiln_req *r, const struct kiln_services *sv)
{
	const char	*who = sv->param(r, "who");

	sv->begin(r, 200, "hello", "Hello");
	sv->open(r, "p");
	sv->attr(r, "class", "hello");
	sv->text(r, "Hello, ");
	sv->text(r, who ? who : "world");
	sv->close(r);
	return sv->end(r);
}

static int
hello_init(const struct kiln_services *sv)
{
	host = sv;
	sv->log(KILN_LOG_INFO, "plugin hello: init (services abi %u)",
	    sv->abi);
	return 0;
}

static const struct kiln_route routes[] = {
	{ "GET", "/hello", hello_page },
	{ NULL, NULL, NULL }
};

const struct kiln_plugin kiln_plugin = {
	KILN_PLUGIN_HEAD("hello"),
	.description = "test plugin with one page",
	.init = hello_init,
	.routes = routes,
};
