/* programme.c - training programmes (培训项目): reading, the catalogue,
 * checked writes, status changes, sessions and the clash check.
 *
 * The rules kept here (DOMAIN.md "Training and hours", issue 5 §1):
 * - a programme has one organiser centre; its admins run it (and the
 *   system admin), nobody else;
 * - a session's venue and trainer are never double-booked: a session that
 *   overlaps another of the same venue or trainer on the same day, in a
 *   programme not cancelled, is refused with the clash named.  The check
 *   and the insert share one BEGIN IMMEDIATE transaction, so two admins
 *   cannot take one room for one hour at the same moment;
 * - capacity never drops below the seats already taken;
 * - status moves draft -> published -> closed, and anything but a
 *   completed programme may be cancelled.  completed is attendance's.
 *
 * Messages are written in both languages with field_error2() (registry.h),
 * so the form, the API and the tests see one wording. */
#include "core/programme.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/hours.h"
#include "core/vocab.h"
#include "lib/buf.h"
#include "lib/date.h"
#include "lib/err.h"
#include "lib/idcard.h"
#include "lib/utf8.h"
#include "store/store.h"

const char *const programme_levels[] = { "nation", "province", "city", "district", "school", NULL };
const char *const programme_modes[] = { "face_to_face", "online", "blended", NULL };
const char *const programme_statuses[] = { "draft", "published", "closed", "cancelled",
					    "completed", NULL };
const char *const programme_audience_kinds[] = { "role", "stage", "subject", "region", NULL };

enum {
	CODE_MAX = 32, TITLE_MAX = 120, DESCRIPTION_MAX = 4000, TOPIC_MAX = 200, VENUE_MAX = 64,
	SUBJECT_MAX = 32, CAPACITY_MAX = 100000, AUDIENCE_MAX = 64,
};

static bool in_list(const char *const *list, const char *v)
{
	for (size_t i = 0; v && list[i]; i++)
		if (!strcmp(list[i], v))
			return true;
	return false;
}

bool programme_is_category(const char *v) { return v && hours_category_valid(v); }
bool programme_is_level(const char *v) { return in_list(programme_levels, v); }
bool programme_is_mode(const char *v) { return in_list(programme_modes, v); }
bool programme_is_status(const char *v) { return in_list(programme_statuses, v); }

static bool is_set(const char *s)
{
	return s && *s;
}

static const char *dup_col(struct arena *a, struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? NULL : arena_strdup(a, stmt_text(st, col));
}

/* Grows an arena array of *cap elements of size bytes to hold one more. */
static void *grow(struct arena *a, void *items, int n, int *cap, size_t size)
{
	void *bigger;

	if (n < *cap)
		return items;
	*cap = *cap ? *cap * 2 : 16;
	if (!(bigger = arena_alloc(a, size * (size_t)*cap)))
		return NULL;
	if (n)
		memcpy(bigger, items, size * (size_t)n);
	return bigger;
}

/* ---- reading ---- */

#define PROGRAMME_COLUMNS \
	"SELECT p.id, p.code, p.title, p.centre_id, c.code, c.name, c.kind, c.region_code," \
	" p.category, p.level, p.mode, p.hours10, p.capacity, p.enrol_open, p.enrol_close," \
	" p.status, p.attendance_min, p.pass_mark, p.tolerance_min, p.description, p.created_at," \
	" p.created_by," \
	" (SELECT count(*) FROM enrolments e WHERE e.programme_id = p.id AND e.status = 'seated')," \
	" (SELECT count(*) FROM enrolments e WHERE e.programme_id = p.id AND e.status = 'waiting')" \
	" FROM programmes p JOIN centres c ON c.id = p.centre_id"

static const char SQL_GET[] = PROGRAMME_COLUMNS " WHERE p.code = ?";
static const char SQL_AUDIENCE[] =
	"SELECT kind, value FROM programme_audience WHERE programme_id = ?"
	" ORDER BY CASE kind WHEN 'role' THEN 1 WHEN 'stage' THEN 2 WHEN 'subject' THEN 3"
	" ELSE 4 END, value";
static const char SQL_SESSIONS[] =
	"SELECT ps.id, ps.day, ps.starts, ps.ends, ps.venue_id, v.name, ps.trainer_id, t.name,"
	" ps.topic, CASE WHEN EXISTS (SELECT 1 FROM attendance at WHERE at.session_id = ps.id)"
	" THEN 1 ELSE 0 END"
	" FROM programme_sessions ps LEFT JOIN venues v ON v.id = ps.venue_id"
	" LEFT JOIN persons t ON t.id = ps.trainer_id"
	" WHERE ps.programme_id = ? ORDER BY ps.day, ps.starts, ps.id";

static void read_programme(struct stmt *st, struct arena *a, struct programme *p)
{
	memset(p, 0, sizeof *p);
	p->id = stmt_int(st, 0);
	p->code = dup_col(a, st, 1);
	p->title = dup_col(a, st, 2);
	p->centre_id = stmt_int(st, 3);
	p->centre_code = dup_col(a, st, 4);
	p->centre_name = dup_col(a, st, 5);
	p->centre_kind = dup_col(a, st, 6);
	p->centre_region = dup_col(a, st, 7);
	p->category = dup_col(a, st, 8);
	p->level = dup_col(a, st, 9);
	p->mode = dup_col(a, st, 10);
	p->hours10 = (int32_t)stmt_int(st, 11);
	p->capacity = stmt_int(st, 12);
	p->enrol_open = dup_col(a, st, 13);
	p->enrol_close = dup_col(a, st, 14);
	p->status = dup_col(a, st, 15);
	p->attendance_min = (int)stmt_int(st, 16);
	p->pass_mark = stmt_is_null(st, 17) ? -1 : (int)stmt_int(st, 17);
	p->tolerance_min = (int)stmt_int(st, 18);
	p->description = dup_col(a, st, 19);
	p->created_at = dup_col(a, st, 20);
	p->created_by = dup_col(a, st, 21);
	p->seated = stmt_int(st, 22);
	p->waiting = stmt_int(st, 23);
}

static int read_audience(struct store *s, struct arena *a, struct programme *p)
{
	struct stmt *st;
	int rc, cap = 0;

	p->audience = NULL;
	p->naudience = 0;
	if (store_prepare(s, SQL_AUDIENCE, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, p->id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (!(p->audience = grow(a, p->audience, p->naudience, &cap, sizeof *p->audience)))
			goto fail;
		p->audience[p->naudience].kind = dup_col(a, st, 0);
		p->audience[p->naudience++].value = dup_col(a, st, 1);
	}
	stmt_done(st);
	return rc == STORE_DONE ? 0 : rc;
fail:
	stmt_done(st);
	return STORE_ERROR;
}

static int read_sessions(struct store *s, struct arena *a, struct programme *p)
{
	struct stmt *st;
	int rc, cap = 0;

	p->sessions = NULL;
	p->nsessions = 0;
	if (store_prepare(s, SQL_SESSIONS, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, p->id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		struct programme_session *x;

		if (!(p->sessions = grow(a, p->sessions, p->nsessions, &cap, sizeof *p->sessions)))
			goto fail;
		x = &p->sessions[p->nsessions++];
		x->id = stmt_int(st, 0);
		x->day = dup_col(a, st, 1);
		x->starts = dup_col(a, st, 2);
		x->ends = dup_col(a, st, 3);
		x->venue_id = stmt_is_null(st, 4) ? 0 : stmt_int(st, 4);
		x->venue_name = dup_col(a, st, 5);
		x->trainer_id = stmt_is_null(st, 6) ? 0 : stmt_int(st, 6);
		x->trainer_name = dup_col(a, st, 7);
		x->topic = dup_col(a, st, 8);
		x->has_attendance = stmt_int(st, 9) != 0;
	}
	stmt_done(st);
	return rc == STORE_DONE ? 0 : rc;
fail:
	stmt_done(st);
	return STORE_ERROR;
}

int programme_get_by_code(struct store *s, struct arena *a, const char *code,
			  struct programme *out)
{
	struct stmt *st;
	int rc;

	if (!is_set(code))
		return STORE_ENOTFOUND;
	if (store_prepare(s, SQL_GET, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		read_programme(st, a, out);
	stmt_done(st);
	if (rc == STORE_DONE)
		return STORE_ENOTFOUND;
	if (rc != STORE_ROW)
		return rc < 0 ? rc : STORE_ERROR;
	if ((rc = read_audience(s, a, out)) < 0 || (rc = read_sessions(s, a, out)) < 0)
		return rc;
	return 0;
}

bool programme_open_on(const struct programme *p, const char *today)
{
	return p && today && !strcmp(p->status, "published") && strcmp(p->enrol_open, today) <= 0 &&
	       strcmp(today, p->enrol_close) <= 0;
}

/* ---- who ---- */

static const char SQL_CENTRE_BY_CODE[] = "SELECT id FROM centres WHERE code = ?";

static int centre_id_of(struct store *s, const char *code, int64_t *id)
{
	struct stmt *st;
	int rc;

	*id = 0;
	if (store_prepare(s, SQL_CENTRE_BY_CODE, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*id = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : rc;
}

int programme_centre_of(struct store *s, const struct principal *who, int64_t *centre_id)
{
	*centre_id = 0;
	if (!who || who->role != ROLE_CENTRE_ADMIN || !*who->scope)
		return 0;
	return centre_id_of(s, who->scope, centre_id);
}

bool programme_manageable(const struct principal *who, const struct programme *p)
{
	if (!who || !p)
		return false;
	if (who->role == ROLE_SYSADMIN)
		return true;
	/* a centre admin's scope is her centre's code (principal.h) */
	return who->role == ROLE_CENTRE_ADMIN && p->centre_code && !strcmp(who->scope, p->centre_code);
}

/* The audience condition on programme alias p for one person's facts,
 * bound in this order: role, stage, subject, district, city.  A NULL fact
 * matches no row of its kind (value = NULL is never true). */
#define AUDIENCE_KIND(kind, match) \
	" AND (NOT EXISTS (SELECT 1 FROM programme_audience a WHERE a.programme_id = p.id" \
	" AND a.kind = '" kind "') OR EXISTS (SELECT 1 FROM programme_audience a" \
	" WHERE a.programme_id = p.id AND a.kind = '" kind "' AND " match "))"
#define AUDIENCE_MATCH \
	AUDIENCE_KIND("role", "a.value = ?") AUDIENCE_KIND("stage", "a.value = ?") \
	AUDIENCE_KIND("subject", "a.value = ?") AUDIENCE_KIND("region", "a.value IN (?, ?)")

/* role, subject, stage, district (the school's, or a centre's region), city */
static const char SQL_PERSON_FACTS[] =
	"SELECT p.role, p.subject, s.stage, coalesce(s.district_code, c.region_code), r.parent_code"
	" FROM persons p LEFT JOIN schools s ON s.id = p.school_id"
	" LEFT JOIN centres c ON c.id = p.centre_id"
	" LEFT JOIN regions r ON r.code = coalesce(s.district_code, c.region_code)"
	" WHERE p.id = ?";
static const char SQL_ADMITS[] =
	"SELECT count(*) FROM programmes p WHERE p.id = ?" AUDIENCE_MATCH;
static const char SQL_ENROLLED[] =
	"SELECT count(*) FROM enrolments WHERE programme_id = ? AND person_id = ?";

struct person_facts {
	char role[16], subject[64], stage[16], district[8], city[8];
	bool found;
};

static void copy_col(struct stmt *st, int col, char *out, size_t len)
{
	if (stmt_is_null(st, col))
		out[0] = '\0';
	else
		snprintf(out, len, "%s", stmt_text(st, col));
}

static int person_facts(struct store *s, int64_t person_id, struct person_facts *f)
{
	struct stmt *st;
	int rc;

	memset(f, 0, sizeof *f);
	if (store_prepare(s, SQL_PERSON_FACTS, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, person_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		f->found = true;
		copy_col(st, 0, f->role, sizeof f->role);
		copy_col(st, 1, f->subject, sizeof f->subject);
		copy_col(st, 2, f->stage, sizeof f->stage);
		copy_col(st, 3, f->district, sizeof f->district);
		copy_col(st, 4, f->city, sizeof f->city);
	}
	stmt_done(st);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : rc;
}

static const char *or_null(const char *s)
{
	return is_set(s) ? s : NULL;
}

/* Binds the five facts from index first on. */
static void bind_facts(struct stmt *st, int first, const struct person_facts *f)
{
	stmt_bind_text(st, first, or_null(f->role));
	stmt_bind_text(st, first + 1, or_null(f->stage));
	stmt_bind_text(st, first + 2, or_null(f->subject));
	stmt_bind_text(st, first + 3, or_null(f->district));
	stmt_bind_text(st, first + 4, or_null(f->city));
}

static int count_query(struct store *s, const char *sql, int64_t a, int64_t b, int64_t *n)
{
	struct stmt *st;
	int rc;

	*n = 0;
	if (store_prepare(s, sql, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, a);
	stmt_bind_int(st, 2, b);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*n = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc < 0 ? rc : STORE_ERROR;
}

bool programme_audience_admits(struct store *s, const struct programme *p, int64_t person_id,
			       int *rc_out)
{
	struct person_facts f;
	struct stmt *st;
	int rc;
	bool yes = false;

	if ((rc = person_facts(s, person_id, &f)) < 0 || !f.found)
		goto out;
	if (store_prepare(s, SQL_ADMITS, &st) < 0) {
		rc = STORE_ERROR;
		goto out;
	}
	stmt_bind_int(st, 1, p->id);
	bind_facts(st, 2, &f);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		yes = stmt_int(st, 0) > 0;
		rc = 0;
	} else if (rc >= 0) {
		rc = STORE_ERROR;
	}
	stmt_done(st);
out:
	if (rc_out)
		*rc_out = rc;
	return yes;
}

static bool is_public_status(const char *status)
{
	return !strcmp(status, "published") || !strcmp(status, "closed") ||
	       !strcmp(status, "completed");
}

bool programme_visible(struct store *s, const struct principal *who, const struct programme *p,
		       int *rc)
{
	int64_t n = 0;

	if (rc)
		*rc = 0;
	if (!who || !p)
		return false;
	switch (who->role) {
	case ROLE_SYSADMIN:
	case ROLE_BUREAU:
		return true;
	case ROLE_CENTRE_ADMIN:
		return programme_manageable(who, p) || is_public_status(p->status);
	case ROLE_SCHOOL_ADMIN:
		return is_public_status(p->status);
	case ROLE_TEACHER:
		if (!who->person_id)
			return false;
		/* what she enrolled in stays hers to see, whatever happens to it */
		if (count_query(s, SQL_ENROLLED, p->id, who->person_id, &n) < 0) {
			if (rc)
				*rc = STORE_ERROR;
			return false;
		}
		if (n > 0)
			return true;
		return is_public_status(p->status) && programme_audience_admits(s, p, who->person_id, rc);
	default:
		return false;
	}
}

/* ---- the catalogue ---- */

enum { QUERY_BINDS = 24 };

/* A query put together from constant fragments, values always bound. */
struct query {
	struct buf sql;
	int n;
	struct {
		const char *text;
		int64_t num;
		bool is_num;
	} v[QUERY_BINDS];
};

static void q_sql(struct query *q, const char *frag)
{
	buf_puts(&q->sql, frag);
}

static void q_text(struct query *q, const char *frag, const char *value)
{
	buf_puts(&q->sql, frag);
	if (q->n < QUERY_BINDS)
		q->v[q->n++].text = value;
	else
		q->n = QUERY_BINDS + 1;
}

/* Binds the next '?' of a fragment already added ("" binds NULL). */
static void q_bind(struct query *q, const char *value)
{
	q_text(q, "", or_null(value));
}

static void q_int(struct query *q, const char *frag, int64_t value)
{
	buf_puts(&q->sql, frag);
	if (q->n < QUERY_BINDS) {
		q->v[q->n].num = value;
		q->v[q->n++].is_num = true;
	} else {
		q->n = QUERY_BINDS + 1;
	}
}

static int q_prepare(struct store *s, struct query *q, const char *head, const char *tail,
		     struct stmt **st, struct arena *a)
{
	const char *sql;

	if (!buf_ok(&q->sql) || q->n > QUERY_BINDS)
		return STORE_ERROR;
	if (!(sql = arena_printf(a, "%s%s%s", head, buf_cstr(&q->sql), tail)))
		return STORE_ERROR;
	if (store_prepare_built(s, sql, st) < 0)
		return STORE_ERROR;
	for (int i = 0; i < q->n; i++) {
		if (q->v[i].is_num)
			stmt_bind_int(*st, i + 1, q->v[i].num);
		else
			stmt_bind_text(*st, i + 1, q->v[i].text);
	}
	return 0;
}

/* "%" and "_" in what someone searches for are letters, not wildcards. */
static const char *like_pattern(struct arena *a, const char *text)
{
	struct buf b;
	const char *out;

	buf_init(&b);
	buf_putc(&b, '%');
	for (const char *p = text; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '%');
	out = buf_ok(&b) ? arena_strdup(a, buf_cstr(&b)) : NULL;
	buf_free(&b);
	return out;
}

/* programme_visible()'s rule as conditions on alias p. */
static int q_visibility(struct store *s, struct query *q, const struct principal *who,
			const struct programme_filter *f, struct person_facts *facts)
{
	int64_t centre_id = 0;
	int rc;

	switch (who ? who->role : ROLE_NONE) {
	case ROLE_SYSADMIN:
	case ROLE_BUREAU:
		return 0;
	case ROLE_CENTRE_ADMIN:
		if ((rc = programme_centre_of(s, who, &centre_id)) < 0)
			return rc;
		q_int(q, " AND (p.centre_id = ? OR p.status IN ('published', 'closed', 'completed'))",
		      centre_id);
		return 0;
	case ROLE_SCHOOL_ADMIN:
		q_sql(q, " AND p.status IN ('published', 'closed', 'completed')");
		if (!is_set(f->status))
			q_sql(q, " AND p.status = 'published'");
		return 0;
	case ROLE_TEACHER:
		if (!who->person_id) {
			q_sql(q, " AND 1 = 0");
			return 0;
		}
		if ((rc = person_facts(s, who->person_id, facts)) < 0)
			return rc;
		q_sql(q, " AND ((p.status IN ('published', 'closed', 'completed')" AUDIENCE_MATCH);
		q_bind(q, facts->role);
		q_bind(q, facts->stage);
		q_bind(q, facts->subject);
		q_bind(q, facts->district);
		q_bind(q, facts->city);
		q_int(q, ") OR EXISTS (SELECT 1 FROM enrolments e WHERE e.programme_id = p.id"
			 " AND e.person_id = ?))", who->person_id);
		if (!is_set(f->status))
			q_sql(q, " AND p.status = 'published'");
		return 0;
	default:
		q_sql(q, " AND 1 = 0");
		return 0;
	}
}

int programme_list(struct store *s, struct arena *a, const struct principal *who,
		   const struct programme_filter *f, struct programme **items, int *n,
		   int64_t *total)
{
	struct query q = { 0 };
	struct person_facts facts;
	struct stmt *st;
	int rc, limit = f->limit > 0 ? f->limit : 50, cap = 0;

	*items = NULL;
	*n = 0;
	*total = 0;
	buf_init(&q.sql);
	q_sql(&q, " WHERE 1 = 1");
	if ((rc = q_visibility(s, &q, who, f, &facts)) < 0)
		goto out;
	if (is_set(f->q)) {
		const char *pat = like_pattern(a, f->q);

		q_text(&q, " AND (p.title LIKE ? ESCAPE '\\'", pat);
		q_text(&q, " OR p.code LIKE ? ESCAPE '\\')", pat);
	}
	if (is_set(f->category))
		q_text(&q, " AND p.category = ?", f->category);
	if (is_set(f->mode))
		q_text(&q, " AND p.mode = ?", f->mode);
	if (is_set(f->level))
		q_text(&q, " AND p.level = ?", f->level);
	if (is_set(f->status))
		q_text(&q, " AND p.status = ?", f->status);
	if (f->open && f->today) {
		q_sql(&q, " AND p.status = 'published'");
		q_text(&q, " AND p.enrol_open <= ?", f->today);
		q_text(&q, " AND p.enrol_close >= ?", f->today);
	}

	if ((rc = q_prepare(s, &q, "SELECT count(*) FROM programmes p", "", &st, a)) < 0)
		goto out;
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*total = stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW) {
		rc = rc < 0 ? rc : STORE_ERROR;
		goto out;
	}
	q_int(&q, " ORDER BY p.enrol_open DESC, p.id DESC LIMIT ?", limit);
	q_int(&q, " OFFSET ?", f->offset > 0 ? f->offset : 0);
	if ((rc = q_prepare(s, &q, PROGRAMME_COLUMNS, "", &st, a)) < 0)
		goto out;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (!(*items = grow(a, *items, *n, &cap, sizeof **items))) {
			rc = STORE_ERROR;
			break;
		}
		read_programme(st, a, &(*items)[(*n)++]);
	}
	stmt_done(st);
	rc = rc == STORE_DONE ? 0 : rc < 0 ? rc : STORE_ERROR;
out:
	buf_free(&q.sql);
	return rc;
}

/* ---- checking what users wrote ---- */

/* Reads a whole number in [min, max]; false when it is anything else. */
static bool parse_int(const char *text, long min, long max, long *out)
{
	char *end;
	long v;

	if (!is_set(text))
		return false;
	for (const char *p = text; *p; p++)
		if (!isdigit((unsigned char)*p) && !(p == text && *p == '-'))
			return false;
	v = strtol(text, &end, 10);
	if (*end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
			return true;
	return false;
}

/* Programme codes appear in URLs and on certificates: ASCII letters,
 * digits, '-' and '_', starting with a letter or digit. */
static bool code_ok(const char *c)
{
	size_t n = strlen(c);

	if (n < 2 || n > CODE_MAX || !isalnum((unsigned char)c[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)c[i]) && c[i] != '-' && c[i] != '_')
			return false;
	return true;
}

/* "9:00", "09:00" -> "09:00"; false when no time of day. */
static bool parse_time(const char *in, char out[6])
{
	int h, m, used = 0;

	if (!is_set(in) || sscanf(in, "%2d:%2d%n", &h, &m, &used) != 2 || in[used] ||
	    !isdigit((unsigned char)in[0]) || h < 0 || h > 23 || m < 0 || m > 59 ||
	    strlen(in) - (size_t)(strchr(in, ':') - in) != 3)
		return false;
	snprintf(out, 6, "%02d:%02d", h, m);
	return true;
}

/* A message whose two languages take different words (field_error2()
 * gives both formats one argument list): each formatted on its own. */
static void field_error_pair(struct field_errors *fe, const char *field, const char *zh,
			     const char *en)
{
	if (!fe || fe->n >= FIELD_ERRORS_MAX)
		return;
	snprintf(fe->e[fe->n].field, sizeof fe->e[fe->n].field, "%s", field);
	snprintf(fe->e[fe->n].message, sizeof fe->e[fe->n].message, "%s", en ? en : "");
	snprintf(fe->e[fe->n].message_zh, sizeof fe->e[fe->n].message_zh, "%s", zh ? zh : "");
	fe->n++;
}

static const char *text_field(struct arena *a, struct field_errors *fe, const char *field,
			      const char *value, size_t max, bool required, const char *zh_name,
			      const char *en_name)
{
	const char *t = utf8_trimmed(a, value);

	if (!is_set(t)) {
		if (required)
			field_error_pair(fe, field, arena_printf(a, "请填写%s。", zh_name),
					 arena_printf(a, "%s is required.", en_name));
		return NULL;
	}
	if (utf8_chars(t) > max)
		field_error_pair(fe, field, arena_printf(a, "%s不能超过 %zu 个字。", zh_name, max),
				 arena_printf(a, "%s must be at most %zu characters.", en_name, max));
	else if (has_control(t))
		field_error_pair(fe, field, arena_printf(a, "%s含有控制字符。", zh_name),
				 arena_printf(a, "%s holds a control character.", en_name));
	return t;
}

static const char *date_field(struct arena *a, struct field_errors *fe, const char *field,
			      const char *value, const char *zh_name, const char *en_name)
{
	char out[DATE_LEN + 1];
	struct err e = { 0 };

	if (!is_set(value)) {
		field_error_pair(fe, field, arena_printf(a, "请填写%s。", zh_name),
				 arena_printf(a, "%s is required.", en_name));
		return NULL;
	}
	if (date_parse(value, out, &e) < 0) {
		field_error_pair(fe, field, arena_printf(a, "%s不是有效日期（如 2026-09-01）。", zh_name),
				 arena_printf(a, "%s is not a date (write 2026-09-01).", en_name));
		return NULL;
	}
	return arena_strdup(a, out);
}

static bool int_field(struct field_errors *fe, const char *field, const char *value, long min,
		      long max, const char *zh_name, const char *en_name, long *out)
{
	char t[24];
	size_t n;

	while (value && isspace((unsigned char)*value))
		value++;
	n = value ? strlen(value) : 0;
	while (n && isspace((unsigned char)value[n - 1]))
		n--;
	if (n < sizeof t) {
		memcpy(t, value ? value : "", n);
		t[n] = '\0';
		if (parse_int(t, min, max, out))
			return true;
	}
	{
		char zh[160], en[160];

		snprintf(zh, sizeof zh, "%s应为 %ld 到 %ld 之间的整数。", zh_name, min, max);
		snprintf(en, sizeof en, "%s must be a whole number from %ld to %ld.", en_name, min, max);
		field_error_pair(fe, field, zh, en);
	}
	return false;
}

/* ---- the organiser ---- */

static const char SQL_CENTRE_LOOKUP[] = "SELECT id, kind FROM centres WHERE code = ?";

/* 1 found, 0 not, negative store error; kind: "municipal" or "district". */
static int centre_lookup(struct store *s, const char *code, int64_t *id, char kind[12])
{
	struct stmt *st;
	int rc;

	*id = 0;
	kind[0] = '\0';
	if (store_prepare(s, SQL_CENTRE_LOOKUP, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		snprintf(kind, 12, "%s", stmt_text(st, 1));
	}
	stmt_done(st);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : rc;
}

static const char SQL_REGION_EXISTS[] = "SELECT count(*) FROM regions WHERE code = ?";

static int region_exists(struct store *s, const char *code, bool *yes)
{
	struct stmt *st;
	int rc;

	*yes = false;
	if (store_prepare(s, SQL_REGION_EXISTS, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*yes = stmt_int(st, 0) > 0;
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc < 0 ? rc : STORE_ERROR;
}

/* ---- checking a programme ---- */

/* What a write stores, once checked: the record before (an update) with
 * the fields written laid over it. */
struct values {
	const char *code, *title, *category, *level, *mode, *enrol_open, *enrol_close;
	const char *description, *status;
	int64_t centre_id;
	long hours10, capacity, attendance_min, pass_mark, tolerance_min;
	struct programme_audience_item *audience;
	int naudience;
};

static void values_of(const struct programme *p, struct values *v)
{
	memset(v, 0, sizeof *v);
	v->code = p->code;
	v->title = p->title;
	v->category = p->category;
	v->level = p->level;
	v->mode = p->mode;
	v->enrol_open = p->enrol_open;
	v->enrol_close = p->enrol_close;
	v->description = p->description;
	v->status = p->status;
	v->centre_id = p->centre_id;
	v->hours10 = p->hours10;
	v->capacity = p->capacity;
	v->attendance_min = p->attendance_min;
	v->pass_mark = p->pass_mark;
	v->tolerance_min = p->tolerance_min;
	v->audience = p->audience;
	v->naudience = p->naudience;
}

static const char *const audience_zh[] = { "角色", "学段", "学科", "地区" };

/* Checks and copies the audience: known kinds, role and stage codes,
 * regions that exist; duplicates dropped (one row per kind and value). */
static int check_audience(struct store *s, struct arena *a, const struct programme_in *in,
			  struct field_errors *fe, struct values *v)
{
	int rc;

	v->naudience = 0;
	v->audience = NULL;
	if (in->naudience > AUDIENCE_MAX) {
		field_error2(fe, "audience", "培训对象最多 %d 项。", "The audience has at most %d entries.",
			     AUDIENCE_MAX);
		return 0;
	}
	if (in->naudience && !(v->audience = arena_alloc(a, sizeof *v->audience * (size_t)in->naudience)))
		return STORE_ERROR;
	for (int i = 0; i < in->naudience; i++) {
		const char *kind = in->audience[i].kind;
		const char *value = utf8_trimmed(a, in->audience[i].value);
		int k;
		bool ok = true, dup = false;

		for (k = 0; programme_audience_kinds[k]; k++)
			if (kind && !strcmp(kind, programme_audience_kinds[k]))
				break;
		if (!programme_audience_kinds[k]) {
			field_error2(fe, "audience", "培训对象的种类“%s”不存在（可用 role、stage、subject、region）。",
				     "Unknown audience kind \"%s\" (use role, stage, subject, region).",
				     kind ? kind : "");
			continue;
		}
		if (!is_set(value)) {
			field_error_pair(fe, "audience", arena_printf(a, "培训对象的%s不能为空。", audience_zh[k]),
					 arena_printf(a, "An audience %s is empty.", kind));
			continue;
		}
		if (k == 0 && !in_list(vocab_codes(VOCAB_ROLE), value))
			ok = false;
		else if (k == 1 && !in_list(vocab_codes(VOCAB_STAGE), value))
			ok = false;
		else if (k == 2 && (utf8_chars(value) > SUBJECT_MAX || has_control(value)))
			ok = false;
		else if (k == 3) {
			bool yes = false;

			if ((rc = region_exists(s, value, &yes)) < 0)
				return rc;
			ok = yes;
		}
		if (!ok) {
			field_error_pair(fe, "audience",
					 arena_printf(a, "培训对象的%s“%s”无效。", audience_zh[k], value),
					 arena_printf(a, "Audience %s \"%s\" is not valid.", kind, value));
			continue;
		}
		for (int j = 0; j < v->naudience; j++)
			if (!strcmp(v->audience[j].kind, programme_audience_kinds[k]) &&
			    !strcmp(v->audience[j].value, value))
				dup = true;
		if (!dup) {
			v->audience[v->naudience].kind = programme_audience_kinds[k];
			v->audience[v->naudience++].value = value;
		}
	}
	return 0;
}

/* Checks every field named (all of them when creating) into v.  Field
 * problems go to fe; the return is 0 or a negative store error. */
static int check_programme(struct store *s, struct arena *a, const struct programme_change *ch,
			   const struct programme *before, const struct programme_in *in,
			   unsigned fields, struct field_errors *fe, struct values *v)
{
	bool creating = before == NULL;
	char kind[12] = "";
	long n;
	int rc;

	if (creating) {
		memset(v, 0, sizeof *v);
		fields = PG_ALL;
		v->attendance_min = 80;
		v->tolerance_min = 15;
		v->pass_mark = -1;
	} else {
		values_of(before, v);
	}

	/* the organiser: the system admin names it, a centre admin is it */
	if (creating) {
		const char *centre = utf8_trimmed(a, in->centre);

		if (ch->who->role == ROLE_CENTRE_ADMIN) {
			if (is_set(centre) && strcmp(centre, ch->who->scope))
				field_error2(fe, "centre", "中心管理员只能为本中心（%s）组织项目。",
					     "A centre admin organises for her own centre (%s) only.",
					     ch->who->scope);
			centre = ch->who->scope;
		}
		if (!is_set(centre)) {
			field_error2(fe, "centre", "请选择主办中心。", "centre (the organiser) is required.");
		} else if ((rc = centre_lookup(s, centre, &v->centre_id, kind)) < 0) {
			return rc;
		} else if (rc == 0) {
			field_error2(fe, "centre", "没有编码为“%s”的中心。", "No centre has the code \"%s\".",
				     centre);
		}
	} else if ((fields & PG_CENTRE) && is_set(in->centre) &&
		   strcmp(utf8_trimmed(a, in->centre), before->centre_code)) {
		field_error2(fe, "centre", "项目的主办中心不能更改。", "A programme's organiser cannot change.");
	}

	if (creating) {
		const char *code = utf8_trimmed(a, in->code);

		if (!is_set(code))
			field_error2(fe, "code", "请填写项目编号。", "code is required.");
		else if (!code_ok(code))
			field_error2(fe, "code", "项目编号为 2–32 个英文字母、数字、“-”或“_”。",
				     "code must be 2-32 ASCII letters, digits, '-' or '_', starting with a letter or digit.");
		v->code = code;
	}
	if (fields & PG_TITLE)
		v->title = text_field(a, fe, "title", in->title, TITLE_MAX, true, "项目名称", "title");
	if (fields & PG_CATEGORY) {
		const char *c = utf8_trimmed(a, in->category);

		if (!is_set(c))
			field_error2(fe, "category", "请选择培训类别。", "category is required.");
		else if (!programme_is_category(c))
			field_error2(fe, "category", "培训类别“%s”不存在。", "Unknown category \"%s\".", c);
		v->category = c;
	}
	if (fields & PG_LEVEL) {
		const char *l = utf8_trimmed(a, in->level);

		if (!is_set(l) && creating)
			/* a municipal centre's programmes are the city's by default */
			l = !strcmp(kind, "municipal") ? "city" : "district";
		if (!programme_is_level(l))
			field_error2(fe, "level", "培训级别“%s”无效（nation、province、city、district、school）。",
				     "level \"%s\" is not one of nation, province, city, district, school.",
				     l ? l : "");
		else
			v->level = l;
	}
	if (fields & PG_MODE) {
		const char *m = utf8_trimmed(a, in->mode);

		if (!is_set(m) && creating)
			m = "face_to_face";
		if (!programme_is_mode(m))
			field_error2(fe, "mode", "培训形式“%s”无效（face_to_face、online、blended）。",
				     "mode \"%s\" is not one of face_to_face, online, blended.", m ? m : "");
		else
			v->mode = m;
	}
	if (fields & PG_HOURS) {
		int32_t h = 0;
		enum hours_error e = hours_parse(in->hours, &h);

		/* a programme's hours are never a correction: no reversal hint */
		if (e == HOURS_NEGATIVE)
			field_error_pair(fe, "hours", "学时应大于 0", "hours must be more than 0");
		else if (e != HOURS_OK)
			field_error_pair(fe, "hours", hours_error_text(e, 0), hours_error_text(e, 1));
		v->hours10 = h;
	}
	if ((fields & PG_CAPACITY) &&
	    int_field(fe, "capacity", in->capacity, 1, CAPACITY_MAX, "名额", "capacity", &n)) {
		v->capacity = n;
		if (before && n < before->seated)
			field_error2(fe, "capacity", "名额不能少于已录取的 %lld 人。",
				     "capacity cannot go below the %lld seats already taken.",
				     (long long)before->seated);
	}
	if (fields & PG_ENROL_OPEN)
		v->enrol_open = date_field(a, fe, "enrol_open", in->enrol_open, "报名开始日期",
					   "enrol_open");
	if (fields & PG_ENROL_CLOSE)
		v->enrol_close = date_field(a, fe, "enrol_close", in->enrol_close, "报名截止日期",
					    "enrol_close");
	if (v->enrol_open && v->enrol_close && strcmp(v->enrol_open, v->enrol_close) > 0)
		field_error2(fe, "enrol_close", "报名截止日期不能早于开始日期。",
			     "enrol_close cannot be before enrol_open.");
	if ((fields & PG_ATTENDANCE_MIN) && is_set(utf8_trimmed(a, in->attendance_min)) &&
	    int_field(fe, "attendance_min", in->attendance_min, 0, 100, "出勤要求（%）",
		      "attendance_min (per cent)", &n))
		v->attendance_min = n;
	if (fields & PG_PASS_MARK) {
		if (!is_set(utf8_trimmed(a, in->pass_mark)))
			v->pass_mark = -1; /* no examination */
		else if (int_field(fe, "pass_mark", in->pass_mark, 0, 100, "合格分数", "pass_mark", &n))
			v->pass_mark = n;
	}
	if ((fields & PG_TOLERANCE_MIN) && is_set(utf8_trimmed(a, in->tolerance_min)) &&
	    int_field(fe, "tolerance_min", in->tolerance_min, 0, 240, "迟到早退容许分钟",
		      "tolerance_min", &n))
		v->tolerance_min = n;
	if (fields & PG_DESCRIPTION)
		v->description = text_field(a, fe, "description", in->description, DESCRIPTION_MAX,
					    false, "项目简介", "description");
	if (fields & PG_STATUS) {
		const char *st = utf8_trimmed(a, in->status);

		if (creating) {
			if (!is_set(st))
				st = "published";
			if (strcmp(st, "draft") && strcmp(st, "published"))
				field_error2(fe, "status", "新项目的状态只能是 draft 或 published。",
					     "A new programme's status is draft or published.");
			v->status = st;
		} else if (is_set(st) && strcmp(st, before->status)) {
			/* each move has its own rule and audit: programme_set_status() */
			field_error2(fe, "status", "状态请用发布、结束报名或取消操作更改。",
				     "Change the status with publish, close or cancel.");
		}
	}
	if ((fields & PG_AUDIENCE) && (rc = check_audience(s, a, in, fe, v)) < 0)
		return rc;
	return 0;
}

/* ---- writing a programme ---- */

static const char SQL_CODE_TAKEN[] = "SELECT count(*) FROM programmes WHERE code = ?";
static const char SQL_INSERT[] =
	"INSERT INTO programmes (code, title, centre_id, category, level, mode, hours10, capacity,"
	" enrol_open, enrol_close, status, attendance_min, pass_mark, tolerance_min, description,"
	" created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_UPDATE[] =
	"UPDATE programmes SET title = ?, category = ?, level = ?, mode = ?, hours10 = ?,"
	" capacity = ?, enrol_open = ?, enrol_close = ?, attendance_min = ?, pass_mark = ?,"
	" tolerance_min = ?, description = ? WHERE id = ?";
static const char SQL_AUDIENCE_DELETE[] = "DELETE FROM programme_audience WHERE programme_id = ?";
static const char SQL_AUDIENCE_INSERT[] =
	"INSERT INTO programme_audience (programme_id, kind, value) VALUES (?, ?, ?)";

static int write_audience(struct store *s, int64_t programme_id, const struct values *v)
{
	struct stmt *st;

	if (store_prepare(s, SQL_AUDIENCE_DELETE, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, programme_id);
	if (stmt_run(st) < 0)
		return STORE_ERROR;
	for (int i = 0; i < v->naudience; i++) {
		if (store_prepare(s, SQL_AUDIENCE_INSERT, &st) < 0)
			return STORE_ERROR;
		stmt_bind_int(st, 1, programme_id);
		stmt_bind_text(st, 2, v->audience[i].kind);
		stmt_bind_text(st, 3, v->audience[i].value);
		if (stmt_run(st) < 0)
			return STORE_ERROR;
	}
	return 0;
}

static void bind_pass_mark(struct stmt *st, int idx, long pass_mark)
{
	if (pass_mark < 0)
		stmt_bind_null(st, idx);
	else
		stmt_bind_int(st, idx, pass_mark);
}

static int insert_programme(struct store *s, const struct programme_change *ch,
			    const struct values *v, int64_t *id)
{
	struct stmt *st;

	if (store_prepare(s, SQL_INSERT, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, v->code);
	stmt_bind_text(st, 2, v->title);
	stmt_bind_int(st, 3, v->centre_id);
	stmt_bind_text(st, 4, v->category);
	stmt_bind_text(st, 5, v->level);
	stmt_bind_text(st, 6, v->mode);
	stmt_bind_int(st, 7, v->hours10);
	stmt_bind_int(st, 8, v->capacity);
	stmt_bind_text(st, 9, v->enrol_open);
	stmt_bind_text(st, 10, v->enrol_close);
	stmt_bind_text(st, 11, v->status);
	stmt_bind_int(st, 12, v->attendance_min);
	bind_pass_mark(st, 13, v->pass_mark);
	stmt_bind_int(st, 14, v->tolerance_min);
	stmt_bind_text(st, 15, v->description);
	stmt_bind_text(st, 16, ch->now);
	stmt_bind_text(st, 17, ch->actor && ch->actor->name ? ch->actor->name : "system");
	if (stmt_run(st) < 0)
		return STORE_ERROR;
	*id = store_last_insert_id(s);
	return 0;
}

static int update_programme(struct store *s, int64_t id, const struct values *v)
{
	struct stmt *st;

	if (store_prepare(s, SQL_UPDATE, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, v->title);
	stmt_bind_text(st, 2, v->category);
	stmt_bind_text(st, 3, v->level);
	stmt_bind_text(st, 4, v->mode);
	stmt_bind_int(st, 5, v->hours10);
	stmt_bind_int(st, 6, v->capacity);
	stmt_bind_text(st, 7, v->enrol_open);
	stmt_bind_text(st, 8, v->enrol_close);
	stmt_bind_int(st, 9, v->attendance_min);
	bind_pass_mark(st, 10, v->pass_mark);
	stmt_bind_int(st, 11, v->tolerance_min);
	stmt_bind_text(st, 12, v->description);
	stmt_bind_int(st, 13, id);
	return stmt_run(st) < 0 ? STORE_ERROR : 0;
}

static bool same(const char *x, const char *y)
{
	return (!x && !y) || (x && y && !strcmp(x, y));
}

/* "title, hours": what an update changed, for the audit row. */
static const char *changed_fields(struct arena *a, const struct programme *b, const struct values *v,
				  unsigned fields)
{
	struct buf out;
	const char *r;

#define CHANGED(flag, name, differs) \
	if ((fields & (flag)) && (differs)) { \
		if (out.len) \
			buf_puts(&out, ", "); \
		buf_puts(&out, name); \
	}
	buf_init(&out);
	CHANGED(PG_TITLE, "title", !same(b->title, v->title));
	CHANGED(PG_CATEGORY, "category", !same(b->category, v->category));
	CHANGED(PG_LEVEL, "level", !same(b->level, v->level));
	CHANGED(PG_MODE, "mode", !same(b->mode, v->mode));
	CHANGED(PG_HOURS, "hours", b->hours10 != v->hours10);
	CHANGED(PG_CAPACITY, "capacity", b->capacity != v->capacity);
	CHANGED(PG_ENROL_OPEN, "enrol_open", !same(b->enrol_open, v->enrol_open));
	CHANGED(PG_ENROL_CLOSE, "enrol_close", !same(b->enrol_close, v->enrol_close));
	CHANGED(PG_ATTENDANCE_MIN, "attendance_min", b->attendance_min != v->attendance_min);
	CHANGED(PG_PASS_MARK, "pass_mark", b->pass_mark != v->pass_mark);
	CHANGED(PG_TOLERANCE_MIN, "tolerance_min", b->tolerance_min != v->tolerance_min);
	CHANGED(PG_DESCRIPTION, "description", !same(b->description, v->description));
	CHANGED(PG_AUDIENCE, "audience", true);
#undef CHANGED
	r = arena_strdup(a, buf_ok(&out) ? buf_cstr(&out) : "");
	buf_free(&out);
	return r;
}

static int session_add_tx(struct store *s, struct arena *a, const struct programme_change *ch,
			  int64_t programme_id, const char *programme_code, int64_t centre_id,
			  const struct programme_session_in *in, const char *prefix,
			  struct field_errors *fe, struct programme_clash *clash, int64_t *session_id);

static enum programme_result fail(struct store *s, enum programme_result r)
{
	store_rollback(s);
	return r;
}

enum programme_result programme_write(struct store *s, struct arena *a,
				      const struct programme_change *ch, const char *code_before,
				      const struct programme_in *in, unsigned fields,
				      struct field_errors *fe, struct programme_clash *clash,
				      const char **code_out)
{
	struct programme before;
	struct values v;
	int64_t id = 0, taken = 0;
	int rc;

	if (clash)
		memset(clash, 0, sizeof *clash);
	if (code_out)
		*code_out = NULL;
	if (!ch->who || (ch->who->role != ROLE_SYSADMIN && ch->who->role != ROLE_CENTRE_ADMIN))
		return PROGRAMME_FORBIDDEN;
	if (store_begin(s, STORE_WRITE) < 0)
		return PROGRAMME_ERROR;
	if (code_before) {
		rc = programme_get_by_code(s, a, code_before, &before);
		if (rc == STORE_ENOTFOUND)
			return fail(s, PROGRAMME_NOT_FOUND);
		if (rc < 0)
			return fail(s, PROGRAMME_ERROR);
		if (!programme_manageable(ch->who, &before))
			return fail(s, PROGRAMME_FORBIDDEN);
		if (!strcmp(before.status, "cancelled") || !strcmp(before.status, "completed")) {
			field_error2(fe, "status", "已取消或已结业的项目不能修改。",
				     "A cancelled or completed programme cannot be changed.");
			return fail(s, PROGRAMME_INVALID);
		}
	}
	if (check_programme(s, a, ch, code_before ? &before : NULL, in, fields, fe, &v) < 0)
		return fail(s, PROGRAMME_ERROR);
	if (fe->n)
		return fail(s, PROGRAMME_INVALID);

	if (!code_before) {
		struct stmt *st;

		if (store_prepare(s, SQL_CODE_TAKEN, &st) < 0)
			return fail(s, PROGRAMME_ERROR);
		stmt_bind_text(st, 1, v.code);
		rc = stmt_step(st);
		if (rc == STORE_ROW)
			taken = stmt_int(st, 0);
		stmt_done(st);
		if (rc != STORE_ROW)
			return fail(s, PROGRAMME_ERROR);
		if (taken) {
			field_error2(fe, "code", "项目编号“%s”已被使用。", "A programme with code \"%s\" exists already.",
				     v.code);
			return fail(s, PROGRAMME_CONFLICT);
		}
		if (insert_programme(s, ch, &v, &id) < 0 || write_audience(s, id, &v) < 0)
			return fail(s, PROGRAMME_ERROR);
		for (int i = 0; i < in->nsessions; i++) {
			const char *prefix = arena_printf(a, "sessions[%d].", i);

			rc = session_add_tx(s, a, ch, id, v.code, v.centre_id, &in->sessions[i], prefix,
					    fe, clash, NULL);
			if (rc != PROGRAMME_OK)
				return fail(s, (enum programme_result)rc);
		}
		if (audit_record(s, ch->actor, "programme.create", arena_printf(a, "programme:%s", v.code),
				 arena_printf(a, "%s (%s)", v.title, v.status)) < 0)
			return fail(s, PROGRAMME_ERROR);
	} else {
		const char *changed = changed_fields(a, &before, &v, fields);

		if (update_programme(s, before.id, &v) < 0)
			return fail(s, PROGRAMME_ERROR);
		if ((fields & PG_AUDIENCE) && write_audience(s, before.id, &v) < 0)
			return fail(s, PROGRAMME_ERROR);
		if (audit_record(s, ch->actor, "programme.update", arena_printf(a, "programme:%s", v.code),
				 changed) < 0)
			return fail(s, PROGRAMME_ERROR);
	}
	if (store_commit(s) < 0)
		return fail(s, PROGRAMME_ERROR);
	if (code_out)
		*code_out = v.code;
	return PROGRAMME_OK;
}

/* ---- status ---- */

static const char SQL_SET_STATUS[] = "UPDATE programmes SET status = ? WHERE id = ? AND status = ?";

enum programme_result programme_set_status(struct store *s, struct arena *a,
					   const struct programme_change *ch, const char *code,
					   const char *action, struct field_errors *fe)
{
	static const struct {
		const char *action, *to, *from[3];
	} moves[] = {
		{ "publish", "published", { "draft" } },
		{ "close", "closed", { "published" } },
		{ "cancel", "cancelled", { "draft", "published", "closed" } },
	};
	struct programme p;
	struct stmt *st;
	size_t m;
	bool allowed = false;
	int rc;

	for (m = 0; m < sizeof moves / sizeof moves[0]; m++)
		if (action && !strcmp(action, moves[m].action))
			break;
	if (m == sizeof moves / sizeof moves[0]) {
		field_error2(fe, "action", "操作应为 publish、close 或 cancel。",
			     "action must be publish, close or cancel.");
		return PROGRAMME_INVALID;
	}
	if (store_begin(s, STORE_WRITE) < 0)
		return PROGRAMME_ERROR;
	rc = programme_get_by_code(s, a, code, &p);
	if (rc == STORE_ENOTFOUND)
		return fail(s, PROGRAMME_NOT_FOUND);
	if (rc < 0)
		return fail(s, PROGRAMME_ERROR);
	if (!programme_manageable(ch->who, &p))
		return fail(s, PROGRAMME_FORBIDDEN);
	for (int i = 0; i < 3 && moves[m].from[i]; i++)
		if (!strcmp(p.status, moves[m].from[i]))
			allowed = true;
	if (!allowed) {
		field_error2(fe, "action", "状态为 %s 的项目不能执行 %s。",
			     "A programme that is %s cannot be %s.", p.status,
			     !strcmp(moves[m].action, "publish") ? "published" :
			     !strcmp(moves[m].action, "close") ? "closed" : "cancelled");
		return fail(s, PROGRAMME_INVALID);
	}
	if (store_prepare(s, SQL_SET_STATUS, &st) < 0)
		return fail(s, PROGRAMME_ERROR);
	stmt_bind_text(st, 1, moves[m].to);
	stmt_bind_int(st, 2, p.id);
	stmt_bind_text(st, 3, p.status);
	if (stmt_run(st) < 0 ||
	    audit_record(s, ch->actor, arena_printf(a, "programme.%s", moves[m].action),
			 arena_printf(a, "programme:%s", p.code),
			 arena_printf(a, "%s -> %s", p.status, moves[m].to)) < 0)
		return fail(s, PROGRAMME_ERROR);
	if (store_commit(s) < 0)
		return fail(s, PROGRAMME_ERROR);
	return PROGRAMME_OK;
}

/* ---- sessions ---- */

static const char SQL_VENUE_BY_ID[] = "SELECT centre_id, name FROM venues WHERE id = ?";
static const char SQL_VENUE_BY_NAME[] = "SELECT id FROM venues WHERE centre_id = ? AND name = ?";
static const char SQL_VENUE_INSERT[] = "INSERT INTO venues (centre_id, name) VALUES (?, ?)";
/* the session form's list: the organiser's own trainers (programme_trainers()) */
static const char SQL_TRAINER_BY_ID[] =
	"SELECT coalesce(centre_id, 0), name FROM persons WHERE id = ? AND role = 'trainer'";
static const char SQL_PERSON_BY_NUMBER[] = "SELECT id, name FROM persons WHERE id_number = ?";
/* DOMAIN.md: a session's trainer and venue are never double-booked.  Two
 * sessions overlap when each starts before the other ends (HH:MM text
 * compares as time): 09:00-10:00 and 10:00-11:00 do not.  A cancelled
 * programme's sessions hold nothing. */
static const char SQL_CLASH[] =
	"SELECT CASE WHEN ps.venue_id = ? THEN 1 ELSE 0 END, p.code, p.title, ps.day, ps.starts, ps.ends"
	" FROM programme_sessions ps JOIN programmes p ON p.id = ps.programme_id"
	" WHERE ps.day = ? AND ps.starts < ? AND ps.ends > ? AND p.status <> 'cancelled'"
	" AND (ps.venue_id = ? OR ps.trainer_id = ?)"
	" ORDER BY ps.starts, ps.id LIMIT 1";
static const char SQL_SESSION_INSERT[] =
	"INSERT INTO programme_sessions (programme_id, day, starts, ends, venue_id, trainer_id, topic)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)";

static void bind_id_or_null(struct stmt *st, int idx, int64_t id)
{
	if (id > 0)
		stmt_bind_int(st, idx, id);
	else
		stmt_bind_null(st, idx);
}

/* 1 with clash filled, 0 none, or a negative store error. */
static int find_clash(struct store *s, struct arena *a, const char *day, const char *starts,
		      const char *ends, int64_t venue_id, int64_t trainer_id,
		      struct programme_clash *clash)
{
	struct stmt *st;
	int rc;

	if (venue_id <= 0 && trainer_id <= 0)
		return 0;
	if (store_prepare(s, SQL_CLASH, &st) < 0)
		return STORE_ERROR;
	bind_id_or_null(st, 1, venue_id);
	stmt_bind_text(st, 2, day);
	stmt_bind_text(st, 3, ends);
	stmt_bind_text(st, 4, starts);
	bind_id_or_null(st, 5, venue_id);
	bind_id_or_null(st, 6, trainer_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW && clash) {
		clash->venue = stmt_int(st, 0) != 0;
		clash->code = dup_col(a, st, 1);
		clash->title = dup_col(a, st, 2);
		clash->day = dup_col(a, st, 3);
		clash->starts = dup_col(a, st, 4);
		clash->ends = dup_col(a, st, 5);
	}
	stmt_done(st);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : rc;
}

static const char *fname(struct arena *a, const char *prefix, const char *name)
{
	return prefix ? arena_printf(a, "%s%s", prefix, name) : name;
}

/* One query's single row.  Binds n first (when not 0), then t1 (when not
 * NULL); reads column 0 into *id_out and the last column into *text_out.
 * 1 found, 0 none, or a negative store error. */
static int lookup(struct store *s, const char *sql, int64_t n, const char *t1, int64_t *id_out,
		  struct arena *a, const char **text_out)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, sql, &st) < 0)
		return STORE_ERROR;
	if (t1 && n) {
		stmt_bind_int(st, 1, n);
		stmt_bind_text(st, 2, t1);
	} else if (t1) {
		stmt_bind_text(st, 1, t1);
	} else {
		stmt_bind_int(st, 1, n);
	}
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		if (id_out)
			*id_out = stmt_int(st, 0);
		if (text_out)
			*text_out = dup_col(a, st, stmt_columns(st) - 1);
	}
	stmt_done(st);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : rc;
}

/* Checks, resolves the venue (making a new one) and the trainer, refuses a
 * clash and inserts, inside the caller's write transaction.  Field names
 * carry prefix ("sessions[0].") when given.  Returns a programme_result. */
static int session_add_tx(struct store *s, struct arena *a, const struct programme_change *ch,
			  int64_t programme_id, const char *programme_code, int64_t centre_id,
			  const struct programme_session_in *in, const char *prefix,
			  struct field_errors *fe, struct programme_clash *clash, int64_t *session_id)
{
	char starts[6] = "", ends[6] = "";
	const char *day, *venue_name = NULL, *trainer_name = NULL, *topic;
	const char *venue_id_text = utf8_trimmed(a, in->venue_id);
	const char *venue_text = utf8_trimmed(a, in->venue_name);
	const char *trainer_id_text = utf8_trimmed(a, in->trainer_id);
	const char *trainer_number = utf8_trimmed(a, in->trainer_id_number);
	int64_t venue_id = 0, trainer_id = 0;
	long n;
	int rc, errors = fe->n;
	struct programme_clash local;

	if (!clash)
		clash = &local;
	day = date_field(a, fe, fname(a, prefix, "date"), in->day, "日期", "date");
	if (!is_set(in->starts) || !parse_time(utf8_trimmed(a, in->starts), starts))
		field_error2(fe, fname(a, prefix, "starts"), "开始时间应为 HH:MM（如 09:00）。",
			     "starts must be a time HH:MM (09:00).");
	if (!is_set(in->ends) || !parse_time(utf8_trimmed(a, in->ends), ends))
		field_error2(fe, fname(a, prefix, "ends"), "结束时间应为 HH:MM（如 11:30）。",
			     "ends must be a time HH:MM (11:30).");
	else if (starts[0] && strcmp(starts, ends) >= 0)
		field_error2(fe, fname(a, prefix, "ends"), "结束时间应晚于开始时间。",
			     "ends must be after starts.");
	topic = text_field(a, fe, fname(a, prefix, "topic"), in->topic, TOPIC_MAX, false, "主题",
			   "topic");

	/* the venue: one of the organiser's, by id or by name, else a new one */
	if (is_set(venue_id_text)) {
		int64_t owner = 0;

		if (!parse_int(venue_id_text, 1, LONG_MAX, &n) ||
		    (rc = lookup(s, SQL_VENUE_BY_ID, n, NULL, &owner, a, &venue_name)) == 0 ||
		    (rc > 0 && owner != centre_id))
			field_error2(fe, fname(a, prefix, "venue"), "所选场地不属于主办中心。",
				     "The venue chosen is not one of the organiser's.");
		else if (rc < 0)
			return PROGRAMME_ERROR;
		else
			venue_id = n;
	} else if (is_set(venue_text)) {
		venue_name = text_field(a, fe, fname(a, prefix, "venue"), venue_text, VENUE_MAX, false,
					"场地", "venue");
	}
	/* the trainer: one of the organiser's trainers from the list, or any
	 * registered person by ID number (DOMAIN.md: the trainer pool is
	 * shared, so another centre's trainer is engaged by number) */
	if (is_set(trainer_id_text)) {
		int64_t owner = 0;

		if (!parse_int(trainer_id_text, 1, LONG_MAX, &n) ||
		    (rc = lookup(s, SQL_TRAINER_BY_ID, n, NULL, &owner, a, &trainer_name)) == 0 ||
		    (rc > 0 && owner != centre_id))
			field_error2(fe, fname(a, prefix, "trainer"), "所选培训者不是主办中心的培训者。",
				     "The trainer chosen is not one of the organiser's trainers.");
		else if (rc < 0)
			return PROGRAMME_ERROR;
		else
			trainer_id = n;
	} else if (is_set(trainer_number)) {
		char id18[ID_NUMBER_LEN + 1];

		if (idcard_parse(trainer_number, NULL, id18, NULL) != IDCARD_OK)
			field_error2(fe, fname(a, prefix, "trainer_id_number"),
				     "培训者身份证号无效。", "The trainer's ID number is not valid.");
		else if ((rc = lookup(s, SQL_PERSON_BY_NUMBER, 0, id18, &trainer_id, a,
				      &trainer_name)) < 0)
			return PROGRAMME_ERROR;
		else if (rc == 0)
			field_error2(fe, fname(a, prefix, "trainer_id_number"),
				     "没有此身份证号的人员：请先登记培训者。",
				     "No person has this ID number: register the trainer first.");
	}
	if (fe->n > errors)
		return PROGRAMME_INVALID;

	if (venue_name && !venue_id) {
		rc = lookup(s, SQL_VENUE_BY_NAME, centre_id, venue_name, &venue_id, a, NULL);
		if (rc < 0)
			return PROGRAMME_ERROR;
		if (rc == 0) {
			struct stmt *st;

			if (store_prepare(s, SQL_VENUE_INSERT, &st) < 0)
				return PROGRAMME_ERROR;
			stmt_bind_int(st, 1, centre_id);
			stmt_bind_text(st, 2, venue_name);
			if (stmt_run(st) < 0)
				return PROGRAMME_ERROR;
			venue_id = store_last_insert_id(s);
		}
	}
	rc = find_clash(s, a, day, starts, ends, venue_id, trainer_id, clash);
	if (rc < 0)
		return PROGRAMME_ERROR;
	if (rc > 0) {
		if (clash->venue)
			field_error2(fe, fname(a, prefix, "venue"),
				     "场地已被占用：%s《%s》%s %s–%s。",
				     "The venue is booked then: %s \"%s\" on %s %s-%s.", clash->code,
				     clash->title, clash->day, clash->starts, clash->ends);
		else
			field_error2(fe, fname(a, prefix, "trainer"),
				     "培训者已有安排：%s《%s》%s %s–%s。",
				     "The trainer is booked then: %s \"%s\" on %s %s-%s.", clash->code,
				     clash->title, clash->day, clash->starts, clash->ends);
		return PROGRAMME_CONFLICT;
	}
	{
		struct stmt *st;

		if (store_prepare(s, SQL_SESSION_INSERT, &st) < 0)
			return PROGRAMME_ERROR;
		stmt_bind_int(st, 1, programme_id);
		stmt_bind_text(st, 2, day);
		stmt_bind_text(st, 3, starts);
		stmt_bind_text(st, 4, ends);
		bind_id_or_null(st, 5, venue_id);
		bind_id_or_null(st, 6, trainer_id);
		stmt_bind_text(st, 7, topic);
		if (stmt_run(st) < 0)
			return PROGRAMME_ERROR;
	}
	if (session_id)
		*session_id = store_last_insert_id(s);
	if (audit_record(s, ch->actor, "session.add", arena_printf(a, "programme:%s", programme_code),
			 arena_printf(a, "%s %s-%s %s %s", day, starts, ends,
				      venue_name ? venue_name : "-", trainer_name ? trainer_name : "-")) < 0)
		return PROGRAMME_ERROR;
	return PROGRAMME_OK;
}

enum programme_result programme_session_add(struct store *s, struct arena *a,
					    const struct programme_change *ch, const char *code,
					    const struct programme_session_in *in,
					    struct field_errors *fe, struct programme_clash *clash,
					    int64_t *session_id)
{
	struct programme p;
	int rc;

	if (clash)
		memset(clash, 0, sizeof *clash);
	if (store_begin(s, STORE_WRITE) < 0)
		return PROGRAMME_ERROR;
	rc = programme_get_by_code(s, a, code, &p);
	if (rc == STORE_ENOTFOUND)
		return fail(s, PROGRAMME_NOT_FOUND);
	if (rc < 0)
		return fail(s, PROGRAMME_ERROR);
	if (!programme_manageable(ch->who, &p))
		return fail(s, PROGRAMME_FORBIDDEN);
	if (!strcmp(p.status, "cancelled") || !strcmp(p.status, "completed")) {
		field_error2(fe, "status", "已取消或已结业的项目不能添加课程安排。",
			     "A cancelled or completed programme takes no sessions.");
		return fail(s, PROGRAMME_INVALID);
	}
	rc = session_add_tx(s, a, ch, p.id, p.code, p.centre_id, in, NULL, fe, clash, session_id);
	if (rc != PROGRAMME_OK)
		return fail(s, (enum programme_result)rc);
	if (store_commit(s) < 0)
		return fail(s, PROGRAMME_ERROR);
	return PROGRAMME_OK;
}

static const char SQL_SESSION_DELETE[] = "DELETE FROM programme_sessions WHERE id = ?";

enum programme_result programme_session_delete(struct store *s, struct arena *a,
					       const struct programme_change *ch, const char *code,
					       int64_t session_id, struct field_errors *fe)
{
	struct programme p;
	const struct programme_session *x = NULL;
	struct stmt *st;
	int rc;

	if (store_begin(s, STORE_WRITE) < 0)
		return PROGRAMME_ERROR;
	rc = programme_get_by_code(s, a, code, &p);
	if (rc == STORE_ENOTFOUND)
		return fail(s, PROGRAMME_NOT_FOUND);
	if (rc < 0)
		return fail(s, PROGRAMME_ERROR);
	if (!programme_manageable(ch->who, &p))
		return fail(s, PROGRAMME_FORBIDDEN);
	for (int i = 0; i < p.nsessions; i++)
		if (p.sessions[i].id == session_id)
			x = &p.sessions[i];
	if (!x)
		return fail(s, PROGRAMME_NOT_FOUND);
	if (x->has_attendance) {
		/* attendance is evidence for hours: the session it was taken at stays */
		field_error2(fe, "session", "该课程已记录考勤，不能删除。",
			     "Attendance is recorded for this session: it cannot be removed.");
		return fail(s, PROGRAMME_INVALID);
	}
	if (store_prepare(s, SQL_SESSION_DELETE, &st) < 0)
		return fail(s, PROGRAMME_ERROR);
	stmt_bind_int(st, 1, session_id);
	if (stmt_run(st) < 0 ||
	    audit_record(s, ch->actor, "session.delete", arena_printf(a, "programme:%s", p.code),
			 arena_printf(a, "%s %s-%s %s", x->day, x->starts, x->ends,
				      x->topic ? x->topic : "")) < 0)
		return fail(s, PROGRAMME_ERROR);
	if (store_commit(s) < 0)
		return fail(s, PROGRAMME_ERROR);
	return PROGRAMME_OK;
}

/* ---- the session form's choices ---- */

static const char SQL_VENUES[] = "SELECT id, name FROM venues WHERE centre_id = ? ORDER BY name, id";
static const char SQL_TRAINERS[] =
	"SELECT id, name, subject FROM persons WHERE centre_id = ? AND role = 'trainer'"
	" AND status = 'serving' ORDER BY name, id";

int programme_venues(struct store *s, struct arena *a, int64_t centre_id,
		     struct programme_venue **items, int *n)
{
	struct stmt *st;
	int rc, cap = 0;

	*items = NULL;
	*n = 0;
	if (store_prepare(s, SQL_VENUES, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, centre_id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (!(*items = grow(a, *items, *n, &cap, sizeof **items))) {
			rc = STORE_ERROR;
			break;
		}
		(*items)[*n].id = stmt_int(st, 0);
		(*items)[(*n)++].name = dup_col(a, st, 1);
	}
	stmt_done(st);
	return rc == STORE_DONE ? 0 : rc < 0 ? rc : STORE_ERROR;
}

int programme_trainers(struct store *s, struct arena *a, int64_t centre_id,
		       struct programme_trainer **items, int *n)
{
	struct stmt *st;
	int rc, cap = 0;

	*items = NULL;
	*n = 0;
	if (store_prepare(s, SQL_TRAINERS, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, centre_id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (!(*items = grow(a, *items, *n, &cap, sizeof **items))) {
			rc = STORE_ERROR;
			break;
		}
		(*items)[*n].id = stmt_int(st, 0);
		(*items)[*n].name = dup_col(a, st, 1);
		(*items)[(*n)++].subject = dup_col(a, st, 2);
	}
	stmt_done(st);
	return rc == STORE_DONE ? 0 : rc < 0 ? rc : STORE_ERROR;
}
