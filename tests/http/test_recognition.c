/* test_recognition.c - recognition of activities over HTTP: the journey
 * with real multipart uploads (a teacher applies with two files, her
 * school approves, the district centre approves, the entry appears in
 * /api/v1/persons/me/hours with source recognition), the evidence download
 * with its headers, wrong roles and persons out of scope, refused uploads
 * that leave nothing behind, the cap refusal, withdrawal, and the rules. */
#include "harness.h"

#include <curl/curl.h>
#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static char today[11];

static const char PDF[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
static const unsigned char PNG[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R' };

static int setup(void **state)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	return harness_group_setup(state);
}

/* ---- a multipart form with files, on the client's own handle ---- */

struct file_part {
	const char *name;       /* the file name the browser sends */
	const void *data;
	size_t len;
	const char *type;       /* what the browser claims */
};

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

/* fields: NULL-terminated name, value pairs */
static long post_multipart(struct client *c, const char *path, const char *const *fields,
			   const struct file_part *files, int nfiles, struct response *r)
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
	for (int i = 0; fields && fields[i]; i += 2) {
		part = curl_mime_addpart(mime);
		curl_mime_name(part, fields[i]);
		curl_mime_data(part, fields[i + 1], CURL_ZERO_TERMINATED);
	}
	for (int i = 0; i < nfiles; i++) {
		part = curl_mime_addpart(mime);
		curl_mime_name(part, "evidence");
		curl_mime_filename(part, files[i].name);
		curl_mime_type(part, files[i].type);
		curl_mime_data(part, files[i].data, files[i].len);
	}
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

static long apply(struct client *c, const char *kind, const char *date, const char *items, const char *title,
		  const struct file_part *files, int nfiles, struct response *r)
{
	const char *fields[] = { "kind", kind, "activity_date", date, "items", items, "title", title,
				 "description", "区教研活动", NULL };

	client_refresh_csrf(c, "/recognition/new");
	return post_multipart(c, "/recognition", fields, files, nfiles, r);
}

static long post(struct client *c, const char *path, const char *k1, const char *v1, const char *k2,
		 const char *v2, struct response *r)
{
	char *body = form_encode("csrf", c->csrf, k1, v1, k2, v2, (char *)NULL);
	long status = http_request(c, "POST", path, NULL, body, strlen(body), r);

	free(body);
	return status;
}

static int files_stored(void)
{
	char dir[600];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(dir, sizeof dir, "%s.files", harness_db());
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void expect_state(long long id, const char *want)
{
	char *state = db_text("SELECT state FROM recognitions WHERE id = %lld", id);

	if (!state || strcmp(state, want))
		fail_msg("application %lld is %s, expected %s", id, state ? state : "(none)", want);
	free(state);
}

static long long last_id(void)
{
	return db_int("SELECT coalesce(max(id), 0) FROM recognitions");
}

static const struct file_part pdf = { "论文 全文.pdf", PDF, sizeof PDF - 1, "application/pdf" };
static const struct file_part png_as_pdf = { "scan.pdf", PNG, sizeof PNG, "application/pdf" };

static void the_journey(void **state)
{
	struct client *t = client_as("teacher"), *s = client_as("school"), *c = client_as("centre");
	struct file_part two[2] = { pdf, png_as_pdf };
	struct response r = { 0 };
	char path[128], want[64];
	long long id, fid_pdf, fid_png;
	json_t *doc, *e;
	json_error_t jerr;
	size_t i;
	bool found = false;

	(void)state;
	http_get(t, "/recognition/new", &r);
	expect_status(r, 200);
	expect_contains(r, "enctype=\"multipart/form-data\"");
	expect_contains(r, "公开课");
	id = last_id();
	apply(t, "publication", today, "1", "论文《作业设计的三个层次》", two, 2, &r);
	expect_status(r, 303);
	assert_int_equal(last_id(), id + 1);
	id = last_id();
	assert_int_equal(db_int("SELECT hours10 FROM recognitions WHERE id = %lld", id), 60);
	/* the PNG sent as scan.pdf is kept as the PNG it is */
	assert_int_equal(db_int("SELECT count(*) FROM recognition_files WHERE recognition_id = %lld"
				" AND original_name = 'scan.pdf' AND mime = 'image/png'", id), 1);
	snprintf(path, sizeof path, "/recognition/%lld", id);
	http_get(t, path, &r);
	expect_status(r, 200);
	expect_contains(r, "作业设计的三个层次");
	expect_contains(r, "待学校审核");

	/* the school finds it waiting and approves */
	http_get(s, "/recognition/review", &r);
	expect_status(r, 200);
	expect_contains(r, "作业设计的三个层次");
	http_get(c, "/recognition/review", &r);
	expect_lacks(r, "作业设计的三个层次"); /* not the centre's turn yet */
	snprintf(path, sizeof path, "/recognition/%lld/review", id);
	post(c, path, "decision", "approve", NULL, NULL, &r);
	expect_status(r, 403);
	post(s, path, "decision", "approve", "comment", "情况属实", &r);
	expect_status(r, 303);
	post(s, path, "decision", "approve", NULL, NULL, &r);
	expect_status(r, 409); /* a second click */

	/* the reviewer downloads the evidence: attachment, the stored type */
	fid_pdf = db_int("SELECT id FROM recognition_files WHERE recognition_id = %lld AND mime = 'application/pdf'", id);
	fid_png = db_int("SELECT id FROM recognition_files WHERE recognition_id = %lld AND mime = 'image/png'", id);
	snprintf(path, sizeof path, "/recognition/files/%lld", fid_pdf);
	http_get(c, path, &r);
	expect_status(r, 200);
	assert_string_equal(response_header(&r, "Content-Type"), "application/pdf");
	assert_string_equal(response_header(&r, "X-Content-Type-Options"), "nosniff");
	assert_non_null(strstr(response_header(&r, "Content-Disposition"), "attachment;"));
	/* the original name, escaped: 论 is E8 AE BA, the space %20 */
	assert_non_null(strstr(response_header(&r, "Content-Disposition"), "filename*=UTF-8''%E8%AE%BA"));
	assert_non_null(strstr(response_header(&r, "Content-Disposition"), "%20"));
	assert_int_equal(r.len, sizeof PDF - 1);
	assert_memory_equal(r.body, PDF, r.len);
	snprintf(path, sizeof path, "/recognition/files/%lld", fid_png);
	http_get(s, path, &r);
	expect_status(r, 200);
	assert_string_equal(response_header(&r, "Content-Type"), "image/png");

	/* the centre approves: the ledger entry A<id> */
	snprintf(path, sizeof path, "/recognition/%lld/review", id);
	post(c, path, "decision", "approve", NULL, NULL, &r);
	expect_status(r, 303);
	expect_state(id, "approved");
	snprintf(want, sizeof want, "A%lld", id);
	assert_int_equal(db_int("SELECT count(*) FROM ledger WHERE record_id = '%q' AND source = 'recognition'"
				" AND hours10 = 60 AND day = '%q'", want, today), 1);
	post(c, path, "decision", "approve", NULL, NULL, &r);
	expect_status(r, 409);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE object = 'recognition:%lld'", id), 3);

	/* and it is in her hours, through the API */
	snprintf(path, sizeof path, "/api/v1/persons/me/hours?year=%.4s", today);
	http_get(t, path, &r);
	expect_status(r, 200);
	doc = json_loads(r.body, 0, &jerr);
	assert_non_null(doc);
	json_array_foreach(json_object_get(doc, "entries"), i, e) {
		const char *rid = json_string_value(json_object_get(e, "record_id"));

		if (rid && !strcmp(rid, want)) {
			found = true;
			assert_string_equal(json_string_value(json_object_get(e, "source")), "recognition");
			assert_string_equal(json_string_value(json_object_get(e, "hours")), "6.0");
			assert_string_equal(json_string_value(json_object_get(e, "date")), today);
		}
	}
	json_decref(doc);
	assert_true(found);
	response_free(&r);
	client_free(t);
	client_free(s);
	client_free(c);
}

static void roles_and_scope(void **state)
{
	struct client *t = client_as("teacher"), *kg = client_as("kg-centre"), *b = client_as("bureau");
	struct client *s2, *t2, *al = client_as("alliance");
	struct response r = { 0 };
	struct cli_result res;
	char path[128], fpath[128], rpath[160];
	char *other_school, *other_teacher;
	long long id, fid;

	(void)state;
	apply(t, "open_lesson", today, "1", "公开课《认识钟表》", &pdf, 1, &r);
	expect_status(r, 303);
	id = last_id();
	fid = db_int("SELECT id FROM recognition_files WHERE recognition_id = %lld", id);
	snprintf(path, sizeof path, "/recognition/%lld", id);
	snprintf(fpath, sizeof fpath, "/recognition/files/%lld", fid);

	/* another school's admin and another teacher see nothing of it */
	other_school = db_text("SELECT code FROM schools WHERE code <> (SELECT scope FROM accounts"
			       " WHERE login = 'school') AND district_code = '440106' LIMIT 1");
	other_teacher = db_text("SELECT id_number FROM persons WHERE school_id IS NOT NULL AND id <>"
				" (SELECT person_id FROM accounts WHERE login = 'teacher') LIMIT 1");
	make_account("school2", "school_admin", other_school, DEMO_PASSWORD);
	assert_int_equal(tdc_cli(&res, DEMO_PASSWORD "\n", "user", "add", "teacher2", "--role", "teacher",
				 "--person", other_teacher, "--password-stdin", "--db", harness_db(), NULL), 0);
	cli_result_free(&res);
	s2 = client_as("school2");
	t2 = client_as("teacher2");
	http_get(s2, path, &r);
	expect_status(r, 404);
	http_get(s2, fpath, &r);
	expect_status(r, 404);
	snprintf(rpath, sizeof rpath, "%s/review", path);
	post(s2, rpath, "decision", "approve", NULL, NULL, &r);
	expect_status(r, 404);
	http_get(t2, path, &r);
	expect_status(r, 404);
	http_get(t2, fpath, &r);
	expect_status(r, 404);
	http_get(s2, "/recognition/review", &r);
	expect_lacks(r, "认识钟表");
	/* the municipal centre is no reviewer of recognitions */
	http_get(kg, path, &r);
	expect_status(r, 404);
	http_get(kg, "/recognition/review", &r);
	expect_status(r, 200);
	expect_contains(r, "市级中心不参与审核");
	/* the city bureau reads, never writes */
	http_get(b, path, &r);
	expect_status(r, 200);
	expect_contains(r, "认识钟表");
	expect_lacks(r, "name=\"decision\"");
	post(b, "/recognition/x/review", "decision", "approve", NULL, NULL, &r);
	expect_status(r, 403);
	/* wrong roles at the door */
	http_get(al, path, &r);
	expect_status(r, 403);
	post(t, "/recognition/1/review", "decision", "approve", NULL, NULL, &r);
	expect_status(r, 403);
	{
		struct client *s = client_as("school");

		http_get(s, "/recognition/new", &r);
		expect_status(r, 403);
		http_get(s, "/recognition/x", &r);
		expect_status(r, 400);
		client_free(s);
	}
	expect_state(id, "applied");
	free(other_school);
	free(other_teacher);
	response_free(&r);
	client_free(t);
	client_free(t2);
	client_free(s2);
	client_free(kg);
	client_free(b);
	client_free(al);
}

static void refused_uploads_leave_nothing(void **state)
{
	static const char TEXT[] = "just words, not a photo\n";
	struct file_part text_as_jpg = { "photo.jpg", TEXT, sizeof TEXT - 1, "image/jpeg" };
	struct file_part six[6];
	struct client *t = client_as("teacher");
	struct response r = { 0 };
	char *big;
	size_t nine_mb = 9u * 1024 * 1024;
	long long before = last_id();
	int stored = files_stored();

	(void)state;
	/* a text file named .jpg, beside a good PDF */
	{
		struct file_part two[2] = { pdf, text_as_jpg };

		apply(t, "publication", today, "1", "论文", two, 2, &r);
		expect_status(r, 422);
		expect_contains(r, "photo.jpg");
		expect_contains(r, "不是 PDF、JPG 或 PNG");
	}
	/* six files */
	for (int i = 0; i < 6; i++)
		six[i] = pdf;
	apply(t, "publication", today, "1", "论文", six, 6, &r);
	expect_status(r, 422);
	/* no file at all; a date still to come */
	apply(t, "publication", today, "1", "论文", NULL, 0, &r);
	expect_status(r, 422);
	expect_contains(r, "请上传 1 至 5 个证明材料");
	apply(t, "publication", "2999-01-01", "1", "论文", &pdf, 1, &r);
	expect_status(r, 422);
	assert_int_equal(last_id(), before);
	assert_int_equal(files_stored(), stored);

	/* 9 MB is more than an ordinary form may send, and fine here */
	big = calloc(1, nine_mb);
	assert_non_null(big);
	memcpy(big, "%PDF-1.7\n", 9);
	{
		struct file_part f = { "扫描件.pdf", big, nine_mb, "application/pdf" };

		apply(t, "lecture", today, "1", "专题讲座", &f, 1, &r);
		expect_status(r, 303);
	}
	free(big);
	assert_int_equal(files_stored(), stored + 1);

	/* the cap: lecture 3 h an item, 9 a year; 3 are pending already */
	apply(t, "lecture", today, "3", "专题讲座三次", &pdf, 1, &r);
	expect_status(r, 409);
	expect_contains(r, "超出年度上限");
	expect_contains(r, "还可认定 6.0 学时");
	apply(t, "lecture", today, "2", "专题讲座两次", &pdf, 1, &r);
	expect_status(r, 303);
	assert_int_equal(files_stored(), stored + 2);
	response_free(&r);
	client_free(t);
}

/* ---- two reviewers at once ---- */

struct racer {
	struct client *c;
	const char *path;
	long status;
};

static void *race(void *arg)
{
	struct racer *x = arg;
	struct response r = { 0 };

	x->status = post(x->c, x->path, "decision", "approve", NULL, NULL, &r);
	response_free(&r);
	return NULL;
}

static void two_centre_admins_approve_at_once(void **state)
{
	struct client *t = client_as("teacher"), *s = client_as("school");
	struct client *c1 = client_as("centre"), *c2 = client_as("centre");
	struct response r = { 0 };
	struct racer a, b;
	pthread_t ta, tb;
	char path[128], rid[32];
	long long id;

	(void)state;
	apply(t, "mentoring", today, "1", "师徒结对（带教新教师）", &pdf, 1, &r);
	expect_status(r, 303);
	id = last_id();
	snprintf(path, sizeof path, "/recognition/%lld/review", id);
	post(s, path, "decision", "approve", NULL, NULL, &r);
	expect_status(r, 303);
	a = (struct racer){ c1, path, 0 };
	b = (struct racer){ c2, path, 0 };
	assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	/* one wins, the other finds it decided; one entry in the ledger */
	if (!((a.status == 303 && b.status == 409) || (a.status == 409 && b.status == 303)))
		fail_msg("two approvals at once answered %ld and %ld, expected 303 and 409", a.status, b.status);
	snprintf(rid, sizeof rid, "A%lld", id);
	assert_int_equal(db_int("SELECT count(*) FROM ledger WHERE record_id = '%q'", rid), 1);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'recognition.approve'"
				" AND object = 'recognition:%lld'", id), 2); /* the school's and one centre's */
	expect_state(id, "approved");
	response_free(&r);
	client_free(t);
	client_free(s);
	client_free(c1);
	client_free(c2);
}

static void she_withdraws(void **state)
{
	struct client *t = client_as("teacher");
	struct response r = { 0 };
	char path[128];
	long long id;

	(void)state;
	/* the demo's pending open lesson */
	id = db_int("SELECT min(id) FROM recognitions WHERE state = 'applied' AND person_id ="
		    " (SELECT person_id FROM accounts WHERE login = 'teacher')");
	assert_true(id > 0);
	http_get(t, "/recognition", &r);
	expect_status(r, 200);
	expect_contains(r, "分数的初步认识");
	client_refresh_csrf(t, "/recognition");
	snprintf(path, sizeof path, "/recognition/%lld/withdraw", id);
	post(t, path, NULL, NULL, NULL, NULL, &r);
	expect_redirect(r, "/recognition?done=withdrawn");
	expect_state(id, "withdrawn");
	post(t, path, NULL, NULL, NULL, NULL, &r);
	expect_status(r, 409);
	response_free(&r);
	client_free(t);
}

static void the_rules(void **state)
{
	struct client *c = client_as("centre"), *kg = client_as("kg-centre"), *t = client_as("teacher");
	struct client *a = client_as("admin");
	struct response r = { 0 };
	char *body;

	(void)state;
	http_get(t, "/recognition/rules", &r);
	expect_status(r, 200);
	expect_contains(r, "公开课");
	expect_lacks(r, "name=\"hours\"");
	http_get(c, "/recognition/rules", &r);
	expect_status(r, 200);
	expect_contains(r, "name=\"hours\"");
	client_refresh_csrf(c, "/recognition/rules");
	body = form_encode("csrf", c->csrf, "region", "440106", "kind", "research", "hours", "8",
			   "cap", "16", "category", "other", "active", "1", (char *)NULL);
	http_request(c, "POST", "/recognition/rules", NULL, body, strlen(body), &r);
	free(body);
	expect_redirect(r, "/recognition/rules?done=rule");
	assert_int_equal(db_int("SELECT cap10 FROM recognition_rules WHERE region_code = '440106'"
				" AND kind = 'research'"), 160);
	/* a cap below one item; another district's table */
	body = form_encode("csrf", c->csrf, "region", "440106", "kind", "research", "hours", "8",
			   "cap", "7.5", (char *)NULL);
	http_request(c, "POST", "/recognition/rules", NULL, body, strlen(body), &r);
	free(body);
	expect_status(r, 422);
	body = form_encode("csrf", c->csrf, "region", "440105", "kind", "research", "hours", "8",
			   "cap", "16", (char *)NULL);
	http_request(c, "POST", "/recognition/rules", NULL, body, strlen(body), &r);
	free(body);
	expect_status(r, 403);
	client_refresh_csrf(kg, "/recognition/rules");
	body = form_encode("csrf", kg->csrf, "region", "440106", "kind", "research", "hours", "1",
			   "cap", "1", (char *)NULL);
	http_request(kg, "POST", "/recognition/rules", NULL, body, strlen(body), &r);
	free(body);
	expect_status(r, 403);
	/* the system admin keeps any region's */
	client_refresh_csrf(a, "/recognition/rules?region=440105");
	body = form_encode("csrf", a->csrf, "region", "440105", "kind", "degree", "hours", "20",
			   "cap", "20", "category", "qualification", (char *)NULL);
	http_request(a, "POST", "/recognition/rules", NULL, body, strlen(body), &r);
	free(body);
	expect_redirect(r, "/recognition/rules?region=440105&done=rule");
	assert_int_equal(db_int("SELECT active FROM recognition_rules WHERE region_code = '440105'"
				" AND kind = 'degree'"), 0); /* the box was not ticked */
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'recognition.rule'"), 2);
	response_free(&r);
	client_free(c);
	client_free(kg);
	client_free(t);
	client_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_journey),
		cmocka_unit_test(roles_and_scope),
		cmocka_unit_test(refused_uploads_leave_nothing),
		cmocka_unit_test(two_centre_admins_approve_at_once),
		cmocka_unit_test(she_withdraws),
		cmocka_unit_test(the_rules),
		cmocka_unit_test(harness_test_server_stops),
	};

	return cmocka_run_group_tests_name("recognition", tests, setup, harness_group_teardown);
}
