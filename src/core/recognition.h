/* recognition.h - recognition of activities (学时认定, issue 6 §6; DOMAIN.md
 * "Recognition"): non-training activities count as hours under rules a
 * region sets, each kind with hours per item and a yearly cap per person;
 * the teacher applies with evidence, her school approves, then her
 * district's centre, and the approval writes the ledger entry.
 *
 * API:
 * recognition_rules() reads a region's rules; recognition_rule_save()
 *   inserts or changes one (region, kind) rule, audited.
 * recognition_may_keep_rules(): a district centre its own region, the
 *   system admin any.
 * recognition_apply() checks and records a teacher's application with its
 *   evidence files (core/evidence.h), refusing hours beyond the cap.
 * recognition_withdraw(): the teacher, before the centre's approval.
 * recognition_review(): the school's step (applied -> school_approved or
 *   returned), then the district centre's (school_approved -> approved or
 *   returned); the centre's approval re-checks the cap and adds ledger entry
 *   "A<id>" of source 'recognition' in the same transaction.
 * recognition_get(), recognition_list(): reading, with the evidence files.
 *
 * The state machine (004_assessment.sql):
 *   applied --school--> school_approved --centre--> approved
 *   applied | school_approved --school/centre--> returned (with a comment)
 *   applied | school_approved --teacher--> withdrawn
 * Every step is one conditional UPDATE on the state it expects, so of two
 * reviewers clicking at once one wins and the other gets ERR_CONFLICT. */
#ifndef TDC_RECOGNITION_H
#define TDC_RECOGNITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/principal.h"
#include "lib/arena.h"
#include "lib/err.h"

struct store;

enum {
	RECOG_FILES_MAX = 5,        /* evidence files per application */
	RECOG_ITEMS_MAX = 100,      /* items per application */
	RECOG_TITLE_MAX = 200,      /* bytes */
	RECOG_DESCRIPTION_MAX = 4000,
	RECOG_COMMENT_MAX = 500,
	RECOG_FILENAME_MAX = 255,
};

/* The activity kinds of the rules table's CHECK, in display order. */
extern const char *const recognition_kinds[];
bool recognition_kind_valid(const char *kind);

struct recognition_rule {
	int64_t id;
	const char *region_code, *kind, *category;
	int32_t hours10;            /* per item */
	int32_t cap10;              /* per person and calendar year */
	bool active;
	const char *updated_by, *updated_at;
};

/* A region's rules in recognition_kinds[] order; active_only leaves out
 * the switched-off ones.  0, or -1 with err. */
int recognition_rules(struct store *s, struct arena *a, const char *region_code, bool active_only,
		      struct recognition_rule **out, int *n, struct err *err);
bool recognition_may_keep_rules(const struct principal *who, const char *region_code);
/* Inserts or updates the (region_code, kind) rule in its own write
 * transaction with its audit row.  -1 with err: ERR_INVALID (field kind,
 * hours, cap, category, region). */
int recognition_rule_save(struct store *s, const struct recognition_rule *r, const struct actor *by,
			  struct err *err);

/* ---- applications ---- */

struct recognition_file_in {
	const char *original_name;  /* as the browser sent it: shown, never a path */
	const unsigned char *data;
	size_t len;
};

struct recognition_input {
	int64_t person_id;
	const char *kind, *activity_date, *title, *description;
	int items;
	const struct recognition_file_in *files;
	int nfiles;
};

/* Filled when hours beyond the cap are refused: the cap, what the year
 * already holds (approved and pending), what was asked, and what is left. */
struct recognition_cap {
	int32_t cap10, used10, asked10, left10;
	int year;
};

/* Records an application in state 'applied'.  today: "YYYY-MM-DD".  The
 * files are checked by content (PDF, JPG, PNG; at most 10 MB; 1 to
 * RECOG_FILES_MAX of them), stored in files_dir, and removed again if
 * anything fails.  0 and *id, or -1 with err: ERR_INVALID with field kind
 * (no active rule of her district), activity_date, items, title,
 * description, files, file_type, file_size, file_empty, school; ERR_CONFLICT
 * field "cap" with *cap filled; ERR_IO, ERR_INTERNAL. */
int recognition_apply(struct store *s, const char *files_dir, const struct recognition_input *in,
		      const char *today, const struct actor *by, int64_t *id,
		      struct recognition_cap *cap, struct err *err);

/* The teacher withdraws her application (person_id must be hers) while it
 * is applied or school_approved.  -1 with ERR_NOT_FOUND or ERR_CONFLICT. */
int recognition_withdraw(struct store *s, int64_t id, int64_t person_id, const struct actor *by,
			 struct err *err);

enum recognition_decision { RECOG_APPROVE, RECOG_RETURN };

/* Whose step is it?  The school admin of the person's school for an
 * 'applied' one, a district centre admin of the person's district for a
 * 'school_approved' one. */
bool recognition_may_review(const struct principal *who, const char *school_code,
			    const char *district_code, const char *state);

/* One review step by who (see recognition_may_review()).  A return needs
 * a comment.  -1 with err: ERR_NOT_FOUND (no such application or outside
 * who's scope), ERR_FORBIDDEN (not who's step), ERR_CONFLICT field
 * "state" (someone else acted first) or "cap" (*cap filled), ERR_INVALID
 * field "comment". */
int recognition_review(struct store *s, const struct principal *who, int64_t id,
		       enum recognition_decision d, const char *comment, const struct actor *by,
		       struct recognition_cap *cap, struct err *err);

/* ---- reading ---- */

struct recognition_file {
	int64_t id, recognition_id, bytes;
	const char *stored_name, *original_name, *mime, *sha256, *uploaded_at;
};

struct recognition {
	int64_t id, person_id, rule_id;
	const char *id_number, *person_name, *school_code, *school_name, *district_code;
	const char *kind, *category, *activity_date, *title, *description, *state, *applied_at;
	const char *school_by, *school_at, *school_comment;
	const char *centre_by, *centre_at, *centre_comment, *record_id;
	int items;
	int32_t hours10;
	struct recognition_file *files; /* recognition_get() only */
	int nfiles;
};

/* 0, or -1 with err (ERR_NOT_FOUND). */
int recognition_get(struct store *s, struct arena *a, int64_t id, struct recognition *out,
		    struct err *err);
/* The application an evidence file belongs to: 0 and *recognition_id
 * (0 when there is no such file), or -1 (a database error). */
int recognition_file_owner(struct store *s, int64_t file_id, int64_t *recognition_id);
/* May who see this application and its evidence: the person herself,
 * reviewers whose scope holds her, the system admin. */
bool recognition_may_see(const struct principal *who, const struct recognition *r);

struct recognition_filter {
	int64_t person_id;          /* 0: any */
	const char *state;          /* NULL: any; "pending": applied or school_approved */
	int limit;                  /* <= 0: 200 */
};
/* Applications in who's scope (core/query.h), newest first. */
int recognition_list(struct store *s, struct arena *a, const struct principal *who,
		     const struct recognition_filter *f, struct recognition **out, int *n,
		     struct err *err);

/* The demo's rules and one pending application (core/demo.c). */
int recognition_demo(struct store *s, const char *const *district_codes, int ndistricts,
		     const char *teacher_id_number, const char *today);

#endif
