/* config.c - INI file, environment and flags (see config.h). */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->site_name, sizeof c->site_name, "%s", "广州市教师发展中心平台");
	snprintf(c->listen, sizeof c->listen, "%s", "127.0.0.1:8080");
	c->threads = 0;
	c->access_log = true;
	c->secure_cookies = false;
	c->session_idle_minutes = 120;
	c->session_absolute_hours = 12;
}

static int parse_int(const char *v, int lo, int hi, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return -1;
	*out = (int)n;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") || !strcmp(v, "1"))
		return *out = true, 0;
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") || !strcmp(v, "0"))
		return *out = false, 0;
	return -1;
}

static int copy(char *dst, size_t n, const char *v)
{
	if (strlen(v) >= n)
		return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int config_set(struct config *c, const char *section, const char *key,
	       const char *value, struct err *err)
{
#define IS(s, k) (!strcmp(section, s) && !strcmp(key, k))
	int rc = 0;

	if (IS("site", "name"))
		rc = copy(c->site_name, sizeof c->site_name, value);
	else if (IS("server", "listen")) {
		char addr[64];
		int port;

		if (config_parse_listen(value, addr, sizeof addr, &port, err) < 0)
			return -1;
		rc = copy(c->listen, sizeof c->listen, value);
	} else if (IS("server", "threads"))
		rc = parse_int(value, 0, 256, &c->threads);
	else if (IS("server", "access_log"))
		rc = parse_bool(value, &c->access_log);
	else if (IS("server", "secure_cookies"))
		rc = parse_bool(value, &c->secure_cookies);
	else if (IS("database", "path"))
		rc = copy(c->db_path, sizeof c->db_path, value);
	else if (IS("database", "files_dir"))
		rc = copy(c->files_dir, sizeof c->files_dir, value);
	else if (IS("session", "idle_minutes"))
		rc = parse_int(value, 1, 60 * 24 * 30, &c->session_idle_minutes);
	else if (IS("session", "absolute_hours"))
		rc = parse_int(value, 1, 24 * 365, &c->session_absolute_hours);
	else {
		err_set(err, ERR_USAGE, "unknown setting '%s.%s'", section, key);
		return -1;
	}
	if (rc < 0)
		err_set(err, ERR_USAGE, "bad value '%s' for '%s.%s'", value, section, key);
	return rc;
#undef IS
}

struct ini_ctx {
	struct config *c;
	struct err *err;
	bool failed;
};

static int on_ini(void *user, const char *section, const char *key, const char *value)
{
	struct ini_ctx *x = user;

	if (x->failed)
		return 0;
	if (config_set(x->c, section, key, value, x->err) < 0) {
		x->failed = true;
		return 0;
	}
	return 1;
}

int config_load_file(struct config *c, const char *path, struct err *err)
{
	struct ini_ctx x = { c, err, false };
	FILE *f = fopen(path, "r");
	int line;

	if (!f) {
		err_set(err, ERR_IO, "cannot read configuration '%s': %s", path, strerror(errno));
		return -1;
	}
	line = ini_parse_file(f, on_ini, &x);
	fclose(f);
	if (line != 0) {
		char msg[sizeof err->message];

		if (x.failed) {
			snprintf(msg, sizeof msg, "%s", err->message);
			err_set(err, ERR_USAGE, "%s:%d: %s", path, line, msg);
		} else {
			err_set(err, ERR_USAGE, "%s:%d: not a valid INI line", path, line);
		}
		return -1;
	}
	return 0;
}

int config_load_env(struct config *c, struct err *err)
{
	static const struct { const char *env, *section, *key; } vars[] = {
		{ "TDC_DB", "database", "path" },
		{ "TDC_LISTEN", "server", "listen" },
		{ "TDC_THREADS", "server", "threads" },
		{ "TDC_ACCESS_LOG", "server", "access_log" },
		{ "TDC_SECURE_COOKIES", "server", "secure_cookies" },
		{ "TDC_SITE_NAME", "site", "name" },
		{ "TDC_SESSION_IDLE_MINUTES", "session", "idle_minutes" },
		{ "TDC_SESSION_ABSOLUTE_HOURS", "session", "absolute_hours" },
		{ "TDC_FILES_DIR", "database", "files_dir" },
	};

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i].env);

		if (v && *v && config_set(c, vars[i].section, vars[i].key, v, err) < 0) {
			char msg[sizeof err->message];

			snprintf(msg, sizeof msg, "%s", err->message);
			err_set(err, ERR_USAGE, "%s: %s", vars[i].env, msg);
			return -1;
		}
	}
	return 0;
}

int config_parse_listen(const char *listen, char *addr, int addrlen, int *port, struct err *err)
{
	const char *colon = strrchr(listen, ':');
	const char *host = listen;
	size_t hostlen;

	if (!colon)
		goto bad;
	hostlen = (size_t)(colon - listen);
	if (hostlen >= 2 && host[0] == '[' && host[hostlen - 1] == ']')
		host++, hostlen -= 2;
	else if (memchr(host, '[', hostlen) || memchr(host, ']', hostlen))
		goto bad;
	if (hostlen == 0 || hostlen >= (size_t)addrlen)
		goto bad;
	if (parse_int(colon + 1, 0, 65535, port) < 0)
		goto bad;
	memcpy(addr, host, hostlen);
	addr[hostlen] = '\0';
	return 0;
bad:
	err_set(err, ERR_USAGE, "bad listen address '%s': expected ADDR:PORT, e.g. 127.0.0.1:8080", listen);
	return -1;
}

int config_files_dir(const struct config *c, char *out, size_t n)
{
	int len;

	/* beside the database by default: backed up and moved with it, and
	 * outside anything the server sends as a static file */
	if (c->files_dir[0])
		len = snprintf(out, n, "%s", c->files_dir);
	else if (c->db_path[0])
		len = snprintf(out, n, "%s.files", c->db_path);
	else
		return -1;
	return len < 0 || (size_t)len >= n ? -1 : 0;
}
