//! `GET /v1/sanctions/{id}/notice`: the notice inviting the person's observations: the facts, the law, the preconditions checked, the evidence, how to consult the file, the observation period (and, once recorded as notified, its last day). Rendered on demand
//! from the records, never stored; each fetch is an audited read of the person's file. For the Region's
//! sanctioning officials and the CRI holding the case.

use actix_web::{HttpResponse, get, web};

use super::documents::{Document, respond};
use crate::auth::ProcedureReader;
use crate::problem::{ApiError, Problem};
use crate::request::RequestId;
use crate::state::AppState;

/// The notice inviting observations (PDF).
///
/// The notice inviting the person's observations: the facts, the law, the preconditions checked, the evidence, how to consult the file, the observation period (and, once recorded as notified, its last day). Rendered on demand
/// from the records, never stored; each fetch is an audited read of the person's file. For the Region's
/// sanctioning officials and the CRI holding the case.
#[utoipa::path(
    tag = "sanctions",
    params(("id" = String, Path, description = "Procedure id")),
    responses(
        (status = 200, description = "The notice inviting observations, A4, French", content_type = "application/pdf", body = inline(crate::dto::BinaryFile)),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The Region without the role `sanctions_officer`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown procedure, or not the caller's to see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/sanctions/{id}/notice")]
pub async fn get_sanction_notice(
    state: web::Data<AppState>,
    reader: ProcedureReader,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    respond(state, reader, request_id, path.into_inner(), Document::Notice).await
}
