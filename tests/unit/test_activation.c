/* test_activation.c - one-time activation codes (core/activation.c and
 * core/activation_sheet.c), against a temporary migrated database holding
 * a small city: two districts of Guangzhou, a school in each, the Tianhe
 * district centre and five persons:
 *
 *   P1  serving, school A (Tianhe)        no account
 *   P2  serving, school A                 teacher account "t2"
 *   P3  retired, school A                 no account
 *   P4  serving, school B (Yuexiu)        no account
 *   P5  serving, the Tianhe centre's own staff (no school)
 *
 * Covered: the code's form (alphabet, groups, typing it back in any case,
 * with or without dashes, full-width); scopes from a code; who gets a code
 * (serving, no active account; --all; a disabled account counts as none);
 * only a keyed hash is stored, never the code (not even in the database
 * file); expiry at the end of the 30th day; a code works once; a new code
 * ends the old; a code is worth nothing with another person's ID number;
 * throttling shared with sign-in; bad input counted as no attempt; the
 * account made (login = ID number, lower-case x) signs in; an earlier
 * account is reused and enabled; the batch limit; a failed delivery issues
 * nothing; the audit rows; the .xlsx and CSV sheets.
 *
 * Each test starts from the same state (reset()): no codes, no attempts,
 * and only P2's account. */
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
#include "core/activation.h"
#include "fixture.h"
#include "lib/idcard.h"
#include "lib/secret.h"

#define SCHOOL_A "2144060001"
#define SCHOOL_B "2144040001"
#define PW "new-password-1"
#define PW_T2 "t2-password-old"

struct fixture {
	struct tmpdb db;
	char id[6][ID_NUMBER_LEN + 1];   /* [1..5]: P1..P5 */
	int64_t pid[6];
	char id_x[ID_NUMBER_LEN + 1];    /* P1's number has an X check character */
	time_t now;
};

static const struct actor cli = { 0, "cli:test", NULL };

static const char SQL_SETUP[] =
	"INSERT INTO regions (code, name, level, parent_code) VALUES"
	" ('440000', '广东省', 'province', NULL),"
	" ('440100', '广州市', 'city', '440000'),"
	" ('440106', '天河区', 'district', '440100'),"
	" ('440104', '越秀区', 'district', '440100');"
	"INSERT INTO schools (code, name, district_code, stage, ownership) VALUES"
	" ('" SCHOOL_A "', '天河区第一小学', '440106', 'primary', 'public'),"
	" ('" SCHOOL_B "', '越秀区第一小学', '440104', 'primary', 'public');"
	"INSERT INTO centres (code, name, kind, region_code, domain) VALUES"
	" ('440106', '天河区教师发展中心', 'district', '440106', NULL),"
	" ('GZKG', '广州市幼儿园教师发展中心', 'municipal', '440100', 'kindergarten');";

static const char SQL_PERSON[] =
	"INSERT INTO persons (id_number, name, gender, birth_date, school_id, centre_id, role,"
	" education, status) VALUES (?, ?, 'female', '1985-03-07',"
	" (SELECT id FROM schools WHERE code = ?), (SELECT id FROM centres WHERE code = ?),"
	" 'teacher', 'bachelor', ?)";

/* A valid number: 440106 1985-03-07, sequence seq, and the check character;
 * with want_x, the first sequence from seq whose check character is X,
 * else the first whose is not (so its login is the number as it is). */
static void make_id(char out[ID_NUMBER_LEN + 1], int seq, bool want_x)
{
	for (;; seq++) {
		snprintf(out, ID_NUMBER_LEN + 1, "44010619850307%03d", seq % 1000);
		out[17] = idcard_check_char(out);
		out[18] = '\0';
		if (want_x == (out[17] == 'X'))
			return;
	}
}

static int64_t add_person(struct store *s, const char *id, const char *name, const char *school,
			  const char *centre, const char *status)
{
	struct stmt *st;

	if (store_prepare(s, SQL_PERSON, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, id);
	stmt_bind_text(st, 2, name);
	stmt_bind_text(st, 3, school);
	stmt_bind_text(st, 4, centre);
	stmt_bind_text(st, 5, status);
	if (stmt_run(st) < 0)
		return -1;
	return store_last_insert_id(s);
}

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct account_new t2 = { .login = "t2", .role = ROLE_TEACHER, .password = PW_T2 };
	struct err err = { 0 };

	if (!f || secret_init() < 0 || fixture_db_open(&f->db, "activation") < 0)
		return -1;
	*state = f;
	f->now = time(NULL);
	if (fixture_exec(f->db.s, SQL_SETUP) < 0)
		return -1;
	make_id(f->id[1], 11, true); /* an X, to type in lower case */
	make_id(f->id[2], 201, false);
	make_id(f->id[3], 301, false);
	make_id(f->id[4], 401, false);
	make_id(f->id[5], 501, false);
	memcpy(f->id_x, f->id[1], sizeof f->id_x);
	f->pid[1] = add_person(f->db.s, f->id[1], "李一", SCHOOL_A, NULL, "serving");
	f->pid[2] = add_person(f->db.s, f->id[2], "王二", SCHOOL_A, NULL, "serving");
	f->pid[3] = add_person(f->db.s, f->id[3], "张三", SCHOOL_A, NULL, "retired");
	f->pid[4] = add_person(f->db.s, f->id[4], "赵四", SCHOOL_B, NULL, "serving");
	f->pid[5] = add_person(f->db.s, f->id[5], "陈五", NULL, "440106", "serving");
	for (int i = 1; i <= 5; i++)
		if (f->pid[i] <= 0 || !idcard_is_valid(f->id[i]))
			return -1;
	t2.person_id_number = f->id[2];
	if (account_create(f->db.s, &t2, &cli, NULL, &err) < 0) {
		fprintf(stderr, "account_create t2: %s\n", err.message);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	fixture_db_close(&f->db);
	free(f);
	return 0;
}

static const char SQL_RESET[] =
	"DELETE FROM activation_codes; DELETE FROM login_attempts; DELETE FROM sessions;"
	" DELETE FROM accounts WHERE login <> 't2';"
	" UPDATE accounts SET disabled = 0 WHERE login = 't2';";

static int reset(void **state)
{
	struct fixture *f = *state;

	return fixture_exec(f->db.s, SQL_RESET);
}

/* ---- helpers ------------------------------------------------------------ */

static int issue(struct fixture *f, struct arena *a, const char *scope_code, bool all, time_t now,
		 struct activation_scope *scope, struct activation_batch *b, struct err *err)
{
	struct activation_issue_opts o = { .all = all, .now = now };

	memset(err, 0, sizeof *err);
	if (activation_scope_parse(f->db.s, scope_code, scope, err) < 0)
		return -1;
	return activation_issue(f->db.s, a, scope, &o, &cli, b, err);
}

static const struct activation_card *card_of(const struct activation_batch *b, int64_t person_id)
{
	for (int i = 0; i < b->n; i++)
		if (b->cards[i].person_id == person_id)
			return &b->cards[i];
	return NULL;
}

static int redeem(struct fixture *f, const char *id, const char *code, const char *pw,
		  const char *address, time_t now, struct activation_account *acct, struct err *err)
{
	struct activation_redeem_in in = { id, code, pw, address, now };

	memset(err, 0, sizeof *err);
	return activation_redeem(f->db.s, &in, acct, err);
}

static long long codes_of(struct store *s, int64_t person_id)
{
	static const char SQL[] = "SELECT count(*) FROM activation_codes WHERE person_id = ?";
	struct stmt *st;
	long long n = -1;

	assert_int_equal(store_prepare(s, SQL, &st), STORE_OK);
	stmt_bind_int(st, 1, person_id);
	if (stmt_step(st) == STORE_ROW)
		n = stmt_int(st, 0);
	stmt_done(st);
	return n;
}

static bool file_holds(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	char *data;
	long len;
	bool found = false;

	if (!fp)
		return false;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	data = malloc((size_t)len + 1);
	assert_non_null(data);
	if (fread(data, 1, (size_t)len, fp) == (size_t)len)
		found = memmem(data, (size_t)len, needle, strlen(needle)) != NULL;
	free(data);
	fclose(fp);
	return found;
}

/* ---- the code's form ------------------------------------------------------ */

static void code_format(void **state)
{
	char code[ACTIVATION_CODE_LEN + 1], sym[ACTIVATION_SYMBOLS + 1], again[ACTIVATION_SYMBOLS + 1];
	char seen[200][ACTIVATION_CODE_LEN + 1];

	(void)state;
	for (int i = 0; i < 200; i++) {
		activation_code_new(code);
		assert_int_equal(strlen(code), ACTIVATION_CODE_LEN);
		assert_int_equal(code[4], '-');
		assert_int_equal(code[9], '-');
		for (int k = 0; k < ACTIVATION_CODE_LEN; k++) {
			if (k == 4 || k == 9)
				continue;
			if (!strchr("23456789ABCDEFGHJKMNPQRSTUVWXYZ", code[k]) || !code[k])
				fail_msg("code %s has '%c'", code, code[k]);
		}
		assert_int_equal(activation_code_normalise(code, sym), 0);
		assert_int_equal(strlen(sym), ACTIVATION_SYMBOLS);
		for (int j = 0; j < i; j++)
			if (!strcmp(seen[j], code))
				fail_msg("code %s drawn twice", code);
		memcpy(seen[i], code, sizeof code);
	}
	/* read back however it is typed */
	assert_int_equal(activation_code_normalise("K7QM-3XP9-2DTW", sym), 0);
	assert_string_equal(sym, "K7QM3XP92DTW");
	static const char *const same[] = {
		"k7qm-3xp9-2dtw", "K7QM3XP92DTW", " k7qm 3xp9 2dtw ", "K7QM\t3XP9\t2DTW",
		"K7QM–3XP9—2DTW",                  /* en and em dashes */
		"Ｋ７ＱＭ－３ＸＰ９　２ＤＴＷ",      /* full width, an ideographic space */
		"ｋ７ｑｍ３ｘｐ９２ｄｔｗ",
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		memset(again, 0, sizeof again);
		if (activation_code_normalise(same[i], again) != 0 || strcmp(again, sym))
			fail_msg("'%s' read as '%s'", same[i], again);
	}
	static const char *const bad[] = {
		"", "K7QM-3XP9-2DT", "K7QM-3XP9-2DTW5", "K7QM-3XP9-2DT0", "K7QM-3XP9-2DTO",
		"K7QM-3XP9-2DT1", "K7QM-3XP9-2DTI", "K7QM-3XP9-2DTL", "K7QM-3XP9-2DT!", "K7QM/3XP9/2DTW",
		"激活码激活码激活码激活码",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (activation_code_normalise(bad[i], again) == 0)
			fail_msg("'%s' taken for a code", bad[i]);
	assert_int_equal(activation_code_normalise(NULL, again), -1);
}

/* ---- scopes ---------------------------------------------------------------- */

static void scope_from_code(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct err err = { 0 };

	assert_int_equal(activation_scope_parse(f->db.s, SCHOOL_A, &as, &err), 0);
	assert_string_equal(as.sc.school_code, SCHOOL_A);
	assert_string_equal(as.name, "天河区第一小学");
	assert_int_equal(activation_scope_parse(f->db.s, "440106", &as, &err), 0);
	assert_string_equal(as.sc.district_code, "440106"); /* the district centre */
	assert_string_equal(as.sc.centre_code, "440106");
	assert_int_equal(activation_scope_parse(f->db.s, "GZKG", &as, &err), 0);
	assert_string_equal(as.sc.domain, "kindergarten");
	assert_int_equal(activation_scope_parse(f->db.s, "440104", &as, &err), 0);
	assert_string_equal(as.sc.district_code, "440104");
	assert_null(as.sc.centre_code);
	assert_int_equal(activation_scope_parse(f->db.s, "440100", &as, &err), 0);
	assert_string_equal(as.sc.region_prefix, "4401");
	for (const char *const *c = (const char *const[]){ "2144069999", "nope", "", NULL }; *c; c++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(activation_scope_parse(f->db.s, *c, &as, &err), -1);
		assert_int_equal(err.code, ERR_NOT_FOUND);
	}
}

static void scope_narrowed_to_a_school(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct principal p = { .account_id = 9, .role = ROLE_CENTRE_ADMIN };
	struct err err = { 0 };

	snprintf(p.scope, sizeof p.scope, "440106");
	snprintf(p.centre_kind, sizeof p.centre_kind, "district");
	snprintf(p.region_code, sizeof p.region_code, "440106");
	activation_scope_of(&p, &as);
	assert_string_equal(as.code, "440106");
	assert_int_equal(activation_scope_narrow(f->db.s, &as, SCHOOL_A, &err), 0);
	assert_string_equal(as.sc.school_code, SCHOOL_A);
	assert_null(as.sc.centre_code);
	assert_string_equal(as.code, SCHOOL_A);
	activation_scope_of(&p, &as);
	assert_int_equal(activation_scope_narrow(f->db.s, &as, SCHOOL_B, &err), -1);
	assert_int_equal(err.code, ERR_FORBIDDEN);
	assert_int_equal(activation_scope_narrow(f->db.s, &as, "2144069999", &err), -1);
	assert_int_equal(err.code, ERR_NOT_FOUND);
}

/* ---- issuing ----------------------------------------------------------------- */

static void issue_for_a_school(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct activation_counts c;
	struct err err;
	struct arena a;

	arena_init(&a);
	assert_int_equal(activation_scope_parse(f->db.s, SCHOOL_A, &as, &err), 0);
	assert_int_equal(activation_count(f->db.s, &as.sc, &c), 0);
	assert_int_equal(c.serving, 2);     /* P1, P2; P3 is retired */
	assert_int_equal(c.active, 1);      /* P2 */

	assert_int_equal(issue(f, &a, SCHOOL_A, false, f->now, &as, &b, &err), 0);
	assert_int_equal(b.n, 1);           /* P1 only */
	assert_int_equal(b.skipped, 1);     /* P2 has an account */
	assert_non_null(card_of(&b, f->pid[1]));
	assert_string_equal(b.cards[0].place, "天河区第一小学");
	assert_string_equal(b.cards[0].name, "李一");
	assert_int_equal(strlen(b.cards[0].id_masked), ID_NUMBER_LEN);
	assert_non_null(strstr(b.cards[0].id_masked, "**********"));
	assert_false(b.cards[0].renewed);
	assert_int_equal(codes_of(f->db.s, f->pid[3]), 0);
	assert_int_equal(fixture_int(f->db.s, "SELECT count(*) FROM audit_log WHERE action = 'activation.issue'"
					      " AND object = 'scope:" SCHOOL_A "' AND detail = '1 codes'"), 1);

	/* --all: P2 too, marked as a renewal */
	assert_int_equal(issue(f, &a, SCHOOL_A, true, f->now, &as, &b, &err), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.skipped, 0);
	assert_true(card_of(&b, f->pid[2])->renewed);

	/* the district centre: its schools and its own staff */
	assert_int_equal(issue(f, &a, "440106", false, f->now, &as, &b, &err), 0);
	assert_int_equal(b.n, 2);
	assert_non_null(card_of(&b, f->pid[1]));
	assert_non_null(card_of(&b, f->pid[5]));
	assert_string_equal(card_of(&b, f->pid[5])->place, "天河区教师发展中心");
	assert_null(card_of(&b, f->pid[4]));
	arena_release(&a);
}

static void only_a_hash_is_stored(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct err err;
	struct arena a;
	char sym[ACTIVATION_SYMBOLS + 1], wal[300];
	static const char SQL_HASH[] = "SELECT code_hash, length(code_hash), typeof(code_hash)"
				       " FROM activation_codes WHERE person_id = ?";
	struct stmt *st;
	size_t len = 0;

	arena_init(&a);
	assert_int_equal(issue(f, &a, SCHOOL_B, false, f->now, &as, &b, &err), 0);
	assert_int_equal(b.n, 1);
	activation_code_normalise(b.cards[0].code, sym);
	assert_int_equal(store_prepare(f->db.s, SQL_HASH, &st), STORE_OK);
	stmt_bind_int(st, 1, f->pid[4]);
	assert_int_equal(stmt_step(st), STORE_ROW);
	{
		const void *h = stmt_blob(st, 0, &len);

		assert_int_equal(len, 32);
		assert_string_equal(stmt_text(st, 2), "blob");
		assert_null(memmem(h, len, sym, strlen(sym)));
	}
	stmt_done(st);
	/* nowhere in the database's files either */
	snprintf(wal, sizeof wal, "%s-wal", f->db.path);
	assert_false(file_holds(f->db.path, b.cards[0].code));
	assert_false(file_holds(f->db.path, sym));
	assert_false(file_holds(wal, b.cards[0].code));
	assert_false(file_holds(wal, sym));
	arena_release(&a);
}

static void new_code_ends_the_old(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct activation_account acct;
	struct err err;
	struct arena a;
	char first[ACTIVATION_CODE_LEN + 1];

	arena_init(&a);
	assert_int_equal(issue(f, &a, SCHOOL_B, false, f->now, &as, &b, &err), 0);
	memcpy(first, b.cards[0].code, sizeof first);
	assert_int_equal(issue(f, &a, SCHOOL_B, false, f->now + 60, &as, &b, &err), 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(codes_of(f->db.s, f->pid[4]), 2);
	assert_int_equal(redeem(f, f->id[4], first, PW, "192.0.2.10", f->now + 120, &acct, &err), -1);
	assert_int_equal(err.code, ERR_UNAUTHORISED);
	assert_int_equal(redeem(f, f->id[4], b.cards[0].code, PW, "192.0.2.10", f->now + 120, &acct, &err), 0);
	assert_true(acct.created);
	arena_release(&a);
}

/* A delivery that fails, as a full disk would. */
static int refuse(const struct activation_batch *batch, void *ctx, struct err *e)
{
	(void)ctx;
	assert_true(batch->n > 0);
	err_set(e, ERR_IO, "the disk is full");
	return -1;
}

static void batch_limit_and_failed_delivery_issue_nothing(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct err err = { 0 };
	struct arena a;
	struct activation_issue_opts o = { .max = 1, .now = f->now };
	long long audits = fixture_int(f->db.s, "SELECT count(*) FROM audit_log");

	arena_init(&a);
	assert_int_equal(activation_scope_parse(f->db.s, "440100", &as, &err), 0);
	assert_int_equal(activation_issue(f->db.s, &a, &as, &o, &cli, &b, &err), -1);
	assert_int_equal(err.code, ERR_CONFLICT);
	assert_int_equal(b.n, 0);
	assert_int_equal(fixture_int(f->db.s, "SELECT count(*) FROM activation_codes"), 0);

	o.max = 0;
	o.deliver = refuse;
	memset(&err, 0, sizeof err);
	assert_int_equal(activation_issue(f->db.s, &a, &as, &o, &cli, &b, &err), -1);
	assert_int_equal(err.code, ERR_IO);
	assert_string_equal(err.message, "the disk is full");
	assert_int_equal(fixture_int(f->db.s, "SELECT count(*) FROM activation_codes"), 0);
	assert_int_equal(fixture_int(f->db.s, "SELECT count(*) FROM audit_log"), audits);
	assert_false(store_in_transaction(f->db.s));
	arena_release(&a);
}

/* ---- redeeming -------------------------------------------------------------- */

static void redeem_makes_an_account_that_signs_in(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct activation_account acct;
	struct principal p;
	struct err err;
	struct arena a;
	char typed_id[ID_NUMBER_LEN + 1], typed_code[ACTIVATION_SYMBOLS + 1], login[65];
	/* the audit log keeps every earlier test's rows: count the new one */
	static const char SQL_REDEEMED[] =
		"SELECT count(*) FROM audit_log WHERE action = 'activation.redeem'"
		" AND detail = 'account created' AND object = 'account:' || actor";
	long long redeemed = fixture_int(f->db.s, SQL_REDEEMED);

	arena_init(&a);
	assert_int_equal(issue(f, &a, SCHOOL_A, false, f->now, &as, &b, &err), 0);
	assert_int_equal(f->id_x[17], 'X');
	/* lower-case x, the code in lower case without its dashes */
	memcpy(typed_id, f->id_x, sizeof typed_id);
	typed_id[17] = 'x';
	activation_code_normalise(card_of(&b, f->pid[1])->code, typed_code);
	for (char *c = typed_code; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	assert_int_equal(redeem(f, typed_id, typed_code, PW, "192.0.2.20", f->now + 5, &acct, &err), 0);
	assert_true(acct.created);
	assert_true(acct.account_id > 0);
	/* the login is not her ID number, which must not show on the accounts
	 * page or in the audit log: "t" and her person's row */
	snprintf(login, sizeof login, "t%lld", (long long)f->pid[1]);
	assert_string_equal(acct.login, login);

	/* a teacher of her own person */
	assert_int_equal(account_load_principal(f->db.s, acct.account_id, &p), 0);
	assert_int_equal(p.role, ROLE_TEACHER);
	assert_int_equal(p.person_id, f->pid[1]);
	assert_string_equal(p.name, "李一");

	/* /login maps what she types to her login, and the password works */
	assert_int_equal(activation_login_of(f->db.s, f->id_x, login), 1);
	assert_string_equal(login, acct.login);
	assert_int_equal(activation_login_of(f->db.s, typed_id, login), 1);
	assert_string_equal(login, acct.login);
	assert_int_equal(activation_login_of(f->db.s, "teacher", login), 0);
	memset(&err, 0, sizeof err);
	assert_int_equal(account_sign_in(f->db.s, login, PW, "192.0.2.20", f->now + 10, &p, &err), 0);
	assert_int_equal(p.person_id, f->pid[1]);

	assert_int_equal(fixture_int(f->db.s, "SELECT count(*) FROM activation_codes WHERE used_at IS NOT NULL"), 1);
	assert_int_equal(fixture_int(f->db.s, SQL_REDEEMED), redeemed + 1);
	arena_release(&a);
}

static void a_code_works_once(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct activation_account acct;
	struct err err;
	struct arena a;

	arena_init(&a);
	assert_int_equal(issue(f, &a, SCHOOL_B, false, f->now, &as, &b, &err), 0);
	assert_int_equal(redeem(f, f->id[4], b.cards[0].code, PW, "192.0.2.30", f->now, &acct, &err), 0);
	assert_int_equal(redeem(f, f->id[4], b.cards[0].code, "another-pass", "192.0.2.30", f->now, &acct, &err), -1);
	assert_int_equal(err.code, ERR_UNAUTHORISED);
	assert_int_equal(fixture_int(f->db.s, "SELECT count(*) FROM login_attempts WHERE ok = 0"), 1);
	arena_release(&a);
}

static void wrong_person_refused(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct activation_account acct;
	struct err err;
	struct arena a;
	char unknown[ID_NUMBER_LEN + 1];

	arena_init(&a);
	assert_int_equal(issue(f, &a, "440100", false, f->now, &as, &b, &err), 0);
	assert_int_equal(b.n, 3); /* P1, P4, P5 */
	/* P1's code with P4's number, and with a valid number of nobody */
	assert_int_equal(redeem(f, f->id[4], card_of(&b, f->pid[1])->code, PW, "192.0.2.40", f->now,
				&acct, &err), -1);
	assert_int_equal(err.code, ERR_UNAUTHORISED);
	make_id(unknown, 901, false);
	assert_int_equal(redeem(f, unknown, card_of(&b, f->pid[1])->code, PW, "192.0.2.40", f->now,
				&acct, &err), -1);
	assert_int_equal(err.code, ERR_UNAUTHORISED);
	/* no account came of it, and P1's code still works for P1 */
	assert_int_equal(fixture_int(f->db.s, "SELECT count(*) FROM accounts WHERE role = 'teacher'"), 1);
	assert_int_equal(redeem(f, f->id[1], card_of(&b, f->pid[1])->code, PW, "192.0.2.41", f->now,
				&acct, &err), 0);
	arena_release(&a);
}

static void expiry_after_the_thirtieth_day(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct activation_account acct;
	struct err err;
	struct arena a;
	time_t issued = f->now - f->now % 86400 + 3 * 3600; /* 03:00 UTC today */
	char day30[11];

	arena_init(&a);
	assert_int_equal(issue(f, &a, SCHOOL_B, false, issued, &as, &b, &err), 0);
	{
		struct tm tm;
		time_t t = issued + 30 * 86400;

		gmtime_r(&t, &tm);
		strftime(day30, sizeof day30, "%Y-%m-%d", &tm);
	}
	assert_string_equal(b.expires_on, day30);
	/* the day after the 30th, 00:00 UTC: gone */
	assert_int_equal(redeem(f, f->id[4], b.cards[0].code, PW, "192.0.2.50",
				issued - 3 * 3600 + 31 * 86400, &acct, &err), -1);
	assert_int_equal(err.code, ERR_UNAUTHORISED);
	/* late on the 30th: still good */
	assert_int_equal(redeem(f, f->id[4], b.cards[0].code, PW, "192.0.2.51",
				issued - 3 * 3600 + 31 * 86400 - 60, &acct, &err), 0);
	arena_release(&a);
}

static void bad_input_is_no_attempt(void **state)
{
	struct fixture *f = *state;
	struct activation_account acct;
	struct err err;

	assert_int_equal(redeem(f, "12345", "K7QM-3XP9-2DTW", PW, "192.0.2.60", f->now, &acct, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "id_number");
	assert_int_equal(redeem(f, f->id[4], "K7QM-3XP9", PW, "192.0.2.60", f->now, &acct, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "code");
	assert_int_equal(redeem(f, f->id[4], "K7QM-3XP9-2DTW", "short", "192.0.2.60", f->now, &acct, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "password");
	assert_int_equal(redeem(f, NULL, NULL, NULL, NULL, f->now, &acct, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_int_equal(fixture_int(f->db.s, "SELECT count(*) FROM login_attempts"), 0);
}

static void failures_are_throttled(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct activation_account acct;
	struct err err;
	struct arena a;
	char wrong[ACTIVATION_CODE_LEN + 1], address[32];

	arena_init(&a);
	assert_int_equal(issue(f, &a, SCHOOL_B, false, f->now, &as, &b, &err), 0);
	for (int i = 0; i < THROTTLE_FAILURES; i++) {
		do
			activation_code_new(wrong);
		while (!strcmp(wrong, b.cards[0].code));
		/* each from another address: the ID number alone locks */
		snprintf(address, sizeof address, "198.51.100.%d", i + 1);
		assert_int_equal(redeem(f, f->id[4], wrong, PW, address, f->now + i, &acct, &err), -1);
		assert_int_equal(err.code, ERR_UNAUTHORISED);
	}
	assert_int_equal(redeem(f, f->id[4], b.cards[0].code, PW, "198.51.100.99", f->now + 10, &acct, &err), -1);
	assert_int_equal(err.code, ERR_THROTTLED);
	assert_int_equal(atoi(err.message), 15);
	/* and the same count holds sign-in with her ID number */
	assert_true(account_throttle_wait(f->db.s, f->id[4], "203.0.113.1", f->now + 10) > 0);
	/* after the lock, the right code works */
	assert_int_equal(redeem(f, f->id[4], b.cards[0].code, PW, "198.51.100.99",
				f->now + THROTTLE_LOCK_S + 60, &acct, &err), 0);
	arena_release(&a);
}

static void earlier_account_is_reused_and_enabled(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct activation_account acct;
	struct principal p;
	struct err err = { 0 };
	struct arena a;
	char login[65];

	arena_init(&a);
	assert_int_equal(account_disable(f->db.s, "t2", &cli, &err), 0);
	/* disabled counts as no account: P2 gets a code without --all */
	assert_int_equal(issue(f, &a, SCHOOL_A, false, f->now, &as, &b, &err), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(redeem(f, f->id[2], card_of(&b, f->pid[2])->code, PW, "192.0.2.70", f->now,
				&acct, &err), 0);
	assert_false(acct.created);
	assert_string_equal(acct.login, "t2");
	assert_int_equal(fixture_int(f->db.s, "SELECT disabled FROM accounts WHERE login = 't2'"), 0);
	assert_int_equal(fixture_int(f->db.s, "SELECT count(*) FROM accounts WHERE role = 'teacher'"), 1);
	assert_int_equal(activation_login_of(f->db.s, f->id[2], login), 1);
	assert_string_equal(login, "t2");
	/* the new password, not the old one */
	assert_int_equal(account_sign_in(f->db.s, "t2", PW, "192.0.2.70", f->now, &p, &err), 0);
	memset(&err, 0, sizeof err);
	assert_int_equal(account_sign_in(f->db.s, "t2", PW_T2, "192.0.2.71", f->now, &p, &err), -1);
	assert_int_equal(fixture_int(f->db.s, "SELECT count(*) FROM audit_log WHERE action = 'activation.redeem'"
					      " AND object = 'account:t2' AND detail = 'account enabled, password set'"), 1);
	/* put the old password back for the other tests */
	assert_int_equal(account_set_password(f->db.s, "t2", PW_T2, &cli, &err), 0);
	arena_release(&a);
}

static void retired_person_cannot_redeem(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct activation_account acct;
	struct err err;
	struct arena a;
	static const char SQL_RETIRE[] = "UPDATE persons SET status = 'retired' WHERE id = ?";
	static const char SQL_SERVE[] = "UPDATE persons SET status = 'serving' WHERE id = ?";
	struct stmt *st;

	arena_init(&a);
	assert_int_equal(issue(f, &a, SCHOOL_B, false, f->now, &as, &b, &err), 0);
	assert_int_equal(store_prepare(f->db.s, SQL_RETIRE, &st), STORE_OK);
	stmt_bind_int(st, 1, f->pid[4]);
	assert_int_equal(stmt_run(st), STORE_OK);
	assert_int_equal(redeem(f, f->id[4], b.cards[0].code, PW, "192.0.2.80", f->now, &acct, &err), -1);
	assert_int_equal(err.code, ERR_UNAUTHORISED);
	assert_int_equal(store_prepare(f->db.s, SQL_SERVE, &st), STORE_OK);
	stmt_bind_int(st, 1, f->pid[4]);
	assert_int_equal(stmt_run(st), STORE_OK);
	arena_release(&a);
}

/* ---- the sheet ----------------------------------------------------------------- */

static void sheets(void **state)
{
	struct fixture *f = *state;
	struct activation_scope as;
	struct activation_batch b;
	struct err err;
	struct arena a;
	struct buf out;

	arena_init(&a);
	assert_int_equal(issue(f, &a, "440106", false, f->now, &as, &b, &err), 0);
	buf_init(&out);
	assert_int_equal(activation_sheet(&b, ACTIVATION_XLSX, &out, &err), 0);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "PK\3\4", 4);
	assert_non_null(memmem(out.data, out.len, "xl/worksheets/sheet1.xml", 24));
	buf_reset(&out);
	assert_int_equal(activation_sheet(&b, ACTIVATION_CSV, &out, &err), 0);
	assert_memory_equal(out.data, "\xEF\xBB\xBF学校,姓名,身份证号,激活码,有效期至\r\n",
			    strlen("\xEF\xBB\xBF学校,姓名,身份证号,激活码,有效期至\r\n"));
	assert_non_null(strstr(out.data, b.cards[0].code));
	assert_non_null(strstr(out.data, b.expires_on));
	assert_null(strstr(out.data, f->id[1])); /* masked */
	buf_free(&out);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(code_format),
		cmocka_unit_test_setup(scope_from_code, reset),
		cmocka_unit_test_setup(scope_narrowed_to_a_school, reset),
		cmocka_unit_test_setup(issue_for_a_school, reset),
		cmocka_unit_test_setup(only_a_hash_is_stored, reset),
		cmocka_unit_test_setup(new_code_ends_the_old, reset),
		cmocka_unit_test_setup(batch_limit_and_failed_delivery_issue_nothing, reset),
		cmocka_unit_test_setup(redeem_makes_an_account_that_signs_in, reset),
		cmocka_unit_test_setup(a_code_works_once, reset),
		cmocka_unit_test_setup(wrong_person_refused, reset),
		cmocka_unit_test_setup(expiry_after_the_thirtieth_day, reset),
		cmocka_unit_test_setup(bad_input_is_no_attempt, reset),
		cmocka_unit_test_setup(failures_are_throttled, reset),
		cmocka_unit_test_setup(earlier_account_is_reused_and_enabled, reset),
		cmocka_unit_test_setup(retired_person_cannot_redeem, reset),
		cmocka_unit_test_setup(sheets, reset),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
