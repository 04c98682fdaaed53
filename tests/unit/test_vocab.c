/* test_vocab.c - spreadsheet words to database codes (core/vocab.c).
 *
 * Words of each kind, case and every kind of space, the old title names
 * of before the 2015 reform, honours that are no level, unknown words;
 * the table itself (the schema's codes, no spelling that maps to two
 * codes, canonical names that match web/text.c); and docs/import-values.md,
 * which must list exactly the table's spellings, and the ID number
 * messages of lib/idcard.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/vocab.h"
#include "core/hours.h"
#include "lib/idcard.h"
#include "web/text.h"

static void is(enum vocab_kind k, const char *text, const char *code)
{
	const char *got = vocab_code(k, text);

	if (!code && got)
		fail_msg("%s '%s' gave '%s', expected unknown", vocab_kind_name(k), text, got);
	if (code && (!got || strcmp(got, code)))
		fail_msg("%s '%s' gave '%s', expected '%s'", vocab_kind_name(k), text,
			 got ? got : "(unknown)", code);
}

static void stage_and_ownership(void **state)
{
	is(VOCAB_STAGE, "幼儿园", "kindergarten");
	is(VOCAB_STAGE, "小学", "primary");
	is(VOCAB_STAGE, "初中", "junior");
	is(VOCAB_STAGE, "初级中学", "junior");
	is(VOCAB_STAGE, "高中", "senior");
	is(VOCAB_STAGE, "高级中学", "senior");
	is(VOCAB_STAGE, "完全中学", "complete");
	is(VOCAB_STAGE, "九年一贯制", "nine_year");
	is(VOCAB_STAGE, "九年一贯制学校", "nine_year");
	is(VOCAB_STAGE, "中职", "vocational");
	is(VOCAB_STAGE, "中等职业学校", "vocational");
	is(VOCAB_STAGE, "职业高中", "vocational");
	is(VOCAB_STAGE, "技工学校", "vocational");
	is(VOCAB_STAGE, "特殊教育", "special");
	is(VOCAB_STAGE, "特教", "special");
	is(VOCAB_STAGE, "特殊教育学校", "special");
	is(VOCAB_STAGE, "大学", NULL);
	is(VOCAB_OWNERSHIP, "公办", "public");
	is(VOCAB_OWNERSHIP, "公立", "public");
	is(VOCAB_OWNERSHIP, "民办", "private");
	is(VOCAB_OWNERSHIP, "私立", "private");
	is(VOCAB_OWNERSHIP, "Private", "private");
	is(VOCAB_OWNERSHIP, "合资", NULL);
}

static void role(void **state)
{
	is(VOCAB_ROLE, "教师", "teacher");
	is(VOCAB_ROLE, "专任教师", "teacher");
	is(VOCAB_ROLE, "班主任", "teacher");
	is(VOCAB_ROLE, "任课教师", "teacher");
	is(VOCAB_ROLE, "校长", "principal");
	is(VOCAB_ROLE, "副校长", "principal");
	is(VOCAB_ROLE, "园长", "principal");
	is(VOCAB_ROLE, "副园长", "principal");
	is(VOCAB_ROLE, "书记", "principal");
	is(VOCAB_ROLE, "主任", "director");
	is(VOCAB_ROLE, "中层", "director");
	is(VOCAB_ROLE, "教导主任", "director");
	is(VOCAB_ROLE, "德育主任", "director");
	is(VOCAB_ROLE, "教研员", "researcher");
	is(VOCAB_ROLE, "培训者", "trainer");
	is(VOCAB_ROLE, "培训师", "trainer");
	is(VOCAB_ROLE, "讲师", "trainer");
	is(VOCAB_ROLE, "Teacher", "teacher");
	is(VOCAB_ROLE, "保安", NULL);
}

static void title(void **state)
{
	is(VOCAB_TITLE, "正高级", "full_senior");
	is(VOCAB_TITLE, "正高", "full_senior");
	is(VOCAB_TITLE, "正高级教师", "full_senior");
	is(VOCAB_TITLE, "中小学正高级", "full_senior");
	is(VOCAB_TITLE, "高级", "senior");
	is(VOCAB_TITLE, "高级教师", "senior");
	is(VOCAB_TITLE, "副高级", "senior");
	is(VOCAB_TITLE, "一级", "first");
	is(VOCAB_TITLE, "一级教师", "first");
	is(VOCAB_TITLE, "中级", "first");
	is(VOCAB_TITLE, "二级", "second");
	is(VOCAB_TITLE, "二级教师", "second");
	is(VOCAB_TITLE, "助理级", "second");
	is(VOCAB_TITLE, "初级", "second");
	is(VOCAB_TITLE, "三级", "third");
	is(VOCAB_TITLE, "员级", "third");
	is(VOCAB_TITLE, "无", "none");
	is(VOCAB_TITLE, "未定级", "none");
	is(VOCAB_TITLE, "未评", "none");
	is(VOCAB_TITLE, "空", "none");
	/* the old series, by 人社部发〔2015〕79号 */
	is(VOCAB_TITLE, "中学高级", "senior");
	is(VOCAB_TITLE, "中学高级教师", "senior");
	is(VOCAB_TITLE, "小学高级", "first"); /* not senior */
	is(VOCAB_TITLE, "小学高级教师", "first");
	is(VOCAB_TITLE, "中学一级", "first");
	is(VOCAB_TITLE, "小学一级", "second");
	is(VOCAB_TITLE, "中学二级", "second");
	is(VOCAB_TITLE, "中学三级", "third");
	is(VOCAB_TITLE, "小学二级", "third");
	is(VOCAB_TITLE, "小学三级", "third");
	/* English */
	is(VOCAB_TITLE, "Senior", "senior");
	is(VOCAB_TITLE, "Full Senior", "full_senior");
	is(VOCAB_TITLE, "FULL_SENIOR", "full_senior");
	is(VOCAB_TITLE, "First grade", "first");
	/* an honour is no title */
	is(VOCAB_TITLE, "特级教师", NULL);
	is(VOCAB_TITLE, "教授", NULL);
}

static void education(void **state)
{
	is(VOCAB_EDUCATION, "博士", "doctorate");
	is(VOCAB_EDUCATION, "博士研究生", "doctorate");
	is(VOCAB_EDUCATION, "硕士", "master");
	is(VOCAB_EDUCATION, "硕士研究生", "master");
	is(VOCAB_EDUCATION, "研究生", "master");
	is(VOCAB_EDUCATION, "本科", "bachelor");
	is(VOCAB_EDUCATION, "大学本科", "bachelor");
	is(VOCAB_EDUCATION, "学士", "bachelor");
	is(VOCAB_EDUCATION, "大专", "associate");
	is(VOCAB_EDUCATION, "专科", "associate");
	is(VOCAB_EDUCATION, "大学专科", "associate");
	is(VOCAB_EDUCATION, "中专", "lower");
	is(VOCAB_EDUCATION, "高中", "lower");
	is(VOCAB_EDUCATION, "中师", "lower");
	is(VOCAB_EDUCATION, "高中及以下", "lower");
	is(VOCAB_EDUCATION, "phd", "doctorate");
	is(VOCAB_EDUCATION, "Bachelor", "bachelor");
	is(VOCAB_EDUCATION, "博士后", NULL);
}

static void key_level(void **state)
{
	is(VOCAB_KEY_LEVEL, "无", "none");
	is(VOCAB_KEY_LEVEL, "否", "none");
	is(VOCAB_KEY_LEVEL, "非骨干", "none");
	is(VOCAB_KEY_LEVEL, "校级", "school");
	is(VOCAB_KEY_LEVEL, "校级骨干", "school");
	is(VOCAB_KEY_LEVEL, "区级", "district");
	is(VOCAB_KEY_LEVEL, "县级", "district");
	is(VOCAB_KEY_LEVEL, "区级骨干教师", "district");
	is(VOCAB_KEY_LEVEL, "市级", "city");
	is(VOCAB_KEY_LEVEL, "省级", "province");
	is(VOCAB_KEY_LEVEL, "国家级", "nation");
	is(VOCAB_KEY_LEVEL, "National", "nation");
	/* honours and unspecific words are no level */
	is(VOCAB_KEY_LEVEL, "名师", NULL);
	is(VOCAB_KEY_LEVEL, "名校长", NULL);
	is(VOCAB_KEY_LEVEL, "特级教师", NULL);
	is(VOCAB_KEY_LEVEL, "骨干教师", NULL);
}

static void status_and_gender(void **state)
{
	is(VOCAB_STATUS, "在职", "serving");
	is(VOCAB_STATUS, "在岗", "serving");
	is(VOCAB_STATUS, "调出", "transferred");
	is(VOCAB_STATUS, "调离", "transferred");
	is(VOCAB_STATUS, "退休", "retired");
	is(VOCAB_STATUS, "离职", "left");
	is(VOCAB_STATUS, "辞职", "left");
	is(VOCAB_STATUS, "Retired", "retired");
	is(VOCAB_STATUS, "死亡", NULL);
	is(VOCAB_GENDER, "男", "male");
	is(VOCAB_GENDER, "女", "female");
	is(VOCAB_GENDER, "Male", "male");
	is(VOCAB_GENDER, "f", "female");
	is(VOCAB_GENDER, "其他", NULL);
}

static void case_and_spaces(void **state)
{
	is(VOCAB_TITLE, "  高级  ", "senior");
	is(VOCAB_TITLE, "\t高级\r\n", "senior");
	is(VOCAB_TITLE, "\xE3\x80\x80高级\xE3\x80\x80", "senior"); /* full-width spaces */
	is(VOCAB_TITLE, "\xC2\xA0高级", "senior");                 /* no-break space */
	is(VOCAB_TITLE, "正 高 级", "full_senior");
	is(VOCAB_TITLE, "  full   senior ", "full_senior");
	is(VOCAB_TITLE, "fullsenior", "full_senior");
	is(VOCAB_STAGE, "NINE_YEAR", "nine_year");
	is(VOCAB_STAGE, "Nine-Year School", "nine_year");
	is(VOCAB_STAGE, "Junior High School", "junior");
	/* not a prefix or substring match */
	is(VOCAB_TITLE, "高", NULL);
	is(VOCAB_TITLE, "高级教师啊", NULL);
	is(VOCAB_TITLE, "senio", NULL);
	is(VOCAB_TITLE, "seniors", NULL);
	/* nothing is nothing */
	is(VOCAB_TITLE, "", NULL);
	is(VOCAB_TITLE, "   ", NULL);
	is(VOCAB_TITLE, "\xE3\x80\x80", NULL);
	assert_null(vocab_code(VOCAB_TITLE, NULL));
	/* too long for any word */
	{
		char longer[300];

		memset(longer, 'a', sizeof longer - 1);
		longer[sizeof longer - 1] = '\0';
		is(VOCAB_TITLE, longer, NULL);
	}
	/* a kind out of range */
	assert_null(vocab_code(VOCAB__MAX, "高级"));
	assert_null(vocab_code((enum vocab_kind)-1, "高级"));
	/* the same word in two kinds */
	is(VOCAB_STAGE, "senior", "senior");
	is(VOCAB_TITLE, "无", "none");
	is(VOCAB_KEY_LEVEL, "无", "none");
	is(VOCAB_EDUCATION, "中专", "lower");
	is(VOCAB_STAGE, "中专", "vocational");
}

static void table_matches_schema(void **state)
{
	/* the CHECK constraints of migrations/001_init.sql and 003_training.sql */
	static const char *const schema[VOCAB__MAX][20] = {
		[VOCAB_STAGE] = { "kindergarten", "primary", "junior", "senior", "complete",
				  "nine_year", "vocational", "special" },
		[VOCAB_OWNERSHIP] = { "public", "private" },
		[VOCAB_ROLE] = { "teacher", "principal", "director", "researcher", "trainer" },
		[VOCAB_TITLE] = { "full_senior", "senior", "first", "second", "third", "none" },
		[VOCAB_EDUCATION] = { "doctorate", "master", "bachelor", "associate", "lower" },
		[VOCAB_KEY_LEVEL] = { "none", "school", "district", "city", "province", "nation" },
		[VOCAB_STATUS] = { "serving", "transferred", "retired", "left" },
		[VOCAB_GENDER] = { "male", "female" },
		[VOCAB_CATEGORY] = { "qualification", "improvement", "advanced", "thematic",
				     "whole_staff", "key_teacher", "new_teacher", "school_based",
				     "online", "remote", "it2", "special_education", "counterpart",
				     "general", "specialist", "elective", "other" },
		[VOCAB_SOURCE] = { "programme", "recognition", "import", "manual", "transfer_in" },
		/* 004_assessment.sql */
		[VOCAB_APPRAISAL] = { "excellent", "qualified", "basic", "unqualified", "none" },
		[VOCAB_EVENT] = { "ethics", "suspension", "approved_leave", "revocation" },
	};

	/* core/hours.c keeps the same lists for the ledger's checks */
	for (int i = 0; hours_categories[i] || schema[VOCAB_CATEGORY][i]; i++)
		assert_string_equal(hours_categories[i], schema[VOCAB_CATEGORY][i]);
	for (int i = 0; hours_sources[i] || schema[VOCAB_SOURCE][i]; i++)
		assert_string_equal(hours_sources[i], schema[VOCAB_SOURCE][i]);
	for (int k = 0; k < VOCAB__MAX; k++) {
		const char *const *codes = vocab_codes((enum vocab_kind)k);
		int i;

		assert_true(vocab_kind_name((enum vocab_kind)k)[0] != '\0');
		for (i = 0; codes[i]; i++) {
			if (!schema[k][i] || strcmp(codes[i], schema[k][i]))
				fail_msg("%s code %d is '%s'", vocab_kind_name((enum vocab_kind)k), i, codes[i]);
			assert_non_null(vocab_names((enum vocab_kind)k, codes[i]));
		}
		assert_null(schema[k][i]);
	}
	assert_null(vocab_codes(VOCAB__MAX)[0]);
	assert_null(vocab_names(VOCAB_TITLE, "professor"));
	assert_null(vocab_names(VOCAB_TITLE, NULL));
	assert_null(vocab_names(VOCAB__MAX, "senior"));
	assert_null(vocab_label(VOCAB_TITLE, "professor"));
	assert_string_equal(vocab_label(VOCAB_TITLE, "senior"), "高级");
	assert_string_equal(vocab_kind_name(VOCAB__MAX), "");
}

/* Every spelling maps to its own code: first match wins in vocab_code(),
 * so a spelling listed under two codes of a kind fails here. */
static void every_spelling_maps_to_its_code(void **state)
{
	for (int k = 0; k < VOCAB__MAX; k++) {
		for (const char *const *c = vocab_codes((enum vocab_kind)k); *c; c++) {
			const char *const *names = vocab_names((enum vocab_kind)k, *c);

			is((enum vocab_kind)k, *c, *c);
			assert_non_null(names[0]);
			/* the canonical name is Chinese: its first byte is not ASCII */
			assert_true((unsigned char)names[0][0] >= 0x80);
			assert_string_equal(vocab_label((enum vocab_kind)k, *c), names[0]);
			for (int i = 0; names[i]; i++) {
				is((enum vocab_kind)k, names[i], *c);
				/* lookup skips ASCII spaces only in the table */
				assert_null(strstr(names[i], "\xE3\x80\x80"));
				assert_null(strchr(names[i], '\t'));
				assert_null(strchr(names[i], ','));
			}
		}
	}
}

/* Where web/text.c names a code, the canonical name is that name. */
static void labels_match_the_screens(void **state)
{
	for (int k = 0; k < VOCAB__MAX; k++) {
		const char *kind = vocab_kind_name((enum vocab_kind)k);

		for (const char *const *c = vocab_codes((enum vocab_kind)k); *c; c++) {
			const char *shown = text_enum(LANG_ZH, kind, *c);

			if (!strcmp(shown, *c))
				continue; /* not a kind the screens name yet */
			if (strcmp(shown, vocab_label((enum vocab_kind)k, *c)))
				fail_msg("%s '%s': text.c shows '%s', vocab.c says '%s'", kind, *c, shown,
					 vocab_label((enum vocab_kind)k, *c));
		}
	}
}

/* ---------- docs/import-values.md ---------- */

static char *read_doc(void)
{
	const char *root = getenv("TDC_SOURCE_ROOT");
	char path[512];
	FILE *f;
	char *text;
	long n;

	snprintf(path, sizeof path, "%s/docs/import-values.md", root ? root : "..");
	if (!(f = fopen(path, "rb")))
		fail_msg("cannot open '%s'", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Copies s[0..n) without the spaces at either end. */
static void cell(const char *s, size_t n, char *out, size_t cap)
{
	while (n && *s == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	if (n >= cap)
		fail_msg("cell too long: %.*s", (int)n, s);
	memcpy(out, s, n);
	out[n] = '\0';
}

/* One row "| `code` | canonical | other, other |" of kind k. */
static void check_row(enum vocab_kind k, const char *line, bool seen[32])
{
	const char *bar[5];
	char code[64], canonical[64], others[512], *p;
	const char *const *names;
	int nb = 0, i;

	for (const char *q = line; *q && nb < 5; q++)
		if (*q == '|')
			bar[nb++] = q;
	if (nb != 4)
		fail_msg("row should have 3 cells: %s", line);
	cell(bar[0] + 1, (size_t)(bar[1] - bar[0] - 1), code, sizeof code);
	cell(bar[1] + 1, (size_t)(bar[2] - bar[1] - 1), canonical, sizeof canonical);
	cell(bar[2] + 1, (size_t)(bar[3] - bar[2] - 1), others, sizeof others);
	if (code[0] != '`' || code[strlen(code) - 1] != '`')
		fail_msg("code not in backquotes: %s", line);
	memmove(code, code + 1, strlen(code) - 2);
	code[strlen(code) - 2] = '\0';

	names = vocab_names(k, code);
	if (!names)
		fail_msg("the page lists %s '%s', which vocab.c does not have", vocab_kind_name(k), code);
	for (i = 0; vocab_codes(k)[i] && strcmp(vocab_codes(k)[i], code); i++)
		;
	if (seen[i])
		fail_msg("%s '%s' is listed twice", vocab_kind_name(k), code);
	seen[i] = true;
	if (strcmp(canonical, names[0]))
		fail_msg("%s '%s': the page's canonical name is '%s', vocab.c's '%s'",
			 vocab_kind_name(k), code, canonical, names[0]);
	/* the other spellings, in the table's order */
	i = 1;
	p = others;
	while (*p) {
		char *comma = strstr(p, ", ");
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (!names[i] || strlen(names[i]) != n || strncmp(names[i], p, n))
			fail_msg("%s '%s': the page has '%.*s' where vocab.c has '%s'", vocab_kind_name(k),
				 code, (int)n, p, names[i] ? names[i] : "(nothing more)");
		is(k, names[i], code);
		i++;
		p += n + (comma ? 2 : 0);
	}
	if (names[i])
		fail_msg("%s '%s': the page leaves out '%s'", vocab_kind_name(k), code, names[i]);
}

static void the_page_lists_the_table(void **state)
{
	char *doc = read_doc(), *line, *save = NULL;
	bool seen[VOCAB__MAX][32] = { { false } }, kind_seen[VOCAB__MAX] = { false };
	int k = -1;

	for (line = strtok_r(doc, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "#", 1)) {
			const char *open = strchr(line, '`'), *close = open ? strchr(open + 1, '`') : NULL;

			k = -1;
			if (strncmp(line, "### ", 4) || !open || !close)
				continue;
			for (int j = 0; j < VOCAB__MAX; j++) {
				const char *name = vocab_kind_name((enum vocab_kind)j);

				if (strlen(name) == (size_t)(close - open - 1) &&
				    !strncmp(open + 1, name, strlen(name)))
					k = j;
			}
			if (k >= 0) {
				if (kind_seen[k])
					fail_msg("two sections for %s", vocab_kind_name((enum vocab_kind)k));
				kind_seen[k] = true;
			}
			continue;
		}
		if (k >= 0 && !strncmp(line, "| `", 3))
			check_row((enum vocab_kind)k, line, seen[k]);
	}
	for (k = 0; k < VOCAB__MAX; k++) {
		const char *const *codes = vocab_codes((enum vocab_kind)k);

		if (!kind_seen[k])
			fail_msg("the page has no section for %s", vocab_kind_name((enum vocab_kind)k));
		for (int i = 0; codes[i]; i++)
			if (!seen[k][i])
				fail_msg("the page leaves out %s '%s'", vocab_kind_name((enum vocab_kind)k),
					 codes[i]);
	}
	free(doc);
}

static void the_page_has_the_id_messages(void **state)
{
	char *doc = read_doc();

	for (int k = IDCARD_OK + 1; k < IDCARD__MAX; k++) {
		const char *m = idcard_error_message((enum idcard_error)k);

		if (!strstr(doc, m))
			fail_msg("the page does not have the message '%s'", m);
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stage_and_ownership),
		cmocka_unit_test(role),
		cmocka_unit_test(title),
		cmocka_unit_test(education),
		cmocka_unit_test(key_level),
		cmocka_unit_test(status_and_gender),
		cmocka_unit_test(case_and_spaces),
		cmocka_unit_test(table_matches_schema),
		cmocka_unit_test(every_spelling_maps_to_its_code),
		cmocka_unit_test(labels_match_the_screens),
		cmocka_unit_test(the_page_lists_the_table),
		cmocka_unit_test(the_page_has_the_id_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
