//! The `training_themes` table: the themes a CRI adds to the base list of practitioner trainings.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, Actor};
use crate::schema::training_themes;
use crate::{DbConnection, StoreError};

/// A CRI's own theme.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = training_themes)]
pub struct TrainingThemeRecord {
    /// The CRI.
    pub cri_code: String,
    /// Code.
    pub code: String,
    /// Label, French.
    pub label_fr: String,
    /// Label, English.
    pub label_en: String,
    /// Added.
    pub created_at: NaiveDateTime,
}

/// Adds a theme; audited. The same code twice is `Duplicate(TrainingThemePerCri)`.
pub fn insert(conn: &mut DbConnection, record: &TrainingThemeRecord, actor: &Actor) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::insert_into(training_themes::table).values(record).execute(conn)?;
        audit::append(
            conn,
            actor,
            "create_training_theme",
            "training_theme",
            Some(&record.code),
            None,
            record.created_at,
        )
    })
}

/// The CRI's own themes, by code.
pub fn of_cri(conn: &mut DbConnection, cri_code: &str) -> Result<Vec<TrainingThemeRecord>, StoreError> {
    Ok(training_themes::table
        .filter(training_themes::cri_code.eq(cri_code))
        .order(training_themes::code)
        .select(TrainingThemeRecord::as_select())
        .load(conn)?)
}
