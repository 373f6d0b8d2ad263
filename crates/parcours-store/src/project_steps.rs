//! The `project_steps` table: each dated step of a project (submission, versions, opinion, decision,
//! support visits, reports, evaluation), in order. It is also the project feed that the applicant, the CRI
//! and the Region read with `after=<seq>`.
//!
//! Why a reader never skips a step: on PostgreSQL a step takes its position under a transaction-scoped
//! advisory lock that the commit releases, above every position already committed; so positions become
//! visible in order. Projects are a few hundred a year: writers queueing on that lock costs nothing. On
//! SQLite the single write lock already orders writers.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::local_integration::ProjectStep;

use crate::schema::project_steps;
use crate::{DbConnection, StoreError, from_json, new_id, to_json};

/// A step as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = project_steps)]
pub struct ProjectStepRecord {
    /// Id.
    pub id: String,
    /// Feed position.
    pub seq: i64,
    /// The project.
    pub application_id: String,
    /// Event kind (the domain's `ProjectEventKind` code).
    pub kind: String,
    /// The step (JSON of the domain's `ProjectStep`).
    pub step_json: String,
    /// The competent CRI.
    pub cri_code: String,
    /// The applicant's enterprise number.
    pub enterprise_number: String,
    /// Recorded.
    pub recorded_at: NaiveDateTime,
    /// The organisation that recorded it.
    pub recorded_by: String,
}

impl ProjectStepRecord {
    /// The domain step.
    pub fn step(&self) -> Result<ProjectStep, StoreError> {
        from_json(&self.step_json)
    }
}

/// Who reads the project feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectReader {
    /// The Region: every project.
    Region,
    /// A CRI: the projects it is competent for.
    Cri(String),
    /// An ILI: its own projects.
    Initiative(String),
}

/// Appends a step to a project (inside the caller's transaction), at the next feed position.
pub fn append(
    conn: &mut DbConnection,
    application_id: &str,
    cri_code: &str,
    enterprise_number: &str,
    step: &ProjectStep,
    recorded_by: &str,
    now: NaiveDateTime,
) -> Result<ProjectStepRecord, StoreError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7243002)").execute(pg)?;
    }
    let last: Option<i64> = project_steps::table.select(diesel::dsl::max(project_steps::seq)).first(conn)?;
    let record = ProjectStepRecord {
        id: new_id(),
        seq: last.unwrap_or(0) + 1,
        application_id: application_id.to_owned(),
        kind: step.event().code().to_owned(),
        step_json: to_json(step)?,
        cri_code: cri_code.to_owned(),
        enterprise_number: enterprise_number.to_owned(),
        recorded_at: now,
        recorded_by: recorded_by.to_owned(),
    };
    diesel::insert_into(project_steps::table).values(&record).execute(conn)?;
    Ok(record)
}

/// The steps of one project, in order.
pub fn of_application(conn: &mut DbConnection, application_id: &str) -> Result<Vec<ProjectStepRecord>, StoreError> {
    Ok(project_steps::table
        .filter(project_steps::application_id.eq(application_id))
        .order(project_steps::seq.asc())
        .select(ProjectStepRecord::as_select())
        .load(conn)?)
}

/// The feed: steps after position `after`, oldest first, of the reader's projects.
pub fn feed(
    conn: &mut DbConnection,
    reader: &ProjectReader,
    after: i64,
    limit: i64,
) -> Result<Vec<ProjectStepRecord>, StoreError> {
    let mut query = project_steps::table
        .filter(project_steps::seq.gt(after))
        .order(project_steps::seq.asc())
        .limit(limit)
        .select(ProjectStepRecord::as_select())
        .into_boxed();
    query = match reader {
        ProjectReader::Region => query,
        ProjectReader::Cri(cri) => query.filter(project_steps::cri_code.eq(cri.clone())),
        ProjectReader::Initiative(number) => query.filter(project_steps::enterprise_number.eq(number.clone())),
    };
    Ok(query.load(conn)?)
}
