//! `GET /v1/persons/{id}/identities`: a person's identity through time, for the CRI competent for them:
//! every version of the current identity with its source, and every report kept as it was made (including
//! those of a record merged into this one). The `ETag` is the current version, for `If-Match` on an update.

use actix_web::{HttpResponse, get, http::header, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CurrentIdentity, IdentityDto};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A person's identity history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IdentityHistory {
    /// The current identity.
    pub person: CurrentIdentity,
    /// Oldest first.
    pub items: Vec<IdentityDto>,
}

/// Lists a person's identities.
///
/// A person's identity through time, for the CRI competent for them:
/// every version of the current identity with its source, and every report kept as it was made (including
/// those of a record merged into this one). The `ETag` is the current version, for `If-Match` on an update.
#[utoipa::path(
    tag = "persons",
    params(("id" = String, Path, description = "Person id (from an arrival or a case)"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag read before: 304 with no body while the representation is unchanged")),
    responses(
        (status = 200, description = "Identity history; ETag is the current identity version", body = IdentityHistory,
         headers(("ETag" = String, description = "Current identity version"))),
        (status = 304, description = "Not modified: `If-None-Match` names the current ETag", headers(("ETag" = String, description = "The current ETag"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown person, or not one the CRI is competent for", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/persons/{id}/identities")]
pub async fn list_person_identities(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let (person, rows) = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::persons::identity_history(&mut conn, &id, agent.cri.code(), &actor, state.clock.now())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    let history =
        IdentityHistory { person: CurrentIdentity::new(&person), items: rows.iter().map(IdentityDto::new).collect() };
    Ok(HttpResponse::Ok().insert_header((header::ETAG, format!("\"{}\"", person.identity_version))).json(history))
}
