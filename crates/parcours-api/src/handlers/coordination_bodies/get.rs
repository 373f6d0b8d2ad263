//! `GET /v1/coordination-bodies/{id}`: one plan or platform with its meetings.

use actix_web::{HttpResponse, get, web};

use super::{CoordinationBodyDto, coordination_scope};
use crate::auth::ProjectParticipant;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads a plan or platform.
///
/// One plan or platform with its meetings.
#[utoipa::path(
    tag = "local-integration",
    description = "One plan or platform with its meetings, for its CRI, the Region and the communes it covers.",
    params(("id" = String, Path, description = "Body id")),
    responses(
        (status = 200, description = "The body and its meetings", body = CoordinationBodyDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the Region, a CRI or a commune", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or outside the caller's scope", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/coordination-bodies/{id}")]
pub async fn get_coordination_body(
    state: web::Data<AppState>,
    participant: ProjectParticipant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let scope = coordination_scope(&participant.participant)?;
    let id = path.into_inner();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let record = parcours_store::coordination_bodies::find(&mut conn, &id, &scope)?.ok_or(ApiError::NotFound)?;
        let meetings = parcours_store::coordination_meetings::of_body(&mut conn, &id)?;
        CoordinationBodyDto::new(&record, Some(&meetings))
    })
    .await??;
    Ok(HttpResponse::Ok().json(dto))
}
