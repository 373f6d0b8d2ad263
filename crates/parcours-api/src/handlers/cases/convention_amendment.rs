//! `POST /v1/cases/{id}/convention/amendments`: the convention is amended; the previous axes are kept in its history.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::{CaseCommand, FrenchDecision};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, choice, date_field, mutate, short_text};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// An amendment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2027-03-01", "french": "waived", "orientation_needed": true, "reason": "Nouveau test : niveau B1"}))]
pub struct ConventionAmendmentRequest {
    /// Date.
    #[schema(format = Date)]
    pub date: String,
    /// `required` or `waived`.
    pub french: String,
    /// Socio-professional orientation needed.
    pub orientation_needed: bool,
    /// Why (at most 300 characters).
    pub reason: String,
}

/// Amends the convention.
///
/// The convention is amended; the previous axes are kept in its history.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = ConventionAmendmentRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/convention/amendments")]
pub async fn create_case_convention_amendment(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<ConventionAmendmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("date", &body.date)?;
    let french =
        choice("french", &body.french, &[("required", FrenchDecision::Required), ("waived", FrenchDecision::Waived)])?;
    let orientation_needed = body.orientation_needed;
    let reason = short_text("reason", &body.reason, 300)?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_convention_amendment",
        Box::new(move |_, _, _, _, _| Ok(CaseCommand::AmendConvention { date, french, orientation_needed, reason })),
    )
    .await
}
