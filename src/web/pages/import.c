/* import.c - the import page: upload, check and preview, confirm, outcome.
 *
 * The work runs as a job (web/jobs.c): the upload answers at once with the
 * job's page, which follows the job's progress through
 * /api/v1/import-jobs/{id} and shows the preview, the bad rows and what
 * would change before anything is written. */
#include "web/pages/pages.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/import.h"
#include "core/import_job.h"
#include "store/store.h"
#include "web/html.h"
#include "web/jobs.h"
#include "web/layout.h"

static void kind_section(struct request *req, enum import_kind kind)
{
	const struct import_column *cols;
	int n;

	cols = import_columns(kind, &n);
	html(req, "<section class=\"panel import-kind\"><h2>");
	html_text(req, T(req, kind == IMPORT_TEACHERS ? TX_IMPORT_TEACHERS : TX_IMPORT_SCHOOLS));
	html(req, "</h2>\n<p class=\"columns\">");
	html_text(req, T(req, TX_IMPORT_COLUMNS));
	html(req, ": ");
	for (int i = 0; i < n; i++) {
		if (i)
			html(req, "、");
		html(req, "<span class=\"col\">");
		html_text(req, cols[i].zh);
		if (cols[i].required) {
			html(req, "<abbr title=\"");
			html_attr(req, T(req, TX_IMPORT_REQUIRED));
			html(req, "\">*</abbr>");
		}
		html(req, "</span>");
	}
	html(req, "</p>\n<p><a class=\"button secondary\" href=\"/import/template/");
	html(req, import_kind_name(kind));
	html(req, ".xlsx\">");
	html_text(req, T(req, TX_IMPORT_TEMPLATE));
	html(req, "</a></p>\n<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\""
		  " class=\"upload\">");
	html_csrf(req);
	html_hidden(req, "kind", import_kind_name(kind));
	html(req, "<label>");
	html_text(req, T(req, TX_IMPORT_FILE));
	html(req, " <input type=\"file\" name=\"file\" required accept=\".xlsx,.xls,.csv,.txt\"></label>"
		  " <button type=\"submit\" class=\"primary\">");
	html_text(req, T(req, TX_IMPORT_UPLOAD));
	html(req, "</button></form></section>\n");
}

static enum text_id state_text(const char *state)
{
	if (!strcmp(state, "checking"))
		return TX_IMPORT_STATE_CHECKING;
	if (!strcmp(state, "checked"))
		return TX_IMPORT_STATE_CHECKED;
	if (!strcmp(state, "running"))
		return TX_IMPORT_STATE_RUNNING;
	if (!strcmp(state, "done"))
		return TX_IMPORT_STATE_DONE;
	return TX_IMPORT_STATE_FAILED;
}

static bool own_job(struct request *req, const struct import_job *j)
{
	return j->account_id == req->who.account_id || req->who.role == ROLE_SYSADMIN;
}

void page_import(struct request *req)
{
	struct import_job *jobs;
	int n = 0;

	layout_start(req, T(req, TX_IMPORT));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_IMPORT));
	html(req, "</h1></div>\n<p class=\"help\">");
	html_text(req, T(req, TX_IMPORT_HELP));
	html(req, "</p>\n<p class=\"help\">");
	html_text(req, T(req, TX_IMPORT_VALUES_HELP));
	html(req, "</p>\n<div class=\"import-kinds\">");
	kind_section(req, IMPORT_TEACHERS);
	kind_section(req, IMPORT_SCHOOLS);
	html(req, "</div>\n");

	if (import_job_list(req->store, req->arena,
			    req->who.role == ROLE_SYSADMIN ? 0 : req->who.account_id, 20, &jobs, &n) == 0 &&
	    n > 0) {
		static const enum text_id head[] = { TX_CREATED, TX_IMPORT_KIND, TX_IMPORT_FILE,
						     TX_STATUS, TX_IMPORT_ROWS };

		html(req, "<h2>");
		html_text(req, T(req, TX_IMPORT_RECENT));
		html(req, "</h2>\n<div class=\"table-wrap\"><table class=\"data\">");
		layout_table_head(req, head, sizeof head / sizeof head[0], NULL);
		html(req, "<tbody>");
		for (int i = 0; i < n; i++) {
			html(req, "<tr><td>");
			layout_time(req, jobs[i].created_at);
			html(req, "</td><td>");
			html_text(req, T(req, !strcmp(jobs[i].kind, "schools") ? TX_SCHOOLS : TX_TEACHERS));
			html(req, "</td><td><a href=\"/import/jobs/");
			html_textf(req, "%lld", (long long)jobs[i].id);
			html(req, "\">");
			html_text(req, jobs[i].file_name);
			html(req, "</a></td><td>");
			html_text(req, T(req, state_text(jobs[i].state)));
			html(req, "</td><td class=\"num\">");
			html_textf(req, "%ld", jobs[i].rows);
			html(req, "</td></tr>\n");
		}
		html(req, "</tbody></table></div>\n");
	}
	layout_end(req);
}

void page_import_upload(struct request *req)
{
	const struct upload *f = req_file(req, "file");
	int kind = import_kind_parse(req_form(req, "kind"));
	struct err e = { 0 };
	int64_t id;

	/* hours records come in through 'tdc import credits' (issue 5),
	 * appraisals and events through the command line or the person's
	 * page (issue 6) */
	if (kind != IMPORT_SCHOOLS && kind != IMPORT_TEACHERS) {
		layout_error_page(req, 400, "kind must be schools or teachers");
		return;
	}
	if (!f || !f->filename || !*f->filename) {
		layout_error_page(req, 422, T(req, TX_IMPORT_NO_FILE));
		return;
	}
	if (f->len == 0) {
		layout_error_page(req, 422, T(req, TX_IMPORT_EMPTY_FILE));
		return;
	}
	if (import_job_create(req->store, kind, f->filename, f->data, f->len, req->who.account_id,
			      req->who.login, &id, &e) < 0) {
		layout_error_page(req, 500, e.message);
		return;
	}
	if (jobs_start_import(req->app, id, false, &e) < 0) {
		/* never leave a job "checking" that nothing checks */
		import_job_fail(req->store, id, e.message);
		layout_error_page(req, e.code == ERR_THROTTLED ? 429 : 500, e.message);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/import/jobs/%lld", (long long)id));
}

/* Reads {id} and the job; answers 404 for another account's job. */
static bool load_job(struct request *req, struct import_job *j)
{
	const char *p = req_param(req, "id");
	char *end;
	long long id = p ? strtoll(p, &end, 10) : 0;

	if (!p || *end || id <= 0 || import_job_get(req->store, req->arena, id, j) < 0 ||
	    !own_job(req, j)) {
		req_error(req, 404);
		return false;
	}
	return true;
}

static void summary(struct request *req, const struct import_job *j, enum text_id fmt)
{
	html(req, "<p class=\"summary\">");
	html_textf(req, T(req, fmt), arena_printf(req->arena, "%ld", j->rows),
		   arena_printf(req->arena, "%ld", j->inserted),
		   arena_printf(req->arena, "%ld", j->updated),
		   arena_printf(req->arena, "%ld", j->unchanged),
		   arena_printf(req->arena, "%ld", j->bad));
	html(req, "</p>\n");
}

static void report(struct request *req, const struct import_job *j)
{
	if (!j->report || !*j->report)
		return;
	html(req, "<h2>");
	html_text(req, T(req, TX_IMPORT_ERRORS));
	html(req, "</h2>\n<pre class=\"report\">");
	html_text(req, j->report);
	html(req, "</pre>\n");
}

static void preview(struct request *req, const struct import_job *j)
{
	json_t *rows;
	json_error_t jerr;
	size_t i, k;
	json_t *row, *cell;

	if (!j->preview || !(rows = json_loads(j->preview, 0, &jerr)))
		return;
	html(req, "<h2>");
	html_text(req, T(req, TX_IMPORT_PREVIEW));
	html(req, "</h2>\n<div class=\"table-wrap scroll\"><table class=\"data preview\">");
	json_array_foreach(rows, i, row) {
		html(req, i == 0 ? "<thead><tr>" : "<tr>");
		json_array_foreach(row, k, cell) {
			const char *tag = i == 0 ? "th" : "td";

			html(req, "<");
			html(req, tag);
			html(req, ">");
			if (k == 0 && i == 0)
				html_text(req, T(req, TX_IMPORT_LINE));
			else if (json_is_integer(cell))
				html_textf(req, "%lld", (long long)json_integer_value(cell));
			else
				html_text(req, json_string_value(cell));
			html(req, "</");
			html(req, tag);
			html(req, ">");
		}
		html(req, i == 0 ? "</tr></thead><tbody>\n" : "</tr>\n");
	}
	html(req, "</tbody></table></div>\n");
	json_decref(rows);
}

static void run_button(struct request *req, const struct import_job *j, bool skip_bad,
		       enum text_id label)
{
	html(req, "<form method=\"post\" class=\"inline\" action=\"/import/jobs/");
	html_textf(req, "%lld", (long long)j->id);
	html(req, "/run\">");
	html_csrf(req);
	html_hidden(req, "skip_bad", skip_bad ? "1" : "0");
	html(req, "<button type=\"submit\"");
	html(req, skip_bad ? ">" : " class=\"primary\">");
	html_text(req, T(req, label));
	html(req, "</button></form>\n");
}

void page_import_job(struct request *req)
{
	struct import_job j;
	bool busy;

	if (!load_job(req, &j))
		return;
	busy = !strcmp(j.state, "checking") || !strcmp(j.state, "running");
	layout_start(req, T(req, TX_IMPORT));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, !strcmp(j.kind, "schools") ? TX_IMPORT_SCHOOLS : TX_IMPORT_TEACHERS));
	html(req, "</h1><p class=\"scope\">");
	html_text(req, j.file_name);
	if (j.file_kind) {
		html(req, " · ");
		html_text(req, j.file_kind);
	}
	html(req, "</p></div>\n<p>");
	html(req, "<span class=\"state state-");
	html_attr(req, j.state);
	html(req, "\" data-state=\"");
	html_attr(req, j.state);
	html(req, "\">");
	html_text(req, T(req, state_text(j.state)));
	html(req, "</span></p>\n");

	if (busy) {
		int permille = 0;
		long rows = 0;

		jobs_progress(j.id, &permille, &rows);
		html(req, "<div class=\"job\" data-job=\"");
		html_textf(req, "%lld", (long long)j.id);
		html(req, "\"><progress max=\"1000\" value=\"");
		html_textf(req, "%d", permille);
		html(req, "\"></progress> <span class=\"job-rows\">");
		html_textf(req, "%ld", rows);
		html(req, "</span> ");
		html_text(req, T(req, TX_IMPORT_ROWS));
		html(req, "<p class=\"help\">");
		html_text(req, T(req, TX_IMPORT_WAIT));
		html(req, " <a href=\"\">↻</a></p></div>\n");
	} else if (!strcmp(j.state, "checked")) {
		summary(req, &j, TX_IMPORT_WOULD);
		if (j.bad == 0) {
			run_button(req, &j, false, TX_IMPORT_CONFIRM);
		} else {
			layout_notice(req, "error", T(req, TX_IMPORT_HAS_BAD));
			if (j.bad < j.rows)
				run_button(req, &j, true, TX_IMPORT_SKIP_BAD);
		}
		report(req, &j);
		preview(req, &j);
	} else if (!strcmp(j.state, "done")) {
		summary(req, &j, TX_IMPORT_DID);
		if (j.has_rejects) {
			html(req, "<p><a class=\"button secondary\" href=\"/import/jobs/");
			html_textf(req, "%lld", (long long)j.id);
			html(req, "/rejects.csv\">");
			html_text(req, T(req, TX_IMPORT_REJECTS));
			html(req, "</a></p>\n");
		}
		html(req, "<p><a class=\"button\" href=\"");
		html(req, !strcmp(j.kind, "schools") ? "/schools" : "/persons");
		html(req, "\">");
		html_text(req, T(req, !strcmp(j.kind, "schools") ? TX_SCHOOLS : TX_PERSONS));
		html(req, "</a></p>\n");
		report(req, &j);
	} else {
		if (j.message)
			layout_notice(req, "error", j.message);
		report(req, &j);
	}
	html(req, "<p><a href=\"/import\">");
	html_text(req, T(req, TX_IMPORT_AGAIN));
	html(req, "</a></p>\n");
	layout_end(req);
}

void page_import_run(struct request *req)
{
	struct import_job j;
	const char *skip = req_form(req, "skip_bad");
	struct err e = { 0 };

	if (!load_job(req, &j))
		return;
	if (import_job_mark_run(req->store, j.id, skip && !strcmp(skip, "1"), &e) < 0) {
		layout_error_page(req, e.code == ERR_CONFLICT ? 409 : 500,
				  e.code == ERR_CONFLICT ? T(req, TX_IMPORT_NOT_READY) : e.message);
		return;
	}
	if (jobs_start_import(req->app, j.id, true, &e) < 0) {
		import_job_fail(req->store, j.id, e.message);
		layout_error_page(req, e.code == ERR_THROTTLED ? 429 : 500, e.message);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/import/jobs/%lld", (long long)j.id));
}

void page_import_rejects(struct request *req)
{
	struct import_job j;
	unsigned char *data;
	size_t len;

	if (!load_job(req, &j))
		return;
	if (import_job_rejects(req->store, j.id, &data, &len) < 0) {
		req_error(req, 404);
		return;
	}
	buf_add(&req->out, data, len);
	free(data);
	req->status = 200;
	req->content_type = "text/csv; charset=utf-8";
	req_add_header(req, "Content-Disposition",
		       arena_printf(req->arena, "attachment; filename=\"import-%lld-rejects.csv\"",
				    (long long)j.id));
}

/* GET /api/v1/import-jobs/{id}: the state, and the progress while running. */
void api_import_job(struct request *req)
{
	struct import_job j;
	int permille = 0;
	long rows = 0;
	json_t *doc;

	if (!load_job(req, &j))
		return;
	if (jobs_progress(j.id, &permille, &rows)) {
		j.progress = permille;
		j.rows = rows;
	}
	doc = json_pack("{s:I, s:s, s:s, s:s?, s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:s?}",
			"id", (json_int_t)j.id, "kind", j.kind, "file_name", j.file_name,
			"file_kind", j.file_kind, "state", j.state, "progress", j.progress,
			"rows", (json_int_t)j.rows, "bad", (json_int_t)j.bad,
			"inserted", (json_int_t)j.inserted, "updated", (json_int_t)j.updated,
			"unchanged", (json_int_t)j.unchanged, "message", j.message);
	req_json(req, 200, doc);
}
