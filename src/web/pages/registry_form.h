/* registry_form.h - the pieces the registry screens share: filter bars
 * that keep their values, pagers and export links that carry the filters,
 * and form fields that show their own message beside them. */
#ifndef TDC_REGISTRY_FORM_H
#define TDC_REGISTRY_FORM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/registry.h"
#include "web/request.h"

/* A list page's query: key/value pairs, carried into its links. */
enum { REGISTRY_ARGS_MAX = 16 };
struct registry_args {
	int n;
	const char *key[REGISTRY_ARGS_MAX], *value[REGISTRY_ARGS_MAX];
};
void registry_args_add(struct registry_args *a, const char *key, const char *value);
/* Writes "k=v&amp;k=v" (empty values left out), URL- and attribute-escaped. */
void registry_args_write(struct request *req, const struct registry_args *a);

/* ---- list pages ---- */

/* <label>LABEL <input type=search name=q></label> with a hint as placeholder */
void registry_filter_search(struct request *req, const char *value, enum text_id placeholder);
/* A <select> of codes named in `kind` (registry_view_enum), "all" first. */
void registry_filter_select(struct request *req, const char *name, enum text_id label,
			    const char *const *codes, const char *kind, const char *selected);
/* Does the caller's scope span districts (so a district filter helps)? */
bool registry_spans_districts(struct request *req);
/* The districts a caller may pick from (the city's district centres' regions). */
void registry_filter_district(struct request *req, const char *selected);
/* 1-based page from ?page=, and the offset of size-row pages. */
int registry_page(struct request *req, int size, int *offset);
/* Previous, "page x of y", next; links to base?args&page=n. */
void registry_pager(struct request *req, const char *base, const struct registry_args *a,
		    int page, int size, int64_t total);
/* "共 N 条" */
void registry_total(struct request *req, int64_t total);
/* The two export links: base?format=xlsx&args, base?format=csv&args. */
void registry_export_links(struct request *req, const char *base, const struct registry_args *a);
/* 400 page for a filter value that is no code. */
void registry_bad_filter(struct request *req, const char *key);
/* <td data-label="..."> so that a phone can show rows as cards */
void registry_td(struct request *req, enum text_id label, const char *cls);

/* <dt>LABEL</dt><dd>VALUE or —</dd> */
void registry_fact(struct request *req, enum text_id label, const char *value);
/* The notice a record page shows after ?done=created|saved|unchanged. */
void registry_done_notice(struct request *req);

/* The history panel of a person (person set) or a school (NULL). */
void registry_history_table(struct request *req, const struct history_row *rows, int n,
			    const struct person_rec *person);

/* ---- forms ---- */

struct registry_field {
	const char *name;           /* the input's name and the API key */
	enum text_id label;
	const char *value;
	const char *hint;           /* a line under the field, or NULL */
	bool required;
};
void registry_input(struct request *req, const struct registry_field *f, const char *type,
		    const struct field_errors *fe);
/* Options are codes, named by `labels` (same order) or by `kind`. */
void registry_select(struct request *req, const struct registry_field *f,
		     const char *const *codes, const char *const *labels, const char *kind,
		     bool empty_first, const struct field_errors *fe);
void registry_checkbox(struct request *req, const char *name, enum text_id label, bool checked);
/* The notice above a form with errors; messages of fields the form does
 * not show (`shown`, NULL-terminated) are listed in it. */
void registry_form_errors(struct request *req, const struct field_errors *fe,
			  const char *const *shown);
/* A form's value: the posted one, else the record's. */
const char *registry_form_value(struct request *req, bool posted, const char *name,
				const char *current);

#endif
