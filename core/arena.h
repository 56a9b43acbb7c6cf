/*
 * arena.h - per-request memory: many small allocations, one release.
 * Modelled on nginx's pools; everything a request needs lives here
 * and is dropped at once when the request ends.  Nothing here returns
 * NULL: out of memory, the process aborts (as tmux's xmalloc), so no
 * caller checks and none forgets to.
 */
#ifndef KILN_ARENA_H
#define KILN_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena	*arena_new(size_t chunk);
void		 arena_free(struct arena *);
/* Keep the first chunk, release the rest: reuse between requests. */
void		 arena_reset(struct arena *);
void		*arena_alloc(struct arena *, size_t);
void		*arena_calloc(struct arena *, size_t, size_t);
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
char		*arena_vprintf(struct arena *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
/* A string grown in an arena: SQL and URLs built per request. */
struct abuf {
	struct arena	*a;
	char		*s;
	size_t		 n;
	size_t		 cap;
};

void		 abuf_init(struct abuf *, struct arena *);
void		 abuf_addn(struct abuf *, const char *, size_t);
void		 abuf_add(struct abuf *, const char *);
void		 abuf_addf(struct abuf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Bytes handed out since the last reset (for limits and tests). */
size_t		 arena_used(const struct arena *);

#endif
