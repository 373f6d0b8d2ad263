//! `GET /v1/sanctions`: the procedures of the files handed to the Region (sanctioning officials), oldest
//! first, optionally of one state.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ProcedureDto, ProcedureStateDto};
use crate::auth::SanctionsOfficer;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProcedureQuery {
    /// Only procedures in this state (all when absent).
    pub state: Option<ProcedureStateDto>,
}

/// Procedures.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct ProcedureList {
    /// Oldest first, at most 500.
    pub items: Vec<ProcedureDto>,
}

/// Lists sanction procedures.
///
/// The procedures of the files handed to the Region (sanctioning officials), oldest
/// first, optionally of one state.
#[utoipa::path(
    tag = "sanctions",
    params(ProcedureQuery),
    responses(
        (status = 200, description = "The procedures", body = ProcedureList),
        (status = 400, description = "Unknown state", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a sanctioning official of the Region", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/sanctions")]
pub async fn list_sanctions(
    state: web::Data<AppState>,
    officer: SanctionsOfficer,
    request_id: RequestId,
    query: web::Query<ProcedureQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.state.map(Into::into);
    let actor = actor(&officer.caller, &request_id);
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::sanction_procedures::list_procedures(&mut conn, filter, &actor, state.clock.now())?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(ProcedureList { items: rows.iter().map(ProcedureDto::new).collect() }))
}
