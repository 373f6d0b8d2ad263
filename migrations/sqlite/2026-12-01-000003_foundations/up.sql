-- Foundations for the second half: invariants as constraints, and the job table.

-- At most one open case per person (the states of CaseState::is_open).
CREATE UNIQUE INDEX cases_one_open_per_person ON cases (person_id)
    WHERE state IN ('opened', 'welcome_in_progress', 'convention_signed', 'in_progress');

-- Background work: one row per job kind. A runner claims a due job with a guarded update that sets a lease
-- (exactly one row changed = claimed), so any number of replicas run each job once; an expired lease
-- (a crashed runner) is claimed again.
CREATE TABLE jobs (
    kind TEXT PRIMARY KEY,
    next_run_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_started_at TIMESTAMP,
    last_finished_at TIMESTAMP,
    last_outcome TEXT,
    runs BIGINT NOT NULL
);

-- A replay answers the first response's Location too; keys are purged by age.
ALTER TABLE idempotency_keys ADD COLUMN response_location TEXT;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- The timeline is append-only on both backends (PostgreSQL's trigger already refuses DELETE).
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;
