/* demo_hours.h - the demo city's hours ledger, for `tdc init --demo`.
 *
 * demo_hours_create() runs inside demo_create()'s write transaction, after
 * the persons are in: every serving person gets two to four entries for
 * each year of the current cycle up to `year`, at most the last two (never
 * before she entered service), mostly enough for the yearly minimum in
 * past years and a quarter short of it this year; the demo teacher (teacher_id_number)
 * gets a hand-picked mix written through ledger_add_entry() and one
 * reversal with its reason, as a centre would correct a wrong record.
 *
 * The same seed gives the same ledger on the same day: this year's
 * entries are dated no later than today, so their days follow the date.
 *
 * Above DEMO_HOURS_MAX_PERSONS persons nothing is written: a million
 * teachers would be some twenty million rows, and the province benchmark
 * imports its own ledger (bench/, `tdc import credits`). */
#ifndef TDC_DEMO_HOURS_H
#define TDC_DEMO_HOURS_H

#include <stdint.h>

#include "lib/err.h"

struct store;

enum { DEMO_HOURS_MAX_PERSONS = 100000 };

/* 0 (also when skipped), or -1 with err (ERR_IO, ERR_INTERNAL). */
int demo_hours_create(struct store *s, uint64_t seed, int year, int persons,
		      const char *teacher_id_number, struct err *err);

#endif
