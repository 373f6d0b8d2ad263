//! `POST /v1/cases/{id}/suspensions`: deadlines suspended over a period (no course place available, illness, pregnancy, force majeure): the completion deadline and its ceiling move by the length of the suspension.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::{CaseCommand, Suspension, SuspensionReason};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, choice, date_field, mutate};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// A suspension.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from": "2027-01-01", "to": "2027-03-31", "reason": "no_course_place"}))]
pub struct SuspensionRequest {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// `no_course_place`, `illness`, `pregnancy` or `force_majeure`.
    pub reason: String,
}

/// Suspends the deadlines over a period.
///
/// Deadlines suspended over a period (no course place available, illness, pregnancy, force majeure): the completion deadline and its ceiling move by the length of the suspension.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = SuspensionRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/suspensions")]
pub async fn create_case_suspension(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<SuspensionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let from = date_field("from", &body.from)?;
    let to = date_field("to", &body.to)?;
    let reason = choice(
        "reason",
        &body.reason,
        &[
            ("no_course_place", SuspensionReason::NoCoursePlace),
            ("illness", SuspensionReason::Illness),
            ("pregnancy", SuspensionReason::Pregnancy),
            ("force_majeure", SuspensionReason::ForceMajeure),
        ],
    )?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_suspension",
        Box::new(move |_, _, _, _, _| Ok(CaseCommand::Suspend(Suspension { from, to, reason }))),
    )
    .await
}
