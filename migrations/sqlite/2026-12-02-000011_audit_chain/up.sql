-- Tamper evidence for the audit trail (issue 13, item 7); see the PostgreSQL migration of the same name.
ALTER TABLE audit_log ADD COLUMN client_request_id TEXT;
ALTER TABLE audit_log ADD COLUMN role TEXT;
ALTER TABLE audit_log ADD COLUMN route TEXT;
ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_log ADD COLUMN previous_hash TEXT;
ALTER TABLE audit_log ADD COLUMN row_hash TEXT;
CREATE UNIQUE INDEX audit_log_by_chain_seq ON audit_log (chain_seq);
CREATE INDEX audit_log_unsealed ON audit_log (occurred_at, id) WHERE row_hash IS NULL;

CREATE TABLE audit_subjects (
    audit_id TEXT NOT NULL REFERENCES audit_log (id),
    person_id TEXT NOT NULL,
    PRIMARY KEY (audit_id, person_id)
);
CREATE INDEX audit_subjects_by_person ON audit_subjects (person_id);

-- The only change an audit row accepts is its sealing: the chain columns, once, from empty, with everything
-- else unchanged.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.row_hash IS NOT NULL OR NEW.row_hash IS NULL OR NEW.chain_seq IS NULL OR NEW.previous_hash IS NULL
    OR NEW.id IS NOT OLD.id OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.request_id IS NOT OLD.request_id
    OR NEW.subject IS NOT OLD.subject OR NEW.organisation IS NOT OLD.organisation OR NEW.action IS NOT OLD.action
    OR NEW.resource_type IS NOT OLD.resource_type OR NEW.resource_id IS NOT OLD.resource_id
    OR NEW.detail IS NOT OLD.detail OR NEW.client_request_id IS NOT OLD.client_request_id
    OR NEW.role IS NOT OLD.role OR NEW.route IS NOT OLD.route
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE ON audit_subjects
BEGIN
    SELECT RAISE(ABORT, 'audit_subjects is append-only');
END;
CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE ON audit_subjects
BEGIN
    SELECT RAISE(ABORT, 'audit_subjects is append-only');
END;
