/* settings.c - tdc settings: the installation's requirements (issue 6 §1).
 *
 * list shows every known key with its value and default; get prints one
 * value as it applies (the default when unset); set and unset change one,
 * each change recorded in the audit log with the old and the new value.
 * An unknown key is wrong usage (exit 2); a value the key refuses is a
 * failed change (exit 1), with the reason. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/settings.h"
#include "store/store.h"

static int open_db(const char *db, struct store **s, struct err *err)
{
	struct config cfg;

	if (cli_config(&cfg, NULL, err) < 0)
		return -1;
	return cli_open_store(db ? db : cfg.db_path, 0, true, s, err);
}

/* The value as it applies: stored, else the default; "" for an optional
 * key that is off.  *stored says which. */
static int effective(struct store *s, const struct setting_def *d, char *out, size_t n, bool *stored)
{
	int rc = settings_get(s, d->key, out, n);

	if (rc < 0)
		return -1;
	*stored = rc == 1;
	if (!*stored)
		snprintf(out, n, "%s", d->dflt);
	return 0;
}

static int list(struct store *s, struct err *err)
{
	char v[64];
	bool stored;

	printf("%-40s %-8s %-8s %s\n", "KEY", "VALUE", "DEFAULT", "MEANING");
	for (int i = 0; i < settings_known_count; i++) {
		const struct setting_def *d = &settings_known[i];
		char label[160];

		if (effective(s, d, v, sizeof v, &stored) < 0) {
			err_set(err, ERR_IO, "cannot read settings: %s", store_errmsg(s));
			return -1;
		}
		snprintf(label, sizeof label, d->label_en, d->suffix ? d->suffix : "");
		printf("%-40s %-8s %-8s %s%s\n", d->key, *v ? v : "off", *d->dflt ? d->dflt : "off", label,
		       stored ? "" : " (default)");
	}
	return 0;
}

int cmd_settings(int argc, char **argv)
{
	const char *db = NULL, *verb, *key = NULL, *value = NULL;
	const struct setting_def *d = NULL;
	struct err err = { 0 };
	struct store *s = NULL;
	int rc = EXIT_OK, want;

	/* the verb, its words and --db, in any order */
	{
		const char *words[4];
		int nw = 0;

		for (int i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "--db") && i + 1 < argc) {
				db = argv[++i];
			} else if (!strncmp(argv[i], "--db=", 5)) {
				db = argv[i] + 5;
			} else if (argv[i][0] == '-' && argv[i][1] == '-') {
				return cli_misuse("settings", "unknown option '%s'", argv[i]);
			} else if (nw < 4) {
				words[nw++] = argv[i];
			} else {
				return cli_misuse("settings", "unexpected argument '%s'", argv[i]);
			}
		}
		if (nw == 0)
			return cli_misuse("settings", "say what to do: list, get, set or unset");
		verb = words[0];
		want = !strcmp(verb, "list") ? 1 : !strcmp(verb, "get") || !strcmp(verb, "unset") ? 2
		     : !strcmp(verb, "set") ? 3 : 0;
		if (!want)
			return cli_misuse("settings", "'%s' is not list, get, set or unset", verb);
		if (nw != want)
			return cli_misuse("settings", nw < want ? "'%s' needs %s" : "'%s' takes only %s", verb,
					  want == 1 ? "no argument" : want == 2 ? "KEY" : "KEY and VALUE");
		key = nw > 1 ? words[1] : NULL;
		value = nw > 2 ? words[2] : NULL;
	}
	if (key && !(d = settings_find(key)))
		return cli_misuse("settings", "no setting '%s'; 'tdc settings list' shows them", key);
	if (open_db(db, &s, &err) < 0)
		return cli_fail(&err);
	if (!strcmp(verb, "list")) {
		if (list(s, &err) < 0)
			rc = cli_fail(&err);
	} else if (!strcmp(verb, "get")) {
		char v[64];
		bool stored;

		if (effective(s, d, v, sizeof v, &stored) < 0) {
			err_set(&err, ERR_IO, "cannot read settings: %s", store_errmsg(s));
			rc = cli_fail(&err);
		} else if (!stored && d->optional) {
			/* what applies when a key is unset: a role's minimum is the
			 * installation's; a category has none */
			const struct setting_def *base = settings_find("hours.yearly_min");

			if (d->suffix_kind && !strcmp(d->suffix_kind, "person_role") && base &&
			    effective(s, base, v, sizeof v, &stored) == 0)
				printf("%s\n", v);
			else
				printf("off\n");
		} else {
			printf("%s\n", v);
		}
	} else {
		struct actor who = cli_actor();
		bool changed;

		if (settings_change(s, key, !strcmp(verb, "set") ? value : NULL, &who, &changed, &err) < 0) {
			if (err.code != ERR_INTERNAL)
				err.code = ERR_INVALID;   /* a refused value: exit 1 */
			rc = cli_fail(&err);
		} else {
			char v[64];
			bool stored;

			if (effective(s, d, v, sizeof v, &stored) < 0)
				v[0] = '\0';
			fprintf(stderr, "tdc: %s = %s%s%s\n", key, *v ? v : "off", stored ? "" : " (default)",
				changed ? "" : " (unchanged)");
		}
	}
	store_close(s);
	return rc;
}
