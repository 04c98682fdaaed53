/* test_csrf.c - every state-changing form needs the session's CSRF token:
 * without it, or with a wrong one, the answer is 403 and nothing changes. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

/* A token of the right shape that is not this session's. */
static const char WRONG[] = "0000000000000000000000000000000000000000000000000000000000000000";

static bool user_listed(const char *login)
{
	struct cli_result res;
	bool found = false;

	if (tdc_cli(&res, NULL, "user", "list", "--db", harness_db(), (char *)NULL) != 0)
		fail_msg("tdc user list: %d %s", res.status, res.err);
	for (char *line = strtok(res.out, "\n"); line; line = strtok(NULL, "\n")) {
		size_t n = strlen(login);

		if (!strncmp(line, login, n) && line[n] == ' ')
			found = true;
	}
	cli_result_free(&res);
	return found;
}

static void logout_needs_the_token(void **state)
{
	struct client *c = client_as("teacher");
	struct response r = { 0 };
	char *body;

	(void)state;
	http_post_form(c, "/logout", "", &r);
	expect_status(r, 403);
	expect_contains(r, "表单已过期");
	assert_null(response_set_cookie(&r, "tdc_session"));
	http_get(c, "/", &r);
	expect_status(r, 200); /* still signed in */

	body = form_encode("csrf", WRONG, (char *)NULL);
	http_post_form(c, "/logout", body, &r);
	free(body);
	expect_status(r, 403);
	http_get(c, "/", &r);
	expect_status(r, 200);

	/* another session's token is wrong too */
	{
		struct client *other = client_as("teacher");

		body = form_encode("csrf", other->csrf, (char *)NULL);
		assert_string_not_equal(other->csrf, c->csrf);
		http_post_form(c, "/logout", body, &r);
		free(body);
		expect_status(r, 403);
		client_free(other);
	}
	http_get(c, "/", &r);
	expect_status(r, 200);

	body = form_encode("csrf", c->csrf, (char *)NULL);
	http_post_form(c, "/logout", body, &r);
	free(body);
	expect_redirect(r, "/login?bye=1");
	http_get(c, "/", &r);
	expect_redirect(r, "/login");
	response_free(&r);
	client_free(c);
}

static void account_create_needs_the_token(void **state)
{
	struct client *c = client_as("admin");
	struct response r = { 0 };
	long long audit_before = db_int("SELECT count(*) FROM audit_log WHERE action = 'account.create'");
	const char *tokens[] = { NULL, "", WRONG, "x" };
	char *body;

	(void)state;
	for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
		body = form_encode("login", "csrf-new", "display_name", "CSRF test", "role", "evaluator",
				   "password", "csrf-pass-1", "csrf", tokens[i], (char *)NULL);
		http_post_form(c, "/admin/accounts", body, &r);
		free(body);
		if (r.status != 403)
			fail_msg("POST /admin/accounts with csrf %s: status %ld, expected 403",
				 tokens[i] ? tokens[i] : "(none)", r.status);
		assert_false(user_listed("csrf-new"));
	}
	assert_int_equal(db_int("SELECT count(*) FROM accounts WHERE login = 'csrf-new'"), 0);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'account.create'"), audit_before);

	body = form_encode("login", "csrf-new", "display_name", "CSRF test", "role", "evaluator",
			   "password", "csrf-pass-1", "csrf", c->csrf, (char *)NULL);
	http_post_form(c, "/admin/accounts", body, &r);
	free(body);
	expect_redirect(r, "/admin/accounts?done=created");
	assert_true(user_listed("csrf-new"));
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'account.create'"), audit_before + 1);

	http_get(c, "/admin/audit", &r);
	expect_status(r, 200);
	expect_contains(r, "account.create");
	expect_contains(r, "account:csrf-new");
	response_free(&r);
	client_free(c);
}

static void account_disable_needs_the_token(void **state)
{
	struct client *c = client_as("admin");
	struct response r = { 0 };
	char *body;

	(void)state;
	make_account("csrf-victim", "evaluator", NULL, "victim-pass-1");
	http_post_form(c, "/admin/accounts/csrf-victim/disable", NULL, &r);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT disabled FROM accounts WHERE login = 'csrf-victim'"), 0);

	body = form_encode("csrf", WRONG, (char *)NULL);
	http_post_form(c, "/admin/accounts/csrf-victim/disable", body, &r);
	free(body);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT disabled FROM accounts WHERE login = 'csrf-victim'"), 0);

	/* the pre-session's token (from the sign-in page) is not the session's */
	{
		struct client *anon = client_new();

		client_refresh_csrf(anon, "/login");
		assert_true(*anon->csrf);
		body = form_encode("csrf", anon->csrf, (char *)NULL);
		http_post_form(c, "/admin/accounts/csrf-victim/disable", body, &r);
		free(body);
		expect_status(r, 403);
		client_free(anon);
	}
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'account.disable'"
				" AND object = 'account:csrf-victim'"), 0);

	body = form_encode("csrf", c->csrf, (char *)NULL);
	http_post_form(c, "/admin/accounts/csrf-victim/disable", body, &r);
	free(body);
	expect_redirect(r, "/admin/accounts?done=disabled");
	assert_int_equal(db_int("SELECT disabled FROM accounts WHERE login = 'csrf-victim'"), 1);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'account.disable'"
				" AND object = 'account:csrf-victim'"), 1);
	response_free(&r);
	client_free(c);
}

/* Scripts using the session send the token in X-CSRF-Token. */
static void token_in_a_header(void **state)
{
	struct client *c = client_as("admin");
	struct response r = { 0 };
	char hdr[256];
	const char *h[] = { hdr, NULL };

	(void)state;
	snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s", WRONG);
	http_request(c, "POST", "/admin/accounts/csrf-victim/enable", h, "", 0, &r);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT disabled FROM accounts WHERE login = 'csrf-victim'"), 1);

	snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s", c->csrf);
	http_request(c, "POST", "/admin/accounts/csrf-victim/enable", h, "", 0, &r);
	expect_redirect(r, "/admin/accounts?done=enabled");
	assert_int_equal(db_int("SELECT disabled FROM accounts WHERE login = 'csrf-victim'"), 0);
	response_free(&r);
	client_free(c);
}

static void login_needs_the_token(void **state)
{
	struct client *c = client_new(), *other = client_new();
	struct response r = { 0 };
	char *body;

	(void)state;
	client_refresh_csrf(c, "/login");
	assert_true(*c->csrf);

	body = form_encode("login", "teacher", "password", DEMO_PASSWORD, (char *)NULL);
	http_post_form(c, "/login", body, &r);
	free(body);
	expect_status(r, 403);
	assert_null(response_set_cookie(&r, "tdc_session"));

	body = form_encode("login", "teacher", "password", DEMO_PASSWORD, "csrf", WRONG, (char *)NULL);
	http_post_form(c, "/login", body, &r);
	free(body);
	expect_status(r, 403);
	assert_null(response_set_cookie(&r, "tdc_session"));

	/* a token from another browser's sign-in page */
	client_refresh_csrf(other, "/login");
	body = form_encode("login", "teacher", "password", DEMO_PASSWORD, "csrf", other->csrf, (char *)NULL);
	http_post_form(c, "/login", body, &r);
	free(body);
	expect_status(r, 403);
	assert_null(response_set_cookie(&r, "tdc_session"));

	/* no sign-in attempt was even counted */
	assert_int_equal(db_int("SELECT count(*) FROM login_attempts WHERE ok = 0"), 0);

	body = form_encode("login", "teacher", "password", DEMO_PASSWORD, "csrf", c->csrf, (char *)NULL);
	http_post_form(c, "/login", body, &r);
	free(body);
	expect_redirect(r, "/");
	response_free(&r);
	client_free(c);
	client_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(logout_needs_the_token),
		cmocka_unit_test(account_create_needs_the_token),
		cmocka_unit_test(account_disable_needs_the_token),
		cmocka_unit_test(token_in_a_header),
		cmocka_unit_test(login_needs_the_token),
		cmocka_unit_test(harness_test_server_stops), /* last */
	};

	return cmocka_run_group_tests_name("csrf", tests, harness_group_setup, harness_group_teardown);
}
