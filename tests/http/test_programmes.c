/* test_programmes.c - training programmes over HTTP (issue 5 §1): the
 * teacher's catalogue (only admitted, published programmes), a centre admin
 * creating through the page and the API, 422 with its fields, 409 naming
 * the clashing programme, status moves, who may not create or change, the
 * JSON shapes and the paging total, on the demo database. */
#include "harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static int setup(void **state)
{
	return harness_group_setup(state);
}

static int teardown(void **state)
{
	return harness_group_teardown(state);
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

static json_t *send_json(struct client *c, const char *method, const char *path, const char *body,
			 long want)
{
	struct response r = { 0 };
	char csrf[200];
	const char *headers[] = { "Content-Type: application/json", csrf, NULL };
	json_error_t e;
	json_t *doc;

	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", c->csrf);
	http_request(c, method, path, headers, body, strlen(body), &r);
	if (r.status != want)
		fail_msg("%s %s %s: %ld, expected %ld; body: %.600s", method, path, body, r.status,
			 want, r.body);
	doc = json_loads(r.body, 0, &e);
	if (!doc)
		fail_msg("%s %s: not JSON: %.200s", method, path, r.body);
	response_free(&r);
	return doc;
}

static bool has_error_field(json_t *doc, const char *field)
{
	json_t *fields = json_object_get(json_object_get(doc, "error"), "fields"), *f;
	size_t i;

	json_array_foreach(fields, i, f)
		if (!strcmp(json_string_value(json_object_get(f, "field")), field))
			return true;
	return false;
}

/* The first column of a query equals want (db_text's copy freed). */
static void expect_db_text(const char *sql, const char *want)
{
	char *got = db_text("%s", sql);

	if (!got || strcmp(got, want))
		fail_msg("%s: %s, expected %s", sql, got ? got : "(no row)", want);
	free(got);
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s)
		fail_msg("no string \"%s\"", key);
	return s;
}

/* ---- the catalogue ---- */

static void teacher_sees_admitted_published_programmes(void **state)
{
	struct client *t = client_as("teacher");
	struct response r = { 0 };
	json_t *doc, *items, *item, *one;
	long long total, paged;
	size_t i;

	(void)state;
	http_get(t, "/programmes", &r);
	expect_status(r, 200);
	expect_contains(r, "天河区中小学教师信息技术应用能力提升工程2.0校本研修");
	expect_lacks(r, "班主任能力提升培训");     /* 越秀's draft */
	expect_lacks(r, "幼儿园园长任职资格培训"); /* for kindergarten directors */
	expect_lacks(r, "href=\"/programmes/new\"");
	response_free(&r);

	/* a programme page, with the enrol form while the window is open */
	http_get(t, "/programmes/440106-2026-01", &r);
	expect_status(r, 200);
	expect_contains(r, "action=\"/programmes/440106-2026-01/enrol\"");
	expect_contains(r, "name=\"csrf\"");
	expect_lacks(r, "/edit\"");
	response_free(&r);
	/* another audience's, and a draft: as if they did not exist */
	http_get(t, "/programmes/gz-yey-2026-01", &r);
	expect_status(r, 404);
	response_free(&r);
	http_get(t, "/programmes/440104-2026-01", &r);
	expect_status(r, 404);
	response_free(&r);
	doc = get_json(t, "/api/v1/programmes/440104-2026-01", 404);
	json_decref(doc);

	/* the API: the same scope, open=1, paging keeps the total */
	doc = get_json(t, "/api/v1/programmes?open=1", 200);
	total = json_integer_value(json_object_get(doc, "total"));
	items = json_object_get(doc, "items");
	assert_true(total >= 1);
	assert_int_equal((long long)json_array_size(items), total);
	json_array_foreach(items, i, item) {
		assert_string_equal(str(item, "status"), "published");
		assert_true(json_is_true(json_object_get(item, "open")));
		assert_true(strcmp(str(item, "code"), "gz-yey-2026-01"));
	}
	json_decref(doc);
	doc = get_json(t, "/api/v1/programmes?open=1&limit=1&offset=0", 200);
	paged = json_integer_value(json_object_get(doc, "total"));
	assert_int_equal(paged, total);
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 1);
	json_decref(doc);
	doc = get_json(t, "/api/v1/programmes?q=%E6%95%B0%E5%AD%A6", 200); /* 数学 */
	json_array_foreach(json_object_get(doc, "items"), i, item)
		assert_non_null(strstr(str(item, "title"), "数学"));
	json_decref(doc);
	doc = get_json(t, "/api/v1/programmes?category=knitting", 400);
	json_decref(doc);
	doc = get_json(t, "/api/v1/programmes?limit=0", 400);
	json_decref(doc);

	/* one programme whole (its audience may leave this teacher out: the
	 * bureau reads every programme) */
	{
		struct client *b = client_as("bureau");

		one = get_json(b, "/api/v1/programmes/440106-2026-02", 200);
		client_free(b);
	}
	assert_string_equal(str(one, "code"), "440106-2026-02");
	assert_string_equal(str(json_object_get(one, "centre"), "code"), "440106");
	assert_string_equal(str(one, "hours"), "24.0");
	assert_true(json_is_integer(json_object_get(one, "capacity")));
	assert_true(json_is_integer(json_object_get(one, "seated")));
	assert_true(json_is_integer(json_object_get(one, "waiting")));
	assert_true(json_is_integer(json_object_get(json_object_get(one, "completion"), "attendance_min")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(one, "audience"), "subjects")), 1);
	assert_int_equal(json_array_size(json_object_get(one, "sessions")), 4);
	item = json_array_get(json_object_get(one, "sessions"), 0);
	assert_string_equal(str(item, "venue"), "多媒体教室（二）"); /* its own room */
	assert_non_null(str(item, "date"));
	assert_null(json_object_get(item, "trainer_id_number")); /* never given out */
	json_decref(one);
	client_free(t);
}

static void roles_see_their_share(void **state)
{
	struct client *bureau = client_as("bureau"), *kg = client_as("kg-centre"),
		      *centre = client_as("centre"), *school = client_as("school");
	long long all = db_int("SELECT count(*) FROM programmes");
	long long published = db_int("SELECT count(*) FROM programmes WHERE status = 'published'");
	long long not_draft_or_own = db_int(
		"SELECT count(*) FROM programmes p JOIN centres c ON c.id = p.centre_id"
		" WHERE c.code = 'gz-yey' OR p.status IN ('published', 'closed', 'completed')");
	json_t *doc;
	struct response r = { 0 };

	(void)state;
	doc = get_json(bureau, "/api/v1/programmes", 200);
	assert_int_equal(json_integer_value(json_object_get(doc, "total")), all);
	json_decref(doc);
	doc = get_json(kg, "/api/v1/programmes", 200);
	assert_int_equal(json_integer_value(json_object_get(doc, "total")), not_draft_or_own);
	json_decref(doc);
	doc = get_json(school, "/api/v1/programmes", 200);
	assert_int_equal(json_integer_value(json_object_get(doc, "total")), published);
	json_decref(doc);
	/* the organiser sees her drafts and can open them */
	http_get(centre, "/programmes?status=draft", &r);
	expect_status(r, 200);
	response_free(&r);
	http_get(kg, "/programmes/440104-2026-01", &r);
	expect_status(r, 404);
	response_free(&r);
	/* a school admin reaches the enrolment list, a bureau reader does not */
	http_get(school, "/programmes/440106-2026-01", &r);
	expect_status(r, 200);
	expect_contains(r, "/programmes/440106-2026-01/enrolments");
	response_free(&r);
	client_free(bureau);
	client_free(kg);
	client_free(centre);
	client_free(school);
}

/* ---- writing through the pages ---- */

static void centre_admin_creates_through_the_page(void **state)
{
	struct client *c = client_as("centre");
	struct response r = { 0 };
	char *form, *day, *starts, *ends, path[128];

	(void)state;
	http_get(c, "/programmes/new", &r);
	expect_status(r, 200);
	expect_contains(r, "name=\"category\"");
	response_free(&r);
	client_refresh_csrf(c, "/programmes/new");

	/* bad values: 422, the form again with the messages */
	form = form_encode("csrf", c->csrf, "code", "p web", "title", "", "category", "thematic",
			   "hours", "2.55", "capacity", "30", "enrol_open", "2026-12-10",
			   "enrol_close", "2026-12-01", (char *)NULL);
	http_post_form(c, "/programmes", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "field-error");
	expect_contains(r, "报名截止日期不能早于开始日期");
	response_free(&r);

	form = form_encode("csrf", c->csrf, "code", "TH-WEB-1", "title", "天河区初中物理实验教学研修",
			   "category", "thematic", "level", "district", "mode", "face_to_face",
			   "hours", "12.5", "capacity", "40", "enrol_open", "2026-01-01",
			   "enrol_close", "2099-12-31", "attendance_min", "90", "pass_mark", "",
			   "tolerance_min", "10", "audience_stage", "junior", "audience_stage", "complete",
			   "audience_subjects", "物理", "status", "draft", (char *)NULL);
	http_post_form(c, "/programmes", form, &r);
	free(form);
	expect_redirect(r, "/programmes/TH-WEB-1?done=created");
	response_free(&r);
	assert_int_equal(db_int("SELECT hours10 FROM programmes WHERE code = 'TH-WEB-1'"), 125);
	assert_int_equal(db_int("SELECT count(*) FROM programme_audience a JOIN programmes p"
				" ON p.id = a.programme_id WHERE p.code = 'TH-WEB-1'"), 3);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'programme.create'"
				" AND object = 'programme:TH-WEB-1'"), 1);

	http_get(c, "/programmes/TH-WEB-1", &r);
	expect_status(r, 200);
	expect_contains(r, "天河区初中物理实验教学研修");
	expect_contains(r, "12.5");
	expect_contains(r, "action=\"/programmes/TH-WEB-1/sessions\"");
	expect_contains(r, "value=\"publish\"");
	response_free(&r);
	client_refresh_csrf(c, "/programmes/TH-WEB-1");

	/* a session in a new room: fine */
	form = form_encode("csrf", c->csrf, "date", "2099-03-01", "starts", "09:00", "ends", "11:00",
			   "venue_name", "物理实验室", "topic", "演示实验", (char *)NULL);
	http_post_form(c, "/programmes/TH-WEB-1/sessions", form, &r);
	free(form);
	expect_redirect(r, "/programmes/TH-WEB-1?done=session_added#sessions");
	response_free(&r);

	/* the demo's first programme's room at its first session's time: 409, named */
	day = db_text("SELECT ps.day FROM programme_sessions ps JOIN programmes p ON p.id = ps.programme_id"
		      " WHERE p.code = '440106-2026-01' ORDER BY ps.day, ps.starts LIMIT 1");
	starts = db_text("SELECT ps.starts FROM programme_sessions ps JOIN programmes p ON p.id = ps.programme_id"
			 " WHERE p.code = '440106-2026-01' ORDER BY ps.day, ps.starts LIMIT 1");
	ends = db_text("SELECT ps.ends FROM programme_sessions ps JOIN programmes p ON p.id = ps.programme_id"
		       " WHERE p.code = '440106-2026-01' ORDER BY ps.day, ps.starts LIMIT 1");
	assert_non_null(day);
	form = form_encode("csrf", c->csrf, "date", day, "starts", starts, "ends", ends,
			   "venue_name", "第一报告厅", (char *)NULL);
	http_post_form(c, "/programmes/TH-WEB-1/sessions", form, &r);
	free(form);
	expect_status(r, 409);
	expect_contains(r, "440106-2026-01");
	expect_contains(r, "场地已被占用");
	response_free(&r);
	free(day);
	free(starts);
	free(ends);

	/* publishing needs the box ticked */
	form = form_encode("csrf", c->csrf, "action", "publish", (char *)NULL);
	http_post_form(c, "/programmes/TH-WEB-1/status", form, &r);
	free(form);
	expect_status(r, 422);
	response_free(&r);
	form = form_encode("csrf", c->csrf, "action", "publish", "confirm", "1", (char *)NULL);
	http_post_form(c, "/programmes/TH-WEB-1/status", form, &r);
	free(form);
	expect_redirect(r, "/programmes/TH-WEB-1?done=status");
	response_free(&r);
	expect_db_text("SELECT status FROM programmes WHERE code = 'TH-WEB-1'", "published");

	/* edit: the title changes, the code does not */
	http_get(c, "/programmes/TH-WEB-1/edit", &r);
	expect_status(r, 200);
	expect_contains(r, "物理");
	response_free(&r);
	form = form_encode("csrf", c->csrf, "title", "天河区初中物理实验教学专题研修", "category",
			   "thematic", "level", "district", "mode", "blended", "hours", "12.5",
			   "capacity", "45", "enrol_open", "2026-01-01", "enrol_close", "2099-12-31",
			   "attendance_min", "90", "tolerance_min", "10", "audience_stage", "junior",
			   (char *)NULL);
	http_post_form(c, "/programmes/TH-WEB-1", form, &r);
	free(form);
	expect_redirect(r, "/programmes/TH-WEB-1?done=saved");
	response_free(&r);
	expect_db_text("SELECT mode FROM programmes WHERE code = 'TH-WEB-1'", "blended");

	/* remove the session */
	snprintf(path, sizeof path, "/programmes/TH-WEB-1/sessions/%lld/delete",
		 db_int("SELECT ps.id FROM programme_sessions ps JOIN programmes p ON p.id ="
			" ps.programme_id WHERE p.code = 'TH-WEB-1'"));
	form = form_encode("csrf", c->csrf, (char *)NULL);
	http_post_form(c, path, form, &r);
	free(form);
	expect_redirect(r, "/programmes/TH-WEB-1?done=session_removed#sessions");
	response_free(&r);
	client_free(c);
}

/* ---- writing through the API ---- */

static void api_create_201_422_409(void **state)
{
	struct client *c = client_as("centre");
	json_t *doc, *err;
	char body[1024], *day, *starts, *ends;

	(void)state;
	doc = send_json(c, "POST", "/api/v1/programmes",
			"{\"code\":\"TH-API-1\",\"title\":\"天河区小学英语绘本教学研修\",\"category\":\"thematic\","
			"\"hours\":2.5,\"capacity\":30,\"enrol_open\":\"2026-01-01\",\"enrol_close\":\"2099-12-31\","
			"\"audience\":{\"stages\":[\"primary\"],\"subjects\":[\"英语\"]},"
			"\"sessions\":[{\"date\":\"2099-05-01\",\"starts\":\"14:00\",\"ends\":\"16:30\","
			"\"venue\":\"英语工作坊\",\"topic\":\"绘本导读\"}]}", 201);
	assert_string_equal(str(doc, "code"), "TH-API-1");
	assert_string_equal(str(doc, "hours"), "2.5");
	assert_string_equal(str(doc, "status"), "published");
	assert_string_equal(str(json_object_get(doc, "centre"), "code"), "440106");
	assert_string_equal(str(doc, "level"), "district");
	assert_true(json_is_null(json_object_get(json_object_get(doc, "completion"), "pass_mark")));
	assert_int_equal(json_array_size(json_object_get(doc, "sessions")), 1);
	json_decref(doc);
	/* hours as a string too; the same code again: 409 */
	doc = send_json(c, "POST", "/api/v1/programmes",
			"{\"code\":\"TH-API-1\",\"title\":\"x\",\"category\":\"thematic\",\"hours\":\"2.5\","
			"\"capacity\":30,\"enrol_open\":\"2026-01-01\",\"enrol_close\":\"2026-02-01\"}", 409);
	json_decref(doc);
	/* bad values: 422 with the fields */
	doc = send_json(c, "POST", "/api/v1/programmes",
			"{\"code\":\"TH-API-2\",\"title\":\"x\",\"category\":\"thematic\",\"hours\":\"2.55\","
			"\"capacity\":-1,\"enrol_open\":\"2026-03-01\",\"enrol_close\":\"2026-02-01\","
			"\"mode\":\"telepathy\",\"colour\":\"red\"}", 422);
	assert_true(has_error_field(doc, "colour"));
	json_decref(doc);
	doc = send_json(c, "POST", "/api/v1/programmes",
			"{\"code\":\"TH-API-2\",\"title\":\"x\",\"category\":\"thematic\",\"hours\":\"2.55\","
			"\"capacity\":-1,\"enrol_open\":\"2026-03-01\",\"enrol_close\":\"2026-02-01\","
			"\"mode\":\"telepathy\"}", 422);
	assert_true(has_error_field(doc, "hours"));
	assert_true(has_error_field(doc, "capacity"));
	assert_true(has_error_field(doc, "enrol_close"));
	assert_true(has_error_field(doc, "mode"));
	json_decref(doc);
	doc = send_json(c, "POST", "/api/v1/programmes", "{\"code\":\"TH-API-2\"}", 422);
	assert_true(has_error_field(doc, "title"));
	assert_true(has_error_field(doc, "enrol_open"));
	json_decref(doc);

	/* a session on top of the demo's first programme's: 409 naming it */
	day = db_text("SELECT ps.day FROM programme_sessions ps JOIN programmes p ON p.id = ps.programme_id"
		      " WHERE p.code = '440106-2026-01' ORDER BY ps.day, ps.starts LIMIT 1");
	starts = db_text("SELECT ps.starts FROM programme_sessions ps JOIN programmes p ON p.id = ps.programme_id"
			 " WHERE p.code = '440106-2026-01' ORDER BY ps.day, ps.starts LIMIT 1");
	ends = db_text("SELECT ps.ends FROM programme_sessions ps JOIN programmes p ON p.id = ps.programme_id"
		       " WHERE p.code = '440106-2026-01' ORDER BY ps.day, ps.starts LIMIT 1");
	snprintf(body, sizeof body,
		 "{\"code\":\"TH-API-3\",\"title\":\"撞车\",\"category\":\"thematic\",\"hours\":3,"
		 "\"capacity\":30,\"enrol_open\":\"2026-01-01\",\"enrol_close\":\"2099-12-31\","
		 "\"sessions\":[{\"date\":\"%s\",\"starts\":\"%s\",\"ends\":\"%s\",\"venue\":\"第一报告厅\"}]}",
		 day, starts, ends);
	doc = send_json(c, "POST", "/api/v1/programmes", body, 409);
	err = json_object_get(doc, "error");
	assert_string_equal(str(err, "code"), "clash");
	assert_string_equal(str(json_object_get(err, "clash"), "code"), "440106-2026-01");
	assert_string_equal(str(json_object_get(err, "clash"), "with"), "venue");
	assert_string_equal(str(json_object_get(err, "clash"), "date"), day);
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM programmes WHERE code = 'TH-API-3'"), 0);
	free(day);
	free(starts);
	free(ends);

	/* PATCH: a field or two; the code never changes */
	doc = send_json(c, "PATCH", "/api/v1/programmes/TH-API-1", "{\"capacity\":35,\"hours\":\"3\"}", 200);
	assert_int_equal(json_integer_value(json_object_get(doc, "capacity")), 35);
	assert_string_equal(str(doc, "hours"), "3.0");
	json_decref(doc);
	doc = send_json(c, "PATCH", "/api/v1/programmes/TH-API-1", "{\"code\":\"OTHER\"}", 422);
	json_decref(doc);
	/* status moves through PATCH as through the page's buttons */
	doc = send_json(c, "PATCH", "/api/v1/programmes/TH-API-1", "{\"status\":\"closed\"}", 200);
	assert_string_equal(str(doc, "status"), "closed");
	json_decref(doc);
	doc = send_json(c, "PATCH", "/api/v1/programmes/TH-API-1", "{\"status\":\"published\"}", 422);
	assert_true(has_error_field(doc, "status"));
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'programme.close'"
				" AND object = 'programme:TH-API-1'"), 1);
	client_free(c);
}

static void others_cannot_create_or_change(void **state)
{
	struct client *t = client_as("teacher"), *kg = client_as("kg-centre"),
		      *admin = client_as("admin"), *bureau = client_as("bureau");
	const char *body = "{\"code\":\"X-1\",\"title\":\"x\",\"category\":\"thematic\",\"hours\":1,"
			   "\"capacity\":1,\"enrol_open\":\"2026-01-01\",\"enrol_close\":\"2026-02-01\"}";
	struct response r = { 0 };
	char *form;
	json_t *doc;

	(void)state;
	json_decref(send_json(t, "POST", "/api/v1/programmes", body, 403));
	json_decref(send_json(bureau, "POST", "/api/v1/programmes", body, 403));
	http_get(t, "/programmes/new", &r);
	expect_status(r, 403);
	response_free(&r);
	client_refresh_csrf(t, "/programmes");
	form = form_encode("csrf", t->csrf, "code", "X-2", (char *)NULL);
	http_post_form(t, "/programmes", form, &r);
	free(form);
	expect_status(r, 403);
	response_free(&r);

	/* another centre's admin: sees the published programme, cannot change it */
	json_decref(send_json(kg, "PATCH", "/api/v1/programmes/440106-2026-01", "{\"title\":\"x\"}", 403));
	http_get(kg, "/programmes/440106-2026-01/edit", &r);
	expect_status(r, 403);
	response_free(&r);
	client_refresh_csrf(kg, "/programmes");
	form = form_encode("csrf", kg->csrf, "action", "cancel", "confirm", "1", (char *)NULL);
	http_post_form(kg, "/programmes/440106-2026-01/status", form, &r);
	free(form);
	expect_status(r, 403);
	response_free(&r);
	expect_db_text("SELECT status FROM programmes WHERE code = '440106-2026-01'", "published");
	/* and a draft of another centre is not there at all */
	json_decref(send_json(kg, "PATCH", "/api/v1/programmes/440104-2026-01", "{\"title\":\"x\"}", 404));

	/* the system admin names the organiser */
	doc = send_json(admin, "POST", "/api/v1/programmes", body, 422);
	assert_true(has_error_field(doc, "centre"));
	json_decref(doc);
	doc = send_json(admin, "POST", "/api/v1/programmes",
			"{\"code\":\"GZ-ADM-1\",\"centre\":\"gz-yx\",\"title\":\"全市教研员研修\","
			"\"category\":\"advanced\",\"hours\":16,\"capacity\":80,\"status\":\"draft\","
			"\"enrol_open\":\"2026-01-01\",\"enrol_close\":\"2026-02-01\"}", 201);
	assert_string_equal(str(doc, "level"), "city");
	assert_string_equal(str(doc, "status"), "draft");
	json_decref(doc);
	client_free(t);
	client_free(kg);
	client_free(admin);
	client_free(bureau);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(teacher_sees_admitted_published_programmes),
		cmocka_unit_test(roles_see_their_share),
		cmocka_unit_test(centre_admin_creates_through_the_page),
		cmocka_unit_test(api_create_201_422_409),
		cmocka_unit_test(others_cannot_create_or_change),
		cmocka_unit_test(harness_test_server_stops),
	};

	return cmocka_run_group_tests_name("programmes", tests, setup, teardown);
}
