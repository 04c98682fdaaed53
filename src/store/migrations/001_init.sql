-- 001_init: organisations, people, accounts, sessions, tokens, settings, audit.
-- Written in the SQL that SQLite and PostgreSQL share. Times are UTC ISO-8601
-- text ('2026-11-23T15:04:05Z'); dates are 'YYYY-MM-DD'.

-- Regions: GB/T 2260 six-digit division codes, province > city > district.
CREATE TABLE regions (
	code        TEXT PRIMARY KEY CHECK (length(code) = 6),
	name        TEXT NOT NULL,
	level       TEXT NOT NULL CHECK (level IN ('province', 'city', 'district')),
	parent_code TEXT REFERENCES regions(code)
);

-- Centres: municipal ones carry a domain (000 art. 7), district/county ones
-- a region. A district centre's code is its division code.
CREATE TABLE centres (
	id          INTEGER PRIMARY KEY,
	code        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('municipal', 'district')),
	region_code TEXT NOT NULL REFERENCES regions(code),
	domain      TEXT CHECK (domain IS NULL OR domain IN
	              ('principals_special', 'vocational', 'private', 'remote',
	               'kindergarten', 'research')),
	CHECK ((kind = 'municipal') = (domain IS NOT NULL))
);

-- Schools: the ten-digit 学校标识码 never changes or is reused; the district
-- is a field of its own, the code does not hold it.
CREATE TABLE schools (
	id            INTEGER PRIMARY KEY,
	code          TEXT NOT NULL UNIQUE CHECK (length(code) = 10),
	name          TEXT NOT NULL,
	district_code TEXT NOT NULL REFERENCES regions(code),
	stage         TEXT NOT NULL CHECK (stage IN ('kindergarten', 'primary', 'junior',
	                'senior', 'complete', 'nine_year', 'vocational', 'special')),
	ownership     TEXT NOT NULL CHECK (ownership IN ('public', 'private')),
	status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'))
);
CREATE INDEX schools_district ON schools(district_code, stage);

-- Persons: teachers, principals, researchers, trainers. id_number is the
-- GB 11643-1999 number, upper-case; gender and birth date come from it.
CREATE TABLE persons (
	id            INTEGER PRIMARY KEY,
	id_number     TEXT NOT NULL UNIQUE CHECK (length(id_number) = 18),
	name          TEXT NOT NULL,
	gender        TEXT NOT NULL CHECK (gender IN ('male', 'female')),
	birth_date    TEXT NOT NULL,
	phone         TEXT,
	school_id     INTEGER REFERENCES schools(id),
	centre_id     INTEGER REFERENCES centres(id),
	role          TEXT NOT NULL CHECK (role IN ('teacher', 'principal', 'director',
	                'researcher', 'trainer')),
	subject       TEXT,
	title         TEXT NOT NULL DEFAULT 'none' CHECK (title IN ('full_senior', 'senior',
	                'first', 'second', 'third', 'none')),
	education     TEXT NOT NULL CHECK (education IN ('doctorate', 'master', 'bachelor',
	                'associate', 'lower')),
	key_level     TEXT NOT NULL DEFAULT 'none' CHECK (key_level IN ('none', 'school',
	                'district', 'city', 'province', 'nation')),
	special_grade INTEGER NOT NULL DEFAULT 0 CHECK (special_grade IN (0, 1)),
	service_start TEXT,
	status        TEXT NOT NULL DEFAULT 'serving' CHECK (status IN ('serving',
	                'transferred', 'retired', 'left'))
);
CREATE INDEX persons_school ON persons(school_id);
CREATE INDEX persons_centre ON persons(centre_id);

-- The alliance of municipal centres (000 art. 5-7).
CREATE TABLE alliances (
	id          INTEGER PRIMARY KEY,
	code        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	region_code TEXT NOT NULL REFERENCES regions(code)
);

-- 000 art. 6: one representative and one liaison per member; the chair
-- rotates yearly through the members in rotation_order.
CREATE TABLE alliance_members (
	alliance_id    INTEGER NOT NULL REFERENCES alliances(id),
	centre_id      INTEGER NOT NULL REFERENCES centres(id),
	rotation_order INTEGER NOT NULL,
	representative_person_id INTEGER REFERENCES persons(id),
	liaison_person_id        INTEGER REFERENCES persons(id),
	PRIMARY KEY (alliance_id, centre_id),
	UNIQUE (alliance_id, rotation_order)
);

-- 000 art. 6: the chair for a year; the secretariat sits at the chair's
-- centre, which nominates the secretary-general.
CREATE TABLE alliance_chairs (
	alliance_id INTEGER NOT NULL REFERENCES alliances(id),
	year        INTEGER NOT NULL,
	centre_id   INTEGER NOT NULL REFERENCES centres(id),
	chair_person_id     INTEGER REFERENCES persons(id),
	secretary_person_id INTEGER REFERENCES persons(id),
	PRIMARY KEY (alliance_id, year)
);

-- The roles of DOMAIN.md and which kind of scope each takes.
CREATE TABLE roles (
	code       TEXT PRIMARY KEY,
	scope_kind TEXT NOT NULL CHECK (scope_kind IN ('person', 'school', 'centre',
	             'alliance', 'region', 'none')),
	rank       INTEGER NOT NULL
);
INSERT INTO roles (code, scope_kind, rank) VALUES
	('teacher', 'person', 1),
	('school_admin', 'school', 2),
	('centre_admin', 'centre', 3),
	('alliance', 'alliance', 4),
	('evaluator', 'none', 5),
	('bureau', 'region', 6),
	('sysadmin', 'none', 7);

-- Accounts: one role and one scope each; a person with two jobs has two
-- accounts. password_hash is libsodium's Argon2id string.
CREATE TABLE accounts (
	id            INTEGER PRIMARY KEY,
	login         TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL,
	role          TEXT NOT NULL REFERENCES roles(code),
	scope         TEXT,
	person_id     INTEGER REFERENCES persons(id),
	password_hash TEXT,
	lang          TEXT NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en')),
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at    TEXT NOT NULL,
	password_changed_at TEXT
);
CREATE INDEX accounts_person ON accounts(person_id);

-- Browser sessions: the cookie holds a random 256-bit token, the table only
-- its hash, so a copy of the database signs nobody in.
CREATE TABLE sessions (
	id          INTEGER PRIMARY KEY,
	token_hash  BLOB NOT NULL UNIQUE,
	account_id  INTEGER NOT NULL REFERENCES accounts(id),
	created_at  TEXT NOT NULL,
	last_seen   TEXT NOT NULL,
	expires_at  TEXT NOT NULL,       -- the absolute limit
	revoked_at  TEXT,
	address     TEXT
);
CREATE INDEX sessions_account ON sessions(account_id);

-- API tokens, hashed like sessions, expiring and revocable.
CREATE TABLE api_tokens (
	id          INTEGER PRIMARY KEY,
	token_hash  BLOB NOT NULL UNIQUE,
	account_id  INTEGER NOT NULL REFERENCES accounts(id),
	prefix      TEXT NOT NULL,        -- first characters, to name it in lists
	created_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL,
	revoked_at  TEXT
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);

-- Sign-in attempts, for throttling (5 failures in 15 minutes).
CREATE TABLE login_attempts (
	id      INTEGER PRIMARY KEY,
	login   TEXT NOT NULL,
	address TEXT NOT NULL,
	at      TEXT NOT NULL,
	ok      INTEGER NOT NULL CHECK (ok IN (0, 1))
);
CREATE INDEX login_attempts_login ON login_attempts(login, at);
CREATE INDEX login_attempts_address ON login_attempts(address, at);

-- Installation settings, key = value text.
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- The audit log: append-only. Every change to accounts, people, hours and
-- decisions, and every reveal of an ID number, is a row here.
CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY,
	at         TEXT NOT NULL,
	account_id INTEGER,
	actor      TEXT NOT NULL,          -- login, or 'cli:<user>' for commands
	action     TEXT NOT NULL,          -- e.g. 'account.create'
	object     TEXT,                   -- e.g. 'account:wang'
	detail     TEXT,
	address    TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
