/* secret.c - tokens and passwords through libsodium (see secret.h). */
#include "secret.h"

#include <sodium.h>
#include <string.h>

/* Interactive limits: about a tenth of a second and 64 MiB per sign-in on
 * this class of machine; enough to make a stolen hash costly to attack. */
#define PW_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

int secret_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void secret_token(char out[TOKEN_CHARS + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, TOKEN_CHARS + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void secret_token_hash(const char *token, unsigned char out[TOKEN_HASH_BYTES])
{
	crypto_generichash(out, TOKEN_HASH_BYTES, (const unsigned char *)token,
			   strlen(token), NULL, 0);
}

void secret_mac_hex(const unsigned char *key, size_t keylen, const char *msg,
		    char out[2 * TOKEN_HASH_BYTES + 1])
{
	unsigned char mac[TOKEN_HASH_BYTES];

	crypto_generichash(mac, sizeof mac, (const unsigned char *)msg, strlen(msg), key, keylen);
	sodium_bin2hex(out, 2 * TOKEN_HASH_BYTES + 1, mac, sizeof mac);
}

bool secret_equal(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return false;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb || la == 0)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}

int secret_password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	return crypto_pwhash_str(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT);
}

bool secret_password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool secret_password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

void secret_password_generate(char out[13])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789";

	for (int i = 0; i < 12; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[12] = '\0';
}
