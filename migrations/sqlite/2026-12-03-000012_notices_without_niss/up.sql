-- Fewer copies of personal data (issue 13, item 2).
-- 1. A commune's or CPAS's notice carried the resident's national number: it now carries the person's id,
--    and the recipient reads the identity through GET /v1/persons/{id}, which the access report lists.
UPDATE outbox_events
SET commune_payload = json_set(json_remove(commune_payload, '$.niss'), '$.person_id',
                               (SELECT person_id FROM cases WHERE cases.id = outbox_events.case_id))
WHERE commune_payload IS NOT NULL;
UPDATE outbox_events
SET cpas_payload = json_set(json_remove(cpas_payload, '$.niss'), '$.person_id',
                            (SELECT person_id FROM cases WHERE cases.id = outbox_events.case_id))
WHERE cpas_payload IS NOT NULL;
-- 2. An arrival kept the whole request. The identity is kept, as reported, in person_identities, and the
--    facts in determinations.facts_json: the report keeps only the contact details (the letter's language,
--    the address for reminders), which are recorded nowhere else.
UPDATE arrivals SET payload_json = json_object('contact', json_extract(payload_json, '$.contact'));
