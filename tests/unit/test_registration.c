/* test_registration.c - the outcome of periodic registration
 * (core/registration.c) at every boundary issue 6 §8 names: 71.9 and 72.0
 * hours, service from 1 and from 2 January, 180 and 181 suspended days, a
 * suspension crossing the cycle's first day, approved leave, 基本合格 with
 * the setting on and off, 不确定档次, a missing appraisal, 不合格 in two
 * consecutive and in two separate years, an ethics violation inside and
 * outside the cycle, revocation; and reading the facts from a database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/hours.h"
#include "core/registration.h"
#include "fixture.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/err.h"
#include "store/store.h"

static struct hours_rules rules(void)
{
	struct hours_rules r;

	memset(&r, 0, sizeof r);
	r.yearly10 = 720;
	r.cycle10 = 3600;
	r.cycle_years = 5;
	r.first_cycle = 2021;
	r.suspension_limit_days = 180;
	r.basic_defers = true;
	return r;
}

/* A teacher in service since 2010, 360 hours, qualified every year. */
static struct registration_facts good(void)
{
	struct registration_facts f;

	memset(&f, 0, sizeof f);
	f.cycle_start = 2021;
	f.service_start = "2010-09-01";
	f.role = "teacher";
	f.hours10 = 3600;
	for (int i = 0; i < 5; i++)
		f.appraisal[i] = APPRAISAL_QUALIFIED;
	f.last_ended_year = 2025;
	return f;
}

static const char *reasons(const struct registration_result *r)
{
	static char buf[REG_REASONS_TEXT_MAX];

	return registration_reasons_join(r->reasons, ";", buf);
}

#define EXPECT(f, rl, outcome_, reasons_)                                                     \
	do {                                                                                  \
		struct registration_result res_;                                              \
		registration_decide(&(rl), &(f), &res_);                                      \
		assert_string_equal(registration_outcome_code(res_.outcome), outcome_);       \
		assert_string_equal(reasons(&res_), reasons_);                                \
	} while (0)

static void test_qualified(void **state)
{
	struct hours_rules r = rules();
	struct registration_facts f = good();
	struct registration_result res;

	(void)state;
	registration_decide(&r, &f, &res);
	assert_int_equal(res.outcome, REG_QUALIFIED);
	assert_int_equal(res.reasons, 0);
	assert_int_equal(res.cycle_end, 2025);
	assert_int_equal(res.required10, 3600);
	assert_int_equal(res.hours10, 3600);
}

static void test_hours_boundary(void **state)
{
	struct hours_rules r = rules();
	struct registration_facts f = good();

	(void)state;
	f.hours10 = 3599;
	EXPECT(f, r, "deferred", "hours");
	f.hours10 = 3600;
	EXPECT(f, r, "qualified", "");

	/* entered 2 January 2024: assessed in 2025 only, needs 72 */
	f.service_start = "2024-01-02";
	f.appraisal[0] = f.appraisal[1] = f.appraisal[2] = f.appraisal[3] = APPRAISAL_MISSING;
	f.hours10 = 719;
	EXPECT(f, r, "deferred", "hours");
	f.hours10 = 720;
	EXPECT(f, r, "qualified", "");
	/* entered 1 January 2024: assessed in 2024 and 2025, needs 144, and
	 * 2024 needs an appraisal */
	f.service_start = "2024-01-01";
	f.appraisal[3] = APPRAISAL_QUALIFIED;
	f.hours10 = 1439;
	EXPECT(f, r, "deferred", "hours");
	f.hours10 = 1440;
	EXPECT(f, r, "qualified", "");
	f.appraisal[3] = APPRAISAL_MISSING;
	EXPECT(f, r, "deferred", "no_appraisal");
}

static void test_role_minimum(void **state)
{
	struct hours_rules r = rules();
	struct registration_facts f = good();
	struct registration_result res;

	(void)state;
	r.role_yearly10[4] = 900; /* trainers 90 a year: 450 > 360, the cycle's cap holds */
	f.role = "trainer";
	f.service_start = "2024-01-01";
	f.hours10 = 1800;
	registration_decide(&r, &f, &res);
	assert_int_equal(res.required10, 1800);
	assert_int_equal(res.outcome, REG_QUALIFIED);
	f.role = "teacher";
	registration_decide(&r, &f, &res);
	assert_int_equal(res.required10, 1440);
}

static struct registration_event ev(enum event_kind k, const char *from, const char *to)
{
	struct registration_event e;

	memset(&e, 0, sizeof e);
	e.kind = k;
	snprintf(e.start, sizeof e.start, "%s", from);
	snprintf(e.end, sizeof e.end, "%s", to ? to : "");
	return e;
}

static void test_suspension(void **state)
{
	struct hours_rules r = rules();
	struct registration_facts f = good();
	struct registration_event evs[3];
	struct registration_result res;

	(void)state;
	f.events = evs;
	f.nevents = 1;
	/* 2023-01-01 .. 2023-06-29: 180 days (31+28+31+30+31+29) */
	evs[0] = ev(EVENT_SUSPENSION, "2023-01-01", "2023-06-29");
	registration_decide(&r, &f, &res);
	assert_int_equal(res.suspended_days, 180);
	assert_int_equal(res.outcome, REG_QUALIFIED);
	evs[0] = ev(EVENT_SUSPENSION, "2023-01-01", "2023-06-30");
	registration_decide(&r, &f, &res);
	assert_int_equal(res.suspended_days, 181);
	EXPECT(f, r, "deferred", "suspension");

	/* crossing the cycle's first day: only the days from 2021-01-01 count */
	evs[0] = ev(EVENT_SUSPENSION, "2020-07-01", "2021-06-29"); /* 180 in the cycle */
	registration_decide(&r, &f, &res);
	assert_int_equal(res.suspended_days, 180);
	assert_int_equal(res.outcome, REG_QUALIFIED);
	evs[0] = ev(EVENT_SUSPENSION, "2020-07-01", "2021-06-30");
	registration_decide(&r, &f, &res);
	assert_int_equal(res.suspended_days, 181);
	assert_int_equal(res.outcome, REG_DEFERRED);
	/* and the last day */
	evs[0] = ev(EVENT_SUSPENSION, "2025-07-05", "2026-03-01");
	registration_decide(&r, &f, &res);
	assert_int_equal(res.suspended_days, 180);
	/* wholly outside */
	evs[0] = ev(EVENT_SUSPENSION, "2019-01-01", "2020-12-31");
	registration_decide(&r, &f, &res);
	assert_int_equal(res.suspended_days, 0);

	/* two suspensions add up; overlapping days count once */
	f.nevents = 2;
	evs[0] = ev(EVENT_SUSPENSION, "2022-03-01", "2022-05-31"); /* 92 */
	evs[1] = ev(EVENT_SUSPENSION, "2022-05-01", "2022-07-31"); /* +61 */
	registration_decide(&r, &f, &res);
	assert_int_equal(res.suspended_days, 153);
	evs[1] = ev(EVENT_SUSPENSION, "2024-01-01", "2024-03-31"); /* +91 */
	registration_decide(&r, &f, &res);
	assert_int_equal(res.suspended_days, 183);
	assert_int_equal(res.outcome, REG_DEFERRED);
}

static void test_approved_leave(void **state)
{
	struct hours_rules r = rules();
	struct registration_facts f = good();
	struct registration_event evs[2];
	struct registration_result res;

	(void)state;
	f.events = evs;
	/* a year of maternity leave is no suspension */
	f.nevents = 1;
	evs[0] = ev(EVENT_APPROVED_LEAVE, "2022-01-01", "2022-12-31");
	registration_decide(&r, &f, &res);
	assert_int_equal(res.suspended_days, 0);
	assert_int_equal(res.outcome, REG_QUALIFIED);
	/* a suspension recorded over approved leave: the leave days are not counted */
	f.nevents = 2;
	evs[1] = ev(EVENT_SUSPENSION, "2022-06-01", "2023-01-31");
	registration_decide(&r, &f, &res);
	assert_int_equal(res.suspended_days, 31);
	assert_int_equal(res.outcome, REG_QUALIFIED);
}

static void test_appraisals(void **state)
{
	struct hours_rules r = rules();
	struct registration_facts f = good();

	(void)state;
	/* 基本合格: defers with the setting on, passes with it off */
	f.appraisal[2] = APPRAISAL_BASIC;
	EXPECT(f, r, "deferred", "appraisal");
	r.basic_defers = false;
	EXPECT(f, r, "qualified", "");
	r.basic_defers = true;

	/* 不确定档次 neither passes nor fails, and is no missing appraisal */
	f = good();
	f.appraisal[1] = APPRAISAL_NONE;
	EXPECT(f, r, "qualified", "");

	/* a missing appraisal in an assessed year that has ended */
	f = good();
	f.appraisal[4] = APPRAISAL_MISSING;
	EXPECT(f, r, "deferred", "no_appraisal");
	/* a year not ended yet is not due */
	f.last_ended_year = 2024;
	EXPECT(f, r, "qualified", "");
	/* nor a year before service began */
	f = good();
	f.service_start = "2022-01-02";
	f.appraisal[0] = f.appraisal[1] = APPRAISAL_MISSING;
	EXPECT(f, r, "qualified", "");
	f.appraisal[2] = APPRAISAL_MISSING;
	EXPECT(f, r, "deferred", "no_appraisal");

	/* 不合格 once defers; in two separate years still defers */
	f = good();
	f.appraisal[1] = APPRAISAL_UNQUALIFIED;
	EXPECT(f, r, "deferred", "appraisal");
	f.appraisal[3] = APPRAISAL_UNQUALIFIED;
	EXPECT(f, r, "deferred", "appraisal");
	/* a 不确定档次 year between them breaks the run */
	f.appraisal[2] = APPRAISAL_NONE;
	EXPECT(f, r, "deferred", "appraisal");
	/* two consecutive years refuse */
	f = good();
	f.appraisal[3] = APPRAISAL_UNQUALIFIED;
	f.appraisal[4] = APPRAISAL_UNQUALIFIED;
	EXPECT(f, r, "refused", "appraisal");
	/* and the deferral conditions that also hold are listed */
	f.hours10 = 100;
	f.appraisal[0] = APPRAISAL_MISSING;
	EXPECT(f, r, "refused", "appraisal;hours;no_appraisal");
}

static void test_ethics_and_revocation(void **state)
{
	struct hours_rules r = rules();
	struct registration_facts f = good();
	struct registration_event evs[2];

	(void)state;
	f.events = evs;
	f.nevents = 1;
	evs[0] = ev(EVENT_ETHICS, "2021-01-01", NULL);
	EXPECT(f, r, "refused", "ethics");
	evs[0] = ev(EVENT_ETHICS, "2025-12-31", NULL);
	EXPECT(f, r, "refused", "ethics");
	evs[0] = ev(EVENT_ETHICS, "2020-12-31", NULL);
	EXPECT(f, r, "qualified", "");
	evs[0] = ev(EVENT_ETHICS, "2026-01-01", NULL);
	EXPECT(f, r, "qualified", "");

	evs[0] = ev(EVENT_REVOCATION, "2023-05-01", NULL);
	EXPECT(f, r, "refused", "revoked");
	evs[0] = ev(EVENT_REVOCATION, "2026-01-01", NULL);
	EXPECT(f, r, "qualified", "");

	/* every reason at once, each named once, in the documented order */
	f.nevents = 2;
	evs[0] = ev(EVENT_ETHICS, "2022-02-02", NULL);
	evs[1] = ev(EVENT_REVOCATION, "2022-03-03", NULL);
	f.hours10 = 719;
	f.appraisal[0] = APPRAISAL_UNQUALIFIED;
	f.appraisal[1] = APPRAISAL_UNQUALIFIED;
	f.appraisal[4] = APPRAISAL_MISSING;
	EXPECT(f, r, "refused", "ethics;appraisal;revoked;hours;no_appraisal");
}

static void test_codes(void **state)
{
	unsigned m;
	char buf[REG_REASONS_TEXT_MAX];

	(void)state;
	assert_int_equal(registration_reasons_parse("hours;suspension", &m), 0);
	assert_int_equal(m, REG_HOURS | REG_SUSPENSION);
	assert_string_equal(registration_reasons_join(m, ",", buf), "hours,suspension");
	assert_int_equal(registration_reasons_parse("hours;nonsense", &m), -1);
	assert_int_equal(registration_reasons_parse("", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(appraisal_result_parse("basic"), APPRAISAL_BASIC);
	assert_int_equal(appraisal_result_parse("合格"), -1);
	assert_int_equal(event_kind_parse("approved_leave"), EVENT_APPROVED_LEAVE);
	assert_int_equal(registration_outcome_parse("refused"), REG_REFUSED);
}

static void test_day_start(void **state)
{
	char out[ISO_TIME_LEN];

	(void)state;
	/* stored times are UTC; a day begins at the local midnight */
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_int_equal(clock_day_start_iso("2026-01-02", out), 0);
	assert_string_equal(out, "2026-01-01T16:00:00Z");
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(clock_day_start_iso("2026-01-02", out), 0);
	assert_string_equal(out, "2026-01-02T00:00:00Z");
	assert_int_equal(clock_day_start_iso("2026-13-02", out), -1);
	unsetenv("TZ");
	tzset();
}

static void test_date_days(void **state)
{
	long a, b;

	(void)state;
	assert_int_equal(date_to_days("1970-01-01", &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(date_to_days("2024-02-29", &a), 0);
	assert_int_equal(date_to_days("2024-03-01", &b), 0);
	assert_int_equal(b - a, 1);
	assert_int_equal(date_to_days("2023-02-29", &a), -1);
	assert_int_equal(date_to_days("2023-2-28", &a), -1);
	assert_int_equal(date_to_days("", &a), -1);
	assert_int_equal(date_to_days("2026- 1-05", &a), -1);
	assert_int_equal(date_to_days("2026-+1-05", &a), -1);
	assert_int_equal(date_to_days("2026-01-+5", &a), -1);
}

/* ---- reading the facts from a database ---- */

static int setup(void **state)
{
	struct tmpdb *t = calloc(1, sizeof *t);

	/* 1 all good; 2 short of hours, 2 years 不合格 running; 3 suspended 200
	 * days; 4 left serving in 2026 (still in the report); 5 left in 2025
	 * (not); 6 entered service in 2026 (not); 7 ethics; 8 no appraisal in
	 * 2025; 9 entered 2024-01-02, needs 72 */
	if (!t || fixture_db_open(t, "registration") != 0)
		return -1;
	if (fixture_exec(t->s,
		"INSERT INTO persons (id, id_number, name, gender, birth_date, role, education,"
		" service_start, status) VALUES"
		" (1, '44010019850101002X', '甲', 'female', '1985-01-01', 'teacher', 'bachelor', '2008-09-01', 'serving'),"
		" (2, '440100198601010010', '乙', 'male', '1986-01-01', 'teacher', 'master', '2008-09-01', 'serving'),"
		" (3, '440100198701010011', '丙', 'male', '1987-01-01', 'teacher', 'master', '2008-09-01', 'serving'),"
		" (4, '440100198801010012', '丁', 'male', '1988-01-01', 'teacher', 'master', '2008-09-01', 'left'),"
		" (5, '440100198901010013', '戊', 'male', '1989-01-01', 'teacher', 'master', '2008-09-01', 'left'),"
		" (6, '440100199001010014', '己', 'male', '1990-01-01', 'teacher', 'master', '2026-02-01', 'serving'),"
		" (7, '440100199101010015', '庚', 'male', '1991-01-01', 'teacher', 'master', '2008-09-01', 'serving'),"
		" (8, '440100199201010016', '辛', 'male', '1992-01-01', 'teacher', 'master', '2008-09-01', 'serving'),"
		" (9, '440100199301010017', '壬', 'male', '1993-01-01', 'teacher', 'master', '2024-01-02', 'serving');"
		"INSERT INTO person_history (person_id, at, field, old_value, new_value, actor, source) VALUES"
		" (4, '2026-03-01T08:00:00Z', 'status', 'serving', 'left', 't', 'form'),"
		" (5, '2025-06-01T08:00:00Z', 'status', 'serving', 'left', 't', 'form');"
		"INSERT INTO hours_totals (person_id, year, category, hours10) VALUES"
		" (1, 2021, 'thematic', 720), (1, 2022, 'thematic', 720), (1, 2023, 'online', 720),"
		" (1, 2024, 'thematic', 720), (1, 2025, 'general', 720), (1, 2026, 'general', 999),"
		" (2, 2021, 'thematic', 3599), (2, 2020, 'thematic', 999),"
		" (3, 2022, 'thematic', 3600), (4, 2022, 'thematic', 3600), (5, 2022, 'thematic', 3600),"
		" (6, 2022, 'thematic', 3600), (7, 2022, 'thematic', 3600), (8, 2022, 'thematic', 3600),"
		" (9, 2025, 'thematic', 720);"
		"WITH y(v) AS (VALUES (2021), (2022), (2023), (2024), (2025))"
		" INSERT INTO appraisals (person_id, year, result, entered_by, entered_at)"
		" SELECT p.id, y.v, 'qualified', 't', '2026-01-05' FROM persons p, y"
		" WHERE p.id <> 9 AND NOT (p.id = 8 AND y.v = 2025);"
		"INSERT INTO appraisals (person_id, year, result, entered_by, entered_at) VALUES"
		" (9, 2025, 'excellent', 't', '2026-01-05');"
		"UPDATE appraisals SET result = 'unqualified' WHERE person_id = 2 AND year IN (2023, 2024);"
		"INSERT INTO person_events (person_id, kind, start_date, end_date, entered_by, entered_at) VALUES"
		" (3, 'suspension', '2022-01-01', '2022-07-19', 't', 'x'),"
		" (7, 'ethics', '2024-05-05', NULL, 't', 'x'),"
		" (2, 'approved_leave', '2021-03-01', '2021-08-31', 't', 'x');") != 0)
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

struct seen {
	int n;
	int64_t ids[16];
	struct registration_result r[16];
};

static int collect(void *ctx, const struct registration_row *row)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		s->ids[s->n] = row->person_id;
		s->r[s->n++] = row->r;
	}
	return 0;
}

static void test_from_database(void **state)
{
	struct tmpdb *t = *state;
	struct seen seen = { 0 };
	struct err e = { 0 };
	static const int64_t want_ids[] = { 1, 2, 3, 4, 7, 8, 9 };
	static const char *const want[] = {
		"qualified:", "refused:appraisal;hours", "deferred:suspension", "qualified:",
		"refused:ethics", "deferred:no_appraisal", "qualified:",
	};

	assert_int_equal(registration_each(t->s, NULL, 2021, "2026-11-23", collect, &seen, &e), 0);
	assert_int_equal(seen.n, 7);
	for (int i = 0; i < seen.n; i++) {
		struct registration_result one;
		char got[128], rs[REG_REASONS_TEXT_MAX];

		assert_int_equal(seen.ids[i], want_ids[i]);
		snprintf(got, sizeof got, "%s:%s", registration_outcome_code(seen.r[i].outcome),
			 registration_reasons_join(seen.r[i].reasons, ";", rs));
		assert_string_equal(got, want[i]);
		/* the person-by-person reading agrees with the merged one */
		assert_int_equal(registration_evaluate(t->s, seen.ids[i], 2021, "2026-11-23", &one, &e), 0);
		assert_memory_equal(&one, &seen.r[i], sizeof one);
	}
	assert_int_equal(seen.r[0].hours10, 3600);  /* 2026's hours are not the 2021 cycle's */
	assert_int_equal(seen.r[1].hours10, 3599);
	assert_int_equal(seen.r[2].suspended_days, 200);
	assert_int_equal(seen.r[6].required10, 720);

	/* in 2025 the year 2025 has not ended: person 8 owes no appraisal yet */
	assert_int_equal(registration_evaluate(t->s, 8, 2021, "2025-06-30", &seen.r[0], &e), 0);
	assert_int_equal(seen.r[0].outcome, REG_QUALIFIED);
	/* the setting: 181 days allowed makes person 3 qualified... no: 200 > 199 */
	assert_int_equal(fixture_exec(t->s, "INSERT INTO settings (key, value) VALUES"
				      " ('registration.suspension_limit_days', '200')"), 0);
	assert_int_equal(registration_evaluate(t->s, 3, 2021, "2026-11-23", &seen.r[0], &e), 0);
	assert_int_equal(seen.r[0].outcome, REG_QUALIFIED);
	assert_int_equal(fixture_exec(t->s, "UPDATE settings SET value = '199'"
				      " WHERE key = 'registration.suspension_limit_days'"), 0);
	assert_int_equal(registration_evaluate(t->s, 3, 2021, "2026-11-23", &seen.r[0], &e), 0);
	assert_int_equal(seen.r[0].outcome, REG_DEFERRED);
	assert_int_equal(registration_evaluate(t->s, 999, 2021, "2026-11-23", &seen.r[0], &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qualified),
		cmocka_unit_test(test_hours_boundary),
		cmocka_unit_test(test_role_minimum),
		cmocka_unit_test(test_suspension),
		cmocka_unit_test(test_approved_leave),
		cmocka_unit_test(test_appraisals),
		cmocka_unit_test(test_ethics_and_revocation),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_date_days),
		cmocka_unit_test(test_day_start),
		cmocka_unit_test_setup_teardown(test_from_database, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
