-- The sandbox (PARCOURS_ENV=sandbox, issue 14): each organisation's clock, as days ahead of the sandbox's
-- own. The row of the organisation `sandbox` marks the database as a sandbox's, made with its demo data:
-- a sandbox never starts on a database that lacks it, and no other mode starts on one that has it.
CREATE TABLE sandbox_clocks (
    organisation TEXT PRIMARY KEY NOT NULL,
    offset_days INTEGER NOT NULL,
    moved_at TIMESTAMP NOT NULL
);
