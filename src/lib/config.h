/* config.h - installation settings from an INI file, the environment and
 * flags, in rising order of precedence: defaults < file < TDC_* < flags.
 *
 * The file (see docs/operations.md):
 *   [site]     name = ...
 *   [server]   listen = 127.0.0.1:8080   threads = 0 (one per core)
 *              access_log = true         secure_cookies = false
 *   [database] path = var/tdc.db
 *              files_dir = (empty: beside the database, PATH.files/)
 *   [session]  idle_minutes = 120        absolute_hours = 12
 */
#ifndef TDC_CONFIG_H
#define TDC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/err.h"

struct config {
	char site_name[256];
	char listen[128];
	int threads;
	bool access_log;
	bool secure_cookies;
	char db_path[1024];
	char files_dir[1024];   /* uploaded evidence; "" = db_path + ".files" */
	int session_idle_minutes;
	int session_absolute_hours;
};

void config_defaults(struct config *c);
/* Reads FILE into c; a missing file is an error, an unknown key too. */
int config_load_file(struct config *c, const char *path, struct err *err);
/* Applies TDC_DB, TDC_LISTEN, TDC_THREADS, TDC_SITE_NAME, TDC_ACCESS_LOG,
 * TDC_SECURE_COOKIES, TDC_SESSION_IDLE_MINUTES, TDC_SESSION_ABSOLUTE_HOURS,
 * TDC_FILES_DIR. */
int config_load_env(struct config *c, struct err *err);
/* Where uploaded files are kept: files_dir, or "<db_path>.files" beside
 * the database, never under a served path.  0, or -1 when it does not
 * fit in n bytes. */
int config_files_dir(const struct config *c, char *out, size_t n);
/* Sets one value by section and key, as the file would. */
int config_set(struct config *c, const char *section, const char *key,
	       const char *value, struct err *err);
/* Splits "ADDR:PORT" (ADDR may be [v6]); port 0 asks for any free port. */
int config_parse_listen(const char *listen, char *addr, int addrlen, int *port, struct err *err);

#endif
