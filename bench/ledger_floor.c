/* ledger_floor.c - the floor `tdc import credits` is held against: the
 * same CSV rows put into a table of the ledger's columns with one prepared
 * INSERT each, in one transaction, by a program that checks nothing, looks
 * nothing up, keeps no index and no totals.  The person is the row's
 * number in the file, so no lookup is needed.
 *
 * usage: ledger_floor DB FILE.csv   (prints the rows inserted) */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	FILE *f;
	char line[4096];
	long n = 0;

	if (argc != 3 || !(f = fopen(argv[2], "r"))) {
		fprintf(stderr, "usage: ledger_floor DB FILE.csv\n");
		return 2;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
			 "PRAGMA cache_size = -262144;"
			 "CREATE TABLE ledger (id INTEGER PRIMARY KEY, record_id TEXT, person_id INTEGER,"
			 " day TEXT, year INTEGER, hours10 INTEGER, category TEXT, source TEXT,"
			 " title TEXT, issuer TEXT, author TEXT, created_at TEXT);"
			 "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO ledger (record_id, person_id, day, year, hours10,"
			       " category, source, title, issuer, author, created_at)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 'floor', '2026-01-01T00:00:00Z')",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "ledger_floor: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	if (!fgets(line, sizeof line, f)) /* the header */
		return 1;
	while (fgets(line, sizeof line, f)) {
		char *cell[7], *p = line;
		int k = 0;

		line[strcspn(line, "\r\n")] = '\0';
		while (k < 7 && p) {
			cell[k++] = p;
			if ((p = strchr(p, ',')))
				*p++ = '\0';
		}
		if (k < 7)
			continue;
		sqlite3_bind_text(st, 1, cell[6], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, n + 1);
		sqlite3_bind_text(st, 3, cell[1], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, atoi(cell[1]));
		sqlite3_bind_int(st, 5, (int)(atof(cell[2]) * 10 + 0.5));
		sqlite3_bind_text(st, 6, cell[3], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, cell[5], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, cell[4], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "ledger_floor: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
		n++;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "ledger_floor: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	fclose(f);
	printf("%ld\n", n);
	return 0;
}
