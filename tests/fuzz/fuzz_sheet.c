/* fuzz_sheet.c - libFuzzer target: any bytes as an uploaded table.
 *
 * sheet_open_mem() then every row, checking what sheet.h promises of each
 * cell (NUL-terminated text of the stated length, the limits), so the
 * sanitizers see every path the importer takes through an upload.
 *
 * Except .xls (the OLE2 signature): sheet.c hands those to FreeXL in a
 * forked child.  FreeXL is not instrumented, so the fuzzer learns nothing
 * from it; a fork of this process under AddressSanitizer takes about a
 * tenth of a second, which would cut the runs a hundredfold; and what it
 * would find are FreeXL's own bugs, which the child contains.  The .xls
 * path is tested in tests/unit/test_sheet.c, with a FreeXL crasher this
 * fuzzer found (tests/fixtures/import/freexl-overread.xls). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet *sh = NULL;
	struct sheet_row row;
	struct err err = { 0 };
	double last = 0;
	int rc;

	static const uint8_t cfb[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };

	if (size >= sizeof cfb && !memcmp(data, cfb, sizeof cfb))
		return 0;
	if (sheet_open_mem(data, size, &sh, &err) < 0) {
		if (sh || !err.message[0])
			abort();
		return 0;
	}
	while ((rc = sheet_next(sh, &row, &err)) == 1) {
		double p = sheet_progress(sh);

		if (row.ncells < 1 || row.ncells > SHEET_MAX_CELLS || p < last || p > 1)
			abort();
		last = p;
		for (int i = 0; i < row.ncells; i++) {
			const struct sheet_cell *c = &row.cells[i];

			if (!c->text || strlen(c->text) != c->len || c->len > SHEET_MAX_CELL
			    || (c->type == SHEET_EMPTY) != (c->len == 0))
				abort();
		}
	}
	if (rc < 0 && !err.message[0])
		abort();
	sheet_close(sh);
	return 0;
}
