/* test_credits.c - hours records from a file (core/credits.c through
 * core/import.c): every bad value named, all or nothing, idempotence on the
 * record number, the same number with other values refused, the bulk path
 * (trigger and index dropped and made again, totals added in one go) and
 * the dry run's memory of the file. */
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

	if (!x || fixture_db_open(&x->db, "credits") < 0)
		return -1;
	if (fixture_exec(x->db.s,
			 "INSERT INTO regions VALUES ('440000', '广东省', 'province', NULL);"
			 "INSERT INTO regions VALUES ('440100', '广州市', 'city', '440000');"
			 "INSERT INTO regions VALUES ('440106', '天河区', 'district', '440100');"
			 "INSERT INTO schools (id, code, name, district_code, stage, ownership)"
			 " VALUES (1, '3444102077', '广州市第一中学', '440106', 'complete', 'public');"
			 "INSERT INTO persons (id, id_number, name, gender, birth_date, school_id, role,"
			 " education) VALUES (1, '440106198503120023', '陈晓燕', 'female', '1985-03-12', 1,"
			 " 'teacher', 'bachelor');"
			 "INSERT INTO persons (id, id_number, name, gender, birth_date, school_id, role,"
			 " education) VALUES (2, '440106199001011235', '李明', 'male', '1990-01-01', 1,"
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

/* bytes: the size the importer is told, which picks the bulk path */
static int run(struct ctx *x, const char *text, bool skip_bad, bool dry_run, size_t bytes,
	       struct import_result *res)
{
	struct sheet *sh;
	struct err e = { 0 };
	struct actor who = { 0, "cli:test", NULL };
	struct change_source src = { .who = &who, .source = "import:c.csv", .now = "2026-11-23T10:00:00Z" };
	struct import_opts o = {
		.kind = IMPORT_CREDITS, .label = "c.csv", .skip_bad = skip_bad, .dry_run = dry_run,
		.src = &src, .today = "2026-11-23", .message = on_message, .reject = on_reject,
		.cb_ctx = x, .file_bytes = bytes,
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

static long long q(struct ctx *x, const char *sql)
{
	return fixture_int(x->db.s, sql);
}

static bool said(struct ctx *x, const char *text)
{
	return strstr(buf_cstr(&x->messages), text) != NULL;
}

static const char GOOD[] =
	"身份证号,日期,学时,类别,项目名称,来源,记录编号\n"
	"440106198503120023,2025-03-01,2.5,专题研修,小学数学新课标专题研修,,R1\n"
	"440106198503120023,2025/12/31,3,公需科目,师德师风,培训项目,R2\n"
	"440106199001011235,2026年1月1日,72,校本研修,校本研修,转入,R3\n";

static void good_file_then_again(void **state)
{
	struct ctx *x = *state;
	struct import_result res;

	assert_int_equal(run(x, GOOD, false, false, 0, &res), 0);
	assert_int_equal(res.rows, 3);
	assert_int_equal(res.inserted, 3);
	assert_int_equal(q(x, "SELECT hours10 FROM hours_totals WHERE person_id = 1 AND year = 2025"
			      " AND category = 'thematic'"), 25);
	assert_int_equal(q(x, "SELECT sum(hours10) FROM hours_totals WHERE person_id = 1 AND year = 2025"), 55);
	assert_int_equal(q(x, "SELECT hours10 FROM hours_totals WHERE person_id = 2 AND year = 2026"), 720);
	assert_int_equal(q(x, "SELECT count(*) FROM ledger WHERE source = 'import' AND record_id = 'R1'"), 1);
	assert_int_equal(q(x, "SELECT count(*) FROM ledger WHERE source = 'transfer_in'"), 1);
	assert_int_equal(q(x, "SELECT count(*) FROM audit_log WHERE action = 'import.credits'"), 1);
	/* the same file again: every record skipped, counted, nothing added */
	assert_int_equal(run(x, GOOD, false, false, 0, &res), 0);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(res.unchanged, 3);
	assert_int_equal(q(x, "SELECT count(*) FROM ledger"), 3);
	assert_int_equal(q(x, "SELECT sum(hours10) FROM hours_totals"), 25 + 30 + 720);
}

static void bad_rows_write_nothing(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	static const char BAD[] =
		"身份证号,日期,学时,类别,项目名称,来源,记录编号\n"
		"440106198503120023,2025-03-01,2.55,专题研修,t,,B1\n"   /* line 2: hours */
		"440106198503120023,2025-03-01,-1,专题研修,t,,B2\n"     /* 3: negative */
		"440106198503120023,2025-03-01,,专题研修,t,,B3\n"       /* 4: empty */
		"440106198503120023,2027-01-01,1,专题研修,t,,B4\n"      /* 5: future */
		"440106198503120024,2025-03-01,1,专题研修,t,,B5\n"      /* 6: check character */
		"11010519491231002X,2025-03-01,1,专题研修,t,,B6\n"      /* 7: valid, unknown person */
		"440106198503120023,2025-03-01,1,烹饪,t,,B7\n"          /* 8: category */
		"440106198503120023,2025-03-01,1,专题研修,t,补录,B8\n"  /* 9: manual */
		"440106198503120023,2025-03-01,1,专题研修,t,,\n"        /* 10: no record number */
		"440106198503120023,2025-03-01,1,专题研修,t,,OK1\n"     /* 11: good */
		"440106198503120023,2025-03-01,2,专题研修,t,,OK1\n";    /* 12: same number, other hours */

	assert_int_equal(run(x, BAD, false, false, 0, &res), -1);
	assert_int_equal(res.bad, 10);
	assert_int_equal(q(x, "SELECT count(*) FROM ledger"), 0);
	assert_int_equal(q(x, "SELECT count(*) FROM hours_totals"), 0);
	assert_true(said(x, "c.csv:2: 学时 column: hours have at most one decimal"));
	assert_true(said(x, "c.csv:3: 学时 column: hours cannot be negative"));
	assert_true(said(x, "c.csv:4: 学时 column: hours are empty"));
	assert_true(said(x, "c.csv:5: 日期 column: the date 2027-01-01 is in the future"));
	assert_true(said(x, "c.csv:6: 身份证号 column: check character"));
	assert_true(said(x, "c.csv:7: 身份证号 column: no person with the ID number 1101**********002X"));
	assert_true(said(x, "c.csv:8: 类别 column: \"烹饪\" is not a known value"));
	assert_true(said(x, "c.csv:9: 来源 column: a manual entry needs a reason"));
	assert_true(said(x, "c.csv:10: 记录编号 column: the record number is empty"));
	assert_true(said(x, "c.csv:12: 记录编号 column: the record number OK1 is also earlier in this file"));
	assert_false(said(x, "c.csv:11:"));
	/* the same through --skip-bad: the good row goes in, the rest are rejects */
	assert_int_equal(run(x, BAD, true, false, 0, &res), 0);
	assert_int_equal(res.inserted, 1);
	assert_int_equal(res.bad, 10);
	assert_int_equal(q(x, "SELECT count(*) FROM ledger WHERE record_id = 'OK1' AND hours10 = 10"), 1);
	assert_non_null(strstr(buf_cstr(&x->rejects), "2.55|专题研修|t||B1|学时 column: hours have at most one decimal"));
}

static void other_values_for_a_known_record(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	static const char CHANGED[] =
		"身份证号,日期,学时,类别,项目名称,来源,记录编号\n"
		"440106198503120023,2025-03-01,4,专题研修,小学数学新课标专题研修,,R1\n";

	assert_int_equal(run(x, GOOD, false, false, 0, &res), 0);
	assert_int_equal(run(x, CHANGED, false, false, 0, &res), -1);
	assert_true(said(x, "c.csv:2: 记录编号 column: record R1 is already in the ledger with other"
			    " values (4401**********0023, 2025-03-01, 2.5 hours, thematic)"));
	/* a dry run finds the same, writes nothing */
	assert_int_equal(run(x, CHANGED, false, true, 0, &res), -1);
	assert_int_equal(q(x, "SELECT sum(hours10) FROM ledger WHERE record_id = 'R1'"), 25);
}

static void dry_run_remembers_the_file(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	static const char TWICE[] =
		"身份证号,日期,学时,类别,项目名称,来源,记录编号\n"
		"440106198503120023,2025-03-01,1,专题研修,t,,D1\n"
		"440106198503120023,2025-03-01,1,专题研修,t,,D1\n"
		"440106198503120023,2025-03-01,2,专题研修,t,,D1\n";

	assert_int_equal(run(x, TWICE, false, true, 0, &res), -1);
	assert_int_equal(res.bad, 1);
	assert_true(said(x, "c.csv:4: 记录编号 column: the record number D1 is also earlier"));
	assert_int_equal(q(x, "SELECT count(*) FROM ledger"), 0);
	assert_int_equal(run(x, TWICE, true, true, 0, &res), 0);
	assert_int_equal(res.inserted, 1);
	assert_int_equal(res.unchanged, 1);
	assert_int_equal(q(x, "SELECT count(*) FROM ledger"), 0);
}

/* Rows spread over years, more than one batch of 64, as the bulk path. */
static char *many_rows(int n, const char *prefix)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "身份证号,日期,学时,类别,项目名称,来源,记录编号\n");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s,%d-0%d-1%d,%d.%d,%s,t%d,,%s%05d\n",
			   i % 2 ? "440106199001011235" : "440106198503120023", 2021 + i % 5,
			   1 + i % 9, i % 10, 1 + i % 7, i % 10, i % 3 ? "公需科目" : "专题研修", i,
			   prefix, i);
	{
		char *copy = strdup(buf_cstr(&b));

		buf_free(&b);
		assert_non_null(copy);
		return copy;
	}
}

static void bulk_path_keeps_the_schema_and_totals(void **state)
{
	struct ctx *x = *state;
	struct import_result res;
	char *text = many_rows(1000, "K");
	long long sum, schema_before = q(x, "SELECT count(*) FROM sqlite_master");

	/* a size that says "large": the trigger and the index go and come back */
	assert_int_equal(run(x, text, false, false, 100u << 20, &res), 0);
	assert_int_equal(res.inserted, 1000);
	sum = q(x, "SELECT sum(hours10) FROM ledger");
	assert_int_equal(q(x, "SELECT sum(hours10) FROM hours_totals"), sum);
	assert_int_equal(q(x, "SELECT count(*) FROM (SELECT person_id, year, category, sum(hours10) s"
			      " FROM ledger GROUP BY 1, 2, 3) g JOIN hours_totals t USING (person_id,"
			      " year, category) WHERE t.hours10 = g.s"),
			 q(x, "SELECT count(*) FROM hours_totals"));
	assert_int_equal(q(x, "SELECT count(*) FROM sqlite_master"), schema_before);
	assert_int_equal(q(x, "SELECT count(*) FROM sqlite_master WHERE name = 'ledger_totals' AND"
			      " sql LIKE '%WHEN NOT EXISTS (SELECT 1 FROM settings WHERE key ="
			      " ''ledger.bulk_import'')%'"), 1);
	assert_int_equal(q(x, "SELECT count(*) FROM sqlite_master WHERE name = 'ledger_person' AND"
			      " sql = 'CREATE INDEX ledger_person ON ledger(person_id, year, category,"
			      " hours10)'"), 1);
	assert_int_equal(q(x, "SELECT count(*) FROM settings WHERE key LIKE 'ledger.%'"), 0);
	/* foreign keys, off around the bulk transaction, are on again */
	assert_int_equal(q(x, "PRAGMA foreign_keys"), 1);
	/* the trigger works again: a single row keeps the totals */
	assert_int_equal(fixture_exec(x->db.s,
		"INSERT INTO ledger (record_id, person_id, day, year, hours10, category, source,"
		" author, created_at) VALUES ('X', 1, '2021-01-01', 2021, 5, 'other', 'manual',"
		" 't', 't')"), 0);
	assert_int_equal(q(x, "SELECT sum(hours10) FROM hours_totals"), sum + 5);
	/* again, bulk, on top: the same rows skipped, new ones added */
	free(text);
	text = many_rows(1500, "K");
	assert_int_equal(run(x, text, false, false, 100u << 20, &res), 0);
	assert_int_equal(res.inserted, 500);
	assert_int_equal(res.unchanged, 1000);
	assert_int_equal(q(x, "SELECT sum(hours10) FROM hours_totals"),
			 q(x, "SELECT sum(hours10) FROM ledger"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(good_file_then_again, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_rows_write_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(other_values_for_a_known_record, setup, teardown),
		cmocka_unit_test_setup_teardown(dry_run_remembers_the_file, setup, teardown),
		cmocka_unit_test_setup_teardown(bulk_path_keeps_the_schema_and_totals, setup, teardown),
	};

	return cmocka_run_group_tests_name("credits", tests, NULL, NULL);
}
