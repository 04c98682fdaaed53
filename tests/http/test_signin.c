/* test_signin.c - signing in and out, the next parameter, the language
 * switch, and a disabled account's session. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

/* Every demo account signs in, lands on /, and its home page names it. */
static void signin_every_role(void **state)
{
	(void)state;
	for (size_t i = 0; i < demo_account_count; i++) {
		const struct demo_account *a = &demo_accounts[i];
		struct client *c = client_new();
		struct response r = { 0 };
		char *name = db_text("SELECT display_name FROM accounts WHERE login = %Q", a->login);
		const char *cookie;

		assert_non_null(name);
		if (client_sign_in_full(c, a->login, DEMO_PASSWORD, NULL, &r) != 303)
			fail_msg("sign-in as %s: status %ld\n%.500s", a->login, r.status, r.body);
		expect_location(r, "/");
		cookie = response_set_cookie(&r, "tdc_session");
		if (!cookie)
			fail_msg("sign-in as %s set no tdc_session cookie", a->login);
		assert_non_null(strstr(cookie, "HttpOnly"));
		assert_non_null(strstr(cookie, "SameSite=Lax"));
		assert_non_null(strstr(cookie, "Path=/"));

		http_get(c, "/", &r);
		expect_status(r, 200);
		expect_contains(r, name);
		expect_contains(r, a->role_zh);
		expect_contains(r, "action=\"/logout\"");
		/* the form token is the session's, not the pre-session's */
		assert_true(strlen(c->csrf) >= 32);

		response_free(&r);
		free(name);
		client_free(c);
	}
}

static void wrong_password_is_401(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };

	(void)state;
	client_sign_in_full(c, "teacher", "not-the-password", NULL, &r);
	expect_status(r, 401);
	expect_contains(r, "账号或密码不正确");
	assert_null(response_set_cookie(&r, "tdc_session"));
	/* the form comes back with the login filled in and a fresh token */
	{
		char *login = scrape_input(r.body, "login"), *csrf = scrape_csrf(r.body);

		assert_non_null(login);
		assert_string_equal(login, "teacher");
		assert_non_null(csrf);
		free(login);
		free(csrf);
	}
	http_get(c, "/", &r);
	expect_redirect(r, "/login");
	response_free(&r);
	client_free(c);
	db_forget_sign_in_failures();
}

static void unknown_login_is_401(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };

	(void)state;
	client_sign_in_full(c, "nobody-here", DEMO_PASSWORD, NULL, &r);
	expect_status(r, 401);
	/* the same words as a wrong password: no telling which logins exist */
	expect_contains(r, "账号或密码不正确");
	assert_null(response_set_cookie(&r, "tdc_session"));
	response_free(&r);
	client_free(c);
	db_forget_sign_in_failures();
}

static void anonymous_home_goes_to_login(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };

	(void)state;
	http_get(c, "/", &r);
	expect_redirect(r, "/login");
	http_get(c, "/login", &r);
	expect_status(r, 200);
	{
		/* the pre-session cookie the form's token is tied to */
		char *pre = client_cookie(c, "tdc_pre");

		assert_non_null(pre);
		assert_true(strlen(pre) >= 32);
		free(pre);
	}
	expect_contains(r, "name=\"csrf\"");
	expect_contains(r, "action=\"/login\"");
	response_free(&r);
	client_free(c);
}

static void signout_ends_the_session(void **state)
{
	struct client *c = client_as("teacher"), *old = client_new();
	struct response r = { 0 };
	char *session = session_of(c), *body, *revoked;
	const char *cleared;

	(void)state;
	body = form_encode("csrf", c->csrf, (char *)NULL);
	http_post_form(c, "/logout", body, &r);
	free(body);
	expect_redirect(r, "/login?bye=1");
	cleared = response_set_cookie(&r, "tdc_session");
	assert_non_null(cleared);
	assert_non_null(strstr(cleared, "Max-Age=0"));

	http_get(c, "/", &r);
	expect_redirect(r, "/login");

	/* the old cookie, replayed, is worth nothing */
	client_set_cookie(old, "tdc_session", session);
	http_get(old, "/", &r);
	expect_redirect(r, "/login");
	http_get(old, "/api/v1/me", &r);
	expect_status(r, 401);
	revoked = db_text("SELECT 1 FROM sessions WHERE revoked_at IS NOT NULL");
	assert_non_null(revoked);

	free(revoked);
	response_free(&r);
	free(session);
	client_free(c);
	client_free(old);
}

static void next_is_honoured_for_a_local_path(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	char *next;

	(void)state;
	/* a page asked for anonymously sends to sign-in, remembering where */
	http_get(c, "/admin/audit", &r);
	expect_redirect(r, "/login?next=%2Fadmin%2Faudit");
	http_get(c, "/login?next=%2Fadmin%2Faudit", &r);
	expect_status(r, 200);
	next = scrape_input(r.body, "next");
	assert_non_null(next);
	assert_string_equal(next, "/admin/audit");
	free(next);

	client_sign_in_full(c, "admin", DEMO_PASSWORD, "/admin/audit", &r);
	expect_redirect(r, "/admin/audit");
	http_get(c, "/admin/audit", &r);
	expect_status(r, 200);

	/* signed in, /login?next= goes straight there */
	http_get(c, "/login?next=%2Fadmin%2Faccounts", &r);
	expect_redirect(r, "/admin/accounts");
	response_free(&r);
	client_free(c);

	/* the query comes along: a scanned check-in code is in it (issue 5) */
	c = client_new();
	http_get(c, "/admin/audit?since=2026-01-01&q=%E5%BC%A0+a", &r);
	expect_redirect(r, "/login?next=%2Fadmin%2Faudit%3Fsince%3D2026-01-01%26q%3D%25E5%25BC%25A0%2520a");
	http_get(c, "/login?next=%2Fadmin%2Faudit%3Fsince%3D2026-01-01%26q%3D%25E5%25BC%25A0%2520a", &r);
	next = scrape_input(r.body, "next");
	assert_non_null(next);
	assert_string_equal(next, "/admin/audit?since=2026-01-01&q=%E5%BC%A0%20a");
	free(next);
	client_sign_in_full(c, "admin", DEMO_PASSWORD, "/admin/audit?since=2026-01-01&q=%E5%BC%A0%20a", &r);
	expect_redirect(r, "/admin/audit?since=2026-01-01&q=%E5%BC%A0%20a");
	response_free(&r);
	client_free(c);
}

static void next_is_ignored_for_another_site(void **state)
{
	static const char *const evil[] = {
		"//evil.example", "http://evil.example", "https://evil.example/x", "/\\evil.example",
		"///evil.example", "evil.example",
		/* browsers drop tabs and newlines inside a URL: "/\t/x" is "//x" */
		"/\t/evil.example", "/\n/evil.example", "/x\r\nSet-Cookie: a=b",
	};
	struct client *c = client_new();
	struct response r = { 0 };
	char report[4096] = "";

	(void)state;
	/* the two the sign-in form meets most, through a real sign-in */
	client_sign_in_full(c, "teacher", DEMO_PASSWORD, "//evil.example", &r);
	expect_redirect(r, "/");
	client_free(c);
	c = client_new();
	client_sign_in_full(c, "teacher", DEMO_PASSWORD, "http://evil.example", &r);
	expect_redirect(r, "/");

	/* every form of it, through the signed-in shortcut and /lang; all
	 * the misses are reported together */
	for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
		char *e = url_escape(evil[i]);
		const char *fmt[] = { "/login?next=%s", "/lang?to=zh&back=%s" };

		for (size_t k = 0; k < 2; k++) {
			char path[512];
			const char *loc;

			snprintf(path, sizeof path, fmt[k], e);
			http_get(c, path, &r);
			loc = response_header(&r, "Location");
			if (r.status != 303 || !loc || strcmp(loc, "/")) {
				char line[700];
				size_t had = strlen(report);

				snprintf(line, sizeof line, "GET %s: %ld to \"%s\"\n", path, r.status, loc ? loc : "");
				if (had + strlen(line) < sizeof report)
					memcpy(report + had, line, strlen(line) + 1);
			}
		}
		free(e);
	}
	if (*report)
		fail_msg("open redirects (a browser drops tabs and newlines in a URL):\n%s", report);
	response_free(&r);
	client_free(c);
}

static void language_switch(void **state)
{
	struct client *c = client_as("teacher"), *anon = client_new();
	struct response r = { 0 };
	const char *set;

	(void)state;
	http_get(c, "/", &r);
	expect_contains(r, "退出");
	expect_contains(r, "lang=\"zh-CN\"");

	http_get(c, "/lang?to=en&back=/", &r);
	expect_redirect(r, "/");
	set = response_set_cookie(&r, "tdc_lang");
	assert_non_null(set);
	assert_non_null(strstr(set, "tdc_lang=en"));
	http_get(c, "/", &r);
	expect_status(r, 200);
	expect_contains(r, "Sign out");
	expect_contains(r, "<html lang=\"en\"");
	expect_lacks(r, "退出");

	http_get(c, "/lang?to=zh&back=/", &r);
	expect_redirect(r, "/");
	http_get(c, "/", &r);
	expect_contains(r, "退出");
	expect_contains(r, "<html lang=\"zh-CN\"");
	expect_lacks(r, "Sign out");

	/* anonymous visitors switch by the cookie alone */
	http_get(anon, "/lang?to=en&back=/login", &r);
	expect_redirect(r, "/login");
	http_get(anon, "/login", &r);
	expect_contains(r, "<html lang=\"en\"");
	expect_contains(r, "Sign in");
	http_get(anon, "/lang?to=zh&back=/login", &r);
	http_get(anon, "/login", &r);
	expect_contains(r, "<html lang=\"zh-CN\"");

	response_free(&r);
	client_free(c);
	client_free(anon);
}

static void disabled_account_is_out_at_once(void **state)
{
	struct client *c;
	struct response r = { 0 };
	struct cli_result res;

	(void)state;
	make_account("signin-temp", "evaluator", NULL, "temp-pass-1");
	c = client_new();
	if (client_sign_in_full(c, "signin-temp", "temp-pass-1", NULL, &r) != 303)
		fail_msg("the new account cannot sign in: %ld", r.status);
	http_get(c, "/", &r);
	expect_status(r, 200);
	http_get(c, "/api/v1/me", &r);
	expect_status(r, 200);

	assert_int_equal(tdc_cli(&res, NULL, "user", "disable", "signin-temp", "--db", harness_db(),
				 (char *)NULL), 0);
	cli_result_free(&res);

	http_get(c, "/", &r);
	expect_redirect(r, "/login");
	http_get(c, "/api/v1/me", &r);
	expect_status(r, 401);

	/* and it cannot sign in again, with a page that says why */
	client_sign_in_full(c, "signin-temp", "temp-pass-1", NULL, &r);
	expect_status(r, 401);
	expect_contains(r, "已停用");
	assert_null(response_set_cookie(&r, "tdc_session"));

	response_free(&r);
	client_free(c);
	db_forget_sign_in_failures();
}

/* A session ends after its idle time, and at its absolute limit. */
static void idle_and_expired_sessions_end(void **state)
{
	struct client *idle = client_as("bureau"), *old = client_as("bureau");
	struct response r = { 0 };
	int64_t idle_id, old_id;

	(void)state;
	/* tell the two sessions apart by the rows they were given */
	idle_id = db_int("SELECT max(id) FROM sessions") - 1;
	old_id = idle_id + 1;
	assert_int_equal(db_exec("UPDATE sessions SET last_seen = '2000-01-01T00:00:00Z' WHERE id = %lld",
				 (long long)idle_id), 0);
	assert_int_equal(db_exec("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z' WHERE id = %lld",
				 (long long)old_id), 0);
	http_get(idle, "/", &r);
	expect_redirect(r, "/login");
	http_get(old, "/", &r);
	expect_redirect(r, "/login");
	http_get(old, "/api/v1/me", &r);
	expect_status(r, 401);
	response_free(&r);
	client_free(idle);
	client_free(old);
}

/* "This account is disabled" is for the one who knows its password: to
 * anybody else a disabled account looks like any wrong password, or the
 * page tells strangers which logins exist. */
static void disabled_account_with_a_wrong_password_says_no_more(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	struct cli_result res;

	(void)state;
	make_account("signin-gone", "evaluator", NULL, "gone-pass-1");
	assert_int_equal(tdc_cli(&res, NULL, "user", "disable", "signin-gone", "--db", harness_db(),
				 (char *)NULL), 0);
	cli_result_free(&res);
	client_sign_in_full(c, "signin-gone", "a-wrong-guess", NULL, &r);
	expect_status(r, 401);
	if (response_contains(&r, "已停用"))
		fail_msg("a wrong password for a disabled account gets \"该账号已停用\": the page tells a "
			 "stranger the login exists and is disabled");
	expect_contains(r, "账号或密码不正确");
	response_free(&r);
	client_free(c);
	db_forget_sign_in_failures();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signin_every_role),
		cmocka_unit_test(wrong_password_is_401),
		cmocka_unit_test(unknown_login_is_401),
		cmocka_unit_test(anonymous_home_goes_to_login),
		cmocka_unit_test(signout_ends_the_session),
		cmocka_unit_test(next_is_honoured_for_a_local_path),
		cmocka_unit_test(next_is_ignored_for_another_site),
		cmocka_unit_test(language_switch),
		cmocka_unit_test(disabled_account_is_out_at_once),
		cmocka_unit_test(idle_and_expired_sessions_end),
		cmocka_unit_test(disabled_account_with_a_wrong_password_says_no_more),
		cmocka_unit_test(harness_test_server_stops), /* last */
	};

	return cmocka_run_group_tests_name("signin", tests, harness_group_setup, harness_group_teardown);
}
