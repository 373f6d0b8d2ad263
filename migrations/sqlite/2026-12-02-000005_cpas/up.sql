-- The CPAS (public social welfare centre) of a case's person, when the CRI recorded that the person is its
-- beneficiary (rules 4.7 and 5.2), and the notices the feed carries for it.
ALTER TABLE cases ADD COLUMN cpas_nis TEXT;
ALTER TABLE outbox_events ADD COLUMN cpas_nis TEXT;
ALTER TABLE outbox_events ADD COLUMN cpas_payload TEXT;
CREATE INDEX outbox_events_by_cpas ON outbox_events (cpas_nis, seq);
