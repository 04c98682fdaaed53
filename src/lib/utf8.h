/* utf8.h - the few UTF-8 facts the cell parsers share.
 *
 * Cells come from spreadsheets typed on Chinese systems: full-width
 * spaces (U+3000) and no-break spaces (U+00A0, copied from web pages) pad
 * them as often as ASCII blanks do. */
#ifndef TDC_UTF8_H
#define TDC_UTF8_H

#include <stddef.h>

/* Bytes of the well-formed UTF-8 sequence at p (1 to 4), or 0 when it is
 * not one: overlong forms, surrogates and code points past U+10FFFF are
 * not.  p must be NUL-terminated (a NUL ends any sequence). */
int utf8_len(const unsigned char *p);
/* Bytes of the blank at p: ASCII space, tab, CR, LF, U+3000 or U+00A0; 0. */
int utf8_space_len(const unsigned char *p);
/* The same for the blank that ends just before end (start bounds it). */
int utf8_space_len_back(const unsigned char *start, const unsigned char *end);
/* Characters in a NUL-terminated UTF-8 string. */
size_t utf8_chars(const char *s);
/* An arena copy of s without its leading and trailing blanks (as above),
 * "" when nothing is left; NULL for NULL (or no memory). */
struct arena;
char *utf8_trimmed(struct arena *a, const char *s);

#endif
