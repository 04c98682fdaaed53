/* org.c - scoped counts for home pages (see org.h). */
#include "org.h"

#include <stdio.h>
#include <string.h>

#include "lib/clock.h"
#include "store/store.h"

void org_scope_of(const struct principal *p, struct org_scope *sc, char prefix_buf[7])
{
	memset(sc, 0, sizeof *sc);
	switch (p->role) {
	case ROLE_SYSADMIN:
		break;
	case ROLE_BUREAU:
		/* a city's districts share its first four digits */
		if (*p->region_code && !strcmp(p->region_code + 4, "00")) {
			snprintf(prefix_buf, 7, "%.4s", p->region_code);
			sc->region_prefix = prefix_buf;
		} else if (*p->region_code) {
			sc->district_code = p->region_code;
		}
		break;
	case ROLE_CENTRE_ADMIN:
		if (!strcmp(p->centre_kind, "district"))
			sc->district_code = p->region_code;
		else
			sc->domain = p->domain;
		break;
	case ROLE_SCHOOL_ADMIN:
		sc->school_code = p->scope;
		break;
	case ROLE_TEACHER:
		sc->person_id = p->person_id ? p->person_id : -1;
		break;
	default:
		sc->nothing = 1;
	}
}

/* The scope condition on a school s (and person p).  The domain part
 * mirrors authz_domain_covers() (000 art. 7); tests/unit/test_org.c checks
 * the two agree. */
#define SCOPE_WHERE \
	" (?1 IS NULL OR s.code = ?1)" \
	" AND (?2 IS NULL OR s.district_code = ?2)" \
	" AND (?3 IS NULL OR (?3 = 'kindergarten' AND s.stage = 'kindergarten')" \
	"   OR (?3 = 'vocational' AND s.stage = 'vocational')" \
	"   OR (?3 = 'private' AND s.ownership = 'private')" \
	"   OR (?3 = 'principals_special' AND s.stage NOT IN ('kindergarten', 'vocational'))" \
	"   OR ?3 IN ('remote', 'research'))" \
	" AND (?4 IS NULL OR substr(s.district_code, 1, length(?4)) = ?4)" \
	" AND ?5 = 0"

static void bind_scope(struct stmt *st, const struct org_scope *sc)
{
	stmt_bind_text(st, 1, sc->school_code);
	stmt_bind_text(st, 2, sc->district_code);
	stmt_bind_text(st, 3, sc->domain);
	stmt_bind_text(st, 4, sc->region_prefix);
	stmt_bind_int(st, 5, sc->nothing);
}

static const char SQL_COUNT_SCHOOLS[] = "SELECT count(*) FROM schools s WHERE" SCOPE_WHERE;
static const char SQL_COUNT_PERSONS[] =
	"SELECT count(*),"
	" coalesce(sum(CASE WHEN p.key_level IN ('city', 'province', 'nation') THEN 1 ELSE 0 END), 0),"
	" coalesce(sum(CASE WHEN p.title IN ('senior', 'full_senior') THEN 1 ELSE 0 END), 0)"
	" FROM persons p JOIN schools s ON s.id = p.school_id"
	" WHERE p.status = 'serving' AND" SCOPE_WHERE " AND (?6 = 0 OR p.id = ?6)";
static const char SQL_COUNT_CENTRES[] =
	"SELECT coalesce(sum(CASE WHEN kind = 'municipal' THEN 1 ELSE 0 END), 0),"
	" coalesce(sum(CASE WHEN kind = 'district' THEN 1 ELSE 0 END), 0) FROM centres";

int org_counts(struct store *s, const struct org_scope *sc, struct org_counts *out)
{
	struct stmt *st;

	memset(out, 0, sizeof *out);
	if (store_prepare(s, SQL_COUNT_CENTRES, &st) < 0)
		return -1;
	if (stmt_step(st) == STORE_ROW) {
		out->municipal_centres = stmt_int(st, 0);
		out->district_centres = stmt_int(st, 1);
	}
	stmt_done(st);
	if (store_prepare(s, SQL_COUNT_SCHOOLS, &st) < 0)
		return -1;
	bind_scope(st, sc);
	if (stmt_step(st) == STORE_ROW)
		out->schools = stmt_int(st, 0);
	stmt_done(st);
	if (store_prepare(s, SQL_COUNT_PERSONS, &st) < 0)
		return -1;
	bind_scope(st, sc);
	stmt_bind_int(st, 6, sc->person_id);
	if (stmt_step(st) == STORE_ROW) {
		out->persons = stmt_int(st, 0);
		out->key_teachers = stmt_int(st, 1);
		out->senior_titles = stmt_int(st, 2);
	}
	stmt_done(st);
	return 0;
}

static const char SQL_BY_DISTRICT[] =
	"SELECT r.code, r.name, count(DISTINCT s.id),"
	" (SELECT count(*) FROM persons p JOIN schools s2 ON s2.id = p.school_id"
	"  WHERE s2.district_code = r.code AND p.status = 'serving')"
	" FROM regions r JOIN schools s ON s.district_code = r.code"
	" WHERE" SCOPE_WHERE " GROUP BY r.code, r.name ORDER BY r.code";
static const char SQL_BY_STAGE[] =
	"SELECT s.stage, '', count(DISTINCT s.id), count(p.id)"
	" FROM schools s LEFT JOIN persons p ON p.school_id = s.id AND p.status = 'serving'"
	" WHERE" SCOPE_WHERE " GROUP BY s.stage ORDER BY count(p.id) DESC";
static const char SQL_BY_TITLE[] =
	"SELECT p.title, '', count(DISTINCT s.id), count(*)"
	" FROM persons p JOIN schools s ON s.id = p.school_id"
	" WHERE p.status = 'serving' AND" SCOPE_WHERE
	" GROUP BY p.title ORDER BY CASE p.title WHEN 'full_senior' THEN 1 WHEN 'senior' THEN 2"
	" WHEN 'first' THEN 3 WHEN 'second' THEN 4 WHEN 'third' THEN 5 ELSE 6 END";

int org_breakdown(struct store *s, struct arena *a, const struct org_scope *sc, const char *by,
		  struct org_row **rows, int *n)
{
	const char *sql = !strcmp(by, "district") ? SQL_BY_DISTRICT :
			  !strcmp(by, "stage") ? SQL_BY_STAGE : SQL_BY_TITLE;
	struct stmt *st;
	int cap = 16, rc;

	*n = 0;
	*rows = arena_alloc(a, sizeof **rows * (size_t)cap);
	if (!*rows || store_prepare(s, sql, &st) < 0)
		return -1;
	bind_scope(st, sc);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		struct org_row *r;

		if (*n == cap) {
			/* a province has more districts than a city */
			struct org_row *bigger = arena_alloc(a, sizeof **rows * (size_t)cap * 2);

			if (!bigger) {
				rc = STORE_ERROR;
				break;
			}
			memcpy(bigger, *rows, sizeof **rows * (size_t)cap);
			*rows = bigger;
			cap *= 2;
		}
		r = &(*rows)[(*n)++];

		r->code = arena_strdup(a, stmt_text(st, 0));
		r->name = arena_strdup(a, stmt_text(st, 1));
		r->schools = stmt_int(st, 2);
		r->persons = stmt_int(st, 3);
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

static const char SQL_PERSON_CARD[] =
	"SELECT p.id_number, p.name, coalesce(s.name, c.name, ''), coalesce(s.code, ''), p.title,"
	" p.education, p.key_level, coalesce(p.service_start, ''), coalesce(p.subject, ''), p.role,"
	" p.status FROM persons p LEFT JOIN schools s ON s.id = p.school_id"
	" LEFT JOIN centres c ON c.id = p.centre_id WHERE p.id = ?";

int org_person_card(struct store *s, int64_t person_id, struct person_card *o)
{
	struct stmt *st;
	int rc;

	memset(o, 0, sizeof *o);
	if (store_prepare(s, SQL_PERSON_CARD, &st) < 0)
		return -1;
	stmt_bind_int(st, 1, person_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		snprintf(o->id_number, sizeof o->id_number, "%s", stmt_text(st, 0));
		snprintf(o->name, sizeof o->name, "%s", stmt_text(st, 1));
		snprintf(o->school, sizeof o->school, "%s", stmt_text(st, 2));
		snprintf(o->school_code, sizeof o->school_code, "%s", stmt_text(st, 3));
		snprintf(o->title, sizeof o->title, "%s", stmt_text(st, 4));
		snprintf(o->education, sizeof o->education, "%s", stmt_text(st, 5));
		snprintf(o->key_level, sizeof o->key_level, "%s", stmt_text(st, 6));
		snprintf(o->service_start, sizeof o->service_start, "%s", stmt_text(st, 7));
		snprintf(o->subject, sizeof o->subject, "%s", stmt_text(st, 8));
		snprintf(o->role, sizeof o->role, "%s", stmt_text(st, 9));
		snprintf(o->status, sizeof o->status, "%s", stmt_text(st, 10));
	}
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc < 0 ? -1 : 1;
}

static const char SQL_ALLIANCE[] =
	"SELECT al.name, m.rotation_order, c.code, c.name, coalesce(c.domain, ''),"
	" coalesce(rp.name, ''), coalesce(lp.name, ''), CASE WHEN ch.year IS NULL THEN 0 ELSE 1 END"
	" FROM alliances al JOIN alliance_members m ON m.alliance_id = al.id"
	" JOIN centres c ON c.id = m.centre_id"
	" LEFT JOIN persons rp ON rp.id = m.representative_person_id"
	" LEFT JOIN persons lp ON lp.id = m.liaison_person_id"
	" LEFT JOIN alliance_chairs ch ON ch.alliance_id = al.id AND ch.year = ?2"
	"  AND ch.centre_id = c.id"
	" WHERE al.code = ?1 OR ?1 IS NULL ORDER BY al.id, m.rotation_order";

int org_alliance_members(struct store *s, struct arena *a, const char *alliance_code, int year,
			 struct alliance_member **rows, int *n, const char **alliance_name)
{
	struct stmt *st;
	int cap = 32, rc;

	*n = 0;
	*alliance_name = "";
	*rows = arena_alloc(a, sizeof **rows * (size_t)cap);
	if (!*rows || store_prepare(s, SQL_ALLIANCE, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, alliance_code && *alliance_code ? alliance_code : NULL);
	stmt_bind_int(st, 2, year);
	while ((rc = stmt_step(st)) == STORE_ROW && *n < cap) {
		struct alliance_member *m = &(*rows)[(*n)++];

		if (!**alliance_name)
			*alliance_name = arena_strdup(a, stmt_text(st, 0));
		m->rotation = (int)stmt_int(st, 1);
		m->centre_code = arena_strdup(a, stmt_text(st, 2));
		m->centre_name = arena_strdup(a, stmt_text(st, 3));
		m->domain = arena_strdup(a, stmt_text(st, 4));
		m->representative = arena_strdup(a, stmt_text(st, 5));
		m->liaison = arena_strdup(a, stmt_text(st, 6));
		m->chair_this_year = (int)stmt_int(st, 7);
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

static const char SQL_ACCOUNT_STATS[] =
	"SELECT (SELECT count(*) FROM accounts WHERE disabled = 0),"
	" (SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > ?1),"
	" (SELECT count(*) FROM audit_log WHERE at >= ?2)";

int org_account_stats(struct store *s, int64_t *active_accounts, int64_t *live_sessions,
		      int64_t *audit_today)
{
	struct stmt *st;
	char now[ISO_TIME_LEN], today[ISO_TIME_LEN];

	clock_now_iso(now);
	snprintf(today, sizeof today, "%.10s", now);
	if (store_prepare(s, SQL_ACCOUNT_STATS, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, now);
	stmt_bind_text(st, 2, today);
	if (stmt_step(st) == STORE_ROW) {
		*active_accounts = stmt_int(st, 0);
		*live_sessions = stmt_int(st, 1);
		*audit_today = stmt_int(st, 2);
	}
	stmt_done(st);
	return 0;
}
