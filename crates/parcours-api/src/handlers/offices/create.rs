//! `POST /v1/offices`: a CRI registers one of its welcome offices (address, opening hours, the communes it
//! serves by default, the languages its staff speak).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use parcours_domain::welcome_office::check_office;
use parcours_store::welcome_offices::OfficeRecord;

use super::{OfficeDto, OfficeRequest};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Registers an office.
///
/// A CRI registers one of its welcome offices (address, opening hours, the communes it
/// serves by default, the languages its staff speak).
#[utoipa::path(
    tag = "welcome-office",
    description = "Registers a welcome office of the caller's CRI. Every commune it serves must be in the CRI's \
                   territory today (`commune_outside_territory` otherwise). Audited.",
    request_body = OfficeRequest,
    responses(
        (status = 201, description = "The office, with its `ETag` and `Location`", body = OfficeDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, or a commune outside the CRI's territory", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/offices")]
pub async fn create_office(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    body: crate::body::Body<OfficeRequest>,
) -> Result<HttpResponse, ApiError> {
    let office = body.into_inner().office()?;
    let actor = actor(&agent.caller, &request_id);
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        check_office(&office, agent.cri, &reference, state.clock.today())?;
        let now = state.clock.now();
        let record = OfficeRecord::new(parcours_store::new_id(), agent.cri.code(), &office, now)?;
        parcours_store::welcome_offices::insert(&mut conn, &record, &actor, now)?;
        Ok(record)
    })
    .await??;
    Ok(OfficeDto::new(&record)?.respond(StatusCode::CREATED))
}
