/* login.c - sign-in, sign-out and the language switch. */
#include "web/pages/pages.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/account.h"
#include "core/activation.h"
#include "core/session.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/layout.h"

/* Only our own paths: never an open redirect to another site.  Browsers
 * drop tabs and newlines from URLs and read '\\' as '/', so "/\t/evil" or
 * "/\\evil" would become "//evil": refuse any control character or
 * backslash anywhere. */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/')
		return "/";
	for (const char *c = next; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\')
			return "/";
	return next;
}

static void login_form(struct request *req, const char *login, const char *error, const char *info)
{
	const char *next = req_form(req, "next");

	if (!next)
		next = req_query(req, "next");
	layout_start(req, T(req, TX_SIGN_IN));
	html(req, "<section class=\"signin\">\n<div class=\"signin-intro\"><h1>");
	html_text(req, req->app->config.site_name);
	html(req, "</h1><p>");
	html_text(req, T(req, TX_SITE_TAGLINE));
	html(req, "</p></div>\n<form class=\"card\" method=\"post\" action=\"/login\">\n<h2>");
	html_text(req, T(req, TX_SIGN_IN_TITLE));
	html(req, "</h2>\n");
	if (error)
		layout_notice(req, "error", error);
	if (info)
		layout_notice(req, "ok", info);
	html_csrf(req);
	html_hidden(req, "next", safe_next(next));
	html(req, "\n<label for=\"login\">");
	html_text(req, T(req, TX_LOGIN));
	html(req, "</label><input id=\"login\" name=\"login\" autocomplete=\"username\" required "
		  "autocapitalize=\"none\" spellcheck=\"false\" value=\"");
	html_attr(req, login);
	html(req, "\"");
	html(req, login && *login ? ">" : " autofocus>");
	html(req, "\n<label for=\"password\">");
	html_text(req, T(req, TX_PASSWORD));
	html(req, "</label><input id=\"password\" name=\"password\" type=\"password\" "
		  "autocomplete=\"current-password\" required");
	html(req, login && *login ? " autofocus>" : ">");
	html(req, "\n<button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, TX_SIGN_IN));
	html(req, "</button>\n<p class=\"hint\"><a href=\"/activate\">");
	html_text(req, T(req, TX_ACT_LINK));
	html(req, "</a></p>\n<p class=\"hint\">");
	html_text(req, T(req, TX_SIGN_IN_HELP));
	html(req, "</p>\n</form>\n</section>\n");
	layout_end(req);
}

void page_login(struct request *req)
{
	if (principal_signed_in(&req->who)) {
		req_redirect(req, safe_next(req_query(req, "next")));
		return;
	}
	login_form(req, "", NULL, req_query(req, "bye") ? T(req, TX_SIGNED_OUT) : NULL);
}

void page_login_post(struct request *req)
{
	const char *login = req_form(req, "login"), *password = req_form(req, "password");
	struct err err = { 0 };
	char as_id[65];
	const char *account = NULL;

	if (!login)
		login = "";
	/* a teacher signs in with her ID number (activation.c): any case of
	 * x, spaces, full-width digits, and an account made under another
	 * login before she activated.  The form shows what she typed, never
	 * the login it maps to. */
	if (activation_login_of(req->store, login, as_id) == 1)
		account = as_id;
	if (account_sign_in(req->store, account ? account : login, password ? password : "",
			    req->address, time(NULL), &req->who, &err) < 0) {
		char *msg;

		memset(&req->who, 0, sizeof req->who);
		switch (err.code) {
		case ERR_THROTTLED:
			req->status = 429;
			msg = arena_printf(req->arena, T(req, TX_THROTTLED), err.message);
			break;
		case ERR_UNAUTHORISED:
			req->status = 401;
			msg = (char *)(strstr(err.message, "disabled") ? T(req, TX_ACCOUNT_DISABLED) :
						       T(req, TX_WRONG_LOGIN));
			break;
		default:
			req->status = 500;
			msg = (char *)T(req, TX_ERR_500);
		}
		login_form(req, login, msg, NULL);
		return;
	}
	if (auth_start_session(req) < 0) {
		req_error(req, 500);
		return;
	}
	req->lang = text_lang_parse(req->who.lang);
	req_set_cookie(req, LANG_COOKIE, req->who.lang, 365 * 86400);
	req_redirect(req, safe_next(req_form(req, "next")));
}

void page_logout(struct request *req)
{
	session_end(req->store, req->session_token);
	req_set_cookie(req, SESSION_COOKIE, "", 0);
	req_redirect(req, "/login?bye=1");
}

void page_lang(struct request *req)
{
	const char *to = req_query(req, "to");
	enum lang lang = text_lang_parse(to);

	req_set_cookie(req, LANG_COOKIE, text_lang_code(lang), 365 * 86400);
	if (principal_signed_in(&req->who))
		account_set_lang(req->store, req->who.account_id, text_lang_code(lang));
	req_redirect(req, safe_next(req_query(req, "back")));
}
