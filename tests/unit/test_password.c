/* test_password.c - tokens, keyed hashes and passwords (lib/secret.c), and
 * the password rules of core/account.c (account_check_password).
 *
 * Argon2id takes about a tenth of a second a hash, so the group hashes
 * one password once (group set-up) and once more for the salt test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/account.h"
#include "lib/secret.h"

static const char PASSWORD[] = "correct horse 电池 staple";

struct fixture {
	char hash[PASSWORD_HASH_MAX];
};

static int group_setup(void **state)
{
	static struct fixture f;

	if (secret_init() < 0)
		return -1;
	if (secret_password_hash(PASSWORD, f.hash) < 0)
		return -1;
	*state = &f;
	return 0;
}

static bool is_base64url(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

static bool is_lower_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static void init_is_repeatable(void **state)
{
	assert_int_equal(secret_init(), 0);
	assert_int_equal(secret_init(), 0);
}

/* ---- passwords -------------------------------------------------------- */

static void hash_is_argon2id(void **state)
{
	struct fixture *f = *state;

	assert_memory_equal(f->hash, "$argon2id$", 10);
	assert_true(strlen(f->hash) < PASSWORD_HASH_MAX);
	assert_null(strstr(f->hash, PASSWORD)); /* not the password itself */
	assert_false(secret_password_needs_rehash(f->hash));
}

static void verify_right_and_wrong(void **state)
{
	struct fixture *f = *state;

	assert_true(secret_password_verify(f->hash, PASSWORD));
	assert_false(secret_password_verify(f->hash, "correct horse 电池 staplE"));
	assert_false(secret_password_verify(f->hash, "correct horse 电池 stapl"));
	assert_false(secret_password_verify(f->hash, ""));
	/* no hash: nobody gets in, whatever the password */
	assert_false(secret_password_verify("", PASSWORD));
	assert_false(secret_password_verify(NULL, PASSWORD));
	assert_false(secret_password_verify("$argon2id$garbage", PASSWORD));
}

static void same_password_two_hashes(void **state)
{
	struct fixture *f = *state;
	char second[PASSWORD_HASH_MAX];

	assert_int_equal(secret_password_hash(PASSWORD, second), 0);
	assert_memory_equal(second, "$argon2id$", 10);
	assert_string_not_equal(second, f->hash); /* a fresh salt each time */
	assert_true(secret_password_verify(second, PASSWORD));
}

static void generated_passwords(void **state)
{
	char a[13], b[13];

	secret_password_generate(a);
	secret_password_generate(b);
	assert_int_equal(strlen(a), 12);
	assert_string_not_equal(a, b);
	/* nothing a reader could confuse: 0/O, 1/l/I, 2/Z, 5/S */
	for (int i = 0; i < 200; i++) {
		secret_password_generate(a);
		assert_int_equal(strlen(a), 12);
		assert_null(strpbrk(a, "0O1lIoi"));
		assert_true(is_base64url(a));
	}
}

/* ---- tokens ----------------------------------------------------------- */

static void tokens_are_43_base64url_and_fresh(void **state)
{
	enum { N = 200 };
	static char tokens[N][TOKEN_CHARS + 1];

	for (int i = 0; i < N; i++) {
		memset(tokens[i], '#', sizeof tokens[i]);
		secret_token(tokens[i]);
		assert_int_equal(strlen(tokens[i]), 43);
		assert_true(is_base64url(tokens[i]));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(tokens[i], tokens[j]);
	}
}

static void token_hash_is_deterministic(void **state)
{
	unsigned char a[TOKEN_HASH_BYTES], b[TOKEN_HASH_BYTES], c[TOKEN_HASH_BYTES];
	static const unsigned char zero[TOKEN_HASH_BYTES];
	char token[TOKEN_CHARS + 1];

	secret_token(token);
	secret_token_hash(token, a);
	secret_token_hash(token, b);
	assert_memory_equal(a, b, sizeof a);
	assert_memory_not_equal(a, zero, sizeof a);
	token[0] = token[0] == 'A' ? 'B' : 'A';
	secret_token_hash(token, c);
	assert_memory_not_equal(a, c, sizeof a);
	/* a known value pins the algorithm (BLAKE2b-256, unkeyed): a change
	 * would sign every session out and void every API token */
	{
		char hex[65];

		secret_token_hash("abc", a);
		for (int i = 0; i < TOKEN_HASH_BYTES; i++)
			snprintf(hex + 2 * i, 3, "%02x", a[i]);
		assert_string_equal(hex, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	}
}

static void mac_depends_on_key_and_message(void **state)
{
	unsigned char k1[32], k2[32];
	char a[65], b[65], c[65], d[65];

	memset(k1, 1, sizeof k1);
	memset(k2, 1, sizeof k2);
	k2[31] = 2;
	secret_mac_hex(k1, sizeof k1, "s:token", a);
	secret_mac_hex(k1, sizeof k1, "s:token", b);
	secret_mac_hex(k2, sizeof k2, "s:token", c);
	secret_mac_hex(k1, sizeof k1, "s:tokeN", d);
	assert_int_equal(strlen(a), 64);
	assert_true(is_lower_hex(a));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_string_not_equal(c, d);
	/* keyed: not the plain hash of the message */
	{
		unsigned char plain[TOKEN_HASH_BYTES];
		char hex[65];

		secret_token_hash("s:token", plain);
		for (int i = 0; i < TOKEN_HASH_BYTES; i++)
			snprintf(hex + 2 * i, 3, "%02x", plain[i]);
		assert_string_not_equal(a, hex);
	}
}

static void equal_compares_whole_strings(void **state)
{
	assert_true(secret_equal("abc", "abc"));
	assert_true(secret_equal("9f86d081884c7d659a2feaa0c55ad015", "9f86d081884c7d659a2feaa0c55ad015"));
	assert_false(secret_equal("abc", "abd"));
	assert_false(secret_equal("abc", "Abc"));
	assert_false(secret_equal("abc", "abcd"));
	assert_false(secret_equal("abcd", "abc"));
	assert_false(secret_equal("abc", ""));
	assert_false(secret_equal(NULL, "abc"));
	assert_false(secret_equal("abc", NULL));
	assert_false(secret_equal(NULL, NULL));
	/* an empty token matches nothing, not even another empty one */
	assert_false(secret_equal("", ""));
}

/* ---- the password rules ----------------------------------------------- */

static void password_rules(void **state)
{
	struct err err = { 0 };
	char s[PASSWORD_MAX_LEN + 2];

	assert_int_equal(account_check_password(NULL, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "password");

	memset(&err, 0, sizeof err);
	assert_int_equal(account_check_password("1234567", &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_string_equal(err.field, "password");
	assert_non_null(strstr(err.message, "short"));
	assert_int_equal(account_check_password("", &err), -1);

	memset(&err, 0, sizeof err);
	assert_int_equal(account_check_password("12345678", &err), 0);
	assert_int_equal(err.code, ERR_NONE);
	assert_int_equal(account_check_password("教师发展中心", &err), 0); /* 18 bytes */

	memset(s, 'p', PASSWORD_MAX_LEN);
	s[PASSWORD_MAX_LEN] = '\0';
	assert_int_equal(account_check_password(s, &err), 0);
	s[PASSWORD_MAX_LEN] = 'p';
	s[PASSWORD_MAX_LEN + 1] = '\0';
	assert_int_equal(account_check_password(s, &err), -1);
	assert_int_equal(err.code, ERR_INVALID);
	assert_non_null(strstr(err.message, "long"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_is_repeatable),
		cmocka_unit_test(hash_is_argon2id),
		cmocka_unit_test(verify_right_and_wrong),
		cmocka_unit_test(same_password_two_hashes),
		cmocka_unit_test(generated_passwords),
		cmocka_unit_test(tokens_are_43_base64url_and_fresh),
		cmocka_unit_test(token_hash_is_deterministic),
		cmocka_unit_test(mac_depends_on_key_and_message),
		cmocka_unit_test(equal_compares_whole_strings),
		cmocka_unit_test(password_rules),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
