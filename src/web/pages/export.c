/* export.c - downloads: what a list page's filters show, as .xlsx or CSV,
 * and the import templates.
 *
 * The rows are the caller's scope (registry_scope_of()) and the list
 * page's filters, so a teacher who asks gets herself and a school admin
 * her school.  ID numbers are masked here but a teacher's own: an
 * unmasked export of others is for the command line, where it is audited
 * (tdc export --unmasked).  Phones follow registry_view.h: masked for read-only
 * callers.
 *
 * The file is built whole in the request (a temporary file for .xlsx, then
 * req->out): a district's teachers take a second or so.  A whole city's
 * export belongs in a background job (DESIGN.md, "Long work"), which
 * this does not do yet. */
#include "web/pages/pages.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/export.h"
#include "web/pages/registry_form.h"
#include "web/registry_view.h"

static const char XLSX_TYPE[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
static const char CSV_TYPE[] = "text/csv; charset=utf-8";

/* "teachers-20261123.xlsx", dated in the server's time zone: the day the
 * person downloading it sees on the wall. */
static const char *file_name(struct request *req, const char *stem, const char *ext)
{
	char day[9] = "";
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm))
		strftime(day, sizeof day, "%Y%m%d", &tm);
	return arena_printf(req->arena, "%s-%s.%s", stem, day, ext);
}

static void download(struct request *req, struct export_spec *x)
{
	const char *format = req_query(req, "format");
	struct table_target to = { .mem = &req->out };
	struct err e = { 0 };
	const char *ext;
	long rows;

	if (export_format_parse(format && *format ? format : "xlsx", &x->format) < 0) {
		req_error(req, 400);
		return;
	}
	ext = x->format == TABLE_XLSX ? "xlsx" : "csv";
	buf_reset(&req->out);
	if (export_write(req->store, x, &to, &rows, &e) < 0) {
		fprintf(stderr, "tdc: %s %s: %s\n", req->method_name, req->path, e.message);
		buf_reset(&req->out);
		req_error(req, 500);
		return;
	}
	req_download(req, x->format == TABLE_XLSX ? XLSX_TYPE : CSV_TYPE,
		     file_name(req, T(req, x->kind == EXPORT_SCHOOLS ? TX_EXPORT_FILE_SCHOOLS
									: TX_EXPORT_FILE_TEACHERS), ext),
		     file_name(req, export_kind_name(x->kind), ext));
}

/* The list pages' filters, read and checked as the lists read them, so
 * the file holds exactly what the page showed. */
void page_schools_export(struct request *req)
{
	struct registry_scope sc;
	struct school_filter f;
	struct export_spec x = { .kind = EXPORT_SCHOOLS, .scope = &sc, .schools = &f };
	const char *bad = NULL;

	if (registry_view_school_filter(req, &f, &bad) < 0) {
		registry_bad_filter(req, bad);
		return;
	}
	registry_scope_of(&req->who, &sc);
	download(req, &x);
}

/* Phones as the pages show them: whole to the person and to the admins
 * who may change her record, masked to read-only callers (the bureau). */
static const char *phone_for(const struct person_rec *r, char *buf, size_t len, void *ctx)
{
	struct request *req = ctx;

	if (registry_view_sees_private(&req->who, r))
		return r->phone;
	registry_view_mask_phone(r->phone, buf, len);
	return buf;
}

void page_persons_export(struct request *req)
{
	struct registry_scope sc;
	struct person_filter f;
	struct export_spec x = {
		.kind = EXPORT_TEACHERS, .scope = &sc, .persons = &f,
		.phone = phone_for, .phone_ctx = req,
	};
	const char *bad = NULL;

	if (registry_view_person_filter(req, &f, &bad) < 0) {
		registry_bad_filter(req, bad);
		return;
	}
	registry_scope_of(&req->who, &sc);
	/* a teacher's scope is herself: her own number is hers to see */
	x.unmasked = req->who.role == ROLE_TEACHER && sc.person_id > 0;
	download(req, &x);
}

void page_import_template(struct request *req)
{
	/* two routes, /import/template/teachers.xlsx and .../schools.xlsx */
	const char *kind = strstr(req->path, "/teachers.xlsx") ? "teachers"
			 : strstr(req->path, "/schools.xlsx") ? "schools" : NULL;
	struct table_target to = { .mem = &req->out };
	struct err e = { 0 };

	if (!kind) {
		req_error(req, 404);
		return;
	}
	buf_reset(&req->out);
	if (export_template_to(kind, &to, &e) < 0) {
		fprintf(stderr, "tdc: %s %s: %s\n", req->method_name, req->path, e.message);
		buf_reset(&req->out);
		req_error(req, 500);
		return;
	}
	req_download(req, XLSX_TYPE,
		     arena_printf(req->arena, "%s.xlsx",
				  T(req, !strcmp(kind, "teachers") ? TX_TEMPLATE_FILE_TEACHERS
								   : TX_TEMPLATE_FILE_SCHOOLS)),
		     arena_printf(req->arena, "%s-template.xlsx", kind));
}
