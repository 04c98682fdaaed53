/* vocab.h - the words people write in spreadsheets, and the codes the
 * database stores for them.
 *
 * A school's HR sheet says 中学高级, 大学本科 or 区级骨干教师; the
 * persons table wants senior, bachelor and district.  Each kind has its
 * codes (the CHECK constraints of migrations/001_init.sql) and, for each
 * code, the spellings we accept, the canonical Chinese name first (the
 * name web/text.c shows).  docs/import-values.md lists them all, and
 * tests/unit/test_vocab.c keeps the page and this table in step.
 *
 * API:
 * vocab_code() maps a cell to its code, or NULL.
 * vocab_codes(), vocab_names() and vocab_label() give the table back for
 * drop-down lists, messages and documentation. */
#ifndef TDC_VOCAB_H
#define TDC_VOCAB_H

enum vocab_kind {
	VOCAB_STAGE,     /* schools.stage */
	VOCAB_OWNERSHIP, /* schools.ownership */
	VOCAB_ROLE,      /* persons.role */
	VOCAB_TITLE,     /* persons.title */
	VOCAB_EDUCATION, /* persons.education */
	VOCAB_KEY_LEVEL, /* persons.key_level */
	VOCAB_STATUS,    /* persons.status */
	VOCAB_GENDER,    /* persons.gender (the import takes it from the ID number) */
	VOCAB_CATEGORY,  /* programmes.category, ledger.category (003_training.sql) */
	VOCAB_SOURCE,    /* ledger.source */
	VOCAB_APPRAISAL, /* appraisals.result (004_assessment.sql) */
	VOCAB_EVENT,     /* person_events.kind */
	VOCAB__MAX
};

/* Maps a cell to its code; NULL if unknown (also for NULL, an empty cell
 * or one of only spaces: whether empty means a default is the caller's
 * rule).  Spaces anywhere, ASCII, full-width U+3000 or no-break, are
 * ignored and ASCII letters compared case-insensitively, so "Full Senior",
 * "full_senior" and "正 高 级" all work.  The code itself is accepted. */
const char *vocab_code(enum vocab_kind k, const char *text);
/* The accepted spellings of a code, canonical Chinese name first, then
 * other Chinese spellings, then English words; the code itself is not
 * repeated.  NULL-terminated; NULL for an unknown kind or code. */
const char *const *vocab_names(enum vocab_kind k, const char *code);
/* The codes of a kind in display order, NULL-terminated (an empty list
 * for an unknown kind). */
const char *const *vocab_codes(enum vocab_kind k);
/* The canonical Chinese name of a code, e.g. 高级 for title senior; NULL
 * when the code is unknown. */
const char *vocab_label(enum vocab_kind k, const char *code);
/* The column's name for messages and documentation: "title". */
const char *vocab_kind_name(enum vocab_kind k);

#endif
