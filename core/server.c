/*
 * server.c - process model; see server.h.
 *
 * The supervisor only forks, waits and signals: it never opens the
 * database or runs a rule, so nothing a request does can take it
 * down.  Workers open everything after fork.
 */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <libxml/parser.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "http.h"
#include "listen.h"
#include "log.h"
#include "plugin.h"
#include "req.h"
#include "rules.h"
#include "server.h"

#define WORKERS_MAX	64
/*
 * Restarts: a worker that dies (a signal, an exit status other than 0)
 * is restarted at once RESTART_FREE times beyond the number of
 * workers; then each restart waits twice as long as the last, from
 * 1 s up to RESTART_MAX_WAIT, until no worker has died for
 * RESTART_QUIET seconds.  One hostile FastCGI record makes libfcgi
 * abort a worker: a loop of them must not become thousands of forks
 * and a flood of log lines.
 */
#define RESTART_FREE		2
#define RESTART_MAX_WAIT	16
#define RESTART_QUIET		60
/* Lines of one kind the supervisor logs a minute; then a count. */
#define LOG_BURST		5

static volatile sig_atomic_t	 stop;		/* finish and exit */
static volatile sig_atomic_t	 busy;		/* inside a request */
static volatile sig_atomic_t	 reload;	/* supervisor: SIGHUP seen */
/*
 * Shared with the workers: when each one's current request began
 * (CLOCK_MONOTONIC seconds; 0 idle).  The supervisor kills a worker
 * stuck in one request past request_timeout: the Lua hook cannot
 * interrupt a library call such as a pathological pattern match.
 */
static volatile long long	*started;
static int			 slot = -1;	/* this worker's index */
static sigset_t			 oldmask;	/* supervisor's mask before blocking */
/* A worker's limit on waiting for a request (and its body), seconds. */
static int			 read_timeout;
static timer_t			 read_timer;
static int			 have_read_timer;

/* Abnormal deaths of workers, for the restart back-off. */
struct restarts {
	int		 strikes;	/* deaths with no quiet minute between */
	long long	 last;		/* when the last one happened */
};

/* Log lines of one kind: at most LOG_BURST a minute. */
struct loglimit {
	long long	 start;		/* of the current minute */
	int		 lines;
	int		 dropped;
};

/* FastCGI transport. */
static const char *
fcgi_getenv(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

/*
 * The read deadline.  The signal's only work is to interrupt a read
 * blocked on a client that sends nothing more: libfcgi then sees an
 * error, drops the connection (while it waits for a request) or ends
 * the body early (while Kiln reads one).
 */
static void
on_read_timer(int sig)
{
	(void)sig;
}

/*
 * Arm the deadline secs from now, or disarm it (0).  After it fires
 * it ticks every second, so a signal that came between two reads is
 * not lost.
 */
static void
read_deadline(int secs)
{
	struct itimerspec	 its;

	if (!have_read_timer)
		return;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = secs;
	its.it_interval.tv_sec = secs > 0 ? 1 : 0;
	(void)timer_settime(read_timer, 0, &its, NULL);
}

/* A bounded read: a lying Content-Length cannot hold the worker. */
static long
fcgi_read(void *ctx, char *buf, size_t n)
{
	long	 got;

	if (n > INT32_MAX)
		n = INT32_MAX;
	read_deadline(read_timeout);
	got = FCGX_GetStr(buf, (int)n, ((FCGX_Request *)ctx)->in);
	read_deadline(0);
	return got;
}

static int
fcgi_write(void *ctx, const char *buf, size_t n)
{
	FCGX_Stream	*out = ((FCGX_Request *)ctx)->out;

	while (n > 0) {
		int chunk = n > INT32_MAX ? INT32_MAX : (int)n;

		if (FCGX_PutStr(buf, chunk, out) != chunk)
			return -1;
		buf += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

/* CGI transport: stdio and the process environment. */
static const char *
cgi_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static long
cgi_read(void *ctx, char *buf, size_t n)
{
	(void)ctx;
	return (long)fread(buf, 1, n, stdin);
}

static int
cgi_write(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	return fwrite(buf, 1, n, stdout) == n ? 0 : -1;
}

/* In a worker: stop now if idle, else after the current request. */
static void
on_term(int sig)
{
	(void)sig;
	if (!busy)
		_exit(0);
	stop = 1;
}

static long long
mono_seconds(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

static void
catch(int sig, void (*fn)(int), int restart)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(sig, &sa, NULL);
}

/* The worker's read timer, on SIGUSR2 (libfcgi takes SIGUSR1). */
static void
read_timer_init(const struct conf *conf)
{
	struct sigevent	 sev;

	read_timeout = conf->read_timeout;
	if (read_timeout <= 0)
		return;
	catch(SIGUSR2, on_read_timer, 0);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR2;
	if (timer_create(CLOCK_MONOTONIC, &sev, &read_timer) == -1) {
		log_warn("no read timer (%s): read_timeout is off",
		    strerror(errno));
		return;
	}
	have_read_timer = 1;
}

/* This worker's connection began at t (0: none), for the watchdog. */
static void
mark(long long t)
{
	if (started != NULL && slot >= 0)
		started[slot] = t;
}

/*
 * Wait for a connection and take it.  Kiln accepts, not libfcgi: after
 * dropping a silent client, FCGX_Accept_r's own loop would take the
 * next queued connection within the same call, with neither the read
 * deadline nor the watchdog's clock started afresh.  The connection is
 * handed over through two fields fcgiapp.h asks programs to leave
 * alone (ipcFd, and keepConnection so that FCGX_Accept_r's opening
 * FCGX_Finish_r does not close it): unchanged since libfcgi 2.0, and
 * the only way in.  The request's listen socket is -1, so libfcgi's
 * own accept fails (EBADF) instead of taking a connection.  0 with a
 * connection, 1 to look again (another worker took it), -1 on error.
 */
/* Is the listening socket TCP (not a unix socket)?  Set once a worker. */
static int	 tcp;

static int
take_connection(FCGX_Request *req, int sock)
{
	struct pollfd	 pfd = { sock, POLLIN, 0 };
	int		 fd, one = 1;

	if (req->ipcFd >= 0)
		return 0;	/* the web server kept it open (FCGI_KEEP_CONN) */
	if (poll(&pfd, 1, -1) == -1)
		return errno == EINTR ? 1 : -1;
	if ((fd = accept4(sock, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR || errno == ECONNABORTED ||
		    errno == EPROTO ? 1 : -1;
	/* Answers go out whole: no Nagle delay on the last piece (TCP). */
	if (tcp)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	req->ipcFd = fd;
	req->keepConnection = 1;
	return 0;
}

/*
 * The next request: a connection, then its request read within
 * read_timeout.  The watchdog's clock starts with the connection, not
 * the request: a client that keeps a worker waiting is as stuck as a
 * request that runs forever.  1 with a request, 0 to look again (no
 * connection after all, or one dropped), -1 on a real error.
 */
static int
next_request(FCGX_Request *req, int sock)
{
	int	 rc;

	if ((rc = take_connection(req, sock)) != 0)
		return rc == 1 ? 0 : -1;
	mark(mono_seconds());
	read_deadline(read_timeout);
	rc = FCGX_Accept_r(req);
	read_deadline(0);
	if (rc >= 0)
		return 1;
	mark(0);
	/* libfcgi dropped the connection (silent, too slow, garbage). */
	if (rc == -EBADF || rc == -EINTR)
		return 0;
	errno = rc < 0 && rc > -4096 ? -rc : EIO;
	return -1;
}

/*
 * One worker's life: open everything, then accept until told to
 * stop or max_requests is reached (recycling bounds any slow leak).
 */
static int
is_tcp(int sock)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	return getsockname(sock, (struct sockaddr *)&ss, &len) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
}

/*
 * libfcgi's FCGI_WEB_SERVER_ADDRS (the peers its own accept let in) is
 * not honoured now that Kiln accepts: refuse to run with it rather than
 * let anyone in while the setting says otherwise.  The socket's place
 * and mode say who may connect (README, "The FastCGI socket").
 */
static int
peers_unsupported(void)
{
	const char	*v = getenv("FCGI_WEB_SERVER_ADDRS");

	if (v == NULL || *v == '\0')
		return 0;
	log_err("FCGI_WEB_SERVER_ADDRS is set but not honoured: listen on a"
	    " unix socket or a loopback address the web server alone reaches,"
	    " and unset it");
	return 1;
}

static int
worker(const struct conf *conf, int sock, int max_requests)
{
	struct app	 app;
	struct arena	*a;
	FCGX_Request	 req;
	struct io	 io = { &req, fcgi_getenv, fcgi_read, fcgi_write, 0 };
	int		 n = 0, rc = 0, got;

	catch(SIGTERM, on_term, 0);
	catch(SIGINT, on_term, 0);
	catch(SIGHUP, on_term, 0);	/* the supervisor reloads by recycling */
	signal(SIGPIPE, SIG_IGN);
	tcp = is_tcp(sock);
	/* Without its database it answers 503 until it can open it. */
	if (app_open(&app, conf, APP_RULES | APP_DB_LATER) == -1) {
		log_err("worker cannot start (the lines above say why)");
		sleep(1);	/* no fork storm */
		return 1;
	}
	if ((a = arena_new(64 * 1024)) == NULL)
		return 1;
	/* Rules edited while Kiln was down are audited too. */
	if (app.db != NULL && audit_rules(&app) == -1)
		log_warn("could not audit the rule files");
	read_timer_init(conf);
	/* No listen socket for libfcgi: take_connection() accepts. */
	FCGX_InitRequest(&req, -1, FCGI_FAIL_ACCEPT_ON_INTR);
	while (!stop && (max_requests == 0 || n < max_requests)) {
		if ((got = next_request(&req, sock)) == 0)
			continue;
		if (got == -1) {
			log_err("accept failed: %s", strerror(errno));
			rc = 1;
			break;
		}
		busy = 1;
		http_serve(&app, &io, a);
		FCGX_Finish_r(&req);
		mark(0);
		busy = 0;
		n++;
	}
	FCGX_Free(&req, 1);
	arena_free(a);
	app_close(&app);
	return rc;
}

static pid_t
spawn(const struct conf *conf, int sock, int i)
{
	pid_t	 pid;
	int	 max;

	/* Spread recycling so workers do not all restart together. */
	max = conf->max_requests;
	if (max > 0)
		max += (int)randombytes_uniform((uint32_t)max / 10 + 1);
	if (started != NULL)
		started[i] = 0;
	if ((pid = fork()) == -1) {
		log_err("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		slot = i;
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		_exit(worker(conf, sock, max));
	}
	return pid;
}

/*
 * The plugins' jobs (credit standing as invoices fall due, ...) in a
 * child of their own, as `kiln jobs` would run them: the supervisor
 * itself never opens the database.  The pid, or 0.
 */
static pid_t
spawn_jobs(const struct conf *conf, int sock)
{
	struct app	 app;
	pid_t		 pid;
	int		 rc;

	if ((pid = fork()) == -1) {
		log_err("fork: %s", strerror(errno));
		return 0;
	}
	if (pid > 0)
		return pid;
	close(sock);
	/*
	 * Stopped, a job just dies: its open transaction rolls back and the
	 * next run redoes it (the supervisor's handler would only set a
	 * flag nothing here reads, and a long job would hold the stop up).
	 */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	if (app_open(&app, conf, APP_RULES) == -1)
		_exit(1);
	rc = plugin_jobs(&app, NULL);
	app_close(&app);
	_exit(rc == 0 ? 0 : 1);
}

/* Once a minute is over, say how many of its lines were left out. */
static void
log_flush(struct loglimit *l, long long now)
{
	if (now - l->start < 60)
		return;
	if (l->dropped > 0)
		log_warn("%d more lines about workers were left out of the"
		    " log in the last minute", l->dropped);
	l->start = now;
	l->lines = l->dropped = 0;
}

/* May a line of this kind be logged now?  At most LOG_BURST a minute. */
static int
log_allowed(struct loglimit *l, long long now)
{
	log_flush(l, now);
	if (l->lines < LOG_BURST) {
		l->lines++;
		return 1;
	}
	l->dropped++;
	return 0;
}

/*
 * Kill workers that have spent more than request_timeout on one
 * connection: waiting for its request (a client that sends a byte
 * now and then) or answering it.
 */
static void
watchdog(const struct conf *conf, pid_t *pids, int *killed, int n,
    struct loglimit *ll)
{
	long long	 now = mono_seconds(), t;
	int		 i;

	if (started == NULL || conf->request_timeout <= 0)
		return;
	for (i = 0; i < n; i++) {
		t = started[i];
		if (pids[i] <= 0 || t == 0 || now - t <= conf->request_timeout)
			continue;
		if (log_allowed(ll, now))
			log_err("worker %ld has spent %lld s on one request"
			    " (waiting for it and answering it;"
			    " request_timeout %d): killing it", (long)pids[i],
			    now - t, conf->request_timeout);
		kill(pids[i], SIGKILL);
		started[i] = 0;
		killed[i] = 1;	/* not a crash: replaced at once */
	}
}

/*
 * How long to wait before replacing a worker that died: nothing for
 * the first few deaths, then twice as long each time.
 */
static long long
restart_wait(struct restarts *rs, int workers, long long now)
{
	int	 over;

	if (now - rs->last > RESTART_QUIET)
		rs->strikes = 0;
	rs->strikes++;
	rs->last = now;
	if ((over = rs->strikes - workers - RESTART_FREE) <= 0)
		return 0;
	if (over > 5)
		over = 5;
	return (1LL << (over - 1)) < RESTART_MAX_WAIT ? 1LL << (over - 1) :
	    RESTART_MAX_WAIT;
}

/* A worker is gone: schedule its replacement, and say why. */
static void
reaped(pid_t pid, int status, int by_watchdog, int workers, long long *due,
    struct restarts *rs, struct loglimit *ll)
{
	static struct loglimit	 waits;	/* shows while deaths flood */
	long long	 now = mono_seconds(), wait = 0;

	/*
	 * A worker the watchdog killed was held by a slow client, not
	 * broken: backing off would hand that client the pool.
	 */
	if (!by_watchdog && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		wait = restart_wait(rs, workers, now);
	*due = now + wait;
	if (wait > 0 && log_allowed(&waits, now))
		log_warn("workers keep dying (%d times in a row): the next"
		    " starts in %lld s", rs->strikes, wait);
	if ((WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
	    !log_allowed(ll, now))
		return;
	if (WIFSIGNALED(status))
		log_warn("worker %ld killed by signal %d; restarting",
		    (long)pid, WTERMSIG(status));
	else
		log_warn("worker %ld exited with status %d; restarting",
		    (long)pid, WEXITSTATUS(status));
}

/* Act on a signal taken with sigtimedwait. */
static void
took(int sig)
{
	if (sig == SIGTERM || sig == SIGINT)
		stop = 1;
	else if (sig == SIGHUP)
		reload = 1;
}

static void
signal_all(pid_t *pids, int n, int sig)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], sig);
}

int
server_serve(const struct conf *conf)
{
	pid_t		 pids[WORKERS_MAX], pid, jobs = 0;
	int		 sock, i, n = conf->workers, status, alive;
	time_t		 deadline;
	long long	 next_jobs, jobs_since = 0, due[WORKERS_MAX], now;
	int		 killed[WORKERS_MAX] = { 0 };
	struct restarts	 rs = { 0, 0 };
	struct loglimit	 ll = { 0, 0, 0 };
	sigset_t	 block;

	if (n < 1 || n > WORKERS_MAX)
		n = 2;
	if (peers_unsupported())
		return 1;
	if (FCGX_Init() != 0) {
		log_err("FastCGI library init failed");
		return 1;
	}
	if ((sock = listen_open(conf->listen, conf->socket_group)) < 0)
		return 1;
	/*
	 * Signals stay blocked and are taken with sigtimedwait, so none
	 * can slip in between a check and the wait, and the watchdog
	 * looks at the workers every second.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &oldmask);
	signal(SIGPIPE, SIG_IGN);
	started = mmap(NULL, WORKERS_MAX * sizeof(*started),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (started == MAP_FAILED) {
		log_warn("no shared memory: the request watchdog is off");
		started = NULL;
	}
	for (i = 0; i < n; i++)
		pids[i] = 0, due[i] = 0;
	log_info("serving on %s with %d workers", conf->listen, n);
	/* A restart does not run the jobs: the first run is due later. */
	next_jobs = mono_seconds() + conf->jobs_interval;
	while (!stop) {
		if (reload) {
			reload = 0;
			log_info("SIGHUP: recycling workers to reload");
			signal_all(pids, n, SIGTERM);
		}
		/* Reap the dead; replace them when their time comes. */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == jobs) {
				jobs = 0;
				if (!WIFEXITED(status) ||
				    WEXITSTATUS(status) != 0)
					log_warn("the jobs run failed");
				continue;
			}
			for (i = 0; i < n; i++) {
				if (pids[i] != pid)
					continue;
				pids[i] = 0;
				reaped(pid, status, killed[i], n, &due[i], &rs,
				    &ll);
				killed[i] = 0;
			}
		}
		now = mono_seconds();
		for (i = 0; i < n && !stop; i++)
			if (pids[i] <= 0 && now >= due[i] &&
			    (pids[i] = spawn(conf, sock, i)) <= 0)
				due[i] = now + 1;	/* fork failed */
		if (!stop && !reload)
			took(sigtimedwait(&block, NULL,
			    &(struct timespec){ 1, 0 }));
		watchdog(conf, pids, killed, n, &ll);
		log_flush(&ll, mono_seconds());
		if (!stop && jobs == 0 && conf->jobs_interval > 0 &&
		    mono_seconds() >= next_jobs) {
			jobs = spawn_jobs(conf, sock);
			jobs_since = mono_seconds();
			next_jobs = jobs_since + conf->jobs_interval;
		}
		/*
		 * A run still going when the next is due (and longer than
		 * a request may take) is stuck.
		 */
		if (jobs > 0 && mono_seconds() - jobs_since > (long long)(
		    conf->jobs_interval > conf->request_timeout ?
		    conf->jobs_interval : conf->request_timeout)) {
			log_err("the jobs run (pid %ld) is stuck: killing it",
			    (long)jobs);
			kill(jobs, SIGKILL);
			jobs_since = mono_seconds();	/* reaped above */
		}
	}
	log_info("stopping: letting workers finish their requests");
	signal_all(pids, n, SIGTERM);
	/* A job's open transaction just rolls back; the next run redoes it. */
	if (jobs > 0)
		kill(jobs, SIGTERM);
	deadline = time(NULL) + 30;
	for (;;) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			jobs = pid == jobs ? 0 : jobs;
			for (i = 0; i < n; i++)
				if (pids[i] == pid)
					pids[i] = 0;
		}
		alive = jobs > 0;
		for (i = 0; i < n; i++)
			alive += pids[i] > 0;
		if (alive == 0)
			break;
		if (time(NULL) > deadline) {
			signal_all(pids, n, SIGKILL);
			if (jobs > 0)
				kill(jobs, SIGKILL);
			deadline = time(NULL) + 5;
		}
		usleep(20000);
	}
	listen_close(sock, conf->listen);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return 0;
}

int
server_is_fastcgi(void)
{
	return !FCGX_IsCGI();
}

/* Apache mod_fcgid (or any process manager) hands us fd 0. */
int
server_fcgi_stdin(const struct conf *conf)
{
	if (peers_unsupported() || FCGX_Init() != 0)
		return 1;
	return worker(conf, 0, conf->max_requests);
}

int
server_cgi(const struct conf *conf)
{
	struct app	 app;
	struct arena	*a;
	struct io	 io = { NULL, cgi_getenv, cgi_read, cgi_write, 1 };
	int		 rc;

	if (app_open(&app, conf, APP_RULES | APP_DB_LATER) == -1) {
		fputs("Status: 503 Service Unavailable\r\n"
		    "Content-Type: text/plain\r\n\r\nKiln is not set up:"
		    " see the server log.\n", stdout);
		return 0;
	}
	if ((a = arena_new(64 * 1024)) == NULL)
		return 1;
	rc = http_serve(&app, &io, a);
	fflush(stdout);
	arena_free(a);
	app_close(&app);
	return rc;
}
