/* request.c - reading a request and shaping its answer (see request.h). */
#include "request.h"
#include "web/multipart.h"

#include <ctype.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "web/html.h"
#include "web/layout.h"
#include "web/router.h"

const char *T(const struct request *req, enum text_id id)
{
	return text_get(req->lang, id);
}

struct request *req_new(const struct app *app, const char *method, const char *path)
{
	struct arena *a = arena_new();
	struct request *req;

	if (!a)
		return NULL;
	req = arena_alloc(a, sizeof *req);
	if (!req) {
		arena_free(a);
		return NULL;
	}
	req->arena = a;
	req->app = app;
	clock_gettime(CLOCK_MONOTONIC, &req->started);
	req->method = req_method_parse(method);
	req->method_name = arena_strdup(a, method);
	req->path = arena_strdup(a, path);
	req->address = "";
	req->status = 200;
	req->content_type = "text/html; charset=utf-8";
	req->body_limit = router_body_limit(req->method, path);
	buf_init(&req->body);
	buf_init(&req->out);
	buf_init(&req->cookies);
	return req;
}

void req_free(struct request *req)
{
	if (!req)
		return;
	buf_free(&req->body);
	buf_free(&req->out);
	buf_free(&req->cookies);
	arena_free(req->arena);
}

enum method req_method_parse(const char *name)
{
	static const struct { const char *name; enum method m; } methods[] = {
		{ "GET", M_GET }, { "POST", M_POST }, { "PUT", M_PUT }, { "PATCH", M_PATCH },
		{ "DELETE", M_DELETE }, { "HEAD", M_HEAD },
	};

	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (!strcmp(name, methods[i].name))
			return methods[i].m;
	return M_OTHER;
}

const char *req_query(struct request *req, const char *key)
{
	return req->conn ? MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key) : NULL;
}

static enum MHD_Result add_argument(void *ctx, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	struct buf *b = ctx;

	(void)kind;
	if (b->len)
		buf_puts(b, "&");
	html_escape_url(b, key);
	if (value) {
		buf_puts(b, "=");
		html_escape_url(b, value);
	}
	return MHD_YES;
}

const char *req_query_string(struct request *req)
{
	struct buf b;
	const char *out;

	if (!req->conn)
		return "";
	buf_init(&b);
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, add_argument, &b);
	out = arena_strdup(req->arena, buf_cstr(&b));
	buf_free(&b);
	return out ? out : "";
}

const char *req_cookie(struct request *req, const char *key)
{
	return req->conn ? MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, key) : NULL;
}

const char *req_header(struct request *req, const char *key)
{
	return req->conn ? MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, key) : NULL;
}

const char *req_param(struct request *req, const char *key)
{
	for (int i = 0; i < req->nparams; i++)
		if (!strcmp(req->params[i].key, key))
			return req->params[i].value;
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Decodes application/x-www-form-urlencoded text of length n into the arena. */
static char *url_decode(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static int form_part(const struct multipart_part *part, void *ctx)
{
	struct request *req = ctx;

	if (part->filename[0]) {
		if (req->nfiles < MAX_UPLOADS) {
			struct upload *u = &req->files[req->nfiles++];

			u->field = arena_strdup(req->arena, part->name);
			u->filename = arena_strdup(req->arena, part->filename);
			u->data = part->data;
			u->len = part->len;
		}
	} else if (req->nform < MAX_FORM) {
		req->form[req->nform].key = arena_strdup(req->arena, part->name);
		req->form[req->nform].value = arena_strndup(req->arena, (const char *)part->data,
							    part->len);
		if (req->form[req->nform].key && req->form[req->nform].value)
			req->nform++;
	}
	return 0;
}

static void parse_form(struct request *req)
{
	const char *p = req->body.data, *end = p + req->body.len;
	const char *ctype = req_header(req, "Content-Type");
	char boundary[80];

	req->form_parsed = true;
	if (p && multipart_boundary(ctype, boundary, sizeof boundary) == 0) {
		if (multipart_parse(p, req->body.len, boundary, form_part, req) < 0) {
			/* half a form is no form: drop what was read */
			req->nform = 0;
			req->nfiles = 0;
		}
		return;
	}
	if (!p || (ctype && strncasecmp(ctype, "application/x-www-form-urlencoded", 33)))
		return;
	while (p < end && req->nform < MAX_FORM) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));

		if (eq) {
			req->form[req->nform].key = url_decode(req->arena, p, (size_t)(eq - p));
			req->form[req->nform].value = url_decode(req->arena, eq + 1, (size_t)(stop - eq - 1));
			if (req->form[req->nform].key && req->form[req->nform].value)
				req->nform++;
		}
		p = stop + 1;
	}
}

const char *req_form(struct request *req, const char *key)
{
	if (!req->form_parsed)
		parse_form(req);
	for (int i = 0; i < req->nform; i++)
		if (!strcmp(req->form[i].key, key))
			return req->form[i].value;
	return NULL;
}

struct actor req_actor(const struct request *req)
{
	struct actor a = { req->who.account_id, req->who.login, req->address };

	return a;
}

const struct upload *req_file(struct request *req, const char *field)
{
	if (!req->form_parsed)
		parse_form(req);
	for (int i = 0; i < req->nfiles; i++)
		if (!strcmp(req->files[i].field, field))
			return &req->files[i];
	return NULL;
}

json_t *req_json_body(struct request *req)
{
	json_error_t jerr;
	json_t *doc;

	if (!req->body.len) {
		req_api_error(req, 400, "bad_json", "the request needs a JSON body");
		return NULL;
	}
	doc = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		char *msg = arena_printf(req->arena, "body is not valid JSON: line %d, column %d: %s",
					 jerr.line, jerr.column, jerr.text);
		req_api_error(req, 400, "bad_json", msg);
	}
	return doc;
}

void req_add_header(struct request *req, const char *key, const char *value)
{
	if (req->nheaders < MAX_HEADERS) {
		req->headers[req->nheaders].key = key;
		req->headers[req->nheaders].value = value;
		req->nheaders++;
	}
}

void req_set_cookie(struct request *req, const char *name, const char *value, int max_age_s)
{
	/* HttpOnly: scripts never see the session; SameSite=Lax: a cross-site
	 * POST carries no cookie (the CSRF token is the second lock) */
	buf_printf(&req->cookies, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", name, value,
		   req->app && req->app->config.secure_cookies ? "; Secure" : "");
	if (max_age_s >= 0)
		buf_printf(&req->cookies, "; Max-Age=%d", max_age_s);
	buf_putc(&req->cookies, '\n');
}

void req_redirect(struct request *req, const char *location)
{
	req->status = 303;
	req_add_header(req, "Location", arena_strdup(req->arena, location));
	buf_reset(&req->out);
	req->content_type = "text/plain; charset=utf-8";
}

void req_download(struct request *req, const char *content_type, const char *filename,
		  const char *ascii_filename)
{
	struct buf b;

	/* the fallback keeps to characters no browser misreads; filename*
	 * percent-encodes all but RFC 5987's attr-chars */
	buf_init(&b);
	buf_puts(&b, "attachment; filename=\"");
	for (const char *c = ascii_filename; *c; c++)
		buf_putc(&b, isalnum((unsigned char)*c) || strchr("._-", *c) ? *c : '_');
	buf_puts(&b, "\"; filename*=UTF-8''");
	for (const unsigned char *c = (const unsigned char *)filename; *c; c++) {
		if (isalnum(*c) || strchr("!#$&+-.^_`|~", *c))
			buf_putc(&b, (char)*c);
		else
			buf_printf(&b, "%%%02X", *c);
	}
	req_add_header(req, "Content-Disposition", arena_strdup(req->arena, buf_cstr(&b)));
	buf_free(&b);
	req->status = 200;
	req->content_type = content_type;
}

void req_json(struct request *req, int status, json_t *doc)
{
	char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;

	buf_reset(&req->out);
	if (s) {
		buf_puts(&req->out, s);
		buf_putc(&req->out, '\n');
		free(s);
	}
	json_decref(doc);
	req->status = status;
	req->content_type = "application/json; charset=utf-8";
}

void req_api_error(struct request *req, int status, const char *code, const char *message)
{
	req_json(req, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message));
}

static const struct {
	int status;
	const char *code;
	enum text_id text;
} errors[] = {
	{ 400, "bad_request", TX_ERR_400 },
	{ 401, "unauthorised", TX_ERR_401 },
	{ 403, "forbidden", TX_ERR_403 },
	{ 404, "not_found", TX_ERR_404 },
	{ 405, "method_not_allowed", TX_ERR_405 },
	{ 409, "conflict", TX_ERR_409 },
	{ 413, "too_large", TX_ERR_413 },
	{ 422, "invalid", TX_ERR_422 },
	{ 429, "too_many_requests", TX_ERR_429 },
	{ 500, "internal", TX_ERR_500 },
};

void req_error(struct request *req, int status)
{
	size_t i;

	for (i = 0; i < sizeof errors / sizeof errors[0] - 1; i++)
		if (errors[i].status == status)
			break;
	if (req->is_api) {
		/* API messages are English: they are read by programmers */
		req_api_error(req, status, errors[i].code,
			      status == 404 ? "no such path or record" : text_get(LANG_EN, errors[i].text));
		return;
	}
	buf_reset(&req->out);
	layout_error_page(req, status, T(req, errors[i].text));
}
