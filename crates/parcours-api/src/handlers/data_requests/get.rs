//! `GET /v1/data-requests/{id}`: one request of the caller's CRI.

use actix_web::{HttpResponse, get, web};

use super::DataRequestDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Reads a request.
///
/// One request of the caller's CRI.
#[utoipa::path(
    tag = "privacy",
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request", body = DataRequestDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/data-requests/{id}")]
pub async fn get_data_request(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let today = state.clock.today();
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::data_requests::get_request(&mut conn, &id, agent.cri.code(), &actor, state.clock.now())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(DataRequestDto::new(&record, today)?))
}
