//! `POST /v1/persons/{id}/legal-holds`: a data protection officer places a legal hold on a person's file
//! (the Region's on anyone, a CRI's on the persons it is competent for); the file is then kept past its
//! retention period until the hold is lifted.

use actix_web::{HttpResponse, post, web};

use super::{LegalHoldDto, LegalHoldReason};
use crate::auth::PrivacyOfficer;
use crate::handlers::cases::short_text;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Places a legal hold.
///
/// A data protection officer places a legal hold on a person's file
/// (the Region's on anyone, a CRI's on the persons it is competent for); the file is then kept past its
/// retention period until the hold is lifted.
#[utoipa::path(
    tag = "privacy",
    description = "Keeps the person's file past its retention period: the retention review lists the person as \
                   blocked (`legal_hold`) instead of proposing their erasure, until the hold is lifted.",
    params(("id" = String, Path, description = "Person id")),
    request_body = LegalHoldReason,
    responses(
        (status = 201, description = "The hold (lift it with `POST /v1/legal-holds/{id}/lifting`)", body = LegalHoldDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a data protection officer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown person, or not one the officer's CRI is competent for", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing or too long", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/persons/{id}/legal-holds")]
pub async fn create_legal_hold(
    state: web::Data<AppState>,
    officer: PrivacyOfficer,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<LegalHoldReason>,
) -> Result<HttpResponse, ApiError> {
    let reason = short_text("reason", &body.into_inner().reason, 500)?;
    let actor = actor(&officer.caller, &request_id);
    let id = path.into_inner();
    let hold = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let cri = officer.cri.as_ref().map(|c| c.code());
        let now = state.clock.now();
        Ok(parcours_store::legal_holds::place_hold(&mut conn, &id, cri, &reason, &actor, now)?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/persons/{}/legal-holds", hold.person_id)))
        .json(LegalHoldDto::new(&hold)))
}
