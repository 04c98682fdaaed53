/* enrolment.h - enrolment in programmes (报名): self-enrolment, a school's
 * nomination, a centre's assignment; capacity, school quotas and the
 * waiting list (DOMAIN.md "Training and hours").
 *
 * API:
 * enrolment_programme_get() reads the facts of a programme enrolment needs.
 * enrolment_enrol() enrols one person: checks who may, the programme's
 *   state and window, the audience, then decides seated or waiting in one
 *   write transaction.
 * enrolment_withdraw() withdraws one person and, in the same transaction,
 *   seats the first in line in the freed place.
 * enrolment_set_quotas() / enrolment_release_quotas() are the centre's:
 *   places reserved per school, and their return to the open pool.
 * enrolment_list() / enrolment_quotas() / enrolment_of_person() read.
 * enrolment_demo() enrols demo teachers inside demo_create()'s transaction.
 *
 * The rules (docs/enrolment.md has them whole):
 * - Never more seated than the capacity, under any concurrency: every seat
 *   is taken by one conditional INSERT or UPDATE inside BEGIN IMMEDIATE,
 *   which SQLite runs one writer at a time.
 * - enrolments.id is the order of arrival; it orders the seated and the
 *   waiting list alike, and a position is the 1-based place in one of them.
 * - The open pool is the capacity less the places reserved for schools
 *   (programme_quotas); once the centre releases the quotas, it is the
 *   capacity less the seats actually taken under a quota.
 * - A school's nomination takes a place of its quota while one is free,
 *   else the open pool, else it waits.  Self-enrolment and the centre's
 *   assignment use the open pool only.
 * - A freed open seat goes to the first in line; a freed quota seat goes
 *   back to its school (to the school's first waiting nominee, if any),
 *   unless the quotas were released, when it is an open seat.
 *
 * 'today' and 'now' are always passed in: the rules stay testable and a
 * request sees one date.  principal NULL is the command line or the demo,
 * which may do anything. */
#ifndef TDC_ENROLMENT_H
#define TDC_ENROLMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/principal.h"
#include "lib/arena.h"
#include "lib/err.h"

struct store;

/* The facts of a programme that enrolment needs (a subset of programme.h's
 * struct programme, read here until the two are merged). */
struct enrol_programme {
	int64_t id, centre_id;
	const char *code, *title, *status, *enrol_open, *enrol_close;
	const char *centre_code, *centre_name;
	int capacity;
	bool quota_released;
};

/* 0, STORE_ENOTFOUND, or another negative store error. */
int enrolment_programme_get(struct store *s, struct arena *a, const char *code,
			    struct enrol_programme *out);

/* Does the principal manage this programme's enrolment (its organising
 * centre's admin, or the system admin)?  NULL: the command line, yes. */
bool enrolment_manages(const struct principal *p, const struct enrol_programme *pg);

struct enrol_result {
	int64_t id;              /* the enrolment row */
	const char *status;      /* "seated" or "waiting" (static strings) */
	int position;            /* 1-based, in the seated list or the waiting line */
	const char *via;         /* "self", "school", "centre" */
};

/* Enrols person_id.  via follows from the principal's role: a teacher
 * herself ("self"), a school admin ("school"), a centre admin or the system
 * admin ("centre").  Errors (err->code): ERR_NOT_FOUND no such person,
 * ERR_FORBIDDEN outside the caller's scope or the programme's audience,
 * ERR_INVALID the programme is not open for enrolment (window, state),
 * ERR_CONFLICT already enrolled, ERR_INTERNAL the database. */
int enrolment_enrol(struct store *s, const struct principal *who, const struct actor *by,
		    const struct enrol_programme *pg, int64_t person_id, const char *today,
		    const char *now, struct enrol_result *res, struct err *err);

struct withdraw_result {
	int64_t promoted_person_id;   /* seated from the waiting list, or 0 */
	char promoted_id_number[19];  /* that person's number, "" if none */
	char promoted_name[129];
};

/* Withdraws person_id's enrolment and seats the first in line in the same
 * transaction.  Errors: ERR_NOT_FOUND not enrolled (or no such person),
 * ERR_FORBIDDEN outside the caller's scope, ERR_INVALID the programme is
 * completed or cancelled, ERR_INTERNAL. */
int enrolment_withdraw(struct store *s, const struct principal *who, const struct actor *by,
		       const struct enrol_programme *pg, int64_t person_id, const char *now,
		       struct withdraw_result *res, struct err *err);

/* ---- quotas (the centre's) ---- */

struct quota_row {
	const char *school_code, *school_name;
	int places, used;         /* used: seats held under the quota */
};

struct quota_set {
	const char *school_code;
	int places;               /* 0 removes the school's quota */
};

int enrolment_quotas(struct store *s, struct arena *a, int64_t programme_id,
		     struct quota_row **rows, int *n);
/* Replaces the programme's quotas with q[0..n-1].  Refused (ERR_INVALID,
 * err->field the school code or "places") when the sum would exceed the
 * capacity less the open seats already taken, when a school would get
 * fewer places than it holds, when a school is unknown or outside the
 * caller's scope, or once the quotas are released.  Waiting nominees of a
 * school whose quota grew are seated. */
int enrolment_set_quotas(struct store *s, const struct principal *who, const struct actor *by,
			 const struct enrol_programme *pg, const struct quota_set *q, int n,
			 const char *now, struct err *err);
/* Returns the unclaimed places to the open pool and seats as many of the
 * waiting, in order, as it now allows; *promoted counts them. */
int enrolment_release_quotas(struct store *s, const struct principal *who, const struct actor *by,
			     const struct enrol_programme *pg, const char *now, int *promoted,
			     struct err *err);

/* ---- reading ---- */

struct enrolment_row {
	int64_t id, person_id;
	const char *id_number, *name, *school_code, *school_name;
	const char *district_code, *stage, *ownership, *centre_code; /* for scope checks */
	const char *status, *via, *quota_school_code, *quota_school_name;
	const char *at, *seated_at;
	int position;
	bool promoted;
};

/* The seated (then the waiting) rows of a programme, each in arrival order
 * with its position; withdrawn rows are left out.  No scope check: the
 * caller filters with enrolment_row_visible(). */
int enrolment_list(struct store *s, struct arena *a, int64_t programme_id,
		   struct enrolment_row **rows, int *n);
/* May the principal see this row?  Managers see all; anyone else the rows
 * of the persons she may read in the registry (a teacher: her own; a school
 * admin: her school's; the bureau: its region). */
bool enrolment_row_visible(const struct principal *p, const struct enrol_programme *pg,
			   const struct enrolment_row *r);

struct counts {
	int seated, waiting, quota_places, quota_used;
};
int enrolment_counts(struct store *s, const struct enrol_programme *pg, struct counts *c);

struct my_enrolment {
	const char *programme_code, *programme_title, *status, *at, *seated_at;
	const char *enrol_close, *programme_status;
	int position;
	bool promoted;
};

/* A person's live enrolments (seated and waiting), newest first. */
int enrolment_of_person(struct store *s, struct arena *a, int64_t person_id,
			struct my_enrolment **rows, int *n);

/* ---- demo ---- */

/* Inside demo_create()'s write transaction: fills each published, closed or
 * completed programme with teachers its audience admits, from the
 * organiser's district (a municipal centre: the city), in a fixed order;
 * keep_out (an ID number, or NULL) is never enrolled, so the demo teacher
 * starts with none.  Works when there are no programmes. */
int enrolment_demo(struct store *s, const char *keep_out);

#endif
