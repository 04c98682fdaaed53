-- 004_assessment.sql: the yearly training assessment, yearly appraisals and
-- events, teacher-qualification re-registration, and recognition of
-- activities (issue 6; DOMAIN.md "Yearly training assessment", "Five-year
-- cycle", "Yearly appraisal", "Teacher-qualification periodic registration",
-- "Recognition").

-- Results of `tdc assess --year Y` (002 §4(1)): one row per assessed person
-- and year, replaced when the assessment is run again (late entries).
-- hours10: the hours dated in the year, a reversal counting in the year of
-- the entry it reverses (the ledger stores it so).  short_categories: when
-- category minimums are set, the categories short, "general:12.0;elective:3.5".
CREATE TABLE assessments (
	person_id        INTEGER NOT NULL REFERENCES persons(id),
	year             INTEGER NOT NULL,
	hours10          INTEGER NOT NULL,
	required10       INTEGER NOT NULL,
	passed           INTEGER NOT NULL CHECK (passed IN (0, 1)),
	short_categories TEXT,
	assessed_at      TEXT NOT NULL,
	PRIMARY KEY (person_id, year)
) WITHOUT ROWID;
CREATE INDEX assessments_year ON assessments(year, passed, person_id);

-- The yearly appraisal (年度考核) a school gives (人社部发〔2023〕6号 art. 10,
-- 37, 41): one result per person and year; a corrected result replaces the
-- old one, and the change is in the audit log.
CREATE TABLE appraisals (
	person_id  INTEGER NOT NULL REFERENCES persons(id),
	year       INTEGER NOT NULL CHECK (year BETWEEN 1950 AND 2200),
	result     TEXT NOT NULL CHECK (result IN ('excellent', 'qualified', 'basic',
	             'unqualified', 'none')),
	entered_by TEXT NOT NULL,
	entered_at TEXT NOT NULL,
	PRIMARY KEY (person_id, year)
) WITHOUT ROWID;

-- Events that bear on re-registration (教师〔2013〕9号): an ethics
-- violation, a suspension of teaching, approved leave (study, training,
-- sick or maternity leave: never counted as suspension), a revocation of
-- the qualification.  end_date is inclusive; NULL for ethics and
-- revocation, required for the others.  One event per person, kind and
-- start date: importing it again changes its end and note.
CREATE TABLE person_events (
	id         INTEGER PRIMARY KEY,
	person_id  INTEGER NOT NULL REFERENCES persons(id),
	kind       TEXT NOT NULL CHECK (kind IN ('ethics', 'suspension', 'approved_leave',
	             'revocation')),
	start_date TEXT NOT NULL,
	end_date   TEXT,
	note       TEXT NOT NULL DEFAULT '',
	entered_by TEXT NOT NULL,
	entered_at TEXT NOT NULL,
	UNIQUE (person_id, kind, start_date),
	CHECK ((kind IN ('ethics', 'revocation')) = (end_date IS NULL)),
	CHECK (end_date IS NULL OR end_date >= start_date)
);

-- Re-registration applications (定期注册, 002 §4(2)): the teacher applies,
-- her school agrees or returns it with a comment, the district centre
-- decides; the decision is posted publicly (公示) to the school's staff from
-- posted_at for 7 days and is final after that.  A returned or deferred
-- teacher applies again: a new row, so the history stays.  At most one
-- application per person and cycle is under way at a time.
--   state: applied -> agreed -> decided; applied -> returned;
--          withdrawn by the teacher before a decision.
--   outcome, reasons, hours10, required10: as the rules gave them when it
--   was decided (reasons: codes joined with ';').
CREATE TABLE registration_applications (
	id             INTEGER PRIMARY KEY,
	person_id      INTEGER NOT NULL REFERENCES persons(id),
	cycle_start    INTEGER NOT NULL,
	state          TEXT NOT NULL CHECK (state IN ('applied', 'agreed', 'returned',
	                 'decided', 'withdrawn')),
	applied_at     TEXT NOT NULL,
	statement      TEXT NOT NULL DEFAULT '',
	school_by      TEXT,
	school_at      TEXT,
	school_comment TEXT,
	decided_by     TEXT,
	decided_at     TEXT,
	outcome        TEXT CHECK (outcome IN ('qualified', 'deferred', 'refused')),
	reasons        TEXT,
	hours10        INTEGER,
	required10     INTEGER,
	decision_note  TEXT,
	posted_at      TEXT,                 -- YYYY-MM-DD: the 公示 starts
	batch_id       INTEGER               -- decided by a batch job
);
CREATE INDEX registration_applications_person ON registration_applications(person_id, cycle_start, id);
CREATE INDEX registration_applications_state ON registration_applications(state, cycle_start);
CREATE UNIQUE INDEX registration_applications_open
	ON registration_applications(person_id, cycle_start) WHERE state IN ('applied', 'agreed');

-- A district centre's decision on all agreed, qualified applications of its
-- region at once: a background job with progress (DESIGN.md "Long work").
CREATE TABLE registration_batches (
	id          INTEGER PRIMARY KEY,
	cycle_start INTEGER NOT NULL,
	scope       TEXT NOT NULL,           -- the deciding centre's region
	account_id  INTEGER REFERENCES accounts(id),
	actor       TEXT NOT NULL,
	state       TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
	progress    INTEGER NOT NULL DEFAULT 0,   -- per mille
	total       INTEGER NOT NULL DEFAULT 0,
	decided     INTEGER NOT NULL DEFAULT 0,
	skipped     INTEGER NOT NULL DEFAULT 0,   -- no longer qualified: left for one by one
	message     TEXT,
	created_at  TEXT NOT NULL,
	beat_at     TEXT,                    -- the running batch's last progress: a batch
	                                     -- silent for a minute was stopped under it
	finished_at TEXT
);

-- Recognition of activities (学时认定): the rules a region sets, each kind
-- with hours per item and a yearly cap per person.
CREATE TABLE recognition_rules (
	id            INTEGER PRIMARY KEY,
	region_code   TEXT NOT NULL REFERENCES regions(code),
	kind          TEXT NOT NULL CHECK (kind IN ('research', 'publication', 'open_lesson',
	                'lecture', 'studio', 'degree', 'mentoring')),
	hours10       INTEGER NOT NULL CHECK (hours10 > 0),     -- per item
	cap10         INTEGER NOT NULL CHECK (cap10 > 0),       -- per person and year
	category      TEXT NOT NULL DEFAULT 'other',
	active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	updated_by    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	UNIQUE (region_code, kind)
);

-- A teacher's application: school then centre approve or return it.  On
-- approval the ledger gets entry 'A<id>' of source 'recognition', dated
-- activity_date; hours beyond the rule's yearly cap are refused.
CREATE TABLE recognitions (
	id             INTEGER PRIMARY KEY,
	person_id      INTEGER NOT NULL REFERENCES persons(id),
	rule_id        INTEGER NOT NULL REFERENCES recognition_rules(id),
	activity_date  TEXT NOT NULL,
	items          INTEGER NOT NULL CHECK (items > 0),
	hours10        INTEGER NOT NULL CHECK (hours10 > 0),
	title          TEXT NOT NULL,
	description    TEXT NOT NULL DEFAULT '',
	state          TEXT NOT NULL CHECK (state IN ('applied', 'school_approved', 'approved',
	                 'returned', 'withdrawn')),
	applied_at     TEXT NOT NULL,
	school_by      TEXT,
	school_at      TEXT,
	school_comment TEXT,
	centre_by      TEXT,
	centre_at      TEXT,
	centre_comment TEXT,
	record_id      TEXT                  -- the ledger entry, once approved
);
CREATE INDEX recognitions_person ON recognitions(person_id, id);
CREATE INDEX recognitions_state ON recognitions(state, id);

-- Evidence: PDF, JPG or PNG up to 10 MB, the type checked from the content,
-- stored outside any served path under a random name.
CREATE TABLE recognition_files (
	id             INTEGER PRIMARY KEY,
	recognition_id INTEGER NOT NULL REFERENCES recognitions(id),
	stored_name    TEXT NOT NULL UNIQUE,
	original_name  TEXT NOT NULL,
	mime           TEXT NOT NULL CHECK (mime IN ('application/pdf', 'image/jpeg', 'image/png')),
	bytes          INTEGER NOT NULL CHECK (bytes > 0 AND bytes <= 10485760),
	sha256         TEXT NOT NULL,
	uploaded_at    TEXT NOT NULL
);
CREATE INDEX recognition_files_recognition ON recognition_files(recognition_id);

-- issue 6 anchor: settings
-- issue 6 anchor: assessment
-- issue 6 anchor: appraisals
-- issue 6 anchor: registration
-- issue 6 anchor: recognition
-- issue 6 anchor: reports
