/*
 * proxy.c - the client's address behind trusted proxies; see proxy.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "proxy.h"
#include "req.h"
#include "value.h"

#define LIST_SEP	" \t,"

/* An address, or a network of its first bits. */
struct net {
	int		 family;
	unsigned char	 addr[16];
	int		 bits;
};

/* "ADDR" or "ADDR/BITS" (n bytes of s) into net; 0, or -1. */
static int
net_parse(const char *s, size_t n, int prefix_ok, struct net *net)
{
	char		 buf[64], *slash;
	long long	 bits;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if ((slash = strchr(buf, '/')) != NULL) {
		if (!prefix_ok)
			return -1;
		*slash++ = '\0';
	}
	if (inet_pton(AF_INET, buf, net->addr) == 1) {
		net->family = AF_INET;
		net->bits = 32;
	} else if (inet_pton(AF_INET6, buf, net->addr) == 1) {
		net->family = AF_INET6;
		net->bits = 128;
	} else
		return -1;
	if (slash != NULL) {
		if (value_int_parse(slash, &bits) != 0 || bits < 0 ||
		    bits > net->bits)
			return -1;
		net->bits = (int)bits;
	}
	return 0;
}

/* Does network n hold address a? */
static int
net_holds(const struct net *n, const struct net *a)
{
	int	 full = n->bits / 8, rest = n->bits % 8;

	if (n->family != a->family || memcmp(n->addr, a->addr, full) != 0)
		return 0;
	return rest == 0 || ((n->addr[full] ^ a->addr[full]) &
	    (0xff << (8 - rest)) & 0xff) == 0;
}

int
proxy_list_ok(const char *list)
{
	struct net	 n;
	size_t		 len;

	for (list += strspn(list, LIST_SEP); *list;
	    list += strspn(list, LIST_SEP)) {
		len = strcspn(list, LIST_SEP);
		if (net_parse(list, len, 1, &n) == -1)
			return -1;
		list += len;
	}
	return 0;
}

int
proxy_trusted(const char *list, const char *addr)
{
	struct net	 a, n;
	size_t		 len;

	if (net_parse(addr, strlen(addr), 0, &a) == -1)
		return 0;
	for (list += strspn(list, LIST_SEP); *list;
	    list += strspn(list, LIST_SEP)) {
		len = strcspn(list, LIST_SEP);
		if (net_parse(list, len, 1, &n) == 0 && net_holds(&n, &a))
			return 1;
		list += len;
	}
	return 0;
}

/*
 * Each proxy appends the address it took the request from, so the
 * list is read from the right: the first address that is not a
 * trusted proxy is the client.  What stands left of it, anyone could
 * have written.  An entry that is not an address ends the walk at the
 * proxy that passed it on.
 */
const char *
proxy_client(struct kiln_req *r)
{
	const char	*list = r->app->conf.trusted_proxies;
	const char	*client = req_env(r, "REMOTE_ADDR");
	const char	*xff, *end, *start;
	struct net	 a;
	char		*hop;

	if (list == NULL || *list == '\0' || !proxy_trusted(list, client))
		return client;
	xff = req_env(r, "HTTP_X_FORWARDED_FOR");
	for (end = xff + strlen(xff); end > xff; end = start) {
		for (start = end; start > xff && start[-1] != ','; start--)
			continue;
		hop = arena_strndup(r->arena, start, (size_t)(end - start));
		if (start > xff)
			start--;	/* past the comma */
		if (hop == NULL)
			break;
		hop += strspn(hop, " \t");
		hop[strcspn(hop, " \t")] = '\0';
		if (net_parse(hop, strlen(hop), 0, &a) == -1)
			break;
		client = hop;
		if (!proxy_trusted(list, hop))
			break;
	}
	return client;
}
