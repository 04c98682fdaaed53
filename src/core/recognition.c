/* recognition.c - recognition of activities (学时认定): the rules table,
 * applications with evidence, the two review steps, and the ledger entry
 * (see recognition.h).
 *
 * The cap (issue 6 §6: "hours beyond the yearly cap are refused with the
 * reason") is counted per person, activity kind and calendar year of the
 * activity date:
 *   - when she applies: approved + pending (applied, school_approved) of
 *     that kind in that year, plus this one, must not pass the cap of her
 *     district's rule, so what is pending can all be approved;
 *   - when the centre approves: approved ones plus this one, against the
 *     rule's cap of that moment (it may have been lowered, and another
 *     application may have been approved since), inside the transaction
 *     that writes the ledger entry.
 * Hours are tenths (DESIGN.md "Hours"); hours = items x hours per item. */
#include "recognition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "core/evidence.h"
#include "core/hours.h"
#include "core/ledger.h"
#include "core/query.h"
#include "core/registry.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/utf8.h"
#include "store/store.h"

/* 004_assessment.sql recognition_rules.kind, in the order the pages show */
const char *const recognition_kinds[] = {
	"research",    /* 课题研究 */
	"publication", /* 论文发表 */
	"open_lesson", /* 公开课 */
	"lecture",     /* 专题讲座 */
	"studio",      /* 工作室活动 */
	"degree",      /* 学历提升 */
	"mentoring",   /* 师徒结对 */
	NULL,
};

bool recognition_kind_valid(const char *kind)
{
	for (int i = 0; kind && recognition_kinds[i]; i++)
		if (!strcmp(kind, recognition_kinds[i]))
			return true;
	return false;
}

static int kind_order(const char *kind)
{
	for (int i = 0; recognition_kinds[i]; i++)
		if (!strcmp(kind, recognition_kinds[i]))
			return i;
	return 99;
}

static const char *col(struct stmt *st, struct arena *a, int c)
{
	return stmt_is_null(st, c) ? NULL : arena_strdup(a, stmt_text(st, c));
}

static int db_fail(struct store *s, struct stmt *st, struct err *err, const char *what)
{
	err_set(err, ERR_INTERNAL, "%s: %s", what, store_errmsg(s));
	if (st)
		stmt_done(st);
	return -1;
}

/* ---- the rules table ---- */

#define RULE_SELECT \
	"SELECT id, region_code, kind, category, hours10, cap10, active, updated_by, updated_at" \
	" FROM recognition_rules"

static const char sql_rules[] = RULE_SELECT " WHERE region_code = ? AND (? = 0 OR active = 1)";
static const char sql_rule_by_kind[] = RULE_SELECT
	" WHERE region_code = ? AND kind = ? AND active = 1";
static const char sql_rule_by_id[] = RULE_SELECT " WHERE id = ?";
static const char sql_rule_upsert[] =
	"INSERT INTO recognition_rules (region_code, kind, hours10, cap10, category, active,"
	" updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (region_code, kind) DO UPDATE SET hours10 = excluded.hours10,"
	" cap10 = excluded.cap10, category = excluded.category, active = excluded.active,"
	" updated_by = excluded.updated_by, updated_at = excluded.updated_at";
static const char sql_region_exists[] = "SELECT 1 FROM regions WHERE code = ?";

static void read_rule(struct stmt *st, struct arena *a, struct recognition_rule *r)
{
	r->id = stmt_int(st, 0);
	r->region_code = col(st, a, 1);
	r->kind = col(st, a, 2);
	r->category = col(st, a, 3);
	r->hours10 = (int32_t)stmt_int(st, 4);
	r->cap10 = (int32_t)stmt_int(st, 5);
	r->active = stmt_int(st, 6) != 0;
	r->updated_by = col(st, a, 7);
	r->updated_at = col(st, a, 8);
}

int recognition_rules(struct store *s, struct arena *a, const char *region_code, bool active_only,
		      struct recognition_rule **out, int *n, struct err *err)
{
	struct stmt *st = NULL;
	int cap = 8, rc;

	*n = 0;
	if (!(*out = arena_alloc(a, (size_t)cap * sizeof **out))) {
		err_set(err, ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (store_prepare(s, sql_rules, &st) < 0 || stmt_bind_text(st, 1, region_code ? region_code : "") ||
	    stmt_bind_int(st, 2, active_only))
		return db_fail(s, st, err, "cannot read the recognition rules");
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap && arena_grow(a, out, &cap, sizeof **out) < 0) {
			stmt_done(st);
			err_set(err, ERR_INTERNAL, "out of memory");
			return -1;
		}
		read_rule(st, a, &(*out)[(*n)++]);
	}
	stmt_done(st);
	if (rc < 0)
		return db_fail(s, NULL, err, "cannot read the recognition rules");
	/* the kinds' own order, not the table's: a short list, sorted by hand */
	for (int i = 1; i < *n; i++)
		for (int j = i; j > 0 && kind_order((*out)[j - 1].kind) > kind_order((*out)[j].kind); j--) {
			struct recognition_rule t = (*out)[j];

			(*out)[j] = (*out)[j - 1];
			(*out)[j - 1] = t;
		}
	return 0;
}

bool recognition_may_keep_rules(const struct principal *who, const char *region_code)
{
	if (!who || !region_code || !*region_code)
		return false;
	if (who->role == ROLE_SYSADMIN)
		return true;
	/* a district (county) centre keeps its own region's table; a municipal
	 * centre serves a domain across the city, not a region */
	return who->role == ROLE_CENTRE_ADMIN && !strcmp(who->centre_kind, "district") &&
	       !strcmp(who->region_code, region_code);
}

int recognition_rule_save(struct store *s, const struct recognition_rule *r, const struct actor *by,
			  struct err *err)
{
	struct stmt *st = NULL;
	char now[ISO_TIME_LEN], detail[200], object[64], h[HOURS_TEXT_MAX], c[HOURS_TEXT_MAX];
	int rc;

	if (!recognition_kind_valid(r->kind)) {
		err_field(err, ERR_INVALID, "kind", "'%s' is not an activity kind", r->kind ? r->kind : "");
		return -1;
	}
	if (r->hours10 <= 0 || r->hours10 > HOURS10_MAX) {
		err_field(err, ERR_INVALID, "hours", "the hours per item must be above 0 and at most %d",
			  HOURS10_MAX / 10);
		return -1;
	}
	if (r->cap10 < r->hours10 || r->cap10 > HOURS10_MAX) {
		/* a cap below one item would refuse every application */
		err_field(err, ERR_INVALID, "cap", "the yearly cap must be at least the hours of one item");
		return -1;
	}
	if (!hours_category_valid(r->category)) {
		err_field(err, ERR_INVALID, "category", "'%s' is not a category", r->category ? r->category : "");
		return -1;
	}
	if (store_begin(s, STORE_WRITE) < 0)
		return db_fail(s, NULL, err, "cannot start a transaction");
	if (store_prepare(s, sql_region_exists, &st) < 0 || stmt_bind_text(st, 1, r->region_code))
		goto fail;
	rc = stmt_step(st);
	stmt_done(st);
	st = NULL;
	if (rc < 0)
		goto fail;
	if (rc != STORE_ROW) {
		store_rollback(s);
		err_field(err, ERR_INVALID, "region", "no region has the code '%s'",
			  r->region_code ? r->region_code : "");
		return -1;
	}
	clock_now_iso(now);
	if (store_prepare(s, sql_rule_upsert, &st) < 0 || stmt_bind_text(st, 1, r->region_code) ||
	    stmt_bind_text(st, 2, r->kind) || stmt_bind_int(st, 3, r->hours10) ||
	    stmt_bind_int(st, 4, r->cap10) || stmt_bind_text(st, 5, r->category) ||
	    stmt_bind_int(st, 6, r->active) || stmt_bind_text(st, 7, by && by->name ? by->name : "system") ||
	    stmt_bind_text(st, 8, now) || stmt_run(st) < 0)
		goto fail;
	st = NULL;
	snprintf(detail, sizeof detail, "%s: %s h per item, cap %s h a year, category %s, %s", r->kind,
		 hours_format(r->hours10, h), hours_format(r->cap10, c), r->category,
		 r->active ? "active" : "inactive");
	snprintf(object, sizeof object, "recognition_rule:%s/%s", r->region_code, r->kind);
	if (audit_record(s, by, "recognition.rule", object, detail) < 0)
		goto fail;
	if (store_commit(s) < 0)
		goto fail;
	return 0;
fail:
	db_fail(s, st, err, "cannot save the recognition rule");
	store_rollback(s);
	return -1;
}

/* ---- applying ---- */

/* Where the person is: her school and its district. */
static const char sql_person_place[] =
	"SELECT s.code, s.district_code FROM persons p JOIN schools s ON s.id = p.school_id"
	" WHERE p.id = ?";
/* What a year already holds of a kind: pending and approved, or approved
 * alone (see the head of this file).  The year is the activity date's. */
static const char sql_used[] =
	"SELECT coalesce(sum(r.hours10), 0) FROM recognitions r"
	" JOIN recognition_rules k ON k.id = r.rule_id"
	" WHERE r.person_id = ? AND k.kind = ? AND substr(r.activity_date, 1, 4) = ?"
	" AND r.id <> ?"
	" AND (r.state = 'approved' OR (? = 1 AND r.state IN ('applied', 'school_approved')))";
static const char sql_insert[] =
	"INSERT INTO recognitions (person_id, rule_id, activity_date, items, hours10, title,"
	" description, state, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'applied', ?)";
static const char sql_insert_file[] =
	"INSERT INTO recognition_files (recognition_id, stored_name, original_name, mime, bytes,"
	" sha256, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = utf8_len(p);

		if (n <= 0)
			return false;
		p += n;
	}
	return true;
}

/* Tenths used of the kind's cap in the activity's year, other than
 * application 'except'. */
static int cap_used(struct store *s, int64_t person_id, const char *kind, const char *date,
		    int64_t except, bool with_pending, int32_t *used10)
{
	struct stmt *st = NULL;
	char year[5];

	snprintf(year, sizeof year, "%.4s", date);
	if (store_prepare(s, sql_used, &st) < 0 || stmt_bind_int(st, 1, person_id) ||
	    stmt_bind_text(st, 2, kind) || stmt_bind_text(st, 3, year) || stmt_bind_int(st, 4, except) ||
	    stmt_bind_int(st, 5, with_pending) || stmt_step(st) != STORE_ROW) {
		stmt_done(st);
		return -1;
	}
	*used10 = (int32_t)stmt_int(st, 0);
	stmt_done(st);
	return 0;
}

/* Refuses hours beyond the cap, saying how much is left. */
static int cap_check(const struct recognition_rule *rule, const char *date, int32_t used10,
		     int32_t asked10, struct recognition_cap *cap, struct err *err)
{
	char c[HOURS_TEXT_MAX], u[HOURS_TEXT_MAX], l[HOURS_TEXT_MAX];
	int32_t left10 = rule->cap10 > used10 ? rule->cap10 - used10 : 0;

	if ((int64_t)used10 + asked10 <= rule->cap10)
		return 0;
	if (cap) {
		cap->cap10 = rule->cap10;
		cap->used10 = used10;
		cap->asked10 = asked10;
		cap->left10 = left10;
		cap->year = atoi(date);
	}
	err_field(err, ERR_CONFLICT, "cap",
		  "beyond the yearly cap: %s hours a year for this kind, %s already recognised or "
		  "pending in %.4s, %s left", hours_format(rule->cap10, c), hours_format(used10, u), date,
		  hours_format(left10, l));
	return -1;
}

static int check_input(const struct recognition_input *in, const char *today, const char **mimes,
		       struct err *err)
{
	long d, t;

	if (!recognition_kind_valid(in->kind)) {
		err_field(err, ERR_INVALID, "kind", "choose an activity kind");
		return -1;
	}
	if (!in->activity_date || date_to_days(in->activity_date, &d) < 0) {
		err_field(err, ERR_INVALID, "activity_date", "the activity date must be a date (YYYY-MM-DD)");
		return -1;
	}
	if (date_to_days(today, &t) == 0 && d > t) {
		err_field(err, ERR_INVALID, "activity_date", "the activity date %s is in the future",
			  in->activity_date);
		return -1;
	}
	if (in->items < 1 || in->items > RECOG_ITEMS_MAX) {
		err_field(err, ERR_INVALID, "items", "the number of items must be 1 to %d", RECOG_ITEMS_MAX);
		return -1;
	}
	if (!in->title || !*in->title || strlen(in->title) > RECOG_TITLE_MAX || !utf8_valid(in->title)) {
		err_field(err, ERR_INVALID, "title", "a title of 1 to %d bytes is required", RECOG_TITLE_MAX);
		return -1;
	}
	if (in->description && (strlen(in->description) > RECOG_DESCRIPTION_MAX ||
				!utf8_valid(in->description))) {
		err_field(err, ERR_INVALID, "description", "the description is longer than %d bytes",
			  RECOG_DESCRIPTION_MAX);
		return -1;
	}
	if (in->nfiles < 1 || in->nfiles > RECOG_FILES_MAX) {
		err_field(err, ERR_INVALID, "files", "send 1 to %d evidence files", RECOG_FILES_MAX);
		return -1;
	}
	for (int i = 0; i < in->nfiles; i++) {
		const char *name = in->files[i].original_name;

		if (evidence_check(in->files[i].data, in->files[i].len, &mimes[i], err) < 0) {
			char msg[sizeof err->message], field[sizeof err->field];

			snprintf(msg, sizeof msg, "%s", err->message);
			snprintf(field, sizeof field, "%s", err->field);
			err_field(err, ERR_INVALID, field, "%s: %s", name && *name ? name : "file", msg);
			return -1;
		}
		if (!name || !*name || strlen(name) > RECOG_FILENAME_MAX || !utf8_valid(name)) {
			err_field(err, ERR_INVALID, "files", "a file name must be 1 to %d bytes of UTF-8",
				  RECOG_FILENAME_MAX);
			return -1;
		}
	}
	return 0;
}

int recognition_apply(struct store *s, const char *files_dir, const struct recognition_input *in,
		      const char *today, const struct actor *by, int64_t *id,
		      struct recognition_cap *cap, struct err *err)
{
	struct arena a;
	struct stmt *st = NULL;
	struct recognition_rule rule;
	const char *mimes[RECOG_FILES_MAX];
	char names[RECOG_FILES_MAX][EVIDENCE_NAME_LEN + 1], sums[RECOG_FILES_MAX][EVIDENCE_SHA256_LEN + 1];
	char now[ISO_TIME_LEN], h[HOURS_TEXT_MAX], object[40], *detail;
	const char *district;
	int stored = 0, rc;
	int32_t used10, asked10;
	int64_t rid;
	bool began = false;

	arena_init(&a);
	if (check_input(in, today, mimes, err) < 0)
		goto out_fail;
	/* the files first, outside the lock: a failure below removes them */
	for (stored = 0; stored < in->nfiles; stored++)
		if (evidence_write(files_dir, in->files[stored].data, in->files[stored].len, names[stored],
				   sums[stored], err) < 0)
			goto out_fail;
	if (store_begin(s, STORE_WRITE) < 0)
		goto db;
	began = true;
	if (store_prepare(s, sql_person_place, &st) < 0 || stmt_bind_int(st, 1, in->person_id))
		goto db;
	rc = stmt_step(st);
	if (rc < 0)
		goto db;
	if (rc != STORE_ROW) {
		stmt_done(st);
		st = NULL;
		err_field(err, ERR_INVALID, "school", "recognition is for teachers of a school");
		goto out_fail;
	}
	district = arena_strdup(&a, stmt_text(st, 1));
	stmt_done(st);
	st = NULL;
	/* the rule of her school's district, switched on */
	if (store_prepare(s, sql_rule_by_kind, &st) < 0 || stmt_bind_text(st, 1, district) ||
	    stmt_bind_text(st, 2, in->kind))
		goto db;
	rc = stmt_step(st);
	if (rc < 0)
		goto db;
	if (rc != STORE_ROW) {
		stmt_done(st);
		st = NULL;
		err_field(err, ERR_INVALID, "kind", "your district recognises no activity of kind '%s'",
			  in->kind);
		goto out_fail;
	}
	read_rule(st, &a, &rule);
	stmt_done(st);
	st = NULL;
	if ((int64_t)in->items * rule.hours10 > HOURS10_MAX) {
		err_field(err, ERR_INVALID, "items", "too many items for one application");
		goto out_fail;
	}
	asked10 = (int32_t)(in->items * rule.hours10);
	if (cap_used(s, in->person_id, rule.kind, in->activity_date, 0, true, &used10) < 0)
		goto db;
	if (cap_check(&rule, in->activity_date, used10, asked10, cap, err) < 0)
		goto out_fail;
	clock_now_iso(now);
	if (store_prepare(s, sql_insert, &st) < 0 || stmt_bind_int(st, 1, in->person_id) ||
	    stmt_bind_int(st, 2, rule.id) || stmt_bind_text(st, 3, in->activity_date) ||
	    stmt_bind_int(st, 4, in->items) || stmt_bind_int(st, 5, asked10) ||
	    stmt_bind_text(st, 6, in->title) || stmt_bind_text(st, 7, in->description ? in->description : "") ||
	    stmt_bind_text(st, 8, now) || stmt_run(st) < 0)
		goto db;
	st = NULL;
	rid = store_last_insert_id(s);
	for (int i = 0; i < in->nfiles; i++)
		if (store_prepare(s, sql_insert_file, &st) < 0 || stmt_bind_int(st, 1, rid) ||
		    stmt_bind_text(st, 2, names[i]) || stmt_bind_text(st, 3, in->files[i].original_name) ||
		    stmt_bind_text(st, 4, mimes[i]) || stmt_bind_int(st, 5, (int64_t)in->files[i].len) ||
		    stmt_bind_text(st, 6, sums[i]) || stmt_bind_text(st, 7, now) || stmt_run(st) < 0)
			goto db;
	st = NULL;
	snprintf(object, sizeof object, "recognition:%lld", (long long)rid);
	detail = arena_printf(&a, "person %lld, %s, %d item(s), %s h, %s, %d file(s)",
			      (long long)in->person_id, rule.kind, in->items, hours_format(asked10, h),
			      in->activity_date, in->nfiles);
	if (!detail || audit_record(s, by, "recognition.apply", object, detail) < 0 || store_commit(s) < 0)
		goto db;
	if (id)
		*id = rid;
	arena_release(&a);
	return 0;
db:
	err_set(err, ERR_INTERNAL, "cannot record the application: %s", store_errmsg(s));
	if (st)
		stmt_done(st);
out_fail:
	if (began)
		store_rollback(s);
	/* a failed application leaves no files behind */
	for (int i = 0; i < stored; i++)
		evidence_remove(files_dir, names[i]);
	arena_release(&a);
	return -1;
}

/* ---- withdrawing and reviewing ---- */

static const char sql_withdraw[] =
	"UPDATE recognitions SET state = 'withdrawn'"
	" WHERE id = ? AND person_id = ? AND state IN ('applied', 'school_approved')";
static const char sql_owner[] = "SELECT person_id, state FROM recognitions WHERE id = ?";

int recognition_withdraw(struct store *s, int64_t id, int64_t person_id, const struct actor *by,
			 struct err *err)
{
	struct stmt *st = NULL;
	char object[40];
	int rc;

	if (store_begin(s, STORE_WRITE) < 0)
		return db_fail(s, NULL, err, "cannot start a transaction");
	if (store_prepare(s, sql_withdraw, &st) < 0 || stmt_bind_int(st, 1, id) ||
	    stmt_bind_int(st, 2, person_id) || stmt_run(st) < 0)
		goto fail;
	st = NULL;
	if (store_changes(s) != 1) {
		/* why not: someone else's (not found, as for any outsider), or
		 * no longer in a state she may withdraw from */
		if (store_prepare(s, sql_owner, &st) < 0 || stmt_bind_int(st, 1, id))
			goto fail;
		rc = stmt_step(st);
		if (rc < 0)
			goto fail;
		if (rc != STORE_ROW || stmt_int(st, 0) != person_id)
			err_set(err, ERR_NOT_FOUND, "no application %lld of yours", (long long)id);
		else
			err_field(err, ERR_CONFLICT, "state", "the application is %s: it cannot be withdrawn",
				  stmt_text(st, 1));
		stmt_done(st);
		store_rollback(s);
		return -1;
	}
	snprintf(object, sizeof object, "recognition:%lld", (long long)id);
	if (audit_record(s, by, "recognition.withdraw", object, NULL) < 0 || store_commit(s) < 0)
		goto fail;
	return 0;
fail:
	db_fail(s, st, err, "cannot withdraw the application");
	store_rollback(s);
	return -1;
}

bool recognition_may_review(const struct principal *who, const char *school_code,
			    const char *district_code, const char *state)
{
	if (!who || !state)
		return false;
	/* first the school (her school's admin), then the district centre of
	 * her school's district (DOMAIN.md "Recognition") */
	if (who->role == ROLE_SCHOOL_ADMIN)
		return !strcmp(state, "applied") && school_code && !strcmp(school_code, who->scope);
	if (who->role == ROLE_CENTRE_ADMIN)
		return !strcmp(state, "school_approved") && !strcmp(who->centre_kind, "district") &&
		       district_code && !strcmp(district_code, who->region_code);
	return false;
}

static const char sql_school_step[] =
	"UPDATE recognitions SET state = ?, school_by = ?, school_at = ?, school_comment = ?"
	" WHERE id = ? AND state = 'applied'";
static const char sql_centre_step[] =
	"UPDATE recognitions SET state = ?, centre_by = ?, centre_at = ?, centre_comment = ?,"
	" record_id = ? WHERE id = ? AND state = 'school_approved'";

int recognition_review(struct store *s, const struct principal *who, int64_t id,
		       enum recognition_decision d, const char *comment, const struct actor *by,
		       struct recognition_cap *cap, struct err *err)
{
	struct arena a;
	struct recognition r;
	struct recognition_rule rule;
	struct stmt *st = NULL;
	char now[ISO_TIME_LEN], record[24], object[40], h[HOURS_TEXT_MAX];
	const char *detail, *new_state;
	bool school_step;
	int rc;

	if (comment && (strlen(comment) > RECOG_COMMENT_MAX || !utf8_valid(comment))) {
		err_field(err, ERR_INVALID, "comment", "the comment is longer than %d bytes", RECOG_COMMENT_MAX);
		return -1;
	}
	if (d == RECOG_RETURN && (!comment || !*comment)) {
		/* she must learn what to change */
		err_field(err, ERR_INVALID, "comment", "say why the application is returned");
		return -1;
	}
	arena_init(&a);
	if (store_begin(s, STORE_WRITE) < 0) {
		arena_release(&a);
		return db_fail(s, NULL, err, "cannot start a transaction");
	}
	if (recognition_get(s, &a, id, &r, err) < 0)
		goto out_fail;
	if (!recognition_may_see(who, &r)) {
		err_set(err, ERR_NOT_FOUND, "no application %lld", (long long)id);
		goto out_fail;
	}
	if (!recognition_may_review(who, r.school_code, r.district_code, r.state)) {
		/* a centre too early is not its turn; anyone too late finds it
		 * decided (two reviewers clicking at once: the second) */
		if (who->role == ROLE_CENTRE_ADMIN && !strcmp(r.state, "applied"))
			err_set(err, ERR_FORBIDDEN, "the application waits for the school's review");
		else if (who->role == ROLE_SCHOOL_ADMIN || who->role == ROLE_CENTRE_ADMIN)
			err_field(err, ERR_CONFLICT, "state", "the application is %s already", r.state);
		else
			err_set(err, ERR_FORBIDDEN, "only the school and the district centre review");
		goto out_fail;
	}
	school_step = !strcmp(r.state, "applied");
	clock_now_iso(now);
	snprintf(object, sizeof object, "recognition:%lld", (long long)id);
	record[0] = '\0';
	if (school_step) {
		new_state = d == RECOG_APPROVE ? "school_approved" : "returned";
		if (store_prepare(s, sql_school_step, &st) < 0 || stmt_bind_text(st, 1, new_state) ||
		    stmt_bind_text(st, 2, by && by->name ? by->name : "system") || stmt_bind_text(st, 3, now) ||
		    stmt_bind_text(st, 4, comment && *comment ? comment : NULL) || stmt_bind_int(st, 5, id) ||
		    stmt_run(st) < 0)
			goto db;
		st = NULL;
	} else {
		new_state = d == RECOG_APPROVE ? "approved" : "returned";
		if (d == RECOG_APPROVE) {
			struct ledger_new e = { 0 };
			int32_t used10;

			if (store_prepare(s, sql_rule_by_id, &st) < 0 || stmt_bind_int(st, 1, r.rule_id))
				goto db;
			rc = stmt_step(st);
			if (rc != STORE_ROW)
				goto db;
			read_rule(st, &a, &rule);
			stmt_done(st);
			st = NULL;
			/* others may have been approved since she applied, or
			 * the cap lowered: the ledger never holds more */
			if (cap_used(s, r.person_id, rule.kind, r.activity_date, r.id, false, &used10) < 0)
				goto db;
			if (cap_check(&rule, r.activity_date, used10, r.hours10, cap, err) < 0)
				goto out_fail;
			/* "A" for activity: no other source numbers its entries so,
			 * and a reversal ("R" + the number) cannot take it */
			snprintf(record, sizeof record, "A%lld", (long long)id);
			e.person_id = r.person_id;
			e.day = r.activity_date;
			e.hours10 = r.hours10;
			e.category = rule.category;
			e.source = "recognition";
			e.record_id = record;
			e.title = r.title;
			e.issuer = who->scope_name[0] ? who->scope_name : NULL;
			rc = ledger_add_entry(s, &e, by, NULL, err);
			if (rc == LEDGER_DUPLICATE) {
				err_field(err, ERR_CONFLICT, "state", "ledger entry %s exists already", record);
				goto out_fail;
			}
			if (rc < 0)
				goto out_fail;
		}
		if (store_prepare(s, sql_centre_step, &st) < 0 || stmt_bind_text(st, 1, new_state) ||
		    stmt_bind_text(st, 2, by && by->name ? by->name : "system") || stmt_bind_text(st, 3, now) ||
		    stmt_bind_text(st, 4, comment && *comment ? comment : NULL) ||
		    stmt_bind_text(st, 5, record[0] ? record : NULL) || stmt_bind_int(st, 6, id) ||
		    stmt_run(st) < 0)
			goto db;
		st = NULL;
	}
	/* the state it expected: under BEGIN IMMEDIATE nobody can have moved
	 * it since it was read, and the WHERE makes sure of it */
	if (store_changes(s) != 1) {
		err_field(err, ERR_CONFLICT, "state", "the application was decided by someone else");
		goto out_fail;
	}
	detail = arena_printf(&a, "%s -> %s (%s h)%s%s%s%s", r.state, new_state,
			      hours_format(r.hours10, h), record[0] ? ", ledger " : "", record,
			      comment && *comment ? ": " : "", comment && *comment ? comment : "");
	if (!detail || audit_record(s, by, d == RECOG_APPROVE ? "recognition.approve" : "recognition.return",
				    object, detail) < 0 || store_commit(s) < 0)
		goto db;
	arena_release(&a);
	return 0;
db:
	err_set(err, ERR_INTERNAL, "cannot record the review: %s", store_errmsg(s));
	if (st)
		stmt_done(st);
out_fail:
	store_rollback(s);
	arena_release(&a);
	return -1;
}

/* ---- reading ---- */

#define APP_SELECT \
	"SELECT r.id, r.person_id, r.rule_id, p.id_number, p.name, s.code, s.name, s.district_code," \
	" k.kind, k.category, r.activity_date, r.title, r.description, r.state, r.applied_at," \
	" r.school_by, r.school_at, r.school_comment, r.centre_by, r.centre_at, r.centre_comment," \
	" r.record_id, r.items, r.hours10" \
	" FROM recognitions r JOIN persons p ON p.id = r.person_id" \
	" JOIN recognition_rules k ON k.id = r.rule_id" \
	" LEFT JOIN schools s ON s.id = p.school_id LEFT JOIN centres c ON c.id = p.centre_id"

static const char sql_get[] = APP_SELECT " WHERE r.id = ?";
static const char sql_files[] =
	"SELECT id, recognition_id, bytes, stored_name, original_name, mime, sha256, uploaded_at"
	" FROM recognition_files WHERE recognition_id = ? ORDER BY id";

static void read_app(struct stmt *st, struct arena *a, struct recognition *r)
{
	memset(r, 0, sizeof *r);
	r->id = stmt_int(st, 0);
	r->person_id = stmt_int(st, 1);
	r->rule_id = stmt_int(st, 2);
	r->id_number = col(st, a, 3);
	r->person_name = col(st, a, 4);
	r->school_code = col(st, a, 5);
	r->school_name = col(st, a, 6);
	r->district_code = col(st, a, 7);
	r->kind = col(st, a, 8);
	r->category = col(st, a, 9);
	r->activity_date = col(st, a, 10);
	r->title = col(st, a, 11);
	r->description = col(st, a, 12);
	r->state = col(st, a, 13);
	r->applied_at = col(st, a, 14);
	r->school_by = col(st, a, 15);
	r->school_at = col(st, a, 16);
	r->school_comment = col(st, a, 17);
	r->centre_by = col(st, a, 18);
	r->centre_at = col(st, a, 19);
	r->centre_comment = col(st, a, 20);
	r->record_id = col(st, a, 21);
	r->items = (int)stmt_int(st, 22);
	r->hours10 = (int32_t)stmt_int(st, 23);
}

int recognition_get(struct store *s, struct arena *a, int64_t id, struct recognition *out,
		    struct err *err)
{
	struct stmt *st = NULL;
	int rc, cap = RECOG_FILES_MAX;

	if (store_prepare(s, sql_get, &st) < 0 || stmt_bind_int(st, 1, id))
		return db_fail(s, st, err, "cannot read the application");
	rc = stmt_step(st);
	if (rc < 0)
		return db_fail(s, st, err, "cannot read the application");
	if (rc != STORE_ROW) {
		stmt_done(st);
		err_set(err, ERR_NOT_FOUND, "no application %lld", (long long)id);
		return -1;
	}
	read_app(st, a, out);
	stmt_done(st);
	if (!(out->files = arena_alloc(a, (size_t)cap * sizeof *out->files))) {
		err_set(err, ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (store_prepare(s, sql_files, &st) < 0 || stmt_bind_int(st, 1, id))
		return db_fail(s, st, err, "cannot read the evidence files");
	while ((rc = stmt_step(st)) == STORE_ROW) {
		struct recognition_file *f;

		if (out->nfiles == cap && arena_grow(a, &out->files, &cap, sizeof *out->files) < 0) {
			stmt_done(st);
			err_set(err, ERR_INTERNAL, "out of memory");
			return -1;
		}
		f = &out->files[out->nfiles++];
		f->id = stmt_int(st, 0);
		f->recognition_id = stmt_int(st, 1);
		f->bytes = stmt_int(st, 2);
		f->stored_name = col(st, a, 3);
		f->original_name = col(st, a, 4);
		f->mime = col(st, a, 5);
		f->sha256 = col(st, a, 6);
		f->uploaded_at = col(st, a, 7);
	}
	stmt_done(st);
	return rc < 0 ? db_fail(s, NULL, err, "cannot read the evidence files") : 0;
}

int recognition_file_owner(struct store *s, int64_t file_id, int64_t *recognition_id)
{
	static const char sql_file_owner[] = "SELECT recognition_id FROM recognition_files WHERE id = ?";
	struct stmt *st = NULL;
	int rc;

	*recognition_id = 0;
	if (store_prepare(s, sql_file_owner, &st) < 0 || stmt_bind_int(st, 1, file_id)) {
		stmt_done(st);
		return -1;
	}
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*recognition_id = stmt_int(st, 0);
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

bool recognition_may_see(const struct principal *who, const struct recognition *r)
{
	struct authz_target t = { 0 };

	if (!who || !r)
		return false;
	switch (who->role) {
	case ROLE_SYSADMIN:
		return true;
	case ROLE_TEACHER:
		return who->person_id && who->person_id == r->person_id;
	case ROLE_SCHOOL_ADMIN:
		return r->school_code && !strcmp(r->school_code, who->scope);
	case ROLE_CENTRE_ADMIN:
		/* the reviewing centre: her school's district's */
		return !strcmp(who->centre_kind, "district") && r->district_code &&
		       !strcmp(r->district_code, who->region_code);
	case ROLE_BUREAU:
		/* reads everything in its region (DOMAIN.md roles) */
		t.person_id = r->person_id;
		t.school_code = r->school_code;
		t.district_code = r->district_code;
		return authz_permits(who, PERM_HOURS_READ, &t);
	default:
		return false;
	}
}

int recognition_list(struct store *s, struct arena *a, const struct principal *who,
		     const struct recognition_filter *f, struct recognition **out, int *n,
		     struct err *err)
{
	struct registry_scope sc;
	struct qb q = { 0 };
	struct stmt *st = NULL;
	int cap = 16, rc;

	*n = 0;
	registry_scope_of(who, &sc);
	/* a municipal centre reviews no recognitions: the district does */
	if (who && who->role == ROLE_CENTRE_ADMIN && strcmp(who->centre_kind, "district"))
		sc.nothing = true;
	if (who && who->role == ROLE_CENTRE_ADMIN)
		sc.centre_code = NULL; /* her own staff apply through no school */
	if (!(*out = arena_alloc(a, (size_t)cap * sizeof **out))) {
		err_set(err, ERR_INTERNAL, "out of memory");
		return -1;
	}
	qb_sql(&q, APP_SELECT " WHERE 1 = 1");
	qb_person_scope(&q, &sc);
	if (f && f->person_id)
		qb_int(&q, " AND r.person_id = ?", f->person_id);
	if (f && f->state && !strcmp(f->state, "pending"))
		qb_sql(&q, " AND r.state IN ('applied', 'school_approved')");
	else if (f && f->state && *f->state)
		qb_text(&q, " AND r.state = ?", f->state);
	qb_int(&q, " ORDER BY r.id DESC LIMIT ?", f && f->limit > 0 ? f->limit : 200);
	if (qb_prepare(s, &q, &st) < 0) {
		buf_free(&q.sql);
		return db_fail(s, NULL, err, "cannot list the applications");
	}
	buf_free(&q.sql);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap && arena_grow(a, out, &cap, sizeof **out) < 0) {
			stmt_done(st);
			err_set(err, ERR_INTERNAL, "out of memory");
			return -1;
		}
		read_app(st, a, &(*out)[(*n)++]);
	}
	stmt_done(st);
	return rc < 0 ? db_fail(s, NULL, err, "cannot list the applications") : 0;
}

/* ---- the demo ---- */

/* The demo districts' rules (issue 6 brief): publication 6 h an item,
 * at most 12 a year; open lesson 4, cap 12; lecture 3, cap 9; mentoring
 * 10, cap 10. */
int recognition_demo(struct store *s, const char *const *district_codes, int ndistricts,
		     const char *teacher_id_number, const char *today)
{
	static const struct { const char *kind; int32_t hours10, cap10; const char *category; } rules[] = {
		{ "publication", 60, 120, "other" },
		{ "open_lesson", 40, 120, "other" },
		{ "lecture", 30, 90, "other" },
		{ "mentoring", 100, 100, "other" },
	};
	static const char sql_demo_rule[] =
		"INSERT INTO recognition_rules (region_code, kind, hours10, cap10, category, active,"
		" updated_by, updated_at) VALUES (?, ?, ?, ?, ?, 1, 'demo', ?)";
	static const char sql_demo_app[] =
		"INSERT INTO recognitions (person_id, rule_id, activity_date, items, hours10, title,"
		" description, state, applied_at)"
		" SELECT p.id, k.id, ?, 1, k.hours10, ?, ?, 'applied', ?"
		" FROM persons p JOIN schools sc ON sc.id = p.school_id"
		" JOIN recognition_rules k ON k.region_code = sc.district_code AND k.kind = 'open_lesson'"
		" WHERE p.id_number = ?";
	char now[ISO_TIME_LEN], day[DATE_LEN + 1];
	struct stmt *st;
	long days;

	clock_now_iso(now);
	for (int d = 0; d < ndistricts; d++)
		for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
			if (store_prepare(s, sql_demo_rule, &st) < 0 || stmt_bind_text(st, 1, district_codes[d]) ||
			    stmt_bind_text(st, 2, rules[i].kind) || stmt_bind_int(st, 3, rules[i].hours10) ||
			    stmt_bind_int(st, 4, rules[i].cap10) || stmt_bind_text(st, 5, rules[i].category) ||
			    stmt_bind_text(st, 6, now) || stmt_run(st) < 0)
				return -1;
	/* a pending open lesson, given a week ago, waiting for the school */
	if (date_to_days(today, &days) < 0 || date_from_days(days - 7, day) < 0)
		return -1;
	if (!teacher_id_number)
		return 0;
	if (store_prepare(s, sql_demo_app, &st) < 0 || stmt_bind_text(st, 1, day) ||
	    stmt_bind_text(st, 2, "区级公开课《分数的初步认识》") ||
	    stmt_bind_text(st, 3, "在区教研活动中执教公开课一节，听课教师 40 人。") ||
	    stmt_bind_text(st, 4, now) || stmt_bind_text(st, 5, teacher_id_number) || stmt_run(st) < 0)
		return -1;
	return 0;
}
