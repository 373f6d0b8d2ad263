//! `POST /v1/erasure-batches/{id}/decision`: the Region's data protection officer approves or rejects a
//! proposed batch, with a reason. An approved batch is executed by the next `retention_review` run (each
//! person erased only if still due and not blocked then).

use actix_web::{HttpResponse, post, web};
use parcours_store::erasure_batches::BatchDecision;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ErasureBatchDto, region_officer};
use crate::auth::PrivacyOfficer;
use crate::handlers::cases::short_text;
use crate::problem::{ApiError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approve": true, "reason": "Liste vérifiée : dossiers clos depuis plus de dix ans, aucune procédure en cours."}))]
pub struct ErasureDecisionRequest {
    /// Approve (true) or reject (false).
    pub approve: bool,
    /// Why, 5 to 500 characters.
    pub reason: String,
}

/// Decides on a batch.
///
/// The Region's data protection officer approves or rejects a
/// proposed batch, with a reason. An approved batch is executed by the next `retention_review` run (each
/// person erased only if still due and not blocked then).
#[utoipa::path(
    tag = "privacy",
    params(("id" = String, Path, description = "Batch id")),
    request_body = ErasureDecisionRequest,
    responses(
        (status = 200, description = "The batch, approved or rejected", body = ErasureBatchDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the Region's data protection officer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown batch", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Decided already (`erasure_batch_decided`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing or too long", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/erasure-batches/{id}/decision")]
pub async fn create_erasure_batch_decision(
    state: web::Data<AppState>,
    officer: PrivacyOfficer,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<ErasureDecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    region_officer(&officer)?;
    let body = body.into_inner();
    let reason = short_text("reason", &body.reason, 500)?;
    let actor = actor(&officer.caller, &request_id);
    let id = path.into_inner();
    let decision = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        Ok(parcours_store::erasure_batches::decide_batch(&mut conn, &id, body.approve, &reason, &actor, now)?)
    })
    .await??;
    match decision {
        BatchDecision::Decided(batch) => Ok(HttpResponse::Ok().json(ErasureBatchDto::new(&batch)?)),
        BatchDecision::AlreadyDecided(batch) => Err(ApiError::Conflict(
            "erasure_batch_decided",
            Text::new(
                format!("Ce lot n'est plus à décider (statut : {}).", batch.status),
                format!("This batch is no longer to be decided (status: {}).", batch.status),
            ),
        )),
        BatchDecision::NotFound => Err(ApiError::NotFound),
    }
}
