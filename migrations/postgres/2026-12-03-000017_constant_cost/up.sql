-- Feed positions are given at commit time (see `write_transaction` in the store): an event is written
-- without a position, and just before its transaction commits it takes the next positions under a short
-- lock. Until then it is invisible to readers (they page on `seq > after`).
ALTER TABLE outbox_events ALTER COLUMN seq DROP NOT NULL;
CREATE INDEX outbox_events_unpositioned ON outbox_events (id) WHERE seq IS NULL;

-- The deadline job reads only what came due and was not yet told: both sets stay small as cases accumulate.
CREATE INDEX cases_presentation_unnotified ON cases (present_by)
    WHERE state = 'opened' AND presentation_missed_notified = false;
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
