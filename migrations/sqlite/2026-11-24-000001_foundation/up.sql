-- Foundation: reference data tables, persons, determinations, cases, arrivals, idempotency, audit.
-- Ids are TEXT (UUID v7 generated in Rust); times are TIMESTAMP in UTC set from Rust, never DB defaults.

CREATE TABLE cris (
    code TEXT PRIMARY KEY,
    name_fr TEXT NOT NULL,
    seat_city TEXT NOT NULL,
    website TEXT NOT NULL,
    territory TEXT NOT NULL
);

CREATE TABLE communes (
    nis_code TEXT PRIMARY KEY,
    name_fr TEXT NOT NULL,
    name_nl TEXT NOT NULL,
    name_de TEXT NOT NULL,
    arrondissement_nis TEXT NOT NULL,
    province_nis TEXT NOT NULL,
    language_region TEXT NOT NULL CHECK (language_region IN ('fr', 'de')),
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL
);

-- The competent CRI of a commune over time. Corrections by the Region end the covering row the day before
-- and supersede later rows; nothing is deleted.
CREATE TABLE commune_cri_assignments (
    id TEXT PRIMARY KEY,
    nis_code TEXT NOT NULL REFERENCES communes (nis_code),
    cri_code TEXT NOT NULL REFERENCES cris (code),
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'derived', 'corrected')),
    reason TEXT,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL,
    superseded_at TIMESTAMP
);
CREATE INDEX commune_cri_assignments_by_commune ON commune_cri_assignments (nis_code, valid_from);

-- Bumped on every change of reference data, so that every API replica reloads its cached copy.
CREATE TABLE reference_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO reference_versions (name, version) VALUES ('communes', 1);

CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    niss TEXT NOT NULL UNIQUE,
    surname TEXT NOT NULL,
    given_names TEXT NOT NULL,
    birth_date DATE NOT NULL,
    sex TEXT,
    nationality TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE determinations (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    status TEXT NOT NULL,
    regime TEXT,
    competent_cri TEXT REFERENCES cris (code),
    reference_date DATE NOT NULL,
    as_of DATE NOT NULL,
    rules_version TEXT NOT NULL,
    facts_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    decided_by TEXT NOT NULL
);
CREATE INDEX determinations_by_person ON determinations (person_id, id);
CREATE INDEX determinations_by_cri ON determinations (competent_cri, person_id);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES persons (id),
    cri_code TEXT NOT NULL REFERENCES cris (code),
    commune_nis TEXT NOT NULL,
    state TEXT NOT NULL,
    obliged BOOLEAN NOT NULL,
    determination_id TEXT NOT NULL REFERENCES determinations (id),
    opened_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL,
    -- The whole case (welcome module, convention, hours...) as the domain serialises it; the columns
    -- above and below repeat what lists filter on.
    state_json TEXT NOT NULL,
    present_by DATE,
    complete_by DATE,
    next_review_due DATE,
    presentation_missed_notified BOOLEAN NOT NULL,
    completion_missed_notified_for DATE,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cases_by_person ON cases (person_id);
CREATE INDEX cases_by_cri ON cases (cri_code, id);
CREATE INDEX cases_open_deadlines ON cases (state, present_by, complete_by);

-- The timeline of a case: who did what, when, why. Append-only. `cri_code` is the CRI in charge when the
-- step was recorded: after a transfer the former CRI still reads its own steps, not the later ones.
CREATE TABLE case_events (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    occurred_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    cri_code TEXT NOT NULL,
    actor_subject TEXT NOT NULL,
    actor_organisation TEXT NOT NULL,
    request_id TEXT NOT NULL,
    basis TEXT NOT NULL,
    reason_fr TEXT NOT NULL,
    reason_en TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (case_id, id);

-- The event feed (outbox), written in the same transaction as the change. `seq` is assigned in commit
-- order under a lock (see the store), never from a clock, so `after=<seq>` never skips an event whatever
-- the replicas' clocks say. Each organisation reads the rows addressed to it: the CRI in charge, and the
-- commune of domicile for what the law lets it know.
CREATE TABLE outbox_events (
    id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    case_id TEXT NOT NULL REFERENCES cases (id),
    occurred_at TIMESTAMP NOT NULL,
    event_type TEXT NOT NULL,
    cri_code TEXT NOT NULL,
    commune_nis TEXT,
    cri_payload TEXT NOT NULL,
    commune_payload TEXT
);
CREATE INDEX outbox_events_by_cri ON outbox_events (cri_code, seq);
CREATE INDEX outbox_events_by_commune ON outbox_events (commune_nis, seq);

-- Human-readable case references per CRI and year (CRIPEL-2026-000042).
CREATE TABLE case_reference_counters (
    cri_code TEXT NOT NULL REFERENCES cris (code),
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (cri_code, year)
);

CREATE TABLE arrivals (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    determination_id TEXT NOT NULL REFERENCES determinations (id),
    case_id TEXT REFERENCES cases (id),
    commune_nis TEXT NOT NULL,
    reported_by_org TEXT NOT NULL,
    reported_by_sub TEXT NOT NULL,
    status TEXT NOT NULL,
    volunteer_request BOOLEAN NOT NULL,
    payload_json TEXT NOT NULL,
    reported_at TIMESTAMP NOT NULL
);
CREATE INDEX arrivals_by_reporter ON arrivals (reported_by_org, id);

-- Training operators (promotion sociale schools, ILIs, Forem), created by the Region or a CRI.
CREATE TABLE operators (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    enterprise_number TEXT NOT NULL UNIQUE,
    axes TEXT NOT NULL,
    cri_codes TEXT NOT NULL,
    contact_email TEXT,
    contact_phone TEXT,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators (id),
    title TEXT NOT NULL,
    axis TEXT NOT NULL,
    level TEXT,
    instruction_language TEXT NOT NULL,
    commune_nis TEXT NOT NULL,
    address TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX courses_by_operator ON courses (operator_id, id);
CREATE INDEX courses_by_start ON courses (axis, start_date);

CREATE TABLE course_sessions (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id),
    session_date DATE NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    minutes INTEGER NOT NULL
);
CREATE INDEX course_sessions_by_course ON course_sessions (course_id, session_date);

-- A case in a course: enrolled, waiting (in order), withdrawn or completed.
CREATE TABLE enrolments (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    status TEXT NOT NULL,
    waiting_position INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (course_id, case_id)
);

-- Attendance per person and session. A correction adds a version and marks the previous one as no longer
-- current: nothing is overwritten.
CREATE TABLE attendance_records (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES courses (id),
    session_id TEXT NOT NULL REFERENCES course_sessions (id),
    enrolment_id TEXT NOT NULL REFERENCES enrolments (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    status TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    version INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL,
    reason TEXT,
    batch_id TEXT NOT NULL,
    author_organisation TEXT NOT NULL,
    author_subject TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX attendance_by_course ON attendance_records (course_id, is_current);
CREATE UNIQUE INDEX attendance_one_current ON attendance_records (session_id, enrolment_id) WHERE is_current;

-- Hours reported by operators per case and axis, kept up to date in the attendance transaction.
CREATE TABLE case_axis_minutes (
    case_id TEXT NOT NULL REFERENCES cases (id),
    axis TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    PRIMARY KEY (case_id, axis)
);

-- Writes with an Idempotency-Key: the first response is kept and replayed.
CREATE TABLE idempotency_keys (
    organisation TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation, idempotency_key)
);

-- Who did or read what, when. Append-only: the triggers below refuse updates and deletes.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    request_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    organisation TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT,
    detail TEXT
);
CREATE INDEX audit_log_by_resource ON audit_log (resource_type, resource_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;
