DROP INDEX determinations_by_decided_at;
DROP TABLE simulations;
