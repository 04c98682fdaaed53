/* router.c - the route table and the checks before every handler.
 *
 * The table is the map of the site: every page and API call is one row,
 * with the permission authz.c decides on.  Tests walk it to try each route
 * as each role (tests/http). */
#include "router.h"

#include <string.h>

#include "core/account.h"
#include "store/store.h"
#include "web/api/api.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages/pages.h"

#define GET M_GET
#define POST M_POST

static const struct route routes[] = {
	/* method  pattern                               handler                 flags           permission */
	{ GET,  "/",                                     page_home,              0,              PERM_SIGNED_IN },
	{ GET,  "/login",                                page_login,             ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ POST, "/login",                                page_login_post,        ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ POST, "/logout",                               page_logout,            0,              PERM_SIGNED_IN },
	{ GET,  "/lang",                                 page_lang,              ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ GET,  "/healthz",                              page_healthz,           ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ GET,  "/static/{name}",                        page_static,            ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ GET,  "/admin/accounts",                       page_accounts,          0,              PERM_ACCOUNTS_MANAGE },
	{ GET,  "/admin/accounts/new",                   page_account_new,       0,              PERM_ACCOUNTS_MANAGE },
	{ POST, "/admin/accounts",                       page_account_create,    0,              PERM_ACCOUNTS_MANAGE },
	{ POST, "/admin/accounts/{login}/disable",       page_account_disable,   0,              PERM_ACCOUNTS_MANAGE },
	{ POST, "/admin/accounts/{login}/enable",        page_account_enable,    0,              PERM_ACCOUNTS_MANAGE },
	{ POST, "/admin/accounts/{login}/password",      page_account_password,  0,              PERM_ACCOUNTS_MANAGE },
	{ POST, "/admin/accounts/{login}/sessions/revoke", page_account_revoke,  0,              PERM_ACCOUNTS_MANAGE },
	{ GET,  "/admin/audit",                          page_audit,             0,              PERM_AUDIT_READ },
	{ GET,  "/api/v1/me",                            api_me,                 ROUTE_API,      PERM_SIGNED_IN },
	/* registry pages and API (issue 4) */
	{ GET,  "/regions",                              page_regions,           0,              PERM_REGISTRY_READ },
	{ GET,  "/regions/{code}",                       page_region,            0,              PERM_REGISTRY_READ },
	{ GET,  "/centres",                              page_centres,           0,              PERM_REGISTRY_READ },
	{ GET,  "/centres/{code}",                       page_centre,            0,              PERM_REGISTRY_READ },
	/* the frame every scope hangs on: the system admin's alone */
	{ GET,  "/regions/new",                          page_region_new,        0,              PERM_PLACES_MANAGE },
	{ POST, "/regions",                              page_region_create,     0,              PERM_PLACES_MANAGE },
	{ GET,  "/regions/{code}/edit",                  page_region_edit,       0,              PERM_PLACES_MANAGE },
	{ POST, "/regions/{code}",                       page_region_update,     0,              PERM_PLACES_MANAGE },
	{ GET,  "/centres/new",                          page_centre_new,        0,              PERM_PLACES_MANAGE },
	{ POST, "/centres",                              page_centre_create,     0,              PERM_PLACES_MANAGE },
	{ GET,  "/centres/{code}/edit",                  page_centre_edit,       0,              PERM_PLACES_MANAGE },
	{ POST, "/centres/{code}",                       page_centre_update,     0,              PERM_PLACES_MANAGE },
	{ GET,  "/schools",                              page_schools,           0,              PERM_REGISTRY_READ },
	{ GET,  "/schools/new",                          page_school_new,        0,              PERM_REGISTRY_WRITE },
	{ POST, "/schools",                              page_school_create,     0,              PERM_REGISTRY_WRITE },
	{ GET,  "/schools/{code}",                       page_school,            0,              PERM_REGISTRY_READ },
	{ GET,  "/schools/{code}/edit",                  page_school_edit,       0,              PERM_REGISTRY_WRITE },
	{ POST, "/schools/{code}",                       page_school_update,     0,              PERM_REGISTRY_WRITE },
	{ GET,  "/persons",                              page_persons,           0,              PERM_REGISTRY_READ },
	{ GET,  "/persons/new",                          page_person_new,        0,              PERM_REGISTRY_WRITE },
	{ POST, "/persons",                              page_person_create,     0,              PERM_REGISTRY_WRITE },
	{ GET,  "/persons/{id_number}",                  page_person,            0,              PERM_REGISTRY_READ },
	{ GET,  "/persons/{id_number}/edit",             page_person_edit,       0,              PERM_REGISTRY_WRITE },
	{ POST, "/persons/{id_number}",                  page_person_update,     0,              PERM_REGISTRY_WRITE },
	{ GET,  "/api/v1/schools",                       api_schools,            ROUTE_API,      PERM_REGISTRY_READ },
	{ POST, "/api/v1/schools",                       api_school_create,      ROUTE_API,      PERM_REGISTRY_WRITE },
	{ GET,  "/api/v1/schools/{code}",                api_school,             ROUTE_API,      PERM_REGISTRY_READ },
	{ M_PATCH, "/api/v1/schools/{code}",             api_school_update,      ROUTE_API,      PERM_REGISTRY_WRITE },
	{ GET,  "/api/v1/schools/{code}/history",        api_school_history,     ROUTE_API,      PERM_REGISTRY_READ },
	{ GET,  "/api/v1/persons",                       api_persons,            ROUTE_API,      PERM_REGISTRY_READ },
	{ POST, "/api/v1/persons",                       api_person_create,      ROUTE_API,      PERM_REGISTRY_WRITE },
	{ GET,  "/api/v1/persons/{id_number}",           api_person,             ROUTE_API,      PERM_REGISTRY_READ },
	{ M_PATCH, "/api/v1/persons/{id_number}",        api_person_update,      ROUTE_API,      PERM_REGISTRY_WRITE },
	{ GET,  "/api/v1/persons/{id_number}/history",   api_person_history,     ROUTE_API,      PERM_REGISTRY_READ },
	/* teacher activation (issue 4) */
	/* issuing acts on persons in scope: the roles that may change them */
	{ GET,  "/activation",                           page_activation,        0,              PERM_REGISTRY_WRITE },
	{ POST, "/activation",                           page_activation_issue,  0,              PERM_REGISTRY_WRITE },
	{ GET,  "/activation/{file}",                    page_activation_xlsx,   0,              PERM_REGISTRY_WRITE },
	{ GET,  "/activate",                             page_activate,          ROUTE_PUBLIC,   PERM_SIGNED_IN },
	{ POST, "/activate",                             page_activate_post,     ROUTE_PUBLIC,   PERM_SIGNED_IN },
	/* import (issue 4) */
	{ GET,  "/import",                               page_import,            0,              PERM_REGISTRY_WRITE },
	{ POST, "/import",                               page_import_upload,     ROUTE_UPLOAD,   PERM_REGISTRY_WRITE },
	{ GET,  "/import/jobs/{id}",                     page_import_job,        0,              PERM_REGISTRY_WRITE },
	{ POST, "/import/jobs/{id}/run",                 page_import_run,        0,              PERM_REGISTRY_WRITE },
	{ GET,  "/import/jobs/{id}/rejects.csv",         page_import_rejects,    0,              PERM_REGISTRY_WRITE },
	{ GET,  "/api/v1/import-jobs/{id}",              api_import_job,         ROUTE_API,      PERM_REGISTRY_WRITE },
	/* export (issue 4) */
	{ GET,  "/schools/export",                       page_schools_export,    0,              PERM_REGISTRY_READ },
	{ GET,  "/persons/export",                       page_persons_export,    0,              PERM_REGISTRY_READ },
	{ GET,  "/import/template/teachers.xlsx",        page_import_template,   0,              PERM_REGISTRY_WRITE },
	{ GET,  "/import/template/schools.xlsx",         page_import_template,   0,              PERM_REGISTRY_WRITE },
	/* training and hours (issue 5) */
	/* issue 5 anchor: programmes */
	/* programmes (issue 5 §1): everyone in training reads the catalogue
	 * (core/programme.c narrows it to what each may see); centre admins
	 * and the system admin run programmes, each only her centre's */
	{ GET,  "/programmes",                           page_programmes,        0,              PERM_TRAINING_READ },
	{ GET,  "/programmes/new",                       page_programme_new,     0,              PERM_PROGRAMMES_MANAGE },
	{ POST, "/programmes",                           page_programme_create,  0,              PERM_PROGRAMMES_MANAGE },
	{ GET,  "/programmes/{code}",                    page_programme,         0,              PERM_TRAINING_READ },
	{ GET,  "/programmes/{code}/edit",               page_programme_edit,    0,              PERM_PROGRAMMES_MANAGE },
	{ POST, "/programmes/{code}",                    page_programme_update,  0,              PERM_PROGRAMMES_MANAGE },
	{ POST, "/programmes/{code}/status",             page_programme_status,  0,              PERM_PROGRAMMES_MANAGE },
	{ POST, "/programmes/{code}/sessions",           page_programme_session_add, 0,          PERM_PROGRAMMES_MANAGE },
	{ POST, "/programmes/{code}/sessions/{id}/delete", page_programme_session_delete, 0,     PERM_PROGRAMMES_MANAGE },
	{ GET,  "/api/v1/programmes",                    api_programmes,         ROUTE_API,      PERM_TRAINING_READ },
	{ POST, "/api/v1/programmes",                    api_programme_create,   ROUTE_API,      PERM_PROGRAMMES_MANAGE },
	{ GET,  "/api/v1/programmes/{code}",             api_programme,          ROUTE_API,      PERM_TRAINING_READ },
	{ M_PATCH, "/api/v1/programmes/{code}",          api_programme_update,   ROUTE_API,      PERM_PROGRAMMES_MANAGE },
	/* issue 5 anchor: enrolment */
	{ GET,  "/programmes/mine",                      page_my_enrolments,     0,              PERM_ENROL },
	{ GET,  "/programmes/{code}/enrolments",         page_programme_enrolments, 0,           PERM_TRAINING_READ },
	{ POST, "/programmes/{code}/enrol",              page_programme_enrol,   0,              PERM_ENROL },
	{ POST, "/programmes/{code}/withdraw",           page_programme_withdraw, 0,             PERM_ENROL },
	{ POST, "/programmes/{code}/quotas",             page_programme_quotas,  0,              PERM_PROGRAMMES_MANAGE },
	{ POST, "/programmes/{code}/quotas/release",     page_programme_release, 0,              PERM_PROGRAMMES_MANAGE },
	{ GET,  "/api/v1/programmes/{code}/enrolments",  api_programme_enrolments, ROUTE_API,    PERM_TRAINING_READ },
	/* the list's path, so the reader's permission; the handler asks PERM_ENROL */
	{ POST, "/api/v1/programmes/{code}/enrolments",  api_programme_enrol,    ROUTE_API,      PERM_TRAINING_READ },
	{ M_DELETE, "/api/v1/programmes/{code}/enrolments/{id_number}", api_programme_withdraw, ROUTE_API, PERM_ENROL },
	/* issue 5 anchor: attendance */
	/* attendance and completion: the organiser's (attendance.c checks the
	 * centre); the QR code also for the session's trainer; check-in for
	 * anyone signed in, who must be seated (checkin.c) */
	{ GET,  "/programmes/{code}/attendance",         page_programme_attendance, 0,           PERM_PROGRAMMES_MANAGE },
	{ POST, "/programmes/{code}/scores",             page_programme_scores,  0,              PERM_PROGRAMMES_MANAGE },
	{ POST, "/programmes/{code}/complete",           page_programme_complete, 0,             PERM_PROGRAMMES_MANAGE },
	{ GET,  "/programmes/{code}/sessions/{id}/attendance", page_attendance_sheet, 0,         PERM_PROGRAMMES_MANAGE },
	{ POST, "/programmes/{code}/sessions/{id}/attendance", page_attendance_save, 0,          PERM_PROGRAMMES_MANAGE },
	{ POST, "/programmes/{code}/sessions/{id}/attendance/file", page_attendance_file, ROUTE_UPLOAD, PERM_PROGRAMMES_MANAGE },
	{ GET,  "/programmes/{code}/sessions/{id}/qr",   page_attendance_qr,     0,              PERM_SIGNED_IN },
	{ GET,  "/programmes/{code}/sessions/{id}/qr.svg", page_attendance_qr_svg, 0,            PERM_SIGNED_IN },
	{ GET,  "/checkin/{session}",                    page_checkin,           0,              PERM_SIGNED_IN },
	{ POST, "/checkin/{session}",                    page_checkin_post,      0,              PERM_SIGNED_IN },
	{ GET,  "/api/v1/programmes/{code}/attendance",  api_programme_attendance, ROUTE_API,    PERM_PROGRAMMES_MANAGE },
	{ POST, "/api/v1/programmes/{code}/completion",  api_programme_completion, ROUTE_API,    PERM_PROGRAMMES_MANAGE },
	/* issue 5 anchor: ledger */
	/* the hours ledger: reading in scope (a teacher: her own); manual
	 * entries and reversals by centre admins (PERM_HOURS_WRITE).  A manual
	 * entry is a write under /persons/{id_number}, so its route admits the
	 * registry's writers as that path's other writes do; its handler then
	 * requires PERM_HOURS_WRITE over the person (hours_view_may_write()),
	 * after a person outside scope is answered 404 */
	{ GET,  "/hours/me",                             page_hours_me,          0,              PERM_HOURS_READ },
	{ GET,  "/persons/{id_number}/hours",            page_person_hours,      0,              PERM_HOURS_READ },
	{ GET,  "/persons/{id_number}/hours.xlsx",       page_person_hours_export, 0,            PERM_HOURS_READ },
	{ GET,  "/persons/{id_number}/hours.csv",        page_person_hours_export, 0,            PERM_HOURS_READ },
	{ POST, "/persons/{id_number}/hours",            page_person_hours_add,  0,              PERM_REGISTRY_WRITE },
	{ POST, "/hours/{record_id}/reversal",           page_hours_reversal,    0,              PERM_HOURS_WRITE },
	{ GET,  "/api/v1/persons/{id_number}/hours",     api_person_hours,       ROUTE_API,      PERM_HOURS_READ },
	{ POST, "/api/v1/persons/{id_number}/hours",     api_person_hours_add,   ROUTE_API,      PERM_REGISTRY_WRITE },
	{ POST, "/api/v1/hours/{record_id}/reversal",    api_hours_reversal,     ROUTE_API,      PERM_HOURS_WRITE },
	/* issue 5 anchor: credits */
	/* issue 6 anchor: settings */
	/* the installation's requirements: the system admin's alone */
	{ GET,  "/admin/settings",                       page_settings,          0,              PERM_SETTINGS_MANAGE },
	{ POST, "/admin/settings",                       page_settings_save,     0,              PERM_SETTINGS_MANAGE },
	/* issue 6 anchor: assessment */
	/* the yearly assessment of the caller's scope; recording the year
	 * (the whole installation's) by centre admins and the system admin */
	{ GET,  "/assessment",                           page_assessment,        0,              PERM_ASSESSMENT_READ },
	{ GET,  "/assessment.xlsx",                      page_assessment_export, 0,              PERM_ASSESSMENT_READ },
	{ GET,  "/assessment.csv",                       page_assessment_export, 0,              PERM_ASSESSMENT_READ },
	{ POST, "/assessment/run",                       page_assessment_run,    0,              PERM_ASSESSMENT_RUN },
	/* issue 6 anchor: appraisals */
	/* appraisals and events on the person's page: the handler checks the
	 * person is in the caller's scope (404 outside it, 403 read-only) */
	{ POST, "/persons/{id_number}/appraisals",       page_person_appraisal_save, 0,          PERM_APPRAISALS_WRITE },
	{ POST, "/persons/{id_number}/events",           page_person_event_save, 0,              PERM_APPRAISALS_WRITE },
	/* issue 6 anchor: registration */
	/* re-registration (issue 6 §5): the teacher applies, her school
	 * reviews, the district or county centre decides (registration.c
	 * answers a municipal centre 403); 公示 and the decision page are
	 * checked per application (the person, her school, the deciding
	 * centre, the bureau) */
	{ GET,  "/registration",                         page_registration,      0,              PERM_REGISTRATION_APPLY },
	{ POST, "/registration/apply",                   page_registration_apply, 0,             PERM_REGISTRATION_APPLY },
	{ POST, "/registration/{id}/withdraw",           page_registration_withdraw, 0,          PERM_REGISTRATION_APPLY },
	{ GET,  "/registration/review",                  page_registration_review, 0,            PERM_REGISTRATION_REVIEW },
	{ POST, "/registration/{id}/agree",              page_registration_agree, 0,             PERM_REGISTRATION_REVIEW },
	{ POST, "/registration/{id}/return",             page_registration_return, 0,            PERM_REGISTRATION_REVIEW },
	{ GET,  "/registration/decide",                  page_registration_decide_home, 0,       PERM_REGISTRATION_DECIDE },
	{ GET,  "/registration/decide/{cycle}",          page_registration_decide, 0,            PERM_REGISTRATION_DECIDE },
	{ POST, "/registration/decide/{cycle}/all",      page_registration_decide_all, 0,        PERM_REGISTRATION_DECIDE },
	{ POST, "/registration/{id}/decide",             page_registration_decide_one, 0,        PERM_REGISTRATION_DECIDE },
	{ GET,  "/registration/batches/{id}",            page_registration_batch, 0,             PERM_REGISTRATION_DECIDE },
	{ GET,  "/registration/public",                  page_registration_public, 0,            PERM_SIGNED_IN },
	{ GET,  "/registration/{id}/decision",           page_registration_decision, 0,          PERM_SIGNED_IN },
	/* issue 6 anchor: recognition */
	/* recognition of activities (issue 6 §6): the teacher applies (with
	 * files: ROUTE_EVIDENCE, five of 10 MB are more than BODY_LIMIT); her
	 * school, then her district's centre, review; an application and its
	 * files are read by whoever may see the person's hours, narrowed by
	 * recognition_may_see(); everyone in training reads a region's rules,
	 * district centres and the system admin keep them */
	{ GET,  "/recognition",                          page_recognition_mine,  0,              PERM_RECOGNITION_APPLY },
	{ GET,  "/recognition/new",                      page_recognition_new,   0,              PERM_RECOGNITION_APPLY },
	{ POST, "/recognition",                          page_recognition_apply, ROUTE_EVIDENCE, PERM_RECOGNITION_APPLY },
	{ GET,  "/recognition/review",                   page_recognition_queue, 0,              PERM_RECOGNITION_REVIEW },
	{ GET,  "/recognition/rules",                    page_recognition_rules, 0,              PERM_TRAINING_READ },
	{ POST, "/recognition/rules",                    page_recognition_rules_save, 0,         PERM_RECOGNITION_RULES },
	{ GET,  "/recognition/{id}",                     page_recognition_view,  0,              PERM_HOURS_READ },
	{ POST, "/recognition/{id}/withdraw",            page_recognition_withdraw, 0,           PERM_RECOGNITION_APPLY },
	{ POST, "/recognition/{id}/review",              page_recognition_review, 0,             PERM_RECOGNITION_REVIEW },
	{ GET,  "/recognition/files/{id}",               page_recognition_file,  0,              PERM_HOURS_READ },
	/* issue 6 anchor: reports */
	/* the reports (§7), each scoped to the caller */
	{ GET,  "/reports/registration",                 page_report_registration, 0,            PERM_ASSESSMENT_READ },
	{ GET,  "/reports/registration.xlsx",            page_report_registration_export, 0,     PERM_ASSESSMENT_READ },
	{ GET,  "/reports/registration.csv",             page_report_registration_export, 0,     PERM_ASSESSMENT_READ },
	/* the API's rows are the caller's scope: a teacher gets her own row */
	{ GET,  "/api/v1/reports/assessment",            api_report_assessment,  ROUTE_API,      PERM_HOURS_READ },
	{ GET,  "/api/v1/reports/registration",          api_report_registration, ROUTE_API,     PERM_HOURS_READ },
};

const struct route *router_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}

/* Matches pattern against path; {name} takes one non-empty segment. */
static bool match(const char *pattern, const char *path, struct request *req)
{
	const char *p = pattern, *s = path;
	int nparams = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(s, '/');
			size_t seglen = seg_end ? (size_t)(seg_end - s) : strlen(s);

			if (!close || seglen == 0 || nparams >= MAX_PARAMS)
				return false;
			if (req) {
				req->params[nparams].key = arena_strndup(req->arena, p + 1, (size_t)(close - p - 1));
				req->params[nparams].value = arena_strndup(req->arena, s, seglen);
			}
			nparams++;
			p = close + 1;
			s += seglen;
			continue;
		}
		if (*p != *s)
			return false;
		p++, s++;
	}
	if (*p || *s)
		return false;
	if (req)
		req->nparams = nparams;
	return true;
}

/* A fixed path wins over a pattern wherever each row sits in the table:
 * "/schools/export" is not the school called "export". */
static bool in_pass(const struct route *r, int pass)
{
	return (strchr(r->pattern, '{') == NULL) == (pass == 0);
}

const struct route *router_match_path(const char *path)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
			if (in_pass(&routes[i], pass) && match(routes[i].pattern, path, NULL))
				return &routes[i];
	return NULL;
}

size_t router_body_limit(int method, const char *path)
{
	/* the route this method reaches: POST /import takes a file, GET
	 * /import does not */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
			if (in_pass(&routes[i], pass) && (routes[i].methods & method) &&
			    match(routes[i].pattern, path, NULL))
				return routes[i].flags & ROUTE_UPLOAD     ? UPLOAD_LIMIT
				     : routes[i].flags & ROUTE_EVIDENCE ? EVIDENCE_LIMIT
									 : BODY_LIMIT;
	return BODY_LIMIT;
}

static const char *method_names(int mask, struct request *req)
{
	struct buf b;
	const char *out;

	buf_init(&b);
	if (mask & M_GET)
		buf_puts(&b, "GET, HEAD");
	if (mask & M_POST)
		buf_puts(&b, b.len ? ", POST" : "POST");
	if (mask & M_PUT)
		buf_puts(&b, b.len ? ", PUT" : "PUT");
	if (mask & M_PATCH)
		buf_puts(&b, b.len ? ", PATCH" : "PATCH");
	if (mask & M_DELETE)
		buf_puts(&b, b.len ? ", DELETE" : "DELETE");
	out = arena_strdup(req->arena, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static void set_language(struct request *req)
{
	const char *cookie = req_cookie(req, LANG_COOKIE);

	if (principal_signed_in(&req->who))
		req->lang = text_lang_parse(req->who.lang);
	else
		req->lang = text_lang_parse(cookie);
}

void router_dispatch(struct request *req)
{
	const struct route *found = NULL;
	int allowed = 0;
	enum method m = req->method == M_HEAD ? M_GET : req->method;

	req->is_api = !strncmp(req->path, "/api/", 5);

	/* 1. who is calling: a bad bearer token is refused outright, so a
	 *    script never mistakes an anonymous answer for its own */
	if (auth_identify(req) != 0) {
		req->is_api = true;
		req_add_header(req, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		req_api_error(req, 401, "invalid_token",
			      "the bearer token is malformed, unknown, expired or revoked");
		return;
	}
	set_language(req);

	/* 2. the route and the method */
	for (int pass = 0; pass < 2 && !found; pass++)
		for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
			if (!in_pass(&routes[i], pass) || !match(routes[i].pattern, req->path, NULL))
				continue;
			allowed |= routes[i].methods;
			if (routes[i].methods & m) {
				found = &routes[i];
				break;
			}
		}
	if (!allowed) {
		req_error(req, 404);
		return;
	}
	if (!found) {
		req_add_header(req, "Allow", method_names(allowed, req));
		req_error(req, 405);
		return;
	}
	match(found->pattern, req->path, req);
	req->route = found;
	if (found->flags & ROUTE_API)
		req->is_api = true;

	/* 3. the body's size (the server stopped reading past the limit) */
	if (req->body_too_large) {
		req_error(req, 413);
		return;
	}

	/* 4. signed in, and allowed */
	if (!(found->flags & ROUTE_PUBLIC)) {
		if (!principal_signed_in(&req->who)) {
			if (req->is_api) {
				req_add_header(req, "WWW-Authenticate", "Bearer");
				req_error(req, 401);
			} else {
				struct buf loc;

				buf_init(&loc);
				buf_puts(&loc, "/login");
				if (strcmp(req->path, "/")) {
					const char *q = req_query_string(req);

					/* the query too: a scanned check-in code is in it */
					buf_puts(&loc, "?next=");
					html_escape_url(&loc, req->path);
					if (q && *q) {
						html_escape_url(&loc, "?");
						html_escape_url(&loc, q);
					}
				}
				req_redirect(req, buf_cstr(&loc));
				buf_free(&loc);
			}
			return;
		}
		if (!authz_permits(&req->who, found->perm, NULL)) {
			req_error(req, 403);
			return;
		}
	}

	/* 5. a state-changing request carries its CSRF token */
	if (m != M_GET && !(found->flags & ROUTE_NO_CSRF) && !auth_csrf_ok(req)) {
		if (req->is_api)
			req_api_error(req, 403, "csrf", "missing or wrong CSRF token (X-CSRF-Token header or csrf field)");
		else {
			buf_reset(&req->out);
			layout_error_page(req, 403, T(req, TX_ERR_CSRF));
		}
		return;
	}
	store_busy(req->store); /* from an earlier request on this connection */
	found->handler(req);
	if (req->status == 500 && store_busy(req->store)) {
		/* a long import holds the write lock: say so, and when to retry */
		buf_reset(&req->out);
		req_add_header(req, "Retry-After", "10");
		if (req->is_api)
			req_api_error(req, 503, "busy", "the database is busy with a large import; try again in a few seconds");
		else
			layout_error_page(req, 503, T(req, TX_ERR_BUSY));
	}
}
