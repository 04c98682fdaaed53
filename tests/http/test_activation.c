/* test_activation.c - teacher activation codes over HTTP and the CLI.
 *
 * The demo school admin issues codes for her school on /activation: the
 * page counts who has no account, the sheet shows one card per teacher,
 * and its .xlsx downloads (a zip) for her alone.  A teacher redeems her
 * code on /activate, is signed in, then signs in again on /login with her
 * ID number (lower-case x too) and the new password; the same code a
 * second time fails.  Mismatched passwords, a missing CSRF token and a
 * school outside a centre admin's scope are refused; teachers, the bureau,
 * the alliance and evaluators get 403.  The audit log has the rows.  And
 * 'tdc user activate' writes an .xlsx and a CSV, exit 1 on an unknown
 * scope, exit 2 on misuse.
 *
 * The tests share the demo database and run in order: the issue feeds the
 * redeem. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCHOOL "3444102077"
#define NEW_PW "teacher-pass-1"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

struct card {
	char *name, *masked, *code;
};

static struct client *school;
static struct card cards[64];
static int ncards;
static char sheet_link[128];
static char redeemed_id[19];

static int setup(void **state)
{
	return harness_group_setup(state);
}

static int teardown(void **state)
{
	client_free(school);
	for (int i = 0; i < ncards; i++) {
		free(cards[i].name);
		free(cards[i].masked);
		free(cards[i].code);
	}
	return harness_group_teardown(state);
}

/* The text between open and close, after from; malloc'd, or NULL. */
static char *between(const char *from, const char *open, const char *close)
{
	const char *a = from ? strstr(from, open) : NULL, *b;

	if (!a)
		return NULL;
	a += strlen(open);
	b = strstr(a, close);
	return b ? strndup(a, (size_t)(b - a)) : NULL;
}

static long post_with_csrf(struct client *c, const char *path, const char *form, struct response *r)
{
	char *csrf = url_escape(c->csrf), *body;
	size_t n = strlen(form) + strlen(csrf) + 8;
	long status;

	body = malloc(n);
	assert_non_null(body);
	snprintf(body, n, "%s%scsrf=%s", form, *form ? "&" : "", csrf);
	status = http_post_form(c, path, body, r);
	free(body);
	free(csrf);
	return status;
}

/* The ID number behind a card: the school, the name and the masked
 * number's ends single one person out. */
static char *id_of(const struct card *k)
{
	return db_text("SELECT p.id_number FROM persons p JOIN schools s ON s.id = p.school_id"
		       " WHERE s.code = '" SCHOOL "' AND p.name = %Q AND substr(p.id_number, 1, 4) = %Q"
		       " AND substr(p.id_number, 15, 4) = %Q",
		       k->name, (char[5]){ k->masked[0], k->masked[1], k->masked[2], k->masked[3], 0 },
		       k->masked + 14);
}

/* POST /activate from a fresh visitor: GET the form for its pre-session
 * token first, as a browser would. */
static long redeem(struct client *c, const char *id, const char *code, const char *pw,
		   const char *pw2, struct response *r)
{
	char *body;
	long status;

	if (client_refresh_csrf(c, "/activate") != 200)
		fail_msg("GET /activate did not answer 200");
	body = form_encode("id_number", id, "code", code, "password", pw, "password2", pw2,
			   "csrf", c->csrf, (char *)NULL);
	status = http_post_form(c, "/activate", body, r);
	free(body);
	return status;
}

static long long without_account(void)
{
	return db_int("SELECT count(*) FROM persons p JOIN schools s ON s.id = p.school_id"
		      " WHERE s.code = '" SCHOOL "' AND p.status = 'serving' AND NOT EXISTS"
		      " (SELECT 1 FROM accounts a WHERE a.person_id = p.id AND a.role = 'teacher'"
		      "  AND a.disabled = 0)");
}

/* ---- issuing ---------------------------------------------------------------- */

static void issue_page_counts_and_form(void **state)
{
	struct response r = { 0 };
	char count[32];

	(void)state;
	school = client_as("school");
	http_get(school, "/activation", &r);
	expect_status(r, 200);
	expect_contains(r, "教师激活码");
	expect_contains(r, "action=\"/activation\"");
	expect_contains(r, "name=\"csrf\"");
	expect_contains(r, "/static/activation.css");
	expect_lacks(r, "name=\"school\""); /* her scope is one school already */
	snprintf(count, sizeof count, "<span class=\"value\">%lld</span>", without_account());
	expect_contains(r, count);
	response_free(&r);

	/* the stylesheet it links is served */
	http_get(school, "/static/activation.css", &r);
	expect_status(r, 200);
	expect_contains(r, "@media print");
	response_free(&r);
}

static void school_admin_issues_a_sheet(void **state)
{
	struct response r = { 0 };
	const char *at;
	long long want = without_account();
	char detail[32];

	(void)state;
	assert_true(want > 0 && want < 64);
	post_with_csrf(school, "/activation", "", &r);
	expect_status(r, 200);
	expect_contains(r, "act-sheet");
	expect_contains(r, "/activate");      /* the address on every card */
	for (at = strstr(r.body, "<article class=\"act-card\">"); at && ncards < 64;
	     at = strstr(at + 1, "<article class=\"act-card\">")) {
		struct card *k = &cards[ncards++];

		k->name = between(at, "<dt>姓名</dt><dd>", "</dd>");
		k->masked = between(at, "<dt>身份证号</dt><dd>", "</dd>");
		k->code = between(at, "<dd class=\"act-code\">", "</dd>");
		assert_non_null(k->name);
		assert_non_null(k->masked);
		assert_non_null(k->code);
		if (strlen(k->code) != 14 || k->code[4] != '-' || k->code[9] != '-')
			fail_msg("card %d: code '%s'", ncards, k->code);
		if (strlen(k->masked) != 18 || strncmp(k->masked + 4, "**********", 10))
			fail_msg("card %d: ID number '%s' is not masked", ncards, k->masked);
	}
	if (ncards != want)
		fail_msg("%d cards, expected %lld", ncards, want);
	{
		char *link = between(r.body, "href=\"/activation/", "\"");

		assert_non_null(link);
		snprintf(sheet_link, sizeof sheet_link, "/activation/%s", link);
		free(link);
	}
	assert_non_null(strstr(sheet_link, ".xlsx"));
	response_free(&r);

	/* issued, audited, stored as hashes */
	snprintf(detail, sizeof detail, "%d codes", ncards);
	if (db_int("SELECT count(*) FROM audit_log WHERE action = 'activation.issue' AND actor = 'school'"
		   " AND object = 'scope:" SCHOOL "' AND detail = %Q", detail) != 1)
		fail_msg("no audit row 'activation.issue' with detail '%s'", detail);
	if (db_int("SELECT count(*) FROM activation_codes WHERE used_at IS NULL AND issued_by = 'school'"
		   " AND length(code_hash) = 32") != ncards)
		fail_msg("not %d hashed codes stored", ncards);
	for (int i = 0; i < ncards; i++)
		if (db_int("SELECT count(*) FROM activation_codes WHERE instr(code_hash, CAST(%Q AS BLOB)) > 0",
			   cards[i].code) != 0)
			fail_msg("code %s stored in the clear", cards[i].code);
}

static void the_sheet_downloads_for_its_issuer_only(void **state)
{
	struct response r = { 0 };
	struct client *centre;
	const char *ct, *cd;

	(void)state;
	http_get(school, sheet_link, &r);
	expect_status(r, 200);
	ct = response_header(&r, "Content-Type");
	cd = response_header(&r, "Content-Disposition");
	if (!ct || strcmp(ct, XLSX_TYPE))
		fail_msg("Content-Type %s", ct ? ct : "(none)");
	if (!cd || strncmp(cd, "attachment", 10) || !strstr(cd, ".xlsx"))
		fail_msg("Content-Disposition %s", cd ? cd : "(none)");
	assert_true(r.len > 1000);
	assert_memory_equal(r.body, "PK\3\4", 4);
	assert_non_null(memmem(r.body, r.len, "xl/worksheets/sheet1.xml", 24));
	response_free(&r);

	/* another admin, even one whose scope holds the school: gone */
	centre = client_as("centre");
	http_get(centre, sheet_link, &r);
	expect_status(r, 410);
	response_free(&r);
	/* a name never issued */
	http_get(school, "/activation/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.xlsx", &r);
	expect_status(r, 410);
	response_free(&r);
	client_free(centre);
}

/* ---- redeeming -------------------------------------------------------------- */

static void teacher_redeems_and_signs_in(void **state)
{
	struct response r = { 0 };
	struct client *c = client_new(), *again;
	struct card *k = NULL;
	char *id = NULL, typed[19], *name_html;

	(void)state;
	/* a card whose number ends in X, if there is one: she types x */
	for (int i = 0; i < ncards && !k; i++)
		if (cards[i].masked[17] == 'X')
			k = &cards[i];
	if (!k)
		k = &cards[0];
	id = id_of(k);
	assert_non_null(id);
	snprintf(redeemed_id, sizeof redeemed_id, "%s", id);
	snprintf(typed, sizeof typed, "%s", id);
	if (typed[17] == 'X')
		typed[17] = 'x';

	http_get(c, "/login", &r);
	expect_contains(r, "href=\"/activate\"");
	expect_contains(r, "首次登录？使用激活码");
	response_free(&r);

	redeem(c, typed, k->code, NEW_PW, NEW_PW, &r);
	expect_redirect(r, "/");
	if (!response_set_cookie(&r, "tdc_session"))
		fail_msg("no session cookie after activation");
	response_free(&r);
	http_get(c, "/", &r);
	expect_status(r, 200);
	name_html = k->name;
	expect_contains(r, name_html);
	expect_contains(r, "教师");
	response_free(&r);

	/* the account: role teacher, her person; its login is not her ID
	 * number, which must show nowhere whole, not even in the audit log */
	{
		char login[32];

		snprintf(login, sizeof login, "t%lld",
			 db_int("SELECT id FROM persons WHERE id_number = %Q", id));
		if (db_int("SELECT count(*) FROM accounts a JOIN persons p ON p.id = a.person_id"
			   " WHERE a.login = %Q AND a.role = 'teacher' AND p.id_number = %Q", login, id) != 1)
			fail_msg("no teacher account '%s'", login);
		if (db_int("SELECT count(*) FROM audit_log WHERE action = 'activation.redeem'"
			   " AND object = 'account:' || %Q AND detail = 'account created'", login) != 1)
			fail_msg("no audit row 'activation.redeem' for %s", login);
		if (db_int("SELECT count(*) FROM audit_log WHERE instr(upper(object), %Q) > 0"
			   " OR instr(upper(actor), %Q) > 0", id, id) != 0)
			fail_msg("the audit log shows the ID number whole");
	}

	/* later: the normal sign-in, with what she types */
	again = client_new();
	if (client_sign_in_full(again, typed, NEW_PW, NULL, &r) != 303)
		fail_msg("sign-in with the ID number '%s': %ld\n%.400s", typed, r.status, r.body);
	response_free(&r);
	client_free(again);
	again = client_new();
	if (client_sign_in_full(again, id, NEW_PW, NULL, &r) != 303)
		fail_msg("sign-in with the ID number '%s': %ld", id, r.status);
	response_free(&r);
	client_free(again);
	free(id);
	client_free(c);
}

static void a_second_redeem_fails(void **state)
{
	struct response r = { 0 };
	struct client *c = client_new();
	struct card *k = NULL;

	(void)state;
	for (int i = 0; i < ncards && !k; i++) {
		char *id = id_of(&cards[i]);

		if (id && !strcmp(id, redeemed_id))
			k = &cards[i];
		free(id);
	}
	assert_non_null(k);
	redeem(c, redeemed_id, k->code, "other-pass-2", "other-pass-2", &r);
	expect_status(r, 422);
	expect_contains(r, "激活码无效或已过期");
	expect_lacks(r, "other-pass-2");
	if (response_set_cookie(&r, "tdc_session"))
		fail_msg("a session for a spent code");
	response_free(&r);
	db_forget_sign_in_failures();
	client_free(c);
}

static void bad_forms_are_refused(void **state)
{
	struct response r = { 0 };
	struct client *c = client_new();
	char *id = id_of(&cards[ncards - 1]), *body;

	(void)state;
	assert_non_null(id);
	/* the passwords differ: nothing spent */
	redeem(c, id, cards[ncards - 1].code, NEW_PW, "something-else", &r);
	expect_status(r, 422);
	expect_contains(r, "两次输入的密码不一致");
	expect_contains(r, cards[ncards - 1].code); /* kept, to correct only the password */
	response_free(&r);
	/* a malformed code and number */
	redeem(c, id, "K7QM", NEW_PW, NEW_PW, &r);
	expect_status(r, 422);
	expect_contains(r, "12 位字母和数字");
	response_free(&r);
	redeem(c, "123456", cards[ncards - 1].code, NEW_PW, NEW_PW, &r);
	expect_status(r, 422);
	expect_contains(r, "身份证号不正确");
	response_free(&r);
	/* no CSRF token */
	body = form_encode("id_number", id, "code", cards[ncards - 1].code, "password", NEW_PW,
			   "password2", NEW_PW, (char *)NULL);
	http_post_form(c, "/activate", body, &r);
	expect_status(r, 403);
	free(body);
	response_free(&r);
	if (db_int("SELECT count(*) FROM activation_codes WHERE used_at IS NOT NULL") != 1)
		fail_msg("a refused form spent a code");
	free(id);
	client_free(c);
}

static void other_roles_get_403(void **state)
{
	static const char *const logins[] = { "teacher", "bureau", "alliance", "evaluator" };
	struct response r = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		struct client *c = client_as(logins[i]);

		http_get(c, "/activation", &r);
		if (r.status != 403)
			fail_msg("%s GET /activation: %ld", logins[i], r.status);
		post_with_csrf(c, "/activation", "", &r);
		if (r.status != 403)
			fail_msg("%s POST /activation: %ld", logins[i], r.status);
		http_get(c, sheet_link, &r);
		if (r.status != 403)
			fail_msg("%s GET %s: %ld", logins[i], sheet_link, r.status);
		response_free(&r);
		client_free(c);
	}
	/* anonymous: to the sign-in page */
	{
		struct client *c = client_new();

		http_get(c, "/activation", &r);
		expect_redirect(r, "/login?next=%2Factivation");
		response_free(&r);
		client_free(c);
	}
}

static void centre_admin_by_school(void **state)
{
	struct response r = { 0 };
	struct client *c = client_as("centre");
	char *outside = db_text("SELECT code FROM schools WHERE district_code <> '440106' LIMIT 1");
	char *inside = db_text("SELECT s.code FROM schools s WHERE s.district_code = '440106'"
			       " AND s.code <> '" SCHOOL "' AND EXISTS (SELECT 1 FROM persons p"
			       " WHERE p.school_id = s.id AND p.status = 'serving') LIMIT 1");
	char form[64];

	(void)state;
	assert_non_null(outside);
	assert_non_null(inside);
	http_get(c, "/activation", &r);
	expect_status(r, 200);
	expect_contains(r, "name=\"school\"");
	response_free(&r);
	snprintf(form, sizeof form, "school=%s", outside);
	post_with_csrf(c, "/activation", form, &r);
	expect_status(r, 422);
	expect_contains(r, "不在您的管理范围内");
	response_free(&r);
	post_with_csrf(c, "/activation", "school=0000000000", &r);
	expect_status(r, 422);
	response_free(&r);
	snprintf(form, sizeof form, "school=%s", inside);
	post_with_csrf(c, "/activation", form, &r);
	expect_status(r, 200);
	expect_contains(r, "act-card");
	response_free(&r);
	if (db_int("SELECT count(*) FROM audit_log WHERE action = 'activation.issue' AND actor = 'centre'"
		   " AND object = 'scope:' || %Q", inside) != 1)
		fail_msg("no audit row for the centre's issue for %s", inside);
	free(outside);
	free(inside);
	client_free(c);
}

/* ---- the CLI ----------------------------------------------------------------- */

static bool file_is_xlsx(const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[1 << 16];
	size_t n;
	bool ok;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	ok = n > 4 && !memcmp(buf, "PK\3\4", 4) && memmem(buf, n, "xl/worksheets/", 14);
	return ok;
}

static void cli_activate(void **state)
{
	struct cli_result res;
	char xlsx[600], csv[600], msg[64];
	struct stat st;

	(void)state;
	snprintf(xlsx, sizeof xlsx, "%s/codes.xlsx", harness_dir());
	snprintf(csv, sizeof csv, "%s/codes.csv", harness_dir());
	tdc_cli(&res, NULL, "user", "activate", "--scope", SCHOOL, "--out", xlsx, "--db", harness_db(),
		(char *)NULL);
	if (res.status != 0)
		fail_msg("tdc user activate: %d\n%s%s", res.status, res.out, res.err);
	snprintf(msg, sizeof msg, "codes issued for %s, valid until ", SCHOOL);
	if (!strstr(res.out, msg) || !strstr(res.out, xlsx))
		fail_msg("tdc user activate said: %s", res.out);
	cli_result_free(&res);
	assert_true(file_is_xlsx(xlsx));
	assert_int_equal(stat(xlsx, &st), 0);
	assert_int_equal(st.st_mode & 077, 0); /* live codes: for its owner only */

	/* the file exists: refused, not overwritten */
	tdc_cli(&res, NULL, "user", "activate", "--scope", SCHOOL, "--out", xlsx, "--db", harness_db(),
		(char *)NULL);
	assert_int_equal(res.status, 1);
	cli_result_free(&res);

	/* CSV, for a district: UTF-8 with its BOM */
	tdc_cli(&res, NULL, "user", "activate", "--scope", "440106", "--out", csv, "--all",
		"--db", harness_db(), (char *)NULL);
	if (res.status != 0)
		fail_msg("tdc user activate --all (csv): %d\n%s%s", res.status, res.out, res.err);
	cli_result_free(&res);
	{
		FILE *f = fopen(csv, "rb");
		char head[64] = "";

		assert_non_null(f);
		assert_true(fread(head, 1, sizeof head - 1, f) > 3);
		fclose(f);
		assert_memory_equal(head, "\xEF\xBB\xBF学校,姓名", strlen("\xEF\xBB\xBF学校,姓名"));
	}

	/* an unknown scope: 1, with a message; misuse: 2 */
	snprintf(csv, sizeof csv, "%s/none.csv", harness_dir());
	tdc_cli(&res, NULL, "user", "activate", "--scope", "9999999999", "--out", csv, "--db",
		harness_db(), (char *)NULL);
	assert_int_equal(res.status, 1);
	assert_non_null(strstr(res.err, "9999999999"));
	cli_result_free(&res);
	assert_int_equal(access(csv, F_OK), -1);
	tdc_cli(&res, NULL, "user", "activate", "--out", "x.xlsx", "--db", harness_db(), (char *)NULL);
	assert_int_equal(res.status, 2);
	cli_result_free(&res);
	tdc_cli(&res, NULL, "user", "activate", "--scope", SCHOOL, "--db", harness_db(), (char *)NULL);
	assert_int_equal(res.status, 2);
	cli_result_free(&res);
	tdc_cli(&res, NULL, "user", "activate", "--scope", SCHOOL, "--out", "codes.pdf", "--db",
		harness_db(), (char *)NULL);
	assert_int_equal(res.status, 2);
	cli_result_free(&res);
	assert_int_equal(access("codes.pdf", F_OK), -1);

	/* and the usage tells of it */
	tdc_cli(&res, NULL, "user", "--help", (char *)NULL);
	assert_int_equal(res.status, 0);
	assert_non_null(strstr(res.out, "tdc user activate --scope CODE --out FILE"));
	cli_result_free(&res);
	if (db_int("SELECT count(*) FROM audit_log WHERE action = 'activation.issue'"
		   " AND actor LIKE 'cli:%%' AND object = 'scope:" SCHOOL "'") != 1)
		fail_msg("no audit row for the CLI's issue");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(issue_page_counts_and_form),
		cmocka_unit_test(school_admin_issues_a_sheet),
		cmocka_unit_test(the_sheet_downloads_for_its_issuer_only),
		cmocka_unit_test(teacher_redeems_and_signs_in),
		cmocka_unit_test(a_second_redeem_fails),
		cmocka_unit_test(bad_forms_are_refused),
		cmocka_unit_test(other_roles_get_403),
		cmocka_unit_test(centre_admin_by_school),
		cmocka_unit_test(cli_activate),
		cmocka_unit_test(harness_test_server_stops), /* last */
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
