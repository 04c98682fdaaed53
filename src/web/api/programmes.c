/* programmes.c - /api/v1/programmes (issue 5 §1 and §2): the catalogue as
 * the caller may see it, one programme whole, and creating or changing one.
 *
 * The rules are core/programme.c's, shared with the pages: a programme the
 * caller may not see is 404; one she sees but does not run is 403 for a
 * write.  Hours come in as a number or a string ("2.5") and go out as a
 * string with one decimal, so no client ever rounds a binary float.  The
 * ID numbers of trainers are taken in, never given out. */
#include "web/api/api.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/hours.h"
#include "core/programme.h"
#include "lib/clock.h"
#include "store/store.h"

static const char *today_of(struct request *req)
{
	char now[ISO_TIME_LEN];

	clock_now_iso(now);
	return arena_strndup(req->arena, now, 10);
}

static json_t *audience_json(const struct programme *p)
{
	static const char *const keys[] = { "roles", "stages", "subjects", "regions" };
	json_t *o = json_object();

	for (int k = 0; programme_audience_kinds[k]; k++) {
		json_t *list = json_array();

		for (int i = 0; i < p->naudience; i++)
			if (!strcmp(p->audience[i].kind, programme_audience_kinds[k]))
				json_array_append_new(list, json_string(p->audience[i].value));
		json_object_set_new(o, keys[k], list);
	}
	return o;
}

static json_t *sessions_json(const struct programme *p)
{
	json_t *list = json_array();

	for (int i = 0; i < p->nsessions; i++) {
		const struct programme_session *x = &p->sessions[i];
		json_t *o = json_object();

		json_object_set_new(o, "id", json_integer((json_int_t)x->id));
		api_set_string(o, "date", x->day);
		api_set_string(o, "starts", x->starts);
		api_set_string(o, "ends", x->ends);
		api_set_string(o, "venue", x->venue_name);
		api_set_string(o, "trainer", x->trainer_name);
		api_set_string(o, "topic", x->topic);
		json_array_append_new(list, o);
	}
	return list;
}

/* The programme; whole adds its audience and sessions (a list's items are
 * the summary, without them). */
static json_t *programme_json(const struct programme *p, bool whole, const char *today)
{
	json_t *o = json_object(), *completion = json_object();
	char h[HOURS_TEXT_MAX];

	api_set_string(o, "code", p->code);
	api_set_string(o, "title", p->title);
	json_object_set_new(o, "centre", json_pack("{s:s,s:s}", "code", p->centre_code, "name",
						   p->centre_name));
	api_set_string(o, "category", p->category);
	api_set_string(o, "level", p->level);
	api_set_string(o, "mode", p->mode);
	api_set_string(o, "hours", hours_format(p->hours10, h));
	json_object_set_new(o, "capacity", json_integer((json_int_t)p->capacity));
	json_object_set_new(o, "seated", json_integer((json_int_t)p->seated));
	json_object_set_new(o, "waiting", json_integer((json_int_t)p->waiting));
	api_set_string(o, "enrol_open", p->enrol_open);
	api_set_string(o, "enrol_close", p->enrol_close);
	json_object_set_new(o, "open", json_boolean(programme_open_on(p, today)));
	api_set_string(o, "status", p->status);
	json_object_set_new(completion, "attendance_min", json_integer(p->attendance_min));
	json_object_set_new(completion, "pass_mark",
			    p->pass_mark >= 0 ? json_integer(p->pass_mark) : json_null());
	json_object_set_new(completion, "tolerance_min", json_integer(p->tolerance_min));
	json_object_set_new(o, "completion", completion);
	api_set_string(o, "description", p->description);
	if (whole) {
		json_object_set_new(o, "audience", audience_json(p));
		json_object_set_new(o, "sessions", sessions_json(p));
	}
	return o;
}

/* ---- reading ---- */

static bool filter_ok(const char *v, bool (*valid)(const char *))
{
	return !v || !*v || valid(v);
}

void api_programmes(struct request *req)
{
	struct programme_filter f = { 0 };
	struct programme *rows;
	int64_t total;
	int n;
	const char *open = req_query(req, "open");
	static const struct {
		const char *key;
		bool (*valid)(const char *);
	} enums[] = {
		{ "category", programme_is_category }, { "mode", programme_is_mode },
		{ "level", programme_is_level }, { "status", programme_is_status },
	};
	json_t *items;

	for (size_t i = 0; i < sizeof enums / sizeof enums[0]; i++)
		if (!filter_ok(req_query(req, enums[i].key), enums[i].valid)) {
			api_bad_filter(req, enums[i].key);
			return;
		}
	if (open && strcmp(open, "0") && strcmp(open, "1")) {
		api_bad_filter(req, "open");
		return;
	}
	if (api_paging(req, &f.limit, &f.offset) < 0)
		return;
	f.q = req_query(req, "q");
	f.category = req_query(req, "category");
	f.mode = req_query(req, "mode");
	f.level = req_query(req, "level");
	f.status = req_query(req, "status");
	f.open = open && !strcmp(open, "1");
	f.today = today_of(req);
	if (programme_list(req->store, req->arena, &req->who, &f, &rows, &n, &total) < 0) {
		req_error(req, 500);
		return;
	}
	items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, programme_json(&rows[i], false, f.today));
	req_json(req, 200, json_pack("{s:I,s:o}", "total", (json_int_t)total, "items", items));
}

/* The programme of the path, visible to the caller (else 404), and run by
 * her when manage (else 403); or an answer and -1. */
static int programme_of_path(struct request *req, bool manage, struct programme *p)
{
	int rc = programme_get_by_code(req->store, req->arena, req_param(req, "code"), p);
	bool visible;

	if (rc == STORE_ENOTFOUND) {
		req_error(req, 404);
		return -1;
	}
	if (rc < 0) {
		req_error(req, 500);
		return -1;
	}
	visible = programme_visible(req->store, &req->who, p, &rc);
	if (rc < 0) {
		req_error(req, 500);
		return -1;
	}
	if (!visible) {
		req_error(req, 404);
		return -1;
	}
	if (manage && !programme_manageable(&req->who, p)) {
		req_api_error(req, 403, "forbidden", "only the organiser centre's admins change this programme");
		return -1;
	}
	return 0;
}

void api_programme(struct request *req)
{
	struct programme p;

	if (programme_of_path(req, false, &p) < 0)
		return;
	req_json(req, 200, programme_json(&p, true, today_of(req)));
}

/* ---- writing ---- */

/* A JSON value as the text core checks: strings as they are, numbers
 * written out (2.5 -> "2.5", 24 -> "24"); NULL for null.  Anything else is
 * a field error. */
static const char *scalar(struct request *req, json_t *v, const char *field, bool numbers,
			  struct field_errors *fe)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_null(v))
		return NULL;
	if (numbers && json_is_integer(v))
		return arena_printf(req->arena, "%lld", (long long)json_integer_value(v));
	if (numbers && json_is_real(v))
		return arena_printf(req->arena, "%.10g", json_real_value(v));
	field_error(fe, field, numbers ? "must be a number, a string or null" : "must be a string or null");
	return NULL;
}

enum { API_AUDIENCE_MAX = 64, API_SESSIONS_MAX = 64 };

static void audience_from_json(struct request *req, json_t *v, struct programme_in *in,
			       struct field_errors *fe)
{
	static const struct { const char *key, *kind; } kinds[] = {
		{ "roles", "role" }, { "stages", "stage" }, { "subjects", "subject" },
		{ "regions", "region" },
	};
	struct programme_audience_item *items;
	const char *key;
	json_t *list;

	if (json_is_null(v))
		return;
	if (!json_is_object(v)) {
		field_error(fe, "audience", "must be an object {\"roles\":[],\"stages\":[],\"subjects\":[],\"regions\":[]}");
		return;
	}
	if (!(items = arena_alloc(req->arena, sizeof *items * API_AUDIENCE_MAX)))
		return;
	json_object_foreach(v, key, list) {
		size_t k, i;
		json_t *value;

		for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
			if (!strcmp(kinds[k].key, key))
				break;
		if (k == sizeof kinds / sizeof kinds[0]) {
			field_error(fe, "audience", "\"%s\" is not roles, stages, subjects or regions", key);
			continue;
		}
		if (!json_is_array(list)) {
			field_error(fe, "audience", "%s must be an array of strings", key);
			continue;
		}
		json_array_foreach(list, i, value) {
			if (!json_is_string(value)) {
				field_error(fe, "audience", "%s must be an array of strings", key);
				break;
			}
			if (in->naudience >= API_AUDIENCE_MAX) {
				field_error(fe, "audience", "at most %d entries", API_AUDIENCE_MAX);
				break;
			}
			items[in->naudience].kind = kinds[k].kind;
			items[in->naudience++].value = json_string_value(value);
		}
	}
	in->audience = items;
}

static void sessions_from_json(struct request *req, json_t *v, struct programme_in *in,
			       struct field_errors *fe)
{
	struct programme_session_in *items;
	size_t i;
	json_t *o;

	if (json_is_null(v))
		return;
	if (!json_is_array(v) || json_array_size(v) > API_SESSIONS_MAX) {
		field_error(fe, "sessions", "must be an array of at most %d sessions", API_SESSIONS_MAX);
		return;
	}
	if (!(items = arena_alloc(req->arena, sizeof *items * (json_array_size(v) + 1))))
		return;
	json_array_foreach(v, i, o) {
		struct programme_session_in *x = &items[in->nsessions];
		const char *key;
		json_t *value;
		char field[64];

		memset(x, 0, sizeof *x);
		if (!json_is_object(o)) {
			snprintf(field, sizeof field, "sessions[%zu]", i);
			field_error(fe, field, "must be an object");
			continue;
		}
		json_object_foreach(o, key, value) {
			snprintf(field, sizeof field, "sessions[%zu].%s", i, key);
			if (!strcmp(key, "date"))
				x->day = scalar(req, value, field, false, fe);
			else if (!strcmp(key, "starts"))
				x->starts = scalar(req, value, field, false, fe);
			else if (!strcmp(key, "ends"))
				x->ends = scalar(req, value, field, false, fe);
			else if (!strcmp(key, "venue"))
				x->venue_name = scalar(req, value, field, false, fe);
			else if (!strcmp(key, "venue_id"))
				x->venue_id = scalar(req, value, field, true, fe);
			else if (!strcmp(key, "trainer_id_number"))
				x->trainer_id_number = scalar(req, value, field, false, fe);
			else if (!strcmp(key, "topic"))
				x->topic = scalar(req, value, field, false, fe);
			else if (strcmp(key, "id") && strcmp(key, "trainer"))
				field_error(fe, field, "is not a field of a session");
		}
		in->nsessions++;
	}
	in->sessions = items;
}

/* Reads a programme from a JSON object into in; returns the fields sent. */
static unsigned programme_from_json(struct request *req, json_t *body, struct programme_in *in,
				    bool creating, struct field_errors *fe)
{
	static const struct {
		const char *key;
		unsigned flag;
		size_t offset;
		bool number;
	} keys[] = {
		{ "code", PG_CODE, offsetof(struct programme_in, code), false },
		{ "title", PG_TITLE, offsetof(struct programme_in, title), false },
		{ "category", PG_CATEGORY, offsetof(struct programme_in, category), false },
		{ "level", PG_LEVEL, offsetof(struct programme_in, level), false },
		{ "mode", PG_MODE, offsetof(struct programme_in, mode), false },
		{ "hours", PG_HOURS, offsetof(struct programme_in, hours), true },
		{ "capacity", PG_CAPACITY, offsetof(struct programme_in, capacity), true },
		{ "enrol_open", PG_ENROL_OPEN, offsetof(struct programme_in, enrol_open), false },
		{ "enrol_close", PG_ENROL_CLOSE, offsetof(struct programme_in, enrol_close), false },
		{ "attendance_min", PG_ATTENDANCE_MIN, offsetof(struct programme_in, attendance_min), true },
		{ "pass_mark", PG_PASS_MARK, offsetof(struct programme_in, pass_mark), true },
		{ "tolerance_min", PG_TOLERANCE_MIN, offsetof(struct programme_in, tolerance_min), true },
		{ "description", PG_DESCRIPTION, offsetof(struct programme_in, description), false },
		{ "status", PG_STATUS, offsetof(struct programme_in, status), false },
	};
	const char *key;
	json_t *v;
	unsigned fields = 0;

	memset(in, 0, sizeof *in);
	json_object_foreach(body, key, v) {
		size_t i;

		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (!strcmp(keys[i].key, key))
				break;
		if (i < sizeof keys / sizeof keys[0]) {
			const char **slot = (const char **)((char *)in + keys[i].offset);

			*slot = scalar(req, v, key, keys[i].number, fe);
			fields |= keys[i].flag;
		} else if (!strcmp(key, "centre")) {
			/* the organiser: its code, or the object this API writes */
			if (json_is_object(v) && json_is_string(json_object_get(v, "code")))
				in->centre = json_string_value(json_object_get(v, "code"));
			else
				in->centre = scalar(req, v, key, false, fe);
			fields |= PG_CENTRE;
		} else if (!strcmp(key, "completion") && json_is_object(v)) {
			/* the shape this API writes, taken back */
			json_t *x;

			if ((x = json_object_get(v, "attendance_min"))) {
				in->attendance_min = scalar(req, x, "attendance_min", true, fe);
				fields |= PG_ATTENDANCE_MIN;
			}
			if ((x = json_object_get(v, "pass_mark"))) {
				in->pass_mark = scalar(req, x, "pass_mark", true, fe);
				fields |= PG_PASS_MARK;
			}
			if ((x = json_object_get(v, "tolerance_min"))) {
				in->tolerance_min = scalar(req, x, "tolerance_min", true, fe);
				fields |= PG_TOLERANCE_MIN;
			}
		} else if (!strcmp(key, "audience")) {
			audience_from_json(req, v, in, fe);
			fields |= PG_AUDIENCE;
		} else if (!strcmp(key, "sessions") && creating) {
			sessions_from_json(req, v, in, fe);
		} else if (strcmp(key, "seated") && strcmp(key, "waiting") && strcmp(key, "open") &&
			   strcmp(key, "sessions")) {
			/* the read-only keys of this API's answer are let be */
			field_error(fe, key, creating ? "is not a field of a programme" :
				    "is not a field of a programme (sessions change on the programme's page)");
		}
	}
	return fields;
}

static void answer_write(struct request *req, enum programme_result r, int ok_status,
			 const char *code, struct field_errors *fe, const struct programme_clash *clash)
{
	struct programme p;

	switch (r) {
	case PROGRAMME_OK:
		if (programme_get_by_code(req->store, req->arena, code, &p) < 0) {
			req_error(req, 500);
			return;
		}
		req_json(req, ok_status, programme_json(&p, true, today_of(req)));
		return;
	case PROGRAMME_INVALID:
		api_invalid(req, fe);
		return;
	case PROGRAMME_CONFLICT:
		if (clash && clash->code) {
			/* DOMAIN.md: an overlapping session is refused with the clash named */
			req_json(req, 409, json_pack("{s:{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s}}}", "error",
						     "code", "clash", "message",
						     fe->n ? fe->e[fe->n - 1].message : "the session clashes",
						     "clash", "with", clash->venue ? "venue" : "trainer",
						     "code", clash->code, "title", clash->title, "date",
						     clash->day, "starts", clash->starts, "ends", clash->ends));
			return;
		}
		req_api_error(req, 409, "conflict",
			      fe->n ? fe->e[fe->n - 1].message : "a programme with this code exists already");
		return;
	case PROGRAMME_FORBIDDEN:
		req_api_error(req, 403, "forbidden",
			      "only centre admins (for their own centre) and the system admin run programmes");
		return;
	case PROGRAMME_NOT_FOUND:
		req_error(req, 404);
		return;
	default:
		req_error(req, 500);
	}
}

static struct programme_change change_of(struct request *req, struct actor *actor, char *now)
{
	struct programme_change ch = { &req->who, actor, now };

	clock_now_iso(now);
	*actor = req_actor(req);
	return ch;
}

void api_programme_create(struct request *req)
{
	json_t *body;
	struct programme_in in;
	struct field_errors fe = { 0 };
	struct programme_clash clash = { 0 };
	struct actor actor;
	char now[ISO_TIME_LEN];
	struct programme_change ch = change_of(req, &actor, now);
	const char *code = NULL;
	enum programme_result r;

	if (!(body = req_json_body(req)))
		return;
	if (!json_is_object(body)) {
		req_api_error(req, 400, "bad_json", "the body must be a JSON object");
		goto out;
	}
	programme_from_json(req, body, &in, true, &fe);
	if (fe.n) {
		api_invalid(req, &fe);
		goto out;
	}
	r = programme_write(req->store, req->arena, &ch, NULL, &in, PG_ALL, &fe, &clash, &code);
	answer_write(req, r, 201, code, &fe, &clash);
out:
	json_decref(body);
}

/* The action of programme_set_status() that takes a programme from one
 * status to another, or NULL when no single move does. */
static const char *status_action(const char *from, const char *to)
{
	if (!strcmp(to, "published") && !strcmp(from, "draft"))
		return "publish";
	if (!strcmp(to, "closed") && !strcmp(from, "published"))
		return "close";
	if (!strcmp(to, "cancelled") && strcmp(from, "completed"))
		return "cancel";
	return NULL;
}

void api_programme_update(struct request *req)
{
	json_t *body;
	struct programme p;
	struct programme_in in;
	struct field_errors fe = { 0 };
	struct actor actor;
	char now[ISO_TIME_LEN];
	struct programme_change ch = change_of(req, &actor, now);
	const char *code = NULL, *action = NULL;
	unsigned fields;
	enum programme_result r;

	if (programme_of_path(req, true, &p) < 0)
		return;
	if (!(body = req_json_body(req)))
		return;
	if (!json_is_object(body)) {
		req_api_error(req, 400, "bad_json", "the body must be a JSON object");
		goto out;
	}
	fields = programme_from_json(req, body, &in, false, &fe);
	if ((fields & PG_CODE) && (!in.code || strcmp(in.code, p.code)))
		field_error(&fe, "code", "cannot be changed: certificates and records cite it");
	/* "status" moves the programme as the page's buttons do: published
	 * publishes a draft, closed ends enrolment, cancelled cancels */
	if ((fields & PG_STATUS) && in.status && strcmp(in.status, p.status)) {
		action = status_action(p.status, in.status);
		if (!action)
			field_error(&fe, "status", "cannot go from %s to %s (draft -> published -> closed;"
				    " cancelled from any of them)", p.status, in.status);
	}
	fields &= ~(unsigned)(PG_CODE | PG_STATUS);
	if (fe.n) {
		api_invalid(req, &fe);
		goto out;
	}
	r = PROGRAMME_OK;
	code = p.code;
	if (fields)
		r = programme_write(req->store, req->arena, &ch, p.code, &in, fields, &fe, NULL, &code);
	if (r == PROGRAMME_OK && action)
		r = programme_set_status(req->store, req->arena, &ch, p.code, action, &fe);
	answer_write(req, r, 200, code, &fe, NULL);
out:
	json_decref(body);
}
