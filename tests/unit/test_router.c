/* test_router.c - the route table and router_dispatch() (web/router.c).
 *
 * router_match_path(): every route of the table matches its own pattern
 * (with {param} filled in), unknown paths, a trailing slash, an extra or
 * empty segment and a different case match nothing; router_body_limit().
 * router_dispatch() on hand-made requests (no libmicrohttpd connection,
 * so no cookies or headers: always anonymous) against a migrated
 * temporary database: 404, 405 with Allow, HEAD as GET, redirects to the
 * sign-in page with ?next=, 401 in JSON for the API, the health check,
 * the sign-in form carrying the request's CSRF token, 413 before anything
 * else, and 403 for a POST without its CSRF token. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "fixture.h"
#include "lib/secret.h"
#include "web/router.h"
#include "web/text.h"

struct fixture {
	struct tmpdb db;
	struct app app;
};

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || secret_init() < 0)
		return -1;
	if (fixture_db_open(&f->db, "router") < 0) {
		free(f);
		return -1;
	}
	fixture_app(&f->app, 0x42);
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	fixture_db_close(&f->db);
	free(f);
	return 0;
}

/* The pattern with each {param} replaced by a sample value. */
static void fill_pattern(const char *pattern, char *out, size_t n)
{
	size_t o = 0;

	for (const char *p = pattern; *p && o + 8 < n; p++) {
		if (*p == '{') {
			const char *close = strchr(p, '}');

			assert_non_null(close);
			memcpy(out + o, "wang.w", 6);
			o += 6;
			p = close;
			continue;
		}
		out[o++] = *p;
	}
	out[o] = '\0';
}

/* ---- the table and matching ------------------------------------------- */

static void table_is_well_formed(void **state)
{
	size_t n = 0;
	const struct route *r = router_routes(&n);

	assert_true(n >= 16);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(r[i].pattern);
		assert_int_equal(r[i].pattern[0], '/');
		assert_non_null(r[i].handler);
		assert_true(r[i].methods != 0);
		assert_true(r[i].perm < PERM__MAX);
		/* no two rows answer the same pattern and method */
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(r[i].pattern, r[j].pattern))
				assert_int_equal(r[i].methods & r[j].methods, 0);
	}
}

static void every_route_matches_its_pattern(void **state)
{
	size_t n = 0;
	const struct route *r = router_routes(&n);
	char path[256];

	for (size_t i = 0; i < n; i++) {
		const struct route *m;

		fill_pattern(r[i].pattern, path, sizeof path);
		m = router_match_path(path);
		if (!m)
			fail_msg("no route for '%s' (pattern '%s')", path, r[i].pattern);
		assert_string_equal(m->pattern, r[i].pattern);
	}
}

static void fixed_routes_match(void **state)
{
	static const char *const fixed[] = {
		"/", "/login", "/logout", "/lang", "/healthz", "/admin/accounts",
		"/admin/accounts/new", "/admin/audit", "/api/v1/me",
	};

	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		const struct route *m = router_match_path(fixed[i]);

		if (!m)
			fail_msg("no route for '%s'", fixed[i]);
		assert_string_equal(m->pattern, fixed[i]);
	}
}

static void param_routes_match(void **state)
{
	static const struct { const char *path, *pattern; } cases[] = {
		{ "/static/style.css", "/static/{name}" },
		{ "/static/favicon.svg", "/static/{name}" },
		{ "/admin/accounts/wang/disable", "/admin/accounts/{login}/disable" },
		{ "/admin/accounts/li.na-2/enable", "/admin/accounts/{login}/enable" },
		{ "/admin/accounts/x/password", "/admin/accounts/{login}/password" },
		{ "/admin/accounts/x/sessions/revoke", "/admin/accounts/{login}/sessions/revoke" },
		/* "new" is a fixed route, found first */
		{ "/admin/accounts/new", "/admin/accounts/new" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct route *m = router_match_path(cases[i].path);

		if (!m)
			fail_msg("no route for '%s'", cases[i].path);
		assert_string_equal(m->pattern, cases[i].pattern);
	}
}

static void non_routes_do_not_match(void **state)
{
	static const char *const paths[] = {
		"", "/nope", "/admin", "/api", "/api/v1", "/api/v1/", "/api/v2/me",
		/* trailing slash */
		"/login/", "/healthz/", "/admin/accounts/", "/admin/accounts/wang/disable/",
		"/api/v1/me/",
		/* extra or missing segments */
		"/api/v1/me/x", "/static/a/b", "/admin/accounts/wang", "/admin/accounts/wang/delete",
		"/admin/accounts/a/b/disable", "/admin/accounts/x/sessions", "/healthz/x",
		/* empty parameter */
		"/static/", "/admin/accounts//disable",
		/* case and near misses */
		"/LOGIN", "/Login", "/logi", "/loginx", "//login", "login",
	};

	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		const struct route *m = router_match_path(paths[i]);

		if (m)
			fail_msg("'%s' matched '%s'", paths[i], m->pattern);
	}
}

static void body_limits(void **state)
{
	size_t n = 0;
	const struct route *r = router_routes(&n);
	char path[256];

	assert_int_equal(router_body_limit(M_POST, "/login"), BODY_LIMIT);
	assert_int_equal(router_body_limit(M_POST, "/admin/accounts"), BODY_LIMIT);
	assert_int_equal(router_body_limit(M_POST, "/no/such/path"), BODY_LIMIT);
	assert_int_equal(router_body_limit(M_POST, ""), BODY_LIMIT);
	assert_true(UPLOAD_LIMIT > BODY_LIMIT);
	/* one path, two routes: only the upload takes a big body */
	assert_int_equal(router_body_limit(M_POST, "/import"), UPLOAD_LIMIT);
	assert_int_equal(router_body_limit(M_GET, "/import"), BODY_LIMIT);
	for (size_t i = 0; i < n; i++) {
		fill_pattern(r[i].pattern, path, sizeof path);
		if (router_match_path(path) != &r[i])
			continue; /* a path shared with an earlier row */
		assert_int_equal(router_body_limit(r[i].methods, path),
				 (r[i].flags & ROUTE_UPLOAD) ? UPLOAD_LIMIT : BODY_LIMIT);
	}
}

/* ---- dispatch --------------------------------------------------------- */

static struct request *dispatch(struct fixture *f, const char *method, const char *path)
{
	struct request *req = fixture_request(&f->app, f->db.s, method, path);

	assert_non_null(req);
	router_dispatch(req);
	return req;
}

static void unknown_path_is_404(void **state)
{
	struct request *req = dispatch(*state, "GET", "/no/such/page");

	assert_int_equal(req->status, 404);
	assert_non_null(strstr(req->content_type, "text/html"));
	assert_non_null(strstr(buf_cstr(&req->out), text_get(LANG_ZH, TX_ERR_404)));
	fixture_request_free(req);
}

static void unknown_api_path_is_404_json(void **state)
{
	struct request *req = dispatch(*state, "GET", "/api/v1/nothing");
	json_error_t jerr;
	json_t *doc;

	assert_int_equal(req->status, 404);
	assert_non_null(strstr(req->content_type, "application/json"));
	doc = json_loads(buf_cstr(&req->out), 0, &jerr);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "error"), "code")),
			    "not_found");
	json_decref(doc);
	fixture_request_free(req);
}

static void wrong_method_is_405_with_allow(void **state)
{
	struct request *req = dispatch(*state, "GET", "/logout");

	assert_int_equal(req->status, 405);
	assert_non_null(fixture_header(req, "Allow"));
	assert_string_equal(fixture_header(req, "Allow"), "POST");
	fixture_request_free(req);

	req = dispatch(*state, "POST", "/healthz");
	assert_int_equal(req->status, 405);
	assert_string_equal(fixture_header(req, "Allow"), "GET, HEAD");
	fixture_request_free(req);

	/* /login has a GET row and a POST row */
	req = dispatch(*state, "DELETE", "/login");
	assert_int_equal(req->status, 405);
	assert_string_equal(fixture_header(req, "Allow"), "GET, HEAD, POST");
	fixture_request_free(req);

	req = dispatch(*state, "GET", "/admin/accounts/wang/disable");
	assert_int_equal(req->status, 405);
	assert_string_equal(fixture_header(req, "Allow"), "POST");
	fixture_request_free(req);
}

static void head_is_answered_as_get(void **state)
{
	struct request *req = dispatch(*state, "HEAD", "/healthz");

	assert_int_equal(req->status, 200);
	assert_null(fixture_header(req, "Allow"));
	fixture_request_free(req);
}

static void anonymous_home_goes_to_login(void **state)
{
	struct request *req = dispatch(*state, "GET", "/");

	assert_int_equal(req->status, 303);
	assert_non_null(fixture_header(req, "Location"));
	assert_string_equal(fixture_header(req, "Location"), "/login");
	fixture_request_free(req);
}

static void anonymous_page_goes_to_login_with_next(void **state)
{
	struct request *req = dispatch(*state, "GET", "/admin/accounts");

	assert_int_equal(req->status, 303);
	assert_string_equal(fixture_header(req, "Location"), "/login?next=%2Fadmin%2Faccounts");
	fixture_request_free(req);

	req = dispatch(*state, "GET", "/admin/audit");
	assert_int_equal(req->status, 303);
	assert_string_equal(fixture_header(req, "Location"), "/login?next=%2Fadmin%2Faudit");
	fixture_request_free(req);

	/* sign-in comes before the CSRF check: an anonymous POST is sent to
	 * sign in, not told its form expired */
	req = dispatch(*state, "POST", "/logout");
	assert_int_equal(req->status, 303);
	assert_string_equal(fixture_header(req, "Location"), "/login?next=%2Flogout");
	fixture_request_free(req);
}

static void anonymous_api_is_401_json(void **state)
{
	struct request *req = dispatch(*state, "GET", "/api/v1/me");
	json_error_t jerr;
	json_t *doc, *error;

	assert_int_equal(req->status, 401);
	assert_true(req->is_api);
	assert_non_null(strstr(req->content_type, "application/json"));
	assert_null(fixture_header(req, "Location"));
	assert_non_null(fixture_header(req, "WWW-Authenticate"));
	assert_non_null(strstr(fixture_header(req, "WWW-Authenticate"), "Bearer"));
	doc = json_loads(buf_cstr(&req->out), 0, &jerr);
	if (!doc)
		fail_msg("not JSON (%s): %s", jerr.text, buf_cstr(&req->out));
	error = json_object_get(doc, "error");
	assert_true(json_is_object(error));
	assert_true(json_is_string(json_object_get(error, "code")));
	assert_true(json_is_string(json_object_get(error, "message")));
	assert_string_equal(json_string_value(json_object_get(error, "code")), "unauthorised");
	assert_true(strlen(json_string_value(json_object_get(error, "message"))) > 0);
	assert_null(json_object_get(doc, "login")); /* nothing of the handler's */
	json_decref(doc);
	fixture_request_free(req);
}

static void healthz_is_200(void **state)
{
	struct request *req = dispatch(*state, "GET", "/healthz");
	char want[64];

	assert_int_equal(req->status, 200);
	snprintf(want, sizeof want, "ok schema=%d\n", store_schema_latest());
	assert_string_equal(buf_cstr(&req->out), want);
	fixture_request_free(req);
}

static void static_assets(void **state)
{
	struct request *req = dispatch(*state, "GET", "/static/style.css");

	assert_int_equal(req->status, 200);
	assert_non_null(req->static_body);
	assert_true(req->static_len > 0);
	assert_non_null(strstr(req->content_type, "css"));
	assert_non_null(fixture_header(req, "ETag"));
	fixture_request_free(req);

	req = dispatch(*state, "GET", "/static/no-such.css");
	assert_int_equal(req->status, 404);
	assert_null(req->static_body);
	fixture_request_free(req);
}

static void login_form_carries_the_csrf_token(void **state)
{
	struct request *req = dispatch(*state, "GET", "/login");
	char want[128];

	assert_int_equal(req->status, 200);
	assert_int_equal(strlen(req->csrf), 64);
	snprintf(want, sizeof want, "name=\"csrf\" value=\"%s\"", req->csrf);
	assert_non_null(strstr(buf_cstr(&req->out), want));
	/* the anonymous caller got the pre-session cookie the token is tied to */
	assert_non_null(strstr(buf_cstr(&req->cookies), "tdc_pre="));
	fixture_request_free(req);
}

static void post_without_csrf_is_403(void **state)
{
	struct fixture *f = *state;
	struct request *req = fixture_request(&f->app, f->db.s, "POST", "/login");

	fixture_body(req, "login=root&password=secret-password");
	router_dispatch(req);
	assert_int_equal(req->status, 403);
	assert_non_null(strstr(buf_cstr(&req->out), text_get(LANG_ZH, TX_ERR_CSRF)));
	fixture_request_free(req);

	/* a wrong token is no better than none */
	req = fixture_request(&f->app, f->db.s, "POST", "/login");
	fixture_body(req, "csrf=0000000000000000000000000000000000000000000000000000000000000000"
			  "&login=root&password=secret-password");
	router_dispatch(req);
	assert_int_equal(req->status, 403);
	fixture_request_free(req);
}

static void oversized_body_is_413(void **state)
{
	struct fixture *f = *state;
	struct request *req = fixture_request(&f->app, f->db.s, "POST", "/login");

	req->body_too_large = true;
	router_dispatch(req);
	assert_int_equal(req->status, 413);
	fixture_request_free(req);

	/* the size is checked before who is calling: no redirect first */
	req = fixture_request(&f->app, f->db.s, "POST", "/admin/accounts");
	req->body_too_large = true;
	router_dispatch(req);
	assert_int_equal(req->status, 413);
	assert_null(fixture_header(req, "Location"));
	fixture_request_free(req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_is_well_formed),
		cmocka_unit_test(every_route_matches_its_pattern),
		cmocka_unit_test(fixed_routes_match),
		cmocka_unit_test(param_routes_match),
		cmocka_unit_test(non_routes_do_not_match),
		cmocka_unit_test(body_limits),
		cmocka_unit_test(unknown_path_is_404),
		cmocka_unit_test(unknown_api_path_is_404_json),
		cmocka_unit_test(wrong_method_is_405_with_allow),
		cmocka_unit_test(head_is_answered_as_get),
		cmocka_unit_test(anonymous_home_goes_to_login),
		cmocka_unit_test(anonymous_page_goes_to_login_with_next),
		cmocka_unit_test(anonymous_api_is_401_json),
		cmocka_unit_test(healthz_is_200),
		cmocka_unit_test(static_assets),
		cmocka_unit_test(login_form_carries_the_csrf_token),
		cmocka_unit_test(post_without_csrf_is_403),
		cmocka_unit_test(oversized_body_is_413),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
