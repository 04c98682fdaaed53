/* programmes.c - training programmes (培训项目): the catalogue, one
 * programme's page with its sessions, the form that creates and edits
 * one, status changes and the session form (issue 5 §1).
 *
 * Every rule lives in core/programme.c: who may see or run a programme,
 * the field checks, the clash check.  These pages read what was sent,
 * call it, and show its answer.  A programme the caller may not see is
 * 404, as if it did not exist (a draft is nobody's business but its
 * organiser's); one she may see but not run is 403. */
#include "web/pages/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hours.h"
#include "core/places.h"
#include "core/enrolment.h"
#include "core/programme.h"
#include "core/vocab.h"
#include "lib/clock.h"
#include "store/store.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages/registry_form.h"
#include "web/registry_view.h"

enum { PROGRAMMES_PAGE = 30 };

static const char *today_of(struct request *req)
{
	char now[ISO_TIME_LEN];

	clock_now_iso(now);
	return arena_strndup(req->arena, now, 10);
}

static const char *now_of(struct request *req)
{
	char now[ISO_TIME_LEN];

	clock_now_iso(now);
	return arena_strdup(req->arena, now);
}

static bool may_manage_any(const struct request *req)
{
	return authz_permits(&req->who, PERM_PROGRAMMES_MANAGE, NULL);
}

static const char *hours_text(struct request *req, int64_t hours10)
{
	char h[HOURS_TEXT_MAX];

	return arena_strdup(req->arena, hours_format(hours10, h));
}

static void status_tag(struct request *req, const char *status)
{
	html(req, "<span class=\"tag ");
	html(req, !strcmp(status, "published") ? "on" : "off");
	html(req, "\">");
	html_text(req, text_enum(req->lang, "programme_status", status));
	html(req, "</span>");
}

/* ---- the catalogue ---- */

/* open=1: published with today inside the enrolment window */
static const char *const open_codes[] = { "1", NULL };

/* A filter value must be a code of its kind; NULL or "" is no filter. */
static bool filter_ok(const char *v, bool (*valid)(const char *))
{
	return !v || !*v || valid(v);
}

void page_programmes(struct request *req)
{
	struct programme_filter f = { 0 };
	struct registry_args args = { 0 };
	struct programme *rows;
	int64_t total;
	int n, offset, page;
	const char *open = req_query(req, "open");

	f.q = req_query(req, "q");
	f.category = req_query(req, "category");
	f.mode = req_query(req, "mode");
	f.level = req_query(req, "level");
	f.status = req_query(req, "status");
	f.open = open && !strcmp(open, "1");
	f.today = today_of(req);
	if (!filter_ok(f.category, programme_is_category)) {
		registry_bad_filter(req, "category");
		return;
	}
	if (!filter_ok(f.mode, programme_is_mode)) {
		registry_bad_filter(req, "mode");
		return;
	}
	if (!filter_ok(f.level, programme_is_level)) {
		registry_bad_filter(req, "level");
		return;
	}
	if (!filter_ok(f.status, programme_is_status)) {
		registry_bad_filter(req, "status");
		return;
	}
	page = registry_page(req, PROGRAMMES_PAGE, &offset);
	f.limit = PROGRAMMES_PAGE;
	f.offset = offset;
	if (programme_list(req->store, req->arena, &req->who, &f, &rows, &n, &total) < 0) {
		req_error(req, 500);
		return;
	}
	registry_args_add(&args, "q", f.q);
	registry_args_add(&args, "category", f.category);
	registry_args_add(&args, "mode", f.mode);
	registry_args_add(&args, "level", f.level);
	registry_args_add(&args, "status", f.status);
	registry_args_add(&args, "open", f.open ? "1" : NULL);

	layout_start(req, T(req, TX_PRG_PROGRAMMES));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_PRG_PROGRAMMES));
	html(req, "</h1>");
	if (may_manage_any(req)) {
		html(req, "<a class=\"button primary\" href=\"/programmes/new\">");
		html_text(req, T(req, TX_PRG_NEW));
		html(req, "</a>");
	}
	registry_total(req, total);
	html(req, "</div>\n<form class=\"filters registry-filters\" method=\"get\" action=\"/programmes\">");
	registry_filter_search(req, f.q, TX_PRG_SEARCH);
	registry_filter_select(req, "category", TX_PRG_CATEGORY, hours_categories,
			       "category", f.category);
	registry_filter_select(req, "mode", TX_PRG_MODE, programme_modes, "programme_mode", f.mode);
	registry_filter_select(req, "level", TX_PRG_LEVEL, programme_levels, "programme_level",
			       f.level);
	/* teachers see what they may enrol in; the status filter is for those
	 * who run or watch programmes */
	if (req->who.role != ROLE_TEACHER)
		registry_filter_select(req, "status", TX_STATUS, programme_statuses,
				       "programme_status", f.status);
	registry_filter_select(req, "open", TX_PRG_WINDOW, open_codes, "programme_open",
			       f.open ? "1" : NULL);
	html(req, "<button type=\"submit\">");
	html_text(req, T(req, TX_FILTER));
	html(req, "</button></form>\n");
	if (n == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_NO_RESULTS));
		html(req, "</p>");
		layout_end(req);
		return;
	}
	{
		static const enum text_id cols[] = { TX_PRG_TITLE, TX_PRG_ORGANISER, TX_PRG_CATEGORY,
						     TX_PRG_HOURS, TX_PRG_WINDOW, TX_PRG_SEATS,
						     TX_STATUS };
		static const char *const classes[] = { NULL, NULL, NULL, "num", NULL, "num", NULL };

		html(req, "<div class=\"table-wrap\"><table class=\"data registry\">");
		layout_table_head(req, cols, sizeof cols / sizeof cols[0], classes);
		html(req, "<tbody>");
	}
	for (int i = 0; i < n; i++) {
		const struct programme *p = &rows[i];

		html(req, "<tr>");
		registry_td(req, TX_PRG_TITLE, "title-cell");
		html(req, "<a href=\"/programmes/");
		html_url_arg(req, p->code);
		html(req, "\">");
		html_text(req, p->title);
		html(req, "</a><br><code>");
		html_text(req, p->code);
		html(req, "</code></td>");
		registry_td(req, TX_PRG_ORGANISER, NULL);
		html_text(req, p->centre_name);
		html(req, "</td>");
		registry_td(req, TX_PRG_CATEGORY, NULL);
		html_text(req, text_enum(req->lang, "category", p->category));
		html(req, " · ");
		html_text(req, text_enum(req->lang, "programme_mode", p->mode));
		html(req, "</td>");
		registry_td(req, TX_PRG_HOURS, "num");
		html_text(req, hours_text(req, p->hours10));
		html(req, "</td>");
		registry_td(req, TX_PRG_WINDOW, NULL);
		html_textf(req, "%s – %s", p->enrol_open, p->enrol_close);
		if (programme_open_on(p, f.today)) {
			html(req, " <span class=\"tag on\">");
			html_text(req, T(req, TX_PRG_OPEN_NOW));
			html(req, "</span>");
		}
		html(req, "</td>");
		registry_td(req, TX_PRG_SEATS, "num");
		html_textf(req, "%lld / %lld", (long long)p->seated, (long long)p->capacity);
		html(req, "</td>");
		registry_td(req, TX_STATUS, NULL);
		status_tag(req, p->status);
		html(req, "</td></tr>\n");
	}
	html(req, "</tbody></table></div>\n");
	registry_pager(req, "/programmes", &args, page, PROGRAMMES_PAGE, total);
	layout_end(req);
}

/* ---- one programme ---- */

/* Reads the programme of the path.  manage: the caller must run it (403
 * when she may only see it).  Answers 404, 403 or 500 itself and returns
 * -1. */
static int programme_of_path(struct request *req, bool manage, struct programme *p)
{
	int rc = programme_get_by_code(req->store, req->arena, req_param(req, "code"), p);
	bool visible;

	if (rc == STORE_ENOTFOUND) {
		req_error(req, 404);
		return -1;
	}
	if (rc < 0) {
		req_error(req, 500);
		return -1;
	}
	visible = programme_visible(req->store, &req->who, p, &rc);
	if (rc < 0) {
		req_error(req, 500);
		return -1;
	}
	if (!visible) {
		req_error(req, 404);
		return -1;
	}
	if (manage && !programme_manageable(&req->who, p)) {
		req_error(req, 403);
		return -1;
	}
	return 0;
}

static void audience_fact(struct request *req, const struct programme *p)
{
	static const enum text_id labels[] = { TX_PRG_AUD_ROLES, TX_PRG_AUD_STAGES,
					       TX_PRG_AUD_SUBJECTS, TX_REGION };

	html(req, "<dt>");
	html_text(req, T(req, TX_PRG_AUDIENCE));
	html(req, "</dt><dd>");
	if (!p->naudience)
		html_text(req, T(req, TX_PRG_AUDIENCE_ALL));
	for (int k = 0; programme_audience_kinds[k]; k++) {
		bool first = true;

		for (int i = 0; i < p->naudience; i++) {
			const char *v = p->audience[i].value;

			if (strcmp(p->audience[i].kind, programme_audience_kinds[k]))
				continue;
			if (first) {
				html(req, "<span class=\"audience\">");
				html_text(req, T(req, labels[k]));
				html(req, "：");
			} else {
				html(req, "、");
			}
			first = false;
			if (k == 3) {
				struct place_region r;

				/* a region by its name, the code beside it */
				if (places_region_get(req->store, req->arena, v, &r) == 0 && r.name)
					v = arena_printf(req->arena, "%s（%s）", r.name, v);
			}
			html_text(req, k == 0 ? registry_view_enum(req->lang, "person_role", v) :
				       k == 1 ? registry_view_enum(req->lang, "stage", v) : v);
		}
		if (!first)
			html(req, "</span> ");
	}
	html(req, "</dd>");
}

/* The notice after a redirect (?done=...). */
static void done_notice(struct request *req)
{
	const char *done = req_query(req, "done");

	if (!done)
		return;
	if (!strcmp(done, "status"))
		layout_notice(req, "ok", T(req, TX_PRG_STATUS_DONE));
	else if (!strcmp(done, "session_added"))
		layout_notice(req, "ok", T(req, TX_PRG_SESSION_ADDED));
	else if (!strcmp(done, "session_removed"))
		layout_notice(req, "ok", T(req, TX_PRG_SESSION_REMOVED));
	else
		registry_done_notice(req);
}

static void status_button(struct request *req, const struct programme *p, const char *action,
			  enum text_id label, bool danger)
{
	html(req, "<form class=\"inline registry-form\" method=\"post\" action=\"/programmes/");
	html_url_arg(req, p->code);
	html(req, "/status\">");
	html_csrf(req);
	html_hidden(req, "action", action);
	/* no script may run (CSP default-src 'self'): a box to tick confirms */
	html(req, "<div class=\"check\"><label><input type=\"checkbox\" name=\"confirm\" value=\"1\" required> ");
	html_text(req, T(req, TX_PRG_CONFIRM));
	html(req, "</label></div><button type=\"submit\"");
	html(req, danger ? " class=\"danger\">" : " class=\"primary\">");
	html_text(req, T(req, label));
	html(req, "</button></form>\n");
}

static void sessions_table(struct request *req, const struct programme *p, bool manage)
{
	static const enum text_id cols[] = { TX_PRG_DATE, TX_PRG_TIME, TX_PRG_VENUE, TX_PRG_TRAINER,
					     TX_PRG_TOPIC, TX_ACTIONS };

	html(req, "<section class=\"panel\" id=\"sessions\"><h2>");
	html_text(req, T(req, TX_PRG_SESSIONS));
	html(req, "</h2>");
	if (!p->nsessions) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_PRG_NO_SESSIONS));
		html(req, "</p>");
	} else {
		html(req, "<div class=\"table-wrap\"><table class=\"data registry\">");
		layout_table_head(req, cols, manage ? 6 : 5, NULL);
		html(req, "<tbody>");
		for (int i = 0; i < p->nsessions; i++) {
			const struct programme_session *x = &p->sessions[i];

			html(req, "<tr>");
			registry_td(req, TX_PRG_DATE, NULL);
			html_text(req, x->day);
			html(req, "</td>");
			registry_td(req, TX_PRG_TIME, NULL);
			html_textf(req, "%s–%s", x->starts, x->ends);
			html(req, "</td>");
			registry_td(req, TX_PRG_VENUE, NULL);
			html_text(req, x->venue_name ? x->venue_name : "—");
			html(req, "</td>");
			registry_td(req, TX_PRG_TRAINER, NULL);
			html_text(req, x->trainer_name ? x->trainer_name : "—");
			html(req, "</td>");
			registry_td(req, TX_PRG_TOPIC, NULL);
			html_text(req, x->topic ? x->topic : "—");
			html(req, "</td>");
			if (manage) {
				registry_td(req, TX_ACTIONS, "actions");
				html(req, "<a href=\"/programmes/");
				html_url_arg(req, p->code);
				html_textf(req, "/sessions/%lld/attendance", (long long)x->id);
				html(req, "\">");
				html_text(req, T(req, TX_ATT_SHEET));
				html(req, "</a> <a href=\"/programmes/");
				html_url_arg(req, p->code);
				html_textf(req, "/sessions/%lld/qr", (long long)x->id);
				html(req, "\">");
				html_text(req, T(req, TX_ATT_QR_TITLE));
				html(req, "</a> ");
				if (!x->has_attendance) {
					html(req, "<form class=\"inline\" method=\"post\" action=\"/programmes/");
					html_url_arg(req, p->code);
					html_textf(req, "/sessions/%lld/delete", (long long)x->id);
					html(req, "\">");
					html_csrf(req);
					html(req, "<button type=\"submit\" class=\"danger\">");
					html_text(req, T(req, TX_PRG_REMOVE));
					html(req, "</button></form>");
				}
				html(req, "</td>");
			}
			html(req, "</tr>\n");
		}
		html(req, "</tbody></table></div>\n");
	}
	html(req, "</section>\n");
}

/* The session form: the organiser's venues and trainers to pick, or a new
 * venue's name and any registered person's ID number. */
static void session_form(struct request *req, const struct programme *p, bool posted,
			 const struct field_errors *fe)
{
	struct programme_venue *venues;
	struct programme_trainer *trainers;
	int nv = 0, nt = 0;
	const char **vcodes, **vlabels, **tcodes, **tlabels;
	static const char *const shown[] = { "date", "starts", "ends", "topic", "venue_id",
					     "venue_name", "trainer_id", "trainer_id_number", NULL };
#define POSTED(key) (posted ? req_form(req, key) : NULL)
	struct registry_field day = { "date", TX_PRG_DATE, POSTED("date"), NULL, true };
	struct registry_field starts = { "starts", TX_PRG_STARTS, POSTED("starts"), NULL, true };
	struct registry_field ends = { "ends", TX_PRG_ENDS, POSTED("ends"), NULL, true };
	struct registry_field venue = { "venue_id", TX_PRG_VENUE, POSTED("venue_id"), NULL, false };
	struct registry_field venue_name = { "venue_name", TX_PRG_NEW_VENUE, POSTED("venue_name"),
					     NULL, false };
	struct registry_field trainer = { "trainer_id", TX_PRG_TRAINER, POSTED("trainer_id"), NULL,
					  false };
	struct registry_field trainer_number = { "trainer_id_number", TX_PRG_TRAINER_ID_NUMBER,
						 POSTED("trainer_id_number"), NULL, false };
	struct registry_field topic = { "topic", TX_PRG_TOPIC, POSTED("topic"), NULL, false };
#undef POSTED

	if (programme_venues(req->store, req->arena, p->centre_id, &venues, &nv) < 0)
		nv = 0;
	if (programme_trainers(req->store, req->arena, p->centre_id, &trainers, &nt) < 0)
		nt = 0;
	vcodes = arena_alloc(req->arena, sizeof *vcodes * (size_t)(nv + 1));
	vlabels = arena_alloc(req->arena, sizeof *vlabels * (size_t)(nv + 1));
	tcodes = arena_alloc(req->arena, sizeof *tcodes * (size_t)(nt + 1));
	tlabels = arena_alloc(req->arena, sizeof *tlabels * (size_t)(nt + 1));
	if (!vcodes || !vlabels || !tcodes || !tlabels)
		return;
	for (int i = 0; i < nv; i++) {
		vcodes[i] = arena_printf(req->arena, "%lld", (long long)venues[i].id);
		vlabels[i] = venues[i].name;
	}
	vcodes[nv] = vlabels[nv] = NULL;
	for (int i = 0; i < nt; i++) {
		tcodes[i] = arena_printf(req->arena, "%lld", (long long)trainers[i].id);
		tlabels[i] = trainers[i].subject ? arena_printf(req->arena, "%s（%s）", trainers[i].name,
								 trainers[i].subject)
						 : trainers[i].name;
	}
	tcodes[nt] = tlabels[nt] = NULL;

	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_PRG_ADD_SESSION));
	html(req, "</h2>");
	registry_form_errors(req, fe, shown);
	html(req, "<form class=\"card form registry-form\" method=\"post\" action=\"/programmes/");
	html_url_arg(req, p->code);
	html(req, "/sessions\" novalidate>");
	html_csrf(req);
	registry_input(req, &day, "date", fe);
	registry_input(req, &starts, "time", fe);
	registry_input(req, &ends, "time", fe);
	registry_select(req, &venue, vcodes, vlabels, NULL, true, fe);
	registry_input(req, &venue_name, "text", fe);
	registry_select(req, &trainer, tcodes, tlabels, NULL, true, fe);
	registry_input(req, &trainer_number, "text", fe);
	registry_input(req, &topic, "text", fe);
	html(req, "<div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, TX_PRG_ADD_SESSION));
	html(req, "</button></div></form></section>\n");
}

/* The programme's page.  fe and session_posted: a failed status change or
 * session add, shown where it happened. */
static void programme_page(struct request *req, const struct programme *p,
			   const struct field_errors *fe, bool session_posted)
{
	bool manage = programme_manageable(&req->who, p);
	const char *today = today_of(req);
	char seats[64];
	const struct my_enrolment *mine = NULL;

	if (req->who.role == ROLE_TEACHER && req->who.person_id > 0) {
		struct my_enrolment *rows;
		int n;

		/* a failed read only hides her status: the page still serves */
		if (enrolment_of_person(req->store, req->arena, req->who.person_id, &rows, &n) == 0)
			for (int i = 0; i < n && !mine; i++)
				if (!strcmp(rows[i].programme_code, p->code))
					mine = &rows[i];
	}

	layout_start(req, p->title);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, p->title);
	html(req, "</h1>");
	if (manage && strcmp(p->status, "cancelled") && strcmp(p->status, "completed")) {
		html(req, "<a class=\"button\" href=\"/programmes/");
		html_url_arg(req, p->code);
		html(req, "/edit\">");
		html_text(req, T(req, TX_PRG_EDIT));
		html(req, "</a>");
	}
	html(req, "</div>\n");
	done_notice(req);
	enrolment_notice(req);
	if (fe && fe->n && !session_posted)
		registry_form_errors(req, fe, NULL);

	html(req, "<section class=\"panel\"><dl class=\"facts\">");
	registry_fact(req, TX_PRG_CODE, p->code);
	html(req, "<dt>");
	html_text(req, T(req, TX_STATUS));
	html(req, "</dt><dd>");
	status_tag(req, p->status);
	html(req, "</dd>");
	registry_fact(req, TX_PRG_ORGANISER, p->centre_name);
	registry_fact(req, TX_PRG_CATEGORY, text_enum(req->lang, "category", p->category));
	registry_fact(req, TX_PRG_LEVEL, text_enum(req->lang, "programme_level", p->level));
	registry_fact(req, TX_PRG_MODE, text_enum(req->lang, "programme_mode", p->mode));
	registry_fact(req, TX_PRG_HOURS, hours_text(req, p->hours10));
	snprintf(seats, sizeof seats, "%lld / %lld", (long long)p->seated, (long long)p->capacity);
	registry_fact(req, TX_PRG_SEATS, seats);
	registry_fact(req, TX_PRG_WAITING, arena_printf(req->arena, "%lld", (long long)p->waiting));
	registry_fact(req, TX_PRG_WINDOW, arena_printf(req->arena, "%s – %s", p->enrol_open,
						       p->enrol_close));
	audience_fact(req, p);
	registry_fact(req, TX_PRG_COMPLETION,
		      p->pass_mark >= 0 ?
		      arena_printf(req->arena, "%s ≥ %d%% · %s ≥ %d · %s %d",
				   T(req, TX_PRG_ATTENDANCE_MIN), p->attendance_min,
				   T(req, TX_PRG_PASS_MARK), p->pass_mark, T(req, TX_PRG_TOLERANCE),
				   p->tolerance_min) :
		      arena_printf(req->arena, "%s ≥ %d%% · %s %d", T(req, TX_PRG_ATTENDANCE_MIN),
				   p->attendance_min, T(req, TX_PRG_TOLERANCE), p->tolerance_min));
	registry_fact(req, TX_PRG_DESCRIPTION, p->description);
	html(req, "</dl>");

	/* what the caller can do next */
	html(req, "<div class=\"form-actions\">");
	if (req->who.role == ROLE_TEACHER && mine) {
		/* she is in already: where she stands, and the way out */
		html(req, "<p class=\"my-enrolment\"><strong>");
		html_text(req, T(req, !strcmp(mine->status, "seated") ? TX_ENR_SEATED : TX_ENR_WAITING));
		html(req, "</strong> · ");
		html_text(req, T(req, TX_ENR_POSITION));
		html_textf(req, " %d", mine->position);
		html(req, "</p>");
		if (strcmp(p->status, "completed") && strcmp(p->status, "cancelled")) {
			html(req, "<form class=\"inline\" method=\"post\" action=\"/programmes/");
			html_url_arg(req, p->code);
			html(req, "/withdraw\">");
			html_csrf(req);
			html(req, "<button type=\"submit\">");
			html_text(req, T(req, TX_ENR_WITHDRAW));
			html(req, "</button></form>");
		}
	} else if (req->who.role == ROLE_TEACHER && programme_open_on(p, today)) {
		html(req, "<form class=\"inline\" method=\"post\" action=\"/programmes/");
		html_url_arg(req, p->code);
		html(req, "/enrol\">");
		html_csrf(req);
		html(req, "<button class=\"primary\" type=\"submit\">");
		html_text(req, T(req, TX_PRG_ENROL));
		html(req, "</button></form>");
	}
	if (manage || req->who.role == ROLE_SCHOOL_ADMIN) {
		html(req, "<a class=\"button\" href=\"/programmes/");
		html_url_arg(req, p->code);
		html(req, "/enrolments\">");
		html_text(req, T(req, TX_PRG_ENROLMENTS));
		html(req, "</a>");
	}
	if (manage) {
		html(req, "<a class=\"button\" href=\"/programmes/");
		html_url_arg(req, p->code);
		html(req, "/attendance\">");
		html_text(req, T(req, TX_ATT_OVERVIEW));
		html(req, "</a>");
	}
	html(req, "</div>");
	if (manage) {
		html(req, "<div class=\"form-actions\">");
		if (!strcmp(p->status, "draft"))
			status_button(req, p, "publish", TX_PRG_PUBLISH, false);
		if (!strcmp(p->status, "published"))
			status_button(req, p, "close", TX_PRG_CLOSE, false);
		if (!strcmp(p->status, "draft") || !strcmp(p->status, "published") ||
		    !strcmp(p->status, "closed"))
			status_button(req, p, "cancel", TX_PRG_CANCEL_PROGRAMME, true);
		html(req, "</div>");
	}
	html(req, "</section>\n");
	sessions_table(req, p, manage);
	if (manage && strcmp(p->status, "cancelled") && strcmp(p->status, "completed"))
		session_form(req, p, session_posted, session_posted ? fe : NULL);
	layout_end(req);
}

void page_programme(struct request *req)
{
	struct programme p;

	if (programme_of_path(req, false, &p) < 0)
		return;
	programme_page(req, &p, NULL, false);
}

/* ---- the programme form ---- */

static const char *const form_fields[] = { "code", "title", "centre", "category", "level", "mode",
					   "hours", "capacity", "enrol_open", "enrol_close",
					   "attendance_min", "pass_mark", "tolerance_min",
					   "description", "status", "audience", "audience_subjects",
					   "audience_regions", NULL };

/* Every value of a repeated form key (checkboxes). */
static bool form_has(struct request *req, const char *key, const char *value)
{
	(void)req_form(req, key); /* parses the body once */
	for (int i = 0; i < req->nform; i++)
		if (!strcmp(req->form[i].key, key) && req->form[i].value &&
		    !strcmp(req->form[i].value, value))
			return true;
	return false;
}

static bool audience_has(const struct programme *p, const char *kind, const char *value)
{
	for (int i = 0; p && i < p->naudience; i++)
		if (!strcmp(p->audience[i].kind, kind) && !strcmp(p->audience[i].value, value))
			return true;
	return false;
}

/* "数学、语文" from the audience rows of a kind, for a text field. */
static const char *audience_list(struct request *req, const struct programme *p, const char *kind)
{
	const char *out = "";

	for (int i = 0; p && i < p->naudience; i++)
		if (!strcmp(p->audience[i].kind, kind))
			out = arena_printf(req->arena, "%s%s%s", out, *out ? "、" : "", p->audience[i].value);
	return out;
}

static void checkboxes(struct request *req, const char *name, enum text_id label,
		       const char *const *codes, const char *enum_kind, const char *aud_kind,
		       const struct programme *p, bool posted)
{
	html(req, "<fieldset class=\"transfer\"><legend>");
	html_text(req, T(req, label));
	html(req, "</legend>");
	for (int i = 0; codes[i]; i++) {
		bool on = posted ? form_has(req, name, codes[i]) : audience_has(p, aud_kind, codes[i]);

		html(req, "<div class=\"check\"><label><input type=\"checkbox\" name=\"");
		html_attr(req, name);
		html(req, "\" value=\"");
		html_attr(req, codes[i]);
		html(req, on ? "\" checked> " : "\"> ");
		html_text(req, registry_view_enum(req->lang, enum_kind, codes[i]));
		html(req, "</label></div>");
	}
	html(req, "</fieldset>\n");
}

static void centre_select(struct request *req, const char *value, const struct field_errors *fe)
{
	struct centre_filter all = { .limit = 1000 };
	struct centre_rec *c;
	const char **codes, **labels;
	int n;
	int64_t total;
	struct registry_field f = { "centre", TX_PRG_ORGANISER, value, NULL, true };

	if (places_centres(req->store, req->arena, &all, &c, &n, &total) < 0)
		n = 0;
	codes = arena_alloc(req->arena, sizeof *codes * (size_t)(n + 1));
	labels = arena_alloc(req->arena, sizeof *labels * (size_t)(n + 1));
	if (!codes || !labels)
		return;
	for (int i = 0; i < n; i++) {
		codes[i] = c[i].code;
		labels[i] = c[i].name;
	}
	codes[n] = labels[n] = NULL;
	registry_select(req, &f, codes, labels, NULL, true, fe);
}

/* New (p NULL) or edit p; posted: show what was sent. */
static void programme_form(struct request *req, const struct programme *p, bool posted,
			   const struct field_errors *fe)
{
	const char *title = p ? T(req, TX_PRG_EDIT) : T(req, TX_PRG_NEW);
	char h[HOURS_TEXT_MAX];
	const char *pass = p && p->pass_mark >= 0 ? arena_printf(req->arena, "%d", p->pass_mark) : "";
#define VALUE(key, cur) registry_form_value(req, posted, key, p ? (cur) : NULL)
	struct registry_field f_title = { "title", TX_PRG_TITLE, VALUE("title", p->title), NULL, true };
	struct registry_field f_cat = { "category", TX_PRG_CATEGORY, VALUE("category", p->category),
					NULL, true };
	struct registry_field f_level = { "level", TX_PRG_LEVEL, VALUE("level", p->level), NULL, false };
	struct registry_field f_mode = { "mode", TX_PRG_MODE, VALUE("mode", p->mode), NULL, false };
	struct registry_field f_hours = { "hours", TX_PRG_HOURS,
					  VALUE("hours", hours_format(p->hours10, h)), NULL, true };
	struct registry_field f_cap = { "capacity", TX_PRG_CAPACITY,
					VALUE("capacity", arena_printf(req->arena, "%lld",
								       (long long)p->capacity)), NULL, true };
	struct registry_field f_open = { "enrol_open", TX_PRG_ENROL_OPEN,
					 VALUE("enrol_open", p->enrol_open), NULL, true };
	struct registry_field f_close = { "enrol_close", TX_PRG_ENROL_CLOSE,
					  VALUE("enrol_close", p->enrol_close), NULL, true };
	struct registry_field f_att = { "attendance_min", TX_PRG_ATTENDANCE_MIN,
					VALUE("attendance_min", arena_printf(req->arena, "%d",
									     p->attendance_min)),
					NULL, false };
	struct registry_field f_pass = { "pass_mark", TX_PRG_PASS_MARK, VALUE("pass_mark", pass),
					 T(req, TX_PRG_PASS_MARK_HINT), false };
	struct registry_field f_tol = { "tolerance_min", TX_PRG_TOLERANCE,
					VALUE("tolerance_min", arena_printf(req->arena, "%d",
									    p->tolerance_min)),
					NULL, false };
	struct registry_field f_subjects = { "audience_subjects", TX_PRG_AUD_SUBJECTS,
					     VALUE("audience_subjects", audience_list(req, p, "subject")),
					     T(req, TX_PRG_LIST_HINT), false };
	struct registry_field f_regions = { "audience_regions", TX_PRG_AUD_REGIONS,
					    VALUE("audience_regions", audience_list(req, p, "region")),
					    T(req, TX_PRG_LIST_HINT), false };
	const char *description = VALUE("description", p->description);
#undef VALUE
	static const char *const new_statuses[] = { "draft", "published", NULL };

	if (!p && !posted) {
		f_att.value = "80";
		f_tol.value = "15";
	}
	layout_start(req, title);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, title);
	if (p) {
		html(req, " · ");
		html_text(req, p->title);
	}
	html(req, "</h1></div>\n");
	registry_form_errors(req, fe, form_fields);
	html(req, "<form class=\"card form registry-form\" method=\"post\" action=\"/programmes");
	if (p) {
		html(req, "/");
		html_url_arg(req, p->code);
	}
	html(req, "\" novalidate>");
	html_csrf(req);
	if (p) {
		html(req, "<dl class=\"facts\">");
		registry_fact(req, TX_PRG_CODE, p->code);
		registry_fact(req, TX_PRG_ORGANISER, p->centre_name);
		html(req, "</dl>");
	} else {
		struct registry_field code = { "code", TX_PRG_CODE, posted ? req_form(req, "code") : NULL,
					       T(req, TX_PRG_CODE_HINT), true };

		registry_input(req, &code, "text", fe);
		/* a centre admin organises for her own centre; the system
		 * admin says for which */
		if (req->who.role == ROLE_SYSADMIN)
			centre_select(req, posted ? req_form(req, "centre") : NULL, fe);
	}
	registry_input(req, &f_title, "text", fe);
	registry_select(req, &f_cat, hours_categories, NULL, "category", true, fe);
	registry_select(req, &f_level, programme_levels, NULL, "programme_level", !p, fe);
	registry_select(req, &f_mode, programme_modes, NULL, "programme_mode", false, fe);
	registry_input(req, &f_hours, "text", fe);
	registry_input(req, &f_cap, "number", fe);
	registry_input(req, &f_open, "date", fe);
	registry_input(req, &f_close, "date", fe);
	registry_input(req, &f_att, "number", fe);
	registry_input(req, &f_pass, "number", fe);
	registry_input(req, &f_tol, "number", fe);
	html(req, "<div class=\"field\"><label for=\"f-description\">");
	html_text(req, T(req, TX_PRG_DESCRIPTION));
	html(req, "</label><textarea id=\"f-description\" name=\"description\" rows=\"5\" cols=\"60\">");
	html_text(req, description);
	html(req, "</textarea></div>\n<fieldset class=\"transfer\"><legend>");
	html_text(req, T(req, TX_PRG_AUDIENCE));
	html(req, "</legend><p class=\"hint\">");
	html_text(req, T(req, TX_PRG_AUD_HINT));
	html(req, "</p>");
	checkboxes(req, "audience_role", TX_PRG_AUD_ROLES, vocab_codes(VOCAB_ROLE), "person_role",
		   "role", p, posted);
	checkboxes(req, "audience_stage", TX_PRG_AUD_STAGES, vocab_codes(VOCAB_STAGE), "stage",
		   "stage", p, posted);
	registry_input(req, &f_subjects, "text", fe);
	registry_input(req, &f_regions, "text", fe);
	{
		/* audience messages name no single input: beside the fieldset */
		for (int i = 0; fe && i < fe->n; i++)
			if (!strcmp(fe->e[i].field, "audience")) {
				html(req, "<p class=\"field-error\">");
				html_text(req, req->lang == LANG_ZH && fe->e[i].message_zh[0] ?
					       fe->e[i].message_zh : fe->e[i].message);
				html(req, "</p>");
			}
	}
	html(req, "</fieldset>\n");
	if (!p) {
		struct registry_field status = { "status", TX_STATUS,
						 posted ? req_form(req, "status") : "draft", NULL, false };

		registry_select(req, &status, new_statuses, NULL, "programme_status", false, fe);
	}
	html(req, "<div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, p ? TX_REG_SAVE : TX_CREATE));
	html(req, "</button><a class=\"button\" href=\"/programmes");
	if (p) {
		html(req, "/");
		html_url_arg(req, p->code);
	}
	html(req, "\">");
	html_text(req, T(req, TX_REG_CANCEL));
	html(req, "</a></div></form>\n");
	layout_end(req);
}

void page_programme_new(struct request *req)
{
	programme_form(req, NULL, false, NULL);
}

/* Splits "数学、语文, 英语" into audience rows of kind. */
static void split_list(struct request *req, const char *text, const char *kind,
		       struct programme_audience_item *items, int *n, int max)
{
	const char *p = text;

	while (p && *p && *n < max) {
		size_t len = strcspn(p, ",，、;； ");

		if (len) {
			items[*n].kind = kind;
			items[(*n)++].value = arena_strndup(req->arena, p, len);
			p += len;
			continue;
		}
		/* skip one separator, ASCII or a 3-byte UTF-8 one */
		p += (unsigned char)*p >= 0x80 ? 3 : 1;
	}
}

enum { FORM_AUDIENCE_MAX = 64 };

static void read_form(struct request *req, struct programme_in *in,
		      struct programme_audience_item *aud)
{
	memset(in, 0, sizeof *in);
	in->code = req_form(req, "code");
	in->title = req_form(req, "title");
	in->centre = req_form(req, "centre");
	in->category = req_form(req, "category");
	in->level = req_form(req, "level");
	in->mode = req_form(req, "mode");
	in->hours = req_form(req, "hours");
	in->capacity = req_form(req, "capacity");
	in->enrol_open = req_form(req, "enrol_open");
	in->enrol_close = req_form(req, "enrol_close");
	in->attendance_min = req_form(req, "attendance_min");
	in->pass_mark = req_form(req, "pass_mark");
	in->tolerance_min = req_form(req, "tolerance_min");
	in->description = req_form(req, "description");
	in->status = req_form(req, "status");
	for (int i = 0; i < req->nform && in->naudience < FORM_AUDIENCE_MAX; i++) {
		const char *kind = !strcmp(req->form[i].key, "audience_role") ? "role" :
				   !strcmp(req->form[i].key, "audience_stage") ? "stage" : NULL;

		if (kind && req->form[i].value && *req->form[i].value) {
			aud[in->naudience].kind = kind;
			aud[in->naudience++].value = req->form[i].value;
		}
	}
	split_list(req, req_form(req, "audience_subjects"), "subject", aud, &in->naudience,
		   FORM_AUDIENCE_MAX);
	split_list(req, req_form(req, "audience_regions"), "region", aud, &in->naudience,
		   FORM_AUDIENCE_MAX);
	in->audience = aud;
}

static struct programme_change change_of(struct request *req, struct actor *actor)
{
	struct programme_change ch = { &req->who, actor, now_of(req) };

	*actor = req_actor(req);
	return ch;
}

static void after_write(struct request *req, enum programme_result r, const struct programme *before,
			const char *code, struct field_errors *fe)
{
	switch (r) {
	case PROGRAMME_OK:
		req_redirect(req, arena_printf(req->arena, "/programmes/%s?done=%s", code,
					       before ? "saved" : "created"));
		return;
	case PROGRAMME_INVALID:
		req->status = 422;
		break;
	case PROGRAMME_CONFLICT:
		req->status = 409;
		break;
	case PROGRAMME_FORBIDDEN:
		req_error(req, 403);
		return;
	case PROGRAMME_NOT_FOUND:
		req_error(req, 404);
		return;
	default:
		req_error(req, 500);
		return;
	}
	programme_form(req, before, true, fe);
	req->status = r == PROGRAMME_CONFLICT ? 409 : 422;
}

void page_programme_create(struct request *req)
{
	struct programme_in in;
	struct programme_audience_item aud[FORM_AUDIENCE_MAX];
	struct field_errors fe = { 0 };
	struct actor actor;
	struct programme_change ch = change_of(req, &actor);
	const char *code = NULL;
	enum programme_result r;

	read_form(req, &in, aud);
	if (!in.status || !*in.status)
		in.status = "draft";
	r = programme_write(req->store, req->arena, &ch, NULL, &in, PG_ALL, &fe, NULL, &code);
	after_write(req, r, NULL, code, &fe);
}

void page_programme_edit(struct request *req)
{
	struct programme p;

	if (programme_of_path(req, true, &p) < 0)
		return;
	programme_form(req, &p, false, NULL);
}

void page_programme_update(struct request *req)
{
	struct programme p;
	struct programme_in in;
	struct programme_audience_item aud[FORM_AUDIENCE_MAX];
	struct field_errors fe = { 0 };
	struct actor actor;
	struct programme_change ch = change_of(req, &actor);
	const char *code = NULL;
	enum programme_result r;

	if (programme_of_path(req, true, &p) < 0)
		return;
	read_form(req, &in, aud);
	r = programme_write(req->store, req->arena, &ch, p.code, &in,
			    PG_ALL & ~(unsigned)(PG_CODE | PG_CENTRE | PG_STATUS), &fe, NULL, &code);
	after_write(req, r, &p, code, &fe);
}

/* ---- status and sessions ---- */

/* A field message of the page's own, in both languages from the catalogue. */
static void text_error(struct field_errors *fe, const char *field, enum text_id id)
{
	if (fe->n >= FIELD_ERRORS_MAX)
		return;
	snprintf(fe->e[fe->n].field, sizeof fe->e[fe->n].field, "%s", field);
	snprintf(fe->e[fe->n].message, sizeof fe->e[fe->n].message, "%s", text_get(LANG_EN, id));
	snprintf(fe->e[fe->n].message_zh, sizeof fe->e[fe->n].message_zh, "%s", text_get(LANG_ZH, id));
	fe->n++;
}

/* After a status change or a session write: the page again, or an error. */
static void after_action(struct request *req, enum programme_result r, const char *done,
			 struct field_errors *fe, bool session_posted)
{
	struct programme p;

	switch (r) {
	case PROGRAMME_OK:
		req_redirect(req, arena_printf(req->arena, "/programmes/%s?done=%s%s",
					       req_param(req, "code"), done,
					       session_posted || !strcmp(done, "session_removed") ?
					       "#sessions" : ""));
		return;
	case PROGRAMME_FORBIDDEN:
		req_error(req, 403);
		return;
	case PROGRAMME_NOT_FOUND:
		req_error(req, 404);
		return;
	case PROGRAMME_INVALID:
	case PROGRAMME_CONFLICT:
		if (programme_of_path(req, false, &p) < 0)
			return;
		programme_page(req, &p, fe, session_posted);
		req->status = r == PROGRAMME_CONFLICT ? 409 : 422;
		return;
	default:
		req_error(req, 500);
	}
}

void page_programme_status(struct request *req)
{
	struct programme p;
	struct field_errors fe = { 0 };
	struct actor actor;
	struct programme_change ch = change_of(req, &actor);
	const char *confirm = req_form(req, "confirm");
	enum programme_result r;

	if (programme_of_path(req, true, &p) < 0)
		return;
	if (!confirm || strcmp(confirm, "1")) {
		text_error(&fe, "confirm", TX_PRG_CONFIRM_NEEDED);
		after_action(req, PROGRAMME_INVALID, "status", &fe, false);
		return;
	}
	r = programme_set_status(req->store, req->arena, &ch, p.code, req_form(req, "action"), &fe);
	after_action(req, r, "status", &fe, false);
}

void page_programme_session_add(struct request *req)
{
	struct programme p;
	struct programme_session_in in = { 0 };
	struct field_errors fe = { 0 };
	struct programme_clash clash;
	struct actor actor;
	struct programme_change ch = change_of(req, &actor);
	enum programme_result r;

	if (programme_of_path(req, true, &p) < 0)
		return;
	in.day = req_form(req, "date");
	in.starts = req_form(req, "starts");
	in.ends = req_form(req, "ends");
	in.venue_id = req_form(req, "venue_id");
	in.venue_name = req_form(req, "venue_name");
	in.trainer_id = req_form(req, "trainer_id");
	in.trainer_id_number = req_form(req, "trainer_id_number");
	in.topic = req_form(req, "topic");
	r = programme_session_add(req->store, req->arena, &ch, p.code, &in, &fe, &clash, NULL);
	after_action(req, r, "session_added", &fe, true);
}

void page_programme_session_delete(struct request *req)
{
	struct programme p;
	struct field_errors fe = { 0 };
	struct actor actor;
	struct programme_change ch = change_of(req, &actor);
	const char *id = req_param(req, "id");
	char *end;
	long long n;

	if (programme_of_path(req, true, &p) < 0)
		return;
	n = id ? strtoll(id, &end, 10) : 0;
	if (!id || !*id || *end || n <= 0) {
		req_error(req, 404);
		return;
	}
	after_action(req, programme_session_delete(req->store, req->arena, &ch, p.code, n, &fe),
		     "session_removed", &fe, false);
}
