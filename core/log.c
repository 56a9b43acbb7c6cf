/*
 * log.c - timestamped log lines on stderr; see log.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int	 quiet;

/* Commands that print results keep info lines out of the way. */
void
log_set_quiet(int q)
{
	quiet = q;
}

void
log_msg(enum kiln_log level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info" };
	char		 line[1024], when[32];
	va_list		 ap;
	time_t		 t;
	struct tm	 tm;

	if (quiet && level == KILN_LOG_INFO)
		return;
	t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per line keeps workers' lines from interleaving. */
	fprintf(stderr, "%s kiln[%ld] %s: %s\n", when, (long)getpid(),
	    names[level], line);
	fflush(stderr);
}
