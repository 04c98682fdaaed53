/* html.h - HTML writers; the name says how each escapes.
 *
 * html()        our own constant markup, written as is
 * html_text()   element text: & < > escaped
 * html_attr()   attribute value: & < > " ' escaped
 * html_url_arg() a query-string value, percent-encoded
 * html_textf()  printf, then escaped as text
 * html_hidden(), html_option(), html_input() build whole elements, escaping
 *   every value.
 * NULL text writes nothing.  All write into req->out. */
#ifndef TDC_HTML_H
#define TDC_HTML_H

#include <stdbool.h>

#include "lib/buf.h"

struct request;

void html(struct request *req, const char *markup);
void html_text(struct request *req, const char *text);
void html_attr(struct request *req, const char *value);
void html_url_arg(struct request *req, const char *value);
void html_textf(struct request *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_hidden(struct request *req, const char *name, const char *value);
void html_option(struct request *req, const char *value, const char *label, bool selected);
void html_csrf(struct request *req); /* the hidden CSRF field of every form */
/* <a href="HREF">TEXT</a>: href is attribute-escaped, text text-escaped */
void html_link(struct request *req, const char *href, const char *text);

/* The same escapes into any buffer, for tests and other writers. */
void html_escape_text(struct buf *b, const char *s);
void html_escape_attr(struct buf *b, const char *s);
void html_escape_url(struct buf *b, const char *s);

#endif
