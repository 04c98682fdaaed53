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
/* issue 5 anchor: credits */

#endif
