//! `POST /v1/courses/{id}/enrolments`: a CRI enrols one of its cases in a course; when the course is full
//! the case goes on the waiting list, in order.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_store::enrolments::EnrolOutcome;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::EnrolmentDto;
use crate::auth::CriAgent;
use crate::idempotency::{self, Answer, Idempotency};
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
///
/// A CRI enrols one of its cases in a course; when the course is full
/// the case goes on the waiting list, in order.
#[utoipa::path(
    tag = "courses",
    params(("id" = String, Path, description = "Course id"), ("Idempotency-Key" = Option<String>, Header, description = "Optional; a UUID per request makes a retry safe: a replay returns the first response (with `Idempotent-Replayed: true`), the same key with another body is refused (422).")),
    request_body = EnrolmentRequest,
    responses(
        (status = 201, description = "Enrolled, or on the waiting list (`status`, `waiting_position`)", body = EnrolmentDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown course, or a case the CRI does not hold", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_enrolled` (enrolled or waiting already), or the case is closed or its requirements are met", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/courses/{id}/enrolments")]
pub async fn create_course_enrolment(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<EnrolmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let canonical = format!("{}|{}", path.as_str(), body.case_id);
    let key = idempotency::optional_key(&req)?.map(|key| Idempotency {
        organisation: caller.organisation.to_string(),
        key,
        request_hash: idempotency::request_hash(canonical.as_bytes()),
    });
    let actor = actor(&caller, &request_id);
    let course_id = path.into_inner();
    let case_id = body.into_inner().case_id;
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        idempotency::run(&mut conn, key.as_ref(), &actor, now, |conn| {
            match parcours_store::enrolments::enrol(conn, &course_id, &case_id, cri.code(), &actor, now)? {
                EnrolOutcome::Enrolled(e) | EnrolOutcome::Waiting(e) => {
                    Answer::created(&EnrolmentDto::from(&e), format!("/v1/enrolments/{}", e.id))
                }
                EnrolOutcome::AlreadyThere(e) => Err(ApiError::Conflict(
                    "already_enrolled",
                    Text::new(
                        format!("Déjà inscrit à ce cours ({}).", e.status.code()),
                        format!("Already in this course ({}).", e.status.code()),
                    ),
                )),
                EnrolOutcome::NotFound => Err(ApiError::NotFound),
                EnrolOutcome::Refused(refusal) => Err(ApiError::Case(refusal)),
            }
        })
    })
    .await??;
    Ok(answer.respond())
}
