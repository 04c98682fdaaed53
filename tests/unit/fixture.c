/* fixture.c - shared set-up for the unit tests (see fixture.h). */
#include "fixture.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/config.h"
#include "web/router.h"

int fixture_mkdtemp(char *dir, size_t n, const char *tag)
{
	if ((size_t)snprintf(dir, n, "/tmp/tdc_unit_%s_XXXXXX", tag) >= n)
		return -1;
	return mkdtemp(dir) ? 0 : -1;
}

void fixture_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

int fixture_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int fixture_db_open(struct tmpdb *t, const char *tag)
{
	struct err err = { 0 };
	int applied = 0;

	memset(t, 0, sizeof *t);
	if (fixture_mkdtemp(t->dir, sizeof t->dir, tag) < 0) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(t->path, sizeof t->path, "%s/%s.db", t->dir, tag);
	if (store_open(&t->s, t->path, STORE_CREATE, &err) < 0) {
		fprintf(stderr, "store_open: %s\n", err.message);
		goto fail;
	}
	if (store_migrate(t->s, &applied, &err) < 0) {
		fprintf(stderr, "store_migrate: %s\n", err.message);
		goto fail;
	}
	return 0;
fail:
	fixture_db_close(t);
	return -1;
}

void fixture_db_close(struct tmpdb *t)
{
	store_close(t->s);
	t->s = NULL;
	if (*t->dir)
		fixture_rmdir(t->dir);
	t->dir[0] = '\0';
}

int fixture_exec(struct store *s, const char *sql)
{
	struct err err = { 0 };
	int rc = store_exec_script(s, sql, &err);

	return rc < 0 ? rc : 0;
}

long long fixture_int(struct store *s, const char *sql)
{
	struct stmt *st;
	long long v = -1;

	if (store_prepare(s, sql, &st) < 0)
		return -1;
	if (stmt_step(st) == STORE_ROW)
		v = stmt_int(st, 0);
	stmt_done(st);
	return v;
}

void fixture_app(struct app *app, unsigned char secret_byte)
{
	memset(app, 0, sizeof *app);
	config_defaults(&app->config);
	memset(app->secret, secret_byte, sizeof app->secret);
	app->session.idle_s = app->config.session_idle_minutes * 60;
	app->session.absolute_s = app->config.session_absolute_hours * 3600;
}

struct request *fixture_request(const struct app *app, struct store *s, const char *method_name,
				const char *path)
{
	struct request *req = req_new(app, method_name, path);

	if (!req)
		return NULL;
	req->store = s;
	req->address = "192.0.2.1";
	return req;
}

void fixture_request_free(struct request *req)
{
	req_free(req);
}

const char *fixture_header(const struct request *req, const char *key)
{
	for (int i = 0; i < req->nheaders; i++)
		if (!strcasecmp(req->headers[i].key, key))
			return req->headers[i].value;
	return NULL;
}

void fixture_body(struct request *req, const char *text)
{
	buf_reset(&req->body);
	buf_puts(&req->body, text);
	req->form_parsed = false;
	req->nform = 0;
}
