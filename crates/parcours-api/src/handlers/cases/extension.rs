//! `POST /v1/cases/{id}/extensions`: the CRI extends the completion deadline, never beyond the regime's ceiling (rule 4.4).

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::CaseCommand;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, date_field, mutate, short_text};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// An extension.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2027-09-01", "until": "2030-04-15", "reason": "Maladie longue durée attestée"}))]
pub struct ExtensionRequest {
    /// Decision date.
    #[schema(format = Date)]
    pub date: String,
    /// New completion deadline.
    pub until: String,
    /// Why (at most 300 characters).
    pub reason: String,
}

/// Extends the completion deadline.
///
/// The CRI extends the completion deadline, never beyond the regime's ceiling (rule 4.4).
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = ExtensionRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/extensions")]
pub async fn create_case_extension(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<ExtensionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("date", &body.date)?;
    let until = date_field("until", &body.until)?;
    let reason = short_text("reason", &body.reason, 300)?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_extension",
        Box::new(move |_, _, _, _, _| Ok(CaseCommand::Extend { date, until, reason })),
    )
    .await
}
