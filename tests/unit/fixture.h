/* fixture.h - shared set-up for the unit tests: a temporary directory, a
 * migrated database inside it, and a hand-made HTTP request that needs no
 * libmicrohttpd connection (req->conn = NULL, so req_query(), req_cookie()
 * and req_header() answer NULL).
 *
 * Everything lives under a mkdtemp() directory in /tmp that
 * fixture_db_close() or fixture_rmdir() removes. */
#ifndef TDC_TEST_FIXTURE_H
#define TDC_TEST_FIXTURE_H

#include <stddef.h>

#include "store/store.h"
#include "web/request.h"

struct tmpdb {
	char dir[128];
	char path[256];
	struct store *s;
};

/* Makes "/tmp/tdc_unit_TAG_XXXXXX"; 0 ok, -1 failed. */
int fixture_mkdtemp(char *dir, size_t n, const char *tag);
/* Removes the files directly inside dir, then dir itself. */
void fixture_rmdir(const char *dir);
/* Writes text to path; 0 ok. */
int fixture_write_file(const char *path, const char *text);

/* A new directory with NAME.db in it, opened with STORE_CREATE and
 * migrated; 0 ok, -1 failed (the reason printed on stderr). */
int fixture_db_open(struct tmpdb *t, const char *tag);
void fixture_db_close(struct tmpdb *t);
/* Runs SQL text (any number of statements, not cached); 0 ok, else the
 * negative store error, e.g. STORE_ECONSTRAINT. */
int fixture_exec(struct store *s, const char *sql);
/* Runs a one-row, one-column integer query; -1 when it fails.  The SQL
 * must be a string literal: store_prepare() caches statements by the
 * string's address. */
long long fixture_int(struct store *s, const char *sql);

/* App settings as `tdc serve` would have them, with a fixed secret whose
 * every byte is secret_byte. */
void fixture_app(struct app *app, unsigned char secret_byte);
/* A request as server.c's request_new() makes it, minus the connection.
 * method_name is "GET", "POST", ... */
struct request *fixture_request(const struct app *app, struct store *s, const char *method_name,
				const char *path);
void fixture_request_free(struct request *req);
/* The value of a response header set with req_add_header(), or NULL. */
const char *fixture_header(const struct request *req, const char *key);
/* Sets the request body to text. */
void fixture_body(struct request *req, const char *text);

#endif
