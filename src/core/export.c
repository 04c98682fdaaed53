/* export.c - schools and teachers to .xlsx or CSV, and the import templates (see export.h). */
#include "export.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/places.h"
#include "core/vocab.h"
#include "lib/idcard.h"
#include "store/store.h"

/* ---- the columns: the import's, in its order ------------------------------- */

/* The template's header notes are the file's words, not the interface's:
 * the import reads Chinese headers whatever the language of the page. */
enum { SC_CODE, SC_NAME, SC_DISTRICT, SC_STAGE, SC_OWNERSHIP, SC_STATUS, SC__MAX };
static const struct table_column school_columns[SC__MAX] = {
	[SC_CODE] = { "学校标识码", 13, true, "10 位学校标识码" },
	[SC_NAME] = { "学校名称", 36, false, NULL },
	[SC_DISTRICT] = { "行政区划代码", 14, true, "区县的 6 位行政区划代码，如 440106；也可写区名，如 天河区" },
	[SC_STAGE] = { "学段", 14, false, "从下拉列表中选择" },
	[SC_OWNERSHIP] = { "办学性质", 10, false, "公办 或 民办" },
	[SC_STATUS] = { "状态", 8, false, "开办 或 撤销；不填为 开办" },
};

enum { TC_ID, TC_NAME, TC_SCHOOL, TC_ROLE, TC_SUBJECT, TC_TITLE, TC_EDUCATION, TC_KEY_LEVEL,
       TC_SERVICE_START, TC_PHONE, TC_STATUS, TC_CENTRE, TC__MAX };
static const struct table_column teacher_columns[TC__MAX] = {
	[TC_ID] = { "身份证号", 21, true, "18 位居民身份证号，末位可为 X；15 位旧号码会自动转换" },
	[TC_NAME] = { "姓名", 10, false, NULL },
	[TC_SCHOOL] = { "学校标识码", 13, true, "10 位学校标识码" },
	[TC_ROLE] = { "岗位", 9, false, "从下拉列表中选择；不填为 教师" },
	[TC_SUBJECT] = { "学科", 9, false, "任教学科，如 语文、数学" },
	[TC_TITLE] = { "职称", 9, false, "从下拉列表中选择；不填为 未定级" },
	[TC_EDUCATION] = { "学历", 12, false, "从下拉列表中选择" },
	[TC_KEY_LEVEL] = { "骨干级别", 11, false, "从下拉列表中选择；不填为 无" },
	[TC_SERVICE_START] = { "入职日期", 12, false,
			       "日期，如 2019-09-01；也可写 2019/9/1 或 2019年9月1日" },
	[TC_PHONE] = { "手机", 14, true, NULL },
	[TC_STATUS] = { "状态", 8, false, "从下拉列表中选择；不填为 在职" },
	[TC_CENTRE] = { "所属中心", 10, true, "中心本部人员（无学校）填中心代码，如 440106、gz-yey" },
};

int export_kind_parse(const char *name, enum export_kind *out)
{
	if (!name)
		return -1;
	if (!strcmp(name, "schools"))
		*out = EXPORT_SCHOOLS;
	else if (!strcmp(name, "teachers") || !strcmp(name, "persons"))
		*out = EXPORT_TEACHERS;
	else
		return -1;
	return 0;
}

const char *export_kind_name(enum export_kind k)
{
	return k == EXPORT_SCHOOLS ? "schools" : "teachers";
}

int export_format_parse(const char *name, enum table_format *out)
{
	if (name && !strcmp(name, "xlsx"))
		*out = TABLE_XLSX;
	else if (name && !strcmp(name, "csv"))
		*out = TABLE_CSV;
	else
		return -1;
	return 0;
}

/* The export's columns are the template's without the notes: a comment on
 * every header of a 200,000-row sheet helps nobody. */
struct columns {
	struct table_column c[TC__MAX];
	int n;
};
_Static_assert((int)SC__MAX <= (int)TC__MAX, "struct columns holds either kind");

static void columns_of(enum export_kind k, bool notes, struct columns *out)
{
	const struct table_column *src = k == EXPORT_SCHOOLS ? school_columns : teacher_columns;

	out->n = k == EXPORT_SCHOOLS ? SC__MAX : TC__MAX;
	for (int i = 0; i < out->n; i++) {
		out->c[i] = src[i];
		if (!notes)
			out->c[i].note = NULL;
	}
}

const struct table_column *export_columns(enum export_kind k, int *n)
{
	*n = k == EXPORT_SCHOOLS ? SC__MAX : TC__MAX;
	return k == EXPORT_SCHOOLS ? school_columns : teacher_columns;
}

/* registry_scope_of(NULL): the command line's, which sees every row */
static const struct registry_scope everything = { 0 };

/* ---- writing the rows -------------------------------------------------------- */

/* The canonical Chinese name, which the import maps back; an unknown code
 * (a newer database) goes out as it is rather than as nothing. */
static const char *label(enum vocab_kind k, const char *code)
{
	const char *l;

	if (!code || !*code)
		return NULL;
	l = vocab_label(k, code);
	return l ? l : code;
}

/* A school's status has no vocab kind: registry_school_check() reads
 * these two words (and open, closed). */
static const char *school_status(const char *code)
{
	if (!code || !*code)
		return NULL;
	return !strcmp(code, "open") ? "开办" : !strcmp(code, "closed") ? "撤销" : code;
}

struct walk {
	struct table_writer *w;
	const struct export_spec *x;
	bool unmasked;
	struct err *e;
	int failed;
};

static int school_row(const struct school_rec *r, void *ctx)
{
	struct walk *wk = ctx;
	const char *cells[SC__MAX] = {
		[SC_CODE] = r->code,
		[SC_NAME] = r->name,
		[SC_DISTRICT] = r->district_code,
		[SC_STAGE] = label(VOCAB_STAGE, r->stage),
		[SC_OWNERSHIP] = label(VOCAB_OWNERSHIP, r->ownership),
		[SC_STATUS] = school_status(r->status),
	};

	if (table_write_row(wk->w, cells, wk->e) < 0)
		return wk->failed = 1;
	return 0;
}

static int teacher_row(const struct person_rec *p, void *ctx)
{
	struct walk *wk = ctx;
	char masked[ID_NUMBER_LEN + 1], phone[32];
	const char *cells[TC__MAX] = {
		[TC_NAME] = p->name,
		[TC_SCHOOL] = p->school_code,
		[TC_ROLE] = label(VOCAB_ROLE, p->role),
		[TC_SUBJECT] = p->subject,
		[TC_TITLE] = label(VOCAB_TITLE, p->title),
		[TC_EDUCATION] = label(VOCAB_EDUCATION, p->education),
		[TC_KEY_LEVEL] = label(VOCAB_KEY_LEVEL, p->key_level),
		[TC_SERVICE_START] = p->service_start,
		[TC_PHONE] = p->phone,
		[TC_STATUS] = label(VOCAB_STATUS, p->status),
		/* a centre's own staff: where they belong, so they import again */
		[TC_CENTRE] = p->school_code ? NULL : p->centre_code,
	};

	if (wk->x->phone && p->phone && *p->phone)
		cells[TC_PHONE] = wk->x->phone(p, phone, sizeof phone, wk->x->phone_ctx);
	if (wk->unmasked) {
		cells[TC_ID] = p->id_number;
	} else {
		idcard_mask(p->id_number ? p->id_number : "", masked);
		cells[TC_ID] = masked;
	}
	if (table_write_row(wk->w, cells, wk->e) < 0)
		return wk->failed = 1;
	return 0;
}

int export_write(struct store *s, const struct export_spec *x, const struct table_target *to,
		 long *rows, struct err *e)
{
	static const struct school_filter no_schools = { 0 };
	static const struct person_filter no_persons = { 0 };
	const struct registry_scope *sc = x->scope ? x->scope : &everything;
	struct columns cols;
	struct table_options o = { 0 };
	struct walk wk = { .x = x, .unmasked = x->unmasked, .e = e };
	int rc;

	*rows = 0;
	columns_of(x->kind, false, &cols);
	o.format = x->format;
	o.sheet = x->kind == EXPORT_SCHOOLS ? "学校" : "教师";
	o.columns = cols.c;
	o.ncolumns = cols.n;
	if (table_write_open(to, &o, &wk.w, e) < 0)
		return -1;
	if (x->kind == EXPORT_SCHOOLS)
		rc = registry_schools_each(s, sc, x->schools ? x->schools : &no_schools, school_row,
					   &wk);
	else
		rc = registry_persons_each(s, sc, x->persons ? x->persons : &no_persons, teacher_row,
					   &wk);
	if (wk.failed)
		goto fail; /* e says what */
	if (rc < 0) {
		err_set(e, ERR_IO, "cannot read the %s: %s", export_kind_name(x->kind),
			store_errmsg(s));
		goto fail;
	}
	*rows = table_write_rows(wk.w);
	return table_write_close(wk.w, e);
fail:
	table_write_abort(wk.w);
	return -1;
}

int export_count(struct store *s, const struct export_spec *x, int64_t *n, struct err *e)
{
	struct arena a;
	int rc, got;

	arena_init(&a);
	if (x->kind == EXPORT_SCHOOLS) {
		struct school_filter f = x->schools ? *x->schools : (struct school_filter){ 0 };
		struct school_rec *items;

		f.limit = 1;
		rc = registry_schools(s, &a, x->scope ? x->scope : &everything, &f, &items, &got, n);
	} else {
		struct person_filter f = x->persons ? *x->persons : (struct person_filter){ 0 };
		struct person_rec *items;

		f.limit = 1;
		rc = registry_persons(s, &a, x->scope ? x->scope : &everything, &f, &items, &got, n);
	}
	arena_release(&a);
	if (rc < 0)
		err_set(e, ERR_IO, "cannot count the %s: %s", export_kind_name(x->kind), store_errmsg(s));
	return rc < 0 ? -1 : 0;
}

/* ---- the command line's scope ----------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

int export_scope_parse(struct store *s, struct arena *a, const char *code,
		       struct registry_scope *sc, struct err *e)
{
	memset(sc, 0, sizeof *sc);
	if (!code || !*code)
		return 0;
	if (all_digits(code, 10)) {
		struct school_rec r;
		int rc = registry_school_get(s, a, code, &r);

		if (rc == STORE_ENOTFOUND)
			goto unknown;
		if (rc < 0)
			goto fail_db;
		sc->school_code = r.code;
		return 0;
	}
	if (all_digits(code, 6)) {
		struct place_region r;
		int rc = places_region_get(s, a, code, &r);

		if (rc == STORE_ENOTFOUND)
			goto unknown;
		if (rc < 0)
			goto fail_db;
		if (!strcmp(r.level, "district")) {
			sc->district_code = r.code;
		} else {
			/* a city's districts share its first four digits, a
			 * province's its first two (GB/T 2260) */
			snprintf(sc->prefix_buf, sizeof sc->prefix_buf, "%.*s",
				 !strcmp(r.level, "city") ? 4 : 2, code);
			sc->region_prefix = sc->prefix_buf;
		}
		return 0;
	}
	{
		struct centre_rec c;
		int rc = places_centre_get(s, a, code, &c);

		if (rc == STORE_ENOTFOUND)
			goto unknown;
		if (rc < 0)
			goto fail_db;
		/* what the centre's own admin sees (registry_scope_of()) */
		if (c.domain && *c.domain)
			sc->domain = c.domain;
		else
			sc->district_code = c.region_code;
		sc->centre_code = c.code;
		return 0;
	}
unknown:
	err_set(e, ERR_NOT_FOUND,
		"unknown scope '%s': give a school identifier (10 digits), a division code "
		"(6 digits) or a centre code", code);
	return -1;
fail_db:
	err_set(e, ERR_IO, "cannot look up the scope '%s': %s", code, store_errmsg(s));
	return -1;
}

int export_audit_unmasked(struct store *s, const struct actor *who, const char *scope_code,
			  enum export_kind k, int64_t rows, const char *where, struct err *e)
{
	return export_audit_unmasked_what(s, who, scope_code, export_kind_name(k), rows, where, e);
}

int export_audit_unmasked_what(struct store *s, const struct actor *who, const char *scope_code,
			       const char *what, int64_t rows, const char *where, struct err *e)
{
	char object[96], detail[600];

	snprintf(object, sizeof object, "scope:%s", scope_code && *scope_code ? scope_code : "all");
	if (rows >= 0)
		snprintf(detail, sizeof detail, "%s, %lld rows, %s", what, (long long)rows, where);
	else
		snprintf(detail, sizeof detail, "%s, %s", what, where);
	if (store_begin(s, STORE_WRITE) < 0)
		goto fail;
	if (audit_record(s, who, "export.unmasked", object, detail) < 0 || store_commit(s) < 0) {
		store_rollback(s);
		goto fail;
	}
	return 0;
fail:
	err_set(e, ERR_IO, "cannot record the export in the audit log: %s", store_errmsg(s));
	return -1;
}

/* ---- the import templates ---------------------------------------------------- */

enum { TEMPLATE_ROWS = 10000, LIST_MAX = 16, GUIDE_LISTS_FROM = 3 };

/* An enumerated column and where its drop-down list comes from. */
struct list_col {
	int col;                    /* in the first sheet */
	enum vocab_kind kind;
	const char *const *fixed;   /* instead of the kind's names */
};
static const char *const school_statuses[] = { "开办", "撤销", NULL };

static const struct list_col teacher_lists[] = {
	{ TC_ROLE, VOCAB_ROLE, NULL }, { TC_TITLE, VOCAB_TITLE, NULL },
	{ TC_EDUCATION, VOCAB_EDUCATION, NULL }, { TC_KEY_LEVEL, VOCAB_KEY_LEVEL, NULL },
	{ TC_STATUS, VOCAB_STATUS, NULL },
};
static const struct list_col school_lists[] = {
	{ SC_STAGE, VOCAB_STAGE, NULL }, { SC_OWNERSHIP, VOCAB_OWNERSHIP, NULL },
	{ SC_STATUS, VOCAB__MAX, school_statuses },
};

/* One line of the 说明 sheet per column: whether it is needed, and how to fill it. */
struct guide {
	const char *need, *how;
};

static const struct guide teacher_guide[TC__MAX] = {
	[TC_ID] = { "必填", "18 位居民身份证号，末位校验码可为 X；15 位旧号码会自动转换。"
			    "本列已设为文本格式，请勿改为数值，否则 Excel 会把号码变成科学计数法。" },
	[TC_NAME] = { "新增时必填", "与身份证一致的姓名。" },
	[TC_SCHOOL] = { "新增时必填", "所在学校的 10 位学校标识码；调动时改为新学校的标识码。" },
	[TC_ROLE] = { "选填", "从下拉列表中选择，可选值见右侧；不填为“教师”。" },
	[TC_SUBJECT] = { "选填", "任教学科，如 语文、数学、英语。" },
	[TC_TITLE] = { "选填", "从下拉列表中选择；不填为“未定级”。"
			       "旧称（中学高级、小学高级等）导入时按 2015 年改革自动换算。" },
	[TC_EDUCATION] = { "新增时必填", "最高学历，从下拉列表中选择。" },
	[TC_KEY_LEVEL] = { "选填", "从下拉列表中选择；不填为“无”。" },
	[TC_SERVICE_START] = { "选填", "日期，格式 YYYY-MM-DD，如 2019-09-01；"
				       "也可写 2019/9/1、2019.9.1 或 2019年9月1日。" },
	[TC_PHONE] = { "选填", "手机号或固定电话，只含数字、+、- 和括号。" },
	[TC_STATUS] = { "选填", "从下拉列表中选择；不填为“在职”。" },
	[TC_CENTRE] = { "选填", "教师发展中心本部人员（没有学校）填所属中心的代码，学校标识码留空。" },
};

static const struct guide school_guide[SC__MAX] = {
	[SC_CODE] = { "必填", "10 位学校标识码，一校一码，不可更改。本列已设为文本格式。" },
	[SC_NAME] = { "新增时必填", "学校全称。" },
	[SC_DISTRICT] = { "新增时必填", "所在区县的 6 位行政区划代码，如 440106；也可写区名，如 天河区。" },
	[SC_STAGE] = { "新增时必填", "从下拉列表中选择，可选值见右侧。" },
	[SC_OWNERSHIP] = { "新增时必填", "公办 或 民办。" },
	[SC_STATUS] = { "选填", "开办 或 撤销；不填为“开办”。" },
};

static const char *const general_notes[] = {
	"第 2 行是示例，导入前请删除或改写。",
	"表头请勿修改；多余的列导入时会被忽略并提示。",
	"支持 .xlsx、.xls 和 CSV（UTF-8 或 GB18030）文件。",
	NULL,
};

/* Column letters of the 说明 sheet's list columns: D, E, ... */
static char guide_letter(int i)
{
	return (char)('A' + GUIDE_LISTS_FROM + i);
}

static int template_write(enum export_kind k, const struct table_target *to, struct err *e)
{
	const bool teachers = k == EXPORT_TEACHERS;
	const struct list_col *lists = teachers ? teacher_lists : school_lists;
	const int nlists = teachers ? (int)(sizeof teacher_lists / sizeof teacher_lists[0])
				    : (int)(sizeof school_lists / sizeof school_lists[0]);
	const struct guide *guide = teachers ? teacher_guide : school_guide;
	struct columns cols;
	struct table_column gcols[GUIDE_LISTS_FROM + 8] = {
		{ "列名", 12, false, NULL }, { "填写要求", 11, false, NULL }, { "说明", 70, false, NULL },
	};
	const char *values[8][LIST_MAX + 1];
	int nvalues[8] = { 0 }, longest = 0, rows, nnotes = 0;
	struct table_options o = { 0 };
	struct table_writer *w;
	char id[ID_NUMBER_LEN + 1] = "44010019850615123";

	columns_of(k, true, &cols);
	o.format = TABLE_XLSX;
	o.sheet = teachers ? "教师" : "学校";
	o.columns = cols.c;
	o.ncolumns = cols.n;
	o.in_memory = true; /* header comments */
	if (table_write_open(to, &o, &w, e) < 0)
		return -1;

	/* the example row: a made-up person whose number is valid (division
	 * 440100, the city itself, is issued to no one) */
	if (teachers) {
		const char *ex[TC__MAX] = {
			[TC_NAME] = "张晓明", [TC_SCHOOL] = "3444102077", [TC_ROLE] = "教师",
			[TC_SUBJECT] = "语文", [TC_TITLE] = "一级", [TC_EDUCATION] = "本科",
			[TC_KEY_LEVEL] = "无", [TC_SERVICE_START] = "2008-09-01",
			[TC_PHONE] = "13800138000", [TC_STATUS] = "在职",
		};

		id[17] = idcard_check_char(id);
		id[18] = '\0';
		ex[TC_ID] = id;
		if (table_write_row(w, ex, e) < 0)
			goto fail;
	} else {
		const char *ex[SC__MAX] = {
			[SC_CODE] = "3444102077", [SC_NAME] = "广州市天河区示例小学",
			[SC_DISTRICT] = "440106", [SC_STAGE] = "小学", [SC_OWNERSHIP] = "公办",
			[SC_STATUS] = "开办",
		};

		if (table_write_row(w, ex, e) < 0)
			goto fail;
	}

	/* the allowed values, canonical Chinese names, for the lists and 说明 */
	for (int i = 0; i < nlists; i++) {
		const char *const *codes = lists[i].fixed ? lists[i].fixed : vocab_codes(lists[i].kind);

		for (int j = 0; codes[j] && j < LIST_MAX; j++)
			values[i][nvalues[i]++] = lists[i].fixed ? codes[j] : label(lists[i].kind, codes[j]);
		values[i][nvalues[i]] = NULL;
		if (nvalues[i] > longest)
			longest = nvalues[i];
		gcols[GUIDE_LISTS_FROM + i] = (struct table_column){
			cols.c[lists[i].col].header, 12, false, NULL
		};
	}
	for (int i = 0; i < nlists; i++) {
		char range[64];

		/* the same values on the 说明 sheet, for lists Excel finds too long inline */
		snprintf(range, sizeof range, "='说明'!$%c$2:$%c$%d", guide_letter(i), guide_letter(i),
			 nvalues[i] + 1);
		if (table_write_list(w, lists[i].col, 1, TEMPLATE_ROWS, values[i], range,
				     "请从下拉列表中选择", e) < 0)
			goto fail;
	}

	if (table_write_sheet(w, "说明", gcols, GUIDE_LISTS_FROM + nlists, e) < 0)
		goto fail;
	while (general_notes[nnotes])
		nnotes++;
	rows = cols.n + 1 + nnotes;
	if (longest > rows)
		rows = longest;
	for (int r = 0; r < rows; r++) {
		const char *cells[GUIDE_LISTS_FROM + 8] = { 0 };
		int note = r - cols.n - 1;

		if (r < cols.n) {
			cells[0] = cols.c[r].header;
			cells[1] = guide[r].need;
			cells[2] = guide[r].how;
		} else if (note >= 0 && note < nnotes) {
			cells[2] = general_notes[note];
		}
		for (int i = 0; i < nlists; i++)
			cells[GUIDE_LISTS_FROM + i] = r < nvalues[i] ? values[i][r] : NULL;
		if (table_write_row(w, cells, e) < 0)
			goto fail;
	}
	return table_write_close(w, e);
fail:
	table_write_abort(w);
	return -1;
}

int export_template_to(const char *kind, const struct table_target *to, struct err *e)
{
	enum export_kind k;

	if (export_kind_parse(kind, &k) < 0) {
		err_set(e, ERR_USAGE, "no template for '%s': use teachers or schools", kind ? kind : "");
		return -1;
	}
	return template_write(k, to, e);
}

int export_template(const char *kind, const char *path, struct err *e)
{
	struct table_target to = { .path = path };

	return export_template_to(kind, &to, e);
}
