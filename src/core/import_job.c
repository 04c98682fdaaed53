/* import_job.c - imports through the web page, as jobs (see import_job.h). */
#include "import_job.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account.h"
#include "core/registry.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/sheet.h"
#include "lib/table_write.h"
#include "store/store.h"

enum {
	PREVIEW_ROWS = 20,
	REPORT_MAX_LINES = 2000,   /* every bad row is counted; the first lines are kept */
};

static const char SQL_CREATE[] =
	"INSERT INTO import_jobs (kind, file_name, content, account_id, actor, state, created_at)"
	" VALUES (?, ?, ?, ?, ?, 'checking', ?)";

int import_job_create(struct store *s, enum import_kind kind, const char *file_name,
		      const void *content, size_t len, int64_t account_id, const char *actor,
		      int64_t *id, struct err *e)
{
	struct stmt *st;
	char now[ISO_TIME_LEN];

	clock_now_iso(now);
	if (store_begin(s, STORE_WRITE) < 0 || store_prepare(s, SQL_CREATE, &st) < 0)
		goto fail;
	stmt_bind_text(st, 1, import_kind_name(kind));
	stmt_bind_text(st, 2, file_name);
	stmt_bind_blob(st, 3, content, len);
	if (account_id)
		stmt_bind_int(st, 4, account_id);
	stmt_bind_text(st, 5, actor);
	stmt_bind_text(st, 6, now);
	if (stmt_run(st) < 0)
		goto fail;
	*id = store_last_insert_id(s);
	if (store_commit(s) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(s);
	err_set(e, ERR_INTERNAL, "cannot keep the uploaded file: %s", store_errmsg(s));
	return -1;
}

#define JOB_COLUMNS \
	"id, account_id, kind, file_name, file_kind, actor, state, report, preview, message," \
	" created_at, finished_at, skip_bad, rejects IS NOT NULL, progress, rows_total, rows_bad," \
	" inserted, updated, unchanged"
static const char SQL_GET[] = "SELECT " JOB_COLUMNS " FROM import_jobs WHERE id = ?";
static const char SQL_LIST[] =
	"SELECT " JOB_COLUMNS " FROM import_jobs WHERE (? = 0 OR account_id = ?)"
	" ORDER BY id DESC LIMIT ?";

static const char *dup(struct arena *a, struct stmt *st, int col)
{
	return stmt_is_null(st, col) ? NULL : arena_strdup(a, stmt_text(st, col));
}

static void job_from_row(struct stmt *st, struct arena *a, struct import_job *j)
{
	memset(j, 0, sizeof *j);
	j->id = stmt_int(st, 0);
	j->account_id = stmt_int(st, 1);
	j->kind = dup(a, st, 2);
	j->file_name = dup(a, st, 3);
	j->file_kind = dup(a, st, 4);
	j->actor = dup(a, st, 5);
	j->state = dup(a, st, 6);
	j->report = dup(a, st, 7);
	j->preview = dup(a, st, 8);
	j->message = dup(a, st, 9);
	j->created_at = dup(a, st, 10);
	j->finished_at = dup(a, st, 11);
	j->skip_bad = stmt_int(st, 12) != 0;
	j->has_rejects = stmt_int(st, 13) != 0;
	j->progress = (int)stmt_int(st, 14);
	j->rows = (long)stmt_int(st, 15);
	j->bad = (long)stmt_int(st, 16);
	j->inserted = (long)stmt_int(st, 17);
	j->updated = (long)stmt_int(st, 18);
	j->unchanged = (long)stmt_int(st, 19);
}

int import_job_get(struct store *s, struct arena *a, int64_t id, struct import_job *out)
{
	struct stmt *st;
	int rc;

	if (store_prepare(s, SQL_GET, &st) < 0)
		return STORE_ERROR;
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		job_from_row(st, a, out);
	stmt_done(st);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int import_job_list(struct store *s, struct arena *a, int64_t account_id, int limit,
		    struct import_job **rows, int *n)
{
	struct stmt *st;
	int rc;

	*n = 0;
	if (limit <= 0 || limit > 100)
		limit = 20;
	if (!(*rows = arena_alloc(a, sizeof **rows * (size_t)limit)) ||
	    store_prepare(s, SQL_LIST, &st) < 0)
		return -1;
	stmt_bind_int(st, 1, account_id);
	stmt_bind_int(st, 2, account_id);
	stmt_bind_int(st, 3, limit);
	while ((rc = stmt_step(st)) == STORE_ROW && *n < limit)
		job_from_row(st, a, &(*rows)[(*n)++]);
	stmt_done(st);
	return rc < 0 ? rc : 0;
}

static const char SQL_MARK_RUN[] =
	"UPDATE import_jobs SET state = 'running', skip_bad = ?, progress = 0"
	" WHERE id = ? AND state = 'checked' AND (rows_bad = 0 OR (? = 1 AND rows_bad < rows_total))";

int import_job_mark_run(struct store *s, int64_t id, bool skip_bad, struct err *e)
{
	struct stmt *st;
	int64_t changed;

	if (store_begin(s, STORE_WRITE) < 0 || store_prepare(s, SQL_MARK_RUN, &st) < 0)
		goto fail;
	stmt_bind_int(st, 1, skip_bad);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, skip_bad);
	if (stmt_run(st) < 0)
		goto fail;
	changed = store_changes(s);
	if (store_commit(s) < 0)
		goto fail;
	if (!changed) {
		err_set(e, ERR_CONFLICT, "this import is not ready to run: it is still being "
					 "checked, already ran, or has bad rows to skip");
		return -1;
	}
	return 0;
fail:
	store_rollback(s);
	err_set(e, ERR_INTERNAL, "cannot start the import: %s", store_errmsg(s));
	return -1;
}

/* ---- running a job ---- */

struct job_run {
	struct buf report;
	long report_lines;
	json_t *preview;
	struct buf rejects;
	struct table_writer *writer;
	int ncols;
	void (*progress)(void *ctx, double done, long rows);
	void *ctx;
};

static void on_message(void *ctx, bool error, const char *line)
{
	struct job_run *j = ctx;

	if (j->report_lines++ < REPORT_MAX_LINES)
		buf_printf(&j->report, "%s%s\n", error ? "" : "warning: ", line);
}

static void on_preview(void *ctx, long line, int ncells, const char *const *cells)
{
	struct job_run *j = ctx;
	json_t *row = json_array();

	json_array_append_new(row, json_integer(line));
	for (int i = 0; i < ncells; i++)
		json_array_append_new(row, json_string(cells[i]));
	json_array_append_new(j->preview, row);
}

/* The bad rows as CSV (lib/table_write.c), the file's columns and a reason. */
static void on_reject_header(void *ctx, int ncells, const char *const *cells)
{
	struct job_run *j = ctx;
	struct table_column cols[TABLE_MAX_COLUMNS];
	struct table_target to = { .mem = &j->rejects };
	struct table_options o = { .format = TABLE_CSV, .columns = cols };
	struct err e = { 0 };

	if (ncells > TABLE_MAX_COLUMNS - 1)
		ncells = TABLE_MAX_COLUMNS - 1;
	for (int i = 0; i < ncells; i++)
		cols[i] = (struct table_column){ .header = cells[i], .text = true };
	cols[ncells] = (struct table_column){ .header = "原因", .text = true };
	o.ncolumns = ncells + 1;
	j->ncols = ncells;
	if (table_write_open(&to, &o, &j->writer, &e) < 0)
		j->writer = NULL;
}

static void on_reject(void *ctx, int ncells, const char *const *cells, const char *reason)
{
	struct job_run *j = ctx;
	const char *row[TABLE_MAX_COLUMNS] = { 0 };
	struct err e = { 0 };

	if (!j->writer)
		return;
	for (int i = 0; i < j->ncols && i < ncells; i++)
		row[i] = cells[i];
	row[j->ncols] = reason;
	if (table_write_row(j->writer, row, &e) < 0) {
		table_write_abort(j->writer);
		j->writer = NULL;
	}
}

static void on_progress(void *ctx, double done, long rows)
{
	struct job_run *j = ctx;

	if (j->progress)
		j->progress(j->ctx, done, rows);
}

static const char SQL_CONTENT[] =
	"SELECT kind, file_name, content, account_id, actor, skip_bad FROM import_jobs"
	" WHERE id = ?";
static const char SQL_FINISH[] =
	"UPDATE import_jobs SET state = ?, file_kind = ?, progress = 1000, rows_total = ?,"
	" rows_bad = ?, inserted = ?, updated = ?, unchanged = ?, report = ?,"
	" preview = coalesce(?, preview), message = ?, finished_at = ?, rejects = ?,"
	" content = CASE WHEN ? = 1 THEN NULL ELSE content END WHERE id = ?";

int import_job_execute(struct store *s, int64_t id, bool write,
		       void (*progress)(void *ctx, double done, long rows), void *ctx,
		       const volatile int *cancel)
{
	struct stmt *st;
	struct sheet *sh = NULL;
	struct job_run j = { .progress = progress, .ctx = ctx };
	struct import_result res = { 0 };
	struct err e = { 0 };
	struct principal who_p;
	struct registry_scope scope;
	struct actor who = { 0 };
	struct change_source src;
	struct import_opts o;
	char *kind = NULL, *file_name = NULL, *actor = NULL, *preview_text = NULL;
	char now[ISO_TIME_LEN], today[11], source[300];
	unsigned char *content = NULL;
	size_t len = 0;
	int64_t account_id = 0;
	bool skip_bad = false, ok;
	int rc = -1;

	buf_init(&j.report);
	buf_init(&j.rejects);
	j.preview = json_array();

	/* the file, read out of the transaction so the import can start its own */
	if (store_prepare(s, SQL_CONTENT, &st) < 0)
		goto out;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st) == STORE_ROW && !stmt_is_null(st, 2)) {
		const void *blob = stmt_blob(st, 2, &len);

		kind = strdup(stmt_text(st, 0));
		file_name = strdup(stmt_text(st, 1));
		if ((content = malloc(len ? len : 1)))
			memcpy(content, blob, len);
		account_id = stmt_int(st, 3);
		actor = strdup(stmt_text(st, 4));
		skip_bad = stmt_int(st, 5) != 0;
	}
	stmt_done(st);
	if (!kind || !file_name || !content || !actor) {
		err_set(&e, ERR_NOT_FOUND, "the uploaded file is gone");
		goto record;
	}

	/* the uploader's scope, as it is now: an account disabled or moved
	 * since the upload imports nothing it may no longer touch */
	memset(&who_p, 0, sizeof who_p);
	if (account_load_principal(s, account_id, &who_p) < 0 || !principal_signed_in(&who_p)) {
		err_set(&e, ERR_FORBIDDEN, "the account that uploaded the file cannot import now");
		goto record;
	}
	registry_scope_of(&who_p, &scope);
	if (who_p.role == ROLE_SYSADMIN)
		registry_scope_of(NULL, &scope);

	if (sheet_open_mem(content, len, &sh, &e) < 0) {
		on_message(&j, true, e.message);
		goto record;
	}
	clock_now_iso(now);
	snprintf(today, sizeof today, "%.10s", now);
	snprintf(source, sizeof source, "import:%s", file_name);
	who.account_id = account_id;
	who.name = actor;
	src = (struct change_source){ .who = &who, .source = source, .now = now };
	o = (struct import_opts){
		.kind = (enum import_kind)import_kind_parse(kind), .label = file_name,
		.dry_run = !write, .skip_bad = write ? skip_bad : true, .scope = &scope, .src = &src,
		.today = today, .message = on_message, .progress = on_progress,
		.reject_header = on_reject_header, .reject = on_reject, .preview = on_preview,
		.preview_rows = write ? 0 : PREVIEW_ROWS, .cb_ctx = &j, .cancel = cancel,
	};
	/* The check runs with skip_bad so it reports every bad row and still
	 * counts what the good ones would do; it never writes (dry run). */
	rc = import_run(s, sh, &o, &res, &e);

record:
	ok = rc == 0;
	if (j.writer) {
		struct err we = { 0 };

		if (table_write_close(j.writer, &we) < 0)
			buf_reset(&j.rejects);
		j.writer = NULL;
	}
	if (!write || !skip_bad || !res.bad)
		buf_reset(&j.rejects);
	if (!write && json_array_size(j.preview))
		preview_text = json_dumps(j.preview, JSON_COMPACT);
	clock_now_iso(now);
	if (store_begin(s, STORE_WRITE) < 0 || store_prepare(s, SQL_FINISH, &st) < 0) {
		store_rollback(s);
		rc = -1;
		goto out;
	}
	stmt_bind_text(st, 1, !ok ? "failed" : write ? "done" : "checked");
	stmt_bind_text(st, 2, sh ? sheet_kind_name(sheet_kind(sh)) : NULL);
	stmt_bind_int(st, 3, res.rows);
	stmt_bind_int(st, 4, res.bad);
	stmt_bind_int(st, 5, res.inserted);
	stmt_bind_int(st, 6, res.updated);
	stmt_bind_int(st, 7, res.unchanged);
	if (j.report_lines > REPORT_MAX_LINES)
		buf_printf(&j.report, "… %ld more lines\n", j.report_lines - REPORT_MAX_LINES);
	stmt_bind_text(st, 8, buf_cstr(&j.report));
	stmt_bind_text(st, 9, preview_text);
	stmt_bind_text(st, 10, ok ? NULL : e.message);
	stmt_bind_text(st, 11, write || !ok ? now : NULL);
	if (j.rejects.len)
		stmt_bind_blob(st, 12, j.rejects.data, j.rejects.len);
	/* the file is dropped once imported; a failed import keeps nothing to retry */
	stmt_bind_int(st, 13, write || !ok);
	stmt_bind_int(st, 14, id);
	if (stmt_run(st) < 0 || store_commit(s) < 0) {
		store_rollback(s);
		rc = -1;
	}
out:
	sheet_close(sh);
	free(content);
	free(kind);
	free(file_name);
	free(actor);
	free(preview_text);
	json_decref(j.preview);
	buf_free(&j.report);
	buf_free(&j.rejects);
	return rc;
}

static const char SQL_REJECTS[] = "SELECT rejects FROM import_jobs WHERE id = ? AND rejects IS NOT NULL";

int import_job_rejects(struct store *s, int64_t id, unsigned char **data, size_t *len)
{
	struct stmt *st;
	int rc = -1;

	*data = NULL;
	*len = 0;
	if (store_prepare(s, SQL_REJECTS, &st) < 0)
		return -1;
	stmt_bind_int(st, 1, id);
	if (stmt_step(st) == STORE_ROW) {
		const void *blob = stmt_blob(st, 0, len);

		if ((*data = malloc(*len ? *len : 1))) {
			memcpy(*data, blob, *len);
			rc = 0;
		}
	}
	stmt_done(st);
	return rc;
}

static const char SQL_FAIL[] =
	"UPDATE import_jobs SET state = 'failed', content = NULL, finished_at = ?, message = ?"
	" WHERE id = ?";

int import_job_fail(struct store *s, int64_t id, const char *message)
{
	struct stmt *st;
	char now[ISO_TIME_LEN];

	clock_now_iso(now);
	if (store_begin(s, STORE_WRITE) < 0 || store_prepare(s, SQL_FAIL, &st) < 0) {
		store_rollback(s);
		return -1;
	}
	stmt_bind_text(st, 1, now);
	stmt_bind_text(st, 2, message);
	stmt_bind_int(st, 3, id);
	if (stmt_run(st) < 0 || store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

static const char SQL_INTERRUPTED[] =
	"UPDATE import_jobs SET state = 'failed', content = NULL, finished_at = ?,"
	" message = 'the server stopped during this job; nothing was written: upload the file again'"
	" WHERE state IN ('checking', 'running')";

int import_jobs_interrupted(struct store *s)
{
	struct stmt *st;
	char now[ISO_TIME_LEN];

	clock_now_iso(now);
	if (store_begin(s, STORE_WRITE) < 0 || store_prepare(s, SQL_INTERRUPTED, &st) < 0) {
		store_rollback(s);
		return -1;
	}
	stmt_bind_text(st, 1, now);
	if (stmt_run(st) < 0 || store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}
