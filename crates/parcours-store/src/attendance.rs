//! The `attendance_records` and `case_axis_minutes` tables: attendance lines with versioned corrections,
//! and the minutes per case and axis they add, which move the case aggregate too.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::case::OperatorAttendance;
use parcours_domain::law::Bilingual;
use parcours_domain::operator::{
    AttendanceError, AttendanceStatus, EnrolmentStatus, LineContext, check_attendance_line,
};
use parcours_domain::regime::Axis;

use crate::audit::{self, Actor};
use crate::cases::{CaseRecord, decode_case, write_aggregate};
use crate::courses::CourseRecord;
use crate::courses::operator_owns_course;
use crate::feed::record_steps;
use crate::schema::{attendance_records, case_axis_minutes, cases as case_table, course_sessions, courses, enrolments};
use crate::{DbConnection, StoreError, new_id};

/// One stored attendance version.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = attendance_records)]
pub struct AttendanceRecord {
    /// Id.
    pub id: String,
    /// Course.
    pub course_id: String,
    /// Session.
    pub session_id: String,
    /// Enrolment.
    pub enrolment_id: String,
    /// Case.
    pub case_id: String,
    /// Attended or not.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: AttendanceStatus,
    /// Minutes attended.
    pub minutes: i32,
    /// 1 for the first report, then one more per correction.
    pub version: i32,
    /// The version in force.
    pub is_current: bool,
    /// Why (corrections).
    pub reason: Option<String>,
    /// Batch that carried it.
    pub batch_id: String,
    /// Organisation of the author.
    pub author_organisation: String,
    /// Author.
    pub author_subject: String,
    /// When.
    pub recorded_at: NaiveDateTime,
}

/// One line of an attendance batch, as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceLine {
    /// 1-based line (JSON index + 1, or CSV line number).
    pub line: usize,
    /// Case reference.
    pub case_reference: String,
    /// Session id.
    pub session_id: String,
    /// Status.
    pub status: AttendanceStatus,
    /// Minutes.
    pub minutes: u32,
    /// Reason (corrections).
    pub reason: Option<String>,
}

/// A refused line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedLine {
    /// 1-based line.
    pub line: usize,
    /// Field.
    pub field: &'static str,
    /// Stable code.
    pub code: &'static str,
    /// Why.
    pub message: Bilingual,
}

/// The outcome of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchReport {
    /// Batch id.
    pub batch_id: String,
    /// Lines written.
    pub accepted: usize,
    /// Of which corrections of an earlier report.
    pub corrections: usize,
    /// Lines refused.
    pub rejected: Vec<RejectedLine>,
    /// Whether anything was written.
    pub committed: bool,
}

pub(crate) const INSERT_CHUNK: usize = 1000;

/// A checked line, borrowing from the batch and the course's maps.
pub(crate) struct Accepted<'a> {
    line: &'a AttendanceLine,
    enrolment_id: &'a str,
    case_id: &'a str,
    minutes: i32,
    /// The current version it corrects: its id and version number.
    previous: Option<(&'a str, i32)>,
}

pub(crate) fn insert_records(conn: &mut DbConnection, mut records: Vec<AttendanceRecord>) -> Result<(), StoreError> {
    while !records.is_empty() {
        let rest = records.split_off(records.len().min(INSERT_CHUNK));
        let chunk = std::mem::replace(&mut records, rest);
        // Multi-row inserts on each backend's own connection: one statement per thousand lines.
        match conn {
            DbConnection::Postgresql(pg) => diesel::insert_into(attendance_records::table).values(chunk).execute(pg)?,
            DbConnection::Sqlite(sqlite) => {
                diesel::insert_into(attendance_records::table).values(chunk).execute(sqlite)?
            }
        };
    }
    Ok(())
}

pub(crate) fn add_case_minutes(
    conn: &mut DbConnection,
    case_id: &str,
    axis: Axis,
    delta: i64,
) -> Result<(), StoreError> {
    let row = case_axis_minutes::table
        .filter(case_axis_minutes::case_id.eq(case_id))
        .filter(case_axis_minutes::axis.eq(axis.code()));
    let updated =
        diesel::update(row).set(case_axis_minutes::minutes.eq(case_axis_minutes::minutes + delta)).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(case_axis_minutes::table)
            .values((
                case_axis_minutes::case_id.eq(case_id),
                case_axis_minutes::axis.eq(axis.code()),
                case_axis_minutes::minutes.eq(delta),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Validates and records an attendance batch for a course of `operator_id`, in one transaction: each line
/// is checked (known session, enrolled person, hours within the session, no duplicate in the batch); a
/// line for a person and session already reported is a correction (a new version; the previous one is
/// kept, no longer current). Hours per axis of each case are updated, the CRI's feed and the case timelines
/// receive one step per case, and `render` produces the response stored for idempotent replay. Lines that
/// could not even be read come in `unreadable`. With `all_or_nothing`, one bad line means nothing is
/// written. `None` when the course is not the operator's.
#[expect(clippy::too_many_arguments, reason = "batch, scope, mode and audit are distinct inputs")]
pub fn record_attendance(
    conn: &mut DbConnection,
    course_id: &str,
    operator_id: &str,
    lines: &[AttendanceLine],
    unreadable: Vec<RejectedLine>,
    all_or_nothing: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<BatchReport>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some(course) = courses::table
            .filter(courses::id.eq(course_id))
            .filter(courses::operator_id.eq(operator_id))
            .select(CourseRecord::as_select())
            .first(conn)
            .optional()?
        else {
            return Ok(None);
        };
        let sessions: HashMap<String, i32> = course_sessions::table
            .filter(course_sessions::course_id.eq(course_id))
            .select((course_sessions::id, course_sessions::minutes))
            .load::<(String, i32)>(conn)?
            .into_iter()
            .collect();
        let enrolled: HashMap<String, (String, String)> = enrolments::table
            .inner_join(case_table::table)
            .filter(enrolments::course_id.eq(course_id))
            .filter(enrolments::status.eq_any(EnrolmentStatus::attending().map(|s| s.code())))
            .select((case_table::reference, enrolments::id, case_table::id))
            .load::<(String, String, String)>(conn)?
            .into_iter()
            .map(|(reference, enrolment, case)| (reference, (enrolment, case)))
            .collect();
        let current: HashMap<(String, String), (String, i32, i32)> = attendance_records::table
            .filter(attendance_records::course_id.eq(course_id))
            .filter(attendance_records::is_current.eq(true))
            .select((
                attendance_records::session_id,
                attendance_records::enrolment_id,
                attendance_records::id,
                attendance_records::version,
                attendance_records::minutes,
            ))
            .load::<(String, String, String, i32, i32)>(conn)?
            .into_iter()
            .map(|(session, enrolment, id, version, minutes)| ((session, enrolment), (id, version, minutes)))
            .collect();

        let batch_id = new_id();
        let mut report = BatchReport { batch_id: batch_id.clone(), rejected: unreadable, ..BatchReport::default() };
        // First pass: check every line without copying it; nothing is written yet.
        let mut seen: HashSet<(&str, &str)> = HashSet::with_capacity(lines.len());
        let mut accepted: Vec<Accepted<'_>> = Vec::with_capacity(lines.len());
        let mut minutes_delta: BTreeMap<&str, i64> = BTreeMap::new();
        let mut per_case: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for line in lines {
            let session_minutes = sessions.get(&line.session_id).map(|m| u32::try_from(*m).unwrap_or(0));
            let enrolment = enrolled.get(&line.case_reference);
            // The batch's duplicate check only counts lines that name a known session and person.
            let first_in_batch = session_minutes.is_none()
                || enrolment.is_none()
                || seen.insert((line.session_id.as_str(), line.case_reference.as_str()));
            let context = LineContext { session_minutes, enrolled: enrolment.is_some(), first_in_batch };
            let checked = check_attendance_line(&context, line.status, line.minutes)
                .and(enrolment.ok_or(AttendanceError::NotEnrolled));
            let (enrolment_id, case_id) = match checked {
                Ok(found) => found,
                Err(error) => {
                    report.rejected.push(RejectedLine {
                        line: line.line,
                        field: error.field(),
                        code: error.code(),
                        message: error.message(),
                    });
                    continue;
                }
            };
            let minutes = i32::try_from(line.minutes).unwrap_or(i32::MAX);
            let previous = current.get(&(line.session_id.clone(), enrolment_id.clone()));
            let counts = per_case.entry(case_id.as_str()).or_default();
            if previous.is_some() {
                counts.1 += 1;
                report.corrections += 1;
            } else {
                counts.0 += 1;
            }
            *minutes_delta.entry(case_id.as_str()).or_default() += i64::from(minutes - previous.map_or(0, |p| p.2));
            accepted.push(Accepted {
                line,
                enrolment_id,
                case_id,
                minutes,
                previous: previous.map(|p| (p.0.as_str(), p.1)),
            });
        }
        report.accepted = accepted.len();
        let refused_whole = all_or_nothing && !report.rejected.is_empty();
        report.committed = !refused_whole && !accepted.is_empty();
        if report.committed {
            // Second pass: write in chunks, building only a thousand rows at a time.
            for chunk in accepted.chunks(INSERT_CHUNK) {
                let superseded: Vec<&str> = chunk.iter().filter_map(|a| a.previous.map(|p| p.0)).collect();
                if !superseded.is_empty() {
                    diesel::update(attendance_records::table.filter(attendance_records::id.eq_any(&superseded)))
                        .set(attendance_records::is_current.eq(false))
                        .execute(conn)?;
                }
                let records: Vec<AttendanceRecord> = chunk
                    .iter()
                    .map(|a| AttendanceRecord {
                        id: new_id(),
                        course_id: course_id.to_owned(),
                        session_id: a.line.session_id.clone(),
                        enrolment_id: a.enrolment_id.to_owned(),
                        case_id: a.case_id.to_owned(),
                        status: a.line.status,
                        minutes: a.minutes,
                        version: a.previous.map_or(1, |p| p.1 + 1),
                        is_current: true,
                        reason: a.line.reason.clone().or_else(|| a.previous.map(|_| "correction".to_owned())),
                        batch_id: batch_id.clone(),
                        author_organisation: actor.organisation.clone(),
                        author_subject: actor.subject.clone(),
                        recorded_at: now,
                    })
                    .collect();
                insert_records(conn, records)?;
            }
            for (case_id, delta) in &minutes_delta {
                add_case_minutes(conn, case_id, course.axis, *delta)?;
            }
            let affected: Vec<&str> = per_case.keys().copied().collect();
            // Take the cases' row locks first (a no-op update), so that no CRI edit interleaves between
            // reading an aggregate and writing it back.
            diesel::update(case_table::table.filter(case_table::id.eq_any(&affected)))
                .set(case_table::version.eq(case_table::version))
                .execute(conn)?;
            let case_rows: Vec<CaseRecord> = case_table::table
                .filter(case_table::id.eq_any(&affected))
                .select(CaseRecord::as_select())
                .load(conn)?;
            let axis = course.axis;
            for case in case_rows {
                let (new_lines, corrected_lines) = per_case.get(case.id.as_str()).copied().unwrap_or_default();
                let report = OperatorAttendance {
                    axis,
                    course_id: course.id.clone(),
                    batch_id: batch_id.clone(),
                    new_lines,
                    corrected_lines,
                    minutes_delta: minutes_delta.get(case.id.as_str()).copied().unwrap_or_default(),
                };
                let mut aggregate = decode_case(&case.state_json)?;
                let steps = aggregate.record_operator_attendance(&report);
                let updated = write_aggregate(conn, &case, &aggregate, now)?;
                record_steps(conn, updated.step_subject(), &case.cri_code, &steps, actor, now)?;
            }
        } else {
            report.accepted = if all_or_nothing { 0 } else { report.accepted };
        }
        let detail = format!(
            "batch={batch_id} accepted={} rejected={} corrections={}",
            report.accepted,
            report.rejected.len(),
            report.corrections
        );
        audit::append(conn, actor, "record_attendance", "course", Some(course_id), Some(detail), now)?;
        report.rejected.sort_by_key(|r| r.line);
        Ok(Some(report))
    })
}

/// Every version of the attendance of a course of `operator_id`, oldest first, optionally for one case
/// reference and one session. `None` when the course is not the operator's.
pub fn attendance_history(
    conn: &mut DbConnection,
    course_id: &str,
    operator_id: &str,
    case_reference: Option<&str>,
    session_id: Option<&str>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<Vec<(String, AttendanceRecord)>>, StoreError> {
    crate::write_transaction(conn, |conn| {
        if !operator_owns_course(conn, course_id, operator_id)? {
            return Ok(None);
        }
        let mut query = attendance_records::table
            .inner_join(case_table::table)
            .filter(attendance_records::course_id.eq(course_id))
            .order((
                attendance_records::session_id.asc(),
                attendance_records::enrolment_id.asc(),
                attendance_records::version.asc(),
            ))
            .select((case_table::reference, AttendanceRecord::as_select(), case_table::person_id))
            .into_boxed();
        if let Some(reference) = case_reference {
            query = query.filter(case_table::reference.eq(reference.to_owned()));
        }
        if let Some(session) = session_id {
            query = query.filter(attendance_records::session_id.eq(session.to_owned()));
        }
        let rows: Vec<(String, AttendanceRecord, String)> = query.load(conn)?;
        let shown: Vec<String> = rows.iter().map(|row| row.2.clone()).collect();
        audit::append_showing(
            conn,
            actor,
            "read_attendance",
            "course",
            Some(course_id),
            Some(format!("count={}", rows.len())),
            &shown,
            now,
        )?;
        Ok(Some(rows.into_iter().map(|(reference, record, _)| (reference, record)).collect()))
    })
}
