/*
 * memio.h - a transport for http_serve() in memory, for tests and the
 * request fuzzer: environment pairs and a body in, the response out.
 */
#ifndef KILN_MEMIO_H
#define KILN_MEMIO_H

#include <stddef.h>

#include "req.h"

struct memio {
	const char	**env;		/* NAME, VALUE, ..., NULL */
	const char	 *body;
	size_t		  blen;
	size_t		  off;
	int		  keep;		/* keep the response in out */
	char		 *out;		/* malloc'd, NUL-terminated */
	size_t		  outn;		/* bytes written, kept or not */
};

/* Point io at m, a fresh request with env and a body of blen bytes. */
void	 memio_init(struct memio *m, struct io *io, const char **env,
	    const char *body, size_t blen, int keep);

#endif
