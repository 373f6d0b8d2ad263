//! `POST /v1/cases/{id}/presentation`: the person presents at the *bureau d'accueil* (CWASS art. 152/7 §1). A presentation after the deadline is flagged as late unless force majeure is recorded.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::CaseCommand;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, date_field, mutate, short_text};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// A presentation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2026-11-30", "force_majeure": null}))]
pub struct PresentationRequest {
    /// Date of presentation (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub date: String,
    /// Documented force majeure excusing a late presentation (short description).
    pub force_majeure: Option<String>,
}

/// Records the presentation at the welcome office.
///
/// The person presents at the *bureau d'accueil* (CWASS art. 152/7 §1). A presentation after the deadline is flagged as late unless force majeure is recorded.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = PresentationRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/presentation")]
pub async fn create_case_presentation(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<PresentationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("date", &body.date)?;
    let force_majeure = body.force_majeure.as_deref().map(|t| short_text("force_majeure", t, 300)).transpose()?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_presentation",
        Box::new(move |_, _, _, _, _| Ok(CaseCommand::RecordPresentation { date, force_majeure })),
    )
    .await
}
