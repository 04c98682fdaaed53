/* registration.c - the outcome of periodic registration (see registration.h). */
#include "core/registration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/query.h"
#include "core/registry.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "store/store.h"

static const char *const outcome_codes[] = { "qualified", "deferred", "refused" };
static const char *const reason_codes[REG_REASONS] = {
	"ethics", "appraisal", "revoked", "hours", "no_appraisal", "suspension",
};
static const char *const appraisal_codes[] = {
	"", "excellent", "qualified", "basic", "unqualified", "none",
};
static const char *const event_codes[] = { "ethics", "suspension", "approved_leave", "revocation" };

const char *registration_outcome_code(enum registration_outcome o)
{
	return (unsigned)o < 3 ? outcome_codes[o] : "";
}

int registration_outcome_parse(const char *code)
{
	for (int i = 0; code && i < 3; i++)
		if (!strcmp(code, outcome_codes[i]))
			return i;
	return -1;
}

const char *registration_reason_code(int i)
{
	return i >= 0 && i < REG_REASONS ? reason_codes[i] : "";
}

char *registration_reasons_join(unsigned reasons, const char *sep, char *out)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < REG_REASONS; i++) {
		if (!(reasons & (1u << i)))
			continue;
		n += (size_t)snprintf(out + n, REG_REASONS_TEXT_MAX - n, "%s%s", n ? sep : "",
				      reason_codes[i]);
		if (n >= REG_REASONS_TEXT_MAX)
			break;
	}
	return out;
}

int registration_reasons_parse(const char *text, unsigned *reasons)
{
	char word[32];
	const char *p = text;

	*reasons = 0;
	while (p && *p) {
		size_t n = strcspn(p, ";, ");
		int i;

		if (n > 0) {
			if (n >= sizeof word)
				return -1;
			memcpy(word, p, n);
			word[n] = '\0';
			for (i = 0; i < REG_REASONS && strcmp(word, reason_codes[i]); i++)
				;
			if (i == REG_REASONS)
				return -1;
			*reasons |= 1u << i;
		}
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

int appraisal_result_parse(const char *code)
{
	for (int i = 1; code && i <= APPRAISAL_NONE; i++)
		if (!strcmp(code, appraisal_codes[i]))
			return i;
	return -1;
}

const char *appraisal_result_code(enum appraisal_result r)
{
	return (unsigned)r <= APPRAISAL_NONE ? appraisal_codes[r] : "";
}

int event_kind_parse(const char *code)
{
	for (int i = 0; code && i < 4; i++)
		if (!strcmp(code, event_codes[i]))
			return i;
	return -1;
}

const char *event_kind_code(enum event_kind k)
{
	return (unsigned)k < 4 ? event_codes[k] : "";
}

/* ---- the rule ---- */

/* Days since 1970-01-01 of an ISO date; far in the past when it is not one. */
static long day_number(const char *iso)
{
	long d;

	return date_to_days(iso, &d) == 0 ? d : -100000000L;
}

struct span {
	long from, to;  /* inclusive day numbers */
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/* Sorts and merges overlapping or touching spans in place; returns how many remain. */
static int spans_merge(struct span *v, int n)
{
	int m = 0;

	qsort(v, (size_t)n, sizeof *v, span_cmp);
	for (int i = 0; i < n; i++) {
		if (m > 0 && v[i].from <= v[m - 1].to + 1) {
			if (v[i].to > v[m - 1].to)
				v[m - 1].to = v[i].to;
		} else {
			v[m++] = v[i];
		}
	}
	return m;
}

/* Days suspended inside [first, last]: the union of suspensions, clipped,
 * less the days of approved leave (study, training, sick or maternity
 * leave is never a suspension, 教师〔2013〕9号 art. 8). */
static int suspended_days(const struct registration_facts *f, long first, long last)
{
	struct span sus[REG_EVENTS_MAX], leave[REG_EVENTS_MAX];
	int ns = 0, nl = 0;
	long days = 0;

	for (int i = 0; i < f->nevents && i < REG_EVENTS_MAX; i++) {
		const struct registration_event *ev = &f->events[i];
		struct span sp = { day_number(ev->start), day_number(ev->end) };

		if (ev->kind != EVENT_SUSPENSION && ev->kind != EVENT_APPROVED_LEAVE)
			continue;
		if (sp.to < sp.from)
			continue;  /* no end: the schema refuses it; nothing to count */
		if (sp.from < first)
			sp.from = first;
		if (sp.to > last)
			sp.to = last;
		if (sp.from > sp.to)
			continue;
		if (ev->kind == EVENT_SUSPENSION)
			sus[ns++] = sp;
		else
			leave[nl++] = sp;
	}
	ns = spans_merge(sus, ns);
	nl = spans_merge(leave, nl);
	for (int i = 0; i < ns; i++) {
		long d = sus[i].to - sus[i].from + 1;

		for (int j = 0; j < nl; j++) {
			long from = leave[j].from > sus[i].from ? leave[j].from : sus[i].from;
			long to = leave[j].to < sus[i].to ? leave[j].to : sus[i].to;

			if (from <= to)
				d -= to - from + 1;
		}
		days += d;
	}
	return (int)days;
}

void registration_decide(const struct hours_rules *rules, const struct registration_facts *f,
			 struct registration_result *out)
{
	int years = rules->cycle_years < REG_YEARS_MAX ? rules->cycle_years : REG_YEARS_MAX;
	char first_iso[11], last_iso[11];
	long first, last;
	unsigned refusal = 0, deferral = 0;
	int run = 0;

	memset(out, 0, sizeof *out);
	out->cycle_start = f->cycle_start;
	out->cycle_end = f->cycle_start + rules->cycle_years - 1;
	snprintf(first_iso, sizeof first_iso, "%04d-01-01", out->cycle_start);
	snprintf(last_iso, sizeof last_iso, "%04d-12-31", out->cycle_end);
	first = day_number(first_iso);
	last = day_number(last_iso);

	/* refused: an ethics violation in the cycle; a revocation (a lost
	 * qualification cannot be registered, whenever it was lost before the
	 * cycle ended) */
	for (int i = 0; i < f->nevents; i++) {
		const struct registration_event *ev = &f->events[i];

		if (ev->kind == EVENT_ETHICS && strcmp(ev->start, first_iso) >= 0 &&
		    strcmp(ev->start, last_iso) <= 0)
			refusal |= REG_ETHICS;
		if (ev->kind == EVENT_REVOCATION && strcmp(ev->start, last_iso) <= 0)
			refusal |= REG_REVOKED;
	}

	/* appraisals: 不合格 two years running refuses, once defers; 基本合格
	 * defers while the setting says so; 不确定档次 neither passes nor
	 * fails; an assessed year that has ended needs one on record */
	for (int i = 0; i < years; i++) {
		int y = f->cycle_start + i;
		enum appraisal_result a = f->appraisal[i];

		if (a == APPRAISAL_UNQUALIFIED) {
			out->unqualified_years++;
			deferral |= REG_APPRAISAL;
			if (++run >= 2)
				refusal |= REG_APPRAISAL;
		} else {
			run = 0;
		}
		if (a == APPRAISAL_BASIC && rules->basic_defers)
			deferral |= REG_APPRAISAL;
		if (a == APPRAISAL_MISSING && y <= f->last_ended_year &&
		    hours_assessed_in(f->service_start, y)) {
			out->missing_years++;
			deferral |= REG_NO_APPRAISAL;
		}
	}

	out->hours10 = f->hours10;
	out->required10 = hours_cycle_required_role(rules, f->cycle_start, f->service_start, f->role);
	if (out->hours10 < out->required10)
		deferral |= REG_HOURS;

	out->suspended_days = suspended_days(f, first, last);
	if (out->suspended_days > rules->suspension_limit_days)
		deferral |= REG_SUSPENSION;

	out->reasons = refusal | deferral;
	out->outcome = refusal ? REG_REFUSED : deferral ? REG_DEFERRED : REG_QUALIFIED;
}

int registration_cycle_check(const struct hours_rules *rules, int start, const char *today,
			     struct err *e)
{
	int first = hours_cycle_start(rules, start);

	/* DOMAIN.md "Five-year cycle": cycles are aligned to fixed years */
	if (first != start) {
		err_set(e, ERR_INVALID, "%d is not the first year of a cycle: it is in the cycle %d-%d "
			"(cycles start in %d, %d, ...)", start, first, first + rules->cycle_years - 1,
			rules->first_cycle, rules->first_cycle + rules->cycle_years);
		return -1;
	}
	if (today && atoi(today) > 0 && start > atoi(today)) {
		err_set(e, ERR_INVALID, "the cycle %d-%d has not begun", start,
			start + rules->cycle_years - 1);
		return -1;
	}
	return 0;
}

/* ---- reading the facts ---- */

/* The cycle's first and last day, and the last year that has ended. */
struct cycle_days {
	int start, end;
	char first_iso[24], last_iso[24], after_iso[24];
	char after_instant[ISO_TIME_LEN];  /* after_iso's local midnight, as stored times are */
	int last_ended_year;
};

static void cycle_days(const struct hours_rules *rules, int cycle_start, const char *today,
		       struct cycle_days *c)
{
	c->start = cycle_start;
	c->end = cycle_start + rules->cycle_years - 1;
	snprintf(c->first_iso, sizeof c->first_iso, "%04d-01-01", c->start);
	snprintf(c->last_iso, sizeof c->last_iso, "%04d-12-31", c->end);
	snprintf(c->after_iso, sizeof c->after_iso, "%04d-01-01", c->end + 1);
	if (clock_day_start_iso(c->after_iso, c->after_instant) < 0)
		snprintf(c->after_instant, sizeof c->after_instant, "%.10s", c->after_iso);
	/* an appraisal is given at a year's end: a year is due once it is over */
	c->last_ended_year = (today && strlen(today) >= 4 ? atoi(today) : 9999) - 1;
}

static const char SQL_PERSON[] =
	"SELECT service_start, role FROM persons WHERE id = ?";
static const char SQL_PERSON_HOURS[] =
	"SELECT coalesce(sum(hours10), 0) FROM hours_totals"
	" WHERE person_id = ? AND year BETWEEN ? AND ?";
static const char SQL_PERSON_APPRAISALS[] =
	"SELECT year, result FROM appraisals WHERE person_id = ? AND year BETWEEN ? AND ?";
/* events that can bear on the cycle: those reaching into it, and any
 * revocation before its end */
static const char SQL_PERSON_EVENTS[] =
	"SELECT kind, start_date, coalesce(end_date, '') FROM person_events"
	" WHERE person_id = ? AND start_date <= ?"
	" AND (kind = 'revocation' OR coalesce(end_date, start_date) >= ?)"
	" ORDER BY start_date LIMIT " "64";

static void event_from(struct registration_event *ev, const char *kind, const char *start,
		       const char *end)
{
	int k = event_kind_parse(kind);

	ev->kind = k < 0 ? EVENT_APPROVED_LEAVE : (enum event_kind)k;
	snprintf(ev->start, sizeof ev->start, "%s", start);
	snprintf(ev->end, sizeof ev->end, "%s", end);
}

static void appraisal_into(struct registration_facts *f, const struct cycle_days *c, int64_t year,
			   const char *result)
{
	int a = appraisal_result_parse(result);

	if (year >= c->start && year <= c->end && year - c->start < REG_YEARS_MAX && a > 0)
		f->appraisal[year - c->start] = (enum appraisal_result)a;
}

int registration_evaluate(struct store *s, int64_t person_id, int cycle_start,
			  const char *today, struct registration_result *out, struct err *e)
{
	struct hours_rules rules;

	if (hours_rules_load(s, &rules) < 0) {
		err_set(e, ERR_INTERNAL, "the database failed: %s", store_errmsg(s));
		return -1;
	}
	return registration_evaluate_with(s, &rules, person_id, cycle_start, today, out, e);
}

int registration_evaluate_with(struct store *s, const struct hours_rules *rules, int64_t person_id,
			       int cycle_start, const char *today, struct registration_result *out,
			       struct err *e)
{
	struct cycle_days c;
	struct registration_facts f;
	struct registration_event events[REG_EVENTS_MAX];
	char service[11] = "", role[16] = "";
	struct stmt *st = NULL;
	int rc;

	memset(&f, 0, sizeof f);
	cycle_days(rules, cycle_start, today, &c);

	if (store_prepare(s, SQL_PERSON, &st) < 0)
		goto fail_db;
	stmt_bind_int(st, 1, person_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		snprintf(service, sizeof service, "%s", stmt_text(st, 0));
		snprintf(role, sizeof role, "%s", stmt_text(st, 1));
	}
	stmt_done(st);
	if (rc < 0)
		goto fail_db;
	if (rc != STORE_ROW) {
		err_set(e, ERR_NOT_FOUND, "no person %lld", (long long)person_id);
		return -1;
	}

	if (store_prepare(s, SQL_PERSON_HOURS, &st) < 0)
		goto fail_db;
	stmt_bind_int(st, 1, person_id);
	stmt_bind_int(st, 2, c.start);
	stmt_bind_int(st, 3, c.end);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		f.hours10 = (int32_t)stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0)
		goto fail_db;

	if (store_prepare(s, SQL_PERSON_APPRAISALS, &st) < 0)
		goto fail_db;
	stmt_bind_int(st, 1, person_id);
	stmt_bind_int(st, 2, c.start);
	stmt_bind_int(st, 3, c.end);
	while ((rc = stmt_step(st)) == STORE_ROW)
		appraisal_into(&f, &c, stmt_int(st, 0), stmt_text(st, 1));
	stmt_done(st);
	if (rc < 0)
		goto fail_db;

	if (store_prepare(s, SQL_PERSON_EVENTS, &st) < 0)
		goto fail_db;
	stmt_bind_int(st, 1, person_id);
	stmt_bind_text(st, 2, c.last_iso);
	stmt_bind_text(st, 3, c.first_iso);
	while ((rc = stmt_step(st)) == STORE_ROW && f.nevents < REG_EVENTS_MAX)
		event_from(&events[f.nevents++], stmt_text(st, 0), stmt_text(st, 1), stmt_text(st, 2));
	stmt_done(st);
	if (rc < 0)
		goto fail_db;

	f.cycle_start = cycle_start;
	f.service_start = service;
	f.role = role;
	f.events = events;
	f.last_ended_year = c.last_ended_year;
	registration_decide(rules, &f, out);
	return 0;

fail_db:
	err_set(e, ERR_INTERNAL, "the database failed: %s", store_errmsg(s));
	return -1;
}

/* ---- everyone in a scope ---- */

/* Persons serving at the end of the cycle: serving now, or recorded as
 * leaving serving after the cycle's last day; and in service by then. */
static void each_persons_sql(struct qb *q, const struct registry_scope *scope,
			     const struct cycle_days *c)
{
	qb_sql(q, "SELECT p.id, p.id_number, p.name, coalesce(s.code, ''),"
		  " coalesce(s.district_code, c.region_code, ''), coalesce(p.service_start, ''), p.role"
		  " FROM persons p LEFT JOIN schools s ON s.id = p.school_id"
		  " LEFT JOIN centres c ON c.id = p.centre_id"
		  " WHERE (p.service_start IS NULL OR p.service_start = ''");
	qb_text(q, " OR p.service_start <= ?)", c->last_iso);
	qb_text(q, " AND (p.status = 'serving' OR EXISTS (SELECT 1 FROM person_history h"
		   " WHERE h.person_id = p.id AND h.field = 'status' AND h.old_value = 'serving'"
		   " AND h.at >= ?))", c->after_instant);
	if (scope)
		qb_person_scope(q, scope);
	qb_sql(q, " ORDER BY p.id");
}

/* For a whole district or city each table is read once, in person order,
 * and merged: no query per person (DESIGN.md: a province's report in
 * seconds).  A school's few hundred are read person by person. */
static const char SQL_ALL_HOURS[] =
	"SELECT person_id, sum(hours10) FROM hours_totals WHERE year BETWEEN ? AND ?"
	" GROUP BY person_id ORDER BY person_id";
static const char SQL_ALL_APPRAISALS[] =
	"SELECT person_id, year, result FROM appraisals WHERE year BETWEEN ? AND ?"
	" ORDER BY person_id";
static const char SQL_ALL_EVENTS[] =
	"SELECT person_id, kind, start_date, coalesce(end_date, '') FROM person_events"
	" WHERE start_date <= ? AND (kind = 'revocation' OR coalesce(end_date, start_date) >= ?)"
	" ORDER BY person_id, start_date";

/* A statement read in step with the persons: its current row's person. */
struct cursor {
	struct stmt *st;
	int64_t person;  /* INT64_MAX at the end */
	int rc;
};

static int cursor_next(struct cursor *k)
{
	k->rc = stmt_step(k->st);
	if (k->rc == STORE_ROW)
		k->person = stmt_int(k->st, 0);
	else
		k->person = INT64_MAX;
	return k->rc < 0 ? -1 : 0;
}

/* Moves k to the first row of person id or later. */
static int cursor_seek(struct cursor *k, int64_t id)
{
	while (k->person < id)
		if (cursor_next(k) < 0)
			return -1;
	return 0;
}

int registration_each(struct store *s, const struct registry_scope *scope, int cycle_start,
		      const char *today,
		      int (*cb)(void *ctx, const struct registration_row *row), void *ctx,
		      struct err *e)
{
	struct hours_rules rules;
	struct cycle_days c;
	struct qb q = { .n = 0 };
	struct stmt *people = NULL;
	struct cursor hours = { 0 }, appr = { 0 }, evs = { 0 };
	struct registration_event events[REG_EVENTS_MAX];
	bool merge = !scope || (!scope->school_code && !scope->person_id);
	int rc, stop = 0;

	buf_init(&q.sql);
	if (hours_rules_load(s, &rules) < 0)
		goto fail_db;
	if (registration_cycle_check(&rules, cycle_start, today, e) < 0)
		goto fail;
	cycle_days(&rules, cycle_start, today, &c);
	each_persons_sql(&q, scope, &c);
	if (qb_prepare(s, &q, &people) < 0)
		goto fail_db;
	if (merge) {
		if (store_prepare(s, SQL_ALL_HOURS, &hours.st) < 0 ||
		    store_prepare(s, SQL_ALL_APPRAISALS, &appr.st) < 0 ||
		    store_prepare(s, SQL_ALL_EVENTS, &evs.st) < 0)
			goto fail_db;
		stmt_bind_int(hours.st, 1, c.start);
		stmt_bind_int(hours.st, 2, c.end);
		stmt_bind_int(appr.st, 1, c.start);
		stmt_bind_int(appr.st, 2, c.end);
		stmt_bind_text(evs.st, 1, c.last_iso);
		stmt_bind_text(evs.st, 2, c.first_iso);
		if (cursor_next(&hours) < 0 || cursor_next(&appr) < 0 || cursor_next(&evs) < 0)
			goto fail_db;
	}

	while ((rc = stmt_step(people)) == STORE_ROW) {
		struct registration_row row;
		struct registration_facts f;
		int64_t id = stmt_int(people, 0);

		memset(&row, 0, sizeof row);
		row.person_id = id;
		row.id_number = stmt_text(people, 1);
		row.name = stmt_text(people, 2);
		row.school_code = stmt_text(people, 3);
		row.district_code = stmt_text(people, 4);
		if (!merge) {
			if (registration_evaluate_with(s, &rules, id, cycle_start, today, &row.r, e) < 0)
				goto fail;
		} else {
			memset(&f, 0, sizeof f);
			f.cycle_start = cycle_start;
			f.service_start = stmt_text(people, 5);
			f.role = stmt_text(people, 6);
			f.last_ended_year = c.last_ended_year;
			f.events = events;
			if (cursor_seek(&hours, id) < 0 || cursor_seek(&appr, id) < 0 ||
			    cursor_seek(&evs, id) < 0)
				goto fail_db;
			if (hours.person == id)
				f.hours10 = (int32_t)stmt_int(hours.st, 1);
			for (; appr.person == id; cursor_next(&appr))
				appraisal_into(&f, &c, stmt_int(appr.st, 1), stmt_text(appr.st, 2));
			for (; evs.person == id; cursor_next(&evs))
				if (f.nevents < REG_EVENTS_MAX)
					event_from(&events[f.nevents++], stmt_text(evs.st, 1),
						   stmt_text(evs.st, 2), stmt_text(evs.st, 3));
			if (appr.rc < 0 || evs.rc < 0)
				goto fail_db;
			registration_decide(&rules, &f, &row.r);
		}
		if ((stop = cb(ctx, &row)) != 0)
			break;
	}
	if (!stop && rc < 0)
		goto fail_db;
	stmt_done(people);
	if (merge) {
		stmt_done(hours.st);
		stmt_done(appr.st);
		stmt_done(evs.st);
	}
	buf_free(&q.sql);
	return stop;

fail_db:
	err_set(e, ERR_INTERNAL, "the database failed: %s", store_errmsg(s));
fail:
	if (people)
		stmt_done(people);
	if (hours.st)
		stmt_done(hours.st);
	if (appr.st)
		stmt_done(appr.st);
	if (evs.st)
		stmt_done(evs.st);
	buf_free(&q.sql);
	return -1;
}
