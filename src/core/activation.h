/* activation.h - one-time activation codes: how a teacher signs in the
 * first time.
 *
 * A school admin (or a centre admin, or the system admin) issues one code
 * per person in a scope; the person opens /activate, gives her ID number,
 * the code and a new password, and has a teacher account from then on:
 * login her ID number (lower-case x), role teacher, her person.  Later she
 * signs in on /login with the ID number and that password.
 *
 * The code: 12 symbols from the 31 letters and digits left when 0 O 1 I L
 * are taken out (about 59.4 bits), shown in groups as "K7QM-3XP9-2DTW":
 * easy to read aloud and to type on a phone.  Typed with or without the
 * dashes and spaces, in any case, full-width (a Chinese input method's)
 * too.
 *
 * Stored: only BLAKE2b(key = the installation's secret, "person id:code"),
 * never the code.  Binding the person means a code is worth nothing with
 * anyone else's ID number; the key means the table alone cannot be turned
 * back into codes by trying all 2^59 of them.
 *
 * Validity: through the 30th day after issue (expires_at is 00:00 UTC the
 * day after the date printed, 08:00 in China), once.  Issuing a new code for
 * a person ends her earlier unused ones.
 *
 * Who gets one: every person whose status is 'serving' in the scope
 * (teachers, principals, researchers, trainers: all staff sign in as
 * 'teacher' to see their own records), except those who already have an
 * active teacher account (enabled, with a password).  With `all` those get
 * a new code as well: for a forgotten password; redeeming it then sets the
 * new password and ends her sessions and API tokens.  A disabled teacher
 * account counts as none: redeeming a code enables it again, since the
 * admin who handed out the code vouches for the person.
 *
 * API:
 * activation_scope_parse() turns a code from the command line (school,
 *   centre or division code) into a scope; activation_scope_of() takes a
 *   signed-in admin's own; activation_scope_narrow() narrows one to a
 *   school inside it.
 * activation_count() counts serving persons in a scope, and those with an
 *   active teacher account.
 * activation_issue() makes the codes of a scope in one transaction with one
 *   audit row ("activation.issue", "scope:<code>", "N codes"); the plain
 *   codes exist only in the batch it returns, which o->deliver receives
 *   before the commit, so codes that could not be handed over are never
 *   issued.
 * activation_redeem() checks an ID number and code, throttled as sign-in
 *   is, and makes or re-enables the account ("activation.redeem").
 * activation_login_of() tells /login which login an ID number signs in as.
 * activation_code_new(), activation_code_normalise(): the code's form.
 * activation_sheet() writes a batch as .xlsx or CSV into memory
 *   (activation_sheet.c). */
#ifndef TDC_ACTIVATION_H
#define TDC_ACTIVATION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/principal.h"
#include "core/registry.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "lib/idcard.h"

struct store;

enum {
	ACTIVATION_SYMBOLS = 12,     /* symbols of a code */
	ACTIVATION_CODE_LEN = 14,    /* as shown: three groups of four, two dashes */
	ACTIVATION_VALID_DAYS = 30,
};

/* A scope to issue codes for.  sc points into the struct itself: fill it
 * in place, never copy it. */
struct activation_scope {
	struct registry_scope sc;
	char code[33];      /* as named, for the audit row: "3444102077", "440106", "gz-yey", "all" */
	char name[129];     /* the school's, centre's or region's name; "" for "all" */
	char school[11], district[7], domain[24], centre[33];
};

/* code: a 10-digit school identifier, a centre code ("gz-yey", or a
 * district centre's division code "440106": then its district and its own
 * staff), or a district or city division code.  ERR_NOT_FOUND when it
 * names nothing; ERR_IO for the database. */
int activation_scope_parse(struct store *s, const char *code, struct activation_scope *out,
			   struct err *err);
/* The scope of a school admin, centre admin or system admin ("all"). */
void activation_scope_of(const struct principal *p, struct activation_scope *out);
/* Narrows to one school of the scope: ERR_NOT_FOUND when there is no such
 * school, ERR_FORBIDDEN when it lies outside the scope. */
int activation_scope_narrow(struct store *s, struct activation_scope *as, const char *school_code,
			    struct err *err);

struct activation_counts {
	int64_t serving;    /* persons serving in the scope */
	int64_t active;     /* of them, with an active teacher account */
};
int activation_count(struct store *s, const struct registry_scope *sc, struct activation_counts *out);

struct activation_card {
	int64_t person_id;
	const char *place;                   /* school's name, or the centre's for its staff */
	const char *name;
	char id_masked[ID_NUMBER_LEN + 1];   /* "4401**********123X" */
	char code[ACTIVATION_CODE_LEN + 1];  /* "K7QM-3XP9-2DTW" */
	bool renewed;                        /* she had an active account (with `all`) */
};

struct activation_batch {
	struct activation_card *cards;       /* arena memory, by place then person */
	int n;
	int skipped;                         /* had an active account, and no `all` */
	char expires_on[11];                 /* the last valid day, "YYYY-MM-DD" */
	const struct activation_scope *scope;
};

struct activation_issue_opts {
	bool all;           /* also persons with an active teacher account */
	int max;            /* refuse a batch larger than this (ERR_CONFLICT); 0: any size */
	time_t now;
	/* hands the codes over (writes the file, keeps the download) inside
	 * the transaction: failing (-1 with err) issues nothing.  Not called
	 * for an empty batch.  May be NULL. */
	int (*deliver)(const struct activation_batch *b, void *ctx, struct err *err);
	void *ctx;
};

/* Fills *out (cards in a), also when nobody needs a code (n = 0: then
 * nothing is written, nor audited).  ERR_CONFLICT over o->max, ERR_IO. */
int activation_issue(struct store *s, struct arena *a, const struct activation_scope *scope,
		     const struct activation_issue_opts *o, const struct actor *who,
		     struct activation_batch *out, struct err *err);

struct activation_redeem_in {
	const char *id_number;   /* as typed: spaces, x, full-width digits, 15 digits are fine */
	const char *code;        /* as typed */
	const char *password;    /* the new password (account.c's rules) */
	const char *address;     /* the client's, for throttling and the audit log */
	time_t now;
};

struct activation_account {
	int64_t account_id;
	char login[65];
	bool created;            /* a new account, not an existing one set anew */
};

/* Errors, in the order checked: ERR_INVALID (field "id_number", "code" or
 * "password": malformed, no attempt counted); ERR_THROTTLED (message: the
 * minutes to wait); ERR_UNAUTHORISED (no such code for this person, used,
 * expired, or the person no longer serving: one answer for all, and a
 * failed attempt counted against the ID number and the address, as
 * sign-in counts them); ERR_CONFLICT (her login is another account's);
 * ERR_IO. */
int activation_redeem(struct store *s, const struct activation_redeem_in *in,
		      struct activation_account *out, struct err *err);

/* When typed is an ID number (idcard_parse() takes it), the login it signs
 * in as: her teacher account's (an enabled one first; one made before
 * activation may have another login), else the number in lower case.
 * Returns 1 with out filled, 0 when typed is no ID number, -1 on error. */
int activation_login_of(struct store *s, const char *typed, char out[65]);

/* A fresh random code, as shown. */
void activation_code_new(char out[ACTIVATION_CODE_LEN + 1]);
/* What someone typed to the 12 symbols (upper case, no separators); 0, or
 * -1 when it cannot be a code (wrong length, a symbol outside the alphabet). */
int activation_code_normalise(const char *typed, char out[ACTIVATION_SYMBOLS + 1]);

/* ---- the sheet (activation_sheet.c) ---- */

enum activation_sheet_format { ACTIVATION_XLSX, ACTIVATION_CSV };

/* Columns 学校, 姓名, 身份证号 (masked), 激活码, 有效期至.  .xlsx: frozen
 * header, widths, every cell text.  CSV: UTF-8 with a BOM, CRLF.  Made in
 * memory (the .xlsx through a memory file, its parts through /dev/shm when
 * there is one) so the codes touch no disk; *out gets the bytes. */
int activation_sheet(const struct activation_batch *b, enum activation_sheet_format fmt,
		     struct buf *out, struct err *err);

#endif
