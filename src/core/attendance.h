/* attendance.h - who was at each session of a programme (考勤): marked on
 * the sheet, imported from a file, or scanned in by the teachers
 * themselves with a QR code that changes every 30 seconds.
 *
 * API:
 * attendance_programme_get(), attendance_session_get(),
 *   attendance_session_find(), attendance_sessions(): the programme and
 *   session facts attendance needs (see "Programme facts" in attendance.c:
 *   a stand-in for core/programme.h until the two meet).
 * attendance_may_manage(): is the caller the programme's organiser (a
 *   centre admin of its centre) or the system admin?
 * attendance_sheet(): the seated participants and their mark for a session.
 * attendance_mark(): marks some participants present or absent on the
 *   sheet, in one transaction; only seated participants may be marked.
 * attendance_import(): the same from a CSV or spreadsheet with the columns
 *   身份证号 and 出勤; all rows or none, every bad row named by its line.
 * attendance_token(), attendance_token_valid(): the rotating check-in
 *   token, a keyed MAC over the session and the 30-second window.
 * attendance_checkin(): one scan by a participant: the first sets the
 *   arrival, later ones the departure, and presence follows the clock.
 * attendance_present_by_clock(): the tolerance rule on its own.
 *
 * Every function that depends on the time takes 'now' as an argument: the
 * rules stay testable, and one request sees one instant (STYLE.md 2.4). */
#ifndef TDC_ATTENDANCE_H
#define TDC_ATTENDANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/principal.h"
#include "lib/arena.h"
#include "lib/err.h"

struct store;

struct att_programme {
	int64_t id;
	const char *code, *title, *category, *status;
	const char *centre_code, *centre_name; /* the organiser */
	int32_t hours10;
	int attendance_min;   /* per cent of the sessions */
	int pass_mark;        /* 0-100, or -1 when the programme is not examined */
	int tolerance_min;    /* minutes late or early still counted present */
	const char *completed_at; /* NULL until completed */
};

struct att_session {
	int64_t id, programme_id;
	const char *day, *starts, *ends; /* 'YYYY-MM-DD', 'HH:MM' */
	const char *topic;               /* may be "" */
	int64_t trainer_id;              /* the trainer's person, 0 when none */
};

/* 0, STORE_ENOTFOUND when there is no such programme, or -1 with err. */
int attendance_programme_get(struct store *s, struct arena *a, const char *code,
			     struct att_programme *out, struct err *err);
/* A session of that programme: STORE_ENOTFOUND for another programme's. */
int attendance_session_get(struct store *s, struct arena *a, const struct att_programme *p,
			   int64_t session_id, struct att_session *out, struct err *err);
/* A session by its id alone, and its programme (the check-in link). */
int attendance_session_find(struct store *s, struct arena *a, int64_t session_id,
			    struct att_session *session, struct att_programme *p, struct err *err);
/* The programme's sessions in date and time order. */
int attendance_sessions(struct store *s, struct arena *a, int64_t programme_id,
			struct att_session **out, int *n, struct err *err);
bool attendance_may_manage(const struct principal *who, const struct att_programme *p);

/* One seated participant and her mark for one session. */
struct att_row {
	int64_t person_id;
	const char *id_number, *name, *school_name;
	int present;                    /* 1, 0, or -1 when not marked yet */
	const char *arrived, *departed; /* 'HH:MM' or NULL */
	const char *source;             /* sheet, csv, qr, or NULL */
};

int attendance_sheet(struct store *s, struct arena *a, const struct att_session *session,
		     struct att_row **out, int *n, struct err *err);

struct att_mark {
	int64_t person_id;
	int present; /* 1 or 0 */
};

/* Marks n participants of the session's programme, in one write
 * transaction with its audit row (attendance.mark).  A person who is not
 * seated in the programme fails the whole call (ERR_INVALID). */
int attendance_mark(struct store *s, const struct att_session *session, const struct att_mark *marks,
		    int n, const struct actor *by, struct err *err);

/* One bad row of an attendance file, in both languages (the page shows
 * the reader's, the API and logs the English). */
struct att_line_error {
	long line;
	char column[32];        /* the column's heading as the file has it */
	char message[200];
	char message_zh[200];
};
enum { ATT_IMPORT_ERRORS_MAX = 50 };
struct att_import_report {
	int marked;             /* rows written (0 when there were errors) */
	int nerrors;            /* errors found (may exceed the ones kept) */
	struct att_line_error errors[ATT_IMPORT_ERRORS_MAX];
};

/* Reads an attendance file (CSV in UTF-8, GB18030 or UTF-16, .xlsx, .xls)
 * whose first row names the columns 身份证号 (or id_number) and 出勤 (or
 * attendance), with 出席/缺席, 1/0, 是/否, present/absent.  Every row is
 * checked before anything is written: any bad row (a wrong ID number, a
 * person not seated in the programme, the same person twice, an unknown
 * value) writes nothing and is reported.  Returns 0 with report->marked,
 * -1 with err: ERR_INVALID for a bad file (report->errors say which rows),
 * another code for a failure of the system. */
int attendance_import(struct store *s, const struct att_session *session, const void *data,
		      size_t len, const struct actor *by, struct att_import_report *report,
		      struct err *err);

/* ---- QR check-in ---- */

enum {
	ATT_WINDOW_SECONDS = 30, /* the code on the screen changes this often */
	ATT_TOKEN_CHARS = 12,    /* hex characters of the MAC kept: 48 bits */
};

/* The token for the 30-second window holding now. */
void attendance_token(const unsigned char *key, size_t keylen, int64_t session_id, time_t now,
		      char out[ATT_TOKEN_CHARS + 1]);
/* true when token is the session's token of now's window or the one
 * before (so a code scanned at the end of its window still works, and a
 * photo of it sent to someone elsewhere stops working within a minute). */
bool attendance_token_valid(const unsigned char *key, size_t keylen, int64_t session_id,
			    const char *token, time_t now);
/* Seconds left in now's window: 1..30. */
int attendance_token_seconds_left(time_t now);

/* The tolerance rule: present when the arrival is no later than starts +
 * tolerance and the departure no earlier than ends - tolerance; a missing
 * arrival or departure is absent.  Times are 'HH:MM'. */
bool attendance_present_by_clock(const char *starts, const char *ends, const char *arrived,
				 const char *departed, int tolerance_min);

struct att_checkin {
	bool departure;          /* this scan set the departure, not the arrival */
	const char *arrived, *departed; /* arena copies; departed NULL after a first scan */
	bool present;
	bool manual;             /* the row was marked on the sheet or by file, which stands */
};

/* One scan of the session's code by person_id at now (the server's local
 * time decides the day and the clock, as the timetable is written in it).
 * Errors, with err->field naming the rule: ERR_NOT_FOUND no such session;
 * ERR_FORBIDDEN "token": not the current or the previous one;
 * ERR_CONFLICT "seated": the person is not seated, "status": the programme
 * is a draft or cancelled, "day": the session is not today. */
int attendance_checkin(struct store *s, struct arena *a, const unsigned char *key, size_t keylen,
		       int64_t session_id, const char *token, int64_t person_id, time_t now,
		       const struct actor *by, struct att_checkin *out, struct err *err);

/* Sets *ok when the person is seated in the programme. */
int attendance_is_seated(struct store *s, int64_t programme_id, int64_t person_id, bool *ok,
			 struct err *err);

#endif
