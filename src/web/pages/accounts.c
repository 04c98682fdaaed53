/* accounts.c - the system admin's accounts: list, create, disable and
 * enable, reset a password, end all of an account's sessions.  Every change
 * goes through core/account.c, which audits it. */
#include "web/pages/pages.h"

#include <string.h>

#include "core/account.h"
#include "core/session.h"
#include "web/html.h"
#include "web/layout.h"

static const char *const role_codes[] = {
	"teacher", "school_admin", "centre_admin", "alliance", "evaluator", "bureau", "sysadmin",
};

static void post_button(struct request *req, const char *login, const char *action,
			enum text_id label, const char *cls)
{
	html(req, "<form class=\"inline\" method=\"post\" action=\"/admin/accounts/");
	html_url_arg(req, login);
	html(req, "/");
	html(req, action);
	html(req, "\">");
	html_csrf(req);
	html(req, "<button type=\"submit\" class=\"");
	html(req, cls);
	html(req, "\">");
	html_text(req, T(req, label));
	html(req, "</button></form>");
}

static void list_page(struct request *req, const char *notice_kind, const char *notice)
{
	const char *q = req_query(req, "q"), *role = req_query(req, "role");
	struct account_row *rows;
	int n;

	if (account_list(req->store, req->arena, q, role, &rows, &n) < 0) {
		req_error(req, 500);
		return;
	}
	layout_start(req, T(req, TX_ACCOUNTS));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_ACCOUNTS));
	html(req, "</h1><a class=\"button primary\" href=\"/admin/accounts/new\">");
	html_text(req, T(req, TX_NEW_ACCOUNT));
	html(req, "</a></div>\n");
	if (notice)
		layout_notice(req, notice_kind, notice);
	html(req, "<form class=\"filters\" method=\"get\" action=\"/admin/accounts\"><label>");
	html_text(req, T(req, TX_SEARCH));
	html(req, " <input type=\"search\" name=\"q\" value=\"");
	html_attr(req, q);
	html(req, "\"></label><label>");
	html_text(req, T(req, TX_ROLE));
	html(req, " <select name=\"role\">");
	html_option(req, "", T(req, TX_ALL), !role || !*role);
	for (size_t i = 0; i < sizeof role_codes / sizeof role_codes[0]; i++)
		html_option(req, role_codes[i], text_enum(req->lang, "role", role_codes[i]),
			    role && !strcmp(role, role_codes[i]));
	html(req, "</select></label><button type=\"submit\">");
	html_text(req, T(req, TX_FILTER));
	html(req, "</button></form>\n");
	if (n == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_NO_RESULTS));
		html(req, "</p>");
		layout_end(req);
		return;
	}
	{
		static const enum text_id cols[] = { TX_LOGIN, TX_DISPLAY_NAME, TX_ROLE, TX_SCOPE,
						     TX_STATUS, TX_LIVE_SESSIONS, TX_CREATED, TX_ACTIONS };

		html(req, "<div class=\"table-wrap\"><table class=\"data\">");
		layout_table_head(req, cols, sizeof cols / sizeof cols[0], NULL);
		html(req, "<tbody>");
	}
	for (int i = 0; i < n; i++) {
		struct account_row *r = &rows[i];

		html(req, r->disabled ? "<tr class=\"disabled\"><td><code>" : "<tr><td><code>");
		html_text(req, r->login);
		html(req, "</code></td><td>");
		html_text(req, r->display_name);
		html(req, "</td><td>");
		html_text(req, text_enum(req->lang, "role", r->role));
		html(req, "</td><td>");
		html_text(req, r->scope);
		html(req, "</td><td>");
		html(req, r->disabled ? "<span class=\"tag off\">" : "<span class=\"tag on\">");
		html_text(req, T(req, r->disabled ? TX_DISABLED : TX_ACTIVE));
		html(req, "</span></td><td class=\"num\">");
		html_textf(req, "%lld", (long long)r->sessions);
		html(req, "</td><td>");
		html_textf(req, "%.10s", r->created_at);
		html(req, "</td><td class=\"actions\">");
		if (r->disabled)
			post_button(req, r->login, "enable", TX_ENABLE, "");
		else
			post_button(req, r->login, "disable", TX_DISABLE, "danger");
		if (r->sessions)
			post_button(req, r->login, "sessions/revoke", TX_REVOKE_SESSIONS, "");
		html(req, "<details class=\"reset\"><summary>");
		html_text(req, T(req, TX_RESET_PASSWORD));
		html(req, "</summary><form method=\"post\" action=\"/admin/accounts/");
		html_url_arg(req, r->login);
		html(req, "/password\">");
		html_csrf(req);
		html(req, "<label>");
		html_text(req, T(req, TX_NEW_PASSWORD));
		html(req, " <input type=\"password\" name=\"password\" minlength=\"8\" required "
			  "autocomplete=\"new-password\"></label><button type=\"submit\">");
		html_text(req, T(req, TX_RESET_PASSWORD));
		html(req, "</button></form></details></td></tr>\n");
	}
	html(req, "</tbody></table></div>\n");
	layout_end(req);
}

void page_accounts(struct request *req)
{
	static const struct { const char *done; enum text_id text; } notices[] = {
		{ "created", TX_ACCOUNT_CREATED },
		{ "disabled", TX_ACCOUNT_DISABLED_DONE },
		{ "enabled", TX_ACCOUNT_ENABLED_DONE },
		{ "password", TX_PASSWORD_RESET_DONE },
		{ "revoked", TX_SESSIONS_REVOKED_DONE },
	};
	const char *done = req_query(req, "done");

	for (size_t i = 0; done && i < sizeof notices / sizeof notices[0]; i++)
		if (!strcmp(done, notices[i].done)) {
			list_page(req, "ok", T(req, notices[i].text));
			return;
		}
	list_page(req, NULL, NULL);
}

static void new_form(struct request *req, const struct err *err)
{
	const char *role = req_form(req, "role");
	static const struct { const char *name; enum text_id label; const char *type; } fields[] = {
		{ "login", TX_LOGIN, "text" },
		{ "display_name", TX_DISPLAY_NAME, "text" },
		{ "scope", TX_SCOPE, "text" },
		{ "person", TX_PERSON_ID, "text" },
		{ "password", TX_PASSWORD, "password" },
	};

	layout_start(req, T(req, TX_NEW_ACCOUNT));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_NEW_ACCOUNT));
	html(req, "</h1></div>\n");
	if (err && err->code)
		layout_notice(req, "error", err->message);
	html(req, "<form class=\"card form\" method=\"post\" action=\"/admin/accounts\">");
	html_csrf(req);
	html(req, "<label for=\"role\">");
	html_text(req, T(req, TX_ROLE));
	html(req, "</label><select id=\"role\" name=\"role\" required>");
	for (size_t i = 0; i < sizeof role_codes / sizeof role_codes[0]; i++)
		html_option(req, role_codes[i], text_enum(req->lang, "role", role_codes[i]),
			    role && !strcmp(role, role_codes[i]));
	html(req, "</select>");
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		bool bad = err && err->code && !strcmp(err->field, fields[i].name);

		html(req, "<label for=\"");
		html(req, fields[i].name);
		html(req, "\">");
		html_text(req, T(req, fields[i].label));
		html(req, "</label><input id=\"");
		html(req, fields[i].name);
		html(req, "\" name=\"");
		html(req, fields[i].name);
		html(req, "\" type=\"");
		html(req, fields[i].type);
		html(req, bad ? "\" aria-invalid=\"true\"" : "\"");
		if (strcmp(fields[i].type, "password")) {
			html(req, " value=\"");
			html_attr(req, req_form(req, fields[i].name));
			html(req, "\"");
		} else {
			html(req, " autocomplete=\"new-password\" minlength=\"8\"");
		}
		if (!strcmp(fields[i].name, "login") || !strcmp(fields[i].name, "password"))
			html(req, " required");
		html(req, ">");
		if (!strcmp(fields[i].name, "scope") || !strcmp(fields[i].name, "password")) {
			html(req, "<p class=\"hint\">");
			html_text(req, T(req, !strcmp(fields[i].name, "scope") ? TX_SCOPE_HELP : TX_PASSWORD_HELP));
			html(req, "</p>");
		}
	}
	html(req, "<button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, TX_CREATE));
	html(req, "</button></form>\n");
	layout_end(req);
}

void page_account_new(struct request *req)
{
	new_form(req, NULL);
}

void page_account_create(struct request *req)
{
	struct account_new in = {
		.login = req_form(req, "login"),
		.display_name = req_form(req, "display_name"),
		.role = role_parse(req_form(req, "role")),
		.scope = req_form(req, "scope"),
		.person_id_number = req_form(req, "person"),
		.password = req_form(req, "password"),
	};
	struct actor who = req_actor(req);
	struct err err = { 0 };

	if (account_create(req->store, &in, &who, NULL, &err) < 0) {
		req->status = err.code == ERR_CONFLICT ? 409 : err.code == ERR_INVALID ? 422 : 500;
		new_form(req, &err);
		return;
	}
	req_redirect(req, "/admin/accounts?done=created");
}

static void after_change(struct request *req, int rc, const struct err *err, const char *done)
{
	if (rc < 0) {
		req->status = err->code == ERR_NOT_FOUND ? 404 : err->code == ERR_INVALID ? 422 : 500;
		list_page(req, "error", err->message);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/admin/accounts?done=%s", done));
}

void page_account_disable(struct request *req)
{
	struct actor who = req_actor(req);
	struct err err = { 0 };

	after_change(req, account_disable(req->store, req_param(req, "login"), &who, &err), &err, "disabled");
}

void page_account_enable(struct request *req)
{
	struct actor who = req_actor(req);
	struct err err = { 0 };

	after_change(req, account_enable(req->store, req_param(req, "login"), &who, &err), &err, "enabled");
}

void page_account_password(struct request *req)
{
	struct actor who = req_actor(req);
	struct err err = { 0 };

	after_change(req, account_set_password(req->store, req_param(req, "login"),
					       req_form(req, "password"), &who, &err),
		     &err, "password");
}

void page_account_revoke(struct request *req)
{
	struct actor who = req_actor(req);
	struct err err = { 0 };

	after_change(req, account_revoke_sessions(req->store, req_param(req, "login"), &who, &err),
		     &err, "revoked");
}
