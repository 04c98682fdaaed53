/* activation_sheet.c - a batch of activation codes as .xlsx or CSV (see activation.h).
 *
 * The sheet holds live codes, so it is made in memory, never in a file the
 * caller did not ask for: the .xlsx is written to a memory file
 * (memfd_create, opened again by its /proc/self/fd path, since
 * libxlsxwriter 1.1.4 can only write to a named file) and libxlsxwriter's
 * own temporary parts go to /dev/shm, a tmpfs, when there is one.  Where
 * neither exists the parts go to the temporary directory as unlinked
 * files, which is libxlsxwriter's own default. */
#include "activation.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

/* The columns: the issue names them, in Chinese, for the offices that
 * print and hand out the codes. */
static const struct {
	const char *header;
	double width;
} columns[] = {
	{ "学校", 32 }, { "姓名", 12 }, { "身份证号", 22 }, { "激活码", 18 }, { "有效期至", 12 },
};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

static void card_cells(const struct activation_batch *b, const struct activation_card *c,
		       const char *cells[NCOLUMNS])
{
	cells[0] = c->place;
	cells[1] = c->name;
	cells[2] = c->id_masked;
	cells[3] = c->code;
	cells[4] = b->expires_on;
}

/* ---- CSV --------------------------------------------------------------- */

/* RFC 4180, and a leading apostrophe on what Excel would run as a formula:
 * a name in the registry is typed by people, and opening a sheet must
 * never run it. */
static void csv_cell(struct buf *out, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		buf_putc(out, '"');
	if (strchr("=+-@\t\r", *s) && *s)
		buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	if (quote)
		buf_putc(out, '"');
}

static int write_csv(const struct activation_batch *b, struct buf *out, struct err *err)
{
	const char *cells[NCOLUMNS];

	/* without the BOM, Excel on a Chinese Windows reads GB18030 */
	buf_puts(out, "\xEF\xBB\xBF");
	for (int c = 0; c < NCOLUMNS; c++) {
		if (c)
			buf_putc(out, ',');
		csv_cell(out, columns[c].header);
	}
	buf_puts(out, "\r\n");
	for (int i = 0; i < b->n; i++) {
		card_cells(b, &b->cards[i], cells);
		for (int c = 0; c < NCOLUMNS; c++) {
			if (c)
				buf_putc(out, ',');
			csv_cell(out, cells[c] ? cells[c] : "");
		}
		buf_puts(out, "\r\n");
	}
	if (!buf_ok(out)) {
		err_set(err, ERR_INTERNAL, "out of memory writing the CSV");
		return -1;
	}
	return 0;
}

/* ---- .xlsx --------------------------------------------------------------- */

static char *parts_dir(void)
{
	static char shm[] = "/dev/shm";
	struct stat st;

	if (stat(shm, &st) == 0 && S_ISDIR(st.st_mode) && access(shm, W_OK | X_OK) == 0)
		return shm;
	return NULL;
}

static int fill_workbook(lxw_workbook *wb, const struct activation_batch *b)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "激活码");
	lxw_format *text = workbook_add_format(wb), *head = workbook_add_format(wb);
	lxw_format *code = workbook_add_format(wb);
	const char *cells[NCOLUMNS];

	if (!ws || !text || !head || !code)
		return -1;
	/* text, so Excel and WPS never make a number of a code or an ID number */
	format_set_num_format(text, "@");
	format_set_num_format(head, "@");
	format_set_bold(head);
	format_set_bottom(head, LXW_BORDER_THIN);
	format_set_num_format(code, "@");
	format_set_font_name(code, "Consolas");
	format_set_bold(code);
	for (int c = 0; c < NCOLUMNS; c++) {
		if (worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, columns[c].width,
					 c == 3 ? code : text) != LXW_NO_ERROR)
			return -1;
		if (worksheet_write_string(ws, 0, (lxw_col_t)c, columns[c].header, head) != LXW_NO_ERROR)
			return -1;
	}
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_repeat_rows(ws, 0, 0);  /* the header on every printed page */
	worksheet_set_paper(ws, 9);       /* A4 */
	for (int i = 0; i < b->n; i++) {
		card_cells(b, &b->cards[i], cells);
		for (int c = 0; c < NCOLUMNS; c++)
			if (worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c,
						   cells[c] ? cells[c] : "", c == 3 ? code : text) != LXW_NO_ERROR)
				return -1;
	}
	return 0;
}

/* A file that lives in memory, or else an unlinked temporary one; *path
 * names it for libxlsxwriter. */
static int memory_file(char path[64])
{
	int fd = memfd_create("tdc-activation", MFD_CLOEXEC);

	if (fd >= 0) {
		snprintf(path, 64, "/proc/self/fd/%d", fd);
		if (access(path, W_OK) == 0)
			return fd;
		close(fd);
	}
	{
		const char *dir = parts_dir();
		const char *tmp = getenv("TMPDIR");

		snprintf(path, 64, "%s/tdc-activation-XXXXXX",
			 dir ? dir : tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
		fd = mkostemp(path, O_CLOEXEC);
		if (fd < 0)
			return -1;
		unlink(path);
		/* the name is gone, the open file stays: reach it by descriptor */
		snprintf(path, 64, "/proc/self/fd/%d", fd);
		if (access(path, W_OK) == 0)
			return fd;
		close(fd);
		return -1;
	}
}

static int write_xlsx(const struct activation_batch *b, struct buf *out, struct err *err)
{
	lxw_workbook_options opts = { .constant_memory = LXW_FALSE, .tmpdir = parts_dir() };
	lxw_workbook *wb;
	lxw_error lrc;
	char path[64];
	struct stat st;
	off_t off = 0;
	int fd = memory_file(path);

	if (fd < 0) {
		err_set(err, ERR_IO, "cannot make a memory file for the spreadsheet: %s", strerror(errno));
		return -1;
	}
	wb = workbook_new_opt(path, &opts);
	if (!wb) {
		err_set(err, ERR_INTERNAL, "out of memory starting the spreadsheet");
		goto fail;
	}
	if (fill_workbook(wb, b) < 0) {
		workbook_close(wb);
		err_set(err, ERR_INTERNAL, "cannot fill the spreadsheet");
		goto fail;
	}
	lrc = workbook_close(wb);
	if (lrc != LXW_NO_ERROR) {
		err_set(err, ERR_IO, "cannot write the spreadsheet: %s", lxw_strerror(lrc));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || buf_grow(out, (size_t)st.st_size) < 0) {
		err_set(err, ERR_IO, "cannot read the spreadsheet back: %s", strerror(errno));
		goto fail;
	}
	while (off < st.st_size) {
		ssize_t n = pread(fd, out->data + out->len, (size_t)(st.st_size - off), off);

		if (n <= 0) {
			err_set(err, ERR_IO, "cannot read the spreadsheet back: %s",
				n < 0 ? strerror(errno) : "short file");
			goto fail;
		}
		out->len += (size_t)n;
		off += n;
	}
	out->data[out->len] = '\0';
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

int activation_sheet(const struct activation_batch *b, enum activation_sheet_format fmt,
		     struct buf *out, struct err *err)
{
	return fmt == ACTIVATION_CSV ? write_csv(b, out, err) : write_xlsx(b, out, err);
}
