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
///
/// The registered ILIs, for the Region and the CRIs.
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
    let items = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let initiatives = parcours_store::local_initiatives::all(&mut conn)?;
        let numbers: Vec<String> = initiatives.iter().map(|i| i.enterprise_number.clone()).collect();
        let operators = parcours_store::operators::ids_by_enterprise_numbers(&mut conn, &numbers)?;
        let items: Vec<LocalInitiativeDto> = initiatives
            .iter()
            .map(|record| {
                let operator = operators.iter().find(|(number, _)| *number == record.enterprise_number);
                LocalInitiativeDto::new(record, operator.map(|(_, id)| id.clone()))
            })
            .collect();
        Ok(items)
    })
    .await??;
    Ok(HttpResponse::Ok().json(LocalInitiativeList { items }))
}
