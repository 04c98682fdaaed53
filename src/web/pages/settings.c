/* settings.c - the system admin's settings page (issue 6 §1): every known
 * key with its value, its default and its label; saving checks every field
 * first and writes nothing when one is wrong, then changes each key that
 * differs, each change audited (core/settings.c settings_change()). */
#include "web/pages/pages.h"

#include <stdlib.h>
#include <string.h>

#include "core/settings.h"
#include "store/store.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/registry_view.h"

struct settings_form {
	const char *value[64];      /* as written, by settings_known[] index */
	const char *error[64];
	int nerrors;
};

static const char *label(struct request *req, const struct setting_def *d)
{
	const char *fmt = req->lang == LANG_EN ? d->label_en : d->label_zh;
	const char *suffix = "";

	if (!d->suffix_kind)
		return fmt;
	if (!strcmp(d->suffix_kind, "person_role"))
		suffix = registry_view_enum(req->lang, "person_role", d->suffix);
	else
		suffix = text_enum(req->lang, d->suffix_kind, d->suffix);
	return arena_printf(req->arena, fmt, suffix);
}

/* settings_check() writes "English；中文": the page shows its language's half. */
static const char *message_in(struct request *req, const char *message)
{
	const char *sep = strstr(message, "；");

	if (!sep)
		return message;
	return req->lang == LANG_EN ? arena_strndup(req->arena, message, (size_t)(sep - message))
				    : arena_strdup(req->arena, sep + strlen("；"));
}

static const char *shown_default(struct request *req, const struct setting_def *d)
{
	if (!*d->dflt)
		return T(req, TX_SET_OFF);
	if (d->kind == SETTING_BOOL)
		return T(req, !strcmp(d->dflt, "1") ? TX_REG_YES : TX_REG_NO);
	return d->dflt;
}

static void field(struct request *req, int i, const struct settings_form *f)
{
	const struct setting_def *d = &settings_known[i];
	char stored[64] = "";
	const char *value, *bad = f ? f->error[i] : NULL;
	int rc = settings_get(req->store, d->key, stored, sizeof stored);

	value = f && f->value[i] ? f->value[i] : rc == 1 ? stored : "";
	html(req, "<tr><th scope=\"row\"><label for=\"s-");
	html_attr(req, d->key);
	html(req, "\">");
	html_text(req, label(req, d));
	html(req, "</label><br><code>");
	html_text(req, d->key);
	html(req, "</code></th><td>");
	if (d->kind == SETTING_BOOL) {
		html(req, "<select id=\"s-");
		html_attr(req, d->key);
		html(req, "\" name=\"");
		html_attr(req, d->key);
		html(req, "\">");
		html_option(req, "", arena_printf(req->arena, "%s（%s）", T(req, TX_SET_DEFAULT),
						  shown_default(req, d)), !*value);
		html_option(req, "1", T(req, TX_REG_YES), !strcmp(value, "1"));
		html_option(req, "0", T(req, TX_REG_NO), !strcmp(value, "0"));
		html(req, "</select>");
	} else {
		html(req, "<input id=\"s-");
		html_attr(req, d->key);
		html(req, "\" name=\"");
		html_attr(req, d->key);
		html(req, "\" type=\"text\" size=\"8\"");
		html(req, d->kind == SETTING_HOURS ? " inputmode=\"decimal\"" : " inputmode=\"numeric\"");
		html(req, " placeholder=\"");
		html_attr(req, shown_default(req, d));
		html(req, "\" value=\"");
		html_attr(req, value);
		html(req, "\"");
		if (bad) {
			html(req, " aria-invalid=\"true\" aria-describedby=\"se-");
			html_attr(req, d->key);
			html(req, "\"");
		}
		html(req, ">");
	}
	if (bad) {
		html(req, "<p class=\"field-error\" id=\"se-");
		html_attr(req, d->key);
		html(req, "\">");
		html_text(req, bad);
		html(req, "</p>");
	}
	html(req, "</td><td>");
	html_text(req, shown_default(req, d));
	html(req, "</td></tr>\n");
}

static void section(struct request *req, enum text_id title, const char *prefix, const char *not_prefix,
		    const struct settings_form *f)
{
	static const enum text_id cols[] = { TX_SET_KEY, TX_SET_VALUE, TX_SET_DEFAULT };

	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, title));
	html(req, "</h2><div class=\"table-wrap\"><table class=\"data\">");
	layout_table_head(req, cols, 3, NULL);
	html(req, "<tbody>");
	for (int i = 0; i < settings_known_count; i++) {
		const char *key = settings_known[i].key;

		if (strncmp(key, prefix, strlen(prefix)) ||
		    (not_prefix && !strncmp(key, not_prefix, strlen(not_prefix))))
			continue;
		field(req, i, f);
	}
	html(req, "</tbody></table></div></section>\n");
}

static void render(struct request *req, const struct settings_form *f, const char *notice)
{
	layout_start(req, T(req, TX_SET_TITLE));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_SET_TITLE));
	html(req, "</h1></div>\n<p class=\"lead\">");
	html_text(req, T(req, TX_SET_INTRO));
	html(req, "</p>\n");
	if (f && f->nerrors)
		layout_notice(req, "error", T(req, TX_SET_NOT_SAVED));
	else if (notice)
		layout_notice(req, "ok", notice);
	html(req, "<form class=\"form\" method=\"post\" action=\"/admin/settings\">");
	html_csrf(req);
	/* hours.yearly_min itself, then the roles, the categories, the cycle */
	section(req, TX_SET_GROUP_YEAR, "hours.yearly_min", "hours.yearly_min.", f);
	section(req, TX_SET_GROUP_ROLES, "hours.yearly_min.", NULL, f);
	section(req, TX_SET_GROUP_CATEGORIES, "hours.category_min.", NULL, f);
	section(req, TX_SET_GROUP_CYCLE, "hours.cycle", NULL, f);
	section(req, TX_SET_GROUP_CYCLE_START, "hours.first_cycle", NULL, f);
	section(req, TX_SET_GROUP_REGISTRATION, "registration.", NULL, f);
	html(req, "<div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, TX_SET_SAVE));
	html(req, "</button></div></form>\n");
	layout_end(req);
}

void page_settings(struct request *req)
{
	const char *saved = req_query(req, "saved");

	render(req, NULL, saved ? arena_printf(req->arena, T(req, TX_SET_SAVED), atoi(saved)) : NULL);
}

void page_settings_save(struct request *req)
{
	struct settings_form f;
	struct actor who = req_actor(req);
	struct err e = { 0 };
	int changed = 0;

	memset(&f, 0, sizeof f);
	/* check everything first: nothing is written when one field is wrong */
	for (int i = 0; i < settings_known_count && i < 64; i++) {
		char out[SETTING_VALUE_MAX];

		f.value[i] = req_form(req, settings_known[i].key);
		if (!f.value[i])
			continue;      /* not sent: left as it is */
		if (settings_check(&settings_known[i], f.value[i], out, &e) < 0) {
			f.error[i] = message_in(req, e.message);
			f.nerrors++;
		}
	}
	if (f.nerrors) {
		req->status = 422;
		render(req, &f, NULL);
		return;
	}
	if (store_begin(req->store, STORE_WRITE) < 0)
		goto fail;
	for (int i = 0; i < settings_known_count && i < 64; i++) {
		bool one = false;

		if (!f.value[i])
			continue;
		if (settings_change(req->store, settings_known[i].key, f.value[i], &who, &one, &e) < 0)
			goto fail;
		changed += one;
	}
	if (store_commit(req->store) < 0)
		goto fail;
	req_redirect(req, arena_printf(req->arena, "/admin/settings?saved=%d", changed));
	return;
fail:
	if (store_in_transaction(req->store))
		store_rollback(req->store);
	req_error(req, 500);
}
