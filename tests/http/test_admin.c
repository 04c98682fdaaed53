/* test_admin.c - the system admin's accounts pages: create, bad input,
 * reset a password, disable and enable, end sessions, and the audit log. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#define NEW_LOGIN "sa-new"
#define NEW_PASSWORD "first-pass-1"
#define RESET_PASSWORD "second-pass-2"

static struct client *admin;
static char *school_code;       /* a real school, not the demo school admin's */

static int setup(void **state)
{
	return harness_group_setup(state);
}

static int teardown(void **state)
{
	client_free(admin);
	free(school_code);
	return harness_group_teardown(state);
}

static struct client *the_admin(void)
{
	if (!admin)
		admin = client_as("admin");
	return admin;
}

static long post_as_admin(const char *path, const char *form_without_csrf, struct response *r)
{
	struct client *c = the_admin();
	char *csrf = url_escape(c->csrf), *body;
	long status;
	size_t n = strlen(form_without_csrf) + strlen(csrf) + 8;

	body = malloc(n);
	assert_non_null(body);
	snprintf(body, n, "%s%scsrf=%s", form_without_csrf, *form_without_csrf ? "&" : "", csrf);
	status = http_post_form(c, path, body, r);
	free(body);
	free(csrf);
	return status;
}

static void accounts_pages_list_and_form(void **state)
{
	struct response r = { 0 };
	struct client *c = the_admin();

	(void)state;
	http_get(c, "/admin/accounts", &r);
	expect_status(r, 200);
	for (size_t i = 0; i < demo_account_count; i++) {
		char code[96];

		snprintf(code, sizeof code, "<code>%s</code>", demo_accounts[i].login);
		expect_contains(r, code);
	}
	expect_contains(r, "action=\"/admin/accounts/teacher/disable\"");
	/* the filter by role */
	http_get(c, "/admin/accounts?role=teacher", &r);
	expect_status(r, 200);
	expect_contains(r, "<code>teacher</code>");
	expect_lacks(r, "<code>admin</code>");

	http_get(c, "/admin/accounts/new", &r);
	expect_status(r, 200);
	expect_contains(r, "action=\"/admin/accounts\"");
	expect_contains(r, "name=\"login\"");
	expect_contains(r, "name=\"scope\"");
	expect_contains(r, "name=\"password\"");
	expect_contains(r, "value=\"school_admin\"");
	response_free(&r);
}

static void create_school_admin(void **state)
{
	struct response r = { 0 };
	struct client *c;
	char *form, *name;

	(void)state;
	school_code = db_text("SELECT code FROM schools WHERE code <> (SELECT scope FROM accounts"
			      " WHERE login = 'school') ORDER BY code LIMIT 1");
	assert_non_null(school_code);
	name = db_text("SELECT name FROM schools WHERE code = %Q", school_code);
	assert_non_null(name);

	form = form_encode("login", NEW_LOGIN, "display_name", "新校管理员", "role", "school_admin",
			   "scope", school_code, "person", "", "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_redirect(r, "/admin/accounts?done=created");
	assert_int_equal(db_int("SELECT count(*) FROM accounts WHERE login = '" NEW_LOGIN "'"
				" AND role = 'school_admin' AND scope = %Q AND disabled = 0", school_code), 1);

	http_get(the_admin(), "/admin/accounts?done=created", &r);
	expect_status(r, 200);
	expect_contains(r, "<code>" NEW_LOGIN "</code>");
	expect_contains(r, "新校管理员");

	/* the new account signs in and sees its school */
	c = client_new();
	if (client_sign_in_full(c, NEW_LOGIN, NEW_PASSWORD, NULL, &r) != 303)
		fail_msg("the new account cannot sign in: %ld", r.status);
	http_get(c, "/", &r);
	expect_status(r, 200);
	expect_contains(r, "新校管理员");
	expect_contains(r, name);
	http_get(c, "/admin/accounts", &r);
	expect_status(r, 403);
	response_free(&r);
	client_free(c);
	free(name);
}

static void bad_scope_is_422(void **state)
{
	struct response r = { 0 };
	char *form;

	(void)state;
	form = form_encode("login", "sa-bad", "role", "school_admin", "scope", "9999999999",
			   "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "9999999999");             /* the message names it */
	expect_contains(r, "class=\"notice error\"");
	expect_contains(r, "aria-invalid=\"true\"");
	/* the form comes back filled in, without the password */
	expect_contains(r, "value=\"sa-bad\"");
	expect_lacks(r, NEW_PASSWORD);
	assert_int_equal(db_int("SELECT count(*) FROM accounts WHERE login = 'sa-bad'"), 0);

	/* and the other ways to get it wrong */
	form = form_encode("login", "sa-bad", "role", "school_admin", "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_status(r, 422);
	form = form_encode("login", "Bad Login!", "role", "evaluator", "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_status(r, 422);
	form = form_encode("login", "sa-bad", "role", "emperor", "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_status(r, 422);
	form = form_encode("login", "sa-bad", "role", "evaluator", "password", "short", (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_status(r, 422);
	form = form_encode("login", "sa-bad", "role", "evaluator", "scope", school_code ? school_code : "x",
			   "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_status(r, 422); /* an evaluator takes no scope */
	assert_int_equal(db_int("SELECT count(*) FROM accounts WHERE login = 'sa-bad'"), 0);
	response_free(&r);
}

static void create_teacher_for_a_person(void **state)
{
	struct response r = { 0 };
	char *form, *id_number, *name;

	(void)state;
	id_number = db_text("SELECT id_number FROM persons WHERE id NOT IN"
			    " (SELECT person_id FROM accounts WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1");
	assert_non_null(id_number);
	name = db_text("SELECT name FROM persons WHERE id_number = %Q", id_number);

	/* a teacher account needs its person, and a real one */
	form = form_encode("login", "t-new", "role", "teacher", "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_status(r, 422);
	form = form_encode("login", "t-new", "role", "teacher", "person", "110101190001010000",
			   "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_status(r, 422);
	assert_int_equal(db_int("SELECT count(*) FROM accounts WHERE login = 't-new'"), 0);

	/* with no display name, the account takes the person's */
	form = form_encode("login", "t-new", "role", "teacher", "person", id_number,
			   "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_redirect(r, "/admin/accounts?done=created");
	assert_int_equal(db_int("SELECT count(*) FROM accounts a JOIN persons p ON p.id = a.person_id"
				" WHERE a.login = 't-new' AND p.id_number = %Q AND a.display_name = %Q",
				id_number, name), 1);
	response_free(&r);
	free(id_number);
	free(name);
}

/* What an admin types is shown as text, never run as markup. */
static void names_are_escaped(void **state)
{
	static const char evil_name[] = "<script>alert(\"tdc\")</script>&'";
	static const char evil_login[] = "\"><script>alert(1)</script>";
	struct response r = { 0 };
	char *form;

	(void)state;
	form = form_encode("login", "xss-name", "display_name", evil_name, "role", "evaluator",
			   "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_redirect(r, "/admin/accounts?done=created");
	http_get(the_admin(), "/admin/accounts", &r);
	expect_status(r, 200);
	expect_contains(r, "&lt;script&gt;alert(\"tdc\")&lt;/script&gt;&amp;'");
	expect_lacks(r, "<script>");

	/* a bad login comes back in its field, escaped */
	form = form_encode("login", evil_login, "display_name", evil_name, "role", "evaluator",
			   "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_status(r, 422);
	expect_lacks(r, "<script>");
	expect_contains(r, "&quot;&gt;&lt;script&gt;");

	/* and the audit page and a search echo it safely */
	http_get(the_admin(), "/admin/accounts?q=%3Cscript%3E", &r);
	expect_status(r, 200);
	expect_lacks(r, "<script>");
	http_get(the_admin(), "/admin/audit?actor=%22%3E%3Cscript%3E", &r);
	expect_status(r, 200);
	expect_lacks(r, "<script>");
	response_free(&r);
}

static void duplicate_login_is_409(void **state)
{
	struct response r = { 0 };
	char *form;
	long long before = db_int("SELECT count(*) FROM accounts");

	(void)state;
	form = form_encode("login", "teacher", "role", "evaluator", "password", NEW_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts", form, &r);
	free(form);
	expect_status(r, 409);
	expect_contains(r, "already exists");
	expect_contains(r, "class=\"notice error\"");
	assert_int_equal(db_int("SELECT count(*) FROM accounts"), before);
	/* the existing account is untouched */
	assert_int_equal(db_int("SELECT count(*) FROM accounts WHERE login = 'teacher' AND role = 'teacher'"), 1);
	response_free(&r);
}

static void reset_password(void **state)
{
	struct response r = { 0 };
	struct client *user = client_new(), *other = client_new();
	char *form;

	(void)state;
	if (client_sign_in_full(user, NEW_LOGIN, NEW_PASSWORD, NULL, &r) != 303)
		fail_msg("cannot sign in as %s before the reset", NEW_LOGIN);

	form = form_encode("password", "short", (char *)NULL);
	post_as_admin("/admin/accounts/" NEW_LOGIN "/password", form, &r);
	free(form);
	expect_status(r, 422);

	form = form_encode("password", RESET_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts/" NEW_LOGIN "/password", form, &r);
	free(form);
	expect_redirect(r, "/admin/accounts?done=password");

	/* whoever was signed in with the old password is out */
	http_get(user, "/", &r);
	expect_redirect(r, "/login");

	client_sign_in_full(other, NEW_LOGIN, RESET_PASSWORD, NULL, &r);
	expect_redirect(r, "/");
	client_free(other);
	other = client_new();
	client_sign_in_full(other, NEW_LOGIN, NEW_PASSWORD, NULL, &r);
	expect_status(r, 401);
	expect_contains(r, "账号或密码不正确");

	/* an account that is not there */
	form = form_encode("password", RESET_PASSWORD, (char *)NULL);
	post_as_admin("/admin/accounts/no-such-account/password", form, &r);
	free(form);
	expect_status(r, 404);
	response_free(&r);
	client_free(user);
	client_free(other);
	db_forget_sign_in_failures();
}

static void disable_and_enable(void **state)
{
	struct response r = { 0 };
	struct client *c = client_new();

	(void)state;
	post_as_admin("/admin/accounts/" NEW_LOGIN "/disable", "", &r);
	expect_redirect(r, "/admin/accounts?done=disabled");
	assert_int_equal(db_int("SELECT disabled FROM accounts WHERE login = '" NEW_LOGIN "'"), 1);
	http_get(the_admin(), "/admin/accounts?done=disabled", &r);
	expect_contains(r, "action=\"/admin/accounts/" NEW_LOGIN "/enable\"");

	client_sign_in_full(c, NEW_LOGIN, RESET_PASSWORD, NULL, &r);
	expect_status(r, 401);
	expect_contains(r, "已停用");
	assert_null(response_set_cookie(&r, "tdc_session"));

	post_as_admin("/admin/accounts/" NEW_LOGIN "/enable", "", &r);
	expect_redirect(r, "/admin/accounts?done=enabled");
	assert_int_equal(db_int("SELECT disabled FROM accounts WHERE login = '" NEW_LOGIN "'"), 0);
	client_sign_in_full(c, NEW_LOGIN, RESET_PASSWORD, NULL, &r);
	expect_redirect(r, "/");

	post_as_admin("/admin/accounts/no-such-account/disable", "", &r);
	expect_status(r, 404);
	response_free(&r);
	client_free(c);
	db_forget_sign_in_failures();
}

static void revoke_sessions(void **state)
{
	struct response r = { 0 };
	struct client *one = client_new(), *two = client_new();

	(void)state;
	if (client_sign_in_full(one, NEW_LOGIN, RESET_PASSWORD, NULL, &r) != 303 ||
	    client_sign_in_full(two, NEW_LOGIN, RESET_PASSWORD, NULL, &r) != 303)
		fail_msg("cannot sign in as %s", NEW_LOGIN);
	http_get(one, "/", &r);
	expect_status(r, 200);
	/* the list shows the live sessions and the button to end them */
	http_get(the_admin(), "/admin/accounts", &r);
	expect_contains(r, "action=\"/admin/accounts/" NEW_LOGIN "/sessions/revoke\"");

	post_as_admin("/admin/accounts/" NEW_LOGIN "/sessions/revoke", "", &r);
	expect_redirect(r, "/admin/accounts?done=revoked");
	http_get(one, "/", &r);
	expect_redirect(r, "/login");
	http_get(two, "/api/v1/me", &r);
	expect_status(r, 401);
	assert_int_equal(db_int("SELECT count(*) FROM sessions s JOIN accounts a ON a.id = s.account_id"
				" WHERE a.login = '" NEW_LOGIN "' AND s.revoked_at IS NULL"), 0);
	/* the admin's own session is not touched */
	http_get(the_admin(), "/", &r);
	expect_status(r, 200);
	response_free(&r);
	client_free(one);
	client_free(two);
}

static void audit_lists_and_filters(void **state)
{
	static const char *const actions[] = {
		"account.create", "account.password", "account.disable", "account.enable",
		"account.sessions_revoke",
	};
	struct response r = { 0 };
	struct client *c = the_admin();

	(void)state;
	http_get(c, "/admin/audit", &r);
	expect_status(r, 200);
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
		char cell[96];

		snprintf(cell, sizeof cell, "<code>%s</code>", actions[i]);
		expect_contains(r, cell);
	}
	expect_contains(r, "account:" NEW_LOGIN);
	expect_contains(r, "127.0.0.1");

	http_get(c, "/admin/audit?action=account.disable", &r);
	expect_status(r, 200);
	expect_contains(r, "<code>account.disable</code>");
	expect_contains(r, "account:" NEW_LOGIN);
	expect_lacks(r, "<code>account.enable</code>");
	expect_lacks(r, "<code>account.create</code>");
	expect_lacks(r, "<code>account.password</code>");
	/* the filter stays in its field */
	expect_contains(r, "value=\"account.disable\"");

	http_get(c, "/admin/audit?actor=admin&action=account.create", &r);
	expect_status(r, 200);
	expect_contains(r, "<code>account.create</code>");
	expect_lacks(r, "<code>account.disable</code>");

	http_get(c, "/admin/audit?action=no.such.action", &r);
	expect_status(r, 200);
	expect_lacks(r, "<code>account.");

	/* the date filters take whole days, both ends included */
	{
		char *today = db_text("SELECT strftime('%%Y-%%m-%%d', 'now')");
		char *yesterday = db_text("SELECT strftime('%%Y-%%m-%%d', 'now', '-1 day')");
		char *tomorrow = db_text("SELECT strftime('%%Y-%%m-%%d', 'now', '+1 day')");
		char path[256];

		snprintf(path, sizeof path, "/admin/audit?action=account.disable&since=%s&until=%s", today, today);
		http_get(c, path, &r);
		expect_status(r, 200);
		expect_contains(r, "<code>account.disable</code>");
		snprintf(path, sizeof path, "/admin/audit?action=account.disable&until=%s", yesterday);
		http_get(c, path, &r);
		expect_status(r, 200);
		expect_lacks(r, "<code>account.disable</code>");
		snprintf(path, sizeof path, "/admin/audit?action=account.disable&since=%s", tomorrow);
		http_get(c, path, &r);
		expect_status(r, 200);
		expect_lacks(r, "<code>account.disable</code>");
		free(today);
		free(yesterday);
		free(tomorrow);
	}

	/* nobody else reads it */
	{
		struct client *bureau = client_as("bureau");

		http_get(bureau, "/admin/audit", &r);
		expect_status(r, 403);
		client_free(bureau);
	}
	response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accounts_pages_list_and_form),
		cmocka_unit_test(create_school_admin),
		cmocka_unit_test(bad_scope_is_422),
		cmocka_unit_test(create_teacher_for_a_person),
		cmocka_unit_test(names_are_escaped),
		cmocka_unit_test(duplicate_login_is_409),
		cmocka_unit_test(reset_password),
		cmocka_unit_test(disable_and_enable),
		cmocka_unit_test(revoke_sessions),
		cmocka_unit_test(audit_lists_and_filters),
		cmocka_unit_test(harness_test_server_stops), /* last */
	};

	return cmocka_run_group_tests_name("admin", tests, setup, teardown);
}
