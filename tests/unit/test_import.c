/* test_import.c - core/import.c: headers, rows, all or nothing, skip-bad,
 * re-import, history, scope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/import.h"
#include "fixture.h"
#include "lib/buf.h"
#include "lib/sheet.h"

struct ctx {
	struct tmpdb db;
	struct buf messages;
	struct buf rejects;
	int errors, warnings;
};

static void on_message(void *c, bool error, const char *line)
{
	struct ctx *x = c;

	buf_printf(&x->messages, "%s\n", line);
	if (error)
		x->errors++;
	else
		x->warnings++;
}

static void on_reject(void *c, int ncells, const char *const *cells, const char *reason)
{
	struct ctx *x = c;

	for (int i = 0; i < ncells; i++)
		buf_printf(&x->rejects, "%s|", cells[i]);
	buf_printf(&x->rejects, "%s\n", reason);
}

static int setup(void **state)
{
	struct ctx *x = calloc(1, sizeof *x);

	if (!x || fixture_db_open(&x->db, "import") < 0)
		return -1;
	if (fixture_exec(x->db.s,
			 "INSERT INTO regions VALUES ('440000', '广东省', 'province', NULL);"
			 "INSERT INTO regions VALUES ('440100', '广州市', 'city', '440000');"
			 "INSERT INTO regions VALUES ('440106', '天河区', 'district', '440100');"
			 "INSERT INTO regions VALUES ('440113', '番禺区', 'district', '440100');"
			 "INSERT INTO schools (code, name, district_code, stage, ownership)"
			 " VALUES ('3444102077', '广州市第一中学', '440106', 'complete', 'public');"
			 "INSERT INTO schools (code, name, district_code, stage, ownership)"
			 " VALUES ('2144102018', '小谷围小学', '440113', 'primary', 'public');") < 0)
		return -1;
	buf_init(&x->messages);
	buf_init(&x->rejects);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *x = *state;

	fixture_db_close(&x->db);
	buf_free(&x->messages);
	buf_free(&x->rejects);
	free(x);
	return 0;
}

/* Imports text as FILE "t.csv"; returns import_run()'s status. */
static int run(struct ctx *x, enum import_kind kind, const char *text, bool skip_bad,
	       bool dry_run, const struct registry_scope *sc, struct import_result *res)
{
	struct sheet *sh;
	struct err e = { 0 };
	struct actor who = { 0, "cli:test", NULL };
	struct change_source src = { .who = &who, .source = "import:t.csv", .now = "2026-11-23T10:00:00Z" };
	struct import_opts o = {
		.kind = kind, .label = "t.csv", .skip_bad = skip_bad, .dry_run = dry_run,
		.scope = sc, .src = &src, .today = "2026-11-23", .message = on_message,
		.reject = on_reject, .cb_ctx = x,
	};
	int rc;

	buf_reset(&x->messages);
	buf_reset(&x->rejects);
	x->errors = x->warnings = 0;
	assert_int_equal(sheet_open_mem(text, strlen(text), &sh, &e), 0);
	rc = import_run(x->db.s, sh, &o, res, &e);
	if (getenv("TEST_VERBOSE"))
		fprintf(stderr, "%s[%s]\n", buf_cstr(&x->messages), e.message);
	sheet_close(sh);
	return rc;
}

static const char GOOD[] =
	"身份证号,姓名,学校标识码,岗位,学科,职称,学历,骨干级别,入职日期,手机\n"
	"440106198503120023,陈晓燕,3444102077,教师,语文,中学高级,本科,区级,2008-09-01,13800138000\n"
	"440106199001011235,李明,3444102077,教师,数学,一级,硕士研究生,无,2015/9/1,13912345678\n"
	"440106880203001,王芳,3444102077,班主任,英语,二级,大学本科,校级,2019年9月1日,\n";

static void good_file_imports_once(void **state)
{
	struct ctx *x = *state;
	struct import_result res;

	assert_int_equal(run(x, IMPORT_TEACHERS, GOOD, false, false, NULL, &res), 0);
	assert_int_equal(res.rows, 3);
	assert_int_equal(res.inserted, 3);
	assert_true(res.written);
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM persons"), 3);
	/* values as written became codes; the 15-digit number became 18 */
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM persons WHERE id_number ="
				     " '440106198503120023' AND title = 'senior' AND key_level ="
				     " 'district' AND education = 'bachelor' AND service_start ="
				     " '2008-09-01' AND gender = 'female'"), 1);
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM persons WHERE id_number LIKE"
				     " '44010619880203001_' AND service_start = '2019-09-01'"
				     " AND title = 'second' AND key_level = 'school'"), 1);
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM audit_log WHERE action ="
				     " 'import.teachers'"), 1);

	/* the same file again changes nothing */
	assert_int_equal(run(x, IMPORT_TEACHERS, GOOD, false, false, NULL, &res), 0);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(res.updated, 0);
	assert_int_equal(res.unchanged, 3);
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM person_history WHERE field"
				     " <> 'created'"), 0);
}

static void changed_value_is_history(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	static const char CHANGED[] =
		"姓名,身份证号,职称,学校标识码\n"
		"李明,440106199001011235,高级,2144102018\n";

	assert_int_equal(run(x, IMPORT_TEACHERS, CHANGED, false, false, NULL, &res), 0);
	assert_int_equal(res.updated, 1);
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM person_history h JOIN persons p"
				     " ON p.id = h.person_id WHERE p.id_number = '440106199001011235'"
				     " AND h.field = 'title' AND h.old_value = 'first'"
				     " AND h.new_value = 'senior' AND h.source = 'import:t.csv'"), 1);
	/* a transfer: the school moved, the person and her history stayed */
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM person_history h JOIN persons p"
				     " ON p.id = h.person_id WHERE p.id_number = '440106199001011235'"
				     " AND h.field = 'school' AND h.old_value = '3444102077'"
				     " AND h.new_value = '2144102018'"), 1);
	/* columns the file does not have were left alone */
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM persons WHERE id_number ="
				     " '440106199001011235' AND education = 'master'"
				     " AND phone = '13912345678'"), 1);
}

static void bad_rows_write_nothing(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	static const char BAD[] =
		"身份证号,姓名,学校标识码,职称,学历\n"
		"110101199003077774,张三,3444102077,一级,本科\n"
		"110101199003071014,李四,3444102077,特级,本科\n"
		"4.40106E+17,王五,3444102077,一级,本科\n"
		"110101199003071233,赵六,9999999999,一级,本科\n"
		"110101199003077774,张三,3444102077,一级,本科\n";
	long long before = fixture_int(x->db.s, "SELECT count(*) FROM persons");

	assert_int_equal(run(x, IMPORT_TEACHERS, BAD, false, false, NULL, &res), -1);
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM persons"), before);
	assert_int_equal(res.bad, 4);
	assert_false(res.written);
	/* every bad row, as FILE:LINE: COLUMN column: reason */
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:3: 职称 column: \"特级\""));
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:4: 身份证号 column: "));
	assert_non_null(strstr(buf_cstr(&x->messages), "Excel"));
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:5: 学校标识码 column: "));
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:6: 身份证号 column: "));
	assert_non_null(strstr(buf_cstr(&x->messages), "also on line 2"));
}

static void skip_bad_writes_the_good(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	static const char MIXED[] =
		"序号,身份证号,姓名,学校标识码,职称,学历\n"
		"1,110101199003079999,钱七,3444102077,一级,本科\n"
		"2,11010119900307555X,孙八,3444102077,特级,本科\n";
	long long before = fixture_int(x->db.s, "SELECT count(*) FROM persons");

	assert_int_equal(run(x, IMPORT_TEACHERS, MIXED, true, false, NULL, &res), 0);
	assert_int_equal(res.inserted, 1);
	assert_int_equal(res.bad, 1);
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM persons"), before + 1);
	/* the reject keeps the row's cells as read, and why; 序号 is no warning */
	assert_non_null(strstr(buf_cstr(&x->rejects), "2|11010119900307555X|孙八|3444102077|特级|本科|职称 column: "));
	assert_int_equal(x->warnings, 0);
}

static void dry_run_writes_nothing(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	static const char ONE[] = "身份证号,姓名,学校标识码,学历\n110101199003076667,周九,3444102077,本科\n";
	long long before = fixture_int(x->db.s, "SELECT count(*) FROM persons");

	assert_int_equal(run(x, IMPORT_TEACHERS, ONE, false, true, NULL, &res), 0);
	assert_int_equal(res.inserted, 1);
	assert_false(res.written);
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM persons"), before);
	/* an empty 学历 keeps an existing person's, but a new one needs it */
	assert_int_equal(run(x, IMPORT_TEACHERS, "身份证号,姓名,学校标识码,学历\n"
			     "440106199001011235,李明,2144102018,\n"
			     "110101199003076667,周九,3444102077,\n", false, true, NULL, &res), -1);
	assert_int_equal(res.bad, 1);
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:3: 学历 column: is needed for a new person"));
}

static void header_problems(void **state)
{
	struct ctx *x = *state;
	struct import_result res;

	/* a missing required column is an error, naming it */
	assert_int_equal(run(x, IMPORT_TEACHERS, "身份证号,学校标识码\n110101199003076667,3444102077\n",
			     false, false, NULL, &res), -1);
	assert_non_null(strstr(buf_cstr(&x->messages), "姓名 column: is missing"));
	/* an unknown column is a warning; a title row above the header is skipped;
	 * English names work */
	assert_int_equal(run(x, IMPORT_TEACHERS,
			     "2026年教师名单,,,,\n"
			     "id_number,Name,school_code,Education,备注\n"
			     "110101199003076667,周九,3444102077,本科,新调入\n",
			     false, false, NULL, &res), 0);
	assert_int_equal(res.inserted, 1);
	assert_int_equal(x->warnings, 1);
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:2: 备注 column: is not a column"));
	/* a column twice is an error */
	assert_int_equal(run(x, IMPORT_TEACHERS, "身份证号,姓名,姓名,学校标识码\n", false, false,
			     NULL, &res), -1);
	assert_non_null(strstr(buf_cstr(&x->messages), "appears twice"));
}

static void scope_is_enforced(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	struct registry_scope sc = { .school_code = "3444102077" };
	static const char OTHER[] =
		"身份证号,姓名,学校标识码,学历\n110101199003078881,吴十,2144102018,本科\n";

	assert_int_equal(run(x, IMPORT_TEACHERS, OTHER, false, false, &sc, &res), -1);
	assert_non_null(strstr(buf_cstr(&x->messages), "outside your scope"));
	/* a school admin cannot create schools */
	assert_int_equal(run(x, IMPORT_SCHOOLS,
			     "学校标识码,学校名称,行政区划代码,学段,办学性质\n"
			     "3144102999,新校,440106,初中,公办\n", false, false, &sc, &res), -1);
	assert_non_null(strstr(buf_cstr(&x->messages), "outside your scope"));
}

static void schools_import(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	static const char SCHOOLS[] =
		"学校名称,学校标识码,行政区划代码,学段,办学性质\n"
		"天河新村小学,2144102998,天河区,小学,公办\n"
		"天河外国语学校,3144102997,440106,九年一贯制,民办\n"
		"错区学校,3144102996,天河,高中,私立\n";

	assert_int_equal(run(x, IMPORT_SCHOOLS, SCHOOLS, false, false, NULL, &res), 0);
	assert_int_equal(res.inserted, 3);
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM schools WHERE code IN"
				     " ('2144102998', '3144102997', '3144102996')"
				     " AND district_code = '440106'"), 3);
	assert_int_equal(fixture_int(x->db.s, "SELECT count(*) FROM schools WHERE code ="
				     " '3144102997' AND stage = 'nine_year' AND ownership = 'private'"), 1);
	assert_int_equal(run(x, IMPORT_SCHOOLS, "学校标识码,学校名称,行政区划代码,学段,办学性质\n"
				 "12345,短码,440199,大学,公办\n", false, false, NULL, &res), -1);
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:2: 学校标识码 column: "));
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:2: 学段 column: "));
}

/* One row, every bad value: those the database knows (the school) too;
 * and an export's masked number said to be one. */
static void every_bad_value_of_a_row(void **state)
{
	struct ctx *x = *state;
	struct import_result res;

	assert_int_equal(run(x, IMPORT_TEACHERS, "身份证号,姓名,学校标识码,职称,学历\n"
			     "110101199003071014,李四,9999999999,特级,本科\n"
			     "4401**********0023,陈晓燕,3444102077,一级,本科\n",
			     false, false, NULL, &res), -1);
	assert_int_equal(res.bad, 2);
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:2: 职称 column: \"特级\""));
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:2: 学校标识码 column: no school has the code 9999999999"));
	assert_non_null(strstr(buf_cstr(&x->messages), "t.csv:3: 身份证号 column: the ID number is masked"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file_imports_once),
		cmocka_unit_test(changed_value_is_history),
		cmocka_unit_test(bad_rows_write_nothing),
		cmocka_unit_test(skip_bad_writes_the_good),
		cmocka_unit_test(dry_run_writes_nothing),
		cmocka_unit_test(header_problems),
		cmocka_unit_test(scope_is_enforced),
		cmocka_unit_test(schools_import),
		cmocka_unit_test(every_bad_value_of_a_row),
	};

	return cmocka_run_group_tests_name("import", tests, setup, teardown);
}
