/* export.c - tdc export: schools or teachers to .xlsx or CSV, in the import's columns.
 *
 * Without --out a CSV goes to standard output; a workbook does too, but
 * only when standard output is a file or a pipe: zip bytes on a terminal
 * help no one (exit 2).  --unmasked writes whole ID numbers, and is
 * recorded in the audit log, committed, before a single row is written:
 * an export that fails half-way is still on record, one that is not on
 * record never happens. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/export.h"
#include "lib/arena.h"
#include "store/store.h"

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "scope", required_argument, NULL, 's' },
		{ "unmasked", no_argument, NULL, 'u' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *format = NULL, *scope = NULL, *out = NULL, *where;
	bool unmasked = false;
	struct export_spec x = { 0 };
	struct registry_scope sc;
	struct table_target to = { 0 };
	struct config cfg;
	struct err err = { 0 };
	struct store *s = NULL;
	struct arena a;
	struct actor who = cli_actor();
	long rows = 0;
	int c, rc = EXIT_FAIL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f': format = optarg; break;
		case 's': scope = optarg; break;
		case 'u': unmasked = true; break;
		case 'o': out = optarg; break;
		default: return cli_misuse("export", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_misuse("export", "say what to export: schools or teachers");
	if (optind + 1 < argc)
		return cli_misuse("export", "unexpected argument '%s'", argv[optind + 1]);
	if (export_kind_parse(argv[optind], &x.kind) < 0 || !strcmp(argv[optind], "persons"))
		return cli_misuse("export", "cannot export '%s': use schools or teachers", argv[optind]);
	if (!format)
		return cli_misuse("export", "missing --format xlsx|csv");
	if (export_format_parse(format, &x.format) < 0)
		return cli_misuse("export", "unknown format '%s': use xlsx or csv", format);
	if (unmasked && x.kind != EXPORT_TEACHERS)
		return cli_misuse("export", "--unmasked is for teachers: schools have no ID numbers");
	if (out && !*out)
		return cli_misuse("export", "--out needs a file name");
	if (!out && x.format == TABLE_XLSX && isatty(STDOUT_FILENO))
		return cli_misuse("export", "a workbook is not for a terminal: give --out FILE or redirect standard output");

	if (cli_config(&cfg, NULL, &err) < 0)
		return cli_fail(&err);
	if (cli_open_store(db ? db : cfg.db_path, 0, true, &s, &err) < 0)
		return cli_fail(&err);
	arena_init(&a);
	if (export_scope_parse(s, &a, scope, &sc, &err) < 0)
		goto fail;
	x.scope = &sc;
	x.unmasked = unmasked;
	where = out ? out : "standard output";
	if (unmasked) {
		int64_t n;

		if (export_count(s, &x, &n, &err) < 0 ||
		    export_audit_unmasked(s, &who, scope, x.kind, n, where, &err) < 0)
			goto fail;
	}
	if (out)
		to.path = out;
	else
		to.stream = stdout;
	if (export_write(s, &x, &to, &rows, &err) < 0)
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
