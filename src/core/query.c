/* query.c - queries put together from constant fragments (see query.h). */
#include "query.h"

#include <string.h>

#include "core/registry.h"
#include "store/store.h"

void qb_sql(struct qb *q, const char *frag)
{
	buf_puts(&q->sql, frag);
}

/* Appends a fragment with one '?' and its value. */
void qb_text(struct qb *q, const char *frag, const char *value)
{
	buf_puts(&q->sql, frag);
	if (q->n < QB_MAX_BINDS)
		q->v[q->n++].text = value;
}

void qb_int(struct qb *q, const char *frag, int64_t value)
{
	buf_puts(&q->sql, frag);
	if (q->n < QB_MAX_BINDS) {
		q->v[q->n].num = value;
		q->v[q->n++].is_num = true;
	}
}

int qb_prepare(struct store *s, struct qb *q, struct stmt **st)
{
	if (!buf_ok(&q->sql) || q->n >= QB_MAX_BINDS)
		return STORE_ERROR;
	if (store_prepare_built(s, buf_cstr(&q->sql), st) < 0)
		return STORE_ERROR;
	for (int i = 0; i < q->n; i++) {
		if (q->v[i].is_num)
			stmt_bind_int(*st, i + 1, q->v[i].num);
		else
			stmt_bind_text(*st, i + 1, q->v[i].text);
	}
	return 0;
}

/* The domain condition on school alias s, as authz_domain_covers() decides
 * it (000 art. 7). */
static void qb_domain(struct qb *q, const char *domain)
{
	if (!strcmp(domain, "kindergarten"))
		qb_sql(q, " AND s.stage = 'kindergarten'");
	else if (!strcmp(domain, "vocational"))
		qb_sql(q, " AND s.stage = 'vocational'");
	else if (!strcmp(domain, "private"))
		qb_sql(q, " AND s.ownership = 'private'");
	else if (!strcmp(domain, "principals_special"))
		qb_sql(q, " AND s.stage NOT IN ('kindergarten', 'vocational')");
	else if (strcmp(domain, "remote") && strcmp(domain, "research"))
		qb_sql(q, " AND 1 = 0");
}

void qb_school_scope(struct qb *q, const struct registry_scope *sc)
{
	if (sc->nothing || sc->person_id) {
		qb_sql(q, " AND 1 = 0");
		return;
	}
	if (sc->school_code)
		qb_text(q, " AND s.code = ?", sc->school_code);
	if (sc->district_code)
		qb_text(q, " AND s.district_code = ?", sc->district_code);
	if (sc->region_prefix)
		qb_text(q, " AND s.district_code LIKE ? || '%'", sc->region_prefix);
	if (sc->domain)
		qb_domain(q, sc->domain);
}

/* Persons: school staff by their school; a centre's own staff (no school)
 * to their centre's admin, and to the bureau and the system admin. */
void qb_person_scope(struct qb *q, const struct registry_scope *sc)
{
	if (sc->nothing) {
		qb_sql(q, " AND 1 = 0");
		return;
	}
	if (sc->person_id) {
		qb_int(q, " AND p.id = ?", sc->person_id);
		return;
	}
	if (!sc->school_code && !sc->district_code && !sc->region_prefix && !sc->domain)
		return;
	qb_sql(q, " AND ((s.id IS NOT NULL");
	qb_school_scope(q, sc);
	qb_sql(q, ")");
	if (sc->centre_code)
		qb_text(q, " OR (p.school_id IS NULL AND c.code = ?)", sc->centre_code);
	else if (!sc->school_code && (sc->district_code || sc->region_prefix))
		qb_text(q, " OR (p.school_id IS NULL AND c.region_code LIKE ? || '%')",
			sc->district_code ? sc->district_code : sc->region_prefix);
	qb_sql(q, ")");
}

