/* router.c - the route table and the checks before every handler.
 *
 * The table is the map of the site: every page and API call is one row,
 * with the permission authz.c decides on.  Tests walk it to try each route
 * as each role (tests/http). */
#include "router.h"

#include <string.h>

#include "core/account.h"
#include "web/api/api.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages/pages.h"

#define GET M_GET
#define POST M_POST

static const struct route routes[] = {
	/* method  pattern                               handler                 flags           permission */
	{ GET,  "/",                                     page_home,              0,              PERM_SIGNED_IN },
	{ GET,  "/login",                                page_login,             ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ POST, "/login",                                page_login_post,        ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ POST, "/logout",                               page_logout,            0,              PERM_SIGNED_IN },
	{ GET,  "/lang",                                 page_lang,              ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ GET,  "/healthz",                              page_healthz,           ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ GET,  "/static/{name}",                        page_static,            ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ GET,  "/admin/accounts",                       page_accounts,          0,              PERM_ACCOUNTS_MANAGE },
	{ GET,  "/admin/accounts/new",                   page_account_new,       0,              PERM_ACCOUNTS_MANAGE },
	{ POST, "/admin/accounts",                       page_account_create,    0,              PERM_ACCOUNTS_MANAGE },
	{ POST, "/admin/accounts/{login}/disable",       page_account_disable,   0,              PERM_ACCOUNTS_MANAGE },
	{ POST, "/admin/accounts/{login}/enable",        page_account_enable,    0,              PERM_ACCOUNTS_MANAGE },
	{ POST, "/admin/accounts/{login}/password",      page_account_password,  0,              PERM_ACCOUNTS_MANAGE },
	{ POST, "/admin/accounts/{login}/sessions/revoke", page_account_revoke,  0,              PERM_ACCOUNTS_MANAGE },
	{ GET,  "/admin/audit",                          page_audit,             0,              PERM_AUDIT_READ },
	{ GET,  "/api/v1/me",                            api_me,                 ROUTE_API,      PERM_SIGNED_IN },
};

const struct route *router_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}

/* Matches pattern against path; {name} takes one non-empty segment. */
static bool match(const char *pattern, const char *path, struct request *req)
{
	const char *p = pattern, *s = path;
	int nparams = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(s, '/');
			size_t seglen = seg_end ? (size_t)(seg_end - s) : strlen(s);

			if (!close || seglen == 0 || nparams >= MAX_PARAMS)
				return false;
			if (req) {
				req->params[nparams].key = arena_strndup(req->arena, p + 1, (size_t)(close - p - 1));
				req->params[nparams].value = arena_strndup(req->arena, s, seglen);
			}
			nparams++;
			p = close + 1;
			s += seglen;
			continue;
		}
		if (*p != *s)
			return false;
		p++, s++;
	}
	if (*p || *s)
		return false;
	if (req)
		req->nparams = nparams;
	return true;
}

const struct route *router_match_path(const char *path)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (match(routes[i].pattern, path, NULL))
			return &routes[i];
	return NULL;
}

size_t router_body_limit(const char *path)
{
	const struct route *r = router_match_path(path);

	return r && (r->flags & ROUTE_UPLOAD) ? UPLOAD_LIMIT : BODY_LIMIT;
}

static const char *method_names(int mask, struct request *req)
{
	struct buf b;
	const char *out;

	buf_init(&b);
	if (mask & M_GET)
		buf_puts(&b, "GET, HEAD");
	if (mask & M_POST)
		buf_puts(&b, b.len ? ", POST" : "POST");
	if (mask & M_PUT)
		buf_puts(&b, b.len ? ", PUT" : "PUT");
	if (mask & M_PATCH)
		buf_puts(&b, b.len ? ", PATCH" : "PATCH");
	if (mask & M_DELETE)
		buf_puts(&b, b.len ? ", DELETE" : "DELETE");
	out = arena_strdup(req->arena, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static void set_language(struct request *req)
{
	const char *cookie = req_cookie(req, LANG_COOKIE);

	if (principal_signed_in(&req->who))
		req->lang = text_lang_parse(req->who.lang);
	else
		req->lang = text_lang_parse(cookie);
}

void router_dispatch(struct request *req)
{
	const struct route *found = NULL;
	int allowed = 0;
	enum method m = req->method == M_HEAD ? M_GET : req->method;

	req->is_api = !strncmp(req->path, "/api/", 5);

	/* 1. who is calling: a bad bearer token is refused outright, so a
	 *    script never mistakes an anonymous answer for its own */
	if (auth_identify(req) != 0) {
		req->is_api = true;
		req_add_header(req, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		req_api_error(req, 401, "invalid_token",
			      "the bearer token is malformed, unknown, expired or revoked");
		return;
	}
	set_language(req);

	/* 2. the route and the method */
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!match(routes[i].pattern, req->path, NULL))
			continue;
		allowed |= routes[i].methods;
		if (routes[i].methods & m) {
			found = &routes[i];
			break;
		}
	}
	if (!allowed) {
		req_error(req, 404);
		return;
	}
	if (!found) {
		req_add_header(req, "Allow", method_names(allowed, req));
		req_error(req, 405);
		return;
	}
	match(found->pattern, req->path, req);
	req->route = found;
	if (found->flags & ROUTE_API)
		req->is_api = true;

	/* 3. the body's size (the server stopped reading past the limit) */
	if (req->body_too_large) {
		req_error(req, 413);
		return;
	}

	/* 4. signed in, and allowed */
	if (!(found->flags & ROUTE_PUBLIC)) {
		if (!principal_signed_in(&req->who)) {
			if (req->is_api) {
				req_add_header(req, "WWW-Authenticate", "Bearer");
				req_error(req, 401);
			} else {
				struct buf loc;

				buf_init(&loc);
				buf_puts(&loc, "/login");
				if (strcmp(req->path, "/")) {
					buf_puts(&loc, "?next=");
					html_escape_url(&loc, req->path);
				}
				req_redirect(req, buf_cstr(&loc));
				buf_free(&loc);
			}
			return;
		}
		if (!authz_permits(&req->who, found->perm, NULL)) {
			req_error(req, 403);
			return;
		}
	}

	/* 5. a state-changing request carries its CSRF token */
	if (m != M_GET && !(found->flags & ROUTE_NO_CSRF) && !auth_csrf_ok(req)) {
		if (req->is_api)
			req_api_error(req, 403, "csrf", "missing or wrong CSRF token (X-CSRF-Token header or csrf field)");
		else {
			buf_reset(&req->out);
			layout_error_page(req, 403, T(req, TX_ERR_CSRF));
		}
		return;
	}
	found->handler(req);
}
