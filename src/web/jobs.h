/* jobs.h - long work off the request threads (DESIGN.md: "Long work").
 *
 * An import sent through the page runs on a thread of its own with its own
 * database connection, so a slow file never holds a request.  Its progress
 * lives here, in memory, because the import holds the database's write lock
 * until it commits; its outcome is written to import_jobs.
 *
 * API:
 * jobs_init() at server start: fails the jobs a previous server left
 *   unfinished (their transactions never committed, so nothing was written).
 * jobs_start_import() runs a job's check or import in the background.
 * jobs_progress() reads a running job's progress (per mille, rows so far).
 * jobs_shutdown() asks running jobs to stop and waits for them. */
#ifndef TDC_JOBS_H
#define TDC_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"

struct app;

int jobs_init(const struct app *app, struct err *e);
int jobs_start_import(const struct app *app, int64_t job_id, bool write, struct err *e);
/* true when the job is running in this server now */
bool jobs_progress(int64_t job_id, int *permille, long *rows);
void jobs_shutdown(void);

#endif
