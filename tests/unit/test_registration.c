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
#include <string.h>

#include <cmocka.h>

#include "core/hours.h"
#include "core/registration.h"
#include "fixture.h"
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
