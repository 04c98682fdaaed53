/* test_throttle.c - sign-in throttling: five failures for a login, or from
 * an address, within 15 minutes lock further attempts.
 *
 * Its own server and database: every test comes from 127.0.0.1, so the
 * address lock this provokes would refuse the other programs' sign-ins. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

static struct client *before_lock; /* signed in before the failures */

static void five_failures_lock_the_login(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };

	(void)state;
	before_lock = client_as("admin");
	for (int i = 1; i <= 5; i++) {
		client_sign_in_full(c, "teacher", "wrong-password", NULL, &r);
		if (r.status != 401)
			fail_msg("wrong password #%d: status %ld, expected 401", i, r.status);
	}
	assert_int_equal(db_int("SELECT count(*) FROM login_attempts WHERE login = 'teacher' AND ok = 0"), 5);

	/* the sixth, even with the right password, is refused */
	client_sign_in_full(c, "teacher", DEMO_PASSWORD, NULL, &r);
	expect_status(r, 429);
	expect_contains(r, "分钟");
	expect_contains(r, "15 分钟");
	assert_null(response_set_cookie(&r, "tdc_session"));
	/* and the form is still there to try again later */
	expect_contains(r, "action=\"/login\"");
	http_get(c, "/", &r);
	expect_redirect(r, "/login");

	response_free(&r);
	client_free(c);
}

static void the_address_is_locked_too(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };

	(void)state;
	/* another login, right password, same address */
	client_sign_in_full(c, "school", DEMO_PASSWORD, NULL, &r);
	expect_status(r, 429);
	expect_contains(r, "分钟");
	assert_null(response_set_cookie(&r, "tdc_session"));

	/* in English too */
	http_get(c, "/lang?to=en&back=/login", &r);
	client_sign_in_full(c, "school", DEMO_PASSWORD, NULL, &r);
	expect_status(r, 429);
	expect_contains(r, "minutes");

	response_free(&r);
	client_free(c);
}

static void sessions_and_tokens_are_not_locked(void **state)
{
	struct response r = { 0 };
	struct cli_result res;
	struct client *api = client_new();
	char auth[128];
	const char *h[] = { auth, NULL };

	(void)state;
	assert_non_null(before_lock);
	http_get(before_lock, "/", &r);
	expect_status(r, 200);

	assert_int_equal(tdc_cli(&res, NULL, "token", "add", "school", "--db", harness_db(), (char *)NULL), 0);
	res.out[strcspn(res.out, "\n")] = '\0';
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", res.out);
	cli_result_free(&res);
	http_get_with(api, "/api/v1/me", h, &r);
	expect_status(r, 200);
	expect_contains(r, "\"school\"");

	response_free(&r);
	client_free(api);
	client_free(before_lock);
	before_lock = NULL;
}

static void the_lock_ends(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };

	(void)state;
	/* 31 minutes later, as far as the server can tell */
	assert_int_equal(db_exec("UPDATE login_attempts SET at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ',"
				 " 'now', '-31 minutes')"), 0);
	client_sign_in_full(c, "teacher", DEMO_PASSWORD, NULL, &r);
	expect_redirect(r, "/");
	response_free(&r);
	client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(five_failures_lock_the_login),
		cmocka_unit_test(the_address_is_locked_too),
		cmocka_unit_test(sessions_and_tokens_are_not_locked),
		cmocka_unit_test(the_lock_ends),
		cmocka_unit_test(harness_test_server_stops), /* last */
	};

	return cmocka_run_group_tests_name("throttle", tests, harness_group_setup, harness_group_teardown);
}
