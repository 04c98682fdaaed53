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

/* ---- corrections ----
 *
 * DOMAIN.md: "Entries are never edited or deleted: a correction is a
 * reversing entry with a reason, and the whole history stays visible."
 * ledger_reverse_entry() appends, inside the caller's write transaction,
 * the entry that cancels record_id: hours10 = -original, the same person,
 * category, title, issuer and programme, year = the original's year (a
 * 2025 entry reversed in 2026 lowers 2025, never 2026), day = today,
 * source 'manual', record_id 'R' + the original's (random 'R...' when
 * that would be longer than LEDGER_RECORD_MAX or is taken), and reason.
 * Returns 0 and *new_id, or -1 with err: ERR_NOT_FOUND (no such record),
 * ERR_INVALID (reason empty or over LEDGER_REASON_MAX bytes; the record is
 * itself a reversal), ERR_CONFLICT (the record is reversed already; the
 * UNIQUE on ledger.reverses guards a race too), ERR_INTERNAL. */
enum { LEDGER_RECORD_MAX = 64, LEDGER_REASON_MAX = 500, LEDGER_TITLE_MAX = 200 };
int ledger_reverse_entry(struct store *s, const char *record_id, const char *reason,
			 const struct actor *by, int64_t *new_id, struct err *err);

/* ---- reading ---- */

struct arena;

/* One entry as the views show it; strings in the arena, NULL when empty. */
struct ledger_entry {
	int64_t id, person_id, programme_id; /* programme_id 0: none */
	const char *record_id, *day, *category, *source, *title, *issuer, *author;
	const char *created_at, *reason;
	int year;                 /* the year it counts in */
	int32_t hours10;          /* negative for a reversal */
	const char *reverses;     /* a reversal: the record_id it cancels */
	const char *reversed_by;  /* an entry: the record_id of its reversal, or NULL */
};

/* The entry with that record_id (or row id): 0, or -1 with err
 * (ERR_NOT_FOUND, ERR_INTERNAL). */
int ledger_entry_get(struct store *s, struct arena *a, const char *record_id,
		     struct ledger_entry *out, struct err *err);
int ledger_entry_by_id(struct store *s, struct arena *a, int64_t id, struct ledger_entry *out,
		       struct err *err);

/* A person's entries that count in one year (ledger.year = year), each
 * reversal right after the entry it reverses, and the year's total from
 * hours_totals (never a rescan of the ledger). */
struct ledger_year {
	int year;
	int64_t total10;
	struct ledger_entry *entries;
	int n;
};
int ledger_person_year(struct store *s, struct arena *a, int64_t person_id, int year,
		       struct ledger_year *out, struct err *err);

/* totals[y - from] for each year from..to (at most LEDGER_YEARS_MAX), from
 * hours_totals summed over categories; 0 for a year without entries.
 * 0, or -1 (a database error). */
enum { LEDGER_YEARS_MAX = 16 };
int ledger_person_years(struct store *s, int64_t person_id, int from, int to, int32_t totals[]);

/* Where a person stands for a year and its cycle (DOMAIN.md "Yearly
 * training assessment", "Five-year cycle"), from hours_totals alone: what
 * the home page, the hours page and the API show. */
struct ledger_progress {
	int year;
	int32_t year10, yearly_required10;
	int cycle_start, cycle_end;            /* inclusive */
	int32_t cycle10, cycle_required10;
	int32_t by_year[LEDGER_YEARS_MAX];     /* cycle_start + i */
};
/* service_start: "YYYY-MM-DD", NULL or "" when unknown.  0, or -1. */
int ledger_progress(struct store *s, int64_t person_id, const char *service_start, int year,
		    struct ledger_progress *out);

#endif
