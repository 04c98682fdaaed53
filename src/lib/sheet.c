/* sheet.c - read the rows of an uploaded table file (see sheet.h).
 *
 * Sections: the row being built, kind detection, CSV (libcsv, iconv),
 * .xlsx (libzip, expat), .xls (FreeXL), the public entry points.
 *
 * All three readers are pulled by sheet_next(): CSV feeds libcsv one
 * physical line at a time until a record completes, which also tells us
 * the line every record starts on; .xlsx feeds expat chunks read with
 * zip_fread() and suspends the parser at each </row>; .xls reads the rows
 * a child process running FreeXL sends down a pipe (see the .xls section
 * for why). */
#include "sheet.h"

#include <csv.h>
#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <freexl.h>
#include <iconv.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include "buf.h"
#include "date.h"

enum {
	CSV_CHUNK = 64 << 10,       /* most bytes fed to libcsv at once */
	XML_CHUNK = 64 << 10,       /* bytes read from a zip entry at once */
	XLSX_MAX_PATH = 512,
	XLSX_MAX_XF = 65536,        /* cell formats we keep (Excel allows 64000) */
	XLSX_MAX_STRINGS = 32 << 20, /* shared strings */
	XLSX_MAX_COL = 16384,       /* XFD */
	XLSX_MAX_ROW = 1048576,
};

/* An uncompressed entry may not inflate past this: a zip bomb would
 * otherwise keep the import busy for hours. */
static const uint64_t XLSX_MAX_ENTRY = (uint64_t)1 << 30;
/* The shared strings' text, all of which stays in memory. */
static const size_t XLSX_MAX_SST_TEXT = (size_t)SHEET_MAX_FILE;

struct slot {
	size_t off;     /* into sheet.text */
	size_t len;
	enum sheet_cell_type type;
};

struct sst_entry {
	uint32_t off;
	uint32_t len;   /* UINT32_MAX: longer than SHEET_MAX_CELL */
};

struct csv_state {
	struct csv_parser p;
	bool live;              /* p needs csv_free() */
	size_t pos;             /* next byte of sheet.data to feed */
	long cur_line;          /* the line pos is on */
	long rec_start;         /* line the record being parsed began on; 0 none */
	long rec_line;          /* line of the record just completed */
	bool rec_done;
	bool handed;            /* the row in sheet.text is the caller's now */
	bool fini;
	int ncol;
};

struct xlsx_state {
	zip_t *zip;
	zip_file_t *zf;         /* the worksheet being streamed */
	XML_Parser xp;
	char sheet_path[XLSX_MAX_PATH];
	uint64_t size;          /* uncompressed bytes of the worksheet */
	uint64_t consumed;
	bool suspended, final_fed, done;
	bool date1904;

	struct buf sst_text;
	struct sst_entry *sst;
	size_t nsst, sst_cap;
	unsigned char *date_xf; /* 1 where cellXfs[i] has a date format */
	size_t nxf;

	/* where the worksheet parser is */
	bool in_row, in_c, in_v, in_is, in_t;
	int in_rph;
	long row_num, last_row;
	int col, next_col;
	char ctype;             /* 'n', 's', 'i' inlineStr, 'f' str, 'b', 'e', 'd' */
	long style;
	struct buf val;
	bool have_row;
};

struct xls_state {
	pid_t pid;              /* the child running FreeXL; 0 none */
	int fd;                 /* its pipe; -1 none */
	uint32_t rows, cols;
	uint32_t next;          /* rows read so far, for progress */
	bool done;
};

struct sheet {
	enum sheet_kind kind;
	bool failed;
	struct err failure;     /* what every sheet_next() after a failure says */

	/* the row being built and handed out */
	struct buf text;
	struct slot *slots;
	int nslots, slot_cap;
	struct sheet_cell *cells;
	int cell_cap;

	/* CSV text (UTF-8, no BOM) */
	const unsigned char *data;
	size_t len;
	unsigned char *owned;   /* what data points into, when we allocated it */
	void *mapped;           /* a large CSV file, mapped (sheet_open_file) */
	size_t mapped_len;

	struct csv_state csv;
	struct xlsx_state x;
	struct xls_state xls;
};

static const char *const kind_names[] = {
	[SHEET_CSV_UTF8] = "CSV (UTF-8)",
	[SHEET_CSV_GB18030] = "CSV (GB18030)",
	[SHEET_CSV_UTF16] = "CSV (UTF-16)",
	[SHEET_XLSX] = ".xlsx",
	[SHEET_XLS] = ".xls",
};

static const char NOT_A_TABLE[] = "not a CSV, .xlsx or .xls file";

/* ---- the row being built ---------------------------------------------- */

/* "line" for CSV, where the number is a line of the text; "row" for a
 * spreadsheet, where it is the row number the user sees. */
static const char *where(const struct sheet *sh)
{
	return sh->kind == SHEET_XLSX || sh->kind == SHEET_XLS ? "row" : "line";
}

static int fail(struct sheet *sh, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records the failure so later sheet_next() calls repeat it. */
static int fail(struct sheet *sh, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (sh->failed)
		return -1; /* keep the first, most precise message */
	sh->failed = true;
	sh->failure.field[0] = '\0';
	va_start(ap, fmt);
	err_setv(&sh->failure, code, fmt, ap);
	va_end(ap);
	return -1;
}

static void row_begin(struct sheet *sh)
{
	buf_reset(&sh->text);
	sh->nslots = 0;
}

/* Puts a cell's text at column col (0-based).  Empty cells are not stored:
 * gaps are filled when the row is finished, and trailing ones dropped, so
 * a row with empty cells far to the right is not refused. */
static int row_put(struct sheet *sh, long line, int col, const char *s, size_t n,
		   enum sheet_cell_type type)
{
	struct slot *sl;

	if (n == 0)
		return 0;
	if (col < 0 || col >= SHEET_MAX_CELLS)
		return fail(sh, ERR_INVALID, "%s %ld: more than %d columns", where(sh), line,
			    SHEET_MAX_CELLS);
	if (n > SHEET_MAX_CELL)
		return fail(sh, ERR_INVALID, "%s %ld: column %d is longer than %d KiB",
			    where(sh), line, col + 1, SHEET_MAX_CELL >> 10);
	if (col >= sh->slot_cap) {
		int cap = sh->slot_cap ? sh->slot_cap : 16;
		struct slot *p;

		while (cap <= col)
			cap *= 2;
		p = realloc(sh->slots, (size_t)cap * sizeof *p);
		if (!p)
			return fail(sh, ERR_INTERNAL, "out of memory");
		sh->slots = p;
		sh->slot_cap = cap;
	}
	while (sh->nslots <= col)
		sh->slots[sh->nslots++] = (struct slot){ 0, 0, SHEET_EMPTY };
	sl = &sh->slots[col];
	sl->off = sh->text.len;
	sl->len = n;
	sl->type = type;
	buf_add(&sh->text, s, n);
	buf_putc(&sh->text, '\0');
	if (!buf_ok(&sh->text))
		return fail(sh, ERR_INTERNAL, "out of memory");
	return 0;
}

/* White space a person cannot see: ASCII, no-break space, ideographic
 * space (full-width, common in Chinese text). */
static bool is_blank(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == ' ' || (p[i] >= '\t' && p[i] <= '\r'))
			continue;
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] == 0xa0) {
			i++;
			continue;
		}
		if (p[i] == 0xe3 && i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0x80) {
			i += 2;
			continue;
		}
		return false;
	}
	return true;
}

/* Fills row from the slots.  0 when the row is blank (to be skipped), 1 when
 * it is handed out, -1 on failure. */
static int row_finish(struct sheet *sh, struct sheet_row *row, long line)
{
	bool blank = true;

	if (sh->failed)
		return -1;
	for (int i = 0; i < sh->nslots && blank; i++)
		if (sh->slots[i].type != SHEET_EMPTY
		    && !is_blank(sh->text.data + sh->slots[i].off, sh->slots[i].len))
			blank = false;
	if (blank)
		return 0;
	if (sh->nslots > sh->cell_cap) {
		struct sheet_cell *p = realloc(sh->cells, (size_t)sh->nslots * sizeof *p);

		if (!p)
			return fail(sh, ERR_INTERNAL, "out of memory");
		sh->cells = p;
		sh->cell_cap = sh->nslots;
	}
	for (int i = 0; i < sh->nslots; i++) {
		const struct slot *sl = &sh->slots[i];

		if (sl->type == SHEET_EMPTY)
			sh->cells[i] = (struct sheet_cell){ "", 0, SHEET_EMPTY };
		else
			sh->cells[i] = (struct sheet_cell){ sh->text.data + sl->off, sl->len, sl->type };
	}
	row->line = line;
	row->ncells = sh->nslots;
	row->cells = sh->cells;
	return 1;
}

/* ---- kind detection and text encodings -------------------------------- */

static const unsigned char ZIP_MAGIC[4] = { 'P', 'K', 3, 4 };
static const unsigned char CFB_MAGIC[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };

static bool starts(const unsigned char *d, size_t n, const void *magic, size_t m)
{
	return n >= m && !memcmp(d, magic, m);
}

/* Length of the valid UTF-8 prefix of s: n when all of it is valid.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3;
		else
			return i;
		if (n - i <= k)
			return i;
		for (size_t j = 1; j <= k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return i;
		if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] > 0x9f)
		    || (c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] > 0x8f))
			return i;
		i += k + 1;
	}
	return n;
}

/* The line (1-based) that byte n of s is on: LF, CR LF and a lone CR each
 * end a line, as they end a CSV record. */
static long line_at(const unsigned char *s, size_t n)
{
	long line = 1;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n')))
			line++;
	return line;
}

/* Files that are text but not a table: a web page or XML saved with an
 * .xls name (common from older systems), RTF. */
static bool looks_like_markup(const unsigned char *d, size_t n)
{
	static const char *const heads[] = { "<?xml", "<html", "<!doctype", "<table", "{\\rtf" };
	size_t i = 0;

	while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
		i++;
	for (size_t h = 0; h < sizeof heads / sizeof heads[0]; h++) {
		size_t m = strlen(heads[h]);

		if (n - i >= m && !strncasecmp((const char *)d + i, heads[h], m))
			return true;
	}
	return false;
}

/* Signatures of other binary formats that contain no NUL byte early on. */
static bool is_other_binary(const unsigned char *d, size_t n)
{
	static const struct { const char *magic; size_t len; } sigs[] = {
		{ "%PDF-", 5 }, { "\x89PNG", 4 }, { "\xff\xd8\xff", 3 }, { "GIF8", 4 },
		{ "Rar!", 4 }, { "\x1f\x8b", 2 }, { "7z\xbc\xaf", 4 }, { "PK\x05\x06", 4 },
		{ "PK\x07\x08", 4 },
	};

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (starts(d, n, sigs[i].magic, sigs[i].len))
			return true;
	return memchr(d, '\0', n) != NULL;
}

/* Converts n bytes from encoding `from` to UTF-8 into a new buffer.  On an
 * invalid or truncated sequence, fails naming its line. */
static int to_utf8(struct sheet *sh, const unsigned char *in, size_t n, const char *from,
		   const char *what)
{
	iconv_t cd = iconv_open("UTF-8", from);
	size_t cap = n / 2 * 3 + 16; /* 2 bytes never become more than 3 */
	char *src = (char *)in, *out, *dst;
	size_t left = n, room;
	int rc = -1;

	if (cd == (iconv_t)-1)
		return fail(sh, ERR_INTERNAL, "cannot convert from %s: %s", from, strerror(errno));
	out = malloc(cap);
	if (!out) {
		fail(sh, ERR_INTERNAL, "out of memory");
		goto done;
	}
	dst = out;
	room = cap - 1;
	if (iconv(cd, &src, &left, &dst, &room) == (size_t)-1) {
		if (errno == EILSEQ || errno == EINVAL)
			fail(sh, ERR_INVALID, "line %ld: %s",
			     line_at((unsigned char *)out, (size_t)(dst - out)), what);
		else
			fail(sh, ERR_INTERNAL, "cannot convert from %s: %s", from, strerror(errno));
		free(out);
		goto done;
	}
	*dst = '\0';
	sh->owned = (unsigned char *)out;
	sh->data = (unsigned char *)out;
	sh->len = (size_t)(dst - out);
	rc = 0;
done:
	iconv_close(cd);
	return rc;
}

/* ---- CSV ----------------------------------------------------------------- */

static void csv_field(void *s, size_t n, void *data)
{
	struct sheet *sh = data;
	struct csv_state *c = &sh->csv;
	long line = c->rec_start ? c->rec_start : c->cur_line;

	row_put(sh, line, c->ncol++, s, n, SHEET_TEXT);
}

static void csv_record(int term, void *data)
{
	struct sheet *sh = data;
	struct csv_state *c = &sh->csv;

	if (c->rec_done) /* each fed chunk holds one line ending at most */
		fail(sh, ERR_INTERNAL, "line %ld: two records in one line", c->cur_line);
	c->rec_done = true;
	c->rec_line = c->rec_start ? c->rec_start : c->cur_line;
	c->rec_start = 0;
}

/* Spaces around fields are data: a CSV cell is exactly its text. */
static int csv_no_space(unsigned char ch)
{
	return 0;
}

/* Tab when the first record (outside quotes) has a tab and no comma. */
static unsigned char csv_delimiter(const unsigned char *s, size_t n)
{
	bool quoted = false, tab = false, content = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"') {
			quoted = !quoted;
		} else if (!quoted) {
			if (s[i] == ',')
				return ',';
			if (s[i] == '\t')
				tab = true;
			if (s[i] == '\n' || s[i] == '\r') {
				if (content || tab)
					break;
				continue;
			}
		}
		content = true;
	}
	return tab ? '\t' : ',';
}

static int csv_open(struct sheet *sh)
{
	struct csv_state *c = &sh->csv;

	if (csv_init(&c->p, 0) != 0)
		return fail(sh, ERR_INTERNAL, "out of memory");
	c->live = true;
	csv_set_space_func(&c->p, csv_no_space);
	csv_set_delim(&c->p, csv_delimiter(sh->data, sh->len));
	c->cur_line = 1;
	return 0;
}

/* The next chunk to feed: up to and including the first line ending (CR LF
 * kept together), or CSV_CHUNK bytes.  *newline says whether it ends a line. */
static size_t csv_chunk(const unsigned char *s, size_t n, bool *newline)
{
	size_t max = n < CSV_CHUNK ? n : CSV_CHUNK;

	for (size_t i = 0; i < max; i++) {
		if (s[i] == '\n') {
			*newline = true;
			return i + 1;
		}
		if (s[i] == '\r') {
			*newline = true;
			return i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
		}
	}
	*newline = false;
	return max;
}

static int csv_next(struct sheet *sh, struct sheet_row *row)
{
	struct csv_state *c = &sh->csv;

	if (c->handed) {
		/* not earlier: the caller's row lived in sheet.text */
		c->handed = false;
		row_begin(sh);
	}
	for (;;) {
		const unsigned char *s;
		size_t n;
		bool newline;
		int rc;

		if (sh->failed)
			return -1;
		if (c->rec_done) {
			c->rec_done = false;
			c->ncol = 0;
			rc = row_finish(sh, row, c->rec_line);
			if (rc != 0) {
				c->handed = rc > 0;
				return rc;
			}
			row_begin(sh);
			continue;
		}
		if (c->pos >= sh->len) {
			if (c->fini)
				return 0;
			c->fini = true;
			csv_fini(&c->p, csv_field, csv_record, sh);
			continue;
		}
		s = sh->data + c->pos;
		n = csv_chunk(s, sh->len - c->pos, &newline);
		if (csv_parse(&c->p, s, n, csv_field, csv_record, sh) != n)
			return fail(sh, ERR_INTERNAL, "line %ld: %s", c->cur_line,
				    csv_strerror(csv_error(&c->p)));
		/* libcsv gathers a whole field before handing it over: stop a
		 * runaway one (an unclosed quote) early */
		if (c->p.entry_pos > SHEET_MAX_CELL)
			return fail(sh, ERR_INVALID, "line %ld: column %d is longer than %d KiB",
				    c->rec_start ? c->rec_start : c->cur_line, c->ncol + 1,
				    SHEET_MAX_CELL >> 10);
		if (!c->rec_done && !c->rec_start) {
			/* the parser is between records only after a bare line
			 * ending; anything else begins a record on this line */
			bool bare = (n == 1 && (s[0] == '\n' || s[0] == '\r'))
				|| (n == 2 && s[0] == '\r' && s[1] == '\n');

			if (!bare)
				c->rec_start = c->cur_line;
		}
		c->pos += n;
		if (newline)
			c->cur_line++;
	}
}

/* Picks the encoding of a CSV and makes sh->data its UTF-8 text. */
static int csv_prepare(struct sheet *sh, const unsigned char *d, size_t n)
{
	size_t ok;

	if (starts(d, n, "\xff\xfe", 2) || starts(d, n, "\xfe\xff", 2)) {
		sh->kind = SHEET_CSV_UTF16;
		if (to_utf8(sh, d + 2, n - 2, d[0] == 0xff ? "UTF-16LE" : "UTF-16BE",
			    "invalid UTF-16 text") < 0)
			return -1;
		if (memchr(sh->data, '\0', sh->len))
			return fail(sh, ERR_INVALID, "%s", NOT_A_TABLE);
	} else if (starts(d, n, "\xef\xbb\xbf", 3)) {
		sh->kind = SHEET_CSV_UTF8;
		d += 3;
		n -= 3;
		if (memchr(d, '\0', n))
			return fail(sh, ERR_INVALID, "%s", NOT_A_TABLE);
		ok = utf8_valid_prefix(d, n);
		if (ok < n)
			return fail(sh, ERR_INVALID, "line %ld: invalid UTF-8 text", line_at(d, ok));
		sh->data = d;
		sh->len = n;
	} else {
		if (is_other_binary(d, n))
			return fail(sh, ERR_INVALID, "%s", NOT_A_TABLE);
		ok = utf8_valid_prefix(d, n);
		if (ok == n) {
			sh->kind = SHEET_CSV_UTF8;
			sh->data = d;
			sh->len = n;
		} else {
			sh->kind = SHEET_CSV_GB18030;
			if (to_utf8(sh, d, n, "GB18030", "the text is neither UTF-8 nor GB18030") < 0)
				return -1;
		}
	}
	if (looks_like_markup(sh->data, sh->len))
		return fail(sh, ERR_INVALID, "%s: it is a web page or XML (often saved as .xls "
			    "by other systems); open it in Excel and save it as .xlsx", NOT_A_TABLE);
	return csv_open(sh);
}

/* ---- .xlsx: zip entries, XML helpers -------------------------------------- */

/* Element and attribute names without their namespace prefix: writers use
 * "sheet", "x:sheet" or "r:id" as they please. */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');

	return c ? c + 1 : name;
}

static const char *attr(const char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strncmp(a[0], "xmlns", 5) && !strcmp(local(a[0]), name))
			return a[1];
	return NULL;
}

static long attr_long(const char **a, const char *name, long dflt)
{
	const char *v = attr(a, name);
	char *end;
	long n;

	if (!v)
		return dflt;
	errno = 0;
	n = strtol(v, &end, 10);
	return errno || end == v || *end ? dflt : n;
}

/* Finds an entry by name, exactly or else ignoring case. */
static zip_int64_t xlsx_locate(zip_t *z, const char *name)
{
	zip_int64_t i = zip_name_locate(z, name, 0);

	return i >= 0 ? i : zip_name_locate(z, name, ZIP_FL_NOCASE);
}

/* Opens an entry and says its uncompressed size. */
static zip_file_t *xlsx_fopen(struct sheet *sh, const char *name, uint64_t *size)
{
	zip_int64_t i = xlsx_locate(sh->x.zip, name);
	zip_stat_t st;
	zip_file_t *f;

	if (i < 0) {
		fail(sh, ERR_INVALID, "not an .xlsx workbook: '%s' is missing", name);
		return NULL;
	}
	zip_stat_init(&st);
	if (zip_stat_index(sh->x.zip, (zip_uint64_t)i, 0, &st) < 0) {
		fail(sh, ERR_INVALID, "cannot read '%s' in the workbook: %s", name,
		     zip_strerror(sh->x.zip));
		return NULL;
	}
	f = zip_fopen_index(sh->x.zip, (zip_uint64_t)i, 0);
	if (!f) {
		zip_error_t *ze = zip_get_error(sh->x.zip);

		if (zip_error_code_zip(ze) == ZIP_ER_NOPASSWD || zip_error_code_zip(ze) == ZIP_ER_WRONGPASSWD)
			fail(sh, ERR_INVALID, "the workbook is password-protected: remove the "
			     "password and save it again");
		else
			fail(sh, ERR_INVALID, "cannot read '%s' in the workbook: %s", name,
			     zip_strerror(sh->x.zip));
		return NULL;
	}
	*size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
	return f;
}

/* Parses a whole entry with expat, in chunks.  The handlers get ud and may
 * call fail() and XML_StopParser() to give up. */
static int xml_entry(struct sheet *sh, const char *name, void *ud,
		     XML_StartElementHandler start, XML_EndElementHandler end,
		     XML_CharacterDataHandler chars)
{
	uint64_t size = 0, total = 0;
	zip_file_t *f = xlsx_fopen(sh, name, &size);
	XML_Parser xp = NULL;
	int rc = -1;

	if (!f)
		return -1;
	xp = XML_ParserCreate(NULL);
	if (!xp) {
		fail(sh, ERR_INTERNAL, "out of memory");
		goto done;
	}
	XML_SetUserData(xp, ud);
	XML_SetElementHandler(xp, start, end);
	if (chars)
		XML_SetCharacterDataHandler(xp, chars);
	for (;;) {
		void *b = XML_GetBuffer(xp, XML_CHUNK);
		zip_int64_t n;

		if (!b) {
			fail(sh, ERR_INTERNAL, "out of memory");
			goto done;
		}
		n = zip_fread(f, b, XML_CHUNK);
		if (n < 0) {
			fail(sh, ERR_INVALID, "cannot read '%s' in the workbook: %s", name,
			     zip_file_strerror(f));
			goto done;
		}
		total += (uint64_t)n;
		if (total > XLSX_MAX_ENTRY) {
			fail(sh, ERR_INVALID, "'%s' in the workbook is larger than 1 GiB", name);
			goto done;
		}
		if (XML_ParseBuffer(xp, (int)n, n == 0) != XML_STATUS_OK) {
			fail(sh, ERR_INVALID, "'%s' in the workbook is not valid XML: %s (line %lu)",
			     name, XML_ErrorString(XML_GetErrorCode(xp)),
			     (unsigned long)XML_GetCurrentLineNumber(xp));
			goto done;
		}
		if (sh->failed)
			goto done;
		if (n == 0)
			break;
	}
	rc = 0;
done:
	if (xp)
		XML_ParserFree(xp);
	zip_fclose(f);
	return rc;
}

/* Undoes the _xHHHH_ escapes OOXML strings use for control characters (Excel
 * writes a CR as "_x000D_"), in place; "_x005F_" is a literal underscore. */
static size_t unescape_xstring(char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned v = 0;
		size_t k;

		if (s[i] != '_' || n - i < 7 || s[i + 1] != 'x' || s[i + 6] != '_') {
			s[o++] = s[i++];
			continue;
		}
		for (k = 2; k < 6; k++) {
			char ch = s[i + k];
			int d = ch >= '0' && ch <= '9' ? ch - '0'
				: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
				: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;

			if (d < 0)
				break;
			v = v * 16 + (unsigned)d;
		}
		if (k < 6 || (v >= 0xd800 && v <= 0xdfff)) {
			s[o++] = s[i++];
			continue;
		}
		if (v == 0) {
			/* a NUL would cut the cell short: drop it */
		} else if (v < 0x80) {
			s[o++] = (char)v;
		} else if (v < 0x800) {
			s[o++] = (char)(0xc0 | v >> 6);
			s[o++] = (char)(0x80 | (v & 0x3f));
		} else {
			s[o++] = (char)(0xe0 | v >> 12);
			s[o++] = (char)(0x80 | ((v >> 6) & 0x3f));
			s[o++] = (char)(0x80 | (v & 0x3f));
		}
		i += 7;
	}
	if (o < n)
		s[o] = '\0';
	return o;
}

/* ---- .xlsx: workbook.xml and its relationships ---------------------------- */

struct wb_parse {
	struct sheet *sh;
	char rid[256];
	bool have_sheet;
};

static void wb_start(void *ud, const char *name, const char **a)
{
	struct wb_parse *w = ud;
	const char *n = local(name), *v;

	if (!strcmp(n, "workbookPr")) {
		v = attr(a, "date1904");
		w->sh->x.date1904 = v && (!strcmp(v, "1") || !strcmp(v, "true"));
	} else if (!strcmp(n, "sheet") && !w->have_sheet) {
		v = attr(a, "id");
		w->have_sheet = true;
		snprintf(w->rid, sizeof w->rid, "%s", v ? v : "");
	}
}

static void xml_no_end(void *ud, const char *name)
{
}

struct rels_parse {
	const char *rid;
	char sheet[XLSX_MAX_PATH];
	char sst[XLSX_MAX_PATH];
	char styles[XLSX_MAX_PATH];
};

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

static void rels_start(void *ud, const char *name, const char **a)
{
	struct rels_parse *r = ud;
	const char *id, *target, *type, *mode;

	if (strcmp(local(name), "Relationship"))
		return;
	id = attr(a, "Id");
	target = attr(a, "Target");
	type = attr(a, "Type");
	mode = attr(a, "TargetMode");
	if (!target || (mode && !strcmp(mode, "External")))
		return;
	if (id && !strcmp(id, r->rid))
		snprintf(r->sheet, sizeof r->sheet, "%s", target);
	else if (type && ends_with(type, "/sharedStrings"))
		snprintf(r->sst, sizeof r->sst, "%s", target);
	else if (type && ends_with(type, "/styles"))
		snprintf(r->styles, sizeof r->styles, "%s", target);
}

/* The zip entry name of a relationship target: relative to xl/, or
 * absolute ("/xl/worksheets/sheet1.xml"); "." and ".." resolved. */
static int resolve_target(const char *target, char *out, size_t n)
{
	char tmp[XLSX_MAX_PATH * 2];
	char *seg[XLSX_MAX_PATH];
	int nseg = 0;
	size_t len = 0;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s%s", target[0] == '/' ? "" : "xl/", target)
	    >= sizeof tmp)
		return -1;
	for (char *save = NULL, *p = strtok_r(tmp, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (!strcmp(p, "."))
			continue;
		if (!strcmp(p, "..")) {
			if (nseg > 0)
				nseg--;
			continue;
		}
		seg[nseg++] = p;
	}
	if (nseg == 0)
		return -1;
	out[0] = '\0';
	for (int i = 0; i < nseg; i++) {
		size_t m = strlen(seg[i]);

		if (len + m + 2 > n)
			return -1;
		if (i)
			out[len++] = '/';
		memcpy(out + len, seg[i], m + 1);
		len += m;
	}
	return 0;
}

/* ---- .xlsx: shared strings ------------------------------------------------- */

struct sst_parse {
	struct sheet *sh;
	XML_Parser xp;          /* set after the parser exists: see sst_chars */
	bool in_si, in_t;
	int in_rph;
	size_t start;           /* offset of the string being read */
	bool too_long;
};

static void sst_start(void *ud, const char *name, const char **a)
{
	struct sst_parse *p = ud;
	const char *n = local(name);

	if (!strcmp(n, "si")) {
		p->in_si = true;
		p->in_t = false;
		p->in_rph = 0;
		p->too_long = false;
		p->start = p->sh->x.sst_text.len;
	} else if (p->in_si && !strcmp(n, "rPh")) {
		p->in_rph++;
	} else if (p->in_si && !p->in_rph && !strcmp(n, "t")) {
		p->in_t = true;
	}
}

static void sst_end(void *ud, const char *name)
{
	struct sst_parse *p = ud;
	struct xlsx_state *x = &p->sh->x;
	const char *n = local(name);
	struct sst_entry ent;

	if (!p->in_si)
		return;
	if (!strcmp(n, "t")) {
		p->in_t = false;
	} else if (!strcmp(n, "rPh")) {
		if (p->in_rph > 0)
			p->in_rph--;
	} else if (!strcmp(n, "si")) {
		p->in_si = false;
		if (x->nsst >= XLSX_MAX_STRINGS) {
			fail(p->sh, ERR_INVALID, "the workbook has more than %d shared strings",
			     XLSX_MAX_STRINGS);
			return;
		}
		if (x->nsst == x->sst_cap) {
			size_t cap = x->sst_cap ? x->sst_cap * 2 : 1024;
			struct sst_entry *q = realloc(x->sst, cap * sizeof *q);

			if (!q) {
				fail(p->sh, ERR_INTERNAL, "out of memory");
				return;
			}
			x->sst = q;
			x->sst_cap = cap;
		}
		if (p->too_long) {
			x->sst_text.len = p->start;
			ent = (struct sst_entry){ 0, UINT32_MAX };
		} else {
			size_t len = unescape_xstring(x->sst_text.data ? x->sst_text.data + p->start : NULL,
						      x->sst_text.len - p->start);

			x->sst_text.len = p->start + len;
			buf_putc(&x->sst_text, '\0');
			ent = (struct sst_entry){ (uint32_t)p->start, (uint32_t)len };
		}
		x->sst[x->nsst++] = ent;
	}
}

static void sst_chars(void *ud, const char *s, int len)
{
	struct sst_parse *p = ud;
	struct buf *b = &p->sh->x.sst_text;

	if (!p->in_t || p->in_rph || p->too_long)
		return;
	/* escapes shrink when undone: allow for them before refusing */
	if (b->len - p->start + (size_t)len > (size_t)SHEET_MAX_CELL * 7) {
		p->too_long = true;
		return;
	}
	if (b->len + (size_t)len > XLSX_MAX_SST_TEXT) {
		fail(p->sh, ERR_INVALID, "the workbook's shared strings are larger than %d MiB",
		     SHEET_MAX_FILE >> 20);
		return;
	}
	buf_add(b, s, (size_t)len);
}

/* ---- .xlsx: styles (which cell formats are dates) ------------------------- */

struct fmt { long id; bool date; };

struct styles_parse {
	struct sheet *sh;
	bool in_xfs;
	struct fmt *fmts;
	size_t nfmts, fmt_cap;
	long *xf_fmt;
	size_t nxf;
};

/* A number format shows a date or time when it has d, m, y or h outside
 * quoted text, [..] (colours, locales, elapsed time) and escapes. */
static bool format_is_date(const char *code)
{
	for (const char *p = code; *p; p++) {
		switch (*p) {
		case '"':
			p = strchr(p + 1, '"');
			if (!p)
				return false;
			break;
		case '[':
			p = strchr(p + 1, ']');
			if (!p)
				return false;
			break;
		case '\\': case '_': case '*':
			if (!p[1])
				return false;
			p++;
			break;
		case 'd': case 'D': case 'm': case 'M': case 'y': case 'Y': case 'h': case 'H':
			return true;
		}
	}
	return false;
}

static bool builtin_date(long id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47)
		|| (id >= 50 && id <= 58);
}

static void styles_start(void *ud, const char *name, const char **a)
{
	struct styles_parse *p = ud;
	const char *n = local(name);

	if (!strcmp(n, "numFmt")) {
		const char *code = attr(a, "formatCode");

		if (p->nfmts == p->fmt_cap) {
			size_t cap = p->fmt_cap ? p->fmt_cap * 2 : 32;
			struct fmt *q;

			if (cap > XLSX_MAX_XF)
				return;
			q = realloc(p->fmts, cap * sizeof *q);
			if (!q) {
				fail(p->sh, ERR_INTERNAL, "out of memory");
				return;
			}
			p->fmts = q;
			p->fmt_cap = cap;
		}
		p->fmts[p->nfmts++] = (struct fmt){ attr_long(a, "numFmtId", -1),
						    code && format_is_date(code) };
	} else if (!strcmp(n, "cellXfs")) {
		p->in_xfs = true;
	} else if (p->in_xfs && !strcmp(n, "xf") && p->nxf < XLSX_MAX_XF) {
		if (!p->xf_fmt) {
			p->xf_fmt = malloc(XLSX_MAX_XF * sizeof *p->xf_fmt);
			if (!p->xf_fmt) {
				fail(p->sh, ERR_INTERNAL, "out of memory");
				return;
			}
		}
		p->xf_fmt[p->nxf++] = attr_long(a, "numFmtId", 0);
	}
}

static void styles_end(void *ud, const char *name)
{
	struct styles_parse *p = ud;

	if (!strcmp(local(name), "cellXfs"))
		p->in_xfs = false;
}

static int xlsx_styles(struct sheet *sh, const char *path)
{
	struct styles_parse p = { .sh = sh };
	struct xlsx_state *x = &sh->x;
	int rc = -1;

	if (xml_entry(sh, path, &p, styles_start, styles_end, NULL) < 0)
		goto done;
	x->date_xf = calloc(p.nxf ? p.nxf : 1, 1);
	if (!x->date_xf) {
		fail(sh, ERR_INTERNAL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < p.nxf; i++) {
		bool custom = false, date = false;

		/* a <numFmt> may redefine a built-in id, and wins */
		for (size_t f = 0; f < p.nfmts && !custom; f++)
			if (p.fmts[f].id == p.xf_fmt[i])
				custom = true, date = p.fmts[f].date;
		x->date_xf[i] = custom ? date : builtin_date(p.xf_fmt[i]);
	}
	x->nxf = p.nxf;
	rc = 0;
done:
	free(p.fmts);
	free(p.xf_fmt);
	return rc;
}

/* ---- .xlsx: the worksheet -------------------------------------------------- */

/* An Excel serial to "YYYY-MM-DD": the 1900 system counts 1900-01-01 as 1
 * and keeps Lotus 1-2-3's 1900-02-29 (serial 60); the 1904 system counts
 * 1904-01-01 as 0.  The time of day is dropped.  -1 when out of range. */
static int serial_to_date(double v, bool date1904, char out[11])
{
	long days;

	if (!(v >= 0 && v < 2958466))
		return -1;
	days = (long)floor(v + 0.5 / 86400); /* 23:59:59.9 is still that day */
	if (date1904) {
		days -= 24107; /* 1904-01-01 is day -24107 of the Unix epoch */
	} else if (days == 60) {
		memcpy(out, "1900-02-29", 11);
		return 0;
	} else {
		if (days > 60)
			days--;
		days -= 25568; /* serial 1 = 1900-01-01 = day -25567 */
	}
	return date_from_days(days, out);
}

/* "C5" -> column 2 (0-based); -1 when not a cell reference. */
static int column_of(const char *ref)
{
	int col = 0, n = 0;

	for (; *ref >= 'A' && *ref <= 'Z'; ref++, n++) {
		col = col * 26 + (*ref - 'A' + 1);
		if (col > XLSX_MAX_COL)
			return -1;
	}
	return n ? col - 1 : -1;
}

static void ws_abort(struct xlsx_state *x)
{
	XML_StopParser(x->xp, XML_FALSE);
}

static void ws_start(void *ud, const char *name, const char **a)
{
	struct sheet *sh = ud;
	struct xlsx_state *x = &sh->x;
	const char *n = local(name), *v;

	if (!strcmp(n, "row")) {
		long r = attr_long(a, "r", 0);

		x->in_row = true;
		x->row_num = r >= 1 && r <= XLSX_MAX_ROW ? r : x->last_row + 1;
		x->next_col = 0;
		row_begin(sh);
	} else if (!x->in_row) {
		return;
	} else if (!strcmp(n, "c")) {
		v = attr(a, "r");
		x->col = v ? column_of(v) : -1;
		if (x->col < 0)
			x->col = x->next_col;
		v = attr(a, "t");
		x->ctype = !v ? 'n'
			: !strcmp(v, "s") ? 's'
			: !strcmp(v, "inlineStr") ? 'i'
			: !strcmp(v, "str") ? 'f'
			: !strcmp(v, "b") ? 'b'
			: !strcmp(v, "e") ? 'e'
			: !strcmp(v, "d") ? 'd' : 'n';
		x->style = attr_long(a, "s", 0);
		x->in_c = true;
		x->in_v = x->in_is = x->in_t = false;
		x->in_rph = 0;
		buf_reset(&x->val);
	} else if (!x->in_c) {
		return;
	} else if (!strcmp(n, "v")) {
		x->in_v = true;
	} else if (!strcmp(n, "is")) {
		x->in_is = true;
	} else if (x->in_is && !strcmp(n, "rPh")) {
		x->in_rph++;
	} else if (x->in_is && !x->in_rph && !strcmp(n, "t")) {
		x->in_t = true;
	}
}

static void ws_chars(void *ud, const char *s, int len)
{
	struct sheet *sh = ud;
	struct xlsx_state *x = &sh->x;

	if (!x->in_v && !x->in_t)
		return;
	if (x->val.len + (size_t)len > (size_t)SHEET_MAX_CELL * 7) {
		fail(sh, ERR_INVALID, "row %ld: column %d is longer than %d KiB", x->row_num,
		     x->col + 1, SHEET_MAX_CELL >> 10);
		ws_abort(x);
		return;
	}
	buf_add(&x->val, s, (size_t)len);
}

/* The finished <c>: its value, by type, into the row. */
static int ws_cell(struct sheet *sh)
{
	struct xlsx_state *x = &sh->x;
	char *v = x->val.data ? x->val.data : (char *)"";
	size_t n = x->val.len;
	enum sheet_cell_type type = SHEET_TEXT;
	char date[11];

	if (!buf_ok(&x->val))
		return fail(sh, ERR_INTERNAL, "out of memory");
	switch (x->ctype) {
	case 's': {
		char *end;
		unsigned long i;

		if (n == 0)
			return 0;
		errno = 0;
		i = strtoul(v, &end, 10);
		if (errno || end == v || i >= x->nsst)
			return fail(sh, ERR_INVALID, "row %ld: column %d refers to shared string "
				    "'%s', which the workbook does not have", x->row_num, x->col + 1, v);
		if (x->sst[i].len == UINT32_MAX)
			return fail(sh, ERR_INVALID, "row %ld: column %d is longer than %d KiB",
				    x->row_num, x->col + 1, SHEET_MAX_CELL >> 10);
		v = x->sst_text.data + x->sst[i].off;
		n = x->sst[i].len;
		break;
	}
	case 'i':
	case 'f':
		n = unescape_xstring(v, n);
		break;
	case 'b':
		if (n == 0)
			return 0;
		v = (char *)(strcmp(v, "0") ? "TRUE" : "FALSE");
		n = strlen(v);
		break;
	case 'e':
		break;
	case 'd':
		/* ISO 8601 ("2019-09-01T00:00:00"), which Strict writers use */
		if (n >= 10 && v[4] == '-' && v[7] == '-') {
			n = 10;
			type = SHEET_DATE;
		}
		break;
	default: {
		char *end;
		double d;

		type = SHEET_NUMBER;
		if (n == 0 || x->style < 0 || (size_t)x->style >= x->nxf || !x->date_xf[x->style])
			break;
		d = strtod(v, &end);
		if (end != v && !*end && serial_to_date(d, x->date1904, date) == 0) {
			v = date;
			n = 10;
			type = SHEET_DATE;
		}
		break;
	}
	}
	return row_put(sh, x->row_num, x->col, v, n, type);
}

static void ws_end(void *ud, const char *name)
{
	struct sheet *sh = ud;
	struct xlsx_state *x = &sh->x;
	const char *n = local(name);

	if (!x->in_row)
		return;
	if (!strcmp(n, "row")) {
		struct sheet_row built;

		x->in_row = false;
		x->last_row = x->row_num;
		/* built here, handed out by xlsx_next() once expat stops */
		switch (row_finish(sh, &built, x->row_num)) {
		case 1:
			x->have_row = true;
			XML_StopParser(x->xp, XML_TRUE);
			break;
		case -1:
			ws_abort(x);
			break;
		}
	} else if (!x->in_c) {
		return;
	} else if (!strcmp(n, "c")) {
		x->in_c = false;
		x->next_col = x->col + 1;
		if (ws_cell(sh) < 0)
			ws_abort(x);
	} else if (!strcmp(n, "v")) {
		x->in_v = false;
	} else if (!strcmp(n, "is")) {
		x->in_is = false;
	} else if (!strcmp(n, "rPh")) {
		if (x->in_rph > 0)
			x->in_rph--;
	} else if (!strcmp(n, "t")) {
		x->in_t = false;
	}
}

/* Opens the workbook in sh->x.zip: finds the first sheet, reads the shared
 * strings and styles, and starts streaming the sheet. */
static int xlsx_open(struct sheet *sh)
{
	struct xlsx_state *x = &sh->x;
	struct wb_parse wb = { .sh = sh };
	struct rels_parse rels = { .rid = "" };
	struct sst_parse sst = { .sh = sh };
	char path[XLSX_MAX_PATH];

	sh->kind = SHEET_XLSX;
	if (xlsx_locate(x->zip, "xl/workbook.xml") < 0) {
		zip_int64_t m = xlsx_locate(x->zip, "mimetype");
		char mime[64] = "";
		zip_file_t *f = m >= 0 ? zip_fopen_index(x->zip, (zip_uint64_t)m, 0) : NULL;

		if (f) {
			zip_int64_t got = zip_fread(f, mime, sizeof mime - 1);

			mime[got > 0 ? got : 0] = '\0';
			zip_fclose(f);
		}
		if (strstr(mime, "opendocument.spreadsheet"))
			return fail(sh, ERR_INVALID, "not an .xlsx workbook: it is an OpenDocument "
				    "spreadsheet (.ods); save it as .xlsx");
		return fail(sh, ERR_INVALID, "not an .xlsx workbook");
	}
	if (xml_entry(sh, "xl/workbook.xml", &wb, wb_start, xml_no_end, NULL) < 0)
		return -1;
	if (!wb.have_sheet || !wb.rid[0])
		return fail(sh, ERR_INVALID, "the workbook has no worksheet");
	rels.rid = wb.rid;
	if (xml_entry(sh, "xl/_rels/workbook.xml.rels", &rels, rels_start, xml_no_end, NULL) < 0)
		return -1;
	if (!rels.sheet[0] || resolve_target(rels.sheet, x->sheet_path, sizeof x->sheet_path) < 0)
		return fail(sh, ERR_INVALID, "the workbook's first sheet ('%s') has no part", wb.rid);

	if (resolve_target(rels.sst[0] ? rels.sst : "sharedStrings.xml", path, sizeof path) == 0
	    && xlsx_locate(x->zip, path) >= 0
	    && xml_entry(sh, path, &sst, sst_start, sst_end, sst_chars) < 0)
		return -1;
	if (resolve_target(rels.styles[0] ? rels.styles : "styles.xml", path, sizeof path) == 0
	    && xlsx_locate(x->zip, path) >= 0
	    && xlsx_styles(sh, path) < 0)
		return -1;

	x->zf = xlsx_fopen(sh, x->sheet_path, &x->size);
	if (!x->zf)
		return -1;
	x->xp = XML_ParserCreate(NULL);
	if (!x->xp)
		return fail(sh, ERR_INTERNAL, "out of memory");
	XML_SetUserData(x->xp, sh);
	XML_SetElementHandler(x->xp, ws_start, ws_end);
	XML_SetCharacterDataHandler(x->xp, ws_chars);
	return 0;
}

static int xlsx_open_source(struct sheet *sh, zip_source_t *src)
{
	zip_error_t ze;

	zip_error_init(&ze);
	sh->x.zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!sh->x.zip) {
		sh->kind = SHEET_XLSX;
		fail(sh, ERR_INVALID, "not an .xlsx workbook: %s", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	return xlsx_open(sh);
}

static int xlsx_next(struct sheet *sh, struct sheet_row *row)
{
	struct xlsx_state *x = &sh->x;

	for (;;) {
		enum XML_Status st;

		if (sh->failed)
			return -1;
		if (x->done)
			return 0;
		x->have_row = false;
		if (x->suspended) {
			x->suspended = false;
			st = XML_ResumeParser(x->xp);
		} else if (x->final_fed) {
			x->done = true;
			return 0;
		} else {
			void *b = XML_GetBuffer(x->xp, XML_CHUNK);
			zip_int64_t n;

			if (!b)
				return fail(sh, ERR_INTERNAL, "out of memory");
			n = zip_fread(x->zf, b, XML_CHUNK);
			if (n < 0)
				return fail(sh, ERR_INVALID, "after row %ld: cannot read '%s' in the "
					    "workbook: %s", x->last_row, x->sheet_path,
					    zip_file_strerror(x->zf));
			x->consumed += (uint64_t)n;
			if (x->consumed > XLSX_MAX_ENTRY)
				return fail(sh, ERR_INVALID, "'%s' in the workbook is larger than 1 GiB",
					    x->sheet_path);
			x->final_fed = n == 0;
			st = XML_ParseBuffer(x->xp, (int)n, n == 0);
		}
		if (sh->failed)
			return -1;
		if (st == XML_STATUS_ERROR)
			return fail(sh, ERR_INVALID, "after row %ld: '%s' in the workbook is not "
				    "valid XML: %s", x->last_row, x->sheet_path,
				    XML_ErrorString(XML_GetErrorCode(x->xp)));
		if (st == XML_STATUS_SUSPENDED)
			x->suspended = true;
		if (x->have_row) {
			x->have_row = false;
			row->line = x->row_num;
			row->ncells = sh->nslots;
			row->cells = sh->cells;
			return 1;
		}
	}
}

/* ---- .xls ------------------------------------------------------------------ *
 *
 * FreeXL 1.0.x trusts lengths it reads from the file: fuzzing found it
 * converting a directory entry's name with the entry's 16-bit length,
 * reading far past a stack buffer, and it loops once per day to turn a
 * date serial into a date.  So it never runs in our process: a forked
 * child opens the file, reads the first worksheet and writes its rows
 * down a pipe; the parent checks every message, waits at most
 * XLS_TIMEOUT_MS for each, and a child that dies or hangs makes a
 * "damaged" .xls, not a dead server.
 *
 * Messages, in the machine's byte order: a struct xls_msg, and for 'R'
 * then ncells times a struct xls_cell and its text.
 *   'H' a = status, b = detail, c = rows, d = columns    first, once
 *   'R' a = row index, b = ncells                        rows with cells
 *   'X' a = status, b = row index, c = column            the child failed
 *   'E'                                                  the end */

enum { XLS_TIMEOUT_MS = 60000 };

#if defined(__SANITIZE_ADDRESS__)
#define SHEET_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHEET_ASAN 1
#endif
#endif

enum xls_status { XLS_OK, XLS_OPEN, XLS_PASSWORD, XLS_NO_SHEET, XLS_SHEET, XLS_CELL };

struct xls_msg {
	uint32_t tag;
	uint32_t a, b, c, d;
};

struct xls_cell {
	uint32_t type;
	uint32_t col;
	uint32_t len;
};

/* Weak: set only in sanitizer builds, where the child unhooks libFuzzer's
 * crash report (the child dying is the file's doing, not a bug of ours). */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

/* The shortest text that reads back as the same double. */
static void format_double(double v, char *out, size_t n)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(out, n, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

static void child_write(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(1); /* the parent has gone */
		c += w;
		n -= (size_t)w;
	}
}

static void child_msg(int fd, uint32_t tag, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	struct xls_msg m = { tag, a, b, c, d };

	child_write(fd, &m, sizeof m);
}

/* Closes every descriptor but 0-2 and keep (and keep2, when >= 0): a
 * child holding a copy of a client's socket would keep it open. */
static void close_others(int keep, int keep2)
{
	int lo = keep < keep2 || keep2 < 0 ? keep : keep2;
	int hi = keep < keep2 || keep2 < 0 ? keep2 : keep;

	if (lo < 0)
		lo = hi, hi = -1;
	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi < 0) {
		close_range((unsigned)lo + 1, ~0U, 0);
		return;
	}
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

/* Caps the child's memory: a forged DIMENSION record makes FreeXL allocate
 * rows x columns cells.  Not under AddressSanitizer, whose shadow memory
 * would count. */
static void child_limit_memory(void)
{
#ifndef SHEET_ASAN
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	struct rlimit rl;

	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	if (pages) {
		/* 2 GiB more than the parent's: room for FreeXL's cell table */
		rl.rlim_cur = rl.rlim_max = pages * (unsigned long)sysconf(_SC_PAGESIZE) + (2UL << 30);
		setrlimit(RLIMIT_AS, &rl);
	}
#endif
}

/* The child: FreeXL reads path, the rows go to fd.  Never returns. */
static void xls_child(const char *path, int fd)
{
	static const int deadly[] = { SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE };
	const void *h = NULL;
	unsigned int info = 0, rows = 0;
	unsigned short cols = 0;
	struct buf b;
	int rc;

	for (size_t i = 0; i < sizeof deadly / sizeof deadly[0]; i++)
		signal(deadly[i], SIG_DFL);
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(NULL);
	child_limit_memory();

	rc = freexl_open(path, &h);
	if (rc != FREEXL_OK) {
		child_msg(fd, 'H', XLS_OPEN, (uint32_t)-rc, 0, 0);
		_exit(0);
	}
	if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK
	    && info == FREEXL_BIFF_OBFUSCATED) {
		child_msg(fd, 'H', XLS_PASSWORD, 0, 0, 0);
		_exit(0);
	}
	if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &info) != FREEXL_OK || info == 0) {
		child_msg(fd, 'H', XLS_NO_SHEET, 0, 0, 0);
		_exit(0);
	}
	if (freexl_select_active_worksheet(h, 0) != FREEXL_OK
	    || freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK) {
		child_msg(fd, 'H', XLS_SHEET, 0, 0, 0);
		_exit(0);
	}
	child_msg(fd, 'H', XLS_OK, 0, rows, cols);

	buf_init(&b);
	for (unsigned int r = 0; r < rows; r++) {
		struct xls_msg m = { 'R', r, 0, 0, 0 };

		buf_reset(&b);
		buf_add(&b, &m, sizeof m);
		for (unsigned short c = 0; c < cols; c++) {
			FreeXL_CellValue v;
			char num[64];
			const char *t = NULL;
			struct xls_cell cell = { SHEET_TEXT, c, 0 };

			if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK) {
				child_msg(fd, 'X', XLS_CELL, r, c, 0);
				_exit(0);
			}
			switch (v.type) {
			case FREEXL_CELL_INT:
				snprintf(num, sizeof num, "%lld", (long long)v.value.int_value);
				t = num;
				cell.type = SHEET_NUMBER;
				break;
			case FREEXL_CELL_DOUBLE:
				format_double(v.value.double_value, num, sizeof num);
				t = num;
				cell.type = SHEET_NUMBER;
				break;
			case FREEXL_CELL_TEXT:
			case FREEXL_CELL_SST_TEXT:
			case FREEXL_CELL_TIME:
				t = v.value.text_value;
				break;
			case FREEXL_CELL_DATE:
			case FREEXL_CELL_DATETIME:
				t = v.value.text_value;
				cell.type = SHEET_DATE;
				break;
			}
			if (!t || !*t)
				continue;
			cell.len = (uint32_t)strnlen(t, SHEET_MAX_CELL + 1);
			if (cell.type == SHEET_DATE && cell.len > 10)
				cell.len = 10; /* "YYYY-MM-DD HH:MM:SS": the day */
			buf_add(&b, &cell, sizeof cell);
			if (cell.len <= SHEET_MAX_CELL) /* else the parent refuses it */
				buf_add(&b, t, cell.len);
			((struct xls_msg *)b.data)->b++;
		}
		if (!buf_ok(&b))
			_exit(1);
		if (((struct xls_msg *)b.data)->b > 0)
			child_write(fd, b.data, b.len);
	}
	child_msg(fd, 'E', 0, 0, 0, 0);
	_exit(0);
}

/* Reads exactly n bytes from the child, waiting at most XLS_TIMEOUT_MS. */
static int xls_read(struct sheet *sh, void *p, size_t n)
{
	char *c = p;

	while (n > 0) {
		struct pollfd pfd = { sh->xls.fd, POLLIN, 0 };
		ssize_t r;
		int pr = poll(&pfd, 1, XLS_TIMEOUT_MS);

		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0)
			return fail(sh, ERR_INVALID, "cannot read the .xls file: reading it took longer "
				    "than %d seconds", XLS_TIMEOUT_MS / 1000);
		r = read(sh->xls.fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return fail(sh, ERR_INVALID, "cannot read the .xls file: it is damaged");
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static const char *freexl_reason(int rc)
{
	switch (rc) {
	case FREEXL_INSUFFICIENT_MEMORY:
		return "it needs more memory than it may have";
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
		return "it has no workbook in it (a password-protected file looks like "
		       "this: remove the password and save it again)";
	case FREEXL_UNSUPPORTED_CHARSET:
	case FREEXL_INVALID_CHARACTER:
		return "its text is in an unsupported encoding";
	default:
		return "it is damaged or in a format FreeXL does not read";
	}
}

/* Loads, once, the iconv converters FreeXL uses, and keeps them loaded: a
 * child forked while another thread was loading a module could wait for
 * that lock for ever. */
static iconv_t xls_converters[3];

static void xls_preload(void)
{
	static const char *const from[] = { "UTF-16LE", "CP1252", "CP936" };

	for (size_t i = 0; i < sizeof from / sizeof from[0]; i++)
		xls_converters[i] = iconv_open("UTF-8", from[i]);
}

/* Starts the child on path (keep_fd: a descriptor path names, kept open in
 * the child) and reads its first message. */
static int xls_open(struct sheet *sh, const char *path, int keep_fd)
{
	static pthread_once_t preload = PTHREAD_ONCE_INIT;
	struct xls_state *s = &sh->xls;
	struct xls_msg m;
	int p[2];

	sh->kind = SHEET_XLS;
	pthread_once(&preload, xls_preload);
	if (pipe2(p, O_CLOEXEC) != 0)
		return fail(sh, ERR_INTERNAL, "cannot make a pipe: %s", strerror(errno));
	s->pid = fork();
	if (s->pid < 0) {
		close(p[0]);
		close(p[1]);
		return fail(sh, ERR_INTERNAL, "cannot start a process: %s", strerror(errno));
	}
	if (s->pid == 0) {
		close(p[0]);
		close_others(p[1], keep_fd);
		xls_child(path, p[1]);
	}
	close(p[1]);
	s->fd = p[0];
	if (xls_read(sh, &m, sizeof m) < 0)
		return -1;
	if (m.tag != 'H')
		return fail(sh, ERR_INVALID, "cannot read the .xls file: it is damaged");
	switch (m.a) {
	case XLS_OK:
		break;
	case XLS_OPEN:
		return fail(sh, m.b == (uint32_t)-FREEXL_INSUFFICIENT_MEMORY ? ERR_INTERNAL : ERR_INVALID,
			    "cannot read the .xls file: %s", freexl_reason(-(int)m.b));
	case XLS_PASSWORD:
		return fail(sh, ERR_INVALID, "the .xls file is password-protected: remove the "
			    "password and save it again");
	case XLS_NO_SHEET:
		return fail(sh, ERR_INVALID, "the .xls file has no worksheet");
	default:
		return fail(sh, ERR_INVALID, "cannot read the .xls file's first worksheet");
	}
	s->rows = m.c;
	s->cols = m.d;
	return 0;
}

static int xls_next(struct sheet *sh, struct sheet_row *row)
{
	struct xls_state *s = &sh->xls;
	struct xls_msg m;
	char *text = NULL;
	long line;
	int rc = -1;

	if (s->done)
		return 0;
	if (xls_read(sh, &m, sizeof m) < 0)
		return -1;
	if (m.tag == 'E') {
		s->done = true;
		return 0;
	}
	if (m.tag == 'X')
		return fail(sh, ERR_INVALID, "row %ld: cannot read column %lu of the .xls file",
			    (long)m.b + 1, (unsigned long)m.c + 1);
	/* rows come in order, each with at least one of the sheet's cells */
	if (m.tag != 'R' || m.a >= s->rows || m.a < s->next || m.b == 0 || m.b > s->cols)
		return fail(sh, ERR_INVALID, "cannot read the .xls file: it is damaged");
	s->next = m.a + 1;
	line = (long)m.a + 1;
	text = malloc(SHEET_MAX_CELL + 1);
	if (!text)
		return fail(sh, ERR_INTERNAL, "out of memory");
	row_begin(sh);
	for (uint32_t i = 0; i < m.b; i++) {
		struct xls_cell c;

		if (xls_read(sh, &c, sizeof c) < 0)
			goto done;
		if (c.len > SHEET_MAX_CELL) {
			fail(sh, ERR_INVALID, "row %ld: column %lu is longer than %d KiB", line,
			     (unsigned long)c.col + 1, SHEET_MAX_CELL >> 10);
			goto done;
		}
		if (xls_read(sh, text, c.len) < 0)
			goto done;
		if ((c.type != SHEET_TEXT && c.type != SHEET_NUMBER && c.type != SHEET_DATE)
		    || c.col >= s->cols || memchr(text, '\0', c.len)
		    || utf8_valid_prefix((unsigned char *)text, c.len) != c.len) {
			fail(sh, ERR_INVALID, "cannot read the .xls file: it is damaged");
			goto done;
		}
		if (row_put(sh, line, (int)(c.col < INT_MAX ? c.col : INT_MAX), text, c.len,
			    (enum sheet_cell_type)c.type) < 0)
			goto done;
	}
	rc = row_finish(sh, row, line);
	if (rc == 0) /* white space only: on to the next */
		rc = xls_next(sh, row);
done:
	free(text);
	return rc;
}

/* FreeXL reads only named files: give it a memory file (or, without
 * memfd_create or /proc, a temporary file removed once the child has it). */
static int xls_open_mem(struct sheet *sh, const void *data, size_t len)
{
	char path[64], tmp[] = "/tmp/tdc-sheet-XXXXXX";
	const char *p = data;
	size_t left = len;
	int fd, rc;
	bool temp = false;

	fd = memfd_create("tdc-sheet", MFD_CLOEXEC);
	if (fd >= 0) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		if (access(path, R_OK) != 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		fd = mkstemp(tmp);
		if (fd < 0)
			return fail(sh, ERR_IO, "cannot make a temporary file: %s", strerror(errno));
		snprintf(path, sizeof path, "%s", tmp);
		temp = true;
	}
	while (left > 0) {
		ssize_t w = write(fd, p, left);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = fail(sh, ERR_IO, "cannot write a temporary file: %s", strerror(errno));
			goto done;
		}
		p += w;
		left -= (size_t)w;
	}
	/* the child's copy of fd keeps the memory file; its first message
	 * comes after FreeXL opened the temporary file */
	rc = xls_open(sh, path, temp ? -1 : fd);
done:
	if (temp)
		unlink(tmp);
	close(fd);
	return rc;
}

/* ---- public entry points -------------------------------------------------- */

enum sheet_kind sheet_kind(const struct sheet *sh)
{
	return sh->kind;
}

const char *sheet_kind_name(enum sheet_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "?";
}

static struct sheet *sheet_new(void)
{
	struct sheet *sh = calloc(1, sizeof *sh);

	if (!sh)
		return NULL;
	buf_init(&sh->text);
	buf_init(&sh->x.val);
	buf_init(&sh->x.sst_text);
	sh->xls.fd = -1;
	return sh;
}

/* Hands sh out, or on failure copies its error to e and frees it. */
static int opened(struct sheet *sh, int rc, struct sheet **out, struct err *e)
{
	if (rc < 0) {
		if (e)
			*e = sh->failure;
		sheet_close(sh);
		return -1;
	}
	*out = sh;
	return 0;
}

int sheet_open_mem(const void *data, size_t len, struct sheet **out, struct err *e)
{
	const unsigned char *d = data;
	struct sheet *sh;
	int rc;

	*out = NULL;
	if (len > SHEET_MAX_FILE) {
		err_set(e, ERR_INVALID, "the file is larger than %d MiB", SHEET_MAX_FILE >> 20);
		return -1;
	}
	if (len == 0) {
		err_set(e, ERR_INVALID, "the file is empty");
		return -1;
	}
	sh = sheet_new();
	if (!sh) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (starts(d, len, ZIP_MAGIC, 4)) {
		zip_error_t ze;
		zip_source_t *src;

		zip_error_init(&ze);
		src = zip_source_buffer_create(data, len, 0, &ze);
		zip_error_fini(&ze);
		rc = src ? xlsx_open_source(sh, src) : fail(sh, ERR_INTERNAL, "out of memory");
	} else if (starts(d, len, CFB_MAGIC, 8)) {
		rc = xls_open_mem(sh, data, len);
	} else {
		rc = csv_prepare(sh, d, len);
	}
	return opened(sh, rc, out, e);
}

/* Reads a whole file of at most SHEET_MAX_FILE bytes. */
static int read_all(int fd, size_t size, unsigned char **out, size_t *len, const char *path,
		    struct err *e)
{
	unsigned char *p = malloc(size ? size : 1);
	size_t got = 0;

	if (!p) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	while (got < size) {
		ssize_t n = read(fd, p + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(e, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
			free(p);
			return -1;
		}
		if (n == 0)
			break; /* shrank meanwhile: read what is there */
		got += (size_t)n;
	}
	*out = p;
	*len = got;
	return 0;
}

int sheet_open_file(const char *path, struct sheet **out, struct err *e)
{
	unsigned char head[8], *all = NULL;
	size_t len = 0;
	struct sheet *sh = NULL;
	struct stat st;
	ssize_t nhead;
	int fd, rc = -1;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO, "cannot open '%s': %s", path,
			strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		err_set(e, ERR_IO, "cannot read '%s': not a regular file", path);
		goto done;
	}
	nhead = pread(fd, head, sizeof head, 0);
	if (nhead < 0) {
		err_set(e, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
		goto done;
	}
	if (starts(head, (size_t)nhead, ZIP_MAGIC, 4) || starts(head, (size_t)nhead, CFB_MAGIC, 8)) {
		if (st.st_size > SHEET_MAX_FILE) {
			err_set(e, ERR_INVALID, "the file is larger than %d MiB", SHEET_MAX_FILE >> 20);
			goto done;
		}
		sh = sheet_new();
		if (!sh) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto done;
		}
		if (head[0] == 'P') {
			zip_error_t ze;
			zip_source_t *src;

			zip_error_init(&ze);
			src = zip_source_file_create(path, 0, -1, &ze);
			zip_error_fini(&ze);
			rc = src ? xlsx_open_source(sh, src)
				: fail(sh, ERR_IO, "cannot open '%s'", path);
		} else {
			/* FreeXL reads the very file looked at, by its descriptor */
			char fdpath[64];

			snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
			rc = access(fdpath, R_OK) == 0 ? xls_open(sh, fdpath, fd) : xls_open(sh, path, -1);
		}
		rc = opened(sh, rc, out, e);
		goto done;
	}
	if ((uint64_t)st.st_size > SHEET_MAX_CSV_FILE) {
		err_set(e, ERR_INVALID, "the file is larger than %zu GiB", SHEET_MAX_CSV_FILE >> 30);
		goto done;
	}
	if (st.st_size > SHEET_MAX_FILE) {
		/* a large CSV: mapped, read once from start to end */
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (map == MAP_FAILED) {
			err_set(e, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
			goto done;
		}
		madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
		if (!(sh = sheet_new())) {
			munmap(map, (size_t)st.st_size);
			err_set(e, ERR_INTERNAL, "out of memory");
			goto done;
		}
		sh->mapped = map;
		sh->mapped_len = (size_t)st.st_size;
		rc = opened(sh, csv_prepare(sh, map, (size_t)st.st_size), out, e);
		goto done;
	}
	/* CSV: the whole text in memory */
	if (read_all(fd, (size_t)st.st_size, &all, &len, path, e) < 0)
		goto done;
	rc = sheet_open_mem(all, len, out, e);
	if (rc < 0) {
		free(all);
		goto done;
	}
	if ((*out)->owned) /* converted: the original bytes are no longer needed */
		free(all);
	else
		(*out)->owned = all;
done:
	close(fd);
	return rc;
}

int sheet_next(struct sheet *sh, struct sheet_row *row, struct err *e)
{
	int rc;

	row->line = 0;
	row->ncells = 0;
	row->cells = NULL;
	if (sh->failed) {
		rc = -1;
	} else {
		switch (sh->kind) {
		case SHEET_XLSX:
			rc = xlsx_next(sh, row);
			break;
		case SHEET_XLS:
			rc = xls_next(sh, row);
			break;
		default:
			rc = csv_next(sh, row);
			break;
		}
	}
	if (rc < 0 && e)
		*e = sh->failure;
	return rc;
}

double sheet_progress(const struct sheet *sh)
{
	double p = 0;

	switch (sh->kind) {
	case SHEET_XLSX:
		if (sh->x.done)
			return 1;
		p = sh->x.size ? (double)sh->x.consumed / (double)sh->x.size : 0;
		break;
	case SHEET_XLS:
		if (sh->xls.done)
			return 1;
		p = sh->xls.rows ? (double)sh->xls.next / sh->xls.rows : 0;
		break;
	default:
		if (sh->csv.fini)
			return 1;
		p = sh->len ? (double)sh->csv.pos / (double)sh->len : 0;
		break;
	}
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

void sheet_close(struct sheet *sh)
{
	if (!sh)
		return;
	if (sh->csv.live)
		csv_free(&sh->csv.p);
	if (sh->x.xp)
		XML_ParserFree(sh->x.xp);
	if (sh->x.zf)
		zip_fclose(sh->x.zf);
	if (sh->x.zip)
		zip_discard(sh->x.zip);
	if (sh->xls.fd >= 0)
		close(sh->xls.fd);
	if (sh->xls.pid > 0) {
		/* done or not, it has nothing more to say; but kill only a child
		 * not yet reaped, whose pid cannot have been reused */
		pid_t r;

		while ((r = waitpid(sh->xls.pid, NULL, WNOHANG)) < 0 && errno == EINTR)
			;
		if (r == 0) {
			kill(sh->xls.pid, SIGKILL);
			while (waitpid(sh->xls.pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
	}
	buf_free(&sh->x.val);
	buf_free(&sh->x.sst_text);
	free(sh->x.sst);
	free(sh->x.date_xf);
	buf_free(&sh->text);
	free(sh->slots);
	free(sh->cells);
	free(sh->owned);
	if (sh->mapped)
		munmap(sh->mapped, sh->mapped_len);
	free(sh);
}
