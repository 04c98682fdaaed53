/* query.h - a query put together from constant SQL fragments and bound
 * values, and the scope conditions every list of persons or schools shares.
 *
 * Only constant fragments are appended (never a user's text): values go in
 * as bound parameters.  The scope conditions expect the aliases
 *   p  persons, s  schools (LEFT JOIN on p.school_id), c  centres (LEFT
 *   JOIN on p.centre_id)
 * and keep a list to what the caller's registry_scope sees: a school, a
 * district, a city prefix, a municipal centre's domain (000 art. 7), a
 * centre's own staff. */
#ifndef TDC_QUERY_H
#define TDC_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"

struct store;
struct stmt;
struct registry_scope;

enum { QB_MAX_BINDS = 32 };

struct qb {
	struct buf sql;
	int n;
	struct {
		const char *text;
		int64_t num;
		bool is_num;
	} v[QB_MAX_BINDS];
};

void qb_sql(struct qb *q, const char *frag);
/* Appends a fragment with one '?' and its value. */
void qb_text(struct qb *q, const char *frag, const char *value);
void qb_int(struct qb *q, const char *frag, int64_t value);
/* Prepares the query and binds the values; STORE_ERROR on failure. */
int qb_prepare(struct store *s, struct qb *q, struct stmt **st);

/* " AND ..." conditions on schools s. */
void qb_school_scope(struct qb *q, const struct registry_scope *sc);
/* " AND ..." conditions on persons p (with s and c joined). */
void qb_person_scope(struct qb *q, const struct registry_scope *sc);

#endif
