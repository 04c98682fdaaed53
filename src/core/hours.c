/* hours.c - reading and writing hours as tenths (see hours.h). */
#include "core/hours.h"

#include <stdio.h>
#include <string.h>

const char *const hours_categories[] = {
	"qualification", "improvement", "advanced", "thematic", "whole_staff", "key_teacher",
	"new_teacher", "school_based", "online", "remote", "it2", "special_education",
	"counterpart", "general", "specialist", "elective", "other", NULL,
};

const char *const hours_sources[] = {
	"programme", "recognition", "import", "manual", "transfer_in", NULL,
};

static bool in_list(const char *const *list, const char *code)
{
	if (!code)
		return false;
	for (; *list; list++)
		if (!strcmp(*list, code))
			return true;
	return false;
}

bool hours_source_valid(const char *code) { return in_list(hours_sources, code); }
bool hours_category_valid(const char *code) { return in_list(hours_categories, code); }

static bool space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum hours_error hours_parse(const char *s, int32_t *hours10)
{
	int64_t whole = 0;
	int tenths = 0, digits = 0, decimals = 0;
	bool too_fine = false;
	const char *p = s, *end;

	if (!s)
		return HOURS_EMPTY;
	while (space(*p))
		p++;
	end = p + strlen(p);
	while (end > p && space(end[-1]))
		end--;
	if (p == end)
		return HOURS_EMPTY;
	if (*p == '-') {
		/* say "negative" only for something that is otherwise a number */
		int32_t ignored;
		char tmp[32];
		size_t n = (size_t)(end - p - 1);

		if (n == 0 || n >= sizeof tmp)
			return HOURS_NOT_NUMBER;
		memcpy(tmp, p + 1, n);
		tmp[n] = '\0';
		enum hours_error e = hours_parse(tmp, &ignored);
		return e == HOURS_OK || e == HOURS_ZERO || e == HOURS_TOO_LARGE ||
		       e == HOURS_TOO_FINE ? HOURS_NEGATIVE : HOURS_NOT_NUMBER;
	}
	if (*p == '+')
		p++;
	for (; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
		whole = whole * 10 + (*p - '0');
		if (whole > HOURS10_MAX)
			whole = HOURS10_MAX + 1; /* stays too large, never overflows */
	}
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, decimals++) {
			if (decimals == 0)
				tenths = *p - '0';
			else if (*p != '0')
				too_fine = true; /* 2.55; 2.50 is still 2.5 */
		}
		if (decimals == 0 && digits == 0)
			return HOURS_NOT_NUMBER;
	}
	if (p != end || (digits == 0 && decimals == 0))
		return HOURS_NOT_NUMBER;
	if (too_fine)
		return HOURS_TOO_FINE;
	whole = whole * 10 + tenths;
	if (whole == 0)
		return HOURS_ZERO;
	if (whole > HOURS10_MAX)
		return HOURS_TOO_LARGE;
	*hours10 = (int32_t)whole;
	return HOURS_OK;
}

const char *hours_error_text(enum hours_error e, int lang)
{
	static const char *const text[][2] = {
		[HOURS_OK] = { "", "" },
		[HOURS_EMPTY] = { "学时为空", "hours are empty" },
		[HOURS_NOT_NUMBER] = { "学时应为数字，如 2 或 2.5", "hours must be a number such as 2 or 2.5" },
		[HOURS_NEGATIVE] = { "学时不能为负数（更正请用冲销）",
				     "hours cannot be negative (correct an entry with a reversal)" },
		[HOURS_ZERO] = { "学时应大于 0", "hours must be more than 0" },
		[HOURS_TOO_FINE] = { "学时最多保留一位小数，如 2.5", "hours have at most one decimal, such as 2.5" },
		[HOURS_TOO_LARGE] = { "学时过大（每条最多 3000）", "too many hours (at most 3000 per entry)" },
	};

	if ((int)e < 0 || (size_t)e >= sizeof text / sizeof text[0])
		e = HOURS_NOT_NUMBER;
	return text[e][lang ? 1 : 0];
}

char *hours_format(int64_t hours10, char *out)
{
	int64_t a = hours10 < 0 ? -hours10 : hours10;

	/* |hours10| of an int32 sum fits: at most 10 digits */
	snprintf(out, HOURS_TEXT_MAX, "%s%lld.%d", hours10 < 0 ? "-" : "",
		 (long long)(a / 10 % 100000000000LL), (int)(a % 10));
	return out;
}

/* ---- requirements ---- */

#include <stdlib.h>

#include "store/store.h"

const char *const hours_person_roles[] = {
	"teacher", "principal", "director", "researcher", "trainer", NULL,
};

/* An integer setting in [min, max]; anything else leaves *out. */
static void int_value(const char *v, int min, int max, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v && !*end && n >= min && n <= max)
		*out = (int)n;
}

/* A setting of hours; one that is not hours leaves *out. */
static void hours_value(const char *v, int32_t *out)
{
	int32_t h10;

	if (hours_parse(v, &h10) == HOURS_OK)
		*out = h10;
}

/* key's position in list after prefix ("hours.yearly_min." + "teacher"), or -1. */
static int suffix_index(const char *key, const char *prefix, const char *const *list, int max)
{
	size_t n = strlen(prefix);

	if (strncmp(key, prefix, n))
		return -1;
	for (int i = 0; list[i] && i < max; i++)
		if (!strcmp(key + n, list[i]))
			return i;
	return -1;
}

/* One read of every key the rules take: the rules are loaded for each
 * page, report and decision, so not a query per key. */
static const char sql_rules[] =
	"SELECT key, value FROM settings WHERE key LIKE 'hours.%' OR key LIKE 'registration.%'";

int hours_rules_load(struct store *s, struct hours_rules *r)
{
	struct stmt *st;
	int rc, basic = 1;

	memset(r, 0, sizeof *r);
	r->yearly10 = 720;
	r->cycle10 = 3600;
	r->cycle_years = 5;
	r->first_cycle = 2021;
	r->suspension_limit_days = 180;
	if (store_prepare(s, sql_rules, &st) < 0)
		return -1;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const char *key = stmt_text(st, 0), *v = stmt_text(st, 1);
		int i;

		if (!strcmp(key, "hours.yearly_min"))
			hours_value(v, &r->yearly10);
		else if (!strcmp(key, "hours.cycle_min"))
			hours_value(v, &r->cycle10);
		else if (!strcmp(key, "hours.cycle_years"))
			int_value(v, 1, 10, &r->cycle_years);
		else if (!strcmp(key, "hours.first_cycle"))
			int_value(v, 1990, 2100, &r->first_cycle);
		else if (!strcmp(key, "registration.suspension_limit_days"))
			int_value(v, 0, 3660, &r->suspension_limit_days);
		else if (!strcmp(key, "registration.basic_defers"))
			int_value(v, 0, 1, &basic);
		else if ((i = suffix_index(key, "hours.yearly_min.", hours_person_roles,
					   HOURS_PERSON_ROLES)) >= 0)
			hours_value(v, &r->role_yearly10[i]);
		else if ((i = suffix_index(key, "hours.category_min.", hours_categories,
					   HOURS_CATEGORIES_MAX)) >= 0)
			hours_value(v, &r->category_min10[i]);
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	for (int i = 0; i < HOURS_CATEGORIES_MAX; i++)
		if (r->category_min10[i] > 0)
			r->any_category_min = true;
	r->basic_defers = basic == 1;
	return 0;
}

int32_t hours_yearly_required(const struct hours_rules *r, const char *person_role)
{
	for (int i = 0; person_role && hours_person_roles[i]; i++)
		if (!strcmp(person_role, hours_person_roles[i]))
			return r->role_yearly10[i] > 0 ? r->role_yearly10[i] : r->yearly10;
	return r->yearly10;
}

bool hours_assessed_in(const char *service_start, int year)
{
	char jan1[11];

	if (!service_start || !*service_start)
		return true;
	snprintf(jan1, sizeof jan1, "%04d-01-01", year);
	/* ISO dates compare as text */
	return strcmp(service_start, jan1) <= 0;
}

int hours_cycle_start(const struct hours_rules *r, int year)
{
	int d = year - r->first_cycle;
	int k = d >= 0 ? d / r->cycle_years : -((-d + r->cycle_years - 1) / r->cycle_years);

	return r->first_cycle + k * r->cycle_years;
}

static int32_t cycle_required(const struct hours_rules *r, int start, const char *service_start,
			      int32_t yearly10)
{
	int assessed = 0;

	for (int y = start; y < start + r->cycle_years; y++)
		if (hours_assessed_in(service_start, y))
			assessed++;
	int64_t need = (int64_t)yearly10 * assessed;
	return need < r->cycle10 ? (int32_t)need : r->cycle10;
}

int32_t hours_cycle_required(const struct hours_rules *r, int start, const char *service_start)
{
	return cycle_required(r, start, service_start, r->yearly10);
}

int32_t hours_cycle_required_role(const struct hours_rules *r, int start,
				  const char *service_start, const char *person_role)
{
	return cycle_required(r, start, service_start, hours_yearly_required(r, person_role));
}
