/* store.h - the only database API.  Nothing outside src/store/ includes a
 * database header; core/ writes its SQL as constant strings in the subset
 * SQLite and PostgreSQL share and runs it through these calls.
 *
 * API:
 * store_open() opens (creating if asked) a database and sets it up: for
 *   SQLite, WAL, foreign keys and a busy timeout.  One struct store is one
 *   connection, used by one thread at a time.
 * store_begin()/store_commit()/store_rollback() bracket a transaction.
 *   STORE_WRITE takes the write lock at the start (SQLite BEGIN IMMEDIATE),
 *   so a read-then-write transaction never fails half way with BUSY.
 * store_prepare() returns a statement for a constant SQL string.  Statements
 *   are cached per connection by the string's address, so the SQL must be a
 *   string literal (or otherwise outlive the connection).  Placeholders are
 *   '?', numbered from 1 in order; a PostgreSQL backend rewrites them to $n.
 * stmt_bind_*() bind values: 64-bit integers, text, blobs, NULL.
 * stmt_step() returns STORE_ROW with a row to read, STORE_DONE at the end,
 *   or a negative STORE_E* error.  stmt_int()/stmt_text()... read columns.
 * stmt_done() resets a statement for its next use; call it once you have
 *   read what you need (the cached statement is otherwise held open).
 * store_exec_script() runs several statements at once (migrations only).
 *
 * Errors: negative codes; STORE_ECONSTRAINT is a unique/foreign-key/check
 * violation, which callers turn into "already exists" or a field error. */
#ifndef TDC_STORE_H
#define TDC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

struct store;
struct stmt;

enum {
	STORE_OK = 0,
	STORE_ROW = 1,
	STORE_DONE = 2,
	STORE_ERROR = -1,
	STORE_ECONSTRAINT = -2,
	STORE_EBUSY = -3,
	STORE_ENOTFOUND = -4, /* store_get_* found no row */
};

enum store_open_flags {
	STORE_CREATE = 1 << 0,   /* create the file when absent */
	STORE_READONLY = 1 << 1,
};

enum store_tx { STORE_READ, STORE_WRITE };

int store_open(struct store **out, const char *path, int flags, struct err *err);
void store_close(struct store *s);
const char *store_path(const struct store *s);
const char *store_errmsg(struct store *s);
/* Has a wait for another connection's lock run out (the busy timeout)
 * since the last call?  Asking clears it. */
bool store_busy(struct store *s);

int store_begin(struct store *s, enum store_tx mode);
int store_commit(struct store *s);
int store_rollback(struct store *s);
bool store_in_transaction(struct store *s);

int store_exec_script(struct store *s, const char *sql, struct err *err);
/* Foreign-key enforcement of this connection, on by default.  Off only
 * around a bulk load that checks every reference itself (core/credits.c),
 * and only outside a transaction (SQLite ignores it inside one). */
int store_foreign_keys(struct store *s, bool on);

int store_prepare(struct store *s, const char *sql, struct stmt **out);
/* For SQL joined at run time from constant fragments (never from input):
 * cached by text.  Values are still bound, never pasted in. */
int store_prepare_built(struct store *s, const char *sql, struct stmt **out);
int stmt_bind_int(struct stmt *st, int idx, int64_t v);
int stmt_bind_text(struct stmt *st, int idx, const char *v); /* NULL binds NULL */
int stmt_bind_blob(struct stmt *st, int idx, const void *v, size_t len);
int stmt_bind_null(struct stmt *st, int idx);
int stmt_step(struct stmt *st);
void stmt_done(struct stmt *st);

int stmt_columns(struct stmt *st);
bool stmt_is_null(struct stmt *st, int col);
int64_t stmt_int(struct stmt *st, int col);
const char *stmt_text(struct stmt *st, int col); /* valid until the next step; "" for NULL */
const void *stmt_blob(struct stmt *st, int col, size_t *len);

/* Run a statement that returns no rows (INSERT/UPDATE/DELETE); binds are
 * applied by the caller before.  Returns STORE_OK or a negative error. */
int stmt_run(struct stmt *st);

int64_t store_last_insert_id(struct store *s);
int64_t store_changes(struct store *s);

/* A consistent copy of the whole database while others may be writing. */
int store_backup(struct store *s, const char *to_path, struct err *err);

/* Migrations (migrate.c): apply the numbered migrations compiled into the
 * binary; store_schema_check() refuses a database newer than the binary. */
int store_migrate(struct store *s, int *applied, struct err *err);
int store_schema_version(struct store *s, int *version);
int store_schema_latest(void);
int store_schema_check(struct store *s, struct err *err);

#endif
