//! `GET /v1/parameters`: every open quantity of the law, its value today and its history (built-in and
//! set by the Region). Public: the law's values are no secret, and integrators show them.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ParameterDto, parameter_dto};
use crate::problem::ApiError;
use crate::state::AppState;

/// The parameters.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ParameterList {
    /// In documentation order.
    pub items: Vec<ParameterDto>,
}

/// Lists the law's parameters with their history.
///
/// Every open quantity of the law, its value today and its history (built-in and
/// set by the Region). Public: the law's values are no secret, and integrators show them.
#[utoipa::path(
    tag = "parameters",
    responses((status = 200, description = "Every parameter, its value today and its history", body = ParameterList)),
    security(())
)]
#[get("/parameters")]
pub async fn list_parameters(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let today = state.clock.today();
    let items = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let records = parcours_store::parameter_values::history(&mut conn)?;
        let in_force = parcours_store::parameter_values::parameters_with(&records, None)?;
        Ok(in_force.names().into_iter().filter_map(|name| parameter_dto(name, &in_force, &records, today)).collect())
    })
    .await??;
    Ok(HttpResponse::Ok().json(ParameterList { items }))
}
