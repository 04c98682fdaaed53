/* arena.h - region allocator: everything a request, import batch or command
 * allocates lives until arena_free() releases it all at once.
 *
 * API:
 * arena_new() / arena_free() create and release an arena.
 * arena_alloc() returns zeroed, max-aligned memory, or NULL when out of memory.
 * arena_grow() doubles an array allocated in the arena.
 * arena_strdup(), arena_strndup(), arena_printf() copy text into the arena.
 *
 * Blocks grow geometrically; an allocation larger than a block gets a block of
 * its own, so one big upload does not waste a whole doubled block. */
#ifndef TDC_ARENA_H
#define TDC_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;   /* newest block first */
	size_t next_size;           /* size of the next block to allocate */
	size_t total;               /* bytes handed out, for tests and limits */
};

struct arena *arena_new(void);
void arena_free(struct arena *a);
void arena_init(struct arena *a);     /* for an arena on the stack */
void arena_release(struct arena *a);  /* frees the blocks of arena_init()'s arena */
void arena_reset(struct arena *a);    /* forgets everything, keeps one block for reuse */
void *arena_alloc(struct arena *a, size_t size);
/* An array of *cap items of elem bytes, moved to twice the room (the old
 * copy stays until the arena goes): for rows read one at a time.  0, or -1
 * when out of memory (the array is then as it was). */
int arena_grow(struct arena *a, void *items, int *cap, size_t elem);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
