/* rush_client.c - the load of bench/rush.sh: one POST per token to an
 * enrolment URL, CONNS at a time, through libcurl's multi interface on
 * keep-alive connections.
 *
 * Usage: rush_client URL TOKENS_FILE CONNS OUT_FILE
 *   TOKENS_FILE  one "LOGIN TOKEN" per line; each is sent once, in order
 *   OUT_FILE     one line per request: "LOGIN HTTP_STATUS STATE POSITION
 *                LATENCY_US" (STATE and POSITION from the JSON answer,
 *                "-" and 0 when there is none)
 * Prints "requests N seconds S rps R p50_ms A p99_ms B" on stdout.
 * Exit 0 when every request got an HTTP answer, 1 otherwise. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct job {
	char login[64], token[128];
	long status;
	char state[16];
	int position;
	double us;
	struct timespec t0;
	char body[512];
	size_t len;
	struct curl_slist *headers;
};

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct job *j = arg;
	size_t len = size * n, room = sizeof j->body - 1 - j->len;

	memcpy(j->body + j->len, p, len < room ? len : room);
	j->len += len < room ? len : room;
	j->body[j->len] = '\0';
	return len;
}

static void start(CURLM *m, CURL *h, struct job *j, const char *url)
{
	char auth[192];

	snprintf(auth, sizeof auth, "Authorization: Bearer %s", j->token);
	j->headers = curl_slist_append(NULL, auth);
	j->headers = curl_slist_append(j->headers, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{}");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, j->headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(h, CURLOPT_PRIVATE, j);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	j->us = now_us();
	curl_multi_add_handle(m, h);
}

static void finish(struct job *j, CURL *h, CURLcode rc)
{
	const char *s, *p;

	j->us = now_us() - j->us;
	j->status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &j->status);
	snprintf(j->state, sizeof j->state, "-");
	s = strstr(j->body, "\"status\":\"");
	if (s) {
		s += 10;
		snprintf(j->state, sizeof j->state, "%.*s", (int)strcspn(s, "\""), s);
	}
	p = strstr(j->body, "\"position\":");
	j->position = p ? atoi(p + 11) : 0;
	curl_slist_free_all(j->headers);
	j->headers = NULL;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct job *jobs = NULL;
	size_t njobs = 0, cap = 0, next = 0, done = 0;
	char line[512];
	FILE *in, *out;
	CURLM *m;
	CURL **handles;
	int conns, running, failed = 0;
	double t0, secs, *lat;

	if (argc != 5) {
		fprintf(stderr, "usage: rush_client URL TOKENS_FILE CONNS OUT_FILE\n");
		return 2;
	}
	conns = atoi(argv[3]);
	if (conns < 1 || !(in = fopen(argv[2], "r"))) {
		fprintf(stderr, "rush_client: bad CONNS or cannot read '%s'\n", argv[2]);
		return 2;
	}
	while (fgets(line, sizeof line, in)) {
		struct job *j;

		if (njobs == cap) {
			cap = cap ? cap * 2 : 1024;
			jobs = realloc(jobs, cap * sizeof *jobs);
			if (!jobs)
				return 2;
		}
		j = &jobs[njobs];
		memset(j, 0, sizeof *j);
		if (sscanf(line, "%63s %127s", j->login, j->token) == 2)
			njobs++;
	}
	fclose(in);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || !(m = curl_multi_init()))
		return 2;
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)conns);
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)conns);
	handles = calloc((size_t)conns, sizeof *handles);
	lat = calloc(njobs ? njobs : 1, sizeof *lat);
	if (!handles || !lat)
		return 2;
	t0 = now_us();
	for (int i = 0; i < conns && next < njobs; i++) {
		handles[i] = curl_easy_init();
		start(m, handles[i], &jobs[next++], argv[1]);
	}
	while (done < njobs) {
		CURLMsg *msg;
		int left;

		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left))) {
			struct job *j;
			CURL *h = msg->easy_handle;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&j);
			finish(j, h, msg->data.result);
			if (!j->status)
				failed++;
			done++;
			curl_multi_remove_handle(m, h);
			if (next < njobs)
				start(m, h, &jobs[next++], argv[1]);
		}
		if (done < njobs)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	secs = (now_us() - t0) / 1e6;
	if (!(out = fopen(argv[4], "w")))
		return 2;
	for (size_t i = 0; i < njobs; i++) {
		fprintf(out, "%s %ld %s %d %.0f\n", jobs[i].login, jobs[i].status, jobs[i].state,
			jobs[i].position, jobs[i].us);
		lat[i] = jobs[i].us;
	}
	fclose(out);
	qsort(lat, njobs, sizeof *lat, by_double);
	printf("requests %zu seconds %.3f rps %.1f p50_ms %.2f p99_ms %.2f\n", njobs, secs,
	       secs > 0 ? (double)njobs / secs : 0, njobs ? lat[njobs / 2] / 1e3 : 0,
	       njobs ? lat[(size_t)((double)(njobs - 1) * 0.99)] / 1e3 : 0);
	for (int i = 0; i < conns; i++)
		if (handles[i])
			curl_easy_cleanup(handles[i]);
	curl_multi_cleanup(m);
	curl_global_cleanup();
	free(handles);
	free(lat);
	free(jobs);
	return failed ? 1 : 0;
}
