ALTER TABLE persons DROP COLUMN erased_under;
ALTER TABLE persons DROP COLUMN erased_at;
DROP TABLE erasure_batches;
DROP TABLE legal_holds;
