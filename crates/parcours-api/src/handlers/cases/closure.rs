//! `POST /v1/cases/{id}/closure`: the case is closed: moved out of the French-language region, left Belgium, deceased, became Belgian, or withdrew from a voluntary pathway (dispensations close a case through a dispensation decision).

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::{CaseCommand, Closure, ClosureReason};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, choice, date_field, mutate};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// A closure.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "moved_out_of_region", "date": "2027-04-01"}))]
pub struct ClosureRequest {
    /// `moved_out_of_region`, `left_belgium`, `deceased`, `became_belgian`, `withdrew_voluntary`, or
    /// `duplicate_record` (the person has a second record and case under another number: close one, then
    /// merge the records with `POST /v1/persons/{id}/merges`).
    pub reason: String,
    /// Date.
    #[schema(format = Date)]
    pub date: String,
}

/// Closes the case.
///
/// The case is closed: moved out of the French-language region, left Belgium, deceased, became Belgian, or withdrew from a voluntary pathway (dispensations close a case through a dispensation decision).
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = ClosureRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/closure")]
pub async fn create_case_closure(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<ClosureRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let reason = choice(
        "reason",
        &body.reason,
        &[
            ("moved_out_of_region", ClosureReason::MovedOutOfRegion),
            ("left_belgium", ClosureReason::LeftBelgium),
            ("deceased", ClosureReason::Deceased),
            ("became_belgian", ClosureReason::BecameBelgian),
            ("withdrew_voluntary", ClosureReason::WithdrewVoluntary),
            ("duplicate_record", ClosureReason::DuplicateRecord),
        ],
    )?;
    let date = date_field("date", &body.date)?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_closure",
        Box::new(move |_, _, _, _, _| Ok(CaseCommand::Close(Closure { reason, date }))),
    )
    .await
}
