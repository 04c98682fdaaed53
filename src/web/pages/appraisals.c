/* appraisals.c - a person's yearly appraisals (年度考核) and the events
 * that bear on re-registration, as a section of the person's page, with
 * the forms a school enters them by (issue 6 §4).
 *
 * Whoever reads the person (PERM_REGISTRY_READ in scope: the person page
 * checked it) sees the lists; whoever may write appraisals over her
 * (PERM_APPRAISALS_WRITE: her school's admin, a centre admin in scope, the
 * system admin) also sees the forms.  An appraisal entered again for the
 * same year replaces the old result; an event is never deleted: entered
 * again with the same kind and start it takes the new end and note.  Both
 * go through core/appraisal.c, as `tdc import appraisals|events` does, in
 * one transaction with their audit rows. */
#include "web/pages/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/appraisal.h"
#include "core/vocab.h"
#include "lib/clock.h"
#include "store/store.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/registry_view.h"

static void cell(struct request *req, enum text_id label)
{
	html(req, "<td data-label=\"");
	html_attr(req, T(req, label));
	html(req, "\">");
}

static void entered(struct request *req, const char *by, const char *at)
{
	cell(req, TX_APR_ENTERED);
	html_text(req, by);
	html(req, " <span class=\"hint\">");
	layout_time(req, at);
	html(req, "</span></td>");
}

static void label(struct request *req, const char *id, enum text_id text)
{
	html(req, "<label for=\"");
	html_attr(req, id);
	html(req, "\">");
	html_text(req, T(req, text));
	html(req, "</label>");
}

static void select_of(struct request *req, const char *id, const char *name, enum vocab_kind k,
		      const char *kind, const char *selected)
{
	html(req, "<select id=\"");
	html_attr(req, id);
	html(req, "\" name=\"");
	html_attr(req, name);
	html(req, "\" required>");
	for (const char *const *c = vocab_codes(k); *c; c++)
		html_option(req, *c, text_enum(req->lang, kind, *c), selected && !strcmp(*c, selected));
	html(req, "</select>");
}

static void forms(struct request *req, const struct person_rec *p)
{
	const char *ref = registry_view_person_ref(req->arena, p);
	char today[11];

	clock_today(today);
	html(req, "<details class=\"apr-forms\"><summary>");
	html_text(req, T(req, TX_APR_SAVE_APPRAISAL));
	html(req, "</summary><form class=\"form registry-form\" method=\"post\" action=\"/persons/");
	html_attr(req, ref);
	html(req, "/appraisals\">");
	html_csrf(req);
	label(req, "apr-year", TX_APR_YEAR);
	/* last year by default: a school appraises a year once it is over */
	html(req, "<input id=\"apr-year\" name=\"year\" type=\"number\" min=\"1950\" required"
		  " inputmode=\"numeric\"");
	/* our own markup with two numbers in it */
	html(req, arena_printf(req->arena, " max=\"%d\" value=\"%d\">", atoi(today), atoi(today) - 1));
	label(req, "apr-result", TX_APR_RESULT);
	select_of(req, "apr-result", "result", VOCAB_APPRAISAL, "appraisal", "qualified");
	html(req, "<p class=\"hint\">");
	html_text(req, T(req, TX_APR_APPRAISAL_HINT));
	html(req, "</p><div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, TX_APR_SAVE_APPRAISAL));
	html(req, "</button></div></form></details>\n");

	html(req, "<details class=\"apr-forms\"><summary>");
	html_text(req, T(req, TX_APR_ADD_EVENT));
	html(req, "</summary><form class=\"form registry-form\" method=\"post\" action=\"/persons/");
	html_attr(req, ref);
	html(req, "/events\">");
	html_csrf(req);
	label(req, "ev-kind", TX_APR_KIND);
	select_of(req, "ev-kind", "kind", VOCAB_EVENT, "event", NULL);
	label(req, "ev-start", TX_APR_START);
	html(req, "<input id=\"ev-start\" name=\"start\" type=\"date\" required>");
	label(req, "ev-end", TX_APR_END);
	html(req, "<input id=\"ev-end\" name=\"end\" type=\"date\">");
	label(req, "ev-note", TX_APR_NOTE);
	html(req, "<input id=\"ev-note\" name=\"note\" type=\"text\" maxlength=\"500\">");
	html(req, "<p class=\"hint\">");
	html_text(req, T(req, TX_APR_EVENT_HINT));
	html(req, "</p><div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, TX_APR_ADD_EVENT));
	html(req, "</button></div></form></details>\n");
}

/* Who may enter a person's appraisals and events: they decide her
 * re-registration, so the school that gives the appraisal (人社部发〔2023〕6号
 * art. 10), a district centre of her region, or the system admin; never a
 * municipal centre whose domain spans the city, and never about oneself. */
static bool may_write(const struct request *req, const struct person_rec *p)
{
	if (!registry_view_person_permits(&req->who, PERM_APPRAISALS_WRITE, p) ||
	    registry_view_is_self(&req->who, p))
		return false;
	return req->who.role != ROLE_CENTRE_ADMIN || !strcmp(req->who.centre_kind, "district");
}

void appraisals_section(struct request *req, const struct person_rec *p)
{
	static const enum text_id apr_cols[] = { TX_APR_YEAR, TX_APR_RESULT, TX_APR_ENTERED };
	static const enum text_id ev_cols[] = { TX_APR_KIND, TX_APR_START, TX_APR_END, TX_APR_NOTE,
						TX_APR_ENTERED };
	struct appraisal_rec *ap;
	struct event_rec *ev;
	int nap, nev;

	if (appraisal_list(req->store, req->arena, p->id, &ap, &nap) < 0 ||
	    event_list(req->store, req->arena, p->id, &ev, &nev) < 0) {
		layout_notice(req, "error", T(req, TX_ERR_500));
		return;
	}
	html(req, "<section class=\"panel\" id=\"appraisals\"><h2>");
	html_text(req, T(req, TX_APR_TITLE));
	html(req, "</h2><h3>");
	html_text(req, T(req, TX_APR_APPRAISALS));
	html(req, "</h3>");
	if (!nap) {
		html(req, "<p class=\"hint\">");
		html_text(req, T(req, TX_NONE_YET));
		html(req, "</p>");
	} else {
		html(req, "<div class=\"table-wrap\"><table class=\"data registry appraisals\">");
		layout_table_head(req, apr_cols, 3, NULL);
		html(req, "<tbody>");
		for (int i = 0; i < nap; i++) {
			html(req, "<tr>");
			cell(req, TX_APR_YEAR);
			html_textf(req, "%d", ap[i].year);
			html(req, "</td>");
			cell(req, TX_APR_RESULT);
			html_text(req, text_enum(req->lang, "appraisal", ap[i].result));
			html(req, "</td>");
			entered(req, ap[i].entered_by, ap[i].entered_at);
			html(req, "</tr>");
		}
		html(req, "</tbody></table></div>");
	}
	html(req, "<h3>");
	html_text(req, T(req, TX_APR_EVENTS));
	html(req, "</h3>");
	if (!nev) {
		html(req, "<p class=\"hint\">");
		html_text(req, T(req, TX_NONE_YET));
		html(req, "</p>");
	} else {
		html(req, "<div class=\"table-wrap\"><table class=\"data registry events\">");
		layout_table_head(req, ev_cols, 5, NULL);
		html(req, "<tbody>");
		for (int i = 0; i < nev; i++) {
			html(req, "<tr>");
			cell(req, TX_APR_KIND);
			html_text(req, text_enum(req->lang, "event", ev[i].kind));
			html(req, "</td>");
			cell(req, TX_APR_START);
			html_text(req, ev[i].start);
			html(req, "</td>");
			cell(req, TX_APR_END);
			html_text(req, *ev[i].end ? ev[i].end : "—");
			html(req, "</td>");
			cell(req, TX_APR_NOTE);
			html_text(req, ev[i].note);
			html(req, "</td>");
			entered(req, ev[i].entered_by, ev[i].entered_at);
			html(req, "</tr>");
		}
		html(req, "</tbody></table></div>");
	}
	if (may_write(req, p))
		forms(req, p);
	html(req, "</section>\n");
}

/* ---- the forms' posts ---- */

/* The person of the path, whom the caller may enter appraisals for: 404
 * outside the caller's sight (as every person route), 403 when seen but
 * not hers to change.  0, or -1 answered. */
static int writable_person(struct request *req, struct person_rec *p)
{
	int rc = registry_view_person_find(req, req_param(req, "id_number"), p);

	if (rc < 0 && rc != STORE_ENOTFOUND) {
		req_error(req, 500);
		return -1;
	}
	if (rc == STORE_ENOTFOUND || !registry_view_person_permits(&req->who, PERM_REGISTRY_READ, p)) {
		req_error(req, 404);
		return -1;
	}
	if (!may_write(req, p)) {
		req_error(req, 403);
		return -1;
	}
	return 0;
}

/* One row through core/appraisal.c in its own transaction; then back to
 * the page, or the errors in words. */
static void save(struct request *req, bool event)
{
	struct person_rec p;
	struct registry_scope sc;
	struct actor who = req_actor(req);
	char now[ISO_TIME_LEN], today[11];
	struct change_source src = { .who = &who, .source = "form", .now = now };
	struct appraisal_import *ai = NULL;
	struct field_errors fe = { 0 };
	enum save_result saved = SAVE_UNCHANGED;
	struct err e = { 0 };
	int rc;

	if (writable_person(req, &p) < 0)
		return;
	clock_now_iso(now);  /* stored times are UTC; the rules' day is local */
	clock_today(today);
	registry_scope_of(&req->who, &sc);
	if (store_begin(req->store, STORE_WRITE) < 0)
		goto fail;
	if (appraisal_import_begin(req->store, &sc, &src, today, true, &ai, &e) < 0)
		goto fail;
	if (event) {
		struct event_in in = {
			.id_number = p.id_number, .kind = req_form(req, "kind"),
			.start = req_form(req, "start"), .end = req_form(req, "end"),
			.note = req_form(req, "note"),
		};

		rc = event_import_row(ai, &in, &fe, &saved);
	} else {
		struct appraisal_in in = {
			.id_number = p.id_number, .year = req_form(req, "year"),
			.result = req_form(req, "result"),
		};

		rc = appraisal_import_row(ai, &in, &fe, &saved);
	}
	appraisal_import_free(ai);
	ai = NULL;
	if (rc == -1) {
		store_rollback(req->store);
		layout_start(req, T(req, TX_APR_TITLE));
		req->status = 422;
		layout_notice(req, "error", T(req, TX_HRS_FIELD_ERRORS));
		html(req, "<ul class=\"field-errors\">");
		for (int i = 0; i < fe.n; i++) {
			html(req, "<li>");
			html_text(req, req->lang == LANG_ZH && *fe.e[i].message_zh ? fe.e[i].message_zh
										  : fe.e[i].message);
			html(req, "</li>");
		}
		html(req, "</ul><p><a class=\"button\" href=\"/persons/");
		html_attr(req, registry_view_person_ref(req->arena, &p));
		html(req, "#appraisals\">");
		html_text(req, T(req, TX_REG_CANCEL));
		html(req, "</a></p>");
		layout_end(req);
		return;
	}
	if (rc < 0 || store_commit(req->store) < 0)
		goto fail;
	req_redirect(req, arena_printf(req->arena, "/persons/%s?done=%s#appraisals",
				       registry_view_person_ref(req->arena, &p),
				       saved == SAVE_UNCHANGED ? "unchanged" : "saved"));
	return;
fail:
	appraisal_import_free(ai);
	if (store_in_transaction(req->store))
		store_rollback(req->store);
	req_error(req, 500);
}

void page_person_appraisal_save(struct request *req)
{
	save(req, false);
}

void page_person_event_save(struct request *req)
{
	save(req, true);
}
