/* attendance.c - marking, importing and scanning attendance (see
 * attendance.h).
 *
 * The rows live in the attendance table (003_training.sql), one per
 * session and participant.  Participants are the programme's seated
 * enrolments: a waiting or withdrawn person has no place at the session,
 * so nothing here marks one.  source says how a row was last decided:
 * 'sheet' (the organiser's sheet), 'csv' (an uploaded file, CSV or a
 * spreadsheet), 'qr' (the teacher's own scans). */
#include "core/attendance.h"
#include "core/programme.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/audit.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/idcard.h"
#include "lib/secret.h"
#include "lib/sheet.h"
#include "lib/utf8.h"
#include "store/store.h"

/* ==== Programme facts ====================================================
 * The few columns of a programme and its sessions that attendance reads,
 * in one place.  Who manages a programme is programme_manageable()'s rule
 * (core/programme.h): the admin of its organising centre, or the system
 * admin. */

#define PROGRAMME_COLUMNS \
	"SELECT p.id, p.code, p.title, p.category, p.status, c.code, c.name, p.hours10," \
	" p.attendance_min, p.pass_mark, p.tolerance_min, p.completed_at" \
	" FROM programmes p JOIN centres c ON c.id = p.centre_id"

static const char sql_programme_by_code[] = PROGRAMME_COLUMNS " WHERE p.code = ?";
static const char sql_programme_by_id[] = PROGRAMME_COLUMNS " WHERE p.id = ?";

#define SESSION_COLUMNS \
	"SELECT id, programme_id, day, starts, ends, topic, trainer_id FROM programme_sessions"

static const char sql_session[] = SESSION_COLUMNS " WHERE id = ?";
static const char sql_sessions[] =
	SESSION_COLUMNS " WHERE programme_id = ? ORDER BY day, starts, id";

static const char *dup_text(struct arena *a, struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? NULL : arena_strdup(a, stmt_text(st, col));
}

static void read_programme(struct arena *a, struct stmt *st, struct att_programme *p)
{
	p->id = stmt_int(st, 0);
	p->code = dup_text(a, st, 1);
	p->title = dup_text(a, st, 2);
	p->category = dup_text(a, st, 3);
	p->status = dup_text(a, st, 4);
	p->centre_code = dup_text(a, st, 5);
	p->centre_name = dup_text(a, st, 6);
	p->hours10 = (int32_t)stmt_int(st, 7);
	p->attendance_min = (int)stmt_int(st, 8);
	p->pass_mark = stmt_is_null(st, 9) ? -1 : (int)stmt_int(st, 9);
	p->tolerance_min = (int)stmt_int(st, 10);
	p->completed_at = dup_text(a, st, 11);
}

static void read_session(struct arena *a, struct stmt *st, struct att_session *s)
{
	s->id = stmt_int(st, 0);
	s->programme_id = stmt_int(st, 1);
	s->day = dup_text(a, st, 2);
	s->starts = dup_text(a, st, 3);
	s->ends = dup_text(a, st, 4);
	s->topic = stmt_is_null(st, 5) ? "" : arena_strdup(a, stmt_text(st, 5));
	s->trainer_id = stmt_is_null(st, 6) ? 0 : stmt_int(st, 6);
}

static int db_fail(struct store *s, struct stmt *st, struct err *err, const char *what)
{
	if (st)
		stmt_done(st);
	err_set(err, ERR_INTERNAL, "%s: %s", what, store_errmsg(s));
	return -1;
}

static int programme_by(struct store *s, struct arena *a, const char *sql, const char *code, int64_t id,
			struct att_programme *out, struct err *err)
{
	struct stmt *st = NULL;
	int rc;

	if (store_prepare(s, sql, &st) < 0 ||
	    (code ? stmt_bind_text(st, 1, code) : stmt_bind_int(st, 1, id)) < 0)
		return db_fail(s, st, err, "cannot read the programme");
	rc = stmt_step(st);
	if (rc < 0)
		return db_fail(s, st, err, "cannot read the programme");
	if (rc != STORE_ROW) {
		stmt_done(st);
		err_set(err, ERR_NOT_FOUND, "no such programme");
		return STORE_ENOTFOUND;
	}
	read_programme(a, st, out);
	stmt_done(st);
	return 0;
}

int attendance_programme_get(struct store *s, struct arena *a, const char *code,
			     struct att_programme *out, struct err *err)
{
	if (!code || !*code) {
		err_set(err, ERR_NOT_FOUND, "no such programme");
		return STORE_ENOTFOUND;
	}
	return programme_by(s, a, sql_programme_by_code, code, 0, out, err);
}

static int session_by_id(struct store *s, struct arena *a, int64_t session_id, struct att_session *out,
			 struct err *err)
{
	struct stmt *st = NULL;
	int rc;

	if (store_prepare(s, sql_session, &st) < 0 || stmt_bind_int(st, 1, session_id) < 0)
		return db_fail(s, st, err, "cannot read the session");
	rc = stmt_step(st);
	if (rc < 0)
		return db_fail(s, st, err, "cannot read the session");
	if (rc != STORE_ROW) {
		stmt_done(st);
		err_set(err, ERR_NOT_FOUND, "no such session");
		return STORE_ENOTFOUND;
	}
	read_session(a, st, out);
	stmt_done(st);
	return 0;
}

int attendance_session_get(struct store *s, struct arena *a, const struct att_programme *p,
			   int64_t session_id, struct att_session *out, struct err *err)
{
	int rc = session_by_id(s, a, session_id, out, err);

	if (rc != 0)
		return rc;
	/* /programmes/A/sessions/<a session of B>: not found, not B's sheet */
	if (out->programme_id != p->id) {
		err_set(err, ERR_NOT_FOUND, "no such session in this programme");
		return STORE_ENOTFOUND;
	}
	return 0;
}

int attendance_session_find(struct store *s, struct arena *a, int64_t session_id,
			    struct att_session *session, struct att_programme *p, struct err *err)
{
	int rc = session_by_id(s, a, session_id, session, err);

	if (rc != 0)
		return rc;
	return programme_by(s, a, sql_programme_by_id, NULL, session->programme_id, p, err);
}

/* Appends one element to an arena array, doubling its room. */
static void *grow(struct arena *a, void *items, int n, int *cap, size_t size)
{
	void *more;

	if (n < *cap)
		return items;
	*cap = *cap ? *cap * 2 : 16;
	more = arena_alloc(a, (size_t)*cap * size);
	if (more && n)
		memcpy(more, items, (size_t)n * size);
	return more;
}

int attendance_sessions(struct store *s, struct arena *a, int64_t programme_id,
			struct att_session **out, int *n, struct err *err)
{
	struct stmt *st = NULL;
	struct att_session *items = NULL;
	int cap = 0, rc;

	*n = 0;
	if (store_prepare(s, sql_sessions, &st) < 0 || stmt_bind_int(st, 1, programme_id) < 0)
		return db_fail(s, st, err, "cannot read the sessions");
	while ((rc = stmt_step(st)) == STORE_ROW) {
		items = grow(a, items, *n, &cap, sizeof *items);
		if (!items) {
			stmt_done(st);
			err_set(err, ERR_INTERNAL, "out of memory");
			return -1;
		}
		read_session(a, st, &items[(*n)++]);
	}
	if (rc < 0)
		return db_fail(s, st, err, "cannot read the sessions");
	stmt_done(st);
	*out = items;
	return 0;
}

bool attendance_may_manage(const struct principal *who, const struct att_programme *p)
{
	/* whoever runs the programme: programme.c's one rule */
	struct programme pg = { .centre_code = p->centre_code };

	return principal_signed_in(who) && programme_manageable(who, &pg);
}
/* ==== end of programme facts ============================================ */

static const char sql_seated[] =
	"SELECT 1 FROM enrolments WHERE programme_id = ? AND person_id = ? AND status = 'seated'";

int attendance_is_seated(struct store *s, int64_t programme_id, int64_t person_id, bool *ok,
			 struct err *err)
{
	struct stmt *st = NULL;
	int rc;

	*ok = false;
	if (store_prepare(s, sql_seated, &st) < 0 || stmt_bind_int(st, 1, programme_id) < 0 ||
	    stmt_bind_int(st, 2, person_id) < 0)
		return db_fail(s, st, err, "cannot read the enrolment");
	rc = stmt_step(st);
	if (rc < 0)
		return db_fail(s, st, err, "cannot read the enrolment");
	*ok = rc == STORE_ROW;
	stmt_done(st);
	return 0;
}

/* ---- the sheet ---- */

static const char sql_sheet[] =
	"SELECT p.id, p.id_number, p.name, sc.name, a.present, a.arrived, a.departed, a.source"
	" FROM enrolments e JOIN persons p ON p.id = e.person_id"
	" LEFT JOIN schools sc ON sc.id = p.school_id"
	" LEFT JOIN attendance a ON a.session_id = ? AND a.person_id = e.person_id"
	" WHERE e.programme_id = ? AND e.status = 'seated'"
	" ORDER BY sc.name, p.name, p.id";

int attendance_sheet(struct store *s, struct arena *a, const struct att_session *session,
		     struct att_row **out, int *n, struct err *err)
{
	struct stmt *st = NULL;
	struct att_row *rows = NULL;
	int cap = 0, rc;

	*n = 0;
	if (store_prepare(s, sql_sheet, &st) < 0 || stmt_bind_int(st, 1, session->id) < 0 ||
	    stmt_bind_int(st, 2, session->programme_id) < 0)
		return db_fail(s, st, err, "cannot read the attendance sheet");
	while ((rc = stmt_step(st)) == STORE_ROW) {
		struct att_row *r;

		rows = grow(a, rows, *n, &cap, sizeof *rows);
		if (!rows) {
			stmt_done(st);
			err_set(err, ERR_INTERNAL, "out of memory");
			return -1;
		}
		r = &rows[(*n)++];
		r->person_id = stmt_int(st, 0);
		r->id_number = dup_text(a, st, 1);
		r->name = dup_text(a, st, 2);
		r->school_name = dup_text(a, st, 3);
		r->present = stmt_is_null(st, 4) ? -1 : (int)stmt_int(st, 4);
		r->arrived = dup_text(a, st, 5);
		r->departed = dup_text(a, st, 6);
		r->source = dup_text(a, st, 7);
	}
	if (rc < 0)
		return db_fail(s, st, err, "cannot read the attendance sheet");
	stmt_done(st);
	*out = rows;
	return 0;
}

/* A mark by the sheet or a file decides presence and leaves the scanned
 * times as they were: they are the evidence the organiser overrode. */
static const char sql_mark[] =
	"INSERT INTO attendance (session_id, person_id, present, source, marked_at, marked_by)"
	" VALUES (?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (session_id, person_id) DO UPDATE SET present = excluded.present,"
	" source = excluded.source, marked_at = excluded.marked_at, marked_by = excluded.marked_by";

static int write_mark(struct store *s, int64_t session_id, const struct att_mark *m, const char *source,
		      const char *now, const struct actor *by)
{
	struct stmt *st;

	if (store_prepare(s, sql_mark, &st) < 0)
		return -1;
	if (stmt_bind_int(st, 1, session_id) < 0 || stmt_bind_int(st, 2, m->person_id) < 0 ||
	    stmt_bind_int(st, 3, m->present ? 1 : 0) < 0 || stmt_bind_text(st, 4, source) < 0 ||
	    stmt_bind_text(st, 5, now) < 0 ||
	    stmt_bind_text(st, 6, by && by->name ? by->name : "system") < 0) {
		stmt_done(st);
		return -1;
	}
	return stmt_run(st) < 0 ? -1 : 0;
}

/* Attendance is a record of what happened: a session still to come has
 * none to mark (the organiser's sheet and file alike; a scan is held to
 * the day itself).  Dates compare in the centre's local time, as the
 * timetable is written. */
static int session_has_begun(const struct att_session *session, struct err *err)
{
	time_t now = time(NULL);
	struct tm local;
	char day[16];

	if (!localtime_r(&now, &local) || strftime(day, sizeof day, "%Y-%m-%d", &local) != 10) {
		err_set(err, ERR_INTERNAL, "cannot read the local time");
		return -1;
	}
	if (strcmp(session->day, day) > 0) {
		err_field(err, ERR_CONFLICT, "day", "this session is on %s, still to come: "
			  "attendance is marked on or after its day", session->day);
		return -1;
	}
	return 0;
}

int attendance_mark(struct store *s, const struct att_session *session, const struct att_mark *marks,
		    int n, const struct actor *by, struct err *err)
{
	char now[ISO_TIME_LEN], object[48], detail[96];
	int present = 0;

	if (n <= 0) {
		err_set(err, ERR_INVALID, "nobody to mark");
		return -1;
	}
	if (session_has_begun(session, err) < 0)
		return -1;
	if (store_begin(s, STORE_WRITE) < 0)
		return db_fail(s, NULL, err, "cannot mark attendance");
	clock_now_iso(now);
	for (int i = 0; i < n; i++) {
		bool seated;

		/* read in the write transaction: a withdrawal cannot slip in
		 * between the check and the mark */
		if (attendance_is_seated(s, session->programme_id, marks[i].person_id, &seated, err) < 0)
			goto fail;
		if (!seated) {
			err_set(err, ERR_INVALID, "person %lld is not seated in this programme",
				(long long)marks[i].person_id);
			goto fail;
		}
		if (write_mark(s, session->id, &marks[i], "sheet", now, by) < 0) {
			db_fail(s, NULL, err, "cannot mark attendance");
			goto fail;
		}
		present += marks[i].present ? 1 : 0;
	}
	snprintf(object, sizeof object, "session:%lld", (long long)session->id);
	snprintf(detail, sizeof detail, "%d present, %d absent (sheet)", present, n - present);
	if (audit_record(s, by, "attendance.mark", object, detail) < 0 || store_commit(s) < 0) {
		db_fail(s, NULL, err, "cannot mark attendance");
		goto fail;
	}
	return 0;
fail:
	store_rollback(s);
	return -1;
}

/* ---- importing a file ---- */

/* The ID number's problem in Chinese (idcard.c explains in English). */
static const char *idcard_zh(enum idcard_error k)
{
	switch (k) {
	case IDCARD_EMPTY: return "身份证号为空";
	case IDCARD_LENGTH: return "身份证号位数不对：应为 18 位（或旧的 15 位）";
	case IDCARD_CHARACTER: return "身份证号只能是数字，最后一位可以是 X";
	case IDCARD_REGION: return "身份证号前两位不是有效的省份代码";
	case IDCARD_DATE: return "身份证号中的出生日期不存在";
	case IDCARD_FUTURE: return "身份证号中的出生日期晚于今天";
	case IDCARD_CHECK: return "身份证号校验位不对，可能有输错的数字";
	case IDCARD_NUMERIC: return "身份证号被 Excel 变成了数字，末几位已丢失：请把该列设为文本";
	default: return "身份证号有误";
	}
}

/* 1 present, 0 absent, -1 not a value we know.  The words an organiser
 * types in either language, and the 1/0 a spreadsheet formula gives. */
static int attendance_value(const char *v)
{
	static const char *const yes[] = { "出席", "出勤", "是", "1", "present", "yes", "y", "√", NULL };
	static const char *const no[] = { "缺席", "缺勤", "否", "0", "absent", "no", "n", "×", NULL };

	for (int i = 0; yes[i]; i++)
		if (!strcasecmp(v, yes[i]))
			return 1;
	for (int i = 0; no[i]; i++)
		if (!strcasecmp(v, no[i]))
			return 0;
	return -1;
}

static void line_error(struct att_import_report *r, long line, const char *column, const char *zh,
		       const char *en_fmt, ...) __attribute__((format(printf, 5, 6)));

static void line_error(struct att_import_report *r, long line, const char *column, const char *zh,
		       const char *en_fmt, ...)
{
	struct att_line_error *e;
	va_list ap;

	if (r->nerrors++ >= ATT_IMPORT_ERRORS_MAX)
		return;
	e = &r->errors[r->nerrors - 1];
	e->line = line;
	snprintf(e->column, sizeof e->column, "%s", column);
	snprintf(e->message_zh, sizeof e->message_zh, "%s", zh);
	va_start(ap, en_fmt);
	vsnprintf(e->message, sizeof e->message, en_fmt, ap);
	va_end(ap);
}

static const char *const id_headings[] = { "身份证号", "身份证号码", "id_number", "ID number", NULL };
static const char *const mark_headings[] = { "出勤", "出勤情况", "attendance", NULL };

static int heading_index(struct arena *a, const struct sheet_row *row, const char *const *names)
{
	for (int c = 0; c < row->ncells; c++) {
		const char *t = utf8_trimmed(a, row->cells[c].text);

		for (int k = 0; t && names[k]; k++)
			if (!strcasecmp(t, names[k]))
				return c;
	}
	return -1;
}

struct import_line {
	long line;
	char id[ID_NUMBER_LEN + 1];
	int present;
	int64_t person_id;
};

static const char sql_person_seated[] =
	"SELECT p.id, (SELECT count(*) FROM enrolments e WHERE e.programme_id = ? AND e.person_id = p.id"
	" AND e.status = 'seated') FROM persons p WHERE p.id_number = ?";

/* Reads every row; bad ones go to the report.  Returns the lines read
 * (in *lines, *n), -1 for a file that cannot be read at all. */
static int read_file(struct arena *a, const void *data, size_t len, struct att_import_report *report,
		     struct import_line **lines, int *n, struct err *err)
{
	struct sheet *sh = NULL;
	struct sheet_row row;
	struct err serr = { 0 };
	int id_col = -1, mark_col = -1, cap = 0, rc;
	bool header = true;

	*n = 0;
	if (sheet_open_mem(data, len, &sh, &serr) < 0) {
		err_set(err, ERR_INVALID, "%s", serr.message);
		return -1;
	}
	while ((rc = sheet_next(sh, &row, &serr)) == 1) {
		struct import_line *l;
		const char *id_text, *mark_text;
		struct err ierr = { 0 };
		enum idcard_error k;

		if (header) {
			header = false;
			id_col = heading_index(a, &row, id_headings);
			mark_col = heading_index(a, &row, mark_headings);
			if (id_col < 0)
				line_error(report, row.line, "身份证号", "缺少“身份证号”一列",
					   "the column 身份证号 (ID number) is missing");
			if (mark_col < 0)
				line_error(report, row.line, "出勤", "缺少“出勤”一列",
					   "the column 出勤 (attendance) is missing");
			if (id_col < 0 || mark_col < 0)
				break;
			continue;
		}
		*lines = grow(a, *lines, *n, &cap, sizeof **lines);
		if (!*lines) {
			sheet_close(sh);
			err_set(err, ERR_INTERNAL, "out of memory");
			return -1;
		}
		l = &(*lines)[*n];
		memset(l, 0, sizeof *l);
		l->line = row.line;
		id_text = id_col < row.ncells ? row.cells[id_col].text : "";
		mark_text = utf8_trimmed(a, mark_col < row.ncells ? row.cells[mark_col].text : "");
		k = idcard_parse(id_text, NULL, l->id, &ierr);
		if (k != IDCARD_OK) {
			line_error(report, row.line, "身份证号", idcard_zh(k), "%s", ierr.message);
			continue;
		}
		l->present = attendance_value(mark_text ? mark_text : "");
		if (l->present < 0) {
			line_error(report, row.line, "出勤", "应为 出席/缺席、是/否 或 1/0",
				   "write 出席 or 缺席, 是 or 否, 1 or 0, present or absent");
			continue;
		}
		(*n)++;
	}
	if (rc < 0) {
		sheet_close(sh);
		err_set(err, ERR_INVALID, "%s", serr.message);
		return -1;
	}
	sheet_close(sh);
	if (header)
		line_error(report, 1, "身份证号", "文件是空的", "the file is empty");
	else if (*n == 0 && report->nerrors == 0)
		line_error(report, 2, "身份证号", "文件只有表头，没有考勤行", "the file has a heading but no rows");
	return 0;
}

/* Finds each line's person in the write transaction: the person exists,
 * is seated, and is in the file once. */
static int resolve_people(struct store *s, const struct att_session *session, struct import_line *lines,
			  int n, struct att_import_report *report, struct err *err)
{
	struct stmt *st = NULL;

	for (int i = 0; i < n; i++) {
		int rc;
		int64_t seated;

		if (store_prepare(s, sql_person_seated, &st) < 0 ||
		    stmt_bind_int(st, 1, session->programme_id) < 0 || stmt_bind_text(st, 2, lines[i].id) < 0)
			return db_fail(s, st, err, "cannot read the participants");
		rc = stmt_step(st);
		if (rc < 0)
			return db_fail(s, st, err, "cannot read the participants");
		if (rc != STORE_ROW) {
			stmt_done(st);
			line_error(report, lines[i].line, "身份证号", "平台上没有这个身份证号的人员",
				   "nobody with this ID number is registered");
			continue;
		}
		lines[i].person_id = stmt_int(st, 0);
		seated = stmt_int(st, 1);
		stmt_done(st);
		if (!seated) {
			line_error(report, lines[i].line, "身份证号", "此人不是本项目的正式学员",
				   "this person is not seated in the programme");
			lines[i].person_id = 0;
			continue;
		}
		for (int j = 0; j < i; j++)
			if (lines[j].person_id == lines[i].person_id) {
				char zh[96];

				snprintf(zh, sizeof zh, "与第 %ld 行是同一人", lines[j].line);
				line_error(report, lines[i].line, "身份证号", zh,
					   "the same person as on line %ld", lines[j].line);
				break;
			}
	}
	return 0;
}

static int by_line(const void *a, const void *b)
{
	long x = ((const struct att_line_error *)a)->line, y = ((const struct att_line_error *)b)->line;

	return (x > y) - (x < y);
}

int attendance_import(struct store *s, const struct att_session *session, const void *data,
		      size_t len, const struct actor *by, struct att_import_report *report,
		      struct err *err)
{
	struct arena a;
	struct import_line *lines = NULL;
	char now[ISO_TIME_LEN], object[48], detail[64];
	int n = 0, present = 0, out = -1;

	memset(report, 0, sizeof *report);
	arena_init(&a);
	if (session_has_begun(session, err) < 0)
		goto done;
	if (read_file(&a, data, len, report, &lines, &n, err) < 0)
		goto done;
	if (store_begin(s, STORE_WRITE) < 0) {
		db_fail(s, NULL, err, "cannot import attendance");
		goto done;
	}
	if (resolve_people(s, session, lines, n, report, err) < 0)
		goto fail;
	if (report->nerrors) {
		int kept = report->nerrors < ATT_IMPORT_ERRORS_MAX ? report->nerrors : ATT_IMPORT_ERRORS_MAX;

		/* in the file's order, whichever check found them */
		qsort(report->errors, (size_t)kept, sizeof report->errors[0], by_line);
		/* all or nothing: a file half applied is a file nobody can
		 * reason about (the same rule as the registry import) */
		err_set(err, ERR_INVALID, "%d row%s of the file %s wrong: nothing was written", report->nerrors,
			report->nerrors == 1 ? "" : "s", report->nerrors == 1 ? "is" : "are");
		goto fail;
	}
	clock_now_iso(now);
	for (int i = 0; i < n; i++) {
		struct att_mark m = { lines[i].person_id, lines[i].present };

		if (write_mark(s, session->id, &m, "csv", now, by) < 0) {
			db_fail(s, NULL, err, "cannot import attendance");
			goto fail;
		}
		present += m.present;
	}
	snprintf(object, sizeof object, "session:%lld", (long long)session->id);
	snprintf(detail, sizeof detail, "%d present, %d absent (file)", present, n - present);
	if (audit_record(s, by, "attendance.import", object, detail) < 0 || store_commit(s) < 0) {
		db_fail(s, NULL, err, "cannot import attendance");
		goto fail;
	}
	report->marked = n;
	out = 0;
	goto done;
fail:
	store_rollback(s);
done:
	arena_release(&a);
	return out;
}

/* ---- QR check-in ---- */

void attendance_token(const unsigned char *key, size_t keylen, int64_t session_id, time_t now,
		      char out[ATT_TOKEN_CHARS + 1])
{
	char msg[64], mac[2 * TOKEN_HASH_BYTES + 1];
	long long window = (long long)(now / ATT_WINDOW_SECONDS);

	/* "checkin:" keeps these MACs apart from the CSRF tokens made with
	 * the same secret */
	snprintf(msg, sizeof msg, "checkin:%lld:%lld", (long long)session_id, window);
	secret_mac_hex(key, keylen, msg, mac);
	memcpy(out, mac, ATT_TOKEN_CHARS);
	out[ATT_TOKEN_CHARS] = '\0';
}

bool attendance_token_valid(const unsigned char *key, size_t keylen, int64_t session_id,
			    const char *token, time_t now)
{
	char want[ATT_TOKEN_CHARS + 1];

	if (!token || strlen(token) != ATT_TOKEN_CHARS)
		return false;
	for (int back = 0; back < 2; back++) {
		attendance_token(key, keylen, session_id, now - (time_t)back * ATT_WINDOW_SECONDS, want);
		if (secret_equal(want, token))
			return true;
	}
	return false;
}

int attendance_token_seconds_left(time_t now)
{
	return ATT_WINDOW_SECONDS - (int)(now % ATT_WINDOW_SECONDS);
}

/* Minutes since midnight of 'HH:MM', or -1. */
static int minutes_of(const char *t)
{
	if (!t || strlen(t) != 5 || t[2] != ':' || t[0] < '0' || t[0] > '2' || t[1] < '0' || t[1] > '9' ||
	    t[3] < '0' || t[3] > '5' || t[4] < '0' || t[4] > '9')
		return -1;
	return ((t[0] - '0') * 10 + (t[1] - '0')) * 60 + (t[3] - '0') * 10 + (t[4] - '0');
}

bool attendance_present_by_clock(const char *starts, const char *ends, const char *arrived,
				 const char *departed, int tolerance_min)
{
	int s = minutes_of(starts), e = minutes_of(ends), a = minutes_of(arrived), d = minutes_of(departed);

	if (s < 0 || e < 0 || a < 0 || d < 0)
		return false;
	return a <= s + tolerance_min && d >= e - tolerance_min;
}

static const char sql_row[] =
	"SELECT present, arrived, departed, source FROM attendance WHERE session_id = ? AND person_id = ?";

static const char sql_scan_times[] =
	"UPDATE attendance SET arrived = ?, departed = ? WHERE session_id = ? AND person_id = ?";

static const char sql_scan[] =
	"INSERT INTO attendance (session_id, person_id, present, arrived, departed, source, marked_at,"
	" marked_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (session_id, person_id) DO UPDATE SET present = excluded.present,"
	" arrived = excluded.arrived, departed = excluded.departed, source = excluded.source,"
	" marked_at = excluded.marked_at, marked_by = excluded.marked_by";

int attendance_checkin(struct store *s, struct arena *a, const unsigned char *key, size_t keylen,
		       int64_t session_id, const char *token, int64_t person_id, time_t now,
		       const struct actor *by, struct att_checkin *out, struct err *err)
{
	struct att_session session;
	struct att_programme p;
	struct stmt *st = NULL;
	struct tm local;
	char day[11], hhmm[6], iso[ISO_TIME_LEN], object[48], detail[96];
	const char *source = "qr";
	bool seated, have_row = false;
	int present = 0, rc;

	memset(out, 0, sizeof *out);
	rc = attendance_session_find(s, a, session_id, &session, &p, err);
	if (rc != 0)
		return -1;
	if (!attendance_token_valid(key, keylen, session_id, token, now)) {
		err_field(err, ERR_FORBIDDEN, "token", "the code has expired: scan the code on the screen again");
		return -1;
	}
	if (!strcmp(p.status, "draft") || !strcmp(p.status, "cancelled")) {
		err_field(err, ERR_CONFLICT, "status", "the programme is not running");
		return -1;
	}
	/* the timetable is written in the centre's local time, and so is the
	 * clock a scan reads (the demo runs in Asia/Shanghai) */
	if (!localtime_r(&now, &local)) {
		err_set(err, ERR_INTERNAL, "cannot read the local time");
		return -1;
	}
	if (strftime(day, sizeof day, "%Y-%m-%d", &local) != 10 || strftime(hhmm, sizeof hhmm, "%H:%M", &local) != 5) {
		err_set(err, ERR_INTERNAL, "cannot read the local time");
		return -1;
	}
	if (strcmp(day, session.day)) {
		err_field(err, ERR_CONFLICT, "day", "this session is on %s, not today", session.day);
		return -1;
	}

	if (store_begin(s, STORE_WRITE) < 0)
		return db_fail(s, NULL, err, "cannot record the check-in");
	if (attendance_is_seated(s, p.id, person_id, &seated, err) < 0)
		goto fail;
	if (!seated) {
		err_field(err, ERR_CONFLICT, "seated", "you are not seated in this programme");
		goto fail;
	}
	if (store_prepare(s, sql_row, &st) < 0 || stmt_bind_int(st, 1, session_id) < 0 ||
	    stmt_bind_int(st, 2, person_id) < 0) {
		db_fail(s, st, err, "cannot record the check-in");
		goto fail;
	}
	rc = stmt_step(st);
	if (rc < 0) {
		db_fail(s, st, err, "cannot record the check-in");
		goto fail;
	}
	if (rc == STORE_ROW) {
		have_row = true;
		present = (int)stmt_int(st, 0);
		out->arrived = dup_text(a, st, 1);
		out->departed = dup_text(a, st, 2);
		source = arena_strdup(a, stmt_text(st, 3));
	}
	stmt_done(st);
	st = NULL;

	/* The first scan is the arrival; every later one the departure (the
	 * last one counts, so a scan by mistake at the door is put right by
	 * the real one at the end). */
	if (!out->arrived) {
		out->arrived = arena_strdup(a, hhmm);
	} else {
		out->departed = arena_strdup(a, hhmm);
		out->departure = true;
	}
	/* An organiser's mark on the sheet or by file is a decision: a scan
	 * records the times beside it and leaves it standing. */
	out->manual = have_row && strcmp(source, "qr");
	if (!out->manual) {
		source = "qr";
		present = attendance_present_by_clock(session.starts, session.ends, out->arrived,
						      out->departed, p.tolerance_min);
	}
	out->present = present;

	clock_now_iso(iso);
	if (out->manual) {
		/* the times only: who decided, and when, stay the organiser's */
		if (store_prepare(s, sql_scan_times, &st) < 0 || stmt_bind_text(st, 1, out->arrived) < 0 ||
		    stmt_bind_text(st, 2, out->departed) < 0 || stmt_bind_int(st, 3, session_id) < 0 ||
		    stmt_bind_int(st, 4, person_id) < 0 || stmt_run(st) < 0) {
			db_fail(s, st, err, "cannot record the check-in");
			goto fail;
		}
	} else if (store_prepare(s, sql_scan, &st) < 0 || stmt_bind_int(st, 1, session_id) < 0 ||
	    stmt_bind_int(st, 2, person_id) < 0 || stmt_bind_int(st, 3, present) < 0 ||
	    stmt_bind_text(st, 4, out->arrived) < 0 || stmt_bind_text(st, 5, out->departed) < 0 ||
	    stmt_bind_text(st, 6, source) < 0 || stmt_bind_text(st, 7, iso) < 0 ||
	    stmt_bind_text(st, 8, by && by->name ? by->name : "system") < 0 || stmt_run(st) < 0) {
		db_fail(s, st, err, "cannot record the check-in");
		goto fail;
	}
	snprintf(object, sizeof object, "session:%lld", (long long)session_id);
	snprintf(detail, sizeof detail, "person %lld %s %s%s", (long long)person_id,
		 out->departure ? "departed" : "arrived", hhmm, present ? ", present" : "");
	if (audit_record(s, by, "attendance.checkin", object, detail) < 0 || store_commit(s) < 0) {
		db_fail(s, NULL, err, "cannot record the check-in");
		goto fail;
	}
	return 0;
fail:
	store_rollback(s);
	return -1;
}
