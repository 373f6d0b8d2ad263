//! The `session_enrolments` table: cases enrolled in a collective session, and whether they came.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::session_enrolments;
use crate::{DbConnection, StoreError};

/// Enrolled, not yet held.
pub const ENROLLED: &str = "enrolled";
/// Came.
pub const ATTENDED: &str = "attended";
/// Did not come.
pub const ABSENT: &str = "absent";

/// An enrolment as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = session_enrolments)]
pub struct SessionEnrolmentRecord {
    /// Id.
    pub id: String,
    /// Session.
    pub session_id: String,
    /// Case.
    pub case_id: String,
    /// `enrolled`, `attended` or `absent`.
    pub status: String,
    /// Enrolled.
    pub enrolled_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

/// Stores an enrolment.
pub fn insert(conn: &mut DbConnection, record: &SessionEnrolmentRecord) -> Result<(), StoreError> {
    diesel::insert_into(session_enrolments::table).values(record).execute(conn)?;
    Ok(())
}

/// A session's enrolments, in enrolment order.
pub fn of_session(conn: &mut DbConnection, session_id: &str) -> Result<Vec<SessionEnrolmentRecord>, StoreError> {
    Ok(session_enrolments::table
        .filter(session_enrolments::session_id.eq(session_id))
        .order((session_enrolments::enrolled_at, session_enrolments::id))
        .select(SessionEnrolmentRecord::as_select())
        .load(conn)?)
}

/// Records whether an enrolled case came: 1 when it changed, 0 when its attendance was already recorded.
pub fn record_attendance(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        session_enrolments::table.filter(session_enrolments::id.eq(id)).filter(session_enrolments::status.eq(ENROLLED)),
    )
    .set((session_enrolments::status.eq(status), session_enrolments::updated_at.eq(now)))
    .execute(conn)?)
}
