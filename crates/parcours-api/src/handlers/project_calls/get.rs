//! `GET /v1/project-calls/{id}`: one call for projects (calls are public to the sector).

use actix_web::{HttpResponse, get, web};

use super::ProjectCallDto;
use crate::auth::ProjectParticipant;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads a call.
///
/// One call for projects (calls are public to the sector).
#[utoipa::path(
    tag = "local-integration",
    description = "One call for projects. Every participant reads the calls: the Region, the CRIs, the ILIs and \
                   the communes.",
    params(("id" = String, Path, description = "Call id")),
    responses(
        (status = 200, description = "The call", body = ProjectCallDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a participant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown call", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/project-calls/{id}")]
pub async fn get_project_call(
    state: web::Data<AppState>,
    _participant: ProjectParticipant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let record = parcours_store::project_calls::find(&mut conn, &id)?.ok_or(ApiError::NotFound)?;
        ProjectCallDto::new(&record, state.clock.today())
    })
    .await??;
    Ok(HttpResponse::Ok().json(dto))
}
