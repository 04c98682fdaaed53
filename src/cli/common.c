/* common.c - shared by the subcommands (see cli.h). */
#include "cli/cli.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

const struct cli_cmd *cli_find(const char *name)
{
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int cli_usage(const char *name, bool asked)
{
	const struct cli_cmd *c = cli_find(name);

	if (!c)
		return EXIT_USAGE;
	fputs(c->usage, asked ? stdout : stderr);
	return asked ? EXIT_OK : EXIT_USAGE;
}

int cli_misuse(const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tdc %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nsee 'tdc help %s'\n", name);
	return EXIT_USAGE;
}

int cli_fail(const struct err *err)
{
	fprintf(stderr, "tdc: %s\n", err->message[0] ? err->message : "failed");
	return err->code == ERR_USAGE ? EXIT_USAGE : EXIT_FAIL;
}

int cli_config(struct config *c, const char *config_path, struct err *err)
{
	config_defaults(c);
	if (!config_path || !*config_path)
		config_path = getenv("TDC_CONFIG");
	if (config_path && *config_path && config_load_file(c, config_path, err) < 0)
		return -1;
	return config_load_env(c, err);
}

int cli_open_store(const char *path, int flags, bool check_schema, struct store **out,
		   struct err *err)
{
	if (!path || !*path) {
		err_set(err, ERR_USAGE, "no database: give --db PATH (or TDC_DB, or [database] path in the configuration)");
		return -1;
	}
	if (!(flags & STORE_CREATE) && access(path, F_OK) != 0) {
		err_set(err, ERR_IO, "no database at '%s': create one with 'tdc init --db %s'", path, path);
		return -1;
	}
	if (store_open(out, path, flags, err) < 0)
		return -1;
	if (check_schema && store_schema_check(*out, err) < 0) {
		store_close(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

struct actor cli_actor(void)
{
	static char name[80];
	struct passwd *pw = getpwuid(getuid());
	struct actor a = { 0, name, NULL };

	snprintf(name, sizeof name, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
	return a;
}

int cli_read_stdin_line(char *out, size_t outlen)
{
	size_t n;

	if (!fgets(out, (int)outlen, stdin))
		return -1;
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}
