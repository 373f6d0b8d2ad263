//! The `project_calls` table: the Region's calls for projects to local integration initiatives.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::local_integration::ProjectCall;

use crate::audit::{self, Actor};
use crate::schema::project_calls;
use crate::{DbConnection, StoreError, from_json, to_json};

/// A call as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = project_calls)]
pub struct ProjectCallRecord {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Axes (JSON list of the domain's `IliAxis`).
    pub axes_json: String,
    /// CRIs covered (JSON list of codes).
    pub territory_json: String,
    /// First day applications are received.
    pub opens_on: NaiveDate,
    /// Last day applications are received.
    pub closes_on: NaiveDate,
    /// Last day for the CRIs' opinions.
    pub opinion_deadline: NaiveDate,
    /// Budget, euro cents.
    pub budget_cents: i64,
    /// Criteria (JSON list of the domain's `Criterion`).
    pub criteria_json: String,
    /// Opened.
    pub created_at: NaiveDateTime,
    /// Organisation that opened it.
    pub created_by: String,
}

impl ProjectCallRecord {
    /// The row of a new call.
    pub fn new(id: String, call: &ProjectCall, now: NaiveDateTime, by: &str) -> Result<ProjectCallRecord, StoreError> {
        Ok(ProjectCallRecord {
            id,
            title: call.title.clone(),
            axes_json: to_json(&call.axes)?,
            territory_json: to_json(&call.territory)?,
            opens_on: call.opens_on,
            closes_on: call.closes_on,
            opinion_deadline: call.opinion_deadline,
            budget_cents: call.budget_cents,
            criteria_json: to_json(&call.criteria)?,
            created_at: now,
            created_by: by.to_owned(),
        })
    }

    /// The domain call.
    pub fn call(&self) -> Result<ProjectCall, StoreError> {
        Ok(ProjectCall {
            title: self.title.clone(),
            axes: from_json(&self.axes_json)?,
            territory: from_json(&self.territory_json)?,
            opens_on: self.opens_on,
            closes_on: self.closes_on,
            opinion_deadline: self.opinion_deadline,
            budget_cents: self.budget_cents,
            criteria: from_json(&self.criteria_json)?,
        })
    }
}

/// Opens a call; audited.
pub fn insert(conn: &mut DbConnection, record: &ProjectCallRecord, actor: &Actor) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::insert_into(project_calls::table).values(record).execute(conn)?;
        audit::append(conn, actor, "create_project_call", "project_call", Some(&record.id), None, record.created_at)
    })
}

/// One call (calls are public to every organisation of the sector).
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ProjectCallRecord>, StoreError> {
    Ok(project_calls::table.find(id).select(ProjectCallRecord::as_select()).first(conn).optional()?)
}

/// Calls, the most recently opened first; with `open_on`, only those receiving applications that day.
pub fn list(conn: &mut DbConnection, open_on: Option<NaiveDate>) -> Result<Vec<ProjectCallRecord>, StoreError> {
    let mut query = project_calls::table
        .order((project_calls::opens_on.desc(), project_calls::id.desc()))
        .select(ProjectCallRecord::as_select())
        .limit(500)
        .into_boxed();
    if let Some(day) = open_on {
        query = query.filter(project_calls::opens_on.le(day)).filter(project_calls::closes_on.ge(day));
    }
    Ok(query.load(conn)?)
}
