//! The `courses` and `course_sessions` tables: what operators publish. An operator sees its own courses;
//! CRI staff and the Region the whole catalogue.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::operator::EnrolmentStatus;
use parcours_domain::regime::Axis;

use crate::audit::{self, Actor};
use crate::schema::{course_sessions, courses, enrolments};
use crate::{DbConnection, StoreError};

/// A course.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = courses)]
pub struct CourseRecord {
    /// Id.
    pub id: String,
    /// Operator.
    pub operator_id: String,
    /// Title.
    pub title: String,
    /// Axis.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub axis: Axis,
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
#[diesel(treat_none_as_default_value = false)]
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

pub(crate) fn occupancy(conn: &mut DbConnection, course_id: &str) -> Result<(i64, i64), StoreError> {
    let rows: Vec<String> = enrolments::table
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::status.eq_any(EnrolmentStatus::active().map(|s| s.code())))
        .select(enrolments::status)
        .load(conn)?;
    let enrolled = rows.iter().filter(|s| *s == EnrolmentStatus::Enrolled.code()).count() as i64;
    Ok((enrolled, rows.len() as i64 - enrolled))
}

pub(crate) fn course_view(conn: &mut DbConnection, course: CourseRecord) -> Result<CourseView, StoreError> {
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
        diesel::insert_into(courses::table).values(course.clone()).execute(conn)?;
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
    /// Axis.
    pub axis: Option<Axis>,
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
        query = query.filter(courses::axis.eq(axis.code()));
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
        .filter(enrolments::status.eq_any(EnrolmentStatus::active().map(|s| s.code())))
        .select((enrolments::course_id, enrolments::status))
        .load::<(String, String)>(conn)?
    {
        let entry = occupancy.entry(course_id).or_default();
        if status == EnrolmentStatus::Enrolled.code() { entry.0 += 1 } else { entry.1 += 1 }
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

/// Whether `course_id` is one of `operator_id`'s courses (an operator reads and reports only on its own).
pub fn operator_owns_course(conn: &mut DbConnection, course_id: &str, operator_id: &str) -> Result<bool, StoreError> {
    let owns: i64 = courses::table
        .filter(courses::id.eq(course_id))
        .filter(courses::operator_id.eq(operator_id))
        .count()
        .get_result(conn)?;
    Ok(owns > 0)
}
