-- Statistics releases (issue 12). A release is one table for one closed period, suppressed once and then
-- served the same way to everyone (each reader sees the cells of their territory): a later release never
-- contradicts it, and a year keeps what its quarters published. Cells hold published counts only: a
-- suppressed cell is stored as null, so no small count is kept beside the source data.
CREATE TABLE statistics_releases (
    id TEXT PRIMARY KEY NOT NULL,
    table_code TEXT NOT NULL,
    period TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    method TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    cells_json TEXT NOT NULL,
    -- The counts the release was made from (by quarter, commune and category, nonzero only), never served:
    -- a year is made from its quarters' counts, so its quarter cells are exactly theirs whatever changed since.
    counts_json TEXT NOT NULL,
    released_at TIMESTAMP NOT NULL,
    released_by TEXT NOT NULL,
    UNIQUE (table_code, period)
);
-- What a release counts is read by the day recorded.
CREATE INDEX arrivals_by_reported_at ON arrivals (reported_at);
CREATE INDEX cases_by_opened_at ON cases (opened_at);
CREATE INDEX attestations_by_issued_at ON attestations (issued_at);
