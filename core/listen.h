/*
 * listen.h - the socket `kiln serve` listens on.
 *
 * Whoever can write to the FastCGI socket writes the request's
 * environment: REMOTE_ADDR, HTTPS, SCRIPT_NAME, and with
 * trust_remote_user REMOTE_USER, so any login.  One hostile record
 * also makes Debian's libfcgi abort a worker.  The socket must admit
 * the web server and nobody else: by default a unix socket of mode
 * 0660 in the web server's group; a TCP port only on an address
 * given explicitly (":PORT", every interface, is refused).
 */
#ifndef KILN_LISTEN_H
#define KILN_LISTEN_H

/* The default of `listen`: a unix socket under /run. */
#define LISTEN_DEFAULT	"unix:/run/kiln/kiln.sock"

/*
 * Open and listen on spec: "unix:/path" (or "/path"), "HOST:PORT" or
 * "[V6]:PORT".  group names the unix socket's group (NULL or "": the
 * process's own).  The descriptor, or -1 with the reason logged.
 */
int	 listen_open(const char *spec, const char *group);
/* Close it; a unix socket's file goes too. */
void	 listen_close(int fd, const char *spec);

#endif
