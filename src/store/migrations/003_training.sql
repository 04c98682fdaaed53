-- 003: training programmes, enrolment, attendance and the hours ledger
-- (issue 5).  Hours are integer tenths (DESIGN.md, "Hours"); dates
-- 'YYYY-MM-DD', times of day 'HH:MM', moments UTC ISO-8601 text.

-- Venues belong to a centre; a session's venue is never double-booked
-- (core/programme.c checks every overlapping session on the same day).
CREATE TABLE venues (
	id        INTEGER PRIMARY KEY,
	centre_id INTEGER NOT NULL REFERENCES centres(id),
	name      TEXT NOT NULL,
	seats     INTEGER CHECK (seats IS NULL OR seats > 0),
	address   TEXT,
	UNIQUE (centre_id, name)
);

-- A programme (培训项目) and its attributes (DOMAIN.md "Training and hours").
-- category: the kinds of training DOMAIN.md lists, plus Guangdong's credit
-- classes general/specialist/elective (公需/专业/选修) for provinces that
-- split the year by class, and 'other' for records from elsewhere.
CREATE TABLE programmes (
	id             INTEGER PRIMARY KEY,
	code           TEXT NOT NULL UNIQUE,
	title          TEXT NOT NULL,
	centre_id      INTEGER NOT NULL REFERENCES centres(id),  -- the organiser
	category       TEXT NOT NULL CHECK (category IN ('qualification', 'improvement',
	                 'advanced', 'thematic', 'whole_staff', 'key_teacher', 'new_teacher',
	                 'school_based', 'online', 'remote', 'it2', 'special_education',
	                 'counterpart', 'general', 'specialist', 'elective', 'other')),
	level          TEXT NOT NULL DEFAULT 'district' CHECK (level IN ('nation', 'province',
	                 'city', 'district', 'school')),
	mode           TEXT NOT NULL DEFAULT 'face_to_face' CHECK (mode IN ('face_to_face',
	                 'online', 'blended')),
	hours10        INTEGER NOT NULL CHECK (hours10 > 0),
	capacity       INTEGER NOT NULL CHECK (capacity > 0),
	enrol_open     TEXT NOT NULL,        -- first day of the enrolment window
	enrol_close    TEXT NOT NULL,        -- last day, inclusive
	status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published',
	                 'closed', 'cancelled', 'completed')),
	-- completion rule: the share of sessions attended (per cent) and, when
	-- the programme is examined, the pass mark of its score (0-100)
	attendance_min INTEGER NOT NULL DEFAULT 80 CHECK (attendance_min BETWEEN 0 AND 100),
	pass_mark      INTEGER CHECK (pass_mark IS NULL OR pass_mark BETWEEN 0 AND 100),
	-- minutes of lateness or early departure still counted as present
	tolerance_min  INTEGER NOT NULL DEFAULT 15 CHECK (tolerance_min BETWEEN 0 AND 240),
	-- 1 once the centre has returned unclaimed school quotas to the open pool
	quota_released INTEGER NOT NULL DEFAULT 0 CHECK (quota_released IN (0, 1)),
	description    TEXT,
	created_at     TEXT NOT NULL,
	created_by     TEXT NOT NULL,
	completed_at   TEXT,
	CHECK (enrol_open <= enrol_close)
);
CREATE INDEX programmes_centre ON programmes(centre_id, status);
CREATE INDEX programmes_status ON programmes(status, enrol_close);

-- Who a programme is for: for each kind listed, a person must match one of
-- its values; a kind not listed admits everyone.  role: persons.role;
-- stage: the school's stage; subject: persons.subject; region: a district
-- or city code the person's school lies in.
CREATE TABLE programme_audience (
	programme_id INTEGER NOT NULL REFERENCES programmes(id),
	kind         TEXT NOT NULL CHECK (kind IN ('role', 'stage', 'subject', 'region')),
	value        TEXT NOT NULL,
	PRIMARY KEY (programme_id, kind, value)
);

-- Sessions: a date, a time, a venue and a trainer (a person: centre staff
-- or an outside expert registered as a person).
CREATE TABLE programme_sessions (
	id           INTEGER PRIMARY KEY,
	programme_id INTEGER NOT NULL REFERENCES programmes(id),
	day          TEXT NOT NULL,
	starts       TEXT NOT NULL,          -- 'HH:MM'
	ends         TEXT NOT NULL,
	venue_id     INTEGER REFERENCES venues(id),
	trainer_id   INTEGER REFERENCES persons(id),
	topic        TEXT,
	CHECK (starts < ends)
);
CREATE INDEX programme_sessions_programme ON programme_sessions(programme_id, day, starts);
CREATE INDEX programme_sessions_venue ON programme_sessions(venue_id, day);
CREATE INDEX programme_sessions_trainer ON programme_sessions(trainer_id, day);

-- Places a programme reserves for a school (quotas as centres allot them).
CREATE TABLE programme_quotas (
	programme_id INTEGER NOT NULL REFERENCES programmes(id),
	school_id    INTEGER NOT NULL REFERENCES schools(id),
	places       INTEGER NOT NULL CHECK (places > 0),
	PRIMARY KEY (programme_id, school_id)
);

-- Enrolments: id is the order of arrival, which orders both the seated and
-- the waiting list.  A withdrawn row stays (who withdrew, when); enrolling
-- again is a new row at the back.  quota_school_id: the school whose
-- reserved place the seat uses, NULL for a seat of the open pool.
CREATE TABLE enrolments (
	id              INTEGER PRIMARY KEY,
	programme_id    INTEGER NOT NULL REFERENCES programmes(id),
	person_id       INTEGER NOT NULL REFERENCES persons(id),
	status          TEXT NOT NULL CHECK (status IN ('seated', 'waiting', 'withdrawn')),
	via             TEXT NOT NULL CHECK (via IN ('self', 'school', 'centre')),
	quota_school_id INTEGER REFERENCES schools(id),
	at              TEXT NOT NULL,       -- arrival
	seated_at       TEXT,
	promoted        INTEGER NOT NULL DEFAULT 0 CHECK (promoted IN (0, 1)), -- seated from the waiting list
	withdrawn_at    TEXT,
	score           INTEGER CHECK (score IS NULL OR score BETWEEN 0 AND 100),
	by_actor        TEXT NOT NULL
);
-- One person is enrolled at most once in a programme.
CREATE UNIQUE INDEX enrolments_once ON enrolments(programme_id, person_id)
	WHERE status <> 'withdrawn';
CREATE INDEX enrolments_programme ON enrolments(programme_id, status, id);
CREATE INDEX enrolments_person ON enrolments(person_id, status);

-- Attendance, one row per session and participant.  arrived/departed: the
-- check-in and check-out times of the QR code (NULL when marked on the
-- sheet or by a CSV).
CREATE TABLE attendance (
	session_id INTEGER NOT NULL REFERENCES programme_sessions(id),
	person_id  INTEGER NOT NULL REFERENCES persons(id),
	present    INTEGER NOT NULL CHECK (present IN (0, 1)),
	arrived    TEXT,
	departed   TEXT,
	source     TEXT NOT NULL CHECK (source IN ('sheet', 'csv', 'qr')),
	marked_at  TEXT NOT NULL,
	marked_by  TEXT NOT NULL,
	PRIMARY KEY (session_id, person_id)
);
CREATE INDEX attendance_person ON attendance(person_id);

-- The hours ledger (学时记录): append-only.  A correction is a reversing
-- entry (negative hours, reverses = the entry's id) that counts in the year
-- of the entry it reverses, so year is stored, not derived from day.
-- record_id is the external record number, unique: a programme's
-- completion writes 'P<programme id>-<person id>', so issuing twice is
-- impossible.  source: programme, recognition (recognised activity),
-- import, manual, transfer_in.
CREATE TABLE ledger (
	id           INTEGER PRIMARY KEY,
	record_id    TEXT NOT NULL UNIQUE,
	person_id    INTEGER NOT NULL REFERENCES persons(id),
	day          TEXT NOT NULL,
	year         INTEGER NOT NULL,
	hours10      INTEGER NOT NULL CHECK (hours10 <> 0),
	category     TEXT NOT NULL,
	source       TEXT NOT NULL CHECK (source IN ('programme', 'recognition', 'import',
	               'manual', 'transfer_in')),
	title        TEXT,
	issuer       TEXT,                   -- the organisation that issued the hours
	author       TEXT NOT NULL,          -- login, or 'cli:<user>'
	created_at   TEXT NOT NULL,
	reason       TEXT,                   -- required for manual entries and reversals
	reverses     INTEGER UNIQUE REFERENCES ledger(id),
	programme_id INTEGER REFERENCES programmes(id),
	CHECK ((reverses IS NULL) = (hours10 > 0))
);
-- A person's entries of a year, and (covering) the sums per category the
-- totals are built from after a bulk import (core/credits.c): a scan of
-- this index instead of a sort of the table, 0.2 s per million rows.
CREATE INDEX ledger_person ON ledger(person_id, year, category, hours10);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: correct with a reversing entry'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only: correct with a reversing entry'); END;

-- Totals per person, year and category, kept by the trigger below in the
-- same transaction as each entry, so no page or report rescans the ledger
-- (DESIGN.md: 0.45 s for a whole city's year, against 18 s through an
-- index).  A bulk import sets 'ledger.bulk_import' inside its transaction
-- and adds its rows' sums in one statement at the end (core/credits.c).
CREATE TABLE hours_totals (
	person_id INTEGER NOT NULL REFERENCES persons(id),
	year      INTEGER NOT NULL,
	category  TEXT NOT NULL,
	hours10   INTEGER NOT NULL,
	PRIMARY KEY (person_id, year, category)
) WITHOUT ROWID;
CREATE INDEX hours_totals_year ON hours_totals(year, person_id, hours10);
CREATE TRIGGER ledger_totals AFTER INSERT ON ledger
WHEN NOT EXISTS (SELECT 1 FROM settings WHERE key = 'ledger.bulk_import') BEGIN
	INSERT INTO hours_totals(person_id, year, category, hours10)
	VALUES (new.person_id, new.year, new.category, new.hours10)
	ON CONFLICT (person_id, year, category) DO UPDATE SET hours10 = hours10 + excluded.hours10;
END;

-- issue 5 anchor: programmes
-- issue 5 anchor: enrolment
-- issue 5 anchor: attendance
-- issue 5 anchor: ledger
-- issue 5 anchor: credits
