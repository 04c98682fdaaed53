/* multipart.c - multipart/form-data parsing (see multipart.h). */
#include "multipart.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int multipart_boundary(const char *content_type, char *out, size_t outlen)
{
	const char *b;
	size_t n;

	if (!content_type || strncasecmp(content_type, "multipart/form-data", 19))
		return -1;
	if (!(b = strcasestr(content_type, "boundary=")))
		return -1;
	b += 9;
	if (*b == '"') {
		const char *close = strchr(++b, '"');

		if (!close)
			return -1;
		n = (size_t)(close - b);
	} else {
		n = strcspn(b, "; \t");
	}
	/* RFC 2046: 1 to 70 characters */
	if (n == 0 || n > 70 || n + 1 > outlen)
		return -1;
	memcpy(out, b, n);
	out[n] = '\0';
	return 0;
}

/* Copies the value of param="..." (or param=token) from a header line. */
static void header_param(const char *line, size_t len, const char *param, char *out,
			 size_t outlen)
{
	size_t plen = strlen(param);

	out[0] = '\0';
	for (size_t i = 0; i + plen + 1 < len; i++) {
		size_t n = 0;
		const char *v;

		/* the parameter must start a word: "name=" is not "filename=" */
		if (strncasecmp(line + i, param, plen) || line[i + plen] != '=' ||
		    (i > 0 && line[i - 1] != ' ' && line[i - 1] != ';' && line[i - 1] != '\t'))
			continue;
		v = line + i + plen + 1;
		if (v < line + len && *v == '"') {
			v++;
			while (v + n < line + len && v[n] != '"')
				n++;
		} else {
			while (v + n < line + len && v[n] != ';' && v[n] != ' ')
				n++;
		}
		if (n >= outlen)
			n = outlen - 1;
		memcpy(out, v, n);
		out[n] = '\0';
		return;
	}
}

int multipart_parse(const void *body, size_t len, const char *boundary,
		    int (*cb)(const struct multipart_part *part, void *ctx), void *ctx)
{
	const unsigned char *p = body, *end = p + len;
	char delim[80];
	size_t dlen;
	int n;

	n = snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	if (n < 0 || (size_t)n >= sizeof delim || !p)
		return -1;
	dlen = (size_t)n;
	/* the first delimiter may start the body without its CRLF */
	if (len < dlen - 2 || memcmp(p, delim + 2, dlen - 2))
		return -1;
	p += dlen - 2;
	for (;;) {
		struct multipart_part part;
		const unsigned char *hdr_end, *next;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0; /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return -1;
		p += 2;
		hdr_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hdr_end)
			return -1;
		memset(&part, 0, sizeof part);
		/* the part's headers, line by line */
		for (const unsigned char *line = p; line < hdr_end;) {
			const unsigned char *eol = memmem(line, (size_t)(hdr_end + 2 - line), "\r\n", 2);
			size_t ll = (size_t)((eol ? eol : hdr_end) - line);

			if (ll > 20 && !strncasecmp((const char *)line, "Content-Disposition:", 20)) {
				header_param((const char *)line, ll, "name", part.name, sizeof part.name);
				header_param((const char *)line, ll, "filename", part.filename,
					     sizeof part.filename);
			} else if (ll > 13 && !strncasecmp((const char *)line, "Content-Type:", 13)) {
				size_t vl = ll - 13;
				const char *v = (const char *)line + 13;

				while (vl && *v == ' ') {
					v++;
					vl--;
				}
				if (vl >= sizeof part.content_type)
					vl = sizeof part.content_type - 1;
				memcpy(part.content_type, v, vl);
			}
			line = eol ? eol + 2 : hdr_end;
		}
		p = hdr_end + 4;
		next = memmem(p, (size_t)(end - p), delim, dlen);
		if (!next)
			return -1;
		part.data = p;
		part.len = (size_t)(next - p);
		if (part.name[0] && cb(&part, ctx))
			return 0;
		p = next + dlen;
	}
}
