/* jobs.c - background jobs: imports through the page (see jobs.h). */
#include "jobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/import_job.h"
#include "store/store.h"
#include "web/request.h"

/* A handful at once: each holds a connection and, while importing, the
 * write lock, so more would only queue on it. */
enum { MAX_JOBS = 4, STOP_WAIT_SECONDS = 30 };

struct slot {
	bool used;
	int64_t id;
	bool write;
	int permille;
	long rows;
	const struct app *app;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* One import writes at a time: each holds the database's write lock until
 * it commits, so a second would only wait on it, and past the busy timeout
 * fail.  Checks are read transactions and run side by side. */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[MAX_JOBS];
static volatile int stopping;
static atomic_int running;

int jobs_init(const struct app *app, struct err *e)
{
	struct store *s = NULL;
	int rc;

	if (store_open(&s, app->config.db_path, 0, e) < 0)
		return -1;
	rc = import_jobs_interrupted(s);
	store_close(s);
	if (rc < 0)
		err_set(e, ERR_INTERNAL, "cannot mark interrupted import jobs");
	return rc;
}

static void on_progress(void *ctx, double done, long rows)
{
	struct slot *sl = ctx;

	pthread_mutex_lock(&lock);
	sl->permille = (int)(done * 1000);
	sl->rows = rows;
	pthread_mutex_unlock(&lock);
}

static void *run(void *arg)
{
	struct slot *sl = arg;
	struct store *s = NULL;
	struct err e = { 0 };

	if (sl->write)
		pthread_mutex_lock(&writer);
	if (store_open(&s, sl->app->config.db_path, 0, &e) < 0)
		fprintf(stderr, "tdc: import job %lld: %s\n", (long long)sl->id, e.message);
	else if (import_job_execute(s, sl->id, sl->write, on_progress, sl, &stopping) < 0)
		fprintf(stderr, "tdc: import job %lld failed to record its outcome\n", (long long)sl->id);
	if (sl->write)
		pthread_mutex_unlock(&writer);
	store_close(s);
	pthread_mutex_lock(&lock);
	sl->used = false;
	pthread_mutex_unlock(&lock);
	atomic_fetch_sub(&running, 1);
	return NULL;
}

int jobs_start_import(const struct app *app, int64_t job_id, bool write, struct err *e)
{
	struct slot *sl = NULL;
	pthread_attr_t attr;
	pthread_t t;

	pthread_mutex_lock(&lock);
	for (int i = 0; i < MAX_JOBS && !sl; i++)
		if (!slots[i].used)
			sl = &slots[i];
	if (sl)
		*sl = (struct slot){ .used = true, .id = job_id, .write = write, .app = app };
	pthread_mutex_unlock(&lock);
	if (!sl || stopping) {
		if (sl)
			sl->used = false;
		err_set(e, ERR_THROTTLED, "%d imports are running; try again in a minute", MAX_JOBS);
		return -1;
	}
	atomic_fetch_add(&running, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, run, sl) != 0) {
		pthread_attr_destroy(&attr);
		atomic_fetch_sub(&running, 1);
		pthread_mutex_lock(&lock);
		sl->used = false;
		pthread_mutex_unlock(&lock);
		err_set(e, ERR_INTERNAL, "cannot start the import");
		return -1;
	}
	pthread_attr_destroy(&attr);
	return 0;
}

bool jobs_progress(int64_t job_id, int *permille, long *rows)
{
	bool found = false;

	pthread_mutex_lock(&lock);
	for (int i = 0; i < MAX_JOBS; i++) {
		if (slots[i].used && slots[i].id == job_id) {
			*permille = slots[i].permille;
			*rows = slots[i].rows;
			found = true;
		}
	}
	pthread_mutex_unlock(&lock);
	return found;
}

void jobs_shutdown(void)
{
	/* a stopped import rolls back: the job is marked failed, nothing written */
	stopping = 1;
	for (int i = 0; i < STOP_WAIT_SECONDS * 20 && atomic_load(&running) > 0; i++)
		usleep(50 * 1000);
}
