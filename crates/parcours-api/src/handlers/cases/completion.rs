//! `POST /v1/cases/{id}/completion`: the convention is respected: every required axis reaches its hours (attendance threshold applied); the attendance certificate can be issued (rule 5.1).

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::CaseCommand;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, date_field, mutate};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// Completion.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2028-05-20"}))]
pub struct CompletionRequest {
    /// Date.
    #[schema(format = Date)]
    pub date: String,
}

/// Records that the requirements are met.
///
/// The convention is respected: every required axis reaches its hours (attendance threshold applied); the attendance certificate can be issued (rule 5.1).
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = CompletionRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/completion")]
pub async fn create_case_completion(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<CompletionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("date", &body.date)?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_completion",
        Box::new(move |_, _, _, _, _| Ok(CaseCommand::Complete { date })),
    )
    .await
}
