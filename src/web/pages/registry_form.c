/* registry_form.c - filter bars, pagers and form fields of the registry
 * screens (see registry_form.h). */
#include "web/pages/registry_form.h"

#include <stdlib.h>
#include <string.h>

#include "core/places.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/registry_view.h"

void registry_args_add(struct registry_args *a, const char *key, const char *value)
{
	if (a->n < REGISTRY_ARGS_MAX && value && *value) {
		a->key[a->n] = key;
		a->value[a->n] = value;
		a->n++;
	}
}

void registry_args_write(struct request *req, const struct registry_args *a)
{
	for (int i = 0; i < a->n; i++) {
		if (i)
			html(req, "&amp;");
		html_attr(req, a->key[i]);
		html(req, "=");
		html_url_arg(req, a->value[i]);
	}
}

void registry_filter_search(struct request *req, const char *value, enum text_id placeholder)
{
	html(req, "<label class=\"grow\">");
	html_text(req, T(req, TX_SEARCH));
	html(req, " <input type=\"search\" name=\"q\" value=\"");
	html_attr(req, value);
	html(req, "\" placeholder=\"");
	html_attr(req, T(req, placeholder));
	html(req, "\"></label>");
}

static void select_start(struct request *req, const char *name, enum text_id label)
{
	html(req, "<label>");
	html_text(req, T(req, label));
	html(req, " <select name=\"");
	html_attr(req, name);
	html(req, "\">");
}

void registry_filter_select(struct request *req, const char *name, enum text_id label,
			    const char *const *codes, const char *kind, const char *selected)
{
	select_start(req, name, label);
	html_option(req, "", T(req, TX_ALL), !selected || !*selected);
	for (int i = 0; codes && codes[i]; i++)
		html_option(req, codes[i], registry_view_enum(req->lang, kind, codes[i]),
			    selected && !strcmp(selected, codes[i]));
	html(req, "</select></label>");
}

bool registry_spans_districts(struct request *req)
{
	struct registry_scope sc;

	registry_scope_of(&req->who, &sc);
	return !sc.nothing && !sc.person_id && !sc.school_code && !sc.district_code;
}

void registry_filter_district(struct request *req, const char *selected)
{
	struct centre_rec *c;
	int n;

	struct centre_filter districts = { .kind = "district", .limit = 1000 };
	int64_t total;

	if (places_centres(req->store, req->arena, &districts, &c, &n, &total) < 0)
		return;
	select_start(req, "district", TX_REG_DISTRICT);
	html_option(req, "", T(req, TX_ALL), !selected || !*selected);
	/* each district has its centre, so the centres name the districts */
	for (int i = 0; i < n; i++)
		if (c[i].kind && !strcmp(c[i].kind, "district"))
			html_option(req, c[i].region_code, c[i].region_name,
				    selected && !strcmp(selected, c[i].region_code));
	html(req, "</select></label>");
}

int registry_page(struct request *req, int size, int *offset)
{
	const char *p = req_query(req, "page");
	int page = p ? atoi(p) : 1;

	/* a million rows at 50 a page is 20 000 pages: far under the cap */
	if (page < 1 || page > 1000000)
		page = 1;
	*offset = (page - 1) * size;
	return page;
}

static void page_link(struct request *req, const char *base, const struct registry_args *a,
		      int page, enum text_id label)
{
	html(req, "<a class=\"button\" href=\"");
	html_attr(req, base);
	html(req, "?");
	registry_args_write(req, a);
	html(req, a->n ? "&amp;page=" : "page=");
	html_textf(req, "%d", page);
	html(req, "\">");
	html_text(req, T(req, label));
	html(req, "</a>");
}

void registry_pager(struct request *req, const char *base, const struct registry_args *a,
		    int page, int size, int64_t total)
{
	int pages = (int)((total + size - 1) / size);

	if (pages <= 1)
		return;
	html(req, "<nav class=\"pager\">");
	if (page > 1)
		page_link(req, base, a, page - 1, TX_PREVIOUS);
	html(req, "<span>");
	html_textf(req, T(req, TX_PAGE_OF), page, pages);
	html(req, "</span>");
	if (page < pages)
		page_link(req, base, a, page + 1, TX_NEXT);
	html(req, "</nav>\n");
}

void registry_total(struct request *req, int64_t total)
{
	html(req, "<p class=\"scope\">");
	html_textf(req, T(req, TX_TOTAL), arena_printf(req->arena, "%lld", (long long)total));
	html(req, "</p>");
}

void registry_export_links(struct request *req, const char *base, const struct registry_args *a)
{
	static const struct { const char *format; enum text_id label; } kinds[] = {
		{ "xlsx", TX_REG_EXPORT_XLSX },
		{ "csv", TX_REG_EXPORT_CSV },
	};

	html(req, "<p class=\"exports\">");
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		html(req, "<a class=\"button\" href=\"");
		html_attr(req, base);
		html(req, "?format=");
		html(req, kinds[i].format);
		if (a->n)
			html(req, "&amp;");
		registry_args_write(req, a);
		html(req, "\">");
		html_text(req, T(req, kinds[i].label));
		html(req, "</a>");
	}
	html(req, "</p>\n");
}

void registry_bad_filter(struct request *req, const char *key)
{
	buf_reset(&req->out);
	layout_error_page(req, 400, arena_printf(req->arena, T(req, TX_REG_BAD_FILTER), key));
}

void registry_td(struct request *req, enum text_id label, const char *cls)
{
	html(req, "<td");
	if (cls) {
		html(req, " class=\"");
		html_attr(req, cls);
		html(req, "\"");
	}
	html(req, " data-label=\"");
	html_attr(req, T(req, label));
	html(req, "\">");
}

void registry_fact(struct request *req, enum text_id label, const char *value)
{
	html(req, "<dt>");
	html_text(req, T(req, label));
	html(req, "</dt><dd>");
	html_text(req, value && *value ? value : "—");
	html(req, "</dd>");
}

void registry_done_notice(struct request *req)
{
	const char *done = req_query(req, "done");

	if (!done)
		return;
	if (!strcmp(done, "created"))
		layout_notice(req, "ok", T(req, TX_REG_CREATED_DONE));
	else if (!strcmp(done, "saved"))
		layout_notice(req, "ok", T(req, TX_SAVED));
	else if (!strcmp(done, "unchanged"))
		layout_notice(req, "info", T(req, TX_REG_UNCHANGED));
}

static const char *source_label(struct request *req, const char *source)
{
	if (!source)
		return "";
	if (!strcmp(source, "form"))
		return T(req, TX_REG_SOURCE_FORM);
	if (!strcmp(source, "api"))
		return T(req, TX_REG_SOURCE_API);
	if (!strncmp(source, "import:", 7))
		return arena_printf(req->arena, "%s %s", T(req, TX_REG_SOURCE_IMPORT), source + 7);
	return source;
}

void registry_history_table(struct request *req, const struct history_row *rows, int n,
			    const struct person_rec *person)
{
	static const enum text_id cols[] = { TX_TIME, TX_REG_FIELD, TX_REG_OLD_VALUE,
					     TX_REG_NEW_VALUE, TX_ACTOR, TX_REG_SOURCE };

	html(req, "<section class=\"panel\" id=\"history\"><h2>");
	html_text(req, T(req, TX_REG_HISTORY));
	html(req, "</h2>");
	if (n == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_REG_HISTORY_EMPTY));
		html(req, "</p></section>\n");
		return;
	}
	html(req, "<div class=\"table-wrap\"><table class=\"data registry\">");
	layout_table_head(req, cols, sizeof cols / sizeof cols[0], NULL);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		const struct history_row *h = &rows[i];

		html(req, "<tr>");
		registry_td(req, TX_TIME, "nowrap");
		html_text(req, h->at);
		html(req, "</td>");
		registry_td(req, TX_REG_FIELD, NULL);
		html_text(req, registry_view_field_label(req->lang, h->field));
		html(req, "</td>");
		registry_td(req, TX_REG_OLD_VALUE, NULL);
		html_text(req, registry_view_history_value(req, person, h->field, h->old_value));
		html(req, "</td>");
		registry_td(req, TX_REG_NEW_VALUE, NULL);
		html_text(req, registry_view_history_value(req, person, h->field, h->new_value));
		html(req, "</td>");
		registry_td(req, TX_ACTOR, NULL);
		html_text(req, h->actor);
		html(req, "</td>");
		registry_td(req, TX_REG_SOURCE, NULL);
		html_text(req, source_label(req, h->source));
		html(req, "</td></tr>\n");
	}
	html(req, "</tbody></table></div></section>\n");
}

/* ---- forms ---- */

/* A field's message in the page's language: core writes Chinese beside
 * the English for the pages (registry.h, field_error2()). */
static const char *message_of(const struct request *req, const struct field_errors *fe, int i)
{
	return req->lang == LANG_ZH && fe->e[i].message_zh[0] ? fe->e[i].message_zh
							       : fe->e[i].message;
}

static const char *error_of(const struct request *req, const struct field_errors *fe,
			    const char *name)
{
	for (int i = 0; fe && i < fe->n; i++)
		if (!strcmp(fe->e[i].field, name))
			return message_of(req, fe, i);
	return NULL;
}

static void field_start(struct request *req, const struct registry_field *f, const char *bad)
{
	html(req, bad ? "<div class=\"field bad\"><label for=\"f-" : "<div class=\"field\"><label for=\"f-");
	html_attr(req, f->name);
	html(req, "\">");
	html_text(req, T(req, f->label));
	if (f->required)
		html(req, " <span class=\"req\" aria-hidden=\"true\">*</span>");
	html(req, "</label>");
}

static void field_attrs(struct request *req, const struct registry_field *f, const char *bad)
{
	html(req, " id=\"f-");
	html_attr(req, f->name);
	html(req, "\" name=\"");
	html_attr(req, f->name);
	html(req, "\"");
	if (f->required)
		html(req, " required");
	if (bad) {
		html(req, " aria-invalid=\"true\" aria-describedby=\"e-");
		html_attr(req, f->name);
		html(req, "\"");
	}
}

static void field_end(struct request *req, const struct registry_field *f, const char *bad)
{
	if (bad) {
		html(req, "<p class=\"field-error\" id=\"e-");
		html_attr(req, f->name);
		html(req, "\">");
		html_text(req, bad);
		html(req, "</p>");
	}
	if (f->hint) {
		html(req, "<p class=\"hint\">");
		html_text(req, f->hint);
		html(req, "</p>");
	}
	html(req, "</div>\n");
}

void registry_input(struct request *req, const struct registry_field *f, const char *type,
		    const struct field_errors *fe)
{
	const char *bad = error_of(req, fe, f->name);

	field_start(req, f, bad);
	html(req, "<input type=\"");
	html_attr(req, type);
	html(req, "\"");
	field_attrs(req, f, bad);
	html(req, " value=\"");
	html_attr(req, f->value);
	html(req, "\" autocomplete=\"off\">");
	field_end(req, f, bad);
}

void registry_select(struct request *req, const struct registry_field *f,
		     const char *const *codes, const char *const *labels, const char *kind,
		     bool empty_first, const struct field_errors *fe)
{
	const char *bad = error_of(req, fe, f->name);
	bool known = false;

	field_start(req, f, bad);
	html(req, "<select");
	field_attrs(req, f, bad);
	html(req, ">");
	if (empty_first)
		html_option(req, "", "—", !f->value || !*f->value);
	for (int i = 0; codes && codes[i]; i++) {
		bool sel = f->value && !strcmp(f->value, codes[i]);

		known = known || sel;
		html_option(req, codes[i], labels ? labels[i] : registry_view_enum(req->lang, kind, codes[i]),
			    sel);
	}
	/* keep what was sent, even when it is no code: the message says why */
	if (!known && f->value && *f->value)
		html_option(req, f->value, f->value, true);
	html(req, "</select>");
	field_end(req, f, bad);
}

void registry_checkbox(struct request *req, const char *name, enum text_id label, bool checked)
{
	html(req, "<div class=\"field check\"><label><input type=\"checkbox\" name=\"");
	html_attr(req, name);
	html(req, checked ? "\" value=\"1\" checked> " : "\" value=\"1\"> ");
	html_text(req, T(req, label));
	html(req, "</label></div>\n");
}

void registry_form_errors(struct request *req, const struct field_errors *fe,
			  const char *const *shown)
{
	if (!fe || !fe->n)
		return;
	html(req, "<div class=\"notice error\" role=\"alert\"><p>");
	html_text(req, T(req, TX_REG_FIX_FIELDS));
	html(req, "</p>");
	for (int i = 0; i < fe->n; i++) {
		bool on_form = false;

		for (int k = 0; shown && shown[k]; k++)
			on_form = on_form || !strcmp(shown[k], fe->e[i].field);
		if (on_form)
			continue;
		html(req, "<p>");
		html_text(req, message_of(req, fe, i));
		html(req, "</p>");
	}
	html(req, "</div>\n");
}

const char *registry_form_value(struct request *req, bool posted, const char *name,
				const char *current)
{
	return posted ? req_form(req, name) : current;
}
