/* secret.h - random tokens, their stored hashes, and password hashes.
 *
 * Tokens (sessions, API tokens, CSRF) are 256 random bits written as 43
 * base64url characters.  The database keeps only a BLAKE2b-256 hash, so a
 * leaked database copy signs nobody in; a plain fast hash is right here
 * because the token itself has 256 bits of entropy.  Passwords are
 * Argon2id (libsodium's crypto_pwhash_str), which is slow on purpose.
 *
 * secret_init() must run once before any thread uses these. */
#ifndef TDC_SECRET_H
#define TDC_SECRET_H

#include <stdbool.h>
#include <stddef.h>

enum { TOKEN_CHARS = 43, TOKEN_HASH_BYTES = 32, PASSWORD_HASH_MAX = 128 };

int secret_init(void);
void secret_token(char out[TOKEN_CHARS + 1]);
void secret_token_hash(const char *token, unsigned char out[TOKEN_HASH_BYTES]);
/* keyed hash of msg, as lower-case hex (2*TOKEN_HASH_BYTES chars + NUL) */
void secret_mac_hex(const unsigned char *key, size_t keylen, const char *msg,
		    char out[2 * TOKEN_HASH_BYTES + 1]);
bool secret_equal(const char *a, const char *b); /* constant time for equal lengths */
int secret_password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
bool secret_password_verify(const char *hash, const char *password);
/* does the hash use weaker parameters than we now choose? */
bool secret_password_needs_rehash(const char *hash);
/* a password for demo or reset use: 12 characters, unambiguous alphabet */
void secret_password_generate(char out[13]);

#endif
