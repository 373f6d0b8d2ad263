//! `POST /v1/cases/{id}/administrative-help`: help with an administrative step (welcome module).

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::{AdministrativeHelp, CaseCommand};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, date_field, mutate, short_text};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// Help given.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2026-12-09", "topic": "Inscription au Forem"}))]
pub struct AdministrativeHelpRequest {
    /// Date.
    #[schema(format = Date)]
    pub date: String,
    /// The step (short, non-sensitive; at most 200 characters).
    pub topic: String,
}

/// Records help with an administrative step.
///
/// Help with an administrative step (welcome module).
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = AdministrativeHelpRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/administrative-help")]
pub async fn create_case_administrative_help(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<AdministrativeHelpRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("date", &body.date)?;
    let topic = short_text("topic", &body.topic, 200)?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_administrative_help",
        Box::new(move |_, _, _, _, _| Ok(CaseCommand::RecordAdministrativeHelp(AdministrativeHelp { date, topic }))),
    )
    .await
}
