/* credits.h - hours records (学时记录) from another system into the ledger:
 * the rows of `tdc import credits`.
 *
 * import.c reads the file (any encoding, CSV, .xlsx or .xls), finds the
 * columns and calls credits_row() for each data row inside its one
 * transaction; this module checks the row and writes the ledger entry.
 *
 * Idempotent on the record number (记录编号): a record already in the
 * ledger with the same values is skipped and counted as such; the same
 * number with other values is an error, since a correction is a reversal,
 * never a re-import (DOMAIN.md "Entries are never edited or deleted").
 *
 * A large import (a province's five years: 20 million rows) cannot afford
 * to keep the per-person index and the totals up row by row: DESIGN.md
 * measured 35-70 k rows/s that way against 680 k with the index built
 * afterwards.  So for a large file credits_begin() drops the totals
 * trigger and, when the file is large against the ledger, the index
 * ledger_person; credits_end() builds the index again, adds the new rows'
 * sums to hours_totals in one statement, and makes the trigger again: all
 * in the import's transaction, so a killed import leaves the ledger, its
 * index, its trigger and its totals as they were.  Rows are written 64 to
 * an INSERT, and persons are looked up in memory. */
#ifndef TDC_CREDITS_H
#define TDC_CREDITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/principal.h"
#include "lib/err.h"

struct store;
struct field_errors;
struct registry_scope;

/* One row as read; NULL for a column the file does not have. */
struct credit_in {
	const char *id_number, *date, *hours, *category, *title, *source, *record_id, *issuer;
	bool id_is_number;  /* the ID cell was a number: Excel has eaten its last digits */
};

enum credit_outcome { CREDIT_ADDED, CREDIT_DUPLICATE };

struct credits;

/* Starts an import inside the caller's transaction (a read transaction for
 * a dry run).  expected_rows: a guess from the file's size, to choose the
 * bulk path; scope: NULL for the command line, else only persons in it. */
int credits_begin(struct store *s, bool dry_run, long expected_rows,
		  const struct registry_scope *scope, const struct actor *by, const char *today,
		  struct credits **out, struct err *e);
/* 0 with *outcome; -1 with fe filled for a bad row (nothing written for
 * it); -2 when the database failed. */
int credits_row(struct credits *c, const struct credit_in *in, struct field_errors *fe,
		enum credit_outcome *outcome);
/* Before the caller commits: the index and the totals of a bulk import. */
int credits_end(struct credits *c, struct err *e);
void credits_free(struct credits *c);

/* An .xlsx with the columns, a note on each and an example row. */
int credits_template(const char *path, struct err *e);

/* How many rows a file of this many bytes holds, roughly. */
long credits_rows_in_bytes(size_t bytes);
/* Will an import of this many rows take the bulk path?  Then the caller
 * may switch foreign keys off around its transaction: every person is
 * looked up by credits_row() before it is written. */
bool credits_bulk(bool dry_run, long expected_rows);

#endif
