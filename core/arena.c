/*
 * arena.c - bump allocator with chunk list; see arena.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_ALIGN	16

struct chunk {
	struct chunk	*next;
	size_t		 size;	/* usable bytes after the header */
	size_t		 used;
	max_align_t	 data[];
};

struct arena {
	struct chunk	*head;	/* current chunk; first chunk is last in list */
	size_t		 chunk;
	size_t		 used;
};

/*
 * Out of memory: no caller can do better than stop, so none has to
 * check (as tmux's xmalloc).  A worker that aborts is replaced by the
 * supervisor; the request it served gets the web server's 502.
 */
static void
fatal(size_t size)
{
	fprintf(stderr, "kiln: out of memory (%zu bytes)\n", size);
	abort();
}

/* Allocate a chunk able to hold at least need bytes. */
static struct chunk *
chunk_new(size_t size)
{
	struct chunk	*c;

	if (size > SIZE_MAX - sizeof(*c) ||
	    (c = malloc(sizeof(*c) + size)) == NULL)
		fatal(size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *
arena_new(size_t chunk)
{
	struct arena	*a;

	if (chunk < 1024)
		chunk = 1024;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatal(sizeof(*a));
	a->chunk = chunk;
	a->head = chunk_new(chunk);
	return a;
}

void
arena_free(struct arena *a)
{
	struct chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void
arena_reset(struct arena *a)
{
	struct chunk	*c;

	while (a->head->next != NULL) {
		c = a->head;
		a->head = c->next;
		free(c);
	}
	a->head->used = 0;
	a->used = 0;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk	*c;
	size_t		 off;
	void		*p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN)
		fatal(n);
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	c = a->head;
	off = c->used;
	if (n > c->size - off) {
		/* Large requests get a chunk of their own, sized to fit. */
		c = chunk_new(n > a->chunk ? n : a->chunk);
		c->next = a->head;
		a->head = c;
		off = 0;
	}
	p = (char *)c->data + off;
	c->used = off + n;
	a->used += n;
	return p;
}

void *
arena_calloc(struct arena *a, size_t nmemb, size_t size)
{
	void	*p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		fatal(SIZE_MAX);
	p = arena_alloc(a, nmemb * size);
	memset(p, 0, nmemb * size);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p;

	p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;
	char	*p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatal(0);	/* a format the C library cannot print */
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}

void
abuf_init(struct abuf *b, struct arena *a)
{
	b->a = a;
	b->n = 0;
	b->cap = 256;
	b->s = arena_alloc(a, b->cap);
	b->s[0] = '\0';
}

void
abuf_addn(struct abuf *b, const char *s, size_t n)
{
	char	*ns;
	size_t	 ncap;

	if (b->n + n + 1 > b->cap) {
		ncap = b->cap * 2;
		while (ncap < b->n + n + 1)
			ncap *= 2;
		/* The old copy stays in the arena until the request ends. */
		ns = arena_alloc(b->a, ncap);
		memcpy(ns, b->s, b->n);
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void
abuf_add(struct abuf *b, const char *s)
{
	abuf_addn(b, s, strlen(s));
}

void
abuf_addf(struct abuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = arena_vprintf(b->a, fmt, ap);
	va_end(ap);
	abuf_add(b, s);
}
