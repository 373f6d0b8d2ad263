//! `GET /v1/operators/{id}`: an operator, for itself, the CRIs and the Region.

use actix_web::{HttpResponse, get, web};

use super::OperatorDto;
use crate::auth::{CatalogueReader, Organisation};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads an operator.
///
/// An operator, for itself, the CRIs and the Region.
#[utoipa::path(
    tag = "operators",
    params(("id" = String, Path, description = "Operator id")),
    responses(
        (status = 200, description = "The operator", body = OperatorDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another operator", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/operators/{id}")]
pub async fn get_operator(
    state: web::Data<AppState>,
    reader: CatalogueReader,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let caller = reader.caller;
    let id = path.into_inner();
    let visible = match &caller.organisation {
        Organisation::Operator(own) => *own == id,
        Organisation::Cri(_) | Organisation::Region(_) => true,
        Organisation::Commune(_) | Organisation::Cpas(_) | Organisation::Ili(_) => false,
    };
    if !visible {
        return Err(ApiError::NotFound);
    }
    let operator = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::operators::get_operator(&mut conn, &id)?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(OperatorDto::from(&operator)))
}
