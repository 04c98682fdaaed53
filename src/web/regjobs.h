/* regjobs.h - "decide all qualified" (registration_batches) off the request
 * threads, as web/jobs.c runs imports (DESIGN.md "Long work").
 *
 * The batch's progress is committed to its row as it goes (each decision
 * is its own transaction), so a reload, another admin or another server
 * thread reads it from the database; this module only runs the thread and
 * knows which batches this server is running now: a batch marked running
 * that no thread runs was cut short by a stop, and the page marks it so.
 *
 * API:
 * regjobs_start()   runs regflow_batch_run() on a thread with its own connection.
 * regjobs_running() is that batch being run by this server now?
 * regjobs_shutdown() asks running batches to stop and waits for them. */
#ifndef TDC_REGJOBS_H
#define TDC_REGJOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/err.h"

struct app;

int regjobs_start(const struct app *app, int64_t batch_id, const char *today, struct err *e);
bool regjobs_running(int64_t batch_id);
void regjobs_shutdown(void);

#endif
