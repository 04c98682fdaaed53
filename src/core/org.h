/* org.h - organisations as the home pages see them: counts of centres,
 * schools and people within a principal's scope, breakdowns, the alliance.
 *
 * Scope in SQL: struct org_scope says which schools a caller sees; it is
 * built from the principal by org_scope_of(), the same facts authz.c
 * decides on, so a count never includes what the caller may not open. */
#ifndef TDC_ORG_H
#define TDC_ORG_H

#include <stdint.h>

#include "core/principal.h"
#include "lib/arena.h"

struct store;

struct org_scope {
	const char *school_code;    /* one school */
	const char *district_code;  /* one district */
	const char *domain;         /* a municipal centre's domain */
	const char *region_prefix;  /* a city bureau: districts starting with it */
	int64_t person_id;          /* a teacher: only herself */
	int nothing;                /* sees no school at all (alliance, evaluator) */
};

struct org_counts {
	int64_t municipal_centres, district_centres, schools, persons, key_teachers, senior_titles;
};

struct org_row {
	const char *code, *name;
	int64_t schools, persons;
};

struct person_card {
	char id_number[19], name[129], school[257], school_code[11], title[16], education[16];
	char key_level[12], service_start[11], subject[64], role[16], status[16];
};

struct alliance_member {
	int rotation;
	const char *centre_code, *centre_name, *domain, *representative, *liaison;
	int chair_this_year;
};

void org_scope_of(const struct principal *p, struct org_scope *sc, char prefix_buf[7]);
int org_counts(struct store *s, const struct org_scope *sc, struct org_counts *out);
/* by is "district", "stage" or "title"; rows in arena */
int org_breakdown(struct store *s, struct arena *a, const struct org_scope *sc, const char *by,
		  struct org_row **rows, int *n);
int org_person_card(struct store *s, int64_t person_id, struct person_card *out);
int org_alliance_members(struct store *s, struct arena *a, const char *alliance_code, int year,
			 struct alliance_member **rows, int *n, const char **alliance_name);
int org_account_stats(struct store *s, int64_t *active_accounts, int64_t *live_sessions,
		      int64_t *audit_today);

#endif
