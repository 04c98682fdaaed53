/* export.h - schools and teachers out to a spreadsheet, in the shape the
 * import reads, and the import's blank templates.
 *
 * An export is a file someone can correct and import again: its columns,
 * in order and with the same Chinese headers, are the import's
 *   schools:  学校标识码 学校名称 行政区划代码 学段 办学性质 状态
 *   teachers: 身份证号 姓名 学校标识码 岗位 学科 职称 学历 骨干级别 入职日期 手机 状态
 *             所属中心 (a centre's own staff)
 * (import_columns()); enumerated values are written as their canonical
 * Chinese names (vocab_label(); a school's status as 正常 or 撤销), which
 * the import maps back to codes.  Read-only facts a list page shows (the
 * district's name, a school's number of staff, a person's school name)
 * are left out on purpose: an extra column would only earn an "unknown
 * column" warning on the way back in.  A centre's own staff have no
 * school: their 学校标识码 is empty.
 *
 * ID numbers are masked (idcard_mask(): "4401**********123X") unless the
 * caller asks for them unmasked, which only the command line does and
 * always records first with export_audit_unmasked().  A masked export
 * cannot be imported again as it is: the import needs the whole number.
 *
 * API:
 * export_write() writes every match of a scope and filter to a table target.
 * export_count() counts them, as the list page would.
 * export_scope_parse() turns a command line's --scope CODE into a scope.
 * export_audit_unmasked() records an unmasked export, committed.
 * export_template() / export_template_to() write the import template: the
 *   headers, one example row, drop-down lists of the allowed values, and a
 *   second sheet 说明 that explains each column. */
#ifndef TDC_EXPORT_H
#define TDC_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/principal.h"
#include "core/registry.h"
#include "lib/arena.h"
#include "lib/err.h"
#include "lib/table_write.h"

struct store;

enum export_kind { EXPORT_SCHOOLS, EXPORT_TEACHERS };

struct export_spec {
	enum export_kind kind;
	enum table_format format;
	const struct registry_scope *scope;   /* NULL: everything (the command line) */
	const struct school_filter *schools;  /* EXPORT_SCHOOLS; NULL: no filter */
	const struct person_filter *persons;  /* EXPORT_TEACHERS; NULL: no filter */
	bool unmasked;                        /* whole ID numbers: audit it first */
	/* The phone to write for a person, when the caller may not see every
	 * phone (the web decides, registry_view.h); NULL: as stored.  buf has
	 * room for 32 bytes. */
	const char *(*phone)(const struct person_rec *r, char *buf, size_t len, void *ctx);
	void *phone_ctx;
};

/* "schools" or "teachers" (also "persons") to a kind; -1 when neither. */
int export_kind_parse(const char *name, enum export_kind *out);
const char *export_kind_name(enum export_kind k);  /* "schools", "teachers" */
/* "xlsx" or "csv"; -1 when neither. */
int export_format_parse(const char *name, enum table_format *out);
/* The columns of a kind, in the import's order. */
const struct table_column *export_columns(enum export_kind k, int *n);

/* Writes the header and every match; *rows gets the data rows written.
 * 0, or -1 with e (ERR_IO for the database or the file). */
int export_write(struct store *s, const struct export_spec *x, const struct table_target *to,
		 long *rows, struct err *e);
int export_count(struct store *s, const struct export_spec *x, int64_t *n, struct err *e);

/* --scope CODE: a 10-digit school identifier, a 6-digit division code (a
 * district, or a city or province: every district under it), or a centre
 * code (gz-yey: a municipal centre's domain; a district centre: its
 * district).  NULL or "" is everything.  Strings are copied into a.
 * 0, or -1 with e (ERR_NOT_FOUND for an unknown code, ERR_IO). */
int export_scope_parse(struct store *s, struct arena *a, const char *code,
		       struct registry_scope *sc, struct err *e);

/* Appends the audit row "export.unmasked", object "scope:<scope_code or
 * all>", detail "<kind>, N rows, <where>", in its own committed
 * transaction.  0, or -1 with e. */
int export_audit_unmasked(struct store *s, const struct actor *who, const char *scope_code,
			  enum export_kind k, int64_t rows, const char *where, struct err *e);
/* The same for any other file of whole ID numbers (`tdc report
 * --unmasked`): what names it ("registration report, cycle 2021"); rows
 * below 0 when not known before it is written. */
int export_audit_unmasked_what(struct store *s, const struct actor *who, const char *scope_code,
			       const char *what, int64_t rows, const char *where, struct err *e);

/* kind: "teachers" or "schools".  Always .xlsx.  0, or -1 with e
 * (ERR_USAGE for an unknown kind). */
int export_template(const char *kind, const char *path, struct err *e);
int export_template_to(const char *kind, const struct table_target *to, struct err *e);

#endif
