/* harness.h - drive a real 'tdc serve' over HTTP from cmocka tests.
 *
 * Each test program calls harness_group_setup() as its cmocka group setup:
 * it makes a temporary directory, creates a demo database in it with
 * '$TDC_BIN init --demo' and starts '$TDC_BIN serve' on an ephemeral
 * loopback port.  harness_group_teardown() stops the server with SIGTERM,
 * checks that it exits 0, and removes the directory.
 *
 * A "client" is one libcurl easy handle with its own cookie jar, like one
 * browser: requests never follow redirects, so a test sees every 303.
 * Responses keep the status, every header (Set-Cookie included, in order)
 * and the body, NUL-terminated.
 *
 * The helpers that cannot go on (no server, no memory) fail the current
 * test through cmocka's fail_msg(); the others return values to assert on. */
#ifndef TDC_TEST_HARNESS_H
#define TDC_TEST_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>

#define DEMO_PASSWORD "tdc-demo"

/* The accounts 'tdc init --demo' makes, one per role. */
struct demo_account {
	const char *login;
	const char *role;       /* role code, as in accounts.role */
	const char *role_zh;    /* the role's name on a Chinese page */
};
extern const struct demo_account demo_accounts[];
extern const size_t demo_account_count;

/* ---- The server ---------------------------------------------------------- */

/* cmocka group fixtures: a fresh database and server for the program. */
int harness_group_setup(void **state);
int harness_group_teardown(void **state);

/* Starts (or stops) the server on the program's database; harness_stop()
 * returns the server's exit status (-1 if it was killed by a signal or did
 * not stop within the grace time). */
int harness_start(void);
int harness_stop(void);
bool harness_running(void);
int harness_port(void);
pid_t harness_pid(void);
const char *harness_db(void);
const char *harness_dir(void);
/* The server's stderr (access log and its last words) so far; malloc'd. */
char *harness_server_log(void);
/* A test case to put last: SIGTERM, then the server must exit 0, say it
 * stopped, and have logged no sanitizer report or left-open transaction. */
void harness_test_server_stops(void **state);
/* Fails the test if the server's log shows a bug (see above). */
void harness_check_server_log(void);

/* ---- HTTP ----------------------------------------------------------------- */

struct http_header {
	char *name;
	char *value;
};

struct response {
	long status;
	struct http_header *headers;
	size_t nheaders;
	char *body;             /* NUL-terminated */
	size_t len;
};

struct client {
	void *curl;             /* CURL * */
	char csrf[160];         /* the last CSRF token scraped for this client */
	char login[65];         /* who it signed in as, if anybody */
};

struct client *client_new(void);
void client_free(struct client *c);
/* The value of a cookie in the client's jar, malloc'd, or NULL. */
char *client_cookie(struct client *c, const char *name);
/* Puts a cookie in the jar (for 127.0.0.1, path /). */
void client_set_cookie(struct client *c, const char *name, const char *value);

/* Any request.  headers: NULL-terminated "Name: value" lines, or NULL.
 * body may be NULL; with a body and no Content-Type header, the body is
 * sent as application/x-www-form-urlencoded.  Returns the status. */
long http_request(struct client *c, const char *method, const char *path, const char *const *headers,
		  const char *body, size_t body_len, struct response *r);
long http_get(struct client *c, const char *path, struct response *r);
long http_get_with(struct client *c, const char *path, const char *const *headers, struct response *r);
long http_post_form(struct client *c, const char *path, const char *form, struct response *r);
void response_free(struct response *r);

/* First header of that name (any case), or NULL. */
const char *response_header(const struct response *r, const char *name);
/* The Set-Cookie header setting that cookie, or NULL. */
const char *response_set_cookie(const struct response *r, const char *cookie_name);
bool response_contains(const struct response *r, const char *needle);

/* An application/x-www-form-urlencoded body from key, value pairs ending
 * with NULL; a NULL value skips its key.  malloc'd. */
char *form_encode(const char *key, ...);
/* Percent-encodes one string for a query. malloc'd. */
char *url_escape(const char *s);
/* The value of the first hidden input named csrf in a page, malloc'd, or NULL. */
char *scrape_csrf(const char *html);
/* The value attribute of the first input with that name, malloc'd, or NULL. */
char *scrape_input(const char *html, const char *name);

/* GET path and keep the page's csrf value in c->csrf; returns the status. */
long client_refresh_csrf(struct client *c, const char *path);
/* Signs in: GET /login, scrape its csrf, POST login, password, csrf and
 * next (NULL for none).  Returns the POST's status (303 on success, then
 * c->csrf holds the session's token).  r, if not NULL, gets the POST's
 * response. */
long client_sign_in_full(struct client *c, const char *login, const char *password, const char *next,
			 struct response *r);
/* Signs in with the demo password and asserts it worked. */
void client_sign_in(struct client *c, const char *login);
/* A new client signed in as login with the demo password. */
struct client *client_as(const char *login);

/* Assertions on a response that show what came instead. */
#define expect_status(r, want) do { \
	if ((r).status != (long)(want)) \
		fail_msg("status %ld, expected %d; body:\n%.600s", (r).status, (int)(want), \
			 (r).body ? (r).body : ""); \
} while (0)
#define expect_location(r, want) do { \
	const char *loc_ = response_header(&(r), "Location"); \
	if (!loc_ || strcmp(loc_, (want))) \
		fail_msg("Location %s, expected %s (status %ld)", loc_ ? loc_ : "(none)", (want), (r).status); \
} while (0)
#define expect_redirect(r, where) do { expect_status(r, 303); expect_location(r, where); } while (0)
#define expect_contains(r, needle) do { \
	if (!response_contains(&(r), (needle))) \
		fail_msg("the body lacks \"%s\" (status %ld); body:\n%.1500s", (needle), (r).status, \
			 (r).body ? (r).body : ""); \
} while (0)
#define expect_lacks(r, needle) do { \
	if (response_contains(&(r), (needle))) \
		fail_msg("the body has \"%s\" but should not (status %ld)", (needle), (r).status); \
} while (0)

/* ---- The CLI and the database --------------------------------------------- */

struct cli_result {
	int status;             /* exit status, or -1 */
	char *out;              /* stdout, NUL-terminated */
	char *err;              /* stderr, NUL-terminated */
};

/* Runs '$TDC_BIN args...' (NULL-terminated) with stdin_text on standard
 * input (NULL: empty).  The program's --db is not added: pass it. */
int tdc_cli(struct cli_result *res, const char *stdin_text, const char *arg, ...);
void cli_result_free(struct cli_result *res);

/* Runs SQL (sqlite3_mprintf format: %q, %Q) on the test database. 0 ok. */
int db_exec(const char *fmt, ...);
/* The first column of the first row, malloc'd, or NULL for no row. */
char *db_text(const char *fmt, ...);
long long db_int(const char *fmt, ...);
/* Forgets failed sign-ins, so tests that fail a few on purpose do not
 * lock the loopback address out for the tests after them. */
void db_forget_sign_in_failures(void);

/* Makes an extra account with the CLI (password on stdin); asserts. */
void make_account(const char *login, const char *role, const char *scope, const char *password);

/* The session cookie of a client, malloc'd (asserts it has one). */
char *session_of(struct client *c);

#endif
