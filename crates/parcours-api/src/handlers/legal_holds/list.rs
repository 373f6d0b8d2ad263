//! `GET /v1/persons/{id}/legal-holds`: the holds placed on a person's file, lifted ones included, oldest
//! first, for a data protection officer within scope (the Region's for anyone, a CRI's for the persons it
//! is competent for). The read is audited: it shows who is in litigation.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::LegalHoldDto;
use crate::auth::PrivacyOfficer;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A person's legal holds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "01a20c90-0000-7000-8000-0000000000b1", "person_id": "01a20c90-0000-7000-8000-00000000000a",
    "reason": "Recours pendant devant le tribunal du travail de Liège (RG 26/1234/A)", "placed_by": "region:SPW",
    "placed_at": "2026-12-15T10:00:00Z", "lifted_at": null, "lift_reason": null}]}))]
pub struct LegalHoldList {
    /// Oldest first.
    pub items: Vec<LegalHoldDto>,
}

/// Lists a person's legal holds.
///
/// The holds placed on a person's file, lifted ones included, oldest
/// first, for a data protection officer within scope (the Region's for anyone, a CRI's for the persons it
/// is competent for). The read is audited: it shows who is in litigation.
#[utoipa::path(
    tag = "privacy",
    params(("id" = String, Path, description = "Person id")),
    responses(
        (status = 200, description = "The holds, lifted ones included", body = LegalHoldList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a data protection officer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown person, or not one the officer's CRI is competent for", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/persons/{id}/legal-holds")]
pub async fn list_legal_holds(
    state: web::Data<AppState>,
    officer: PrivacyOfficer,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&officer.caller, &request_id);
    let id = path.into_inner();
    let holds = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let cri = officer.cri.as_ref().map(|c| c.code());
        Ok(parcours_store::legal_holds::holds_of(&mut conn, &id, cri, &actor, state.clock.now())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(LegalHoldList { items: holds.iter().map(LegalHoldDto::new).collect() }))
}
