/* ledger.c - adding to the hours ledger (see ledger.h). */
#include "core/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hours.h"
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
