/* enrolments.c - enrolment screens: the enrol and withdraw forms a
 * programme page posts, a programme's seated and waiting lists with the
 * nomination form, the school quotas and their release, a teacher's own
 * enrolments (我的培训) and her home page's panel.
 *
 * The rules are core/enrolment.c's (and docs/enrolment.md); this file
 * shows them.  Lists name persons by "p<row id>" in forms and links, never
 * by their number (registry_view.h); numbers are shown masked except the
 * viewer's own. */
#include "web/pages/pages.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/enrolment.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "store/store.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/registry_view.h"

/* ---- shared ---- */

/* The programme of the path, or an error page and -1.  A draft exists only
 * for those who manage it. */
static int programme_of_path(struct request *req, struct enrol_programme *pg)
{
	int rc = enrolment_programme_get(req->store, req->arena, req_param(req, "code"), pg);

	if (rc < 0 && rc != STORE_ENOTFOUND) {
		req_error(req, 500);
		return -1;
	}
	if (rc == STORE_ENOTFOUND || (!strcmp(pg->status, "draft") && !enrolment_manages(&req->who, pg))) {
		req_error(req, 404);
		return -1;
	}
	return 0;
}

static const char *programme_href(struct request *req, const struct enrol_programme *pg,
				  const char *tail)
{
	struct buf b;
	const char *out;

	buf_init(&b);
	buf_puts(&b, "/programmes/");
	html_escape_url(&b, pg->code);
	buf_puts(&b, tail);
	out = arena_strdup(req->arena, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* A refusal of core/enrolment.c as a page in the reader's language. */
static void refusal_page(struct request *req, const struct enrol_programme *pg,
			 const struct err *err)
{
	int status = err->code == ERR_FORBIDDEN ? 403 : err->code == ERR_NOT_FOUND ? 404 :
		     err->code == ERR_CONFLICT ? 409 : err->code == ERR_INVALID ? 422 : 500;
	const char *f = err->field;
	const char *msg;

	if (status == 500) {
		req_error(req, 500);
		return;
	}
	if (!strcmp(f, "audience"))
		msg = T(req, TX_ENR_E_AUDIENCE);
	else if (!strcmp(f, "window"))
		msg = arena_printf(req->arena, T(req, TX_ENR_E_WINDOW), pg->enrol_open, pg->enrol_close);
	else if (!strcmp(f, "person_status"))
		msg = T(req, TX_ENR_E_NOT_SERVING);
	else if (!strcmp(f, "released"))
		msg = T(req, TX_ENR_E_RELEASED);
	else if (!strcmp(f, "school"))
		msg = T(req, TX_ENR_E_QUOTA_SCHOOL);
	else if (!strcmp(f, "places"))
		msg = T(req, TX_ENR_E_QUOTA_PLACES);
	else if (status == 403)
		msg = T(req, TX_ENR_E_SCOPE);
	else if (status == 409)
		msg = T(req, TX_ENR_E_CONFLICT);
	else if (status == 404)
		msg = T(req, TX_ENR_E_NOT_ENROLLED);
	else
		msg = T(req, TX_ENR_E_STATE);
	/* the English page adds the rule's own words, which name the values */
	if (req->lang == LANG_EN && *err->message)
		msg = arena_printf(req->arena, "%s (%s)", msg, err->message);
	layout_error_page(req, status, msg);
}

/* The person a form names (id_number: a number or a list's "p<id>"), or an
 * error page and -1; NULL or empty: the caller herself. */
static int person_of_form(struct request *req, const char *ref, int64_t *person_id)
{
	struct person_rec p;
	int rc;

	if (!ref || !*ref) {
		if (!req->who.person_id) {
			layout_error_page(req, 422, T(req, TX_ENR_NO_PERSON));
			return -1;
		}
		*person_id = req->who.person_id;
		return 0;
	}
	rc = registry_view_person_find(req, ref, &p);
	if (rc < 0 && rc != STORE_ENOTFOUND) {
		req_error(req, 500);
		return -1;
	}
	if (rc == STORE_ENOTFOUND) {
		/* unknown and out of scope look alike (api/enrolments.c) */
		layout_error_page(req, req->who.role == ROLE_SYSADMIN ? 404 : 403,
				  T(req, TX_ENR_E_UNKNOWN_PERSON));
		return -1;
	}
	*person_id = p.id;
	return 0;
}

static void times(char now[ISO_TIME_LEN], char today[DATE_LEN + 1])
{
	clock_now_iso(now);
	snprintf(today, DATE_LEN + 1, "%.10s", now);
}

/* "2026-06-01T08:00:05Z" -> "2026-06-01 08:00" (UTC, as stored) */
static void print_moment(struct request *req, const char *at)
{
	if (!at || strlen(at) < 16) {
		html_text(req, at && *at ? at : "—");
		return;
	}
	html_textf(req, "%.10s %.5s", at, at + 11);
}

static const char *via_name(struct request *req, const char *via)
{
	return text_enum(req->lang, "enrol_via", via);
}

/* ---- POST forms ---- */

void page_programme_enrol(struct request *req)
{
	struct enrol_programme pg;
	struct enrol_result res;
	struct err err = { 0 };
	struct actor by = req_actor(req);
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	const char *ref = req_form(req, "id_number");
	int64_t person_id;

	if (programme_of_path(req, &pg) < 0 || person_of_form(req, ref, &person_id) < 0)
		return;
	times(now, today);
	if (enrolment_enrol(req->store, &req->who, &by, &pg, person_id, today, now, &res, &err) < 0) {
		refusal_page(req, &pg, &err);
		return;
	}
	/* one enrolling someone else came from the list, and goes back to it */
	if (ref && *ref)
		req_redirect(req, arena_printf(req->arena, "%s?done=%s&position=%d",
					       programme_href(req, &pg, "/enrolments"), res.status,
					       res.position));
	else
		req_redirect(req, arena_printf(req->arena, "%s?enrolment=%s&position=%d",
					       programme_href(req, &pg, ""), res.status, res.position));
}

void page_programme_withdraw(struct request *req)
{
	struct enrol_programme pg;
	struct withdraw_result res;
	struct err err = { 0 };
	struct actor by = req_actor(req);
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	const char *ref = req_form(req, "id_number");
	const char *back = req_form(req, "back");
	int64_t person_id;

	if (programme_of_path(req, &pg) < 0 || person_of_form(req, ref, &person_id) < 0)
		return;
	times(now, today);
	if (enrolment_withdraw(req->store, &req->who, &by, &pg, person_id, now, &res, &err) < 0) {
		refusal_page(req, &pg, &err);
		return;
	}
	if (back && !strcmp(back, "mine"))
		req_redirect(req, "/programmes/mine?done=withdrawn");
	else if ((ref && *ref) || (back && !strcmp(back, "list")))
		req_redirect(req, arena_printf(req->arena, "%s?done=withdrawn%s",
					       programme_href(req, &pg, "/enrolments"),
					       res.promoted_person_id ? "&promoted=1" : ""));
	else
		req_redirect(req, arena_printf(req->arena, "%s?enrolment=withdrawn",
					       programme_href(req, &pg, "")));
}

/* A whole number of places from a form, or -1. */
static int places_of(const char *v)
{
	char *end;
	long n;

	if (!v)
		return -1;
	while (*v == ' ')
		v++;
	if (!*v)
		return 0;
	n = strtol(v, &end, 10);
	while (*end == ' ')
		end++;
	return *end || n < 0 || n > INT_MAX ? -1 : (int)n;
}

/* The quota table: one places_<school code> field per school, and the
 * new_school/new_places pair for one more. */
void page_programme_quotas(struct request *req)
{
	struct enrol_programme pg;
	struct quota_set q[MAX_FORM];
	struct err err = { 0 };
	struct actor by = req_actor(req);
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	const char *new_school;
	int n = 0;

	if (programme_of_path(req, &pg) < 0)
		return;
	req_form(req, "csrf"); /* parses the form */
	for (int i = 0; i < req->nform && n < MAX_FORM; i++) {
		if (strncmp(req->form[i].key, "places_", 7))
			continue;
		q[n].school_code = req->form[i].key + 7;
		q[n].places = places_of(req->form[i].value);
		n++;
	}
	new_school = req_form(req, "new_school");
	if (new_school && *new_school && n < MAX_FORM) {
		q[n].school_code = new_school;
		q[n].places = places_of(req_form(req, "new_places"));
		n++;
	}
	for (int i = 0; i < n; i++)
		if (q[i].places < 0) {
			err_field(&err, ERR_INVALID, "places", "places must be a whole number from 0");
			refusal_page(req, &pg, &err);
			return;
		}
	times(now, today);
	if (enrolment_set_quotas(req->store, &req->who, &by, &pg, q, n, now, &err) < 0) {
		refusal_page(req, &pg, &err);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "%s?done=quotas",
				       programme_href(req, &pg, "/enrolments")));
}

void page_programme_release(struct request *req)
{
	struct enrol_programme pg;
	struct err err = { 0 };
	struct actor by = req_actor(req);
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int promoted;

	if (programme_of_path(req, &pg) < 0)
		return;
	times(now, today);
	if (enrolment_release_quotas(req->store, &req->who, &by, &pg, now, &promoted, &err) < 0) {
		refusal_page(req, &pg, &err);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "%s?done=released&moved=%d",
				       programme_href(req, &pg, "/enrolments"), promoted));
}

/* ---- notices after a redirect ---- */

/* A small number from the query, as text; "?" when absent or odd. */
static const char *query_number(struct request *req, const char *key)
{
	const char *v = req_query(req, key);

	if (!v || !*v || strlen(v) > 6 || strspn(v, "0123456789") != strlen(v))
		return "?";
	return v;
}

void enrolment_notice(struct request *req)
{
	const char *done = req_query(req, "enrolment");

	if (!done)
		return;
	if (!strcmp(done, "seated"))
		layout_notice(req, "ok", arena_printf(req->arena, T(req, TX_ENR_DONE_SEATED),
						      query_number(req, "position")));
	else if (!strcmp(done, "waiting"))
		layout_notice(req, "info", arena_printf(req->arena, T(req, TX_ENR_DONE_WAITING),
							query_number(req, "position")));
	else if (!strcmp(done, "withdrawn"))
		layout_notice(req, "ok", T(req, TX_ENR_DONE_WITHDRAWN));
}

static void list_notice(struct request *req)
{
	const char *done = req_query(req, "done");

	if (!done)
		return;
	if (!strcmp(done, "seated"))
		layout_notice(req, "ok", arena_printf(req->arena, T(req, TX_ENR_DONE_SEATED),
						      query_number(req, "position")));
	else if (!strcmp(done, "waiting"))
		layout_notice(req, "info", arena_printf(req->arena, T(req, TX_ENR_DONE_WAITING),
							query_number(req, "position")));
	else if (!strcmp(done, "withdrawn")) {
		layout_notice(req, "ok", T(req, TX_ENR_DONE_WITHDRAWN));
		if (req_query(req, "promoted"))
			layout_notice(req, "info", T(req, TX_ENR_DONE_PROMOTED));
	} else if (!strcmp(done, "quotas"))
		layout_notice(req, "ok", T(req, TX_ENR_DONE_QUOTAS));
	else if (!strcmp(done, "released"))
		layout_notice(req, "ok", arena_printf(req->arena, T(req, TX_ENR_DONE_RELEASED),
						      query_number(req, "moved")));
}

/* ---- a programme's lists ---- */

/* May the viewer withdraw this row?  The button only; core decides. */
static bool may_withdraw(struct request *req, const struct enrol_programme *pg,
			 const struct enrolment_row *r, bool manages)
{
	if (!strcmp(pg->status, "completed") || !strcmp(pg->status, "cancelled"))
		return false;
	if (manages)
		return true;
	if (req->who.role == ROLE_SCHOOL_ADMIN)
		return r->school_code && !strcmp(r->school_code, req->who.scope);
	return req->who.person_id && req->who.person_id == r->person_id;
}

static void withdraw_button(struct request *req, const struct enrol_programme *pg, int64_t person_id,
			    const char *back)
{
	char ref[24];

	snprintf(ref, sizeof ref, "p%lld", (long long)person_id);
	html(req, "<form method=\"post\" class=\"inline\" action=\"");
	html_attr(req, programme_href(req, pg, "/withdraw"));
	html(req, "\">");
	html_csrf(req);
	html_hidden(req, "id_number", ref);
	html_hidden(req, "back", back);
	html(req, "<button type=\"submit\" class=\"danger\">");
	html_text(req, T(req, TX_ENR_WITHDRAW));
	html(req, "</button></form>");
}

static void rows_table(struct request *req, const struct enrol_programme *pg,
		       const struct enrolment_row *rows, int n, const char *status, bool manages)
{
	static const enum text_id cols[] = { TX_ENR_POSITION, TX_NAME, TX_ID_NUMBER, TX_SCHOOL,
					     TX_ENR_VIA, TX_ENR_QUOTA_OF, TX_ENR_ARRIVED, TX_ACTIONS };
	static const char *const classes[] = { "num", NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	int shown = 0;

	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, !strcmp(status, "seated") ? TX_ENR_SEATED : TX_ENR_WAITING));
	html(req, "</h2>");
	for (int i = 0; i < n; i++) {
		const struct enrolment_row *r = &rows[i];
		char masked[ID_NUMBER_LEN + 1];
		bool self = req->who.person_id && req->who.person_id == r->person_id;

		if (strcmp(r->status, status) || !enrolment_row_visible(&req->who, pg, r))
			continue;
		if (!shown++) {
			html(req, "<div class=\"table-wrap\"><table class=\"data\">");
			layout_table_head(req, cols, sizeof cols / sizeof cols[0], classes);
			html(req, "<tbody>");
		}
		idcard_mask(r->id_number, masked);
		html(req, "<tr><td class=\"num\">");
		html_textf(req, "%d", r->position);
		html(req, "</td><td>");
		html_text(req, r->name);
		if (r->promoted) {
			html(req, " <span class=\"tag on\">");
			html_text(req, T(req, TX_ENR_PROMOTED));
			html(req, "</span>");
		}
		html(req, "</td><td><code>");
		html_text(req, self ? r->id_number : masked);
		html(req, "</code></td><td>");
		html_text(req, r->school_name ? r->school_name : "—");
		html(req, "</td><td>");
		html_text(req, via_name(req, r->via));
		html(req, "</td><td>");
		html_text(req, r->quota_school_name ? r->quota_school_name :
			  !strcmp(status, "seated") ? T(req, TX_ENR_OPEN_POOL) : "—");
		html(req, "</td><td class=\"nowrap\">");
		print_moment(req, r->at);
		html(req, "</td><td class=\"actions\">");
		if (may_withdraw(req, pg, r, manages))
			withdraw_button(req, pg, r->person_id, "list");
		html(req, "</td></tr>\n");
	}
	if (shown)
		html(req, "</tbody></table></div>");
	else {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_ENR_NONE));
		html(req, "</p>");
	}
	html(req, "</section>\n");
}

static void nominate_form(struct request *req, const struct enrol_programme *pg)
{
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_ENR_ENROL_BY_ID));
	html(req, "</h2><form method=\"post\" class=\"filters\" action=\"");
	html_attr(req, programme_href(req, pg, "/enrol"));
	html(req, "\">");
	html_csrf(req);
	html(req, "<label>");
	html_text(req, T(req, TX_ID_NUMBER));
	html(req, " <input type=\"text\" name=\"id_number\" required maxlength=\"18\" "
		  "autocomplete=\"off\" pattern=\"[0-9]{17}[0-9Xx]\"></label><button type=\"submit\" "
		  "class=\"primary\">");
	html_text(req, T(req, TX_ENR_ENROL));
	html(req, "</button></form><p class=\"hint\">");
	html_text(req, T(req, TX_ENR_ENROL_BY_ID_HINT));
	html(req, "</p></section>\n");
}

static void quota_forms(struct request *req, const struct enrol_programme *pg)
{
	static const enum text_id cols[] = { TX_REG_SCHOOL_CODE, TX_SCHOOL, TX_ENR_PLACES, TX_ENR_USED };
	static const char *const classes[] = { NULL, NULL, "num", "num" };
	struct quota_row *q;
	int n;

	if (enrolment_quotas(req->store, req->arena, pg->id, &q, &n) < 0)
		return;
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_ENR_QUOTAS));
	html(req, "</h2>");
	if (pg->quota_released) {
		html(req, "<p><span class=\"tag off\">");
		html_text(req, T(req, TX_ENR_RELEASED));
		html(req, "</span></p>");
	}
	html(req, "<form method=\"post\" action=\"");
	html_attr(req, programme_href(req, pg, "/quotas"));
	html(req, "\">");
	html_csrf(req);
	html(req, "<div class=\"table-wrap\"><table class=\"data\">");
	layout_table_head(req, cols, 4, classes);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		html(req, "<tr><td><code>");
		html_text(req, q[i].school_code);
		html(req, "</code></td><td>");
		html_text(req, q[i].school_name);
		html(req, "</td><td class=\"num\"><input type=\"number\" min=\"0\" name=\"places_");
		html_attr(req, q[i].school_code);
		html(req, "\" value=\"");
		html_textf(req, "%d", q[i].places);
		html(req, pg->quota_released ? "\" disabled></td><td class=\"num\">" :
					      "\"></td><td class=\"num\">");
		html_textf(req, "%d", q[i].used);
		html(req, "</td></tr>\n");
	}
	if (!pg->quota_released) {
		html(req, "<tr><td colspan=\"2\"><label>");
		html_text(req, T(req, TX_ENR_ADD_QUOTA));
		html(req, " <input type=\"text\" name=\"new_school\" maxlength=\"10\" pattern=\"[0-9]{10}\">"
			  "</label></td><td class=\"num\"><input type=\"number\" min=\"0\" "
			  "name=\"new_places\"></td><td></td></tr>\n");
	}
	html(req, "</tbody></table></div>");
	if (!pg->quota_released) {
		html(req, "<p class=\"hint\">");
		html_text(req, T(req, TX_ENR_QUOTAS_HINT));
		html(req, "</p><div class=\"form-actions\"><button type=\"submit\">");
		html_text(req, T(req, TX_ENR_SAVE_QUOTAS));
		html(req, "</button></div>");
	}
	html(req, "</form>");
	if (!pg->quota_released && n > 0) {
		html(req, "<form method=\"post\" action=\"");
		html_attr(req, programme_href(req, pg, "/quotas/release"));
		html(req, "\">");
		html_csrf(req);
		html(req, "<p class=\"hint\">");
		html_text(req, T(req, TX_ENR_RELEASE_HINT));
		html(req, "</p><button type=\"submit\" class=\"danger\">");
		html_text(req, T(req, TX_ENR_RELEASE));
		html(req, "</button></form>");
	}
	html(req, "</section>\n");
}

void page_programme_enrolments(struct request *req)
{
	struct enrol_programme pg;
	struct enrolment_row *rows;
	struct counts c;
	int n;
	bool manages;

	if (programme_of_path(req, &pg) < 0)
		return;
	if (enrolment_list(req->store, req->arena, pg.id, &rows, &n) < 0 ||
	    enrolment_counts(req->store, &pg, &c) < 0) {
		req_error(req, 500);
		return;
	}
	manages = enrolment_manages(&req->who, &pg);
	layout_start(req, arena_printf(req->arena, "%s · %s", T(req, TX_ENR_LIST), pg.title));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_ENR_LIST));
	html(req, " · ");
	html_text(req, pg.title);
	html(req, "</h1><a class=\"button\" href=\"");
	html_attr(req, programme_href(req, &pg, ""));
	html(req, "\">");
	html_text(req, T(req, TX_ENR_BACK));
	html(req, "</a></div>\n");
	list_notice(req);
	html(req, "<p class=\"lead\">");
	html_textf(req, T(req, TX_ENR_SEATS_TAKEN), c.seated, pg.capacity, c.waiting);
	html(req, " · ");
	html_text(req, pg.centre_name);
	html(req, "</p>\n");
	/* the admins who enrol others: a school its teachers, the organiser
	 * anyone of its scope (core/enrolment.c decides each one) */
	if (strcmp(pg.status, "completed") && strcmp(pg.status, "cancelled") &&
	    (manages || req->who.role == ROLE_SCHOOL_ADMIN))
		nominate_form(req, &pg);
	rows_table(req, &pg, rows, n, "seated", manages);
	rows_table(req, &pg, rows, n, "waiting", manages);
	if (manages)
		quota_forms(req, &pg);
	layout_end(req);
}

/* ---- a teacher's own ---- */

static void my_table(struct request *req, const struct my_enrolment *rows, int n, int limit)
{
	static const enum text_id cols[] = { TX_ENR_PROGRAMME, TX_STATUS, TX_ENR_POSITION,
					     TX_ENR_ARRIVED, TX_ACTIONS };
	static const char *const classes[] = { NULL, NULL, "num", NULL, NULL };

	html(req, "<div class=\"table-wrap\"><table class=\"data\">");
	layout_table_head(req, cols, 5, classes);
	html(req, "<tbody>");
	for (int i = 0; i < n && i < limit; i++) {
		const struct my_enrolment *r = &rows[i];
		struct enrol_programme pg = { .code = r->programme_code };

		html(req, "<tr><td>");
		html_link(req, programme_href(req, &pg, ""), r->programme_title);
		html(req, "</td><td><span class=\"tag ");
		html(req, !strcmp(r->status, "seated") ? "on" : "off");
		html(req, "\">");
		html_text(req, text_enum(req->lang, "enrol_status", r->status));
		html(req, "</span></td><td class=\"num\">");
		html_textf(req, "%d", r->position);
		html(req, "</td><td class=\"nowrap\">");
		print_moment(req, r->at);
		html(req, "</td><td class=\"actions\">");
		if (strcmp(r->programme_status, "completed") && strcmp(r->programme_status, "cancelled"))
			withdraw_button(req, &pg, req->who.person_id, "mine");
		html(req, "</td></tr>\n");
	}
	html(req, "</tbody></table></div>");
}

/* DOMAIN.md: the waiting list moves up when a place frees; a teacher
 * seated that way is told so where she looks first. */
static void promoted_notices(struct request *req, const struct my_enrolment *rows, int n)
{
	for (int i = 0; i < n; i++)
		if (rows[i].promoted && !strcmp(rows[i].status, "seated") &&
		    strcmp(rows[i].programme_status, "completed"))
			layout_notice(req, "ok", arena_printf(req->arena, T(req, TX_ENR_PROMOTED_NOTICE),
							      rows[i].programme_title));
}

void page_my_enrolments(struct request *req)
{
	struct my_enrolment *rows = NULL;
	int n = 0;

	if (req->who.person_id &&
	    enrolment_of_person(req->store, req->arena, req->who.person_id, &rows, &n) < 0) {
		req_error(req, 500);
		return;
	}
	layout_start(req, T(req, TX_ENR_MINE));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_ENR_MINE));
	html(req, "</h1></div>\n");
	if (req_query(req, "done") && !strcmp(req_query(req, "done"), "withdrawn"))
		layout_notice(req, "ok", T(req, TX_ENR_DONE_WITHDRAWN));
	if (!req->who.person_id) {
		layout_notice(req, "info", T(req, TX_ENR_NO_PERSON));
		layout_end(req);
		return;
	}
	promoted_notices(req, rows, n);
	html(req, "<p class=\"lead\">");
	html_text(req, T(req, TX_ENR_MINE_INTRO));
	html(req, "</p>\n");
	if (n == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_ENR_MINE_NONE));
		html(req, "</p>");
	} else {
		my_table(req, rows, n, INT_MAX);
	}
	layout_end(req);
}

void enrolment_home_section(struct request *req)
{
	struct my_enrolment *rows;
	int n;

	if (req->who.role != ROLE_TEACHER || !req->who.person_id ||
	    enrolment_of_person(req->store, req->arena, req->who.person_id, &rows, &n) < 0)
		return;
	html(req, "<section class=\"panel\"><h2>");
	html_link(req, "/programmes/mine", T(req, TX_ENR_MINE));
	html(req, "</h2>");
	promoted_notices(req, rows, n);
	if (n == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_ENR_MINE_NONE));
		html(req, "</p>");
	} else {
		my_table(req, rows, n, 5);
	}
	html(req, "</section>\n");
}
