-- Policy simulations (issue 12): the Region's alternative parameters, run by the job runner over the stored
-- facts of a period's determinations. Only the request, the progress and the suppressed aggregate answer are
-- stored; no determination, case or person row is written.
CREATE TABLE simulations (
    id TEXT PRIMARY KEY NOT NULL,
    requested_by_org TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    period TEXT NOT NULL,
    changes_json TEXT NOT NULL,
    status TEXT NOT NULL,
    progress_percent INTEGER NOT NULL,
    result_json TEXT,
    error TEXT,
    finished_at TIMESTAMP
);
CREATE INDEX simulations_by_status ON simulations (status, requested_at);
-- A simulation reads the determinations decided in its period.
CREATE INDEX determinations_by_decided_at ON determinations (decided_at);
