/* programme.h - training programmes (培训项目), their sessions and venues
 * (DOMAIN.md "Training and hours"; schema in migrations/003_training.sql).
 *
 * API:
 * programme_get_by_code() reads one programme whole: organiser, attributes,
 *   seat counts, audience and sessions.
 * programme_visible() / programme_manageable() say whether a caller may see
 *   or run a programme; programme_audience_admits() whether a person is in
 *   its audience.  Enrolment and attendance call these three.
 * programme_list() is the catalogue: one page of the programmes a caller
 *   may see, filtered, with the total of every match.
 * programme_write() creates or changes a programme from what a user wrote
 *   (a form or JSON: the same checks, field by field, in both languages).
 * programme_set_status() publishes, closes or cancels.
 * programme_session_add() / programme_session_delete() keep the sessions;
 *   an add refuses a venue or trainer already booked at that time.
 * programme_venues() / programme_trainers() list what the session form
 *   offers: the organiser's venues and its trainers.
 *
 * Every write runs in its own STORE_WRITE (BEGIN IMMEDIATE) transaction
 * with its audit row, so a check and the write it allows see the same
 * database: two admins cannot book one room for one hour at once.
 *
 * 'today' ("YYYY-MM-DD") and 'now' (UTC ISO time) are passed in, never read
 * here: the rules stay testable and one request sees one date. */
#ifndef TDC_PROGRAMME_H
#define TDC_PROGRAMME_H

#include <stdbool.h>
#include <stdint.h>

#include "core/principal.h"
#include "core/registry.h"
#include "lib/arena.h"

struct store;

/* ---- records ---- */

/* One audience row: kind is "role", "stage", "subject" or "region". */
struct programme_audience_item {
	const char *kind, *value;
};

struct programme_session {
	int64_t id;
	const char *day;            /* YYYY-MM-DD */
	const char *starts, *ends;  /* HH:MM */
	int64_t venue_id;           /* 0: none */
	const char *venue_name;     /* NULL: none */
	int64_t trainer_id;         /* persons.id, 0: none */
	const char *trainer_name;   /* NULL: none */
	const char *topic;          /* NULL: none */
	bool has_attendance;        /* attendance recorded: the session stays */
};

/* A programme as stored.  Strings are arena copies (never NULL except the
 * optional description); codes are the schema's. */
struct programme {
	int64_t id;
	const char *code, *title;
	int64_t centre_id;          /* the organiser */
	const char *centre_code, *centre_name, *centre_kind, *centre_region;
	const char *category, *level, *mode;
	int32_t hours10;            /* tenths of an hour */
	int64_t capacity;
	const char *enrol_open, *enrol_close; /* the window, both days inclusive */
	const char *status;         /* draft, published, closed, cancelled, completed */
	int attendance_min;         /* per cent of sessions attended to complete */
	int pass_mark;              /* 0-100, or -1 when the programme has no examination */
	int tolerance_min;          /* minutes late or early still counted present */
	const char *description;    /* NULL when none */
	const char *created_at, *created_by;
	int64_t seated, waiting;    /* enrolments by status (withdrawn not counted) */
	/* filled by programme_get_by_code() only, not by programme_list() */
	struct programme_audience_item *audience;
	int naudience;
	struct programme_session *sessions; /* by day and start */
	int nsessions;
};

/* Reads a programme, its seat counts, audience and sessions.  0, or
 * STORE_ENOTFOUND, or another negative store error.  No visibility check:
 * ask programme_visible(). */
int programme_get_by_code(struct store *s, struct arena *a, const char *code,
			  struct programme *out);

/* Is a programme open for enrolment on 'today': published, and today
 * inside [enrol_open, enrol_close]? */
bool programme_open_on(const struct programme *p, const char *today);

/* ---- who ---- */

/* The centre a centre admin works for (centres.code = her scope): its id,
 * or 0 for anyone else.  0 on success, negative store error. */
int programme_centre_of(struct store *s, const struct principal *who, int64_t *centre_id);

/* May the caller run this programme (edit, sessions, status, and, in the
 * other parts, enrolments, attendance and completion)?  The system admin
 * always; a centre admin when the programme's organiser is her centre (the
 * centre whose code is her scope); nobody else.  No database access. */
bool programme_manageable(const struct principal *who, const struct programme *p);

/* Does the person belong to the programme's audience?  For each kind the
 * programme lists (role, stage, subject, region), the person must match
 * one of its values; a kind with no rows admits everyone.  The person's
 * facts: role = persons.role; stage = her school's stage; subject =
 * persons.subject (compared exactly); region = her school's district or
 * that district's city (centre staff without a school: the centre's
 * region).  A person without a school matches no stage row.  Only p->id is
 * read.  False also when the person does not exist or the database fails
 * (*rc, if not NULL, gets 0 or the negative store error). */
bool programme_audience_admits(struct store *s, const struct programme *p, int64_t person_id,
			       int *rc);

/* May the caller see this programme's page?  The system admin, the bureau
 * and the organiser's admins: always.  Other centre admins and school
 * admins: once published (published, closed, completed).  A teacher: once
 * published when the audience admits her, or whenever she holds an
 * enrolment in it.  Others: never.  *rc as above. */
bool programme_visible(struct store *s, const struct principal *who, const struct programme *p,
		       int *rc);

/* ---- the catalogue ---- */

struct programme_filter {
	const char *q;              /* a substring of the title or the code */
	const char *category, *mode, *level, *status;
	bool open;                  /* published and today within the window */
	const char *today;          /* needed for open */
	int limit, offset;          /* limit <= 0: 50 */
};

/* One page of the programmes the caller may see (programme_visible()'s
 * rule, as SQL), newest window first.  Teachers and school admins see
 * published programmes only unless f->status asks for closed or completed
 * ones.  Items have no audience or sessions. */
int programme_list(struct store *s, struct arena *a, const struct principal *who,
		   const struct programme_filter *f, struct programme **items, int *n,
		   int64_t *total);

bool programme_is_category(const char *v);   /* hours_category_valid() */
bool programme_is_level(const char *v);
bool programme_is_mode(const char *v);
bool programme_is_status(const char *v);
extern const char *const programme_levels[]; /* NULL-terminated, display order */
extern const char *const programme_modes[];
extern const char *const programme_statuses[];
extern const char *const programme_audience_kinds[]; /* role, stage, subject, region */

/* ---- writing ---- */

enum programme_result {
	PROGRAMME_OK = 0,
	PROGRAMME_INVALID = -1,     /* fe says which fields: 422 */
	PROGRAMME_CONFLICT = -2,    /* a duplicate code, or a clash (see clash): 409 */
	PROGRAMME_FORBIDDEN = -3,   /* not the caller's to run: 403 */
	PROGRAMME_NOT_FOUND = -4,   /* no such programme or session: 404 */
	PROGRAMME_ERROR = -5,       /* the database failed: 500 */
};

/* Which fields a write carries (an edit form carries all, PATCH some). */
enum programme_field {
	PG_CODE = 1 << 0, PG_TITLE = 1 << 1, PG_CENTRE = 1 << 2, PG_CATEGORY = 1 << 3,
	PG_LEVEL = 1 << 4, PG_MODE = 1 << 5, PG_HOURS = 1 << 6, PG_CAPACITY = 1 << 7,
	PG_ENROL_OPEN = 1 << 8, PG_ENROL_CLOSE = 1 << 9, PG_ATTENDANCE_MIN = 1 << 10,
	PG_PASS_MARK = 1 << 11, PG_TOLERANCE_MIN = 1 << 12, PG_DESCRIPTION = 1 << 13,
	PG_AUDIENCE = 1 << 14, PG_STATUS = 1 << 15,
	PG_ALL = (1 << 16) - 1,
};

/* A session as a user wrote it.  The venue: venue_id (one of the
 * organiser's) or venue_name (an existing name of the organiser's, else a
 * new venue made on save).  The trainer: trainer_id (persons.id) or
 * trainer_id_number (any registered person); both may be left empty. */
struct programme_session_in {
	const char *day, *starts, *ends;
	const char *venue_id, *venue_name;
	const char *trainer_id, *trainer_id_number;
	const char *topic;
};

/* What a user wrote: strings as sent, untrimmed or NULL.  centre: the
 * organiser's code, needed from the system admin only (a centre admin
 * organises for her own centre).  status on creation: "draft" or
 * "published" (default published).  pass_mark "" or NULL: no examination. */
struct programme_in {
	const char *code, *title, *centre, *category, *level, *mode, *hours, *capacity;
	const char *enrol_open, *enrol_close, *attendance_min, *pass_mark, *tolerance_min;
	const char *description, *status;
	const struct programme_audience_item *audience;
	int naudience;
	/* creation only: sessions added in the same transaction */
	const struct programme_session_in *sessions;
	int nsessions;
};

/* A double booking found by a session add. */
struct programme_clash {
	bool venue;                 /* the venue is taken; else the trainer */
	const char *code, *title;   /* the other programme */
	const char *day, *starts, *ends;
};

struct programme_change {
	const struct principal *who; /* decides organiser and rights */
	const struct actor *actor;   /* for the audit log */
	const char *now;             /* UTC ISO time */
};

/* Creates (code_before NULL: every required field, 'fields' ignored) or
 * updates the programme code_before with the fields named.  A code never
 * changes.  Capacity never goes below the seated count.  On CONFLICT with
 * clash->code set, a session of in->sessions clashed; otherwise the code is
 * taken (fe says so too).  *code_out gets the stored code (arena). */
enum programme_result programme_write(struct store *s, struct arena *a,
				      const struct programme_change *ch, const char *code_before,
				      const struct programme_in *in, unsigned fields,
				      struct field_errors *fe, struct programme_clash *clash,
				      const char **code_out);

/* action: "publish" (draft -> published), "close" (published -> closed:
 * enrolment ends), "cancel" (draft, published or closed -> cancelled).
 * INVALID with fe (field "action") for any other move. */
enum programme_result programme_set_status(struct store *s, struct arena *a,
					   const struct programme_change *ch, const char *code,
					   const char *action, struct field_errors *fe);

/* Adds a session after the clash check, in one transaction.  A cancelled
 * or completed programme takes no sessions.  CONFLICT fills clash and fe. */
enum programme_result programme_session_add(struct store *s, struct arena *a,
					    const struct programme_change *ch, const char *code,
					    const struct programme_session_in *in,
					    struct field_errors *fe, struct programme_clash *clash,
					    int64_t *session_id);
/* Removes a session that has no attendance recorded (else INVALID, fe
 * field "session"). */
enum programme_result programme_session_delete(struct store *s, struct arena *a,
					       const struct programme_change *ch, const char *code,
					       int64_t session_id, struct field_errors *fe);

/* ---- the session form's choices ---- */

struct programme_venue {
	int64_t id;
	const char *name;
};
struct programme_trainer {
	int64_t id;
	const char *name, *subject;
};
/* The centre's venues by name; its serving trainers (role 'trainer'). */
int programme_venues(struct store *s, struct arena *a, int64_t centre_id,
		     struct programme_venue **items, int *n);
int programme_trainers(struct store *s, struct arena *a, int64_t centre_id,
		       struct programme_trainer **items, int *n);

/* ---- demo data (demo_training.c) ---- */

/* About a dozen programmes across the demo city's centres, with sessions,
 * venues and trainers from the centres' staff, windows around 'today'; at
 * least one of 440106's, open today, admits a teacher of the school
 * teacher_school (a school code).  Runs inside demo_create()'s transaction.
 * 0, or a negative store error. */
int demo_training_create(struct store *s, const char *today, const char *teacher_school);

#endif
