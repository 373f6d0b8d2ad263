//! `GET /v1/sanctions/{id}/file`: the evidence file as one PDF: the determination with its reasons, the deadlines and their computation, the reminders sent, hours per axis, offers and waiting lists, the non-compliance record and the CRI's review, the preconditions, the notice, the observations, the decision and what followed, and every step with who recorded it. Rendered on demand
//! from the records, never stored; each fetch is an audited read of the person's file. For the Region's
//! sanctioning officials and the CRI holding the case.

use actix_web::{HttpResponse, get, web};

use super::documents::{Document, respond};
use crate::auth::ProcedureReader;
use crate::problem::{ApiError, Problem};
use crate::request::RequestId;
use crate::state::AppState;

/// The evidence file (PDF).
///
/// The evidence file as one PDF: the determination with its reasons, the deadlines and their computation, the reminders sent, hours per axis, offers and waiting lists, the non-compliance record and the CRI's review, the preconditions, the notice, the observations, the decision and what followed, and every step with who recorded it. Rendered on demand
/// from the records, never stored; each fetch is an audited read of the person's file. For the Region's
/// sanctioning officials and the CRI holding the case.
#[utoipa::path(
    tag = "sanctions",
    params(("id" = String, Path, description = "Procedure id")),
    responses(
        (status = 200, description = "The evidence file, A4, French", content_type = "application/pdf", body = inline(crate::dto::BinaryFile)),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The Region without the role `sanctions_officer`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown procedure, or not the caller's to see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/sanctions/{id}/file")]
pub async fn get_sanction_file(
    state: web::Data<AppState>,
    reader: ProcedureReader,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    respond(state, reader, request_id, path.into_inner(), Document::File).await
}
