/* appraisal.h - yearly appraisals (年度考核) and the events that bear on
 * re-registration (师德违规, 中止教学, 批准离岗, 撤销资格): the rows of
 * `tdc import appraisals|events`, the person page's forms, and the lists
 * shown there.
 *
 * Appraisals (人社部发〔2023〕6号 art. 10, 37, 41): one result per person and
 * year.  The same result again changes nothing; another result replaces
 * the old one and the change is audited.  A year after today's is refused:
 * no school appraises a year that has not happened.
 *
 * Events (教师〔2013〕9号): keyed by (person, kind, start).  The same again
 * changes nothing; another end or note updates the event (audited): an
 * event entered wrongly is corrected by entering it again with the same
 * start, never deleted.  The end is inclusive, required for a suspension
 * and approved leave, and must be empty for an ethics violation and a
 * revocation (004_assessment.sql keeps the same rule as a CHECK).
 *
 * API:
 * appraisal_import_begin() starts rows of one import (or one form) inside
 *   the caller's transaction (a read transaction for a dry run);
 *   appraisal_import_row() / event_import_row() check one row and save it;
 *   appraisal_import_free() ends.  A row whose key is on an earlier line
 *   of the same file is an error (which line should win?).
 * appraisal_list() / event_list() read one person's, newest first.
 * appraisal_template() writes the import template. */
#ifndef TDC_APPRAISAL_H
#define TDC_APPRAISAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/registry.h"
#include "lib/arena.h"
#include "lib/err.h"

struct store;

/* One row as read; NULL for a column the file does not have. */
struct appraisal_in {
	const char *id_number, *year, *result;
	bool id_is_number;  /* the ID cell was a number: Excel has eaten its last digits */
	long line;          /* for "also on line N"; 0: no check */
};

struct event_in {
	const char *id_number, *kind, *start, *end, *note;
	bool id_is_number;
	long line;
};

struct appraisal_import;

/* scope: NULL for the command line, else only persons in it.  src: who,
 * the source ("import:FILE", "form"), now, and dry_run.  today: YYYY-MM-DD.
 * audit_each: audit every new row too (a form); an import audits its
 * changed rows one by one and its new rows in its summary.  0, or -1 with e. */
int appraisal_import_begin(struct store *s, const struct registry_scope *scope,
			   const struct change_source *src, const char *today, bool audit_each,
			   struct appraisal_import **out, struct err *e);
/* 0 with *saved; -1 with fe filled for a bad row (nothing written for it);
 * -2 when the database failed. */
int appraisal_import_row(struct appraisal_import *ai, const struct appraisal_in *in,
			 struct field_errors *fe, enum save_result *saved);
int event_import_row(struct appraisal_import *ai, const struct event_in *in,
		     struct field_errors *fe, enum save_result *saved);
void appraisal_import_free(struct appraisal_import *ai);

/* An .xlsx for `tdc import appraisals|events --template`: the columns, a
 * note on each, an example row and a drop-down list of the levels or
 * kinds.  0, or -1 with e. */
int appraisal_template(bool events, const char *path, struct err *e);

/* The demo city's appraisals and events (core/demo.c): every person a
 * result for each year from first to last (entered service by then),
 * mostly 合格 and 优秀, a few 基本合格, 不合格, 不确定档次 or none at all;
 * an ethics violation, suspensions and approved leave for a handful.  One
 * INSERT ... SELECT each, a fixed pseudo-random spread.  0, or -1. */
int appraisal_demo_create(struct store *s, int first, int last, const char *now);

/* ---- reading ---- */

struct appraisal_rec {
	int year;
	const char *result;         /* excellent ... none */
	const char *entered_by, *entered_at;
};

struct event_rec {
	int64_t id;
	const char *kind;           /* ethics, suspension, approved_leave, revocation */
	const char *start, *end;    /* end "" for ethics and revocation */
	const char *note, *entered_by, *entered_at;
};

/* Arena memory; 0 or a negative store error. */
int appraisal_list(struct store *s, struct arena *a, int64_t person_id,
		   struct appraisal_rec **rows, int *n);
int event_list(struct store *s, struct arena *a, int64_t person_id, struct event_rec **rows,
	       int *n);

#endif
