/* registry.h - the people and schools registry: lists, records, changes
 * and their history, each within the caller's scope.
 *
 * API:
 * registry_scope_of() turns a principal into the rows it may see (NULL
 *   principal: the command line, which sees everything).
 * registry_schools() / registry_persons() list one page in scope, filtered,
 *   with the total of every match; registry_*_each() walk every match (export).
 * registry_school_get() / registry_person_get() read one record.
 * registry_school_check() / registry_person_check() turn what a user wrote
 *   (Chinese or English words, dates in several forms, 15-digit ID numbers)
 *   into stored codes, collecting one message per bad field; they touch no
 *   database, so the import, the API and the forms share them.
 * registry_school_save() / registry_person_save() insert or update one
 *   record inside the caller's transaction; every changed attribute becomes a
 *   history row.  Re-saving the same values changes nothing.
 * registry_*_history() read the history, newest first.
 *
 * Records follow the person (persons.id), never the school: a transfer is a
 * change of the person's school, and keeps everything else. */
#ifndef TDC_REGISTRY_H
#define TDC_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/authz.h"
#include "core/principal.h"
#include "lib/arena.h"

struct store;

/* Which rows a caller sees: the same facts authz.c decides on. */
struct registry_scope {
	bool nothing;               /* sees no one (alliance, evaluator) */
	int64_t person_id;          /* a teacher: herself */
	const char *school_code;    /* a school admin */
	const char *district_code;  /* a district centre, or a district bureau */
	const char *region_prefix;  /* a city bureau: districts starting with it */
	const char *domain;         /* a municipal centre (000 art. 7) */
	const char *centre_code;    /* a centre admin also sees its own staff */
	char prefix_buf[7];
};

void registry_scope_of(const struct principal *p, struct registry_scope *sc);

/* ---- records ---- */

struct school_rec {
	int64_t id;
	const char *code, *name, *district_code, *stage, *ownership, *status;
	const char *district_name;  /* read only */
	int64_t persons;            /* serving persons, read only */
};

struct person_rec {
	int64_t id;
	const char *id_number, *name, *gender, *birth_date, *phone;
	const char *school_code, *centre_code;
	const char *role, *subject, *title, *education, *key_level, *service_start, *status;
	int special_grade;
	/* read only: where the person is */
	const char *school_name, *district_code, *district_name, *centre_name, *stage, *ownership;
};

/* Fields of a person, for partial updates (PATCH, an import file's columns). */
enum person_field {
	PF_ID_NUMBER = 1 << 0, PF_NAME = 1 << 1, PF_PHONE = 1 << 2, PF_SCHOOL = 1 << 3,
	PF_CENTRE = 1 << 4, PF_ROLE = 1 << 5, PF_SUBJECT = 1 << 6, PF_TITLE = 1 << 7,
	PF_EDUCATION = 1 << 8, PF_KEY_LEVEL = 1 << 9, PF_SERVICE_START = 1 << 10,
	PF_STATUS = 1 << 11, PF_SPECIAL_GRADE = 1 << 12,
};
enum school_field {
	SF_CODE = 1 << 0, SF_NAME = 1 << 1, SF_DISTRICT = 1 << 2, SF_STAGE = 1 << 3,
	SF_OWNERSHIP = 1 << 4, SF_STATUS = 1 << 5,
};

/* One message per bad field; field is the English key (id_number, title). */
enum { FIELD_ERRORS_MAX = 16 };
struct field_errors {
	int n;
	struct {
		char field[48];         /* "sessions[0].trainer_id_number" */
		char message[200];      /* English: the API, the command line, import reports */
		char message_zh[240];   /* Chinese, for the pages; "" when only English */
	} e[FIELD_ERRORS_MAX];
};
void field_error(struct field_errors *fe, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same message in Chinese and English: both formats take the same
 * arguments, in the same order. */
void field_error2(struct field_errors *fe, const char *field, const char *zh_fmt,
		  const char *en_fmt, ...) __attribute__((format(printf, 4, 5)));

/* Normalises in place what is named in `fields`: codes point to static
 * strings, dates and ID numbers to arena copies.  `creating` makes the
 * fields a new record needs required.  today: "YYYY-MM-DD".  Returns 0, or
 * -1 with fe filled. */
int registry_person_check(struct person_rec *p, unsigned fields, bool creating,
			  const char *today, struct arena *a, struct field_errors *fe);
int registry_school_check(struct school_rec *s, unsigned fields, bool creating,
			  struct arena *a, struct field_errors *fe);

/* The checks that need the database, for a record whose check above
 * failed, so that one answer lists every bad field: a person's school (or
 * centre) exists and is in scope, a school's district exists.  Fields
 * already in fe are skipped.  0, -1 with fe, or a negative store error.
 * registry_*_save() makes the same checks itself. */
int registry_person_check_refs(struct store *s, const struct registry_scope *sc,
			       const struct person_rec *p, unsigned fields, struct field_errors *fe);
int registry_school_check_refs(struct store *s, const struct school_rec *r, unsigned fields,
			       struct field_errors *fe);

/* The authorisation target of a record: its school's code, district, stage
 * and ownership (a centre's staff: the centre's region), and the person. */
void registry_person_target(const struct person_rec *p, struct authz_target *t);
void registry_school_target(const struct school_rec *s, struct authz_target *t);

/* ---- reading ---- */

struct school_filter {
	const char *q;              /* name substring or code prefix */
	const char *district, *stage, *ownership, *status;
	int limit, offset;          /* limit <= 0: 50 */
};

struct person_filter {
	const char *q;              /* name or school-name substring, or an ID number's first digits */
	const char *school, *district, *stage, *ownership;
	const char *role, *title, *education, *key_level, *status;
	int limit, offset;
};

int registry_schools(struct store *s, struct arena *a, const struct registry_scope *sc,
		     const struct school_filter *f, struct school_rec **items, int *n,
		     int64_t *total);
int registry_persons(struct store *s, struct arena *a, const struct registry_scope *sc,
		     const struct person_filter *f, struct person_rec **items, int *n,
		     int64_t *total);
/* Every match, in order, without paging; cb returns non-zero to stop. The
 * record is valid during the call only. */
int registry_schools_each(struct store *s, const struct registry_scope *sc,
			  const struct school_filter *f,
			  int (*cb)(const struct school_rec *r, void *ctx), void *ctx);
int registry_persons_each(struct store *s, const struct registry_scope *sc,
			  const struct person_filter *f,
			  int (*cb)(const struct person_rec *r, void *ctx), void *ctx);

/* 0, or STORE_ENOTFOUND, or another negative store error.  No scope check:
 * the caller asks authz_permits() with registry_*_target(). */
int registry_school_get(struct store *s, struct arena *a, const char *code, struct school_rec *out);
int registry_person_get(struct store *s, struct arena *a, const char *id_number,
			struct person_rec *out);
int registry_person_get_id(struct store *s, struct arena *a, int64_t id, struct person_rec *out);

struct history_row {
	int64_t id;
	const char *at, *field, *old_value, *new_value, *actor, *source;
};
int registry_person_history(struct store *s, struct arena *a, int64_t person_id,
			    struct history_row **rows, int *n);
int registry_school_history(struct store *s, struct arena *a, int64_t school_id,
			    struct history_row **rows, int *n);

struct centre_rec {
	const char *code, *name, *kind, *region_code, *region_name, *domain;
	int64_t staff;
};

/* ---- writing (inside the caller's STORE_WRITE transaction) ---- */

enum save_result { SAVE_UNCHANGED, SAVE_INSERTED, SAVE_UPDATED };

struct change_source {
	const struct actor *who;
	const char *source;         /* "form", "api", "import:teachers.xlsx" */
	const char *now;            /* UTC ISO time, one per request or import */
	bool dry_run;               /* decide and check everything, write nothing */
};

/* Saves a checked record: by id_number (person) or code (school); inserts
 * when absent (then every field is needed), else updates the `fields` given
 * and records each changed one.  Unknown school or district codes, and a
 * school outside `sc` (when sc is not NULL), are field errors (return -1 with
 * fe); database failures return another negative value.  *id gets the row
 * (0 for a dry run's would-be insert).  A dry run (src->dry_run) writes
 * nothing, so it needs only a read transaction. */
int registry_person_save(struct store *s, const struct registry_scope *sc,
			 const struct change_source *src, const struct person_rec *p,
			 unsigned fields, struct field_errors *fe, enum save_result *res,
			 int64_t *id);
int registry_school_save(struct store *s, const struct registry_scope *sc,
			 const struct change_source *src, const struct school_rec *r,
			 unsigned fields, struct field_errors *fe, enum save_result *res,
			 int64_t *id);

/* A bulk load (an import, the demo) inside its write transaction: the name
 * index persons_fts is filled once at the end for the persons added since
 * registry_bulk_begin(), not by its trigger row by row, which would cost
 * more than the rest of the load (002_registry.sql). */
int registry_bulk_begin(struct store *s, int64_t *max_id);
int registry_bulk_end(struct store *s, int64_t max_id);

/* Does the scope cover a school of this district, stage and ownership? */
bool registry_scope_covers_school(const struct registry_scope *sc, const char *school_code,
				  const char *district_code, const char *stage,
				  const char *ownership);

#endif
