/* hours.c - a person's hours in JSON, manual entries and reversals
 * (/api/v1/persons/{id_number}/hours, /api/v1/hours/{record_id}/reversal),
 * and the checks and writes the hours pages share with them.
 *
 * Who sees what follows the persons API (persons.c): a person outside the
 * caller's scope is answered 404 like an unknown one, because whether a
 * number is registered is itself personal; ID numbers are masked except
 * the caller's own, or revealed (?reveal=1) by an admin who may, audited.
 * A teacher's scope for hours is herself (authz.c, PERM_HOURS_READ).
 *
 * Writing: only centre admins in scope and the system admin
 * (PERM_HOURS_WRITE).  The ledger is never edited (DOMAIN.md "Entries are
 * never edited or deleted: a correction is a reversing entry with a
 * reason"): a mistake is answered by POST .../reversal, which appends the
 * cancelling entry.  Each write and its audit row ("hours.add",
 * "hours.reverse", with the record numbers and hours) share one
 * transaction. */
#include "web/api/api.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/hours.h"
#include "core/ledger.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "store/store.h"
#include "web/registry_view.h"

/* ---- shared with pages/hours.c ---- */

int hours_view_person(struct request *req, const char *ref, struct person_rec *p)
{
	int rc = registry_view_person_find(req, ref, p);

	if (rc < 0 && rc != STORE_ENOTFOUND) {
		req_error(req, 500);
		return -1;
	}
	if (rc == STORE_ENOTFOUND || !registry_view_person_permits(&req->who, PERM_HOURS_READ, p)) {
		req_error(req, 404);
		return -1;
	}
	return 0;
}

int hours_view_may_write(const struct request *req, const struct person_rec *p)
{
	return registry_view_person_permits(&req->who, PERM_HOURS_WRITE, p);
}

int hours_view_year(struct request *req)
{
	const char *v = req_query(req, "year");
	char now[ISO_TIME_LEN], *end;
	long y;

	if (!v || !*v) {
		clock_now_iso(now);
		return atoi(now);
	}
	y = strtol(v, &end, 10);
	if (*end || y < 1990 || y > 2100)
		return -1;
	return (int)y;
}

static const char *masked_of(struct request *req, const struct person_rec *p)
{
	char masked[ID_NUMBER_LEN + 1];

	idcard_mask(p->id_number, masked);
	return arena_strdup(req->arena, masked);
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

/* Every field checked, so one answer names every mistake. */
static void check_input(const struct hours_input *in, char day[DATE_LEN + 1], int32_t *hours10,
			struct field_errors *fe)
{
	char now[ISO_TIME_LEN];
	struct err e;
	enum hours_error he;

	clock_now_iso(now);
	if (blank(in->date))
		field_error2(fe, "date", "请填写日期", "the date is missing");
	else if (date_parse(in->date, day, &e) != 0)
		field_error2(fe, "date", "日期无效：%s", "%s", e.message);
	else if (strncmp(day, now, DATE_LEN) > 0)
		field_error2(fe, "date", "日期 %s 晚于今天", "%s is after today", day);
	he = hours_parse(in->hours ? in->hours : "", hours10);
	if (he != HOURS_OK)
		/* the same arguments for both formats: each prints its own */
		field_error2(fe, "hours", "%s%.0s", "%.0s%s", hours_error_text(he, 0),
			     hours_error_text(he, 1));
	if (!hours_category_valid(in->category))
		field_error2(fe, "category", "请从列表中选择类别", "'%s' is not a category (see docs/api.md)",
			     in->category ? in->category : "");
	if (blank(in->title))
		field_error2(fe, "title", "请填写项目名称", "the title is missing");
	else if (strlen(in->title) > LEDGER_TITLE_MAX)
		field_error2(fe, "title", "项目名称不超过 %d 字节", "the title is longer than %d bytes",
			     LEDGER_TITLE_MAX);
	if (blank(in->reason))
		field_error2(fe, "reason", "手工录入须写明原因", "a manual entry needs a reason");
	else if (strlen(in->reason) > LEDGER_REASON_MAX)
		field_error2(fe, "reason", "原因不超过 %d 字节", "the reason is longer than %d bytes",
			     LEDGER_REASON_MAX);
}

enum hours_write hours_view_add(struct request *req, const struct person_rec *p,
				const struct hours_input *in, struct field_errors *fe,
				struct ledger_entry *out)
{
	char day[DATE_LEN + 1] = "", h[HOURS_TEXT_MAX];
	int32_t hours10 = 0;
	int64_t id;
	struct actor who = req_actor(req);
	struct err e = { 0 };
	struct ledger_new n = { 0 };

	check_input(in, day, &hours10, fe);
	if (fe->n)
		return HOURS_WRITE_INVALID;
	n.person_id = p->id;
	n.day = day;
	n.hours10 = hours10;
	n.category = in->category;
	n.source = "manual";
	n.title = in->title;
	/* the hours are issued by the centre that records them */
	n.issuer = *req->who.scope_name ? req->who.scope_name : NULL;
	n.reason = in->reason;
	if (store_begin(req->store, STORE_WRITE) < 0)
		return HOURS_WRITE_ERROR;
	if (ledger_add_entry(req->store, &n, &who, &id, &e) != 0)
		goto fail;
	if (ledger_entry_by_id(req->store, req->arena, id, out, &e) != 0)
		goto fail;
	if (audit_record(req->store, &who, "hours.add", arena_printf(req->arena, "ledger:%s", out->record_id),
			 arena_printf(req->arena, "person:%s hours:%s year:%d", masked_of(req, p),
				      hours_format(hours10, h), out->year)) < 0)
		goto fail;
	if (store_commit(req->store) < 0)
		goto fail;
	return HOURS_WRITE_OK;
fail:
	store_rollback(req->store);
	if (e.code == ERR_INVALID) {
		field_error(fe, *e.field ? e.field : "hours", "%s", e.message);
		return HOURS_WRITE_INVALID;
	}
	return HOURS_WRITE_ERROR;
}

enum hours_write hours_view_reverse(struct request *req, const char *record_id, const char *reason,
				    struct field_errors *fe, struct ledger_entry *out,
				    struct person_rec *person)
{
	struct ledger_entry o;
	struct actor who = req_actor(req);
	struct err e = { 0 };
	char h[HOURS_TEXT_MAX];
	int64_t id;
	int rc;

	if (store_begin(req->store, STORE_WRITE) < 0)
		return HOURS_WRITE_ERROR;
	if (ledger_entry_get(req->store, req->arena, record_id, &o, &e) != 0) {
		store_rollback(req->store);
		return e.code == ERR_NOT_FOUND ? HOURS_WRITE_NOT_FOUND : HOURS_WRITE_ERROR;
	}
	rc = registry_view_person_find(req, arena_printf(req->arena, "p%lld", (long long)o.person_id),
				       person);
	if (rc < 0 || !registry_view_person_permits(&req->who, PERM_HOURS_READ, person)) {
		store_rollback(req->store);
		return rc < 0 && rc != STORE_ENOTFOUND ? HOURS_WRITE_ERROR : HOURS_WRITE_NOT_FOUND;
	}
	if (!hours_view_may_write(req, person)) {
		store_rollback(req->store);
		return HOURS_WRITE_FORBIDDEN;
	}
	if (ledger_reverse_entry(req->store, record_id, reason, &who, &id, &e) != 0) {
		store_rollback(req->store);
		switch (e.code) {
		case ERR_NOT_FOUND:
			return HOURS_WRITE_NOT_FOUND;
		case ERR_CONFLICT:
			return HOURS_WRITE_CONFLICT;
		case ERR_INVALID:
			if (strcmp(e.field, "reason"))
				field_error2(fe, "record_id", "冲销记录不能再被冲销",
					     "a reversal cannot be reversed");
			else if (blank(reason))
				field_error2(fe, "reason", "冲销须写明原因", "a reversal needs a reason");
			else
				field_error2(fe, "reason", "原因不超过 %d 字节", "the reason is longer than %d bytes",
					     LEDGER_REASON_MAX);
			return HOURS_WRITE_INVALID;
		default:
			return HOURS_WRITE_ERROR;
		}
	}
	if (ledger_entry_by_id(req->store, req->arena, id, out, &e) != 0 ||
	    audit_record(req->store, &who, "hours.reverse",
			 arena_printf(req->arena, "ledger:%s", out->record_id),
			 arena_printf(req->arena, "person:%s reverses:%s hours:%s year:%d",
				      masked_of(req, person), record_id, hours_format(out->hours10, h),
				      out->year)) < 0 ||
	    store_commit(req->store) < 0) {
		store_rollback(req->store);
		return HOURS_WRITE_ERROR;
	}
	return HOURS_WRITE_OK;
}

/* ---- JSON ---- */

static json_t *hours_json(int64_t hours10)
{
	char h[HOURS_TEXT_MAX];

	return json_string(hours_format(hours10, h));
}

static json_t *entry_json(const struct ledger_entry *e)
{
	json_t *o = json_object();

	api_set_string(o, "date", e->day);
	json_object_set_new(o, "hours", hours_json(e->hours10));
	api_set_string(o, "category", e->category);
	api_set_string(o, "source", e->source);
	api_set_string(o, "title", e->title);
	api_set_string(o, "record_id", e->record_id);
	api_set_string(o, "reverses", e->reverses);
	return o;
}

/* A written entry: the entry's keys and its reason. */
static json_t *written_json(const struct ledger_entry *e)
{
	json_t *o = entry_json(e);

	api_set_string(o, "reason", e->reason);
	return o;
}

void api_person_hours(struct request *req)
{
	struct person_rec p;
	struct ledger_year y;
	struct ledger_progress pr;
	struct err e = { 0 };
	const char *reveal = req_query(req, "reveal");
	const char *id;
	bool whole;
	int year = hours_view_year(req);
	json_t *entries, *doc;

	if (hours_view_person(req, req_param(req, "id_number"), &p) < 0)
		return;
	if (year < 0) {
		req_api_error(req, 400, "bad_request", "'year' must be a year from 1990 to 2100");
		return;
	}
	if (ledger_progress(req->store, p.id, p.service_start, year, &pr) != 0 ||
	    ledger_person_year(req->store, req->arena, p.id, year, &y, &e) != 0) {
		req_error(req, 500);
		return;
	}
	if (!(id = registry_view_id_number(req, &p, reveal && !strcmp(reveal, "1"), &whole))) {
		req_error(req, 500);
		return;
	}
	entries = json_array();
	for (int i = 0; i < y.n; i++)
		json_array_append_new(entries, entry_json(&y.entries[i]));
	doc = json_object();
	api_set_string(doc, "id_number", id);
	json_object_set_new(doc, "year", json_integer(year));
	/* the year's total from hours_totals: the same figure as the cycle's */
	json_object_set_new(doc, "hours", hours_json(y.total10));
	json_object_set_new(doc, "required", hours_json(pr.yearly_required10));
	json_object_set_new(doc, "cycle", json_pack("{s:i,s:i,s:o,s:o}", "start", pr.cycle_start,
						    "end", pr.cycle_end, "hours", hours_json(pr.cycle10),
						    "required", hours_json(pr.cycle_required10)));
	json_object_set_new(doc, "entries", entries);
	req_json(req, 200, doc);
}

/* A string member, or a field error when it is there but not a string. */
static const char *member(json_t *body, const char *key, struct field_errors *fe)
{
	json_t *v = json_object_get(body, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		field_error(fe, key, "must be a string");
		return NULL;
	}
	return json_string_value(v);
}

static void answer(struct request *req, enum hours_write w, const struct ledger_entry *e,
		   struct field_errors *fe)
{
	switch (w) {
	case HOURS_WRITE_OK:
		req_json(req, 201, written_json(e));
		return;
	case HOURS_WRITE_INVALID:
		api_invalid(req, fe);
		return;
	case HOURS_WRITE_NOT_FOUND:
		req_error(req, 404);
		return;
	case HOURS_WRITE_FORBIDDEN:
		req_api_error(req, 403, "forbidden", "you may read these hours but not change them");
		return;
	case HOURS_WRITE_CONFLICT:
		req_api_error(req, 409, "conflict", "the entry is reversed already: the ledger keeps "
			      "one reversal per entry");
		return;
	default:
		req_error(req, 500);
	}
}

void api_person_hours_add(struct request *req)
{
	struct person_rec p;
	struct field_errors fe = { 0 };
	struct ledger_entry e;
	struct hours_input in;
	json_t *body;

	if (hours_view_person(req, req_param(req, "id_number"), &p) < 0)
		return;
	if (!hours_view_may_write(req, &p)) {
		req_api_error(req, 403, "forbidden", "you may read these hours but not change them");
		return;
	}
	if (!(body = req_json_body(req)))
		return;
	if (!json_is_object(body)) {
		req_api_error(req, 400, "bad_json", "the body must be a JSON object");
		json_decref(body);
		return;
	}
	in.date = member(body, "date", &fe);
	{
		/* hours as a string ("2.5") or, as the programme API takes them,
		 * a JSON number: printed back and read by hours_parse() all the same */
		json_t *h = json_object_get(body, "hours");

		if (json_is_integer(h))
			in.hours = arena_printf(req->arena, "%lld", (long long)json_integer_value(h));
		else if (json_is_real(h))
			in.hours = arena_printf(req->arena, "%.10g", json_real_value(h));
		else
			in.hours = member(body, "hours", &fe);
	}
	in.category = member(body, "category", &fe);
	in.title = member(body, "title", &fe);
	in.reason = member(body, "reason", &fe);
	if (fe.n)
		api_invalid(req, &fe);
	else
		answer(req, hours_view_add(req, &p, &in, &fe, &e), &e, &fe);
	json_decref(body);
}

void api_hours_reversal(struct request *req)
{
	struct person_rec p;
	struct field_errors fe = { 0 };
	struct ledger_entry e;
	const char *reason;
	json_t *body;

	if (!(body = req_json_body(req)))
		return;
	if (!json_is_object(body)) {
		req_api_error(req, 400, "bad_json", "the body must be a JSON object");
		json_decref(body);
		return;
	}
	reason = member(body, "reason", &fe);
	if (fe.n)
		api_invalid(req, &fe);
	else
		answer(req, hours_view_reverse(req, req_param(req, "record_id"), reason, &fe, &e, &p),
		       &e, &fe);
	json_decref(body);
}
