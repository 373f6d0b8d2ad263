DROP TABLE person_merges;
DROP TABLE identity_conflicts;
ALTER TABLE arrivals DROP COLUMN identity_id;
DROP INDEX persons_by_birth_date;
ALTER TABLE persons DROP COLUMN merged_into;
ALTER TABLE persons DROP COLUMN identity_version;
DROP TABLE person_identities;
