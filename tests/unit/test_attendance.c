/* test_attendance.c - attendance and completion (core/attendance.c,
 * core/completion.c, lib/qr.c): the tolerance rule at its boundaries, the
 * rotating check-in token, scans, the sheet, the file import, and a
 * completion that issues hours exactly once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/attendance.h"
#include "core/completion.h"
#include "fixture.h"
#include "lib/buf.h"
#include "lib/idcard.h"
#include "lib/qr.h"
#include "store/store.h"

static const unsigned char key[32] = { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
				       7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 };
static const struct actor admin = { 1, "admin", NULL };

/* Four persons: 1-3 seated in programme 1, 4 waiting.  Two sessions. */
static char ids[5][ID_NUMBER_LEN + 1];

static void make_ids(void)
{
	for (int i = 1; i <= 4; i++) {
		char d17[18];

		snprintf(d17, sizeof d17, "4401061980010100%d", i);
		memcpy(ids[i], d17, 17);
		ids[i][17] = idcard_check_char(d17);
		ids[i][18] = '\0';
	}
}

static int setup(void **state)
{
	struct tmpdb *t = calloc(1, sizeof *t);
	char sql[4096];

	make_ids();
	if (!t || fixture_db_open(t, "attendance") < 0)
		return -1;
	snprintf(sql, sizeof sql,
		 "INSERT INTO regions VALUES ('440000','广东省','province',NULL);"
		 "INSERT INTO regions VALUES ('440100','广州市','city','440000');"
		 "INSERT INTO regions VALUES ('440106','天河区','district','440100');"
		 "INSERT INTO centres (id, code, name, kind, region_code) VALUES"
		 " (1, '440106', '天河区教师发展中心', 'district', '440106');"
		 "INSERT INTO schools (id, code, name, district_code, stage, ownership) VALUES"
		 " (1, '2144010601', '天河实验小学', '440106', 'primary', 'public');"
		 "INSERT INTO persons (id, id_number, name, gender, birth_date, school_id, role, education) VALUES"
		 " (1, '%s', '甲', 'female', '1980-01-01', 1, 'teacher', 'bachelor'),"
		 " (2, '%s', '乙', 'male', '1980-01-01', 1, 'teacher', 'bachelor'),"
		 " (3, '%s', '丙', 'female', '1980-01-01', 1, 'teacher', 'bachelor'),"
		 " (4, '%s', '丁', 'male', '1980-01-01', 1, 'teacher', 'bachelor');"
		 "INSERT INTO programmes (id, code, title, centre_id, category, hours10, capacity, enrol_open,"
		 " enrol_close, status, attendance_min, tolerance_min, created_at, created_by) VALUES"
		 " (1, 'TH-2026-01', '课堂提问的艺术', 1, 'thematic', 240, 30, '2026-10-01', '2026-11-01',"
		 " 'published', 80, 15, '2026-09-01T00:00:00Z', 'admin');"
		 "INSERT INTO programme_sessions (id, programme_id, day, starts, ends) VALUES"
		 " (1, 1, '2026-11-20', '09:00', '12:00'), (2, 1, '2026-11-21', '14:00', '17:00');"
		 "INSERT INTO enrolments (programme_id, person_id, status, via, at, by_actor) VALUES"
		 " (1, 1, 'seated', 'self', '2026-10-02T00:00:00Z', 'x'),"
		 " (1, 2, 'seated', 'self', '2026-10-02T00:00:01Z', 'x'),"
		 " (1, 3, 'seated', 'self', '2026-10-02T00:00:02Z', 'x'),"
		 " (1, 4, 'waiting', 'self', '2026-10-02T00:00:03Z', 'x');",
		 ids[1], ids[2], ids[3], ids[4]);
	if (fixture_exec(t->s, sql) != 0) {
		fixture_db_close(t);
		free(t);
		return -1;
	}
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

static struct store *db(void **state)
{
	return ((struct tmpdb *)*state)->s;
}

/* A local time in the server's zone (TZ is Asia/Shanghai for this test). */
static time_t local_time(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			 .tm_min = mi, .tm_sec = s, .tm_isdst = -1 };

	return mktime(&tm);
}

static void load(void **state, struct arena *a, struct att_programme *p, struct att_session *s1,
		 struct att_session *s2)
{
	struct err err = { 0 };

	assert_int_equal(attendance_programme_get(db(state), a, "TH-2026-01", p, &err), 0);
	if (s1)
		assert_int_equal(attendance_session_get(db(state), a, p, 1, s1, &err), 0);
	if (s2)
		assert_int_equal(attendance_session_get(db(state), a, p, 2, s2, &err), 0);
}

static void tolerance_boundaries(void **state)
{
	(void)state;
	/* arrive exactly at starts + tolerance: present; a minute later: absent */
	assert_true(attendance_present_by_clock("09:00", "12:00", "09:15", "12:00", 15));
	assert_false(attendance_present_by_clock("09:00", "12:00", "09:16", "12:00", 15));
	/* leave exactly at ends - tolerance: present; a minute earlier: absent */
	assert_true(attendance_present_by_clock("09:00", "12:00", "08:50", "11:45", 15));
	assert_false(attendance_present_by_clock("09:00", "12:00", "08:50", "11:44", 15));
	/* no departure scanned yet: not present */
	assert_false(attendance_present_by_clock("09:00", "12:00", "08:50", NULL, 15));
	/* no tolerance at all */
	assert_true(attendance_present_by_clock("09:00", "12:00", "09:00", "12:00", 0));
	assert_false(attendance_present_by_clock("09:00", "12:00", "09:01", "12:00", 0));
	assert_false(attendance_present_by_clock("09:00", "12:00", "9:00", "12:00", 15));
}

static void token_windows(void **state)
{
	time_t t0 = (time_t)30 * 59000000; /* the start of a window */
	char tok[ATT_TOKEN_CHARS + 1], other[ATT_TOKEN_CHARS + 1];

	(void)state;
	attendance_token(key, sizeof key, 5, t0 + 7, tok);
	assert_int_equal(strlen(tok), ATT_TOKEN_CHARS);
	/* the same window, and the one after it (the code as "previous") */
	assert_true(attendance_token_valid(key, sizeof key, 5, tok, t0));
	assert_true(attendance_token_valid(key, sizeof key, 5, tok, t0 + 29));
	assert_true(attendance_token_valid(key, sizeof key, 5, tok, t0 + 30));
	assert_true(attendance_token_valid(key, sizeof key, 5, tok, t0 + 59));
	/* two windows old: refused */
	assert_false(attendance_token_valid(key, sizeof key, 5, tok, t0 + 60));
	/* a window that has not come yet, and before */
	assert_false(attendance_token_valid(key, sizeof key, 5, tok, t0 - 1));
	/* another session's token */
	attendance_token(key, sizeof key, 6, t0, other);
	assert_string_not_equal(tok, other);
	assert_false(attendance_token_valid(key, sizeof key, 5, other, t0));
	/* another key */
	{
		unsigned char k2[32] = { 1 };

		assert_false(attendance_token_valid(k2, sizeof k2, 5, tok, t0));
	}
	assert_false(attendance_token_valid(key, sizeof key, 5, "", t0));
	assert_false(attendance_token_valid(key, sizeof key, 5, NULL, t0));
	assert_int_equal(attendance_token_seconds_left(t0), 30);
	assert_int_equal(attendance_token_seconds_left(t0 + 29), 1);
}

static void qr_is_svg(void **state)
{
	struct buf b;
	struct err err = { 0 };

	(void)state;
	buf_init(&b);
	assert_int_equal(qr_svg("https://tdc.example/checkin/1?t=0123456789ab", "a <title>", 0, &b, &err), 0);
	assert_non_null(strstr(buf_cstr(&b), "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(buf_cstr(&b), "<title>a &lt;title&gt;</title>"));
	assert_non_null(strstr(buf_cstr(&b), "<path fill=\"#000\" d=\"M4 4h7"));  /* the finder pattern */
	assert_non_null(strstr(buf_cstr(&b), "</svg>"));
	buf_free(&b);
	buf_init(&b);
	assert_int_equal(qr_svg("", NULL, 0, &b, &err), -1);
	buf_free(&b);
}

static void checkin_scans(void **state)
{
	struct arena *a = arena_new();
	struct att_checkin c;
	struct err err = { 0 };
	char tok[ATT_TOKEN_CHARS + 1];
	time_t at = local_time(2026, 11, 20, 8, 58, 10);

	/* wrong token, a token two windows old */
	assert_int_equal(attendance_checkin(db(state), a, key, sizeof key, 1, "000000000000", 1, at, &admin,
					    &c, &err), -1);
	assert_int_equal(err.code, ERR_FORBIDDEN);
	attendance_token(key, sizeof key, 1, at - 60, tok);
	assert_int_equal(attendance_checkin(db(state), a, key, sizeof key, 1, tok, 1, at, &admin, &c, &err), -1);
	assert_int_equal(err.code, ERR_FORBIDDEN);
	/* a session that does not exist */
	assert_int_equal(attendance_checkin(db(state), a, key, sizeof key, 99, tok, 1, at, &admin, &c, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);

	/* the first scan is the arrival; not present until the departure */
	attendance_token(key, sizeof key, 1, at, tok);
	assert_int_equal(attendance_checkin(db(state), a, key, sizeof key, 1, tok, 1, at, &admin, &c, &err), 0);
	assert_false(c.departure);
	assert_string_equal(c.arrived, "08:58");
	assert_null(c.departed);
	assert_false(c.present);
	assert_int_equal(fixture_int(db(state), "SELECT present FROM attendance WHERE session_id = 1 AND person_id = 1"), 0);

	/* the departure at 11:46 (end 12:00, tolerance 15): present */
	at = local_time(2026, 11, 20, 11, 46, 0);
	attendance_token(key, sizeof key, 1, at - 30, tok); /* the previous window's code still works */
	assert_int_equal(attendance_checkin(db(state), a, key, sizeof key, 1, tok, 1, at, &admin, &c, &err), 0);
	assert_true(c.departure);
	assert_string_equal(c.departed, "11:46");
	assert_true(c.present);
	assert_int_equal(fixture_int(db(state), "SELECT present FROM attendance WHERE session_id = 1 AND person_id = 1"), 1);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM audit_log WHERE action = 'attendance.checkin'"), 2);

	/* late: 09:16 arrival, even with a full departure, is absent */
	at = local_time(2026, 11, 20, 9, 16, 0);
	attendance_token(key, sizeof key, 1, at, tok);
	assert_int_equal(attendance_checkin(db(state), a, key, sizeof key, 1, tok, 2, at, &admin, &c, &err), 0);
	at = local_time(2026, 11, 20, 12, 5, 0);
	attendance_token(key, sizeof key, 1, at, tok);
	assert_int_equal(attendance_checkin(db(state), a, key, sizeof key, 1, tok, 2, at, &admin, &c, &err), 0);
	assert_false(c.present);

	/* a waiting (not seated) person, and the wrong day */
	assert_int_equal(attendance_checkin(db(state), a, key, sizeof key, 1, tok, 4, at, &admin, &c, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	at = local_time(2026, 11, 21, 9, 0, 0);
	attendance_token(key, sizeof key, 1, at, tok);
	assert_int_equal(attendance_checkin(db(state), a, key, sizeof key, 1, tok, 1, at, &admin, &c, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);

	/* the organiser's mark stands: a late scan records the time beside it */
	assert_int_equal(fixture_exec(db(state), "INSERT INTO attendance (session_id, person_id, present, source,"
					 " marked_at, marked_by) VALUES (1, 3, 1, 'sheet', '2026-11-20T01:00:00Z', 'centre')"), 0);
	at = local_time(2026, 11, 20, 10, 30, 0);
	attendance_token(key, sizeof key, 1, at, tok);
	assert_int_equal(attendance_checkin(db(state), a, key, sizeof key, 1, tok, 3, at, &admin, &c, &err), 0);
	assert_true(c.manual);
	assert_true(c.present);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM attendance WHERE person_id = 3 AND present = 1"
					   " AND source = 'sheet' AND marked_by = 'centre' AND arrived = '10:30'"), 1);

	/* clean up for the tests after */
	assert_int_equal(fixture_exec(db(state), "DELETE FROM attendance"), 0);
	arena_free(a);
}

static void mark(void **state, const struct att_session *s, int64_t person, int present)
{
	struct att_mark m = { person, present };
	struct err err = { 0 };

	if (attendance_mark(db(state), s, &m, 1, &admin, &err) != 0)
		fail_msg("mark %lld: %s", (long long)person, err.message);
}

static void sheet_marks_only_seated(void **state)
{
	struct arena *a = arena_new();
	struct att_programme p;
	struct att_session s1;
	struct att_row *rows;
	struct att_mark bad[2] = { { 1, 1 }, { 4, 1 } };
	struct err err = { 0 };
	int n;

	load(state, a, &p, &s1, NULL);
	assert_int_equal(attendance_sheet(db(state), a, &s1, &rows, &n, &err), 0);
	assert_int_equal(n, 3); /* the waiting person is not on the sheet */
	for (int i = 0; i < n; i++)
		assert_int_equal(rows[i].present, -1);
	/* one person not seated: nothing is written */
	assert_int_equal(attendance_mark(db(state), &s1, bad, 2, &admin, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM attendance"), 0);
	mark(state, &s1, 2, 1);
	assert_int_equal(attendance_sheet(db(state), a, &s1, &rows, &n, &err), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(rows[i].present, rows[i].person_id == 2 ? 1 : -1);
	assert_int_equal(fixture_exec(db(state), "DELETE FROM attendance"), 0);
	arena_free(a);
}

static void import_file(void **state)
{
	struct arena *a = arena_new();
	struct att_programme p;
	struct att_session s1;
	struct att_import_report *rep = calloc(1, sizeof *rep);
	struct err err = { 0 };
	char csv[1024];

	load(state, a, &p, &s1, NULL);
	/* line 3 is a waiting person, line 4 a bad value, line 5 a bad number */
	snprintf(csv, sizeof csv, "姓名,身份证号,出勤\n甲,%s,出席\n丁,%s,出席\n乙,%s,也许\n丙,%.17s0,1\n",
		 ids[1], ids[4], ids[2], ids[3]);
	if (ids[3][17] == '0')
		csv[strlen(csv) - 4] = '1';
	assert_int_equal(attendance_import(db(state), &s1, csv, strlen(csv), &admin, rep, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_int_equal(rep->nerrors, 3);
	assert_int_equal(rep->marked, 0);
	/* in the file's order, though the person is checked after the values */
	assert_int_equal(rep->errors[0].line, 3);
	assert_non_null(strstr(rep->errors[0].message, "not seated"));
	assert_int_equal(rep->errors[1].line, 4);
	assert_string_equal(rep->errors[1].column, "出勤");
	assert_int_equal(rep->errors[2].line, 5);
	assert_string_equal(rep->errors[2].column, "身份证号");
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM attendance"), 0);

	/* a missing column */
	assert_int_equal(attendance_import(db(state), &s1, "身份证号\n1\n", strlen("身份证号\n1\n"), &admin, rep, &err), -1);
	assert_int_equal(rep->nerrors, 1);
	assert_int_equal(rep->errors[0].line, 1);

	/* the same person twice */
	snprintf(csv, sizeof csv, "身份证号,出勤\n%s,1\n%s,0\n", ids[1], ids[1]);
	assert_int_equal(attendance_import(db(state), &s1, csv, strlen(csv), &admin, rep, &err), -1);
	assert_int_equal(rep->nerrors, 1);
	assert_int_equal(rep->errors[0].line, 3);

	/* good: every seated person, in English words too */
	snprintf(csv, sizeof csv, "身份证号,出勤\n%s,出席\n%s,absent\n%s,是\n", ids[1], ids[2], ids[3]);
	if (attendance_import(db(state), &s1, csv, strlen(csv), &admin, rep, &err) != 0)
		fail_msg("import: %s (%d errors: %s)", err.message, rep->nerrors, rep->errors[0].message);
	assert_int_equal(rep->marked, 3);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM attendance WHERE source = 'csv'"), 3);
	assert_int_equal(fixture_int(db(state), "SELECT sum(present) FROM attendance"), 2);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM audit_log WHERE action = 'attendance.import'"), 1);
	assert_int_equal(fixture_exec(db(state), "DELETE FROM attendance"), 0);
	free(rep);
	arena_free(a);
}

static void complete(void **state, int issued, int already, int not_met)
{
	struct arena *a = arena_new();
	struct att_programme p;
	struct completion_counts c;
	struct err err = { 0 };

	load(state, a, &p, NULL, NULL);
	if (completion_run(db(state), &p, "2026-11-23", &admin, &c, &err) != 0)
		fail_msg("completion: %s", err.message);
	if (c.issued != issued || c.already != already || c.not_met != not_met)
		fail_msg("issued %d already %d not met %d; expected %d %d %d", c.issued, c.already, c.not_met,
			 issued, already, not_met);
	arena_free(a);
}

static void completion_exactly_once(void **state)
{
	struct arena *a = arena_new();
	struct att_programme p;
	struct att_session s1, s2;
	struct completion_row *rows;
	struct err err = { 0 };
	int n;

	load(state, a, &p, &s1, &s2);
	/* 1 and 2 at both sessions; 3 at one of two (50 % < 80 %) */
	mark(state, &s1, 1, 1);
	mark(state, &s1, 2, 1);
	mark(state, &s1, 3, 1);
	mark(state, &s2, 1, 1);
	mark(state, &s2, 2, 1);
	mark(state, &s2, 3, 0);
	assert_int_equal(completion_overview(db(state), a, &p, &rows, &n, &err), 0);
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++) {
		assert_int_equal(rows[i].sessions, 2);
		assert_int_equal(rows[i].reason, rows[i].person_id == 3 ? COMPLETION_ATTENDANCE : COMPLETION_MET);
		assert_int_equal(rows[i].share, rows[i].person_id == 3 ? 50 : 100);
		assert_false(rows[i].issued);
	}

	complete(state, 2, 0, 1);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM ledger"), 2);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM ledger WHERE record_id = 'P1-1'"
					   " AND day = '2026-11-21' AND hours10 = 240 AND category = 'thematic'"
					   " AND source = 'programme' AND programme_id = 1"
					   " AND issuer = '天河区教师发展中心' AND title = '课堂提问的艺术'"), 1);
	assert_int_equal(fixture_int(db(state), "SELECT hours10 FROM hours_totals WHERE person_id = 1"
					   " AND year = 2026 AND category = 'thematic'"), 240);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM programmes WHERE status = 'completed'"
					   " AND completed_at IS NOT NULL"), 1);

	/* again: nothing new */
	complete(state, 0, 2, 1);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM ledger"), 2);
	assert_int_equal(fixture_int(db(state), "SELECT hours10 FROM hours_totals WHERE person_id = 1"
					   " AND year = 2026 AND category = 'thematic'"), 240);

	/* a late correction: 3 was there after all; only 3 gets hours now */
	mark(state, &s2, 3, 1);
	complete(state, 1, 2, 0);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM ledger"), 3);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM ledger WHERE record_id = 'P1-3'"), 1);
	assert_int_equal(fixture_int(db(state), "SELECT sum(hours10) FROM hours_totals WHERE year = 2026"), 720);
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM audit_log WHERE action = 'programme.complete'"), 3);
	assert_int_equal(completion_overview(db(state), a, &p, &rows, &n, &err), 0);
	for (int i = 0; i < n; i++)
		assert_true(rows[i].issued);
	arena_free(a);
}

static void rule_with_pass_mark(void **state)
{
	struct arena *a = arena_new();
	struct att_programme p;
	struct completion_row *rows;
	struct completion_score sc[2] = { { 1, 59 }, { 2, 60 } };
	struct completion_score bad = { 4, 70 }, range = { 1, 101 };
	struct err err = { 0 };
	int n;

	load(state, a, &p, NULL, NULL);
	/* the rule alone */
	p.pass_mark = 60;
	p.attendance_min = 80;
	assert_int_equal(completion_rule(&p, 4, 5, 60), COMPLETION_MET);    /* 80 % exactly */
	assert_int_equal(completion_rule(&p, 3, 5, 100), COMPLETION_ATTENDANCE);
	assert_int_equal(completion_rule(&p, 5, 5, 59), COMPLETION_SCORE);
	assert_int_equal(completion_rule(&p, 5, 5, -1), COMPLETION_NO_SCORE);
	assert_int_equal(completion_rule(&p, 0, 0, 60), COMPLETION_MET);    /* no sessions */
	p.pass_mark = -1;
	assert_int_equal(completion_rule(&p, 5, 5, -1), COMPLETION_MET);

	/* scores through the database */
	assert_int_equal(fixture_exec(db(state), "UPDATE programmes SET pass_mark = 60"), 0);
	load(state, a, &p, NULL, NULL);
	assert_int_equal(p.pass_mark, 60);
	assert_int_equal(completion_set_scores(db(state), &p, &bad, 1, &admin, &err), -1);
	assert_int_equal(completion_set_scores(db(state), &p, &range, 1, &admin, &err), -1);
	assert_int_equal(completion_set_scores(db(state), &p, sc, 2, &admin, &err), 0);
	assert_int_equal(completion_overview(db(state), a, &p, &rows, &n, &err), 0);
	for (int i = 0; i < n; i++) {
		enum completion_reason want = rows[i].person_id == 1 ? COMPLETION_SCORE :
					      rows[i].person_id == 2 ? COMPLETION_MET : COMPLETION_NO_SCORE;

		assert_int_equal(rows[i].reason, want);
	}
	assert_int_equal(fixture_int(db(state), "SELECT score FROM enrolments WHERE person_id = 1"), 59);
	assert_int_equal(fixture_exec(db(state), "UPDATE programmes SET pass_mark = NULL"), 0);
	arena_free(a);
}

static void draft_programme_is_not_completed(void **state)
{
	struct arena *a = arena_new();
	struct att_programme p;
	struct completion_counts c;
	struct err err = { 0 };

	assert_int_equal(fixture_exec(db(state), "UPDATE programmes SET status = 'cancelled'"), 0);
	load(state, a, &p, NULL, NULL);
	assert_int_equal(completion_run(db(state), &p, "2026-11-23", &admin, &c, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_int_equal(fixture_exec(db(state), "UPDATE programmes SET status = 'published'"), 0);
	arena_free(a);
}

/* Attendance records what happened: a session to come has none to mark,
 * and a programme is completed after its last session, never before (its
 * hours would be dated in the future). */
static void nothing_before_it_happens(void **state)
{
	struct arena *a = arena_new();
	struct att_programme p;
	struct att_session later = { .id = 3, .programme_id = 1, .day = "2099-01-01",
				     .starts = "09:00", .ends = "12:00", .topic = "" };
	struct att_mark m = { .person_id = 1, .present = 1 };
	struct completion_counts c;
	struct err err = { 0 };
	static const char csv[] = "身份证号,出勤\n";

	assert_int_equal(fixture_exec(db(state), "INSERT INTO programme_sessions (id, programme_id, day,"
				      " starts, ends) VALUES (3, 1, '2099-01-01', '09:00', '12:00')"), 0);
	assert_int_equal(attendance_mark(db(state), &later, &m, 1, &admin, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_non_null(strstr(err.message, "still to come"));
	{
		struct att_import_report report;

		err_clear(&err);
		assert_int_equal(attendance_import(db(state), &later, csv, sizeof csv - 1, &admin, &report,
						   &err), -1);
		assert_int_equal(err.code, ERR_CONFLICT);
	}
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM attendance WHERE session_id = 3"), 0);
	load(state, a, &p, NULL, NULL);
	err_clear(&err);
	assert_int_equal(completion_run(db(state), &p, "2026-11-23", &admin, &c, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_non_null(strstr(err.message, "2099-01-01"));
	assert_int_equal(fixture_int(db(state), "SELECT count(*) FROM ledger WHERE programme_id = 1"
				     " AND day = '2099-01-01'"), 0);
	assert_int_equal(fixture_exec(db(state), "DELETE FROM programme_sessions WHERE id = 3"), 0);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tolerance_boundaries),
		cmocka_unit_test(token_windows),
		cmocka_unit_test(qr_is_svg),
		cmocka_unit_test(checkin_scans),
		cmocka_unit_test(sheet_marks_only_seated),
		cmocka_unit_test(import_file),
		cmocka_unit_test(draft_programme_is_not_completed),
		cmocka_unit_test(nothing_before_it_happens),
		cmocka_unit_test(completion_exactly_once),
		cmocka_unit_test(rule_with_pass_mark),
	};

	/* the timetable's zone, as the demo runs (Asia/Shanghai has no DST) */
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	return cmocka_run_group_tests_name("attendance", tests, setup, teardown);
}
