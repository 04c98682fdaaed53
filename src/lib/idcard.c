/* idcard.c - GB 11643-1999 ID numbers: parsing, check character, masking (see idcard.h). */
#include "idcard.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "err.h"
#include "utf8.h"

char idcard_check_char(const char digits17[17])
{
	static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char check[] = "10X98765432";
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (digits17[i] - '0') * weight[i];
	return check[sum % 11];
}

void idcard_mask(const char *id, char out[ID_NUMBER_LEN + 1])
{
	size_t n = strlen(id);

	if (n != ID_NUMBER_LEN) {
		/* never echo a malformed number whole either */
		memset(out, '*', ID_NUMBER_LEN);
		out[ID_NUMBER_LEN] = '\0';
		return;
	}
	memcpy(out, id, 4);
	memset(out + 4, '*', 10);
	memcpy(out + 14, id + 14, 4);
	out[ID_NUMBER_LEN] = '\0';
}

bool idcard_is_valid(const char *id)
{
	if (strlen(id) != ID_NUMBER_LEN)
		return false;
	for (int i = 0; i < 17; i++)
		if (id[i] < '0' || id[i] > '9')
			return false;
	return idcard_check_char(id) == id[17];
}

void idcard_birth_date(const char id18[18], char out[11])
{
	memcpy(out, id18 + 6, 4);
	out[4] = '-';
	memcpy(out + 5, id18 + 10, 2);
	out[7] = '-';
	memcpy(out + 8, id18 + 12, 2);
	out[10] = '\0';
}

const char *idcard_gender(const char id18[18])
{
	return (id18[16] - '0') % 2 ? "male" : "female";
}

/* ---------- Parsing what people type ---------- */

static const char *const messages[IDCARD__MAX] = {
	[IDCARD_OK] = "ID number is valid",
	[IDCARD_EMPTY] = "ID number is empty",
	[IDCARD_LENGTH] = "ID number needs 18 characters (or the old 15)",
	[IDCARD_CHARACTER] = "ID number may hold only digits, and X last",
	[IDCARD_REGION] = "ID number does not start with a province code",
	[IDCARD_DATE] = "birth date in the ID number does not exist",
	[IDCARD_FUTURE] = "birth date in the ID number is in the future",
	[IDCARD_CHECK] = "check character of the ID number does not match its 17 digits",
	[IDCARD_NUMERIC] = "ID number was turned into a number by Excel; format the column as text and type it again",
};

const char *idcard_error_message(enum idcard_error k)
{
	if ((unsigned)k < IDCARD__MAX)
		return messages[k];
	return "ID number is not valid";
}

/* The province codes of GB/T 2260 (first two digits), plus 71 Taiwan,
 * 81 Hong Kong, 82 Macao and 83 (residence permits for Taiwan residents,
 * since 2018).  91, once used for foreign nationals, is not issued. */
static bool province(int code)
{
	return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) ||
	       (code >= 31 && code <= 37) || (code >= 41 && code <= 46) ||
	       (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
	       code == 71 || code == 81 || code == 82 || code == 83;
}

static size_t run_of_digits(const unsigned char *p, const unsigned char *end)
{
	size_t n = 0;

	while (p + n < end && p[n] >= '0' && p[n] <= '9')
		n++;
	return n;
}

/* Is this what Excel shows, or a program exports, for an ID number typed
 * into a cell formatted as a number?  Only two forms are certain:
 * scientific notation, 4.40106E+17 or 4.40106199001011E+17, and a float
 * written out in full, 440106199001011000.0.  (An 18-digit number that
 * ends in 000 may be Excel's rounding to 15 significant digits too, but
 * may be a real number with a typing error: that stays IDCARD_CHECK, with
 * a hint.)  Lengths are bounded so the echo in the message stays short. */
static bool excel_number(const unsigned char *p, const unsigned char *end)
{
	size_t n = run_of_digits(p, end), frac;

	if (n == 0 || n > 18)
		return false;
	p += n;
	if (p < end && *p == '.') {
		p++;
		frac = run_of_digits(p, end);
		if (n >= 15 && frac > 0 && frac <= 3 && p + frac == end) {
			for (size_t i = 0; i < frac; i++)
				if (p[i] != '0')
					return false;
			return true; /* 440106199001011000.0 */
		}
		if (n + frac > 20)
			return false;
		p += frac;
	}
	if (p >= end || (*p != 'E' && *p != 'e'))
		return false;
	p++;
	if (p < end && (*p == '+' || *p == '-'))
		p++;
	n = run_of_digits(p, end);
	return n >= 1 && n <= 2 && p + n == end;
}

/* Names the character at p for a message: "O" in quotes, a control
 * character as U+0009, a byte that is not UTF-8 as byte 0xFF, so the
 * message itself stays valid UTF-8. */
static void describe(const unsigned char *p, int len, char *out, size_t n)
{
	if (len == 1 && *p < 0x80 && (*p < 0x20 || *p == 0x7F))
		snprintf(out, n, "U+%04X", *p);
	else if (len == 1 && *p >= 0x80)
		snprintf(out, n, "byte 0x%02X", *p);
	else
		snprintf(out, n, "\"%.*s\"", len, (const char *)p);
}

/* The ASCII digit (or 'X') for the character at p: ASCII, full-width
 * ０-９ (EF BC 90-99), Ｘ (EF BC B8) and ｘ (EF BD 98); 0 for anything
 * else. */
static char id_char(const unsigned char *p, int len)
{
	if (len == 1) {
		if (*p >= '0' && *p <= '9')
			return (char)*p;
		if (*p == 'X' || *p == 'x')
			return 'X';
		return 0;
	}
	if (len == 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99)
		return (char)('0' + (p[2] - 0x90));
	if (len == 3 && p[0] == 0xEF && ((p[1] == 0xBC && p[2] == 0xB8) || (p[1] == 0xBD && p[2] == 0x98)))
		return 'X';
	return 0;
}

/* "YYYY-MM-DD" to "YYYYMMDD"; -1 if it is not that. */
static int today_digits(const char *today, char out[8])
{
	if (!today || strlen(today) != 10 || today[4] != '-' || today[7] != '-')
		return -1;
	for (int i = 0, o = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (today[i] < '0' || today[i] > '9')
			return -1;
		out[o++] = today[i];
	}
	return 0;
}

static enum idcard_error fail(struct err *e, enum idcard_error k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum idcard_error fail(struct err *e, enum idcard_error k, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return k;
	snprintf(e->field, sizeof e->field, "%s", "id_number");
	va_start(ap, fmt);
	err_setv(e, ERR_INVALID, fmt, ap);
	va_end(ap);
	return k;
}

enum idcard_error idcard_parse(const char *in, const char *today,
			       char out[ID_NUMBER_LEN + 1], struct err *e)
{
	char id[ID_NUMBER_LEN + 1], now[8], expect;
	const unsigned char *p, *end;
	size_t count = 0;
	int k, region;

	if (out)
		out[0] = '\0';
	if (!in)
		return fail(e, IDCARD_EMPTY, "%s", messages[IDCARD_EMPTY]);
	p = (const unsigned char *)in;
	end = p + strlen(in);
	while ((k = utf8_space_len(p)) > 0)
		p += k;
	while ((k = utf8_space_len_back(p, end)) > 0)
		end -= k;
	if (p == end)
		return fail(e, IDCARD_EMPTY, "%s", messages[IDCARD_EMPTY]);

	if (excel_number(p, end))
		return fail(e, IDCARD_NUMERIC, "ID number was turned into a number by Excel (%.*s); "
			    "format the column as text and type it again", (int)(end - p), (const char *)p);

	/* Characters first: a name pasted into the column is better told
	 * by its first character than by its length. */
	for (const unsigned char *q = p; q < end; q += k) {
		char c;

		k = utf8_len(q);
		if (k == 0 || q + k > end)
			k = 1;
		c = id_char(q, k);
		count++;
		if (!c || (c == 'X' && q + k != end)) {
			char what[24];

			describe(q, k, what, sizeof what);
			return fail(e, IDCARD_CHARACTER, "ID number has %s at position %zu; "
				    "only digits, and X last, are allowed", what, count);
		}
		if (count <= ID_NUMBER_LEN)
			id[count - 1] = c;
	}
	if (count == 15 && id[14] == 'X')
		return fail(e, IDCARD_LENGTH, "ID number has 15 characters ending in X; it needs 18 "
			    "(the old 15-digit numbers have no X)");
	if (count != 18 && count != 15)
		return fail(e, IDCARD_LENGTH, "ID number has %zu character%s; it needs 18 (or the old 15)",
			    count, count == 1 ? "" : "s");
	if (count == 15) {
		/* 6 region digits, YYMMDD, 3 serial digits: the century was
		 * always 19, and the check character is computed, not read */
		memmove(id + 8, id + 6, 9);
		id[6] = '1';
		id[7] = '9';
		id[17] = idcard_check_char(id);
	}
	id[ID_NUMBER_LEN] = '\0';

	region = (id[0] - '0') * 10 + (id[1] - '0');
	if (region == 91)
		return fail(e, IDCARD_REGION, "ID number starts with 91, once used for foreign nationals "
			    "and no longer valid");
	if (!province(region))
		return fail(e, IDCARD_REGION, "ID number starts with %.2s, which is not a province code", id);

	if (!date_valid((id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 + (id[9] - '0'),
			(id[10] - '0') * 10 + (id[11] - '0'), (id[12] - '0') * 10 + (id[13] - '0')))
		return fail(e, IDCARD_DATE, "birth date %.8s in the ID number does not exist", id + 6);
	if (today_digits(today, now) == 0 && memcmp(id + 6, now, 8) > 0)
		return fail(e, IDCARD_FUTURE, "birth date %.8s in the ID number is in the future", id + 6);

	expect = idcard_check_char(id);
	if (id[17] != expect) {
		if (!memcmp(id + 15, "000", 3))
			return fail(e, IDCARD_CHECK, "check character is 0; for these 17 digits it should be %c "
				    "(Excel keeps only 15 digits: format the column as text)", expect);
		return fail(e, IDCARD_CHECK, "check character is %c; for these 17 digits it should be %c "
			    "(a typing error?)", id[17], expect);
	}
	if (out)
		memcpy(out, id, ID_NUMBER_LEN + 1);
	return IDCARD_OK;
}
