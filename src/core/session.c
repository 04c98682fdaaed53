/* session.c - sessions and API tokens (see session.h). */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "core/account.h"
#include "core/audit.h"
#include "lib/clock.h"
#include "store/store.h"

static const char SQL_START[] =
	"INSERT INTO sessions (token_hash, account_id, created_at, last_seen, expires_at, address)"
	" VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_RESOLVE[] =
	"SELECT id, account_id, last_seen, expires_at FROM sessions"
	" WHERE token_hash = ? AND revoked_at IS NULL";
static const char SQL_TOUCH[] = "UPDATE sessions SET last_seen = ? WHERE id = ?";
static const char SQL_END[] =
	"UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL";
static const char SQL_REVOKE_ACCOUNT[] =
	"UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL";

int session_start(struct store *s, int64_t account_id, const char *address, time_t now,
		  const struct session_limits *lim, char token[TOKEN_CHARS + 1])
{
	unsigned char hash[TOKEN_HASH_BYTES];
	char at[ISO_TIME_LEN], expires[ISO_TIME_LEN];
	struct stmt *st;

	secret_token(token);
	secret_token_hash(token, hash);
	clock_iso(now, at);
	clock_iso(now + lim->absolute_s, expires);
	if (store_prepare(s, SQL_START, &st) < 0)
		return -1;
	stmt_bind_blob(st, 1, hash, sizeof hash);
	stmt_bind_int(st, 2, account_id);
	stmt_bind_text(st, 3, at);
	stmt_bind_text(st, 4, at);
	stmt_bind_text(st, 5, expires);
	stmt_bind_text(st, 6, address);
	return stmt_run(st) < 0 ? -1 : 0;
}

int session_resolve(struct store *s, const char *token, time_t now,
		    const struct session_limits *lim, struct principal *p)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	struct stmt *st;
	int64_t id = 0, account_id = 0;
	time_t last = 0, expires = 0;
	int rc;

	memset(p, 0, sizeof *p);
	if (!token || strlen(token) != TOKEN_CHARS)
		return 1;
	secret_token_hash(token, hash);
	if (store_prepare(s, SQL_RESOLVE, &st) < 0)
		return -1;
	stmt_bind_blob(st, 1, hash, sizeof hash);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		id = stmt_int(st, 0);
		account_id = stmt_int(st, 1);
		if (clock_parse_iso(stmt_text(st, 2), &last) < 0 ||
		    clock_parse_iso(stmt_text(st, 3), &expires) < 0)
			id = 0;
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	if (!id || now >= expires || now - last >= lim->idle_s)
		return 1;
	if (now - last >= 60) {
		char at[ISO_TIME_LEN];

		clock_iso(now, at);
		if (store_prepare(s, SQL_TOUCH, &st) < 0)
			return -1;
		stmt_bind_text(st, 1, at);
		stmt_bind_int(st, 2, id);
		stmt_run(st); /* a busy moment only delays the idle clock */
	}
	return account_load_principal(s, account_id, p);
}

int session_end(struct store *s, const char *token)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	char at[ISO_TIME_LEN];
	struct stmt *st;

	if (!token || strlen(token) != TOKEN_CHARS)
		return 0;
	secret_token_hash(token, hash);
	clock_now_iso(at);
	if (store_prepare(s, SQL_END, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, at);
	stmt_bind_blob(st, 2, hash, sizeof hash);
	return stmt_run(st) < 0 ? -1 : 0;
}

int session_revoke_account(struct store *s, int64_t account_id)
{
	char at[ISO_TIME_LEN];
	struct stmt *st;

	clock_now_iso(at);
	if (store_prepare(s, SQL_REVOKE_ACCOUNT, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, at);
	stmt_bind_int(st, 2, account_id);
	return stmt_run(st) < 0 ? -1 : 0;
}

/* ---- API tokens ------------------------------------------------------- */

static const char SQL_TOKEN_ACCOUNT[] = "SELECT id, disabled FROM accounts WHERE login = ?";
static const char SQL_TOKEN_INSERT[] =
	"INSERT INTO api_tokens (token_hash, account_id, prefix, created_at, expires_at)"
	" VALUES (?, ?, ?, ?, ?)";
static const char SQL_TOKEN_FIND[] =
	"SELECT t.id, a.login FROM api_tokens t JOIN accounts a ON a.id = t.account_id"
	" WHERE t.token_hash = ?";
static const char SQL_TOKEN_REVOKE[] =
	"UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
static const char SQL_TOKEN_RESOLVE[] =
	"SELECT account_id, expires_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL";

static bool token_well_formed(const char *token)
{
	return token && strlen(token) == API_TOKEN_CHARS && !strncmp(token, "tdc_", 4);
}

int token_create(struct store *s, const char *login, int days, const struct actor *who,
		 char token[API_TOKEN_CHARS + 1], struct err *err)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	char at[ISO_TIME_LEN], expires[ISO_TIME_LEN], object[96], detail[64], prefix[13];
	struct stmt *st;
	int64_t account_id = 0;
	bool disabled = false;
	time_t now = time(NULL);

	if (days < 1 || days > 3650) {
		err_field(err, ERR_USAGE, "days", "bad --days %d: from 1 to 3650", days);
		return -1;
	}
	memcpy(token, "tdc_", 4);
	secret_token(token + 4);
	secret_token_hash(token, hash);
	snprintf(prefix, sizeof prefix, "%.12s", token);
	clock_iso(now, at);
	clock_iso(now + (time_t)days * 86400, expires);
	if (store_begin(s, STORE_WRITE) < 0)
		goto fail_db;
	if (store_prepare(s, SQL_TOKEN_ACCOUNT, &st) < 0)
		goto fail_db;
	stmt_bind_text(st, 1, login);
	if (stmt_step(st) == STORE_ROW) {
		account_id = stmt_int(st, 0);
		disabled = stmt_int(st, 1) != 0;
	}
	stmt_done(st);
	if (!account_id) {
		err_field(err, ERR_NOT_FOUND, "login", "no account '%s'", login);
		goto fail;
	}
	if (disabled) {
		err_field(err, ERR_CONFLICT, "login", "account '%s' is disabled", login);
		goto fail;
	}
	if (store_prepare(s, SQL_TOKEN_INSERT, &st) < 0)
		goto fail_db;
	stmt_bind_blob(st, 1, hash, sizeof hash);
	stmt_bind_int(st, 2, account_id);
	stmt_bind_text(st, 3, prefix);
	stmt_bind_text(st, 4, at);
	stmt_bind_text(st, 5, expires);
	if (stmt_run(st) < 0)
		goto fail_db;
	snprintf(object, sizeof object, "account:%s", login);
	snprintf(detail, sizeof detail, "prefix=%s expires=%s", prefix, expires);
	if (audit_record(s, who, "token.create", object, detail) < 0 || store_commit(s) < 0)
		goto fail_db;
	return 0;
fail_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
fail:
	store_rollback(s);
	return -1;
}

int token_revoke(struct store *s, const char *token, const struct actor *who, struct err *err)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	char at[ISO_TIME_LEN], object[96], detail[32];
	struct stmt *st;
	int64_t id = 0;

	if (!token_well_formed(token)) {
		err_set(err, ERR_INVALID, "not an API token: tokens are 'tdc_' and 43 characters");
		return -1;
	}
	secret_token_hash(token, hash);
	if (store_begin(s, STORE_WRITE) < 0)
		goto fail_db;
	if (store_prepare(s, SQL_TOKEN_FIND, &st) < 0)
		goto fail_db;
	stmt_bind_blob(st, 1, hash, sizeof hash);
	if (stmt_step(st) == STORE_ROW) {
		id = stmt_int(st, 0);
		snprintf(object, sizeof object, "account:%s", stmt_text(st, 1));
	}
	stmt_done(st);
	if (!id) {
		err_set(err, ERR_NOT_FOUND, "no such API token");
		goto fail;
	}
	clock_now_iso(at);
	if (store_prepare(s, SQL_TOKEN_REVOKE, &st) < 0)
		goto fail_db;
	stmt_bind_text(st, 1, at);
	stmt_bind_int(st, 2, id);
	if (stmt_run(st) < 0)
		goto fail_db;
	snprintf(detail, sizeof detail, "prefix=%.12s", token);
	if (audit_record(s, who, "token.revoke", object, detail) < 0 || store_commit(s) < 0)
		goto fail_db;
	return 0;
fail_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
fail:
	store_rollback(s);
	return -1;
}

int token_resolve(struct store *s, const char *token, time_t now, struct principal *p)
{
	unsigned char hash[TOKEN_HASH_BYTES];
	struct stmt *st;
	int64_t account_id = 0;
	time_t expires = 0;
	int rc;

	memset(p, 0, sizeof *p);
	if (!token_well_formed(token))
		return 1;
	secret_token_hash(token, hash);
	if (store_prepare(s, SQL_TOKEN_RESOLVE, &st) < 0)
		return -1;
	stmt_bind_blob(st, 1, hash, sizeof hash);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		account_id = stmt_int(st, 0);
		if (clock_parse_iso(stmt_text(st, 1), &expires) < 0)
			account_id = 0;
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	if (!account_id || now >= expires)
		return 1;
	return account_load_principal(s, account_id, p);
}
