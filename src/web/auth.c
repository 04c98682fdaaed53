/* auth.c - sessions, bearer tokens and CSRF at the HTTP edge (see auth.h). */
#include "auth.h"

#include <string.h>
#include <time.h>

#include "core/session.h"
#include "lib/secret.h"

int auth_identify(struct request *req)
{
	const char *authz = req_header(req, "Authorization");
	const char *cookie;
	time_t now = time(NULL);

	memset(&req->who, 0, sizeof req->who);
	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7))
			return 1;
		if (token_resolve(req->store, authz + 7, now, &req->who) != 0) {
			memset(&req->who, 0, sizeof req->who);
			return 1;
		}
		req->via_token = true;
		return 0;
	}
	cookie = req_cookie(req, SESSION_COOKIE);
	if (cookie && session_resolve(req->store, cookie, now, &req->app->session, &req->who) == 0)
		req->session_token = cookie;
	else
		memset(&req->who, 0, sizeof req->who);
	return 0;
}

/* The token is a keyed hash of the session token (or, before sign-in, of a
 * random pre-session cookie), so it needs no storage and cannot be guessed
 * without the installation's secret. */
void auth_make_csrf(struct request *req)
{
	const char *basis;

	if (req->session_token) {
		basis = arena_printf(req->arena, "s:%s", req->session_token);
	} else {
		const char *pre = req_cookie(req, PRESESSION_COOKIE);

		if (!pre || strlen(pre) != TOKEN_CHARS) {
			char fresh[TOKEN_CHARS + 1];

			secret_token(fresh);
			pre = arena_strdup(req->arena, fresh);
			req_set_cookie(req, PRESESSION_COOKIE, pre, -1);
		}
		basis = arena_printf(req->arena, "a:%s", pre);
	}
	secret_mac_hex(req->app->secret, sizeof req->app->secret, basis, req->csrf);
}

const char *auth_csrf_token(struct request *req)
{
	if (!req->csrf[0])
		auth_make_csrf(req);
	return req->csrf;
}

bool auth_csrf_ok(struct request *req)
{
	const char *sent = req_form(req, "csrf");

	if (req->via_token)
		return true;
	auth_csrf_token(req);
	if (!sent)
		sent = req_header(req, "X-CSRF-Token");
	return sent && secret_equal(sent, req->csrf);
}

int auth_start_session(struct request *req)
{
	char token[TOKEN_CHARS + 1];
	const struct session_limits *lim = &req->app->session;

	if (session_start(req->store, req->who.account_id, req->address, time(NULL), lim, token) < 0)
		return -1;
	req->session_token = arena_strdup(req->arena, token);
	req_set_cookie(req, SESSION_COOKIE, token, lim->absolute_s);
	auth_make_csrf(req);
	return 0;
}
