/* ledger.h - the hours ledger (学时记录): append-only entries and the
 * per-person, per-year totals kept beside them (003_training.sql).
 *
 * Every entry goes through ledger_add_entry(), inside the caller's write
 * transaction (store_begin(STORE_WRITE)): the totals move in the same
 * transaction by the ledger_totals trigger.  A correction is never an
 * edit: ledger_reverse_entry() writes a negative entry that counts in the
 * year of the one it reverses.  record_id is unique, which is what makes
 * a programme's completion issue hours exactly once. */
#ifndef TDC_LEDGER_H
#define TDC_LEDGER_H

#include <stdint.h>

#include "core/principal.h"
#include "lib/err.h"

struct store;

struct ledger_new {
	int64_t person_id;
	const char *day;          /* YYYY-MM-DD: the date the hours count on */
	int32_t hours10;          /* > 0 */
	const char *category;     /* hours_category_valid() */
	const char *source;       /* hours_source_valid() */
	const char *record_id;    /* NULL or "": one is made, 'M' + 12 random characters */
	const char *title;        /* the programme's or activity's name; may be NULL */
	const char *issuer;       /* the issuing organisation; may be NULL */
	const char *reason;       /* required for source 'manual' */
	int64_t programme_id;     /* 0: none */
};

enum { LEDGER_DUPLICATE = 1 }; /* record_id already in the ledger: nothing written */

/* Adds one entry.  Returns 0 and sets *id (when not NULL), LEDGER_DUPLICATE
 * when an entry with the same record_id exists (nothing written; *id is the
 * existing entry's), or -1 with err (ERR_INVALID for a bad value). */
int ledger_add_entry(struct store *s, const struct ledger_new *e, const struct actor *by,
		     int64_t *id, struct err *err);

#endif
