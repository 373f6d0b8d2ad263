//! `GET /v1/persons/{id}/determinations`: every determination made for a person, oldest first, for the
//! CRI competent for them (a determination routed to it, or a case it holds). Anyone else: 404.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::CriAgent;
use crate::dto::DeterminationDto;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// One stored determination.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StoredDetermination {
    /// Determination id.
    pub id: String,
    /// When it was made.
    pub decided_at: DateTime<Utc>,
    /// Organisation whose action triggered it.
    pub decided_by: String,
    /// The determination as communicated then.
    pub determination: DeterminationDto,
}

/// A person's determination history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"person_id": "01a20c77-7b56-746b-9146-5b7ab1935fa8", "items": [{"id": "01a20c77-7b57-7000-8000-000000000001", "decided_at": "2026-11-24T07:31:26Z", "decided_by": "commune:62063",
    "determination": {"status": "obliged", "voluntary_participation_open": false, "reference_date": "2026-10-15", "as_of": "2026-11-24", "regime": "R2024",
        "competent_cri": {"code": "CRIPEL", "name": "Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège"}, "cri_assignment_status": "confirmed",
        "deadlines": [], "axis_requirements": [], "pending_claims": [], "prior_attestation": null, "reasons": [], "rules_version": "2026.12.0"}}]}))]
pub struct DeterminationHistory {
    /// Person id.
    pub person_id: String,
    /// Oldest first.
    pub items: Vec<StoredDetermination>,
}

/// Lists a person's determinations.
///
/// Every determination made for a person, oldest first, for the
/// CRI competent for them (a determination routed to it, or a case it holds). Anyone else: 404.
#[utoipa::path(
    tag = "persons",
    params(("id" = String, Path, description = "Person id (from an arrival)")),
    responses(
        (status = 200, description = "Determination history", body = DeterminationHistory),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown person, or outside the CRI's territory", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/persons/{id}/determinations")]
pub async fn list_person_determinations(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let person_id = path.into_inner();
    let actor = actor(&caller, &request_id);
    let id = person_id.clone();
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::determinations::person_determinations(
            &mut conn,
            &id,
            cri.code(),
            &actor,
            state.clock.now(),
        )?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    let items = rows
        .into_iter()
        .map(|row| {
            Ok(StoredDetermination {
                id: row.id,
                decided_at: row.decided_at.and_utc(),
                decided_by: row.decided_by,
                determination: serde_json::from_str(&row.result_json)
                    .map_err(|e| ApiError::Internal(format!("stored determination unreadable: {e}")))?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(HttpResponse::Ok().json(DeterminationHistory { person_id, items }))
}
