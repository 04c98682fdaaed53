/* hours.h - hours as exact tenths (DESIGN.md "Hours": integer tenths, never
 * binary floating point), and the vocabulary of the ledger.
 *
 * hours_parse() is the one reader of hours that users write, in forms, the
 * API and imported files: "2", "2.5", "2.0" and " 2.5 " are read; "2.55"
 * (finer than a tenth), "-1", "0", "", "1e2" and "2,5" are refused with a
 * reason.  hours_format() writes "71.5", "-2.0", "0.0". */
#ifndef TDC_HOURS_H
#define TDC_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest number of hours one entry may carry: a year of full days. */
#define HOURS10_MAX 30000

enum hours_error {
	HOURS_OK = 0,
	HOURS_EMPTY,      /* nothing written */
	HOURS_NOT_NUMBER, /* letters, commas, exponents, more than one point */
	HOURS_NEGATIVE,
	HOURS_ZERO,
	HOURS_TOO_FINE,   /* more than one decimal: 2.55 */
	HOURS_TOO_LARGE,  /* above HOURS10_MAX */
};

enum hours_error hours_parse(const char *s, int32_t *hours10);
/* Bilingual reason for an error: lang 0 Chinese, 1 English. */
const char *hours_error_text(enum hours_error e, int lang);
/* "71.5": out needs HOURS_TEXT_MAX bytes. */
#define HOURS_TEXT_MAX 16
char *hours_format(int64_t hours10, char *out);

/* Ledger sources (003_training.sql). */
bool hours_source_valid(const char *code);
/* Categories: programme kinds and credit classes (003_training.sql). */
bool hours_category_valid(const char *code);
/* The categories in their order, NULL-terminated. */
extern const char *const hours_categories[];
extern const char *const hours_sources[];

/* The installation's requirements (DOMAIN.md "Yearly training assessment",
 * "Five-year cycle", "Teacher-qualification periodic registration"), from
 * settings with these defaults (the keys settings.h lists):
 *   hours.yearly_min 72          (002 ind. 23; ind. 17 for the centre's trainers)
 *   hours.yearly_min.ROLE        a person role's own minimum (teacher, principal,
 *                                director, researcher, trainer); unset: yearly_min
 *   hours.category_min.CATEGORY  a yearly minimum per category, unset (off) by
 *                                default; one category never makes up for another
 *                                (Guangdong: general 30, specialist 42, elective 18)
 *   hours.cycle_min 360          (002 ind. 23)
 *   hours.cycle_years 5, hours.first_cycle 2021 (cycles 2021-2025, 2026-2030 ...)
 *   registration.suspension_limit_days 180  (教师〔2013〕9号: more than a semester)
 *   registration.basic_defers 1  (基本合格 is not 合格以上: it defers; 0 it passes) */
#define HOURS_PERSON_ROLES 5   /* teacher, principal, director, researcher, trainer */
#define HOURS_CATEGORIES_MAX 24
struct hours_rules {
	int32_t yearly10;   /* tenths */
	int32_t role_yearly10[HOURS_PERSON_ROLES];       /* 0: yearly10 */
	int32_t category_min10[HOURS_CATEGORIES_MAX];    /* by hours_categories[] index; 0: none */
	bool any_category_min;
	int32_t cycle10;
	int cycle_years;
	int first_cycle;
	int suspension_limit_days;
	bool basic_defers;
};
extern const char *const hours_person_roles[];   /* NULL-terminated, in that order */
struct store;
int hours_rules_load(struct store *s, struct hours_rules *r);
/* The yearly minimum of a person of this role (persons.role; NULL or unknown:
 * the installation's). */
int32_t hours_yearly_required(const struct hours_rules *r, const char *person_role);
/* The first year of the cycle holding year y. */
int hours_cycle_start(const struct hours_rules *r, int year);
/* Is the person assessed in year y: entered service on or before 1 January
 * of y (service_start "YYYY-MM-DD", NULL or "" when unknown: yes)? */
bool hours_assessed_in(const char *service_start, int year);
/* A person's requirement for the cycle starting at start: the smaller of the
 * cycle minimum and the yearly minimum (the installation's) times the years
 * in the cycle the person was assessed in. */
int32_t hours_cycle_required(const struct hours_rules *r, int start, const char *service_start);
/* The same with the yearly minimum of the person's role. */
int32_t hours_cycle_required_role(const struct hours_rules *r, int start,
				  const char *service_start, const char *person_role);

#endif
