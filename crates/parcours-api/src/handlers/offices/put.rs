//! `PUT /v1/offices/{id}`: the CRI changes an office's description (with `If-Match`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, put, web};
use parcours_domain::welcome_office::check_office;

use super::{OfficeDto, OfficeRequest};
use crate::auth::CriAgent;
use crate::handlers::cases::if_match;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Changes an office.
///
/// The CRI changes an office's description (with `If-Match`).
#[utoipa::path(
    tag = "welcome-office",
    params(
        ("id" = String, Path, description = "Office id"),
        ("If-Match" = String, Header, description = "ETag of the office as last read, e.g. \"1\"")
    ),
    request_body = OfficeRequest,
    responses(
        (status = 200, description = "The office, with its new `ETag`", body = OfficeDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, or a commune outside the CRI's territory", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[put("/offices/{id}")]
pub async fn put_office(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<OfficeRequest>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let office = body.into_inner().office()?;
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        check_office(&office, agent.cri, &reference, state.clock.today())?;
        let now = state.clock.now();
        Ok(parcours_store::welcome_offices::replace(&mut conn, &id, agent.cri.code(), expected, &office, &actor, now)?)
    })
    .await??;
    Ok(OfficeDto::new(&record)?.respond(StatusCode::OK))
}
