-- Fewer copies of personal data (issue 13, item 2).
-- 1. A commune's or CPAS's notice carried the resident's national number: it now carries the person's id,
--    and the recipient reads the identity through GET /v1/persons/{id}, which the access report lists.
UPDATE outbox_events o
SET commune_payload = ((o.commune_payload::jsonb - 'niss') || jsonb_build_object('person_id', c.person_id))::text
FROM cases c
WHERE c.id = o.case_id AND o.commune_payload IS NOT NULL;
UPDATE outbox_events o
SET cpas_payload = ((o.cpas_payload::jsonb - 'niss') || jsonb_build_object('person_id', c.person_id))::text
FROM cases c
WHERE c.id = o.case_id AND o.cpas_payload IS NOT NULL;
-- 2. An arrival kept the whole request. The identity is kept, as reported, in person_identities, and the
--    facts in determinations.facts_json: the report keeps only the contact details (the letter's language,
--    the address for reminders), which are recorded nowhere else.
UPDATE arrivals SET payload_json = jsonb_build_object('contact', payload_json::jsonb -> 'contact')::text;
