/* import.h - schools, teachers and hours records (credits) from a
 * spreadsheet or CSV file, all or nothing.
 *
 * API:
 * import_run() reads every row of an open sheet (lib/sheet.h), finds the
 *   header row, maps each column by its Chinese or English name, checks
 *   every row with registry_*_check() and saves it with registry_*_save()
 *   (credits: credits_row(), core/credits.h),
 *   all inside one write transaction.  With any bad row and no skip_bad,
 *   nothing is written; a dry run never writes.  A killed process leaves
 *   the database as it was: the transaction never committed.
 * Every problem goes to the message callback as one line,
 *   "FILE:LINE: 列名 column: reason"; with skip_bad the bad rows also go to
 *   the reject callback, with their cells as read and the reason.
 *
 * The importer never prints: the command line, the web job and the tests
 * each decide where lines go. */
#ifndef TDC_IMPORT_H
#define TDC_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/registry.h"
#include "lib/err.h"

struct sheet;
struct sheet_row;
struct store;

/* appraisals and events: core/appraisal.h has their rows */
enum import_kind { IMPORT_SCHOOLS, IMPORT_TEACHERS, IMPORT_CREDITS, IMPORT_APPRAISALS, IMPORT_EVENTS };

struct import_opts {
	enum import_kind kind;
	const char *label;                  /* the file's name in messages */
	bool dry_run, skip_bad;
	const struct registry_scope *scope; /* NULL: everything (the command line) */
	const struct change_source *src;    /* who, "import:FILE", now */
	const char *today;                  /* YYYY-MM-DD */
	size_t file_bytes;                  /* the file's size, 0 unknown: sizes a credits import */
	/* each warning or error line; ctx is cb_ctx */
	void (*message)(void *ctx, bool error, const char *line);
	/* skip_bad: the header once (reject_header), then each bad row */
	void (*reject_header)(void *ctx, int ncells, const char *const *cells);
	void (*reject)(void *ctx, int ncells, const char *const *cells, const char *reason);
	/* about every 1000 rows, with the share of the file read */
	void (*progress)(void *ctx, double done, long rows);
	/* up to preview_rows data rows as read, for a preview (header first) */
	void (*preview)(void *ctx, long line, int ncells, const char *const *cells);
	int preview_rows;
	void *cb_ctx;
	/* set to non-zero by another thread to stop (a server shutting down) */
	const volatile int *cancel;
};

struct import_result {
	long rows;          /* data rows read */
	long bad;           /* rows with at least one error */
	long inserted, updated, unchanged;  /* credits: added, -, already in the ledger */
	long warnings;
	bool written;       /* the transaction committed */
};

/* 0 when the import (or dry run) went through; -1 with e when it did not:
 * ERR_INVALID for bad rows or a bad header (the lines were sent to
 * message), ERR_IO for the file, ERR_INTERNAL for the database. */
int import_run(struct store *s, struct sheet *sh, const struct import_opts *o,
	       struct import_result *res, struct err *e);

/* "schools" / "teachers" / "credits" / "appraisals" / "events" <-> kind;
 * -1 when unknown. */
int import_kind_parse(const char *word);
const char *import_kind_name(enum import_kind k);

/* The columns of a kind, for templates, exports and documentation. */
struct import_column {
	const char *zh;       /* 身份证号 */
	const char *en;       /* id_number */
	unsigned field;       /* PF_* or SF_* */
	bool required;        /* a file without it is refused */
};
const struct import_column *import_columns(enum import_kind k, int *n);

#endif
