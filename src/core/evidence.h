/* evidence.h - the files a teacher sends as evidence (学时认定 证明材料):
 * PDF, JPG or PNG, kept outside any served path under random names.
 *
 * API:
 * evidence_sniff() names a file's type from its first bytes, never from
 *   its name or the type the browser claims.
 * evidence_check() applies the rules to one file: a known type, not empty,
 *   at most EVIDENCE_MAX_BYTES.
 * evidence_write() stores the bytes under a new random name (32 hex
 *   characters from libsodium) in dir, created 0700 when absent: written
 *   to a temporary file, synced, then renamed, so a reader never sees half
 *   a file; it gives back the name and the SHA-256 of the content.
 * evidence_remove() deletes a stored file (a failed application's).
 * evidence_read() reads a stored file back, for a reviewer's download.
 *
 * Stored names are checked (hex only) before any path is made from them:
 * nothing a user sends becomes part of a path. */
#ifndef TDC_EVIDENCE_H
#define TDC_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"
#include "lib/err.h"

enum {
	EVIDENCE_MAX_BYTES = 10 * 1024 * 1024, /* issue 6 §6: "up to 10 MB each" */
	EVIDENCE_NAME_LEN = 32,                /* hex characters of a stored name */
	EVIDENCE_SHA256_LEN = 64,
};

/* "application/pdf", "image/jpeg", "image/png", or NULL for anything else. */
const char *evidence_sniff(const void *data, size_t len);
/* The usual extension of a sniffed type: "pdf", "jpg", "png" ("bin" else). */
const char *evidence_extension(const char *mime);

/* 0 and *mime, or -1 with err: ERR_INVALID, field "file_type" (not PDF,
 * JPG or PNG by content), "file_size" (more than EVIDENCE_MAX_BYTES) or
 * "file_empty". */
int evidence_check(const void *data, size_t len, const char **mime, struct err *err);

/* 0, with name (EVIDENCE_NAME_LEN + 1) and sha256 (EVIDENCE_SHA256_LEN + 1)
 * filled; -1 with err (ERR_IO) and nothing left behind. */
int evidence_write(const char *dir, const void *data, size_t len, char *name, char *sha256,
		   struct err *err);
/* 0, or -1 when the name is not one of ours or the file cannot be removed. */
int evidence_remove(const char *dir, const char *name);
/* 0 with the bytes in the arena, -1 with err: ERR_NOT_FOUND (no such file),
 * ERR_INVALID (not a stored name), ERR_IO. */
int evidence_read(const char *dir, const char *name, struct arena *a, const unsigned char **data,
		  size_t *len, struct err *err);
/* Is name one evidence_write() could have made? */
bool evidence_name_valid(const char *name);

#endif
