/* test_date.c - dates as people write them (lib/date.c).
 *
 * Every accepted form (separators, 年月日, full-width digits, spaces,
 * compact digits, a time after the date, Excel serials with the
 * 1900-02-29 bug), leap years and the days of each month, and the
 * message for each way a date can be wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/date.h"
#include "lib/err.h"

static void ok(const char *in, const char *want)
{
	char out[DATE_LEN + 1];
	struct err e = { 0 };

	if (date_parse(in, out, &e) < 0)
		fail_msg("'%s': %s", in, e.message);
	if (strcmp(out, want))
		fail_msg("'%s' gave '%s', expected '%s'", in, out, want);
	assert_int_equal(e.code, ERR_NONE);
}

/* Fails to parse; returns the message (valid until the next call). */
static const char *bad(const char *in)
{
	static struct err e;
	char out[DATE_LEN + 1];

	memset(&e, 0, sizeof e);
	memset(out, '?', sizeof out);
	if (date_parse(in, out, &e) == 0)
		fail_msg("'%s' was taken as %s", in ? in : "(null)", out);
	assert_string_equal(out, "");
	assert_int_equal(e.code, ERR_INVALID);
	assert_true(e.message[0] != '\0');
	if (strlen(e.message) >= 120)
		fail_msg("message too long (%zu): %s", strlen(e.message), e.message);
	return e.message;
}

static void forms(void **state)
{
	ok("2019-09-01", "2019-09-01");
	ok("2019-9-1", "2019-09-01");
	ok("2019/9/1", "2019-09-01");
	ok("2019/09/01", "2019-09-01");
	ok("2019.9.1", "2019-09-01");
	ok("2019年9月1日", "2019-09-01");
	ok("2019年09月01日", "2019-09-01");
	ok("2019年9月1", "2019-09-01");
	ok("2019年9月1号", "2019-09-01");
	ok("2019 年 9 月 1 日", "2019-09-01");
	ok("20190901", "2019-09-01");
	ok("2019-12-31", "2019-12-31");
}

static void full_width_and_spaces(void **state)
{
	ok("２０１９－０９－０１", "2019-09-01");
	ok("２０１９年９月１日", "2019-09-01");
	ok("２０１９／９／１", "2019-09-01");
	ok("２０１９．９．１", "2019-09-01");
	ok("２０１９０９０１", "2019-09-01");
	ok("  2019-09-01  ", "2019-09-01");
	ok("\t2019/9/1\r\n", "2019-09-01");
	ok("\xE3\x80\x80" "2019-09-01" "\xE3\x80\x80", "2019-09-01");
	ok("\xC2\xA0" "2019-09-01", "2019-09-01");
	ok("2019 - 9 - 1", "2019-09-01");
}

static void with_time(void **state)
{
	ok("2019-09-01 00:00:00", "2019-09-01");
	ok("2019-09-01T08:30", "2019-09-01");
	ok("2019-09-01T08:30:15.250", "2019-09-01");
	ok("2019/9/1 8:30", "2019-09-01");
	ok("2019年9月1日 8:30", "2019-09-01");
	ok("2019-09-01 ０８：３０", "2019-09-01");
	bad("2019-09-01 25:00");
	bad("2019-09-01 08:60");
	bad("2019-09-01 8");
	bad("2019-09-01T");
	bad("2019-09-01 junk");
	bad("20190901 00:00");
}

static void serials(void **state)
{
	ok("43709", "2019-09-01");
	ok("1", "1900-01-01");
	ok("59", "1900-02-28");
	ok("61", "1900-03-01");
	ok("36526", "2000-01-01");
	ok("2958465", "9999-12-31");
	ok(" 43709 ", "2019-09-01");
	ok("４３７０９", "2019-09-01");
	assert_string_equal(bad("60"),
			    "\"60\" is not a date: Excel's serial 60 is 1900-02-29, a day that never was");
	bad("0");
	bad("2958466");
	bad("-1");
	bad("+43709");
	bad("43709.5");
}

static void from_serial(void **state)
{
	char out[DATE_LEN + 1];

	assert_int_equal(date_from_serial(43709, out), 0);
	assert_string_equal(out, "2019-09-01");
	assert_int_equal(date_from_serial(60, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(date_from_serial(0, out), -1);
	assert_int_equal(date_from_serial(-5, out), -1);
	assert_int_equal(date_from_serial(DATE_SERIAL_MAX + 1L, out), -1);
	/* every serial is one day after the one before, but for 59 -> 61 */
	for (long s = 2; s <= DATE_SERIAL_MAX; s += 997) {
		char prev[DATE_LEN + 1];
		int y, m, d, py, pm, pd;

		if (s == 60 || s == 61)
			continue;
		assert_int_equal(date_from_serial(s - 1, prev), 0);
		assert_int_equal(date_from_serial(s, out), 0);
		assert_int_equal(sscanf(prev, "%d-%d-%d", &py, &pm, &pd), 3);
		assert_int_equal(sscanf(out, "%d-%d-%d", &y, &m, &d), 3);
		assert_true(date_valid(y, m, d));
		if (d != pd + 1)
			assert_true(d == 1 && (m == pm + 1 || (m == 1 && pm == 12 && y == py + 1)));
	}
}

static void valid(void **state)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	for (int m = 1; m <= 12; m++) {
		assert_true(date_valid(2019, m, days[m - 1]));
		assert_false(date_valid(2019, m, days[m - 1] + 1));
		assert_false(date_valid(2019, m, 0));
	}
	assert_true(date_valid(2000, 2, 29));  /* divisible by 400 */
	assert_true(date_valid(2024, 2, 29));
	assert_false(date_valid(1900, 2, 29)); /* divisible by 100 */
	assert_false(date_valid(2023, 2, 29));
	assert_false(date_valid(2019, 0, 1));
	assert_false(date_valid(2019, 13, 1));
	assert_false(date_valid(1899, 12, 31));
	assert_true(date_valid(1900, 1, 1));
	assert_true(date_valid(9999, 12, 31));
	assert_false(date_valid(10000, 1, 1));
}

static void errors(void **state)
{
	char long_cell[200];

	assert_string_equal(bad("2019/13/1"), "\"2019/13/1\" is not a date: month 13");
	assert_string_equal(bad("2019-00-10"), "\"2019-00-10\" is not a date: month 0");
	assert_string_equal(bad("20191301"), "\"20191301\" is not a date: month 13");
	assert_string_equal(bad("2019-02-29"), "\"2019-02-29\" is not a date: 2019-02 has no day 29");
	assert_string_equal(bad("2019年4月31日"), "\"2019年4月31日\" is not a date: 2019-04 has no day 31");
	assert_string_equal(bad("1900-02-29"), "\"1900-02-29\" is not a date: 1900-02 has no day 29");
	assert_string_equal(bad("1899-12-31"), "\"1899-12-31\" is not a date: year 1899 is before 1900");
	assert_string_equal(bad("abc"), "\"abc\" is not a date; write it as 2019-09-01");
	assert_string_equal(bad("  abc\xE3\x80\x80"), "\"abc\" is not a date; write it as 2019-09-01");
	assert_string_equal(bad(""), "\"\" is not a date; write it as 2019-09-01");
	bad("   ");
	bad(NULL);
	bad("2019-9");
	bad("2019-09-01-");
	bad("2019/09-01");       /* separators must agree */
	bad("2019年9-1");
	bad("2019年9月");
	bad("19-09-01");         /* a 2-digit year is a guess we do not make */
	bad("01/09/2019");       /* day first or month first? neither */
	bad("2019-009-01");
	bad("201909010");
	bad("2019 09 01");
	bad("九月一日");
	/* what is echoed stays short and valid UTF-8 */
	assert_string_equal(bad("a\tb\xFF"), "\"a?b?\" is not a date; write it as 2019-09-01");
	memset(long_cell, 'x', sizeof long_cell - 1);
	long_cell[sizeof long_cell - 1] = '\0';
	assert_non_null(strstr(bad(long_cell), "xxx...\" is not a date"));
	/* cut between characters, never inside one */
	strcpy(long_cell, "");
	for (int i = 0; i < 30; i++)
		strcat(long_cell, "日");
	assert_non_null(strstr(bad(long_cell), "日...\""));
	/* e may be NULL */
	{
		char out[DATE_LEN + 1];

		assert_int_equal(date_parse("abc", out, NULL), -1);
		assert_int_equal(date_parse("2019-09-01", out, NULL), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forms),
		cmocka_unit_test(full_width_and_spaces),
		cmocka_unit_test(with_time),
		cmocka_unit_test(serials),
		cmocka_unit_test(from_serial),
		cmocka_unit_test(valid),
		cmocka_unit_test(errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
