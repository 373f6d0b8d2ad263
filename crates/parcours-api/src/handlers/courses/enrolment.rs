//! `POST /v1/courses/{id}/enrolments`: a CRI enrols one of its cases in a course; when the course is full
//! the case goes on the waiting list, in order.

use actix_web::{HttpResponse, post, web};
use parcours_store::training::EnrolOutcome;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::EnrolmentDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Which case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929"}))]
pub struct EnrolmentRequest {
    /// A case the CRI holds.
    pub case_id: String,
}

/// Enrols a case in a course.
#[utoipa::path(
    tag = "courses",
    params(("id" = String, Path, description = "Course id")),
    request_body = EnrolmentRequest,
    responses(
        (status = 201, description = "Enrolled, or on the waiting list (`status`, `waiting_position`)", body = EnrolmentDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown course, or a case the CRI does not hold", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already enrolled or waiting", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/courses/{id}/enrolments")]
pub async fn create_course_enrolment(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<EnrolmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let actor = actor(&caller, &request_id);
    let course_id = path.into_inner();
    let case_id = body.into_inner().case_id;
    let outcome = web::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::training::enrol(&mut conn, &course_id, &case_id, cri.code(), &actor, state.clock.now())?)
    })
    .await??;
    match outcome {
        EnrolOutcome::Enrolled(e) | EnrolOutcome::Waiting(e) => {
            Ok(HttpResponse::Created().json(EnrolmentDto::from(&e)))
        }
        EnrolOutcome::AlreadyThere(e) => Err(ApiError::Conflict(
            "already_enrolled",
            Text::new(
                format!("Déjà inscrit à ce cours ({}).", e.status),
                format!("Already in this course ({}).", e.status),
            ),
        )),
        EnrolOutcome::NotFound => Err(ApiError::NotFound),
    }
}
