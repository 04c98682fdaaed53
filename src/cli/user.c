/* user.c - tdc user: add, list, disable, enable, password, activate. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/account.h"
#include "core/activation.h"
#include "lib/arena.h"
#include "store/store.h"

struct user_args {
	const char *db, *role, *scope, *person, *name, *out;
	bool password_stdin, all;
	int argc;       /* positional arguments left, after the verb */
	char **argv;
};

static int parse(const char *verb, int argc, char **argv, struct user_args *a)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "scope", required_argument, NULL, 's' },
		{ "person", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "password-stdin", no_argument, NULL, 'P' },
		{ "out", required_argument, NULL, 'o' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof *a);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': a->db = optarg; break;
		case 'r': a->role = optarg; break;
		case 's': a->scope = optarg; break;
		case 'p': a->person = optarg; break;
		case 'n': a->name = optarg; break;
		case 'P': a->password_stdin = true; break;
		case 'o': a->out = optarg; break;
		case 'a': a->all = true; break;
		default:
			cli_misuse("user", "%s: unknown option '%s'", verb, argv[optind - 1]);
			return -1;
		}
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	return 0;
}

static int open_db(const struct user_args *a, struct store **s, struct err *err)
{
	struct config cfg;

	if (cli_config(&cfg, NULL, err) < 0)
		return -1;
	return cli_open_store(a->db ? a->db : cfg.db_path, 0, true, s, err);
}

static int user_add(struct user_args *a)
{
	char password[PASSWORD_MAX_LEN + 2] = "";
	struct err err = { 0 };
	struct store *s = NULL;
	struct actor who = cli_actor();
	struct account_new in;
	int rc;

	if (a->argc != 1)
		return cli_misuse("user", "add: give exactly one LOGIN");
	if (!a->role)
		return cli_misuse("user", "add: missing --role ROLE (one of %s)", role_list());
	if (role_parse(a->role) == ROLE_NONE)
		return cli_misuse("user", "add: unknown role '%s': use one of %s", a->role, role_list());
	if (!a->password_stdin)
		return cli_misuse("user", "add: give the password on standard input with --password-stdin");
	if (cli_read_stdin_line(password, sizeof password) < 0) {
		err_set(&err, ERR_USAGE, "no password on standard input");
		return cli_fail(&err);
	}
	if (open_db(a, &s, &err) < 0)
		return cli_fail(&err);
	in = (struct account_new){
		.login = a->argv[0], .display_name = a->name, .role = role_parse(a->role),
		.scope = a->scope, .person_id_number = a->person, .password = password,
	};
	rc = account_create(s, &in, &who, NULL, &err);
	store_close(s);
	memset(password, 0, sizeof password);
	if (rc < 0)
		return cli_fail(&err);
	printf("tdc: account '%s' created (%s%s%s)\n", in.login, a->role, a->scope ? " " : "",
	       a->scope ? a->scope : "");
	return EXIT_OK;
}

static int user_list(struct user_args *a)
{
	struct err err = { 0 };
	struct store *s = NULL;
	struct arena ar;
	struct account_row *rows;
	int n;

	if (a->argc)
		return cli_misuse("user", "list: unexpected argument '%s'", a->argv[0]);
	if (open_db(a, &s, &err) < 0)
		return cli_fail(&err);
	arena_init(&ar);
	if (account_list(s, &ar, NULL, a->role, &rows, &n) < 0) {
		err_set(&err, ERR_IO, "cannot list accounts: %s", store_errmsg(s));
		arena_release(&ar);
		store_close(s);
		return cli_fail(&err);
	}
	printf("%-20s %-13s %-14s %-9s %s\n", "LOGIN", "ROLE", "SCOPE", "STATUS", "NAME");
	for (int i = 0; i < n; i++)
		printf("%-20s %-13s %-14s %-9s %s\n", rows[i].login, rows[i].role,
		       *rows[i].scope ? rows[i].scope : "-", rows[i].disabled ? "disabled" : "active",
		       rows[i].display_name);
	arena_release(&ar);
	store_close(s);
	return EXIT_OK;
}

static int user_change(struct user_args *a, const char *verb)
{
	char password[PASSWORD_MAX_LEN + 2] = "";
	struct err err = { 0 };
	struct store *s = NULL;
	struct actor who = cli_actor();
	int rc;

	if (a->argc != 1)
		return cli_misuse("user", "%s: give exactly one LOGIN", verb);
	if (!strcmp(verb, "password")) {
		if (!a->password_stdin)
			return cli_misuse("user", "password: give the password on standard input with --password-stdin");
		if (cli_read_stdin_line(password, sizeof password) < 0) {
			err_set(&err, ERR_USAGE, "no password on standard input");
			return cli_fail(&err);
		}
	}
	if (open_db(a, &s, &err) < 0)
		return cli_fail(&err);
	if (!strcmp(verb, "disable"))
		rc = account_disable(s, a->argv[0], &who, &err);
	else if (!strcmp(verb, "enable"))
		rc = account_enable(s, a->argv[0], &who, &err);
	else
		rc = account_set_password(s, a->argv[0], password, &who, &err);
	store_close(s);
	memset(password, 0, sizeof password);
	if (rc < 0)
		return cli_fail(&err);
	printf("tdc: account '%s' %s\n", a->argv[0],
	       !strcmp(verb, "disable") ? "disabled; its sessions and tokens ended" :
	       !strcmp(verb, "enable") ? "enabled" : "has a new password; its sessions ended");
	return EXIT_OK;
}

/* ---- activate: one-time codes for a scope's teachers --------------------- */

struct sheet_file {
	const char *path;
	enum activation_sheet_format format;
	bool written;
};

/* activation_issue()'s delivery, before its commit: the file is complete
 * or absent, and codes that never reached it are never issued.  0600: it
 * holds live codes. */
static int write_sheet(const struct activation_batch *b, void *ctx, struct err *err)
{
	struct sheet_file *f = ctx;
	struct buf bytes;
	size_t off = 0;
	int fd = -1, rc = -1;

	buf_init(&bytes);
	if (activation_sheet(b, f->format, &bytes, err) < 0)
		goto out;
	fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		err_set(err, ERR_IO, "cannot create '%s': %s", f->path, strerror(errno));
		goto out;
	}
	f->written = true;
	while (off < bytes.len) {
		ssize_t n = write(fd, bytes.data + off, bytes.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_set(err, ERR_IO, "cannot write '%s': %s", f->path, strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		err_set(err, ERR_IO, "cannot write '%s': %s", f->path, strerror(errno));
		goto out;
	}
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && f->written) {
		unlink(f->path);
		f->written = false;
	}
	if (bytes.data)
		explicit_bzero(bytes.data, bytes.len);
	buf_free(&bytes);
	return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcasecmp(s + n - m, suffix);
}

static int user_activate(struct user_args *a)
{
	struct err err = { 0 };
	struct store *s = NULL;
	struct actor who = cli_actor();
	struct activation_scope scope;
	struct activation_batch batch;
	struct sheet_file file = { a->out, ACTIVATION_XLSX, false };
	struct activation_issue_opts o = {
		.all = a->all, .now = time(NULL), .deliver = write_sheet, .ctx = &file,
	};
	struct arena ar;
	int rc;

	if (a->argc)
		return cli_misuse("user", "activate: unexpected argument '%s'", a->argv[0]);
	if (!a->scope || !*a->scope)
		return cli_misuse("user", "activate: missing --scope CODE (a school, centre or division code)");
	if (!a->out || !*a->out)
		return cli_misuse("user", "activate: missing --out FILE (.xlsx, or .csv)");
	if (ends_with(a->out, ".csv"))
		file.format = ACTIVATION_CSV;
	else if (!ends_with(a->out, ".xlsx"))
		return cli_misuse("user", "activate: --out '%s' must end in .xlsx or .csv", a->out);
	if (access(a->out, F_OK) == 0) {
		err_set(&err, ERR_IO, "'%s' exists: remove it or choose another name", a->out);
		return cli_fail(&err);
	}
	if (open_db(a, &s, &err) < 0)
		return cli_fail(&err);
	if (activation_scope_parse(s, a->scope, &scope, &err) < 0) {
		store_close(s);
		return cli_fail(&err);
	}
	arena_init(&ar);
	rc = activation_issue(s, &ar, &scope, &o, &who, &batch, &err);
	if (rc < 0 && file.written)
		unlink(a->out); /* written, then the commit failed: not issued */
	store_close(s);
	if (rc < 0) {
		arena_release(&ar);
		return cli_fail(&err);
	}
	if (batch.n == 0 && batch.skipped)
		printf("no codes issued: all %d serving persons in %s have an account (--all issues codes for them too)\n",
		       batch.skipped, scope.code);
	else if (batch.n == 0)
		printf("no codes issued: no serving persons in %s\n", scope.code);
	else
		printf("%d codes issued for %s, valid until %s: %s\n", batch.n, scope.code,
		       batch.expires_on, a->out);
	if (batch.n && batch.skipped)
		printf("%d persons skipped: they have an account already (--all includes them)\n",
		       batch.skipped);
	for (int i = 0; i < batch.n; i++)
		explicit_bzero(batch.cards[i].code, sizeof batch.cards[i].code);
	arena_release(&ar);
	return EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
	struct user_args a;
	const char *verb;

	if (argc < 2)
		return cli_usage("user", false);
	verb = argv[1];
	if (parse(verb, argc - 1, argv + 1, &a) < 0)
		return EXIT_USAGE;
	if (!strcmp(verb, "add"))
		return user_add(&a);
	if (!strcmp(verb, "list"))
		return user_list(&a);
	if (!strcmp(verb, "disable") || !strcmp(verb, "enable") || !strcmp(verb, "password"))
		return user_change(&a, verb);
	if (!strcmp(verb, "activate"))
		return user_activate(&a);
	return cli_misuse("user", "unknown subcommand '%s'", verb);
}
