DROP INDEX attestations_by_issued_at;
DROP INDEX cases_by_opened_at;
DROP INDEX arrivals_by_reported_at;
DROP TABLE statistics_releases;
