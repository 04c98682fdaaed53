/* registration_flow.h - the re-registration workflow (定期注册): a teacher
 * applies, her school agrees or returns the application, the district or
 * county centre decides (one by one, or every qualified one of its region
 * as a batch), and the decision is posted publicly (公示) to the school's
 * staff for 7 days before it is final (教师〔2013〕9号 art. 10-12; DOMAIN.md
 * "Teacher-qualification periodic registration"; issue 6 §5).
 *
 * The outcome itself is registration_evaluate()'s (core/registration.h);
 * this module keeps the states and who may move them:
 *
 *   applied --agree--> agreed --decide--> decided (outcome, reasons, 公示)
 *   applied --return (comment)--> returned
 *   applied --withdraw (the teacher)--> withdrawn
 *
 * A returned or withdrawn application ends; the teacher applies again with
 * a new row, so the history stays.  She may apply when nothing is under way
 * (applied or agreed) and the cycle has no qualified or refused decision;
 * once a decision deferred her, only when the rules give qualified now.
 *
 * Every change runs in one write transaction that first reads the state it
 * expects and then updates "WHERE state = <expected>": two admins clicking
 * at once decide once, and the second is told it was done.  Each change
 * and its audit row commit together.
 *
 * API:
 * regflow_cycle()        the cycle registration is for: the last that has ended.
 * regflow_apply_check()  may the person apply now, and if not, why.
 * regflow_apply(), regflow_withdraw(), regflow_agree(), regflow_return(),
 * regflow_decide()       the steps, each audited.
 * regflow_get(), regflow_list()  read applications with the person.
 * regflow_final_date(), regflow_publicity()  the 公示 window.
 * regflow_batch_start(), regflow_batch_run(), regflow_batch_get(): "decide
 *   all qualified" as a job with its progress in registration_batches. */
#ifndef TDC_REGISTRATION_FLOW_H
#define TDC_REGISTRATION_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hours.h"
#include "core/principal.h"
#include "core/registration.h"
#include "lib/arena.h"
#include "lib/err.h"

struct store;

/* 公示 lasts 7 days from the decision date; final on the 8th day. */
#define REGFLOW_PUBLICITY_DAYS 7
/* A teacher's statement and an admin's comment or note, in bytes. */
#define REGFLOW_TEXT_MAX 2000

/* The cycle whose registration is due on 'today' (YYYY-MM-DD): the last
 * one that has ended (2026-11-23 -> 2021, the 2021-2025 cycle). */
int regflow_cycle(const struct hours_rules *rules, const char *today);

struct regflow_app {
	int64_t id, person_id, batch_id;
	int cycle_start;
	const char *state;              /* applied, agreed, returned, decided, withdrawn */
	const char *applied_at, *statement;
	const char *school_by, *school_at, *school_comment;   /* "" when none */
	const char *decided_by, *decided_at, *outcome, *decision_note, *posted_at;
	unsigned reasons;               /* enum registration_reason bits */
	int32_t hours10, required10;
	/* the person, as now */
	const char *id_number, *name, *school_code, *school_name, *district_code;
	const char *stage, *ownership;
	char final_date[11];            /* posted_at + 7 days; "" before a decision */
};

enum regflow_publicity { REGFLOW_NOT_POSTED, REGFLOW_POSTED, REGFLOW_FINAL };
/* Writes posted + REGFLOW_PUBLICITY_DAYS into out; "" when posted is not a date. */
void regflow_final_date(const char *posted, char out[11]);
/* Where a decided application stands on 'today'. */
enum regflow_publicity regflow_publicity(const struct regflow_app *a, const char *today);

/* The person's appraisal of each year of the cycle (out[i] for
 * cycle_start + i; APPRAISAL_MISSING when none), to explain the outcome
 * year by year.  0, or a negative store error. */
int regflow_appraisals(struct store *s, int64_t person_id, int cycle_start, int years,
		       enum appraisal_result out[REG_YEARS_MAX]);

int regflow_get(struct store *s, struct arena *a, int64_t id, struct regflow_app *out);

struct regflow_filter {
	int64_t person_id;          /* 0: anyone */
	const char *school_code;    /* NULL: any school */
	const char *district_code;  /* NULL: any district */
	const char *state;          /* NULL: any */
	int cycle_start;            /* 0: any */
	const char *posted_on;      /* a date: decisions under 公示 on it */
	bool newest_first;
	int limit;                  /* <= 0: 500 */
};
int regflow_list(struct store *s, struct arena *a, const struct regflow_filter *f,
		 struct regflow_app **items, int *n);

enum regflow_may {
	REGFLOW_MAY_APPLY,
	REGFLOW_UNDER_WAY,      /* an application is applied or agreed */
	REGFLOW_DECIDED,        /* qualified or refused for this cycle */
	REGFLOW_NOT_MET,        /* deferred before, and still not qualified */
};
struct regflow_check {
	enum regflow_may may;
	int64_t open_id;                    /* the application under way */
	struct registration_result now;     /* the outcome the rules give today */
};
/* Reads the person's applications for the cycle and the outcome today.
 * 0, or -1 (e filled). */
int regflow_apply_check(struct store *s, int64_t person_id, int cycle_start, const char *today,
			struct regflow_check *out, struct err *e);

/* Each returns 0, or -1 with e: ERR_NOT_FOUND (no such application, or not
 * the caller's), ERR_CONFLICT (not in the state the step needs; the
 * message says which), ERR_INVALID (a missing comment, a text too long),
 * ERR_INTERNAL.  now: UTC ISO time; today: YYYY-MM-DD. */
int regflow_apply(struct store *s, const struct actor *who, int64_t person_id, int cycle_start,
		  const char *statement, const char *today, const char *now, int64_t *id,
		  struct err *e);
int regflow_withdraw(struct store *s, const struct actor *who, int64_t id, int64_t person_id,
		     const char *now, struct err *e);
/* school_code: the reviewing school admin's; the application's person must
 * be of it. */
int regflow_agree(struct store *s, const struct actor *who, int64_t id, const char *school_code,
		  const char *now, struct err *e);
int regflow_return(struct store *s, const struct actor *who, int64_t id, const char *school_code,
		   const char *comment, const char *now, struct err *e);

struct regflow_decision {
	const char *district_code;  /* the deciding centre's region; NULL: any (system admin) */
	const char *note;           /* optional */
	int64_t batch_id;           /* 0 for one by one */
	bool only_qualified;        /* a batch: leave any other outcome undecided */
};
/* Decides an agreed application with the outcome registration_evaluate()
 * gives at this moment; posted (公示) from today.  *decided is false when
 * only_qualified left it (then nothing changed), out gets the outcome. */
int regflow_decide(struct store *s, const struct actor *who, int64_t id,
		   const struct regflow_decision *d, const char *today, const char *now,
		   struct registration_result *out, bool *decided, struct err *e);

struct regflow_batch {
	int64_t id, account_id;
	int cycle_start;
	const char *scope, *actor, *state, *message, *created_at, *finished_at;
	const char *beat_at;        /* the last progress written */
	int progress;               /* per mille */
	int64_t total, decided, skipped;
};
/* scope: the district code, or "" for every district (the system admin). */
int regflow_batch_start(struct store *s, const struct actor *who, int cycle_start,
			const char *scope, const char *now, int64_t *id, struct err *e);
/* Decides every agreed application of the batch's scope and cycle whose
 * outcome is qualified now, each in its own transaction (a one-by-one
 * decision at the same time is simply skipped), and records the progress
 * in the batch's row.  stop, when set, ends it early (state failed). */
int regflow_batch_run(struct store *s, int64_t batch_id, const char *today,
		      const volatile int *stop, struct err *e);
int regflow_batch_get(struct store *s, struct arena *a, int64_t id, struct regflow_batch *out);
/* Marks a running batch failed ("interrupted"): for one this server does
 * not run (it stopped with the batch under way).  The decisions already
 * made stay. */
int regflow_batch_interrupted(struct store *s, int64_t id, const char *now);

#endif
