/* utf8.c - UTF-8 sequences and blanks (see utf8.h). */
#include "utf8.h"

#include <string.h>

#include "arena.h"

int utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		return (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F))
			return 0; /* overlong, or a surrogate */
		return 3;
	}
	if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
			return 0;
		if ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

int utf8_space_len(const unsigned char *p)
{
	if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		return 1;
	if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	if (p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	return 0;
}

int utf8_space_len_back(const unsigned char *start, const unsigned char *end)
{
	if (end - start >= 1 && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		return 1;
	if (end - start >= 3 && end[-3] == 0xE3 && end[-2] == 0x80 && end[-1] == 0x80)
		return 3;
	if (end - start >= 2 && end[-2] == 0xC2 && end[-1] == 0xA0)
		return 2;
	return 0;
}

size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

char *utf8_trimmed(struct arena *a, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	int k;

	if (!s)
		return NULL;
	while ((k = utf8_space_len(p)) > 0)
		p += k;
	end = p + strlen((const char *)p);
	while ((k = utf8_space_len_back(p, end)) > 0)
		end -= k;
	return arena_strndup(a, (const char *)p, (size_t)(end - p));
}
