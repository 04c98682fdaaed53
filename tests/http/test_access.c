/* test_access.c - who reaches what: every route of the table, anonymously
 * and as each demo role; security headers; 404, 405, 413; static assets;
 * the health check; and a graceful stop on SIGTERM. */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "web/router.h"

/* The account the {login} routes act on: a throwaway, so disabling it or
 * ending its sessions does not disturb the demo accounts. */
#define VICTIM "access-victim"

/* The public routes, by this test's own reckoning, not the table's. */
static bool is_public(const char *pattern)
{
	return !strcmp(pattern, "/login") || !strcmp(pattern, "/lang") || !strcmp(pattern, "/healthz") ||
	       !strncmp(pattern, "/static/", 8) || !strcmp(pattern, "/activate");
}

static bool starts(const char *pattern, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(pattern, prefix, n) && (!pattern[n] || pattern[n] == '/');
}

/* Only the system admin may reach the admin pages; importing, the import
 * templates and issuing activation codes are for those who change the
 * registry (issue 4); every signed-in role reaches the rest. */
static bool role_may(const char *role, int methods, const char *pattern)
{
	if (!strncmp(pattern, "/admin/", 7))
		return !strcmp(role, "sysadmin");
	if (starts(pattern, "/import") || starts(pattern, "/activation") ||
	    starts(pattern, "/api/v1/import-jobs"))
		return !strcmp(role, "sysadmin") || !strcmp(role, "school_admin") ||
		       !strcmp(role, "centre_admin");
	/* training and hours (issue 5) */
	/* issue 5 anchor: programmes */
	/* programmes (issue 5 §1): read by every role in training (not the
	 * alliance or evaluators), written by centre admins and the system
	 * admin; GET and POST share patterns, hence the methods */
	{
		static const char *const programme_routes[] = {
			"/programmes", "/programmes/new", "/programmes/{code}", "/programmes/{code}/edit",
			"/programmes/{code}/status", "/programmes/{code}/sessions",
			"/programmes/{code}/sessions/{id}/delete", "/api/v1/programmes",
			"/api/v1/programmes/{code}", NULL,
		};
		size_t len = strlen(pattern);
		bool write = !(methods & M_GET) || (len > 4 && !strcmp(pattern + len - 4, "/new")) ||
			     (len > 5 && !strcmp(pattern + len - 5, "/edit"));

		for (size_t k = 0; programme_routes[k]; k++)
			if (!strcmp(pattern, programme_routes[k]))
				return write ? !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin")
					     : strcmp(role, "alliance") && strcmp(role, "evaluator");
	}
	/* issue 5 anchor: enrolment */
	/* enrolment: the organiser sets quotas; teachers and admins enrol and
	 * withdraw; whoever reads programmes sees the lists (the rows she may) */
	if ((starts(pattern, "/programmes") || starts(pattern, "/api/v1/programmes")) &&
	    (strstr(pattern, "/enrol") || strstr(pattern, "/withdraw") || strstr(pattern, "/quotas") ||
	     !strcmp(pattern, "/programmes/mine"))) {
		bool quotas = strstr(pattern, "/quotas") != NULL;
		bool list = strlen(pattern) > 11 && !strcmp(pattern + strlen(pattern) - 11, "/enrolments");

		if (quotas)
			return !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin");
		if (list)
			return strcmp(role, "alliance") && strcmp(role, "evaluator");
		return !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin") ||
		       !strcmp(role, "school_admin") || !strcmp(role, "teacher");
	}
	/* issue 5 anchor: attendance */
	/* attendance, scores and completion: the organising centre's admin
	 * and the system admin; the QR page (also the trainer's) and the
	 * check-in are checked per session, so every role reaches them */
	if ((starts(pattern, "/programmes") || starts(pattern, "/api/v1/programmes")) &&
	    (strstr(pattern, "/attendance") || strstr(pattern, "/scores") || strstr(pattern, "/complet")))
		return !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin");
	/* issue 5 anchor: ledger */
	/* the hours ledger: read in scope by all but the alliance and the
	 * evaluator; reversed by centre admins and the system admin.  A manual
	 * entry (POST on a read pattern) is a write under /persons: the
	 * registry's rule below decides who reaches it, and "x" is 404 */
	{
		static const char *const hours_read[] = {
			"/hours/me", "/persons/{id_number}/hours", "/persons/{id_number}/hours.xlsx",
			"/persons/{id_number}/hours.csv", "/api/v1/persons/{id_number}/hours", NULL,
		};
		static const char *const hours_write[] = {
			"/hours/{record_id}/reversal", "/api/v1/hours/{record_id}/reversal", NULL,
		};

		for (int i = 0; hours_read[i]; i++)
			if (!strcmp(pattern, hours_read[i]))
				return strcmp(role, "alliance") && strcmp(role, "evaluator");
		for (int i = 0; hours_write[i]; i++)
			if (!strcmp(pattern, hours_write[i]))
				return !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin");
	}
	/* issue 5 anchor: credits */
	/* issue 6 anchor: settings */
	/* /admin/settings: the system admin's, as every /admin/ page above */
	/* issue 6 anchor: assessment */
	/* read by the admins of a scope and the bureau; recorded (the whole
	 * installation's year) by the system admin */
	if (!strcmp(pattern, "/assessment/run"))
		return !strcmp(role, "sysadmin");
	if (!strncmp(pattern, "/assessment", 11))
		return !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin") ||
		       !strcmp(role, "school_admin") || !strcmp(role, "bureau");
	/* issue 6 anchor: appraisals */
	/* appraisals and events (issue 6 §4): the registry's writers, whose
	 * person routes the registry rule decides ("x" is 404 there) */
	if (starts(pattern, "/persons") && (strstr(pattern, "/appraisals") || strstr(pattern, "/events")))
		return !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin") ||
		       !strcmp(role, "school_admin");
	/* issue 6 anchor: registration */
	/* re-registration (issue 6 §5): teachers apply, school admins
	 * review, centre admins and the system admin decide (a municipal
	 * centre is refused per page, after the {cycle} or {id}: "x" is a
	 * 400 first); 公示 and the decision page are open to every signed-in
	 * role and checked per application */
	if (starts(pattern, "/registration")) {
		if (!strcmp(pattern, "/registration/public") || strstr(pattern, "/decision"))
			return true;
		if (!strcmp(pattern, "/registration") || !strcmp(pattern, "/registration/apply") ||
		    strstr(pattern, "/withdraw"))
			return !strcmp(role, "teacher");
		if (!strcmp(pattern, "/registration/review") || strstr(pattern, "/agree") ||
		    strstr(pattern, "/return"))
			return !strcmp(role, "school_admin");
		return !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin");
	}
	/* issue 6 anchor: recognition */
	/* recognition (issue 6 §6): teachers apply and withdraw; schools and
	 * centres review; an application and its files are read by whoever
	 * reads hours (narrowed per application); the rules are read by all
	 * in training, kept by centres and the system admin.  {id} "x" is
	 * 400, not 404: not a number at all */
	if (starts(pattern, "/recognition")) {
		bool reader = strcmp(role, "alliance") && strcmp(role, "evaluator");

		if (!strcmp(pattern, "/recognition/rules"))
			return (methods & M_GET) ? reader
						 : !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin");
		if (!strcmp(pattern, "/recognition/review") || !strcmp(pattern, "/recognition/{id}/review"))
			return !strcmp(role, "school_admin") || !strcmp(role, "centre_admin");
		if (!strcmp(pattern, "/recognition/{id}") || !strcmp(pattern, "/recognition/files/{id}"))
			return reader;
		return !strcmp(role, "teacher");
	}
	/* issue 6 anchor: reports */
	/* the reports (issue 6 §7): those who read assessment results; the
	 * API also answers a teacher, with her own row */
	if (starts(pattern, "/api/v1/reports"))
		return strcmp(role, "alliance") && strcmp(role, "evaluator");
	if (starts(pattern, "/reports"))
		return !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin") ||
		       !strcmp(role, "school_admin") || !strcmp(role, "bureau");
	return true;
}

static bool is_api(const char *pattern)
{
	return !strncmp(pattern, "/api/", 5);
}

/* The registry (issue 4): every role reads it but the alliance and the
 * evaluator; the system admin and the centre and school admins change it,
 * and a school admin creates no schools. */
static bool is_registry(const char *pattern)
{
	static const char *const prefixes[] = { "/regions", "/centres", "/schools", "/persons",
						"/api/v1/schools", "/api/v1/persons" };

	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(pattern, prefixes[i], n) && (!pattern[n] || pattern[n] == '/'))
			return true;
	}
	return false;
}

static bool registry_may(const char *role, int methods, const char *pattern)
{
	size_t n = strlen(pattern);
	bool write = !(methods & M_GET) || (n > 4 && !strcmp(pattern + n - 4, "/new")) ||
		     (n > 5 && !strcmp(pattern + n - 5, "/edit"));

	if (!is_registry(pattern))
		return true;
	if (!strcmp(role, "alliance") || !strcmp(role, "evaluator"))
		return false;
	if (!write)
		return true;
	/* regions and centres are the frame of every scope: the system admin's */
	if (!strncmp(pattern, "/regions", 8) || !strncmp(pattern, "/centres", 8))
		return !strcmp(role, "sysadmin");
	if (!strcmp(role, "school_admin"))
		return strcmp(pattern, "/schools/new") && strcmp(pattern, "/schools") &&
		       strcmp(pattern, "/api/v1/schools");
	return !strcmp(role, "sysadmin") || !strcmp(role, "centre_admin");
}

/* A registry record route tried with "x": there is no such record. */
static bool not_found_is_fine(const char *pattern)
{
	/* training and hours (issue 5): add prefixes whose {x} is a record */
	static const char *const records[] = {
		/* issue 5 anchor: programmes */
		"/programmes", "/api/v1/programmes",
		/* issue 5 anchor: enrolment */
		"/programmes", "/api/v1/programmes",
		/* issue 5 anchor: attendance */
		"/checkin", "/programmes", "/api/v1/programmes",
		/* issue 5 anchor: ledger */
		"/hours", "/api/v1/hours",
		/* issue 5 anchor: credits */
		NULL,
	};

	for (size_t i = 0; records[i]; i++)
		if (starts(pattern, records[i]) && strchr(pattern, '{'))
			return true;
	return (is_registry(pattern) || starts(pattern, "/import/jobs") ||
		starts(pattern, "/api/v1/import-jobs")) && strchr(pattern, '{');
}

/* The route's pattern with its {parameters} filled in. */
static void concrete_path(const char *pattern, char *out, size_t len)
{
	size_t o = 0;

	for (const char *p = pattern; *p && o + 1 < len;) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *value = !strncmp(p, "{login}", 7) ? VICTIM :
					    !strncmp(p, "{name}", 6) ? "style.css" : "x";

			o += (size_t)snprintf(out + o, len - o, "%s", value);
			p = close ? close + 1 : p + strlen(p);
			if (o >= len)
				o = len - 1;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
}

static const char *method_of(const struct route *rt)
{
	return rt->methods & M_GET ? "GET" : rt->methods & M_POST ? "POST" :
	       rt->methods & M_PUT ? "PUT" : rt->methods & M_PATCH ? "PATCH" : "DELETE";
}

static long request_route(struct client *c, const struct route *rt, const char *path, struct response *r)
{
	const char *method = method_of(rt);
	char *body;
	long status;

	if (!strcmp(method, "GET"))
		return http_get(c, path, r);
	/* send the token so the CSRF check is never what answers */
	body = form_encode("csrf", c->csrf, (char *)NULL);
	status = http_request(c, method, path, NULL, body, strlen(body), r);
	free(body);
	return status;
}

static bool redirects_to_login(const struct response *r)
{
	const char *loc = response_header(r, "Location");

	return r->status == 303 && loc && (!strcmp(loc, "/login") || !strncmp(loc, "/login?", 7));
}

/* Appends one problem to a report. */
static void note(char **report, const char *fmt, ...)
{
	char line[512];
	size_t had = *report ? strlen(*report) : 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	*report = realloc(*report, had + strlen(line) + 2);
	assert_non_null(*report);
	memcpy(*report + had, line, strlen(line));
	(*report)[had + strlen(line)] = '\n';
	(*report)[had + strlen(line) + 1] = '\0';
}

static void the_table_marks_the_public_routes(void **state)
{
	size_t n;
	const struct route *rt = router_routes(&n);
	char *report = NULL;

	(void)state;
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		bool pub = (rt[i].flags & ROUTE_PUBLIC) != 0;

		if (pub != is_public(rt[i].pattern))
			note(&report, "%s %s is %s in the table", method_of(&rt[i]), rt[i].pattern,
			     pub ? "public" : "not public");
		if (is_api(rt[i].pattern) != ((rt[i].flags & ROUTE_API) != 0))
			note(&report, "%s %s: ROUTE_API does not match its path", method_of(&rt[i]), rt[i].pattern);
	}
	if (report)
		fail_msg("route table:\n%s", report);
}

static void anonymous_every_route(void **state)
{
	size_t n;
	const struct route *rt = router_routes(&n);
	struct client *c = client_new();
	struct response r = { 0 };
	char *report = NULL;

	(void)state;
	client_refresh_csrf(c, "/login"); /* the pre-session's token, for the POSTs */
	for (size_t i = 0; i < n; i++) {
		char path[256];

		concrete_path(rt[i].pattern, path, sizeof path);
		request_route(c, &rt[i], path, &r);
		if (is_public(rt[i].pattern)) {
			if (redirects_to_login(&r) || r.status == 403 || r.status == 404 || r.status == 405 ||
			    r.status >= 500 || (r.status == 401 && strcmp(rt[i].pattern, "/login")))
				note(&report, "anonymous %s %s: %ld, but the route is public", method_of(&rt[i]),
				     path, r.status);
		} else if (is_api(rt[i].pattern)) {
			const char *ct = response_header(&r, "Content-Type");

			if (r.status != 401 || !ct || strncmp(ct, "application/json", 16) ||
			    !response_contains(&r, "\"error\""))
				note(&report, "anonymous %s %s: %ld %s, expected a 401 JSON error", method_of(&rt[i]),
				     path, r.status, ct ? ct : "");
		} else if (!redirects_to_login(&r)) {
			const char *loc = response_header(&r, "Location");

			note(&report, "anonymous %s %s: %ld %s, expected 303 to /login", method_of(&rt[i]), path,
			     r.status, loc ? loc : "");
		}
	}
	/* the redirect remembers where the visitor was going */
	http_get(c, "/admin/accounts", &r);
	expect_redirect(r, "/login?next=%2Fadmin%2Faccounts");
	response_free(&r);
	client_free(c);
	if (report)
		fail_msg("anonymous access:\n%s", report);
}

static void every_role_every_route(void **state)
{
	size_t n;
	const struct route *rt = router_routes(&n);
	struct response r = { 0 };
	char *report = NULL;
	long long disables;

	(void)state;
	for (size_t a = 0; a < demo_account_count; a++) {
		const struct demo_account *acc = &demo_accounts[a];
		struct client *c = client_as(acc->login);
		const struct route *logout = NULL;

		for (size_t i = 0; i < n; i++) {
			char path[256];
			bool may = role_may(acc->role, rt[i].methods, rt[i].pattern) &&
				   registry_may(acc->role, rt[i].methods, rt[i].pattern);

			if (is_public(rt[i].pattern))
				continue;
			/* signing out would end the session the other routes need: last */
			if (!strcmp(rt[i].pattern, "/logout")) {
				logout = &rt[i];
				continue;
			}
			concrete_path(rt[i].pattern, path, sizeof path);
			request_route(c, &rt[i], path, &r);
			if (!may && r.status != 403)
				note(&report, "%s (%s) %s %s: %ld, expected 403", acc->login, acc->role,
				     method_of(&rt[i]), path, r.status);
			if (may && (r.status == 403 || r.status == 401 ||
				    (r.status == 404 && !not_found_is_fine(rt[i].pattern)) ||
				    r.status == 405 || r.status >= 500 || redirects_to_login(&r)))
				note(&report, "%s (%s) %s %s: %ld, but the role may", acc->login, acc->role,
				     method_of(&rt[i]), path, r.status);
			if (!may && r.status == 403 && !is_api(rt[i].pattern) && !response_contains(&r, "403"))
				note(&report, "%s %s: the 403 page does not say 403", acc->login, path);
		}
		if (logout) {
			request_route(c, logout, "/logout", &r);
			if (r.status != 303 || !redirects_to_login(&r))
				note(&report, "%s POST /logout: %ld", acc->login, r.status);
		}
		client_free(c);
	}
	/* only the admin's POSTs changed the victim: once disabled, then enabled */
	disables = db_int("SELECT count(*) FROM audit_log WHERE action = 'account.disable'"
			  " AND object = 'account:" VICTIM "'");
	if (disables != 1)
		note(&report, "%s was disabled %lld times, expected once (by admin)", VICTIM, disables);
	if (db_int("SELECT disabled FROM accounts WHERE login = '" VICTIM "'") != 0)
		note(&report, "%s is left disabled", VICTIM);
	response_free(&r);
	if (report)
		fail_msg("access by role:\n%s", report);
}

static void expect_security_headers(const struct response *r, const char *what)
{
	const char *csp = response_header(r, "Content-Security-Policy");
	const char *nosniff = response_header(r, "X-Content-Type-Options");
	const char *referrer = response_header(r, "Referrer-Policy");

	if (!csp || !strstr(csp, "default-src 'self'") || !strstr(csp, "frame-ancestors 'none'"))
		fail_msg("%s (%ld): Content-Security-Policy %s", what, r->status, csp ? csp : "(none)");
	if (!nosniff || strcmp(nosniff, "nosniff"))
		fail_msg("%s (%ld): X-Content-Type-Options %s", what, r->status, nosniff ? nosniff : "(none)");
	if (!referrer || !*referrer)
		fail_msg("%s (%ld): no Referrer-Policy", what, r->status);
}

static void security_headers_on_every_kind_of_answer(void **state)
{
	struct client *anon = client_new(), *teacher = client_as("teacher");
	struct response r = { 0 };
	const char *cc;

	(void)state;
	http_get(anon, "/login", &r);
	expect_status(r, 200);
	expect_security_headers(&r, "GET /login");
	http_get(anon, "/", &r);
	expect_status(r, 303);
	expect_security_headers(&r, "anonymous GET /");
	http_get(anon, "/api/v1/me", &r);
	expect_status(r, 401);
	expect_security_headers(&r, "anonymous GET /api/v1/me");
	http_get(anon, "/no-such-page", &r);
	expect_status(r, 404);
	expect_security_headers(&r, "GET /no-such-page");
	http_request(anon, "PUT", "/healthz", NULL, NULL, 0, &r);
	expect_status(r, 405);
	expect_security_headers(&r, "PUT /healthz");
	http_get(anon, "/static/style.css", &r);
	expect_status(r, 200);
	expect_security_headers(&r, "GET /static/style.css");

	http_get(teacher, "/", &r);
	expect_status(r, 200);
	expect_security_headers(&r, "teacher GET /");
	/* a signed-in page is never kept by a shared cache */
	cc = response_header(&r, "Cache-Control");
	if (!cc || (!strstr(cc, "no-store") && !strstr(cc, "private")))
		fail_msg("a signed-in page has Cache-Control %s", cc ? cc : "(none)");
	http_get(teacher, "/admin/audit", &r);
	expect_status(r, 403);
	expect_security_headers(&r, "teacher GET /admin/audit");
	http_get(teacher, "/api/v1/me", &r);
	expect_status(r, 200);
	expect_security_headers(&r, "teacher GET /api/v1/me");

	response_free(&r);
	client_free(anon);
	client_free(teacher);
}

static void unknown_paths_are_404(void **state)
{
	struct client *c = client_new(), *teacher = client_as("teacher");
	struct response r = { 0 };
	const char *ct;
	json_t *doc, *err;
	json_error_t e;

	(void)state;
	http_get(c, "/no/such/page", &r);
	expect_status(r, 404);
	ct = response_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "text/html"));
	expect_contains(r, "<html");

	http_get(c, "/api/v1/nothing", &r);
	expect_status(r, 404);
	ct = response_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "application/json"));
	doc = json_loads(r.body, 0, &e);
	if (!doc)
		fail_msg("404 under /api/ is not JSON: %.200s", r.body);
	err = json_object_get(doc, "error");
	assert_true(json_is_object(err));
	assert_true(json_is_string(json_object_get(err, "code")));
	assert_string_equal(json_string_value(json_object_get(err, "code")), "not_found");
	assert_true(json_is_string(json_object_get(err, "message")));
	json_decref(doc);

	/* signed in, the same */
	http_get(teacher, "/api/v1/nothing", &r);
	expect_status(r, 404);
	http_get(teacher, "/no/such/page", &r);
	expect_status(r, 404);
	/* a missing asset, and near misses of real routes */
	http_get(c, "/static/no-such.css", &r);
	expect_status(r, 404);
	http_get(teacher, "/admin/accounts/" VICTIM, &r);
	expect_status(r, 404);
	http_get(teacher, "/admin/audit/", &r);
	expect_status(r, 404);

	response_free(&r);
	client_free(c);
	client_free(teacher);
}

static void wrong_method_is_405_with_allow(void **state)
{
	static const struct { const char *method, *path, *allow[3]; } cases[] = {
		{ "PUT", "/healthz", { "GET", NULL } },
		{ "POST", "/healthz", { "GET", NULL } },
		{ "DELETE", "/login", { "GET", "POST", NULL } },
		{ "GET", "/logout", { "POST", NULL } },
		{ "DELETE", "/api/v1/me", { "GET", NULL } },
		{ "GET", "/admin/accounts/" VICTIM "/disable", { "POST", NULL } },
	};
	struct client *c = client_new();
	struct response r = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *allow;

		http_request(c, cases[i].method, cases[i].path, NULL, NULL, 0, &r);
		if (r.status != 405)
			fail_msg("%s %s: %ld, expected 405", cases[i].method, cases[i].path, r.status);
		allow = response_header(&r, "Allow");
		if (!allow)
			fail_msg("%s %s: 405 without an Allow header", cases[i].method, cases[i].path);
		for (int k = 0; cases[i].allow[k]; k++)
			if (!strstr(allow, cases[i].allow[k]))
				fail_msg("%s %s: Allow: %s lacks %s", cases[i].method, cases[i].path, allow,
					 cases[i].allow[k]);
		if (strstr(allow, cases[i].method))
			fail_msg("%s %s: Allow: %s names the refused method", cases[i].method, cases[i].path, allow);
	}
	/* under /api/, the 405 is JSON */
	http_request(c, "DELETE", "/api/v1/me", NULL, NULL, 0, &r);
	expect_contains(r, "\"error\"");
	response_free(&r);
	client_free(c);
}

static void body_over_8_mib_is_413(void **state)
{
	size_t len = 9u << 20;
	char *body = malloc(len);
	struct client *c = client_new();
	struct response r = { 0 };

	(void)state;
	assert_non_null(body);
	memcpy(body, "login=", 6);
	memset(body + 6, 'a', len - 6);
	client_refresh_csrf(c, "/login");
	http_request(c, "POST", "/login", NULL, body, len, &r);
	expect_status(r, 413);
	expect_security_headers(&r, "POST /login of 9 MiB");
	free(body);

	/* the server is fine afterwards, and a body under the limit is read */
	http_get(c, "/healthz", &r);
	expect_status(r, 200);
	http_post_form(c, "/login", "login=&password=", &r);
	expect_status(r, 403); /* no csrf: the body was read and checked */
	response_free(&r);
	client_free(c);
}

static void static_asset_with_etag(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	char *etag, inm[256], path[4096];
	const char *root = getenv("TDC_SOURCE_ROOT"), *h[] = { inm, NULL };
	const char *cc, *ct;
	FILE *f;

	(void)state;
	http_get(c, "/static/style.css", &r);
	expect_status(r, 200);
	assert_non_null(response_header(&r, "ETag"));
	etag = strdup(response_header(&r, "ETag"));
	cc = response_header(&r, "Cache-Control");
	if (!cc || !strstr(cc, "public"))
		fail_msg("Cache-Control of an asset: %s", cc ? cc : "(none)");
	ct = response_header(&r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "text/css"));
	assert_true(r.len > 0);

	/* the bytes of assets/style.css */
	if (root && *root) {
		snprintf(path, sizeof path, "%s/assets/style.css", root);
		f = fopen(path, "rb");
		if (f) {
			char *want = malloc(r.len + 2);
			size_t got = fread(want, 1, r.len + 1, f);

			fclose(f);
			assert_int_equal(got, r.len);
			assert_memory_equal(want, r.body, r.len);
			free(want);
		}
	}

	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	http_get_with(c, "/static/style.css", h, &r);
	expect_status(r, 304);
	assert_int_equal(r.len, 0);
	expect_security_headers(&r, "304 of /static/style.css");

	snprintf(inm, sizeof inm, "If-None-Match: \"not-this-one\"");
	http_get_with(c, "/static/style.css", h, &r);
	expect_status(r, 200);
	assert_true(r.len > 0);

	/* HEAD: the headers, no body */
	http_request(c, "HEAD", "/static/style.css", NULL, NULL, 0, &r);
	expect_status(r, 200);
	assert_int_equal(r.len, 0);
	response_free(&r);
	free(etag);
	client_free(c);
}

/* An answer any cache may keep and hand to everybody must not set a
 * cookie: a shared cache would give every visitor the same one. */
static void cacheable_answers_set_no_cookie(void **state)
{
	static const char *const paths[] = { "/static/style.css", "/static/favicon.svg", "/static/app.js" };
	struct response r = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct client *fresh = client_new(); /* no cookie yet, like a first visit */
		const char *cc, *cookie;

		http_get(fresh, paths[i], &r);
		expect_status(r, 200);
		cc = response_header(&r, "Cache-Control");
		cookie = response_header(&r, "Set-Cookie");
		if (cc && strstr(cc, "public") && cookie)
			fail_msg("GET %s is Cache-Control: %s and yet sets a cookie: %s", paths[i], cc, cookie);
		client_free(fresh);
	}
	response_free(&r);
}

static void healthz_is_200(void **state)
{
	struct client *c = client_new();
	struct response r = { 0 };
	long long version = db_int("PRAGMA user_version");

	(void)state;
	http_get(c, "/healthz", &r);
	expect_status(r, 200);
	if (strncmp(r.body, "ok schema=", 10) || atoi(r.body + 10) < 1)
		fail_msg("/healthz says: %s", r.body);
	if (version > 0 && atoi(r.body + 10) != version)
		fail_msg("/healthz says %s, the database is at %lld", r.body, version);
	response_free(&r);
	client_free(c);
}

/* One request whose headers are in but whose body is not: it is in flight
 * when SIGTERM comes, and must still be answered before the server stops. */
static void sigterm_stops_gracefully(void **state)
{
	static const char head[] = "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				   "Content-Type: application/x-www-form-urlencoded\r\n"
				   "Content-Length: 11\r\nConnection: close\r\n\r\n";
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char answer[8192];
	size_t got = 0;
	int fd, status;
	char *log;

	(void)state;
	assert_true(harness_running());
	sa.sin_port = htons((uint16_t)harness_port());
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(write(fd, head, sizeof head - 1), (ssize_t)(sizeof head - 1));
	usleep(500 * 1000); /* time for the server to read the headers */
	assert_int_equal(kill(harness_pid(), SIGTERM), 0);
	usleep(300 * 1000);
	if (write(fd, "login=x&a=b", 11) != 11)
		fail_msg("the server closed the connection of a request in flight on SIGTERM");
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 10000) <= 0)
			break;
		n = read(fd, answer + got, sizeof answer - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof answer - 1)
			break;
	}
	close(fd);
	answer[got] = '\0';

	status = harness_stop(); /* SIGTERM again is harmless; then waits */
	log = harness_server_log();
	if (status != 0)
		fail_msg("tdc serve exited with %d after SIGTERM; log:\n%s", status, log);
	if (!strstr(log, "SIGTERM received") || !strstr(log, "tdc: stopped"))
		fail_msg("no stop lines in the server's log:\n%s", log);
	free(log);
	harness_check_server_log();
	if (strncmp(answer, "HTTP/1.1 403", 12))
		fail_msg("the request in flight at SIGTERM was answered with: %.200s",
			 got ? answer : "(nothing)");
}

static int setup(void **state)
{
	struct cli_result res;

	if (harness_group_setup(state) != 0)
		return -1;
	if (tdc_cli(&res, "victim-pass-1\n", "user", "add", VICTIM, "--role", "evaluator", "--password-stdin",
		    "--db", harness_db(), (char *)NULL) != 0) {
		fprintf(stderr, "# tdc user add %s: %s\n", VICTIM, res.err);
		cli_result_free(&res);
		return -1;
	}
	cli_result_free(&res);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_table_marks_the_public_routes),
		cmocka_unit_test(anonymous_every_route),
		cmocka_unit_test(every_role_every_route),
		cmocka_unit_test(security_headers_on_every_kind_of_answer),
		cmocka_unit_test(unknown_paths_are_404),
		cmocka_unit_test(wrong_method_is_405_with_allow),
		cmocka_unit_test(body_over_8_mib_is_413),
		cmocka_unit_test(static_asset_with_etag),
		cmocka_unit_test(cacheable_answers_set_no_cookie),
		cmocka_unit_test(healthz_is_200),
		cmocka_unit_test(sigterm_stops_gracefully), /* last: it stops the server */
	};

	return cmocka_run_group_tests_name("access", tests, setup, harness_group_teardown);
}
