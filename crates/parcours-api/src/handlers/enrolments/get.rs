//! `GET /v1/enrolments/{id}`: one enrolment of a case the caller's CRI holds: its course, status and place on
//! the waiting list. Operators read theirs through `GET /v1/courses/{id}/participants`.

use actix_web::{HttpResponse, get, web};

use crate::auth::CriAgent;
use crate::handlers::courses::EnrolmentDto;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads an enrolment.
///
/// One enrolment of a case the caller's CRI holds: its course, status and place on
/// the waiting list. Operators read theirs through `GET /v1/courses/{id}/participants`.
#[utoipa::path(
    tag = "courses",
    params(("id" = String, Path, description = "Enrolment id")),
    responses(
        (status = 200, description = "The enrolment", body = EnrolmentDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or a case the CRI does not hold", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/enrolments/{id}")]
pub async fn get_enrolment(
    state: web::Data<AppState>,
    agent: CriAgent,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::enrolments::find_for_cri(&mut conn, &id, agent.cri.code())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(EnrolmentDto::from(&record)))
}
