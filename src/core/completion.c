/* completion.c - scores, the completion rule and issuing the hours (see
 * completion.h). */
#include "core/completion.h"

#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/ledger.h"
#include "lib/clock.h"
#include "store/store.h"

/* One row per seated participant: attendance counted in SQL, so a
 * programme of a thousand teachers and twenty sessions is one query.  An
 * entry of this programme for the person (written only by completion_run()
 * under record_id P<programme>-<person>) means the hours were issued. */
static const char sql_overview_rows[] =
	"SELECT p.id, p.id_number, p.name, sc.name, e.score,"
	" (SELECT count(*) FROM attendance a JOIN programme_sessions ps ON ps.id = a.session_id"
	"   WHERE ps.programme_id = e.programme_id AND a.person_id = e.person_id AND a.present = 1),"
	" (SELECT count(*) FROM ledger l WHERE l.programme_id = e.programme_id"
	"   AND l.person_id = e.person_id AND l.source = 'programme' AND l.reverses IS NULL)"
	" FROM enrolments e JOIN persons p ON p.id = e.person_id"
	" LEFT JOIN schools sc ON sc.id = p.school_id"
	" WHERE e.programme_id = ? AND e.status = 'seated'"
	" ORDER BY sc.name, p.name, p.id";

static const char sql_session_count[] =
	"SELECT count(*), max(day) FROM programme_sessions WHERE programme_id = ?";

static int db_fail(struct store *s, struct stmt *st, struct err *err, const char *what)
{
	if (st)
		stmt_done(st);
	err_set(err, ERR_INTERNAL, "%s: %s", what, store_errmsg(s));
	return -1;
}

void completion_record_id(int64_t programme_id, int64_t person_id, char out[48])
{
	snprintf(out, 48, "P%lld-%lld", (long long)programme_id, (long long)person_id);
}

enum completion_reason completion_rule(const struct att_programme *p, int attended, int sessions,
				       int score)
{
	/* integers, no rounding: 4 of 5 sessions is 80 %, which meets 80 */
	if (sessions > 0 && (int64_t)attended * 100 < (int64_t)p->attendance_min * sessions)
		return COMPLETION_ATTENDANCE;
	if (p->pass_mark >= 0) {
		if (score < 0)
			return COMPLETION_NO_SCORE;
		if (score < p->pass_mark)
			return COMPLETION_SCORE;
	}
	return COMPLETION_MET;
}

static int session_facts(struct store *s, int64_t programme_id, int *count, char last_day[11],
			 struct err *err)
{
	struct stmt *st = NULL;
	int rc;

	if (store_prepare(s, sql_session_count, &st) < 0 || stmt_bind_int(st, 1, programme_id) < 0)
		return db_fail(s, st, err, "cannot count the sessions");
	rc = stmt_step(st);
	if (rc != STORE_ROW)
		return db_fail(s, st, err, "cannot count the sessions");
	*count = (int)stmt_int(st, 0);
	snprintf(last_day, 11, "%s", stmt_is_null(st, 1) ? "" : stmt_text(st, 1));
	stmt_done(st);
	return 0;
}

int completion_overview(struct store *s, struct arena *a, const struct att_programme *p,
			struct completion_row **out, int *n, struct err *err)
{
	struct stmt *st = NULL;
	struct completion_row *rows = NULL;
	char last[11];
	int sessions, cap = 0, rc;

	*n = 0;
	*out = NULL;
	if (session_facts(s, p->id, &sessions, last, err) < 0)
		return -1;
	if (store_prepare(s, sql_overview_rows, &st) < 0 || stmt_bind_int(st, 1, p->id) < 0)
		return db_fail(s, st, err, "cannot read the participants");
	while ((rc = stmt_step(st)) == STORE_ROW) {
		struct completion_row *r;

		if (*n == cap) {
			struct completion_row *more;

			cap = cap ? cap * 2 : 32;
			more = arena_alloc(a, (size_t)cap * sizeof *more);
			if (!more) {
				stmt_done(st);
				err_set(err, ERR_INTERNAL, "out of memory");
				return -1;
			}
			if (*n)
				memcpy(more, rows, (size_t)*n * sizeof *rows);
			rows = more;
		}
		r = &rows[(*n)++];
		r->person_id = stmt_int(st, 0);
		r->id_number = arena_strdup(a, stmt_text(st, 1));
		r->name = arena_strdup(a, stmt_text(st, 2));
		r->school_name = stmt_is_null(st, 3) ? NULL : arena_strdup(a, stmt_text(st, 3));
		r->score = stmt_is_null(st, 4) ? -1 : (int)stmt_int(st, 4);
		r->attended = (int)stmt_int(st, 5);
		r->sessions = sessions;
		r->share = sessions ? r->attended * 100 / sessions : 100;
		r->issued = stmt_int(st, 6) > 0;
		r->reason = completion_rule(p, r->attended, sessions, r->score);
	}
	if (rc < 0)
		return db_fail(s, st, err, "cannot read the participants");
	stmt_done(st);
	*out = rows;
	return 0;
}

static const char sql_score[] =
	"UPDATE enrolments SET score = ? WHERE programme_id = ? AND person_id = ? AND status = 'seated'";

int completion_set_scores(struct store *s, const struct att_programme *p,
			  const struct completion_score *scores, int n, const struct actor *by,
			  struct err *err)
{
	struct stmt *st = NULL;
	char object[48], detail[64];
	int set = 0, cleared = 0;

	for (int i = 0; i < n; i++)
		if (scores[i].score < -1 || scores[i].score > 100) {
			err_field(err, ERR_INVALID, "score", "a score is a whole number from 0 to 100");
			return -1;
		}
	if (store_begin(s, STORE_WRITE) < 0)
		return db_fail(s, NULL, err, "cannot save the scores");
	for (int i = 0; i < n; i++) {
		if (store_prepare(s, sql_score, &st) < 0 ||
		    (scores[i].score < 0 ? stmt_bind_null(st, 1) : stmt_bind_int(st, 1, scores[i].score)) < 0 ||
		    stmt_bind_int(st, 2, p->id) < 0 || stmt_bind_int(st, 3, scores[i].person_id) < 0 ||
		    stmt_run(st) < 0) {
			db_fail(s, st, err, "cannot save the scores");
			goto fail;
		}
		if (store_changes(s) != 1) {
			err_set(err, ERR_INVALID, "person %lld is not seated in this programme",
				(long long)scores[i].person_id);
			goto fail;
		}
		if (scores[i].score < 0)
			cleared++;
		else
			set++;
	}
	snprintf(object, sizeof object, "programme:%s", p->code);
	snprintf(detail, sizeof detail, "%d scored, %d cleared", set, cleared);
	if (audit_record(s, by, "attendance.score", object, detail) < 0 || store_commit(s) < 0) {
		db_fail(s, NULL, err, "cannot save the scores");
		goto fail;
	}
	return 0;
fail:
	store_rollback(s);
	return -1;
}

static const char sql_status[] = "SELECT status FROM programmes WHERE id = ?";
static const char sql_complete[] =
	"UPDATE programmes SET status = 'completed', completed_at = COALESCE(completed_at, ?) WHERE id = ?";

int completion_run(struct store *s, const struct att_programme *p, const char *today,
		   const struct actor *by, struct completion_counts *counts, struct err *err)
{
	struct arena a;
	struct stmt *st = NULL;
	struct completion_row *rows;
	char last_day[11], now[ISO_TIME_LEN], object[48], detail[96];
	int n, sessions, rc, out = -1;

	memset(counts, 0, sizeof *counts);
	arena_init(&a);
	if (store_begin(s, STORE_WRITE) < 0) {
		db_fail(s, NULL, err, "cannot complete the programme");
		goto done;
	}
	/* the status as it is now, under the write lock, not as the page saw it */
	if (store_prepare(s, sql_status, &st) < 0 || stmt_bind_int(st, 1, p->id) < 0 ||
	    stmt_step(st) != STORE_ROW) {
		db_fail(s, st, err, "cannot read the programme");
		goto fail;
	}
	if (!strcmp(stmt_text(st, 0), "draft") || !strcmp(stmt_text(st, 0), "cancelled")) {
		err_set(err, ERR_CONFLICT, "a %s programme cannot be completed", stmt_text(st, 0));
		stmt_done(st);
		goto fail;
	}
	stmt_done(st);
	st = NULL;
	if (session_facts(s, p->id, &sessions, last_day, err) < 0 ||
	    completion_overview(s, &a, p, &rows, &n, err) < 0)
		goto fail;
	/* the hours count on the day the training ended: never a day to come */
	if (sessions && today && strcmp(last_day, today) > 0) {
		err_field(err, ERR_CONFLICT, "last_day", "the last session is on %s: complete the "
			  "programme after it has taken place", last_day);
		goto fail;
	}
	for (int i = 0; i < n; i++) {
		char record_id[48];
		struct ledger_new e = {
			.person_id = rows[i].person_id,
			/* the hours count on the day the training ended */
			.day = sessions ? last_day : today,
			.hours10 = p->hours10,
			.category = p->category,
			.source = "programme",
			.record_id = record_id,
			.title = p->title,
			.issuer = p->centre_name,
			.programme_id = p->id,
		};

		if (rows[i].reason != COMPLETION_MET) {
			counts->not_met++;
			continue;
		}
		completion_record_id(p->id, rows[i].person_id, record_id);
		rc = ledger_add_entry(s, &e, by, NULL, err);
		if (rc < 0)
			goto fail;
		if (rc == LEDGER_DUPLICATE)
			counts->already++;
		else
			counts->issued++;
	}
	clock_now_iso(now);
	if (store_prepare(s, sql_complete, &st) < 0 || stmt_bind_text(st, 1, now) < 0 ||
	    stmt_bind_int(st, 2, p->id) < 0 || stmt_run(st) < 0) {
		db_fail(s, st, err, "cannot complete the programme");
		goto fail;
	}
	snprintf(object, sizeof object, "programme:%s", p->code);
	snprintf(detail, sizeof detail, "issued %d, already %d, not met %d", counts->issued,
		 counts->already, counts->not_met);
	if (audit_record(s, by, "programme.complete", object, detail) < 0 || store_commit(s) < 0) {
		db_fail(s, NULL, err, "cannot complete the programme");
		goto fail;
	}
	out = 0;
	goto done;
fail:
	store_rollback(s);
	memset(counts, 0, sizeof *counts);
done:
	arena_release(&a);
	return out;
}
