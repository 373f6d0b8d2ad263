//! # parcours-store
//!
//! Persistence for Parcours on PostgreSQL (production) and SQLite (embedded default), with the same
//! queries on both through diesel's `MultiConnection`. Every query that returns personal data takes the
//! caller's scope and filters by it in SQL; every write appends its audit row in the same transaction and
//! goes through [`write_transaction`] (`BEGIN IMMEDIATE` on SQLite). The store speaks domain types where
//! the domain has them (the case aggregate as `Case`, in a versioned envelope) and answers typed errors
//! ([`StoreError`], [`UniqueRule`]).
//!
//! One module per table or aggregate, named after it; none imports another in a circle (tested):
//! - [`persons`], [`determinations`], [`arrivals`] (commune intake);
//! - [`cases`] (the case row, its envelope, walk-ins, the hours operators added, the deadline sweep),
//!   [`case_events`] (the timeline), [`feed`] (the outbox the event feed reads);
//! - [`operators`], [`courses`] (with sessions), [`enrolments`] (and the participant inquiry),
//!   [`attendance`] (lines and the minutes they add);
//! - [`attestations`] (issued, superseded, revoked, reprinted, verified), [`cri_settings`] (what a CRI
//!   prints on its documents);
//! - [`idempotency`], [`audit`], [`jobs`] (background work and its leases), [`reference`] (CRIs, communes,
//!   CRI assignments); [`schema`] (every table), [`connection`] (backends, pool, migrations), [`seed`].

use std::fmt;

pub mod access_package;
pub mod access_report;
pub mod appointment_slots;
pub mod appointments;
pub mod arrivals;
pub mod attendance;
pub mod attestations;
pub mod audit;
pub mod case_events;
pub mod cases;
pub mod collective_sessions;
pub mod connection;
pub mod coordination_bodies;
pub mod coordination_meetings;
pub mod course_offers;
pub mod courses;
pub mod cri_settings;
pub mod data_requests;
pub mod determinations;
pub mod enrolments;
pub mod erasure_batches;
pub mod feed;
pub mod idempotency;
pub mod identity_conflicts;
pub mod interpreting_requests;
pub mod jobs;
pub mod legal_holds;
pub mod local_initiatives;
pub mod non_compliances;
pub mod operators;
pub mod parameter_values;
pub mod person_identities;
pub mod person_merges;
pub mod personal_data;
pub mod persons;
pub mod project_application_versions;
pub mod project_applications;
pub mod project_calls;
pub mod project_steps;
pub mod reference;
pub mod reminders;
pub mod sanction_procedures;
pub mod sanction_steps;
pub mod sandbox_clocks;
pub mod schema;
pub mod seed;
pub mod session_enrolments;
pub mod simulations;
pub mod statistics_releases;
pub mod training_registrations;
pub mod training_themes;
pub mod trainings;
pub mod webhook_attempts;
pub mod webhook_deliveries;
pub mod webhook_subscriptions;
pub mod welcome_offices;
mod yearly_counters;

pub use connection::{
    DatabaseTarget, DbConnection, Pool, PooledConnection, open_pool, run_migrations, write_transaction,
};

/// What can go wrong in the store. Messages are for logs, never for API clients.
#[derive(Debug)]
pub enum StoreError {
    /// The database URL or settings are wrong.
    Configuration(String),
    /// The database cannot be reached or the pool is exhausted.
    Unavailable(String),
    /// The database is busy (SQLite's write lock held past the busy timeout, a PostgreSQL serialization
    /// failure or deadlock): nothing was written, the same request may be sent again shortly.
    Busy(String),
    /// A migration failed.
    Migration(String),
    /// The row does not exist (or is outside the caller's scope).
    NotFound,
    /// The row changed since the caller read it (optimistic concurrency): nothing was written.
    StaleVersion {
        /// The version now stored.
        current_version: i32,
    },
    /// A uniqueness rule was hit: which one says what the client raced with.
    Duplicate(UniqueRule),
    /// Data read back does not have the expected shape.
    Corrupt(String),
    /// Any other database error.
    Database(diesel::result::Error),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Configuration(m) => write!(f, "configuration: {m}"),
            StoreError::Unavailable(m) => write!(f, "database unavailable: {m}"),
            StoreError::Migration(m) => write!(f, "migration failed: {m}"),
            StoreError::NotFound => f.write_str("not found"),
            StoreError::Busy(m) => write!(f, "database busy: {m}"),
            StoreError::StaleVersion { current_version } => write!(f, "stale version (now {current_version})"),
            StoreError::Duplicate(rule) => write!(f, "duplicate: {rule:?}"),
            StoreError::Corrupt(m) => write!(f, "corrupt data: {m}"),
            StoreError::Database(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<diesel::result::Error> for StoreError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Duplicate(UniqueRule::from_violation(info.constraint_name(), info.message()))
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                StoreError::Busy(info.message().to_owned())
            }
            // SQLite reports SQLITE_BUSY / SQLITE_LOCKED as an unknown database error; PostgreSQL a deadlock
            // (40P01) likewise.
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if ["database is locked", "database table is locked", "deadlock detected"]
                    .iter()
                    .any(|m| info.message().contains(m)) =>
            {
                StoreError::Busy(info.message().to_owned())
            }
            other => StoreError::Database(other),
        }
    }
}

/// The uniqueness rules of the schema, by what they protect. PostgreSQL names the constraint; SQLite
/// names the table and columns (`UNIQUE constraint failed: persons.niss`): both are read here, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UniqueRule {
    /// One person per national number.
    PersonNiss,
    /// At most one open case per person.
    OneOpenCasePerPerson,
    /// One case reference per CRI and year.
    CaseReference,
    /// One operator per enterprise number.
    OperatorEnterpriseNumber,
    /// One enrolment of a case in a course.
    EnrolmentPerCourseAndCase,
    /// One current attendance line per session and enrolment.
    CurrentAttendanceLine,
    /// One response per organisation and idempotency key.
    IdempotencyKey,
    /// One job per kind.
    JobKind,
    /// Feed positions are unique.
    FeedPosition,
    /// At most one attestation in force per case.
    OneValidAttestationPerCase,
    /// A slot holds at most one appointment that is not cancelled.
    AppointmentPerSlot,
    /// A staff member holds one slot per start time.
    SlotPerStaffAndStart,
    /// One enrolment of a case in a collective session.
    SessionEnrolmentPerCase,
    /// One local initiative per enterprise number.
    LocalInitiativeEnterpriseNumber,
    /// One registration per e-mail address and training.
    TrainingRegistrationPerEmail,
    /// One theme code per CRI.
    TrainingThemePerCri,
    /// Project feed positions are unique.
    ProjectFeedPosition,
    /// A rule not listed above (a defect: every constraint should be named here).
    Other(String),
}

impl UniqueRule {
    /// Reads the rule from a unique-violation error.
    pub fn from_violation(constraint: Option<&str>, message: &str) -> UniqueRule {
        let text = constraint.unwrap_or(message);
        let has = |needle: &str| text.contains(needle);
        if has("cases_one_open_per_person") || (has("cases.person_id") && !has("cases.reference")) {
            UniqueRule::OneOpenCasePerPerson
        } else if has("persons_niss") || has("persons.niss") {
            UniqueRule::PersonNiss
        } else if has("cases_reference") || has("cases.reference") {
            UniqueRule::CaseReference
        } else if has("operators_enterprise_number") || has("operators.enterprise_number") {
            UniqueRule::OperatorEnterpriseNumber
        } else if has("enrolments_course_id_case_id") || has("enrolments.course_id") {
            UniqueRule::EnrolmentPerCourseAndCase
        } else if has("attendance_one_current") || has("attendance_records.session_id") {
            UniqueRule::CurrentAttendanceLine
        } else if has("idempotency_keys") {
            UniqueRule::IdempotencyKey
        } else if has("jobs_pkey") || has("jobs.kind") {
            UniqueRule::JobKind
        } else if has("attestations_one_valid_per_case") || has("attestations.case_id") {
            UniqueRule::OneValidAttestationPerCase
        } else if has("appointments_one_per_slot") || has("appointments.slot_id") {
            UniqueRule::AppointmentPerSlot
        } else if has("appointment_slots_one_start_per_staff") || has("appointment_slots.cri_code") {
            UniqueRule::SlotPerStaffAndStart
        } else if has("session_enrolments_once") || has("session_enrolments.session_id") {
            UniqueRule::SessionEnrolmentPerCase
        } else if has("local_initiatives_enterprise_number") || has("local_initiatives.enterprise_number") {
            UniqueRule::LocalInitiativeEnterpriseNumber
        } else if has("training_registrations_one_per_email") || has("training_registrations.training_id") {
            UniqueRule::TrainingRegistrationPerEmail
        } else if has("training_themes_pkey") || has("training_themes.cri_code") {
            UniqueRule::TrainingThemePerCri
        } else if has("project_steps_seq") || has("project_steps.seq") {
            UniqueRule::ProjectFeedPosition
        } else if has("outbox_events_seq") || has("outbox_events.seq") {
            UniqueRule::FeedPosition
        } else {
            UniqueRule::Other(text.to_owned())
        }
    }
}

/// A stored code outside its list (a state or status written by a newer release, or by hand).
impl From<parcours_domain::codes::UnknownCode> for StoreError {
    fn from(error: parcours_domain::codes::UnknownCode) -> Self {
        StoreError::Corrupt(error.to_string())
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(error: r2d2::Error) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

/// A value stored as JSON text (the domain types of a row's JSON columns).
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("value not serialisable: {e}")))
}

/// A JSON column read back into its domain type.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("stored JSON unreadable: {e}")))
}

/// Communes as one searchable column: `,62063,62096,` (a `LIKE '%,62063,%'` finds what covers a commune).
pub(crate) fn communes_key(communes: &[parcours_domain::NisCode]) -> String {
    let mut key = String::from(",");
    for nis in communes {
        key.push_str(&nis.to_string());
        key.push(',');
    }
    key
}

/// The communes of a `communes_key`.
pub(crate) fn communes_of_key(key: &str) -> Vec<String> {
    key.split(',').filter(|c| !c.is_empty()).map(str::to_owned).collect()
}

/// A new identifier: UUID v7, time-ordered so that ids sort by creation (cursor pagination relies on it).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The store: a pool and the backend it talks to.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    target: DatabaseTarget,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("target", &self.target).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the database, runs pending migrations (which load the reference data), and returns the store.
    pub fn open(target: DatabaseTarget, pool_size: u32) -> Result<Store, StoreError> {
        let mut conn =
            connection::ConnectionManager::establish(&target).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        run_migrations(&mut conn)?;
        drop(conn);
        let pool = open_pool(&target, pool_size)?;
        Ok(Store { pool, target })
    }

    /// A connection from the pool.
    pub fn conn(&self) -> Result<PooledConnection, StoreError> {
        Ok(self.pool.get()?)
    }

    /// `postgres` or `sqlite`.
    pub fn backend_name(&self) -> &'static str {
        self.target.backend_name()
    }

    /// The pool now: (connections open, of which idle, configured size), for `/metrics`.
    pub fn pool_state(&self) -> (u32, u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections, self.pool.max_size())
    }

    /// Checks that the database answers (readiness probe).
    pub fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        Ok(connection::check_connection(&mut conn)?)
    }
}
