/* settings.c - key = value settings (see settings.h). */
#include "settings.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/audit.h"
#include "core/hours.h"
#include "store/store.h"

static const char SQL_GET[] = "SELECT value FROM settings WHERE key = ?";
static const char SQL_SET[] =
	"INSERT INTO settings (key, value) VALUES (?, ?)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char SQL_ADD[] =
	"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING";

int settings_get(struct store *s, const char *key, char *out, size_t outlen)
{
	struct stmt *st;
	int rc, found = 0;

	if (store_prepare(s, SQL_GET, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, key);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		snprintf(out, outlen, "%s", stmt_text(st, 0));
		found = 1;
	}
	stmt_done(st);
	return rc < 0 ? -1 : found;
}

int settings_set(struct store *s, const char *key, const char *value)
{
	struct stmt *st;

	if (store_prepare(s, SQL_SET, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, key);
	stmt_bind_text(st, 2, value);
	return stmt_run(st) < 0 ? -1 : 0;
}

int settings_server_secret(struct store *s, unsigned char out[32])
{
	char hex[65];
	unsigned char fresh[32];
	struct stmt *st;
	size_t len;
	int rc = settings_get(s, "server_secret", hex, sizeof hex);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		/* first start: make one; a concurrent first start loses the
		 * race harmlessly and reads the winner's */
		randombytes_buf(fresh, sizeof fresh);
		sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
		if (store_prepare(s, SQL_ADD, &st) < 0)
			return -1;
		stmt_bind_text(st, 1, "server_secret");
		stmt_bind_text(st, 2, hex);
		if (stmt_run(st) < 0)
			return -1;
		if (settings_get(s, "server_secret", hex, sizeof hex) != 1)
			return -1;
	}
	if (sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &len, NULL) < 0 || len != 32)
		return -1;
	return 0;
}

/* ---- the known settings (issue 6 §1; see settings.h) ---- */

#define ROLE_MIN(code) \
	{ "hours.yearly_min." code, SETTING_HOURS, "", 0, 0, true, "年度最低学时（%s）", \
	  "Yearly minimum hours (%s)", "person_role", code }
#define CATEGORY_MIN(code) \
	{ "hours.category_min." code, SETTING_HOURS, "", 0, 0, true, "分类年度最低学时：%s", \
	  "Yearly minimum hours in category: %s", "category", code }

/* Defaults: DOMAIN.md "Yearly training assessment", "Five-year cycle" and
 * "Teacher-qualification periodic registration". */
const struct setting_def settings_known[] = {
	/* 002 ind. 23 (teachers and principals), ind. 17 (the centre's trainers) */
	{ "hours.yearly_min", SETTING_HOURS, "72.0", 0, 0, false, "年度最低学时", "Yearly minimum hours",
	  NULL, NULL },
	ROLE_MIN("teacher"), ROLE_MIN("principal"), ROLE_MIN("director"), ROLE_MIN("researcher"),
	ROLE_MIN("trainer"),
	/* off by default; one category never makes up for another (Guangdong:
	 * general 30, specialist 42, elective 18) */
	CATEGORY_MIN("qualification"), CATEGORY_MIN("improvement"), CATEGORY_MIN("advanced"),
	CATEGORY_MIN("thematic"), CATEGORY_MIN("whole_staff"), CATEGORY_MIN("key_teacher"),
	CATEGORY_MIN("new_teacher"), CATEGORY_MIN("school_based"), CATEGORY_MIN("online"),
	CATEGORY_MIN("remote"), CATEGORY_MIN("it2"), CATEGORY_MIN("special_education"),
	CATEGORY_MIN("counterpart"), CATEGORY_MIN("general"), CATEGORY_MIN("specialist"),
	CATEGORY_MIN("elective"), CATEGORY_MIN("other"),
	/* 002 ind. 23: 360 hours in five years, cycles 2021-2025, 2026-2030 ... */
	{ "hours.cycle_min", SETTING_HOURS, "360.0", 0, 0, false, "周期最低学时", "Cycle minimum hours",
	  NULL, NULL },
	{ "hours.cycle_years", SETTING_INT, "5", 1, 10, false, "周期年数", "Years in a cycle", NULL, NULL },
	{ "hours.first_cycle", SETTING_INT, "2021", 1990, 2100, false, "首个周期起始年",
	  "First year of the first cycle", NULL, NULL },
	/* 教师〔2013〕9号: suspended for more than a semester defers */
	{ "registration.suspension_limit_days", SETTING_INT, "180", 0, 3660, false,
	  "中止教学天数上限（超过则暂缓注册）", "Suspension limit in days (more defers registration)",
	  NULL, NULL },
	/* 基本合格 is not 合格以上: by default it defers */
	{ "registration.basic_defers", SETTING_BOOL, "1", 0, 1, false, "年度考核“基本合格”暂缓注册",
	  "An appraisal of 'basically qualified' defers registration", NULL, NULL },
};
const int settings_known_count = (int)(sizeof settings_known / sizeof settings_known[0]);

const struct setting_def *settings_find(const char *key)
{
	for (int i = 0; key && i < settings_known_count; i++)
		if (!strcmp(settings_known[i].key, key))
			return &settings_known[i];
	return NULL;
}

static bool trimmed_equal(const char *v, const char *const *words)
{
	for (; *words; words++)
		if (!strcasecmp(v, *words))
			return true;
	return false;
}

int settings_check(const struct setting_def *d, const char *value, char out[SETTING_VALUE_MAX],
		   struct err *e)
{
	char v[64];
	size_t n;
	const char *p = value ? value : "";

	while (*p == ' ' || *p == '\t')
		p++;
	snprintf(v, sizeof v, "%s", p);
	n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
		v[--n] = '\0';
	out[0] = '\0';
	if (!*v)
		return 0;                  /* unset: the default, or off */
	switch (d->kind) {
	case SETTING_HOURS: {
		int32_t h10;
		enum hours_error he = hours_parse(v, &h10);

		if (he == HOURS_ZERO && d->optional)
			return 0;          /* 0 hours: no such minimum */
		if (he != HOURS_OK) {
			err_field(e, ERR_INVALID, d->key, "'%s' for %s: %s；%s", v, d->key,
				  hours_error_text(he, 1), hours_error_text(he, 0));
			return -1;
		}
		hours_format(h10, out);
		return 0;
	}
	case SETTING_INT: {
		char *end;
		long x = strtol(v, &end, 10);

		if (*end || end == v || x < d->min || x > d->max) {
			err_field(e, ERR_INVALID, d->key,
				  "'%s' for %s: a whole number from %d to %d is needed；应为 %d 至 %d 的整数",
				  v, d->key, d->min, d->max, d->min, d->max);
			return -1;
		}
		snprintf(out, SETTING_VALUE_MAX, "%ld", x);
		return 0;
	}
	case SETTING_BOOL: {
		static const char *const yes[] = { "1", "yes", "y", "true", "on", "是", NULL };
		static const char *const no[] = { "0", "no", "n", "false", "off", "否", NULL };

		if (trimmed_equal(v, yes)) {
			snprintf(out, SETTING_VALUE_MAX, "1");
			return 0;
		}
		if (trimmed_equal(v, no)) {
			snprintf(out, SETTING_VALUE_MAX, "0");
			return 0;
		}
		err_field(e, ERR_INVALID, d->key, "'%s' for %s: yes or no (1 or 0) is needed；应为 是 或 否（1 或 0）",
			  v, d->key);
		return -1;
	}
	}
	return -1;
}

static const char SQL_UNSET[] = "DELETE FROM settings WHERE key = ?";

int settings_unset(struct store *s, const char *key)
{
	struct stmt *st;

	if (store_prepare(s, SQL_UNSET, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, key);
	return stmt_run(st) < 0 ? -1 : 0;
}

int settings_change(struct store *s, const char *key, const char *value, const struct actor *who,
		    bool *changed, struct err *e)
{
	const struct setting_def *d = settings_find(key);
	char now[SETTING_VALUE_MAX], old[64] = "", detail[200], object[96];
	bool own_tx = !store_in_transaction(s), had;
	int rc;

	if (changed)
		*changed = false;
	if (!d) {
		err_field(e, ERR_NOT_FOUND, "key", "no setting '%s'; 'tdc settings list' shows them", key ? key : "");
		return -1;
	}
	if (settings_check(d, value, now, e) < 0)
		return -1;
	if (own_tx && store_begin(s, STORE_WRITE) < 0)
		goto db_fail;
	rc = settings_get(s, key, old, sizeof old);
	if (rc < 0)
		goto db_fail;
	had = rc == 1;
	if ((!had && !*now) || (had && !strcmp(old, now))) {
		if (own_tx && store_commit(s) < 0)
			goto db_fail;
		return 0;                  /* the same: nothing to record */
	}
	if ((*now ? settings_set(s, key, now) : settings_unset(s, key)) < 0)
		goto db_fail;
	/* the audit row says what it was and what it is, defaults named */
	snprintf(detail, sizeof detail, "%s -> %s", had ? old : *d->dflt ? "(default)" : "(unset)",
		 *now ? now : *d->dflt ? "(default)" : "(unset)");
	snprintf(object, sizeof object, "setting:%s", key);
	if (audit_record(s, who, *now ? "settings.set" : "settings.unset", object, detail) < 0)
		goto db_fail;
	if (own_tx && store_commit(s) < 0)
		goto db_fail;
	if (changed)
		*changed = true;
	return 0;
db_fail:
	if (own_tx && store_in_transaction(s))
		store_rollback(s);
	err_set(e, ERR_INTERNAL, "cannot save setting '%s': %s", key, store_errmsg(s));
	return -1;
}
