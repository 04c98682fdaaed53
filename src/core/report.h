/* report.h - the assessment and registration reports with exact formats
 * (issue 6 §7; DOMAIN.md "Reports"): one row per person, as CSV, .xlsx or
 * JSON, for the command line (`tdc report`), the downloads of the report
 * pages and the API.
 *
 *   assessment:   id_number name school_code year hours required passed
 *   registration: id_number name school_code cycle_start hours required
 *                 outcome reasons
 *
 * JSON is one array of objects with exactly these keys, in this order:
 * hours and required as strings with one decimal ("71.5"), year and
 * cycle_start as numbers, passed a boolean, outcome a code (qualified,
 * deferred, refused) and reasons an array of codes (registration.h, in
 * its order).  CSV and .xlsx have the same columns with Chinese headers
 * (English ones, the keys, when asked), the same values, passed as true
 * or false and the reasons joined with ';'.  ID numbers are masked
 * (idcard_mask()) unless unmasked, which the caller audits first.
 *
 * Rows come from assessment_each() and registration_each(), which read
 * each table once in person order; every row is written as it comes (the
 * .xlsx in libxlsxwriter's constant-memory mode, JSON one object at a
 * time), so a city of a million persons is never held in memory.
 *
 * API:
 * report_write() writes a whole report to a table target.
 * report_registration_summary() counts one cycle's outcomes and reasons
 *   by district (or by school), and keeps one page of the persons not
 *   qualified, for the report page. */
#ifndef TDC_REPORT_H
#define TDC_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/registration.h"
#include "lib/arena.h"
#include "lib/err.h"
#include "lib/table_write.h"

struct store;
struct registry_scope;

enum report_kind { REPORT_ASSESSMENT, REPORT_REGISTRATION };
enum report_format { REPORT_CSV, REPORT_XLSX, REPORT_JSON };

struct report_spec {
	enum report_kind kind;
	enum report_format format;
	int year;                            /* assessment: the year; registration: the cycle's first */
	const struct registry_scope *scope;  /* NULL: everyone */
	bool unmasked;                       /* whole ID numbers: audit it first */
	bool english;                        /* CSV and .xlsx headers: the JSON keys */
	const char *today;                   /* YYYY-MM-DD: which years have ended */
};

/* "assessment" / "registration"; -1 when neither. */
int report_kind_parse(const char *word, enum report_kind *out);
const char *report_kind_name(enum report_kind k);
/* "csv" / "xlsx" / "json"; -1 otherwise. */
int report_format_parse(const char *word, enum report_format *out);
const char *report_format_name(enum report_format f);

/* Writes the report; *rows gets the persons written.  0, or -1 with e
 * (ERR_IO for the file or the database). */
int report_write(struct store *s, const struct report_spec *r, const struct table_target *to,
		 long *rows, struct err *e);

/* One district's or school's counts. */
struct report_group {
	const char *code;          /* district code, or school code ("" a centre's staff) */
	long outcome[3];           /* by enum registration_outcome */
	long reason[REG_REASONS];  /* persons with each reason */
};

struct registration_summary {
	long total, outcome[3], reason[REG_REASONS];
	bool by_school;            /* groups are schools (the scope is a district or narrower) */
	struct report_group *groups;
	int ngroups;
	long not_qualified;        /* every one, for the paging */
	struct registration_row *rows;  /* not qualified, [offset, offset + limit) */
	int nrows;
};

/* One pass over registration_each(); arena memory.  0, or -1 with e. */
int report_registration_summary(struct store *s, struct arena *a, const struct registry_scope *sc,
				int cycle_start, const char *today, int offset, int limit,
				struct registration_summary *out, struct err *e);

#endif
