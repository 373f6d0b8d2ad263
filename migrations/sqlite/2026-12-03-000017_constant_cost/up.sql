-- Feed positions: SQLite has one writer at a time (`BEGIN IMMEDIATE`), so an event takes its position when
-- it is written and `seq` stays NOT NULL here; the index exists for parity with PostgreSQL, where events
-- are written without a position and take one at commit time (see `write_transaction` in the store).
CREATE INDEX outbox_events_unpositioned ON outbox_events (id) WHERE seq IS NULL;

-- The deadline job reads only what came due and was not yet told: both sets stay small as cases accumulate.
CREATE INDEX cases_presentation_unnotified ON cases (present_by)
    WHERE state = 'opened' AND presentation_missed_notified = 0;
CREATE INDEX cases_completion_unnotified ON cases (complete_by)
    WHERE completion_missed_notified_for IS NULL OR completion_missed_notified_for <> complete_by;

-- Every filter of `GET /v1/cases` within a CRI, newest first.
CREATE INDEX cases_by_cri_state ON cases (cri_code, state, id);
CREATE INDEX cases_by_cri_commune ON cases (cri_code, commune_nis, id);
CREATE INDEX cases_by_cri_present_by ON cases (cri_code, present_by);
CREATE INDEX cases_by_cri_complete_by ON cases (cri_code, complete_by);
CREATE INDEX cases_by_cri_review_due ON cases (cri_code, next_review_due);
CREATE INDEX cases_by_cri_obliged ON cases (cri_code, obliged, id);
DROP INDEX cases_open_deadlines;
