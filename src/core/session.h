/* session.h - browser sessions and API tokens.
 *
 * Both are random 256-bit tokens given to the client once and stored only
 * as hashes.  A session ends when it is idle too long, at its absolute
 * expiry, on sign-out, or when the system admin revokes it; an API token at
 * its expiry or when revoked.
 *
 * API:
 * session_start() makes a session for an account and returns its token.
 * session_resolve() turns a cookie's token into a principal, or says no;
 *   it also moves last_seen, at most once a minute to spare writes.
 * session_end() signs one session out; session_revoke_account() all of an
 *   account's sessions.
 * token_create(), token_revoke(), token_resolve(): the same for API tokens,
 *   which are written "tdc_" + 43 characters. */
#ifndef TDC_SESSION_H
#define TDC_SESSION_H

#include <stdint.h>
#include <time.h>

#include "core/principal.h"
#include "lib/err.h"
#include "lib/secret.h"

struct store;

enum { API_TOKEN_CHARS = 4 + TOKEN_CHARS };

struct session_limits {
	int idle_s;      /* signed out after this long without a request */
	int absolute_s;  /* and after this long in any case */
};

int session_start(struct store *s, int64_t account_id, const char *address, time_t now,
		  const struct session_limits *lim, char token[TOKEN_CHARS + 1]);
/* 0 and *p filled when valid; 1 when not (unknown, expired, revoked, disabled). */
int session_resolve(struct store *s, const char *token, time_t now,
		    const struct session_limits *lim, struct principal *p);
int session_end(struct store *s, const char *token);
int session_revoke_account(struct store *s, int64_t account_id);

int token_create(struct store *s, const char *login, int days, const struct actor *who,
		 char token[API_TOKEN_CHARS + 1], struct err *err);
int token_revoke(struct store *s, const char *token, const struct actor *who, struct err *err);
int token_resolve(struct store *s, const char *token, time_t now, struct principal *p);

#endif
