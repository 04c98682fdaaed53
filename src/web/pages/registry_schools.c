/* registry_schools.c - schools: the list in scope with its filters, one
 * school with its history, and the forms that create and change one.
 * Writes go through registry_view_school_write(), which checks, saves and
 * audits in one transaction. */
#include "web/pages/pages.h"

#include <string.h>

#include "core/places.h"
#include "core/vocab.h"
#include "store/store.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages/registry_form.h"
#include "web/registry_view.h"

enum { SCHOOLS_PAGE = 50 };

static const char *const school_status_codes[] = { "open", "closed", NULL };

/* A school admin keeps one school: creating others is the centres' work
 * (registry_school_save() refuses it too). */
static bool may_create(struct request *req)
{
	return authz_permits(&req->who, PERM_REGISTRY_WRITE, NULL) &&
	       req->who.role != ROLE_SCHOOL_ADMIN;
}

void page_schools(struct request *req)
{
	struct registry_scope sc;
	struct school_filter f;
	struct registry_args args = { 0 };
	struct school_rec *rows;
	const char *bad = NULL;
	int64_t total;
	int n, offset, page;

	if (registry_view_school_filter(req, &f, &bad) < 0) {
		registry_bad_filter(req, bad);
		return;
	}
	page = registry_page(req, SCHOOLS_PAGE, &offset);
	f.limit = SCHOOLS_PAGE;
	f.offset = offset;
	registry_scope_of(&req->who, &sc);
	if (registry_schools(req->store, req->arena, &sc, &f, &rows, &n, &total) < 0) {
		req_error(req, 500);
		return;
	}
	registry_args_add(&args, "q", f.q);
	registry_args_add(&args, "district", f.district);
	registry_args_add(&args, "stage", f.stage);
	registry_args_add(&args, "ownership", f.ownership);
	registry_args_add(&args, "status", f.status);

	layout_start(req, T(req, TX_SCHOOLS));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_SCHOOLS));
	html(req, "</h1>");
	if (may_create(req)) {
		html(req, "<a class=\"button primary\" href=\"/schools/new\">");
		html_text(req, T(req, TX_REG_NEW_SCHOOL));
		html(req, "</a>");
	}
	registry_total(req, total);
	html(req, "<p class=\"scope\"><a href=\"/regions\">");
	html_text(req, T(req, TX_REG_REGIONS));
	html(req, "</a> · <a href=\"/centres\">");
	html_text(req, T(req, TX_CENTRES));
	html(req, "</a></p></div>\n<form class=\"filters registry-filters\" method=\"get\" action=\"/schools\">");
	registry_filter_search(req, f.q, TX_REG_SEARCH_SCHOOLS);
	if (registry_spans_districts(req))
		registry_filter_district(req, f.district);
	registry_filter_select(req, "stage", TX_STAGE, vocab_codes(VOCAB_STAGE), "stage", f.stage);
	registry_filter_select(req, "ownership", TX_OWNERSHIP, vocab_codes(VOCAB_OWNERSHIP),
			       "ownership", f.ownership);
	registry_filter_select(req, "status", TX_STATUS, school_status_codes, "school_status",
			       f.status);
	html(req, "<button type=\"submit\">");
	html_text(req, T(req, TX_FILTER));
	html(req, "</button></form>\n");
	registry_export_links(req, "/schools/export", &args);
	if (n == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_NO_RESULTS));
		html(req, "</p>");
		layout_end(req);
		return;
	}
	{
		static const enum text_id cols[] = { TX_REG_SCHOOL_CODE, TX_REG_NAME_OF, TX_REG_DISTRICT,
						     TX_STAGE, TX_OWNERSHIP, TX_STATUS,
						     TX_REG_SERVING_STAFF };
		static const char *const classes[] = { NULL, NULL, NULL, NULL, NULL, NULL, "num" };

		html(req, "<div class=\"table-wrap\"><table class=\"data registry\">");
		layout_table_head(req, cols, sizeof cols / sizeof cols[0], classes);
		html(req, "<tbody>");
	}
	for (int i = 0; i < n; i++) {
		const struct school_rec *s = &rows[i];

		html(req, "<tr>");
		registry_td(req, TX_REG_SCHOOL_CODE, NULL);
		html(req, "<code>");
		html_text(req, s->code);
		html(req, "</code></td>");
		registry_td(req, TX_REG_NAME_OF, "title-cell");
		html(req, "<a href=\"/schools/");
		html_url_arg(req, s->code);
		html(req, "\">");
		html_text(req, s->name);
		html(req, "</a></td>");
		registry_td(req, TX_REG_DISTRICT, NULL);
		html_text(req, s->district_name);
		html(req, "</td>");
		registry_td(req, TX_STAGE, NULL);
		html_text(req, registry_view_enum(req->lang, "stage", s->stage));
		html(req, "</td>");
		registry_td(req, TX_OWNERSHIP, NULL);
		html_text(req, registry_view_enum(req->lang, "ownership", s->ownership));
		html(req, "</td>");
		registry_td(req, TX_STATUS, NULL);
		html(req, strcmp(s->status, "open") ? "<span class=\"tag off\">" : "<span class=\"tag on\">");
		html_text(req, registry_view_enum(req->lang, "school_status", s->status));
		html(req, "</span></td>");
		registry_td(req, TX_REG_SERVING_STAFF, "num");
		html_textf(req, "%lld", (long long)s->persons);
		html(req, "</td></tr>\n");
	}
	html(req, "</tbody></table></div>\n");
	registry_pager(req, "/schools", &args, page, SCHOOLS_PAGE, total);
	layout_end(req);
}

/* Reads the school of the path; answers 404 or 403 itself and returns -1. */
static int school_of_path(struct request *req, enum permission perm, struct school_rec *s)
{
	const char *code = req_param(req, "code");
	int rc = registry_school_get(req->store, req->arena, code ? code : "", s);

	if (rc == STORE_ENOTFOUND) {
		req_error(req, 404);
		return -1;
	}
	if (rc < 0) {
		req_error(req, 500);
		return -1;
	}
	/* school codes are public (the ministry's list): saying it exists
	 * but is not yours leaks nothing */
	if (!registry_view_school_permits(&req->who, perm, s)) {
		req_error(req, 403);
		return -1;
	}
	return 0;
}

void page_school(struct request *req)
{
	struct school_rec s;
	struct history_row *rows;
	int n;

	if (school_of_path(req, PERM_REGISTRY_READ, &s) < 0)
		return;
	if (registry_school_history(req->store, req->arena, s.id, &rows, &n) < 0) {
		req_error(req, 500);
		return;
	}
	layout_start(req, s.name);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, s.name);
	html(req, "</h1>");
	if (registry_view_school_permits(&req->who, PERM_REGISTRY_WRITE, &s)) {
		html(req, "<a class=\"button\" href=\"/schools/");
		html_url_arg(req, s.code);
		html(req, "/edit\">");
		html_text(req, T(req, TX_REG_EDIT));
		html(req, "</a>");
	}
	html(req, "</div>\n");
	registry_done_notice(req);
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_REG_FACTS));
	html(req, "</h2><dl class=\"facts\">");
	registry_fact(req, TX_REG_SCHOOL_CODE, s.code);
	registry_fact(req, TX_REG_NAME_OF, s.name);
	registry_fact(req, TX_REG_DISTRICT,
		      arena_printf(req->arena, "%s（%s）", s.district_name ? s.district_name : "",
				   s.district_code));
	registry_fact(req, TX_STAGE, registry_view_enum(req->lang, "stage", s.stage));
	registry_fact(req, TX_OWNERSHIP, registry_view_enum(req->lang, "ownership", s.ownership));
	registry_fact(req, TX_STATUS, registry_view_enum(req->lang, "school_status", s.status));
	registry_fact(req, TX_REG_SERVING_STAFF, arena_printf(req->arena, "%lld", (long long)s.persons));
	html(req, "</dl><p class=\"links\"><a class=\"button\" href=\"/persons?school=");
	html_url_arg(req, s.code);
	html(req, "\">");
	html_text(req, T(req, TX_REG_STAFF_LIST));
	html(req, "</a></p></section>\n");
	registry_history_table(req, rows, n, NULL);
	layout_end(req);
}

/* ---- the form ---- */

static const char *const form_fields[] = { "school_code", "name", "district_code", "stage",
					   "ownership", "status", NULL };

static void district_select(struct request *req, const char *value, const struct field_errors *fe)
{
	struct centre_rec *c;
	const char **codes, **labels;
	int n, k = 0;
	struct registry_field f = { "district_code", TX_REG_DISTRICT, value, NULL, true };

	struct centre_filter districts = { .kind = "district", .limit = 1000 };
	int64_t total;

	if (places_centres(req->store, req->arena, &districts, &c, &n, &total) < 0)
		n = 0;
	codes = arena_alloc(req->arena, sizeof *codes * (size_t)(n + 1));
	labels = arena_alloc(req->arena, sizeof *labels * (size_t)(n + 1));
	if (!codes || !labels)
		return;
	/* one centre per district: their regions are the districts */
	for (int i = 0; i < n; i++)
		if (c[i].kind && !strcmp(c[i].kind, "district")) {
			codes[k] = c[i].region_code;
			labels[k++] = arena_printf(req->arena, "%s（%s）", c[i].region_name,
						   c[i].region_code);
		}
	codes[k] = labels[k] = NULL;
	registry_select(req, &f, codes, labels, NULL, true, fe);
}

/* The form, new (s NULL) or for s; posted: show what was sent. */
static void school_form(struct request *req, const struct school_rec *s, bool posted,
			const struct field_errors *fe)
{
	const char *title = s ? T(req, TX_REG_EDIT) : T(req, TX_REG_NEW_SCHOOL);
#define VALUE(key, cur) registry_form_value(req, posted, key, s ? (cur) : NULL)
	struct registry_field name = { "name", TX_REG_NAME_OF, VALUE("name", s->name), NULL, true };
	struct registry_field stage = { "stage", TX_STAGE, VALUE("stage", s->stage), NULL, true };
	struct registry_field own = { "ownership", TX_OWNERSHIP, VALUE("ownership", s->ownership),
				      NULL, true };
	struct registry_field status = { "status", TX_STATUS, VALUE("status", s->status), NULL, false };
	const char *district = VALUE("district_code", s->district_code);
#undef VALUE

	if (!s && !posted && req->who.role == ROLE_CENTRE_ADMIN && *req->who.region_code &&
	    !*req->who.domain)
		district = req->who.region_code; /* a district centre's own district */
	layout_start(req, title);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, title);
	if (s) {
		html(req, " · ");
		html_text(req, s->name);
	}
	html(req, "</h1></div>\n");
	registry_form_errors(req, fe, form_fields);
	html(req, "<form class=\"card form registry-form\" method=\"post\" action=\"/schools");
	if (s) {
		html(req, "/");
		html_url_arg(req, s->code);
	}
	html(req, "\" novalidate>");
	html_csrf(req);
	if (s) {
		html(req, "<dl class=\"facts\">");
		registry_fact(req, TX_REG_SCHOOL_CODE, s->code);
		html(req, "</dl>");
	} else {
		struct registry_field code = { "school_code", TX_REG_SCHOOL_CODE,
					       posted ? req_form(req, "school_code") : NULL,
					       T(req, TX_REG_SCHOOL_CODE_HINT), true };

		registry_input(req, &code, "text", fe);
	}
	registry_input(req, &name, "text", fe);
	district_select(req, district, fe);
	registry_select(req, &stage, vocab_codes(VOCAB_STAGE), NULL, "stage", !s, fe);
	registry_select(req, &own, vocab_codes(VOCAB_OWNERSHIP), NULL, "ownership", !s, fe);
	registry_select(req, &status, school_status_codes, NULL, "school_status", false, fe);
	html(req, "<div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, s ? TX_REG_SAVE : TX_CREATE));
	html(req, "</button>");
	html(req, "<a class=\"button\" href=\"");
	html(req, s ? "/schools/" : "/schools");
	if (s)
		html_url_arg(req, s->code);
	html(req, "\">");
	html_text(req, T(req, TX_REG_CANCEL));
	html(req, "</a></div></form>\n");
	layout_end(req);
}

void page_school_new(struct request *req)
{
	if (!may_create(req)) {
		req_error(req, 403);
		return;
	}
	school_form(req, NULL, false, NULL);
}

static void read_form(struct request *req, struct school_rec *r)
{
	memset(r, 0, sizeof *r);
	r->code = req_form(req, "school_code");
	r->name = req_form(req, "name");
	r->district_code = req_form(req, "district_code");
	r->stage = req_form(req, "stage");
	r->ownership = req_form(req, "ownership");
	r->status = req_form(req, "status");
}

/* After a write: the record's page, the form again, or an error. */
static void after_write(struct request *req, enum registry_write w, const struct school_rec *before,
			const struct school_rec *after, enum save_result res,
			struct field_errors *fe)
{
	switch (w) {
	case REGISTRY_WRITE_OK:
		req_redirect(req, arena_printf(req->arena, "/schools/%s?done=%s", after->code,
					       res == SAVE_INSERTED ? "created" :
					       res == SAVE_UPDATED ? "saved" : "unchanged"));
		return;
	case REGISTRY_WRITE_CONFLICT:
		field_error(fe, "school_code", "%s", T(req, TX_REG_SCHOOL_EXISTS));
		req->status = 409;
		break;
	case REGISTRY_WRITE_INVALID:
		req->status = 422;
		break;
	default:
		req_error(req, 500);
		return;
	}
	school_form(req, before, true, fe);
}

void page_school_create(struct request *req)
{
	struct school_rec in, out;
	struct field_errors fe = { 0 };
	enum save_result res = SAVE_UNCHANGED;
	enum registry_write w;

	if (!may_create(req)) {
		req_error(req, 403);
		return;
	}
	read_form(req, &in);
	w = registry_view_school_write(req, NULL, &in, SF_CODE | SF_NAME | SF_DISTRICT | SF_STAGE |
				       SF_OWNERSHIP | SF_STATUS, "form", &fe, &out, &res);
	after_write(req, w, NULL, &out, res, &fe);
}

void page_school_edit(struct request *req)
{
	struct school_rec s;

	if (school_of_path(req, PERM_REGISTRY_WRITE, &s) < 0)
		return;
	school_form(req, &s, false, NULL);
}

void page_school_update(struct request *req)
{
	struct school_rec s, in, out;
	struct field_errors fe = { 0 };
	enum save_result res = SAVE_UNCHANGED;
	enum registry_write w;

	if (school_of_path(req, PERM_REGISTRY_WRITE, &s) < 0)
		return;
	read_form(req, &in);
	w = registry_view_school_write(req, &s, &in, SF_NAME | SF_DISTRICT | SF_STAGE | SF_OWNERSHIP |
				       SF_STATUS, "form", &fe, &out, &res);
	after_write(req, w, &s, &out, res, &fe);
}
