/* settings.c - key = value settings (see settings.h). */
#include "settings.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"

static const char SQL_GET[] = "SELECT value FROM settings WHERE key = ?";
static const char SQL_SET[] =
	"INSERT INTO settings (key, value) VALUES (?, ?)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char SQL_ADD[] =
	"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING";

int settings_get(struct store *s, const char *key, char *out, size_t outlen)
{
	struct stmt *st;
	int rc, found = 0;

	if (store_prepare(s, SQL_GET, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, key);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		snprintf(out, outlen, "%s", stmt_text(st, 0));
		found = 1;
	}
	stmt_done(st);
	return rc < 0 ? -1 : found;
}

int settings_set(struct store *s, const char *key, const char *value)
{
	struct stmt *st;

	if (store_prepare(s, SQL_SET, &st) < 0)
		return -1;
	stmt_bind_text(st, 1, key);
	stmt_bind_text(st, 2, value);
	return stmt_run(st) < 0 ? -1 : 0;
}

int settings_server_secret(struct store *s, unsigned char out[32])
{
	char hex[65];
	unsigned char fresh[32];
	struct stmt *st;
	size_t len;
	int rc = settings_get(s, "server_secret", hex, sizeof hex);

	if (rc < 0)
		return -1;
	if (rc == 0) {
		/* first start: make one; a concurrent first start loses the
		 * race harmlessly and reads the winner's */
		randombytes_buf(fresh, sizeof fresh);
		sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
		if (store_prepare(s, SQL_ADD, &st) < 0)
			return -1;
		stmt_bind_text(st, 1, "server_secret");
		stmt_bind_text(st, 2, hex);
		if (stmt_run(st) < 0)
			return -1;
		if (settings_get(s, "server_secret", hex, sizeof hex) != 1)
			return -1;
	}
	if (sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &len, NULL) < 0 || len != 32)
		return -1;
	return 0;
}
