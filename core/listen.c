/*
 * listen.c - the socket `kiln serve` listens on; see listen.h.
 *
 * Made here rather than by libfcgi's FCGX_OpenSocket, which binds
 * ":PORT" to every interface, unlinks whatever file is at a unix
 * path, leaves the socket's mode to the umask and calls exit() when
 * it cannot bind.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "value.h"

#define LISTEN_BACKLOG	128
#define SOCKET_MODE	0660

/* The path of a unix socket spec, or NULL for a TCP one. */
static const char *
unix_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (*spec == '/')
		return spec;
	return NULL;
}

/*
 * Idle workers all wait in poll() for a connection and one of them
 * takes it: the others must find accept() empty, not block in it.
 */
static int
ready(int fd)
{
	int	 fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1)
		return -1;
	return 0;
}

/* The group named (or numbered) by name; 0, or -1 logged. */
static int
group_id(const char *name, gid_t *gid)
{
	struct group	*gr;
	long long	 n;

	if ((gr = getgrnam(name)) != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	if (value_int_parse(name, &n) == 0 && n >= 0 && n < 0x7fffffff) {
		*gid = (gid_t)n;
		return 0;
	}
	log_err("socket group %s: no such group (the web server's group,"
	    " www-data on Debian)", name);
	return -1;
}

/* /run is a tmpfs: its kiln/ directory is gone after a reboot. */
static int
make_parent(const char *path)
{
	char	*dir, *slash;
	int	 rc = 0;

	if ((dir = strdup(path)) == NULL)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			log_err("listen: cannot make %s: %s", dir,
			    strerror(errno));
			rc = -1;
		}
	}
	free(dir);
	return rc;
}

/*
 * A socket file left by a server that died is replaced; one a live
 * server answers on, or a file that is not a socket, is not.
 */
static int
clear_stale(const struct sockaddr_un *sun)
{
	struct stat	 st;
	int		 fd, live;

	if (lstat(sun->sun_path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		log_err("listen: %s: %s", sun->sun_path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_err("listen: %s exists and is not a socket", sun->sun_path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_err("listen: socket: %s", strerror(errno));
		return -1;
	}
	live = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	if (live) {
		log_err("listen: a server is already listening on %s",
		    sun->sun_path);
		return -1;
	}
	if (unlink(sun->sun_path) == -1) {
		log_err("listen: %s: %s", sun->sun_path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Bound with a umask that leaves it to its owner alone, then given
 * the web server's group and mode 0660, then listening: at no moment
 * can anyone else connect.
 */
static int
unix_open(const char *path, const char *group)
{
	struct sockaddr_un	 sun;
	gid_t			 gid = (gid_t)-1;
	mode_t			 old;
	int			 fd = -1, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (*path != '/' || strlen(path) >= sizeof(sun.sun_path)) {
		log_err("listen: %s: give an absolute path of at most %zu"
		    " bytes", path, sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((group != NULL && *group != '\0' && group_id(group, &gid) == -1) ||
	    make_parent(path) == -1)
		return -1;
	if (clear_stale(&sun) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc == -1)
		goto fail;
	if ((gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) == -1) ||
	    chmod(path, SOCKET_MODE) == -1 || ready(fd) == -1) {
		log_err("listen: %s: %s", path, strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	return fd;
fail:
	log_err("listen: %s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	return -1;
}

static int
loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
		    >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
		    &((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

/*
 * HOST:PORT, the host required: ":PORT" meant every interface in
 * libfcgi, and so anyone on the network could write requests.
 */
static int
tcp_open(const char *spec)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 host[256];
	const char	*colon = strrchr(spec, ':'), *h = host;
	size_t		 n;
	int		 fd = -1, one = 1, rc;

	if (colon == NULL || colon[1] == '\0' ||
	    (n = (size_t)(colon - spec)) >= sizeof(host)) {
		log_err("listen %s: want unix:/PATH or ADDRESS:PORT", spec);
		return -1;
	}
	memcpy(host, spec, n);
	host[n] = '\0';
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		h = host + 1;
	}
	if (*h == '\0' || strcmp(h, "*") == 0) {
		log_err("listen %s: name the address to listen on"
		    " (127.0.0.1%s), or use a unix socket (%s): only the web"
		    " server may reach Kiln's FastCGI socket", spec, colon,
		    LISTEN_DEFAULT);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(h, colon + 1, &hints, &ai)) != 0) {
		log_err("listen %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	if (!loopback(ai->ai_addr))
		log_warn("listening on %s, not a loopback address: whoever"
		    " reaches it can set REMOTE_ADDR, HTTPS, SCRIPT_NAME and"
		    " (with trust_remote_user) REMOTE_USER; let only the web"
		    " server reach it, or use a unix socket", spec);
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 || ready(fd) == -1) {
		log_err("listen %s: %s", spec, strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int
listen_open(const char *spec, const char *group)
{
	const char	*path;

	if ((path = unix_path(spec)) != NULL)
		return unix_open(path, group);
	if (group != NULL && *group != '\0')
		log_warn("socket_group %s: only for a unix socket", group);
	return tcp_open(spec);
}

void
listen_close(int fd, const char *spec)
{
	const char	*path;

	close(fd);
	if ((path = unix_path(spec)) != NULL)
		unlink(path);
}
