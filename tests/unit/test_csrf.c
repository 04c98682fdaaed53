/* test_csrf.c - the CSRF token of web/auth.c.
 *
 * auth_make_csrf() on hand-made requests (no connection, so no cookies or
 * headers): 64 lower-case hex characters; the same session token and
 * secret give the same token, another session or another secret another
 * one; an anonymous request gets a fresh tdc_pre cookie (HttpOnly,
 * SameSite=Lax, Secure only when configured) and a token tied to it.
 * auth_csrf_ok(): the form field "csrf" in a body without a Content-Type
 * (read as a form), wrong, truncated, empty or missing tokens, and
 * requests signed in by a bearer token, which need none.
 * auth_identify() without credentials leaves nobody signed in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "lib/secret.h"
#include "web/auth.h"

#define SESSION_A "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define SESSION_B "BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

struct fixture {
	struct app app, other;
};

static int group_setup(void **state)
{
	static struct fixture f;

	if (secret_init() < 0)
		return -1;
	fixture_app(&f.app, 0x11);
	fixture_app(&f.other, 0x22);
	*state = &f;
	return 0;
}

static bool is_lower_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* A POST for app; signed in by session token when session is given. */
static struct request *post(const struct app *app, const char *session)
{
	struct request *req = fixture_request(app, NULL, "POST", "/logout");

	assert_non_null(req);
	req->session_token = session;
	auth_make_csrf(req);
	return req;
}

static void token_is_64_hex(void **state)
{
	struct fixture *f = *state;
	struct request *req = post(&f->app, SESSION_A);

	assert_int_equal(strlen(req->csrf), 64);
	assert_true(is_lower_hex(req->csrf));
	fixture_request_free(req);
	req = post(&f->app, NULL);
	assert_int_equal(strlen(req->csrf), 64);
	assert_true(is_lower_hex(req->csrf));
	fixture_request_free(req);
}

static void same_session_same_token(void **state)
{
	struct fixture *f = *state;
	struct request *a = post(&f->app, SESSION_A), *b = post(&f->app, SESSION_A);

	assert_string_equal(a->csrf, b->csrf);
	/* signed in: no pre-session cookie is needed or set */
	assert_int_equal(a->cookies.len, 0);
	fixture_request_free(a);
	fixture_request_free(b);
}

static void other_session_or_secret_other_token(void **state)
{
	struct fixture *f = *state;
	struct request *a = post(&f->app, SESSION_A), *b = post(&f->app, SESSION_B);
	struct request *c = post(&f->other, SESSION_A);

	assert_string_not_equal(a->csrf, b->csrf);
	assert_string_not_equal(a->csrf, c->csrf);
	assert_string_not_equal(b->csrf, c->csrf);
	/* the token is not a plain hash of the session token */
	{
		unsigned char h[TOKEN_HASH_BYTES];
		char hex[65];

		secret_token_hash(SESSION_A, h);
		for (int i = 0; i < TOKEN_HASH_BYTES; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		assert_string_not_equal(a->csrf, hex);
	}
	fixture_request_free(a);
	fixture_request_free(b);
	fixture_request_free(c);
}

/* The value of cookie name in the Set-Cookie lines, copied into out. */
static bool cookie_value(const struct request *req, const char *name, char *out, size_t n)
{
	const char *lines = req->cookies.data ? req->cookies.data : "";
	size_t nl = strlen(name);

	for (const char *p = lines; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (!strncmp(p, name, nl) && p[nl] == '=') {
			size_t len = strcspn(p + nl + 1, ";\n");

			if (len >= n)
				return false;
			memcpy(out, p + nl + 1, len);
			out[len] = '\0';
			return true;
		}
	}
	return false;
}

static void anonymous_gets_presession_cookie(void **state)
{
	struct fixture *f = *state;
	struct request *a = post(&f->app, NULL), *b = post(&f->app, NULL);
	char pa[64], pb[64];
	const char *line;

	line = buf_cstr(&a->cookies);
	assert_non_null(strstr(line, "tdc_pre="));
	assert_non_null(strstr(line, "HttpOnly"));
	assert_non_null(strstr(line, "SameSite=Lax"));
	assert_non_null(strstr(line, "Path=/"));
	assert_null(strstr(line, "Secure"));
	assert_true(cookie_value(a, PRESESSION_COOKIE, pa, sizeof pa));
	assert_true(cookie_value(b, PRESESSION_COOKIE, pb, sizeof pb));
	assert_int_equal(strlen(pa), TOKEN_CHARS);
	/* each newcomer has its own, so its own token */
	assert_string_not_equal(pa, pb);
	assert_string_not_equal(a->csrf, b->csrf);
	/* and the anonymous token differs from a session's */
	{
		struct request *s = post(&f->app, pa);

		assert_string_not_equal(s->csrf, a->csrf);
		fixture_request_free(s);
	}
	fixture_request_free(a);
	fixture_request_free(b);
}

static void secure_cookie_when_configured(void **state)
{
	struct fixture *f = *state;
	struct app app = f->app;
	struct request *req;

	app.config.secure_cookies = true;
	req = post(&app, NULL);
	assert_non_null(strstr(buf_cstr(&req->cookies), "; Secure"));
	fixture_request_free(req);
}

/* auth_csrf_ok() on a fresh request of session SESSION_A with body. */
static bool check_body(struct fixture *f, const char *body)
{
	struct request *req = post(&f->app, SESSION_A);
	bool ok;

	if (body)
		fixture_body(req, body);
	ok = auth_csrf_ok(req);
	fixture_request_free(req);
	return ok;
}

static void csrf_ok_with_the_right_field(void **state)
{
	struct fixture *f = *state;
	struct request *ref = post(&f->app, SESSION_A);
	char body[256], token[65];

	snprintf(token, sizeof token, "%s", ref->csrf);
	fixture_request_free(ref);

	snprintf(body, sizeof body, "csrf=%s", token);
	assert_true(check_body(f, body));
	snprintf(body, sizeof body, "login=wang&csrf=%s&next=%%2Fadmin", token);
	assert_true(check_body(f, body));
}

static void csrf_refuses_wrong_or_missing(void **state)
{
	struct fixture *f = *state;
	struct request *ref = post(&f->app, SESSION_A), *other = post(&f->app, SESSION_B);
	char body[256], token[65], others[65], good[65];

	snprintf(token, sizeof token, "%s", ref->csrf);
	snprintf(good, sizeof good, "%s", ref->csrf);
	snprintf(others, sizeof others, "%s", other->csrf);
	fixture_request_free(ref);
	fixture_request_free(other);

	assert_false(check_body(f, NULL));
	assert_false(check_body(f, ""));
	assert_false(check_body(f, "csrf="));
	assert_false(check_body(f, "csrf"));
	assert_false(check_body(f, "login=wang&password=x"));
	snprintf(body, sizeof body, "csrf=%s", others); /* another session's */
	assert_false(check_body(f, body));
	snprintf(body, sizeof body, "csrf=%.63s", token); /* truncated */
	assert_false(check_body(f, body));
	snprintf(body, sizeof body, "csrf=%s0", token); /* extended */
	assert_false(check_body(f, body));
	token[0] = token[0] == 'a' ? 'b' : 'a';
	snprintf(body, sizeof body, "csrf=%s", token); /* one character off */
	assert_false(check_body(f, body));
	/* the field's name must be exactly "csrf" */
	snprintf(body, sizeof body, "Csrf=%s&xcsrf=%s&csrf_=%s", good, good, good);
	assert_false(check_body(f, body));
	/* while the good one still passes */
	snprintf(body, sizeof body, "csrf=%s", good);
	assert_true(check_body(f, body));
}

static void bearer_token_requests_need_none(void **state)
{
	struct fixture *f = *state;
	struct request *req = post(&f->app, NULL);

	req->via_token = true;
	assert_true(auth_csrf_ok(req));
	fixture_body(req, "csrf=wrong");
	assert_true(auth_csrf_ok(req));
	fixture_request_free(req);
}

static void identify_without_credentials_is_anonymous(void **state)
{
	struct fixture *f = *state;
	struct request *req = fixture_request(&f->app, NULL, "GET", "/");

	req->who.account_id = 99; /* whatever was there is cleared */
	assert_int_equal(auth_identify(req), 0);
	assert_false(principal_signed_in(&req->who));
	assert_false(req->via_token);
	assert_null(req->session_token);
	fixture_request_free(req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_is_64_hex),
		cmocka_unit_test(same_session_same_token),
		cmocka_unit_test(other_session_or_secret_other_token),
		cmocka_unit_test(anonymous_gets_presession_cookie),
		cmocka_unit_test(secure_cookie_when_configured),
		cmocka_unit_test(csrf_ok_with_the_right_field),
		cmocka_unit_test(csrf_refuses_wrong_or_missing),
		cmocka_unit_test(bearer_token_requests_need_none),
		cmocka_unit_test(identify_without_credentials_is_anonymous),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
