//! `GET /v1/non-compliances`: the CRI's non-compliance records (open by default: its work list), oldest
//! breach first.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{NonComplianceDto, NonComplianceStatusDto};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NonComplianceQuery {
    /// `open` (default), `excused` or `handed_over`.
    pub status: Option<NonComplianceStatusDto>,
}

/// The CRI's records.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct NonComplianceList {
    /// Oldest breach first, at most 500.
    pub items: Vec<NonComplianceDto>,
}

/// Lists non-compliance records.
///
/// The CRI's non-compliance records (open by default: its work list), oldest
/// breach first.
#[utoipa::path(
    tag = "non-compliance",
    params(NonComplianceQuery),
    responses(
        (status = 200, description = "The CRI's records of that status", body = NonComplianceList),
        (status = 400, description = "Unknown status", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/non-compliances")]
pub async fn list_non_compliances(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    query: web::Query<NonComplianceQuery>,
) -> Result<HttpResponse, ApiError> {
    let status = query.status.unwrap_or(NonComplianceStatusDto::Open).into();
    let actor = actor(&agent.caller, &request_id);
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::non_compliances::list_non_compliances(
            &mut conn,
            agent.cri.code(),
            Some(status),
            &actor,
            state.clock.now(),
        )?)
    })
    .await??;
    let items = rows.iter().map(NonComplianceDto::new).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(NonComplianceList { items }))
}
