CREATE INDEX cases_open_deadlines ON cases (state, present_by, complete_by);
DROP INDEX cases_by_cri_review_due;
DROP INDEX cases_by_cri_complete_by;
DROP INDEX cases_by_cri_present_by;
DROP INDEX cases_by_cri_commune;
DROP INDEX cases_by_cri_state;
DROP INDEX cases_completion_unnotified;
DROP INDEX cases_presentation_unnotified;
DROP INDEX outbox_events_unpositioned;
