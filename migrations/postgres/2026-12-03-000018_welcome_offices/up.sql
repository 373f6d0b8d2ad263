-- The welcome office (issue 15): each CRI's offices, their appointment slots and the appointments booked in
-- them, collective information sessions and their enrolments, and interpreting requests. Times are UTC
-- instants; the office's wall-clock time (Brussels) is computed when printed.
CREATE TABLE welcome_offices (
    id TEXT PRIMARY KEY NOT NULL,
    cri_code TEXT NOT NULL REFERENCES cris (code),
    name TEXT NOT NULL,
    street TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    locality TEXT NOT NULL,
    opening_hours_json TEXT NOT NULL,
    communes_json TEXT NOT NULL,
    languages_json TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX welcome_offices_by_cri ON welcome_offices (cri_code, name);

CREATE TABLE appointment_slots (
    id TEXT PRIMARY KEY NOT NULL,
    office_id TEXT NOT NULL REFERENCES welcome_offices (id),
    cri_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    minutes INTEGER NOT NULL,
    staff_ref TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX appointment_slots_by_office ON appointment_slots (office_id, starts_at);
-- The staff conflict check reads a staff member's slots around a time; the unique index is the backstop
-- for two slots created at once with the same start.
CREATE UNIQUE INDEX appointment_slots_one_start_per_staff ON appointment_slots (cri_code, staff_ref, starts_at);

CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    slot_id TEXT NOT NULL REFERENCES appointment_slots (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    cri_code TEXT NOT NULL,
    status TEXT NOT NULL,
    booked_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    reminder_recorded_at TIMESTAMP
);
-- Capacity one: a slot holds at most one appointment that is not cancelled.
CREATE UNIQUE INDEX appointments_one_per_slot ON appointments (slot_id) WHERE status <> 'cancelled';
CREATE INDEX appointments_by_case ON appointments (case_id, booked_at);
-- The reminder job reads only booked appointments not yet reminded.
CREATE INDEX appointments_to_remind ON appointments (slot_id) WHERE status = 'booked' AND reminder_recorded_at IS NULL;

CREATE TABLE collective_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    office_id TEXT NOT NULL REFERENCES welcome_offices (id),
    cri_code TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    minutes INTEGER NOT NULL,
    language TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX collective_sessions_by_office ON collective_sessions (office_id, starts_at);

CREATE TABLE session_enrolments (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES collective_sessions (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    status TEXT NOT NULL,
    enrolled_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX session_enrolments_once ON session_enrolments (session_id, case_id);
CREATE INDEX session_enrolments_by_case ON session_enrolments (case_id);

CREATE TABLE interpreting_requests (
    id TEXT PRIMARY KEY NOT NULL,
    cri_code TEXT NOT NULL,
    appointment_id TEXT REFERENCES appointments (id),
    session_id TEXT REFERENCES collective_sessions (id),
    language TEXT NOT NULL,
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    provider_reference TEXT,
    requested_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((appointment_id IS NULL) <> (session_id IS NULL))
);
CREATE INDEX interpreting_requests_by_cri ON interpreting_requests (cri_code, status, requested_at);
CREATE INDEX interpreting_requests_by_appointment ON interpreting_requests (appointment_id);
CREATE INDEX interpreting_requests_by_session ON interpreting_requests (session_id);
