/* backup.c - tdc backup: a consistent copy while the server runs. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "store/store.h"

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *to = NULL;
	struct config cfg;
	struct err err = { 0 };
	struct store *s = NULL;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 't': to = optarg; break;
		default: return cli_misuse("backup", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_misuse("backup", "unexpected argument '%s'", argv[optind]);
	if (!to)
		return cli_misuse("backup", "missing --to FILE");
	if (access(to, F_OK) == 0) {
		err_set(&err, ERR_IO, "'%s' already exists: back up to a new file", to);
		return cli_fail(&err);
	}
	if (cli_config(&cfg, NULL, &err) < 0)
		return cli_fail(&err);
	if (cli_open_store(db ? db : cfg.db_path, 0, true, &s, &err) < 0)
		return cli_fail(&err);
	if (store_backup(s, to, &err) < 0) {
		store_close(s);
		unlink(to);
		return cli_fail(&err);
	}
	store_close(s);
	printf("tdc: backed up '%s' to '%s'\n", db ? db : cfg.db_path, to);
	return EXIT_OK;
}
