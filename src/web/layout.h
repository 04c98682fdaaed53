/* layout.h - the frame of every page: head, header with the site's name,
 * the user, the language link and sign-out; navigation by role; footer.
 * Pages write only their <main> content between layout_start() and
 * layout_end(). */
#ifndef TDC_LAYOUT_H
#define TDC_LAYOUT_H

#include "web/request.h"

void layout_start(struct request *req, const char *title);
void layout_end(struct request *req);
/* A whole friendly error page with status, e.g. 403 or 404. */
void layout_error_page(struct request *req, int status, const char *message);
/* A notice box: kind is "ok", "error" or "info". */
void layout_notice(struct request *req, const char *kind, const char *message);
/* <thead> with one <th scope=col> per label; a label's class from classes[i] if given. */
void layout_table_head(struct request *req, const enum text_id *labels, size_t n,
		       const char *const *classes);
/* The role's name in the request's language. */
const char *layout_role_name(struct request *req, enum role r);
/* A time the database keeps (UTC "2026-11-23T23:00:11Z") as people read it:
 * "2026-11-24 07:00" in the server's local time zone; other text as it is. */
void layout_time(struct request *req, const char *iso);
/* The same into out (at least 32 bytes), for a sentence. */
const char *layout_time_text(const char *iso, char *out, size_t n);

#endif
