/* test_attendance.c - attendance and completion over HTTP: the organiser
 * marks a session on the sheet and completes the programme (hours issued
 * once), uploads an attendance file (a bad row names its line and writes
 * nothing), shows the QR code; a teacher checks in with it, a stale code is
 * refused, and a teacher never opens the sheet.
 *
 * The programmes, sessions and enrolments are written into the demo
 * database with SQL: those areas have their own tests. */
#include "harness.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/attendance.h"

/* The demo's 天河 centre (the "centre" account's scope) runs both
 * programmes; TEACHER is the "teacher" account's person. */
static long long CENTRE_ID, TEACHER;
static long long others[3]; /* three more persons: two seated in ATT-T1, one not */
static char today[11];

static int setup(void **state)
{
	time_t now = time(NULL);
	struct tm local;

	if (harness_group_setup(state) != 0)
		return -1;
	localtime_r(&now, &local);
	CENTRE_ID = db_int("SELECT c.id FROM centres c JOIN accounts a ON a.scope = c.code WHERE a.login = 'centre'");
	TEACHER = db_int("SELECT person_id FROM accounts WHERE login = 'teacher'");
	if (CENTRE_ID <= 0 || TEACHER <= 0)
		return -1;
	strftime(today, sizeof today, "%Y-%m-%d", &local);
	for (int i = 0; i < 3; i++) {
		others[i] = db_int("SELECT id FROM persons WHERE id <> %lld ORDER BY id LIMIT 1 OFFSET %d", TEACHER, i);
		if (others[i] <= 0)
			return -1;
	}
	return db_exec(
		"INSERT INTO programmes (id, code, title, centre_id, category, hours10, capacity, enrol_open,"
		" enrol_close, status, attendance_min, tolerance_min, created_at, created_by) VALUES"
		" (990001, 'ATT-T1', '课堂观察与诊断', %lld, 'thematic', 120, 30, '2026-01-01', '2026-01-05',"
		"  'published', 100, 15, '2026-01-01T00:00:00Z', 'centre'),"
		" (990002, 'ATT-Q', '扫码签到演练', %lld, 'thematic', 30, 30, '2026-01-01', '2026-01-05',"
		"  'published', 100, 15, '2026-01-01T00:00:00Z', 'centre');"
		"INSERT INTO programme_sessions (id, programme_id, day, starts, ends) VALUES"
		" (990101, 990001, '2026-01-10', '09:00', '12:00'), (990102, 990001, '2026-01-11', '09:00', '12:00'),"
		" (990201, 990002, %Q, '00:00', '23:59');"
		"INSERT INTO enrolments (programme_id, person_id, status, via, at, by_actor) VALUES"
		" (990001, %lld, 'seated', 'self', '2026-01-02T00:00:00Z', 't'),"
		" (990001, %lld, 'seated', 'self', '2026-01-02T00:00:01Z', 't'),"
		" (990001, %lld, 'seated', 'self', '2026-01-02T00:00:02Z', 't'),"
		" (990001, %lld, 'waiting', 'self', '2026-01-02T00:00:03Z', 't'),"
		" (990002, %lld, 'seated', 'self', '2026-01-02T00:00:00Z', 't');",
		CENTRE_ID, CENTRE_ID, today, TEACHER, others[0], others[1], others[2], TEACHER);
}

static int teardown(void **state)
{
	return harness_group_teardown(state);
}

static void post(struct client *c, const char *path, const char *extra, struct response *r)
{
	char *csrf = url_escape(c->csrf), *body;
	size_t n = strlen(csrf) + (extra ? strlen(extra) : 0) + 8;

	body = malloc(n);
	assert_non_null(body);
	snprintf(body, n, "csrf=%s%s%s", csrf, extra ? "&" : "", extra ? extra : "");
	http_post_form(c, path, body, r);
	free(body);
	free(csrf);
}

static void teacher_cannot_open_the_sheet(void **state)
{
	struct client *t = client_as("teacher"), *kg = client_as("kg-centre");
	struct response r = { 0 };

	(void)state;
	http_get(t, "/programmes/ATT-T1/sessions/990101/attendance", &r);
	expect_status(r, 403);
	http_get(t, "/programmes/ATT-T1/attendance", &r);
	expect_status(r, 403);
	/* the QR page: the organiser's and the trainer's, not a participant's */
	http_get(t, "/programmes/ATT-Q/sessions/990201/qr", &r);
	expect_status(r, 403);
	http_get(t, "/api/v1/programmes/ATT-T1/attendance", &r);
	expect_status(r, 403);
	/* another centre's admin: a manager, but not of this programme */
	http_get(kg, "/programmes/ATT-T1/sessions/990101/attendance", &r);
	expect_status(r, 403);
	post(kg, "/programmes/ATT-T1/complete", NULL, &r);
	expect_status(r, 403);
	/* a session of another programme is not found under this one */
	{
		struct client *c = client_as("centre");

		http_get(c, "/programmes/ATT-T1/sessions/990201/attendance", &r);
		expect_status(r, 404);
		client_free(c);
	}
	assert_int_equal(db_int("SELECT count(*) FROM ledger WHERE programme_id = 990001"), 0);
	response_free(&r);
	client_free(t);
	client_free(kg);
}

/* ---- a multipart upload on the client's own handle ---- */

struct body {
	char *data;
	size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	struct body *b = user;
	char *grown = realloc(b->data, b->len + size * n + 1);

	if (!grown)
		return 0;
	memcpy(grown + b->len, p, size * n);
	b->data = grown;
	b->len += size * n;
	b->data[b->len] = '\0';
	return size * n;
}

static long upload(struct client *c, const char *path, const char *filename, const char *data,
		   struct response *r)
{
	CURL *h = c->curl;
	curl_mime *mime = curl_mime_init(h);
	curl_mimepart *part;
	struct curl_slist *hl = curl_slist_append(NULL, "Expect:");
	struct body b = { 0 };
	char url[256];
	CURLcode rc;

	response_free(r);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "csrf");
	curl_mime_data(part, c->csrf, CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "file");
	curl_mime_filename(part, filename);
	curl_mime_type(part, "text/csv");
	curl_mime_data(part, data, strlen(data));
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", harness_port(), path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, NULL);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	rc = curl_easy_perform(h);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_mime_free(mime);
	curl_slist_free_all(hl);
	if (rc != CURLE_OK) {
		free(b.data);
		fail_msg("POST %s (multipart): %s", path, curl_easy_strerror(rc));
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = b.data ? b.data : strdup("");
	r->len = b.len;
	return r->status;
}

static char *id_of(long long person)
{
	return db_text("SELECT id_number FROM persons WHERE id = %lld", person);
}

static void csv_with_a_bad_row_writes_nothing(void **state)
{
	struct client *c = client_as("centre");
	struct response r = { 0 };
	char *a = id_of(TEACHER), *b = id_of(others[0]), *waiting = id_of(others[2]);
	char csv[512];
	const char *path = "/programmes/ATT-T1/sessions/990101/attendance/file";

	(void)state;
	/* line 3 is a person on the waiting list, line 4 a word we do not know */
	snprintf(csv, sizeof csv, "身份证号,姓名,出勤\n%s,甲,出席\n%s,丙,出席\n%s,乙,迟到\n", a, waiting, b);
	upload(c, path, "att.csv", csv, &r);
	expect_status(r, 422);
	expect_contains(r, "att.csv:3: 身份证号: 此人不是本项目的正式学员");
	expect_contains(r, "att.csv:4: 出勤:");
	expect_contains(r, "未写入任何考勤");
	assert_int_equal(db_int("SELECT count(*) FROM attendance WHERE session_id = 990101"), 0);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'attendance.import'"
				" AND object = 'session:990101'"), 0);

	/* corrected: written, and the sheet says so */
	snprintf(csv, sizeof csv, "身份证号,出勤\n%s,出席\n%s,缺席\n", a, b);
	upload(c, path, "att.csv", csv, &r);
	expect_status(r, 303);
	assert_int_equal(db_int("SELECT count(*) FROM attendance WHERE session_id = 990101 AND source = 'csv'"), 2);
	assert_int_equal(db_int("SELECT present FROM attendance WHERE session_id = 990101 AND person_id = %lld", TEACHER), 1);
	http_get(c, "/programmes/ATT-T1/sessions/990101/attendance?done=file&n=2", &r);
	expect_status(r, 200);
	expect_contains(r, "已从文件导入考勤：2 人");
	expect_contains(r, "文件导入");
	response_free(&r);
	free(a);
	free(b);
	free(waiting);
	client_free(c);
}

static void manager_marks_all_and_completes_once(void **state)
{
	struct client *c = client_as("centre");
	struct response r = { 0 };
	const char *loc;
	json_t *doc;
	json_error_t e;
	char hdr[256];
	const char *headers[] = { hdr, NULL };

	(void)state;
	http_get(c, "/programmes/ATT-T1/sessions/990101/attendance", &r);
	expect_status(r, 200);
	expect_contains(r, "全部出席");
	expect_contains(r, "扫码签到");
	{
		char *full = id_of(TEACHER); /* ID numbers are masked */

		expect_lacks(r, full);
		free(full);
	}
	post(c, "/programmes/ATT-T1/sessions/990101/attendance", "all=present", &r);
	expect_status(r, 303);
	post(c, "/programmes/ATT-T1/sessions/990102/attendance", "all=present", &r);
	expect_status(r, 303);
	/* the waiting person is never marked */
	assert_int_equal(db_int("SELECT count(*) FROM attendance WHERE present = 1 AND session_id IN (990101, 990102)"), 6);
	assert_int_equal(db_int("SELECT count(*) FROM attendance WHERE person_id = %lld", others[2]), 0);

	/* one row marked on its own: absent, then present again */
	{
		char form[64];

		snprintf(form, sizeof form, "p_%lld=0", others[1]);
		post(c, "/programmes/ATT-T1/sessions/990102/attendance", form, &r);
		expect_status(r, 303);
		assert_int_equal(db_int("SELECT present FROM attendance WHERE session_id = 990102 AND person_id = %lld",
					others[1]), 0);
	}
	http_get(c, "/programmes/ATT-T1/attendance", &r);
	expect_status(r, 200);
	expect_contains(r, "否：出勤不足");
	expect_contains(r, "结业并发放学时");

	post(c, "/programmes/ATT-T1/complete", NULL, &r);
	expect_status(r, 303);
	loc = response_header(&r, "Location");
	if (!loc || !strstr(loc, "issued=2&already=0&not_met=1"))
		fail_msg("completion went to %s", loc ? loc : "(nowhere)");
	assert_int_equal(db_int("SELECT count(*) FROM ledger WHERE programme_id = 990001"), 2);
	assert_int_equal(db_int("SELECT count(*) FROM ledger WHERE record_id = 'P990001-%lld' AND hours10 = 120"
				" AND day = '2026-01-11' AND source = 'programme'", TEACHER), 1);
	assert_int_equal(db_int("SELECT status = 'completed' FROM programmes WHERE id = 990001"), 1);

	/* the late correction, then completion again: only the newcomer */
	post(c, "/programmes/ATT-T1/sessions/990102/attendance", "all=present", &r);
	expect_status(r, 303);
	post(c, "/programmes/ATT-T1/complete", NULL, &r);
	loc = response_header(&r, "Location");
	if (!loc || !strstr(loc, "issued=1&already=2&not_met=0"))
		fail_msg("the second completion went to %s", loc ? loc : "(nowhere)");
	{
		char *where = strdup(loc);

		http_get(c, where, &r);
		free(where);
	}
	expect_contains(r, "本次发放 1 人，此前已发放 2 人");

	/* and through the API: nothing more */
	snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s", c->csrf);
	http_request(c, "POST", "/api/v1/programmes/ATT-T1/completion", headers, "", 0, &r);
	expect_status(r, 200);
	doc = json_loads(r.body, 0, &e);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "issued")), 0);
	assert_int_equal(json_integer_value(json_object_get(doc, "already")), 3);
	assert_int_equal(json_integer_value(json_object_get(doc, "not_met")), 0);
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM ledger WHERE programme_id = 990001"), 3);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'programme.complete'"
				" AND object = 'programme:ATT-T1'"), 3);
	assert_int_equal(db_int("SELECT hours10 FROM hours_totals WHERE person_id = %lld AND year = 2026"
				" AND category = 'thematic'", TEACHER) >= 120, 1);

	http_get(c, "/api/v1/programmes/ATT-T1/attendance", &r);
	expect_status(r, 200);
	doc = json_loads(r.body, 0, &e);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "participants")), 3);
	json_decref(doc);
	response_free(&r);
	client_free(c);
}

/* The token in the check-in address on the QR page, malloc'd. */
static char *scrape_token(const char *html)
{
	const char *at = strstr(html, "/checkin/990201?t=");

	if (!at)
		return NULL;
	at += strlen("/checkin/990201?t=");
	return strndup(at, ATT_TOKEN_CHARS);
}

static void checkin_with_the_code(void **state)
{
	struct client *c = client_as("centre"), *t = client_as("teacher"), *anon = client_new();
	struct response r = { 0 };
	char *token, *secret_hex, form[128], stale[ATT_TOKEN_CHARS + 1], mine[2][ATT_TOKEN_CHARS + 1];
	unsigned char key[32];
	const char *ct;

	(void)state;
	http_get(c, "/programmes/ATT-Q/sessions/990201/qr", &r);
	expect_status(r, 200);
	expect_contains(r, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
	expect_contains(r, "data-countdown");
	expect_contains(r, "http-equiv=\"refresh\"");
	token = scrape_token(r.body);
	assert_non_null(token);
	http_get(c, "/programmes/ATT-Q/sessions/990201/qr.svg", &r);
	expect_status(r, 200);
	ct = response_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_string_equal(ct, "image/svg+xml");
	assert_non_null(response_header(&r, "X-Checkin-Seconds"));

	/* the token is the one the test computes from the installation's secret */
	secret_hex = db_text("SELECT value FROM settings WHERE key = 'server_secret'");
	assert_non_null(secret_hex);
	assert_int_equal(strlen(secret_hex), 64);
	for (int i = 0; i < 32; i++) {
		unsigned v;

		assert_int_equal(sscanf(secret_hex + 2 * i, "%2x", &v), 1);
		key[i] = (unsigned char)v;
	}
	attendance_token(key, sizeof key, 990201, time(NULL), mine[0]);
	attendance_token(key, sizeof key, 990201, time(NULL) - ATT_WINDOW_SECONDS, mine[1]);
	if (strcmp(token, mine[0]) && strcmp(token, mine[1]))
		fail_msg("the page's token %s is neither %s nor %s", token, mine[0], mine[1]);

	/* signed out, the scan leads to the sign-in page and back, code and all */
	snprintf(form, sizeof form, "/checkin/990201?t=%s", token);
	http_get(anon, form, &r);
	expect_status(r, 303);
	{
		char want[128];

		snprintf(want, sizeof want, "/login?next=%%2Fcheckin%%2F990201%%3Ft%%3D%s", token);
		expect_location(r, want);
	}

	/* the confirm page, then the arrival */
	http_get(t, form, &r);
	expect_status(r, 200);
	expect_contains(r, "确认签到");
	expect_contains(r, "扫码签到演练");
	snprintf(form, sizeof form, "t=%s", token);
	post(t, "/checkin/990201", form, &r);
	expect_status(r, 200);
	expect_contains(r, "已签到");
	expect_contains(r, "请在结束时再次扫码签退");
	assert_int_equal(db_int("SELECT count(*) FROM attendance WHERE session_id = 990201 AND person_id = %lld"
				" AND arrived IS NOT NULL AND departed IS NULL AND present = 0 AND source = 'qr'", TEACHER), 1);
	/* the second scan is the departure */
	post(t, "/checkin/990201", form, &r);
	expect_status(r, 200);
	expect_contains(r, "已签退");
	assert_int_equal(db_int("SELECT count(*) FROM attendance WHERE session_id = 990201 AND departed IS NOT NULL"), 1);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'attendance.checkin'"
				" AND object = 'session:990201'"), 2);

	/* a code three windows old: refused, nothing written */
	attendance_token(key, sizeof key, 990201, time(NULL) - 3 * ATT_WINDOW_SECONDS, stale);
	snprintf(form, sizeof form, "t=%s", stale);
	post(t, "/checkin/990201", form, &r);
	expect_status(r, 403);
	expect_contains(r, "二维码已过期");
	snprintf(form, sizeof form, "/checkin/990201?t=%s", stale);
	http_get(t, form, &r);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'attendance.checkin'"
				" AND object = 'session:990201'"), 2);

	/* someone not seated in the programme */
	snprintf(form, sizeof form, "t=%s", token);
	{
		struct client *s = client_as("school");

		post(s, "/checkin/990201", form, &r);
		expect_status(r, 403); /* a school admin's account has no teacher's record */
		client_free(s);
	}
	/* without the CSRF token: refused */
	http_post_form(t, "/checkin/990201", form, &r);
	expect_status(r, 403);
	/* a seated teacher of another programme: told so before any tap */
	assert_int_equal(db_exec("UPDATE enrolments SET status = 'withdrawn' WHERE programme_id = 990002"), 0);
	snprintf(form, sizeof form, "/checkin/990201?t=%s", token);
	http_get(t, form, &r);
	if (r.status != 409 && r.status != 403) /* 403: the window moved on meanwhile */
		fail_msg("a withdrawn teacher's scan: %ld", r.status);
	assert_int_equal(db_exec("UPDATE enrolments SET status = 'seated' WHERE programme_id = 990002"), 0);

	/* the session's trainer may show the code, like the organiser */
	assert_int_equal(db_exec("UPDATE programme_sessions SET trainer_id = %lld WHERE id = 990201", TEACHER), 0);
	http_get(t, "/programmes/ATT-Q/sessions/990201/qr", &r);
	expect_status(r, 200);
	expect_contains(r, "/checkin/990201?t=");
	expect_lacks(r, "/sessions/990201/attendance\""); /* but not the sheet's link */

	response_free(&r);
	free(token);
	free(secret_hex);
	client_free(c);
	client_free(t);
	client_free(anon);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(teacher_cannot_open_the_sheet),
		cmocka_unit_test(csv_with_a_bad_row_writes_nothing),
		cmocka_unit_test(manager_marks_all_and_completes_once),
		cmocka_unit_test(checkin_with_the_code),
		cmocka_unit_test(harness_test_server_stops), /* last */
	};

	return cmocka_run_group_tests_name("attendance", tests, setup, teardown);
}
