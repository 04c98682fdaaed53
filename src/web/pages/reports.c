/* reports.c - the re-registration report page (/reports/registration?cycle=S)
 * and its downloads (issue 6 §7; DOMAIN.md "Reports").
 *
 * For the caller's scope: the shares of the three outcomes and the count
 * of each reason as SVG charts, the same by district (a city's or a
 * domain's view) or by school (a district's or a school's), with the
 * figures in a table beside them for screen readers and print; then the
 * persons not qualified, 50 a page, their reasons in words; and the whole
 * report as .xlsx or CSV, exactly `tdc report registration` (masked ID
 * numbers, Chinese headers).
 *
 * Everything is counted in one pass of registration_each()
 * (report_registration_summary()): no page holds more than its 50 rows
 * and the groups' counts.  The charts use presentation attributes, not
 * inline styles, which the Content-Security-Policy refuses. */
#include "web/pages/pages.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hours.h"
#include "core/places.h"
#include "core/registry.h"
#include "core/report.h"
#include "lib/clock.h"
#include "lib/idcard.h"
#include "store/store.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages/registry_form.h"

/* charts: a label column, then bars; drawn in an 800-wide box scaled to
 * the panel, so text stays readable on a phone and a wide screen alike */
enum { PAGE_SIZE = 50, CHART_W = 800, LABEL_W = 220, BAR_W = CHART_W - LABEL_W - 60 };

static const char XLSX_TYPE[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
static const char CSV_TYPE[] = "text/csv; charset=utf-8";
/* qualified, deferred, refused */
static const char *const outcome_fill[] = { "#2e7d4f", "#c88a04", "#b42318" };

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

/* ?cycle=S, or the cycle that holds last year: the latest one a school
 * has finished appraising.  0 when ?cycle is no year. */
static int cycle_of(struct request *req, char today[11], int *years)
{
	const char *v = req_query(req, "cycle");
	struct hours_rules rules;
	char *end;
	long y;

	clock_today(today);
	if (hours_rules_load(req->store, &rules) < 0)
		return 0;
	*years = rules.cycle_years;
	if (v && *v) {
		y = strtol(v, &end, 10);
		return *end || y < 1950 || y > 2200 ? 0 : (int)y;
	}
	return hours_cycle_start(&rules, atoi(today) - 1);
}

static const char *pct(struct request *req, long part, long whole)
{
	return arena_printf(req->arena, "%.1f%%", whole ? 100.0 * (double)part / (double)whole : 0.0);
}

/* One stacked bar of the three outcomes, 20 high, at y, from x0. */
static void stacked(struct request *req, int x0, int y, const long outcome[3])
{
	long total = outcome[0] + outcome[1] + outcome[2];
	double x = x0;

	for (int i = 0; i < 3; i++) {
		double w = total ? (double)BAR_W * (double)outcome[i] / (double)total : 0;

		if (w > 0)
			markupf(req, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\"/>",
				x, y, w, outcome_fill[i]);
		x += w;
	}
}

static const char *group_name(struct request *req, const struct registration_summary *sum,
			      const char *code)
{
	if (!*code)
		return T(req, TX_REG_CENTRE);
	if (sum->by_school) {
		struct school_rec s;

		if (registry_school_get(req->store, req->arena, code, &s) == 0)
			return s.name;
	} else {
		struct place_region r;

		if (places_region_get(req->store, req->arena, code, &r) == 0)
			return r.name;
	}
	return code;
}

static void legend(struct request *req)
{
	static const char *const codes[] = { "qualified", "deferred", "refused" };

	html(req, "<p class=\"legend\">");
	for (int i = 0; i < 3; i++) {
		markupf(req, "<svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" "
			     "height=\"12\" fill=\"%s\"/></svg> ", outcome_fill[i]);
		html_text(req, text_enum(req->lang, "reg_outcome", codes[i]));
		html(req, " ");
	}
	html(req, "</p>");
}

static void charts(struct request *req, const struct registration_summary *sum)
{
	/* the outcomes' words are the registration workflow's (TX_RF_OUT_*) */
	static const enum text_id cols[] = { TX_REG_NAME_OF, TX_RPT_PERSONS, TX_RF_OUT_QUALIFIED,
					     TX_RF_OUT_DEFERRED, TX_RF_OUT_REFUSED };
	const char **names;
	long top = 1;
	int h;

	/* the whole scope */
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_RPT_OUTCOME_SHARES));
	html(req, "</h2>");
	legend(req);
	markupf(req, "<svg class=\"bars\" viewBox=\"0 0 %d 20\" width=\"100%%\" role=\"img\" aria-label=\"",
		BAR_W);
	html_attr(req, T(req, TX_RPT_OUTCOME_SHARES));
	html(req, "\">");
	stacked(req, 0, 0, sum->outcome);
	html(req, "</svg><p class=\"lead\">");
	for (int i = 0; i < 3; i++) {
		html_text(req, text_enum(req->lang, "reg_outcome", registration_outcome_code(i)));
		html_textf(req, " %ld (%s)%s", sum->outcome[i], pct(req, sum->outcome[i], sum->total),
			   i < 2 ? " · " : "");
	}
	html(req, "</p>");

	/* the reasons: persons with each, as bars against the largest */
	html(req, "<h3>");
	html_text(req, T(req, TX_RPT_REASONS));
	html(req, "</h3>");
	for (int i = 0; i < REG_REASONS; i++)
		if (sum->reason[i] > top)
			top = sum->reason[i];
	h = REG_REASONS * 26;
	markupf(req, "<svg class=\"bars\" viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" aria-label=\"",
		CHART_W, h);
	html_attr(req, T(req, TX_RPT_REASONS));
	html(req, "\">");
	for (int i = 0; i < REG_REASONS; i++) {
		int w = (int)(BAR_W * sum->reason[i] / top);

		markupf(req, "<text x=\"0\" y=\"%d\" font-size=\"13\" fill=\"#1b2430\">", i * 26 + 15);
		html_text(req, text_enum(req->lang, "reg_reason", registration_reason_code(i)));
		/* refusing reasons red, deferring ones amber */
		markupf(req, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" rx=\"2\" "
			     "fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"13\" fill=\"#1b2430\">%ld</text>",
			LABEL_W, i * 26 + 2, w, i < 3 ? outcome_fill[2] : outcome_fill[1], LABEL_W + w + 6,
			i * 26 + 15, sum->reason[i]);
	}
	html(req, "</svg></section>\n");

	/* by district or school: a bar each, and the figures */
	if (!sum->ngroups)
		return;
	names = arena_alloc(req->arena, sizeof *names * (size_t)sum->ngroups);
	if (!names)
		return;
	for (int g = 0; g < sum->ngroups; g++)
		names[g] = group_name(req, sum, sum->groups[g].code);
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, sum->by_school ? TX_RPT_BY_SCHOOL : TX_RPT_BY_DISTRICT));
	html(req, "</h2>");
	legend(req);
	markupf(req, "<svg class=\"bars\" viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" aria-label=\"",
		CHART_W, sum->ngroups * 26);
	html_attr(req, T(req, sum->by_school ? TX_RPT_BY_SCHOOL : TX_RPT_BY_DISTRICT));
	html(req, "\">");
	for (int g = 0; g < sum->ngroups; g++) {
		markupf(req, "<text x=\"0\" y=\"%d\" font-size=\"13\" fill=\"#1b2430\">", g * 26 + 15);
		html_text(req, names[g]);
		html(req, "</text>");
		stacked(req, LABEL_W, g * 26, sum->groups[g].outcome);
	}
	html(req, "</svg><div class=\"table-wrap\"><table class=\"data registry\">");
	layout_table_head(req, cols, 5, NULL);
	html(req, "<tbody>");
	for (int g = 0; g < sum->ngroups; g++) {
		const struct report_group *gr = &sum->groups[g];
		long n = gr->outcome[0] + gr->outcome[1] + gr->outcome[2];

		html(req, "<tr>");
		registry_td(req, TX_REG_NAME_OF, NULL);
		html_text(req, names[g]);
		html(req, " <code>");
		html_text(req, gr->code);
		html(req, "</code></td>");
		registry_td(req, TX_RPT_PERSONS, "num");
		html_textf(req, "%ld", n);
		html(req, "</td>");
		for (int i = 0; i < 3; i++) {
			registry_td(req, i == 0 ? TX_RF_OUT_QUALIFIED : i == 1 ? TX_RF_OUT_DEFERRED : TX_RF_OUT_REFUSED, "num");
			html_textf(req, "%ld (%s)", gr->outcome[i], pct(req, gr->outcome[i], n));
			html(req, "</td>");
		}
		html(req, "</tr>");
	}
	html(req, "</tbody></table></div></section>\n");
}

static void not_qualified(struct request *req, const struct registration_summary *sum, int cycle,
			  int page)
{
	static const enum text_id cols[] = { TX_ID_NUMBER, TX_NAME, TX_REG_SCHOOL_CODE,
					     TX_HRS_HOURS, TX_RPT_OUTCOME, TX_RPT_REASON_LIST };
	struct registry_args args = { 0 };

	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_RPT_NOT_QUALIFIED));
	html(req, "</h2>");
	registry_total(req, sum->not_qualified);
	if (!sum->nrows) {
		html(req, "<p class=\"hint\">");
		html_text(req, T(req, TX_NO_RESULTS));
		html(req, "</p></section>\n");
		return;
	}
	html(req, "<div class=\"table-wrap\"><table class=\"data registry\">");
	layout_table_head(req, cols, 6, NULL);
	html(req, "<tbody>");
	for (int i = 0; i < sum->nrows; i++) {
		const struct registration_row *r = &sum->rows[i];
		char masked[ID_NUMBER_LEN + 1], done[HOURS_TEXT_MAX], need[HOURS_TEXT_MAX];
		bool first = true;

		idcard_mask(r->id_number, masked);
		html(req, "<tr>");
		registry_td(req, TX_ID_NUMBER, "nowrap");
		markupf(req, "<a href=\"/persons/p%lld\"><code>", (long long)r->person_id);
		html_text(req, masked);
		html(req, "</code></a></td>");
		registry_td(req, TX_NAME, NULL);
		html_text(req, r->name);
		html(req, "</td>");
		registry_td(req, TX_REG_SCHOOL_CODE, "nowrap");
		html_text(req, *r->school_code ? r->school_code : "—");
		html(req, "</td>");
		registry_td(req, TX_HRS_HOURS, "num");
		html_textf(req, "%s / %s", hours_format(r->r.hours10, done),
			   hours_format(r->r.required10, need));
		html(req, "</td>");
		registry_td(req, TX_RPT_OUTCOME, "nowrap");
		html_text(req, text_enum(req->lang, "reg_outcome", registration_outcome_code(r->r.outcome)));
		html(req, "</td>");
		registry_td(req, TX_RPT_REASON_LIST, NULL);
		for (int k = 0; k < REG_REASONS; k++) {
			if (!(r->r.reasons & (1u << k)))
				continue;
			html(req, first ? "" : "、");
			html_text(req, text_enum(req->lang, "reg_reason", registration_reason_code(k)));
			first = false;
		}
		html(req, "</td></tr>");
	}
	html(req, "</tbody></table></div>");
	registry_args_add(&args, "cycle", arena_printf(req->arena, "%d", cycle));
	registry_pager(req, "/reports/registration", &args, page, PAGE_SIZE, sum->not_qualified);
	html(req, "</section>\n");
}

void page_report_registration(struct request *req)
{
	struct registration_summary sum;
	struct registry_scope sc;
	struct err e = { 0 };
	char today[11];
	int years = 5, offset, page = registry_page(req, PAGE_SIZE, &offset);
	int cycle = cycle_of(req, today, &years);

	if (!cycle) {
		layout_error_page(req, 400, "cycle must be the cycle's first year, e.g. ?cycle=2021");
		return;
	}
	registry_scope_of(&req->who, &sc);
	if (report_registration_summary(req->store, req->arena, &sc, cycle, today, offset, PAGE_SIZE,
					&sum, &e) < 0) {
		if (e.code == ERR_INVALID) {
			/* a year inside a cycle, or a cycle not begun: say which */
			layout_error_page(req, 400, e.message);
			return;
		}
		fprintf(stderr, "tdc: %s %s: %s\n", req->method_name, req->path, e.message);
		req_error(req, 500);
		return;
	}
	layout_start(req, T(req, TX_RPT_REGISTRATION));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_RPT_REGISTRATION));
	html(req, "</h1><form class=\"inline\" method=\"get\" action=\"/reports/registration\"><label>");
	html_text(req, T(req, TX_RPT_CYCLE));
	markupf(req, " <input name=\"cycle\" type=\"number\" min=\"1950\" max=\"2200\" value=\"%d\" "
		     "inputmode=\"numeric\"></label> <button type=\"submit\">", cycle);
	html_text(req, T(req, TX_RPT_SHOW));
	html(req, "</button></form>");
	markupf(req, "<a class=\"button\" href=\"/reports/registration.xlsx?cycle=%d\">", cycle);
	html_text(req, T(req, TX_RPT_DOWNLOAD_XLSX));
	markupf(req, "</a><a class=\"button\" href=\"/reports/registration.csv?cycle=%d\">", cycle);
	html_text(req, T(req, TX_RPT_DOWNLOAD_CSV));
	html(req, "</a><p class=\"scope\">");
	html_textf(req, T(req, TX_RPT_CYCLE_YEARS), cycle, cycle + years - 1);
	html(req, " · ");
	html_textf(req, T(req, TX_TOTAL), arena_printf(req->arena, "%ld", sum.total));
	html(req, "</p></div>\n<p class=\"hint\">");
	html_text(req, T(req, TX_RPT_SERVING_HINT));
	html(req, "</p>\n");
	charts(req, &sum);
	not_qualified(req, &sum, cycle, page);
	layout_end(req);
}

void page_report_registration_export(struct request *req)
{
	struct registry_scope sc;
	struct report_spec r = { .kind = REPORT_REGISTRATION };
	struct table_target to = { .mem = &req->out };
	struct err e = { 0 };
	char today[11];
	bool xlsx = strlen(req->path) > 5 && !strcmp(req->path + strlen(req->path) - 5, ".xlsx");
	long rows;
	int years;

	r.year = cycle_of(req, today, &years);
	if (!r.year) {
		req_error(req, 400);
		return;
	}
	registry_scope_of(&req->who, &sc);
	r.scope = &sc;
	r.today = today;
	r.format = xlsx ? REPORT_XLSX : REPORT_CSV;
	buf_reset(&req->out);
	if (report_write(req->store, &r, &to, &rows, &e) < 0) {
		buf_reset(&req->out);
		if (e.code == ERR_INVALID) {
			layout_error_page(req, 400, e.message);
			return;
		}
		fprintf(stderr, "tdc: %s %s: %s\n", req->method_name, req->path, e.message);
		req_error(req, 500);
		return;
	}
	req_download(req, xlsx ? XLSX_TYPE : CSV_TYPE,
		     arena_printf(req->arena, "%s-%d.%s", T(req, TX_RPT_FILE), r.year, xlsx ? "xlsx" : "csv"),
		     arena_printf(req->arena, "registration-%d.%s", r.year, xlsx ? "xlsx" : "csv"));
}
