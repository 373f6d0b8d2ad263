DROP TRIGGER audit_subjects_no_delete;
DROP TRIGGER audit_subjects_no_update;
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
DROP TABLE audit_subjects;
DROP INDEX audit_log_unsealed;
DROP INDEX audit_log_by_chain_seq;
ALTER TABLE audit_log DROP COLUMN row_hash;
ALTER TABLE audit_log DROP COLUMN previous_hash;
ALTER TABLE audit_log DROP COLUMN chain_seq;
ALTER TABLE audit_log DROP COLUMN route;
ALTER TABLE audit_log DROP COLUMN role;
ALTER TABLE audit_log DROP COLUMN client_request_id;
