-- Non-compliance and the sanction procedure (CWASS art. 152/8; rules 6.1-6.4).
--
-- course_offers: every place offered to a person on an axis, the Region's supply that a fine presupposes
-- (art. 152/8): a place obtained in a course (written by the enrolment), or an offer the CRI recorded (a
-- course outside Parcours, a place declined). Backfilled from the enrolments that hold a place.
CREATE TABLE course_offers (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    axis TEXT NOT NULL,
    offered_on DATE NOT NULL,
    description TEXT NOT NULL,
    enrolment_id TEXT,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX course_offers_by_case ON course_offers (case_id, axis, offered_on);

-- One record per case, kind and deadline (or date of the CRI's finding): the detection job may run twice.
CREATE TABLE non_compliances (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    cri_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    deadline DATE NOT NULL,
    breach_date DATE NOT NULL,
    basis TEXT NOT NULL,
    finding TEXT,
    status TEXT NOT NULL,
    excuse_json TEXT,
    review_reason TEXT,
    reviewed_on DATE,
    reviewed_by TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX non_compliances_once ON non_compliances (case_id, kind, deadline);
CREATE INDEX non_compliances_by_cri ON non_compliances (cri_code, status, breach_date);

-- The procedure as the domain's aggregate (state_json), with its state in a column for lists and a
-- version for If-Match. One procedure per non-compliance.
CREATE TABLE sanction_procedures (
    id TEXT PRIMARY KEY NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    non_compliance_id TEXT NOT NULL UNIQUE REFERENCES non_compliances (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    cri_code TEXT NOT NULL,
    state TEXT NOT NULL,
    state_json TEXT NOT NULL,
    version INTEGER NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX sanction_procedures_by_state ON sanction_procedures (state, opened_at);

-- Every step of a procedure, as recorded: never updated, never deleted (triggers below).
CREATE TABLE sanction_steps (
    id TEXT PRIMARY KEY NOT NULL,
    procedure_id TEXT NOT NULL REFERENCES sanction_procedures (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL,
    organisation TEXT NOT NULL,
    request_id TEXT NOT NULL
);
CREATE UNIQUE INDEX sanction_steps_in_order ON sanction_steps (procedure_id, seq);
CREATE TRIGGER sanction_steps_no_update BEFORE UPDATE ON sanction_steps
BEGIN
    SELECT RAISE(ABORT, 'sanction_steps is append-only');
END;
CREATE TRIGGER sanction_steps_no_delete BEFORE DELETE ON sanction_steps
BEGIN
    SELECT RAISE(ABORT, 'sanction_steps is append-only');
END;

INSERT INTO course_offers (id, case_id, axis, offered_on, description, enrolment_id, recorded_by, created_at)
SELECT 'backfill-' || e.id, e.case_id, c.axis, date(CASE WHEN e.status = 'enrolled' THEN e.updated_at ELSE e.created_at END),
       c.title, e.id, 'migration', e.created_at
FROM enrolments e JOIN courses c ON c.id = e.course_id
WHERE e.status IN ('enrolled', 'completed');
