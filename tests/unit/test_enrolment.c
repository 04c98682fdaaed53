/* test_enrolment.c - core/enrolment.c on a small hand-made city: capacity
 * and the waiting list in arrival order, withdrawal with promotion,
 * enrolling twice, school quotas and their release, the window, the
 * audience, and who may enrol whom. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "core/enrolment.h"
#include "fixture.h"
#include "lib/err.h"
#include "store/store.h"

#define TODAY "2026-06-01"
#define NOW "2026-06-01T08:00:00Z"

/* Two districts of one city; a district centre (440106) and the municipal
 * kindergarten centre; S1 primary and S2 junior in 440106, S3 a
 * kindergarten in 440105.  Persons 1-15 at S1, 16-30 at S2, 31-40 at S3. */
static const char city[] =
	"INSERT INTO regions VALUES ('440000', '广东省', 'province', NULL);"
	"INSERT INTO regions VALUES ('440100', '广州市', 'city', '440000');"
	"INSERT INTO regions VALUES ('440106', '天河区', 'district', '440100');"
	"INSERT INTO regions VALUES ('440105', '海珠区', 'district', '440100');"
	"INSERT INTO centres (id, code, name, kind, region_code, domain) VALUES"
	" (1, '440106', '天河区教师发展中心', 'district', '440106', NULL),"
	" (2, 'gz-yey', '广州市幼儿教师发展中心', 'municipal', '440100', 'kindergarten');"
	"INSERT INTO schools (id, code, name, district_code, stage, ownership) VALUES"
	" (1, '2144010001', '天河一小', '440106', 'primary', 'public'),"
	" (2, '3144010002', '天河二中', '440106', 'junior', 'public'),"
	" (3, '1144010003', '海珠幼儿园', '440105', 'kindergarten', 'public');"
	"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)"
	" INSERT INTO persons (id, id_number, name, gender, birth_date, school_id, role, subject,"
	"  education) SELECT i, printf('44010619800101%04d', i), '教师' || i, 'female', '1980-01-01',"
	"  CASE WHEN i <= 15 THEN 1 WHEN i <= 30 THEN 2 ELSE 3 END, 'teacher',"
	"  CASE WHEN i % 2 = 0 THEN 'math' ELSE 'chinese' END, 'bachelor' FROM n;";

static struct tmpdb db;

static int setup(void **state)
{
	(void)state;
	if (fixture_db_open(&db, "enrolment") != 0)
		return -1;
	return fixture_exec(db.s, city) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fixture_db_close(&db);
	return 0;
}

/* A new programme of centre 1 (or 2), published, the window around TODAY. */
static void programme(const char *code, int centre, int capacity, const char *status,
		      const char *open, const char *close, struct enrol_programme *pg,
		      struct arena *a)
{
	char sql[1024];

	snprintf(sql, sizeof sql,
		 "INSERT INTO programmes (code, title, centre_id, category, hours10, capacity,"
		 " enrol_open, enrol_close, status, created_at, created_by) VALUES"
		 " ('%s', '项目 %s', %d, 'thematic', 240, %d, '%s', '%s', '%s', '" NOW "', 'test')",
		 code, code, centre, capacity, open, close, status);
	assert_int_equal(fixture_exec(db.s, sql), 0);
	assert_int_equal(enrolment_programme_get(db.s, a, code, pg), 0);
}

static void open_programme(const char *code, int capacity, struct enrol_programme *pg, struct arena *a)
{
	programme(code, 1, capacity, "published", "2026-05-01", "2026-06-30", pg, a);
}

static struct principal teacher(int64_t person)
{
	struct principal p = { .account_id = 100 + person, .role = ROLE_TEACHER, .person_id = person };

	snprintf(p.login, sizeof p.login, "t%lld", (long long)person);
	return p;
}

static struct principal school_admin(const char *code)
{
	struct principal p = { .account_id = 2, .role = ROLE_SCHOOL_ADMIN };

	snprintf(p.login, sizeof p.login, "school");
	snprintf(p.scope, sizeof p.scope, "%s", code);
	snprintf(p.region_code, sizeof p.region_code, "440106");
	return p;
}

static struct principal centre_admin(void)
{
	struct principal p = { .account_id = 3, .role = ROLE_CENTRE_ADMIN };

	snprintf(p.login, sizeof p.login, "centre");
	snprintf(p.scope, sizeof p.scope, "440106");
	snprintf(p.region_code, sizeof p.region_code, "440106");
	snprintf(p.centre_kind, sizeof p.centre_kind, "district");
	return p;
}

static struct principal sysadmin(void)
{
	struct principal p = { .account_id = 1, .role = ROLE_SYSADMIN };

	snprintf(p.login, sizeof p.login, "admin");
	return p;
}

static const struct actor by = { 0, "test", NULL };

/* Enrols and expects success: the status and the position. */
static void enrol_ok(const struct principal *who, const struct enrol_programme *pg, int64_t person,
		     const char *status, int position)
{
	struct enrol_result res;
	struct err err = { 0 };

	if (enrolment_enrol(db.s, who, &by, pg, person, TODAY, NOW, &res, &err) != 0)
		fail_msg("person %lld in %s: %s", (long long)person, pg->code, err.message);
	if (strcmp(res.status, status) || res.position != position)
		fail_msg("person %lld in %s: %s %d, expected %s %d", (long long)person, pg->code,
			 res.status, res.position, status, position);
}

static void enrol_refused(const struct principal *who, const struct enrol_programme *pg,
			  int64_t person, enum err_code want)
{
	struct enrol_result res;
	struct err err = { 0 };

	if (enrolment_enrol(db.s, who, &by, pg, person, TODAY, NOW, &res, &err) == 0)
		fail_msg("person %lld in %s: enrolled (%s), expected a refusal", (long long)person,
			 pg->code, res.status);
	if (err.code != want)
		fail_msg("person %lld in %s: error %d (%s), expected %d", (long long)person, pg->code,
			 err.code, err.message, want);
}

/* The status and position of a person in the programme's list. */
static void expect_row(struct arena *a, const struct enrol_programme *pg, int64_t person,
		       const char *status, int position)
{
	struct enrolment_row *rows;
	int n;

	assert_int_equal(enrolment_list(db.s, a, pg->id, &rows, &n), 0);
	for (int i = 0; i < n; i++)
		if (rows[i].person_id == person) {
			if (strcmp(rows[i].status, status) || rows[i].position != position)
				fail_msg("person %lld: %s %d, expected %s %d", (long long)person,
					 rows[i].status, rows[i].position, status, position);
			return;
		}
	fail_msg("person %lld is not in the list of %s", (long long)person, pg->code);
}

static void capacity_and_waiting_list(void **state)
{
	struct arena *a = arena_new();
	struct enrol_programme pg;
	struct withdraw_result w;
	struct err err = { 0 };
	struct counts c;

	(void)state;
	open_programme("cap3", 3, &pg, a);
	for (int64_t p = 1; p <= 5; p++) {
		struct principal t = teacher(p);

		enrol_ok(&t, &pg, p, p <= 3 ? "seated" : "waiting", p <= 3 ? (int)p : (int)p - 3);
	}
	assert_int_equal(enrolment_counts(db.s, &pg, &c), 0);
	assert_int_equal(c.seated, 3);
	assert_int_equal(c.waiting, 2);

	/* the second withdraws: the first in line (person 4) takes her seat */
	{
		struct principal t = teacher(2);

		assert_int_equal(enrolment_withdraw(db.s, &t, &by, &pg, 2, NOW, &w, &err), 0);
	}
	assert_int_equal(w.promoted_person_id, 4);
	assert_string_equal(w.promoted_id_number, "440106198001010004");
	expect_row(a, &pg, 1, "seated", 1);
	expect_row(a, &pg, 3, "seated", 2);
	expect_row(a, &pg, 4, "seated", 3);
	expect_row(a, &pg, 5, "waiting", 1);
	assert_int_equal(fixture_int(db.s, "SELECT promoted FROM enrolments WHERE person_id = 4"
				     " AND status = 'seated'"), 1);
	assert_int_equal(fixture_int(db.s, "SELECT count(*) FROM enrolments WHERE person_id = 4"
				     " AND seated_at IS NOT NULL"), 1);

	/* a waiting person withdraws: nobody moves up, the line closes */
	{
		struct principal t = teacher(6);

		enrol_ok(&t, &pg, 6, "waiting", 2);
		t = teacher(5);
		assert_int_equal(enrolment_withdraw(db.s, &t, &by, &pg, 5, NOW, &w, &err), 0);
		assert_int_equal(w.promoted_person_id, 0);
	}
	expect_row(a, &pg, 6, "waiting", 1);
	assert_int_equal(enrolment_counts(db.s, &pg, &c), 0);
	assert_int_equal(c.seated, 3);
	assert_int_equal(c.waiting, 1);

	/* withdrawing twice: not enrolled */
	{
		struct principal t = teacher(5);

		assert_int_not_equal(enrolment_withdraw(db.s, &t, &by, &pg, 5, NOW, &w, &err), 0);
		assert_int_equal(err.code, ERR_NOT_FOUND);
	}
	/* the audit log has every step */
	assert_int_equal(fixture_int(db.s, "SELECT count(*) FROM audit_log WHERE action = 'enrolment.enrol'"
				     " AND object LIKE 'programme:cap3/%'"), 6);
	assert_int_equal(fixture_int(db.s, "SELECT count(*) FROM audit_log WHERE action = 'enrolment.withdraw'"
				     " AND object LIKE 'programme:cap3/%'"), 2);
	arena_free(a);
}

static void enrolling_twice_is_a_conflict(void **state)
{
	struct arena *a = arena_new();
	struct enrol_programme pg;
	struct withdraw_result w;
	struct err err = { 0 };
	struct principal t = teacher(7), sa = school_admin("2144010001");

	(void)state;
	open_programme("twice", 2, &pg, a);
	enrol_ok(&t, &pg, 7, "seated", 1);
	enrol_refused(&t, &pg, 7, ERR_CONFLICT);
	enrol_refused(&sa, &pg, 7, ERR_CONFLICT); /* nominated too: still once */
	assert_int_equal(fixture_int(db.s, "SELECT count(*) FROM enrolments e JOIN programmes g"
				     " ON g.id = e.programme_id WHERE g.code = 'twice'"), 1);
	/* after withdrawing, enrolling again is a new row at the back */
	assert_int_equal(enrolment_withdraw(db.s, &t, &by, &pg, 7, NOW, &w, &err), 0);
	enrol_ok(&sa, &pg, 8, "seated", 1);
	enrol_ok(&sa, &pg, 9, "seated", 2);
	enrol_ok(&t, &pg, 7, "waiting", 1);
	arena_free(a);
}

static void quotas_and_their_release(void **state)
{
	struct arena *a = arena_new();
	struct enrol_programme pg;
	struct withdraw_result w;
	struct err err = { 0 };
	struct principal admin = sysadmin(), s1 = school_admin("2144010001");
	struct quota_set q1[] = { { "2144010001", 2 } };
	struct quota_set too_many[] = { { "2144010001", 3 } };
	struct quota_row *qr;
	struct counts c;
	int nq, promoted;

	(void)state;
	/* 4 seats, 2 of them kept for S1: the open pool has 2 */
	open_programme("quota", 4, &pg, a);
	assert_int_equal(enrolment_set_quotas(db.s, &admin, &by, &pg, q1, 1, NOW, &err), 0);
	enrol_ok(&s1, &pg, 1, "seated", 1);
	enrol_ok(&s1, &pg, 2, "seated", 2);
	assert_int_equal(fixture_int(db.s, "SELECT count(*) FROM enrolments WHERE quota_school_id = 1"
				     " AND status = 'seated'"), 2);
	/* beyond its quota, S1's nominee takes the open pool */
	enrol_ok(&s1, &pg, 3, "seated", 3);
	{
		struct principal t = teacher(16);

		enrol_ok(&t, &pg, 16, "seated", 4);
		t = teacher(17);
		enrol_ok(&t, &pg, 17, "waiting", 1);
	}
	enrol_ok(&s1, &pg, 4, "waiting", 2);
	assert_int_equal(enrolment_quotas(db.s, a, pg.id, &qr, &nq), 0);
	assert_int_equal(nq, 1);
	assert_int_equal(qr[0].places, 2);
	assert_int_equal(qr[0].used, 2);
	/* more places than the seats nobody holds in the open pool: refused */
	assert_int_not_equal(enrolment_set_quotas(db.s, &admin, &by, &pg, too_many, 1, NOW, &err), 0);
	assert_int_equal(err.code, ERR_INVALID);
	/* a freed quota seat goes back to S1: her first waiting nominee, not
	 * the first in line, who enrolled herself */
	assert_int_equal(enrolment_withdraw(db.s, &s1, &by, &pg, 1, NOW, &w, &err), 0);
	assert_int_equal(w.promoted_person_id, 4);
	expect_row(a, &pg, 17, "waiting", 1);
	assert_int_equal(fixture_int(db.s, "SELECT quota_school_id FROM enrolments WHERE person_id = 4"
				     " AND status = 'seated' AND programme_id = (SELECT id FROM programmes"
				     " WHERE code = 'quota')"), 1);

	/* release: a second programme where S2's quota goes unclaimed */
	{
		struct enrol_programme pg2;
		struct quota_set q2[] = { { "2144010001", 1 }, { "3144010002", 2 } };
		struct principal t31 = teacher(31), t32 = teacher(32), t33 = teacher(33);

		open_programme("release", 4, &pg2, a);
		assert_int_equal(enrolment_set_quotas(db.s, &admin, &by, &pg2, q2, 2, NOW, &err), 0);
		enrol_ok(&t31, &pg2, 31, "seated", 1);   /* the one open seat */
		enrol_ok(&t32, &pg2, 32, "waiting", 1);
		enrol_ok(&t33, &pg2, 33, "waiting", 2);
		enrol_ok(&s1, &pg2, 5, "seated", 2);     /* S1's quota place */
		assert_int_equal(enrolment_release_quotas(db.s, &admin, &by, &pg2, NOW, &promoted, &err), 0);
		assert_int_equal(promoted, 2);
		/* positions follow arrival, not the time of seating */
		expect_row(a, &pg2, 32, "seated", 2);
		expect_row(a, &pg2, 33, "seated", 3);
		expect_row(a, &pg2, 5, "seated", 4);
		assert_int_equal(enrolment_counts(db.s, &pg2, &c), 0);
		assert_int_equal(c.seated, 4);
		assert_int_equal(c.waiting, 0);
		/* released once only, and quotas no longer change */
		assert_int_not_equal(enrolment_release_quotas(db.s, &admin, &by, &pg2, NOW, &promoted, &err), 0);
		assert_int_not_equal(enrolment_set_quotas(db.s, &admin, &by, &pg2, q2, 2, NOW, &err), 0);
		/* after release a freed quota seat is an open seat: first in line */
		{
			struct principal t34 = teacher(34);

			enrol_ok(&t34, &pg2, 34, "waiting", 1);
			assert_int_equal(enrolment_withdraw(db.s, &s1, &by, &pg2, 5, NOW, &w, &err), 0);
			assert_int_equal(w.promoted_person_id, 34);
		}
		assert_int_equal(fixture_int(db.s, "SELECT count(*) FROM audit_log"
					     " WHERE action = 'enrolment.release'"), 1);
		assert_true(fixture_int(db.s, "SELECT count(*) FROM audit_log"
					" WHERE action = 'enrolment.quota'") >= 2);
	}
	/* the school admin and a centre admin of another centre set none */
	{
		struct principal ca = centre_admin();
		struct enrol_programme kg;

		assert_int_not_equal(enrolment_set_quotas(db.s, &s1, &by, &pg, q1, 1, NOW, &err), 0);
		assert_int_equal(err.code, ERR_FORBIDDEN);
		programme("kg-quota", 2, 5, "published", "2026-05-01", "2026-06-30", &kg, a);
		assert_int_not_equal(enrolment_set_quotas(db.s, &ca, &by, &kg, q1, 1, NOW, &err), 0);
		assert_int_equal(err.code, ERR_FORBIDDEN);
	}
	arena_free(a);
}

static void window_state_and_audience(void **state)
{
	struct arena *a = arena_new();
	struct enrol_programme later, past, draft, kg, haizhu, city_pg;
	struct principal t1 = teacher(10), t31 = teacher(35), ca = centre_admin(), admin = sysadmin();

	(void)state;
	programme("later", 1, 5, "published", "2026-07-01", "2026-07-31", &later, a);
	programme("past", 1, 5, "published", "2026-01-01", "2026-05-31", &past, a);
	programme("draft", 1, 5, "draft", "2026-05-01", "2026-06-30", &draft, a);
	enrol_refused(&t1, &later, 10, ERR_INVALID);
	enrol_refused(&t1, &past, 10, ERR_INVALID);
	enrol_refused(&t1, &draft, 10, ERR_INVALID);
	/* the organising centre may still assign after the window */
	enrol_ok(&ca, &past, 10, "seated", 1);
	enrol_refused(&admin, &draft, 11, ERR_INVALID);

	/* audience: only kindergartens */
	open_programme("kg-only", 5, &kg, a);
	assert_int_equal(fixture_exec(db.s, "INSERT INTO programme_audience SELECT id, 'stage',"
				      " 'kindergarten' FROM programmes WHERE code = 'kg-only'"), 0);
	enrolment_programme_get(db.s, a, "kg-only", &kg);
	enrol_refused(&t1, &kg, 10, ERR_FORBIDDEN);
	enrol_refused(&admin, &kg, 10, ERR_FORBIDDEN); /* assignment too */
	enrol_ok(&t31, &kg, 35, "seated", 1);

	/* region: a district, or the city it lies in; several kinds all hold */
	open_programme("haizhu", 5, &haizhu, a);
	assert_int_equal(fixture_exec(db.s, "INSERT INTO programme_audience SELECT id, 'region',"
				      " '440105' FROM programmes WHERE code = 'haizhu'"), 0);
	enrol_refused(&t1, &haizhu, 10, ERR_FORBIDDEN);
	enrol_ok(&t31, &haizhu, 35, "seated", 1);
	open_programme("city-math", 5, &city_pg, a);
	assert_int_equal(fixture_exec(db.s, "INSERT INTO programme_audience SELECT id, 'region',"
				      " '440100' FROM programmes WHERE code = 'city-math';"
				      "INSERT INTO programme_audience SELECT id, 'subject', 'math'"
				      " FROM programmes WHERE code = 'city-math';"
				      "INSERT INTO programme_audience SELECT id, 'subject', 'physics'"
				      " FROM programmes WHERE code = 'city-math'"), 0);
	{
		struct principal t12 = teacher(12), t13 = teacher(13);

		enrol_ok(&t12, &city_pg, 12, "seated", 1);       /* math, in the city */
		enrol_refused(&t13, &city_pg, 13, ERR_FORBIDDEN); /* chinese */
	}
	/* a centre's own trainer has no school: her region is her centre's,
	 * as the catalogue (programme_audience_admits) counts it */
	{
		struct enrol_programme tianhe;

		assert_int_equal(fixture_exec(db.s, "INSERT INTO persons (id, id_number, name, gender,"
					      " birth_date, centre_id, role, education) VALUES (41,"
					      " '440106198001010041', '培训者', 'female', '1980-01-01', 1,"
					      " 'trainer', 'master')"), 0);
		open_programme("tianhe", 5, &tianhe, a);
		assert_int_equal(fixture_exec(db.s, "INSERT INTO programme_audience SELECT id, 'region',"
					      " '440106' FROM programmes WHERE code = 'tianhe'"), 0);
		enrol_refused(&admin, &haizhu, 41, ERR_FORBIDDEN);
		enrol_ok(&admin, &tianhe, 41, "seated", 1);
	}
	arena_free(a);
}

static void who_may_enrol_whom(void **state)
{
	struct arena *a = arena_new();
	struct enrol_programme pg, kg;
	struct withdraw_result w;
	struct err err = { 0 };
	struct principal t = teacher(20), s1 = school_admin("2144010001"), ca = centre_admin();

	(void)state;
	open_programme("who", 10, &pg, a);
	enrol_refused(&t, &pg, 21, ERR_FORBIDDEN);   /* a teacher: herself only */
	enrol_refused(&s1, &pg, 20, ERR_FORBIDDEN);  /* S2's teacher */
	enrol_refused(&ca, &pg, 31, ERR_FORBIDDEN);  /* 440105 is not the centre's */
	enrol_ok(&ca, &pg, 21, "seated", 1);
	enrol_ok(&s1, &pg, 1, "seated", 2);
	enrol_ok(&t, &pg, 20, "seated", 3);
	/* another centre's programme: the district centre assigns no one */
	programme("who-kg", 2, 10, "published", "2026-05-01", "2026-06-30", &kg, a);
	enrol_refused(&ca, &kg, 22, ERR_FORBIDDEN);
	/* withdrawing follows the same rule */
	assert_int_not_equal(enrolment_withdraw(db.s, &t, &by, &pg, 21, NOW, &w, &err), 0);
	assert_int_equal(err.code, ERR_FORBIDDEN);
	assert_int_not_equal(enrolment_withdraw(db.s, &s1, &by, &pg, 20, NOW, &w, &err), 0);
	assert_int_equal(err.code, ERR_FORBIDDEN);
	assert_int_equal(enrolment_withdraw(db.s, &ca, &by, &pg, 20, NOW, &w, &err), 0);
	/* unknown person */
	enrol_refused(&ca, &pg, 999, ERR_NOT_FOUND);
	/* who sees which rows of the list */
	{
		struct enrolment_row *rows;
		int n, seen_t = 0, seen_s1 = 0, seen_ca = 0;
		struct principal t21 = teacher(21);

		assert_int_equal(enrolment_list(db.s, a, pg.id, &rows, &n), 0);
		assert_int_equal(n, 2);
		for (int i = 0; i < n; i++) {
			seen_t += enrolment_row_visible(&t21, &pg, &rows[i]);
			seen_s1 += enrolment_row_visible(&s1, &pg, &rows[i]);
			seen_ca += enrolment_row_visible(&ca, &pg, &rows[i]);
		}
		assert_int_equal(seen_t, 1);  /* her own */
		assert_int_equal(seen_s1, 1); /* person 1 of S1 */
		assert_int_equal(seen_ca, 2); /* the organiser sees all */
	}
	arena_free(a);
}

static void my_enrolments(void **state)
{
	struct arena *a = arena_new();
	struct my_enrolment *rows;
	int n;

	(void)state;
	/* person 4: seated in cap3 (promoted) and in quota (promoted) */
	assert_int_equal(enrolment_of_person(db.s, a, 4, &rows, &n), 0);
	assert_true(n >= 2);
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].programme_code, "cap3")) {
			assert_string_equal(rows[i].status, "seated");
			assert_true(rows[i].promoted);
			assert_int_equal(rows[i].position, 3);
		}
	arena_free(a);
}

static void demo_enrols_into_published_programmes(void **state)
{
	struct tmpdb d;

	(void)state;
	assert_int_equal(fixture_db_open(&d, "enrolment_demo"), 0);
	assert_int_equal(fixture_exec(d.s, city), 0);
	/* no programmes: nothing to do, and no failure */
	assert_int_equal(store_begin(d.s, STORE_WRITE), 0);
	assert_int_equal(enrolment_demo(d.s, NULL), 0);
	assert_int_equal(store_commit(d.s), 0);
	assert_int_equal(fixture_exec(d.s,
		"INSERT INTO programmes (code, title, centre_id, category, hours10, capacity,"
		" enrol_open, enrol_close, status, created_at, created_by) VALUES"
		" ('d1', 'd1', 1, 'thematic', 240, 9, '2026-05-01', '2026-06-30', 'published', 'x', 'x'),"
		" ('d2', 'd2', 1, 'thematic', 240, 6, '2026-01-01', '2026-01-31', 'completed', 'x', 'x'),"
		" ('d3', 'd3', 1, 'thematic', 240, 6, '2026-01-01', '2026-01-31', 'draft', 'x', 'x')"), 0);
	assert_int_equal(store_begin(d.s, STORE_WRITE), 0);
	assert_int_equal(enrolment_demo(d.s, "440106198001010001"), 0);
	assert_int_equal(store_commit(d.s), 0);
	assert_int_equal(fixture_int(d.s, "SELECT count(*) FROM enrolments WHERE programme_id = 1"
				     " AND status = 'seated'"), 6);
	assert_int_equal(fixture_int(d.s, "SELECT count(*) FROM enrolments WHERE programme_id = 2"
				     " AND status = 'seated'"), 6);
	assert_int_equal(fixture_int(d.s, "SELECT count(*) FROM enrolments WHERE programme_id = 3"), 0);
	assert_int_equal(fixture_int(d.s, "SELECT count(*) FROM enrolments WHERE person_id = 1"), 0);
	fixture_db_close(&d);
}

/* ---- eight connections at once ---- */

struct racer {
	const struct enrol_programme *pg;
	int first;             /* persons first .. first + 4 */
	int seated, waiting, failed;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct store *s;
	struct err err = { 0 };

	if (store_open(&s, db.path, 0, &err) != 0) {
		r->failed = 5;
		return NULL;
	}
	for (int k = 0; k < 5; k++) {
		struct enrol_result res;

		if (enrolment_enrol(s, NULL, &by, r->pg, r->first + k, TODAY, NOW, &res, &err) != 0)
			r->failed++;
		else if (!strcmp(res.status, "seated"))
			r->seated++;
		else
			r->waiting++;
	}
	store_close(s);
	return NULL;
}

static void capacity_holds_across_connections(void **state)
{
	struct arena *a = arena_new();
	struct enrol_programme pg;
	struct racer racers[8];
	pthread_t th[8];
	struct enrolment_row *rows;
	int seated = 0, waiting = 0, n;

	(void)state;
	open_programme("race", 7, &pg, a);
	for (int i = 0; i < 8; i++) {
		racers[i] = (struct racer){ .pg = &pg, .first = 1 + 5 * i };
		assert_int_equal(pthread_create(&th[i], NULL, race, &racers[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(racers[i].failed, 0);
		seated += racers[i].seated;
		waiting += racers[i].waiting;
	}
	assert_int_equal(seated, 7);
	assert_int_equal(waiting, 33);
	/* both lists in arrival order, positions without gaps */
	assert_int_equal(enrolment_list(db.s, a, pg.id, &rows, &n), 0);
	assert_int_equal(n, 40);
	for (int i = 0; i < n; i++) {
		assert_int_equal(rows[i].position, i < 7 ? i + 1 : i - 6);
		if (i > 0 && !strcmp(rows[i].status, rows[i - 1].status))
			assert_true(rows[i].id > rows[i - 1].id);
	}
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(capacity_and_waiting_list),
		cmocka_unit_test(enrolling_twice_is_a_conflict),
		cmocka_unit_test(quotas_and_their_release),
		cmocka_unit_test(window_state_and_audience),
		cmocka_unit_test(who_may_enrol_whom),
		cmocka_unit_test(my_enrolments),
		cmocka_unit_test(demo_enrols_into_published_programmes),
		cmocka_unit_test(capacity_holds_across_connections),
	};

	return cmocka_run_group_tests_name("enrolment", tests, setup, teardown);
}
