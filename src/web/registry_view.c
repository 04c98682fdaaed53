/* registry_view.c - what a caller sees of the registry, and writes with
 * their audit row (see registry_view.h). */
#include "registry_view.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/vocab.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/date.h"
#include "lib/idcard.h"
#include "store/store.h"

/* ---- who sees what ---- */

bool registry_view_person_permits(const struct principal *p, enum permission perm,
				  const struct person_rec *r)
{
	struct authz_target t;

	if (!r->school_code && p->role == ROLE_CENTRE_ADMIN)
		/* a centre's own staff are that centre's, whatever its domain:
		 * the same rule as the lists (registry.c, qb_person_scope) */
		return authz_permits(p, perm, NULL) && r->centre_code &&
		       !strcmp(r->centre_code, p->scope);
	registry_person_target(r, &t);
	return authz_permits(p, perm, &t);
}

bool registry_view_school_permits(const struct principal *p, enum permission perm,
				  const struct school_rec *r)
{
	struct authz_target t;

	registry_school_target(r, &t);
	return authz_permits(p, perm, &t);
}

bool registry_view_is_self(const struct principal *p, const struct person_rec *r)
{
	return p->person_id && p->person_id == r->id;
}

bool registry_view_may_reveal(const struct principal *p, const struct person_rec *r)
{
	return !registry_view_is_self(p, r) && registry_view_person_permits(p, PERM_REGISTRY_WRITE, r);
}

bool registry_view_sees_private(const struct principal *p, const struct person_rec *r)
{
	return registry_view_is_self(p, r) || registry_view_person_permits(p, PERM_REGISTRY_WRITE, r);
}

const char *registry_view_id_number(struct request *req, const struct person_rec *r, bool reveal,
				    bool *whole)
{
	char masked[ID_NUMBER_LEN + 1];
	struct actor who;

	*whole = false;
	if (!r->id_number)
		return NULL;
	if (registry_view_is_self(&req->who, r)) {
		*whole = true;
		return r->id_number;
	}
	idcard_mask(r->id_number, masked);
	if (!reveal || !registry_view_may_reveal(&req->who, r))
		return arena_strdup(req->arena, masked);
	/* the reveal and its record stand or fall together */
	who = req_actor(req);
	if (store_begin(req->store, STORE_WRITE) < 0)
		return NULL;
	if (audit_record(req->store, &who, "person.reveal",
			 arena_printf(req->arena, "person:%s", masked), NULL) < 0 ||
	    store_commit(req->store) < 0) {
		store_rollback(req->store);
		return NULL;
	}
	*whole = true;
	return r->id_number;
}

void registry_view_mask_phone(const char *phone, char *out, size_t len)
{
	char digits[32];
	size_t n = 0;

	for (const char *c = phone; *c && n + 1 < sizeof digits; c++)
		if (isdigit((unsigned char)*c))
			digits[n++] = *c;
	digits[n] = '\0';
	if (n < 8)
		/* too short to keep seven digits and hide anything */
		snprintf(out, len, "****");
	else
		snprintf(out, len, "%.3s****%s", digits, digits + n - 4);
}

const char *registry_view_phone(struct request *req, const struct person_rec *r)
{
	char masked[32];

	if (!r->phone || !*r->phone)
		return NULL;
	if (registry_view_sees_private(&req->who, r))
		return r->phone;
	registry_view_mask_phone(r->phone, masked, sizeof masked);
	return arena_strdup(req->arena, masked);
}

const char *registry_view_birth_date(struct request *req, const struct person_rec *r)
{
	if (!r->birth_date || !*r->birth_date)
		return NULL;
	if (registry_view_sees_private(&req->who, r))
		return r->birth_date;
	/* the year is enough for the age statistics read-only callers make */
	return arena_printf(req->arena, "%.4s-**-**", r->birth_date);
}

const char *registry_view_person_ref(struct arena *a, const struct person_rec *r)
{
	return arena_printf(a, "p%lld", (long long)r->id);
}

int registry_view_person_find(struct request *req, const char *ref, struct person_rec *out)
{
	char id[ID_NUMBER_LEN + 1];
	size_t n;

	if (!ref || !*ref)
		return STORE_ENOTFOUND;
	if (!strcmp(ref, "me"))
		return req->who.person_id ?
			registry_person_get_id(req->store, req->arena, req->who.person_id, out) :
			STORE_ENOTFOUND;
	n = strlen(ref);
	if (ref[0] == 'p' && n > 1 && n < 20 && strspn(ref + 1, "0123456789") == n - 1)
		return registry_person_get_id(req->store, req->arena, strtoll(ref + 1, NULL, 10), out);
	if (n != ID_NUMBER_LEN)
		return STORE_ENOTFOUND;
	for (size_t i = 0; i < n; i++)
		id[i] = (char)toupper((unsigned char)ref[i]);
	id[n] = '\0';
	return registry_person_get(req->store, req->arena, id, out);
}

/* ---- filters ---- */

/* A query value, NULL when absent or empty (a form's "all"). */
static const char *query(struct request *req, const char *key)
{
	const char *v = req_query(req, key);

	return v && *v ? v : NULL;
}

static bool is_code_of(enum vocab_kind k, const char *v)
{
	for (const char *const *c = vocab_codes(k); *c; c++)
		if (!strcmp(*c, v))
			return true;
	return false;
}

static bool digits(const char *v, size_t n)
{
	return strlen(v) == n && strspn(v, "0123456789") == n;
}

/* Reads one enumerated filter; false (and *bad) when the value is no code. */
static bool enum_filter(struct request *req, const char *key, enum vocab_kind k, const char **out,
			const char **bad)
{
	*out = query(req, key);
	if (*out && !is_code_of(k, *out)) {
		*bad = key;
		return false;
	}
	return true;
}

static bool digits_filter(struct request *req, const char *key, size_t n, const char **out,
			  const char **bad)
{
	*out = query(req, key);
	if (*out && !digits(*out, n)) {
		*bad = key;
		return false;
	}
	return true;
}

int registry_view_person_filter(struct request *req, struct person_filter *f, const char **bad)
{
	memset(f, 0, sizeof *f);
	f->q = query(req, "q");
	if (!digits_filter(req, "school", 10, &f->school, bad) ||
	    !digits_filter(req, "district", 6, &f->district, bad) ||
	    !enum_filter(req, "stage", VOCAB_STAGE, &f->stage, bad) ||
	    !enum_filter(req, "ownership", VOCAB_OWNERSHIP, &f->ownership, bad) ||
	    !enum_filter(req, "role", VOCAB_ROLE, &f->role, bad) ||
	    !enum_filter(req, "title", VOCAB_TITLE, &f->title, bad) ||
	    !enum_filter(req, "education", VOCAB_EDUCATION, &f->education, bad) ||
	    !enum_filter(req, "key_level", VOCAB_KEY_LEVEL, &f->key_level, bad) ||
	    !enum_filter(req, "status", VOCAB_STATUS, &f->status, bad))
		return -1;
	return 0;
}

int registry_view_school_filter(struct request *req, struct school_filter *f, const char **bad)
{
	memset(f, 0, sizeof *f);
	f->q = query(req, "q");
	if (!digits_filter(req, "district", 6, &f->district, bad) ||
	    !enum_filter(req, "stage", VOCAB_STAGE, &f->stage, bad) ||
	    !enum_filter(req, "ownership", VOCAB_OWNERSHIP, &f->ownership, bad))
		return -1;
	f->status = query(req, "status");
	if (f->status && strcmp(f->status, "open") && strcmp(f->status, "closed")) {
		*bad = "status";
		return -1;
	}
	return 0;
}

/* ---- words ---- */

static const struct {
	const char *kind, *code;
	enum text_id id;
} words[] = {
	{ "person_role", "teacher", TX_REG_PROLE_TEACHER },
	{ "person_role", "principal", TX_REG_PROLE_PRINCIPAL },
	{ "person_role", "director", TX_REG_PROLE_DIRECTOR },
	{ "person_role", "researcher", TX_REG_PROLE_RESEARCHER },
	{ "person_role", "trainer", TX_REG_PROLE_TRAINER },
	{ "person_status", "serving", TX_REG_STATUS_SERVING },
	{ "person_status", "transferred", TX_REG_STATUS_TRANSFERRED },
	{ "person_status", "retired", TX_REG_STATUS_RETIRED },
	{ "person_status", "left", TX_REG_STATUS_LEFT },
	{ "gender", "male", TX_REG_MALE },
	{ "gender", "female", TX_REG_FEMALE },
	{ "school_status", "open", TX_REG_OPEN },
	{ "school_status", "closed", TX_REG_CLOSED },
	{ "region_level", "province", TX_REG_LEVEL_PROVINCE },
	{ "region_level", "city", TX_REG_LEVEL_CITY },
	{ "region_level", "district", TX_REG_LEVEL_DISTRICT },
	{ "centre_kind", "municipal", TX_REG_MUNICIPAL },
	{ "centre_kind", "district", TX_REG_DISTRICT_CENTRE },
	{ "bool", "1", TX_REG_YES },
	{ "bool", "0", TX_REG_NO },
};

const char *registry_view_enum(enum lang lang, const char *kind, const char *code)
{
	if (!code)
		return "";
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcmp(words[i].kind, kind) && !strcmp(words[i].code, code))
			return text_get(lang, words[i].id);
	return text_enum(lang, kind, code);
}

static const struct {
	const char *field, *kind;
	enum text_id label;
} field_words[] = {
	{ "created", NULL, TX_REG_CREATED_FIELD },
	{ "name", NULL, TX_NAME },
	{ "phone", NULL, TX_REG_PHONE },
	{ "school", NULL, TX_SCHOOL },
	{ "centre", NULL, TX_REG_CENTRE },
	{ "role", "person_role", TX_REG_POST },
	{ "subject", NULL, TX_SUBJECT },
	{ "title", "title", TX_TITLE },
	{ "education", "education", TX_EDUCATION },
	{ "key_level", "key_level", TX_KEY_LEVEL },
	{ "service_start", NULL, TX_SERVICE_START },
	{ "status", "person_status", TX_STATUS },
	{ "special_grade", "bool", TX_REG_SPECIAL_GRADE },
	{ "district", NULL, TX_REG_DISTRICT },
	{ "stage", "stage", TX_STAGE },
	{ "ownership", "ownership", TX_OWNERSHIP },
};

const char *registry_view_field_kind(const char *field)
{
	for (size_t i = 0; field && i < sizeof field_words / sizeof field_words[0]; i++)
		if (!strcmp(field_words[i].field, field))
			return field_words[i].kind;
	return NULL;
}

const char *registry_view_field_label(enum lang lang, const char *field)
{
	for (size_t i = 0; field && i < sizeof field_words / sizeof field_words[0]; i++)
		if (!strcmp(field_words[i].field, field))
			return text_get(lang, field_words[i].label);
	return field ? field : "";
}

const char *registry_view_history_value(struct request *req, const struct person_rec *r,
					const char *field, const char *value)
{
	const char *kind;

	if (!value || !*value)
		return value;
	if (!strcmp(field, "phone") && r && !registry_view_sees_private(&req->who, r)) {
		char masked[32];

		registry_view_mask_phone(value, masked, sizeof masked);
		return arena_strdup(req->arena, masked);
	}
	/* a school's status has its own words; a person's is person_status */
	if (!r && !strcmp(field, "status"))
		return registry_view_enum(req->lang, "school_status", value);
	kind = registry_view_field_kind(field);
	return kind ? registry_view_enum(req->lang, kind, value) : value;
}

/* ---- writing ---- */

static bool same(const char *a, const char *b)
{
	if (!a || !*a)
		return !b || !*b;
	return b && !strcmp(a, b);
}

/* "title, school_code 3444102077 -> 3444102088": what an update changed,
 * for the audit log; school codes and statuses in full, personal values
 * (name, phone) by name only. */
static const char *person_changes(struct arena *a, const struct person_rec *o,
				  const struct person_rec *n, const char *source)
{
	struct buf b;
	const char *out;
	const struct {
		const char *key, *old_value, *new_value;
		bool show;
	} ch[] = {
		{ "name", o->name, n->name, false },
		{ "phone", o->phone, n->phone, false },
		{ "school_code", o->school_code, n->school_code, true },
		{ "centre_code", o->centre_code, n->centre_code, true },
		{ "role", o->role, n->role, true },
		{ "subject", o->subject, n->subject, false },
		{ "title", o->title, n->title, true },
		{ "education", o->education, n->education, true },
		{ "key_level", o->key_level, n->key_level, true },
		{ "service_start", o->service_start, n->service_start, false },
		{ "status", o->status, n->status, true },
		{ "special_grade", o->special_grade ? "1" : "0", n->special_grade ? "1" : "0", true },
	};
	int k = 0;

	buf_init(&b);
	for (size_t i = 0; i < sizeof ch / sizeof ch[0]; i++) {
		if (same(ch[i].old_value, ch[i].new_value))
			continue;
		buf_printf(&b, "%s%s", k++ ? ", " : "", ch[i].key);
		if (ch[i].show)
			buf_printf(&b, " %s -> %s", ch[i].old_value ? ch[i].old_value : "-",
				   ch[i].new_value ? ch[i].new_value : "-");
	}
	buf_printf(&b, " (%s)", source);
	out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

enum registry_write registry_view_person_write(struct request *req, const struct person_rec *before,
					       struct person_rec *rec, unsigned fields,
					       const char *source, struct field_errors *fe,
					       struct person_rec *after, enum save_result *res)
{
	struct registry_scope sc;
	struct actor who = req_actor(req);
	char now[ISO_TIME_LEN], today[DATE_LEN + 1], masked[ID_NUMBER_LEN + 1];
	struct change_source src = { .who = &who, .source = source, .now = now };
	struct person_rec stored;
	enum save_result result = SAVE_UNCHANGED;
	enum registry_write out = REGISTRY_WRITE_ERROR;
	int64_t id = 0;
	int errors = fe->n, rc;
	const char *detail;

	clock_now_iso(now);
	snprintf(today, sizeof today, "%.10s", now);
	if (before) {
		/* the number names the record; it is never changed here */
		rec->id_number = before->id_number;
		rec->birth_date = before->birth_date;
		fields &= ~(unsigned)PF_ID_NUMBER;
	} else {
		fields |= PF_ID_NUMBER;
	}
	registry_scope_of(&req->who, &sc);
	if (registry_person_check(rec, fields, !before, today, req->arena, fe) < 0) {
		/* one answer lists every bad field, those the database knows too */
		return registry_person_check_refs(req->store, &sc, rec, fields, fe) < -1 ?
			REGISTRY_WRITE_ERROR : REGISTRY_WRITE_INVALID;
	}
	if (store_begin(req->store, STORE_WRITE) < 0)
		return REGISTRY_WRITE_ERROR;
	if (!before) {
		rc = registry_person_get(req->store, req->arena, rec->id_number, &stored);
		if (rc == 0) {
			out = REGISTRY_WRITE_CONFLICT;
			goto fail;
		}
		if (rc != STORE_ENOTFOUND)
			goto fail;
	}
	rc = registry_person_save(req->store, &sc, &src, rec, fields, fe, &result, &id);
	if (rc < 0) {
		if (fe->n > errors)
			out = REGISTRY_WRITE_INVALID;
		goto fail;
	}
	if (registry_person_get_id(req->store, req->arena, id, &stored) < 0)
		goto fail;
	if (result != SAVE_UNCHANGED) {
		idcard_mask(stored.id_number, masked);
		detail = before ? person_changes(req->arena, before, &stored, source) :
			 arena_printf(req->arena, "%s (%s)",
				      stored.school_code ? stored.school_code :
				      stored.centre_code ? stored.centre_code : "-", source);
		if (audit_record(req->store, &who, before ? "person.update" : "person.create",
				 arena_printf(req->arena, "person:%s", masked), detail) < 0)
			goto fail;
	}
	if (store_commit(req->store) < 0)
		goto fail;
	if (after)
		*after = stored;
	if (res)
		*res = result;
	return REGISTRY_WRITE_OK;
fail:
	store_rollback(req->store);
	return out;
}

static const char *school_changes(struct arena *a, const struct school_rec *o,
				  const struct school_rec *n, const char *source)
{
	struct buf b;
	const char *out;
	const struct {
		const char *key, *old_value, *new_value;
	} ch[] = {
		{ "name", o->name, n->name },
		{ "district_code", o->district_code, n->district_code },
		{ "stage", o->stage, n->stage },
		{ "ownership", o->ownership, n->ownership },
		{ "status", o->status, n->status },
	};
	int k = 0;

	buf_init(&b);
	for (size_t i = 0; i < sizeof ch / sizeof ch[0]; i++)
		if (!same(ch[i].old_value, ch[i].new_value))
			buf_printf(&b, "%s%s %s -> %s", k++ ? ", " : "", ch[i].key,
				   ch[i].old_value ? ch[i].old_value : "-",
				   ch[i].new_value ? ch[i].new_value : "-");
	buf_printf(&b, " (%s)", source);
	out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

enum registry_write registry_view_school_write(struct request *req, const struct school_rec *before,
					       struct school_rec *rec, unsigned fields,
					       const char *source, struct field_errors *fe,
					       struct school_rec *after, enum save_result *res)
{
	struct registry_scope sc;
	struct actor who = req_actor(req);
	char now[ISO_TIME_LEN];
	struct change_source src = { .who = &who, .source = source, .now = now };
	struct school_rec stored;
	enum save_result result = SAVE_UNCHANGED;
	enum registry_write out = REGISTRY_WRITE_ERROR;
	int64_t id = 0;
	int errors = fe->n, rc;

	clock_now_iso(now);
	if (before) {
		rec->code = before->code;
		fields &= ~(unsigned)SF_CODE;
	} else {
		fields |= SF_CODE;
	}
	if (registry_school_check(rec, fields, !before, req->arena, fe) < 0)
		return registry_school_check_refs(req->store, rec, fields, fe) < -1 ?
			REGISTRY_WRITE_ERROR : REGISTRY_WRITE_INVALID;
	registry_scope_of(&req->who, &sc);
	if (store_begin(req->store, STORE_WRITE) < 0)
		return REGISTRY_WRITE_ERROR;
	if (!before) {
		rc = registry_school_get(req->store, req->arena, rec->code, &stored);
		if (rc == 0) {
			out = REGISTRY_WRITE_CONFLICT;
			goto fail;
		}
		if (rc != STORE_ENOTFOUND)
			goto fail;
	}
	rc = registry_school_save(req->store, &sc, &src, rec, fields, fe, &result, &id);
	if (rc < 0) {
		if (fe->n > errors)
			out = REGISTRY_WRITE_INVALID;
		goto fail;
	}
	if (registry_school_get(req->store, req->arena, rec->code, &stored) < 0)
		goto fail;
	if (result != SAVE_UNCHANGED &&
	    audit_record(req->store, &who, before ? "school.update" : "school.create",
			 arena_printf(req->arena, "school:%s", stored.code),
			 before ? school_changes(req->arena, before, &stored, source) :
				  arena_printf(req->arena, "%s (%s)", stored.name, source)) < 0)
		goto fail;
	if (store_commit(req->store) < 0)
		goto fail;
	if (after)
		*after = stored;
	if (res)
		*res = result;
	return REGISTRY_WRITE_OK;
fail:
	store_rollback(req->store);
	return out;
}
