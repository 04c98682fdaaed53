/* buf.h - a growable byte buffer, for pages, JSON and files being built.
 *
 * A buf owns malloc'd memory (so a finished page can be handed to the HTTP
 * library, which frees it).  Any failed append sets buf->oom; writers go on
 * without checking each call and the caller checks buf_ok() once at the end. */
#ifndef TDC_BUF_H
#define TDC_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	bool oom;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
int buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
const char *buf_cstr(struct buf *b); /* NUL-terminated view ("" when empty) */
char *buf_detach(struct buf *b);     /* caller frees; buf is emptied */
static inline bool buf_ok(const struct buf *b) { return !b->oom; }

#endif
