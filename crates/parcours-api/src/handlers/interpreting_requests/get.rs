//! `GET /v1/interpreting-requests/{id}`: one interpreting request of the caller's CRI, as created or as its
//! status last changed.

use actix_web::{HttpResponse, get, web};

use super::InterpretingDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads an interpreting request.
///
/// One interpreting request of the caller's CRI, as created or as its
/// status last changed.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Interpreting request id")),
    responses(
        (status = 200, description = "The request", body = InterpretingDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/interpreting-requests/{id}")]
pub async fn get_interpreting_request(
    state: web::Data<AppState>,
    agent: CriAgent,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::interpreting_requests::find(&mut conn, &id, agent.cri.code())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(InterpretingDto::new(&record)))
}
