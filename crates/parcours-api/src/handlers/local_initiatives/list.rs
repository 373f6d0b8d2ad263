//! `GET /v1/local-initiatives`: the registered ILIs, for the Region and the CRIs.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::LocalInitiativeDto;
use crate::auth::RegionOrCri;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The registered ILIs.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalInitiativeList {
    /// By name.
    pub items: Vec<LocalInitiativeDto>,
}

/// Lists the ILIs.
#[utoipa::path(
    tag = "local-integration",
    description = "Every registered local integration initiative, by name, with the course operator of the same \
                   enterprise number when there is one.",
    responses(
        (status = 200, description = "The ILIs", body = LocalInitiativeList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the Region or a CRI", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/local-initiatives")]
pub async fn list_local_initiatives(
    state: web::Data<AppState>,
    _reader: RegionOrCri,
) -> Result<HttpResponse, ApiError> {
    let items = web::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let mut items = Vec::new();
        for record in parcours_store::local_initiatives::all(&mut conn)? {
            let operator = parcours_store::operators::by_enterprise_number(&mut conn, &record.enterprise_number)?;
            items.push(LocalInitiativeDto::new(&record, operator.map(|o| o.id)));
        }
        Ok(items)
    })
    .await??;
    Ok(HttpResponse::Ok().json(LocalInitiativeList { items }))
}
