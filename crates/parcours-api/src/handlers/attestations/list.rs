//! `GET /v1/cases/{id}/attestations`: every attestation of a case the CRI holds, oldest first (in force,
//! superseded and revoked alike).

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AttestationDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The attestations of a case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttestationList {
    /// Oldest first.
    pub items: Vec<AttestationDto>,
}

/// Lists the attestations of a case.
///
/// Every attestation of a case the CRI holds, oldest first (in force,
/// superseded and revoked alike).
#[utoipa::path(
    tag = "attestations",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The attestations of the case", body = AttestationList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case held by the CRI", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/cases/{id}/attestations")]
pub async fn list_case_attestations(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let actor = actor(&caller, &request_id);
    let case_id = path.into_inner();
    let items = crate::clock::block(move || -> Result<Vec<AttestationDto>, ApiError> {
        let mut conn = state.store.conn()?;
        // Reading the case through get_case checks the CRI holds it and audits the read.
        parcours_store::cases::get_case(&mut conn, &case_id, cri.code(), &actor, state.clock.now())?
            .ok_or(ApiError::NotFound)?;
        parcours_store::attestations::for_case(&mut conn, &case_id)?
            .iter()
            .map(|record| AttestationDto::of(record, &state.config))
            .collect()
    })
    .await??;
    Ok(HttpResponse::Ok().json(AttestationList { items }))
}
