//! `GET /v1/offices`: the CRI's offices, optionally those serving one commune by default.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::OfficeDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfficeQuery {
    /// Only the offices serving this commune (NIS code) by default.
    pub commune: Option<String>,
}

/// The CRI's offices.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct OfficeList {
    /// By name.
    pub items: Vec<OfficeDto>,
}

/// Lists the CRI's offices.
///
/// The CRI's offices, optionally those serving one commune by default.
#[utoipa::path(
    tag = "welcome-office",
    params(OfficeQuery),
    responses(
        (status = 200, description = "The CRI's offices, by name", body = OfficeList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/offices")]
pub async fn list_offices(
    state: web::Data<AppState>,
    agent: CriAgent,
    query: web::Query<OfficeQuery>,
) -> Result<HttpResponse, ApiError> {
    let commune = query.into_inner().commune;
    let records = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::welcome_offices::of_cri(&mut conn, agent.cri.code())?)
    })
    .await??;
    let mut items = Vec::new();
    for record in &records {
        let office = OfficeDto::new(record)?;
        if commune.as_ref().is_none_or(|nis| office.communes.contains(nis)) {
            items.push(office);
        }
    }
    Ok(HttpResponse::Ok().json(OfficeList { items }))
}
