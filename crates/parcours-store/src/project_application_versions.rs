//! The `project_application_versions` table: every version of an application as the ILI submitted it.
//! Nothing is edited after submission; a change is a new version, and opinions name the version they read.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::local_integration::Application;

use crate::schema::project_application_versions;
use crate::{DbConnection, StoreError, from_json, to_json};

/// One version as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = project_application_versions)]
pub struct ApplicationVersionRecord {
    /// The application.
    pub application_id: String,
    /// Version number, from 1.
    pub version: i32,
    /// What was submitted (JSON of the domain's `Application`).
    pub content_json: String,
    /// Submitted.
    pub submitted_at: NaiveDateTime,
}

impl ApplicationVersionRecord {
    /// The row of a submitted version.
    pub fn new(
        application_id: &str,
        version: i32,
        content: &Application,
        now: NaiveDateTime,
    ) -> Result<ApplicationVersionRecord, StoreError> {
        Ok(ApplicationVersionRecord {
            application_id: application_id.to_owned(),
            version,
            content_json: to_json(content)?,
            submitted_at: now,
        })
    }

    /// The domain application.
    pub fn content(&self) -> Result<Application, StoreError> {
        from_json(&self.content_json)
    }
}

/// Stores a version (inside the caller's transaction).
pub fn insert(conn: &mut DbConnection, record: &ApplicationVersionRecord) -> Result<(), StoreError> {
    diesel::insert_into(project_application_versions::table).values(record).execute(conn)?;
    Ok(())
}

/// One version of an application.
pub fn find(
    conn: &mut DbConnection,
    application_id: &str,
    version: i32,
) -> Result<Option<ApplicationVersionRecord>, StoreError> {
    Ok(project_application_versions::table
        .find((application_id, version))
        .select(ApplicationVersionRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The current versions of several applications (a list page in one statement).
pub fn current_of(
    conn: &mut DbConnection,
    keys: &[(String, i32)],
) -> Result<Vec<ApplicationVersionRecord>, StoreError> {
    let ids: Vec<&str> = keys.iter().map(|(id, _)| id.as_str()).collect();
    let rows: Vec<ApplicationVersionRecord> = project_application_versions::table
        .filter(project_application_versions::application_id.eq_any(&ids))
        .select(ApplicationVersionRecord::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|row| keys.iter().any(|(id, v)| *id == row.application_id && *v == row.version))
        .collect())
}
