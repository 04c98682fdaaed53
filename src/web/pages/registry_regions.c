/* registry_regions.c - the city's regions and its teacher development
 * centres: lists with search, filters and pages, one page for each, and
 * the system admin's forms that create and change them (core/places.c
 * checks, saves and audits).
 *
 * Names and codes are public; counts of schools and people are shown only
 * for a district the caller sees whole, so no page counts what its reader
 * may not open. */
#include "web/pages/pages.h"

#include <string.h>

#include "core/places.h"
#include "lib/utf8.h"
#include "store/store.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages/registry_form.h"
#include "web/registry_view.h"

enum { PLACES_PAGE = 50 };

/* Does the caller's scope hold every school of the district? */
static bool sees_district(const struct registry_scope *sc, const char *code)
{
	if (sc->nothing || sc->person_id || sc->school_code || sc->domain)
		return false;
	if (sc->district_code)
		return !strcmp(sc->district_code, code);
	if (sc->region_prefix)
		return !strncmp(code, sc->region_prefix, strlen(sc->region_prefix));
	return true;
}

static bool is_district(const char *level)
{
	return level && !strcmp(level, "district");
}

static bool may_manage(struct request *req)
{
	return authz_permits(&req->who, PERM_PLACES_MANAGE, NULL);
}

/* Counts for the district rows the caller sees whole; the others keep 0
 * and show a dash.  One pair of GROUP BY queries for the whole page. */
static int count_visible(struct request *req, struct place_region *rows, int n, bool *shown)
{
	struct registry_scope sc;
	struct place_region **want = arena_alloc(req->arena, sizeof *want * (size_t)(n + 1));
	int k = 0;

	if (!want)
		return -1;
	registry_scope_of(&req->who, &sc);
	for (int i = 0; i < n; i++) {
		shown[i] = is_district(rows[i].level) && sees_district(&sc, rows[i].code);
		if (shown[i])
			want[k++] = &rows[i];
	}
	return k ? places_region_counts(req->store, want, k) : 0;
}

static void count_cell(struct request *req, enum text_id label, bool shown, int64_t value)
{
	registry_td(req, label, "num");
	if (shown)
		html_textf(req, "%lld", (long long)value);
	else
		html(req, "—");
	html(req, "</td>");
}

static void code_cell(struct request *req, const char *code)
{
	registry_td(req, TX_REG_CODE, NULL);
	html(req, "<code>");
	html_text(req, code);
	html(req, "</code></td>");
}

static void name_link(struct request *req, const char *base, const char *code, const char *name)
{
	html(req, "<a href=\"");
	html_attr(req, base);
	html_url_arg(req, code);
	html(req, "\">");
	html_text(req, name);
	html(req, "</a>");
}

/* A query value: NULL when absent or empty. */
static const char *query(struct request *req, const char *key)
{
	const char *v = req_query(req, key);

	return v && *v ? v : NULL;
}

static bool six_digits(const char *v)
{
	return v && strlen(v) == 6 && strspn(v, "0123456789") == 6;
}

/* "天河区（440106）" */
static const char *named_code(struct request *req, const char *name, const char *code)
{
	return arena_printf(req->arena, "%s（%s）", name ? name : "", code ? code : "");
}

/* Provinces and cities: whom a region may hang under. */
static int parents(struct request *req, struct place_region **rows, int *n)
{
	struct region_filter f = { .parents_only = true, .limit = 1000 };
	int64_t total;

	return places_regions(req->store, req->arena, &f, rows, n, &total);
}

/* ---- problems in the reader's words ---- */

static const enum text_id problem_text[PLACE_PROBLEM__MAX] = {
	[PLACE_EMPTY] = TX_PL_E_EMPTY,
	[PLACE_TOO_LONG] = TX_PL_E_TOO_LONG,
	[PLACE_CONTROL] = TX_PL_E_CONTROL,
	[PLACE_REGION_CODE] = TX_PL_E_REGION_CODE,
	[PLACE_CODE_LEVEL] = TX_PL_E_CODE_LEVEL,
	[PLACE_CENTRE_CODE] = TX_PL_E_CENTRE_CODE,
	[PLACE_CODE_TAKEN] = TX_PL_E_CODE_TAKEN,
	[PLACE_BAD_LEVEL] = TX_PL_E_BAD_LEVEL,
	[PLACE_LEVEL_IN_USE] = TX_PL_E_LEVEL_IN_USE,
	[PLACE_PROVINCE_PARENT] = TX_PL_E_PROVINCE_PARENT,
	[PLACE_PARENT_UNKNOWN] = TX_PL_E_PARENT_UNKNOWN,
	[PLACE_PARENT_LEVEL] = TX_PL_E_PARENT_LEVEL,
	[PLACE_PARENT_PREFIX] = TX_PL_E_PARENT_PREFIX,
	[PLACE_BAD_KIND] = TX_PL_E_BAD_KIND,
	[PLACE_KIND_FIXED] = TX_PL_E_KIND_FIXED,
	[PLACE_NOT_DISTRICT] = TX_PL_E_NOT_DISTRICT,
	[PLACE_REGION_UNKNOWN] = TX_PL_E_REGION_UNKNOWN,
	[PLACE_REGION_NOT_CITY] = TX_PL_E_REGION_NOT_CITY,
	[PLACE_REGION_IS_CODE] = TX_PL_E_REGION_IS_CODE,
	[PLACE_BAD_DOMAIN] = TX_PL_E_BAD_DOMAIN,
	[PLACE_DOMAIN_NEEDED] = TX_PL_E_DOMAIN_NEEDED,
	[PLACE_DOMAIN_FORBIDDEN] = TX_PL_E_DOMAIN_FORBIDDEN,
};

/* The problems as the form fields show them (registry_form.c). */
static void worded(struct request *req, const struct place_errors *pe, struct field_errors *fe)
{
	memset(fe, 0, sizeof *fe);
	for (int i = 0; i < pe->n; i++) {
		enum place_problem p = pe->e[i].problem;

		field_error(fe, pe->e[i].field, "%s",
			    p > 0 && p < PLACE_PROBLEM__MAX ? T(req, problem_text[p]) : T(req, TX_ERR_422));
	}
}

/* After a write: the record's page, the form again with its messages, or
 * an error page. */
static bool after_write(struct request *req, enum place_write w, const char *base,
			const char *code, bool creating, bool changed)
{
	switch (w) {
	case PLACE_WRITE_OK:
		req_redirect(req, arena_printf(req->arena, "%s/%s?done=%s", base, code,
					       creating ? "created" : changed ? "saved" : "unchanged"));
		return true;
	case PLACE_WRITE_CONFLICT:
		req->status = 409;
		return false;
	case PLACE_WRITE_INVALID:
		req->status = 422;
		return false;
	default:
		req_error(req, 500);
		return true;
	}
}

/* ---- regions ---- */

static void parent_filter(struct request *req, const char *selected)
{
	struct place_region *rows;
	int n;

	if (parents(req, &rows, &n) < 0)
		return;
	html(req, "<label>");
	html_text(req, T(req, TX_PL_PARENT));
	html(req, " <select name=\"parent\">");
	html_option(req, "", T(req, TX_ALL), !selected);
	for (int i = 0; i < n; i++)
		html_option(req, rows[i].code, named_code(req, rows[i].name, rows[i].code),
			    selected && !strcmp(selected, rows[i].code));
	html(req, "</select></label>");
}

static void region_rows(struct request *req, struct place_region *rows, int n, const bool *shown)
{
	static const enum text_id cols[] = { TX_REG_CODE, TX_REG_NAME_OF, TX_REG_LEVEL, TX_PL_PARENT,
					     TX_SCHOOLS, TX_REG_SERVING_STAFF };
	static const char *const classes[] = { NULL, NULL, NULL, NULL, "num", "num" };

	html(req, "<div class=\"table-wrap\"><table class=\"data registry\">");
	layout_table_head(req, cols, sizeof cols / sizeof cols[0], classes);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		const struct place_region *r = &rows[i];

		html(req, "<tr>");
		code_cell(req, r->code);
		registry_td(req, TX_REG_NAME_OF, "title-cell");
		name_link(req, "/regions/", r->code, r->name);
		html(req, "</td>");
		registry_td(req, TX_REG_LEVEL, NULL);
		html_text(req, registry_view_enum(req->lang, "region_level", r->level));
		html(req, "</td>");
		registry_td(req, TX_PL_PARENT, NULL);
		html_text(req, r->parent_name ? r->parent_name : "—");
		html(req, "</td>");
		count_cell(req, TX_SCHOOLS, shown[i], r->schools);
		count_cell(req, TX_REG_SERVING_STAFF, shown[i], r->persons);
		html(req, "</tr>\n");
	}
	html(req, "</tbody></table></div>\n");
}

void page_regions(struct request *req)
{
	struct region_filter f = { 0 };
	struct registry_args args = { 0 };
	struct place_region *rows;
	bool *shown;
	int64_t total;
	int n, page, offset;

	f.q = query(req, "q");
	f.level = query(req, "level");
	f.parent = query(req, "parent");
	if (f.q && utf8_chars(f.q) > 64) {
		registry_bad_filter(req, "q");
		return;
	}
	if (f.level && !places_is_level(f.level)) {
		registry_bad_filter(req, "level");
		return;
	}
	if (f.parent && !six_digits(f.parent)) {
		registry_bad_filter(req, "parent");
		return;
	}
	page = registry_page(req, PLACES_PAGE, &offset);
	f.limit = PLACES_PAGE;
	f.offset = offset;
	if (places_regions(req->store, req->arena, &f, &rows, &n, &total) < 0 ||
	    !(shown = arena_alloc(req->arena, sizeof *shown * (size_t)(n + 1))) ||
	    count_visible(req, rows, n, shown) < 0) {
		req_error(req, 500);
		return;
	}
	registry_args_add(&args, "q", f.q);
	registry_args_add(&args, "level", f.level);
	registry_args_add(&args, "parent", f.parent);

	layout_start(req, T(req, TX_REG_REGIONS));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_REG_REGIONS));
	html(req, "</h1>");
	if (may_manage(req)) {
		html(req, "<a class=\"button primary\" href=\"/regions/new\">");
		html_text(req, T(req, TX_PL_NEW_REGION));
		html(req, "</a>");
	}
	registry_total(req, total);
	html(req, "<p class=\"scope\"><a href=\"/centres\">");
	html_text(req, T(req, TX_CENTRES));
	html(req, "</a></p></div>\n<form class=\"filters registry-filters\" method=\"get\" action=\"/regions\">");
	registry_filter_search(req, f.q, TX_PL_SEARCH_REGIONS);
	registry_filter_select(req, "level", TX_REG_LEVEL, places_levels, "region_level", f.level);
	parent_filter(req, f.parent);
	html(req, "<button type=\"submit\">");
	html_text(req, T(req, TX_FILTER));
	html(req, "</button></form>\n");
	if (n == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_NO_RESULTS));
		html(req, "</p>");
	} else {
		region_rows(req, rows, n, shown);
		registry_pager(req, "/regions", &args, page, PLACES_PAGE, total);
	}
	layout_end(req);
}

/* Reads the region of the path; answers 404 or 500 itself and returns -1. */
static int region_of_path(struct request *req, struct place_region *r)
{
	const char *code = req_param(req, "code");
	int rc = places_region_get(req->store, req->arena, code ? code : "", r);

	if (rc == STORE_ENOTFOUND)
		req_error(req, 404);
	else if (rc < 0)
		req_error(req, 500);
	return rc < 0 ? -1 : 0;
}

static void centre_list(struct request *req, const struct centre_rec *c, int n)
{
	html(req, "<ul class=\"plain\">");
	for (int i = 0; i < n; i++) {
		html(req, "<li>");
		name_link(req, "/centres/", c[i].code, c[i].name);
		html(req, " · ");
		html_text(req, registry_view_enum(req->lang, "centre_kind", c[i].kind));
		if (c[i].domain) {
			html(req, " · ");
			html_text(req, text_enum(req->lang, "domain", c[i].domain));
		}
		html(req, "</li>");
	}
	html(req, "</ul>");
}

void page_region(struct request *req)
{
	struct place_region r, *kids, *self = &r;
	struct region_filter kf = { .limit = 1000 };
	struct centre_filter cf = { .limit = 100 };
	struct centre_rec *centres;
	struct registry_scope sc;
	int64_t nkids_total, ncentres_total;
	int nkids, ncentres;
	bool *shown, self_shown;

	if (region_of_path(req, &r) < 0)
		return;
	kf.parent = r.code;
	cf.region = r.code;
	registry_scope_of(&req->who, &sc);
	self_shown = is_district(r.level) && sees_district(&sc, r.code);
	if (places_regions(req->store, req->arena, &kf, &kids, &nkids, &nkids_total) < 0 ||
	    places_centres(req->store, req->arena, &cf, &centres, &ncentres, &ncentres_total) < 0 ||
	    !(shown = arena_alloc(req->arena, sizeof *shown * (size_t)(nkids + 1))) ||
	    count_visible(req, kids, nkids, shown) < 0 ||
	    (self_shown && places_region_counts(req->store, &self, 1) < 0)) {
		req_error(req, 500);
		return;
	}
	layout_start(req, r.name);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, r.name);
	html(req, "</h1>");
	if (may_manage(req)) {
		html(req, "<a class=\"button\" href=\"/regions/");
		html_url_arg(req, r.code);
		html(req, "/edit\">");
		html_text(req, T(req, TX_REG_EDIT));
		html(req, "</a>");
	}
	html(req, "</div>\n");
	registry_done_notice(req);
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_REG_FACTS));
	html(req, "</h2><dl class=\"facts\">");
	registry_fact(req, TX_REG_CODE, r.code);
	registry_fact(req, TX_REG_NAME_OF, r.name);
	registry_fact(req, TX_REG_LEVEL, registry_view_enum(req->lang, "region_level", r.level));
	html(req, "<dt>");
	html_text(req, T(req, TX_PL_PARENT));
	html(req, "</dt><dd>");
	if (r.parent_code)
		name_link(req, "/regions/", r.parent_code, named_code(req, r.parent_name, r.parent_code));
	else
		html(req, "—");
	html(req, "</dd>");
	if (self_shown) {
		registry_fact(req, TX_SCHOOLS, arena_printf(req->arena, "%lld", (long long)r.schools));
		registry_fact(req, TX_REG_SERVING_STAFF,
			      arena_printf(req->arena, "%lld", (long long)r.persons));
	}
	html(req, "</dl><p class=\"links\">");
	if (is_district(r.level)) {
		html(req, "<a class=\"button\" href=\"/schools?district=");
		html_url_arg(req, r.code);
		html(req, "\">");
		html_text(req, T(req, TX_PL_SCHOOLS_OF));
		html(req, "</a> ");
	}
	html(req, "<a class=\"button\" href=\"/regions\">");
	html_text(req, T(req, TX_REG_REGIONS));
	html(req, "</a></p></section>\n");

	html(req, "<section class=\"panel\" id=\"centres\"><h2>");
	html_text(req, T(req, TX_PL_CENTRES_HERE));
	html(req, "</h2>");
	if (ncentres) {
		centre_list(req, centres, ncentres);
	} else {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_PL_NO_CENTRE));
		html(req, "</p>");
	}
	html(req, "</section>\n");

	if (!is_district(r.level)) {
		html(req, "<section class=\"panel\" id=\"children\"><h2>");
		html_text(req, T(req, TX_PL_CHILDREN));
		html(req, "</h2>");
		if (nkids) {
			region_rows(req, kids, nkids, shown);
		} else {
			html(req, "<p class=\"empty\">");
			html_text(req, T(req, TX_PL_NO_CHILDREN));
			html(req, "</p>");
		}
		html(req, "</section>\n");
	}
	layout_end(req);
}

static const char *const region_fields[] = { "code", "name", "level", "parent_code", NULL };

static void parent_select(struct request *req, const char *value, const struct field_errors *fe)
{
	struct registry_field f = { "parent_code", TX_PL_PARENT, value, T(req, TX_PL_PARENT_HINT),
				    false };
	struct place_region *rows;
	const char **codes, **labels;
	int n;

	if (parents(req, &rows, &n) < 0)
		n = 0;
	codes = arena_alloc(req->arena, sizeof *codes * (size_t)(n + 1));
	labels = arena_alloc(req->arena, sizeof *labels * (size_t)(n + 1));
	if (!codes || !labels)
		return;
	for (int i = 0; i < n; i++) {
		codes[i] = rows[i].code;
		labels[i] = named_code(req, rows[i].name, rows[i].code);
	}
	codes[n] = labels[n] = NULL;
	registry_select(req, &f, codes, labels, NULL, true, fe);
}

/* The form, new (r NULL) or for r; posted: show what was sent. */
static void region_form(struct request *req, const struct place_region *r, bool posted,
			const struct field_errors *fe)
{
	const char *title = r ? T(req, TX_REG_EDIT) : T(req, TX_PL_NEW_REGION);
#define VALUE(key, cur) registry_form_value(req, posted, key, r ? (cur) : NULL)
	struct registry_field name = { "name", TX_REG_NAME_OF, VALUE("name", r->name), NULL, true };
	struct registry_field level = { "level", TX_REG_LEVEL, VALUE("level", r->level), NULL, true };
	const char *parent = VALUE("parent_code", r->parent_code);
#undef VALUE

	layout_start(req, title);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, title);
	if (r) {
		html(req, " · ");
		html_text(req, r->name);
	}
	html(req, "</h1></div>\n");
	registry_form_errors(req, fe, region_fields);
	html(req, "<form class=\"card form registry-form\" method=\"post\" action=\"/regions");
	if (r) {
		html(req, "/");
		html_url_arg(req, r->code);
	}
	html(req, "\" novalidate>");
	html_csrf(req);
	if (r) {
		html(req, "<dl class=\"facts\">");
		registry_fact(req, TX_REG_CODE, r->code);
		html(req, "</dl><p class=\"hint\">");
		html_text(req, T(req, TX_PL_CODE_FIXED));
		html(req, "</p>");
	} else {
		struct registry_field code = { "code", TX_REG_CODE, posted ? req_form(req, "code") : NULL,
					       T(req, TX_PL_REGION_CODE_HINT), true };

		registry_input(req, &code, "text", fe);
	}
	registry_input(req, &name, "text", fe);
	registry_select(req, &level, places_levels, NULL, "region_level", !r, fe);
	parent_select(req, parent, fe);
	html(req, "<div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, r ? TX_REG_SAVE : TX_CREATE));
	html(req, "</button><a class=\"button\" href=\"/regions");
	if (r) {
		html(req, "/");
		html_url_arg(req, r->code);
	}
	html(req, "\">");
	html_text(req, T(req, TX_REG_CANCEL));
	html(req, "</a></div></form>\n");
	layout_end(req);
}

static void region_write(struct request *req, const struct place_region *before)
{
	struct place_region_in in = {
		req_form(req, "code"), req_form(req, "name"), req_form(req, "level"),
		req_form(req, "parent_code"),
	};
	struct actor who = req_actor(req);
	struct place_errors pe = { 0 };
	struct field_errors fe;
	const char *code = NULL;
	bool changed = false;
	enum place_write w;

	w = places_region_write(req->store, req->arena, &who, before ? before->code : NULL, &in, &pe,
				&changed, &code);
	if (after_write(req, w, "/regions", code, !before, changed))
		return;
	worded(req, &pe, &fe);
	region_form(req, before, true, &fe);
}

void page_region_new(struct request *req)
{
	region_form(req, NULL, false, NULL);
}

void page_region_create(struct request *req)
{
	region_write(req, NULL);
}

void page_region_edit(struct request *req)
{
	struct place_region r;

	if (region_of_path(req, &r) == 0)
		region_form(req, &r, false, NULL);
}

void page_region_update(struct request *req)
{
	struct place_region r;

	if (region_of_path(req, &r) == 0)
		region_write(req, &r);
}

/* ---- centres ---- */

static void centre_rows(struct request *req, const struct centre_rec *rows, int n)
{
	static const enum text_id cols[] = { TX_REG_CODE, TX_REG_NAME_OF, TX_REG_KIND, TX_REGION,
					     TX_DOMAIN, TX_REG_STAFF_COUNT };
	static const char *const classes[] = { NULL, NULL, NULL, NULL, NULL, "num" };

	html(req, "<div class=\"table-wrap\"><table class=\"data registry\">");
	layout_table_head(req, cols, sizeof cols / sizeof cols[0], classes);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		const struct centre_rec *c = &rows[i];

		html(req, "<tr>");
		code_cell(req, c->code);
		registry_td(req, TX_REG_NAME_OF, "title-cell");
		name_link(req, "/centres/", c->code, c->name);
		html(req, "</td>");
		registry_td(req, TX_REG_KIND, NULL);
		html_text(req, registry_view_enum(req->lang, "centre_kind", c->kind));
		html(req, "</td>");
		registry_td(req, TX_REGION, NULL);
		name_link(req, "/regions/", c->region_code, c->region_name);
		html(req, "</td>");
		registry_td(req, TX_DOMAIN, NULL);
		html_text(req, c->domain ? text_enum(req->lang, "domain", c->domain) : "—");
		html(req, "</td>");
		registry_td(req, TX_REG_STAFF_COUNT, "num");
		html_textf(req, "%lld", (long long)c->staff);
		html(req, "</td></tr>\n");
	}
	html(req, "</tbody></table></div>\n");
}

void page_centres(struct request *req)
{
	struct centre_filter f = { 0 };
	struct registry_args args = { 0 };
	struct centre_rec *rows;
	int64_t total;
	int n, page, offset;

	f.q = query(req, "q");
	f.kind = query(req, "kind");
	f.domain = query(req, "domain");
	if (f.q && utf8_chars(f.q) > 64) {
		registry_bad_filter(req, "q");
		return;
	}
	if (f.kind && !places_is_kind(f.kind)) {
		registry_bad_filter(req, "kind");
		return;
	}
	if (f.domain && !places_is_domain(f.domain)) {
		registry_bad_filter(req, "domain");
		return;
	}
	page = registry_page(req, PLACES_PAGE, &offset);
	f.limit = PLACES_PAGE;
	f.offset = offset;
	if (places_centres(req->store, req->arena, &f, &rows, &n, &total) < 0) {
		req_error(req, 500);
		return;
	}
	registry_args_add(&args, "q", f.q);
	registry_args_add(&args, "kind", f.kind);
	registry_args_add(&args, "domain", f.domain);

	layout_start(req, T(req, TX_CENTRES));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_CENTRES));
	html(req, "</h1>");
	if (may_manage(req)) {
		html(req, "<a class=\"button primary\" href=\"/centres/new\">");
		html_text(req, T(req, TX_PL_NEW_CENTRE));
		html(req, "</a>");
	}
	registry_total(req, total);
	html(req, "<p class=\"scope\"><a href=\"/regions\">");
	html_text(req, T(req, TX_REG_REGIONS));
	html(req, "</a></p></div>\n<form class=\"filters registry-filters\" method=\"get\" action=\"/centres\">");
	registry_filter_search(req, f.q, TX_PL_SEARCH_CENTRES);
	registry_filter_select(req, "kind", TX_REG_KIND, places_kinds, "centre_kind", f.kind);
	registry_filter_select(req, "domain", TX_DOMAIN, places_domains, "domain", f.domain);
	html(req, "<button type=\"submit\">");
	html_text(req, T(req, TX_FILTER));
	html(req, "</button></form>\n");
	if (n == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_NO_RESULTS));
		html(req, "</p>");
	} else {
		centre_rows(req, rows, n);
		registry_pager(req, "/centres", &args, page, PLACES_PAGE, total);
	}
	layout_end(req);
}

/* The list of the schools a centre serves, as one filter where there is one. */
static const char *schools_served(struct request *req, const struct centre_rec *c)
{
	if (!strcmp(c->kind, "district"))
		return arena_printf(req->arena, "/schools?district=%s", c->region_code);
	if (!strcmp(c->domain, "kindergarten") || !strcmp(c->domain, "vocational"))
		return arena_printf(req->arena, "/schools?stage=%s", c->domain);
	if (!strcmp(c->domain, "private"))
		return "/schools?ownership=private";
	return "/schools";
}

/* What a centre is for (000 art. 7), in a sentence. */
static enum text_id serves_text(const struct centre_rec *c)
{
	static const struct { const char *domain; enum text_id id; } about[] = {
		{ "principals_special", TX_PL_ABOUT_PRINCIPALS_SPECIAL },
		{ "vocational", TX_PL_ABOUT_VOCATIONAL },
		{ "private", TX_PL_ABOUT_PRIVATE },
		{ "remote", TX_PL_ABOUT_REMOTE },
		{ "kindergarten", TX_PL_ABOUT_KINDERGARTEN },
		{ "research", TX_PL_ABOUT_RESEARCH },
	};

	for (size_t i = 0; c->domain && i < sizeof about / sizeof about[0]; i++)
		if (!strcmp(c->domain, about[i].domain))
			return about[i].id;
	return TX_PL_ABOUT_DISTRICT;
}

/* Reads the centre of the path; answers 404 or 500 itself and returns -1. */
static int centre_of_path(struct request *req, struct centre_rec *c)
{
	const char *code = req_param(req, "code");
	int rc = places_centre_get(req->store, req->arena, code ? code : "", c);

	if (rc == STORE_ENOTFOUND)
		req_error(req, 404);
	else if (rc < 0)
		req_error(req, 500);
	return rc < 0 ? -1 : 0;
}

void page_centre(struct request *req)
{
	struct centre_rec c;

	if (centre_of_path(req, &c) < 0)
		return;
	layout_start(req, c.name);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, c.name);
	html(req, "</h1>");
	if (may_manage(req)) {
		html(req, "<a class=\"button\" href=\"/centres/");
		html_url_arg(req, c.code);
		html(req, "/edit\">");
		html_text(req, T(req, TX_REG_EDIT));
		html(req, "</a>");
	}
	html(req, "</div>\n");
	registry_done_notice(req);
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_REG_FACTS));
	html(req, "</h2><dl class=\"facts\">");
	registry_fact(req, TX_REG_CODE, c.code);
	registry_fact(req, TX_REG_KIND, registry_view_enum(req->lang, "centre_kind", c.kind));
	html(req, "<dt>");
	html_text(req, T(req, TX_REGION));
	html(req, "</dt><dd>");
	name_link(req, "/regions/", c.region_code, named_code(req, c.region_name, c.region_code));
	html(req, "</dd>");
	registry_fact(req, TX_DOMAIN, c.domain ? text_enum(req->lang, "domain", c.domain) : NULL);
	html(req, "<dt>");
	html_text(req, T(req, TX_PL_SERVES));
	html(req, "</dt><dd>");
	if (c.domain) {
		html(req, "<strong>");
		html_text(req, text_enum(req->lang, "domain", c.domain));
		html(req, "</strong> ");
	}
	html_text(req, T(req, serves_text(&c)));
	html(req, "</dd>");
	registry_fact(req, TX_REG_STAFF_COUNT, arena_printf(req->arena, "%lld", (long long)c.staff));
	html(req, "</dl><p class=\"links\">");
	if (authz_permits(&req->who, PERM_REGISTRY_READ, NULL) && req->who.role != ROLE_TEACHER) {
		html(req, "<a class=\"button\" href=\"");
		html_attr(req, schools_served(req, &c));
		html(req, "\">");
		html_text(req, T(req, strcmp(c.kind, "district") ? TX_REG_SCHOOLS_SERVED : TX_PL_SCHOOLS_OF));
		html(req, "</a> ");
	}
	html(req, "<a class=\"button\" href=\"/centres\">");
	html_text(req, T(req, TX_CENTRES));
	html(req, "</a></p></section>\n");
	layout_end(req);
}

static const char *const centre_fields[] = { "code", "name", "kind", "region_code", "domain", NULL };

/* Cities and districts: where a centre may sit. */
static void region_select(struct request *req, const char *value, const struct field_errors *fe)
{
	struct registry_field f = { "region_code", TX_REGION, value, T(req, TX_PL_REGION_HINT), false };
	struct region_filter rf = { .limit = 1000 };
	struct place_region *rows;
	const char **codes, **labels;
	int64_t total;
	int n, k = 0;

	if (places_regions(req->store, req->arena, &rf, &rows, &n, &total) < 0)
		n = 0;
	codes = arena_alloc(req->arena, sizeof *codes * (size_t)(n + 1));
	labels = arena_alloc(req->arena, sizeof *labels * (size_t)(n + 1));
	if (!codes || !labels)
		return;
	for (int i = 0; i < n; i++)
		if (strcmp(rows[i].level, "province")) {
			codes[k] = rows[i].code;
			labels[k++] = named_code(req, rows[i].name, rows[i].code);
		}
	codes[k] = labels[k] = NULL;
	registry_select(req, &f, codes, labels, NULL, true, fe);
}

static void centre_form(struct request *req, const struct centre_rec *c, bool posted,
			const struct field_errors *fe)
{
	const char *title = c ? T(req, TX_REG_EDIT) : T(req, TX_PL_NEW_CENTRE);
#define VALUE(key, cur) registry_form_value(req, posted, key, c ? (cur) : NULL)
	struct registry_field name = { "name", TX_REG_NAME_OF, VALUE("name", c->name), NULL, true };
	struct registry_field domain = { "domain", TX_DOMAIN, VALUE("domain", c->domain),
					 T(req, TX_PL_DOMAIN_HINT), false };
	const char *region = VALUE("region_code", c->region_code);
#undef VALUE

	layout_start(req, title);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, title);
	if (c) {
		html(req, " · ");
		html_text(req, c->name);
	}
	html(req, "</h1></div>\n");
	registry_form_errors(req, fe, centre_fields);
	html(req, "<form class=\"card form registry-form\" method=\"post\" action=\"/centres");
	if (c) {
		html(req, "/");
		html_url_arg(req, c->code);
	}
	html(req, "\" novalidate>");
	html_csrf(req);
	if (c) {
		html(req, "<dl class=\"facts\">");
		registry_fact(req, TX_REG_CODE, c->code);
		registry_fact(req, TX_REG_KIND, registry_view_enum(req->lang, "centre_kind", c->kind));
		html(req, "</dl><p class=\"hint\">");
		html_text(req, T(req, TX_PL_CODE_FIXED));
		html(req, "</p>");
	} else {
		struct registry_field kind = { "kind", TX_REG_KIND, posted ? req_form(req, "kind") : NULL,
					       NULL, true };
		struct registry_field code = { "code", TX_REG_CODE, posted ? req_form(req, "code") : NULL,
					       T(req, TX_PL_CENTRE_CODE_HINT), true };

		registry_select(req, &kind, places_kinds, NULL, "centre_kind", true, fe);
		registry_input(req, &code, "text", fe);
	}
	registry_input(req, &name, "text", fe);
	/* a district centre's region is its code, its domain none: nothing to edit */
	if (!c || strcmp(c->kind, "district")) {
		region_select(req, region, fe);
		registry_select(req, &domain, places_domains, NULL, "domain", true, fe);
	}
	html(req, "<div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, c ? TX_REG_SAVE : TX_CREATE));
	html(req, "</button><a class=\"button\" href=\"/centres");
	if (c) {
		html(req, "/");
		html_url_arg(req, c->code);
	}
	html(req, "\">");
	html_text(req, T(req, TX_REG_CANCEL));
	html(req, "</a></div></form>\n");
	layout_end(req);
}

static void centre_write(struct request *req, const struct centre_rec *before)
{
	struct place_centre_in in = {
		req_form(req, "code"), req_form(req, "name"), req_form(req, "kind"),
		req_form(req, "region_code"), req_form(req, "domain"),
	};
	struct actor who = req_actor(req);
	struct place_errors pe = { 0 };
	struct field_errors fe;
	const char *code = NULL;
	bool changed = false;
	enum place_write w;

	w = places_centre_write(req->store, req->arena, &who, before ? before->code : NULL, &in, &pe,
				&changed, &code);
	if (after_write(req, w, "/centres", code, !before, changed))
		return;
	worded(req, &pe, &fe);
	centre_form(req, before, true, &fe);
}

void page_centre_new(struct request *req)
{
	centre_form(req, NULL, false, NULL);
}

void page_centre_create(struct request *req)
{
	centre_write(req, NULL);
}

void page_centre_edit(struct request *req)
{
	struct centre_rec c;

	if (centre_of_path(req, &c) == 0)
		centre_form(req, &c, false, NULL);
}

void page_centre_update(struct request *req)
{
	struct centre_rec c;

	if (centre_of_path(req, &c) == 0)
		centre_write(req, &c);
}
