/* assessment.c - the yearly training assessment (年度培训考核, 002 §4(1);
 * see assessment.h).
 *
 * API:
 * assessment_each() walks everyone in a scope assessed for a year with the
 *   result computed now; the pages, tdc assess and the reports share it.
 * assessment_run() records a year in table assessments (tdc assess).
 * assessment_overview() sums a scope for the pages: pass rates by district
 *   and school, and those short, most lacking first.
 * assessment_look_ahead() lists, from 1 October, who will still be short
 *   on 31 December even with the programmes they are seated in.
 *
 * Speed (issue 6 §9: a city of 1,000,000 persons and 20,000,000 entries in
 * a few seconds): never a query per person and never a scan of the ledger.
 * For a district, a domain or the city, persons are read in id order and
 * merged with the year's totals read in person order through the covering
 * index hours_totals_year (year, person_id, hours10; the WITHOUT ROWID
 * table adds its key's category), and the status changes since 1 January
 * are read once into memory.  For one school or one person, whose rows are
 * few, one query joins the totals and the status history per person
 * instead of reading the whole city's year. */
#include "core/assessment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/query.h"
#include "core/registry.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "store/store.h"

/* ---- who was serving on 1 January ---- */

/* A person's status on 1 January of Y is the old value of the first status
 * change recorded after that day, or, with none, the status now (a person
 * who left in March was serving then; one who left last year was not; one
 * who came back in March was not).  Changes recorded on 1 January itself
 * count as before it: the history keeps the day's time, not the hour the
 * change took effect. */
struct status_change {
	int64_t person_id, id;
	bool was_serving;
};

static int change_cmp(const void *a, const void *b)
{
	const struct status_change *x = a, *y = b;

	if (x->person_id != y->person_id)
		return x->person_id < y->person_id ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The table is read once without an order (a sequential scan: the
 * history's index is by person, and a sort of the few matches is cheap). */
static const char SQL_STATUS_CHANGES[] =
	"SELECT person_id, id, old_value = 'serving' FROM person_history"
	" WHERE field = 'status' AND at >= ?";

struct changes {
	struct status_change *v;
	size_t n;
};

static int changes_load(struct store *s, const char *after, struct changes *c)
{
	struct stmt *st;
	size_t cap = 0;
	int rc;

	c->v = NULL;
	c->n = 0;
	if (store_prepare(s, SQL_STATUS_CHANGES, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, after);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (c->n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct status_change *nv = realloc(c->v, ncap * sizeof *nv);

			if (!nv) {
				rc = STORE_ERROR;
				break;
			}
			c->v = nv;
			cap = ncap;
		}
		c->v[c->n].person_id = stmt_int(st, 0);
		c->v[c->n].id = stmt_int(st, 1);
		c->v[c->n++].was_serving = stmt_int(st, 2) == 1;
	}
	stmt_done(st);
	if (rc != STORE_DONE) {
		free(c->v);
		c->v = NULL;
		return rc < 0 ? rc : STORE_ERROR;
	}
	if (c->n)
		qsort(c->v, c->n, sizeof *c->v, change_cmp);
	return 0;
}

/* The first change of the person, or NULL: the array is sorted. */
static const struct status_change *change_of(const struct changes *c, int64_t person_id)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->v[mid].person_id < person_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n && c->v[lo].person_id == person_id ? &c->v[lo] : NULL;
}

/* ---- the pass ---- */

static int category_index(const char *code)
{
	for (int i = 0; hours_categories[i] && i < HOURS_CATEGORIES_MAX; i++)
		if (!strcmp(hours_categories[i], code))
			return i;
	return -1;
}

#define PERSON_COLUMNS \
	"SELECT p.id, p.id_number, p.name, coalesce(s.code, ''), " \
	"coalesce(s.district_code, c.region_code, ''), p.role, p.status"
#define PERSON_FROM \
	" FROM persons p LEFT JOIN schools s ON s.id = p.school_id" \
	" LEFT JOIN centres c ON c.id = p.centre_id"
/* entered service on or before 1 January (unknown: yes, hours_assessed_in();
 * '' sorts before any date) */
#define PERSON_WHERE " WHERE (p.service_start IS NULL OR p.service_start <= ?)"

static const char SQL_YEAR_TOTALS[] =
	"SELECT person_id, category, hours10 FROM hours_totals WHERE year = ? ORDER BY person_id";

struct pass {
	const struct hours_rules *rules;
	int year;
	/* 64 bits: a sum of many totals cannot overflow on its way */
	int64_t cat10[HOURS_CATEGORIES_MAX];
	int64_t hours10;
};

static int32_t clamp32(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

static void pass_add(struct pass *p, const char *category, int32_t hours10)
{
	int i = category_index(category);

	p->hours10 += hours10;
	if (i >= 0)
		p->cat10[i] += hours10;
}

/* Fills the result of one person from the sums gathered in p. */
static void pass_judge(struct pass *p, struct assessment_row *row, const char *role)
{
	const struct hours_rules *r = p->rules;
	bool ok;

	row->year = p->year;
	row->hours10 = clamp32(p->hours10);
	row->required10 = hours_yearly_required(r, role);
	ok = row->hours10 >= row->required10;
	for (int i = 0; i < HOURS_CATEGORIES_MAX; i++) {
		/* one category never makes up for another */
		int32_t need = r->category_min10[i];

		row->category_short10[i] = need > 0 && p->cat10[i] < need ? clamp32(need - p->cat10[i]) : 0;
		if (row->category_short10[i] > 0)
			ok = false;
	}
	row->passed = ok;
}

/* A person's texts, copied: a statement's texts last until its next step,
 * and a person's result is known only after her last row. */
struct person_buf {
	int64_t id;
	char id_number[24], name[256], school_code[16], district_code[8], role[16];
	bool serving;
};

static void person_read(struct stmt *st, struct person_buf *b)
{
	b->id = stmt_int(st, 0);
	snprintf(b->id_number, sizeof b->id_number, "%s", stmt_text(st, 1));
	snprintf(b->name, sizeof b->name, "%s", stmt_text(st, 2));
	snprintf(b->school_code, sizeof b->school_code, "%s", stmt_text(st, 3));
	snprintf(b->district_code, sizeof b->district_code, "%s", stmt_text(st, 4));
	snprintf(b->role, sizeof b->role, "%s", stmt_text(st, 5));
}

static int person_emit(struct pass *p, const struct person_buf *b,
		       int (*cb)(void *ctx, const struct assessment_row *row), void *ctx)
{
	struct assessment_row row;

	memset(&row, 0, sizeof row);
	row.person_id = b->id;
	row.id_number = b->id_number;
	row.name = b->name;
	row.school_code = b->school_code;
	row.district_code = b->district_code;
	pass_judge(p, &row, b->role);
	return cb(ctx, &row);
}

static void pass_reset(struct pass *p)
{
	memset(p->cat10, 0, sizeof p->cat10);
	p->hours10 = 0;
}

/* A school or one person: one query, the totals and the status history
 * joined per person. */
static int each_narrow(struct store *s, const struct registry_scope *scope, const char *jan1,
		       const char *after, struct pass *p,
		       int (*cb)(void *ctx, const struct assessment_row *row), void *ctx)
{
	struct qb q = { 0 };
	struct stmt *st = NULL;
	struct person_buf b = { 0 };
	bool have = false;
	int rc, stop = 0;

	qb_sql(&q, PERSON_COLUMNS);
	qb_text(&q, ", (SELECT h.old_value = 'serving' FROM person_history h WHERE h.person_id = p.id"
		    " AND h.field = 'status' AND h.at >= ? ORDER BY h.id LIMIT 1)", after);
	qb_sql(&q, ", t.category, t.hours10" PERSON_FROM);
	qb_int(&q, " LEFT JOIN hours_totals t ON t.person_id = p.id AND t.year = ?", p->year);
	qb_text(&q, PERSON_WHERE, jan1);
	qb_person_scope(&q, scope);
	qb_sql(&q, " ORDER BY p.id");
	rc = qb_prepare(s, &q, &st);
	buf_free(&q.sql);
	if (rc < 0)
		return STORE_ERROR;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int64_t id = stmt_int(st, 0);

		if (!have || id != b.id) {
			if (have && b.serving && (stop = person_emit(p, &b, cb, ctx)) != 0)
				break;
			have = true;
			pass_reset(p);
			person_read(st, &b);
			b.serving = stmt_is_null(st, 7) ? !strcmp(stmt_text(st, 6), "serving")
						       : stmt_int(st, 7) == 1;
		}
		if (!stmt_is_null(st, 8))
			pass_add(p, stmt_text(st, 8), (int32_t)stmt_int(st, 9));
	}
	stmt_done(st);
	if (stop)
		return stop;
	if (rc != STORE_DONE)
		return rc < 0 ? rc : STORE_ERROR;
	if (have && b.serving)
		return person_emit(p, &b, cb, ctx);
	return 0;
}

/* A district, a domain, the city: persons in id order merged with the
 * year's totals in person order. */
static int each_wide(struct store *s, const struct registry_scope *scope, const char *jan1,
		     const char *after, struct pass *p,
		     int (*cb)(void *ctx, const struct assessment_row *row), void *ctx)
{
	struct qb q = { 0 };
	struct stmt *st = NULL, *tt = NULL;
	struct changes ch = { 0 };
	struct person_buf b = { 0 };
	int64_t tperson = 0;
	int rc, trc = STORE_DONE, stop = 0;

	if ((rc = changes_load(s, after, &ch)) < 0)
		return rc;
	qb_sql(&q, PERSON_COLUMNS PERSON_FROM);
	qb_text(&q, PERSON_WHERE, jan1);
	qb_person_scope(&q, scope);
	qb_sql(&q, " ORDER BY p.id");
	rc = qb_prepare(s, &q, &st);
	buf_free(&q.sql);
	if (rc < 0 || store_prepare(s, SQL_YEAR_TOTALS, &tt) < 0) {
		if (rc >= 0)
			stmt_done(st);
		free(ch.v);
		return STORE_ERROR;
	}
	stmt_bind_int(tt, 1, p->year);
	trc = stmt_step(tt);
	if (trc == STORE_ROW)
		tperson = stmt_int(tt, 0);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const struct status_change *c;

		person_read(st, &b);
		c = change_of(&ch, b.id);
		b.serving = c ? c->was_serving : !strcmp(stmt_text(st, 6), "serving");
		pass_reset(p);
		/* skip the totals of persons not in the scope or not assessed */
		while (trc == STORE_ROW && tperson <= b.id) {
			if (tperson == b.id)
				pass_add(p, stmt_text(tt, 1), (int32_t)stmt_int(tt, 2));
			trc = stmt_step(tt);
			if (trc == STORE_ROW)
				tperson = stmt_int(tt, 0);
		}
		if (trc < 0) {
			rc = trc;
			break;
		}
		if (b.serving && (stop = person_emit(p, &b, cb, ctx)) != 0)
			break;
	}
	stmt_done(tt);
	stmt_done(st);
	free(ch.v);
	if (stop)
		return stop;
	return rc == STORE_DONE ? 0 : rc < 0 ? rc : STORE_ERROR;
}

int assessment_each(struct store *s, const struct registry_scope *scope, int year,
		    int (*cb)(void *ctx, const struct assessment_row *row), void *ctx,
		    struct err *e)
{
	struct hours_rules rules;
	struct registry_scope all = { 0 };
	struct pass p = { 0 };
	char jan1[16], day2[16], after[ISO_TIME_LEN];
	int rc;

	if (year < 1950 || year > 2200) {
		err_set(e, ERR_INVALID, "year %d is out of range", year);
		return -1;
	}
	if (hours_rules_load(s, &rules) < 0) {
		err_set(e, ERR_INTERNAL, "cannot read the settings: %s", store_errmsg(s));
		return -1;
	}
	if (!scope)
		scope = &all;
	p.rules = &rules;
	p.year = year;
	snprintf(jan1, sizeof jan1, "%04d-01-01", year);
	/* a change recorded after 1 January (local): stored times are UTC */
	snprintf(day2, sizeof day2, "%04d-01-02", year);
	if (clock_day_start_iso(day2, after) < 0)
		snprintf(after, sizeof after, "%s", day2);
	if (scope->school_code || scope->person_id)
		rc = each_narrow(s, scope, jan1, after, &p, cb, ctx);
	else
		rc = each_wide(s, scope, jan1, after, &p, cb, ctx);
	if (rc < 0)
		err_set(e, ERR_INTERNAL, "cannot assess %d: %s", year, store_errmsg(s));
	return rc;
}

int assessment_year_check(int year, const char *today, struct err *e)
{
	if (today && atoi(today) > 0 && year > atoi(today)) {
		err_set(e, ERR_INVALID, "%d has not begun: a year is assessed from the year itself on "
			"(today is %s)", year, today);
		return -1;
	}
	return 0;
}

int32_t assessment_lack10(const struct assessment_row *r)
{
	int64_t gap = r->required10 - r->hours10, cats = 0;

	for (int i = 0; i < HOURS_CATEGORIES_MAX; i++)
		cats += r->category_short10[i];
	if (gap < cats)
		gap = cats;
	return gap > 0 ? (int32_t)gap : 0;
}

const char *assessment_short_categories(struct arena *a, const struct assessment_row *r,
					const char *sep)
{
	struct buf b = { 0 };
	const char *out;
	char h[HOURS_TEXT_MAX];

	for (int i = 0; i < HOURS_CATEGORIES_MAX && hours_categories[i]; i++) {
		if (r->category_short10[i] <= 0)
			continue;
		if (b.len)
			buf_puts(&b, sep);
		buf_puts(&b, hours_categories[i]);
		buf_puts(&b, ":");
		buf_puts(&b, hours_format(r->category_short10[i], h));
	}
	out = arena_strdup(a, b.len ? buf_cstr(&b) : "");
	buf_free(&b);
	return out;
}

/* ---- recording ---- */

static const char SQL_DELETE_YEAR[] = "DELETE FROM assessments WHERE year = ?";
static const char SQL_INSERT[] =
	"INSERT INTO assessments (person_id, year, hours10, required10, passed, short_categories,"
	" assessed_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

struct recorder {
	struct store *s;
	struct stmt *ins;
	struct arena *a;
	const char *at;
	struct assessment_summary *sum;
	int failed;
};

static int record_row(void *ctx, const struct assessment_row *r)
{
	struct recorder *rec = ctx;
	const char *cats = assessment_short_categories(rec->a, r, ";");

	stmt_bind_int(rec->ins, 1, r->person_id);
	stmt_bind_int(rec->ins, 2, r->year);
	stmt_bind_int(rec->ins, 3, r->hours10);
	stmt_bind_int(rec->ins, 4, r->required10);
	stmt_bind_int(rec->ins, 5, r->passed);
	stmt_bind_text(rec->ins, 6, cats && *cats ? cats : NULL);
	stmt_bind_text(rec->ins, 7, rec->at);
	if (stmt_run(rec->ins) < 0) {
		rec->failed = 1;
		return -1;
	}
	rec->sum->assessed++;
	rec->sum->passed += r->passed;
	/* the short-category texts of a million rows: let the arena go round */
	if (rec->a->total > (1u << 20))
		arena_reset(rec->a);
	return 0;
}

int assessment_run(struct store *s, int year, const struct actor *who,
		   struct assessment_summary *out, struct err *e)
{
	struct stmt *st;
	struct arena a;
	struct timespec t0;
	char now[ISO_TIME_LEN], object[32], detail[96];
	struct recorder rec = { .s = s, .a = &a, .at = now, .sum = out };
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(out, 0, sizeof *out);
	out->year = year;
	clock_now_iso(now);
	arena_init(&a);
	if (store_begin(s, STORE_WRITE) < 0) {
		err_set(e, ERR_INTERNAL, "cannot start: %s", store_errmsg(s));
		arena_release(&a);
		return -1;
	}
	if (store_prepare(s, SQL_DELETE_YEAR, &st) < 0)
		goto db_fail;
	stmt_bind_int(st, 1, year);
	if (stmt_run(st) < 0)
		goto db_fail;
	if (store_prepare(s, SQL_INSERT, &rec.ins) < 0)
		goto db_fail;
	rc = assessment_each(s, NULL, year, record_row, &rec, e);
	stmt_done(rec.ins);
	if (rc < 0)
		goto fail;
	if (rec.failed)
		goto db_fail;
	snprintf(object, sizeof object, "assessment:%d", year);
	snprintf(detail, sizeof detail, "assessed=%lld passed=%lld", (long long)out->assessed,
		 (long long)out->passed);
	if (audit_record(s, who, "assessment.run", object, detail) < 0 || store_commit(s) < 0)
		goto db_fail;
	arena_release(&a);
	out->seconds = clock_ms_since(&t0) / 1000.0;
	return 0;
db_fail:
	err_set(e, ERR_INTERNAL, "cannot record the assessment of %d: %s", year, store_errmsg(s));
fail:
	store_rollback(s);
	arena_release(&a);
	return -1;
}

static const char SQL_LAST_RUN[] =
	"SELECT at, detail FROM audit_log WHERE action = 'assessment.run' AND object = ?"
	" ORDER BY at DESC, id DESC LIMIT 1";

int assessment_last_run(struct store *s, int year, char at[ISO_TIME_LEN],
			struct assessment_summary *out)
{
	struct stmt *st;
	char object[32];
	long long assessed = 0, passed = 0;
	int rc;

	memset(out, 0, sizeof *out);
	out->year = year;
	at[0] = '\0';
	snprintf(object, sizeof object, "assessment:%d", year);
	if (store_prepare(s, SQL_LAST_RUN, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, object);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		snprintf(at, ISO_TIME_LEN, "%s", stmt_text(st, 0));
		if (sscanf(stmt_text(st, 1), "assessed=%lld passed=%lld", &assessed, &passed) == 2) {
			out->assessed = assessed;
			out->passed = passed;
		}
	}
	stmt_done(st);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : rc;
}

/* ---- the pages ---- */

/* arena_grow(), starting an empty array at 64 items. */
static int grow(struct arena *a, void *items, int *cap, size_t elem)
{
	void **array = items;

	if (*cap > 0)
		return arena_grow(a, items, cap, elem);
	if (!(*array = arena_alloc(a, 64 * elem)))
		return -1;
	*cap = 64;
	return 0;
}

/* Groups by code: an open-addressing table of indexes into the array. */
struct groups {
	struct assessment_group *v;
	int n, cap;
	int *slot;          /* -1 empty */
	int nslot;          /* a power of two, at least twice n */
};

static unsigned hash_code(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int groups_rehash(struct arena *a, struct groups *g, int nslot)
{
	int *slot = arena_alloc(a, sizeof *slot * (size_t)nslot);

	if (!slot)
		return -1;
	for (int i = 0; i < nslot; i++)
		slot[i] = -1;
	for (int i = 0; i < g->n; i++) {
		unsigned k = hash_code(g->v[i].code) & (unsigned)(nslot - 1);

		while (slot[k] >= 0)
			k = (k + 1) & (unsigned)(nslot - 1);
		slot[k] = i;
	}
	g->slot = slot;
	g->nslot = nslot;
	return 0;
}

static struct assessment_group *groups_get(struct arena *a, struct groups *g, const char *code)
{
	unsigned k;

	if ((g->n + 1) * 2 > g->nslot && groups_rehash(a, g, g->nslot ? g->nslot * 2 : 64) < 0)
		return NULL;
	k = hash_code(code) & (unsigned)(g->nslot - 1);
	while (g->slot[k] >= 0) {
		if (!strcmp(g->v[g->slot[k]].code, code))
			return &g->v[g->slot[k]];
		k = (k + 1) & (unsigned)(g->nslot - 1);
	}
	if (g->n == g->cap && grow(a, &g->v, &g->cap, sizeof *g->v) < 0)
		return NULL;
	memset(&g->v[g->n], 0, sizeof g->v[g->n]);
	if (!(g->v[g->n].code = arena_strdup(a, code)))
		return NULL;
	g->slot[k] = g->n;
	return &g->v[g->n++];
}

struct overview_ctx {
	struct arena *a;
	bool with_people;
	struct assessment_overview *o;
	struct groups districts, schools;
	int cap;
	int oom;
};

static int overview_row(void *ctx, const struct assessment_row *r)
{
	struct overview_ctx *c = ctx;
	struct assessment_group *g;

	c->o->assessed++;
	c->o->passed += r->passed;
	if (*r->district_code) {
		if (!(g = groups_get(c->a, &c->districts, r->district_code)))
			goto oom;
		g->assessed++;
		g->passed += r->passed;
	}
	if (*r->school_code) {
		if (!(g = groups_get(c->a, &c->schools, r->school_code)))
			goto oom;
		g->assessed++;
		g->passed += r->passed;
	}
	if (!r->passed) {
		struct assessment_short *x;

		if (c->o->nshort == c->cap &&
		    grow(c->a, &c->o->shorts, &c->cap, sizeof *c->o->shorts) < 0)
			goto oom;
		x = &c->o->shorts[c->o->nshort++];
		x->person_id = r->person_id;
		x->hours10 = r->hours10;
		x->required10 = r->required10;
		x->lack10 = assessment_lack10(r);
		x->categories = "";
		if (c->with_people &&
		    (!(x->id_number = arena_strdup(c->a, r->id_number)) ||
		     !(x->name = arena_strdup(c->a, r->name)) ||
		     !(x->school_code = arena_strdup(c->a, r->school_code))))
			goto oom;
		for (int i = 0; i < HOURS_CATEGORIES_MAX; i++)
			if (r->category_short10[i] > 0) {
				if (!(x->categories = assessment_short_categories(c->a, r, ", ")))
					goto oom;
				break;
			}
	}
	return 0;
oom:
	c->oom = 1;
	return -1;
}

static int short_cmp(const void *a, const void *b)
{
	const struct assessment_short *x = a, *y = b;

	if (x->lack10 != y->lack10)
		return x->lack10 > y->lack10 ? -1 : 1;
	return x->person_id < y->person_id ? -1 : x->person_id > y->person_id;
}

static int group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct assessment_group *)a)->code,
		      ((const struct assessment_group *)b)->code);
}

static const char SQL_REGION_NAME[] = "SELECT name FROM regions WHERE code = ?";
static const char SQL_SCHOOL_NAME[] = "SELECT name FROM schools WHERE code = ?";

static int name_groups(struct store *s, struct arena *a, const char *sql, struct assessment_group *v,
		       int n)
{
	struct stmt *st;

	for (int i = 0; i < n; i++) {
		int rc;

		if (store_prepare(s, sql, &st) < 0)
			return STORE_ERROR;
		stmt_bind_text(st, 1, v[i].code);
		rc = stmt_step(st);
		v[i].name = arena_strdup(a, rc == STORE_ROW ? stmt_text(st, 0) : v[i].code);
		stmt_done(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The school's name from the named groups (sorted by code). */
static const char *school_name(const struct assessment_overview *o, const char *code)
{
	int lo = 0, hi = o->nschools;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2, d = strcmp(o->schools[mid].code, code);

		if (!d)
			return o->schools[mid].name;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "";
}

int assessment_overview(struct store *s, struct arena *a, const struct registry_scope *scope,
			int year, bool with_people, struct assessment_overview *out, struct err *e)
{
	struct overview_ctx c = { .a = a, .o = out, .with_people = with_people };

	memset(out, 0, sizeof *out);
	if (assessment_each(s, scope, year, overview_row, &c, e) < 0 && !c.oom)
		return -1;
	if (c.oom) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	out->districts = c.districts.v;
	out->ndistricts = c.districts.n;
	out->schools = c.schools.v;
	out->nschools = c.schools.n;
	if (out->nshort)
		qsort(out->shorts, (size_t)out->nshort, sizeof *out->shorts, short_cmp);
	if (out->ndistricts)
		qsort(out->districts, (size_t)out->ndistricts, sizeof *out->districts, group_cmp);
	if (out->nschools)
		qsort(out->schools, (size_t)out->nschools, sizeof *out->schools, group_cmp);
	if (name_groups(s, a, SQL_REGION_NAME, out->districts, out->ndistricts) < 0 ||
	    name_groups(s, a, SQL_SCHOOL_NAME, out->schools, out->nschools) < 0) {
		err_set(e, ERR_INTERNAL, "cannot read names: %s", store_errmsg(s));
		return -1;
	}
	for (int i = 0; with_people && i < out->nshort; i++)
		out->shorts[i].school_name = school_name(out, out->shorts[i].school_code);
	return 0;
}

/* ---- looking ahead ---- */

bool assessment_ahead_shown(const char *today)
{
	/* "YYYY-MM-DD": from 1 October to 31 December */
	return today && strlen(today) == 10 && strcmp(today + 5, "10-01") >= 0;
}

/* Hours still to come this year: seats in programmes under way (published
 * or closed for enrolment, not completed or cancelled) whose last session
 * falls in the year, so that completion will date the hours in it
 * (completion.c: the hours count on the day the training ended), and whose
 * hours the person does not have yet. */
static const char SQL_PENDING[] =
	"SELECT e.person_id, sum(g.hours10) FROM enrolments e JOIN programmes g ON g.id = e.programme_id"
	" WHERE e.status = 'seated' AND g.status IN ('published', 'closed')"
	" AND (SELECT max(ps.day) FROM programme_sessions ps WHERE ps.programme_id = g.id)"
	" BETWEEN ? AND ?"
	" AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.person_id = e.person_id"
	" AND l.programme_id = g.id)"
	" GROUP BY e.person_id ORDER BY e.person_id";

struct pending {
	int64_t person_id;
	int32_t hours10;
};

struct ahead_ctx {
	struct arena *a;
	struct pending *p;
	int np;
	struct assessment_ahead *rows;
	int n, cap;
	int oom;
};

static int32_t pending_of(const struct ahead_ctx *c, int64_t person_id)
{
	int lo = 0, hi = c->np;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (c->p[mid].person_id < person_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->np && c->p[lo].person_id == person_id ? c->p[lo].hours10 : 0;
}

static int ahead_row(void *ctx, const struct assessment_row *r)
{
	struct ahead_ctx *c = ctx;
	int32_t pending = pending_of(c, r->person_id);
	int64_t lack = (int64_t)r->required10 - r->hours10 - pending;
	struct assessment_ahead *x;

	if (lack <= 0)
		return 0;
	if (c->n == c->cap && grow(c->a, &c->rows, &c->cap, sizeof *c->rows) < 0) {
		c->oom = 1;
		return -1;
	}
	x = &c->rows[c->n++];
	x->person_id = r->person_id;
	x->hours10 = r->hours10;
	x->pending10 = pending;
	x->required10 = r->required10;
	x->lack10 = (int32_t)lack;
	return 0;
}

static int ahead_cmp(const void *a, const void *b)
{
	const struct assessment_ahead *x = a, *y = b;

	if (x->lack10 != y->lack10)
		return x->lack10 > y->lack10 ? -1 : 1;
	return x->person_id < y->person_id ? -1 : x->person_id > y->person_id;
}

int assessment_look_ahead(struct store *s, struct arena *a, const struct registry_scope *scope,
			  const char *today, int limit, struct assessment_ahead **rows, int *n,
			  int64_t *total, struct err *e)
{
	struct ahead_ctx c = { .a = a };
	struct stmt *st;
	char from[16], to[16];
	int year = atoi(today), cap = 0, rc;

	*rows = NULL;
	*n = 0;
	*total = 0;
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	if (store_prepare(s, SQL_PENDING, &st) < 0)
		goto db_fail;
	stmt_bind_text(st, 1, from);
	stmt_bind_text(st, 2, to);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (c.np == cap && grow(a, &c.p, &cap, sizeof *c.p) < 0) {
			stmt_done(st);
			goto oom;
		}
		c.p[c.np].person_id = stmt_int(st, 0);
		c.p[c.np++].hours10 = (int32_t)stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc != STORE_DONE)
		goto db_fail;
	if (assessment_each(s, scope, year, ahead_row, &c, e) < 0 && !c.oom)
		return -1;
	if (c.oom)
		goto oom;
	if (c.n)
		qsort(c.rows, (size_t)c.n, sizeof *c.rows, ahead_cmp);
	*rows = c.rows;
	*total = c.n;
	*n = limit > 0 && c.n > limit ? limit : c.n;
	return 0;
oom:
	err_set(e, ERR_INTERNAL, "out of memory");
	return -1;
db_fail:
	err_set(e, ERR_INTERNAL, "cannot look ahead: %s", store_errmsg(s));
	return -1;
}

static const char SQL_LAST_DAY[] = "SELECT max(day) FROM programme_sessions WHERE programme_id = ?";
static const char SQL_HOLDS[] =
	"SELECT count(*) FROM enrolments WHERE programme_id = ? AND person_id = ? AND status <> 'withdrawn'";

int assessment_programme_fit(struct store *s, int64_t programme_id, int64_t person_id,
			     char last_day[11], bool *enrolled)
{
	struct stmt *st;
	int rc;

	last_day[0] = '\0';
	*enrolled = false;
	if (store_prepare(s, SQL_LAST_DAY, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, programme_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW && !stmt_is_null(st, 0))
		snprintf(last_day, 11, "%s", stmt_text(st, 0));
	stmt_done(st);
	if (rc < 0)
		return rc;
	if (store_prepare(s, SQL_HOLDS, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, programme_id);
	stmt_bind_int(st, 2, person_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*enrolled = stmt_int(st, 0) > 0;
	stmt_done(st);
	return rc < 0 ? rc : 0;
}
