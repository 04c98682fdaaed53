/* ledger.c - the hours ledger (学时记录): adding, reversing, reading (see
 * ledger.h).
 *
 * API:
 * ledger_add_entry() validates and appends one entry.
 * ledger_reverse_entry() appends the entry that cancels another.
 * ledger_entry_get(), ledger_entry_by_id() read one entry.
 * ledger_person_year() lists a person's entries counting in one year.
 * ledger_person_years(), ledger_progress() read the totals.
 *
 * The ledger is append-only (triggers refuse UPDATE and DELETE): nothing
 * here changes a row.  Totals are never summed from the ledger: the
 * ledger_totals trigger keeps hours_totals in the same transaction, and
 * every total read here comes from it (DESIGN.md: a city's year is 0.45 s
 * from the totals table against 18 s through the ledger's index). */
#include "core/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hours.h"
#include "lib/arena.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/secret.h"
#include "store/store.h"

static const char sql_find_record[] =
	"SELECT id FROM ledger WHERE record_id = ?";

static const char sql_insert[] =
	"INSERT INTO ledger (record_id, person_id, day, year, hours10, category, source, title,"
	" issuer, author, created_at, reason, programme_id)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* 'M' and 12 characters of a random token: unique in practice, and the
 * UNIQUE constraint catches the rest. */
static void make_record_id(char out[16])
{
	char token[TOKEN_CHARS + 1];

	secret_token(token);
	snprintf(out, 16, "M%.12s", token);
}

int ledger_add_entry(struct store *s, const struct ledger_new *e, const struct actor *by,
		     int64_t *id, struct err *err)
{
	struct stmt *st = NULL;
	char day[DATE_LEN + 1], made[16], now[ISO_TIME_LEN];
	struct err derr;
	const char *record_id = e->record_id;
	int rc;

	if (e->person_id <= 0 || !e->day || date_parse(e->day, day, &derr) != 0) {
		err_field(err, ERR_INVALID, "date", "%s", e->day ? derr.message : "the date is missing");
		return -1;
	}
	if (e->hours10 <= 0 || e->hours10 > HOURS10_MAX) {
		err_field(err, ERR_INVALID, "hours", "%s", hours_error_text(HOURS_TOO_LARGE, 1));
		return -1;
	}
	if (!hours_category_valid(e->category)) {
		err_field(err, ERR_INVALID, "category", "'%s' is not a category", e->category ? e->category : "");
		return -1;
	}
	if (!hours_source_valid(e->source)) {
		err_field(err, ERR_INVALID, "source", "'%s' is not a source", e->source ? e->source : "");
		return -1;
	}
	if (!strcmp(e->source, "manual") && (!e->reason || !*e->reason)) {
		err_field(err, ERR_INVALID, "reason", "a manual entry needs a reason");
		return -1;
	}
	if (!record_id || !*record_id) {
		make_record_id(made);
		record_id = made;
	} else {
		if (store_prepare(s, sql_find_record, &st) != 0 || stmt_bind_text(st, 1, record_id) != 0)
			goto fail;
		rc = stmt_step(st);
		if (rc < 0)
			goto fail;
		if (rc == STORE_ROW) {
			if (id)
				*id = stmt_int(st, 0);
			stmt_done(st);
			return LEDGER_DUPLICATE;
		}
		stmt_done(st);
		st = NULL;
	}
	clock_now_iso(now);
	if (store_prepare(s, sql_insert, &st) != 0 ||
	    stmt_bind_text(st, 1, record_id) || stmt_bind_int(st, 2, e->person_id) ||
	    stmt_bind_text(st, 3, day) || stmt_bind_int(st, 4, atoi(day)) ||
	    stmt_bind_int(st, 5, e->hours10) || stmt_bind_text(st, 6, e->category) ||
	    stmt_bind_text(st, 7, e->source) || stmt_bind_text(st, 8, e->title) ||
	    stmt_bind_text(st, 9, e->issuer) || stmt_bind_text(st, 10, by && by->name ? by->name : "system") ||
	    stmt_bind_text(st, 11, now) || stmt_bind_text(st, 12, e->reason && *e->reason ? e->reason : NULL))
		goto fail;
	if (e->programme_id > 0 ? stmt_bind_int(st, 13, e->programme_id) : stmt_bind_null(st, 13))
		goto fail;
	if (stmt_run(st) != 0)
		goto fail;
	if (id)
		*id = store_last_insert_id(s);
	return 0;
fail:
	err_set(err, ERR_INTERNAL, "the ledger could not be written: %s", store_errmsg(s));
	if (st)
		stmt_done(st);
	return -1;
}

/* ---- reversing ---- */

#define ENTRY_SELECT \
	"SELECT l.id, l.person_id, l.programme_id, l.record_id, l.day, l.category, l.source," \
	" l.title, l.issuer, l.author, l.created_at, l.reason, l.year, l.hours10," \
	" o.record_id, r.record_id" \
	" FROM ledger l LEFT JOIN ledger o ON o.id = l.reverses" \
	" LEFT JOIN ledger r ON r.reverses = l.id"

static const char sql_entry_by_record[] = ENTRY_SELECT " WHERE l.record_id = ?";
static const char sql_entry_by_id[] = ENTRY_SELECT " WHERE l.id = ?";
/* each reversal right after the entry it reverses: ordered by the
 * original's day and id, the original before its reversal */
static const char sql_person_year[] = ENTRY_SELECT
	" WHERE l.person_id = ? AND l.year = ?"
	" ORDER BY coalesce(o.day, l.day), coalesce(l.reverses, l.id), l.id";

static const char sql_insert_reversal[] =
	"INSERT INTO ledger (record_id, person_id, day, year, hours10, category, source, title,"
	" issuer, author, created_at, reason, reverses, programme_id)"
	" VALUES (?, ?, ?, ?, ?, ?, 'manual', ?, ?, ?, ?, ?, ?, ?)";

static const char *col_text(struct stmt *st, struct arena *a, int col)
{
	return stmt_is_null(st, col) ? NULL : arena_strdup(a, stmt_text(st, col));
}

static void read_entry(struct stmt *st, struct arena *a, struct ledger_entry *e)
{
	e->id = stmt_int(st, 0);
	e->person_id = stmt_int(st, 1);
	e->programme_id = stmt_is_null(st, 2) ? 0 : stmt_int(st, 2);
	e->record_id = col_text(st, a, 3);
	e->day = col_text(st, a, 4);
	e->category = col_text(st, a, 5);
	e->source = col_text(st, a, 6);
	e->title = col_text(st, a, 7);
	e->issuer = col_text(st, a, 8);
	e->author = col_text(st, a, 9);
	e->created_at = col_text(st, a, 10);
	e->reason = col_text(st, a, 11);
	e->year = (int)stmt_int(st, 12);
	e->hours10 = (int32_t)stmt_int(st, 13);
	e->reverses = col_text(st, a, 14);
	e->reversed_by = col_text(st, a, 15);
}

static int entry_one(struct store *s, struct arena *a, const char *sql, const char *record_id,
		     int64_t id, struct ledger_entry *out, struct err *err)
{
	struct stmt *st = NULL;
	int rc;

	if (store_prepare(s, sql, &st) != 0 ||
	    (record_id ? stmt_bind_text(st, 1, record_id) : stmt_bind_int(st, 1, id)) != 0)
		goto fail;
	rc = stmt_step(st);
	if (rc < 0)
		goto fail;
	if (rc != STORE_ROW) {
		stmt_done(st);
		err_set(err, ERR_NOT_FOUND, "no ledger entry has record number '%s'",
			record_id ? record_id : "");
		return -1;
	}
	read_entry(st, a, out);
	stmt_done(st);
	return 0;
fail:
	err_set(err, ERR_INTERNAL, "the ledger could not be read: %s", store_errmsg(s));
	if (st)
		stmt_done(st);
	return -1;
}

int ledger_entry_get(struct store *s, struct arena *a, const char *record_id,
		     struct ledger_entry *out, struct err *err)
{
	if (!record_id || !*record_id) {
		err_set(err, ERR_NOT_FOUND, "no ledger entry has an empty record number");
		return -1;
	}
	return entry_one(s, a, sql_entry_by_record, record_id, 0, out, err);
}

int ledger_entry_by_id(struct store *s, struct arena *a, int64_t id, struct ledger_entry *out,
		       struct err *err)
{
	return entry_one(s, a, sql_entry_by_id, NULL, id, out, err);
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

/* 'R' + the original's record number, so a reader sees at once what a
 * reversal cancels; random when that is too long or already taken (an
 * imported record could be called "R..." too). */
static int reversal_record_id(struct store *s, const char *original, char out[LEDGER_RECORD_MAX + 1])
{
	struct stmt *st = NULL;
	char token[TOKEN_CHARS + 1];
	int rc;

	if (strlen(original) + 1 <= LEDGER_RECORD_MAX) {
		snprintf(out, LEDGER_RECORD_MAX + 1, "R%s", original);
		if (store_prepare(s, sql_find_record, &st) != 0 || stmt_bind_text(st, 1, out) != 0)
			return -1;
		rc = stmt_step(st);
		stmt_done(st);
		if (rc < 0)
			return -1;
		if (rc != STORE_ROW)
			return 0;
	}
	secret_token(token);
	snprintf(out, LEDGER_RECORD_MAX + 1, "R%.12s", token);
	return 0;
}

int ledger_reverse_entry(struct store *s, const char *record_id, const char *reason,
			 const struct actor *by, int64_t *new_id, struct err *err)
{
	struct arena *a = arena_new();
	struct ledger_entry o;
	struct stmt *st = NULL;
	char rid[LEDGER_RECORD_MAX + 1], now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int rc;

	if (!a) {
		err_set(err, ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (ledger_entry_get(s, a, record_id, &o, err) != 0)
		goto out_fail;
	if (blank(reason)) {
		err_field(err, ERR_INVALID, "reason", "a reversal needs a reason");
		goto out_fail;
	}
	if (strlen(reason) > LEDGER_REASON_MAX) {
		err_field(err, ERR_INVALID, "reason", "the reason is longer than %d bytes",
			  LEDGER_REASON_MAX);
		goto out_fail;
	}
	if (o.hours10 < 0 || o.reverses) {
		err_set(err, ERR_INVALID, "'%s' is itself a reversal: it cannot be reversed", o.record_id);
		goto out_fail;
	}
	if (o.reversed_by) {
		err_set(err, ERR_CONFLICT, "'%s' is reversed already, by '%s'", o.record_id,
			o.reversed_by);
		goto out_fail;
	}
	if (reversal_record_id(s, o.record_id, rid) != 0)
		goto fail;
	clock_now_iso(now);
	snprintf(today, sizeof today, "%.10s", now);
	if (store_prepare(s, sql_insert_reversal, &st) != 0 ||
	    stmt_bind_text(st, 1, rid) || stmt_bind_int(st, 2, o.person_id) ||
	    stmt_bind_text(st, 3, today) || stmt_bind_int(st, 4, o.year) ||
	    stmt_bind_int(st, 5, -(int64_t)o.hours10) || stmt_bind_text(st, 6, o.category) ||
	    stmt_bind_text(st, 7, o.title) || stmt_bind_text(st, 8, o.issuer) ||
	    stmt_bind_text(st, 9, by && by->name ? by->name : "system") ||
	    stmt_bind_text(st, 10, now) || stmt_bind_text(st, 11, reason) ||
	    stmt_bind_int(st, 12, o.id))
		goto fail;
	if (o.programme_id > 0 ? stmt_bind_int(st, 13, o.programme_id) : stmt_bind_null(st, 13))
		goto fail;
	rc = stmt_run(st);
	st = NULL;
	if (rc == STORE_ECONSTRAINT) {
		/* another reversal of the same entry won the race */
		err_set(err, ERR_CONFLICT, "'%s' is reversed already", o.record_id);
		goto out_fail;
	}
	if (rc != 0)
		goto fail;
	if (new_id)
		*new_id = store_last_insert_id(s);
	arena_free(a);
	return 0;
fail:
	err_set(err, ERR_INTERNAL, "the ledger could not be written: %s", store_errmsg(s));
out_fail:
	if (st)
		stmt_done(st);
	arena_free(a);
	return -1;
}

/* ---- reading ---- */

static const char sql_year_total[] =
	"SELECT coalesce(sum(hours10), 0) FROM hours_totals WHERE person_id = ? AND year = ?";
static const char sql_years_totals[] =
	"SELECT year, sum(hours10) FROM hours_totals WHERE person_id = ? AND year BETWEEN ? AND ?"
	" GROUP BY year";

int ledger_person_year(struct store *s, struct arena *a, int64_t person_id, int year,
		       struct ledger_year *out, struct err *err)
{
	struct stmt *st = NULL;
	int cap = 16, rc;

	memset(out, 0, sizeof *out);
	out->year = year;
	out->entries = arena_alloc(a, (size_t)cap * sizeof *out->entries);
	if (!out->entries) {
		err_set(err, ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (store_prepare(s, sql_person_year, &st) != 0 || stmt_bind_int(st, 1, person_id) ||
	    stmt_bind_int(st, 2, year))
		goto fail;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (out->n == cap && arena_grow(a, &out->entries, &cap, sizeof *out->entries) < 0) {
			stmt_done(st);
			err_set(err, ERR_INTERNAL, "out of memory");
			return -1;
		}
		read_entry(st, a, &out->entries[out->n++]);
	}
	stmt_done(st);
	st = NULL;
	if (rc < 0)
		goto fail;
	if (store_prepare(s, sql_year_total, &st) != 0 || stmt_bind_int(st, 1, person_id) ||
	    stmt_bind_int(st, 2, year) || stmt_step(st) != STORE_ROW)
		goto fail;
	out->total10 = stmt_int(st, 0);
	stmt_done(st);
	return 0;
fail:
	err_set(err, ERR_INTERNAL, "the ledger could not be read: %s", store_errmsg(s));
	if (st)
		stmt_done(st);
	return -1;
}

int ledger_person_years(struct store *s, int64_t person_id, int from, int to, int32_t totals[])
{
	struct stmt *st = NULL;
	int rc;

	if (to < from || to - from >= LEDGER_YEARS_MAX)
		return -1;
	for (int y = from; y <= to; y++)
		totals[y - from] = 0;
	if (store_prepare(s, sql_years_totals, &st) != 0 || stmt_bind_int(st, 1, person_id) ||
	    stmt_bind_int(st, 2, from) || stmt_bind_int(st, 3, to)) {
		if (st)
			stmt_done(st);
		return -1;
	}
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int y = (int)stmt_int(st, 0);

		if (y >= from && y <= to)
			totals[y - from] = (int32_t)stmt_int(st, 1);
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

int ledger_progress(struct store *s, int64_t person_id, const char *service_start, int year,
		    struct ledger_progress *out)
{
	struct hours_rules rules;

	memset(out, 0, sizeof *out);
	if (hours_rules_load(s, &rules) != 0)
		return -1;
	out->year = year;
	out->yearly_required10 = rules.yearly10;
	out->cycle_start = hours_cycle_start(&rules, year);
	out->cycle_end = out->cycle_start + rules.cycle_years - 1;
	out->cycle_required10 = hours_cycle_required(&rules, out->cycle_start, service_start);
	if (ledger_person_years(s, person_id, out->cycle_start, out->cycle_end, out->by_year) != 0)
		return -1;
	for (int i = 0; i < rules.cycle_years; i++)
		out->cycle10 += out->by_year[i];
	out->year10 = out->by_year[year - out->cycle_start];
	return 0;
}
