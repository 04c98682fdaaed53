/* regjobs.c - registration batches on their own threads (see regjobs.h). */
#include "regjobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "core/registration_flow.h"
#include "store/store.h"
#include "web/request.h"

/* A district decides a batch now and then: two at once is plenty, and
 * each takes the write lock one decision at a time, so they interleave
 * with the decisions made one by one. */
enum { MAX_BATCHES = 2, STOP_WAIT_SECONDS = 30 };

struct slot {
	bool used;
	int64_t id;
	char today[11];
	const struct app *app;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[MAX_BATCHES];
static volatile int stopping;
static atomic_int running;

static void *run(void *arg)
{
	struct slot *sl = arg;
	struct store *s = NULL;
	struct err e = { 0 };

	if (store_open(&s, sl->app->config.db_path, 0, &e) < 0)
		fprintf(stderr, "tdc: registration batch %lld: %s\n", (long long)sl->id, e.message);
	else if (regflow_batch_run(s, sl->id, sl->today, &stopping, &e) < 0)
		fprintf(stderr, "tdc: registration batch %lld: %s\n", (long long)sl->id, e.message);
	store_close(s);
	pthread_mutex_lock(&lock);
	sl->used = false;
	pthread_mutex_unlock(&lock);
	atomic_fetch_sub(&running, 1);
	return NULL;
}

int regjobs_start(const struct app *app, int64_t batch_id, const char *today, struct err *e)
{
	struct slot *sl = NULL;
	pthread_attr_t attr;
	pthread_t t;

	pthread_mutex_lock(&lock);
	for (int i = 0; i < MAX_BATCHES && !sl; i++)
		if (!slots[i].used)
			sl = &slots[i];
	if (sl && !stopping) {
		*sl = (struct slot){ .used = true, .id = batch_id, .app = app };
		snprintf(sl->today, sizeof sl->today, "%s", today);
	}
	pthread_mutex_unlock(&lock);
	if (!sl || stopping) {
		err_set(e, ERR_THROTTLED, "%d batches are running; try again in a minute", MAX_BATCHES);
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
		err_set(e, ERR_INTERNAL, "cannot start the batch");
		return -1;
	}
	pthread_attr_destroy(&attr);
	return 0;
}

bool regjobs_running(int64_t batch_id)
{
	bool found = false;

	pthread_mutex_lock(&lock);
	for (int i = 0; i < MAX_BATCHES; i++)
		if (slots[i].used && slots[i].id == batch_id)
			found = true;
	pthread_mutex_unlock(&lock);
	return found;
}

void regjobs_shutdown(void)
{
	/* a stopped batch keeps the decisions it made and is marked failed */
	stopping = 1;
	for (int i = 0; i < STOP_WAIT_SECONDS * 20 && atomic_load(&running) > 0; i++)
		usleep(50 * 1000);
}
