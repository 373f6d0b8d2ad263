//! `GET /v1/cases/{id}/timeline`: the append-only history of a case: who did what, when, why. The CRI in
//! charge sees every step; a CRI that held the case before a transfer sees only the steps it recorded.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::CriAgent;
use crate::dto::Bilingual;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// One step.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TimelineStep {
    /// Step id.
    pub id: String,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Stable kind (`presentation_recorded`, `convention_signed`, `deadline_extended`...).
    pub kind: String,
    /// CRI in charge at the time.
    pub cri: String,
    /// Who (token subject).
    pub actor_subject: String,
    /// Their organisation.
    pub actor_organisation: String,
    /// Request id.
    pub request_id: String,
    /// Legal basis.
    pub basis: String,
    /// Why, in French and English.
    pub reason: Bilingual,
    /// What (dates, codes, hours).
    pub summary: String,
}

/// A timeline.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929", "items": [{
    "id": "01a20c80-0000-7000-8000-000000000001", "occurred_at": "2026-11-30T09:12:00Z", "kind": "presentation_recorded", "cri": "CRIPEL",
    "actor_subject": "agent.dupont", "actor_organisation": "cri:CRIPEL", "request_id": "01a20c80-0000-7000-8000-0000000000aa",
    "basis": "CWASS art. 152/7 §1", "reason": {"fr": "Présentation au bureau d'accueil : le module d'accueil commence.", "en": "Presentation at the welcome office: the welcome module starts."},
    "summary": "date 2026-11-30; late false; force majeure false"}]}))]
pub struct Timeline {
    /// Case id.
    pub case_id: String,
    /// Oldest first.
    pub items: Vec<TimelineStep>,
}

/// Reads the timeline of a case.
///
/// The append-only history of a case: who did what, when, why. The CRI in
/// charge sees every step; a CRI that held the case before a transfer sees only the steps it recorded.
#[utoipa::path(
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The steps, oldest first", body = Timeline),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or never held by the caller's CRI", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/cases/{id}/timeline")]
pub async fn list_case_timeline(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let actor = actor(&caller, &request_id);
    let id = path.into_inner();
    let case_id = id.clone();
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::case_events::timeline(&mut conn, &id, cri.code(), &actor, state.clock.now())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    let items = rows
        .into_iter()
        .map(|r| TimelineStep {
            id: r.id,
            occurred_at: r.occurred_at.and_utc(),
            kind: r.kind.into(),
            cri: r.cri_code,
            actor_subject: r.actor_subject,
            actor_organisation: r.actor_organisation,
            request_id: r.request_id,
            basis: r.basis,
            reason: Bilingual { fr: r.reason_fr, en: r.reason_en },
            summary: r.summary,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Timeline { case_id, items }))
}
