//! The `trainings` table: the training cycles and modules a CRI runs for practitioners.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::practitioner_training::{Training, TrainingKind};

use crate::audit::{self, Actor};
use crate::schema::trainings;
use crate::{DbConnection, StoreError, from_json, to_json};

/// A training as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = trainings)]
pub struct TrainingRecord {
    /// Id.
    pub id: String,
    /// The CRI that runs it.
    pub cri_code: String,
    /// `cycle` or `module`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Theme code.
    pub theme: String,
    /// Sessions (JSON list of the domain's `TrainingSession`).
    pub sessions_json: String,
    /// Its first day (lists and registration close on it).
    pub first_day: NaiveDate,
    /// Where.
    pub place: String,
    /// Places.
    pub capacity: i32,
    /// Trainer.
    pub trainer: String,
    /// Created.
    pub created_at: NaiveDateTime,
}

impl TrainingRecord {
    /// The row of a new training (at least one session: checked by the domain first).
    pub fn new(
        id: String,
        cri_code: &str,
        training: &Training,
        now: NaiveDateTime,
    ) -> Result<TrainingRecord, StoreError> {
        let first_day =
            training.sessions.first().map(|s| s.date).ok_or(StoreError::Corrupt("training without session".into()))?;
        Ok(TrainingRecord {
            id,
            cri_code: cri_code.to_owned(),
            kind: match training.kind {
                TrainingKind::Cycle => "cycle".to_owned(),
                TrainingKind::Module => "module".to_owned(),
            },
            title: training.title.clone(),
            theme: training.theme.clone(),
            sessions_json: to_json(&training.sessions)?,
            first_day,
            place: training.place.clone(),
            capacity: i32::try_from(training.capacity).unwrap_or(i32::MAX),
            trainer: training.trainer.clone(),
            created_at: now,
        })
    }

    /// The domain training.
    pub fn training(&self) -> Result<Training, StoreError> {
        Ok(Training {
            kind: if self.kind == "module" { TrainingKind::Module } else { TrainingKind::Cycle },
            title: self.title.clone(),
            theme: self.theme.clone(),
            sessions: from_json(&self.sessions_json)?,
            place: self.place.clone(),
            capacity: u32::try_from(self.capacity).unwrap_or(0),
            trainer: self.trainer.clone(),
        })
    }
}

/// Stores a new training; audited.
pub fn insert(conn: &mut DbConnection, record: &TrainingRecord, actor: &Actor) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::insert_into(trainings::table).values(record).execute(conn)?;
        audit::append(conn, actor, "create_training", "training", Some(&record.id), None, record.created_at)
    })
}

/// One training, of the CRI when `cri_code` is given (the Region reads all).
pub fn find(conn: &mut DbConnection, id: &str, cri_code: Option<&str>) -> Result<Option<TrainingRecord>, StoreError> {
    let mut query = trainings::table.filter(trainings::id.eq(id)).into_boxed();
    if let Some(cri) = cri_code {
        query = query.filter(trainings::cri_code.eq(cri));
    }
    Ok(query.select(TrainingRecord::as_select()).first(conn).optional()?)
}

/// Locks a training of the CRI for a change of its registrations (inside the caller's transaction):
/// places are counted one registration at a time.
pub fn lock(conn: &mut DbConnection, id: &str, cri_code: &str) -> Result<TrainingRecord, StoreError> {
    let found = find(conn, id, Some(cri_code))?.ok_or(StoreError::NotFound)?;
    diesel::update(trainings::table.find(id)).set(trainings::id.eq(trainings::id)).execute(conn)?;
    Ok(found)
}

/// Trainings starting in `[from, until)`, of one CRI or all, by first day.
pub fn list(
    conn: &mut DbConnection,
    cri_code: Option<&str>,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<TrainingRecord>, StoreError> {
    let mut query =
        trainings::table.filter(trainings::first_day.ge(from)).filter(trainings::first_day.lt(until)).into_boxed();
    if let Some(cri) = cri_code {
        query = query.filter(trainings::cri_code.eq(cri));
    }
    Ok(query.order((trainings::first_day, trainings::id)).limit(1000).select(TrainingRecord::as_select()).load(conn)?)
}
