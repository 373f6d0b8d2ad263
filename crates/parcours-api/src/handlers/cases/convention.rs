//! `POST /v1/cases/{id}/convention`: the *convention* is signed at the end of the social assessment (rule 4.5): the axes it requires with their hours from the case's regime; French required or waived on the placement test.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::{CaseCommand, FrenchDecision};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, choice, date_field, mutate};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// A convention.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"signed_on": "2026-12-16", "french": "required", "orientation_needed": true}))]
pub struct ConventionRequest {
    /// Signature date.
    #[schema(format = Date)]
    pub signed_on: String,
    /// `required` or `waived` (waiving needs a placement test result).
    pub french: String,
    /// Socio-professional orientation needed.
    pub orientation_needed: bool,
}

/// Signs the convention.
///
/// The *convention* is signed at the end of the social assessment (rule 4.5): the axes it requires with their hours from the case's regime; French required or waived on the placement test.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = ConventionRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/convention")]
pub async fn create_case_convention(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<ConventionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("signed_on", &body.signed_on)?;
    let french =
        choice("french", &body.french, &[("required", FrenchDecision::Required), ("waived", FrenchDecision::Waived)])?;
    let orientation_needed = body.orientation_needed;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_convention",
        Box::new(move |_, _, _, _, _| Ok(CaseCommand::SignConvention { date, french, orientation_needed })),
    )
    .await
}
