/* places.c - regions and centres: lists, records, checks, audited saves
 * (see places.h). */
#include "places.h"

#include <ctype.h>
#include <string.h>

#include "core/audit.h"
#include "lib/buf.h"
#include "lib/utf8.h"
#include "store/store.h"

const char *const places_levels[] = { "province", "city", "district", NULL };
const char *const places_kinds[] = { "municipal", "district", NULL };
/* 000 art. 7, in the order the alliance names its members */
const char *const places_domains[] = { "principals_special", "vocational", "private", "remote",
				       "kindergarten", "research", NULL };

static bool one_of(const char *const *codes, const char *v)
{
	for (int i = 0; v && codes[i]; i++)
		if (!strcmp(codes[i], v))
			return true;
	return false;
}

bool places_is_level(const char *v)
{
	return one_of(places_levels, v);
}

bool places_is_kind(const char *v)
{
	return one_of(places_kinds, v);
}

bool places_is_domain(const char *v)
{
	return one_of(places_domains, v);
}

static bool all_digits(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static const char *col_dup(struct arena *a, struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? NULL : arena_strdup(a, stmt_text(st, col));
}

static int clamp_limit(int limit)
{
	return limit <= 0 ? 50 : limit > 1000 ? 1000 : limit;
}

static const char *set_or_null(const char *s)
{
	return s && *s ? s : NULL;
}

/* ---- one page of a list ---- */

/* A list's two statements (the total, one page) and how its rows read:
 * regions and centres page alike. */
struct paging {
	const char *count_sql, *page_sql;
	int limit_param;            /* LIMIT's placeholder; OFFSET's is the next */
	void (*bind)(struct stmt *st, const void *filter);
	void (*row)(struct stmt *st, struct arena *a, void *item);
	size_t item_size;
};

static int page_of(struct store *s, struct arena *a, const struct paging *pg, const void *filter,
		   int limit, int offset, void **items, int *n, int64_t *total)
{
	struct stmt *st;
	int rc;

	limit = clamp_limit(limit);
	*n = 0;
	*total = 0;
	if (!(*items = arena_alloc(a, pg->item_size * (size_t)limit)))
		return STORE_ERROR;
	if (store_prepare(s, pg->count_sql, &st) < 0)
		return STORE_ERROR;
	pg->bind(st, filter);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*total = stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0)
		return rc;
	if (store_prepare(s, pg->page_sql, &st) < 0)
		return STORE_ERROR;
	pg->bind(st, filter);
	stmt_bind_int(st, pg->limit_param, limit);
	stmt_bind_int(st, pg->limit_param + 1, offset > 0 ? offset : 0);
	while ((rc = stmt_step(st)) == STORE_ROW && *n < limit)
		pg->row(st, a, (char *)*items + pg->item_size * (size_t)(*n)++);
	stmt_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- regions: reading ---- */

/* One statement serves every filter, as in audit.c: a NULL parameter
 * switches its condition off, so the SQL stays a constant (and cached).
 * Regions are a few thousand rows at most: a scan is fine. */
#define REGION_WHERE \
	" WHERE (?1 IS NULL OR substr(r.code, 1, length(?1)) = ?1)" \
	" AND (?2 IS NULL OR instr(r.name, ?2) > 0)" \
	" AND (?3 IS NULL OR r.level = ?3)" \
	" AND (?4 IS NULL OR r.parent_code = ?4)" \
	" AND (?5 = 0 OR r.level <> 'district')"
#define REGION_SELECT \
	"SELECT r.code, r.name, r.level, r.parent_code, p.name FROM regions r" \
	" LEFT JOIN regions p ON p.code = r.parent_code"

static const char SQL_REGION_COUNT[] = "SELECT count(*) FROM regions r" REGION_WHERE;
static const char SQL_REGION_PAGE[] =
	REGION_SELECT REGION_WHERE " ORDER BY r.code LIMIT ?6 OFFSET ?7";
static const char SQL_REGION_ONE[] = REGION_SELECT " WHERE r.code = ?";

static void region_bind(struct stmt *st, const void *filter)
{
	const struct region_filter *f = filter;
	const char *q = set_or_null(f->q);
	bool code = q && strspn(q, "0123456789") == strlen(q);

	/* digits are a code's beginning, anything else part of a name */
	stmt_bind_text(st, 1, code ? q : NULL);
	stmt_bind_text(st, 2, code ? NULL : q);
	stmt_bind_text(st, 3, set_or_null(f->level));
	stmt_bind_text(st, 4, set_or_null(f->parent));
	stmt_bind_int(st, 5, f->parents_only ? 1 : 0);
}

static void region_row(struct stmt *st, struct arena *a, void *item)
{
	struct place_region *r = item;

	memset(r, 0, sizeof *r);
	r->code = col_dup(a, st, 0);
	r->name = col_dup(a, st, 1);
	r->level = col_dup(a, st, 2);
	r->parent_code = col_dup(a, st, 3);
	r->parent_name = col_dup(a, st, 4);
}

int places_regions(struct store *s, struct arena *a, const struct region_filter *f,
		   struct place_region **items, int *n, int64_t *total)
{
	static const struct paging pg = {
		SQL_REGION_COUNT, SQL_REGION_PAGE, 6, region_bind, region_row, sizeof(struct place_region),
	};

	return page_of(s, a, &pg, f, f->limit, f->offset, (void **)items, n, total);
}

int places_region_get(struct store *s, struct arena *a, const char *code, struct place_region *out)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_REGION_ONE, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		region_row(st, a, out);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

/* Counting the persons of every district apart (a correlated subquery per
 * region) walked the persons once per region: a second with a million of
 * them.  Here schools lead (CROSS JOIN keeps SQLite to that order) and
 * each school's serving staff are a range of the covering index
 * persons_status (status, school_id), so the cost follows the persons of
 * the page's districts alone: about 0.1 s for a whole city of a million,
 * a few milliseconds for one district. */
static const char SQL_COUNT_SCHOOLS[] =
	"SELECT s.district_code, count(*) FROM schools s WHERE s.district_code IN (";
static const char SQL_COUNT_PERSONS[] =
	"SELECT s.district_code, count(*) FROM schools s CROSS JOIN persons p"
	" WHERE p.school_id = s.id AND p.status = 'serving' AND s.district_code IN (";

enum { COUNT_CHUNK = 100 };

static int count_chunk(struct store *s, const char *head, struct place_region **rows, int n,
		       bool persons)
{
	struct buf sql;
	struct stmt *st;
	int rc = STORE_ERROR;

	buf_init(&sql);
	buf_puts(&sql, head);
	for (int i = 0; i < n; i++)
		buf_puts(&sql, i ? ", ?" : "?");
	buf_puts(&sql, ") GROUP BY s.district_code");
	if (!buf_ok(&sql) || store_prepare_built(s, buf_cstr(&sql), &st) < 0)
		goto out;
	for (int i = 0; i < n; i++)
		stmt_bind_text(st, i + 1, rows[i]->code);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const char *code = stmt_text(st, 0);

		for (int i = 0; i < n; i++) {
			if (strcmp(rows[i]->code, code))
				continue;
			if (persons)
				rows[i]->persons = stmt_int(st, 1);
			else
				rows[i]->schools = stmt_int(st, 1);
		}
	}
	stmt_done(st);
	rc = rc < 0 ? rc : 0;
out:
	buf_free(&sql);
	return rc;
}

int places_region_counts(struct store *s, struct place_region **rows, int n)
{
	for (int i = 0; i < n; i++)
		rows[i]->schools = rows[i]->persons = 0;
	for (int i = 0; i < n; i += COUNT_CHUNK) {
		int k = n - i < COUNT_CHUNK ? n - i : COUNT_CHUNK;

		if (count_chunk(s, SQL_COUNT_SCHOOLS, rows + i, k, false) < 0 ||
		    count_chunk(s, SQL_COUNT_PERSONS, rows + i, k, true) < 0)
			return STORE_ERROR;
	}
	return 0;
}

/* ---- centres: reading ---- */

#define CENTRE_SELECT \
	"SELECT c.code, c.name, c.kind, c.region_code, r.name, c.domain," \
	" (SELECT count(*) FROM persons p WHERE p.centre_id = c.id AND p.status = 'serving')" \
	" FROM centres c JOIN regions r ON r.code = c.region_code"
#define CENTRE_WHERE \
	" WHERE (?1 IS NULL OR instr(c.name, ?1) > 0 OR substr(c.code, 1, length(?1)) = ?1)" \
	" AND (?2 IS NULL OR c.kind = ?2)" \
	" AND (?3 IS NULL OR c.domain = ?3)" \
	" AND (?4 IS NULL OR c.region_code = ?4)"

static const char SQL_CENTRE_COUNT[] = "SELECT count(*) FROM centres c" CENTRE_WHERE;
/* municipal first, as the alliance is; the staff count runs for the page only */
static const char SQL_CENTRE_PAGE[] =
	CENTRE_SELECT CENTRE_WHERE " ORDER BY c.kind DESC, c.code LIMIT ?5 OFFSET ?6";
static const char SQL_CENTRE_ONE[] = CENTRE_SELECT " WHERE c.code = ?";

static void centre_bind(struct stmt *st, const void *filter)
{
	const struct centre_filter *f = filter;

	stmt_bind_text(st, 1, set_or_null(f->q));
	stmt_bind_text(st, 2, set_or_null(f->kind));
	stmt_bind_text(st, 3, set_or_null(f->domain));
	stmt_bind_text(st, 4, set_or_null(f->region));
}

static void centre_row(struct stmt *st, struct arena *a, void *item)
{
	struct centre_rec *c = item;

	memset(c, 0, sizeof *c);
	c->code = col_dup(a, st, 0);
	c->name = col_dup(a, st, 1);
	c->kind = col_dup(a, st, 2);
	c->region_code = col_dup(a, st, 3);
	c->region_name = col_dup(a, st, 4);
	c->domain = col_dup(a, st, 5);
	c->staff = stmt_int(st, 6);
}

int places_centres(struct store *s, struct arena *a, const struct centre_filter *f,
		   struct centre_rec **items, int *n, int64_t *total)
{
	static const struct paging pg = {
		SQL_CENTRE_COUNT, SQL_CENTRE_PAGE, 5, centre_bind, centre_row, sizeof(struct centre_rec),
	};

	return page_of(s, a, &pg, f, f->limit, f->offset, (void **)items, n, total);
}

int places_centre_get(struct store *s, struct arena *a, const char *code, struct centre_rec *out)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_CENTRE_ONE, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		centre_row(st, a, out);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

/* ---- checking what users wrote ---- */

static void problem(struct place_errors *e, const char *field, enum place_problem p)
{
	/* one problem per field: the first says what to fix first */
	for (int i = 0; i < e->n; i++)
		if (!strcmp(e->e[i].field, field))
			return;
	if (e->n < PLACE_ERRORS_MAX) {
		e->e[e->n].field = field;
		e->e[e->n].problem = p;
		e->n++;
	}
}

/* What a user wrote without the blanks around it (lib/utf8.c); NULL for
 * NULL or nothing left. */
static const char *trimmed(struct arena *a, const char *s)
{
	const char *t = utf8_trimmed(a, s);

	return t && *t ? t : NULL;
}

static void check_name(const char *name, struct place_errors *e)
{
	if (!name) {
		problem(e, "name", PLACE_EMPTY);
		return;
	}
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			problem(e, "name", PLACE_CONTROL);
			return;
		}
	if (utf8_chars(name) > 64)
		problem(e, "name", PLACE_TOO_LONG);
}

/* GB/T 2260: a province's code ends in 0000, a prefecture-level city's in
 * 00, a county-level district's in neither.  A city bureau's scope is the
 * first four digits of its code (registry_scope_of), so this is what keeps
 * a district inside its city's scope. */
static bool code_fits_level(const char *code, const char *level)
{
	if (!strcmp(level, "province"))
		return !strcmp(code + 2, "0000");
	if (!strcmp(level, "city"))
		return !strcmp(code + 4, "00") && strcmp(code + 2, "0000");
	return strcmp(code + 4, "00") != 0;
}

static int level_rank(const char *level)
{
	return !strcmp(level, "province") ? 0 : !strcmp(level, "city") ? 1 : 2;
}

/* A municipal centre's code: [a-z0-9-]{2,32}, not digits alone, which is
 * the form of a division code (a district centre's, or a bureau's scope). */
static bool municipal_code(const char *code)
{
	size_t n = strlen(code);

	if (n < 2 || n > 32 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return false;
	return strspn(code, "0123456789") != n;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* "name: old -> new; parent: ..." for the audit row of an update. */
static void change_note(struct buf *b, const char *field, const char *old, const char *now)
{
	if (same(old, now))
		return;
	buf_printf(b, "%s%s: %s -> %s", b->len ? "; " : "", field, old ? old : "-",
		   now ? now : "-");
}

/* ---- regions: writing ---- */

static const char SQL_REGION_IN_USE[] =
	"SELECT (SELECT count(*) FROM regions WHERE parent_code = ?1)"
	" + (SELECT count(*) FROM schools WHERE district_code = ?1)"
	" + (SELECT count(*) FROM centres WHERE region_code = ?1)";
static const char SQL_REGION_INSERT[] =
	"INSERT INTO regions (code, name, level, parent_code) VALUES (?, ?, ?, ?)";
static const char SQL_REGION_UPDATE[] =
	"UPDATE regions SET name = ?, level = ?, parent_code = ? WHERE code = ?";

static int region_in_use(struct store *s, const char *code, bool *used)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_REGION_IN_USE, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	*used = rc == STORE_ROW && stmt_int(st, 0) > 0;
	stmt_done(st);
	return rc == STORE_ROW ? 0 : STORE_ERROR;
}

/* The parent against the child's level and code; 0, or a store error. */
static int check_parent(struct store *s, struct arena *a, const char *code, const char *level,
			const char *parent, struct place_errors *e)
{
	struct place_region p;
	int rc = places_region_get(s, a, parent, &p);

	if (rc == STORE_ENOTFOUND) {
		problem(e, "parent_code", PLACE_PARENT_UNKNOWN);
		return 0;
	}
	if (rc < 0)
		return rc;
	if (level_rank(p.level) + 1 != level_rank(level))
		problem(e, "parent_code", PLACE_PARENT_LEVEL);
	else if (strncmp(code, p.code, !strcmp(level, "city") ? 2 : 4))
		problem(e, "parent_code", PLACE_PARENT_PREFIX);
	return 0;
}

enum place_write places_region_write(struct store *s, struct arena *a, const struct actor *who,
				     const char *code_before, const struct place_region_in *in,
				     struct place_errors *errs, bool *changed,
				     const char **code_out)
{
	const char *code = code_before ? code_before : trimmed(a, in->code);
	const char *name = trimmed(a, in->name), *level = trimmed(a, in->level);
	const char *parent = trimmed(a, in->parent_code);
	struct place_region old = { 0 };
	enum place_write out = PLACE_WRITE_ERROR;
	struct stmt *st;
	struct buf note;
	int before = errs->n, rc;

	buf_init(&note);
	if (changed)
		*changed = false;
	/* what needs no database */
	if (!code)
		problem(errs, "code", PLACE_EMPTY);
	else if (!all_digits(code, 6))
		problem(errs, "code", PLACE_REGION_CODE);
	check_name(name, errs);
	if (!level)
		problem(errs, "level", PLACE_EMPTY);
	else if (!places_is_level(level))
		problem(errs, "level", PLACE_BAD_LEVEL);
	else if (all_digits(code, 6) && !code_fits_level(code, level))
		/* a new code is the user's to fix; an old one's level is */
		problem(errs, code_before ? "level" : "code", PLACE_CODE_LEVEL);
	if (places_is_level(level)) {
		if (!strcmp(level, "province") && parent)
			problem(errs, "parent_code", PLACE_PROVINCE_PARENT);
		else if (strcmp(level, "province") && !parent)
			problem(errs, "parent_code", PLACE_EMPTY);
		else if (parent && !all_digits(parent, 6))
			problem(errs, "parent_code", PLACE_PARENT_UNKNOWN);
	}
	if (errs->n > before)
		return PLACE_WRITE_INVALID;

	if (store_begin(s, STORE_WRITE) < 0)
		return PLACE_WRITE_ERROR;
	rc = places_region_get(s, a, code, &old);
	if (rc < 0 && rc != STORE_ENOTFOUND)
		goto fail;
	if (!code_before && rc == 0) {
		problem(errs, "code", PLACE_CODE_TAKEN);
		out = PLACE_WRITE_CONFLICT;
		goto fail;
	}
	if (code_before && rc == STORE_ENOTFOUND)
		goto fail; /* gone since the page read it */
	if (parent && check_parent(s, a, code, level, parent, errs) < 0)
		goto fail;
	if (code_before && strcmp(old.level, level)) {
		bool used;

		/* children, schools and centres hold it to what it is */
		if (region_in_use(s, code, &used) < 0)
			goto fail;
		if (used)
			problem(errs, "level", PLACE_LEVEL_IN_USE);
	}
	if (errs->n > before) {
		out = PLACE_WRITE_INVALID;
		goto fail;
	}

	if (!code_before) {
		if (store_prepare(s, SQL_REGION_INSERT, &st) < 0)
			goto fail;
		stmt_bind_text(st, 1, code);
		stmt_bind_text(st, 2, name);
		stmt_bind_text(st, 3, level);
		stmt_bind_text(st, 4, parent);
		if (stmt_run(st) < 0)
			goto fail;
		buf_printf(&note, "%s (%s%s%s)", name, level, parent ? ", parent " : "",
			   parent ? parent : "");
	} else {
		change_note(&note, "name", old.name, name);
		change_note(&note, "level", old.level, level);
		change_note(&note, "parent", old.parent_code, parent);
		if (!note.len) {
			/* nothing to write, nothing to audit */
			store_rollback(s);
			out = PLACE_WRITE_OK;
			goto done;
		}
		if (store_prepare(s, SQL_REGION_UPDATE, &st) < 0)
			goto fail;
		stmt_bind_text(st, 1, name);
		stmt_bind_text(st, 2, level);
		stmt_bind_text(st, 3, parent);
		stmt_bind_text(st, 4, code);
		if (stmt_run(st) < 0)
			goto fail;
	}
	if (!buf_ok(&note) ||
	    audit_record(s, who, code_before ? "region.update" : "region.create",
			 arena_printf(a, "region:%s", code), buf_cstr(&note)) < 0 ||
	    store_commit(s) < 0)
		goto fail;
	if (changed)
		*changed = true;
	out = PLACE_WRITE_OK;
	goto done;
fail:
	store_rollback(s);
done:
	if (code_out)
		*code_out = arena_strdup(a, code ? code : "");
	buf_free(&note);
	return out;
}

/* ---- centres: writing ---- */

static const char SQL_CENTRE_INSERT[] =
	"INSERT INTO centres (code, name, kind, region_code, domain) VALUES (?, ?, ?, ?, ?)";
static const char SQL_CENTRE_UPDATE[] =
	"UPDATE centres SET name = ?, region_code = ?, domain = ? WHERE code = ?";

/* The region a centre sits in: a district centre's is the district its
 * code names, a municipal centre's a city. */
static int check_centre_region(struct store *s, struct arena *a, const char *kind,
			       const char *region, struct place_errors *e)
{
	struct place_region r;
	bool district = !strcmp(kind, "district");
	int rc = places_region_get(s, a, region, &r);

	if (rc < 0 && rc != STORE_ENOTFOUND)
		return rc;
	if (district && (rc == STORE_ENOTFOUND || strcmp(r.level, "district")))
		problem(e, "code", PLACE_NOT_DISTRICT);
	else if (!district && rc == STORE_ENOTFOUND)
		problem(e, "region_code", PLACE_REGION_UNKNOWN);
	else if (!district && strcmp(r.level, "city"))
		problem(e, "region_code", PLACE_REGION_NOT_CITY);
	return 0;
}

enum place_write places_centre_write(struct store *s, struct arena *a, const struct actor *who,
				     const char *code_before, const struct place_centre_in *in,
				     struct place_errors *errs, bool *changed,
				     const char **code_out)
{
	const char *code = code_before ? code_before : trimmed(a, in->code);
	const char *name = trimmed(a, in->name), *kind = trimmed(a, in->kind);
	const char *region = trimmed(a, in->region_code), *domain = trimmed(a, in->domain);
	struct centre_rec old = { 0 };
	enum place_write out = PLACE_WRITE_ERROR;
	struct stmt *st;
	struct buf note;
	int before = errs->n, rc;

	buf_init(&note);
	if (changed)
		*changed = false;
	if (code_before) {
		/* the kind is the stored one: read it before checking */
		if (places_centre_get(s, a, code_before, &old) < 0)
			return PLACE_WRITE_ERROR;
		kind = old.kind;
	}
	if (!kind)
		problem(errs, "kind", PLACE_EMPTY);
	else if (!places_is_kind(kind))
		problem(errs, "kind", PLACE_BAD_KIND);
	if (!code)
		problem(errs, "code", PLACE_EMPTY);
	else if (places_is_kind(kind) && !strcmp(kind, "district") && !all_digits(code, 6))
		problem(errs, "code", PLACE_NOT_DISTRICT);
	else if (places_is_kind(kind) && !strcmp(kind, "municipal") && !municipal_code(code))
		problem(errs, "code", PLACE_CENTRE_CODE);
	check_name(name, errs);
	if (places_is_kind(kind) && !strcmp(kind, "district")) {
		/* a district centre serves its district: the code says which */
		if (region && code && strcmp(region, code))
			problem(errs, "region_code", PLACE_REGION_IS_CODE);
		region = code;
		if (domain)
			problem(errs, "domain", PLACE_DOMAIN_FORBIDDEN);
	} else if (places_is_kind(kind)) {
		if (!region)
			problem(errs, "region_code", PLACE_EMPTY);
		else if (!all_digits(region, 6))
			problem(errs, "region_code", PLACE_REGION_UNKNOWN);
		if (!domain)
			problem(errs, "domain", PLACE_DOMAIN_NEEDED);
		else if (!places_is_domain(domain))
			problem(errs, "domain", PLACE_BAD_DOMAIN);
	}
	if (errs->n > before)
		return PLACE_WRITE_INVALID;

	if (store_begin(s, STORE_WRITE) < 0)
		return PLACE_WRITE_ERROR;
	if (!code_before) {
		struct centre_rec there;

		rc = places_centre_get(s, a, code, &there);
		if (rc == 0) {
			problem(errs, "code", PLACE_CODE_TAKEN);
			out = PLACE_WRITE_CONFLICT;
			goto fail;
		}
		if (rc != STORE_ENOTFOUND)
			goto fail;
	} else if ((rc = places_centre_get(s, a, code, &old)) < 0) {
		goto fail; /* gone, or the database failed */
	}
	if (check_centre_region(s, a, kind, region, errs) < 0)
		goto fail;
	if (errs->n > before) {
		out = PLACE_WRITE_INVALID;
		goto fail;
	}

	if (!code_before) {
		if (store_prepare(s, SQL_CENTRE_INSERT, &st) < 0)
			goto fail;
		stmt_bind_text(st, 1, code);
		stmt_bind_text(st, 2, name);
		stmt_bind_text(st, 3, kind);
		stmt_bind_text(st, 4, region);
		stmt_bind_text(st, 5, domain);
		if (stmt_run(st) < 0)
			goto fail;
		buf_printf(&note, "%s (%s, region %s%s%s)", name, kind, region,
			   domain ? ", domain " : "", domain ? domain : "");
	} else {
		change_note(&note, "name", old.name, name);
		change_note(&note, "region", old.region_code, region);
		change_note(&note, "domain", old.domain, domain);
		if (!note.len) {
			store_rollback(s);
			out = PLACE_WRITE_OK;
			goto done;
		}
		if (store_prepare(s, SQL_CENTRE_UPDATE, &st) < 0)
			goto fail;
		stmt_bind_text(st, 1, name);
		stmt_bind_text(st, 2, region);
		stmt_bind_text(st, 3, domain);
		stmt_bind_text(st, 4, code);
		if (stmt_run(st) < 0)
			goto fail;
	}
	if (!buf_ok(&note) ||
	    audit_record(s, who, code_before ? "centre.update" : "centre.create",
			 arena_printf(a, "centre:%s", code), buf_cstr(&note)) < 0 ||
	    store_commit(s) < 0)
		goto fail;
	if (changed)
		*changed = true;
	out = PLACE_WRITE_OK;
	goto done;
fail:
	store_rollback(s);
done:
	if (code_out)
		*code_out = arena_strdup(a, code ? code : "");
	buf_free(&note);
	return out;
}
