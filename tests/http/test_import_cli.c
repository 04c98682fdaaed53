/* test_import_cli.c - 'tdc import schools|teachers FILE' as a user runs it:
 * all or nothing, dry runs, the committed fixtures in every format,
 * re-imports and history, --skip-bad with its rejects file, the header's
 * problems, schools then their teachers, misuse, templates, and a process
 * killed in the middle of a large import.
 *
 * The program runs $TDC_BIN as a child (harness.c) on its own temporary
 * demo database ('tdc init --demo --teachers 500'); no server is needed, so
 * the one the harness starts is stopped in the group setup. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

/* The demo school admin's school, in district 440106 (天河区). */
#define SCHOOL "3444102077"
#define TEACHER_HEADER "身份证号,姓名,学校标识码,岗位,学科,职称,学历,骨干级别,入职日期,手机\n"

/* ---- helpers ---- */

static int setup(void **state)
{
	if (harness_group_setup(state) != 0)
		return -1;
	/* the command line only: the server would just hold a connection */
	return harness_stop() == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	return harness_group_teardown(state);
}

/* A file in the committed fixtures. */
static const char *fixture(const char *name)
{
	static char path[4][PATH_MAX];
	static int next;
	const char *root = getenv("TDC_SOURCE_ROOT");
	char *p = path[next++ % 4];

	if (!root || !*root)
		fail_msg("TDC_SOURCE_ROOT is not set: run the tests with 'meson test'");
	snprintf(p, PATH_MAX, "%s/tests/fixtures/import/%s", root, name);
	if (access(p, R_OK) != 0)
		fail_msg("no fixture %s", p);
	return p;
}

/* A path in the test's temporary directory (a few live at once). */
static const char *tmp_path(const char *name)
{
	static char path[8][PATH_MAX];
	static int next;
	char *p = path[next++ % 8];

	snprintf(p, PATH_MAX, "%s/%s", harness_dir(), name);
	return p;
}

static const char *write_file(const char *name, const char *text)
{
	const char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");

	if (!f || fputs(text, f) == EOF || fclose(f) != 0)
		fail_msg("cannot write %s", path);
	return path;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	if (fread(data, 1, (size_t)n, f) != (size_t)n)
		fail_msg("cannot read %s", path);
	fclose(f);
	data[n] = '\0';
	if (len)
		*len = (size_t)n;
	return data;
}

static void copy_file(const char *from, const char *to)
{
	size_t n;
	char *data = slurp(from, &n);
	FILE *f = fopen(to, "wb");

	if (!data || !f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
		fail_msg("cannot copy %s to %s", from, to);
	free(data);
}

/* A valid 18-character resident ID number (GB 11643-1999): six digits of
 * region, the birth date, a serial, and the ISO 7064 MOD 11-2 check
 * character, computed here rather than by the code under test. */
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

static long long persons(void)
{
	return db_int("SELECT count(*) FROM persons");
}

static void expect_exit(const struct cli_result *res, int want, const char *what)
{
	if (res->status != want)
		fail_msg("%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s", what, res->status, want,
			 res->out, res->err);
}

#define expect_text(hay, needle) do { \
	if (!strstr((hay), (needle))) \
		fail_msg("expected \"%s\" in:\n%s", (needle), (hay)); \
} while (0)
#define expect_no_text(hay, needle) do { \
	if (strstr((hay), (needle))) \
		fail_msg("did not expect \"%s\" in:\n%s", (needle), (hay)); \
} while (0)

struct bad_line {
	long line;
	const char *column;
	bool seen;
};

/* stderr must hold exactly one "LABEL:LINE: COLUMN column: reason" line for
 * each expected bad row and no other line about a row of the file. */
static void expect_row_errors(const char *err, const char *label, struct bad_line *want, int nwant)
{
	size_t llen = strlen(label);

	for (const char *line = err; *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char *copy = strndup(line, n), *end;
		long num;

		assert_non_null(copy);
		if (!strncmp(copy, label, llen) && copy[llen] == ':' &&
		    (num = strtol(copy + llen + 1, &end, 10)) > 0 && !strncmp(end, ": ", 2)) {
			const char *col = end + 2, *mark = strstr(col, " column: ");
			int k;

			for (k = 0; k < nwant; k++)
				if (want[k].line == num && mark && (size_t)(mark - col) == strlen(want[k].column) &&
				    !strncmp(col, want[k].column, (size_t)(mark - col)) && mark[9])
					break;
			if (k == nwant)
				fail_msg("unexpected line on stderr: %s\nstderr:\n%s", copy, err);
			if (want[k].seen)
				fail_msg("line %ld is reported twice:\n%s", num, err);
			want[k].seen = true;
		}
		free(copy);
		line += n + (eol ? 1 : 0);
	}
	for (int k = 0; k < nwant; k++)
		if (!want[k].seen)
			fail_msg("no \"%s:%ld: %s column: ...\" line on stderr:\n%s", label, want[k].line,
				 want[k].column, err);
}

/* ---- misuse and templates ---- */

static void misuse_exits_2(void **state)
{
	struct cli_result res;
	const char *db = harness_db(), *good = fixture("teachers.csv");

	(void)state;
	tdc_cli(&res, NULL, "import", "--db", db, (char *)NULL);
	expect_exit(&res, 2, "import with no kind");
	expect_text(res.err, "tdc import");
	cli_result_free(&res);

	tdc_cli(&res, NULL, "import", "widgets", good, "--db", db, (char *)NULL);
	expect_exit(&res, 2, "import widgets");
	expect_text(res.err, "widgets");
	cli_result_free(&res);

	tdc_cli(&res, NULL, "import", "teachers", "--db", db, (char *)NULL);
	expect_exit(&res, 2, "import teachers with no FILE");
	expect_text(res.err, "FILE");
	cli_result_free(&res);

	tdc_cli(&res, NULL, "import", "teachers", good, "--rejects", tmp_path("r.csv"), "--db", db,
		(char *)NULL);
	expect_exit(&res, 2, "--rejects without --skip-bad");
	cli_result_free(&res);

	tdc_cli(&res, NULL, "import", "teachers", good, "--no-such-option", "--db", db, (char *)NULL);
	expect_exit(&res, 2, "an unknown option");
	cli_result_free(&res);

	tdc_cli(&res, NULL, "import", "teachers", good, "extra", "--db", db, (char *)NULL);
	expect_exit(&res, 2, "two files");
	cli_result_free(&res);
	assert_int_equal(persons(), 500);
}

static void template_is_a_workbook(void **state)
{
	static const char *const kinds[] = { "teachers", "schools" };
	struct cli_result res;

	(void)state;
	for (int i = 0; i < 2; i++) {
		char name[64];
		const char *out;
		size_t len;
		char *data;

		snprintf(name, sizeof name, "template-%s.xlsx", kinds[i]);
		out = tmp_path(name);
		tdc_cli(&res, NULL, "import", kinds[i], "--template", out, (char *)NULL);
		expect_exit(&res, 0, "--template");
		cli_result_free(&res);
		data = slurp(out, &len);
		if (!data)
			fail_msg("--template wrote no %s", out);
		/* a zip: what an .xlsx is */
		assert_true(len > 1000);
		assert_memory_equal(data, "PK\x03\x04", 4);
		/* the headers are in the shared strings of the zip's deflated
		 * parts, so only the zip's own file names can be checked here */
		assert_non_null(memmem(data, len, "xl/worksheets/sheet1.xml", 24));
		free(data);
	}
}

/* ---- all or nothing ---- */

static void bad_rows_write_nothing(void **state)
{
	char id[5][19], text[2048];
	const char *path;
	struct cli_result res;
	long long before = persons(), history = db_int("SELECT count(*) FROM person_history");
	struct bad_line want[] = { { 3, "职称", false }, { 5, "入职日期", false } };

	(void)state;
	for (int i = 0; i < 5; i++)
		make_id(id[i], "110101", 1980, 1, 1, 100 + i);
	snprintf(text, sizeof text, TEACHER_HEADER
		 "%s,甲一,%s,教师,语文,高级,本科,无,2005-09-01,13800000001\n"
		 "%s,甲二,%s,教师,语文,特级教师,本科,无,2005-09-01,13800000002\n" /* line 3 */
		 "%s,甲三,%s,教师,语文,一级,本科,无,2005-09-01,13800000003\n"
		 "%s,甲四,%s,教师,语文,一级,本科,无,2019/13/1,13800000004\n"       /* line 5 */
		 "%s,甲五,%s,教师,语文,二级,本科,无,2019.9.1,\n",
		 id[0], SCHOOL, id[1], SCHOOL, id[2], SCHOOL, id[3], SCHOOL, id[4], SCHOOL);
	path = write_file("bad.csv", text);

	tdc_cli(&res, NULL, "import", "teachers", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 1, "a file with 2 bad rows");
	expect_row_errors(res.err, path, want, 2);
	expect_text(res.err, "nothing was imported");
	expect_no_text(res.out, "new");
	cli_result_free(&res);
	assert_int_equal(persons(), before);
	assert_int_equal(db_int("SELECT count(*) FROM person_history"), history);
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number LIKE '110101198001011%%'"), 0);

	/* a dry run of it fails the same way */
	tdc_cli(&res, NULL, "import", "teachers", path, "--dry-run", "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 1, "a dry run of a file with 2 bad rows");
	for (int k = 0; k < 2; k++)
		want[k].seen = false;
	expect_row_errors(res.err, path, want, 2);
	cli_result_free(&res);
	assert_int_equal(persons(), before);
}

/* The text of the first column of the first row of a query on another
 * database file, malloc'd ("" for no row). */
static char *text_in(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st;
	char *out;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s: %s", db, sql, sqlite3_errmsg(h));
	out = strdup(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
		     ? (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	sqlite3_close(h);
	assert_non_null(out);
	return out;
}

/* Each committed fixture, into its own copy of the demo database as it is
 * now (none of the three there): three new persons with the very same
 * values whatever the format, and nothing new the second time. */
static void every_format_imports_three(void **state)
{
	static const struct { const char *file, *kind; } files[] = {
		{ "teachers.csv", "CSV (UTF-8)" },
		{ "teachers-lo.xlsx", ".xlsx" },
		{ "teachers-lo.xls", ".xls" },
		{ "teachers-gb18030.csv", "CSV (GB18030)" },
	};
	static const char values[] =
		"SELECT group_concat(v, ' | ') FROM (SELECT p.id_number || ' ' || p.name || ' ' || s.code"
		" || ' ' || p.role || ' ' || p.subject || ' ' || p.title || ' ' || p.education || ' '"
		" || p.key_level || ' ' || p.service_start || ' ' || coalesce(p.phone, '-') || ' '"
		" || p.gender || ' ' || p.birth_date || ' ' || p.status AS v"
		" FROM persons p JOIN schools s ON s.id = p.school_id WHERE p.id_number IN"
		" ('440106198503120023', '440106199001011235', '44010619880203001X') ORDER BY p.id_number)";
	char *first = NULL;

	(void)state;
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number IN ('440106198503120023',"
				" '440106199001011235', '44010619880203001X')"), 0);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char name[64], want[96], *got;
		const char *copy;
		struct cli_result res;

		snprintf(name, sizeof name, "format-%zu.db", i);
		copy = tmp_path(name);
		if (db_exec("VACUUM INTO %Q", copy) != 0)
			fail_msg("cannot copy the database to %s", copy);
		tdc_cli(&res, NULL, "import", "teachers", fixture(files[i].file), "--db", copy, (char *)NULL);
		expect_exit(&res, 0, files[i].file);
		snprintf(want, sizeof want, "%s, 3 rows: 3 new, 0 changed, 0 unchanged", files[i].kind);
		expect_text(res.out, want);
		expect_no_text(res.err, "warning");
		cli_result_free(&res);
		got = text_in(copy, values);
		if (!first) {
			assert_string_equal(got, "440106198503120023 陈晓燕 " SCHOOL " teacher 语文 senior bachelor"
				" district 2008-09-01 13800138000 female 1985-03-12 serving | 44010619880203001X"
				" 王芳 " SCHOOL " teacher 英语 second bachelor school 2019-09-01 - male 1988-02-03"
				" serving | 440106199001011235 李明 " SCHOOL " teacher 数学 first master none"
				" 2015-09-01 13912345678 male 1990-01-01 serving");
			first = got;
		} else {
			if (strcmp(got, first))
				fail_msg("%s reads differently from teachers.csv:\n%s\n%s", files[i].file, got, first);
			free(got);
		}
		tdc_cli(&res, NULL, "import", "teachers", fixture(files[i].file), "--db", copy, (char *)NULL);
		expect_exit(&res, 0, files[i].file);
		expect_text(res.out, "3 rows: 0 new, 0 changed, 3 unchanged");
		cli_result_free(&res);
		{
			char *n = text_in(copy, "SELECT count(*) FROM person_history WHERE source LIKE 'import:%'");

			assert_string_equal(n, "3");
			free(n);
		}
		unlink(copy);
	}
	free(first);
}

static void dry_run_writes_nothing(void **state)
{
	struct cli_result res;
	long long before = persons();

	(void)state;
	tdc_cli(&res, NULL, "import", "teachers", fixture("teachers.csv"), "--dry-run",
		"--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "a dry run of a good file");
	expect_text(res.out, "3 new, 0 changed, 0 unchanged");
	expect_text(res.out, "dry run");
	cli_result_free(&res);
	assert_int_equal(persons(), before);
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number = '440106198503120023'"), 0);
}

/* ---- the fixtures, re-imports and history ---- */

static void fixture_imports_three(void **state)
{
	struct cli_result res;
	long long before = persons();
	char *v;

	(void)state;
	tdc_cli(&res, NULL, "import", "teachers", fixture("teachers.csv"), "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "teachers.csv");
	expect_text(res.out, "CSV (UTF-8), 3 rows: 3 new, 0 changed, 0 unchanged");
	cli_result_free(&res);
	assert_int_equal(persons(), before + 3);
	assert_int_equal(db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				" WHERE s.code = '" SCHOOL "' AND p.id_number IN ('440106198503120023',"
				" '440106199001011235', '44010619880203001X')"), 3);
	/* values as people write them: 中学高级 is senior, 2019年9月1日 a date,
	 * a 15-digit number the 18-digit one, 班主任 a teacher */
	v = db_text("SELECT title || ' ' || service_start || ' ' || key_level FROM persons"
		    " WHERE id_number = '440106198503120023'");
	assert_string_equal(v, "senior 2008-09-01 district");
	free(v);
	v = db_text("SELECT education || ' ' || service_start FROM persons WHERE id_number = '440106199001011235'");
	assert_string_equal(v, "master 2015-09-01");
	free(v);
	v = db_text("SELECT name || ' ' || role || ' ' || title || ' ' || service_start || ' ' || gender"
		    " || ' ' || birth_date FROM persons WHERE id_number = '44010619880203001X'");
	assert_string_equal(v, "王芳 teacher second 2019-09-01 male 1988-02-03");
	free(v);
	assert_int_equal(db_int("SELECT count(*) FROM person_history h JOIN persons p ON p.id = h.person_id"
				" WHERE p.id_number = '440106198503120023' AND h.field = 'created'"
				" AND h.source = 'import:teachers.csv'"), 1);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'import.teachers'"), 1);
	/* the new names are in the search index */
	assert_int_equal(db_exec("INSERT INTO persons_fts(persons_fts) VALUES ('integrity-check')"), 0);
	assert_int_equal(db_int("SELECT count(*) FROM persons_fts WHERE persons_fts MATCH '陈晓燕'"), 1);

	/* the same file again changes nothing */
	tdc_cli(&res, NULL, "import", "teachers", fixture("teachers.csv"), "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "teachers.csv again");
	expect_text(res.out, "3 rows: 0 new, 0 changed, 3 unchanged");
	cli_result_free(&res);
	assert_int_equal(persons(), before + 3);
	assert_int_equal(db_int("SELECT count(*) FROM person_history h JOIN persons p ON p.id = h.person_id"
				" WHERE p.id_number = '440106198503120023'"), 1);
}

/* The same three teachers as LibreOffice saves them, and in GB18030: every
 * format reads to the same values, so nothing changes. */
static void other_formats_read_the_same(void **state)
{
	static const struct { const char *file, *kind; } files[] = {
		{ "teachers-lo.xlsx", ".xlsx" },
		{ "teachers-lo.xls", ".xls" },
		{ "teachers-gb18030.csv", "CSV (GB18030)" },
	};
	struct cli_result res;
	long long before = persons(), history = db_int("SELECT count(*) FROM person_history");

	(void)state;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char want[96];

		tdc_cli(&res, NULL, "import", "teachers", fixture(files[i].file), "--db", harness_db(),
			(char *)NULL);
		expect_exit(&res, 0, files[i].file);
		snprintf(want, sizeof want, "%s, 3 rows: 0 new, 0 changed, 3 unchanged", files[i].kind);
		expect_text(res.out, want);
		expect_no_text(res.err, "warning");
		cli_result_free(&res);
	}
	/* the kind comes from the content, not the name */
	copy_file(fixture("teachers-lo.xlsx"), tmp_path("really-a-workbook.csv"));
	tdc_cli(&res, NULL, "import", "teachers", tmp_path("really-a-workbook.csv"), "--db", harness_db(),
		(char *)NULL);
	expect_exit(&res, 0, "an .xlsx named .csv");
	expect_text(res.out, ".xlsx, 3 rows: 0 new, 0 changed, 3 unchanged");
	cli_result_free(&res);
	copy_file(fixture("teachers-gb18030.csv"), tmp_path("gb.xlsx"));
	tdc_cli(&res, NULL, "import", "teachers", tmp_path("gb.xlsx"), "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "a GB18030 CSV named .xlsx");
	expect_text(res.out, "CSV (GB18030), 3 rows: 0 new, 0 changed, 3 unchanged");
	cli_result_free(&res);
	assert_int_equal(persons(), before);
	assert_int_equal(db_int("SELECT count(*) FROM person_history"), history);
}

static void changed_title_is_history(void **state)
{
	char *text = slurp(fixture("teachers.csv"), NULL), *at;
	const char *path;
	struct cli_result res;
	char *v;

	(void)state;
	assert_non_null(text);
	/* 李明: 一级 becomes 副高级 (senior) */
	at = strstr(text, "数学,一级,");
	assert_non_null(at);
	{
		char changed[2048];

		snprintf(changed, sizeof changed, "%.*s数学,副高级,%s", (int)(at - text), text,
			 at + strlen("数学,一级,"));
		path = write_file("teachers-title.csv", changed);
	}
	free(text);

	tdc_cli(&res, NULL, "import", "teachers", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "a changed title");
	expect_text(res.out, "3 rows: 0 new, 1 changed, 2 unchanged");
	cli_result_free(&res);
	assert_int_equal(db_int("SELECT count(*) FROM person_history h JOIN persons p ON p.id = h.person_id"
				" WHERE p.id_number = '440106199001011235' AND h.field <> 'created'"), 1);
	v = db_text("SELECT h.field || ' ' || h.old_value || ' ' || h.new_value || ' ' || h.source"
		    " FROM person_history h JOIN persons p ON p.id = h.person_id"
		    " WHERE p.id_number = '440106199001011235' AND h.field <> 'created'");
	assert_string_equal(v, "title first senior import:teachers-title.csv");
	free(v);
	v = db_text("SELECT title FROM persons WHERE id_number = '440106199001011235'");
	assert_string_equal(v, "senior");
	free(v);

	/* and again: no second history row */
	tdc_cli(&res, NULL, "import", "teachers", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "a changed title again");
	expect_text(res.out, "0 new, 0 changed, 3 unchanged");
	cli_result_free(&res);
	assert_int_equal(db_int("SELECT count(*) FROM person_history h JOIN persons p ON p.id = h.person_id"
				" WHERE p.id_number = '440106199001011235' AND h.field = 'title'"), 1);
}

/* ---- skip-bad and the rejects file ---- */

static char *replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t n;
	char *out;

	if (!at)
		fail_msg("no \"%s\" in:\n%s", from, text);
	n = strlen(text) - strlen(from) + strlen(to) + 1;
	out = malloc(n);
	assert_non_null(out);
	snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

static void skip_bad_then_fix_the_rejects(void **state)
{
	char id[4][19], text[2048];
	const char *path, *rejects = tmp_path("R.csv"), *fixed_path;
	struct cli_result res;
	long long before = persons();
	struct bad_line want[] = { { 3, "职称", false }, { 4, "入职日期", false } };
	char *r, *fixed, *tmp;
	size_t len;

	(void)state;
	for (int i = 0; i < 4; i++)
		make_id(id[i], "110101", 1981, 2, 3, 200 + i);
	snprintf(text, sizeof text, TEACHER_HEADER
		 "%s,乙一,%s,教师,语文,高级,本科,无,2005-09-01,13800000011\n"
		 "%s,乙二,%s,教师,语文,特级教师,本科,无,2005-09-01,13800000012\n"
		 "%s,乙三,%s,教师,语文,一级,本科,无,2019/13/1,13800000013\n"
		 "%s,乙四,%s,教师,语文,二级,本科,无,2019.9.1,\n",
		 id[0], SCHOOL, id[1], SCHOOL, id[2], SCHOOL, id[3], SCHOOL);
	path = write_file("some-bad.csv", text);

	tdc_cli(&res, NULL, "import", "teachers", path, "--skip-bad", "--rejects", rejects,
		"--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "--skip-bad");
	expect_row_errors(res.err, path, want, 2);
	expect_text(res.out, "4 rows: 2 new, 0 changed, 0 unchanged, 2 rejected");
	cli_result_free(&res);
	assert_int_equal(persons(), before + 2);
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number IN (%Q, %Q)", id[0], id[3]), 2);
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number IN (%Q, %Q)", id[1], id[2]), 0);

	/* the rejects: a BOM, the file's header and 原因, the two bad rows as
	 * they were, each with its reason */
	r = slurp(rejects, &len);
	if (!r)
		fail_msg("--skip-bad wrote no %s", rejects);
	assert_true(len > 3);
	assert_memory_equal(r, "\xEF\xBB\xBF", 3);
	if (strncmp(r + 3, "身份证号,姓名,学校标识码,岗位,学科,职称,学历,骨干级别,入职日期,手机,原因\r\n",
		    strlen("身份证号,姓名,学校标识码,岗位,学科,职称,学历,骨干级别,入职日期,手机,原因\r\n")))
		fail_msg("the rejects file's header:\n%s", r);
	expect_text(r, id[1]);
	expect_text(r, "特级教师");
	expect_text(r, id[2]);
	expect_text(r, "2019/13/1");
	expect_text(r, "职称 column:");
	expect_text(r, "入职日期 column:");
	expect_no_text(r, id[0]);
	expect_no_text(r, id[3]);
	{
		int lines = 0;

		for (const char *p = r; (p = strstr(p, "\r\n")); p += 2)
			lines++;
		assert_int_equal(lines, 3);
	}

	/* without --rejects, the rejects go beside the file */
	tdc_cli(&res, NULL, "import", "teachers", path, "--skip-bad", "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "--skip-bad without --rejects");
	expect_text(res.out, "4 rows: 0 new, 0 changed, 2 unchanged, 2 rejected");
	expect_text(res.out, "some-bad.rejects.csv");
	cli_result_free(&res);
	{
		char *beside = slurp(tmp_path("some-bad.rejects.csv"), NULL);

		if (!beside)
			fail_msg("--skip-bad without --rejects wrote no some-bad.rejects.csv");
		assert_string_equal(beside, r);
		free(beside);
	}

	/* fixed in place, it imports: the 原因 column is no warning */
	tmp = replace(r, "特级教师", "高级");
	fixed = replace(tmp, "2019/13/1", "2019/3/1");
	free(tmp);
	fixed_path = write_file("R-fixed.csv", fixed);
	tdc_cli(&res, NULL, "import", "teachers", fixed_path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "the fixed rejects file");
	expect_text(res.out, "CSV (UTF-8), 2 rows: 2 new, 0 changed, 0 unchanged");
	expect_no_text(res.err, "warning");
	expect_no_text(res.err, "原因");
	cli_result_free(&res);
	assert_int_equal(persons(), before + 4);
	{
		char *v = db_text("SELECT title FROM persons WHERE id_number = %Q", id[1]);

		assert_string_equal(v, "senior");
		free(v);
		v = db_text("SELECT service_start FROM persons WHERE id_number = %Q", id[2]);
		assert_string_equal(v, "2019-03-01");
		free(v);
	}
	free(r);
	free(fixed);
}

/* ---- what is wrong with a file ---- */

static void excel_number_id_refused(void **state)
{
	const char *path;
	struct cli_result res;
	long long before = persons();
	struct bad_line want[] = { { 2, "身份证号", false } };

	(void)state;
	path = write_file("excel-number.csv", TEACHER_HEADER
			  "4.40106E+17,丙一," SCHOOL ",教师,语文,高级,本科,无,2005-09-01,\n");
	tdc_cli(&res, NULL, "import", "teachers", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 1, "an ID number Excel turned into a number");
	expect_row_errors(res.err, path, want, 1);
	expect_text(res.err, "turned into a number by Excel");
	expect_text(res.err, "4.40106E+17");
	cli_result_free(&res);
	assert_int_equal(persons(), before);
}

static void missing_name_column(void **state)
{
	char id[19], text[512];
	const char *path;
	struct cli_result res;
	long long before = persons();

	(void)state;
	make_id(id, "110101", 1982, 3, 4, 300);
	snprintf(text, sizeof text, "身份证号,学校标识码,学历\n%s," SCHOOL ",本科\n", id);
	path = write_file("no-name.csv", text);
	tdc_cli(&res, NULL, "import", "teachers", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 1, "a file without 姓名");
	expect_text(res.err, "姓名 column: is missing");
	cli_result_free(&res);
	assert_int_equal(persons(), before);
}

static void unknown_column_warns(void **state)
{
	char id[19], text[512];
	const char *path;
	struct cli_result res;
	long long before = persons();

	(void)state;
	make_id(id, "110101", 1982, 3, 4, 301);
	/* English headers, in another order, and one tdc does not know */
	snprintf(text, sizeof text, "Name,备注,school_code,ID_Number,education\n丙二,调入," SCHOOL ",%s,硕士\n", id);
	path = write_file("unknown-column.csv", text);
	tdc_cli(&res, NULL, "import", "teachers", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "a file with an unknown column");
	expect_text(res.err, "warning: ");
	expect_text(res.err, "备注 column: is not a column tdc knows");
	expect_text(res.out, "1 row: 1 new");
	cli_result_free(&res);
	assert_int_equal(persons(), before + 1);
	{
		char *v = db_text("SELECT name || ' ' || education || ' ' || title || ' ' || status"
				  " FROM persons WHERE id_number = %Q", id);

		assert_string_equal(v, "丙二 master none serving");
		free(v);
	}
}

static void title_row_above_header(void **state)
{
	char id[2][19], text[1024];
	const char *path;
	struct cli_result res;
	long long before = persons();
	struct bad_line want[] = { { 5, "学历", false } };

	(void)state;
	make_id(id[0], "110101", 1983, 5, 6, 400);
	make_id(id[1], "110101", 1983, 5, 6, 401);
	snprintf(text, sizeof text,
		 "2026年天河区教师名单,,,\n"
		 ",,,\n"
		 "身份证号,姓名,学校标识码,学历\n"
		 "%s,丁一," SCHOOL ",本科\n"
		 "%s,丁二," SCHOOL ",小学毕业\n", id[0], id[1]);
	path = write_file("title-row.csv", text);
	/* the bad row is reported by its line in the file, title row counted */
	tdc_cli(&res, NULL, "import", "teachers", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 1, "a title row, and a bad row on line 5");
	expect_row_errors(res.err, path, want, 1);
	cli_result_free(&res);

	snprintf(text, sizeof text,
		 "2026年天河区教师名单,,,\n"
		 "身份证号,姓名,学校标识码,学历\n"
		 "%s,丁一," SCHOOL ",本科\n"
		 "%s,丁二," SCHOOL ",专科\n", id[0], id[1]);
	path = write_file("title-row-2.csv", text);
	tdc_cli(&res, NULL, "import", "teachers", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "a title row above the header");
	expect_text(res.out, "2 rows: 2 new");
	expect_no_text(res.err, "warning");
	cli_result_free(&res);
	assert_int_equal(persons(), before + 2);
}

static void schools_then_teachers(void **state)
{
	char id[2][19], text[1024];
	const char *path;
	struct cli_result res;
	long long before = persons();
	char *v;

	(void)state;
	assert_int_equal(db_int("SELECT count(*) FROM schools WHERE code = '2144109991'"), 0);
	path = write_file("schools.csv",
			  "学校标识码,学校名称,行政区划代码,学段,办学性质\n"
			  "2144109991,广州市天河区试验小学,440106,小学,公办\n");
	tdc_cli(&res, NULL, "import", "schools", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "a new school");
	expect_text(res.out, "1 row: 1 new, 0 changed, 0 unchanged");
	cli_result_free(&res);
	v = db_text("SELECT name || ' ' || district_code || ' ' || stage || ' ' || ownership || ' ' || status"
		    " FROM schools WHERE code = '2144109991'");
	assert_string_equal(v, "广州市天河区试验小学 440106 primary public open");
	free(v);

	/* again: unchanged */
	tdc_cli(&res, NULL, "import", "schools", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "the same school again");
	expect_text(res.out, "0 new, 0 changed, 1 unchanged");
	cli_result_free(&res);

	/* a teacher of a school that is not there is a row error */
	make_id(id[0], "110101", 1984, 7, 8, 500);
	make_id(id[1], "110101", 1984, 7, 8, 501);
	snprintf(text, sizeof text, TEACHER_HEADER
		 "%s,戊一,2144109991,教师,数学,一级,本科,校级,2010-09-01,\n"
		 "%s,戊二,2144109992,教师,数学,一级,本科,校级,2010-09-01,\n", id[0], id[1]);
	path = write_file("new-school-teachers.csv", text);
	tdc_cli(&res, NULL, "import", "teachers", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 1, "a teacher of an unknown school");
	{
		struct bad_line want[] = { { 3, "学校标识码", false } };

		expect_row_errors(res.err, path, want, 1);
	}
	cli_result_free(&res);

	snprintf(text, sizeof text, TEACHER_HEADER
		 "%s,戊一,2144109991,教师,数学,一级,本科,校级,2010-09-01,\n"
		 "%s,戊二,2144109991,校长,,高级,硕士,区级,2001-09-01,020-38000000\n", id[0], id[1]);
	path = write_file("new-school-teachers-2.csv", text);
	tdc_cli(&res, NULL, "import", "teachers", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "teachers of the new school");
	expect_text(res.out, "2 rows: 2 new");
	cli_result_free(&res);
	assert_int_equal(persons(), before + 2);
	assert_int_equal(db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				" WHERE s.code = '2144109991'"), 2);
	v = db_text("SELECT role FROM persons WHERE id_number = %Q", id[1]);
	assert_string_equal(v, "principal");
	free(v);
}

/* ---- a killed import ---- */

enum { KILL_ROWS = 60000 };

/* Does another process hold the database's WAL write lock?  SQLite takes it
 * as a POSIX lock on byte 120 of the -shm file (os_unix.c: UNIX_SHM_BASE +
 * WAL_WRITE_LOCK) for as long as a write transaction is open, so this sees
 * the import's transaction without touching it. */
/* Hours records (issue 5 §4): all or nothing with exit 1, --skip-bad with
 * the rejects beside the file, the same file again skipped and counted. */
static void credits_import(void **state)
{
	char *id = db_text("SELECT id_number FROM persons WHERE role = 'teacher' ORDER BY id LIMIT 1");
	char text[2048];
	const char *path, *rejects;
	struct cli_result res;
	long long ledger = db_int("SELECT count(*) FROM ledger");
	long long total = db_int("SELECT coalesce(sum(hours10), 0) FROM hours_totals");
	struct bad_line want[] = { { 3, "学时", false } };
	char *r;
	size_t len;

	(void)state;
	snprintf(text, sizeof text,
		 "身份证号,日期,学时,类别,项目名称,来源,记录编号\n"
		 "%s,2025-03-01,2.5,专题研修,小学数学新课标专题研修,,CLI-1\n"
		 "%s,2025-03-02,2.55,专题研修,作业设计,,CLI-2\n"  /* line 3 */
		 "%s,2025-03-03,3,公需科目,师德师风,培训项目,CLI-3\n", id, id, id);
	path = write_file("credits.csv", text);
	tdc_cli(&res, NULL, "import", "credits", path, "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 1, "a credits file with a bad row");
	expect_row_errors(res.err, path, want, 1);
	expect_text(res.err, "nothing was imported");
	cli_result_free(&res);
	assert_int_equal(db_int("SELECT count(*) FROM ledger"), ledger);

	tdc_cli(&res, NULL, "import", "credits", path, "--skip-bad", "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "credits with --skip-bad");
	expect_text(res.out, "3 rows: 2 added, 0 already in the ledger (skipped), 1 rejected");
	cli_result_free(&res);
	assert_int_equal(db_int("SELECT count(*) FROM ledger"), ledger + 2);
	assert_int_equal(db_int("SELECT sum(hours10) FROM hours_totals"), total + 55);
	rejects = tmp_path("credits.rejects.csv");
	r = slurp(rejects, &len);
	if (!r)
		fail_msg("--skip-bad wrote no %s", rejects);
	expect_text(r, "CLI-2");
	expect_text(r, "学时 column: hours have at most one decimal");
	expect_no_text(r, "CLI-1");
	free(r);

	tdc_cli(&res, NULL, "import", "credits", path, "--skip-bad", "--db", harness_db(), (char *)NULL);
	expect_exit(&res, 0, "the same credits again");
	expect_text(res.out, "3 rows: 0 added, 2 already in the ledger (skipped), 1 rejected");
	cli_result_free(&res);
	assert_int_equal(db_int("SELECT count(*) FROM ledger"), ledger + 2);

	tdc_cli(&res, NULL, "import", "credits", "--template", tmp_path("credits-template.xlsx"),
		(char *)NULL);
	expect_exit(&res, 0, "the credits template");
	cli_result_free(&res);
	r = slurp(tmp_path("credits-template.xlsx"), &len);
	assert_non_null(r);
	assert_memory_equal(r, "PK", 2);
	free(r);
	free(id);
}

static bool writer_active(const char *db)
{
	char shm[PATH_MAX + 8];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 120, .l_len = 1 };
	int fd;
	bool held;

	snprintf(shm, sizeof shm, "%s-shm", db);
	if ((fd = open(shm, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	held = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
	close(fd);
	return held;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void killed_import_leaves_db_as_it_was(void **state)
{
	const char *big = tmp_path("big.csv"), *log = tmp_path("big.log");
	long long before = persons(), history = db_int("SELECT count(*) FROM person_history");
	long long audit = db_int("SELECT count(*) FROM audit_log");
	long long settings = db_int("SELECT count(*) FROM settings");
	char *check_before = db_text("PRAGMA integrity_check"), *check_after;
	FILE *f = fopen(big, "w");
	struct timespec t0;
	double locked_at = -1, killed_at;
	int status;
	pid_t pid;

	(void)state;
	assert_non_null(f);
	assert_string_equal(check_before, "ok");
	fputs(TEACHER_HEADER, f);
	for (int i = 0; i < KILL_ROWS; i++) {
		char id[19];
		int k = i / 1000;

		make_id(id, "120101", 1970 + k / 12, 1 + k % 12, 15, i % 1000);
		fprintf(f, "%s,教师%d,%s,教师,语文,一级,本科,无,2010-09-01,138%08d\n", id, i, SCHOOL, i);
	}
	if (fclose(f) != 0)
		fail_msg("cannot write %s", big);

	fflush(stdout);
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(getenv("TDC_BIN"), "tdc", "import", "teachers", big, "--db", harness_db(), (char *)NULL);
		_exit(127);
	}
	/* wait for the import's write transaction, let it run ~0.3 s into the
	 * file, and kill it while it still holds the transaction open */
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid) {
			char *out = slurp(log, NULL);

			fail_msg("the import ended (status %d) before it could be killed, %.2f s in; "
				 "make the file bigger:\n%s", status, seconds_since(&t0), out ? out : "");
		}
		if (locked_at < 0 && writer_active(harness_db()))
			locked_at = seconds_since(&t0);
		if (locked_at >= 0 && seconds_since(&t0) >= 0.3 && seconds_since(&t0) >= locked_at + 0.1)
			break;
		if (seconds_since(&t0) > 60)
			break;
		usleep(5 * 1000);
	}
	if (locked_at < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("the import took no write lock within 60 s");
	}
	if (!writer_active(harness_db()))
		fail_msg("the import no longer holds its transaction %.2f s in", seconds_since(&t0));
	killed_at = seconds_since(&t0);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("the import was not killed (status %d)", status);
	print_message("# killed the import %.2f s in (its write transaction began at %.2f s)\n",
		      killed_at, locked_at);

	/* the database as it was: no row of the file, and whole */
	assert_int_equal(persons(), before);
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number LIKE '120101%%'"), 0);
	assert_int_equal(db_int("SELECT count(*) FROM person_history"), history);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log"), audit);
	/* nothing the import set for itself outlives it (a bulk-load switch) */
	assert_int_equal(db_int("SELECT count(*) FROM settings"), settings);
	/* the name search index agrees with the persons */
	assert_int_equal(db_exec("INSERT INTO persons_fts(persons_fts) VALUES ('integrity-check')"), 0);
	check_after = db_text("PRAGMA integrity_check");
	assert_string_equal(check_after, check_before);
	free(check_before);
	free(check_after);
	assert_int_equal(db_int("SELECT count(*) FROM pragma_foreign_key_check"), 0);

	/* and it still takes an import */
	{
		struct cli_result res;

		/* the file the database last took (changed_title_is_history) */
		tdc_cli(&res, NULL, "import", "teachers", tmp_path("teachers-title.csv"), "--db",
			harness_db(), (char *)NULL);
		expect_exit(&res, 0, "an import after the killed one");
		expect_text(res.out, "0 new, 0 changed, 3 unchanged");
		cli_result_free(&res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(misuse_exits_2),
		cmocka_unit_test(template_is_a_workbook),
		cmocka_unit_test(bad_rows_write_nothing),
		cmocka_unit_test(every_format_imports_three),
		cmocka_unit_test(dry_run_writes_nothing),
		cmocka_unit_test(fixture_imports_three),
		cmocka_unit_test(other_formats_read_the_same),
		cmocka_unit_test(changed_title_is_history),
		cmocka_unit_test(skip_bad_then_fix_the_rejects),
		cmocka_unit_test(excel_number_id_refused),
		cmocka_unit_test(missing_name_column),
		cmocka_unit_test(unknown_column_warns),
		cmocka_unit_test(title_row_above_header),
		cmocka_unit_test(schools_then_teachers),
		cmocka_unit_test(credits_import),
		cmocka_unit_test(killed_import_leaves_db_as_it_was),
	};

	return cmocka_run_group_tests_name("import_cli", tests, setup, teardown);
}
