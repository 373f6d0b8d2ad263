//! The `coordination_meetings` table: the meetings of a plan or platform, with the partners present and the
//! decisions taken.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::local_coordination::CoordinationMeeting;

use crate::audit::{self, Actor};
use crate::schema::coordination_meetings;
use crate::{DbConnection, StoreError, from_json, to_json};

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = coordination_meetings)]
pub struct CoordinationMeetingRecord {
    /// Id.
    pub id: String,
    /// The plan or platform.
    pub body_id: String,
    /// The day.
    pub held_on: NaiveDate,
    /// Partners present (JSON list).
    pub partners_present_json: String,
    /// Decisions (JSON list).
    pub decisions_json: String,
    /// Recorded.
    pub recorded_at: NaiveDateTime,
}

impl CoordinationMeetingRecord {
    /// The row of a meeting.
    pub fn new(
        id: String,
        body_id: &str,
        meeting: &CoordinationMeeting,
        now: NaiveDateTime,
    ) -> Result<CoordinationMeetingRecord, StoreError> {
        Ok(CoordinationMeetingRecord {
            id,
            body_id: body_id.to_owned(),
            held_on: meeting.held_on,
            partners_present_json: to_json(&meeting.partners_present)?,
            decisions_json: to_json(&meeting.decisions)?,
            recorded_at: now,
        })
    }

    /// The domain meeting.
    pub fn meeting(&self) -> Result<CoordinationMeeting, StoreError> {
        Ok(CoordinationMeeting {
            held_on: self.held_on,
            partners_present: from_json(&self.partners_present_json)?,
            decisions: from_json(&self.decisions_json)?,
        })
    }
}

/// Stores a meeting; audited.
pub fn insert(conn: &mut DbConnection, record: &CoordinationMeetingRecord, actor: &Actor) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::insert_into(coordination_meetings::table).values(record).execute(conn)?;
        audit::append(
            conn,
            actor,
            "create_coordination_meeting",
            "coordination_body",
            Some(&record.body_id),
            None,
            record.recorded_at,
        )
    })
}

/// The meetings of a body, the most recent first.
pub fn of_body(conn: &mut DbConnection, body_id: &str) -> Result<Vec<CoordinationMeetingRecord>, StoreError> {
    Ok(coordination_meetings::table
        .filter(coordination_meetings::body_id.eq(body_id))
        .order((coordination_meetings::held_on.desc(), coordination_meetings::id.desc()))
        .select(CoordinationMeetingRecord::as_select())
        .load(conn)?)
}
