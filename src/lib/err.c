/* err.c - filling a struct err (see err.h). */
#include "err.h"

#include <stdio.h>
#include <string.h>

void err_setv(struct err *e, enum err_code code, const char *fmt, va_list ap)
{
	if (!e)
		return;
	e->code = code;
	vsnprintf(e->message, sizeof e->message, fmt, ap);
}

void err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	e->field[0] = '\0';
	va_start(ap, fmt);
	err_setv(e, code, fmt, ap);
	va_end(ap);
}

void err_field(struct err *e, enum err_code code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	snprintf(e->field, sizeof e->field, "%s", field);
	va_start(ap, fmt);
	err_setv(e, code, fmt, ap);
	va_end(ap);
}

void err_clear(struct err *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}
