/* harness.c - a real tdc server, HTTP clients, the CLI and the database,
 * for the HTTP tests (see harness.h). */
#include "harness.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sqlite3.h>

const struct demo_account demo_accounts[] = {
	{ "admin", "sysadmin", "系统管理员" },
	{ "bureau", "bureau", "教育局" },
	{ "centre", "centre_admin", "中心管理员" },
	{ "kg-centre", "centre_admin", "中心管理员" },
	{ "school", "school_admin", "学校管理员" },
	{ "teacher", "teacher", "教师" },
	{ "alliance", "alliance", "联盟秘书处" },
	{ "evaluator", "evaluator", "评估专家" },
};
const size_t demo_account_count = sizeof demo_accounts / sizeof demo_accounts[0];

/* ---- State of the program's server ----------------------------------------- */

static char test_dir[PATH_MAX];
static char test_db[PATH_MAX + 8];
static char server_log[PATH_MAX + 16];
static pid_t server_pid;
static int server_port;
static int server_out = -1;

enum { START_TIMEOUT_MS = 20000, STOP_TIMEOUT_S = 45 };

static const char *tdc_bin(void)
{
	const char *bin = getenv("TDC_BIN");

	if (!bin || !*bin)
		fail_msg("TDC_BIN is not set: run the tests with 'meson test'");
	return bin;
}

const char *harness_db(void) { return test_db; }
const char *harness_dir(void) { return test_dir; }
int harness_port(void) { return server_port; }
pid_t harness_pid(void) { return server_pid; }
bool harness_running(void) { return server_pid > 0; }

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[4096];

	if (!f)
		return strdup("");
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			data = realloc(data, cap);
			assert_non_null(data);
		}
		memcpy(data + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (!data)
		return strdup("");
	data[len] = '\0';
	return data;
}

char *harness_server_log(void)
{
	return read_file(server_log);
}

/* Reads the server's stdout until its "serving" line; returns the port. */
static int read_port(int fd)
{
	char buf[1024];
	size_t len = 0;
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long waited;
		const char *at;
		ssize_t n;
		int rc;

		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (waited >= START_TIMEOUT_MS)
			return -1;
		rc = poll(&p, 1, (int)(START_TIMEOUT_MS - waited));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return -1;
		n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			return -1; /* the server exited before listening */
		len += (size_t)n;
		buf[len] = '\0';
		at = strstr(buf, "serving http://");
		if (at && strchr(at, '\n')) {
			const char *colon = strchr(at + strlen("serving http://"), ':');

			return colon ? atoi(colon + 1) : -1;
		}
		if (len == sizeof buf - 1)
			return -1;
	}
}

int harness_start(void)
{
	int out[2];
	pid_t parent = getpid();
	const char *bin = tdc_bin();

	if (server_pid > 0)
		return 0;
	if (pipe(out) < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	server_pid = fork();
	if (server_pid < 0)
		return -1;
	if (server_pid == 0) {
		int log = open(server_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		int null = open("/dev/null", O_RDONLY);

		/* never outlive the test program, even if it crashes */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		dup2(null, 0);
		dup2(out[1], 1);
		if (log >= 0)
			dup2(log, 2);
		close(out[0]);
		close(out[1]);
		execl(bin, "tdc", "serve", "--db", test_db, "--listen", "127.0.0.1:0", (char *)NULL);
		fprintf(stderr, "harness: cannot run %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	server_out = out[0];
	server_port = read_port(server_out);
	if (server_port <= 0) {
		char *log = harness_server_log();

		fprintf(stderr, "# tdc serve did not start:\n%s\n", log);
		free(log);
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
		server_pid = 0;
		close(server_out);
		server_out = -1;
		return -1;
	}
	return 0;
}

int harness_stop(void)
{
	int status = 0;
	pid_t got = 0;

	if (server_pid <= 0)
		return -1;
	kill(server_pid, SIGTERM);
	for (int i = 0; i < STOP_TIMEOUT_S * 20; i++) {
		got = waitpid(server_pid, &status, WNOHANG);
		if (got == server_pid || (got < 0 && errno != EINTR))
			break;
		usleep(50 * 1000);
	}
	if (got != server_pid) {
		fprintf(stderr, "# tdc serve did not stop within %d s of SIGTERM: killed\n", STOP_TIMEOUT_S);
		kill(server_pid, SIGKILL);
		waitpid(server_pid, &status, 0);
		status = -1;
	}
	server_pid = 0;
	server_port = 0;
	if (server_out >= 0)
		close(server_out);
	server_out = -1;
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

void harness_check_server_log(void)
{
	static const char *const bad[] = {
		"left a transaction open", "AddressSanitizer", "LeakSanitizer", "runtime error:",
		"database error",
	};
	char *log = harness_server_log();

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (strstr(log, bad[i])) {
			const char *at = strstr(log, bad[i]);
			const char *from = at - log > 300 ? at - 300 : log;

			fail_msg("the server logged \"%s\":\n%.1200s", bad[i], from);
		}
	free(log);
}

void harness_test_server_stops(void **state)
{
	int status;
	char *log;

	(void)state;
	if (!harness_running())
		fail_msg("the server is not running");
	status = harness_stop();
	log = harness_server_log();
	if (status != 0)
		fail_msg("tdc serve exited with status %d after SIGTERM; its log ends:\n%s", status,
			 strlen(log) > 2000 ? log + strlen(log) - 2000 : log);
	if (!strstr(log, "SIGTERM received") || !strstr(log, "tdc: stopped"))
		fail_msg("tdc serve did not log its stop lines:\n%s",
			 strlen(log) > 2000 ? log + strlen(log) - 2000 : log);
	free(log);
	harness_check_server_log();
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

int harness_group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct cli_result res;

	(void)state;
	/* the tests name the database and address themselves */
	unsetenv("TDC_DB");
	unsetenv("TDC_LISTEN");
	unsetenv("TDC_CONFIG");
	unsetenv("TDC_THREADS");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return -1;
	snprintf(test_dir, sizeof test_dir, "%s/tdc-http-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(test_dir)) {
		fprintf(stderr, "# mkdtemp %s: %s\n", test_dir, strerror(errno));
		return -1;
	}
	snprintf(test_db, sizeof test_db, "%s/t.db", test_dir);
	snprintf(server_log, sizeof server_log, "%s/serve.log", test_dir);
	if (tdc_cli(&res, NULL, "init", "--db", test_db, "--demo", "--teachers", "500", "--seed", "1",
		    (char *)NULL) != 0) {
		fprintf(stderr, "# tdc init failed (%d):\n%s%s\n", res.status, res.out, res.err);
		cli_result_free(&res);
		return -1;
	}
	cli_result_free(&res);
	return harness_start();
}

int harness_group_teardown(void **state)
{
	int rc = 0;

	(void)state;
	if (server_pid > 0) {
		int status = harness_stop();

		if (status != 0) {
			char *log = harness_server_log();

			fprintf(stderr, "# tdc serve exited with status %d; its log:\n%s\n", status, log);
			free(log);
			rc = -1;
		}
	}
	if (*test_dir && !getenv("TDC_TEST_KEEP"))
		nftw(test_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	else if (*test_dir)
		fprintf(stderr, "# kept %s\n", test_dir);
	curl_global_cleanup();
	return rc;
}

/* ---- HTTP ----------------------------------------------------------------- */

struct growbuf {
	char *data;
	size_t len, cap;
};

static void grow_add(struct growbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data)
			abort();
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	grow_add(user, p, size * n);
	return size * n;
}

static void headers_clear(struct response *r)
{
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	r->headers = NULL;
	r->nheaders = 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *user)
{
	struct response *r = user;
	size_t len = size * n, end = len;
	const char *colon;

	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		/* a new response (after a 100 Continue): forget the last one's */
		headers_clear(r);
		return len;
	}
	while (end && (p[end - 1] == '\r' || p[end - 1] == '\n'))
		end--;
	colon = memchr(p, ':', end);
	if (colon) {
		size_t nlen = (size_t)(colon - p);
		const char *v = colon + 1;
		struct http_header *h;

		while (v < p + end && (*v == ' ' || *v == '\t'))
			v++;
		h = realloc(r->headers, sizeof *h * (r->nheaders + 1));
		if (!h)
			abort();
		r->headers = h;
		h[r->nheaders].name = strndup(p, nlen);
		h[r->nheaders].value = strndup(v, (size_t)(p + end - v));
		r->nheaders++;
	}
	return len;
}

struct client *client_new(void)
{
	struct client *c = calloc(1, sizeof *c);

	assert_non_null(c);
	c->curl = curl_easy_init();
	assert_non_null(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, "");
	return c;
}

void client_free(struct client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}

char *client_cookie(struct client *c, const char *name)
{
	struct curl_slist *list = NULL;
	char *found = NULL;

	if (curl_easy_getinfo(c->curl, CURLINFO_COOKIELIST, &list) != CURLE_OK)
		return NULL;
	for (struct curl_slist *l = list; l && !found; l = l->next) {
		/* domain, tailmatch, path, secure, expires, name, value */
		char *line = strdup(l->data), *f[7] = { 0 };
		char *tok = line;
		int i;

		for (i = 0; i < 7; i++) {
			char *tab = strchr(tok, '\t');

			f[i] = tok;
			if (!tab) {
				i++;
				break;
			}
			*tab = '\0';
			tok = tab + 1;
		}
		if (i >= 6 && f[5] && !strcmp(f[5], name))
			found = strdup(f[6] ? f[6] : "");
		free(line);
	}
	curl_slist_free_all(list);
	return found;
}

void client_set_cookie(struct client *c, const char *name, const char *value)
{
	char line[1024];

	snprintf(line, sizeof line, "127.0.0.1\tFALSE\t/\tFALSE\t0\t%s\t%s", name, value);
	curl_easy_setopt(c->curl, CURLOPT_COOKIELIST, line);
}

void response_free(struct response *r)
{
	if (!r)
		return;
	headers_clear(r);
	free(r->body);
	memset(r, 0, sizeof *r);
}

long http_request(struct client *c, const char *method, const char *path, const char *const *headers,
		  const char *body, size_t body_len, struct response *r)
{
	char url[4096];
	struct curl_slist *hl = NULL;
	struct growbuf b = { 0 };
	CURL *h = c->curl;
	CURLcode rc;

	if (server_port <= 0)
		fail_msg("no server running for %s %s", method, path);
	response_free(r);
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", server_port, path);
	/* One handle per client, never reset (a reset would switch its cookie
	 * engine off): every option a request may change is set every time. */
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	hl = curl_slist_append(hl, "Expect:");
	for (size_t i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(h, CURLOPT_NOBODY, !strcmp(method, "HEAD") ? 1L : 0L);
	if (!strcmp(method, "GET")) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(method, "HEAD")) {
		if (strcmp(method, "POST"))
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		if (body || !strcmp(method, "POST")) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		} else {
			curl_easy_setopt(h, CURLOPT_HTTPGET, 1L); /* no body; the method is custom */
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		}
	}
	rc = curl_easy_perform(h);
	curl_slist_free_all(hl);
	if (rc != CURLE_OK) {
		free(b.data);
		fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	r->body = b.data ? b.data : strdup("");
	r->len = b.len;
	return r->status;
}

long http_get(struct client *c, const char *path, struct response *r)
{
	return http_request(c, "GET", path, NULL, NULL, 0, r);
}

long http_get_with(struct client *c, const char *path, const char *const *headers, struct response *r)
{
	return http_request(c, "GET", path, headers, NULL, 0, r);
}

long http_post_form(struct client *c, const char *path, const char *form, struct response *r)
{
	return http_request(c, "POST", path, NULL, form ? form : "", form ? strlen(form) : 0, r);
}

const char *response_header(const struct response *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, name))
			return r->headers[i].value;
	return NULL;
}

const char *response_set_cookie(const struct response *r, const char *cookie_name)
{
	size_t n = strlen(cookie_name);

	for (size_t i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, "Set-Cookie") &&
		    !strncmp(r->headers[i].value, cookie_name, n) && r->headers[i].value[n] == '=')
			return r->headers[i].value;
	return NULL;
}

bool response_contains(const struct response *r, const char *needle)
{
	return r->body && strstr(r->body, needle) != NULL;
}

char *url_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = malloc(n * 3 + 1), *o = out;

	assert_non_null(out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			*o++ = (char)ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return out;
}

char *form_encode(const char *key, ...)
{
	struct growbuf b = { 0 };
	va_list ap;

	grow_add(&b, "", 0);
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		char *ek, *ev;

		if (!v)
			continue;
		ek = url_escape(k);
		ev = url_escape(v);
		if (b.len)
			grow_add(&b, "&", 1);
		grow_add(&b, ek, strlen(ek));
		grow_add(&b, "=", 1);
		grow_add(&b, ev, strlen(ev));
		free(ek);
		free(ev);
	}
	va_end(ap);
	return b.data;
}

static char *html_unescape(const char *s, size_t n)
{
	static const struct { const char *ent; char ch; } ents[] = {
		{ "&amp;", '&' }, { "&quot;", '"' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&#39;", '\'' }, { "&#x27;", '\'' },
	};
	char *out = malloc(n + 1), *o = out;

	assert_non_null(out);
	for (size_t i = 0; i < n;) {
		size_t k;

		for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
			size_t el = strlen(ents[k].ent);

			if (i + el <= n && !strncmp(s + i, ents[k].ent, el)) {
				*o++ = ents[k].ch;
				i += el;
				break;
			}
		}
		if (k == sizeof ents / sizeof ents[0])
			*o++ = s[i++];
	}
	*o = '\0';
	return out;
}

char *scrape_input(const char *html, const char *name)
{
	char pat[128];
	const char *at, *tag_end, *v, *q;

	if (!html)
		return NULL;
	snprintf(pat, sizeof pat, "name=\"%s\"", name);
	for (at = strstr(html, pat); at; at = strstr(at + 1, pat)) {
		const char *tag = at;

		while (tag > html && *tag != '<')
			tag--;
		if (strncmp(tag, "<input", 6))
			continue;
		tag_end = strchr(at, '>');
		v = strstr(tag, " value=\"");
		if (!v || !tag_end || v > tag_end)
			return strdup("");
		v += strlen(" value=\"");
		q = strchr(v, '"');
		if (!q)
			return NULL;
		return html_unescape(v, (size_t)(q - v));
	}
	return NULL;
}

char *scrape_csrf(const char *html)
{
	return scrape_input(html, "csrf");
}

long client_refresh_csrf(struct client *c, const char *path)
{
	struct response r = { 0 };
	long status = http_get(c, path, &r);
	char *csrf = scrape_csrf(r.body);

	if (csrf) {
		snprintf(c->csrf, sizeof c->csrf, "%s", csrf);
		free(csrf);
	}
	response_free(&r);
	return status;
}

long client_sign_in_full(struct client *c, const char *login, const char *password, const char *next,
			 struct response *out)
{
	struct response r = { 0 };
	char *csrf, *body;
	long status;

	status = http_get(c, "/login", &r);
	if (status != 200)
		fail_msg("GET /login before signing in as %s: status %ld", login, status);
	csrf = scrape_csrf(r.body);
	if (!csrf)
		fail_msg("GET /login: no csrf field in the sign-in form");
	body = form_encode("login", login, "password", password, "csrf", csrf, "next", next, (char *)NULL);
	status = http_post_form(c, "/login", body, &r);
	free(body);
	free(csrf);
	if (status == 303) {
		snprintf(c->login, sizeof c->login, "%s", login);
		c->csrf[0] = '\0';
	}
	if (out) {
		response_free(out);
		*out = r;
	} else {
		response_free(&r);
	}
	if (status == 303 && client_refresh_csrf(c, "/") != 200)
		fail_msg("signed in as %s, but GET / did not answer 200", login);
	return status;
}

void client_sign_in(struct client *c, const char *login)
{
	struct response r = { 0 };
	long status = client_sign_in_full(c, login, DEMO_PASSWORD, NULL, &r);

	if (status != 303)
		fail_msg("sign-in as %s: status %ld, expected 303\n%.400s", login, status, r.body);
	if (!*c->csrf)
		fail_msg("signed in as %s, but the home page has no csrf field", login);
	response_free(&r);
}

struct client *client_as(const char *login)
{
	struct client *c = client_new();

	client_sign_in(c, login);
	return c;
}

char *session_of(struct client *c)
{
	char *s = client_cookie(c, "tdc_session");

	if (!s || !*s)
		fail_msg("client %s has no session cookie", c->login);
	return s;
}

/* ---- The CLI -------------------------------------------------------------- */

static char *slurp_fd(FILE *f)
{
	struct growbuf b = { 0 };
	char chunk[4096];
	size_t n;

	grow_add(&b, "", 0);
	rewind(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		grow_add(&b, chunk, n);
	fclose(f);
	return b.data;
}

static int cli_run(struct cli_result *res, const char *stdin_text, char *const argv[])
{
	FILE *out = tmpfile(), *err = tmpfile();
	int in[2], status;
	pid_t pid;
	const char *bin = tdc_bin();

	memset(res, 0, sizeof *res);
	res->status = -1;
	if (!out || !err || pipe(in) < 0)
		fail_msg("cannot make files for a CLI run: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		close(in[0]);
		close(in[1]);
		execv(bin, argv);
		fprintf(stderr, "harness: cannot run %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	if (stdin_text) {
		size_t n = strlen(stdin_text), off = 0;

		signal(SIGPIPE, SIG_IGN);
		while (off < n) {
			ssize_t w = write(in[1], stdin_text + off, n - off);

			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	close(in[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
	res->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	res->out = slurp_fd(out);
	res->err = slurp_fd(err);
	return res->status;
}

int tdc_cli(struct cli_result *res, const char *stdin_text, const char *arg, ...)
{
	char *argv[64];
	int n = 0;
	va_list ap;

	argv[n++] = "tdc";
	va_start(ap, arg);
	for (const char *a = arg; a && n < 63; a = va_arg(ap, const char *))
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	return cli_run(res, stdin_text, argv);
}

void cli_result_free(struct cli_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

void make_account(const char *login, const char *role, const char *scope, const char *password)
{
	struct cli_result res;
	char *argv[16], line[300];
	int n = 0;

	argv[n++] = "tdc";
	argv[n++] = "user";
	argv[n++] = "add";
	argv[n++] = (char *)login;
	argv[n++] = "--role";
	argv[n++] = (char *)role;
	if (scope) {
		argv[n++] = "--scope";
		argv[n++] = (char *)scope;
	}
	argv[n++] = "--password-stdin";
	argv[n++] = "--db";
	argv[n++] = test_db;
	argv[n] = NULL;
	snprintf(line, sizeof line, "%s\n", password);
	if (cli_run(&res, line, argv) != 0)
		fail_msg("tdc user add %s --role %s: status %d: %s%s", login, role, res.status, res.out, res.err);
	cli_result_free(&res);
}

/* ---- The database ----------------------------------------------------------- */

static sqlite3 *db_open(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(test_db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("cannot open %s: %s", test_db, db ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_busy_timeout(db, 10000);
	return db;
}

int db_exec(const char *fmt, ...)
{
	va_list ap;
	char *sql, *msg = NULL;
	sqlite3 *db;
	int rc;

	va_start(ap, fmt);
	sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	db = db_open();
	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "# SQL failed: %s: %s\n", sql, msg ? msg : "");
	sqlite3_free(msg);
	sqlite3_free(sql);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static char *db_vtext(const char *fmt, va_list ap)
{
	char *sql = sqlite3_vmprintf(fmt, ap), *out = NULL;
	sqlite3 *db = db_open();
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("SQL %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_free(sql);
	sqlite3_close(db);
	return out;
}

char *db_text(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = db_vtext(fmt, ap);
	va_end(ap);
	return out;
}

long long db_int(const char *fmt, ...)
{
	va_list ap;
	char *out;
	long long v;

	va_start(ap, fmt);
	out = db_vtext(fmt, ap);
	va_end(ap);
	v = out ? atoll(out) : 0;
	free(out);
	return v;
}

void db_forget_sign_in_failures(void)
{
	if (db_exec("DELETE FROM login_attempts WHERE ok = 0") != 0)
		fail_msg("cannot clear login_attempts");
}
