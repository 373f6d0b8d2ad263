//! `POST /v1/cases/{id}/transfer`: staff transfer the case, with its history, to another CRI; the former CRI keeps read access to what it did, not to what follows.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::CriCode;
use parcours_domain::case::CaseCommand;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, choice, date_field, mutate, short_text};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// A transfer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "CRIC", "date": "2027-01-15", "reason": "Déménagement à Charleroi"}))]
pub struct TransferRequest {
    /// CRI code.
    pub to: String,
    /// Date.
    #[schema(format = Date)]
    pub date: String,
    /// Why (at most 300 characters).
    pub reason: String,
}

/// Transfers the case to another CRI.
///
/// Staff transfer the case, with its history, to another CRI; the former CRI keeps read access to what it did, not to what follows.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = TransferRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/transfer")]
pub async fn create_case_transfer(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<TransferRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let options: Vec<(&str, CriCode)> = CriCode::ALL.iter().map(|c| (c.code(), *c)).collect();
    let to = choice("to", &body.to, &options)?;
    let date = date_field("date", &body.date)?;
    let reason = short_text("reason", &body.reason, 300)?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_transfer",
        Box::new(move |_, _, _, _, _| Ok(CaseCommand::Transfer { to, date, reason })),
    )
    .await
}
