/* credits.c - hours records from a file into the ledger (see credits.h). */
#include "core/credits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hours.h"
#include "core/registry.h"
#include "core/vocab.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "lib/utf8.h"
#include "store/store.h"

enum {
	BATCH = 64,           /* rows per INSERT: see flush() */
	RECORD_ID_MAX = 64,   /* bytes of a record number */
	TITLE_MAX = 200,      /* characters of a title or an issuer */
	BULK_ROWS = 50000,    /* below this, the row-by-row path is fast enough */
	BYTES_PER_ROW = 90,   /* a credits row in CSV: ID, date, hours, words, number */
};

/* A checked row waiting for its INSERT, with copies of its text. */
struct pending {
	int64_t person_id;
	int32_t hours10;
	const char *category, *source;   /* static codes */
	char record_id[RECORD_ID_MAX + 1];
	char day[DATE_LEN + 1];
	char id_number[ID_NUMBER_LEN + 1];
	bool has_title, has_issuer;
	char title[TITLE_MAX * 4 + 1], issuer[TITLE_MAX * 4 + 1];
};

struct credits {
	struct store *s;
	bool dry_run, bulk, index_dropped;
	const struct registry_scope *scope;
	const char *author, *today;
	char now[ISO_TIME_LEN];
	int64_t max_id;          /* the ledger's last id before the import */
	/* a dry run writes nothing, so numbers seen earlier in the file are
	 * remembered here: the record number's hash -> the line's values' hash */
	struct { uint64_t key, values; } *seen;
	size_t seen_cap, seen_n;
	/* a bulk import looks persons up here: every ID number read once
	 * (1 M persons: 64 MB, 0.5 s) against an index descent per row */
	struct person_slot { char id_number[ID_NUMBER_LEN]; int64_t id; } *persons;
	size_t persons_cap;
	/* rows checked and not yet written: one INSERT of BATCH rows costs
	 * about what one row's does, since every statement on the ledger
	 * (a trigger, foreign keys) opens and closes a statement journal */
	struct pending batch[BATCH];
	int nbatch;
	char *batch_sql;
	/* a bulk import's Bloom filter of the record numbers in the ledger and
	 * in the file so far: a number it has never seen needs no look in the
	 * ledger's index (20 M of them: a second per million rows saved) */
	uint64_t *bloom;
	size_t bloom_bits;   /* a power of two */
};

static int flush(struct credits *c);
static void pending_clear(struct pending *p);

bool credits_bulk(bool dry_run, long expected_rows)
{
	return !dry_run && expected_rows >= BULK_ROWS;
}

long credits_rows_in_bytes(size_t bytes)
{
	return (long)(bytes / BYTES_PER_ROW);
}

/* ---- SQL ---- */

static const char sql_person[] = "SELECT id FROM persons WHERE id_number = ?";
static const char sql_all_persons[] = "SELECT id_number, id FROM persons";
static const char sql_all_records[] = "SELECT record_id FROM ledger";
static const char sql_count_persons[] = "SELECT count(*) FROM persons";
static const char sql_person_scoped[] =
	"SELECT p.id, s.code, s.district_code, s.stage, s.ownership, c.code"
	" FROM persons p LEFT JOIN schools s ON s.id = p.school_id"
	" LEFT JOIN centres c ON c.id = p.centre_id WHERE p.id_number = ?";
static const char sql_existing[] =
	"SELECT l.person_id, l.day, l.hours10, l.category, l.source, coalesce(l.title, ''),"
	" coalesce(l.issuer, ''), p.id_number"
	" FROM ledger l JOIN persons p ON p.id = l.person_id WHERE l.record_id = ?";
#define INSERT_HEAD "INSERT INTO ledger (record_id, person_id, day, year, hours10, category," \
	" source, title, issuer, author, created_at) VALUES "
#define INSERT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
enum { INSERT_COLUMNS = 11 };
static const char sql_insert[] = INSERT_HEAD INSERT_ROW;
static const char sql_max_id[] = "SELECT coalesce(max(id), 0) FROM ledger";
/* The totals trigger leaves a bulk import alone: dropped inside the
 * transaction and made again, exactly as 003_training.sql makes it, at
 * the end (test_credits checks the schema is the same after).  Even
 * switched off by its WHEN, it cost a third of each row's insert. */
static const char sql_drop_trigger[] = "DROP TRIGGER ledger_totals";
static const char sql_make_trigger[] =
	"CREATE TRIGGER ledger_totals AFTER INSERT ON ledger\n"
	"WHEN NOT EXISTS (SELECT 1 FROM settings WHERE key = 'ledger.bulk_import') BEGIN\n"
	"\tINSERT INTO hours_totals(person_id, year, category, hours10)\n"
	"\tVALUES (new.person_id, new.year, new.category, new.hours10)\n"
	"\tON CONFLICT (person_id, year, category) DO UPDATE SET hours10 = hours10 + excluded.hours10;\n"
	"END";
static const char sql_drop_index[] = "DROP INDEX ledger_person";
/* the same definition as 003_training.sql */
static const char sql_make_index[] =
	"CREATE INDEX ledger_person ON ledger(person_id, year, category, hours10)";
/* The new rows' sums.  After a rebuild, the covering index is already in
 * (person, year, category) order: one scan, no sort.  Otherwise the new
 * rows are a range of ids, read in order and sorted: a scan of the whole
 * index would read the old rows too.  (WHERE keeps SQLite's parser from
 * reading ON CONFLICT as a join's ON.) */
static const char sql_totals_indexed[] =
	"INSERT INTO hours_totals (person_id, year, category, hours10)"
	" SELECT person_id, year, category, sum(hours10) FROM ledger INDEXED BY ledger_person"
	" WHERE id > ? GROUP BY person_id, year, category"
	" ON CONFLICT (person_id, year, category) DO UPDATE SET hours10 = hours10 + excluded.hours10";
static const char sql_totals_range[] =
	"INSERT INTO hours_totals (person_id, year, category, hours10)"
	" SELECT person_id, year, category, sum(hours10) FROM ledger NOT INDEXED"
	" WHERE id > ? GROUP BY person_id, year, category"
	" ON CONFLICT (person_id, year, category) DO UPDATE SET hours10 = hours10 + excluded.hours10";
/* A bulk import's pages stay in memory rather than spill to the WAL half
 * way: a page read back from a WAL of millions of uncommitted frames (the
 * index rebuild reads the whole table) costs a probe of every WAL hash
 * table.  Up to 1 GiB, only as far as used; the server's connections keep
 * tdc's usual 64 MB. */
static const char sql_cache_big[] = "PRAGMA cache_size = -1048576";
static const char sql_cache_usual[] = "PRAGMA cache_size = -65536";

static int exec(struct store *s, const char *sql)
{
	struct stmt *st;

	if (store_prepare(s, sql, &st) != 0)
		return -1;
	return stmt_run(st) == 0 ? 0 : -1;
}

static size_t id_hash(const char *id, size_t mask)
{
	uint64_t h = 1469598103934665603ULL;

	for (int i = 0; i < ID_NUMBER_LEN; i++)
		h = (h ^ (unsigned char)id[i]) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 29)) & mask;
}

static uint64_t text_hash(const char *k)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h ^ (h >> 31);
}

/* Four probes by double hashing: about 1 % false hits at 10 bits a number. */
static bool bloom_test_set(struct credits *c, const char *record_id, bool set)
{
	uint64_t h = text_hash(record_id), step = (h >> 32) | 1;
	bool all = true;

	for (int i = 0; i < 4; i++) {
		size_t bit = (size_t)(h + (uint64_t)i * step) & (c->bloom_bits - 1);
		uint64_t mask = 1ULL << (bit & 63);

		if (!(c->bloom[bit >> 6] & mask)) {
			all = false;
			if (!set)
				return false;
			c->bloom[bit >> 6] |= mask;
		}
	}
	return all;
}

static int load_records(struct credits *c, long expected_rows)
{
	struct stmt *st;
	size_t bits = 1 << 20;
	int rc;

	while (bits < ((size_t)c->max_id + (size_t)expected_rows) * 10)
		bits *= 2;
	if (!(c->bloom = calloc(bits / 64, sizeof *c->bloom)))
		return 0; /* no memory to spare: look each number up instead */
	c->bloom_bits = bits;
	if (store_prepare(c->s, sql_all_records, &st) != 0)
		return -1;
	while ((rc = stmt_step(st)) == STORE_ROW)
		bloom_test_set(c, stmt_text(st, 0), true);
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

static int load_persons(struct credits *c)
{
	struct stmt *st;
	size_t cap = 1024;
	int64_t n;
	int rc;

	if (store_prepare(c->s, sql_count_persons, &st) != 0 || stmt_step(st) != STORE_ROW)
		return -1;
	n = stmt_int(st, 0);
	stmt_done(st);
	while (cap < (size_t)n * 2)
		cap *= 2;
	if (!(c->persons = calloc(cap, sizeof *c->persons)))
		return 0; /* no memory to spare: look each one up instead */
	c->persons_cap = cap;
	if (store_prepare(c->s, sql_all_persons, &st) != 0)
		return -1;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const char *id = stmt_text(st, 0);
		size_t i;

		if (strlen(id) != ID_NUMBER_LEN)
			continue; /* the schema's CHECK says it is */
		for (i = id_hash(id, cap - 1); c->persons[i].id; i = (i + 1) & (cap - 1))
			;
		memcpy(c->persons[i].id_number, id, ID_NUMBER_LEN);
		c->persons[i].id = stmt_int(st, 1);
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int credits_begin(struct store *s, bool dry_run, long expected_rows,
		  const struct registry_scope *scope, const struct actor *by, const char *today,
		  struct credits **out, struct err *e)
{
	struct credits *c = calloc(1, sizeof *c);
	struct stmt *st;

	*out = NULL;
	if (!c) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	c->s = s;
	c->dry_run = dry_run;
	c->scope = scope;
	c->author = by && by->name ? by->name : "system";
	c->today = today;
	clock_now_iso(c->now);
	if (store_prepare(s, sql_max_id, &st) != 0 || stmt_step(st) != STORE_ROW)
		goto fail_db;
	c->max_id = stmt_int(st, 0);
	stmt_done(st);
	if (credits_bulk(dry_run, expected_rows)) {
		c->bulk = true;
		if (exec(s, sql_drop_trigger) < 0)
			goto fail_db;
		exec(s, sql_cache_big); /* only speed: failing it is no reason to stop */
		if ((!scope && load_persons(c) < 0) || load_records(c, expected_rows) < 0)
			goto fail_db;
		/* rebuilding costs all rows, keeping it up costs the new ones
		 * several times over: drop it when the file is not small
		 * against what the ledger holds */
		if (expected_rows >= c->max_id / 2) {
			if (exec(s, sql_drop_index) < 0)
				goto fail_db;
			c->index_dropped = true;
		}
	}
	*out = c;
	return 0;
fail_db:
	err_set(e, ERR_INTERNAL, "cannot start the import: %s", store_errmsg(s));
	free(c);
	return -1;
}

int credits_end(struct credits *c, struct err *e)
{
	struct stmt *st;

	if (c->dry_run)
		return 0;
	if (flush(c) < 0)
		goto fail;
	if (!c->bulk)
		return 0;
	if (c->index_dropped && exec(c->s, sql_make_index) < 0)
		goto fail;
	if (store_prepare(c->s, c->index_dropped ? sql_totals_indexed : sql_totals_range, &st) != 0 ||
	    stmt_bind_int(st, 1, c->max_id) != 0 || stmt_run(st) != 0)
		goto fail;
	c->index_dropped = false;
	exec(c->s, sql_cache_usual);
	if (exec(c->s, sql_make_trigger) < 0)
		goto fail;
	c->bulk = false;
	return 0;
fail:
	err_set(e, ERR_INTERNAL, "cannot finish the import: %s", store_errmsg(c->s));
	return -1;
}

void credits_free(struct credits *c)
{
	if (!c)
		return;
	if (c->bulk)
		exec(c->s, sql_cache_usual); /* the import failed half way */
	for (int i = 0; i < c->nbatch; i++)
		pending_clear(&c->batch[i]);
	free(c->batch_sql);
	free(c->seen);
	free(c->bloom);
	free(c->persons);
	free(c);
}

/* ---- the dry run's memory of record numbers ---- */

static uint64_t hash_text(uint64_t h, const char *k)
{
	for (; k && *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL; /* a separator: "ab","c" differs from "a","bc" */
}

/* 0 new, 1 seen with the same values, 2 seen with other values. */
static int seen_check(struct credits *c, uint64_t key, uint64_t values)
{
	size_t i;

	if (c->seen_n * 2 >= c->seen_cap) {
		size_t ncap = c->seen_cap ? c->seen_cap * 2 : 4096;
		__typeof__(c->seen) n = calloc(ncap, sizeof *n);

		if (!n)
			return 0; /* lose the check rather than the dry run */
		for (size_t j = 0; j < c->seen_cap; j++) {
			if (!c->seen[j].key)
				continue;
			for (i = c->seen[j].key & (ncap - 1); n[i].key; i = (i + 1) & (ncap - 1))
				;
			n[i] = c->seen[j];
		}
		free(c->seen);
		c->seen = n;
		c->seen_cap = ncap;
	}
	key |= 1; /* 0 marks an empty slot */
	for (i = key & (c->seen_cap - 1); c->seen[i].key; i = (i + 1) & (c->seen_cap - 1))
		if (c->seen[i].key == key)
			return c->seen[i].values == values ? 1 : 2;
	c->seen[i].key = key;
	c->seen[i].values = values;
	c->seen_n++;
	return 0;
}

/* ---- one row ---- */

struct checked {
	char id_number[ID_NUMBER_LEN + 1];
	char day[DATE_LEN + 1];
	int32_t hours10;
	const char *category, *source, *title, *issuer, *record_id;
	int64_t person_id;
};

static bool blank(const char *v)
{
	return !v || !*v;
}

static void word_error(struct field_errors *fe, const char *field, enum vocab_kind k,
		       const char *v)
{
	struct buf b;

	buf_init(&b);
	for (const char *const *code = vocab_codes(k); *code; code++)
		buf_printf(&b, "%s%s", b.len ? ", " : "", vocab_label(k, *code));
	if (b.len > 100) /* seventeen categories do not fit a message: name a few */
		field_error2(fe, field, "“%s”不是可用的值，如 %s；全部见 docs/import-values.md",
			     "\"%s\" is not a known value, such as %s; docs/import-values.md lists all",
			     v, "专题研修, 公需科目, 其他");
	else
		field_error2(fe, field, "“%s”不是可用的值，可用：%s",
			     "\"%s\" is not a known value; use one of %s", v, buf_cstr(&b));
	buf_free(&b);
}

static bool clean_text(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* Checks what needs no database; fe gets every bad value of the row. */
static void check_values(struct credits *c, const struct credit_in *in, struct checked *out,
			 struct field_errors *fe)
{
	struct err e = { 0 };
	enum hours_error he;

	if (blank(in->id_number)) {
		field_error2(fe, "id_number", "身份证号为空", "the ID number is empty");
	} else if (in->id_is_number) {
		field_error(fe, "id_number",
			    "the ID number %s was turned into a number by Excel and its last digits are "
			    "lost; format the column as text and type it again", in->id_number);
	} else if (strchr(in->id_number, '*')) {
		field_error(fe, "id_number", "the ID number is masked (%s); the import needs the "
			    "whole number", in->id_number);
	} else if (idcard_parse(in->id_number, c->today, out->id_number, &e) != IDCARD_OK) {
		field_error(fe, "id_number", "%s", e.message);
	}
	err_clear(&e);
	if (blank(in->date))
		field_error2(fe, "date", "日期为空", "the date is empty");
	else if (date_parse(in->date, out->day, &e) < 0)
		field_error(fe, "date", "%s", e.message);
	else if (c->today && strcmp(out->day, c->today) > 0)
		field_error2(fe, "date", "日期 %s 晚于今天", "the date %s is in the future", out->day);
	if ((he = hours_parse(in->hours, &out->hours10)) != HOURS_OK) {
		field_error(fe, "hours", "%s", hours_error_text(he, 1));
		snprintf(fe->e[fe->n - 1].message_zh, sizeof fe->e[0].message_zh, "%s",
			 hours_error_text(he, 0));
	}
	if (blank(in->category))
		field_error2(fe, "category", "类别为空", "the category is empty");
	else if (!(out->category = vocab_code(VOCAB_CATEGORY, in->category)))
		word_error(fe, "category", VOCAB_CATEGORY, in->category);
	out->source = "import";
	if (!blank(in->source)) {
		if (!(out->source = vocab_code(VOCAB_SOURCE, in->source)))
			word_error(fe, "source", VOCAB_SOURCE, in->source);
		else if (!strcmp(out->source, "manual"))
			field_error2(fe, "source", "补录需写明原因，请在教师的学时页面录入",
				     "a manual entry needs a reason: make it on the person's hours page");
	}
	out->record_id = in->record_id;
	if (blank(in->record_id))
		field_error2(fe, "record_id", "记录编号为空", "the record number is empty");
	else if (strlen(in->record_id) > RECORD_ID_MAX || !clean_text(in->record_id))
		field_error2(fe, "record_id", "记录编号最多 %d 个字符，且不含控制字符",
			     "the record number has at most %d characters and no control characters",
			     RECORD_ID_MAX);
	out->title = blank(in->title) ? NULL : in->title;
	out->issuer = blank(in->issuer) ? NULL : in->issuer;
	if (out->title && (utf8_chars(out->title) > TITLE_MAX || !clean_text(out->title)))
		field_error2(fe, "title", "项目名称最多 %d 个字", "the title has at most %d characters",
			     TITLE_MAX);
	if (out->issuer && (utf8_chars(out->issuer) > TITLE_MAX || !clean_text(out->issuer)))
		field_error2(fe, "issuer", "发证单位最多 %d 个字", "the issuer has at most %d characters",
			     TITLE_MAX);
}

/* The person the number names, in scope: 0, -1 (fe), -2 database. */
static int find_person(struct credits *c, struct checked *v, struct field_errors *fe)
{
	struct stmt *st;
	int rc;
	bool covered = true;

	if (c->persons) {
		for (size_t i = id_hash(v->id_number, c->persons_cap - 1); c->persons[i].id;
		     i = (i + 1) & (c->persons_cap - 1)) {
			if (!memcmp(c->persons[i].id_number, v->id_number, ID_NUMBER_LEN)) {
				v->person_id = c->persons[i].id;
				return 0;
			}
		}
		rc = STORE_DONE;
		goto unknown;
	}
	if (store_prepare(c->s, c->scope ? sql_person_scoped : sql_person, &st) != 0 ||
	    stmt_bind_text(st, 1, v->id_number) != 0)
		return -2;
	rc = stmt_step(st);
	if (rc < 0)
		return -2;
	if (rc == STORE_ROW) {
		v->person_id = stmt_int(st, 0);
		if (c->scope)
			covered = stmt_is_null(st, 1)
				  ? c->scope->centre_code && !strcmp(c->scope->centre_code, stmt_text(st, 5))
				  : registry_scope_covers_school(c->scope, stmt_text(st, 1), stmt_text(st, 2),
								 stmt_text(st, 3), stmt_text(st, 4));
	}
	stmt_done(st);
unknown:
	if (rc != STORE_ROW || !covered) {
		char masked[ID_NUMBER_LEN + 1];

		/* outside the scope reads as unknown: whether a number is
		 * registered is itself personal (as the registry API) */
		idcard_mask(v->id_number, masked);
		field_error2(fe, "id_number", "没有身份证号为 %s 的人员，请先导入教师",
			     "no person with the ID number %s is registered; import the teachers first",
			     masked);
		return -1;
	}
	return 0;
}

/* The record is in the ledger already: the same values are a repeat (0),
 * other values an error (-1), -2 the database. */
static int compare_existing(struct credits *c, const struct checked *v, struct field_errors *fe,
			    bool *found)
{
	struct stmt *st;
	int rc;
	char h[HOURS_TEXT_MAX];

	*found = false;
	if (store_prepare(c->s, sql_existing, &st) != 0 || stmt_bind_text(st, 1, v->record_id) != 0)
		return -2;
	rc = stmt_step(st);
	if (rc < 0)
		return -2;
	if (rc != STORE_ROW) {
		stmt_done(st);
		return 0;
	}
	*found = true;
	if (stmt_int(st, 0) == v->person_id && !strcmp(stmt_text(st, 1), v->day) &&
	    stmt_int(st, 2) == v->hours10 && !strcmp(stmt_text(st, 3), v->category) &&
	    !strcmp(stmt_text(st, 4), v->source) &&
	    !strcmp(stmt_text(st, 5), v->title ? v->title : "") &&
	    !strcmp(stmt_text(st, 6), v->issuer ? v->issuer : "")) {
		stmt_done(st);
		return 0;
	}
	{
		char masked[ID_NUMBER_LEN + 1];

		idcard_mask(stmt_text(st, 7), masked);
		hours_format(stmt_int(st, 2), h);
		field_error2(fe, "record_id",
			     "记录 %s 已存在且内容不同（%s，%s，%s 学时，%s）；更正请冲销原记录，不要重新导入",
			     "record %s is already in the ledger with other values (%s, %s, %s hours, %s); "
			     "correct it with a reversal, not a new import",
			     v->record_id, masked, stmt_text(st, 1), h, stmt_text(st, 3));
	}
	stmt_done(st);
	return -1;
}

static void pending_clear(struct pending *p)
{
	p->has_title = p->has_issuer = false;
}

static int bind_pending(struct credits *c, struct stmt *st, int base, const struct pending *p)
{
	return stmt_bind_text(st, base + 1, p->record_id) || stmt_bind_int(st, base + 2, p->person_id) ||
	       stmt_bind_text(st, base + 3, p->day) || stmt_bind_int(st, base + 4, atoi(p->day)) ||
	       stmt_bind_int(st, base + 5, p->hours10) || stmt_bind_text(st, base + 6, p->category) ||
	       stmt_bind_text(st, base + 7, p->source) ||
	       stmt_bind_text(st, base + 8, p->has_title ? p->title : NULL) ||
	       stmt_bind_text(st, base + 9, p->has_issuer ? p->issuer : NULL) || stmt_bind_text(st, base + 10, c->author) ||
	       stmt_bind_text(st, base + 11, c->now) ? -1 : 0;
}

/* Writes the waiting rows: one statement for a full batch, one per row for
 * the last few.  Every row was checked against the ledger and the batch,
 * so a failure here is the database's. */
static int flush(struct credits *c)
{
	struct stmt *st;
	int rc = 0;

	if (c->nbatch == BATCH) {
		if (!c->batch_sql) {
			size_t n = sizeof INSERT_HEAD + BATCH * (sizeof INSERT_ROW + 1);

			if (!(c->batch_sql = malloc(n)))
				return -1;
			strcpy(c->batch_sql, INSERT_HEAD);
			for (int i = 0; i < BATCH; i++) {
				if (i)
					strcat(c->batch_sql, ",");
				strcat(c->batch_sql, INSERT_ROW);
			}
		}
		if (store_prepare_built(c->s, c->batch_sql, &st) != 0)
			return -1;
		for (int i = 0; i < BATCH && rc == 0; i++)
			rc = bind_pending(c, st, i * INSERT_COLUMNS, &c->batch[i]);
		if (rc == 0 && stmt_run(st) != 0)
			rc = -1;
	} else {
		for (int i = 0; i < c->nbatch && rc == 0; i++) {
			if (store_prepare(c->s, sql_insert, &st) != 0 ||
			    bind_pending(c, st, 0, &c->batch[i]) != 0 || stmt_run(st) != 0)
				rc = -1;
		}
	}
	for (int i = 0; i < c->nbatch; i++)
		pending_clear(&c->batch[i]);
	c->nbatch = 0;
	return rc;
}

static bool same_text(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* The record among the rows not yet written: 0 not there, 1 the same
 * values, -1 other values (fe). */
static int in_batch(struct credits *c, const struct checked *v, struct field_errors *fe)
{
	for (int i = 0; i < c->nbatch; i++) {
		const struct pending *p = &c->batch[i];

		if (strcmp(p->record_id, v->record_id))
			continue;
		if (p->person_id == v->person_id && !strcmp(p->day, v->day) &&
		    p->hours10 == v->hours10 && !strcmp(p->category, v->category) &&
		    !strcmp(p->source, v->source) && same_text(p->has_title ? p->title : NULL, v->title) &&
		    same_text(p->has_issuer ? p->issuer : NULL, v->issuer))
			return 1;
		field_error2(fe, "record_id", "记录编号 %s 在本文件中出现过且内容不同",
			     "the record number %s is also earlier in this file, with other values",
			     v->record_id);
		return -1;
	}
	return 0;
}

int credits_row(struct credits *c, const struct credit_in *in, struct field_errors *fe,
		enum credit_outcome *outcome)
{
	struct checked v = { 0 };
	bool found;
	int rc;

	check_values(c, in, &v, fe);
	if (fe->n)
		return -1;
	if ((rc = find_person(c, &v, fe)) < 0)
		return rc;
	if (c->dry_run) {
		uint64_t key = hash_text(1469598103934665603ULL, v.record_id);
		uint64_t values = hash_text(hash_text(hash_text(hash_text(key, v.id_number), v.day),
						      v.category), v.source);
		int seen;

		values = hash_text(hash_text(values, v.title), v.issuer) ^ (uint64_t)v.hours10;
		if ((rc = compare_existing(c, &v, fe, &found)) < 0)
			return rc;
		if (found) {
			*outcome = CREDIT_DUPLICATE;
			return 0;
		}
		seen = seen_check(c, key, values);
		if (seen == 2) {
			field_error2(fe, "record_id", "记录编号 %s 在本文件中出现过且内容不同",
				     "the record number %s is also earlier in this file, with other values",
				     v.record_id);
			return -1;
		}
		*outcome = seen ? CREDIT_DUPLICATE : CREDIT_ADDED;
		return 0;
	}
	/* in the ledger already, from before or from an earlier batch of
	 * this file; or in the batch not yet written (a number the filter
	 * has not seen is in neither) */
	found = false;
	rc = 0;
	if (!c->bloom || bloom_test_set(c, v.record_id, false)) {
		if ((rc = compare_existing(c, &v, fe, &found)) < 0)
			return rc;
		if (!found && (rc = in_batch(c, &v, fe)) < 0)
			return -1;
		if (found || rc == 1) {
			*outcome = CREDIT_DUPLICATE;
			return 0;
		}
	}
	if (c->bloom)
		bloom_test_set(c, v.record_id, true);
	{
		struct pending *p = &c->batch[c->nbatch];

		p->person_id = v.person_id;
		p->hours10 = v.hours10;
		p->category = v.category;
		p->source = v.source;
		snprintf(p->record_id, sizeof p->record_id, "%s", v.record_id);
		memcpy(p->day, v.day, sizeof p->day);
		memcpy(p->id_number, v.id_number, sizeof p->id_number);
		/* checked to TITLE_MAX characters: they fit */
		p->has_title = v.title != NULL;
		p->has_issuer = v.issuer != NULL;
		if (v.title)
			snprintf(p->title, sizeof p->title, "%s", v.title);
		if (v.issuer)
			snprintf(p->issuer, sizeof p->issuer, "%s", v.issuer);
		c->nbatch++;
	}
	if (c->nbatch == BATCH && flush(c) < 0)
		return -2;
	*outcome = CREDIT_ADDED;
	return 0;
}

/* ---- the template ---- */

#include "lib/table_write.h"

int credits_template(const char *path, struct err *e)
{
	static const struct table_column cols[] = {
		{ "身份证号", 22, true, "18 位居民身份证号；单元格设为文本，以免 Excel 吃掉末位" },
		{ "日期", 12, true, "学时记入的日期，如 2026-03-15" },
		{ "学时", 8, true, "最多一位小数，如 2 或 2.5" },
		{ "类别", 14, true, "如 专题研修、公需科目；见 docs/import-values.md" },
		{ "项目名称", 36, true, NULL },
		{ "来源", 10, true, "培训项目、学时认定、导入或转入；空白即导入" },
		{ "记录编号", 18, true, "原系统中的记录编号，唯一；重复导入同一编号会被跳过" },
		{ "发证单位", 24, true, NULL },
	};
	static const char *const example[] = {
		"440106198507150027", "2026-03-15", "2.5", "专题研修", "小学数学新课标专题研修",
		"培训项目", "GZ2026-000001", "天河区教师发展中心",
	};
	struct table_target to = { .path = path };
	struct table_options o = { .format = TABLE_XLSX, .sheet = "学时记录", .columns = cols,
				   .ncolumns = (int)(sizeof cols / sizeof cols[0]), .in_memory = true };
	struct table_writer *w;

	if (table_write_open(&to, &o, &w, e) < 0)
		return -1;
	if (table_write_row(w, example, e) < 0) {
		table_write_abort(w);
		return -1;
	}
	return table_write_close(w, e);
}
