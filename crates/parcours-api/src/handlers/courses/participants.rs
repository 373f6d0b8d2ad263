//! `GET /v1/courses/{id}/participants`: what an operator may know of its participants: name, case
//! reference, course, enrolment state. No nationality, no birth date, no social assessment.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::OperatorAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A participant, as the operator sees them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ParticipantDto {
    /// Enrolment id.
    pub enrolment_id: String,
    /// Case reference (used in attendance lines).
    pub case_reference: String,
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
    /// Course id.
    pub course_id: String,
    /// `enrolled`, `waiting`, `withdrawn` or `completed`.
    pub status: String,
    /// Place in the waiting list.
    pub waiting_position: Option<i32>,
}

/// Participants of a course.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{"enrolment_id": "01a20d20-0000-7000-8000-000000000001", "case_reference": "CRIPEL-2026-000001",
    "surname": "El Amrani", "given_names": "Samira", "course_id": "01a20d10-0000-7000-8000-000000000001", "status": "enrolled", "waiting_position": null}]}))]
pub struct ParticipantList {
    /// Enrolled first, then the waiting list in order.
    pub items: Vec<ParticipantDto>,
}

/// Lists the participants of one of the operator's courses.
///
/// What an operator may know of its participants: name, case
/// reference, course, enrolment state. No nationality, no birth date, no social assessment.
#[utoipa::path(
    tag = "courses",
    params(("id" = String, Path, description = "Course id")),
    responses(
        (status = 200, description = "Participants", body = ParticipantList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another operator's course", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/courses/{id}/participants")]
pub async fn list_course_participants(
    state: web::Data<AppState>,
    agent: OperatorAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (caller, operator) = (agent.caller, agent.operator);
    let actor = actor(&caller, &request_id);
    let course_id = path.into_inner();
    let id = course_id.clone();
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::enrolments::participants(&mut conn, &id, &operator, &actor, state.clock.now())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    let items = rows
        .into_iter()
        .map(|p| ParticipantDto {
            enrolment_id: p.enrolment_id,
            case_reference: p.case_reference,
            surname: p.surname,
            given_names: p.given_names,
            course_id: course_id.clone(),
            status: p.status.into(),
            waiting_position: p.waiting_position,
        })
        .collect();
    Ok(HttpResponse::Ok().json(ParticipantList { items }))
}
