/* assessment.c - the yearly training assessment pages (年度培训考核, issue 6
 * §2): pass rates of the caller's scope (a school, a district, a municipal
 * centre's domain, the city), charts of the pass rate by district and by
 * school, the list of those short with what each lacks, its export, the
 * button that records the year, and the look-ahead of the home pages.
 *
 * Everything is computed now by core/assessment.c's assessment_each(), so a
 * page is right before anyone ran `tdc assess`; it says when the year was
 * last recorded.  The charts are inline SVG with presentation attributes
 * (the Content-Security-Policy refuses inline styles), each figure also in
 * text.  ID numbers are masked (idcard_mask); names link to the person's
 * hours, whose page checks the scope again. */
#include "web/pages/pages.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assessment.h"
#include "core/authz.h"
#include "core/hours.h"
#include "core/programme.h"
#include "core/registry.h"
#include "lib/clock.h"
#include "lib/idcard.h"
#include "lib/table_write.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/registry_view.h"

enum { SHORT_PAGE = 50, AHEAD_HOME = 10, SCHOOLS_ALL = 20, SCHOOLS_EACH_END = 10 };

static const char XLSX_TYPE[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
static const char CSV_TYPE[] = "text/csv; charset=utf-8";

static const char *fmt(struct request *req, int64_t hours10)
{
	char h[HOURS_TEXT_MAX];

	return arena_strdup(req->arena, hours_format(hours10, h));
}

static const char *rate(struct request *req, int64_t passed, int64_t assessed)
{
	return arena_printf(req->arena, "%.1f%%", assessed ? 100.0 * (double)passed / (double)assessed : 0.0);
}

/* Our own markup (SVG) with numbers in it: no user text goes through here. */
static void markupf(struct request *req, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void markupf(struct request *req, const char *f, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, f);
	s = arena_vprintf(req->arena, f, ap);
	va_end(ap);
	if (s)
		html(req, s);
}

/* The year asked for (?year=), or today's; -1 when it is not a year. */
static int year_of(struct request *req, int *this_year)
{
	char today[11];
	const char *y = req_query(req, "year");
	char *end;
	long v;

	clock_today(today);
	*this_year = atoi(today);
	if (!y || !*y)
		return *this_year;
	v = strtol(y, &end, 10);
	/* a year that has not begun has nothing to assess */
	return *end || v < 1950 || v > *this_year ? -1 : (int)v;
}

/* "general:12.0, elective:3.5" -> "公需科目 12.0、选修 3.5" */
static const char *categories_text(struct arena *a, enum lang lang, const char *codes)
{
	struct buf b = { 0 };
	const char *p = codes, *out;

	while (p && *p) {
		const char *colon = strchr(p, ':'), *next = strstr(p, ", ");
		size_t n = next ? (size_t)(next - p) : strlen(p);

		if (!colon || colon > p + n)
			break;
		if (b.len)
			buf_puts(&b, lang == LANG_EN ? ", " : "、");
		buf_puts(&b, text_enum(lang, "category", arena_strndup(a, p, (size_t)(colon - p))));
		buf_puts(&b, " ");
		buf_puts(&b, arena_strndup(a, colon + 1, n - (size_t)(colon + 1 - p)));
		p = next ? next + 2 : NULL;
	}
	out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* ---- the chart ---- */

static int by_rate(const void *a, const void *b)
{
	const struct assessment_group *x = *(const struct assessment_group *const *)a;
	const struct assessment_group *y = *(const struct assessment_group *const *)b;
	/* passed/assessed compared without division */
	int64_t l = x->passed * y->assessed, r = y->passed * x->assessed;

	if (l != r)
		return l > r ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* One horizontal bar per group: its name, the bar, the rate and counts. */
static void rate_bars(struct request *req, const char *title, struct assessment_group *const *g, int n)
{
	const int w = 640, row = 26, name_w = 210, bar_w = 300;
	int h = row * n + 8;

	html(req, "<h3>");
	html_text(req, title);
	html(req, "</h3>");
	markupf(req, "<svg class=\"bars\" viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" aria-label=\"", w, h);
	html_attr(req, title);
	html(req, "\">");
	for (int i = 0; i < n; i++) {
		double share = g[i]->assessed ? (double)g[i]->passed / (double)g[i]->assessed : 0;
		int y = 4 + i * row, bw = (int)(share * bar_w + 0.5);

		markupf(req, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\" fill=\"#1b2430\">",
			name_w - 8, y + 17);
		html_text(req, g[i]->name);
		markupf(req, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" rx=\"3\" fill=\"#e3e8ee\"/>",
			name_w, y + 3, bar_w);
		markupf(req, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" rx=\"3\" fill=\"%s\"/>",
			name_w, y + 3, bw, share >= 0.9 ? "#2e7d4f" : share >= 0.6 ? "#1f6feb" : "#b42318");
		markupf(req, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1b2430\">", name_w + bar_w + 8, y + 17);
		html_textf(req, "%s (%lld/%lld)", rate(req, g[i]->passed, g[i]->assessed),
			   (long long)g[i]->passed, (long long)g[i]->assessed);
		html(req, "</text>");
	}
	html(req, "</svg>\n");
}

static void charts(struct request *req, const struct assessment_overview *o)
{
	struct assessment_group **d = NULL, **s = NULL;

	if (o->ndistricts > 1) {
		if (!(d = arena_alloc(req->arena, sizeof *d * (size_t)o->ndistricts)))
			return;
		for (int i = 0; i < o->ndistricts; i++)
			d[i] = &o->districts[i];
		qsort(d, (size_t)o->ndistricts, sizeof *d, by_rate);
	}
	if (o->nschools > 1) {
		if (!(s = arena_alloc(req->arena, sizeof *s * (size_t)o->nschools)))
			return;
		for (int i = 0; i < o->nschools; i++)
			s[i] = &o->schools[i];
		qsort(s, (size_t)o->nschools, sizeof *s, by_rate);
	}
	if (!d && !s)
		return;
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_ASM_CHARTS));
	html(req, "</h2>");
	if (d)
		rate_bars(req, T(req, TX_ASM_BY_DISTRICT), d, o->ndistricts);
	if (s && o->nschools <= SCHOOLS_ALL) {
		rate_bars(req, T(req, TX_ASM_BY_SCHOOL), s, o->nschools);
	} else if (s) {
		/* many schools: the ten best and the ten last */
		rate_bars(req, T(req, TX_ASM_TOP), s, SCHOOLS_EACH_END);
		rate_bars(req, T(req, TX_ASM_BOTTOM), s + o->nschools - SCHOOLS_EACH_END, SCHOOLS_EACH_END);
	}
	html(req, "</section>\n");
}

/* ---- the page ---- */

static void stat(struct request *req, const char *value, enum text_id label)
{
	html(req, "<div class=\"stat\"><span class=\"value\">");
	html_text(req, value);
	html(req, "</span><span class=\"label\">");
	html_text(req, T(req, label));
	html(req, "</span></div>");
}

static void year_form(struct request *req, int year, int this_year)
{
	html(req, "<form class=\"filters\" method=\"get\" action=\"/assessment\"><label>");
	html_text(req, T(req, TX_ASM_YEAR));
	html(req, " <select name=\"year\">");
	for (int y = this_year; y >= this_year - 6; y--) {
		char v[16];

		snprintf(v, sizeof v, "%d", y);
		html_option(req, v, v, y == year);
	}
	if (year > this_year || year < this_year - 6) {
		char v[16];

		snprintf(v, sizeof v, "%d", year);
		html_option(req, v, v, true);
	}
	html(req, "</select></label><button type=\"submit\">");
	html_text(req, T(req, TX_ASM_SHOW));
	html(req, "</button></form>\n");
}

static void recorded(struct request *req, int year)
{
	char at[ISO_TIME_LEN];
	struct assessment_summary sum;
	int rc = assessment_last_run(req->store, year, at, &sum);

	html(req, "<section class=\"panel\"><p>");
	if (rc == 1) {
		char when[32];

		/* the recorded results are the installation's: its counts, said so */
		html_textf(req, T(req, TX_ASM_RECORDED), layout_time_text(at, when, sizeof when),
			   (long long)sum.assessed, (long long)sum.passed);
	}
	else
		html_text(req, T(req, TX_ASM_NOT_RECORDED));
	html(req, " ");
	html_text(req, T(req, TX_ASM_LIVE_NOTE));
	html(req, "</p>");
	if (authz_permits(&req->who, PERM_ASSESSMENT_RUN, NULL)) {
		html(req, "<form class=\"inline\" method=\"post\" action=\"/assessment/run\">");
		html_csrf(req);
		markupf(req, "<input type=\"hidden\" name=\"year\" value=\"%d\">", year);
		html(req, "<button class=\"primary\" type=\"submit\">");
		html_textf(req, T(req, TX_ASM_RUN), year);
		html(req, "</button></form><p class=\"hint\">");
		html_text(req, T(req, TX_ASM_RUN_HINT));
		html(req, "</p>");
	}
	html(req, "</section>\n");
}

/* A cell with its column's name, which a narrow screen shows before the
 * value (table.data.registry turns rows into cards). */
static void cell(struct request *req, enum text_id label, const char *cls)
{
	html(req, "<td");
	if (cls) {
		html(req, " class=\"");
		html(req, cls);
		html(req, "\"");
	}
	html(req, " data-label=\"");
	html_attr(req, T(req, label));
	html(req, "\">");
}

static void person_cells(struct request *req, int64_t person_id, int year)
{
	struct person_rec p;
	char masked[ID_NUMBER_LEN + 1];

	if (registry_person_get_id(req->store, req->arena, person_id, &p) != 0) {
		html(req, "<td></td><td></td><td></td>");
		return;
	}
	idcard_mask(p.id_number, masked);
	cell(req, TX_NAME, NULL);
	html_link(req, arena_printf(req->arena, "/persons/%s/hours?year=%d",
				    registry_view_person_ref(req->arena, &p), year), p.name);
	html(req, "</td>");
	cell(req, TX_ID_NUMBER, "nowrap");
	html_text(req, masked);
	html(req, "</td>");
	cell(req, TX_SCHOOL, NULL);
	html_text(req, p.school_name ? p.school_name : p.centre_name);
	html(req, "</td>");
}

static void pager(struct request *req, const char *base, int page, int pages)
{
	if (pages <= 1)
		return;
	html(req, "<nav class=\"pager\">");
	if (page > 1) {
		html(req, "<a href=\"");
		html_attr(req, arena_printf(req->arena, "%s&page=%d", base, page - 1));
		html(req, "\">");
		html_text(req, T(req, TX_PREVIOUS));
		html(req, "</a>");
	}
	html(req, "<span>");
	html_textf(req, T(req, TX_PAGE_OF), page, pages);
	html(req, "</span>");
	if (page < pages) {
		html(req, "<a href=\"");
		html_attr(req, arena_printf(req->arena, "%s&page=%d", base, page + 1));
		html(req, "\">");
		html_text(req, T(req, TX_NEXT));
		html(req, "</a>");
	}
	html(req, "</nav>\n");
}

static int page_number(struct request *req)
{
	const char *p = req_query(req, "page");
	int n = p ? atoi(p) : 1;

	return n < 1 ? 1 : n;
}

static void short_list(struct request *req, const struct assessment_overview *o, int year)
{
	static const enum text_id cols[] = { TX_NAME, TX_ID_NUMBER, TX_SCHOOL, TX_ASM_HOURS,
					     TX_ASM_REQUIRED, TX_ASM_LACK, TX_ASM_CATEGORIES };
	static const char *const classes[] = { NULL, NULL, NULL, "num", "num", "num", NULL };
	int page = page_number(req), pages = (o->nshort + SHORT_PAGE - 1) / SHORT_PAGE;
	int from, to;

	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_ASM_SHORT_LIST));
	html(req, "</h2>");
	if (o->nshort == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, o->assessed ? TX_ASM_NONE_SHORT : TX_ASM_NONE_ASSESSED));
		html(req, "</p></section>\n");
		return;
	}
	html(req, "<p class=\"actions\">");
	html_link(req, arena_printf(req->arena, "/assessment.xlsx?year=%d", year), T(req, TX_HRS_EXPORT_XLSX));
	html(req, " ");
	html_link(req, arena_printf(req->arena, "/assessment.csv?year=%d", year), T(req, TX_HRS_EXPORT_CSV));
	html(req, "</p><div class=\"table-wrap\"><table class=\"data registry\">");
	layout_table_head(req, cols, sizeof cols / sizeof cols[0], classes);
	html(req, "<tbody>");
	if (page > pages)
		page = pages;
	from = (page - 1) * SHORT_PAGE;
	to = from + SHORT_PAGE < o->nshort ? from + SHORT_PAGE : o->nshort;
	for (int i = from; i < to; i++) {
		const struct assessment_short *x = &o->shorts[i];

		html(req, "<tr>");
		person_cells(req, x->person_id, year);
		cell(req, TX_ASM_HOURS, "num");
		html_text(req, fmt(req, x->hours10));
		html(req, "</td>");
		cell(req, TX_ASM_REQUIRED, "num");
		html_text(req, fmt(req, x->required10));
		html(req, "</td>");
		cell(req, TX_ASM_LACK, "num");
		html(req, "<strong>");
		html_text(req, fmt(req, x->lack10));
		html(req, "</strong></td>");
		cell(req, TX_ASM_CATEGORIES, NULL);
		html_text(req, categories_text(req->arena, req->lang, x->categories));
		html(req, "</td></tr>\n");
	}
	html(req, "</tbody></table></div>\n");
	pager(req, arena_printf(req->arena, "/assessment?year=%d", year), page, pages);
	html(req, "</section>\n");
}

static void head(struct request *req, const char *title)
{
	layout_start(req, title);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, title);
	html(req, "</h1><p class=\"scope\">");
	html_text(req, *req->who.scope_name ? req->who.scope_name : T(req, TX_ASM_WHOLE_CITY));
	html(req, "</p></div>\n");
}

static void ahead_table(struct request *req, const struct assessment_ahead *rows, int n, int year)
{
	static const enum text_id cols[] = { TX_NAME, TX_ID_NUMBER, TX_SCHOOL, TX_ASM_HOURS,
					     TX_ASM_PENDING, TX_ASM_REQUIRED, TX_ASM_LACK };
	static const char *const classes[] = { NULL, NULL, NULL, "num", "num", "num", "num" };

	html(req, "<div class=\"table-wrap\"><table class=\"data registry\">");
	layout_table_head(req, cols, sizeof cols / sizeof cols[0], classes);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		html(req, "<tr>");
		person_cells(req, rows[i].person_id, year);
		cell(req, TX_ASM_HOURS, "num");
		html_text(req, fmt(req, rows[i].hours10));
		html(req, "</td>");
		cell(req, TX_ASM_PENDING, "num");
		html_text(req, fmt(req, rows[i].pending10));
		html(req, "</td>");
		cell(req, TX_ASM_REQUIRED, "num");
		html_text(req, fmt(req, rows[i].required10));
		html(req, "</td>");
		cell(req, TX_ASM_LACK, "num");
		html(req, "<strong>");
		html_text(req, fmt(req, rows[i].lack10));
		html(req, "</strong></td></tr>\n");
	}
	html(req, "</tbody></table></div>\n");
}

/* /assessment?ahead=1: the look-ahead's whole list, paged. */
static void ahead_page(struct request *req)
{
	struct registry_scope sc;
	struct assessment_ahead *rows;
	struct err e = { 0 };
	char today[11];
	int n, page = page_number(req), pages;
	int64_t total;

	clock_today(today);
	registry_scope_of(&req->who, &sc);
	if (assessment_ahead_shown(today) &&
	    assessment_look_ahead(req->store, req->arena, &sc, today, 0, &rows, &n, &total, &e) < 0) {
		fprintf(stderr, "tdc: %s %s: %s\n", req->method_name, req->path, e.message);
		req_error(req, 500);
		return;
	}
	head(req, T(req, TX_ASM_AHEAD_TITLE));
	if (!assessment_ahead_shown(today)) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_ASM_AHEAD_LATER));
		html(req, "</p>");
		layout_end(req);
		return;
	}
	html(req, "<p class=\"lead\">");
	html_textf(req, T(req, TX_ASM_AHEAD_COUNT), (long long)total);
	html(req, " ");
	html_text(req, T(req, TX_ASM_AHEAD_HINT));
	html(req, "</p>");
	pages = (int)((total + SHORT_PAGE - 1) / SHORT_PAGE);
	if (page > pages)
		page = pages > 0 ? pages : 1;
	if (total > 0) {
		int from = (page - 1) * SHORT_PAGE;
		int count = (int)(total - from < SHORT_PAGE ? total - from : SHORT_PAGE);

		ahead_table(req, rows + from, count, atoi(today));
		pager(req, "/assessment?ahead=1", page, pages);
	}
	layout_end(req);
}

void page_assessment(struct request *req)
{
	struct registry_scope sc;
	struct assessment_overview o;
	struct err e = { 0 };
	int this_year, year = year_of(req, &this_year);
	const char *done = req_query(req, "done");

	if (req_query(req, "ahead")) {
		ahead_page(req);
		return;
	}
	if (year < 0) {
		req_error(req, 400);
		return;
	}
	registry_scope_of(&req->who, &sc);
	if (assessment_overview(req->store, req->arena, &sc, year, false, &o, &e) < 0) {
		fprintf(stderr, "tdc: %s %s: %s\n", req->method_name, req->path, e.message);
		req_error(req, 500);
		return;
	}
	head(req, arena_printf(req->arena, T(req, TX_ASM_TITLE_YEAR), year));
	if (done)
		layout_notice(req, "ok", T(req, TX_ASM_RUN_DONE));
	year_form(req, year, this_year);
	html(req, "<section class=\"panel\"><div class=\"stats\">");
	stat(req, arena_printf(req->arena, "%lld", (long long)o.assessed), TX_ASM_ASSESSED);
	stat(req, arena_printf(req->arena, "%lld", (long long)o.passed), TX_ASM_PASSED);
	stat(req, arena_printf(req->arena, "%lld", (long long)(o.assessed - o.passed)), TX_ASM_SHORT);
	stat(req, rate(req, o.passed, o.assessed), TX_ASM_PASS_RATE);
	html(req, "</div></section>\n");
	recorded(req, year);
	charts(req, &o);
	short_list(req, &o, year);
	layout_end(req);
}

void page_assessment_run(struct request *req)
{
	struct assessment_summary sum;
	struct actor who = req_actor(req);
	struct err e = { 0 };
	const char *y = req_form(req, "year");
	char *end;
	long year = y ? strtol(y, &end, 10) : 0;

	if (!y || *end || year < 1950 || year > 2200) {
		req_error(req, 400);
		return;
	}
	{
		char today[11];

		clock_today(today);
		if (assessment_year_check((int)year, today, &e) < 0) {
			layout_error_page(req, 422, e.message);
			return;
		}
	}
	/* the whole installation's year: the recorded results are one table */
	if (assessment_run(req->store, (int)year, &who, &sum, &e) < 0) {
		fprintf(stderr, "tdc: %s %s: %s\n", req->method_name, req->path, e.message);
		req_error(req, 500);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/assessment?year=%ld&done=1", year));
}

/* ---- the export: those short, most lacking first ---- */

void page_assessment_export(struct request *req)
{
	static const struct table_column cols[] = {
		{ "身份证号", 22, true, NULL }, { "姓名", 12, false, NULL }, { "学校标识码", 14, true, NULL },
		{ "学校", 30, false, NULL }, { "年度", 8, true, NULL }, { "学时", 8, true, NULL },
		{ "要求学时", 10, true, NULL }, { "差额", 8, true, NULL }, { "未达标类别", 30, false, NULL },
	};
	struct registry_scope sc;
	struct assessment_overview o;
	struct err e = { 0 };
	struct table_target to = { .mem = &req->out };
	struct table_options opt = { .columns = cols, .ncolumns = 9, .sheet = "未达标名单" };
	struct table_writer *w = NULL;
	bool xlsx = strlen(req->path) > 5 && !strcmp(req->path + strlen(req->path) - 5, ".xlsx");
	int this_year, year = year_of(req, &this_year);
	char ytext[16];

	if (year < 0) {
		req_error(req, 400);
		return;
	}
	registry_scope_of(&req->who, &sc);
	if (assessment_overview(req->store, req->arena, &sc, year, true, &o, &e) < 0)
		goto fail;
	snprintf(ytext, sizeof ytext, "%d", year);
	opt.format = xlsx ? TABLE_XLSX : TABLE_CSV;
	buf_reset(&req->out);
	if (table_write_open(&to, &opt, &w, &e) != 0)
		goto fail;
	for (int i = 0; i < o.nshort; i++) {
		const struct assessment_short *x = &o.shorts[i];
		char masked[ID_NUMBER_LEN + 1], h[3][HOURS_TEXT_MAX];

		/* a city's list is a million rows: nothing more per row in the
		 * arena but the rare category text */
		idcard_mask(x->id_number, masked);
		/* in Chinese whatever the page's language: the file goes to offices */
		const char *cells[9] = {
			masked, x->name, x->school_code, x->school_name, ytext, hours_format(x->hours10, h[0]),
			hours_format(x->required10, h[1]), hours_format(x->lack10, h[2]),
			*x->categories ? categories_text(req->arena, LANG_ZH, x->categories) : "",
		};

		if (table_write_row(w, cells, &e) != 0)
			goto fail;
	}
	if (table_write_close(w, &e) != 0) {
		w = NULL;
		goto fail;
	}
	req_download(req, xlsx ? XLSX_TYPE : CSV_TYPE,
		     arena_printf(req->arena, "年度培训考核未达标名单-%d.%s", year, xlsx ? "xlsx" : "csv"),
		     arena_printf(req->arena, "assessment-%d.%s", year, xlsx ? "xlsx" : "csv"));
	return;
fail:
	table_write_abort(w);
	fprintf(stderr, "tdc: %s %s: %s\n", req->method_name, req->path, e.message);
	buf_reset(&req->out);
	req_error(req, 500);
}

/* ---- looking ahead, on the home pages (issue 6 §2) ---- */

static void ahead_admin(struct request *req, const char *today)
{
	struct registry_scope sc;
	struct assessment_ahead *rows;
	struct err e = { 0 };
	int n;
	int64_t total;

	registry_scope_of(&req->who, &sc);
	if (assessment_look_ahead(req->store, req->arena, &sc, today, AHEAD_HOME, &rows, &n, &total, &e) < 0) {
		fprintf(stderr, "tdc: look-ahead: %s\n", e.message);
		return;
	}
	html(req, "<section class=\"panel ahead\"><h2>");
	html_text(req, T(req, TX_ASM_AHEAD_TITLE));
	html(req, "</h2><p class=\"hint\">");
	html_textf(req, T(req, TX_ASM_AHEAD_COUNT), (long long)total);
	html(req, " ");
	html_text(req, T(req, TX_ASM_AHEAD_HINT));
	html(req, "</p>");
	if (n > 0)
		ahead_table(req, rows, n, atoi(today));
	if (total > n) {
		html(req, "<p>");
		html_link(req, "/assessment?ahead=1", T(req, TX_ASM_AHEAD_ALL));
		html(req, "</p>");
	}
	html(req, "</section>\n");
}

/* A teacher short of the year's minimum even with her seats: what she will
 * lack, and the programmes open to her now whose hours would count this
 * year (their last session on or before 31 December). */
static void ahead_teacher(struct request *req, const char *today)
{
	struct registry_scope sc = { .person_id = req->who.person_id };
	struct assessment_ahead *rows;
	struct programme_filter f = { .open = true, .today = today, .limit = 50 };
	struct programme *items;
	struct err e = { 0 };
	int n, np, shown = 0;
	int64_t total, ptotal;
	char dec31[11];

	if (!req->who.person_id)
		return;
	if (assessment_look_ahead(req->store, req->arena, &sc, today, 1, &rows, &n, &total, &e) < 0) {
		fprintf(stderr, "tdc: look-ahead: %s\n", e.message);
		return;
	}
	if (n == 0)
		return;
	snprintf(dec31, sizeof dec31, "%.4s-12-31", today);
	html(req, "<section class=\"panel ahead\"><h2>");
	html_text(req, T(req, TX_ASM_ME_TITLE));
	html(req, "</h2><p class=\"lead\">");
	html_textf(req, T(req, TX_ASM_ME_SHORT), fmt(req, rows[0].hours10 + rows[0].pending10),
		   fmt(req, rows[0].required10), fmt(req, rows[0].lack10));
	html(req, "</p>");
	if (programme_list(req->store, req->arena, &req->who, &f, &items, &np, &ptotal) < 0)
		np = 0;
	/* those that close the gap alone first, then those that help */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < np; i++) {
			char last[11];
			bool enrolled;
			bool closes = items[i].hours10 >= rows[0].lack10;

			if (closes != (pass == 0))
				continue;
			if (assessment_programme_fit(req->store, items[i].id, req->who.person_id, last,
						     &enrolled) < 0 || enrolled || !*last ||
			    strcmp(last, today) < 0 || strcmp(last, dec31) > 0)
				continue;
			if (shown == 0) {
				html(req, "<p>");
				html_text(req, T(req, TX_ASM_ME_PROGRAMMES));
				html(req, "</p><ul>");
			}
			html(req, "<li>");
			html_link(req, arena_printf(req->arena, "/programmes/%s", items[i].code), items[i].title);
			html(req, " <span class=\"hint\">");
			html_textf(req, T(req, TX_ASM_PROGRAMME_FACTS), fmt(req, items[i].hours10), last);
			if (closes) {
				html(req, " · ");
				html_text(req, T(req, TX_ASM_CLOSES_GAP));
			}
			html(req, "</span></li>");
			if (++shown >= 8)
				break;
		}
		if (shown >= 8)
			break;
	}
	if (shown)
		html(req, "</ul>");
	else {
		html(req, "<p class=\"hint\">");
		html_text(req, T(req, TX_ASM_ME_NO_PROGRAMMES));
		html(req, "</p>");
	}
	html(req, "</section>\n");
}

void assessment_home_section(struct request *req)
{
	char today[11];

	clock_today(today);
	if (!assessment_ahead_shown(today))
		return;         /* before 1 October nothing is shown */
	if (req->who.role == ROLE_TEACHER)
		ahead_teacher(req, today);
	else if (authz_permits(&req->who, PERM_ASSESSMENT_READ, NULL))
		ahead_admin(req, today);
}
