/* table_write.h - write rows of UTF-8 text cells as an .xlsx workbook or a CSV file.
 *
 * One interface, two back ends, so an export is written once:
 *
 * .xlsx (libxlsxwriter): a bold header row, frozen (the pane stays while
 *   scrolling), with an autofilter and the column widths asked for.  Every
 *   cell is written as a string; columns marked `text` also carry the text
 *   number format "@", so Excel and WPS never turn an ID number, a school
 *   code or a telephone number into a number when someone edits the cell.
 *   With `streaming` (the default for exports) libxlsxwriter's constant
 *   memory mode keeps one row in memory, so 200,000 rows cost no more than
 *   ten; rows must then be written in order, top to bottom.
 * CSV: UTF-8 with a byte-order mark (without it Excel on a Chinese Windows
 *   reads the file as GB18030 and shows mojibake), RFC 4180 quoting and
 *   CRLF line ends, as Excel writes it.  A cell that Excel would run as a
 *   formula (it starts with = + - @, a tab or CR, and is not a plain
 *   number-like text such as a phone "+86 138...") gets a leading
 *   apostrophe: opening an export must never run what someone typed.
 *
 * Where it goes (struct table_target, exactly one of):
 *   path    a file, written beside it under a temporary name and renamed
 *           over it on table_write_close(), so a failed export leaves no
 *           half-written file;
 *   stream  an open FILE (stdout);
 *   mem     a buf (a web download).
 * libxlsxwriter can only write a file: for stream and mem an .xlsx is made
 * in $TMPDIR (or /tmp) and copied out on close.
 *
 * API:
 * table_write_open() starts the first sheet with its columns and writes
 *   the header row.  table_write_row() adds a row.  table_write_close()
 *   finishes (and frees); table_write_abort() throws everything away.
 * For the import templates (.xlsx only; CSV ignores them):
 *   table_write_list() puts a drop-down list of allowed values on a column;
 *   table_write_sheet() starts another sheet (the 说明 sheet);
 *   the column's `note` becomes a comment on its header cell. */
#ifndef TDC_TABLE_WRITE_H
#define TDC_TABLE_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/buf.h"
#include "lib/err.h"

enum table_format { TABLE_XLSX, TABLE_CSV };

struct table_column {
	const char *header;
	double width;        /* in Excel's character units; 0: 12 */
	bool text;           /* digits that are not a number: ID numbers, codes, phones */
	const char *note;    /* a comment on the header cell (.xlsx), or NULL */
};

struct table_target {
	const char *path;
	FILE *stream;
	struct buf *mem;
};

struct table_options {
	enum table_format format;
	const char *sheet;              /* the first sheet's name; NULL: "Sheet1" */
	const struct table_column *columns;
	int ncolumns;                   /* 1..TABLE_MAX_COLUMNS */
	/* .xlsx: keep the whole workbook in memory instead of one row: needed
	 * for header comments (templates); exports leave it false */
	bool in_memory;
};

enum { TABLE_MAX_COLUMNS = 64, TABLE_LIST_INLINE_MAX = 255 };

struct table_writer;

/* 0, or -1 with e (ERR_USAGE for bad options, ERR_IO when the file or
 * temporary file cannot be made). */
int table_write_open(const struct table_target *to, const struct table_options *o,
		     struct table_writer **out, struct err *e);
/* cells[0..ncolumns-1] of the current sheet; a NULL cell is left empty.
 * 0, or -1 with e (a write failed, or the sheet is full: 1,048,576 rows). */
int table_write_row(struct table_writer *w, const char *const *cells, struct err *e);
/* Data rows written to the first sheet so far (the header not counted). */
long table_write_rows(const struct table_writer *w);
/* Allowed values for rows first_row..last_row (0-based sheet rows; row 0
 * is the header) of column col of the first sheet, as an in-cell drop-down
 * list that refuses other values.  Excel keeps an inline list to 255
 * characters: a longer one needs `range`, a reference to cells holding the
 * values (e.g. "'说明'!$B$2:$B$40"), which is then used instead.  input
 * is an optional prompt shown on the cell.  No-op for CSV. */
int table_write_list(struct table_writer *w, int col, int first_row, int last_row,
		     const char *const *values, const char *range, const char *input,
		     struct err *e);
/* Starts another sheet with its own columns (header row, widths); later
 * rows go there.  .xlsx only: ERR_USAGE for CSV. */
int table_write_sheet(struct table_writer *w, const char *name, const struct table_column *cols,
		      int ncols, struct err *e);
/* Finishes the file and frees w (also on failure).  0, or -1 with e. */
int table_write_close(struct table_writer *w, struct err *e);
/* Frees w and removes what was written to a path.  NULL is fine. */
void table_write_abort(struct table_writer *w);

#endif
