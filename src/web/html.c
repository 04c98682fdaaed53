/* html.c - escaping writers (see html.h). */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "web/auth.h"
#include "web/request.h"

/* One loop for both contexts: attributes also escape the quotes. */
static void escape(struct buf *b, const char *s, bool attr)
{
	const char *run = s;

	if (!s)
		return;
	for (; *s; s++) {
		const char *rep;

		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': if (!attr) continue; rep = "&quot;"; break;
		case '\'': if (!attr) continue; rep = "&#39;"; break;
		default: continue;
		}
		buf_add(b, run, (size_t)(s - run));
		buf_puts(b, rep);
		run = s + 1;
	}
	buf_add(b, run, (size_t)(s - run));
}

void html_escape_text(struct buf *b, const char *s) { escape(b, s, false); }
void html_escape_attr(struct buf *b, const char *s) { escape(b, s, true); }

void html_escape_url(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	if (!s)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			buf_putc(b, (char)c);
		} else {
			char enc[3] = { '%', hex[c >> 4], hex[c & 15] };

			buf_add(b, enc, 3);
		}
	}
}

void html(struct request *req, const char *markup) { buf_puts(&req->out, markup); }
void html_text(struct request *req, const char *text) { html_escape_text(&req->out, text); }
void html_attr(struct request *req, const char *value) { html_escape_attr(&req->out, value); }
void html_url_arg(struct request *req, const char *value) { html_escape_url(&req->out, value); }

void html_textf(struct request *req, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = arena_vprintf(req->arena, fmt, ap);
	va_end(ap);
	html_text(req, s);
}

void html_hidden(struct request *req, const char *name, const char *value)
{
	html(req, "<input type=\"hidden\" name=\"");
	html_attr(req, name);
	html(req, "\" value=\"");
	html_attr(req, value);
	html(req, "\">");
}

void html_option(struct request *req, const char *value, const char *label, bool selected)
{
	html(req, "<option value=\"");
	html_attr(req, value);
	html(req, selected ? "\" selected>" : "\">");
	html_text(req, label);
	html(req, "</option>");
}

void html_csrf(struct request *req)
{
	html_hidden(req, "csrf", auth_csrf_token(req));
}

void html_link(struct request *req, const char *href, const char *text)
{
	html(req, "<a href=\"");
	html_attr(req, href);
	html(req, "\">");
	html_text(req, text);
	html(req, "</a>");
}
