-- The append-only tables refused UPDATE and DELETE row by row, but TRUNCATE fires no row trigger: a single
-- statement could empty the audit trail. A statement trigger refuses it too.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table();
CREATE TRIGGER sanction_steps_no_truncate BEFORE TRUNCATE ON sanction_steps
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table();
