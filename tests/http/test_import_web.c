/* test_import_web.c - the import page through a real server: the form,
 * an upload (multipart, with the page's CSRF token) that becomes a job,
 * the check with its preview and summary, confirming, bad rows with the
 * confirm button withheld, skip-bad and the rejects download, and who may
 * see a job: its owner, not another account; a teacher not even the page;
 * and a school admin's rows are kept to the admin's school. */
#include "harness.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define SCHOOL "3444102077"       /* the demo school admin's school */
#define TEACHER_HEADER "身份证号,姓名,学校标识码,岗位,学科,职称,学历,骨干级别,入职日期,手机\n"

static struct client *school;
static long long bad_job;         /* the skip-bad job, for the other accounts to try */

static int setup(void **state)
{
	return harness_group_setup(state);
}

static int teardown(void **state)
{
	client_free(school);
	return harness_group_teardown(state);
}

static struct client *the_school(void)
{
	if (!school)
		school = client_as("school");
	return school;
}

static void make_id(char out[19], const char *region, int year, int month, int day, int serial)
{
	static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	snprintf(out, 19, "%.6s%04d%02d%02d%03d", region, year, month, day, serial % 1000);
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * weight[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

static char *read_fixture(const char *name, size_t *len)
{
	const char *root = getenv("TDC_SOURCE_ROOT");
	char path[PATH_MAX];
	FILE *f;
	char *data;
	long n;

	if (!root || !*root)
		fail_msg("TDC_SOURCE_ROOT is not set: run the tests with 'meson test'");
	snprintf(path, sizeof path, "%s/tests/fixtures/import/%s", root, name);
	if (!(f = fopen(path, "rb")))
		fail_msg("no fixture %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	if (fread(data, 1, (size_t)n, f) != (size_t)n)
		fail_msg("cannot read %s", path);
	fclose(f);
	data[n] = '\0';
	*len = (size_t)n;
	return data;
}

/* ---- a multipart upload on the client's own handle (its cookies) ---- */

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

static size_t on_header(char *p, size_t size, size_t n, void *user)
{
	struct response *r = user;
	size_t len = size * n, end = len;
	const char *colon = memchr(p, ':', len), *v;
	struct http_header *h;

	if (!colon || !strncmp(p, "HTTP/", 5))
		return len;
	while (end && (p[end - 1] == '\r' || p[end - 1] == '\n'))
		end--;
	for (v = colon + 1; v < p + end && (*v == ' ' || *v == '\t'); v++)
		;
	h = realloc(r->headers, sizeof *h * (r->nheaders + 1));
	if (!h)
		return 0;
	r->headers = h;
	h[r->nheaders].name = strndup(p, (size_t)(colon - p));
	h[r->nheaders].value = strndup(v, (size_t)(p + end - v));
	r->nheaders++;
	return len;
}

/* POST /import as the form does: csrf (unless NULL), kind, and the file. */
static long upload(struct client *c, const char *csrf, const char *kind, const char *filename,
		   const char *data, size_t len, struct response *r)
{
	CURL *h = c->curl;
	curl_mime *mime = curl_mime_init(h);
	curl_mimepart *part;
	struct curl_slist *hl = curl_slist_append(NULL, "Expect:");
	struct body b = { 0 };
	char url[256];
	CURLcode rc;

	response_free(r);
	if (csrf) {
		part = curl_mime_addpart(mime);
		curl_mime_name(part, "csrf");
		curl_mime_data(part, csrf, CURL_ZERO_TERMINATED);
	}
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "kind");
	curl_mime_data(part, kind, CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "file");
	curl_mime_filename(part, filename);
	curl_mime_type(part, "application/octet-stream");
	curl_mime_data(part, data, len);

	snprintf(url, sizeof url, "http://127.0.0.1:%d/import", harness_port());
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	rc = curl_easy_perform(h);
	/* the handle is the client's for its next request: let go of the form */
	curl_easy_setopt(h, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_mime_free(mime);
	curl_slist_free_all(hl);
	if (rc != CURLE_OK) {
		free(b.data);
		fail_msg("POST /import (multipart): %s", curl_easy_strerror(rc));
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = b.data ? b.data : strdup("");
	r->len = b.len;
	return r->status;
}

/* Uploads with the csrf token of the client's /import page; returns the
 * job's id from the 303's Location. */
static long long upload_job(struct client *c, const char *kind, const char *filename, const char *data,
			    size_t len)
{
	struct response r = { 0 };
	const char *loc;
	long long id;
	char *end;

	if (client_refresh_csrf(c, "/import") != 200 || !*c->csrf)
		fail_msg("GET /import as %s: no page or no csrf field", c->login);
	upload(c, c->csrf, kind, filename, data, len, &r);
	expect_status(r, 303);
	loc = response_header(&r, "Location");
	if (!loc || strncmp(loc, "/import/jobs/", 13))
		fail_msg("the upload went to %s, not a job", loc ? loc : "(nowhere)");
	id = strtoll(loc + 13, &end, 10);
	if (id <= 0 || *end)
		fail_msg("the upload went to %s", loc);
	response_free(&r);
	return id;
}

/* Polls GET /api/v1/import-jobs/ID until its state is want (or failed, or
 * 60 s pass); returns the job's JSON. */
static json_t *wait_for(struct client *c, long long id, const char *want)
{
	struct response r = { 0 };
	char path[64];
	struct timespec t0, now;

	snprintf(path, sizeof path, "/api/v1/import-jobs/%lld", id);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		json_error_t jerr;
		json_t *doc;
		const char *state;

		http_get(c, path, &r);
		expect_status(r, 200);
		if (!(doc = json_loads(r.body, 0, &jerr)))
			fail_msg("GET %s: not JSON: %s\n%s", path, jerr.text, r.body);
		state = json_string_value(json_object_get(doc, "state"));
		if (!state)
			fail_msg("GET %s: no state:\n%s", path, r.body);
		if (!strcmp(state, want)) {
			response_free(&r);
			return doc;
		}
		if (!strcmp(state, "failed"))
			fail_msg("job %lld failed while waiting for %s:\n%s", id, want, r.body);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > 60)
			fail_msg("job %lld is still %s after 60 s, waiting for %s", id, state, want);
		json_decref(doc);
		usleep(50 * 1000);
	}
}

static long long jint(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);

	if (!json_is_integer(v))
		fail_msg("the job's JSON has no integer %s", key);
	return (long long)json_integer_value(v);
}

static long run_job(struct client *c, long long id, bool skip_bad, struct response *r)
{
	char path[64], *csrf = url_escape(c->csrf), *body;
	size_t n;
	long status;

	snprintf(path, sizeof path, "/import/jobs/%lld/run", id);
	n = strlen(csrf) + 32;
	body = malloc(n);
	assert_non_null(body);
	snprintf(body, n, "skip_bad=%d&csrf=%s", skip_bad ? 1 : 0, csrf);
	status = http_post_form(c, path, body, r);
	free(body);
	free(csrf);
	return status;
}

static void get_job_page(struct client *c, long long id, struct response *r)
{
	char path[64];

	snprintf(path, sizeof path, "/import/jobs/%lld", id);
	http_get(c, path, r);
	expect_status(*r, 200);
}

/* ---- the tests ---- */

static void the_page_has_the_form(void **state)
{
	struct response r = { 0 };
	char *csrf;

	(void)state;
	http_get(the_school(), "/import", &r);
	expect_status(r, 200);
	expect_contains(r, "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\"");
	expect_contains(r, "type=\"file\" name=\"file\"");
	expect_contains(r, "name=\"kind\" value=\"teachers\"");
	expect_contains(r, "name=\"kind\" value=\"schools\"");
	expect_contains(r, "href=\"/import/template/teachers.xlsx\"");
	expect_contains(r, "身份证号");
	csrf = scrape_csrf(r.body);
	assert_non_null(csrf);
	assert_true(strlen(csrf) > 10);
	free(csrf);
	response_free(&r);
}

static void a_teacher_may_not_import(void **state)
{
	struct response r = { 0 };
	struct client *t = client_as("teacher");

	(void)state;
	http_get(t, "/import", &r);
	expect_status(r, 403);
	http_get(t, "/api/v1/import-jobs/1", &r);
	expect_status(r, 403);
	response_free(&r);
	client_free(t);
}

static void an_upload_needs_the_csrf_token(void **state)
{
	struct response r = { 0 };
	size_t len;
	char *data = read_fixture("teachers.csv", &len);
	long long jobs = db_int("SELECT count(*) FROM import_jobs");

	(void)state;
	upload(the_school(), NULL, "teachers", "teachers.csv", data, len, &r);
	expect_status(r, 403);
	upload(the_school(), "not-the-token", "teachers", "teachers.csv", data, len, &r);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT count(*) FROM import_jobs"), jobs);
	response_free(&r);
	free(data);
}

static void upload_check_confirm(void **state)
{
	struct response r = { 0 };
	struct client *c = the_school();
	size_t len;
	char *data = read_fixture("teachers.csv", &len), want[96];
	long long id, before = db_int("SELECT count(*) FROM persons");
	json_t *doc;

	(void)state;
	id = upload_job(c, "teachers", "teachers.csv", data, len);
	free(data);
	doc = wait_for(c, id, "checked");
	assert_int_equal(jint(doc, "rows"), 3);
	assert_int_equal(jint(doc, "bad"), 0);
	assert_int_equal(jint(doc, "inserted"), 3);
	assert_string_equal(json_string_value(json_object_get(doc, "file_kind")), "CSV (UTF-8)");
	json_decref(doc);
	/* checked, nothing written */
	assert_int_equal(db_int("SELECT count(*) FROM persons"), before);

	/* the page: the summary, the preview rows as read, the confirm button */
	get_job_page(c, id, &r);
	expect_contains(r, "data-state=\"checked\"");
	expect_contains(r, "检查结果：共 3 行，新增 3，更新 0，未变化 0，有错误 0。");
	expect_contains(r, "<table class=\"data preview\">");
	expect_contains(r, "<th>身份证号</th>");
	expect_contains(r, "<td>陈晓燕</td>");
	expect_contains(r, "<td>中学高级</td>");
	expect_contains(r, "<td>2019年9月1日</td>");
	/* the preview is kept with the job: ID numbers masked, even a 15-digit one */
	expect_contains(r, "<td>4401**********0023</td>");
	expect_contains(r, "<td>4401*******3001</td>");
	expect_lacks(r, "440106198503120023");
	snprintf(want, sizeof want, "action=\"/import/jobs/%lld/run\"", id);
	expect_contains(r, want);
	expect_contains(r, "确认导入");
	expect_lacks(r, "跳过错误行");

	/* confirm: the import runs, the page says what it did */
	run_job(c, id, false, &r);
	snprintf(want, sizeof want, "/import/jobs/%lld", id);
	expect_redirect(r, want);
	doc = wait_for(c, id, "done");
	assert_int_equal(jint(doc, "inserted"), 3);
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM persons"), before + 3);
	assert_int_equal(db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				" WHERE s.code = '" SCHOOL "' AND p.id_number IN ('440106198503120023',"
				" '440106199001011235', '44010619880203001X')"), 3);
	assert_int_equal(db_int("SELECT count(*) FROM person_history WHERE field = 'created'"
				" AND actor = 'school' AND source = 'import:teachers.csv'"), 3);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'import.teachers'"
				" AND actor = 'school'"), 1);
	get_job_page(c, id, &r);
	expect_contains(r, "data-state=\"done\"");
	expect_contains(r, "已完成");
	expect_contains(r, "导入完成：共 3 行，新增 3，更新 0，未变化 0，跳过 0。");
	expect_lacks(r, "确认导入");
	/* a done job runs no more */
	run_job(c, id, false, &r);
	expect_status(r, 409);
	/* and the list of recent imports has it */
	http_get(c, "/import", &r);
	snprintf(want, sizeof want, "href=\"/import/jobs/%lld\"", id);
	expect_contains(r, want);
	response_free(&r);
}

/* The same teachers as an .xlsx (the kind read from the content): a check
 * that finds nothing to change. */
static void an_xlsx_finds_them_unchanged(void **state)
{
	struct response r = { 0 };
	struct client *c = the_school();
	size_t len;
	char *data = read_fixture("teachers-lo.xlsx", &len);
	long long id;
	json_t *doc;

	(void)state;
	id = upload_job(c, "teachers", "名单.xlsx", data, len);
	free(data);
	doc = wait_for(c, id, "checked");
	assert_string_equal(json_string_value(json_object_get(doc, "file_kind")), ".xlsx");
	assert_int_equal(jint(doc, "unchanged"), 3);
	assert_int_equal(jint(doc, "inserted"), 0);
	json_decref(doc);
	get_job_page(c, id, &r);
	expect_contains(r, "名单.xlsx");
	expect_contains(r, "检查结果：共 3 行，新增 0，更新 0，未变化 3，有错误 0。");
	response_free(&r);
}

static void bad_rows_then_skip_bad(void **state)
{
	struct response r = { 0 };
	struct client *c = the_school();
	char id[3][19], text[1024], want[128];
	long long before = db_int("SELECT count(*) FROM persons");
	json_t *doc;
	const char *ctype;

	(void)state;
	for (int i = 0; i < 3; i++)
		make_id(id[i], "110101", 1985, 6, 7, 10 + i);
	snprintf(text, sizeof text, TEACHER_HEADER
		 "%s,网一," SCHOOL ",教师,语文,高级,本科,无,2008-09-01,13800000021\n"
		 "%s,网二," SCHOOL ",教师,语文,特级教师,本科,无,2008-09-01,13800000022\n"
		 "%s,网三," SCHOOL ",教师,语文,一级,本科,无,2008-09-01,13800000023\n",
		 id[0], id[1], id[2]);
	bad_job = upload_job(c, "teachers", "some-bad.csv", text, strlen(text));
	doc = wait_for(c, bad_job, "checked");
	assert_int_equal(jint(doc, "rows"), 3);
	assert_int_equal(jint(doc, "bad"), 1);
	assert_int_equal(jint(doc, "inserted"), 2);
	json_decref(doc);

	/* the bad row is on the page, and the confirm button is not */
	get_job_page(c, bad_job, &r);
	expect_contains(r, "some-bad.csv:3: 职称 column: ");
	expect_contains(r, "特级教师");
	expect_contains(r, "class=\"notice error\"");
	expect_lacks(r, "确认导入");
	expect_lacks(r, "name=\"skip_bad\" value=\"0\"");
	expect_contains(r, "跳过错误行，导入其余的行");
	expect_contains(r, "name=\"skip_bad\" value=\"1\"");
	expect_contains(r, "检查结果：共 3 行，新增 2，更新 0，未变化 0，有错误 1。");

	/* all or nothing is refused for it; nothing was written */
	run_job(c, bad_job, false, &r);
	expect_status(r, 409);
	assert_int_equal(db_int("SELECT count(*) FROM persons"), before);

	/* skip-bad: the two good rows */
	run_job(c, bad_job, true, &r);
	snprintf(want, sizeof want, "/import/jobs/%lld", bad_job);
	expect_redirect(r, want);
	doc = wait_for(c, bad_job, "done");
	assert_int_equal(jint(doc, "inserted"), 2);
	assert_int_equal(jint(doc, "bad"), 1);
	json_decref(doc);
	assert_int_equal(db_int("SELECT count(*) FROM persons"), before + 2);
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number IN (%Q, %Q)", id[0], id[2]), 2);
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number = %Q", id[1]), 0);

	get_job_page(c, bad_job, &r);
	expect_contains(r, "导入完成：共 3 行，新增 2，更新 0，未变化 0，跳过 1。");
	snprintf(want, sizeof want, "href=\"/import/jobs/%lld/rejects.csv\"", bad_job);
	expect_contains(r, want);

	/* the rejects: BOM, the file's header and 原因, the bad row */
	snprintf(want, sizeof want, "/import/jobs/%lld/rejects.csv", bad_job);
	http_get(c, want, &r);
	expect_status(r, 200);
	ctype = response_header(&r, "Content-Type");
	assert_non_null(ctype);
	assert_non_null(strstr(ctype, "text/csv"));
	assert_non_null(response_header(&r, "Content-Disposition"));
	assert_true(r.len > 3);
	assert_memory_equal(r.body, "\xEF\xBB\xBF", 3);
	expect_contains(r, "身份证号,姓名,学校标识码,岗位,学科,职称,学历,骨干级别,入职日期,手机,原因\r\n");
	expect_contains(r, id[1]);
	expect_contains(r, "特级教师");
	expect_contains(r, "职称 column:");
	expect_lacks(r, id[0]);
	expect_lacks(r, id[2]);
	response_free(&r);
}

static void another_account_sees_no_job(void **state)
{
	struct response r = { 0 };
	struct client *centre = client_as("centre");
	char path[96], *csrf, *body;

	(void)state;
	assert_true(bad_job > 0);
	/* the centre admin may import (the page is there) but not see this job */
	http_get(centre, "/import", &r);
	expect_status(r, 200);
	snprintf(path, sizeof path, "href=\"/import/jobs/%lld\"", bad_job);
	expect_lacks(r, path);
	snprintf(path, sizeof path, "/import/jobs/%lld", bad_job);
	http_get(centre, path, &r);
	expect_status(r, 404);
	snprintf(path, sizeof path, "/api/v1/import-jobs/%lld", bad_job);
	http_get(centre, path, &r);
	expect_status(r, 404);
	snprintf(path, sizeof path, "/import/jobs/%lld/rejects.csv", bad_job);
	http_get(centre, path, &r);
	expect_status(r, 404);
	expect_lacks(r, "特级教师");
	client_refresh_csrf(centre, "/import");
	csrf = url_escape(centre->csrf);
	body = malloc(strlen(csrf) + 32);
	assert_non_null(body);
	sprintf(body, "skip_bad=1&csrf=%s", csrf);
	snprintf(path, sizeof path, "/import/jobs/%lld/run", bad_job);
	http_post_form(centre, path, body, &r);
	expect_status(r, 404);
	free(body);
	free(csrf);
	/* nor a job that is not there */
	http_get(the_school(), "/import/jobs/999999", &r);
	expect_status(r, 404);
	http_get(the_school(), "/import/jobs/abc", &r);
	expect_status(r, 404);
	response_free(&r);
	client_free(centre);
}

/* A school admin imports into the admin's own school only: a teacher of
 * another school, and a person of another school moved into this one, are
 * row errors, and nothing of theirs is written. */
static void another_school_is_outside_the_scope(void **state)
{
	struct response r = { 0 };
	struct client *c = the_school();
	char id[19], text[1024];
	char *other = db_text("SELECT code FROM schools WHERE code <> '" SCHOOL "' AND district_code = '440106'"
			      " ORDER BY code LIMIT 1");
	char *theirs = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
			       " WHERE s.code <> '" SCHOOL "' ORDER BY p.id LIMIT 1");
	char *their_school = db_text("SELECT s.code FROM persons p JOIN schools s ON s.id = p.school_id"
				     " WHERE p.id_number = %Q", theirs);
	long long id_job, before = db_int("SELECT count(*) FROM persons");
	json_t *doc;

	(void)state;
	assert_non_null(other);
	assert_non_null(theirs);
	make_id(id, "110101", 1986, 8, 9, 20);
	snprintf(text, sizeof text, TEACHER_HEADER
		 "%s,外一,%s,教师,语文,高级,本科,无,2008-09-01,\n"
		 "%s,外二," SCHOOL ",教师,语文,高级,本科,无,2008-09-01,\n",
		 id, other, theirs);
	id_job = upload_job(c, "teachers", "other-school.csv", text, strlen(text));
	doc = wait_for(c, id_job, "checked");
	assert_int_equal(jint(doc, "bad"), 2);
	json_decref(doc);
	get_job_page(c, id_job, &r);
	expect_contains(r, "other-school.csv:2: 学校标识码 column: ");
	expect_contains(r, "outside your scope");
	expect_contains(r, "other-school.csv:3: 身份证号 column: this person is outside your scope");
	expect_lacks(r, "确认导入");
	expect_lacks(r, "name=\"skip_bad\""); /* every row is bad: nothing to run */
	/* asked to anyway, the run checks every row again and writes none */
	if (run_job(c, id_job, true, &r) == 303)
		json_decref(wait_for(c, id_job, "done"));
	assert_int_equal(db_int("SELECT count(*) FROM persons"), before);
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number = %Q", id), 0);
	{
		char *still = db_text("SELECT s.code FROM persons p JOIN schools s ON s.id = p.school_id"
				      " WHERE p.id_number = %Q", theirs);

		assert_string_equal(still, their_school);
		free(still);
	}
	response_free(&r);
	free(other);
	free(theirs);
	free(their_school);
}

/* A large file: the job reports its progress while it is checked, and the
 * page shows a progress bar that follows it. */
static void a_large_file_shows_progress(void **state)
{
	enum { ROWS = 60000 };
	struct response r = { 0 };
	struct client *c = the_school();
	size_t cap = (size_t)ROWS * 120 + 256, len = 0;
	char *data = malloc(cap), path[64], page[64];
	long long id;
	bool seen_progress = false, seen_bar = false;
	json_t *doc;
	struct timespec t0, now;

	(void)state;
	assert_non_null(data);
	len += (size_t)snprintf(data + len, cap - len, TEACHER_HEADER);
	for (int i = 0; i < ROWS; i++) {
		char id_number[19];
		int k = i / 1000;

		make_id(id_number, "120101", 1970 + k / 12, 1 + k % 12, 15, i % 1000);
		len += (size_t)snprintf(data + len, cap - len,
					"%s,大文件%d," SCHOOL ",教师,语文,一级,本科,无,2010-09-01,138%08d\n",
					id_number, i, i);
	}
	id = upload_job(c, "teachers", "large.csv", data, len);
	free(data);
	snprintf(path, sizeof path, "/api/v1/import-jobs/%lld", id);
	snprintf(page, sizeof page, "/import/jobs/%lld", id);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		json_error_t jerr;
		const char *st;

		http_get(c, path, &r);
		expect_status(r, 200);
		doc = json_loads(r.body, 0, &jerr);
		assert_non_null(doc);
		st = json_string_value(json_object_get(doc, "state"));
		assert_non_null(st);
		if (strcmp(st, "checking")) {
			json_decref(doc);
			break;
		}
		if (jint(doc, "rows") > 0 && jint(doc, "rows") < ROWS) {
			assert_true(jint(doc, "progress") > 0 && jint(doc, "progress") < 1000);
			seen_progress = true;
			if (!seen_bar) {
				/* the page while it works: a bar, and the script that follows it */
				http_get(c, page, &r);
				if (response_contains(&r, "data-state=\"checking\"")) {
					expect_contains(r, "<progress max=\"1000\" value=\"");
					expect_contains(r, "src=\"/static/app.js\"");
					seen_bar = true;
				}
			}
		}
		json_decref(doc);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > 120)
			fail_msg("a large file is still being checked after 120 s");
		usleep(20 * 1000);
	}
	if (!seen_progress)
		fail_msg("no progress was reported while %d rows were checked", ROWS);
	doc = wait_for(c, id, "checked");
	assert_int_equal(jint(doc, "rows"), ROWS);
	assert_int_equal(jint(doc, "inserted"), ROWS);
	assert_int_equal(jint(doc, "bad"), 0);
	assert_int_equal(jint(doc, "progress"), 1000);
	json_decref(doc);
	response_free(&r);
}

static void a_broken_file_fails_cleanly(void **state)
{
	struct response r = { 0 };
	struct client *c = the_school();
	static const char junk[] = "PK\x03\x04 this is not really a zip";
	long long id;
	char path[64];
	json_t *doc;
	struct timespec t0, now;

	(void)state;
	id = upload_job(c, "teachers", "broken.xlsx", junk, sizeof junk - 1);
	snprintf(path, sizeof path, "/api/v1/import-jobs/%lld", id);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		json_error_t jerr;
		const char *st;

		http_get(c, path, &r);
		expect_status(r, 200);
		doc = json_loads(r.body, 0, &jerr);
		assert_non_null(doc);
		st = json_string_value(json_object_get(doc, "state"));
		assert_non_null(st);
		if (strcmp(st, "checking"))
			break;
		json_decref(doc);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > 60)
			fail_msg("a broken file is still being checked after 60 s");
		usleep(50 * 1000);
	}
	/* failed, or checked with the reason and nothing to confirm */
	get_job_page(c, id, &r);
	expect_lacks(r, "确认导入");
	json_decref(doc);

	/* an empty file and no file are refused at once */
	upload(c, c->csrf, "teachers", "empty.csv", "", 0, &r);
	expect_status(r, 422);
	upload(c, c->csrf, "widgets", "a.csv", "x", 1, &r);
	expect_status(r, 400);
	response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_page_has_the_form),
		cmocka_unit_test(a_teacher_may_not_import),
		cmocka_unit_test(an_upload_needs_the_csrf_token),
		cmocka_unit_test(upload_check_confirm),
		cmocka_unit_test(an_xlsx_finds_them_unchanged),
		cmocka_unit_test(bad_rows_then_skip_bad),
		cmocka_unit_test(another_account_sees_no_job),
		cmocka_unit_test(another_school_is_outside_the_scope),
		cmocka_unit_test(a_large_file_shows_progress),
		cmocka_unit_test(a_broken_file_fails_cleanly),
		cmocka_unit_test(harness_test_server_stops), /* last */
	};

	return cmocka_run_group_tests_name("import_web", tests, setup, teardown);
}
