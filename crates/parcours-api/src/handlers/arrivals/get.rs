//! `GET /v1/arrivals/{id}`: one arrival, for the commune that reported it (any other caller: 404).

use actix_web::{HttpResponse, get, web};

use super::ArrivalResponse;
use crate::auth::CommuneAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Reads an arrival the caller's commune reported.
///
/// One arrival, for the commune that reported it (any other caller: 404).
#[utoipa::path(
    tag = "arrivals",
    params(("id" = String, Path, description = "Arrival id")),
    responses(
        (status = 200, description = "The arrival, its determination and case", body = ArrivalResponse),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a commune agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or reported by another commune", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/arrivals/{id}")]
pub async fn get_arrival(
    state: web::Data<AppState>,
    agent: CommuneAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let caller = agent.caller;
    let id = path.into_inner();
    let actor = actor(&caller, &request_id);
    let view = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::arrivals::get_arrival(&mut conn, &id, &actor, state.clock.now())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(ArrivalResponse::from_view(&view)?))
}
