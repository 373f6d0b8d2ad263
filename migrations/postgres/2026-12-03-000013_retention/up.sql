-- Storage limitation (issue 13, item 3). A legal hold keeps a person's file past its retention period
-- (litigation, an authority's request); an erasure batch is the dry-run report the retention_review job
-- proposes, the privacy officer's decision on it, and what its execution did. An erased person keeps their
-- row as a tombstone: erased_at and erased_under (the batch or the request it was erased under).
CREATE TABLE legal_holds (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    reason TEXT NOT NULL,
    placed_by_org TEXT NOT NULL,
    placed_by_sub TEXT NOT NULL,
    placed_at TIMESTAMP NOT NULL,
    lifted_at TIMESTAMP,
    lifted_by_sub TEXT,
    lift_reason TEXT
);
CREATE INDEX legal_holds_by_person ON legal_holds (person_id);
CREATE TABLE erasure_batches (
    id TEXT PRIMARY KEY NOT NULL,
    status TEXT NOT NULL,
    proposed_at TIMESTAMP NOT NULL,
    report_json TEXT NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP,
    decision_reason TEXT,
    executed_at TIMESTAMP,
    outcome_json TEXT
);
CREATE INDEX erasure_batches_by_status ON erasure_batches (status, proposed_at);
ALTER TABLE persons ADD COLUMN erased_at TIMESTAMP;
ALTER TABLE persons ADD COLUMN erased_under TEXT;
