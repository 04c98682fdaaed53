/* auth.h - who is calling, and the CSRF token their forms must carry.
 *
 * auth_identify() reads a bearer token (Authorization: Bearer tdc_...) or
 * the session cookie and fills req->who; a malformed, unknown, expired or
 * revoked token leaves nobody signed in (and for a bearer token, the API
 * answers 401 even on public routes would not matter: no route is both).
 * auth_csrf_ok() checks the token of a state-changing request: the form
 * field "csrf", or the X-CSRF-Token header for scripts using the session.
 * Requests signed in by a bearer token need none: a browser never sends
 * one by itself. */
#ifndef TDC_AUTH_H
#define TDC_AUTH_H

#include <stdbool.h>

#include "web/request.h"

enum { SESSION_COOKIE_MAX = 64 };
#define SESSION_COOKIE "tdc_session"
#define PRESESSION_COOKIE "tdc_pre"
#define LANG_COOKIE "tdc_lang"

/* 0 ok (signed in or anonymous); 1 a bearer token was given but is not valid */
int auth_identify(struct request *req);
void auth_make_csrf(struct request *req);
/* The request's CSRF token, made on first use: only a page that shows a
 * form mints the pre-session cookie, so cacheable answers set no cookie. */
const char *auth_csrf_token(struct request *req);
bool auth_csrf_ok(struct request *req);
/* Starts a session for req->who and sets its cookie. */
int auth_start_session(struct request *req);

#endif
