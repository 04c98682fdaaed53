/* demo.h - the demo city of Guangzhou for `tdc init --demo`.
 *
 * API:
 * demo_create() fills a new, migrated database with a believable city: the
 *   province, the city and its 11 districts; the six municipal centres of
 *   000 art. 5 with their art. 7 domains and one centre per district, each
 *   with its staff; the alliance with its members, representatives,
 *   liaisons and a rotating chair for 2021-2030; about teachers/65 schools;
 *   and o->teachers persons in all (centre staff included).
 *   It runs in one write transaction and refuses (ERR_CONFLICT) a database
 *   that already holds regions.  The summary names what the caller needs
 *   to make demo accounts: a school admin's school, a teacher, the
 *   alliance and a district centre.
 *
 * The data is synthetic.  ID numbers use the city-level division 440100,
 * which is never issued to a person, so no demo number can be a real one;
 * they are valid GB 11643-1999 numbers and unique.
 *
 * The same (teachers, seed) gives the same database within a calendar year:
 * ages and dates are counted from the current year, read once. */
#ifndef TDC_DEMO_H
#define TDC_DEMO_H

#include <stdint.h>

#include "lib/err.h"

struct store;

enum {
	DEMO_DEFAULT_TEACHERS = 20000,
	DEMO_MIN_TEACHERS = 500,        /* below this the centres' staff crowd out the schools */
	DEMO_MAX_TEACHERS = 5000000,    /* ID sequences per birth date run out beyond this */
	DEMO_DEFAULT_SEED = 1,
};

struct demo_options {
	int teachers;    /* persons to create, centre staff included; 0: DEMO_DEFAULT_TEACHERS */
	uint64_t seed;   /* any value, 0 too; the CLI's default is DEMO_DEFAULT_SEED */
};

#define DEMO_OPTIONS_INIT { DEMO_DEFAULT_TEACHERS, DEMO_DEFAULT_SEED }

struct demo_summary {
	int regions, centres, schools, persons;
	char school_code[11];       /* a public primary or complete school in 天河 440106 */
	char teacher_id_number[19]; /* a serving teacher (role 'teacher') of that school */
	char teacher_name[64];
	char alliance_code[33];     /* "gz-alliance" */
	char district_centre_code[33]; /* "440106" */
};

/* o may be NULL for the defaults; out may be NULL.  Returns 0, or -1 with
 * err filled (ERR_INVALID for a teachers count out of range, ERR_CONFLICT
 * for a database with data, ERR_IO for a database failure, ERR_INTERNAL
 * when out of memory). */
int demo_create(struct store *s, const struct demo_options *o, struct demo_summary *out,
		struct err *err);

#endif
