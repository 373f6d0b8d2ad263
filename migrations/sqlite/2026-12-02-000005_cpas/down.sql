DROP INDEX outbox_events_by_cpas;
ALTER TABLE outbox_events DROP COLUMN cpas_payload;
ALTER TABLE outbox_events DROP COLUMN cpas_nis;
ALTER TABLE cases DROP COLUMN cpas_nis;
