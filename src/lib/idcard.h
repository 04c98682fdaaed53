/* idcard.h - resident ID numbers, GB 11643-1999.
 *
 * 17 digits and a check character: the sum of the digits weighted
 * 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, modulo 11 (ISO 7064 MOD 11-2),
 * indexes "10X98765432".  Digits 1-2 are the province, 7-14 the birth
 * date; the 17th is odd for men.  Numbers issued before 1999 have 15
 * digits: no century in the birth date ("19" is implied) and no check
 * character.  The number is sensitive: idcard_mask() shows the first 4
 * and last 4 characters only, and no message here repeats the number
 * (the birth date, a province code or one character at most).
 *
 * API:
 * idcard_parse() takes what a person typed or a spreadsheet held and
 * gives the 18-character form, or the kind of error and a message that
 * says what is wrong.  idcard_is_valid() is the quick check for a number
 * already stored.  'today' is passed in, never read from the clock here:
 * the rules stay testable and one import sees a single date. */
#ifndef TDC_IDCARD_H
#define TDC_IDCARD_H

#include <stdbool.h>

struct err;

enum { ID_NUMBER_LEN = 18 };

enum idcard_error {
	IDCARD_OK,
	IDCARD_EMPTY,     /* nothing but spaces */
	IDCARD_LENGTH,    /* not 18 characters, nor the old 15 */
	IDCARD_CHARACTER, /* not a digit, or an X other than last */
	IDCARD_REGION,    /* the first two digits are no province */
	IDCARD_DATE,      /* digits 7-14 are no date, or before 1900 */
	IDCARD_FUTURE,    /* born after 'today' */
	IDCARD_CHECK,     /* the check character does not match */
	IDCARD_NUMERIC,   /* Excel made a number of it: 4.40106E+17 */
	IDCARD__MAX
};

char idcard_check_char(const char digits17[17]);
/* Masked copy: "4401**********123X".  out has room for ID_NUMBER_LEN + 1. */
void idcard_mask(const char *id, char out[ID_NUMBER_LEN + 1]);
/* true when 18 characters, 17 digits and a matching check character
 * (upper-case X).  Province and birth date are not looked at: that is
 * idcard_parse()'s job, on the way in. */
bool idcard_is_valid(const char *id);

/* Parses what a user typed: trims ASCII and full-width spaces, takes
 * full-width digits, accepts x or X (stored upper-case) and converts the
 * 15-digit legacy form (inserts "19" before the 2-digit year, then
 * computes the check character).  'today' is "YYYY-MM-DD"; NULL (or a
 * malformed one) skips the check for a future birth date.  On success
 * fills out (18 characters and NUL) and returns IDCARD_OK; otherwise
 * sets out to "" (out may be NULL) and returns the kind of error and,
 * when e != NULL, fills it (ERR_INVALID, field "id_number") with a
 * message for a person, in English, under 120 bytes. */
enum idcard_error idcard_parse(const char *in, const char *today,
			       char out[ID_NUMBER_LEN + 1], struct err *e);
/* A generic message for the kind, for when the specific one is gone. */
const char *idcard_error_message(enum idcard_error k);
/* The birth date of a parsed number as "YYYY-MM-DD". */
void idcard_birth_date(const char id18[18], char out[11]);
/* "male" when the 17th digit is odd, else "female": the database codes. */
const char *idcard_gender(const char id18[18]);

#endif
