/* test_session.c - accounts, sign-in and its throttling (core/account.c),
 * browser sessions and API tokens (core/session.c), against a temporary
 * migrated database holding a small city: Guangzhou (440100), two of its
 * districts, a primary school, a district centre, the municipal
 * kindergarten centre and one teacher.
 *
 * Covered: account_create() and the role/scope rules, duplicate logins;
 * account_sign_in() filling the principal per role, wrong passwords,
 * throttling by login and by address and its end after 15 minutes;
 * sessions (start, resolve, idle and absolute expiry, end, revoke all);
 * API tokens (create, resolve, expiry, revoke, malformed); disabling an
 * account ends both; password change; account_list(); and the audit rows
 * these changes leave.
 *
 * Passwords are Argon2id (~0.1 s a hash or a check), so the accounts are
 * made once for the group and each test signs in only as often as it
 * must.  Throttling tests pass a `now` weeks in the past, one day apart,
 * so their failures never count against another test's sign-ins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/session.h"
#include "fixture.h"
#include "lib/idcard.h"
#include "lib/secret.h"

#define SCHOOL_CODE "2144060001"
#define SCHOOL_NAME "天河区第一小学"
#define CENTRE_NAME "天河区教师发展中心"
#define KG_CENTRE_NAME "广州市幼儿园教师发展中心"
#define PERSON_NAME "王老师"
#define PW "s3cret-password"

struct fixture {
	struct tmpdb db;
	char id_number[ID_NUMBER_LEN + 1];
	int64_t person_id;
	int64_t root_id, sa_id, bu_id;
	time_t now;
};

static const struct actor cli = { 0, "cli:test", NULL };
static const struct session_limits limits = { 3600, 7200 };

static const char SQL_SETUP[] =
	"INSERT INTO regions (code, name, level, parent_code) VALUES"
	" ('440100', '广州市', 'city', NULL),"
	" ('440106', '天河区', 'district', '440100'),"
	" ('440104', '越秀区', 'district', '440100');"
	"INSERT INTO schools (code, name, district_code, stage, ownership) VALUES"
	" ('" SCHOOL_CODE "', '" SCHOOL_NAME "', '440106', 'primary', 'public');"
	"INSERT INTO centres (code, name, kind, region_code, domain) VALUES"
	" ('440106', '" CENTRE_NAME "', 'district', '440106', NULL),"
	" ('GZKG', '" KG_CENTRE_NAME "', 'municipal', '440100', 'kindergarten');";

static const char SQL_PERSON[] =
	"INSERT INTO persons (id_number, name, gender, birth_date, school_id, role, education)"
	" VALUES (?, '" PERSON_NAME "', 'male', '1980-01-01',"
	" (SELECT id FROM schools WHERE code = '" SCHOOL_CODE "'), 'teacher', 'bachelor')";

static int64_t create(struct store *s, const char *login, enum role role, const char *scope,
		      const char *person)
{
	struct account_new in = { .login = login, .role = role, .scope = scope,
				  .person_id_number = person, .password = PW };
	struct err err = { 0 };
	int64_t id = 0;

	if (account_create(s, &in, &cli, &id, &err) < 0) {
		fprintf(stderr, "account_create %s: %s\n", login, err.message);
		return -1;
	}
	return id;
}

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct stmt *st;

	if (!f || secret_init() < 0 || fixture_db_open(&f->db, "session") < 0)
		return -1;
	*state = f;
	f->now = time(NULL);
	/* 440106 1980-01-01 001: a man born in Tianhe; the check character
	 * computed by idcard.c */
	memcpy(f->id_number, "44010619800101001", 17);
	f->id_number[17] = idcard_check_char(f->id_number);
	f->id_number[18] = '\0';
	if (!idcard_is_valid(f->id_number))
		return -1;
	if (fixture_exec(f->db.s, SQL_SETUP) < 0)
		return -1;
	if (store_prepare(f->db.s, SQL_PERSON, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, f->id_number);
	if (stmt_run(st) < 0)
		return -1;
	f->person_id = store_last_insert_id(f->db.s);

	f->root_id = create(f->db.s, "root", ROLE_SYSADMIN, NULL, NULL);
	f->sa_id = create(f->db.s, "sa", ROLE_SCHOOL_ADMIN, SCHOOL_CODE, NULL);
	f->bu_id = create(f->db.s, "bu", ROLE_BUREAU, "440100", NULL);
	if (f->root_id <= 0 || f->sa_id <= 0 || f->bu_id <= 0 ||
	    create(f->db.s, "t1", ROLE_TEACHER, NULL, f->id_number) <= 0 ||
	    create(f->db.s, "ca", ROLE_CENTRE_ADMIN, "440106", NULL) <= 0 ||
	    create(f->db.s, "kg", ROLE_CENTRE_ADMIN, "GZKG", NULL) <= 0 ||
	    create(f->db.s, "dis1", ROLE_SYSADMIN, NULL, NULL) <= 0 ||
	    create(f->db.s, "dis2", ROLE_EVALUATOR, NULL, NULL) <= 0 ||
	    create(f->db.s, "pw1", ROLE_EVALUATOR, NULL, NULL) <= 0 ||
	    create(f->db.s, "aud1", ROLE_EVALUATOR, NULL, NULL) <= 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	fixture_db_close(&f->db);
	free(f);
	return 0;
}

static long long count_accounts(struct store *s, const char *login)
{
	static const char SQL[] = "SELECT count(*) FROM accounts WHERE login = ?";
	struct stmt *st;
	long long n = -1;

	assert_int_equal(store_prepare(s, SQL, &st), STORE_OK);
	stmt_bind_text(st, 1, login);
	if (stmt_step(st) == STORE_ROW)
		n = stmt_int(st, 0);
	stmt_done(st);
	return n;
}

/* ---- creating accounts ------------------------------------------------ */

static void create_refuses_bad_input(void **state)
{
	struct fixture *f = *state;
	static const char *const bad_logins[] = {
		"", "a", "Wang", "wang wei", "王伟", "wang/../x", "wang;drop",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 65 */
	};
	struct account_new in = { .login = "fine", .role = ROLE_SYSADMIN, .password = PW };
	struct err err;

	for (size_t i = 0; i < sizeof bad_logins / sizeof bad_logins[0]; i++) {
		memset(&err, 0, sizeof err);
		in.login = bad_logins[i];
		if (account_create(f->db.s, &in, &cli, NULL, &err) != -1)
			fail_msg("login '%s' accepted", bad_logins[i]);
		assert_int_equal(err.code, ERR_INVALID);
		assert_string_equal(err.field, "login");
	}
	in.login = NULL;
	assert_int_equal(account_create(f->db.s, &in, &cli, NULL, &err), -1);

	in.login = "fine";
	in.role = ROLE_NONE;
	memset(&err, 0, sizeof err);
	assert_int_equal(account_create(f->db.s, &in, &cli, NULL, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "role");

	in.role = ROLE_SYSADMIN;
	in.password = "short";
	memset(&err, 0, sizeof err);
	assert_int_equal(account_create(f->db.s, &in, &cli, NULL, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "password");
	assert_int_equal(count_accounts(f->db.s, "fine"), 0);
}

static void create_refuses_wrong_scope(void **state)
{
	struct fixture *f = *state;
	static const struct { const char *login; enum role role; const char *scope; bool person; } cases[] = {
		{ "x-sys", ROLE_SYSADMIN, "440100", false },           /* takes none */
		{ "x-eval", ROLE_EVALUATOR, SCHOOL_CODE, false },       /* takes none */
		{ "x-teacher", ROLE_TEACHER, SCHOOL_CODE, true },       /* own records only */
		{ "x-school", ROLE_SCHOOL_ADMIN, NULL, false },         /* needs one */
		{ "x-school2", ROLE_SCHOOL_ADMIN, "2144069999", false }, /* no such school */
		{ "x-school3", ROLE_SCHOOL_ADMIN, "440106", false },    /* a region is no school */
		{ "x-centre", ROLE_CENTRE_ADMIN, "440104", false },     /* no centre there */
		{ "x-bureau", ROLE_BUREAU, "999999", false },           /* no such region */
		{ "x-bureau2", ROLE_BUREAU, "", false },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct account_new in = { .login = cases[i].login, .role = cases[i].role,
					  .scope = cases[i].scope, .password = PW,
					  .person_id_number = cases[i].person ? f->id_number : NULL };
		struct err err = { 0 };

		if (account_create(f->db.s, &in, &cli, NULL, &err) != -1)
			fail_msg("%s with scope '%s' accepted", cases[i].login,
				 cases[i].scope ? cases[i].scope : "(null)");
		assert_int_equal(err.code, ERR_INVALID);
		assert_string_equal(err.field, "scope");
		assert_int_equal(count_accounts(f->db.s, cases[i].login), 0);
	}
	assert_false(store_in_transaction(f->db.s)); /* each refusal rolled back */
}

static void create_teacher_needs_person(void **state)
{
	struct fixture *f = *state;
	struct account_new in = { .login = "t-none", .role = ROLE_TEACHER, .password = PW };
	struct err err = { 0 };

	assert_int_equal(account_create(f->db.s, &in, &cli, NULL, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "person");
	in.person_id_number = "110101199003070000";
	memset(&err, 0, sizeof err);
	assert_int_equal(account_create(f->db.s, &in, &cli, NULL, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "person");
	assert_int_equal(count_accounts(f->db.s, "t-none"), 0);
}

static void create_duplicate_login_conflicts(void **state)
{
	struct fixture *f = *state;
	struct account_new in = { .login = "root", .role = ROLE_EVALUATOR, .password = PW };
	struct err err = { 0 };

	assert_int_equal(account_create(f->db.s, &in, &cli, NULL, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_string_equal(err.field, "login");
	assert_non_null(strstr(err.message, "root"));
	assert_int_equal(count_accounts(f->db.s, "root"), 1);
	assert_false(store_in_transaction(f->db.s));
}

/* ---- signing in ------------------------------------------------------- */

static struct principal sign_in_ok(struct fixture *f, const char *login, const char *address)
{
	struct principal p;
	struct err err = { 0 };

	memset(&p, 0, sizeof p);
	if (account_sign_in(f->db.s, login, PW, address, f->now, &p, &err) != 0)
		fail_msg("sign-in of '%s' refused: %s", login, err.message);
	assert_true(principal_signed_in(&p));
	assert_string_equal(p.login, login);
	return p;
}

static void sign_in_fills_the_principal(void **state)
{
	struct fixture *f = *state;
	struct principal p;

	p = sign_in_ok(f, "root", "10.1.0.1");
	assert_int_equal(p.account_id, f->root_id);
	assert_int_equal(p.role, ROLE_SYSADMIN);
	assert_string_equal(p.scope, "");
	assert_string_equal(p.scope_name, "");
	assert_string_equal(p.lang, "zh");

	p = sign_in_ok(f, "sa", "10.1.0.1");
	assert_int_equal(p.role, ROLE_SCHOOL_ADMIN);
	assert_string_equal(p.scope, SCHOOL_CODE);
	assert_string_equal(p.scope_name, SCHOOL_NAME);
	assert_string_equal(p.region_code, "440106");

	p = sign_in_ok(f, "t1", "10.1.0.1");
	assert_int_equal(p.role, ROLE_TEACHER);
	assert_string_equal(p.scope, "");
	assert_int_equal(p.person_id, f->person_id);
	assert_string_equal(p.name, PERSON_NAME); /* display name from the person */
	assert_string_equal(p.region_code, "440106");
	assert_string_equal(p.scope_name, SCHOOL_NAME);

	p = sign_in_ok(f, "ca", "10.1.0.1");
	assert_int_equal(p.role, ROLE_CENTRE_ADMIN);
	assert_string_equal(p.scope, "440106");
	assert_string_equal(p.centre_kind, "district");
	assert_string_equal(p.region_code, "440106");
	assert_string_equal(p.scope_name, CENTRE_NAME);

	p = sign_in_ok(f, "kg", "10.1.0.1");
	assert_string_equal(p.centre_kind, "municipal");
	assert_string_equal(p.domain, "kindergarten");
	assert_string_equal(p.region_code, "440100");
	assert_string_equal(p.scope_name, KG_CENTRE_NAME);

	p = sign_in_ok(f, "bu", "10.1.0.1");
	assert_int_equal(p.role, ROLE_BUREAU);
	assert_string_equal(p.region_code, "440100");
	assert_string_equal(p.scope_name, "广州市");
}

static void sign_in_wrong_is_unauthorised(void **state)
{
	struct fixture *f = *state;
	struct principal p;
	struct err wrong = { 0 }, unknown = { 0 }, err = { 0 };
	char huge[PASSWORD_MAX_LEN + 2];

	memset(&p, 0, sizeof p);
	assert_int_equal(account_sign_in(f->db.s, "root", "not-the-password", "10.2.0.1", f->now,
					 &p, &wrong), -1);
	assert_int_equal(wrong.code, ERR_UNAUTHORISED);
	assert_false(principal_signed_in(&p));
	/* an unknown login reads exactly like a wrong password */
	assert_int_equal(account_sign_in(f->db.s, "nobody-at-all", PW, "10.2.0.2", f->now, &p,
					 &unknown), -1);
	assert_int_equal(unknown.code, ERR_UNAUTHORISED);
	assert_string_equal(unknown.message, wrong.message);

	assert_int_equal(account_sign_in(f->db.s, "", PW, "10.2.0.3", f->now, &p, &err), -1);
	assert_int_equal(err.code, ERR_UNAUTHORISED);
	assert_int_equal(account_sign_in(f->db.s, NULL, PW, "10.2.0.3", f->now, &p, &err), -1);
	assert_int_equal(account_sign_in(f->db.s, "root", NULL, "10.2.0.3", f->now, &p, &err), -1);
	memset(huge, 'x', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	assert_int_equal(account_sign_in(f->db.s, "root", huge, "10.2.0.3", f->now, &p, &err), -1);
	assert_int_equal(err.code, ERR_UNAUTHORISED);
}

/* n failed sign-ins for login, each from its own address, 10 s apart from t */
static void fail_times(struct fixture *f, const char *login, const char *address_fmt, time_t t, int n)
{
	for (int i = 0; i < n; i++) {
		struct principal p;
		struct err err = { 0 };
		char address[64];

		snprintf(address, sizeof address, address_fmt, i);
		assert_int_equal(account_sign_in(f->db.s, login, "wrong-password", address,
						 t + 10 * i, &p, &err), -1);
		if (err.code != ERR_UNAUTHORISED)
			fail_msg("failure %d of '%s' gave %d: %s", i + 1, login, err.code, err.message);
	}
}

static void throttle_by_login(void **state)
{
	struct fixture *f = *state;
	time_t t = f->now - 40 * 86400;
	time_t fifth = t + 40;
	struct principal p;
	struct err err = { 0 };

	fail_times(f, "sa", "198.51.100.%d", t, THROTTLE_FAILURES);
	/* the sixth try, right password, from a new address: refused */
	assert_int_equal(account_sign_in(f->db.s, "sa", PW, "198.51.100.77", fifth + 10, &p, &err), -1);
	assert_int_equal(err.code, ERR_THROTTLED);
	assert_string_equal(err.message, "15"); /* minutes to wait, rounded up */
	memset(&err, 0, sizeof err);
	assert_int_equal(account_sign_in(f->db.s, "sa", PW, "198.51.100.78",
					 fifth + THROTTLE_LOCK_S - 1, &p, &err), -1);
	assert_int_equal(err.code, ERR_THROTTLED);
	assert_string_equal(err.message, "1");
	assert_true(account_throttle_wait(f->db.s, "sa", "198.51.100.79", fifth + 60) > 0);
	/* other logins are not locked by it */
	assert_int_equal(account_throttle_wait(f->db.s, "root", "198.51.100.79", fifth + 60), 0);
	/* fifteen minutes after the fifth failure: in again */
	assert_int_equal(account_throttle_wait(f->db.s, "sa", "198.51.100.79", fifth + THROTTLE_LOCK_S), 0);
	memset(&err, 0, sizeof err);
	if (account_sign_in(f->db.s, "sa", PW, "198.51.100.79", fifth + THROTTLE_LOCK_S, &p, &err) != 0)
		fail_msg("still refused after the lock: %s", err.message);
	assert_int_equal(p.account_id, f->sa_id);
}

static void throttle_by_address(void **state)
{
	struct fixture *f = *state;
	time_t t = f->now - 39 * 86400;
	struct principal p;
	struct err err = { 0 };
	static const char *const logins[] = { "guess1", "guess2", "root", "guess4", "bu" };

	for (int i = 0; i < THROTTLE_FAILURES; i++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(account_sign_in(f->db.s, logins[i], "wrong-password", "203.0.113.9",
						 t + 10 * i, &p, &err), -1);
		assert_int_equal(err.code, ERR_UNAUTHORISED);
	}
	/* that address may not try anybody, even with the right password */
	memset(&err, 0, sizeof err);
	assert_int_equal(account_sign_in(f->db.s, "sa", PW, "203.0.113.9", t + 60, &p, &err), -1);
	assert_int_equal(err.code, ERR_THROTTLED);
	/* one failure each did not lock root or bu elsewhere */
	memset(&err, 0, sizeof err);
	if (account_sign_in(f->db.s, "bu", PW, "203.0.113.10", t + 60, &p, &err) != 0)
		fail_msg("bu refused from another address: %s", err.message);
	assert_int_equal(p.account_id, f->bu_id);
	/* and the address is free again 15 minutes after its fifth failure */
	assert_int_equal(account_throttle_wait(f->db.s, "anyone", "203.0.113.9", t + 40 + THROTTLE_LOCK_S), 0);
}

static void failures_spread_out_do_not_lock(void **state)
{
	struct fixture *f = *state;
	time_t t = f->now - 38 * 86400;
	struct principal p;
	struct err err = { 0 };

	/* five failures 4 minutes apart span 16 minutes: never five in 15 */
	for (int i = 0; i < THROTTLE_FAILURES; i++) {
		char address[32];

		snprintf(address, sizeof address, "192.0.2.%d", 100 + i);
		assert_int_equal(account_sign_in(f->db.s, "ca", "wrong-password", address,
						 t + 240 * i, &p, &err), -1);
		assert_int_equal(err.code, ERR_UNAUTHORISED);
	}
	memset(&err, 0, sizeof err);
	if (account_sign_in(f->db.s, "ca", PW, "192.0.2.110", t + 240 * 4 + 5, &p, &err) != 0)
		fail_msg("refused after spread-out failures: %s", err.message);
}

/* ---- sessions --------------------------------------------------------- */

static void start(struct fixture *f, int64_t account_id, time_t t, char token[TOKEN_CHARS + 1])
{
	assert_int_equal(session_start(f->db.s, account_id, "10.3.0.1", t, &limits, token), 0);
	assert_int_equal(strlen(token), TOKEN_CHARS);
}

static int resolve(struct fixture *f, const char *token, time_t t)
{
	struct principal p;
	int rc = session_resolve(f->db.s, token, t, &limits, &p);

	assert_true(rc == 0 || rc == 1);
	assert_int_equal(principal_signed_in(&p), rc == 0);
	return rc;
}

static void session_start_and_resolve(void **state)
{
	struct fixture *f = *state;
	char a[TOKEN_CHARS + 1], b[TOKEN_CHARS + 1];
	struct principal p;
	static const char SQL_BY_HASH[] = "SELECT count(*) FROM sessions WHERE token_hash = ?";
	static const char SQL_BY_TOKEN[] =
		"SELECT count(*) FROM sessions WHERE CAST(token_hash AS TEXT) = ?";
	struct stmt *st;
	unsigned char hash[TOKEN_HASH_BYTES];

	start(f, f->sa_id, f->now, a);
	start(f, f->sa_id, f->now, b);
	assert_string_not_equal(a, b);
	assert_int_equal(session_resolve(f->db.s, a, f->now, &limits, &p), 0);
	assert_int_equal(p.account_id, f->sa_id);
	assert_int_equal(p.role, ROLE_SCHOOL_ADMIN);
	assert_string_equal(p.scope, SCHOOL_CODE);
	assert_string_equal(p.scope_name, SCHOOL_NAME);
	assert_int_equal(resolve(f, b, f->now + 10), 0);
	/* only the hash is stored, never the token */
	secret_token_hash(a, hash);
	assert_int_equal(store_prepare(f->db.s, SQL_BY_HASH, &st), STORE_OK);
	stmt_bind_blob(st, 1, hash, sizeof hash);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 1);
	stmt_done(st);
	assert_int_equal(store_prepare(f->db.s, SQL_BY_TOKEN, &st), STORE_OK);
	stmt_bind_text(st, 1, a);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 0);
	stmt_done(st);
}

static void session_idle_expiry(void **state)
{
	struct fixture *f = *state;
	char a[TOKEN_CHARS + 1], b[TOKEN_CHARS + 1], c[TOKEN_CHARS + 1];

	start(f, f->root_id, f->now, a);
	start(f, f->root_id, f->now, b);
	start(f, f->root_id, f->now, c);
	assert_int_equal(resolve(f, a, f->now + limits.idle_s - 1), 0);
	assert_int_equal(resolve(f, b, f->now + limits.idle_s), 1);
	assert_int_equal(resolve(f, b, f->now + limits.idle_s + 1), 1);
	/* a request moves last_seen, and idle time counts from it (the
	 * absolute limit, 2 hours, is not reached here) */
	assert_int_equal(resolve(f, c, f->now + 1000), 0);
	assert_int_equal(resolve(f, c, f->now + limits.idle_s + 100), 0);
	start(f, f->root_id, f->now, c);
	assert_int_equal(resolve(f, c, f->now + 1000), 0);
	assert_int_equal(resolve(f, c, f->now + 1000 + limits.idle_s), 1);
}

static void session_absolute_expiry(void **state)
{
	struct fixture *f = *state;
	char a[TOKEN_CHARS + 1];

	start(f, f->root_id, f->now, a);
	/* kept busy, never idle for an hour ... */
	assert_int_equal(resolve(f, a, f->now + 3000), 0);
	assert_int_equal(resolve(f, a, f->now + 6000), 0);
	assert_int_equal(resolve(f, a, f->now + limits.absolute_s - 1), 0);
	/* ... and still out at the absolute limit */
	assert_int_equal(resolve(f, a, f->now + limits.absolute_s), 1);
	assert_int_equal(resolve(f, a, f->now + limits.absolute_s + 10), 1);
}

static void session_bad_tokens(void **state)
{
	struct fixture *f = *state;
	char fresh[TOKEN_CHARS + 1], a[TOKEN_CHARS + 1], longer[TOKEN_CHARS + 2];

	secret_token(fresh); /* well formed, never issued */
	assert_int_equal(resolve(f, fresh, f->now), 1);
	assert_int_equal(resolve(f, NULL, f->now), 1);
	assert_int_equal(resolve(f, "", f->now), 1);
	assert_int_equal(resolve(f, "abc", f->now), 1);
	start(f, f->root_id, f->now, a);
	snprintf(longer, sizeof longer, "%sx", a);
	assert_int_equal(resolve(f, longer, f->now), 1);
	a[TOKEN_CHARS - 1] = '\0';
	assert_int_equal(resolve(f, a, f->now), 1);
}

static void session_end_signs_out(void **state)
{
	struct fixture *f = *state;
	char a[TOKEN_CHARS + 1], b[TOKEN_CHARS + 1];

	start(f, f->root_id, f->now, a);
	start(f, f->root_id, f->now, b);
	assert_int_equal(session_end(f->db.s, a), 0);
	assert_int_equal(resolve(f, a, f->now), 1);
	assert_int_equal(resolve(f, b, f->now), 0); /* only that one */
	assert_int_equal(session_end(f->db.s, a), 0); /* again: harmless */
	assert_int_equal(session_end(f->db.s, NULL), 0);
	assert_int_equal(session_end(f->db.s, "garbage"), 0);
}

static void session_revoke_account_ends_all(void **state)
{
	struct fixture *f = *state;
	char a[TOKEN_CHARS + 1], b[TOKEN_CHARS + 1], other[TOKEN_CHARS + 1];

	start(f, f->bu_id, f->now, a);
	start(f, f->bu_id, f->now, b);
	start(f, f->sa_id, f->now, other);
	assert_int_equal(session_revoke_account(f->db.s, f->bu_id), 0);
	assert_int_equal(resolve(f, a, f->now), 1);
	assert_int_equal(resolve(f, b, f->now), 1);
	assert_int_equal(resolve(f, other, f->now), 0);
}

/* ---- API tokens ------------------------------------------------------- */

static void token_lifecycle(void **state)
{
	struct fixture *f = *state;
	char token[API_TOKEN_CHARS + 1];
	struct principal p;
	struct err err = { 0 };
	time_t now = time(NULL);

	if (token_create(f->db.s, "sa", 30, &cli, token, &err) != 0)
		fail_msg("token_create: %s", err.message);
	assert_int_equal(strlen(token), API_TOKEN_CHARS);
	assert_memory_equal(token, "tdc_", 4);
	assert_int_equal(token_resolve(f->db.s, token, now, &p), 0);
	assert_int_equal(p.account_id, f->sa_id);
	assert_int_equal(p.role, ROLE_SCHOOL_ADMIN);
	assert_string_equal(p.scope_name, SCHOOL_NAME);
	/* good for 30 days, not one second more */
	assert_int_equal(token_resolve(f->db.s, token, now + 29 * 86400, &p), 0);
	assert_int_equal(token_resolve(f->db.s, token, now + 30 * 86400 + 5, &p), 1);
	assert_false(principal_signed_in(&p));

	assert_int_equal(token_revoke(f->db.s, token, &cli, &err), 0);
	assert_int_equal(token_resolve(f->db.s, token, now, &p), 1);
	assert_false(principal_signed_in(&p));
}

static void token_create_refusals(void **state)
{
	struct fixture *f = *state;
	char token[API_TOKEN_CHARS + 1];
	struct err err = { 0 };

	assert_int_equal(token_create(f->db.s, "sa", 0, &cli, token, &err), -1);
	assert_int_equal(err.code, ERR_USAGE);
	assert_int_equal(token_create(f->db.s, "sa", 3651, &cli, token, &err), -1);
	memset(&err, 0, sizeof err);
	assert_int_equal(token_create(f->db.s, "no-such-login", 30, &cli, token, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_false(store_in_transaction(f->db.s));
}

static void token_malformed_or_unknown(void **state)
{
	struct fixture *f = *state;
	struct principal p;
	struct err err = { 0 };
	char good[API_TOKEN_CHARS + 1], t[API_TOKEN_CHARS + 8];
	time_t now = time(NULL);

	assert_int_equal(token_create(f->db.s, "root", 1, &cli, good, &err), 0);
	assert_int_equal(token_resolve(f->db.s, good, now, &p), 0);

	assert_int_equal(token_resolve(f->db.s, "abc", now, &p), 1);
	assert_int_equal(token_resolve(f->db.s, "", now, &p), 1);
	assert_int_equal(token_resolve(f->db.s, NULL, now, &p), 1);
	snprintf(t, sizeof t, "%.46s", good); /* "tdc_" + 42 */
	assert_int_equal(token_resolve(f->db.s, t, now, &p), 1);
	snprintf(t, sizeof t, "%sA", good);   /* "tdc_" + 44 */
	assert_int_equal(token_resolve(f->db.s, t, now, &p), 1);
	snprintf(t, sizeof t, "xyz_%s", good + 4);
	assert_int_equal(token_resolve(f->db.s, t, now, &p), 1);
	snprintf(t, sizeof t, "%s", good + 4); /* the bare 43 characters */
	assert_int_equal(token_resolve(f->db.s, t, now, &p), 1);
	/* well formed, never issued */
	memcpy(t, "tdc_", 4);
	secret_token(t + 4);
	assert_int_equal(token_resolve(f->db.s, t, now, &p), 1);
	assert_false(principal_signed_in(&p));

	assert_int_equal(token_revoke(f->db.s, "abc", &cli, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	memset(&err, 0, sizeof err);
	assert_int_equal(token_revoke(f->db.s, t, &cli, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_false(store_in_transaction(f->db.s));
	/* the good one was not touched by any of that */
	assert_int_equal(token_resolve(f->db.s, good, now, &p), 0);
}

/* ---- disabling, passwords --------------------------------------------- */

static void disable_ends_sessions_and_tokens(void **state)
{
	struct fixture *f = *state;
	char session[TOKEN_CHARS + 1], token[API_TOKEN_CHARS + 1];
	struct principal p;
	struct err err = { 0 };
	time_t now = time(NULL);

	p = sign_in_ok(f, "dis1", "10.4.0.1");
	start(f, p.account_id, f->now, session);
	assert_int_equal(token_create(f->db.s, "dis1", 30, &cli, token, &err), 0);
	assert_int_equal(resolve(f, session, f->now), 0);
	assert_int_equal(token_resolve(f->db.s, token, now, &p), 0);

	assert_int_equal(account_disable(f->db.s, "dis1", &cli, &err), 0);
	assert_int_equal(resolve(f, session, f->now), 1);
	assert_int_equal(token_resolve(f->db.s, token, now, &p), 1);
	/* the right password no longer signs in, and says why */
	memset(&err, 0, sizeof err);
	assert_int_equal(account_sign_in(f->db.s, "dis1", PW, "10.4.0.2", f->now, &p, &err), -1);
	assert_int_equal(err.code, ERR_UNAUTHORISED);
	assert_non_null(strstr(err.message, "disabled"));
	/* no new token for a disabled account */
	memset(&err, 0, sizeof err);
	assert_int_equal(token_create(f->db.s, "dis1", 30, &cli, token, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);

	/* enabling lets the account sign in again, but what was ended stays
	 * ended */
	assert_int_equal(account_enable(f->db.s, "dis1", &cli, &err), 0);
	assert_int_equal(resolve(f, session, f->now), 1);
	p = sign_in_ok(f, "dis1", "10.4.0.3");
	assert_true(principal_signed_in(&p));

	memset(&err, 0, sizeof err);
	assert_int_equal(account_disable(f->db.s, "no-such-login", &cli, &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
	assert_false(store_in_transaction(f->db.s));
}

static void disable_revokes_tokens_for_good(void **state)
{
	struct fixture *f = *state;
	char token[API_TOKEN_CHARS + 1];
	struct principal p;
	struct err err = { 0 };
	time_t now = time(NULL);

	assert_int_equal(token_create(f->db.s, "aud1", 30, &cli, token, &err), 0);
	assert_int_equal(account_disable(f->db.s, "aud1", &cli, &err), 0);
	assert_int_equal(account_enable(f->db.s, "aud1", &cli, &err), 0);
	/* revoked, not merely hidden while the account was disabled */
	assert_int_equal(token_resolve(f->db.s, token, now, &p), 1);
	assert_int_equal(fixture_int(f->db.s,
				     "SELECT count(*) FROM api_tokens t JOIN accounts a ON a.id = t.account_id"
				     " WHERE a.login = 'aud1' AND t.revoked_at IS NULL"), 0);
}

static void disabled_account_wrong_password_says_nothing_more(void **state)
{
	/* Someone without the password must not learn that an account exists
	 * and is disabled: account_sign_in() verifies even unknown logins so
	 * that timing tells nothing, and the message must not either. */
	struct fixture *f = *state;
	struct principal p;
	struct err wrong = { 0 }, unknown = { 0 };

	assert_int_equal(account_disable(f->db.s, "dis2", &cli, &wrong), 0);
	assert_int_equal(account_sign_in(f->db.s, "dis2", "a-guess-only", "10.5.0.1", f->now, &p,
					 &wrong), -1);
	assert_int_equal(wrong.code, ERR_UNAUTHORISED);
	assert_int_equal(account_sign_in(f->db.s, "nobody-else", "a-guess-only", "10.5.0.2", f->now,
					 &p, &unknown), -1);
	if (strcmp(wrong.message, unknown.message))
		fail_msg("a wrong password for a disabled account says '%s', for an unknown login '%s'",
			 wrong.message, unknown.message);
}

static void set_password_replaces_and_signs_out(void **state)
{
	struct fixture *f = *state;
	char session[TOKEN_CHARS + 1];
	struct principal p;
	struct err err = { 0 };

	p = sign_in_ok(f, "pw1", "10.6.0.1");
	start(f, p.account_id, f->now, session);
	assert_int_equal(account_set_password(f->db.s, "pw1", "short", &cli, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_int_equal(resolve(f, session, f->now), 0); /* a refusal changed nothing */
	memset(&err, 0, sizeof err);
	assert_int_equal(account_set_password(f->db.s, "pw1", "brand-new-password", &cli, &err), 0);
	assert_int_equal(resolve(f, session, f->now), 1);
	assert_int_equal(account_sign_in(f->db.s, "pw1", PW, "10.6.0.2", f->now, &p, &err), -1);
	assert_int_equal(err.code, ERR_UNAUTHORISED);
	memset(&err, 0, sizeof err);
	assert_int_equal(account_sign_in(f->db.s, "pw1", "brand-new-password", "10.6.0.3", f->now,
					 &p, &err), 0);
}

/* ---- listing and the audit log ---------------------------------------- */

static void account_list_filters(void **state)
{
	struct fixture *f = *state;
	struct arena *a = arena_new();
	struct account_row *rows;
	int n = -1;

	assert_int_equal(account_list(f->db.s, a, NULL, NULL, &rows, &n), 0);
	assert_true(n >= 10);
	assert_int_equal(account_list(f->db.s, a, NULL, "teacher", &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].login, "t1");
	assert_string_equal(rows[0].display_name, PERSON_NAME);
	assert_string_equal(rows[0].role, "teacher");
	assert_int_equal(account_list(f->db.s, a, "dis", NULL, &rows, &n), 0);
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++)
		assert_memory_equal(rows[i].login, "dis", 3);
	assert_int_equal(account_list(f->db.s, a, "zzz-nothing", NULL, &rows, &n), 0);
	assert_int_equal(n, 0);
	arena_free(a);
}

static bool has_row(const struct audit_row *rows, int n, const char *action, const char *object)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].action, action) && !strcmp(rows[i].object, object))
			return true;
	return false;
}

static void changes_are_audited(void **state)
{
	struct fixture *f = *state;
	struct arena *a = arena_new();
	struct audit_row *rows;
	struct audit_filter filter = { .limit = 500 };
	char token[API_TOKEN_CHARS + 1];
	struct err err = { 0 };
	int n = 0;
	int64_t total = 0;
	bool saw_prefix = false;

	assert_int_equal(token_create(f->db.s, "bu", 7, &cli, token, &err), 0);
	assert_int_equal(account_disable(f->db.s, "aud1", &cli, &err), 0);

	filter.action = "account.create";
	assert_int_equal(audit_list(f->db.s, a, &filter, &rows, &n, &total), 0);
	assert_true(n >= 10);
	assert_int_equal(total, n);
	assert_true(has_row(rows, n, "account.create", "account:root"));
	assert_true(has_row(rows, n, "account.create", "account:t1"));
	for (int i = 0; i < n; i++) {
		assert_string_equal(rows[i].actor, "cli:test");
		/* refused creations left nothing */
		assert_null(strstr(rows[i].object, "account:x-"));
		assert_null(strstr(rows[i].object, "account:fine"));
	}

	filter.action = "account.disable";
	assert_int_equal(audit_list(f->db.s, a, &filter, &rows, &n, &total), 0);
	assert_true(has_row(rows, n, "account.disable", "account:aud1"));

	filter.action = "token.";
	assert_int_equal(audit_list(f->db.s, a, &filter, &rows, &n, &total), 0);
	assert_true(has_row(rows, n, "token.create", "account:bu"));
	for (int i = 0; i < n; i++) {
		assert_memory_equal(rows[i].action, "token.", 6);
		if (!strcmp(rows[i].object, "account:bu") && strstr(rows[i].detail, "prefix=tdc_"))
			saw_prefix = true;
		/* the token itself is never written down */
		assert_null(strstr(rows[i].detail, token));
	}
	assert_true(saw_prefix);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_refuses_bad_input),
		cmocka_unit_test(create_refuses_wrong_scope),
		cmocka_unit_test(create_teacher_needs_person),
		cmocka_unit_test(create_duplicate_login_conflicts),
		cmocka_unit_test(sign_in_fills_the_principal),
		cmocka_unit_test(sign_in_wrong_is_unauthorised),
		cmocka_unit_test(throttle_by_login),
		cmocka_unit_test(throttle_by_address),
		cmocka_unit_test(failures_spread_out_do_not_lock),
		cmocka_unit_test(session_start_and_resolve),
		cmocka_unit_test(session_idle_expiry),
		cmocka_unit_test(session_absolute_expiry),
		cmocka_unit_test(session_bad_tokens),
		cmocka_unit_test(session_end_signs_out),
		cmocka_unit_test(session_revoke_account_ends_all),
		cmocka_unit_test(token_lifecycle),
		cmocka_unit_test(token_create_refusals),
		cmocka_unit_test(token_malformed_or_unknown),
		cmocka_unit_test(disable_ends_sessions_and_tokens),
		cmocka_unit_test(disable_revokes_tokens_for_good),
		cmocka_unit_test(disabled_account_wrong_password_says_nothing_more),
		cmocka_unit_test(set_password_replaces_and_signs_out),
		cmocka_unit_test(account_list_filters),
		cmocka_unit_test(changes_are_audited),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
