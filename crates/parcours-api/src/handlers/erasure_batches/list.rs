//! `GET /v1/erasure-batches`: the retention review's batches, newest first, for the Region's data protection
//! officer: the dry-run report (who is due, since when, under which period, which rows will change; who is
//! due but blocked), the decision and the outcome.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ErasureBatchDto, region_officer};
use crate::auth::PrivacyOfficer;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Batches.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErasureBatchList {
    /// Newest first (the latest 50).
    pub items: Vec<ErasureBatchDto>,
}

/// Lists the erasure batches.
///
/// The retention review's batches, newest first, for the Region's data protection
/// officer: the dry-run report (who is due, since when, under which period, which rows will change; who is
/// due but blocked), the decision and the outcome.
#[utoipa::path(
    tag = "privacy",
    responses(
        (status = 200, description = "The latest 50 batches, newest first", body = ErasureBatchList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the Region's data protection officer", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/erasure-batches")]
pub async fn list_erasure_batches(
    state: web::Data<AppState>,
    officer: PrivacyOfficer,
    request_id: RequestId,
) -> Result<HttpResponse, ApiError> {
    region_officer(&officer)?;
    let actor = actor(&officer.caller, &request_id);
    let batches = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::erasure_batches::list_batches(&mut conn, 50, &actor, state.clock.now())?)
    })
    .await??;
    let items = batches.iter().map(ErasureBatchDto::new).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(ErasureBatchList { items }))
}
