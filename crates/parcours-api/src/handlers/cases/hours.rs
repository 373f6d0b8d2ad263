//! `POST /v1/cases/{id}/hours`: hours proved by an external certificate, recorded by the CRI (operators report attendance themselves).

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::{CaseCommand, HoursEntry, HoursSource};
use parcours_domain::regime::Axis;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, choice, date_field, mutate};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// Hours attended.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"axis": "french", "hours": 120, "date": "2027-02-28"}))]
pub struct HoursRequest {
    /// `french`, `citizenship` or `orientation`.
    pub axis: String,
    /// Hours (more than 0, at most 1,000).
    pub hours: f64,
    /// Date of the certificate or of the last session.
    #[schema(format = Date)]
    pub date: String,
}

/// Records hours proved by an external certificate.
///
/// Hours proved by an external certificate, recorded by the CRI (operators report attendance themselves).
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = HoursRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/hours")]
pub async fn create_case_hours(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<HoursRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let axis = choice(
        "axis",
        &body.axis,
        &[("french", Axis::French), ("citizenship", Axis::Citizenship), ("orientation", Axis::Orientation)],
    )?;
    let date = date_field("date", &body.date)?;
    let hours = body.hours;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_hours",
        Box::new(move |_, _, _, _, _| {
            Ok(CaseCommand::RecordHours(HoursEntry { axis, hours, date, source: HoursSource::ExternalCertificate }))
        }),
    )
    .await
}
