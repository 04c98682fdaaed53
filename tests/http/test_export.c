/* test_export.c - the downloads and 'tdc export': what each role gets
 * (its scope, masked numbers, the bureau's masked phones), the .xlsx and
 * CSV answers and their headers, the filters, the import templates, and
 * the command line's exit codes and audit row. */
#include "harness.h"

#include <stdio.h>
#include <pty.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#define SCHOOL "3444102077"
#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static int setup(void **state)
{
	return harness_group_setup(state);
}

static int teardown(void **state)
{
	return harness_group_teardown(state);
}

/* Data lines of a CSV answer, after checking its BOM and header. */
static long csv_rows(const struct response *r, const char *header)
{
	long n = 0;

	if (r->len < 3 || memcmp(r->body, "\xEF\xBB\xBF", 3))
		fail_msg("the CSV does not start with a UTF-8 BOM");
	if (strncmp(r->body + 3, header, strlen(header)))
		fail_msg("the CSV's header is not the import's:\n%.200s", r->body + 3);
	for (const char *p = r->body + 3; (p = strstr(p, "\r\n")); p += 2)
		n++;
	return n - 1;
}

/* A member of a zip held in memory, NUL-terminated, malloc'd; NULL when absent. */
static char *zip_member(const struct response *r, const char *name)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	zip_file_t *f;
	char *data = NULL;

	zip_error_init(&ze);
	src = zip_source_buffer_create(r->body, r->len, 0, &ze);
	assert_non_null(src);
	z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!z)
		fail_msg("the answer is not a zip: %s", zip_error_strerror(&ze));
	if (zip_stat(z, name, 0, &st) == 0 && (f = zip_fopen(z, name, 0))) {
		data = malloc(st.size + 1);
		assert_non_null(data);
		assert_int_equal(zip_fread(f, data, st.size), (zip_int64_t)st.size);
		data[st.size] = '\0';
		zip_fclose(f);
	}
	zip_close(z);
	zip_error_fini(&ze);
	return data;
}

static void expect_download(const struct response *r, const char *type, const char *ascii_name_start)
{
	const char *ct = response_header(r, "Content-Type");
	const char *cd = response_header(r, "Content-Disposition");

	if (!ct || strcmp(ct, type))
		fail_msg("Content-Type %s, expected %s", ct ? ct : "(none)", type);
	if (!cd || strncmp(cd, "attachment; filename=\"", 22) || !strstr(cd, ascii_name_start) ||
	    !strstr(cd, "; filename*=UTF-8''"))
		fail_msg("Content-Disposition %s", cd ? cd : "(none)");
}

static const char TEACHER_HEADER[] =
	"身份证号,姓名,学校标识码,岗位,学科,职称,学历,骨干级别,入职日期,手机,状态,所属中心\r\n";
static const char SCHOOL_HEADER[] = "学校标识码,学校名称,行政区划代码,学段,办学性质,状态\r\n";

static void school_admin_gets_her_school_masked(void **state)
{
	struct client *c = client_as("school");
	struct response r = { 0 };
	long long want = db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				" WHERE s.code = '" SCHOOL "'");
	char *id = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
			   " WHERE s.code = '" SCHOOL "' ORDER BY p.id LIMIT 1");
	char *phone = db_text("SELECT p.phone FROM persons p JOIN schools s ON s.id = p.school_id"
			      " WHERE s.code = '" SCHOOL "' AND p.phone <> '' ORDER BY p.id LIMIT 1");
	char masked[19];

	(void)state;
	http_get(c, "/persons/export?format=csv", &r);
	expect_status(r, 200);
	expect_download(&r, "text/csv; charset=utf-8", "teachers-");
	/* the Chinese name, percent-encoded: 教师名册 */
	assert_non_null(strstr(response_header(&r, "Content-Disposition"),
			       "UTF-8''%E6%95%99%E5%B8%88%E5%90%8D%E5%86%8C-"));
	assert_true(want > 0);
	assert_int_equal(csv_rows(&r, TEACHER_HEADER), want);
	/* every row is of her school, and no number is whole */
	for (const char *p = strstr(r.body, "\r\n") + 2; *p; p = strstr(p, "\r\n") + 2)
		if (strncmp(strchr(strchr(p, ',') + 1, ',') + 1, SCHOOL ",", 11))
			fail_msg("a row of another school: %.80s", p);
	expect_lacks(r, id);
	snprintf(masked, sizeof masked, "%.4s**********%s", id, id + 14);
	expect_contains(r, masked);
	/* she may change these records: phones whole */
	expect_contains(r, phone);
	free(id);
	free(phone);
	response_free(&r);
	client_free(c);
}

static void bureau_exports_schools_as_xlsx(void **state)
{
	struct client *c = client_as("bureau");
	struct response r = { 0 };
	char *sheet, want[64];

	(void)state;
	http_get(c, "/schools/export?format=xlsx", &r);
	expect_status(r, 200);
	expect_download(&r, XLSX_TYPE, "schools-");
	assert_true(r.len > 4 && !memcmp(r.body, "PK\3\4", 4));
	sheet = zip_member(&r, "xl/worksheets/sheet1.xml");
	assert_non_null(sheet);
	assert_non_null(strstr(sheet, "state=\"frozen\""));
	assert_non_null(strstr(sheet, "<t>学校标识码</t>"));
	snprintf(want, sizeof want, "<autoFilter ref=\"A1:F%lld\"/>",
		 db_int("SELECT count(*) FROM schools") + 1);
	assert_non_null(strstr(sheet, want));
	free(sheet);
	response_free(&r);
	client_free(c);
}

static void bureau_sees_filters_and_masked_phones(void **state)
{
	struct client *c = client_as("bureau");
	struct response r = { 0 };
	char *phone = db_text("SELECT phone FROM persons WHERE title = 'senior' AND phone <> ''"
			      " ORDER BY id LIMIT 1");

	(void)state;
	http_get(c, "/persons/export?format=csv&title=senior&status=serving", &r);
	expect_status(r, 200);
	assert_int_equal(csv_rows(&r, TEACHER_HEADER),
			 db_int("SELECT count(*) FROM persons WHERE title = 'senior' AND status = 'serving'"));
	expect_lacks(r, ",一级,");
	/* read-only: 138****8000, as on the pages */
	expect_lacks(r, phone);
	expect_contains(r, "****");
	free(phone);
	/* a default format, and the list pages' own filter checks */
	http_get(c, "/persons/export?district=440106", &r);
	expect_status(r, 200);
	expect_download(&r, XLSX_TYPE, "teachers-");
	http_get(c, "/persons/export?format=pdf", &r);
	expect_status(r, 400);
	http_get(c, "/persons/export?format=csv&stage=nope", &r);
	expect_status(r, 400);
	http_get(c, "/schools/export?format=csv&q=%E4%B8%AD%E5%AD%A6", &r);
	expect_status(r, 200);
	assert_int_equal(csv_rows(&r, SCHOOL_HEADER),
			 db_int("SELECT count(*) FROM schools WHERE instr(name, '中学') > 0"));
	response_free(&r);
	client_free(c);
}

static void teacher_gets_herself(void **state)
{
	struct client *c = client_as("teacher");
	struct response r = { 0 };

	(void)state;
	char *own = db_text("SELECT p.id_number FROM accounts a JOIN persons p ON p.id = a.person_id"
			    " WHERE a.login = 'teacher'");

	http_get(c, "/persons/export?format=csv", &r);
	expect_status(r, 200);
	assert_int_equal(csv_rows(&r, TEACHER_HEADER), 1);
	/* her own number is hers to see, whole */
	assert_non_null(strstr(r.body, own));
	free(own);
	response_free(&r);
	client_free(c);
}

static void others_are_refused(void **state)
{
	static const char *const paths[] = {
		"/persons/export?format=csv", "/schools/export?format=xlsx",
		"/import/template/teachers.xlsx",
	};
	struct client *anon = client_new();
	struct response r = { 0 };

	(void)state;
	for (int who = 0; who < 2; who++) {
		struct client *c = client_as(who ? "evaluator" : "alliance");

		for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
			http_get(c, paths[i], &r);
			expect_status(r, 403);
		}
		client_free(c);
	}
	http_get(anon, "/persons/export?format=csv", &r);
	expect_status(r, 303);
	client_free(anon);
	/* the bureau reads, but the templates are for those who import */
	anon = client_as("bureau");
	http_get(anon, "/import/template/schools.xlsx", &r);
	expect_status(r, 403);
	client_free(anon);
	response_free(&r);
}

static void templates_download(void **state)
{
	struct client *c = client_as("school");
	struct response r = { 0 };
	char *sheet, *guide;

	(void)state;
	http_get(c, "/import/template/teachers.xlsx", &r);
	expect_status(r, 200);
	expect_download(&r, XLSX_TYPE, "teachers-template.xlsx");
	sheet = zip_member(&r, "xl/worksheets/sheet1.xml");
	guide = zip_member(&r, "xl/worksheets/sheet2.xml");
	assert_non_null(sheet);
	assert_non_null(guide);
	assert_non_null(strstr(sheet, "<dataValidations"));
	free(sheet);
	free(guide);
	response_free(&r);
	client_free(c);

	c = client_as("centre");
	http_get(c, "/import/template/schools.xlsx", &r);
	expect_status(r, 200);
	expect_download(&r, XLSX_TYPE, "schools-template.xlsx");
	http_get(c, "/import/template/credits.xlsx", &r);
	expect_status(r, 404);
	response_free(&r);
	client_free(c);
}

static void cli_exit_codes(void **state)
{
	struct cli_result res;

	(void)state;
	assert_int_equal(tdc_cli(&res, NULL, "export", "teachers", "--db", harness_db(), (char *)NULL), 2);
	assert_non_null(strstr(res.err, "--format"));
	cli_result_free(&res);
	assert_int_equal(tdc_cli(&res, NULL, "export", "teachers", "--db", harness_db(), "--format",
				 "pdf", (char *)NULL), 2);
	cli_result_free(&res);
	assert_int_equal(tdc_cli(&res, NULL, "export", "credits", "--db", harness_db(), "--format",
				 "csv", (char *)NULL), 2);
	cli_result_free(&res);
	assert_int_equal(tdc_cli(&res, NULL, "export", "schools", "--db", harness_db(), "--format",
				 "csv", "--unmasked", (char *)NULL), 2);
	cli_result_free(&res);
	assert_int_equal(tdc_cli(&res, NULL, "export", "teachers", "--db", harness_db(), "--format",
				 "csv", "--scope", "nowhere", (char *)NULL), 1);
	assert_non_null(strstr(res.err, "unknown scope 'nowhere'"));
	assert_string_equal(res.out, "");
	cli_result_free(&res);
	assert_int_equal(tdc_cli(&res, NULL, "export", "teachers", "--db", harness_db(), "--format",
				 "csv", "--scope", "9999999999", (char *)NULL), 1);
	cli_result_free(&res);
	/* no database: the work failed */
	assert_int_equal(tdc_cli(&res, NULL, "export", "schools", "--db", "/nonexistent/t.db",
				 "--format", "csv", (char *)NULL), 1);
	cli_result_free(&res);
}

/* A workbook is no text for a terminal: refused with exit 2.  The
 * terminal is a pseudo-terminal, as 'script' would give. */
static void cli_refuses_xlsx_on_a_terminal(void **state)
{
	const char *bin = getenv("TDC_BIN");
	int master, status;
	pid_t pid;

	(void)state;
	assert_non_null(bin);
	pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(bin, "tdc", "export", "schools", "--db", harness_db(), "--format", "xlsx",
		      (char *)NULL);
		_exit(127);
	}
	/* drain the terminal so the child never blocks on it */
	for (char buf[256]; read(master, buf, sizeof buf) > 0;)
		;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(master);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
}

static void cli_exports_to_stdout_and_files(void **state)
{
	struct cli_result res;
	char out[512], want[96];
	long long schools = db_int("SELECT count(*) FROM schools WHERE district_code = '440106'");

	(void)state;
	/* a CSV on standard output, the count on standard error */
	assert_int_equal(tdc_cli(&res, NULL, "export", "schools", "--db", harness_db(), "--format",
				 "csv", "--scope", "440106", (char *)NULL), 0);
	assert_true(!strncmp(res.out, "\xEF\xBB\xBF" "学校标识码,", 3 + strlen("学校标识码,")));
	snprintf(want, sizeof want, "tdc: %lld rows written to standard output", schools);
	assert_non_null(strstr(res.err, want));
	cli_result_free(&res);
	/* a workbook on a pipe is fine */
	assert_int_equal(tdc_cli(&res, NULL, "export", "schools", "--db", harness_db(), "--format",
				 "xlsx", (char *)NULL), 0);
	assert_true(!strncmp(res.out, "PK\3\4", 4));
	cli_result_free(&res);
	snprintf(out, sizeof out, "%s/kg.xlsx", harness_dir());
	assert_int_equal(tdc_cli(&res, NULL, "export", "teachers", "--db", harness_db(), "--format",
				 "xlsx", "--scope", "gz-yey", "--out", out, (char *)NULL), 0);
	snprintf(want, sizeof want, "tdc: %lld rows written to ",
		 db_int("SELECT count(*) FROM persons p LEFT JOIN schools s ON s.id = p.school_id"
			" LEFT JOIN centres c ON c.id = p.centre_id"
			" WHERE s.stage = 'kindergarten' OR (p.school_id IS NULL AND c.code = 'gz-yey')"));
	assert_non_null(strstr(res.err, want));
	assert_int_equal(access(out, F_OK), 0);
	cli_result_free(&res);
}

static void cli_unmasked_is_audited(void **state)
{
	struct cli_result res;
	char out[512], detail[700], *id, *csv;
	long long before = db_int("SELECT count(*) FROM audit_log WHERE action = 'export.unmasked'");
	long long want = db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				" WHERE s.code = '" SCHOOL "'");
	FILE *f;
	long n;

	(void)state;
	snprintf(out, sizeof out, "%s/whole.csv", harness_dir());
	assert_int_equal(tdc_cli(&res, NULL, "export", "teachers", "--db", harness_db(), "--format",
				 "csv", "--scope", SCHOOL, "--unmasked", "--out", out, (char *)NULL), 0);
	cli_result_free(&res);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'export.unmasked'"),
			 before + 1);
	snprintf(detail, sizeof detail, "teachers, %lld rows, %s", want, out);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'export.unmasked'"
				" AND object = 'scope:" SCHOOL "' AND detail = %Q AND actor LIKE 'cli:%%'",
				detail), 1);
	/* and the numbers are whole */
	id = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
		     " WHERE s.code = '" SCHOOL "' ORDER BY p.id LIMIT 1");
	f = fopen(out, "rb");
	assert_non_null(f);
	csv = calloc(1, 1 << 20);
	assert_non_null(csv);
	n = (long)fread(csv, 1, (1 << 20) - 1, f);
	fclose(f);
	assert_true(n > 0);
	assert_non_null(strstr(csv, id));
	free(csv);
	free(id);
	/* a masked export is not audited */
	assert_int_equal(tdc_cli(&res, NULL, "export", "teachers", "--db", harness_db(), "--format",
				 "csv", "--out", out, (char *)NULL), 0);
	cli_result_free(&res);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'export.unmasked'"),
			 before + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(school_admin_gets_her_school_masked),
		cmocka_unit_test(bureau_exports_schools_as_xlsx),
		cmocka_unit_test(bureau_sees_filters_and_masked_phones),
		cmocka_unit_test(teacher_gets_herself),
		cmocka_unit_test(others_are_refused),
		cmocka_unit_test(templates_download),
		cmocka_unit_test(cli_exit_codes),
		cmocka_unit_test(cli_refuses_xlsx_on_a_terminal),
		cmocka_unit_test(cli_exports_to_stdout_and_files),
		cmocka_unit_test(cli_unmasked_is_audited),
		cmocka_unit_test(harness_test_server_stops), /* last */
	};

	return cmocka_run_group_tests_name("export", tests, setup, teardown);
}
