/*
 * memio.c - http_serve() over memory; see memio.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "memio.h"

static const char *
memio_getenv(void *ctx, const char *name)
{
	struct memio	*m = ctx;
	size_t		 i;

	for (i = 0; m->env[i] != NULL; i += 2)
		if (strcmp(m->env[i], name) == 0)
			return m->env[i + 1];
	return NULL;
}

static long
memio_read(void *ctx, char *buf, size_t n)
{
	struct memio	*m = ctx;

	if (n > m->blen - m->off)
		n = m->blen - m->off;
	memcpy(buf, m->body + m->off, n);
	m->off += n;
	return (long)n;
}

static int
memio_write(void *ctx, const char *buf, size_t n)
{
	struct memio	*m = ctx;
	char		*p;

	if (m->keep) {
		if ((p = realloc(m->out, m->outn + n + 1)) == NULL)
			return -1;
		m->out = p;
		memcpy(m->out + m->outn, buf, n);
		m->out[m->outn + n] = '\0';
	}
	m->outn += n;
	return 0;
}

void
memio_init(struct memio *m, struct io *io, const char **env,
    const char *body, size_t blen, int keep)
{
	memset(m, 0, sizeof(*m));
	m->env = env;
	m->body = body ? body : "";
	m->blen = body ? blen : 0;
	m->keep = keep;
	*io = (struct io){ m, memio_getenv, memio_read, memio_write, 0 };
}
