/* test_registration.c - the re-registration workflow through the real
 * pages (issue 6 §5): the teacher sees her status and applies (with the
 * CSRF token, or 403), her school returns (a comment needed) or agrees, a
 * municipal centre is refused, the district centre decides, the decision
 * is posted (公示) to the school's staff and is final after 7 days; a
 * returned teacher applies again at once, a withdrawn one too; another
 * school and another teacher see nothing (404); the batch "decide all
 * qualified" runs to completion as a job, deciding the qualified one and
 * skipping the deferred one; the printable decision page. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The demo's cycles: today (the machine's date) is in 2026-2030, so the
 * registration due is the 2021 cycle's. */
#define CYCLE "2021"

static char teacher_id[19];        /* the demo teacher's ID number */
static char school_code[11];       /* her school */
static char other_school[11];      /* a school of another district */
static char colleague_id[19];      /* a second teacher of her school, with an account */
static char batch_a[19], batch_b[19];  /* two more of the district, for the batch */

static void today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static char *text_or_fail(char *v, const char *what)
{
	if (!v)
		fail_msg("no %s in the demo", what);
	return v;
}

/* Gives a person what the rules ask for the 2021 cycle: 400 hours (80 a
 * year) and an appraisal of 合格 for each year. */
static void make_qualified(const char *id_number)
{
	for (int y = 2021; y <= 2025; y++) {
		if (db_exec("INSERT INTO ledger (record_id, person_id, day, year, hours10, category, source,"
			    " title, author, created_at, reason)"
			    " SELECT 'RFTEST-%q-%d', id, '%d-06-01', %d, 800, 'general', 'manual', 'test',"
			    " 'test', '2026-01-01T00:00:00Z', 'test' FROM persons WHERE id_number = %Q",
			    id_number, y, y, y, id_number) != 0 ||
		    db_exec("INSERT OR REPLACE INTO appraisals (person_id, year, result, entered_by, entered_at)"
			    " SELECT id, %d, 'qualified', 'test', '2026-01-01T00:00:00Z' FROM persons"
			    " WHERE id_number = %Q", y, id_number) != 0)
			fail_msg("cannot make %s qualified", id_number);
	}
}

static int setup(void **state)
{
	struct cli_result res;
	char *v;

	if (harness_group_setup(state) != 0)
		return -1;
	v = text_or_fail(db_text("SELECT p.id_number FROM accounts a JOIN persons p ON p.id = a.person_id"
				 " WHERE a.login = 'teacher'"), "teacher");
	snprintf(teacher_id, sizeof teacher_id, "%s", v);
	free(v);
	v = text_or_fail(db_text("SELECT s.code FROM persons p JOIN schools s ON s.id = p.school_id"
				 " WHERE p.id_number = %Q", teacher_id), "school");
	snprintf(school_code, sizeof school_code, "%s", v);
	free(v);
	v = text_or_fail(db_text("SELECT code FROM schools WHERE district_code <> '440106' ORDER BY code LIMIT 1"),
			 "other school");
	snprintf(other_school, sizeof other_school, "%s", v);
	free(v);
	v = text_or_fail(db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
				 " WHERE s.code = %Q AND p.id_number <> %Q AND p.status = 'serving'"
				 " ORDER BY p.id LIMIT 1", school_code, teacher_id), "colleague");
	snprintf(colleague_id, sizeof colleague_id, "%s", v);
	free(v);
	v = text_or_fail(db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
				 " WHERE s.district_code = '440106' AND s.code <> %Q AND p.status = 'serving'"
				 " ORDER BY p.id LIMIT 1", school_code), "batch a");
	snprintf(batch_a, sizeof batch_a, "%s", v);
	free(v);
	v = text_or_fail(db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
				 " WHERE s.district_code = '440106' AND s.code <> %Q AND p.status = 'serving'"
				 " ORDER BY p.id LIMIT 1 OFFSET 1", school_code), "batch b");
	snprintf(batch_b, sizeof batch_b, "%s", v);
	free(v);

	make_qualified(teacher_id);
	/* the demo appraises nearly everyone for the 2021 cycle (core/appraisal.c):
	 * the colleague starts with none on record, so her page names no_appraisal */
	if (db_exec("DELETE FROM appraisals WHERE person_id = (SELECT id FROM persons"
		    " WHERE id_number = %Q)", colleague_id) != 0)
		fail_msg("cannot clear the colleague's appraisals");
	/* and the demo's carried-over hours of the cycle are reversed: she is short */
	if (db_exec("INSERT INTO ledger (record_id, person_id, day, year, hours10, category, source,"
		    " title, author, created_at, reason, reverses) SELECT 'R' || record_id, person_id, day,"
		    " year, -hours10, category, source, title, 'test', '2026-01-01T00:00:00Z', 'test', id"
		    " FROM ledger WHERE person_id = (SELECT id FROM persons WHERE id_number = %Q)"
		    " AND year BETWEEN 2021 AND 2025 AND hours10 > 0", colleague_id) != 0)
		fail_msg("cannot reverse the colleague's hours");
	make_account("other-school", "school_admin", other_school, DEMO_PASSWORD);
	if (tdc_cli(&res, DEMO_PASSWORD "\n", "user", "add", "colleague", "--role", "teacher", "--person",
		    colleague_id, "--password-stdin", "--db", harness_db(), (char *)NULL) != 0)
		fail_msg("tdc user add colleague: %s", res.err);
	cli_result_free(&res);
	return 0;
}

/* POSTs a form with the client's CSRF token (scraped from page first). */
static long post(struct client *c, const char *page, const char *path, const char *key,
		 const char *value, struct response *r)
{
	char *body;
	long status;

	client_refresh_csrf(c, page);
	body = form_encode("csrf", c->csrf, key, value, (char *)NULL);
	status = http_post_form(c, path, body, r);
	free(body);
	return status;
}

/* Compares a db_text() answer and frees it. */
static void expect_db(char *got, const char *want)
{
	if (!got || strcmp(got, want))
		fail_msg("database has '%s', expected '%s'", got ? got : "(no row)", want);
	free(got);
}

static long long open_application(const char *id_number, const char *state)
{
	return db_int("SELECT a.id FROM registration_applications a JOIN persons p ON p.id = a.person_id"
		      " WHERE p.id_number = %Q AND a.state = %Q ORDER BY a.id DESC LIMIT 1", id_number, state);
}

static void the_whole_journey(void **state)
{
	struct client *t = client_as("teacher"), *school = client_as("school"),
		      *centre = client_as("centre"), *kg = client_as("kg-centre"),
		      *bureau = client_as("bureau"), *admin = client_as("admin"),
		      *other = client_as("other-school"), *colleague = client_as("colleague");
	struct response r = { 0 };
	char path[128], masked[19], day[11], want[128], hours_line[64];
	char *name;
	long long id, hours10;

	(void)state;
	today(day);
	/* the demo's own hours of the cycle, and the 400 given in setup */
	hours10 = db_int("SELECT sum(t.hours10) FROM hours_totals t JOIN persons p ON p.id = t.person_id"
			 " WHERE p.id_number = %Q AND t.year BETWEEN 2021 AND 2025", teacher_id);
	assert_true(hours10 >= 4000);
	snprintf(hours_line, sizeof hours_line, "%lld.%lld 学时，要求 360.0 学时", hours10 / 10, hours10 % 10);
	name = db_text("SELECT name FROM persons WHERE id_number = %Q", teacher_id);
	snprintf(masked, sizeof masked, "%.4s**********%.4s", teacher_id, teacher_id + 14);

	/* the teacher: qualified today, every condition explained, apply */
	http_get(t, "/registration", &r);
	expect_status(r, 200);
	expect_contains(r, "2021–2025");
	expect_contains(r, "data-outcome=\"qualified\"");
	expect_contains(r, "data-condition=\"hours\"");
	expect_contains(r, hours_line);
	expect_contains(r, "action=\"/registration/apply\"");
	/* without the form's token: refused, nothing made */
	http_post_form(t, "/registration/apply", "statement=x", &r);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT count(*) FROM registration_applications"), 0);
	post(t, "/registration", "/registration/apply", "statement", "请审核", &r);
	expect_redirect(r, "/registration?done=applied");
	id = open_application(teacher_id, "applied");
	assert_true(id > 0);
	/* one under way at a time */
	post(t, "/registration", "/registration/apply", "statement", "again", &r);
	expect_status(r, 409);
	http_get(t, "/registration?done=applied", &r);
	expect_contains(r, "data-state=\"applied\"");
	expect_lacks(r, "action=\"/registration/apply\"");

	/* another school's admin: no such application */
	snprintf(path, sizeof path, "/registration/%lld/agree", id);
	post(other, "/registration/review", path, "x", "1", &r);
	expect_status(r, 404);
	http_get(other, "/registration/review", &r);
	expect_status(r, 200);
	expect_lacks(r, name);

	/* the school: sees her with the outcome; a return needs a comment */
	http_get(school, "/registration/review", &r);
	expect_status(r, 200);
	expect_contains(r, name);
	expect_contains(r, masked);
	expect_lacks(r, teacher_id);
	expect_contains(r, "请审核");
	snprintf(path, sizeof path, "/registration/%lld/return", id);
	post(school, "/registration/review", path, "comment", "  ", &r);
	expect_status(r, 422);
	snprintf(path, sizeof path, "/registration/%lld/agree", id);
	post(school, "/registration/review", path, "x", "1", &r);
	expect_redirect(r, "/registration/review?done=agreed");
	post(school, "/registration/review", path, "x", "1", &r);
	expect_status(r, 409);
	expect_db(db_text("SELECT state FROM registration_applications WHERE id = %lld", id), "agreed");
	/* the teacher cannot withdraw what her school agreed */
	snprintf(path, sizeof path, "/registration/%lld/withdraw", id);
	post(t, "/registration", path, "x", "1", &r);
	expect_status(r, 409);

	/* a municipal centre does not decide (the county does, for the bureau) */
	http_get(kg, "/registration/decide/" CYCLE, &r);
	expect_status(r, 403);
	snprintf(path, sizeof path, "/registration/%lld/decide", id);
	post(kg, "/programmes", path, "note", "", &r);
	expect_status(r, 403);

	/* the district centre: the agreed application with its outcome; decide */
	http_get(centre, "/registration/decide", &r);
	expect_redirect(r, "/registration/decide/" CYCLE);
	http_get(centre, "/registration/decide/" CYCLE, &r);
	expect_status(r, 200);
	expect_contains(r, name);
	expect_contains(r, "data-outcome=\"qualified\"");
	post(centre, "/registration/decide/" CYCLE, path, "note", "材料齐全", &r);
	expect_redirect(r, "/registration/decide/" CYCLE "?done=decided");
	/* a second click (another admin at once) decides nothing more */
	post(centre, "/registration/decide/" CYCLE, path, "note", "", &r);
	expect_status(r, 409);
	snprintf(want, sizeof want, "decided/qualified//%lld/3600/%s/材料齐全", hours10, day);
	expect_db(db_text("SELECT state || '/' || outcome || '/' || reasons || '/' || hours10 || '/'"
			  " || required10 || '/' || posted_at || '/' || decision_note"
			  " FROM registration_applications WHERE id = %lld", id), want);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action LIKE 'registration.%%'"
				" AND object LIKE 'registration:%lld/%%'", id), 3);

	/* 公示: the teacher sees it posted; her school's staff see it; others not */
	http_get(t, "/registration", &r);
	expect_contains(r, "data-publicity=\"posted\"");
	expect_lacks(r, "action=\"/registration/apply\"");
	http_get(t, "/registration/public", &r);
	expect_status(r, 200);
	expect_contains(r, name);
	expect_contains(r, "注册合格");
	expect_lacks(r, teacher_id);
	expect_lacks(r, masked);
	http_get(colleague, "/registration/public", &r);
	expect_contains(r, name);
	http_get(school, "/registration/public", &r);
	expect_contains(r, name);
	http_get(other, "/registration/public", &r);
	expect_status(r, 200);
	expect_lacks(r, name);
	http_get(bureau, "/registration/public", &r);
	expect_status(r, 200);
	expect_lacks(r, name);

	/* the printable decision: the person, her school, the deciding
	 * centre, the bureau and the system admin; nobody else */
	snprintf(path, sizeof path, "/registration/%lld/decision", id);
	http_get(t, path, &r);
	expect_status(r, 200);
	expect_contains(r, teacher_id);  /* her own number, whole */
	expect_contains(r, hours_line);
	expect_contains(r, "centre");
	expect_contains(r, "data-publicity=\"posted\"");
	http_get(school, path, &r);
	expect_status(r, 200);
	expect_contains(r, masked);
	expect_lacks(r, teacher_id);
	http_get(centre, path, &r);
	expect_status(r, 200);
	http_get(bureau, path, &r);
	expect_status(r, 200);
	http_get(admin, path, &r);
	expect_status(r, 200);
	http_get(kg, path, &r);
	expect_status(r, 404);
	http_get(other, path, &r);
	expect_status(r, 404);
	http_get(colleague, path, &r);
	expect_status(r, 404);
	http_get(t, "/registration/x/decision", &r);
	expect_status(r, 400);
	http_get(t, "/registration/999999/decision", &r);
	expect_status(r, 404);

	/* 7 days on, the decision is final and no longer posted */
	db_exec("UPDATE registration_applications SET posted_at = date(%Q, '-7 days') WHERE id = %lld",
		day, id);
	http_get(t, "/registration", &r);
	expect_contains(r, "data-publicity=\"final\"");
	http_get(colleague, "/registration/public", &r);
	expect_lacks(r, name);
	/* decided qualified: the cycle is done */
	post(t, "/registration", "/registration/apply", "statement", "", &r);
	expect_status(r, 409);

	free(name);
	response_free(&r);
	client_free(t);
	client_free(school);
	client_free(centre);
	client_free(kg);
	client_free(bureau);
	client_free(admin);
	client_free(other);
	client_free(colleague);
}

static void returned_and_withdrawn_apply_again(void **state)
{
	struct client *c = client_as("colleague"), *school = client_as("school");
	struct response r = { 0 };
	char path[128];
	long long id;

	(void)state;
	/* no hours: deferred today, with the reasons named; she may still apply */
	http_get(c, "/registration", &r);
	expect_status(r, 200);
	expect_contains(r, "data-outcome=\"deferred\"");
	expect_contains(r, "data-reason=\"hours\"");
	expect_contains(r, "data-reason=\"no_appraisal\"");
	expect_contains(r, "缺少考核结果</td><td>不符合");
	post(c, "/registration", "/registration/apply", "statement", "", &r);
	expect_redirect(r, "/registration?done=applied");
	id = open_application(colleague_id, "applied");
	snprintf(path, sizeof path, "/registration/%lld/withdraw", id);
	post(c, "/registration", path, "x", "1", &r);
	expect_redirect(r, "/registration?done=withdrawn");
	post(c, "/registration", path, "x", "1", &r);
	expect_status(r, 409);

	post(c, "/registration", "/registration/apply", "statement", "", &r);
	expect_redirect(r, "/registration?done=applied");
	id = open_application(colleague_id, "applied");
	snprintf(path, sizeof path, "/registration/%lld/return", id);
	post(school, "/registration/review", path, "comment", "请补充年度考核材料", &r);
	expect_redirect(r, "/registration/review?done=returned");
	http_get(c, "/registration", &r);
	expect_contains(r, "请补充年度考核材料");
	expect_contains(r, "data-state=\"returned\"");
	/* returned: again at once */
	post(c, "/registration", "/registration/apply", "statement", "", &r);
	expect_redirect(r, "/registration?done=applied");
	assert_int_equal(db_int("SELECT count(*) FROM registration_applications a JOIN persons p"
				" ON p.id = a.person_id WHERE p.id_number = %Q", colleague_id), 3);
	http_get(c, "/registration?cycle=x", &r);
	expect_status(r, 400);
	/* in English: the same page, every word from the catalogue */
	http_get(c, "/lang?to=en&back=/registration", &r);
	http_get(c, "/registration", &r);
	expect_status(r, 200);
	expect_contains(r, "The 2021–2025 cycle");
	expect_contains(r, "What is missing");
	expect_contains(r, "Deferred");
	expect_lacks(r, "暂缓注册");
	response_free(&r);
	client_free(c);
	client_free(school);
}

static void batch_decides_the_qualified_and_skips_the_rest(void **state)
{
	struct client *centre = client_as("centre"), *kg = client_as("kg-centre");
	struct response r = { 0 };
	const char *loc;
	char path[128], want[64];
	long long a, b, batch;
	bool done = false;

	(void)state;
	make_qualified(batch_a);
	/* b is not qualified: 不合格 in 2023 (the demo's own facts may qualify her) */
	if (db_exec("INSERT OR REPLACE INTO appraisals (person_id, year, result, entered_by, entered_at)"
		    " SELECT id, 2023, 'unqualified', 'test', '2026-01-01T00:00:00Z' FROM persons"
		    " WHERE id_number = %Q", batch_b) != 0)
		fail_msg("cannot make %s unqualified", batch_b);
	db_exec("INSERT INTO registration_applications (person_id, cycle_start, state, applied_at,"
		" school_by, school_at) SELECT id, 2021, 'agreed', '2026-11-01T00:00:00Z', 'school',"
		" '2026-11-02T00:00:00Z' FROM persons WHERE id_number IN (%Q, %Q)", batch_a, batch_b);
	a = open_application(batch_a, "agreed");
	b = open_application(batch_b, "agreed");
	assert_true(a > 0 && b > 0);

	/* a municipal centre starts none */
	post(kg, "/programmes", "/registration/decide/" CYCLE "/all", "x", "1", &r);
	expect_status(r, 403);

	http_get(centre, "/registration/decide/" CYCLE, &r);
	expect_contains(r, "目前 1 / 2 人符合");
	post(centre, "/registration/decide/" CYCLE, "/registration/decide/" CYCLE "/all", "x", "1", &r);
	expect_status(r, 303);
	loc = response_header(&r, "Location");
	assert_non_null(loc);
	assert_int_equal(strncmp(loc, "/registration/batches/", 22), 0);
	batch = atoll(loc + 22);
	snprintf(path, sizeof path, "%s", loc);
	for (int i = 0; i < 100 && !done; i++) {
		http_get(centre, path, &r);
		expect_status(r, 200);
		done = response_contains(&r, "data-state=\"done\"");
		if (!done) {
			expect_contains(r, "data-state=\"running\"");
			assert_non_null(response_header(&r, "Refresh"));
			usleep(100 * 1000);
		}
	}
	assert_true(done);
	expect_contains(r, "data-decided=\"1\"");
	expect_contains(r, "data-skipped=\"1\"");
	assert_null(response_header(&r, "Refresh"));
	snprintf(want, sizeof want, "decided/qualified/%lld", batch);
	expect_db(db_text("SELECT state || '/' || outcome || '/' || batch_id FROM"
			  " registration_applications WHERE id = %lld", a), want);
	expect_db(db_text("SELECT state FROM registration_applications WHERE id = %lld", b), "agreed");
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'registration.batch'"), 1);
	/* the batch page is the region's: another centre's admin does not see it */
	http_get(kg, path, &r);
	expect_status(r, 403);
	http_get(centre, "/registration/batches/x", &r);
	expect_status(r, 400);
	response_free(&r);
	client_free(centre);
	client_free(kg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_whole_journey),
		cmocka_unit_test(returned_and_withdrawn_apply_again),
		cmocka_unit_test(batch_decides_the_qualified_and_skips_the_rest),
		cmocka_unit_test(harness_test_server_stops),
	};

	return cmocka_run_group_tests_name("registration", tests, setup, harness_group_teardown);
}
