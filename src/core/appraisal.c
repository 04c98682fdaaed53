/* appraisal.c - yearly appraisals and re-registration events (see appraisal.h). */
#include "core/appraisal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/vocab.h"
#include "lib/buf.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "lib/table_write.h"
#include "lib/utf8.h"
#include "store/store.h"

enum { NOTE_MAX = 500, YEAR_MIN = 1950 };

/* ---- SQL ---- */

static const char sql_appraisal_get[] =
	"SELECT result FROM appraisals WHERE person_id = ? AND year = ?";
static const char sql_appraisal_insert[] =
	"INSERT INTO appraisals (person_id, year, result, entered_by, entered_at)"
	" VALUES (?, ?, ?, ?, ?)";
static const char sql_appraisal_update[] =
	"UPDATE appraisals SET result = ?, entered_by = ?, entered_at = ?"
	" WHERE person_id = ? AND year = ?";
static const char sql_event_get[] =
	"SELECT coalesce(end_date, ''), note FROM person_events"
	" WHERE person_id = ? AND kind = ? AND start_date = ?";
static const char sql_event_insert[] =
	"INSERT INTO person_events (person_id, kind, start_date, end_date, note, entered_by,"
	" entered_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_event_update[] =
	"UPDATE person_events SET end_date = ?, note = ?, entered_by = ?, entered_at = ?"
	" WHERE person_id = ? AND kind = ? AND start_date = ?";
static const char sql_appraisal_list[] =
	"SELECT year, result, entered_by, entered_at FROM appraisals WHERE person_id = ?"
	" ORDER BY year DESC";
static const char sql_event_list[] =
	"SELECT id, kind, start_date, coalesce(end_date, ''), note, entered_by, entered_at"
	" FROM person_events WHERE person_id = ? ORDER BY start_date DESC, kind";

/* ---- the import's state ---- */

struct appraisal_import {
	struct store *s;
	const struct registry_scope *scope;
	struct change_source src;
	const char *today;
	bool audit_each;
	struct arena a;       /* one row's person record */
	/* keys seen in this file: the key's hash -> its line */
	struct { uint64_t key; long line; } *seen;
	size_t seen_cap, seen_n;
};

int appraisal_import_begin(struct store *s, const struct registry_scope *scope,
			   const struct change_source *src, const char *today, bool audit_each,
			   struct appraisal_import **out, struct err *e)
{
	struct appraisal_import *ai = calloc(1, sizeof *ai);

	*out = NULL;
	if (!ai) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	ai->s = s;
	ai->scope = scope;
	ai->src = *src;
	ai->today = today;
	ai->audit_each = audit_each;
	arena_init(&ai->a);
	*out = ai;
	return 0;
}

void appraisal_import_free(struct appraisal_import *ai)
{
	if (!ai)
		return;
	arena_release(&ai->a);
	free(ai->seen);
	free(ai);
}

static uint64_t hash_text(uint64_t h, const char *k)
{
	for (; k && *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL; /* a separator: "ab","c" differs from "a","bc" */
}

/* The line the key was first seen on, or 0 (and remembers it).  A 64-bit
 * hash stands for the key: two keys sharing one is not a worry at a
 * file's size. */
static long seen_add(struct appraisal_import *ai, uint64_t key, long line)
{
	size_t i;

	if (ai->seen_n * 2 >= ai->seen_cap) {
		size_t ncap = ai->seen_cap ? ai->seen_cap * 2 : 1024;
		__typeof__(ai->seen) n = calloc(ncap, sizeof *n);

		if (!n)
			return 0; /* lose the check rather than the import */
		for (size_t j = 0; j < ai->seen_cap; j++) {
			if (!ai->seen[j].line)
				continue;
			for (i = ai->seen[j].key & (ncap - 1); n[i].line; i = (i + 1) & (ncap - 1))
				;
			n[i] = ai->seen[j];
		}
		free(ai->seen);
		ai->seen = n;
		ai->seen_cap = ncap;
	}
	for (i = key & (ai->seen_cap - 1); ai->seen[i].line; i = (i + 1) & (ai->seen_cap - 1))
		if (ai->seen[i].key == key)
			return ai->seen[i].line;
	ai->seen[i].key = key;
	ai->seen[i].line = line;
	ai->seen_n++;
	return 0;
}

/* ---- checks shared by both kinds ---- */

static bool blank(const char *v)
{
	return !v || !*v;
}

static bool clean_text(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			return false;
	return true;
}

static void word_error(struct field_errors *fe, const char *field, enum vocab_kind k,
		       const char *v)
{
	struct buf b;

	buf_init(&b);
	for (const char *const *code = vocab_codes(k); *code; code++)
		buf_printf(&b, "%s%s", b.len ? ", " : "", vocab_label(k, *code));
	field_error2(fe, field, "“%s”不是可用的值，可用：%s",
		     "\"%s\" is not a known value; use one of %s", v, buf_cstr(&b));
	buf_free(&b);
}

static void check_id(struct appraisal_import *ai, const char *in, bool is_number,
		     char out[ID_NUMBER_LEN + 1], struct field_errors *fe)
{
	struct err e = { 0 };

	out[0] = '\0';
	if (blank(in))
		field_error2(fe, "id_number", "身份证号为空", "the ID number is empty");
	else if (is_number)
		field_error(fe, "id_number",
			    "the ID number %s was turned into a number by Excel and its last digits are "
			    "lost; format the column as text and type it again", in);
	else if (strchr(in, '*'))
		field_error(fe, "id_number", "the ID number is masked (%s); the import needs the "
			    "whole number", in);
	else if (idcard_parse(in, ai->today, out, &e) != IDCARD_OK) {
		field_error(fe, "id_number", "%s", e.message);
		out[0] = '\0';
	}
}

/* The person the number names, in scope: 0, -1 (fe), -2 database. */
static int find_person(struct appraisal_import *ai, const char *id_number, int64_t *person_id,
		       struct field_errors *fe)
{
	struct person_rec p;
	bool covered = true;
	int rc;

	arena_reset(&ai->a);
	rc = registry_person_get(ai->s, &ai->a, id_number, &p);
	if (rc < 0 && rc != STORE_ENOTFOUND)
		return -2;
	if (rc == 0 && ai->scope) {
		const struct registry_scope *sc = ai->scope;

		if (sc->nothing)
			covered = false;
		else if (sc->person_id)
			covered = sc->person_id == p.id;
		else if (p.school_code && *p.school_code)
			covered = registry_scope_covers_school(sc, p.school_code, p.district_code,
								p.stage, p.ownership);
		else
			covered = sc->centre_code && p.centre_code &&
				  !strcmp(sc->centre_code, p.centre_code);
	}
	if (rc != 0 || !covered) {
		char masked[ID_NUMBER_LEN + 1];

		/* outside the scope reads as unknown: whether a number is
		 * registered is itself personal (as the registry API) */
		idcard_mask(id_number, masked);
		field_error2(fe, "id_number", "没有身份证号为 %s 的人员，请先导入教师",
			     "no person with the ID number %s is registered; import the teachers first",
			     masked);
		return -1;
	}
	*person_id = p.id;
	return 0;
}

static int audit(struct appraisal_import *ai, const char *action, const char *id_number,
		 const char *detail)
{
	char masked[ID_NUMBER_LEN + 1], object[40];

	idcard_mask(id_number, masked);
	snprintf(object, sizeof object, "person:%s", masked);
	return audit_record(ai->s, ai->src.who, action, object, detail) < 0 ? -2 : 0;
}

static const char *author(const struct appraisal_import *ai)
{
	return ai->src.who && ai->src.who->name ? ai->src.who->name : "system";
}

/* ---- appraisals ---- */

/* "2024", "2024年", "2024.0" (a number cell) -> 2024; -1 otherwise. */
static int parse_year(const char *v)
{
	char *end;
	long y = strtol(v, &end, 10);

	if (end == v || end - v != 4)
		return -1;
	if (!strcmp(end, "年") || !strcmp(end, ".0") || !*end)
		return (int)y;
	return -1;
}

int appraisal_import_row(struct appraisal_import *ai, const struct appraisal_in *in,
			 struct field_errors *fe, enum save_result *saved)
{
	char id[ID_NUMBER_LEN + 1], detail[120];
	const char *result = NULL;
	int year = -1, this_year = atoi(ai->today), rc;
	int64_t person_id = 0;
	struct stmt *st;
	long first;

	*saved = SAVE_UNCHANGED;
	check_id(ai, in->id_number, in->id_is_number, id, fe);
	if (blank(in->year))
		field_error2(fe, "year", "年度为空", "the year is empty");
	else if ((year = parse_year(in->year)) < 0)
		field_error2(fe, "year", "年度“%s”不是四位年份，如 2024",
			     "the year \"%s\" is not a four-digit year such as 2024", in->year);
	else if (year > this_year)
		field_error2(fe, "year", "年度 %d 尚未到来", "the year %d is in the future", year);
	else if (year < YEAR_MIN)
		field_error2(fe, "year", "年度 %d 早于 %d 年", "the year %d is before %d", year,
			     YEAR_MIN);
	if (blank(in->result))
		field_error2(fe, "result", "结果为空", "the result is empty");
	else if (!(result = vocab_code(VOCAB_APPRAISAL, in->result)))
		word_error(fe, "result", VOCAB_APPRAISAL, in->result);
	if (fe->n)
		return -1;
	if ((rc = find_person(ai, id, &person_id, fe)) < 0)
		return rc;
	snprintf(detail, sizeof detail, "%d", year); /* "2024" and "2024年" are one year */
	if (in->line > 0 &&
	    (first = seen_add(ai, hash_text(hash_text(1469598103934665603ULL, id), detail),
			      in->line)) != 0) {
		field_error2(fe, "year", "同一人员同一年度也在第 %ld 行", "the same person and year "
			     "are also on line %ld", first);
		return -1;
	}
	if (store_prepare(ai->s, sql_appraisal_get, &st) != 0)
		return -2;
	if (stmt_bind_int(st, 1, person_id) || stmt_bind_int(st, 2, year)) {
		stmt_done(st);
		return -2;
	}
	rc = stmt_step(st);
	if (rc < 0) {
		stmt_done(st);
		return -2;
	}
	if (rc == STORE_ROW) {
		bool same = !strcmp(stmt_text(st, 0), result);

		snprintf(detail, sizeof detail, "%d: %s -> %s (%s)", year, stmt_text(st, 0), result,
			 ai->src.source);
		stmt_done(st);
		if (same)
			return 0;
		*saved = SAVE_UPDATED;
		if (ai->src.dry_run)
			return 0;
		if (store_prepare(ai->s, sql_appraisal_update, &st) != 0 ||
		    stmt_bind_text(st, 1, result) || stmt_bind_text(st, 2, author(ai)) ||
		    stmt_bind_text(st, 3, ai->src.now) || stmt_bind_int(st, 4, person_id) ||
		    stmt_bind_int(st, 5, year) || stmt_run(st) != 0)
			return -2;
		return audit(ai, "appraisal.update", id, detail);
	}
	stmt_done(st);
	*saved = SAVE_INSERTED;
	if (ai->src.dry_run)
		return 0;
	if (store_prepare(ai->s, sql_appraisal_insert, &st) != 0 ||
	    stmt_bind_int(st, 1, person_id) || stmt_bind_int(st, 2, year) ||
	    stmt_bind_text(st, 3, result) || stmt_bind_text(st, 4, author(ai)) ||
	    stmt_bind_text(st, 5, ai->src.now) || stmt_run(st) != 0)
		return -2;
	if (!ai->audit_each)
		return 0;
	snprintf(detail, sizeof detail, "%d: %s (%s)", year, result, ai->src.source);
	return audit(ai, "appraisal.create", id, detail);
}

/* ---- events ---- */

static bool has_end(const char *kind)
{
	/* a suspension and approved leave last from one day to another; an
	 * ethics violation and a revocation happen on a day (教师〔2013〕9号) */
	return !strcmp(kind, "suspension") || !strcmp(kind, "approved_leave");
}

int event_import_row(struct appraisal_import *ai, const struct event_in *in,
		     struct field_errors *fe, enum save_result *saved)
{
	char id[ID_NUMBER_LEN + 1], start[DATE_LEN + 1] = "", end[DATE_LEN + 1] = "";
	const char *kind = NULL, *note = blank(in->note) ? "" : in->note;
	struct err e = { 0 };
	struct stmt *st;
	int64_t person_id = 0;
	long first;
	int rc;

	*saved = SAVE_UNCHANGED;
	check_id(ai, in->id_number, in->id_is_number, id, fe);
	if (blank(in->kind))
		field_error2(fe, "kind", "类型为空", "the kind is empty");
	else if (!(kind = vocab_code(VOCAB_EVENT, in->kind)))
		word_error(fe, "kind", VOCAB_EVENT, in->kind);
	if (blank(in->start))
		field_error2(fe, "start", "开始日期为空", "the start date is empty");
	else if (date_parse(in->start, start, &e) < 0)
		field_error(fe, "start", "%s", e.message);
	else if (strcmp(start, ai->today) > 0)
		field_error2(fe, "start", "开始日期 %s 晚于今天", "the start date %s is in the future",
			     start);
	err_clear(&e);
	if (!blank(in->end) && date_parse(in->end, end, &e) < 0) {
		field_error(fe, "end", "%s", e.message);
		end[0] = '\0';
	} else if (kind && has_end(kind) && blank(in->end)) {
		field_error2(fe, "end", "%s需要结束日期（含当天）", "%s needs an end date (inclusive)",
			     vocab_label(VOCAB_EVENT, kind));
	} else if (kind && !has_end(kind) && !blank(in->end)) {
		field_error2(fe, "end", "%s没有结束日期，请留空", "%s has no end date: leave it empty",
			     vocab_label(VOCAB_EVENT, kind));
	} else if (*end && *start && strcmp(end, start) < 0) {
		field_error2(fe, "end", "结束日期 %s 早于开始日期 %s",
			     "the end date %s is before the start date %s", end, start);
	}
	if (utf8_chars(note) > NOTE_MAX || !clean_text(note))
		field_error2(fe, "note", "说明最多 %d 个字，且不含控制字符",
			     "the note has at most %d characters and no control characters", NOTE_MAX);
	if (fe->n)
		return -1;
	if ((rc = find_person(ai, id, &person_id, fe)) < 0)
		return rc;
	if (in->line > 0 &&
	    (first = seen_add(ai, hash_text(hash_text(hash_text(2166136261ULL, id), kind), start),
			      in->line)) != 0) {
		field_error2(fe, "start", "同一人员同一类型同一开始日期也在第 %ld 行",
			     "the same person, kind and start date are also on line %ld", first);
		return -1;
	}
	if (store_prepare(ai->s, sql_event_get, &st) != 0)
		return -2;
	if (stmt_bind_int(st, 1, person_id) || stmt_bind_text(st, 2, kind) ||
	    stmt_bind_text(st, 3, start)) {
		stmt_done(st);
		return -2;
	}
	rc = stmt_step(st);
	if (rc < 0) {
		stmt_done(st);
		return -2;
	}
	if (rc == STORE_ROW) {
		bool same = !strcmp(stmt_text(st, 0), end) && !strcmp(stmt_text(st, 1), note);
		char detail[160];

		snprintf(detail, sizeof detail, "%s %s: end %s -> %s (%s)", kind, start,
			 *stmt_text(st, 0) ? stmt_text(st, 0) : "-", *end ? end : "-",
			 ai->src.source);
		stmt_done(st);
		if (same)
			return 0;
		*saved = SAVE_UPDATED;
		if (ai->src.dry_run)
			return 0;
		if (store_prepare(ai->s, sql_event_update, &st) != 0 ||
		    stmt_bind_text(st, 1, *end ? end : NULL) || stmt_bind_text(st, 2, note) ||
		    stmt_bind_text(st, 3, author(ai)) || stmt_bind_text(st, 4, ai->src.now) ||
		    stmt_bind_int(st, 5, person_id) || stmt_bind_text(st, 6, kind) ||
		    stmt_bind_text(st, 7, start) || stmt_run(st) != 0)
			return -2;
		return audit(ai, "event.update", id, detail);
	}
	stmt_done(st);
	*saved = SAVE_INSERTED;
	if (ai->src.dry_run)
		return 0;
	if (store_prepare(ai->s, sql_event_insert, &st) != 0 || stmt_bind_int(st, 1, person_id) ||
	    stmt_bind_text(st, 2, kind) || stmt_bind_text(st, 3, start) ||
	    stmt_bind_text(st, 4, *end ? end : NULL) || stmt_bind_text(st, 5, note) ||
	    stmt_bind_text(st, 6, author(ai)) || stmt_bind_text(st, 7, ai->src.now) ||
	    stmt_run(st) != 0)
		return -2;
	if (!ai->audit_each)
		return 0;
	{
		char detail[160];

		snprintf(detail, sizeof detail, "%s %s..%s (%s)", kind, start, *end ? end : "-",
			 ai->src.source);
		return audit(ai, "event.create", id, detail);
	}
}

/* ---- the demo ---- */

/* h is a fixed spread of 0..999 per person and year: 0.4 % 不合格 (two in
 * a row now and then: refused), 2.1 % 基本合格, 1.5 % nothing on record,
 * 0.5 % 不确定档次, 20.5 % 优秀, the rest 合格. */
static const char sql_demo_appraisals[] =
	"WITH RECURSIVE years(year) AS (SELECT ? UNION ALL SELECT year + 1 FROM years WHERE year < ?)"
	" INSERT INTO appraisals (person_id, year, result, entered_by, entered_at)"
	" SELECT id, year, CASE WHEN h < 4 THEN 'unqualified' WHEN h < 25 THEN 'basic'"
	"  WHEN h < 45 THEN 'none' WHEN h < 250 THEN 'excellent' ELSE 'qualified' END, 'demo', ?"
	" FROM (SELECT p.id, y.year, (p.id * 7919 + y.year * 104729) % 1000 AS h,"
	"  p.service_start FROM persons p, years y) x"
	" WHERE (h < 25 OR h >= 40) AND (service_start IS NULL OR service_start <= year || '-01-01')";
/* ethics for one in 5000, a suspension of 212 days (over the 180-day
 * limit) for one in 1500, half a year's maternity leave for one in 1000 */
static const char sql_demo_events[] =
	"INSERT INTO person_events (person_id, kind, start_date, end_date, note, entered_by, entered_at)"
	" SELECT id, 'ethics', ? || '-05-04', NULL, '有偿补课', 'demo', ? FROM persons WHERE id % 4999 = 7"
	" UNION ALL SELECT id, 'suspension', ? || '-09-01', ? || '-03-31', '停课调查', 'demo', ?"
	"  FROM persons WHERE id % 1499 = 3"
	" UNION ALL SELECT id, 'approved_leave', ? || '-03-01', ? || '-08-31', '产假', 'demo', ?"
	"  FROM persons WHERE id % 997 = 5";

int appraisal_demo_create(struct store *s, int first, int last, const char *now)
{
	struct stmt *st;
	char y1[16], y2[16];

	snprintf(y1, sizeof y1, "%d", first + 1);
	snprintf(y2, sizeof y2, "%d", first + 2);
	if (store_prepare(s, sql_demo_appraisals, &st) != 0 || stmt_bind_int(st, 1, first) ||
	    stmt_bind_int(st, 2, last) || stmt_bind_text(st, 3, now) || stmt_run(st) != 0)
		return -1;
	if (store_prepare(s, sql_demo_events, &st) != 0 || stmt_bind_text(st, 1, y2) ||
	    stmt_bind_text(st, 2, now) || stmt_bind_text(st, 3, y1) || stmt_bind_text(st, 4, y2) ||
	    stmt_bind_text(st, 5, now) || stmt_bind_text(st, 6, y2) || stmt_bind_text(st, 7, y2) ||
	    stmt_bind_text(st, 8, now) || stmt_run(st) != 0)
		return -1;
	return 0;
}

/* ---- the import templates ---- */

int appraisal_template(bool events, const char *path, struct err *e)
{
	static const struct table_column appraisal_cols[] = {
		{ "身份证号", 22, true, "18 位居民身份证号；单元格设为文本，以免 Excel 吃掉末位" },
		{ "年度", 8, true, "考核年度，如 2025；不能晚于今年" },
		{ "结果", 12, true, "优秀、合格、基本合格、不合格或不确定档次" },
	};
	static const struct table_column event_cols[] = {
		{ "身份证号", 22, true, "18 位居民身份证号；单元格设为文本，以免 Excel 吃掉末位" },
		{ "类型", 12, true, "师德违规、中止教学、批准离岗（学习、培训、病假、产假）或撤销资格" },
		{ "开始日期", 12, true, "如 2024-09-01；同一人同一类型同一开始日期再次导入即更正" },
		{ "结束日期", 12, true, "含当天；中止教学和批准离岗必填，师德违规和撤销资格留空" },
		{ "说明", 36, true, NULL },
	};
	static const char *const appraisal_example[] = { "440106198507150027", "2025", "合格" };
	static const char *const event_example[] = {
		"440106198507150027", "批准离岗", "2024-03-01", "2024-08-31", "产假",
	};
	enum vocab_kind k = events ? VOCAB_EVENT : VOCAB_APPRAISAL;
	const char *values[8];
	struct table_target to = { .path = path };
	struct table_options o = {
		.format = TABLE_XLSX, .sheet = events ? "事件" : "年度考核",
		.columns = events ? event_cols : appraisal_cols,
		.ncolumns = events ? 5 : 3, .in_memory = true,
	};
	struct table_writer *w;
	int n = 0;

	for (const char *const *c = vocab_codes(k); *c && n < 7; c++)
		values[n++] = vocab_label(k, *c);
	values[n] = NULL;
	if (table_write_open(&to, &o, &w, e) < 0)
		return -1;
	if (table_write_row(w, events ? event_example : appraisal_example, e) < 0 ||
	    table_write_list(w, events ? 1 : 2, 1, 10000, values, NULL, NULL, e) < 0) {
		table_write_abort(w);
		return -1;
	}
	return table_write_close(w, e);
}

/* ---- reading ---- */

int appraisal_list(struct store *s, struct arena *a, int64_t person_id,
		   struct appraisal_rec **rows, int *n)
{
	struct appraisal_rec *out = arena_alloc(a, sizeof *out * 8);
	struct stmt *st;
	int rc, cap = 8;

	*rows = NULL;
	*n = 0;
	if (!out)
		return STORE_ERROR;
	if ((rc = store_prepare(s, sql_appraisal_list, &st)) != 0)
		return rc;
	if ((rc = stmt_bind_int(st, 1, person_id)) != 0)
		return rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap && arena_grow(a, &out, &cap, sizeof *out) < 0) {
			stmt_done(st);
			return STORE_ERROR;
		}
		out[*n] = (struct appraisal_rec){
			.year = (int)stmt_int(st, 0), .result = arena_strdup(a, stmt_text(st, 1)),
			.entered_by = arena_strdup(a, stmt_text(st, 2)),
			.entered_at = arena_strdup(a, stmt_text(st, 3)),
		};
		(*n)++;
	}
	stmt_done(st);
	*rows = out;
	return rc < 0 ? rc : 0;
}

int event_list(struct store *s, struct arena *a, int64_t person_id, struct event_rec **rows,
	       int *n)
{
	struct event_rec *out = arena_alloc(a, sizeof *out * 8);
	struct stmt *st;
	int rc, cap = 8;

	*rows = NULL;
	*n = 0;
	if (!out)
		return STORE_ERROR;
	if ((rc = store_prepare(s, sql_event_list, &st)) != 0)
		return rc;
	if ((rc = stmt_bind_int(st, 1, person_id)) != 0)
		return rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap && arena_grow(a, &out, &cap, sizeof *out) < 0) {
			stmt_done(st);
			return STORE_ERROR;
		}
		out[*n] = (struct event_rec){
			.id = stmt_int(st, 0), .kind = arena_strdup(a, stmt_text(st, 1)),
			.start = arena_strdup(a, stmt_text(st, 2)), .end = arena_strdup(a, stmt_text(st, 3)),
			.note = arena_strdup(a, stmt_text(st, 4)),
			.entered_by = arena_strdup(a, stmt_text(st, 5)),
			.entered_at = arena_strdup(a, stmt_text(st, 6)),
		};
		(*n)++;
	}
	stmt_done(st);
	*rows = out;
	return rc < 0 ? rc : 0;
}
