/*
 * The floor for tests/bench/run: the least a FastCGI responder can do.
 *
 * It opens its own listen socket, pre-forks NPROC workers that each sit
 * in an FCGX_Accept_r loop (the same process model as `kiln serve`),
 * and answers every request with a tiny HTML page.  Whatever Kiln costs
 * beyond this is Kiln's own work: routing, auth, SQL, libxml2.
 *
 * usage: hello HOST:PORT [NPROC [BYTES]]
 *
 * With BYTES the page is padded with table rows to about that size: a
 * floor that ships as many bytes as Kiln's list page does, so the cost
 * of moving the bytes through nginx is not counted against Kiln.
 *
 * The parent waits for its workers; on SIGTERM or SIGINT it passes the
 * signal on to them and exits once they are gone, so the harness stops
 * the whole group by signalling one PID.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#define MAX_WORKERS 64

static const char page[] =
	"<!DOCTYPE html>\n"
	"<html><head><meta charset=\"utf-8\"><title>hello</title></head>"
	"<body><p>Hello, world.</p></body></html>\n";

static const char *body = page;
static size_t body_len = sizeof(page) - 1;

static pid_t workers[MAX_WORKERS];
static int nworkers;
static volatile sig_atomic_t stopping;

/* Serve requests until the process is told to stop. */
static void
worker_loop(int sock)
{
	FCGX_Request req;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if (FCGX_InitRequest(&req, sock, 0) != 0)
		_exit(1);
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutS("Status: 200 OK\r\n"
		    "Content-Type: text/html; charset=utf-8\r\n\r\n",
		    req.out);
		FCGX_PutStr(body, (int)body_len, req.out);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

/* Build a page of about size bytes: table rows like a list page's. */
static int
pad(int size)
{
	static const char head[] = "<!DOCTYPE html>\n<html><head>"
	    "<meta charset=\"utf-8\"><title>hello</title></head><body><table>";
	static const char row[] = "<tr><td><a href=\"/crm/customers/331\">"
	    "Acme Automation Pty Ltd</a></td><td>C00331</td><td>Small loyal"
	    "</td><td>li.wei</td><td>Monterrey</td><td>114000.00</td></tr>";
	static const char tail[] = "</table></body></html>\n";
	char *p;
	size_t n = 0;

	if (size < 1 || size > 1000000 || (p = malloc((size_t)size +
	    sizeof(head) + sizeof(row) + sizeof(tail))) == NULL)
		return -1;
	memcpy(p, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	while (n + sizeof(tail) - 1 < (size_t)size) {
		memcpy(p + n, row, sizeof(row) - 1);
		n += sizeof(row) - 1;
	}
	memcpy(p + n, tail, sizeof(tail) - 1);
	body = p;
	body_len = n + sizeof(tail) - 1;
	return 0;
}

/* Remember the stop request; the wait loop below acts on it. */
static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	int sock, n, i, status;
	pid_t pid;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s HOST:PORT [NPROC [BYTES]]\n", argv[0]);
		return 2;
	}
	n = argc >= 3 ? atoi(argv[2]) : 2;
	if (argc == 4 && pad(atoi(argv[3])) != 0) {
		fprintf(stderr, "%s: BYTES must be 1..1000000\n", argv[0]);
		return 2;
	}
	if (n < 1 || n > MAX_WORKERS) {
		fprintf(stderr, "%s: NPROC must be 1..%d\n", argv[0],
		    MAX_WORKERS);
		return 2;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "%s: FCGX_Init failed\n", argv[0]);
		return 1;
	}
	if ((sock = FCGX_OpenSocket(argv[1], 128)) < 0) {
		fprintf(stderr, "%s: cannot listen on %s\n", argv[0], argv[1]);
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	for (i = 0; i < n; i++) {
		if ((pid = fork()) < 0) {
			perror("fork");
			stopping = 1;
			break;
		}
		if (pid == 0)
			worker_loop(sock);
		workers[nworkers++] = pid;
	}

	/* Wait for the workers; pass a stop request on to them. */
	while (nworkers > 0) {
		if (stopping) {
			for (i = 0; i < nworkers; i++)
				if (workers[i] > 0)
					kill(workers[i], SIGTERM);
		}
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < nworkers; i++)
			if (workers[i] == pid)
				workers[i] = workers[--nworkers];
		if (!stopping) {
			fprintf(stderr, "hello: worker %ld died\n", (long)pid);
			stopping = 1;
		}
	}
	return 0;
}
