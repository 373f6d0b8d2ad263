//! `GET /v1/cases/{id}`: state, deadlines with their explanation, required vs attended hours per axis,
//! next review, open claims, with an `ETag` to send back in `If-Match`. Only the CRI in charge.

use actix_web::{HttpResponse, get, web};

use super::CaseResponse;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Reads a case.
///
/// State, deadlines with their explanation, required vs attended hours per axis,
/// next review, open claims, with an `ETag` to send back in `If-Match`. Only the CRI in charge.
#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "Case id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag read before: 304 with no body while the representation is unchanged")),
    responses(
        (status = 200, description = "The case", body = CaseResponse, headers(("ETag" = String, description = "`\"<version>-<digest>\"`: send it back in `If-Match` to change the case, in `If-None-Match` to read it again"))),
        (status = 304, description = "Not modified: `If-None-Match` names the current ETag", headers(("ETag" = String, description = "The current ETag"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or held by another CRI", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/cases/{id}")]
pub async fn get_case(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let actor = actor(&caller, &request_id);
    let id = path.into_inner();
    let response = crate::clock::block(move || -> Result<CaseResponse, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        let view = parcours_store::cases::get_case(&mut conn, &id, cri.code(), &actor, state.clock.now())?
            .ok_or(ApiError::NotFound)?;
        CaseResponse::new(&view, &reference, &state.config.data_keys, state.clock.today())
    })
    .await??;
    Ok(response.respond(actix_web::http::StatusCode::OK))
}
