/* multipart.h - multipart/form-data bodies (RFC 7578): a form with a file.
 *
 * multipart_parse() walks the parts of a body held in memory and calls
 * back once per part with its field name, its file name (NULL for a plain
 * field) and its bytes, which point into the body: nothing is copied.
 * A body that does not follow the format is refused whole (-1). */
#ifndef TDC_MULTIPART_H
#define TDC_MULTIPART_H

#include <stddef.h>

struct multipart_part {
	char name[64];
	char filename[256];     /* "" for a plain field */
	char content_type[96];
	const unsigned char *data;
	size_t len;
};

/* The boundary parameter of a Content-Type header; 0, or -1 when absent. */
int multipart_boundary(const char *content_type, char *out, size_t outlen);
/* 0 when every part was well formed (cb returning non-zero stops early). */
int multipart_parse(const void *body, size_t len, const char *boundary,
		    int (*cb)(const struct multipart_part *part, void *ctx), void *ctx);

#endif
