/* fuzz_idcard.c - libFuzzer target for the cell parsers: idcard_parse(),
 * date_parse() and vocab_code().
 *
 * Any bytes go in as one cell.  Besides the sanitizers' findings it checks
 * the promises of the headers: an accepted ID number is 18 characters,
 * passes idcard_is_valid() and parses again to itself; a refused one
 * leaves out empty and a message under 120 bytes in valid UTF-8 (messages
 * end up in pages and JSON); an accepted date is a valid ISO date that
 * parses to itself; a word maps to one of its kind's codes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/vocab.h"
#include "lib/date.h"
#include "lib/err.h"
#include "lib/idcard.h"

enum { CELL_MAX = 4096 };

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static bool utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : *p >= 0xC2 && *p <= 0xDF ? 1 : *p >= 0xE0 && *p <= 0xEF ? 2 :
			*p >= 0xF0 && *p <= 0xF4 ? 3 : -1;

		if (n < 0)
			return false;
		if (n == 2 && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F)))
			return false;
		if (n == 3 && ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F)))
			return false;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return false;
	}
	return true;
}

static void check_message(const struct err *e)
{
	size_t n = strlen(e->message);

	CHECK(e->code == ERR_INVALID);
	CHECK(n > 0 && n < 120);
	CHECK(e->message[n - 1] != '.');
	CHECK(utf8_ok(e->message));
}

static void fuzz_idcard(const char *cell)
{
	char out[ID_NUMBER_LEN + 1], again[ID_NUMBER_LEN + 1], birth[11];
	struct err e = { 0 };
	enum idcard_error k = idcard_parse(cell, "2025-06-01", out, &e);

	CHECK((unsigned)k < IDCARD__MAX);
	CHECK(idcard_error_message(k)[0] != '\0');
	if (k != IDCARD_OK) {
		CHECK(out[0] == '\0');
		check_message(&e);
		return;
	}
	CHECK(e.code == ERR_NONE);
	CHECK(strlen(out) == ID_NUMBER_LEN);
	CHECK(idcard_is_valid(out));
	CHECK(idcard_parse(out, "2025-06-01", again, NULL) == IDCARD_OK);
	CHECK(!strcmp(out, again));
	idcard_birth_date(out, birth);
	CHECK(strcmp(birth, "1900-01-01") >= 0 && strcmp(birth, "2025-06-01") <= 0);
	CHECK(date_valid(atoi(birth), atoi(birth + 5), atoi(birth + 8)));
	CHECK(!strcmp(idcard_gender(out), "male") || !strcmp(idcard_gender(out), "female"));
}

static void fuzz_date(const char *cell)
{
	char out[DATE_LEN + 1], again[DATE_LEN + 1];
	struct err e = { 0 };

	if (date_parse(cell, out, &e) < 0) {
		CHECK(out[0] == '\0');
		check_message(&e);
		return;
	}
	CHECK(strlen(out) == DATE_LEN && out[4] == '-' && out[7] == '-');
	CHECK(date_valid(atoi(out), atoi(out + 5), atoi(out + 8)));
	CHECK(date_parse(out, again, NULL) == 0 && !strcmp(out, again));
}

static void fuzz_vocab(const char *cell)
{
	for (int k = 0; k < VOCAB__MAX; k++) {
		const char *code = vocab_code((enum vocab_kind)k, cell);
		bool known = false;

		if (!code)
			continue;
		for (const char *const *c = vocab_codes((enum vocab_kind)k); *c; c++)
			known |= *c == code;
		CHECK(known);
		CHECK(vocab_code((enum vocab_kind)k, code) == code);
		CHECK(vocab_label((enum vocab_kind)k, code) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cell;

	if (size > CELL_MAX)
		return 0;
	/* an exact-size copy, so ASan sees any read past the NUL */
	if (!(cell = malloc(size + 1)))
		return 0;
	memcpy(cell, data, size);
	cell[size] = '\0'; /* a cell is text: an embedded NUL ends it */
	fuzz_idcard(cell);
	fuzz_date(cell);
	fuzz_vocab(cell);
	free(cell);
	return 0;
}
