/* date.h - calendar dates as people write them, stored as "YYYY-MM-DD".
 *
 * Spreadsheets hold dates in many hands: 2019-09-01, 2019/9/1, 2019.9.1,
 * 2019年9月1日, 20190901, or, when a cell was formatted as a date and
 * read as a number, an Excel serial such as 43709.  date_parse() takes
 * them all and checks that the day exists.  Years run 1900-9999: nothing
 * this system records is older, and a 2-digit or 5-digit year is a
 * typing error more often than a date. */
#ifndef TDC_DATE_H
#define TDC_DATE_H

struct err;

enum { DATE_LEN = 10, DATE_SERIAL_MAX = 2958465 }; /* 9999-12-31 */

/* Accepts 2019-09-01, 2019-9-1, 2019/9/1, 2019.9.1, 2019年9月1日 (日 or
 * 号 may be left off), with full-width digits and separators and spaces
 * around the parts; 20190901; a time after the date ("2019-09-01
 * 00:00:00", "2019/9/1 8:30"), which is dropped; and an Excel date serial:
 * a plain integer 1..2958465 in the 1900 system, with Excel's 1900-02-29
 * bug (serial 60 is that non-date, an error; above 60 subtract one).
 * Writes ISO "YYYY-MM-DD".  Returns 0, or -1 with e (ERR_INVALID) saying
 * what is wrong, e.g. "\"2019/13/1\" is not a date: month 13". */
int date_parse(const char *in, char out[DATE_LEN + 1], struct err *e);
/* 1 when y-m-d is a day of the Gregorian calendar in 1900-9999, else 0. */
int date_valid(int y, int m, int d);
/* Excel 1900-system serial to "YYYY-MM-DD"; 0, or -1 for serial 60 and
 * anything outside 1..DATE_SERIAL_MAX (out is then ""). */
/* Days since 1970-01-01 to "YYYY-MM-DD" (years 1 to 9999); -1 outside. */
int date_from_days(long days, char out[DATE_LEN + 1]);
int date_from_serial(long serial, char out[DATE_LEN + 1]);
/* "YYYY-MM-DD" (exactly so) to days since 1970-01-01; 0, or -1 when it is
 * not a day of 1900-9999. */
int date_to_days(const char *iso, long *days);

#endif
