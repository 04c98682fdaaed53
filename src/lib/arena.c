/* arena.c - region allocator (see arena.h). */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

enum { ARENA_FIRST_BLOCK = 4096, ARENA_MAX_BLOCK = 1 << 20 };

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->next_size = ARENA_FIRST_BLOCK;
	a->total = 0;
}

struct arena *arena_new(void)
{
	struct arena *a = malloc(sizeof *a);

	if (a)
		arena_init(a);
	return a;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	arena_init(a);
}

void arena_reset(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	if (!b)
		return;
	/* keep the oldest (smallest) block: a loop that resets per item then
	 * allocates nothing new in the common case */
	while (b->next) {
		next = b->next;
		free(b);
		b = next;
	}
	b->used = 0;
	a->head = b;
	a->next_size = ARENA_FIRST_BLOCK * 2;
	a->total = 0;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	arena_release(a);
	free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t need = (size + align - 1) & ~(align - 1);

	if (need < size)
		return NULL; /* overflow */
	if (need == 0)
		need = align;
	if (!b || b->size - b->used < need) {
		size_t bsize = a->next_size;

		if (need > bsize)
			bsize = need;
		if (bsize > SIZE_MAX - sizeof *b)
			return NULL; /* the block header would overflow */
		b = malloc(sizeof *b + bsize);
		if (!b)
			return NULL;
		b->size = bsize;
		b->used = 0;
		if (a->head && need > a->next_size) {
			/* an oversized block goes behind the current one, which
			 * still has room for the small allocations to come */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
			if (a->next_size < ARENA_MAX_BLOCK)
				a->next_size *= 2;
		}
	}
	void *p = b->data + b->used;

	b->used += need;
	a->total += need;
	memset(p, 0, need);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int arena_grow(struct arena *a, void *items, int *cap, size_t elem)
{
	void **array = items;
	void *more;

	if (*cap <= 0 || (size_t)*cap > SIZE_MAX / 2 / elem)
		return -1;
	if (!(more = arena_alloc(a, (size_t)*cap * 2 * elem)))
		return -1;
	memcpy(more, *array, (size_t)*cap * elem);
	*array = more;
	*cap *= 2;
	return 0;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
