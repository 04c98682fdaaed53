/* test_appraisal.c - yearly appraisals and re-registration events from a
 * file (core/appraisal.c through core/import.c): good rows and every bad
 * value named with its line and column, idempotence, a changed result
 * replacing the old one (audited), the end-date rule of each kind, a year
 * in the future, an unknown person and one outside the scope, a key twice
 * in one file, the dry run, and the lists the person page shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/appraisal.h"
#include "core/import.h"
#include "fixture.h"
#include "lib/buf.h"
#include "lib/sheet.h"
#include "store/store.h"

struct ctx {
	struct tmpdb db;
	struct buf messages, rejects;
	int errors;
};

static void on_message(void *c, bool error, const char *line)
{
	struct ctx *x = c;

	buf_printf(&x->messages, "%s\n", line);
	x->errors += error;
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

	if (!x || fixture_db_open(&x->db, "appraisal") < 0)
		return -1;
	if (fixture_exec(x->db.s,
			 "INSERT INTO regions VALUES ('440000', '广东省', 'province', NULL);"
			 "INSERT INTO regions VALUES ('440100', '广州市', 'city', '440000');"
			 "INSERT INTO regions VALUES ('440106', '天河区', 'district', '440100');"
			 "INSERT INTO regions VALUES ('440104', '越秀区', 'district', '440100');"
			 "INSERT INTO schools (id, code, name, district_code, stage, ownership)"
			 " VALUES (1, '3444102077', '广州市第一中学', '440106', 'complete', 'public');"
			 "INSERT INTO schools (id, code, name, district_code, stage, ownership)"
			 " VALUES (2, '3444101001', '越秀小学', '440104', 'primary', 'public');"
			 "INSERT INTO persons (id, id_number, name, gender, birth_date, school_id, role,"
			 " education) VALUES (1, '440106198503120023', '陈晓燕', 'female', '1985-03-12', 1,"
			 " 'teacher', 'bachelor');"
			 "INSERT INTO persons (id, id_number, name, gender, birth_date, school_id, role,"
			 " education) VALUES (2, '440106199001011235', '李明', 'male', '1990-01-01', 2,"
			 " 'teacher', 'master');") < 0)
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

static int run_scoped(struct ctx *x, enum import_kind kind, const char *text, bool skip_bad,
		      bool dry_run, const struct registry_scope *scope, struct import_result *res)
{
	struct sheet *sh;
	struct err e = { 0 };
	struct actor who = { 0, "cli:test", NULL };
	struct change_source src = { .who = &who, .source = "import:a.csv", .now = "2026-11-23T10:00:00Z" };
	struct import_opts o = {
		.kind = kind, .label = "a.csv", .skip_bad = skip_bad, .dry_run = dry_run,
		.src = &src, .today = "2026-11-23", .message = on_message, .reject = on_reject,
		.cb_ctx = x, .scope = scope,
	};
	int rc;

	buf_reset(&x->messages);
	buf_reset(&x->rejects);
	x->errors = 0;
	assert_int_equal(sheet_open_mem(text, strlen(text), &sh, &e), 0);
	rc = import_run(x->db.s, sh, &o, res, &e);
	if (getenv("TEST_VERBOSE"))
		fprintf(stderr, "%s[%s]\n", buf_cstr(&x->messages), e.message);
	sheet_close(sh);
	return rc;
}

static int run(struct ctx *x, enum import_kind kind, const char *text, bool skip_bad,
	       struct import_result *res)
{
	return run_scoped(x, kind, text, skip_bad, false, NULL, res);
}

static long long q(struct ctx *x, const char *sql)
{
	return fixture_int(x->db.s, sql);
}

static void said(struct ctx *x, const char *text)
{
	if (!strstr(buf_cstr(&x->messages), text))
		fail_msg("expected '%s' in:\n%s", text, buf_cstr(&x->messages));
}

static const char APPRAISALS[] =
	"身份证号,年度,结果\n"
	"440106198503120023,2021,合格\n"
	"440106198503120023,2022年,excellent\n"
	"440106199001011235,2021,基本合格\n"
	"440106199001011235,2022,不确定档次\n";

static void appraisals_then_again(void **state)
{
	struct ctx *x = *state;
	struct import_result res;

	assert_int_equal(run(x, IMPORT_APPRAISALS, APPRAISALS, false, &res), 0);
	assert_int_equal(res.rows, 4);
	assert_int_equal(res.inserted, 4);
	assert_int_equal(q(x, "SELECT count(*) FROM appraisals WHERE person_id = 1 AND year = 2022"
			      " AND result = 'excellent' AND entered_by = 'cli:test'"), 1);
	assert_int_equal(q(x, "SELECT count(*) FROM appraisals WHERE person_id = 2 AND year = 2022"
			      " AND result = 'none'"), 1);
	assert_int_equal(q(x, "SELECT count(*) FROM audit_log WHERE action = 'import.appraisals'"), 1);
	/* the same file again changes nothing */
	assert_int_equal(run(x, IMPORT_APPRAISALS, APPRAISALS, false, &res), 0);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(res.updated, 0);
	assert_int_equal(res.unchanged, 4);
	assert_int_equal(q(x, "SELECT count(*) FROM appraisals"), 4);
	assert_int_equal(q(x, "SELECT count(*) FROM audit_log WHERE action = 'appraisal.update'"), 0);
	/* another result for the same person and year replaces it, audited */
	assert_int_equal(run(x, IMPORT_APPRAISALS, "身份证号,年度,结果\n440106199001011235,2021,不合格\n",
			     false, &res), 0);
	assert_int_equal(res.updated, 1);
	assert_int_equal(q(x, "SELECT count(*) FROM appraisals WHERE person_id = 2 AND year = 2021"
			      " AND result = 'unqualified'"), 1);
	assert_int_equal(q(x, "SELECT count(*) FROM audit_log WHERE action = 'appraisal.update'"
			      " AND object = 'person:4401**********1235'"
			      " AND detail LIKE '2021: basic -> unqualified%'"), 1);
}

static void bad_appraisals_named_nothing_written(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	static const char bad[] =
		"身份证号,年度,结果\n"
		"440106198503120023,2021,合格\n"
		"440106198503120023,2027,合格\n"           /* line 3: the future */
		"440106198503120023,21,合格\n"             /* line 4: not a year */
		"440106198503120023,2020,良好\n"           /* line 5: no such level */
		"110101199003077774,2021,合格\n"           /* line 6: no such person */
		"440106198503120023,2021年,优秀\n"         /* line 7: twice in the file */
		"4401**********0023,2021,合格\n"           /* line 8: masked */
		"440106198503120023,,\n";                  /* line 9: empty */

	assert_int_equal(run(x, IMPORT_APPRAISALS, bad, false, &res), -1);
	assert_int_equal(res.bad, 7);
	assert_int_equal(q(x, "SELECT count(*) FROM appraisals"), 0);
	said(x, "a.csv:3: 年度 column: the year 2027 is in the future");
	said(x, "a.csv:4: 年度 column: the year \"21\" is not a four-digit year");
	said(x, "a.csv:5: 结果 column: \"良好\" is not a known value; use one of 优秀, 合格, 基本合格, "
		"不合格, 不确定档次");
	said(x, "a.csv:6: 身份证号 column: no person with the ID number");
	said(x, "a.csv:7: 年度 column: the same person and year are also on line 2");
	said(x, "a.csv:8: 身份证号 column: the ID number is masked");
	said(x, "a.csv:9: 年度 column: the year is empty");
	said(x, "a.csv:9: 结果 column: the result is empty");
	/* --skip-bad: the good row goes in, the bad ones to the rejects */
	assert_int_equal(run(x, IMPORT_APPRAISALS, bad, true, &res), 0);
	assert_int_equal(res.inserted, 1);
	assert_int_equal(res.bad, 7);
	assert_non_null(strstr(buf_cstr(&x->rejects), "440106198503120023|2027|合格|年度 column: the year 2027"));
	assert_int_equal(q(x, "SELECT count(*) FROM appraisals"), 1);
}

static void a_missing_column_is_refused(void **state)
{
	struct ctx *x = *state;
	struct import_result res;

	assert_int_equal(run(x, IMPORT_APPRAISALS, "身份证号,年度\n440106198503120023,2021\n", false, &res), -1);
	said(x, "结果 column: is missing");
	assert_int_equal(run(x, IMPORT_EVENTS, "id_number,kind,end\n440106198503120023,ethics,\n", false, &res), -1);
	said(x, "开始日期 column: is missing");
}

static const char EVENTS[] =
	"身份证号,类型,开始日期,结束日期,说明\n"
	"440106198503120023,师德违规,2023-05-04,,有偿补课\n"
	"440106198503120023,中止教学,2022-09-01,2023-01-31,\n"
	"440106199001011235,approved_leave,2024/3/1,2024年8月31日,产假\n"
	"440106199001011235,撤销资格,2025-01-10,,\n";

static void events_then_again_then_changed(void **state)
{
	struct ctx *x = *state;
	struct import_result res;

	assert_int_equal(run(x, IMPORT_EVENTS, EVENTS, false, &res), 0);
	assert_int_equal(res.inserted, 4);
	assert_int_equal(q(x, "SELECT count(*) FROM person_events WHERE kind = 'ethics'"
			      " AND end_date IS NULL AND note = '有偿补课'"), 1);
	assert_int_equal(q(x, "SELECT count(*) FROM person_events WHERE kind = 'approved_leave'"
			      " AND start_date = '2024-03-01' AND end_date = '2024-08-31'"), 1);
	assert_int_equal(run(x, IMPORT_EVENTS, EVENTS, false, &res), 0);
	assert_int_equal(res.unchanged, 4);
	/* the same person, kind and start: another end updates it */
	assert_int_equal(run(x, IMPORT_EVENTS, "身份证号,类型,开始日期,结束日期\n"
			     "440106198503120023,suspension,2022-09-01,2023-03-31\n", false, &res), 0);
	assert_int_equal(res.updated, 1);
	assert_int_equal(q(x, "SELECT count(*) FROM person_events"), 4);
	assert_int_equal(q(x, "SELECT count(*) FROM person_events WHERE kind = 'suspension'"
			      " AND end_date = '2023-03-31'"), 1);
	assert_int_equal(q(x, "SELECT count(*) FROM audit_log WHERE action = 'event.update'"), 1);
	/* a file without the note column keeps... no: an empty note is a note */
	assert_int_equal(run(x, IMPORT_EVENTS, "身份证号,类型,开始日期,结束日期\n"
			     "440106198503120023,suspension,2022-09-01,2023-03-31\n", false, &res), 0);
	assert_int_equal(res.unchanged, 1);
}

static void event_end_rules(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	static const char bad[] =
		"身份证号,类型,开始日期,结束日期,说明\n"
		"440106198503120023,中止教学,2022-09-01,,\n"               /* 2: needs an end */
		"440106198503120023,批准离岗,2022-09-01,,\n"               /* 3: needs an end */
		"440106198503120023,师德违规,2022-09-01,2022-09-02,\n"     /* 4: no end */
		"440106198503120023,撤销资格,2022-09-01,2022-09-02,\n"     /* 5: no end */
		"440106198503120023,中止教学,2022-09-01,2022-08-31,\n"     /* 6: end before start */
		"440106198503120023,休假,2022-09-01,2022-09-30,\n"         /* 7: no such kind */
		"440106198503120023,中止教学,2026-12-01,2026-12-31,\n"     /* 8: starts in the future */
		"440106198503120023,中止教学,2022-02-30,2022-03-31,\n"     /* 9: no such day */
		"440106198503120023,中止教学,2022-09-01,2022-09-01,\n";    /* 10: one day: good */

	assert_int_equal(run(x, IMPORT_EVENTS, bad, false, &res), -1);
	assert_int_equal(res.bad, 8);
	said(x, "a.csv:2: 结束日期 column: 中止教学 needs an end date (inclusive)");
	said(x, "a.csv:3: 结束日期 column: 批准离岗 needs an end date");
	said(x, "a.csv:4: 结束日期 column: 师德违规 has no end date: leave it empty");
	said(x, "a.csv:5: 结束日期 column: 撤销资格 has no end date");
	said(x, "a.csv:6: 结束日期 column: the end date 2022-08-31 is before the start date 2022-09-01");
	said(x, "a.csv:7: 类型 column: \"休假\" is not a known value; use one of 师德违规, 中止教学, "
		"批准离岗, 撤销资格");
	said(x, "a.csv:8: 开始日期 column: the start date 2026-12-01 is in the future");
	said(x, "a.csv:9: 开始日期 column:");
	assert_int_equal(q(x, "SELECT count(*) FROM person_events"), 0);
}

static void scope_and_dry_run(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	struct registry_scope sc = { .school_code = "3444102077" };

	/* a school's import: the other school's teacher reads as unknown */
	assert_int_equal(run_scoped(x, IMPORT_APPRAISALS, APPRAISALS, false, false, &sc, &res), -1);
	assert_int_equal(res.bad, 2);
	said(x, "a.csv:4: 身份证号 column: no person with the ID number 4401**********1235");
	/* a dry run counts and writes nothing */
	assert_int_equal(run_scoped(x, IMPORT_APPRAISALS, APPRAISALS, false, true, NULL, &res), 0);
	assert_int_equal(res.inserted, 4);
	assert_int_equal(q(x, "SELECT count(*) FROM appraisals"), 0);
	assert_int_equal(q(x, "SELECT count(*) FROM audit_log"), 0);
}

static void the_lists_and_a_form_audit(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	struct appraisal_import *ai;
	struct actor who = { 7, "school1", NULL };
	struct change_source src = { .who = &who, .source = "form", .now = "2026-11-23T11:00:00Z" };
	struct field_errors fe = { 0 };
	enum save_result saved;
	struct err e = { 0 };
	struct appraisal_rec *ap;
	struct event_rec *ev;
	struct arena a;
	int n;

	assert_int_equal(run(x, IMPORT_EVENTS, EVENTS, false, &res), 0);
	assert_int_equal(store_begin(x->db.s, STORE_WRITE), 0);
	assert_int_equal(appraisal_import_begin(x->db.s, NULL, &src, "2026-11-23", true, &ai, &e), 0);
	assert_int_equal(appraisal_import_row(ai, &(struct appraisal_in){ "440106198503120023", "2025",
							"qualified", false, 0 }, &fe, &saved), 0);
	assert_int_equal(saved, SAVE_INSERTED);
	assert_int_equal(appraisal_import_row(ai, &(struct appraisal_in){ "440106198503120023", "2024",
							"basic", false, 0 }, &fe, &saved), 0);
	appraisal_import_free(ai);
	assert_int_equal(store_commit(x->db.s), 0);
	assert_int_equal(q(x, "SELECT count(*) FROM audit_log WHERE action = 'appraisal.create'"
			      " AND actor = 'school1'"), 2);
	arena_init(&a);
	assert_int_equal(appraisal_list(x->db.s, &a, 1, &ap, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ap[0].year, 2025);
	assert_string_equal(ap[1].result, "basic");
	assert_int_equal(event_list(x->db.s, &a, 1, &ev, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].kind, "ethics");      /* newest first */
	assert_string_equal(ev[0].end, "");
	assert_string_equal(ev[1].end, "2023-01-31");
	assert_int_equal(event_list(x->db.s, &a, 99, &ev, &n), 0);
	assert_int_equal(n, 0);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(appraisals_then_again, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_appraisals_named_nothing_written, setup, teardown),
		cmocka_unit_test_setup_teardown(a_missing_column_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(events_then_again_then_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(event_end_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(scope_and_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(the_lists_and_a_form_audit, setup, teardown),
	};

	return cmocka_run_group_tests_name("appraisal", tests, NULL, NULL);
}
