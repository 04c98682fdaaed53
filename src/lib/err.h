/* err.h - an error a caller may need to show: a code and a message.
 *
 * Functions return int (0 ok, negative failure) and, when given a struct err,
 * fill it.  The code picks the HTTP status and CLI exit status; the message
 * is written for the person who will read it, in the style of git's
 * messages: lower-case first word, no final full stop, values quoted. */
#ifndef TDC_ERR_H
#define TDC_ERR_H

#include <stdarg.h>

enum err_code {
	ERR_NONE = 0,
	ERR_INTERNAL,   /* a bug or the system failed: 500, exit 1 */
	ERR_USAGE,      /* wrong command-line usage: exit 2 */
	ERR_INVALID,    /* a value is wrong: 422 / 400 */
	ERR_NOT_FOUND,  /* 404 */
	ERR_CONFLICT,   /* already exists, or the state forbids it: 409 */
	ERR_FORBIDDEN,  /* 403 */
	ERR_UNAUTHORISED, /* 401 */
	ERR_THROTTLED,  /* 429 */
	ERR_IO,         /* a file or the database failed: exit 1 */
	ERR_SCHEMA,     /* the database is newer than this binary */
};

struct err {
	enum err_code code;
	char field[64];      /* the field at fault, when there is one */
	char message[512];
};

void err_set(struct err *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void err_setv(struct err *e, enum err_code code, const char *fmt, va_list ap);
void err_field(struct err *e, enum err_code code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void err_clear(struct err *e);

#endif
