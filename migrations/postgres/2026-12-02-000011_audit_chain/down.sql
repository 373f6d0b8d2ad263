DROP TRIGGER audit_subjects_no_truncate ON audit_subjects;
DROP TRIGGER audit_subjects_no_update ON audit_subjects;
DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table();
DROP FUNCTION audit_log_seal_only();
DROP TABLE audit_subjects;
DROP INDEX audit_log_unsealed;
DROP INDEX audit_log_by_chain_seq;
ALTER TABLE audit_log DROP COLUMN row_hash;
ALTER TABLE audit_log DROP COLUMN previous_hash;
ALTER TABLE audit_log DROP COLUMN chain_seq;
ALTER TABLE audit_log DROP COLUMN route;
ALTER TABLE audit_log DROP COLUMN role;
ALTER TABLE audit_log DROP COLUMN client_request_id;
