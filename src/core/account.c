/* account.c - accounts, passwords and sign-in (see account.h). */
#include "account.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/session.h"
#include "lib/clock.h"
#include "lib/secret.h"
#include "store/store.h"

static const char SQL_PERSON_BY_ID_NUMBER[] =
	"SELECT id, name FROM persons WHERE id_number = ?";
static const char SQL_SCHOOL_EXISTS[] = "SELECT count(*) FROM schools WHERE code = ?";
static const char SQL_CENTRE_BY_CODE[] =
	"SELECT code FROM centres WHERE code = ? OR (kind = 'district' AND region_code = ?)"
	" ORDER BY CASE WHEN code = ? THEN 0 ELSE 1 END LIMIT 1";
static const char SQL_ALLIANCE_EXISTS[] = "SELECT count(*) FROM alliances WHERE code = ?";
static const char SQL_REGION_EXISTS[] = "SELECT count(*) FROM regions WHERE code = ?";
static const char SQL_INSERT[] =
	"INSERT INTO accounts (login, display_name, role, scope, person_id, password_hash,"
	" created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

static bool login_is_valid(const char *login)
{
	size_t n = strlen(login);

	if (n < 2 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)login[i];

		if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int account_check_password(const char *password, struct err *err)
{
	size_t n = password ? strlen(password) : 0;

	if (n < PASSWORD_MIN_LEN) {
		err_field(err, ERR_INVALID, "password", "password too short: at least %d characters",
			  PASSWORD_MIN_LEN);
		return -1;
	}
	if (n > PASSWORD_MAX_LEN) {
		err_field(err, ERR_INVALID, "password", "password too long: at most %d characters",
			  PASSWORD_MAX_LEN);
		return -1;
	}
	return 0;
}

static int count_of(struct store *s, const char *sql, const char *v)
{
	struct stmt *st;
	int n = -1;

	if (store_prepare(s, sql, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, v);
	if (stmt_step(st) == STORE_ROW)
		n = (int)stmt_int(st, 0);
	stmt_done(st);
	return n;
}

/* Checks the scope the role needs and rewrites it to its canonical code
 * (a division code given for a centre admin becomes the centre's code). */
static int resolve_scope(struct store *s, enum role role, const char *scope,
			 char out[33], struct err *err)
{
	struct stmt *st;
	enum scope_kind kind = role_scope_kind(role);
	bool has = scope && *scope;

	out[0] = '\0';
	if (kind == SCOPE_NONE || kind == SCOPE_PERSON) {
		if (has) {
			err_field(err, ERR_INVALID, "scope", "role '%s' takes no scope", role_code(role));
			return -1;
		}
		return 0;
	}
	if (!has) {
		err_field(err, ERR_INVALID, "scope", "role '%s' needs a scope: %s", role_code(role),
			  kind == SCOPE_SCHOOL ? "a 10-digit school identifier" :
			  kind == SCOPE_CENTRE ? "a centre code or a division code" :
			  kind == SCOPE_ALLIANCE ? "an alliance code" : "a division code");
		return -1;
	}
	if (strlen(scope) > 32)
		goto unknown;
	switch (kind) {
	case SCOPE_SCHOOL:
		if (count_of(s, SQL_SCHOOL_EXISTS, scope) != 1)
			goto unknown;
		break;
	case SCOPE_CENTRE:
		if (store_prepare(s, SQL_CENTRE_BY_CODE, &st) < 0)
			return -1;
		stmt_bind_text(st, 1, scope);
		stmt_bind_text(st, 2, scope);
		stmt_bind_text(st, 3, scope);
		if (stmt_step(st) != STORE_ROW) {
			stmt_done(st);
			goto unknown;
		}
		snprintf(out, 33, "%s", stmt_text(st, 0));
		stmt_done(st);
		return 0;
	case SCOPE_ALLIANCE:
		if (count_of(s, SQL_ALLIANCE_EXISTS, scope) != 1)
			goto unknown;
		break;
	case SCOPE_REGION:
		if (count_of(s, SQL_REGION_EXISTS, scope) != 1)
			goto unknown;
		break;
	default:
		break;
	}
	snprintf(out, 33, "%s", scope);
	return 0;
unknown:
	err_field(err, ERR_INVALID, "scope", "no %s '%s' for role '%s'",
		  kind == SCOPE_SCHOOL ? "school" : kind == SCOPE_CENTRE ? "centre" :
		  kind == SCOPE_ALLIANCE ? "alliance" : "region", scope, role_code(role));
	return -1;
}

int account_create(struct store *s, const struct account_new *in, const struct actor *who,
		   int64_t *id_out, struct err *err)
{
	char hash[PASSWORD_HASH_MAX], now[ISO_TIME_LEN], scope[33], detail[256];
	char person_name[129] = "";
	int64_t person_id = 0;
	struct stmt *st;
	int rc;

	if (!in->login || !login_is_valid(in->login)) {
		err_field(err, ERR_INVALID, "login",
			  "bad login '%s': 2 to 64 characters of a-z, 0-9, '.', '_' and '-'",
			  in->login ? in->login : "");
		return -1;
	}
	if (in->role == ROLE_NONE) {
		err_field(err, ERR_INVALID, "role", "unknown role: use one of %s", role_list());
		return -1;
	}
	if (account_check_password(in->password, err) < 0)
		return -1;
	/* hash before the transaction: it takes a tenth of a second and must
	 * not hold the write lock */
	if (secret_password_hash(in->password, hash) < 0) {
		err_set(err, ERR_INTERNAL, "out of memory hashing the password");
		return -1;
	}
	if (store_begin(s, STORE_WRITE) < 0)
		goto fail_db;
	if (resolve_scope(s, in->role, in->scope, scope, err) < 0)
		goto fail;
	if (in->person_id_number && *in->person_id_number) {
		if (store_prepare(s, SQL_PERSON_BY_ID_NUMBER, &st) < 0)
			goto fail_db;
		stmt_bind_text(st, 1, in->person_id_number);
		if (stmt_step(st) == STORE_ROW) {
			person_id = stmt_int(st, 0);
			snprintf(person_name, sizeof person_name, "%s", stmt_text(st, 1));
		}
		stmt_done(st);
		if (!person_id) {
			err_field(err, ERR_INVALID, "person", "no person with ID number '%s'",
				  in->person_id_number);
			goto fail;
		}
	} else if (in->role == ROLE_TEACHER) {
		err_field(err, ERR_INVALID, "person", "a teacher account needs its person (--person ID_NUMBER)");
		goto fail;
	}
	clock_now_iso(now);
	if (store_prepare(s, SQL_INSERT, &st) < 0)
		goto fail_db;
	stmt_bind_text(st, 1, in->login);
	stmt_bind_text(st, 2, in->display_name && *in->display_name ? in->display_name :
			      *person_name ? person_name : in->login);
	stmt_bind_text(st, 3, role_code(in->role));
	stmt_bind_text(st, 4, *scope ? scope : NULL);
	if (person_id)
		stmt_bind_int(st, 5, person_id);
	stmt_bind_text(st, 6, hash);
	stmt_bind_text(st, 7, now);
	stmt_bind_text(st, 8, now);
	rc = stmt_run(st);
	if (rc == STORE_ECONSTRAINT) {
		err_field(err, ERR_CONFLICT, "login", "login '%s' already exists", in->login);
		goto fail;
	}
	if (rc < 0)
		goto fail_db;
	if (id_out)
		*id_out = store_last_insert_id(s);
	snprintf(detail, sizeof detail, "role=%s scope=%s", role_code(in->role), scope);
	{
		char object[96];

		snprintf(object, sizeof object, "account:%s", in->login);
		if (audit_record(s, who, "account.create", object, detail) < 0)
			goto fail_db;
	}
	if (store_commit(s) < 0)
		goto fail_db;
	return 0;
fail_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
fail:
	store_rollback(s);
	return -1;
}

static const char SQL_LIST[] =
	"SELECT a.id, a.login, a.display_name, a.role, coalesce(a.scope, ''), a.lang, a.created_at,"
	" a.disabled, (SELECT count(*) FROM sessions se WHERE se.account_id = a.id"
	"  AND se.revoked_at IS NULL AND se.expires_at > ?3)"
	" FROM accounts a"
	" WHERE (?1 IS NULL OR a.login LIKE '%' || ?1 || '%' OR a.display_name LIKE '%' || ?1 || '%')"
	" AND (?2 IS NULL OR a.role = ?2)"
	" ORDER BY a.role, a.login LIMIT 1000";

int account_list(struct store *s, struct arena *a, const char *q, const char *role,
		 struct account_row **rows, int *n)
{
	struct stmt *st;
	int cap = 64, rc;
	char now[ISO_TIME_LEN];

	*n = 0;
	*rows = arena_alloc(a, sizeof **rows * (size_t)cap);
	if (!*rows || store_prepare(s, SQL_LIST, &st) < 0)
		return -1;
	clock_now_iso(now);
	stmt_bind_text(st, 1, q && *q ? q : NULL);
	stmt_bind_text(st, 2, role && *role ? role : NULL);
	stmt_bind_text(st, 3, now);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap && arena_grow(a, rows, &cap, sizeof **rows) < 0)
			break;
		struct account_row *r = &(*rows)[(*n)++];

		r->id = stmt_int(st, 0);
		r->login = arena_strdup(a, stmt_text(st, 1));
		r->display_name = arena_strdup(a, stmt_text(st, 2));
		r->role = arena_strdup(a, stmt_text(st, 3));
		r->scope = arena_strdup(a, stmt_text(st, 4));
		r->lang = arena_strdup(a, stmt_text(st, 5));
		r->created_at = arena_strdup(a, stmt_text(st, 6));
		r->disabled = stmt_int(st, 7) != 0;
		r->sessions = stmt_int(st, 8);
	}
	stmt_done(st);
	return rc < 0 ? -1 : 0;
}

static const char SQL_ID_BY_LOGIN[] = "SELECT id, disabled FROM accounts WHERE login = ?";
static const char SQL_SET_DISABLED[] = "UPDATE accounts SET disabled = ? WHERE id = ?";
static const char SQL_REVOKE_TOKENS[] =
	"UPDATE api_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL";
static const char SQL_SET_PASSWORD[] =
	"UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE id = ?";

static int revoke_tokens(struct store *s, int64_t account_id)
{
	char now[ISO_TIME_LEN];
	struct stmt *st;

	clock_now_iso(now);
	if (store_prepare(s, SQL_REVOKE_TOKENS, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, now);
	stmt_bind_int(st, 2, account_id);
	return stmt_run(st) < 0 ? -1 : 0;
}

static int64_t find_account(struct store *s, const char *login, bool *disabled)
{
	struct stmt *st;
	int64_t id = 0;

	if (store_prepare(s, SQL_ID_BY_LOGIN, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, login);
	if (stmt_step(st) == STORE_ROW) {
		id = stmt_int(st, 0);
		if (disabled)
			*disabled = stmt_int(st, 1) != 0;
	}
	stmt_done(st);
	return id;
}

static int set_disabled(struct store *s, const char *login, bool disabled,
			const struct actor *who, struct err *err)
{
	struct stmt *st;
	char object[96];
	int64_t id;

	if (store_begin(s, STORE_WRITE) < 0)
		goto fail_db;
	id = find_account(s, login, NULL);
	if (id < 0)
		goto fail_db;
	if (id == 0) {
		err_field(err, ERR_NOT_FOUND, "login", "no account '%s'", login);
		goto fail;
	}
	if (store_prepare(s, SQL_SET_DISABLED, &st) < 0)
		goto fail_db;
	stmt_bind_int(st, 1, disabled);
	stmt_bind_int(st, 2, id);
	if (stmt_run(st) < 0)
		goto fail_db;
	if (disabled) {
		/* a disabled account is out at once, not at its next expiry */
		if (session_revoke_account(s, id) < 0 || revoke_tokens(s, id) < 0)
			goto fail_db;
	}
	snprintf(object, sizeof object, "account:%s", login);
	if (audit_record(s, who, disabled ? "account.disable" : "account.enable", object, NULL) < 0)
		goto fail_db;
	if (store_commit(s) < 0)
		goto fail_db;
	return 0;
fail_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
fail:
	store_rollback(s);
	return -1;
}

int account_disable(struct store *s, const char *login, const struct actor *who, struct err *err)
{
	return set_disabled(s, login, true, who, err);
}

int account_enable(struct store *s, const char *login, const struct actor *who, struct err *err)
{
	return set_disabled(s, login, false, who, err);
}

int account_set_password(struct store *s, const char *login, const char *password,
			 const struct actor *who, struct err *err)
{
	char hash[PASSWORD_HASH_MAX], now[ISO_TIME_LEN], object[96];
	struct stmt *st;
	int64_t id;

	if (account_check_password(password, err) < 0)
		return -1;
	if (secret_password_hash(password, hash) < 0) {
		err_set(err, ERR_INTERNAL, "out of memory hashing the password");
		return -1;
	}
	if (store_begin(s, STORE_WRITE) < 0)
		goto fail_db;
	if ((id = find_account(s, login, NULL)) < 0)
		goto fail_db;
	if (id == 0) {
		err_field(err, ERR_NOT_FOUND, "login", "no account '%s'", login);
		goto fail;
	}
	clock_now_iso(now);
	if (store_prepare(s, SQL_SET_PASSWORD, &st) < 0)
		goto fail_db;
	stmt_bind_text(st, 1, hash);
	stmt_bind_text(st, 2, now);
	stmt_bind_int(st, 3, id);
	if (stmt_run(st) < 0)
		goto fail_db;
	/* whoever knew the old password is signed out, and its tokens end */
	if (session_revoke_account(s, id) < 0 || revoke_tokens(s, id) < 0)
		goto fail_db;
	snprintf(object, sizeof object, "account:%s", login);
	if (audit_record(s, who, "account.password", object, NULL) < 0)
		goto fail_db;
	if (store_commit(s) < 0)
		goto fail_db;
	return 0;
fail_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
fail:
	store_rollback(s);
	return -1;
}

int account_revoke_sessions(struct store *s, const char *login, const struct actor *who,
			    struct err *err)
{
	char object[96];
	int64_t id;

	if (store_begin(s, STORE_WRITE) < 0)
		goto fail_db;
	if ((id = find_account(s, login, NULL)) < 0)
		goto fail_db;
	if (id == 0) {
		err_field(err, ERR_NOT_FOUND, "login", "no account '%s'", login);
		goto fail;
	}
	if (session_revoke_account(s, id) < 0)
		goto fail_db;
	snprintf(object, sizeof object, "account:%s", login);
	if (audit_record(s, who, "account.sessions_revoke", object, NULL) < 0 || store_commit(s) < 0)
		goto fail_db;
	return 0;
fail_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
fail:
	store_rollback(s);
	return -1;
}

static const char SQL_SET_LANG[] = "UPDATE accounts SET lang = ? WHERE id = ?";

int account_set_lang(struct store *s, int64_t account_id, const char *lang)
{
	struct stmt *st;

	if (strcmp(lang, "zh") && strcmp(lang, "en"))
		return -1;
	if (store_prepare(s, SQL_SET_LANG, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, lang);
	stmt_bind_int(st, 2, account_id);
	return stmt_run(st) < 0 ? -1 : 0;
}

/* ---- sign-in and throttling ------------------------------------------ */

static const char SQL_FAILURES[] =
	"SELECT at FROM login_attempts WHERE ok = 0 AND at >= ?3"
	" AND (login = ?1 OR (?2 <> '' AND address = ?2)) ORDER BY at";
static const char SQL_RECORD_ATTEMPT[] =
	"INSERT INTO login_attempts (login, address, at, ok) VALUES (?, ?, ?, ?)";
static const char SQL_FOR_SIGN_IN[] =
	"SELECT id, password_hash, disabled FROM accounts WHERE login = ?";
static const char SQL_REHASH[] = "UPDATE accounts SET password_hash = ? WHERE id = ?";

int account_throttle_wait(struct store *s, const char *login, const char *address, time_t now)
{
	/* Look back far enough to see a lock still running: a lock starts at a
	 * fifth failure inside one window and lasts THROTTLE_LOCK_S after it.
	 * A failure of this login from anywhere, or from this address for any
	 * login, counts, so neither guessing one password from many places nor
	 * many logins from one place gets more than five tries. */
	time_t times[64];
	int n = 0, wait = 0;
	struct stmt *st;
	char since[ISO_TIME_LEN];

	clock_iso(now - THROTTLE_WINDOW_S - THROTTLE_LOCK_S, since);
	if (store_prepare(s, SQL_FAILURES, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, login);
	stmt_bind_text(st, 2, address);
	stmt_bind_text(st, 3, since);
	while (stmt_step(st) == STORE_ROW) {
		time_t t;

		if (clock_parse_iso(stmt_text(st, 0), &t) < 0)
			continue;
		if (n == (int)(sizeof times / sizeof times[0])) {
			memmove(times, times + 1, sizeof times - sizeof times[0]);
			n--;
		}
		times[n++] = t;
	}
	stmt_done(st);
	for (int i = 0; i + THROTTLE_FAILURES - 1 < n; i++) {
		time_t fifth = times[i + THROTTLE_FAILURES - 1];

		if (fifth - times[i] <= THROTTLE_WINDOW_S && fifth + THROTTLE_LOCK_S > now) {
			int w = (int)(fifth + THROTTLE_LOCK_S - now);

			if (w > wait)
				wait = w;
		}
	}
	return wait;
}

static int record_attempt(struct store *s, const char *login, const char *address, time_t now, bool ok)
{
	struct stmt *st;
	char at[ISO_TIME_LEN];

	clock_iso(now, at);
	if (store_prepare(s, SQL_RECORD_ATTEMPT, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, login);
	stmt_bind_text(st, 2, address ? address : "");
	stmt_bind_text(st, 3, at);
	stmt_bind_int(st, 4, ok);
	return stmt_run(st);
}

/* The hash an unknown login is checked against; made once, since sign-ins
 * run on several threads at the same time. */
static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
	secret_password_hash("not a password of anybody", dummy_hash);
}

int account_sign_in(struct store *s, const char *login, const char *password,
		    const char *address, time_t now, struct principal *p, struct err *err)
{
	char hash[PASSWORD_HASH_MAX] = "";
	int64_t id = 0;
	bool disabled = false, ok, password_ok = false;
	struct stmt *st;
	int wait;

	if (!login || !*login || strlen(login) > 64 || !password || strlen(password) > PASSWORD_MAX_LEN) {
		err_set(err, ERR_UNAUTHORISED, "wrong login or password");
		return -1;
	}
	wait = account_throttle_wait(s, login, address ? address : "", now);
	if (wait < 0)
		goto fail_db;
	if (wait > 0) {
		err_set(err, ERR_THROTTLED, "%d", (wait + 59) / 60);
		return -1;
	}
	if (store_prepare(s, SQL_FOR_SIGN_IN, &st) < 0)
		goto fail_db;
	stmt_bind_text(st, 1, login);
	if (stmt_step(st) == STORE_ROW) {
		id = stmt_int(st, 0);
		snprintf(hash, sizeof hash, "%s", stmt_text(st, 1));
		disabled = stmt_int(st, 2) != 0;
	}
	stmt_done(st);
	/* verify even for an unknown login, against a fixed hash, so the time
	 * taken does not tell which logins exist */
	if (!*hash) {
		pthread_once(&dummy_once, make_dummy_hash);
		secret_password_verify(dummy_hash, password);
		ok = false;
	} else {
		password_ok = secret_password_verify(hash, password);
		ok = password_ok && !disabled;
	}
	if (record_attempt(s, login, address, now, ok) < 0)
		goto fail_db;
	if (!ok) {
		/* say "disabled" only to who knows the password: to anyone else
		 * a disabled login looks like any wrong one */
		err_set(err, ERR_UNAUTHORISED, password_ok ? "account disabled" : "wrong login or password");
		return -1;
	}
	if (secret_password_needs_rehash(hash) && secret_password_hash(password, hash) == 0 &&
	    store_prepare(s, SQL_REHASH, &st) == 0) {
		stmt_bind_text(st, 1, hash);
		stmt_bind_int(st, 2, id);
		stmt_run(st);
	}
	if (account_load_principal(s, id, p) < 0)
		goto fail_db;
	return 0;
fail_db:
	err_set(err, ERR_IO, "database error: %s", store_errmsg(s));
	return -1;
}

static const char SQL_PRINCIPAL[] =
	"SELECT a.login, a.display_name, a.role, coalesce(a.scope, ''), coalesce(a.person_id, 0),"
	" a.lang, a.disabled,"
	" coalesce(sc.district_code, c.region_code, r.code, ps.district_code, ''),"
	" coalesce(c.kind, ''), coalesce(c.domain, ''),"
	" coalesce(sc.name, c.name, r.name, al.name, ps.name, '')"
	" FROM accounts a"
	" LEFT JOIN schools sc ON a.role = 'school_admin' AND sc.code = a.scope"
	" LEFT JOIN centres c ON a.role = 'centre_admin' AND c.code = a.scope"
	" LEFT JOIN regions r ON a.role = 'bureau' AND r.code = a.scope"
	" LEFT JOIN alliances al ON a.role = 'alliance' AND al.code = a.scope"
	" LEFT JOIN persons pe ON pe.id = a.person_id"
	" LEFT JOIN schools ps ON ps.id = pe.school_id"
	" WHERE a.id = ?";

int account_load_principal(struct store *s, int64_t account_id, struct principal *p)
{
	struct stmt *st;
	int rc;

	memset(p, 0, sizeof *p);
	if (store_prepare(s, SQL_PRINCIPAL, &st) < 0)
		return -1;
	stmt_bind_int(st, 1, account_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW && stmt_int(st, 6) == 0) {
		p->account_id = account_id;
		snprintf(p->login, sizeof p->login, "%s", stmt_text(st, 0));
		snprintf(p->name, sizeof p->name, "%s", stmt_text(st, 1));
		p->role = role_parse(stmt_text(st, 2));
		snprintf(p->scope, sizeof p->scope, "%s", stmt_text(st, 3));
		p->person_id = stmt_int(st, 4);
		snprintf(p->lang, sizeof p->lang, "%s", stmt_text(st, 5));
		snprintf(p->region_code, sizeof p->region_code, "%s", stmt_text(st, 7));
		snprintf(p->centre_kind, sizeof p->centre_kind, "%s", stmt_text(st, 8));
		snprintf(p->domain, sizeof p->domain, "%s", stmt_text(st, 9));
		snprintf(p->scope_name, sizeof p->scope_name, "%s", stmt_text(st, 10));
	}
	stmt_done(st);
	if (rc < 0)
		return -1;
	return p->account_id ? 0 : 1; /* 1: no such account, or disabled */
}
