//! The `training_registrations` table: practitioners registered to a training (name, organisation,
//! professional e-mail), their place or waiting-list position, and the session days they attended. These
//! are professional data of the sector's workers, kept apart from the pathway's persons.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::practitioner_training::{CountedRegistration, RegistrationStatus};

use crate::audit::{self, Actor};
use crate::schema::{training_registrations, trainings};
use crate::{DbConnection, StoreError, from_json, to_json};

/// A registration as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = training_registrations)]
pub struct TrainingRegistrationRecord {
    /// Id.
    pub id: String,
    /// The training.
    pub training_id: String,
    /// The practitioner's name.
    pub full_name: String,
    /// Their organisation.
    pub organisation: String,
    /// Their professional e-mail, as given.
    pub email: String,
    /// The e-mail lowercased: one registration per address and training.
    pub email_key: String,
    /// The domain's `RegistrationStatus` code.
    pub status: String,
    /// Days attended (JSON list of dates).
    pub attended_json: String,
    /// Registered (the waiting list's order).
    pub registered_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

impl TrainingRegistrationRecord {
    /// Its status.
    pub fn status(&self) -> Result<RegistrationStatus, StoreError> {
        RegistrationStatus::parse(&self.status)
            .ok_or_else(|| StoreError::Corrupt(format!("registration status {}", self.status)))
    }

    /// The days attended.
    pub fn attended(&self) -> Result<Vec<NaiveDate>, StoreError> {
        from_json(&self.attended_json)
    }
}

/// Stores a registration (inside the caller's transaction, the training locked); audited.
pub fn insert(conn: &mut DbConnection, record: &TrainingRegistrationRecord, actor: &Actor) -> Result<(), StoreError> {
    diesel::insert_into(training_registrations::table).values(record).execute(conn)?;
    audit::append(
        conn,
        actor,
        "create_training_registration",
        "training",
        Some(&record.training_id),
        Some(format!("registration={} status={}", record.id, record.status)),
        record.registered_at,
    )
}

/// The registrations of a training, in the order they came.
pub fn of_training(conn: &mut DbConnection, training_id: &str) -> Result<Vec<TrainingRegistrationRecord>, StoreError> {
    Ok(training_registrations::table
        .filter(training_registrations::training_id.eq(training_id))
        .order((training_registrations::registered_at, training_registrations::id))
        .select(TrainingRegistrationRecord::as_select())
        .load(conn)?)
}

/// One registration with the CRI of its training.
pub fn find(
    conn: &mut DbConnection,
    id: &str,
    cri_code: &str,
) -> Result<Option<TrainingRegistrationRecord>, StoreError> {
    Ok(training_registrations::table
        .inner_join(trainings::table)
        .filter(training_registrations::id.eq(id))
        .filter(trainings::cri_code.eq(cri_code))
        .select(TrainingRegistrationRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Changes a registration's status (inside the caller's transaction); audited.
pub fn set_status(
    conn: &mut DbConnection,
    record: &TrainingRegistrationRecord,
    status: RegistrationStatus,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(training_registrations::table.find(&record.id))
        .set((training_registrations::status.eq(status.code()), training_registrations::updated_at.eq(now)))
        .execute(conn)?;
    audit::append(
        conn,
        actor,
        "update_training_registration",
        "training",
        Some(&record.training_id),
        Some(format!("registration={} status={}", record.id, status.code())),
        now,
    )
}

/// Records who attended one session day (inside the caller's transaction): the day is added to those
/// present and removed from the others, so a corrected list replaces the first; audited once.
pub fn record_attendance(
    conn: &mut DbConnection,
    training_id: &str,
    day: NaiveDate,
    present: &[String],
    registrations: &[TrainingRegistrationRecord],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    for registration in registrations {
        let mut days = registration.attended()?;
        let was = days.contains(&day);
        let is = present.contains(&registration.id);
        if was == is {
            continue;
        }
        if is {
            days.push(day);
            days.sort_unstable();
        } else {
            days.retain(|d| *d != day);
        }
        diesel::update(training_registrations::table.find(&registration.id))
            .set((
                training_registrations::attended_json.eq(to_json(&days)?),
                training_registrations::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    audit::append(
        conn,
        actor,
        "create_training_attendance",
        "training",
        Some(training_id),
        Some(format!("date={day} present={}", present.len())),
        now,
    )
}

/// Every registration of the trainings of a CRI (or all CRIs) that started in `[from, until)`, as the yearly
/// count reads them: theme, e-mail key and whether they attended.
pub fn counted(
    conn: &mut DbConnection,
    cri_code: Option<&str>,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<CountedRegistration>, StoreError> {
    let mut query = training_registrations::table
        .inner_join(trainings::table)
        .filter(trainings::first_day.ge(from))
        .filter(trainings::first_day.lt(until))
        .into_boxed();
    if let Some(cri) = cri_code {
        query = query.filter(trainings::cri_code.eq(cri));
    }
    let rows: Vec<(String, String, String)> = query
        .select((trainings::theme, training_registrations::email_key, training_registrations::attended_json))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(theme, practitioner, attended)| CountedRegistration { theme, practitioner, attended: attended != "[]" })
        .collect())
}

/// The registrations of several trainings (a list page in one statement).
pub fn of_trainings(
    conn: &mut DbConnection,
    training_ids: &[String],
) -> Result<Vec<TrainingRegistrationRecord>, StoreError> {
    Ok(training_registrations::table
        .filter(training_registrations::training_id.eq_any(training_ids))
        .order((training_registrations::registered_at, training_registrations::id))
        .select(TrainingRegistrationRecord::as_select())
        .load(conn)?)
}
