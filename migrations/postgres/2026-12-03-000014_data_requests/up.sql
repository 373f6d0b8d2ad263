-- Requests from the person about their data (GDPR art. 15-18), handled by the CRI competent for them: what
-- was asked, when it was received, the deadline (one month, three after an extension), the extension and the
-- decision with its reasons (state_json), so that the letter can be rendered again at any time.
CREATE TABLE data_requests (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    cri_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    received_on DATE NOT NULL,
    due_on DATE NOT NULL,
    details TEXT NOT NULL,
    status TEXT NOT NULL,
    state_json TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX data_requests_by_cri ON data_requests (cri_code, status, due_on);
CREATE INDEX data_requests_by_person ON data_requests (person_id);
