/* test_registry.c - the registry pages under every demo role: who opens
 * what, scoped lists with totals, filters, paging and export links, masked
 * ID numbers and audited reveals, the teacher's own record, the person and
 * school forms (field messages, kept values, CSRF, history and audit rows,
 * a transfer), and the English pages. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

static char *school_code;   /* the demo school admin's school */
static char *teacher_id;
static long long teacher_pid;

static int setup(void **state)
{
	if (harness_group_setup(state) != 0)
		return -1;
	school_code = db_text("SELECT scope FROM accounts WHERE login = 'school'");
	teacher_pid = db_int("SELECT person_id FROM accounts WHERE login = 'teacher'");
	teacher_id = db_text("SELECT id_number FROM persons WHERE id = %lld", teacher_pid);
	return school_code && teacher_id ? 0 : -1;
}

static int teardown(void **state)
{
	free(school_code);
	free(teacher_id);
	return harness_group_teardown(state);
}

static long post_form(struct client *c, const char *path, const char *form_without_csrf,
		      struct response *r)
{
	char *csrf = url_escape(c->csrf), *body;
	size_t n = strlen(form_without_csrf) + strlen(csrf) + 8;
	long status;

	body = malloc(n);
	assert_non_null(body);
	snprintf(body, n, "%s&csrf=%s", form_without_csrf, csrf);
	status = http_post_form(c, path, body, r);
	free(body);
	free(csrf);
	return status;
}

static void masked(const char *id, char out[19])
{
	snprintf(out, 19, "%.4s**********%s", id, id + 14);
}

static void make_id(const char *digits17, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (digits17[i] - '0') * w[i];
	memcpy(out, digits17, 17);
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

/* ---- who opens what --------------------------------------------------- */

static void pages_by_role(void **state)
{
	enum { ADMIN, BUREAU, CENTRE, KG, SCHOOL, TEACHER, ALLIANCE, EVALUATOR, N };
	static const char *const logins[N] = { "admin", "bureau", "centre", "kg-centre", "school",
					       "teacher", "alliance", "evaluator" };
	char own_school[40];
	const struct { const char *path; long want[N]; } cases[] = {
		{ "/schools",        { 200, 200, 200, 200, 200, 200, 403, 403 } },
		{ "/persons",        { 200, 200, 200, 200, 200, 200, 403, 403 } },
		{ "/regions",        { 200, 200, 200, 200, 200, 200, 403, 403 } },
		{ "/centres",        { 200, 200, 200, 200, 200, 200, 403, 403 } },
		{ "/centres/gz-yey", { 200, 200, 200, 200, 200, 200, 403, 403 } },
		{ "/schools/new",    { 200, 403, 200, 200, 403, 403, 403, 403 } },
		{ "/persons/new",    { 200, 403, 200, 200, 200, 403, 403, 403 } },
		{ own_school,        { 200, 200, 200, 403, 200, 403, 403, 403 } },
		{ "/persons/me",     { 404, 404, 404, 404, 404, 200, 403, 403 } },
		{ "/regions/440106", { 200, 200, 200, 200, 200, 200, 403, 403 } },
		{ "/centres/nowhere", { 404, 404, 404, 404, 404, 404, 403, 403 } },
	};
	struct response r = { 0 };
	char *report = NULL;
	size_t had = 0;

	(void)state;
	snprintf(own_school, sizeof own_school, "/schools/%s", school_code);
	for (int a = 0; a < N; a++) {
		struct client *c = client_as(logins[a]);

		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			http_get(c, cases[i].path, &r);
			if (r.status != cases[i].want[a] ||
			    (r.status == 403 && !response_contains(&r, "403"))) {
				char line[200];
				int n = snprintf(line, sizeof line, "%s GET %s: %ld, expected %ld\n",
						 logins[a], cases[i].path, r.status, cases[i].want[a]);

				report = realloc(report, had + (size_t)n + 1);
				memcpy(report + had, line, (size_t)n + 1);
				had += (size_t)n;
			}
		}
		client_free(c);
	}
	response_free(&r);
	if (report)
		fail_msg("registry pages by role:\n%s", report);
}

static void navigation_by_role(void **state)
{
	struct client *teacher = client_as("teacher"), *school = client_as("school"),
		      *bureau = client_as("bureau"), *alliance = client_as("alliance");
	struct response r = { 0 };

	(void)state;
	http_get(teacher, "/", &r);
	expect_contains(r, "href=\"/persons/me\">我的档案");
	expect_lacks(r, "href=\"/persons\"");
	expect_lacks(r, "href=\"/schools\"");
	http_get(school, "/", &r);
	expect_contains(r, "href=\"/schools\">学校");
	expect_contains(r, "href=\"/persons\">人员");
	expect_lacks(r, "/persons/me");
	http_get(bureau, "/", &r);
	expect_contains(r, "href=\"/persons\">人员");
	http_get(alliance, "/", &r);
	expect_lacks(r, "href=\"/persons\"");
	expect_lacks(r, "href=\"/schools\"");
	response_free(&r);
	client_free(teacher);
	client_free(school);
	client_free(bureau);
	client_free(alliance);
}

/* ---- lists ------------------------------------------------------------ */

static void lists_are_scoped_masked_and_carry_filters(void **state)
{
	struct client *school = client_as("school"), *kg = client_as("kg-centre"),
		      *admin = client_as("admin");
	struct response r = { 0 };
	char want[64], *id, *primary, *kgs, m[19];
	long long n = db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
			     " WHERE s.code = %Q", school_code);

	(void)state;
	http_get(school, "/persons", &r);
	expect_status(r, 200);
	snprintf(want, sizeof want, "共 %lld 条", n);
	expect_contains(r, want);
	/* every number masked, none in a link */
	id = db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
		     " WHERE s.code = %Q ORDER BY p.id LIMIT 1", school_code);
	masked(id, m);
	expect_contains(r, m);
	expect_lacks(r, id);
	snprintf(want, sizeof want, "href=\"/persons/p%lld\"",
		 db_int("SELECT id FROM persons WHERE id_number = %Q", id));
	expect_contains(r, want);
	expect_contains(r, "href=\"/persons/new\"");

	/* filters kept in the form and in the export links */
	http_get(school, "/persons?title=second&status=serving", &r);
	expect_status(r, 200);
	snprintf(want, sizeof want, "共 %lld 条",
		 db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id WHERE"
			" s.code = %Q AND p.title = 'second' AND p.status = 'serving'", school_code));
	expect_contains(r, want);
	expect_contains(r, "<option value=\"second\" selected>二级</option>");
	expect_contains(r, "href=\"/persons/export?format=xlsx&amp;title=second&amp;status=serving\"");
	expect_contains(r, "href=\"/persons/export?format=csv&amp;title=second&amp;status=serving\"");
	expect_contains(r, "导出 Excel");
	expect_contains(r, "导出 CSV");
	http_get(school, "/persons?title=emperor", &r);
	expect_status(r, 400);

	/* the kindergarten centre's schools are kindergartens */
	kgs = db_text("SELECT count(*) FROM schools WHERE stage = 'kindergarten'");
	primary = db_text("SELECT code FROM schools WHERE stage = 'primary' ORDER BY code LIMIT 1");
	http_get(kg, "/schools?q=", &r);
	expect_status(r, 200);
	snprintf(want, sizeof want, "共 %s 条", kgs);
	expect_contains(r, want);
	expect_lacks(r, primary);
	expect_contains(r, "href=\"/schools/export?format=csv\"");
	http_get(kg, "/schools?stage=kindergarten&ownership=private", &r);
	expect_contains(r, "href=\"/schools/export?format=xlsx&amp;stage=kindergarten&amp;ownership=private\"");

	/* paging: 50 a page, the links keep the filters */
	http_get(admin, "/persons?status=serving", &r);
	expect_contains(r, "href=\"/persons?status=serving&amp;page=2\"");
	expect_contains(r, "第 1 页");
	http_get(admin, "/persons?status=serving&page=2", &r);
	expect_contains(r, "第 2 页");
	expect_contains(r, "href=\"/persons?status=serving&amp;page=1\"");
	/* search by an ID number's first digits */
	{
		char path[64];

		snprintf(path, sizeof path, "/persons?q=%.14s", id);
		http_get(admin, path, &r);
		expect_status(r, 200);
		expect_contains(r, m);
		expect_contains(r, "共 1 条");
	}
	response_free(&r);
	free(id);
	free(kgs);
	free(primary);
	client_free(school);
	client_free(kg);
	client_free(admin);
}

/* ---- one person ------------------------------------------------------- */

static void person_page_masks_and_audits_reveals(void **state)
{
	struct client *school = client_as("school"), *bureau = client_as("bureau"),
		      *teacher = client_as("teacher");
	struct response r = { 0 };
	long long pid = db_int("SELECT p.id FROM persons p JOIN schools s ON s.id = p.school_id"
			       " WHERE s.code = %Q AND p.id <> %lld AND p.phone IS NOT NULL"
			       " ORDER BY p.id LIMIT 1", school_code, teacher_pid);
	char *id = db_text("SELECT id_number FROM persons WHERE id = %lld", pid);
	char *phone = db_text("SELECT phone FROM persons WHERE id = %lld", pid);
	char path[80], m[19], object[40], phone_masked[16];
	long long audits;

	(void)state;
	masked(id, m);
	snprintf(object, sizeof object, "person:%s", m);
	snprintf(phone_masked, sizeof phone_masked, "%.3s****%s", phone, phone + strlen(phone) - 4);
	audits = db_int("SELECT count(*) FROM audit_log WHERE action = 'person.reveal' AND object = %Q",
			object);

	snprintf(path, sizeof path, "/persons/p%lld", pid);
	http_get(school, path, &r);
	expect_status(r, 200);
	expect_contains(r, m);
	expect_lacks(r, id);
	expect_contains(r, phone);
	expect_contains(r, "name=\"reveal\" value=\"1\"");
	expect_contains(r, ">显示</button>");
	expect_contains(r, "变更记录");
	snprintf(path, sizeof path, "/persons/p%lld?reveal=1", pid);
	http_get(school, path, &r);
	expect_status(r, 200);
	expect_contains(r, id);
	expect_contains(r, "已记入审计日志");
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'person.reveal'"
				" AND object = %Q AND actor = 'school'", object), audits + 1);

	/* the bureau: masked, phone too; no reveal, even when asked */
	http_get(bureau, path, &r);
	expect_status(r, 200);
	expect_contains(r, m);
	expect_lacks(r, id);
	expect_lacks(r, phone);
	expect_contains(r, phone_masked);
	expect_lacks(r, "name=\"reveal\"");
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'person.reveal'"
				" AND object = %Q", object), audits + 1);

	/* the teacher: her own page whole, unaudited; anyone else not found */
	http_get(teacher, "/persons/me", &r);
	expect_status(r, 200);
	expect_contains(r, teacher_id);
	expect_lacks(r, "name=\"reveal\"");
	http_get(teacher, "/persons", &r);
	expect_contains(r, teacher_id);
	expect_contains(r, "共 1 条");
	expect_lacks(r, "导出 Excel");
	snprintf(path, sizeof path, "/persons/p%lld", pid);
	http_get(teacher, path, &r);
	expect_status(r, 404);
	snprintf(path, sizeof path, "/persons/%s", id);
	http_get(teacher, path, &r);
	expect_status(r, 404);
	snprintf(path, sizeof path, "/persons/p%lld/edit", teacher_pid);
	http_get(teacher, path, &r);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'person.reveal'"
				" AND object = %Q", object), audits + 1);
	response_free(&r);
	free(id);
	free(phone);
	client_free(school);
	client_free(bureau);
	client_free(teacher);
}

/* ---- forms ------------------------------------------------------------ */

static void person_form_creates_with_messages_and_csrf(void **state)
{
	struct client *school = client_as("school");
	struct response r = { 0 };
	char id[19], *form, want[80];
	const char *loc;
	long long pid;

	(void)state;
	http_get(school, "/persons/new", &r);
	expect_status(r, 200);
	snprintf(want, sizeof want, "name=\"school_code\" value=\"%s\"", school_code);
	expect_contains(r, want);
	expect_contains(r, "name=\"csrf\"");
	expect_contains(r, "<option value=\"retired\">退休</option>");

	make_id("44010619880303456", id);
	/* no token: refused, nothing made */
	form = form_encode("id_number", id, "name", "表单新人", "school_code", school_code,
			   "role", "teacher", "title", "first", "education", "master", (char *)NULL);
	http_post_form(school, "/persons", form, &r);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number = %Q", id), 0);

	/* bad values: 422, each message beside its field, values kept */
	free(form);
	form = form_encode("id_number", id, "name", "表单新人", "school_code", school_code,
			   "role", "teacher", "title", "emperor", "education", "",
			   "service_start", "2019/13/01", "phone", "call me", (char *)NULL);
	post_form(school, "/persons", form, &r);
	expect_status(r, 422);
	expect_contains(r, "class=\"notice error\"");
	expect_contains(r, "id=\"e-title\"");
	expect_contains(r, "id=\"e-education\"");
	expect_contains(r, "id=\"e-service_start\"");
	expect_contains(r, "id=\"e-phone\"");
	expect_contains(r, "aria-invalid=\"true\"");
	expect_contains(r, "value=\"表单新人\"");
	expect_contains(r, "value=\"call me\"");
	expect_lacks(r, "id=\"e-name\"");
	/* the messages in the page's language */
	expect_contains(r, "“emperor”不是可选的值");
	expect_contains(r, "不是日期：请写成 2019-09-01");
	expect_contains(r, "“call me”不是电话号码");
	expect_lacks(r, "is not a known value");
	assert_int_equal(db_int("SELECT count(*) FROM persons WHERE id_number = %Q", id), 0);

	/* good: 303 to the new page, history and audit rows */
	free(form);
	form = form_encode("id_number", id, "name", "表单新人", "school_code", school_code,
			   "role", "teacher", "subject", "语文", "title", "first", "education", "master",
			   "key_level", "none", "service_start", "2010-09-01", "phone", "13900001111",
			   "status", "serving", "special_grade", "1", (char *)NULL);
	post_form(school, "/persons", form, &r);
	expect_status(r, 303);
	pid = db_int("SELECT id FROM persons WHERE id_number = %Q AND education = 'master'"
		     " AND special_grade = 1 AND subject = '语文'", id);
	assert_true(pid > 0);
	snprintf(want, sizeof want, "/persons/p%lld?done=created", pid);
	loc = response_header(&r, "Location");
	assert_non_null(loc);
	assert_string_equal(loc, want);
	assert_int_equal(db_int("SELECT count(*) FROM person_history WHERE person_id = %lld AND"
				" field = 'created' AND source = 'form'", pid), 1);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'person.create'"
				" AND actor = 'school' AND detail LIKE '%%(form)'"), 1);
	http_get(school, want, &r);
	expect_status(r, 200);
	expect_contains(r, "已新增");
	expect_contains(r, "表单新人");

	/* the same number again: 409, the form says so */
	post_form(school, "/persons", form, &r);
	expect_status(r, 409);
	expect_contains(r, "id=\"e-id_number\"");
	response_free(&r);
	free(form);
	client_free(school);
}

/* The edit form's fields as stored, with some replaced. */
static char *edit_form(long long pid, const char *school, const char *title, const char *status)
{
	char *name = db_text("SELECT name FROM persons WHERE id = %lld", pid);
	char *role = db_text("SELECT role FROM persons WHERE id = %lld", pid);
	char *edu = db_text("SELECT education FROM persons WHERE id = %lld", pid);
	char *key = db_text("SELECT key_level FROM persons WHERE id = %lld", pid);
	char *subject = db_text("SELECT coalesce(subject, '') FROM persons WHERE id = %lld", pid);
	char *start = db_text("SELECT coalesce(service_start, '') FROM persons WHERE id = %lld", pid);
	char *phone = db_text("SELECT coalesce(phone, '') FROM persons WHERE id = %lld", pid);
	char *special = db_text("SELECT special_grade FROM persons WHERE id = %lld", pid);
	char *form = form_encode("name", name, "school_code", school, "role", role, "subject", subject,
				 "title", title, "education", edu, "key_level", key,
				 "service_start", start, "phone", phone, "status", status,
				 "special_grade", strcmp(special, "1") ? NULL : "1", (char *)NULL);

	free(name); free(role); free(edu); free(key); free(subject); free(start); free(phone);
	free(special);
	return form;
}

static void person_form_edits_and_transfers(void **state)
{
	struct client *centre = client_as("centre"), *school = client_as("school"),
		      *bureau = client_as("bureau");
	struct response r = { 0 };
	long long pid = db_int("SELECT p.id FROM persons p JOIN schools s ON s.id = p.school_id"
			       " WHERE s.code = %Q AND p.id <> %lld AND p.title = 'second'"
			       " AND p.status = 'serving' ORDER BY p.id DESC LIMIT 1", school_code,
			       teacher_pid);
	char *to = db_text("SELECT code FROM schools WHERE district_code = '440106' AND code <> %Q"
			   " ORDER BY code DESC LIMIT 1", school_code);
	char path[64], want[80], *form;

	(void)state;
	assert_true(pid > 0);
	snprintf(path, sizeof path, "/persons/p%lld/edit", pid);
	http_get(bureau, path, &r);
	expect_status(r, 403);
	http_get(school, path, &r);
	expect_status(r, 200);
	expect_contains(r, "调动");
	expect_contains(r, "<option value=\"second\" selected>二级</option>");

	/* the school admin promotes her */
	snprintf(path, sizeof path, "/persons/p%lld", pid);
	form = edit_form(pid, school_code, "first", "serving");
	post_form(school, path, form, &r);
	free(form);
	expect_status(r, 303);
	snprintf(want, sizeof want, "/persons/p%lld?done=saved", pid);
	expect_location(r, want);
	assert_int_equal(db_int("SELECT count(*) FROM person_history WHERE person_id = %lld AND"
				" field = 'title' AND old_value = 'second' AND new_value = 'first'"
				" AND actor = 'school' AND source = 'form'", pid), 1);
	/* the same form again changes nothing */
	form = edit_form(pid, school_code, "first", "serving");
	post_form(school, path, form, &r);
	free(form);
	snprintf(want, sizeof want, "/persons/p%lld?done=unchanged", pid);
	expect_location(r, want);

	/* the school admin cannot transfer her out; the district centre can */
	form = edit_form(pid, to, "first", "serving");
	post_form(school, path, form, &r);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-school_code\"");
	post_form(centre, path, form, &r);
	free(form);
	expect_status(r, 303);
	assert_int_equal(db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				" WHERE p.id = %lld AND s.code = %Q AND p.title = 'first'", pid, to), 1);
	assert_int_equal(db_int("SELECT count(*) FROM person_history WHERE person_id = %lld AND"
				" field = 'school' AND old_value = %Q AND new_value = %Q", pid,
				school_code, to), 1);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'person.update' AND"
				" actor = 'centre' AND detail LIKE '%%school_code%%'"), 1);
	/* her page shows both changes; she is gone from the school admin's scope */
	http_get(centre, path, &r);
	expect_status(r, 200);
	expect_contains(r, "<td data-label=\"项目\">职称</td><td data-label=\"原值\">二级</td>"
			   "<td data-label=\"新值\">一级</td>");
	expect_contains(r, to);
	http_get(school, path, &r);
	expect_status(r, 404);

	/* a status change is an edit of the status */
	form = edit_form(pid, to, "first", "left");
	post_form(centre, path, form, &r);
	free(form);
	expect_status(r, 303);
	assert_int_equal(db_int("SELECT count(*) FROM person_history WHERE person_id = %lld AND"
				" field = 'status' AND new_value = 'left'", pid), 1);
	http_get(centre, path, &r);
	expect_contains(r, "离职");
	response_free(&r);
	free(to);
	client_free(centre);
	client_free(school);
	client_free(bureau);
}

static void school_forms(void **state)
{
	struct client *centre = client_as("centre"), *school = client_as("school");
	struct response r = { 0 };
	char *form, path[64];

	(void)state;
	http_get(centre, "/schools/new", &r);
	expect_status(r, 200);
	expect_contains(r, "<option value=\"440106\" selected>");

	form = form_encode("school_code", "34441990", "name", "", "district_code", "440106",
			   "stage", "primary", "ownership", "public", "status", "open", (char *)NULL);
	post_form(centre, "/schools", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-school_code\"");
	expect_contains(r, "id=\"e-name\"");
	expect_contains(r, "value=\"34441990\"");

	form = form_encode("school_code", "3444199100", "name", "天河区表单小学", "district_code",
			   "440106", "stage", "primary", "ownership", "public", "status", "open",
			   (char *)NULL);
	http_post_form(centre, "/schools", form, &r);
	expect_status(r, 403); /* no CSRF token */
	post_form(school, "/schools", form, &r);
	expect_status(r, 403); /* a school admin creates no schools */
	assert_int_equal(db_int("SELECT count(*) FROM schools WHERE code = '3444199100'"), 0);
	post_form(centre, "/schools", form, &r);
	free(form);
	expect_redirect(r, "/schools/3444199100?done=created");
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'school.create'"
				" AND object = 'school:3444199100'"), 1);
	http_get(centre, "/schools/3444199100?done=created", &r);
	expect_status(r, 200);
	expect_contains(r, "天河区表单小学");
	expect_contains(r, "href=\"/persons?school=3444199100\"");
	expect_contains(r, "建档");

	/* the school admin renames her own school */
	snprintf(path, sizeof path, "/schools/%s", school_code);
	{
		char *stage = db_text("SELECT stage FROM schools WHERE code = %Q", school_code);
		char *own = db_text("SELECT ownership FROM schools WHERE code = %Q", school_code);

		form = form_encode("name", "改名后的学校", "district_code", "440106", "stage", stage,
				   "ownership", own, "status", "open", (char *)NULL);
		free(stage);
		free(own);
	}
	post_form(school, path, form, &r);
	free(form);
	expect_status(r, 303);
	assert_int_equal(db_int("SELECT count(*) FROM school_history h JOIN schools s ON"
				" s.id = h.school_id WHERE s.code = %Q AND h.field = 'name' AND"
				" h.new_value = '改名后的学校' AND h.source = 'form'", school_code), 1);
	/* and may not touch another */
	form = form_encode("name", "x", "district_code", "440106", "stage", "primary",
			   "ownership", "public", "status", "closed", (char *)NULL);
	post_form(school, "/schools/3444199100", form, &r);
	free(form);
	expect_status(r, 403);
	assert_int_equal(db_int("SELECT count(*) FROM schools WHERE code = '3444199100' AND"
				" status = 'open'"), 1);
	response_free(&r);
	client_free(centre);
	client_free(school);
}

static void english_pages(void **state)
{
	struct client *admin = client_as("admin");
	struct response r = { 0 };

	(void)state;
	http_get(admin, "/lang?to=en&back=/schools", &r);
	expect_status(r, 303);
	http_get(admin, "/schools?stage=kindergarten", &r);
	expect_status(r, 200);
	expect_contains(r, "<h1>Schools</h1>");
	expect_contains(r, "Export Excel");
	expect_contains(r, ">Kindergarten</option>");
	http_get(admin, "/persons/new", &r);
	expect_contains(r, "In service since");
	expect_contains(r, ">Retired</option>");
	http_get(admin, "/lang?to=zh&back=/", &r);
	response_free(&r);
	client_free(admin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pages_by_role),
		cmocka_unit_test(navigation_by_role),
		cmocka_unit_test(lists_are_scoped_masked_and_carry_filters),
		cmocka_unit_test(person_page_masks_and_audits_reveals),
		cmocka_unit_test(person_form_creates_with_messages_and_csrf),
		cmocka_unit_test(person_form_edits_and_transfers),
		cmocka_unit_test(school_forms),
		cmocka_unit_test(english_pages),
		cmocka_unit_test(harness_test_server_stops),
	};

	return cmocka_run_group_tests_name("registry", tests, setup, teardown);
}
