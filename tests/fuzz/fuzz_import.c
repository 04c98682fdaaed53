/* fuzz_import.c - libFuzzer target for the import path: any bytes as an
 * uploaded file, read by lib/sheet.c and checked row by row by
 * core/import.c against a real (temporary) database, as a dry run.
 *
 * The first byte picks schools or teachers; the rest is the file.  Besides
 * the sanitizers' findings it checks that a dry run never writes: the
 * number of persons and schools stays what it was. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/import.h"
#include "lib/sheet.h"
#include "store/store.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static struct store *db;

static const char SQL_COUNT[] =
	"SELECT (SELECT count(*) FROM persons) * 100000 + (SELECT count(*) FROM schools)"
	" + (SELECT count(*) FROM ledger) * 1000000000";
static const char SEED[] =
	"INSERT INTO regions VALUES ('440000', '广东省', 'province', NULL);"
	"INSERT INTO regions VALUES ('440100', '广州市', 'city', '440000');"
	"INSERT INTO regions VALUES ('440106', '天河区', 'district', '440100');"
	"INSERT INTO schools (code, name, district_code, stage, ownership)"
	" VALUES ('3444102077', '广州市第一中学', '440106', 'complete', 'public');";

static int64_t counts(void)
{
	struct stmt *st;
	int64_t n = -1;

	CHECK(store_prepare(db, SQL_COUNT, &st) == 0);
	if (stmt_step(st) == STORE_ROW)
		n = stmt_int(st, 0);
	stmt_done(st);
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[] = "/tmp/tdc_fuzz_import_XXXXXX";
	struct err e = { 0 };
	int applied = 0, fd = mkstemp(path);

	(void)argc;
	(void)argv;
	CHECK(fd >= 0);
	close(fd);
	unlink(path);
	CHECK(store_open(&db, path, STORE_CREATE, &e) == 0);
	unlink(path); /* the open connection keeps it; nothing left behind */
	CHECK(store_migrate(db, &applied, &e) == 0);
	CHECK(store_exec_script(db, SEED, &e) == 0);
	return 0;
}

static void ignore(void *ctx, bool error, const char *line)
{
	(void)ctx;
	(void)error;
	CHECK(line && strlen(line) < 64 * 1024);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet *sh = NULL;
	struct err e = { 0 };
	struct actor who = { 0, "fuzz", NULL };
	struct change_source src = { .who = &who, .source = "import:fuzz", .now = "2026-11-23T00:00:00Z" };
	struct import_result res;
	struct import_opts o = {
		.label = "fuzz.csv", .dry_run = true, .src = &src, .today = "2026-11-23",
		.message = ignore,
	};
	int64_t before;

	if (size < 1)
		return 0;
	/* .xls goes to FreeXL in a child process (sheet.c): too slow to fuzz,
	 * and not ours; tests/unit/test_sheet.c covers it */
	if (size >= 5 && !memcmp(data + 1, "\xD0\xCF\x11\xE0", 4))
		return 0;
	/* bits 0 and 2: schools, teachers or hours records (credits) */
	o.kind = data[0] & 4 ? IMPORT_CREDITS : data[0] & 1 ? IMPORT_SCHOOLS : IMPORT_TEACHERS;
	o.skip_bad = data[0] & 2;
	if (sheet_open_mem(data + 1, size - 1, &sh, &e) < 0)
		return 0;
	before = counts();
	import_run(db, sh, &o, &res, &e);
	sheet_close(sh);
	CHECK(counts() == before);
	CHECK(res.rows >= res.bad);
	return 0;
}
