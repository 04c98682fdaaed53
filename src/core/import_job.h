/* import_job.h - an import sent through the web page, kept as a job.
 *
 * A job survives a page reload: the file, the state and the outcome are
 * rows of import_jobs.  It goes checking -> checked (a dry run: the preview,
 * every bad row, what would change) -> running -> done, or failed.
 *
 * API:
 * import_job_create() stores an uploaded file as a new job (checking).
 * import_job_execute() runs the job's dry run or its real import on the
 *   calling thread and records the outcome; web/jobs.c calls it off the
 *   request threads.  Progress goes to a callback, not to the database:
 *   the import holds the write lock until it commits.
 * import_job_get() / import_job_list() read jobs; import_job_rejects()
 *   the bad rows of a skip-bad import as CSV.
 * import_job_mark_run() moves a checked job to running.
 * import_jobs_interrupted() fails the jobs a stopped server left behind;
 *   import_job_fail() one that could not start. */
#ifndef TDC_IMPORT_JOB_H
#define TDC_IMPORT_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/import.h"
#include "lib/arena.h"
#include "lib/err.h"

struct store;

struct import_job {
	int64_t id, account_id;
	const char *kind, *file_name, *file_kind, *actor, *state, *report, *preview, *message;
	const char *created_at, *finished_at;
	bool skip_bad, has_rejects;
	int progress;                /* per mille, as last recorded */
	long rows, bad, inserted, updated, unchanged;
};

int import_job_create(struct store *s, enum import_kind kind, const char *file_name,
		      const void *content, size_t len, int64_t account_id, const char *actor,
		      int64_t *id, struct err *e);
/* STORE_ENOTFOUND when there is no such job */
int import_job_get(struct store *s, struct arena *a, int64_t id, struct import_job *out);
/* the newest jobs of an account (0: everyone's) */
int import_job_list(struct store *s, struct arena *a, int64_t account_id, int limit,
		    struct import_job **rows, int *n);
/* checked -> running with skip_bad; ERR_CONFLICT when the job is not
 * checked, or has bad rows and skip_bad is false */
int import_job_mark_run(struct store *s, int64_t id, bool skip_bad, struct err *e);
/* Runs the job: write=false is the check, write=true the import. */
int import_job_execute(struct store *s, int64_t id, bool write,
		       void (*progress)(void *ctx, double done, long rows), void *ctx,
		       const volatile int *cancel);
/* The rejects CSV (malloc'd, caller frees); -1 when there is none. */
int import_job_rejects(struct store *s, int64_t id, unsigned char **data, size_t *len);
int import_jobs_interrupted(struct store *s);
/* A job that could not be started: failed, its file dropped. */
int import_job_fail(struct store *s, int64_t id, const char *message);

#endif
