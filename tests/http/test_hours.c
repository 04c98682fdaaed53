/* test_hours.c - the hours ledger over HTTP: a teacher's own hours in JSON
 * (exact keys and formats), scope (another's hours are 404, her school's
 * admin reads them), a centre admin's manual entry (201, 422 for "2.55"),
 * its reversal (201) and a second one (409), the page showing both rows,
 * and the year's export. */
#include "harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int this_year(void)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static json_t *get_json(struct client *c, const char *path, long want)
{
	struct response r = { 0 };
	json_error_t e;
	json_t *doc;

	http_get(c, path, &r);
	if (r.status != want)
		fail_msg("GET %s: %ld, expected %ld; body: %.400s", path, r.status, want, r.body);
	doc = json_loads(r.body, 0, &e);
	if (!doc)
		fail_msg("GET %s: not JSON: %.200s", path, r.body);
	response_free(&r);
	return doc;
}

static json_t *send_json(struct client *c, const char *path, const char *body, long want)
{
	struct response r = { 0 };
	char csrf[200];
	const char *headers[] = { "Content-Type: application/json", csrf, NULL };
	json_error_t e;
	json_t *doc;

	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", c->csrf);
	http_request(c, "POST", path, headers, body, strlen(body), &r);
	if (r.status != want)
		fail_msg("POST %s %s: %ld, expected %ld; body: %.600s", path, body, r.status, want, r.body);
	doc = json_loads(r.body, 0, &e);
	if (!doc)
		fail_msg("POST %s: not JSON: %.200s", path, r.body);
	response_free(&r);
	return doc;
}

/* Exactly these keys, no more. */
static void expect_keys(json_t *o, const char *const *keys, const char *what)
{
	size_t n = 0;

	assert_true(json_is_object(o));
	for (; keys[n]; n++)
		if (!json_object_get(o, keys[n]))
			fail_msg("%s lacks '%s'", what, keys[n]);
	if (json_object_size(o) != n)
		fail_msg("%s has %zu keys, expected %zu", what, json_object_size(o), n);
}

/* "71.5", "-2.0": digits, a point, one digit */
static void expect_hours_text(json_t *v, const char *what)
{
	const char *s = json_string_value(v);
	size_t n;

	if (!s)
		fail_msg("%s is not a string", what);
	n = strlen(s);
	if (n < 3 || s[n - 2] != '.' || strspn(s + (s[0] == '-'), "0123456789") != n - 2 - (s[0] == '-'))
		fail_msg("%s is '%s', not hours with one decimal", what, s);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static char teacher_ref[32];

static void teacher_reads_her_own_hours(void **state)
{
	static const char *const top[] = { "id_number", "year", "hours", "required", "cycle", "entries", NULL };
	static const char *const cycle[] = { "start", "end", "hours", "required", NULL };
	static const char *const entry[] = { "date", "hours", "category", "source", "title", "record_id",
					     "reverses", NULL };
	struct client *c = client_as("teacher");
	char path[128];
	json_t *doc, *entries, *cy;
	int year = this_year(), reversals = 0;
	size_t i;
	json_t *e;

	(void)state;
	doc = get_json(c, "/api/v1/persons/me/hours", 200);
	expect_keys(doc, top, "the hours document");
	assert_int_equal(json_integer_value(json_object_get(doc, "year")), year);
	/* her own number, whole */
	assert_int_equal(strlen(str(doc, "id_number")), 18);
	assert_null(strchr(str(doc, "id_number"), '*'));
	expect_hours_text(json_object_get(doc, "hours"), "hours");
	assert_string_equal(str(doc, "required"), "72.0");
	cy = json_object_get(doc, "cycle");
	expect_keys(cy, cycle, "cycle");
	assert_true(json_integer_value(json_object_get(cy, "start")) <= year);
	assert_int_equal(json_integer_value(json_object_get(cy, "end")) -
			 json_integer_value(json_object_get(cy, "start")), 4);
	expect_hours_text(json_object_get(cy, "hours"), "cycle.hours");
	expect_hours_text(json_object_get(cy, "required"), "cycle.required");
	entries = json_object_get(doc, "entries");
	assert_true(json_array_size(entries) >= 2);
	json_array_foreach(entries, i, e) {
		expect_keys(e, entry, "an entry");
		expect_hours_text(json_object_get(e, "hours"), "entry.hours");
		if (json_is_string(json_object_get(e, "reverses"))) {
			reversals++;
			/* the demo's correction: cancels the entry listed just before */
			assert_true(str(e, "hours")[0] == '-');
			assert_string_equal(str(e, "source"), "manual");
			assert_string_equal(str(e, "reverses"), str(json_array_get(entries, i - 1), "record_id"));
		} else {
			assert_true(json_is_null(json_object_get(e, "reverses")));
		}
	}
	assert_true(reversals >= 1);
	json_decref(doc);

	/* an earlier year: its entries, and its own total */
	snprintf(path, sizeof path, "/api/v1/persons/me/hours?year=%d", year - 2);
	doc = get_json(c, path, 200);
	assert_int_equal(json_integer_value(json_object_get(doc, "year")), year - 2);
	assert_string_equal(str(doc, "hours"), "78.0");
	assert_int_equal(json_array_size(json_object_get(doc, "entries")), 3);
	json_decref(doc);
	doc = get_json(c, "/api/v1/persons/me/hours?year=20x6", 400);
	json_decref(doc);

	/* her page and her home page */
	{
		struct response r = { 0 };

		http_get(c, "/hours/me", &r);
		expect_status(r, 200);
		expect_contains(r, "我的学时");
		expect_contains(r, "已冲销");
		expect_contains(r, "<svg");
		http_get(c, "/", &r);
		expect_status(r, 200);
		expect_contains(r, "/hours/me");
		response_free(&r);
	}
	client_free(c);
}

static void teacher_cannot_read_another(void **state)
{
	struct client *c = client_as("teacher");
	char path[128];
	long long other = db_int("SELECT min(id) FROM persons WHERE id <> (SELECT person_id FROM accounts"
				 " WHERE login = 'teacher')");
	struct response r = { 0 };
	json_t *doc;

	(void)state;
	snprintf(path, sizeof path, "/api/v1/persons/p%lld/hours", other);
	doc = get_json(c, path, 404);
	json_decref(doc);
	snprintf(path, sizeof path, "/persons/p%lld/hours", other);
	http_get(c, path, &r);
	expect_status(r, 404);
	snprintf(path, sizeof path, "/persons/p%lld/hours.csv", other);
	http_get(c, path, &r);
	expect_status(r, 404);
	/* and she writes nothing */
	doc = send_json(c, "/api/v1/hours/x/reversal", "{\"reason\":\"x\"}", 403);
	json_decref(doc);
	response_free(&r);
	client_free(c);
}

static void school_admin_reads_her_teacher(void **state)
{
	struct client *c = client_as("school");
	char path[128];
	json_t *doc;

	(void)state;
	snprintf(path, sizeof path, "/api/v1/persons/%s/hours", teacher_ref);
	doc = get_json(c, path, 200);
	/* masked for anyone but herself */
	assert_non_null(strchr(str(doc, "id_number"), '*'));
	json_decref(doc);
	/* reading is not writing */
	doc = send_json(c, path, "{\"date\":\"2026-01-05\",\"hours\":\"2\",\"category\":\"other\","
			"\"title\":\"x\",\"reason\":\"x\"}", 403);
	json_decref(doc);
	client_free(c);
}

/* The bureau reads its city; a municipal centre only its domain: the
 * kindergarten centre does not see a primary school's teacher. */
static void scope_of_the_other_roles(void **state)
{
	struct client *bureau = client_as("bureau"), *kg = client_as("kg-centre");
	char path[128];
	json_t *doc;

	(void)state;
	snprintf(path, sizeof path, "/api/v1/persons/%s/hours", teacher_ref);
	doc = get_json(bureau, path, 200);
	assert_non_null(strchr(str(doc, "id_number"), '*'));
	json_decref(doc);
	doc = get_json(kg, path, 404);
	json_decref(doc);
	doc = send_json(kg, path, "{\"date\":\"2026-01-05\",\"hours\":\"2\",\"category\":\"other\","
			"\"title\":\"x\",\"reason\":\"x\"}", 404);
	json_decref(doc);
	client_free(bureau);
	client_free(kg);
}

static void centre_adds_and_reverses(void **state)
{
	struct client *c = client_as("centre");
	char path[128], body[512], rid[80], rpath[160];
	int year = this_year();
	json_t *doc, *fields;
	struct response r = { 0 };
	long long total_before, total_after;

	(void)state;
	total_before = db_int("SELECT coalesce(sum(hours10), 0) FROM hours_totals WHERE person_id = %s AND year = %d",
			      teacher_ref + 1, year);
	snprintf(path, sizeof path, "/api/v1/persons/%s/hours", teacher_ref);
	snprintf(body, sizeof body, "{\"date\":\"%d-01-05\",\"hours\":\"2.5\",\"category\":\"thematic\","
		 "\"title\":\"区级专题讲座补录\",\"reason\":\"签到表遗漏，凭讲座记录补录\"}", year);
	doc = send_json(c, path, body, 201);
	assert_string_equal(str(doc, "hours"), "2.5");
	assert_string_equal(str(doc, "source"), "manual");
	assert_true(json_is_null(json_object_get(doc, "reverses")));
	snprintf(rid, sizeof rid, "%s", str(doc, "record_id"));
	assert_true(strlen(rid) > 1);
	json_decref(doc);
	total_after = db_int("SELECT coalesce(sum(hours10), 0) FROM hours_totals WHERE person_id = %s AND year = %d",
			     teacher_ref + 1, year);
	assert_int_equal(total_after - total_before, 25);
	assert_true(db_int("SELECT count(*) FROM audit_log WHERE action = 'hours.add' AND object = 'ledger:%s'",
			   rid) == 1);

	/* finer than a tenth, negative, empty; a bad date, category, no reason */
	snprintf(body, sizeof body, "{\"date\":\"%d-13-01\",\"hours\":\"2.55\",\"category\":\"nope\","
		 "\"title\":\"x\"}", year);
	doc = send_json(c, path, body, 422);
	fields = json_object_get(json_object_get(doc, "error"), "fields");
	assert_true(json_array_size(fields) >= 4);
	json_decref(doc);
	doc = send_json(c, path, "{\"date\":\"2026-01-05\",\"hours\":\"-1\",\"category\":\"other\","
			"\"title\":\"x\",\"reason\":\"x\"}", 422);
	json_decref(doc);
	doc = send_json(c, path, "{\"date\":\"2026-01-05\",\"hours\":\"\",\"category\":\"other\","
			"\"title\":\"x\",\"reason\":\"x\"}", 422);
	json_decref(doc);

	/* the reversal, once */
	snprintf(rpath, sizeof rpath, "/api/v1/hours/%s/reversal", rid);
	doc = send_json(c, rpath, "{\"reason\":\"\"}", 422);
	json_decref(doc);
	doc = send_json(c, rpath, "{\"reason\":\"误录：该讲座已由项目结业记录\"}", 201);
	assert_string_equal(str(doc, "hours"), "-2.5");
	assert_string_equal(str(doc, "reverses"), rid);
	json_decref(doc);
	doc = send_json(c, rpath, "{\"reason\":\"again\"}", 409);
	json_decref(doc);
	doc = send_json(c, "/api/v1/hours/no-such-record/reversal", "{\"reason\":\"x\"}", 404);
	json_decref(doc);
	assert_int_equal(db_int("SELECT coalesce(sum(hours10), 0) FROM hours_totals WHERE person_id = %s AND year = %d",
				teacher_ref + 1, year), total_before);
	assert_true(db_int("SELECT count(*) FROM audit_log WHERE action = 'hours.reverse'") >= 1);

	/* the page shows both rows, the reversed one marked */
	snprintf(path, sizeof path, "/persons/%s/hours", teacher_ref);
	http_get(c, path, &r);
	expect_status(r, 200);
	expect_contains(r, rid);
	snprintf(body, sizeof body, "冲销 %s", rid);
	expect_contains(r, body);
	expect_contains(r, "已冲销");
	expect_contains(r, "误录：该讲座已由项目结业记录");
	expect_contains(r, "手工录入学时");

	/* the form: a bad entry is shown again with its errors, a good one 303 */
	{
		char *form = form_encode("csrf", c->csrf, "date", "2026-01-06", "hours", "2.55", "category",
					 "other", "title", "补录", "reason", "测试", (char *)NULL);

		http_post_form(c, path, form, &r);
		free(form);
		expect_status(r, 422);
		expect_contains(r, "field-error");
		form = form_encode("csrf", c->csrf, "date", "2026-01-06", "hours", "1.5", "category",
				   "other", "title", "补录", "reason", "测试", (char *)NULL);
		http_post_form(c, path, form, &r);
		free(form);
		expect_status(r, 303);
		assert_non_null(strstr(response_header(&r, "Location"), "done=added"));
		/* and its reversal from the page: a reason, then 303; once only */
		{
			const char *loc = strstr(response_header(&r, "Location"), "record=");
			char added[80], rev[160];

			assert_non_null(loc);
			snprintf(added, sizeof added, "%.*s", (int)strcspn(loc + 7, "&#"), loc + 7);
			snprintf(rev, sizeof rev, "/hours/%s/reversal", added);
			form = form_encode("csrf", c->csrf, "reason", "", (char *)NULL);
			http_post_form(c, rev, form, &r);
			free(form);
			expect_status(r, 422);
			form = form_encode("csrf", c->csrf, "reason", "录入有误", (char *)NULL);
			http_post_form(c, rev, form, &r);
			expect_status(r, 303);
			assert_non_null(strstr(response_header(&r, "Location"), "done=reversed"));
			http_post_form(c, rev, form, &r);
			free(form);
			expect_status(r, 409);
			expect_contains(r, "不能重复冲销");
		}
	}
	response_free(&r);
	client_free(c);
}

static void export_has_the_columns(void **state)
{
	struct client *c = client_as("centre");
	char path[128];
	struct response r = { 0 };
	const char *ct;

	(void)state;
	snprintf(path, sizeof path, "/persons/%s/hours.csv?year=%d", teacher_ref, this_year());
	http_get(c, path, &r);
	expect_status(r, 200);
	ct = response_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "text/csv"));
	assert_non_null(strstr(r.body, "日期,学时,类别,来源,项目名称,发证单位,记录编号,冲销记录,原因"));
	/* hours as text, exactly; a reversal names what it reverses */
	assert_non_null(strstr(r.body, ",12.5,"));
	assert_non_null(strstr(r.body, ",-12.5,"));
	snprintf(path, sizeof path, "/persons/%s/hours.xlsx?year=%d", teacher_ref, this_year());
	http_get(c, path, &r);
	expect_status(r, 200);
	assert_true(r.len > 100 && !memcmp(r.body, "PK", 2));
	response_free(&r);
	client_free(c);
}

static int setup(void **state)
{
	if (harness_group_setup(state) != 0)
		return -1;
	snprintf(teacher_ref, sizeof teacher_ref, "p%lld",
		 db_int("SELECT person_id FROM accounts WHERE login = 'teacher'"));
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(teacher_reads_her_own_hours),
		cmocka_unit_test(teacher_cannot_read_another),
		cmocka_unit_test(school_admin_reads_her_teacher),
		cmocka_unit_test(scope_of_the_other_roles),
		cmocka_unit_test(centre_adds_and_reverses),
		cmocka_unit_test(export_has_the_columns),
		cmocka_unit_test(harness_test_server_stops),
	};

	return cmocka_run_group_tests_name("hours", tests, setup, harness_group_teardown);
}
