//! `POST /v1/legal-holds/{id}/lifting`: the hold no longer applies. A CRI's officer lifts the holds its CRI
//! placed; the Region's officer any. The hold stays on record, lifted, with the reason.

use actix_web::{HttpResponse, post, web};
use parcours_store::legal_holds::Lifting;

use super::{LegalHoldDto, LegalHoldReason};
use crate::auth::PrivacyOfficer;
use crate::handlers::cases::short_text;
use crate::problem::{ApiError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Lifts a legal hold.
///
/// The hold no longer applies. A CRI's officer lifts the holds its CRI
/// placed; the Region's officer any. The hold stays on record, lifted, with the reason.
#[utoipa::path(
    tag = "privacy",
    params(("id" = String, Path, description = "Legal hold id")),
    request_body = LegalHoldReason,
    responses(
        (status = 200, description = "The hold, lifted", body = LegalHoldDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a data protection officer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown hold, or placed by another CRI", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Lifted already (`legal_hold_lifted`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing or too long", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/legal-holds/{id}/lifting")]
pub async fn create_legal_hold_lifting(
    state: web::Data<AppState>,
    officer: PrivacyOfficer,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<LegalHoldReason>,
) -> Result<HttpResponse, ApiError> {
    let reason = short_text("reason", &body.into_inner().reason, 500)?;
    let actor = actor(&officer.caller, &request_id);
    let id = path.into_inner();
    let any = officer.cri.is_none();
    let lifting = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::legal_holds::lift_hold(&mut conn, &id, &reason, any, &actor, state.clock.now())?)
    })
    .await??;
    match lifting {
        Lifting::Lifted(hold) => Ok(HttpResponse::Ok().json(LegalHoldDto::new(&hold))),
        Lifting::AlreadyLifted(hold) => Err(ApiError::Conflict(
            "legal_hold_lifted",
            Text::new(
                format!(
                    "Cette mesure de conservation a déjà été levée le {}.",
                    hold.lifted_at.map(|t| t.date().to_string()).unwrap_or_default()
                ),
                format!(
                    "This legal hold was lifted already on {}.",
                    hold.lifted_at.map(|t| t.date().to_string()).unwrap_or_default()
                ),
            ),
        )),
        Lifting::NotFound => Err(ApiError::NotFound),
    }
}
