-- 002: the registry's history, search, teacher activation codes and import
-- jobs (issue 4).

-- What changed on a person, one row per attribute: school moves (transfers),
-- title, key level, status and the rest.  Records such as hours follow the
-- person (persons.id), never the school, so a transfer loses nothing.
CREATE TABLE person_history (
	id        INTEGER PRIMARY KEY,
	person_id INTEGER NOT NULL REFERENCES persons(id),
	at        TEXT NOT NULL,
	field     TEXT NOT NULL,            -- 'school', 'title', 'status', 'created' ...
	old_value TEXT,
	new_value TEXT,
	actor     TEXT NOT NULL,            -- login, or 'cli:<user>'
	source    TEXT NOT NULL             -- 'form', 'api', 'import:<file>'
);
CREATE INDEX person_history_person ON person_history(person_id, id);

CREATE TABLE school_history (
	id        INTEGER PRIMARY KEY,
	school_id INTEGER NOT NULL REFERENCES schools(id),
	at        TEXT NOT NULL,
	field     TEXT NOT NULL,
	old_value TEXT,
	new_value TEXT,
	actor     TEXT NOT NULL,
	source    TEXT NOT NULL
);
CREATE INDEX school_history_school ON school_history(school_id, id);

-- Names have no spaces to split on: the trigram tokenizer gives substring
-- search (DESIGN.md, "search").  SQLite-only; queries shorter than three
-- characters scan instead.
CREATE VIRTUAL TABLE persons_fts USING fts5(name, content='persons', content_rowid='id',
	tokenize='trigram');
INSERT INTO persons_fts(rowid, name) SELECT id, name FROM persons;
-- A bulk import sets 'registry.bulk_import' inside its transaction and
-- indexes its new rows in one statement at the end: row by row, the index
-- would cost more than the rest of the import (core/import.c).
CREATE TRIGGER persons_fts_insert AFTER INSERT ON persons
WHEN NOT EXISTS (SELECT 1 FROM settings WHERE key = 'registry.bulk_import') BEGIN
	INSERT INTO persons_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER persons_fts_delete AFTER DELETE ON persons BEGIN
	INSERT INTO persons_fts(persons_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER persons_fts_update AFTER UPDATE OF name ON persons BEGIN
	INSERT INTO persons_fts(persons_fts, rowid, name) VALUES ('delete', old.id, old.name);
	INSERT INTO persons_fts(rowid, name) VALUES (new.id, new.name);
END;
CREATE INDEX persons_status ON persons(status, school_id);

-- One-time activation codes for teachers' first sign-in: stored as a
-- BLAKE2b hash, 30 days; issuing a new code for a person ends the old one.
CREATE TABLE activation_codes (
	id         INTEGER PRIMARY KEY,
	person_id  INTEGER NOT NULL REFERENCES persons(id),
	code_hash  BLOB NOT NULL UNIQUE,
	issued_at  TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT,
	issued_by  TEXT NOT NULL
);
CREATE INDEX activation_codes_person ON activation_codes(person_id);

-- Imports through the web page run as background jobs; the uploaded file is
-- kept here until the job ends, so a job survives a page reload.
CREATE TABLE import_jobs (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN ('schools', 'teachers')),
	file_name   TEXT NOT NULL,
	file_kind   TEXT,
	content     BLOB,
	account_id  INTEGER REFERENCES accounts(id),
	actor       TEXT NOT NULL,
	scope       TEXT,                   -- the uploader's scope, re-checked per row
	state       TEXT NOT NULL CHECK (state IN ('checking', 'checked', 'running',
	              'done', 'failed')),
	skip_bad    INTEGER NOT NULL DEFAULT 0 CHECK (skip_bad IN (0, 1)),
	progress    INTEGER NOT NULL DEFAULT 0,   -- per mille
	rows_total  INTEGER NOT NULL DEFAULT 0,
	rows_bad    INTEGER NOT NULL DEFAULT 0,
	inserted    INTEGER NOT NULL DEFAULT 0,
	updated     INTEGER NOT NULL DEFAULT 0,
	unchanged   INTEGER NOT NULL DEFAULT 0,
	report      TEXT,                   -- warnings and bad rows, one per line
	preview     TEXT,                   -- JSON: the first rows as read
	rejects     BLOB,                   -- skip_bad: the bad rows as CSV, to fix
	message     TEXT,
	created_at  TEXT NOT NULL,
	finished_at TEXT
);
