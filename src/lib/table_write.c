/* table_write.c - rows of text cells to .xlsx or CSV (see table_write.h). */
#include "table_write.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

enum { XLSX_MAX_ROWS = 1048576, CSV_BUFFER = 1 << 16 };

struct table_writer {
	enum table_format format;
	struct table_target to;
	char tmp_path[PATH_MAX];        /* "" when nothing was made */
	bool ok;                        /* false after a failed write: close fails too */

	/* CSV: a FILE (the temporary file or the caller's stream), or to->mem */
	FILE *csv;

	/* .xlsx */
	lxw_workbook *wb;
	lxw_worksheet *first, *ws;      /* the first sheet, and the one being written */
	lxw_format *head, *text;
	int first_ncols;
	bool text_col[TABLE_MAX_COLUMNS]; /* of the current sheet */

	int ncols;                      /* of the current sheet */
	long row;                       /* the next row of the current sheet, 0-based */
	long data_rows;                 /* of the first sheet */
};

static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d ? d : "/tmp";
}

/* Makes an empty file to write into: beside the target, so the final
 * rename() stays on one file system, or in $TMPDIR. */
static int make_tmp(struct table_writer *w, const char *beside, struct err *e)
{
	int fd, n;

	if (beside)
		n = snprintf(w->tmp_path, sizeof w->tmp_path, "%s.tmp-XXXXXX", beside);
	else
		n = snprintf(w->tmp_path, sizeof w->tmp_path, "%s/tdc-table-XXXXXX", tmp_dir());
	if (n < 0 || (size_t)n >= sizeof w->tmp_path) {
		w->tmp_path[0] = '\0';
		err_set(e, ERR_USAGE, "file name too long: '%s'", beside ? beside : tmp_dir());
		return -1;
	}
	fd = mkstemp(w->tmp_path);
	if (fd < 0) {
		err_set(e, ERR_IO, "cannot create a file in '%s': %s",
			beside ? beside : tmp_dir(), strerror(errno));
		w->tmp_path[0] = '\0';
		return -1;
	}
	close(fd);
	return 0;
}

static void drop_tmp(struct table_writer *w)
{
	if (w->tmp_path[0])
		unlink(w->tmp_path);
	w->tmp_path[0] = '\0';
}

/* ---- CSV ------------------------------------------------------------------ */

static void csv_put(struct table_writer *w, const char *s, size_t n)
{
	if (w->to.mem)
		buf_add(w->to.mem, s, n);
	else if (fwrite(s, 1, n, w->csv) != n)
		w->ok = false;
}

/* Would Excel take the cell for a formula?  "+86 138..." and "-5" are
 * left alone: only digits and phone punctuation follow their sign. */
static bool looks_like_formula(const char *s)
{
	if (!*s || !strchr("=+-@\t\r", *s))
		return false;
	return s[strspn(s, "0123456789+-(). ")] != '\0';
}

static void csv_cell(struct table_writer *w, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		csv_put(w, "\"", 1);
	if (looks_like_formula(s))
		csv_put(w, "'", 1);
	for (const char *p = s; *p;) {
		const char *q = quote ? strchr(p, '"') : NULL;

		if (!q) {
			csv_put(w, p, strlen(p));
			break;
		}
		csv_put(w, p, (size_t)(q - p) + 1);
		csv_put(w, "\"", 1); /* a quote is doubled */
		p = q + 1;
	}
	if (quote)
		csv_put(w, "\"", 1);
}

static void csv_row(struct table_writer *w, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			csv_put(w, ",", 1);
		if (cells[i])
			csv_cell(w, cells[i]);
	}
	csv_put(w, "\r\n", 2);
}

static int csv_open(struct table_writer *w, const struct table_options *o, struct err *e)
{
	const char *headers[TABLE_MAX_COLUMNS];

	if (w->to.path) {
		if (make_tmp(w, w->to.path, e) < 0)
			return -1;
		w->csv = fopen(w->tmp_path, "wb");
		if (!w->csv) {
			err_set(e, ERR_IO, "cannot write '%s': %s", w->tmp_path, strerror(errno));
			return -1;
		}
		setvbuf(w->csv, NULL, _IOFBF, CSV_BUFFER);
	} else if (w->to.stream) {
		w->csv = w->to.stream;
	}
	csv_put(w, "\xEF\xBB\xBF", 3);
	for (int i = 0; i < o->ncolumns; i++)
		headers[i] = o->columns[i].header;
	csv_row(w, headers, o->ncolumns);
	return 0;
}

/* ---- .xlsx ---------------------------------------------------------------- */

static int xlsx_fail(struct table_writer *w, lxw_error rc, const char *what, struct err *e)
{
	w->ok = false;
	err_set(e, ERR_IO, "cannot write the workbook (%s): %s", what, lxw_strerror(rc));
	return -1;
}

/* Widths, formats, the header row and the frozen pane of a new sheet. */
static int xlsx_sheet_start(struct table_writer *w, const struct table_column *cols, int ncols,
			    bool notes, struct err *e)
{
	lxw_error rc;

	w->ncols = ncols;
	w->row = 0;
	for (int c = 0; c < ncols; c++) {
		w->text_col[c] = cols[c].text;
		rc = worksheet_set_column(w->ws, (lxw_col_t)c, (lxw_col_t)c,
					  cols[c].width > 0 ? cols[c].width : 12,
					  cols[c].text ? w->text : NULL);
		if (rc)
			return xlsx_fail(w, rc, "column width", e);
	}
	for (int c = 0; c < ncols; c++) {
		rc = worksheet_write_string(w->ws, 0, (lxw_col_t)c, cols[c].header, w->head);
		if (rc)
			return xlsx_fail(w, rc, "header", e);
		if (notes && cols[c].note) {
			lxw_comment_options co = { .width = 260, .height = 90 };

			rc = worksheet_write_comment_opt(w->ws, 0, (lxw_col_t)c, cols[c].note, &co);
			if (rc)
				return xlsx_fail(w, rc, "header note", e);
		}
	}
	/* the header stays in view while scrolling 100,000 rows */
	worksheet_freeze_panes(w->ws, 1, 0);
	w->row = 1;
	return 0;
}

static int xlsx_open(struct table_writer *w, const struct table_options *o, struct err *e)
{
	lxw_workbook_options wo = { 0 };

	if (make_tmp(w, w->to.path, e) < 0)
		return -1;
	wo.constant_memory = o->in_memory ? LXW_FALSE : LXW_TRUE;
	wo.tmpdir = (char *)tmp_dir();
	w->wb = workbook_new_opt(w->tmp_path, &wo);
	if (!w->wb) {
		err_set(e, ERR_IO, "cannot start a workbook in '%s'", w->tmp_path);
		return -1;
	}
	w->head = workbook_add_format(w->wb);
	w->text = workbook_add_format(w->wb);
	if (!w->head || !w->text) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	format_set_bold(w->head);
	format_set_bg_color(w->head, 0xDDEBF7);
	format_set_bottom(w->head, LXW_BORDER_THIN);
	/* Excel's built-in text format, "@" (number format 49) */
	format_set_num_format_index(w->head, 49);
	format_set_num_format_index(w->text, 49);
	w->ws = w->first = workbook_add_worksheet(w->wb, o->sheet);
	if (!w->ws) {
		err_set(e, ERR_USAGE, "bad sheet name '%s'", o->sheet ? o->sheet : "");
		return -1;
	}
	w->first_ncols = o->ncolumns;
	return xlsx_sheet_start(w, o->columns, o->ncolumns, o->in_memory, e);
}

static int xlsx_row(struct table_writer *w, const char *const *cells, struct err *e)
{
	if (w->row >= XLSX_MAX_ROWS) {
		w->ok = false;
		err_set(e, ERR_INVALID, "more than %d rows: a sheet holds no more", XLSX_MAX_ROWS - 1);
		return -1;
	}
	for (int c = 0; c < w->ncols; c++) {
		lxw_error rc;

		/* an empty cell is no cell: the sheet stays small */
		if (!cells[c] || !*cells[c])
			continue;
		rc = worksheet_write_string(w->ws, (lxw_row_t)w->row, (lxw_col_t)c, cells[c],
					    w->text_col[c] ? w->text : NULL);
		if (rc)
			return xlsx_fail(w, rc, "cell", e);
	}
	w->row++;
	return 0;
}

/* Copies the finished temporary file to the stream or buffer. */
static int copy_out(struct table_writer *w, struct err *e)
{
	FILE *f = fopen(w->tmp_path, "rb");
	char chunk[1 << 15];
	size_t n;
	int rc = 0;

	if (!f) {
		err_set(e, ERR_IO, "cannot read back '%s': %s", w->tmp_path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (w->to.mem)
			buf_add(w->to.mem, chunk, n);
		else if (fwrite(chunk, 1, n, w->to.stream) != n)
			rc = -1;
	}
	if (ferror(f) || (w->to.mem && !buf_ok(w->to.mem)))
		rc = -1;
	fclose(f);
	if (rc < 0)
		err_set(e, ERR_IO, "cannot copy the workbook out: %s",
			w->to.mem ? "out of memory" : strerror(errno));
	return rc;
}

/* ---- the interface -------------------------------------------------------- */

int table_write_open(const struct table_target *to, const struct table_options *o,
		     struct table_writer **out, struct err *e)
{
	struct table_writer *w;
	int targets = !!to->path + !!to->stream + !!to->mem;
	int rc;

	*out = NULL;
	if (targets != 1 || o->ncolumns < 1 || o->ncolumns > TABLE_MAX_COLUMNS) {
		err_set(e, ERR_USAGE, "table_write_open: one target and 1 to %d columns, please",
			TABLE_MAX_COLUMNS);
		return -1;
	}
	w = calloc(1, sizeof *w);
	if (!w) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	w->format = o->format;
	w->to = *to;
	w->ok = true;
	w->ncols = o->ncolumns;
	rc = o->format == TABLE_CSV ? csv_open(w, o, e) : xlsx_open(w, o, e);
	if (rc < 0) {
		table_write_abort(w);
		return -1;
	}
	*out = w;
	return 0;
}

int table_write_row(struct table_writer *w, const char *const *cells, struct err *e)
{
	if (!w->ok) {
		err_set(e, ERR_IO, "an earlier write failed");
		return -1;
	}
	if (w->format == TABLE_XLSX) {
		if (xlsx_row(w, cells, e) < 0)
			return -1;
	} else {
		csv_row(w, cells, w->ncols);
		if (!w->ok || (w->to.mem && !buf_ok(w->to.mem))) {
			w->ok = false;
			err_set(e, ERR_IO, "cannot write the CSV: %s",
				w->to.mem ? "out of memory" : strerror(errno));
			return -1;
		}
	}
	if (w->format == TABLE_CSV || w->ws == w->first)
		w->data_rows++;
	return 0;
}

long table_write_rows(const struct table_writer *w)
{
	return w->data_rows;
}

int table_write_list(struct table_writer *w, int col, int first_row, int last_row,
		     const char *const *values, const char *range, const char *input,
		     struct err *e)
{
	lxw_data_validation dv = { 0 };
	size_t inline_len = 0, n = 0;
	lxw_error rc;

	if (w->format != TABLE_XLSX)
		return 0;
	for (; values[n]; n++)
		inline_len += strlen(values[n]) + (n ? 1 : 0);
	dv.validate = LXW_VALIDATION_TYPE_LIST;
	/* Excel refuses a workbook whose inline list passes 255 characters;
	 * bytes are counted, which errs on the safe side for Chinese */
	if (inline_len > TABLE_LIST_INLINE_MAX) {
		if (!range) {
			err_set(e, ERR_USAGE, "a list of %zu characters needs a range of cells", inline_len);
			return -1;
		}
		/* libxlsxwriter 1.1.4 leaks its copy of this formula (bytes per
		 * list, once per file): no list of ours is this long yet */
		dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
		dv.value_formula = (char *)range;
	} else {
		dv.value_list = (char **)values;
	}
	dv.ignore_blank = LXW_VALIDATION_ON;
	dv.dropdown = LXW_VALIDATION_ON;
	dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
	if (input) {
		dv.show_input = LXW_VALIDATION_ON;
		dv.input_message = (char *)input;
	}
	rc = worksheet_data_validation_range(w->first, (lxw_row_t)first_row, (lxw_col_t)col,
					     (lxw_row_t)last_row, (lxw_col_t)col, &dv);
	if (rc)
		return xlsx_fail(w, rc, "drop-down list", e);
	return 0;
}

int table_write_sheet(struct table_writer *w, const char *name, const struct table_column *cols,
		      int ncols, struct err *e)
{
	if (w->format != TABLE_XLSX) {
		err_set(e, ERR_USAGE, "a CSV file has one sheet");
		return -1;
	}
	if (ncols < 1 || ncols > TABLE_MAX_COLUMNS) {
		err_set(e, ERR_USAGE, "table_write_sheet: 1 to %d columns, please", TABLE_MAX_COLUMNS);
		return -1;
	}
	w->ws = workbook_add_worksheet(w->wb, name);
	if (!w->ws) {
		w->ok = false;
		err_set(e, ERR_USAGE, "bad or repeated sheet name '%s'", name ? name : "");
		return -1;
	}
	return xlsx_sheet_start(w, cols, ncols, false, e);
}

int table_write_close(struct table_writer *w, struct err *e)
{
	int rc = 0;

	if (!w)
		return 0;
	if (w->format == TABLE_XLSX) {
		lxw_error xrc;

		if (w->ok) {
			/* the filter covers the rows written, known only now */
			xrc = worksheet_autofilter(w->first, 0, 0, (lxw_row_t)w->data_rows,
						   (lxw_col_t)(w->first_ncols - 1));
			if (xrc)
				rc = xlsx_fail(w, xrc, "autofilter", e);
		}
		xrc = workbook_close(w->wb); /* frees it, whatever happens */
		w->wb = NULL;
		if (xrc && rc == 0)
			rc = xlsx_fail(w, xrc, "closing", e);
		if (rc == 0 && !w->ok)
			rc = -1, err_set(e, ERR_IO, "an earlier write failed");
		if (rc == 0 && !w->to.path)
			rc = copy_out(w, e);
	} else if (w->csv) {
		if (w->to.path) {
			if (fclose(w->csv) != 0)
				w->ok = false;
		} else if (fflush(w->csv) != 0) {
			w->ok = false;
		}
		w->csv = NULL;
		if (!w->ok) {
			rc = -1;
			err_set(e, ERR_IO, "cannot write the CSV: %s", strerror(errno));
		}
	} else if (!w->ok || (w->to.mem && !buf_ok(w->to.mem))) {
		rc = -1;
		err_set(e, ERR_IO, "cannot write the CSV: out of memory");
	}
	if (rc == 0 && w->to.path && rename(w->tmp_path, w->to.path) != 0) {
		err_set(e, ERR_IO, "cannot write '%s': %s", w->to.path, strerror(errno));
		rc = -1;
	} else if (rc == 0 && w->to.path) {
		w->tmp_path[0] = '\0'; /* it is the file now */
	}
	drop_tmp(w);
	free(w);
	return rc;
}

void table_write_abort(struct table_writer *w)
{
	if (!w)
		return;
	if (w->wb)
		workbook_close(w->wb);
	if (w->csv && w->csv != w->to.stream)
		fclose(w->csv);
	drop_tmp(w);
	free(w);
}
