/* report.c - the assessment and registration reports (see report.h). */
#include "core/report.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/assessment.h"
#include "store/store.h"
#include "core/hours.h"
#include "core/registry.h"
#include "lib/buf.h"
#include "lib/idcard.h"

/* ---- names ---- */

int report_kind_parse(const char *word, enum report_kind *out)
{
	if (word && !strcmp(word, "assessment"))
		*out = REPORT_ASSESSMENT;
	else if (word && !strcmp(word, "registration"))
		*out = REPORT_REGISTRATION;
	else
		return -1;
	return 0;
}

const char *report_kind_name(enum report_kind k)
{
	return k == REPORT_ASSESSMENT ? "assessment" : "registration";
}

int report_format_parse(const char *word, enum report_format *out)
{
	static const char *const names[] = { "csv", "xlsx", "json" };

	for (int i = 0; word && i < 3; i++) {
		if (!strcmp(word, names[i])) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

const char *report_format_name(enum report_format f)
{
	return f == REPORT_XLSX ? "xlsx" : f == REPORT_JSON ? "json" : "csv";
}

/* ---- the columns: the JSON keys (the English headers) and Chinese ---- */

struct column {
	const char *key, *zh;
	double width;
	bool text;
};

static const struct column assessment_cols[] = {
	{ "id_number", "身份证号", 22, true },
	{ "name", "姓名", 12, false },
	{ "school_code", "学校标识码", 14, true },
	{ "year", "年度", 8, false },
	{ "hours", "学时", 10, true },
	{ "required", "应修学时", 10, true },
	{ "passed", "是否合格", 10, false },
};

static const struct column registration_cols[] = {
	{ "id_number", "身份证号", 22, true },
	{ "name", "姓名", 12, false },
	{ "school_code", "学校标识码", 14, true },
	{ "cycle_start", "周期起始年度", 12, false },
	{ "hours", "周期学时", 10, true },
	{ "required", "应修学时", 10, true },
	{ "outcome", "注册结果", 12, false },
	{ "reasons", "原因", 30, false },
};

enum { NCOLS_MAX = 8 };

/* ---- where the rows go ---- */

struct writer {
	const struct report_spec *r;
	struct table_writer *table;      /* CSV, .xlsx */
	/* JSON: a stream (stdout, or a temporary file renamed at the end) or memory */
	FILE *f;
	struct buf *mem;
	char tmp[4200];
	const char *path;
	long rows;
	struct err *e;
	int failed;
};

static int json_out(struct writer *w, const char *text, size_t n)
{
	if (w->mem) {
		buf_add(w->mem, text, n);
		return 0;
	}
	if (fwrite(text, 1, n, w->f) != n) {
		err_set(w->e, ERR_IO, "cannot write the report: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int json_open(struct writer *w, const struct table_target *to)
{
	if (to->mem) {
		w->mem = to->mem;
	} else if (to->stream) {
		w->f = to->stream;
	} else {
		int fd;

		/* beside the file, renamed over it at the end: a failed report
		 * leaves no half-written file (as lib/table_write.c) */
		snprintf(w->tmp, sizeof w->tmp, "%s.XXXXXX", to->path);
		if ((fd = mkstemp(w->tmp)) < 0 || !(w->f = fdopen(fd, "w"))) {
			err_set(w->e, ERR_IO, "cannot write '%s': %s", to->path, strerror(errno));
			if (fd >= 0) {
				close(fd);
				unlink(w->tmp);
			}
			w->tmp[0] = '\0';
			return -1;
		}
		w->path = to->path;
	}
	return json_out(w, "[", 1);
}

static int json_close(struct writer *w, bool ok)
{
	if (ok && json_out(w, w->rows ? "\n]\n" : "]\n", w->rows ? 3 : 2) < 0)
		ok = false;
	if (w->tmp[0]) {
		if (fclose(w->f) != 0 && ok) {
			err_set(w->e, ERR_IO, "cannot write '%s': %s", w->path, strerror(errno));
			ok = false;
		}
		if (ok && rename(w->tmp, w->path) != 0) {
			err_set(w->e, ERR_IO, "cannot write '%s': %s", w->path, strerror(errno));
			ok = false;
		}
		if (!ok)
			unlink(w->tmp);
	} else if (w->f && fflush(w->f) != 0 && ok) {
		err_set(w->e, ERR_IO, "cannot write the report: %s", strerror(errno));
		ok = false;
	}
	return ok ? 0 : -1;
}

static int json_row(struct writer *w, json_t *obj)
{
	char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc;

	json_decref(obj);
	if (!text) {
		err_set(w->e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	rc = json_out(w, w->rows ? ",\n" : "\n", w->rows ? 2 : 1);
	if (rc == 0)
		rc = json_out(w, text, strlen(text));
	free(text);
	return rc;
}

static const char *id_of(const struct writer *w, const char *id_number, char masked[ID_NUMBER_LEN + 1])
{
	if (w->r->unmasked)
		return id_number;
	idcard_mask(id_number, masked);
	return masked;
}

static int on_assessment(void *ctx, const struct assessment_row *row)
{
	struct writer *w = ctx;
	char masked[ID_NUMBER_LEN + 1], hours[HOURS_TEXT_MAX], required[HOURS_TEXT_MAX], year[16];
	const char *id = id_of(w, row->id_number, masked);

	hours_format(row->hours10, hours);
	hours_format(row->required10, required);
	if (w->r->format == REPORT_JSON) {
		json_t *o = json_object();

		json_object_set_new(o, "id_number", json_string(id));
		json_object_set_new(o, "name", json_string(row->name));
		json_object_set_new(o, "school_code", json_string(row->school_code));
		json_object_set_new(o, "year", json_integer(row->year));
		json_object_set_new(o, "hours", json_string(hours));
		json_object_set_new(o, "required", json_string(required));
		json_object_set_new(o, "passed", json_boolean(row->passed));
		if (json_row(w, o) < 0)
			return w->failed = -1;
	} else {
		const char *cells[] = { id, row->name, row->school_code, year, hours, required,
					row->passed ? "true" : "false" };

		snprintf(year, sizeof year, "%d", row->year);
		if (table_write_row(w->table, cells, w->e) < 0)
			return w->failed = -1;
	}
	w->rows++;
	return 0;
}

static int on_registration(void *ctx, const struct registration_row *row)
{
	struct writer *w = ctx;
	char masked[ID_NUMBER_LEN + 1], hours[HOURS_TEXT_MAX], required[HOURS_TEXT_MAX], year[16];
	char reasons[REG_REASONS_TEXT_MAX];
	const char *id = id_of(w, row->id_number, masked);
	const char *outcome = registration_outcome_code(row->r.outcome);

	hours_format(row->r.hours10, hours);
	hours_format(row->r.required10, required);
	if (w->r->format == REPORT_JSON) {
		json_t *o = json_object(), *list = json_array();

		for (int i = 0; i < REG_REASONS; i++)
			if (row->r.reasons & (1u << i))
				json_array_append_new(list, json_string(registration_reason_code(i)));
		json_object_set_new(o, "id_number", json_string(id));
		json_object_set_new(o, "name", json_string(row->name));
		json_object_set_new(o, "school_code", json_string(row->school_code));
		json_object_set_new(o, "cycle_start", json_integer(row->r.cycle_start));
		json_object_set_new(o, "hours", json_string(hours));
		json_object_set_new(o, "required", json_string(required));
		json_object_set_new(o, "outcome", json_string(outcome));
		json_object_set_new(o, "reasons", list);
		if (json_row(w, o) < 0)
			return w->failed = -1;
	} else {
		const char *cells[] = { id, row->name, row->school_code, year, hours, required, outcome,
					registration_reasons_join(row->r.reasons, ";", reasons) };

		snprintf(year, sizeof year, "%d", row->r.cycle_start);
		if (table_write_row(w->table, cells, w->e) < 0)
			return w->failed = -1;
	}
	w->rows++;
	return 0;
}

int report_write(struct store *s, const struct report_spec *r, const struct table_target *to,
		 long *rows, struct err *e)
{
	struct writer w = { .r = r, .e = e };
	const struct column *cols = r->kind == REPORT_ASSESSMENT ? assessment_cols : registration_cols;
	int ncols = r->kind == REPORT_ASSESSMENT ? 7 : 8, rc;

	*rows = 0;
	/* nothing is written for a year or cycle that cannot be reported */
	if (r->kind == REPORT_ASSESSMENT) {
		if (assessment_year_check(r->year, r->today, e) < 0)
			return -1;
	} else {
		struct hours_rules rules;

		if (hours_rules_load(s, &rules) < 0) {
			err_set(e, ERR_INTERNAL, "cannot read the settings: %s", store_errmsg(s));
			return -1;
		}
		if (registration_cycle_check(&rules, r->year, r->today, e) < 0)
			return -1;
	}
	if (r->format == REPORT_JSON) {
		if (json_open(&w, to) < 0)
			return -1;
	} else {
		struct table_column tc[NCOLS_MAX];
		struct table_options o = {
			.format = r->format == REPORT_XLSX ? TABLE_XLSX : TABLE_CSV,
			.sheet = r->kind == REPORT_ASSESSMENT ? "年度培训考核" : "定期注册",
			.columns = tc, .ncolumns = ncols,
		};

		for (int i = 0; i < ncols; i++)
			tc[i] = (struct table_column){ .header = r->english ? cols[i].key : cols[i].zh,
						       .width = cols[i].width, .text = cols[i].text };
		if (table_write_open(to, &o, &w.table, e) < 0)
			return -1;
	}
	rc = r->kind == REPORT_ASSESSMENT
		? assessment_each(s, r->scope, r->year, on_assessment, &w, e)
		: registration_each(s, r->scope, r->year, r->today, on_registration, &w, e);
	if (rc < 0 || w.failed) {
		if (!e->code)
			err_set(e, ERR_IO, "the report failed");
		if (w.table)
			table_write_abort(w.table);
		else
			json_close(&w, false);
		return -1;
	}
	*rows = w.rows;
	if (w.table)
		return table_write_close(w.table, e);
	return json_close(&w, true);
}

/* ---- the registration page's counts ---- */

struct summary_ctx {
	struct arena *a;
	struct registration_summary *out;
	int cap_groups, cap_rows;
	int offset, limit;
	int last;              /* the group of the previous row: persons come school by school often */
	int failed;
};

static struct report_group *group_of(struct summary_ctx *c, const char *code)
{
	struct registration_summary *o = c->out;

	if (c->last >= 0 && !strcmp(o->groups[c->last].code, code))
		return &o->groups[c->last];
	for (int i = 0; i < o->ngroups; i++) {
		if (!strcmp(o->groups[i].code, code)) {
			c->last = i;
			return &o->groups[i];
		}
	}
	if (o->ngroups == c->cap_groups && arena_grow(c->a, &o->groups, &c->cap_groups,
						      sizeof *o->groups) < 0)
		return NULL;
	o->groups[o->ngroups] = (struct report_group){ .code = arena_strdup(c->a, code) };
	c->last = o->ngroups;
	return &o->groups[o->ngroups++];
}

static int on_summary(void *ctx, const struct registration_row *row)
{
	struct summary_ctx *c = ctx;
	struct registration_summary *o = c->out;
	struct report_group *g = group_of(c, o->by_school ? row->school_code : row->district_code);

	if (!g)
		return c->failed = -1;
	o->total++;
	o->outcome[row->r.outcome]++;
	g->outcome[row->r.outcome]++;
	for (int i = 0; i < REG_REASONS; i++) {
		if (row->r.reasons & (1u << i)) {
			o->reason[i]++;
			g->reason[i]++;
		}
	}
	if (row->r.outcome == REG_QUALIFIED)
		return 0;
	if (o->not_qualified >= c->offset && o->nrows < c->limit) {
		struct registration_row *copy;

		if (o->nrows == c->cap_rows && arena_grow(c->a, &o->rows, &c->cap_rows, sizeof *o->rows) < 0)
			return c->failed = -1;
		copy = &o->rows[o->nrows++];
		*copy = *row;
		copy->id_number = arena_strdup(c->a, row->id_number);
		copy->name = arena_strdup(c->a, row->name);
		copy->school_code = arena_strdup(c->a, row->school_code);
		copy->district_code = arena_strdup(c->a, row->district_code);
	}
	o->not_qualified++;
	return 0;
}

static int by_group_code(const void *x, const void *y)
{
	return strcmp(((const struct report_group *)x)->code, ((const struct report_group *)y)->code);
}

int report_registration_summary(struct store *s, struct arena *a, const struct registry_scope *sc,
				int cycle_start, const char *today, int offset, int limit,
				struct registration_summary *out, struct err *e)
{
	struct summary_ctx c = { .a = a, .out = out, .cap_groups = 16, .cap_rows = 16,
				 .offset = offset, .limit = limit, .last = -1 };

	memset(out, 0, sizeof *out);
	/* a district's schools fit a chart; a city's are thousands: by district */
	out->by_school = sc && (sc->school_code || sc->district_code || sc->person_id);
	out->groups = arena_alloc(a, sizeof *out->groups * (size_t)c.cap_groups);
	out->rows = arena_alloc(a, sizeof *out->rows * (size_t)c.cap_rows);
	if (!out->groups || !out->rows) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (registration_each(s, sc, cycle_start, today, on_summary, &c, e) < 0 || c.failed) {
		if (!e->code)
			err_set(e, ERR_INTERNAL, "out of memory");
		return -1;
	}
	qsort(out->groups, (size_t)out->ngroups, sizeof *out->groups, by_group_code);
	return 0;
}
