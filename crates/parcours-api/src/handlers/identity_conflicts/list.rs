//! `GET /v1/identity-conflicts`: the CRI's identity conflicts, oldest first (open ones by default).

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::IdentityConflictDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Which conflicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictStatusFilter {
    /// Not resolved yet.
    #[default]
    Open,
    /// Open and resolved.
    All,
}

/// Filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConflictQuery {
    /// `open` (default) or `all`.
    #[param(inline)]
    pub status: Option<ConflictStatusFilter>,
}

/// The CRI's conflicts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct IdentityConflictList {
    /// Oldest first, at most 500.
    pub items: Vec<IdentityConflictDto>,
}

/// Lists identity conflicts.
///
/// The CRI's identity conflicts, oldest first (open ones by default).
#[utoipa::path(
    tag = "persons",
    params(ConflictQuery),
    responses(
        (status = 200, description = "The CRI's conflicts", body = IdentityConflictList),
        (status = 400, description = "Unknown status filter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/identity-conflicts")]
pub async fn list_identity_conflicts(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    query: web::Query<ConflictQuery>,
) -> Result<HttpResponse, ApiError> {
    let open_only = query.status.unwrap_or_default() == ConflictStatusFilter::Open;
    let actor = actor(&agent.caller, &request_id);
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::identity_conflicts::list_conflicts(
            &mut conn,
            agent.cri.code(),
            open_only,
            &actor,
            state.clock.now(),
        )?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(IdentityConflictList { items: rows.iter().map(IdentityConflictDto::new).collect() }))
}
