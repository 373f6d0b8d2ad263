//! Courses and sessions published by operators, the catalogue CRI staff search for a place, enrolments,
//! participants, and attendance.

pub mod attendance;
pub mod attendance_history;
pub mod create;
pub mod enrolment;
pub mod get;
pub mod list;
pub mod participants;

use chrono::NaiveDate;
use parcours_store::courses::CourseView;
use parcours_store::enrolments::EnrolmentRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionDto {
    /// Session id (used in attendance lines).
    pub id: String,
    /// Date.
    pub date: NaiveDate,
    /// Start (`HH:MM`).
    pub start: String,
    /// End (`HH:MM`).
    pub end: String,
    /// Hours.
    pub hours: f64,
}

/// A course.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20d10-0000-7000-8000-000000000001", "operator_id": "01a20d00-0000-7000-8000-000000000001",
    "title": "Français A1 - soir", "axis": "french", "level": "A1", "instruction_language": "fr", "commune_nis": "62063",
    "address": "Rue des Écoles 1, 4000 Liège", "capacity": 15, "enrolled": 14, "waiting": 0, "places_left": 1,
    "start_date": "2027-01-11", "end_date": "2027-06-25",
    "sessions": [{"id": "01a20d10-0000-7000-8000-0000000000a1", "date": "2027-01-11", "start": "18:00", "end": "21:00", "hours": 3.0}]}))]
pub struct CourseDto {
    /// Course id.
    pub id: String,
    /// Operator.
    pub operator_id: String,
    /// Title.
    pub title: String,
    /// `french`, `citizenship` or `orientation`.
    pub axis: String,
    /// CEFR level (French).
    pub level: Option<String>,
    /// Language of instruction (ISO 639-1; citizenship may be taught in a language the person understands).
    pub instruction_language: String,
    /// Commune of the place.
    pub commune_nis: String,
    /// Address.
    pub address: String,
    /// Places.
    pub capacity: i32,
    /// Enrolled.
    pub enrolled: i64,
    /// On the waiting list.
    pub waiting: i64,
    /// Places left.
    pub places_left: i64,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Sessions.
    pub sessions: Vec<SessionDto>,
}

impl From<&CourseView> for CourseDto {
    fn from(v: &CourseView) -> Self {
        let c = &v.course;
        CourseDto {
            id: c.id.clone(),
            operator_id: c.operator_id.clone(),
            title: c.title.clone(),
            axis: c.axis.code().to_owned(),
            level: c.level.clone(),
            instruction_language: c.instruction_language.clone(),
            commune_nis: c.commune_nis.clone(),
            address: c.address.clone(),
            capacity: c.capacity,
            enrolled: v.enrolled,
            waiting: v.waiting,
            places_left: (i64::from(c.capacity) - v.enrolled).max(0),
            start_date: c.start_date,
            end_date: c.end_date,
            sessions: v
                .sessions
                .iter()
                .map(|s| SessionDto {
                    id: s.id.clone(),
                    date: s.session_date,
                    start: s.start_time.clone(),
                    end: s.end_time.clone(),
                    hours: f64::from(s.minutes) / 60.0,
                })
                .collect(),
        }
    }
}

/// An enrolment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20d20-0000-7000-8000-000000000001", "course_id": "01a20d10-0000-7000-8000-000000000001",
    "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929", "status": "waiting", "waiting_position": 2}))]
pub struct EnrolmentDto {
    /// Enrolment id.
    pub id: String,
    /// Course.
    pub course_id: String,
    /// Case.
    pub case_id: String,
    /// `enrolled`, `waiting`, `withdrawn` or `completed`.
    pub status: String,
    /// Place in the waiting list (1 = next).
    pub waiting_position: Option<i32>,
}

impl From<&EnrolmentRecord> for EnrolmentDto {
    fn from(e: &EnrolmentRecord) -> Self {
        EnrolmentDto {
            id: e.id.clone(),
            course_id: e.course_id.clone(),
            case_id: e.case_id.clone(),
            status: e.status.code().to_owned(),
            waiting_position: e.waiting_position,
        }
    }
}

/// Hours as minutes (rounded to the minute); `None` when negative, not finite or over 24 h.
pub fn minutes(hours: f64) -> Option<u32> {
    (hours.is_finite() && (0.0..=24.0).contains(&hours)).then(|| (hours * 60.0).round() as u32)
}
