/* report.c - tdc report assessment|registration: one row per person, as
 * CSV, .xlsx or JSON (core/report.h has the columns and the formats).
 *
 * --scope is `tdc export --scope` (export_scope_parse()), --unmasked is
 * recorded in the audit log, committed, before a row is written, as an
 * unmasked export is (export_audit_unmasked_what()); the whole report is
 * never held in memory. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/export.h"
#include "core/report.h"
#include "lib/arena.h"
#include "lib/clock.h"
#include "store/store.h"

static int parse_year(const char *v, int *out)
{
	char *end;
	long y = v ? strtol(v, &end, 10) : 0;

	if (!v || !*v || *end || y < 1950 || y > 2200)
		return -1;
	*out = (int)y;
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "year", required_argument, NULL, 'y' },
		{ "cycle", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "scope", required_argument, NULL, 's' },
		{ "unmasked", no_argument, NULL, 'u' },
		{ "lang", required_argument, NULL, 'l' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *year = NULL, *cycle = NULL, *format = NULL, *scope = NULL;
	const char *lang = NULL, *out = NULL, *where;
	struct report_spec r = { 0 };
	struct registry_scope sc;
	struct table_target to = { 0 };
	struct config cfg;
	struct err err = { 0 };
	struct store *s = NULL;
	struct arena a;
	struct actor who = cli_actor();
	char today[11];
	long rows = 0;
	int c, rc = EXIT_FAIL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'y': year = optarg; break;
		case 'c': cycle = optarg; break;
		case 'f': format = optarg; break;
		case 's': scope = optarg; break;
		case 'u': r.unmasked = true; break;
		case 'l': lang = optarg; break;
		case 'o': out = optarg; break;
		default: return cli_misuse("report", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_misuse("report", "say which report: assessment or registration");
	if (optind + 1 < argc)
		return cli_misuse("report", "unexpected argument '%s'", argv[optind + 1]);
	if (report_kind_parse(argv[optind], &r.kind) < 0)
		return cli_misuse("report", "no report '%s': use assessment or registration",
				  argv[optind]);
	if (r.kind == REPORT_ASSESSMENT && (cycle || parse_year(year, &r.year) < 0))
		return cli_misuse("report", "the assessment report needs --year YYYY");
	if (r.kind == REPORT_REGISTRATION && (year || parse_year(cycle, &r.year) < 0))
		return cli_misuse("report", "the registration report needs --cycle YYYY, the "
					    "cycle's first year");
	if (!format)
		return cli_misuse("report", "missing --format csv|json|xlsx");
	if (report_format_parse(format, &r.format) < 0)
		return cli_misuse("report", "unknown format '%s': use csv, json or xlsx", format);
	if (lang && strcmp(lang, "en") && strcmp(lang, "zh"))
		return cli_misuse("report", "unknown language '%s': use en or zh", lang);
	r.english = lang && !strcmp(lang, "en");
	if (out && !*out)
		return cli_misuse("report", "--out needs a file name");
	if (!out && r.format == REPORT_XLSX && isatty(STDOUT_FILENO))
		return cli_misuse("report", "a workbook is not for a terminal: give --out FILE or "
					    "redirect standard output");

	clock_today(today);
	r.today = today;
	if (cli_config(&cfg, NULL, &err) < 0)
		return cli_fail(&err);
	if (cli_open_store(db ? db : cfg.db_path, 0, true, &s, &err) < 0)
		return cli_fail(&err);
	arena_init(&a);
	if (export_scope_parse(s, &a, scope, &sc, &err) < 0)
		goto fail;
	r.scope = &sc;
	where = out ? out : "standard output";
	if (r.unmasked &&
	    export_audit_unmasked_what(s, &who, scope,
				       arena_printf(&a, "%s report %d, %s", report_kind_name(r.kind),
						    r.year, report_format_name(r.format)),
				       -1, where, &err) < 0)
		goto fail;
	if (out)
		to.path = out;
	else
		to.stream = stdout;
	if (report_write(s, &r, &to, &rows, &err) < 0)
		goto fail;
	fprintf(stderr, "tdc: %ld rows written to %s\n", rows, where);
	rc = EXIT_OK;
	goto done;
fail:
	rc = cli_fail(&err);
done:
	arena_release(&a);
	store_close(s);
	return rc;
}
