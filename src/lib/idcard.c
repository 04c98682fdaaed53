/* idcard.c - GB 11643-1999 check character and masking (see idcard.h). */
#include "idcard.h"

#include <string.h>

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
