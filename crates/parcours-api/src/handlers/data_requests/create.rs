//! `POST /v1/persons/{id}/data-requests`: the CRI competent for the person records a request about their
//! data (received at the office, by post or by e-mail), with the day it was received: the one-month
//! deadline runs from there.

use actix_web::{HttpResponse, post, web};
use parcours_domain::data_requests::DataRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DataRequestDto, RequestKindDto, kind_of, refused};
use crate::auth::CriAgent;
use crate::handlers::cases::{date_field, short_text};
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A request received.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "erasure", "received_on": "2026-12-14", "details": "Demande écrite remise à l'accueil de Liège."}))]
pub struct DataRequestCreation {
    /// What is asked.
    pub kind: RequestKindDto,
    /// The day it was received (`YYYY-MM-DD`, not in the future).
    #[schema(format = Date)]
    pub received_on: String,
    /// What the person asked and how (1 to 2,000 characters).
    pub details: String,
}

/// Records a request.
///
/// The CRI competent for the person records a request about their
/// data (received at the office, by post or by e-mail), with the day it was received: the one-month
/// deadline runs from there.
#[utoipa::path(
    tag = "privacy",
    params(("id" = String, Path, description = "Person id")),
    request_body = DataRequestCreation,
    responses(
        (status = 201, description = "The request, with its deadline", body = DataRequestDto,
         headers(("Location" = String, description = "The request"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown person, or not one the CRI is competent for", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid date (`invalid_date`, `date_out_of_range`) or details", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/persons/{id}/data-requests")]
pub async fn create_data_request(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<DataRequestCreation>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let received_on = date_field("received_on", &body.received_on)?;
    let details = short_text("details", &body.details, 2000)?;
    let today = state.clock.today();
    let request =
        DataRequest::receive(kind_of(body.kind), received_on, today).map_err(|r| refused(r, "received_on"))?;
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let cri = agent.cri.code().to_owned();
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let Some(person) = parcours_store::persons::find_person(&mut conn, &id)? else { return Ok(None) };
        if !parcours_store::persons::cri_is_competent_for(&mut conn, &person.id, &cri)? {
            return Ok(None);
        }
        let now = state.clock.now();
        Ok(Some(parcours_store::data_requests::record_request(
            &mut conn, &person.id, &cri, &request, &details, &actor, now,
        )?))
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/data-requests/{}", record.id)))
        .json(DataRequestDto::new(&record, today)?))
}
