/* audit.c - the audit log for the system admin, filtered and paged. */
#include "web/pages/pages.h"

#include <stdlib.h>

#include "core/audit.h"
#include "web/html.h"
#include "web/layout.h"

enum { AUDIT_PAGE = 50 };

static void filter_input(struct request *req, const char *name, enum text_id label,
			 const char *type, const char *value)
{
	html(req, "<label>");
	html_text(req, T(req, label));
	html(req, " <input type=\"");
	html(req, type);
	html(req, "\" name=\"");
	html(req, name);
	html(req, "\" value=\"");
	html_attr(req, value);
	html(req, "\"></label>");
}

static void page_link(struct request *req, const struct audit_filter *f, int page, enum text_id label)
{
	html(req, "<a class=\"button\" href=\"/admin/audit?page=");
	html_textf(req, "%d", page);
	html(req, "&amp;actor=");
	html_url_arg(req, f->actor);
	html(req, "&amp;action=");
	html_url_arg(req, f->action);
	html(req, "&amp;since=");
	html_url_arg(req, f->since);
	html(req, "&amp;until=");
	html_url_arg(req, f->until);
	html(req, "\">");
	html_text(req, T(req, label));
	html(req, "</a>");
}

void page_audit(struct request *req)
{
	const char *p = req_query(req, "page");
	int page = p ? atoi(p) : 1, n, pages;
	struct audit_filter f = {
		.actor = req_query(req, "actor"), .action = req_query(req, "action"),
		.since = req_query(req, "since"), .until = req_query(req, "until"),
		.limit = AUDIT_PAGE,
	};
	struct audit_row *rows;
	int64_t total;

	if (page < 1 || page > 1000000)
		page = 1;
	f.offset = (page - 1) * AUDIT_PAGE;
	if (audit_list(req->store, req->arena, &f, &rows, &n, &total) < 0) {
		req_error(req, 500);
		return;
	}
	pages = (int)((total + AUDIT_PAGE - 1) / AUDIT_PAGE);
	layout_start(req, T(req, TX_AUDIT_LOG));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_AUDIT_LOG));
	html(req, "</h1><p class=\"scope\">");
	html_textf(req, T(req, TX_TOTAL), arena_printf(req->arena, "%lld", (long long)total));
	html(req, "</p></div>\n<form class=\"filters\" method=\"get\" action=\"/admin/audit\">");
	filter_input(req, "actor", TX_ACTOR, "text", f.actor);
	filter_input(req, "action", TX_ACTION, "text", f.action);
	filter_input(req, "since", TX_SINCE, "date", f.since);
	filter_input(req, "until", TX_UNTIL, "date", f.until);
	html(req, "<button type=\"submit\">");
	html_text(req, T(req, TX_FILTER));
	html(req, "</button></form>\n");
	if (n == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_NO_RESULTS));
		html(req, "</p>");
	} else {
		static const enum text_id cols[] = { TX_TIME, TX_ACTOR, TX_ACTION, TX_OBJECT, TX_DETAIL, TX_ADDRESS };

		html(req, "<div class=\"table-wrap\"><table class=\"data\">");
		layout_table_head(req, cols, sizeof cols / sizeof cols[0], NULL);
		html(req, "<tbody>");
		for (int i = 0; i < n; i++) {
			html(req, "<tr><td class=\"nowrap\">");
			html_text(req, rows[i].at);
			html(req, "</td><td>");
			html_text(req, rows[i].actor);
			html(req, "</td><td><code>");
			html_text(req, rows[i].action);
			html(req, "</code></td><td>");
			html_text(req, rows[i].object);
			html(req, "</td><td>");
			html_text(req, rows[i].detail);
			html(req, "</td><td>");
			html_text(req, rows[i].address);
			html(req, "</td></tr>\n");
		}
		html(req, "</tbody></table></div>\n<nav class=\"pager\">");
		if (page > 1)
			page_link(req, &f, page - 1, TX_PREVIOUS);
		html(req, "<span>");
		html_textf(req, T(req, TX_PAGE_OF), page, pages);
		html(req, "</span>");
		if (page < pages)
			page_link(req, &f, page + 1, TX_NEXT);
		html(req, "</nav>\n");
	}
	layout_end(req);
}
