/* test_registry_api.c - /api/v1/schools and /api/v1/persons under every
 * demo role: scope (totals against the database), masking and audited
 * reveals, filters and paging, 400/403/404/409/422, creating and patching
 * with their history and audit rows, transfers, and CSRF. */
#include "harness.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- helpers ---------------------------------------------------------- */

static char *school_code;   /* the demo school admin's school */
static char *teacher_id;    /* the demo teacher's ID number */
static long long teacher_pid;

static int setup(void **state)
{
	if (harness_group_setup(state) != 0)
		return -1;
	school_code = db_text("SELECT scope FROM accounts WHERE login = 'school'");
	teacher_pid = db_int("SELECT person_id FROM accounts WHERE login = 'teacher'");
	teacher_id = db_text("SELECT id_number FROM persons WHERE id = %lld", teacher_pid);
	return school_code && teacher_id ? 0 : -1;
}

static int teardown(void **state)
{
	free(school_code);
	free(teacher_id);
	return harness_group_teardown(state);
}

/* GET path, expect the status, and return the parsed body (NULL unless 2xx). */
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

/* A JSON request with the session's CSRF token; returns the parsed answer. */
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

static long long total_of(json_t *doc)
{
	json_t *t = json_object_get(doc, "total");

	if (!json_is_integer(t))
		fail_msg("no total in the answer");
	return json_integer_value(t);
}

static const char *str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *error_code(json_t *doc)
{
	return str(json_object_get(doc, "error"), "code");
}

/* Does a 422 list this field? */
static bool lists_field(json_t *doc, const char *field)
{
	json_t *fields = json_object_get(json_object_get(doc, "error"), "fields"), *f;
	size_t i;

	json_array_foreach(fields, i, f)
		if (str(f, "field") && !strcmp(str(f, "field"), field) && str(f, "message") &&
		    *str(f, "message"))
			return true;
	return false;
}

/* "4401**********123X" for a whole number */
static bool is_masked_of(const char *shown, const char *whole)
{
	return shown && strlen(shown) == 18 && !strncmp(shown, whole, 4) &&
	       !strcmp(shown + 14, whole + 14) && !strncmp(shown + 4, "**********", 10);
}

/* A valid GB 11643 number from 17 digits. */
static void make_id(const char *digits17, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (digits17[i] - '0') * w[i];
	memcpy(out, digits17, 17);
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

#define PERSONS_SQL \
	"SELECT count(*) FROM persons p LEFT JOIN schools s ON s.id = p.school_id" \
	" LEFT JOIN centres c ON c.id = p.centre_id WHERE "

/* ---- scope ------------------------------------------------------------ */

static void lists_follow_each_roles_scope(void **state)
{
	static const struct { const char *login; long status; } cases[] = {
		{ "admin", 200 }, { "bureau", 200 }, { "centre", 200 }, { "kg-centre", 200 },
		{ "school", 200 }, { "teacher", 200 }, { "alliance", 403 }, { "evaluator", 403 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct client *c = client_as(cases[i].login);
		json_t *persons = get_json(c, "/api/v1/persons", cases[i].status);
		json_t *schools = get_json(c, "/api/v1/schools", cases[i].status);
		long long want_p = -1, want_s = -1;
		const char *l = cases[i].login;

		if (cases[i].status == 403) {
			assert_string_equal(error_code(persons), "forbidden");
			assert_string_equal(error_code(schools), "forbidden");
		} else if (!strcmp(l, "admin") || !strcmp(l, "bureau")) {
			want_p = db_int("SELECT count(*) FROM persons");
			want_s = db_int("SELECT count(*) FROM schools");
		} else if (!strcmp(l, "centre")) {
			want_p = db_int(PERSONS_SQL "s.district_code = '440106'"
					" OR (p.school_id IS NULL AND c.code = '440106')");
			want_s = db_int("SELECT count(*) FROM schools WHERE district_code = '440106'");
		} else if (!strcmp(l, "kg-centre")) {
			want_p = db_int(PERSONS_SQL "s.stage = 'kindergarten'"
					" OR (p.school_id IS NULL AND c.code = 'gz-yey')");
			want_s = db_int("SELECT count(*) FROM schools WHERE stage = 'kindergarten'");
		} else if (!strcmp(l, "school")) {
			want_p = db_int(PERSONS_SQL "s.code = %Q", school_code);
			want_s = 1;
		} else if (!strcmp(l, "teacher")) {
			want_p = 1;
			want_s = 0;
		}
		if (want_p >= 0) {
			if (total_of(persons) != want_p)
				fail_msg("%s: persons total %lld, the database says %lld", l,
					 total_of(persons), want_p);
			if (total_of(schools) != want_s)
				fail_msg("%s: schools total %lld, the database says %lld", l,
					 total_of(schools), want_s);
			assert_true(want_p > 0 || !strcmp(l, "teacher"));
		}
		json_decref(persons);
		json_decref(schools);
		client_free(c);
	}
}

static void kindergarten_centre_sees_only_kindergartens(void **state)
{
	struct client *c = client_as("kg-centre");
	json_t *doc = get_json(c, "/api/v1/schools?limit=1000", 200), *it;
	size_t i;
	char *primary;

	(void)state;
	assert_true(json_array_size(json_object_get(doc, "items")) > 0);
	json_array_foreach(json_object_get(doc, "items"), i, it)
		assert_string_equal(str(it, "stage"), "kindergarten");
	json_decref(doc);
	doc = get_json(c, "/api/v1/persons?limit=1000", 200);
	json_array_foreach(json_object_get(doc, "items"), i, it) {
		const char *sc = str(it, "school_code");

		if (sc)
			assert_int_equal(db_int("SELECT count(*) FROM schools WHERE code = %Q"
						" AND stage = 'kindergarten'", sc), 1);
		else
			assert_string_equal(str(it, "centre_code"), "gz-yey");
	}
	json_decref(doc);

	/* a primary school: it exists, so 403, not 404 */
	primary = db_text("SELECT code FROM schools WHERE stage = 'primary' LIMIT 1");
	{
		char path[64];

		snprintf(path, sizeof path, "/api/v1/schools/%s", primary);
		doc = get_json(c, path, 403);
		assert_string_equal(error_code(doc), "forbidden");
		json_decref(doc);
	}
	free(primary);
	client_free(c);
}

static void the_teacher_sees_herself_whole(void **state)
{
	struct client *c = client_as("teacher");
	long long audits = db_int("SELECT count(*) FROM audit_log WHERE action = 'person.reveal'");
	json_t *doc = get_json(c, "/api/v1/persons", 200), *me;
	char path[96], *other;

	(void)state;
	me = json_array_get(json_object_get(doc, "items"), 0);
	assert_string_equal(str(me, "id_number"), teacher_id);
	json_decref(doc);

	/* by number, by reference and as "me": whole, and never audited */
	snprintf(path, sizeof path, "/api/v1/persons/%s", teacher_id);
	doc = get_json(c, path, 200);
	assert_string_equal(str(doc, "id_number"), teacher_id);
	{
		char *phone = db_text("SELECT phone FROM persons WHERE id = %lld", teacher_pid);

		if (phone)
			assert_string_equal(str(doc, "phone"), phone);
		free(phone);
	}
	json_decref(doc);
	snprintf(path, sizeof path, "/api/v1/persons/p%lld?reveal=1", teacher_pid);
	doc = get_json(c, path, 200);
	assert_string_equal(str(doc, "id_number"), teacher_id);
	json_decref(doc);
	doc = get_json(c, "/api/v1/persons/me", 200);
	assert_string_equal(str(doc, "id_number"), teacher_id);
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'person.reveal'"),
			 audits);

	/* anyone else is not found: existence is not hers to learn */
	other = db_text("SELECT id_number FROM persons WHERE id <> %lld ORDER BY id LIMIT 1",
			teacher_pid);
	snprintf(path, sizeof path, "/api/v1/persons/%s", other);
	doc = get_json(c, path, 404);
	assert_string_equal(error_code(doc), "not_found");
	json_decref(doc);
	snprintf(path, sizeof path, "/api/v1/persons/%s/history", other);
	json_decref(get_json(c, path, 404));
	/* and she changes nothing, not even herself */
	snprintf(path, sizeof path, "/api/v1/persons/%s", teacher_id);
	doc = send_json(c, "PATCH", path, "{\"title\":\"senior\"}", 403);
	json_decref(doc);
	free(other);
	client_free(c);
}

/* ---- reading one, masking, reveal ------------------------------------- */

static void records_are_masked_and_reveals_audited(void **state)
{
	struct client *school = client_as("school"), *bureau = client_as("bureau");
	char *id = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
			   " WHERE s.code = %Q AND p.id <> %lld AND p.phone IS NOT NULL ORDER BY p.id"
			   " LIMIT 1", school_code, teacher_pid);
	char *phone = db_text("SELECT phone FROM persons WHERE id_number = %Q", id);
	char *masked_object, path[96];
	long long before;
	json_t *doc;

	(void)state;
	assert_non_null(id);
	masked_object = malloc(64);
	snprintf(masked_object, 64, "person:%.4s**********%s", id, id + 14);

	/* the school admin: masked number, whole phone */
	snprintf(path, sizeof path, "/api/v1/persons/%s", id);
	doc = get_json(school, path, 200);
	if (!is_masked_of(str(doc, "id_number"), id))
		fail_msg("school admin sees id_number %s", str(doc, "id_number"));
	assert_string_equal(str(doc, "phone"), phone);
	assert_string_equal(str(doc, "school_code"), school_code);
	assert_int_equal(str(doc, "ref")[0], 'p');
	json_decref(doc);

	/* reveal: whole, and one audit row naming the masked number */
	before = db_int("SELECT count(*) FROM audit_log WHERE action = 'person.reveal' AND object = %Q",
			masked_object);
	snprintf(path, sizeof path, "/api/v1/persons/%s?reveal=1", id);
	doc = get_json(school, path, 200);
	assert_string_equal(str(doc, "id_number"), id);
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'person.reveal'"
				" AND object = %Q AND actor = 'school'", masked_object), before + 1);

	/* the bureau reads it all, masked, phone too, and cannot reveal */
	doc = get_json(bureau, path, 200);
	if (!is_masked_of(str(doc, "id_number"), id))
		fail_msg("bureau sees id_number %s with reveal=1", str(doc, "id_number"));
	assert_non_null(strstr(str(doc, "phone"), "****"));
	assert_int_equal(strncmp(str(doc, "phone"), phone, 3), 0);
	assert_string_equal(str(doc, "phone") + strlen(str(doc, "phone")) - 4, phone + strlen(phone) - 4);
	assert_non_null(strstr(str(doc, "birth_date"), "-**-**"));
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'person.reveal'"
				" AND object = %Q", masked_object), before + 1);

	/* lists never carry a whole number */
	doc = get_json(school, "/api/v1/persons?limit=1000", 200);
	{
		char *dump = json_dumps(doc, 0);

		assert_null(strstr(dump, id));
		free(dump);
	}
	json_decref(doc);

	/* unknown: 404 */
	json_decref(get_json(school, "/api/v1/persons/110101190001010000", 404));
	json_decref(get_json(school, "/api/v1/persons/p99999999", 404));
	json_decref(get_json(school, "/api/v1/schools/9999999999", 404));
	free(masked_object);
	free(phone);
	free(id);
	client_free(school);
	client_free(bureau);
}

static void out_of_scope_persons_are_404_schools_403(void **state)
{
	struct client *school = client_as("school"), *centre = client_as("centre");
	char *far_id = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
			       " WHERE s.district_code <> '440106' LIMIT 1");
	char *far_school = db_text("SELECT code FROM schools WHERE district_code <> '440106' LIMIT 1");
	char path[96];
	json_t *doc;

	(void)state;
	snprintf(path, sizeof path, "/api/v1/persons/%s", far_id);
	json_decref(get_json(school, path, 404));
	json_decref(get_json(centre, path, 404));
	snprintf(path, sizeof path, "/api/v1/schools/%s", far_school);
	doc = get_json(centre, path, 403);
	assert_string_equal(error_code(doc), "forbidden");
	json_decref(doc);
	snprintf(path, sizeof path, "/api/v1/schools/%s", school_code);
	doc = get_json(school, path, 200);
	assert_string_equal(str(doc, "school_code"), school_code);
	assert_int_equal(json_integer_value(json_object_get(doc, "persons")),
			 db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				" WHERE s.code = %Q AND p.status = 'serving'", school_code));
	json_decref(doc);
	free(far_id);
	free(far_school);
	client_free(school);
	client_free(centre);
}

/* ---- filters and paging ----------------------------------------------- */

static void filters_and_paging(void **state)
{
	struct client *admin = client_as("admin");
	char path[160], *name, *prefix;
	json_t *doc, *it;
	size_t i;

	(void)state;
	doc = get_json(admin, "/api/v1/persons?title=senior&status=serving", 200);
	assert_int_equal(total_of(doc), db_int("SELECT count(*) FROM persons WHERE title = 'senior'"
					       " AND status = 'serving'"));
	json_array_foreach(json_object_get(doc, "items"), i, it)
		assert_string_equal(str(it, "title"), "senior");
	json_decref(doc);

	snprintf(path, sizeof path, "/api/v1/persons?school=%s&key_level=none", school_code);
	doc = get_json(admin, path, 200);
	assert_int_equal(total_of(doc), db_int(PERSONS_SQL "s.code = %Q AND p.key_level = 'none'",
					       school_code));
	json_decref(doc);

	/* q also finds the persons of the schools whose name holds it */
	{
		char *sname = db_text("SELECT name FROM schools WHERE code = %Q", school_code);
		char *esc = url_escape(sname);

		snprintf(path, sizeof path, "/api/v1/persons?q=%s", esc);
		doc = get_json(admin, path, 200);
		assert_int_equal(total_of(doc),
				 db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id ="
					" p.school_id WHERE instr(s.name, %Q) > 0 OR instr(p.name, %Q) > 0",
					sname, sname));
		assert_true(total_of(doc) >= db_int(PERSONS_SQL "s.code = %Q", school_code));
		json_decref(doc);
		free(esc);
		free(sname);
	}

	doc = get_json(admin, "/api/v1/schools?district=440106&stage=primary&ownership=public", 200);
	assert_int_equal(total_of(doc), db_int("SELECT count(*) FROM schools WHERE district_code ="
					       " '440106' AND stage = 'primary' AND ownership = 'public'"));
	json_decref(doc);

	/* search: a name's middle, an ID number's first digits, a school's name */
	name = db_text("SELECT substr(name, 2) FROM persons WHERE length(name) >= 3 ORDER BY id LIMIT 1");
	{
		char *q = url_escape(name);

		snprintf(path, sizeof path, "/api/v1/persons?q=%s&limit=1000", q);
		free(q);
	}
	doc = get_json(admin, path, 200);
	assert_int_equal(total_of(doc), db_int("SELECT count(*) FROM persons WHERE instr(name, %Q) > 0",
					       name));
	json_decref(doc);
	prefix = db_text("SELECT substr(id_number, 1, 10) FROM persons ORDER BY id LIMIT 1");
	snprintf(path, sizeof path, "/api/v1/persons?q=%s", prefix);
	doc = get_json(admin, path, 200);
	assert_int_equal(total_of(doc), db_int("SELECT count(*) FROM persons WHERE substr(id_number,"
					       " 1, 10) = %Q", prefix));
	assert_true(total_of(doc) >= 1);
	json_decref(doc);

	/* paging: limit and offset walk the same total */
	doc = get_json(admin, "/api/v1/persons?limit=3&offset=5", 200);
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 3);
	assert_int_equal(total_of(doc), db_int("SELECT count(*) FROM persons"));
	{
		char *ref = strdup(str(json_array_get(json_object_get(doc, "items"), 0), "ref"));
		json_t *page = get_json(admin, "/api/v1/persons?limit=1&offset=5", 200);

		assert_string_equal(str(json_array_get(json_object_get(page, "items"), 0), "ref"), ref);
		json_decref(page);
		free(ref);
	}
	json_decref(doc);
	doc = get_json(admin, "/api/v1/persons?offset=100000", 200);
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 0);
	assert_true(total_of(doc) > 0);
	json_decref(doc);
	doc = get_json(admin, "/api/v1/persons", 200);
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 50);
	json_decref(doc);

	/* bad numbers and unknown codes: 400 */
	{
		static const char *const bad[] = {
			"/api/v1/persons?limit=0", "/api/v1/persons?limit=1001", "/api/v1/persons?limit=ten",
			"/api/v1/persons?offset=-1", "/api/v1/persons?limit=", "/api/v1/persons?title=emperor",
			"/api/v1/persons?status=dead", "/api/v1/persons?district=4401",
			"/api/v1/persons?school=12345", "/api/v1/persons?key_level=%E5%B8%82%E7%BA%A7",
			"/api/v1/schools?stage=university", "/api/v1/schools?status=shut",
			"/api/v1/schools?limit=5000",
		};

		for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			doc = get_json(admin, bad[k], 400);
			assert_string_equal(error_code(doc), "bad_request");
			json_decref(doc);
		}
	}
	free(name);
	free(prefix);
	client_free(admin);
}

/* ---- creating --------------------------------------------------------- */

static void create_person_201_409_422(void **state)
{
	struct client *school = client_as("school");
	char id[19], body[512];
	json_t *doc;

	(void)state;
	make_id("44010619900101123", id);
	snprintf(body, sizeof body,
		 "{\"id_number\":\"%s\",\"name\":\"新来的老师\",\"school_code\":\"%s\","
		 "\"title\":\"二级\",\"education\":\"bachelor\",\"subject\":\"数学\","
		 "\"phone\":\"13800138000\",\"special_grade\":false,\"service_start\":\"2019/9/1\"}",
		 id, school_code);
	doc = send_json(school, "POST", "/api/v1/persons", body, 201);
	assert_string_equal(str(doc, "name"), "新来的老师");
	assert_string_equal(str(doc, "title"), "second");
	assert_string_equal(str(doc, "role"), "teacher");
	assert_string_equal(str(doc, "status"), "serving");
	assert_string_equal(str(doc, "service_start"), "2019-09-01");
	assert_string_equal(str(doc, "birth_date"), "1990-01-01");
	assert_string_equal(str(doc, "school_code"), school_code);
	assert_true(is_masked_of(str(doc, "id_number"), id));
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				" WHERE p.id_number = %Q AND s.code = %Q AND p.title = 'second'"
				" AND p.education = 'bachelor'", id, school_code), 1);
	assert_int_equal(db_int("SELECT count(*) FROM person_history h JOIN persons p ON"
				" p.id = h.person_id WHERE p.id_number = %Q AND h.field = 'created'"
				" AND h.actor = 'school' AND h.source = 'api'", id), 1);
	{
		char object[40];

		snprintf(object, sizeof object, "person:%.4s**********%s", id, id + 14);
		assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'person.create'"
					" AND object = %Q AND actor = 'school'", object), 1);
	}

	/* the same number again: 409, nothing changed */
	doc = send_json(school, "POST", "/api/v1/persons", body, 409);
	assert_string_equal(error_code(doc), "conflict");
	json_decref(doc);

	/* every bad field listed, nothing created */
	make_id("44010619900101124", id);
	snprintf(body, sizeof body,
		 "{\"id_number\":\"%s\",\"name\":\"\",\"school_code\":\"%s\",\"title\":\"emperor\","
		 "\"education\":\"\",\"service_start\":\"2090-01-01\"}", id, school_code);
	doc = send_json(school, "POST", "/api/v1/persons", body, 422);
	assert_string_equal(error_code(doc), "invalid");
	assert_true(lists_field(doc, "name"));
	assert_true(lists_field(doc, "title"));
	assert_true(lists_field(doc, "education"));
	assert_true(lists_field(doc, "service_start"));
	assert_false(lists_field(doc, "id_number"));
	json_decref(doc);
	/* a bad check character, an unknown key, a wrong type */
	{
		char wrong[19];

		memcpy(wrong, id, sizeof wrong);
		wrong[17] = wrong[17] == '0' ? '1' : '0';
		snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"name\":\"甲\",\"education\":"
			 "\"本科\",\"colour\":\"blue\",\"special_grade\":\"yes\"}", wrong);
	}
	doc = send_json(school, "POST", "/api/v1/persons", body, 422);
	assert_true(lists_field(doc, "id_number"));
	assert_true(lists_field(doc, "colour"));
	assert_true(lists_field(doc, "special_grade"));
	json_decref(doc);
	/* no school, no centre */
	snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"name\":\"甲\",\"education\":\"本科\","
		 "\"school_code\":null,\"centre_code\":null}", id);
	doc = send_json(school, "POST", "/api/v1/persons", body, 422);
	assert_true(lists_field(doc, "school_code"));
	json_decref(doc);
	/* a school outside her scope */
	{
		char *far = db_text("SELECT code FROM schools WHERE code <> %Q LIMIT 1", school_code);

		snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"name\":\"甲\",\"education\":\"本科\","
			 "\"school_code\":\"%s\"}", id, far);
		doc = send_json(school, "POST", "/api/v1/persons", body, 422);
		assert_true(lists_field(doc, "school_code"));
		json_decref(doc);
		free(far);
	}
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number = %Q", id), 0);

	/* not JSON, not an object */
	json_decref(send_json(school, "POST", "/api/v1/persons", "{\"name\":", 400));
	json_decref(send_json(school, "POST", "/api/v1/persons", "[1,2]", 400));
	client_free(school);
}

static void read_only_roles_cannot_write(void **state)
{
	static const char *const logins[] = { "bureau", "teacher", "alliance", "evaluator" };
	char path[96], body[256], id[19];

	(void)state;
	make_id("44010619910101125", id);
	snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"name\":\"乙\",\"education\":\"本科\","
		 "\"school_code\":\"%s\"}", id, school_code);
	snprintf(path, sizeof path, "/api/v1/persons/%s", teacher_id);
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		struct client *c = client_as(logins[i]);
		json_t *doc;

		doc = send_json(c, "POST", "/api/v1/persons", body, 403);
		assert_string_equal(error_code(doc), "forbidden");
		json_decref(doc);
		json_decref(send_json(c, "PATCH", path, "{\"title\":\"senior\"}", 403));
		json_decref(send_json(c, "POST", "/api/v1/schools", "{\"name\":\"x\"}", 403));
		{
			char sp[64];

			snprintf(sp, sizeof sp, "/api/v1/schools/%s", school_code);
			json_decref(send_json(c, "PATCH", sp, "{\"name\":\"x\"}", 403));
		}
		client_free(c);
	}
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number = %Q", id), 0);
	assert_int_equal(db_int("SELECT count(*) FROM person_history h WHERE h.person_id = %lld"
				" AND h.field = 'title'", teacher_pid), 0);
}

/* ---- changing --------------------------------------------------------- */

static void patch_title_then_transfer_keeps_history(void **state)
{
	struct client *school = client_as("school"), *centre = client_as("centre");
	long long pid = db_int("SELECT p.id FROM persons p JOIN schools s ON s.id = p.school_id"
			       " WHERE s.code = %Q AND p.id <> %lld AND p.title <> 'senior'"
			       " AND p.status = 'serving' ORDER BY p.id LIMIT 1", school_code, teacher_pid);
	char *old_title = db_text("SELECT title FROM persons WHERE id = %lld", pid);
	char *to = db_text("SELECT code FROM schools WHERE district_code = '440106' AND code <> %Q"
			   " AND status = 'open' ORDER BY code LIMIT 1", school_code);
	char *far = db_text("SELECT code FROM schools WHERE district_code <> '440106' LIMIT 1");
	char path[96], body[128];
	json_t *doc, *items, *h;
	size_t i;
	bool saw_title = false, saw_school = false;

	(void)state;
	assert_true(pid > 0);
	snprintf(path, sizeof path, "/api/v1/persons/p%lld", pid);

	/* title: only the key sent changes; one history row, one audit row */
	doc = send_json(school, "PATCH", path, "{\"title\":\"senior\"}", 200);
	assert_string_equal(str(doc, "title"), "senior");
	assert_string_equal(str(doc, "school_code"), school_code);
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM person_history WHERE person_id = %lld AND"
				" field = 'title' AND old_value = %Q AND new_value = 'senior'"
				" AND actor = 'school' AND source = 'api'", pid, old_title), 1);
	assert_int_equal(db_int("SELECT count(*) FROM person_history WHERE person_id = %lld", pid), 1);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'person.update'"
				" AND actor = 'school' AND detail LIKE '%%title%%senior%%'"), 1);
	/* the same again changes nothing */
	json_decref(send_json(school, "PATCH", path, "{\"title\":\"高级\"}", 200));
	assert_int_equal(db_int("SELECT count(*) FROM person_history WHERE person_id = %lld", pid), 1);

	/* bad values: 422 with the fields; the number cannot change */
	doc = send_json(school, "PATCH", path, "{\"title\":\"emperor\",\"key_level\":\"galactic\"}", 422);
	assert_true(lists_field(doc, "title"));
	assert_true(lists_field(doc, "key_level"));
	json_decref(doc);
	doc = send_json(school, "PATCH", path, "{\"id_number\":\"110101199003070000\"}", 422);
	assert_true(lists_field(doc, "id_number"));
	json_decref(doc);

	/* the school admin cannot send her away: that school is not hers */
	snprintf(body, sizeof body, "{\"school_code\":\"%s\"}", to);
	doc = send_json(school, "PATCH", path, body, 422);
	assert_true(lists_field(doc, "school_code"));
	json_decref(doc);
	/* the district centre can, within its district, and not beyond */
	snprintf(body, sizeof body, "{\"school_code\":\"%s\"}", far);
	doc = send_json(centre, "PATCH", path, body, 422);
	assert_true(lists_field(doc, "school_code"));
	json_decref(doc);
	snprintf(body, sizeof body, "{\"school_code\":\"%s\"}", to);
	doc = send_json(centre, "PATCH", path, body, 200);
	assert_string_equal(str(doc, "school_code"), to);
	assert_string_equal(str(doc, "title"), "senior"); /* the rest follows her */
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				" WHERE p.id = %lld AND s.code = %Q", pid, to), 1);
	assert_int_equal(db_int("SELECT count(*) FROM person_history WHERE person_id = %lld AND"
				" field = 'school' AND old_value = %Q AND new_value = %Q"
				" AND actor = 'centre'", pid, school_code, to), 1);

	/* the history, newest first, with both changes */
	snprintf(path, sizeof path, "/api/v1/persons/p%lld/history", pid);
	doc = get_json(centre, path, 200);
	items = json_object_get(doc, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(str(json_array_get(items, 0), "field"), "school");
	json_array_foreach(items, i, h) {
		assert_non_null(str(h, "at"));
		assert_non_null(str(h, "actor"));
		assert_string_equal(str(h, "source"), "api");
		saw_title = saw_title || !strcmp(str(h, "field"), "title");
		saw_school = saw_school || (!strcmp(str(h, "field"), "school") &&
					    !strcmp(str(h, "old_value"), school_code) &&
					    !strcmp(str(h, "new_value"), to));
	}
	assert_true(saw_title && saw_school);
	json_decref(doc);

	/* she has left the school admin's scope */
	snprintf(path, sizeof path, "/api/v1/persons/p%lld", pid);
	json_decref(get_json(school, path, 404));

	/* a status change is a PATCH of status */
	doc = send_json(centre, "PATCH", path, "{\"status\":\"退休\"}", 200);
	assert_string_equal(str(doc, "status"), "retired");
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM person_history WHERE person_id = %lld AND"
				" field = 'status' AND old_value = 'serving' AND new_value = 'retired'",
				pid), 1);
	free(old_title);
	free(to);
	free(far);
	client_free(school);
	client_free(centre);
}

static void schools_create_and_patch(void **state)
{
	struct client *centre = client_as("centre"), *school = client_as("school"),
		      *kg = client_as("kg-centre");
	char path[64];
	json_t *doc;

	(void)state;
	doc = send_json(centre, "POST", "/api/v1/schools",
			"{\"school_code\":\"3444199001\",\"name\":\"天河区新建小学\",\"district_code\":"
			"\"天河区\",\"stage\":\"小学\",\"ownership\":\"public\"}", 201);
	assert_string_equal(str(doc, "school_code"), "3444199001");
	assert_string_equal(str(doc, "district_code"), "440106");
	assert_string_equal(str(doc, "stage"), "primary");
	assert_string_equal(str(doc, "status"), "open");
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'school.create' AND"
				" object = 'school:3444199001' AND actor = 'centre'"), 1);
	/* again: 409; in another district: outside the scope */
	json_decref(send_json(centre, "POST", "/api/v1/schools",
			      "{\"school_code\":\"3444199001\",\"name\":\"x\",\"district_code\":\"440106\","
			      "\"stage\":\"primary\",\"ownership\":\"public\"}", 409));
	doc = send_json(centre, "POST", "/api/v1/schools",
			"{\"school_code\":\"3444199002\",\"name\":\"x\",\"district_code\":\"440111\","
			"\"stage\":\"primary\",\"ownership\":\"public\"}", 422);
	assert_true(lists_field(doc, "school_code"));
	json_decref(doc);
	/* the kindergarten centre makes kindergartens only */
	doc = send_json(kg, "POST", "/api/v1/schools",
			"{\"school_code\":\"3444199003\",\"name\":\"x\",\"district_code\":\"440111\","
			"\"stage\":\"primary\",\"ownership\":\"public\"}", 422);
	json_decref(doc);
	/* bad values */
	doc = send_json(centre, "POST", "/api/v1/schools",
			"{\"school_code\":\"3.44E+09\",\"name\":\"\",\"district_code\":\"火星区\","
			"\"stage\":\"university\",\"ownership\":\"public\"}", 422);
	assert_true(lists_field(doc, "school_code"));
	assert_true(lists_field(doc, "name"));
	assert_true(lists_field(doc, "stage"));
	json_decref(doc);
	/* a school admin creates no schools */
	json_decref(send_json(school, "POST", "/api/v1/schools",
			      "{\"school_code\":\"3444199004\",\"name\":\"x\",\"district_code\":\"440106\","
			      "\"stage\":\"primary\",\"ownership\":\"public\"}", 403));
	assert_int_equal(db_int("SELECT count(*) FROM schools WHERE code IN ('3444199002',"
				" '3444199003', '3444199004')"), 0);

	/* PATCH: only what is sent; a history row; the code never changes */
	doc = send_json(centre, "PATCH", "/api/v1/schools/3444199001", "{\"name\":\"天河区启明小学\"}", 200);
	assert_string_equal(str(doc, "name"), "天河区启明小学");
	assert_string_equal(str(doc, "stage"), "primary");
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM school_history h JOIN schools s ON"
				" s.id = h.school_id WHERE s.code = '3444199001' AND h.field = 'name'"
				" AND h.new_value = '天河区启明小学'"), 1);
	doc = send_json(centre, "PATCH", "/api/v1/schools/3444199001", "{\"school_code\":\"3444199009\"}", 422);
	assert_true(lists_field(doc, "school_code"));
	json_decref(doc);
	doc = get_json(centre, "/api/v1/schools/3444199001/history", 200);
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 2); /* name, created */
	json_decref(doc);
	/* her own school, the school admin may change; another she may not */
	snprintf(path, sizeof path, "/api/v1/schools/%s", school_code);
	json_decref(send_json(school, "PATCH", path, "{\"status\":\"open\"}", 200));
	json_decref(send_json(school, "PATCH", "/api/v1/schools/3444199001", "{\"status\":\"closed\"}", 403));
	client_free(centre);
	client_free(school);
	client_free(kg);
}

static void session_writes_need_the_csrf_token(void **state)
{
	struct client *school = client_as("school");
	struct response r = { 0 };
	const char *headers[] = { "Content-Type: application/json", NULL };
	char path[64];

	(void)state;
	snprintf(path, sizeof path, "/api/v1/schools/%s", school_code);
	http_request(school, "PATCH", path, headers, "{\"status\":\"closed\"}", 19, &r);
	expect_status(r, 403);
	expect_contains(r, "\"csrf\"");
	assert_int_equal(db_int("SELECT count(*) FROM schools WHERE code = %Q AND status = 'open'",
				school_code), 1);
	response_free(&r);
	client_free(school);
}

/* Another connection holds the write lock past the busy timeout, as a
 * large import does: a write is told "busy, try again" (503), not 500. */
static void a_held_write_lock_is_503_busy(void **state)
{
	struct client *school = client_as("school");
	long long pid = db_int("SELECT p.id FROM persons p JOIN schools s ON s.id = p.school_id"
			       " WHERE s.code = %Q AND p.status = 'serving' ORDER BY p.id DESC LIMIT 1",
			       school_code);
	struct response r = { 0 };
	char csrf[200], path[64];
	const char *headers[] = { "Content-Type: application/json", csrf, NULL };
	sqlite3 *db;
	json_t *doc;
	json_error_t e;

	(void)state;
	assert_int_equal(sqlite3_open(harness_db(), &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", school->csrf);
	snprintf(path, sizeof path, "/api/v1/persons/p%lld", pid);
	http_request(school, "PATCH", path, headers, "{\"subject\":\"物理\"}", 20, &r);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(r.status, 503);
	assert_non_null(response_header(&r, "Retry-After"));
	assert_string_equal(response_header(&r, "Retry-After"), "10");
	doc = json_loads(r.body, 0, &e);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "error"), "code")),
			    "busy");
	json_decref(doc);
	response_free(&r);
	/* and once the lock is gone the same write goes through */
	json_decref(send_json(school, "PATCH", path, "{\"subject\":\"物理\"}", 200));
	client_free(school);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lists_follow_each_roles_scope),
		cmocka_unit_test(kindergarten_centre_sees_only_kindergartens),
		cmocka_unit_test(the_teacher_sees_herself_whole),
		cmocka_unit_test(records_are_masked_and_reveals_audited),
		cmocka_unit_test(out_of_scope_persons_are_404_schools_403),
		cmocka_unit_test(filters_and_paging),
		cmocka_unit_test(create_person_201_409_422),
		cmocka_unit_test(read_only_roles_cannot_write),
		cmocka_unit_test(patch_title_then_transfer_keeps_history),
		cmocka_unit_test(schools_create_and_patch),
		cmocka_unit_test(session_writes_need_the_csrf_token),
		cmocka_unit_test(a_held_write_lock_is_503_busy),
		cmocka_unit_test(harness_test_server_stops),
	};

	return cmocka_run_group_tests_name("registry_api", tests, setup, teardown);
}
