/* test_assessment.c - the yearly training assessment (core/assessment.c)
 * and the settings it reads (core/settings.c), at every boundary issue 6
 * names: 71.9 and 72.0 hours; 31 December and 1 January; service from 1
 * and from 2 January; a reversal made in another year than its entry; a
 * role's own minimum; category minimums on (one category never makes up
 * for another) and off; a person who left after 1 January and one who
 * left before; the scopes; recording a year twice; the look-ahead.
 *
 * Each test has its own database.  Both ways assessment_each() reads
 * (a whole city, merged; one school, joined) are asked the same questions:
 * every check runs with no scope and with the school's scope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/assessment.h"
#include "core/ledger.h"
#include "core/registry.h"
#include "core/settings.h"
#include "fixture.h"
#include "lib/arena.h"

static const struct actor centre = { .name = "centre" };

#define SCHOOL_A "2144000001"   /* district 440106 */
#define SCHOOL_B "2144000002"   /* district 440111 */

static int setup(void **state)
{
	struct tmpdb *t = calloc(1, sizeof *t);

	if (!t || fixture_db_open(t, "assessment") != 0)
		return -1;
	if (fixture_exec(t->s,
			 "INSERT INTO regions (code, name, level, parent_code) VALUES"
			 " ('440000', '广东省', 'province', NULL), ('440100', '广州市', 'city', '440000'),"
			 " ('440106', '天河区', 'district', '440100'), ('440111', '白云区', 'district', '440100');"
			 "INSERT INTO centres (id, code, name, kind, region_code, domain) VALUES"
			 " (1, 'th', '天河区教师发展中心', 'district', '440106', NULL);"
			 "INSERT INTO schools (id, code, name, district_code, stage, ownership) VALUES"
			 " (1, '" SCHOOL_A "', '天河小学', '440106', 'primary', 'public'),"
			 " (2, '" SCHOOL_B "', '白云小学', '440111', 'primary', 'public')") != 0)
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmpdb *t = *state;

	fixture_db_close(t);
	free(t);
	return 0;
}

/* A person at school 1 (A) or 2 (B); service_start NULL: unknown. */
static void person(struct store *s, int64_t id, int school, const char *role, const char *service_start,
		   const char *status)
{
	char sql[512];

	snprintf(sql, sizeof sql,
		 "INSERT INTO persons (id, id_number, name, gender, birth_date, school_id, role, education,"
		 " service_start, status) VALUES (%lld, '4401061985%08lld', '教师%lld', 'female',"
		 " '1985-01-01', %d, '%s', 'bachelor', %s%s%s, '%s')",
		 (long long)id, (long long)id, (long long)id, school, role, service_start ? "'" : "",
		 service_start ? service_start : "NULL", service_start ? "'" : "", status);
	assert_int_equal(fixture_exec(s, sql), 0);
}

static void status_change(struct store *s, int64_t id, const char *at, const char *from, const char *to)
{
	char sql[400];

	snprintf(sql, sizeof sql,
		 "INSERT INTO person_history (person_id, at, field, old_value, new_value, actor, source)"
		 " VALUES (%lld, '%s', 'status', '%s', '%s', 'admin', 'form')",
		 (long long)id, at, from, to);
	assert_int_equal(fixture_exec(s, sql), 0);
}

static void add(struct store *s, int64_t person_id, const char *day, int32_t h10, const char *category,
		const char *rid)
{
	struct ledger_new e = { .person_id = person_id, .day = day, .hours10 = h10, .category = category,
				.source = "import", .record_id = rid, .title = "研修", .issuer = "中心" };
	struct err err = { 0 };

	assert_int_equal(store_begin(s, STORE_WRITE), 0);
	if (ledger_add_entry(s, &e, &centre, NULL, &err) != 0)
		fail_msg("add %s: %s", rid, err.message);
	assert_int_equal(store_commit(s), 0);
}

static void set(struct store *s, const char *key, const char *value)
{
	struct err err = { 0 };

	if (settings_change(s, key, value, &centre, NULL, &err) != 0)
		fail_msg("set %s: %s", key, err.message);
}

/* ---- collecting the results ---- */

struct got {
	int n;
	struct {
		int64_t person_id;
		int32_t hours10, required10, lack10;
		int32_t short10[HOURS_CATEGORIES_MAX];
		bool passed;
		char school_code[16], district_code[8];
	} r[64];
};

static int collect(void *ctx, const struct assessment_row *row)
{
	struct got *g = ctx;

	assert_true(g->n < 64);
	g->r[g->n].person_id = row->person_id;
	g->r[g->n].hours10 = row->hours10;
	g->r[g->n].required10 = row->required10;
	g->r[g->n].lack10 = assessment_lack10(row);
	g->r[g->n].passed = row->passed;
	memcpy(g->r[g->n].short10, row->category_short10, sizeof row->category_short10);
	snprintf(g->r[g->n].school_code, sizeof g->r[g->n].school_code, "%s", row->school_code);
	snprintf(g->r[g->n].district_code, sizeof g->r[g->n].district_code, "%s", row->district_code);
	/* persons come in id order */
	if (g->n > 0)
		assert_true(g->r[g->n - 1].person_id < row->person_id);
	g->n++;
	return 0;
}

static void each(struct store *s, const struct registry_scope *sc, int year, struct got *g)
{
	struct err err = { 0 };

	memset(g, 0, sizeof *g);
	if (assessment_each(s, sc, year, collect, g, &err) != 0)
		fail_msg("assessment_each: %s", err.message);
}

static int find(const struct got *g, int64_t person_id)
{
	for (int i = 0; i < g->n; i++)
		if (g->r[i].person_id == person_id)
			return i;
	return -1;
}

/* Runs the check on the whole city (merged) and on school A (joined): the
 * two reads must agree on school A's persons. */
static const struct registry_scope school_a = { .school_code = SCHOOL_A };

#define BOTH_WAYS(s, year, g, ...) do { \
	each((s), NULL, (year), (g)); __VA_ARGS__; \
	each((s), &school_a, (year), (g)); __VA_ARGS__; \
} while (0)

/* ---- the boundaries ---- */

static void hours_71_9_fail_and_72_0_pass(void **state)
{
	struct tmpdb *t = *state;
	struct got g;

	person(t->s, 1, 1, "teacher", "2010-09-01", "serving");
	person(t->s, 2, 1, "teacher", "2010-09-01", "serving");
	add(t->s, 1, "2025-05-01", 700, "thematic", "a1");
	add(t->s, 1, "2025-06-01", 19, "online", "a2");
	add(t->s, 2, "2025-05-01", 700, "thematic", "b1");
	add(t->s, 2, "2025-06-01", 20, "online", "b2");
	BOTH_WAYS(t->s, 2025, &g, {
		int i = find(&g, 1), j = find(&g, 2);

		assert_int_equal(g.n, 2);
		assert_int_equal(g.r[i].hours10, 719);
		assert_int_equal(g.r[i].required10, 720);
		assert_false(g.r[i].passed);
		assert_int_equal(g.r[i].lack10, 1);
		assert_int_equal(g.r[j].hours10, 720);
		assert_true(g.r[j].passed);
		assert_int_equal(g.r[j].lack10, 0);
	});
}

static void dec_31_counts_in_its_year_and_jan_1_in_the_next(void **state)
{
	struct tmpdb *t = *state;
	struct got g;

	person(t->s, 1, 1, "teacher", "2010-09-01", "serving");
	person(t->s, 2, 1, "teacher", "2010-09-01", "serving");
	add(t->s, 1, "2025-12-31", 720, "thematic", "a1");
	add(t->s, 2, "2026-01-01", 720, "thematic", "b1");
	BOTH_WAYS(t->s, 2025, &g, {
		assert_true(g.r[find(&g, 1)].passed);
		assert_false(g.r[find(&g, 2)].passed);
		assert_int_equal(g.r[find(&g, 2)].hours10, 0);
	});
	BOTH_WAYS(t->s, 2026, &g, {
		assert_false(g.r[find(&g, 1)].passed);
		assert_true(g.r[find(&g, 2)].passed);
	});
}

static void service_from_jan_1_is_assessed_from_jan_2_is_not(void **state)
{
	struct tmpdb *t = *state;
	struct got g;

	person(t->s, 1, 1, "teacher", "2025-01-01", "serving");
	person(t->s, 2, 1, "teacher", "2025-01-02", "serving");
	person(t->s, 3, 1, "teacher", NULL, "serving");   /* unknown: assessed */
	BOTH_WAYS(t->s, 2025, &g, {
		assert_int_equal(g.n, 2);
		assert_true(find(&g, 1) >= 0);
		assert_int_equal(find(&g, 2), -1);
		assert_true(find(&g, 3) >= 0);
	});
	BOTH_WAYS(t->s, 2026, &g, {
		assert_int_equal(g.n, 3);
		assert_true(find(&g, 2) >= 0);
	});
	BOTH_WAYS(t->s, 2024, &g, {
		assert_int_equal(g.n, 1);
		assert_true(find(&g, 3) >= 0);
	});
}

static void reversal_counts_in_its_entrys_year(void **state)
{
	struct tmpdb *t = *state;
	struct err err = { 0 };
	struct got g;
	int64_t id;

	person(t->s, 1, 1, "teacher", "2010-09-01", "serving");
	add(t->s, 1, "2025-03-01", 720, "thematic", "a1");
	add(t->s, 1, "2025-04-01", 100, "online", "a2");
	add(t->s, 1, "2026-03-01", 720, "thematic", "a3");
	/* reversed today, a later year than 2025: 2025 loses the hours */
	assert_int_equal(store_begin(t->s, STORE_WRITE), 0);
	if (ledger_reverse_entry(t->s, "a1", "录错", &centre, &id, &err) != 0)
		fail_msg("reverse: %s", err.message);
	assert_int_equal(store_commit(t->s), 0);
	assert_true(fixture_int(t->s, "SELECT day > '2025-12-31' FROM ledger WHERE record_id = 'Ra1'") == 1);
	BOTH_WAYS(t->s, 2025, &g, {
		assert_int_equal(g.r[0].hours10, 100);
		assert_false(g.r[0].passed);
		assert_int_equal(g.r[0].lack10, 620);
	});
	BOTH_WAYS(t->s, 2026, &g, {
		assert_int_equal(g.r[0].hours10, 720);
		assert_true(g.r[0].passed);
	});
}

static void a_roles_own_minimum(void **state)
{
	struct tmpdb *t = *state;
	struct got g;

	person(t->s, 1, 1, "teacher", "2010-09-01", "serving");
	person(t->s, 2, 1, "principal", "2010-09-01", "serving");
	add(t->s, 1, "2025-05-01", 800, "thematic", "a1");
	add(t->s, 2, "2025-05-01", 800, "thematic", "b1");
	set(t->s, "hours.yearly_min.principal", "90");
	BOTH_WAYS(t->s, 2025, &g, {
		assert_int_equal(g.r[find(&g, 1)].required10, 720);
		assert_true(g.r[find(&g, 1)].passed);
		assert_int_equal(g.r[find(&g, 2)].required10, 900);
		assert_false(g.r[find(&g, 2)].passed);
		assert_int_equal(g.r[find(&g, 2)].lack10, 100);
	});
	/* unset: the installation's minimum again, for everyone */
	set(t->s, "hours.yearly_min.principal", "");
	set(t->s, "hours.yearly_min", "81");
	BOTH_WAYS(t->s, 2025, &g, {
		assert_int_equal(g.r[find(&g, 2)].required10, 810);
		assert_false(g.r[find(&g, 1)].passed);
		assert_int_equal(g.r[find(&g, 1)].lack10, 10);
	});
}

static int category(const char *code)
{
	for (int i = 0; hours_categories[i]; i++)
		if (!strcmp(hours_categories[i], code))
			return i;
	fail_msg("no category %s", code);
	return -1;
}

static void category_minimums(void **state)
{
	struct tmpdb *t = *state;
	struct got g;
	int general = category("general"), specialist = category("specialist");

	person(t->s, 1, 1, "teacher", "2010-09-01", "serving");
	person(t->s, 2, 1, "teacher", "2010-09-01", "serving");
	person(t->s, 3, 1, "teacher", "2010-09-01", "serving");
	add(t->s, 1, "2025-05-01", 400, "general", "a1");      /* 40 + 40: specialist short 2 */
	add(t->s, 1, "2025-06-01", 400, "specialist", "a2");
	add(t->s, 2, "2025-05-01", 300, "general", "b1");      /* 30 + 42: exactly */
	add(t->s, 2, "2025-06-01", 420, "specialist", "b2");
	add(t->s, 3, "2025-05-01", 1000, "general", "c1");     /* 100 general, no specialist */

	/* off (the default): the total alone decides */
	BOTH_WAYS(t->s, 2025, &g, {
		assert_true(g.r[find(&g, 1)].passed);
		assert_true(g.r[find(&g, 2)].passed);
		assert_true(g.r[find(&g, 3)].passed);
	});
	/* Guangdong: general 30, specialist 42; one never makes up the other */
	set(t->s, "hours.category_min.general", "30");
	set(t->s, "hours.category_min.specialist", "42");
	BOTH_WAYS(t->s, 2025, &g, {
		int a = find(&g, 1), b = find(&g, 2), c = find(&g, 3);

		assert_false(g.r[a].passed);
		assert_int_equal(g.r[a].short10[specialist], 20);
		assert_int_equal(g.r[a].short10[general], 0);
		assert_int_equal(g.r[a].lack10, 20);
		assert_true(g.r[b].passed);
		assert_false(g.r[c].passed);
		assert_int_equal(g.r[c].short10[specialist], 420);
		assert_int_equal(g.r[c].lack10, 420);
	});
	/* 0 turns a minimum off again */
	set(t->s, "hours.category_min.specialist", "0");
	BOTH_WAYS(t->s, 2025, &g, {
		assert_true(g.r[find(&g, 1)].passed);
		assert_true(g.r[find(&g, 3)].passed);
	});
}

static void who_left_after_jan_1_is_assessed_before_is_not(void **state)
{
	struct tmpdb *t = *state;
	struct got g;

	person(t->s, 1, 1, "teacher", "2010-09-01", "left");      /* left in March 2025 */
	status_change(t->s, 1, "2025-03-01T08:00:00Z", "serving", "left");
	person(t->s, 2, 1, "teacher", "2010-09-01", "retired");   /* retired in 2024 */
	status_change(t->s, 2, "2024-11-01T08:00:00Z", "serving", "retired");
	person(t->s, 3, 1, "teacher", "2010-09-01", "serving");   /* came back in April 2025 */
	status_change(t->s, 3, "2023-05-01T08:00:00Z", "serving", "left");
	status_change(t->s, 3, "2025-04-01T08:00:00Z", "left", "serving");
	person(t->s, 4, 1, "teacher", "2010-09-01", "left");      /* left on 2 January */
	status_change(t->s, 4, "2025-01-02T00:00:00Z", "serving", "left");
	person(t->s, 5, 1, "teacher", "2010-09-01", "left");      /* on 1 January: before */
	status_change(t->s, 5, "2025-01-01T10:00:00Z", "serving", "left");
	BOTH_WAYS(t->s, 2025, &g, {
		assert_true(find(&g, 1) >= 0);
		assert_int_equal(find(&g, 2), -1);
		assert_int_equal(find(&g, 3), -1);
		assert_true(find(&g, 4) >= 0);
		assert_int_equal(find(&g, 5), -1);
		assert_int_equal(g.n, 2);
	});
	BOTH_WAYS(t->s, 2024, &g, {
		assert_true(find(&g, 1) >= 0);
		assert_true(find(&g, 2) >= 0);
		assert_int_equal(find(&g, 3), -1);   /* away since 2023 */
	});
	BOTH_WAYS(t->s, 2026, &g, {
		assert_int_equal(g.n, 1);
		assert_true(find(&g, 3) >= 0);
	});
}

static void scopes(void **state)
{
	struct tmpdb *t = *state;
	struct got g;
	struct registry_scope district_b = { .district_code = "440111" };
	struct registry_scope city = { .region_prefix = "4401" };
	struct registry_scope one = { .person_id = 3 };
	struct registry_scope nobody = { .nothing = true };
	struct registry_scope school_b = { .school_code = SCHOOL_B };

	person(t->s, 1, 1, "teacher", "2010-09-01", "serving");
	person(t->s, 2, 2, "teacher", "2010-09-01", "serving");
	person(t->s, 3, 2, "teacher", "2010-09-01", "serving");
	add(t->s, 2, "2025-05-01", 720, "thematic", "b1");
	add(t->s, 3, "2025-05-01", 100, "thematic", "c1");
	each(t->s, NULL, 2025, &g);
	assert_int_equal(g.n, 3);
	each(t->s, &city, 2025, &g);
	assert_int_equal(g.n, 3);
	each(t->s, &school_a, 2025, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].person_id, 1);
	assert_string_equal(g.r[0].school_code, SCHOOL_A);
	assert_string_equal(g.r[0].district_code, "440106");
	each(t->s, &district_b, 2025, &g);
	assert_int_equal(g.n, 2);
	assert_true(g.r[find(&g, 2)].passed);
	assert_int_equal(g.r[find(&g, 3)].hours10, 100);
	each(t->s, &school_b, 2025, &g);
	assert_int_equal(g.n, 2);
	each(t->s, &one, 2025, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0].person_id, 3);
	each(t->s, &nobody, 2025, &g);
	assert_int_equal(g.n, 0);
}

static void recording_a_year_and_again(void **state)
{
	struct tmpdb *t = *state;
	struct assessment_summary sum, last;
	struct err err = { 0 };
	char at[ISO_TIME_LEN];

	person(t->s, 1, 1, "teacher", "2010-09-01", "serving");
	person(t->s, 2, 2, "teacher", "2010-09-01", "serving");
	add(t->s, 1, "2025-05-01", 720, "thematic", "a1");
	add(t->s, 2, "2025-05-01", 500, "thematic", "b1");
	set(t->s, "hours.category_min.thematic", "60");
	assert_int_equal(assessment_last_run(t->s, 2025, at, &last), 0);
	if (assessment_run(t->s, 2025, &centre, &sum, &err) != 0)
		fail_msg("run: %s", err.message);
	assert_int_equal(sum.assessed, 2);
	assert_int_equal(sum.passed, 1);
	assert_int_equal(fixture_int(t->s, "SELECT count(*) FROM assessments WHERE year = 2025"), 2);
	assert_int_equal(fixture_int(t->s, "SELECT passed FROM assessments WHERE person_id = 2"), 0);
	assert_int_equal(fixture_int(t->s, "SELECT hours10 FROM assessments WHERE person_id = 2"), 500);
	assert_int_equal(fixture_int(t->s, "SELECT short_categories = 'thematic:10.0' FROM assessments"
				     " WHERE person_id = 2"), 1);
	assert_int_equal(fixture_int(t->s, "SELECT short_categories IS NULL FROM assessments WHERE person_id = 1"), 1);
	/* a late entry: recording again updates the year */
	add(t->s, 2, "2025-12-20", 250, "thematic", "b2");
	if (assessment_run(t->s, 2025, &centre, &sum, &err) != 0)
		fail_msg("run: %s", err.message);
	assert_int_equal(sum.passed, 2);
	assert_int_equal(fixture_int(t->s, "SELECT count(*) FROM assessments WHERE year = 2025"), 2);
	assert_int_equal(fixture_int(t->s, "SELECT passed FROM assessments WHERE person_id = 2"), 1);
	assert_int_equal(fixture_int(t->s, "SELECT count(*) FROM audit_log WHERE action = 'assessment.run'"
				     " AND object = 'assessment:2025'"), 2);
	assert_int_equal(assessment_last_run(t->s, 2025, at, &last), 1);
	assert_int_equal(last.assessed, 2);
	assert_int_equal(last.passed, 2);
	assert_true(strlen(at) == 20);
	assert_false(store_in_transaction(t->s));
}

static void overview_groups_and_orders_the_short(void **state)
{
	struct tmpdb *t = *state;
	struct assessment_overview o;
	struct err err = { 0 };
	struct arena *a = arena_new();

	person(t->s, 1, 1, "teacher", "2010-09-01", "serving");
	person(t->s, 2, 1, "teacher", "2010-09-01", "serving");
	person(t->s, 3, 2, "teacher", "2010-09-01", "serving");
	person(t->s, 4, 2, "teacher", "2010-09-01", "serving");
	add(t->s, 1, "2025-05-01", 720, "thematic", "a1");
	add(t->s, 2, "2025-05-01", 500, "thematic", "b1");
	add(t->s, 3, "2025-05-01", 100, "thematic", "c1");
	add(t->s, 4, "2025-05-01", 710, "thematic", "d1");
	if (assessment_overview(t->s, a, NULL, 2025, true, &o, &err) != 0)
		fail_msg("overview: %s", err.message);
	assert_int_equal(o.assessed, 4);
	assert_int_equal(o.passed, 1);
	assert_int_equal(o.nshort, 3);
	assert_int_equal(o.shorts[0].person_id, 3);
	assert_int_equal(o.shorts[0].lack10, 620);
	assert_int_equal(o.shorts[1].person_id, 2);
	assert_int_equal(o.shorts[2].person_id, 4);
	assert_int_equal(o.shorts[2].lack10, 10);
	assert_int_equal(o.ndistricts, 2);
	assert_string_equal(o.districts[0].code, "440106");
	assert_string_equal(o.districts[0].name, "天河区");
	assert_int_equal(o.districts[0].assessed, 2);
	assert_int_equal(o.districts[0].passed, 1);
	assert_int_equal(o.nschools, 2);
	assert_string_equal(o.schools[1].name, "白云小学");
	assert_string_equal(o.shorts[0].school_name, "白云小学");
	assert_string_equal(o.shorts[0].school_code, SCHOOL_B);
	assert_string_equal(o.shorts[0].name, "教师3");
	assert_string_equal(o.shorts[0].id_number, "440106198500000003");
	assert_int_equal(o.schools[1].passed, 0);
	arena_free(a);
}

static void look_ahead_counts_seats_in_programmes_ending_this_year(void **state)
{
	struct tmpdb *t = *state;
	struct assessment_ahead *rows;
	struct err err = { 0 };
	struct arena *a = arena_new();
	int n;
	int64_t total;

	assert_false(assessment_ahead_shown("2025-09-30"));
	assert_true(assessment_ahead_shown("2025-10-01"));
	assert_true(assessment_ahead_shown("2025-12-31"));
	assert_false(assessment_ahead_shown("2026-01-01"));
	person(t->s, 1, 1, "teacher", "2010-09-01", "serving");   /* 40 + 24 seated: lacks 8 */
	person(t->s, 2, 1, "teacher", "2010-09-01", "serving");   /* 60 + 24 seated: reaches it */
	person(t->s, 3, 1, "teacher", "2010-09-01", "serving");   /* 72: passed already */
	person(t->s, 4, 1, "teacher", "2010-09-01", "serving");   /* 10, seat ends next year: lacks 62 */
	add(t->s, 1, "2025-03-01", 400, "thematic", "a1");
	add(t->s, 2, "2025-03-01", 600, "thematic", "b1");
	add(t->s, 3, "2025-03-01", 720, "thematic", "c1");
	add(t->s, 4, "2025-03-01", 100, "thematic", "d1");
	assert_int_equal(fixture_exec(t->s,
		"INSERT INTO programmes (id, code, title, centre_id, category, hours10, capacity, enrol_open,"
		" enrol_close, status, created_at, created_by) VALUES"
		" (1, 'P1', '年末研修', 1, 'thematic', 240, 30, '2025-09-01', '2025-10-30', 'published', '2025-09-01', 'x'),"
		" (2, 'P2', '跨年研修', 1, 'thematic', 240, 30, '2025-09-01', '2025-10-30', 'published', '2025-09-01', 'x'),"
		" (3, 'P3', '已取消', 1, 'thematic', 240, 30, '2025-09-01', '2025-10-30', 'cancelled', '2025-09-01', 'x');"
		"INSERT INTO programme_sessions (programme_id, day, starts, ends) VALUES"
		" (1, '2025-11-10', '09:00', '12:00'), (1, '2025-12-20', '09:00', '12:00'),"
		" (2, '2025-12-20', '09:00', '12:00'), (2, '2026-01-10', '09:00', '12:00'),"
		" (3, '2025-11-10', '09:00', '12:00');"
		"INSERT INTO enrolments (programme_id, person_id, status, via, at, by_actor) VALUES"
		" (1, 1, 'seated', 'self', '2025-09-02', 'x'), (1, 2, 'seated', 'self', '2025-09-02', 'x'),"
		" (2, 4, 'seated', 'self', '2025-09-02', 'x'), (3, 4, 'seated', 'self', '2025-09-02', 'x'),"
		" (1, 3, 'waiting', 'self', '2025-09-02', 'x')"), 0);
	if (assessment_look_ahead(t->s, a, NULL, "2025-10-15", 0, &rows, &n, &total, &err) != 0)
		fail_msg("look ahead: %s", err.message);
	assert_int_equal(total, 2);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].person_id, 4);
	assert_int_equal(rows[0].pending10, 0);
	assert_int_equal(rows[0].lack10, 620);
	assert_int_equal(rows[1].person_id, 1);
	assert_int_equal(rows[1].hours10, 400);
	assert_int_equal(rows[1].pending10, 240);
	assert_int_equal(rows[1].lack10, 80);
	/* limited, the total still counts all; one person's own */
	{
		struct registry_scope me = { .person_id = 1 };

		assert_int_equal(assessment_look_ahead(t->s, a, NULL, "2025-10-15", 1, &rows, &n, &total, &err), 0);
		assert_int_equal(n, 1);
		assert_int_equal(total, 2);
		assert_int_equal(assessment_look_ahead(t->s, a, &me, "2025-10-15", 1, &rows, &n, &total, &err), 0);
		assert_int_equal(n, 1);
		assert_int_equal(rows[0].person_id, 1);
	}
	/* completed for person 1: the hours are in the ledger, no longer to come */
	{
		struct ledger_new e = { .person_id = 1, .day = "2025-12-20", .hours10 = 240,
					.category = "thematic", .source = "programme", .record_id = "P1-1",
					.programme_id = 1 };
		int64_t id;

		assert_int_equal(store_begin(t->s, STORE_WRITE), 0);
		assert_int_equal(ledger_add_entry(t->s, &e, &centre, &id, &err), 0);
		assert_int_equal(store_commit(t->s), 0);
		assert_int_equal(assessment_look_ahead(t->s, a, NULL, "2025-10-15", 0, &rows, &n, &total, &err), 0);
		assert_int_equal(total, 2);
		assert_int_equal(rows[1].person_id, 1);
		assert_int_equal(rows[1].hours10, 640);
		assert_int_equal(rows[1].pending10, 0);
		assert_int_equal(rows[1].lack10, 80);
	}
	{
		char last[11];
		bool enrolled;

		assert_int_equal(assessment_programme_fit(t->s, 2, 4, last, &enrolled), 0);
		assert_string_equal(last, "2026-01-10");
		assert_true(enrolled);
		assert_int_equal(assessment_programme_fit(t->s, 1, 4, last, &enrolled), 0);
		assert_false(enrolled);
	}
	arena_free(a);
}

/* ---- settings ---- */

static void settings_are_checked_and_audited(void **state)
{
	struct tmpdb *t = *state;
	struct err err = { 0 };
	char out[SETTING_VALUE_MAX], v[64];
	bool changed;
	struct hours_rules r;

	assert_non_null(settings_find("hours.yearly_min"));
	assert_non_null(settings_find("hours.category_min.general"));
	assert_non_null(settings_find("hours.yearly_min.trainer"));
	assert_null(settings_find("hours.yearly_min.nobody"));
	assert_int_equal(settings_check(settings_find("hours.yearly_min"), " 80 ", out, &err), 0);
	assert_string_equal(out, "80.0");
	assert_int_equal(settings_check(settings_find("hours.yearly_min"), "0", out, &err), -1);
	assert_int_equal(settings_check(settings_find("hours.yearly_min"), "7.25", out, &err), -1);
	assert_string_equal(err.field, "hours.yearly_min");
	assert_int_equal(settings_check(settings_find("hours.category_min.general"), "0", out, &err), 0);
	assert_string_equal(out, "");
	assert_int_equal(settings_check(settings_find("hours.cycle_years"), "11", out, &err), -1);
	assert_int_equal(settings_check(settings_find("hours.cycle_years"), "4", out, &err), 0);
	assert_int_equal(settings_check(settings_find("hours.first_cycle"), "20x1", out, &err), -1);
	assert_int_equal(settings_check(settings_find("registration.basic_defers"), "否", out, &err), 0);
	assert_string_equal(out, "0");
	assert_int_equal(settings_check(settings_find("registration.basic_defers"), "Yes", out, &err), 0);
	assert_string_equal(out, "1");
	assert_int_equal(settings_check(settings_find("registration.basic_defers"), "maybe", out, &err), -1);
	/* every known key's default is a value its own check accepts */
	for (int i = 0; i < settings_known_count; i++)
		assert_int_equal(settings_check(&settings_known[i], settings_known[i].dflt, out, &err), 0);

	assert_int_equal(settings_change(t->s, "registration.suspension_limit_days", "200", &centre, &changed, &err), 0);
	assert_true(changed);
	assert_int_equal(settings_change(t->s, "registration.suspension_limit_days", "200", &centre, &changed, &err), 0);
	assert_false(changed);       /* the same value: nothing to audit */
	assert_int_equal(settings_change(t->s, "registration.suspension_limit_days", "x", &centre, &changed, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_int_equal(settings_change(t->s, "no.such", "1", &centre, &changed, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_int_equal(settings_change(t->s, "registration.basic_defers", "no", &centre, &changed, &err), 0);
	assert_int_equal(hours_rules_load(t->s, &r), 0);
	assert_int_equal(r.suspension_limit_days, 200);
	assert_false(r.basic_defers);
	assert_int_equal(settings_change(t->s, "registration.suspension_limit_days", NULL, &centre, &changed, &err), 0);
	assert_true(changed);
	assert_int_equal(settings_get(t->s, "registration.suspension_limit_days", v, sizeof v), 0);
	assert_int_equal(hours_rules_load(t->s, &r), 0);
	assert_int_equal(r.suspension_limit_days, 180);
	assert_int_equal(fixture_int(t->s, "SELECT count(*) FROM audit_log WHERE action LIKE 'settings.%'"), 3);
	assert_int_equal(fixture_int(t->s, "SELECT count(*) FROM audit_log WHERE action = 'settings.unset'"
				     " AND object = 'setting:registration.suspension_limit_days'"
				     " AND detail = '200 -> (default)'"), 1);
	assert_false(store_in_transaction(t->s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(hours_71_9_fail_and_72_0_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(dec_31_counts_in_its_year_and_jan_1_in_the_next, setup, teardown),
		cmocka_unit_test_setup_teardown(service_from_jan_1_is_assessed_from_jan_2_is_not, setup, teardown),
		cmocka_unit_test_setup_teardown(reversal_counts_in_its_entrys_year, setup, teardown),
		cmocka_unit_test_setup_teardown(a_roles_own_minimum, setup, teardown),
		cmocka_unit_test_setup_teardown(category_minimums, setup, teardown),
		cmocka_unit_test_setup_teardown(who_left_after_jan_1_is_assessed_before_is_not, setup, teardown),
		cmocka_unit_test_setup_teardown(scopes, setup, teardown),
		cmocka_unit_test_setup_teardown(recording_a_year_and_again, setup, teardown),
		cmocka_unit_test_setup_teardown(overview_groups_and_orders_the_short, setup, teardown),
		cmocka_unit_test_setup_teardown(look_ahead_counts_seats_in_programmes_ending_this_year, setup, teardown),
		cmocka_unit_test_setup_teardown(settings_are_checked_and_audited, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
