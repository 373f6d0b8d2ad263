//! `POST /v1/enrolments/{id}/completion`: the case completed the course.

use actix_web::{HttpResponse, post, web};

use crate::auth::CriAgent;
use crate::handlers::courses::EnrolmentDto;
use crate::problem::{ApiError, Problem};
use crate::request::RequestId;
use crate::state::AppState;

/// Ends an enrolment (completed).
///
/// The case completed the course.
#[utoipa::path(
    tag = "courses",
    params(("id" = String, Path, description = "Enrolment id")),
    responses(
        (status = 200, description = "The enrolment, now completed", body = EnrolmentDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, already ended, or a case the CRI does not hold", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/enrolments/{id}/completion")]
pub async fn create_enrolment_completion(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::end(state, agent, request_id, path.into_inner(), parcours_domain::operator::EnrolmentStatus::Completed).await
}
