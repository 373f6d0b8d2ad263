//! `GET /v1/offices/{id}`: one of the CRI's offices.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};

use super::OfficeDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads an office.
///
/// One of the CRI's offices.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Office id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag read before: 304 with no body while the representation is unchanged")),
    responses(
        (status = 200, description = "The office", body = OfficeDto, headers(("ETag" = String, description = "`\"<version>-<digest>\"`, for `If-Match` and `If-None-Match`"))),
        (status = 304, description = "Not modified: `If-None-Match` names the current ETag", headers(("ETag" = String, description = "The current ETag"))),
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
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        parcours_store::welcome_offices::find(&mut conn, &id, agent.cri.code())?.ok_or(ApiError::NotFound)
    })
    .await??;
    Ok(OfficeDto::new(&record)?.respond(StatusCode::OK))
}
