/* hours.c - a person's hours (学时记录): the year against its minimum as a
 * ring, the cycle against its requirement with a bar per year, every entry
 * of the year with its reversals, the year's export, and for centre admins
 * in scope a manual entry form and a reversal per entry.
 *
 * A teacher opens it the night before a deadline on her phone: the
 * figures come first, the table turns into cards on a narrow screen
 * (table.data.registry), and print leaves out the forms and buttons.
 * The charts are inline SVG drawn with presentation attributes (the
 * Content-Security-Policy refuses inline styles), each with its figures
 * in text beside it for screen readers and for print.
 *
 * The reading, checking and writing are api/hours.c's (hours_view_*), so
 * the pages and the JSON API answer alike: a person outside scope is 404;
 * entries are never edited (DOMAIN.md: "a correction is a reversing entry
 * with a reason"). */
#include "web/pages/pages.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hours.h"
#include "core/ledger.h"
#include "lib/table_write.h"
#include "web/api/api.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/registry_view.h"

static const char XLSX_TYPE[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
static const char CSV_TYPE[] = "text/csv; charset=utf-8";

/* What a re-shown page carries: a notice, or the form that failed. */
struct hours_page {
	const char *notice, *notice_kind;
	const struct hours_input *form;     /* the manual entry as written */
	const struct field_errors *fe;      /* its errors */
	const char *reverse_record;         /* the reversal that failed, and why */
	const char *reverse_error;
};

static const char *fmt(struct request *req, int64_t hours10)
{
	char h[HOURS_TEXT_MAX];

	return arena_strdup(req->arena, hours_format(hours10, h));
}

static const char *hours_url(struct request *req, const struct person_rec *p, const char *suffix,
			     int year)
{
	return arena_printf(req->arena, "/persons/%s/hours%s?year=%d",
			    registry_view_person_ref(req->arena, p), suffix, year);
}

/* ---- the charts ---- */

/* Our own markup (SVG, links) with numbers and constant colours in it:
 * no user text ever goes through here (that is html_text()'s). */
static void markupf(struct request *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void markupf(struct request *req, const char *fmt, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, fmt);
	s = arena_vprintf(req->arena, fmt, ap);
	va_end(ap);
	if (s)
		html(req, s);
}

/* A ring of done over need: the share drawn as a stroke along a circle. */
static void ring(struct request *req, int64_t done10, int64_t need10, const char *label)
{
	const double r = 52, c = 2 * 3.14159265358979 * r;
	double share = need10 > 0 ? (double)(done10 < 0 ? 0 : done10) / (double)need10 : 1;

	if (share > 1)
		share = 1;
	html(req, "<svg class=\"ring\" viewBox=\"0 0 128 128\" width=\"128\" height=\"128\" role=\"img\" aria-label=\"");
	html_attr(req, label);
	html(req, "\"><circle cx=\"64\" cy=\"64\" r=\"52\" fill=\"none\" stroke=\"#e3e8ee\" stroke-width=\"14\"/>");
	markupf(req, "<circle cx=\"64\" cy=\"64\" r=\"52\" fill=\"none\" stroke=\"%s\" stroke-width=\"14\""
		   " stroke-linecap=\"round\" stroke-dasharray=\"%.1f %.1f\" transform=\"rotate(-90 64 64)\"/>",
		   share >= 1 ? "#2e7d4f" : "#1f6feb", share * c, c);
	html(req, "<text x=\"64\" y=\"62\" text-anchor=\"middle\" font-size=\"24\" font-weight=\"700\" fill=\"#1b2430\">");
	html_text(req, fmt(req, done10));
	html(req, "</text><text x=\"64\" y=\"84\" text-anchor=\"middle\" font-size=\"13\" fill=\"#5b6675\">/ ");
	html_text(req, fmt(req, need10));
	html(req, "</text></svg>");
}

/* A bar for each year of the cycle, against the yearly minimum (the line). */
static void cycle_bars(struct request *req, const struct ledger_progress *pr, int selected)
{
	int years = pr->cycle_end - pr->cycle_start + 1;
	int64_t top = pr->yearly_required10 * 3 / 2;
	const int w = 300, h = 120, base = 100, gap = 8;
	int bw = (w - gap * (years + 1)) / years;

	for (int i = 0; i < years; i++)
		if (pr->by_year[i] > top)
			top = pr->by_year[i];
	if (top <= 0)
		top = 1;
	markupf(req, "<svg class=\"bars\" viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" aria-label=\"", w, h);
	html_attr(req, arena_printf(req->arena, T(req, TX_HRS_CYCLE), pr->cycle_start, pr->cycle_end));
	html(req, "\">");
	for (int i = 0; i < years; i++) {
		int bh = (int)(pr->by_year[i] > 0 ? pr->by_year[i] * (base - 10) / top : 0);
		int x = gap + i * (bw + gap);
		bool met = pr->by_year[i] >= pr->yearly_required10;

		markupf(req, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"3\" fill=\"%s\"%s/>",
			   x, base - bh, bw, bh, met ? "#2e7d4f" : "#1f6feb",
			   pr->cycle_start + i == selected ? " stroke=\"#1b2430\" stroke-width=\"2\"" : "");
		markupf(req, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1b2430\">",
			   x + bw / 2, base - bh - 3 < 10 ? 10 : base - bh - 3);
		html_text(req, fmt(req, pr->by_year[i]));
		markupf(req, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6675\">%d</text>",
			   x + bw / 2, h - 4, pr->cycle_start + i);
	}
	{
		int ly = base - (int)(pr->yearly_required10 * (base - 10) / top);

		markupf(req, "<line x1=\"0\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#b42318\""
			   " stroke-dasharray=\"4 3\"/>", w, ly, ly);
	}
	html(req, "</svg>");
}

/* The two figures, for the page and the teacher's home page alike. */
static void progress_panels(struct request *req, const struct ledger_progress *pr, int selected)
{
	int64_t left = pr->yearly_required10 - pr->year10;

	html(req, "<div class=\"grid two\">\n<section class=\"panel hours-year\"><h2>");
	html_textf(req, T(req, TX_HRS_YEAR_HOURS), pr->year);
	html(req, "</h2>");
	ring(req, pr->year10, pr->yearly_required10,
	     arena_printf(req->arena, T(req, TX_HRS_OF_REQUIRED), fmt(req, pr->year10),
			  fmt(req, pr->yearly_required10)));
	html(req, "<p class=\"lead\">");
	html_textf(req, T(req, TX_HRS_OF_REQUIRED), fmt(req, pr->year10), fmt(req, pr->yearly_required10));
	html(req, "</p><p class=\"hint\">");
	if (left > 0)
		html_textf(req, T(req, TX_HRS_TO_GO), fmt(req, left));
	else
		html_text(req, T(req, TX_HRS_MET));
	html(req, " ");
	html_text(req, T(req, TX_HRS_DEADLINE_HINT));
	html(req, "</p></section>\n<section class=\"panel hours-cycle\"><h2>");
	html_textf(req, T(req, TX_HRS_CYCLE), pr->cycle_start, pr->cycle_end);
	html(req, "</h2>");
	cycle_bars(req, pr, selected);
	html(req, "<p class=\"lead\">");
	html_textf(req, T(req, TX_HRS_CYCLE_OF_REQUIRED), fmt(req, pr->cycle10), fmt(req, pr->cycle_required10));
	html(req, "</p><p class=\"hint\">");
	html_text(req, T(req, TX_HRS_CYCLE_NOTE));
	html(req, "</p></section>\n</div>\n");
}

/* ---- the page ---- */

static const char *field_message(const struct request *req, const struct field_errors *fe,
				 const char *field)
{
	if (!fe)
		return NULL;
	for (int i = 0; i < fe->n; i++)
		if (!strcmp(fe->e[i].field, field))
			return req->lang == LANG_ZH && *fe->e[i].message_zh ? fe->e[i].message_zh
									    : fe->e[i].message;
	return NULL;
}

static void input_field(struct request *req, const char *name, enum text_id label, const char *type,
			const char *value, const char *bad, const char *extra)
{
	html(req, "<label for=\"h-");
	html_attr(req, name);
	html(req, "\">");
	html_text(req, T(req, label));
	html(req, "</label><input id=\"h-");
	html_attr(req, name);
	html(req, "\" name=\"");
	html_attr(req, name);
	html(req, "\" type=\"");
	html_attr(req, type);
	html(req, "\" required");
	if (extra)
		html(req, extra);
	if (value) {
		html(req, " value=\"");
		html_attr(req, value);
		html(req, "\"");
	}
	if (bad) {
		html(req, " aria-invalid=\"true\" aria-describedby=\"he-");
		html_attr(req, name);
		html(req, "\"");
	}
	html(req, ">");
	if (bad) {
		html(req, "<p class=\"field-error\" id=\"he-");
		html_attr(req, name);
		html(req, "\">");
		html_text(req, bad);
		html(req, "</p>");
	}
}

static void add_form(struct request *req, const struct person_rec *p, const struct hours_page *pg)
{
	const struct hours_input *f = pg->form;
	const char *bad;

	html(req, "<section class=\"panel hours-add\"><details");
	if (pg->fe && pg->fe->n)
		html(req, " open");
	html(req, "><summary><h2>");
	html_text(req, T(req, TX_HRS_ADD));
	html(req, "</h2></summary><p class=\"hint\">");
	html_text(req, T(req, TX_HRS_ADD_HINT));
	html(req, "</p>");
	if (pg->fe && pg->fe->n)
		layout_notice(req, "error", T(req, TX_HRS_FIELD_ERRORS));
	html(req, "<form class=\"form registry-form\" method=\"post\" action=\"/persons/");
	html_attr(req, registry_view_person_ref(req->arena, p));
	html(req, "/hours\">");
	html_csrf(req);
	input_field(req, "date", TX_HRS_DATE, "date", f ? f->date : NULL, field_message(req, pg->fe, "date"), NULL);
	input_field(req, "hours", TX_HRS_HOURS, "text", f ? f->hours : NULL, field_message(req, pg->fe, "hours"),
		    " inputmode=\"decimal\" placeholder=\"2.5\"");
	bad = field_message(req, pg->fe, "category");
	html(req, "<label for=\"h-category\">");
	html_text(req, T(req, TX_HRS_CATEGORY));
	html(req, "</label><select id=\"h-category\" name=\"category\" required");
	if (bad)
		html(req, " aria-invalid=\"true\" aria-describedby=\"he-category\"");
	html(req, ">");
	for (int i = 0; hours_categories[i]; i++)
		html_option(req, hours_categories[i], text_enum(req->lang, "category", hours_categories[i]),
			    f && f->category && !strcmp(f->category, hours_categories[i]));
	html(req, "</select>");
	if (bad) {
		html(req, "<p class=\"field-error\" id=\"he-category\">");
		html_text(req, bad);
		html(req, "</p>");
	}
	input_field(req, "title", TX_HRS_PROGRAMME_TITLE, "text", f ? f->title : NULL,
		    field_message(req, pg->fe, "title"), " maxlength=\"200\"");
	input_field(req, "reason", TX_HRS_REASON, "text", f ? f->reason : NULL,
		    field_message(req, pg->fe, "reason"), " maxlength=\"500\"");
	html(req, "<div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, TX_HRS_SAVE));
	html(req, "</button></div></form></details></section>\n");
}

/* The reversal of one entry, behind a disclosure (the confirm step):
 * 冲销 opens the required reason and the button that sends it. */
static void reverse_form(struct request *req, const struct ledger_entry *e, const struct hours_page *pg)
{
	bool failed = pg->reverse_record && !strcmp(pg->reverse_record, e->record_id);

	html(req, failed ? "<details class=\"reset\" open><summary>" : "<details class=\"reset\"><summary>");
	html_text(req, T(req, TX_HRS_REVERSE));
	html(req, "</summary><form method=\"post\" action=\"/hours/");
	html_url_arg(req, e->record_id);
	html(req, "/reversal\">");
	html_csrf(req);
	html(req, "<input name=\"reason\" required maxlength=\"500\" aria-label=\"");
	html_attr(req, T(req, TX_HRS_REVERSE_REASON));
	html(req, "\" placeholder=\"");
	html_attr(req, T(req, TX_HRS_REVERSE_REASON));
	html(req, "\"");
	if (failed)
		html(req, " aria-invalid=\"true\"");
	html(req, "><button class=\"danger\" type=\"submit\">");
	html_text(req, T(req, TX_HRS_REVERSE));
	html(req, "</button>");
	if (failed) {
		html(req, "<p class=\"field-error\">");
		html_text(req, pg->reverse_error);
		html(req, "</p>");
	}
	html(req, "</form></details>");
}

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

static void entries_table(struct request *req, const struct ledger_year *y, bool may_write,
			  const struct hours_page *pg)
{
	enum text_id cols[] = { TX_HRS_DATE, TX_HRS_HOURS, TX_HRS_CATEGORY, TX_HRS_SOURCE,
				TX_HRS_PROGRAMME_TITLE, TX_HRS_ISSUER, TX_HRS_RECORD, TX_HRS_REASON,
				TX_ACTIONS };
	static const char *const classes[] = { "nowrap", "num", NULL, NULL, NULL, NULL, NULL, NULL, NULL };

	if (!y->n) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_HRS_NO_ENTRIES));
		html(req, "</p>");
		return;
	}
	html(req, "<div class=\"table-wrap\"><table class=\"data registry hours\">");
	layout_table_head(req, cols, may_write ? 9 : 8, classes);
	html(req, "<tbody>");
	for (int i = 0; i < y->n; i++) {
		const struct ledger_entry *e = &y->entries[i];

		html(req, "<tr id=\"r-");
		html_attr(req, e->record_id);
		html(req, "\"");
		if (e->reversed_by || e->reverses)
			html(req, " class=\"disabled\"");
		html(req, ">");
		cell(req, TX_HRS_DATE, "nowrap");
		html_text(req, e->day);
		html(req, "</td>");
		cell(req, TX_HRS_HOURS, "num");
		html_text(req, fmt(req, e->hours10));
		html(req, "</td>");
		cell(req, TX_HRS_CATEGORY, "nowrap");
		html_text(req, text_enum(req->lang, "category", e->category));
		html(req, "</td>");
		cell(req, TX_HRS_SOURCE, "nowrap");
		html_text(req, text_enum(req->lang, "source", e->source));
		html(req, "</td>");
		cell(req, TX_HRS_PROGRAMME_TITLE, "title-cell");
		html_text(req, e->title);
		if (e->reversed_by) {
			/* the entry stays, marked, with a way to its reversal */
			html(req, " <a class=\"tag off\" href=\"#r-");
			html_attr(req, e->reversed_by);
			html(req, "\">");
			html_text(req, T(req, TX_HRS_REVERSED));
			html(req, "</a>");
		}
		html(req, "</td>");
		cell(req, TX_HRS_ISSUER, NULL);
		html_text(req, e->issuer);
		html(req, "</td>");
		cell(req, TX_HRS_RECORD, "nowrap");
		html_text(req, e->record_id);
		if (e->reverses) {
			html(req, "<br><a href=\"#r-");
			html_attr(req, e->reverses);
			html(req, "\">");
			html_textf(req, T(req, TX_HRS_REVERSAL_OF), e->reverses);
			html(req, "</a>");
		}
		html(req, "</td>");
		cell(req, TX_HRS_REASON, NULL);
		html_text(req, e->reason);
		html(req, "</td>");
		if (may_write) {
			cell(req, TX_ACTIONS, "actions");
			if (!e->reverses && !e->reversed_by)
				reverse_form(req, e, pg);
			html(req, "</td>");
		}
		html(req, "</tr>");
	}
	html(req, "</tbody><tfoot><tr><th scope=\"row\">");
	html_text(req, T(req, TX_HRS_TOTAL));
	html(req, "</th><td class=\"num\">");
	html_text(req, fmt(req, y->total10));
	html(req, may_write ? "</td><td colspan=\"7\"></td></tr></tfoot></table></div>\n"
			 : "</td><td colspan=\"6\"></td></tr></tfoot></table></div>\n");
}

static void render(struct request *req, const struct person_rec *p, int year, const struct hours_page *pg)
{
	struct ledger_progress pr;
	struct ledger_year y;
	struct err e = { 0 };
	bool own = registry_view_is_self(&req->who, p);
	bool may_write = hours_view_may_write(req, p);

	if (ledger_progress(req->store, p->id, p->service_start, year, &pr) != 0 ||
	    ledger_person_year(req->store, req->arena, p->id, year, &y, &e) != 0) {
		req_error(req, 500);
		return;
	}
	layout_start(req, own ? T(req, TX_HRS_MY_HOURS) : arena_printf(req->arena, T(req, TX_HRS_TITLE), p->name));
	html(req, "<div class=\"page-head\"><h1>");
	if (own)
		html_text(req, T(req, TX_HRS_MY_HOURS));
	else
		html_textf(req, T(req, TX_HRS_TITLE), p->name);
	html(req, "</h1><p class=\"scope\">");
	html_text(req, p->name);
	if (p->school_name) {
		html(req, " · ");
		html_text(req, p->school_name);
	}
	html(req, "</p></div>\n");
	if (pg->notice)
		layout_notice(req, pg->notice_kind, pg->notice);
	progress_panels(req, &pr, year);

	/* the years of the cycle, and the one before and after */
	html(req, "<nav class=\"filters\" aria-label=\"");
	html_attr(req, T(req, TX_HRS_YEARS));
	html(req, "\">");
	for (int yy = pr.cycle_start - 1; yy <= pr.cycle_end + 1; yy++) {
		if (yy == year) {
			markupf(req, "<strong aria-current=\"page\">%d</strong>", yy);
			continue;
		}
		html(req, "<a href=\"");
		html_attr(req, hours_url(req, p, "", yy));
		markupf(req, "\">%d</a>", yy);
	}
	html(req, "</nav>\n<section class=\"panel\"><h2>");
	html_textf(req, T(req, TX_HRS_YEAR_HOURS), year);
	html(req, "</h2><div class=\"exports\"><a class=\"button\" href=\"");
	html_attr(req, hours_url(req, p, ".xlsx", year));
	html(req, "\">");
	html_text(req, T(req, TX_HRS_EXPORT_XLSX));
	html(req, "</a><a class=\"button\" href=\"");
	html_attr(req, hours_url(req, p, ".csv", year));
	html(req, "\">");
	html_text(req, T(req, TX_HRS_EXPORT_CSV));
	html(req, "</a></div>");
	entries_table(req, &y, may_write, pg);
	html(req, "</section>\n");
	if (may_write)
		add_form(req, p, pg);
	layout_end(req);
}

void page_hours_me(struct request *req)
{
	struct person_rec p;
	struct hours_page pg = { 0 };
	int year = hours_view_year(req);

	/* an account without a person of its own has no hours: home */
	if (!req->who.person_id) {
		req_redirect(req, "/");
		return;
	}
	if (year < 0) {
		req_error(req, 400);
		return;
	}
	if (hours_view_person(req, "me", &p) < 0)
		return;
	render(req, &p, year, &pg);
}

void page_person_hours(struct request *req)
{
	struct person_rec p;
	struct hours_page pg = { 0 };
	const char *done = req_query(req, "done"), *rec = req_query(req, "record");
	int year = hours_view_year(req);

	if (hours_view_person(req, req_param(req, "id_number"), &p) < 0)
		return;
	if (year < 0) {
		req_error(req, 400);
		return;
	}
	/* the notice of the write that redirected here (303 after POST) */
	if (done && rec && (!strcmp(done, "added") || !strcmp(done, "reversed"))) {
		pg.notice_kind = "ok";
		pg.notice = arena_printf(req->arena, T(req, !strcmp(done, "added") ? TX_HRS_ADDED
										 : TX_HRS_REVERSED_DONE), rec);
	}
	render(req, &p, year, &pg);
}

/* After a write: back to the year of the entry, with a notice. */
static void back(struct request *req, const struct person_rec *p, const struct ledger_entry *e,
		 const char *done)
{
	struct buf loc;

	buf_init(&loc);
	buf_puts(&loc, hours_url(req, p, "", e->year));
	buf_puts(&loc, "&done=");
	buf_puts(&loc, done);
	buf_puts(&loc, "&record=");
	html_escape_url(&loc, e->record_id);
	buf_puts(&loc, "#r-");
	html_escape_url(&loc, e->record_id);
	req_redirect(req, buf_cstr(&loc));
	buf_free(&loc);
}

void page_person_hours_add(struct request *req)
{
	struct person_rec p;
	struct field_errors fe = { 0 };
	struct ledger_entry e;
	struct hours_input in = {
		.date = req_form(req, "date"), .hours = req_form(req, "hours"),
		.category = req_form(req, "category"), .title = req_form(req, "title"),
		.reason = req_form(req, "reason"),
	};
	struct hours_page pg = { .form = &in, .fe = &fe };
	int year;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	if (hours_view_person(req, req_param(req, "id_number"), &p) < 0)
		return;
	if (!hours_view_may_write(req, &p)) {
		req_error(req, 403);
		return;
	}
	switch (hours_view_add(req, &p, &in, &fe, &e)) {
	case HOURS_WRITE_OK:
		back(req, &p, &e, "added");
		return;
	case HOURS_WRITE_INVALID:
		year = in.date && strlen(in.date) >= 4 ? atoi(in.date) : 0;
		if (year < 1990 || year > 2100) {
			gmtime_r(&t, &tm);
			strftime(now, sizeof now, "%Y", &tm);
			year = atoi(now);
		}
		render(req, &p, year, &pg);
		if (req->status < 400)
			req->status = 422;
		return;
	default:
		req_error(req, 500);
	}
}

void page_hours_reversal(struct request *req)
{
	struct person_rec p;
	struct field_errors fe = { 0 };
	struct ledger_entry e, o;
	struct err err = { 0 };
	struct hours_page pg = { 0 };
	const char *rid = req_param(req, "record_id");

	switch (hours_view_reverse(req, rid, req_form(req, "reason"), &fe, &e, &p)) {
	case HOURS_WRITE_OK:
		back(req, &p, &e, "reversed");
		return;
	case HOURS_WRITE_NOT_FOUND:
		req_error(req, 404);
		return;
	case HOURS_WRITE_FORBIDDEN:
		req_error(req, 403);
		return;
	case HOURS_WRITE_CONFLICT:
	case HOURS_WRITE_INVALID:
		/* the page again, the entry's row saying what went wrong */
		if (ledger_entry_get(req->store, req->arena, rid, &o, &err) != 0) {
			req_error(req, 500);
			return;
		}
		pg.reverse_record = rid;
		pg.reverse_error = fe.n ? field_message(req, &fe, fe.e[0].field) : T(req, TX_HRS_ALREADY_REVERSED);
		pg.notice_kind = "error";
		pg.notice = fe.n ? arena_printf(req->arena, T(req, TX_HRS_REVERSE_INVALID), pg.reverse_error)
				 : T(req, TX_HRS_ALREADY_REVERSED);
		render(req, &p, o.year, &pg);
		if (req->status < 400)
			req->status = fe.n ? 422 : 409;
		return;
	default:
		req_error(req, 500);
	}
}

/* ---- the export ---- */

void page_person_hours_export(struct request *req)
{
	static const struct table_column cols[] = {
		{ "日期", 12, true, NULL }, { "学时", 8, true, NULL }, { "类别", 14, false, NULL },
		{ "来源", 10, false, NULL }, { "项目名称", 36, false, NULL }, { "发证单位", 26, false, NULL },
		{ "记录编号", 18, true, NULL }, { "冲销记录", 18, true, NULL }, { "原因", 30, false, NULL },
	};
	struct person_rec p;
	struct ledger_year y;
	struct err e = { 0 };
	struct table_target to = { .mem = &req->out };
	struct table_options o = { .columns = cols, .ncolumns = 9, .sheet = "学时记录" };
	struct table_writer *w = NULL;
	bool xlsx = strlen(req->path) > 5 && !strcmp(req->path + strlen(req->path) - 5, ".xlsx");
	int year = hours_view_year(req);
	const char *name;

	if (hours_view_person(req, req_param(req, "id_number"), &p) < 0)
		return;
	if (year < 0) {
		req_error(req, 400);
		return;
	}
	if (ledger_person_year(req->store, req->arena, p.id, year, &y, &e) != 0) {
		req_error(req, 500);
		return;
	}
	o.format = xlsx ? TABLE_XLSX : TABLE_CSV;
	buf_reset(&req->out);
	if (table_write_open(&to, &o, &w, &e) != 0)
		goto fail;
	for (int i = 0; i < y.n; i++) {
		const struct ledger_entry *x = &y.entries[i];
		/* the words of the page, in Chinese whatever the page's
		 * language: the file goes to offices */
		const char *cells[9] = {
			x->day, fmt(req, x->hours10), text_enum(LANG_ZH, "category", x->category),
			text_enum(LANG_ZH, "source", x->source), x->title, x->issuer, x->record_id,
			x->reverses, x->reason,
		};

		if (table_write_row(w, cells, &e) != 0)
			goto fail;
	}
	if (table_write_close(w, &e) != 0) {
		w = NULL;
		goto fail;
	}
	name = arena_printf(req->arena, "%s-%s-%d.%s", T(req, TX_HRS_FILE), p.name, year, xlsx ? "xlsx" : "csv");
	req_download(req, xlsx ? XLSX_TYPE : CSV_TYPE, name,
		     arena_printf(req->arena, "hours-%d.%s", year, xlsx ? "xlsx" : "csv"));
	return;
fail:
	table_write_abort(w);
	fprintf(stderr, "tdc: %s %s: %s\n", req->method_name, req->path, e.message);
	buf_reset(&req->out);
	req_error(req, 500);
}
