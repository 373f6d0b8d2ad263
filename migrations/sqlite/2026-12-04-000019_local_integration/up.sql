-- The CRIs' other missions (issue 16, CWASS art. 153): local integration initiatives (ILI) and the Region's
-- calls for projects with their applications, opinions, decisions and follow-up; the local coordination
-- plans and platforms with their meetings; the training of practitioners. Communes covered are kept as
-- `communes_key` = ",62063,62096," so that "what covers this commune" is one LIKE on a few hundred rows a
-- year; lists are per CRI or per ILI first, by index.
CREATE TABLE local_initiatives (
    id TEXT PRIMARY KEY NOT NULL,
    enterprise_number TEXT NOT NULL,
    name TEXT NOT NULL,
    contact_email TEXT,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX local_initiatives_enterprise_number ON local_initiatives (enterprise_number);

CREATE TABLE project_calls (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    axes_json TEXT NOT NULL,
    territory_json TEXT NOT NULL,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    opinion_deadline DATE NOT NULL,
    budget_cents BIGINT NOT NULL,
    criteria_json TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX project_calls_by_opening ON project_calls (opens_on, id);

CREATE TABLE project_applications (
    id TEXT PRIMARY KEY NOT NULL,
    call_id TEXT NOT NULL REFERENCES project_calls (id),
    initiative_id TEXT NOT NULL REFERENCES local_initiatives (id),
    enterprise_number TEXT NOT NULL,
    cri_code TEXT NOT NULL REFERENCES cris (code),
    communes_key TEXT NOT NULL,
    project_title TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    requested_cents BIGINT NOT NULL,
    granted_cents BIGINT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX project_applications_by_cri ON project_applications (cri_code, submitted_at);
CREATE INDEX project_applications_by_initiative ON project_applications (enterprise_number, submitted_at);
CREATE INDEX project_applications_by_call ON project_applications (call_id, status);

-- What the ILI submitted, each version kept as it was: nothing is edited after submission.
CREATE TABLE project_application_versions (
    application_id TEXT NOT NULL REFERENCES project_applications (id),
    version INTEGER NOT NULL,
    content_json TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, version)
);

-- Each dated step of a project, in order; also the project feed (`seq`, given under a transaction lock on
-- PostgreSQL so that positions become visible in order).
CREATE TABLE project_steps (
    id TEXT PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL,
    application_id TEXT NOT NULL REFERENCES project_applications (id),
    kind TEXT NOT NULL,
    step_json TEXT NOT NULL,
    cri_code TEXT NOT NULL,
    enterprise_number TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE UNIQUE INDEX project_steps_seq ON project_steps (seq);
CREATE INDEX project_steps_by_application ON project_steps (application_id, seq);
CREATE INDEX project_steps_by_cri ON project_steps (cri_code, seq);
CREATE INDEX project_steps_by_initiative ON project_steps (enterprise_number, seq);

CREATE TABLE coordination_bodies (
    id TEXT PRIMARY KEY NOT NULL,
    cri_code TEXT NOT NULL REFERENCES cris (code),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    communes_key TEXT NOT NULL,
    partners_json TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX coordination_bodies_by_cri ON coordination_bodies (cri_code, name);

CREATE TABLE coordination_meetings (
    id TEXT PRIMARY KEY NOT NULL,
    body_id TEXT NOT NULL REFERENCES coordination_bodies (id),
    held_on DATE NOT NULL,
    partners_present_json TEXT NOT NULL,
    decisions_json TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX coordination_meetings_by_body ON coordination_meetings (body_id, held_on);

-- Themes a CRI adds to the base list of the domain.
CREATE TABLE training_themes (
    cri_code TEXT NOT NULL REFERENCES cris (code),
    code TEXT NOT NULL,
    label_fr TEXT NOT NULL,
    label_en TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (cri_code, code)
);

CREATE TABLE trainings (
    id TEXT PRIMARY KEY NOT NULL,
    cri_code TEXT NOT NULL REFERENCES cris (code),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    theme TEXT NOT NULL,
    sessions_json TEXT NOT NULL,
    first_day DATE NOT NULL,
    place TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    trainer TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX trainings_by_cri ON trainings (cri_code, first_day);

-- Practitioners are professionals, not pathway persons: their registrations stand apart from `persons`.
CREATE TABLE training_registrations (
    id TEXT PRIMARY KEY NOT NULL,
    training_id TEXT NOT NULL REFERENCES trainings (id),
    full_name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    status TEXT NOT NULL,
    attended_json TEXT NOT NULL,
    registered_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX training_registrations_one_per_email ON training_registrations (training_id, email_key);
