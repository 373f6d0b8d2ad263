//! `POST /v1/attestations/{serial}/revocation`: the issuing CRI withdraws an attestation in force, with a
//! reason (law of 29 July 1991: a reasoned act). Verification then answers `revoked`; the commune of
//! reference is told.

use actix_web::{HttpResponse, post, web};
use parcours_domain::attestation::revoked_step;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AttestationDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Why.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Délivrée par erreur : les heures de citoyenneté avaient été encodées deux fois."}))]
pub struct RevocationRequest {
    /// The reason, stated in full (10 to 1000 characters).
    pub reason: String,
}

/// Revokes an attestation.
///
/// The issuing CRI withdraws an attestation in force, with a
/// reason (law of 29 July 1991: a reasoned act). Verification then answers `revoked`; the commune of
/// reference is told.
#[utoipa::path(
    tag = "attestations",
    params(("serial" = String, Path, description = "Serial")),
    request_body = RevocationRequest,
    responses(
        (status = 200, description = "Revoked", body = AttestationDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attestation issued by this CRI", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`attestation_not_in_force`: already revoked or superseded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing or too short", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/attestations/{serial}/revocation")]
pub async fn create_attestation_revocation(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<RevocationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let reason = body.into_inner().reason;
    let length = reason.chars().count();
    if !(10..=1000).contains(&length) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "reason",
            "invalid_length",
            "Le motif compte de 10 à 1000 caractères.",
            "The reason has 10 to 1000 characters.",
        )]));
    }
    let actor = actor(&caller, &request_id);
    let serial = path.into_inner();
    let dto = crate::clock::block(move || -> Result<AttestationDto, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        let step = revoked_step(&serial);
        match parcours_store::attestations::revoke(&mut conn, &serial, cri.code(), &reason, &step, &actor, now)? {
            Some(record) => AttestationDto::of(&record, &state.config),
            None => match parcours_store::attestations::find(&mut conn, &serial)? {
                Some(record) if record.cri_code == cri.code() => Err(ApiError::Conflict(
                    "attestation_not_in_force",
                    Text::new(
                        format!("L'attestation n'est plus en vigueur ({}).", record.status.code()),
                        format!("The attestation is no longer in force ({}).", record.status.code()),
                    ),
                )),
                _ => Err(ApiError::NotFound),
            },
        }
    })
    .await??;
    Ok(HttpResponse::Ok().json(dto))
}
