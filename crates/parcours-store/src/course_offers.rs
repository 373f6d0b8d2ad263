//! The `course_offers` table: every place offered to a person on an axis — the Region's supply that a fine
//! presupposes (CWASS art. 152/8; rule 6.2). A place obtained in a course is written here by the enrolment
//! (at once, or when the person moves up the waiting list); the CRI records the offers made outside
//! Parcours (a course elsewhere, a place the person declined).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::non_compliance::CourseOffer;
use parcours_domain::regime::Axis;

use crate::audit::{self, Actor};
use crate::schema::{cases, course_offers};
use crate::{DbConnection, StoreError, new_id};

/// An offer as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = course_offers)]
pub struct CourseOfferRecord {
    /// Id.
    pub id: String,
    /// Case.
    pub case_id: String,
    /// Axis code.
    pub axis: String,
    /// Date the place was offered.
    pub offered_on: NaiveDate,
    /// Course title, or the CRI's description.
    pub description: String,
    /// The enrolment holding the place, when it comes from one.
    pub enrolment_id: Option<String>,
    /// Organisation that recorded it.
    pub recorded_by: String,
    /// Recorded at.
    pub created_at: NaiveDateTime,
}

impl CourseOfferRecord {
    /// As the domain reads it.
    pub fn offer(&self) -> Result<CourseOffer, StoreError> {
        let axis = Axis::parse(&self.axis)
            .ok_or_else(|| StoreError::Corrupt(format!("course offer {} has an unknown axis", self.id)))?;
        Ok(CourseOffer { axis, offered_on: self.offered_on, description: self.description.clone() })
    }
}

/// Records the place an enrolment obtained (called inside the enrolment's transaction).
#[expect(clippy::too_many_arguments, reason = "which case and enrolment, what place, when and by whom")]
pub fn record_place(
    conn: &mut DbConnection,
    case_id: &str,
    enrolment_id: &str,
    axis: &str,
    course_title: &str,
    offered_on: NaiveDate,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let record = CourseOfferRecord {
        id: new_id(),
        case_id: case_id.to_owned(),
        axis: axis.to_owned(),
        offered_on,
        description: course_title.to_owned(),
        enrolment_id: Some(enrolment_id.to_owned()),
        recorded_by: actor.organisation.clone(),
        created_at: now,
    };
    diesel::insert_into(course_offers::table).values(record).execute(conn)?;
    Ok(())
}

/// Records an offer the CRI made outside Parcours, for a case it holds; `None` when the case is not the
/// CRI's.
#[expect(clippy::too_many_arguments, reason = "which case, for whom, what was offered, when and by whom")]
pub fn record_offer(
    conn: &mut DbConnection,
    case_id: &str,
    cri_code: &str,
    axis: Axis,
    offered_on: NaiveDate,
    description: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<CourseOfferRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let held: i64 =
            cases::table.filter(cases::id.eq(case_id)).filter(cases::cri_code.eq(cri_code)).count().get_result(conn)?;
        if held == 0 {
            return Ok(None);
        }
        let record = CourseOfferRecord {
            id: new_id(),
            case_id: case_id.to_owned(),
            axis: axis.code().to_owned(),
            offered_on,
            description: description.to_owned(),
            enrolment_id: None,
            recorded_by: actor.organisation.clone(),
            created_at: now,
        };
        diesel::insert_into(course_offers::table).values(record.clone()).execute(conn)?;
        let detail = format!("case={case_id} axis={}", axis.code());
        audit::append(conn, actor, "create_course_offer", "course_offer", Some(&record.id), Some(detail), now)?;
        Ok(Some(record))
    })
}

/// Every offer made to the person of a case, oldest first.
pub fn offers_for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<CourseOfferRecord>, StoreError> {
    Ok(course_offers::table
        .filter(course_offers::case_id.eq(case_id))
        .order((course_offers::offered_on.asc(), course_offers::id.asc()))
        .select(CourseOfferRecord::as_select())
        .load(conn)?)
}
