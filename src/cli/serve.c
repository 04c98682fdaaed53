/* serve.c - tdc serve: the web site and the JSON API. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/settings.h"
#include "store/store.h"
#include "web/server.h"

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *listen = NULL, *config = NULL, *threads = NULL;
	struct app app;
	struct err err = { 0 };
	struct store *s = NULL;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': listen = optarg; break;
		case 'c': config = optarg; break;
		case 't': threads = optarg; break;
		default: return cli_misuse("serve", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_misuse("serve", "unexpected argument '%s'", argv[optind]);
	memset(&app, 0, sizeof app);
	if (cli_config(&app.config, config, &err) < 0)
		return cli_fail(&err);
	/* flags last: they win over the file and the environment */
	if ((db && config_set(&app.config, "database", "path", db, &err) < 0) ||
	    (listen && config_set(&app.config, "server", "listen", listen, &err) < 0) ||
	    (threads && config_set(&app.config, "server", "threads", threads, &err) < 0))
		return cli_fail(&err);
	app.session.idle_s = app.config.session_idle_minutes * 60;
	app.session.absolute_s = app.config.session_absolute_hours * 3600;
	if (cli_open_store(app.config.db_path, 0, true, &s, &err) < 0)
		return cli_fail(&err);
	if (settings_server_secret(s, app.secret) < 0) {
		err_set(&err, ERR_IO, "cannot read the installation's secret: %s", store_errmsg(s));
		store_close(s);
		return cli_fail(&err);
	}
	store_close(s);
	if (server_run(&app, &err) < 0)
		return cli_fail(&err);
	return EXIT_OK;
}
