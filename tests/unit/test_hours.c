/* test_hours.c - hours as tenths (core/hours.c), the ledger's append-only
 * rule and its totals (core/ledger.c, 003_training.sql), and the cycle's
 * requirement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/hours.h"
#include "core/ledger.h"
#include "fixture.h"
#include "lib/err.h"
#include "store/store.h"

static void ok(const char *in, int32_t want)
{
	int32_t h = -1;
	enum hours_error e = hours_parse(in, &h);

	if (e != HOURS_OK)
		fail_msg("'%s' refused: %s", in, hours_error_text(e, 1));
	if (h != want)
		fail_msg("'%s' gave %d tenths, expected %d", in, h, want);
}

static void bad(const char *in, enum hours_error want)
{
	int32_t h = 12345;
	enum hours_error e = hours_parse(in, &h);

	if (e != want)
		fail_msg("'%s' gave error %d, expected %d", in ? in : "(null)", e, want);
	assert_int_equal(h, 12345); /* untouched */
}

static void test_parse(void **state)
{
	(void)state;
	ok("2", 20);
	ok("2.5", 25);
	ok("2.0", 20);
	ok(" 2.5 ", 25);
	ok("0.1", 1);
	ok(".5", 5);
	ok("2.", 20);
	ok("2.50", 25);
	ok("72", 720);
	ok("+3", 30);
	ok("3000", 30000);
	bad("2.55", HOURS_TOO_FINE);
	bad("0.05", HOURS_TOO_FINE);
	bad("-1", HOURS_NEGATIVE);
	bad("-2.5", HOURS_NEGATIVE);
	bad("", HOURS_EMPTY);
	bad("   ", HOURS_EMPTY);
	bad(NULL, HOURS_EMPTY);
	bad("0", HOURS_ZERO);
	bad("0.0", HOURS_ZERO);
	bad("abc", HOURS_NOT_NUMBER);
	bad("2,5", HOURS_NOT_NUMBER);
	bad("1e2", HOURS_NOT_NUMBER);
	bad("2.5.1", HOURS_NOT_NUMBER);
	bad(".", HOURS_NOT_NUMBER);
	bad("-", HOURS_NOT_NUMBER);
	bad("3000.1", HOURS_TOO_LARGE);
	bad("99999999999999999999", HOURS_TOO_LARGE);
}

static void test_format(void **state)
{
	char b[HOURS_TEXT_MAX];

	(void)state;
	assert_string_equal(hours_format(715, b), "71.5");
	assert_string_equal(hours_format(720, b), "72.0");
	assert_string_equal(hours_format(0, b), "0.0");
	assert_string_equal(hours_format(-25, b), "-2.5");
	assert_string_equal(hours_format(-5, b), "-0.5");
	assert_string_equal(hours_format(36000, b), "3600.0");
}

/* The settings the rules read, in one query: defaults, every key, and a
 * value that is no value left at its default. */
static void test_rules_load(void **state)
{
	struct tmpdb t;
	struct hours_rules r;

	(void)state;
	assert_int_equal(fixture_db_open(&t, "rules"), 0);
	assert_int_equal(hours_rules_load(t.s, &r), 0);
	assert_int_equal(r.yearly10, 720);
	assert_int_equal(r.cycle10, 3600);
	assert_int_equal(r.cycle_years, 5);
	assert_int_equal(r.first_cycle, 2021);
	assert_int_equal(r.suspension_limit_days, 180);
	assert_true(r.basic_defers);
	assert_false(r.any_category_min);
	assert_int_equal(hours_yearly_required(&r, "trainer"), 720);
	assert_int_equal(fixture_exec(t.s, "INSERT INTO settings (key, value) VALUES"
				      " ('hours.yearly_min', '80.5'), ('hours.cycle_min', '400'),"
				      " ('hours.cycle_years', '4'), ('hours.first_cycle', '2020'),"
				      " ('hours.yearly_min.trainer', '90'), ('hours.category_min.general', '30'),"
				      " ('registration.suspension_limit_days', '200'),"
				      " ('registration.basic_defers', '0'),"
				      " ('hours.category_min.nonsense', '10'), ('hours.cycle_years', 'x')"
				      " ON CONFLICT (key) DO UPDATE SET value = excluded.value"), 0);
	assert_int_equal(hours_rules_load(t.s, &r), 0);
	assert_int_equal(r.yearly10, 805);
	assert_int_equal(r.cycle10, 4000);
	assert_int_equal(r.cycle_years, 5);    /* 'x' is no number of years: the default */
	assert_int_equal(r.first_cycle, 2020);
	assert_int_equal(hours_yearly_required(&r, "trainer"), 900);
	assert_int_equal(hours_yearly_required(&r, "teacher"), 805);
	assert_true(r.any_category_min);
	assert_int_equal(r.category_min10[13], 300);   /* hours_categories[13] = general */
	assert_int_equal(r.suspension_limit_days, 200);
	assert_false(r.basic_defers);
	fixture_db_close(&t);
}

static void test_cycle(void **state)
{
	struct hours_rules r = { .yearly10 = 720, .cycle10 = 3600, .cycle_years = 5, .first_cycle = 2021 };

	(void)state;
	assert_int_equal(hours_cycle_start(&r, 2021), 2021);
	assert_int_equal(hours_cycle_start(&r, 2025), 2021);
	assert_int_equal(hours_cycle_start(&r, 2026), 2026);
	assert_int_equal(hours_cycle_start(&r, 2020), 2016);
	assert_int_equal(hours_cycle_required(&r, 2021, NULL), 3600);
	assert_int_equal(hours_cycle_required(&r, 2021, "2010-09-01"), 3600);
	/* entered 2 January 2024: assessed 2025 only; 1 January 2024: 2024 and 2025 */
	assert_int_equal(hours_cycle_required(&r, 2021, "2024-01-02"), 720);
	assert_int_equal(hours_cycle_required(&r, 2021, "2024-01-01"), 1440);
	assert_int_equal(hours_cycle_required(&r, 2021, "2026-03-01"), 0);
}

static long long q(struct store *s, const char *sql)
{
	return fixture_int(s, sql);
}

static void test_ledger(void **state)
{
	struct tmpdb t;
	struct err err = { 0 };
	struct actor by = { 0, "tester", NULL };
	struct ledger_new e = { 0 };
	int64_t id = 0, id2 = 0;

	(void)state;
	assert_int_equal(fixture_db_open(&t, "hours"), 0);
	assert_int_equal(fixture_exec(t.s,
		"INSERT INTO regions VALUES ('440000','广东省','province',NULL);"
		"INSERT INTO persons (id, id_number, name, gender, birth_date, role, education)"
		" VALUES (1, '11010519491231002X', '张三', 'female', '1949-12-31', 'teacher', 'bachelor');"), 0);
	e.person_id = 1;
	e.day = "2025-12-31";
	e.hours10 = 25;
	e.category = "improvement";
	e.source = "import";
	e.record_id = "R1";
	assert_int_equal(store_begin(t.s, STORE_WRITE), 0);
	assert_int_equal(ledger_add_entry(t.s, &e, &by, &id, &err), 0);
	/* the same record again writes nothing */
	assert_int_equal(ledger_add_entry(t.s, &e, &by, &id2, &err), LEDGER_DUPLICATE);
	assert_int_equal(id2, id);
	e.record_id = NULL;
	e.day = "2026-01-01";
	e.hours10 = 10;
	e.source = "manual";
	assert_int_equal(ledger_add_entry(t.s, &e, &by, NULL, &err), -1); /* no reason */
	assert_int_equal(err.code, ERR_INVALID);
	e.reason = "补录";
	assert_int_equal(ledger_add_entry(t.s, &e, &by, NULL, &err), 0);
	e.category = "nonsense";
	assert_int_equal(ledger_add_entry(t.s, &e, &by, NULL, &err), -1);
	assert_int_equal(store_commit(t.s), 0);

	assert_int_equal(q(t.s, "SELECT hours10 FROM hours_totals WHERE year = 2025"), 25);
	assert_int_equal(q(t.s, "SELECT hours10 FROM hours_totals WHERE year = 2026"), 10);
	assert_int_equal(q(t.s, "SELECT count(*) FROM ledger WHERE record_id LIKE 'M%'"), 1);
	/* append-only */
	assert_int_not_equal(fixture_exec(t.s, "UPDATE ledger SET hours10 = 99"), 0);
	assert_int_not_equal(fixture_exec(t.s, "DELETE FROM ledger"), 0);
	assert_int_equal(q(t.s, "SELECT sum(hours10) FROM ledger"), 35);
	/* a reversal counts in its entry's year, whatever its own date */
	assert_int_equal(fixture_exec(t.s,
		"INSERT INTO ledger (record_id, person_id, day, year, hours10, category, source,"
		" author, created_at, reason, reverses)"
		" VALUES ('X1', 1, '2026-02-01', 2025, -25, 'improvement', 'manual', 't',"
		" '2026-02-01T00:00:00Z', 'wrong person', 1)"), 0);
	assert_int_equal(q(t.s, "SELECT hours10 FROM hours_totals WHERE year = 2025"), 0);
	assert_int_equal(q(t.s, "SELECT hours10 FROM hours_totals WHERE year = 2026"), 10);
	/* a reversal must be negative, an entry positive, and one reversal per entry */
	assert_int_not_equal(fixture_exec(t.s,
		"INSERT INTO ledger (record_id, person_id, day, year, hours10, category, source,"
		" author, created_at, reverses) VALUES ('X2', 1, '2026-02-01', 2025, -25,"
		" 'improvement', 'manual', 't', 'x', 1)"), 0);
	assert_int_not_equal(fixture_exec(t.s,
		"INSERT INTO ledger (record_id, person_id, day, year, hours10, category, source,"
		" author, created_at) VALUES ('X3', 1, '2026-02-01', 2026, -5, 'improvement',"
		" 'manual', 't', 'x')"), 0);
	fixture_db_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_rules_load),
		cmocka_unit_test(test_ledger),
	};

	return cmocka_run_group_tests_name("hours", tests, NULL, NULL);
}
