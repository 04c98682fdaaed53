/* cli.h - what every subcommand shares: its table entry, usage printing,
 * configuration and opening the database.  One file per subcommand in
 * src/cli/, as git's builtin/. Exit codes: 0 ok, 1 the work failed,
 * 2 wrong usage. */
#ifndef TDC_CLI_H
#define TDC_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "core/principal.h"
#include "lib/config.h"
#include "lib/err.h"

struct store;

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);  /* argv[0] is the command's name */
	const char *summary;                /* one line for 'tdc --help' */
	const char *usage;                  /* the full 'tdc help NAME' text */
};

extern const struct cli_cmd cli_commands[];
const struct cli_cmd *cli_find(const char *name);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
/* issue 6 anchor: settings */
int cmd_settings(int argc, char **argv);
/* issue 6 anchor: assessment */
int cmd_assess(int argc, char **argv);
/* issue 6 anchor: appraisals */
/* issue 6 anchor: registration */
/* issue 6 anchor: recognition */
/* issue 6 anchor: reports */
int cmd_report(int argc, char **argv);

/* Prints the command's usage to stdout (asked for) or stderr (misused)
 * and returns the exit code to go with it. */
int cli_usage(const char *name, bool asked);
/* 2 with a message on stderr: "tdc NAME: MESSAGE" and a usage hint. */
int cli_misuse(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 with "tdc: MESSAGE" on stderr, or 2 when err->code is ERR_USAGE. */
int cli_fail(const struct err *err);
/* Reads the configuration: file (--config or TDC_CONFIG), environment;
 * flags are applied by the caller afterwards. */
int cli_config(struct config *c, const char *config_path, struct err *err);
/* Opens the database at path (or c->db_path); checks its schema is this
 * binary's unless 'any_version'. */
int cli_open_store(const char *path, int flags, bool check_schema, struct store **out,
		   struct err *err);
/* The actor for the audit log: "cli:<unix user>". */
struct actor cli_actor(void);
/* Reads one line (a password) from stdin, without its newline. */
int cli_read_stdin_line(char *out, size_t outlen);

#endif
