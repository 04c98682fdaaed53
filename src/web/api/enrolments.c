/* enrolments.c - /api/v1/programmes/{code}/enrolments: enrol (oneself, a
 * school's teacher, a centre's assignee), withdraw, and the lists.
 *
 * The rules are core/enrolment.c's; this file turns them into HTTP.  A
 * person is named by her ID number, by the reference "p<row id>" the
 * lists give (URLs must not carry numbers, registry_view.h), or by "me".
 * A number that is unknown or outside the caller's scope gets the same
 * 403, so the answer never tells whether someone is registered; the
 * system admin, whose scope is everything, gets 404 for an unknown one.
 * ID numbers in answers are masked, except the caller's own. */
#include "web/api/api.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/enrolment.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "store/store.h"
#include "web/registry_view.h"

/* The programme of the path, or an answer (404, 500) and -1.  A draft
 * exists only for those who manage it. */
static int programme_of_path(struct request *req, struct enrol_programme *pg)
{
	int rc = enrolment_programme_get(req->store, req->arena, req_param(req, "code"), pg);

	if (rc < 0 && rc != STORE_ENOTFOUND) {
		req_error(req, 500);
		return -1;
	}
	if (rc == STORE_ENOTFOUND || (!strcmp(pg->status, "draft") && !enrolment_manages(&req->who, pg))) {
		req_api_error(req, 404, "not_found", "no such programme");
		return -1;
	}
	return 0;
}

/* The person a reference names, or an answer and -1 (see the top). */
static int person_of_ref(struct request *req, const char *ref, struct person_rec *p)
{
	int rc = registry_view_person_find(req, ref, p);

	if (rc < 0 && rc != STORE_ENOTFOUND) {
		req_error(req, 500);
		return -1;
	}
	if (rc == STORE_ENOTFOUND) {
		if (req->who.role == ROLE_SYSADMIN)
			req_api_error(req, 404, "not_found", "no person has this ID number");
		else
			req_api_error(req, 403, "forbidden", "no person with this ID number in your scope");
		return -1;
	}
	return 0;
}

static void answer_err(struct request *req, const struct err *err)
{
	switch (err->code) {
	case ERR_NOT_FOUND: req_api_error(req, 404, "not_found", err->message); break;
	case ERR_FORBIDDEN: req_api_error(req, 403, "forbidden", err->message); break;
	case ERR_INVALID: req_api_error(req, 422, "invalid", err->message); break;
	case ERR_CONFLICT: req_api_error(req, 409, "conflict", err->message); break;
	default: req_error(req, 500); break;
	}
}

static void times(char now[ISO_TIME_LEN], char today[DATE_LEN + 1])
{
	clock_now_iso(now);
	snprintf(today, DATE_LEN + 1, "%.10s", now);
}

/* POST: {} or no body for oneself; {"id_number": "..."} for someone. */
void api_programme_enrol(struct request *req)
{
	struct enrol_programme pg;
	struct enrol_result res;
	struct person_rec person;
	struct err err = { 0 };
	struct actor by = req_actor(req);
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	const char *ref = NULL;
	int64_t person_id = req->who.person_id;

	if (programme_of_path(req, &pg) < 0)
		return;
	/* the route shares its path with the list, which readers may open */
	if (!authz_permits(&req->who, PERM_ENROL, NULL)) {
		req_error(req, 403);
		return;
	}
	if (req->body.len) {
		json_t *doc = req_json_body(req), *v;

		if (!doc)
			return;
		if (!json_is_object(doc)) {
			json_decref(doc);
			req_api_error(req, 400, "bad_request", "the body must be a JSON object");
			return;
		}
		v = json_object_get(doc, "id_number");
		if (v && !json_is_string(v) && !json_is_null(v)) {
			json_decref(doc);
			req_api_error(req, 400, "bad_request", "'id_number' must be a string");
			return;
		}
		if (json_is_string(v))
			ref = arena_strdup(req->arena, json_string_value(v));
		json_decref(doc);
	}
	if (ref) {
		if (person_of_ref(req, ref, &person) < 0)
			return;
		person_id = person.id;
	} else if (!person_id) {
		req_api_error(req, 422, "invalid",
			      "id_number: this account is not a person's; name whom to enrol");
		return;
	}
	times(now, today);
	if (enrolment_enrol(req->store, &req->who, &by, &pg, person_id, today, now, &res, &err) < 0) {
		answer_err(req, &err);
		return;
	}
	req_json(req, 201, json_pack("{s:s,s:i}", "status", res.status, "position", res.position));
}

/* DELETE /enrolments/{id_number}: withdraws; the first in line moves up. */
void api_programme_withdraw(struct request *req)
{
	struct enrol_programme pg;
	struct withdraw_result res;
	struct person_rec person;
	struct err err = { 0 };
	struct actor by = req_actor(req);
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	json_t *promoted = json_null();

	if (programme_of_path(req, &pg) < 0)
		return;
	if (person_of_ref(req, req_param(req, "id_number"), &person) < 0)
		return;
	times(now, today);
	if (enrolment_withdraw(req->store, &req->who, &by, &pg, person.id, now, &res, &err) < 0) {
		answer_err(req, &err);
		return;
	}
	if (res.promoted_person_id) {
		struct person_rec moved;

		/* who moved up is told to those who may see her row (the
		 * organiser, her school): masked, as in the lists */
		if (registry_person_get_id(req->store, req->arena, res.promoted_person_id, &moved) == 0) {
			struct enrolment_row row = {
				.person_id = moved.id, .school_code = moved.school_code,
				.district_code = moved.district_code, .stage = moved.stage,
				.ownership = moved.ownership, .centre_code = moved.centre_code,
			};

			if (enrolment_row_visible(&req->who, &pg, &row)) {
				char masked[ID_NUMBER_LEN + 1];

				idcard_mask(moved.id_number, masked);
				json_decref(promoted);
				promoted = json_string(masked);
			}
		}
	}
	req_json(req, 200, json_pack("{s:s,s:o,s:b}", "status", "withdrawn", "promoted", promoted,
				     "moved_up", res.promoted_person_id != 0));
}

static json_t *row_json(struct request *req, const struct enrolment_row *r)
{
	char masked[ID_NUMBER_LEN + 1];
	json_t *o = json_object();
	bool self = req->who.person_id && req->who.person_id == r->person_id;

	idcard_mask(r->id_number, masked);
	api_set_string(o, "id_number", self ? r->id_number : masked);
	api_set_string(o, "ref", arena_printf(req->arena, "p%lld", (long long)r->person_id));
	api_set_string(o, "name", r->name);
	json_object_set_new(o, "position", json_integer(r->position));
	api_set_string(o, "at", r->at);
	api_set_string(o, "via", r->via);
	api_set_string(o, "school_code", r->school_code);
	api_set_string(o, "quota_school_code", r->quota_school_code);
	json_object_set_new(o, "promoted", json_boolean(r->promoted));
	return o;
}

/* GET: the seated and the waiting, each in order; the caller sees the rows
 * of the persons she may see (enrolment_row_visible), with their true
 * positions. */
void api_programme_enrolments(struct request *req)
{
	struct enrol_programme pg;
	struct enrolment_row *rows;
	json_t *seated, *waiting;
	int n;

	if (programme_of_path(req, &pg) < 0)
		return;
	if (enrolment_list(req->store, req->arena, pg.id, &rows, &n) < 0) {
		req_error(req, 500);
		return;
	}
	seated = json_array();
	waiting = json_array();
	for (int i = 0; i < n; i++)
		if (enrolment_row_visible(&req->who, &pg, &rows[i]))
			json_array_append_new(!strcmp(rows[i].status, "seated") ? seated : waiting,
					      row_json(req, &rows[i]));
	req_json(req, 200, json_pack("{s:s,s:i,s:o,s:o}", "programme", pg.code, "capacity",
				     pg.capacity, "seated", seated, "waiting", waiting));
}
