/* audit.c - the append-only audit log (see audit.h).  The table's triggers
 * refuse UPDATE and DELETE, so nothing here, or anywhere, can rewrite it. */
#include "audit.h"

#include "lib/clock.h"
#include "store/store.h"

static const char SQL_INSERT[] =
	"INSERT INTO audit_log (at, account_id, actor, action, object, detail, address)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)";

int audit_record(struct store *s, const struct actor *who, const char *action,
		 const char *object, const char *detail)
{
	struct stmt *st;
	char now[ISO_TIME_LEN];

	clock_now_iso(now);
	if (store_prepare(s, SQL_INSERT, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, now);
	if (who && who->account_id)
		stmt_bind_int(st, 2, who->account_id);
	stmt_bind_text(st, 3, who && who->name ? who->name : "system");
	stmt_bind_text(st, 4, action);
	stmt_bind_text(st, 5, object);
	stmt_bind_text(st, 6, detail);
	stmt_bind_text(st, 7, who ? who->address : NULL);
	return stmt_run(st) < 0 ? -1 : 0;
}

/* One statement serves every filter: a NULL parameter switches its
 * condition off, so the SQL stays a constant. */
#define AUDIT_WHERE \
	" WHERE (?1 IS NULL OR actor = ?1)" \
	" AND (?2 IS NULL OR substr(action, 1, length(?2)) = ?2)" \
	" AND (?3 IS NULL OR at >= ?3)" \
	" AND (?4 IS NULL OR at < ?4 || 'T99')"
static const char SQL_LIST[] =
	"SELECT id, at, actor, action, coalesce(object, ''), coalesce(detail, ''),"
	" coalesce(address, '') FROM audit_log" AUDIT_WHERE
	" ORDER BY id DESC LIMIT ?5 OFFSET ?6";
static const char SQL_COUNT[] = "SELECT count(*) FROM audit_log" AUDIT_WHERE;

static void bind_filter(struct stmt *st, const struct audit_filter *f)
{
	stmt_bind_text(st, 1, f->actor && *f->actor ? f->actor : NULL);
	stmt_bind_text(st, 2, f->action && *f->action ? f->action : NULL);
	stmt_bind_text(st, 3, f->since && *f->since ? f->since : NULL);
	stmt_bind_text(st, 4, f->until && *f->until ? f->until : NULL);
}

int audit_list(struct store *s, struct arena *a, const struct audit_filter *f,
	       struct audit_row **rows, int *n, int64_t *total)
{
	struct stmt *st;
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50, rc;

	*n = 0;
	*total = 0;
	*rows = arena_alloc(a, sizeof **rows * (size_t)limit);
	if (!*rows)
		return -1;
	if (store_prepare(s, SQL_COUNT, &st) < 0)
		return -1;
	bind_filter(st, f);
	if (stmt_step(st) == STORE_ROW)
		*total = stmt_int(st, 0);
	stmt_done(st);
	if (store_prepare(s, SQL_LIST, &st) < 0)
		return -1;
	bind_filter(st, f);
	stmt_bind_int(st, 5, limit);
	stmt_bind_int(st, 6, f->offset > 0 ? f->offset : 0);
	while ((rc = stmt_step(st)) == STORE_ROW && *n < limit) {
		struct audit_row *r = &(*rows)[(*n)++];

		r->id = stmt_int(st, 0);
		r->at = arena_strdup(a, stmt_text(st, 1));
		r->actor = arena_strdup(a, stmt_text(st, 2));
		r->action = arena_strdup(a, stmt_text(st, 3));
		r->object = arena_strdup(a, stmt_text(st, 4));
		r->detail = arena_strdup(a, stmt_text(st, 5));
		r->address = arena_strdup(a, stmt_text(st, 6));
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}
