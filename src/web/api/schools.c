/* schools.c - /api/v1/schools: list in scope, read one and its history,
 * create and change one.  School codes are public (the ministry's list),
 * so a school outside the caller's scope is 403, not 404.  Writes check,
 * save and audit in one transaction (registry_view_school_write()). */
#include "web/api/api.h"

#include <jansson.h>
#include <stddef.h>
#include <string.h>

#include "store/store.h"
#include "web/registry_view.h"

static json_t *school_json(const struct school_rec *s)
{
	json_t *o = json_object();

	api_set_string(o, "school_code", s->code);
	api_set_string(o, "name", s->name);
	api_set_string(o, "district_code", s->district_code);
	api_set_string(o, "district_name", s->district_name);
	api_set_string(o, "stage", s->stage);
	api_set_string(o, "ownership", s->ownership);
	api_set_string(o, "status", s->status);
	json_object_set_new(o, "persons", json_integer((json_int_t)s->persons));
	return o;
}

void api_schools(struct request *req)
{
	struct registry_scope sc;
	struct school_filter f;
	struct school_rec *rows;
	const char *bad = NULL;
	int64_t total;
	int n;
	json_t *items;

	if (registry_view_school_filter(req, &f, &bad) < 0) {
		api_bad_filter(req, bad);
		return;
	}
	if (api_paging(req, &f.limit, &f.offset) < 0)
		return;
	registry_scope_of(&req->who, &sc);
	if (registry_schools(req->store, req->arena, &sc, &f, &rows, &n, &total) < 0) {
		req_error(req, 500);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, school_json(&rows[i]));
	req_json(req, 200, json_pack("{s:I,s:o}", "total", (json_int_t)total, "items", items));
}

/* The school of the path, or an answer (404, 403, 500) and -1. */
static int school_of_path(struct request *req, enum permission perm, struct school_rec *s)
{
	int rc = registry_school_get(req->store, req->arena, req_param(req, "code"), s);

	if (rc == STORE_ENOTFOUND) {
		req_error(req, 404);
		return -1;
	}
	if (rc < 0) {
		req_error(req, 500);
		return -1;
	}
	if (!registry_view_school_permits(&req->who, perm, s)) {
		req_api_error(req, 403, "forbidden", perm == PERM_REGISTRY_READ ?
			      "this school is outside your scope" :
			      "you may read this school but not change it");
		return -1;
	}
	return 0;
}

void api_school(struct request *req)
{
	struct school_rec s;

	if (school_of_path(req, PERM_REGISTRY_READ, &s) < 0)
		return;
	req_json(req, 200, school_json(&s));
}

void api_school_history(struct request *req)
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
	req_json(req, 200, api_history_json(req, rows, n, NULL));
}

/* ---- writing ---- */

static const struct {
	const char *key;
	unsigned flag;
	size_t offset;
} school_keys[] = {
	{ "school_code", SF_CODE, offsetof(struct school_rec, code) },
	{ "name", SF_NAME, offsetof(struct school_rec, name) },
	{ "district_code", SF_DISTRICT, offsetof(struct school_rec, district_code) },
	{ "stage", SF_STAGE, offsetof(struct school_rec, stage) },
	{ "ownership", SF_OWNERSHIP, offsetof(struct school_rec, ownership) },
	{ "status", SF_STATUS, offsetof(struct school_rec, status) },
};

static unsigned school_from_json(json_t *body, struct school_rec *r, struct field_errors *fe)
{
	const char *key;
	json_t *v;
	unsigned fields = 0;

	memset(r, 0, sizeof *r);
	json_object_foreach(body, key, v) {
		size_t i;

		for (i = 0; i < sizeof school_keys / sizeof school_keys[0]; i++)
			if (!strcmp(school_keys[i].key, key))
				break;
		if (i < sizeof school_keys / sizeof school_keys[0]) {
			const char **slot = (const char **)((char *)r + school_keys[i].offset);

			if (json_is_string(v))
				*slot = json_string_value(v);
			else if (!json_is_null(v))
				field_error(fe, key, "must be a string or null");
			fields |= school_keys[i].flag;
		} else if (strcmp(key, "district_name") && strcmp(key, "persons")) {
			/* those two are read only: sent back as read, let be */
			field_error(fe, key, "is not a field of a school");
		}
	}
	return fields;
}

static void answer_write(struct request *req, enum registry_write w, int ok_status,
			 const struct school_rec *after, struct field_errors *fe)
{
	switch (w) {
	case REGISTRY_WRITE_OK:
		req_json(req, ok_status, school_json(after));
		return;
	case REGISTRY_WRITE_INVALID:
		api_invalid(req, fe);
		return;
	case REGISTRY_WRITE_CONFLICT:
		req_api_error(req, 409, "conflict", "a school with this code exists already; change it with PATCH");
		return;
	default:
		req_error(req, 500);
	}
}

void api_school_create(struct request *req)
{
	json_t *body;
	struct school_rec in, out;
	struct field_errors fe = { 0 };
	unsigned fields;

	/* a school admin keeps her one school (registry_school_save agrees) */
	if (req->who.role == ROLE_SCHOOL_ADMIN) {
		req_api_error(req, 403, "forbidden", "a school admin cannot create schools");
		return;
	}
	if (!(body = req_json_body(req)))
		return;
	if (!json_is_object(body)) {
		req_api_error(req, 400, "bad_json", "the body must be a JSON object");
		goto out;
	}
	fields = school_from_json(body, &in, &fe);
	if (fe.n) {
		api_invalid(req, &fe);
		goto out;
	}
	answer_write(req, registry_view_school_write(req, NULL, &in, fields, "api", &fe, &out, NULL),
		     201, &out, &fe);
out:
	json_decref(body);
}

void api_school_update(struct request *req)
{
	json_t *body;
	struct school_rec s, in, out;
	struct field_errors fe = { 0 };
	unsigned fields;

	if (school_of_path(req, PERM_REGISTRY_WRITE, &s) < 0)
		return;
	if (!(body = req_json_body(req)))
		return;
	if (!json_is_object(body)) {
		req_api_error(req, 400, "bad_json", "the body must be a JSON object");
		goto out;
	}
	fields = school_from_json(body, &in, &fe);
	if ((fields & SF_CODE) && (!in.code || strcmp(in.code, s.code)))
		field_error(&fe, "school_code", "cannot be changed: a school code is never reused");
	fields &= ~(unsigned)SF_CODE;
	if (fe.n) {
		api_invalid(req, &fe);
		goto out;
	}
	answer_write(req, registry_view_school_write(req, &s, &in, fields, "api", &fe, &out, NULL),
		     200, &out, &fe);
out:
	json_decref(body);
}
