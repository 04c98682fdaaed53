/* test_programme.c - training programmes (core/programme.c): the field
 * checks, who may run a programme, the venue/trainer clash check at its
 * boundaries, audience matching, status moves, the capacity floor,
 * session removal, the catalogue's scope, and the demo's programmes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/demo.h"
#include "core/programme.h"
#include "fixture.h"
#include "lib/arena.h"
#include "lib/idcard.h"
#include "store/store.h"

struct world {
	struct tmpdb db;
	struct arena *a;
	struct principal tianhe, haizhu, sysadmin, teacher1, teacher2, school_admin;
	struct actor actor;
	char trainer_number[ID_NUMBER_LEN + 1];
};

/* A valid ID number (check character computed) from 17 digits. */
static void valid_number(const char *digits17, char out[ID_NUMBER_LEN + 1])
{
	memcpy(out, digits17, 17);
	out[17] = idcard_check_char(digits17);
	out[18] = '\0';
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	char sql[512];

	if (!w || fixture_db_open(&w->db, "programme") < 0)
		return -1;
	w->a = arena_new();
	valid_number("44010619800101001", w->trainer_number);
	if (fixture_exec(w->db.s,
		"INSERT INTO regions VALUES ('440000', '广东省', 'province', NULL),"
		" ('440100', '广州市', 'city', '440000'), ('440106', '天河区', 'district', '440100'),"
		" ('440105', '海珠区', 'district', '440100');"
		"INSERT INTO centres (id, code, name, kind, region_code, domain) VALUES"
		" (1, '440106', '天河区教师发展中心', 'district', '440106', NULL),"
		" (2, '440105', '海珠区教师发展中心', 'district', '440105', NULL),"
		" (3, 'gz-yx', '广州市教师发展研训中心', 'municipal', '440100', 'research');"
		"INSERT INTO schools (id, code, name, district_code, stage, ownership) VALUES"
		" (1, '2144010601', '天河第一小学', '440106', 'primary', 'public'),"
		" (2, '3144010501', '海珠第一中学', '440105', 'junior', 'public');"
		"INSERT INTO persons (id, id_number, name, gender, birth_date, school_id, centre_id, role,"
		" subject, education) VALUES"
		" (1, '440106199001010011', '李老师', 'female', '1990-01-01', 1, NULL, 'teacher', '数学', 'bachelor'),"
		" (2, '440105199001010022', '王老师', 'male', '1990-01-01', 2, NULL, 'teacher', '英语', 'bachelor'),"
		" (4, '440106198001010044', '陈培训', 'male', '1980-01-01', NULL, 1, 'trainer', '数学', 'master'),"
		" (5, '440105198001010055', '周培训', 'male', '1980-01-01', NULL, 2, 'trainer', '英语', 'master');") < 0)
		return -1;
	snprintf(sql, sizeof sql,
		 "INSERT INTO persons (id, id_number, name, gender, birth_date, school_id, centre_id,"
		 " role, subject, education) VALUES (3, '%s', '张培训', 'female', '1980-01-01', NULL, 1,"
		 " 'trainer', '数学', 'master')", w->trainer_number);
	if (fixture_exec(w->db.s, sql) < 0)
		return -1;
	w->tianhe = (struct principal){ .account_id = 1, .login = "th", .role = ROLE_CENTRE_ADMIN,
					.scope = "440106" };
	w->haizhu = (struct principal){ .account_id = 2, .login = "hz", .role = ROLE_CENTRE_ADMIN,
					.scope = "440105" };
	w->sysadmin = (struct principal){ .account_id = 3, .login = "admin", .role = ROLE_SYSADMIN };
	w->teacher1 = (struct principal){ .account_id = 4, .login = "t1", .role = ROLE_TEACHER,
					  .person_id = 1 };
	w->teacher2 = (struct principal){ .account_id = 5, .login = "t2", .role = ROLE_TEACHER,
					  .person_id = 2 };
	w->school_admin = (struct principal){ .account_id = 6, .login = "sa", .role = ROLE_SCHOOL_ADMIN,
					      .scope = "2144010601" };
	w->actor = (struct actor){ 1, "th", NULL };
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	arena_free(w->a);
	fixture_db_close(&w->db);
	free(w);
	return 0;
}

static struct programme_change as(struct world *w, const struct principal *who)
{
	struct programme_change ch = { who, &w->actor, "2026-11-23T10:00:00Z" };

	return ch;
}

/* A complete, valid programme with this code. */
static struct programme_in valid(const char *code)
{
	struct programme_in in = {
		.code = code, .title = "小学数学新课标专题研修", .category = "thematic",
		.hours = "24", .capacity = "60", .enrol_open = "2026-11-01",
		.enrol_close = "2026-11-30",
	};

	return in;
}

static bool has_field(const struct field_errors *fe, const char *field)
{
	for (int i = 0; i < fe->n; i++)
		if (!strcmp(fe->e[i].field, field))
			return true;
	return false;
}

static enum programme_result create(struct world *w, const struct principal *who,
				    const struct programme_in *in, struct field_errors *fe)
{
	struct programme_change ch = as(w, who);

	memset(fe, 0, sizeof *fe);
	return programme_write(w->db.s, w->a, &ch, NULL, in, PG_ALL, fe, NULL, NULL);
}

static void test_required_and_bad_fields(void **state)
{
	struct world *w = *state;
	struct programme_in empty = { 0 }, in = valid("v-bad");
	struct programme_audience_item aud[] = { { "stage", "university" }, { "region", "999999" },
						 { "colour", "blue" } };
	struct field_errors fe;
	static const char *const required[] = { "code", "title", "category", "hours", "capacity",
						"enrol_open", "enrol_close", NULL };

	assert_int_equal(create(w, &w->tianhe, &empty, &fe), PROGRAMME_INVALID);
	for (int i = 0; required[i]; i++)
		if (!has_field(&fe, required[i]))
			fail_msg("no message for missing %s", required[i]);
	/* every message in both languages */
	for (int i = 0; i < fe.n; i++)
		assert_true(fe.e[i].message[0] && fe.e[i].message_zh[0]);

	in.code = "bad code!";
	in.hours = "2.55";
	in.capacity = "0";
	in.category = "knitting";
	in.enrol_open = "2026-12-01";
	in.enrol_close = "2026-11-01";
	in.attendance_min = "101";
	in.pass_mark = "abc";
	in.level = "galaxy";
	in.status = "completed";
	in.audience = aud;
	in.naudience = 3;
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_INVALID);
	for (const char *const *f = (const char *const[]){ "code", "hours", "capacity", "category",
							 "enrol_close", "attendance_min", "pass_mark",
							 "level", "status", "audience", NULL };
	     *f; f++)
		if (!has_field(&fe, *f))
			fail_msg("no message for bad %s", *f);
	assert_int_equal(fixture_int(w->db.s, "SELECT count(*) FROM programmes"), 0);

	/* "2.5" hours and dates people write are read */
	in = valid("v-ok");
	in.hours = " 2.5 ";
	in.enrol_open = "2026/11/1";
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	{
		struct programme p;

		assert_int_equal(programme_get_by_code(w->db.s, w->a, "v-ok", &p), 0);
		assert_int_equal(p.hours10, 25);
		assert_string_equal(p.enrol_open, "2026-11-01");
		assert_string_equal(p.centre_code, "440106");
		assert_string_equal(p.level, "district");   /* a district centre's default */
		assert_string_equal(p.mode, "face_to_face");
		assert_string_equal(p.status, "published");  /* the default on creation */
		assert_int_equal(p.attendance_min, 80);
		assert_int_equal(p.pass_mark, -1);
		assert_int_equal(p.tolerance_min, 15);
	}
	assert_int_equal(fixture_int(w->db.s, "SELECT count(*) FROM audit_log WHERE action ="
				     " 'programme.create' AND object = 'programme:v-ok'"), 1);
}

static void test_organiser_and_duplicates(void **state)
{
	struct world *w = *state;
	struct programme_in in = valid("o-1");
	struct field_errors fe;
	struct programme p;
	struct programme_change ch;

	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	/* the same code again: 409 */
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_CONFLICT);
	assert_true(has_field(&fe, "code"));
	/* the system admin names the organiser */
	in.code = "o-2";
	assert_int_equal(create(w, &w->sysadmin, &in, &fe), PROGRAMME_INVALID);
	assert_true(has_field(&fe, "centre"));
	in.centre = "gz-yx";
	assert_int_equal(create(w, &w->sysadmin, &in, &fe), PROGRAMME_OK);
	assert_int_equal(programme_get_by_code(w->db.s, w->a, "o-2", &p), 0);
	assert_string_equal(p.level, "city");
	/* a centre admin organises for her own centre only */
	in.code = "o-3";
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_INVALID);
	assert_true(has_field(&fe, "centre"));
	/* teachers and school admins run nothing */
	in.centre = NULL;
	assert_int_equal(create(w, &w->teacher1, &in, &fe), PROGRAMME_FORBIDDEN);
	assert_int_equal(create(w, &w->school_admin, &in, &fe), PROGRAMME_FORBIDDEN);

	/* another centre's admin may not change it */
	assert_int_equal(programme_get_by_code(w->db.s, w->a, "o-1", &p), 0);
	assert_true(programme_manageable(&w->tianhe, &p));
	assert_true(programme_manageable(&w->sysadmin, &p));
	assert_false(programme_manageable(&w->haizhu, &p));
	assert_false(programme_manageable(&w->teacher1, &p));
	in = (struct programme_in){ .title = "改名" };
	ch = as(w, &w->haizhu);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_write(w->db.s, w->a, &ch, "o-1", &in, PG_TITLE, &fe, NULL, NULL),
			 PROGRAMME_FORBIDDEN);
	ch = as(w, &w->tianhe);
	assert_int_equal(programme_write(w->db.s, w->a, &ch, "o-1", &in, PG_TITLE, &fe, NULL, NULL),
			 PROGRAMME_OK);
	assert_int_equal(programme_get_by_code(w->db.s, w->a, "o-1", &p), 0);
	assert_string_equal(p.title, "改名");
	assert_int_equal(p.hours10, 240); /* fields not sent stay */
	assert_int_equal(programme_write(w->db.s, w->a, &ch, "nope", &in, PG_TITLE, &fe, NULL, NULL),
			 PROGRAMME_NOT_FOUND);
}

static enum programme_result add(struct world *w, const char *code, const char *day,
				 const char *starts, const char *ends, const char *venue,
				 const char *trainer_id, struct programme_clash *clash)
{
	struct programme_change ch = as(w, &w->tianhe);
	struct programme_session_in in = { .day = day, .starts = starts, .ends = ends,
					   .venue_name = venue, .trainer_id = trainer_id };
	struct field_errors fe = { 0 };

	return programme_session_add(w->db.s, w->a, &ch, code, &in, &fe, clash, NULL);
}

/* DOMAIN.md: a session's trainer and venue are never double-booked. */
static void test_clash_boundaries(void **state)
{
	struct world *w = *state;
	struct programme_in a = valid("c-a"), b = valid("c-b");
	struct field_errors fe;
	struct programme_clash clash;

	assert_int_equal(create(w, &w->tianhe, &a, &fe), PROGRAMME_OK);
	assert_int_equal(create(w, &w->tianhe, &b, &fe), PROGRAMME_OK);
	assert_int_equal(add(w, "c-a", "2026-12-01", "09:00", "10:00", "报告厅", "3", &clash),
			 PROGRAMME_OK);
	/* back to back in the same venue, same trainer: fine */
	assert_int_equal(add(w, "c-b", "2026-12-01", "10:00", "11:00", "报告厅", "3", &clash),
			 PROGRAMME_OK);
	assert_int_equal(add(w, "c-b", "2026-12-01", "8:00", "9:00", "报告厅", "3", &clash),
			 PROGRAMME_OK);
	/* one minute of overlap in the venue: refused, naming the other */
	assert_int_equal(add(w, "c-b", "2026-12-01", "10:59", "11:30", "报告厅", NULL, &clash),
			 PROGRAMME_CONFLICT);
	assert_true(clash.venue);
	assert_string_equal(clash.code, "c-b");
	assert_string_equal(clash.starts, "10:00");
	assert_string_equal(clash.ends, "11:00");
	/* the trainer elsewhere at that time: refused as the trainer's clash */
	assert_int_equal(add(w, "c-b", "2026-12-01", "09:30", "09:45", "小教室", "3", &clash),
			 PROGRAMME_CONFLICT);
	assert_false(clash.venue);
	assert_string_equal(clash.code, "c-a");
	assert_string_equal(clash.title, "小学数学新课标专题研修");
	assert_string_equal(clash.day, "2026-12-01");
	/* the refused add made no venue "小教室" */
	assert_int_equal(fixture_int(w->db.s, "SELECT count(*) FROM venues WHERE name = '小教室'"), 0);
	/* inside another: refused; around another: refused */
	assert_int_equal(add(w, "c-b", "2026-12-01", "09:10", "09:20", "报告厅", NULL, &clash),
			 PROGRAMME_CONFLICT);
	assert_int_equal(add(w, "c-b", "2026-12-01", "07:00", "12:00", NULL, "3", &clash),
			 PROGRAMME_CONFLICT);
	/* another day, or another trainer in another room: fine */
	assert_int_equal(add(w, "c-b", "2026-12-02", "09:00", "10:00", "报告厅", "3", &clash),
			 PROGRAMME_OK);
	assert_int_equal(add(w, "c-b", "2026-12-01", "09:00", "10:00", "小教室", "4", &clash),
			 PROGRAMME_OK);
	/* a cancelled programme's sessions hold nothing */
	{
		struct programme_change ch = as(w, &w->tianhe);
		struct programme_in c = valid("c-c");

		memset(&fe, 0, sizeof fe);
		assert_int_equal(programme_set_status(w->db.s, w->a, &ch, "c-a", "cancel", &fe),
				 PROGRAMME_OK);
		assert_int_equal(create(w, &w->tianhe, &c, &fe), PROGRAMME_OK);
		assert_int_equal(add(w, "c-c", "2026-12-01", "09:00", "10:00", "报告厅", "3", &clash),
				 PROGRAMME_OK);
		/* and a cancelled programme takes no new sessions */
		assert_int_equal(add(w, "c-a", "2026-12-05", "09:00", "10:00", NULL, NULL, &clash),
				 PROGRAMME_INVALID);
	}
	/* bad times */
	assert_int_equal(add(w, "c-b", "2026-12-09", "10:00", "09:00", NULL, NULL, &clash),
			 PROGRAMME_INVALID);
	assert_int_equal(add(w, "c-b", "2026-12-09", "25:00", "26:00", NULL, NULL, &clash),
			 PROGRAMME_INVALID);
	assert_int_equal(add(w, "c-b", "2026-13-09", "09:00", "10:00", NULL, NULL, &clash),
			 PROGRAMME_INVALID);
}

static void test_sessions_trainers_and_removal(void **state)
{
	struct world *w = *state;
	struct programme_in in = valid("s-1");
	struct field_errors fe;
	struct programme_change ch = as(w, &w->tianhe);
	struct programme_session_in s = { .day = "2027-01-05", .starts = "14:00", .ends = "16:00",
					  .venue_name = "  多媒体教室  ",
					  .trainer_id_number = w->trainer_number, .topic = "说课" };
	struct programme p;
	int64_t sid = 0, sid2 = 0;
	char sql[160];

	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_session_add(w->db.s, w->a, &ch, "s-1", &s, &fe, NULL, &sid),
			 PROGRAMME_OK);
	/* an unknown ID number, a wrong check character */
	s.trainer_id_number = "440106198001010099";
	s.day = "2027-01-06";
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_session_add(w->db.s, w->a, &ch, "s-1", &s, &fe, NULL, NULL),
			 PROGRAMME_INVALID);
	assert_true(has_field(&fe, "trainer_id_number"));
	/* another centre's trainer is not on the list: engaged by ID number only */
	s = (struct programme_session_in){ .day = "2027-01-07", .starts = "09:00", .ends = "10:00",
					   .trainer_id = "5" };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_session_add(w->db.s, w->a, &ch, "s-1", &s, &fe, NULL, NULL),
			 PROGRAMME_INVALID);
	assert_true(has_field(&fe, "trainer"));
	s.trainer_id = "1"; /* a teacher, not a trainer */
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_session_add(w->db.s, w->a, &ch, "s-1", &s, &fe, NULL, NULL),
			 PROGRAMME_INVALID);
	/* a venue of another centre cannot be picked by id */
	assert_int_equal(fixture_exec(w->db.s, "INSERT INTO venues (id, centre_id, name) VALUES (900, 2, '海珠礼堂')"), 0);
	s = (struct programme_session_in){ .day = "2027-01-06", .starts = "09:00", .ends = "10:00",
					   .venue_id = "900" };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_session_add(w->db.s, w->a, &ch, "s-1", &s, &fe, NULL, NULL),
			 PROGRAMME_INVALID);
	assert_true(has_field(&fe, "venue"));
	s.venue_id = NULL;
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_session_add(w->db.s, w->a, &ch, "s-1", &s, &fe, NULL, &sid2),
			 PROGRAMME_OK);

	assert_int_equal(programme_get_by_code(w->db.s, w->a, "s-1", &p), 0);
	assert_int_equal(p.nsessions, 2);
	assert_string_equal(p.sessions[0].day, "2027-01-05");
	assert_string_equal(p.sessions[0].venue_name, "多媒体教室");
	assert_string_equal(p.sessions[0].trainer_name, "张培训");
	assert_string_equal(p.sessions[0].topic, "说课");
	{
		struct programme_venue *v;
		struct programme_trainer *t;
		int n;

		assert_int_equal(programme_venues(w->db.s, w->a, p.centre_id, &v, &n), 0);
		assert_int_equal(n, 3); /* 报告厅 and 小教室 from the clash test, 多媒体教室 */
		assert_int_equal(programme_trainers(w->db.s, w->a, p.centre_id, &t, &n), 0);
		assert_int_equal(n, 2);
	}

	/* a session with attendance stays; one without goes */
	snprintf(sql, sizeof sql, "INSERT INTO attendance VALUES (%lld, 1, 1, NULL, NULL, 'sheet',"
		 " '2027-01-05T16:00:00Z', 'th')", (long long)sid);
	assert_int_equal(fixture_exec(w->db.s, sql), 0);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_session_delete(w->db.s, w->a, &ch, "s-1", sid, &fe),
			 PROGRAMME_INVALID);
	assert_int_equal(programme_session_delete(w->db.s, w->a, &ch, "s-1", sid2, &fe), PROGRAMME_OK);
	assert_int_equal(programme_session_delete(w->db.s, w->a, &ch, "s-1", sid2, &fe),
			 PROGRAMME_NOT_FOUND);
	ch = as(w, &w->haizhu);
	assert_int_equal(programme_session_delete(w->db.s, w->a, &ch, "s-1", sid, &fe),
			 PROGRAMME_FORBIDDEN);
	assert_int_equal(fixture_int(w->db.s, "SELECT count(*) FROM audit_log WHERE action = 'session.delete'"),
			 1);
}

static bool admits(struct world *w, const char *code, int64_t person)
{
	struct programme p;
	int rc = -1;
	bool yes;

	assert_int_equal(programme_get_by_code(w->db.s, w->a, code, &p), 0);
	yes = programme_audience_admits(w->db.s, &p, person, &rc);
	assert_int_equal(rc, 0);
	return yes;
}

static void test_audience(void **state)
{
	struct world *w = *state;
	struct field_errors fe;
	struct programme_in in = valid("a-all");
	struct programme_audience_item primary_maths[] = { { "stage", "primary" },
							   { "subject", "数学" } };
	struct programme_audience_item city[] = { { "region", "440100" }, { "role", "teacher" } };
	struct programme_audience_item haizhu[] = { { "region", "440105" },
						    { "stage", "junior" }, { "stage", "primary" } };
	struct programme_audience_item trainers[] = { { "role", "trainer" } };

	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	in = valid("a-pm");
	in.audience = primary_maths;
	in.naudience = 2;
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	in = valid("a-city");
	in.audience = city;
	in.naudience = 2;
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	in = valid("a-hz");
	in.audience = haizhu;
	in.naudience = 3;
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	in = valid("a-tr");
	in.audience = trainers;
	in.naudience = 1;
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);

	/* no rows: everyone */
	assert_true(admits(w, "a-all", 1));
	assert_true(admits(w, "a-all", 2));
	/* every kind listed must match: stage and subject */
	assert_true(admits(w, "a-pm", 1));
	assert_false(admits(w, "a-pm", 2));
	/* a region matches the school's district or its city */
	assert_true(admits(w, "a-city", 1));
	assert_true(admits(w, "a-city", 2));
	assert_false(admits(w, "a-city", 3)); /* a trainer, not a teacher */
	/* one value of a kind is enough */
	assert_false(admits(w, "a-hz", 1));
	assert_true(admits(w, "a-hz", 2));
	/* centre staff: by role; no school, so no stage */
	assert_true(admits(w, "a-tr", 3));
	assert_false(admits(w, "a-tr", 1));
	assert_false(admits(w, "a-pm", 3));
	/* nobody */
	assert_false(admits(w, "a-all", 999));
}

static void test_status_moves(void **state)
{
	struct world *w = *state;
	struct programme_in in = valid("m-1");
	struct field_errors fe;
	struct programme_change ch = as(w, &w->tianhe), other = as(w, &w->haizhu);
	struct programme p;

	in.status = "draft";
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_set_status(w->db.s, w->a, &ch, "m-1", "close", &fe), PROGRAMME_INVALID);
	assert_int_equal(programme_set_status(w->db.s, w->a, &ch, "m-1", "finish", &fe), PROGRAMME_INVALID);
	assert_int_equal(programme_set_status(w->db.s, w->a, &other, "m-1", "publish", &fe),
			 PROGRAMME_FORBIDDEN);
	assert_int_equal(programme_set_status(w->db.s, w->a, &ch, "m-1", "publish", &fe), PROGRAMME_OK);
	assert_int_equal(programme_set_status(w->db.s, w->a, &ch, "m-1", "publish", &fe), PROGRAMME_INVALID);
	assert_int_equal(programme_set_status(w->db.s, w->a, &ch, "m-1", "close", &fe), PROGRAMME_OK);
	assert_int_equal(programme_get_by_code(w->db.s, w->a, "m-1", &p), 0);
	assert_string_equal(p.status, "closed");
	assert_int_equal(programme_set_status(w->db.s, w->a, &ch, "m-1", "cancel", &fe), PROGRAMME_OK);
	assert_int_equal(programme_set_status(w->db.s, w->a, &ch, "m-1", "cancel", &fe), PROGRAMME_INVALID);
	assert_int_equal(programme_set_status(w->db.s, w->a, &ch, "m-1", "publish", &fe), PROGRAMME_INVALID);
	/* a cancelled programme is not edited */
	in = (struct programme_in){ .title = "x" };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_write(w->db.s, w->a, &ch, "m-1", &in, PG_TITLE, &fe, NULL, NULL),
			 PROGRAMME_INVALID);
	assert_int_equal(fixture_int(w->db.s, "SELECT count(*) FROM audit_log WHERE object = 'programme:m-1'"
				     " AND action IN ('programme.publish', 'programme.close', 'programme.cancel')"), 3);
}

static void test_capacity_floor(void **state)
{
	struct world *w = *state;
	struct programme_in in = valid("cap-1");
	struct field_errors fe;
	struct programme_change ch = as(w, &w->tianhe);
	struct programme p;

	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	assert_int_equal(programme_get_by_code(w->db.s, w->a, "cap-1", &p), 0);
	{
		char sql[400];

		snprintf(sql, sizeof sql,
			 "INSERT INTO enrolments (programme_id, person_id, status, via, at, by_actor) VALUES"
			 " (%lld, 1, 'seated', 'self', 'x', 't'), (%lld, 2, 'seated', 'self', 'x', 't'),"
			 " (%lld, 3, 'waiting', 'self', 'x', 't'), (%lld, 4, 'withdrawn', 'self', 'x', 't')",
			 (long long)p.id, (long long)p.id, (long long)p.id, (long long)p.id);
		assert_int_equal(fixture_exec(w->db.s, sql), 0);
	}
	assert_int_equal(programme_get_by_code(w->db.s, w->a, "cap-1", &p), 0);
	assert_int_equal(p.seated, 2);
	assert_int_equal(p.waiting, 1);
	in = (struct programme_in){ .capacity = "1" };
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_write(w->db.s, w->a, &ch, "cap-1", &in, PG_CAPACITY, &fe, NULL, NULL),
			 PROGRAMME_INVALID);
	assert_true(has_field(&fe, "capacity"));
	in.capacity = "2";
	memset(&fe, 0, sizeof fe);
	assert_int_equal(programme_write(w->db.s, w->a, &ch, "cap-1", &in, PG_CAPACITY, &fe, NULL, NULL),
			 PROGRAMME_OK);
	/* an enrolled teacher sees the programme whatever its audience */
	assert_true(programme_visible(w->db.s, &w->teacher2, &p, NULL));
}

static void test_catalogue_scope(void **state)
{
	struct world *w = *state;
	struct field_errors fe;
	struct programme_in in;
	struct programme_audience_item junior[] = { { "stage", "junior" } };
	struct programme_filter f = { .today = "2026-11-15" };
	struct programme *items;
	int n;
	int64_t total;

	assert_int_equal(fixture_exec(w->db.s, "DELETE FROM attendance; DELETE FROM enrolments;"
				      " DELETE FROM programme_sessions; DELETE FROM programme_audience;"
				      " DELETE FROM programmes"), 0);
	in = valid("k-open");
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	in = valid("k-draft");
	in.status = "draft";
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	in = valid("k-junior");
	in.title = "初中英语研修";
	in.audience = junior;
	in.naudience = 1;
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);
	in = valid("k-later");
	in.enrol_open = "2026-12-01";
	in.enrol_close = "2026-12-20";
	assert_int_equal(create(w, &w->tianhe, &in, &fe), PROGRAMME_OK);

	/* the primary teacher: published, admitting her */
	assert_int_equal(programme_list(w->db.s, w->a, &w->teacher1, &f, &items, &n, &total), 0);
	assert_int_equal(total, 2);
	for (int i = 0; i < n; i++)
		assert_true(strcmp(items[i].code, "k-draft") && strcmp(items[i].code, "k-junior"));
	f.open = true;
	assert_int_equal(programme_list(w->db.s, w->a, &w->teacher1, &f, &items, &n, &total), 0);
	assert_int_equal(total, 1);
	assert_string_equal(items[0].code, "k-open");
	f.open = false;
	/* the junior teacher sees the junior one too */
	assert_int_equal(programme_list(w->db.s, w->a, &w->teacher2, &f, &items, &n, &total), 0);
	assert_int_equal(total, 3);
	/* the organiser sees her draft; another centre does not */
	assert_int_equal(programme_list(w->db.s, w->a, &w->tianhe, &f, &items, &n, &total), 0);
	assert_int_equal(total, 4);
	assert_int_equal(programme_list(w->db.s, w->a, &w->haizhu, &f, &items, &n, &total), 0);
	assert_int_equal(total, 3);
	assert_int_equal(programme_list(w->db.s, w->a, &w->school_admin, &f, &items, &n, &total), 0);
	assert_int_equal(total, 3);
	/* search by title or code, paging keeps the total */
	f.q = "英语";
	assert_int_equal(programme_list(w->db.s, w->a, &w->sysadmin, &f, &items, &n, &total), 0);
	assert_int_equal(total, 1);
	f.q = "k-";
	f.limit = 1;
	f.offset = 1;
	assert_int_equal(programme_list(w->db.s, w->a, &w->sysadmin, &f, &items, &n, &total), 0);
	assert_int_equal(total, 4);
	assert_int_equal(n, 1);
	/* "%" is a letter, not a wildcard */
	f.q = "%";
	assert_int_equal(programme_list(w->db.s, w->a, &w->sysadmin, &f, &items, &n, &total), 0);
	assert_int_equal(total, 0);
}

/* The demo's programmes: live today, no clash, one open to the demo teacher. */
static void test_demo(void **state)
{
	struct tmpdb db;
	struct demo_options o = { DEMO_MIN_TEACHERS, 1 };
	struct demo_summary sum;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(fixture_db_open(&db, "programme_demo"), 0);
	assert_int_equal(demo_create(db.s, &o, &sum, &e), 0);
	assert_true(fixture_int(db.s, "SELECT count(*) FROM programmes") >= 10);
	assert_int_equal(fixture_int(db.s,
		"SELECT count(*) FROM programme_sessions a JOIN programme_sessions b"
		" ON a.id < b.id AND a.day = b.day AND a.starts < b.ends AND b.starts < a.ends"
		" AND (a.venue_id = b.venue_id OR a.trainer_id = b.trainer_id)"), 0);
	assert_true(fixture_int(db.s, "SELECT count(*) FROM programmes WHERE status = 'closed'") >= 1);
	assert_true(fixture_int(db.s, "SELECT count(*) FROM programmes p JOIN centres c ON c.id = p.centre_id"
				" WHERE c.code = '440106' AND p.status = 'published'"
				" AND p.enrol_open <= date('now') AND p.enrol_close >= date('now')") >= 1);
	{
		struct arena *a = arena_new();
		struct principal t = { .account_id = 1, .role = ROLE_TEACHER };
		struct programme_filter f = { .open = true };
		struct programme *items;
		int n;
		int64_t total;
		char today[11];
		time_t now = time(NULL);
		struct tm tm;
		char sql[200];

		gmtime_r(&now, &tm);
		strftime(today, sizeof today, "%Y-%m-%d", &tm);
		f.today = today;
		snprintf(sql, sizeof sql, "SELECT id FROM persons WHERE id_number = '%s'",
			 sum.teacher_id_number);
		/* fixture_int caches by address: run it through exec-free lookup */
		{
			struct stmt *st;

			assert_int_equal(store_prepare_built(db.s, sql, &st), 0);
			assert_int_equal(stmt_step(st), STORE_ROW);
			t.person_id = stmt_int(st, 0);
			stmt_done(st);
		}
		assert_int_equal(programme_list(db.s, a, &t, &f, &items, &n, &total), 0);
		assert_true(total >= 1);
		arena_free(a);
	}
	fixture_db_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_required_and_bad_fields),
		cmocka_unit_test(test_organiser_and_duplicates),
		cmocka_unit_test(test_clash_boundaries),
		cmocka_unit_test(test_sessions_trainers_and_removal),
		cmocka_unit_test(test_audience),
		cmocka_unit_test(test_status_moves),
		cmocka_unit_test(test_capacity_floor),
		cmocka_unit_test(test_catalogue_scope),
		cmocka_unit_test(test_demo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
