/* registry_view.h - what a caller sees of the registry and how a change
 * is written, shared by the registry pages and the JSON API.
 *
 * Reading.  A person's ID number is masked (idcard_mask) everywhere except
 * to the person herself; an admin who may change the record (REGISTRY_WRITE
 * in scope, the system admin) may reveal it, and every reveal is audited
 * ("person.reveal", object "person:<masked>").  The phone and the full
 * birth date are personal too: the person and the admins in scope see
 * them, read-only callers (the bureau) see 138****8000 and 1985-**-**.
 *
 * Addressing.  Lists must not carry the number, not even in a link, so a
 * person is named in URLs by a reference "p<row id>"; the pages and the
 * API also take the 18-character number, and "me" for the caller's own.
 *
 * Scope.  registry_scope_of() filters the lists; a single record is
 * checked with authz_permits() on registry_*_target(), except a centre's
 * own staff (no school), who belong to that centre alone, as in the lists.
 *
 * Writing.  registry_view_person_write() and registry_view_school_write()
 * check (registry_*_check), save (registry_*_save) and audit in one write
 * transaction, so the forms and the API cannot drift apart. */
#ifndef TDC_REGISTRY_VIEW_H
#define TDC_REGISTRY_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/registry.h"
#include "web/request.h"

/* ---- who sees what ---- */

bool registry_view_person_permits(const struct principal *p, enum permission perm,
				  const struct person_rec *r);
bool registry_view_school_permits(const struct principal *p, enum permission perm,
				  const struct school_rec *r);
bool registry_view_is_self(const struct principal *p, const struct person_rec *r);
/* The full number on request: writers in scope, never read-only roles. */
bool registry_view_may_reveal(const struct principal *p, const struct person_rec *r);
/* The phone and birth date whole: herself, or a writer in scope. */
bool registry_view_sees_private(const struct principal *p, const struct person_rec *r);

/* What to show of each; arena strings, NULL stays NULL.  The ID number is
 * whole for herself; with reveal set and registry_view_may_reveal(), whole
 * and audited (NULL when the audit cannot be written: answer 500). */
const char *registry_view_id_number(struct request *req, const struct person_rec *r, bool reveal,
				    bool *whole);
const char *registry_view_phone(struct request *req, const struct person_rec *r);
const char *registry_view_birth_date(struct request *req, const struct person_rec *r);
/* "138****8000": the first three and last four digits of a phone. */
void registry_view_mask_phone(const char *phone, char *out, size_t len);

/* "p123": a person in URLs. */
const char *registry_view_person_ref(struct arena *a, const struct person_rec *r);
/* Reads the person a URL names (reference, number or "me"); 0, or
 * STORE_ENOTFOUND, or another negative store error.  No scope check. */
int registry_view_person_find(struct request *req, const char *ref, struct person_rec *out);

/* ---- filters from the query string ---- */

/* Fills a filter from q, school, district, stage, ownership, role, title,
 * education, key_level, status (persons) or q, district, stage, ownership,
 * status (schools).  Enumerated values must be codes; a district six
 * digits, a school ten.  Returns 0, or -1 with *bad naming the key. */
int registry_view_person_filter(struct request *req, struct person_filter *f, const char **bad);
int registry_view_school_filter(struct request *req, struct school_filter *f, const char **bad);

/* ---- words ---- */

/* The name of a code in the request's language: registry kinds
 * ("person_role", "person_status", "gender", "school_status",
 * "region_level", "centre_kind") here, the rest through text_enum(). */
const char *registry_view_enum(enum lang lang, const char *kind, const char *code);
/* The kind registry_view_enum() takes for a person field, or NULL. */
const char *registry_view_field_kind(const char *field);
/* The label of a history field ("title" -> 职称). */
const char *registry_view_field_label(enum lang lang, const char *field);
/* A history row's value as the caller may read it (phones masked). */
const char *registry_view_history_value(struct request *req, const struct person_rec *r,
					const char *field, const char *value);

/* ---- writing ---- */

enum registry_write {
	REGISTRY_WRITE_OK = 0,
	REGISTRY_WRITE_INVALID = -1,   /* fe says why: 422 */
	REGISTRY_WRITE_CONFLICT = -2,  /* creating what exists: 409 */
	REGISTRY_WRITE_ERROR = -3,     /* the database failed: 500 */
};

/* Creates (before NULL) or updates a person: rec holds what the user wrote
 * for `fields`; on update rec->id_number is taken from before.  On success
 * *after (if not NULL) is the stored record and *res what happened.
 * source: "form" or "api". */
enum registry_write registry_view_person_write(struct request *req, const struct person_rec *before,
					       struct person_rec *rec, unsigned fields,
					       const char *source, struct field_errors *fe,
					       struct person_rec *after, enum save_result *res);
enum registry_write registry_view_school_write(struct request *req, const struct school_rec *before,
					       struct school_rec *rec, unsigned fields,
					       const char *source, struct field_errors *fe,
					       struct school_rec *after, enum save_result *res);

#endif
