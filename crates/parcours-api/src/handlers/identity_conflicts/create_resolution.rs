//! `POST /v1/identity-conflicts/{id}/resolution`: the CRI resolves a conflict, keeping the current
//! identity or adopting the reported one as a new version (with a step on the open case). Once only.

use actix_web::{HttpResponse, post, web};
use parcours_store::identity_conflicts::Resolution;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ConflictResolutionDto, IdentityConflictDto};
use crate::auth::CriAgent;
use crate::handlers::persons::CurrentIdentity;
use crate::problem::{ApiError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The CRI's resolution.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"resolution": "adopt_reported", "reason": "Titre de séjour vu au bureau d'accueil le 2026-12-14 : nom d'épouse."}))]
pub struct ResolutionRequest {
    /// Keep the current identity, or adopt the reported one.
    pub resolution: ConflictResolutionDto,
    /// Why (the document seen), 5 to 500 characters.
    pub reason: String,
}

/// The resolved conflict and the person's identity now.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResolutionResponse {
    /// The conflict.
    pub conflict: IdentityConflictDto,
    /// The current identity after the resolution.
    pub person: CurrentIdentity,
}

/// Resolves an identity conflict.
///
/// The CRI resolves a conflict, keeping the current
/// identity or adopting the reported one as a new version (with a step on the open case). Once only.
#[utoipa::path(
    tag = "persons",
    params(("id" = String, Path, description = "Conflict id")),
    request_body = ResolutionRequest,
    responses(
        (status = 201, description = "Resolved", body = ResolutionResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown conflict, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already resolved (`identity_conflict_already_resolved`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid resolution or reason", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/identity-conflicts/{id}/resolution")]
pub async fn create_identity_conflict_resolution(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<ResolutionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if let Some(error) = crate::body::length_error("reason", &body.reason, 5, 500) {
        return Err(ApiError::Validation(vec![error]));
    }
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let outcome = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::identity_conflicts::resolve_conflict(
            &mut conn,
            &id,
            agent.cri.code(),
            body.resolution.into(),
            &body.reason,
            &actor,
            state.clock.now(),
        )?)
    })
    .await??;
    match outcome {
        Resolution::NotFound => Err(ApiError::NotFound),
        Resolution::AlreadyResolved(view) => Err(ApiError::Conflict(
            "identity_conflict_already_resolved",
            Text::new(
                format!(
                    "Ce conflit a déjà été résolu le {} ; l'identité se corrige désormais par une nouvelle version.",
                    view.conflict.resolved_at.map(|at| at.format("%d/%m/%Y").to_string()).unwrap_or_default()
                ),
                "This conflict was already resolved; the identity is now corrected through a new version.",
            ),
        )),
        Resolution::Resolved(view, person) => {
            Ok(HttpResponse::Created().insert_header(("Location", format!("/v1/persons/{}", person.id))).json(
                ResolutionResponse { conflict: IdentityConflictDto::new(&view), person: CurrentIdentity::new(&person) },
            ))
        }
    }
}
