/* assessment.h - the yearly training assessment (年度培训考核, 002 §4(1);
 * DOMAIN.md "Yearly training assessment").
 *
 * A person is assessed for year Y when they entered service on or before
 * 1 January of Y (hours_assessed_in()) and were serving then: status
 * serving, or a status change away from serving recorded after 1 January
 * of Y.  They pass when the hours dated in Y (a reversal counts in the year
 * of the entry it reverses: the ledger stores it so) reach the yearly
 * minimum of their role (hours_yearly_required()) and, where category
 * minimums are set, every one of them: one category never makes up for
 * another.
 *
 * Totals come from hours_totals, never from a scan of the ledger (DESIGN.md
 * "Measured on this machine"). */
#ifndef TDC_ASSESSMENT_H
#define TDC_ASSESSMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hours.h"
#include "lib/err.h"

struct store;
struct registry_scope;

struct assessment_row {
	int64_t person_id;
	const char *id_number, *name, *school_code;   /* "" for a centre's own staff */
	const char *district_code;
	int year;
	int32_t hours10, required10;
	bool passed;
	/* category minimums: what each category in hours_categories[] order lacks */
	int32_t category_short10[HOURS_CATEGORIES_MAX];
};

/* Everyone in the scope assessed for the year, with the result computed
 * now from the ledger's totals, in person order.  cb returns 0 to go on,
 * non-zero to stop (returned).  scope NULL: everyone. */
int assessment_each(struct store *s, const struct registry_scope *scope, int year,
		    int (*cb)(void *ctx, const struct assessment_row *row), void *ctx,
		    struct err *e);

/* issue 6 anchor: assessment */
/* A year that can be assessed by today: not one that has not begun.  0, or
 * -1 with e (ERR_INVALID). */
int assessment_year_check(int year, const char *today, struct err *e);

#include "core/principal.h"
#include "lib/arena.h"
#include "lib/clock.h"

/* What a row lacks to pass: the yearly minimum's gap or, when category
 * minimums are short, their sum, whichever is more (hours added to a short
 * category also count toward the year).  0 when passed. */
int32_t assessment_lack10(const struct assessment_row *r);


/* ---- recording: tdc assess ---- */

struct assessment_summary {
	int year;
	int64_t assessed, passed;
	double seconds;
};

/* Replaces the year's rows of table assessments with assessment_each()'s
 * results for everyone, in one write transaction with one prepared insert,
 * and records the run once in the audit log ('assessment.run',
 * 'assessment:YEAR', "assessed=N passed=M").  Re-runnable: late entries
 * change the rows.  0, or -1 with e. */
int assessment_run(struct store *s, int year, const struct actor *who,
		   struct assessment_summary *out, struct err *e);
/* When the year was last recorded, from the audit log: 1 and at/out, 0
 * never, negative store error. */
int assessment_last_run(struct store *s, int year, char at[ISO_TIME_LEN],
			struct assessment_summary *out);

/* ---- the pages: pass rates and the list of those short ---- */

struct assessment_group {
	const char *code, *name;        /* a district's or a school's */
	int64_t assessed, passed;
};
struct assessment_short {
	int64_t person_id;
	int32_t hours10, required10, lack10;
	const char *categories;   /* assessment_short_categories(", "), "" when none */
	/* with_people only (an export), else NULL: copied in the one pass,
	 * since looking a million persons up again one by one takes 20 s */
	const char *id_number, *name, *school_code, *school_name;
};
struct assessment_overview {
	int64_t assessed, passed;
	struct assessment_group *districts, *schools; /* by code */
	int ndistricts, nschools;
	struct assessment_short *shorts;  /* most lacking first, then by person */
	int nshort;
};
/* One pass of assessment_each() over the scope; arena memory. */
int assessment_overview(struct store *s, struct arena *a, const struct registry_scope *scope,
			int year, bool with_people, struct assessment_overview *out, struct err *e);
/* The categories a row is short in, "general 12.0, elective 3.5" with the
 * codes (the caller names them), or "" ; arena memory. */
const char *assessment_short_categories(struct arena *a, const struct assessment_row *r,
					const char *sep);

/* ---- looking ahead (issue 6 §2): from 1 October ---- */

/* From 1 October of today's year (to 31 December) the home pages look
 * ahead to the year's end. */
bool assessment_ahead_shown(const char *today);
struct assessment_ahead {
	int64_t person_id;
	int32_t hours10;     /* in the ledger for the year so far */
	int32_t pending10;   /* seated in programmes not yet completed or
			      * cancelled, whose last session falls in the year,
			      * whose hours are not yet in the ledger */
	int32_t required10;
	int32_t lack10;      /* required - hours - pending, > 0 */
};
/* Those in the scope assessed for today's year who will not reach the
 * yearly minimum by 31 December even counting pending10: most lacking
 * first.  *total counts them all; at most limit rows (limit <= 0: all). */
int assessment_look_ahead(struct store *s, struct arena *a, const struct registry_scope *scope,
			  const char *today, int limit, struct assessment_ahead **rows, int *n,
			  int64_t *total, struct err *e);
/* A programme's last session day ("" when it has none) and whether the
 * person holds a seat or a place on its waiting list. */
int assessment_programme_fit(struct store *s, int64_t programme_id, int64_t person_id,
			     char last_day[11], bool *enrolled);

#endif
