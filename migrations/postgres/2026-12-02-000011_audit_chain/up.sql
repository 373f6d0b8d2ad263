-- Tamper evidence for the audit trail (issue 13, item 7).
--
-- The server's own request id stays in request_id; the caller's X-Request-Id, which anyone can choose, is kept
-- beside it. role and route say under which capacity and through which endpoint a read was made (the
-- person's access report shows them as the purpose).
ALTER TABLE audit_log ADD COLUMN client_request_id TEXT;
ALTER TABLE audit_log ADD COLUMN role TEXT;
ALTER TABLE audit_log ADD COLUMN route TEXT;
-- The hash chain: the sealing job gives each row, in order, its position, the hash of the row before it and
-- its own hash (SHA-256 over the row and its subjects). Rows are written unsealed so that concurrent requests
-- never queue on the chain's head; the job seals them within a minute.
ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_log ADD COLUMN previous_hash TEXT;
ALTER TABLE audit_log ADD COLUMN row_hash TEXT;
CREATE UNIQUE INDEX audit_log_by_chain_seq ON audit_log (chain_seq);
CREATE INDEX audit_log_unsealed ON audit_log (occurred_at, id) WHERE row_hash IS NULL;

-- The persons a read showed (a list, a feed page, a verification): one row per person, for the access report.
CREATE TABLE audit_subjects (
    audit_id TEXT NOT NULL REFERENCES audit_log (id),
    person_id TEXT NOT NULL,
    PRIMARY KEY (audit_id, person_id)
);
CREATE INDEX audit_subjects_by_person ON audit_subjects (person_id);

-- The only change an audit row accepts is its sealing: the chain columns, once, from empty, with everything
-- else unchanged. Anything else (and every delete) is refused.
CREATE FUNCTION audit_log_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.row_hash IS NULL AND NEW.row_hash IS NOT NULL
        AND NEW.chain_seq IS NOT NULL AND NEW.previous_hash IS NOT NULL
        AND (NEW.id, NEW.occurred_at, NEW.request_id, NEW.subject, NEW.organisation, NEW.action,
             NEW.resource_type, NEW.resource_id, NEW.detail, NEW.client_request_id, NEW.role, NEW.route)
            IS NOT DISTINCT FROM
            (OLD.id, OLD.occurred_at, OLD.request_id, OLD.subject, OLD.organisation, OLD.action,
             OLD.resource_type, OLD.resource_id, OLD.detail, OLD.client_request_id, OLD.role, OLD.route)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_seal_only();

CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE OR DELETE ON audit_subjects
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table();
CREATE TRIGGER audit_subjects_no_truncate BEFORE TRUNCATE ON audit_subjects
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table();
