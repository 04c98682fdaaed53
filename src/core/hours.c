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

#include "core/settings.h"

static int setting_int(struct store *s, const char *key, int dflt, int min, int max, int *out)
{
	char v[32];
	char *end;
	long n;
	int rc = settings_get(s, key, v, sizeof v);

	if (rc < 0)
		return -1;
	*out = dflt;
	if (rc == 0)
		return 0;
	n = strtol(v, &end, 10);
	if (*v && !*end && n >= min && n <= max)
		*out = (int)n;
	return 0;
}

int hours_rules_load(struct store *s, struct hours_rules *r)
{
	int yearly, cycle;
	int32_t h10;

	/* the minimums may be written with a decimal: "72" or "72.5" */
	char v[32];
	int rc;

	yearly = 720;
	cycle = 3600;
	if ((rc = settings_get(s, "hours.yearly_min", v, sizeof v)) < 0)
		return -1;
	if (rc > 0 && hours_parse(v, &h10) == HOURS_OK)
		yearly = h10;
	if ((rc = settings_get(s, "hours.cycle_min", v, sizeof v)) < 0)
		return -1;
	if (rc > 0 && hours_parse(v, &h10) == HOURS_OK)
		cycle = h10;
	r->yearly10 = yearly;
	r->cycle10 = cycle;
	if (setting_int(s, "hours.cycle_years", 5, 1, 10, &r->cycle_years) ||
	    setting_int(s, "hours.first_cycle", 2021, 1990, 2100, &r->first_cycle))
		return -1;
	return 0;
}

int hours_cycle_start(const struct hours_rules *r, int year)
{
	int d = year - r->first_cycle;
	int k = d >= 0 ? d / r->cycle_years : -((-d + r->cycle_years - 1) / r->cycle_years);

	return r->first_cycle + k * r->cycle_years;
}

int32_t hours_cycle_required(const struct hours_rules *r, int start, const char *service_start)
{
	int assessed = 0;

	for (int y = start; y < start + r->cycle_years; y++) {
		char jan1[11];

		snprintf(jan1, sizeof jan1, "%04d-01-01", y);
		/* assessed in y: in service on 1 January of y (ISO dates compare as text) */
		if (!service_start || !*service_start || strcmp(service_start, jan1) <= 0)
			assessed++;
	}
	int64_t need = (int64_t)r->yearly10 * assessed;
	return need < r->cycle10 ? (int32_t)need : r->cycle10;
}
