/* account.h - accounts, passwords, sign-in and its throttling.
 *
 * API:
 * account_create() checks the login, role, scope and password, hashes the
 *   password (Argon2id) and records the creation in the audit log.
 * account_list() lists accounts for the system admin's page and the CLI.
 * account_disable(), account_set_password(), account_set_lang() change one
 *   account; the first two also end its sessions and API tokens.
 * account_sign_in() checks throttling, the password and the account's
 *   state, records the attempt, and fills the principal.
 * account_load_principal() fills a principal from an account id, resolving
 *   its scope to the school, centre or region it names.
 *
 * Every change is audited in the same transaction. */
#ifndef TDC_ACCOUNT_H
#define TDC_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/principal.h"
#include "lib/arena.h"
#include "lib/err.h"

struct store;

enum { PASSWORD_MIN_LEN = 8, PASSWORD_MAX_LEN = 256 };

/* Throttling: 5 failures for one login or one address within 15 minutes
 * lock further attempts for 15 minutes from the fifth. */
enum { THROTTLE_FAILURES = 5, THROTTLE_WINDOW_S = 15 * 60, THROTTLE_LOCK_S = 15 * 60 };

struct account_new {
	const char *login;
	const char *display_name;  /* NULL: the person's name, or the login */
	enum role role;
	const char *scope;         /* school code, centre or division code, region code */
	const char *person_id_number; /* the account's person, for teachers */
	const char *password;
};

struct account_row {
	int64_t id;
	const char *login, *display_name, *role, *scope, *lang, *created_at;
	bool disabled;
	int64_t sessions;          /* live sessions */
};

int account_create(struct store *s, const struct account_new *in, const struct actor *who,
		   int64_t *id_out, struct err *err);
int account_list(struct store *s, struct arena *a, const char *q, const char *role,
		 struct account_row **rows, int *n);
int account_disable(struct store *s, const char *login, const struct actor *who, struct err *err);
int account_enable(struct store *s, const char *login, const struct actor *who, struct err *err);
int account_set_password(struct store *s, const char *login, const char *password,
			 const struct actor *who, struct err *err);
int account_revoke_sessions(struct store *s, const char *login, const struct actor *who,
			    struct err *err);
int account_set_lang(struct store *s, int64_t account_id, const char *lang);
int account_check_password(const char *password, struct err *err);

/* Sign-in.  On success fills *p; on failure err says why (ERR_THROTTLED
 * with the minutes to wait, or ERR_UNAUTHORISED). */
int account_sign_in(struct store *s, const char *login, const char *password,
		    const char *address, time_t now, struct principal *p, struct err *err);
int account_load_principal(struct store *s, int64_t account_id, struct principal *p);
/* 0 when allowed; else seconds until the lock ends */
int account_throttle_wait(struct store *s, const char *login, const char *address, time_t now);

#endif
