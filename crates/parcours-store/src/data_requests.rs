//! The `data_requests` table: the person's requests about their data (access, rectification, restriction,
//! erasure), recorded and decided by the CRI competent for them, with the deadline the domain computes
//! (`parcours_domain::data_requests`). A granted erasure erases the person at once, in the same
//! transaction, when nothing keeps the file (see [`crate::erasure_batches::erase_person`]).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::data_requests::DataRequest;

use crate::audit::{self, Actor};
use crate::schema::data_requests;
use crate::{DbConnection, StoreError, new_id};

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = data_requests)]
pub struct DataRequestRecord {
    /// Id.
    pub id: String,
    /// The person.
    pub person_id: String,
    /// The CRI handling it.
    pub cri_code: String,
    /// `access`, `rectification`, `restriction`, `erasure`.
    pub kind: String,
    /// Received.
    pub received_on: NaiveDate,
    /// Deadline now.
    pub due_on: NaiveDate,
    /// What the person asked, as the CRI recorded it.
    pub details: String,
    /// `open` or `decided`.
    pub status: String,
    /// The domain's request (extension, decision).
    pub state_json: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

impl DataRequestRecord {
    /// The domain's request.
    pub fn request(&self) -> Result<DataRequest, StoreError> {
        serde_json::from_str(&self.state_json).map_err(|e| StoreError::Corrupt(format!("data request unreadable: {e}")))
    }
}

fn encode(request: &DataRequest) -> Result<String, StoreError> {
    serde_json::to_string(request).map_err(|e| StoreError::Corrupt(format!("data request cannot be encoded: {e}")))
}

/// Records a request; audited with the person as subject.
pub fn record_request(
    conn: &mut DbConnection,
    person_id: &str,
    cri_code: &str,
    request: &DataRequest,
    details: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<DataRequestRecord, StoreError> {
    crate::write_transaction(conn, |conn| {
        let record = DataRequestRecord {
            id: new_id(),
            person_id: person_id.to_owned(),
            cri_code: cri_code.to_owned(),
            kind: request.kind.code().to_owned(),
            received_on: request.received_on,
            due_on: request.due_on(),
            details: details.to_owned(),
            status: "open".into(),
            state_json: encode(request)?,
            recorded_by: actor.subject.clone(),
            recorded_at: now,
            updated_at: now,
        };
        diesel::insert_into(data_requests::table).values(&record).execute(conn)?;
        let shown = [person_id.to_owned()];
        let detail = Some(format!("kind={}", record.kind));
        audit::append_showing(
            conn,
            actor,
            "record_data_request",
            "data_request",
            Some(&record.id),
            detail,
            &shown,
            now,
        )?;
        Ok(record)
    })
}

/// One request of the CRI's; audited as a read.
pub fn get_request(
    conn: &mut DbConnection,
    id: &str,
    cri_code: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<DataRequestRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let found: Option<DataRequestRecord> = data_requests::table
            .find(id)
            .filter(data_requests::cri_code.eq(cri_code))
            .select(DataRequestRecord::as_select())
            .first(conn)
            .optional()?;
        if let Some(record) = &found {
            let shown = [record.person_id.clone()];
            audit::append_showing(conn, actor, "read_data_request", "data_request", Some(id), None, &shown, now)?;
        }
        Ok(found)
    })
}

/// The CRI's requests: open ones first by deadline, then the decided ones, newest first; audited with the
/// persons shown.
pub fn list_requests(
    conn: &mut DbConnection,
    cri_code: &str,
    open_only: bool,
    limit: i64,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<DataRequestRecord>, StoreError> {
    let mut query = data_requests::table
        .filter(data_requests::cri_code.eq(cri_code))
        .select(DataRequestRecord::as_select())
        .order((data_requests::status.desc(), data_requests::due_on.asc(), data_requests::id.asc()))
        .limit(limit)
        .into_boxed();
    if open_only {
        query = query.filter(data_requests::status.eq("open"));
    }
    let rows: Vec<DataRequestRecord> = query.load(conn)?;
    let shown: Vec<String> = rows.iter().map(|r| r.person_id.clone()).collect();
    crate::write_transaction(conn, |conn| {
        let detail = Some(format!("count={}", rows.len()));
        audit::append_showing(conn, actor, "list_data_requests", "data_request", None, detail, &shown, now)
    })?;
    Ok(rows)
}

/// What a change to a request found.
#[derive(Debug)]
pub enum RequestChange<E> {
    /// Changed.
    Changed(Box<DataRequestRecord>),
    /// The domain (or the caller's check) refused it.
    Refused(E),
    /// No such request for the CRI.
    NotFound,
}

/// Changes a request of the CRI through `change` (an extension or a decision), which may act on the rest of
/// the store in the same transaction (a granted erasure erases the person); audited as `action`.
pub fn change_request<E>(
    conn: &mut DbConnection,
    id: &str,
    cri_code: &str,
    action: &str,
    actor: &Actor,
    now: NaiveDateTime,
    change: impl FnOnce(&mut DbConnection, &DataRequestRecord, &mut DataRequest) -> Result<Result<(), E>, StoreError>,
) -> Result<RequestChange<E>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let found: Option<DataRequestRecord> = data_requests::table
            .find(id)
            .filter(data_requests::cri_code.eq(cri_code))
            .select(DataRequestRecord::as_select())
            .first(conn)
            .optional()?;
        let Some(record) = found else { return Ok(RequestChange::NotFound) };
        let mut request = record.request()?;
        if let Err(refusal) = change(conn, &record, &mut request)? {
            return Ok(RequestChange::Refused(refusal));
        }
        let status = if request.decision.is_some() { "decided" } else { "open" };
        diesel::update(data_requests::table.find(id))
            .set((
                data_requests::due_on.eq(request.due_on()),
                data_requests::status.eq(status),
                data_requests::state_json.eq(encode(&request)?),
                data_requests::updated_at.eq(now),
            ))
            .execute(conn)?;
        let shown = [record.person_id.clone()];
        audit::append_showing(conn, actor, action, "data_request", Some(id), None, &shown, now)?;
        let changed = data_requests::table.find(id).select(DataRequestRecord::as_select()).first(conn)?;
        Ok(RequestChange::Changed(Box::new(changed)))
    })
}
