/* sheet.h - read the rows of an uploaded table: CSV, .xlsx or .xls.
 *
 * API:
 * sheet_open_file() / sheet_open_mem() detect the kind from the content's
 * first bytes, never the file name, and get ready to read.
 * sheet_next() hands out one row at a time: 1 a row, 0 the end, -1 an error
 * whose message names the line (CSV) or row (.xlsx, .xls).
 * sheet_progress() says how far the reading has got, for a progress bar.
 *
 * Kinds: "PK\3\4" is a zip, which must be an .xlsx workbook; the OLE2
 * signature D0 CF 11 E0 is a legacy .xls (FreeXL); anything else is CSV,
 * in UTF-16 when it starts with a UTF-16 BOM, in UTF-8 when it starts with
 * the UTF-8 BOM or is valid UTF-8, else in GB18030 (what Excel and WPS on
 * a Chinese Windows save by default).  A CSV's delimiter is a comma, or a
 * tab when its first record has a tab and no comma (Excel's "Unicode text").
 *
 * Rows whose cells are all empty or white space are skipped, and trailing
 * empty cells are dropped, so ncells may differ from row to row.  CSV cells
 * are exactly the text between the delimiters (quotes undone); spreadsheet
 * cells say whether they were text, a number (the stored digits, e.g.
 * "43709" or "4.4010619900101101E+17") or a date-formatted number (then
 * "YYYY-MM-DD").
 *
 * The whole of a CSV is held in memory (converted to UTF-8 when it was not);
 * .xlsx sheets are streamed, so memory stays bounded but for the shared
 * strings table; FreeXL loads an .xls whole (at most 65536 rows), in a
 * child process of its own, because it is not safe on hostile files: the
 * caller sees a fork() and, for a moment, a second process. */
#ifndef TDC_SHEET_H
#define TDC_SHEET_H

#include <stddef.h>

#include "lib/err.h"

enum {
	SHEET_MAX_FILE = 256 << 20,  /* bytes of an uploaded file, or of a workbook */
	SHEET_MAX_CELL = 64 << 10,   /* bytes of one cell's text */
	SHEET_MAX_CELLS = 1024,      /* cells of one row */
};
/* A CSV file on disk (the command line) may be larger: a province's hours
 * records are gigabytes.  It is mapped, not read into memory. */
#define SHEET_MAX_CSV_FILE ((size_t)16 << 30)

enum sheet_kind { SHEET_CSV_UTF8, SHEET_CSV_GB18030, SHEET_CSV_UTF16, SHEET_XLSX, SHEET_XLS };
enum sheet_cell_type { SHEET_EMPTY, SHEET_TEXT, SHEET_NUMBER, SHEET_DATE };

/* text is NUL-terminated UTF-8 ("" when empty), valid until the next
 * sheet_next() or sheet_close() */
struct sheet_cell {
	const char *text;
	size_t len;
	enum sheet_cell_type type;
};

struct sheet_row {
	long line;      /* CSV: physical line (1-based) the record starts on;
			 * .xlsx, .xls: the spreadsheet's row number */
	int ncells;
	struct sheet_cell *cells;
};

struct sheet;

int sheet_open_file(const char *path, struct sheet **out, struct err *e);
/* data must outlive the sheet; it may be copied (a CSV in another encoding
 * is converted, an .xls is written to a memory file for FreeXL) */
int sheet_open_mem(const void *data, size_t len, struct sheet **out, struct err *e);
enum sheet_kind sheet_kind(const struct sheet *sh);
/* "CSV (UTF-8)", "CSV (GB18030)", "CSV (UTF-16)", ".xlsx", ".xls" */
const char *sheet_kind_name(enum sheet_kind k);
/* 1 = a row, 0 = end, -1 = error (message names the line); after an error
 * every later call fails the same way */
int sheet_next(struct sheet *sh, struct sheet_row *row, struct err *e);
double sheet_progress(const struct sheet *sh); /* 0..1, cheap */
void sheet_close(struct sheet *sh); /* NULL ok */

#endif
