//! `GET /v1/simulations/{id}`: a simulation's progress and, once done, its answer.

use actix_web::{HttpResponse, get, web};

use super::SimulationDto;
use crate::auth::RegionAdmin;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Reads a simulation.
///
/// A simulation's progress and, once done, its answer.
#[utoipa::path(
    tag = "statistics",
    params(("id" = String, Path, description = "Simulation id")),
    responses(
        (status = 200, description = "Its status and progress; the answer once `done`", body = SimulationDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the Region", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such simulation", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/simulations/{id}")]
pub async fn get_simulation(
    state: web::Data<AppState>,
    admin: RegionAdmin,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&admin.caller, &request_id);
    let id = path.into_inner();
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::simulations::read(&mut conn, &id, &actor, state.clock.now())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(SimulationDto::new(&record)?))
}
