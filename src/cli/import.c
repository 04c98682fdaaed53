/* import.c - tdc import schools|teachers|credits|appraisals|events FILE: all
 * or nothing, or
 * the good rows with the bad ones set aside in a rejects file. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <strings.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/appraisal.h"
#include "core/credits.h"
#include "core/export.h"
#include "core/import.h"
#include "lib/clock.h"
#include "lib/sheet.h"
#include "lib/table_write.h"
#include "store/store.h"

struct cli_run {
	bool tty;                 /* stderr is a terminal: draw a progress bar */
	bool bar_drawn;
	struct table_writer *rejects;
	const char *rejects_path;
	enum table_format rejects_format;
	int ncols;
	struct err rejects_err;
	long errors_shown;
};

static void clear_bar(struct cli_run *c)
{
	if (c->bar_drawn) {
		fputs("\r\033[K", stderr);
		c->bar_drawn = false;
	}
}

static void on_message(void *ctx, bool error, const char *line)
{
	struct cli_run *c = ctx;

	clear_bar(c);
	fprintf(stderr, "%s%s\n", error ? "" : "warning: ", line);
	c->errors_shown++;
}

static void on_progress(void *ctx, double done, long rows)
{
	struct cli_run *c = ctx;
	int width = 30, filled = (int)(done * width + 0.5);

	if (!c->tty)
		return;
	fprintf(stderr, "\r[%.*s%*s] %3d%%  %ld rows", filled,
		"##############################", width - filled, "", (int)(done * 100 + 0.5), rows);
	fflush(stderr);
	c->bar_drawn = true;
}

/* The rejects file has the file's own columns and a reason, so it can be
 * fixed and imported again; every column is text, as the file's were. */
static void on_reject_header(void *ctx, int ncells, const char *const *cells)
{
	struct cli_run *c = ctx;
	struct table_column cols[TABLE_MAX_COLUMNS];
	struct table_target to = { .path = c->rejects_path };
	struct table_options o = { .format = c->rejects_format, .sheet = "rejects", .columns = cols };

	if (ncells > TABLE_MAX_COLUMNS - 1)
		ncells = TABLE_MAX_COLUMNS - 1;
	for (int i = 0; i < ncells; i++)
		cols[i] = (struct table_column){ .header = cells[i], .width = 14, .text = true };
	cols[ncells] = (struct table_column){ .header = "原因", .width = 60, .text = true };
	o.ncolumns = ncells + 1;
	c->ncols = ncells;
	table_write_open(&to, &o, &c->rejects, &c->rejects_err);
}

static void on_reject(void *ctx, int ncells, const char *const *cells, const char *reason)
{
	struct cli_run *c = ctx;
	const char *row[TABLE_MAX_COLUMNS] = { 0 };

	if (!c->rejects || c->rejects_err.code)
		return;
	for (int i = 0; i < c->ncols && i < ncells; i++)
		row[i] = cells[i];
	row[c->ncols] = reason;
	table_write_row(c->rejects, row, &c->rejects_err);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "skip-bad", no_argument, NULL, 's' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "template", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *rejects = NULL, *template = NULL, *file;
	bool dry_run = false, skip_bad = false;
	struct config cfg;
	struct err err = { 0 };
	struct store *s = NULL;
	struct sheet *sh = NULL;
	struct cli_run run = { 0 };
	struct import_result res;
	struct actor who = cli_actor();
	struct change_source src;
	struct import_opts o = { 0 };
	char now[ISO_TIME_LEN], today[11], source[300], label_buf[4096], rejects_buf[4096];
	int kind, c, rc = EXIT_FAIL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n': dry_run = true; break;
		case 's': skip_bad = true; break;
		case 'r': rejects = optarg; break;
		case 't': template = optarg; break;
		case 'h': return cli_usage("import", true);
		default: return cli_misuse("import", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_misuse("import", "say what to import: schools, teachers, credits, "
					    "appraisals or events");
	if ((kind = import_kind_parse(argv[optind])) < 0)
		return cli_misuse("import", "cannot import '%s': say schools, teachers, credits, "
				  "appraisals or events", argv[optind]);
	optind++;

	if (template) {
		if (optind < argc)
			return cli_misuse("import", "--template takes no FILE to import");
		if ((kind == IMPORT_CREDITS ? credits_template(template, &err)
		     : kind == IMPORT_APPRAISALS || kind == IMPORT_EVENTS
			     ? appraisal_template(kind == IMPORT_EVENTS, template, &err)
			     : export_template(import_kind_name(kind), template, &err)) < 0)
			return cli_fail(&err);
		printf("tdc: wrote the %s template to '%s'\n", import_kind_name(kind), template);
		return EXIT_OK;
	}
	if (optind >= argc)
		return cli_misuse("import", "missing FILE");
	file = argv[optind++];
	if (optind < argc)
		return cli_misuse("import", "unexpected argument '%s'", argv[optind]);
	if (rejects && !skip_bad)
		return cli_misuse("import", "--rejects goes with --skip-bad");
	if (skip_bad && !rejects && !dry_run) {
		/* beside the file: teachers.xlsx -> teachers.rejects.csv */
		const char *dot = strrchr(file, '.'), *slash = strrchr(file, '/');
		int stem = dot && (!slash || dot > slash) ? (int)(dot - file) : (int)strlen(file);

		snprintf(rejects_buf, sizeof rejects_buf, "%.*s.rejects.csv", stem, file);
		rejects = rejects_buf;
	}

	if (rejects) {
		/* find out now, not after the import committed */
		char dir[4096];

		snprintf(dir, sizeof dir, "%s", rejects);
		if (access(dirname(dir), W_OK) != 0) {
			err_set(&err, ERR_IO, "cannot write the rejects file '%s': %s", rejects,
				strerror(errno));
			return cli_fail(&err);
		}
	}
	if (cli_config(&cfg, NULL, &err) < 0)
		return cli_fail(&err);
	if (sheet_open_file(file, &sh, &err) < 0)
		return cli_fail(&err);
	{
		struct stat st;

		/* sizes a credits import: a large one takes the bulk path */
		if (stat(file, &st) == 0)
			o.file_bytes = (size_t)st.st_size;
	}
	if (cli_open_store(db ? db : cfg.db_path, 0, true, &s, &err) < 0)
		goto fail;

	snprintf(label_buf, sizeof label_buf, "%s", file);
	clock_now_iso(now);
	clock_today(today); /* the rules' day is local (lib/clock.h) */
	snprintf(source, sizeof source, "import:%s", basename(label_buf));
	src = (struct change_source){ .who = &who, .source = source, .now = now };
	run.tty = isatty(STDERR_FILENO);
	run.rejects_path = rejects;
	run.rejects_format = rejects && ends_with(rejects, ".xlsx") ? TABLE_XLSX : TABLE_CSV;
	o = (struct import_opts){
		.file_bytes = o.file_bytes, .kind = kind, .label = file, .dry_run = dry_run, .skip_bad = skip_bad,
		.scope = NULL, .src = &src, .today = today,
		.message = on_message, .progress = on_progress, .cb_ctx = &run,
		/* a dry run writes nothing, a rejects file neither */
		.reject_header = dry_run ? NULL : on_reject_header,
		.reject = dry_run ? NULL : on_reject,
	};

	if (import_run(s, sh, &o, &res, &err) < 0) {
		clear_bar(&run);
		table_write_abort(run.rejects);
		run.rejects = NULL;
		fprintf(stderr, "tdc: %s\n", err.message);
		goto fail_quiet;
	}
	clear_bar(&run);
	if (run.rejects) {
		if (table_write_close(run.rejects, &run.rejects_err) < 0 || run.rejects_err.code) {
			run.rejects = NULL;
			fprintf(stderr, "tdc: the import was written, but the rejects file failed: %s\n",
				run.rejects_err.message);
			goto fail_quiet;
		}
		run.rejects = NULL;
		if (!res.bad)
			unlink(rejects); /* no bad rows: no rejects file to mislead */
	}
	if (kind == IMPORT_CREDITS)
		printf("%s: %s, %ld row%s: %ld added, %ld already in the ledger (skipped)",
		       file, sheet_kind_name(sheet_kind(sh)), res.rows, res.rows == 1 ? "" : "s",
		       res.inserted, res.unchanged);
	else
		printf("%s: %s, %ld row%s: %ld new, %ld changed, %ld unchanged",
		       file, sheet_kind_name(sheet_kind(sh)), res.rows, res.rows == 1 ? "" : "s",
		       res.inserted, res.updated, res.unchanged);
	if (skip_bad)
		printf(", %ld rejected%s%s%s", res.bad, res.bad && rejects && !dry_run ? " (in '" : "",
		       res.bad && rejects && !dry_run ? rejects : "",
		       res.bad && rejects && !dry_run ? "')" : "");
	printf("%s\n", dry_run ? "; dry run, nothing written" : "");
	rc = EXIT_OK;
	goto out;

fail:
	cli_fail(&err);
fail_quiet:
	rc = EXIT_FAIL;
out:
	table_write_abort(run.rejects);
	sheet_close(sh);
	store_close(s);
	return rc;
}
