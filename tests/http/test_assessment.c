/* test_assessment.c - the yearly assessment and the settings over HTTP and
 * through the binary (issue 6 §1, §2): the page per role and its scope
 * (figures checked against a reference SQL query on the same database),
 * masked ID numbers, the export, the button that records the year, the
 * settings page (bad values refused, nothing saved; good ones audited),
 * `tdc settings` and `tdc assess`, and the home pages' look-ahead on a day
 * after 1 October and its absence on 30 September (TDC_TODAY). */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SCHOOL "3444102077"     /* the demo school admin's school */

static int year;

static int this_year(void)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

/* Restarts the server on another day, as the rules see it. */
static void server_on(const char *month_day)
{
	char today[32];

	snprintf(today, sizeof today, "%d-%s", year, month_day);
	setenv("TDC_TODAY", today, 1);
	if (harness_running())
		assert_int_equal(harness_stop(), 0);
	assert_int_equal(harness_start(), 0);
}

static int setup(void **state)
{
	char today[32];

	year = this_year();
	/* before the look-ahead's season unless a test says otherwise */
	snprintf(today, sizeof today, "%d-09-30", year);
	setenv("TDC_TODAY", today, 1);
	return harness_group_setup(state);
}

static long post(struct client *c, const char *path, const char *form, struct response *r)
{
	char *csrf = url_escape(c->csrf), *body;
	size_t n = strlen(form) + strlen(csrf) + 8;
	long status;

	body = malloc(n);
	assert_non_null(body);
	snprintf(body, n, "%s%scsrf=%s", form, *form ? "&" : "", csrf);
	status = http_post_form(c, path, body, r);
	free(body);
	free(csrf);
	return status;
}

/* The reference: the same rule as one SQL query (status on 1 January from
 * the history; hours from the totals), for everyone or one school. */
#define ASSESSED_WHERE \
	" (p.service_start IS NULL OR p.service_start <= '%d-01-01')" \
	" AND coalesce((SELECT h.old_value FROM person_history h WHERE h.person_id = p.id" \
	" AND h.field = 'status' AND h.at >= '%d-01-02' ORDER BY h.id LIMIT 1), p.status) = 'serving'"
#define HOURS_OF_P "coalesce((SELECT sum(t.hours10) FROM hours_totals t WHERE t.person_id = p.id" \
	" AND t.year = %d), 0)"

static long long assessed(const char *school)
{
	if (school)
		return db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
			      " WHERE s.code = %Q AND" ASSESSED_WHERE, school, year, year);
	return db_int("SELECT count(*) FROM persons p WHERE" ASSESSED_WHERE, year, year);
}

static long long passed(const char *school)
{
	if (school)
		return db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
			      " WHERE s.code = %Q AND" ASSESSED_WHERE " AND " HOURS_OF_P " >= 720",
			      school, year, year, year);
	return db_int("SELECT count(*) FROM persons p WHERE" ASSESSED_WHERE " AND " HOURS_OF_P " >= 720",
		      year, year, year);
}

static void expect_stat(const struct response *r, long long value, const char *label)
{
	char needle[160];

	snprintf(needle, sizeof needle, "<span class=\"value\">%lld</span><span class=\"label\">%s</span>",
		 value, label);
	expect_contains(*r, needle);
}

static void page_per_role_and_scope(void **state)
{
	struct response r = { 0 };
	struct client *admin = client_as("admin"), *school = client_as("school"),
		      *centre = client_as("centre"), *bureau = client_as("bureau"),
		      *teacher = client_as("teacher"), *alliance = client_as("alliance");
	char path[64], *most_short, *whole, masked[20];
	long long city = assessed(NULL), mine = assessed(SCHOOL);

	(void)state;
	snprintf(path, sizeof path, "/assessment?year=%d", year);
	assert_true(city > mine && mine > 0);

	http_get(admin, path, &r);
	expect_status(r, 200);
	expect_stat(&r, city, "参加考核");
	expect_stat(&r, passed(NULL), "合格");
	expect_contains(r, "各区县合格率");          /* many districts: their chart */
	expect_contains(r, "<svg class=\"bars\"");
	expect_contains(r, "合格率最高的 10 所学校"); /* many schools: top and bottom */
	expect_contains(r, "本年度考核结果尚未记录");
	expect_contains(r, "action=\"/assessment/run\"");
	response_free(&r);

	http_get(bureau, path, &r);
	expect_status(r, 200);
	expect_stat(&r, city, "参加考核");
	expect_lacks(r, "action=\"/assessment/run\"");   /* the bureau reads only */
	response_free(&r);

	http_get(school, path, &r);
	expect_status(r, 200);
	expect_stat(&r, mine, "参加考核");
	expect_stat(&r, passed(SCHOOL), "合格");
	expect_stat(&r, mine - passed(SCHOOL), "未达标");
	expect_lacks(r, "各区县合格率");
	expect_lacks(r, "action=\"/assessment/run\"");
	/* the one who lacks most comes first, her number masked */
	most_short = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
			     " WHERE s.code = %Q AND" ASSESSED_WHERE " ORDER BY " HOURS_OF_P ", p.id LIMIT 1",
			     SCHOOL, year, year, year);
	assert_non_null(most_short);
	whole = most_short;
	snprintf(masked, sizeof masked, "%.4s**********%.4s", whole, whole + 14);
	expect_contains(r, masked);
	expect_lacks(r, whole);
	{
		const char *list = strstr(r.body, "未达标人员");
		const char *first = list ? strstr(list, "<tbody>") : NULL;

		assert_non_null(first);
		assert_true(strstr(first, masked) && strstr(first, masked) < strstr(first, "</tr>"));
	}
	free(most_short);
	response_free(&r);

	http_get(centre, path, &r);
	expect_status(r, 200);
	expect_lacks(r, "action=\"/assessment/run\"");  /* the city's year is not hers to record */
	{
		/* a district: more than the school, less than the city */
		const char *v = strstr(r.body, "<span class=\"value\">");
		long long n = v ? atoll(v + strlen("<span class=\"value\">")) : -1;

		assert_true(n > mine && n < city);
	}
	response_free(&r);

	http_get(teacher, path, &r);
	expect_status(r, 403);
	response_free(&r);
	http_get(alliance, path, &r);
	expect_status(r, 403);
	response_free(&r);
	http_get(school, "/assessment?year=abc", &r);
	expect_status(r, 400);
	response_free(&r);

	/* the nav shows it to those who may read it */
	http_get(school, "/", &r);
	expect_contains(r, "href=\"/assessment\"");
	response_free(&r);
	http_get(teacher, "/", &r);
	expect_lacks(r, "href=\"/assessment\"");
	response_free(&r);
	client_free(admin);
	client_free(school);
	client_free(centre);
	client_free(bureau);
	client_free(teacher);
	client_free(alliance);
}

static void export_of_those_short(void **state)
{
	struct response r = { 0 };
	struct client *school = client_as("school"), *teacher = client_as("teacher");
	char path[64];
	long long shorts = assessed(SCHOOL) - passed(SCHOOL), lines = 0;

	(void)state;
	snprintf(path, sizeof path, "/assessment.csv?year=%d", year);
	http_get(school, path, &r);
	expect_status(r, 200);
	assert_non_null(strstr(response_header(&r, "Content-Type"), "text/csv"));
	assert_non_null(strstr(response_header(&r, "Content-Disposition"), "attachment"));
	assert_true(r.len > 3 && !memcmp(r.body, "\xEF\xBB\xBF", 3));
	expect_contains(r, "身份证号,姓名,学校标识码,学校,年度,学时,要求学时,差额,未达标类别");
	expect_contains(r, SCHOOL);
	for (size_t i = 0; i < r.len; i++)
		lines += r.body[i] == '\n';
	assert_int_equal(lines, shorts + 1);
	/* no whole number in the file */
	{
		char *any = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
				    " WHERE s.code = %Q LIMIT 1", SCHOOL);

		expect_lacks(r, any);
		free(any);
	}
	response_free(&r);

	snprintf(path, sizeof path, "/assessment.xlsx?year=%d", year);
	http_get(school, path, &r);
	expect_status(r, 200);
	assert_true(r.len > 4 && !memcmp(r.body, "PK", 2));
	response_free(&r);
	http_get(teacher, path, &r);
	expect_status(r, 403);
	response_free(&r);
	client_free(school);
	client_free(teacher);
}

static void the_run_button_records_the_year(void **state)
{
	struct response r = { 0 };
	struct client *admin = client_as("admin"), *centre = client_as("centre"),
		      *school = client_as("school");
	char form[32], location[64], path[64];

	(void)state;
	snprintf(form, sizeof form, "year=%d", year);
	snprintf(location, sizeof location, "/assessment?year=%d&done=1", year);
	snprintf(path, sizeof path, "/assessment?year=%d", year);
	assert_int_equal(db_int("SELECT count(*) FROM assessments WHERE year = %d", year), 0);

	/* without the CSRF token: refused */
	http_post_form(admin, "/assessment/run", form, &r);
	expect_status(r, 403);
	response_free(&r);
	post(school, "/assessment/run", form, &r);
	expect_status(r, 403);
	response_free(&r);
	/* a centre admin records no city's year */
	post(centre, "/assessment/run", form, &r);
	expect_status(r, 403);
	response_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM assessments WHERE year = %d", year), 0);

	post(admin, "/assessment/run", form, &r);
	expect_redirect(r, location);
	response_free(&r);
	assert_int_equal(db_int("SELECT count(*) FROM assessments WHERE year = %d", year), assessed(NULL));
	assert_int_equal(db_int("SELECT count(*) FROM assessments WHERE year = %d AND passed = 1", year),
			 passed(NULL));
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'assessment.run'"
				" AND object = 'assessment:%d' AND actor = 'admin'", year), 1);
	http_get(centre, path, &r);
	expect_contains(r, "考核结果最近一次记录于");
	response_free(&r);
	client_free(admin);
	client_free(centre);
	client_free(school);
}

static void settings_page(void **state)
{
	struct response r = { 0 };
	struct client *admin = client_as("admin"), *centre = client_as("centre");
	long long audits = db_int("SELECT count(*) FROM audit_log WHERE action LIKE 'settings.%%'");

	(void)state;
	http_get(admin, "/admin/settings", &r);
	expect_status(r, 200);
	expect_contains(r, "name=\"hours.yearly_min\"");
	expect_contains(r, "name=\"hours.category_min.general\"");
	expect_contains(r, "name=\"registration.basic_defers\"");
	expect_contains(r, "placeholder=\"72.0\"");
	expect_contains(r, "年度最低学时（教师）");
	expect_contains(r, "name=\"csrf\"");
	response_free(&r);

	/* one bad field: nothing saved, the field says why */
	post(admin, "/admin/settings", "hours.yearly_min=80&hours.cycle_years=99", &r);
	expect_status(r, 422);
	expect_contains(r, "未保存任何设置");
	expect_contains(r, "应为 1 至 10 的整数");
	expect_contains(r, "value=\"99\"");
	response_free(&r);
	assert_null(db_text("SELECT value FROM settings WHERE key = 'hours.yearly_min'"));

	post(admin, "/admin/settings", "hours.yearly_min=80&hours.category_min.general=&registration.basic_defers=0",
	     &r);
	expect_redirect(r, "/admin/settings?saved=2");
	response_free(&r);
	{
		char *v = db_text("SELECT value FROM settings WHERE key = 'hours.yearly_min'");

		assert_string_equal(v, "80.0");
		free(v);
	}
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action LIKE 'settings.%%'"), audits + 2);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'settings.set' AND actor = 'admin'"
				" AND object = 'setting:hours.yearly_min' AND detail = '(default) -> 80.0'"), 1);
	http_get(admin, "/admin/settings?saved=2", &r);
	expect_contains(r, "设置已保存（2 项有更改）");
	expect_contains(r, "value=\"80.0\"");
	response_free(&r);

	/* the assessment follows: 80 hours required now */
	{
		struct client *school = client_as("school");
		char path[64];

		snprintf(path, sizeof path, "/assessment?year=%d", year);
		http_get(school, path, &r);
		expect_contains(r, "<td class=\"num\" data-label=\"要求学时\">80.0</td>");
		response_free(&r);
		client_free(school);
	}
	/* back to the defaults: empty fields */
	post(admin, "/admin/settings", "hours.yearly_min=&registration.basic_defers=", &r);
	expect_redirect(r, "/admin/settings?saved=2");
	response_free(&r);
	assert_null(db_text("SELECT value FROM settings WHERE key = 'hours.yearly_min'"));

	http_get(centre, "/admin/settings", &r);
	expect_status(r, 403);
	response_free(&r);
	post(centre, "/admin/settings", "hours.yearly_min=1", &r);
	expect_status(r, 403);
	response_free(&r);
	client_free(admin);
	client_free(centre);
}

static void settings_and_assess_commands(void **state)
{
	struct cli_result res;
	const char *db = harness_db();
	char ytext[16];

	(void)state;
	tdc_cli(&res, NULL, "settings", "list", "--db", db, (char *)NULL);
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.out, "hours.yearly_min "));
	assert_non_null(strstr(res.out, "hours.category_min.elective"));
	assert_non_null(strstr(res.out, "registration.suspension_limit_days"));
	cli_result_free(&res);

	tdc_cli(&res, NULL, "settings", "set", "hours.cycle_min", "3.55", "--db", db, (char *)NULL);
	assert_int_equal(res.status, 1);
	assert_non_null(strstr(res.err, "at most one decimal"));
	cli_result_free(&res);
	tdc_cli(&res, NULL, "settings", "set", "hours.nothing", "1", "--db", db, (char *)NULL);
	assert_int_equal(res.status, 2);
	assert_non_null(strstr(res.err, "no setting 'hours.nothing'"));
	cli_result_free(&res);
	tdc_cli(&res, NULL, "settings", "set", "hours.cycle_min", "--db", db, (char *)NULL);
	assert_int_equal(res.status, 2);
	cli_result_free(&res);

	tdc_cli(&res, NULL, "settings", "set", "hours.cycle_min", "300", "--db", db, (char *)NULL);
	assert_int_equal(res.status, 0);
	cli_result_free(&res);
	tdc_cli(&res, NULL, "--db", db, "settings", "get", "hours.cycle_min", (char *)NULL);
	/* '--db' before the verb is not how the table reads: usage */
	assert_int_equal(res.status, 2);
	cli_result_free(&res);
	tdc_cli(&res, NULL, "settings", "get", "hours.cycle_min", "--db", db, (char *)NULL);
	assert_int_equal(res.status, 0);
	assert_string_equal(res.out, "300.0\n");
	cli_result_free(&res);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'settings.set'"
				" AND actor LIKE 'cli:%%' AND object = 'setting:hours.cycle_min'"
				" AND detail = '(default) -> 300.0'"), 1);
	tdc_cli(&res, NULL, "settings", "unset", "hours.cycle_min", "--db", db, (char *)NULL);
	assert_int_equal(res.status, 0);
	cli_result_free(&res);
	tdc_cli(&res, NULL, "settings", "get", "hours.cycle_min", "--db", db, (char *)NULL);
	assert_string_equal(res.out, "360.0\n");
	cli_result_free(&res);
	/* unset optional keys: what applies */
	tdc_cli(&res, NULL, "settings", "get", "hours.yearly_min.trainer", "--db", db, (char *)NULL);
	assert_string_equal(res.out, "72.0\n");
	cli_result_free(&res);
	tdc_cli(&res, NULL, "settings", "get", "hours.category_min.general", "--db", db, (char *)NULL);
	assert_string_equal(res.out, "off\n");
	cli_result_free(&res);

	snprintf(ytext, sizeof ytext, "%d", year - 1);
	tdc_cli(&res, NULL, "assess", "--year", ytext, "--db", db, (char *)NULL);
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.out, "assessed"));
	assert_non_null(strstr(res.out, "pass rate"));
	cli_result_free(&res);
	year--;
	assert_int_equal(db_int("SELECT count(*) FROM assessments WHERE year = %d", year), assessed(NULL));
	assert_int_equal(db_int("SELECT count(*) FROM assessments WHERE year = %d AND passed = 1", year),
			 passed(NULL));
	year++;
	tdc_cli(&res, NULL, "assess", "--year", "twenty", "--db", db, (char *)NULL);
	assert_int_equal(res.status, 2);
	cli_result_free(&res);
	tdc_cli(&res, NULL, "assess", "--db", db, (char *)NULL);
	assert_int_equal(res.status, 2);
	cli_result_free(&res);
}

/* ---- looking ahead ---- */

static void add_year_end_programme(void)
{
	/* open to everyone on 15 October, its last session in December */
	assert_int_equal(db_exec("INSERT INTO programmes (code, title, centre_id, category, hours10, capacity,"
				 " enrol_open, enrol_close, status, created_at, created_by) VALUES ('AHEAD-1',"
				 " '年末补足研修', (SELECT id FROM centres ORDER BY id LIMIT 1), 'thematic', 3000,"
				 " 100, '%d-10-01', '%d-10-31', 'published', '%d-09-01', 'test')",
				 year, year, year), 0);
	assert_int_equal(db_exec("INSERT INTO programme_sessions (programme_id, day, starts, ends)"
				 " VALUES ((SELECT id FROM programmes WHERE code = 'AHEAD-1'), '%d-12-10',"
				 " '09:00', '12:00')", year), 0);
}

static void look_ahead_from_1_october(void **state)
{
	struct response r = { 0 };
	struct client *school, *teacher, *centre;
	struct cli_result res;

	(void)state;
	/* a teacher's minimum she cannot reach without more training */
	tdc_cli(&res, NULL, "settings", "set", "hours.yearly_min.teacher", "200", "--db", harness_db(),
		(char *)NULL);
	assert_int_equal(res.status, 0);
	cli_result_free(&res);
	add_year_end_programme();

	server_on("09-30");
	school = client_as("school");
	teacher = client_as("teacher");
	http_get(school, "/", &r);
	expect_status(r, 200);
	expect_lacks(r, "年底前将达不到年度学时要求的人员");
	response_free(&r);
	http_get(teacher, "/", &r);
	expect_status(r, 200);
	expect_lacks(r, "年度学时提醒");
	response_free(&r);
	http_get(school, "/assessment?ahead=1", &r);
	expect_contains(r, "自 10 月 1 日起显示");
	response_free(&r);
	client_free(school);
	client_free(teacher);

	server_on("10-15");
	school = client_as("school");
	teacher = client_as("teacher");
	centre = client_as("centre");
	http_get(school, "/", &r);
	expect_status(r, 200);
	expect_contains(r, "年底前将达不到年度学时要求的人员");
	expect_contains(r, "待计学时");
	{
		/* every teacher of her school is short of 200: all counted */
		long long mine = db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
					" WHERE s.code = '" SCHOOL "' AND" ASSESSED_WHERE
					" AND " HOURS_OF_P " < 2000 AND p.role = 'teacher'", year, year, year);

		assert_true(mine > 10);
		/* the teachers, and others short of 72 */
		assert_non_null(strstr(r.body, "共 "));
		assert_true(atoll(strstr(r.body, "共 ") + strlen("共 ")) >= mine);
		expect_contains(r, "href=\"/assessment?ahead=1\"");
	}
	response_free(&r);
	http_get(school, "/assessment?ahead=1", &r);
	expect_status(r, 200);
	expect_contains(r, "年底前将达不到年度学时要求的人员");
	response_free(&r);
	http_get(centre, "/assessment?ahead=1&page=2", &r);    /* a district: many pages */
	expect_status(r, 200);
	expect_contains(r, "class=\"pager\"");
	expect_contains(r, "第 2 页");
	response_free(&r);
	http_get(centre, "/", &r);
	expect_contains(r, "年底前将达不到年度学时要求的人员");
	response_free(&r);

	http_get(teacher, "/", &r);
	expect_status(r, 200);
	expect_contains(r, "年度学时提醒");
	expect_contains(r, "年度要求 200.0 学时");
	expect_contains(r, "年末补足研修");
	expect_contains(r, "可补足差额");
	response_free(&r);
	client_free(school);
	client_free(teacher);
	client_free(centre);

	tdc_cli(&res, NULL, "settings", "unset", "hours.yearly_min.teacher", "--db", harness_db(), (char *)NULL);
	assert_int_equal(res.status, 0);
	cli_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(page_per_role_and_scope),
		cmocka_unit_test(export_of_those_short),
		cmocka_unit_test(the_run_button_records_the_year),
		cmocka_unit_test(settings_page),
		cmocka_unit_test(settings_and_assess_commands),
		cmocka_unit_test(look_ahead_from_1_october),
		cmocka_unit_test(harness_test_server_stops),
	};

	return cmocka_run_group_tests_name("assessment", tests, setup, harness_group_teardown);
}
