-- The Region's values for the law's open quantities (rules tagged UNCONFIRMED), each from its effective
-- date, with its legal source and reason. Rows are never updated except to mark them superseded by a later
-- value for the same parameter and date; reviewed_at says the review job has listed the open cases the value
-- would change.
CREATE TABLE parameter_values (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    valid_from DATE NOT NULL,
    value_text TEXT NOT NULL,
    legal_source TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL,
    superseded_at TIMESTAMP,
    reviewed_at TIMESTAMP
);
CREATE INDEX parameter_values_by_name ON parameter_values (name, valid_from);

-- What the review job found: an open case whose status, regime, CRI or deadlines the value would change.
-- Case identifiers and codes only: the CRI reads the person through the scoped API.
CREATE TABLE parameter_review_items (
    id TEXT PRIMARY KEY NOT NULL,
    parameter_value_id TEXT NOT NULL REFERENCES parameter_values (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    cri_code TEXT NOT NULL,
    status_before TEXT NOT NULL,
    status_after TEXT NOT NULL,
    changes TEXT NOT NULL,
    found_at TIMESTAMP NOT NULL
);
CREATE INDEX parameter_review_items_by_cri ON parameter_review_items (cri_code, found_at);
CREATE UNIQUE INDEX parameter_review_items_once ON parameter_review_items (parameter_value_id, case_id);

INSERT INTO reference_versions (name, version) VALUES ('parameters', 1);
