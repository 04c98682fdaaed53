/* registry.c - people and schools: lists, records, changes (see registry.h). */
#include "registry.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/query.h"
#include "core/vocab.h"
#include "lib/buf.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "lib/utf8.h"
#include "store/store.h"

/* ---- scope ---- */

void registry_scope_of(const struct principal *p, struct registry_scope *sc)
{
	memset(sc, 0, sizeof *sc);
	if (!p)
		return; /* the command line */
	switch (p->role) {
	case ROLE_SYSADMIN:
		break;
	case ROLE_BUREAU:
		/* a city bureau's districts share the city's first four digits */
		if (*p->region_code && !strcmp(p->region_code + 4, "00")) {
			snprintf(sc->prefix_buf, sizeof sc->prefix_buf, "%.4s", p->region_code);
			sc->region_prefix = sc->prefix_buf;
		} else if (*p->region_code) {
			sc->district_code = p->region_code;
		}
		break;
	case ROLE_CENTRE_ADMIN:
		if (!strcmp(p->centre_kind, "district"))
			sc->district_code = p->region_code;
		else
			sc->domain = p->domain;
		sc->centre_code = p->scope;
		break;
	case ROLE_SCHOOL_ADMIN:
		sc->school_code = p->scope;
		break;
	case ROLE_TEACHER:
		sc->person_id = p->person_id ? p->person_id : -1;
		break;
	default:
		sc->nothing = true;
	}
}

bool registry_scope_covers_school(const struct registry_scope *sc, const char *school_code,
				  const char *district_code, const char *stage,
				  const char *ownership)
{
	if (!sc)
		return true;
	if (sc->nothing || sc->person_id)
		return false;
	if (sc->school_code && (!school_code || strcmp(sc->school_code, school_code)))
		return false;
	if (sc->district_code && (!district_code || strcmp(sc->district_code, district_code)))
		return false;
	if (sc->region_prefix && (!district_code ||
				  strncmp(district_code, sc->region_prefix, strlen(sc->region_prefix))))
		return false;
	if (sc->domain && !authz_domain_covers(sc->domain, stage, ownership))
		return false;
	return true;
}

static bool is_set(const char *s)
{
	return s && *s;
}

static bool looks_like_id_prefix(const char *q)
{
	size_t n = strlen(q);

	if (n < 4 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)q[i]) && !((q[i] == 'X' || q[i] == 'x') && i == 17))
			return false;
	return true;
}

/* The persons of the schools whose name holds the text: schools are few
 * (thousands), and each finds its persons by index. */
#define SCHOOL_NAME_MATCH \
	" UNION SELECT p2.id FROM schools s2 JOIN persons p2 ON p2.school_id = s2.id" \
	" WHERE instr(s2.name, ?) > 0"

/* Search by name or school name (substrings), or by the first digits of an
 * ID number.  The matches are found first, as a set of ids (p.id IN (...)),
 * so the outer query reads only them, not every person in scope.  Names
 * have no spaces: trigram FTS for three characters or more, a scan of the
 * names below (DESIGN.md, "search"). */
static void qb_person_q(struct qb *q, struct arena *a, const char *text)
{
	if (!is_set(text))
		return;
	if (looks_like_id_prefix(text)) {
		char *up = arena_strdup(a, text);

		for (char *c = up; c && *c; c++)
			*c = (char)toupper((unsigned char)*c);
		qb_text(q, " AND p.id_number >= ?", up);
		qb_text(q, " AND p.id_number < ? || '~'", up);
	} else if (utf8_chars(text) >= 3) {
		/* an FTS5 string: doubled quotes inside */
		struct buf b;

		buf_init(&b);
		buf_putc(&b, '"');
		for (const char *c = text; *c; c++) {
			if (*c == '"')
				buf_putc(&b, '"');
			buf_putc(&b, *c);
		}
		buf_putc(&b, '"');
		qb_text(q, " AND p.id IN (SELECT rowid FROM persons_fts WHERE persons_fts MATCH ?",
			arena_strdup(a, buf_cstr(&b)));
		qb_text(q, SCHOOL_NAME_MATCH ")", text);
		buf_free(&b);
	} else {
		qb_text(q, " AND p.id IN (SELECT id FROM persons WHERE instr(name, ?) > 0", text);
		qb_text(q, SCHOOL_NAME_MATCH ")", text);
	}
}

/* ---- persons: reading ---- */

#define PERSON_COLUMNS \
	"p.id, p.id_number, p.name, p.gender, p.birth_date, p.phone, s.code, c.code," \
	" p.role, p.subject, p.title, p.education, p.key_level, p.service_start, p.status," \
	" p.special_grade, s.name, coalesce(s.district_code, c.region_code), r.name, c.name," \
	" s.stage, s.ownership"
#define PERSON_FROM \
	" FROM persons p LEFT JOIN schools s ON s.id = p.school_id" \
	" LEFT JOIN centres c ON c.id = p.centre_id" \
	" LEFT JOIN regions r ON r.code = coalesce(s.district_code, c.region_code)"

static const char *col_dup(struct arena *a, struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? NULL : arena_strdup(a, stmt_text(st, col));
}

/* Reads a row without copying: the texts are the statement's until the next step. */
static const char *col_view(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? NULL : stmt_text(st, col);
}

static void person_view_row(struct stmt *st, struct person_rec *p)
{
	memset(p, 0, sizeof *p);
	p->id = stmt_int(st, 0);
	p->id_number = col_view(st, 1);
	p->name = col_view(st, 2);
	p->gender = col_view(st, 3);
	p->birth_date = col_view(st, 4);
	p->phone = col_view(st, 5);
	p->school_code = col_view(st, 6);
	p->centre_code = col_view(st, 7);
	p->role = col_view(st, 8);
	p->subject = col_view(st, 9);
	p->title = col_view(st, 10);
	p->education = col_view(st, 11);
	p->key_level = col_view(st, 12);
	p->service_start = col_view(st, 13);
	p->status = col_view(st, 14);
	p->special_grade = (int)stmt_int(st, 15);
	p->school_name = col_view(st, 16);
	p->district_code = col_view(st, 17);
	p->district_name = col_view(st, 18);
	p->centre_name = col_view(st, 19);
	p->stage = col_view(st, 20);
	p->ownership = col_view(st, 21);
}

/* The same row, copied into the arena to outlive the statement. */
static void person_from_row(struct stmt *st, struct arena *a, void *item)
{
	struct person_rec *p = item;
	const char **texts[] = {
		&p->id_number, &p->name, &p->gender, &p->birth_date, &p->phone, &p->school_code,
		&p->centre_code, &p->role, &p->subject, &p->title, &p->education, &p->key_level,
		&p->service_start, &p->status, &p->school_name, &p->district_code,
		&p->district_name, &p->centre_name, &p->stage, &p->ownership,
	};

	person_view_row(st, p);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (*texts[i])
			*texts[i] = arena_strdup(a, *texts[i]);
}

static void qb_person_where(struct qb *q, struct arena *a, const struct registry_scope *sc,
			    const struct person_filter *f)
{
	qb_sql(q, PERSON_FROM " WHERE 1 = 1");
	qb_person_scope(q, sc);
	qb_person_q(q, a, f->q);
	if (is_set(f->school))
		qb_text(q, " AND s.code = ?", f->school);
	if (is_set(f->district))
		qb_text(q, " AND coalesce(s.district_code, c.region_code) = ?", f->district);
	if (is_set(f->stage))
		qb_text(q, " AND s.stage = ?", f->stage);
	if (is_set(f->ownership))
		qb_text(q, " AND s.ownership = ?", f->ownership);
	if (is_set(f->role))
		qb_text(q, " AND p.role = ?", f->role);
	if (is_set(f->title))
		qb_text(q, " AND p.title = ?", f->title);
	if (is_set(f->education))
		qb_text(q, " AND p.education = ?", f->education);
	if (is_set(f->key_level))
		qb_text(q, " AND p.key_level = ?", f->key_level);
	if (is_set(f->status))
		qb_text(q, " AND p.status = ?", f->status);
}

static int clamp_limit(int limit)
{
	return limit <= 0 ? 50 : limit > 1000 ? 1000 : limit;
}

/* A list of one kind of record: its columns, order and filters, and how a
 * row becomes a record.  list_page() and list_each() serve both kinds. */
struct listing {
	const char *select;         /* "SELECT <columns>" */
	const char *order;          /* " ORDER BY ..." */
	void (*where)(struct qb *q, struct arena *a, const void *sc, const void *f);
	void (*copy)(struct stmt *st, struct arena *a, void *item);  /* into the arena */
	void (*view)(struct stmt *st, void *item);                   /* borrowed */
	size_t item_size;
};

static int list_page(struct store *s, struct arena *a, const struct listing *l, const void *sc,
		     const void *f, int limit, int offset, void **items, int *n, int64_t *total)
{
	struct qb q = { 0 };
	struct stmt *st;
	int rc = -1;

	limit = clamp_limit(limit);
	*n = 0;
	*total = 0;
	if (!(*items = arena_alloc(a, l->item_size * (size_t)limit)))
		return -1;
	buf_init(&q.sql);
	qb_sql(&q, "SELECT count(*)");
	l->where(&q, a, sc, f);
	if (qb_prepare(s, &q, &st) < 0)
		goto out;
	if (stmt_step(st) == STORE_ROW)
		*total = stmt_int(st, 0);
	stmt_done(st);

	buf_reset(&q.sql);
	q.n = 0;
	qb_sql(&q, l->select);
	l->where(&q, a, sc, f);
	qb_sql(&q, l->order);
	qb_int(&q, " LIMIT ?", limit);
	qb_int(&q, " OFFSET ?", offset > 0 ? offset : 0);
	if (qb_prepare(s, &q, &st) < 0)
		goto out;
	while ((rc = stmt_step(st)) == STORE_ROW && *n < limit)
		l->copy(st, a, (char *)*items + l->item_size * (size_t)(*n)++);
	stmt_done(st);
	rc = rc < 0 ? rc : 0;
out:
	buf_free(&q.sql);
	return rc;
}

static int list_each(struct store *s, const struct listing *l, const void *sc, const void *f,
		     int (*cb)(const void *item, void *ctx), void *ctx)
{
	struct arena a;
	struct qb q = { 0 };
	struct stmt *st;
	union {
		struct person_rec p;
		struct school_rec r;
	} item;
	int rc = -1;

	arena_init(&a);
	buf_init(&q.sql);
	qb_sql(&q, l->select);
	l->where(&q, &a, sc, f);
	qb_sql(&q, l->order);
	if (qb_prepare(s, &q, &st) < 0)
		goto out;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		l->view(st, &item);
		if (cb(&item, ctx)) {
			rc = STORE_DONE;
			break;
		}
	}
	stmt_done(st);
	rc = rc < 0 ? rc : 0;
out:
	buf_free(&q.sql);
	arena_release(&a);
	return rc;
}

static void person_where(struct qb *q, struct arena *a, const void *sc, const void *f)
{
	qb_person_where(q, a, sc, f);
}

static void person_view(struct stmt *st, void *item)
{
	person_view_row(st, item);
}

static const struct listing person_listing = {
	"SELECT " PERSON_COLUMNS, " ORDER BY p.id", person_where, person_from_row, person_view,
	sizeof(struct person_rec),
};

int registry_persons(struct store *s, struct arena *a, const struct registry_scope *sc,
		     const struct person_filter *f, struct person_rec **items, int *n,
		     int64_t *total)
{
	return list_page(s, a, &person_listing, sc, f, f->limit, f->offset, (void **)items, n,
			 total);
}

struct each {
	int (*person)(const struct person_rec *r, void *ctx);
	int (*school)(const struct school_rec *r, void *ctx);
	void *ctx;
};

static int each_person(const void *item, void *ctx)
{
	const struct each *e = ctx;

	return e->person(item, e->ctx);
}

static int each_school(const void *item, void *ctx)
{
	const struct each *e = ctx;

	return e->school(item, e->ctx);
}

int registry_persons_each(struct store *s, const struct registry_scope *sc,
			  const struct person_filter *f,
			  int (*cb)(const struct person_rec *r, void *ctx), void *ctx)
{
	struct each e = { .person = cb, .ctx = ctx };

	return list_each(s, &person_listing, sc, f, each_person, &e);
}

static const char SQL_PERSON_BY_NUMBER[] =
	"SELECT " PERSON_COLUMNS PERSON_FROM " WHERE p.id_number = ?";
static const char SQL_PERSON_BY_ID[] = "SELECT " PERSON_COLUMNS PERSON_FROM " WHERE p.id = ?";

static int person_get(struct stmt *st, struct arena *a, struct person_rec *out)
{
	int rc = stmt_step(st);

	if (rc == STORE_ROW)
		person_from_row(st, a, out);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int registry_person_get(struct store *s, struct arena *a, const char *id_number,
			struct person_rec *out)
{
	struct stmt *st;

	if (store_prepare(s, SQL_PERSON_BY_NUMBER, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, id_number);
	return person_get(st, a, out);
}

int registry_person_get_id(struct store *s, struct arena *a, int64_t id, struct person_rec *out)
{
	struct stmt *st;

	if (store_prepare(s, SQL_PERSON_BY_ID, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, id);
	return person_get(st, a, out);
}

void registry_person_target(const struct person_rec *p, struct authz_target *t)
{
	memset(t, 0, sizeof *t);
	t->person_id = p->id;
	t->school_code = p->school_code;
	t->district_code = p->district_code;
	t->stage = p->stage;
	t->ownership = p->ownership;
}

void registry_school_target(const struct school_rec *r, struct authz_target *t)
{
	memset(t, 0, sizeof *t);
	t->school_code = r->code;
	t->district_code = r->district_code;
	t->stage = r->stage;
	t->ownership = r->ownership;
}

/* ---- schools: reading ---- */

#define SCHOOL_COLUMNS \
	"s.id, s.code, s.name, s.district_code, s.stage, s.ownership, s.status, r.name," \
	" (SELECT count(*) FROM persons p WHERE p.status = 'serving' AND p.school_id = s.id)"
#define SCHOOL_FROM " FROM schools s LEFT JOIN regions r ON r.code = s.district_code"

static void school_view(struct stmt *st, void *item)
{
	struct school_rec *r = item;

	memset(r, 0, sizeof *r);
	r->id = stmt_int(st, 0);
	r->code = col_view(st, 1);
	r->name = col_view(st, 2);
	r->district_code = col_view(st, 3);
	r->stage = col_view(st, 4);
	r->ownership = col_view(st, 5);
	r->status = col_view(st, 6);
	r->district_name = col_view(st, 7);
	r->persons = stmt_int(st, 8);
}

static void school_from_row(struct stmt *st, struct arena *a, void *item)
{
	struct school_rec *r = item;
	const char **texts[] = { &r->code, &r->name, &r->district_code, &r->stage, &r->ownership,
				 &r->status, &r->district_name };

	school_view(st, r);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (*texts[i])
			*texts[i] = arena_strdup(a, *texts[i]);
}

static void qb_school_where(struct qb *q, const struct registry_scope *sc,
			    const struct school_filter *f)
{
	qb_sql(q, SCHOOL_FROM " WHERE 1 = 1");
	qb_school_scope(q, sc);
	if (is_set(f->q)) {
		bool code = true;

		for (const char *c = f->q; *c; c++)
			code = code && isdigit((unsigned char)*c);
		if (code)
			qb_text(q, " AND s.code LIKE ? || '%'", f->q);
		else
			qb_text(q, " AND instr(s.name, ?) > 0", f->q);
	}
	if (is_set(f->district))
		qb_text(q, " AND s.district_code = ?", f->district);
	if (is_set(f->stage))
		qb_text(q, " AND s.stage = ?", f->stage);
	if (is_set(f->ownership))
		qb_text(q, " AND s.ownership = ?", f->ownership);
	if (is_set(f->status))
		qb_text(q, " AND s.status = ?", f->status);
}

static void school_where(struct qb *q, struct arena *a, const void *sc, const void *f)
{
	qb_school_where(q, sc, f);
}

static const struct listing school_listing = {
	"SELECT " SCHOOL_COLUMNS, " ORDER BY s.district_code, s.code", school_where,
	school_from_row, school_view, sizeof(struct school_rec),
};

int registry_schools(struct store *s, struct arena *a, const struct registry_scope *sc,
		     const struct school_filter *f, struct school_rec **items, int *n,
		     int64_t *total)
{
	return list_page(s, a, &school_listing, sc, f, f->limit, f->offset, (void **)items, n,
			 total);
}

int registry_schools_each(struct store *s, const struct registry_scope *sc,
			  const struct school_filter *f,
			  int (*cb)(const struct school_rec *r, void *ctx), void *ctx)
{
	struct each e = { .school = cb, .ctx = ctx };

	return list_each(s, &school_listing, sc, f, each_school, &e);
}

static const char SQL_SCHOOL_BY_CODE[] = "SELECT " SCHOOL_COLUMNS SCHOOL_FROM " WHERE s.code = ?";

int registry_school_get(struct store *s, struct arena *a, const char *code, struct school_rec *out)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_SCHOOL_BY_CODE, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		school_from_row(st, a, out);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

/* ---- history, regions, centres ---- */

static const char SQL_PERSON_HISTORY[] =
	"SELECT id, at, field, old_value, new_value, actor, source FROM person_history"
	" WHERE person_id = ? ORDER BY id DESC LIMIT 500";
static const char SQL_SCHOOL_HISTORY[] =
	"SELECT id, at, field, old_value, new_value, actor, source FROM school_history"
	" WHERE school_id = ? ORDER BY id DESC LIMIT 500";

static int history(struct store *s, struct arena *a, const char *sql, int64_t id,
		   struct history_row **rows, int *n)
{
	struct stmt *st;
	int cap = 500, rc;

	*n = 0;
	if (!(*rows = arena_alloc(a, sizeof **rows * (size_t)cap)))
		return -1;
	if (store_prepare(s, sql, &st) < 0)
		return -1;
	stmt_bind_int(st, 1, id);
	while ((rc = stmt_step(st)) == STORE_ROW && *n < cap) {
		struct history_row *h = &(*rows)[(*n)++];

		h->id = stmt_int(st, 0);
		h->at = col_dup(a, st, 1);
		h->field = col_dup(a, st, 2);
		h->old_value = col_dup(a, st, 3);
		h->new_value = col_dup(a, st, 4);
		h->actor = col_dup(a, st, 5);
		h->source = col_dup(a, st, 6);
	}
	stmt_done(st);
	return rc < 0 ? rc : 0;
}

int registry_person_history(struct store *s, struct arena *a, int64_t person_id,
			    struct history_row **rows, int *n)
{
	return history(s, a, SQL_PERSON_HISTORY, person_id, rows, n);
}

int registry_school_history(struct store *s, struct arena *a, int64_t school_id,
			    struct history_row **rows, int *n)
{
	return history(s, a, SQL_SCHOOL_HISTORY, school_id, rows, n);
}

/* ---- checking what users wrote ---- */

void field_error(struct field_errors *fe, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!fe || fe->n >= FIELD_ERRORS_MAX)
		return;
	snprintf(fe->e[fe->n].field, sizeof fe->e[fe->n].field, "%s", field);
	va_start(ap, fmt);
	vsnprintf(fe->e[fe->n].message, sizeof fe->e[fe->n].message, fmt, ap);
	va_end(ap);
	fe->e[fe->n].message_zh[0] = '\0';
	fe->n++;
}

void field_error2(struct field_errors *fe, const char *field, const char *zh_fmt,
		  const char *en_fmt, ...)
{
	va_list ap, ap2;

	if (!fe || fe->n >= FIELD_ERRORS_MAX)
		return;
	snprintf(fe->e[fe->n].field, sizeof fe->e[fe->n].field, "%s", field);
	va_start(ap, en_fmt);
	va_copy(ap2, ap);
	vsnprintf(fe->e[fe->n].message, sizeof fe->e[fe->n].message, en_fmt, ap);
	vsnprintf(fe->e[fe->n].message_zh, sizeof fe->e[fe->n].message_zh, zh_fmt, ap2);
	va_end(ap2);
	va_end(ap);
	fe->n++;
}

/* The ID number's problem in Chinese, by kind (idcard.c's messages are
 * English, with the detail). */
static const char *idcard_zh(enum idcard_error k)
{
	switch (k) {
	case IDCARD_EMPTY: return "身份证号不能为空";
	case IDCARD_LENGTH: return "身份证号位数不对：应为 18 位（或旧的 15 位）";
	case IDCARD_CHARACTER: return "身份证号只能是数字，最后一位可以是 X";
	case IDCARD_REGION: return "身份证号前两位不是有效的省份代码";
	case IDCARD_DATE: return "身份证号中的出生日期不存在";
	case IDCARD_FUTURE: return "身份证号中的出生日期晚于今天";
	case IDCARD_CHECK: return "身份证号校验位不对，可能有输错的数字";
	case IDCARD_NUMERIC: return "身份证号被 Excel 变成了数字，末几位已丢失：请把该列设为文本后重新填写";
	default: return "身份证号有误";
	}
}

/* What a user wrote, without the blanks around it (ASCII, U+3000, U+00A0). */
static const char *trimmed(struct arena *a, const char *s)
{
	return utf8_trimmed(a, s);
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20)
			return true;
	return false;
}

static void check_text(const char **v, const char *field, size_t max_chars, bool required,
		       struct arena *a, struct field_errors *fe)
{
	*v = trimmed(a, *v);
	if (!*v || !**v) {
		if (required)
			field_error2(fe, field, "不能为空", "is empty; it is needed");
		*v = NULL;
		return;
	}
	if (strpbrk(*v, "\r\n"))
		field_error2(fe, field, "含有换行（Excel 中的 Alt+Enter），请写在一行里",
			     "has a line break inside (Alt+Enter in Excel); write it on one line");
	else if (has_control(*v))
		field_error2(fe, field, "含有控制字符", "contains a control character");
	else if (utf8_chars(*v) > max_chars)
		field_error2(fe, field, "超过 %zu 个字", "is longer than %zu characters", max_chars);
}

static const char *const vocab_field[] = {
	[VOCAB_STAGE] = "stage", [VOCAB_OWNERSHIP] = "ownership", [VOCAB_ROLE] = "role",
	[VOCAB_TITLE] = "title", [VOCAB_EDUCATION] = "education",
	[VOCAB_KEY_LEVEL] = "key_level", [VOCAB_STATUS] = "status", [VOCAB_GENDER] = "gender",
};

/* An enumerated value written as users write it (vocab.c); empty takes the
 * default, or is an error when there is none and the field is required. */
static void check_word(const char **v, enum vocab_kind k, const char *dflt, bool required,
		       struct arena *a, struct field_errors *fe)
{
	const char *code;

	*v = trimmed(a, *v);
	if (!*v || !**v) {
		*v = dflt;
		if (!dflt && required)
			field_error2(fe, vocab_field[k], "不能为空", "is empty; it is needed");
		return;
	}
	if (!(code = vocab_code(k, *v))) {
		const char *const *codes = vocab_codes(k);
		struct buf b;

		buf_init(&b);
		for (int i = 0; codes && codes[i]; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", vocab_label(k, codes[i]));
		field_error2(fe, vocab_field[k], "“%s”不是可选的值，可选：%s",
			     "\"%s\" is not a known value; use one of %s", *v, buf_cstr(&b));
		buf_free(&b);
		return;
	}
	*v = code;
}

static bool all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static void check_school_code(const char **v, bool required, struct arena *a,
			      struct field_errors *fe)
{
	*v = trimmed(a, *v);
	if (!*v || !**v) {
		*v = NULL;
		if (required)
			field_error2(fe, "school_code", "不能为空", "is empty; it is needed");
		return;
	}
	/* a 学校标识码 is ten digits; Excel may show it as 3.44410E+09 */
	if (strpbrk(*v, "Ee.") && strspn(*v, "0123456789.Ee+") == strlen(*v))
		field_error2(fe, "school_code", "“%s”被 Excel 变成了数字：请把该列设为文本",
			     "\"%s\" was turned into a number by Excel; format the column as text",
			     *v);
	else if (!all_digits(*v, 10))
		field_error2(fe, "school_code", "“%s”不是学校标识码（10 位数字）",
			     "\"%s\" is not a school code (10 digits)", *v);
}

int registry_person_check(struct person_rec *p, unsigned fields, bool creating,
			  const char *today, struct arena *a, struct field_errors *fe)
{
	int before = fe->n;

	if (fields & PF_ID_NUMBER || creating) {
		char id[ID_NUMBER_LEN + 1];
		struct err e = { 0 };
		const char *in = p->id_number ? p->id_number : "";

		enum idcard_error k = idcard_parse(in, today, id, &e);

		if (k != IDCARD_OK) {
			int at = fe->n;

			field_error(fe, "id_number", "%s", e.message);
			if (fe->n > at)
				snprintf(fe->e[fe->n - 1].message_zh, sizeof fe->e[fe->n - 1].message_zh,
					 "%s", idcard_zh(k));
		} else {
			char birth[11];

			p->id_number = arena_strdup(a, id);
			idcard_birth_date(id, birth);
			p->birth_date = arena_strdup(a, birth);
			p->gender = idcard_gender(id);
		}
	}
	if (fields & PF_NAME || creating)
		check_text(&p->name, "name", 64, true, a, fe);
	if (fields & PF_PHONE) {
		check_text(&p->phone, "phone", 20, false, a, fe);
		if (p->phone && strspn(p->phone, "0123456789+-() ") != strlen(p->phone))
			field_error2(fe, "phone", "“%s”不是电话号码", "\"%s\" is not a telephone number",
				     p->phone);
		else if (p->phone && strpbrk(p->phone, "Ee"))
			field_error2(fe, "phone", "“%s”被 Excel 变成了数字，请把该列设为文本",
				     "\"%s\" was turned into a number by Excel", p->phone);
	}
	if (fields & PF_SCHOOL)
		check_school_code(&p->school_code, creating && !(fields & PF_CENTRE), a, fe);
	if (fields & PF_CENTRE) {
		p->centre_code = trimmed(a, p->centre_code);
		if (p->centre_code && !*p->centre_code)
			p->centre_code = NULL;
	}
	/* with the school alone given, check_school_code() said it; with both
	 * given (a form, the API), neither was required: say it here */
	if (creating && !p->school_code && !p->centre_code &&
	    (fields & (PF_SCHOOL | PF_CENTRE)) != PF_SCHOOL)
		field_error2(fe, "school_code", "不能为空：人员须属于一所学校或一个中心",
			     "is empty; a person belongs to a school or a centre");
	if (fields & PF_ROLE || creating)
		check_word(&p->role, VOCAB_ROLE, creating ? "teacher" : NULL, !creating, a, fe);
	if (fields & PF_SUBJECT)
		check_text(&p->subject, "subject", 32, false, a, fe);
	if (fields & PF_TITLE || creating)
		check_word(&p->title, VOCAB_TITLE, "none", false, a, fe);
	/* every person has an education: given, it may not be empty */
	if (fields & PF_EDUCATION || creating)
		check_word(&p->education, VOCAB_EDUCATION, NULL, true, a, fe);
	if (fields & PF_KEY_LEVEL || creating)
		check_word(&p->key_level, VOCAB_KEY_LEVEL, "none", false, a, fe);
	if (fields & PF_STATUS || creating)
		check_word(&p->status, VOCAB_STATUS, "serving", false, a, fe);
	if (fields & PF_SERVICE_START) {
		const char *v = trimmed(a, p->service_start);

		p->service_start = NULL;
		if (v && *v) {
			char iso[11];
			struct err e = { 0 };

			if (date_parse(v, iso, &e) < 0) {
				int at = fe->n;

				field_error(fe, "service_start", "%s", e.message);
				if (fe->n > at)
					snprintf(fe->e[fe->n - 1].message_zh,
						 sizeof fe->e[fe->n - 1].message_zh,
						 "不是日期：请写成 2019-09-01、2019/9/1 或 2019年9月1日");
			}
			else if (today && strcmp(iso, today) > 0)
				field_error2(fe, "service_start", "%s 晚于今天", "%s is in the future", iso);
			else if (p->birth_date && strcmp(iso, p->birth_date) <= 0)
				field_error2(fe, "service_start", "%s 早于出生日期 %s", "%s is before the birth date %s",
					    iso, p->birth_date);
			else
				p->service_start = arena_strdup(a, iso);
		}
	}
	if (fields & PF_SPECIAL_GRADE && p->special_grade != 0 && p->special_grade != 1)
		field_error2(fe, "special_grade", "只能是“是”或“否”", "must be true or false");
	return fe->n > before ? -1 : 0;
}

int registry_school_check(struct school_rec *r, unsigned fields, bool creating,
			  struct arena *a, struct field_errors *fe)
{
	int before = fe->n;

	if (fields & SF_CODE || creating) {
		const char *v = r->code;

		check_school_code(&v, true, a, fe);
		r->code = v;
	}
	if (fields & SF_NAME || creating)
		check_text(&r->name, "name", 128, true, a, fe);
	if (fields & SF_DISTRICT || creating) {
		/* a code, or the district's name: resolved against regions on save */
		check_text(&r->district_code, "district_code", 32, true, a, fe);
	}
	if (fields & SF_STAGE || creating)
		check_word(&r->stage, VOCAB_STAGE, NULL, true, a, fe);
	if (fields & SF_OWNERSHIP || creating)
		check_word(&r->ownership, VOCAB_OWNERSHIP, NULL, true, a, fe);
	if (fields & SF_STATUS || creating) {
		r->status = trimmed(a, r->status);
		if (!r->status || !*r->status)
			r->status = "open";
		else if (!strcmp(r->status, "open") || !strcmp(r->status, "开办") ||
			 !strcmp(r->status, "正常"))
			r->status = "open";
		else if (!strcmp(r->status, "closed") || !strcmp(r->status, "撤销") ||
			 !strcmp(r->status, "停办"))
			r->status = "closed";
		else
			field_error2(fe, "status", "“%s”不是可选的值，可选：开办、撤销",
				     "\"%s\" is not a known value; use open or closed", r->status);
	}
	return fe->n > before ? -1 : 0;
}

/* ---- writing ---- */

static const char SQL_SCHOOL_FACTS[] =
	"SELECT id, district_code, stage, ownership FROM schools WHERE code = ?";
static const char SQL_CENTRE_ID[] = "SELECT id, region_code FROM centres WHERE code = ?";
static const char SQL_PERSON_CURRENT[] =
	"SELECT p.id, p.name, p.phone, s.code, c.code, p.role, p.subject, p.title, p.education,"
	" p.key_level, p.service_start, p.status, p.special_grade, s.district_code, s.stage,"
	" s.ownership"
	" FROM persons p LEFT JOIN schools s ON s.id = p.school_id"
	" LEFT JOIN centres c ON c.id = p.centre_id WHERE p.id_number = ?";
static const char SQL_PERSON_INSERT[] =
	"INSERT INTO persons (id_number, name, gender, birth_date, phone, school_id, centre_id,"
	" role, subject, title, education, key_level, special_grade, service_start, status)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PERSON_UPDATE[] =
	"UPDATE persons SET name = ?, phone = ?, school_id = ?, centre_id = ?, role = ?,"
	" subject = ?, title = ?, education = ?, key_level = ?, service_start = ?, status = ?,"
	" special_grade = ? WHERE id = ?";
static const char SQL_PERSON_HISTORY_ADD[] =
	"INSERT INTO person_history (person_id, at, field, old_value, new_value, actor, source)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)";

static int history_add(struct store *s, const char *sql, int64_t id,
		       const struct change_source *src, const char *field, const char *old_value,
		       const char *new_value)
{
	struct stmt *st;

	if (store_prepare(s, sql, &st) < 0)
		return -1;
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, src->now);
	stmt_bind_text(st, 3, field);
	stmt_bind_text(st, 4, old_value);
	stmt_bind_text(st, 5, new_value);
	stmt_bind_text(st, 6, src->who && src->who->name ? src->who->name : "unknown");
	stmt_bind_text(st, 7, src->source ? src->source : "");
	return stmt_run(st) < 0 ? -1 : 0;
}

static bool same(const char *a, const char *b)
{
	if (!a || !*a)
		return !b || !*b;
	return b && !strcmp(a, b);
}

/* Looks up a school's id and facts; a field error when unknown or out of scope. */
static int school_for_person(struct store *s, const struct registry_scope *sc, const char *code,
			     int64_t *id, struct field_errors *fe)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_SCHOOL_FACTS, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		if (!registry_scope_covers_school(sc, code, stmt_text(st, 1), stmt_text(st, 2),
						  stmt_text(st, 3))) {
			field_error2(fe, "school_code", "学校 %s 不在您的管理范围内",
				     "school %s is outside your scope", code);
			rc = -1;
		} else {
			rc = 0;
		}
	} else if (rc == STORE_DONE) {
		field_error2(fe, "school_code", "没有标识码为 %s 的学校：请先导入该校",
			     "no school has the code %s; import the school first",
			    code);
		rc = -1;
	}
	stmt_done(st);
	return rc;
}

static int centre_for_person(struct store *s, const struct registry_scope *sc, const char *code,
			     int64_t *id, struct field_errors *fe)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_CENTRE_ID, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		/* a centre's own staff: its own admin, or the whole city */
		if (sc && (sc->nothing || sc->person_id || sc->school_code ||
			   (sc->centre_code && strcmp(sc->centre_code, code)) ||
			   (!sc->centre_code && sc->domain))) {
			field_error2(fe, "centre_code", "中心 %s 不在您的管理范围内",
				     "centre %s is outside your scope", code);
			rc = -1;
		} else {
			rc = 0;
		}
	} else if (rc == STORE_DONE) {
		field_error2(fe, "centre_code", "没有代码为 %s 的中心", "no centre has the code %s", code);
		rc = -1;
	}
	stmt_done(st);
	return rc;
}

struct person_now {
	int64_t id;
	char *name, *phone, *school, *centre, *role, *subject, *title, *education, *key_level,
		*service_start, *status, *district, *stage, *ownership;
	int special_grade;
};

static char *dup_col(struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? NULL : strdup(stmt_text(st, col));
}

static void person_now_free(struct person_now *o)
{
	free(o->name); free(o->phone); free(o->school); free(o->centre); free(o->role);
	free(o->subject); free(o->title); free(o->education); free(o->key_level);
	free(o->service_start); free(o->status); free(o->district); free(o->stage);
	free(o->ownership);
}

static int person_now_read(struct store *s, const char *id_number, struct person_now *o)
{
	struct stmt *st;
	int rc;

	memset(o, 0, sizeof *o);
	if (store_prepare(s, SQL_PERSON_CURRENT, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, id_number);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		o->id = stmt_int(st, 0);
		o->name = dup_col(st, 1);
		o->phone = dup_col(st, 2);
		o->school = dup_col(st, 3);
		o->centre = dup_col(st, 4);
		o->role = dup_col(st, 5);
		o->subject = dup_col(st, 6);
		o->title = dup_col(st, 7);
		o->education = dup_col(st, 8);
		o->key_level = dup_col(st, 9);
		o->service_start = dup_col(st, 10);
		o->status = dup_col(st, 11);
		o->special_grade = (int)stmt_int(st, 12);
		o->district = dup_col(st, 13);
		o->stage = dup_col(st, 14);
		o->ownership = dup_col(st, 15);
	}
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

/* One field of an update: the new value when the field is given, else the
 * old; a history row when it differs. */
struct change {
	const char *field;
	const char *old_value, *new_value;
};

int registry_person_save(struct store *s, const struct registry_scope *sc,
			 const struct change_source *src, const struct person_rec *p,
			 unsigned fields, struct field_errors *fe, enum save_result *res,
			 int64_t *id)
{
	struct person_now o;
	int64_t school_id = 0, centre_id = 0;
	struct stmt *st;
	int rc;

	*res = SAVE_UNCHANGED;
	rc = person_now_read(s, p->id_number, &o);
	if (rc < 0 && rc != STORE_ENOTFOUND)
		return rc;
	if (rc == 0 && sc &&
	    (o.school ? !registry_scope_covers_school(sc, o.school, o.district, o.stage, o.ownership)
		      : (sc->person_id != o.id && (sc->school_code || sc->nothing || sc->person_id ||
						   (sc->centre_code && !same(sc->centre_code, o.centre)))))) {
		/* someone else's person: say no without saying more */
		field_error2(fe, "id_number", "此人不在您的管理范围内", "this person is outside your scope");
		rc = -1;
		goto out;
	}
	if (rc == STORE_ENOTFOUND) {
		/* a new person: everything the record needs */
		if (p->school_code && (rc = school_for_person(s, sc, p->school_code, &school_id, fe)) < 0)
			goto out;
		if (p->centre_code && (rc = centre_for_person(s, sc, p->centre_code, &centre_id, fe)) < 0)
			goto out;
		if (!p->name || !p->education) {
			field_error2(fe, !p->name ? "name" : "education", "新增人员时必填",
				     "is needed for a new person");
			rc = -1;
			goto out;
		}
		if (!school_id && !centre_id) {
			field_error2(fe, "school_code", "不能为空：人员须属于一所学校或一个中心",
			     "is empty; a person belongs to a school or a centre");
			rc = -1;
			goto out;
		}
		*res = SAVE_INSERTED;
		*id = 0;
		if (src->dry_run) {
			rc = 0;
			goto out;
		}
		if ((rc = store_prepare(s, SQL_PERSON_INSERT, &st)) < 0)
			goto out;
		stmt_bind_text(st, 1, p->id_number);
		stmt_bind_text(st, 2, p->name);
		stmt_bind_text(st, 3, p->gender);
		stmt_bind_text(st, 4, p->birth_date);
		stmt_bind_text(st, 5, p->phone);
		if (school_id)
			stmt_bind_int(st, 6, school_id);
		if (centre_id)
			stmt_bind_int(st, 7, centre_id);
		stmt_bind_text(st, 8, p->role ? p->role : "teacher");
		stmt_bind_text(st, 9, p->subject);
		stmt_bind_text(st, 10, p->title ? p->title : "none");
		stmt_bind_text(st, 11, p->education);
		stmt_bind_text(st, 12, p->key_level ? p->key_level : "none");
		stmt_bind_int(st, 13, p->special_grade ? 1 : 0);
		stmt_bind_text(st, 14, p->service_start);
		stmt_bind_text(st, 15, p->status ? p->status : "serving");
		if ((rc = stmt_run(st)) < 0)
			goto out;
		*id = store_last_insert_id(s);
		rc = history_add(s, SQL_PERSON_HISTORY_ADD, *id, src, "created", NULL,
				 p->school_code ? p->school_code : p->centre_code);
		*res = SAVE_INSERTED;
		goto out;
	}

	*id = o.id;
	{
		/* the new row: given fields replace, others stay */
#define PICK(flag, newv, oldv) ((fields & (flag)) ? (newv) : (oldv))
		const char *school = PICK(PF_SCHOOL, p->school_code, o.school);
		const char *centre = PICK(PF_CENTRE, p->centre_code, o.centre);
		/* education cannot be emptied: an empty cell keeps it */
		const char *education = (fields & PF_EDUCATION) && p->education ? p->education : o.education;
		int special = PICK(PF_SPECIAL_GRADE, p->special_grade, o.special_grade);
		struct change ch[] = {
			{ "name", o.name, PICK(PF_NAME, p->name, o.name) },
			{ "phone", o.phone, PICK(PF_PHONE, p->phone, o.phone) },
			{ "school", o.school, school },
			{ "centre", o.centre, centre },
			{ "role", o.role, PICK(PF_ROLE, p->role, o.role) },
			{ "subject", o.subject, PICK(PF_SUBJECT, p->subject, o.subject) },
			{ "title", o.title, PICK(PF_TITLE, p->title ? p->title : "none", o.title) },
			{ "education", o.education, education },
			{ "key_level", o.key_level,
			  PICK(PF_KEY_LEVEL, p->key_level ? p->key_level : "none", o.key_level) },
			{ "service_start", o.service_start,
			  PICK(PF_SERVICE_START, p->service_start, o.service_start) },
			{ "status", o.status, PICK(PF_STATUS, p->status ? p->status : "serving", o.status) },
			{ "special_grade", o.special_grade ? "1" : "0", special ? "1" : "0" },
		};
#undef PICK
		int changed = 0;

		for (size_t i = 0; i < sizeof ch / sizeof ch[0]; i++)
			changed += !same(ch[i].old_value, ch[i].new_value);
		if (!changed) {
			rc = 0;
			goto out;
		}
		if (!school && !centre) {
			field_error2(fe, "school_code", "不能为空：人员须属于一所学校或一个中心",
			     "is empty; a person belongs to a school or a centre");
			rc = -1;
			goto out;
		}
		if (school && !same(school, o.school) &&
		    (rc = school_for_person(s, sc, school, &school_id, fe)) < 0)
			goto out;
		if (school && same(school, o.school) &&
		    (rc = school_for_person(s, NULL, school, &school_id, fe)) < 0)
			goto out;
		if (centre && (rc = centre_for_person(s, same(centre, o.centre) ? NULL : sc, centre,
						      &centre_id, fe)) < 0)
			goto out;
		if (src->dry_run) {
			*res = SAVE_UPDATED;
			rc = 0;
			goto out;
		}
		if ((rc = store_prepare(s, SQL_PERSON_UPDATE, &st)) < 0)
			goto out;
		stmt_bind_text(st, 1, ch[0].new_value);
		stmt_bind_text(st, 2, ch[1].new_value);
		if (school_id)
			stmt_bind_int(st, 3, school_id);
		if (centre_id)
			stmt_bind_int(st, 4, centre_id);
		stmt_bind_text(st, 5, ch[4].new_value);
		stmt_bind_text(st, 6, ch[5].new_value);
		stmt_bind_text(st, 7, ch[6].new_value);
		stmt_bind_text(st, 8, ch[7].new_value);
		stmt_bind_text(st, 9, ch[8].new_value);
		stmt_bind_text(st, 10, ch[9].new_value);
		stmt_bind_text(st, 11, ch[10].new_value);
		stmt_bind_int(st, 12, special);
		stmt_bind_int(st, 13, o.id);
		if ((rc = stmt_run(st)) < 0)
			goto out;
		for (size_t i = 0; i < sizeof ch / sizeof ch[0]; i++)
			if (!same(ch[i].old_value, ch[i].new_value) &&
			    (rc = history_add(s, SQL_PERSON_HISTORY_ADD, o.id, src, ch[i].field,
					      ch[i].old_value, ch[i].new_value)) < 0)
				goto out;
		*res = SAVE_UPDATED;
		rc = 0;
	}
out:
	person_now_free(&o);
	return rc;
}

static bool has_error(const struct field_errors *fe, const char *field)
{
	for (int i = 0; i < fe->n; i++)
		if (!strcmp(fe->e[i].field, field))
			return true;
	return false;
}

int registry_person_check_refs(struct store *s, const struct registry_scope *sc,
			       const struct person_rec *p, unsigned fields, struct field_errors *fe)
{
	int64_t id;
	int rc = 0, before = fe->n;

	if ((fields & PF_SCHOOL) && p->school_code && all_digits(p->school_code, 10) &&
	    !has_error(fe, "school_code"))
		rc = school_for_person(s, sc, p->school_code, &id, fe);
	if (rc >= -1 && (fields & PF_CENTRE) && p->centre_code && *p->centre_code &&
	    !has_error(fe, "centre_code"))
		rc = centre_for_person(s, sc, p->centre_code, &id, fe);
	return rc < -1 ? rc : fe->n > before ? -1 : 0;
}

static const char SQL_REGION_BY_CODE[] =
	"SELECT code FROM regions WHERE code = ? AND level = 'district'";
static const char SQL_REGION_BY_NAME[] =
	"SELECT code FROM regions WHERE level = 'district' AND (name = ? OR name = ? || '区'"
	" OR name = ? || '县' OR name = ? || '市')";
static const char SQL_SCHOOL_CURRENT[] =
	"SELECT id, name, district_code, stage, ownership, status FROM schools WHERE code = ?";
static const char SQL_SCHOOL_INSERT[] =
	"INSERT INTO schools (code, name, district_code, stage, ownership, status)"
	" VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_SCHOOL_UPDATE[] =
	"UPDATE schools SET name = ?, district_code = ?, stage = ?, ownership = ?, status = ?"
	" WHERE id = ?";
static const char SQL_SCHOOL_HISTORY_ADD[] =
	"INSERT INTO school_history (school_id, at, field, old_value, new_value, actor, source)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)";

/* A district written as its six-digit code or its name (天河区, 天河). */
static int resolve_district(struct store *s, const char *text, char out[7], struct field_errors *fe)
{
	struct stmt *st;
	int rc;
	bool code = all_digits(text, 6);

	if (store_prepare(s, code ? SQL_REGION_BY_CODE : SQL_REGION_BY_NAME, &st) < 0)
		return STORE_ERROR;
	for (int i = 1; i <= (code ? 1 : 4); i++)
		stmt_bind_text(st, i, text);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		snprintf(out, 7, "%s", stmt_text(st, 0));
	stmt_done(st);
	if (rc == STORE_DONE) {
		field_error2(fe, "district_code", "“%s”不是本市的区县",
			     "\"%s\" is not a district of this city", text);
		return -1;
	}
	return rc == STORE_ROW ? 0 : rc;
}

int registry_school_check_refs(struct store *s, const struct school_rec *r, unsigned fields,
			       struct field_errors *fe)
{
	char district[7];
	int before = fe->n, rc = 0;

	if ((fields & SF_DISTRICT) && r->district_code && *r->district_code &&
	    !has_error(fe, "district_code"))
		rc = resolve_district(s, r->district_code, district, fe);
	return rc < -1 ? rc : fe->n > before ? -1 : 0;
}

int registry_school_save(struct store *s, const struct registry_scope *sc,
			 const struct change_source *src, const struct school_rec *r,
			 unsigned fields, struct field_errors *fe, enum save_result *res,
			 int64_t *id)
{
	struct stmt *st;
	char district[7] = "", old_district[7] = "";
	char *old_name = NULL, *old_stage = NULL, *old_own = NULL, *old_status = NULL;
	int rc;

	*res = SAVE_UNCHANGED;
	if ((fields & SF_DISTRICT) && r->district_code &&
	    (rc = resolve_district(s, r->district_code, district, fe)) < 0)
		return rc;
	if (store_prepare(s, SQL_SCHOOL_CURRENT, &st) < 0)
		return STORE_ERROR;
	stmt_bind_text(st, 1, r->code);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		old_name = strdup(stmt_text(st, 1));
		snprintf(old_district, sizeof old_district, "%s", stmt_text(st, 2));
		old_stage = strdup(stmt_text(st, 3));
		old_own = strdup(stmt_text(st, 4));
		old_status = strdup(stmt_text(st, 5));
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	if (rc == STORE_DONE) {
		if (!registry_scope_covers_school(sc, r->code, district, r->stage, r->ownership) ||
		    (sc && sc->school_code)) {
			field_error2(fe, "school_code", "学校 %s 将不在您的管理范围内",
				     "school %s would be outside your scope", r->code);
			return -1;
		}
		if (src->dry_run) {
			*id = 0;
			*res = SAVE_INSERTED;
			return 0;
		}
		if (store_prepare(s, SQL_SCHOOL_INSERT, &st) < 0)
			return STORE_ERROR;
		stmt_bind_text(st, 1, r->code);
		stmt_bind_text(st, 2, r->name);
		stmt_bind_text(st, 3, district);
		stmt_bind_text(st, 4, r->stage);
		stmt_bind_text(st, 5, r->ownership);
		stmt_bind_text(st, 6, r->status ? r->status : "open");
		if ((rc = stmt_run(st)) < 0)
			return rc;
		*id = store_last_insert_id(s);
		*res = SAVE_INSERTED;
		return history_add(s, SQL_SCHOOL_HISTORY_ADD, *id, src, "created", NULL, r->name);
	}

	{
#define PICK(flag, newv, oldv) ((fields & (flag)) && (newv) ? (newv) : (oldv))
		const char *new_district = district[0] ? district : NULL;
		struct change ch[] = {
			{ "name", old_name, PICK(SF_NAME, r->name, old_name) },
			{ "district", old_district, PICK(SF_DISTRICT, new_district, old_district) },
			{ "stage", old_stage, PICK(SF_STAGE, r->stage, old_stage) },
			{ "ownership", old_own, PICK(SF_OWNERSHIP, r->ownership, old_own) },
			{ "status", old_status, PICK(SF_STATUS, r->status, old_status) },
		};
#undef PICK
		int changed = 0;

		rc = 0;
		for (size_t i = 0; i < sizeof ch / sizeof ch[0]; i++)
			changed += !same(ch[i].old_value, ch[i].new_value);
		if (!changed)
			goto out;
		/* what places a school under a centre (000 art. 7) is the centres'
		 * to change, not the school's own admin */
		if (sc && sc->school_code &&
		    (!same(ch[1].old_value, ch[1].new_value) || !same(ch[2].old_value, ch[2].new_value) ||
		     !same(ch[3].old_value, ch[3].new_value))) {
			field_error2(fe, !same(ch[1].old_value, ch[1].new_value) ? "district_code" :
					 !same(ch[2].old_value, ch[2].new_value) ? "stage" : "ownership",
				     "学校的区县、学段和办学性质只能由教师发展中心修改",
				     "only a centre can change a school's district, stage or ownership");
			rc = -1;
			goto out;
		}
		/* both where it is and where it goes must be the caller's */
		if (!registry_scope_covers_school(sc, r->code, old_district, old_stage, old_own)) {
			field_error2(fe, "school_code", "学校 %s 不在您的管理范围内",
				     "school %s is outside your scope", r->code);
			rc = -1;
			goto out;
		}
		if (!registry_scope_covers_school(sc, r->code, ch[1].new_value, ch[2].new_value,
						  ch[3].new_value)) {
			field_error2(fe, !same(ch[1].old_value, ch[1].new_value) ? "district_code" :
					 !same(ch[2].old_value, ch[2].new_value) ? "stage" : "ownership",
				     "这样修改后学校 %s 将不在您的管理范围内",
				     "the change would put school %s outside your scope", r->code);
			rc = -1;
			goto out;
		}
		if (src->dry_run) {
			*res = SAVE_UPDATED;
			goto out;
		}
		if ((rc = store_prepare(s, SQL_SCHOOL_UPDATE, &st)) < 0)
			goto out;
		for (int i = 0; i < 5; i++)
			stmt_bind_text(st, i + 1, ch[i].new_value);
		stmt_bind_int(st, 6, *id);
		if ((rc = stmt_run(st)) < 0)
			goto out;
		for (size_t i = 0; i < sizeof ch / sizeof ch[0]; i++)
			if (!same(ch[i].old_value, ch[i].new_value) &&
			    (rc = history_add(s, SQL_SCHOOL_HISTORY_ADD, *id, src, ch[i].field,
					      ch[i].old_value, ch[i].new_value)) < 0)
				goto out;
		*res = SAVE_UPDATED;
	}
out:
	free(old_name);
	free(old_stage);
	free(old_own);
	free(old_status);
	return rc;
}

/* ---- bulk loads ---- */

static const char SQL_BULK_ON[] =
	"INSERT INTO settings (key, value) VALUES ('registry.bulk_import', '1')";
static const char SQL_BULK_OFF[] = "DELETE FROM settings WHERE key = 'registry.bulk_import'";
static const char SQL_MAX_PERSON[] = "SELECT coalesce(max(id), 0) FROM persons";
static const char SQL_FTS_NEW[] =
	"INSERT INTO persons_fts (rowid, name) SELECT id, name FROM persons WHERE id > ?";

int registry_bulk_begin(struct store *s, int64_t *max_id)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_MAX_PERSON, &st) < 0)
		return -1;
	rc = stmt_step(st);
	*max_id = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_done(st);
	if (rc != STORE_ROW || store_prepare(s, SQL_BULK_ON, &st) < 0)
		return -1;
	return stmt_run(st) < 0 ? -1 : 0;
}

int registry_bulk_end(struct store *s, int64_t max_id)
{
	struct stmt *st;

	if (store_prepare(s, SQL_BULK_OFF, &st) < 0 || stmt_run(st) < 0 ||
	    store_prepare(s, SQL_FTS_NEW, &st) < 0)
		return -1;
	stmt_bind_int(st, 1, max_id);
	return stmt_run(st) < 0 ? -1 : 0;
}
