/* layout.c - the page frame and navigation (see layout.h). */
#include "layout.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/authz.h"
#include "lib/clock.h"
#include "web/html.h"

struct nav_item {
	const char *href;
	enum text_id label;
	enum permission perm;
};

/* Navigation shows only what the role may open: the same permissions the
 * router checks, so a link never leads to a 403. */
static const struct nav_item nav[] = {
	{ "/", TX_HOME, PERM_SIGNED_IN },
	/* registry (issue 4) */
	{ "/schools", TX_SCHOOLS, PERM_REGISTRY_READ },
	{ "/persons", TX_PERSONS, PERM_REGISTRY_READ },
	{ "/persons/me", TX_MY_RECORD, PERM_REGISTRY_READ }, /* teachers: see nav_shown() */
	/* import (issue 4) */
	{ "/import", TX_IMPORT, PERM_REGISTRY_WRITE },
	{ "/activation", TX_ACTIVATION, PERM_REGISTRY_WRITE },
	/* training and hours (issue 5) */
	/* issue 5 anchor: programmes */
	{ "/programmes", TX_PRG_PROGRAMMES, PERM_TRAINING_READ },
	/* issue 5 anchor: enrolment */
	{ "/programmes/mine", TX_ENR_MINE, PERM_ENROL },
	/* issue 5 anchor: attendance */
	/* issue 5 anchor: ledger */
	{ "/hours/me", TX_HRS_MY_HOURS, PERM_HOURS_READ }, /* her own; others are sent home */
	/* issue 5 anchor: credits */
	{ "/admin/accounts", TX_ACCOUNTS, PERM_ACCOUNTS_MANAGE },
	{ "/admin/audit", TX_AUDIT_LOG, PERM_AUDIT_READ },
	/* issue 6 anchor: settings */
	{ "/admin/settings", TX_SET_TITLE, PERM_SETTINGS_MANAGE },
	/* issue 6 anchor: assessment */
	{ "/assessment", TX_ASM_NAV, PERM_ASSESSMENT_READ },
	/* issue 6 anchor: appraisals */
	/* issue 6 anchor: registration */
	{ "/registration", TX_RF_NAV, PERM_REGISTRATION_APPLY },
	{ "/registration/review", TX_RF_NAV_REVIEW, PERM_REGISTRATION_REVIEW },
	{ "/registration/decide", TX_RF_NAV_DECIDE, PERM_REGISTRATION_DECIDE },
	/* 公示 is for a school's staff: its admin (here) and its teachers
	 * (on their registration page) */
	{ "/registration/public", TX_RF_NAV_PUBLIC, PERM_REGISTRATION_REVIEW },
	/* issue 6 anchor: recognition */
	{ "/recognition", TX_REC_NAV_MINE, PERM_RECOGNITION_APPLY },
	{ "/recognition/review", TX_REC_NAV_REVIEW, PERM_RECOGNITION_REVIEW },
	{ "/recognition/rules", TX_REC_NAV_RULES, PERM_RECOGNITION_RULES },
	/* issue 6 anchor: reports */
	{ "/reports/registration", TX_RPT_REGISTRATION, PERM_ASSESSMENT_READ },
};

/* A teacher's registry is her own record: 我的档案 replaces the lists,
 * which would hold her alone (registry, issue 4). */
static bool nav_shown(const struct request *req, const struct nav_item *it)
{
	bool teacher = req->who.role == ROLE_TEACHER;

	if (!strcmp(it->href, "/persons/me") || !strcmp(it->href, "/hours/me") ||
	    !strcmp(it->href, "/programmes/mine"))
		return teacher;
	if (teacher && (!strcmp(it->href, "/schools") || !strcmp(it->href, "/persons")))
		return false;
	/* a district/county centre decides on the bureau's behalf (教师〔2013〕9号);
	 * a municipal centre has no registration to decide */
	if (!strcmp(it->href, "/registration/decide") && req->who.role == ROLE_CENTRE_ADMIN &&
	    strcmp(req->who.centre_kind, "district"))
		return false;
	return authz_permits(&req->who, it->perm, NULL);
}

const char *layout_role_name(struct request *req, enum role r)
{
	return text_enum(req->lang, "role", role_code(r));
}

static void lang_link(struct request *req)
{
	enum lang other = req->lang == LANG_ZH ? LANG_EN : LANG_ZH;

	html(req, "<a class=\"lang\" href=\"/lang?to=");
	html(req, text_lang_code(other));
	html(req, "&amp;back=");
	html_url_arg(req, req->path);
	html(req, "\" lang=\"");
	html(req, other == LANG_EN ? "en" : "zh-CN");
	html(req, "\">");
	html_text(req, T(req, TX_LANGUAGE_OTHER));
	html(req, "</a>");
}

void layout_start(struct request *req, const char *title)
{
	bool in = principal_signed_in(&req->who);

	html(req, "<!doctype html>\n<html lang=\"");
	html(req, req->lang == LANG_EN ? "en" : "zh-CN");
	html(req, "\">\n<head>\n<meta charset=\"utf-8\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_text(req, title);
	html(req, " · ");
	html_text(req, req->app->config.site_name);
	html(req, "</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
		  "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
		  "<script src=\"/static/app.js\" defer></script>\n"
		  "</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
	html_text(req, T(req, TX_SKIP_TO_CONTENT));
	html(req, "</a>\n<header class=\"site\">\n<div class=\"bar\">\n"
		  "<a class=\"brand\" href=\"/\"><img src=\"/static/favicon.svg\" alt=\"\" width=\"28\" height=\"28\">"
		  "<span>");
	html_text(req, req->app->config.site_name);
	html(req, "</span></a>\n<div class=\"who\">");
	lang_link(req);
	if (in) {
		html(req, "<span class=\"user\"><span class=\"name\">");
		html_text(req, req->who.name);
		html(req, "</span><span class=\"role\">");
		html_text(req, layout_role_name(req, req->who.role));
		if (*req->who.scope_name) {
			html(req, " · ");
			html_text(req, req->who.scope_name);
		}
		html(req, "</span></span><form class=\"signout\" method=\"post\" action=\"/logout\">");
		html_csrf(req);
		html(req, "<button type=\"submit\">");
		html_text(req, T(req, TX_SIGN_OUT));
		html(req, "</button></form>");
	}
	html(req, "</div>\n</div>\n");
	if (in) {
		html(req, "<nav class=\"main\" aria-label=\"");
		html_attr(req, T(req, TX_MENU));
		html(req, "\"><ul>");
		for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
			bool current;

			if (!nav_shown(req, &nav[i]))
				continue;
			current = !strcmp(nav[i].href, "/") ? !strcmp(req->path, "/") :
				  !strncmp(req->path, nav[i].href, strlen(nav[i].href));
			html(req, current ? "<li><a aria-current=\"page\" href=\"" : "<li><a href=\"");
			html_attr(req, nav[i].href);
			html(req, "\">");
			html_text(req, T(req, nav[i].label));
			html(req, "</a></li>");
		}
		html(req, "</ul></nav>\n");
	}
	html(req, "</header>\n<main id=\"main\">\n");
}

void layout_end(struct request *req)
{
	html(req, "</main>\n<footer class=\"site\"><p>");
	html_text(req, T(req, TX_FOOTER));
	html(req, "</p></footer>\n</body>\n</html>\n");
}

void layout_table_head(struct request *req, const enum text_id *labels, size_t n,
		       const char *const *classes)
{
	html(req, "<thead><tr>");
	for (size_t i = 0; i < n; i++) {
		html(req, "<th scope=\"col\"");
		if (classes && classes[i]) {
			html(req, " class=\"");
			html_attr(req, classes[i]);
			html(req, "\"");
		}
		html(req, ">");
		html_text(req, T(req, labels[i]));
		html(req, "</th>");
	}
	html(req, "</tr></thead>");
}

void layout_notice(struct request *req, const char *kind, const char *message)
{
	html(req, "<p class=\"notice ");
	html_attr(req, kind);
	html(req, strcmp(kind, "error") ? "\" role=\"status\">" : "\" role=\"alert\">");
	html_text(req, message);
	html(req, "</p>\n");
}

void layout_error_page(struct request *req, int status, const char *message)
{
	const char *help = status == 403 ? T(req, TX_ERR_403_HELP) :
			   status == 404 ? T(req, TX_ERR_404_HELP) : NULL;

	req->status = status;
	req->content_type = "text/html; charset=utf-8";
	layout_start(req, message);
	html(req, "<section class=\"error-page\"><p class=\"code\">");
	html_textf(req, "%d", status);
	html(req, "</p><h1>");
	html_text(req, message);
	html(req, "</h1>");
	if (help) {
		html(req, "<p>");
		html_text(req, help);
		html(req, "</p>");
	}
	html(req, "<p><a class=\"button\" href=\"/\">");
	html_text(req, T(req, TX_BACK_HOME));
	html(req, "</a></p></section>\n");
	layout_end(req);
}

const char *layout_time_text(const char *iso, char *out, size_t n)
{
	time_t t;
	struct tm tm;

	if (iso && clock_parse_iso(iso, &t) == 0 && localtime_r(&t, &tm) &&
	    strftime(out, n, "%Y-%m-%d %H:%M", &tm) > 0)
		return out;
	snprintf(out, n, "%s", iso ? iso : "");
	return out;
}

void layout_time(struct request *req, const char *iso)
{
	char out[32];

	html_text(req, layout_time_text(iso, out, sizeof out));
}
