/* migrate.c - numbered schema migrations compiled into the binary.
 *
 * Each migrations/NNN_name.sql is one step, applied once, in order, in its
 * own transaction, and recorded in schema_migrations.  A landed migration is
 * never edited: a change is a new file.  A database whose highest version is
 * above the binary's newest is refused, since this binary would misread it. */
#include "store.h"

#include <stdio.h>
#include <time.h>

#include "migrations.h" /* generated: const struct migration migrations[] */

static const char SQL_CREATE_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
static const char SQL_MAX_VERSION[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
static const char SQL_HAS_TABLE[] =
	"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
static const char SQL_RECORD[] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)";

int store_schema_latest(void)
{
	return migrations_count ? migrations[migrations_count - 1].version : 0;
}

int store_schema_version(struct store *s, int *version)
{
	struct stmt *st;
	int rc;

	*version = 0;
	if ((rc = store_prepare(s, SQL_HAS_TABLE, &st)) < 0)
		return rc;
	rc = stmt_step(st);
	if (rc != STORE_ROW || stmt_int(st, 0) == 0) {
		stmt_done(st);
		return rc < 0 ? rc : STORE_OK;
	}
	stmt_done(st);
	if ((rc = store_prepare(s, SQL_MAX_VERSION, &st)) < 0)
		return rc;
	if ((rc = stmt_step(st)) == STORE_ROW)
		*version = (int)stmt_int(st, 0);
	stmt_done(st);
	return rc < 0 ? rc : STORE_OK;
}

int store_schema_check(struct store *s, struct err *err)
{
	int v;

	if (store_schema_version(s, &v) < 0) {
		err_set(err, ERR_IO, "cannot read the schema version of '%s'", store_path(s));
		return STORE_ERROR;
	}
	if (v > store_schema_latest()) {
		err_set(err, ERR_SCHEMA,
			"database '%s' has schema version %d, newer than this tdc knows (%d): "
			"use a newer tdc", store_path(s), v, store_schema_latest());
		return STORE_ERROR;
	}
	if (v < store_schema_latest()) {
		err_set(err, ERR_SCHEMA,
			"database '%s' has schema version %d, older than this tdc (%d): "
			"run 'tdc migrate --db %s' first", store_path(s), v,
			store_schema_latest(), store_path(s));
		return STORE_ERROR;
	}
	return STORE_OK;
}

int store_migrate(struct store *s, int *applied, struct err *err)
{
	int version, rc;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	*applied = 0;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (store_exec_script(s, SQL_CREATE_TABLE, err) < 0)
		return STORE_ERROR;
	if (store_schema_version(s, &version) < 0) {
		err_set(err, ERR_IO, "cannot read the schema version");
		return STORE_ERROR;
	}
	if (version > store_schema_latest())
		return store_schema_check(s, err);
	for (int i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];
		struct stmt *st;

		if (m->version <= version)
			continue;
		if (store_begin(s, STORE_WRITE) < 0) {
			err_set(err, ERR_IO, "cannot start a transaction: %s", store_errmsg(s));
			return STORE_ERROR;
		}
		if (store_exec_script(s, m->sql, err) < 0) {
			char msg[sizeof err->message];

			snprintf(msg, sizeof msg, "%s", err->message);
			err_set(err, ERR_IO, "migration %03d_%s failed: %s", m->version, m->name, msg);
			goto fail;
		}
		if ((rc = store_prepare(s, SQL_RECORD, &st)) < 0)
			goto fail_db;
		stmt_bind_int(st, 1, m->version);
		stmt_bind_text(st, 2, m->name);
		stmt_bind_text(st, 3, now);
		if (stmt_run(st) < 0)
			goto fail_db;
		if (store_commit(s) < 0)
			goto fail_db;
		(*applied)++;
	}
	return STORE_OK;
fail_db:
	err_set(err, ERR_IO, "cannot record a migration: %s", store_errmsg(s));
fail:
	store_rollback(s);
	return STORE_ERROR;
}
