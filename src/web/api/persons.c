/* persons.c - /api/v1/persons: list in scope, read one (and reveal its ID
 * number, audited), its history, create and change one.
 *
 * The rules of what a caller sees are registry_view.c's, shared with the
 * pages: ID numbers masked except the caller's own or a revealed one,
 * phones and birth dates masked for read-only callers, and a person
 * outside the caller's scope answered 404 like an unknown one, because
 * whether a number is registered is itself personal.  Writes check, save
 * and audit in one transaction (registry_view_person_write()). */
#include "web/api/api.h"

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/clock.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "store/store.h"
#include "web/registry_view.h"

/* ---- shared with schools.c ---- */

void api_set_string(json_t *obj, const char *key, const char *value)
{
	json_t *v = value ? json_string(value) : NULL;

	json_object_set_new(obj, key, v ? v : json_null());
}

int api_paging(struct request *req, int *limit, int *offset)
{
	static const struct { const char *key; int dflt, min, max; } keys[] = {
		{ "limit", 50, 1, 1000 },
		{ "offset", 0, 0, INT_MAX },
	};
	int *out[] = { limit, offset };

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = req_query(req, keys[i].key);
		char *end;
		long n;

		*out[i] = keys[i].dflt;
		if (!v)
			continue;
		n = strtol(v, &end, 10);
		if (!*v || *end || n < keys[i].min || n > keys[i].max) {
			req_api_error(req, 400, "bad_request",
				      arena_printf(req->arena, "'%s' must be an integer from %d to %d",
						   keys[i].key, keys[i].min, keys[i].max));
			return -1;
		}
		*out[i] = (int)n;
	}
	return 0;
}

void api_bad_filter(struct request *req, const char *key)
{
	req_api_error(req, 400, "bad_request",
		      arena_printf(req->arena, "'%s' has a value that is not one of its codes "
				   "(see docs/api.md)", key));
}

void api_invalid(struct request *req, const struct field_errors *fe)
{
	json_t *fields = json_array();

	for (int i = 0; i < fe->n; i++)
		json_array_append_new(fields, json_pack("{s:s,s:s}", "field", fe->e[i].field,
							"message", fe->e[i].message));
	req_json(req, 422, json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid", "message",
				     fe->n == 1 ? arena_printf(req->arena, "%s: %s", fe->e[0].field,
							       fe->e[0].message) :
				     arena_printf(req->arena, "%d fields are invalid", fe->n),
				     "fields", fields));
}

/* A history value as the caller may read it: codes stay codes; only a
 * phone is masked, for callers who see phones masked. */
static const char *history_value(struct request *req, bool sees_private, const char *field,
				 const char *value)
{
	char masked[32];

	if (sees_private || !value || strcmp(field, "phone"))
		return value;
	registry_view_mask_phone(value, masked, sizeof masked);
	return arena_strdup(req->arena, masked);
}

json_t *api_history_json(struct request *req, const struct history_row *rows, int n,
			 const struct person_rec *person)
{
	json_t *items = json_array();
	bool sees = !person || registry_view_sees_private(&req->who, person);

	for (int i = 0; i < n; i++) {
		json_t *h = json_object();

		api_set_string(h, "at", rows[i].at);
		api_set_string(h, "field", rows[i].field);
		api_set_string(h, "old_value", history_value(req, sees, rows[i].field, rows[i].old_value));
		api_set_string(h, "new_value", history_value(req, sees, rows[i].field, rows[i].new_value));
		api_set_string(h, "actor", rows[i].actor);
		api_set_string(h, "source", rows[i].source);
		json_array_append_new(items, h);
	}
	return json_pack("{s:o}", "items", items);
}

/* ---- persons ---- */

/* The record as the caller may see it; NULL when a reveal could not be
 * audited (the caller answers 500). */
static json_t *person_json(struct request *req, const struct person_rec *p, bool reveal)
{
	bool whole;
	const char *id = registry_view_id_number(req, p, reveal, &whole);
	json_t *o;

	if (!id)
		return NULL;
	o = json_object();
	api_set_string(o, "ref", registry_view_person_ref(req->arena, p));
	api_set_string(o, "id_number", id);
	api_set_string(o, "name", p->name);
	api_set_string(o, "gender", p->gender);
	api_set_string(o, "birth_date", registry_view_birth_date(req, p));
	api_set_string(o, "phone", registry_view_phone(req, p));
	api_set_string(o, "school_code", p->school_code);
	api_set_string(o, "school_name", p->school_name);
	api_set_string(o, "district_code", p->district_code);
	api_set_string(o, "district_name", p->district_name);
	api_set_string(o, "centre_code", p->centre_code);
	api_set_string(o, "role", p->role);
	api_set_string(o, "subject", p->subject);
	api_set_string(o, "title", p->title);
	api_set_string(o, "education", p->education);
	api_set_string(o, "key_level", p->key_level);
	json_object_set_new(o, "special_grade", json_boolean(p->special_grade));
	api_set_string(o, "service_start", p->service_start);
	api_set_string(o, "status", p->status);
	return o;
}

void api_persons(struct request *req)
{
	struct registry_scope sc;
	struct person_filter f;
	struct person_rec *rows;
	const char *bad = NULL;
	int64_t total;
	int n;
	json_t *items;

	if (registry_view_person_filter(req, &f, &bad) < 0) {
		api_bad_filter(req, bad);
		return;
	}
	if (api_paging(req, &f.limit, &f.offset) < 0)
		return;
	registry_scope_of(&req->who, &sc);
	if (registry_persons(req->store, req->arena, &sc, &f, &rows, &n, &total) < 0) {
		req_error(req, 500);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, person_json(req, &rows[i], false));
	req_json(req, 200, json_pack("{s:I,s:o}", "total", (json_int_t)total, "items", items));
}

/* The person of the path, or an answer (404, 403, 500) and -1. */
static int person_of_path(struct request *req, enum permission perm, struct person_rec *p)
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
	if (!registry_view_person_permits(&req->who, perm, p)) {
		req_api_error(req, 403, "forbidden", "you may read this person but not change her record");
		return -1;
	}
	return 0;
}

void api_person(struct request *req)
{
	struct person_rec p;
	const char *reveal = req_query(req, "reveal");
	json_t *doc;

	if (person_of_path(req, PERM_REGISTRY_READ, &p) < 0)
		return;
	doc = person_json(req, &p, reveal && !strcmp(reveal, "1"));
	if (!doc) {
		req_error(req, 500);
		return;
	}
	req_json(req, 200, doc);
}

void api_person_history(struct request *req)
{
	struct person_rec p;
	struct history_row *rows;
	int n;

	if (person_of_path(req, PERM_REGISTRY_READ, &p) < 0)
		return;
	if (registry_person_history(req->store, req->arena, p.id, &rows, &n) < 0) {
		req_error(req, 500);
		return;
	}
	req_json(req, 200, api_history_json(req, rows, n, &p));
}

/* ---- writing ---- */

static const struct {
	const char *key;
	unsigned flag;
	size_t offset;
} person_keys[] = {
	{ "id_number", PF_ID_NUMBER, offsetof(struct person_rec, id_number) },
	{ "name", PF_NAME, offsetof(struct person_rec, name) },
	{ "phone", PF_PHONE, offsetof(struct person_rec, phone) },
	{ "school_code", PF_SCHOOL, offsetof(struct person_rec, school_code) },
	{ "centre_code", PF_CENTRE, offsetof(struct person_rec, centre_code) },
	{ "role", PF_ROLE, offsetof(struct person_rec, role) },
	{ "subject", PF_SUBJECT, offsetof(struct person_rec, subject) },
	{ "title", PF_TITLE, offsetof(struct person_rec, title) },
	{ "education", PF_EDUCATION, offsetof(struct person_rec, education) },
	{ "key_level", PF_KEY_LEVEL, offsetof(struct person_rec, key_level) },
	{ "service_start", PF_SERVICE_START, offsetof(struct person_rec, service_start) },
	{ "status", PF_STATUS, offsetof(struct person_rec, status) },
};

/* What GET returns but nobody writes: sent back unchanged, they are let be. */
static const char *const person_read_only[] = {
	"ref", "gender", "birth_date", "school_name", "district_code", "district_name", NULL,
};

static bool listed(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (!strcmp(*list, key))
			return true;
	return false;
}

/* The body's keys into r; the mask of the fields it names.  Unknown keys
 * and values of the wrong type are field errors. */
static unsigned person_from_json(json_t *body, struct person_rec *r, struct field_errors *fe)
{
	const char *key;
	json_t *v;
	unsigned fields = 0;

	memset(r, 0, sizeof *r);
	json_object_foreach(body, key, v) {
		size_t i;

		for (i = 0; i < sizeof person_keys / sizeof person_keys[0]; i++)
			if (!strcmp(person_keys[i].key, key))
				break;
		if (i < sizeof person_keys / sizeof person_keys[0]) {
			const char **slot = (const char **)((char *)r + person_keys[i].offset);

			if (json_is_string(v))
				*slot = json_string_value(v);
			else if (!json_is_null(v))
				field_error(fe, key, "must be a string or null");
			fields |= person_keys[i].flag;
		} else if (!strcmp(key, "special_grade")) {
			if (json_is_boolean(v))
				r->special_grade = json_is_true(v);
			else
				field_error(fe, key, "must be true or false");
			fields |= PF_SPECIAL_GRADE;
		} else if (!listed(person_read_only, key)) {
			field_error(fe, key, "is not a field of a person");
		}
	}
	return fields;
}

/* With a body already at fault, the values are checked all the same (and
 * nothing saved), so one answer names every bad field.  Fields the body
 * got wrong in shape are left out: they have their message. */
static void check_too(struct request *req, struct person_rec *in, unsigned fields, bool creating,
		      struct field_errors *fe)
{
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];

	for (int i = 0; i < fe->n; i++)
		for (size_t k = 0; k < sizeof person_keys / sizeof person_keys[0]; k++)
			if (!strcmp(fe->e[i].field, person_keys[k].key))
				fields &= ~person_keys[k].flag;
	clock_now_iso(now);
	snprintf(today, sizeof today, "%.10s", now);
	registry_person_check(in, fields, creating, today, req->arena, fe);
}

static void answer_write(struct request *req, enum registry_write w, int created_status,
			 const struct person_rec *after, struct field_errors *fe)
{
	json_t *doc;

	switch (w) {
	case REGISTRY_WRITE_OK:
		if (!(doc = person_json(req, after, false))) {
			req_error(req, 500);
			return;
		}
		req_json(req, created_status, doc);
		return;
	case REGISTRY_WRITE_INVALID:
		api_invalid(req, fe);
		return;
	case REGISTRY_WRITE_CONFLICT:
		req_api_error(req, 409, "conflict",
			      "a person with this ID number is registered already; change her with PATCH");
		return;
	default:
		req_error(req, 500);
	}
}

void api_person_create(struct request *req)
{
	json_t *body = req_json_body(req);
	struct person_rec in, out;
	struct field_errors fe = { 0 };
	unsigned fields;

	if (!body)
		return;
	if (!json_is_object(body)) {
		req_api_error(req, 400, "bad_json", "the body must be a JSON object");
		goto out;
	}
	fields = person_from_json(body, &in, &fe);
	if (fe.n) {
		check_too(req, &in, fields | PF_ID_NUMBER, true, &fe);
		api_invalid(req, &fe);
		goto out;
	}
	answer_write(req, registry_view_person_write(req, NULL, &in, fields, "api", &fe, &out, NULL),
		     201, &out, &fe);
out:
	json_decref(body);
}

void api_person_update(struct request *req)
{
	json_t *body;
	struct person_rec p, in, out;
	struct field_errors fe = { 0 };
	unsigned fields;

	if (person_of_path(req, PERM_REGISTRY_WRITE, &p) < 0)
		return;
	if (!(body = req_json_body(req)))
		return;
	if (!json_is_object(body)) {
		req_api_error(req, 400, "bad_json", "the body must be a JSON object");
		goto out;
	}
	fields = person_from_json(body, &in, &fe);
	if (fields & PF_ID_NUMBER) {
		char masked[ID_NUMBER_LEN + 1];

		/* the number names the record: sent back as read, it is let be */
		idcard_mask(p.id_number, masked);
		if (!in.id_number || (strcasecmp(in.id_number, p.id_number) && strcmp(in.id_number, masked)))
			field_error(&fe, "id_number", "cannot be changed; register the person anew");
		fields &= ~(unsigned)PF_ID_NUMBER;
	}
	if (fe.n) {
		in.birth_date = p.birth_date;
		check_too(req, &in, fields, false, &fe);
		api_invalid(req, &fe);
		goto out;
	}
	answer_write(req, registry_view_person_write(req, &p, &in, fields, "api", &fe, &out, NULL),
		     200, &out, &fe);
out:
	json_decref(body);
}
