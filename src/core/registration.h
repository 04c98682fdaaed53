/* registration.h - the outcome of teacher-qualification periodic
 * registration (教师资格定期注册) for a five-year cycle, with every unmet
 * condition named (DOMAIN.md "Teacher-qualification periodic registration";
 * 中小学教师资格定期注册暂行办法, 教师〔2013〕9号; 002 §4(2)).
 *
 * For the cycle starting in year S (S ... S+cycle_years-1):
 *   refused   ethics       an ethics violation dated in the cycle
 *             appraisal    two or more consecutive years 不合格 in the cycle
 *             revoked      the qualification revoked on or before the cycle's last day
 *   deferred  hours        the cycle's hours below the requirement
 *                          (hours_cycle_required_role())
 *             appraisal    a year 不合格, or 基本合格 while registration.basic_defers
 *             no_appraisal an assessed year that has ended with no appraisal
 *             suspension   days suspended inside the cycle (clipped to its first
 *                          and last day, approved leave not counted) above
 *                          registration.suspension_limit_days
 *   qualified otherwise.
 * A year of 不确定档次 neither passes nor fails.  A refused person's reasons
 * still list every deferral condition that also holds; each code appears
 * once, in the order above.
 *
 * registration_decide() is the rule itself, on facts already read: no
 * database, so the unit tests can walk every boundary.
 * registration_evaluate() reads one person's facts and decides;
 * registration_each() decides for everyone in a scope, reading each table
 * once in person order (a whole province in seconds, never one query per
 * person). */
#ifndef TDC_REGISTRATION_H
#define TDC_REGISTRATION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hours.h"
#include "lib/err.h"

struct store;
struct registry_scope;

enum registration_outcome { REG_QUALIFIED, REG_DEFERRED, REG_REFUSED };

/* Reasons, a bit each, in the order they are listed. */
enum registration_reason {
	REG_ETHICS = 1 << 0,
	REG_APPRAISAL = 1 << 1,
	REG_REVOKED = 1 << 2,
	REG_HOURS = 1 << 3,
	REG_NO_APPRAISAL = 1 << 4,
	REG_SUSPENSION = 1 << 5,
};
#define REG_REASONS 6

/* "qualified" / "deferred" / "refused" */
const char *registration_outcome_code(enum registration_outcome o);
/* -1 when unknown */
int registration_outcome_parse(const char *code);
/* The code of reason bit i (0 ... REG_REASONS-1): "ethics", ... */
const char *registration_reason_code(int i);
/* The reasons joined with sep ("hours;appraisal"), "" for none; out needs
 * REG_REASONS_TEXT_MAX bytes. */
#define REG_REASONS_TEXT_MAX 80
char *registration_reasons_join(unsigned reasons, const char *sep, char *out);
/* The mask of a joined text; -1 when a code is unknown. */
int registration_reasons_parse(const char *text, unsigned *reasons);

/* appraisals.result, one per year */
enum appraisal_result {
	APPRAISAL_MISSING = 0,  /* nothing on record */
	APPRAISAL_EXCELLENT, APPRAISAL_QUALIFIED, APPRAISAL_BASIC, APPRAISAL_UNQUALIFIED,
	APPRAISAL_NONE,         /* 不确定档次 */
};
/* "excellent" ... "none"; -1 (parse) when unknown */
int appraisal_result_parse(const char *code);
const char *appraisal_result_code(enum appraisal_result r);

enum event_kind { EVENT_ETHICS, EVENT_SUSPENSION, EVENT_APPROVED_LEAVE, EVENT_REVOCATION };
int event_kind_parse(const char *code);
const char *event_kind_code(enum event_kind k);

struct registration_event {
	enum event_kind kind;
	char start[11];        /* YYYY-MM-DD */
	char end[11];          /* inclusive; "" for ethics and revocation */
};

#define REG_YEARS_MAX 10   /* hours.cycle_years is at most 10 */
#define REG_EVENTS_MAX 64

/* One person's facts for one cycle. */
struct registration_facts {
	int cycle_start;
	const char *service_start;   /* NULL or "" when unknown: assessed every year */
	const char *role;            /* persons.role, for the yearly minimum */
	int32_t hours10;             /* hours dated in the cycle */
	enum appraisal_result appraisal[REG_YEARS_MAX];  /* cycle_start + i */
	int nevents;
	const struct registration_event *events;
	int last_ended_year;         /* years after it have not ended: no appraisal is due */
};

struct registration_result {
	int cycle_start, cycle_end;  /* inclusive years */
	int32_t hours10, required10;
	enum registration_outcome outcome;
	unsigned reasons;
	int suspended_days;          /* inside the cycle, approved leave taken out */
	int unqualified_years, missing_years;
};

void registration_decide(const struct hours_rules *rules, const struct registration_facts *f,
			 struct registration_result *out);

/* Is start a cycle's first year (2021, 2026, ... by the settings) that
 * has begun by today?  0, or -1 with e (ERR_INVALID) saying which cycle
 * holds that year. */
int registration_cycle_check(const struct hours_rules *rules, int start, const char *today,
			     struct err *e);

/* Reads a person's hours, appraisals and events and decides.  today:
 * YYYY-MM-DD (which years have ended).  0, or -1 (e filled). */
int registration_evaluate(struct store *s, int64_t person_id, int cycle_start,
			  const char *today, struct registration_result *out, struct err *e);
/* The same with the rules already loaded, for a list of persons. */
int registration_evaluate_with(struct store *s, const struct hours_rules *rules, int64_t person_id,
			       int cycle_start, const char *today, struct registration_result *out,
			       struct err *e);

/* One person of a scope with the outcome for the cycle. */
struct registration_row {
	int64_t person_id;
	const char *id_number, *name, *school_code;  /* "" for a centre's own staff */
	const char *district_code;
	struct registration_result r;
};

/* Everyone in the scope serving at the end of the cycle (status serving,
 * or left after the cycle's last day), in person order.  cb returns 0 to
 * go on, non-zero to stop (returned).  scope NULL: everyone. */
int registration_each(struct store *s, const struct registry_scope *scope, int cycle_start,
		      const char *today,
		      int (*cb)(void *ctx, const struct registration_row *row), void *ctx,
		      struct err *e);

#endif
