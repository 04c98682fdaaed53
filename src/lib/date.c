/* date.c - dates as people write them (see date.h). */
#include "date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "utf8.h"

/* Markers the normaliser writes for 年, 月 and 日/号: control bytes, so a
 * Latin letter typed in a cell can never stand for one. */
enum { MARK_YEAR = 1, MARK_MONTH = 2, MARK_DAY = 3 };

/* Longest cell we read: "2019 年 09 月 01 日 00:00:00" is far shorter;
 * anything longer is not a date. */
enum { NORM_MAX = 64, ECHO_MAX = 40 };

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* "YYYY-MM-DD" for a valid date (the ranges are known, snprintf's
 * truncation warnings are not needed). */
static void put_ymd(char out[DATE_LEN + 1], int y, int m, int d)
{
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int date_valid(int y, int m, int d)
{
	return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

/* Day number to civil date (Howard Hinnant's algorithm, days since
 * 1970-01-01): exact over our whole range without a table. */
static void civil_from_days(long z, int *y, int *m, int *d)
{
	long era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Civil date to day number, the inverse (same author). */
static long days_from_civil(int y, int m, int d)
{
	long yy = m <= 2 ? y - 1 : y;
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int date_to_days(const char *iso, long *days)
{
	int y, m, d;
	char tail;

	if (!iso || strlen(iso) != DATE_LEN || iso[4] != '-' || iso[7] != '-')
		return -1;
	/* digits where digits belong: sscanf alone would take "2026- 1-+5" */
	for (int i = 0; i < DATE_LEN; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)iso[i]))
			return -1;
	if (sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || !date_valid(y, m, d))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

int date_from_days(long days, char out[DATE_LEN + 1])
{
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	if (y < 1 || y > 9999) {
		out[0] = '\0';
		return -1;
	}
	put_ymd(out, y, m, d);
	return 0;
}

int date_from_serial(long serial, char out[DATE_LEN + 1])
{
	/* Serial 1 is 1900-01-01.  Excel (after Lotus 1-2-3) counts a
	 * 1900-02-29 as serial 60, so from 61 on every serial is one day
	 * ahead: day 0 is 1899-12-31 below 60 and 1899-12-30 above. */
	const long dec31_1899 = -25568, dec30_1899 = -25569;
	int y, m, d;

	out[0] = '\0';
	if (serial < 1 || serial > DATE_SERIAL_MAX || serial == 60)
		return -1;
	civil_from_days((serial < 60 ? dec31_1899 : dec30_1899) + serial, &y, &m, &d);
	put_ymd(out, y, m, d);
	return 0;
}

/* The cell as it goes into a message: spaces trimmed, at most ECHO_MAX
 * bytes cut at a character boundary, and bytes that are not text (control
 * characters, broken UTF-8) shown as '?', so a message stays valid UTF-8
 * for the page and the JSON that carry it. */
static void echo(const char *in, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)in, *end;
	size_t o = 0;
	int k;

	while ((k = utf8_space_len(p)) > 0)
		p += k;
	end = p + strlen((const char *)p);
	while (end > p) {
		if (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n')
			end--;
		else if (end - p >= 3 && end[-3] == 0xE3 && end[-2] == 0x80 && end[-1] == 0x80)
			end -= 3;
		else if (end - p >= 2 && end[-2] == 0xC2 && end[-1] == 0xA0)
			end -= 2;
		else
			break;
	}
	while (p < end) {
		k = utf8_len(p);
		if (k == 0 || p + k > end || *p < 0x20 || *p == 0x7F)
			k = 1;
		if (o + (size_t)k > ECHO_MAX || o + (size_t)k + 4 > n) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (k == 1 && (*p < 0x20 || *p >= 0x7F))
			out[o++] = '?';
		else
			memcpy(out + o, p, (size_t)k), o += (size_t)k;
		p += k;
	}
	out[o] = '\0';
}

/* Rewrites the cell as ASCII: full-width digits and separators become
 * ASCII, 年 月 日/号 become the markers, every kind of space one ' '.
 * -1 when a character has no place in a date or the cell is too long. */
static int normalise(const char *in, char *out, size_t n)
{
	static const struct {
		const char *utf8;
		char ascii;
	} map[] = {
		{ "\xEF\xBC\x8D", '-' }, /* － */
		{ "\xEF\xBC\x8F", '/' }, /* ／ */
		{ "\xEF\xBC\x8E", '.' }, /* ． */
		{ "\xEF\xBC\x9A", ':' }, /* ： */
		{ "\xE5\xB9\xB4", MARK_YEAR },  /* 年 */
		{ "\xE6\x9C\x88", MARK_MONTH }, /* 月 */
		{ "\xE6\x97\xA5", MARK_DAY },   /* 日 */
		{ "\xE5\x8F\xB7", MARK_DAY },   /* 号, as in 9月1号 */
	};
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	while (*p) {
		int k = utf8_space_len(p);
		char c = 0;

		if (o + 1 >= n)
			return -1;
		if (k > 0) {
			out[o++] = ' ';
			p += k;
			continue;
		}
		if (*p >= 0x20 && *p < 0x7F) {
			out[o++] = (char)*p++;
			continue;
		}
		if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
			out[o++] = (char)('0' + (p[2] - 0x90)); /* ０-９ */
			p += 3;
			continue;
		}
		for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
			if (!strncmp((const char *)p, map[i].utf8, 3)) {
				c = map[i].ascii;
				break;
			}
		if (!c)
			return -1;
		out[o++] = c;
		p += 3;
	}
	out[o] = '\0';
	return 0;
}

static const char *skip_spaces(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* Up to max digits; the count read (0 when none, or too many). */
static int digits(const char **pp, int max, long *value)
{
	const char *p = *pp;
	int n = 0;

	*value = 0;
	while (*p >= '0' && *p <= '9') {
		if (++n > max)
			return 0;
		*value = *value * 10 + (*p++ - '0');
	}
	*pp = p;
	return n;
}

/* An optional time after the date: "8:30", "08:30:00", "08:30:00.000".
 * Dropped, but it must be a time: "2019-09-01 junk" is no date. */
static int time_part(const char *p)
{
	long h, m, s;

	if (!digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &m) != 2)
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &s) != 2 || s > 59)
			return -1;
		if (*p == '.') {
			p++;
			if (!digits(&p, 9, &s))
				return -1;
		}
	}
	if (h > 23 || m > 59 || *skip_spaces(p))
		return -1;
	return 0;
}

static int not_a_date(const char *in, struct err *e)
{
	char shown[ECHO_MAX + 4];

	echo(in, shown, sizeof shown);
	err_set(e, ERR_INVALID, "\"%s\" is not a date; write it as 2019-09-01", shown);
	return -1;
}

static int check_ymd(const char *in, long y, long m, long d, char out[DATE_LEN + 1],
		     struct err *e)
{
	char shown[ECHO_MAX + 4];

	if (date_valid((int)y, (int)m, (int)d)) {
		put_ymd(out, (int)y, (int)m, (int)d);
		return 0;
	}
	echo(in, shown, sizeof shown);
	if (y < 1900)
		err_set(e, ERR_INVALID, "\"%s\" is not a date: year %ld is before 1900", shown, y);
	else if (m < 1 || m > 12)
		err_set(e, ERR_INVALID, "\"%s\" is not a date: month %ld", shown, m);
	else
		err_set(e, ERR_INVALID, "\"%s\" is not a date: %04ld-%02ld has no day %ld",
			shown, y, m, d);
	return -1;
}

int date_parse(const char *in, char out[DATE_LEN + 1], struct err *e)
{
	char norm[NORM_MAX];
	const char *p;
	long y, m, d;
	int n;
	char sep, sep2;

	out[0] = '\0';
	if (!in || normalise(in, norm, sizeof norm) < 0)
		return not_a_date(in ? in : "", e);
	p = skip_spaces(norm);
	n = digits(&p, 8, &y);
	p = skip_spaces(p);
	if (n > 0 && !*p) {
		if (n == 8)
			return check_ymd(in, y / 10000, y / 100 % 100, y % 100, out, e);
		if (y == 60) {
			char shown[ECHO_MAX + 4];

			echo(in, shown, sizeof shown);
			err_set(e, ERR_INVALID, "\"%s\" is not a date: Excel's serial 60 is "
				"1900-02-29, a day that never was", shown);
			return -1;
		}
		/* a cell formatted as a date but read as its number */
		if (date_from_serial(y, out) == 0)
			return 0;
		return not_a_date(in, e);
	}
	if (n != 4)
		return not_a_date(in, e);
	sep = *p;
	if (sep == '-' || sep == '/' || sep == '.')
		sep2 = sep;
	else if (sep == MARK_YEAR)
		sep2 = MARK_MONTH;
	else
		return not_a_date(in, e);
	p = skip_spaces(p + 1);
	if (!digits(&p, 2, &m))
		return not_a_date(in, e);
	p = skip_spaces(p);
	if (*p != sep2)
		return not_a_date(in, e);
	p = skip_spaces(p + 1);
	if (!digits(&p, 2, &d))
		return not_a_date(in, e);
	if (sep == MARK_YEAR) {
		p = skip_spaces(p);
		if (*p == MARK_DAY)
			p++;
	}
	if (*p == 'T') {
		if (time_part(p + 1) < 0)
			return not_a_date(in, e);
	} else if (*p == ' ') {
		p = skip_spaces(p);
		if (*p && time_part(p) < 0)
			return not_a_date(in, e);
	} else if (*p) {
		return not_a_date(in, e);
	}
	return check_ymd(in, y, m, d, out, e);
}
