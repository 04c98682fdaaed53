/* audit.h - the append-only audit log.
 *
 * API:
 * audit_record() appends one row inside the caller's transaction, so the
 *   change and its record commit or vanish together.
 * audit_list() reads rows newest first, filtered, for the system admin. */
#ifndef TDC_AUDIT_H
#define TDC_AUDIT_H

#include <stdint.h>

#include "core/principal.h"
#include "lib/arena.h"

struct store;

int audit_record(struct store *s, const struct actor *who, const char *action,
		 const char *object, const char *detail);

struct audit_filter {
	const char *actor;   /* exact login, or NULL */
	const char *action;  /* prefix, e.g. "account." */
	const char *since;   /* 'YYYY-MM-DD', inclusive */
	const char *until;   /* 'YYYY-MM-DD', inclusive */
	int limit, offset;
};

struct audit_row {
	int64_t id;
	const char *at, *actor, *action, *object, *detail, *address;
};

/* Fills *rows (arena memory) and *n; *total counts every match. */
int audit_list(struct store *s, struct arena *a, const struct audit_filter *f,
	       struct audit_row **rows, int *n, int64_t *total);

#endif
