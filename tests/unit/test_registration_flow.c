/* test_registration_flow.c - the re-registration workflow's states on a
 * real database (core/registration_flow.c): the due cycle; apply, agree,
 * return, withdraw, decide and what each state allows; applying again
 * after returned (at once) and after deferred (only once qualified); two
 * deciders at the same moment on two connections (one decision); a batch
 * that skips one no longer qualified; the 公示 dates and the list of what
 * is posted on a day; every step in the audit log. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/registration_flow.h"
#include "fixture.h"
#include "store/store.h"

#define TODAY "2026-11-23"
#define NOW "2026-11-23T08:00:00Z"

static const struct actor teacher = { 0, "t1", NULL };
static const struct actor school = { 0, "school", NULL };
static const struct actor centre = { 0, "centre", NULL };

/* Person 1 and 2 (school A, district 440106), 3 (school B, 440106), 4
 * (school C, 440111).  1, 3 and 4 qualify for 2021; 2 has no hours. */
static int setup(void **state)
{
	struct tmpdb *t = calloc(1, sizeof *t);

	if (!t || fixture_db_open(t, "regflow") != 0)
		return -1;
	if (fixture_exec(t->s,
		"INSERT INTO regions (code, name, level, parent_code) VALUES"
		" ('440000', '广东省', 'province', NULL), ('440100', '广州市', 'city', '440000'),"
		" ('440106', '天河区', 'district', '440100'), ('440111', '白云区', 'district', '440100');"
		"INSERT INTO schools (id, code, name, district_code, stage, ownership) VALUES"
		" (1, '2144010601', '甲小学', '440106', 'primary', 'public'),"
		" (2, '2144010602', '乙小学', '440106', 'primary', 'public'),"
		" (3, '2144011101', '丙小学', '440111', 'primary', 'public');"
		"INSERT INTO persons (id, id_number, name, gender, birth_date, role, education,"
		" service_start, status, school_id) VALUES"
		" (1, '44010019850101002X', '甲', 'female', '1985-01-01', 'teacher', 'bachelor', '2008-09-01', 'serving', 1),"
		" (2, '440100198601010010', '乙', 'male', '1986-01-01', 'teacher', 'master', '2008-09-01', 'serving', 1),"
		" (3, '440100198701010011', '丙', 'male', '1987-01-01', 'teacher', 'master', '2008-09-01', 'serving', 2),"
		" (4, '440100198801010012', '丁', 'male', '1988-01-01', 'teacher', 'master', '2008-09-01', 'serving', 3);"
		"INSERT INTO hours_totals (person_id, year, category, hours10) VALUES"
		" (1, 2022, 'thematic', 3600), (3, 2022, 'thematic', 3600), (4, 2022, 'thematic', 3600);"
		"WITH y(v) AS (VALUES (2021), (2022), (2023), (2024), (2025))"
		" INSERT INTO appraisals (person_id, year, result, entered_by, entered_at)"
		" SELECT p.id, y.v, 'qualified', 't', '2026-01-05' FROM persons p, y;") != 0)
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

static const char *state_of(struct store *s, int64_t id)
{
	static char out[16];
	struct stmt *st;

	out[0] = '\0';
	assert_int_equal(store_prepare(s, "SELECT state FROM registration_applications WHERE id = ?", &st), 0);
	stmt_bind_int(st, 1, id);
	if (stmt_step(st) == STORE_ROW)
		snprintf(out, sizeof out, "%s", stmt_text(st, 0));
	stmt_done(st);
	return out;
}

static void test_cycle_due(void **state)
{
	struct hours_rules r;

	(void)state;
	memset(&r, 0, sizeof r);
	r.cycle_years = 5;
	r.first_cycle = 2021;
	assert_int_equal(regflow_cycle(&r, "2026-11-23"), 2021);
	assert_int_equal(regflow_cycle(&r, "2026-01-01"), 2021);
	assert_int_equal(regflow_cycle(&r, "2030-12-31"), 2021);
	assert_int_equal(regflow_cycle(&r, "2031-01-01"), 2026);
}

static void test_publicity_dates(void **state)
{
	struct regflow_app a = { .state = "decided", .posted_at = "2026-12-28" };
	char d[11];

	(void)state;
	regflow_final_date("2026-11-23", d);
	assert_string_equal(d, "2026-11-30");
	regflow_final_date("2024-02-26", d);  /* a leap year's 29 February */
	assert_string_equal(d, "2024-03-04");
	regflow_final_date("", d);
	assert_string_equal(d, "");
	regflow_final_date(a.posted_at, a.final_date);
	assert_string_equal(a.final_date, "2027-01-04");
	/* under 公示 from the posting day through the 7th day; final on the 8th */
	assert_int_equal(regflow_publicity(&a, "2026-12-28"), REGFLOW_POSTED);
	assert_int_equal(regflow_publicity(&a, "2027-01-03"), REGFLOW_POSTED);
	assert_int_equal(regflow_publicity(&a, "2027-01-04"), REGFLOW_FINAL);
	a.state = "agreed";
	assert_int_equal(regflow_publicity(&a, "2027-01-04"), REGFLOW_NOT_POSTED);
}

static void test_state_machine(void **state)
{
	struct tmpdb *t = *state;
	struct regflow_check chk;
	struct registration_result r;
	struct regflow_decision d = { .district_code = "440106", .note = "ok" };
	struct regflow_app app;
	struct arena *a = arena_new();
	struct err e = { 0 };
	int64_t id, id2;
	bool decided;

	assert_int_equal(regflow_apply_check(t->s, 1, 2021, TODAY, &chk, &e), 0);
	assert_int_equal(chk.may, REGFLOW_MAY_APPLY);
	assert_int_equal(chk.now.outcome, REG_QUALIFIED);
	/* no school, no one to review it: refused; no such person: not found */
	assert_int_equal(fixture_exec(t->s, "INSERT INTO persons (id, id_number, name, gender, birth_date,"
				      " role, education, service_start, status) VALUES (9, '440100199301010017',"
				      " '壬', 'male', '1993-01-01', 'trainer', 'master', '2008-09-01', 'serving')"), 0);
	assert_int_equal(regflow_apply(t->s, &teacher, 9, 2021, "", TODAY, NOW, &id, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(regflow_apply(t->s, &teacher, 99, 2021, "", TODAY, NOW, &id, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(fixture_int(t->s, "SELECT count(*) FROM registration_applications"), 0);
	assert_int_equal(regflow_apply(t->s, &teacher, 1, 2021, "请审核", TODAY, NOW, &id, &e), 0);
	assert_string_equal(state_of(t->s, id), "applied");
	/* one under way */
	assert_int_equal(regflow_apply(t->s, &teacher, 1, 2021, "", TODAY, NOW, &id2, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(regflow_apply_check(t->s, 1, 2021, TODAY, &chk, &e), 0);
	assert_int_equal(chk.may, REGFLOW_UNDER_WAY);
	assert_int_equal(chk.open_id, id);

	/* not agreed yet: the centre cannot decide */
	assert_int_equal(regflow_decide(t->s, &centre, id, &d, TODAY, NOW, &r, &decided, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	/* another school's admin: not found; a return needs a comment */
	assert_int_equal(regflow_agree(t->s, &school, id, "2144010602", NOW, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(regflow_return(t->s, &school, id, "2144010601", " \n", NOW, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "comment");
	assert_int_equal(regflow_agree(t->s, &school, id, "2144010601", NOW, &e), 0);
	assert_string_equal(state_of(t->s, id), "agreed");
	assert_int_equal(regflow_agree(t->s, &school, id, "2144010601", NOW, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	/* agreed: no withdrawing now */
	assert_int_equal(regflow_withdraw(t->s, &teacher, id, 1, NOW, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);

	/* another district's centre does not see it */
	d.district_code = "440111";
	assert_int_equal(regflow_decide(t->s, &centre, id, &d, TODAY, NOW, &r, &decided, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	d.district_code = "440106";
	assert_int_equal(regflow_decide(t->s, &centre, id, &d, TODAY, NOW, &r, &decided, &e), 0);
	assert_true(decided);
	assert_int_equal(r.outcome, REG_QUALIFIED);
	assert_int_equal(regflow_get(t->s, a, id, &app), 0);
	assert_string_equal(app.state, "decided");
	assert_string_equal(app.outcome, "qualified");
	assert_int_equal(app.hours10, 3600);
	assert_int_equal(app.required10, 3600);
	assert_string_equal(app.posted_at, TODAY);
	assert_string_equal(app.final_date, "2026-11-30");
	assert_string_equal(app.decided_by, "centre");
	assert_string_equal(app.decision_note, "ok");
	assert_int_equal(app.batch_id, 0);

	/* a qualified decision ends the cycle */
	assert_int_equal(regflow_apply(t->s, &teacher, 1, 2021, "", TODAY, NOW, &id2, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_int_equal(fixture_int(t->s, "SELECT count(*) FROM audit_log WHERE action IN"
				     " ('registration.apply', 'registration.agree', 'registration.decide')"
				     " AND object LIKE 'registration:%/person:4401**********002X'"), 3);
	arena_free(a);
}

static void test_apply_again(void **state)
{
	struct tmpdb *t = *state;
	struct regflow_check chk;
	struct registration_result r;
	struct regflow_decision d = { .district_code = "440106" };
	struct err e = { 0 };
	int64_t id;
	bool decided;

	/* withdrawn, then returned: each time again at once */
	assert_int_equal(regflow_apply(t->s, &teacher, 2, 2021, "", TODAY, NOW, &id, &e), 0);
	assert_int_equal(regflow_withdraw(t->s, &teacher, id, 1, NOW, &e), -1); /* not hers */
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(regflow_withdraw(t->s, &teacher, id, 2, NOW, &e), 0);
	assert_string_equal(state_of(t->s, id), "withdrawn");
	assert_int_equal(regflow_apply(t->s, &teacher, 2, 2021, "", TODAY, NOW, &id, &e), 0);
	assert_int_equal(regflow_return(t->s, &school, id, "2144010601", "缺学时证明", NOW, &e), 0);
	assert_string_equal(state_of(t->s, id), "returned");
	assert_int_equal(regflow_apply(t->s, &teacher, 2, 2021, "", TODAY, NOW, &id, &e), 0);
	assert_int_equal(regflow_agree(t->s, &school, id, "2144010601", NOW, &e), 0);
	/* no hours: deferred, with the reason */
	assert_int_equal(regflow_decide(t->s, &centre, id, &d, TODAY, NOW, &r, &decided, &e), 0);
	assert_int_equal(r.outcome, REG_DEFERRED);
	assert_int_equal(r.reasons, REG_HOURS);
	/* deferred: not again until the conditions hold */
	assert_int_equal(regflow_apply_check(t->s, 2, 2021, TODAY, &chk, &e), 0);
	assert_int_equal(chk.may, REGFLOW_NOT_MET);
	assert_int_equal(regflow_apply(t->s, &teacher, 2, 2021, "", TODAY, NOW, &id, &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_non_null(strstr(e.message, "hours"));
	/* the hours come in: now she may */
	assert_int_equal(fixture_exec(t->s, "INSERT INTO hours_totals (person_id, year, category, hours10)"
				      " VALUES (2, 2025, 'general', 3600)"), 0);
	assert_int_equal(regflow_apply_check(t->s, 2, 2021, TODAY, &chk, &e), 0);
	assert_int_equal(chk.may, REGFLOW_MAY_APPLY);
	assert_int_equal(regflow_apply(t->s, &teacher, 2, 2021, "", TODAY, NOW, &id, &e), 0);
	assert_int_equal(fixture_int(t->s, "SELECT count(*) FROM registration_applications WHERE person_id = 2"),
			 4);  /* withdrawn, returned, deferred, applied: the history stays */
}

/* Two admins decide the same application at the same moment, each on
 * her own connection: one decision, the other told it moved on. */
struct racer {
	const char *path;
	int64_t id;
	int rc;
	bool decided;
	struct err e;
	pthread_barrier_t *start;
};

static void *race(void *arg)
{
	struct racer *rc = arg;
	struct store *s = NULL;
	struct regflow_decision d = { .district_code = "440106" };
	struct registration_result r;

	if (store_open(&s, rc->path, 0, &rc->e) < 0) {
		rc->rc = -2;
		return NULL;
	}
	pthread_barrier_wait(rc->start);
	rc->rc = regflow_decide(s, &centre, rc->id, &d, TODAY, NOW, &r, &rc->decided, &rc->e);
	store_close(s);
	return NULL;
}

static void test_concurrent_decision(void **state)
{
	struct tmpdb *t = *state;
	struct err e = { 0 };
	pthread_barrier_t start;
	pthread_t th[2];
	struct racer rc[2];
	int64_t id;

	assert_int_equal(regflow_apply(t->s, &teacher, 3, 2021, "", TODAY, NOW, &id, &e), 0);
	assert_int_equal(regflow_agree(t->s, &school, id, "2144010602", NOW, &e), 0);
	pthread_barrier_init(&start, NULL, 2);
	for (int i = 0; i < 2; i++) {
		rc[i] = (struct racer){ .path = t->path, .id = id, .start = &start };
		assert_int_equal(pthread_create(&th[i], NULL, race, &rc[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&start);
	assert_int_equal((rc[0].rc == 0) + (rc[1].rc == 0), 1);
	assert_int_equal(rc[0].rc == 0 ? rc[1].e.code : rc[0].e.code, ERR_CONFLICT);
	assert_string_equal(state_of(t->s, id), "decided");
	assert_int_equal(fixture_int(t->s, "SELECT count(*) FROM audit_log WHERE action = 'registration.decide'"
				     " AND object LIKE 'registration:%/person:4401**********0011'"), 1);
}

/* The batch: person 4 (440111) qualified and agreed; person 5 agreed but
 * an ethics violation entered after she applied: skipped, left agreed. */
static void test_batch_skips_the_no_longer_qualified(void **state)
{
	struct tmpdb *t = *state;
	struct regflow_batch b;
	struct arena *a = arena_new();
	struct err e = { 0 };
	int64_t id4, id5, batch;

	assert_int_equal(fixture_exec(t->s,
		"INSERT INTO persons (id, id_number, name, gender, birth_date, role, education,"
		" service_start, status, school_id) VALUES"
		" (5, '440100198901010013', '戊', 'male', '1989-01-01', 'teacher', 'master', '2008-09-01', 'serving', 3);"
		"INSERT INTO hours_totals (person_id, year, category, hours10) VALUES (5, 2023, 'thematic', 3600);"
		"WITH y(v) AS (VALUES (2021), (2022), (2023), (2024), (2025))"
		" INSERT INTO appraisals (person_id, year, result, entered_by, entered_at)"
		" SELECT 5, y.v, 'excellent', 't', '2026-01-05' FROM y;"), 0);
	assert_int_equal(regflow_apply(t->s, &teacher, 4, 2021, "", TODAY, NOW, &id4, &e), 0);
	assert_int_equal(regflow_apply(t->s, &teacher, 5, 2021, "", TODAY, NOW, &id5, &e), 0);
	assert_int_equal(regflow_agree(t->s, &school, id4, "2144011101", NOW, &e), 0);
	assert_int_equal(regflow_agree(t->s, &school, id5, "2144011101", NOW, &e), 0);
	assert_int_equal(fixture_exec(t->s, "INSERT INTO person_events (person_id, kind, start_date,"
				      " entered_by, entered_at) VALUES (5, 'ethics', '2025-04-01', 't', 'x')"), 0);

	/* another district's batch touches neither */
	assert_int_equal(regflow_batch_start(t->s, &centre, 2021, "440106", NOW, &batch, &e), 0);
	assert_int_equal(regflow_batch_run(t->s, batch, TODAY, NULL, &e), 0);
	assert_int_equal(regflow_batch_get(t->s, a, batch, &b), 0);
	assert_int_equal(b.total, 0);
	assert_string_equal(b.state, "done");

	assert_int_equal(regflow_batch_start(t->s, &centre, 2021, "440111", NOW, &batch, &e), 0);
	assert_int_equal(regflow_batch_get(t->s, a, batch, &b), 0);
	assert_string_equal(b.state, "running");
	assert_int_equal(regflow_batch_run(t->s, batch, TODAY, NULL, &e), 0);
	assert_int_equal(regflow_batch_get(t->s, a, batch, &b), 0);
	assert_string_equal(b.state, "done");
	assert_int_equal(b.progress, 1000);
	assert_int_equal(b.total, 2);
	assert_int_equal(b.decided, 1);
	assert_int_equal(b.skipped, 1);
	assert_string_equal(b.scope, "440111");
	assert_string_equal(state_of(t->s, id4), "decided");
	assert_string_equal(state_of(t->s, id5), "agreed");
	assert_int_equal(fixture_int(t->s, "SELECT count(*) FROM registration_applications"
				     " WHERE batch_id IS NOT NULL AND outcome = 'qualified'"), 1);
	/* one by one, the centre still decides her: refused, ethics */
	{
		struct regflow_decision d = { .district_code = "440111" };
		struct registration_result r;
		bool decided;

		assert_int_equal(regflow_decide(t->s, &centre, id5, &d, TODAY, NOW, &r, &decided, &e), 0);
		assert_int_equal(r.outcome, REG_REFUSED);
		assert_int_equal(r.reasons, REG_ETHICS);
	}
	/* a running batch no thread runs: interrupted */
	assert_int_equal(regflow_batch_start(t->s, &centre, 2021, "440111", NOW, &batch, &e), 0);
	assert_int_equal(regflow_batch_interrupted(t->s, batch, NOW), 0);
	assert_int_equal(regflow_batch_get(t->s, a, batch, &b), 0);
	assert_string_equal(b.state, "failed");
	assert_string_equal(b.message, "interrupted");
	arena_free(a);
}

/* What is under 公示 on a day, for a school. */
static void test_posted_list(void **state)
{
	struct tmpdb *t = *state;
	struct regflow_filter f = { .school_code = "2144011101", .posted_on = TODAY };
	struct regflow_app *items;
	struct arena *a = arena_new();
	int n;

	assert_int_equal(regflow_list(t->s, a, &f, &items, &n), 0);
	assert_int_equal(n, 2);  /* persons 4 and 5, both decided today */
	f.posted_on = "2026-11-29";
	assert_int_equal(regflow_list(t->s, a, &f, &items, &n), 0);
	assert_int_equal(n, 2);
	f.posted_on = "2026-11-30";
	assert_int_equal(regflow_list(t->s, a, &f, &items, &n), 0);
	assert_int_equal(n, 0);
	f.posted_on = "2026-11-22";
	assert_int_equal(regflow_list(t->s, a, &f, &items, &n), 0);
	assert_int_equal(n, 0);
	f.posted_on = TODAY;
	f.school_code = "2144010601";
	assert_int_equal(regflow_list(t->s, a, &f, &items, &n), 0);
	/* person 1 qualified, person 2 deferred */
	assert_int_equal(n, 2);
	assert_string_equal(items[0].name, "甲");
	assert_string_equal(items[1].outcome, "deferred");
	assert_int_equal(items[1].reasons, REG_HOURS);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycle_due),
		cmocka_unit_test(test_publicity_dates),
		cmocka_unit_test(test_state_machine),
		cmocka_unit_test(test_apply_again),
		cmocka_unit_test(test_concurrent_decision),
		cmocka_unit_test(test_batch_skips_the_no_longer_qualified),
		cmocka_unit_test(test_posted_list),
	};

	return cmocka_run_group_tests_name("registration_flow", tests, setup, teardown);
}
