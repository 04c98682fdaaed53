/* attendance.c - a programme's attendance and its completion in JSON:
 * GET /api/v1/programmes/{code}/attendance and
 * POST /api/v1/programmes/{code}/completion (docs/api.md). */
#include "web/api/api.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#include "core/attendance.h"
#include "core/completion.h"
#include "lib/idcard.h"

static const char *const reason_codes[] = {
	[COMPLETION_MET] = "met",
	[COMPLETION_ATTENDANCE] = "attendance",
	[COMPLETION_NO_SCORE] = "no_score",
	[COMPLETION_SCORE] = "score",
};

/* The programme of {code} if the caller manages it; else answered, -1. */
static int load(struct request *req, struct att_programme *p)
{
	struct err err = { 0 };
	int rc = attendance_programme_get(req->store, req->arena, req_param(req, "code"), p, &err);

	if (rc != 0 && err.code == ERR_NOT_FOUND) {
		req_api_error(req, 404, "not_found", "no such programme");
		return -1;
	}
	if (rc != 0) {
		req_error(req, 500);
		return -1;
	}
	if (!attendance_may_manage(&req->who, p)) {
		req_api_error(req, 403, "forbidden", "only the programme's organising centre may do this");
		return -1;
	}
	return 0;
}

void api_programme_attendance(struct request *req)
{
	struct att_programme p;
	struct completion_row *rows;
	struct err err = { 0 };
	json_t *doc, *list;
	int n;

	if (load(req, &p) < 0)
		return;
	if (completion_overview(req->store, req->arena, &p, &rows, &n, &err) != 0) {
		req_error(req, 500);
		return;
	}
	list = json_array();
	for (int i = 0; i < n; i++) {
		char masked[ID_NUMBER_LEN + 1];

		/* masked: DESIGN.md, ID numbers are shown only when revealed */
		idcard_mask(rows[i].id_number, masked);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s?,s:i,s:i,s:i,s:o,s:b,s:s,s:b}",
			"id_number", masked, "name", rows[i].name, "school", rows[i].school_name,
			"attended", rows[i].attended, "sessions", rows[i].sessions, "share", rows[i].share,
			"score", rows[i].score >= 0 ? json_integer(rows[i].score) : json_null(),
			"meets_rule", rows[i].reason == COMPLETION_MET, "reason", reason_codes[rows[i].reason],
			"issued", rows[i].issued));
	}
	doc = json_pack("{s:s,s:s,s:i,s:o,s:i,s:s?,s:o}", "programme", p.code, "status", p.status,
			"attendance_min", p.attendance_min,
			"pass_mark", p.pass_mark >= 0 ? json_integer(p.pass_mark) : json_null(),
			"tolerance_min", p.tolerance_min, "completed_at", p.completed_at,
			"participants", list);
	req_json(req, 200, doc);
}

void api_programme_completion(struct request *req)
{
	struct att_programme p;
	struct completion_counts c;
	struct err err = { 0 };
	struct actor who = req_actor(req);
	time_t now = time(NULL);
	struct tm local;
	char today[11] = "";

	if (load(req, &p) < 0)
		return;
	if (localtime_r(&now, &local))
		strftime(today, sizeof today, "%Y-%m-%d", &local);
	if (completion_run(req->store, &p, today, &who, &c, &err) != 0) {
		if (err.code == ERR_CONFLICT)
			req_api_error(req, 409, "conflict", err.message);
		else
			req_error(req, 500);
		return;
	}
	req_json(req, 200, json_pack("{s:i,s:i,s:i}", "issued", c.issued, "already", c.already,
				     "not_met", c.not_met));
}
