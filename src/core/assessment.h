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

#endif
