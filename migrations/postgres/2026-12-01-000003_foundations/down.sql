DROP INDEX idempotency_keys_by_age;
ALTER TABLE idempotency_keys DROP COLUMN response_location;
DROP TABLE jobs;
DROP INDEX cases_one_open_per_person;
