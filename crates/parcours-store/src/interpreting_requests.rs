//! The `interpreting_requests` table: an interpreter asked of the interpreting service (SETIS wallon) for
//! an appointment or a collective session, and what became of the request.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::case::InterpretingMode;
use parcours_domain::welcome_office::{BookedInterpreter, InterpretingStatus};

use crate::schema::interpreting_requests;
use crate::{DbConnection, StoreError};

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = interpreting_requests)]
pub struct InterpretingRecord {
    /// Id.
    pub id: String,
    /// The CRI that asked.
    pub cri_code: String,
    /// The appointment, or
    pub appointment_id: Option<String>,
    /// the session.
    pub session_id: Option<String>,
    /// Language.
    pub language: String,
    /// Mode code.
    pub mode: String,
    /// Status code.
    pub status: String,
    /// The service's reference.
    pub provider_reference: Option<String>,
    /// Asked.
    pub requested_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

impl InterpretingRecord {
    /// The status.
    pub fn status(&self) -> Result<InterpretingStatus, StoreError> {
        InterpretingStatus::parse(&self.status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown interpreting status {}", self.status)))
    }

    /// The mode.
    pub fn mode(&self) -> Result<InterpretingMode, StoreError> {
        InterpretingMode::parse(&self.mode)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown interpreting mode {}", self.mode)))
    }

    /// The interpreter, when the service confirmed one (or they came).
    pub fn booked(&self) -> Result<Option<BookedInterpreter>, StoreError> {
        self.status()?
            .interpreter_booked()
            .then(|| self.mode().map(|mode| BookedInterpreter { language: self.language.clone(), mode }))
            .transpose()
    }
}

/// Stores a request.
pub fn insert(conn: &mut DbConnection, record: &InterpretingRecord) -> Result<(), StoreError> {
    diesel::insert_into(interpreting_requests::table).values(record).execute(conn)?;
    Ok(())
}

/// One request of the CRI.
pub fn find(conn: &mut DbConnection, id: &str, cri_code: &str) -> Result<Option<InterpretingRecord>, StoreError> {
    Ok(interpreting_requests::table
        .filter(interpreting_requests::id.eq(id))
        .filter(interpreting_requests::cri_code.eq(cri_code))
        .select(InterpretingRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The CRI's requests with one of `statuses`, oldest first.
pub fn of_cri(
    conn: &mut DbConnection,
    cri_code: &str,
    statuses: &[&str],
) -> Result<Vec<InterpretingRecord>, StoreError> {
    Ok(interpreting_requests::table
        .filter(interpreting_requests::cri_code.eq(cri_code))
        .filter(interpreting_requests::status.eq_any(statuses))
        .order((interpreting_requests::requested_at, interpreting_requests::id))
        .limit(500)
        .select(InterpretingRecord::as_select())
        .load(conn)?)
}

/// The requests for an appointment or a session, oldest first.
pub fn for_occasion(
    conn: &mut DbConnection,
    appointment_id: Option<&str>,
    session_id: Option<&str>,
) -> Result<Vec<InterpretingRecord>, StoreError> {
    let mut query = interpreting_requests::table.into_boxed();
    query = match (appointment_id, session_id) {
        (Some(id), _) => query.filter(interpreting_requests::appointment_id.eq(id.to_owned())),
        (None, Some(id)) => query.filter(interpreting_requests::session_id.eq(id.to_owned())),
        (None, None) => return Ok(Vec::new()),
    };
    Ok(query.order(interpreting_requests::requested_at).select(InterpretingRecord::as_select()).load(conn)?)
}

/// The interpreter booked for an appointment or session, if a request is confirmed or done.
pub fn booked_for(
    conn: &mut DbConnection,
    appointment_id: Option<&str>,
    session_id: Option<&str>,
) -> Result<Option<BookedInterpreter>, StoreError> {
    for request in for_occasion(conn, appointment_id, session_id)? {
        if let Some(booked) = request.booked()? {
            return Ok(Some(booked));
        }
    }
    Ok(None)
}

/// Changes a request's status if it is still `from`: the number of rows changed.
pub fn change_status(
    conn: &mut DbConnection,
    id: &str,
    from: InterpretingStatus,
    to: InterpretingStatus,
    provider_reference: Option<&str>,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    let target = interpreting_requests::table
        .filter(interpreting_requests::id.eq(id))
        .filter(interpreting_requests::status.eq(from.code()));
    Ok(match provider_reference {
        Some(reference) => diesel::update(target)
            .set((
                interpreting_requests::status.eq(to.code()),
                interpreting_requests::provider_reference.eq(reference),
                interpreting_requests::updated_at.eq(now),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((interpreting_requests::status.eq(to.code()), interpreting_requests::updated_at.eq(now)))
            .execute(conn)?,
    })
}
