//! The `enrolments` table: cases enrolled in courses, with capacity and an ordered waiting list, and the
//! participant inquiry that an enrolment entitles an operator to.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, Actor};
use parcours_domain::operator::{EnrolmentStatus, Placement, placement};

use crate::cases::{CaseRecord, decode_case};
use crate::courses::occupancy;
use crate::courses::operator_owns_course;
use crate::schema::{attendance_records, cases as case_table, courses, enrolments, persons};
use crate::{DbConnection, StoreError, new_id};

/// An enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = enrolments)]
pub struct EnrolmentRecord {
    /// Id.
    pub id: String,
    /// Course.
    pub course_id: String,
    /// Case.
    pub case_id: String,
    /// Where it stands.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: EnrolmentStatus,
    /// Place in the waiting list (1 = next).
    pub waiting_position: Option<i32>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Changed.
    pub updated_at: NaiveDateTime,
}

/// What enrolling produced.
#[derive(Debug, Clone, PartialEq)]
pub enum EnrolOutcome {
    /// A place was free.
    Enrolled(EnrolmentRecord),
    /// The course is full: on the waiting list at this position.
    Waiting(EnrolmentRecord),
    /// The case is already enrolled or waiting in this course.
    AlreadyThere(EnrolmentRecord),
    /// No such course, or no such case held by the CRI.
    NotFound,
    /// The rules refuse it (a case that is closed or whose requirements are met).
    Refused(parcours_domain::case::CaseError),
}

/// Enrols a case held by `cri` in a course. Capacity is enforced under a lock on the course row, so two
/// CRIs cannot take the last place at once; a full course puts the case on the waiting list, in order.
pub fn enrol(
    conn: &mut DbConnection,
    course_id: &str,
    case_id: &str,
    cri: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<EnrolOutcome, StoreError> {
    crate::write_transaction(conn, |conn| {
        // A no-op update takes the course row's lock on PostgreSQL; SQLite has a single writer.
        let locked = diesel::update(courses::table.find(course_id))
            .set(courses::capacity.eq(courses::capacity))
            .execute(conn)?;
        let held: Option<String> = case_table::table
            .filter(case_table::id.eq(case_id))
            .filter(case_table::cri_code.eq(cri))
            .select(case_table::state_json)
            .first(conn)
            .optional()?;
        let (Some(held), 1) = (held, locked) else { return Ok(EnrolOutcome::NotFound) };
        if let Err(refusal) = decode_case(&held)?.may_enrol() {
            return Ok(EnrolOutcome::Refused(refusal));
        }
        if let Some(existing) = enrolments::table
            .filter(enrolments::course_id.eq(course_id))
            .filter(enrolments::case_id.eq(case_id))
            .select(EnrolmentRecord::as_select())
            .first(conn)
            .optional()?
            && existing.status.is_active()
        {
            return Ok(EnrolOutcome::AlreadyThere(existing));
        }
        let capacity: i32 = courses::table.find(course_id).select(courses::capacity).first(conn)?;
        let (enrolled, waiting) = occupancy(conn, course_id)?;
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        let place = placement(u32::try_from(capacity).unwrap_or(0), count(enrolled), count(waiting));
        let full = place != Placement::Enrolled;
        let record = EnrolmentRecord {
            id: new_id(),
            course_id: course_id.to_owned(),
            case_id: case_id.to_owned(),
            status: if full { EnrolmentStatus::Waiting } else { EnrolmentStatus::Enrolled },
            waiting_position: match place {
                Placement::Enrolled => None,
                Placement::Waiting { position } => Some(i32::try_from(position).unwrap_or(i32::MAX)),
            },
            created_at: now,
            updated_at: now,
        };
        // A withdrawn enrolment of the same case is replaced by the new one.
        diesel::delete(
            enrolments::table
                .filter(enrolments::course_id.eq(course_id))
                .filter(enrolments::case_id.eq(case_id))
                .filter(enrolments::status.eq(EnrolmentStatus::Withdrawn.code()))
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    attendance_records::table.filter(attendance_records::enrolment_id.eq(enrolments::id)),
                ))),
        )
        .execute(conn)?;
        diesel::insert_into(enrolments::table).values(record.clone()).execute(conn)?;
        if !full {
            record_place(conn, &record.id, actor, now)?;
        }
        audit::append(
            conn,
            actor,
            "create_enrolment",
            "enrolment",
            Some(&record.id),
            Some(format!("status={}", record.status.code())),
            now,
        )?;
        Ok(if full { EnrolOutcome::Waiting(record) } else { EnrolOutcome::Enrolled(record) })
    })
}

/// Writes the place an enrolment just obtained to the offers a fine presupposes (rule 6.2).
fn record_place(
    conn: &mut DbConnection,
    enrolment_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let (case_id, axis, title): (String, String, String) = enrolments::table
        .inner_join(courses::table)
        .filter(enrolments::id.eq(enrolment_id))
        .select((enrolments::case_id, courses::axis, courses::title))
        .first(conn)?;
    crate::course_offers::record_place(conn, &case_id, enrolment_id, &axis, &title, now.date(), actor, now)
}

/// The waiting lists the person of a case is on now, for the sanction file: since when, in which course
/// (a place obtained from a waiting list is an offer, in `course_offers`).
pub fn waiting_periods(
    conn: &mut DbConnection,
    case_id: &str,
) -> Result<Vec<parcours_domain::non_compliance::WaitingPeriod>, StoreError> {
    let rows: Vec<(String, NaiveDateTime, String, String)> = enrolments::table
        .inner_join(courses::table)
        .filter(enrolments::case_id.eq(case_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Waiting.code()))
        .order(enrolments::created_at.asc())
        .select((courses::axis, enrolments::created_at, courses::title, courses::commune_nis))
        .load(conn)?;
    rows.into_iter()
        .map(|(axis, since, title, commune)| {
            let axis = parcours_domain::regime::Axis::parse(&axis)
                .ok_or_else(|| StoreError::Corrupt(format!("a course of case {case_id} has an unknown axis")))?;
            Ok(parcours_domain::non_compliance::WaitingPeriod {
                axis,
                since: since.date(),
                description: format!("{title} (commune {commune})"),
            })
        })
        .collect()
}

/// An enrolment of a case held by `cri`, whatever its status; `None` when unknown or out of scope.
pub fn find_for_cri(
    conn: &mut DbConnection,
    enrolment_id: &str,
    cri: &str,
) -> Result<Option<EnrolmentRecord>, StoreError> {
    Ok(enrolments::table
        .inner_join(case_table::table)
        .filter(enrolments::id.eq(enrolment_id))
        .filter(case_table::cri_code.eq(cri))
        .select(EnrolmentRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Ends an enrolment ([`EnrolmentStatus::Withdrawn`] or [`EnrolmentStatus::Completed`]) for a case held by `cri`. A freed place goes to the first
/// person on the waiting list. Returns the enrolment, or `None` when out of scope or already ended.
pub fn end_enrolment(
    conn: &mut DbConnection,
    enrolment_id: &str,
    cri: &str,
    status: EnrolmentStatus,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<EnrolmentRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let found = enrolments::table
            .inner_join(case_table::table)
            .filter(enrolments::id.eq(enrolment_id))
            .filter(case_table::cri_code.eq(cri))
            .select(EnrolmentRecord::as_select())
            .first(conn)
            .optional()?;
        let Some(enrolment) = found.filter(|e| e.status.is_active()) else {
            return Ok(None);
        };
        diesel::update(courses::table.find(&enrolment.course_id))
            .set(courses::capacity.eq(courses::capacity))
            .execute(conn)?;
        diesel::update(enrolments::table.find(enrolment_id))
            .set((
                enrolments::status.eq(status.code()),
                enrolments::waiting_position.eq(None::<i32>),
                enrolments::updated_at.eq(now),
            ))
            .execute(conn)?;
        if enrolment.status == EnrolmentStatus::Enrolled {
            let next = enrolments::table
                .filter(enrolments::course_id.eq(&enrolment.course_id))
                .filter(enrolments::status.eq(EnrolmentStatus::Waiting.code()))
                .order(enrolments::waiting_position.asc())
                .select(enrolments::id)
                .first::<String>(conn)
                .optional()?;
            if let Some(next) = next {
                diesel::update(enrolments::table.find(&next))
                    .set((
                        enrolments::status.eq(EnrolmentStatus::Enrolled.code()),
                        enrolments::waiting_position.eq(None::<i32>),
                        enrolments::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                record_place(conn, &next, actor, now)?;
            }
        }
        // Keep the waiting list numbered 1, 2, 3... in its original order.
        let waiting: Vec<String> = enrolments::table
            .filter(enrolments::course_id.eq(&enrolment.course_id))
            .filter(enrolments::status.eq(EnrolmentStatus::Waiting.code()))
            .order(enrolments::waiting_position.asc())
            .select(enrolments::id)
            .load(conn)?;
        for (index, id) in waiting.iter().enumerate() {
            diesel::update(enrolments::table.find(id))
                .set(enrolments::waiting_position.eq(Some(i32::try_from(index + 1).unwrap_or(i32::MAX))))
                .execute(conn)?;
        }
        audit::append(
            conn,
            actor,
            "end_enrolment",
            "enrolment",
            Some(enrolment_id),
            Some(format!("status={}", status.code())),
            now,
        )?;
        Ok(Some(enrolments::table.find(enrolment_id).select(EnrolmentRecord::as_select()).first(conn)?))
    })
}

/// What an operator may know of a participant: name, case reference, course, enrolment state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Enrolment id.
    pub enrolment_id: String,
    /// Case reference.
    pub case_reference: String,
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
    /// Where the enrolment stands.
    pub status: EnrolmentStatus,
    /// Waiting list position.
    pub waiting_position: Option<i32>,
}

/// The participants of a course of `operator_id` (`None` when the course is not the operator's); audited.
pub fn participants(
    conn: &mut DbConnection,
    course_id: &str,
    operator_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<Vec<Participant>>, StoreError> {
    crate::write_transaction(conn, |conn| {
        if !operator_owns_course(conn, course_id, operator_id)? {
            return Ok(None);
        }
        let rows: Vec<ParticipantRow> = enrolments::table
            .inner_join(case_table::table.inner_join(persons::table))
            .filter(enrolments::course_id.eq(course_id))
            .order((enrolments::status.asc(), enrolments::waiting_position.asc(), persons::surname.asc()))
            .select((
                enrolments::id,
                case_table::reference,
                persons::surname,
                persons::given_names,
                enrolments::status,
                enrolments::waiting_position,
                persons::id,
            ))
            .load(conn)?;
        let shown: Vec<String> = rows.iter().map(|row| row.6.clone()).collect();
        audit::append_showing(
            conn,
            actor,
            "list_participants",
            "course",
            Some(course_id),
            Some(format!("count={}", rows.len())),
            &shown,
            now,
        )?;
        let participants = rows
            .into_iter()
            .map(|(enrolment_id, case_reference, surname, given_names, status, waiting_position, _)| {
                Ok(Participant {
                    enrolment_id,
                    case_reference,
                    surname,
                    given_names,
                    status: EnrolmentStatus::try_from(status)?,
                    waiting_position,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(participants))
    })
}

/// How a participant inquiry names the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InquiryKey {
    /// By case reference.
    CaseReference(String),
    /// By NISS (11 digits).
    Niss(String),
}

/// Who asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inquirer {
    /// An operator: only about people enrolled (or waiting) in one of its courses.
    Operator(String),
    /// A CRI: only about the cases it holds.
    Cri(String),
}

/// The case a participant inquiry is about, within the inquirer's scope; audited.
pub fn inquiry_case(
    conn: &mut DbConnection,
    key: &InquiryKey,
    inquirer: &Inquirer,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<CaseRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        // A number merged into another record leads to that record's cases.
        let person_id = match key {
            InquiryKey::Niss(niss) => crate::persons::find_person_by_niss(conn, niss)?.map(|person| person.id),
            InquiryKey::CaseReference(_) => None,
        };
        let mut query = case_table::table
            .inner_join(persons::table)
            .select(CaseRecord::as_select())
            .order(case_table::id.desc())
            .into_boxed();
        query = match key {
            InquiryKey::CaseReference(reference) => query.filter(case_table::reference.eq(reference.clone())),
            InquiryKey::Niss(_) => query.filter(persons::id.eq(person_id.unwrap_or_default())),
        };
        query = match inquirer {
            Inquirer::Cri(cri) => query.filter(case_table::cri_code.eq(cri.clone())),
            Inquirer::Operator(operator) => query.filter(
                case_table::id.eq_any(
                    // Enrolled or waiting now: a person who withdrew or finished is no longer the
                    // operator's business.
                    enrolments::table
                        .inner_join(courses::table)
                        .filter(courses::operator_id.eq(operator.clone()))
                        .filter(enrolments::status.eq_any(EnrolmentStatus::active().map(|s| s.code())))
                        .select(enrolments::case_id),
                ),
            ),
        };
        let case = query.first(conn).optional()?;
        if let Some(case) = &case {
            audit::append(conn, actor, "participant_inquiry", "case", Some(&case.id), None, now)?;
        }
        Ok(case)
    })
}

/// One participant as read: enrolment id, case reference, surname, given names, status, waiting position,
/// person id (for the audit only).
type ParticipantRow = (String, String, String, String, String, Option<i32>, String);
