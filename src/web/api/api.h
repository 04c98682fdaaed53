/* api.h - the JSON API under /api/v1/, one file per resource in web/api/. */
#ifndef TDC_API_H
#define TDC_API_H

#include "web/request.h"

/* me.c */
void api_me(struct request *req);

/* registry (issue 4): schools.c, persons.c */
struct field_errors;
struct history_row;
struct person_rec;
void api_schools(struct request *req);
void api_school(struct request *req);
void api_school_history(struct request *req);
void api_school_create(struct request *req);
void api_school_update(struct request *req);
void api_persons(struct request *req);
void api_person(struct request *req);
void api_person_history(struct request *req);
void api_person_create(struct request *req);
void api_person_update(struct request *req);
/* helpers of persons.c the registry resources share */
void api_set_string(struct json_t *obj, const char *key, const char *value); /* NULL: null */
int api_paging(struct request *req, int *limit, int *offset);   /* -1: 400 answered */
void api_bad_filter(struct request *req, const char *key);      /* 400 */
void api_invalid(struct request *req, const struct field_errors *fe); /* 422 with "fields" */
struct json_t *api_history_json(struct request *req, const struct history_row *rows, int n,
				const struct person_rec *person);

/* training and hours (issue 5) */
/* issue 5 anchor: programmes */
/* programmes.c: /api/v1/programmes */
void api_programmes(struct request *req);
void api_programme(struct request *req);
void api_programme_create(struct request *req);
void api_programme_update(struct request *req);
/* issue 5 anchor: enrolment */
/* enrolments.c: enrol, withdraw, the seated and waiting lists */
void api_programme_enrolments(struct request *req);
void api_programme_enrol(struct request *req);
void api_programme_withdraw(struct request *req);
/* issue 5 anchor: attendance */
/* attendance.c */
void api_programme_attendance(struct request *req);
void api_programme_completion(struct request *req);
/* issue 5 anchor: ledger */
/* hours.c: a person's hours, manual entries and reversals (the ledger),
 * and what pages/hours.c shares with it, so the pages and the API cannot
 * drift apart */
struct ledger_entry;
void api_person_hours(struct request *req);
void api_person_hours_add(struct request *req);
void api_hours_reversal(struct request *req);
/* The person a URL names, if the caller may read her hours (PERM_HOURS_READ
 * in scope); otherwise answered (404 outside scope, like an unknown one;
 * 500) and -1. */
int hours_view_person(struct request *req, const char *ref, struct person_rec *p);
/* May the caller add to and reverse her entries (PERM_HOURS_WRITE in scope)? */
int hours_view_may_write(const struct request *req, const struct person_rec *p);
/* A manual entry as a form or a JSON body gives it (strings as written). */
struct hours_input {
	const char *date, *hours, *category, *title, *reason;
};
enum hours_write { HOURS_WRITE_OK = 0, HOURS_WRITE_INVALID = -1, HOURS_WRITE_ERROR = -2,
		   HOURS_WRITE_NOT_FOUND = -3, HOURS_WRITE_FORBIDDEN = -4, HOURS_WRITE_CONFLICT = -5 };
/* Checks in, appends and audits ("hours.add") a manual entry in one write
 * transaction; *out is the stored entry.  INVALID fills fe. */
enum hours_write hours_view_add(struct request *req, const struct person_rec *p,
				const struct hours_input *in, struct field_errors *fe,
				struct ledger_entry *out);
/* Reverses record_id with reason and audits ("hours.reverse") in one write
 * transaction, if the caller may write the entry's person's hours (an
 * entry outside scope is NOT_FOUND); *out is the reversing entry, *person
 * the person.  INVALID fills fe. */
enum hours_write hours_view_reverse(struct request *req, const char *record_id, const char *reason,
				    struct field_errors *fe, struct ledger_entry *out,
				    struct person_rec *person);
/* A year from ?year= (the current year when absent); -1 when malformed. */
int hours_view_year(struct request *req);
/* issue 5 anchor: credits */
/* issue 6 anchor: settings */
/* issue 6 anchor: assessment */
/* issue 6 anchor: appraisals */
/* issue 6 anchor: registration */
/* issue 6 anchor: recognition */
/* issue 6 anchor: reports */
/* reports.c: /api/v1/reports/assessment, /api/v1/reports/registration */
void api_report_assessment(struct request *req);
void api_report_registration(struct request *req);

#endif
