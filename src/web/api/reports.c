/* reports.c - the reports in JSON: GET /api/v1/reports/assessment?year=Y
 * and GET /api/v1/reports/registration?cycle=S (issue 6 §7).
 *
 * The body is exactly `tdc report ... --format json` (core/report.h): an
 * array of objects with the report's keys, for the persons in the
 * caller's scope (registry_scope_of()).  PERM_ASSESSMENT_READ: school,
 * centre and bureau admins and the system admin; a teacher gets 403.  ID
 * numbers are always masked here: a whole number is revealed one person
 * at a time, on her page, audited. */
#include "web/api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/registry.h"
#include "core/report.h"
#include "lib/clock.h"

static void report_json(struct request *req, enum report_kind kind, const char *key)
{
	const char *v = req_query(req, key);
	struct registry_scope sc;
	struct report_spec r = { .kind = kind, .format = REPORT_JSON };
	struct table_target to = { .mem = &req->out };
	struct err e = { 0 };
	char today[11], *end;
	long rows, y = v ? strtol(v, &end, 10) : 0;

	if (!v || !*v || *end || y < 1950 || y > 2200) {
		req_api_error(req, 400, "bad_request",
			      kind == REPORT_ASSESSMENT ? "year must be a year, e.g. ?year=2025"
							: "cycle must be the cycle's first year, e.g. ?cycle=2021");
		return;
	}
	clock_today(today);
	registry_scope_of(&req->who, &sc);
	r.year = (int)y;
	r.scope = &sc;
	r.today = today;
	buf_reset(&req->out);
	if (report_write(req->store, &r, &to, &rows, &e) < 0 || !buf_ok(&req->out)) {
		buf_reset(&req->out);
		if (e.code == ERR_INVALID)
			req_api_error(req, 400, "bad_request", e.message);
		else
			req_error(req, 500);
		return;
	}
	req->status = 200;
	req->content_type = "application/json";
}

void api_report_assessment(struct request *req)
{
	report_json(req, REPORT_ASSESSMENT, "year");
}

void api_report_registration(struct request *req)
{
	report_json(req, REPORT_REGISTRATION, "cycle");
}
