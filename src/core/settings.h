/* settings.h - installation settings kept in the database (key = value). */
#ifndef TDC_SETTINGS_H
#define TDC_SETTINGS_H

#include <stddef.h>

struct store;

/* Copies the value into out; returns 1 when found, 0 when absent, -1 on error. */
int settings_get(struct store *s, const char *key, char *out, size_t outlen);
int settings_set(struct store *s, const char *key, const char *value);
/* The installation's secret for CSRF tokens, made at first use. */
int settings_server_secret(struct store *s, unsigned char out[32]);

#endif
