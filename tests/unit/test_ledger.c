/* test_ledger.c - the ledger's corrections and views (core/ledger.c).
 *
 * DOMAIN.md: "Entries are never edited or deleted: a correction is a
 * reversing entry with a reason."  A 2025 entry reversed in 2026 lowers
 * 2025's total, not 2026's; an entry is reversed once; a reversal is
 * never reversed; the views list both rows; and hours_totals always
 * equals the ledger's own sums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/demo.h"
#include "core/ledger.h"
#include "fixture.h"
#include "lib/arena.h"

static const struct actor centre = { .name = "centre" };

static int setup(void **state)
{
	struct tmpdb *t = calloc(1, sizeof *t);

	if (!t || fixture_db_open(t, "ledger") != 0)
		return -1;
	if (fixture_exec(t->s, "INSERT INTO persons (id, id_number, name, gender, birth_date, role, education,"
			 " service_start) VALUES (1, '44010019850101002X', '李老师', 'female', '1985-01-01',"
			 " 'teacher', 'bachelor', '2008-09-01'), (2, '440100198601010010', '王老师', 'male',"
			 " '1986-01-01', 'teacher', 'master', '2024-09-01')") != 0)
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

static void add(struct store *s, int64_t person, const char *day, int32_t h10, const char *rid)
{
	struct ledger_new e = { .person_id = person, .day = day, .hours10 = h10, .category = "thematic",
				.source = "import", .record_id = rid, .title = "专题研修", .issuer = "中心" };
	struct err err = { 0 };

	assert_int_equal(store_begin(s, STORE_WRITE), 0);
	if (ledger_add_entry(s, &e, &centre, NULL, &err) != 0)
		fail_msg("add %s: %s", rid, err.message);
	assert_int_equal(store_commit(s), 0);
}

static int reverse(struct store *s, const char *rid, const char *reason, struct err *err)
{
	int64_t id;
	int rc;

	assert_int_equal(store_begin(s, STORE_WRITE), 0);
	rc = ledger_reverse_entry(s, rid, reason, &centre, &id, err);
	if (rc == 0)
		assert_int_equal(store_commit(s), 0);
	else
		assert_int_equal(store_rollback(s), 0);
	return rc;
}

static void totals_match_the_ledger(struct store *s)
{
	/* no (person, year) where the totals table and the ledger disagree */
	assert_int_equal(fixture_int(s, "SELECT count(*) FROM (SELECT person_id, year, sum(hours10)"
				     " FROM ledger GROUP BY 1, 2 EXCEPT SELECT person_id, year, sum(hours10)"
				     " FROM hours_totals GROUP BY 1, 2)"), 0);
	assert_int_equal(fixture_int(s, "SELECT count(*) FROM (SELECT person_id, year, sum(hours10)"
				     " FROM hours_totals GROUP BY 1, 2 EXCEPT SELECT person_id, year, sum(hours10)"
				     " FROM ledger GROUP BY 1, 2)"), 0);
}

static void reversal_counts_in_the_year_it_reverses(void **state)
{
	struct tmpdb *t = *state;
	struct err err = { 0 };
	struct arena *a = arena_new();
	struct ledger_entry e;
	int32_t totals[3];

	add(t->s, 1, "2025-06-01", 120, "A2025-1");
	add(t->s, 1, "2025-09-01", 80, "A2025-2");
	add(t->s, 1, "2026-03-01", 60, "A2026-1");
	assert_int_equal(ledger_person_years(t->s, 1, 2025, 2027, totals), 0);
	assert_int_equal(totals[0], 200);
	assert_int_equal(totals[1], 60);
	assert_int_equal(totals[2], 0);

	/* reversed today (2026 or later): 2025 goes down, this year does not */
	assert_int_equal(reverse(t->s, "A2025-1", "重复录入", &err), 0);
	assert_int_equal(ledger_person_years(t->s, 1, 2025, 2026, totals), 0);
	assert_int_equal(totals[0], 80);
	assert_int_equal(totals[1], 60);
	assert_int_equal(ledger_entry_get(t->s, a, "RA2025-1", &e, &err), 0);
	assert_int_equal(e.hours10, -120);
	assert_int_equal(e.year, 2025);
	assert_string_equal(e.source, "manual");
	assert_string_equal(e.reverses, "A2025-1");
	assert_string_equal(e.reason, "重复录入");
	assert_string_equal(e.title, "专题研修");
	assert_string_equal(e.author, "centre");
	assert_int_equal(ledger_entry_get(t->s, a, "A2025-1", &e, &err), 0);
	assert_string_equal(e.reversed_by, "RA2025-1");
	totals_match_the_ledger(t->s);
	arena_free(a);
}

static void reversals_are_refused_when_they_should_be(void **state)
{
	struct tmpdb *t = *state;
	struct err err = { 0 };

	add(t->s, 2, "2025-10-01", 45, "B2025-1");
	/* no reason */
	assert_int_equal(reverse(t->s, "B2025-1", "  ", &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "reason");
	/* unknown */
	err = (struct err){ 0 };
	assert_int_equal(reverse(t->s, "no-such", "x", &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	/* once, then never again */
	assert_int_equal(reverse(t->s, "B2025-1", "录错了人", &err), 0);
	err = (struct err){ 0 };
	assert_int_equal(reverse(t->s, "B2025-1", "again", &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	/* a reversal is not reversed: the entry would come back unseen */
	err = (struct err){ 0 };
	assert_int_equal(reverse(t->s, "RB2025-1", "undo", &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	/* the ledger refuses edits whatever the code does */
	assert_true(fixture_exec(t->s, "UPDATE ledger SET hours10 = 1 WHERE record_id = 'B2025-1'") != 0);
	assert_true(fixture_exec(t->s, "DELETE FROM ledger WHERE record_id = 'RB2025-1'") != 0);
	totals_match_the_ledger(t->s);
}

static void the_year_view_lists_both_rows(void **state)
{
	struct tmpdb *t = *state;
	struct arena *a = arena_new();
	struct ledger_year y;
	struct ledger_progress pr;
	struct err err = { 0 };

	assert_int_equal(ledger_person_year(t->s, a, 1, 2025, &y, &err), 0);
	assert_int_equal(y.n, 3);
	assert_int_equal(y.total10, 80);
	/* the reversal right after the entry it reverses */
	assert_string_equal(y.entries[0].record_id, "A2025-1");
	assert_string_equal(y.entries[1].record_id, "RA2025-1");
	assert_string_equal(y.entries[1].reverses, "A2025-1");
	assert_string_equal(y.entries[2].record_id, "A2025-2");
	assert_null(y.entries[2].reversed_by);
	assert_null(y.entries[2].reverses);

	/* the cycle: 2021-2025 for 2025; she served all five years */
	assert_int_equal(ledger_progress(t->s, 1, "2008-09-01", 2025, &pr), 0);
	assert_int_equal(pr.cycle_start, 2021);
	assert_int_equal(pr.cycle_end, 2025);
	assert_int_equal(pr.year10, 80);
	assert_int_equal(pr.cycle10, 80);
	assert_int_equal(pr.yearly_required10, 720);
	assert_int_equal(pr.cycle_required10, 3600);
	/* he entered in September 2024: assessed in 2025 alone of that cycle */
	assert_int_equal(ledger_progress(t->s, 2, "2024-09-01", 2025, &pr), 0);
	assert_int_equal(pr.cycle_required10, 720);
	assert_int_equal(pr.year10, 0);
	arena_free(a);
}

/* The demo's ledger, written with the totals trigger off: its totals
 * still equal the ledger's sums, the switch is gone afterwards, and the
 * demo teacher has her correction. */
static void the_demo_ledger_is_consistent(void **state)
{
	struct tmpdb t;
	struct demo_options o = { .teachers = 600, .seed = 7 };
	struct demo_summary sum;
	struct err err = { 0 };

	(void)state;
	assert_int_equal(fixture_db_open(&t, "demo_ledger"), 0);
	if (demo_create(t.s, &o, &sum, &err) != 0)
		fail_msg("demo: %s", err.message);
	assert_true(fixture_int(t.s, "SELECT count(*) FROM ledger") > 1000);
	assert_int_equal(fixture_int(t.s, "SELECT count(*) FROM settings WHERE key = 'ledger.bulk_import'"), 0);
	totals_match_the_ledger(t.s);
	assert_int_equal(fixture_int(t.s, "SELECT count(*) FROM ledger l JOIN persons p ON p.id = l.person_id"
				     " WHERE l.reverses IS NOT NULL AND p.id_number = (SELECT id_number FROM persons"
				     " WHERE id = (SELECT person_id FROM ledger WHERE record_id LIKE 'RT%'))"), 1);
	/* no one's hours before she entered service */
	assert_int_equal(fixture_int(t.s, "SELECT count(*) FROM ledger l JOIN persons p ON p.id = l.person_id"
				     " WHERE p.service_start IS NOT NULL AND l.year < CAST(substr(p.service_start, 1, 4)"
				     " AS INTEGER)"), 0);
	/* the same seed, the same ledger (on the same day) */
	{
		struct tmpdb u;
		long long a = fixture_int(t.s, "SELECT sum(hours10 * id) FROM ledger");

		assert_int_equal(fixture_db_open(&u, "demo_ledger2"), 0);
		if (demo_create(u.s, &o, &sum, &err) != 0)
			fail_msg("demo: %s", err.message);
		assert_int_equal(fixture_int(u.s, "SELECT sum(hours10 * id) FROM ledger"), a);
		fixture_db_close(&u);
	}
	fixture_db_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reversal_counts_in_the_year_it_reverses),
		cmocka_unit_test(reversals_are_refused_when_they_should_be),
		cmocka_unit_test(the_year_view_lists_both_rows),
		cmocka_unit_test(the_demo_ledger_is_consistent),
	};

	return cmocka_run_group_tests_name("ledger", tests, setup, teardown);
}
