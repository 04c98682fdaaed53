/* places.h - the city's regions (GB/T 2260 divisions) and its teacher
 * development centres: lists, records, checks and audited saves.
 *
 * API:
 * places_regions() / places_centres() list one page, filtered, with the
 *   total of every match.
 * places_region_counts() adds the schools and serving persons of the
 *   district rows it is given, in two GROUP BY queries for the whole page.
 * places_region_get() / places_centre_get() read one record.
 * places_region_write() / places_centre_write() check what a user wrote,
 *   then insert or update in their own write transaction, with the audit
 *   row (region.create, region.update, centre.create, centre.update).
 *
 * Problems are codes, not sentences (enum place_problem): the web pages
 * name them in the reader's language, and core stays without words.
 *
 * Codes never change once a record exists: schools, centres, accounts'
 * scopes and bureau prefixes refer to them.  A centre's kind does not
 * change either, since its code's form depends on it (a district centre's
 * code is its district's division code). */
#ifndef TDC_PLACES_H
#define TDC_PLACES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/principal.h"
#include "core/registry.h"
#include "lib/arena.h"

struct store;

/* ---- reading ---- */

struct place_region {
	const char *code, *name, *level, *parent_code, *parent_name;
	int64_t schools, persons;   /* districts, after places_region_counts() */
};

struct region_filter {
	const char *q;              /* name substring, or a code's first digits */
	const char *level;          /* province, city, district */
	const char *parent;         /* six digits */
	bool parents_only;          /* provinces and cities: who may be a parent */
	int limit, offset;          /* limit <= 0: 50 */
};

struct centre_filter {
	const char *q;              /* name substring, or a code's beginning */
	const char *kind;           /* municipal, district */
	const char *domain;
	const char *region;         /* six digits */
	int limit, offset;
};

int places_regions(struct store *s, struct arena *a, const struct region_filter *f,
		   struct place_region **items, int *n, int64_t *total);
/* Fills schools and persons (serving, by their school) of rows[0..n),
 * which should be districts; others get 0. */
int places_region_counts(struct store *s, struct place_region **rows, int n);
/* 0, STORE_ENOTFOUND, or another negative store error. */
int places_region_get(struct store *s, struct arena *a, const char *code, struct place_region *out);

int places_centres(struct store *s, struct arena *a, const struct centre_filter *f,
		   struct centre_rec **items, int *n, int64_t *total);
int places_centre_get(struct store *s, struct arena *a, const char *code, struct centre_rec *out);

/* Is this a known code of that kind?  For filters from query strings. */
bool places_is_level(const char *v);
bool places_is_kind(const char *v);
bool places_is_domain(const char *v);
extern const char *const places_levels[];    /* NULL-terminated */
extern const char *const places_kinds[];
extern const char *const places_domains[];

/* ---- writing ---- */

enum place_problem {
	PLACE_EMPTY = 1,            /* a needed field is empty */
	PLACE_TOO_LONG,             /* a name over 64 characters */
	PLACE_CONTROL,              /* a control character */
	PLACE_REGION_CODE,          /* not six digits */
	PLACE_CODE_LEVEL,           /* province ..0000, city ..00, district neither */
	PLACE_CENTRE_CODE,          /* a municipal centre's code: [a-z0-9-]{2,32} */
	PLACE_CODE_TAKEN,           /* another record has this code */
	PLACE_BAD_LEVEL,
	PLACE_LEVEL_IN_USE,         /* children, schools or centres hold it to its level */
	PLACE_PROVINCE_PARENT,      /* a province has no parent */
	PLACE_PARENT_UNKNOWN,
	PLACE_PARENT_LEVEL,         /* a district's parent is a city, a city's a province */
	PLACE_PARENT_PREFIX,        /* a child's code starts with its parent's */
	PLACE_BAD_KIND,
	PLACE_KIND_FIXED,
	PLACE_NOT_DISTRICT,         /* a district centre's code names no district */
	PLACE_REGION_UNKNOWN,
	PLACE_REGION_NOT_CITY,      /* a municipal centre's region is a city */
	PLACE_REGION_IS_CODE,       /* a district centre's region is its own code */
	PLACE_BAD_DOMAIN,
	PLACE_DOMAIN_NEEDED,        /* a municipal centre serves a domain */
	PLACE_DOMAIN_FORBIDDEN,     /* a district centre serves its district */
	PLACE_PROBLEM__MAX
};

enum { PLACE_ERRORS_MAX = 8 };
struct place_errors {
	int n;
	struct {
		const char *field;      /* the form's key: code, name, level, parent_code ... */
		enum place_problem problem;
	} e[PLACE_ERRORS_MAX];
};

enum place_write {
	PLACE_WRITE_OK = 0,
	PLACE_WRITE_INVALID = -1,   /* errs says why */
	PLACE_WRITE_CONFLICT = -2,  /* creating a code that exists (errs says so too) */
	PLACE_WRITE_ERROR = -3,     /* the database failed */
};

/* What a user wrote; strings may be untrimmed or NULL. */
struct place_region_in {
	const char *code, *name, *level, *parent_code;
};
struct place_centre_in {
	const char *code, *name, *kind, *region_code, *domain;
};

/* Creates (code_before NULL) or updates the record of code_before; in an
 * update the written code and kind are ignored.  *changed (may be NULL)
 * says whether anything was written; the stored code goes to code_out
 * (an arena copy).  The audit row names who as the actor. */
enum place_write places_region_write(struct store *s, struct arena *a, const struct actor *who,
				     const char *code_before, const struct place_region_in *in,
				     struct place_errors *errs, bool *changed,
				     const char **code_out);
enum place_write places_centre_write(struct store *s, struct arena *a, const struct actor *who,
				     const char *code_before, const struct place_centre_in *in,
				     struct place_errors *errs, bool *changed,
				     const char **code_out);

#endif
