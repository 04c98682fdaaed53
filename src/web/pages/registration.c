/* registration.c - the re-registration workflow's pages (定期注册; issue 6
 * §5; core/registration_flow.h keeps the states, core/registration.h the
 * outcome).
 *
 *   /registration                 the teacher: her status, what is missing,
 *                                 her applications, apply / withdraw
 *   /registration/review          the school admin: applications to agree or return
 *   /registration/decide/{cycle}  the district or county centre: agreed
 *                                 applications to decide, one by one or all
 *                                 qualified ones as a batch (a job)
 *   /registration/batches/{id}    the batch's progress, then its result
 *   /registration/public          公示: the school's decisions posted now
 *   /registration/{id}/decision   the printable decision
 *
 * A malformed {id} or {cycle} is a 400; an application the caller may not
 * see is a 404, as if there were none. */
#include "web/pages/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/authz.h"
#include "core/registration.h"
#include "core/registration_flow.h"
#include "core/registry.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "store/store.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/regjobs.h"

static void times(char now[ISO_TIME_LEN], char today[DATE_LEN + 1])
{
	clock_now_iso(now);
	clock_today(today);
}

/* A positive whole number from a path or form, or -1. */
static int64_t id_of(const char *v)
{
	char *end;
	long long n;

	if (!v || !*v || *v < '0' || *v > '9')
		return -1;
	n = strtoll(v, &end, 10);
	return *end || n <= 0 ? -1 : (int64_t)n;
}

static bool load_rules(struct request *req, struct hours_rules *rules)
{
	if (hours_rules_load(req->store, rules) < 0) {
		req_error(req, 500);
		return false;
	}
	return true;
}

/* The cycle a page shows: the last that has ended, or ?cycle=S for an
 * admin looking at another (a year on which a cycle starts). */
static int page_cycle(struct request *req, const struct hours_rules *rules, const char *today,
		      const char *asked)
{
	int64_t c;

	if (!asked || !*asked)
		return regflow_cycle(rules, today);
	c = id_of(asked);
	if (c < 1900 || c > 2200 || hours_cycle_start(rules, (int)c) != c)
		return -1;
	return (int)c;
}

static void cycle_label(struct request *req, const struct hours_rules *rules, int cycle)
{
	html_textf(req, T(req, TX_RF_CYCLE_OF), cycle, cycle + rules->cycle_years - 1);
}

static void masked(struct request *req, const char *id_number)
{
	char m[ID_NUMBER_LEN + 1];

	idcard_mask(id_number, m);
	html_text(req, m);
}

static const char *hours_text(struct request *req, int64_t hours10)
{
	char b[HOURS_TEXT_MAX];

	return arena_strdup(req->arena, hours_format(hours10, b));
}

static void outcome_badge(struct request *req, const char *code)
{
	html(req, "<span class=\"state outcome-");
	html_attr(req, code);
	html(req, "\" data-outcome=\"");
	html_attr(req, code);
	html(req, "\">");
	html_text(req, text_enum(req->lang, "reg_outcome", code));
	html(req, "</span>");
}

/* Each reason in words, with the numbers behind it. */
static void reasons_list(struct request *req, const struct registration_result *r,
			 const struct hours_rules *rules)
{
	if (!r->reasons) {
		html(req, "<p class=\"reasons none\">");
		html_text(req, T(req, TX_RF_ALL_MET));
		html(req, "</p>\n");
		return;
	}
	html(req, "<ul class=\"reasons\">");
	for (int i = 0; i < REG_REASONS; i++) {
		const char *code = registration_reason_code(i);

		if (!(r->reasons & (1u << i)))
			continue;
		html(req, "<li data-reason=\"");
		html_attr(req, code);
		html(req, "\"><strong>");
		html_text(req, text_enum(req->lang, "reg_reason", code));
		html(req, "</strong>: ");
		switch (1u << i) {
		case REG_HOURS:
			html_textf(req, T(req, TX_RF_WHY_HOURS), hours_text(req, r->hours10),
				   hours_text(req, r->required10),
				   hours_text(req, r->required10 - r->hours10));
			break;
		case REG_APPRAISAL:
			if (r->unqualified_years > 0)
				html_textf(req, T(req, TX_RF_WHY_APPRAISAL), r->unqualified_years);
			else
				html_text(req, T(req, TX_RF_WHY_BASIC));
			break;
		case REG_NO_APPRAISAL:
			html_textf(req, T(req, TX_RF_WHY_NO_APPRAISAL), r->missing_years);
			break;
		case REG_SUSPENSION:
			html_textf(req, T(req, TX_RF_WHY_SUSPENSION), r->suspended_days,
				   rules->suspension_limit_days);
			break;
		case REG_ETHICS:
			html_text(req, T(req, TX_RF_WHY_ETHICS));
			break;
		case REG_REVOKED:
			html_text(req, T(req, TX_RF_WHY_REVOKED));
			break;
		}
		html(req, "</li>");
	}
	html(req, "</ul>\n");
}

/* Stored reasons (a decision): the codes in words. */
static void reason_words(struct request *req, unsigned reasons)
{
	bool any = false;

	for (int i = 0; i < REG_REASONS; i++) {
		if (!(reasons & (1u << i)))
			continue;
		if (any)
			html(req, "、");
		html_text(req, text_enum(req->lang, "reg_reason", registration_reason_code(i)));
		any = true;
	}
	if (!any)
		html(req, "—");
}

static void publicity(struct request *req, const struct regflow_app *a, const char *today)
{
	switch (regflow_publicity(a, today)) {
	case REGFLOW_POSTED:
		html(req, "<span class=\"publicity posted\" data-publicity=\"posted\">");
		html_textf(req, T(req, TX_RF_UNDER_PUBLICITY), a->posted_at, a->final_date);
		html(req, "</span>");
		break;
	case REGFLOW_FINAL:
		html(req, "<span class=\"publicity final\" data-publicity=\"final\">");
		html_textf(req, T(req, TX_RF_FINAL_SINCE), a->final_date);
		html(req, "</span>");
		break;
	default:
		html(req, "—");
	}
}

static void state_badge(struct request *req, const char *state)
{
	html(req, "<span class=\"state state-");
	html_attr(req, state);
	html(req, "\" data-state=\"");
	html_attr(req, state);
	html(req, "\">");
	html_text(req, text_enum(req->lang, "reg_state", state));
	html(req, "</span>");
}

/* A one-button form that posts to /registration/{id}/{verb}, with an input
 * before the button when field is given (its label, and whether it must
 * be filled). */
struct action {
	const char *verb, *form_class;
	enum text_id button;
	bool primary;
	const char *field;          /* NULL: none */
	enum text_id field_label;
	bool required;
};

static void action_form(struct request *req, int64_t id, const struct action *ac)
{
	html(req, "<form method=\"post\" class=\"");
	html_attr(req, ac->form_class);
	html(req, "\" action=\"/registration/");
	html_textf(req, "%lld/%s", (long long)id, ac->verb);
	html(req, "\">");
	html_csrf(req);
	if (ac->field) {
		html(req, "<label>");
		html_text(req, T(req, ac->field_label));
		html(req, " <input name=\"");
		html_attr(req, ac->field);
		html(req, ac->required ? "\" required maxlength=\"2000\"></label> "
				       : "\" maxlength=\"2000\"></label> ");
	}
	html(req, ac->primary ? "<button type=\"submit\" class=\"primary\">" : "<button type=\"submit\">");
	html_text(req, T(req, ac->button));
	html(req, "</button></form>");
}

static const struct action withdraw_action = { "withdraw", "inline", TX_RF_WITHDRAW, false, NULL, 0, false };
static const struct action agree_action = { "agree", "inline", TX_RF_AGREE, true, NULL, 0, false };
static const struct action return_action = { "return", "return", TX_RF_RETURN, false, "comment",
					     TX_RF_COMMENT, true };
static const struct action decide_action = { "decide", "decide", TX_RF_DECIDE, true, "note", TX_RF_NOTE,
					     false };

/* The row that says a table is empty. */
static void empty_row(struct request *req, int columns, enum text_id text)
{
	html(req, "<tr><td colspan=\"");
	html_textf(req, "%d", columns);
	html(req, "\">");
	html_text(req, T(req, text));
	html(req, "</td></tr>");
}

/* The first cells of an application's row: its name and masked number. */
static void row_start(struct request *req, const struct regflow_app *a)
{
	html(req, "<tr data-application=\"");
	html_textf(req, "%lld", (long long)a->id);
	html(req, "\"><td>");
	html_text(req, a->name);
	html(req, "</td><td>");
	masked(req, a->id_number);
	html(req, "</td>");
}

static void done_notice(struct request *req)
{
	const char *done = req_query(req, "done");
	static const struct {
		const char *code;
		enum text_id text;
	} dones[] = {
		{ "applied", TX_RF_DONE_APPLIED }, { "withdrawn", TX_RF_DONE_WITHDRAWN },
		{ "agreed", TX_RF_DONE_AGREED }, { "returned", TX_RF_DONE_RETURNED },
		{ "decided", TX_RF_DONE_DECIDED },
	};

	for (size_t i = 0; done && i < sizeof dones / sizeof dones[0]; i++)
		if (!strcmp(done, dones[i].code))
			layout_notice(req, "ok", T(req, dones[i].text));
}

/* A refused step as a page: the status from the error, the words ours. */
static void step_error(struct request *req, const struct err *e)
{
	switch (e->code) {
	case ERR_NOT_FOUND:
		req_error(req, 404);
		break;
	case ERR_CONFLICT:
		layout_error_page(req, 409, arena_printf(req->arena, "%s (%s)", T(req, TX_RF_E_STATE),
							 e->message));
		break;
	case ERR_INVALID:
		layout_error_page(req, 422, !strcmp(e->field, "comment") ? T(req, TX_RF_E_COMMENT)
									 : T(req, TX_RF_E_TOO_LONG));
		break;
	default:
		layout_error_page(req, 500, e->message);
	}
}

/* The frame of the review and decide pages: the heading with the
 * caller's school or centre and the cycle, the notice of the step just
 * done, the help, and the table's head. */
/* A worklist shows the oldest this many; deciding them brings the next
 * (each row is judged now, a few queries each).  The batch takes all. */
enum { WORKLIST_MAX = 300 };

static void worklist_more(struct request *req, int n)
{
	if (n >= WORKLIST_MAX)
		layout_notice(req, "info", T(req, TX_RF_LIST_MORE));
}

static void worklist_start(struct request *req, enum text_id title, enum text_id help,
			   const struct hours_rules *rules, int cycle, const char *table_class,
			   const enum text_id *head, size_t nhead, int n)
{
	layout_start(req, T(req, title));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, title));
	html(req, "</h1><p class=\"scope\">");
	html_text(req, req->who.scope_name);
	html(req, " · ");
	cycle_label(req, rules, cycle);
	html(req, "</p></div>\n");
	done_notice(req);
	worklist_more(req, n);
	html(req, "<p class=\"help\">");
	html_text(req, T(req, help));
	html(req, "</p>\n<div class=\"table-wrap\"><table class=\"data ");
	html_attr(req, table_class);
	html(req, "\">");
	layout_table_head(req, head, nhead, NULL);
	html(req, "<tbody>");
}

/* ---- the teacher ---- */

static void conditions(struct request *req, const struct hours_rules *rules, int cycle,
		       const struct registration_result *r, const enum appraisal_result *appr,
		       const char *service_start, const char *today)
{
	int last_ended = atoi(today) - 1;

	html(req, "<table class=\"data conditions\"><tbody>");
	html(req, "<tr data-condition=\"hours\"><th scope=\"row\">");
	html_text(req, T(req, TX_RF_COND_HOURS));
	html(req, "</th><td>");
	html_textf(req, T(req, TX_RF_HOURS_OF), hours_text(req, r->hours10), hours_text(req, r->required10));
	html(req, "</td><td>");
	html_text(req, T(req, r->reasons & REG_HOURS ? TX_RF_NOT_MET : TX_RF_MET));
	html(req, "</td></tr>\n");
	for (int i = 0; i < rules->cycle_years && i < REG_YEARS_MAX; i++) {
		int y = cycle + i;
		const char *word;
		/* the same reading of each year as registration_decide() */
		bool assessed = hours_assessed_in(service_start, y);
		bool bad = appr[i] == APPRAISAL_UNQUALIFIED ||
			   (appr[i] == APPRAISAL_BASIC && rules->basic_defers) ||
			   (appr[i] == APPRAISAL_MISSING && assessed && y <= last_ended);

		if (appr[i] != APPRAISAL_MISSING)
			word = text_enum(req->lang, "reg_appraisal", appraisal_result_code(appr[i]));
		else if (!assessed)
			word = T(req, TX_RF_APPR_NOT_ASSESSED);
		else if (y > last_ended)
			word = T(req, TX_RF_APPR_NOT_DUE);
		else
			word = T(req, TX_RF_APPR_MISSING);
		html(req, "<tr data-condition=\"appraisal\"><th scope=\"row\">");
		html_textf(req, T(req, TX_RF_COND_APPRAISAL), y);
		html(req, "</th><td>");
		html_text(req, word);
		html(req, "</td><td>");
		html_text(req, T(req, bad ? TX_RF_NOT_MET : TX_RF_MET));
		html(req, "</td></tr>\n");
	}
	html(req, "<tr data-condition=\"suspension\"><th scope=\"row\">");
	html_text(req, T(req, TX_RF_COND_SUSPENSION));
	html(req, "</th><td>");
	html_textf(req, T(req, TX_RF_DAYS_OF), r->suspended_days, rules->suspension_limit_days);
	html(req, "</td><td>");
	html_text(req, T(req, r->reasons & REG_SUSPENSION ? TX_RF_NOT_MET : TX_RF_MET));
	html(req, "</td></tr>\n<tr data-condition=\"ethics\"><th scope=\"row\">");
	html_text(req, T(req, TX_RF_COND_ETHICS));
	html(req, "</th><td>");
	html_text(req, T(req, r->reasons & (REG_ETHICS | REG_REVOKED) ? TX_RF_RECORDED : TX_RF_NONE_RECORDED));
	html(req, "</td><td>");
	html_text(req, T(req, r->reasons & (REG_ETHICS | REG_REVOKED) ? TX_RF_NOT_MET : TX_RF_MET));
	html(req, "</td></tr>\n</tbody></table>\n");
}

static void history(struct request *req, const struct regflow_app *apps, int n, const char *today,
		    bool teacher)
{
	static const enum text_id head[] = { TX_RF_APPLIED_AT, TX_STATUS, TX_RF_SCHOOL_COMMENT,
					     TX_RF_DECISION, TX_RF_PUBLICITY };

	html(req, "<div class=\"table-wrap\"><table class=\"data history\">");
	layout_table_head(req, head, sizeof head / sizeof head[0], NULL);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		const struct regflow_app *a = &apps[i];

		html(req, "<tr data-application=\"");
		html_textf(req, "%lld", (long long)a->id);
		html(req, "\"><td>");
		html_textf(req, "%.10s", a->applied_at);
		html(req, "</td><td>");
		state_badge(req, a->state);
		if (teacher && !strcmp(a->state, "applied")) {
			html(req, " ");
			action_form(req, a->id, &withdraw_action);
		}
		html(req, "</td><td>");
		html_text(req, *a->school_comment ? a->school_comment : "—");
		html(req, "</td><td>");
		if (!strcmp(a->state, "decided")) {
			outcome_badge(req, a->outcome);
			html(req, " ");
			reason_words(req, a->reasons);
			html(req, " <a href=\"/registration/");
			html_textf(req, "%lld", (long long)a->id);
			html(req, "/decision\">");
			html_text(req, T(req, TX_RF_VIEW_DECISION));
			html(req, "</a>");
		} else {
			html(req, "—");
		}
		html(req, "</td><td>");
		publicity(req, a, today);
		html(req, "</td></tr>\n");
	}
	if (n == 0)
		empty_row(req, 5, TX_RF_NO_APPLICATIONS);
	html(req, "</tbody></table></div>\n");
}

void page_registration(struct request *req)
{
	struct hours_rules rules;
	struct regflow_check chk;
	struct regflow_filter f = { 0 };
	struct regflow_app *apps;
	enum appraisal_result appr[REG_YEARS_MAX];
	struct person_rec me;
	struct err e = { 0 };
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int cycle, n = 0;

	/* an account without a person of its own has nothing to register */
	if (!req->who.person_id) {
		req_redirect(req, "/");
		return;
	}
	times(now, today);
	if (!load_rules(req, &rules))
		return;
	cycle = page_cycle(req, &rules, today, req_query(req, "cycle"));
	if (cycle < 0) {
		req_error(req, 400);
		return;
	}
	if (registry_person_get_id(req->store, req->arena, req->who.person_id, &me) < 0) {
		req_error(req, 404);
		return;
	}
	if (regflow_apply_check(req->store, req->who.person_id, cycle, today, &chk, &e) < 0 ||
	    regflow_appraisals(req->store, req->who.person_id, cycle, rules.cycle_years, appr) < 0) {
		layout_error_page(req, 500, e.message);
		return;
	}
	f.person_id = req->who.person_id;
	f.cycle_start = cycle;
	f.newest_first = true;
	if (regflow_list(req->store, req->arena, &f, &apps, &n) < 0) {
		req_error(req, 500);
		return;
	}

	layout_start(req, T(req, TX_RF_TITLE));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_RF_TITLE));
	html(req, "</h1><p class=\"scope\">");
	cycle_label(req, &rules, cycle);
	html(req, "</p></div>\n");
	done_notice(req);

	html(req, "<section class=\"panel registration-status\"><h2>");
	html_text(req, T(req, TX_RF_STATUS_TODAY));
	html(req, " ");
	outcome_badge(req, registration_outcome_code(chk.now.outcome));
	html(req, "</h2>\n<p class=\"help\">");
	html_text(req, T(req, TX_RF_STATUS_HELP));
	html(req, "</p>\n");
	conditions(req, &rules, cycle, &chk.now, appr, me.service_start, today);
	html(req, "<h3>");
	html_text(req, T(req, TX_RF_MISSING));
	html(req, "</h3>\n");
	reasons_list(req, &chk.now, &rules);
	html(req, "</section>\n");

	/* she applies only for the cycle that is due; another is history */
	if (cycle == regflow_cycle(&rules, today)) {
		html(req, "<section class=\"panel registration-apply\"><h2>");
		html_text(req, T(req, TX_RF_APPLY_TITLE));
		html(req, "</h2>\n");
		switch (chk.may) {
		case REGFLOW_MAY_APPLY:
			html(req, "<form method=\"post\" action=\"/registration/apply\" class=\"apply\">");
			html_csrf(req);
			html(req, "<label>");
			html_text(req, T(req, TX_RF_STATEMENT));
			html(req, "<br><textarea name=\"statement\" rows=\"3\" maxlength=\"2000\"></textarea></label>"
				  "<p><button type=\"submit\" class=\"primary\" name=\"apply\" value=\"1\">");
			html_text(req, T(req, TX_RF_APPLY));
			html(req, "</button></p></form>\n");
			break;
		case REGFLOW_UNDER_WAY:
			layout_notice(req, "info", T(req, TX_RF_UNDER_WAY));
			break;
		case REGFLOW_DECIDED:
			layout_notice(req, "info", T(req, TX_RF_DECIDED_ALREADY));
			break;
		case REGFLOW_NOT_MET:
			layout_notice(req, "info", T(req, TX_RF_NOT_MET_YET));
			reasons_list(req, &chk.now, &rules);
			break;
		}
		html(req, "</section>\n");
	}
	html(req, "<h2>");
	html_text(req, T(req, TX_RF_HISTORY));
	html(req, "</h2>\n");
	history(req, apps, n, today, true);
	html(req, "<p><a href=\"/registration/public\">");
	html_text(req, T(req, TX_RF_NAV_PUBLIC));
	html(req, "</a></p>\n");
	layout_end(req);
}

void page_registration_apply(struct request *req)
{
	struct hours_rules rules;
	struct actor who = req_actor(req);
	struct err e = { 0 };
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int64_t id;
	int cycle;

	if (!req->who.person_id) {
		req_error(req, 403);
		return;
	}
	times(now, today);
	if (!load_rules(req, &rules))
		return;
	/* she applies for the cycle that is due, whatever a form says */
	cycle = regflow_cycle(&rules, today);
	if (regflow_apply(req->store, &who, req->who.person_id, cycle, req_form(req, "statement"),
			  today, now, &id, &e) < 0) {
		step_error(req, &e);
		return;
	}
	req_redirect(req, "/registration?done=applied");
}

void page_registration_withdraw(struct request *req)
{
	struct actor who = req_actor(req);
	struct err e = { 0 };
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int64_t id = id_of(req_param(req, "id"));

	if (id < 0) {
		req_error(req, 400);
		return;
	}
	times(now, today);
	if (regflow_withdraw(req->store, &who, id, req->who.person_id, now, &e) < 0) {
		step_error(req, &e);
		return;
	}
	req_redirect(req, "/registration?done=withdrawn");
}

/* ---- the school ---- */

void page_registration_review(struct request *req)
{
	struct hours_rules rules;
	struct regflow_filter f = { 0 };
	struct regflow_app *apps;
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int cycle, n = 0;
	static const enum text_id head[] = { TX_NAME, TX_ID_NUMBER, TX_RF_APPLIED_AT, TX_RF_STATEMENT,
					     TX_RF_OUTCOME_NOW, TX_ACTIONS };

	times(now, today);
	if (!load_rules(req, &rules))
		return;
	cycle = page_cycle(req, &rules, today, req_query(req, "cycle"));
	if (cycle < 0) {
		req_error(req, 400);
		return;
	}
	/* her school only: the scope is the school's code */
	f.school_code = req->who.scope;
	f.state = "applied";
	f.cycle_start = cycle;
	f.limit = WORKLIST_MAX;
	if (regflow_list(req->store, req->arena, &f, &apps, &n) < 0) {
		req_error(req, 500);
		return;
	}
	worklist_start(req, TX_RF_REVIEW_TITLE, TX_RF_REVIEW_HELP, &rules, cycle, "review", head,
		       sizeof head / sizeof head[0], n);
	for (int i = 0; i < n; i++) {
		struct registration_result r;
		struct err e = { 0 };

		row_start(req, &apps[i]);
		html(req, "<td>");
		html_textf(req, "%.10s", apps[i].applied_at);
		html(req, "</td><td>");
		html_text(req, *apps[i].statement ? apps[i].statement : "—");
		html(req, "</td><td>");
		if (registration_evaluate_with(req->store, &rules, apps[i].person_id,
					       apps[i].cycle_start, today, &r, &e) == 0) {
			outcome_badge(req, registration_outcome_code(r.outcome));
			reasons_list(req, &r, &rules);
		}
		html(req, "</td><td class=\"actions\">");
		action_form(req, apps[i].id, &agree_action);
		html(req, " ");
		action_form(req, apps[i].id, &return_action);
		html(req, "</td></tr>\n");
	}
	if (n == 0)
		empty_row(req, 6, TX_RF_NONE_TO_REVIEW);
	html(req, "</tbody></table></div>\n");
	layout_end(req);
}

static void school_step(struct request *req, bool returning)
{
	struct actor who = req_actor(req);
	struct err e = { 0 };
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int64_t id = id_of(req_param(req, "id"));
	int rc;

	if (id < 0) {
		req_error(req, 400);
		return;
	}
	times(now, today);
	rc = returning ? regflow_return(req->store, &who, id, req->who.scope, req_form(req, "comment"),
					now, &e)
		       : regflow_agree(req->store, &who, id, req->who.scope, now, &e);
	if (rc < 0) {
		step_error(req, &e);
		return;
	}
	req_redirect(req, returning ? "/registration/review?done=returned"
				    : "/registration/review?done=agreed");
}

void page_registration_agree(struct request *req)
{
	school_step(req, false);
}

void page_registration_return(struct request *req)
{
	school_step(req, true);
}

/* ---- the district or county centre ---- */

/* Who decides: a district or county centre for its region (教师〔2013〕9号:
 * the county-level bureau, here through its centre), or the system admin
 * for all.  A municipal centre does not: 403.  *district: the region, NULL
 * for all. */
static bool decider(struct request *req, const char **district)
{
	if (req->who.role == ROLE_SYSADMIN) {
		*district = NULL;
		return true;
	}
	if (req->who.role == ROLE_CENTRE_ADMIN && !strcmp(req->who.centre_kind, "district") &&
	    *req->who.region_code) {
		*district = req->who.region_code;
		return true;
	}
	layout_error_page(req, 403, T(req, TX_RF_E_NOT_DECIDER));
	return false;
}

void page_registration_decide_home(struct request *req)
{
	struct hours_rules rules;
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];

	times(now, today);
	if (!load_rules(req, &rules))
		return;
	req_redirect(req, arena_printf(req->arena, "/registration/decide/%d", regflow_cycle(&rules, today)));
}

static int cycle_of_path(struct request *req, const struct hours_rules *rules, const char *today)
{
	const char *v = req_param(req, "cycle");

	return v && *v ? page_cycle(req, rules, today, v) : -1;
}

void page_registration_decide(struct request *req)
{
	struct hours_rules rules;
	struct regflow_filter f = { 0 };
	struct regflow_app *apps, *recent;
	const char *district;
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int cycle, n = 0, nrecent = 0, qualified = 0;
	static const enum text_id head[] = { TX_NAME, TX_ID_NUMBER, TX_SCHOOL, TX_RF_OUTCOME_NOW,
					     TX_ACTIONS };

	times(now, today);
	if (!load_rules(req, &rules))
		return;
	cycle = cycle_of_path(req, &rules, today);
	if (cycle < 0) {
		req_error(req, 400);
		return;
	}
	if (!decider(req, &district))
		return;
	f.district_code = district;
	f.state = "agreed";
	f.cycle_start = cycle;
	f.limit = WORKLIST_MAX;
	if (regflow_list(req->store, req->arena, &f, &apps, &n) < 0) {
		req_error(req, 500);
		return;
	}
	f.state = "decided";
	f.newest_first = true;
	f.limit = 50;
	if (regflow_list(req->store, req->arena, &f, &recent, &nrecent) < 0) {
		req_error(req, 500);
		return;
	}

	worklist_start(req, TX_RF_DECIDE_TITLE, TX_RF_DECIDE_HELP, &rules, cycle, "decide", head,
		       sizeof head / sizeof head[0], n);
	for (int i = 0; i < n; i++) {
		struct registration_result r;
		struct err e = { 0 };
		bool ok = registration_evaluate_with(req->store, &rules, apps[i].person_id,
						     apps[i].cycle_start, today, &r, &e) == 0;

		if (ok && r.outcome == REG_QUALIFIED)
			qualified++;
		row_start(req, &apps[i]);
		html(req, "<td>");
		html_text(req, apps[i].school_name);
		html(req, "</td><td>");
		if (ok) {
			outcome_badge(req, registration_outcome_code(r.outcome));
			html(req, " ");
			html_textf(req, T(req, TX_RF_HOURS_OF), hours_text(req, r.hours10),
				   hours_text(req, r.required10));
			reasons_list(req, &r, &rules);
		}
		html(req, "</td><td class=\"actions\">");
		action_form(req, apps[i].id, &decide_action);
		html(req, "</td></tr>\n");
	}
	if (n == 0)
		empty_row(req, 5, TX_RF_NONE_TO_DECIDE);
	html(req, "</tbody></table></div>\n");
	if (n > 0) {
		html(req, "<form method=\"post\" class=\"batch\" action=\"/registration/decide/");
		html_textf(req, "%d", cycle);
		html(req, "/all\">");
		html_csrf(req);
		html(req, "<p class=\"help\">");
		html_textf(req, T(req, TX_RF_BATCH_HELP), qualified, n);
		html(req, "</p><button type=\"submit\" class=\"primary\">");
		html_text(req, T(req, TX_RF_DECIDE_ALL));
		html(req, "</button></form>\n");
	}
	html(req, "<h2>");
	html_text(req, T(req, TX_RF_RECENT_DECISIONS));
	html(req, "</h2>\n<div class=\"table-wrap\"><table class=\"data decided\"><tbody>");
	for (int i = 0; i < nrecent; i++) {
		html(req, "<tr><td>");
		html_text(req, recent[i].name);
		html(req, "</td><td>");
		html_text(req, recent[i].school_name);
		html(req, "</td><td>");
		outcome_badge(req, recent[i].outcome);
		html(req, "</td><td>");
		publicity(req, &recent[i], today);
		html(req, "</td><td><a href=\"/registration/");
		html_textf(req, "%lld", (long long)recent[i].id);
		html(req, "/decision\">");
		html_text(req, T(req, TX_RF_VIEW_DECISION));
		html(req, "</a></td></tr>\n");
	}
	if (nrecent == 0)
		empty_row(req, 5, TX_NONE_YET);
	html(req, "</tbody></table></div>\n");
	layout_end(req);
}

void page_registration_decide_one(struct request *req)
{
	struct actor who = req_actor(req);
	struct regflow_decision d = { 0 };
	struct registration_result r;
	struct regflow_app app;
	struct err e = { 0 };
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int64_t id = id_of(req_param(req, "id"));
	bool decided;

	if (id < 0) {
		req_error(req, 400);
		return;
	}
	if (!decider(req, &d.district_code))
		return;
	times(now, today);
	d.note = req_form(req, "note");
	if (regflow_decide(req->store, &who, id, &d, today, now, &r, &decided, &e) < 0) {
		step_error(req, &e);
		return;
	}
	if (regflow_get(req->store, req->arena, id, &app) < 0) {
		req_error(req, 500);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/registration/decide/%d?done=decided", app.cycle_start));
}

void page_registration_decide_all(struct request *req)
{
	struct hours_rules rules;
	struct actor who = req_actor(req);
	const char *district;
	struct err e = { 0 };
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int64_t id;
	int cycle;

	times(now, today);
	if (!load_rules(req, &rules))
		return;
	cycle = cycle_of_path(req, &rules, today);
	if (cycle < 0) {
		req_error(req, 400);
		return;
	}
	if (!decider(req, &district))
		return;
	if (regflow_batch_start(req->store, &who, cycle, district ? district : "", now, &id, &e) < 0) {
		layout_error_page(req, 500, e.message);
		return;
	}
	if (regjobs_start(req->app, id, today, &e) < 0) {
		regflow_batch_interrupted(req->store, id, now);
		layout_error_page(req, e.code == ERR_THROTTLED ? 429 : 500, e.message);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/registration/batches/%lld", (long long)id));
}

static bool batch_silent(const char *beat_at)
{
	time_t beat;

	return clock_parse_iso(beat_at, &beat) < 0 || time(NULL) - beat > 60;
}

void page_registration_batch(struct request *req)
{
	struct regflow_batch b;
	const char *district;
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int64_t id = id_of(req_param(req, "id"));
	bool running;

	if (id < 0) {
		req_error(req, 400);
		return;
	}
	if (!decider(req, &district))
		return;
	/* another region's batch: as if there were none */
	if (regflow_batch_get(req->store, req->arena, id, &b) < 0 ||
	    (district && strcmp(b.scope, district))) {
		req_error(req, 404);
		return;
	}
	times(now, today);
	running = !strcmp(b.state, "running");
	if (running && !regjobs_running(id) && batch_silent(b.beat_at)) {
		/* the server stopped under it: what it decided stays.  Not run
		 * here and silent for a minute: a batch just starting, or run by
		 * another server on the same database, writes progress sooner */
		regflow_batch_interrupted(req->store, id, now);
		if (regflow_batch_get(req->store, req->arena, id, &b) < 0) {
			req_error(req, 500);
			return;
		}
		running = false;
	}
	if (running)
		req_add_header(req, "Refresh", "1");
	layout_start(req, T(req, TX_RF_BATCH_TITLE));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_RF_BATCH_TITLE));
	html(req, "</h1><p class=\"scope\">");
	html_textf(req, "%d · %s · ", b.cycle_start, *b.scope ? b.scope : T(req, TX_ALL));
	layout_time(req, b.created_at);
	html(req, "</p></div>\n<p><span class=\"state state-");
	html_attr(req, b.state);
	html(req, "\" data-state=\"");
	html_attr(req, b.state);
	html(req, "\">");
	html_text(req, text_enum(req->lang, "reg_batch_state", b.state));
	html(req, "</span></p>\n<div class=\"job\"><progress max=\"1000\" value=\"");
	html_textf(req, "%d", b.progress);
	html(req, "\"></progress></div>\n<p class=\"summary\" data-decided=\"");
	html_textf(req, "%lld", (long long)b.decided);
	html(req, "\" data-skipped=\"");
	html_textf(req, "%lld", (long long)b.skipped);
	html(req, "\">");
	html_textf(req, T(req, TX_RF_BATCH_COUNTS), (long long)b.total, (long long)b.decided,
		   (long long)b.skipped);
	html(req, "</p>\n");
	if (running) {
		html(req, "<p class=\"help\">");
		html_text(req, T(req, TX_RF_BATCH_WAIT));
		html(req, " <a href=\"\">↻</a></p>\n");
	} else if (*b.message) {
		layout_notice(req, "error", b.message);
	}
	html(req, "<p><a class=\"button\" href=\"/registration/decide/");
	html_textf(req, "%d", b.cycle_start);
	html(req, "\">");
	html_text(req, T(req, TX_RF_DECIDE_TITLE));
	html(req, "</a></p>\n");
	layout_end(req);
}

/* ---- 公示 ---- */

void page_registration_public(struct request *req)
{
	struct regflow_filter f = { 0 };
	struct regflow_app *apps = NULL;
	struct person_rec me;
	const char *school = NULL;
	char now[ISO_TIME_LEN], today[DATE_LEN + 1];
	int n = 0;
	static const enum text_id head[] = { TX_NAME, TX_RF_OUTCOME, TX_RF_POSTED, TX_RF_FINAL };

	times(now, today);
	/* the staff of the school: its admin, and its teachers */
	if (req->who.role == ROLE_SCHOOL_ADMIN)
		school = req->who.scope;
	else if (req->who.person_id &&
		 registry_person_get_id(req->store, req->arena, req->who.person_id, &me) == 0 &&
		 me.school_code && *me.school_code)
		school = me.school_code;
	if (school) {
		f.school_code = school;
		f.posted_on = today;
		if (regflow_list(req->store, req->arena, &f, &apps, &n) < 0) {
			req_error(req, 500);
			return;
		}
	}
	layout_start(req, T(req, TX_RF_PUBLIC_TITLE));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_RF_PUBLIC_TITLE));
	html(req, "</h1></div>\n<p class=\"help\">");
	html_text(req, T(req, TX_RF_PUBLIC_HELP));
	html(req, "</p>\n");
	if (!school) {
		layout_notice(req, "info", T(req, TX_RF_PUBLIC_STAFF_ONLY));
		layout_end(req);
		return;
	}
	html(req, "<div class=\"table-wrap\"><table class=\"data public\">");
	layout_table_head(req, head, sizeof head / sizeof head[0], NULL);
	html(req, "<tbody>");
	for (int i = 0; i < n; i++) {
		/* the name and the outcome, never the ID number nor the
		 * reasons (an ethics finding is hers and her school's, not
		 * every colleague's): 公示 is to colleagues */
		html(req, "<tr data-application=\"");
		html_textf(req, "%lld", (long long)apps[i].id);
		html(req, "\"><td>");
		html_text(req, apps[i].name);
		html(req, "</td><td>");
		outcome_badge(req, apps[i].outcome);
		html(req, "</td><td>");
		html_text(req, apps[i].posted_at);
		html(req, "</td><td>");
		html_text(req, apps[i].final_date);
		html(req, "</td></tr>\n");
	}
	if (n == 0)
		empty_row(req, 4, TX_RF_PUBLIC_NONE);
	html(req, "</tbody></table></div>\n");
	layout_end(req);
}

/* ---- the printable decision ---- */

/* The person, her school's admin, the deciding centre (the district's),
 * the bureau over it, the system admin. */
static bool may_read_decision(struct request *req, const struct regflow_app *a)
{
	const struct principal *w = &req->who;
	struct authz_target t = { .person_id = a->person_id, .school_code = a->school_code,
				  .district_code = a->district_code, .stage = a->stage,
				  .ownership = a->ownership };

	switch (w->role) {
	case ROLE_TEACHER:
		return w->person_id && w->person_id == a->person_id;
	case ROLE_SCHOOL_ADMIN:
		return *a->school_code && !strcmp(w->scope, a->school_code);
	case ROLE_CENTRE_ADMIN:
		return !strcmp(w->centre_kind, "district") && *a->district_code &&
		       !strcmp(w->region_code, a->district_code);
	case ROLE_BUREAU:
	case ROLE_SYSADMIN:
		return authz_permits(w, PERM_REGISTRY_READ, &t);
	default:
		return false;
	}
}

static void fact(struct request *req, enum text_id label, const char *value)
{
	html(req, "<dt>");
	html_text(req, T(req, label));
	html(req, "</dt><dd>");
	html_text(req, value && *value ? value : "—");
	html(req, "</dd>\n");
}

void page_registration_decision(struct request *req)
{
	struct hours_rules rules;
	struct regflow_app a;
	char now[ISO_TIME_LEN], today[DATE_LEN + 1], m[ID_NUMBER_LEN + 1];
	int64_t id = id_of(req_param(req, "id"));

	if (id < 0) {
		req_error(req, 400);
		return;
	}
	if (regflow_get(req->store, req->arena, id, &a) < 0 || !may_read_decision(req, &a) ||
	    strcmp(a.state, "decided")) {
		req_error(req, 404);
		return;
	}
	if (!load_rules(req, &rules))
		return;
	times(now, today);
	if (req->who.person_id == a.person_id)
		snprintf(m, sizeof m, "%s", a.id_number);  /* her own number, whole */
	else
		idcard_mask(a.id_number, m);

	layout_start(req, T(req, TX_RF_DECISION_TITLE));
	html(req, "<article class=\"decision\"><div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_RF_DECISION_TITLE));
	html(req, "</h1><p class=\"scope\">");
	cycle_label(req, &rules, a.cycle_start);
	html(req, "</p></div>\n<dl class=\"facts\">");
	fact(req, TX_NAME, a.name);
	fact(req, TX_ID_NUMBER, m);
	fact(req, TX_SCHOOL, a.school_name);
	html(req, "<dt>");
	html_text(req, T(req, TX_RF_OUTCOME));
	html(req, "</dt><dd>");
	outcome_badge(req, a.outcome);
	html(req, "</dd>\n<dt>");
	html_text(req, T(req, TX_RF_COND_HOURS));
	html(req, "</dt><dd>");
	html_textf(req, T(req, TX_RF_HOURS_OF), hours_text(req, a.hours10), hours_text(req, a.required10));
	html(req, "</dd>\n");
	fact(req, TX_RF_DECIDED_BY, a.decided_by);
	fact(req, TX_RF_DECIDED_AT, arena_printf(req->arena, "%.10s", a.decided_at));
	fact(req, TX_RF_POSTED, a.posted_at);
	fact(req, TX_RF_FINAL, a.final_date);
	fact(req, TX_RF_NOTE, a.decision_note);
	html(req, "</dl>\n<h2>");
	html_text(req, T(req, TX_RF_REASONS));
	html(req, "</h2>\n");
	if (!a.reasons) {
		html(req, "<p class=\"reasons none\">");
		html_text(req, T(req, TX_RF_ALL_MET));
		html(req, "</p>\n");
	} else {
		html(req, "<ul class=\"reasons\">");
		for (int i = 0; i < REG_REASONS; i++) {
			if (!(a.reasons & (1u << i)))
				continue;
			html(req, "<li data-reason=\"");
			html_attr(req, registration_reason_code(i));
			html(req, "\">");
			html_text(req, text_enum(req->lang, "reg_reason", registration_reason_code(i)));
			if ((1u << i) == REG_HOURS) {
				html(req, ": ");
				html_textf(req, T(req, TX_RF_HOURS_OF), hours_text(req, a.hours10),
					   hours_text(req, a.required10));
			}
			html(req, "</li>");
		}
		html(req, "</ul>\n");
	}
	html(req, "<p class=\"publicity-line\">");
	publicity(req, &a, today);
	html(req, "</p>\n</article>\n");
	layout_end(req);
}
