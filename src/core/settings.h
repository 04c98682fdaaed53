/* settings.h - installation settings kept in the database (key = value). */
#ifndef TDC_SETTINGS_H
#define TDC_SETTINGS_H

#include <stddef.h>

struct store;

/* Copies the value into out; returns 1 when found, 0 when absent, -1 on error. */
int settings_get(struct store *s, const char *key, char *out, size_t outlen);
int settings_set(struct store *s, const char *key, const char *value);
/* The installation's secret for CSRF tokens, made at first use. */
int settings_server_secret(struct store *s, unsigned char out[32]);

/* ---- the installation's known settings (issue 6 §1) ----
 *
 * The keys hours_rules_load() (core/hours.c) reads, each with its default,
 * how its value is checked and a label in both languages.  hours_rules_load()
 * stays the one reader of their meaning: this table only checks and
 * describes what may be written.  An optional key's absent row means off
 * (a category minimum) or "as the installation's" (a role's minimum).
 *
 * settings_check() turns what someone wrote into the stored form: hours
 * through hours_parse() ("80" -> "80.0"), whole numbers in their range,
 * yes/no/1/0/是/否/true/false/on/off -> "1"/"0".  An empty value (or 0 hours
 * for an optional key) means unset: *out is "" and the row goes.
 * settings_change() writes or removes one key inside a write transaction it
 * opens and records the old and new values in the audit log. */
#include <stdbool.h>

#include "core/principal.h"
#include "lib/err.h"

enum setting_kind { SETTING_HOURS, SETTING_INT, SETTING_BOOL };

struct setting_def {
	const char *key;
	enum setting_kind kind;
	const char *dflt;       /* the default as stored; "" for optional keys (off) */
	int min, max;           /* SETTING_INT */
	bool optional;
	/* "年度最低学时（%s）": the %s, when present, takes the suffix's name */
	const char *label_zh, *label_en;
	const char *suffix_kind; /* "person_role", "category" or NULL */
	const char *suffix;      /* the code after the last '.' of key */
};

extern const struct setting_def settings_known[];
extern const int settings_known_count;
const struct setting_def *settings_find(const char *key);
enum { SETTING_VALUE_MAX = 32 };
/* 0 and *out, or -1 with e (ERR_INVALID) saying what is wrong, in English
 * and Chinese ("...；..."), e->field = the key. */
int settings_check(const struct setting_def *d, const char *value, char out[SETTING_VALUE_MAX],
		   struct err *e);
/* value NULL or "" (or what settings_check() makes ""): unset.  *changed
 * (may be NULL) is set when the stored value changed; nothing is audited
 * when it did not.  0, or -1 with e (ERR_INVALID, ERR_NOT_FOUND for an
 * unknown key, ERR_INTERNAL). */
int settings_change(struct store *s, const char *key, const char *value, const struct actor *who,
		    bool *changed, struct err *e);
int settings_unset(struct store *s, const char *key);

#endif
