/*
 * proxy.h - the client's address.  REMOTE_ADDR is whoever connected to
 * the web server: the client itself, or a proxy (a load balancer, a TLS
 * terminator, an office gateway) standing between.  Only the proxies
 * named in trusted_proxies are believed about whom they forwarded
 * (X-Forwarded-For): anyone else can write any address there.
 * Throttling and the audit trail see the address this gives.
 */
#ifndef KILN_PROXY_H
#define KILN_PROXY_H

struct kiln_req;

/*
 * The client's address: REMOTE_ADDR, or, when that is a trusted proxy,
 * the right-most address of X-Forwarded-For that is not one.
 */
const char	*proxy_client(struct kiln_req *);
/* Is list addresses and networks (192.0.2.1, 10.0.0.0/8, fd00::/8)? */
int		 proxy_list_ok(const char *list);
/* Is the address addr within list? */
int		 proxy_trusted(const char *list, const char *addr);

#endif
