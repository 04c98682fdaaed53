/* test_export.c - exports and templates (core/export.c, lib/table_write.c):
 * the CSV's BOM, headers, quoting and masked numbers; the .xlsx's frozen,
 * filtered header read back with libzip and through lib/sheet.c; a whole
 * round trip through the importer's dry run; the --scope codes; the
 * audit row of an unmasked export; the import templates.
 *
 * One demo city (500 persons, seed 1: the HTTP tests' city) serves the
 * whole group. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "core/demo.h"
#include "core/export.h"
#include "core/import.h"
#include "lib/idcard.h"
#include "lib/sheet.h"
#include "fixture.h"

static struct tmpdb db;

static int group_setup(void **state)
{
	struct demo_options o = { .teachers = 500, .seed = 1 };
	struct err err = { 0 };

	(void)state;
	if (fixture_db_open(&db, "export") < 0)
		return -1;
	if (demo_create(db.s, &o, NULL, &err) < 0) {
		fprintf(stderr, "demo_create: %s\n", err.message);
		return -1;
	}
	/* the templates' example school, whatever the demo drew */
	fixture_exec(db.s, "INSERT OR IGNORE INTO schools (code, name, district_code, stage, ownership)"
			   " VALUES ('3444102077', '示例小学', '440106', 'primary', 'public')");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fixture_db_close(&db);
	return 0;
}

/* ---- helpers ---- */

static char *path_in_dir(const char *name)
{
	static char p[8][300];
	static int next;
	char *out = p[next++ % 8];

	snprintf(out, sizeof p[0], "%s/%s", db.dir, name);
	return out;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return data;
}

/* One member of a zip, NUL-terminated, malloc'd; NULL when absent. */
static char *zip_member(const char *path, const char *name)
{
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
	zip_stat_t st;
	zip_file_t *f;
	char *data;

	assert_non_null(z);
	if (zip_stat(z, name, 0, &st) < 0) {
		zip_close(z);
		return NULL;
	}
	data = malloc(st.size + 1);
	assert_non_null(data);
	f = zip_fopen(z, name, 0);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, data, st.size), (zip_int64_t)st.size);
	data[st.size] = '\0';
	zip_fclose(f);
	zip_close(z);
	return data;
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static long export_file(enum export_kind k, enum table_format f, const struct registry_scope *sc,
			bool unmasked, const char *path)
{
	struct export_spec x = { .kind = k, .format = f, .scope = sc, .unmasked = unmasked };
	struct table_target to = { .path = path };
	struct err e = { 0 };
	long rows = -1;

	if (export_write(db.s, &x, &to, &rows, &e) < 0)
		fail_msg("export_write: %s", e.message);
	return rows;
}

static const char TEACHER_HEADER[] =
	"身份证号,姓名,学校标识码,岗位,学科,职称,学历,骨干级别,入职日期,手机,状态,所属中心\r\n";
static const char SCHOOL_HEADER[] = "学校标识码,学校名称,行政区划代码,学段,办学性质,状态\r\n";

/* ---- tests ---- */

static void test_columns_are_the_importers(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++) {
		int ne, ni;
		const struct table_column *e = export_columns(k ? EXPORT_TEACHERS : EXPORT_SCHOOLS, &ne);
		const struct import_column *i = import_columns(k ? IMPORT_TEACHERS : IMPORT_SCHOOLS, &ni);

		assert_int_equal(ne, ni);
		for (int c = 0; c < ne; c++)
			assert_string_equal(e[c].header, i[c].zh);
	}
}

static void test_csv_bom_headers_masked(void **state)
{
	const char *path = path_in_dir("t.csv");
	long rows = export_file(EXPORT_TEACHERS, TABLE_CSV, NULL, false, path);
	long long persons = fixture_int(db.s, "SELECT count(*) FROM persons");
	char *csv = slurp(path, NULL), *line;
	int lines = 0;

	(void)state;
	assert_int_equal(rows, persons);
	assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
	assert_memory_equal(csv + 3, TEACHER_HEADER, strlen(TEACHER_HEADER));
	/* every data row: a masked number first, CRLF at the end */
	line = csv + 3 + strlen(TEACHER_HEADER);
	while (*line) {
		char *end = strstr(line, "\r\n");

		assert_non_null(end);
		assert_true(line[4] == '*' && !strncmp(line + 4, "**********", 10));
		assert_true(line[18] == ',');
		lines++;
		line = end + 2;
	}
	assert_int_equal(lines, persons);
	/* canonical Chinese names, never codes */
	assert_non_null(strstr(csv, ",在职,\r\n"));  /* school staff: no 所属中心 */
	assert_null(strstr(csv, ",serving"));
	free(csv);
	unlink(path);
}

static void test_csv_schools(void **state)
{
	const char *path = path_in_dir("s.csv");
	long rows = export_file(EXPORT_SCHOOLS, TABLE_CSV, NULL, false, path);
	char *csv = slurp(path, NULL);

	(void)state;
	assert_int_equal(rows, fixture_int(db.s, "SELECT count(*) FROM schools"));
	assert_memory_equal(csv + 3, SCHOOL_HEADER, strlen(SCHOOL_HEADER));
	assert_int_equal(count_of(csv, "\r\n"), rows + 1);
	assert_non_null(strstr(csv, ",公办,开办\r\n"));
	free(csv);
	unlink(path);
}

static void test_csv_quoting(void **state)
{
	static const struct table_column cols[] = { { "a", 0, false, NULL }, { "b", 0, false, NULL },
						    { "c", 0, true, NULL } };
	struct table_options o = { .format = TABLE_CSV, .columns = cols, .ncolumns = 3 };
	struct buf out;
	struct table_target to = { .mem = &out };
	struct table_writer *w;
	struct err e = { 0 };
	const char *r1[] = { "x,y", "say \"hi\"", "two\nlines" };
	const char *r2[] = { "=1+2", "+86 138 0013 8000", "-5" };
	const char *r3[] = { "@SUM(A1)", NULL, "" };

	(void)state;
	buf_init(&out);
	assert_int_equal(table_write_open(&to, &o, &w, &e), 0);
	assert_int_equal(table_write_row(w, r1, &e), 0);
	assert_int_equal(table_write_row(w, r2, &e), 0);
	assert_int_equal(table_write_row(w, r3, &e), 0);
	assert_int_equal(table_write_rows(w), 3);
	assert_int_equal(table_write_close(w, &e), 0);
	assert_string_equal(buf_cstr(&out),
			    "\xEF\xBB\xBF" "a,b,c\r\n"
			    "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
			    "'=1+2,+86 138 0013 8000,-5\r\n"
			    "'@SUM(A1),,\r\n");
	buf_free(&out);
}

static void test_xlsx_structure(void **state)
{
	const char *path = path_in_dir("t.xlsx");
	long rows = export_file(EXPORT_TEACHERS, TABLE_XLSX, NULL, false, path);
	char *sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	char *book = zip_member(path, "xl/workbook.xml");
	char *styles = zip_member(path, "xl/styles.xml");
	char want[64];

	(void)state;
	assert_non_null(sheet);
	assert_non_null(book);
	/* the frozen header, its filter, the widths and text columns */
	assert_non_null(strstr(sheet, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"));
	snprintf(want, sizeof want, "<autoFilter ref=\"A1:L%ld\"/>", rows + 1);
	assert_non_null(strstr(sheet, want));
	assert_non_null(strstr(sheet, "<col min=\"1\" max=\"1\" width=\"21"));
	assert_non_null(strstr(sheet, "style=\"2\""));
	assert_non_null(strstr(styles, "numFmtId=\"49\"")); /* "@", text */
	for (int c = 0; c < 12; c++) {
		static const char *const heads[] = { "身份证号", "姓名", "学校标识码", "岗位", "学科",
						     "职称", "学历", "骨干级别", "入职日期", "手机", "状态", "所属中心" };

		snprintf(want, sizeof want, "<t>%s</t>", heads[c]);
		assert_non_null(strstr(sheet, want));
	}
	assert_int_equal(count_of(sheet, "<row "), rows + 1);
	assert_non_null(strstr(book, "<sheet name=\"教师\""));
	/* masked: no whole number anywhere */
	assert_null(strstr(sheet, "<t>440100"));
	free(sheet);
	free(book);
	free(styles);
	unlink(path);
}

/* The same rows, cell by cell, through the importer's reader. */
static void test_xlsx_reads_back_as_the_csv(void **state)
{
	const char *xp = path_in_dir("r.xlsx"), *cp = path_in_dir("r.csv");
	struct sheet *xs = NULL, *cs = NULL;
	struct sheet_row xr, cr;
	struct err e = { 0 };
	long n = 0;
	int a, b;

	(void)state;
	export_file(EXPORT_TEACHERS, TABLE_XLSX, NULL, true, xp);
	export_file(EXPORT_TEACHERS, TABLE_CSV, NULL, true, cp);
	if (sheet_open_file(xp, &xs, &e) < 0 || sheet_open_file(cp, &cs, &e) < 0)
		fail_msg("sheet_open_file: %s", e.message);
	assert_int_equal(sheet_kind(xs), SHEET_XLSX);
	assert_int_equal(sheet_kind(cs), SHEET_CSV_UTF8);
	while ((a = sheet_next(xs, &xr, &e)) == 1) {
		b = sheet_next(cs, &cr, &e);
		assert_int_equal(b, 1);
		assert_int_equal(xr.ncells, cr.ncells);
		for (int i = 0; i < xr.ncells; i++) {
			assert_string_equal(xr.cells[i].text, cr.cells[i].text);
			/* written as strings: never a number, not even an ID number */
			assert_true(xr.cells[i].type == SHEET_TEXT || xr.cells[i].type == SHEET_EMPTY);
		}
		n++;
	}
	assert_int_equal(a, 0);
	assert_int_equal(sheet_next(cs, &cr, &e), 0);
	assert_int_equal(n, fixture_int(db.s, "SELECT count(*) FROM persons") + 1);
	sheet_close(xs);
	sheet_close(cs);
	unlink(xp);
	unlink(cp);
}

static void on_message(void *ctx, bool error, const char *line)
{
	(void)ctx;
	fprintf(stderr, "# %s %s\n", error ? "error" : "warning", line);
}

static void dry_run(const char *path, enum import_kind kind, struct import_result *res)
{
	struct sheet *sh = NULL;
	struct err e = { 0 };
	struct actor who = { 0, "test", NULL };
	struct change_source src = { .who = &who, .source = "import:test", .now = "2026-01-01T00:00:00Z" };
	struct import_opts o = {
		.kind = kind, .label = path, .dry_run = true, .src = &src, .today = "2026-01-01",
		.message = on_message,
	};

	if (sheet_open_file(path, &sh, &e) < 0)
		fail_msg("sheet_open_file: %s", e.message);
	if (import_run(db.s, sh, &o, res, &e) < 0)
		fail_msg("import_run: %s", e.message);
	sheet_close(sh);
}

/* An unmasked export imports again as it is: every row unchanged. */
static void test_round_trip_through_the_import(void **state)
{
	static const struct { enum export_kind k; enum import_kind ik; enum table_format f; const char *name; } cases[] = {
		{ EXPORT_TEACHERS, IMPORT_TEACHERS, TABLE_XLSX, "rt.xlsx" },
		{ EXPORT_TEACHERS, IMPORT_TEACHERS, TABLE_CSV, "rt.csv" },
		{ EXPORT_SCHOOLS, IMPORT_SCHOOLS, TABLE_XLSX, "rts.xlsx" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *path = path_in_dir(cases[i].name);
		long rows = export_file(cases[i].k, cases[i].f, NULL, true, path);
		struct import_result res = { 0 };

		dry_run(path, cases[i].ik, &res);
		assert_int_equal(res.rows, rows);
		assert_int_equal(res.bad, 0);
		assert_int_equal(res.warnings, 0);
		assert_int_equal(res.unchanged, rows);
		unlink(path);
	}
}

static void test_scope_codes(void **state)
{
	struct arena a;
	struct registry_scope sc;
	struct err e = { 0 };
	const char *path = path_in_dir("scope.csv");

	(void)state;
	arena_init(&a);
	assert_int_equal(export_scope_parse(db.s, &a, "3444102077", &sc, &e), 0);
	assert_string_equal(sc.school_code, "3444102077");
	assert_int_equal(export_file(EXPORT_TEACHERS, TABLE_CSV, &sc, false, path),
			 fixture_int(db.s, "SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
					   " WHERE s.code = '3444102077'"));

	assert_int_equal(export_scope_parse(db.s, &a, "440106", &sc, &e), 0);
	assert_string_equal(sc.district_code, "440106");
	assert_int_equal(export_file(EXPORT_SCHOOLS, TABLE_CSV, &sc, false, path),
			 fixture_int(db.s, "SELECT count(*) FROM schools WHERE district_code = '440106'"));

	assert_int_equal(export_scope_parse(db.s, &a, "440100", &sc, &e), 0);
	assert_string_equal(sc.region_prefix, "4401");
	assert_int_equal(export_file(EXPORT_TEACHERS, TABLE_CSV, &sc, false, path),
			 fixture_int(db.s, "SELECT count(*) FROM persons"));

	assert_int_equal(export_scope_parse(db.s, &a, "gz-yey", &sc, &e), 0);
	assert_string_equal(sc.domain, "kindergarten");
	assert_int_equal(export_file(EXPORT_SCHOOLS, TABLE_CSV, &sc, false, path),
			 fixture_int(db.s, "SELECT count(*) FROM schools WHERE stage = 'kindergarten'"));

	assert_int_equal(export_scope_parse(db.s, &a, NULL, &sc, &e), 0);
	assert_null(sc.school_code);
	for (int i = 0; i < 4; i++) {
		static const char *const bad[] = { "9999999999", "449999", "gz-nope", "12" };

		err_clear(&e);
		assert_int_equal(export_scope_parse(db.s, &a, bad[i], &sc, &e), -1);
		assert_int_equal(e.code, ERR_NOT_FOUND);
	}
	arena_release(&a);
	unlink(path);
}

static void test_audit_unmasked(void **state)
{
	struct actor who = { 0, "cli:test", NULL };
	struct err e = { 0 };
	long long before = fixture_int(db.s, "SELECT count(*) FROM audit_log WHERE action = 'export.unmasked'");

	(void)state;
	assert_int_equal(export_audit_unmasked(db.s, &who, "440106", EXPORT_TEACHERS, 42, "out.xlsx", &e), 0);
	assert_int_equal(fixture_int(db.s, "SELECT count(*) FROM audit_log WHERE action = 'export.unmasked'"
					   " AND object = 'scope:440106' AND detail = 'teachers, 42 rows, out.xlsx'"),
			 1);
	assert_int_equal(export_audit_unmasked(db.s, &who, NULL, EXPORT_TEACHERS, 1, "-", &e), 0);
	assert_int_equal(fixture_int(db.s, "SELECT count(*) FROM audit_log WHERE action = 'export.unmasked'"),
			 before + 2);
	assert_false(store_in_transaction(db.s));
}

/* The web's hook: phones as the caller may see them. */
static const char *hide_phone(const struct person_rec *r, char *buf, size_t len, void *ctx)
{
	(void)r;
	(*(int *)ctx)++;
	snprintf(buf, len, "hidden");
	return buf;
}

static void test_phone_hook_and_memory_target(void **state)
{
	struct buf out;
	int calls = 0;
	struct export_spec x = { .kind = EXPORT_TEACHERS, .format = TABLE_XLSX,
				 .phone = hide_phone, .phone_ctx = &calls };
	struct table_target to = { .mem = &out };
	struct err e = { 0 };
	long rows;
	const char *path = path_in_dir("mem.xlsx");
	FILE *f;
	char *sheet;

	(void)state;
	buf_init(&out);
	assert_int_equal(export_write(db.s, &x, &to, &rows, &e), 0);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "PK\3\4", 4);
	assert_int_equal(calls, fixture_int(db.s, "SELECT count(*) FROM persons WHERE phone <> ''"));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(out.data, 1, out.len, f), out.len);
	fclose(f);
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<t>hidden</t>"));
	free(sheet);
	buf_free(&out);
	unlink(path);
}

static void test_stream_target(void **state)
{
	FILE *f = tmpfile();
	struct export_spec x = { .kind = EXPORT_SCHOOLS, .format = TABLE_XLSX };
	struct table_target to = { .stream = f };
	struct err e = { 0 };
	char head[4];
	long rows;

	(void)state;
	assert_non_null(f);
	assert_int_equal(export_write(db.s, &x, &to, &rows, &e), 0);
	rewind(f);
	assert_int_equal(fread(head, 1, 4, f), 4);
	assert_memory_equal(head, "PK\3\4", 4);
	fclose(f);
}

/* A failed export leaves no file behind, nor a temporary one. */
static void test_no_half_files(void **state)
{
	struct table_target to = { .path = "/nonexistent-dir/t.xlsx" };
	struct export_spec x = { .kind = EXPORT_SCHOOLS, .format = TABLE_XLSX };
	struct err e = { 0 };
	long rows;

	(void)state;
	assert_int_equal(export_write(db.s, &x, &to, &rows, &e), -1);
	assert_int_equal(e.code, ERR_IO);
	assert_int_not_equal(access("/nonexistent-dir/t.xlsx", F_OK), 0);
}

static void test_templates(void **state)
{
	static const struct { const char *kind; enum import_kind ik; int lists; const char *first; } cases[] = {
		{ "teachers", IMPORT_TEACHERS, 5, "\"教师,校长,主任,教研员,培训者\"" },
		{ "schools", IMPORT_SCHOOLS, 3, "\"幼儿园,小学," },
	};
	struct err e = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *path = path_in_dir("template.xlsx");
		char *sheet, *guide, *book, *comments, *strings, want[64];
		struct import_result res = { 0 };

		assert_int_equal(export_template(cases[i].kind, path, &e), 0);
		sheet = zip_member(path, "xl/worksheets/sheet1.xml");
		guide = zip_member(path, "xl/worksheets/sheet2.xml");
		book = zip_member(path, "xl/workbook.xml");
		comments = zip_member(path, "xl/comments1.xml");
		strings = zip_member(path, "xl/sharedStrings.xml");
		assert_non_null(sheet);
		assert_non_null(guide);
		assert_non_null(comments);
		assert_non_null(strstr(book, "<sheet name=\"说明\""));
		snprintf(want, sizeof want, "<dataValidations count=\"%d\">", cases[i].lists);
		assert_non_null(strstr(sheet, want));
		assert_non_null(strstr(sheet, cases[i].first));
		assert_non_null(strstr(sheet, "2:D10001\""));
		assert_non_null(strstr(sheet, "state=\"frozen\""));
		assert_non_null(strstr(strings, "第 2 行是示例"));
		if (!strcmp(cases[i].kind, "teachers")) {
			/* the example's number is valid; the date format is spelt out */
			const char *id = strstr(strings, "<t>44010019850615");

			char number[ID_NUMBER_LEN + 1];

			assert_non_null(id);
			memcpy(number, id + 3, ID_NUMBER_LEN);
			number[ID_NUMBER_LEN] = '\0';
			assert_true(idcard_is_valid(number));
			assert_non_null(strstr(comments, "2019-09-01"));
			assert_non_null(strstr(strings, "YYYY-MM-DD"));
		}
		/* the example row passes the importer */
		dry_run(path, cases[i].ik, &res);
		assert_int_equal(res.rows, 1);
		assert_int_equal(res.bad, 0);
		free(sheet);
		free(guide);
		free(book);
		free(comments);
		free(strings);
		unlink(path);
	}
	err_clear(&e);
	assert_int_equal(export_template("credits", path_in_dir("x.xlsx"), &e), -1);
	assert_int_equal(e.code, ERR_USAGE);
}

/* libxlsxwriter 1.1.4 never frees its copy of a list's range formula (a
 * few bytes per list, checked with a bare program under ASan): tell
 * LeakSanitizer, when it is there, to look away from that one call. */
void __lsan_disable(void) __attribute__((weak));
void __lsan_enable(void) __attribute__((weak));

/* 255 characters is Excel's limit on an inline list: a longer one comes
 * from the cells it names. */
static void test_long_list_uses_a_range(void **state)
{
	static const struct table_column cols[] = { { "a", 0, false, NULL } };
	struct table_options o = { .format = TABLE_XLSX, .columns = cols, .ncolumns = 1, .in_memory = true };
	const char *path = path_in_dir("long.xlsx");
	struct table_target to = { .path = path };
	const char *values[41];
	struct table_writer *w;
	struct err e = { 0 };
	char *sheet;

	(void)state;
	for (int i = 0; i < 40; i++)
		values[i] = "中等职业学校"; /* 18 bytes each */
	values[40] = NULL;
	assert_int_equal(table_write_open(&to, &o, &w, &e), 0);
	assert_int_equal(table_write_list(w, 0, 1, 100, values, NULL, NULL, &e), -1);
	if (__lsan_disable)
		__lsan_disable();
	assert_int_equal(table_write_list(w, 0, 1, 100, values, "='说明'!$A$2:$A$41", NULL, &e), 0);
	if (__lsan_enable)
		__lsan_enable();
	assert_int_equal(table_write_close(w, &e), 0);
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<formula1>'说明'!$A$2:$A$41</formula1>"));
	free(sheet);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_are_the_importers),
		cmocka_unit_test(test_csv_bom_headers_masked),
		cmocka_unit_test(test_csv_schools),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_xlsx_structure),
		cmocka_unit_test(test_xlsx_reads_back_as_the_csv),
		cmocka_unit_test(test_round_trip_through_the_import),
		cmocka_unit_test(test_scope_codes),
		cmocka_unit_test(test_audit_unmasked),
		cmocka_unit_test(test_phone_hook_and_memory_target),
		cmocka_unit_test(test_stream_target),
		cmocka_unit_test(test_no_half_files),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_long_list_uses_a_range),
	};

	return cmocka_run_group_tests_name("export", tests, group_setup, group_teardown);
}
