/* test_tokens.c - API tokens: 'tdc token add', Bearer on /api/v1/me,
 * expiry, revocation, malformed headers, and bearer requests without CSRF. */
#include "harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

/* A new token for login, from the CLI; malloc'd. */
static char *token_for(const char *login)
{
	struct cli_result res;
	char *token;

	if (tdc_cli(&res, NULL, "token", "add", login, "--db", harness_db(), (char *)NULL) != 0)
		fail_msg("tdc token add %s: status %d: %s", login, res.status, res.err);
	res.out[strcspn(res.out, "\r\n")] = '\0';
	token = strdup(res.out);
	cli_result_free(&res);
	if (strlen(token) != 47 || strncmp(token, "tdc_", 4))
		fail_msg("tdc token add printed '%s', not a tdc_ token of 47 characters", token);
	return token;
}

static long get_with_auth(struct client *c, const char *path, const char *authorization, struct response *r)
{
	char line[512];
	const char *h[] = { line, NULL };

	snprintf(line, sizeof line, "Authorization: %s", authorization);
	return http_get_with(c, path, h, r);
}

static long get_bearer(struct client *c, const char *path, const char *token, struct response *r)
{
	char auth[256];

	snprintf(auth, sizeof auth, "Bearer %s", token);
	return get_with_auth(c, path, auth, r);
}

static json_t *json_of(const struct response *r)
{
	json_error_t e;
	json_t *doc;
	const char *ct = response_header(r, "Content-Type");

	if (!ct || strncmp(ct, "application/json", 16))
		fail_msg("Content-Type %s, expected application/json", ct ? ct : "(none)");
	doc = json_loads(r->body, 0, &e);
	if (!doc)
		fail_msg("not JSON (%s): %.300s", e.text, r->body);
	return doc;
}

static const char *json_str(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A 401 with the JSON error code given and a WWW-Authenticate header. */
static void expect_api_401(const struct response *r, const char *code)
{
	json_t *doc, *err;

	expect_status(*r, 401);
	assert_non_null(response_header(r, "WWW-Authenticate"));
	doc = json_of(r);
	err = json_object_get(doc, "error");
	assert_true(json_is_object(err));
	if (!json_str(err, "code") || strcmp(json_str(err, "code"), code))
		fail_msg("error code %s, expected %s", json_str(err, "code") ? json_str(err, "code") : "(none)", code);
	assert_non_null(json_str(err, "message"));
	json_decref(doc);
}

static void bearer_me_teacher(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	char *token = token_for("teacher"), *name;
	json_t *doc;

	(void)state;
	get_bearer(c, "/api/v1/me", token, &r);
	expect_status(r, 200);
	doc = json_of(&r);
	assert_string_equal(json_str(doc, "login"), "teacher");
	assert_string_equal(json_str(doc, "role"), "teacher");
	name = db_text("SELECT display_name FROM accounts WHERE login = 'teacher'");
	assert_non_null(json_str(doc, "name"));
	assert_string_equal(json_str(doc, "name"), name);
	free(name);
	json_decref(doc);

	/* a token sets no cookie: no session is made for it */
	assert_null(response_set_cookie(&r, "tdc_session"));
	/* the scheme's name is case-insensitive */
	{
		char auth[128];

		snprintf(auth, sizeof auth, "bearer %s", token);
		get_with_auth(c, "/api/v1/me", auth, &r);
		expect_status(r, 200);
	}
	/* stored by its hash; only the prefix names it */
	assert_int_equal(db_int("SELECT count(*) FROM api_tokens WHERE prefix = substr(%Q, 1, 12)", token), 1);

	response_free(&r);
	free(token);
	client_free(c);
}

static void bearer_me_school_admin_scope(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	char *token = token_for("school");
	char *scope = db_text("SELECT scope FROM accounts WHERE login = 'school'");
	json_t *doc;

	(void)state;
	assert_non_null(scope);
	assert_int_equal(db_int("SELECT count(*) FROM schools WHERE code = %Q", scope), 1);
	get_bearer(c, "/api/v1/me", token, &r);
	expect_status(r, 200);
	doc = json_of(&r);
	assert_string_equal(json_str(doc, "login"), "school");
	assert_string_equal(json_str(doc, "role"), "school_admin");
	assert_non_null(json_str(doc, "scope"));
	assert_string_equal(json_str(doc, "scope"), scope);
	json_decref(doc);
	response_free(&r);
	free(scope);
	free(token);
	client_free(c);
}

static void session_me_and_anonymous_me(void **state)
{
	struct client *c = client_as("centre"), *anon = client_new();
	struct response r = { 0 };
	json_t *doc;

	(void)state;
	http_get(c, "/api/v1/me", &r);
	expect_status(r, 200);
	doc = json_of(&r);
	assert_string_equal(json_str(doc, "login"), "centre");
	assert_string_equal(json_str(doc, "role"), "centre_admin");
	json_decref(doc);

	http_get(anon, "/api/v1/me", &r);
	expect_api_401(&r, "unauthorised");
	response_free(&r);
	client_free(c);
	client_free(anon);
}

static void expired_token_is_401(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	char *token = token_for("teacher");

	(void)state;
	get_bearer(c, "/api/v1/me", token, &r);
	expect_status(r, 200);
	assert_int_equal(db_exec("UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00Z'"
				 " WHERE prefix = substr(%Q, 1, 12)", token), 0);
	get_bearer(c, "/api/v1/me", token, &r);
	expect_api_401(&r, "invalid_token");
	{
		const char *www = response_header(&r, "WWW-Authenticate");

		assert_non_null(strstr(www, "invalid_token"));
	}
	response_free(&r);
	free(token);
	client_free(c);
}

static void revoked_token_is_401(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	struct cli_result res;
	char *token = token_for("teacher");

	(void)state;
	get_bearer(c, "/api/v1/me", token, &r);
	expect_status(r, 200);
	assert_int_equal(tdc_cli(&res, NULL, "token", "revoke", token, "--db", harness_db(), (char *)NULL), 0);
	cli_result_free(&res);
	get_bearer(c, "/api/v1/me", token, &r);
	expect_api_401(&r, "invalid_token");
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'token.revoke'"), 1);

	/* revoking what is not a token says so */
	assert_int_equal(tdc_cli(&res, NULL, "token", "revoke", "tdc_nonsense", "--db", harness_db(),
				 (char *)NULL), 1);
	assert_true(strlen(res.err) > 0);
	cli_result_free(&res);
	response_free(&r);
	free(token);
	client_free(c);
}

static void malformed_authorization_is_401(void **state)
{
	static const char *const bad[] = {
		"Bearer abc",
		"Bearer tdc_short",
		"Basic xyz",
		"Basic dGVhY2hlcjp0ZGMtZGVtbw==", /* teacher:tdc-demo */
		"Bearer ",
		"Bearer tdc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* right shape, unknown */
		"Bearer  tdc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"tdc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	struct client *c = client_new();
	struct response r = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		get_with_auth(c, "/api/v1/me", bad[i], &r);
		if (r.status != 401)
			fail_msg("Authorization: %s: status %ld, expected 401", bad[i], r.status);
		expect_api_401(&r, "invalid_token");
	}
	/* a bad token is refused even where nobody needs to sign in, so a
	 * script never takes an anonymous answer for its own */
	get_with_auth(c, "/", "Bearer abc", &r);
	expect_status(r, 401);
	response_free(&r);
	client_free(c);
}

/* A bearer token on a page that changes state needs no CSRF token: a
 * browser never sends one by itself. */
static void bearer_post_needs_no_csrf(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	char *token = token_for("admin"), auth[128];
	const char *h[] = { auth, NULL };

	(void)state;
	make_account("token-victim", "evaluator", NULL, "victim-pass-1");
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	http_request(c, "POST", "/admin/accounts/token-victim/sessions/revoke", h, "", 0, &r);
	expect_redirect(r, "/admin/accounts?done=revoked");
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'account.sessions_revoke'"
				" AND object = 'account:token-victim' AND actor = 'admin'"), 1);

	/* and a token of a role without the permission still gets 403 */
	{
		char *t2 = token_for("teacher");

		snprintf(auth, sizeof auth, "Authorization: Bearer %s", t2);
		http_request(c, "POST", "/admin/accounts/token-victim/disable", h, "", 0, &r);
		expect_status(r, 403);
		assert_int_equal(db_int("SELECT disabled FROM accounts WHERE login = 'token-victim'"), 0);
		free(t2);
	}
	response_free(&r);
	free(token);
	client_free(c);
}

static void disabled_account_token_is_401(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	struct cli_result res;
	char *token;

	(void)state;
	make_account("token-temp", "evaluator", NULL, "temp-pass-1");
	token = token_for("token-temp");
	get_bearer(c, "/api/v1/me", token, &r);
	expect_status(r, 200);
	assert_int_equal(tdc_cli(&res, NULL, "user", "disable", "token-temp", "--db", harness_db(), (char *)NULL), 0);
	cli_result_free(&res);
	get_bearer(c, "/api/v1/me", token, &r);
	expect_api_401(&r, "invalid_token");
	/* enabling the account does not bring its old tokens back */
	assert_int_equal(tdc_cli(&res, NULL, "user", "enable", "token-temp", "--db", harness_db(), (char *)NULL), 0);
	cli_result_free(&res);
	get_bearer(c, "/api/v1/me", token, &r);
	expect_api_401(&r, "invalid_token");

	/* a disabled account gets no new token */
	assert_int_equal(tdc_cli(&res, NULL, "user", "disable", "token-temp", "--db", harness_db(), (char *)NULL), 0);
	cli_result_free(&res);
	assert_int_equal(tdc_cli(&res, NULL, "token", "add", "token-temp", "--db", harness_db(), (char *)NULL), 1);
	assert_non_null(strstr(res.err, "disabled"));
	cli_result_free(&res);
	response_free(&r);
	free(token);
	client_free(c);
}

/* account.h: a new password ends the account's sessions and API tokens. */
static void password_reset_ends_tokens(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	struct cli_result res;
	char *token;

	(void)state;
	make_account("token-pw", "evaluator", NULL, "first-pass-1");
	token = token_for("token-pw");
	get_bearer(c, "/api/v1/me", token, &r);
	expect_status(r, 200);
	assert_int_equal(tdc_cli(&res, "second-pass-2\n", "user", "password", "token-pw", "--password-stdin",
				 "--db", harness_db(), (char *)NULL), 0);
	cli_result_free(&res);
	get_bearer(c, "/api/v1/me", token, &r);
	if (r.status != 401)
		fail_msg("a token made before the password was reset still answers %ld "
			 "(account.h: a new password ends the account's sessions and API tokens)", r.status);
	expect_api_401(&r, "invalid_token");
	response_free(&r);
	free(token);
	client_free(c);
}

static void token_add_for_nobody_fails(void **state)
{
	struct cli_result res;

	(void)state;
	assert_int_equal(tdc_cli(&res, NULL, "token", "add", "nosuchuser", "--db", harness_db(), (char *)NULL), 1);
	assert_string_equal(res.out, "");
	assert_non_null(strstr(res.err, "nosuchuser"));
	cli_result_free(&res);

	/* wrong usage is status 2 */
	assert_int_equal(tdc_cli(&res, NULL, "token", "add", "teacher", "--days", "0", "--db", harness_db(),
				 (char *)NULL), 2);
	cli_result_free(&res);
	assert_int_equal(tdc_cli(&res, NULL, "token", "add", "--db", harness_db(), (char *)NULL), 2);
	cli_result_free(&res);
}

static void token_days_sets_the_expiry(void **state)
{
	struct cli_result res;
	char *token;

	(void)state;
	assert_int_equal(tdc_cli(&res, NULL, "token", "add", "bureau", "--days", "2", "--db", harness_db(),
				 (char *)NULL), 0);
	res.out[strcspn(res.out, "\n")] = '\0';
	token = strdup(res.out);
	cli_result_free(&res);
	/* expires between 1.9 and 2.1 days from now */
	assert_int_equal(db_int("SELECT julianday(expires_at) - julianday('now') BETWEEN 1.9 AND 2.1"
				" FROM api_tokens WHERE prefix = substr(%Q, 1, 12)", token), 1);
	free(token);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bearer_me_teacher),
		cmocka_unit_test(bearer_me_school_admin_scope),
		cmocka_unit_test(session_me_and_anonymous_me),
		cmocka_unit_test(expired_token_is_401),
		cmocka_unit_test(revoked_token_is_401),
		cmocka_unit_test(malformed_authorization_is_401),
		cmocka_unit_test(bearer_post_needs_no_csrf),
		cmocka_unit_test(disabled_account_token_is_401),
		cmocka_unit_test(password_reset_ends_tokens),
		cmocka_unit_test(token_add_for_nobody_fails),
		cmocka_unit_test(token_days_sets_the_expiry),
		cmocka_unit_test(harness_test_server_stops), /* last */
	};

	return cmocka_run_group_tests_name("tokens", tests, harness_group_setup, harness_group_teardown);
}
