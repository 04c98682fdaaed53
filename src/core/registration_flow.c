/* registration_flow.c - the re-registration workflow (see registration_flow.h).
 *
 * The one rule of every step: inside a STORE_WRITE transaction, read the
 * application, check it is in the state the step expects and within the
 * caller's reach, then update it "WHERE id = ? AND state = <expected>" and
 * check one row changed.  The write lock is taken at BEGIN, so a second
 * admin's click waits for the first and then finds the state moved on. */
#include "core/registration_flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/query.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "store/store.h"

int regflow_cycle(const struct hours_rules *rules, const char *today)
{
	int year = today && strlen(today) >= 4 ? atoi(today) : 0;

	/* the cycle holding this year has not ended: the one before it has */
	return hours_cycle_start(rules, year) - rules->cycle_years;
}

void regflow_final_date(const char *posted, char out[11])
{
	long d;

	out[0] = '\0';
	if (posted && date_to_days(posted, &d) == 0)
		date_from_days(d + REGFLOW_PUBLICITY_DAYS, out);
}

enum regflow_publicity regflow_publicity(const struct regflow_app *a, const char *today)
{
	if (strcmp(a->state, "decided") || !a->posted_at || !*a->posted_at || !a->final_date[0])
		return REGFLOW_NOT_POSTED;
	/* posted on day P: under 公示 P ... P+6, final from P+7 */
	return strcmp(today, a->final_date) >= 0 ? REGFLOW_FINAL : REGFLOW_POSTED;
}

/* ---- reading ---- */

static const char SQL_APPRAISALS[] =
	"SELECT year, result FROM appraisals WHERE person_id = ? AND year BETWEEN ? AND ?";

int regflow_appraisals(struct store *s, int64_t person_id, int cycle_start, int years,
		       enum appraisal_result out[REG_YEARS_MAX])
{
	struct stmt *st;
	int rc;

	memset(out, 0, sizeof(enum appraisal_result) * REG_YEARS_MAX);
	if (years > REG_YEARS_MAX)
		years = REG_YEARS_MAX;
	if (store_prepare(s, SQL_APPRAISALS, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, person_id);
	stmt_bind_int(st, 2, cycle_start);
	stmt_bind_int(st, 3, cycle_start + years - 1);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int i = (int)(stmt_int(st, 0) - cycle_start), r = appraisal_result_parse(stmt_text(st, 1));

		if (i >= 0 && i < years && r > 0)
			out[i] = (enum appraisal_result)r;
	}
	stmt_done(st);
	return rc < 0 ? rc : 0;
}

#define APP_COLUMNS \
	"a.id, a.person_id, a.cycle_start, a.state, a.applied_at, a.statement," \
	" coalesce(a.school_by, ''), coalesce(a.school_at, ''), coalesce(a.school_comment, '')," \
	" coalesce(a.decided_by, ''), coalesce(a.decided_at, ''), coalesce(a.outcome, '')," \
	" coalesce(a.reasons, ''), coalesce(a.hours10, 0), coalesce(a.required10, 0)," \
	" coalesce(a.decision_note, ''), coalesce(a.posted_at, ''), coalesce(a.batch_id, 0)," \
	" p.id_number, p.name, coalesce(s.code, ''), coalesce(s.name, '')," \
	" coalesce(s.district_code, c.region_code, ''), coalesce(s.stage, ''), coalesce(s.ownership, '')"
#define APP_FROM \
	" FROM registration_applications a JOIN persons p ON p.id = a.person_id" \
	" LEFT JOIN schools s ON s.id = p.school_id LEFT JOIN centres c ON c.id = p.centre_id"

static const char SQL_GET[] = "SELECT " APP_COLUMNS APP_FROM " WHERE a.id = ?";

static void app_from(struct stmt *st, struct arena *a, struct regflow_app *out)
{
	memset(out, 0, sizeof *out);
	out->id = stmt_int(st, 0);
	out->person_id = stmt_int(st, 1);
	out->cycle_start = (int)stmt_int(st, 2);
	out->state = arena_strdup(a, stmt_text(st, 3));
	out->applied_at = arena_strdup(a, stmt_text(st, 4));
	out->statement = arena_strdup(a, stmt_text(st, 5));
	out->school_by = arena_strdup(a, stmt_text(st, 6));
	out->school_at = arena_strdup(a, stmt_text(st, 7));
	out->school_comment = arena_strdup(a, stmt_text(st, 8));
	out->decided_by = arena_strdup(a, stmt_text(st, 9));
	out->decided_at = arena_strdup(a, stmt_text(st, 10));
	out->outcome = arena_strdup(a, stmt_text(st, 11));
	if (registration_reasons_parse(stmt_text(st, 12), &out->reasons) < 0)
		out->reasons = 0;
	out->hours10 = (int32_t)stmt_int(st, 13);
	out->required10 = (int32_t)stmt_int(st, 14);
	out->decision_note = arena_strdup(a, stmt_text(st, 15));
	out->posted_at = arena_strdup(a, stmt_text(st, 16));
	out->batch_id = stmt_int(st, 17);
	out->id_number = arena_strdup(a, stmt_text(st, 18));
	out->name = arena_strdup(a, stmt_text(st, 19));
	out->school_code = arena_strdup(a, stmt_text(st, 20));
	out->school_name = arena_strdup(a, stmt_text(st, 21));
	out->district_code = arena_strdup(a, stmt_text(st, 22));
	out->stage = arena_strdup(a, stmt_text(st, 23));
	out->ownership = arena_strdup(a, stmt_text(st, 24));
	regflow_final_date(out->posted_at, out->final_date);
}

int regflow_get(struct store *s, struct arena *a, int64_t id, struct regflow_app *out)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_GET, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		app_from(st, a, out);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int regflow_list(struct store *s, struct arena *a, const struct regflow_filter *f,
		 struct regflow_app **items, int *n)
{
	struct qb q = { 0 };
	struct stmt *st = NULL;
	int cap = 16, limit = f->limit > 0 ? f->limit : 500, rc;
	char from[11] = "";

	*items = NULL;
	*n = 0;
	qb_sql(&q, "SELECT " APP_COLUMNS APP_FROM " WHERE 1 = 1");
	if (f->person_id)
		qb_int(&q, " AND a.person_id = ?", f->person_id);
	if (f->school_code)
		qb_text(&q, " AND s.code = ?", f->school_code);
	if (f->district_code)
		qb_text(&q, " AND coalesce(s.district_code, c.region_code) = ?", f->district_code);
	if (f->state)
		qb_text(&q, " AND a.state = ?", f->state);
	if (f->cycle_start)
		qb_int(&q, " AND a.cycle_start = ?", f->cycle_start);
	if (f->posted_on) {
		long d;

		/* under 公示 on day D: posted on D-6 ... D */
		if (date_to_days(f->posted_on, &d) < 0 ||
		    date_from_days(d - (REGFLOW_PUBLICITY_DAYS - 1), from) < 0) {
			buf_free(&q.sql);
			return STORE_ERROR;
		}
		qb_sql(&q, " AND a.state = 'decided'");
		qb_text(&q, " AND a.posted_at >= ?", from);
		qb_text(&q, " AND a.posted_at <= ?", f->posted_on);
	}
	qb_sql(&q, f->newest_first ? " ORDER BY a.id DESC" : " ORDER BY a.id");
	qb_int(&q, " LIMIT ?", limit);
	rc = qb_prepare(s, &q, &st);
	buf_free(&q.sql);
	if (rc < 0)
		return STORE_ERROR;
	*items = arena_alloc(a, sizeof **items * (size_t)cap);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap) {
			struct regflow_app *more = arena_alloc(a, sizeof *more * (size_t)cap * 2);

			memcpy(more, *items, sizeof *more * (size_t)cap);
			*items = more;
			cap *= 2;
		}
		app_from(st, a, &(*items)[(*n)++]);
	}
	stmt_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- the steps ---- */

static const char *actor_name(const struct actor *who)
{
	return who && who->name ? who->name : "system";
}

/* The audit row of a step: the application, the person's number masked
 * (the log is read by admins, as lists are), and what changed. */
static int audit_step(struct store *s, const struct actor *who, const char *action, int64_t id,
		      const char *id_number, const char *detail)
{
	struct actor system = { 0, "system", NULL };
	char object[96], masked[ID_NUMBER_LEN + 1];

	idcard_mask(id_number ? id_number : "", masked);
	snprintf(object, sizeof object, "registration:%lld/person:%s", (long long)id, masked);
	return audit_record(s, who ? who : &system, action, object, detail);
}

static int db_fail(struct store *s, struct err *e)
{
	err_set(e, ERR_INTERNAL, "the database failed: %s", store_errmsg(s));
	if (store_in_transaction(s))
		store_rollback(s);
	return -1;
}

static int fail(struct store *s, struct err *e)
{
	if (store_in_transaction(s))
		store_rollback(s);
	(void)e;
	return -1;
}

static const char SQL_CYCLE_STATES[] =
	"SELECT id, state, coalesce(outcome, '') FROM registration_applications"
	" WHERE person_id = ? AND cycle_start = ? ORDER BY id";

/* The check itself, on the caller's connection (inside its transaction
 * when it has one). */
static int check_apply(struct store *s, int64_t person_id, int cycle_start, const char *today,
		       struct regflow_check *out, struct err *e)
{
	struct stmt *st;
	bool deferred = false, final = false;
	int rc;

	memset(out, 0, sizeof *out);
	if (store_prepare(s, SQL_CYCLE_STATES, &st) < 0)
		return db_fail(s, e);
	stmt_bind_int(st, 1, person_id);
	stmt_bind_int(st, 2, cycle_start);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const char *state = stmt_text(st, 1), *outcome = stmt_text(st, 2);

		if (!strcmp(state, "applied") || !strcmp(state, "agreed"))
			out->open_id = stmt_int(st, 0);
		if (!strcmp(state, "decided")) {
			if (!strcmp(outcome, "deferred"))
				deferred = true;
			else
				final = true;
		}
	}
	stmt_done(st);
	if (rc < 0)
		return db_fail(s, e);
	if (registration_evaluate(s, person_id, cycle_start, today, &out->now, e) < 0)
		return -1;
	if (out->open_id)
		out->may = REGFLOW_UNDER_WAY;
	else if (final)
		out->may = REGFLOW_DECIDED;
	/* 教师〔2013〕9号 art. 12: a deferred teacher registers again once
	 * the conditions are met, not before */
	else if (deferred && out->now.outcome != REG_QUALIFIED)
		out->may = REGFLOW_NOT_MET;
	else
		out->may = REGFLOW_MAY_APPLY;
	return 0;
}

int regflow_apply_check(struct store *s, int64_t person_id, int cycle_start, const char *today,
			struct regflow_check *out, struct err *e)
{
	return check_apply(s, person_id, cycle_start, today, out, e);
}

static const char SQL_PERSON_NUMBER[] = "SELECT id_number, school_id IS NOT NULL FROM persons WHERE id = ?";
static const char SQL_INSERT[] =
	"INSERT INTO registration_applications (person_id, cycle_start, state, applied_at, statement)"
	" VALUES (?, ?, 'applied', ?, ?)";

int regflow_apply(struct store *s, const struct actor *who, int64_t person_id, int cycle_start,
		  const char *statement, const char *today, const char *now, int64_t *id,
		  struct err *e)
{
	struct regflow_check chk;
	struct stmt *st;
	char id_number[ID_NUMBER_LEN + 1] = "", detail[64];
	bool has_school = false;
	int rc;

	if (!statement)
		statement = "";
	if (strlen(statement) > REGFLOW_TEXT_MAX) {
		err_field(e, ERR_INVALID, "statement", "the statement is longer than %d bytes",
			  REGFLOW_TEXT_MAX);
		return -1;
	}
	if (store_begin(s, STORE_WRITE) < 0)
		return db_fail(s, e);
	if (store_prepare(s, SQL_PERSON_NUMBER, &st) < 0)
		return db_fail(s, e);
	stmt_bind_int(st, 1, person_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		snprintf(id_number, sizeof id_number, "%s", stmt_text(st, 0));
		has_school = stmt_int(st, 1) != 0;
	}
	stmt_done(st);
	if (rc < 0)
		return db_fail(s, e);
	if (rc != STORE_ROW) {
		err_set(e, ERR_NOT_FOUND, "no person %lld", (long long)person_id);
		return fail(s, e);
	}
	/* 教师〔2013〕9号 art. 9: the application goes through the school that
	 * employs her; with none, no one could review it */
	if (!has_school) {
		err_set(e, ERR_CONFLICT, "registration goes through a school, and the person has none");
		return fail(s, e);
	}
	if (check_apply(s, person_id, cycle_start, today, &chk, e) < 0)
		return fail(s, e);
	switch (chk.may) {
	case REGFLOW_UNDER_WAY:
		err_set(e, ERR_CONFLICT, "an application for the %d cycle is under way", cycle_start);
		return fail(s, e);
	case REGFLOW_DECIDED:
		err_set(e, ERR_CONFLICT, "the %d cycle is decided already", cycle_start);
		return fail(s, e);
	case REGFLOW_NOT_MET: {
		char reasons[REG_REASONS_TEXT_MAX];

		err_set(e, ERR_CONFLICT, "the conditions are not met yet: %s",
			registration_reasons_join(chk.now.reasons, ", ", reasons));
		return fail(s, e);
	}
	case REGFLOW_MAY_APPLY:
		break;
	}
	if (store_prepare(s, SQL_INSERT, &st) < 0)
		return db_fail(s, e);
	stmt_bind_int(st, 1, person_id);
	stmt_bind_int(st, 2, cycle_start);
	stmt_bind_text(st, 3, now);
	stmt_bind_text(st, 4, statement);
	rc = stmt_run(st);
	if (rc == STORE_ECONSTRAINT) {
		/* registration_applications_open: one under way per person and cycle */
		err_set(e, ERR_CONFLICT, "an application for the %d cycle is under way", cycle_start);
		return fail(s, e);
	}
	if (rc < 0)
		return db_fail(s, e);
	*id = store_last_insert_id(s);
	snprintf(detail, sizeof detail, "cycle=%d", cycle_start);
	if (audit_step(s, who, "registration.apply", *id, id_number, detail) < 0 || store_commit(s) < 0)
		return db_fail(s, e);
	return 0;
}

/* Reads the application inside the transaction; ERR_NOT_FOUND when absent. */
static int load(struct store *s, struct arena *a, int64_t id, struct regflow_app *app, struct err *e)
{
	int rc = regflow_get(s, a, id, app);

	if (rc == STORE_ENOTFOUND) {
		err_set(e, ERR_NOT_FOUND, "no application %lld", (long long)id);
		return fail(s, e);
	}
	return rc < 0 ? db_fail(s, e) : 0;
}

static int wrong_state(struct store *s, const struct regflow_app *app, const char *needs,
		       struct err *e)
{
	err_set(e, ERR_CONFLICT, "application %lld is %s, not %s", (long long)app->id, app->state, needs);
	return fail(s, e);
}

/* The update ran "WHERE state = <expected>": nothing changed means another
 * request moved it first. */
static int changed_one(struct store *s, int rc, const struct regflow_app *app, const char *needs,
		       struct err *e)
{
	if (rc < 0)
		return db_fail(s, e);
	if (store_changes(s) != 1)
		return wrong_state(s, app, needs, e);
	return 0;
}

static const char SQL_WITHDRAW[] =
	"UPDATE registration_applications SET state = 'withdrawn' WHERE id = ? AND state = 'applied'";
static const char SQL_AGREE[] =
	"UPDATE registration_applications SET state = 'agreed', school_by = ?, school_at = ?,"
	" school_comment = ? WHERE id = ? AND state = 'applied'";
static const char SQL_RETURN[] =
	"UPDATE registration_applications SET state = 'returned', school_by = ?, school_at = ?,"
	" school_comment = ? WHERE id = ? AND state = 'applied'";

/* A step from 'applied': the teacher's withdrawal, or her school's
 * agreement or return.  Whoever is not the person (person_id) or of her
 * school (school_code) finds no application at all: no probing. */
struct applied_step {
	const char *action;      /* the audit action */
	const char *sql;         /* binds (by, at, comment,) id */
	bool by_school;          /* the school's step: by, at and comment bound */
	int64_t person_id;       /* 0: any */
	const char *school_code; /* NULL: any */
	const char *comment;
};

static int step_from_applied(struct store *s, const struct actor *who, int64_t id,
			     const struct applied_step *step, const char *now, struct err *e)
{
	struct arena *a;
	struct regflow_app app;
	struct stmt *st;
	int rc = -1, i = 1;

	if (!(a = arena_new())) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (store_begin(s, STORE_WRITE) < 0) {
		db_fail(s, e);
		goto out;
	}
	if (load(s, a, id, &app, e) < 0)
		goto out;
	if ((step->person_id && app.person_id != step->person_id) ||
	    (step->school_code && strcmp(app.school_code, step->school_code))) {
		err_set(e, ERR_NOT_FOUND, "no application %lld", (long long)id);
		fail(s, e);
		goto out;
	}
	if (strcmp(app.state, "applied")) {
		wrong_state(s, &app, "applied", e);
		goto out;
	}
	if (store_prepare(s, step->sql, &st) < 0) {
		db_fail(s, e);
		goto out;
	}
	if (step->by_school) {
		stmt_bind_text(st, i++, actor_name(who));
		stmt_bind_text(st, i++, now);
		stmt_bind_text(st, i++, step->comment);
	}
	stmt_bind_int(st, i, id);
	if (changed_one(s, stmt_run(st), &app, "applied", e) < 0)
		goto out;
	if (audit_step(s, who, step->action, id, app.id_number, step->comment ? step->comment : "") < 0 ||
	    store_commit(s) < 0) {
		db_fail(s, e);
		goto out;
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}

int regflow_withdraw(struct store *s, const struct actor *who, int64_t id, int64_t person_id,
		     const char *now, struct err *e)
{
	struct applied_step step = { "registration.withdraw", SQL_WITHDRAW, false, person_id, NULL, NULL };

	/* an account without a person has no applications */
	if (!person_id) {
		err_set(e, ERR_NOT_FOUND, "no application %lld", (long long)id);
		return -1;
	}
	return step_from_applied(s, who, id, &step, now, e);
}

/* agree (returning = false) or return with a comment */
static int school_step(struct store *s, const struct actor *who, int64_t id, const char *school_code,
		       const char *comment, bool returning, const char *now, struct err *e)
{
	struct applied_step step = { returning ? "registration.return" : "registration.agree",
				     returning ? SQL_RETURN : SQL_AGREE, true, 0, school_code,
				     comment ? comment : "" };

	if (returning && !step.comment[strspn(step.comment, " \t\r\n")]) {
		err_field(e, ERR_INVALID, "comment", "a returned application needs a comment");
		return -1;
	}
	if (strlen(step.comment) > REGFLOW_TEXT_MAX) {
		err_field(e, ERR_INVALID, "comment", "the comment is longer than %d bytes",
			  REGFLOW_TEXT_MAX);
		return -1;
	}
	return step_from_applied(s, who, id, &step, now, e);
}

int regflow_agree(struct store *s, const struct actor *who, int64_t id, const char *school_code,
		  const char *now, struct err *e)
{
	return school_step(s, who, id, school_code, NULL, false, now, e);
}

int regflow_return(struct store *s, const struct actor *who, int64_t id, const char *school_code,
		   const char *comment, const char *now, struct err *e)
{
	return school_step(s, who, id, school_code, comment, true, now, e);
}

static const char SQL_DECIDE[] =
	"UPDATE registration_applications SET state = 'decided', decided_by = ?, decided_at = ?,"
	" outcome = ?, reasons = ?, hours10 = ?, required10 = ?, decision_note = ?, posted_at = ?,"
	" batch_id = ? WHERE id = ? AND state = 'agreed'";

/* The decision inside the caller's transaction; 1 decided, 0 left (only
 * qualified), -1 failed (rolled back). */
static int decide_in_tx(struct store *s, struct arena *a, const struct actor *who, int64_t id,
			const struct regflow_decision *d, const char *today, const char *now,
			struct registration_result *out, struct err *e)
{
	struct regflow_app app;
	struct stmt *st;
	char reasons[REG_REASONS_TEXT_MAX], detail[256], hours[HOURS_TEXT_MAX], req[HOURS_TEXT_MAX];
	const char *note = d->note ? d->note : "";

	if (load(s, a, id, &app, e) < 0)
		return -1;
	/* the district or county centre decides for the persons of its region */
	if (d->district_code && strcmp(app.district_code, d->district_code)) {
		err_set(e, ERR_NOT_FOUND, "no application %lld", (long long)id);
		return fail(s, e);
	}
	if (strcmp(app.state, "agreed"))
		return wrong_state(s, &app, "agreed", e);
	/* the outcome as the rules give it at this moment, not when she applied */
	if (registration_evaluate(s, app.person_id, app.cycle_start, today, out, e) < 0)
		return fail(s, e);
	if (d->only_qualified && out->outcome != REG_QUALIFIED)
		return 0;
	registration_reasons_join(out->reasons, ";", reasons);
	if (store_prepare(s, SQL_DECIDE, &st) < 0)
		return db_fail(s, e);
	stmt_bind_text(st, 1, actor_name(who));
	stmt_bind_text(st, 2, now);
	stmt_bind_text(st, 3, registration_outcome_code(out->outcome));
	stmt_bind_text(st, 4, reasons);
	stmt_bind_int(st, 5, out->hours10);
	stmt_bind_int(st, 6, out->required10);
	stmt_bind_text(st, 7, note);
	stmt_bind_text(st, 8, today);
	if (d->batch_id)
		stmt_bind_int(st, 9, d->batch_id);
	else
		stmt_bind_null(st, 9);
	stmt_bind_int(st, 10, id);
	if (changed_one(s, stmt_run(st), &app, "agreed", e) < 0)
		return -1;
	snprintf(detail, sizeof detail, "cycle=%d outcome=%s reasons=%s hours=%s required=%s",
		 app.cycle_start, registration_outcome_code(out->outcome), reasons,
		 hours_format(out->hours10, hours), hours_format(out->required10, req));
	if (d->batch_id)
		snprintf(detail + strlen(detail), sizeof detail - strlen(detail), " batch=%lld",
			 (long long)d->batch_id);
	if (audit_step(s, who, "registration.decide", id, app.id_number, detail) < 0)
		return db_fail(s, e);
	return 1;
}

int regflow_decide(struct store *s, const struct actor *who, int64_t id,
		   const struct regflow_decision *d, const char *today, const char *now,
		   struct registration_result *out, bool *decided, struct err *e)
{
	struct arena *a;
	int rc;

	*decided = false;
	if (d->note && strlen(d->note) > REGFLOW_TEXT_MAX) {
		err_field(e, ERR_INVALID, "note", "the note is longer than %d bytes", REGFLOW_TEXT_MAX);
		return -1;
	}
	if (!(a = arena_new())) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (store_begin(s, STORE_WRITE) < 0) {
		arena_free(a);
		return db_fail(s, e);
	}
	rc = decide_in_tx(s, a, who, id, d, today, now, out, e);
	arena_free(a);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		store_rollback(s);
		return 0;
	}
	if (store_commit(s) < 0)
		return db_fail(s, e);
	*decided = true;
	return 0;
}

/* ---- the batch ---- */

static const char SQL_BATCH_INSERT[] =
	"INSERT INTO registration_batches (cycle_start, scope, account_id, actor, state, created_at,"
	" beat_at) VALUES (?, ?, ?, ?, 'running', ?, ?)";

int regflow_batch_start(struct store *s, const struct actor *who, int cycle_start,
			const char *scope, const char *now, int64_t *id, struct err *e)
{
	struct actor system = { 0, "system", NULL };
	struct stmt *st;
	char detail[64], object[40];

	if (store_begin(s, STORE_WRITE) < 0 || store_prepare(s, SQL_BATCH_INSERT, &st) < 0)
		return db_fail(s, e);
	stmt_bind_int(st, 1, cycle_start);
	stmt_bind_text(st, 2, scope ? scope : "");
	if (who && who->account_id)
		stmt_bind_int(st, 3, who->account_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_text(st, 4, actor_name(who));
	stmt_bind_text(st, 5, now);
	stmt_bind_text(st, 6, now);
	if (stmt_run(st) < 0)
		return db_fail(s, e);
	*id = store_last_insert_id(s);
	snprintf(detail, sizeof detail, "cycle=%d scope=%s", cycle_start, scope && *scope ? scope : "all");
	snprintf(object, sizeof object, "registration_batch:%lld", (long long)*id);
	if (audit_record(s, who ? who : &system, "registration.batch", object, detail) < 0 ||
	    store_commit(s) < 0)
		return db_fail(s, e);
	return 0;
}

static const char SQL_BATCH_GET[] =
	"SELECT id, cycle_start, scope, coalesce(account_id, 0), actor, state, progress, total,"
	" decided, skipped, coalesce(message, ''), created_at, coalesce(finished_at, ''),"
	" coalesce(beat_at, created_at) FROM registration_batches WHERE id = ?";

int regflow_batch_get(struct store *s, struct arena *a, int64_t id, struct regflow_batch *out)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_BATCH_GET, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = stmt_int(st, 0);
		out->cycle_start = (int)stmt_int(st, 1);
		out->scope = arena_strdup(a, stmt_text(st, 2));
		out->account_id = stmt_int(st, 3);
		out->actor = arena_strdup(a, stmt_text(st, 4));
		out->state = arena_strdup(a, stmt_text(st, 5));
		out->progress = (int)stmt_int(st, 6);
		out->total = stmt_int(st, 7);
		out->decided = stmt_int(st, 8);
		out->skipped = stmt_int(st, 9);
		out->message = arena_strdup(a, stmt_text(st, 10));
		out->created_at = arena_strdup(a, stmt_text(st, 11));
		out->finished_at = arena_strdup(a, stmt_text(st, 12));
		out->beat_at = arena_strdup(a, stmt_text(st, 13));
	}
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

static const char SQL_BATCH_PROGRESS[] =
	"UPDATE registration_batches SET total = ?, progress = ?, decided = ?, skipped = ?,"
	" beat_at = ? WHERE id = ? AND state = 'running'";
static const char SQL_BATCH_FINISH[] =
	"UPDATE registration_batches SET state = ?, total = ?, progress = ?, decided = ?, skipped = ?,"
	" message = ?, finished_at = ? WHERE id = ? AND state = 'running'";
/* the agreed applications of the scope, fixed when the batch starts */
static const char SQL_BATCH_AGREED[] =
	"SELECT a.id FROM registration_applications a JOIN persons p ON p.id = a.person_id"
	" LEFT JOIN schools s ON s.id = p.school_id LEFT JOIN centres c ON c.id = p.centre_id"
	" WHERE a.state = 'agreed' AND a.cycle_start = ?"
	" AND (? = '' OR coalesce(s.district_code, c.region_code) = ?) ORDER BY a.id";

static int batch_write(struct store *s, const char *sql, int64_t id, const char *state,
		       int64_t total, int progress, int64_t decided, int64_t skipped,
		       const char *message, const char *now)
{
	struct stmt *st;
	int rc, i = 1;

	if (store_begin(s, STORE_WRITE) < 0)
		return -1;
	if (store_prepare(s, sql, &st) < 0) {
		store_rollback(s);
		return -1;
	}
	if (state)
		stmt_bind_text(st, i++, state);
	stmt_bind_int(st, i++, total);
	stmt_bind_int(st, i++, progress);
	stmt_bind_int(st, i++, decided);
	stmt_bind_int(st, i++, skipped);
	if (state)
		stmt_bind_text(st, i++, message);
	stmt_bind_text(st, i++, now);
	stmt_bind_int(st, i, id);
	rc = stmt_run(st);
	if (rc < 0 || store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	/* no row: the batch was marked interrupted under us; stop */
	return store_changes(s) == 0 ? 1 : 0;
}

int regflow_batch_run(struct store *s, int64_t batch_id, const char *today,
		      const volatile int *stop, struct err *e)
{
	struct arena *a = arena_new();
	struct regflow_batch b;
	struct stmt *st;
	int64_t *ids = NULL, n = 0, cap = 0, decided = 0, skipped = 0;
	int rc, last_permille = -1;
	char now[ISO_TIME_LEN];
	const char *state = "done", *message = "";
	struct actor who;

	if (!a) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (regflow_batch_get(s, a, batch_id, &b) < 0) {
		err_set(e, ERR_NOT_FOUND, "no batch %lld", (long long)batch_id);
		arena_free(a);
		return -1;
	}
	/* the decisions are the admin's who started the batch */
	who = (struct actor){ b.account_id, b.actor, NULL };

	if (store_prepare(s, SQL_BATCH_AGREED, &st) < 0)
		goto fail_db;
	stmt_bind_int(st, 1, b.cycle_start);
	stmt_bind_text(st, 2, b.scope);
	stmt_bind_text(st, 3, b.scope);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (n == cap) {
			int64_t *more;

			cap = cap ? cap * 2 : 256;
			more = arena_alloc(a, sizeof *more * (size_t)cap);
			if (n)
				memcpy(more, ids, sizeof *more * (size_t)n);
			ids = more;
		}
		ids[n++] = stmt_int(st, 0);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail_db;

	for (int64_t i = 0; i < n; i++) {
		struct regflow_decision d = { .district_code = *b.scope ? b.scope : NULL,
					      .batch_id = batch_id, .only_qualified = true };
		struct registration_result r;
		struct err one = { 0 };
		bool done = false;
		int permille;

		if (stop && *stop) {
			state = "failed";
			message = "stopped";
			break;
		}
		clock_now_iso(now);
		/* decided one by one meanwhile, or no longer qualified: skipped,
		 * left for a decision one by one */
		if (regflow_decide(s, &who, ids[i], &d, today, now, &r, &done, &one) < 0 &&
		    one.code != ERR_CONFLICT && one.code != ERR_NOT_FOUND) {
			state = "failed";
			message = arena_strdup(a, one.message);
			break;
		}
		if (done)
			decided++;
		else
			skipped++;
		permille = (int)((i + 1) * 1000 / n);
		if (permille != last_permille) {
			last_permille = permille;
			int w = batch_write(s, SQL_BATCH_PROGRESS, batch_id, NULL, n, permille,
					    decided, skipped, NULL, now);

			if (w < 0)
				goto fail_db;
			if (w > 0)
				break;  /* marked interrupted: the decisions made stay */
		}
	}
	clock_now_iso(now);
	if (batch_write(s, SQL_BATCH_FINISH, batch_id, state, n, !strcmp(state, "done") ? 1000 :
			last_permille < 0 ? 0 : last_permille, decided, skipped, message, now) < 0)
		goto fail_db;
	/* the message may live in the arena: say it before freeing */
	if (!strcmp(state, "failed")) {
		err_set(e, ERR_INTERNAL, "batch %lld: %s", (long long)batch_id, message);
		arena_free(a);
		return -1;
	}
	arena_free(a);
	return 0;

fail_db:
	err_set(e, ERR_INTERNAL, "the database failed: %s", store_errmsg(s));
	arena_free(a);
	return -1;
}

static const char SQL_BATCH_INTERRUPTED[] =
	"UPDATE registration_batches SET state = 'failed', message = 'interrupted', finished_at = ?"
	" WHERE id = ? AND state = 'running'";

int regflow_batch_interrupted(struct store *s, int64_t id, const char *now)
{
	struct stmt *st;

	if (store_begin(s, STORE_WRITE) < 0)
		return -1;
	if (store_prepare(s, SQL_BATCH_INTERRUPTED, &st) < 0) {
		store_rollback(s);
		return -1;
	}
	stmt_bind_text(st, 1, now);
	stmt_bind_int(st, 2, id);
	if (stmt_run(st) < 0 || store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}
