//! `POST /v1/cases/{id}/rights-information`: information on rights and duties given, individually or collectively, with an interpreter if needed (welcome module).

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::{CaseCommand, RightsInformation, SessionFormat};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, choice, date_field, mutate, short_text};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// An information session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2026-12-02", "format": "collective", "interpreter_language": "ar"}))]
pub struct RightsInformationRequest {
    /// Date.
    #[schema(format = Date)]
    pub date: String,
    /// `individual` or `collective`.
    pub format: String,
    /// Interpreter language (ISO 639-1), when one was used.
    pub interpreter_language: Option<String>,
}

/// Records the information on rights and duties.
///
/// Information on rights and duties given, individually or collectively, with an interpreter if needed (welcome module).
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = RightsInformationRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/rights-information")]
pub async fn create_case_rights_information(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<RightsInformationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("date", &body.date)?;
    let format = choice(
        "format",
        &body.format,
        &[("individual", SessionFormat::Individual), ("collective", SessionFormat::Collective)],
    )?;
    let interpreter_language =
        body.interpreter_language.as_deref().map(|l| short_text("interpreter_language", l, 3)).transpose()?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_rights_information",
        Box::new(move |_, _, _, _, _| {
            Ok(CaseCommand::RecordRightsInformation(RightsInformation { date, format, interpreter_language }))
        }),
    )
    .await
}
