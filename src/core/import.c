/* import.c - schools and teachers from a file, all or nothing (see import.h). */
#include "import.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/appraisal.h"
#include "core/audit.h"
#include "core/credits.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/idcard.h"
#include "lib/sheet.h"
#include "store/store.h"

/* The columns, as the issue names them: Chinese first, then English. */
static const struct import_column school_columns[] = {
	{ "学校标识码", "school_code", SF_CODE, true },
	{ "学校名称", "name", SF_NAME, true },
	{ "行政区划代码", "district_code", SF_DISTRICT, true },
	{ "学段", "stage", SF_STAGE, true },
	{ "办学性质", "ownership", SF_OWNERSHIP, true },
	{ "状态", "status", SF_STATUS, false },
};

static const struct import_column teacher_columns[] = {
	{ "身份证号", "id_number", PF_ID_NUMBER, true },
	{ "姓名", "name", PF_NAME, true },
	{ "学校标识码", "school_code", PF_SCHOOL, true },
	{ "岗位", "role", PF_ROLE, false },
	{ "学科", "subject", PF_SUBJECT, false },
	{ "职称", "title", PF_TITLE, false },
	{ "学历", "education", PF_EDUCATION, false },
	{ "骨干级别", "key_level", PF_KEY_LEVEL, false },
	{ "入职日期", "service_start", PF_SERVICE_START, false },
	{ "手机", "phone", PF_PHONE, false },
	{ "状态", "status", PF_STATUS, false },
	{ "所属中心", "centre_code", PF_CENTRE, false },
};

/* Hours records (issue 5 §4).  The ID column keeps PF_ID_NUMBER so the
 * preview masks it as a teachers file's. */
enum credit_field {
	CF_DATE = 1 << 20, CF_HOURS = 1 << 21, CF_CATEGORY = 1 << 22, CF_TITLE = 1 << 23,
	CF_SOURCE = 1 << 24, CF_RECORD_ID = 1 << 25, CF_ISSUER = 1 << 26,
};
static const struct import_column credit_columns[] = {
	{ "身份证号", "id_number", PF_ID_NUMBER, true },
	{ "日期", "date", CF_DATE, true },
	{ "学时", "hours", CF_HOURS, true },
	{ "类别", "category", CF_CATEGORY, true },
	{ "项目名称", "title", CF_TITLE, false },
	{ "来源", "source", CF_SOURCE, false },
	{ "记录编号", "record_id", CF_RECORD_ID, true },
	{ "发证单位", "issuer", CF_ISSUER, false },
};

/* Yearly appraisals and re-registration events (issue 6 §4); the rows
 * are core/appraisal.c's.  The ID column keeps PF_ID_NUMBER, as credits. */
enum appraisal_field {
	AF_YEAR = 1 << 20, AF_RESULT = 1 << 21,
	EF_KIND = 1 << 22, EF_START = 1 << 23, EF_END = 1 << 24, EF_NOTE = 1 << 25,
};
static const struct import_column appraisal_columns[] = {
	{ "身份证号", "id_number", PF_ID_NUMBER, true },
	{ "年度", "year", AF_YEAR, true },
	{ "结果", "result", AF_RESULT, true },
};
static const struct import_column event_columns[] = {
	{ "身份证号", "id_number", PF_ID_NUMBER, true },
	{ "类型", "kind", EF_KIND, true },
	{ "开始日期", "start", EF_START, true },
	{ "结束日期", "end", EF_END, false },
	{ "说明", "note", EF_NOTE, false },
};

/* Columns people add that carry nothing to import: a row number, and the
 * reason column of our own rejects file, so a fixed rejects file imports
 * without a warning. */
static const char *const ignored_columns[] = { "序号", "no", "原因", "reason", NULL };

const struct import_column *import_columns(enum import_kind k, int *n)
{
	if (k == IMPORT_SCHOOLS) {
		*n = (int)(sizeof school_columns / sizeof school_columns[0]);
		return school_columns;
	}
	if (k == IMPORT_CREDITS) {
		*n = (int)(sizeof credit_columns / sizeof credit_columns[0]);
		return credit_columns;
	}
	if (k == IMPORT_APPRAISALS) {
		*n = (int)(sizeof appraisal_columns / sizeof appraisal_columns[0]);
		return appraisal_columns;
	}
	if (k == IMPORT_EVENTS) {
		*n = (int)(sizeof event_columns / sizeof event_columns[0]);
		return event_columns;
	}
	*n = (int)(sizeof teacher_columns / sizeof teacher_columns[0]);
	return teacher_columns;
}

int import_kind_parse(const char *word)
{
	if (!word)
		return -1;
	if (!strcmp(word, "schools"))
		return IMPORT_SCHOOLS;
	if (!strcmp(word, "teachers"))
		return IMPORT_TEACHERS;
	if (!strcmp(word, "credits"))
		return IMPORT_CREDITS;
	if (!strcmp(word, "appraisals"))
		return IMPORT_APPRAISALS;
	if (!strcmp(word, "events"))
		return IMPORT_EVENTS;
	return -1;
}

const char *import_kind_name(enum import_kind k)
{
	static const char *const names[] = {
		[IMPORT_SCHOOLS] = "schools", [IMPORT_TEACHERS] = "teachers",
		[IMPORT_CREDITS] = "credits", [IMPORT_APPRAISALS] = "appraisals",
		[IMPORT_EVENTS] = "events",
	};

	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "teachers";
}

/* ---- the header ---- */

enum { MAX_COLUMNS = 1024, HEADER_SEARCH_ROWS = 10 };

struct layout {
	int ncols;                          /* columns in the header row */
	int field_col[16];                  /* column index of each import_column, -1 */
	const char *name[MAX_COLUMNS];      /* each column's header as written */
	bool known[MAX_COLUMNS];
};

/* A header cell reduced to compare: spaces and a required-mark ("*",
 * "（必填）", "(必填)") dropped, ASCII lower-cased. */
static void header_key(const char *in, char *out, size_t outlen)
{
	static const char *const marks[] = { "（必填）", "(必填)", "\xE3\x80\x80", NULL };
	size_t o = 0;

	for (const char *c = in; *c && o + 1 < outlen;) {
		bool skipped = false;

		for (int m = 0; marks[m]; m++) {
			size_t n = strlen(marks[m]);

			if (!strncmp(c, marks[m], n)) {
				c += n;
				skipped = true;
				break;
			}
		}
		if (skipped)
			continue;
		if (*c != ' ' && *c != '*' && *c != '\t' && *c != '\r' && *c != '\n')
			out[o++] = (char)tolower((unsigned char)*c);
		c++;
	}
	out[o] = '\0';
}

static int column_of(const struct import_column *cols, int ncols, const char *header)
{
	char key[128];

	header_key(header, key, sizeof key);
	for (int i = 0; i < ncols; i++)
		if (!strcmp(key, cols[i].zh) || !strcmp(key, cols[i].en))
			return i;
	return -1;
}

static bool ignored_column(const char *header)
{
	char key[128];

	header_key(header, key, sizeof key);
	for (int i = 0; ignored_columns[i]; i++)
		if (!strcmp(key, ignored_columns[i]))
			return true;
	return false;
}

static int known_in_row(const struct import_column *cols, int ncols, const struct sheet_row *r)
{
	int n = 0;

	for (int i = 0; i < r->ncells; i++)
		if (r->cells[i].type != SHEET_EMPTY && column_of(cols, ncols, r->cells[i].text) >= 0)
			n++;
	return n;
}

/* ---- messages ---- */

struct run {
	const struct import_opts *o;
	struct change_source src;  /* o->src, with o->dry_run */
	const struct import_column *cols;
	int ncols;
	struct layout lay;
	struct arena names;      /* header names, for the whole run */
	struct import_result *res;
	struct buf line;
	struct buf reason;
};

static void say(struct run *r, bool error, long line, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void say(struct run *r, bool error, long line, const char *column, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&r->line);
	if (line > 0)
		buf_printf(&r->line, "%s:%ld: ", r->o->label, line);
	else
		buf_printf(&r->line, "%s: ", r->o->label);
	if (column)
		buf_printf(&r->line, "%s column: ", column);
	va_start(ap, fmt);
	buf_vprintf(&r->line, fmt, ap);
	va_end(ap);
	if (!error)
		r->res->warnings++;
	if (r->o->message)
		r->o->message(r->o->cb_ctx, error, buf_cstr(&r->line));
}

/* The column a field's error belongs to: as the file writes it, or the
 * Chinese name when the file has no such column. */
static const char *column_name(struct run *r, const char *field)
{
	for (int i = 0; i < r->ncols; i++) {
		if (strcmp(r->cols[i].en, field))
			continue;
		if (r->lay.field_col[i] >= 0)
			return r->lay.name[r->lay.field_col[i]];
		return r->cols[i].zh;
	}
	return field; /* not a column of this kind, e.g. centre_code */
}

/* ---- duplicate keys within one file ---- */

struct seen {
	size_t cap, n;
	struct {
		char key[24];
		long line;
	} *slot;
};

static uint64_t hash_key(const char *k)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

/* Returns the line the key was first seen on, or 0 (and remembers it). */
static long seen_add(struct seen *s, const char *key, long line)
{
	size_t i;

	if (s->n * 2 >= s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 4096;
		__typeof__(s->slot) nslot = calloc(ncap, sizeof *nslot);

		if (!nslot)
			return 0; /* lose duplicate detection rather than fail the import */
		for (size_t j = 0; j < s->cap; j++) {
			if (!s->slot[j].line)
				continue;
			for (i = hash_key(s->slot[j].key) & (ncap - 1); nslot[i].line; i = (i + 1) & (ncap - 1))
				;
			nslot[i] = s->slot[j];
		}
		free(s->slot);
		s->slot = nslot;
		s->cap = ncap;
	}
	for (i = hash_key(key) & (s->cap - 1); s->slot[i].line; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->slot[i].key, key))
			return s->slot[i].line;
	snprintf(s->slot[i].key, sizeof s->slot[i].key, "%s", key);
	s->slot[i].line = line;
	s->n++;
	return 0;
}

/* ---- one row ---- */

static const char *cell(const struct run *r, const struct sheet_row *row, int col_index)
{
	int c = r->lay.field_col[col_index];

	if (c < 0 || c >= row->ncells || row->cells[c].type == SHEET_EMPTY)
		return c < 0 ? NULL : ""; /* NULL: no such column, the saved record keeps or defaults it */
	return row->cells[c].text;
}

static enum sheet_cell_type cell_type(const struct run *r, const struct sheet_row *row,
				      int col_index)
{
	int c = r->lay.field_col[col_index];

	if (c < 0 || c >= row->ncells)
		return SHEET_EMPTY;
	return row->cells[c].type;
}

static int col_index_of(const struct run *r, unsigned field)
{
	for (int i = 0; i < r->ncols; i++)
		if (r->cols[i].field == field)
			return i;
	return -1;
}

static unsigned present_fields(const struct run *r)
{
	unsigned f = 0;

	for (int i = 0; i < r->ncols; i++)
		if (r->lay.field_col[i] >= 0)
			f |= r->cols[i].field;
	return f;
}

static void report_fields(struct run *r, long line, const struct field_errors *fe)
{
	for (int i = 0; i < fe->n; i++) {
		const char *col = column_name(r, fe->e[i].field);

		say(r, true, line, col, "%s", fe->e[i].message);
		buf_printf(&r->reason, "%s%s column: %s", buf_cstr(&r->reason)[0] ? "; " : "", col,
			   fe->e[i].message);
	}
}

/* A number in the ID column is Excel's doing: the last digits are gone. */
static bool excel_number_id(struct run *r, const struct sheet_row *row, struct field_errors *fe)
{
	int ci = col_index_of(r, PF_ID_NUMBER);

	if (ci < 0 || cell_type(r, row, ci) != SHEET_NUMBER)
		return false;
	field_error(fe, "id_number",
		    "the ID number %s was turned into a number by Excel and its last digits are "
		    "lost; format the column as text and type it again", cell(r, row, ci));
	return true;
}

static int teacher_row(struct run *r, struct store *s, struct arena *a,
		       const struct sheet_row *row, struct seen *seen, struct field_errors *fe,
		       enum save_result *saved)
{
	struct person_rec p = { 0 };
	unsigned fields = present_fields(r);
	bool bad_id = false;
	long first;
	int64_t id;
	int rc;

	p.id_number = cell(r, row, 0);
	p.name = cell(r, row, 1);
	p.school_code = cell(r, row, 2);
	p.role = cell(r, row, 3);
	p.subject = cell(r, row, 4);
	p.title = cell(r, row, 5);
	p.education = cell(r, row, 6);
	p.key_level = cell(r, row, 7);
	p.service_start = cell(r, row, 8);
	p.phone = cell(r, row, 9);
	p.status = cell(r, row, 10);
	p.centre_code = cell(r, row, 11);
	if (p.id_number && strchr(p.id_number, '*')) {
		/* an export's masked number: it names no one */
		field_error(fe, "id_number", "the ID number is masked (%s); import needs the whole "
			    "number: export with --unmasked", p.id_number);
		bad_id = true;
	} else if (excel_number_id(r, row, fe)) {
		bad_id = true;
	}
	/* an empty 学历 cell keeps what the person has (a new person needs one:
	 * registry_person_save() says so) */
	if (fields & PF_EDUCATION && !*p.education) {
		fields &= ~(unsigned)PF_EDUCATION;
		p.education = NULL;
	}
	/* an empty role means a teacher: these are teachers' files */
	if (fields & PF_ROLE && !*p.role)
		p.role = "teacher";
	if (registry_person_check(&p, bad_id ? fields & ~(unsigned)PF_ID_NUMBER : fields | PF_ID_NUMBER,
				  false, r->o->today, a, fe) < 0 || bad_id) {
		/* every bad value of the row in one go, the school's too */
		rc = registry_person_check_refs(s, r->o->scope, &p, fields, fe);
		return rc < -1 ? rc : -1;
	}
	if ((first = seen_add(seen, p.id_number, row->line)) != 0) {
		char masked[ID_NUMBER_LEN + 1];

		idcard_mask(p.id_number, masked);
		field_error(fe, "id_number", "%s is also on line %ld", masked, first);
		return -1;
	}
	rc = registry_person_save(s, r->o->scope, &r->src, &p, fields, fe, saved, &id);
	return rc;
}

static int school_row(struct run *r, struct store *s, struct arena *a,
		      const struct sheet_row *row, struct seen *seen, struct field_errors *fe,
		      enum save_result *saved)
{
	struct school_rec sr = { 0 };
	unsigned fields = present_fields(r);
	long first;
	int64_t id;

	sr.code = cell(r, row, 0);
	sr.name = cell(r, row, 1);
	sr.district_code = cell(r, row, 2);
	sr.stage = cell(r, row, 3);
	sr.ownership = cell(r, row, 4);
	sr.status = cell(r, row, 5);
	if (registry_school_check(&sr, fields, false, a, fe) < 0) {
		int rc = registry_school_check_refs(s, &sr, fields, fe);

		return rc < -1 ? rc : -1;
	}
	if ((first = seen_add(seen, sr.code, row->line)) != 0) {
		field_error(fe, "school_code", "%s is also on line %ld", sr.code, first);
		return -1;
	}
	return registry_school_save(s, r->o->scope, &r->src, &sr, fields, fe, saved, &id);
}

static int credit_row(struct run *r, struct credits *c, const struct sheet_row *row,
		      struct field_errors *fe, enum save_result *saved)
{
	struct credit_in in = {
		.id_number = cell(r, row, 0), .date = cell(r, row, 1), .hours = cell(r, row, 2),
		.category = cell(r, row, 3), .title = cell(r, row, 4), .source = cell(r, row, 5),
		.record_id = cell(r, row, 6), .issuer = cell(r, row, 7),
		.id_is_number = cell_type(r, row, 0) == SHEET_NUMBER,
	};
	enum credit_outcome out;
	int rc = credits_row(c, &in, fe, &out);

	if (rc == 0)
		*saved = out == CREDIT_ADDED ? SAVE_INSERTED : SAVE_UNCHANGED;
	return rc;
}

static int appraisal_row(struct run *r, struct appraisal_import *ai, const struct sheet_row *row,
			 struct field_errors *fe, enum save_result *saved)
{
	struct appraisal_in in = {
		.id_number = cell(r, row, 0), .year = cell(r, row, 1), .result = cell(r, row, 2),
		.id_is_number = cell_type(r, row, 0) == SHEET_NUMBER, .line = row->line,
	};

	return appraisal_import_row(ai, &in, fe, saved);
}

static int event_row(struct run *r, struct appraisal_import *ai, const struct sheet_row *row,
		     struct field_errors *fe, enum save_result *saved)
{
	struct event_in in = {
		.id_number = cell(r, row, 0), .kind = cell(r, row, 1), .start = cell(r, row, 2),
		.end = cell(r, row, 3), .note = cell(r, row, 4),
		.id_is_number = cell_type(r, row, 0) == SHEET_NUMBER, .line = row->line,
	};

	return event_import_row(ai, &in, fe, saved);
}

static void row_texts(const struct sheet_row *row, int ncols, const char **out)
{
	for (int i = 0; i < ncols; i++)
		out[i] = i < row->ncells && row->cells[i].type != SHEET_EMPTY ? row->cells[i].text : "";
}

/* ---- the run ---- */

static int find_header(struct run *r, struct sheet *sh, struct err *e)
{
	struct sheet_row row;
	int rc;

	for (int tries = 0; tries < HEADER_SEARCH_ROWS; tries++) {
		if ((rc = sheet_next(sh, &row, e)) <= 0) {
			if (rc == 0)
				err_set(e, ERR_INVALID, "%s: the file has no header row", r->o->label);
			return -1;
		}
		/* a title row ("2026年教师名单") may come first: the header is the
		 * first row that names at least two of our columns */
		if (known_in_row(r->cols, r->ncols, &row) < 2)
			continue;
		if (row.ncells > MAX_COLUMNS)
			row.ncells = MAX_COLUMNS;
		r->lay.ncols = row.ncells;
		for (int i = 0; i < r->ncols; i++)
			r->lay.field_col[i] = -1;
		for (int c = 0; c < row.ncells; c++) {
			const char *text = row.cells[c].type == SHEET_EMPTY ? "" : row.cells[c].text;
			int k = *text ? column_of(r->cols, r->ncols, text) : -1;

			r->lay.name[c] = arena_strdup(&r->names, text);
			if (k >= 0 && r->lay.field_col[k] >= 0) {
				say(r, true, row.line, text, "appears twice (columns %d and %d)",
				    r->lay.field_col[k] + 1, c + 1);
				err_set(e, ERR_INVALID, "%s: a column appears twice", r->o->label);
				return -1;
			}
			if (k >= 0) {
				r->lay.field_col[k] = c;
				r->lay.known[c] = true;
			} else if (*text && !ignored_column(text)) {
				say(r, false, row.line, text, "is not a column tdc knows; it is ignored");
			}
		}
		for (int i = 0; i < r->ncols; i++) {
			if (r->cols[i].required && r->lay.field_col[i] < 0) {
				say(r, true, row.line, r->cols[i].zh, "is missing; the file needs it");
				err_set(e, ERR_INVALID, "%s: a required column is missing", r->o->label);
			}
		}
		if (e->code)
			return -1;
		if (r->o->reject_header) {
			const char *texts[MAX_COLUMNS];

			for (int c = 0; c < r->lay.ncols; c++)
				texts[c] = r->lay.name[c];
			r->o->reject_header(r->o->cb_ctx, r->lay.ncols, texts);
		}
		if (r->o->preview) {
			const char *texts[MAX_COLUMNS];

			for (int c = 0; c < r->lay.ncols; c++)
				texts[c] = r->lay.name[c];
			r->o->preview(r->o->cb_ctx, row.line, r->lay.ncols, texts);
		}
		return 0;
	}
	{
		struct buf b;

		buf_init(&b);
		for (int i = 0; i < r->ncols; i++)
			if (r->cols[i].required)
				buf_printf(&b, "%s%s", b.len ? ", " : "", r->cols[i].zh);
		say(r, true, 0, NULL, "no header row in the first %d rows; the header names the "
				      "columns: %s", HEADER_SEARCH_ROWS, buf_cstr(&b));
		buf_free(&b);
	}
	err_set(e, ERR_INVALID, "%s: no header row", r->o->label);
	return -1;
}

int import_run(struct store *s, struct sheet *sh, const struct import_opts *o,
	       struct import_result *res, struct err *e)
{
	struct run r = { 0 };
	struct seen seen = { 0 };
	struct sheet_row row;
	struct arena rowmem;
	struct credits *credits = NULL;
	struct appraisal_import *appraisals = NULL;
	bool in_tx = false, fatal = false, fk_off = false;
	int64_t max_person = 0;
	int rc = -1, previewed = 0;

	memset(res, 0, sizeof *res);
	err_clear(e);
	r.o = o;
	r.src = *o->src;
	r.src.dry_run = o->dry_run;
	r.res = res;
	r.cols = import_columns(o->kind, &r.ncols);
	arena_init(&r.names);
	arena_init(&rowmem);
	buf_init(&r.line);
	buf_init(&r.reason);

	if (find_header(&r, sh, e) < 0)
		goto out;
	/* a bulk credits import checks each person itself: the ledger's
	 * foreign-key probe of persons would be a second look per row */
	if (o->kind == IMPORT_CREDITS &&
	    credits_bulk(o->dry_run, credits_rows_in_bytes(o->file_bytes)) &&
	    store_foreign_keys(s, false) == 0)
		fk_off = true;
	/* a dry run writes nothing: a read transaction, which never keeps
	 * writers (sign-ins, other imports) waiting */
	if (store_begin(s, o->dry_run ? STORE_READ : STORE_WRITE) < 0) {
		err_set(e, ERR_INTERNAL, "cannot start the import: %s", store_errmsg(s));
		goto out;
	}
	in_tx = true;
	if (o->kind == IMPORT_CREDITS) {
		if (credits_begin(s, o->dry_run, credits_rows_in_bytes(o->file_bytes), o->scope,
				  o->src->who, o->today, &credits, e) < 0)
			goto out;
	} else if (o->kind == IMPORT_APPRAISALS || o->kind == IMPORT_EVENTS) {
		if (appraisal_import_begin(s, o->scope, &r.src, o->today, false, &appraisals, e) < 0)
			goto out;
	} else if (!o->dry_run && registry_bulk_begin(s, &max_person) < 0) {
		err_set(e, ERR_INTERNAL, "cannot start the import: %s", store_errmsg(s));
		goto out;
	}

	for (;;) {
		struct field_errors fe;
		enum save_result saved = SAVE_UNCHANGED;
		int got = sheet_next(sh, &row, e);

		fe.n = 0; /* the messages are written before they are read */

		if (got < 0) {
			/* the file itself is broken: nothing is written */
			say(&r, true, 0, NULL, "%s", e->message);
			fatal = true;
			break;
		}
		if (got == 0)
			break;
		res->rows++;
		if (o->preview && previewed < o->preview_rows) {
			const char *texts[MAX_COLUMNS];
			int n = r.lay.ncols; /* as wide as the header: trailing blanks were dropped */

			char masked[ID_NUMBER_LEN + 1];
			int idc = r.lay.field_col[col_index_of(&r, PF_ID_NUMBER)];

			row_texts(&row, n, texts);
			/* a preview is kept with the job: no whole ID numbers in it */
			if (o->kind != IMPORT_SCHOOLS && idc >= 0 && idc < n) {
				size_t len = strlen(texts[idc]);

				if (len > 8 && len < ID_NUMBER_LEN) {
					/* a 15-digit or short number: its ends, as idcard_mask() */
					memcpy(masked, texts[idc], len + 1);
					memset(masked + 4, '*', len - 8);
				} else {
					idcard_mask(texts[idc], masked); /* stars unless 18 long */
				}
				texts[idc] = masked;
			}
			o->preview(o->cb_ctx, row.line, n, texts);
			previewed++;
		}
		buf_reset(&r.reason);
		rc = o->kind == IMPORT_TEACHERS ? teacher_row(&r, s, &rowmem, &row, &seen, &fe, &saved)
		   : o->kind == IMPORT_CREDITS  ? credit_row(&r, credits, &row, &fe, &saved)
		   : o->kind == IMPORT_APPRAISALS ? appraisal_row(&r, appraisals, &row, &fe, &saved)
		   : o->kind == IMPORT_EVENTS   ? event_row(&r, appraisals, &row, &fe, &saved)
						: school_row(&r, s, &rowmem, &row, &seen, &fe, &saved);
		if (rc < -1 || (rc < 0 && fe.n == 0)) {
			err_set(e, ERR_INTERNAL, "%s:%ld: the database failed: %s", o->label, row.line,
				store_errmsg(s));
			say(&r, true, row.line, NULL, "the database failed: %s", store_errmsg(s));
			fatal = true;
			break;
		}
		if (rc < 0) {
			res->bad++;
			report_fields(&r, row.line, &fe);
			if (o->skip_bad && o->reject) {
				const char *texts[MAX_COLUMNS];
				int n = r.lay.ncols;

				row_texts(&row, n, texts);
				o->reject(o->cb_ctx, n, texts, buf_cstr(&r.reason));
			}
		} else if (saved == SAVE_INSERTED) {
			res->inserted++;
		} else if (saved == SAVE_UPDATED) {
			res->updated++;
		} else {
			res->unchanged++;
		}
		if (res->rows % 1000 == 0) {
			if (o->progress)
				o->progress(o->cb_ctx, sheet_progress(sh), res->rows);
			if (o->cancel && *o->cancel) {
				err_set(e, ERR_INTERNAL, "%s: the import was stopped at line %ld; nothing "
					"was written", o->label, row.line);
				fatal = true;
				break;
			}
		}
		/* the row's copies die with the row */
		arena_reset(&rowmem);
	}
	if (o->progress)
		o->progress(o->cb_ctx, 1.0, res->rows);
	rc = -1; /* rc held the last row's result: only the two successes below set 0 */
	if (fatal) {
		if (!e->code)
			err_set(e, ERR_IO, "%s: cannot read the file", o->label);
		goto out;
	}
	if (res->bad && !o->skip_bad) {
		err_set(e, ERR_INVALID, "%s: %ld of %ld rows are bad; nothing was imported",
			o->label, res->bad, res->rows);
		goto out;
	}
	if (o->dry_run) {
		rc = 0;
		goto out;
	}
	if (o->kind == IMPORT_CREDITS) {
		if (credits_end(credits, e) < 0)
			goto out;
	} else if (!appraisals && registry_bulk_end(s, max_person) < 0) {
		err_set(e, ERR_INTERNAL, "cannot index the new names: %s", store_errmsg(s));
		goto out;
	}
	{
		char detail[256], action[32];

		if (o->kind == IMPORT_CREDITS)
			snprintf(detail, sizeof detail, "%s: %ld rows, %ld added, %ld already in the "
				 "ledger, %ld rejected", o->label, res->rows, res->inserted,
				 res->unchanged, res->bad);
		else
			snprintf(detail, sizeof detail, "%s: %ld rows, %ld new, %ld changed, %ld "
				 "unchanged, %ld rejected", o->label, res->rows, res->inserted,
				 res->updated, res->unchanged, res->bad);
		snprintf(action, sizeof action, "import.%s", import_kind_name(o->kind));
		if (audit_record(s, o->src->who, action, o->label, detail) < 0 || store_commit(s) < 0) {
			err_set(e, ERR_INTERNAL, "cannot commit the import: %s", store_errmsg(s));
			goto out;
		}
	}
	in_tx = false;
	res->written = true;
	rc = 0;
out:
	if (in_tx)
		store_rollback(s);
	if (fk_off)
		store_foreign_keys(s, true);
	if (rc < 0 && !e->code)
		err_set(e, ERR_INTERNAL, "the import failed");
	free(seen.slot);
	credits_free(credits);
	appraisal_import_free(appraisals);
	buf_free(&r.line);
	buf_free(&r.reason);
	arena_release(&rowmem);
	arena_release(&r.names);
	return rc;
}
