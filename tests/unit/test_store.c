/* test_store.c - the database API (store/sqlite.c, store/migrate.c).
 *
 * Opening (create, missing, read-only, not a database), migrations
 * (applied once, idempotent, version checks both ways), the connection's
 * settings (WAL, foreign keys), binding and reading every kind of value,
 * constraint violations, transactions, the statement cache, the audit
 * log's append-only triggers, and a backup that opens with the same rows.
 * Each test works in its own database under one temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "store/store.h"

struct fixture {
	char dir[128];
	int serial;
};

static int group_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || fixture_mkdtemp(f->dir, sizeof f->dir, "store") < 0)
		return -1;
	*state = f;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;

	fixture_rmdir(f->dir);
	free(f);
	return 0;
}

/* A fresh path in the fixture's directory. */
static void new_path(struct fixture *f, char *out, size_t n)
{
	snprintf(out, n, "%s/db%d.sqlite", f->dir, ++f->serial);
}

static struct store *open_migrated(struct fixture *f, char *path, size_t n)
{
	struct store *s = NULL;
	struct err err = { 0 };
	int applied = -1;

	new_path(f, path, n);
	if (store_open(&s, path, STORE_CREATE, &err) < 0)
		fail_msg("store_open: %s", err.message);
	if (store_migrate(s, &applied, &err) < 0)
		fail_msg("store_migrate: %s", err.message);
	return s;
}

static const char SQL_TABLE_T[] =
	"CREATE TABLE t (i INTEGER, s TEXT, n INTEGER, b BLOB, u TEXT UNIQUE)";
static const char SQL_INSERT_T[] = "INSERT INTO t (i, s, n, b, u) VALUES (?, ?, ?, ?, ?)";
static const char SQL_SELECT_T[] = "SELECT i, s, n, b, u FROM t ORDER BY rowid";
static const char SQL_COUNT_T[] = "SELECT count(*) FROM t";

static int insert_t(struct store *s, int64_t i, const char *text, const char *u)
{
	struct stmt *st;

	assert_int_equal(store_prepare(s, SQL_INSERT_T, &st), STORE_OK);
	stmt_bind_int(st, 1, i);
	stmt_bind_text(st, 2, text);
	stmt_bind_null(st, 3);
	stmt_bind_blob(st, 4, "\x00\x01", 2);
	stmt_bind_text(st, 5, u);
	return stmt_run(st);
}

/* ---- opening and migrations ------------------------------------------- */

static void migrate_applies_then_is_idempotent(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct store *s = NULL;
	struct err err = { 0 };
	int applied = -1, version = -1;

	new_path(f, path, sizeof path);
	assert_int_equal(store_open(&s, path, STORE_CREATE, &err), STORE_OK);
	assert_non_null(s);
	assert_string_equal(store_path(s), path);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(store_schema_version(s, &version), STORE_OK);
	assert_int_equal(version, 0);
	/* an empty database is older than the binary */
	assert_int_equal(store_schema_check(s, &err), STORE_ERROR);
	assert_int_equal(err.code, ERR_SCHEMA);

	assert_true(store_schema_latest() >= 1);
	assert_int_equal(store_migrate(s, &applied, &err), STORE_OK);
	assert_true(applied >= 1);
	assert_int_equal(store_schema_version(s, &version), STORE_OK);
	assert_int_equal(version, store_schema_latest());
	assert_int_equal(fixture_int(s, "SELECT count(*) FROM schema_migrations"), applied);
	/* the tables of 001 are there */
	assert_int_equal(fixture_int(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
				     " AND name IN ('accounts', 'sessions', 'audit_log', 'regions')"), 4);
	assert_int_equal(fixture_int(s, "SELECT count(*) FROM roles"), 7);

	assert_int_equal(store_migrate(s, &applied, &err), STORE_OK);
	assert_int_equal(applied, 0);
	memset(&err, 0, sizeof err);
	assert_int_equal(store_schema_check(s, &err), STORE_OK);
	assert_int_equal(err.code, ERR_NONE);
	store_close(s);

	/* and once more after reopening */
	assert_int_equal(store_open(&s, path, 0, &err), STORE_OK);
	assert_int_equal(store_migrate(s, &applied, &err), STORE_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(store_schema_check(s, &err), STORE_OK);
	store_close(s);
}

static void newer_schema_is_refused(void **state)
{
	struct fixture *f = *state;
	char path[256], sql[200];
	struct store *s = open_migrated(f, path, sizeof path);
	struct err err = { 0 };
	int applied = -1;

	snprintf(sql, sizeof sql, "INSERT INTO schema_migrations (version, name, applied_at)"
		 " VALUES (%d, 'from_the_future', '2099-01-01T00:00:00Z')", store_schema_latest() + 1);
	assert_int_equal(fixture_exec(s, sql), 0);
	assert_int_equal(store_schema_check(s, &err), STORE_ERROR);
	assert_int_equal(err.code, ERR_SCHEMA);
	if (!strstr(err.message, "newer"))
		fail_msg("message lacks 'newer': %s", err.message);
	assert_non_null(strstr(err.message, path));
	/* migrate refuses it too rather than going on */
	memset(&err, 0, sizeof err);
	assert_true(store_migrate(s, &applied, &err) < 0);
	assert_int_equal(err.code, ERR_SCHEMA);
	assert_int_equal(applied, 0);
	store_close(s);
}

static void open_missing_without_create_fails(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct store *s = (struct store *)&s;
	struct err err = { 0 };

	new_path(f, path, sizeof path);
	assert_true(store_open(&s, path, 0, &err) < 0);
	assert_null(s);
	assert_int_equal(err.code, ERR_IO);
	assert_non_null(strstr(err.message, path));
	assert_int_equal(access(path, F_OK), -1); /* and did not create it */
}

static void open_non_database_fails_with_message(void **state)
{
	struct fixture *f = *state;
	char path[256], text[4096];
	struct store *s = NULL;
	struct err err = { 0 };

	new_path(f, path, sizeof path);
	for (size_t i = 0; i < sizeof text - 1; i++)
		text[i] = "this is a teacher list, not a database\n"[i % 39];
	text[sizeof text - 1] = '\0';
	assert_int_equal(fixture_write_file(path, text), 0);
	assert_true(store_open(&s, path, 0, &err) < 0);
	assert_null(s);
	assert_int_equal(err.code, ERR_IO);
	assert_non_null(strstr(err.message, path));
	if (!strstr(err.message, "not a database"))
		fail_msg("message does not say why: %s", err.message);
}

static void readonly_refuses_writes(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct store *s = open_migrated(f, path, sizeof path);
	struct err err = { 0 };

	assert_int_equal(fixture_exec(s, SQL_TABLE_T), 0);
	store_close(s);
	assert_int_equal(store_open(&s, path, STORE_READONLY, &err), STORE_OK);
	assert_int_equal(fixture_int(s, SQL_COUNT_T), 0);
	assert_true(insert_t(s, 1, "x", "u1") < 0);
	store_close(s);
}

/* ---- connection settings ---------------------------------------------- */

static void wal_and_foreign_keys_are_on(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct store *s = open_migrated(f, path, sizeof path);
	struct stmt *st;
	static const char SQL_JOURNAL[] = "PRAGMA journal_mode";
	static const char SQL_BAD_SCHOOL[] =
		"INSERT INTO schools (code, name, district_code, stage, ownership)"
		" VALUES ('4401069999', 'Nowhere School', '999999', 'primary', 'public')";
	static const char SQL_BAD_SESSION[] =
		"INSERT INTO sessions (token_hash, account_id, created_at, last_seen, expires_at)"
		" VALUES (x'00', 12345, 'a', 'b', 'c')";

	assert_int_equal(store_prepare(s, SQL_JOURNAL, &st), STORE_OK);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "wal");
	stmt_done(st);
	assert_int_equal(fixture_int(s, "PRAGMA foreign_keys"), 1);

	/* a school in a region that does not exist; a session of nobody */
	assert_int_equal(store_prepare(s, SQL_BAD_SCHOOL, &st), STORE_OK);
	assert_int_equal(stmt_run(st), STORE_ECONSTRAINT);
	assert_int_equal(store_prepare(s, SQL_BAD_SESSION, &st), STORE_OK);
	assert_int_equal(stmt_run(st), STORE_ECONSTRAINT);
	assert_int_equal(fixture_int(s, "SELECT count(*) FROM schools"), 0);
	store_close(s);
}

/* ---- values ----------------------------------------------------------- */

static void bind_and_read_every_kind(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct store *s = open_migrated(f, path, sizeof path);
	struct stmt *st;
	const unsigned char blob[] = { 0x00, 0xff, 0x10, 0x00, 0x7f };
	const void *got;
	size_t len = 99;
	const int64_t big = (INT64_C(1) << 40) + 3;

	assert_int_equal(fixture_exec(s, SQL_TABLE_T), 0);
	assert_int_equal(store_prepare(s, SQL_INSERT_T, &st), STORE_OK);
	assert_int_equal(stmt_bind_int(st, 1, big), STORE_OK);
	assert_int_equal(stmt_bind_text(st, 2, "王老师 ' \" ; --"), STORE_OK);
	assert_int_equal(stmt_bind_null(st, 3), STORE_OK);
	assert_int_equal(stmt_bind_blob(st, 4, blob, sizeof blob), STORE_OK);
	assert_int_equal(stmt_bind_text(st, 5, NULL), STORE_OK); /* NULL text binds NULL */
	assert_int_equal(stmt_run(st), STORE_OK);
	assert_int_equal(store_changes(s), 1);
	assert_int_equal(store_last_insert_id(s), 1);

	assert_int_equal(store_prepare(s, SQL_INSERT_T, &st), STORE_OK);
	stmt_bind_int(st, 1, INT64_MIN);
	stmt_bind_text(st, 2, "");
	stmt_bind_int(st, 3, -7);
	stmt_bind_blob(st, 4, "", 0);
	stmt_bind_text(st, 5, "second");
	assert_int_equal(stmt_run(st), STORE_OK);
	assert_int_equal(store_last_insert_id(s), 2);

	assert_int_equal(store_prepare(s, SQL_SELECT_T, &st), STORE_OK);
	assert_int_equal(stmt_columns(st), 5);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_true(stmt_int(st, 0) == big);
	assert_false(stmt_is_null(st, 0));
	assert_string_equal(stmt_text(st, 1), "王老师 ' \" ; --");
	assert_true(stmt_is_null(st, 2));
	assert_string_equal(stmt_text(st, 2), ""); /* NULL reads as "" */
	assert_int_equal(stmt_int(st, 2), 0);
	got = stmt_blob(st, 3, &len);
	assert_int_equal(len, sizeof blob);
	assert_memory_equal(got, blob, sizeof blob);
	assert_true(stmt_is_null(st, 4));

	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_true(stmt_int(st, 0) == INT64_MIN);
	assert_false(stmt_is_null(st, 1));
	assert_string_equal(stmt_text(st, 1), "");
	assert_int_equal(stmt_int(st, 2), -7);
	stmt_blob(st, 3, &len);
	assert_int_equal(len, 0);
	assert_string_equal(stmt_text(st, 4), "second");
	assert_int_equal(stmt_step(st), STORE_DONE);
	stmt_done(st);
	store_close(s);
}

static void prepare_returns_a_reset_statement(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct store *s = open_migrated(f, path, sizeof path);
	struct stmt *st, *again;

	assert_int_equal(fixture_exec(s, SQL_TABLE_T), 0);
	assert_int_equal(insert_t(s, 1, "a", "u1"), STORE_OK);
	assert_int_equal(insert_t(s, 2, "b", "u2"), STORE_OK);
	assert_int_equal(store_prepare(s, SQL_SELECT_T, &st), STORE_OK);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 2);
	/* the same SQL again (cached) starts from the first row */
	assert_int_equal(store_prepare(s, SQL_SELECT_T, &again), STORE_OK);
	assert_int_equal(stmt_step(again), STORE_ROW);
	assert_int_equal(stmt_int(again, 0), 1);
	stmt_done(again);
	stmt_done(NULL); /* harmless */
	store_close(s);
}

static void many_distinct_statements(void **state)
{
	/* store.h: SQL must outlive the connection; static storage does.
	 * More distinct statements than the cache's 3/4 fill mark (192 of
	 * 256 slots) must still be prepared, as sqlite.c's own comment says
	 * ("prepare an uncached one-off"), not refused. */
	enum { N = 200 };
	static char sql[N][48];
	struct fixture *f = *state;
	char path[256];
	struct store *s = open_migrated(f, path, sizeof path);
	int refused = 0;

	for (int i = 0; i < N; i++) {
		struct stmt *st;

		snprintf(sql[i], sizeof sql[i], "SELECT %d + 0", i);
		if (store_prepare(s, sql[i], &st) != STORE_OK) {
			refused++;
			continue;
		}
		assert_int_equal(stmt_step(st), STORE_ROW);
		assert_int_equal(stmt_int(st, 0), i);
		stmt_done(st);
	}
	store_close(s);
	if (refused)
		fail_msg("%d of %d statements refused by store_prepare()", refused, N);
}

static void constraint_violations(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct store *s = open_migrated(f, path, sizeof path);
	struct stmt *st;
	static const char SQL_BAD_REGION[] =
		"INSERT INTO regions (code, name, level) VALUES ('44010', 'Short', 'city')";
	static const char SQL_BAD_LEVEL[] =
		"INSERT INTO regions (code, name, level) VALUES ('440100', 'Guangzhou', 'planet')";

	assert_int_equal(fixture_exec(s, SQL_TABLE_T), 0);
	assert_int_equal(insert_t(s, 1, "a", "same"), STORE_OK);
	assert_int_equal(insert_t(s, 2, "b", "same"), STORE_ECONSTRAINT);
	assert_int_equal(fixture_int(s, SQL_COUNT_T), 1);
	/* the statement is usable after the failure */
	assert_int_equal(insert_t(s, 3, "c", "other"), STORE_OK);
	/* CHECK constraints of the schema */
	assert_int_equal(store_prepare(s, SQL_BAD_REGION, &st), STORE_OK);
	assert_int_equal(stmt_run(st), STORE_ECONSTRAINT);
	assert_int_equal(store_prepare(s, SQL_BAD_LEVEL, &st), STORE_OK);
	assert_int_equal(stmt_run(st), STORE_ECONSTRAINT);
	assert_int_equal(fixture_int(s, "SELECT count(*) FROM regions"), 0);
	store_close(s);
}

static void rollback_discards_commit_keeps(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct store *s = open_migrated(f, path, sizeof path);

	assert_int_equal(fixture_exec(s, SQL_TABLE_T), 0);
	assert_false(store_in_transaction(s));
	assert_int_equal(store_begin(s, STORE_WRITE), STORE_OK);
	assert_true(store_in_transaction(s));
	assert_int_equal(insert_t(s, 1, "gone", "u1"), STORE_OK);
	assert_int_equal(insert_t(s, 2, "gone too", "u2"), STORE_OK);
	assert_int_equal(fixture_int(s, SQL_COUNT_T), 2);
	assert_int_equal(store_rollback(s), STORE_OK);
	assert_false(store_in_transaction(s));
	assert_int_equal(fixture_int(s, SQL_COUNT_T), 0);
	assert_int_equal(store_rollback(s), STORE_OK); /* none open: harmless */

	assert_int_equal(store_begin(s, STORE_READ), STORE_OK);
	assert_int_equal(insert_t(s, 3, "kept", "u3"), STORE_OK);
	assert_int_equal(store_commit(s), STORE_OK);
	assert_false(store_in_transaction(s));
	store_close(s);

	/* committed means on disk: another connection sees it */
	{
		struct err err = { 0 };

		assert_int_equal(store_open(&s, path, 0, &err), STORE_OK);
		assert_int_equal(fixture_int(s, SQL_COUNT_T), 1);
		store_close(s);
	}
}

/* ---- the audit log ---------------------------------------------------- */

static void audit_log_is_append_only(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct store *s = open_migrated(f, path, sizeof path);
	struct stmt *st;
	static const char SQL_AUDIT_INSERT[] =
		"INSERT INTO audit_log (at, actor, action, object) VALUES (?, ?, ?, ?)";
	static const char SQL_AUDIT_UPDATE[] = "UPDATE audit_log SET actor = 'mallory' WHERE id = ?";
	static const char SQL_AUDIT_DELETE[] = "DELETE FROM audit_log WHERE id = ?";
	static const char SQL_AUDIT_ACTOR[] = "SELECT actor FROM audit_log WHERE id = 1";

	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_prepare(s, SQL_AUDIT_INSERT, &st), STORE_OK);
		stmt_bind_text(st, 1, "2026-01-01T00:00:00Z");
		stmt_bind_text(st, 2, "root");
		stmt_bind_text(st, 3, "account.create");
		stmt_bind_text(st, 4, "account:wang");
		assert_int_equal(stmt_run(st), STORE_OK);
	}
	assert_int_equal(fixture_int(s, "SELECT count(*) FROM audit_log"), 3);

	assert_int_equal(store_prepare(s, SQL_AUDIT_UPDATE, &st), STORE_OK);
	stmt_bind_int(st, 1, 1);
	assert_true(stmt_run(st) < 0);
	assert_int_equal(store_prepare(s, SQL_AUDIT_DELETE, &st), STORE_OK);
	stmt_bind_int(st, 1, 1);
	assert_true(stmt_run(st) < 0);
	assert_true(fixture_exec(s, "DELETE FROM audit_log") < 0);

	assert_int_equal(fixture_int(s, "SELECT count(*) FROM audit_log"), 3);
	assert_int_equal(store_prepare(s, SQL_AUDIT_ACTOR, &st), STORE_OK);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "root");
	stmt_done(st);
	store_close(s);
}

/* ---- backup ----------------------------------------------------------- */

static void backup_has_the_same_rows(void **state)
{
	struct fixture *f = *state;
	char path[256], copy[300], bad[300];
	struct store *s = open_migrated(f, path, sizeof path), *b = NULL;
	struct err err = { 0 };
	struct stmt *st;
	int n = 0;

	assert_int_equal(fixture_exec(s, SQL_TABLE_T), 0);
	assert_int_equal(store_begin(s, STORE_WRITE), STORE_OK);
	for (int i = 0; i < 500; i++) {
		char u[16];

		snprintf(u, sizeof u, "u%d", i);
		assert_int_equal(insert_t(s, i, "备份", u), STORE_OK);
	}
	assert_int_equal(store_commit(s), STORE_OK);

	snprintf(copy, sizeof copy, "%s/backup.sqlite", f->dir);
	assert_int_equal(store_backup(s, copy, &err), STORE_OK);
	store_close(s);

	assert_int_equal(store_open(&b, copy, 0, &err), STORE_OK);
	assert_int_equal(store_schema_check(b, &err), STORE_OK);
	assert_int_equal(fixture_int(b, SQL_COUNT_T), 500);
	assert_int_equal(fixture_int(b, "SELECT sum(i) FROM t"), 499 * 500 / 2);
	assert_int_equal(store_prepare(b, SQL_SELECT_T, &st), STORE_OK);
	while (stmt_step(st) == STORE_ROW) {
		char u[16];

		snprintf(u, sizeof u, "u%d", n);
		assert_int_equal(stmt_int(st, 0), n);
		assert_string_equal(stmt_text(st, 1), "备份");
		assert_string_equal(stmt_text(st, 4), u);
		n++;
	}
	stmt_done(st);
	assert_int_equal(n, 500);
	store_close(b);

	/* into a directory that does not exist: an error naming the path */
	snprintf(bad, sizeof bad, "%s/no/such/dir/backup.sqlite", f->dir);
	s = open_migrated(f, path, sizeof path);
	memset(&err, 0, sizeof err);
	assert_true(store_backup(s, bad, &err) < 0);
	assert_non_null(strstr(err.message, bad));
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrate_applies_then_is_idempotent),
		cmocka_unit_test(newer_schema_is_refused),
		cmocka_unit_test(open_missing_without_create_fails),
		cmocka_unit_test(open_non_database_fails_with_message),
		cmocka_unit_test(readonly_refuses_writes),
		cmocka_unit_test(wal_and_foreign_keys_are_on),
		cmocka_unit_test(bind_and_read_every_kind),
		cmocka_unit_test(prepare_returns_a_reset_statement),
		cmocka_unit_test(many_distinct_statements),
		cmocka_unit_test(constraint_violations),
		cmocka_unit_test(rollback_discards_commit_keeps),
		cmocka_unit_test(audit_log_is_append_only),
		cmocka_unit_test(backup_has_the_same_rows),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
