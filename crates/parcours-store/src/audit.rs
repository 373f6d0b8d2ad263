//! The audit trail: who did or read what, when, under which request. Append-only (the database refuses
//! updates and deletes of `audit_log`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::audit_log;
use crate::{DbConnection, StoreError, new_id};

/// Who is acting, and in which request: passed down with every write and every read of personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Token subject (a user or a service account).
    pub subject: String,
    /// Organisation (`commune:62063`, `cri:CRIPEL`, `region:SPW`).
    pub organisation: String,
    /// Request id, as logged.
    pub request_id: String,
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRecord {
    /// Id.
    pub id: String,
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
    /// Request id.
    pub request_id: String,
    /// Token subject.
    pub subject: String,
    /// Organisation.
    pub organisation: String,
    /// What was done (`create_arrival`, `read_arrival`, ...).
    pub action: String,
    /// Kind of resource (`arrival`, `person`, `commune`).
    pub resource_type: String,
    /// Which resource, when there is one.
    pub resource_id: Option<String>,
    /// Non-personal detail (counts, filters, old values of reference data).
    pub detail: Option<String>,
}

/// Appends an audit row.
pub fn append(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    resource_type: &str,
    resource_id: Option<&str>,
    detail: Option<String>,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let row = AuditRecord {
        id: new_id(),
        occurred_at: now,
        request_id: actor.request_id.clone(),
        subject: actor.subject.clone(),
        organisation: actor.organisation.clone(),
        action: action.to_owned(),
        resource_type: resource_type.to_owned(),
        resource_id: resource_id.map(str::to_owned),
        detail,
    };
    diesel::insert_into(audit_log::table).values(&row).execute(conn)?;
    Ok(())
}

/// Audit rows about one resource, oldest first (operations and tests).
pub fn for_resource(conn: &mut DbConnection, resource_id: &str) -> Result<Vec<AuditRecord>, StoreError> {
    Ok(audit_log::table
        .filter(audit_log::resource_id.eq(resource_id))
        .order(audit_log::id.asc())
        .select(AuditRecord::as_select())
        .load(conn)?)
}
