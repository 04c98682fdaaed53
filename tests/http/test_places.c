/* test_places.c - the regions and centres pages: search, filters and
 * paging with their totals, district counts only for those who see the
 * district whole, detail pages, the system admin's forms (audit rows,
 * messages beside each field, duplicate codes, unchanged saves), 403 for
 * everyone else, CSRF, and the English messages. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

static int setup(void **state)
{
	return harness_group_setup(state);
}

static int teardown(void **state)
{
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

/* "<td class="num" data-label="学校">N</td>" */
static void expect_count_cell(const struct response *r, const char *label, long long n)
{
	char cell[160];

	snprintf(cell, sizeof cell, "<td class=\"num\" data-label=\"%s\">%lld</td>", label, n);
	expect_contains(*r, cell);
}

static void expect_total(const struct response *r, long long n)
{
	char total[64];

	snprintf(total, sizeof total, "共 %lld 条", n);
	expect_contains(*r, total);
}

/* ---- lists ---------------------------------------------------------------- */

static void region_list_search_filters_counts(void **state)
{
	struct client *admin = client_as("admin"), *school = client_as("school");
	struct response r = { 0 };
	long long schools = db_int("SELECT count(*) FROM schools WHERE district_code = '440106'");
	long long serving = db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
				   " WHERE s.district_code = '440106' AND p.status = 'serving'");

	(void)state;
	assert_true(schools > 0 && serving > 0);
	http_get(admin, "/regions", &r);
	expect_status(r, 200);
	expect_total(&r, 13); /* the demo: 广东省, 广州市 and its 11 districts */
	expect_contains(r, "href=\"/regions/new\"");
	expect_contains(r, "href=\"/regions/440106\">天河区</a>");

	/* a name's part, and a code's first digits */
	http_get(admin, "/regions?q=%E5%A4%A9%E6%B2%B3", &r); /* 天河 */
	expect_status(r, 200);
	expect_total(&r, 1);
	expect_contains(r, "<code>440106</code>");
	expect_lacks(r, "<code>440103</code>");
	expect_contains(r, "value=\"天河\"");
	expect_count_cell(&r, "学校", schools);
	expect_count_cell(&r, "在职人数", serving);
	http_get(admin, "/regions?q=4401", &r);
	expect_total(&r, 12);
	expect_lacks(r, "<code>440000</code>");

	http_get(admin, "/regions?level=district", &r);
	expect_total(&r, 11);
	expect_lacks(r, "<code>440100</code>");
	expect_contains(r, "<option value=\"district\" selected>");
	http_get(admin, "/regions?level=city", &r);
	expect_total(&r, 1);
	expect_contains(r, "<code>440100</code>");
	http_get(admin, "/regions?parent=440000", &r);
	expect_total(&r, 1);
	http_get(admin, "/regions?parent=440100&q=%E6%B5%B7%E7%8F%A0", &r); /* 海珠 */
	expect_total(&r, 1);
	expect_contains(r, "<code>440105</code>");
	http_get(admin, "/regions?level=county", &r);
	expect_status(r, 400);
	http_get(admin, "/regions?parent=44", &r);
	expect_status(r, 400);

	/* a school admin sees names, not the district's counts */
	http_get(school, "/regions?q=440106", &r);
	expect_status(r, 200);
	expect_total(&r, 1);
	expect_contains(r, "<td class=\"num\" data-label=\"学校\">—</td>");
	expect_lacks(r, "href=\"/regions/new\"");
	response_free(&r);
	client_free(admin);
	client_free(school);
}

static void centre_list_search_filters(void **state)
{
	struct client *bureau = client_as("bureau");
	struct response r = { 0 };

	(void)state;
	http_get(bureau, "/centres", &r);
	expect_status(r, 200);
	expect_total(&r, 17); /* six municipal, eleven district */
	expect_lacks(r, "href=\"/centres/new\"");
	http_get(bureau, "/centres?kind=municipal", &r);
	expect_total(&r, 6);
	expect_lacks(r, "<code>440106</code>");
	http_get(bureau, "/centres?kind=district", &r);
	expect_total(&r, 11);
	http_get(bureau, "/centres?domain=kindergarten", &r);
	expect_total(&r, 1);
	expect_contains(r, "href=\"/centres/gz-yey\">广州市幼儿园教师发展中心</a>");
	http_get(bureau, "/centres?q=gz-y", &r); /* gz-yc, gz-yey, gz-yx */
	expect_total(&r, 3);
	http_get(bureau, "/centres?q=%E5%A4%A9%E6%B2%B3", &r); /* 天河 */
	expect_total(&r, 1);
	expect_contains(r, "<code>440106</code>");
	http_get(bureau, "/centres?kind=county", &r);
	expect_status(r, 400);
	http_get(bureau, "/centres?domain=everything", &r);
	expect_status(r, 400);
	response_free(&r);
	client_free(bureau);
}

/* ---- detail pages --------------------------------------------------------- */

static void detail_pages(void **state)
{
	struct client *bureau = client_as("bureau"), *teacher = client_as("teacher");
	struct response r = { 0 };
	char staff[80];

	(void)state;
	http_get(bureau, "/regions/440106", &r);
	expect_status(r, 200);
	expect_contains(r, "<h1>天河区</h1>");
	expect_contains(r, "href=\"/regions/440100\">广州市（440100）</a>");
	expect_contains(r, "href=\"/schools?district=440106\"");
	expect_contains(r, "href=\"/centres/440106\">广州市天河区教师发展中心</a>");
	expect_lacks(r, "/regions/440106/edit");

	http_get(bureau, "/regions/440100", &r);
	expect_status(r, 200);
	expect_contains(r, "href=\"/regions/440118\">增城区</a>"); /* a child */
	expect_contains(r, "href=\"/centres/gz-yey\">"); /* the city's municipal centres */
	expect_lacks(r, "/schools?district=440100");
	http_get(bureau, "/regions/999999", &r);
	expect_status(r, 404);

	http_get(teacher, "/centres/gz-yey", &r);
	expect_status(r, 200);
	expect_contains(r, "<strong>幼儿园</strong> 全市幼儿园教师的培训与发展。");
	snprintf(staff, sizeof staff, "<dd>%lld</dd>",
		 db_int("SELECT count(*) FROM persons p JOIN centres c ON c.id = p.centre_id"
			" WHERE c.code = 'gz-yey' AND p.status = 'serving'"));
	expect_contains(r, staff);
	http_get(bureau, "/centres/440106", &r);
	expect_status(r, 200);
	expect_contains(r, "href=\"/schools?district=440106\">本区学校</a>");
	expect_contains(r, "本区所有学校的教师培训与发展。");
	expect_contains(r, "href=\"/regions/440106\">天河区（440106）</a>");
	http_get(bureau, "/centres/nowhere", &r);
	expect_status(r, 404);
	response_free(&r);
	client_free(bureau);
	client_free(teacher);
}

/* ---- the forms ------------------------------------------------------------ */

static void admin_creates_and_edits(void **state)
{
	struct client *admin = client_as("admin");
	struct response r = { 0 };
	long long audits;
	char *form, *detail;

	(void)state;
	http_get(admin, "/regions/new", &r);
	expect_status(r, 200);
	expect_contains(r, "name=\"code\"");
	expect_contains(r, "<option value=\"440100\">广州市（440100）</option>");

	form = form_encode("code", " 440199 ", "name", "测试新区", "level", "district",
			   "parent_code", "440100", (char *)NULL);
	post_form(admin, "/regions", form, &r);
	free(form);
	expect_redirect(r, "/regions/440199?done=created");
	detail = db_text("SELECT detail FROM audit_log WHERE action = 'region.create'"
			 " AND object = 'region:440199' AND actor = 'admin'");
	assert_non_null(detail);
	assert_string_equal(detail, "测试新区 (district, parent 440100)");
	free(detail);
	http_get(admin, "/regions?q=%E6%B5%8B%E8%AF%95%E6%96%B0%E5%8C%BA", &r); /* 测试新区 */
	expect_total(&r, 1);
	expect_contains(r, "href=\"/regions/440199\">测试新区</a>");
	http_get(admin, "/regions/440199?done=created", &r);
	expect_contains(r, "本区划没有教师发展中心。");

	/* its district centre, then a municipal centre */
	form = form_encode("kind", "district", "code", "440199", "name", "广州市测试新区教师发展中心",
			   "region_code", "", "domain", "", (char *)NULL);
	post_form(admin, "/centres", form, &r);
	free(form);
	expect_redirect(r, "/centres/440199?done=created");
	detail = db_text("SELECT detail FROM audit_log WHERE action = 'centre.create'"
			 " AND object = 'centre:440199'");
	assert_non_null(detail);
	assert_string_equal(detail, "广州市测试新区教师发展中心 (district, region 440199)");
	free(detail);
	form = form_encode("kind", "municipal", "code", "gz-test", "name", "广州市测试教师发展中心",
			   "region_code", "440100", "domain", "research", (char *)NULL);
	post_form(admin, "/centres", form, &r);
	free(form);
	expect_redirect(r, "/centres/gz-test?done=created");
	detail = db_text("SELECT kind || ' ' || region_code || ' ' || domain FROM centres"
			 " WHERE code = 'gz-test'");
	assert_non_null(detail);
	assert_string_equal(detail, "municipal 440100 research");
	free(detail);
	assert_int_equal(db_int("SELECT count(*) FROM audit_log WHERE action = 'centre.create'"
				" AND object = 'centre:gz-test'"), 1);
	http_get(admin, "/centres?kind=municipal", &r);
	expect_total(&r, 7);
	expect_contains(r, "href=\"/centres/gz-test\">广州市测试教师发展中心</a>");
	http_get(admin, "/regions/440199", &r);
	expect_contains(r, "href=\"/centres/440199\">广州市测试新区教师发展中心</a>");

	/* edits: the name changes, the code stays */
	http_get(admin, "/regions/440199/edit", &r);
	expect_status(r, 200);
	expect_lacks(r, "name=\"code\"");
	expect_contains(r, "value=\"测试新区\"");
	form = form_encode("code", "440198", "name", "测试新区二", "level", "district",
			   "parent_code", "440100", (char *)NULL);
	post_form(admin, "/regions/440199", form, &r);
	free(form);
	expect_redirect(r, "/regions/440199?done=saved");
	detail = db_text("SELECT detail FROM audit_log WHERE action = 'region.update'"
			 " AND object = 'region:440199'");
	assert_non_null(detail);
	assert_string_equal(detail, "name: 测试新区 -> 测试新区二");
	free(detail);
	assert_int_equal(db_int("SELECT count(*) FROM regions WHERE code = '440198'"), 0);

	/* the same values again: nothing written, nothing audited */
	audits = db_int("SELECT count(*) FROM audit_log");
	form = form_encode("name", "测试新区二", "level", "district", "parent_code", "440100",
			   (char *)NULL);
	post_form(admin, "/regions/440199", form, &r);
	free(form);
	expect_redirect(r, "/regions/440199?done=unchanged");
	assert_int_equal(db_int("SELECT count(*) FROM audit_log"), audits);

	/* a region in use keeps its level */
	form = form_encode("name", "测试新区二", "level", "city", "parent_code", "440000",
			   (char *)NULL);
	post_form(admin, "/regions/440199", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-level\"");

	/* a municipal centre's domain */
	http_get(admin, "/centres/gz-test/edit", &r);
	expect_status(r, 200);
	expect_contains(r, "<option value=\"research\" selected>");
	form = form_encode("name", "广州市测试教师发展中心", "region_code", "440100", "domain",
			   "remote", "kind", "district", (char *)NULL);
	post_form(admin, "/centres/gz-test", form, &r);
	free(form);
	expect_redirect(r, "/centres/gz-test?done=saved");
	detail = db_text("SELECT detail FROM audit_log WHERE action = 'centre.update'"
			 " AND object = 'centre:gz-test'");
	assert_non_null(detail);
	assert_string_equal(detail, "domain: research -> remote");
	free(detail);
	detail = db_text("SELECT kind || ' ' || domain FROM centres WHERE code = 'gz-test'");
	assert_string_equal(detail, "municipal remote"); /* the kind stays */
	free(detail);
	http_get(admin, "/centres/gz-test?done=saved", &r);
	expect_contains(r, "<strong>远程培训与平台</strong>");
	response_free(&r);
	client_free(admin);
}

static void messages_per_field(void **state)
{
	struct client *admin = client_as("admin");
	struct response r = { 0 };
	long long regions = db_int("SELECT count(*) FROM regions");
	long long centres = db_int("SELECT count(*) FROM centres");
	char *form;

	(void)state;
	/* a bad code, no name, no parent */
	form = form_encode("code", "12345", "name", "", "level", "district", "parent_code", "",
			   (char *)NULL);
	post_form(admin, "/regions", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "<p class=\"field-error\" id=\"e-code\">区划代码应为 6 位数字。</p>");
	expect_contains(r, "<p class=\"field-error\" id=\"e-name\">此项必填。</p>");
	expect_contains(r, "<p class=\"field-error\" id=\"e-parent_code\">此项必填。</p>");
	expect_contains(r, "value=\"12345\""); /* what was sent stays */

	/* a parent that does not exist, one of the wrong level, one of another city */
	form = form_encode("code", "440197", "name", "新区", "level", "district", "parent_code",
			   "449900", (char *)NULL);
	post_form(admin, "/regions", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-parent_code\">没有这个代码的区划。</p>");
	form = form_encode("code", "440197", "name", "新区", "level", "district", "parent_code",
			   "440000", (char *)NULL);
	post_form(admin, "/regions", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-parent_code\">上级级别不对：区县的上级应为市，市的上级应为省。</p>");
	form = form_encode("code", "440200", "name", "韶关市", "level", "district", "parent_code",
			   "440100", (char *)NULL);
	post_form(admin, "/regions", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-code\">代码与级别不符");

	/* a code that is taken */
	form = form_encode("code", "440106", "name", "天河区", "level", "district", "parent_code",
			   "440100", (char *)NULL);
	post_form(admin, "/regions", form, &r);
	free(form);
	expect_status(r, 409);
	expect_contains(r, "id=\"e-code\">该代码已被使用。</p>");

	/* centres: a domain on a district centre, a bad code, a taken one */
	form = form_encode("kind", "district", "code", "440103", "name", "荔湾中心", "region_code",
			   "", "domain", "kindergarten", (char *)NULL);
	post_form(admin, "/centres", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-domain\">区级中心不设服务领域：它服务本区所有学校。</p>");
	form = form_encode("kind", "municipal", "code", "GZ YEY", "name", "中心", "region_code",
			   "440100", "domain", "", (char *)NULL);
	post_form(admin, "/centres", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-code\">市级中心代码应为 2 至 32 个小写字母");
	expect_contains(r, "id=\"e-domain\">市级中心必须选择服务领域。</p>");
	form = form_encode("kind", "district", "code", "440100", "name", "中心", (char *)NULL);
	post_form(admin, "/centres", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-code\">区级中心的代码应为一个已有区县的 6 位区划代码。</p>");
	form = form_encode("kind", "municipal", "code", "gz-yey", "name", "又一个", "region_code",
			   "440100", "domain", "kindergarten", (char *)NULL);
	post_form(admin, "/centres", form, &r);
	free(form);
	expect_status(r, 409);
	expect_contains(r, "id=\"e-code\">该代码已被使用。</p>");
	form = form_encode("kind", "municipal", "code", "gz-new", "name", "又一个", "region_code",
			   "440106", "domain", "kindergarten", (char *)NULL);
	post_form(admin, "/centres", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-region_code\">市级中心所在的区划应为市。</p>");

	assert_int_equal(db_int("SELECT count(*) FROM regions"), regions);
	assert_int_equal(db_int("SELECT count(*) FROM centres"), centres);
	response_free(&r);
	client_free(admin);
}

static void others_may_not_and_csrf(void **state)
{
	static const char *const logins[] = { "centre", "kg-centre", "school", "bureau", "teacher" };
	static const char *const gets[] = { "/regions/new", "/centres/new", "/regions/440106/edit",
					    "/centres/gz-yey/edit" };
	struct response r = { 0 };
	long long regions = db_int("SELECT count(*) FROM regions");
	char *region = form_encode("code", "440196", "name", "不该有的区", "level", "district",
				   "parent_code", "440100", (char *)NULL);
	char *rename = form_encode("name", "改名", "level", "district", "parent_code", "440100",
				   (char *)NULL);
	char *centre = form_encode("name", "改名", "region_code", "440100", "domain", "remote",
				   (char *)NULL);

	(void)state;
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		struct client *c = client_as(logins[i]);

		for (size_t k = 0; k < sizeof gets / sizeof gets[0]; k++) {
			http_get(c, gets[k], &r);
			if (r.status != 403)
				fail_msg("%s GET %s: %ld, expected 403", logins[i], gets[k], r.status);
		}
		post_form(c, "/regions", region, &r);
		expect_status(r, 403);
		post_form(c, "/regions/440106", rename, &r);
		expect_status(r, 403);
		post_form(c, "/centres/gz-yey", centre, &r);
		expect_status(r, 403);
		http_get(c, "/centres", &r);
		expect_lacks(r, "href=\"/centres/new\"");
		client_free(c);
	}
	{
		/* the system admin, without the form's token */
		struct client *admin = client_as("admin");

		http_post_form(admin, "/regions", region, &r);
		expect_status(r, 403);
		http_post_form(admin, "/regions/440106", rename, &r);
		expect_status(r, 403);
		client_free(admin);
	}
	assert_int_equal(db_int("SELECT count(*) FROM regions"), regions);
	assert_int_equal(db_int("SELECT count(*) FROM regions WHERE name = '改名'"), 0);
	assert_int_equal(db_int("SELECT count(*) FROM centres WHERE name = '改名'"), 0);
	free(region);
	free(rename);
	free(centre);
	response_free(&r);
}

static void english_messages(void **state)
{
	struct client *admin = client_as("admin");
	struct response r = { 0 };
	char *form;

	(void)state;
	http_get(admin, "/lang?to=en&back=/regions", &r);
	expect_status(r, 303);
	http_get(admin, "/regions?level=district", &r);
	expect_contains(r, "in all");
	form = form_encode("code", "abc", "name", "x", "level", "province", "parent_code", "440100",
			   (char *)NULL);
	post_form(admin, "/regions", form, &r);
	free(form);
	expect_status(r, 422);
	expect_contains(r, "id=\"e-code\">A division code has six digits.</p>");
	expect_contains(r, "id=\"e-parent_code\">A province has no parent: leave it empty.</p>");
	http_get(admin, "/lang?to=zh&back=/", &r);
	response_free(&r);
	client_free(admin);
}

/* Last among the list tests: it adds sixty districts. */
static void paging(void **state)
{
	struct client *admin = client_as("admin");
	struct response r = { 0 };

	(void)state;
	assert_int_equal(db_exec("INSERT INTO regions (code, name, level, parent_code)"
				 " VALUES ('449900', '测试市', 'city', '440000')"), 0);
	for (int i = 1; i <= 60; i++)
		assert_int_equal(db_exec("INSERT INTO regions (code, name, level, parent_code)"
					 " VALUES ('4499%02d', '测试%02d区', 'district', '449900')",
					 i, i), 0);
	http_get(admin, "/regions?parent=449900", &r);
	expect_status(r, 200);
	expect_total(&r, 60);
	expect_contains(r, "第 1 页，共 2 页");
	expect_contains(r, "<code>449950</code>");
	expect_lacks(r, "<code>449951</code>");
	expect_contains(r, "href=\"/regions?parent=449900&amp;page=2\"");
	http_get(admin, "/regions?parent=449900&page=2", &r);
	expect_status(r, 200);
	expect_total(&r, 60);
	expect_contains(r, "第 2 页，共 2 页");
	expect_contains(r, "<code>449951</code>");
	expect_contains(r, "<code>449960</code>");
	expect_lacks(r, "<code>449950</code>");
	http_get(admin, "/regions/449900", &r);
	expect_contains(r, "href=\"/regions/449960\">测试60区</a>");
	response_free(&r);
	client_free(admin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(region_list_search_filters_counts),
		cmocka_unit_test(centre_list_search_filters),
		cmocka_unit_test(detail_pages),
		cmocka_unit_test(admin_creates_and_edits),
		cmocka_unit_test(messages_per_field),
		cmocka_unit_test(others_may_not_and_csrf),
		cmocka_unit_test(english_messages),
		cmocka_unit_test(paging),
		cmocka_unit_test(harness_test_server_stops),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
