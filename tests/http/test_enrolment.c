/* test_enrolment.c - enrolment over HTTP on the demo city: a teacher enrols
 * herself only, a school admin her own teachers only, 409 twice, 422
 * outside the window, 404 for an unknown programme, DELETE seats the first
 * in line, who sees which rows, the forms and pages, and 60 enrolments at
 * once into 10 seats.
 *
 * Programmes are put in with SQL (the programme API is built elsewhere),
 * organised by the 天河 district centre the demo's 'centre' account runs. */
#include "harness.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static char *tok_teacher, *tok_school, *tok_centre, *tok_admin, *tok_bureau;
static long long teacher_id;
static char teacher_number[19], colleague_number[19], other_school_number[19];
static char school_code[11];

/* A new token for login, from the CLI; malloc'd. */
static char *token_for(const char *login)
{
	struct cli_result res;
	char *token;

	if (tdc_cli(&res, NULL, "token", "add", login, "--db", harness_db(), (char *)NULL) != 0)
		fail_msg("tdc token add %s: status %d: %s", login, res.status, res.err);
	res.out[strcspn(res.out, "\r\n")] = '\0';
	token = strdup(res.out);
	cli_result_free(&res);
	return token;
}

static long api(struct client *c, const char *token, const char *method, const char *path,
		const char *body, struct response *r)
{
	char auth[128];
	const char *h[] = { auth, "Content-Type: application/json", NULL };

	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	return http_request(c, method, path, h, body, body ? strlen(body) : 0, r);
}

static json_t *json_of(const struct response *r)
{
	json_error_t e;
	json_t *doc = json_loads(r->body, 0, &e);

	if (!doc)
		fail_msg("not JSON (%s): %.300s", e.text, r->body);
	return doc;
}

/* A published programme of the 天河 centre; window_from/to are SQLite
 * date modifiers around today ("-1 day", "+30 days"). */
static void make_programme(const char *code, int capacity, const char *from, const char *to,
			   const char *status)
{
	if (db_exec("INSERT INTO programmes (code, title, centre_id, category, hours10, capacity,"
		    " enrol_open, enrol_close, status, created_at, created_by)"
		    " SELECT %Q, %Q, id, 'thematic', 240, %d, date('now', %Q), date('now', %Q), %Q,"
		    " '2026-01-01T00:00:00Z', 'test' FROM centres WHERE code = '440106'",
		    code, code, capacity, from, to, status) != 0)
		fail_msg("cannot insert programme %s", code);
}

static void open_programme(const char *code, int capacity)
{
	make_programme(code, capacity, "-1 day", "+30 days", "published");
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void expect_enrolled(const struct response *r, const char *status, int position)
{
	json_t *doc;

	expect_status(*r, 201);
	doc = json_of(r);
	if (!str(doc, "status") || strcmp(str(doc, "status"), status) ||
	    json_integer_value(json_object_get(doc, "position")) != position)
		fail_msg("expected %s %d, got %s", status, position, r->body);
	json_decref(doc);
}

static char *id_body(const char *number)
{
	char *b = malloc(64);

	snprintf(b, 64, "{\"id_number\": \"%s\"}", number);
	return b;
}

/* ---- tests ---- */

static void teacher_enrols_herself_once(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	char *body = id_body(colleague_number);

	(void)state;
	open_programme("e-self", 5);
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-self/enrolments", NULL, &r);
	expect_enrolled(&r, "seated", 1);
	/* twice: 409, with an empty object too */
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-self/enrolments", "{}", &r);
	expect_status(r, 409);
	/* someone else: 403, and nothing written */
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-self/enrolments", body, &r);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT count(*) FROM enrolments e JOIN programmes g ON g.id ="
				" e.programme_id WHERE g.code = 'e-self'"), 1);
	/* her own number in the body is herself */
	free(body);
	body = id_body(teacher_number);
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-self/enrolments", body, &r);
	expect_status(r, 409);
	/* unknown programme; a bad body */
	api(c, tok_teacher, "POST", "/api/v1/programmes/no-such/enrolments", NULL, &r);
	expect_status(r, 404);
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-self/enrolments", "[1", &r);
	expect_status(r, 400);
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-self/enrolments", "{\"id_number\": 5}", &r);
	expect_status(r, 400);
	/* the bureau reads, never enrols */
	api(c, tok_bureau, "POST", "/api/v1/programmes/e-self/enrolments", NULL, &r);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'enrolment.enrol'"
				" AND object LIKE 'programme:e-self/%%'"), 1);
	free(body);
	response_free(&r);
	client_free(c);
}

static void school_admin_nominates_her_teachers_only(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	char *own = id_body(colleague_number), *other = id_body(other_school_number);

	(void)state;
	open_programme("e-school", 5);
	api(c, tok_school, "POST", "/api/v1/programmes/e-school/enrolments", other, &r);
	expect_status(r, 403);
	api(c, tok_school, "POST", "/api/v1/programmes/e-school/enrolments", own, &r);
	expect_enrolled(&r, "seated", 1);
	assert_int_equal(db_int("SELECT count(*) FROM enrolments e JOIN programmes g ON g.id ="
				" e.programme_id WHERE g.code = 'e-school' AND e.via = 'school'"), 1);
	/* a number nobody has: the same 403 as one outside her school */
	api(c, tok_school, "POST", "/api/v1/programmes/e-school/enrolments",
	    "{\"id_number\": \"11010519491231002X\"}", &r);
	expect_status(r, 403);
	/* the centre assigns the other school's teacher (same district) */
	api(c, tok_centre, "POST", "/api/v1/programmes/e-school/enrolments", other, &r);
	expect_enrolled(&r, "seated", 2);
	/* an admin without a person of her own must name someone */
	api(c, tok_centre, "POST", "/api/v1/programmes/e-school/enrolments", NULL, &r);
	expect_status(r, 422);
	free(own);
	free(other);
	response_free(&r);
	client_free(c);
}

static void outside_the_window_is_422(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	char *body = id_body(teacher_number);

	(void)state;
	make_programme("e-later", 5, "+10 days", "+20 days", "published");
	make_programme("e-past", 5, "-20 days", "-10 days", "published");
	make_programme("e-draft", 5, "-1 day", "+10 days", "draft");
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-later/enrolments", NULL, &r);
	expect_status(r, 422);
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-past/enrolments", NULL, &r);
	expect_status(r, 422);
	/* a draft is not there for a teacher */
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-draft/enrolments", NULL, &r);
	expect_status(r, 404);
	/* the organising centre may still add someone after the window */
	api(c, tok_centre, "POST", "/api/v1/programmes/e-past/enrolments", body, &r);
	expect_enrolled(&r, "seated", 1);
	/* the audience: only kindergartens, and she teaches elsewhere */
	open_programme("e-kg", 5);
	db_exec("INSERT INTO programme_audience SELECT id, 'stage', 'kindergarten' FROM programmes"
		" WHERE code = 'e-kg'");
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-kg/enrolments", NULL, &r);
	expect_status(r, 403);
	free(body);
	response_free(&r);
	client_free(c);
}

static void delete_seats_the_first_in_line(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	char *a = id_body(colleague_number), *b = id_body(other_school_number), path[256];
	json_t *doc, *seated, *waiting;

	(void)state;
	open_programme("e-one", 1);
	api(c, tok_centre, "POST", "/api/v1/programmes/e-one/enrolments", a, &r);
	expect_enrolled(&r, "seated", 1);
	api(c, tok_centre, "POST", "/api/v1/programmes/e-one/enrolments", b, &r);
	expect_enrolled(&r, "waiting", 1);
	api(c, tok_teacher, "POST", "/api/v1/programmes/e-one/enrolments", NULL, &r);
	expect_enrolled(&r, "waiting", 2);

	/* a teacher withdraws only herself */
	snprintf(path, sizeof path, "/api/v1/programmes/e-one/enrolments/%s", colleague_number);
	api(c, tok_teacher, "DELETE", path, NULL, &r);
	expect_status(r, 403);
	/* the organiser withdraws the seated one: the first in line moves up */
	api(c, tok_centre, "DELETE", path, NULL, &r);
	expect_status(r, 200);
	doc = json_of(&r);
	assert_string_equal(str(doc, "status"), "withdrawn");
	if (!str(doc, "promoted") || strncmp(str(doc, "promoted"), other_school_number, 4) ||
	    !strstr(str(doc, "promoted"), "****"))
		fail_msg("promoted should be the masked number of %s: %s", other_school_number, r.body);
	json_decref(doc);
	/* twice: not enrolled */
	api(c, tok_centre, "DELETE", path, NULL, &r);
	expect_status(r, 404);

	/* the organiser's list: the promoted seated, the teacher first in line */
	api(c, tok_centre, "GET", "/api/v1/programmes/e-one/enrolments", NULL, &r);
	expect_status(r, 200);
	doc = json_of(&r);
	seated = json_object_get(doc, "seated");
	waiting = json_object_get(doc, "waiting");
	assert_int_equal(json_array_size(seated), 1);
	assert_int_equal(json_array_size(waiting), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(seated, 0), "position")), 1);
	assert_true(json_is_true(json_object_get(json_array_get(seated, 0), "promoted")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(waiting, 0), "position")), 1);
	expect_lacks(r, other_school_number); /* masked */
	json_decref(doc);
	assert_int_equal(db_int("SELECT promoted FROM enrolments e JOIN persons p ON p.id = e.person_id"
				" JOIN programmes g ON g.id = e.programme_id WHERE g.code = 'e-one'"
				" AND p.id_number = %Q AND e.status = 'seated'", other_school_number), 1);

	/* the teacher sees her own row only, with her number whole and her
	 * true place in line */
	api(c, tok_teacher, "GET", "/api/v1/programmes/e-one/enrolments", NULL, &r);
	expect_status(r, 200);
	doc = json_of(&r);
	assert_int_equal(json_array_size(json_object_get(doc, "seated")), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "waiting")), 1);
	expect_contains(r, teacher_number);
	json_decref(doc);
	/* the teacher withdraws herself by "me" */
	api(c, tok_teacher, "DELETE", "/api/v1/programmes/e-one/enrolments/me", NULL, &r);
	expect_status(r, 200);
	expect_contains(r, "\"promoted\":null");
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'enrolment.withdraw'"
				" AND object LIKE 'programme:e-one/%%'"), 2);
	free(a);
	free(b);
	response_free(&r);
	client_free(c);
}

static void forms_and_pages(void **state)
{
	struct client *t = client_as("teacher"), *ca = client_as("centre"), *s = client_as("school");
	struct response r = { 0 };
	char *form;

	(void)state;
	open_programme("e-page", 1);
	db_exec("UPDATE programmes SET title = '课堂观察专题研修' WHERE code = 'e-page'");
	/* the centre takes the one seat for the colleague: the teacher waits */
	client_refresh_csrf(ca, "/programmes/mine");
	form = form_encode("csrf", ca->csrf, "id_number", colleague_number, (char *)NULL);
	http_post_form(ca, "/programmes/e-page/enrol", form, &r);
	expect_redirect(r, "/programmes/e-page/enrolments?done=seated&position=1");
	free(form);

	client_refresh_csrf(t, "/programmes/mine");
	form = form_encode("csrf", t->csrf, (char *)NULL);
	http_post_form(t, "/programmes/e-page/enrol", form, &r);
	expect_redirect(r, "/programmes/e-page?enrolment=waiting&position=1");
	http_post_form(t, "/programmes/e-page/enrol", form, &r);
	expect_status(r, 409);
	free(form);
	/* without the CSRF token: refused */
	http_post_form(t, "/programmes/e-page/enrol", "x=1", &r);
	expect_status(r, 403);

	http_get(t, "/programmes/mine", &r);
	expect_status(r, 200);
	expect_contains(r, "课堂观察专题研修");
	expect_contains(r, "候补");

	/* the list page: the organiser sees both and the quota form */
	http_get(ca, "/programmes/e-page/enrolments", &r);
	expect_status(r, 200);
	expect_contains(r, "action=\"/programmes/e-page/quotas\"");
	expect_contains(r, "正式学员");
	expect_lacks(r, colleague_number);
	/* the school admin sees her teachers, no quota form */
	http_get(s, "/programmes/e-page/enrolments", &r);
	expect_status(r, 200);
	expect_lacks(r, "/quotas\"");

	/* the organiser withdraws the colleague: the teacher moves up and
	 * her home page says so */
	client_refresh_csrf(ca, "/programmes/e-page/enrolments");
	{
		char *ref = db_text("SELECT 'p' || id FROM persons WHERE id_number = %Q", colleague_number);

		form = form_encode("csrf", ca->csrf, "id_number", ref, "back", "list", (char *)NULL);
		free(ref);
	}
	http_post_form(ca, "/programmes/e-page/withdraw", form, &r);
	expect_redirect(r, "/programmes/e-page/enrolments?done=withdrawn&promoted=1");
	free(form);
	http_get(t, "/", &r);
	expect_status(r, 200);
	expect_contains(r, "您已从候补转为正式学员：课堂观察专题研修");
	/* and she withdraws from 我的培训 */
	client_refresh_csrf(t, "/programmes/mine");
	{
		char ref[32];

		snprintf(ref, sizeof ref, "p%lld", teacher_id);
		form = form_encode("csrf", t->csrf, "id_number", ref, "back", "mine", (char *)NULL);
	}
	http_post_form(t, "/programmes/e-page/withdraw", form, &r);
	expect_redirect(r, "/programmes/mine?done=withdrawn");
	free(form);
	http_get(t, "/programmes/mine", &r);
	expect_lacks(r, "课堂观察专题研修");

	/* quotas: the organiser keeps places for the school, then releases */
	open_programme("e-quota", 4);
	client_refresh_csrf(ca, "/programmes/e-quota/enrolments");
	form = form_encode("csrf", ca->csrf, "new_school", school_code, "new_places", "9", (char *)NULL);
	http_post_form(ca, "/programmes/e-quota/quotas", form, &r);
	expect_status(r, 422); /* more places than the capacity */
	free(form);
	form = form_encode("csrf", ca->csrf, "new_school", school_code, "new_places", "2", (char *)NULL);
	http_post_form(ca, "/programmes/e-quota/quotas", form, &r);
	expect_redirect(r, "/programmes/e-quota/enrolments?done=quotas");
	free(form);
	assert_int_equal(db_int("SELECT places FROM programme_quotas q JOIN programmes g ON g.id ="
				" q.programme_id WHERE g.code = 'e-quota'"), 2);
	client_refresh_csrf(s, "/programmes/e-quota/enrolments");
	form = form_encode("csrf", s->csrf, "id_number", colleague_number, (char *)NULL);
	http_post_form(s, "/programmes/e-quota/enrol", form, &r);
	expect_status(r, 303);
	free(form);
	assert_int_equal(db_int("SELECT count(*) FROM enrolments e JOIN programmes g ON g.id ="
				" e.programme_id WHERE g.code = 'e-quota' AND e.quota_school_id IS NOT NULL"), 1);
	/* the school admin may not set quotas */
	form = form_encode("csrf", s->csrf, "new_school", school_code, "new_places", "1", (char *)NULL);
	http_post_form(s, "/programmes/e-quota/quotas", form, &r);
	expect_status(r, 403);
	free(form);
	form = form_encode("csrf", ca->csrf, (char *)NULL);
	http_post_form(ca, "/programmes/e-quota/quotas/release", form, &r);
	expect_redirect(r, "/programmes/e-quota/enrolments?done=released&moved=0");
	http_post_form(ca, "/programmes/e-quota/quotas/release", form, &r);
	expect_status(r, 409);
	free(form);
	assert_int_equal(db_int("SELECT quota_released FROM programmes WHERE code = 'e-quota'"), 1);
	response_free(&r);
	client_free(t);
	client_free(ca);
	client_free(s);
}

/* ---- 60 at once into 10 seats ---- */

enum { RUSH = 60, RUSH_SEATS = 10 };

struct rush_arg {
	char number[19];
	long status;
	char state[16];
	int position;
};

static void *rush_one(void *p)
{
	struct rush_arg *a = p;
	struct client *c = client_new();
	struct response r = { 0 };
	char body[64];

	snprintf(body, sizeof body, "{\"id_number\": \"%s\"}", a->number);
	a->status = api(c, tok_admin, "POST", "/api/v1/programmes/e-rush/enrolments", body, &r);
	if (a->status == 201) {
		json_error_t e;
		json_t *doc = json_loads(r.body, 0, &e);

		if (doc) {
			snprintf(a->state, sizeof a->state, "%s",
				 json_string_value(json_object_get(doc, "status")) ?
				 json_string_value(json_object_get(doc, "status")) : "");
			a->position = (int)json_integer_value(json_object_get(doc, "position"));
			json_decref(doc);
		}
	}
	response_free(&r);
	client_free(c);
	return NULL;
}

static void sixty_at_once_into_ten_seats(void **state)
{
	struct rush_arg args[RUSH];
	pthread_t th[RUSH];
	int seen_seated[RUSH_SEATS + 1] = { 0 }, seen_waiting[RUSH + 1] = { 0 }, seated = 0;
	struct client *c = client_new();
	struct response r = { 0 };
	json_t *doc, *list;

	(void)state;
	open_programme("e-rush", RUSH_SEATS);
	for (int i = 0; i < RUSH; i++) {
		char *n = db_text("SELECT id_number FROM persons WHERE status = 'serving' AND role = 'teacher'"
				  " ORDER BY id LIMIT 1 OFFSET %d", 100 + i);

		assert_non_null(n);
		memset(&args[i], 0, sizeof args[i]);
		snprintf(args[i].number, sizeof args[i].number, "%s", n);
		free(n);
	}
	for (int i = 0; i < RUSH; i++)
		assert_int_equal(pthread_create(&th[i], NULL, rush_one, &args[i]), 0);
	for (int i = 0; i < RUSH; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < RUSH; i++) {
		if (args[i].status != 201)
			fail_msg("enrolment %d answered %ld", i, args[i].status);
		if (!strcmp(args[i].state, "seated")) {
			seated++;
			assert_true(args[i].position >= 1 && args[i].position <= RUSH_SEATS);
			seen_seated[args[i].position]++;
		} else {
			assert_string_equal(args[i].state, "waiting");
			assert_true(args[i].position >= 1 && args[i].position <= RUSH - RUSH_SEATS);
			seen_waiting[args[i].position]++;
		}
	}
	assert_int_equal(seated, RUSH_SEATS);
	/* every position handed out once: no gaps, no doubles */
	for (int p = 1; p <= RUSH_SEATS; p++)
		assert_int_equal(seen_seated[p], 1);
	for (int p = 1; p <= RUSH - RUSH_SEATS; p++)
		assert_int_equal(seen_waiting[p], 1);
	assert_int_equal(db_int("SELECT count(*) FROM enrolments e JOIN programmes g ON g.id ="
				" e.programme_id WHERE g.code = 'e-rush' AND e.status = 'seated'"), RUSH_SEATS);
	/* the list agrees: in arrival order, positions 1..N */
	api(c, tok_admin, "GET", "/api/v1/programmes/e-rush/enrolments", NULL, &r);
	expect_status(r, 200);
	doc = json_of(&r);
	list = json_object_get(doc, "waiting");
	assert_int_equal(json_array_size(list), RUSH - RUSH_SEATS);
	for (size_t i = 0; i < json_array_size(list); i++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(list, i), "position")),
				 (json_int_t)i + 1);
	assert_int_equal(json_array_size(json_object_get(doc, "seated")), RUSH_SEATS);
	json_decref(doc);
	response_free(&r);
	client_free(c);
	harness_check_server_log();
}

static int setup(void **state)
{
	char *v;

	if (harness_group_setup(state) != 0)
		return -1;
	tok_teacher = token_for("teacher");
	tok_school = token_for("school");
	tok_centre = token_for("centre");
	tok_admin = token_for("admin");
	tok_bureau = token_for("bureau");
	teacher_id = db_int("SELECT person_id FROM accounts WHERE login = 'teacher'");
	v = db_text("SELECT id_number FROM persons WHERE id = %lld", teacher_id);
	snprintf(teacher_number, sizeof teacher_number, "%s", v ? v : "");
	free(v);
	v = db_text("SELECT scope FROM accounts WHERE login = 'school'");
	snprintf(school_code, sizeof school_code, "%s", v ? v : "");
	free(v);
	/* a serving colleague at her school, and a teacher of another 天河 school */
	v = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
		    " WHERE s.code = %Q AND p.id <> %lld AND p.status = 'serving' AND p.role = 'teacher'"
		    " ORDER BY p.id LIMIT 1", school_code, teacher_id);
	snprintf(colleague_number, sizeof colleague_number, "%s", v ? v : "");
	free(v);
	v = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
		    " WHERE s.district_code = '440106' AND s.code <> %Q AND s.stage = 'primary'"
		    " AND p.status = 'serving' AND p.role = 'teacher' ORDER BY p.id LIMIT 1", school_code);
	snprintf(other_school_number, sizeof other_school_number, "%s", v ? v : "");
	free(v);
	if (strlen(teacher_number) != 18 || strlen(colleague_number) != 18 ||
	    strlen(other_school_number) != 18) {
		fprintf(stderr, "# the demo lacks the teachers this test needs\n");
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	free(tok_teacher);
	free(tok_school);
	free(tok_centre);
	free(tok_admin);
	free(tok_bureau);
	return harness_group_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(teacher_enrols_herself_once),
		cmocka_unit_test(school_admin_nominates_her_teachers_only),
		cmocka_unit_test(outside_the_window_is_422),
		cmocka_unit_test(delete_seats_the_first_in_line),
		cmocka_unit_test(forms_and_pages),
		cmocka_unit_test(sixty_at_once_into_ten_seats),
		cmocka_unit_test(harness_test_server_stops),
	};

	return cmocka_run_group_tests_name("enrolment", tests, setup, teardown);
}
