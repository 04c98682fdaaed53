/* registration.c - the outcome of periodic registration (see registration.h). */
#include "core/registration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/query.h"
#include "core/registry.h"
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

/* ---- reading the facts ---- */

int registration_evaluate(struct store *s, int64_t person_id, int cycle_start,
			  const char *today, struct registration_result *out, struct err *e)
{
	(void)s; (void)person_id; (void)cycle_start; (void)today; (void)out;
	err_set(e, ERR_INTERNAL, "registration_evaluate: not written yet");
	return -1;
}

int registration_each(struct store *s, const struct registry_scope *scope, int cycle_start,
		      const char *today,
		      int (*cb)(void *ctx, const struct registration_row *row), void *ctx,
		      struct err *e)
{
	(void)s; (void)scope; (void)cycle_start; (void)today; (void)cb; (void)ctx;
	err_set(e, ERR_INTERNAL, "registration_each: not written yet");
	return -1;
}
