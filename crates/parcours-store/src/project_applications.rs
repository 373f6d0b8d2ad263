//! The `project_applications` table: each ILI application to a call and the project it becomes — where it
//! stands, its current version, what was asked and granted. Its steps are in `project_steps`, its versions
//! in `project_application_versions`; every change goes through [`submit`] or [`record_step`], which write
//! all three and the audit row in the caller's transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::local_integration::{Application, ProjectFile, ProjectStep};

use crate::audit::{self, Actor};
use crate::project_application_versions::{self, ApplicationVersionRecord};
use crate::project_steps::{self, ProjectStepRecord};
use crate::schema::project_applications;
use crate::{DbConnection, StoreError, communes_key};

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = project_applications)]
pub struct ProjectApplicationRecord {
    /// Id.
    pub id: String,
    /// The call.
    pub call_id: String,
    /// The applicant ILI.
    pub initiative_id: String,
    /// Its enterprise number (the `ili:` of its tokens).
    pub enterprise_number: String,
    /// The competent CRI.
    pub cri_code: String,
    /// Communes where the project runs (`,62063,`).
    pub communes_key: String,
    /// The project's title (of the current version).
    pub project_title: String,
    /// The domain's `ProjectStatus` code.
    pub status: String,
    /// Current version.
    pub version: i32,
    /// Asked by the current version, euro cents.
    pub requested_cents: i64,
    /// Granted by the Region, euro cents (0 until granted).
    pub granted_cents: i64,
    /// First submitted.
    pub submitted_at: NaiveDateTime,
    /// Last step.
    pub updated_at: NaiveDateTime,
}

/// Who reads applications and projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectScope {
    /// The Region: all.
    Region,
    /// A CRI: those it is competent for.
    Cri(String),
    /// An ILI: its own.
    Initiative(String),
    /// A commune: the projects that cover it (the API shows them without budgets).
    Commune(String),
}

type Boxed<'a> = project_applications::BoxedQuery<'a, <DbConnection as diesel::Connection>::Backend>;

fn scoped<'a>(query: Boxed<'a>, scope: &'a ProjectScope) -> Boxed<'a> {
    match scope {
        ProjectScope::Region => query,
        ProjectScope::Cri(cri) => query.filter(project_applications::cri_code.eq(cri)),
        ProjectScope::Initiative(number) => query.filter(project_applications::enterprise_number.eq(number)),
        ProjectScope::Commune(nis) => query.filter(project_applications::communes_key.like(format!("%,{nis},%"))),
    }
}

/// Submits a first version (inside the caller's transaction): the application, its version 1 and its
/// `submitted` step; audited.
#[expect(clippy::too_many_arguments, reason = "the application's identity, content, competent CRI and audit")]
pub fn submit(
    conn: &mut DbConnection,
    id: &str,
    call_id: &str,
    initiative_id: &str,
    enterprise_number: &str,
    cri_code: &str,
    content: &Application,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<ProjectApplicationRecord, StoreError> {
    let record = ProjectApplicationRecord {
        id: id.to_owned(),
        call_id: call_id.to_owned(),
        initiative_id: initiative_id.to_owned(),
        enterprise_number: enterprise_number.to_owned(),
        cri_code: cri_code.to_owned(),
        communes_key: communes_key(&content.communes),
        project_title: content.project_title.clone(),
        status: "submitted".to_owned(),
        version: 1,
        requested_cents: content.requested_cents(),
        granted_cents: 0,
        submitted_at: now,
        updated_at: now,
    };
    diesel::insert_into(project_applications::table).values(&record).execute(conn)?;
    project_application_versions::insert(conn, &ApplicationVersionRecord::new(id, 1, content, now)?)?;
    project_steps::append(
        conn,
        id,
        cri_code,
        enterprise_number,
        &ProjectStep::Submitted { version: 1 },
        &actor.organisation,
        now,
    )?;
    audit::append(conn, actor, "create_project_application", "project_application", Some(id), None, now)?;
    Ok(record)
}

/// One application in the caller's scope.
pub fn find(
    conn: &mut DbConnection,
    id: &str,
    scope: &ProjectScope,
) -> Result<Option<ProjectApplicationRecord>, StoreError> {
    let query = project_applications::table.filter(project_applications::id.eq(id)).into_boxed();
    Ok(scoped(query, scope).select(ProjectApplicationRecord::as_select()).first(conn).optional()?)
}

/// Locks one application of the scope for a change (inside the caller's transaction): concurrent steps on
/// the same project queue here, and each is decided on what the previous one left.
pub fn lock(conn: &mut DbConnection, id: &str, scope: &ProjectScope) -> Result<ProjectApplicationRecord, StoreError> {
    let found = find(conn, id, scope)?.ok_or(StoreError::NotFound)?;
    diesel::update(project_applications::table.find(id))
        .set(project_applications::id.eq(project_applications::id))
        .execute(conn)?;
    Ok(found)
}

/// Applications of the scope, newest first, optionally of one call and one status; `before` is the id of
/// the last row of the previous page.
pub fn list(
    conn: &mut DbConnection,
    scope: &ProjectScope,
    call_id: Option<&str>,
    status: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<ProjectApplicationRecord>, StoreError> {
    let mut query = scoped(project_applications::table.into_boxed(), scope);
    if let Some(call) = call_id {
        query = query.filter(project_applications::call_id.eq(call));
    }
    if let Some(status) = status {
        query = query.filter(project_applications::status.eq(status));
    }
    if let Some(before) = before {
        query = query.filter(project_applications::id.lt(before));
    }
    Ok(query
        .order(project_applications::id.desc())
        .limit(limit)
        .select(ProjectApplicationRecord::as_select())
        .load(conn)?)
}

/// What the Region already granted in a call, euro cents.
pub fn granted_in_call(conn: &mut DbConnection, call_id: &str) -> Result<i64, StoreError> {
    let amounts: Vec<i64> = project_applications::table
        .filter(project_applications::call_id.eq(call_id))
        .select(project_applications::granted_cents)
        .load(conn)?;
    Ok(amounts.into_iter().sum())
}

/// Records a decided step (inside the caller's transaction, on a row taken with [`lock`]): the step at the
/// next feed position, the application's new status, version and amounts, the new version's content when
/// it is a revision, and the audit row.
pub fn record_step(
    conn: &mut DbConnection,
    current: &ProjectApplicationRecord,
    step: &ProjectStep,
    after: &ProjectFile,
    revision: Option<&Application>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(ProjectApplicationRecord, ProjectStepRecord), StoreError> {
    let mut next = current.clone();
    next.status = after.status.code().to_owned();
    next.version = after.version;
    next.requested_cents = after.requested_cents;
    next.updated_at = now;
    if let ProjectStep::Decision { granted_cents, .. } = step {
        next.granted_cents = *granted_cents;
    }
    if let Some(content) = revision {
        project_application_versions::insert(
            conn,
            &ApplicationVersionRecord::new(&current.id, after.version, content, now)?,
        )?;
        next.project_title = content.project_title.clone();
        next.communes_key = communes_key(&content.communes);
    }
    diesel::update(project_applications::table.find(&current.id))
        .set((
            project_applications::status.eq(&next.status),
            project_applications::version.eq(next.version),
            project_applications::requested_cents.eq(next.requested_cents),
            project_applications::granted_cents.eq(next.granted_cents),
            project_applications::project_title.eq(&next.project_title),
            project_applications::communes_key.eq(&next.communes_key),
            project_applications::updated_at.eq(now),
        ))
        .execute(conn)?;
    let recorded = project_steps::append(
        conn,
        &current.id,
        &current.cri_code,
        &current.enterprise_number,
        step,
        &actor.organisation,
        now,
    )?;
    let action = format!("create_{}", step.event().code());
    audit::append(conn, actor, &action, "project_application", Some(&current.id), None, now)?;
    Ok((next, recorded))
}
