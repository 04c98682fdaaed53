/* sqlite.c - the SQLite backend of store.h.
 *
 * Each connection keeps its prepared statements in a small open-addressing
 * table keyed by the SQL string's address: handlers run the same few
 * constant statements thousands of times a second, and preparing is several
 * times dearer than running a point query. */
#include "store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A writer waits this long for another's write lock: an import of 100,000
 * rows holds it about 3 s (docs/import.md). */
enum { STMT_CACHE = 1024, BUSY_TIMEOUT_MS = 10000 };

struct stmt {
	struct store *store;
	sqlite3_stmt *raw;
	const char *sql;
	bool owned;     /* sql is our copy (store_prepare_built) */
};

struct store {
	sqlite3 *db;
	char *path;
	struct stmt cache[STMT_CACHE];
	int ncached;
	bool in_tx;
	bool busy;              /* a lock wait ran out since store_busy() last said so */
	struct timespec wait_start;
};

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK: return STORE_OK;
	case SQLITE_ROW: return STORE_ROW;
	case SQLITE_DONE: return STORE_DONE;
	case SQLITE_CONSTRAINT: return STORE_ECONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return STORE_EBUSY;
	default: return STORE_ERROR;
	}
}

/* sqlite3_busy_timeout()'s waiting, but remembering when it gave up, so
 * the web can answer "busy, try again" (503) rather than fail (500). */
static int on_busy(void *arg, int count)
{
	struct store *s = arg;
	struct timespec now;
	long waited_ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		s->wait_start = now;
	waited_ms = (now.tv_sec - s->wait_start.tv_sec) * 1000 +
		    (now.tv_nsec - s->wait_start.tv_nsec) / 1000000;
	if (waited_ms >= BUSY_TIMEOUT_MS) {
		s->busy = true;
		return 0;
	}
	sqlite3_sleep(count < 10 ? 1 + count : 20);
	return 1;
}

/* Before any other call into SQLite: without the memory statistics every
 * malloc and free in SQLite skips a process-wide mutex, which a bulk
 * import (millions of statements) and a busy server both feel. */
static void store_init_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

int store_open(struct store **out, const char *path, int flags, struct err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct store *s = calloc(1, sizeof *s);
	int oflags = SQLITE_OPEN_NOMUTEX;
	char *errmsg = NULL;

	*out = NULL;
	pthread_once(&once, store_init_once);
	if (!s) {
		err_set(err, ERR_INTERNAL, "out of memory");
		return STORE_ERROR;
	}
	oflags |= (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
		err_set(err, ERR_IO, "cannot open database '%s': %s", path,
			s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	s->path = strdup(path);
	sqlite3_busy_handler(s->db, on_busy, s);
	sqlite3_extended_result_codes(s->db, 1);
	/* WAL: readers never block the writer; NORMAL sync is crash-safe in
	 * WAL mode (a power cut may lose the last commits, never corrupt). */
	if (sqlite3_exec(s->db,
			 "PRAGMA foreign_keys = ON;"
			 "PRAGMA synchronous = NORMAL;"
			 "PRAGMA temp_store = MEMORY;"
			 "PRAGMA cache_size = -65536;",
			 NULL, NULL, &errmsg) != SQLITE_OK)
		goto fail_msg;
	if (!(flags & STORE_READONLY) &&
	    sqlite3_exec(s->db, "PRAGMA journal_mode = WAL;", NULL, NULL, &errmsg) != SQLITE_OK)
		goto fail_msg;
	/* a file that is not a database shows here, not at the first query */
	if (sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master;", NULL, NULL, &errmsg) != SQLITE_OK)
		goto fail_msg;
	*out = s;
	return STORE_OK;
fail_msg:
	err_set(err, ERR_IO, "cannot use database '%s': %s", path, errmsg ? errmsg : "unknown error");
	sqlite3_free(errmsg);
fail:
	store_close(s);
	return STORE_ERROR;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		if (s->cache[i].owned)
			free((char *)s->cache[i].sql);
	for (int i = 0; i < STMT_CACHE; i++)
		if (s->cache[i].raw)
			sqlite3_finalize(s->cache[i].raw);
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s) { return s->path; }
const char *store_errmsg(struct store *s) { return sqlite3_errmsg(s->db); }

bool store_busy(struct store *s)
{
	bool was = s && s->busy;

	if (s)
		s->busy = false;
	return was;
}

int store_begin(struct store *s, enum store_tx mode)
{
	int rc = sqlite3_exec(s->db, mode == STORE_WRITE ? "BEGIN IMMEDIATE" : "BEGIN",
			      NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		s->in_tx = true;
	return map_rc(rc);
}

int store_commit(struct store *s)
{
	int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		s->in_tx = false;
	return map_rc(rc);
}

int store_rollback(struct store *s)
{
	if (!s->in_tx)
		return STORE_OK;
	s->in_tx = false;
	if (sqlite3_get_autocommit(s->db))
		return STORE_OK; /* SQLite already rolled back after an error */
	return map_rc(sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL));
}

bool store_in_transaction(struct store *s) { return s->in_tx; }

int store_exec_script(struct store *s, const char *sql, struct err *err)
{
	char *errmsg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &errmsg);

	if (rc != SQLITE_OK) {
		err_set(err, ERR_IO, "database error: %s", errmsg ? errmsg : sqlite3_errstr(rc));
		sqlite3_free(errmsg);
	}
	return map_rc(rc);
}

int store_foreign_keys(struct store *s, bool on)
{
	return map_rc(sqlite3_exec(s->db, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF",
				   NULL, NULL, NULL));
}

int store_prepare(struct store *s, const char *sql, struct stmt **out)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;

	for (int probe = 0; probe < STMT_CACHE; probe++, h = (h + 1) % STMT_CACHE) {
		struct stmt *st = &s->cache[h];

		if (st->sql == sql) {
			sqlite3_reset(st->raw);
			sqlite3_clear_bindings(st->raw);
			*out = st;
			return STORE_OK;
		}
		if (!st->sql) {
			int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
						    &st->raw, NULL);
			if (rc != SQLITE_OK) {
				fprintf(stderr, "tdc: cannot prepare SQL: %s\n%s\n",
					sqlite3_errmsg(s->db), sql);
				return map_rc(rc) == STORE_EBUSY ? STORE_EBUSY : STORE_ERROR;
			}
			st->sql = sql;
			st->store = s;
			s->ncached++;
			*out = st;
			return STORE_OK;
		}
	}
	/* The cache is sized far above the statements the program has (every
	 * one a constant); getting here means SQL built at run time, which we
	 * do not do. */
	fprintf(stderr, "tdc: statement cache full\n");
	return STORE_ERROR;
}

/* SQL put together at run time from constant fragments (a list page's
 * filters): cached by its text, so each combination is prepared once. */
int store_prepare_built(struct store *s, const char *sql, struct stmt **out)
{
	size_t h = 5381;

	for (const char *c = sql; *c; c++)
		h = h * 33 + (unsigned char)*c;
	h %= STMT_CACHE;
	for (int probe = 0; probe < STMT_CACHE; probe++, h = (h + 1) % STMT_CACHE) {
		struct stmt *st = &s->cache[h];

		if (st->owned && !strcmp(st->sql, sql)) {
			sqlite3_reset(st->raw);
			sqlite3_clear_bindings(st->raw);
			*out = st;
			return STORE_OK;
		}
		if (!st->sql) {
			char *copy;
			int rc;

			if (s->ncached > STMT_CACHE * 3 / 4)
				break;
			if (!(copy = strdup(sql)))
				return STORE_ERROR;
			rc = sqlite3_prepare_v3(s->db, copy, -1, SQLITE_PREPARE_PERSISTENT, &st->raw, NULL);
			if (rc != SQLITE_OK) {
				fprintf(stderr, "tdc: cannot prepare SQL: %s\n%s\n",
					sqlite3_errmsg(s->db), sql);
				free(copy);
				return map_rc(rc) == STORE_EBUSY ? STORE_EBUSY : STORE_ERROR;
			}
			st->sql = copy;
			st->owned = true;
			st->store = s;
			s->ncached++;
			*out = st;
			return STORE_OK;
		}
	}
	fprintf(stderr, "tdc: statement cache full\n");
	return STORE_ERROR;
}

int stmt_bind_int(struct stmt *st, int idx, int64_t v)
{
	return map_rc(sqlite3_bind_int64(st->raw, idx, v));
}

int stmt_bind_text(struct stmt *st, int idx, const char *v)
{
	if (!v)
		return map_rc(sqlite3_bind_null(st->raw, idx));
	return map_rc(sqlite3_bind_text(st->raw, idx, v, -1, SQLITE_TRANSIENT));
}

int stmt_bind_blob(struct stmt *st, int idx, const void *v, size_t len)
{
	return map_rc(sqlite3_bind_blob64(st->raw, idx, v, len, SQLITE_TRANSIENT));
}

int stmt_bind_null(struct stmt *st, int idx)
{
	return map_rc(sqlite3_bind_null(st->raw, idx));
}

int stmt_step(struct stmt *st)
{
	int rc = map_rc(sqlite3_step(st->raw));

	if (rc < 0 && rc != STORE_ECONSTRAINT)
		fprintf(stderr, "tdc: database error: %s\n", sqlite3_errmsg(st->store->db));
	return rc;
}

void stmt_done(struct stmt *st)
{
	if (st) {
		sqlite3_reset(st->raw);
		sqlite3_clear_bindings(st->raw);
	}
}

int stmt_run(struct stmt *st)
{
	int rc = stmt_step(st);

	stmt_done(st);
	if (rc == STORE_DONE || rc == STORE_ROW)
		return STORE_OK;
	return rc;
}

int stmt_columns(struct stmt *st) { return sqlite3_column_count(st->raw); }
bool stmt_is_null(struct stmt *st, int col) { return sqlite3_column_type(st->raw, col) == SQLITE_NULL; }
int64_t stmt_int(struct stmt *st, int col) { return sqlite3_column_int64(st->raw, col); }

const char *stmt_text(struct stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st->raw, col);

	return t ? (const char *)t : "";
}

const void *stmt_blob(struct stmt *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(st->raw, col);

	*len = (size_t)sqlite3_column_bytes(st->raw, col);
	return p;
}

int64_t store_last_insert_id(struct store *s) { return sqlite3_last_insert_rowid(s->db); }
int64_t store_changes(struct store *s) { return sqlite3_changes64(s->db); }

int store_backup(struct store *s, const char *to_path, struct err *err)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open_v2(to_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		err_set(err, ERR_IO, "cannot create '%s': %s", to_path,
			dst ? sqlite3_errmsg(dst) : "out of memory");
		sqlite3_close(dst);
		return STORE_ERROR;
	}
	b = sqlite3_backup_init(dst, "main", s->db, "main");
	if (!b) {
		err_set(err, ERR_IO, "cannot back up to '%s': %s", to_path, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return STORE_ERROR;
	}
	/* Copy in steps so writers are not held off for the whole copy; a write
	 * by another connection restarts the copy, which is what keeps it
	 * consistent. */
	do {
		rc = sqlite3_backup_step(b, 1024);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		err_set(err, ERR_IO, "backup to '%s' failed: %s", to_path, sqlite3_errstr(rc));
		sqlite3_close(dst);
		return STORE_ERROR;
	}
	/* the copy is a standalone file: no WAL beside it */
	sqlite3_exec(dst, "PRAGMA journal_mode = DELETE;", NULL, NULL, NULL);
	sqlite3_close(dst);
	return STORE_OK;
}
