//! `GET /v1/parameter-reviews`: the open cases a new parameter value would change (status, regime,
//! deadlines, hours), as the review job found them. A CRI sees its own cases, the Region every case;
//! identifiers and codes only.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Organisation, RegionOrCri};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// An open case a new value would change.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "parameter": "family_of_non_mobile_belgian_exempt", "value": "true", "valid_from": "2026-12-15",
    "case_id": "01a20c77-7b58-7285-ac6a-47f8b353f6bb", "cri": "CRIPEL",
    "status_before": "obliged", "status_after": "exempt",
    "changes": ["status: obliged -> exempt", "present_by: 2026-08-01 -> -"], "found_at": "2026-12-15T10:05:00Z"
}))]
pub struct ParameterReviewItemDto {
    /// The parameter.
    pub parameter: String,
    /// Its new value.
    pub value: String,
    /// From when.
    pub valid_from: NaiveDate,
    /// The case to review.
    pub case_id: String,
    /// Its CRI.
    pub cri: String,
    /// Status with the values before.
    pub status_before: String,
    /// Status with the new value.
    pub status_after: String,
    /// Each change, `field: before -> after`.
    pub changes: Vec<String>,
    /// When the review job found it.
    pub found_at: chrono::DateTime<chrono::Utc>,
}

/// The review list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ParameterReviewList {
    /// Newest first (at most 1,000).
    pub items: Vec<ParameterReviewItemDto>,
}

/// Lists the open cases that new parameter values would change.
///
/// The open cases a new parameter value would change (status, regime,
/// deadlines, hours), as the review job found them. A CRI sees its own cases, the Region every case;
/// identifiers and codes only.
#[utoipa::path(
    tag = "parameters",
    responses(
        (status = 200, description = "Cases to review, newest first", body = ParameterReviewList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the Region nor a CRI", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/parameter-reviews")]
pub async fn list_parameter_reviews(state: web::Data<AppState>, reader: RegionOrCri) -> Result<HttpResponse, ApiError> {
    let cri = match &reader.caller.organisation {
        Organisation::Cri(cri) => Some(cri.code().to_owned()),
        _ => None,
    };
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::parameter_values::review_items(&mut conn, cri.as_deref(), 1000)?)
    })
    .await??;
    let items = rows
        .into_iter()
        .map(|(item, value)| ParameterReviewItemDto {
            parameter: value.name,
            value: value.value_text,
            valid_from: value.valid_from,
            case_id: item.case_id,
            cri: item.cri_code,
            status_before: item.status_before,
            status_after: item.status_after,
            changes: item.changes.lines().map(str::to_owned).collect(),
            found_at: item.found_at.and_utc(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ParameterReviewList { items }))
}
