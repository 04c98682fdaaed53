/* home.c - the home page of each role: counts of what is in scope and
 * shortcuts.  A teacher's page opens with her hours (issue 5); later
 * capabilities (programmes, assessment) add their panels here. */
#include "web/pages/pages.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/authz.h"
#include "core/hours.h"
#include "core/ledger.h"
#include "core/org.h"
#include "lib/clock.h"
#include "web/html.h"
#include "web/layout.h"

static void stat_box(struct request *req, enum text_id label, int64_t value)
{
	html(req, "<div class=\"stat\"><span class=\"value\">");
	html_textf(req, "%lld", (long long)value);
	html(req, "</span><span class=\"label\">");
	html_text(req, T(req, label));
	html(req, "</span></div>");
}

static void shortcut(struct request *req, const char *href, enum text_id label)
{
	html(req, "<li>");
	html_link(req, href, T(req, label));
	html(req, "</li>");
}

static void breakdown_table(struct request *req, const struct org_scope *sc, const char *by,
			    enum text_id caption, enum text_id first_col, const char *enum_kind)
{
	struct org_row *rows;
	int n;

	if (org_breakdown(req->store, req->arena, sc, by, &rows, &n) < 0 || n == 0)
		return;
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, caption));
	html(req, "</h2><table class=\"data\">");
	{
		const enum text_id cols[] = { first_col, TX_SCHOOLS, TX_TEACHERS };
		static const char *const classes[] = { NULL, "num", "num" };

		layout_table_head(req, cols, 3, classes);
	}
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		html(req, "<tr><th scope=\"row\">");
		html_text(req, enum_kind ? text_enum(req->lang, enum_kind, rows[i].code) : rows[i].name);
		html(req, "</th><td class=\"num\">");
		html_textf(req, "%lld", (long long)rows[i].schools);
		html(req, "</td><td class=\"num\">");
		html_textf(req, "%lld", (long long)rows[i].persons);
		html(req, "</td></tr>");
	}
	html(req, "</tbody></table></section>\n");
}

static void heading(struct request *req)
{
	html(req, "<div class=\"page-head\"><h1>");
	html_textf(req, T(req, TX_WELCOME), req->who.name);
	html(req, "</h1><p class=\"scope\">");
	html_text(req, layout_role_name(req, req->who.role));
	if (*req->who.scope_name) {
		html(req, " · ");
		html_text(req, req->who.scope_name);
	}
	if (*req->who.domain) {
		html(req, " · ");
		html_text(req, text_enum(req->lang, "domain", req->who.domain));
	}
	html(req, "</p></div>\n");
}

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

/* This year's hours against the minimum, as a ring, and the cycle's
 * against its requirement, from hours_totals (ledger_progress(): never a
 * scan of the ledger), with the way to every entry. */
static void hours_panel(struct request *req)
{
	struct person_card c;
	struct ledger_progress pr;
	char now[ISO_TIME_LEN], h1[HOURS_TEXT_MAX], h2[HOURS_TEXT_MAX];
	const double r = 40, circ = 2 * 3.14159265358979 * r;
	double share;

	if (!req->who.person_id || org_person_card(req->store, req->who.person_id, &c) != 0)
		return;
	clock_now_iso(now);
	if (ledger_progress(req->store, req->who.person_id, c.service_start, atoi(now), &pr) != 0)
		return;
	share = pr.yearly_required10 > 0 && pr.year10 > 0 ? (double)pr.year10 / pr.yearly_required10 : 0;
	if (share > 1 || pr.yearly_required10 <= 0)
		share = 1;
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_HRS_PROGRESS));
	html(req, "</h2><div class=\"stats\"><div class=\"stat\">");
	html(req, "<svg viewBox=\"0 0 100 100\" width=\"96\" height=\"96\" aria-hidden=\"true\">"
		  "<circle cx=\"50\" cy=\"50\" r=\"40\" fill=\"none\" stroke=\"#e3e8ee\" stroke-width=\"12\"/>");
	markupf(req, "<circle cx=\"50\" cy=\"50\" r=\"40\" fill=\"none\" stroke=\"%s\" stroke-width=\"12\""
		   " stroke-linecap=\"round\" stroke-dasharray=\"%.1f %.1f\" transform=\"rotate(-90 50 50)\"/></svg>",
		   share >= 1 ? "#2e7d4f" : "#1f6feb", share * circ, circ);
	html(req, "<span class=\"value\">");
	html_text(req, hours_format(pr.year10, h1));
	html(req, "</span><span class=\"label\">");
	html_text(req, T(req, TX_HOURS_THIS_YEAR));
	html(req, " / ");
	html_text(req, hours_format(pr.yearly_required10, h2));
	html(req, "</span></div><div class=\"stat\"><span class=\"value\">");
	html_text(req, hours_format(pr.cycle10, h1));
	html(req, "</span><span class=\"label\">");
	html_textf(req, T(req, TX_HRS_CYCLE), pr.cycle_start, pr.cycle_end);
	html(req, " / ");
	html_text(req, hours_format(pr.cycle_required10, h2));
	html(req, "</span></div></div><p class=\"hint\">");
	html_textf(req, T(req, TX_HRS_OF_REQUIRED), hours_format(pr.year10, h1),
		   hours_format(pr.yearly_required10, h2));
	html(req, " ");
	html_link(req, "/hours/me", T(req, TX_HRS_VIEW));
	html(req, "</p></section>\n");
}

static void home_teacher(struct request *req)
{
	struct person_card c;
	static const struct { enum text_id label; int field; } rows[] = {
		{ TX_NAME, 0 }, { TX_ID_NUMBER, 1 }, { TX_SCHOOL, 2 }, { TX_SUBJECT, 3 },
		{ TX_TITLE, 4 }, { TX_EDUCATION, 5 }, { TX_KEY_LEVEL, 6 }, { TX_SERVICE_START, 7 },
	};

	html(req, "<div class=\"grid two\">\n");
	hours_panel(req);
	if (req->who.person_id && org_person_card(req->store, req->who.person_id, &c) == 0) {
		html(req, "<section class=\"panel\"><h2>");
		html_text(req, T(req, TX_MY_RECORD));
		html(req, "</h2><dl class=\"facts\">");
		for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
			const char *v = "";

			switch (rows[i].field) {
			case 0: v = c.name; break;
			case 1: v = c.id_number; break; /* her own number: not masked */
			case 2: v = c.school; break;
			case 3: v = c.subject; break;
			case 4: v = text_enum(req->lang, "title", c.title); break;
			case 5: v = text_enum(req->lang, "education", c.education); break;
			case 6: v = text_enum(req->lang, "key_level", c.key_level); break;
			case 7: v = c.service_start; break;
			}
			html(req, "<dt>");
			html_text(req, T(req, rows[i].label));
			html(req, "</dt><dd>");
			html_text(req, *v ? v : "—");
			html(req, "</dd>");
		}
		html(req, "</dl></section>\n");
	}
	enrolment_home_section(req); /* issue 5: her enrolments, and a seat won from the waiting list */
	html(req, "</div>\n");
}

static void home_registry(struct request *req)
{
	struct org_scope sc;
	struct org_counts c;
	char prefix[7] = "";

	org_scope_of(&req->who, &sc, prefix);
	if (org_counts(req->store, &sc, &c) < 0) {
		req_error(req, 500);
		return;
	}
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_OVERVIEW));
	html(req, "</h2><div class=\"stats\">");
	if (req->who.role == ROLE_BUREAU || req->who.role == ROLE_SYSADMIN) {
		stat_box(req, TX_MUNICIPAL_CENTRES, c.municipal_centres);
		stat_box(req, TX_DISTRICT_CENTRES, c.district_centres);
	}
	if (req->who.role != ROLE_SCHOOL_ADMIN)
		stat_box(req, TX_SCHOOLS, c.schools);
	stat_box(req, TX_TEACHERS, c.persons);
	stat_box(req, TX_KEY_TEACHERS, c.key_teachers);
	html(req, "<div class=\"stat\"><span class=\"value\">");
	html_textf(req, "%.1f%%", c.persons ? 100.0 * (double)c.senior_titles / (double)c.persons : 0.0);
	html(req, "</span><span class=\"label\">");
	html_text(req, T(req, TX_SENIOR_SHARE));
	html(req, "</span></div></div></section>\n<div class=\"grid two\">");
	if (req->who.role == ROLE_SCHOOL_ADMIN) {
		breakdown_table(req, &sc, "title", TX_SCHOOL_STAFF_BY_TITLE, TX_TITLE, "title");
	} else {
		if (!sc.district_code)
			breakdown_table(req, &sc, "district", TX_DISTRICTS, TX_REGION, NULL);
		breakdown_table(req, &sc, "stage", TX_STAGE, TX_STAGE, "stage");
	}
	html(req, "</div>\n");
}

static void home_sysadmin(struct request *req)
{
	int64_t accounts = 0, sessions = 0, audit = 0;

	org_account_stats(req->store, &accounts, &sessions, &audit);
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_ACCOUNTS));
	html(req, "</h2><div class=\"stats\">");
	stat_box(req, TX_ACTIVE_ACCOUNTS, accounts);
	stat_box(req, TX_LIVE_SESSIONS, sessions);
	stat_box(req, TX_AUDIT_LOG, audit);
	html(req, "</div><h3>");
	html_text(req, T(req, TX_SHORTCUTS));
	html(req, "</h3><ul class=\"shortcuts\">");
	shortcut(req, "/admin/accounts", TX_ACCOUNTS);
	shortcut(req, "/admin/accounts/new", TX_NEW_ACCOUNT);
	shortcut(req, "/admin/audit", TX_AUDIT_LOG);
	html(req, "</ul></section>\n");
	home_registry(req);
}

static void home_alliance(struct request *req)
{
	struct alliance_member *m;
	const char *name;
	int n;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	if (org_alliance_members(req->store, req->arena, req->who.scope, tm.tm_year + 1900, &m, &n,
				 &name) < 0) {
		req_error(req, 500);
		return;
	}
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, *name ? name : T(req, TX_ALLIANCE));
	html(req, "</h2>");
	for (int i = 0; i < n; i++)
		if (m[i].chair_this_year) {
			html(req, "<p class=\"lead\">");
			html_text(req, T(req, TX_CHAIR_THIS_YEAR));
			html(req, "：<strong>");
			html_text(req, m[i].centre_name);
			html(req, "</strong></p>");
		}
	html(req, "<div class=\"scroll\"><table class=\"data\">");
	{
		static const enum text_id cols[] = { TX_ROTATION, TX_MEMBERS, TX_DOMAIN,
						     TX_REPRESENTATIVE, TX_LIAISON };

		layout_table_head(req, cols, sizeof cols / sizeof cols[0], NULL);
	}
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		html(req, m[i].chair_this_year ? "<tr class=\"current\"><td>" : "<tr><td>");
		html_textf(req, "%d", m[i].rotation);
		html(req, "</td><td>");
		html_text(req, m[i].centre_name);
		html(req, "</td><td>");
		html_text(req, text_enum(req->lang, "domain", m[i].domain));
		html(req, "</td><td>");
		html_text(req, m[i].representative);
		html(req, "</td><td>");
		html_text(req, m[i].liaison);
		html(req, "</td></tr>");
	}
	html(req, "</tbody></table></div></section>\n");
}

static void home_evaluator(struct request *req)
{
	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_EVALUATIONS_ASSIGNED));
	html(req, "</h2><p class=\"empty\">");
	html_text(req, T(req, TX_NONE_YET));
	html(req, "</p></section>\n");
}

void page_home(struct request *req)
{
	layout_start(req, T(req, TX_HOME));
	heading(req);
	switch (req->who.role) {
	case ROLE_TEACHER: home_teacher(req); break;
	case ROLE_SCHOOL_ADMIN:
	case ROLE_CENTRE_ADMIN:
	case ROLE_BUREAU: home_registry(req); break;
	case ROLE_ALLIANCE: home_alliance(req); break;
	case ROLE_EVALUATOR: home_evaluator(req); break;
	case ROLE_SYSADMIN: home_sysadmin(req); break;
	default: break;
	}
	if (req->status == 500)
		return;
	assessment_home_section(req); /* issue 6: the look-ahead to 31 December, from 1 October */
	layout_end(req);
}
