DROP TRIGGER sanction_steps_no_truncate ON sanction_steps;
DROP TRIGGER case_events_no_truncate ON case_events;
DROP TRIGGER audit_log_no_truncate ON audit_log;
