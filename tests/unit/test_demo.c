/* test_demo.c - the demo city (core/demo.c): its organisations, its people's
 * ID numbers, the summary for the demo accounts, determinism, and refusal
 * of a database that already has data.
 *
 * One demo of 2,000 persons (seed 7) is made for the whole group; the
 * determinism test makes two more. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/demo.h"
#include "lib/idcard.h"
#include "store/store.h"

enum { TEACHERS = 2000, SEED = 7 };

struct fixture {
	char dir[64];
	char path[128];
	struct store *s;
	struct demo_summary sum;
};

static void remove_db(const char *path)
{
	char p[256];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static struct store *open_new(const char *path)
{
	struct store *s = NULL;
	struct err err = { 0 };
	int applied;

	remove_db(path);
	if (store_open(&s, path, STORE_CREATE, &err) < 0)
		fail_msg("store_open: %s", err.message);
	if (store_migrate(s, &applied, &err) < 0)
		fail_msg("store_migrate: %s", err.message);
	return s;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	store_close(f->s);
	remove_db(f->path);
	rmdir(f->dir);
	free(f);
	*state = NULL;
	return 0;
}

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct demo_options o = { .teachers = TEACHERS, .seed = SEED };
	struct err err = { 0 };

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/tdc_test_demo_XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/demo.db", f->dir);
	*state = f;
	f->s = open_new(f->path);
	if (demo_create(f->s, &o, &f->sum, &err) < 0) {
		fprintf(stderr, "demo_create: %s\n", err.message);
		group_teardown(state);
		return -1;
	}
	return 0;
}

/* the single integer a query returns; the test fails on anything else */
static int64_t query_int(struct store *s, const char *sql, const char *arg)
{
	struct stmt *st;
	int64_t v;

	assert_int_equal(store_prepare(s, sql, &st), STORE_OK);
	if (arg)
		stmt_bind_text(st, 1, arg);
	assert_int_equal(stmt_step(st), STORE_ROW);
	v = stmt_int(st, 0);
	stmt_done(st);
	return v;
}

/* ------------------------------------------------------------------------ */

static const char SQL_REGIONS[] = "SELECT count(*) FROM regions";
static const char SQL_REGIONS_LEVEL[] = "SELECT count(*) FROM regions WHERE level = ?";
static const char SQL_PROVINCE[] =
	"SELECT count(*) FROM regions WHERE code = '440000' AND name = '广东省'"
	" AND level = 'province' AND parent_code IS NULL";
static const char SQL_CITY[] =
	"SELECT count(*) FROM regions WHERE code = '440100' AND name = '广州市'"
	" AND level = 'city' AND parent_code = '440000'";
static const char SQL_DISTRICT[] =
	"SELECT count(*) FROM regions WHERE code = ? AND level = 'district' AND parent_code = '440100'";

static void test_demo_regions(void **state)
{
	struct fixture *f = *state;
	static const char *const districts[] = {
		"440103", "440104", "440105", "440106", "440111", "440112",
		"440113", "440114", "440115", "440117", "440118",
	};

	assert_int_equal(query_int(f->s, SQL_REGIONS, NULL), 13);
	assert_int_equal(f->sum.regions, 13);
	assert_int_equal(query_int(f->s, SQL_REGIONS_LEVEL, "district"), 11);
	assert_int_equal(query_int(f->s, SQL_PROVINCE, NULL), 1);
	assert_int_equal(query_int(f->s, SQL_CITY, NULL), 1);
	for (size_t i = 0; i < sizeof districts / sizeof districts[0]; i++)
		assert_int_equal(query_int(f->s, SQL_DISTRICT, districts[i]), 1);
}

static const char SQL_CENTRES[] = "SELECT count(*) FROM centres";
static const char SQL_MUNICIPAL[] =
	"SELECT name || '|' || domain FROM centres WHERE code = ? AND kind = 'municipal'"
	" AND region_code = '440100'";
static const char SQL_DISTRICT_CENTRES[] =
	"SELECT count(*) FROM centres c JOIN regions r ON r.code = c.region_code"
	" WHERE c.kind = 'district' AND c.code = c.region_code AND r.level = 'district'"
	" AND c.domain IS NULL AND c.name = '广州市' || r.name || '教师发展中心'";

static void test_demo_centres(void **state)
{
	struct fixture *f = *state;
	/* 000 art. 5 and art. 7 */
	static const struct {
		const char *code, *expect;
	} municipal[] = {
		{ "gz-zxx", "广州市中小学教师发展中心|principals_special" },
		{ "gz-zz", "广州市中职学校教师发展中心|vocational" },
		{ "gz-mb", "广州市民办学校教师发展中心|private" },
		{ "gz-yc", "广州市远程培训教师发展中心|remote" },
		{ "gz-yey", "广州市幼儿园教师发展中心|kindergarten" },
		{ "gz-yx", "广州市教师发展研训中心|research" },
	};

	assert_int_equal(query_int(f->s, SQL_CENTRES, NULL), 17);
	assert_int_equal(f->sum.centres, 17);
	for (size_t i = 0; i < sizeof municipal / sizeof municipal[0]; i++) {
		struct stmt *st;

		assert_int_equal(store_prepare(f->s, SQL_MUNICIPAL, &st), STORE_OK);
		stmt_bind_text(st, 1, municipal[i].code);
		assert_int_equal(stmt_step(st), STORE_ROW);
		assert_string_equal(stmt_text(st, 0), municipal[i].expect);
		stmt_done(st);
	}
	assert_int_equal(query_int(f->s, SQL_DISTRICT_CENTRES, NULL), 11);
}

static const char SQL_STAFF[] =
	"SELECT count(*) FROM centres c WHERE (SELECT count(*) FROM persons p WHERE p.centre_id = c.id"
	" AND p.school_id IS NULL AND p.role IN ('trainer', 'researcher')) BETWEEN 8 AND 15";
static const char SQL_ALLIANCE[] =
	"SELECT count(*) FROM alliances WHERE code = 'gz-alliance' AND name = '广州市市级教师发展中心联盟'"
	" AND region_code = '440100'";
static const char SQL_MEMBERS[] =
	"SELECT group_concat(code, ',') FROM (SELECT c.code FROM alliance_members m"
	" JOIN alliances a ON a.id = m.alliance_id JOIN centres c ON c.id = m.centre_id"
	" WHERE a.code = 'gz-alliance' ORDER BY m.rotation_order)";
static const char SQL_ROTATION[] =
	"SELECT count(*) FROM alliance_members WHERE rotation_order BETWEEN 1 AND 6";
/* a representative or liaison who is not staff of the member's centre */
static const char SQL_MEMBER_PEOPLE_BAD[] =
	"SELECT count(*) FROM alliance_members m LEFT JOIN persons r ON r.id = m.representative_person_id"
	" LEFT JOIN persons l ON l.id = m.liaison_person_id"
	" WHERE r.id IS NULL OR l.id IS NULL OR r.id = l.id"
	" OR r.centre_id IS NOT m.centre_id OR l.centre_id IS NOT m.centre_id"
	" OR r.school_id IS NOT NULL OR l.school_id IS NOT NULL"
	" OR r.role NOT IN ('trainer', 'researcher') OR l.role NOT IN ('trainer', 'researcher')";
static const char SQL_CHAIRS[] =
	"SELECT count(*) FROM alliance_chairs WHERE year BETWEEN 2021 AND 2030";
/* a chair year whose centre is not next in the rotation, whose chair is
 * not that member's representative, or whose secretary is not other staff
 * of that centre */
static const char SQL_CHAIRS_BAD[] =
	"SELECT count(*) FROM alliance_chairs ch"
	" JOIN alliance_members m ON m.alliance_id = ch.alliance_id AND m.centre_id = ch.centre_id"
	" LEFT JOIN persons sec ON sec.id = ch.secretary_person_id"
	" WHERE m.rotation_order != (ch.year - 2021) % 6 + 1"
	" OR ch.chair_person_id IS NOT m.representative_person_id"
	" OR sec.id IS NULL OR sec.centre_id IS NOT ch.centre_id OR sec.id = ch.chair_person_id";

static void test_demo_alliance(void **state)
{
	struct fixture *f = *state;
	struct stmt *st;

	assert_int_equal(query_int(f->s, SQL_STAFF, NULL), 17);
	assert_int_equal(query_int(f->s, SQL_ALLIANCE, NULL), 1);
	assert_string_equal(f->sum.alliance_code, "gz-alliance");
	/* 000 art. 5's order is the rotation order */
	assert_int_equal(store_prepare(f->s, SQL_MEMBERS, &st), STORE_OK);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "gz-zxx,gz-zz,gz-mb,gz-yc,gz-yey,gz-yx");
	stmt_done(st);
	assert_int_equal(query_int(f->s, SQL_ROTATION, NULL), 6);
	assert_int_equal(query_int(f->s, SQL_MEMBER_PEOPLE_BAD, NULL), 0);
	assert_int_equal(query_int(f->s, SQL_CHAIRS, NULL), 10);
	assert_int_equal(query_int(f->s, SQL_CHAIRS_BAD, NULL), 0);
}

static const char SQL_SCHOOLS[] = "SELECT count(*) FROM schools";
/* a code that is not type + 44 + serial for its stage */
static const char SQL_SCHOOL_CODES_BAD[] =
	"SELECT count(*) FROM schools WHERE length(code) != 10 OR code GLOB '*[^0-9]*'"
	" OR substr(code, 3, 2) != '44' OR substr(code, 1, 2) != CASE stage"
	" WHEN 'kindergarten' THEN '11' WHEN 'primary' THEN '21' WHEN 'junior' THEN '31'"
	" WHEN 'nine_year' THEN '31' WHEN 'senior' THEN '34' WHEN 'complete' THEN '34'"
	" WHEN 'vocational' THEN '36' WHEN 'special' THEN '51' END";
static const char SQL_SCHOOL_SERIALS[] = "SELECT count(DISTINCT substr(code, 5)) FROM schools";
static const char SQL_SCHOOL_NAMES[] = "SELECT count(DISTINCT name) FROM schools";
static const char SQL_SCHOOL_NAMES_BAD[] = "SELECT count(*) FROM schools WHERE name NOT LIKE '广州市%'";
static const char SQL_DISTRICTS_WITH_SCHOOLS[] =
	"SELECT count(DISTINCT district_code) FROM schools s JOIN regions r ON r.code = s.district_code"
	" WHERE r.level = 'district'";
static const char SQL_STAGES[] = "SELECT count(DISTINCT stage) FROM schools";
/* a school without exactly one head, or a kindergarten led by a principal */
static const char SQL_HEADS_BAD[] =
	"SELECT count(*) FROM schools s WHERE (SELECT count(*) FROM persons p WHERE p.school_id = s.id"
	" AND p.role = CASE s.stage WHEN 'kindergarten' THEN 'director' ELSE 'principal' END) != 1"
	" OR (SELECT count(*) FROM persons p WHERE p.school_id = s.id"
	" AND p.role IN ('principal', 'director')) != 1";

static void test_demo_schools(void **state)
{
	struct fixture *f = *state;
	int64_t n = query_int(f->s, SQL_SCHOOLS, NULL);

	assert_int_equal(n, f->sum.schools);
	assert_in_range(n, 30, 40); /* teachers / 65, at least 30 */
	assert_int_equal(query_int(f->s, SQL_SCHOOL_CODES_BAD, NULL), 0);
	assert_int_equal(query_int(f->s, SQL_SCHOOL_SERIALS, NULL), n);
	assert_int_equal(query_int(f->s, SQL_SCHOOL_NAMES, NULL), n);
	assert_int_equal(query_int(f->s, SQL_SCHOOL_NAMES_BAD, NULL), 0);
	assert_int_equal(query_int(f->s, SQL_DISTRICTS_WITH_SCHOOLS, NULL), 11);
	assert_int_equal(query_int(f->s, SQL_STAGES, NULL), 8);
	assert_int_equal(query_int(f->s, SQL_HEADS_BAD, NULL), 0);
}

static const char SQL_PERSONS[] = "SELECT count(*) FROM persons";
static const char SQL_DISTINCT_IDS[] = "SELECT count(DISTINCT id_number) FROM persons";
static const char SQL_ALL_IDS[] =
	"SELECT id_number, gender, birth_date, service_start FROM persons ORDER BY id";
/* a person in both or neither of a school and a centre */
static const char SQL_PLACE_BAD[] =
	"SELECT count(*) FROM persons WHERE (school_id IS NULL) = (centre_id IS NULL)";
static const char SQL_SPECIAL_BAD[] =
	"SELECT count(*) FROM persons WHERE special_grade = 1 AND title NOT IN ('senior', 'full_senior')";
static const char SQL_KINDERGARTEN_WOMEN[] =
	"SELECT 1000 * sum(p.gender = 'female') / count(*) FROM persons p"
	" JOIN schools s ON s.id = p.school_id WHERE s.stage = 'kindergarten'";
static const char SQL_SERVING[] =
	"SELECT 1000 * sum(status = 'serving') / count(*) FROM persons";

static void test_demo_persons(void **state)
{
	struct fixture *f = *state;
	struct stmt *st;
	time_t now = time(NULL);
	struct tm tm;
	char today[11];
	int rows = 0, rc;

	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	assert_int_equal(query_int(f->s, SQL_PERSONS, NULL), TEACHERS);
	assert_int_equal(f->sum.persons, TEACHERS);
	assert_int_equal(query_int(f->s, SQL_DISTINCT_IDS, NULL), TEACHERS);
	assert_int_equal(query_int(f->s, SQL_PLACE_BAD, NULL), 0);
	assert_int_equal(query_int(f->s, SQL_SPECIAL_BAD, NULL), 0);
	assert_in_range(query_int(f->s, SQL_KINDERGARTEN_WOMEN, NULL), 880, 1000);
	assert_in_range(query_int(f->s, SQL_SERVING, NULL), 940, 995);

	assert_int_equal(store_prepare(f->s, SQL_ALL_IDS, &st), STORE_OK);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const char *id = stmt_text(st, 0), *gender = stmt_text(st, 1);
		const char *birth = stmt_text(st, 2), *service = stmt_text(st, 3);
		char digits[9];
		int age;

		rows++;
		if (!idcard_is_valid(id))
			fail_msg("invalid ID number '%s'", id);
		if (strncmp(id, "440100", 6) != 0)
			fail_msg("ID number '%s' is not under 440100", id);
		/* digits 7-14 are the birth date, digit 17 odd for men */
		snprintf(digits, sizeof digits, "%.4s%.2s%.2s", birth, birth + 5, birth + 8);
		if (strncmp(id + 6, digits, 8) != 0)
			fail_msg("ID number '%s' does not hold birth date %s", id, birth);
		if (((id[16] - '0') % 2 == 1) != (strcmp(gender, "male") == 0))
			fail_msg("ID number '%s' does not match gender %s", id, gender);
		age = (tm.tm_year + 1900) - atoi(birth);
		if (strcmp(birth + 4, today + 4) > 0)
			age--;
		if (age < 22 || age > 60)
			fail_msg("ID number '%s': age %d outside 22-60", id, age);
		if (strcmp(service, today) > 0)
			fail_msg("ID number '%s': service starts in the future (%s)", id, service);
		if (strcmp(service, birth) <= 0 || atoi(service) - atoi(birth) < 21 ||
		    atoi(service) - atoi(birth) > 25)
			fail_msg("ID number '%s': service from %s, born %s", id, service, birth);
	}
	stmt_done(st);
	assert_int_equal(rc, STORE_DONE);
	assert_int_equal(rows, TEACHERS);
}

static const char SQL_SUMMARY_SCHOOL[] =
	"SELECT count(*) FROM schools WHERE code = ? AND district_code = '440106'"
	" AND ownership = 'public' AND stage IN ('primary', 'complete')";
static const char SQL_SUMMARY_TEACHER[] =
	"SELECT s.code, p.name, p.role, p.status FROM persons p JOIN schools s ON s.id = p.school_id"
	" WHERE p.id_number = ?";
static const char SQL_DISTRICT_CENTRE[] =
	"SELECT count(*) FROM centres WHERE code = ? AND kind = 'district' AND region_code = '440106'";

static void test_demo_summary(void **state)
{
	struct fixture *f = *state;
	struct stmt *st;

	assert_int_equal(query_int(f->s, SQL_SUMMARY_SCHOOL, f->sum.school_code), 1);
	assert_true(idcard_is_valid(f->sum.teacher_id_number));
	assert_int_equal(store_prepare(f->s, SQL_SUMMARY_TEACHER, &st), STORE_OK);
	stmt_bind_text(st, 1, f->sum.teacher_id_number);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), f->sum.school_code);
	assert_string_equal(stmt_text(st, 1), f->sum.teacher_name);
	assert_string_equal(stmt_text(st, 2), "teacher");
	assert_string_equal(stmt_text(st, 3), "serving");
	stmt_done(st);
	assert_string_equal(f->sum.district_centre_code, "440106");
	assert_int_equal(query_int(f->s, SQL_DISTRICT_CENTRE, f->sum.district_centre_code), 1);
}

/* everything about the people, in ID order, as one text */
static const char SQL_FINGERPRINT[] =
	"SELECT group_concat(row, char(10)) FROM (SELECT p.id_number || '|' || p.name || '|'"
	" || coalesce(p.phone, '') || '|' || coalesce(s.code, '') || '|' || coalesce(c.code, '')"
	" || '|' || p.role || '|' || coalesce(p.subject, '') || '|' || p.title || '|' || p.education"
	" || '|' || p.key_level || '|' || p.special_grade || '|' || coalesce(p.service_start, '')"
	" || '|' || p.status || '|' || coalesce(s.name, '') AS row"
	" FROM persons p LEFT JOIN schools s ON s.id = p.school_id"
	" LEFT JOIN centres c ON c.id = p.centre_id ORDER BY p.id_number)";

static char *fingerprint(struct store *s)
{
	struct stmt *st;
	char *text;

	assert_int_equal(store_prepare(s, SQL_FINGERPRINT, &st), STORE_OK);
	assert_int_equal(stmt_step(st), STORE_ROW);
	text = strdup(stmt_text(st, 0));
	stmt_done(st);
	assert_non_null(text);
	return text;
}

static char *demo_fingerprint(const char *path, uint64_t seed)
{
	struct store *s = open_new(path);
	struct demo_options o = { .teachers = TEACHERS, .seed = seed };
	struct demo_summary sum;
	struct err err = { 0 };
	char *text;

	if (demo_create(s, &o, &sum, &err) < 0)
		fail_msg("demo_create: %s", err.message);
	text = fingerprint(s);
	store_close(s);
	remove_db(path);
	return text;
}

static void test_demo_deterministic(void **state)
{
	struct fixture *f = *state;
	char path[160];
	char *a, *b, *c, *first;

	snprintf(path, sizeof path, "%s/again.db", f->dir);
	a = demo_fingerprint(path, SEED);
	b = demo_fingerprint(path, SEED);
	c = demo_fingerprint(path, SEED + 1);
	first = fingerprint(f->s);
	assert_true(strlen(a) > 2000 * 40);
	assert_string_equal(a, b);
	assert_string_equal(a, first);
	assert_true(strcmp(a, c) != 0); /* and the seed does matter */
	free(a);
	free(b);
	free(c);
	free(first);
}

static void test_demo_conflict(void **state)
{
	struct fixture *f = *state;
	struct demo_options o = { .teachers = TEACHERS, .seed = SEED };
	struct demo_summary sum;
	struct err err = { 0 };

	assert_int_equal(demo_create(f->s, &o, &sum, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_non_null(strstr(err.message, "already has data"));
	assert_false(store_in_transaction(f->s));
	assert_int_equal(query_int(f->s, SQL_PERSONS, NULL), TEACHERS);
	assert_int_equal(query_int(f->s, SQL_REGIONS, NULL), 13);
}

static void test_demo_too_few(void **state)
{
	struct fixture *f = *state;
	struct demo_options o = { .teachers = DEMO_MIN_TEACHERS - 1, .seed = SEED };
	struct err err = { 0 };

	assert_int_equal(demo_create(f->s, &o, NULL, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "teachers");
	assert_false(store_in_transaction(f->s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_regions),
		cmocka_unit_test(test_demo_centres),
		cmocka_unit_test(test_demo_alliance),
		cmocka_unit_test(test_demo_schools),
		cmocka_unit_test(test_demo_persons),
		cmocka_unit_test(test_demo_summary),
		cmocka_unit_test(test_demo_deterministic),
		cmocka_unit_test(test_demo_conflict),
		cmocka_unit_test(test_demo_too_few),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
