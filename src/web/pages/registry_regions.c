/* registry_regions.c - the city's regions and its teacher development
 * centres: who is where, and the way into each one's schools.  Names and
 * codes are public; counts of schools and people are shown only for a
 * district the caller sees whole, so no page counts what its reader may
 * not open. */
#include "web/pages/pages.h"

#include <string.h>

#include "store/store.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages/registry_form.h"
#include "web/registry_view.h"

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

static void count_cell(struct request *req, enum text_id label, bool shown, int64_t value)
{
	registry_td(req, label, "num");
	if (shown)
		html_textf(req, "%lld", (long long)value);
	else
		html(req, "—");
	html(req, "</td>");
}

void page_regions(struct request *req)
{
	static const enum text_id cols[] = { TX_REG_CODE, TX_REG_NAME_OF, TX_REG_LEVEL, TX_SCHOOLS,
					     TX_REG_SERVING_STAFF };
	static const char *const classes[] = { NULL, NULL, NULL, "num", "num" };
	struct registry_scope sc;
	struct region_rec *rows;
	int n;

	if (registry_regions(req->store, req->arena, &rows, &n) < 0) {
		req_error(req, 500);
		return;
	}
	registry_scope_of(&req->who, &sc);
	layout_start(req, T(req, TX_REG_REGIONS));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_REG_REGIONS));
	html(req, "</h1><p class=\"scope\"><a href=\"/centres\">");
	html_text(req, T(req, TX_CENTRES));
	html(req, "</a></p></div>\n<div class=\"table-wrap\"><table class=\"data registry\">");
	layout_table_head(req, cols, sizeof cols / sizeof cols[0], classes);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		const struct region_rec *r = &rows[i];
		bool district = r->level && !strcmp(r->level, "district");
		bool shown = district && sees_district(&sc, r->code);

		html(req, "<tr>");
		registry_td(req, TX_REG_CODE, NULL);
		html(req, "<code>");
		html_text(req, r->code);
		html(req, "</code></td>");
		registry_td(req, TX_REG_NAME_OF, "title-cell");
		if (district) {
			html(req, "<a href=\"/schools?district=");
			html_url_arg(req, r->code);
			html(req, "\">");
			html_text(req, r->name);
			html(req, "</a>");
		} else {
			html_text(req, r->name);
		}
		html(req, "</td>");
		registry_td(req, TX_REG_LEVEL, NULL);
		html_text(req, registry_view_enum(req->lang, "region_level", r->level));
		html(req, "</td>");
		count_cell(req, TX_SCHOOLS, shown, r->schools);
		count_cell(req, TX_REG_SERVING_STAFF, shown, r->persons);
		html(req, "</tr>\n");
	}
	html(req, "</tbody></table></div>\n");
	layout_end(req);
}

/* A region's page is its schools: a district's, or (city, province)
 * all those the caller sees. */
void page_region(struct request *req)
{
	const char *code = req_param(req, "code");
	struct region_rec *rows;
	int n;

	if (registry_regions(req->store, req->arena, &rows, &n) < 0) {
		req_error(req, 500);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (strcmp(rows[i].code, code))
			continue;
		if (!strcmp(rows[i].level, "district"))
			req_redirect(req, arena_printf(req->arena, "/schools?district=%s", rows[i].code));
		else
			req_redirect(req, "/schools");
		return;
	}
	req_error(req, 404);
}

void page_centres(struct request *req)
{
	static const enum text_id cols[] = { TX_REG_CODE, TX_REG_NAME_OF, TX_REG_KIND, TX_REGION,
					     TX_DOMAIN, TX_REG_STAFF_COUNT };
	static const char *const classes[] = { NULL, NULL, NULL, NULL, NULL, "num" };
	struct centre_rec *rows;
	int n;

	if (registry_centres(req->store, req->arena, &rows, &n) < 0) {
		req_error(req, 500);
		return;
	}
	layout_start(req, T(req, TX_CENTRES));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_CENTRES));
	html(req, "</h1><p class=\"scope\"><a href=\"/regions\">");
	html_text(req, T(req, TX_REG_REGIONS));
	html(req, "</a></p></div>\n<div class=\"table-wrap\"><table class=\"data registry\">");
	layout_table_head(req, cols, sizeof cols / sizeof cols[0], classes);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		const struct centre_rec *c = &rows[i];

		html(req, "<tr>");
		registry_td(req, TX_REG_CODE, NULL);
		html(req, "<code>");
		html_text(req, c->code);
		html(req, "</code></td>");
		registry_td(req, TX_REG_NAME_OF, "title-cell");
		html(req, "<a href=\"/centres/");
		html_url_arg(req, c->code);
		html(req, "\">");
		html_text(req, c->name);
		html(req, "</a></td>");
		registry_td(req, TX_REG_KIND, NULL);
		html_text(req, registry_view_enum(req->lang, "centre_kind", c->kind));
		html(req, "</td>");
		registry_td(req, TX_REGION, NULL);
		html_text(req, c->region_name);
		html(req, "</td>");
		registry_td(req, TX_DOMAIN, NULL);
		html_text(req, c->domain ? text_enum(req->lang, "domain", c->domain) : "—");
		html(req, "</td>");
		registry_td(req, TX_REG_STAFF_COUNT, "num");
		html_textf(req, "%lld", (long long)c->staff);
		html(req, "</td></tr>\n");
	}
	html(req, "</tbody></table></div>\n");
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

void page_centre(struct request *req)
{
	struct centre_rec c;
	int rc = registry_centre_get(req->store, req->arena, req_param(req, "code"), &c);

	if (rc == STORE_ENOTFOUND) {
		req_error(req, 404);
		return;
	}
	if (rc < 0) {
		req_error(req, 500);
		return;
	}
	layout_start(req, c.name);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, c.name);
	html(req, "</h1></div>\n<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_REG_FACTS));
	html(req, "</h2><dl class=\"facts\">");
	registry_fact(req, TX_REG_CODE, c.code);
	registry_fact(req, TX_REG_KIND, registry_view_enum(req->lang, "centre_kind", c.kind));
	registry_fact(req, TX_REGION, c.region_name);
	registry_fact(req, TX_DOMAIN, c.domain ? text_enum(req->lang, "domain", c.domain) : NULL);
	registry_fact(req, TX_REG_STAFF_COUNT, arena_printf(req->arena, "%lld", (long long)c.staff));
	html(req, "</dl><p class=\"links\">");
	if (authz_permits(&req->who, PERM_REGISTRY_READ, NULL) && req->who.role != ROLE_TEACHER) {
		html(req, "<a class=\"button\" href=\"");
		html_attr(req, schools_served(req, &c));
		html(req, "\">");
		html_text(req, T(req, TX_REG_SCHOOLS_SERVED));
		html(req, "</a> ");
	}
	html(req, "<a class=\"button\" href=\"/centres\">");
	html_text(req, T(req, TX_CENTRES));
	html(req, "</a></p></section>\n");
	layout_end(req);
}
