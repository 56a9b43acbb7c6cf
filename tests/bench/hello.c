/*
 * The floor for tests/bench/run: the least a FastCGI responder can do.
 *
 * It opens its own listen socket, pre-forks NPROC workers that each sit
 * in an FCGX_Accept_r loop (the same process model as `kiln serve`),
 * and answers every request with a tiny HTML page.  Whatever Kiln costs
 * beyond this is Kiln's own work: routing, auth, SQL, libxml2.
 *
 * usage: hello HOST:PORT [NPROC]
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
		FCGX_PutStr(page, sizeof(page) - 1, req.out);
		FCGX_Finish_r(&req);
	}
	_exit(0);
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

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s HOST:PORT [NPROC]\n", argv[0]);
		return 2;
	}
	n = argc == 3 ? atoi(argv[2]) : 2;
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
