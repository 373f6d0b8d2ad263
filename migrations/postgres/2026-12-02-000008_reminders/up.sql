-- Reminders before a legal deadline: one per case, kind and deadline (a deadline moved by an extension
-- gets its own). The letter is rendered on demand from the case and the commune's report, never stored.
CREATE TABLE reminders (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    cri_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    deadline DATE NOT NULL,
    due_on DATE NOT NULL,
    status TEXT NOT NULL,
    channel TEXT,
    dispatched_on DATE,
    dispatched_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX reminders_once ON reminders (case_id, kind, deadline);
CREATE INDEX reminders_by_cri ON reminders (cri_code, status, due_on);
