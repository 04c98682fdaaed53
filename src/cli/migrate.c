/* migrate.c - tdc migrate: bring a database's schema up to this binary. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>

#include "store/store.h"

int cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	struct config cfg;
	struct err err = { 0 };
	struct store *s = NULL;
	int c, before = 0, applied = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else
			return cli_misuse("migrate", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_misuse("migrate", "unexpected argument '%s'", argv[optind]);
	if (cli_config(&cfg, NULL, &err) < 0)
		return cli_fail(&err);
	if (cli_open_store(db ? db : cfg.db_path, 0, false, &s, &err) < 0)
		return cli_fail(&err);
	store_schema_version(s, &before);
	if (store_migrate(s, &applied, &err) < 0) {
		store_close(s);
		return cli_fail(&err);
	}
	printf("tdc: schema version %d -> %d (%d migrations applied)\n", before,
	       store_schema_latest(), applied);
	store_close(s);
	return EXIT_OK;
}
