/* idcard.h - resident ID numbers, GB 11643-1999.
 *
 * 17 digits and a check character: the sum of the digits weighted
 * 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, modulo 11 (ISO 7064 MOD 11-2),
 * indexes "10X98765432".  Digits 7-14 are the birth date; the 17th is odd
 * for men.  The number is sensitive: idcard_mask() shows the first 4 and
 * last 4 characters only. */
#ifndef TDC_IDCARD_H
#define TDC_IDCARD_H

#include <stdbool.h>

enum { ID_NUMBER_LEN = 18 };

char idcard_check_char(const char digits17[17]);
/* Masked copy: "4401**********123X".  out has room for ID_NUMBER_LEN + 1. */
void idcard_mask(const char *id, char out[ID_NUMBER_LEN + 1]);
/* true when 18 characters, 17 digits and a matching check character
 * (upper-case X).  The full validator with its messages comes with the
 * registry. */
bool idcard_is_valid(const char *id);

#endif
