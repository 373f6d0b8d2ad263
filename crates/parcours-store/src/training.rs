//! Operators, courses and sessions, enrolments with capacity and waiting list, attendance with versioned
//! corrections, and the hours per axis they add to each case. Every read takes the caller's scope in SQL:
//! an operator sees its own courses and participants only.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::case::OperatorAttendance;
use parcours_domain::law::Bilingual;
use parcours_domain::operator::{AttendanceError, AttendanceStatus, check_attendance};
use parcours_domain::regime::Axis;

use crate::audit::{self, Actor};
use crate::cases::{self, CaseRecord};
use crate::schema::{
    attendance_records, case_axis_minutes, cases as case_table, course_sessions, courses, enrolments, operators,
    persons,
};
use crate::{DbConnection, StoreError, new_id};

/// An operator.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = operators)]
pub struct OperatorRecord {
    /// Id (the `operator:<id>` of its tokens).
    pub id: String,
    /// Name.
    pub name: String,
    /// Enterprise number, printed form.
    pub enterprise_number: String,
    /// Recognised axes, comma-separated codes.
    pub axes: String,
    /// CRI territories served, comma-separated codes.
    pub cri_codes: String,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// Contact phone.
    pub contact_phone: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Organisation that created it.
    pub created_by: String,
}

impl OperatorRecord {
    /// Whether the operator is recognised for `axis`.
    pub fn recognised_for(&self, axis: &str) -> bool {
        self.axes.split(',').any(|a| a == axis)
    }

    /// Whether the operator serves the territory of `cri`.
    pub fn serves(&self, cri: &str) -> bool {
        self.cri_codes.split(',').any(|c| c == cri)
    }
}

/// A course.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = courses)]
pub struct CourseRecord {
    /// Id.
    pub id: String,
    /// Operator.
    pub operator_id: String,
    /// Title.
    pub title: String,
    /// Axis code.
    pub axis: String,
    /// CEFR level (French courses).
    pub level: Option<String>,
    /// Language of instruction (ISO 639-1).
    pub instruction_language: String,
    /// Commune of the place.
    pub commune_nis: String,
    /// Address.
    pub address: String,
    /// Places.
    pub capacity: i32,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Created.
    pub created_at: NaiveDateTime,
}

/// A session of a course.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = course_sessions)]
pub struct SessionRecord {
    /// Id.
    pub id: String,
    /// Course.
    pub course_id: String,
    /// Date.
    pub session_date: NaiveDate,
    /// Start (`HH:MM`).
    pub start_time: String,
    /// End (`HH:MM`).
    pub end_time: String,
    /// Length in minutes.
    pub minutes: i32,
}

/// A course with its sessions and occupancy.
#[derive(Debug, Clone)]
pub struct CourseView {
    /// The course.
    pub course: CourseRecord,
    /// Sessions by date.
    pub sessions: Vec<SessionRecord>,
    /// Enrolled participants.
    pub enrolled: i64,
    /// Waiting list length.
    pub waiting: i64,
}

/// An enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = enrolments)]
pub struct EnrolmentRecord {
    /// Id.
    pub id: String,
    /// Course.
    pub course_id: String,
    /// Case.
    pub case_id: String,
    /// `enrolled`, `waiting`, `withdrawn`, `completed`.
    pub status: String,
    /// Place in the waiting list (1 = next).
    pub waiting_position: Option<i32>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Changed.
    pub updated_at: NaiveDateTime,
}

/// One stored attendance version.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
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
    /// `present`, `absent`, `excused`.
    pub status: String,
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

/// Creates an operator; `None` when the enterprise number is already registered.
pub fn create_operator(
    conn: &mut DbConnection,
    operator: &OperatorRecord,
    actor: &Actor,
) -> Result<Option<OperatorRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let exists: i64 = operators::table
            .filter(operators::enterprise_number.eq(&operator.enterprise_number))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Ok(None);
        }
        diesel::insert_into(operators::table).values(operator).execute(conn)?;
        audit::append(conn, actor, "create_operator", "operator", Some(&operator.id), None, operator.created_at)?;
        Ok(Some(operator.clone()))
    })
}

/// An operator by id.
pub fn get_operator(conn: &mut DbConnection, id: &str) -> Result<Option<OperatorRecord>, StoreError> {
    Ok(operators::table.find(id).select(OperatorRecord::as_select()).first(conn).optional()?)
}

fn occupancy(conn: &mut DbConnection, course_id: &str) -> Result<(i64, i64), StoreError> {
    let rows: Vec<String> = enrolments::table
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::status.eq_any(["enrolled", "waiting"]))
        .select(enrolments::status)
        .load(conn)?;
    let enrolled = rows.iter().filter(|s| *s == "enrolled").count() as i64;
    Ok((enrolled, rows.len() as i64 - enrolled))
}

fn course_view(conn: &mut DbConnection, course: CourseRecord) -> Result<CourseView, StoreError> {
    let sessions = course_sessions::table
        .filter(course_sessions::course_id.eq(&course.id))
        .order((course_sessions::session_date.asc(), course_sessions::start_time.asc()))
        .select(SessionRecord::as_select())
        .load(conn)?;
    let (enrolled, waiting) = occupancy(conn, &course.id)?;
    Ok(CourseView { course, sessions, enrolled, waiting })
}

/// Creates a course with its sessions.
pub fn create_course(
    conn: &mut DbConnection,
    course: &CourseRecord,
    sessions: &[SessionRecord],
    actor: &Actor,
) -> Result<CourseView, StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::insert_into(courses::table).values(course).execute(conn)?;
        for session in sessions {
            diesel::insert_into(course_sessions::table).values(session).execute(conn)?;
        }
        audit::append(conn, actor, "create_course", "course", Some(&course.id), None, course.created_at)?;
        course_view(conn, course.clone())
    })
}

/// Who looks at courses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CourseReader {
    /// An operator: its own courses only.
    Operator(String),
    /// CRI staff or the Region: the whole catalogue.
    Catalogue,
}

/// Catalogue filters.
#[derive(Debug, Clone, Default)]
pub struct CourseFilter {
    /// Axis code.
    pub axis: Option<String>,
    /// CEFR level.
    pub level: Option<String>,
    /// Only courses held in these communes (a commune, or a CRI's territory).
    pub communes: Option<Vec<String>>,
    /// Only courses starting on or after this date.
    pub starts_from: Option<NaiveDate>,
    /// Only courses with places left.
    pub places_left: bool,
}

/// Courses visible to `reader`, by start date.
pub fn list_courses(
    conn: &mut DbConnection,
    reader: &CourseReader,
    filter: &CourseFilter,
) -> Result<Vec<CourseView>, StoreError> {
    let mut query = courses::table
        .select(CourseRecord::as_select())
        .order((courses::start_date.asc(), courses::id.asc()))
        .into_boxed();
    if let CourseReader::Operator(id) = reader {
        query = query.filter(courses::operator_id.eq(id.clone()));
    }
    if let Some(axis) = &filter.axis {
        query = query.filter(courses::axis.eq(axis.clone()));
    }
    if let Some(level) = &filter.level {
        query = query.filter(courses::level.eq(level.clone()));
    }
    if let Some(communes) = &filter.communes {
        query = query.filter(courses::commune_nis.eq_any(communes.clone()));
    }
    if let Some(from) = filter.starts_from {
        query = query.filter(courses::start_date.ge(from));
    }
    let rows: Vec<CourseRecord> = query.load(conn)?;
    // Sessions and occupancy of every listed course in one query each.
    let ids: Vec<&str> = rows.iter().map(|c| c.id.as_str()).collect();
    let mut sessions: HashMap<String, Vec<SessionRecord>> = HashMap::new();
    for session in course_sessions::table
        .filter(course_sessions::course_id.eq_any(&ids))
        .order((course_sessions::session_date.asc(), course_sessions::start_time.asc()))
        .select(SessionRecord::as_select())
        .load(conn)?
    {
        sessions.entry(session.course_id.clone()).or_default().push(session);
    }
    let mut occupancy: HashMap<String, (i64, i64)> = HashMap::new();
    for (course_id, status) in enrolments::table
        .filter(enrolments::course_id.eq_any(&ids))
        .filter(enrolments::status.eq_any(["enrolled", "waiting"]))
        .select((enrolments::course_id, enrolments::status))
        .load::<(String, String)>(conn)?
    {
        let entry = occupancy.entry(course_id).or_default();
        if status == "enrolled" { entry.0 += 1 } else { entry.1 += 1 }
    }
    let views = rows.into_iter().map(|course| {
        let (enrolled, waiting) = occupancy.get(&course.id).copied().unwrap_or_default();
        let sessions = sessions.remove(&course.id).unwrap_or_default();
        CourseView { course, sessions, enrolled, waiting }
    });
    Ok(views.filter(|view| !filter.places_left || view.enrolled < i64::from(view.course.capacity)).collect())
}

/// One course visible to `reader`.
pub fn get_course(conn: &mut DbConnection, id: &str, reader: &CourseReader) -> Result<Option<CourseView>, StoreError> {
    let mut query = courses::table.filter(courses::id.eq(id)).select(CourseRecord::as_select()).into_boxed();
    if let CourseReader::Operator(operator) = reader {
        query = query.filter(courses::operator_id.eq(operator.clone()));
    }
    match query.first(conn).optional()? {
        Some(course) => Ok(Some(course_view(conn, course)?)),
        None => Ok(None),
    }
}

/// What enrolling produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrolOutcome {
    /// A place was free.
    Enrolled(EnrolmentRecord),
    /// The course is full: on the waiting list at this position.
    Waiting(EnrolmentRecord),
    /// The case is already enrolled or waiting in this course.
    AlreadyThere(EnrolmentRecord),
    /// No such course, or no such case held by the CRI.
    NotFound,
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
        let held: i64 = case_table::table
            .filter(case_table::id.eq(case_id))
            .filter(case_table::cri_code.eq(cri))
            .count()
            .get_result(conn)?;
        if locked == 0 || held == 0 {
            return Ok(EnrolOutcome::NotFound);
        }
        if let Some(existing) = enrolments::table
            .filter(enrolments::course_id.eq(course_id))
            .filter(enrolments::case_id.eq(case_id))
            .select(EnrolmentRecord::as_select())
            .first(conn)
            .optional()?
            && matches!(existing.status.as_str(), "enrolled" | "waiting")
        {
            return Ok(EnrolOutcome::AlreadyThere(existing));
        }
        let capacity: i32 = courses::table.find(course_id).select(courses::capacity).first(conn)?;
        let (enrolled, waiting) = occupancy(conn, course_id)?;
        let full = enrolled >= i64::from(capacity);
        let record = EnrolmentRecord {
            id: new_id(),
            course_id: course_id.to_owned(),
            case_id: case_id.to_owned(),
            status: if full { "waiting" } else { "enrolled" }.to_owned(),
            waiting_position: full.then(|| i32::try_from(waiting + 1).unwrap_or(i32::MAX)),
            created_at: now,
            updated_at: now,
        };
        // A withdrawn enrolment of the same case is replaced by the new one.
        diesel::delete(
            enrolments::table
                .filter(enrolments::course_id.eq(course_id))
                .filter(enrolments::case_id.eq(case_id))
                .filter(enrolments::status.eq("withdrawn"))
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    attendance_records::table.filter(attendance_records::enrolment_id.eq(enrolments::id)),
                ))),
        )
        .execute(conn)?;
        diesel::insert_into(enrolments::table).values(&record).execute(conn)?;
        audit::append(
            conn,
            actor,
            "create_enrolment",
            "enrolment",
            Some(&record.id),
            Some(format!("status={}", record.status)),
            now,
        )?;
        Ok(if full { EnrolOutcome::Waiting(record) } else { EnrolOutcome::Enrolled(record) })
    })
}

/// Ends an enrolment (`withdrawn` or `completed`) for a case held by `cri`. A freed place goes to the first
/// person on the waiting list. Returns the enrolment, or `None` when out of scope or already ended.
pub fn end_enrolment(
    conn: &mut DbConnection,
    enrolment_id: &str,
    cri: &str,
    status: &str,
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
        let Some(enrolment) = found.filter(|e| matches!(e.status.as_str(), "enrolled" | "waiting")) else {
            return Ok(None);
        };
        diesel::update(courses::table.find(&enrolment.course_id))
            .set(courses::capacity.eq(courses::capacity))
            .execute(conn)?;
        diesel::update(enrolments::table.find(enrolment_id))
            .set((
                enrolments::status.eq(status),
                enrolments::waiting_position.eq(None::<i32>),
                enrolments::updated_at.eq(now),
            ))
            .execute(conn)?;
        if enrolment.status == "enrolled" {
            let next = enrolments::table
                .filter(enrolments::course_id.eq(&enrolment.course_id))
                .filter(enrolments::status.eq("waiting"))
                .order(enrolments::waiting_position.asc())
                .select(enrolments::id)
                .first::<String>(conn)
                .optional()?;
            if let Some(next) = next {
                diesel::update(enrolments::table.find(&next))
                    .set((
                        enrolments::status.eq("enrolled"),
                        enrolments::waiting_position.eq(None::<i32>),
                        enrolments::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
        // Keep the waiting list numbered 1, 2, 3... in its original order.
        let waiting: Vec<String> = enrolments::table
            .filter(enrolments::course_id.eq(&enrolment.course_id))
            .filter(enrolments::status.eq("waiting"))
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
            Some(format!("status={status}")),
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
    /// `enrolled`, `waiting`, `withdrawn`, `completed`.
    pub status: String,
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
        let owns: i64 = courses::table
            .filter(courses::id.eq(course_id))
            .filter(courses::operator_id.eq(operator_id))
            .count()
            .get_result(conn)?;
        if owns == 0 {
            return Ok(None);
        }
        let rows: Vec<(String, String, String, String, String, Option<i32>)> = enrolments::table
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
            ))
            .load(conn)?;
        audit::append(
            conn,
            actor,
            "list_participants",
            "course",
            Some(course_id),
            Some(format!("count={}", rows.len())),
            now,
        )?;
        Ok(Some(
            rows.into_iter()
                .map(|(enrolment_id, case_reference, surname, given_names, status, waiting_position)| Participant {
                    enrolment_id,
                    case_reference,
                    surname,
                    given_names,
                    status,
                    waiting_position,
                })
                .collect(),
        ))
    })
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

fn reject(line: usize, field: &'static str, code: &'static str, fr: &'static str, en: &'static str) -> RejectedLine {
    RejectedLine { line, field, code, message: Bilingual { fr, en } }
}

const INSERT_CHUNK: usize = 1000;

/// A checked line, borrowing from the batch and the course's maps.
struct Accepted<'a> {
    line: &'a AttendanceLine,
    enrolment_id: &'a str,
    case_id: &'a str,
    minutes: i32,
    /// The current version it corrects: its id and version number.
    previous: Option<(&'a str, i32)>,
}

fn insert_records(conn: &mut DbConnection, records: &[AttendanceRecord]) -> Result<(), StoreError> {
    for chunk in records.chunks(INSERT_CHUNK) {
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

fn add_case_minutes(conn: &mut DbConnection, case_id: &str, axis: &str, delta: i64) -> Result<(), StoreError> {
    let row = case_axis_minutes::table
        .filter(case_axis_minutes::case_id.eq(case_id))
        .filter(case_axis_minutes::axis.eq(axis));
    let updated =
        diesel::update(row).set(case_axis_minutes::minutes.eq(case_axis_minutes::minutes + delta)).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(case_axis_minutes::table)
            .values((
                case_axis_minutes::case_id.eq(case_id),
                case_axis_minutes::axis.eq(axis),
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
            .filter(enrolments::status.eq_any(["enrolled", "completed"]))
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
            let Some(session_minutes) = sessions.get(&line.session_id) else {
                report.rejected.push(reject(
                    line.line,
                    "session_id",
                    "unknown_session",
                    "Séance inconnue pour ce cours.",
                    "Unknown session for this course.",
                ));
                continue;
            };
            let Some((enrolment_id, case_id)) = enrolled.get(&line.case_reference) else {
                report.rejected.push(reject(
                    line.line,
                    "case_reference",
                    "not_enrolled",
                    "Cette personne n'est pas inscrite à ce cours.",
                    "This person is not enrolled in this course.",
                ));
                continue;
            };
            if !seen.insert((line.session_id.as_str(), line.case_reference.as_str())) {
                report.rejected.push(reject(
                    line.line,
                    "case_reference",
                    "duplicate_line",
                    "Même personne et même séance deux fois dans le lot.",
                    "Same person and session twice in the batch.",
                ));
                continue;
            }
            if let Err(error) =
                check_attendance(line.status, line.minutes, u32::try_from(*session_minutes).unwrap_or(0))
            {
                let (code, fr, en) = match error {
                    AttendanceError::PresentWithoutHours => {
                        ("present_without_hours", "Présent sans heures.", "Present without hours.")
                    }
                    AttendanceError::HoursBeyondSession { .. } => (
                        "hours_beyond_session",
                        "Plus d'heures que la séance n'en compte.",
                        "More hours than the session lasts.",
                    ),
                    AttendanceError::HoursWhenAbsent => {
                        ("hours_when_absent", "Absent ou excusé avec des heures.", "Absent or excused with hours.")
                    }
                };
                report.rejected.push(reject(line.line, "hours", code, fr, en));
                continue;
            }
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
                        status: a.line.status.code().to_owned(),
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
                insert_records(conn, &records)?;
            }
            for (case_id, delta) in &minutes_delta {
                add_case_minutes(conn, case_id, &course.axis, *delta)?;
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
            let axis = Axis::parse(&course.axis)
                .ok_or_else(|| StoreError::Corrupt(format!("course {} has an unknown axis", course.id)))?;
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
                let mut aggregate = cases::decode_case(&case.state_json)?;
                let steps = aggregate.record_operator_attendance(&report);
                let updated = cases::write_aggregate(conn, &case, &aggregate, now)?;
                cases::record_steps(conn, &updated, &case.cri_code, &steps, actor, now)?;
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
        let owns: i64 = courses::table
            .filter(courses::id.eq(course_id))
            .filter(courses::operator_id.eq(operator_id))
            .count()
            .get_result(conn)?;
        if owns == 0 {
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
            .select((case_table::reference, AttendanceRecord::as_select()))
            .into_boxed();
        if let Some(reference) = case_reference {
            query = query.filter(case_table::reference.eq(reference.to_owned()));
        }
        if let Some(session) = session_id {
            query = query.filter(attendance_records::session_id.eq(session.to_owned()));
        }
        let rows: Vec<(String, AttendanceRecord)> = query.load(conn)?;
        audit::append(
            conn,
            actor,
            "read_attendance",
            "course",
            Some(course_id),
            Some(format!("count={}", rows.len())),
            now,
        )?;
        Ok(Some(rows))
    })
}

/// Minutes reported by operators per axis code for a case.
pub fn case_operator_minutes(conn: &mut DbConnection, case_id: &str) -> Result<HashMap<String, i64>, StoreError> {
    Ok(case_axis_minutes::table
        .filter(case_axis_minutes::case_id.eq(case_id))
        .select((case_axis_minutes::axis, case_axis_minutes::minutes))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect())
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
        let mut query = case_table::table
            .inner_join(persons::table)
            .select(CaseRecord::as_select())
            .order(case_table::id.desc())
            .into_boxed();
        query = match key {
            InquiryKey::CaseReference(reference) => query.filter(case_table::reference.eq(reference.clone())),
            InquiryKey::Niss(niss) => query.filter(persons::niss.eq(niss.clone())),
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
                        .filter(enrolments::status.eq_any(["enrolled", "waiting"]))
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
