/* test_reports.c - appraisals, events and the reports as people use them
 * (issue 6 §4, §7): 'tdc import appraisals|events' through the binary
 * (a bad row named by line and column with exit 1, --skip-bad and its
 * rejects, a re-import), 'tdc report assessment|registration' in CSV, JSON
 * and .xlsx with their exact headers and keys, --lang en, masking and the
 * audited --unmasked, a scope; the JSON API per role and scope, equal to
 * the command line's JSON; the person page's lists and forms (CSRF, scope,
 * errors, audit); and the registration report page with its downloads. */
#include "harness.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zip.h>

/* The demo school admin's school, in district 440106 (天河区). */
#define SCHOOL "3444102077"
#define DISTRICT "440106"
#define REG_HEADER_ZH "身份证号,姓名,学校标识码,周期起始年度,周期学时,应修学时,注册结果,原因\r\n"
#define REG_HEADER_EN "id_number,name,school_code,cycle_start,hours,required,outcome,reasons\r\n"
#define ASM_HEADER_ZH "身份证号,姓名,学校标识码,年度,学时,应修学时,是否合格\r\n"
#define ASM_HEADER_EN "id_number,name,school_code,year,hours,required,passed\r\n"

static int setup(void **state)
{
	return harness_group_setup(state);
}

static int teardown(void **state)
{
	return harness_group_teardown(state);
}

/* A file in the test's temporary directory with this text. */
static const char *write_file(const char *name, const char *text)
{
	static char path[4][PATH_MAX];
	static int next;
	char *p = path[next++ % 4];
	FILE *f;

	snprintf(p, PATH_MAX, "%s/%s", harness_dir(), name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *data;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	return data;
}

/* Two teachers of the demo school, the first the lower id. */
static void two_teachers(char **a, char **b)
{
	*a = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
		     " WHERE s.code = '" SCHOOL "' AND p.status = 'serving' ORDER BY p.id LIMIT 1");
	*b = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
		     " WHERE s.code = '" SCHOOL "' AND p.status = 'serving' ORDER BY p.id LIMIT 1 OFFSET 1");
	assert_non_null(*a);
	assert_non_null(*b);
}

static long lines_of(const char *text)
{
	long n = 0;

	for (const char *p = text; (p = strstr(p, "\r\n")); p += 2)
		n++;
	return n;
}

static void cli_ok(struct cli_result *r)
{
	if (r->status != 0)
		fail_msg("exit %d; stderr:\n%s\nstdout:\n%s", r->status, r->err, r->out);
}

/* ---- tdc import appraisals|events ---- */

static void import_appraisals_through_the_binary(void **state)
{
	struct cli_result r;
	char *a, *b, text[2048], path[PATH_MAX], *rej;
	const char *file;

	(void)state;
	two_teachers(&a, &b);
	snprintf(text, sizeof text, "身份证号,年度,结果\n%s,2020,合格\n%s,2020,良好\n%s,2099,合格\n",
		 a, b, b);
	file = write_file("apr.csv", text);
	/* all or nothing: two bad rows, named, exit 1, nothing written */
	tdc_cli(&r, NULL, "import", "appraisals", file, "--db", harness_db(), NULL);
	assert_int_equal(r.status, 1);
	if (!strstr(r.err, "apr.csv:3: 结果 column: \"良好\" is not a known value") ||
	    !strstr(r.err, "apr.csv:4: 年度 column: the year 2099 is in the future"))
		fail_msg("stderr:\n%s", r.err);
	assert_int_equal(db_int("SELECT count(*) FROM appraisals WHERE year = 2020"), 0);
	cli_result_free(&r);
	/* --skip-bad: the good row in, the bad ones beside the file */
	tdc_cli(&r, NULL, "import", "appraisals", file, "--skip-bad", "--db", harness_db(), NULL);
	cli_ok(&r);
	if (!strstr(r.out, "1 new") || !strstr(r.out, "2 rejected"))
		fail_msg("stdout:\n%s", r.out);
	cli_result_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM appraisals a JOIN persons p ON p.id = a.person_id"
				" WHERE a.year = 2020 AND p.id_number = '%q' AND a.result = 'qualified'", a), 1);
	snprintf(path, sizeof path, "%s/apr.rejects.csv", harness_dir());
	rej = read_file(path);
	assert_non_null(rej);
	if (!strstr(rej, "原因") || !strstr(rej, "良好") || !strstr(rej, "2099"))
		fail_msg("rejects:\n%s", rej);
	free(rej);
	/* the same file again, good row only: unchanged; another result: changed, audited */
	snprintf(text, sizeof text, "id_number,year,result\n%s,2020,basic\n", a);
	file = write_file("apr2.csv", text);
	tdc_cli(&r, NULL, "import", "appraisals", file, "--db", harness_db(), NULL);
	cli_ok(&r);
	if (!strstr(r.out, "0 new, 1 changed"))
		fail_msg("stdout:\n%s", r.out);
	cli_result_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'appraisal.update'"
				" AND detail LIKE '2020: qualified -> basic%%'"), 1);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'import.appraisals'"), 2);
	/* the template */
	snprintf(path, sizeof path, "%s/apr-template.xlsx", harness_dir());
	tdc_cli(&r, NULL, "import", "appraisals", "--template", path, NULL);
	cli_ok(&r);
	cli_result_free(&r);
	assert_true(access(path, R_OK) == 0);
	free(a);
	free(b);
}

static void import_events_through_the_binary(void **state)
{
	struct cli_result r;
	char *a, *b, text[2048];
	const char *file;

	(void)state;
	two_teachers(&a, &b);
	snprintf(text, sizeof text,
		 "身份证号,类型,开始日期,结束日期,说明\n"
		 "%s,中止教学,2019-09-01,,停课\n"
		 "%s,师德违规,2019-05-04,2019-05-05,\n", a, b);
	file = write_file("ev.csv", text);
	tdc_cli(&r, NULL, "import", "events", file, "--db", harness_db(), NULL);
	assert_int_equal(r.status, 1);
	if (!strstr(r.err, "ev.csv:2: 结束日期 column: 中止教学 needs an end date") ||
	    !strstr(r.err, "ev.csv:3: 结束日期 column: 师德违规 has no end date"))
		fail_msg("stderr:\n%s", r.err);
	cli_result_free(&r);
	snprintf(text, sizeof text,
		 "身份证号,类型,开始日期,结束日期,说明\n"
		 "%s,中止教学,2019-09-01,2019-12-31,停课\n"
		 "%s,批准离岗,2019-03-01,2019-08-31,产假\n", a, b);
	file = write_file("ev.csv", text);
	tdc_cli(&r, NULL, "import", "events", file, "--dry-run", "--db", harness_db(), NULL);
	cli_ok(&r);
	cli_result_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM person_events WHERE start_date LIKE '2019-%%'"), 0);
	tdc_cli(&r, NULL, "import", "events", file, "--db", harness_db(), NULL);
	cli_ok(&r);
	if (!strstr(r.out, "2 new"))
		fail_msg("stdout:\n%s", r.out);
	cli_result_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM person_events WHERE start_date LIKE '2019-%%'"), 2);
	free(a);
	free(b);
}

/* ---- tdc report ---- */

static void registration_report_csv_json_xlsx(void **state)
{
	struct cli_result r;
	long long serving = db_int("SELECT count(*) FROM persons WHERE status = 'serving'");
	json_t *doc, *o;
	json_error_t je;
	char path[PATH_MAX], *x;
	const char *key;
	static const char *const keys[] = { "id_number", "name", "school_code", "cycle_start", "hours",
					    "required", "outcome", "reasons", NULL };
	int k;

	(void)state;
	tdc_cli(&r, NULL, "report", "registration", "--cycle", "2021", "--format", "csv", "--db",
		harness_db(), NULL);
	cli_ok(&r);
	if (strncmp(r.out, "\xEF\xBB\xBF" REG_HEADER_ZH, strlen(REG_HEADER_ZH) + 3))
		fail_msg("header:\n%.200s", r.out);
	/* everyone serving at the end of the cycle: at least the serving now */
	assert_true(lines_of(r.out) - 1 >= serving);
	assert_non_null(strstr(r.out, ",2021,"));
	assert_null(strstr(r.out, "440106198")); /* no whole number: masked */
	assert_non_null(strstr(r.out, "**********"));
	cli_result_free(&r);

	tdc_cli(&r, NULL, "report", "registration", "--cycle", "2021", "--format", "csv", "--lang", "en",
		"--db", harness_db(), NULL);
	cli_ok(&r);
	assert_int_equal(strncmp(r.out, "\xEF\xBB\xBF" REG_HEADER_EN, strlen(REG_HEADER_EN) + 3), 0);
	cli_result_free(&r);

	tdc_cli(&r, NULL, "report", "registration", "--cycle", "2021", "--format", "json", "--db",
		harness_db(), NULL);
	cli_ok(&r);
	doc = json_loads(r.out, 0, &je);
	if (!json_is_array(doc))
		fail_msg("not a JSON array: %s\n%.300s", je.text, r.out);
	assert_true((long long)json_array_size(doc) >= serving);
	o = json_array_get(doc, 0);
	/* exactly these keys, in this order */
	k = 0;
	for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it), k++) {
		key = json_object_iter_key(it);
		if (!keys[k] || strcmp(key, keys[k]))
			fail_msg("key %d is %s", k, key);
	}
	assert_null(keys[k]);
	assert_true(json_is_integer(json_object_get(o, "cycle_start")));
	assert_true(json_is_string(json_object_get(o, "hours")));
	assert_true(json_is_array(json_object_get(o, "reasons")));
	/* "71.5": one decimal */
	{
		const char *h = json_string_value(json_object_get(o, "hours"));
		const char *dot = strchr(h, '.');

		assert_non_null(dot);
		assert_int_equal(strlen(dot), 2);
	}
	/* someone refused or deferred has codes, never words */
	for (size_t i = 0; i < json_array_size(doc); i++) {
		json_t *row = json_array_get(doc, i), *rs = json_object_get(row, "reasons");
		const char *out = json_string_value(json_object_get(row, "outcome"));

		assert_true(!strcmp(out, "qualified") || !strcmp(out, "deferred") || !strcmp(out, "refused"));
		assert_int_equal(!strcmp(out, "qualified"), json_array_size(rs) == 0);
		for (size_t j = 0; j < json_array_size(rs); j++) {
			const char *c = json_string_value(json_array_get(rs, j));

			assert_true(!strcmp(c, "ethics") || !strcmp(c, "appraisal") || !strcmp(c, "revoked") ||
				    !strcmp(c, "hours") || !strcmp(c, "no_appraisal") ||
				    !strcmp(c, "suspension"));
		}
	}
	json_decref(doc);
	cli_result_free(&r);

	/* .xlsx: a workbook whose sheet holds the Chinese headers */
	snprintf(path, sizeof path, "%s/reg.xlsx", harness_dir());
	tdc_cli(&r, NULL, "report", "registration", "--cycle", "2021", "--format", "xlsx", "--out", path,
		"--db", harness_db(), NULL);
	cli_ok(&r);
	assert_non_null(strstr(r.err, "rows written to"));
	cli_result_free(&r);
	{
		int ze;
		zip_t *z = zip_open(path, ZIP_RDONLY, &ze);
		zip_stat_t st;
		zip_file_t *f;

		assert_non_null(z);
		assert_int_equal(zip_stat(z, "xl/worksheets/sheet1.xml", 0, &st), 0);
		x = malloc(st.size + 1);
		f = zip_fopen(z, "xl/worksheets/sheet1.xml", 0);
		assert_int_equal(zip_fread(f, x, st.size), (zip_int64_t)st.size);
		x[st.size] = '\0';
		zip_fclose(f);
		zip_close(z);
		if (!strstr(x, "注册结果") || !strstr(x, "周期起始年度"))
			fail_msg("sheet1.xml lacks the headers:\n%.400s", x);
		free(x);
	}
}

static void registration_report_scope_and_unmasked(void **state)
{
	struct cli_result r;
	long long in_school = db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				     " WHERE s.code = '" SCHOOL "' AND p.status = 'serving'");
	char *a = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
			  " WHERE s.code = '" SCHOOL "' AND p.status = 'serving' ORDER BY p.id LIMIT 1");

	(void)state;
	tdc_cli(&r, NULL, "report", "registration", "--cycle", "2021", "--format", "csv", "--scope",
		SCHOOL, "--unmasked", "--lang", "en", "--db", harness_db(), NULL);
	cli_ok(&r);
	assert_true(lines_of(r.out) - 1 >= in_school);
	/* every row of the school, whole numbers */
	for (const char *p = strstr(r.out, "\r\n") + 2; *p; p = strstr(p, "\r\n") + 2)
		if (strncmp(strchr(strchr(p, ',') + 1, ',') + 1, SCHOOL ",", 11))
			fail_msg("a row of another school: %.80s", p);
	assert_non_null(strstr(r.out, a));
	cli_result_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'export.unmasked'"
				" AND object = 'scope:" SCHOOL "' AND detail LIKE 'registration report 2021%%'"), 1);
	/* an unknown scope fails; misuse is 2 */
	tdc_cli(&r, NULL, "report", "registration", "--cycle", "2021", "--format", "csv", "--scope",
		"9999999999", "--db", harness_db(), NULL);
	assert_int_equal(r.status, 1);
	cli_result_free(&r);
	tdc_cli(&r, NULL, "report", "registration", "--year", "2021", "--format", "csv", "--db",
		harness_db(), NULL);
	assert_int_equal(r.status, 2);
	cli_result_free(&r);
	tdc_cli(&r, NULL, "report", "assessment", "--year", "2025", "--format", "pdf", "--db",
		harness_db(), NULL);
	assert_int_equal(r.status, 2);
	cli_result_free(&r);
	free(a);
}

static void assessment_report_formats(void **state)
{
	struct cli_result r;
	json_t *doc;
	static const char *const keys[] = { "id_number", "name", "school_code", "year", "hours",
					    "required", "passed", NULL };

	(void)state;
	tdc_cli(&r, NULL, "report", "assessment", "--year", "2025", "--format", "csv", "--db",
		harness_db(), NULL);
	cli_ok(&r);
	assert_int_equal(strncmp(r.out, "\xEF\xBB\xBF" ASM_HEADER_ZH, strlen(ASM_HEADER_ZH) + 3), 0);
	cli_result_free(&r);
	tdc_cli(&r, NULL, "report", "assessment", "--year", "2025", "--format", "csv", "--lang", "en",
		"--scope", DISTRICT, "--db", harness_db(), NULL);
	cli_ok(&r);
	assert_int_equal(strncmp(r.out, "\xEF\xBB\xBF" ASM_HEADER_EN, strlen(ASM_HEADER_EN) + 3), 0);
	cli_result_free(&r);
	tdc_cli(&r, NULL, "report", "assessment", "--year", "2025", "--format", "json", "--db",
		harness_db(), NULL);
	cli_ok(&r);
	doc = json_loads(r.out, 0, NULL);
	assert_true(json_is_array(doc));
	for (size_t i = 0; i < json_array_size(doc) && i < 50; i++) {
		json_t *o = json_array_get(doc, i);
		int k = 0;

		for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it), k++)
			if (!keys[k] || strcmp(json_object_iter_key(it), keys[k]))
				fail_msg("key %d is %s", k, json_object_iter_key(it));
		assert_null(keys[k]);
		assert_true(json_is_boolean(json_object_get(o, "passed")));
		assert_int_equal(json_integer_value(json_object_get(o, "year")), 2025);
		assert_non_null(strchr(json_string_value(json_object_get(o, "required")), '.'));
	}
	json_decref(doc);
	cli_result_free(&r);
}

/* ---- the API ---- */

static void api_per_role_and_scope(void **state)
{
	struct client *t = client_as("teacher"), *sch = client_as("school"), *cen = client_as("centre");
	struct response resp = { 0 };
	struct cli_result r;
	json_t *api, *cli;

	(void)state;
	/* a teacher: her own row, and no one else's */
	http_get(t, "/api/v1/reports/registration?cycle=2021", &resp);
	expect_status(resp, 200);
	api = json_loads(resp.body, 0, NULL);
	assert_true(json_is_array(api));
	assert_int_equal(json_array_size(api), 1);
	{
		char *mine = db_text("SELECT p.id_number FROM accounts a JOIN persons p ON p.id = a.person_id"
				     " WHERE a.login = 'teacher'");
		const char *got = json_string_value(json_object_get(json_array_get(api, 0), "id_number"));

		assert_non_null(mine);
		assert_non_null(got);
		assert_memory_equal(got, mine, 4);            /* masked, but hers */
		assert_memory_equal(got + 14, mine + 14, 4);
		free(mine);
	}
	json_decref(api);
	response_free(&resp);
	http_get(t, "/api/v1/reports/assessment?year=2025", &resp);
	expect_status(resp, 200);
	api = json_loads(resp.body, 0, NULL);
	assert_true(json_is_array(api) && json_array_size(api) <= 1);
	json_decref(api);
	response_free(&resp);
	http_get(sch, "/api/v1/reports/registration", &resp);
	expect_status(resp, 400);
	response_free(&resp);
	http_get(sch, "/api/v1/reports/registration?cycle=20x1", &resp);
	expect_status(resp, 400);
	response_free(&resp);
	/* cycles are aligned to fixed years: 2023 is inside 2021-2025 */
	http_get(sch, "/api/v1/reports/registration?cycle=2023", &resp);
	expect_status(resp, 400);
	expect_contains(resp, "2021-2025");
	response_free(&resp);
	http_get(sch, "/api/v1/reports/registration?cycle=2031", &resp);
	expect_status(resp, 400);
	response_free(&resp);
	http_get(sch, "/api/v1/reports/assessment?year=2099", &resp);
	expect_status(resp, 400);
	response_free(&resp);
	http_get(sch, "/reports/registration?cycle=2023", &resp);
	expect_status(resp, 400);
	response_free(&resp);
	tdc_cli(&r, NULL, "report", "registration", "--cycle", "2022", "--format", "csv", "--db",
		harness_db(), NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "not the first year of a cycle"));
	assert_int_equal(r.out[0], '\0');   /* nothing written */
	cli_result_free(&r);
	tdc_cli(&r, NULL, "assess", "--year", "2099", "--db", harness_db(), NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "2099 has not begun"));
	cli_result_free(&r);
	/* the school admin: exactly her school's rows, as the command line writes them */
	http_get(sch, "/api/v1/reports/registration?cycle=2021", &resp);
	expect_status(resp, 200);
	api = json_loads(resp.body, 0, NULL);
	assert_true(json_is_array(api));
	response_free(&resp);
	tdc_cli(&r, NULL, "report", "registration", "--cycle", "2021", "--format", "json", "--scope",
		SCHOOL, "--db", harness_db(), NULL);
	cli_ok(&r);
	cli = json_loads(r.out, 0, NULL);
	assert_true(json_array_size(api) > 0);
	if (!json_equal(api, cli))
		fail_msg("the API's answer differs from 'tdc report --scope %s'", SCHOOL);
	json_decref(api);
	json_decref(cli);
	cli_result_free(&r);
	/* the district centre: its district, more than one school */
	http_get(cen, "/api/v1/reports/registration?cycle=2021", &resp);
	expect_status(resp, 200);
	api = json_loads(resp.body, 0, NULL);
	response_free(&resp);
	tdc_cli(&r, NULL, "report", "registration", "--cycle", "2021", "--format", "json", "--scope",
		DISTRICT, "--db", harness_db(), NULL);
	cli = json_loads(r.out, 0, NULL);
	if (!json_equal(api, cli))
		fail_msg("the centre's answer differs from 'tdc report --scope %s'", DISTRICT);
	json_decref(api);
	json_decref(cli);
	cli_result_free(&r);
	http_get(cen, "/api/v1/reports/assessment?year=2025", &resp);
	expect_status(resp, 200);
	api = json_loads(resp.body, 0, NULL);
	assert_true(json_is_array(api));
	json_decref(api);
	response_free(&resp);
	client_free(t);
	client_free(sch);
	client_free(cen);
}

/* ---- the person page ---- */

static void person_page_lists_and_forms(void **state)
{
	struct client *sch = client_as("school"), *t = client_as("teacher"), *kg = client_as("kg-centre");
	struct response resp = { 0 };
	long long pid = db_int("SELECT p.id FROM persons p JOIN schools s ON s.id = p.school_id"
			       " WHERE s.code = '" SCHOOL "' AND p.status = 'serving' ORDER BY p.id LIMIT 1 OFFSET 2");
	long long other = db_int("SELECT p.id FROM persons p JOIN schools s ON s.id = p.school_id"
				 " WHERE s.code <> '" SCHOOL "' ORDER BY p.id LIMIT 1");
	char page[64], post[80], post_other[80], *form;

	(void)state;
	snprintf(page, sizeof page, "/persons/p%lld", pid);
	snprintf(post, sizeof post, "/persons/p%lld/appraisals", pid);
	snprintf(post_other, sizeof post_other, "/persons/p%lld/appraisals", other);
	client_refresh_csrf(sch, page);
	http_get(sch, page, &resp);
	expect_status(resp, 200);
	expect_contains(resp, "id=\"appraisals\"");
	expect_contains(resp, "年度考核");
	expect_contains(resp, "action=\"/persons/p");   /* the forms */
	expect_contains(resp, "inputmode=\"numeric\" max=\"");
	expect_lacks(resp, "\"&gt;");                     /* markup, not escaped text */
	response_free(&resp);
	/* without the CSRF token: refused */
	http_post_form(sch, post, "year=2020&result=excellent", &resp);
	expect_status(resp, 403);
	response_free(&resp);
	form = form_encode("csrf", sch->csrf, "year", "2020", "result", "excellent", NULL);
	http_post_form(sch, post, form, &resp);
	expect_status(resp, 303);
	if (!strstr(response_header(&resp, "Location"), "done=saved"))
		fail_msg("Location %s", response_header(&resp, "Location"));
	response_free(&resp);
	free(form);
	assert_int_equal(db_int("SELECT count(*) FROM appraisals WHERE person_id = %lld AND year = 2020"
				" AND result = 'excellent' AND entered_by = 'school'", pid), 1);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action IN ('appraisal.create',"
				" 'appraisal.update') AND actor = 'school'"), 1);
	/* the same again: unchanged */
	form = form_encode("csrf", sch->csrf, "year", "2020", "result", "优秀", NULL);
	http_post_form(sch, post, form, &resp);
	expect_status(resp, 303);
	if (!strstr(response_header(&resp, "Location"), "done=unchanged"))
		fail_msg("Location %s", response_header(&resp, "Location"));
	response_free(&resp);
	free(form);
	/* a year to come: 422 with the reason */
	form = form_encode("csrf", sch->csrf, "year", "2099", "result", "qualified", NULL);
	http_post_form(sch, post, form, &resp);
	expect_status(resp, 422);
	expect_contains(resp, "年度 2099 尚未到来");
	response_free(&resp);
	free(form);
	/* another school's teacher is not hers: 404 */
	form = form_encode("csrf", sch->csrf, "year", "2024", "result", "qualified", NULL);
	http_post_form(sch, post_other, form, &resp);
	expect_status(resp, 404);
	response_free(&resp);
	free(form);
	/* an event: a suspension needs its end; then with it */
	snprintf(post, sizeof post, "/persons/p%lld/events", pid);
	form = form_encode("csrf", sch->csrf, "kind", "suspension", "start", "2024-03-01", "end", "",
			   "note", "", NULL);
	http_post_form(sch, post, form, &resp);
	expect_status(resp, 422);
	expect_contains(resp, "中止教学需要结束日期");
	response_free(&resp);
	free(form);
	form = form_encode("csrf", sch->csrf, "kind", "suspension", "start", "2024-03-01", "end",
			   "2024-04-30", "note", "<调查>", NULL);
	http_post_form(sch, post, form, &resp);
	expect_status(resp, 303);
	response_free(&resp);
	free(form);
	assert_int_equal(db_int("SELECT count(*) FROM person_events WHERE person_id = %lld AND"
				" kind = 'suspension' AND end_date = '2024-04-30'", pid), 1);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'event.create'"
				" AND actor = 'school'"), 1);
	/* the page lists both, the note escaped */
	http_get(sch, page, &resp);
	expect_contains(resp, "2024-04-30");
	expect_contains(resp, "&lt;调查&gt;");
	expect_contains(resp, "优秀");
	response_free(&resp);
	/* a teacher reads her own page without the forms, and cannot post */
	http_get(t, "/persons/me", &resp);
	if (resp.status == 200) {
		expect_contains(resp, "id=\"appraisals\"");
		expect_lacks(resp, "/appraisals\">");
	}
	response_free(&resp);
	client_refresh_csrf(t, "/");
	form = form_encode("csrf", t->csrf, "year", "2020", "result", "excellent", NULL);
	http_post_form(t, post, form, &resp);
	assert_true(resp.status == 403 || resp.status == 404);
	response_free(&resp);
	free(form);
	/* the kindergarten centre does not see a complete school's teacher */
	client_refresh_csrf(kg, "/");
	form = form_encode("csrf", kg->csrf, "year", "2020", "result", "excellent", NULL);
	http_post_form(kg, post, form, &resp);
	expect_status(resp, 404);
	response_free(&resp);
	free(form);
	/* the research centre's domain spans the city: it reads her page, but
	 * appraisals are her school's and her district's to give */
	{
		struct client *yx;

		make_account("yx-centre", "centre_admin", "gz-yx", DEMO_PASSWORD);
		yx = client_as("yx-centre");
		http_get(yx, page, &resp);
		expect_status(resp, 200);
		expect_lacks(resp, "/appraisals\">");
		response_free(&resp);
		client_refresh_csrf(yx, "/");
		form = form_encode("csrf", yx->csrf, "year", "2020", "result", "unqualified", NULL);
		http_post_form(yx, post, form, &resp);
		expect_status(resp, 403);
		response_free(&resp);
		free(form);
		client_free(yx);
	}
	client_free(sch);
	client_free(t);
	client_free(kg);
}

/* ---- the report page ---- */

static void registration_page_and_downloads(void **state)
{
	struct client *cen = client_as("centre"), *t = client_as("teacher");
	struct response resp = { 0 };

	(void)state;
	http_get(cen, "/reports/registration?cycle=2021", &resp);
	expect_status(resp, 200);
	expect_contains(resp, "<svg");
	expect_contains(resp, "注册结果占比");
	expect_contains(resp, "按学校");          /* a district centre: by school */
	expect_contains(resp, "暂缓注册");
	expect_contains(resp, "/reports/registration.xlsx?cycle=2021");
	response_free(&resp);
	http_get(cen, "/reports/registration?cycle=2021&page=2", &resp);
	expect_status(resp, 200);
	response_free(&resp);
	http_get(cen, "/reports/registration?cycle=abc", &resp);
	expect_status(resp, 400);
	response_free(&resp);
	http_get(cen, "/reports/registration.csv?cycle=2021", &resp);
	expect_status(resp, 200);
	assert_int_equal(strncmp(resp.body, "\xEF\xBB\xBF" REG_HEADER_ZH, strlen(REG_HEADER_ZH) + 3), 0);
	assert_non_null(strstr(response_header(&resp, "Content-Disposition"), "registration-2021.csv"));
	response_free(&resp);
	http_get(cen, "/reports/registration.xlsx?cycle=2021", &resp);
	expect_status(resp, 200);
	assert_int_equal(memcmp(resp.body, "PK", 2), 0);
	response_free(&resp);
	http_get(t, "/reports/registration?cycle=2021", &resp);
	expect_status(resp, 403);
	response_free(&resp);
	client_free(cen);
	client_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(import_appraisals_through_the_binary),
		cmocka_unit_test(import_events_through_the_binary),
		cmocka_unit_test(registration_report_csv_json_xlsx),
		cmocka_unit_test(registration_report_scope_and_unmasked),
		cmocka_unit_test(assessment_report_formats),
		cmocka_unit_test(api_per_role_and_scope),
		cmocka_unit_test(person_page_lists_and_forms),
		cmocka_unit_test(registration_page_and_downloads),
		cmocka_unit_test(harness_test_server_stops),
	};

	return cmocka_run_group_tests_name("reports", tests, setup, teardown);
}
