/* attendance.c - the organiser's attendance screens: a session's sheet
 * (marks, file upload), its QR check-in code, and the programme's overview
 * with scores and completion.
 *
 * The router lets centre admins and the system admin in
 * (PERM_PROGRAMMES_MANAGE); each handler then checks that the caller runs
 * this programme (attendance_may_manage()): a centre admin manages her own
 * centre's programmes only.  The QR code may also be shown by the
 * session's trainer, who often is a teacher without an admin account. */
#include "web/pages/pages.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/attendance.h"
#include "core/completion.h"
#include "core/hours.h"
#include "lib/idcard.h"
#include "lib/qr.h"
#include "web/html.h"
#include "web/layout.h"

/* ---- shared by the screens ---- */

/* A positive id from a path segment, or 0. */
static int64_t parse_id(const char *s)
{
	char *end;
	long long v;

	if (!s || *s < '1' || *s > '9')
		return 0;
	v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : (int64_t)v;
}

static void answer_err(struct request *req, const struct err *err)
{
	req_error(req, err->code == ERR_NOT_FOUND ? 404 : 500);
}

/* The programme of {code}, if the caller manages it; otherwise the
 * answer (404 or 403) is given and -1 returned. */
static int load_programme(struct request *req, struct att_programme *p, bool trainer_may)
{
	struct err err = { 0 };

	if (attendance_programme_get(req->store, req->arena, req_param(req, "code"), p, &err) != 0) {
		answer_err(req, &err);
		return -1;
	}
	if (!trainer_may && !attendance_may_manage(&req->who, p)) {
		layout_error_page(req, 403, T(req, TX_ATT_E_NOT_ORGANISER));
		return -1;
	}
	return 0;
}

static int load_session(struct request *req, const struct att_programme *p, struct att_session *s)
{
	struct err err = { 0 };
	int64_t id = parse_id(req_param(req, "id"));

	if (!id) {
		req_error(req, 404);
		return -1;
	}
	if (attendance_session_get(req->store, req->arena, p, id, s, &err) != 0) {
		answer_err(req, &err);
		return -1;
	}
	return 0;
}

static const char *programme_path(struct request *req, const struct att_programme *p)
{
	struct buf b;
	const char *out;

	buf_init(&b);
	buf_puts(&b, "/programmes/");
	html_escape_url(&b, p->code);
	out = arena_strdup(req->arena, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static const char *session_path(struct request *req, const struct att_programme *p,
				const struct att_session *s, const char *tail)
{
	return arena_printf(req->arena, "%s/sessions/%lld%s", programme_path(req, p), (long long)s->id, tail);
}

static void session_line(struct request *req, const struct att_session *s)
{
	html(req, "<p class=\"scope\">");
	html_text(req, s->day);
	html(req, " ");
	html_text(req, s->starts);
	html(req, "–");
	html_text(req, s->ends);
	if (s->topic && *s->topic) {
		html(req, " · ");
		html_text(req, s->topic);
	}
	html(req, "</p>");
}

static void head(struct request *req, const struct att_programme *p, const char *title,
		 const struct att_session *s)
{
	layout_start(req, title);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, title);
	html(req, " · ");
	html_text(req, p->title);
	html(req, "</h1>");
	if (s)
		session_line(req, s);
	html(req, "</div>\n");
}

static const char *masked(struct request *req, const char *id_number)
{
	char m[ID_NUMBER_LEN + 1];

	idcard_mask(id_number, m);
	return arena_strdup(req->arena, m);
}

static void today_local(char out[11])
{
	time_t now = time(NULL);
	struct tm local;

	if (!localtime_r(&now, &local) || strftime(out, 11, "%Y-%m-%d", &local) != 10)
		out[0] = '\0';
}

/* ---- a session's sheet ---- */

struct sheet_notice {
	const char *kind, *message;
	const struct att_import_report *report; /* the bad rows of a refused file */
	const char *file_name;
};

static void sheet_page(struct request *req, const struct att_programme *p, const struct att_session *s,
		       const struct sheet_notice *notice)
{
	static const enum text_id cols[] = { TX_ID_NUMBER, TX_NAME, TX_SCHOOL, TX_ATT_ARRIVED,
					     TX_ATT_DEPARTED, TX_ATT_SOURCE, TX_ATT_PRESENT };
	struct att_row *rows;
	struct err err = { 0 };
	int n;

	if (attendance_sheet(req->store, req->arena, s, &rows, &n, &err) != 0) {
		answer_err(req, &err);
		return;
	}
	head(req, p, T(req, TX_ATT_SHEET), s);
	html(req, "<p class=\"actions\"><a class=\"button\" href=\"");
	html_attr(req, session_path(req, p, s, "/qr"));
	html(req, "\">");
	html_text(req, T(req, TX_ATT_QR_TITLE));
	html(req, "</a> <a class=\"button secondary\" href=\"");
	html_attr(req, programme_path(req, p));
	html(req, "/attendance\">");
	html_text(req, T(req, TX_ATT_OVERVIEW));
	html(req, "</a></p>\n");
	if (notice && notice->message)
		layout_notice(req, notice->kind, notice->message);
	if (notice && notice->report && notice->report->nerrors) {
		int kept = notice->report->nerrors < ATT_IMPORT_ERRORS_MAX ? notice->report->nerrors :
									      ATT_IMPORT_ERRORS_MAX;

		/* file:line: column: reason, as a compiler names a bad line */
		html(req, "<ul class=\"errors\">");
		for (int i = 0; i < kept; i++) {
			const struct att_line_error *e = &notice->report->errors[i];

			html(req, "<li>");
			html_textf(req, "%s:%ld: %s: %s", notice->file_name ? notice->file_name : "",
				   e->line, e->column, req->lang == LANG_EN ? e->message : e->message_zh);
			html(req, "</li>");
		}
		if (notice->report->nerrors > kept)
			html(req, "<li>…</li>");
		html(req, "</ul>\n");
	}

	if (n == 0) {
		layout_notice(req, "info", T(req, TX_ATT_NO_PARTICIPANTS));
	} else {
		html(req, "<form method=\"post\" action=\"");
		html_attr(req, session_path(req, p, s, "/attendance"));
		html(req, "\">");
		html_csrf(req);
		html(req, "<p class=\"actions\"><button type=\"submit\" name=\"all\" value=\"present\">");
		html_text(req, T(req, TX_ATT_ALL_PRESENT));
		html(req, "</button> <button type=\"submit\" name=\"all\" value=\"absent\">");
		html_text(req, T(req, TX_ATT_ALL_ABSENT));
		html(req, "</button></p>\n<div class=\"table-wrap\"><table class=\"data\">");
		layout_table_head(req, cols, sizeof cols / sizeof cols[0], NULL);
		html(req, "<tbody>");
		for (int i = 0; i < n; i++) {
			const char *field = arena_printf(req->arena, "p_%lld", (long long)rows[i].person_id);

			html(req, "<tr><td>");
			html_text(req, masked(req, rows[i].id_number));
			html(req, "</td><td>");
			html_text(req, rows[i].name);
			html(req, "</td><td>");
			html_text(req, rows[i].school_name);
			html(req, "</td><td>");
			html_text(req, rows[i].arrived);
			html(req, "</td><td>");
			html_text(req, rows[i].departed);
			html(req, "</td><td>");
			if (rows[i].source)
				html_text(req, text_enum(req->lang, "att_source", rows[i].source));
			else
				html_text(req, T(req, TX_ATT_UNMARKED));
			/* a choice per row; "not marked" leaves the row as it is */
			html(req, "</td><td><select name=\"");
			html_attr(req, field);
			html(req, "\" aria-label=\"");
			html_attr(req, T(req, TX_ATT_PRESENT));
			html(req, "\">");
			html_option(req, "", T(req, TX_ATT_UNMARKED), rows[i].present < 0);
			html_option(req, "1", T(req, TX_ATT_YES), rows[i].present == 1);
			html_option(req, "0", T(req, TX_ATT_NO), rows[i].present == 0);
			html(req, "</select></td></tr>\n");
		}
		html(req, "</tbody></table></div>\n<p><button type=\"submit\" class=\"primary\">");
		html_text(req, T(req, TX_ATT_SAVE));
		html(req, "</button></p></form>\n");
	}

	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_ATT_UPLOAD_TITLE));
	html(req, "</h2><p class=\"help\">");
	html_text(req, T(req, TX_ATT_UPLOAD_HELP));
	html(req, "</p><form method=\"post\" enctype=\"multipart/form-data\" class=\"upload\" action=\"");
	html_attr(req, session_path(req, p, s, "/attendance/file"));
	html(req, "\">");
	html_csrf(req);
	html(req, "<label>");
	html_text(req, T(req, TX_ATT_FILE));
	html(req, " <input type=\"file\" name=\"file\" required accept=\".xlsx,.xls,.csv,.txt\"></label> "
		  "<button type=\"submit\">");
	html_text(req, T(req, TX_ATT_UPLOAD));
	html(req, "</button></form></section>\n<p><a href=\"");
	html_attr(req, programme_path(req, p));
	html(req, "\">");
	html_text(req, T(req, TX_ATT_PROGRAMME_PAGE));
	html(req, "</a></p>\n");
	layout_end(req);
}

void page_attendance_sheet(struct request *req)
{
	struct att_programme p;
	struct att_session s;
	struct sheet_notice notice = { 0 };
	const char *done = req_query(req, "done"), *count = req_query(req, "n");

	if (load_programme(req, &p, false) < 0 || load_session(req, &p, &s) < 0)
		return;
	if (done && count && strspn(count, "0123456789") == strlen(count) && *count) {
		notice.kind = "ok";
		notice.message = arena_printf(req->arena, T(req, !strcmp(done, "file") ? TX_ATT_IMPORTED : TX_ATT_SAVED),
					      count);
	} else if (done && !strcmp(done, "none")) {
		notice.kind = "info";
		notice.message = T(req, TX_ATT_NOTHING);
	}
	sheet_page(req, &p, &s, &notice);
}

void page_attendance_save(struct request *req)
{
	struct att_programme p;
	struct att_session s;
	struct att_row *rows;
	struct att_mark *marks;
	struct err err = { 0 };
	struct actor who = req_actor(req);
	const char *all = req_form(req, "all");
	int n, nmarks = 0;

	if (load_programme(req, &p, false) < 0 || load_session(req, &p, &s) < 0)
		return;
	if (attendance_sheet(req->store, req->arena, &s, &rows, &n, &err) != 0) {
		answer_err(req, &err);
		return;
	}
	marks = arena_alloc(req->arena, (size_t)(n ? n : 1) * sizeof *marks);
	if (!marks) {
		req_error(req, 500);
		return;
	}
	/* 全部出席/全部缺席 mark everyone; the save button each row set */
	for (int i = 0; i < n; i++) {
		const char *v = req_form(req, arena_printf(req->arena, "p_%lld", (long long)rows[i].person_id));
		int present = -1;

		if (all && (!strcmp(all, "present") || !strcmp(all, "absent")))
			present = !strcmp(all, "present");
		else if (v && (!strcmp(v, "1") || !strcmp(v, "0")))
			present = v[0] == '1';
		if (present < 0)
			continue;
		marks[nmarks].person_id = rows[i].person_id;
		marks[nmarks++].present = present;
	}
	if (nmarks == 0) {
		req_redirect(req, session_path(req, &p, &s, "/attendance?done=none"));
		return;
	}
	if (attendance_mark(req->store, &s, marks, nmarks, &who, &err) != 0) {
		/* someone withdrew between the page and the save: show it again */
		struct sheet_notice notice = { "error", err.message, NULL, NULL };

		if (err.code == ERR_CONFLICT && !strcmp(err.field, "day")) {
			notice.message = T(req, TX_ATT_E_FUTURE); /* a session still to come */
		} else if (err.code != ERR_INVALID) {
			req_error(req, 500);
			return;
		}
		req->status = 409;
		sheet_page(req, &p, &s, &notice);
		return;
	}
	req_redirect(req, session_path(req, &p, &s, arena_printf(req->arena, "/attendance?done=sheet&n=%d", nmarks)));
}

void page_attendance_file(struct request *req)
{
	struct att_programme p;
	struct att_session s;
	struct att_import_report *report;
	struct err err = { 0 };
	struct actor who = req_actor(req);
	const struct upload *file;
	struct sheet_notice notice = { "error", NULL, NULL, NULL };

	if (load_programme(req, &p, false) < 0 || load_session(req, &p, &s) < 0)
		return;
	file = req_file(req, "file");
	if (!file || file->len == 0) {
		notice.message = T(req, TX_ATT_NO_FILE);
		req->status = 422;
		sheet_page(req, &p, &s, &notice);
		return;
	}
	report = arena_alloc(req->arena, sizeof *report);
	if (!report) {
		req_error(req, 500);
		return;
	}
	if (attendance_import(req->store, &s, file->data, file->len, &who, report, &err) != 0) {
		if (err.code == ERR_CONFLICT && !strcmp(err.field, "day")) {
			notice.message = T(req, TX_ATT_E_FUTURE); /* a session still to come */
			req->status = 409;
			sheet_page(req, &p, &s, &notice);
			return;
		}
		if (err.code != ERR_INVALID) {
			req_error(req, 500);
			return;
		}
		/* a file that is not a table at all has no line to name */
		notice.message = report->nerrors ? T(req, TX_ATT_IMPORT_FAILED) : err.message;
		notice.report = report;
		notice.file_name = file->filename && *file->filename ? file->filename : "file";
		req->status = 422;
		sheet_page(req, &p, &s, &notice);
		return;
	}
	req_redirect(req, session_path(req, &p, &s,
				       arena_printf(req->arena, "/attendance?done=file&n=%d", report->marked)));
}

/* ---- the QR check-in code ---- */

/* Big enough to scan from the back of a training room off a projector. */
enum { QR_PAGE_PX = 480 };

static bool host_ok(const char *host)
{
	if (!host || !*host || strlen(host) > 255)
		return false;
	/* a name, an IPv4 or [IPv6] address and a port: nothing to break out of a URL */
	return strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == strlen(host);
}

/* <scheme>://<Host>/checkin/<session>?t=<token>: the address the phone
 * opens.  https when the server runs behind TLS (secure cookies, or a
 * proxy that says so). */
static const char *checkin_url(struct request *req, const struct att_session *s, time_t now)
{
	const char *host = req_header(req, "Host"), *proto = req_header(req, "X-Forwarded-Proto");
	bool tls = req->app->config.secure_cookies || (proto && !strcmp(proto, "https"));
	char token[ATT_TOKEN_CHARS + 1];

	attendance_token(req->app->secret, sizeof req->app->secret, s->id, now, token);
	return arena_printf(req->arena, "%s://%s/checkin/%lld?t=%s", tls ? "https" : "http",
			    host_ok(host) ? host : "localhost", (long long)s->id, token);
}

/* The caller may show the code: the organiser, or the session's trainer. */
static int load_for_qr(struct request *req, struct att_programme *p, struct att_session *s)
{
	if (load_programme(req, p, true) < 0 || load_session(req, p, s) < 0)
		return -1;
	if (!attendance_may_manage(&req->who, p) &&
	    !(s->trainer_id > 0 && s->trainer_id == req->who.person_id)) {
		layout_error_page(req, 403, T(req, TX_ATT_E_NOT_YOURS));
		return -1;
	}
	return 0;
}

void page_attendance_qr_svg(struct request *req)
{
	struct att_programme p;
	struct att_session s;
	struct err err = { 0 };
	time_t now = time(NULL);
	const char *url;

	if (load_for_qr(req, &p, &s) < 0)
		return;
	url = checkin_url(req, &s, now);
	if (qr_svg(url, url, QR_PAGE_PX, &req->out, &err) != 0) {
		req_error(req, 500);
		return;
	}
	req->content_type = "image/svg+xml";
	/* the page's script waits this long before it asks again */
	req_add_header(req, "X-Checkin-Seconds", arena_printf(req->arena, "%d", attendance_token_seconds_left(now)));
}

void page_attendance_qr(struct request *req)
{
	struct att_programme p;
	struct att_session s;
	struct att_row *rows;
	struct err err = { 0 };
	time_t now = time(NULL);
	int left = attendance_token_seconds_left(now), n, arrived = 0, departed = 0;
	const char *url;
	char today[11];

	if (load_for_qr(req, &p, &s) < 0)
		return;
	if (attendance_sheet(req->store, req->arena, &s, &rows, &n, &err) != 0) {
		answer_err(req, &err);
		return;
	}
	for (int i = 0; i < n; i++) {
		arrived += rows[i].arrived != NULL;
		departed += rows[i].departed != NULL;
	}
	url = checkin_url(req, &s, now);
	head(req, &p, T(req, TX_ATT_QR_TITLE), &s);
	/* without JavaScript the page reloads itself when the code changes */
	html(req, "<noscript><meta http-equiv=\"refresh\" content=\"");
	html_textf(req, "%d", left);
	html(req, "\"></noscript>\n");
	today_local(today);
	if (strcmp(today, s.day))
		layout_notice(req, "info", T(req, TX_ATT_QR_NOT_TODAY));
	html(req, "<p class=\"help\">");
	html_text(req, T(req, TX_ATT_QR_HELP));
	html(req, "</p>\n<div class=\"qr-box\" data-qr-src=\"");
	html_attr(req, session_path(req, &p, &s, "/qr.svg"));
	html(req, "\" data-seconds=\"");
	html_textf(req, "%d", left);
	html(req, "\"><div data-qr-code>");
	if (qr_svg(url, url, QR_PAGE_PX, &req->out, &err) != 0) {
		req_error(req, 500);
		return;
	}
	html(req, "</div>\n<p>");
	html_text(req, T(req, TX_ATT_QR_NEXT));
	html(req, " <strong data-countdown>");
	html_textf(req, "%d", left);
	html(req, "</strong></p>\n<p>");
	html_textf(req, T(req, TX_ATT_QR_COUNT), arena_printf(req->arena, "%d", arrived),
		   arena_printf(req->arena, "%d", departed), arena_printf(req->arena, "%d", n));
	html(req, "</p>\n<p class=\"hint\">");
	html_text(req, T(req, TX_ATT_QR_LINK));
	html(req, " <a class=\"qr-url\" href=\"");
	html_attr(req, url);
	html(req, "\">");
	html_text(req, url);
	html(req, "</a></p></div>\n");
	if (attendance_may_manage(&req->who, &p)) {
		html(req, "<p><a href=\"");
		html_attr(req, session_path(req, &p, &s, "/attendance"));
		html(req, "\">");
		html_text(req, T(req, TX_ATT_SHEET));
		html(req, "</a></p>\n");
	}
	layout_end(req);
}

/* ---- the programme's overview: scores and completion ---- */

static const char *reason_text(struct request *req, enum completion_reason r)
{
	switch (r) {
	case COMPLETION_MET: return T(req, TX_REG_YES);
	case COMPLETION_ATTENDANCE: return T(req, TX_ATT_REASON_ATTENDANCE);
	case COMPLETION_NO_SCORE: return T(req, TX_ATT_REASON_NO_SCORE);
	default: return T(req, TX_ATT_REASON_SCORE);
	}
}

static void fact(struct request *req, enum text_id label, const char *value)
{
	html(req, "<dt>");
	html_text(req, T(req, label));
	html(req, "</dt><dd>");
	html_text(req, value);
	html(req, "</dd>");
}

static void sessions_table(struct request *req, const struct att_programme *p, const struct att_session *ss,
			   int n)
{
	static const enum text_id cols[] = { TX_ATT_DAY, TX_ATT_TIME, TX_ATT_TOPIC, TX_ACTIONS };

	html(req, "<h2>");
	html_text(req, T(req, TX_ATT_SESSIONS));
	html(req, "</h2>\n");
	if (n == 0) {
		layout_notice(req, "info", T(req, TX_ATT_NO_SESSIONS));
		return;
	}
	html(req, "<div class=\"table-wrap\"><table class=\"data\">");
	layout_table_head(req, cols, sizeof cols / sizeof cols[0], NULL);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		html(req, "<tr><td>");
		html_text(req, ss[i].day);
		html(req, "</td><td>");
		html_text(req, ss[i].starts);
		html(req, "–");
		html_text(req, ss[i].ends);
		html(req, "</td><td>");
		html_text(req, ss[i].topic);
		html(req, "</td><td><a href=\"");
		html_attr(req, session_path(req, p, &ss[i], "/attendance"));
		html(req, "\">");
		html_text(req, T(req, TX_ATT_SHEET));
		html(req, "</a> · <a href=\"");
		html_attr(req, session_path(req, p, &ss[i], "/qr"));
		html(req, "\">");
		html_text(req, T(req, TX_ATT_QR_TITLE));
		html(req, "</a></td></tr>\n");
	}
	html(req, "</tbody></table></div>\n");
}

static void overview_page(struct request *req, const struct att_programme *p, const char *kind,
			  const char *message)
{
	static const enum text_id cols[] = { TX_ID_NUMBER, TX_NAME, TX_SCHOOL, TX_ATT_ATTENDED,
					     TX_ATT_SHARE, TX_ATT_SCORE, TX_ATT_MEETS, TX_ATT_ISSUED };
	struct completion_row *rows;
	struct att_session *ss;
	struct err err = { 0 };
	char hours[HOURS_TEXT_MAX];
	int n, nsessions;
	bool examined = p->pass_mark >= 0;

	if (attendance_sessions(req->store, req->arena, p->id, &ss, &nsessions, &err) != 0 ||
	    completion_overview(req->store, req->arena, p, &rows, &n, &err) != 0) {
		answer_err(req, &err);
		return;
	}
	head(req, p, T(req, TX_ATT_OVERVIEW), NULL);
	if (message)
		layout_notice(req, kind, message);
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_ATT_RULE));
	html(req, "</h2><dl class=\"facts\">");
	fact(req, TX_ATT_HOURS, hours_format(p->hours10, hours));
	fact(req, TX_ATT_RULE_ATTENDANCE, arena_printf(req->arena, "%d", p->attendance_min));
	fact(req, TX_ATT_RULE_SCORE, examined ? arena_printf(req->arena, "%d", p->pass_mark) : T(req, TX_ATT_NOT_EXAMINED));
	fact(req, TX_ATT_TOLERANCE, arena_printf(req->arena, "%d", p->tolerance_min));
	if (p->completed_at)
		fact(req, TX_ATT_COMPLETED_AT, p->completed_at);
	html(req, "</dl></section>\n");
	sessions_table(req, p, ss, nsessions);

	html(req, "<h2>");
	html_text(req, T(req, TX_ATT_PARTICIPANTS));
	html(req, "</h2>\n");
	if (n == 0) {
		layout_notice(req, "info", T(req, TX_ATT_NO_PARTICIPANTS));
	} else {
		if (examined) {
			html(req, "<form method=\"post\" action=\"");
			html_attr(req, programme_path(req, p));
			html(req, "/scores\">");
			html_csrf(req);
		}
		html(req, "<div class=\"table-wrap\"><table class=\"data\">");
		layout_table_head(req, cols, sizeof cols / sizeof cols[0], NULL);
		html(req, "<tbody>");
		for (int i = 0; i < n; i++) {
			html(req, "<tr><td>");
			html_text(req, masked(req, rows[i].id_number));
			html(req, "</td><td>");
			html_text(req, rows[i].name);
			html(req, "</td><td>");
			html_text(req, rows[i].school_name);
			html(req, "</td><td class=\"num\">");
			html_textf(req, "%d / %d", rows[i].attended, rows[i].sessions);
			html(req, "</td><td class=\"num\">");
			html_textf(req, "%d%%", rows[i].share);
			html(req, "</td><td>");
			if (examined) {
				html(req, "<input type=\"number\" min=\"0\" max=\"100\" step=\"1\" inputmode=\"numeric\" name=\"");
				html_attr(req, arena_printf(req->arena, "score_%lld", (long long)rows[i].person_id));
				html(req, "\" aria-label=\"");
				html_attr(req, T(req, TX_ATT_SCORE));
				html(req, "\" value=\"");
				if (rows[i].score >= 0)
					html_textf(req, "%d", rows[i].score);
				html(req, "\">");
			} else if (rows[i].score >= 0) {
				html_textf(req, "%d", rows[i].score);
			}
			html(req, "</td><td>");
			html_text(req, reason_text(req, rows[i].reason));
			html(req, "</td><td>");
			html_text(req, T(req, rows[i].issued ? TX_REG_YES : TX_REG_NO));
			html(req, "</td></tr>\n");
		}
		html(req, "</tbody></table></div>\n");
		if (examined) {
			html(req, "<p><button type=\"submit\">");
			html_text(req, T(req, TX_ATT_SAVE_SCORES));
			html(req, "</button></p></form>\n");
		}
	}

	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_ATT_COMPLETE));
	html(req, "</h2><p class=\"help\">");
	html_text(req, T(req, TX_ATT_COMPLETE_HELP));
	html(req, "</p><form method=\"post\" action=\"");
	html_attr(req, programme_path(req, p));
	html(req, "/complete\">");
	html_csrf(req);
	/* "danger": app.js asks before it sends (data-confirm) */
	html(req, "<button type=\"submit\" class=\"danger\" data-confirm=\"");
	html_attr(req, T(req, TX_ATT_COMPLETE_CONFIRM));
	html(req, "\">");
	html_text(req, T(req, TX_ATT_COMPLETE));
	html(req, "</button></form></section>\n<p><a href=\"");
	html_attr(req, programme_path(req, p));
	html(req, "\">");
	html_text(req, T(req, TX_ATT_PROGRAMME_PAGE));
	html(req, "</a></p>\n");
	layout_end(req);
}

static bool digits(const char *s)
{
	return s && *s && strlen(s) <= 9 && strspn(s, "0123456789") == strlen(s);
}

void page_programme_attendance(struct request *req)
{
	struct att_programme p;
	const char *done = req_query(req, "done");
	const char *issued = req_query(req, "issued"), *already = req_query(req, "already"),
		   *not_met = req_query(req, "not_met");

	if (load_programme(req, &p, false) < 0)
		return;
	if (done && !strcmp(done, "scores"))
		overview_page(req, &p, "ok", T(req, TX_ATT_SCORES_SAVED));
	else if (done && !strcmp(done, "complete") && digits(issued) && digits(already) && digits(not_met))
		overview_page(req, &p, "ok",
			      arena_printf(req->arena, T(req, TX_ATT_COMPLETED_DONE), issued, already, not_met));
	else
		overview_page(req, &p, NULL, NULL);
}

void page_programme_scores(struct request *req)
{
	struct att_programme p;
	struct completion_row *rows;
	struct completion_score *scores;
	struct err err = { 0 };
	struct actor who = req_actor(req);
	int n, nscores = 0;

	if (load_programme(req, &p, false) < 0)
		return;
	if (completion_overview(req->store, req->arena, &p, &rows, &n, &err) != 0) {
		answer_err(req, &err);
		return;
	}
	scores = arena_alloc(req->arena, (size_t)(n ? n : 1) * sizeof *scores);
	if (!scores) {
		req_error(req, 500);
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *v = req_form(req, arena_printf(req->arena, "score_%lld", (long long)rows[i].person_id));
		int score;

		if (!v)
			continue; /* not on the page the organiser saw */
		if (!*v) {
			score = -1;
		} else if (digits(v) && atoi(v) <= 100) {
			score = atoi(v);
		} else {
			req->status = 422;
			overview_page(req, &p, "error", T(req, TX_ATT_E_SCORE));
			return;
		}
		if (score == rows[i].score)
			continue; /* unchanged: no write, no audit noise */
		scores[nscores].person_id = rows[i].person_id;
		scores[nscores++].score = score;
	}
	if (nscores && completion_set_scores(req->store, &p, scores, nscores, &who, &err) != 0) {
		req->status = err.code == ERR_INVALID ? 422 : 500;
		overview_page(req, &p, "error", err.code == ERR_INVALID ? T(req, TX_ATT_E_SCORE) : T(req, TX_ERR_500));
		return;
	}
	req_redirect(req, arena_printf(req->arena, "%s/attendance?done=scores", programme_path(req, &p)));
}

void page_programme_complete(struct request *req)
{
	struct att_programme p;
	struct completion_counts c;
	struct err err = { 0 };
	struct actor who = req_actor(req);
	char today[11];

	if (load_programme(req, &p, false) < 0)
		return;
	today_local(today);
	if (completion_run(req->store, &p, today, &who, &c, &err) != 0) {
		if (err.code != ERR_CONFLICT) {
			req_error(req, 500);
			return;
		}
		req->status = 409;
		overview_page(req, &p, "error", T(req, !strcmp(err.field, "last_day")
						      ? TX_ATT_E_COMPLETE_FUTURE : TX_ATT_E_CANNOT_COMPLETE));
		return;
	}
	req_redirect(req, arena_printf(req->arena, "%s/attendance?done=complete&issued=%d&already=%d&not_met=%d",
				       programme_path(req, &p), c.issued, c.already, c.not_met));
}
