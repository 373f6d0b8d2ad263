//! `POST /v1/attestations/{serial}/copies`: the issuing CRI prints a copy; the copy is counted, audited and
//! marked "Copie n° N" on the page (the original is copy 1), so that copies are never taken for originals.

use actix_web::{HttpResponse, post, web};
use parcours_domain::attestation::reprinted_step;

use super::{document_of, pdf_response, render};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Prints a copy of an attestation.
///
/// The issuing CRI prints a copy; the copy is counted, audited and
/// marked "Copie n° N" on the page (the original is copy 1), so that copies are never taken for originals.
#[utoipa::path(
    tag = "attestations",
    params(("serial" = String, Path, description = "Serial")),
    responses(
        (status = 200, description = "The copy, as PDF", content_type = "application/pdf", body = inline(crate::dto::BinaryFile)),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attestation issued by this CRI", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/attestations/{serial}/copies")]
pub async fn create_attestation_copy(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let actor = actor(&caller, &request_id);
    let serial = path.into_inner();
    let (serial, copy, pdf) = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        let (record, copy) = parcours_store::attestations::count_copy(
            &mut conn,
            &serial,
            cri.code(),
            |copy| reprinted_step(&serial, copy),
            &actor,
            now,
        )?
        .ok_or(ApiError::NotFound)?;
        let pdf = render(document_of(&record, &state.config, Some(copy))?)?;
        Ok((record.serial, copy, pdf))
    })
    .await??;
    Ok(pdf_response(&serial, pdf, Some(copy)))
}
