/* test_text.c - the zh/en string catalogue (web/text.c).
 *
 * Every id has non-empty text in both languages, in valid UTF-8; the
 * printf conversions of the two agree in number, kind and order (a
 * mismatch is undefined behaviour at the call site); Chinese strings hold
 * Chinese and English ones do not (but for a short allow-list); text_get()
 * never answers NULL; text_enum() names every code the schema allows and
 * hands unknown ones back; text_lang_parse() and text_lang_code(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "web/text.h"

/* The conversions of a printf format, e.g. "%d|%s|", without flags. */
static void conversions(const char *fmt, char *out, size_t n)
{
	size_t o = 0;

	out[0] = '\0';
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue; /* a literal percent sign */
		while (*p && strchr("-+ #0123456789.*lhjztL'", *p)) {
			if (o + 2 < n)
				out[o++] = *p;
			p++;
		}
		if (!*p)
			break;
		if (o + 2 < n) {
			out[o++] = *p;
			out[o++] = '|';
		}
		out[o] = '\0';
	}
}

/* Validates UTF-8; counts characters in U+3400..U+9FFF (CJK ideographs). */
static bool utf8_cjk(const char *s, int *cjk)
{
	const unsigned char *p = (const unsigned char *)s;

	*cjk = 0;
	while (*p) {
		uint32_t c;
		int extra;

		if (*p < 0x80) {
			p++;
			continue;
		} else if ((*p & 0xE0) == 0xC0) {
			c = *p & 0x1F, extra = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			c = *p & 0x0F, extra = 2;
		} else if ((*p & 0xF8) == 0xF0) {
			c = *p & 0x07, extra = 3;
		} else {
			return false;
		}
		p++;
		for (int i = 0; i < extra; i++, p++) {
			if ((*p & 0xC0) != 0x80)
				return false;
			c = (c << 6) | (*p & 0x3F);
		}
		if ((extra == 1 && c < 0x80) || (extra == 2 && c < 0x800) || (extra == 3 && c < 0x10000))
			return false; /* overlong */
		if (c >= 0x3400 && c <= 0x9FFF)
			(*cjk)++;
	}
	return true;
}

/* Ids whose Chinese text may lack Chinese, or English text may hold it:
 * the link to the other language is written in that language. */
static bool allowed_mixed(enum text_id id)
{
	return id == TX_LANGUAGE_OTHER;
}

static void every_id_has_both_languages(void **state)
{
	int missing = 0;

	for (int id = 0; id < TX__MAX; id++) {
		for (int lang = 0; lang < LANG__MAX; lang++) {
			const char *s = text_raw((enum lang)lang, (enum text_id)id);

			if (!s || !*s) {
				fprintf(stderr, "# text id %d has no %s text\n", id,
					text_lang_code((enum lang)lang));
				missing++;
			}
		}
	}
	assert_int_equal(missing, 0);
}

static void conversions_agree(void **state)
{
	int bad = 0;

	for (int id = 0; id < TX__MAX; id++) {
		char zh[128], en[128];

		conversions(text_raw(LANG_ZH, (enum text_id)id), zh, sizeof zh);
		conversions(text_raw(LANG_EN, (enum text_id)id), en, sizeof en);
		if (strcmp(zh, en)) {
			fprintf(stderr, "# text id %d: zh has '%s', en has '%s'\n", id, zh, en);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* the checker itself sees conversions */
	{
		char c[64];

		conversions("第 %d 页，共 %d 页 %s %5.1f %% %ld", c, sizeof c);
		assert_string_equal(c, "d|d|s|5.1f|ld|");
	}
}

static void formats_used_with_known_arguments(void **state)
{
	char c[64];

	/* login.c passes the minutes as a string, audit.c the total as a
	 * string, the pager two ints, the home page a name */
	conversions(text_get(LANG_ZH, TX_THROTTLED), c, sizeof c);
	assert_string_equal(c, "s|");
	conversions(text_get(LANG_ZH, TX_TOTAL), c, sizeof c);
	assert_string_equal(c, "s|");
	conversions(text_get(LANG_ZH, TX_PAGE_OF), c, sizeof c);
	assert_string_equal(c, "d|d|");
	conversions(text_get(LANG_ZH, TX_WELCOME), c, sizeof c);
	assert_string_equal(c, "s|");
}

static void chinese_is_chinese_and_english_is_not(void **state)
{
	int bad = 0;

	for (int id = 0; id < TX__MAX; id++) {
		int zh_cjk, en_cjk;
		const char *zh = text_raw(LANG_ZH, (enum text_id)id), *en = text_raw(LANG_EN, (enum text_id)id);

		if (!utf8_cjk(zh, &zh_cjk) || !utf8_cjk(en, &en_cjk)) {
			fprintf(stderr, "# text id %d is not valid UTF-8\n", id);
			bad++;
			continue;
		}
		if (allowed_mixed((enum text_id)id))
			continue;
		if (zh_cjk == 0) {
			fprintf(stderr, "# text id %d: zh '%s' has no Chinese\n", id, zh);
			bad++;
		}
		if (en_cjk > 0) {
			fprintf(stderr, "# text id %d: en '%s' has Chinese\n", id, en);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* the allow-list entries are the other way round */
	assert_string_equal(text_get(LANG_ZH, TX_LANGUAGE_OTHER), "English");
	assert_string_equal(text_get(LANG_EN, TX_LANGUAGE_OTHER), "中文");
}

static void get_never_answers_null(void **state)
{
	assert_string_equal(text_get(LANG_ZH, TX_SIGN_IN), "登录");
	assert_string_equal(text_get(LANG_EN, TX_SIGN_IN), "Sign in");
	assert_non_null(text_get(LANG_ZH, TX__MAX));
	assert_string_equal(text_get(LANG_ZH, TX__MAX), "");
	assert_string_equal(text_get(LANG_EN, (enum text_id)-1), "");
	/* an unknown language falls back to Chinese */
	assert_string_equal(text_get((enum lang)7, TX_SIGN_IN), "登录");
	assert_null(text_raw(LANG_ZH, TX__MAX));
	assert_null(text_raw(LANG__MAX, TX_SIGN_IN));
}

static void enum_names_known_codes(void **state)
{
	assert_string_equal(text_enum(LANG_ZH, "stage", "kindergarten"), "幼儿园");
	assert_string_equal(text_enum(LANG_EN, "stage", "kindergarten"), "Kindergarten");
	assert_string_equal(text_enum(LANG_ZH, "title", "senior"), "高级");
	assert_string_equal(text_enum(LANG_ZH, "ownership", "private"), "民办");
	assert_string_equal(text_enum(LANG_ZH, "role", "sysadmin"), "系统管理员");
	assert_string_equal(text_enum(LANG_EN, "role", "bureau"), "Education bureau");
	/* the same code under another kind is another word */
	assert_string_equal(text_enum(LANG_ZH, "domain", "kindergarten"), "幼儿园");
	assert_string_equal(text_enum(LANG_EN, "domain", "kindergarten"), "Kindergartens");
	assert_string_equal(text_enum(LANG_ZH, "key_level", "none"), "无");
	assert_string_equal(text_enum(LANG_ZH, "title", "none"), "未定级");
}

static void enum_covers_the_schema(void **state)
{
	/* every value the CHECK constraints of 001_init.sql allow */
	static const struct { const char *kind; const char *codes[10]; } kinds[] = {
		{ "stage", { "kindergarten", "primary", "junior", "senior", "complete", "nine_year",
			     "vocational", "special" } },
		{ "ownership", { "public", "private" } },
		{ "title", { "full_senior", "senior", "first", "second", "third", "none" } },
		{ "education", { "doctorate", "master", "bachelor", "associate", "lower" } },
		{ "key_level", { "none", "school", "district", "city", "province", "nation" } },
		{ "domain", { "principals_special", "vocational", "private", "remote", "kindergarten",
			      "research" } },
		{ "role", { "teacher", "school_admin", "centre_admin", "alliance", "evaluator", "bureau",
			    "sysadmin" } },
	};

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		for (int i = 0; i < 10 && kinds[k].codes[i]; i++) {
			const char *code = kinds[k].codes[i];
			const char *zh = text_enum(LANG_ZH, kinds[k].kind, code);
			const char *en = text_enum(LANG_EN, kinds[k].kind, code);
			int cjk;

			if (!strcmp(zh, code) || !utf8_cjk(zh, &cjk) || cjk == 0)
				fail_msg("%s '%s' has no Chinese name (got '%s')", kinds[k].kind, code, zh);
			if (!strcmp(en, code) || !utf8_cjk(en, &cjk) || cjk != 0)
				fail_msg("%s '%s' has no English name (got '%s')", kinds[k].kind, code, en);
		}
	}
}

static void enum_returns_unknown_codes(void **state)
{
	const char *code = "martian";

	assert_ptr_equal(text_enum(LANG_ZH, "stage", code), code);
	assert_string_equal(text_enum(LANG_EN, "stage", "university"), "university");
	assert_string_equal(text_enum(LANG_ZH, "no_such_kind", "senior"), "senior");
	assert_string_equal(text_enum(LANG_ZH, "stage", ""), "");
	assert_string_equal(text_enum(LANG_ZH, "stage", NULL), "");
	/* case matters: codes are lower-case */
	assert_string_equal(text_enum(LANG_ZH, "stage", "Primary"), "Primary");
}

static void lang_parse_and_code(void **state)
{
	assert_int_equal(text_lang_parse("en"), LANG_EN);
	assert_int_equal(text_lang_parse("zh"), LANG_ZH);
	assert_int_equal(text_lang_parse(NULL), LANG_ZH);
	assert_int_equal(text_lang_parse(""), LANG_ZH);
	assert_int_equal(text_lang_parse("fr"), LANG_ZH);
	assert_int_equal(text_lang_parse("english"), LANG_ZH);
	assert_int_equal(text_lang_parse("en-US"), LANG_ZH);
	assert_string_equal(text_lang_code(LANG_ZH), "zh");
	assert_string_equal(text_lang_code(LANG_EN), "en");
	for (int l = 0; l < LANG__MAX; l++)
		assert_int_equal(text_lang_parse(text_lang_code((enum lang)l)), l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_id_has_both_languages),
		cmocka_unit_test(conversions_agree),
		cmocka_unit_test(formats_used_with_known_arguments),
		cmocka_unit_test(chinese_is_chinese_and_english_is_not),
		cmocka_unit_test(get_never_answers_null),
		cmocka_unit_test(enum_names_known_codes),
		cmocka_unit_test(enum_covers_the_schema),
		cmocka_unit_test(enum_returns_unknown_codes),
		cmocka_unit_test(lang_parse_and_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
