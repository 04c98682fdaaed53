/* checkin.c - a participant's QR check-in: the phone opens the address in
 * the code on the projector, /checkin/{session}?t=<token>, and confirms
 * with one button.
 *
 * Scanning is a GET, which must change nothing (a link preview or a
 * browser's prefetch would otherwise check people in), so the page asks
 * for a POST with the CSRF token and the code's token.  The token lives a
 * minute at most (core/attendance.c), so the confirm page says so when it
 * is already stale rather than offering a button that will fail. */
#include "web/pages/pages.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/attendance.h"
#include "web/html.h"
#include "web/layout.h"

static int64_t session_param(struct request *req)
{
	const char *s = req_param(req, "session");
	char *end;
	long long v;

	if (!s || *s < '1' || *s > '9')
		return 0;
	v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : (int64_t)v;
}

/* The session and its programme, or an answer given (404) and -1. */
static int load(struct request *req, struct att_session *s, struct att_programme *p)
{
	struct err err = { 0 };
	int64_t id = session_param(req);

	if (!id) {
		req_error(req, 404);
		return -1;
	}
	if (attendance_session_find(req->store, req->arena, id, s, p, &err) != 0) {
		req_error(req, err.code == ERR_NOT_FOUND ? 404 : 500);
		return -1;
	}
	return 0;
}

static void frame_start(struct request *req, const struct att_programme *p, const struct att_session *s)
{
	layout_start(req, T(req, TX_ATT_QR_TITLE));
	html(req, "<section class=\"card checkin\"><h1>");
	html_text(req, T(req, TX_ATT_QR_TITLE));
	html(req, "</h1>\n<dl class=\"facts\"><dt>");
	html_text(req, T(req, TX_ATT_PROGRAMME));
	html(req, "</dt><dd>");
	html_text(req, p->title);
	html(req, "</dd><dt>");
	html_text(req, T(req, TX_ATT_SESSION));
	html(req, "</dt><dd>");
	html_text(req, s->day);
	html(req, " ");
	html_text(req, s->starts);
	html(req, "–");
	html_text(req, s->ends);
	if (s->topic && *s->topic) {
		html(req, " · ");
		html_text(req, s->topic);
	}
	html(req, "</dd></dl>\n");
}

static void frame_end(struct request *req)
{
	html(req, "</section>\n");
	layout_end(req);
}

/* The text id of a refused scan, by the rule that refused it. */
static enum text_id refusal_text(const struct err *err)
{
	if (!strcmp(err->field, "token"))
		return TX_ATT_E_TOKEN;
	if (!strcmp(err->field, "seated"))
		return TX_ATT_E_NOT_SEATED;
	if (!strcmp(err->field, "day"))
		return TX_ATT_E_NOT_TODAY;
	if (!strcmp(err->field, "status"))
		return TX_ATT_E_NOT_RUNNING;
	return TX_ERR_500;
}

static void refuse(struct request *req, const struct att_programme *p, const struct att_session *s,
		   int status, enum text_id message)
{
	req->status = status;
	frame_start(req, p, s);
	layout_notice(req, "error", T(req, message));
	frame_end(req);
}

void page_checkin(struct request *req)
{
	struct att_session s;
	struct att_programme p;
	struct att_row *rows;
	struct err err = { 0 };
	const char *token = req_query(req, "t");
	bool departure = false, seated = false;
	int n;

	if (load(req, &s, &p) < 0)
		return;
	if (!req->who.person_id) {
		refuse(req, &p, &s, 403, TX_ATT_E_NO_PERSON);
		return;
	}
	if (!attendance_token_valid(req->app->secret, sizeof req->app->secret, s.id, token, time(NULL))) {
		refuse(req, &p, &s, 403, TX_ATT_E_TOKEN);
		return;
	}
	/* seated, and whether the next scan signs in or out: the sheet holds both */
	if (attendance_sheet(req->store, req->arena, &s, &rows, &n, &err) != 0) {
		req_error(req, 500);
		return;
	}
	for (int i = 0; i < n; i++)
		if (rows[i].person_id == req->who.person_id) {
			seated = true;
			departure = rows[i].arrived != NULL;
		}
	if (!seated) {
		refuse(req, &p, &s, 409, TX_ATT_E_NOT_SEATED);
		return;
	}
	frame_start(req, &p, &s);
	html(req, "<p>");
	html_text(req, T(req, TX_ATT_CHECKIN_INTRO));
	html(req, " <strong>");
	html_text(req, req->who.name);
	html(req, "</strong></p>\n<form method=\"post\" action=\"/checkin/");
	html_textf(req, "%lld", (long long)s.id);
	html(req, "\">");
	html_csrf(req);
	html_hidden(req, "t", token);
	html(req, "<button type=\"submit\" class=\"primary\">");
	html_text(req, T(req, departure ? TX_ATT_CHECKIN_DEPART : TX_ATT_CHECKIN_ARRIVE));
	html(req, "</button></form>\n");
	frame_end(req);
}

void page_checkin_post(struct request *req)
{
	struct att_session s;
	struct att_programme p;
	struct att_checkin c;
	struct err err = { 0 };
	struct actor who = req_actor(req);

	if (load(req, &s, &p) < 0)
		return;
	if (!req->who.person_id) {
		refuse(req, &p, &s, 403, TX_ATT_E_NO_PERSON);
		return;
	}
	if (attendance_checkin(req->store, req->arena, req->app->secret, sizeof req->app->secret, s.id,
			       req_form(req, "t"), req->who.person_id, time(NULL), &who, &c, &err) != 0) {
		if (err.code == ERR_NOT_FOUND) {
			req_error(req, 404);
			return;
		}
		if (err.code != ERR_FORBIDDEN && err.code != ERR_CONFLICT) {
			req_error(req, 500);
			return;
		}
		refuse(req, &p, &s, err.code == ERR_FORBIDDEN ? 403 : 409, refusal_text(&err));
		return;
	}
	/* the answer to a POST is shown in place: reloading it asks the
	 * browser to send again, and a second scan only moves the departure */
	frame_start(req, &p, &s);
	if (!c.departure) {
		layout_notice(req, "ok", arena_printf(req->arena, T(req, TX_ATT_ARRIVED_AT), c.arrived));
		if (!c.manual)
			layout_notice(req, "info", T(req, TX_ATT_DEPART_AGAIN));
	} else {
		layout_notice(req, "ok", arena_printf(req->arena, T(req, TX_ATT_DEPARTED_AT), c.departed));
		if (!c.manual)
			layout_notice(req, c.present ? "ok" : "error",
				      c.present ? T(req, TX_ATT_COUNTED) :
						  arena_printf(req->arena, T(req, TX_ATT_NOT_COUNTED),
							       arena_printf(req->arena, "%d", p.tolerance_min)));
	}
	if (c.manual)
		layout_notice(req, "info", T(req, TX_ATT_MANUAL));
	frame_end(req);
}
