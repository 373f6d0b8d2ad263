//! `GET /v1/courses/{id}/attendance`: every version of the attendance lines of one of the operator's
//! courses, oldest first: nothing is overwritten, corrections are readable with their author and reason.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::OperatorAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only this participant.
    pub case_reference: Option<String>,
    /// Only this session.
    pub session_id: Option<String>,
}

/// One version of a line.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttendanceVersion {
    /// Case reference.
    pub case_reference: String,
    /// Session.
    pub session_id: String,
    /// `present`, `absent`, `excused`.
    pub status: String,
    /// Hours.
    pub hours: f64,
    /// 1, then one more per correction.
    pub version: i32,
    /// The version in force.
    pub current: bool,
    /// Why (corrections).
    pub reason: Option<String>,
    /// Batch.
    pub batch_id: String,
    /// Author (token subject).
    pub author: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// The history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [
    {"case_reference": "CRIPEL-2026-000001", "session_id": "01a20d10-0000-7000-8000-0000000000a1", "status": "present", "hours": 2.0, "version": 1, "current": false,
     "reason": null, "batch_id": "01a20d30-0000-7000-8000-000000000001", "author": "school-software", "recorded_at": "2027-01-12T08:00:00Z"},
    {"case_reference": "CRIPEL-2026-000001", "session_id": "01a20d10-0000-7000-8000-0000000000a1", "status": "present", "hours": 3.0, "version": 2, "current": true,
     "reason": "feuille de présence corrigée", "batch_id": "01a20d30-0000-7000-8000-000000000002", "author": "school-software", "recorded_at": "2027-01-14T08:00:00Z"}]}))]
pub struct AttendanceHistory {
    /// By session and participant, oldest version first.
    pub items: Vec<AttendanceVersion>,
}

/// Reads the attendance history of a course.
///
/// Every version of the attendance lines of one of the operator's
/// courses, oldest first: nothing is overwritten, corrections are readable with their author and reason.
#[utoipa::path(
    tag = "courses",
    params(("id" = String, Path, description = "Course id"), HistoryQuery),
    responses(
        (status = 200, description = "Every version", body = AttendanceHistory),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another operator's course", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/courses/{id}/attendance")]
pub async fn list_course_attendance(
    state: web::Data<AppState>,
    agent: OperatorAgent,
    request_id: RequestId,
    path: web::Path<String>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&agent.caller, &request_id);
    let operator = agent.operator;
    let course_id = path.into_inner();
    let query = query.into_inner();
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::attendance::attendance_history(
            &mut conn,
            &course_id,
            &operator,
            query.case_reference.as_deref(),
            query.session_id.as_deref(),
            &actor,
            state.clock.now(),
        )?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    let items = rows
        .into_iter()
        .map(|(case_reference, r)| AttendanceVersion {
            case_reference,
            session_id: r.session_id,
            status: r.status.into(),
            hours: f64::from(r.minutes) / 60.0,
            version: r.version,
            current: r.is_current,
            reason: r.reason,
            batch_id: r.batch_id,
            author: r.author_subject,
            recorded_at: r.recorded_at.and_utc(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(AttendanceHistory { items }))
}
