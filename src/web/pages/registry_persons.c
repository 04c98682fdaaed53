/* registry_persons.c - people: the list in scope with its filters, one
 * person with the history of her record, and the forms that register and
 * change one.  A transfer (调动) is a change of the person's school; a
 * status change (在职, 调出, 退休, 离职) is a change of her status.
 *
 * ID numbers are masked in every list and never put in a link: a person
 * is named by her reference (p123).  On her page the number is whole for
 * herself; an admin in scope may reveal it with ?reveal=1, and each reveal
 * is a row of the audit log (registry_view.c).  A person outside the
 * caller's scope is "not found": whether someone with that number is
 * registered is itself personal. */
#include "web/pages/pages.h"

#include <string.h>

#include "core/vocab.h"
#include "store/store.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pages/registry_form.h"
#include "web/registry_view.h"

enum { PERSONS_PAGE = 50 };

static bool is_teacher(struct request *req)
{
	return req->who.role == ROLE_TEACHER;
}

static void person_link(struct request *req, const struct person_rec *p, const char *suffix)
{
	html(req, "/persons/");
	html_attr(req, registry_view_person_ref(req->arena, p));
	if (suffix)
		html(req, suffix);
}

static void filters(struct request *req, const struct person_filter *f)
{
	html(req, "<form class=\"filters registry-filters\" method=\"get\" action=\"/persons\">");
	registry_filter_search(req, f->q, TX_REG_SEARCH_PERSONS);
	if (req->who.role != ROLE_SCHOOL_ADMIN) {
		html(req, "<label>");
		html_text(req, T(req, TX_REG_SCHOOL_CODE));
		html(req, " <input type=\"text\" name=\"school\" inputmode=\"numeric\" maxlength=\"10\" value=\"");
		html_attr(req, f->school);
		html(req, "\"></label>");
	}
	if (registry_spans_districts(req))
		registry_filter_district(req, f->district);
	if (req->who.role != ROLE_SCHOOL_ADMIN) {
		registry_filter_select(req, "stage", TX_STAGE, vocab_codes(VOCAB_STAGE), "stage",
				       f->stage);
		registry_filter_select(req, "ownership", TX_OWNERSHIP, vocab_codes(VOCAB_OWNERSHIP),
				       "ownership", f->ownership);
	}
	registry_filter_select(req, "role", TX_REG_POST, vocab_codes(VOCAB_ROLE), "person_role",
			       f->role);
	registry_filter_select(req, "title", TX_TITLE, vocab_codes(VOCAB_TITLE), "title", f->title);
	registry_filter_select(req, "education", TX_EDUCATION, vocab_codes(VOCAB_EDUCATION),
			       "education", f->education);
	registry_filter_select(req, "key_level", TX_KEY_LEVEL, vocab_codes(VOCAB_KEY_LEVEL),
			       "key_level", f->key_level);
	registry_filter_select(req, "status", TX_STATUS, vocab_codes(VOCAB_STATUS), "person_status",
			       f->status);
	html(req, "<button type=\"submit\">");
	html_text(req, T(req, TX_FILTER));
	html(req, "</button></form>\n");
}

void page_persons(struct request *req)
{
	struct registry_scope sc;
	struct person_filter f;
	struct registry_args args = { 0 };
	struct person_rec *rows;
	const char *bad = NULL;
	int64_t total;
	int n, offset, page;

	if (registry_view_person_filter(req, &f, &bad) < 0) {
		registry_bad_filter(req, bad);
		return;
	}
	page = registry_page(req, PERSONS_PAGE, &offset);
	f.limit = PERSONS_PAGE;
	f.offset = offset;
	registry_scope_of(&req->who, &sc);
	if (registry_persons(req->store, req->arena, &sc, &f, &rows, &n, &total) < 0) {
		req_error(req, 500);
		return;
	}
	registry_args_add(&args, "q", f.q);
	registry_args_add(&args, "school", f.school);
	registry_args_add(&args, "district", f.district);
	registry_args_add(&args, "stage", f.stage);
	registry_args_add(&args, "ownership", f.ownership);
	registry_args_add(&args, "role", f.role);
	registry_args_add(&args, "title", f.title);
	registry_args_add(&args, "education", f.education);
	registry_args_add(&args, "key_level", f.key_level);
	registry_args_add(&args, "status", f.status);

	layout_start(req, T(req, TX_PERSONS));
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, T(req, TX_PERSONS));
	html(req, "</h1>");
	if (authz_permits(&req->who, PERM_REGISTRY_WRITE, NULL)) {
		html(req, "<a class=\"button primary\" href=\"/persons/new\">");
		html_text(req, T(req, TX_REG_NEW_PERSON));
		html(req, "</a>");
	}
	registry_total(req, total);
	html(req, "</div>\n");
	/* a teacher's list is herself: nothing to filter or export */
	if (!is_teacher(req)) {
		filters(req, &f);
		registry_export_links(req, "/persons/export", &args);
	}
	if (n == 0) {
		html(req, "<p class=\"empty\">");
		html_text(req, T(req, TX_NO_RESULTS));
		html(req, "</p>");
		layout_end(req);
		return;
	}
	{
		static const enum text_id cols[] = { TX_NAME, TX_ID_NUMBER, TX_REG_GENDER, TX_SCHOOL,
						     TX_REG_POST, TX_TITLE, TX_KEY_LEVEL, TX_STATUS };

		html(req, "<div class=\"table-wrap\"><table class=\"data registry\">");
		layout_table_head(req, cols, sizeof cols / sizeof cols[0], NULL);
		html(req, "<tbody>");
	}
	for (int i = 0; i < n; i++) {
		const struct person_rec *p = &rows[i];
		bool whole;
		/* never revealed here: masked unless it is her own */
		const char *id = registry_view_id_number(req, p, false, &whole);

		html(req, "<tr>");
		registry_td(req, TX_NAME, "title-cell");
		html(req, "<a href=\"");
		person_link(req, p, NULL);
		html(req, "\">");
		html_text(req, p->name);
		html(req, "</a></td>");
		registry_td(req, TX_ID_NUMBER, "nowrap");
		html(req, "<code>");
		html_text(req, id);
		html(req, "</code></td>");
		registry_td(req, TX_REG_GENDER, NULL);
		html_text(req, registry_view_enum(req->lang, "gender", p->gender));
		html(req, "</td>");
		registry_td(req, TX_SCHOOL, NULL);
		html_text(req, p->school_name ? p->school_name : p->centre_name);
		html(req, "</td>");
		registry_td(req, TX_REG_POST, NULL);
		html_text(req, registry_view_enum(req->lang, "person_role", p->role));
		html(req, "</td>");
		registry_td(req, TX_TITLE, NULL);
		html_text(req, registry_view_enum(req->lang, "title", p->title));
		html(req, "</td>");
		registry_td(req, TX_KEY_LEVEL, NULL);
		html_text(req, registry_view_enum(req->lang, "key_level", p->key_level));
		html(req, "</td>");
		registry_td(req, TX_STATUS, NULL);
		html(req, strcmp(p->status, "serving") ? "<span class=\"tag off\">" : "<span class=\"tag on\">");
		html_text(req, registry_view_enum(req->lang, "person_status", p->status));
		html(req, "</span></td></tr>\n");
	}
	html(req, "</tbody></table></div>\n");
	registry_pager(req, "/persons", &args, page, PERSONS_PAGE, total);
	layout_end(req);
}

/* Reads the person of the path within the caller's scope; answers 404
 * itself (also outside the scope: see the head of this file) and returns
 * -1.  perm WRITE: one she may read but not change is 403. */
static int person_of_path(struct request *req, enum permission perm, struct person_rec *p)
{
	int rc = registry_view_person_find(req, req_param(req, "id_number"), p);

	if (rc < 0 && rc != STORE_ENOTFOUND) {
		req_error(req, 500);
		return -1;
	}
	if (rc == STORE_ENOTFOUND || !registry_view_person_permits(&req->who, PERM_REGISTRY_READ, p)) {
		req_error(req, 404);
		return -1;
	}
	if (!registry_view_person_permits(&req->who, perm, p)) {
		req_error(req, 403);
		return -1;
	}
	return 0;
}

static void id_number_fact(struct request *req, const struct person_rec *p, const char *shown,
			   bool whole)
{
	html(req, "<dt>");
	html_text(req, T(req, TX_ID_NUMBER));
	html(req, "</dt><dd class=\"id-number\"><code>");
	html_text(req, shown);
	html(req, "</code>");
	if (!whole && registry_view_may_reveal(&req->who, p)) {
		/* a GET form: works without script; the page audits the reveal */
		html(req, "<form class=\"inline reveal\" method=\"get\" action=\"");
		person_link(req, p, NULL);
		html(req, "\"><input type=\"hidden\" name=\"reveal\" value=\"1\"><button type=\"submit\" title=\"");
		html_attr(req, T(req, TX_REG_REVEAL_HINT));
		html(req, "\">");
		html_text(req, T(req, TX_REG_REVEAL));
		html(req, "</button></form>");
	}
	html(req, "</dd>");
}

void page_person(struct request *req)
{
	struct person_rec p;
	struct history_row *rows;
	const char *shown, *reveal = req_query(req, "reveal");
	bool whole = false;
	int n;

	if (person_of_path(req, PERM_REGISTRY_READ, &p) < 0)
		return;
	shown = registry_view_id_number(req, &p, reveal && !strcmp(reveal, "1"), &whole);
	if (!shown || registry_person_history(req->store, req->arena, p.id, &rows, &n) < 0) {
		req_error(req, 500);
		return;
	}
	layout_start(req, p.name);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, p.name);
	html(req, "</h1>");
	if (registry_view_person_permits(&req->who, PERM_REGISTRY_WRITE, &p)) {
		html(req, "<a class=\"button\" href=\"");
		person_link(req, &p, "/edit");
		html(req, "\">");
		html_text(req, T(req, TX_REG_EDIT));
		html(req, "</a>");
	}
	if (registry_view_person_permits(&req->who, PERM_HOURS_READ, &p)) {
		/* her hours (issue 5): the record a person's page is most asked for */
		html(req, "<a class=\"button\" href=\"");
		person_link(req, &p, "/hours");
		html(req, "\">");
		html_text(req, T(req, TX_HRS_HOURS));
		html(req, "</a>");
	}
	html(req, "<p class=\"scope\">");
	html_text(req, p.school_name ? p.school_name : p.centre_name);
	html(req, "</p></div>\n");
	registry_done_notice(req);
	if (whole && !registry_view_is_self(&req->who, &p))
		layout_notice(req, "info", T(req, TX_REG_REVEALED));

	html(req, "<section class=\"panel\"><h2>");
	html_text(req, T(req, TX_REG_FACTS));
	html(req, "</h2><dl class=\"facts\">");
	registry_fact(req, TX_NAME, p.name);
	id_number_fact(req, &p, shown, whole);
	registry_fact(req, TX_REG_GENDER, registry_view_enum(req->lang, "gender", p.gender));
	registry_fact(req, TX_REG_BIRTH_DATE, registry_view_birth_date(req, &p));
	registry_fact(req, TX_REG_PHONE, registry_view_phone(req, &p));
	html(req, "<dt>");
	html_text(req, T(req, TX_SCHOOL));
	html(req, "</dt><dd>");
	if (p.school_code) {
		struct school_rec s = { .code = p.school_code, .district_code = p.district_code,
					.stage = p.stage, .ownership = p.ownership };

		if (registry_view_school_permits(&req->who, PERM_REGISTRY_READ, &s)) {
			html(req, "<a href=\"/schools/");
			html_url_arg(req, p.school_code);
			html(req, "\">");
			html_text(req, p.school_name);
			html(req, "</a>");
		} else {
			html_text(req, p.school_name);
		}
		html(req, " <code>");
		html_text(req, p.school_code);
		html(req, "</code>");
	} else {
		html_text(req, "—");
	}
	html(req, "</dd>");
	registry_fact(req, TX_REG_DISTRICT, p.district_name);
	if (p.centre_code)
		registry_fact(req, TX_REG_CENTRE, p.centre_name);
	registry_fact(req, TX_REG_POST, registry_view_enum(req->lang, "person_role", p.role));
	registry_fact(req, TX_SUBJECT, p.subject);
	registry_fact(req, TX_TITLE, registry_view_enum(req->lang, "title", p.title));
	registry_fact(req, TX_EDUCATION, registry_view_enum(req->lang, "education", p.education));
	registry_fact(req, TX_KEY_LEVEL, registry_view_enum(req->lang, "key_level", p.key_level));
	registry_fact(req, TX_REG_SPECIAL_GRADE, registry_view_enum(req->lang, "bool",
								    p.special_grade ? "1" : "0"));
	registry_fact(req, TX_SERVICE_START, p.service_start);
	registry_fact(req, TX_STATUS, registry_view_enum(req->lang, "person_status", p.status));
	html(req, "</dl></section>\n");
	appraisals_section(req, &p); /* issue 6 §4 */
	registry_history_table(req, rows, n, &p);
	layout_end(req);
}

/* ---- the form ---- */

static const char *const form_fields[] = {
	"id_number", "name", "school_code", "centre_code", "role", "subject", "title", "education",
	"key_level", "special_grade", "service_start", "phone", "status", NULL,
};

/* Centre staff have no school: only the system admin and centre admins
 * register them, so only they see the centre field. */
static bool shows_centre(struct request *req, const struct person_rec *p)
{
	return req->who.role == ROLE_SYSADMIN || req->who.role == ROLE_CENTRE_ADMIN ||
	       (p && p->centre_code);
}

static void person_form(struct request *req, const struct person_rec *p, bool posted,
			const struct field_errors *fe)
{
	const char *title = p ? T(req, TX_REG_EDIT) : T(req, TX_REG_NEW_PERSON);
#define VALUE(key, cur) registry_form_value(req, posted, key, p ? (cur) : NULL)
	struct registry_field name = { "name", TX_NAME, VALUE("name", p->name), NULL, true };
	struct registry_field school = { "school_code", TX_REG_SCHOOL_CODE,
					 VALUE("school_code", p->school_code),
					 p ? T(req, TX_REG_TRANSFER_HINT) : T(req, TX_REG_SCHOOL_CODE_HINT),
					 false };
	struct registry_field centre = { "centre_code", TX_REG_CENTRE_CODE,
					 VALUE("centre_code", p->centre_code),
					 T(req, TX_REG_CENTRE_HINT), false };
	struct registry_field role = { "role", TX_REG_POST, VALUE("role", p->role), NULL, true };
	struct registry_field subject = { "subject", TX_SUBJECT, VALUE("subject", p->subject), NULL,
					  false };
	struct registry_field ptitle = { "title", TX_TITLE, VALUE("title", p->title), NULL, false };
	struct registry_field edu = { "education", TX_EDUCATION, VALUE("education", p->education),
				      NULL, true };
	struct registry_field key = { "key_level", TX_KEY_LEVEL, VALUE("key_level", p->key_level),
				      NULL, false };
	struct registry_field start = { "service_start", TX_SERVICE_START,
					VALUE("service_start", p->service_start),
					T(req, TX_REG_DATE_HINT), false };
	struct registry_field phone = { "phone", TX_REG_PHONE, VALUE("phone", p->phone), NULL, false };
	struct registry_field status = { "status", TX_STATUS, VALUE("status", p->status),
					 T(req, TX_REG_STATUS_HINT), false };
	bool special = posted ? req_form(req, "special_grade") != NULL : p && p->special_grade;
#undef VALUE

	if (!p && !posted && req->who.role == ROLE_SCHOOL_ADMIN)
		school.value = req->who.scope; /* her own school */
	layout_start(req, title);
	html(req, "<div class=\"page-head\"><h1>");
	html_text(req, title);
	if (p) {
		html(req, " · ");
		html_text(req, p->name);
	}
	html(req, "</h1></div>\n");
	registry_form_errors(req, fe, form_fields);
	html(req, "<form class=\"card form registry-form\" method=\"post\" action=\"");
	if (p)
		person_link(req, p, NULL);
	else
		html(req, "/persons");
	html(req, "\" novalidate>");
	html_csrf(req);
	if (p) {
		bool whole;

		html(req, "<dl class=\"facts\">");
		registry_fact(req, TX_ID_NUMBER, registry_view_id_number(req, p, false, &whole));
		html(req, "</dl>");
	} else {
		struct registry_field id = { "id_number", TX_ID_NUMBER,
					     posted ? req_form(req, "id_number") : NULL,
					     T(req, TX_REG_ID_HINT), true };

		registry_input(req, &id, "text", fe);
	}
	registry_input(req, &name, "text", fe);
	html(req, "<fieldset class=\"transfer\"><legend>");
	html_text(req, T(req, p ? TX_REG_TRANSFER : TX_SCHOOL));
	html(req, "</legend>");
	registry_input(req, &school, "text", fe);
	if (shows_centre(req, p))
		registry_input(req, &centre, "text", fe);
	html(req, "</fieldset>");
	registry_select(req, &role, vocab_codes(VOCAB_ROLE), NULL, "person_role", false, fe);
	registry_input(req, &subject, "text", fe);
	registry_select(req, &ptitle, vocab_codes(VOCAB_TITLE), NULL, "title", false, fe);
	registry_select(req, &edu, vocab_codes(VOCAB_EDUCATION), NULL, "education", !p, fe);
	registry_select(req, &key, vocab_codes(VOCAB_KEY_LEVEL), NULL, "key_level", false, fe);
	registry_checkbox(req, "special_grade", TX_REG_SPECIAL_GRADE, special);
	registry_input(req, &start, "date", fe);
	registry_input(req, &phone, "tel", fe);
	registry_select(req, &status, vocab_codes(VOCAB_STATUS), NULL, "person_status", false, fe);
	html(req, "<div class=\"form-actions\"><button class=\"primary\" type=\"submit\">");
	html_text(req, T(req, p ? TX_REG_SAVE : TX_CREATE));
	html(req, "</button><a class=\"button\" href=\"");
	if (p)
		person_link(req, p, NULL);
	else
		html(req, "/persons");
	html(req, "\">");
	html_text(req, T(req, TX_REG_CANCEL));
	html(req, "</a></div></form>\n");
	layout_end(req);
}

void page_person_new(struct request *req)
{
	person_form(req, NULL, false, NULL);
}

/* The record as the form sent it, and which fields it sent. */
static unsigned read_form(struct request *req, struct person_rec *r)
{
	static const struct { const char *key; unsigned flag; } keys[] = {
		{ "id_number", PF_ID_NUMBER }, { "name", PF_NAME }, { "phone", PF_PHONE },
		{ "school_code", PF_SCHOOL }, { "centre_code", PF_CENTRE }, { "role", PF_ROLE },
		{ "subject", PF_SUBJECT }, { "title", PF_TITLE }, { "education", PF_EDUCATION },
		{ "key_level", PF_KEY_LEVEL }, { "service_start", PF_SERVICE_START },
		{ "status", PF_STATUS },
	};
	unsigned fields = PF_SPECIAL_GRADE; /* an unticked box sends nothing */

	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (req_form(req, keys[i].key))
			fields |= keys[i].flag;
	r->id_number = req_form(req, "id_number");
	r->name = req_form(req, "name");
	r->phone = req_form(req, "phone");
	r->school_code = req_form(req, "school_code");
	r->centre_code = req_form(req, "centre_code");
	r->role = req_form(req, "role");
	r->subject = req_form(req, "subject");
	r->title = req_form(req, "title");
	r->education = req_form(req, "education");
	r->key_level = req_form(req, "key_level");
	r->service_start = req_form(req, "service_start");
	r->status = req_form(req, "status");
	r->special_grade = req_form(req, "special_grade") != NULL;
	return fields;
}

static void after_write(struct request *req, enum registry_write w, const struct person_rec *before,
			const struct person_rec *after, enum save_result res,
			struct field_errors *fe)
{
	switch (w) {
	case REGISTRY_WRITE_OK:
		req_redirect(req, arena_printf(req->arena, "/persons/%s?done=%s",
					       registry_view_person_ref(req->arena, after),
					       res == SAVE_INSERTED ? "created" :
					       res == SAVE_UPDATED ? "saved" : "unchanged"));
		return;
	case REGISTRY_WRITE_CONFLICT:
		field_error(fe, "id_number", "%s", T(req, TX_REG_PERSON_EXISTS));
		req->status = 409;
		break;
	case REGISTRY_WRITE_INVALID:
		req->status = 422;
		break;
	default:
		req_error(req, 500);
		return;
	}
	person_form(req, before, true, fe);
}

void page_person_create(struct request *req)
{
	struct person_rec in, out;
	struct field_errors fe = { 0 };
	enum save_result res = SAVE_UNCHANGED;
	unsigned fields = read_form(req, &in);
	enum registry_write w;

	w = registry_view_person_write(req, NULL, &in, fields, "form", &fe, &out, &res);
	after_write(req, w, NULL, &out, res, &fe);
}

void page_person_edit(struct request *req)
{
	struct person_rec p;

	if (person_of_path(req, PERM_REGISTRY_WRITE, &p) < 0)
		return;
	person_form(req, &p, false, NULL);
}

void page_person_update(struct request *req)
{
	struct person_rec p, in, out;
	struct field_errors fe = { 0 };
	enum save_result res = SAVE_UNCHANGED;
	unsigned fields;
	enum registry_write w;

	if (person_of_path(req, PERM_REGISTRY_WRITE, &p) < 0)
		return;
	fields = read_form(req, &in);
	w = registry_view_person_write(req, &p, &in, fields, "form", &fe, &out, &res);
	after_write(req, w, &p, &out, res, &fe);
}
