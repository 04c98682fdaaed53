/* test_idcard.c - resident ID numbers (lib/idcard.c).
 *
 * The check character, masking and the quick validity test; then
 * idcard_parse() on what people type: spaces, full-width digits, a
 * lower-case x, the 15-digit legacy form, and every kind of error with
 * a real-looking number and the message a person sees.  Check
 * characters are computed with idcard_check_char(), whose weights are
 * tested against numbers worked by hand first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/err.h"
#include "lib/idcard.h"

static const char TODAY[] = "2025-06-01";

/* 17 digits and their check character. */
static void complete(const char *d17, char out[ID_NUMBER_LEN + 1])
{
	memcpy(out, d17, 17);
	out[17] = idcard_check_char(d17);
	out[18] = '\0';
}

/* A number for region6 and date8 whose check character is want: the
 * serial digits are tried until one fits. */
static void with_check(const char *region6, const char *date8, char want,
		       char out[ID_NUMBER_LEN + 1])
{
	char d17[18];

	for (int serial = 0; serial < 1000; serial++) {
		snprintf(d17, sizeof d17, "%s%s%03d", region6, date8, serial);
		if (idcard_check_char(d17) == want) {
			complete(d17, out);
			return;
		}
	}
	fail_msg("no serial gives check character %c", want);
}

/* Parses in and expects kind k; on an error the message is checked for
 * the house rules and returned for the caller to look at. */
static const char *expect(const char *in, enum idcard_error k, char out[ID_NUMBER_LEN + 1])
{
	static struct err e;

	memset(&e, 0, sizeof e);
	memset(out, '?', ID_NUMBER_LEN + 1);
	if (idcard_parse(in, TODAY, out, &e) != k)
		fail_msg("'%s': expected kind %d, got message '%s'", in ? in : "(null)", (int)k, e.message);
	if (k == IDCARD_OK) {
		assert_int_equal(strlen(out), ID_NUMBER_LEN);
		assert_true(idcard_is_valid(out));
		assert_int_equal(e.code, ERR_NONE);
		return "";
	}
	assert_string_equal(out, "");
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.field, "id_number");
	assert_true(e.message[0] != '\0');
	if (strlen(e.message) >= 120)
		fail_msg("message too long (%zu): %s", strlen(e.message), e.message);
	assert_true(e.message[strlen(e.message) - 1] != '.');
	return e.message;
}

static void check_char_by_hand(void **state)
{
	/* 11010519491231002: weighted sum 167, 167 % 11 = 2 -> 'X' */
	assert_int_equal(idcard_check_char("11010519491231002"), 'X');
	/* 44052418800101001: weighted sum 195, 195 % 11 = 8 -> '4' */
	assert_int_equal(idcard_check_char("44052418800101001"), '4');
	assert_true(idcard_is_valid("11010519491231002X"));
	assert_false(idcard_is_valid("11010519491231002x"));
	assert_false(idcard_is_valid("110105194912310021"));
	assert_false(idcard_is_valid("11010519491231002"));
}

static void mask(void **state)
{
	char out[ID_NUMBER_LEN + 1];

	idcard_mask("11010519491231002X", out);
	assert_string_equal(out, "1101**********002X");
	idcard_mask("1234", out);
	assert_string_equal(out, "******************");
}

static void parse_valid(void **state)
{
	char id[ID_NUMBER_LEN + 1], out[ID_NUMBER_LEN + 1], in[64];

	complete("44010619900101123", id);
	expect(id, IDCARD_OK, out);
	assert_string_equal(out, id);

	/* x typed lower-case is stored upper-case */
	with_check("440106", "19900101", 'X', id);
	strcpy(in, id);
	in[17] = 'x';
	expect(in, IDCARD_OK, out);
	assert_string_equal(out, id);
	assert_int_equal(out[17], 'X');

	/* spaces around: ASCII, tab, full-width U+3000, no-break U+00A0 */
	snprintf(in, sizeof in, "  \t%s\xE3\x80\x80 \xC2\xA0\r\n", id);
	expect(in, IDCARD_OK, out);
	assert_string_equal(out, id);

	/* full-width digits and Ｘ, as a Chinese input method types them */
	strcpy(in, "");
	for (int i = 0; i < 17; i++) {
		char fw[4] = { (char)0xEF, (char)0xBC, (char)(0x90 + (id[i] - '0')), 0 };

		strcat(in, fw);
	}
	strcat(in, "\xEF\xBD\x98"); /* ｘ */
	expect(in, IDCARD_OK, out);
	assert_string_equal(out, id);

	/* e and out may be NULL */
	assert_int_equal(idcard_parse(id, TODAY, NULL, NULL), IDCARD_OK);
	/* no today: no future check, the rest still applies */
	assert_int_equal(idcard_parse(id, NULL, out, NULL), IDCARD_OK);
	assert_int_equal(idcard_parse(id, "soon", out, NULL), IDCARD_OK);
}

static void parse_fifteen(void **state)
{
	char out[ID_NUMBER_LEN + 1], want[ID_NUMBER_LEN + 1];

	/* 440106 880203 001: "19" goes before the year, then the check */
	complete("44010619880203001", want);
	expect("440106880203001", IDCARD_OK, out);
	assert_string_equal(out, want);
	assert_int_equal(strncmp(out, "44010619880203001", 17), 0);

	/* 1900 was not a leap year: 000229 in a 15-digit number is no date */
	assert_string_equal(expect("440106000229001", IDCARD_DATE, out),
			    "birth date 19000229 in the ID number does not exist");
	/* 15 characters ending in X: the old numbers had no check character */
	expect("44010688020300X", IDCARD_LENGTH, out);
}

static void birth_date_and_gender(void **state)
{
	char id[ID_NUMBER_LEN + 1], date[11];

	complete("44010620000229123", id);
	idcard_birth_date(id, date);
	assert_string_equal(date, "2000-02-29");
	assert_string_equal(idcard_gender(id), "male");   /* 17th digit 3 is odd */
	complete("44010620000229124", id);
	assert_string_equal(idcard_gender(id), "female"); /* 4 is even */
	complete("44010620000229120", id);
	assert_string_equal(idcard_gender(id), "female"); /* and so is 0 */
}

static void leap_years(void **state)
{
	char id[ID_NUMBER_LEN + 1], out[ID_NUMBER_LEN + 1];

	complete("44010620000229123", id); /* 2000: divisible by 400 */
	expect(id, IDCARD_OK, out);
	complete("44010619960229123", id);
	expect(id, IDCARD_OK, out);
	complete("44010620230229123", id);
	assert_string_equal(expect(id, IDCARD_DATE, out),
			    "birth date 20230229 in the ID number does not exist");
	complete("44010619000229123", id); /* 1900: divisible by 100 */
	expect(id, IDCARD_DATE, out);
}

static void error_empty(void **state)
{
	char out[ID_NUMBER_LEN + 1];

	assert_string_equal(expect("", IDCARD_EMPTY, out), "ID number is empty");
	expect("   \t", IDCARD_EMPTY, out);
	expect("\xE3\x80\x80\xE3\x80\x80", IDCARD_EMPTY, out);
	expect(NULL, IDCARD_EMPTY, out);
}

static void error_length(void **state)
{
	char id[ID_NUMBER_LEN + 1], out[ID_NUMBER_LEN + 1];

	complete("44010619900101123", id);
	id[17] = '\0';
	assert_string_equal(expect(id, IDCARD_LENGTH, out),
			    "ID number has 17 characters; it needs 18 (or the old 15)");
	assert_string_equal(expect("4401061990010112345", IDCARD_LENGTH, out),
			    "ID number has 19 characters; it needs 18 (or the old 15)");
	assert_string_equal(expect("4", IDCARD_LENGTH, out),
			    "ID number has 1 character; it needs 18 (or the old 15)");
	/* X is allowed last, but a 17-character number is still short */
	expect("4401061990010112X", IDCARD_LENGTH, out);
}

static void error_character(void **state)
{
	char out[ID_NUMBER_LEN + 1];

	assert_string_equal(expect("440106O99001011234", IDCARD_CHARACTER, out),
			    "ID number has \"O\" at position 7; only digits, and X last, are allowed");
	/* an X that is not last */
	assert_string_equal(expect("4401X6199001011234", IDCARD_CHARACTER, out),
			    "ID number has \"X\" at position 5; only digits, and X last, are allowed");
	/* a name in the wrong column: the first character, counted as one */
	assert_string_equal(expect("张三", IDCARD_CHARACTER, out),
			    "ID number has \"张\" at position 1; only digits, and X last, are allowed");
	assert_string_equal(expect("44张0106199001011234", IDCARD_CHARACTER, out),
			    "ID number has \"张\" at position 3; only digits, and X last, are allowed");
	/* a space inside is not trimmed */
	expect("440106 199001011234", IDCARD_CHARACTER, out);
	/* control characters and broken UTF-8 are named, never copied */
	assert_string_equal(expect("4401\t06199001011234", IDCARD_CHARACTER, out),
			    "ID number has U+0009 at position 5; only digits, and X last, are allowed");
	assert_string_equal(expect("4401\xFF" "06199001011234", IDCARD_CHARACTER, out),
			    "ID number has byte 0xFF at position 5; only digits, and X last, are allowed");
	expect("-440106199001011234", IDCARD_CHARACTER, out);
	/* a decimal number that is not Excel's: just a wrong character */
	expect("4401.5", IDCARD_CHARACTER, out);
}

static void error_region(void **state)
{
	static const char *const good[] = { "11", "15", "21", "23", "31", "37", "41", "46", "50",
					     "54", "61", "65", "71", "81", "82", "83" };
	static const char *const bad[] = { "00", "10", "16", "20", "24", "30", "38", "40", "47",
					    "49", "55", "60", "66", "70", "72", "80", "84", "90", "99" };
	char d17[18], id[ID_NUMBER_LEN + 1], out[ID_NUMBER_LEN + 1], want[128];

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(d17, sizeof d17, "%s010619900101123", good[i]);
		complete(d17, id);
		expect(id, IDCARD_OK, out);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(d17, sizeof d17, "%s010619900101123", bad[i]);
		complete(d17, id);
		snprintf(want, sizeof want, "ID number starts with %s, which is not a province code", bad[i]);
		assert_string_equal(expect(id, IDCARD_REGION, out), want);
	}
	complete("91010619900101123", id);
	assert_string_equal(expect(id, IDCARD_REGION, out),
			    "ID number starts with 91, once used for foreign nationals and no longer valid");
	/* the 15-digit form is checked the same way */
	expect("000106880203001", IDCARD_REGION, out);
}

static void error_date(void **state)
{
	char id[ID_NUMBER_LEN + 1], out[ID_NUMBER_LEN + 1];

	complete("44010619900230123", id);
	assert_string_equal(expect(id, IDCARD_DATE, out),
			    "birth date 19900230 in the ID number does not exist");
	complete("44010619901301123", id);
	expect(id, IDCARD_DATE, out);
	complete("44010619900100123", id);
	expect(id, IDCARD_DATE, out);
	complete("44010619900431123", id);
	expect(id, IDCARD_DATE, out);
	/* before 1900-01-01 counts as not existing */
	complete("44010618991231123", id);
	expect(id, IDCARD_DATE, out);
	complete("44010619000101123", id);
	expect(id, IDCARD_OK, out);
}

static void error_future(void **state)
{
	char id[ID_NUMBER_LEN + 1], out[ID_NUMBER_LEN + 1];
	struct err e = { 0 };

	complete("44010620300101123", id);
	assert_string_equal(expect(id, IDCARD_FUTURE, out),
			    "birth date 20300101 in the ID number is in the future");
	complete("44010620250602123", id); /* the day after TODAY */
	expect(id, IDCARD_FUTURE, out);
	complete("44010620250601123", id); /* born today */
	expect(id, IDCARD_OK, out);
	/* the date is the caller's: a later today accepts it */
	complete("44010620300101123", id);
	assert_int_equal(idcard_parse(id, "2031-01-01", out, &e), IDCARD_OK);
}

static void error_check(void **state)
{
	char id[ID_NUMBER_LEN + 1], out[ID_NUMBER_LEN + 1];

	with_check("440106", "19900101", 'X', id);
	id[17] = '3';
	assert_string_equal(expect(id, IDCARD_CHECK, out),
			    "check character is 3; for these 17 digits it should be X (a typing error?)");
	with_check("440106", "19900101", '5', id);
	id[17] = 'X';
	assert_string_equal(expect(id, IDCARD_CHECK, out),
			    "check character is X; for these 17 digits it should be 5 (a typing error?)");
	/* one digit mistyped */
	with_check("440106", "19900101", '5', id);
	id[3] = id[3] == '9' ? '0' : (char)(id[3] + 1);
	expect(id, IDCARD_CHECK, out);
	/* ends in 000: maybe Excel's rounding to 15 digits, maybe not, so a
	 * check error with a hint */
	assert_string_equal(expect("440106199001011000", IDCARD_CHECK, out),
			    "check character is 0; for these 17 digits it should be 8 "
			    "(Excel keeps only 15 digits: format the column as text)");
}

static void error_numeric(void **state)
{
	static const char *const excel[] = {
		"4.40106E+17", "4.40106199001011E+17", "4.40106e+17", "4.40106E17", "  4.40106E+17 ",
		"440106199001011000.0", "440106199001011234.00", "440106880203001.0", "4.4E+14",
	};
	char out[ID_NUMBER_LEN + 1];

	assert_string_equal(expect("4.40106E+17", IDCARD_NUMERIC, out),
			    "ID number was turned into a number by Excel (4.40106E+17); "
			    "format the column as text and type it again");
	for (size_t i = 0; i < sizeof excel / sizeof excel[0]; i++)
		expect(excel[i], IDCARD_NUMERIC, out);
	/* not certain, so not this error */
	expect("4401061990.0", IDCARD_CHARACTER, out);
	expect("440106199001011234.5", IDCARD_CHARACTER, out);
	expect("E+17", IDCARD_CHARACTER, out);
}

static void generic_messages(void **state)
{
	for (int k = 0; k < IDCARD__MAX; k++) {
		const char *m = idcard_error_message((enum idcard_error)k);

		assert_non_null(m);
		assert_true(m[0] != '\0' && strlen(m) < 120);
		for (int j = 0; j < k; j++)
			assert_string_not_equal(m, idcard_error_message((enum idcard_error)j));
	}
	assert_non_null(idcard_error_message(IDCARD__MAX));
	assert_non_null(idcard_error_message((enum idcard_error)-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_char_by_hand),
		cmocka_unit_test(mask),
		cmocka_unit_test(parse_valid),
		cmocka_unit_test(parse_fifteen),
		cmocka_unit_test(birth_date_and_gender),
		cmocka_unit_test(leap_years),
		cmocka_unit_test(error_empty),
		cmocka_unit_test(error_length),
		cmocka_unit_test(error_character),
		cmocka_unit_test(error_region),
		cmocka_unit_test(error_date),
		cmocka_unit_test(error_future),
		cmocka_unit_test(error_check),
		cmocka_unit_test(error_numeric),
		cmocka_unit_test(generic_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
