/* token.c - tdc token: issue and revoke API tokens. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/session.h"
#include "store/store.h"

int cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "days", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *verb;
	long days = 90;
	struct config cfg;
	struct err err = { 0 };
	struct store *s = NULL;
	struct actor who = cli_actor();
	int c, rc;

	if (argc < 2)
		return cli_usage("token", false);
	verb = argv[1];
	argc--, argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'd': db = optarg; break;
		case 'n':
			days = strtol(optarg, &end, 10);
			if (end == optarg || *end || days < 1 || days > 3650)
				return cli_misuse("token", "bad --days '%s': a number from 1 to 3650", optarg);
			break;
		default: return cli_misuse("token", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (strcmp(verb, "add") && strcmp(verb, "revoke"))
		return cli_misuse("token", "unknown subcommand '%s'", verb);
	if (argc - optind != 1)
		return cli_misuse("token", "%s: give exactly one %s", verb, !strcmp(verb, "add") ? "LOGIN" : "TOKEN");
	if (cli_config(&cfg, NULL, &err) < 0)
		return cli_fail(&err);
	if (cli_open_store(db ? db : cfg.db_path, 0, true, &s, &err) < 0)
		return cli_fail(&err);
	if (!strcmp(verb, "add")) {
		char token[API_TOKEN_CHARS + 1];

		rc = token_create(s, argv[optind], (int)days, &who, token, &err);
		if (rc == 0)
			printf("%s\n", token);
	} else {
		rc = token_revoke(s, argv[optind], &who, &err);
		if (rc == 0)
			fprintf(stderr, "tdc: token revoked\n");
	}
	store_close(s);
	return rc < 0 ? cli_fail(&err) : EXIT_OK;
}
