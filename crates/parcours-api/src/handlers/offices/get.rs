//! `GET /v1/offices/{id}`: one of the CRI's offices.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};

use super::OfficeDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads an office.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Office id")),
    responses(
        (status = 200, description = "The office, with its `ETag`", body = OfficeDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/offices/{id}")]
pub async fn get_office(
    state: web::Data<AppState>,
    agent: CriAgent,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let record = web::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        parcours_store::welcome_offices::find(&mut conn, &id, agent.cri.code())?.ok_or(ApiError::NotFound)
    })
    .await??;
    Ok(OfficeDto::new(&record)?.respond(StatusCode::OK))
}
