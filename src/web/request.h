/* request.h - one HTTP request and its response, passed to every handler.
 *
 * Everything a handler needs is here: the arena that dies with the request,
 * this thread's database connection, the caller (principal), the inputs
 * (path parameters, query, form, JSON body, cookies) and the response being
 * built.  Nothing is global: libmicrohttpd runs handlers on several threads.
 *
 * Reading: req_query(), req_form(), req_cookie(), req_header(), req_param().
 * Answering: write the body into req->out (html.c, or json_*), then set
 * req->status and req->content_type; or call one of req_redirect(),
 * req_json(), req_api_error(), page_error().  server.c sends what is left
 * in req when the handler returns. */
#ifndef TDC_REQUEST_H
#define TDC_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/principal.h"
#include "core/session.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "web/text.h"

struct store;
struct MHD_Connection;
struct json_t;

enum method { M_GET = 1, M_POST = 2, M_PUT = 4, M_PATCH = 8, M_DELETE = 16, M_HEAD = 32, M_OTHER = 64 };

enum { MAX_PARAMS = 4, MAX_FORM = 64, MAX_HEADERS = 8 };

struct kv {
	const char *key, *value;
};

/* A file sent in a multipart/form-data form; data points into req->body. */
struct upload {
	const char *field, *filename;
	const unsigned char *data;
	size_t len;
};
enum { MAX_UPLOADS = 2 };

/* Server-wide state, made at start and read-only while serving. */
struct app {
	struct config config;
	unsigned char secret[32];   /* keys the CSRF tokens */
	struct session_limits session;
};

struct request {
	struct arena *arena;
	const struct app *app;
	struct store *store;
	struct MHD_Connection *conn;
	struct timespec started;

	enum method method;
	const char *method_name;
	const char *path;
	const char *address;           /* client IP */
	struct kv params[MAX_PARAMS];  /* {name} parts of the route */
	int nparams;
	struct buf body;               /* the request body */
	struct kv form[MAX_FORM];      /* a url-encoded form body, parsed */
	int nform;
	bool form_parsed;
	struct upload files[MAX_UPLOADS]; /* a multipart form's files */
	int nfiles;
	bool is_api;                   /* under /api/: errors in JSON */

	/* the caller */
	struct principal who;
	bool via_token;                /* signed in by a bearer token, not a cookie */
	const char *session_token;     /* the cookie's token, when signed in by one */
	char csrf[65];                 /* the token forms must echo */
	enum lang lang;

	/* the response */
	int status;
	const char *content_type;
	struct buf out;
	struct kv headers[MAX_HEADERS];
	int nheaders;
	const char *cache_control;     /* NULL: "no-store" for dynamic answers */
	struct buf cookies;            /* Set-Cookie lines, '\n'-separated */
	const unsigned char *static_body; /* instead of out: compiled-in bytes */
	size_t static_len;

	/* kept by server.c */
	bool body_too_large;
	size_t body_limit;
	const struct route *route;
};

/* A new request with its own arena, for a method and path; server.c adds
 * the connection, tests use it as it is.  req_free() releases it all. */
struct request *req_new(const struct app *app, const char *method, const char *path);
void req_free(struct request *req);
/* "GET" -> M_GET ...; M_OTHER for any other method */
enum method req_method_parse(const char *name);
const char *req_query(struct request *req, const char *key);
/* The query as "k=v&k2=v2", URL-encoded again (request arena); "" when none. */
const char *req_query_string(struct request *req);
const char *req_form(struct request *req, const char *key);
/* A file of a multipart/form-data form, or NULL. */
const struct upload *req_file(struct request *req, const char *field);
const char *req_cookie(struct request *req, const char *key);
const char *req_header(struct request *req, const char *key);
const char *req_param(struct request *req, const char *key);
/* Parses req->body as JSON; NULL (and a 400 answered) when it is not. */
struct json_t *req_json_body(struct request *req);

void req_add_header(struct request *req, const char *key, const char *value);
void req_set_cookie(struct request *req, const char *name, const char *value, int max_age_s);
void req_redirect(struct request *req, const char *location); /* 303 See Other */
/* The bytes in req->out are a file to save: sets the content type and
 * Content-Disposition: attachment, with filename (UTF-8, sent as RFC 6266
 * filename*) and an ASCII fallback for old clients. */
void req_download(struct request *req, const char *content_type, const char *filename,
		  const char *ascii_filename);
/* Answers with a JSON document (takes the reference). */
void req_json(struct request *req, int status, struct json_t *doc);
/* {"error": {"code": "...", "message": "..."}} */
void req_api_error(struct request *req, int status, const char *code, const char *message);
/* A friendly HTML error page, or a JSON error under /api/. */
void req_error(struct request *req, int status);

/* Who acts, for the audit log: the signed-in account and its address. */
struct actor req_actor(const struct request *req);
/* text of the request's language */
const char *T(const struct request *req, enum text_id id);

#endif
