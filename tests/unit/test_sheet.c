/* test_sheet.c - reading uploaded tables (lib/sheet.c).
 *
 * CSV: quotes, doubled quotes, line breaks inside fields and the line
 * numbers after them, CRLF, lone CR, the UTF-8 BOM, empty and blank lines,
 * the tab delimiter, GB18030 and UTF-16 detection and their errors, binary
 * files and web pages refused, the cell and row limits.
 * .xlsx written here by libxlsxwriter (shared strings, and inline strings
 * in constant_memory mode) and by hand with libzip (every cell type, the
 * 1900 and 1904 date systems, number formats, absolute part names, broken
 * files).  The committed fixtures made by LibreOffice (scripts/make-fixtures):
 * .xlsx, .xls and a GB18030 CSV must read as the UTF-8 CSV they came from.
 * FreeXL's child process: gone after sheet_close(), and a file that makes
 * FreeXL read past a buffer only gives an error.
 * And 100,000 rows within the time the importer is allowed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <iconv.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "fixture.h"
#include "lib/buf.h"
#include "lib/sheet.h"

struct fixture {
	char dir[128];
	int serial;
};

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || fixture_mkdtemp(f->dir, sizeof f->dir, "sheet") < 0)
		return -1;
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	fixture_rmdir(f->dir);
	free(f);
	return 0;
}

static void new_path(struct fixture *f, const char *ext, char *out, size_t n)
{
	snprintf(out, n, "%s/t%d.%s", f->dir, ++f->serial, ext);
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *p;
	long len;

	if (!fp)
		fail_msg("cannot open '%s'", path);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return p;
}

/* Every row as "LINE:[cell][cell]\n"; with types, "[T:text]" where T is
 * E, T, N or D.  Fails the test on an error. */
static char *render(struct sheet *sh, bool types)
{
	struct buf b;
	struct sheet_row row;
	struct err err = { 0 };
	int rc;

	buf_init(&b);
	while ((rc = sheet_next(sh, &row, &err)) == 1) {
		buf_printf(&b, "%ld:", row.line);
		for (int i = 0; i < row.ncells; i++) {
			const struct sheet_cell *c = &row.cells[i];

			assert_int_equal(strlen(c->text), c->len);
			assert_true((c->type == SHEET_EMPTY) == (c->len == 0));
			if (types)
				buf_printf(&b, "[%c:%s]", "ETND"[c->type], c->text);
			else
				buf_printf(&b, "[%s]", c->text);
		}
		buf_putc(&b, '\n');
	}
	if (rc < 0)
		fail_msg("sheet_next: %s", err.message);
	assert_true(sheet_progress(sh) == 1.0);
	/* the end stays the end */
	assert_int_equal(sheet_next(sh, &row, &err), 0);
	return buf_detach(&b);
}

static char *read_mem(const void *d, size_t n, bool types, enum sheet_kind kind)
{
	struct sheet *sh = NULL;
	struct err err = { 0 };
	char *out;

	if (sheet_open_mem(d, n, &sh, &err) < 0)
		fail_msg("sheet_open_mem: %s", err.message);
	assert_int_equal(sheet_kind(sh), kind);
	assert_true(sheet_progress(sh) == 0.0);
	out = render(sh, types);
	sheet_close(sh);
	return out;
}

static char *read_path(const char *path, bool types, enum sheet_kind kind)
{
	struct sheet *sh = NULL;
	struct err err = { 0 };
	char *out;

	if (sheet_open_file(path, &sh, &err) < 0)
		fail_msg("sheet_open_file '%s': %s", path, err.message);
	assert_int_equal(sheet_kind(sh), kind);
	out = render(sh, types);
	sheet_close(sh);
	return out;
}

#define assert_csv(text, expected) do { \
	char *got_ = read_mem(text, sizeof text - 1, false, SHEET_CSV_UTF8); \
	assert_string_equal(got_, expected); \
	free(got_); \
} while (0)

/* Opening or reading fails, with a message containing needle.  Rows read
 * before the failure are fine. */
static void expect_error(const void *d, size_t n, const char *needle)
{
	struct sheet *sh = NULL;
	struct sheet_row row;
	struct err err = { 0 };
	int rc;

	if (sheet_open_mem(d, n, &sh, &err) == 0) {
		while ((rc = sheet_next(sh, &row, &err)) == 1)
			;
		if (rc == 0)
			fail_msg("no error; expected '%s'", needle);
		/* sticky */
		assert_int_equal(sheet_next(sh, &row, NULL), -1);
		sheet_close(sh);
	} else {
		assert_null(sh);
	}
	if (!strstr(err.message, needle))
		fail_msg("error '%s' does not contain '%s'", err.message, needle);
}

/* utf8 converted with iconv, for GB18030 and UTF-16 test files. */
static char *convert(const char *to, const char *utf8, size_t *n)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	size_t left = strlen(utf8), room = left * 4 + 4;
	char *out = malloc(room), *src = (char *)utf8, *dst = out;

	assert_true(cd != (iconv_t)-1);
	assert_non_null(out);
	assert_int_not_equal(iconv(cd, &src, &left, &dst, &room), (size_t)-1);
	iconv_close(cd);
	*n = (size_t)(dst - out);
	return out;
}

/* ---- CSV ------------------------------------------------------------------- */

static void csv_quotes(void **state)
{
	assert_csv("a,\"b,c\",\"say \"\"hi\"\"\",\"\"\"\"\n",
		   "1:[a][b,c][say \"hi\"][\"]\n");
	/* spaces are data; a quote inside an unquoted field is kept */
	assert_csv(" a , b ,x\"y\n", "1:[ a ][ b ][x\"y]\n");
	/* no final line break; an unclosed quote runs to the end */
	assert_csv("a,b", "1:[a][b]\n");
	assert_csv("a,\"b\nc", "1:[a][b\nc]\n");
}

static void csv_newlines_inside_fields(void **state)
{
	assert_csv("姓名,备注\n"
		   "张三,\"第一行\n第二行\n第三行\"\n"
		   "李四,x\n"
		   "\"\n\",y\n"
		   "王五,z\n",
		   "1:[姓名][备注]\n"
		   "2:[张三][第一行\n第二行\n第三行]\n"
		   "5:[李四][x]\n"
		   "6:[\n][y]\n"
		   "8:[王五][z]\n");
}

static void csv_line_endings(void **state)
{
	assert_csv("a,b\r\nc,d\r\n", "1:[a][b]\n2:[c][d]\n");
	assert_csv("a,\"x\r\ny\"\r\nc,d\r\n", "1:[a][x\r\ny]\n3:[c][d]\n");
	/* lone CR, as old Mac Excel saves */
	assert_csv("a,b\rc,d\r\re,f", "1:[a][b]\n2:[c][d]\n4:[e][f]\n");
	assert_csv("a,\"x\ry\"\rc\r", "1:[a][x\ry]\n3:[c]\n");
	/* mixed */
	assert_csv("a\nb\r\nc\rd", "1:[a]\n2:[b]\n3:[c]\n4:[d]\n");
}

static void csv_bom_and_blank_lines(void **state)
{
	assert_csv("\xef\xbb\xbf姓名,学校\n张三,一中\n", "1:[姓名][学校]\n2:[张三][一中]\n");
	/* empty lines, lines of empty cells, lines of white space (also the
	 * full-width space U+3000) are skipped; the line numbers stay true */
	assert_csv("\n\na\n\r\n,,\n  , \t\n\xe3\x80\x80,\xc2\xa0\n\"\",\"\"\nb\n\n",
		   "3:[a]\n9:[b]\n");
	/* trailing empty cells are dropped, inner ones kept as SHEET_EMPTY */
	{
		static const char t[] = "a,,c,,,\n";
		char *got = read_mem(t, sizeof t - 1, true, SHEET_CSV_UTF8);

		assert_string_equal(got, "1:[T:a][E:][T:c]\n");
		free(got);
	}
	/* a BOM alone, or only blank lines: no rows */
	assert_csv("\xef\xbb\xbf", "");
	assert_csv("\r\n\r\n", "");
}

static void csv_tab_delimiter(void **state)
{
	assert_csv("姓名\t学校\n张三\t\"一中,\t二中\"\n", "1:[姓名][学校]\n2:[张三][一中,\t二中]\n");
	/* a comma in the first record: commas win */
	assert_csv("a,b\tc\nd\te,f\n", "1:[a][b\tc]\n2:[d\te][f]\n");
	/* the first record decides, not a blank line before it */
	assert_csv("\n\"x,y\"\tz\n", "2:[x,y][z]\n");
}

static void csv_gb18030(void **state)
{
	static const char gb[] = "\xd0\xd5\xc3\xfb,\xd1\xa7\xd0\xa3\n"; /* 姓名,学校 */
	size_t n;
	char *bytes = convert("GB18030", "身份证号,姓名,学校\n"
			      "440106199001011235,李明,第一中学\n"
			      "440106880203001,王芳,𠀀中学\n", &n);
	char *got = read_mem(bytes, n, false, SHEET_CSV_GB18030);

	assert_string_equal(got, "1:[身份证号][姓名][学校]\n"
			    "2:[440106199001011235][李明][第一中学]\n"
			    "3:[440106880203001][王芳][𠀀中学]\n");
	free(got);
	free(bytes);

	got = read_mem(gb, sizeof gb - 1, false, SHEET_CSV_GB18030);
	assert_string_equal(got, "1:[姓名][学校]\n");
	free(got);

	/* 0x81 0x20 is no GB18030 character: the error names its line, 4 */
	{
		static const char bad[] = "\xd0\xd5\xc3\xfb\n\"a\nb\"\n\x81\x20x\n";

		expect_error(bad, sizeof bad - 1, "line 4: the text is neither UTF-8 nor GB18030");
	}
	{
		static const char bad[] = "\xd0\xd5,x\r\n\xff\xff\r\n";

		expect_error(bad, sizeof bad - 1, "line 2:");
	}
}

static void csv_utf16(void **state)
{
	size_t n;
	char *le = convert("UTF-16LE", "\xef\xbb\xbf姓名\t学校\r\n张三\t\"一中\r\n分校\"\r\n李四\t二中\r\n", &n);
	char *got;

	/* the converted BOM is FF FE */
	assert_int_equal((unsigned char)le[0], 0xff);
	assert_int_equal((unsigned char)le[1], 0xfe);
	got = read_mem(le, n, false, SHEET_CSV_UTF16);
	assert_string_equal(got, "1:[姓名][学校]\n2:[张三][一中\r\n分校]\n4:[李四][二中]\n");
	free(got);
	free(le);

	le = convert("UTF-16BE", "\xef\xbb\xbf" "a,b\n", &n);
	got = read_mem(le, n, false, SHEET_CSV_UTF16);
	assert_string_equal(got, "1:[a][b]\n");
	free(got);
	free(le);

	/* a lone surrogate on line 2 */
	{
		static const char bad[] = "\xff\xfe" "a\0\n\0" "b\0\x00\xd8" "c\0";

		expect_error(bad, sizeof bad - 1, "line 2: invalid UTF-16 text");
	}
}

static void csv_invalid_utf8_after_bom(void **state)
{
	static const char bad[] = "\xef\xbb\xbf" "a\nb\n\xd0\xd5\n";

	expect_error(bad, sizeof bad - 1, "line 3: invalid UTF-8 text");
}

static void not_a_table(void **state)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
	static const char nul[] = "a,b\nc\0d,e\n";
	static const char png[] = "\x89PNG\r\n\x1a\n";
	static const char html[] = "\r\n<html><body><table><tr><td>1</td></tr></table></body></html>";
	static const char gz[] = "\x1f\x8b\x08\x00";

	expect_error(pdf, sizeof pdf - 1, "not a CSV, .xlsx or .xls file");
	expect_error(nul, sizeof nul - 1, "not a CSV, .xlsx or .xls file");
	expect_error(png, sizeof png - 1, "not a CSV, .xlsx or .xls file");
	expect_error(html, sizeof html - 1, "web page");
	expect_error(gz, sizeof gz - 1, "not a CSV, .xlsx or .xls file");
	expect_error("", 0, "the file is empty");
	/* a CFB file that is no workbook */
	{
		unsigned char cfb[4096] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };

		expect_error(cfb, sizeof cfb, "cannot read the .xls file");
	}
}

static void csv_limits(void **state)
{
	size_t big = SHEET_MAX_CELL + 10, n = 0;
	char *t = malloc(big + 64);

	assert_non_null(t);
	/* a cell over 64 KiB on line 3 */
	n += (size_t)sprintf(t, "a,b\n\"x\ny\",z\n");
	memset(t + n, 'x', big);
	n += big;
	t[n++] = '\n';
	expect_error(t, n, "line 4: column 1 is longer than 64 KiB");
	/* an unclosed quote runs on and is stopped at the limit */
	n = (size_t)sprintf(t, "a\nb,\"");
	memset(t + n, 'x', big);
	n += big;
	expect_error(t, n, "line 2: column 2 is longer than 64 KiB");
	/* exactly 64 KiB is fine */
	memset(t, 'y', SHEET_MAX_CELL);
	{
		struct sheet *sh;
		struct sheet_row row;
		struct err err = { 0 };

		assert_int_equal(sheet_open_mem(t, SHEET_MAX_CELL, &sh, &err), 0);
		assert_int_equal(sheet_next(sh, &row, &err), 1);
		assert_int_equal(row.cells[0].len, SHEET_MAX_CELL);
		sheet_close(sh);
	}
	free(t);

	/* 1025 cells; but 1024 and any number of empty ones after are fine */
	t = malloc(8 * 4096);
	assert_non_null(t);
	n = 0;
	for (int i = 0; i < SHEET_MAX_CELLS; i++)
		n += (size_t)sprintf(t + n, "%d,", i);
	n += (size_t)sprintf(t + n, ",,,,,\nnext\n");
	{
		char *got = read_mem(t, n, false, SHEET_CSV_UTF8);

		assert_non_null(strstr(got, "[1023]\n2:[next]\n"));
		free(got);
	}
	n = 0;
	n += (size_t)sprintf(t + n, "header\n");
	for (int i = 0; i <= SHEET_MAX_CELLS; i++)
		n += (size_t)sprintf(t + n, "%d,", i);
	expect_error(t, n, "line 2: more than 1024 columns");
	free(t);
}

static void csv_file_and_progress(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct sheet *sh;
	struct sheet_row row;
	struct err err = { 0 };
	size_t n;
	/* not "学校" alone: its GB18030 bytes D1 A7 D0 A3 happen to be valid UTF-8 */
	char *gb = convert("GB18030", "姓名,学校\nb,c\n", &n);
	FILE *fp;

	new_path(f, "csv", path, sizeof path);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fwrite(gb, 1, n, fp);
	fclose(fp);
	free(gb);

	assert_int_equal(sheet_open_file(path, &sh, &err), 0);
	assert_int_equal(sheet_kind(sh), SHEET_CSV_GB18030);
	assert_string_equal(sheet_kind_name(sheet_kind(sh)), "CSV (GB18030)");
	assert_true(sheet_progress(sh) == 0.0);
	assert_int_equal(sheet_next(sh, &row, &err), 1);
	assert_string_equal(row.cells[1].text, "学校");
	assert_true(sheet_progress(sh) > 0.0 && sheet_progress(sh) < 1.0);
	assert_int_equal(sheet_next(sh, &row, &err), 1);
	assert_int_equal(sheet_next(sh, &row, &err), 0);
	assert_true(sheet_progress(sh) == 1.0);
	sheet_close(sh);
	sheet_close(NULL);

	/* a missing file names itself */
	snprintf(path, sizeof path, "%s/no-such.csv", f->dir);
	assert_int_equal(sheet_open_file(path, &sh, &err), -1);
	assert_null(sh);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_non_null(strstr(err.message, "no-such.csv"));

	assert_string_equal(sheet_kind_name(SHEET_CSV_UTF8), "CSV (UTF-8)");
	assert_string_equal(sheet_kind_name(SHEET_CSV_UTF16), "CSV (UTF-16)");
	assert_string_equal(sheet_kind_name(SHEET_XLSX), ".xlsx");
	assert_string_equal(sheet_kind_name(SHEET_XLS), ".xls");
}

/* ---- .xlsx written by libxlsxwriter ------------------------------------------ */

static void write_book(const char *path, bool constant_memory)
{
	lxw_workbook_options opt = { .constant_memory = constant_memory };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws;
	lxw_format *iso, *builtin, *chinese, *twodp, *bold;
	lxw_datetime d2015 = { 2015, 9, 1, 0, 0, 0 }, d2019 = { 2019, 9, 1, 8, 30, 0 },
		d2008 = { 2008, 9, 1, 0, 0, 0 };

	assert_non_null(wb);
	ws = workbook_add_worksheet(wb, "教师");
	iso = workbook_add_format(wb);
	format_set_num_format(iso, "yyyy-mm-dd");
	builtin = workbook_add_format(wb);
	format_set_num_format_index(builtin, 14);
	chinese = workbook_add_format(wb);
	format_set_num_format(chinese, "yyyy\"年\"m\"月\"d\"日\"");
	twodp = workbook_add_format(wb);
	format_set_num_format(twodp, "\"d\"0.00"); /* a quoted d is not a date */
	bold = workbook_add_format(wb);
	format_set_bold(bold);

	worksheet_write_string(ws, 0, 0, "身份证号", NULL);
	worksheet_write_string(ws, 0, 1, "姓名", NULL);
	worksheet_write_string(ws, 0, 2, "入职日期", NULL);
	worksheet_write_string(ws, 0, 3, "人数", NULL);
	worksheet_write_string(ws, 1, 0, "440106199001011235", NULL);
	worksheet_write_string(ws, 1, 1, "李明", NULL);
	worksheet_write_datetime(ws, 1, 2, &d2015, iso);
	worksheet_write_number(ws, 1, 3, 42, NULL);
	/* a gap between columns */
	worksheet_write_string(ws, 2, 0, "甲", NULL);
	worksheet_write_string(ws, 2, 2, "丙", NULL);
	/* row 4 holds only a styled blank: skipped */
	worksheet_write_blank(ws, 3, 1, bold);
	worksheet_write_number(ws, 4, 0, 3.5, NULL);
	worksheet_write_datetime(ws, 4, 1, &d2019, builtin);
	worksheet_write_datetime(ws, 4, 2, &d2008, chinese);
	worksheet_write_number(ws, 4, 3, 0.25, twodp);
	worksheet_write_number(ws, 4, 4, 440106199001011235.0, NULL);
	{
		lxw_rich_string_tuple a = { .format = NULL, .string = "富" };
		lxw_rich_string_tuple b = { .format = bold, .string = "文本" };
		lxw_rich_string_tuple *rich[] = { &a, &b, NULL };

		worksheet_write_rich_string(ws, 5, 0, rich, NULL);
	}
	worksheet_write_boolean(ws, 5, 1, 1, NULL);
	worksheet_write_formula_str(ws, 5, 2, "=\"x\"&\"y\"", NULL, "xy");
	worksheet_write_string(ws, 5, 3, "  ", NULL);
	worksheet_write_blank(ws, 5, 200, bold);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static const char BOOK_ROWS[] =
	"1:[T:身份证号][T:姓名][T:入职日期][T:人数]\n"
	"2:[T:440106199001011235][T:李明][D:2015-09-01][N:42]\n"
	"3:[T:甲][E:][T:丙]\n"
	"5:[N:3.5][D:2019-09-01][D:2008-09-01][N:0.25][N:4.401061990010113E+17]\n"
	"6:[T:富文本][T:TRUE][T:xy][T:  ]\n";

static void xlsx_libxlsxwriter(void **state)
{
	struct fixture *f = *state;
	char path[256];
	unsigned char *data;
	size_t n;
	char *got;

	for (int cm = 0; cm <= 1; cm++) {
		new_path(f, cm ? "cm.xlsx" : "xlsx", path, sizeof path);
		write_book(path, cm);
		got = read_path(path, true, SHEET_XLSX);
		assert_string_equal(got, BOOK_ROWS);
		free(got);
		data = slurp(path, &n);
		got = read_mem(data, n, true, SHEET_XLSX);
		assert_string_equal(got, BOOK_ROWS);
		free(got);
		free(data);
	}
}

/* ---- .xlsx put together by hand ---------------------------------------------- */

struct part {
	const char *name;
	const char *text;
};

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char WORKBOOK_1900[] =
	"<?xml version=\"1.0\"?><workbook " NS "><workbookPr/><sheets>"
	"<sheet name=\"一\" sheetId=\"1\" r:id=\"rId7\"/><sheet name=\"二\" sheetId=\"2\" r:id=\"rId1\"/>"
	"</sheets></workbook>";
static const char WORKBOOK_1904[] =
	"<?xml version=\"1.0\"?><x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:rel=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<x:workbookPr date1904=\"1\"/><x:sheets><x:sheet name=\"一\" sheetId=\"1\" rel:id=\"rId7\"/>"
	"</x:sheets></x:workbook>";
static const char RELS[] =
	"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" REL "worksheet\" Target=\"worksheets/other.xml\"/>"
	"<Relationship Id=\"rId7\" Type=\"" REL "worksheet\" Target=\"/xl/worksheets/../data/first.xml\"/>"
	"<Relationship Id=\"rId8\" Type=\"" REL "sharedStrings\" Target=\"strings.xml\"/>"
	"<Relationship Id=\"rId9\" Type=\"" REL "styles\" Target=\"./styles.xml\"/>"
	"</Relationships>";
static const char STYLES[] =
	"<?xml version=\"1.0\"?><styleSheet " NS "><numFmts count=\"5\">"
	"<numFmt numFmtId=\"164\" formatCode=\"[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"&quot;dmy&quot;0.00\"/>"
	"<numFmt numFmtId=\"166\" formatCode=\"[Red][&gt;=100]0.00;\\d0\"/>"
	"<numFmt numFmtId=\"167\" formatCode=\"General\"/>"
	"<numFmt numFmtId=\"15\" formatCode=\"0.0\"/>"
	"</numFmts><cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"
	"<xf numFmtId=\"166\"/><xf numFmtId=\"14\"/><xf numFmtId=\"57\"/><xf numFmtId=\"15\"/></cellXfs>"
	"</styleSheet>";
static const char STRINGS[] =
	"<?xml version=\"1.0\"?><sst " NS " count=\"5\" uniqueCount=\"5\">"
	"<si><t>甲</t></si>"
	"<si><r><t>富</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">文本 </t></r>"
	"<rPh sb=\"0\" eb=\"1\"><t>ふ</t></rPh><phoneticPr fontId=\"1\"/></si>"
	"<si><t>a_x000D_b_x005F_x0041_</t></si>"
	"<si><t/></si>"
	"<si><t>第二行&#10;</t></si>"
	"</sst>";

/* Writes an .xlsx of the given parts with libzip. */
static void write_zip(const char *path, const struct part *parts, size_t nparts)
{
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);

	assert_non_null(z);
	for (size_t i = 0; i < nparts; i++) {
		zip_source_t *src = zip_source_buffer(z, parts[i].text, strlen(parts[i].text), 0);

		assert_non_null(src);
		assert_true(zip_file_add(z, parts[i].name, src, ZIP_FL_OVERWRITE) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
}

static void write_hand_book(struct fixture *f, char *path, size_t n, bool date1904,
			    const char *sheet_xml)
{
	const struct part parts[] = {
		{ "[Content_Types].xml", "<Types/>" },
		{ "xl/workbook.xml", date1904 ? WORKBOOK_1904 : WORKBOOK_1900 },
		{ "xl/_rels/workbook.xml.rels", RELS },
		{ "xl/styles.xml", STYLES },
		{ "xl/strings.xml", STRINGS },
		{ "xl/data/first.xml", sheet_xml },
		{ "xl/worksheets/other.xml", "<worksheet " NS "><sheetData><row><c><v>9</v></c></row></sheetData></worksheet>" },
	};

	new_path(f, "xlsx", path, n);
	write_zip(path, parts, sizeof parts / sizeof parts[0]);
}

/* Reads the hand-made book both ways; the two must agree. */
static char *read_hand_book(struct fixture *f, bool date1904, const char *sheet_xml)
{
	char path[256], *a, *b;
	unsigned char *data;
	size_t n;

	write_hand_book(f, path, sizeof path, date1904, sheet_xml);
	a = read_path(path, true, SHEET_XLSX);
	data = slurp(path, &n);
	b = read_mem(data, n, true, SHEET_XLSX);
	free(data);
	assert_string_equal(a, b);
	free(b);
	return a;
}

static void expect_hand_book_error(struct fixture *f, const char *sheet_xml, const char *needle)
{
	char path[256];
	unsigned char *data;
	size_t n;

	write_hand_book(f, path, sizeof path, false, sheet_xml);
	data = slurp(path, &n);
	expect_error(data, n, needle);
	free(data);
}

#define SHEET(rows) "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet " NS \
	"><dimension ref=\"A1\"/><sheetData>" rows "</sheetData><mergeCells/></worksheet>"

static void xlsx_cell_types(void **state)
{
	char *got = read_hand_book(*state, false, SHEET(
		"<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\" t=\"s\"><v>1</v></c>"
		"<c r=\"C2\" t=\"s\"><v>2</v></c><c r=\"D2\" t=\"s\"><v>3</v></c><c r=\"E2\" t=\"s\"><v>4</v></c></row>"
		"<row r=\"3\"><c r=\"A3\" t=\"b\"><v>1</v></c><c r=\"B3\" t=\"b\"><v>0</v></c>"
		"<c r=\"C3\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c><c r=\"D3\" t=\"str\"><f>A1&amp;B1</f><v>甲乙</v></c>"
		"<c r=\"E3\" t=\"inlineStr\"><is><r><t>行</t></r><r><rPr/><t>内</t></r><rPh><t>x</t></rPh></is></c>"
		"<c r=\"F3\" t=\"d\"><v>2019-09-01T00:00:00</v></c></row>"
		/* no r on the cells: the next column; no r on the row: the next row */
		"<row><c><v>1</v></c><c><v>2</v></c><c r=\"E4\"><v>5</v></c><c><v>6</v></c></row>"
		"<row r=\"7\" spans=\"1:3\"><c r=\"A7\" s=\"2\"><v>4.4010619900101101E+17</v></c>"
		"<c r=\"B7\" s=\"3\"><v>-1.5</v></c><c r=\"C7\" s=\"6\"><v>43709</v></c>"
		"<c r=\"D7\" s=\"0\"><v>43709</v></c><c r=\"E7\" s=\"99\"><v>43709</v></c></row>"
		/* only empty cells, styled: skipped; a styled empty cell far right is dropped */
		"<row r=\"8\"><c r=\"A8\" s=\"1\"/><c r=\"B8\" t=\"s\"><v>3</v></c><c r=\"C8\" t=\"inlineStr\"><is><t> </t></is></c></row>"
		"<row r=\"9\"><c r=\"B9\"><v>1</v></c><c r=\"XFD9\" s=\"1\"/></row>"));

	assert_string_equal(got,
		"2:[T:甲][T:富文本 ][T:a\rb_x0041_][E:][T:第二行\n]\n"
		"3:[T:TRUE][T:FALSE][T:#DIV/0!][T:甲乙][T:行内][D:2019-09-01]\n"
		"4:[N:1][N:2][E:][E:][N:5][N:6]\n"
		"7:[N:4.4010619900101101E+17][N:-1.5][N:43709][N:43709][N:43709]\n"
		"9:[E:][N:1]\n");
	free(got);
}

static void xlsx_dates(void **state)
{
	/* xf 1: a custom Chinese date format; 4: built-in 14; 5: built-in 57 (CJK) */
	static const char rows[] = SHEET(
		"<row r=\"1\"><c r=\"A1\" s=\"4\"><v>1</v></c><c r=\"B1\" s=\"4\"><v>59</v></c>"
		"<c r=\"C1\" s=\"4\"><v>60</v></c><c r=\"D1\" s=\"4\"><v>61</v></c>"
		"<c r=\"E1\" s=\"1\"><v>43709</v></c><c r=\"F1\" s=\"5\"><v>43709.999</v></c>"
		"<c r=\"G1\" s=\"1\"><v>0</v></c><c r=\"H1\" s=\"1\"><v>-1</v></c><c r=\"I1\" s=\"1\"><v>x</v></c>"
		"<c r=\"J1\" s=\"1\"><v>2958465</v></c></row>");
	char *got = read_hand_book(*state, false, rows);

	assert_string_equal(got, "1:[D:1900-01-01][D:1900-02-28][D:1900-02-29][D:1900-03-01]"
			    "[D:2019-09-01][D:2019-09-01][D:1899-12-31][N:-1][N:x][D:9999-12-31]\n");
	free(got);

	/* the 1904 system: serial 0 is 1904-01-01, and prefixed element names */
	got = read_hand_book(*state, true, SHEET(
		"<row r=\"1\"><c r=\"A1\" s=\"4\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>42247</v></c></row>"));
	assert_string_equal(got, "1:[D:1904-01-01][D:2019-09-01]\n");
	free(got);
}

static void xlsx_errors(void **state)
{
	struct fixture *f = *state;
	char path[256];
	unsigned char *data;
	size_t n;
	struct buf b;

	/* a zip, but not a workbook */
	{
		const struct part parts[] = { { "word/document.xml", "<w/>" } };

		new_path(f, "zip", path, sizeof path);
		write_zip(path, parts, 1);
		data = slurp(path, &n);
		expect_error(data, n, "not an .xlsx workbook");
		free(data);
	}
	{
		const struct part parts[] = {
			{ "mimetype", "application/vnd.oasis.opendocument.spreadsheet" },
			{ "content.xml", "<office/>" },
		};

		new_path(f, "ods", path, sizeof path);
		write_zip(path, parts, 2);
		data = slurp(path, &n);
		expect_error(data, n, "OpenDocument");
		free(data);
	}
	/* a broken zip */
	{
		static const char broken[] = "PK\x03\x04garbage that is no zip at all";

		expect_error(broken, sizeof broken - 1, "not an .xlsx workbook");
	}
	/* XML that breaks off after row 2 */
	expect_hand_book_error(f, "<worksheet " NS "><sheetData><row r=\"1\"><c><v>1</v></c></row>"
			       "<row r=\"2\"><c><v>2</v></c></row><row r=\"3\"><c><v>3</c></row>",
			       "after row 2");
	/* a shared string that is not there */
	expect_hand_book_error(f, SHEET("<row r=\"4\"><c r=\"A4\" t=\"s\"><v>77</v></c></row>"),
			       "row 4: column 1 refers to shared string '77'");
	/* a non-empty cell past column 1024 (AMK = 1025) */
	expect_hand_book_error(f, SHEET("<row r=\"5\"><c r=\"A5\"><v>1</v></c><c r=\"AMK5\"><v>1</v></c></row>"),
			       "row 5: more than 1024 columns");
	/* a cell over 64 KiB */
	buf_init(&b);
	buf_puts(&b, "<worksheet " NS "><sheetData><row r=\"6\"><c r=\"B6\" t=\"inlineStr\"><is><t>");
	for (int i = 0; i < SHEET_MAX_CELL / 9 + 1; i++)
		buf_puts(&b, "教师教");
	buf_puts(&b, "</t></is></c></row></sheetData></worksheet>");
	assert_true(buf_ok(&b));
	expect_hand_book_error(f, buf_cstr(&b), "row 6: column 2 is longer than 64 KiB");
	buf_free(&b);
}

/* ---- fixtures made by LibreOffice -------------------------------------------- */

/* The path of a committed fixture. */
static void fixture_path(const char *name, char *out, size_t n)
{
	const char *root = getenv("TDC_SOURCE_ROOT");

	snprintf(out, n, "%s/tests/fixtures/import/%s", root ? root : ".", name);
}

/* What every fixture must read as: teachers.csv's rows, except that a
 * spreadsheet may keep a number as a number and make a date a date. */
static void check_teachers(const char *name, enum sheet_kind kind, bool spreadsheet)
{
	static const char *const want[4][10] = {
		{ "身份证号", "姓名", "学校标识码", "岗位", "学科", "职称", "学历", "骨干级别", "入职日期", "手机" },
		{ "440106198503120023", "陈晓燕", "3444102077", "教师", "语文", "中学高级", "本科", "区级",
		  "2008-09-01", "13800138000" },
		{ "440106199001011235", "李明", "3444102077", "教师", "数学", "一级", "硕士研究生", "无",
		  "2015/9/1", "13912345678" },
		{ "440106880203001", "王芳", "3444102077", "班主任", "英语", "二级", "大学本科", "校级",
		  "2019年9月1日", "" },
	};
	char path[512];
	unsigned char *data;
	size_t n;

	fixture_path(name, path, sizeof path);
	data = slurp(path, &n);
	for (int way = 0; way < 2; way++) {
		struct sheet *sh = NULL;
		struct sheet_row row;
		struct err err = { 0 };
		int r = 0, rc;

		if ((way ? sheet_open_mem(data, n, &sh, &err) : sheet_open_file(path, &sh, &err)) < 0)
			fail_msg("%s: %s", name, err.message);
		assert_int_equal(sheet_kind(sh), kind);
		while ((rc = sheet_next(sh, &row, &err)) == 1) {
			assert_true(r < 4);
			assert_int_equal(row.line, r + 1);
			assert_int_equal(row.ncells, r == 3 ? 9 : 10);
			for (int c = 0; c < row.ncells; c++) {
				const struct sheet_cell *cell = &row.cells[c];

				if (strcmp(cell->text, want[r][c]))
					fail_msg("%s row %d column %d: '%s', want '%s'", name, r + 1, c + 1,
						 cell->text, want[r][c]);
				/* ID numbers stay text everywhere */
				if (c == 0 || !spreadsheet)
					assert_int_equal(cell->type, SHEET_TEXT);
			}
			if (spreadsheet) {
				/* Calc read these as numbers, and the ISO date as a date */
				if (r > 0)
					assert_int_equal(row.cells[2].type, SHEET_NUMBER);
				if (r == 1) {
					assert_int_equal(row.cells[8].type, SHEET_DATE);
					assert_int_equal(row.cells[9].type, SHEET_NUMBER);
				}
			}
			r++;
		}
		if (rc < 0)
			fail_msg("%s: %s", name, err.message);
		assert_int_equal(r, 4);
		sheet_close(sh);
	}
	free(data);
}

static void fixtures_read_alike(void **state)
{
	check_teachers("teachers.csv", SHEET_CSV_UTF8, false);
	check_teachers("teachers-gb18030.csv", SHEET_CSV_GB18030, false);
	check_teachers("teachers-lo.xlsx", SHEET_XLSX, true);
	check_teachers("teachers-lo.xls", SHEET_XLS, true);
}

/* No child process of the .xls reader outlives its sheet. */
static void assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void xls_child_process(void **state)
{
	char path[512];
	unsigned char *data;
	size_t n;
	struct sheet *sh;
	struct sheet_row row;
	struct err err = { 0 };

	/* closed after one row: the child is gone too */
	fixture_path("teachers-lo.xls", path, sizeof path);
	assert_int_equal(sheet_open_file(path, &sh, &err), 0);
	assert_true(sheet_progress(sh) == 0.0);
	assert_int_equal(sheet_next(sh, &row, &err), 1);
	assert_string_equal(row.cells[0].text, "身份证号");
	assert_true(sheet_progress(sh) > 0.0 && sheet_progress(sh) < 1.0);
	sheet_close(sh);
	assert_no_children();

	/* a file on which FreeXL reads far past a stack buffer (a directory
	 * entry's name, converted with the length the file gives): the child
	 * dies or fails, and the caller gets an error, not a crash */
	fixture_path("freexl-overread.xls", path, sizeof path);
	printf("# under AddressSanitizer the child reports FreeXL's overread on stderr: expected\n");
	fflush(stdout);
	assert_int_equal(sheet_open_file(path, &sh, &err), -1);
	assert_non_null(strstr(err.message, "cannot read the .xls file"));
	data = slurp(path, &n);
	expect_error(data, n, "cannot read the .xls file");
	free(data);
	assert_no_children();
}

/* ---- 100,000 rows in time --------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static long count_rows(const char *path)
{
	struct sheet *sh;
	struct sheet_row row;
	struct err err = { 0 };
	long n = 0;
	int rc;

	if (sheet_open_file(path, &sh, &err) < 0)
		fail_msg("%s", err.message);
	while ((rc = sheet_next(sh, &row, &err)) == 1) {
		assert_int_equal(row.ncells, 6);
		n++;
	}
	if (rc < 0)
		fail_msg("%s", err.message);
	sheet_close(sh);
	return n;
}

static void hundred_thousand_rows(void **state)
{
	struct fixture *f = *state;
	enum { ROWS = 100000 };
	char csv[256], xlsx[256];
	lxw_workbook_options opt = { .constant_memory = 1 };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *date;
	struct timespec t0;
	FILE *fp;

	new_path(f, "csv", csv, sizeof csv);
	new_path(f, "xlsx", xlsx, sizeof xlsx);
	fp = fopen(csv, "w");
	assert_non_null(fp);
	wb = workbook_new_opt(xlsx, &opt);
	assert_non_null(wb);
	ws = workbook_add_worksheet(wb, NULL);
	date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	for (int r = 0; r < ROWS; r++) {
		char id[32], name[32];
		lxw_datetime d = { 2000 + r % 20, 9, 1, 0, 0, 0 };

		snprintf(id, sizeof id, "4401061990%08d", r);
		snprintf(name, sizeof name, "教师%d", r);
		fprintf(fp, "%s,%s,3444102077,\"教师,班主任\",%d-09-01,%lld\n", id, name, 2000 + r % 20,
			13800000000LL + r);
		worksheet_write_string(ws, (lxw_row_t)r, 0, id, NULL);
		worksheet_write_string(ws, (lxw_row_t)r, 1, name, NULL);
		worksheet_write_number(ws, (lxw_row_t)r, 2, 3444102077.0, NULL);
		worksheet_write_string(ws, (lxw_row_t)r, 3, "教师,班主任", NULL);
		worksheet_write_datetime(ws, (lxw_row_t)r, 4, &d, date);
		worksheet_write_number(ws, (lxw_row_t)r, 5, 13800000000.0 + r, NULL);
	}
	fclose(fp);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(count_rows(csv), ROWS);
	printf("# 100000 CSV rows: %.2f s\n", seconds_since(&t0));
	assert_true(seconds_since(&t0) < 5.0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(count_rows(xlsx), ROWS);
	printf("# 100000 .xlsx rows: %.2f s\n", seconds_since(&t0));
	assert_true(seconds_since(&t0) < 15.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_quotes),
		cmocka_unit_test(csv_newlines_inside_fields),
		cmocka_unit_test(csv_line_endings),
		cmocka_unit_test(csv_bom_and_blank_lines),
		cmocka_unit_test(csv_tab_delimiter),
		cmocka_unit_test(csv_gb18030),
		cmocka_unit_test(csv_utf16),
		cmocka_unit_test(csv_invalid_utf8_after_bom),
		cmocka_unit_test(not_a_table),
		cmocka_unit_test(csv_limits),
		cmocka_unit_test(csv_file_and_progress),
		cmocka_unit_test(xlsx_libxlsxwriter),
		cmocka_unit_test(xlsx_cell_types),
		cmocka_unit_test(xlsx_dates),
		cmocka_unit_test(xlsx_errors),
		cmocka_unit_test(fixtures_read_alike),
		cmocka_unit_test(xls_child_process),
		cmocka_unit_test(hundred_thousand_rows),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
