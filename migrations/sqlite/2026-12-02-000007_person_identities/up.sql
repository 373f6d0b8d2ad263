-- A person's identity through time. Each row is an identity as one organisation gave it: a version of the
-- person's current identity (version 1, 2, ...: `persons` holds the latest, for lists and joins), or a
-- report kept as made that did not become current (version NULL). A report never rewrites another
-- organisation's; an arrival points at the identity it reported.
CREATE TABLE person_identities (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    version INTEGER,
    niss TEXT NOT NULL,
    surname TEXT NOT NULL,
    given_names TEXT NOT NULL,
    birth_date DATE NOT NULL,
    sex TEXT,
    nationality TEXT NOT NULL,
    source TEXT NOT NULL,
    source_org TEXT NOT NULL,
    reason TEXT,
    recorded_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX person_identities_one_version ON person_identities (person_id, version);

ALTER TABLE persons ADD COLUMN identity_version INTEGER NOT NULL DEFAULT 1;
-- Set when the CRI merged this record into another one (a BIS number replaced by a national number): the
-- row stays, so that its history and its national number still lead to the person.
-- (No REFERENCES on added columns in SQLite: its DROP COLUMN refuses a column in a foreign key, and the
-- store writes these ids only from rows it just read.)
ALTER TABLE persons ADD COLUMN merged_into TEXT;
CREATE INDEX persons_by_birth_date ON persons (birth_date);

ALTER TABLE arrivals ADD COLUMN identity_id TEXT;

-- Identities known before this migration become version 1, reported by the organisation of the person's
-- first arrival (or case, for a walk-in).
INSERT INTO person_identities (id, person_id, version, niss, surname, given_names, birth_date, sex, nationality,
                               source, source_org, reason, recorded_at)
SELECT p.id || '-v1', p.id, 1, p.niss, p.surname, p.given_names, p.birth_date, p.sex, p.nationality, 'report',
       COALESCE((SELECT MIN(a.reported_by_org) FROM arrivals a WHERE a.person_id = p.id), 'unknown'),
       NULL, p.created_at
FROM persons p;
UPDATE arrivals SET identity_id = person_id || '-v1';

-- A report whose identity differs from the known one: accepted, kept as reported, and left for the CRI
-- to resolve. Field codes only in `fields`.
CREATE TABLE identity_conflicts (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    arrival_id TEXT REFERENCES arrivals (id),
    reported_identity_id TEXT NOT NULL REFERENCES person_identities (id),
    current_identity_id TEXT NOT NULL REFERENCES person_identities (id),
    fields TEXT NOT NULL,
    cri_code TEXT,
    flagged_at TIMESTAMP NOT NULL,
    resolution TEXT,
    resolution_reason TEXT,
    resolved_by TEXT,
    resolved_at TIMESTAMP
);
CREATE INDEX identity_conflicts_open_by_cri ON identity_conflicts (cri_code, resolved_at);

-- Two records of one person merged by the CRI; the merged record keeps its row and history.
CREATE TABLE person_merges (
    id TEXT PRIMARY KEY NOT NULL,
    kept_person_id TEXT NOT NULL REFERENCES persons (id),
    merged_person_id TEXT NOT NULL REFERENCES persons (id),
    reason TEXT NOT NULL,
    merged_by_org TEXT NOT NULL,
    merged_by_sub TEXT NOT NULL,
    merged_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX person_merges_once ON person_merges (merged_person_id);
