-- The attestation de fréquentation (CWASS art. 152/7 §2; rules.md §5) and what the CRI prints on it.

-- Each CRI's office address and signatory, printed on its attestations (maintained by the CRI).
CREATE TABLE cri_settings (
    cri_code TEXT PRIMARY KEY,
    office_address TEXT NOT NULL,
    signatory_name TEXT NOT NULL,
    signatory_function TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

-- One serial sequence per CRI and year of issue.
CREATE TABLE attestation_counters (
    cri_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (cri_code, year)
);

-- Immutable once issued: a correction supersedes (a new serial), a revocation only sets its reason.
CREATE TABLE attestations (
    serial TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    cri_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    content_json TEXT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    verification_token TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signed_payload TEXT NOT NULL,
    issued_on DATE NOT NULL,
    completed_on DATE NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    issued_by TEXT NOT NULL,
    supersedes TEXT REFERENCES attestations (serial),
    superseded_by TEXT,
    revoked_at TIMESTAMP,
    revocation_reason TEXT,
    copies INTEGER NOT NULL
);
CREATE INDEX attestations_by_case ON attestations (case_id);
-- At most one attestation in force per case.
CREATE UNIQUE INDEX attestations_one_valid_per_case ON attestations (case_id) WHERE status = 'valid';
