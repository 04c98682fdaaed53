/* server.c - libmicrohttpd glue: threads, bodies, responses, shutdown.
 *
 * The life of a request
 *   on_request() is called several times per request by libmicrohttpd:
 *   first with the headers only (we make the struct request and answer
 *   nothing yet: answering then would close a keep-alive connection), then
 *   with pieces of the body, then once more with none, when we dispatch and
 *   queue the response.  on_completed() writes the access-log line and frees
 *   the request's arena.
 *
 * Security headers are added here to every response, so no handler can
 * forget them. */
#include "server.h"
#include "web/jobs.h"
#include "web/regjobs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/clock.h"
#include "store/store.h"
#include "web/router.h"

/* ---- Per-thread database connections ----------------------------------- */

enum { MAX_CONNECTIONS = 256, GRACE_SECONDS = 30 };

static _Thread_local struct store *thread_store;
static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store *stores[MAX_CONNECTIONS];
static int nstores;
static atomic_int in_flight;

static struct store *worker_store(const struct app *app)
{
	struct err err = { 0 };

	if (thread_store)
		return thread_store;
	if (store_open(&thread_store, app->config.db_path, 0, &err) < 0) {
		fprintf(stderr, "tdc: %s\n", err.message);
		return NULL;
	}
	pthread_mutex_lock(&stores_lock);
	if (nstores < MAX_CONNECTIONS)
		stores[nstores++] = thread_store;
	pthread_mutex_unlock(&stores_lock);
	return thread_store;
}

static void close_stores(void)
{
	pthread_mutex_lock(&stores_lock);
	for (int i = 0; i < nstores; i++)
		store_close(stores[i]);
	nstores = 0;
	pthread_mutex_unlock(&stores_lock);
}

/* ---- Requests ------------------------------------------------------------ */

static struct request *request_new(const struct app *app, struct MHD_Connection *conn,
				   const char *url, const char *method)
{
	struct request *req = req_new(app, method, url);
	const union MHD_ConnectionInfo *ci;

	if (!req)
		return NULL;
	req->conn = conn;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		char host[INET6_ADDRSTRLEN] = "";
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host, sizeof host);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, host, sizeof host);
		req->address = arena_strdup(req->arena, host);
	}
	return req;
}

static void add_security_headers(struct MHD_Response *r, const struct request *req)
{
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
				"base-uri 'self'; form-action 'self'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Cache-Control", req->cache_control ? req->cache_control : "no-store");
	if (!req->static_body)
		MHD_add_response_header(r, "Vary", "Cookie, Authorization");
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct request *req)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	bool head = req->method == M_HEAD;

	if (req->static_body)
		r = MHD_create_response_from_buffer(head ? 0 : req->static_len,
						    (void *)req->static_body, MHD_RESPMEM_PERSISTENT);
	else if (req->out.oom)
		r = NULL;
	else
		r = MHD_create_response_from_buffer(head ? 0 : req->out.len, req->out.data,
						    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	add_security_headers(r, req);
	if (req->content_type && req->status != 304)
		MHD_add_response_header(r, "Content-Type", req->content_type);
	for (int i = 0; i < req->nheaders; i++)
		MHD_add_response_header(r, req->headers[i].key, req->headers[i].value);
	if (req->cookies.len) {
		char *line = req->cookies.data, *nl;

		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			MHD_add_response_header(r, "Set-Cookie", line);
			line = nl + 1;
		}
	}
	ret = MHD_queue_response(conn, (unsigned)req->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **con_cls)
{
	const struct app *app = cls;
	struct request *req = *con_cls;

	(void)version;
	if (!req) {
		req = request_new(app, conn, url, method);
		if (!req)
			return MHD_NO;
		*con_cls = req;
		atomic_fetch_add(&in_flight, 1);
		return MHD_YES;
	}
	if (*upload_size) {
		/* past the limit, go on reading (and dropping) so the client
		 * gets a clean 413 rather than a reset connection */
		if (!req->body_too_large && req->body.len + *upload_size <= req->body_limit)
			buf_add(&req->body, upload_data, *upload_size);
		else
			req->body_too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}
	req->store = worker_store(app);
	if (!req->store) {
		req->status = 503;
		req->content_type = "text/plain; charset=utf-8";
		buf_puts(&req->out, "database unavailable\n");
	} else {
		router_dispatch(req);
		if (store_in_transaction(req->store)) {
			/* a handler that returned inside a transaction has a bug;
			 * never leave the connection holding a lock */
			fprintf(stderr, "tdc: %s %s left a transaction open\n", req->method_name, req->path);
			store_rollback(req->store);
		}
	}
	return send_response(conn, req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	const struct app *app = cls;
	struct request *req = *con_cls;

	(void)conn;
	(void)toe;
	if (!req)
		return;
	if (app->config.access_log) {
		char at[ISO_TIME_LEN];

		clock_now_iso(at);
		/* one write per line, so lines from threads never interleave */
		fprintf(stderr, "%s %s %s %d %.1fms\n", at, req->method_name, req->path,
			req->status, clock_ms_since(&req->started));
	}
	req_free(req);
	*con_cls = NULL;
	atomic_fetch_sub(&in_flight, 1);
}

/* ---- Start and shutdown ------------------------------------------------- */

static int bind_listen(const char *where, char *shown, size_t shownlen, struct err *err)
{
	char addr[64];
	int port, fd = -1, one = 1;
	struct sockaddr_storage ss;
	socklen_t sslen;

	if (config_parse_listen(where, addr, sizeof addr, &port, err) < 0)
		return -1;
	memset(&ss, 0, sizeof ss);
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			goto bad_addr;
		sslen = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (!strcmp(addr, "localhost"))
			snprintf(addr, sizeof addr, "127.0.0.1");
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			goto bad_addr;
		sslen = sizeof *s4;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail_errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0 || listen(fd, 1024) < 0)
		goto fail_errno;
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0)
		port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
						       ((struct sockaddr_in *)&ss)->sin_port);
	snprintf(shown, shownlen, strchr(addr, ':') ? "[%s]:%d" : "%s:%d", addr, port);
	return fd;
bad_addr:
	err_set(err, ERR_USAGE, "bad listen address '%s': not an IP address", where);
	return -1;
fail_errno:
	err_set(err, ERR_IO, "cannot listen on '%s': %s", where, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int server_run(struct app *app, struct err *err)
{
	struct MHD_Daemon *d;
	sigset_t sigs;
	char shown[96];
	int fd, sig = 0, threads = app->config.threads;

	if (threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		threads = n > 0 ? (int)n : 2;
	}
	if (jobs_init(app, err) < 0)
		return -1;
	fd = bind_listen(app->config.listen, shown, sizeof shown, err);
	if (fd < 0)
		return -1;
	/* block the signals before MHD starts its threads, which inherit the
	 * mask, so only sigwait() below sees them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
				     MHD_USE_TURBO,
			     0, NULL, NULL, on_request, app,
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
			     MHD_OPTION_END);
	if (!d) {
		err_set(err, ERR_IO, "cannot start the HTTP server on %s", shown);
		close(fd);
		return -1;
	}
	printf("tdc: serving http://%s/ with %d threads (database %s)\n", shown, threads,
	       app->config.db_path);
	fflush(stdout);

	while (sigwait(&sigs, &sig) != 0)
		;
	fprintf(stderr, "tdc: %s received, finishing requests in flight\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	/* stop accepting; requests already read are answered */
	fd = MHD_quiesce_daemon(d);
	for (int i = 0; i < GRACE_SECONDS * 20 && atomic_load(&in_flight) > 0; i++)
		usleep(50 * 1000);
	MHD_stop_daemon(d);
	if (fd >= 0)
		close(fd);
	jobs_shutdown();
	regjobs_shutdown();
	close_stores();
	fprintf(stderr, "tdc: stopped\n");
	return 0;
}
