//! The `collective_sessions` table: rights-and-duties sessions an office holds for several persons.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::welcome_office::CollectiveSession;

use crate::schema::collective_sessions;
use crate::{DbConnection, StoreError};

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = collective_sessions)]
pub struct SessionRecord {
    /// Id.
    pub id: String,
    /// Office.
    pub office_id: String,
    /// The office's CRI.
    pub cri_code: String,
    /// Start (UTC).
    pub starts_at: NaiveDateTime,
    /// Length in minutes.
    pub minutes: i32,
    /// Language (ISO 639).
    pub language: String,
    /// Places.
    pub capacity: i32,
    /// Created.
    pub created_at: NaiveDateTime,
}

impl SessionRecord {
    /// The row of a new session.
    pub fn new(id: String, office_id: &str, cri_code: &str, session: &CollectiveSession, now: NaiveDateTime) -> Self {
        SessionRecord {
            id,
            office_id: office_id.to_owned(),
            cri_code: cri_code.to_owned(),
            starts_at: session.starts_at.naive_utc(),
            minutes: i32::try_from(session.minutes).unwrap_or(i32::MAX),
            language: session.language.clone(),
            capacity: i32::try_from(session.capacity).unwrap_or(i32::MAX),
            created_at: now,
        }
    }

    /// The domain session.
    pub fn session(&self) -> CollectiveSession {
        CollectiveSession {
            starts_at: self.starts_at.and_utc(),
            minutes: u32::try_from(self.minutes).unwrap_or(0),
            language: self.language.clone(),
            capacity: u32::try_from(self.capacity).unwrap_or(0),
        }
    }
}

/// Stores a session.
pub fn insert(conn: &mut DbConnection, record: &SessionRecord) -> Result<(), StoreError> {
    diesel::insert_into(collective_sessions::table).values(record).execute(conn)?;
    Ok(())
}

/// One session of the CRI.
pub fn find(conn: &mut DbConnection, id: &str, cri_code: &str) -> Result<Option<SessionRecord>, StoreError> {
    Ok(collective_sessions::table
        .filter(collective_sessions::id.eq(id))
        .filter(collective_sessions::cri_code.eq(cri_code))
        .select(SessionRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Takes the session's row lock until commit, so that enrolments count places one at a time.
pub fn lock(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    diesel::update(collective_sessions::table.find(id))
        .set(collective_sessions::id.eq(collective_sessions::id))
        .execute(conn)?;
    Ok(())
}

/// An office's sessions starting in `[from, to)`.
pub fn of_office_between(
    conn: &mut DbConnection,
    office_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<SessionRecord>, StoreError> {
    Ok(collective_sessions::table
        .filter(collective_sessions::office_id.eq(office_id))
        .filter(collective_sessions::starts_at.ge(from))
        .filter(collective_sessions::starts_at.lt(to))
        .order(collective_sessions::starts_at)
        .select(SessionRecord::as_select())
        .load(conn)?)
}
