/* activation.c - teacher activation codes: the admin's page that issues
 * them, the printable sheet with its .xlsx, and the public /activate page.
 *
 * The plain codes exist only while the POST that issues them runs: the
 * sheet is rendered from the batch in that response, and the same batch
 * as an .xlsx (made in memory, see core/activation_sheet.c) is held in
 * this process's memory for HELD_TTL_S, under a random 256-bit name, for
 * the account that issued it only; then it is wiped.  Nothing with a code
 * is written to disk or to the database, so a restart, or the ten minutes
 * passing, leaves only the printed page: the admin issues again (which
 * ends the codes not handed out).
 *
 * GET /activation        counts, and the form (school admins, centre admins,
 *                        the system admin: PERM_REGISTRY_WRITE)
 * POST /activation       issues, then shows the sheet
 * GET /activation/{file} "<id>.xlsx": the held spreadsheet, or 410
 * GET, POST /activate    public: ID number, code and a new password; on
 *                        success she is signed in, as /login does */
#include "web/pages/pages.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/account.h"
#include "core/activation.h"
#include "lib/secret.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/layout.h"

enum {
	SHEET_MAX = 2000,        /* cards one page may hold; larger scopes go by school, or the CLI */
	HELD_MAX = 32,           /* spreadsheets held at once; the oldest goes first */
	HELD_TTL_S = 10 * 60,
};

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* ---- spreadsheets held in memory -------------------------------------- */

/* Server-wide, like the configuration, so any worker thread can answer
 * the download: under held_lock, and wiped when dropped. */
struct held_sheet {
	char id[TOKEN_CHARS + 1];
	int64_t account_id;
	time_t until;
	char filename[64];
	char *data;
	size_t len;
};

static struct held_sheet held[HELD_MAX];
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;

static void held_drop(struct held_sheet *h)
{
	if (h->data) {
		explicit_bzero(h->data, h->len);
		free(h->data);
	}
	explicit_bzero(h, sizeof *h);
}

static void held_purge(time_t now)
{
	for (int i = 0; i < HELD_MAX; i++)
		if (held[i].data && held[i].until <= now)
			held_drop(&held[i]);
}

/* Takes the bytes out of b; writes the new name into id. */
static void held_put(int64_t account_id, const char *filename, struct buf *b, time_t now,
		     char id[TOKEN_CHARS + 1])
{
	struct held_sheet *slot = NULL;

	pthread_mutex_lock(&held_lock);
	held_purge(now);
	for (int i = 0; i < HELD_MAX; i++) {
		if (!held[i].data) {
			slot = &held[i];
			break;
		}
		if (!slot || held[i].until < slot->until)
			slot = &held[i];
	}
	held_drop(slot);
	secret_token(slot->id);
	slot->account_id = account_id;
	slot->until = now + HELD_TTL_S;
	snprintf(slot->filename, sizeof slot->filename, "%s", filename);
	slot->len = b->len;
	slot->data = buf_detach(b);
	memcpy(id, slot->id, TOKEN_CHARS + 1);
	pthread_mutex_unlock(&held_lock);
}

static void held_remove(const char *id)
{
	pthread_mutex_lock(&held_lock);
	for (int i = 0; i < HELD_MAX; i++)
		if (held[i].data && secret_equal(held[i].id, id))
			held_drop(&held[i]);
	pthread_mutex_unlock(&held_lock);
}

/* Copies the sheet into req->out; 0, or -1 when gone (or another's). */
static int held_get(struct request *req, const char *id, char filename[64])
{
	int rc = -1;

	pthread_mutex_lock(&held_lock);
	held_purge(time(NULL));
	for (int i = 0; i < HELD_MAX; i++) {
		struct held_sheet *h = &held[i];

		if (!h->data || !secret_equal(h->id, id) || h->account_id != req->who.account_id)
			continue;
		buf_add(&req->out, h->data, h->len);
		memcpy(filename, h->filename, 64);
		rc = buf_ok(&req->out) ? 0 : -1;
		break;
	}
	pthread_mutex_unlock(&held_lock);
	return rc;
}

/* ---- issuing ------------------------------------------------------------ */

static void stat_box(struct request *req, enum text_id label, int64_t value)
{
	html(req, "<div class=\"stat\"><span class=\"value\">");
	html_textf(req, "%lld", (long long)value);
	html(req, "</span><span class=\"label\">");
	html_text(req, T(req, label));
	html(req, "</span></div>");
}

static void page_heading(struct request *req, const struct activation_scope *as)
{
	html(req, "<link rel=\"stylesheet\" href=\"/static/activation.css\">\n"
		  "<div class=\"page-head act-head\"><h1>");
	html_text(req, T(req, TX_ACTIVATION));
	html(req, "</h1>");
	if (*as->name) {
		html(req, "<p class=\"scope\">");
		html_text(req, as->name);
		html(req, "</p>");
	}
	html(req, "</div>\n");
}

static void issue_form(struct request *req, const struct activation_scope *as, const char *school,
		       bool all, const char *kind, const char *message)
{
	struct activation_counts c;

	layout_start(req, T(req, TX_ACTIVATION));
	page_heading(req, as);
	if (message)
		layout_notice(req, kind, message);
	html(req, "<p class=\"lead\">");
	html_text(req, T(req, TX_ACT_INTRO));
	html(req, "</p>\n");
	if (activation_count(req->store, &as->sc, &c) == 0) {
		html(req, "<section class=\"panel\"><div class=\"stats\">");
		stat_box(req, TX_ACT_SERVING, c.serving);
		stat_box(req, TX_ACT_ACTIVE, c.active);
		stat_box(req, TX_ACT_WAITING, c.serving - c.active);
		html(req, "</div></section>\n");
	}
	html(req, "<form class=\"card form act-form\" method=\"post\" action=\"/activation\">\n");
	html_csrf(req);
	if (req->who.role != ROLE_SCHOOL_ADMIN) {
		/* a centre or the whole city is many schools: one at a time prints */
		html(req, "<label for=\"school\">");
		html_text(req, T(req, TX_ACT_SCHOOL_OPTIONAL));
		html(req, "</label><input id=\"school\" name=\"school\" inputmode=\"numeric\" "
			  "maxlength=\"10\" pattern=\"[0-9]{10}\" autocomplete=\"off\" value=\"");
		html_attr(req, school);
		html(req, "\">\n");
	}
	html(req, "<label class=\"check\"><input type=\"checkbox\" name=\"all\" value=\"1\"");
	html(req, all ? " checked>" : ">");
	html(req, "<span>");
	html_text(req, T(req, TX_ACT_ALL));
	html(req, "</span></label>\n<p class=\"hint\">");
	html_textf(req, T(req, TX_ACT_ISSUE_NOTE), ACTIVATION_VALID_DAYS, SHEET_MAX);
	html(req, "</p>\n<button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, TX_ACT_ISSUE));
	html(req, "</button>\n</form>\n");
	layout_end(req);
}

void page_activation(struct request *req)
{
	struct activation_scope as;

	activation_scope_of(&req->who, &as);
	issue_form(req, &as, "", false, NULL, NULL);
}

/* The activation page's address, as the admin's browser reached this
 * site: what a teacher types is what her school's own computers use. */
static const char *activate_url(struct request *req)
{
	const char *host = req_header(req, "Host");

	if (!host || !*host || strlen(host) > 100)
		return "/activate";
	for (const char *c = host; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr(".-:[]", *c))
			return "/activate";
	return arena_printf(req->arena, "%s://%s/activate",
			    req->app->config.secure_cookies ? "https" : "http", host);
}

static void card(struct request *req, const struct activation_batch *b,
		 const struct activation_card *c, const char *url)
{
	html(req, "<article class=\"act-card\"><h2>");
	html_text(req, T(req, TX_ACT_CARD_TITLE));
	html(req, "</h2><dl><dt>");
	html_text(req, T(req, TX_SCHOOL));
	html(req, "</dt><dd>");
	html_text(req, c->place);
	html(req, "</dd><dt>");
	html_text(req, T(req, TX_NAME));
	html(req, "</dt><dd>");
	html_text(req, c->name);
	html(req, "</dd><dt>");
	html_text(req, T(req, TX_ID_NUMBER));
	html(req, "</dt><dd>");
	html_text(req, c->id_masked);
	html(req, "</dd><dt>");
	html_text(req, T(req, TX_ACT_CODE));
	html(req, "</dt><dd class=\"act-code\">");
	html_text(req, c->code);
	html(req, "</dd><dt>");
	html_text(req, T(req, TX_ACT_VALID_UNTIL));
	html(req, "</dt><dd>");
	html_text(req, b->expires_on);
	html(req, "</dd><dt>");
	html_text(req, T(req, TX_ACT_URL));
	html(req, "</dt><dd class=\"act-url\">");
	html_text(req, url);
	html(req, "</dd></dl><p class=\"act-steps\">");
	html_text(req, T(req, TX_ACT_CARD_STEPS));
	html(req, "</p></article>\n");
}

static void sheet_page(struct request *req, const struct activation_batch *b, const char *sheet_id)
{
	const char *url = activate_url(req);

	layout_start(req, T(req, TX_ACTIVATION));
	page_heading(req, b->scope);
	html(req, "<section class=\"act-head\">");
	layout_notice(req, "ok", arena_printf(req->arena, T(req, TX_ACT_ISSUED),
					      arena_printf(req->arena, "%d", b->n), b->expires_on));
	if (b->skipped) {
		html(req, "<p>");
		html_textf(req, T(req, TX_ACT_SKIPPED), b->skipped);
		html(req, "</p>");
	}
	html(req, "<p>");
	html_text(req, T(req, TX_ACT_PRINT_HINT));
	html(req, "</p><p class=\"act-download\"><a class=\"button\" download href=\"/activation/");
	html_attr(req, sheet_id);
	html(req, ".xlsx\">");
	html_text(req, T(req, TX_ACT_DOWNLOAD));
	html(req, "</a></p><p class=\"hint\">");
	html_textf(req, T(req, TX_ACT_DOWNLOAD_NOTE), HELD_TTL_S / 60);
	html(req, "</p></section>\n<div class=\"act-sheet\">\n");
	for (int i = 0; i < b->n; i++)
		card(req, b, &b->cards[i], url);
	html(req, "</div>\n");
	layout_end(req);
}

struct hold_ctx {
	struct request *req;
	char id[TOKEN_CHARS + 1];
};

/* activation_issue()'s delivery, inside its transaction: the .xlsx is
 * made before the codes are committed, so a failure issues none. */
static int hold_sheet(const struct activation_batch *b, void *ctx, struct err *err)
{
	struct hold_ctx *h = ctx;
	struct buf bytes;
	char filename[64];

	buf_init(&bytes);
	if (activation_sheet(b, ACTIVATION_XLSX, &bytes, err) < 0) {
		if (bytes.data)
			explicit_bzero(bytes.data, bytes.len);
		buf_free(&bytes);
		return -1;
	}
	snprintf(filename, sizeof filename, "activation-%s-%s.xlsx", b->scope->code, b->expires_on);
	/* it goes into a quoted header: plain characters only */
	for (char *c = filename; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("-_.", *c))
			*c = '_';
	held_put(h->req->who.account_id, filename, &bytes, time(NULL), h->id);
	return 0;
}

static const char *trimmed(struct request *req, const char *key)
{
	const char *v = req_form(req, key);
	size_t n;

	if (!v)
		return "";
	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return arena_strndup(req->arena, v, n);
}

void page_activation_issue(struct request *req)
{
	const char *school = trimmed(req, "school");
	const char *all_field = req_form(req, "all");
	bool all = all_field && *all_field;
	struct activation_scope as;
	struct activation_batch batch;
	struct hold_ctx hold = { .req = req };
	struct activation_issue_opts o = {
		.all = all, .max = SHEET_MAX, .now = time(NULL), .deliver = hold_sheet, .ctx = &hold,
	};
	struct actor who = req_actor(req);
	struct err err = { 0 };

	activation_scope_of(&req->who, &as);
	if (*school && activation_scope_narrow(req->store, &as, school, &err) < 0) {
		activation_scope_of(&req->who, &as);
		req->status = err.code == ERR_IO ? 500 : 422;
		issue_form(req, &as, school, all, "error",
			   T(req, err.code == ERR_NOT_FOUND ? TX_ACT_NO_SCHOOL :
				  err.code == ERR_FORBIDDEN ? TX_ACT_SCHOOL_OUTSIDE : TX_ERR_500));
		return;
	}
	if (activation_issue(req->store, req->arena, &as, &o, &who, &batch, &err) < 0) {
		if (hold.id[0])
			held_remove(hold.id);
		req->status = err.code == ERR_CONFLICT ? 422 : 500;
		if (req->status == 500)
			fprintf(stderr, "tdc: activation codes for '%s': %s\n", as.code, err.message);
		issue_form(req, &as, school, all, "error",
			   T(req, err.code == ERR_CONFLICT ? TX_ACT_TOO_MANY : TX_ERR_500));
		return;
	}
	if (batch.n == 0) {
		issue_form(req, &as, school, all, "info", T(req, TX_ACT_NONE_NEEDED));
		return;
	}
	sheet_page(req, &batch, hold.id);
	/* the codes live on in the page being sent, and nowhere else here */
	for (int i = 0; i < batch.n; i++)
		explicit_bzero(batch.cards[i].code, sizeof batch.cards[i].code);
}

void page_activation_xlsx(struct request *req)
{
	const char *file = req_param(req, "file");
	size_t n = file ? strlen(file) : 0;
	char id[TOKEN_CHARS + 1], filename[64];

	if (n != TOKEN_CHARS + 5 || strcmp(file + TOKEN_CHARS, ".xlsx"))
		goto gone;
	memcpy(id, file, TOKEN_CHARS);
	id[TOKEN_CHARS] = '\0';
	if (held_get(req, id, filename) < 0)
		goto gone;
	req->content_type = XLSX_TYPE;
	req_add_header(req, "Content-Disposition",
		       arena_printf(req->arena, "attachment; filename=\"%s\"", filename));
	return;
gone:
	/* gone, never there, or another admin's: one answer */
	buf_reset(&req->out);
	layout_error_page(req, 410, arena_printf(req->arena, T(req, TX_ACT_SHEET_GONE), HELD_TTL_S / 60));
}

/* ---- redeeming: the public page --------------------------------------- */

static void activate_form(struct request *req, const char *id_number, const char *code,
			  const char *error)
{
	layout_start(req, T(req, TX_ACTIVATE_TITLE));
	html(req, "<section class=\"signin\">\n<div class=\"signin-intro\"><h1>");
	html_text(req, req->app->config.site_name);
	html(req, "</h1><p>");
	html_text(req, T(req, TX_ACTIVATE_INTRO));
	html(req, "</p></div>\n<form class=\"card\" method=\"post\" action=\"/activate\">\n<h2>");
	html_text(req, T(req, TX_ACTIVATE_TITLE));
	html(req, "</h2>\n");
	if (error)
		layout_notice(req, "error", error);
	html_csrf(req);
	html(req, "\n<label for=\"id_number\">");
	html_text(req, T(req, TX_ID_NUMBER));
	/* the ID number is her login from now on: a password manager
	 * should keep it as the user name */
	html(req, "</label><input id=\"id_number\" name=\"id_number\" autocomplete=\"username\" required "
		  "maxlength=\"40\" autocapitalize=\"characters\" spellcheck=\"false\" value=\"");
	html_attr(req, id_number);
	html(req, "\"");
	html(req, id_number && *id_number ? ">" : " autofocus>");
	html(req, "\n<label for=\"code\">");
	html_text(req, T(req, TX_ACT_CODE));
	html(req, "</label><input id=\"code\" name=\"code\" autocomplete=\"one-time-code\" required "
		  "maxlength=\"40\" autocapitalize=\"characters\" spellcheck=\"false\" "
		  "placeholder=\"K7QM-3XP9-2DTW\" value=\"");
	html_attr(req, code);
	html(req, "\">\n<label for=\"password\">");
	html_text(req, T(req, TX_NEW_PASSWORD));
	html(req, "</label><input id=\"password\" name=\"password\" type=\"password\" "
		  "autocomplete=\"new-password\" minlength=\"8\" required>\n<label for=\"password2\">");
	html_text(req, T(req, TX_ACT_PASSWORD_AGAIN));
	html(req, "</label><input id=\"password2\" name=\"password2\" type=\"password\" "
		  "autocomplete=\"new-password\" minlength=\"8\" required>\n<p class=\"hint\">");
	html_text(req, T(req, TX_PASSWORD_HELP));
	html(req, "</p>\n<button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, TX_ACTIVATE_SUBMIT));
	html(req, "</button>\n<p class=\"hint\"><a href=\"/login\">");
	html_text(req, T(req, TX_ACT_HAVE_ACCOUNT));
	html(req, "</a></p>\n</form>\n</section>\n");
	layout_end(req);
}

void page_activate(struct request *req)
{
	if (principal_signed_in(&req->who)) {
		req_redirect(req, "/");
		return;
	}
	activate_form(req, "", "", NULL);
}

void page_activate_post(struct request *req)
{
	const char *id_number = req_form(req, "id_number"), *code = req_form(req, "code");
	const char *password = req_form(req, "password"), *again = req_form(req, "password2");
	struct activation_redeem_in in = {
		.id_number = id_number, .code = code, .password = password,
		.address = req->address, .now = time(NULL),
	};
	struct activation_account acct;
	struct err err = { 0 };
	const char *msg;

	if (!id_number)
		id_number = "";
	if (!code)
		code = "";
	if (password && again && strcmp(password, again)) {
		req->status = 422;
		activate_form(req, id_number, code, T(req, TX_ACT_ERR_MISMATCH));
		return;
	}
	if (activation_redeem(req->store, &in, &acct, &err) < 0) {
		switch (err.code) {
		case ERR_INVALID:
			req->status = 422;
			msg = !strcmp(err.field, "id_number") ? T(req, TX_ACT_ERR_ID) :
			      !strcmp(err.field, "code") ? T(req, TX_ACT_ERR_CODE_FORM) :
			      arena_printf(req->arena, T(req, TX_ACT_ERR_PASSWORD), PASSWORD_MIN_LEN,
					   PASSWORD_MAX_LEN);
			break;
		case ERR_THROTTLED:
			req->status = 429;
			msg = arena_printf(req->arena, T(req, TX_ACT_THROTTLED), err.message);
			break;
		case ERR_UNAUTHORISED:
			req->status = 422;
			msg = T(req, TX_ACT_ERR_CODE);
			break;
		case ERR_CONFLICT:
			req->status = 409;
			msg = T(req, TX_ACT_ERR_CONFLICT);
			break;
		default:
			req->status = 500;
			msg = T(req, TX_ERR_500);
			fprintf(stderr, "tdc: activation: %s\n", err.message);
		}
		activate_form(req, id_number, code, msg);
		return;
	}
	/* signed in at once, as /login does */
	if (account_load_principal(req->store, acct.account_id, &req->who) != 0 ||
	    auth_start_session(req) < 0) {
		memset(&req->who, 0, sizeof req->who);
		req_error(req, 500);
		return;
	}
	req->lang = text_lang_parse(req->who.lang);
	req_set_cookie(req, LANG_COOKIE, req->who.lang, 365 * 86400);
	req_redirect(req, "/");
}
