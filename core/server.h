/*
 * server.h - the three ways Kiln answers requests: `kiln serve`
 * (pre-forked FastCGI workers under a supervisor), a FastCGI process
 * manager's listen socket on fd 0 (Apache mod_fcgid), and plain CGI.
 */
#ifndef KILN_SERVER_H
#define KILN_SERVER_H

struct conf;

int	 server_serve(const struct conf *);
int	 server_fcgi_stdin(const struct conf *);
int	 server_cgi(const struct conf *);
/* Is fd 0 a FastCGI listen socket? */
int	 server_is_fastcgi(void);

#endif
