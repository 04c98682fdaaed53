/* enrolment.c - enrolment, quotas and the waiting list (see enrolment.h).
 *
 * Every change runs in one STORE_WRITE transaction (SQLite BEGIN
 * IMMEDIATE): the write lock is taken before anything is read, so the
 * counts a decision rests on cannot change under it, and writers queue
 * behind SQLite's busy handler.  On top of that each seat is taken by one
 * conditional statement that re-counts the seats itself, so even a wrong
 * count in C could never seat more than the capacity (DOMAIN.md: enrolment
 * never exceeds capacity, also when thousands try at the same second). */
#include "core/enrolment.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/authz.h"
#include "lib/buf.h"
#include "core/programme.h"
#include "lib/clock.h"
#include "lib/idcard.h"
#include "store/store.h"

/* ------------------------------------------------------------------------
 * Programmes and audiences
 *
 * The programme row as enrolment needs it (seat rules, quotas); who may
 * enrol is programme_audience_admits()'s, shared with the catalogue.
 * --------------------------------------------------------------------- */

static const char sql_programme[] =
	"SELECT g.id, g.centre_id, g.code, g.title, g.status, g.enrol_open, g.enrol_close,"
	" c.code, c.name, g.capacity, g.quota_released"
	" FROM programmes g JOIN centres c ON c.id = g.centre_id WHERE g.code = ?";

int enrolment_programme_get(struct store *s, struct arena *a, const char *code,
			    struct enrol_programme *out)
{
	struct stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (!code || !*code)
		return STORE_ENOTFOUND;
	if (store_prepare(s, sql_programme, &st) != 0 || stmt_bind_text(st, 1, code) != 0)
		return STORE_ERROR;
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		out->centre_id = stmt_int(st, 1);
		out->code = arena_strdup(a, stmt_text(st, 2));
		out->title = arena_strdup(a, stmt_text(st, 3));
		out->status = arena_strdup(a, stmt_text(st, 4));
		out->enrol_open = arena_strdup(a, stmt_text(st, 5));
		out->enrol_close = arena_strdup(a, stmt_text(st, 6));
		out->centre_code = arena_strdup(a, stmt_text(st, 7));
		out->centre_name = arena_strdup(a, stmt_text(st, 8));
		out->capacity = (int)stmt_int(st, 9);
		out->quota_released = stmt_int(st, 10) != 0;
		rc = out->code && out->title && out->status ? 0 : STORE_ERROR;
	} else if (rc == STORE_DONE) {
		rc = STORE_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* 1 admitted, 0 not, negative a store error: the audience rule is
 * programme.c's, the same the catalogue shows. */
static int audience_admits(struct store *s, int64_t programme_id, int64_t person_id)
{
	struct programme p = { .id = programme_id }; /* only the id is read */
	int rc = 0;
	bool admitted = programme_audience_admits(s, &p, person_id, &rc);

	return rc < 0 ? rc : admitted;
}

bool enrolment_manages(const struct principal *p, const struct enrol_programme *pg)
{
	if (!p)
		return true;
	if (!authz_permits(p, PERM_PROGRAMMES_MANAGE, NULL))
		return false;
	/* a centre runs the enrolment of the programmes it organises:
	 * programme.c's one rule of who runs a programme */
	{
		struct programme prog = { .centre_code = pg->centre_code };

		return programme_manageable(p, &prog);
	}
}

/* ------------------------------------------------------------------------
 * Persons and who may act on them
 * --------------------------------------------------------------------- */

struct person_facts {
	int64_t id, school_id;
	char id_number[19], name[129], status[16];
	char school_code[11], district_code[7], stage[16], ownership[8], centre_code[33];
};

static const char sql_person[] =
	"SELECT p.id, p.id_number, p.name, p.status, p.school_id, s.code, s.district_code,"
	" s.stage, s.ownership, c.code"
	" FROM persons p LEFT JOIN schools s ON s.id = p.school_id"
	" LEFT JOIN centres c ON c.id = p.centre_id WHERE p.id = ?";

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* 0, STORE_ENOTFOUND or a negative store error. */
static int person_facts_get(struct store *s, int64_t person_id, struct person_facts *f)
{
	struct stmt *st;
	int rc;

	memset(f, 0, sizeof *f);
	if (store_prepare(s, sql_person, &st) != 0 || stmt_bind_int(st, 1, person_id) != 0)
		return STORE_ERROR;
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		f->id = stmt_int(st, 0);
		copy(f->id_number, sizeof f->id_number, stmt_text(st, 1));
		copy(f->name, sizeof f->name, stmt_text(st, 2));
		copy(f->status, sizeof f->status, stmt_text(st, 3));
		f->school_id = stmt_is_null(st, 4) ? 0 : stmt_int(st, 4);
		copy(f->school_code, sizeof f->school_code, stmt_text(st, 5));
		copy(f->district_code, sizeof f->district_code, stmt_text(st, 6));
		copy(f->stage, sizeof f->stage, stmt_text(st, 7));
		copy(f->ownership, sizeof f->ownership, stmt_text(st, 8));
		copy(f->centre_code, sizeof f->centre_code, stmt_text(st, 9));
		rc = 0;
	} else if (rc == STORE_DONE) {
		rc = STORE_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* The registry's rule for one person (registry_view_person_permits()): a
 * centre's own staff, who have no school, belong to that centre alone. */
static bool person_permits(const struct principal *p, enum permission perm, int64_t person_id,
			   const char *school_code, const char *district_code, const char *stage,
			   const char *ownership, const char *centre_code)
{
	struct authz_target t;

	if ((!school_code || !*school_code) && p->role == ROLE_CENTRE_ADMIN)
		return authz_permits(p, perm, NULL) && centre_code && !strcmp(centre_code, p->scope);
	memset(&t, 0, sizeof t);
	t.person_id = person_id;
	t.school_code = school_code && *school_code ? school_code : NULL;
	t.district_code = district_code && *district_code ? district_code : NULL;
	t.stage = stage && *stage ? stage : NULL;
	t.ownership = ownership && *ownership ? ownership : NULL;
	return authz_permits(p, perm, &t);
}

/* Who may enrol or withdraw whom: a teacher herself; a school admin her
 * school's people; a centre admin the people in her scope, for programmes
 * her centre organises; the system admin anyone. */
static bool may_act_on(const struct principal *p, const struct enrol_programme *pg,
		       const struct person_facts *f)
{
	if (!p)
		return true;
	if (p->role == ROLE_CENTRE_ADMIN && !enrolment_manages(p, pg))
		return false;
	return person_permits(p, PERM_ENROL, f->id, f->school_code, f->district_code, f->stage,
			      f->ownership, f->centre_code);
}

static const char *via_of(const struct principal *p)
{
	if (!p)
		return "centre";
	switch (p->role) {
	case ROLE_TEACHER: return "self";
	case ROLE_SCHOOL_ADMIN: return "school";
	default: return "centre";
	}
}

/* ------------------------------------------------------------------------
 * Seats
 * --------------------------------------------------------------------- */

static const char sql_live_row[] =
	"SELECT id, status, quota_school_id FROM enrolments"
	" WHERE programme_id = ? AND person_id = ? AND status <> 'withdrawn'";

static const char sql_pool_counts[] =
	"SELECT"
	" (SELECT count(*) FROM enrolments WHERE programme_id = ? AND status = 'seated'"
	"   AND quota_school_id IS NULL),"
	" (SELECT count(*) FROM enrolments WHERE programme_id = ? AND status = 'seated'"
	"   AND quota_school_id IS NOT NULL),"
	" (SELECT coalesce(sum(places), 0) FROM programme_quotas WHERE programme_id = ?),"
	" (SELECT count(*) FROM enrolments WHERE programme_id = ? AND status = 'waiting'),"
	" (SELECT capacity FROM programmes WHERE id = ?),"
	" (SELECT quota_released FROM programmes WHERE id = ?)";

static const char sql_quota_free[] =
	"SELECT q.places - (SELECT count(*) FROM enrolments e WHERE e.programme_id = q.programme_id"
	"  AND e.status = 'seated' AND e.quota_school_id = q.school_id)"
	" FROM programme_quotas q WHERE q.programme_id = ? AND q.school_id = ?";

/* The seat itself: inserted only while its pool and the whole programme
 * still have room, counted by the statement itself. */
static const char sql_seat_open[] =
	"INSERT INTO enrolments (programme_id, person_id, status, via, quota_school_id, at,"
	" seated_at, by_actor)"
	" SELECT ?, ?, 'seated', ?, NULL, ?, ?, ?"
	" WHERE (SELECT count(*) FROM enrolments WHERE programme_id = ? AND status = 'seated'"
	"   AND quota_school_id IS NULL) < ?"
	" AND (SELECT count(*) FROM enrolments WHERE programme_id = ? AND status = 'seated')"
	"   < (SELECT capacity FROM programmes WHERE id = ?)";

static const char sql_seat_quota[] =
	"INSERT INTO enrolments (programme_id, person_id, status, via, quota_school_id, at,"
	" seated_at, by_actor)"
	" SELECT ?, ?, 'seated', ?, ?, ?, ?, ?"
	" WHERE (SELECT count(*) FROM enrolments WHERE programme_id = ? AND status = 'seated'"
	"   AND quota_school_id = ?)"
	"   < (SELECT places FROM programme_quotas WHERE programme_id = ? AND school_id = ?)"
	" AND (SELECT count(*) FROM enrolments WHERE programme_id = ? AND status = 'seated')"
	"   < (SELECT capacity FROM programmes WHERE id = ?)";

static const char sql_wait[] =
	"INSERT INTO enrolments (programme_id, person_id, status, via, quota_school_id, at, by_actor)"
	" VALUES (?, ?, 'waiting', ?, NULL, ?, ?)";

static const char sql_position[] =
	"SELECT count(*) FROM enrolments WHERE programme_id = ? AND status = ? AND id <= ?";

struct pool {
	int seated_open, seated_quota, quota_sum, waiting, capacity;
	bool released;
};

static int pool_read(struct store *s, int64_t programme_id, struct pool *p)
{
	struct stmt *st;
	int rc;

	memset(p, 0, sizeof *p);
	if (store_prepare(s, sql_pool_counts, &st) != 0)
		return STORE_ERROR;
	for (int i = 1; i <= 6; i++)
		if (stmt_bind_int(st, i, programme_id) != 0) {
			stmt_done(st);
			return STORE_ERROR;
		}
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		p->seated_open = (int)stmt_int(st, 0);
		p->seated_quota = (int)stmt_int(st, 1);
		p->quota_sum = (int)stmt_int(st, 2);
		p->waiting = (int)stmt_int(st, 3);
		p->capacity = (int)stmt_int(st, 4);
		p->released = stmt_int(st, 5) != 0;
		rc = 0;
	} else if (rc == STORE_DONE) {
		rc = STORE_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* The open pool's size: the capacity less the reserved places, or, once
 * they are released, less the seats taken under a quota. */
static int open_pool_size(const struct pool *p)
{
	int n = p->capacity - (p->released ? p->seated_quota : p->quota_sum);

	return n < 0 ? 0 : n;
}

/* Free places of a school's quota; 0 without one (or once released). */
static int quota_free(struct store *s, const struct pool *p, int64_t programme_id, int64_t school_id,
		      int *out)
{
	struct stmt *st;
	int rc;

	*out = 0;
	if (p->released || school_id <= 0)
		return 0;
	if (store_prepare(s, sql_quota_free, &st) != 0 || stmt_bind_int(st, 1, programme_id) != 0 ||
	    stmt_bind_int(st, 2, school_id) != 0)
		return STORE_ERROR;
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*out = (int)stmt_int(st, 0);
	stmt_done(st);
	return rc < 0 ? rc : 0;
}

static int position_of(struct store *s, int64_t programme_id, const char *status, int64_t id,
		       int *out)
{
	struct stmt *st;
	int rc;

	*out = 0;
	if (store_prepare(s, sql_position, &st) != 0 || stmt_bind_int(st, 1, programme_id) != 0 ||
	    stmt_bind_text(st, 2, status) != 0 || stmt_bind_int(st, 3, id) != 0)
		return STORE_ERROR;
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*out = (int)stmt_int(st, 0);
	stmt_done(st);
	return rc < 0 ? rc : 0;
}

/* Tries to seat a new row in the quota (school_id > 0) or the open pool of
 * `limit` seats; *seated says whether it did.  Inside the transaction. */
static int try_seat(struct store *s, int64_t programme_id, int64_t person_id, const char *via,
		    int64_t school_id, int limit, const char *now, const char *by, bool *seated)
{
	struct stmt *st;
	int rc;

	*seated = false;
	if (school_id > 0) {
		if (store_prepare(s, sql_seat_quota, &st) != 0)
			return STORE_ERROR;
		rc = stmt_bind_int(st, 1, programme_id) || stmt_bind_int(st, 2, person_id) ||
		     stmt_bind_text(st, 3, via) || stmt_bind_int(st, 4, school_id) ||
		     stmt_bind_text(st, 5, now) || stmt_bind_text(st, 6, now) ||
		     stmt_bind_text(st, 7, by) || stmt_bind_int(st, 8, programme_id) ||
		     stmt_bind_int(st, 9, school_id) || stmt_bind_int(st, 10, programme_id) ||
		     stmt_bind_int(st, 11, school_id) || stmt_bind_int(st, 12, programme_id) ||
		     stmt_bind_int(st, 13, programme_id);
	} else {
		if (store_prepare(s, sql_seat_open, &st) != 0)
			return STORE_ERROR;
		rc = stmt_bind_int(st, 1, programme_id) || stmt_bind_int(st, 2, person_id) ||
		     stmt_bind_text(st, 3, via) || stmt_bind_text(st, 4, now) ||
		     stmt_bind_text(st, 5, now) || stmt_bind_text(st, 6, by) ||
		     stmt_bind_int(st, 7, programme_id) || stmt_bind_int(st, 8, limit) ||
		     stmt_bind_int(st, 9, programme_id) || stmt_bind_int(st, 10, programme_id);
	}
	if (rc != 0) {
		stmt_done(st);
		return STORE_ERROR;
	}
	rc = stmt_run(st);
	if (rc != 0)
		return rc;
	*seated = store_changes(s) == 1;
	return 0;
}

/* ---- the waiting list moves up ---- */

static const char sql_waiting_rows[] =
	"SELECT e.id, e.via, p.school_id FROM enrolments e JOIN persons p ON p.id = e.person_id"
	" WHERE e.programme_id = ? AND e.status = 'waiting' ORDER BY e.id";

static const char sql_quota_rows_free[] =
	"SELECT q.school_id, q.places - (SELECT count(*) FROM enrolments e"
	"  WHERE e.programme_id = q.programme_id AND e.status = 'seated'"
	"  AND e.quota_school_id = q.school_id)"
	" FROM programme_quotas q WHERE q.programme_id = ?";

/* Seats a waiting row; the statement re-checks the capacity itself. */
static const char sql_promote[] =
	"UPDATE enrolments SET status = 'seated', quota_school_id = ?, seated_at = ?, promoted = 1"
	" WHERE id = ? AND status = 'waiting'"
	" AND (SELECT count(*) FROM enrolments WHERE programme_id = ? AND status = 'seated')"
	"   < (SELECT capacity FROM programmes WHERE id = ?)";

struct waiting_row {
	int64_t id, school_id;
	bool school_nominee;
};

struct school_free {
	int64_t school_id;
	int free;
};

static int promote_one(struct store *s, int64_t programme_id, int64_t enrolment_id,
		       int64_t quota_school_id, const char *now, bool *done)
{
	struct stmt *st;
	int rc;

	*done = false;
	if (store_prepare(s, sql_promote, &st) != 0)
		return STORE_ERROR;
	rc = (quota_school_id > 0 ? stmt_bind_int(st, 1, quota_school_id) : stmt_bind_null(st, 1)) ||
	     stmt_bind_text(st, 2, now) || stmt_bind_int(st, 3, enrolment_id) ||
	     stmt_bind_int(st, 4, programme_id) || stmt_bind_int(st, 5, programme_id);
	if (rc != 0) {
		stmt_done(st);
		return STORE_ERROR;
	}
	rc = stmt_run(st);
	if (rc != 0)
		return rc;
	*done = store_changes(s) == 1;
	return 0;
}

/* Moves the waiting list up into every free place, inside the caller's
 * transaction: in arrival order, a school's nominee into her school's free
 * quota place, anyone into a free seat of the open pool.  The promoted
 * rows' ids go to promoted[0..*npromoted-1] (up to max).  A school's quota
 * is held for its nominees, so it never goes to self-enrolled teachers. */
static int fill_from_waiting(struct store *s, int64_t programme_id, const char *now,
			     int64_t *promoted, int max, int *npromoted)
{
	struct pool p;
	struct stmt *st;
	struct waiting_row *rows = NULL;
	struct school_free *quotas = NULL;
	int nrows = 0, cap = 0, nquotas = 0, qcap = 0, open_free, rc;

	*npromoted = 0;
	if ((rc = pool_read(s, programme_id, &p)) != 0)
		return rc;
	if (p.waiting == 0)
		return 0;
	open_free = open_pool_size(&p) - p.seated_open;
	if (!p.released) {
		if (store_prepare(s, sql_quota_rows_free, &st) != 0 || stmt_bind_int(st, 1, programme_id) != 0)
			return STORE_ERROR;
		while ((rc = stmt_step(st)) == STORE_ROW) {
			if (nquotas == qcap) {
				struct school_free *more;

				qcap = qcap ? qcap * 2 : 16;
				more = realloc(quotas, (size_t)qcap * sizeof *quotas);
				if (!more) {
					rc = STORE_ERROR;
					break;
				}
				quotas = more;
			}
			quotas[nquotas].school_id = stmt_int(st, 0);
			quotas[nquotas].free = (int)stmt_int(st, 1);
			nquotas++;
		}
		stmt_done(st);
		if (rc != STORE_DONE)
			goto fail;
	}
	{
		bool any_quota = false;

		for (int q = 0; q < nquotas; q++)
			any_quota |= quotas[q].free > 0;
		if (open_free <= 0 && !any_quota) {
			free(quotas);
			return 0;
		}
	}
	if (store_prepare(s, sql_waiting_rows, &st) != 0 || stmt_bind_int(st, 1, programme_id) != 0) {
		rc = STORE_ERROR;
		goto fail;
	}
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (nrows == cap) {
			struct waiting_row *more;

			cap = cap ? cap * 2 : 64;
			more = realloc(rows, (size_t)cap * sizeof *rows);
			if (!more) {
				rc = STORE_ERROR;
				break;
			}
			rows = more;
		}
		rows[nrows].id = stmt_int(st, 0);
		rows[nrows].school_nominee = !strcmp(stmt_text(st, 1), "school");
		rows[nrows].school_id = stmt_is_null(st, 2) ? 0 : stmt_int(st, 2);
		nrows++;
	}
	stmt_done(st);
	if (rc != STORE_DONE)
		goto fail;

	for (int i = 0; i < nrows; i++) {
		struct school_free *q = NULL;
		bool done;
		int64_t quota_school = 0;

		if (rows[i].school_nominee)
			for (int k = 0; k < nquotas; k++)
				if (quotas[k].school_id == rows[i].school_id && quotas[k].free > 0)
					q = &quotas[k];
		if (q)
			quota_school = q->school_id;
		else if (open_free <= 0)
			continue;
		if ((rc = promote_one(s, programme_id, rows[i].id, quota_school, now, &done)) != 0)
			goto fail;
		if (!done)
			break; /* the programme is full: nothing more can move */
		if (q)
			q->free--;
		else
			open_free--;
		if (*npromoted < max)
			promoted[*npromoted] = rows[i].id;
		(*npromoted)++;
	}
	free(rows);
	free(quotas);
	return 0;
fail:
	free(rows);
	free(quotas);
	return rc < 0 ? rc : STORE_ERROR;
}

/* ------------------------------------------------------------------------
 * Enrol and withdraw
 * --------------------------------------------------------------------- */

/* Enrolment's writers in this process queue here before they take the
 * database's write lock.  SQLite lets a writer that finds the lock taken
 * nap and retry (store/sqlite.c on_busy(): 1 to 20 ms), which in a rush
 * leaves the lock idle between writers; waiting on a mutex, the next one
 * starts the moment the last commits (bench/rush.sh, docs/performance.md).
 * The lock itself, and so the capacity, stays the database's: this only
 * orders the queue.  Never held across anything but one transaction. */
static pthread_mutex_t writers = PTHREAD_MUTEX_INITIALIZER;

static void writers_enter(void)
{
	pthread_mutex_lock(&writers);
}

static void writers_leave(void)
{
	pthread_mutex_unlock(&writers);
}

static int fail_db(struct store *s, struct err *err)
{
	err_set(err, ERR_INTERNAL, "enrolment could not be written: %s", store_errmsg(s));
	store_rollback(s);
	return -1;
}

/* The state a programme must be in: self-enrolment and a school's
 * nomination need it published and today within the window; the centre
 * may also assign after the window, or while enrolment is closed, so a
 * late participant can still be added (docs/enrolment.md). */
static int check_open(const struct enrol_programme *pg, const char *via, const char *today,
		      struct err *err)
{
	bool centre = !strcmp(via, "centre");

	if (centre) {
		if (strcmp(pg->status, "published") && strcmp(pg->status, "closed")) {
			err_field(err, ERR_INVALID, "status", "programme '%s' is %s: it takes no enrolments",
				pg->code, pg->status);
			return -1;
		}
		return 0;
	}
	if (strcmp(pg->status, "published")) {
		err_field(err, ERR_INVALID, "status", "programme '%s' is %s: it takes no enrolments", pg->code,
			pg->status);
		return -1;
	}
	if (strcmp(today, pg->enrol_open) < 0) {
		err_field(err, ERR_INVALID, "window", "enrolment in '%s' opens on %s", pg->code, pg->enrol_open);
		return -1;
	}
	if (strcmp(today, pg->enrol_close) > 0) {
		err_field(err, ERR_INVALID, "window", "enrolment in '%s' closed on %s", pg->code, pg->enrol_close);
		return -1;
	}
	return 0;
}

static int live_row(struct store *s, int64_t programme_id, int64_t person_id, int64_t *id,
		    char status[16], int64_t *quota_school)
{
	struct stmt *st;
	int rc;

	*id = 0;
	if (store_prepare(s, sql_live_row, &st) != 0 || stmt_bind_int(st, 1, programme_id) != 0 ||
	    stmt_bind_int(st, 2, person_id) != 0)
		return STORE_ERROR;
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		if (status)
			copy(status, 16, stmt_text(st, 1));
		if (quota_school)
			*quota_school = stmt_is_null(st, 2) ? 0 : stmt_int(st, 2);
	}
	stmt_done(st);
	return rc < 0 ? rc : 0;
}

static const char *actor_name(const struct actor *by)
{
	return by && by->name ? by->name : "system";
}

static int audit(struct store *s, const struct actor *by, const char *action,
		 const struct enrol_programme *pg, const char *id_number, const char *detail)
{
	struct actor system = { 0, "system", NULL };
	char object[96], masked[ID_NUMBER_LEN + 1];

	if (id_number) {
		/* the audit log is read by admins: the number masked, as in lists */
		idcard_mask(id_number, masked);
		snprintf(object, sizeof object, "programme:%s/person:%s", pg->code, masked);
	} else {
		snprintf(object, sizeof object, "programme:%s", pg->code);
	}
	return audit_record(s, by ? by : &system, action, object, detail);
}

static const char sql_last_arrival[] =
	"SELECT at FROM enrolments WHERE id = (SELECT max(id) FROM enrolments WHERE programme_id = ?)";

/* The later of now and the last arrival in the programme, into out. */
static int arrival_time(struct store *s, int64_t programme_id, const char *now,
			char out[ISO_TIME_LEN + 8])
{
	struct stmt *st;
	int rc;

	copy(out, ISO_TIME_LEN + 8, now);
	if (store_prepare(s, sql_last_arrival, &st) != 0 || stmt_bind_int(st, 1, programme_id) != 0)
		return STORE_ERROR;
	rc = stmt_step(st);
	if (rc == STORE_ROW && strcmp(stmt_text(st, 0), now) > 0)
		copy(out, ISO_TIME_LEN + 8, stmt_text(st, 0));
	stmt_done(st);
	return rc < 0 ? rc : 0;
}

/* Inside the caller's transaction: the seat decision.  0 done, 1 enrolled
 * already (err says so), or a negative store error. */
static int enrol_locked(struct store *s, const struct enrol_programme *pg,
			const struct person_facts *f, const char *via, const char *now,
			const char *by, struct enrol_result *res, struct err *err)
{
	struct pool p;
	char status[16], at[ISO_TIME_LEN + 8];
	int64_t existing, quota_school = 0;
	int free_in_quota = 0, rc;
	bool seated = false;

	if ((rc = live_row(s, pg->id, f->id, &existing, status, NULL)) != 0)
		return rc;
	if (existing) {
		err_set(err, ERR_CONFLICT, "already enrolled in '%s' (%s)", pg->code, status);
		return 1;
	}
	if ((rc = pool_read(s, pg->id, &p)) != 0)
		return rc;
	/* 'at' is when the row took its place in line: never before the row
	 * ahead of it, though its request may have been read first */
	if ((rc = arrival_time(s, pg->id, now, at)) != 0)
		return rc;
	now = at;
	/* a school's nomination takes a place of its own quota first */
	if (!strcmp(via, "school")) {
		if ((rc = quota_free(s, &p, pg->id, f->school_id, &free_in_quota)) != 0)
			return rc;
		if (free_in_quota > 0)
			quota_school = f->school_id;
	}
	if (quota_school)
		rc = try_seat(s, pg->id, f->id, via, quota_school, 0, now, by, &seated);
	if (rc == 0 && !seated && open_pool_size(&p) > p.seated_open)
		rc = try_seat(s, pg->id, f->id, via, 0, open_pool_size(&p), now, by, &seated);
	if (rc == STORE_ECONSTRAINT)
		goto conflict;
	if (rc != 0)
		return rc;
	if (!seated) {
		struct stmt *st;

		if (store_prepare(s, sql_wait, &st) != 0)
			return STORE_ERROR;
		if (stmt_bind_int(st, 1, pg->id) || stmt_bind_int(st, 2, f->id) ||
		    stmt_bind_text(st, 3, via) || stmt_bind_text(st, 4, now) || stmt_bind_text(st, 5, by)) {
			stmt_done(st);
			return STORE_ERROR;
		}
		rc = stmt_run(st);
		if (rc == STORE_ECONSTRAINT)
			goto conflict;
		if (rc != 0)
			return rc;
	}
	res->id = store_last_insert_id(s);
	res->status = seated ? "seated" : "waiting";
	res->via = via;
	return position_of(s, pg->id, res->status, res->id, &res->position);
conflict:
	/* the unique index enrolments_once: only reachable if another writer
	 * got in, which BEGIN IMMEDIATE rules out; answered all the same */
	err_set(err, ERR_CONFLICT, "already enrolled in '%s'", pg->code);
	return 1;
}

static int enrol_tx(struct store *s, const struct actor *by, const struct enrol_programme *pg,
		    const struct person_facts *f, const char *via, const char *now,
		    struct enrol_result *res, struct err *err);

int enrolment_enrol(struct store *s, const struct principal *who, const struct actor *by,
		    const struct enrol_programme *pg, int64_t person_id, const char *today,
		    const char *now, struct enrol_result *res, struct err *err)
{
	struct person_facts f;
	const char *via = via_of(who);
	int rc;

	memset(res, 0, sizeof *res);
	rc = person_facts_get(s, person_id, &f);
	if (rc == STORE_ENOTFOUND) {
		err_set(err, ERR_NOT_FOUND, "no such person");
		return -1;
	}
	if (rc != 0) {
		err_set(err, ERR_INTERNAL, "cannot read the person: %s", store_errmsg(s));
		return -1;
	}
	if (!may_act_on(who, pg, &f)) {
		err_field(err, ERR_FORBIDDEN, "person", who && who->role == ROLE_TEACHER ?
			  "a teacher enrols herself only" :
			  "this person is outside your scope for programme '%s'", pg->code);
		return -1;
	}
	if (check_open(pg, via, today, err) < 0)
		return -1;
	if (strcmp(f.status, "serving")) {
		err_field(err, ERR_INVALID, "person_status", "only serving teachers enrol; this person is %s",
			  f.status);
		return -1;
	}
	rc = audience_admits(s, pg->id, f.id);
	if (rc < 0) {
		err_set(err, ERR_INTERNAL, "cannot read the audience: %s", store_errmsg(s));
		return -1;
	}
	if (rc == 0) {
		err_field(err, ERR_FORBIDDEN, "audience",
			  "programme '%s' is not open to this person (its audience)", pg->code);
		return -1;
	}

	writers_enter();
	rc = enrol_tx(s, by, pg, &f, via, now, res, err);
	writers_leave();
	return rc;
}

/* The write transaction of enrolment_enrol(). */
static int enrol_tx(struct store *s, const struct actor *by, const struct enrol_programme *pg,
		    const struct person_facts *f, const char *via, const char *now,
		    struct enrol_result *res, struct err *err)
{
	char detail[64];
	int rc;

	/* DOMAIN.md: enrolment never exceeds capacity.  The write lock from
	 * here to the commit makes the count and the seat one step. */
	if (store_begin(s, STORE_WRITE) != 0) {
		err_set(err, ERR_INTERNAL, "cannot start a transaction: %s", store_errmsg(s));
		return -1;
	}
	rc = enrol_locked(s, pg, f, via, now, actor_name(by), res, err);
	if (rc == 1) {
		store_rollback(s);
		return -1;
	}
	if (rc != 0)
		return fail_db(s, err);
	snprintf(detail, sizeof detail, "%s %d via %s", res->status, res->position, via);
	if (audit(s, by, "enrolment.enrol", pg, f->id_number, detail) < 0)
		return fail_db(s, err);
	if (store_commit(s) != 0)
		return fail_db(s, err);
	return 0;
}

static const char sql_withdraw[] =
	"UPDATE enrolments SET status = 'withdrawn', withdrawn_at = ? WHERE id = ? AND status <> 'withdrawn'";

static const char sql_person_of_enrolment[] =
	"SELECT p.id, p.id_number, p.name FROM enrolments e JOIN persons p ON p.id = e.person_id"
	" WHERE e.id = ?";

static int withdraw_tx(struct store *s, const struct principal *who, const struct actor *by,
		       const struct enrol_programme *pg, int64_t person_id, const char *now,
		       struct withdraw_result *res, struct err *err)
{
	struct person_facts f;
	struct stmt *st;
	char status[16];
	int64_t row, promoted[1];
	int npromoted = 0, rc;

	memset(res, 0, sizeof *res);
	rc = person_facts_get(s, person_id, &f);
	if (rc == STORE_ENOTFOUND) {
		err_set(err, ERR_NOT_FOUND, "no such person");
		return -1;
	}
	if (rc != 0) {
		err_set(err, ERR_INTERNAL, "cannot read the person: %s", store_errmsg(s));
		return -1;
	}
	if (!may_act_on(who, pg, &f)) {
		err_field(err, ERR_FORBIDDEN, "person", who && who->role == ROLE_TEACHER ?
			  "a teacher withdraws herself only" :
			  "this person is outside your scope for programme '%s'", pg->code);
		return -1;
	}
	/* once a programme is over its list is its record (attendance, score) */
	if (!strcmp(pg->status, "completed") || !strcmp(pg->status, "cancelled")) {
		err_set(err, ERR_INVALID, "programme '%s' is %s: its list no longer changes", pg->code,
			pg->status);
		return -1;
	}
	if (store_begin(s, STORE_WRITE) != 0) {
		err_set(err, ERR_INTERNAL, "cannot start a transaction: %s", store_errmsg(s));
		return -1;
	}
	if (live_row(s, pg->id, f.id, &row, status, NULL) != 0)
		return fail_db(s, err);
	if (!row) {
		store_rollback(s);
		err_set(err, ERR_NOT_FOUND, "not enrolled in '%s'", pg->code);
		return -1;
	}
	if (store_prepare(s, sql_withdraw, &st) != 0 || stmt_bind_text(st, 1, now) != 0 ||
	    stmt_bind_int(st, 2, row) != 0 || stmt_run(st) != 0)
		return fail_db(s, err);
	/* the freed place goes to the first in line, in the same transaction */
	if (!strcmp(status, "seated") &&
	    fill_from_waiting(s, pg->id, now, promoted, 1, &npromoted) != 0)
		return fail_db(s, err);
	if (npromoted > 0) {
		if (store_prepare(s, sql_person_of_enrolment, &st) != 0 ||
		    stmt_bind_int(st, 1, promoted[0]) != 0)
			return fail_db(s, err);
		if (stmt_step(st) == STORE_ROW) {
			res->promoted_person_id = stmt_int(st, 0);
			copy(res->promoted_id_number, sizeof res->promoted_id_number, stmt_text(st, 1));
			copy(res->promoted_name, sizeof res->promoted_name, stmt_text(st, 2));
		}
		stmt_done(st);
	}
	if (audit(s, by, "enrolment.withdraw", pg, f.id_number, status) < 0)
		return fail_db(s, err);
	if (npromoted > 0 &&
	    audit(s, by, "enrolment.promote", pg, res->promoted_id_number, "from the waiting list") < 0)
		return fail_db(s, err);
	if (store_commit(s) != 0)
		return fail_db(s, err);
	return 0;
}

int enrolment_withdraw(struct store *s, const struct principal *who, const struct actor *by,
		       const struct enrol_programme *pg, int64_t person_id, const char *now,
		       struct withdraw_result *res, struct err *err)
{
	int rc;

	writers_enter();
	rc = withdraw_tx(s, who, by, pg, person_id, now, res, err);
	writers_leave();
	return rc;
}

/* ------------------------------------------------------------------------
 * Quotas
 * --------------------------------------------------------------------- */

static const char sql_quotas[] =
	"SELECT s.code, s.name, q.places, (SELECT count(*) FROM enrolments e"
	"  WHERE e.programme_id = q.programme_id AND e.status = 'seated'"
	"  AND e.quota_school_id = q.school_id)"
	" FROM programme_quotas q JOIN schools s ON s.id = q.school_id"
	" WHERE q.programme_id = ? ORDER BY s.code";

int enrolment_quotas(struct store *s, struct arena *a, int64_t programme_id,
		     struct quota_row **rows, int *n)
{
	struct stmt *st;
	int cap = 16, rc;

	*n = 0;
	*rows = arena_alloc(a, (size_t)cap * sizeof **rows);
	if (!*rows || store_prepare(s, sql_quotas, &st) != 0 || stmt_bind_int(st, 1, programme_id) != 0)
		return STORE_ERROR;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		struct quota_row *r;

		if (*n == cap && arena_grow(a, rows, &cap, sizeof **rows) < 0) {
			rc = STORE_ERROR;
			break;
		}
		r = &(*rows)[(*n)++];
		r->school_code = arena_strdup(a, stmt_text(st, 0));
		r->school_name = arena_strdup(a, stmt_text(st, 1));
		r->places = (int)stmt_int(st, 2);
		r->used = (int)stmt_int(st, 3);
	}
	stmt_done(st);
	return rc == STORE_DONE ? 0 : rc < 0 ? rc : STORE_ERROR;
}

static const char sql_school[] =
	"SELECT id, district_code, stage, ownership FROM schools WHERE code = ?";
static const char sql_quota_delete_all[] = "DELETE FROM programme_quotas WHERE programme_id = ?";
static const char sql_quota_insert[] =
	"INSERT INTO programme_quotas (programme_id, school_id, places) VALUES (?, ?, ?)";
static const char sql_quota_used[] =
	"SELECT count(*) FROM enrolments WHERE programme_id = ? AND status = 'seated'"
	" AND quota_school_id = ?";

static int set_quotas_tx(struct store *s, const struct principal *who, const struct actor *by,
			 const struct enrol_programme *pg, const struct quota_set *q, int n,
			 const char *now, struct err *err)
{
	struct pool p;
	struct stmt *st;
	struct buf detail;
	int64_t sum = 0, promoted[1];
	int npromoted, rc;

	if (!enrolment_manages(who, pg)) {
		err_set(err, ERR_FORBIDDEN, "only the organising centre sets the quotas of '%s'", pg->code);
		return -1;
	}
	if (!strcmp(pg->status, "completed") || !strcmp(pg->status, "cancelled")) {
		err_set(err, ERR_INVALID, "programme '%s' is %s: its quotas no longer change", pg->code,
			pg->status);
		return -1;
	}
	if (store_begin(s, STORE_WRITE) != 0) {
		err_set(err, ERR_INTERNAL, "cannot start a transaction: %s", store_errmsg(s));
		return -1;
	}
	if (pool_read(s, pg->id, &p) != 0)
		return fail_db(s, err);
	if (p.released) {
		store_rollback(s);
		err_field(err, ERR_INVALID, "released", "the quotas of '%s' are released already", pg->code);
		return -1;
	}
	if (store_prepare(s, sql_quota_delete_all, &st) != 0 || stmt_bind_int(st, 1, pg->id) != 0 ||
	    stmt_run(st) != 0)
		return fail_db(s, err);
	buf_init(&detail);
	for (int i = 0; i < n; i++) {
		int64_t school_id;
		char district[7] = "", stage[16] = "", ownership[8] = "";
		int used = 0;

		if (q[i].places < 0 || q[i].places > 100000) {
			err_field(err, ERR_INVALID, "places", "places for '%s' must be a whole number from 0",
				  q[i].school_code ? q[i].school_code : "");
			goto refused;
		}
		if (store_prepare(s, sql_school, &st) != 0 || stmt_bind_text(st, 1, q[i].school_code) != 0)
			goto fail;
		rc = stmt_step(st);
		if (rc == STORE_ROW) {
			school_id = stmt_int(st, 0);
			copy(district, sizeof district, stmt_text(st, 1));
			copy(stage, sizeof stage, stmt_text(st, 2));
			copy(ownership, sizeof ownership, stmt_text(st, 3));
		}
		stmt_done(st);
		if (rc < 0)
			goto fail;
		if (rc != STORE_ROW) {
			err_field(err, ERR_INVALID, "school", "no school has the code '%s'",
				  q[i].school_code ? q[i].school_code : "");
			goto refused;
		}
		if (who && who->role == ROLE_CENTRE_ADMIN &&
		    !person_permits(who, PERM_PROGRAMMES_MANAGE, 0, q[i].school_code, district, stage,
				    ownership, NULL)) {
			err_field(err, ERR_INVALID, "school", "school '%s' is outside your centre's scope",
				  q[i].school_code);
			goto refused;
		}
		if (store_prepare(s, sql_quota_used, &st) != 0 || stmt_bind_int(st, 1, pg->id) != 0 ||
		    stmt_bind_int(st, 2, school_id) != 0)
			goto fail;
		if (stmt_step(st) == STORE_ROW)
			used = (int)stmt_int(st, 0);
		stmt_done(st);
		if (q[i].places < used) {
			err_field(err, ERR_INVALID, "places",
				  "school '%s' holds %d seats under its quota: it cannot have fewer places",
				  q[i].school_code, used);
			goto refused;
		}
		if (q[i].places == 0)
			continue;
		sum += q[i].places;
		if (store_prepare(s, sql_quota_insert, &st) != 0 || stmt_bind_int(st, 1, pg->id) != 0 ||
		    stmt_bind_int(st, 2, school_id) != 0 || stmt_bind_int(st, 3, q[i].places) != 0)
			goto fail;
		rc = stmt_run(st);
		if (rc == STORE_ECONSTRAINT) {
			err_field(err, ERR_INVALID, "school", "school '%s' is listed twice", q[i].school_code);
			goto refused;
		}
		if (rc != 0)
			goto fail;
		buf_printf(&detail, "%s%s=%d", detail.len ? " " : "", q[i].school_code, q[i].places);
	}
	/* reserved places come out of the seats nobody holds in the open pool */
	if (sum > (int64_t)p.capacity - p.seated_open) {
		err_field(err, ERR_INVALID, "places",
			  "the quotas add up to %lld places, but only %d of the %d seats are not taken "
			  "in the open pool", (long long)sum, p.capacity - p.seated_open, p.capacity);
		goto refused;
	}
	if (fill_from_waiting(s, pg->id, now, promoted, 1, &npromoted) != 0)
		goto fail;
	if (audit(s, by, "enrolment.quota", pg, NULL, buf_cstr(&detail)) < 0)
		goto fail;
	buf_free(&detail);
	if (store_commit(s) != 0)
		return fail_db(s, err);
	return 0;
refused:
	buf_free(&detail);
	store_rollback(s);
	return -1;
fail:
	buf_free(&detail);
	return fail_db(s, err);
}

int enrolment_set_quotas(struct store *s, const struct principal *who, const struct actor *by,
			 const struct enrol_programme *pg, const struct quota_set *q, int n,
			 const char *now, struct err *err)
{
	int rc;

	writers_enter();
	rc = set_quotas_tx(s, who, by, pg, q, n, now, err);
	writers_leave();
	return rc;
}

static const char sql_release[] =
	"UPDATE programmes SET quota_released = 1 WHERE id = ? AND quota_released = 0";

static int release_quotas_tx(struct store *s, const struct principal *who, const struct actor *by,
			     const struct enrol_programme *pg, const char *now, int *promoted,
			     struct err *err)
{
	struct stmt *st;
	int64_t ids[1];
	int rc;

	*promoted = 0;
	if (!enrolment_manages(who, pg)) {
		err_set(err, ERR_FORBIDDEN, "only the organising centre releases the quotas of '%s'",
			pg->code);
		return -1;
	}
	if (!strcmp(pg->status, "completed") || !strcmp(pg->status, "cancelled")) {
		err_set(err, ERR_INVALID, "programme '%s' is %s: its list no longer changes", pg->code,
			pg->status);
		return -1;
	}
	if (store_begin(s, STORE_WRITE) != 0) {
		err_set(err, ERR_INTERNAL, "cannot start a transaction: %s", store_errmsg(s));
		return -1;
	}
	if (store_prepare(s, sql_release, &st) != 0 || stmt_bind_int(st, 1, pg->id) != 0 ||
	    stmt_run(st) != 0)
		return fail_db(s, err);
	if (store_changes(s) == 0) {
		store_rollback(s);
		err_field(err, ERR_CONFLICT, "released", "the quotas of '%s' are released already", pg->code);
		return -1;
	}
	rc = fill_from_waiting(s, pg->id, now, ids, 1, promoted);
	if (rc != 0)
		return fail_db(s, err);
	if (audit(s, by, "enrolment.release", pg, NULL,
		  *promoted ? "waiting list moved up" : "no one was waiting") < 0)
		return fail_db(s, err);
	if (store_commit(s) != 0)
		return fail_db(s, err);
	return 0;
}

int enrolment_release_quotas(struct store *s, const struct principal *who, const struct actor *by,
			     const struct enrol_programme *pg, const char *now, int *promoted,
			     struct err *err)
{
	int rc;

	writers_enter();
	rc = release_quotas_tx(s, who, by, pg, now, promoted, err);
	writers_leave();
	return rc;
}

/* ------------------------------------------------------------------------
 * Reading
 * --------------------------------------------------------------------- */

static const char sql_list[] =
	"SELECT e.id, e.person_id, p.id_number, p.name, s.code, s.name, s.district_code, s.stage,"
	" s.ownership, c.code, e.status, e.via, qs.code, qs.name, e.at, e.seated_at, e.promoted,"
	" (SELECT count(*) FROM enrolments x WHERE x.programme_id = e.programme_id"
	"   AND x.status = e.status AND x.id <= e.id)"
	" FROM enrolments e JOIN persons p ON p.id = e.person_id"
	" LEFT JOIN schools s ON s.id = p.school_id LEFT JOIN centres c ON c.id = p.centre_id"
	" LEFT JOIN schools qs ON qs.id = e.quota_school_id"
	" WHERE e.programme_id = ? AND e.status = ? ORDER BY e.id";

static const char *dup_or_null(struct arena *a, struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? NULL : arena_strdup(a, stmt_text(st, col));
}

int enrolment_list(struct store *s, struct arena *a, int64_t programme_id,
		   struct enrolment_row **rows, int *n)
{
	static const char *const statuses[] = { "seated", "waiting" };
	struct stmt *st;
	int cap = 64, rc = STORE_DONE;

	*n = 0;
	*rows = arena_alloc(a, (size_t)cap * sizeof **rows);
	if (!*rows)
		return STORE_ERROR;
	for (size_t k = 0; k < 2; k++) {
		/* the running position is counted here, in the order read */
		int position = 0;

		if (store_prepare(s, sql_list, &st) != 0 || stmt_bind_int(st, 1, programme_id) != 0 ||
		    stmt_bind_text(st, 2, statuses[k]) != 0)
			return STORE_ERROR;
		while ((rc = stmt_step(st)) == STORE_ROW) {
			struct enrolment_row *r;

			if (*n == cap && arena_grow(a, rows, &cap, sizeof **rows) < 0) {
				rc = STORE_ERROR;
				break;
			}
			r = &(*rows)[(*n)++];
			memset(r, 0, sizeof *r);
			r->id = stmt_int(st, 0);
			r->person_id = stmt_int(st, 1);
			r->id_number = arena_strdup(a, stmt_text(st, 2));
			r->name = arena_strdup(a, stmt_text(st, 3));
			r->school_code = dup_or_null(a, st, 4);
			r->school_name = dup_or_null(a, st, 5);
			r->district_code = dup_or_null(a, st, 6);
			r->stage = dup_or_null(a, st, 7);
			r->ownership = dup_or_null(a, st, 8);
			r->centre_code = dup_or_null(a, st, 9);
			r->status = statuses[k];
			r->via = arena_strdup(a, stmt_text(st, 11));
			r->quota_school_code = dup_or_null(a, st, 12);
			r->quota_school_name = dup_or_null(a, st, 13);
			r->at = arena_strdup(a, stmt_text(st, 14));
			r->seated_at = dup_or_null(a, st, 15);
			r->promoted = stmt_int(st, 16) != 0;
			r->position = ++position;
		}
		stmt_done(st);
		if (rc != STORE_DONE)
			return rc < 0 ? rc : STORE_ERROR;
	}
	return 0;
}

bool enrolment_row_visible(const struct principal *p, const struct enrol_programme *pg,
			   const struct enrolment_row *r)
{
	if (enrolment_manages(p, pg))
		return true;
	return person_permits(p, PERM_REGISTRY_READ, r->person_id, r->school_code, r->district_code,
			      r->stage, r->ownership, r->centre_code);
}

int enrolment_counts(struct store *s, const struct enrol_programme *pg, struct counts *c)
{
	struct pool p;
	int rc;

	memset(c, 0, sizeof *c);
	if ((rc = pool_read(s, pg->id, &p)) != 0)
		return rc;
	c->seated = p.seated_open + p.seated_quota;
	c->waiting = p.waiting;
	c->quota_places = p.quota_sum;
	c->quota_used = p.seated_quota;
	return 0;
}

static const char sql_of_person[] =
	"SELECT g.code, g.title, e.status, e.at, e.seated_at, g.enrol_close, g.status, e.promoted,"
	" (SELECT count(*) FROM enrolments x WHERE x.programme_id = e.programme_id"
	"   AND x.status = e.status AND x.id <= e.id)"
	" FROM enrolments e JOIN programmes g ON g.id = e.programme_id"
	" WHERE e.person_id = ? AND e.status <> 'withdrawn' ORDER BY e.id DESC";

int enrolment_of_person(struct store *s, struct arena *a, int64_t person_id,
			struct my_enrolment **rows, int *n)
{
	struct stmt *st;
	int cap = 16, rc;

	*n = 0;
	*rows = arena_alloc(a, (size_t)cap * sizeof **rows);
	if (!*rows || store_prepare(s, sql_of_person, &st) != 0 || stmt_bind_int(st, 1, person_id) != 0)
		return STORE_ERROR;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		struct my_enrolment *r;

		if (*n == cap && arena_grow(a, rows, &cap, sizeof **rows) < 0) {
			rc = STORE_ERROR;
			break;
		}
		r = &(*rows)[(*n)++];
		r->programme_code = arena_strdup(a, stmt_text(st, 0));
		r->programme_title = arena_strdup(a, stmt_text(st, 1));
		r->status = !strcmp(stmt_text(st, 2), "seated") ? "seated" : "waiting";
		r->at = arena_strdup(a, stmt_text(st, 3));
		r->seated_at = dup_or_null(a, st, 4);
		r->enrol_close = arena_strdup(a, stmt_text(st, 5));
		r->programme_status = arena_strdup(a, stmt_text(st, 6));
		r->promoted = stmt_int(st, 7) != 0;
		r->position = (int)stmt_int(st, 8);
	}
	stmt_done(st);
	return rc == STORE_DONE ? 0 : rc < 0 ? rc : STORE_ERROR;
}

/* ------------------------------------------------------------------------
 * Demo
 * --------------------------------------------------------------------- */

static const char sql_demo_programmes[] =
	"SELECT g.id, g.code, g.status, g.capacity, g.enrol_open, c.region_code"
	" FROM programmes g JOIN centres c ON c.id = g.centre_id"
	" WHERE g.status IN ('published', 'closed', 'completed') ORDER BY g.id";

/* Serving teachers and principals of the organiser's district (or, for a
 * municipal centre, the whole city), in a fixed order that spreads over
 * the schools; the audience is checked per person below. */
static const char sql_demo_candidates[] =
	"SELECT p.id, p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
	" JOIN regions r ON r.code = s.district_code"
	" WHERE p.status = 'serving' AND p.role IN ('teacher', 'principal', 'director')"
	" AND (s.district_code = ? OR r.parent_code = ?)"
	" ORDER BY (p.id * 7919) % 10007, p.id LIMIT ?";

struct demo_programme {
	int64_t id;
	char code[64], status[16], open[11], region[7];
	int capacity;
};

int enrolment_demo(struct store *s, const char *keep_out)
{
	struct stmt *st;
	struct demo_programme *pgs = NULL;
	int npgs = 0, cap = 0, rc;

	if (store_prepare(s, sql_demo_programmes, &st) != 0)
		return -1;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		struct demo_programme *g;

		if (npgs == cap) {
			struct demo_programme *more;

			cap = cap ? cap * 2 : 16;
			more = realloc(pgs, (size_t)cap * sizeof *pgs);
			if (!more) {
				rc = STORE_ERROR;
				break;
			}
			pgs = more;
		}
		g = &pgs[npgs++];
		g->id = stmt_int(st, 0);
		copy(g->code, sizeof g->code, stmt_text(st, 1));
		copy(g->status, sizeof g->status, stmt_text(st, 2));
		g->capacity = (int)stmt_int(st, 3);
		copy(g->open, sizeof g->open, stmt_text(st, 4));
		/* a district centre's region is its district, a municipal
		 * centre's its city: the candidates' query matches either */
		copy(g->region, sizeof g->region, stmt_text(st, 5));
	}
	stmt_done(st);
	if (rc != STORE_DONE)
		goto fail;

	for (int i = 0; i < npgs; i++) {
		struct enrol_programme pg = { .id = pgs[i].id, .code = pgs[i].code };
		char at[32];
		int want, got = 0, tried = 0;
		struct {
			int64_t id;
			char id_number[19];
		} *cands = NULL;
		int ncands = 0;

		/* a published programme is left two thirds full, with room to
		 * enrol; one that has run is full, for attendance and hours */
		want = !strcmp(pgs[i].status, "published") ? pgs[i].capacity * 2 / 3 : pgs[i].capacity;
		if (want <= 0)
			continue;
		cands = calloc((size_t)want * 3 + 8, sizeof *cands);
		if (!cands)
			goto fail;
		if (store_prepare(s, sql_demo_candidates, &st) != 0 || stmt_bind_text(st, 1, pgs[i].region) != 0 ||
		    stmt_bind_text(st, 2, pgs[i].region) != 0 || stmt_bind_int(st, 3, (int64_t)want * 3 + 8) != 0) {
			free(cands);
			goto fail;
		}
		while ((rc = stmt_step(st)) == STORE_ROW) {
			cands[ncands].id = stmt_int(st, 0);
			copy(cands[ncands].id_number, sizeof cands[ncands].id_number, stmt_text(st, 1));
			ncands++;
		}
		stmt_done(st);
		if (rc != STORE_DONE) {
			free(cands);
			goto fail;
		}
		for (int k = 0; k < ncands && got < want; k++) {
			struct person_facts f;
			struct enrol_result res;
			struct err err;

			if (keep_out && !strcmp(keep_out, cands[k].id_number))
				continue;
			rc = audience_admits(s, pg.id, cands[k].id);
			if (rc < 0) {
				free(cands);
				goto fail;
			}
			if (rc == 0)
				continue;
			if (person_facts_get(s, cands[k].id, &f) != 0) {
				free(cands);
				goto fail;
			}
			/* arrivals a few seconds apart on the window's first morning */
			snprintf(at, sizeof at, "%sT01:%02d:%02dZ", pgs[i].open, (tried / 60) % 60, tried % 60);
			tried++;
			err_clear(&err);
			rc = enrol_locked(s, &pg, &f, "self", at, "demo", &res, &err);
			if (rc == 1)
				continue;
			if (rc != 0) {
				free(cands);
				goto fail;
			}
			got++;
		}
		free(cands);
	}
	free(pgs);
	return 0;
fail:
	free(pgs);
	return -1;
}
