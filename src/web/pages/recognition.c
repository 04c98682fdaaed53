/* recognition.c - recognition of activities (学时认定, issue 6 §6): a
 * teacher's applications and the form to make one with evidence files;
 * one application with its files, its steps and the review or withdrawal
 * form; the reviewers' queue; the download of a file; a region's rules.
 *
 * The rules, the cap and the state machine are core/recognition.c's; this
 * file reads forms, maps refusals to the reader's language, and writes
 * pages.  The multipart body is walked here for every file field named
 * "evidence" (req_file() keeps two; an application may carry five).
 *
 * An application outside the caller's view is 404, like any record she
 * may not see; "x" for an id is 400 (not a number at all). */
#include "web/pages/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/evidence.h"
#include "core/hours.h"
#include "core/recognition.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "lib/utf8.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/multipart.h"

static const char *fmt_hours(struct request *req, int64_t hours10)
{
	char h[HOURS_TEXT_MAX];

	return arena_strdup(req->arena, hours_format(hours10, h));
}

/* The {id} of the path: a positive number, else 400. */
static int64_t path_id(struct request *req)
{
	const char *v = req_param(req, "id");
	char *end;
	long long id;

	if (!v || !*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 15) {
		req_error(req, 400);
		return -1;
	}
	id = strtoll(v, &end, 10);
	if (id <= 0) {
		req_error(req, 400);
		return -1;
	}
	return id;
}

static const char *app_ref(struct request *req, int64_t id)
{
	return arena_printf(req->arena, "#%lld", (long long)id);
}

static void cell(struct request *req, enum text_id label, const char *cls)
{
	html(req, "<td");
	if (cls) {
		html(req, " class=\"");
		html(req, cls);
		html(req, "\"");
	}
	html(req, " data-label=\"");
	html_attr(req, T(req, label));
	html(req, "\">");
}

static void state_tag(struct request *req, const char *state)
{
	html(req, "<span class=\"tag");
	if (!strcmp(state, "approved"))
		html(req, " ok");
	else if (!strcmp(state, "returned") || !strcmp(state, "withdrawn"))
		html(req, " off");
	html(req, "\">");
	html_text(req, text_enum(req->lang, "recognition_state", state));
	html(req, "</span>");
}

/* The person as a reviewer sees her: name, masked ID number. */
static void person_text(struct request *req, const struct recognition *r)
{
	char masked[32];

	html_text(req, r->person_name);
	if (r->id_number && req->who.person_id != r->person_id) {
		idcard_mask(r->id_number, masked);
		html(req, " <span class=\"muted\">");
		html_text(req, masked);
		html(req, "</span>");
	}
}

/* ---- the list (a teacher's own; a reviewer's queue) ---- */

static void list_table(struct request *req, const struct recognition *rows, int n, bool reviewer)
{
	enum text_id cols[] = { TX_REC_DATE, TX_REC_KIND, TX_REC_TITLE, TX_REC_HOURS, TX_REC_STATE,
				TX_REC_COMMENT, TX_ACTIONS, TX_REC_PERSON, TX_REC_SCHOOL };
	static const char *const classes[] = { "nowrap", "nowrap", NULL, "num", "nowrap", NULL, "actions",
					       NULL, NULL };
	size_t ncols = reviewer ? 9 : 7;

	html(req, "<div class=\"table-wrap\"><table class=\"data registry recognitions\">");
	layout_table_head(req, cols, ncols, classes);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		const struct recognition *r = &rows[i];
		const char *comment = r->centre_comment ? r->centre_comment : r->school_comment;

		html(req, "<tr>");
		cell(req, TX_REC_DATE, "nowrap");
		html_text(req, r->activity_date);
		html(req, "</td>");
		cell(req, TX_REC_KIND, "nowrap");
		html_text(req, text_enum(req->lang, "recognition_kind", r->kind));
		html(req, "</td>");
		cell(req, TX_REC_TITLE, "title-cell");
		html_link(req, arena_printf(req->arena, "/recognition/%lld", (long long)r->id), r->title);
		html(req, "</td>");
		cell(req, TX_REC_HOURS, "num");
		html_text(req, fmt_hours(req, r->hours10));
		html(req, "</td>");
		cell(req, TX_REC_STATE, "nowrap");
		state_tag(req, r->state);
		html(req, "</td>");
		cell(req, TX_REC_COMMENT, NULL);
		html_text(req, comment);
		html(req, "</td>");
		cell(req, TX_ACTIONS, "actions");
		if (!reviewer && (!strcmp(r->state, "applied") || !strcmp(r->state, "school_approved"))) {
			html(req, "<form method=\"post\" action=\"");
			html_attr(req, arena_printf(req->arena, "/recognition/%lld/withdraw", (long long)r->id));
			html(req, "\">");
			html_csrf(req);
			html(req, "<button type=\"submit\" class=\"danger\">");
			html_text(req, T(req, TX_REC_WITHDRAW));
			html(req, "</button></form>");
		} else {
			html_link(req, arena_printf(req->arena, "/recognition/%lld", (long long)r->id),
				  T(req, TX_REC_VIEW));
		}
		html(req, "</td>");
		if (reviewer) {
			cell(req, TX_REC_PERSON, NULL);
			person_text(req, r);
			html(req, "</td>");
			cell(req, TX_REC_SCHOOL, NULL);
			html_text(req, r->school_name);
			html(req, "</td>");
		}
		html(req, "</tr>");
	}
	html(req, "</tbody></table></div>\n");
}

static void done_notice(struct request *req)
{
	const char *done = req_query(req, "done");
	static const struct { const char *code; enum text_id text; } notices[] = {
		{ "applied", TX_REC_DONE_APPLIED }, { "withdrawn", TX_REC_DONE_WITHDRAWN },
		{ "school_approved", TX_REC_DONE_SCHOOL_APPROVED }, { "approved", TX_REC_DONE_APPROVED },
		{ "returned", TX_REC_DONE_RETURNED }, { "rule", TX_REC_RULE_SAVED },
	};

	for (size_t i = 0; done && i < sizeof notices / sizeof notices[0]; i++)
		if (!strcmp(done, notices[i].code))
			layout_notice(req, "ok", T(req, notices[i].text));
}

void page_recognition_mine(struct request *req)
{
	struct recognition_filter f = { .person_id = req->who.person_id, .limit = 500 };
	struct recognition *rows;
	struct err err = { 0 };
	int n;

	if (!req->who.person_id) {
		req_redirect(req, "/");
		return;
	}
	if (recognition_list(req->store, req->arena, &req->who, &f, &rows, &n, &err) < 0) {
		req_error(req, 500);
		return;
	}
	req->status = 200;
	req->content_type = "text/html; charset=utf-8";
	layout_start(req, T(req, TX_REC_MINE_TITLE));
	html(req, "<h1>");
	html_text(req, T(req, TX_REC_MINE_TITLE));
	html(req, "</h1>\n");
	done_notice(req);
	html(req, "<p class=\"hint\">");
	html_text(req, T(req, TX_REC_MINE_HINT));
	html(req, "</p><p class=\"toolbar\"><a class=\"button primary\" href=\"/recognition/new\">");
	html_text(req, T(req, TX_REC_APPLY));
	html(req, "</a> <a href=\"/recognition/rules\">");
	html_text(req, T(req, TX_REC_NAV_RULES));
	html(req, "</a></p>\n");
	if (!n) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_REC_NONE));
		html(req, "</p>\n");
	} else {
		list_table(req, rows, n, false);
	}
	layout_end(req);
}

void page_recognition_queue(struct request *req)
{
	bool all = req_query(req, "state") && !strcmp(req_query(req, "state"), "all");
	struct recognition_filter f = { .state = all ? NULL : "pending", .limit = 500 };
	struct recognition *rows, *mine;
	struct err err = { 0 };
	bool municipal = req->who.role == ROLE_CENTRE_ADMIN && strcmp(req->who.centre_kind, "district");
	int n, k = 0;

	if (recognition_list(req->store, req->arena, &req->who, &f, &rows, &n, &err) < 0) {
		req_error(req, 500);
		return;
	}
	/* waiting for me: only the step that is the caller's */
	mine = rows;
	for (int i = 0; i < n; i++)
		if (all || recognition_may_review(&req->who, rows[i].school_code, rows[i].district_code,
						  rows[i].state))
			mine[k++] = rows[i];
	req->status = 200;
	req->content_type = "text/html; charset=utf-8";
	layout_start(req, T(req, TX_REC_REVIEW_TITLE));
	html(req, "<h1>");
	html_text(req, T(req, TX_REC_REVIEW_TITLE));
	html(req, "</h1>\n");
	done_notice(req);
	html(req, "<p class=\"hint\">");
	html_text(req, T(req, municipal ? TX_REC_REVIEW_MUNICIPAL :
			      req->who.role == ROLE_SCHOOL_ADMIN ? TX_REC_REVIEW_HINT_SCHOOL :
								   TX_REC_REVIEW_HINT_CENTRE));
	html(req, "</p><nav class=\"tabs\"><a href=\"/recognition/review\"");
	if (!all)
		html(req, " aria-current=\"page\"");
	html(req, ">");
	html_text(req, T(req, TX_REC_WAITING));
	html(req, "</a> <a href=\"/recognition/review?state=all\"");
	if (all)
		html(req, " aria-current=\"page\"");
	html(req, ">");
	html_text(req, T(req, TX_REC_ALL));
	html(req, "</a></nav>\n");
	if (!k) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, all ? TX_REC_NONE : TX_REC_NO_PENDING));
		html(req, "</p>\n");
	} else {
		list_table(req, mine, k, true);
	}
	layout_end(req);
}

/* ---- applying ---- */

/* What the form sent, kept to show it again when it fails. */
struct apply_form {
	const char *kind, *date, *items, *title, *description;
	struct recognition_file_in files[RECOG_FILES_MAX];
	int nfiles;
	bool too_many;
};

struct walk {
	struct request *req;
	struct apply_form *f;
};

static int form_part(const struct multipart_part *part, void *ctx)
{
	struct walk *w = ctx;
	struct apply_form *f = w->f;

	/* an empty file input is sent with no name and no bytes */
	if (strcmp(part->name, "evidence") || (!part->filename[0] && part->len == 0))
		return 0;
	if (f->nfiles == RECOG_FILES_MAX) {
		f->too_many = true;
		return 0;
	}
	f->files[f->nfiles].original_name = arena_strdup(w->req->arena, part->filename);
	f->files[f->nfiles].data = part->data;
	f->files[f->nfiles].len = part->len;
	f->nfiles++;
	return 0;
}

static int read_apply_form(struct request *req, struct apply_form *f)
{
	const char *ctype = req_header(req, "Content-Type");
	char boundary[80];
	struct walk w = { req, f };

	memset(f, 0, sizeof *f);
	f->kind = req_form(req, "kind");
	f->date = req_form(req, "activity_date");
	f->items = req_form(req, "items");
	f->title = req_form(req, "title");
	f->description = req_form(req, "description");
	if (!req->body.len || multipart_boundary(ctype, boundary, sizeof boundary) < 0)
		return 0; /* a form without files: "attach evidence" will say so */
	return multipart_parse(req->body.data, req->body.len, boundary, form_part, &w);
}

static void text_input(struct request *req, const char *name, enum text_id label, const char *type,
		       const char *value, const char *extra)
{
	html(req, "<label for=\"r-");
	html_attr(req, name);
	html(req, "\">");
	html_text(req, T(req, label));
	html(req, "</label><input id=\"r-");
	html_attr(req, name);
	html(req, "\" name=\"");
	html_attr(req, name);
	html(req, "\" type=\"");
	html_attr(req, type);
	html(req, "\"");
	if (extra)
		html(req, extra);
	if (value) {
		html(req, " value=\"");
		html_attr(req, value);
		html(req, "\"");
	}
	html(req, ">");
}

static void new_page(struct request *req, const struct apply_form *f, const char *error)
{
	struct recognition_rule *rules = NULL;
	struct err err = { 0 };
	char today[DATE_LEN + 1];
	int n = 0;

	clock_today(today);
	if (recognition_rules(req->store, req->arena, req->who.region_code, true, &rules, &n, &err) < 0) {
		req_error(req, 500);
		return;
	}
	req->content_type = "text/html; charset=utf-8";
	if (!req->status)
		req->status = 200;
	layout_start(req, T(req, TX_REC_NEW_TITLE));
	html(req, "<p class=\"crumbs\"><a href=\"/recognition\">");
	html_text(req, T(req, TX_REC_MINE_TITLE));
	html(req, "</a></p><h1>");
	html_text(req, T(req, TX_REC_NEW_TITLE));
	html(req, "</h1>\n");
	if (error)
		layout_notice(req, "error", error);
	if (!n) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_REC_NO_RULES));
		html(req, "</p>\n");
		layout_end(req);
		return;
	}
	html(req, "<form class=\"form registry-form\" method=\"post\" action=\"/recognition\""
		  " enctype=\"multipart/form-data\">");
	html_csrf(req);
	html(req, "<label for=\"r-kind\">");
	html_text(req, T(req, TX_REC_KIND));
	html(req, "</label><select id=\"r-kind\" name=\"kind\" required>");
	for (int i = 0; i < n; i++) {
		char h[HOURS_TEXT_MAX], c[HOURS_TEXT_MAX];
		const char *label = arena_printf(req->arena, T(req, TX_REC_RULE_OPTION),
						 text_enum(req->lang, "recognition_kind", rules[i].kind),
						 hours_format(rules[i].hours10, h), hours_format(rules[i].cap10, c));

		html_option(req, rules[i].kind, label, f && f->kind && !strcmp(f->kind, rules[i].kind));
	}
	html(req, "</select>");
	text_input(req, "activity_date", TX_REC_DATE, "date", f ? f->date : NULL,
		   arena_printf(req->arena, " required max=\"%s\"", today));
	text_input(req, "items", TX_REC_ITEMS, "number", f && f->items ? f->items : "1",
		   " required min=\"1\" max=\"100\" step=\"1\" inputmode=\"numeric\"");
	text_input(req, "title", TX_REC_TITLE, "text", f ? f->title : NULL, " required maxlength=\"200\"");
	html(req, "<label for=\"r-description\">");
	html_text(req, T(req, TX_REC_DESCRIPTION));
	html(req, "</label><textarea id=\"r-description\" name=\"description\" rows=\"4\" maxlength=\"4000\">");
	html_text(req, f ? f->description : NULL);
	html(req, "</textarea><label for=\"r-evidence\">");
	html_text(req, T(req, TX_REC_FILES));
	html(req, "</label><input id=\"r-evidence\" name=\"evidence\" type=\"file\" multiple required"
		  " accept=\".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png\""
		  " aria-describedby=\"r-evidence-hint\"><p class=\"hint\" id=\"r-evidence-hint\">");
	html_text(req, T(req, TX_REC_FILES_HINT));
	html(req, "</p><div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, TX_REC_SUBMIT));
	html(req, "</button></div></form>\n");
	layout_end(req);
}

void page_recognition_new(struct request *req)
{
	if (!req->who.person_id) {
		req_redirect(req, "/");
		return;
	}
	new_page(req, NULL, NULL);
}

/* A refusal of core/recognition.c in the reader's words. */
static const char *refusal(struct request *req, const struct err *err, const struct recognition_cap *cap,
			   const char *file_name)
{
	static const struct { const char *field; enum text_id text; } fields[] = {
		{ "kind", TX_REC_E_KIND }, { "activity_date", TX_REC_E_DATE }, { "items", TX_REC_E_ITEMS },
		{ "title", TX_REC_E_TITLE }, { "description", TX_REC_E_DESCRIPTION },
		{ "files", TX_REC_E_FILES }, { "school", TX_REC_E_SCHOOL }, { "comment", TX_REC_E_COMMENT },
		{ "file_type", TX_REC_E_FILE_TYPE }, { "file_size", TX_REC_E_FILE_SIZE },
		{ "file_empty", TX_REC_E_FILE_EMPTY },
	};

	if (err->code == ERR_CONFLICT && !strcmp(err->field, "cap") && cap) {
		char c[HOURS_TEXT_MAX], u[HOURS_TEXT_MAX], l[HOURS_TEXT_MAX], a[HOURS_TEXT_MAX];

		return arena_printf(req->arena, T(req, TX_REC_E_CAP), hours_format(cap->cap10, c), cap->year,
				    hours_format(cap->used10, u), hours_format(cap->left10, l),
				    hours_format(cap->asked10, a));
	}
	if (err->code == ERR_CONFLICT)
		return T(req, TX_REC_E_STATE);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (!strcmp(err->field, fields[i].field))
			return strncmp(err->field, "file_", 5) ? T(req, fields[i].text) :
				arena_printf(req->arena, T(req, fields[i].text), file_name ? file_name : "");
	return err->message;
}

/* The file evidence_check() refused, for its name in the message. */
static const char *bad_file(const struct apply_form *f)
{
	const char *mime;
	struct err e = { 0 };

	for (int i = 0; i < f->nfiles; i++)
		if (evidence_check(f->files[i].data, f->files[i].len, &mime, &e) < 0)
			return f->files[i].original_name;
	return NULL;
}

void page_recognition_apply(struct request *req)
{
	struct apply_form f;
	struct recognition_input in = { 0 };
	struct recognition_cap cap = { 0 };
	struct err err = { 0 };
	struct actor by = req_actor(req);
	char today[DATE_LEN + 1], dir[1100];
	int64_t id = 0;
	char *end = NULL;
	long items;

	if (!req->who.person_id) {
		req_redirect(req, "/");
		return;
	}
	if (read_apply_form(req, &f) < 0) {
		req_error(req, 400);
		return;
	}
	if (f.too_many) {
		req->status = 422;
		new_page(req, &f, T(req, TX_REC_E_FILES));
		return;
	}
	items = f.items ? strtol(f.items, &end, 10) : 0;
	clock_today(today);
	in.person_id = req->who.person_id;
	in.kind = f.kind;
	in.activity_date = f.date;
	in.items = end && !*end && items > 0 && items <= RECOG_ITEMS_MAX ? (int)items : 0;
	in.title = f.title ? utf8_trimmed(req->arena, f.title) : NULL;
	in.description = f.description ? utf8_trimmed(req->arena, f.description) : NULL;
	in.files = f.files;
	in.nfiles = f.nfiles;
	if (config_files_dir(&req->app->config, dir, sizeof dir) < 0) {
		req_error(req, 500);
		return;
	}
	if (recognition_apply(req->store, dir, &in, today, &by, &id, &cap, &err) < 0) {
		if (err.code == ERR_INVALID || err.code == ERR_CONFLICT) {
			req->status = err.code == ERR_CONFLICT ? 409 : 422;
			new_page(req, &f, refusal(req, &err, &cap, bad_file(&f)));
		} else if (err.code == ERR_IO) {
			req->status = 500;
			new_page(req, &f, T(req, TX_REC_E_STORE));
		} else {
			req_error(req, 500);
		}
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/recognition/%lld?done=applied", (long long)id));
}

/* ---- one application ---- */

/* Loads {id} for the caller: 400, 404 (also when she may not see it). */
static int load(struct request *req, struct recognition *r)
{
	struct err err = { 0 };
	int64_t id = path_id(req);

	if (id < 0)
		return -1;
	if (recognition_get(req->store, req->arena, id, r, &err) < 0) {
		req_error(req, err.code == ERR_NOT_FOUND ? 404 : 500);
		return -1;
	}
	if (!recognition_may_see(&req->who, r)) {
		req_error(req, 404);
		return -1;
	}
	return 0;
}

/* One row of the facts table, left open for its value: fact() closes
 * the previous row first. */
static void fact_start(struct request *req, enum text_id label, const char *cls)
{
	html(req, "<tr><th scope=\"row\">");
	html_text(req, T(req, label));
	html(req, cls ? "</th><td class=\"" : "</th><td>");
	if (cls) {
		html(req, cls);
		html(req, "\">");
	}
}

static void fact(struct request *req, enum text_id label, const char *cls, const char *value)
{
	html(req, "</td></tr>");
	fact_start(req, label, cls);
	html_text(req, value);
}

static void step_row(struct request *req, enum text_id label, const char *by, const char *at,
		     const char *comment)
{
	html(req, "<tr><th scope=\"row\">");
	html_text(req, T(req, label));
	html(req, "</th><td>");
	if (at) {
		html_text(req, by);
		html(req, " · ");
		layout_time(req, at);
	} else {
		html(req, "—");
	}
	if (comment) {
		html(req, "<br>");
		html_text(req, comment);
	}
	html(req, "</td></tr>");
}

static void view_page(struct request *req, const struct recognition *r, const char *error)
{
	bool may_review = recognition_may_review(&req->who, r->school_code, r->district_code, r->state);
	bool own = req->who.person_id && req->who.person_id == r->person_id;

	req->content_type = "text/html; charset=utf-8";
	if (!req->status)
		req->status = 200;
	layout_start(req, arena_printf(req->arena, T(req, TX_REC_DETAIL_TITLE), app_ref(req, r->id)));
	html(req, "<p class=\"crumbs\">");
	if (own)
		html_link(req, "/recognition", T(req, TX_REC_MINE_TITLE));
	else
		html_link(req, "/recognition/review", T(req, TX_REC_REVIEW_TITLE));
	html(req, "</p><h1>");
	html_text(req, r->title);
	html(req, " ");
	state_tag(req, r->state);
	html(req, "</h1>\n");
	done_notice(req);
	if (error)
		layout_notice(req, "error", error);
	html(req, "<section class=\"panel\"><table class=\"facts\"><tbody>");
	fact_start(req, TX_REC_PERSON, NULL);
	person_text(req, r);
	fact(req, TX_REC_SCHOOL, NULL, r->school_name);
	fact(req, TX_REC_KIND, NULL, text_enum(req->lang, "recognition_kind", r->kind));
	fact(req, TX_REC_DATE, NULL, r->activity_date);
	fact(req, TX_REC_ITEMS, NULL, arena_printf(req->arena, "%d", r->items));
	fact(req, TX_REC_HOURS, "num", fmt_hours(req, r->hours10));
	fact(req, TX_REC_CATEGORY, NULL, text_enum(req->lang, "category", r->category));
	fact(req, TX_REC_DESCRIPTION, "prewrap", r->description);
	html(req, "</td></tr>");
	step_row(req, TX_REC_STEP_APPLIED, r->person_name, r->applied_at, NULL);
	step_row(req, TX_REC_STEP_SCHOOL, r->school_by, r->school_at, r->school_comment);
	step_row(req, TX_REC_STEP_CENTRE, r->centre_by, r->centre_at, r->centre_comment);
	if (r->record_id) {
		html(req, "<tr><th scope=\"row\">");
		html_text(req, T(req, TX_REC_LEDGER_ENTRY));
		html(req, "</th><td>");
		html_text(req, r->record_id);
		html(req, "</td></tr>");
	}
	html(req, "</tbody></table></section>\n<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_REC_FILES));
	html(req, "</h2>");
	if (!r->nfiles) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_REC_NO_EVIDENCE));
		html(req, "</p>");
	} else {
		html(req, "<ul class=\"files\">");
		for (int i = 0; i < r->nfiles; i++) {
			const struct recognition_file *fl = &r->files[i];

			html(req, "<li><a download href=\"");
			html_attr(req, arena_printf(req->arena, "/recognition/files/%lld", (long long)fl->id));
			html(req, "\">");
			html_text(req, fl->original_name);
			html(req, "</a> <span class=\"muted\">");
			html_text(req, evidence_extension(fl->mime));
			if (fl->bytes < 1024 * 1024)
				html_textf(req, " · %.0f KB", fl->bytes < 1024 ? 1.0 : (double)fl->bytes / 1024.0);
			else
				html_textf(req, " · %.1f MB", (double)fl->bytes / (1024.0 * 1024.0));
			html(req, "</span></li>");
		}
		html(req, "</ul>");
	}
	html(req, "</section>\n");
	if (may_review) {
		html(req, "<section class=\"panel\"><h2>");
		html_text(req, T(req, TX_REC_REVIEW_TITLE));
		html(req, "</h2><form class=\"form registry-form\" method=\"post\" action=\"");
		html_attr(req, arena_printf(req->arena, "/recognition/%lld/review", (long long)r->id));
		html(req, "\">");
		html_csrf(req);
		text_input(req, "comment", TX_REC_COMMENT, "text", NULL, " maxlength=\"500\"");
		html(req, "<div class=\"form-actions\"><button class=\"primary\" type=\"submit\" name=\"decision\""
			  " value=\"approve\">");
		html_text(req, T(req, TX_REC_APPROVE));
		html(req, "</button> <button class=\"danger\" type=\"submit\" name=\"decision\" value=\"return\">");
		html_text(req, T(req, TX_REC_RETURN));
		html(req, "</button></div></form></section>\n");
	}
	if (own && (!strcmp(r->state, "applied") || !strcmp(r->state, "school_approved"))) {
		html(req, "<form method=\"post\" action=\"");
		html_attr(req, arena_printf(req->arena, "/recognition/%lld/withdraw", (long long)r->id));
		html(req, "\">");
		html_csrf(req);
		html(req, "<button type=\"submit\" class=\"danger\">");
		html_text(req, T(req, TX_REC_WITHDRAW));
		html(req, "</button></form>\n");
	}
	layout_end(req);
}

void page_recognition_view(struct request *req)
{
	struct recognition r;

	if (load(req, &r) < 0)
		return;
	view_page(req, &r, NULL);
}

void page_recognition_withdraw(struct request *req)
{
	struct err err = { 0 };
	struct actor by = req_actor(req);
	int64_t id = path_id(req);

	if (id < 0)
		return;
	if (recognition_withdraw(req->store, id, req->who.person_id, &by, &err) < 0) {
		if (err.code == ERR_NOT_FOUND) {
			req_error(req, 404);
		} else if (err.code == ERR_CONFLICT) {
			struct recognition r;

			if (load(req, &r) < 0)
				return;
			req->status = 409;
			view_page(req, &r, T(req, TX_REC_E_CANNOT_WITHDRAW));
		} else {
			req_error(req, 500);
		}
		return;
	}
	req_redirect(req, "/recognition?done=withdrawn");
}

void page_recognition_review(struct request *req)
{
	const char *decision = req_form(req, "decision");
	const char *comment = req_form(req, "comment");
	struct recognition_cap cap = { 0 };
	struct recognition r;
	struct err err = { 0 };
	struct actor by = req_actor(req);
	enum recognition_decision d;
	int64_t id = path_id(req);

	if (id < 0)
		return;
	if (!decision || (strcmp(decision, "approve") && strcmp(decision, "return"))) {
		req_error(req, 400);
		return;
	}
	d = !strcmp(decision, "approve") ? RECOG_APPROVE : RECOG_RETURN;
	comment = comment ? utf8_trimmed(req->arena, comment) : NULL;
	if (recognition_review(req->store, &req->who, id, d, comment, &by, &cap, &err) < 0) {
		int status = err.code == ERR_NOT_FOUND ? 404 : err.code == ERR_FORBIDDEN ? 403 :
			     err.code == ERR_CONFLICT ? 409 : err.code == ERR_INVALID ? 422 : 500;

		if (status == 404 || status == 500) {
			req_error(req, status);
			return;
		}
		if (load(req, &r) < 0)
			return;
		req->status = status;
		view_page(req, &r, status == 403 ? T(req, TX_REC_E_NOT_YOUR_TURN) : refusal(req, &err, &cap, NULL));
		return;
	}
	if (recognition_get(req->store, req->arena, id, &r, &err) < 0) {
		req_error(req, 500);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/recognition/%lld?done=%s", (long long)id, r.state));
}

void page_recognition_file(struct request *req)
{
	struct recognition r;
	struct err err = { 0 };
	const struct recognition_file *fl = NULL;
	const unsigned char *data;
	size_t len;
	char dir[1100];
	int64_t id = path_id(req), app_id = 0;

	if (id < 0)
		return;
	/* the file's application, then the same view rule as the page */
	if (recognition_file_owner(req->store, id, &app_id) < 0 || !app_id ||
	    recognition_get(req->store, req->arena, app_id, &r, &err) < 0 || !recognition_may_see(&req->who, &r)) {
		req_error(req, 404);
		return;
	}
	for (int i = 0; i < r.nfiles; i++)
		if (r.files[i].id == id)
			fl = &r.files[i];
	if (!fl || config_files_dir(&req->app->config, dir, sizeof dir) < 0 ||
	    evidence_read(dir, fl->stored_name, req->arena, &data, &len, &err) < 0) {
		req_error(req, fl && err.code != ERR_NOT_FOUND ? 500 : 404);
		return;
	}
	buf_reset(&req->out);
	buf_add(&req->out, data, len);
	/* the stored type, never sniffed by the browser (nosniff is on every
	 * answer), and always a download: evidence is never shown inline */
	req_download(req, fl->mime, fl->original_name,
		     arena_printf(req->arena, "evidence-%lld.%s", (long long)fl->id, evidence_extension(fl->mime)));
}

/* ---- the rules ---- */

static const char *rules_region(struct request *req)
{
	const char *q = req_query(req, "region");

	/* those who see more than one region choose; the others see theirs */
	if ((req->who.role == ROLE_SYSADMIN || req->who.role == ROLE_BUREAU) && q && *q)
		return q;
	return req->who.region_code[0] ? req->who.region_code : NULL;
}

/* A rule's hours field, tied to its row's form by form= */
static void hours_cell(struct request *req, const char *name, enum text_id label, const char *form_id,
		       const char *value)
{
	cell(req, label, "num");
	html(req, "<input name=\"");
	html_attr(req, name);
	html(req, "\" inputmode=\"decimal\" size=\"5\" required form=\"");
	html_attr(req, form_id);
	html(req, "\" aria-label=\"");
	html_attr(req, T(req, label));
	html(req, "\" value=\"");
	html_attr(req, value);
	html(req, "\"></td>");
}

static void rules_page(struct request *req, const char *region, const char *error)
{
	struct recognition_rule *rules = NULL;
	struct err err = { 0 };
	bool may_keep = recognition_may_keep_rules(&req->who, region);
	int n = 0;

	if (region && recognition_rules(req->store, req->arena, region, false, &rules, &n, &err) < 0) {
		req_error(req, 500);
		return;
	}
	req->content_type = "text/html; charset=utf-8";
	if (!req->status)
		req->status = 200;
	layout_start(req, T(req, TX_REC_NAV_RULES));
	html(req, "<h1>");
	html_textf(req, T(req, TX_REC_RULES_TITLE), region ? region : "—");
	html(req, "</h1>\n");
	done_notice(req);
	if (error)
		layout_notice(req, "error", error);
	html(req, "<p class=\"hint\">");
	html_text(req, T(req, TX_REC_RULES_HINT));
	html(req, "</p>\n");
	if (req->who.role == ROLE_SYSADMIN || req->who.role == ROLE_BUREAU) {
		html(req, "<form class=\"filters\" method=\"get\" action=\"/recognition/rules\"><label for=\"r-region\">");
		html_text(req, T(req, TX_REC_REGION));
		html(req, "</label><input id=\"r-region\" name=\"region\" inputmode=\"numeric\" maxlength=\"6\"");
		if (region) {
			html(req, " value=\"");
			html_attr(req, region);
			html(req, "\"");
		}
		html(req, "><button type=\"submit\">");
		html_text(req, T(req, TX_REC_SHOW));
		html(req, "</button></form>\n");
	}
	if (!region) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_REC_NO_REGION));
		html(req, "</p>\n");
		layout_end(req);
		return;
	}
	{
		enum text_id cols[] = { TX_REC_KIND, TX_REC_PER_ITEM, TX_REC_CAP, TX_REC_CATEGORY, TX_REC_ACTIVE,
					TX_ACTIONS };
		static const char *const classes[] = { NULL, "num", "num", NULL, NULL, "actions" };

		html(req, "<div class=\"table-wrap\"><table class=\"data registry rules\">");
		layout_table_head(req, cols, may_keep ? 6 : 5, classes);
	}
	html(req, "<tbody>");
	for (int k = 0; recognition_kinds[k]; k++) {
		const struct recognition_rule *r = NULL;
		const char *form_id = arena_printf(req->arena, "rule-%s", recognition_kinds[k]);

		for (int i = 0; i < n; i++)
			if (!strcmp(rules[i].kind, recognition_kinds[k]))
				r = &rules[i];
		if (!r && !may_keep)
			continue;
		html(req, "<tr><th scope=\"row\" data-label=\"");
		html_attr(req, T(req, TX_REC_KIND));
		html(req, "\">");
		html_text(req, text_enum(req->lang, "recognition_kind", recognition_kinds[k]));
		html(req, "</th>");
		if (!may_keep) {
			cell(req, TX_REC_PER_ITEM, "num");
			html_text(req, fmt_hours(req, r->hours10));
			html(req, "</td>");
			cell(req, TX_REC_CAP, "num");
			html_text(req, fmt_hours(req, r->cap10));
			html(req, "</td>");
			cell(req, TX_REC_CATEGORY, NULL);
			html_text(req, text_enum(req->lang, "category", r->category));
			html(req, "</td>");
			cell(req, TX_REC_ACTIVE, NULL);
			html(req, r->active ? "✓" : "—");
			html(req, "</td></tr>");
			continue;
		}
		/* one small form per kind, its inputs tied to it by form= so the
		 * table stays a table */
		hours_cell(req, "hours", TX_REC_PER_ITEM, form_id, r ? fmt_hours(req, r->hours10) : "");
		hours_cell(req, "cap", TX_REC_CAP, form_id, r ? fmt_hours(req, r->cap10) : "");
		cell(req, TX_REC_CATEGORY, NULL);
		html(req, "<select name=\"category\" form=\"");
		html_attr(req, form_id);
		html(req, "\" aria-label=\"");
		html_attr(req, T(req, TX_REC_CATEGORY));
		html(req, "\">");
		for (int i = 0; hours_categories[i]; i++)
			html_option(req, hours_categories[i], text_enum(req->lang, "category", hours_categories[i]),
				    r ? !strcmp(r->category, hours_categories[i]) : !strcmp(hours_categories[i], "other"));
		html(req, "</select></td>");
		cell(req, TX_REC_ACTIVE, NULL);
		html(req, "<input type=\"checkbox\" name=\"active\" value=\"1\" form=\"");
		html_attr(req, form_id);
		html(req, "\" aria-label=\"");
		html_attr(req, T(req, TX_REC_ACTIVE));
		html(req, "\"");
		if (!r || r->active)
			html(req, " checked");
		html(req, "></td>");
		cell(req, TX_ACTIONS, "actions");
		html(req, "<form id=\"");
		html_attr(req, form_id);
		html(req, "\" method=\"post\" action=\"/recognition/rules\">");
		html_csrf(req);
		html_hidden(req, "region", region);
		html_hidden(req, "kind", recognition_kinds[k]);
		html(req, "<button type=\"submit\">");
		html_text(req, T(req, TX_REC_SAVE));
		html(req, "</button></form></td></tr>");
	}
	html(req, "</tbody></table></div>\n");
	if (!n && !may_keep) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_REC_NOT_SET));
		html(req, "</p>\n");
	}
	layout_end(req);
}

void page_recognition_rules(struct request *req)
{
	rules_page(req, rules_region(req), NULL);
}

void page_recognition_rules_save(struct request *req)
{
	const char *region = req_form(req, "region"), *kind = req_form(req, "kind");
	const char *hours = req_form(req, "hours"), *capv = req_form(req, "cap");
	const char *category = req_form(req, "category"), *active = req_form(req, "active");
	struct recognition_rule r = { 0 };
	struct err err = { 0 };
	struct actor by = req_actor(req);
	const char *error = NULL;

	/* the form first: a request without one is 422 for anyone */
	if (!region || !*region || !recognition_kind_valid(kind)) {
		req->status = 422;
		rules_page(req, rules_region(req), T(req, TX_REC_E_RULE_REGION));
		return;
	}
	if (!recognition_may_keep_rules(&req->who, region)) {
		layout_error_page(req, 403, T(req, TX_REC_E_RULES_SCOPE));
		return;
	}
	r.region_code = region;
	r.kind = kind;
	r.category = category && *category ? category : "other";
	r.active = active && !strcmp(active, "1");
	if (hours_parse(hours ? hours : "", &r.hours10) != HOURS_OK)
		error = T(req, TX_REC_E_RULE_HOURS);
	else if (hours_parse(capv ? capv : "", &r.cap10) != HOURS_OK)
		error = T(req, TX_REC_E_RULE_CAP);
	else if (recognition_rule_save(req->store, &r, &by, &err) < 0) {
		if (err.code != ERR_INVALID) {
			req_error(req, 500);
			return;
		}
		error = !strcmp(err.field, "hours") ? T(req, TX_REC_E_RULE_HOURS) :
			!strcmp(err.field, "cap") ? T(req, TX_REC_E_RULE_CAP) :
			!strcmp(err.field, "region") ? T(req, TX_REC_E_RULE_REGION) : err.message;
	}
	if (error) {
		req->status = 422;
		rules_page(req, region, error);
		return;
	}
	req_redirect(req, req->who.role == ROLE_SYSADMIN
				  ? arena_printf(req->arena, "/recognition/rules?region=%s&done=rule", region)
				  : "/recognition/rules?done=rule");
}
