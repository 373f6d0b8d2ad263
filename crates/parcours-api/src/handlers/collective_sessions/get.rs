//! `GET /v1/collective-sessions/{id}`: a session of the CRI's, with its enrolments.

use actix_web::{HttpResponse, get, web};

use super::SessionDetail;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads a session.
///
/// A session of the CRI's, with its enrolments.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "The session with its enrolments", body = SessionDetail),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown session, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/collective-sessions/{id}")]
pub async fn get_collective_session(
    state: web::Data<AppState>,
    agent: CriAgent,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let detail = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let session =
            parcours_store::collective_sessions::find(&mut conn, &id, agent.cri.code())?.ok_or(ApiError::NotFound)?;
        SessionDetail::load(&mut conn, &session)
    })
    .await??;
    Ok(HttpResponse::Ok().json(detail))
}
